# t_daemonize: `arbord -d -p PIDFILE` returns only once the tree is up
# (never while a setup still runs), with status 0, the control socket
# listening and the pidfile holding the daemon's pid; the daemon has its
# own session, no terminal, works in / (a relative -c still reloads), and
# SIGTERM to it stops everything and removes the pidfile. A second arbord
# on the same pidfile or socket is refused; a stale pidfile is replaced.
# A tree that cannot start makes `arbord -d` exit with arbord's status and
# the reason on stderr. -p without -d writes the foreground pid.
. "$(dirname "$0")/lib.sh"

PIDFILE=$T/run/arbord.pid

# daemon ARGS...: arbord -d on this test's socket and state, under a
# timeout; stdout and stderr in $T/d.out and $T/d.err, status in $RC.
daemon() {
	timeout 20 "$ARBORD" -d -S "$T/state" -s "$T/arbor.sock" "$@" \
	    >"$T/d.out" 2>"$T/d.err"
	RC=$?
}

# wait_gone PID: until PID has exited (it is not our child).
wait_gone() {
	timeout 20 tail --pid="$1" -s 0.1 -f /dev/null ||
	    fail "process $1 did not exit"
}

mkfifo "$T/gate"
gated=$(script gated-setup <<SH
#!/bin/sh
echo "at the gate" >"$T/at-gate"
read go <"$T/gate"
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/first]
command = $T/sleep 1000

[supervisor:root/sub]
setup = $gated

[worker:root/sub/w]
command = $T/sleep 1001
INI

# Not done while the setup waits at the gate; done once it has passed.
(cd "$T" && daemon -c a.ini -p "$PIDFILE") &
starter=$!
WATCH_PIDS+=("$starter")
wait_for "$T/at-gate" '^at the gate$'
kill -0 "$starter" 2>/dev/null || fail "arbord -d returned before the tree was up"
[ -e "$PIDFILE" ] || fail "no pidfile while starting"
echo go >"$T/gate"
wait "$starter"
assert_eq 0 "$?" "arbord -d exit status"

# Up, right now: no waiting for anything.
assert_eq running "$(state_of root)" "root after arbord -d returned"
assert_eq running "$(state_of root/sub/w)" "the last worker"
dpid=$(cat "$PIDFILE")
assert_match '^[0-9]+$' "$dpid" "pidfile"
ARBORD_PID=$dpid	# for the cleanup, if anything fails
if [ -n "${RAWCLIENT:-}" ]; then
	assert_match "^ok	arbord .* pid $dpid\$" \
	    "$(printf 'ARBOR/1 ping\n' | "$RAWCLIENT" "$T/arbor.sock")" \
	    "ping: the pidfile names the daemon on the socket"
fi
assert_eq arbord "$(cat /proc/"$dpid"/comm)" "the pidfile's process"
[ "$(ps -o sid= -p "$dpid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ] ||
    fail "the daemon is still in the caller's session"
assert_eq "?" "$(ps -o tty= -p "$dpid" | tr -d ' ')" "the daemon's terminal"
assert_eq / "$(readlink /proc/"$dpid"/cwd)" "the daemon's working directory"
assert_eq /dev/null "$(readlink /proc/"$dpid"/fd/1)" "the daemon's stdout"
assert_eq /dev/null "$(readlink /proc/"$dpid"/fd/2)" "the daemon's stderr"

# The relative -c was made absolute: a reload still finds the file.
cat >>"$T/a.ini" <<INI

[worker:root/added]
command = $T/sleep 1002
INI
echo go >"$T/gate" &
WATCH_PIDS+=("$!")
ctl_expect 0 reload
assert_eq running "$(state_of root/added)" "the worker a reload added"

# Another arbord on the same pidfile, or on the same socket: refused.
timeout 20 "$ARBORD" -d -c "$T/a.ini" -S "$T/state2" -s "$T/other.sock" \
    -p "$PIDFILE" >"$T/d.out" 2>"$T/d.err"
assert_eq 1 "$?" "exit status with a live pidfile"
assert_match "already running as pid $dpid" "$(cat "$T/d.err")" "refusal"
daemon -c "$T/a.ini" -p "$T/run/other.pid"
assert_eq 1 "$RC" "exit status with a busy socket"
assert_match "another arbord is running" "$(cat "$T/d.err")" "refusal"
[ -e "$T/run/other.pid" ] && fail "a refused arbord left its pidfile"
assert_eq "$dpid" "$(cat "$PIDFILE")" "the pidfile after the refusals"

# SIGTERM stops everything; the pidfile and the socket go.
kill -TERM "$dpid"
wait_gone "$dpid"
ARBORD_PID=
[ -e "$PIDFILE" ] && fail "pidfile left behind"
[ -e "$T/arbor.sock" ] && fail "socket left behind"
[ -e "$T/state/root" ] && fail "state left behind"
assert_no_procs

# A stale pidfile (a dead process) is replaced.
"$T/sleep" 0 & dead=$!
wait "$dead"
echo "$dead" >"$PIDFILE"
echo go >"$T/gate" &
WATCH_PIDS+=("$!")
daemon -c "$T/a.ini" -p "$PIDFILE"
assert_eq 0 "$RC" "arbord -d over a stale pidfile"
dpid=$(cat "$PIDFILE")
ARBORD_PID=$dpid
[ "$dpid" != "$dead" ] || fail "the stale pidfile was kept"
ctl_expect 0 shutdown
wait_gone "$dpid"
ARBORD_PID=
[ -e "$PIDFILE" ] && fail "pidfile left behind after arborctl shutdown"
assert_no_procs

# A tree that cannot start: arbord -d exits 3 and says why.
cat >"$T/b.ini" <<INI
[supervisor:root]
setup = sh -c 'echo "no state for you" >&2; exit 1'

[worker:root/w]
command = $T/sleep 1003
INI
daemon -c "$T/b.ini" -p "$PIDFILE"
assert_eq 3 "$RC" "arbord -d exit status when the root cannot start"
assert_match "root supervisor gave up: .*no state for you" "$(cat "$T/d.err")" \
    "the reason"
[ -e "$PIDFILE" ] && fail "pidfile left behind by a failed start"
[ -e "$T/arbor.sock" ] && fail "socket left behind by a failed start"

# A configuration error is reported before detaching.
printf '[arbor]\nlog = loud\n\n[supervisor:root]\n' >"$T/c.ini"
daemon -c "$T/c.ini"
assert_eq 1 "$RC" "arbord -d exit status with a bad configuration"
assert_match "c.ini:2: invalid log 'loud' \(expected stderr or syslog\)" \
    "$(cat "$T/d.err")" "the configuration error"

# -p without -d: the foreground pid, removed at exit.
echo go >"$T/gate" &
WATCH_PIDS+=("$!")
start_arbord "$T/a.ini" -p "$PIDFILE"
wait_event ProcessStarted root
assert_eq "$ARBORD_PID" "$(cat "$PIDFILE")" "foreground pidfile"
stop_arbord
[ -e "$PIDFILE" ] && fail "foreground pidfile left behind"
assert_no_procs
