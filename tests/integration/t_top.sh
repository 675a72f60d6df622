# t_top: arborctl top in a real terminal (a private tmux server). The
# tree shows; a worker killed with SIGKILL shows its new pid and restart
# count with no key pressed, from the event stream alone (-d 60: no timed
# refresh in between); R then y restarts the selected worker (its pid
# changes, the outcome is on the status line), x then n does nothing;
# sort keys change the order; ? shows the help; a narrower window lays
# the screen out again; q, SIGTERM and the end of -n N refreshes give
# the terminal back (the shell's screen, top's exit status 0). Not on a
# terminal: one plain table (-n N: N of them); usage errors exit 2, an
# unknown node 1, no daemon 4. The bash completion knows top, its
# options and paths.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C		# ASCII tree glyphs
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux not installed"
	exit 0
fi

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 10

[worker:root/web]
command = $T/sleep 1000

[worker:root/db]
command = $T/sleep 1001
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root

# --- Not a terminal: the table once, plain, exit 0.
ctl_expect 0 top
out=$(cat "$T/ctl.out")
assert_match '^PATH +STATE +PID +CPU% +MEM +RESTARTS +UPTIME +HEALTH +LAST ERROR$' "$(head -n 1 <<<"$out")" "plain header"
assert_match '^root +running +- ' "$(sed -n 2p <<<"$out")" "plain root row"
assert_match "^\|- web +running +$(pid_of root/web) " "$(sed -n 3p <<<"$out")" "plain web row"
assert_match '^`- db +running ' "$(sed -n 4p <<<"$out")" "plain db row"
assert_eq 4 "$(wc -l <"$T/ctl.out")" "plain: header and three rows"
grep -q $'\033' "$T/ctl.out" && fail "escape sequences in the plain output"
ctl_expect 0 top root/db -n 2 -d 0.1
assert_eq 2 "$(grep -c '^PATH ' "$T/ctl.out")" "-n 2: two tables"
assert_eq 2 "$(grep -c '^root/db ' "$T/ctl.out")" "top PATH: the subtree only"
grep -q 'web' "$T/ctl.out" && fail "top root/db shows root/web"

# --- Bad command lines: 2 with one line and a hint; a bad node 1; no daemon 4.
for args in "top a b" "top -d 0" "top -d x" "top -n 0" "top -n" "top --bogus"; do
	# shellcheck disable=SC2086
	ctl_expect 2 $args
	assert_match '^arborctl: top: ' "$(head -n 1 "$T/ctl.err")" "$args: message"
	assert_eq "Try 'arborctl help'." "$(sed -n 2p "$T/ctl.err")" "$args: hint"
done
ctl_expect 1 top root/nope
assert_match 'root/nope' "$(cat "$T/ctl.err")" "unknown node named"
"$ARBORCTL" -s "$T/none.sock" top >"$T/ctl.out" 2>&1
assert_eq 4 "$?" "top with no daemon"

# --- The bash completion.
assert_eq "top " "$(complete_words arborctl to)" "top completed"
assert_eq "root root/db root/web " "$(complete_words arborctl -s "$T/arbor.sock" top r)" "top's paths"
assert_eq "--delay --iterations -d -n " "$(complete_words arborctl top -)" "top's options"
assert_eq "root/db root/web " "$(complete_words arborctl -s "$T/arbor.sock" top -d 2 root/)" "a path after -d's value"

# --- In a terminal.
TM=(tmux -S "$T/tmux.sock")
pane() { "${TM[@]}" capture-pane -p -t top; }
pane_has() { pane | grep -qE -- "$1"; }
# wait_pane REGEX [WHAT]: until the screen shows REGEX, at most 20 s.
wait_pane() {
	poll 20 pane_has "$1" || fail "${2:-screen}: /$1/ not shown; the screen:
$(pane)"
}
# The first row under the header.
first_row() { pane | grep -A 1 -E '^PATH +STATE' | sed -n 2p; }
first_row_is() { first_row | grep -qE -- "$1"; }
keys() { "${TM[@]}" send-keys -t top "$@"; }

"${TM[@]}" new-session -d -s top -x 160 -y 40 \
    "echo BEFORE-TOP; '$ARBORCTL' -s '$T/arbor.sock' top -d 60; echo TOP-EXIT=\$?; exec '$T/sleep' 1000"
wait_pane '^root +running ' "the tree"
wait_pane '3 nodes: 3 running' "the summary"
wait_pane '^\|- web +running +[0-9]+ ' "web"
wait_pane '^`- db +running +[0-9]+ ' "db"
wait_pane 'q quit .*R restart' "the help line"
pane_has BEFORE-TOP && fail "top is not on the alternate screen"

# A worker killed: its new pid and restart count, with no key pressed.
old=$(pid_of root/web)
kill -KILL "$old"
wait_event ProcessStarted root/web 2
new=$(pid_of root/web)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "web not restarted ($old, $new)"
wait_pane "^\|- web +running +$new +[^ ]+ +[^ ]+ +1 +[^ ]+ +- +killed by SIGKILL" "web's restart, from the event"

# Select web (the second row), restart it, confirm.
keys j R
wait_pane '^restart root/web\? \[y/N\]' "the confirmation"
keys y
wait_pane '^restart root/web: ok' "the outcome"
wait_event ProcessStarted root/web 3
newer=$(pid_of root/web)
[ -n "$newer" ] && [ "$newer" != "$new" ] || fail "R y: web's pid did not change ($new, $newer)"
wait_pane "^\|- web +running +$newer " "web's new pid"

# x then n: nothing is sent.
keys j x
wait_pane '^stop root/db\? \[y/N\]' "the stop confirmation"
keys n
wait_pane '^stop root/db: cancelled' "cancelled"
assert_eq running "$(state_of root/db)" "db after x n"

# Sort: db has the most restarts after two kills.
for i in 2 3; do
	kill -KILL "$(pid_of root/db)"
	wait_event ProcessStarted root/db "$i"
done
wait_pane '^`- db +running +[0-9]+ +[^ ]+ +[^ ]+ +2 ' "db's restarts"
first_row_is '^root ' || fail "tree order: first row $(first_row)"
keys r
poll 20 first_row_is '^root/db +running' || fail "r: first row $(first_row)"
wait_pane 'sort: restarts' "the sort in the title"
pane | grep -A 3 -E '^PATH +STATE' | sed -n 3p | grep -qE '^root/web ' || fail "r: second row: $(pane)"
keys n
poll 20 first_row_is '^root +running' || fail "n: first row $(first_row)"

# Help, and back.
keys '?'
wait_pane 'arborctl top: keys' "help"
keys Space
wait_pane '^root +running ' "back from help"

# A narrower window: laid out again, no line longer than it.
"${TM[@]}" resize-window -t top -x 60 -y 20
wait_pane '^q quit  j/k select  c cpu  m memory  r restarts  p pid  n tr$' "the help line cut at 60"
[ "$(pane | wc -l)" -le 20 ] || fail "more than 20 lines: $(pane)"
long=$(pane | awk 'length($0) > 60' | head -n 1)
[ -z "$long" ] || fail "a line longer than 60 columns: $long"

# q: top exits 0 and the shell's screen is back.
keys q
wait_pane '^TOP-EXIT=0$' "top's exit"
pane_has '^BEFORE-TOP$' || fail "the screen before top is not back: $(pane)"
pane_has '^PATH +STATE' && fail "top's table left on the screen: $(pane)"

# SIGTERM: the same.
"${TM[@]}" new-window -t top -n term \
    "echo BEFORE-TOP2; '$ARBORCTL' -s '$T/arbor.sock' top; echo TOP2-EXIT=\$?; exec '$T/sleep' 1000"
pane2() { "${TM[@]}" capture-pane -p -t top:term; }
pane2_has() { pane2 | grep -qE -- "$1"; }
poll 20 pane2_has '^root +running ' || fail "second top: $(pane2)"
pid=$(pgrep -f "^$ARBORCTL -s $T/arbor.sock top\$") || fail "second top's pid"
kill -TERM "$pid"
poll 20 pane2_has '^TOP2-EXIT=0$' || fail "top after SIGTERM: $(pane2)"
pane2_has '^BEFORE-TOP2$' || fail "the screen before top is not back: $(pane2)"

# -n 2: two refreshes, then top exits 0 on its own.
"${TM[@]}" new-window -t top -n iter \
    "echo BEFORE-TOP3; '$ARBORCTL' -s '$T/arbor.sock' top -n 2 -d 0.2; echo TOP3-EXIT=\$?; exec '$T/sleep' 1000"
pane3_has() { "${TM[@]}" capture-pane -p -t top:iter | grep -qE -- "$1"; }
poll 20 pane3_has '^TOP3-EXIT=0$' || fail "top -n 2: $("${TM[@]}" capture-pane -p -t top:iter)"
pane3_has '^BEFORE-TOP3$' || fail "top -n 2: the screen before top is not back"
"${TM[@]}" kill-server

# The tree was never hurt.
assert_eq running "$(state_of root)" "root at the end"
stop_arbord
assert_no_procs
