# t_ctl_robust: the control socket under bad clients: garbage, an endless
# line, an unknown version, a client that vanishes mid-reply, 200 clients
# at once, a refused user, a second daemon on the same socket, a stale
# socket. The tree is never hurt.
. "$(dirname "$0")/lib.sh"
: "${RAWCLIENT:?set RAWCLIENT to tests/integration/rawclient}"

cat >"$T/a.ini" <<INI
[arbor]
socket_group = daemon

[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
pid=$(pid_of root/w)
raw() { "$RAWCLIENT" "$@" "$T/arbor.sock"; }

assert_match '^error	not an arbor request' "$(printf 'hello\n' | raw)" "garbage"
assert_match '^error	unsupported protocol version' "$(printf 'ARBOR/9 status\n' | raw)" "version"
assert_match "^error	unknown command 'frob'" "$(printf 'ARBOR/1 frob\n' | raw)" "unknown command"
assert_match '^error	' "$(printf 'ARBOR/1 status  root\n' | raw)" "empty word"
assert_match '^error	' "$(printf 'ARBOR/1 st\001tus\n' | raw)" "control byte"
assert_match '^error	request too long' "$(head -c 100000 /dev/zero | tr '\0' a | raw)" "endless line"
assert_match '^ok	arbord ' "$(printf 'ARBOR/1 ping\n' | raw)" "ping"
# EOF before a full request, and clients that vanish mid-reply.
printf 'ARBOR/1 sta' | raw -c
# A request without its final newline, then a half-close: an error record.
assert_match '^error	request without a final newline' \
    "$(printf 'ARBOR/1 status' | raw -h)" "half-closed request"
for i in $(seq 1 20); do printf 'ARBOR/1 events\n' | raw -c; done
for i in $(seq 1 20); do printf 'ARBOR/1 status\n' | raw -c; done
assert_eq "$pid" "$(pid_of root/w)" "tree untouched by bad clients"

# 200 clients at once.
cpids=()
for i in $(seq 1 200); do
	ctl status --json >"$T/c.$i" 2>&1 &
	cpids+=($!)
done
wait_rc=0
for p in "${cpids[@]}"; do wait "$p" || wait_rc=1; done
assert_eq 0 "$wait_rc" "200 concurrent clients all served"
for i in $(seq 1 200); do
	grep -q '"path":"root/w"' "$T/c.$i" || fail "client $i: $(cat "$T/c.$i")"
done

# Permissions: socket 0660 for the socket_group; others are refused.
assert_eq "660 daemon" "$(stat -c '%a %G' "$T/arbor.sock")" "socket mode and group"
chmod 755 "$T"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# Other users run arborctl: a copy they can reach.
	public_ctl=$(public_copy "$ARBORCTL")
	as() {
		local user=$1 group=$2; shift 2
		setpriv --reuid="$user" --regid="$group" --clear-groups \
		    "$public_ctl" -s "$T/arbor.sock" "$@"
	}
	as daemon daemon status >"$T/n.out" 2>&1 ||
	    fail "a member of socket_group was refused: $(cat "$T/n.out")"
	# nobody is not in the group: the socket's mode refuses it, and
	# arborctl says a daemon is there but denies access (not "no daemon").
	as nobody nogroup status >"$T/n.out" 2>&1
	assert_eq 5 "$?" "exit status of a user the socket's mode refuses"
	assert_match 'access denied to the daemon at .*Permission denied' \
	    "$(cat "$T/n.out")" "socket refusal message"
	# With the file mode opened up, the daemon itself refuses by the
	# peer's credentials.
	chmod 666 "$T/arbor.sock"
	as nobody nogroup stop root/w >"$T/n.out" 2>&1
	assert_eq 5 "$?" "refused user's exit status"
	assert_match 'permission denied: uid [0-9]+ may not control this arbord' \
	    "$(cat "$T/n.out")" "refusal message"
	assert_eq running "$(state_of root/w)" "refused stop did nothing"
else
	echo "skipped the permission checks: need root and setpriv"
fi

# A second daemon on the same socket refuses to start.
"$ARBORD" -c "$T/a.ini" -S "$T/state2" -s "$T/arbor.sock" >"$T/second.out" 2>&1
assert_eq 1 "$?" "second daemon exit status"
assert_match 'another arbord is running' "$(cat "$T/second.out")" "second daemon message"
assert_eq "$pid" "$(pid_of root/w)" "first daemon unaffected"

# A stale socket (daemon killed) is replaced.
kill -KILL "$ARBORD_PID"
wait_arbord
pkill -f "$T/sleep 1000"
[ -S "$T/arbor.sock" ] || fail "expected a stale socket"
start_arbord "$T/a.ini"
wait_event ProcessStarted root
grep -q 'replaced a stale socket' "$T/events" || fail "stale socket not reported"
ctl_expect 0 status
stop_arbord
assert_no_procs
