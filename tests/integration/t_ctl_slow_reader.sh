# t_ctl_slow_reader: a follower that stops reading while events pour in is
# dropped once its backlog passes the bound; the loop never blocks on it:
# the tree goes on and other clients are served meanwhile.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000000
period = 1s

[worker:root/steady]
command = $T/sleep 1000

[worker:root/flapper]
command = true
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/steady
printf 'ARBOR/1 events follow\n' | "$RAWCLIENT" -n "$T/arbor.sock" &
reader=$!
WATCH_PIDS+=("$reader")
wait_for "$T/events" 'dropping a client that does not read' 1 90
ctl_expect 0 status root/steady
assert_match '"state":"running"' "$(ctl status root/steady --json)" "steady"
kill "$reader"
stop_arbord
assert_no_procs
