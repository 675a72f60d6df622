# t_watchdog_self: under systemd's WatchdogSec= (WATCHDOG_USEC in its
# environment, WATCHDOG_PID its own pid or unset) arbord sends WATCHDOG=1
# to NOTIFY_SOCKET at half the interval from its event loop; with
# WATCHDOG_PID naming another process it sends none; workers inherit
# neither variable.
. "$(dirname "$0")/lib.sh"
NOTIFYLISTEN=${NOTIFYLISTEN:-$ROOT/tests/integration/notifylisten}
[ -x "$NOTIFYLISTEN" ] || fail "no $NOTIFYLISTEN (make tests/integration/notifylisten)"

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = sh -c 'echo "env \${WATCHDOG_USEC-unset} \${WATCHDOG_PID-unset}"; exec $T/sleep 1000'
INI

"$NOTIFYLISTEN" "$T/notify.sock" >"$T/notify" &
L1=$!
WATCH_PIDS+=("$L1")
wait_for "$T/notify" '^# listening on '
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 start_arbord "$T/a.ini"
wait_event ProcessStarted root
# Every 200ms: three within a few seconds, never synchronised on sleep.
wait_for "$T/notify" '^WATCHDOG=1$' 3 5
wait_for "$T/out" '^root/w \| env unset unset$'
stop_arbord

# Meant for another process: nothing sent.
: >"$T/notify"
"$NOTIFYLISTEN" "$T/notify2.sock" >"$T/notify2" &
L2=$!
WATCH_PIDS+=("$L2")
wait_for "$T/notify2" '^# listening on '
NOTIFY_SOCKET=$T/notify2.sock WATCHDOG_USEC=100000 WATCHDOG_PID=1 start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/notify2" '^READY=1'
# Nothing to wait for: a negative check over ten intervals (1s).
poll 1 false
grep -q '^WATCHDOG=1' "$T/notify2" && fail "WATCHDOG=1 sent for WATCHDOG_PID=1: $(cat "$T/notify2")"
stop_arbord
kill "$L1" "$L2" 2>/dev/null
wait "$L1" "$L2" 2>/dev/null
assert_no_procs
