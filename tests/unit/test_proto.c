/*
 * test_proto.c: unit tests of the control protocol (lib/proto.c): request
 * parsing and every way a request can be refused, request formatting and
 * its round trip, the escaping of backslashes, tabs, newlines and carriage
 * returns in records and their in-place splitting, event records in both
 * directions (and every malformed field), and the default socket path.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "suites.h"
#include "util.h"

/* A string of N copies of C (allocated). */
static char *
repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static const struct parse_ok {
	const char	*line;
	int		 nwords;
	const char	*words[PROTO_MAX_WORDS];
} parse_ok_cases[] = {
	{ "ARBOR/1 status", 1, { "status" } },
	{ "ARBOR/1 status root/web", 2, { "status", "root/web" } },
	{ "ARBOR/1 signal root/a/b SIGHUP", 3,
	    { "signal", "root/a/b", "SIGHUP" } },
	{ "ARBOR/1 events follow", 2, { "events", "follow" } },
	{ "ARBOR/1 a b c d e f g h", 8,
	    { "a", "b", "c", "d", "e", "f", "g", "h" } },
	{ "ARBOR/1 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 1,
	    { "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" } },
};

/* Well-formed requests split into their words. */
START_TEST(test_parse_ok)
{
	const struct parse_ok *pc = &parse_ok_cases[_i];
	struct proto_request req;
	char *err = (char *)"unset";

	ck_assert_int_eq(proto_parse_request(pc->line, strlen(pc->line),
	    &req, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(req.nwords, pc->nwords);
	for (int i = 0; i < pc->nwords; i++)
		ck_assert_str_eq(req.words[i], pc->words[i]);
	for (int i = pc->nwords; i < PROTO_MAX_WORDS; i++)
		ck_assert_ptr_null(req.words[i]);
}
END_TEST

/* The line need not be NUL-terminated: only LEN bytes are read. */
START_TEST(test_parse_len)
{
	const char *line = "ARBOR/1 status root/webXXXX";
	struct proto_request req;
	char *err;

	ck_assert_int_eq(proto_parse_request(line, strlen(line) - 4, &req,
	    &err), 0);
	ck_assert_int_eq(req.nwords, 2);
	ck_assert_str_eq(req.words[1], "root/web");
}
END_TEST

/* Words of exactly the maximum length are accepted. */
START_TEST(test_parse_longest_word)
{
	char *w = repeat('w', PROTO_MAX_WORD);
	char *line = xasprintf("ARBOR/1 status %s", w);
	struct proto_request req;
	char *err;

	ck_assert_int_eq(proto_parse_request(line, strlen(line), &req, &err),
	    0);
	ck_assert_str_eq(req.words[1], w);
	free(w);
	free(line);
}
END_TEST

static const struct parse_err {
	const char	*line;
	size_t		 len;		/* 0: strlen(line) */
	const char	*err;
} parse_err_cases[] = {
	{ "", 0, "not an arbor request (expected \"ARBOR/1 COMMAND "
	    "[ARGUMENT ...]\")" },
	{ "GET / HTTP/1.1", 0, "not an arbor request (expected \"ARBOR/1 "
	    "COMMAND [ARGUMENT ...]\")" },
	{ "arbor/1 status", 0, "not an arbor request (expected \"ARBOR/1 "
	    "COMMAND [ARGUMENT ...]\")" },
	{ "ARBOR", 0, "not an arbor request (expected \"ARBOR/1 COMMAND "
	    "[ARGUMENT ...]\")" },
	{ "ARBOR/2 status", 0, "unsupported protocol version 'ARBOR/2' "
	    "(this arbord speaks ARBOR/1)" },
	{ "ARBOR/10 status", 0, "unsupported protocol version 'ARBOR/10' "
	    "(this arbord speaks ARBOR/1)" },
	{ "ARBOR/1.1 status", 0, "unsupported protocol version 'ARBOR/1.1' "
	    "(this arbord speaks ARBOR/1)" },
	{ "ARBOR/", 0, "unsupported protocol version 'ARBOR/' "
	    "(this arbord speaks ARBOR/1)" },
	{ "ARBOR/2\tstatus", 0, "unsupported protocol version 'ARBOR/2' "
	    "(this arbord speaks ARBOR/1)" },
	{ "ARBOR/1", 0, "missing command" },
	{ "ARBOR/1 ", 0, "empty word at position 9 (words are separated "
	    "by exactly one space)" },
	{ "ARBOR/1  status", 0, "empty word at position 9 (words are "
	    "separated by exactly one space)" },
	{ "ARBOR/1 status  root", 0, "empty word at position 16 (words are "
	    "separated by exactly one space)" },
	{ "ARBOR/1 status ", 0, "empty word at position 16 (words are "
	    "separated by exactly one space)" },
	{ "ARBOR/1\tstatus", 0, "non-printable byte 0x09 at position 8 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 sta\001tus", 0, "non-printable byte 0x01 at position 12 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 status\r", 0, "non-printable byte 0x0d at position 15 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 status\n", 0, "non-printable byte 0x0a at position 15 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 st\xc3\xa9", 0, "non-printable byte 0xc3 at position 11 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 st\x7f", 0, "non-printable byte 0x7f at position 11 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 st\0tus", 14, "non-printable byte 0x00 at position 11 "
	    "(words are printable ASCII)" },
	{ "ARBOR/1 a b c d e f g h i", 0, "too many words (a command and "
	    "at most 7 arguments)" },
};

/* Every malformed request is refused with a message saying why. */
START_TEST(test_parse_err)
{
	const struct parse_err *pc = &parse_err_cases[_i];
	struct proto_request req;
	char *err = NULL;

	ck_assert_int_eq(proto_parse_request(pc->line,
	    pc->len ? pc->len : strlen(pc->line), &req, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, pc->err);
	ck_assert_int_eq(req.nwords, 0);
	ck_assert_ptr_null(req.words[0]);
	free(err);
}
END_TEST

/* Over-long words, version words and lines. */
START_TEST(test_parse_too_long)
{
	struct proto_request req;
	char *w = repeat('w', PROTO_MAX_WORD + 1);
	char *line, *err;

	line = xasprintf("ARBOR/1 status %s", w);
	ck_assert_int_eq(proto_parse_request(line, strlen(line), &req, &err),
	    -1);
	ck_assert_str_eq(err, "word too long at position 16 (256 bytes, "
	    "at most 255)");
	free(err);
	free(line);

	line = xasprintf("ARBOR/%s status", w);
	ck_assert_int_eq(proto_parse_request(line, strlen(line), &req, &err),
	    -1);
	ck_assert_str_eq(err, "unsupported protocol version "
	    "(this arbord speaks ARBOR/1)");
	free(err);
	free(line);
	free(w);

	/* 4095 bytes and a newline fit, but this has a too long word. */
	w = repeat('w', PROTO_MAX_REQUEST - 1 - strlen("ARBOR/1 "));
	line = xasprintf("ARBOR/1 %s", w);
	ck_assert_uint_eq(strlen(line), PROTO_MAX_REQUEST - 1);
	ck_assert_int_eq(proto_parse_request(line, strlen(line), &req, &err),
	    -1);
	ck_assert_str_eq(err, "word too long at position 9 (4087 bytes, "
	    "at most 255)");
	free(err);
	free(line);
	free(w);

	/* One more byte and the line itself is too long. */
	w = repeat('w', PROTO_MAX_REQUEST - strlen("ARBOR/1 "));
	line = xasprintf("ARBOR/1 %s", w);
	ck_assert_int_eq(proto_parse_request(line, strlen(line), &req, &err),
	    -1);
	ck_assert_str_eq(err, "request too long (4097 bytes, at most 4096 "
	    "with the newline)");
	free(err);
	free(line);
	free(w);

	/* Whatever it contains. */
	w = repeat('\001', 100000);
	ck_assert_int_eq(proto_parse_request(w, 100000, &req, &err), -1);
	ck_assert_str_eq(err, "request too long (100001 bytes, at most 4096 "
	    "with the newline)");
	free(err);
	free(w);
}
END_TEST

/* Formatting puts the version first and the newline last. */
START_TEST(test_format)
{
	const char *w1[] = { "status" };
	const char *w2[] = { "signal", "root/a", "SIGHUP" };
	char *s;

	s = proto_format_request(w1, 1);
	ck_assert_str_eq(s, "ARBOR/1 status\n");
	free(s);
	s = proto_format_request(w2, 3);
	ck_assert_str_eq(s, "ARBOR/1 signal root/a SIGHUP\n");
	free(s);
}
END_TEST

/* Every formatted request parses back to the same words. */
START_TEST(test_format_round_trip)
{
	const struct parse_ok *pc = &parse_ok_cases[_i];
	struct proto_request req;
	char *s, *err, *want;

	s = proto_format_request(pc->words, pc->nwords);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s[strlen(s) - 1], '\n');
	ck_assert_int_eq(proto_parse_request(s, strlen(s) - 1, &req, &err),
	    0);
	want = xasprintf("%s\n", pc->line);
	ck_assert_str_eq(s, want);
	free(want);
	ck_assert_int_eq(req.nwords, pc->nwords);
	for (int i = 0; i < pc->nwords; i++)
		ck_assert_str_eq(req.words[i], pc->words[i]);
	free(s);
}
END_TEST

/* Words that cannot be sent, and wrong numbers of words. */
START_TEST(test_format_invalid)
{
	char *longw = repeat('x', PROTO_MAX_WORD + 1);
	char *maxw = repeat('x', PROTO_MAX_WORD);
	const char *bad[] = { "", "a b", "a\tb", "a\nb", "a\rb", "\x7f",
	    "caf\xc3\xa9", longw };
	const char *nine[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
	const char *w[2];
	char *s;

	for (int i = 0; i < NELEM(bad); i++) {
		w[0] = "status";
		w[1] = bad[i];
		ck_assert_ptr_null(proto_format_request(w, 2));
		w[0] = bad[i];
		ck_assert_ptr_null(proto_format_request(w, 1));
	}
	w[0] = "status";
	w[1] = NULL;
	ck_assert_ptr_null(proto_format_request(w, 2));
	ck_assert_ptr_null(proto_format_request(w, 0));
	ck_assert_ptr_null(proto_format_request(nine, 9));
	s = proto_format_request(nine, 8);
	ck_assert_str_eq(s, "ARBOR/1 a b c d e f g h\n");
	free(s);
	w[1] = maxw;
	s = proto_format_request(w, 2);
	ck_assert_ptr_nonnull(s);
	free(s);
	free(longw);
	free(maxw);
}
END_TEST

/* Records escape backslash, TAB, LF and CR and nothing else. */
START_TEST(test_record_escape)
{
	const char *f[] = { "node", "a\tb", "c\nd", "e\rf", "g\\h", "",
	    NULL, "\\t is not a tab", "\x01\"'" };
	struct buf b = { 0 };

	proto_record(&b, f, NELEM(f));
	ck_assert_str_eq(b.s, "node\ta\\tb\tc\\nd\te\\rf\tg\\\\h\t\t\t"
	    "\\\\t is not a tab\t\x01\"'\n");
	ck_assert_uint_eq(b.len, strlen(b.s));
	free(b.s);

	b = (struct buf){ 0 };
	proto_record(&b, f, 1);
	ck_assert_str_eq(b.s, "node\n");
	proto_record(&b, f, 0);
	ck_assert_str_eq(b.s, "node\n\n");
	free(b.s);
}
END_TEST

/* What proto_record escapes, proto_split gives back. */
START_TEST(test_record_round_trip)
{
	const char *f[] = { "line", "tab\there", "two\nlines", "crlf\r\n",
	    "back\\slash", "\\n literally", "trailing\\", "", "\t\n\r\\",
	    "\\\\\\" };
	char *got[PROTO_MAX_FIELDS];
	struct buf b = { 0 };
	int n;

	proto_record(&b, f, NELEM(f));
	ck_assert_uint_eq(b.s[b.len - 1], '\n');
	ck_assert_ptr_null(memchr(b.s, '\n', b.len - 1));
	ck_assert_ptr_null(strchr(b.s, '\r'));
	b.s[--b.len] = '\0';
	n = proto_split(b.s, got, PROTO_MAX_FIELDS);
	ck_assert_int_eq(n, NELEM(f));
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(got[i], f[i]);
	free(b.s);
}
END_TEST

static const struct split_case {
	const char	*line;
	int		 max;
	int		 n;
	const char	*fields[6];
} split_cases[] = {
	{ "ok", 16, 1, { "ok" } },
	{ "", 16, 1, { "" } },
	{ "", 0, 0, { NULL } },
	{ "ok\t", 16, 2, { "ok", "" } },
	{ "\t\t", 16, 3, { "", "", "" } },
	{ "a\tb\tc", 2, 2, { "a", "b" } },
	{ "a\tb\tc", 3, 3, { "a", "b", "c" } },
	{ "a\tb\\tc", 3, 2, { "a", "b\tc" } },
	{ "line\tx\\ny\\rz\\\\w", 3, 2, { "line", "x\ny\rz\\w" } },
	/* Unknown escapes are kept as they are. */
	{ "line\t\\q\\x41\\0\\\"", 2, 2, { "line", "\\q\\x41\\0\\\"" } },
	/* So is a trailing lone backslash, in any field. */
	{ "line\tend\\", 2, 2, { "line", "end\\" } },
	{ "a\\\tb", 2, 2, { "a\\", "b" } },
	{ "\\", 2, 1, { "\\" } },
	/* An escaped backslash followed by n is not a newline. */
	{ "\\\\n", 1, 1, { "\\n" } },
	{ "\\\\\\n", 1, 1, { "\\\n" } },
	/* Other bytes pass through. */
	{ "caf\xc3\xa9\t\x01 \"", 2, 2, { "caf\xc3\xa9", "\x01 \"" } },
};

/* Splitting in place, unescaping, and the field limit. */
START_TEST(test_split)
{
	const struct split_case *sc = &split_cases[_i];
	char *line = xstrdup(sc->line);
	char *fields[6] = { NULL };
	int n;

	n = proto_split(line, fields, sc->max);
	ck_assert_int_eq(n, sc->n);
	for (int i = 0; i < n; i++) {
		ck_assert_str_eq(fields[i], sc->fields[i]);
		/* In place: every field points into LINE. */
		ck_assert(fields[i] >= line &&
		    fields[i] <= line + strlen(sc->line));
	}
	for (int i = n; i < 6; i++)
		ck_assert_ptr_null(fields[i]);
	free(line);
}
END_TEST

/* An event with every field named. */
#define EV(ts, t, k, p, pid_, ex, has, sig, err)			\
	{ .ts_ms = (ts), .type = (t), .kind = (k), .path = (p),		\
	  .pid = (pid_), .exit = (ex), .has_exit = (has),		\
	  .signal = (sig), .error = (err) }

static const struct event_case {
	struct event	 ev;
	const char	*record;
} event_cases[] = {
	{ EV(INT64_C(1700000000123), EV_PROCESS_STARTED, NODE_SUPERVISOR,
	    "root", 0, 0, 0, 0, NULL),
	  "event\t1700000000123\tProcessStarted\tsupervisor\troot\t0\t-1\t0"
	  "\t\n" },
	{ EV(INT64_C(1700000000123), EV_PROCESS_STARTED, NODE_WORKER,
	    "root/a", 4242, 0, 0, 0, NULL),
	  "event\t1700000000123\tProcessStarted\tworker\troot/a\t4242\t-1\t0"
	  "\t\n" },
	{ EV(1, EV_PROCESS_FAILED, NODE_WORKER, "root/a", 4242, 1, 1, 0,
	    (char *)"exit status 1: boom"),
	  "event\t1\tProcessFailed\tworker\troot/a\t4242\t1\t0"
	  "\texit status 1: boom\n" },
	{ EV(2, EV_PROCESS_TERMINATED, NODE_WORKER, "root/a", 7, 0, 0,
	    SIGTERM, NULL),
	  "event\t2\tProcessTerminated\tworker\troot/a\t7\t-1\t15\t\n" },
	{ EV(3, EV_PROCESS_COMPLETED, NODE_WORKER, "root/job", 8, 0, 1, 0,
	    NULL),
	  "event\t3\tProcessCompleted\tworker\troot/job\t8\t0\t0\t\n" },
	{ EV(4, EV_PROCESS_START_FAILED, NODE_SUPERVISOR, "root/s", 0, 0,
	    0, 0, (char *)"setup: exit status 2:\ttab\nnewline\\ \r"),
	  "event\t4\tProcessStartFailed\tsupervisor\troot/s\t0\t-1\t0"
	  "\tsetup: exit status 2:\\ttab\\nnewline\\\\ \\r\n" },
	{ EV(5, EV_PROCESS_FAILED, NODE_WORKER, "root/k", 99, 0, 0,
	    SIGKILL, (char *)"killed by SIGKILL"),
	  "event\t5\tProcessFailed\tworker\troot/k\t99\t-1\t9"
	  "\tkilled by SIGKILL\n" },
	{ EV(6, EV_PROCESS_FAILED, NODE_WORKER, "root/x", 1, 255, 1, 0,
	    NULL),
	  "event\t6\tProcessFailed\tworker\troot/x\t1\t255\t0\t\n" },
	{ EV(7, EV_PROCESS_UNHEALTHY, NODE_WORKER, "root/h", 12, 0, 0, 0,
	    (char *)"watchdog timeout (1s)"),
	  "event\t7\tProcessUnhealthy\tworker\troot/h\t12\t-1\t0"
	  "\twatchdog timeout (1s)\n" },
	{ EV(8, EV_PROCESS_DRAINING, NODE_WORKER, "root/w", 13, 0, 0, 0,
	    NULL),
	  "event\t8\tProcessDraining\tworker\troot/w\t13\t-1\t0\t\n" },
};

/* Events become records and come back unchanged. */
START_TEST(test_event_round_trip)
{
	const struct event_case *ec = &event_cases[_i];
	const struct event *want = &ec->ev;
	char *fields[PROTO_MAX_FIELDS];
	struct buf b = { 0 };
	struct event ev;
	int n;

	proto_event_record(&b, want);
	ck_assert_str_eq(b.s, ec->record);
	b.s[--b.len] = '\0';
	n = proto_split(b.s, fields, PROTO_MAX_FIELDS);
	ck_assert_int_eq(n, 9);
	ck_assert_int_eq(proto_parse_event(fields, n, &ev), 0);
	ck_assert(ev.ts_ms == want->ts_ms);
	ck_assert_int_eq(ev.type, want->type);
	ck_assert_int_eq(ev.kind, want->kind);
	ck_assert_str_eq(ev.path, want->path);
	ck_assert_int_eq(ev.pid, want->pid);
	ck_assert_int_eq(ev.has_exit, want->has_exit);
	if (want->has_exit)
		ck_assert_int_eq(ev.exit, want->exit);
	ck_assert_int_eq(ev.signal, want->signal);
	if (want->error == NULL)
		ck_assert_ptr_null(ev.error);
	else
		ck_assert_str_eq(ev.error, want->error);
	/* The same line in both printed forms. */
	for (int f = EVENT_FORMAT_TEXT; f <= EVENT_FORMAT_JSON; f++) {
		char *s1 = event_format(want, (enum event_format)f);
		char *s2 = event_format(&ev, (enum event_format)f);

		ck_assert_str_eq(s1, s2);
		free(s1);
		free(s2);
	}
	event_free(&ev);
	free(b.s);
}
END_TEST

/* Fields the record does not know yet are ignored. */
START_TEST(test_event_trailing_fields)
{
	char line[] = "event\t10\tProcessFailed\tworker\troot/a\t5\t3\t0\toops"
	    "\tfuture\tfields";
	char *fields[PROTO_MAX_FIELDS];
	struct event ev;
	int n;

	n = proto_split(line, fields, PROTO_MAX_FIELDS);
	ck_assert_int_eq(n, 11);
	ck_assert_int_eq(proto_parse_event(fields, n, &ev), 0);
	ck_assert_int_eq(ev.exit, 3);
	ck_assert_str_eq(ev.error, "oops");
	event_free(&ev);
}
END_TEST

static const char *const bad_events[] = {
	"line\t1\tProcessStarted\tworker\troot/a\t1\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-1\t0",
	"event",
	"event\t\tProcessStarted\tworker\troot/a\t1\t-1\t0\t",
	"event\t1x\tProcessStarted\tworker\troot/a\t1\t-1\t0\t",
	"event\t 1\tProcessStarted\tworker\troot/a\t1\t-1\t0\t",
	("event\t99999999999999999999\tProcessStarted\tworker\troot/a\t1\t-1"
	    "\t0\t"),
	"event\t1\tProcessBogus\tworker\troot/a\t1\t-1\t0\t",
	"event\t1\tprocessstarted\tworker\troot/a\t1\t-1\t0\t",
	"event\t1\tUnknown\tworker\troot/a\t1\t-1\t0\t",
	"event\t1\tProcessStarted\tprocess\troot/a\t1\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\t\t1\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t-1\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\tabc\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t99999999999\t-1\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-2\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t256\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t\t0\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-1\t-1\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-1\t1000\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-1\tTERM\t",
	"event\t1\tProcessStarted\tworker\troot/a\t1\t-1\t\t",
};

/* Every malformed field makes the record malformed; EV is left alone. */
START_TEST(test_event_malformed)
{
	char *line = xstrdup(bad_events[_i]);
	char *fields[PROTO_MAX_FIELDS];
	struct event ev;
	int n;

	memset(&ev, 0xa5, sizeof ev);
	n = proto_split(line, fields, PROTO_MAX_FIELDS);
	ck_assert_int_eq(proto_parse_event(fields, n, &ev), -1);
	ck_assert_uint_eq(((unsigned char *)&ev)[0], 0xa5);
	ck_assert_uint_eq(((unsigned char *)&ev)[sizeof ev - 1], 0xa5);
	free(line);
}
END_TEST

/* True if proto_default_socket() returns WANT. */
static int
socket_is(const char *want)
{
	char *s = proto_default_socket();
	int same = strcmp(s, want) == 0;

	if (!same)
		fprintf(stderr, "default socket %s, expected %s\n", s, want);
	free(s);
	return same;
}

/* True if the default socket is right for this user and environment. */
static int
default_socket_ok(void)
{
	char *tmp;
	int ok;

	if (geteuid() == 0) {
		setenv("XDG_RUNTIME_DIR", "/run/user/0", 1);
		return socket_is("/run/arbor/arbor.sock");
	}
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	ok = socket_is("/run/user/1000/arbor/arbor.sock");
	tmp = xasprintf("/tmp/arbor-%ld/arbor.sock", (long)geteuid());
	unsetenv("XDG_RUNTIME_DIR");
	ok = socket_is(tmp) && ok;
	setenv("XDG_RUNTIME_DIR", "", 1);
	ok = socket_is(tmp) && ok;
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	ok = socket_is(tmp) && ok;
	free(tmp);
	return ok;
}

/* Root, a user with XDG_RUNTIME_DIR, and one without. */
START_TEST(test_default_socket)
{
	pid_t pid;
	int status;

	ck_assert(default_socket_ok());
	if (geteuid() != 0)
		return;
	/* As root, also check as nobody, in a child of our own. */
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (setuid(65534) == -1)
			_exit(2);
		_exit(default_socket_ok() ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* The control protocol. */
Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc;

	tc = tcase_create("request");
	tcase_add_loop_test(tc, test_parse_ok, 0, NELEM(parse_ok_cases));
	tcase_add_test(tc, test_parse_len);
	tcase_add_test(tc, test_parse_longest_word);
	tcase_add_loop_test(tc, test_parse_err, 0, NELEM(parse_err_cases));
	tcase_add_test(tc, test_parse_too_long);
	tcase_add_test(tc, test_format);
	tcase_add_loop_test(tc, test_format_round_trip, 0,
	    NELEM(parse_ok_cases));
	tcase_add_test(tc, test_format_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("record");
	tcase_add_test(tc, test_record_escape);
	tcase_add_test(tc, test_record_round_trip);
	tcase_add_loop_test(tc, test_split, 0, NELEM(split_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("event");
	tcase_add_loop_test(tc, test_event_round_trip, 0, NELEM(event_cases));
	tcase_add_test(tc, test_event_trailing_fields);
	tcase_add_loop_test(tc, test_event_malformed, 0, NELEM(bad_events));
	suite_add_tcase(s, tc);

	tc = tcase_create("socket");
	tcase_add_test(tc, test_default_socket);
	suite_add_tcase(s, tc);

	return s;
}
