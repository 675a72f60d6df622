# t_significant: OTP 24's significant children and auto_shutdown. When a
# significant child completes, its supervisor stops itself as completed;
# at the root, arbord exits with that child's status: "run the job, then
# exit".
. "$(dirname "$0")/lib.sh"

mkfifo "$T/gate"
job=$(script job <<SH
#!/bin/sh
read code < $T/gate
echo "job done"
exit \$code
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
auto_shutdown = any_significant

[worker:root/db]
command = $T/sleep 1000

[supervisor:root/batch]
restart = transient
auto_shutdown = all_significant

[worker:root/batch/a]
command = sh -c 'exit 0'
restart = transient
significant = yes

[worker:root/batch/b]
command = $T/sleep 1001
restart = temporary
significant = yes

[worker:root/batch/helper]
command = $T/sleep 1002

[worker:root/job]
command = $job
restart = temporary
significant = yes
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_event ProcessCompleted root/batch/a
# all_significant: b still runs, so batch goes on.
assert_eq running "$(state_of root/batch)" "batch waits for all significant children"
pkill -f "$T/sleep 1001"
wait_event ProcessCompleted root/batch
assert_match '"event":"ProcessTerminated","node":"worker","path":"root/batch/helper"' \
    "$(cat "$T/events")" "the rest of batch stopped"
assert_eq completed "$(state_of root/batch)" "transient batch not restarted"
assert_eq running "$(state_of root/db)" "root goes on"
# any_significant at the root: the job's exit ends arbord with its status.
echo 7 >"$T/gate"
wait_arbord 20
assert_eq 7 "$RC" "arbord exits with the job's status"
assert_match '"event":"ProcessCompleted","node":"supervisor","path":"root","exit":7' \
    "$(tail -n 2 "$T/events")" "root completed"
grep -q 'ProcessTerminated","node":"worker","path":"root/db"' "$T/events" || fail "db not stopped"
assert_no_procs
