/*
 * test_event.c: unit tests of event records (lib/event.c): the contract
 * names of the event types, the text line and the JSON line of every
 * combination of optional fields (pid, exit status, signal, error), the
 * escaping of quotes, backslashes, newlines and control characters, deep
 * copies, and the exit reason built from a wait status and a last line.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "suites.h"
#include "util.h"

/* Wait statuses built the way the kernel builds them. */
#define EXITED(code)	(((code) & 0xff) << 8)
#define KILLED(sig)	((sig) & 0x7f)
#define CORE		0x80

/* 2023-11-14T22:13:20.123Z */
#define TS		INT64_C(1700000000123)
#define TS_TEXT		"2023-11-14T22:13:20.123Z"

/* Every event type has its contract name; unknown values say so. */
START_TEST(test_type_names)
{
	ck_assert_str_eq(event_type_name(EV_PROCESS_STARTED),
	    "ProcessStarted");
	ck_assert_str_eq(event_type_name(EV_PROCESS_START_FAILED),
	    "ProcessStartFailed");
	ck_assert_str_eq(event_type_name(EV_PROCESS_FAILED),
	    "ProcessFailed");
	ck_assert_str_eq(event_type_name(EV_PROCESS_TERMINATED),
	    "ProcessTerminated");
	ck_assert_str_eq(event_type_name(EV_PROCESS_COMPLETED),
	    "ProcessCompleted");
	ck_assert_str_eq(event_type_name((enum event_type)99), "Unknown");
}
END_TEST

/* An event with every field named; TS is the time of all but one. */
#define EV(ts, t, k, p, pid_, ex, has, sig, err)			\
	{ .ts_ms = (ts), .type = (t), .kind = (k), .path = (p),		\
	  .pid = (pid_), .exit = (ex), .has_exit = (has),		\
	  .signal = (sig), .error = (err) }

static const struct format_case {
	struct event	 ev;		/* path and error are copied */
	const char	*text;
	const char	*json;
} format_cases[] = {
	/* A supervisor event has nothing but its path. */
	{ EV(TS, EV_PROCESS_STARTED, NODE_SUPERVISOR, "root", 0, 0, 0, 0,
	    NULL),
	  TS_TEXT " ProcessStarted supervisor root\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessStarted\","
	  "\"node\":\"supervisor\",\"path\":\"root\"}\n" },
	/* A pid. */
	{ EV(TS, EV_PROCESS_STARTED, NODE_WORKER, "root/a", 4242, 0, 0, 0,
	    NULL),
	  TS_TEXT " ProcessStarted worker root/a pid=4242\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessStarted\","
	  "\"node\":\"worker\",\"path\":\"root/a\",\"pid\":4242}\n" },
	/* exit 0 is printed when has_exit says so. */
	{ EV(TS, EV_PROCESS_COMPLETED, NODE_WORKER, "root/a", 7, 0, 1, 0,
	    NULL),
	  TS_TEXT " ProcessCompleted worker root/a pid=7 exit=0\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessCompleted\","
	  "\"node\":\"worker\",\"path\":\"root/a\",\"pid\":7,"
	  "\"exit\":0}\n" },
	/* ... and not without it, whatever exit holds. */
	{ EV(TS, EV_PROCESS_TERMINATED, NODE_WORKER, "root/a", 0, 3, 0, 0,
	    NULL),
	  TS_TEXT " ProcessTerminated worker root/a\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessTerminated\","
	  "\"node\":\"worker\",\"path\":\"root/a\"}\n" },
	/* A signal, by name. */
	{ EV(TS, EV_PROCESS_TERMINATED, NODE_WORKER, "root/b", 9, 0, 0,
	    SIGTERM, NULL),
	  TS_TEXT " ProcessTerminated worker root/b pid=9 signal=SIGTERM\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessTerminated\","
	  "\"node\":\"worker\",\"path\":\"root/b\",\"pid\":9,"
	  "\"signal\":\"SIGTERM\"}\n" },
	/* exit, error; the error is always quoted. */
	{ EV(TS, EV_PROCESS_FAILED, NODE_WORKER, "root/b", 12, 1, 1, 0,
	    "exit status 1: boom"),
	  TS_TEXT " ProcessFailed worker root/b pid=12 exit=1"
	  " error=\"exit status 1: boom\"\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessFailed\","
	  "\"node\":\"worker\",\"path\":\"root/b\",\"pid\":12,\"exit\":1,"
	  "\"error\":\"exit status 1: boom\"}\n" },
	/* signal and error. */
	{ EV(TS, EV_PROCESS_FAILED, NODE_WORKER, "root/b", 13, 0, 0, SIGKILL,
	    "killed by SIGKILL"),
	  TS_TEXT " ProcessFailed worker root/b pid=13 signal=SIGKILL"
	  " error=\"killed by SIGKILL\"\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessFailed\","
	  "\"node\":\"worker\",\"path\":\"root/b\",\"pid\":13,"
	  "\"signal\":\"SIGKILL\",\"error\":\"killed by SIGKILL\"}\n" },
	/* Every field at once, in the documented order. */
	{ EV(TS, EV_PROCESS_FAILED, NODE_WORKER, "root/b", 14, 2, 1, SIGINT,
	    "x"),
	  TS_TEXT " ProcessFailed worker root/b pid=14 exit=2 signal=SIGINT"
	  " error=\"x\"\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessFailed\","
	  "\"node\":\"worker\",\"path\":\"root/b\",\"pid\":14,\"exit\":2,"
	  "\"signal\":\"SIGINT\",\"error\":\"x\"}\n" },
	/* An error without a pid, an empty error. */
	{ EV(TS, EV_PROCESS_START_FAILED, NODE_SUPERVISOR, "root/s", 0, 0, 0,
	    0, ""),
	  TS_TEXT " ProcessStartFailed supervisor root/s error=\"\"\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessStartFailed\","
	  "\"node\":\"supervisor\",\"path\":\"root/s\",\"error\":\"\"}\n" },
	/* Quotes, backslashes, newlines and control characters escaped. */
	{ EV(TS, EV_PROCESS_START_FAILED, NODE_WORKER, "root/q", 0, 0, 0, 0,
	    "say \"hi\"\\ now\nline\r2\tend\x01\x1f\x7f \xc3\xa9"),
	  TS_TEXT " ProcessStartFailed worker root/q error="
	  "\"say \\\"hi\\\"\\\\ now\\nline\\r2\\tend"
	  "\\u0001\\u001f\\u007f \xc3\xa9\"\n",
	  "{\"ts\":\"" TS_TEXT "\",\"event\":\"ProcessStartFailed\","
	  "\"node\":\"worker\",\"path\":\"root/q\",\"error\":"
	  "\"say \\\"hi\\\"\\\\ now\\nline\\r2\\tend"
	  "\\u0001\\u001f\\u007f \xc3\xa9\"}\n" },
	/* The epoch, and a path that needs escaping in JSON. */
	{ EV(0, EV_PROCESS_COMPLETED, NODE_WORKER, "root/\"odd\"", 1, 0, 1, 0,
	    NULL),
	  "1970-01-01T00:00:00.000Z ProcessCompleted worker root/\"odd\""
	  " pid=1 exit=0\n",
	  "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"event\":"
	  "\"ProcessCompleted\",\"node\":\"worker\","
	  "\"path\":\"root/\\\"odd\\\"\",\"pid\":1,\"exit\":0}\n" },
};

/* The text and the JSON form of each combination of fields. */
START_TEST(test_format)
{
	const struct format_case *fc = &format_cases[_i / 2];
	bool json = _i % 2 == 1;
	struct event ev;
	char *s;

	event_copy(&ev, &fc->ev);
	s = event_format(&ev, json ? EVENT_FORMAT_JSON : EVENT_FORMAT_TEXT);
	ck_assert_str_eq(s, json ? fc->json : fc->text);
	/* One line per event, whatever the error holds. */
	ck_assert_ptr_eq(strchr(s, '\n'), s + strlen(s) - 1);
	free(s);
	event_free(&ev);
}
END_TEST

/* A copy owns its own strings; free empties an event. */
START_TEST(test_copy_free)
{
	struct event src = EV(TS, EV_PROCESS_FAILED, NODE_WORKER, NULL, 5,
	    1, 1, 0, NULL);
	struct event dst;

	src.path = xstrdup("root/a");
	src.error = xstrdup("exit status 1");
	event_copy(&dst, &src);
	ck_assert_ptr_ne(dst.path, src.path);
	ck_assert_ptr_ne(dst.error, src.error);
	ck_assert_str_eq(dst.path, "root/a");
	ck_assert_str_eq(dst.error, "exit status 1");
	ck_assert_int_eq(dst.pid, 5);
	ck_assert_int_eq(dst.exit, 1);
	ck_assert_int_eq(dst.has_exit, 1);
	ck_assert(dst.ts_ms == TS);
	event_free(&src);
	ck_assert_ptr_null(src.path);
	ck_assert_ptr_null(src.error);
	ck_assert_str_eq(dst.path, "root/a");
	event_free(&dst);
	event_free(&dst);

	src.error = NULL;
	src.path = NULL;
	event_copy(&dst, &src);
	ck_assert_ptr_null(dst.path);
	ck_assert_ptr_null(dst.error);
	event_free(&dst);
}
END_TEST

static const struct reason_case {
	int		 wstatus;
	const char	*lastline;
	const char	*want;
	int64_t		 age_ms;	/* of the line; 0 unless said */
} reason_cases[] = {
	{ EXITED(1), NULL, "exit status 1", 0 },
	{ EXITED(0), NULL, "exit status 0", 0 },
	{ EXITED(255), NULL, "exit status 255", 0 },
	{ EXITED(1), "", "exit status 1", 0 },
	{ EXITED(2), "fatal: no config", "exit status 2: fatal: no config", 0 },
	{ KILLED(SIGKILL), NULL, "killed by SIGKILL", 0 },
	{ KILLED(SIGTERM), "", "killed by SIGTERM", 0 },
	{ KILLED(SIGTERM), "bye", "killed by SIGTERM: bye", 0 },
	{ KILLED(SIGSEGV) | CORE, NULL, "killed by SIGSEGV (core dumped)", 0 },
	{ KILLED(SIGABRT) | CORE, "assertion failed",
	    "killed by SIGABRT (core dumped): assertion failed", 0 },
	/* Up to 2 s before the end the line is the reason, no age. */
	{ KILLED(SIGTERM), "bye", "killed by SIGTERM: bye", 2000 },
	{ EXITED(1), "x", "exit status 1: x", -5 },
	/* Older, it is shown with its age. */
	{ KILLED(SIGKILL), "Hangup", "killed by SIGKILL; last stderr line "
	    "14s earlier: Hangup", 14999 },
	{ EXITED(3), "warm-up done", "exit status 3; last stderr line 2s "
	    "earlier: warm-up done", 2001 },
	{ KILLED(SIGSEGV) | CORE, "x", "killed by SIGSEGV (core dumped); "
	    "last stderr line 1h02m earlier: x", 3720000 },
	/* No line: no age either. */
	{ KILLED(SIGKILL), NULL, "killed by SIGKILL", 60000 },
	{ EXITED(1), "", "exit status 1", 60000 },
};

/* Exit codes and signals, with and without a last line, fresh or old. */
START_TEST(test_exit_reason)
{
	const struct reason_case *rc = &reason_cases[_i];
	char *s = exit_reason(rc->wstatus, rc->lastline, rc->age_ms);

	ck_assert_str_eq(s, rc->want);
	free(s);
}
END_TEST

/* Event records and their printed forms. */
Suite *
event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_copy_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, 2 * NELEM(format_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("exit_reason");
	tcase_add_loop_test(tc, test_exit_reason, 0, NELEM(reason_cases));
	suite_add_tcase(s, tc);

	return s;
}
