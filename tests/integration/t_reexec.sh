# t_reexec: arborctl reexec and SIGUSR2 (upgrade in place). With workers,
# a pool, a held socket, a worker in backoff, a supervisor one failure
# short of giving up and an admin-stopped node: reexec keeps arbord's pid and every worker's, status is the same, the
# backoff restarts at its original time, a worker that exits during the
# exec is restarted, the intensity window carries over (one more failure
# escalates), no connection to the held socket is refused throughout,
# the log rings stay; ArborReexec names both versions; SIGUSR2 does the
# same; a binary that reads another handoff version, or none at all, or
# cannot be run, is refused (exit 1) with every worker untouched; --reload
# re-executes, then reloads. A worker being stopped (it ignores SIGTERM)
# is handed over stopping, and the new binary kills it when the shutdown
# time that began before the exec is over, and reaps it.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"
LSSERVER=${LSSERVER:-$ROOT/tests/integration/lsserver}
CONNLOOP=${CONNLOOP:-$ROOT/tests/integration/connloop}
for b in "$LSSERVER" "$CONNLOOP"; do
	[ -x "$b" ] || fail "no $b (make $(basename "$b"))"
done
ln -s "$LSSERVER" "$T/lsserver"
ln -s "$CONNLOOP" "$T/connloop"
PORT=$((20000 + RANDOM % 12000))

# field NAME LINE: the value of NAME=value in connloop's LINE.
field() {
	sed -n "s/.* *\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$2"
}

# arbord answers on its socket with the pid it had (ping).
same_arbord() {
	local out
	out=$(printf 'ARBOR/1 ping\n' | timeout 10 "$RAWCLIENT" "$T/arbor.sock")
	assert_match "pid $ARBORD_PID" "$out" "$1"
}

# Wait for root/crash's next failure: its backoff (3 s) begins.
crash_settled() {
	local n
	n=$(grep -c '"event":"ProcessFailed","node":"worker","path":"root/crash"' "$T/events")
	wait_event ProcessFailed root/crash $((n + 1)) 20
}

# reexec_expect STATUS ARGS...: arborctl reexec ARGS, again while it is
# refused for root/crash's restart loop (a moment of its restart is in
# flight, refused by design), until it exits STATUS.
reexec_expect() {
	local want=$1 i; shift
	for ((i = 0; i < 50; i++)); do
		ctl reexec "$@" >"$T/ctl.out" 2>"$T/ctl.err"
		RC=$?
		grep -qE 'root(/crash)?: .*not handed off yet' "$T/ctl.err" || break
		crash_settled
	done
	[ "$RC" = "$want" ] || fail "arborctl reexec $*: exit $RC, expected $want: $(cat "$T/ctl.out" "$T/ctl.err")"
}

# The status of root/stable without what moves with time by itself.
stable_status() {
	ctl status root/stable --json | sed -E -e 's/"(cpu_usec|cpu_permille|memory_bytes|memory_peak_bytes|tasks)":[^,]*,//g'
}

# The pids of every worker of root/stable, and root/victim's.
pids() {
	local p
	for p in root/stable/w root/stable/pool/1 root/stable/pool/2 root/stable/web root/stable/fragile/f; do
		printf '%s=%s ' "$p" "$(pid_of $p)"
	done
}

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[supervisor:root/stable]
intensity = 1000
period = 1m

[worker:root/stable/w]
command = sh -c 'echo started w; exec $T/sleep 1000'

[worker:root/stable/pool]
command = $T/sleep 1000
instances = 2

[worker:root/stable/web]
command = $T/lsserver
listen = tcp:127.0.0.1:$PORT

[supervisor:root/stable/fragile]
intensity = 1
period = 1m

[worker:root/stable/fragile/f]
command = $T/sleep 1000

[worker:root/stable/stopped]
command = $T/sleep 1000

[worker:root/crash]
command = sh -c 'exit 1'
restart_delay = 3s
restart_delay_max = 3s

[worker:root/victim]
command = $T/sleep 1000

[worker:root/stubborn]
command = sh -c 'trap "" TERM; exec $T/sleep 1000'
shutdown = 4s

[worker:root/slow]
command = $T/sleep 1000
ready = fd:3
start_timeout = 1h
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/slow
wait_for "$T/out" '^root/stable/w \| started w'
wait_event ProcessFailed root/crash

# (What is in flight is handed over, t_reexec_ready, t_reexec_restart,
# or waited for and then refused, t_reexec_wait.)
ctl_expect 0 stop root/slow
ctl_expect 0 stop root/stable/stopped

# The fragile supervisor has one restart in its window (of 1).
kill -KILL "$(pid_of root/stable/fragile/f)"
wait_event ProcessStarted root/stable/fragile/f 2

# A binary that reads another handoff version, answers nothing, or
# cannot be run: refused, nothing touched.
printf '#!/bin/sh\necho 999\n' >"$T/v2"
printf '#!/bin/sh\nexit 0\n' >"$T/mute"
chmod +x "$T/v2" "$T/mute"
printf 'not a program\n' >"$T/noexec"
before=$(pids)
reexec_expect 1 --binary "$T/v2"
assert_match 'reads handoff format version 999, this arbord writes version [0-9]+' "$(cat "$T/ctl.err")" "another version"
reexec_expect 1 --binary "$T/mute"
assert_match 'answered no version' "$(cat "$T/ctl.err")" "no answer"
reexec_expect 1 --binary "$T/noexec"
assert_match 'Permission denied' "$(cat "$T/ctl.err")" "not executable"
reexec_expect 1 --binary "$T/nonexistent"
assert_match 'No such file' "$(cat "$T/ctl.err")" "missing"
assert_eq "$before" "$(pids)" "pids after refused binaries"
same_arbord "the same arbord"

# A client loop on the held socket throughout the re-execs below.
rm -f "$T/stop"
"$T/connloop" -f "$T/stop" tcp:127.0.0.1:$PORT 1000000 120 >"$T/loop" &
loop=$!
WATCH_PIDS+=("$loop")

# Re-exec through a wrapper that kills root/victim during the exec
# (after the old binary is gone, before the new one runs). Perl, not a
# shell: a shell would reap the victim itself.
command -v perl >/dev/null || fail "no perl (perl-base is essential)"
victim=$(pid_of root/victim)
cat >"$T/wrap" <<PL
#!/usr/bin/perl
kill "KILL", $victim unless \$ARGV[0] eq "--handoff-check";
exec "$ARBORD", @ARGV;
PL
chmod +x "$T/wrap"
before=$(pids)
status_before=$(stable_status)
crash_settled
reexec_expect 0 --binary "$T/wrap"
assert_match '^re-executed: arbord [^ ]+ \(was [^ ]+\), pid '"$ARBORD_PID" "$(cat "$T/ctl.out")" "reexec answer"
wait_event ArborReexec root
assert_match '"old_version":"[^"]+","new_version":"[^"]+"' "$(event_line ArborReexec root)" "ArborReexec versions"
same_arbord "the same pid"
assert_eq "$before" "$(pids)" "worker pids after reexec"
assert_eq "$status_before" "$(stable_status)" "status after reexec"
assert_eq stopped "$(state_of root/stable/stopped)" "admin stop kept"
assert_eq stopped "$(state_of root/slow)" "admin stop kept"
# The victim's exit during the exec was seen, and it was restarted.
wait_event ProcessFailed root/victim
wait_event ProcessStarted root/victim 2
# The backoff went on across the exec: the first start after it came
# 3 s after the failure before it (+- 50 ms; more under load).
nstart=$(sed -n '/"ArborReexec"/,$p' "$T/events" | grep -c '"ProcessStarted","node":"worker","path":"root/crash"')
[ "$nstart" -ge 1 ] || wait_for "$T/events" '"ProcessStarted","node":"worker","path":"root/crash"' \
    $(( $(grep -c '"ProcessStarted","node":"worker","path":"root/crash"' "$T/events") + 1 )) 20
around=$(awk '/"ArborReexec"/ { r = 1; next }
    /"path":"root\/crash"/ && /"ProcessFailed"/ && !r { f = $0 }
    /"path":"root\/crash"/ && /"ProcessStarted"/ && !r { f = "" }
    /"path":"root\/crash"/ && /"ProcessStarted"/ && r { print f; print $0; exit }' "$T/events")
failed_line=$(sed -n 1p <<<"$around")
[ -n "$failed_line" ] || fail "root/crash was not in backoff during the exec"
failed_at=$(event_ms "$failed_line")
started_at=$(event_ms "$(sed -n 2p <<<"$around")")
# Due 3 s after the failure, or at once if the exec itself took longer
# (a slow machine, sanitizers): never before, at most 300 ms after.
reexec_at=$(event_ms "$(grep -m 1 '"ArborReexec"' "$T/events")")
due=$((failed_at + 3000))
[ "$reexec_at" -le "$due" ] || due=$reexec_at
late=$((started_at - due))
[ "$started_at" -ge $((failed_at + 2990)) ] && [ "$late" -le 300 ] ||
    fail "backoff restart after $((started_at - failed_at)) ms (the exec done after $((reexec_at - failed_at)) ms), wanted 3000"
# The events kept for arborctl events are still there.
ctl_expect 0 events
assert_match 'ProcessStarted worker root/stable/w' "$(cat "$T/ctl.out")" "event backlog kept"
# The log ring is still there.
ctl_expect 0 logs root/stable/w
assert_match 'started w' "$(cat "$T/ctl.out")" "log ring kept"
# The window carried over: one more failure makes fragile give up.
kill -KILL "$(pid_of root/stable/fragile/f)"
wait_event ProcessFailed root/stable/fragile

# SIGUSR2: the same, with arbord's own binary.
before=$(pids)
crash_settled
kill -USR2 "$ARBORD_PID"
wait_event ArborReexec root 2
assert_eq "$before" "$(pids)" "worker pids after SIGUSR2"
same_arbord "the same pid after SIGUSR2"

# --reload: re-exec, then reload the configuration.
cat >>"$T/a.ini" <<INI

[worker:root/added]
command = $T/sleep 1000
INI
reexec_expect 0 --reload
assert_match 'added' "$(cat "$T/ctl.out")" "reload report"
wait_event ArborReexec root 3
wait_event ProcessStarted root/added

# A worker stopping across the exec: its shutdown time goes on, then
# SIGKILL from the new binary, which reaps it.
stubborn=$(pid_of root/stubborn)
stop_ms=$(date +%s%3N)
ctl stop root/stubborn >/dev/null 2>&1 &
stopper=$!
WATCH_PIDS+=("$stopper")
stubborn_stopping() { [ "$(state_of root/stubborn)" = stopping ]; }
poll 20 stubborn_stopping || fail "root/stubborn is not stopping"
reexec_expect 0
wait_event ArborReexec root 4
assert_eq "$stubborn" "$(pid_of root/stubborn)" "stopping worker's pid after reexec"
assert_eq stopping "$(state_of root/stubborn)" "stopping across reexec"
wait_event ProcessTerminated root/stubborn 1 20
term=$(event_line ProcessTerminated root/stubborn)
assert_match '"signal":"SIGKILL"' "$term" "killed after its shutdown time"
gap=$(( $(event_ms "$term") - stop_ms ))
[ "$gap" -ge 3990 ] || fail "killed $gap ms after the stop, its shutdown time is 4 s"
assert_eq stopped "$(state_of root/stubborn)" "stopped after reexec"
gone() { ! alive "$1"; }
poll 10 gone "$stubborn" || fail "root/stubborn's process $stubborn is still there"
wait "$stopper" 2>/dev/null || true

touch "$T/stop"
wait "$loop"
out=$(cat "$T/loop")
echo "client loop during re-execs: $out" >&2
assert_eq 0 "$(field refused "$out")" "refused connections during re-execs"
assert_eq 0 "$(field failed "$out")" "failed connections during re-execs"
[ "$(field ok "$out")" -ge 10 ] || fail "too few answered: $out"

stop_arbord
assert_no_procs
