# t_listen: sockets held by arbord (listen). A server worker gets them as
# systemd passes them (LISTEN_FDS descriptors from 3, not close-on-exec,
# blocking; LISTEN_PID its own pid, also when started through the spawner;
# LISTEN_FDNAMES), a unix: socket has its mode; a client loop of thousands
# of connections while the worker is SIGKILLed every 100 ms sees no
# refused connection, nor while its supervisor is restarted; a pool of 3
# shares one port (connections reach several instances); a reload that
# changes the address rebinds it; one that
# removes the worker closes its sockets and removes the socket file, as
# shutdown does; a port taken by another process is a start failure with
# the reason; as root, a port below 1024 is served by a worker that runs
# as nobody.
. "$(dirname "$0")/lib.sh"
LSSERVER=${LSSERVER:-$ROOT/tests/integration/lsserver}
CONNLOOP=${CONNLOOP:-$ROOT/tests/integration/connloop}
LISTEN=${LISTEN:-$ROOT/tests/integration/listen}
for b in "$LSSERVER" "$CONNLOOP" "$LISTEN"; do
	[ -x "$b" ] || fail "no $b (make $(basename "$b"))"
done
# lsserver's and connloop's command lines name $T (cleanup finds them).
ln -s "$LSSERVER" "$T/lsserver"
ln -s "$CONNLOOP" "$T/connloop"
# Below the ephemeral range (32768-60999), where outgoing connections
# take ports: a random port there may be in use.
PORT=$((20000 + RANDOM % 12000))
PORT2=$((PORT + 1))
BUSY=$((PORT + 2))

# The README's example is a valid configuration.
"$ARBORD" -n -c "$ROOT/conf/zero-downtime.ini" >"$T/o" 2>&1 || fail "zero-downtime.ini: $(cat "$T/o")"

# field NAME LINE: the value of NAME=value in connloop's LINE.
field() {
	sed -n "s/.* *\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$2"
}

# kill_loop PATH N: SIGKILL worker PATH every 100 ms, N times (the load,
# not a synchronisation), then create $T/stop. Counts kills in $T/kills.
kill_loop() {
	local i p k=0
	for ((i = 0; i < $2; i++)); do
		p=$(pid_of "$1")
		if [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; then
			k=$((k + 1))
		fi
		sleep 0.1
	done
	echo "$k" >"$T/kills"
	touch "$T/stop"
}

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100000
period = 1s

[supervisor:root/sub]
intensity = 100000
period = 1s

[worker:root/sub/web]
command = $T/lsserver -e
listen = tcp:127.0.0.1:$PORT
  unix:$T/web.sock,mode=0640
listen_names = http ctl

[worker:root/pool]
command = $T/lsserver
instances = 3
listen = tcp:127.0.0.1:$PORT2
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root

# The environment and the descriptors, as systemd passes them.
wait_for "$T/out" '^root/sub/web \| serving'
pid=$(pid_of root/sub/web)
[ -n "$pid" ] || fail "no pid for root/sub/web"
grep -q "^root/sub/web | LISTEN_FDS=2\$" "$T/out" || fail "LISTEN_FDS: $(cat "$T/out")"
grep -q "^root/sub/web | LISTEN_PID=$pid\$" "$T/out" || fail "LISTEN_PID is not $pid: $(cat "$T/out")"
grep -q "^root/sub/web | PID=$pid\$" "$T/out" || fail "PID: $(cat "$T/out")"
grep -q "^root/sub/web | LISTEN_FDNAMES=http:ctl\$" "$T/out" || fail "LISTEN_FDNAMES: $(cat "$T/out")"
grep -q "^root/sub/web | fd 3 listening cloexec=0 nonblock=0\$" "$T/out" || fail "fd 3: $(cat "$T/out")"
grep -q "^root/sub/web | fd 4 listening cloexec=0 nonblock=0\$" "$T/out" || fail "fd 4: $(cat "$T/out")"
# The pool's default name is the pool's.
assert_eq 640 "$(stat -c %a "$T/web.sock")" "unix socket mode"
out=$("$T/connloop" unix:"$T/web.sock" 20 10) || fail "unix: $out"
out=$("$T/connloop" -p tcp:127.0.0.1:$PORT 20 10) || fail "tcp: $out"
assert_eq "$pid" "$(sed -n 2p <<<"$out")" "the pid that answered"

# A pool of 3 shares one port: connections reach several instances.
out=$("$T/connloop" -p tcp:127.0.0.1:$PORT2 300 20) || fail "pool: $out"
n=$(field pids "$out")
[ "$n" -ge 2 ] || fail "only $n instance(s) answered: $out"
pool_pids=" $(pid_of root/pool/1) $(pid_of root/pool/2) $(pid_of root/pool/3) "
for p in $(sed -n '2,$p' <<<"$out"); do
	case "$pool_pids" in *" $p "*) ;; *) fail "pid $p is no instance of the pool ($pool_pids)" ;; esac
done

# SIGKILL every 100 ms, 40 times, under a client loop: nothing refused.
rm -f "$T/stop"
kill_loop root/sub/web 40 &
killer=$!
out=$("$T/connloop" -f "$T/stop" -p tcp:127.0.0.1:$PORT 1000000 60)
wait "$killer"
kills=$(cat "$T/kills")
echo "kill loop: $kills kills; $(head -1 <<<"$out")" >&2
assert_eq 0 "$(field refused "$out")" "refused connections while killed every 100 ms"
ok=$(field ok "$out")
[ "$ok" -ge 1000 ] || fail "only $ok connections answered: $out"
[ "$kills" -ge 20 ] || fail "only $kills kills"
# A connection accepted by a process killed before it answered is lost
# (at most one per kill: the client waits for each answer); none refused.
[ "$(field failed "$out")" -le "$kills" ] || fail "more failed than kills: $out"
n=$(field pids "$out")
[ "$n" -ge 10 ] || fail "only $n different workers answered: $out"
# Every start passed lsserver's own LISTEN_PID check (it exits 3 if not).
! grep -q '"status":3' "$T/events" || fail "a worker found LISTEN_PID wrong"

# Restarting the supervisor keeps the sockets: nothing refused.
rm -f "$T/stop"
(
	for i in 1 2 3 4 5; do
		ctl restart root/sub >/dev/null 2>&1
		sleep 0.1
	done
	touch "$T/stop"
) &
restarter=$!
out=$("$T/connloop" -f "$T/stop" tcp:127.0.0.1:$PORT 1000000 60)
wait "$restarter"
echo "supervisor restarts: $out" >&2
assert_eq 0 "$(field refused "$out")" "refused connections during supervisor restarts"
[ "$(field ok "$out")" -ge 10 ] || fail "too few answered: $out"

# A reload that changes listen restarts the worker on the new address and
# closes the old one.
PORT3=$((PORT + 3))
sed -i "s|^listen = tcp:127.0.0.1:$PORT\$|listen = tcp:127.0.0.1:$PORT3|" "$T/a.ini"
ctl_expect 0 reload
grep -q 'restarted root/sub/web (listen)' "$T/ctl.out" || fail "reload: $(cat "$T/ctl.out")"
poll 10 "$T/connloop" tcp:127.0.0.1:$PORT3 1 5 || fail "nothing answers on the new port $PORT3"
out=$("$T/connloop" tcp:127.0.0.1:$PORT 1 5)
assert_eq 1 "$(field refused "$out")" "the old port closed after the reload"

# A reload that removes the worker closes its sockets, removes the file.
sed -i '/^\[worker:root\/sub\/web\]/,/^listen_names/d' "$T/a.ini"
ctl_expect 0 reload
poll 10 test ! -e "$T/web.sock" || fail "$T/web.sock left after the reload"
out=$("$T/connloop" tcp:127.0.0.1:$PORT3 1 5)
assert_eq 1 "$(field refused "$out")" "port closed after the reload"
stop_arbord
assert_no_procs

# Through the spawner: LISTEN_PID is still the worker's own.
cat >"$T/b.ini" <<INI
[supervisor:root]

[worker:root/web]
command = $T/lsserver -e
listen = unix:$T/b.sock
INI
: >"$T/out"
ARBOR_SPAWNER_THRESHOLD=0 start_arbord "$T/b.ini"
wait_for "$T/out" '^root/web \| serving'
pid=$(pid_of root/web)
grep -q "^root/web | LISTEN_PID=$pid\$" "$T/out" || fail "LISTEN_PID through the spawner is not $pid: $(cat "$T/out")"
grep -q "^root/web | LISTEN_FDNAMES=web\$" "$T/out" || fail "default LISTEN_FDNAMES: $(cat "$T/out")"
assert_eq 666 "$(stat -c %a "$T/b.sock")" "default unix socket mode"
grep -q 'spawner' "$T/events" && fail "the spawner was lost: $(cat "$T/events")"
stop_arbord
[ ! -e "$T/b.sock" ] || fail "$T/b.sock left after shutdown"

# A port another process holds: the start fails with the reason.
"$LISTEN" tcp $BUSY 0 >"$T/busy.out" &
busy=$!
WATCH_PIDS+=("$busy")
wait_for "$T/busy.out" listening
cat >"$T/c.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/busy]
command = $T/lsserver
listen = tcp:127.0.0.1:$BUSY
INI
start_arbord "$T/c.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_match "\"error\":\"listen tcp:127.0.0.1:$BUSY: Address already in use\"" \
    "$(event_line ProcessStartFailed root/busy)"
kill "$busy"

# As root: a port below 1024, bound by arbord, served as nobody.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	low=$((600 + RANDOM % 400))
	srv=$(public_copy "$LSSERVER")
	cat >"$T/d.ini" <<INI
[supervisor:root]

[worker:root/low]
command = $srv
user = nobody
listen = tcp:127.0.0.1:$low
INI
	start_arbord "$T/d.ini"
	wait_event ProcessStarted root
	pid=$(pid_of root/low)
	assert_eq nobody "$(ps -o user= -p "$pid" | tr -d ' ')" "the worker's user"
	out=$("$T/connloop" -p tcp:127.0.0.1:$low 5 10) || fail "port $low: $out"
	assert_eq "$pid" "$(sed -n 2p <<<"$out")" "the pid that answered on port $low"
	stop_arbord
fi
assert_no_procs
