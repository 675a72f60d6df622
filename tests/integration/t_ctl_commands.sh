# t_ctl_commands: every arborctl command against a real arbord, with its
# exit status: status (tree and JSON), stop/start/restart of workers and
# subtrees with their events, signal, events, check, shutdown; usage
# errors exit 2, failed requests 1, no daemon 4.
. "$(dirname "$0")/lib.sh"

hup=$(script hup <<SH
#!/bin/sh
trap 'echo got HUP' HUP
echo ready
while :; do $T/sleep 1000 & wait \$!; done
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 3

[supervisor:root/sub]
setup = sh -c 'echo setup-ran >&2'
cleanup = sh -c 'echo cleanup-ran >&2'

[worker:root/sub/a]
command = $T/sleep 1000

[worker:root/sub/b]
command = $hup

[worker:root/c]
command = $T/sleep 1001
INI

ctl_expect 4 status
assert_match "no daemon at $T/arbor.sock" "$(cat "$T/ctl.err")" "no daemon message"

start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/sub/b \| ready$'

# status, for people and as JSON
ctl_expect 0 status
for n in root sub a b c; do grep -q "$n" "$T/ctl.out" || fail "status lacks $n: $(cat "$T/ctl.out")"; done
assert_match 'running' "$(grep -w c "$T/ctl.out")" "c running"
ctl_expect 0 status --json
json=$(cat "$T/ctl.out")
assert_match '^\{"path":"root","node":"supervisor","state":"running","pid":null,"since":"[0-9T:.-]+Z","restarts":0,' "$json" "json root"
assert_match '"children":\[\{"path":"root/sub","node":"supervisor"' "$json" "json child"
assert_match '"path":"root/c","node":"worker","state":"running","pid":[0-9]+' "$json" "json worker"
ctl_expect 0 status root/sub --json
assert_match '^\{"path":"root/sub",' "$(cat "$T/ctl.out")" "subtree status"
ctl_expect 1 status root/nope
assert_match "no node 'root/nope'" "$(cat "$T/ctl.err")" "unknown node"

# stop/start/restart a worker
pid_c=$(pid_of root/c)
ctl_expect 0 stop root/c
assert_eq stopped "$(state_of root/c)" "c after stop"
assert_match '"signal":"SIGTERM"' "$(event_line ProcessTerminated root/c)"
kill -0 "$pid_c" 2>/dev/null && fail "c still alive"
ctl_expect 0 start root/c
assert_eq running "$(state_of root/c)" "c after start"
pid_c2=$(pid_of root/c)
[ "$pid_c2" != "$pid_c" ] || fail "start did not start a new process"
ctl_expect 0 restart root/c
pid_c3=$(pid_of root/c)
[ -n "$pid_c3" ] && [ "$pid_c3" != "$pid_c2" ] || fail "restart kept pid"
# an admin stop is not a failure: no ProcessFailed, nothing counted
event_seq | grep -q 'ProcessFailed' && fail "admin actions counted as failures"
assert_match '"restarts":0,"restarts_period":0' "$(ctl status root/c --json)" "no restarts counted"

# a subtree: cleanup on stop, setup on start, children right to left
n=$(event_seq | wc -l)
ctl_expect 0 stop root/sub
assert_eq "ProcessTerminated root/sub/b
ProcessTerminated root/sub/a
ProcessTerminated root/sub" "$(event_seq | tail -n +$((n + 1)))" "subtree stop order"
grep -q '^root/sub:cleanup | cleanup-ran$' "$T/out" || fail "cleanup did not run"
assert_eq stopped "$(state_of root/sub)" "sub"
ctl_expect 1 start root/sub/a
assert_match 'root/sub is stopped' "$(cat "$T/ctl.err")" "start under a stopped supervisor"
ctl_expect 0 start root/sub
assert_eq 2 "$(grep -c '^root/sub:setup | setup-ran$' "$T/out")" "setup ran again"
assert_eq running "$(state_of root/sub/a)" "a back"
ctl_expect 0 restart root/sub
assert_eq 3 "$(grep -c '^root/sub:setup | setup-ran$' "$T/out")" "setup on restart"
ctl_expect 0 start root/c
assert_match 'already running' "$(cat "$T/ctl.out")" "start of a running node"

# signal
wait_for "$T/out" '^root/sub/b \| ready$' 3
ctl_expect 0 signal root/sub/b HUP
wait_for "$T/out" '^root/sub/b \| got HUP$'
ctl_expect 0 signal root TERM
assert_match 'sent SIGTERM to 3 workers' "$(cat "$T/ctl.out")" "signal subtree"
wait_event ProcessStarted root/c 4
ctl_expect 2 signal root/c NOSUCHSIG
ctl_expect 0 stop root/c
ctl_expect 1 signal root/c HUP
assert_match 'no running worker' "$(cat "$T/ctl.err")" "signal of a stopped worker"

# events
ctl_expect 0 events
assert_match 'ProcessStarted worker root/sub/a pid=[0-9]+' "$(cat "$T/ctl.out")" "events text"
ctl_expect 0 events --json
assert_match '^\{"ts":"[0-9T:.-]+Z","event":"ProcessStarted","node":"worker","path":"root/sub/a","pid":[0-9]+\}$' \
    "$(head -n 1 "$T/ctl.out")" "events json"
ctl events -f --json >"$T/follow" 2>&1 &
fpid=$!
wait_for "$T/follow" '"path":"root/c"' 1
ctl_expect 0 start root/c
wait_for "$T/follow" '"event":"ProcessStarted","node":"worker","path":"root/c"' 5

# usage errors
ctl_expect 2 frobnicate
ctl_expect 2 stop
ctl_expect 2 stop a b
ctl_expect 2 status --bogus
ctl_expect 0 --help
ctl_expect 0 check "$ROOT/conf/example.ini"
printf '[worker:x]\n' >"$T/bad.ini"
ctl_expect 1 check "$T/bad.ini"
assert_match "^$T/bad.ini:1: " "$(cat "$T/ctl.err")" "check errors"

# shutdown: returns once the tree is down; the follower sees the end
ctl_expect 0 shutdown
wait_arbord
assert_eq 0 "$RC" "exit status after shutdown"
wait "$fpid"
assert_eq 0 "$?" "events -f ends with the daemon"
grep -q '"event":"ProcessTerminated","node":"supervisor","path":"root"' "$T/follow" || fail "follower missed the end"
[ -e "$T/arbor.sock" ] && fail "socket left behind"
ctl_expect 4 status
assert_no_procs
