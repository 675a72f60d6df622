# t_state_owner: a supervisor's state directory can belong to the workers
# of its subtree (state_owner = USER[:GROUP], state_mode), made so on every
# start: a worker running as nobody writes the shared state.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to run a worker as nobody"; exit 0; }
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody"; exit 0; }
chmod 755 "$T"
group=$(id -gn nobody)
cat >"$T/a.ini" <<INI
[supervisor:root]

[supervisor:root/sub]
state_owner = nobody
state_mode = 0750

[worker:root/sub/w]
user = nobody
command = sh -c 'echo shared >"\$ARBOR_STATE_DIR/file" && echo wrote; exec $T/sleep 1000'
INI
start_arbord "$T/a.ini"
wait_for "$T/out" '^root/sub/w \| wrote$'
assert_eq "nobody $group 750" "$(stat -c '%U %G %a' "$T/state/root/sub")" "state directory"
assert_eq "nobody" "$(stat -c '%U' "$T/state/root/sub/file")" "the worker's file"
# A restart of the subtree: a fresh directory, owned again.
ctl_expect 0 restart root/sub
wait_event ProcessStarted root/sub 2
wait_for "$T/out" '^root/sub/w \| wrote$' 2
assert_eq "nobody $group 750" "$(stat -c '%U %G %a' "$T/state/root/sub")" "state directory after a restart"
stop_arbord
assert_no_procs
