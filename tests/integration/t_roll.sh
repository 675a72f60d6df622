# t_roll: arborctl restart --rolling replaces every instance of a 4-
# instance pool whose instances become ready (ready = fd:3): a surge
# instance first, then each instance in turn, its successor started beside
# it and ready before the old process is stopped; every pid changes and, from the
# events, the pool never has fewer than 4 ready instances. A new process
# that does not become ready stops the roll: exit 1 with the reason, and
# the instances not yet replaced keep their processes. reload = rolling
# makes a reload replace changed instances the same way.
. "$(dirname "$0")/lib.sh"

srv=$(script srv <<'SH'
#!/bin/sh
# Ready at once, unless told not to (a file names the instance).
[ -e "$1/noready.$ARBOR_INSTANCE" ] || echo ready >&3
exec "$1/sleep" 1000
SH
)
conf() {
	cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[worker:root/web]
command = $srv $T
instances = 4
ready = fd:3
start_timeout = 2s
reload = rolling
env.VERSION = $1
INI
}
conf 1
start_arbord "$T/a.ini"
wait_event ProcessStarted root
pids() { for i in 1 2 3 4; do pid_of root/web/$i; done; }
before=$(pids)

# The fewest ready instances from the first moment all 4 were ready.
min_ready() {
	event_seq | awk '
	    $2 ~ /^root\/web\/[0-9]+$/ {
		if ($1 == "ProcessReady") { ready[$2] = 1; n++ }
		else if (($1 == "ProcessTerminated" || $1 == "ProcessFailed") &&
		    ready[$2]) { delete ready[$2]; n-- }
		if (n >= 4) full = 1
		if (full && (min == "" || n < min)) min = n
	    }
	    END { print min }'
}

ctl_expect 0 restart --rolling root/web
assert_match 'every child replaced' "$(cat "$T/ctl.out")" "roll reply"
after=$(pids)
for i in 1 2 3 4; do
	b=$(sed -n "${i}p" <<<"$before"); a=$(sed -n "${i}p" <<<"$after")
	[ -n "$a" ] && [ "$a" != "$b" ] || fail "instance $i: pid $b -> $a"
	alive "$b" && fail "old process $b of instance $i still running"
done
assert_eq 4 "$(min_ready)" "fewest ready instances during the roll"
event_seq | grep -q 'ProcessFailed' && fail "a replaced process failed"
# The order: the surge ready first; then each instance's successor ready
# before its old process gets its stop signal (ProcessDraining), and gone
# before the next instance's turn.
seq=$(event_seq | grep -E 'root/web/[0-9]' | grep -vE 'ProcessStarted')
assert_match 'ProcessReady root/web/5.ProcessReady root/web/1.ProcessDraining root/web/1.ProcessTerminated root/web/1.ProcessReady root/web/2.ProcessDraining root/web/2.ProcessTerminated root/web/2.ProcessReady root/web/3.ProcessDraining root/web/3.ProcessTerminated root/web/3.ProcessReady root/web/4.ProcessDraining root/web/4.ProcessTerminated root/web/4.ProcessTerminated root/web/5' \
    "$(tr '\n' '.' <<<"$seq")" "roll order"
ctl_expect 1 status root/web/5
ctl status root/web --json >"$T/st.json"
assert_match '"instances":4,"instances_configured":4' "$(cat "$T/st.json")" \
    "surge gone"

# --batch 2 (1 and 2, then 3 and 4), and a new process that never
# becomes ready: instance 2's. The second batch is not touched.
: >"$T/noready.2"
before=$(pids)
ctl_expect 1 restart --rolling --batch 2 root/web
assert_match 'root/web/2: not ready within 2s' "$(cat "$T/ctl.err")" \
    "why the roll stopped"
after=$(pids)
[ "$(sed -n 1p <<<"$before")" != "$(sed -n 1p <<<"$after")" ] ||
    fail "instance 1 not replaced"
for i in 3 4; do
	assert_eq "$(sed -n "${i}p" <<<"$before")" \
	    "$(sed -n "${i}p" <<<"$after")" "instance $i kept its process"
	alive "$(sed -n "${i}p" <<<"$before")" ||
	    fail "instance $i's process gone"
done
rm -f "$T/noready.2"
running() { [ "$(state_of "$1")" = running ]; }
poll 15 running root/web/2 || fail "2 not restarted"

# Usage errors: --batch without --rolling, a worker.
ctl_expect 2 restart --batch 2 root/web
ctl_expect 1 restart --rolling root/web/1
assert_match 'is a worker' "$(cat "$T/ctl.err")" "roll of a worker"

# reload = rolling: a changed environment is rolled in.
before=$(pids)
n0=$(wc -l <"$T/events")
conf 2
ctl_expect 0 reload
assert_match 'restarted root/web/1 \(env\), rolling' \
    "$(cat "$T/ctl.out")" "reload report"
wait_event ProcessTerminated root/web/5 3
settled() {
	[ "$(ctl status root/web --json | grep -o '"state":"running"' | wc -l)" = 5 ]
}
poll 15 settled || fail "pool not back to running"
after=$(pids)
for i in 1 2 3 4; do
	[ "$(sed -n "${i}p" <<<"$before")" != "$(sed -n "${i}p" <<<"$after")" ] ||
	    fail "instance $i not replaced by the reload"
	tr '\0' '\n' </proc/"$(sed -n "${i}p" <<<"$after")"/environ |
	    grep -qx VERSION=2 || fail "instance $i without the new env"
done
tail -n +"$((n0 + 1))" "$T/events" | grep -q ProcessFailed &&
    fail "the reload's roll had a failure"
stop_arbord
assert_no_procs
