# t_reexec_arbor: the [arbor] settings across a re-exec. The HTTP
# endpoint's listening socket is handed over like the control socket: no
# connection to it is refused during a reexec; arbor_events_total goes on. `arborctl reexec --reload`
# applies what a reload leaves alone: the control socket moves to its new
# path (the old one and its process record go), the HTTP endpoint moves to
# its new address, and its token file is read again; workers untouched.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed (apt-get install python3)"; exit 0; }
P1=$((20000 + RANDOM % 6000))
P2=$((26000 + RANDOM % 6000))
echo one >"$T/token1"
echo two >"$T/token2"

# conf SOCKET PORT TOKENFILE: the configuration.
conf() {
	cat >"$T/a.ini" <<INI
[arbor]
socket = $1
http = 127.0.0.1:$2
http_token_file = $3

[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
}

# code PORT TOKEN PATH: the HTTP status of GET PATH (000: no answer).
code() {
	curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $2" "http://127.0.0.1:$1$3"
}

conf "$T/s1.sock" $P1 "$T/token1"
: >"$T/events"
# No -s: the socket is [arbor] socket's.
"$ARBORD" -c "$T/a.ini" -S "$T/state" --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root
S=$T/s1.sock
sctl() { "$ARBORCTL" -s "$S" "$@"; }
w=$(sctl status root/w --json | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
[ -n "$w" ] || fail "no pid for root/w"
assert_eq 200 "$(code $P1 one /status.json)" "token one"
assert_eq 401 "$(code $P1 two /status.json)" "token two refused"

# Connections to the HTTP port throughout a reexec: none refused.
python3 - "$P1" "$T/stop" "$T/loop.up" >"$T/loop" <<'PY' &
import os, socket, sys
port, stop, up = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ok = refused = 0
while not os.path.exists(stop):
    if ok == 1:
        open(up, "w").close()
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
        ok += 1
    except ConnectionRefusedError:
        refused += 1
    finally:
        s.close()
print("ok=%d refused=%d" % (ok, refused))
PY
loop=$!
WATCH_PIDS+=("$loop")
poll 30 test -e "$T/loop.up" || fail "the connection loop did not start"
sctl reexec >"$T/r.out" 2>&1 || fail "reexec: $(cat "$T/r.out")"
wait_event ArborReexec root
assert_eq 200 "$(code $P1 one /status.json)" "the endpoint after the reexec"
# The events counted before the exec still count.
metric() {
	curl -s -m 5 -H "Authorization: Bearer one" "http://127.0.0.1:$P1/metrics" |
	    sed -n "s/^arbor_events_total{event=\"$1\"} //p"
}
assert_eq 2 "$(metric ProcessStarted)" "ProcessStarted counted across the reexec"
assert_eq 1 "$(metric ArborReexec)" "ArborReexec counted"
touch "$T/stop"
wait "$loop"
out=$(cat "$T/loop")
assert_match '^ok=[1-9][0-9]* refused=0$' "$out" "connections to the HTTP port during the reexec"

# reexec --reload: a new socket, a new HTTP address, a new token file.
conf "$T/s2.sock" $P2 "$T/token2"
sctl reexec --reload >"$T/r.out" 2>&1 || fail "reexec --reload: $(cat "$T/r.out")"
assert_match "socket: now $T/s2.sock" "$(cat "$T/r.out")" "socket moved"
assert_match "http: serving on tcp:127.0.0.1:$P2" "$(cat "$T/r.out")" "http moved"
[ ! -e "$T/s1.sock" ] || fail "the old socket is still there"
[ ! -e "$T/s1.sock.procs" ] || fail "the old process record is still there"
[ -e "$T/s2.sock.procs" ] || fail "no process record by the new socket"
S=$T/s2.sock
sctl status root/w >/dev/null || fail "no answer on the new socket"
assert_eq "$w" "$(sctl status root/w --json | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')" "root/w after reexec --reload"
assert_eq 200 "$(code $P2 two /status.json)" "token two on the new address"
assert_eq 401 "$(code $P2 one /status.json)" "token one refused now"
assert_eq 000 "$(code $P1 one /healthz)" "the old address"

# The same file, a new token in it: read again by a plain reload.
echo three >"$T/token2"
sctl reload >"$T/r.out" 2>&1 || fail "reload: $(cat "$T/r.out")"
assert_match "http: a new token" "$(cat "$T/r.out")" "token reread"
assert_eq 200 "$(code $P2 three /status.json)" "token three"
assert_eq 401 "$(code $P2 two /status.json)" "token two refused now"
# A new address: only by reexec --reload.
conf "$T/s2.sock" $P1 "$T/token2"
sctl reload >"$T/r.out" 2>&1 || fail "reload: $(cat "$T/r.out")"
assert_match "http: a new address takes effect with arborctl reexec --reload" "$(cat "$T/r.out")" "reload and a new address"
assert_eq 200 "$(code $P2 three /healthz)" "the address after a reload"
kill -TERM "$ARBORD_PID"
wait_arbord 20
assert_eq 0 "$RC" "arbord exit status after SIGTERM"
[ ! -e "$T/s2.sock" ] || fail "the socket was not removed at exit"
