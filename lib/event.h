/*
 * event.h: event records (one per state change in the tree) and their two
 * printed forms, a line for people and a JSON object per line for programs.
 */
#ifndef ARBOR_EVENT_H
#define ARBOR_EVENT_H

#include <sys/types.h>
#include <stdint.h>

#include "config.h"

enum event_type {
	EV_PROCESS_STARTED,
	EV_PROCESS_START_FAILED,
	EV_PROCESS_FAILED,
	EV_PROCESS_TERMINATED,
	EV_PROCESS_COMPLETED,
	EV_PROCESS_READY,	/* a worker with a readiness check is ready */
	EV_PROCESS_UNHEALTHY,	/* its health checks or watchdog failed */
	EV_PROCESS_DRAINING,	/* a rolled worker's successor took over:
				   its old process (pid) got its stop
				   signal */
	EV_ARBOR_REEXEC,	/* arbord re-executed itself (arborctl
				   reexec): about the root, with the old
				   and the new version */
};
/* How many types there are (the last one's value + 1: keep it last). */
#define EV_NTYPES	((size_t)EV_ARBOR_REEXEC + 1)

struct event {
	int64_t		 ts_ms;		/* wall clock, ms since the epoch */
	enum event_type	 type;
	enum node_kind	 kind;
	char		*path;
	pid_t		 pid;		/* 0 if none */
	int		 exit;		/* exit status if has_exit */
	int		 has_exit;
	int		 signal;	/* terminating signal, 0 if none */
	char		*error;		/* NULL if none */
	int		 oom;		/* the kernel's OOM killer struck */
	char		*old_version;	/* ArborReexec: arbord before */
	char		*new_version;	/* ... and after; else NULL */
};

const char	*event_type_name(enum event_type);
void		 event_free(struct event *);
void		 event_copy(struct event *dst, const struct event *src);

/* Format one line (with the trailing newline); the caller frees it. */
char		*event_format(const struct event *, enum event_format);
/* Append MS (wall clock) as UTC with milliseconds: 2026-11-27T14:40:10.169Z. */
void		 buf_ts(struct buf *, int64_t ms);
/*
 * A process's last stderr line is part of the reason of its end only if
 * it was written this shortly before (ms); an older one is shown with
 * its age.
 */
#define EXIT_REASON_FRESH_MS	2000
/*
 * Exit reason of a wait status plus the process's last stderr line,
 * written AGE_MS before the end (< 0: unknown, taken as fresh):
 * "exit status 1: LINE", or "killed by SIGKILL; last stderr line 14s
 * earlier: LINE".
 */
char		*exit_reason(int wstatus, const char *lastline, int64_t age_ms);

#endif
