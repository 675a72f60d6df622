# t_syslog: with --syslog (or [arbor] log = syslog, or -d) arbord's own
# messages, events and worker output go to syslog as "arbord[PID]" with
# facility daemon: failures and warnings at LOG_WARNING, the rest at
# LOG_INFO, nothing on stdout or stderr once the tree is up. The test runs
# in a private mount namespace where /dev is an overlay and a listener is
# bound at /dev/log, so it needs neither a syslog daemon nor one to exist;
# without root, unshare or overlayfs it is skipped with a message.
if [ -z "${ARBOR_SYSLOG_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] ||
	    ! unshare --mount --propagation private true 2>/dev/null; then
		echo "skipped: needs root and unshare --mount to listen at /dev/log"
		exit 0
	fi
	ARBOR_SYSLOG_NS=1 exec unshare --mount --propagation private \
	    bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
NOTIFYLISTEN=${NOTIFYLISTEN:-$ROOT/tests/integration/notifylisten}
[ -x "$NOTIFYLISTEN" ] || fail "no $NOTIFYLISTEN (make tests/integration/notifylisten)"

# /dev as an overlay of itself, so /dev/log can be ours; undone before
# lib.sh's cleanup removes $T (the overlay's upper layer lives there).
mkdir "$T/ovl"
if ! mount -t tmpfs tmpfs "$T/ovl" 2>/dev/null ||
    ! mkdir "$T/ovl/up" "$T/ovl/work" ||
    ! mount -t overlay overlay \
    -o "lowerdir=/dev,upperdir=$T/ovl/up,workdir=$T/ovl/work" /dev 2>/dev/null; then
	umount "$T/ovl" 2>/dev/null
	echo "skipped: cannot mount an overlay on /dev here"
	exit 0
fi
ns_cleanup() {
	[ -n "${LOG_PID:-}" ] && kill "$LOG_PID" 2>/dev/null
	umount /dev 2>/dev/null
	umount "$T/ovl" 2>/dev/null
	cleanup
}
trap ns_cleanup EXIT
rm -f /dev/log
"$NOTIFYLISTEN" /dev/log >"$T/syslog" &
LOG_PID=$!
wait_for "$T/syslog" '^# listening on /dev/log$'

# <PRI>: facility daemon (3) * 8 + LOG_INFO (6) or LOG_WARNING (4).
INFO='<30>'
WARNING='<28>'

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/talker]
command = sh -c 'echo "hello from the talker"; exec $T/sleep 1000'

[worker:root/flaky]
command = sh -c 'echo "flaky gives up" >&2; exit 1'
restart = temporary
INI
start_arbord "$T/a.ini" --syslog
wait_for "$T/syslog" "^$INFO.* arbord\\[$ARBORD_PID\\]: root/talker \\| hello from the talker\$"
wait_for "$T/syslog" "^$WARNING.* arbord\\[$ARBORD_PID\\]: \\{\"ts\":\"[^\"]*\",\"event\":\"ProcessFailed\",\"node\":\"worker\",\"path\":\"root/flaky\".*flaky gives up"
wait_for "$T/syslog" "^$INFO.* arbord\\[$ARBORD_PID\\]: \\{\"ts\":\"[^\"]*\",\"event\":\"ProcessStarted\",\"node\":\"supervisor\",\"path\":\"root\""
kill -TERM "$ARBORD_PID"
wait_for "$T/syslog" "^$INFO.* arbord\\[$ARBORD_PID\\]: SIGTERM: stopping the tree\$"
wait_arbord
assert_eq 0 "$RC" "exit status"
assert_eq "" "$(cat "$T/out" "$T/events")" "stdout and stderr with --syslog"

# [arbor] log = syslog, text events: syslog stamps the time, so the
# event's own timestamp is left out.
{ printf '[arbor]\nlog = syslog\nevent_format = text\n\n'; cat "$T/a.ini"; } >"$T/b.ini"
"$ARBORD" -c "$T/b.ini" -S "$T/state" -s "$T/arbor.sock" >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_for "$T/syslog" "^$WARNING.* arbord\\[$ARBORD_PID\\]: ProcessFailed worker root/flaky pid=[0-9]+ exit=1 error=\"exit status 1: flaky gives up\"\$"
wait_for "$T/syslog" "^$INFO.* arbord\\[$ARBORD_PID\\]: ProcessStarted supervisor root\$"
stop_arbord
assert_eq "" "$(cat "$T/out" "$T/events")" "stdout and stderr with log = syslog"

# -d logs to syslog; the start-up failure reaches stderr as well.
cat >"$T/c.ini" <<INI
[supervisor:root]
setup = sh -c 'echo "no state for you" >&2; exit 1'
INI
timeout 20 "$ARBORD" -d -c "$T/c.ini" -S "$T/state" -s "$T/arbor.sock" \
    >"$T/out" 2>"$T/events"
assert_eq 3 "$?" "arbord -d exit status"
assert_match "root supervisor gave up: .*no state for you" "$(cat "$T/events")" \
    "stderr of arbord -d"
wait_for "$T/syslog" "^$INFO.* arbord\\[[0-9]+\\]: root:setup \\| no state for you\$"
wait_for "$T/syslog" "^$WARNING.* arbord\\[[0-9]+\\]: the root supervisor gave up: .*no state for you\$"
assert_no_procs
