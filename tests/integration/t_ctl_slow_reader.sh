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

# Each failure is a ~4 KiB event (its error carries the last stderr line).
[worker:root/flapper]
command = sh -c 'printf "%04000d\\n" 7 >&2; exit 1'
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/steady
printf 'ARBOR/1 events follow\n' | "$RAWCLIENT" -n "$T/arbor.sock" &
reader=$!
WATCH_PIDS+=("$reader")
wait_for "$T/events" 'dropping a client that does not read' 1 60
ctl_expect 0 status root/steady
assert_match '"state":"running"' "$(ctl status root/steady --json)" "steady"
kill "$reader"
stop_arbord
assert_no_procs
