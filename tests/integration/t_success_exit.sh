# t_success_exit: success_exit lists the exit statuses and signals that end
# a worker normally, as exit 0 does: a transient worker that exits 3 with
# success_exit = 3 is completed and not restarted; one killed by SIGTERM
# with TERM listed likewise; another status still fails and restarts.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[worker:root/three]
command = sh -c 'exit 3'
restart = transient
success_exit = 3 TERM

[worker:root/term]
command = $T/sleep 1000
restart = transient
success_exit = TERM

[worker:root/four]
command = sh -c 'exit 4'
restart = transient
success_exit = 3
start_timeout = 1s
restart_delay = 10s
INI
start_arbord "$T/a.ini"
wait_event ProcessCompleted root/three
assert_match '"exit":3' "$(event_line ProcessCompleted root/three)" "exit status"
assert_eq completed "$(state_of root/three)" "state of root/three"
wait_event ProcessFailed root/four
assert_eq backoff "$(state_of root/four)" "exit 4 is no success: restarted after its delay"
pkill -TERM -f "$T/sleep 1000"
wait_event ProcessCompleted root/term
assert_eq completed "$(state_of root/term)" "state of root/term"
[ "$(grep -c '"event":"ProcessStarted","node":"worker","path":"root/term"' "$T/events")" = 1 ] ||
    fail "root/term restarted after a normal end"
stop_arbord
assert_no_procs
