# t_reexec_ready: readiness and liveness across arborctl reexec. Workers
# restarted by their running supervisor and still awaiting readiness
# (ready = notify, fd:3, check:) are handed over: reexec exits 0, their
# pids stay, and each becomes ready once it says so after the exec (the
# notify socket its NOTIFY_SOCKET names and its fd:3 pipe are the same);
# one never ready is killed at its start_timeout counted from its start,
# not from the exec. A worker that keeps sending WATCHDOG=1 stays up;
# one that stopped is killed at its watchdog deadline counted from its
# last ping. A health-checked worker keeps its health and its count of
# failures (status --json), and its checks go on. A notify worker
# started after the exec gets a socket of its own.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"
: "${SDNOTIFY:?set SDNOTIFY to tests/integration/sdnotify}"

mkfifo "$T/notify.fifo" "$T/fd.fifo" "$T/pid.fifo"

# The Nth start of a worker (its own counter file).
count='n=$(( $(cat "$0.count" 2>/dev/null || echo 0) + 1 )); echo $n >"$0.count"'
notify=$(script notify.sh <<SH
#!/bin/bash
$count
# The second start waits for the test, after the exec.
[ \$n -eq 2 ] && read -r _ <"$T/notify.fifo"
"$SDNOTIFY" READY=1
exec "$T/sleep" 1001
SH
)
fdw=$(script fd.sh <<SH
#!/bin/bash
$count
[ \$n -eq 2 ] && read -r _ <"$T/fd.fifo"
echo ready >&3
exec 3>&-
exec "$T/sleep" 1002
SH
)
never=$(script never.sh <<SH
#!/bin/bash
$count
[ \$n -eq 1 ] && "$SDNOTIFY" READY=1
exec "$T/sleep" 1003
SH
)
dog=$(script dog.sh <<SH
#!/bin/bash
while :; do "$SDNOTIFY" WATCHDOG=1; sleep 0.2; done
SH
)
mute=$(script mute.sh <<SH
#!/bin/bash
$count
while [ \$n -eq 1 ] && [ ! -e "$T/mute.stop" ]; do
	"$SDNOTIFY" WATCHDOG=1
	sleep 0.1
done
date +%s%3N >"$T/mute.last.tmp"
mv "$T/mute.last.tmp" "$T/mute.last"
exec "$T/sleep" 1004
SH
)
# A daemonizing launcher; the second start's daemon writes its pidfile
# once the test lets it, after the exec, and says so on the launcher's
# stdout, which it inherited.
launcher=$(script launcher.sh <<SH
#!/bin/bash
$count
rm -f "$T/p.pid"
if [ \$n -eq 2 ]; then
	setsid bash -c 'read -r _ <"$T/pid.fifo"; echo adopted after the exec; echo \$\$ >"$T/p.pid"; exec "$T/sleep" 1007' </dev/null &
else
	setsid "$T/sleep" 1007 </dev/null &
	echo \$! >"$T/p.pid"
fi
exit 0
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[supervisor:root/notify]
intensity = 1000
period = 1m

[worker:root/notify/w]
command = $notify
ready = notify
start_timeout = 1h

[supervisor:root/fd]
intensity = 1000
period = 1m

[worker:root/fd/w]
command = $fdw
ready = fd:3
start_timeout = 1h

[supervisor:root/check]
intensity = 1000
period = 1m

[worker:root/check/w]
command = $T/sleep 1005
ready = check:sh -c 'sleep 0.2; test -e $T/check.ok'
check_interval = 100ms
start_timeout = 1h

[supervisor:root/never]
intensity = 1000
period = 1m

[worker:root/never/w]
command = $never
ready = notify
start_timeout = 15s

[supervisor:root/pid]
intensity = 1000
period = 1m

[worker:root/pid/w]
command = $launcher
pidfile = $T/p.pid
start_timeout = 1h

[worker:root/dog]
command = $dog
watchdog = 2s

[worker:root/mute]
command = $mute
watchdog = 8s
restart_delay = 1h

[worker:root/hc]
command = $T/sleep 1006
health = check:sh -c 'sleep 0.2; test ! -e $T/hc.fail'
health_interval = 300ms
health_timeout = 5s
health_retries = 1000
INI
touch "$T/check.ok"
start_arbord "$T/a.ini"
for w in notify fd check never; do
	wait_event ProcessReady "root/$w/w"
done
wait_event ProcessStarted root/pid/w
poll 15 sh -c "[ \"\$('$ARBORCTL' -s '$T/arbor.sock' status root --json | sed -n 's/^{\"path\":\"root\",\"node\":\"supervisor\",\"state\":\"\\([a-z]*\\)\".*/\\1/p')\" = running ]" ||
    fail "root not running: $(ctl status root --json)"

# field NAME PATH: NAME's value in PATH's status --json.
field() {
	ctl status "$2" --json | sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^,\"]*\\).*/\\1/p"
}

# Restarted by their supervisors, which run: each awaits its pidfile or
# its readiness again. The pidfile worker: its launcher gone.
kill -KILL "$(pid_of root/pid/w)"
wait_event ProcessFailed root/pid/w
poll 10 sh -c "[ \"\$(cat '$T/launcher.sh.count' 2>/dev/null)\" = 2 ]" ||
    fail "root/pid/w not started again"
poll 10 sh -c "! pgrep -f '$T/launcher.s[h]'" || fail "the launcher of root/pid/w does not exit"
rm "$T/check.ok"
for w in notify fd check; do
	kill -KILL "$(pid_of root/$w/w)"
	wait_event ProcessStarted "root/$w/w" 2
done
for w in notify fd check pid; do
	assert_eq starting "$(state_of root/$w/w)" "root/$w/w before the exec"
done

# Health: passed, then failing (healthy still: 1000 retries).
poll 10 sh -c "'$ARBORCTL' -s '$T/arbor.sock' status root/hc --json | grep -q '\"health\":\"healthy\"'" ||
    fail "root/hc never healthy: $(ctl status root/hc --json)"
touch "$T/hc.fail"
poll 15 sh -c "[ \"\$('$ARBORCTL' -s '$T/arbor.sock' status root/hc --json | sed -n 's/.*\"health_failures\":\\([0-9]*\\).*/\\1/p')\" -ge 3 ]" ||
    fail "root/hc failures: $(ctl status root/hc --json)"

paths="root/notify/w root/fd/w root/check/w root/dog root/hc root/pid/w"
before=""
for p in $paths; do
	before+="$p=$(pid_of $p) "
done
mute_pid=$(pid_of root/mute)

# The one never ready, restarted last: its start_timeout (15s) runs.
kill -KILL "$(pid_of root/never/w)"
wait_event ProcessStarted root/never/w 2
never_start=$(event_ms "$(event_line ProcessStarted root/never/w 2)")
never_pid=$(pid_of root/never/w)

# The mute worker stops pinging; its watchdog (8s) runs from its last.
wait_event ProcessStarted root/dog
touch "$T/mute.stop"
poll 10 test -e "$T/mute.last" || fail "root/mute never stopped pinging"
mute_last=$(cat "$T/mute.last")

# Exec late enough in both deadlines that counting them from the exec
# would show: 3 s into never's start_timeout, 3 s into mute's watchdog.
late() {
	local now
	now=$(date +%s%3N)
	[ $((now - never_start)) -ge 3000 ] && [ $((now - mute_last)) -ge 3000 ]
}
poll 20 late || fail "the clock does not move"

c1=$(field health_failures root/hc)
ctl_expect 0 reexec
c2=$(field health_failures root/hc)
wait_event ArborReexec root
exec_ms=$(event_ms "$(event_line ArborReexec root)")
out=$(printf 'ARBOR/1 ping\n' | timeout 10 "$RAWCLIENT" "$T/arbor.sock")
assert_match "pid $ARBORD_PID" "$out" "arbord's pid"
after=""
for p in $paths; do
	after+="$p=$(pid_of $p) "
done
assert_eq "$before" "$after" "pids across the exec"
# Both deadlines were still ahead at the exec (else it proves nothing).
[ $((exec_ms - never_start)) -lt 14000 ] && [ $((exec_ms - mute_last)) -lt 7000 ] ||
    fail "the exec came too late: $((exec_ms - never_start)) ms into root/never/w's start, $((exec_ms - mute_last)) ms after root/mute's last ping"
for w in notify fd check pid; do
	assert_eq starting "$(state_of root/$w/w)" "root/$w/w after the exec"
done

# Health and failures carried over, not counted from 0 again (a check
# that ran at the exec runs again at once: a failure more, a few on a
# slow machine).
assert_eq healthy "$(field health root/hc)" "root/hc health after the exec"
[ "$c2" -ge "$c1" ] && [ "$c2" -le $((c1 + 5)) ] ||
    fail "root/hc failures $c1 before the exec, $c2 after"
assert_match '"health_error":"exit status 1' "$(ctl status root/hc --json)" "health_error"
poll 15 sh -c "[ \"\$('$ARBORCTL' -s '$T/arbor.sock' status root/hc --json | sed -n 's/.*\"health_failures\":\\([0-9]*\\).*/\\1/p')\" -gt $c2 ]" ||
    fail "root/hc checks stopped after the exec: $(ctl status root/hc --json)"
rm "$T/hc.fail"
poll 15 sh -c "'$ARBORCTL' -s '$T/arbor.sock' status root/hc --json | grep -q '\"health_failures\":0,'" ||
    fail "root/hc never passed again: $(ctl status root/hc --json)"

# Ready after the exec, on the same socket and pipe.
timeout 10 sh -c "echo go >'$T/notify.fifo'" || fail "root/notify/w does not read its fifo"
wait_event ProcessReady root/notify/w 2
assert_eq running "$(state_of root/notify/w)" "root/notify/w ready"
timeout 10 sh -c "echo go >'$T/fd.fifo'" || fail "root/fd/w does not read its fifo"
wait_event ProcessReady root/fd/w 2
assert_eq running "$(state_of root/fd/w)" "root/fd/w ready"
touch "$T/check.ok"
wait_event ProcessReady root/check/w 2
assert_eq running "$(state_of root/check/w)" "root/check/w ready"
for w in notify fd check; do
	assert_match "root/$w/w=$(pid_of root/$w/w) " "$before" "root/$w/w's pid once ready"
done

# The pidfile written after the exec: adopted, its output read on.
timeout 10 sh -c "echo go >'$T/pid.fifo'" || fail "root/pid/w's daemon does not read its fifo"
wait_event ProcessStarted root/pid/w 2
assert_eq "$(cat "$T/p.pid")" "$(pid_of root/pid/w)" "root/pid/w adopted"
assert_eq running "$(state_of root/pid/w)" "root/pid/w running"
wait_for "$T/out" '^root/pid/w \| adopted after the exec'

# A notify worker started after the exec: a socket of its own.
kill -KILL "$(pid_of root/notify/w)"
wait_event ProcessReady root/notify/w 3

# The mute worker: killed at its last ping + 8 s, not the exec + 8 s.
wait_event ProcessUnhealthy root/mute 1 20
assert_match "\"pid\":$mute_pid,\"error\":\"watchdog timeout \\(8s\\)\"" "$(event_line ProcessUnhealthy root/mute)" "root/mute's unhealthy process"
t=$(event_ms "$(event_line ProcessUnhealthy root/mute)")
d=$((t - mute_last))
# (Counted from the exec, it would be 11 s at least; the script's clock
# reads its last ping a moment late on a busy machine.)
[ $d -ge 6500 ] && [ $d -le 10000 ] ||
    fail "root/mute unhealthy $d ms after its last ping (exec at +$((exec_ms - mute_last)))"

# Never ready: killed at its start + 15 s, not the exec + 15 s.
wait_event ProcessStartFailed root/never/w 1 30
assert_match "\"pid\":$never_pid,\"signal\":\"SIGKILL\",\"error\":\"not ready within 15s\"" "$(event_line ProcessStartFailed root/never/w)" "root/never/w's end"
t=$(event_ms "$(event_line ProcessStartFailed root/never/w)")
d=$((t - never_start))
# (Counted from the exec, it would be 18 s at least.)
[ $d -ge 14800 ] && [ $d -le 17000 ] ||
    fail "root/never/w failed $d ms after its start (exec at +$((exec_ms - never_start)))"

# The pinging worker stayed up and healthy throughout.
! grep -q '"event":"ProcessUnhealthy","node":"worker","path":"root/dog"' "$T/events" ||
    fail "root/dog unhealthy: $(event_line ProcessUnhealthy root/dog)"
assert_match "root/dog=$(pid_of root/dog) " "$before" "root/dog's pid"
assert_eq healthy "$(field health root/dog)" "root/dog health"

stop_arbord
assert_no_procs
