# t_pool_stop: a pool's instances stop together, like OTP's
# simple_one_for_one: every instance gets SIGTERM at once, each is killed
# by its own shutdown timer, and the pool is down after one shutdown round,
# not one round per instance. Its siblings keep the ordered stop.
. "$(dirname "$0")/lib.sh"

N=20
# Ignores SIGTERM, noting when it came (ms since the epoch); only its own
# shutdown timer's SIGKILL ends it. The trap runs at once: the shell waits
# in the wait builtin, not in a foreground command.
stubborn=$(script stubborn <<SH
#!/bin/bash
trap 'echo "\$ARBOR_INSTANCE \$(date +%s%3N)" >>$T/terms' TERM
echo ready
while :; do $T/sleep 1000 & wait; done
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/a]
command = $T/sleep 1001

[worker:root/p]
command = $stubborn
instances = $N
shutdown = 2s

[worker:root/z]
command = $T/sleep 1002
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root 1 30
wait_for "$T/out" '^root/p/[0-9]+ \| ready$' "$N"

# arborctl stop returns once the pool is down. In order that is N rounds
# of 2s (40s); together it is one.
: >"$T/terms"
t0=${EPOCHREALTIME/./}
ctl_expect 0 stop root/p
t1=${EPOCHREALTIME/./}
took=$(( (t1 - t0) / 1000 ))
[ "$took" -lt 12000 ] || fail "stopping the pool took ${took}ms"
wait_event ProcessTerminated root/p
assert_eq "$N" "$(grep -c 'ProcessTerminated.*"path":"root/p/' "$T/events")" \
    "instances stopped"
assert_eq "$N" "$(cut -d" " -f1 "$T/terms" | sort -u | wc -l)" \
    "instances that got SIGTERM"
# Each was killed by its own timer, and every SIGTERM came before the
# first instance was down (in order, the second comes 2s after the first
# is gone).
assert_eq "$N" "$(grep 'ProcessTerminated.*"path":"root/p/' "$T/events" |
    grep -c '"signal":"SIGKILL"')" "instances killed after shutdown"
first_down=
for i in $(seq 1 "$N"); do
	ms=$(event_ms "$(event_line ProcessTerminated "root/p/$i")")
	[ -z "$first_down" ] || [ "$ms" -lt "$first_down" ] && first_down=$ms
done
last_term=$(cut -d' ' -f2 "$T/terms" | sort -n | tail -1)
[ "$last_term" -le "$first_down" ] ||
    fail "a SIGTERM at $last_term came after an instance was down at $first_down: $(cat "$T/terms")"
assert_eq running "$(state_of root/a)" "root/a"
assert_eq running "$(state_of root/z)" "root/z"
assert_eq stopped "$(state_of root/p)" "root/p"
[ -z "$(pgrep -f "$stubborn")" ] || fail "instances left: $(pgrep -af "$stubborn")"

# A shutdown keeps the order around the pool: z, the instances together,
# the pool, a, root.
ctl_expect 0 start root/p
wait_for "$T/out" '^root/p/[0-9]+ \| ready$' $((2 * N))
: >"$T/events"
kill -TERM "$ARBORD_PID"
wait_arbord 30
assert_eq 0 "$RC" "exit status"
seq=$(event_seq | grep Terminated)
assert_eq "ProcessTerminated root/z" "$(sed -n 1p <<<"$seq")" "first down"
assert_eq "$N" "$(sed -n "2,$((N + 1))p" <<<"$seq" | grep -c '^ProcessTerminated root/p/[0-9]*$')" \
    "then the instances"
assert_eq "ProcessTerminated root/p
ProcessTerminated root/a
ProcessTerminated root" "$(sed -n "$((N + 2)),\$p" <<<"$seq")" "then the rest"
first=$(event_ms "$(grep -m1 'ProcessTerminated.*"path":"root/p/' "$T/events")")
last=$(event_ms "$(event_line ProcessTerminated root/p)")
[ $((last - first)) -lt 2000 ] ||
    fail "the instances went down over $((last - first))ms, not in one round"
assert_no_procs
