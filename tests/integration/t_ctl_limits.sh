# t_ctl_limits: control clients cannot take what supervision needs. A
# client that sends no request within [arbor] client_timeout is hung up on
# with an error record; no more than [arbor] max_clients are connected at
# once (one more is refused, saying why); followers are not timed out;
# once the idle ones are gone, arborctl is served again.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"

cat >"$T/a.ini" <<INI
[arbor]
max_clients = 5
client_timeout = 2s

[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root

# An idle client is told, then hung up on.
start=$(date +%s%3N)
out=$(timeout 10 "$RAWCLIENT" -i "$T/arbor.sock")
took=$(($(date +%s%3N) - start))
assert_match '^error	no request within 2000ms' "$out" "idle client"
[ "$took" -ge 2000 ] || fail "hung up after $took ms, before client_timeout"

# A follower sent its request: it stays beyond client_timeout.
printf 'ARBOR/1 events follow\n' | "$RAWCLIENT" "$T/arbor.sock" >"$T/follow" &
WATCH_PIDS+=($!)
wait_for "$T/follow" '^following'

# Four idle clients and the follower fill max_clients: one more is refused.
idle=()
for i in 1 2 3 4; do
	"$RAWCLIENT" -n "$T/arbor.sock" </dev/null >/dev/null 2>&1 &
	idle+=($!)
done
full() { ! ctl status >/dev/null 2>"$T/refused"; }
poll 5 full || fail "a sixth client was served"
assert_match 'too many clients \(at most 5\)' "$(cat "$T/refused")" "refusal"
# The idle ones time out; the follower is still there, and arborctl works.
served() { ctl status >/dev/null 2>&1; }
poll 10 served || fail "arborctl not served once the idle clients were gone"
ctl_expect 0 restart root/w
wait_for "$T/follow" 'ProcessStarted.*root/w' 1 10
kill "${idle[@]}" 2>/dev/null
stop_arbord
assert_no_procs
