# t_idle: an idle arbord never wakes up by itself. libev caps its wait at
# 59.743 s unless a timerfd watches for clock jumps; arbord arranges for
# that, so with nothing to do it blocks for days, not a minute. Seen in
# the timeout of the epoll_wait that the idle arbord sleeps in.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || { echo "SKIP: strace not installed"; exit 0; }
strace -o /dev/null true 2>/dev/null || { echo "SKIP: ptrace not permitted"; exit 0; }

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
instances = 3
INI
# (LeakSanitizer cannot run under a tracer: no leak check in this one test.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
ARBORD_WRAP="strace -o $T/trace -e trace=epoll_wait,epoll_pwait" start_arbord "$T/a.ini"
wait_event ProcessStarted root
ctl_expect 0 status
pid=$(pgrep -P "$ARBORD_PID" -x arbord) || fail "arbord not found under strace"
kill -TERM "$pid"
wait_arbord
assert_eq 0 "$RC" "arbord exit status after SIGTERM"
grep -q 'epoll_p\?wait(' "$T/trace" || fail "no epoll_wait traced: $(head -5 "$T/trace")"
grep -q 'epoll_p\?wait(.*, 59743)' "$T/trace" && fail "arbord waited with libev's 59.743 s cap"
# The wait SIGTERM ended: arbord was idle in it, with no timeout short of days.
idle=$(grep 'epoll_p\?wait(' "$T/trace" | sed -n 's/.*, \(-\?[0-9]*\)) *= .*/\1/p' | awk '$1 < 0 || $1 >= 86400000' | wc -l)
[ "$idle" -ge 1 ] || fail "no idle wait without a timeout: $(grep -c epoll "$T/trace") waits, last: $(grep epoll "$T/trace" | tail -3)"
assert_no_procs
