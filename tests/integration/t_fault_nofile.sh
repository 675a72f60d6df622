# t_fault_nofile: descriptor exhaustion. arbord runs under
# prlimit --nofile=64; idle clients connect until it has no descriptor
# left, and a worker killed meanwhile cannot be restarted (its start fails
# with the reason and is retried by its restart_delay). arbord survives,
# and once the clients go away it serves again, the worker runs again and
# no descriptor is leaked.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT}"
command -v prlimit >/dev/null || { echo "SKIP: prlimit missing"; exit 0; }

LIMIT=64
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[worker:root/a]
command = $T/sleep 1000

[worker:root/b]
command = $T/sleep 1001
restart_delay = 100ms
restart_delay_max = 100ms
INI
: >"$T/events"
prlimit --nofile=$LIMIT -- "$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" \
    --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root

nfds() { ls /proc/"$ARBORD_PID"/fd 2>/dev/null | wc -l; }
ctl_expect 0 status
base=$(nfds)

# More idle clients than descriptors: arbord runs out.
clients=()
for i in $(seq 1 $((LIMIT + 16))); do
	"$RAWCLIENT" -n "$T/arbor.sock" </dev/null >/dev/null 2>&1 &
	clients+=($!)
done
full() { [ "$(nfds)" -ge $LIMIT ]; }
poll 10 full || fail "arbord never ran out of descriptors: $(nfds) open"

# A worker dies now: its restart cannot get descriptors.
pb=$(pgrep -f "$T/sleep 1001")
[ -n "$pb" ] || fail "b not running"
kill -KILL "$pb"
wait_event ProcessFailed root/b
wait_event ProcessStartFailed root/b 2
assert_match '"error":"[a-z0-9 ]+: Too many open files"' \
    "$(event_line ProcessStartFailed root/b 1)" "start failure"
alive "$ARBORD_PID" || fail "arbord died"

# The clients go away: arbord serves again and b is back.
kill "${clients[@]}" 2>/dev/null
wait "${clients[@]}" 2>/dev/null
wait_event ProcessStarted root/b 2
ctl_expect 0 status
assert_match 'running' "$(cat "$T/ctl.out")" "status"
assert_eq running "$(state_of root/b)" "b"
settled() { [ "$(nfds)" -eq "$base" ]; }
poll 10 settled || fail "descriptors: $base before, $(nfds) after: $(ls -l /proc/$ARBORD_PID/fd)"
stop_arbord
assert_no_procs
