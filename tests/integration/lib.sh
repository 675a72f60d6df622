# lib.sh: helpers for the integration tests (sourced). Every test gets a
# private directory $T; arbord runs with its state under $T/state, JSON
# events in $T/events and worker output in $T/out. Waiting is always for an
# event or a line, with a timeout; never a bare sleep.
set -u
: "${ARBORD:?set ARBORD to the arbord binary}"
T=$(mktemp -d /tmp/arbor-test.XXXXXX)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ARBORD_PID=
WATCH_PIDS=()
# Workers run $T/sleep, so every test process names $T in its command line.
ln -s "$(command -v sleep)" "$T/sleep"

MAIN_PID=$BASHPID

# Kill what a failed test left behind, then remove $T. Only the test's own
# shell does this: a forked helper killed before it could reset its traps
# would otherwise run it too.
cleanup() {
	[ "$BASHPID" = "$MAIN_PID" ] || return 0
	local p
	for p in "${WATCH_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$ARBORD_PID" ] && kill -KILL "$ARBORD_PID" 2>/dev/null
	pkill -KILL -f "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# Stop the test with a message.
fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T/events" ]; then echo "--- events" >&2; cat "$T/events" >&2; fi
	if [ -f "$T/out" ]; then echo "--- output" >&2; cat "$T/out" >&2; fi
	exit 1
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

# assert_match REGEX TEXT [WHAT]
assert_match() {
	printf '%s' "$2" | grep -qE -- "$1" || fail "${3:-text}: [$2] does not match /$1/"
}

# Start arbord on CONF in the background (extra arguments are passed on).
# $ARBORD_WRAP, if set, is a command that runs it (tests/integration/valgrind).
start_arbord() {
	local conf=$1; shift
	: >"$T/events"
	: >"$T/out"
	${ARBORD_WRAP:-} "$ARBORD" -c "$conf" -S "$T/state" -s "$T/arbor.sock" --event-format json "$@" \
	    >"$T/out" 2>"$T/events" &
	ARBORD_PID=$!
}

# wait_for FILE REGEX [COUNT] [TIMEOUT]: until COUNT lines match.
wait_for() {
	local f=$1 re=$2 n=${3:-1} t=${4:-15} tp rc
	exec {fd}< <(exec tail -n +1 -F "$f" 2>/dev/null)
	tp=$!
	WATCH_PIDS+=("$tp")
	timeout "$t" grep -m "$n" -E -- "$re" <&$fd >"$T/.matched"
	rc=$?
	exec {fd}<&-
	kill "$tp" 2>/dev/null
	[ $rc -eq 0 ] || fail "timed out waiting for $n x /$re/ in $(basename "$f")"
}

# wait_event EVENT PATH [COUNT] [TIMEOUT]
wait_event() {
	wait_for "$T/events" "\"event\":\"$1\",\"node\":\"[a-z]+\",\"path\":\"$2\"" "${3:-1}" "${4:-15}"
}

# wait_arbord [TIMEOUT]: wait for arbord to exit; its status goes in $RC.
# (Not in a subshell: only this shell can wait for its child.)
wait_arbord() {
	local t=${1:-20} wd
	( sleep "$t"; kill -KILL "$ARBORD_PID" 2>/dev/null ) &
	wd=$!
	wait "$ARBORD_PID"
	RC=$?
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	ARBORD_PID=
}

# stop_arbord: SIGTERM, then wait; fails unless it exits 0.
stop_arbord() {
	kill -TERM "$ARBORD_PID"
	wait_arbord 20
	assert_eq 0 "$RC" "arbord exit status after SIGTERM"
}

# The "EVENT PATH" pairs of the event log, one per line.
event_seq() {
	sed -n 's/.*"event":"\([A-Za-z]*\)","node":"[a-z]*","path":"\([^"]*\)".*/\1 \2/p' "$T/events"
}

# The JSON line of the Nth (default last) EVENT of PATH.
event_line() {
	grep -E "\"event\":\"$1\",\"node\":\"[a-z]+\",\"path\":\"$2\"" "$T/events" | sed -n "${3:-\$}p"
}

# No process whose command line mentions $T may be left.
assert_no_procs() {
	local left
	left=$(pgrep -af "$T" | grep -v -e "tail -n +1 -F" || true)
	[ -z "$left" ] || fail "processes left behind: $left"
}

# arborctl against this test's arbord.
ctl() {
	"${ARBORCTL:?set ARBORCTL to the arborctl binary}" -s "$T/arbor.sock" "$@"
}

# ctl_status EXPECTED_STATUS ARGS...: run arborctl, check its exit status;
# its stdout is in $T/ctl.out, stderr in $T/ctl.err.
ctl_expect() {
	local want=$1; shift
	ctl "$@" >"$T/ctl.out" 2>"$T/ctl.err"
	local rc=$?
	[ "$rc" = "$want" ] || fail "arborctl $*: exit $rc, expected $want; stdout: $(cat "$T/ctl.out") stderr: $(cat "$T/ctl.err")"
}

# The pid of worker PATH according to arborctl status --json.
pid_of() {
	ctl status "$1" --json | sed -n 's/^{"path":"[^"]*","node":"worker","state":"[a-z]*","pid":\([0-9]*\).*/\1/p'
}

# The state of node PATH according to arborctl status --json.
state_of() {
	ctl status "$1" --json | sed -n 's/^{"path":"[^"]*","node":"[a-z]*","state":"\([a-z]*\)".*/\1/p'
}

# poll SECONDS COMMAND...: wait until COMMAND succeeds, at most SECONDS.
# For states no event announces (a process gone, a descriptor freed).
poll() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.05
	done
}

# Milliseconds since the epoch of an event's "ts" (a JSON event line).
event_ms() {
	date -d "$(sed -n 's/.*"ts":"\([^"]*\)".*/\1/p' <<<"$1")" +%s%3N
}

# Is process PID alive (a zombie is not)?
alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# public_copy PATH: a copy of the program PATH in $T/bin, which any user
# can run (for tests that switch users: the checkout may be in a directory
# others cannot enter, a root's 0700 home or a mktemp -d); prints its
# path. Makes $T enterable by all. arbord runs its spawner from its own
# binary (/proc/self/exe), so a copied arbord is whole.
public_copy() {
	chmod 755 "$T"
	mkdir -p -m 755 "$T/bin"
	cp "$1" "$T/bin/" || fail "cannot copy $1"
	chmod 755 "$T/bin/$(basename "$1")"
	echo "$T/bin/$(basename "$1")"
}

# Write a worker script NAME in $T from stdin; prints its path.
script() {
	cat >"$T/$1"
	chmod +x "$T/$1"
	echo "$T/$1"
}

# need_cgroup2: skip the test unless a writable cgroup v2 hierarchy is
# here; sets CGMOUNT (its mount point) and CGOWN (this shell's cgroup).
need_cgroup2() {
	CGMOUNT=$(grep ' - cgroup2 ' /proc/self/mountinfo | awk '{print $5; exit}')
	CGOWN=$CGMOUNT$(sed -n 's/^0:://p' /proc/self/cgroup)
	CGOWN=${CGOWN%/}
	if [ -z "$CGMOUNT" ] || [ ! -w "$CGOWN/cgroup.procs" ]; then
		echo "SKIP: no writable cgroup v2 hierarchy here (need root and cgroup2 mounted)"
		exit 0
	fi
}

# complete_words WORD...: what the bash completion offers for the command
# line WORD... (completing the last), sorted and space-separated; the
# arborctl it runs to ask for paths is $ARBORCTL.
complete_words() {
	mkdir -p "$T/path"
	ln -sf "$ARBORCTL" "$T/path/arborctl"
	# shellcheck disable=SC1091
	( . "$ROOT/conf/arborctl.bash-completion"
	  PATH=$T/path:$PATH
	  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	  _arborctl
	  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' )
}
