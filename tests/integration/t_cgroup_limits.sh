# t_cgroup_limits: cgroup limits are written to the node's cgroup when it
# starts (a supervisor's bound its subtree), a reload changes them in
# place without a restart, and a worker the OOM killer kills fails with
# that reason and "oom":true. Needs cgroup v2 with the memory and pids
# controllers available to arbord; says which is missing otherwise.
. "$(dirname "$0")/lib.sh"

need_cgroup2
cgmount=$CGMOUNT own=$CGOWN

hog=$(script hog <<'SH'
#!/bin/sh
# tail keeps a "line" with no newline whole: it grows until killed.
head -c 2000M /dev/zero | tail -n 1 >/dev/null
SH
)
cat >"$T/a.ini" <<INI
[arbor]
cgroup = yes

[supervisor:root]
memory_max = 512M
pids_max = 200

[worker:root/w]
command = $T/sleep 1000
memory_max = 64M
pids_max = 10
cpu_max = 50%
INI

# arborctl check (and arbord -n) know this host's controllers: a limit
# whose controller is missing is an error at its line, as at start.
if "${ARBORCTL:?}" check "$T/a.ini" >"$T/check.out" 2>"$T/check.err"; then
	assert_match 'configuration OK' "$(cat "$T/check.out")" "arborctl check"
else
	assert_match "^$T/a.ini:[0-9]+: [a-z_]+ needs the [a-z]+ controller, which this host's cgroup v2 hierarchy does not have" "$(head -n 1 "$T/check.err")" "arborctl check names the line and the controller"
	"$ARBORD" -n -c "$T/a.ini" >/dev/null 2>&1 && fail "arbord -n accepted what arborctl check refused"
fi

# Do the controllers exist for arbord? It says so at start if not.
start_arbord "$T/a.ini"
poll 15 eval 'grep -q "\"event\":\"ProcessStarted\",\"node\":\"supervisor\",\"path\":\"root\"" "$T/events" || ! alive "$ARBORD_PID"'
if ! alive "$ARBORD_PID"; then
	wait_arbord 10
	missing=$(grep -o 'needs the [a-z]* controller' "$T/events" | head -n 1)
	[ -n "$missing" ] || fail "arbord did not start, and not for a controller"
	assert_match '^/tmp/arbor-test\.[A-Za-z0-9]+/a\.ini:[0-9]+: ' "$(grep 'needs the' "$T/events" | head -n 1 | sed 's/^arbord: //')" "the error names file:line"
	echo "SKIP: $missing, which arbord's cgroup does not have here"
	exit 0
fi
base=$(sed -n 's/^0:://p' "/proc/$ARBORD_PID/cgroup")
base=$cgmount${base%/@arbord}
assert_eq 67108864 "$(cat "$base/root/w/memory.max")" "the worker's memory.max"
assert_eq 10 "$(cat "$base/root/w/pids.max")" "the worker's pids.max"
assert_eq "50000 100000" "$(cat "$base/root/w/cpu.max")" "the worker's cpu.max"
assert_eq 536870912 "$(cat "$base/root/memory.max")" "the supervisor's memory.max"
assert_eq 200 "$(cat "$base/root/pids.max")" "the supervisor's pids.max"

# A reload writes the new limits in place; the worker keeps its pid.
pid=$(pid_of root/w)
sed -i -e 's/^memory_max = 64M/memory_max = 128M/' -e '/^cpu_max/d' "$T/a.ini"
ctl_expect 0 reload
assert_match 'updated root/w \((cpu_max, memory_max|memory_max, cpu_max)\) without a restart' "$(cat "$T/ctl.out")" "reload report"
assert_eq 134217728 "$(cat "$base/root/w/memory.max")" "memory.max after the reload"
assert_eq "max 100000" "$(cat "$base/root/w/cpu.max")" "cpu.max back to the default"
assert_eq "$pid" "$(pid_of root/w)" "the worker's pid after the reload"

# The OOM killer: the failure says so.
cat >>"$T/a.ini" <<INI

[worker:root/hog]
command = $hog
restart = temporary
memory_max = 32M
memory_swap_max = 0
INI
ctl_expect 0 reload
wait_event ProcessFailed root/hog 1 60
line=$(event_line ProcessFailed root/hog)
assert_match '"error":"killed by the OOM killer \(memory_max 32M\)"' "$line" "the OOM reason"
assert_match '"oom":true' "$line" "the event's oom mark"
assert_match 'killed by the OOM killer \(memory_max 32M\)' "$(ctl status root/hog)" "status's last error"
stop_arbord
assert_no_procs
