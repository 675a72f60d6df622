# t_fault_reload: 30 reloads in a row, each adding or removing a worker and
# changing another, while a worker crashes every 50 ms and two clients ask
# for the status without pause. Every reload and every status succeeds,
# arbord stays up, and the final tree is what the last file says.
. "$(dirname "$0")/lib.sh"

crash=$(script crash <<SH
#!/bin/sh
$T/sleep 0.05
exit 1
SH
)
conf() {
	{
		cat <<INI
[supervisor:root]
intensity = 100000
period = 1m

[worker:root/steady]
command = $T/sleep 1000

[worker:root/crasher]
command = $crash

[worker:root/changed]
command = $T/sleep 200$(($1 % 2))
INI
		if [ $(($1 % 2)) = 1 ]; then
			printf '\n[worker:root/extra]\ncommand = %s/sleep 1001\n' "$T"
			printf '\n[supervisor:root/sub]\n[worker:root/sub/w]\ncommand = %s/sleep 1002\n' "$T"
		fi
	} >"$T/a.ini.new"
	mv "$T/a.ini.new" "$T/a.ini"
}
conf 0
start_arbord "$T/a.ini"
wait_event ProcessStarted root
steady=$(pid_of root/steady)

# Two clients asking for the status until told to stop; each failure is a
# line in $T/ctl.fail.
: >"$T/ctl.fail"
querier() {
	while [ ! -e "$T/stop-queries" ]; do
		# 3: answered, a node not running (crasher, nodes restarted).
		ctl status --json >/dev/null 2>>"$T/ctl.fail.err" ||
		    { rc=$?; [ "$rc" = 3 ] || echo "status $rc" >>"$T/ctl.fail"; }
		ctl status root/sub >/dev/null 2>&1
	done
}
querier & q1=$!
querier & q2=$!
WATCH_PIDS+=("$q1" "$q2")

for i in $(seq 1 30); do
	conf "$i"
	ctl_expect 0 reload
done
touch "$T/stop-queries"
wait "$q1" "$q2"
assert_eq "" "$(cat "$T/ctl.fail")" "failed status requests"
alive "$ARBORD_PID" || fail "arbord died"

# The last file (30, even) has no extra and no sub; the changed worker runs
# its even command; steady was never touched; crasher keeps being restarted.
# 0 or 3: the crasher is up or down, as it comes.
st=$(ctl status --json) || { rc=$?; [ "$rc" = 3 ] || fail "status: exit $rc"; }
assert_match '"path":"root/steady","node":"worker","state":"running"' "$st" "steady"
assert_match '"path":"root/changed","node":"worker","state":"running"' "$st" "changed"
printf '%s' "$st" | grep -q -e 'root/extra' -e 'root/sub' && fail "removed nodes still listed: $st"
assert_eq "$steady" "$(pid_of root/steady)" "steady pid"
pgrep -f "$T/sleep 100[12]" >/dev/null && fail "removed workers still running"
[ "$(pgrep -fc "$T/sleep 2000")" = 1 ] || fail "changed: $(pgrep -af "$T/sleep 200")"
pgrep -f "$T/sleep 2001" >/dev/null && fail "old command of changed still running"
n=$(grep -c '"event":"ProcessStarted","node":"worker","path":"root/crasher"' "$T/events")
wait_event ProcessStarted root/crasher $((n + 2))
# Every start of extra was matched by a stop: 15 each.
assert_eq 15 "$(grep -c '"event":"ProcessStarted","node":"worker","path":"root/extra"' "$T/events")" "extra starts"
assert_eq 15 "$(grep -c '"event":"ProcessTerminated","node":"worker","path":"root/extra"' "$T/events")" "extra stops"
stop_arbord
assert_no_procs
