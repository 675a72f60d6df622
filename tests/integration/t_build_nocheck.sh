# t_build_nocheck: a plain `make` builds arbord and arborctl without the
# unit test library. A copy of the tree is configured where pkg-config
# finds everything but check (PKG_CONFIG_LIBDIR holding every .pc file of
# pkg-config's path but check's):
# configure succeeds, the binaries link without -lcheck and run, and
# `make check` then names the package it needs (ARBOR_NO_INSTALL=1, so
# it does not install it); once check is there, make check's first step
# (check-deps) configures again and finds it; a tree
# configured --without-check refuses to build them, with the reason.
. "$(dirname "$0")/lib.sh"

command -v autoconf >/dev/null || { echo "SKIP: autoconf missing"; exit 0; }
pcdir=$(pkg-config --variable=pcfiledir inih 2>/dev/null)
[ -n "$pcdir" ] || { echo "SKIP: pkg-config does not know inih"; exit 0; }

mkdir "$T/src" "$T/pc"
tar -C "$ROOT" --exclude=./.git -cf - . | tar -C "$T/src" -xf - ||
    fail "cannot copy the tree"
make -s -C "$T/src" distclean >/dev/null 2>&1
for d in $(pkg-config --variable=pc_path pkg-config | tr : ' '); do
	for f in "$d"/*.pc; do
		[ -e "$f" ] && [ "$(basename "$f")" != check.pc ] &&
		    [ ! -e "$T/pc/$(basename "$f")" ] && ln -s "$f" "$T/pc/"
	done
done
export PKG_CONFIG_LIBDIR=$T/pc
pkg-config --exists check && fail "the pkg-config trick did not hide check"

# -O0: this test is about what is linked, not about the code.
make -C "$T/src" -j2 CFLAGS=-O0 all >"$T/make.out" 2>&1 ||
    fail "make without check: $(tail -n 20 "$T/make.out")"
grep -q 'checking for check (only make check needs it)... no' "$T/make.out" ||
    fail "configure did not report check as optional and absent: $(grep -i check "$T/make.out")"
grep -q '^HAVE_CHECK = no$' "$T/src/config.mk" || fail "config.mk: $(grep CHECK "$T/src/config.mk")"
grep -q 'lcheck' "$T/make.out" && fail "linked with check: $(grep lcheck "$T/make.out")"
"$T/src/arbord" --version | grep -q '^arbord ' || fail "arbord does not run"
"$T/src/arborctl" help >/dev/null 2>&1 || "$T/src/arborctl" --help >/dev/null 2>&1 ||
    fail "arborctl does not run"
[ -e "$T/src/tests/unit/check_arbor" ] && fail "plain make built the unit tests"

# make check names what it needs when it may not install it.
ARBOR_NO_INSTALL=1 make -C "$T/src" check >"$T/check.out" 2>&1 &&
    fail "make check succeeded without check"
grep -q 'apt-get install.* check' "$T/check.out" ||
    fail "make check did not name the package: $(cat "$T/check.out")"

# check arrives (pkg-config sees it again): make check's first step
# configures again, finding it.
unset PKG_CONFIG_LIBDIR
make -C "$T/src" check-deps >"$T/deps.out" 2>&1 || fail "make check-deps: $(cat "$T/deps.out")"
grep -q 'configuring again' "$T/deps.out" || fail "check-deps did not configure again: $(cat "$T/deps.out")"
grep -q '^HAVE_CHECK = yes$' "$T/src/config.mk" && grep -q '^CHECK_LIBS = .*-lcheck' "$T/src/config.mk" ||
    fail "config.mk after check-deps: $(grep CHECK "$T/src/config.mk")"

# Configured --without-check: the unit tests refuse to build, saying why.
(cd "$T/src" && ./configure --without-check >/dev/null 2>&1) || fail "configure --without-check"
make -C "$T/src" CFLAGS=-O0 tests/unit/check_arbor >"$T/unit.out" 2>&1 &&
    fail "unit tests built without check"
grep -q 'the unit tests need the library check.*apt-get install check' "$T/unit.out" ||
    fail "no reason given: $(cat "$T/unit.out")"
