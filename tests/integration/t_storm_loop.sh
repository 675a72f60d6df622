# t_storm_loop: a sustained restart storm does not take the loop. 100
# instances each exit 0.5 s after their start, for ever (an intensity that
# never gives up): arbord keeps answering arborctl within a few seconds,
# keeps restarting, and SIGTERM stops the storming tree within its
# shutdown times. Spawns are started in bounded batches between polls.
. "$(dirname "$0")/lib.sh"

N=${ARBOR_STORM_N:-100}
crash=$(script crash <<SH
#!/bin/sh
exec $T/sleep 0.5
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000000
period = 1s

[worker:root/pool]
command = $crash
instances = $N
restart = permanent
shutdown = 2s
INI
start_arbord "$T/a.ini"
# (The pool may never be "started" as a whole: its first instances die
# before its last has started, on a slow machine.)
wait_for "$T/events" '"event":"ProcessStarted"' "$N" 60
# Two rounds of the storm have gone by.
wait_for "$T/events" '"event":"ProcessCompleted"' $((2 * N)) 60
for i in 1 2 3 4 5; do
	start=$(date +%s%3N)
	# Answered: 0, or 3 as some node is down (anything else: no answer).
	timeout 5 "$ARBORCTL" -s "$T/arbor.sock" status >/dev/null
	rc=$?
	[ $rc = 0 ] || [ $rc = 3 ] ||
	    fail "arborctl status got no answer within 5 s during the storm (try $i, exit $rc)"
	took=$(($(date +%s%3N) - start))
	echo "status answered in $took ms"
done
before=$(grep -c '"event":"ProcessStarted"' "$T/events")
wait_for "$T/events" '"event":"ProcessStarted"' $((before + N)) 60
# SIGTERM ends it: at most the shutdown time (2 s) plus the work.
start=$(date +%s)
kill -TERM "$ARBORD_PID"
wait_arbord 30
assert_eq 0 "$RC" "arbord's status after SIGTERM during the storm"
took=$(($(date +%s) - start))
[ "$took" -le 15 ] || fail "SIGTERM took $took s to stop the storming tree"
assert_no_procs
