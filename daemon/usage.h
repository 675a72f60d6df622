/*
 * usage.h: what a node uses (CPU, memory, processes), read when status
 * asks, never on a timer: from its cgroup (the whole subtree of a
 * supervisor), or without cgroups from /proc for a worker's main process
 * (supervisors summing their workers').
 */
#ifndef ARBOR_USAGE_H
#define ARBOR_USAGE_H

#include <stdint.h>

struct node;

/* The last readings of a node's CPU time, for a percentage over time. */
struct usage_sample {
	int64_t		 t_ms;		/* monotonic; 0: none */
	int64_t		 cpu_usec;
};

struct usage_samples {
	struct usage_sample prev, last;
};

/* -1 wherever it is not known. */
struct node_usage {
	int64_t		 cpu_usec;	/* CPU time since it started */
	int64_t		 cpu_permille;	/* of one CPU, over the last
					   seconds (since the last reading
					   at least 1 s old, else since
					   its start) */
	int64_t		 memory_bytes;
	int64_t		 memory_peak_bytes;
	int64_t		 tasks;		/* processes */
	char		*cgroup;	/* relative to the hierarchy's
					   root; NULL without one */
};

/* Read N's usage at NOW (monotonic ms); free U->cgroup after. */
void	usage_read(const struct node *n, int64_t now, struct node_usage *u);

/*
 * Only N's CPU time and memory, -1 where unknown, for a scrape of every
 * node (metrics.c): fewer reads than usage_read, no percentage kept.
 * From its cgroup; without cgroups from /proc for a worker's main
 * process, and -1 for a supervisor (the caller sums its workers').
 */
void	usage_cpu_memory(const struct node *n, int64_t *cpu_usec,
	    int64_t *memory_bytes);

#endif
