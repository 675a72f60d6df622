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

#include "config.h"
#include "event.h"
#include "util.h"

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
	case EV_PROCESS_READY:		return "ProcessReady";
	case EV_PROCESS_UNHEALTHY:	return "ProcessUnhealthy";
	case EV_PROCESS_DRAINING:	return "ProcessDraining";
	case EV_ARBOR_REEXEC:		return "ArborReexec";
	}
	return "Unknown";
}

/* Free the strings an event owns. */
void
event_free(struct event *ev)
{
	free(ev->path);
	free(ev->error);
	free(ev->old_version);
	free(ev->new_version);
	ev->path = ev->error = NULL;
	ev->old_version = ev->new_version = NULL;
}

/* Deep copy SRC into DST. */
void
event_copy(struct event *dst, const struct event *src)
{
	*dst = *src;
	dst->path = src->path ? xstrdup(src->path) : NULL;
	dst->error = src->error ? xstrdup(src->error) : NULL;
	dst->old_version = src->old_version ? xstrdup(src->old_version) :
	    NULL;
	dst->new_version = src->new_version ? xstrdup(src->new_version) :
	    NULL;
}

/* Append the ISO 8601 UTC timestamp with milliseconds. */
void
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
		if (ev->oom)
			buf_add(&b, ",\"oom\":true", 11);
		if (ev->old_version != NULL) {
			buf_add(&b, ",\"old_version\":", 15);
			buf_quoted(&b, ev->old_version);
		}
		if (ev->new_version != NULL) {
			buf_add(&b, ",\"new_version\":", 15);
			buf_quoted(&b, ev->new_version);
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
	if (ev->old_version != NULL) {
		buf_add(&b, " old_version=", 13);
		buf_quoted(&b, ev->old_version);
	}
	if (ev->new_version != NULL) {
		buf_add(&b, " new_version=", 13);
		buf_quoted(&b, ev->new_version);
	}
	buf_add(&b, "\n", 1);
	return b.s;
}

/*
 * "exit status 1: LASTLINE" or "killed by SIGKILL: LASTLINE" when the
 * line is fresh; "...; last stderr line 14s earlier: LASTLINE" if not.
 */
char *
exit_reason(int wstatus, const char *lastline, int64_t age_ms)
{
	char *what, age[32];

	if (WIFSIGNALED(wstatus))
		what = xasprintf("killed by %s%s", signal_name(WTERMSIG(wstatus)),
		    WCOREDUMP(wstatus) ? " (core dumped)" : "");
	else
		what = xasprintf("exit status %d", WEXITSTATUS(wstatus));
	if (lastline != NULL && *lastline != '\0') {
		char *s = age_ms > EXIT_REASON_FRESH_MS ?
		    xasprintf("%s; last stderr line %s earlier: %s", what,
		    duration_age(age_ms, age, sizeof age), lastline) :
		    xasprintf("%s: %s", what, lastline);
		free(what);
		return s;
	}
	return what;
}
