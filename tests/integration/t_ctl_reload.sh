# t_ctl_reload: arborctl reload (and SIGHUP) bring the live tree to the new
# configuration with the least disruption: added nodes start, removed ones
# stop with cleanup, changed ones restart, unchanged ones keep their pids;
# a broken configuration changes nothing.
. "$(dirname "$0")/lib.sh"

conf() {
	cat >"$T/a.ini"
}
conf <<INI
[supervisor:root]
intensity = 5

[worker:root/keep]
command = $T/sleep 1000

[worker:root/change]
command = $T/sleep 1001

[worker:root/tune]
command = $T/sleep 1002
shutdown = 5s

[supervisor:root/gone]
cleanup = sh -c 'echo gone-cleanup >&2'

[worker:root/gone/w]
command = $T/sleep 1003
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
keep=$(pid_of root/keep)
tune=$(pid_of root/tune)
change=$(pid_of root/change)

conf <<INI
[supervisor:root]
intensity = 5

[worker:root/new]
command = $T/sleep 1004

[worker:root/keep]
command = $T/sleep 1000

[worker:root/change]
command = $T/sleep 1005

[worker:root/tune]
command = $T/sleep 1002
shutdown = 9s
INI
ctl_expect 0 reload
out=$(cat "$T/ctl.out")
assert_match 'added root/new' "$out" "report: added"
assert_match 'removed root/gone' "$out" "report: removed"
assert_match 'restarted root/change \(command\)' "$out" "report: changed"
assert_match 'updated root/tune \(shutdown\)' "$out" "report: updated"
assert_match '2 nodes unchanged' "$out" "report: unchanged"
wait_event ProcessStarted root/change 2
wait_event ProcessTerminated root/gone
assert_eq "$keep" "$(pid_of root/keep)" "unchanged pid"
assert_eq "$tune" "$(pid_of root/tune)" "updated in place, same pid"
[ "$change" != "$(pid_of root/change)" ] || fail "changed worker kept its pid"
pgrep -f "$T/sleep 1005" >/dev/null || fail "new command not running"
pgrep -f "$T/sleep 1003" >/dev/null && fail "removed worker still running"
grep -q '^root/gone:cleanup | gone-cleanup$' "$T/out" || fail "removed subtree not cleaned up"
assert_eq running "$(state_of root/new)" "added"
ctl_expect 1 status root/gone
# The new order counts: root/new is first now.
assert_match '^\{"path":"root","node":"supervisor".*"children":\[\{"path":"root/new"' \
    "$(ctl status --json)" "order"

# A broken configuration: errors with file:line, nothing changes.
cp "$T/a.ini" "$T/good.ini"
printf '\n[worker:root/bad]\ncomand = x\n' >>"$T/a.ini"
before=$(ctl status --json | sed 's/"since":"[^"]*"//g; s/"cpu_permille":[0-9a-z]*//g')
ctl_expect 1 reload
assert_match "$T/a.ini:[0-9]+: unknown key 'comand'" "$(cat "$T/ctl.out")" "errors listed"
assert_match 'nothing changed' "$(cat "$T/ctl.err")" "nothing changed"
assert_eq "$before" "$(ctl status --json | sed 's/"since":"[^"]*"//g; s/"cpu_permille":[0-9a-z]*//g')" "tree untouched"

# SIGHUP does the same and logs the outcome.
cp "$T/good.ini" "$T/a.ini"
printf '\n[worker:root/hup]\ncommand = %s/sleep 1006\n' "$T" >>"$T/a.ini"
kill -HUP "$ARBORD_PID"
wait_event ProcessStarted root/hup
wait_for "$T/events" 'arbord: reload: added root/hup'
assert_eq "$keep" "$(pid_of root/keep)" "unchanged after SIGHUP"
stop_arbord
assert_no_procs
