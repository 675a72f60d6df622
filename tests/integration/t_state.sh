# t_state: every (re)start of a supervisor gets a fresh state directory;
# setup's KEY=VALUE lines, env.* and ARBOR_* reach the whole subtree; the
# state directory is removed after cleanup without following symlinks.
. "$(dirname "$0")/lib.sh"

mkdir "$T/precious"
echo keep >"$T/precious/file"
setup=$(script setup <<SH
#!/bin/sh
[ -z "\$(ls -A "\$ARBOR_STATE_DIR")" ] || { echo "state not empty" >&2; exit 1; }
echo "SUB_TOKEN=token-\$\$"
echo "GREETING=overridden"
echo "just a message"
ln -s "$T/precious" "\$ARBOR_STATE_DIR/link"
touch "\$ARBOR_STATE_DIR/junk"
SH
)
show=$(script show <<'SH'
#!/bin/sh
echo "path=$ARBOR_PATH state=$ARBOR_STATE_DIR token=$SUB_TOKEN greeting=$GREETING level=$LEVEL own=$OWN"
echo "cwd=$(pwd)"
exec "$1/sleep" 1000
SH
)
mkdir "$T/wd"
cat >"$T/a.ini" <<INI
[supervisor:root]
env.GREETING = hello
env.LEVEL = root
intensity = 5

[supervisor:root/sub]
setup = $setup
env.LEVEL = sub

[worker:root/sub/show]
command = $show $T
env.OWN = mine
directory = $T/wd
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/sub/show \| cwd='
line=$(grep '^root/sub/show | path=' "$T/out")
assert_match "path=root/sub/show state=$T/state/root/sub token=token-[0-9]+ greeting=overridden level=sub own=mine\$" "$line" "environment"
grep -q "^root/sub/show | cwd=$T/wd\$" "$T/out" || fail "directory not used"
grep -q '^root/sub:setup | just a message$' "$T/out" || fail "setup message not logged"
token1=$(sed -n 's/.*token=\(token-[0-9]*\).*/\1/p' "$T/out" | head -1)

# Kill the subtree's worker repeatedly: sub gives up (intensity 1), root
# restarts it, and the new setup sees an empty directory again.
pkill -f "$T/sleep 1000"
wait_event ProcessStarted root/sub/show 2
pkill -f "$T/sleep 1000"
wait_event ProcessFailed root/sub
wait_event ProcessStarted root/sub 2
wait_for "$T/out" '^root/sub/show \| path=' 3
token2=$(sed -n 's/.*token=\(token-[0-9]*\).*/\1/p' "$T/out" | tail -1)
[ "$token1" != "$token2" ] || fail "setup did not run again"
assert_eq keep "$(cat "$T/precious/file")" "symlink target untouched"
stop_arbord
[ -e "$T/state/root" ] && fail "state left behind"
assert_eq keep "$(cat "$T/precious/file")" "symlink target untouched at stop"
assert_no_procs
