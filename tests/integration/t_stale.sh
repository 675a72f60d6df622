# t_stale: after kill -9 of arbord its workers run on; a new arbord on the
# same socket terminates those stale process groups (and says so) before
# starting the tree, so no worker runs twice.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/sleep 1000

[supervisor:root/sub]

[worker:root/sub/x]
command = $T/sleep 1001
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
old_w=$(pgrep -f "$T/sleep 1000")
kill -KILL "$ARBORD_PID"
wait_arbord
alive "$old_w" || fail "worker died with arbord: nothing to test"
start_arbord "$T/a.ini"
wait_event ProcessStarted root
grep -q "terminating process group $old_w of root/w, left running by a previous arbord" "$T/events" ||
    fail "stale group not reported"
alive "$old_w" && fail "stale worker still running"
assert_eq 1 "$(pgrep -cf "$T/sleep 1000")" "root/w runs once"
assert_eq 1 "$(pgrep -cf "$T/sleep 1001")" "root/sub/x runs once"
stop_arbord
[ -e "$T/arbor.sock.procs" ] && fail "process record left after a clean exit"
assert_no_procs
