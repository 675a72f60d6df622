# t_man: every page in man/ passes `mandoc -T lint` without a warning, and
# renders without doubled quotes: nested quoting macros (such as
# `.Pq Ql 250ms , Ql 5s`, each Ql quoting the rest of the line) printed
# arbor.ini(5)'s durations as (‘250ms, ‘5s, ‘1.5s, ‘2m’’’’).
. "$(dirname "$0")/lib.sh"

command -v mandoc >/dev/null ||
    { echo "SKIP: mandoc missing (apt-get install mandoc; make check installs it)"; exit 0; }

pages=("$ROOT"/man/*.[1-8])
[ ${#pages[@]} -ge 4 ] || fail "expected the man pages in $ROOT/man, found: ${pages[*]}"

# Warnings and worse; STYLE messages (such as a referenced page that is not
# installed on this machine) are not failures.
mandoc -T lint -W warning "${pages[@]}" >"$T/lint" 2>&1 ||
    fail "mandoc -T lint: $(cat "$T/lint")"
[ -s "$T/lint" ] && fail "mandoc -T lint: $(cat "$T/lint")"

# Plain text: the backspace overstrikes of bold and underline removed
# (perl-base is essential in Debian; col(1) is not).
plain() { perl -CSD -pe 's/.\x08//g'; }

# Renderers: mandoc, and groff (what man(1) uses on Debian) if present.
render() {
	mandoc -T utf8 "$1" 2>/dev/null | plain
	if command -v groff >/dev/null; then
		groff -mandoc -T utf8 "$1" 2>/dev/null | plain
	fi
}
for p in "${pages[@]}"; do
	render "$p" >"$T/rendered"
	[ -s "$T/rendered" ] || fail "$(basename "$p") renders to nothing"
	bad=$(grep -nE "’’|‘‘|””|““|‘[^’]*‘[^’]*’’" "$T/rendered")
	[ -z "$bad" ] || fail "$(basename "$p"): nested quotes in the rendered text: $bad"
done

# The regression itself: the durations render as four quoted words.
mandoc -T utf8 "$ROOT/man/arbor.ini.5" | plain | tr -s ' \n' '  ' >"$T/ini5"
grep -qF "(‘250ms’, ‘5s’, ‘1.5s’, ‘2m’)" "$T/ini5" ||
    fail "arbor.ini.5 durations: $(grep -o '.\{10\}250ms.\{40\}' "$T/ini5")"
