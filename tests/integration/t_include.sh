# t_include: [include] files = conf.d/*.ini adds the workers of a drop-in
# directory, in sorted order after the main file's, each running in the
# directory of the file that declares it; reload re-reads the includes,
# and an error in an included file names that file and line.
. "$(dirname "$0")/lib.sh"

mkdir "$T/conf.d"
cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5

[include]
files = conf.d/*.ini

[worker:root/main]
command = $T/sleep 1000
INI
cat >"$T/conf.d/20-jobs.ini" <<INI
[supervisor:root/jobs]

[worker:root/jobs/run]
command = ./run.sh
INI
script conf.d/run.sh >/dev/null <<EOS
#!/bin/sh
echo "run in \$(pwd)"
exec $T/sleep 1002
EOS
cat >"$T/conf.d/10-web.ini" <<INI
[worker:root/web]
command = sh -c 'echo "web in \$(pwd)"; exec "\$0" 1001' $T/sleep
INI
echo 'not a config file' >"$T/conf.d/README"

"$ARBORD" -n -c "$T/a.ini" >"$T/check.out" 2>&1 ||
    fail "arbord -n: $(cat "$T/check.out")"
assert_eq "$T/a.ini: configuration OK (5 nodes)" "$(cat "$T/check.out")" \
    "arbord -n"

start_arbord "$T/a.ini"
wait_event ProcessStarted root
assert_eq "ProcessStarted root/main
ProcessStarted root/web
ProcessStarted root/jobs/run
ProcessStarted root/jobs
ProcessStarted root" "$(event_seq)" "start order"
wait_for "$T/out" '^root/web \| web in '
wait_for "$T/out" '^root/jobs/run \| run in '
assert_eq "root/web | web in $T/conf.d" "$(grep '^root/web | ' "$T/out")" \
    "directory of a drop-in worker"
assert_eq "root/jobs/run | run in $T/conf.d" \
    "$(grep '^root/jobs/run | ' "$T/out")" "relative command of a drop-in"

# A new drop-in: reload starts what it adds, the rest keeps running.
main=$(pid_of root/main)
web=$(pid_of root/web)
cat >"$T/conf.d/30-more.ini" <<INI
[worker:root/more]
command = $T/sleep 1003
INI
ctl_expect 0 reload
assert_match 'added root/more' "$(cat "$T/ctl.out")" "reload report"
wait_event ProcessStarted root/more
assert_eq "$main" "$(pid_of root/main)" "main worker kept"
assert_eq "$web" "$(pid_of root/web)" "drop-in worker kept"

# A broken drop-in: its own file and line, nothing changes.
printf '[worker:root/bad]\ncomand = x\n' >"$T/conf.d/40-bad.ini"
printf '[arbor]\nsocket = /elsewhere\n' >"$T/conf.d/50-arbor.ini"
ctl_expect 1 reload
assert_eq "$T/conf.d/40-bad.ini:1: worker 'root/bad' has no command
$T/conf.d/40-bad.ini:2: unknown key 'comand' in worker 'root/bad' (did you mean 'command'?)
$T/conf.d/50-arbor.ini:1: section [arbor] is only allowed in the main file ($T/a.ini)" \
    "$(cat "$T/ctl.out")" "reload errors"
ctl_expect 1 status root/bad
rm "$T/conf.d/40-bad.ini" "$T/conf.d/50-arbor.ini"

# Removing a drop-in stops what it declared.
rm "$T/conf.d/20-jobs.ini"
ctl_expect 0 reload
assert_match 'removed root/jobs' "$(cat "$T/ctl.out")" "reload report"
wait_event ProcessTerminated root/jobs
pgrep -f "$T/sleep 1002" >/dev/null && fail "removed drop-in still running"
stop_arbord
assert_no_procs
