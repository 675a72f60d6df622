# t_pidfile: a daemonizing worker declared with pidfile = PATH: arbord
# supervises the process named in the pidfile (reparented to arbord, the
# subreaper): it counts as started once the pidfile names it, is restarted
# when it dies, and is stopped by arborctl stop.
. "$(dirname "$0")/lib.sh"

daemonize=$(script daemonize <<SH
#!/bin/sh
# A classic daemon: fork into a new session, write the pidfile, exit 0.
setsid $T/sleep 1000 </dev/null &
echo \$! > $T/d.pid
exit 0
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5

[worker:root/d]
command = $daemonize
pidfile = d.pid
directory = $T
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
pid1=$(cat "$T/d.pid")
assert_match "\"path\":\"root/d\",\"pid\":$pid1\}" "$(event_line ProcessStarted root/d)" "started with the daemon's pid"
assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$pid1" | tr -d ' ')" "the daemon is arbord's child"
assert_eq "$pid1" "$(pid_of root/d)" "status shows the daemon"
kill "$pid1"
wait_event ProcessStarted root/d 2
assert_match "\"pid\":$pid1,\"signal\":\"SIGTERM\"" "$(event_line ProcessFailed root/d)" "the daemon's death is a failure"
pid2=$(cat "$T/d.pid")
[ "$pid2" != "$pid1" ] && alive "$pid2" || fail "not restarted"
ctl_expect 0 stop root/d
alive "$pid2" && fail "stop left the daemon running"
assert_match "\"pid\":$pid2,\"signal\":\"SIGTERM\"" "$(event_line ProcessTerminated root/d)" "stopped"

# A launcher that never writes its pidfile is a start failure, once its
# start_timeout is over.
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/d]
command = true
pidfile = $T/never.pid
start_timeout = 1500ms
INI
stop_arbord
start_arbord "$T/b.ini"
wait_arbord 30
assert_eq 3 "$RC" "exit status"
assert_match "pidfile $T/never.pid not written within 1500ms" \
    "$(event_line ProcessStartFailed root/d)" "start failure"

# A launcher that never exits is given up on the same way: killed.
cat >"$T/c.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/d]
command = $T/sleep 1000
pidfile = $T/never.pid
start_timeout = 500ms
INI
start_arbord "$T/c.ini"
wait_arbord 30
assert_eq 3 "$RC" "exit status (launcher never exits)"
assert_match "pidfile $T/never.pid not written within 500ms" \
    "$(event_line ProcessStartFailed root/d)" "start failure"
assert_no_procs
