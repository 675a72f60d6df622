# t_notify: with $NOTIFY_SOCKET set, arbord speaks systemd's notification
# protocol itself: STATUS=starting, READY=1 only once the whole tree has
# started (never while a supervisor's setup still runs), STATUS= as
# workers come and go, RELOADING=1 then READY=1 around a reload, and
# STOPPING=1 when it is stopped by SIGTERM or by arborctl shutdown. A root
# that gives up is reported as "root failed", and a tree that cannot start
# is never READY. Workers do not inherit NOTIFY_SOCKET. Abstract socket
# names ('@name') work too.
. "$(dirname "$0")/lib.sh"
NOTIFYLISTEN=${NOTIFYLISTEN:-$ROOT/tests/integration/notifylisten}
[ -x "$NOTIFYLISTEN" ] || fail "no $NOTIFYLISTEN (make tests/integration/notifylisten)"

# listen NAME: a notification socket at NAME, its datagrams in $T/notify.
listen() {
	: >"$T/notify"
	"$NOTIFYLISTEN" "$1" >"$T/notify" &
	LISTEN_PID=$!
	WATCH_PIDS+=("$LISTEN_PID")
	wait_for "$T/notify" '^# listening on '
}

# Stop the listener.
unlisten() {
	kill "$LISTEN_PID"
	wait "$LISTEN_PID" 2>/dev/null
}

# The datagrams received so far, one per line.
notes() {
	grep -v '^# listening' "$T/notify"
}

mkfifo "$T/gate"
gated=$(script gated-setup <<SH
#!/bin/sh
echo "at the gate" >&2
read go <"$T/gate"
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/first]
command = $T/sleep 1000

[supervisor:root/sub]
setup = $gated

[worker:root/sub/env]
command = sh -c 'echo "notify=\${NOTIFY_SOCKET-unset}"; exec $T/sleep 1001'
INI

# READY=1 waits for the last supervisor's setup, which waits for us.
listen "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock start_arbord "$T/a.ini"
wait_for "$T/out" '^root/sub:setup \| at the gate$'
wait_for "$T/notify" '^STATUS=starting$'
notes | grep -q READY && fail "READY=1 before the tree has started: $(notes)"
echo go >"$T/gate"
wait_for "$T/notify" '^READY=1\\nSTATUS=running 2 workers$'
grep -q '"event":"ProcessStarted","node":"supervisor","path":"root"' "$T/events" ||
    fail "READY=1 came before the root's ProcessStarted"
wait_for "$T/out" '^root/sub/env \| notify=unset$'

# The status follows the workers.
ctl_expect 0 stop root/first
wait_for "$T/notify" '^STATUS=running 1 of 2 workers$'
ctl_expect 0 start root/first
wait_for "$T/notify" '^STATUS=running 2 workers$'

# A reload is bracketed by RELOADING=1 and READY=1.
cat >>"$T/a.ini" <<INI

[worker:root/added]
command = $T/sleep 1002
INI
ctl_expect 0 reload
wait_for "$T/notify" '^RELOADING=1\\nMONOTONIC_USEC=[0-9]+\\nSTATUS=reloading '
# Ready again at once; the added worker is started right after (its spawn
# waits for the next pass of the loop).
wait_for "$T/notify" '^READY=1\\nSTATUS=running (2 of )?3 workers$'
wait_for "$T/notify" '^(READY=1\\n)?STATUS=running 3 workers$'
assert_eq "RELOADING READY" "$(notes | grep -oE '^(RELOADING|READY)' | tail -n 2 | tr '\n' ' ' | sed 's/ $//')" \
    "reload notifications"

# SIGTERM: STOPPING=1 comes first, and is the last word.
kill -TERM "$ARBORD_PID"
wait_for "$T/notify" '^STOPPING=1\\nSTATUS=stopping$'
wait_arbord
assert_eq 0 "$RC" "exit status after SIGTERM"
assert_eq 'STOPPING=1\nSTATUS=stopping' "$(notes | tail -n 1)" "the last notification"
unlisten
assert_no_procs

# An abstract socket, and arborctl shutdown.
listen "@arbor-notify-test-$$"
echo go >"$T/gate" &
WATCH_PIDS+=("$!")
NOTIFY_SOCKET=@arbor-notify-test-$$ start_arbord "$T/a.ini"
wait_for "$T/notify" '^READY=1\\nSTATUS=running 3 workers$'
ctl_expect 0 shutdown
wait_for "$T/notify" '^STOPPING=1\\nSTATUS=stopping$'
wait_arbord
assert_eq 0 "$RC" "exit status after arborctl shutdown"
unlisten

# The root gives up: STOPPING=1 says why, and arbord exits 3.
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/fails]
command = sh -c 'read x <"$T/gate"; echo "out of luck" >&2; exit 1'
INI
listen "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock start_arbord "$T/b.ini"
wait_for "$T/notify" '^READY=1\\nSTATUS=running 1 worker$'
echo go >"$T/gate"
wait_for "$T/notify" '^STOPPING=1\\nSTATUS=root failed: .*out of luck'
wait_arbord
assert_eq 3 "$RC" "exit status when the root gives up"
unlisten

# A tree that cannot start is never ready.
cat >"$T/c.ini" <<INI
[supervisor:root]
setup = sh -c 'echo "no state for you" >&2; exit 1'

[worker:root/w]
command = $T/sleep 1003
INI
listen "$T/notify.sock"
NOTIFY_SOCKET=$T/notify.sock start_arbord "$T/c.ini"
wait_arbord
assert_eq 3 "$RC" "exit status when the root cannot start"
wait_for "$T/notify" '^STOPPING=1\\nSTATUS=root failed'
notes | grep -q READY && fail "READY=1 from a tree that never started: $(notes)"
unlisten
assert_no_procs
