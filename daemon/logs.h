/*
 * logs.h: what arbord keeps of the output it reads from its children
 * (logs.c). Per node: a bounded ring of the last lines for `arborctl
 * logs`, the followers that get new lines as they come, and with [arbor]
 * log_dir a log file with timestamps, size-based rotation and bounded,
 * non-blocking buffering.
 */
#ifndef ARBOR_LOGS_H
#define ARBOR_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define LOGS_RING_LINES		1000		/* lines kept per node ... */
#define LOGS_RING_BYTES		(256u << 10)	/* ... or bytes, whichever first */
#define LOGS_MAX_PENDING	(1u << 20)	/* unwritten bytes per log file */
#define LOGS_RETRY_SECS		1.0		/* after a failed open or write */

/* One line of a node's output, without its newline. */
struct logline {
	int64_t		 ts_ms;		/* wall clock, ms since the epoch */
	uint64_t	 seq;		/* the order lines came in, of all
					   nodes: merging follows it */
	enum stream	 stream;
	char		*text;
	size_t		 len;
};

struct nodelog;		/* one node's ring, log file and followers */
struct logfollower;

/* A follower's callback: a new LINE, or NULL once the node is gone. */
typedef void	(*logs_follow_fn)(void *arg, const struct logline *line);

/* Take log_dir, log_max_size and log_keep from CONF (start and reload). */
void		 logs_configure(const struct config *);
/* arbord exits: write what is pending, close and free everything. */
void		 logs_close(void);

/* The log of node PATH, with one reference (the node's own). */
struct nodelog	*logs_node_new(const char *path);
/*
 * The node is gone (removed by a reload): its followers are told and
 * forgotten, and its reference is dropped.
 */
void		 logs_node_gone(struct nodelog *);
/* Another reference (an output pipe still reading for the node). */
void		 logs_hold(struct nodelog *);
/* Drop a reference; the last one writes what is pending and frees. */
void		 logs_release(struct nodelog *);

/* A line of output of LEN bytes (no newline) on STREAM. */
void		 logs_line(struct nodelog *, enum stream, const char *,
		    size_t len);

/* The lines in the ring, and line I of them (0 is the oldest). */
size_t		 logs_count(const struct nodelog *);
const struct logline *logs_get(const struct nodelog *, size_t);

/*
 * Call FN with every new line of NL until logs_unfollow, or until the
 * node is gone (FN gets NULL; the follower is freed after that call and
 * must not be unfollowed).
 */
struct logfollower *logs_follow(struct nodelog *nl, logs_follow_fn fn,
		    void *arg);
void		 logs_unfollow(struct logfollower *);

/* Re-exec: a line of the ring handed over, back in the ring only. */
void		 logs_restore(struct nodelog *, int64_t ts_ms, uint64_t seq,
		    enum stream, const char *text, size_t len);

#endif
