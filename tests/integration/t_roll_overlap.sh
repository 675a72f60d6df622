# t_roll_overlap: `restart --rolling` of a plain supervisor whose single
# worker serves on sockets held by arbord (listen) and has a readiness
# rule (ready = delay): the worker's successor starts beside its process
# and is ready before the old process gets its stop signal (the order of
# `arborctl events`), so a client loop connecting all the while sees no
# refused connection, and the pid changes. A successor that fails (it
# exits 7) is forgotten: the old process keeps serving, and the roll
# exits 1 saying why.
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

web=$(script web <<'SH'
#!/bin/sh
# Fails at once while $1/fail exists; else serves (same pid: exec).
if [ -e "$1/fail" ]; then echo "told to fail" >&2; exit 7; fi
exec "$1/lsserver"
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[worker:root/web]
command = $web $T
listen = tcp:127.0.0.1:$PORT
ready = delay:300ms
start_timeout = 10s
shutdown = 5s
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
old=$(pid_of root/web)
[ -n "$old" ] || fail "root/web has no pid"
# Status lists the held sockets: JSON, and the single-worker view.
assert_match "\"listen\":\\[\"tcp:127.0.0.1:$PORT\"\\]" "$(ctl status root/web --json)" \
    "status JSON's listen"
assert_match "listen: tcp:127.0.0.1:$PORT" "$(ctl status root/web)" \
    "status's listen line"

# The client loop runs until the roll is over ($T/stop).
("$T/connloop" -f "$T/stop" -p tcp:127.0.0.1:$PORT 1000000 60 >"$T/loop.out") &
loop=$!
ctl_expect 0 restart --rolling root
assert_match 'every child replaced' "$(cat "$T/ctl.out")" "roll reply"
touch "$T/stop"
wait "$loop"
out=$(cat "$T/loop.out")
echo "roll: $(head -1 <<<"$out")" >&2
assert_eq 0 "$(field refused "$out")" "refused connections during the rolling restart"
assert_eq 0 "$(field failed "$out")" "failed connections during the rolling restart"
[ "$(field ok "$out")" -ge 20 ] || fail "too few connections answered: $out"
new=$(pid_of root/web)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "root/web: pid $old -> ${new:-none}"
alive "$old" && fail "the old process $old still runs"
assert_eq running "$(state_of root/web)" "root/web after the roll"

# The order, from arborctl events: the new process started and was ready
# before the old one got its stop signal (ProcessDraining), then the old
# one ended; no failure, no restart.
ctl events --json >"$T/ev.json" || fail "arborctl events"
seq=$(grep '"path":"root/web"' "$T/ev.json" | tail -n 4 |
    sed -n 's/.*"event":"\([A-Za-z]*\)".*"pid":\([0-9]*\).*/\1 \2/p' |
    tr '\n' '.')
assert_eq "ProcessStarted $new.ProcessReady $new.ProcessDraining $old.ProcessTerminated $old." \
    "$seq" "events of the roll"
grep -q '"event":"ProcessFailed"' "$T/ev.json" && fail "a process failed"
assert_match '"restarts":0' "$(ctl status root/web --json)" "restarts"

# A successor that fails: the old process serves on, the roll exits 1.
: >"$T/fail"
ctl_expect 1 restart --rolling root
assert_match 'root/web: exit status 7: told to fail' "$(cat "$T/ctl.err")" \
    "why the roll stopped"
assert_eq "$new" "$(pid_of root/web)" "the process kept after a failed successor"
alive "$new" || fail "the old process $new is gone"
assert_eq running "$(state_of root/web)" "root/web after the failed roll"
out=$("$T/connloop" tcp:127.0.0.1:$PORT 20 10) || fail "not served: $out"
assert_eq 20 "$(field ok "$out")" "connections answered after the failed roll"
rm -f "$T/fail"

# The roll works again, and a stop during it stops both processes.
ctl_expect 0 restart --rolling root
stop_arbord
assert_no_procs
