# t_significant_pool: a significant pool (significant = yes with
# instances = N) completes when all its instances have, and then counts as
# a completed significant child of its parent: with auto_shutdown =
# any_significant at the root, arbord exits 0 once both transient
# instances exited 0, and not before.
. "$(dirname "$0")/lib.sh"

mkfifo "$T/gate1" "$T/gate2"
job=$(script job <<SH
#!/bin/sh
read line < $T/gate\$ARBOR_INSTANCE
echo "instance \$ARBOR_INSTANCE done"
exit 0
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
auto_shutdown = any_significant

[worker:root/db]
command = $T/sleep 1000

[worker:root/p]
command = $job
instances = 2
restart = transient
significant = yes
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
echo go >"$T/gate1"
wait_event ProcessCompleted root/p/1
# all its instances must be done: the pool and arbord go on.
assert_eq running "$(state_of root/p)" "the pool waits for its other instance"
assert_eq running "$(state_of root)" "the root goes on"
echo go >"$T/gate2"
wait_arbord 20
assert_eq 0 "$RC" "arbord exits with the last instance's status"
assert_match '"event":"ProcessCompleted","node":"supervisor","path":"root/p"' \
    "$(cat "$T/events")" "the pool completed"
assert_match '"event":"ProcessCompleted","node":"supervisor","path":"root","exit":0' \
    "$(tail -n 2 "$T/events")" "root completed"
grep -q 'ProcessTerminated","node":"worker","path":"root/db"' "$T/events" || fail "db not stopped"
assert_no_procs
