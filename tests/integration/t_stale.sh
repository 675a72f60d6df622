# t_stale: after kill -9 of arbord its workers run on; a new arbord on the
# same socket terminates those stale process groups (and says so) before
# starting the tree, so no worker runs twice. The record is a log of
# starts and exits, compacted when it grows: after many restarts it stays
# small and still names exactly the live groups.
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
# 40 restarts of root/sub/x: 80 lines appended, so the record is rewritten.
for i in $(seq 1 40); do
	ctl_expect 0 restart root/sub/x
	wait_event ProcessStarted root/sub/x $((i + 1))
done
old_w=$(pgrep -f "$T/sleep 1000")
old_x=$(pgrep -f "$T/sleep 1001")
poll 5 grep -q "^+$old_x " "$T/arbor.sock.procs" || fail "restart not recorded"
grep -q '^-' "$T/arbor.sock.procs" || fail "exits not recorded"
lines=$(wc -l <"$T/arbor.sock.procs")
[ "$lines" -le 70 ] || fail "record not compacted: $lines lines for 2 groups"
assert_eq 1 "$(grep -c "^+$old_x " "$T/arbor.sock.procs")" "live root/sub/x recorded once"
kill -KILL "$ARBORD_PID"
wait_arbord
alive "$old_w" || fail "worker died with arbord: nothing to test"
start_arbord "$T/a.ini"
wait_event ProcessStarted root
grep -q "terminating process group $old_w of root/w, left running by a previous arbord" "$T/events" ||
    fail "stale group not reported"
grep -q "terminating process group $old_x of root/sub/x, left running" "$T/events" ||
    fail "restarted stale group not reported"
[ "$(grep -c "left running by a previous arbord" "$T/events")" = 2 ] ||
    fail "other groups than the two live ones reported"
alive "$old_w" && fail "stale worker still running"
alive "$old_x" && fail "stale restarted worker still running"
assert_eq 1 "$(pgrep -cf "$T/sleep 1000")" "root/w runs once"
assert_eq 1 "$(pgrep -cf "$T/sleep 1001")" "root/sub/x runs once"
stop_arbord
[ -e "$T/arbor.sock.procs" ] && fail "process record left after a clean exit"
assert_no_procs
