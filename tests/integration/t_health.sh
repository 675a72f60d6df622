# t_health: liveness with real processes. A tcp: check against a server
# whose port closes after two seconds makes the worker unhealthy after
# health_retries failures (ProcessUnhealthy "connect: Connection refused"),
# stops it and restarts it as a failure; a check: command that starts
# failing does the same with its last stderr line; a worker that stops
# sending WATCHDOG=1 is killed with SIGABRT and restarted, and it got
# WATCHDOG_USEC and its own pid as WATCHDOG_PID; a check that hangs is
# killed at health_timeout; status shows health. Repeated unhealthy
# restarts exceed the intensity and escalate like any failure.
. "$(dirname "$0")/lib.sh"
LISTEN=${LISTEN:-$ROOT/tests/integration/listen}
SDNOTIFY=${SDNOTIFY:-$ROOT/tests/integration/sdnotify}
[ -x "$LISTEN" ] || fail "no $LISTEN (make tests/integration/listen)"
[ -x "$SDNOTIFY" ] || fail "no $SDNOTIFY (make tests/integration/sdnotify)"
# Below the ephemeral range (32768-60999), where outgoing connections
# take ports: a random port there may be in use.
PORT=$((20000 + RANDOM % 12000))

# The server answers for 2s on its first start, for ever after.
tcpd=$(script tcpd <<SH
#!/bin/sh
if [ -e "$T/tcp.once" ]; then exec "$LISTEN" tcp $PORT 0; fi
touch "$T/tcp.once"
exec "$LISTEN" tcp $PORT 2
SH
)
# Healthy until $T/broken exists.
probe=$(script probe <<SH
#!/bin/sh
[ -e "$T/broken" ] || exit 0
echo "backend down" >&2
exit 1
SH
)
# Pings 5 times then falls silent on its first start; pings on after.
dog=$(script dog <<SH
#!/bin/sh
echo "env \$WATCHDOG_PID \$\$ \$WATCHDOG_USEC"
if [ -e "$T/dog.once" ]; then
	while :; do "$SDNOTIFY" WATCHDOG=1; sleep 0.2; done
fi
touch "$T/dog.once"
for i in 1 2 3 4 5; do "$SDNOTIFY" WATCHDOG=1; sleep 0.1; done
exec "$T/sleep" 1003
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 20
period = 60s

[worker:root/tcp]
command = $tcpd
health = tcp:127.0.0.1:$PORT
health_interval = 200ms
health_timeout = 1s
health_retries = 3

[worker:root/cmd]
command = $T/sleep 1001
health = check:$probe
health_interval = 200ms
health_retries = 2

[worker:root/dog]
command = $dog
watchdog = 1s

[worker:root/hang]
command = $T/sleep 1002
restart = temporary
health = check:$T/sleep 1777
health_interval = 200ms
health_timeout = 300ms
health_retries = 1
health_start_period = 0

[worker:root/plain]
command = $T/sleep 1004
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root

# Status: health per worker that has a check, null for the others.
poll 10 sh -c "'$ARBORCTL' -s '$T/arbor.sock' status root/cmd --json | grep -q '\"health\":\"healthy\"'" ||
    fail "root/cmd never healthy: $(ctl status root/cmd --json)"
ctl status root/cmd --json | grep -q '"health_checked":"20[0-9-]*T[0-9:.]*Z","health_failures":0,"health_error":null' ||
    fail "health fields: $(ctl status root/cmd --json)"
ctl status root/plain --json | grep -q '"health":null,"health_checked":null,"health_failures":null,"health_error":null' ||
    fail "no-health fields: $(ctl status root/plain --json)"
ctl status >"$T/ctl.out" 2>&1
grep -q '^NODE  *KIND  *STATE  *HEALTH  *PID' "$T/ctl.out" || fail "no HEALTH column: $(cat "$T/ctl.out")"
grep -Eq 'cmd +worker +running +healthy [0-9]+s ago' "$T/ctl.out" || fail "cmd health: $(cat "$T/ctl.out")"

# The hanging check: killed at its timeout, and the worker with it.
wait_event ProcessUnhealthy root/hang
assert_match '"error":"timed out after 300ms"' "$(event_line ProcessUnhealthy root/hang)"
wait_event ProcessFailed root/hang
assert_match '"error":"unhealthy: timed out after 300ms"' "$(event_line ProcessFailed root/hang)"
poll 5 sh -c "! pgrep -f '$T/sleep 177[7]'" || fail "the hanging check was not killed: $(pgrep -af "$T/sleep 1777")"
assert_eq failed "$(state_of root/hang)" "a temporary worker stays down"

# The port closes: unhealthy after 3 refused connects, restarted.
wait_event ProcessUnhealthy root/tcp 1 20
assert_match '"error":"connect: Connection refused"' "$(event_line ProcessUnhealthy root/tcp)"
wait_event ProcessFailed root/tcp
assert_match '"error":"unhealthy: connect: Connection refused"' "$(event_line ProcessFailed root/tcp)"
assert_match '"signal":"SIGTERM"' "$(event_line ProcessFailed root/tcp)"
wait_event ProcessStarted root/tcp 2

# The watchdog: silent after 5 pings, killed with SIGABRT, restarted.
wait_event ProcessUnhealthy root/dog 1 20
assert_match '"error":"watchdog timeout \(1s\)"' "$(event_line ProcessUnhealthy root/dog)"
wait_event ProcessFailed root/dog
assert_match '"signal":"SIGABRT"' "$(event_line ProcessFailed root/dog)"
assert_match '"error":"unhealthy: watchdog timeout \(1s\)"' "$(event_line ProcessFailed root/dog)"
wait_event ProcessStarted root/dog 2
# WATCHDOG_PID is the worker's own pid; WATCHDOG_USEC its interval.
line=$(grep -m1 '^root/dog | env ' "$T/out") || fail "no env line from root/dog"
set -- ${line#root/dog | env }
assert_eq "$2" "$1" "WATCHDOG_PID"
assert_eq 1000000 "$3" "WATCHDOG_USEC"

# The check starts failing: its stderr line is the reason.
touch "$T/broken"
wait_event ProcessUnhealthy root/cmd
rm -f "$T/broken"
assert_match '"error":"exit status 1: backend down"' "$(event_line ProcessUnhealthy root/cmd)"
wait_event ProcessFailed root/cmd
assert_match '"error":"unhealthy: exit status 1: backend down"' "$(event_line ProcessFailed root/cmd)"
wait_event ProcessStarted root/cmd 2
# The check's output is in the worker's log as the stream check.
ctl logs root/cmd >"$T/logs" 2>&1
grep -q 'check.*backend down' "$T/logs" || fail "check output not in the log: $(cat "$T/logs")"
ctl_expect 0 status root/cmd --json
grep -q '"last_error":"unhealthy: exit status 1: backend down"' "$T/ctl.out" || fail "last_error: $(cat "$T/ctl.out")"
stop_arbord
assert_no_procs

# Unhealthy restarts count towards the intensity: the root gives up.
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 1
period = 60s

[worker:root/sick]
command = $T/sleep 1005
health = check:false
health_interval = 100ms
health_retries = 2
INI
start_arbord "$T/b.ini"
wait_event ProcessUnhealthy root/sick 2
wait_arbord 20
[ "$RC" -ne 0 ] || fail "arbord exited 0 after the root gave up"
assert_match 'restart intensity exceeded.*unhealthy: exit status 1' "$(event_line ProcessFailed root)"
assert_no_procs
