# t_install: make install DESTDIR=... puts the binaries, man pages, example
# configuration, unit file and completion in place; the installed arbord
# and arborctl run a tree; make uninstall removes everything again.
. "$(dirname "$0")/lib.sh"

make -s -C "$ROOT" install DESTDIR="$T/inst" PREFIX=/usr >"$T/make.out" 2>&1 ||
    fail "make install: $(cat "$T/make.out")"
for f in usr/sbin/arbord usr/bin/arborctl usr/share/man/man8/arbord.8 \
    usr/share/man/man1/arborctl.1 usr/share/man/man5/arbor.ini.5 \
    usr/share/man/man7/arbor-protocol.7 usr/share/doc/arbor/example.ini \
    usr/share/doc/arbor/zero-downtime.ini \
    usr/share/bash-completion/completions/arborctl \
    usr/lib/systemd/system/arbord.service; do
	[ -e "$T/inst/$f" ] || fail "not installed: $f"
done
grep -q '^ExecStart=/usr/sbin/arbord ' "$T/inst/usr/lib/systemd/system/arbord.service" ||
    fail "unit file paths not adjusted to PREFIX"
unit=$T/inst/usr/lib/systemd/system/arbord.service
grep -qx 'ExecReload=/usr/bin/arborctl -c /etc/arbor/arbor.ini reload' "$unit" ||
    fail "unit file ExecReload: $(grep ExecReload "$unit")"
grep -qx 'RuntimeDirectory=arbor' "$unit" || fail "unit file: no RuntimeDirectory=arbor"
grep -qx 'OOMPolicy=continue' "$unit" || fail "unit file: no OOMPolicy=continue"
grep -v '^#' "$unit" | grep -q '/usr/local' &&
    fail "unit file keeps /usr/local: $(grep -v '^#' "$unit" | grep /usr/local)"
"$T/inst/usr/sbin/arbord" --version | grep -q '^arbord ' || fail "installed arbord --version"
"$T/inst/usr/sbin/arbord" -n -c "$T/inst/usr/share/doc/arbor/example.ini" >/dev/null ||
    fail "installed example.ini does not check"
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/sleep 1000
INI
ARBORD=$T/inst/usr/sbin/arbord
ARBORCTL=$T/inst/usr/bin/arborctl
start_arbord "$T/a.ini"
wait_event ProcessStarted root
ctl_expect 0 status
grep -q 'root/w\|w .*running' "$T/ctl.out" || fail "installed arborctl status: $(cat "$T/ctl.out")"
stop_arbord
make -s -C "$ROOT" uninstall DESTDIR="$T/inst" PREFIX=/usr >"$T/make.out" 2>&1 ||
    fail "make uninstall: $(cat "$T/make.out")"
left=$(find "$T/inst" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
assert_no_procs
