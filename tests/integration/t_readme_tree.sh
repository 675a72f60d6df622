# t_readme_tree: README's "Your own tree in five minutes" works as written.
# The section's INI file and its commands are taken from the README itself
# (so it cannot rot): each command line is run in a directory holding the
# file, with the binaries under test, and what its comment promises is
# checked. A command this test does not know fails it, so a new line in
# the README comes with its check here. Then the section's last claim:
# four kills within the period and arbord exits 3.
. "$(dirname "$0")/lib.sh"

readme=$ROOT/README.md
# block LANG: the first ```LANG block of the section.
block() {
	awk -v lang="$1" '
		/^## / { insec = ($0 == "## Your own tree in five minutes") }
		insec && !done && $0 == "```" lang { inb = 1; next }
		inb && $0 == "```" { inb = 0; done = 1 }
		inb { print }' "$readme"
}
mkdir "$T/shop"
block ini >"$T/shop/shop.ini"
block sh >"$T/commands"
[ -s "$T/shop/shop.ini" ] || fail "no ini block in the README section"
[ -s "$T/commands" ] || fail "no sh block in the README section"
cd "$T/shop" || fail "cd"

# lib.sh's helpers (pid_of, state_of) reach this arbord by its socket.
ctl() { "$ARBORCTL" -s "$T/shop/arbor.sock" "$@"; }

if "$ARBORCTL" -c shop.ini status 2>&1 | grep -qiE "unknown option|invalid option|unrecognized option"; then
	SKIP_CTL=yes
else
	SKIP_CTL=no
fi
# ctl as the section writes it: arborctl -c shop.ini ARGS.
c() { "$ARBORCTL" -c shop.ini "$@"; }

while IFS= read -r cmd; do
	cmd=${cmd%%#*}	# the comment
	cmd=$(echo "$cmd" | sed 's/[[:space:]]*$//')
	[ -n "$cmd" ] || continue
	echo "README: $cmd"
	case $cmd in
	"arbord -n -c shop.ini")
		"$ARBORD" -n -c shop.ini >"$T/n.out" 2>&1 ||
		    fail "arbord -n: $(cat "$T/n.out")"
		[ "$SKIP_CTL" = yes ] && {
			echo "SKIP: arborctl -c is not supported yet (the file checks; the commands are not run)"
			exit 0
		};;
	"arbord -c shop.ini &")
		: >"$T/events"
		${ARBORD_WRAP:-} "$ARBORD" -c shop.ini --event-format json >"$T/out" 2>"$T/events" &
		ARBORD_PID=$!
		wait_event ProcessStarted shop;;
	"arborctl -c shop.ini status")
		c status >"$T/st" 2>&1 || fail "status: $(cat "$T/st")"
		for n in clock queue 1 2; do
			grep -qE "(^|[ ─])$n .*\\<running\\>" "$T/st" ||
			    fail "status lacks $n running: $(cat "$T/st")"
		done;;
	"arborctl -c shop.ini logs shop/clock -n 3")
		wait_for "$T/out" '^shop/clock \| [0-9]{2}:[0-9]{2}:[0-9]{2}$'
		c logs shop/clock -n 3 >"$T/logs" 2>&1 || fail "logs: $(cat "$T/logs")"
		grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$T/logs" ||
		    fail "logs: no time printed by the clock: $(cat "$T/logs")"
		[ "$(wc -l <"$T/logs")" -le 3 ] || fail "logs -n 3: $(cat "$T/logs")";;
	"arborctl -c shop.ini restart shop/queue")
		p1=$(pid_of shop/queue/1) p2=$(pid_of shop/queue/2)
		c restart shop/queue >"$T/r" 2>&1 || fail "restart: $(cat "$T/r")"
		wait_event ProcessStarted shop/queue/1 2
		wait_event ProcessStarted shop/queue/2 2
		[ "$(pid_of shop/queue/1)" != "$p1" ] && [ "$(pid_of shop/queue/2)" != "$p2" ] ||
		    fail "restart shop/queue kept a pid"
		grep -q 'queue worker 1 ready' "$T/out" || fail "no 'queue worker 1 ready'";;
	"arborctl -c shop.ini stop shop/clock")
		c stop shop/clock >"$T/r" 2>&1 || fail "stop: $(cat "$T/r")"
		assert_eq stopped "$(state_of shop/clock)" "clock after stop";;
	"arborctl -c shop.ini start shop/clock")
		c start shop/clock >"$T/r" 2>&1 || fail "start: $(cat "$T/r")"
		assert_eq running "$(state_of shop/clock)" "clock after start";;
	"sed -i 's/^instances = 2/instances = 3/' shop.ini")
		eval "$cmd" || fail "$cmd"
		grep -q '^instances = 3' shop.ini || fail "the README's edit did not apply";;
	"arborctl -c shop.ini reload")
		q1=$(pid_of shop/queue/1)
		c reload >"$T/r" 2>&1 || fail "reload: $(cat "$T/r")"
		wait_event ProcessStarted shop/queue/3
		assert_eq "$q1" "$(pid_of shop/queue/1)" "shop/queue/1 kept its pid across the reload";;
	"arborctl -c shop.ini shutdown")
		c shutdown >"$T/r" 2>&1 || fail "shutdown: $(cat "$T/r")"
		wait_arbord 20
		assert_eq 0 "$RC" "arbord's exit status after shutdown";;
	*)
		fail "the README has a command this test does not know: [$cmd]";;
	esac
done <"$T/commands"
[ -z "$ARBORD_PID" ] || fail "the README's commands left arbord running"

# "kill it four times within 10 seconds to see shop give up and arbord
# exit 3": intensity 3 within period 10s, as the file says.
grep -q '^intensity = 3 ' shop.ini && grep -q '^period = 10s ' shop.ini ||
    fail "the file's intensity or period changed: update this test and the README"
: >"$T/events"
${ARBORD_WRAP:-} "$ARBORD" -c shop.ini --event-format json >"$T/out" 2>"$T/events" &
ARBORD_PID=$!
wait_event ProcessStarted shop
pids="$(pid_of shop/queue/1) $(pid_of shop/queue/2) $(pid_of shop/queue/3)"
for i in 1 2 3 4; do
	pid=$(pid_of shop/clock)
	[ -n "$pid" ] || fail "no clock pid before kill $i"
	pids="$pids $pid"
	kill "$pid"
	wait_event ProcessFailed shop/clock "$i"
	[ $i -lt 4 ] && wait_event ProcessStarted shop/clock $((i + 1))
done
wait_arbord 20
assert_eq 3 "$RC" "arbord's exit status after the root gave up"
# The workers' sh -c loops do not name $T: their pids are checked.
for pid in $pids; do
	poll 5 sh -c "! kill -0 $pid" || fail "worker $pid is left running"
done
