# t_reexec_wait: a re-exec runs beside the loop. While the new binary's
# --handoff-check runs, arbord answers other clients; a check that closes
# its output and never ends is given up after 5 s and killed (not
# waited for: the old arbord blocked on it forever). What is in flight
# and not handed off (a rolling restart's overlap) is waited for: the
# reexec goes on once it is over, or is refused after 10 s naming it; a
# second reexec meanwhile is refused at once. Nothing is touched by a
# refusal. A client connected at the exec whose request is not in yet is
# handed over: the new binary answers it.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"

# arbord answers on its socket within 3 s, with the pid it had.
answers() {
	local out
	out=$(printf 'ARBOR/1 ping\n' | timeout 3 "$RAWCLIENT" "$T/arbor.sock") ||
	    fail "$1: arbord did not answer within 3 s"
	assert_match "pid $ARBORD_PID" "$out" "$1"
}

# bg_reexec OUT ARGS...: arborctl reexec ARGS in the background, its exit
# status into OUT.rc once it ends.
bg_reexec() {
	local out=$1; shift
	rm -f "$out.rc"
	( ctl reexec "$@" >"$out" 2>&1; echo $? >"$out.rc" ) &
	WATCH_PIDS+=($!)
}

cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/sleep 1000

[supervisor:root/g]

[worker:root/g/r]
command = sh -c 'if [ -p $T/gate ]; then read x <$T/gate; fi; echo ready >&3; exec $T/sleep 1000'
ready = fd:3
start_timeout = 1h
INI
start_arbord "$T/a.ini"
wait_event ProcessReady root/g/r
w=$(pid_of root/w)

# A check that closes its output and lives on: arbord answers meanwhile,
# gives it up after 5 s, kills it.
cat >"$T/hang" <<SH
#!/bin/sh
echo \$\$ >$T/hang.pid
exec >&-
exec $T/sleep 1000
SH
chmod +x "$T/hang"
bg_reexec "$T/hang.out" --binary "$T/hang"
wait_for "$T/hang.pid" '^[0-9]+$'
hang=$(cat "$T/hang.pid")
answers "during the check"
ctl_expect 0 status root/w
wait_for "$T/hang.out.rc" '^1$' 1 20
assert_match 'hang --handoff-check did not answer within 5000 ms' "$(cat "$T/hang.out")" "hung check"
poll 10 eval '! alive '"$hang" || fail "the hung check $hang was not killed"
assert_eq "$w" "$(pid_of root/w)" "root/w after a refused check"

# The check reads the state as a take-over would: a binary that cannot
# take it over says why on a second line, and the reexec is refused.
"$ARBORD" --handoff-check 3 3<"$T/a.ini" >"$T/hc.out" 2>&1 && fail "a configuration file read as a handoff: $(cat "$T/hc.out")"
assert_match '^[0-9]+$' "$(head -1 "$T/hc.out")" "the version first"
assert_match '^error: ' "$(sed -n 2p "$T/hc.out")" "why it cannot take over"
cat >"$T/picky" <<SH
#!/bin/sh
[ "\$1" = --handoff-check ] && [ -n "\$2" ] && [ -s /proc/self/fd/\$2 ] || exit 3
"$ARBORD" --handoff-check | head -1
echo "error: it does not like this state"
exit 1
SH
chmod +x "$T/picky"
ctl_expect 1 reexec --binary "$T/picky"
assert_match 'picky cannot take this arbord over: it does not like this state' "$(cat "$T/ctl.err")" "a refused state"
assert_eq "$w" "$(pid_of root/w)" "root/w after a refused state"

# A rolling restart whose successor waits at the gate: not handed off.
mkfifo "$T/gate"
r=$(pid_of root/g/r)
( ctl restart --rolling root/g >"$T/roll.out" 2>&1; echo $? >"$T/roll.rc" ) &
WATCH_PIDS+=($!)
poll 20 eval 'ctl status root/g/r --json | grep -q "\"successor_pid\":"' ||
    fail "no successor for root/g/r: $(ctl status root/g/r --json)"
# Refused after the 10 s it waits, naming it; a second one meanwhile at once.
bg_reexec "$T/r1.out"
wait_for "$T/events" 'reexec: waiting for root/g/r: a rolling restart'
ctl_expect 1 reexec
assert_match 'a reexec is under way already' "$(cat "$T/ctl.err")" "second reexec"
answers "while a reexec waits"
wait_for "$T/r1.out.rc" '^1$' 1 30
assert_match 'root/g/r: .*rolling restart.*not handed off yet.*waited 10 s' "$(cat "$T/r1.out")" "refusal after the wait"
assert_eq "$r" "$(pid_of root/g/r)" "the old root/g/r serves on"
ctl status root/g/r --json | grep -q '"successor_pid":' || fail "the roll ended: $(ctl status root/g/r --json)"
! grep -q ArborReexec "$T/events" || fail "an ArborReexec after a refusal"

# Waited for: the reexec goes on once the roll is over.
bg_reexec "$T/r2.out"
wait_for "$T/events" 'reexec: waiting for root/g/r: a rolling restart' 2
answers "while the second reexec waits"
echo go >"$T/gate"
wait_for "$T/roll.rc" '^0$' 1 30
wait_for "$T/r2.out.rc" '^0$' 1 30
assert_match "^re-executed: arbord .*pid $ARBORD_PID" "$(cat "$T/r2.out")" "reexec after the roll"
wait_event ArborReexec root
new=$(pid_of root/g/r)
[ -n "$new" ] && [ "$new" != "$r" ] || fail "root/g/r was not rolled: $new"
assert_eq "$w" "$(pid_of root/w)" "root/w after the reexec"
# The roll was over before the exec: its old process had ended.
awk '/"ProcessReady".*"root\/g\/r"/ { ready++ } /"ArborReexec"/ { exit !(ready == 2) }' "$T/events" ||
    fail "the exec came before the successor was ready"
answers "after the reexec"

# A client connected before the exec, its request sent after it (with a
# part of it before): the new arbord reads it and answers.
if command -v python3 >/dev/null; then
	mkfifo "$T/conn.go"
	python3 - "$T/arbor.sock" "$T/conn.up" "$T/conn.go" >"$T/conn.out" 2>&1 <<'PY' &
import socket, sys
path, up, go = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
s.sendall(b"ARBOR/1 pi")
open(up, "w").close()
with open(go) as f:	# a fifo: until the test writes to it
    f.read()
s.sendall(b"ng\n")
out = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
PY
	conn=$!
	WATCH_PIDS+=("$conn")
	poll 30 test -e "$T/conn.up" || fail "the client did not connect"
	ctl_expect 0 reexec
	echo go >"$T/conn.go"
	wait "$conn"
	assert_match "pid $ARBORD_PID" "$(cat "$T/conn.out")" "a client connected across the exec"
else
	echo "python3 not installed: a client across the exec not tested"
fi
stop_arbord
