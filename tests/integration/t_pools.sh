# t_pools: instances = N makes N identical workers PATH/1..N, each with
# ARBOR_INSTANCE, sharing their supervisor's state directory; a reload
# changing N adds or removes instances without touching the others.
. "$(dirname "$0")/lib.sh"

show=$(script show <<'SH'
#!/bin/sh
echo "instance=$ARBOR_INSTANCE state=$ARBOR_STATE_DIR"
exec "$1/sleep" 1000
SH
)
conf() {
	cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5

[worker:root/web]
command = $show $T
instances = $1
INI
}
conf 3
start_arbord "$T/a.ini"
wait_event ProcessStarted root
assert_eq "ProcessStarted root/web/1
ProcessStarted root/web/2
ProcessStarted root/web/3
ProcessStarted root/web
ProcessStarted root" "$(event_seq)" "a pool of three"
wait_for "$T/out" '^root/web/3 \| instance=3 '
wait_for "$T/out" '^root/web/2 \| instance=2 '	# output comes in any order
grep -q "^root/web/2 | instance=2 state=$T/state/root\$" "$T/out" ||
    fail "instance env or shared state: $(cat "$T/out")"
p1=$(pid_of root/web/1)
p2=$(pid_of root/web/2)
conf 5
ctl_expect 0 reload
assert_match 'added root/web/4' "$(cat "$T/ctl.out")" "grown"
wait_event ProcessStarted root/web/5
assert_eq "$p1" "$(pid_of root/web/1)" "instance 1 untouched"
conf 1
ctl_expect 0 reload
assert_match 'removed root/web/2' "$(cat "$T/ctl.out")" "shrunk"
wait_event ProcessTerminated root/web/5
assert_eq "$p1" "$(pid_of root/web/1)" "instance 1 still untouched"
alive "$p2" && fail "removed instance still running"
stop_arbord
assert_no_procs
