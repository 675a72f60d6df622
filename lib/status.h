/*
 * status.h: a status snapshot as arborctl and the HTTP endpoint read it:
 * the "node" records of a status reply (lib/proto), rebuilt into a tree
 * (each record's parent is the nearest node before it whose path is a
 * prefix of its own), and its JSON document (arborctl status --json,
 * GET /status.json). Rendering for people stays with each reader.
 */
#ifndef ARBOR_STATUS_H
#define ARBOR_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct status_node {
	char		*path;
	char		*kind;
	char		*state;
	long		 pid;		/* 0 if none */
	long		 successor;	/* a rolled worker's successor, not
					   ready yet; 0 */
	long		 draining;	/* ... its old process, draining; 0 */
	int64_t		 since;		/* wall clock ms, 0 if never */
	long		 restarts_period;
	long		 restarts_total;
	int64_t		 backoff;	/* ms until the next restart */
	char		*error;		/* "" if none */
	int		 instances;	/* a pool's N (running), else 0 */
	int		 instances_configured; /* ... as configured; 0:
					   unknown (an older daemon) */
	char		*command;	/* a worker's, joined; NULL if none */
	char		*listen;	/* its held sockets' addresses, joined;
					   NULL if none */
	/* usage, -1 where unknown (a daemon before them sends none) */
	int64_t		 cpu_usec;
	int64_t		 cpu_permille;	/* of one CPU, lately */
	int64_t		 memory_bytes;
	int64_t		 memory_peak_bytes;
	int64_t		 tasks;
	char		*cgroup;	/* NULL if none */
	/* liveness: NULL without health or watchdog (or an older daemon) */
	char		*health;	/* starting, healthy, unhealthy */
	int64_t		 health_checked; /* wall clock ms, 0 if never */
	long		 health_failures;
	char		*health_error;	/* NULL if none */
	size_t		 parent;	/* index; the top node is its own */
	int		 depth;
	int		 last;		/* the last child of its parent */
	size_t		 lastchild;	/* index, SIZE_MAX if none yet */
};

struct status {
	struct status_node	*nodes;
	size_t		 n, cap;
	size_t		*stack;		/* the path from the top node */
	size_t		 depth;
};

struct status	*status_new(void);
void		 status_free(struct status *);
/* Add the fields of a "node" record (a reply callback: ARG is the
   status); a malformed one is skipped. */
void		 status_add(char **fields, int n, void *arg);
size_t		 status_count(const struct status *);
/* Node I, 0 <= I < status_count(); node 0 is the top one. */
const struct status_node *status_node(const struct status *, size_t i);
/* Append the top node and its subtree as one JSON object to B. */
void		 status_json(const struct status *, struct buf *b);

#endif
