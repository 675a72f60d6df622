# t_exec_failure: a worker whose program does not exist is a start failure
# with the reason, counted like an exit: restarted until the root's
# intensity is exceeded, then arbord exits 3 saying why.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 2
period = 1m

[worker:root/ghost]
command = ./does-not-exist --flag
INI
start_arbord "$T/a.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_eq "ProcessStartFailed root/ghost
ProcessStartFailed root/ghost
ProcessStartFailed root/ghost
ProcessStartFailed root" "$(event_seq)" "events"
assert_match '"error":"exec ./does-not-exist: No such file or directory"' \
    "$(event_line ProcessStartFailed root/ghost 1)"
assert_match 'restart intensity exceeded \(2 restarts of its children within 1m already: 2 of root/ghost; intensity 2\).*root/ghost: exec ./does-not-exist' \
    "$(event_line ProcessStartFailed root)"
grep -q 'arbord: the root supervisor gave up: restart intensity exceeded' "$T/events" ||
    fail "no reason on stderr"

# Not executable is a start failure too.
printf 'echo hi\n' >"$T/noexec"
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/w]
command = $T/noexec
INI
start_arbord "$T/b.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_match "\"error\":\"exec $T/noexec: Permission denied\"" \
    "$(event_line ProcessStartFailed root/w)"
assert_no_procs

# A start that fails at once, restarted at once under a huge intensity,
# must still leave the loop free for signals and clients.
cat >"$T/c.ini" <<INI
[supervisor:root]
intensity = 1000000
period = 1s

[worker:root/ghost]
command = ./does-not-exist
INI
start_arbord "$T/c.ini"
wait_event ProcessStartFailed root/ghost 50
# Answered during the loop; the worker is not running: exit status 3.
ctl_expect 3 status root/ghost
kill -TERM "$ARBORD_PID"
wait_arbord 15
assert_eq 0 "$RC" "exit status after SIGTERM during a start-failure loop"
assert_no_procs
