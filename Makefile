# Makefile: builds arbord and its tests. Works on a fresh clone: the first
# `make` installs or names missing packages (build-aux/ensure-deps), runs
# autoconf and configure, which writes config.mk, and then builds; `make
# check` adds what only the tests need (ensure-deps --check: check, mandoc).
#
# Targets: all check chaos fuzz demo install uninstall clean distclean
# Variables: PREFIX (/usr/local), DESTDIR, CONFIGURE_FLAGS, FUZZ_SECONDS,
# CHAOS_SECONDS

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
DOCDIR ?= $(PREFIX)/share/doc/arbor

NOCONF_GOALS := clean distclean
ifeq ($(filter-out $(NOCONF_GOALS),$(or $(MAKECMDGOALS),all)),)
else
include config.mk
endif

WARN = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wnull-dereference \
	-Wimplicit-fallthrough
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DARBOR_VERSION=\"$(VERSION)\" -g -O2 $(WARN) $(WERROR) $(SAN_CFLAGS) \
	-Ilib $(INIH_CFLAGS) $(MHD_CFLAGS) $(CONF_CFLAGS) $(CFLAGS) -MMD -MP
LDFLAGS_ALL = $(SAN_CFLAGS) $(CONF_LDFLAGS) $(LDFLAGS)

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:.c=.o)
DAEMON_SRC = $(sort $(wildcard daemon/*.c))
DAEMON_OBJ = $(DAEMON_SRC:.c=.o)
CLI_SRC = $(sort $(wildcard cli/*.c))
CLI_OBJ = $(CLI_SRC:.c=.o)
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_OBJ = $(UNIT_SRC:.c=.o)
# The pure parts of arborctl the unit tests check (status and top's view).
UNIT_CLI_OBJ = cli/status.o cli/topview.o
DEMO_SCRIPTS = conf/demo/root-setup conf/demo/make-fifo conf/demo/remove-fifo \
	conf/demo/producer conf/demo/consumer

all: arbord arborctl

# Re-running keeps the switches of the last ./configure (config.status).
config.mk: config.mk.in configure
	@build-aux/ensure-deps
	if [ -x config.status ]; then ./config.status --recheck && \
		./config.status; else ./configure $(CONFIGURE_FLAGS); fi

configure: configure.ac
	@build-aux/ensure-deps
	autoconf -f

%.o: %.c config.mk
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# Only the unit tests need the library check; configure looks for it but
# does without (make check installs it or names it first).
NEED_CHECK = @[ "$(HAVE_CHECK)" = yes ] || { echo "the unit tests need the \
library check, which configure did not find: apt-get install check, and \
do not configure --without-check" >&2; exit 1; }

tests/unit/%.o: tests/unit/%.c config.mk
	$(NEED_CHECK)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -c -o $@ $<

lib/libarbor.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# The status page's stylesheet and script, as C strings for page.c.
daemon/page_assets.h: daemon/page.css daemon/page.js build-aux/embed
	build-aux/embed page_css daemon/page.css page_js daemon/page.js >$@.tmp
	mv $@.tmp $@

daemon/page.o: daemon/page_assets.h

arbord: $(DAEMON_OBJ) lib/libarbor.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(DAEMON_OBJ) lib/libarbor.a \
		$(INIH_LIBS) $(MHD_LIBS) $(EV_LIBS)

arborctl: $(CLI_OBJ) lib/libarbor.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) lib/libarbor.a $(INIH_LIBS)

tests/unit/check_arbor: $(UNIT_OBJ) $(UNIT_CLI_OBJ) lib/libarbor.a
	$(NEED_CHECK)
	$(CC) $(LDFLAGS_ALL) -o $@ $(UNIT_OBJ) $(UNIT_CLI_OBJ) lib/libarbor.a \
		$(INIH_LIBS) $(CHECK_LIBS)

tests/integration/sdnotify: tests/integration/sdnotify.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/sdnotify.c

tests/integration/rawclient: tests/integration/rawclient.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/rawclient.c

tests/integration/notifylisten: tests/integration/notifylisten.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/notifylisten.c

tests/integration/listen: tests/integration/listen.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/listen.c

tests/integration/lsserver: tests/integration/lsserver.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/lsserver.c

tests/integration/connloop: tests/integration/connloop.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/integration/connloop.c

# make check first installs or names what only the tests need, check and
# mandoc (check-deps: build-aux/ensure-deps --check), and configures again
# when check arrived after configure ran; then check-run, a make that reads
# the new config.mk, builds and runs the tests.
check:
	@$(MAKE) --no-print-directory check-deps
	@$(MAKE) --no-print-directory check-run

check-deps:
	@build-aux/ensure-deps --check
	@if [ "$(HAVE_CHECK)" != yes ] && pkg-config --exists check; then \
		echo "== check is here now: configuring again"; \
		./config.status --recheck >/dev/null && ./config.status >/dev/null; fi

check-run: arbord arborctl tests/unit/check_arbor tests/integration/rawclient \
	tests/integration/sdnotify \
	tests/integration/notifylisten tests/integration/listen \
	tests/integration/lsserver tests/integration/connloop
	@echo "== unit tests"
	cd tests/unit && CK_DEFAULT_TIMEOUT=30 ./check_arbor
	@echo "== integration tests"
	ARBORD=$(CURDIR)/arbord ARBORCTL=$(CURDIR)/arborctl \
		RAWCLIENT=$(CURDIR)/tests/integration/rawclient \
		SDNOTIFY=$(CURDIR)/tests/integration/sdnotify \
		NOTIFYLISTEN=$(CURDIR)/tests/integration/notifylisten \
		LISTEN=$(CURDIR)/tests/integration/listen \
		LSSERVER=$(CURDIR)/tests/integration/lsserver \
		CONNLOOP=$(CURDIR)/tests/integration/connloop \
		tests/integration/run

# The chaos test (tests/chaos/run): random faults against a live tree of
# a few hundred workers for CHAOS_SECONDS, invariants checked throughout.
# Installs nothing. CHAOS_SECONDS=600 make chaos for a long run.
CHAOS_SECONDS ?= 60

tests/chaos/chaosworker: tests/chaos/chaosworker.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ tests/chaos/chaosworker.c

chaos: arbord arborctl tests/integration/rawclient tests/chaos/chaosworker
	CHAOS_SECONDS=$(CHAOS_SECONDS) ARBORD=$(CURDIR)/arbord \
		ARBORCTL=$(CURDIR)/arborctl \
		RAWCLIENT=$(CURDIR)/tests/integration/rawclient \
		CHAOSWORKER=$(CURDIR)/tests/chaos/chaosworker tests/chaos/run

# libFuzzer harnesses: lib/*.c built again with clang and the sanitizers
# (not lib/libarbor.a, built by CC), each run FUZZ_SECONDS by tests/fuzz/run.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BIN = $(patsubst %.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DARBOR_VERSION=\"$(VERSION)\" -g -O1 \
	-fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all $(WARN) -Ilib $(INIH_CFLAGS)

tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(wildcard lib/*.h) config.mk
	@FUZZ_CC=$(FUZZ_CC) build-aux/ensure-fuzz-deps
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(INIH_LIBS) -ldl

fuzz: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BIN)

# Benchmarks against bare fork+exec and runit, s6, supervisord (see
# BENCHMARKS.md); the results are printed and kept in bench/results.md.
bench/worker: bench/worker.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ bench/worker.c

bench/benchtool: bench/benchtool.c config.mk
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ bench/benchtool.c

bench: arbord arborctl bench/worker bench/benchtool tests/integration/listen \
	tests/integration/lsserver tests/integration/connloop
	ARBORD=$(CURDIR)/arbord ARBORCTL=$(CURDIR)/arborctl bench/run

demo: arbord arborctl
	conf/demo/run $(CURDIR)/arbord $(CURDIR)/arborctl

install: arbord arborctl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 arbord $(DESTDIR)$(SBINDIR)/arbord
	install -m 755 arborctl $(DESTDIR)$(BINDIR)/arborctl
	install -m 644 man/arbord.8 $(DESTDIR)$(MANDIR)/man8/arbord.8
	install -m 644 man/arborctl.1 $(DESTDIR)$(MANDIR)/man1/arborctl.1
	install -m 644 man/arbor.ini.5 $(DESTDIR)$(MANDIR)/man5/arbor.ini.5
	install -m 644 man/arbor-protocol.7 \
		$(DESTDIR)$(MANDIR)/man7/arbor-protocol.7
	install -m 644 conf/arborctl.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/arborctl
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/sbin|$(SBINDIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
		-e 's|/usr/local/etc|$(SYSCONFDIR)|g' conf/arbord.service \
		>$(DESTDIR)$(UNITDIR)/arbord.service
	chmod 644 $(DESTDIR)$(UNITDIR)/arbord.service
	install -m 644 conf/example.ini $(DESTDIR)$(DOCDIR)/example.ini
	install -m 644 conf/zero-downtime.ini $(DESTDIR)$(DOCDIR)/zero-downtime.ini
	install -d $(DESTDIR)$(DOCDIR)/demo
	install -m 755 $(DEMO_SCRIPTS) $(DESTDIR)$(DOCDIR)/demo/
	install -m 644 conf/demo/words.txt $(DESTDIR)$(DOCDIR)/demo/
	@echo "installed. A running arbord keeps the old binary until it is"
	@echo "upgraded in place, every worker kept: $(BINDIR)/arborctl reexec"
	@echo "(or SIGUSR2; see arbord(8), UPGRADE IN PLACE)."

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/arbord $(DESTDIR)$(BINDIR)/arborctl \
		$(DESTDIR)$(MANDIR)/man8/arbord.8 \
		$(DESTDIR)$(MANDIR)/man1/arborctl.1 \
		$(DESTDIR)$(MANDIR)/man5/arbor.ini.5 \
		$(DESTDIR)$(MANDIR)/man7/arbor-protocol.7 \
		$(DESTDIR)$(COMPLETIONDIR)/arborctl \
		$(DESTDIR)$(UNITDIR)/arbord.service \
		$(DESTDIR)$(DOCDIR)/example.ini \
		$(DESTDIR)$(DOCDIR)/zero-downtime.ini
	rm -rf $(DESTDIR)$(DOCDIR)/demo
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -f arbord arborctl lib/libarbor.a lib/*.o daemon/*.o cli/*.o \
		tests/unit/*.o tests/unit/check_arbor lib/*.d daemon/*.d \
		cli/*.d tests/unit/*.d tests/integration/rawclient \
		tests/integration/sdnotify \
		tests/integration/notifylisten tests/integration/listen \
		tests/integration/lsserver tests/integration/connloop \
		tests/integration/*.d \
		tests/chaos/chaosworker tests/chaos/*.d
	rm -f daemon/page_assets.h daemon/page_assets.h.tmp
	rm -f bench/worker bench/benchtool bench/*.d bench/results.md
	rm -rf tests/fuzz/fuzz_argv tests/fuzz/fuzz_config tests/fuzz/fuzz_proto \
		tests/fuzz/fuzz_tree tests/fuzz/fuzz_handoff tests/fuzz/artifacts

distclean: clean
	rm -rf config.mk config.log config.status configure configure~ autom4te.cache

.PHONY: all bench check check-deps check-run chaos fuzz demo install uninstall clean distclean

-include $(LIB_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(CLI_OBJ:.o=.d) \
	$(UNIT_OBJ:.o=.d)
