# t_unit: the systemd unit that `make install` writes passes
# `systemd-analyze verify` without a message (an unknown key or a bad value
# is only a warning to systemd, so any output fails), with the paths of
# its PREFIX, and arborctl -c reloads a tree whose configuration names its
# own socket, as its ExecReload line does.
. "$(dirname "$0")/lib.sh"

make -s -C "$ROOT" install PREFIX="$T/p" >"$T/make.out" 2>&1 ||
    fail "make install: $(cat "$T/make.out")"
unit=$T/p/lib/systemd/system/arbord.service
grep -qx "ExecStart=$T/p/sbin/arbord -c /etc/arbor/arbor.ini" "$unit" ||
    fail "ExecStart: $(grep ExecStart "$unit")"
grep -qx "ExecReload=$T/p/bin/arborctl -c /etc/arbor/arbor.ini reload" "$unit" ||
    fail "ExecReload: $(grep ExecReload "$unit")"
grep -qx 'RuntimeDirectory=arbor' "$unit" || fail "no RuntimeDirectory=arbor"
grep -qx 'OOMPolicy=continue' "$unit" || fail "no OOMPolicy=continue"

if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --man=no "$unit" >"$T/verify" 2>&1 ||
	    fail "systemd-analyze verify: $(cat "$T/verify")"
	[ -s "$T/verify" ] && fail "systemd-analyze verify: $(cat "$T/verify")"
else
	echo "SKIP: systemd-analyze missing (the unit's lines were checked, not verified by systemd)"
fi

# The reload command of the unit, with this test's file for /etc/arbor's.
reload=$(sed -n 's/^ExecReload=//p' "$unit")
cat >"$T/a.ini" <<INI
[arbor]
socket = $T/own.sock

[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
if "$ARBORCTL" -c "$T/a.ini" status 2>&1 | grep -qiE "unknown option|invalid option|unrecognized option"; then
	echo "SKIP: arborctl -c is not supported by this arborctl (the unit's ExecReload needs it)"
	exit 0
fi
${ARBORD_WRAP:-} "$ARBORD" -c "$T/a.ini" -S "$T/state" --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted root
echo "[worker:root/v]
command = $T/sleep 1000" >>"$T/a.ini"
${reload/\/etc\/arbor\/arbor.ini/$T/a.ini} >"$T/reload.out" 2>&1 ||
    fail "ExecReload ($reload): $(cat "$T/reload.out")"
wait_event ProcessStarted root/v
stop_arbord

assert_no_procs
