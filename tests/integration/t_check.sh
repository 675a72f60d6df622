# t_check: arbord -n checks a configuration: exit 0 when it is good, exit 1
# with every error as FILE:LINE: message when it is not.
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
