# t_setup_failure: a setup that fails or outlives setup_timeout fails the
# supervisor's start (ProcessStartFailed, counted at the parent); cleanup
# still runs, the state directory is removed, nothing is left running.
. "$(dirname "$0")/lib.sh"

setup=$(script setup <<'SH'
#!/bin/sh
touch "$ARBOR_STATE_DIR/half-built"
echo "boom: cannot build" >&2
exit 4
SH
)
cleanup=$(script cleanup <<'SH'
#!/bin/sh
ls "$ARBOR_STATE_DIR" > "$MARKS/cleanup-saw"
echo ran >> "$MARKS/cleanups"
SH
)
mkdir "$T/marks"
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5
period = 1m

[supervisor:root/sub]
restart = temporary
setup = $setup
cleanup = $cleanup
env.MARKS = $T/marks

[worker:root/sub/w]
command = $T/sleep 1000

[worker:root/other]
command = $T/sleep 1001
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
assert_eq "ProcessStartFailed root/sub
ProcessStarted root/other
ProcessStarted root" "$(event_seq)" "events"
assert_match '"error":"setup failed: exit status 4: boom: cannot build"' \
    "$(event_line ProcessStartFailed root/sub)"
assert_eq "half-built" "$(cat "$T/marks/cleanup-saw")" "cleanup saw the half-built state"
[ -e "$T/state/root/sub" ] && fail "state directory of root/sub left behind"
grep -q 'root/sub:setup | boom: cannot build' "$T/out" || fail "setup stderr not logged"
stop_arbord

# A setup that hangs is killed after setup_timeout; cleanup runs.
hang=$(script hang <<SH
#!/bin/sh
$T/sleep 1002
SH
)
rm -f "$T/marks/cleanups"
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 0

[supervisor:root/sub]
setup = $hang
setup_timeout = 300ms
cleanup = $cleanup
env.MARKS = $T/marks

[worker:root/sub/w]
command = $T/sleep 1000
INI
start_arbord "$T/b.ini"
wait_arbord
assert_eq 3 "$RC" "exit status (root intensity 0)"
assert_eq "ProcessStartFailed root/sub
ProcessStartFailed root" "$(event_seq)" "events"
assert_match '"error":"setup timed out after 300ms"' \
    "$(event_line ProcessStartFailed root/sub)"
assert_eq "ran" "$(cat "$T/marks/cleanups")" "cleanup after the timeout"
assert_no_procs
