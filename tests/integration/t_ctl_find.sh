# t_ctl_find: where arborctl looks for the daemon. -c FILE reads the socket
# from FILE's [arbor] section (errors as file:line); -s wins over -c;
# $ARBOR_SOCKET is the only place when set; else the default socket and,
# when nothing answers there, the socket of the system configuration
# (ARBORCTL_SYSTEM_CONFIG stands in for /etc/arbor/arbor.ini). When
# nothing answers, the error names every place looked at: exit 4. The
# completion passes -c on and offers is-running.
. "$(dirname "$0")/lib.sh"

export XDG_RUNTIME_DIR=$T/xdg	# the default socket of a user
unset ARBOR_SOCKET
if [ "$(id -u)" = 0 ]; then deflt=/run/arbor/arbor.sock; else deflt=$T/xdg/arbor/arbor.sock; fi
[ -e "$deflt" ] && { echo "skipped: a daemon may answer at $deflt"; exit 0; }
actl() { "$ARBORCTL" "$@" >"$T/ctl.out" 2>"$T/ctl.err"; echo $?; }

mkdir -p "$T/etc"
cat >"$T/etc/a.ini" <<INI
[arbor]
socket = ../arbor.sock

[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
printf '[arbor]\nsocket = %s\n[supervisor:root]\n' "$T/arbor.sock" >"$T/sys.ini"
printf '[supervisor:root]\n' >"$T/nosock.ini"
printf '[arbor]\nsocket = %s/arbor.sock\nbogus = 1\n[supervisor:root]\n' "$T" >"$T/bad.ini"

# Nothing answers anywhere: every place is named.
out=$(ARBORCTL_SYSTEM_CONFIG=$T/sys.ini actl status)
assert_eq 4 "$out" "no daemon anywhere"
assert_eq "arborctl: no daemon at $deflt (default): No such file or directory; nor at $T/arbor.sock (from $T/sys.ini): No such file or directory" \
    "$(cat "$T/ctl.err")" "every place named"
assert_eq 4 "$(ARBORCTL_SYSTEM_CONFIG=$T/none.ini actl status)" "no system configuration"
assert_eq "arborctl: no daemon at $deflt (default): No such file or directory" \
    "$(cat "$T/ctl.err")" "only the default when the system configuration is absent"
assert_eq 4 "$(ARBORCTL_SYSTEM_CONFIG=$T/nosock.ini actl status)" "system configuration without a socket"
assert_match "; $T/nosock.ini sets no other socket\$" "$(cat "$T/ctl.err")" "said so"
assert_eq 4 "$(ARBORCTL_SYSTEM_CONFIG=$T/bad.ini actl status)" "invalid system configuration"
assert_match "; $T/bad.ini not read: $T/bad.ini:3: .*bogus" "$(cat "$T/ctl.err")" "its error, with file:line"

start_arbord "$T/etc/a.ini"
wait_event ProcessStarted root

# -c FILE: the socket it names (relative to the file), as arbord reads it.
assert_eq 0 "$(actl -c "$T/etc/a.ini" status)" "-c FILE"
assert_match 'w +worker +running' "$(cat "$T/ctl.out")" "-c FILE status"
assert_eq 0 "$(actl --config="$T/etc/a.ini" is-running root/w)" "--config=FILE"
assert_eq 0 "$(actl -c "$T/etc/a.ini" check)" "check takes the -c file"
assert_match "^$T/etc/a.ini: configuration OK" "$(cat "$T/ctl.out")" "checked the -c file"
# A file that cannot be read or is not valid: its errors, then 4.
assert_eq 4 "$(actl -c "$T/bad.ini" status)" "-c invalid file"
assert_match "^$T/bad.ini:3: .*bogus" "$(head -n 1 "$T/ctl.err")" "-c error as file:line"
assert_match "arborctl: $T/bad.ini: cannot tell the daemon's socket" "$(tail -n 1 "$T/ctl.err")" "-c error"
assert_eq 4 "$(actl -c "$T/missing.ini" status)" "-c missing file"
assert_match "$T/missing.ini" "$(cat "$T/ctl.err")" "-c missing file named"
# A file without a socket: the default, said so.
assert_eq 4 "$(ARBORCTL_SYSTEM_CONFIG=$T/sys.ini actl -c "$T/nosock.ini" status)" "-c without socket"
assert_eq "arborctl: no daemon at $deflt (default; $T/nosock.ini sets no socket): No such file or directory" \
    "$(cat "$T/ctl.err")" "-c without socket: the default only"
# -s wins over -c.
assert_eq 4 "$(actl -s "$T/none.sock" -c "$T/etc/a.ini" status)" "-s over -c"
assert_match "no daemon at $T/none.sock: " "$(cat "$T/ctl.err")" "-s named"
assert_eq 2 "$(actl -c)" "-c without its argument"
assert_eq 2 "$(actl -c '' status)" "-c empty"

# $ARBOR_SOCKET: the only place when set, no fallback.
assert_eq 0 "$(ARBOR_SOCKET=$T/arbor.sock actl status)" "ARBOR_SOCKET"
assert_eq 4 "$(ARBOR_SOCKET=$T/none.sock ARBORCTL_SYSTEM_CONFIG=$T/sys.ini actl status)" "ARBOR_SOCKET, nobody there"
assert_eq "arborctl: no daemon at $T/none.sock (from \$ARBOR_SOCKET): No such file or directory" \
    "$(cat "$T/ctl.err")" "ARBOR_SOCKET named, nothing else tried"

# Nothing given: the default fails, the system configuration's socket answers,
# for both requests of a worker's status.
assert_eq 0 "$(ARBORCTL_SYSTEM_CONFIG=$T/sys.ini actl status root/w)" "fallback"
assert_match '^command: ' "$(grep command: "$T/ctl.out")" "fallback: the worker's command"
assert_eq "" "$(cat "$T/ctl.err")" "fallback is quiet"

# The completion: is-running is a command; paths come through -c FILE.
assert_eq "is-running " "$(complete_words arborctl is-)" "command completed"
assert_eq "root root/w " "$(complete_words arborctl -c "$T/etc/a.ini" is-running r)" "paths through -c"
assert_eq "--config " "$(complete_words arborctl --con)" "option completed"

stop_arbord
assert_no_procs
