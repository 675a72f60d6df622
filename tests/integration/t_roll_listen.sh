# t_roll_listen: a rolling restart of a 4-instance pool that shares sockets
# held by arbord: a client loop of thousands of connections during
# `restart --rolling` sees no refused connection, every instance's pid
# changes, and connections are answered by old and new processes alike.
. "$(dirname "$0")/lib.sh"
LSSERVER=${LSSERVER:-$ROOT/tests/integration/lsserver}
CONNLOOP=${CONNLOOP:-$ROOT/tests/integration/connloop}
for b in "$LSSERVER" "$CONNLOOP"; do
	[ -x "$b" ] || fail "no $b (make $(basename "$b"))"
done
ln -s "$LSSERVER" "$T/lsserver"
ln -s "$CONNLOOP" "$T/connloop"
# Below the ephemeral range (32768-60999), where outgoing connections
# take ports: a random port there may be in use.
PORT=$((20000 + RANDOM % 12000))

field() {
	sed -n "s/.* *\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$2"
}

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100

[worker:root/web]
command = $T/lsserver
instances = 4
listen = tcp:127.0.0.1:$PORT
shutdown = 2s
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
for i in 1 2 3 4; do before[$i]=$(pid_of root/web/$i); done

# The client loop runs until the roll is over ($T/stop).
("$T/connloop" -f "$T/stop" -p tcp:127.0.0.1:$PORT 1000000 60 >"$T/loop.out") &
loop=$!
ctl_expect 0 restart --rolling root/web
touch "$T/stop"
wait "$loop"
out=$(cat "$T/loop.out")
echo "roll: $(head -1 <<<"$out")" >&2
assert_eq 0 "$(field refused "$out")" "refused connections during the rolling restart"
[ "$(field ok "$out")" -ge 100 ] || fail "too few connections answered: $out"
for i in 1 2 3 4; do
	after=$(pid_of root/web/$i)
	[ -n "$after" ] && [ "$after" != "${before[$i]}" ] || fail "root/web/$i: pid ${before[$i]} -> ${after:-none}"
done
stop_arbord
assert_no_procs
