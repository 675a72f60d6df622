# t_cgroup: with cgroup v2, the supervision tree is a cgroup tree. A
# worker is in the cgroup of its path from its first instruction (in
# arbord and through the spawner), and nothing it starts escapes: a
# process that calls setsid() and clears its environment (so neither the
# process group nor the ARBOR_PATH scan finds it) is killed when the
# worker stops or its main process exits, and the worker's end reaches
# the tree only once its cgroup is empty. arbord's own cgroup is removed
# at exit, and one a killed arbord left is cleaned up by the next. With
# cgroup = no nothing is made.
. "$(dirname "$0")/lib.sh"

need_cgroup2
cgmount=$CGMOUNT own=$CGOWN

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
setup = sh -c 'echo "setup in \$(sed -n "s/^0:://p" /proc/self/cgroup)"'

[worker:root/w]
command = $escaper
INI

# The cgroup of process PID, relative to the hierarchy's root.
cg_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
escapee() { sed -n 's/^root\/w | escapee //p' "$T/out" | tail -n 1; }

check_placement() {
	local main e base
	wait_event ProcessStarted root/w "$1"
	wait_for "$T/out" '^root/w \| escapee [0-9]+$' "$1"
	main=$(pid_of root/w)
	e=$(escapee)
	base=$(cg_of "$ARBORD_PID")
	assert_match '^(/.*)?/arbor-[0-9]+-[0-9a-f]+/@arbord$' "$base" "arbord's own cgroup"
	base=${base%/@arbord}
	assert_eq "$base/root/w" "$(cg_of "$main")" "the worker's cgroup"
	assert_eq "$base/root/w" "$(cg_of "$e")" "the escaped process's cgroup"
	assert_eq "$base/root/w" "$(ctl status root/w --json | sed -n 's/.*"cgroup":"\([^"]*\)".*/\1/p')" "status names the cgroup"
	# Its usage comes from the cgroup: both processes, some CPU time.
	assert_match '"cpu_usec":[0-9]+,' "$(ctl status root/w --json)" "status's cpu_usec"
	assert_match '"tasks":2,' "$(ctl status root/w --json)" "status's tasks (main and escapee)"
	assert_match '"tasks":2,' "$(ctl status root --json | sed 's/,"children".*//')" "the supervisor's tasks: its subtree's"
	BASE=$base
}

for threshold in "" 0; do
	# "": started by arbord (vfork; the child joins); 0: through the
	# spawner (clone3 into the cgroup).
	ARBOR_SPAWNER_THRESHOLD=$threshold start_arbord "$T/a.ini"
	check_placement 1
	e=$(escapee)
	# The supervisor's scripts run in a leaf of their own under it.
	assert_eq "root:setup | setup in $BASE/root/@scripts" "$(grep '^root:setup | setup in' "$T/out")" "the setup script's cgroup"

	# signal --all reaches every process in the cgroup, the escapee too.
	ctl_expect 0 signal --all root/w STOP
	poll 5 eval '[ "$(ps -o stat= -p "$e" | cut -c1)" = T ]' || fail "signal --all did not reach the escapee"
	ctl_expect 0 signal --all root/w CONT

	# A stop kills it all, and the worker's cgroup goes.
	ctl_expect 0 stop root/w
	wait_event ProcessTerminated root/w
	alive "$e" && fail "the escaped process outlived the stop"
	[ -d "$cgmount$BASE/root/w" ] && fail "the stopped worker's cgroup is still there"

	# The main process exits: its escapee is dead before the end is told.
	ctl_expect 0 start root/w
	check_placement 2
	e=$(escapee)
	kill -TERM "$(pid_of root/w)"
	wait_event ProcessFailed root/w
	alive "$e" && fail "the worker's end was reported while its cgroup held $e"
	check_placement 3

	stop_arbord
	[ -d "$cgmount$BASE" ] && fail "arbord's cgroup $BASE is left after its exit"
	: >"$T/out"
done

# A killed arbord leaves its cgroup and workers; the next one removes both.
start_arbord "$T/a.ini"
check_placement 1
old_base=$BASE old_main=$(pid_of root/w) old_e=$(escapee)
kill -KILL "$ARBORD_PID"
wait "$ARBORD_PID" 2>/dev/null
alive "$old_e" || fail "the escapee died with arbord (test assumption)"
start_arbord "$T/a.ini"
check_placement 1
wait_for "$T/events" "removed cgroup $old_base left by an earlier arbord"
alive "$old_main" && fail "the killed arbord's worker survived the next arbord"
alive "$old_e" && fail "the killed arbord's escapee survived the next arbord"
[ -d "$cgmount$old_base" ] && fail "the killed arbord's cgroup is still there"
stop_arbord

# A live arbord is never taken for a killed one, whatever its name (under
# valgrind, a copy): the next arbord leaves its cgroup and workers alone.
ln -s "$ARBORD" "$T/arbx"
: >"$T/events"; : >"$T/out"
"$T/arbx" -c "$T/a.ini" -S "$T/state.x" -s "$T/x.sock" --event-format json >"$T/x.out" 2>"$T/x.events" &
xpid=$!
wait_for "$T/x.out" '^root/w \| escapee [0-9]+$'
xbase=$(cg_of "$xpid")
xbase=${xbase%/@arbord}
start_arbord "$T/a.ini"
check_placement 1
[ -d "$cgmount$xbase/root/w" ] || fail "another arbord removed the live one's cgroup $xbase"
grep -q "removed cgroup $xbase" "$T/events" && fail "the live arbord's cgroup was taken for stale"
stop_arbord
# Nor by one in another PID namespace, where the pid in the cgroup's name
# means nothing (a container's init beside the host's arbord).
if unshare --pid --fork true 2>/dev/null; then
	unshare --pid --fork "$ARBORD" -c "$T/a.ini" -S "$T/state.y" -s "$T/y.sock" \
	    --event-format json >"$T/y.out" 2>"$T/y.events" &
	ypid=$!
	wait_for "$T/y.events" '"event":"ProcessStarted","node":"supervisor","path":"root"'
	[ -d "$cgmount$xbase/root/w" ] || fail "an arbord in another PID namespace removed the live one's cgroup $xbase"
	grep -q "removed cgroup $xbase" "$T/y.events" && fail "an arbord in another PID namespace took the live one's cgroup for stale"
	pkill -TERM -f -- "-s $T/y.sock" || fail "no namespaced arbord to stop"
	wait "$ypid"
fi
kill -TERM "$xpid"; wait "$xpid"
[ -d "$cgmount$xbase" ] && fail "arbx's cgroup $xbase is left after its exit"

# Delegated (arbord alone in its cgroup, as with Delegate=yes): it uses
# that cgroup itself, arbord in its leaf @arbord.
deleg=$own/arbor-test-$$
mkdir "$deleg" || fail "mkdir $deleg"
: >"$T/events"; : >"$T/out"
( echo $BASHPID >"$deleg/cgroup.procs" && exec "$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" --event-format json >"$T/out" 2>"$T/events" ) &
ARBORD_PID=$!
wait_event ProcessStarted root/w
assert_eq "${deleg#$cgmount}/@arbord" "$(cg_of "$ARBORD_PID")" "arbord's leaf in a delegated cgroup"
assert_eq "${deleg#$cgmount}/root/w" "$(cg_of "$(pid_of root/w)")" "the worker in the delegated cgroup"
stop_arbord
[ -d "$deleg/root" ] && fail "the tree's cgroups are left in the delegated cgroup"
rmdir "$deleg/@arbord" "$deleg"

# Where arbord may not write its cgroup (an unprivileged user here):
# cgroup = yes refuses to start, saying why; auto says once why not and
# tracks the workers by process groups.
if command -v setpriv >/dev/null; then
	uid=$((200000 + $$))
	parbord=$(public_copy "$ARBORD")
	chown $uid "$T"
	for mode in yes auto; do
		sed -i "s/^cgroup = .*/cgroup = $mode/" "$T/a.ini"
		: >"$T/events"; : >"$T/out"
		setpriv --reuid=$uid --regid=$uid --clear-groups "$parbord" \
		    -c "$T/a.ini" -S "$T/state.$mode" -s "$T/arbor.sock" \
		    --event-format json >"$T/out" 2>"$T/events" &
		ARBORD_PID=$!
		if [ $mode = yes ]; then
			wait_arbord 10
			assert_eq 1 "$RC" "cgroup = yes without a writable cgroup: exit status"
			assert_match '^arbord: cgroup = yes: .* is not writable' "$(cat "$T/events")" "cgroup = yes: why"
		else
			wait_event ProcessStarted root/w
			assert_eq 1 "$(grep -c 'cgroups off (process groups track the workers): .* is not writable' "$T/events")" "auto: said once why not"
			assert_eq "$(cg_of "$ARBORD_PID")" "$(cg_of "$(pid_of root/w)")" "auto without cgroups: the worker's cgroup"
			wait_for "$T/out" '^root/w \| escapee [0-9]+$'
			e=$(escapee)
			stop_arbord
			# Without cgroups, what left group and environment escapes.
			alive "$e" || fail "test assumption: the escapee escapes process groups"
			kill -KILL "$e"
		fi
	done
	chown 0 "$T"
	sed -i "s/^cgroup = .*/cgroup = yes/" "$T/a.ini"
fi

# cgroup = no: nothing is made, the worker stays in arbord's cgroup
# (and what escapes its process group would escape: a plain worker here).
sed -i -e 's/^cgroup = yes/cgroup = no/' -e "s|^command = .*|command = $T/sleep 1002|" "$T/a.ini"
start_arbord "$T/a.ini"
wait_event ProcessStarted root/w
assert_eq "$(cg_of "$ARBORD_PID")" "$(cg_of "$(pid_of root/w)")" "cgroup = no: the worker's cgroup"
assert_eq "" "$(ctl status root/w --json | grep -o '"cgroup":"[^"]*"')" "cgroup = no: status names no cgroup"
# Usage from /proc, for the main process.
assert_match '"cpu_usec":[0-9]+,"cpu_permille":([0-9]+|null),"memory_bytes":[1-9][0-9]*,"memory_peak_bytes":[1-9][0-9]*,"tasks":1,"cgroup":null' "$(ctl status root/w --json)" "cgroup = no: usage from /proc"
stop_arbord
assert_no_procs
