# t_backoff: restart_delay / restart_delay_max: the n-th consecutive
# restart waits min(BASE * 2^(n-1), MAX), measured from the events; the
# node shows state backoff with the time left; arborctl start skips the
# wait; shutdown during a backoff stops cleanly.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100
period = 1m

[worker:root/crash]
command = sh -c 'exit 1'
restart_delay = 200ms
restart_delay_max = 800ms

[worker:root/calm]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/crash 6 30
ctl_expect 0 stop root/crash
for k in 1 2 3 4 5; do
	failed=$(event_ms "$(event_line ProcessFailed root/crash "$k")")
	next=$(event_ms "$(event_line ProcessStarted root/crash $((k + 1)))")
	gap=$((next - failed))
	want=$((200 << (k - 1)))
	[ "$want" -gt 800 ] && want=800
	# At least the delay (less 10 ms of clock granularity), and not far
	# beyond it.
	[ "$gap" -ge $((want - 10)) ] && [ "$gap" -lt $((want + 2000)) ] ||
	    fail "restart $k after $gap ms, wanted $want ms"
done
assert_eq stopped "$(state_of root/crash)" "stopped during the backoff"
stop_arbord

# A long delay: status shows backoff and the time left; start skips it.
sed -i -e 's/^restart_delay = 200ms$/restart_delay = 1h/' -e '/^restart_delay_max/d' "$T/a.ini"
start_arbord "$T/a.ini"
wait_event ProcessFailed root/crash
assert_eq backoff "$(state_of root/crash)" "state"
assert_match 'restart in (59m|1h)' "$(ctl status root/crash)" "time left for people"
ctl_expect 0 start root/crash
assert_eq 2 "$(event_seq | grep -c 'ProcessStarted root/crash')" "started at once"
wait_event ProcessFailed root/crash 2
assert_eq backoff "$(state_of root/crash)" "backing off again"
# Shutdown during the backoff: clean and quick.
kill -TERM "$ARBORD_PID"
wait_arbord 10
assert_eq 0 "$RC" "exit status"
assert_no_procs
