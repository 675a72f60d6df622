# t_stalled_output: a reader of arbord's stdout or stderr that stops
# reading never stops supervision (`arbord | less`, then no key pressed).
# Lines that do not fit in arbord's bounded queue are dropped and counted,
# and once the reader is back it reads "arbor: N lines dropped".
. "$(dirname "$0")/lib.sh"

chatty=$(script chatty <<'SH'
#!/bin/sh
i=0
while :; do
	i=$((i + 1))
	echo "line $i ................................................................"
done
SH
)
# Its failures make long events: its last line is their reason.
crash=$(script crash <<SH
#!/bin/sh
$T/sleep 0.1
printf '%04000d\n' 0 >&2
exit 1
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 100000
period = 1m

[worker:root/chatty]
command = $chatty

[worker:root/crash]
command = $crash
INI

# restarts_of PATH: the node's restarts in total, from arborctl.
restarts_of() {
	ctl status "$1" --json | sed -n 's/.*"restarts":\([0-9]*\).*/\1/p'
}

# restarted PATH N: the node was restarted at least N times.
restarted() {
	local r
	r=$(restarts_of "$1")
	[ -n "$r" ] && [ "$r" -ge "$2" ]
}

# stdout: a FIFO that this shell holds open and does not read.
mkfifo "$T/outfifo"
exec 8<>"$T/outfifo"
: >"$T/events"
"$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" \
    --event-format json >"$T/outfifo" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root
# The pipe is full long before this: the crasher goes on being restarted.
wait_event ProcessFailed root/crash 15 30
# Answered: 0, or 3 while the crasher is down.
timeout 5 "$ARBORCTL" -s "$T/arbor.sock" status >/dev/null
rc=$?
[ $rc = 0 ] || [ $rc = 3 ] || fail "arborctl got no answer while stdout was stalled (exit $rc)"
r=$(restarts_of root/crash)
poll 20 restarted root/crash $((r + 10)) ||
    fail "root/crash no longer restarted while stdout is stalled"
# The reader is back: what was dropped is said.
cat <&8 >"$T/drained" &
WATCH_PIDS+=($!)
wait_for "$T/drained" '^arbor: [0-9]+ lines? dropped$' 1 20
stop_arbord
exec 8>&-
assert_no_procs

# stderr (arbord's messages and the events): the same.
mkfifo "$T/errfifo"
exec 9<>"$T/errfifo"
"$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" \
    >/dev/null 2>"$T/errfifo" &
ARBORD_PID=$!
poll 20 restarted root/crash 5 || fail "root/crash never restarted"
# 40 failures of 4 KB each: more than the pipe and arbord's queue hold.
r=$(restarts_of root/crash)
poll 60 restarted root/crash $((r + 40)) ||
    fail "root/crash no longer restarted while stderr is stalled"
# Answered: 0, or 3 while the crasher is down.
timeout 5 "$ARBORCTL" -s "$T/arbor.sock" status >/dev/null
rc=$?
[ $rc = 0 ] || [ $rc = 3 ] || fail "arborctl got no answer while stderr was stalled (exit $rc)"
cat <&9 >"$T/drained2" &
WATCH_PIDS+=($!)
wait_for "$T/drained2" '^arbor: [0-9]+ lines? dropped$' 1 20
stop_arbord
exec 9>&-
assert_no_procs
