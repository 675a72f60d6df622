# t_demo: `make demo`'s script (conf/demo/run) tells the example's story
# with arborctl: the events of `arborctl events -f` interleaved with the
# workers' output as they happen, an `arborctl status` of the running tree
# in the middle, the orderly stop at the end; it exits 0 and leaves
# nothing running.
. "$(dirname "$0")/lib.sh"

TMPDIR=$T timeout 90 "$ROOT/conf/demo/run" "$ARBORD" "$ARBORCTL" >"$T/demo" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "demo exited $rc: $(cat "$T/demo")"

# line REGEX: the number of the first line of the demo's output matching.
line() {
	local n
	n=$(grep -n -m 1 -E -- "$1" "$T/demo" | cut -d: -f1)
	[ -n "$n" ] || fail "no line /$1/ in the demo's output: $(cat "$T/demo")"
	echo "$n"
}
# before A B: A's first line comes before B's.
before() {
	local a b
	a=$(line "$1") b=$(line "$2")
	[ "$a" -lt "$b" ] || fail "/$1/ (line $a) is not before /$2/ (line $b): $(cat "$T/demo")"
}
p=root/producer-consumer
# Events (arbord's own stderr is not shown: these come from arborctl)
# between the workers' lines, in the order things happened.
before "ProcessStarted supervisor root\$" "consumer \| received msg: hello"
before "consumer \| received msg: world" "ProcessFailed worker $p/producer .*broccoli"
before "ProcessFailed worker $p/producer .*broccoli" "consumer \| received msg: carrot"
before "consumer \| received msg: pepper" "ProcessFailed supervisor $p error=\"restart intensity exceeded"
before "ProcessFailed supervisor $p " "consumer \| received msg: spinach"
before "consumer \| received msg: goodbye" "ProcessTerminated supervisor root\$"
# The status in the middle: after the producer's crash and restart (the
# demo waits for the word after it, carrot, though the output shown by
# tail may print it a moment later), before the cucumber failure, the
# whole tree running again.
before "ProcessFailed worker $p/producer .*broccoli" "^== arborctl status"
before "^== arborctl status" "consumer \| received msg: pepper"
s=$(line "^== arborctl status")
sed -n "$((s + 1)),\$p" "$T/demo" | sed '/^$/q' >"$T/status"
for n in root producer-consumer producer consumer; do
	grep -qE "(^|[ ─])$n .*\<running\>" "$T/status" ||
	    fail "status block lacks $n running: $(cat "$T/status")"
done
grep -qE "[ ─]producer .*\<running\> .* 1/1 " "$T/status" ||
    fail "status block: the producer restarted once: $(cat "$T/status")"
grep -q "== arbord exited with status 0" "$T/demo" || fail "no exit line"
# Nothing of the demo is left: its temporary directory is under $T.
[ -z "$(ls "$T" | grep arbor-demo)" ] || fail "demo directory left: $(ls "$T")"
assert_no_procs
