# t_init: arbord as PID 1 of a PID namespace (a container's init): the
# orphans a worker leaves behind are reaped (no zombies), SIGTERM stops
# the tree in order and arbord exits 0.
. "$(dirname "$0")/lib.sh"

if ! unshare --pid --fork true 2>/dev/null; then
	echo "skipped: unshare --pid --fork is not permitted here"
	exit 0
fi
orphaner=$(script orphaner <<SH
#!/bin/sh
# Leave an orphan behind, then live on.
sh -c '$T/sleep 1000 & echo "orphan \$!"'
exec $T/sleep 1001
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/orphaner]
command = $orphaner
INI
: >"$T/events"
: >"$T/out"
unshare --pid --fork "$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" \
    --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root
wait_for "$T/out" '^root/orphaner \| orphan [0-9]+$'
init=$(pgrep -P "$ARBORD_PID" -f "$ARBORD")
[ -n "$init" ] || fail "no arbord inside the namespace"
orphan=$(pgrep -f "$T/sleep 1000")
assert_eq "$init" "$(ps -o ppid= -p "$orphan" | tr -d ' ')" "the orphan's parent is arbord (PID 1)"
kill "$orphan"
# Reaped: the orphan disappears completely instead of staying a zombie.
gone() { [ -z "$(ps -o stat= -p "$1")" ]; }
poll 5 gone "$orphan" || fail "orphan $orphan not reaped: $(ps -o stat= -p "$orphan")"
kill -TERM "$init"
wait_arbord
assert_eq 0 "$RC" "exit status of the namespace's init"
assert_match '"event":"ProcessTerminated","node":"supervisor","path":"root"' "$(tail -n 1 "$T/events")" "tree stopped"
assert_no_procs
