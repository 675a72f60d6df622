# t_http_stream: a client that never reads its /events stream cannot
# grow arbord: while a pool of 20 failing instances restarts as fast as it
# can (1,500 starts; each failure's event is 4 KiB), the stream of
# a client that reads nothing is ended once 256 KiB wait for it (logged;
# the client then reads what was sent, and EOF), and the endpoint answers
# meanwhile.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
PORT=$((20000 + RANDOM % 12000))
URL=http://127.0.0.1:$PORT
echo 's3cret-token' >"$T/token"
AUTH=(-H "Authorization: Bearer s3cret-token")
code() {
	local p=$1; shift
	curl -s -o "$T/body" -w '%{http_code}' -m 10 "$@" "$URL$p"
}

# Each failure's event carries its last stderr line: 4,000 characters.
FLAP=$(script flap <<'SH'
#!/bin/sh
printf '%04000d\n' 0 >&2
exit 1
SH
)
cat >"$T/flood.ini" <<CONF
[arbor]
http = 127.0.0.1:$PORT
http_token_file = token
[supervisor:root]
intensity = 1000000
period = 1s
[worker:root/flap-a-worker-with-a-long-name-so-that-every-event-is-bigger]
instances = 20
command = $FLAP
CONF
start_arbord "$T/flood.ini"
# (root never counts as started: its pool never has every instance up.)
wait_event ProcessStarted 'root/flap-[a-z-]+/1'
python3 "$ROOT/tests/integration/slowsse.py" "$PORT" s3cret-token "$T/slow.ready" "$T/slow.go" >"$T/slow.out" 2>&1 &
SLOW=$!
WATCH_PIDS+=($SLOW)
poll 20 test -e "$T/slow.ready" || fail "the slow client did not connect"
started() {
	local n
	n=$(curl -s -m 5 "${AUTH[@]}" "$URL/metrics" | sed -n 's/^arbor_events_total{event="ProcessStarted"} //p')
	[ "${n:-0}" -gt 1500 ]
}
poll 90 started || fail "fewer than 1500 starts in 90 s"
assert_eq 200 "$(code /healthz)" "/healthz during the flood"
ctl_expect 0 stop root/flap-a-worker-with-a-long-name-so-that-every-event-is-bigger
touch "$T/slow.go"
wait "$SLOW" || fail "the slow client saw no end of its stream: $(cat "$T/slow.out")"
n=$(cat "$T/slow.out")
# Ended for falling behind, not by the 10 s timeout of a stalled client.
grep -q 'http: an /events client fell 256 KiB behind: its stream ends' "$T/events" ||
    fail "no stream was ended for falling behind"
[ "$n" -lt 2000000 ] || fail "the slow client was sent $n bytes"
stop_arbord
assert_no_procs
echo PASS
echo PASS
