/*
 * test_listen.c: the addresses of the key listen (listenspec.c), good and
 * bad, from a table; the names of listen_names.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "listenspec.h"
#include "suites.h"

static const struct good_case {
	const char	*word;
	enum listen_kind kind;
	int		 family;	/* tcp */
	const char	*ip;		/* tcp, as inet_ntop writes it */
	int		 port;
	const char	*path;		/* unix */
	int		 backlog;	/* 0: SOMAXCONN */
	bool		 reuseport;
	int		 mode;		/* -1: not set */
	const char	*addr;		/* without options */
} good_cases[] = {
	{ "tcp:0.0.0.0:8080", LISTEN_TCP, AF_INET, "0.0.0.0", 8080, NULL, 0,
	    false, -1, "tcp:0.0.0.0:8080" },
	{ "tcp:127.0.0.1:1", LISTEN_TCP, AF_INET, "127.0.0.1", 1, NULL, 0,
	    false, -1, "tcp:127.0.0.1:1" },
	{ "tcp:*:80", LISTEN_TCP, AF_INET, "0.0.0.0", 80, NULL, 0, false, -1,
	    "tcp:*:80" },
	{ "tcp::65535", LISTEN_TCP, AF_INET, "0.0.0.0", 65535, NULL, 0,
	    false, -1, "tcp::65535" },
	{ "tcp:localhost:8080", LISTEN_TCP, AF_INET, "127.0.0.1", 8080, NULL,
	    0, false, -1, "tcp:localhost:8080" },
	{ "tcp:[::]:443", LISTEN_TCP, AF_INET6, "::", 443, NULL, 0, false,
	    -1, "tcp:[::]:443" },
	{ "tcp:[::1]:8080,backlog=1024,reuseport", LISTEN_TCP, AF_INET6,
	    "::1", 8080, NULL, 1024, true, -1, "tcp:[::1]:8080" },
	{ "tcp:::1:8080", LISTEN_TCP, AF_INET6, "::1", 8080, NULL, 0, false,
	    -1, "tcp:::1:8080" },
	{ "tcp:10.1.2.3:80,reuseport,backlog=1", LISTEN_TCP, AF_INET,
	    "10.1.2.3", 80, NULL, 1, true, -1, "tcp:10.1.2.3:80" },
	{ "unix:/run/app.sock", LISTEN_UNIX, 0, NULL, 0, "/run/app.sock", 0,
	    false, -1, "unix:/run/app.sock" },
	{ "unix:run/app.sock,mode=0660,owner=root", LISTEN_UNIX, 0, NULL, 0,
	    "run/app.sock", 0, false, 0660, "unix:run/app.sock" },
	{ "unix:/s,mode=600,owner=root:root,backlog=5", LISTEN_UNIX, 0, NULL,
	    0, "/s", 5, false, 0600, "unix:/s" },
	{ "unix:@arbor-test", LISTEN_UNIX, 0, NULL, 0, "@arbor-test", 0,
	    false, -1, "unix:@arbor-test" },
};

/* Each good address parses to what the table says. */
START_TEST(test_listen_good)
{
	const struct good_case *c = &good_cases[_i];
	struct listen_spec l, copy;
	char ip[INET6_ADDRSTRLEN], *err = NULL;

	ck_assert_msg(listen_spec_parse(c->word, &l, &err) == 0,
	    "'%s' rejected: %s", c->word, err);
	ck_assert_int_eq(l.kind, c->kind);
	ck_assert_str_eq(l.word, c->word);
	ck_assert_str_eq(l.addr, c->addr);
	ck_assert_int_eq(l.backlog, c->backlog ? c->backlog : SOMAXCONN);
	ck_assert(l.reuseport == c->reuseport);
	ck_assert(l.mode_set == (c->mode != -1));
	if (c->mode != -1)
		ck_assert_int_eq(l.mode, c->mode);
	if (c->kind == LISTEN_TCP) {
		ck_assert_int_eq(l.family, c->family);
		ck_assert_ptr_nonnull(inet_ntop(l.family, l.ip, ip,
		    sizeof ip));
		ck_assert_str_eq(ip, c->ip);
		ck_assert_int_eq(l.port, c->port);
		ck_assert_ptr_null(l.path);
	} else
		ck_assert_str_eq(l.path, c->path);
	if (strstr(c->word, "owner=root") != NULL) {
		ck_assert_int_eq(l.uid, 0);
		ck_assert_int_eq(l.gid, 0);
	} else
		ck_assert_int_eq(l.uid, (uid_t)-1);
	listen_spec_copy(&copy, &l);
	ck_assert(listen_spec_equal(&copy, &l));
	listen_spec_free(&copy);
	listen_spec_free(&l);
}
END_TEST

static const struct bad_case {
	const char	*word;
	const char	*err;
} bad_cases[] = {
	{ "http://x/", "expected tcp:HOST:PORT or unix:PATH, with options "
	    "such as ,backlog=N" },
	{ "tcp:8080", "tcp: needs HOST:PORT" },
	{ "tcp:", "tcp: needs HOST:PORT" },
	{ "tcp:0.0.0.0:", "tcp: needs HOST:PORT" },
	{ "tcp:0.0.0.0:0", "tcp: needs a port from 1 to 65535" },
	{ "tcp:0.0.0.0:65536", "tcp: needs a port from 1 to 65535" },
	{ "tcp:0.0.0.0:-1", "tcp: needs a port from 1 to 65535" },
	{ "tcp:0.0.0.0:80x", "tcp: needs a port from 1 to 65535" },
	{ "tcp:example.com:80", "tcp: HOST must be an IP address, [IPv6], "
	    "localhost or *: arbord does not look names up" },
	{ "tcp:[::1:80", "tcp: HOST must be an IP address, [IPv6], "
	    "localhost or *: arbord does not look names up" },
	{ "tcp:[1.2.3.4]:80", "tcp: HOST must be an IP address, [IPv6], "
	    "localhost or *: arbord does not look names up" },
	{ "tcp:1.2.3.4:80,backlog=0", "backlog= needs a number from 1 to "
	    "65535" },
	{ "tcp:1.2.3.4:80,backlog=x", "backlog= needs a number from 1 to "
	    "65535" },
	{ "tcp:1.2.3.4:80,mode=0660", "mode= is for a unix: file" },
	{ "tcp:1.2.3.4:80,owner=root", "owner= is for a unix: file" },
	{ "tcp:1.2.3.4:80,fast", "unknown option 'fast' (expected "
	    "backlog=N, reuseport, mode=MODE or owner=USER[:GROUP])" },
	{ "tcp:1.2.3.4:80,", "unknown option '' (expected backlog=N, "
	    "reuseport, mode=MODE or owner=USER[:GROUP])" },
	{ "unix:", "unix: needs a path, or @NAME" },
	{ "unix:@", "unix: needs a path, or @NAME" },
	{ "unix:/s,reuseport", "reuseport is for tcp:" },
	{ "unix:/s,mode=0999", "mode= needs an octal mode such as 0660" },
	{ "unix:/s,mode=07777", "mode= needs an octal mode such as 0660" },
	{ "unix:@x,mode=0600", "mode= is for a unix: file" },
	{ "unix:/s,owner=nosuchuser-arbor", "unknown user "
	    "'nosuchuser-arbor'" },
	{ "unix:/s,owner=root:nosuchgroup-arbor", "unknown group "
	    "'nosuchgroup-arbor'" },
	{ "unix:/s,owner=:root", "owner= needs USER or USER:GROUP" },
	{ "unix:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "unix: a path has at most 107 characters" },
};

/* Each bad address is refused with its message, nothing left to free. */
START_TEST(test_listen_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct listen_spec l;
	char *err = NULL;

	ck_assert_msg(listen_spec_parse(c->word, &l, &err) == -1,
	    "'%s' accepted", c->word);
	ck_assert_str_eq(err, c->err);
	ck_assert_ptr_null(l.word);
	ck_assert_ptr_null(l.path);
	free(err);
}
END_TEST

/* LISTEN_FDNAMES names: systemd's rule. */
START_TEST(test_listen_names)
{
	char longname[LISTEN_NAME_MAX + 2];

	ck_assert(listen_name_valid("http"));
	ck_assert(listen_name_valid("web-1.admin_x"));
	ck_assert(!listen_name_valid(""));
	ck_assert(!listen_name_valid("a:b"));
	ck_assert(!listen_name_valid("a b"));
	ck_assert(!listen_name_valid("caf\xc3\xa9"));
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	ck_assert(!listen_name_valid(longname));
	longname[LISTEN_NAME_MAX] = '\0';
	ck_assert(listen_name_valid(longname));
}
END_TEST

Suite *
listen_suite(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_listen_good, 0, NELEM(good_cases));
	tcase_add_loop_test(tc, test_listen_bad, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_listen_names);
	suite_add_tcase(s, tc);
	return s;
}
