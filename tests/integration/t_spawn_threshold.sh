# t_spawn_threshold: arbord starts processes in itself while it holds few
# descriptors and through its spawner once it holds many (daemon/spawn.c,
# SPAWN_HERE_BELOW; ARBOR_SPAWNER_THRESHOLD lowers the line for tests).
# A stopped spawner (SIGSTOP) tells which path a start took: one through
# it waits until SIGCONT, one in arbord does not.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100

[worker:root/w]
command = $T/sleep 1000
instances = 12
INI

# Few descriptors (the default line): starts never wait for the spawner.
start_arbord "$T/a.ini"
wait_event ProcessStarted root
sp=$(pgrep -P "$ARBORD_PID" -xf "arbord: spawner") || fail "no spawner under arbord"
kill -STOP "$sp"
kill -KILL "$(pid_of root/w/1)"
wait_event ProcessStarted root/w/1 2 5
new=$(pid_of root/w/1)
assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$new" | tr -d ' ')" "parent of a worker started in arbord"
assert_eq "0 1 2" "$(ls /proc/"$new"/fd | sort -n | xargs)" "descriptors of a worker started in arbord"
kill -CONT "$sp"
stop_arbord
assert_no_procs

# Many descriptors: 12 workers hold 24 pipe ends in arbord, past a line
# at 20, so a restart goes through the spawner: stopped, it does not
# answer, and only once arbord gives up on it (500 ms) is the worker
# started, by arbord itself.
ARBOR_SPAWNER_THRESHOLD=20 start_arbord "$T/a.ini"
wait_event ProcessStarted root
sp=$(pgrep -P "$ARBORD_PID" -xf "arbord: spawner") || fail "no spawner under arbord"
[ "$(ls /proc/"$ARBORD_PID"/fd | sort -n | tail -n 1)" -ge 20 ] ||
	fail "arbord holds fewer descriptors than the test assumes: $(ls /proc/"$ARBORD_PID"/fd | xargs)"
kill -STOP "$sp"
kill -KILL "$(pid_of root/w/1)"
wait_for "$T/events" 'spawner: did not (take a request|answer) within 500ms'
wait_event ProcessStarted root/w/1 2 10
n=$(grep -n 'spawner: did not' "$T/events" | head -n 1 | cut -d: -f1)
m=$(grep -n '"event":"ProcessStarted","node":"worker","path":"root/w/1"' "$T/events" | sed -n 2p | cut -d: -f1)
[ "$n" -lt "$m" ] || fail "root/w/1 restarted before arbord gave up on the stopped spawner"
new=$(pid_of root/w/1)
assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$new" | tr -d ' ')" "parent of the restarted worker"
assert_eq "0 1 2" "$(ls /proc/"$new"/fd | sort -n | xargs)" "descriptors of the restarted worker"
stop_arbord
assert_no_procs
