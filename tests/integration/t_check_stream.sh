# t_check_stream: what a readiness check (ready = check:) prints goes to
# the worker's log as a stream of its own, "check", whether the check
# wrote it on its stdout or its stderr: never mixed into the worker's
# err stream. arborctl logs -t shows the stream, plain logs mark such
# lines [check], the log_dir file has them as "check".
. "$(dirname "$0")/lib.sh"

# The check fails once (printing on both streams), then passes.
probe=$(script probe <<SH
#!/bin/sh
echo "probe-out \$(ls $T/tries 2>/dev/null | wc -l)"
echo "probe-err" >&2
[ -e $T/tries/1 ] && exit 0
mkdir -p $T/tries && touch $T/tries/1
exit 1
SH
)
cat >"$T/a.ini" <<INI
[arbor]
log_dir = $T/logs

[supervisor:root]

[worker:root/w]
command = sh -c 'echo worker-out; echo worker-err >&2; exec $T/sleep 1000'
ready = check:$probe
check_interval = 50ms
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/w
poll 15 eval '[ "$(state_of root/w)" = running ]' || fail "root/w never became ready"
ctl_expect 0 logs -t -n all root/w
ts='[0-9-]+T[0-9:.]+Z'
for want in "out worker-out" "err worker-err" "check probe-out 0" \
    "check probe-out 1"; do
	grep -qE "^$ts $want\$" "$T/ctl.out" || fail "logs -t lacks [$want]: $(cat "$T/ctl.out")"
done
assert_eq 2 "$(grep -cE "^$ts check probe-err\$" "$T/ctl.out")" "the check's stderr, twice"
assert_eq "" "$(grep -E "^$ts (out|err) probe" "$T/ctl.out")" "check output in the worker's streams"
# Plain: the check's lines are marked, the worker's as it wrote them.
ctl_expect 0 logs -n all root/w
assert_match '^\[check\] probe-err$' "$(grep probe-err "$T/ctl.out" | head -1)" "plain check line"
grep -qx 'worker-err' "$T/ctl.out" || fail "plain worker line: $(cat "$T/ctl.out")"
# The log file (written before the loop waits again) says the same.
poll 10 grep -q ' check probe-out 1$' "$T/logs/root.w.log" || fail "no check line in the log file"
assert_eq "" "$(grep -E ' err probe' "$T/logs/root.w.log")" "check output as err in the file"
stop_arbord
assert_no_procs
