# t_ctl_status: arborctl status as people and programs read it, and its
# exit status on the LSB convention: a header row over aligned columns; a
# single worker with its command line and last 10 log lines; JSON with
# "command", "pool" and "instances"; exit 0 when every node shown runs or
# completed, 3 when one is stopped, failed, in backoff or starting;
# is-running PATH prints nothing and asks about the node itself. Usage
# errors are one line and a hint.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C		# ASCII tree glyphs

talk=$(script talk <<SH
#!/bin/sh
for i in 01 02 03 04 05 06 07 08 09 10 11; do echo "line-\$i"; done
printf 'tab\there\n'
exec $T/sleep 1000
SH
)
conf() {
	cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[worker:root/job]
command = sh -c 'echo job done'
ready = exit
restart = transient

[worker:root/talk]
command = $talk 'two words' "it's"

[worker:root/pool]
command = $T/sleep 1000
instances = 2
INI
}
conf
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/talk \| tab'

# Every node running or completed: 0, with a header row over the columns.
ctl_expect 0 status
out=$(cat "$T/ctl.out")
assert_match '^NODE +KIND +STATE +PID +UP/DOWN +RESTARTS +CPU +MEMORY +LAST ERROR$' "$(head -n 1 <<<"$out")" "header"
assert_match '^root +supervisor +running ' "$(sed -n 2p <<<"$out")" "root row"
assert_match 'job +worker +completed ' "$out" "completed job"
# The columns line up under the header: KIND, STATE and PID everywhere.
want=$(head -n 1 <<<"$out" | awk '{ print index($0, "KIND"), index($0, "STATE"), index($0, "PID") }')
got=$(tail -n +2 <<<"$out" | awk '{
	match($0, / (worker|supervisor) +/); k = RSTART + 1; s = RSTART + RLENGTH
	match(substr($0, s), / +/); print k, s, s + RSTART + RLENGTH - 1 }' | sort -u)
assert_eq "$want" "$got" "columns aligned"
ctl_expect 0 status root/pool
assert_eq 4 "$(wc -l <"$T/ctl.out")" "a pool: header and three rows"
grep -q '^command:' "$T/ctl.out" && fail "a pool has no command line"

# One worker: its status, its command line as it is run, its last 10 lines.
ctl_expect 0 status root/talk
out=$(cat "$T/ctl.out")
assert_match '^root/talk +worker +running +[0-9]+ +up ' "$(sed -n 2p <<<"$out")" "worker row"
assert_eq "command: $talk 'two words' 'it'\\''s'" "$(grep '^command:' <<<"$out")" "command line"
logs=$(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z (out|err) ' <<<"$out")
assert_eq 10 "$(wc -l <<<"$logs")" "last 10 log lines"
assert_match ' out line-03$' "$(head -n 1 <<<"$logs")" "oldest line shown"
assert_match ' out tab\\there$' "$(tail -n 1 <<<"$logs")" "newest line, control character visible"
grep -q 'line-02' <<<"$out" && fail "more than 10 log lines: $out"

# JSON: the command as its words, pools marked.
ctl_expect 0 status --json
json=$(cat "$T/ctl.out")
assert_match '^\{"path":"root","node":"supervisor",.*"last_error":null,"command":null,"pool":false,"cpu_usec":[0-9]+,[^{]*"children":\[' "$json" "root"
assert_match "\"path\":\"root/talk\",[^{]*\"command\":\[\"$talk\",\"two words\",\"it's\"\],\"pool\":false,[^{]*\"children\":\[\]" "$json" "worker command"
assert_match '"path":"root/pool","node":"supervisor",[^{]*"command":null,"pool":true,"instances":2,[^{]*"children":\[\{"path":"root/pool/1"' "$json" "pool"
assert_match "\"path\":\"root/pool/2\",[^{]*\"command\":\[\"$T/sleep\",\"1000\"\],\"pool\":false," "$json" "instance"

# is-running: nothing printed, 0; a completed one-shot counts as running.
for p in root root/talk root/job root/pool root/pool/1; do
	ctl_expect 0 is-running "$p"
	assert_eq "" "$(cat "$T/ctl.out")" "is-running $p prints nothing"
done

# A stopped worker: status of the tree and of the node exit 3; the root
# itself still runs (a supervisor counts by its own state).
ctl_expect 0 stop root/pool/2
ctl_expect 3 status
assert_match '2 +worker +stopped ' "$(cat "$T/ctl.out")" "stopped instance shown"
ctl_expect 3 status root/pool
ctl_expect 3 status root/pool --json
assert_match '"path":"root/pool/2","node":"worker","state":"stopped"' "$(cat "$T/ctl.out")" "json still printed"
ctl_expect 3 is-running root/pool/2
assert_eq "" "$(cat "$T/ctl.out")" "is-running prints nothing when not running"
ctl_expect 0 is-running root/pool
ctl_expect 0 is-running root
ctl_expect 0 status root/pool/1
ctl_expect 0 start root/pool/2
ctl_expect 0 status

# Backoff, failed and starting: 3.
cat >>"$T/a.ini" <<INI

[worker:root/crash]
command = sh -c 'exit 1'
restart_delay = 1h

[worker:root/once]
command = sh -c 'echo gone >&2; exit 2'
restart = temporary

[worker:root/slow]
command = $T/sleep 1002
ready = delay:1h
INI
ctl_expect 0 reload
wait_event ProcessFailed root/crash
wait_event ProcessFailed root/once
assert_eq backoff "$(state_of root/crash)" "crash"
assert_eq failed "$(state_of root/once)" "once"
assert_eq starting "$(state_of root/slow)" "slow"
for p in root/crash root/once root/slow; do
	ctl_expect 3 is-running "$p"
	ctl_expect 3 status "$p"
done
ctl_expect 3 status
ctl_expect 0 is-running root
# A failed worker's status shows its last log lines too.
ctl_expect 3 status root/once
assert_match ' err gone$' "$(cat "$T/ctl.out")" "failed worker's last line"

# Failed requests and usage errors.
ctl_expect 1 is-running root/nope
assert_match "no node 'root/nope'" "$(cat "$T/ctl.err")" "unknown node"
assert_eq "" "$(cat "$T/ctl.out")" "is-running prints nothing on stdout"
for args in "is-running" "is-running a b" "frobnicate" "status --bogus" \
    "logs root -n x" "-x status" "signal root NOSUCHSIG" "status bad\\path\\ x"; do
	# shellcheck disable=SC2086
	ctl_expect 2 $args
	assert_eq 2 "$(wc -l <"$T/ctl.err")" "arborctl $args: one error line and a hint"
	assert_match '^arborctl: ' "$(head -n 1 "$T/ctl.err")" "arborctl $args: error line"
	assert_eq "Try 'arborctl help'." "$(tail -n 1 "$T/ctl.err")" "arborctl $args: hint"
done
ctl_expect 0 help
assert_match 'is-running path' "$(cat "$T/ctl.out")" "help lists is-running"
ctl_expect 0 --help
assert_match '^usage: arborctl' "$(cat "$T/ctl.out")" "--help: the usage"

stop_arbord
# No daemon: 4, for status and is-running alike.
ctl_expect 4 status
ctl_expect 4 is-running root
assert_no_procs
