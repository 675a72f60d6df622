# t_http: the HTTP endpoint ([arbor] http), with curl. /healthz answers
# ok; /readyz is 200 with every node running and 503 naming a stopped
# node; /status.json is the document arborctl status --json prints; with
# http_token_file every path but the probes needs the bearer token (401
# without it or with a wrong one); /events streams the backlog and then a
# worker's kill and restart live, as arborctl events -f --json gives them;
# the endpoint is read-only (POST 405, a body 413) and unknown paths 404;
# /events streams are capped and the probes still answer past the cap; a
# unix: address serves too; a bad address is a file:line error and a port
# in use fails arbord's start with the reason.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
PORT=$((20000 + RANDOM % 12000))
URL=http://127.0.0.1:$PORT
echo 's3cret-token' >"$T/token"

# A bad address is a configuration error naming file and line.
printf '[arbor]\nhttp = 127.0.0.1\n[supervisor:root]\n' >"$T/bad.ini"
"$ARBORD" -n -c "$T/bad.ini" >"$T/o" 2>&1 && fail "http without a port accepted"
assert_match "bad.ini:2: http: .*HOST:PORT" "$(cat "$T/o")" "bad http error"

cat >"$T/arbor.ini" <<CONF
[arbor]
http = 127.0.0.1:$PORT
http_token_file = token
[supervisor:root]
[worker:root/a]
command = $T/sleep 1000
[worker:root/b]
command = $T/sleep 1000
CONF
start_arbord "$T/arbor.ini"
wait_event ProcessStarted root
AUTH=(-H "Authorization: Bearer s3cret-token")

# code PATH [CURL ARGS...]: the status code of GET PATH.
code() {
	local p=$1; shift
	curl -s -o "$T/body" -w '%{http_code}' -m 10 "$@" "$URL$p"
}

assert_eq 200 "$(code /healthz)" "/healthz"
assert_eq ok "$(cat "$T/body")" "/healthz body"
assert_eq 200 "$(code /readyz)" "/readyz"

# The token: the probes need none, everything else does.
assert_eq 401 "$(code /status.json)" "/status.json without a token"
assert_eq 401 "$(code /metrics -H 'Authorization: Bearer wrong')" "/metrics with a wrong token"
assert_eq 401 "$(code / -H 'Authorization: Bearer s3cret-token-and-more')" "/ with a longer token"
assert_eq 200 "$(code /status.json "${AUTH[@]}")" "/status.json with the token"

# /status.json is arborctl status --json (usage figures change: drop them;
# since reads the same at every request).
strip() { python3 -c '
import json, sys
def s(n):
    for k in ("cpu_usec", "cpu_permille", "memory_bytes", "memory_peak_bytes", "tasks"):
        n.pop(k, None)
    for c in n["children"]:
        s(c)
    return n
print(json.dumps(s(json.load(sys.stdin)), sort_keys=True))'; }
ctl status --json >"$T/ctl.json" || fail "arborctl status"
assert_eq "$(strip <"$T/ctl.json")" "$(strip <"$T/body")" "/status.json against arborctl status --json"

# Read-only; nothing but the known paths.
assert_eq 405 "$(code /status.json "${AUTH[@]}" -X DELETE)" "DELETE"
assert_eq 413 "$(code /metrics "${AUTH[@]}" -d 'stop=root')" "a POST body"
assert_eq 404 "$(code /nope "${AUTH[@]}")" "an unknown path"
assert_eq 200 "$(code /metrics "${AUTH[@]}")" "/metrics"
assert_match '^arbor_build_info\{version="[^"]+"\} 1$' "$(cat "$T/body")" "/metrics build info"

# /events: the backlog, then live events, each a data: line of JSON.
curl -s -N -m 60 "${AUTH[@]}" "$URL/events" >"$T/sse" 2>/dev/null &
WATCH_PIDS+=($!)
wait_for "$T/sse" '^data: \{.*"event":"ProcessStarted","node":"supervisor","path":"root"'
old=$(pid_of root/a)
kill -KILL "$old"
wait_for "$T/sse" "^data: \\{\"ts\":\"[^\"]+\",\"event\":\"ProcessFailed\",\"node\":\"worker\",\"path\":\"root/a\",\"pid\":$old,"
wait_for "$T/sse" '^data: \{.*"event":"ProcessStarted","node":"worker","path":"root/a"' 2

# /readyz names what is not running.
ctl_expect 0 stop root/b
assert_eq 503 "$(code /readyz)" "/readyz with root/b stopped"
assert_eq "root/b stopped" "$(cat "$T/body")" "/readyz body"
ctl_expect 0 start root/b
assert_eq 200 "$(code /readyz)" "/readyz with root/b started again"

# Streams are capped (16), and the probes still answer beyond the cap.
for i in $(seq 1 24); do
	curl -s -N -m 60 -o /dev/null -w '%{http_code}\n' "${AUTH[@]}" "$URL/events" >>"$T/codes" 2>/dev/null &
	WATCH_PIDS+=($!)
done
poll 20 grep -q 503 "$T/codes" || fail "no 503 for the 17th /events stream"
assert_eq 200 "$(code /healthz)" "/healthz with the streams full"
assert_eq 200 "$(code /status.json "${AUTH[@]}")" "/status.json with the streams full"
stop_arbord
assert_no_procs

# A unix: address; a port in use is a start failure with the reason.
cat >"$T/unix.ini" <<CONF
[arbor]
http = unix:http.sock
[supervisor:root]
[worker:root/a]
command = $T/sleep 1000
CONF
start_arbord "$T/unix.ini"
wait_event ProcessStarted root
assert_eq ok "$(curl -s -m 10 --unix-socket "$T/http.sock" http://x/healthz)" "/healthz over unix:"
assert_match '"path":"root"' "$(curl -s -m 10 --unix-socket "$T/http.sock" http://x/status.json)" "/status.json over unix: (no token file: open)"
BUSY=$((PORT + 1))
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); open(sys.argv[2],"w").close(); time.sleep(30)' "$BUSY" "$T/busy" &
HOLDER=$!
WATCH_PIDS+=($HOLDER)
poll 10 test -e "$T/busy" || fail "the port holder did not start"
sed "s|unix:http.sock|127.0.0.1:$BUSY|" "$T/unix.ini" >"$T/busy.ini"
"$ARBORD" -c "$T/busy.ini" -S "$T/state2" -s "$T/arbor2.sock" >"$T/o" 2>&1
assert_eq 1 "$?" "arbord with its http port in use"
assert_match "http: listen tcp:127.0.0.1:$BUSY: .*Address already in use" "$(cat "$T/o")" "port in use"
kill "$HOLDER"
stop_arbord
[ ! -e "$T/http.sock" ] || fail "the http socket file is left"
assert_no_procs

