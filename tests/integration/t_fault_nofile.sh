# t_fault_nofile: descriptor exhaustion. arbord runs under
# prlimit --nofile=64. Idle clients connect, more than it has descriptors
# for: it refuses them before its reserve for supervision is touched, so
# a worker killed meanwhile is restarted at once; once the clients go away
# it serves again and no descriptor is leaked. Then a tree that needs more
# descriptors than arbord has: starts that fail for arbord's own lack of
# descriptors are retried with a backoff, never counted, so the root
# (intensity 1) does not give up; with fewer workers, all start.
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

# More idle clients than descriptors: arbord refuses some, keeping a
# reserve (16 + 64/16 = 20 here).
clients=()
for i in $(seq 1 $((LIMIT + 16))); do
	"$RAWCLIENT" -n "$T/arbor.sock" </dev/null >/dev/null 2>&1 &
	clients+=($!)
done
wait_for "$T/events" 'control: refusing a client: [0-9]+ descriptors open'
[ "$(nfds)" -le $((LIMIT - 20 + 1)) ] || fail "arbord holds $(nfds) descriptors, its reserve is gone"

# A worker dies now: its restart still gets descriptors.
pb=$(pgrep -f "$T/sleep 1001")
[ -n "$pb" ] || fail "b not running"
kill -KILL "$pb"
wait_event ProcessFailed root/b
wait_event ProcessStarted root/b 2
grep -q '"event":"ProcessStartFailed"' "$T/events" &&
    fail "a start failed although descriptors were kept for it"
alive "$ARBORD_PID" || fail "arbord died"

# The clients go away: arbord serves again.
kill "${clients[@]}" 2>/dev/null
wait "${clients[@]}" 2>/dev/null
ctl_expect 0 status
assert_match 'running' "$(cat "$T/ctl.out")" "status"
assert_eq running "$(state_of root/b)" "b"
settled() { [ "$(nfds)" -eq "$base" ]; }
poll 10 settled || fail "descriptors: $base before, $(nfds) after: $(ls -l /proc/$ARBORD_PID/fd)"
stop_arbord
assert_no_procs

# Twelve workers, two pipes each, with 32 descriptors: some cannot start.
{
	printf '[supervisor:root]\nintensity = 1\n'
	for i in $(seq 1 12); do
		printf '[worker:root/w%d]\ncommand = %s/sleep %d\n' "$i" "$T" $((2000 + i))
	done
} >"$T/b.ini"
: >"$T/events"
prlimit --nofile=32 -- "$ARBORD" -c "$T/b.ini" -S "$T/state" -s "$T/arbor.sock" \
    --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_for "$T/events" '"event":"ProcessStartFailed".*Too many open files' 3
alive "$ARBORD_PID" || fail "arbord gave up for want of descriptors"
grep -q '"event":"ProcessFailed","node":"supervisor"' "$T/events" &&
    fail "a supervisor gave up over arbord's own shortage"
# Fewer workers (a reload by SIGHUP): the retries get descriptors and the
# tree starts.
{
	printf '[supervisor:root]\nintensity = 1\n'
	for i in $(seq 1 4); do
		printf '[worker:root/w%d]\ncommand = %s/sleep %d\n' "$i" "$T" $((2000 + i))
	done
} >"$T/b.ini"
kill -HUP "$ARBORD_PID"
wait_event ProcessStarted root 1 30
stop_arbord
assert_no_procs
