# t_ready: readiness. Siblings start in order, each after the previous one
# is ready (fd:N, notify, check:COMMAND, delay:D); a supervisor is ready
# when its children are; status says starting until then; events say when
# a node became ready; a worker that never becomes ready fails its start.
# No worker is ready (delay:), killed (shutdown) or timed out
# (start_timeout) before its time, even when arbord was busy just before.
. "$(dirname "$0")/lib.sh"
: "${SDNOTIFY:?set SDNOTIFY to tests/integration/sdnotify}"

# since "EVENT PATH" "EVENT PATH" MS WHAT: the second event came no
# earlier than MS after the first (the events' "ts", whole milliseconds
# cut the same way, so a correct arbord never looks early).
since() {
	local a b
	a=$(event_ms "$(event_line $1 1)")
	b=$(event_ms "$(event_line $2 1)")
	[ $((b - a)) -ge "$3" ] || fail "$4 after $((b - a)) ms"
}

# stale_dir DIR: a state directory big enough that removing it takes
# arbord a while (tens to hundreds of milliseconds): the timers it arms
# next must not count from the time before that.
stale_dir() {
	mkdir -p "$1"
	(cd "$1" && seq 1 10000 | xargs touch)
}

mkfifo "$T/gate-fd" "$T/gate-notify" "$T/gate-check"
fdw=$(script fdw <<SH
#!/bin/sh
read x < $T/gate-fd
echo ready >&4
exec $T/sleep 1000
SH
)
notifyw=$(script notifyw <<SH
#!/bin/sh
read x < $T/gate-notify
$SDNOTIFY "STATUS=warming up
READY=1"
exec $T/sleep 1001
SH
)
checkw=$(script checkw <<SH
#!/bin/sh
read x < $T/gate-check
touch $T/up
exec $T/sleep 1002
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[supervisor:root/s]

[worker:root/s/fd]
command = $fdw
ready = fd:4

[worker:root/s/notify]
command = $notifyw
ready = notify

[worker:root/s/check]
command = $checkw
ready = check:test -f $T/up
check_interval = 100ms

[worker:root/s/delay]
command = $T/sleep 1003
ready = delay:300ms

[worker:root/last]
command = $T/sleep 1004
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/s/fd
assert_eq starting "$(state_of root/s/fd)" "fd worker before it is ready"
assert_eq starting "$(state_of root/s)" "supervisor before its children are ready"
grep -q 'root/s/notify' "$T/events" && fail "notify started before fd was ready"
echo go >"$T/gate-fd"
wait_event ProcessReady root/s/fd
wait_event ProcessStarted root/s/notify
grep -q '"path":"root/s/check"' "$T/events" && fail "check started before notify was ready"
echo go >"$T/gate-notify"
wait_event ProcessReady root/s/notify
wait_event ProcessStarted root/s/check
echo go >"$T/gate-check"
wait_event ProcessReady root/s/check
wait_event ProcessReady root/s/delay
wait_event ProcessStarted root
assert_eq "ProcessStarted root/s/fd
ProcessReady root/s/fd
ProcessStarted root/s/notify
ProcessReady root/s/notify
ProcessStarted root/s/check
ProcessReady root/s/check
ProcessStarted root/s/delay
ProcessReady root/s/delay
ProcessStarted root/s
ProcessStarted root/last
ProcessStarted root" "$(event_seq)" "start order with readiness"
# delay:300ms: ready no earlier than 300 ms after the start. Measured from
# the event that started it (check's readiness): arbord timestamps an event
# when it writes it, which is before it starts the next sibling, while
# ProcessStarted itself is written just after the delay began.
since "ProcessReady root/s/check" "ProcessReady root/s/delay" 300 "delay:300ms ready"
ctl status >/dev/null
stop_arbord

# The same with the loop busy first: at start-up arbord removes the root's
# old state directory, then starts first and delay in the same pass
# (first's ProcessStarted is written before delay is started).
cat >"$T/c.ini" <<INI
[supervisor:root]

[worker:root/first]
command = $T/sleep 1006

[worker:root/delay]
command = $T/sleep 1007
ready = delay:300ms
INI
stale_dir "$T/state/root"
start_arbord "$T/c.ini"
wait_event ProcessStarted root
since "ProcessStarted root/first" "ProcessReady root/delay" 300 \
    "delay:300ms after a busy start ready"
stop_arbord

# shutdown = 300ms: a worker that ignores SIGTERM is killed no earlier than
# 300 ms after it was asked to stop, even when arbord was busy just before
# (removing the state directory of sub, stopped just before it).
script stubborn >/dev/null <<SH
#!/bin/sh
trap '' TERM
exec $T/sleep 1008
SH
cat >"$T/d.ini" <<INI
[supervisor:root]

[worker:root/stubborn]
command = $T/stubborn
shutdown = 300ms

[supervisor:root/sub]

[worker:root/sub/w]
command = $T/sleep 1009
INI
start_arbord "$T/d.ini"
wait_event ProcessStarted root
[ -d "$T/state/root/sub" ] || fail "no state directory for root/sub"
stale_dir "$T/state/root/sub"
kill -TERM "$ARBORD_PID"
wait_arbord
assert_eq 0 "$RC" "exit status after SIGTERM"
assert_match '"signal":"SIGKILL"' "$(event_line ProcessTerminated root/stubborn)" \
    "stubborn's end"
# Right to left: sub's end is written before stubborn is asked to stop.
since "ProcessTerminated root/sub" "ProcessTerminated root/stubborn" 300 \
    "shutdown = 300ms: killed"
assert_no_procs

# Never ready: a failed start after start_timeout, counted like an exit;
# not before that time, even after a busy start (the old state directory).
stale_dir "$T/state/root"
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 1

[worker:root/mute]
command = $T/sleep 1005
ready = fd:3
start_timeout = 300ms
INI
start_arbord "$T/b.ini"
wait_arbord 20
assert_eq 3 "$RC" "exit status when the root gives up"
assert_eq "ProcessStarted root/mute
ProcessStartFailed root/mute
ProcessStarted root/mute
ProcessStartFailed root/mute
ProcessStartFailed root" "$(event_seq)" "never ready"
assert_match '"error":"not ready within 300ms"' "$(event_line ProcessStartFailed root/mute 1)" "reason"
since "ProcessStarted root/mute" "ProcessStartFailed root/mute" 300 \
    "start_timeout = 300ms: timed out"
assert_no_procs
