# t_limits: a worker's umask, nice value and resource limits (a single
# value and SOFT:HARD, counts and sizes) are in place when it runs; a
# worker without them, and a supervisor's setup, keep arbord's own; a
# change is a restart on reload; a limit that cannot be set is a start
# failure that names it. arbord raises its own soft descriptor limit but
# passes on the one it was given.
. "$(dirname "$0")/lib.sh"

hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge 512 ] ||
    { echo "skipped: the hard limit of open files is below 512"; exit 0; }
# report LABEL [N]: one line of what the process has, then sleep N.
script report >/dev/null <<EOS
#!/bin/sh
lim() {
	sed -n "s/^\$1  *\([0-9a-z]*\)  *\([0-9a-z]*\).*/\1:\2/p" /proc/self/limits
}
echo "\$1 nofile=\$(lim 'Max open files') fsize=\$(lim 'Max file size')" \
    "core=\$(lim 'Max core file size') umask=\$(umask) nice=\$(nice)"
[ \$# -lt 2 ] || exec $T/sleep "\$2"
EOS
arbord_has=$("$T/report" x | sed 's/^x //')

conf() {
	cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5
setup = $T/report setup

[worker:root/w]
command = $T/report w 1000
umask = 027
nice = $1
limit.nofile = 256:512
limit.fsize = 1M
limit.core = 0

[worker:root/plain]
command = $T/report plain 1001
INI
}
conf 5
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/w \| w '
wait_for "$T/out" '^root/plain \| plain '
assert_eq "root/w | w nofile=256:512 fsize=1048576:1048576 core=0:0 umask=0027 nice=5" \
    "$(grep '^root/w | ' "$T/out")" "worker with settings"
assert_eq "root/plain | plain $arbord_has" "$(grep '^root/plain | ' "$T/out")" \
    "worker without settings"
assert_eq "root:setup | setup $arbord_has" \
    "$(grep '^root:setup | ' "$T/out")" "setup script"

# Only the changed worker restarts, and the report names the key.
conf 6
ctl_expect 0 reload
assert_match 'restarted root/w \(nice\)' "$(cat "$T/ctl.out")" "reload report"
wait_for "$T/out" '^root/w \| w .* nice=6$'
stop_arbord
assert_no_procs

# More than the hard limit allows (above fs.nr_open even for root).
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/greedy]
command = $T/sleep 1000
limit.nofile = infinity
INI
start_arbord "$T/b.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_match '"error":"setrlimit nofile: Operation not permitted"' \
    "$(event_line ProcessStartFailed root/greedy)" "start failure"
assert_no_procs

# arbord raises its own soft descriptor limit to the hard one (it holds a
# pipe or two per worker); what it starts gets the limit it was given.
command -v prlimit >/dev/null || { echo "(prlimit missing: raised limit not checked)"; exit 0; }
[ "$hard" = unlimited ] && exit 0
conf 5
ARBORD_WRAP="prlimit --nofile=256:$hard --" start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/w \| w '
wait_for "$T/out" '^root/plain \| plain '
assert_match "^Max open files +$hard +$hard " "$(grep '^Max open files' /proc/"$ARBORD_PID"/limits)" \
    "arbord's own limit"
assert_match "^root/plain \| plain nofile=256:$hard " "$(grep '^root/plain | ' "$T/out")" \
    "worker without limit.nofile"
assert_match "^root:setup \| setup nofile=256:$hard " "$(grep '^root:setup | ' "$T/out")" \
    "setup script"
assert_match "^root/w \| w nofile=256:512 " "$(grep '^root/w | ' "$T/out")" \
    "worker with limit.nofile"
stop_arbord
assert_no_procs
