# t_oneshot: ready = exit. A one-shot task (a migration) has started once
# it exits 0: the next sibling (the server) starts only then, and the task
# shows as completed; a failing run is a failed start, retried.
. "$(dirname "$0")/lib.sh"

migrate=$(script migrate <<SH
#!/bin/sh
n=\$(cat $T/runs 2>/dev/null || echo 0)
echo \$((n + 1)) >$T/runs
[ "\$n" -ge 1 ] || { echo "database not up yet" >&2; exit 1; }
echo migrated
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5

[worker:root/migrate]
command = $migrate
ready = exit
restart = transient

[worker:root/web]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStartFailed root/migrate
assert_match 'database not up yet' "$(event_line ProcessStartFailed root/migrate)" "reason"
wait_event ProcessCompleted root/migrate
wait_event ProcessStarted root/web
wait_event ProcessStarted root
# The server came after the task was done.
n=$(grep -n '"event":"ProcessCompleted","node":"worker","path":"root/migrate"' "$T/events" | cut -d: -f1)
m=$(grep -n '"event":"ProcessStarted","node":"worker","path":"root/web"' "$T/events" | cut -d: -f1)
[ "$n" -lt "$m" ] || fail "root/web started before the migration was done"
assert_eq completed "$(state_of root/migrate)" "the task's state"
assert_eq 2 "$(cat "$T/runs")" "runs of the task"
stop_arbord
assert_no_procs
