# t_vars: variables in commands, expanded at each start from the worker's
# environment: a pool's $ARBOR_INSTANCE, ${X} from env.X inside a word, a
# bare $NAME splitting into arguments, "$NAME" not, $$ and '$X' literal;
# ready = check: and pidfile expanded too; an undefined variable is a
# start failure naming it, in the event and the status, restarted by the
# usual rules.
. "$(dirname "$0")/lib.sh"

args=$(script args <<SH
#!/bin/sh
# Print each argument in brackets, then stay up.
printf '[%s]' "\$@"; echo
exec $T/sleep 1000
SH
)
daemon=$(script daemon <<SH
#!/bin/sh
# Daemonize, writing the pidfile named by \$1.
setsid $T/sleep 1000 </dev/null &
echo \$! > "\$1"
exit 0
SH
)
probe=$(script probe <<'SH'
#!/bin/sh
[ "$1" = "ready-arg" ]
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10
env.SUPER = from-root

[worker:root/pool]
command = $args \$ARBOR_INSTANCE n=\${ARBOR_INSTANCE} "\$ARBOR_PATH"
instances = 2

[worker:root/x]
command = $args \${X} pre\${X}post \$SPLIT "\$SPLIT" \$\$ '\$X' \\\$X
  \$EMPTY "\$EMPTY" \$SUPER '\$1 \$\$'
env.X = ex
env.SPLIT = a  b
env.EMPTY =
ready = check:$probe \$READY
env.READY = ready-arg

[worker:root/d]
command = $daemon d-\${ARBOR_INSTANCE}.pid
pidfile = d-\$ARBOR_INSTANCE.pid
directory = $T
instances = 2
INI
"$ARBORD" -n -c "$T/a.ini" >"$T/o" 2>&1 || fail "arbord -n: $(cat "$T/o")"
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/pool/2 \| '
grep -qxF 'root/pool/1 | [1][n=1][root/pool/1]' "$T/out" ||
    fail "pool 1: $(cat "$T/out")"
grep -qxF 'root/pool/2 | [2][n=2][root/pool/2]' "$T/out" ||
    fail "pool 2: $(cat "$T/out")"
# Status shows the words it runs with, variables expanded.
assert_match "\"command\":\[\"$args\",\"2\",\"n=2\",\"root/pool/2\"\]" "$(ctl status root/pool/2 --json)" "status's command"
grep -qxF 'root/x | [ex][preexpost][a][b][a  b][$][$X][$X][][from-root][$1 $$]' \
    "$T/out" || fail "root/x: $(cat "$T/out")"
assert_match '"event":"ProcessReady"' "$(event_line ProcessReady root/x)" \
    "ready by a check given its argument by a variable"
for i in 1 2; do
	assert_eq "$(cat "$T/d-$i.pid")" "$(pid_of root/d/$i)" \
	    "pidfile d-$i.pid adopted"
done
stop_arbord
assert_no_procs

# Undefined variables: a failed start, like a failed exec, naming the
# variable in the event and the status; retried by the restart rules.
cat >"$T/b.ini" <<INI
[supervisor:root]
intensity = 100
period = 1m

[worker:root/ok]
command = $T/sleep 1000

[worker:root/chk]
command = $T/sleep 1001
ready = check:$probe \$NOPE2
restart = temporary

[worker:root/pf]
command = $daemon x.pid
pidfile = \${NOPE3}.pid
restart = temporary

[worker:root/empty]
command = \$EMPTY
env.EMPTY =
restart = temporary

[worker:root/ghost]
command = $args --port=\${PORT} \$NOPE
env.PORT = 80
restart = transient
restart_delay = 5s
INI
start_arbord "$T/b.ini"
wait_event ProcessStartFailed root/ghost
assert_match '"error":"command: undefined variable NOPE"' \
    "$(event_line ProcessStartFailed root/ghost)" "undefined in command"
assert_match '"error":"ready: undefined variable NOPE2"' \
    "$(event_line ProcessStartFailed root/chk)" "undefined in ready"
assert_match '"error":"pidfile: undefined variable NOPE3"' \
    "$(event_line ProcessStartFailed root/pf)" "undefined in pidfile"
assert_match '"error":"command: empty command"' \
    "$(event_line ProcessStartFailed root/empty)" "nothing left"
assert_match '"last_error":"command: undefined variable NOPE"' \
    "$(ctl status root/ghost --json)" "status"
assert_eq backoff "$(state_of root/ghost)" "restarted by the rules"
# Defined now (env.* needs a reload, which restarts it): it runs.
sed -i 's/^env.PORT = 80$/env.PORT = 80\nenv.NOPE = found/' "$T/b.ini"
ctl_expect 0 reload
wait_event ProcessStarted root/ghost
wait_for "$T/out" '^root/ghost \| \[--port=80\]\[found\]$'
stop_arbord
assert_no_procs
