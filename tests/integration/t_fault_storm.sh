# t_fault_storm: a pool of 1,000 workers that all exit at the same moment,
# three times over. Each worker holds a shared FIFO open and blocks reading
# it; closing the test's end releases all of them at once (end of file).
# Every exit is observed and handled (1,000 ProcessCompleted, 1,000 new
# ProcessStarted per round, each instance exactly once), no zombie is left
# and no restart is lost or doubled. ARBOR_STORM_N sets the pool's size.
. "$(dirname "$0")/lib.sh"

N=${ARBOR_STORM_N:-1000}
TMO=$((20 + N / 20))		# seconds for one round's starts or exits
mkfifo "$T/fifo"
: >"$T/ready"
pool=$(script pool <<'SH'
#!/bin/sh
exec <"$FIFO"
echo "$ARBOR_INSTANCE" >>"$READY"
read x
exit 0
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100000
period = 1m
env.FIFO = $T/fifo
env.READY = $T/ready

[worker:root/pool]
command = $pool
instances = $N
INI

start_arbord "$T/a.ini"
# The test's end of the FIFO (opened after arbord started, which must not
# inherit it): read-write, so opening it never blocks.
exec {w}<>"$T/fifo"
wait_event ProcessStarted root 1 $TMO

# zombies: the children of arbord in state Z.
zombies() {
	ps -o stat= --ppid "$ARBORD_PID" | grep -c '^Z' || true
}
# wait_count FILE REGEX N TIMEOUT: until FILE has N lines matching.
wait_count() {
	local end=$((SECONDS + $4)) c
	while :; do
		c=$(grep -cE -- "$2" "$1")
		[ "$c" -ge "$3" ] && return 0
		[ $SECONDS -lt $end ] || fail "$(basename "$1"): $c of $3 x /$2/"
		sleep 0.1
	done
}

for round in 1 2 3; do
	# All N workers of this round have the FIFO open.
	wait_count "$T/ready" '^[0-9]+$' $((N * round)) $TMO
	exec {w}<&-			# release them all at once
	wait_count "$T/events" '"event":"ProcessCompleted","node":"worker","path":"root/pool/[0-9]+"' \
	    $((N * round)) $TMO
	exec {w}<>"$T/fifo"		# the restarted ones block again
	wait_count "$T/events" '"event":"ProcessStarted","node":"worker","path":"root/pool/[0-9]+"' \
	    $((N * (round + 1))) $TMO
	# Each instance exited and started exactly once more.
	dup=$(sed -n 's/.*"event":"ProcessStarted","node":"worker","path":"root\/pool\/\([0-9]*\)".*/\1/p' \
	    "$T/events" | sort | uniq -c | awk -v n=$((round + 1)) '$1 != n' | head -3)
	[ -z "$dup" ] || fail "round $round: instances started a wrong number of times: $dup"
	assert_eq $((N * round)) "$(grep -c '"event":"Process[A-Za-z]*","node":"worker","path":"root/pool/[0-9]*"' "$T/events" |
	    awk -v s=$((N * (round + 1))) '{ print $1 - s }')" "round $round: exit events"
	assert_eq 0 "$(zombies)" "round $round: zombies"
	assert_eq "$N" "$(ps -o args= --ppid "$ARBORD_PID" | grep -cv '^arbord: spawner$')" \
	    "round $round: children of arbord (its spawner aside)"
done
ctl_expect 0 status root --json
assert_match '"state":"running"' "$(head -1 "$T/ctl.out")" "root"
grep -q '"event":"Process[A-Za-z]*","node":"supervisor"' <(grep -v '"event":"ProcessStarted"' "$T/events") &&
    fail "a supervisor failed or stopped"
wait_count "$T/ready" '^[0-9]+$' $((N * 4)) $TMO
stop_arbord
exec {w}<&-
assert_no_procs
