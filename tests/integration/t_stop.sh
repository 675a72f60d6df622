# t_stop: SIGTERM to arbord stops the tree right to left and exits 0; a
# worker that ignores SIGTERM is killed after its shutdown time; a worker's
# own children go with it; nothing is left running.
. "$(dirname "$0")/lib.sh"

stubborn=$(script stubborn <<'SH'
#!/bin/sh
trap '' TERM
echo ready
while :; do sleep 1; done
SH
)
forker=$(script forker <<SH
#!/bin/sh
$T/sleep 1003 &
echo "forked \$!"
wait
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/first]
command = $T/sleep 1000

[worker:root/stubborn]
command = $stubborn
shutdown = 300ms

[supervisor:root/sub]

[worker:root/sub/forker]
command = $forker

[worker:root/sub/brutal]
command = $T/sleep 1004
shutdown = brutal_kill

[worker:root/last]
command = $T/sleep 1005
shutdown = infinity
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/stubborn \| ready$'
wait_for "$T/out" '^root/sub/forker \| forked [0-9]+$'
assert_eq 4 "$(pgrep -cf "$T/sleep 100[0-5]")" "sleeping workers and the forked child"

kill -TERM "$ARBORD_PID"
wait_arbord
assert_eq 0 "$RC" "exit status"
assert_eq "ProcessTerminated root/last
ProcessTerminated root/sub/brutal
ProcessTerminated root/sub/forker
ProcessTerminated root/sub
ProcessTerminated root/stubborn
ProcessTerminated root/first
ProcessTerminated root" "$(event_seq | grep Terminated)" "stop order"
assert_match '"signal":"SIGKILL"' "$(event_line ProcessTerminated root/stubborn)" "stubborn"
assert_match '"signal":"SIGKILL"' "$(event_line ProcessTerminated root/sub/brutal)" "brutal_kill"
assert_match '"signal":"SIGTERM"' "$(event_line ProcessTerminated root/first)" "first"
assert_no_procs
[ -e "$T/state/root" ] && fail "state left behind"

# SIGINT does the same.
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/stubborn \| ready$'
kill -INT "$ARBORD_PID"
wait_arbord
assert_eq 0 "$RC" "exit status after SIGINT"
assert_no_procs
