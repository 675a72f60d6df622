# t_orphans: arbord is a subreaper: what a worker double-forks (in a new
# session, out of its process group) is reparented to arbord and is
# terminated with the worker; workers inherit no descriptor of arbord's
# but 0, 1 and 2.
. "$(dirname "$0")/lib.sh"

# The daemon it double-forks writes down the signals it hears.
daemon=$(script daemon <<SH
#!/bin/sh
trap 'echo USR1 >>$T/heard' USR1
echo "daemon \$\$"
while :; do $T/sleep 1000 & wait; done
SH
)
forker=$(script forker <<SH
#!/bin/sh
ls /proc/self/fd | tr '\n' ' ' | sed 's/^/fds: /'; echo
sh -c 'setsid $daemon &'
trap '' USR1	# the worker itself lives through the signal below
exec $T/sleep 1001
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/forker]
command = $forker
INI
# Give arbord a stray descriptor of its own to (not) pass on.
exec 7>"$T/stray"
start_arbord "$T/a.ini"
exec 7>&-
wait_event ProcessStarted root
wait_for "$T/out" '^root/forker \| daemon [0-9]+$'
# ls itself holds one more descriptor (3) for /proc/self/fd.
assert_eq "root/forker | fds: 0 1 2 3 " "$(grep '^root/forker | fds:' "$T/out")" "inherited descriptors"
daemon=$(sed -n 's/^root\/forker | daemon //p' "$T/out")
assert_eq "$ARBORD_PID" "$(ps -o ppid= -p "$daemon" | tr -d ' ')" "reparented to arbord"
# arborctl signal reaches what the worker double-forked, as stop does.
: >"$T/heard"
ctl_expect 0 signal root/forker USR1
assert_match 'sent SIGUSR1 to 1 worker' "$(cat "$T/ctl.out")"
wait_for "$T/heard" '^USR1$' 1 10
ctl_expect 0 stop root/forker
poll 5 eval '! alive "$daemon"' || fail "the double-forked daemon survived the stop"
stop_arbord
assert_no_procs
