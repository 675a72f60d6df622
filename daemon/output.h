/*
 * output.h: the pipes that carry a child's stdout and stderr to arbord.
 * Lines are written to arbord's stdout prefixed with the child's path and
 * handed to the node's log (logs.h); the last stderr line is kept for the
 * exit reason; a setup script's KEY=VALUE stdout lines are collected for
 * the environment of its subtree.
 */
#ifndef ARBOR_OUTPUT_H
#define ARBOR_OUTPUT_H

#include <ev.h>

#include "config.h"
#include "util.h"

struct nodelog;

#define OUTPUT_LINE_MAX	4096

struct output {
	ev_io		 io;
	char		*prefix;
	char		*buf;		/* a partial line; NULL when none */
	size_t		 len;
	char		*lastline;	/* last non-empty line read */
	int64_t		 lastline_at;	/* ... when (monotonic ms) */
	struct strv	*capture;	/* collect KEY=VALUE lines here */
	struct nodelog	*log;		/* every other line also goes here */
	enum stream	 stream;
};

/*
 * Watch FD (the read end of a pipe); lines are prefixed with PREFIX, and
 * handed to LOG (logs.c) as lines of STREAM of the node.
 */
struct output	*output_new(int fd, const char *prefix, struct strv *capture,
		    struct nodelog *log, enum stream stream);
/* Read what the child left in the pipe (bounded) and flush it. */
void		 output_drain(struct output *);
/* Across a re-exec: what the old arbord had read of a line, its last. */
void		 output_restore(struct output *, const void *part, size_t len,
		    const char *last, int64_t at);
/* Stop watching, close and free. */
void		 output_close(struct output *);
/* The last line seen; valid until output_close. */
const char	*output_lastline(const struct output *);
/* When it was read (monotonic ms; 0 if none). */
int64_t		 output_lastline_at(const struct output *);

#endif
