# t_check: arbord -n checks a configuration: exit 0 when it is good, exit 1
# with every error as FILE:LINE: message when it is not; programs that
# cannot run are warnings, with exit 0 (arborctl check too).
. "$(dirname "$0")/lib.sh"

"$ARBORD" -n -c "$ROOT/conf/example.ini" >"$T/o" 2>&1 || fail "example.ini: $(cat "$T/o")"
cat >"$T/bad.ini" <<'INI'
[supervisor:root]
stratgy = one_for_all

[worker:root/w]
command = ./x
restart = sometimes

[worker:nowhere/w]
command = ./y
INI
"$ARBORD" -n -c "$T/bad.ini" >"$T/o" 2>&1
assert_eq 1 "$?" "exit status"
grep -q "^$T/bad.ini:2: .*stratgy.*did you mean 'strategy'" "$T/o" || fail "no line 2 error: $(cat "$T/o")"
grep -q "^$T/bad.ini:6: .*sometimes" "$T/o" || fail "no line 6 error: $(cat "$T/o")"
grep -q "^$T/bad.ini:8: " "$T/o" || fail "no line 8 error: $(cat "$T/o")"
"$ARBORD" -n -c "$T/missing.ini" >"$T/o" 2>&1
assert_eq 1 "$?" "missing file"
"$ARBORD" --bogus >"$T/o" 2>&1
assert_eq 2 "$?" "usage error"
"$ARBORD" --help | grep -q 'usage: arbord' || fail "--help"
"$ARBORD" --version | grep -q '^arbord [0-9]' || fail "--version"

# Programs that cannot run are warnings at the key's line, and the exit
# status stays 0; a program named by a variable is not looked for.
mkdir "$T/bin"
printf '#!/bin/sh\n' >"$T/bin/tool"
chmod 755 "$T/bin/tool"
printf '#!/bin/sh\n' >"$T/bin/plain"
cat >"$T/warn.ini" <<INI
[supervisor:root]
setup = ./no-setup-here
cleanup = true

[worker:root/a]
command = arbor-no-such-program --flag
ready = check:\$PROBE
env.PROBE = x

[worker:root/b]
env.PATH = $T/bin
command = tool
ready = check:plain

[worker:root/c]
command = \${APP} run
env.APP = x
INI
"$ARBORD" -n -c "$T/warn.ini" >"$T/o" 2>"$T/e"
assert_eq 0 "$?" "arbord -n exit status with warnings"
assert_eq "$T/warn.ini: configuration OK (4 nodes)" "$(cat "$T/o")" "arbord -n stdout"
assert_eq "$T/warn.ini:2: warning: setup: program './no-setup-here' not found ($T/no-setup-here: No such file or directory)
$T/warn.ini:6: warning: command: program 'arbor-no-such-program' not found in PATH
$T/warn.ini:13: warning: ready: program 'plain' found in PATH is not executable ($T/bin/plain)" \
    "$(cat "$T/e")" "arbord -n warnings"
if [ -n "${ARBORCTL:-}" ]; then
	"$ARBORCTL" check "$T/warn.ini" >"$T/o2" 2>"$T/e2"
	assert_eq 0 "$?" "arborctl check exit status with warnings"
	assert_eq "$(cat "$T/o")" "$(cat "$T/o2")" "arborctl check stdout"
	assert_eq "$(cat "$T/e")" "$(cat "$T/e2")" "arborctl check warnings"
fi
