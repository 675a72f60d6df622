# t_ready: readiness. Siblings start in order, each after the previous one
# is ready (fd:N, notify, check:COMMAND, delay:D); a supervisor is ready
# when its children are; status says starting until then; events say when
# a node became ready; a worker that never becomes ready fails its start.
. "$(dirname "$0")/lib.sh"
: "${SDNOTIFY:?set SDNOTIFY to tests/integration/sdnotify}"

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
# delay:300ms: ready no earlier than 300 ms after the start (less 10 ms:
# the loop's cached time may run a little behind the events' clock).
started=$(event_ms "$(event_line ProcessStarted root/s/delay)")
ready=$(event_ms "$(event_line ProcessReady root/s/delay)")
[ $((ready - started)) -ge 290 ] || fail "delay:300ms ready after $((ready - started)) ms"
ctl status >/dev/null
stop_arbord

# Never ready: a failed start after start_timeout, counted like an exit.
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
assert_no_procs
