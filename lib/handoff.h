/*
 * handoff.h: the record format by which arbord hands its state to the
 * binary it re-executes (arborctl reexec). See handoff.c.
 */
#ifndef ARBOR_HANDOFF_H
#define ARBOR_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * The format this build writes and reads. A handoff of another version is
 * refused; `arbord --handoff-check` prints it, so that the running arbord
 * asks the new binary before it execs it.
 */
#define HANDOFF_VERSION		2
#define HANDOFF_MAGIC		"ARBORHND"
#define HANDOFF_MAGIC_LEN	8
#define HANDOFF_HEADER		16	/* magic, version, header size */
#define HANDOFF_MAX		(256u << 20)	/* the largest handoff read */

/* Record types. A reader skips types it does not know. */
enum handoff_type {
	HR_END = 0,		/* the last record: nothing was cut off */
	HR_META = 1,		/* versions, when, who */
	HR_OPTS = 2,		/* how arbord runs (command line) */
	HR_CONFIG = 3,		/* one configuration file: name, text */
	HR_TREE = 4,		/* the tree's own state */
	HR_NODE = 5,		/* one node's state (tree_export) */
	HR_FD = 6,		/* a descriptor kept across exec */
	HR_PROC = 7,		/* a worker's process (daemon) */
	HR_CGROUP = 8,		/* arbord's cgroups */
	HR_LOGLINE = 9,		/* a line of a node's log ring */
	HR_REPLY = 10,		/* the client waiting for the answer */
	HR_EVENT = 11,		/* an event of the control backlog */
	HR_SCRIPT = 12,		/* a supervisor's setup or cleanup script */
	HR_WAIT = 13,		/* a pidfile worker's wait (daemon) */
	HR_COUNTERS = 14,	/* events counted, by name (metrics.c) */
};

/* A handoff being written: records appended to a buffer. */
struct handoff_w {
	struct buf	 b;
	size_t		 rec;		/* where the open record starts */
	bool		 open;
};

void	handoff_w_init(struct handoff_w *);
void	handoff_w_free(struct handoff_w *);
/* Begin a record of TYPE (ending any open one); end it. */
void	handoff_begin(struct handoff_w *, enum handoff_type);
void	handoff_end(struct handoff_w *);
void	handoff_u32(struct handoff_w *, uint32_t);
void	handoff_i64(struct handoff_w *, int64_t);
void	handoff_bool(struct handoff_w *, bool);
/* A string (NULL is written apart from ""). */
void	handoff_str(struct handoff_w *, const char *);
void	handoff_bytes(struct handoff_w *, const void *, size_t);
/* Close the handoff with HR_END; the bytes are w->b.s, w->b.len. */
void	handoff_finish(struct handoff_w *);

/* A handoff being read. */
struct handoff_r {
	const unsigned char *p;
	size_t		 len, off;
	/* the current record */
	enum handoff_type type;
	const unsigned char *rec;
	size_t		 rlen, roff;
	bool		 bad;		/* a field ran past its record */
	bool		 ended;		/* HR_END seen */
};

/*
 * Check the header of DATA (LEN bytes): 0, or -1 with *err ("handoff
 * format version 2, this arbord reads version 1").
 */
int	handoff_r_init(struct handoff_r *, const void *data, size_t len,
	    char **err);
/*
 * The next record: 1 (r->type), 0 after HR_END, -1 with *err if the
 * data is cut off or a record's length runs past the end.
 */
int	handoff_next(struct handoff_r *, char **err);
/* Fields of the current record; past its end they read as 0 or NULL
   and set r->bad. */
uint32_t handoff_get_u32(struct handoff_r *);
int64_t	handoff_get_i64(struct handoff_r *);
bool	handoff_get_bool(struct handoff_r *);
/* A string (allocated; NULL if written as NULL or bad). */
char	*handoff_get_str(struct handoff_r *);
/* Bytes: a pointer into the data and its length (NULL if bad). */
const void *handoff_get_bytes(struct handoff_r *, size_t *len);

#endif
