# t_strategy: strategies and restart policies with real processes:
# rest_for_one restarts the failed child and the ones after it, in order;
# one_for_all restarts all; transient children that exit 0 and temporary
# children stay down.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[supervisor:root/rest]
strategy = rest_for_one
intensity = 10

[worker:root/rest/a]
command = $T/sleep 1000

[worker:root/rest/b]
command = $T/sleep 1001

[worker:root/rest/c]
command = $T/sleep 1002

[supervisor:root/all]
strategy = one_for_all
intensity = 10

[worker:root/all/x]
command = $T/sleep 1003

[worker:root/all/y]
command = $T/sleep 1004

[worker:root/all/z]
command = $T/sleep 1005

[worker:root/done]
command = sh -c 'echo finished'
restart = transient

[worker:root/oneshot]
command = sh -c 'exit 7'
restart = temporary
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_event ProcessCompleted root/done
wait_event ProcessFailed root/oneshot
a_pid=$(pgrep -f "$T/sleep 1000")

n=$(event_seq | wc -l)
pkill -f "$T/sleep 1001"
wait_event ProcessStarted root/rest/c 2
assert_eq "ProcessFailed root/rest/b
ProcessTerminated root/rest/c
ProcessStarted root/rest/b
ProcessStarted root/rest/c" "$(event_seq | tail -n +$((n + 1)))" "rest_for_one"
assert_eq "$a_pid" "$(pgrep -f "$T/sleep 1000")" "a untouched"

n=$(event_seq | wc -l)
pkill -f "$T/sleep 1004"
wait_event ProcessStarted root/all/z 2
assert_eq "ProcessFailed root/all/y
ProcessTerminated root/all/z
ProcessTerminated root/all/x
ProcessStarted root/all/x
ProcessStarted root/all/y
ProcessStarted root/all/z" "$(event_seq | tail -n +$((n + 1)))" "one_for_all"

# The transient and the temporary child were not restarted.
assert_eq 1 "$(event_seq | grep -c 'ProcessStarted root/done')" "transient"
assert_eq 1 "$(event_seq | grep -c 'ProcessStarted root/oneshot')" "temporary"
assert_match '"exit":7,"error":"exit status 7"' "$(event_line ProcessFailed root/oneshot)"
stop_arbord
assert_no_procs
