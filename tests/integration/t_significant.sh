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

# A significant job that cannot start, or whose subtree fails, is a job
# that failed: arbord exits 3 (no status of its own to pass on), never 0.
cat >"$T/b.ini" <<INI
[supervisor:root]
auto_shutdown = any_significant

[worker:root/db]
command = $T/sleep 1000

[worker:root/job]
command = $T/does-not-exist
restart = temporary
significant = yes
INI
start_arbord "$T/b.ini"
wait_arbord 20
assert_eq 3 "$RC" "arbord's status when the job cannot start"
assert_match '"event":"ProcessCompleted","node":"supervisor","path":"root".*significant child root/job failed: exec' \
    "$(event_line ProcessCompleted root)" "root completed, saying why"
grep -q 'exiting with status 3 (significant child root/job failed' "$T/events" ||
    fail "arbord does not say why it exits 3"
assert_no_procs

cat >"$T/c.ini" <<INI
[supervisor:root]
auto_shutdown = any_significant

[supervisor:root/job]
restart = temporary
significant = yes
setup = sh -c 'exit 4'

[worker:root/job/w]
command = $T/sleep 1000
INI
start_arbord "$T/c.ini"
wait_arbord 20
assert_eq 3 "$RC" "arbord's status when the job's setup fails"
assert_match 'significant child root/job failed: setup failed' \
    "$(event_line ProcessCompleted root)" "root completed, saying why"
assert_no_procs
