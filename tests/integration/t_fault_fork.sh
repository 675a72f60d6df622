# t_fault_fork: fork fails (RLIMIT_NPROC reached). arbord runs as an unused
# uid under prlimit --nproc=3 (root ignores RLIMIT_NPROC): itself, its
# spawner and one worker. The second worker's start fails with the reason, is retried by the
# normal rules (here its restart_delay) and succeeds once a process slot is
# free; arbord answers arborctl throughout and stops cleanly.
. "$(dirname "$0")/lib.sh"

command -v setpriv >/dev/null && command -v prlimit >/dev/null ||
    { echo "SKIP: setpriv or prlimit missing"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to an unused uid"; exit 0; }
# An unused uid of our own (RLIMIT_NPROC counts all processes of the uid):
# the shell's pid keeps concurrent runs of this test apart.
uid=$((200000 + $$))
pgrep -U $uid >/dev/null && { echo "SKIP: uid $uid has processes"; exit 0; }
# That uid runs arbord: a copy it can reach wherever the checkout is.
ARBORD=$(public_copy "$ARBORD")
chown $uid:$uid "$T"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[worker:root/a]
command = $T/sleep 1000
restart_delay = 100ms
restart_delay_max = 100ms

[worker:root/b]
command = $T/sleep 1001
restart_delay = 100ms
restart_delay_max = 100ms
INI
: >"$T/events"
setpriv --reuid=$uid --regid=$uid --clear-groups \
    prlimit --nproc=3 -- "$ARBORD" -c "$T/a.ini" -S "$T/state" -s "$T/arbor.sock" \
    --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root/a
wait_event ProcessStartFailed root/b 3
assert_match '"error":"fork: Resource temporarily unavailable"' \
    "$(event_line ProcessStartFailed root/b 1)"
ctl_expect 3 status	# answered; b is in backoff
assert_match 'root/b|b ' "$(cat "$T/ctl.out")" "status lists b"
alive "$ARBORD_PID" || fail "arbord died"

# Free the slot: b's next retry gets it.
ctl_expect 0 stop root/a
wait_event ProcessStarted root/b
wait_event ProcessStarted root
pb=$(pid_of root/b)
alive "$pb" || fail "b not running"
# Now a cannot start: the request fails, saying why; arbord stays up.
ctl_expect 1 start root/a
assert_match 'fork: Resource temporarily unavailable' "$(cat "$T/ctl.out" "$T/ctl.err")" \
    "start a while b holds the slot"
ctl_expect 3 status	# answered; a is not running
assert_eq "$pb" "$(pid_of root/b)" "b untouched"
stop_arbord
assert_no_procs
