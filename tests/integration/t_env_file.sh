# t_env_file: env_file = PATH... on supervisors and workers. The values
# reach the worker (and the setup script and the whole subtree of a
# supervisor), ranked: supervisor file < its env.* < its setup output <
# worker file < worker env.* < ARBOR_*; relative paths are relative to the
# configuration file; files are read at every start, so a changed file
# gives the new value at the next start; a missing file is a start error
# naming it, unless written -PATH; a malformed line is PATH:LINE: message.
. "$(dirname "$0")/lib.sh"

show=$(script show <<SH
#!/bin/sh
echo "A=\$A B=\$B C=\$C D=\$D E=\$E Q=\$Q P=\$ARBOR_PATH"
exec $T/sleep 1000
SH
)
setup=$(script setup <<'SH'
#!/bin/sh
echo "setup sees A=$A" >&2
echo "C=from-setup"
SH
)
mkdir "$T/conf"
cat >"$T/conf/sup.env" <<'ENV'
# the supervisor's file
A=sup-file
B=sup-file
C=sup-file
export D="sup file"
ENV
cat >"$T/conf/w.env" <<'ENV'
D=w-file
E='w file # not a comment'
Q="say \"hi\" \$x"
ARBOR_PATH=ignored
ENV
cat >"$T/conf/a.ini" <<INI
[supervisor:root]
intensity = 10
period = 1m

[supervisor:root/s]
env_file = sup.env -missing.env
env.B = sup-env
setup = $setup
intensity = 100
period = 1m

[worker:root/s/w]
command = $show
env_file = w.env
env.E = w-env
restart_delay = 200ms
restart_delay_max = 200ms
INI
start_arbord "$T/conf/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/s/w \| '
assert_eq 'root/s/w | A=sup-file B=sup-env C=from-setup D=w-file E=w-env Q=say "hi" $x P=root/s/w' \
    "$(grep '^root/s/w | ' "$T/out")" "ranks"
grep -q '^root/s:setup | setup sees A=sup-file$' "$T/out" ||
    fail "the setup script did not get the file: $(cat "$T/out")"

# Changed between restarts: the next start reads it again.
sed -i 's/^D=w-file$/D=w-file-2/' "$T/conf/w.env"
sed -i 's/^A=sup-file$/A=sup-file-2/' "$T/conf/sup.env"
ctl_expect 0 restart root/s/w
wait_event ProcessStarted root/s/w 2
wait_for "$T/out" '^root/s/w \| ' 2
assert_match 'A=sup-file B=.* D=w-file-2 ' "$(grep '^root/s/w | ' "$T/out" | tail -1)" \
    "the worker's file read again, the supervisor's kept until it starts"
ctl_expect 0 restart root/s
wait_event ProcessStarted root/s 2
wait_for "$T/out" '^root/s/w \| ' 3
assert_match 'A=sup-file-2 ' "$(grep '^root/s/w | ' "$T/out" | tail -1)" \
    "the supervisor's file read again at its start"

# The worker's file goes: a start error naming it, restarted by the rules.
rm "$T/conf/w.env"
ctl_expect 1 restart root/s/w
assert_match "env_file $T/conf/w.env: No such file or directory" \
    "$(cat "$T/ctl.err")" "arborctl restart says why"
wait_event ProcessStartFailed root/s/w
assert_match "\"error\":\"env_file $T/conf/w.env: No such file or directory\"" \
    "$(event_line ProcessStartFailed root/s/w)" "missing file"
# Back, but malformed: PATH:LINE: message.
printf 'D=ok\n\nnot an assignment\n' >"$T/conf/w.env"
wait_for "$T/events" "\"error\":\"$T/conf/w.env:3: expected KEY=VALUE\"" 1 20
printf 'D=fixed\n' >"$T/conf/w.env"
wait_event ProcessStarted root/s/w 4 20
wait_for "$T/out" '^root/s/w \| .* D=fixed ' 1
stop_arbord
assert_no_procs

# A supervisor whose file is missing: its start fails, as a failed setup.
cat >"$T/conf/b.ini" <<INI
[supervisor:root]
intensity = 0

[supervisor:root/s]
env_file = nowhere.env

[worker:root/s/w]
command = $T/sleep 1000
INI
"$ARBORD" -n -c "$T/conf/b.ini" >"$T/o" 2>&1 || fail "a missing file is no config error: $(cat "$T/o")"
start_arbord "$T/conf/b.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_match "\"error\":\"setup failed: env_file $T/conf/nowhere.env: No such file or directory\"" \
    "$(event_line ProcessStartFailed root/s)" "supervisor's missing file"
assert_no_procs
