# t_signal_scope: which processes arborctl signal reaches. A worker (main)
# with a helper child in its process group, a setsid()'d child (escaped:
# another session, still its descendant) and a double-forked daemon
# (reparented to arbord). --main reaches the main process only; the
# default its process group and what it double-forked; --all every
# process it owns, the escaped child too. A scope that is not one is a
# clear error, and a request without one is the old protocol's.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"

# Every process says who it is and which signal it heard.
who=$(script who <<SH
#!/bin/sh
who=\$1
for s in HUP USR1 USR2; do trap "echo \$who \$s" \$s; done
echo "\$who up \$\$"
while :; do $T/sleep 1000 & wait \$!; done
SH
)
main=$(script main <<SH
#!/bin/sh
$who helper &
setsid $who escaped &
sh -c 'setsid $who daemon &'
exec $who main
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $main
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root/w
wait_for "$T/out" '^root/w \| (main|helper|escaped|daemon) up [0-9]+$' 4
pid() { sed -n "s/^root\/w | $1 up //p" "$T/out"; }
mainpid=$(pid main)
assert_eq "$mainpid" "$(pid_of root/w)" "the main process is the worker's"
assert_eq "$mainpid" "$(ps -o ppid= -p "$(pid escaped)" | tr -d ' ')" "escaped is the main's child"
[ "$(ps -o sid= -p "$(pid escaped)")" != "$(ps -o sid= -p "$mainpid")" ] ||
	fail "escaped left the worker's session"
poll 10 eval '[ "$(ps -o ppid= -p "$(pid daemon)" | tr -d " ")" = "$ARBORD_PID" ]' ||
	fail "the double-forked daemon was not reparented to arbord"

# --main: the main process only.
ctl_expect 0 signal --main root/w HUP
assert_eq "sent SIGHUP to the main process of 1 worker" "$(cat "$T/ctl.out")" "signal --main"
wait_for "$T/out" '^root/w \| main HUP$'
# The default: the process group, and what it double-forked.
ctl_expect 0 signal root/w USR1
assert_eq "sent SIGUSR1 to 1 worker" "$(cat "$T/ctl.out")" "signal"
wait_for "$T/out" '^root/w \| (main|helper|daemon) USR1$' 3
# --all: every process the worker owns.
ctl_expect 0 signal --all root/w USR2
assert_eq "sent SIGUSR2 to every process of 1 worker" "$(cat "$T/ctl.out")" "signal --all"
wait_for "$T/out" '^root/w \| (main|helper|escaped|daemon) USR2$' 4
# Signals are delivered in order: once the last are heard, nothing of
# the first is on its way.
assert_eq "root/w | main HUP" "$(grep 'HUP$' "$T/out")" "who heard --main"
assert_eq "" "$(grep 'escaped USR1$' "$T/out")" "the default reached the escaped child"
assert_eq 1 "$(grep -c '^root/w | main USR2$' "$T/out")" "--all signals each process once"

# Usage and protocol errors.
ctl_expect 2 signal --main --all root/w HUP
assert_match 'exclude each other' "$(cat "$T/ctl.err")"
ctl_expect 2 status --main
out=$(printf 'ARBOR/1 signal root/w HUP sideways\n' | timeout 10 "$RAWCLIENT" "$T/arbor.sock")
assert_eq "error	unknown signal scope 'sideways' (group, main or all)" "$out" "bad scope"
out=$(printf 'ARBOR/1 signal root/w HUP main\n' | timeout 10 "$RAWCLIENT" "$T/arbor.sock")
assert_eq "ok	sent SIGHUP to the main process of 1 worker" "$out" "scope word"
wait_for "$T/out" '^root/w \| main HUP$' 2
out=$(printf 'ARBOR/1 signal root HUP all extra\n' | timeout 10 "$RAWCLIENT" "$T/arbor.sock")
assert_match '^error	signal takes 2 to 3 arguments' "$out" "too many words"

ctl_expect 0 stop root/w
poll 10 eval '! alive "$(pid escaped)" && ! alive "$(pid daemon)"' ||
	fail "the worker's escaped processes survived its stop"
stop_arbord
assert_no_procs
