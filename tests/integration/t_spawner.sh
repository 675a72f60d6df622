# t_spawner: arbord starts workers through its spawner ("arbord: spawner",
# a fresh exec of arbord with a few descriptors): the workers are still
# arbord's own children, inherit nothing of either, and when the spawner
# dies arbord says so and starts processes itself. The spawner goes when
# arbord goes, also when arbord is killed.
. "$(dirname "$0")/lib.sh"
export ARBOR_SPAWNER_THRESHOLD=0    # every start through it (daemon/spawn.c)

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
instances = 3
stderr = stdout
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
sp=$(pgrep -P "$ARBORD_PID" -xf "arbord: spawner") || fail "no spawner under arbord"
for i in 1 2 3; do
	w=$(pid_of root/w/$i)
	assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$w" | tr -d ' ')" "parent of root/w/$i"
	assert_eq "0 1 2" "$(ls /proc/"$w"/fd | sort -n | xargs)" "descriptors of root/w/$i"
	assert_eq "$(readlink /proc/"$w"/fd/1)" "$(readlink /proc/"$w"/fd/2)" "stderr = stdout through the spawner"
done
# The spawner holds its socket and 0-2, nothing of arbord's.
[ "$(ls /proc/"$sp"/fd | wc -l)" -le 5 ] || fail "spawner holds: $(ls -l /proc/"$sp"/fd)"

# What is meant for arbord's process group (Ctrl-C, SIGTERM) is arbord's
# to act on: the spawner ignores it.
kill -INT "$sp"
kill -TERM "$sp"
ctl_expect 0 restart root/w/1
wait_event ProcessStarted root/w/1 2
alive "$sp" || fail "spawner gone after SIGINT and SIGTERM"
grep -q "spawner:" "$T/events" && fail "spawner trouble reported"

# The spawner dies: arbord carries on and starts processes itself.
kill -KILL "$sp"
wait_for "$T/events" "spawner: Killed; starting processes in arbord itself"
old=$(pid_of root/w/2)
kill -KILL "$old"
wait_event ProcessStarted root/w/2 2
new=$(pid_of root/w/2)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "root/w/2 not restarted without the spawner"
assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$new" | tr -d ' ')" "parent of a worker started by arbord itself"
assert_eq "0 1 2" "$(ls /proc/"$new"/fd | sort -n | xargs)" "descriptors of a worker started by arbord itself"
stop_arbord
assert_no_procs

# A stopped spawner holds the loop at most 500 ms once: arbord gives up on
# it, kills it and starts processes itself; arborctl is answered.
start_arbord "$T/a.ini"
wait_event ProcessStarted root
sp=$(pgrep -P "$ARBORD_PID" -xf "arbord: spawner") || fail "no spawner under arbord"
kill -STOP "$sp"
old=$(pid_of root/w/3)
kill -KILL "$old"
wait_event ProcessStarted root/w/3 2 10
wait_for "$T/events" "spawner: did not (take a request|answer) within 500ms; starting processes in arbord itself"
start=$(date +%s%3N)
ctl_expect 0 status
took=$(($(date +%s%3N) - start))
[ "$took" -lt 2000 ] || fail "status took $took ms with the spawner stopped"
poll 5 bash -c "! kill -0 $sp 2>/dev/null || [ \"\$(ps -o stat= -p $sp)\" = Z ]" ||
    fail "the stopped spawner was not killed"
stop_arbord
assert_no_procs

# Killed arbord: its spawner does not outlive it.
start_arbord "$T/a.ini"
wait_event ProcessStarted root
sp=$(pgrep -P "$ARBORD_PID" -xf "arbord: spawner") || fail "no spawner under arbord"
kill -KILL "$ARBORD_PID"
wait_arbord
poll 5 bash -c "! kill -0 $sp 2>/dev/null" || fail "spawner $sp outlived a killed arbord"
pkill -KILL -f "$T/sleep 1000"
