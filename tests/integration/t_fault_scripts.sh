# t_fault_scripts: setup and cleanup scripts that misbehave (hang past their
# timeout, die by a signal, flood stdout with megabytes), a worker that
# closes its stdout and stderr at once, and a worker whose program vanishes
# between restarts. arbord reports each, keeps its rules and stays up.
. "$(dirname "$0")/lib.sh"


mkdir "$T/marks"
# A cleanup that hangs is killed at cleanup_timeout; the state directory is
# still removed and the supervisor restarts (setup runs again).
hang=$(script hang <<SH
#!/bin/sh
echo ran >> "\$MARKS/cleanups"
exec $T/sleep 1003
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10
period = 1m

[supervisor:root/sub]
cleanup = $hang
cleanup_timeout = 300ms
env.MARKS = $T/marks

[worker:root/sub/w]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
ctl_expect 0 restart root/sub
assert_eq "ran" "$(cat "$T/marks/cleanups")" "cleanup ran once"
gone() { ! pgrep -f "$1"; }
poll 5 gone "$T/sleep 1003" || fail "hung cleanup not killed"
[ -d "$T/state/root/sub" ] || fail "state directory not recreated"
assert_eq running "$(state_of root/sub)" "sub after restart"
grep -q 'cleanup timed out after 300ms' "$T/events" "$T/out" ||
    fail "cleanup timeout not reported"
ctl_expect 0 status
stop_arbord
assert_no_procs

# A setup killed by a signal fails the start with the signal's name; the
# parent restarts the supervisor by the usual rules.
cat >"$T/setup-kill" <<'SH'
#!/bin/sh
n=$(cat "$MARKS/n" 2>/dev/null || echo 0)
echo $((n + 1)) > "$MARKS/n"
[ "$n" -ge 2 ] && { echo READY=yes; exit 0; }
kill -KILL $$
SH
chmod +x "$T/setup-kill"
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 5
period = 1m

[supervisor:root/sub]
setup = $T/setup-kill
env.MARKS = $T/marks

[worker:root/sub/w]
command = $T/sleep 1000
INI
start_arbord "$T/b.ini"
wait_event ProcessStarted root/sub
assert_eq 2 "$(grep -c '"event":"ProcessStartFailed","node":"supervisor","path":"root/sub"' "$T/events")" \
    "setup killed twice"
assert_match 'setup failed: .*(SIGKILL|signal 9|Killed)' \
    "$(event_line ProcessStartFailed root/sub 1)"
assert_eq 3 "$(cat "$T/marks/n")" "setup runs"
stop_arbord
assert_no_procs

# A setup and a cleanup that write megabytes to stdout: arbord keeps
# reading, neither blocks, the status answers meanwhile, the tree runs.
cat >"$T/flood" <<SH
#!/bin/sh
head -c 4000000 /dev/zero | tr '\0' 'x' | fold -w 1000
echo "FLOOD_DONE=1"
echo done >> "\$MARKS/flood"
SH
chmod +x "$T/flood"
cat >"$T/c.ini" <<INI
[supervisor:root]
intensity = 5

[supervisor:root/sub]
setup = $T/flood
cleanup = $T/flood
setup_timeout = 10s
cleanup_timeout = 10s
env.MARKS = $T/marks

[worker:root/sub/w]
command = $T/sleep 1000
INI
start_arbord "$T/c.ini"
wait_event ProcessStarted root 1 20
assert_eq running "$(state_of root/sub/w)" "worker after a flooding setup"
ctl_expect 0 restart root/sub
assert_eq "done
done
done" "$(cat "$T/marks/flood")" "setup, cleanup, setup"
ctl_expect 0 status
stop_arbord
assert_no_procs

# A worker that closes stdout and stderr at once and keeps running; another
# whose program is removed after its first start: killed, its restart fails
# with exec ...: No such file or directory, and arbord goes on.
script closer >/dev/null <<SH
#!/bin/sh
exec >&- 2>&-
exec $T/sleep 1004
SH
script vanish >/dev/null <<SH
#!/bin/sh
exec $T/sleep 1005
SH
cat >"$T/d.ini" <<INI
[supervisor:root]
intensity = 3
period = 1m

[supervisor:root/keep]
intensity = 0

[worker:root/keep/closer]
command = $T/closer

[supervisor:root/vs]
intensity = 2
period = 1m
restart = temporary

[worker:root/vs/v]
command = $T/vanish
INI
start_arbord "$T/d.ini"
wait_event ProcessStarted root
pc=$(pid_of root/keep/closer)
[ -n "$pc" ] && alive "$pc" || fail "closer not running"
# Its output pipes hit end-of-file once it has exec'd the sleep.
poll 10 pgrep -f "$T/sleep 1004" || fail "closer never reached its sleep"
[ -e /proc/"$pc"/fd/1 ] && fail "closer still has stdout"
rm "$T/vanish"
kill -KILL "$(pid_of root/vs/v)"
wait_event ProcessFailed root/vs
assert_eq 2 "$(grep -c '"ProcessStartFailed","node":"worker","path":"root/vs/v"' "$T/events")" \
    "failed restarts of the vanished worker (the kill, then 2: intensity 2)"
assert_match "\"error\":\"exec $T/vanish: No such file or directory\"" \
    "$(event_line ProcessStartFailed root/vs/v 1)"
assert_eq running "$(state_of root)" "root after the subtree gave up"
# Answered; not every node runs (root/vs failed): exit status 3.
ctl_expect 3 status
assert_eq "$pc" "$(pid_of root/keep/closer)" "closer untouched"
alive "$pc" || fail "closer died"
stop_arbord
assert_no_procs
