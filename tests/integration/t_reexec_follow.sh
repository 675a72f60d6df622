# t_reexec_follow: followers go on across a re-exec. arborctl events -f
# and logs -f, started before arborctl reexec, are told by arbord that it
# re-executes, say so on stderr, connect again and follow on: events -f
# shows ArborReexec and then the ProcessStarted of a worker killed after
# the exec, logs -f that worker's new line; neither prints anything twice.
# A follower of the JSON form gets the same, without a marker of its own.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 1000
period = 1m

[worker:root/w]
command = sh -c 'n=\$(cat $T/n 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >$T/n; echo "run \$n"; exec $T/sleep 1000'
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/w
wait_for "$T/out" '^root/w \| run 1$'

ctl events -f >"$T/evf" 2>"$T/evf.err" &
evf=$!
ctl events -f --json >"$T/evj" 2>"$T/evj.err" &
evj=$!
ctl logs root/w -f >"$T/logf" 2>"$T/logf.err" &
logf=$!
WATCH_PIDS+=("$evf" "$evj" "$logf")
wait_for "$T/evf" 'ProcessStarted worker root/w'
wait_for "$T/evj" '"event":"ProcessStarted","node":"worker","path":"root/w"'
wait_for "$T/logf" '^run 1$'

ctl_expect 0 reexec
wait_event ArborReexec root
for f in evf evj logf; do
	wait_for "$T/$f.err" 'arbord re-executed; following again'
done
wait_for "$T/evf" 'ArborReexec'
wait_for "$T/evj" '"event":"ArborReexec"'

kill -KILL "$(pid_of root/w)"
wait_event ProcessStarted root/w 2
wait_for "$T/evf" 'ProcessStarted worker root/w' 2
wait_for "$T/evj" '"event":"ProcessStarted","node":"worker","path":"root/w"' 2
wait_for "$T/logf" '^run 2$'

for p in "$evf" "$evj" "$logf"; do
	kill -0 "$p" 2>/dev/null || fail "a follower ended: $(cat "$T/evf.err" "$T/evj.err" "$T/logf.err")"
done
# In order, each once.
assert_eq "ProcessStarted ArborReexec ProcessFailed ProcessStarted" \
    "$(grep -oE 'ProcessStarted worker root/w|ArborReexec|ProcessFailed worker root/w' "$T/evf" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')" \
    "events -f across the re-exec"
assert_eq 1 "$(grep -c '"event":"ArborReexec"' "$T/evj")" "ArborReexec in events -f --json"
assert_eq 2 "$(grep -c '"event":"ProcessStarted","node":"worker","path":"root/w"' "$T/evj")" "ProcessStarted in events -f --json"
assert_eq "run 1 run 2" "$(grep '^run' "$T/logf" | tr '\n' ' ' | sed 's/ $//')" "logs -f across the re-exec"
assert_eq 1 "$(grep -c 'following again' "$T/evf.err")" "one marker"
# The JSON form has no marker of its own on stdout.
! grep -q 'following again' "$T/evj" || fail "a marker in the JSON stream"

# A second re-exec: they follow on again.
ctl_expect 0 reexec
wait_event ArborReexec root 2
wait_for "$T/evf" 'ArborReexec' 2
wait_for "$T/logf.err" 'following again' 2
kill -KILL "$(pid_of root/w)"
wait_for "$T/logf" '^run 3$'
wait_for "$T/evf" 'ProcessStarted worker root/w' 3

kill "$evf" "$evj" "$logf"
wait "$evf" "$evj" "$logf" 2>/dev/null
stop_arbord
assert_no_procs
