# t_logs: worker output beyond arbord's stdout. arborctl logs shows the last
# lines of a worker (and a supervisor's setup output), with -t their time
# and stream, and with -f new lines as they come until the node is removed
# by a reload; stdout/stderr = null, file:PATH and inherit; stderr = stdout
# (one pipe: stderr's lines in the stdout stream, its last line still the
# reason of a failure); a file that
# cannot be opened fails the start; [arbor] log_dir files with timestamps,
# rotated by size under a worker that writes fast.
. "$(dirname "$0")/lib.sh"

ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
hup=$(script hup <<SH
#!/bin/sh
n=0
trap 'n=\$((n + 1)); echo "hup \$n"' HUP
echo ready
while :; do $T/sleep 1000 & wait \$!; done
SH
)
fast=$(script fast <<SH
#!/bin/sh
# 15000 lines of 71 bytes: about 1 MB through arbord, 1.5 MB of log file.
yes 0123456789012345678901234567890123456789012345678901234567890123456789 |
    head -n 15000
echo done
exec $T/sleep 1000
SH
)
mkdir "$T/work"
cat >"$T/a.ini" <<INI
[arbor]
log_dir = logs
log_max_size = 64K
log_keep = 2

[supervisor:root]
intensity = 5
setup = sh -c 'echo setup-said-hi'
directory = $T/work

[worker:root/lines]
command = sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "line \$i"; done; exec $T/sleep 1000'

[worker:root/hup]
command = $hup
stderr = null			; sh's "Hangup" for its killed sleep

[worker:root/quiet]
command = sh -c 'echo to-null; echo to-file >&2; exec $T/sleep 1000'
stdout = null
stderr = file:quiet.err

[worker:root/err]
command = sh -c 'echo to-stderr >&2; exec $T/sleep 1000'

[worker:root/merged]
command = sh -c 'echo merged-out; echo merged-err >&2; exec $T/sleep 1000'
stderr = stdout

[worker:root/mfail]
command = sh -c 'echo why-it-died >&2; exit 3'
stderr = stdout
restart = temporary

[worker:root/inh]
command = sh -c 'echo inherited-out; echo inherited-err >&2; exec $T/sleep 1000'
stdout = inherit
stderr = inherit
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
wait_for "$T/out" '^root/lines \| line 10$'
wait_for "$T/out" '^root/hup \| ready$'
wait_for "$T/out" '^root/err \| to-stderr$'
wait_for "$T/out" '^root/merged \| merged-err$'
ctl_expect 0 logs root/merged -t
assert_match "^$ts out merged-out
$ts out merged-err\$" "$(cat "$T/ctl.out")" "stderr = stdout: one stream"
mpid=$(pid_of root/merged)
assert_eq "$(readlink /proc/"$mpid"/fd/1)" "$(readlink /proc/"$mpid"/fd/2)" "stderr = stdout: one pipe"
wait_event ProcessFailed root/mfail
assert_match '"exit":3,"error":"exit status 3: why-it-died"' "$(event_line ProcessFailed root/mfail)"

# The last lines, plain and with -t; the default is 20, -n all is all.
ctl_expect 0 logs root/lines -n 3
assert_eq "line 8
line 9
line 10" "$(cat "$T/ctl.out")" "logs -n 3"
ctl_expect 0 logs root/lines -n2 -t
assert_match "^$ts out line 9
$ts out line 10\$" "$(cat "$T/ctl.out")" "logs -t"
ctl_expect 0 logs root/lines
assert_eq 10 "$(wc -l <"$T/ctl.out")" "logs (default 20 of 10)"
ctl_expect 0 logs root/lines --lines=all
assert_eq "line 1" "$(head -n 1 "$T/ctl.out")" "logs --lines=all"
ctl_expect 0 logs root/hup -t
assert_match "^$ts out ready\$" "$(cat "$T/ctl.out")" "stdout line"
ctl_expect 0 logs root/err --timestamps
assert_match "^$ts err to-stderr\$" "$(cat "$T/ctl.out")" "stderr line"
# A supervisor's logs are its setup and cleanup output.
ctl_expect 0 logs root
assert_eq "setup-said-hi" "$(cat "$T/ctl.out")" "supervisor logs"
ctl_expect 1 logs root/nope
assert_match "no node 'root/nope'" "$(cat "$T/ctl.err")" "unknown node"
ctl_expect 2 logs
ctl_expect 2 logs root/lines -n lots
ctl_expect 2 logs root/lines -n
ctl_expect 2 events -n 3

# -f: the backlog, then each line as the worker prints it.
ctl logs root/hup -n 1 -f >"$T/follow" 2>"$T/follow.err" &
fpid=$!
wait_for "$T/follow" '^ready$'
ctl_expect 0 signal root/hup HUP
wait_for "$T/follow" '^hup 1$'
ctl_expect 0 signal root/hup HUP
wait_for "$T/follow" '^hup 2$'
assert_eq "ready
hup 1
hup 2" "$(cat "$T/follow")" "followed lines"

# stdout = null, stderr = file:PATH (relative to the worker's directory),
# inherit: nothing of them passes through arbord.
wait_for "$T/work/quiet.err" '^to-file$'
grep -q 'to-null' "$T/out" "$T/work/quiet.err" && fail "stdout = null was not"
grep -q 'root/quiet' "$T/out" && fail "quiet worker's output went through arbord"
ctl_expect 0 logs root/quiet
assert_eq "" "$(cat "$T/ctl.out")" "no logs kept for null and file"
wait_for "$T/out" '^inherited-out$'
wait_for "$T/events" '^inherited-err$'
grep -q 'inherited' "$T/logs/root.inh.log" 2>/dev/null && fail "inherit logged"

# log_dir: one file per node, path with / as ., lines with time and stream.
wait_for "$T/logs/root.lines.log" "^$ts out line 10\$"
assert_match "^$ts out line 1\$" "$(head -n 1 "$T/logs/root.lines.log")" "log file line"
wait_for "$T/logs/root.err.log" "^$ts err to-stderr\$"
wait_for "$T/logs/root.hup.log" "^$ts out hup 2\$"
wait_for "$T/logs/root.log" "^$ts out setup-said-hi\$"

# Removed by a reload: a follower gets ok and ends. A changed stdout
# restarts the worker.
cat >"$T/b.ini" <<INI
[arbor]
log_dir = logs
log_max_size = 64K
log_keep = 2

[supervisor:root]
intensity = 5
setup = sh -c 'echo setup-said-hi'
directory = $T/work

[worker:root/lines]
command = sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "line \$i"; done; exec $T/sleep 1000'
stdout = null

[worker:root/quiet]
command = sh -c 'echo to-null; echo to-file >&2; exec $T/sleep 1000'
stdout = null
stderr = file:quiet.err
INI
cp "$T/b.ini" "$T/a.ini"
ctl_expect 0 reload
assert_match 'restarted root/lines \(stdout\)' "$(cat "$T/ctl.out")" "reload report"
wait "$fpid"
assert_eq 0 "$?" "logs -f ends when its node is removed"
assert_match 'root/hup: removed by a reload' "$(cat "$T/follow.err")" "removal message"
ctl_expect 1 logs root/hup
stop_arbord
assert_no_procs

# A file that cannot be opened fails the start, with the reason.
cat >"$T/c.ini" <<INI
[supervisor:root]
intensity = 0

[worker:root/w]
command = $T/sleep 1000
stdout = file:$T/no/such/dir/out
INI
start_arbord "$T/c.ini"
wait_arbord
assert_eq 3 "$RC" "exit status"
assert_match "\"error\":\"stdout file:$T/no/such/dir/out: No such file or directory\"" \
    "$(event_line ProcessStartFailed root/w)"
assert_no_procs

# Rotation under a fast writer: 64K files, two old ones kept, none beyond.
# (Its megabyte of output on arbord's stdout goes to /dev/null.)
cat >"$T/d.ini" <<INI
[arbor]
log_dir = logs
log_max_size = 64K
log_keep = 2

[supervisor:root]
directory = $T/work

[worker:root/fast]
command = $fast
INI
"$ARBORD" -c "$T/d.ini" -S "$T/state" -s "$T/arbor.sock" >/dev/null \
    2>"$T/events" &
ARBORD_PID=$!
wait_for "$T/logs/root.fast.log" "^$ts out done\$" 1 60
for f in root.fast.log root.fast.log.1 root.fast.log.2; do
	[ -f "$T/logs/$f" ] || fail "no $f: $(ls "$T/logs")"
	size=$(stat -c %s "$T/logs/$f")
	[ "$size" -le 65536 ] || fail "$f is $size bytes, above log_max_size"
done
[ -e "$T/logs/root.fast.log.3" ] && fail "more than log_keep old files"
[ "$(stat -c %s "$T/logs/root.fast.log.1")" -gt 60000 ] ||
    fail "root.fast.log.1 rotated early"
grep -q 'lines dropped' "$T/logs/"root.fast.log* && fail "lines dropped"
# Files end with whole lines: rotation happens between lines.
for f in root.fast.log.1 root.fast.log.2; do
	tail -n 1 "$T/logs/$f" | grep -qE "^$ts out (0123456789){7}\$" ||
	    fail "$f does not end with a whole line"
done
# The ring keeps the last 1000 lines.
ctl_expect 0 logs root/fast -n all
assert_eq 1000 "$(wc -l <"$T/ctl.out")" "ring size"
assert_eq done "$(tail -n 1 "$T/ctl.out")" "newest line last"

stop_arbord
assert_no_procs

# A log file that cannot be written holds LOGS_MAX_PENDING (1 MiB) of lines
# and drops the rest; once it can be written, the held lines come first,
# then a marker that counts the dropped ones, then new lines.
burst=$(script burst <<SH
#!/bin/sh
trap 'echo after' HUP
# 20000 lines of 100 bytes, 2 MB: about half fits in the buffer.
yes 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678 |
    head -n 20000
echo done
while :; do $T/sleep 1000 & wait \$!; done
SH
)
: >"$T/blocked"		# log_dir below a file: cannot be created
cat >"$T/e.ini" <<INI
[arbor]
log_dir = blocked/logs

[supervisor:root]

[worker:root/burst]
command = $burst
stderr = null
INI
"$ARBORD" -c "$T/e.ini" -S "$T/state" -s "$T/arbor.sock" >"$T/out.burst" \
    2>"$T/events" &
ARBORD_PID=$!
wait_for "$T/out.burst" '^root/burst \| done$' 1 60
assert_match "log file $T/blocked/logs/root.burst.log: creating the directory: Not a directory" \
    "$(cat "$T/events")" "warning"
rm "$T/blocked"
wait_for "$T/blocked/logs/root.burst.log" "^$ts -- \[arbord: [0-9]+ lines dropped\]\$" 1 10
ctl_expect 0 signal root/burst HUP
wait_for "$T/blocked/logs/root.burst.log" "^$ts out after\$"
kept=$(grep -cE "^$ts out 0123" "$T/blocked/logs/root.burst.log")
dropped=$(sed -n 's/.*\[arbord: \([0-9]*\) lines dropped\]$/\1/p' "$T/blocked/logs/root.burst.log")
assert_eq 20001 "$((kept + dropped))" "lines kept ($kept) and dropped ($dropped)"
[ "$(stat -c %s "$T/blocked/logs/root.burst.log")" -le $((1024 * 1024 + 200)) ] ||
    fail "more than the bound was held"
assert_eq "-- out" "$(sed -n 's/^[^ ]* \([^ ]*\) .*/\1/p' "$T/blocked/logs/root.burst.log" | uniq | tail -n 2 | tr '\n' ' ' | sed 's/ $//')" \
    "the marker comes before the new line"
grep -q 'writing again' "$T/events" || fail "no 'writing again' message"
stop_arbord
assert_no_procs
