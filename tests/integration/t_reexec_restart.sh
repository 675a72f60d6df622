# t_reexec_restart: arborctl reexec while supervisors are mid-restart.
# A setup script running (the supervisor restarted by its parent after
# its child failed): the re-exec succeeds, arbord's and every worker's
# pid stay, the script is the same process, still arbord's child, and
# once released what it printed, before the exec and after it (a line cut
# in the middle by the exec too), is in the children's environment; the
# children start. A setup that overruns its setup_timeout across the exec
# is killed at its original deadline, not one restarted from zero. A
# cleanup script running: the same, and the supervisor is restarted once
# it ends. A one_for_all restart stuck in a child's shutdown time (it
# ignores SIGTERM), the others marked to start again: after the shutdown
# time the child is SIGKILLed and all three start again, once each.
. "$(dirname "$0")/lib.sh"

mkfifo "$T/go" "$T/clgo"

# A setup that prints some of its environment, its pid, and, while
# $T/block exists, waits for the test (on the fifo) in the middle of a
# line before it prints the rest.
script setup.sh >/dev/null <<SH
#!/bin/sh
echo EARLY=1
if [ -e "$T/block" ]; then
	printf PART
	echo \$\$ >"$T/setup.pid.tmp"; mv "$T/setup.pid.tmp" "$T/setup.pid"
	read x <"$T/go"
	echo IAL=2
fi
echo LATE=3
SH
# A setup that runs past its timeout while $T/slowblock exists.
script slowsetup.sh >/dev/null <<SH
#!/bin/sh
if [ -e "$T/slowblock" ]; then
	date +%s%3N >"$T/slow.start.tmp"; mv "$T/slow.start.tmp" "$T/slow.start"
	exec $T/sleep 1000
fi
SH
# A cleanup that waits for the test while $T/clblock exists.
script cleanup.sh >/dev/null <<SH
#!/bin/sh
if [ -e "$T/clblock" ]; then
	echo \$\$ >"$T/cl.pid.tmp"; mv "$T/cl.pid.tmp" "$T/cl.pid"
	read x <"$T/clgo"
fi
SH

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[worker:root/other]
command = $T/sleep 1000

[supervisor:root/sup]
setup = $T/setup.sh
intensity = 0

[worker:root/sup/env]
command = sh -c 'env >"$T/env.\$\$"; exec $T/sleep 1000'

[supervisor:root/slow]
setup = $T/slowsetup.sh
setup_timeout = 4s
intensity = 0

[worker:root/slow/w]
command = $T/sleep 1000

[supervisor:root/cl]
cleanup = $T/cleanup.sh
intensity = 0

[worker:root/cl/w]
command = $T/sleep 1000

[supervisor:root/ofa]
strategy = one_for_all
intensity = 1000

[worker:root/ofa/a]
command = $T/sleep 1000

[worker:root/ofa/b]
command = sh -c 'trap "" TERM; exec $T/sleep 1000'
shutdown = 4s

[worker:root/ofa/c]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root

# reexec_ok WHAT: arborctl reexec succeeds, arbord keeps its pid.
reexec_ok() {
	local n
	n=$(grep -c '"event":"ArborReexec"' "$T/events")
	ctl_expect 0 reexec
	assert_match '^re-executed: arbord [^ ]+ \(was [^ ]+\), pid '"$ARBORD_PID" "$(cat "$T/ctl.out")" "$1"
	wait_event ArborReexec root $((n + 1))
}

# ppid PID: the parent of PID.
ppid() {
	ps -o ppid= -p "$1" | tr -d ' '
}

# past MS: is it MS (ms since the epoch) or later?
past() {
	[ "$(date +%s%3N)" -ge "$1" ]
}

# count EVENT PATH: how many EVENTs of PATH so far.
count() {
	grep -cE "\"event\":\"$1\",\"node\":\"[a-z]+\",\"path\":\"$2\"" "$T/events"
}

other=$(pid_of root/other)

# 1. A setup running across the exec, released after it.
touch "$T/block"
kill -KILL "$(pid_of root/sup/env)"
poll 15 test -s "$T/setup.pid" || fail "the setup of root/sup did not run again"
spid=$(cat "$T/setup.pid")
assert_eq starting "$(state_of root/sup)" "root/sup in its setup"
reexec_ok "reexec during a setup"
alive "$spid" || fail "the setup script (pid $spid) is gone after the reexec"
assert_eq "$ARBORD_PID" "$(ppid "$spid")" "the setup script's parent"
assert_eq "$other" "$(pid_of root/other)" "root/other's pid"
assert_eq starting "$(state_of root/sup)" "root/sup still in its setup"
rm -f "$T/block"
echo go >"$T/go"
wait_event ProcessStarted root/sup/env 2
wait_event ProcessStarted root/sup 2
envpid=$(pid_of root/sup/env)
poll 15 test -s "$T/env.$envpid" || fail "root/sup/env wrote no environment"
for kv in EARLY=1 PARTIAL=2 LATE=3; do
	grep -qx "$kv" "$T/env.$envpid" || fail "$kv not in root/sup/env's environment: $(grep -E 'EARLY|PART|LATE|IAL' "$T/env.$envpid")"
done
grep -qx "PART" "$T/env.$envpid" && fail "a cut line in the environment"
assert_eq 2 "$(count ProcessStarted root/sup/env)" "root/sup/env started once more"

# 2. A setup that overruns its timeout across the exec: killed at its
# original deadline (4 s after it began), not 4 s after the exec.
touch "$T/slowblock"
kill -KILL "$(pid_of root/slow/w)"
poll 15 test -s "$T/slow.start" || fail "the setup of root/slow did not run again"
began=$(cat "$T/slow.start")
# Let 2 s of its 4 pass, so that a timeout started over would show.
poll 15 past $((began + 2000)) || fail "the clock did not move"
reexec_ok "reexec during an overrunning setup"
rm -f "$T/slowblock"
wait_event ProcessStartFailed root/slow 1 20
line=$(event_line ProcessStartFailed root/slow)
assert_match 'setup timed out after 4s' "$line" "the setup's timeout"
at=$(event_ms "$line")
took=$((at - began))
[ "$took" -ge 3500 ] && [ "$took" -le 5500 ] || fail "the setup was killed ${took} ms after it began, not about 4000"
wait_event ProcessStarted root/slow 2 20

# 3. A cleanup running across the exec: the supervisor restarts after it.
touch "$T/clblock"
kill -KILL "$(pid_of root/cl/w)"
poll 15 test -s "$T/cl.pid" || fail "the cleanup of root/cl did not run"
cpid=$(cat "$T/cl.pid")
assert_eq stopping "$(state_of root/cl)" "root/cl in its cleanup"
reexec_ok "reexec during a cleanup"
alive "$cpid" || fail "the cleanup script (pid $cpid) is gone after the reexec"
assert_eq "$ARBORD_PID" "$(ppid "$cpid")" "the cleanup script's parent"
rm -f "$T/clblock"
echo go >"$T/clgo"
wait_event ProcessStarted root/cl/w 2
wait_event ProcessStarted root/cl 2
assert_eq 2 "$(count ProcessStarted root/cl/w)" "root/cl/w started once more"

# 4. one_for_all stuck in b's shutdown time: a fails, c stops, b ignores
# SIGTERM; re-exec then; b is killed when its 4 s are over, all restart.
pb=$(pid_of root/ofa/b)
kill -KILL "$(pid_of root/ofa/a)"
wait_event ProcessTerminated root/ofa/c
poll 15 test "$(state_of root/ofa/b)" = stopping || fail "root/ofa/b is not stopping"
reexec_ok "reexec during a one_for_all restart"
alive "$pb" || fail "root/ofa/b is gone too soon"
assert_eq "$other" "$(pid_of root/other)" "root/other's pid"
for w in a b c; do
	wait_event ProcessStarted root/ofa/$w 2 20
done
assert_match '"signal":"SIGKILL"' "$(event_line ProcessTerminated root/ofa/b)" "root/ofa/b killed"
ctl_expect 0 status
for w in a b c; do
	assert_eq 2 "$(count ProcessStarted root/ofa/$w)" "root/ofa/$w started exactly once more"
done
assert_eq 1 "$(count ProcessStarted root/other)" "root/other started once"
assert_eq "$other" "$(pid_of root/other)" "root/other's pid at the end"

stop_arbord
assert_no_procs
