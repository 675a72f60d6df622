# t_roll_cgroup: with cgroups, a rolled worker's old process and what it
# left (an escaped, setsid process) move to a cgroup of their own,
# PATH@old, before the successor starts in the worker's cgroup; during
# the overlap status still shows the old pid (and the successor's); once the successor is ready
# the old cgroup is drained (the escapee too) and removed, while the
# successor and its own escapee run on in the worker's cgroup.
. "$(dirname "$0")/lib.sh"
need_cgroup2
cgmount=$CGMOUNT

escaper=$(script escaper <<SH
#!/bin/sh
setsid env -i $T/sleep 1000 &
echo "escapee \$!"
exec $T/sleep 1001
SH
)
cat >"$T/a.ini" <<INI
[arbor]
cgroup = yes

[supervisor:root]

[worker:root/w]
command = $escaper
ready = delay:5s
shutdown = 2s
INI

cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
escapee() { sed -n 's/^root\/w | escapee //p' "$T/out" | sed -n "$1p"; }

start_arbord "$T/a.ini"
wait_event ProcessStarted root
base=$(cg_of "$ARBORD_PID")
base=${base%/@arbord}
old=$(pid_of root/w)
wait_for "$T/out" '^root/w \| escapee [0-9]+$' 1
e0=$(escapee 1)
assert_eq "$base/root/w" "$(cg_of "$e0")" "the escapee's cgroup"

(ctl restart --rolling root >"$T/roll.out" 2>&1; echo $? >"$T/roll.rc") &
roll=$!
# The successor started; its readiness takes 5s (generous under load):
# the overlap.
wait_event ProcessStarted root/w 2
new=$(event_line ProcessStarted root/w 2 | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no successor pid: $new"
assert_eq "$base/root/w@old" "$(cg_of "$old")" "the old process's cgroup during the overlap"
assert_eq "$base/root/w@old" "$(cg_of "$e0")" "the old escapee's cgroup during the overlap"
assert_eq "$base/root/w" "$(cg_of "$new")" "the successor's cgroup"
assert_eq "$old" "$(pid_of root/w)" "status during the overlap: the old pid"
assert_match "\"pid\":$old,\"successor_pid\":$new," "$(ctl status root/w --json)" \
    "status JSON during the overlap"
assert_match "$old \\(next $new\\)" "$(ctl status root)" "status during the overlap"
assert_eq running "$(state_of root/w)" "state during the overlap"

wait "$roll"
assert_eq 0 "$(cat "$T/roll.rc")" "roll exit status ($(cat "$T/roll.out"))"
assert_eq "$new" "$(pid_of root/w)" "status after the roll"
wait_event ProcessTerminated root/w
alive "$old" && fail "the old process $old outlived its drain"
alive "$e0" && fail "the old escapee $e0 outlived the old process's drain"
[ -d "$cgmount$base/root/w@old" ] && fail "the old cgroup is left"
wait_for "$T/out" '^root/w \| escapee [0-9]+$' 2
e1=$(escapee 2)
alive "$e1" || fail "the successor's escapee $e1 was killed"
assert_eq "$base/root/w" "$(cg_of "$e1")" "the successor's escapee's cgroup"
assert_match "\"cgroup\":\"$base/root/w\"" "$(ctl status root/w --json)" \
    "status names the worker's cgroup"
stop_arbord
assert_no_procs
