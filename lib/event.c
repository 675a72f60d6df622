/*
 * event.c: event records and their printed forms. The text form is one
 * line of logfmt-style fields for people and grep; the JSON form is one
 * object per line with the fields documented in the README and arbord(8).
 * Both carry the same facts.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "util.h"

/* A growable output buffer. */
struct buf {
	char	*s;
	size_t	 len, cap;
};

/* Append N bytes. */
static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 128;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append a formatted string. */
static void ARBOR_PRINTF(2, 3)
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_add(b, s, strlen(s));
	free(s);
}

/* Append S as a quoted JSON string (also used for quoted text values). */
static void
buf_quoted(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':  buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\u%04x", c);
			else
				buf_add(b, (const char *)&c, 1);
		}
	}
	buf_add(b, "\"", 1);
}

/* The contract name of an event type. */
const char *
event_type_name(enum event_type t)
{
	switch (t) {
	case EV_PROCESS_STARTED:	return "ProcessStarted";
	case EV_PROCESS_START_FAILED:	return "ProcessStartFailed";
	case EV_PROCESS_FAILED:		return "ProcessFailed";
	case EV_PROCESS_TERMINATED:	return "ProcessTerminated";
	case EV_PROCESS_COMPLETED:	return "ProcessCompleted";
	}
	return "Unknown";
}

/* Free the strings an event owns. */
void
event_free(struct event *ev)
{
	free(ev->path);
	free(ev->error);
	ev->path = ev->error = NULL;
}

/* Deep copy SRC into DST. */
void
event_copy(struct event *dst, const struct event *src)
{
	*dst = *src;
	dst->path = src->path ? xstrdup(src->path) : NULL;
	dst->error = src->error ? xstrdup(src->error) : NULL;
}

/* Append the ISO 8601 UTC timestamp with milliseconds. */
static void
buf_ts(struct buf *b, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];

	gmtime_r(&secs, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "%s.%03dZ", s, (int)(ms % 1000));
}

/* Format one event line, newline included. */
char *
event_format(const struct event *ev, enum event_format fmt)
{
	const char *kind = ev->kind == NODE_WORKER ? "worker" : "supervisor";
	struct buf b = { 0 };

	if (fmt == EVENT_FORMAT_JSON) {
		buf_add(&b, "{\"ts\":\"", 7);
		buf_ts(&b, ev->ts_ms);
		buf_printf(&b, "\",\"event\":\"%s\",\"node\":\"%s\",\"path\":",
		    event_type_name(ev->type), kind);
		buf_quoted(&b, ev->path ? ev->path : "");
		if (ev->pid > 0)
			buf_printf(&b, ",\"pid\":%ld", (long)ev->pid);
		if (ev->has_exit)
			buf_printf(&b, ",\"exit\":%d", ev->exit);
		if (ev->signal > 0)
			buf_printf(&b, ",\"signal\":\"%s\"",
			    signal_name(ev->signal));
		if (ev->error != NULL) {
			buf_add(&b, ",\"error\":", 9);
			buf_quoted(&b, ev->error);
		}
		buf_add(&b, "}\n", 2);
		return b.s;
	}
	buf_ts(&b, ev->ts_ms);
	buf_printf(&b, " %s %s %s", event_type_name(ev->type), kind,
	    ev->path ? ev->path : "");
	if (ev->pid > 0)
		buf_printf(&b, " pid=%ld", (long)ev->pid);
	if (ev->has_exit)
		buf_printf(&b, " exit=%d", ev->exit);
	if (ev->signal > 0)
		buf_printf(&b, " signal=%s", signal_name(ev->signal));
	if (ev->error != NULL) {
		buf_add(&b, " error=", 7);
		buf_quoted(&b, ev->error);
	}
	buf_add(&b, "\n", 1);
	return b.s;
}

/* "exit status 1: LASTLINE" or "killed by SIGKILL: LASTLINE". */
char *
exit_reason(int wstatus, const char *lastline)
{
	char *what;

	if (WIFSIGNALED(wstatus))
		what = xasprintf("killed by %s%s", signal_name(WTERMSIG(wstatus)),
		    WCOREDUMP(wstatus) ? " (core dumped)" : "");
	else
		what = xasprintf("exit status %d", WEXITSTATUS(wstatus));
	if (lastline != NULL && *lastline != '\0') {
		char *s = xasprintf("%s: %s", what, lastline);
		free(what);
		return s;
	}
	return what;
}
