/*
 * usage.c: a node's CPU, memory and processes for status (see usage.h).
 * Nothing here runs unless a client asks: an idle arbord does not wake up
 * to sample. The percentage of CPU compares the reading with the last one
 * taken at least a second earlier (two kept per node), and with the
 * node's start when there is none.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbord.h"
#include "cgroup.h"
#include "tree.h"
#include "usage.h"
#include "util.h"

/* Readings taken closer together than this do not make a percentage. */
#define SAMPLE_MIN_MS	1000

/*
 * Process PID's CPU time and resident memory, from /proc (-1: unknown):
 * one read, of its stat.
 */
static void
proc_cpu_memory(pid_t pid, int64_t *cpu_usec, int64_t *memory_bytes)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	long long pages;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	/*
	 * After the ")" of the name: state is field 3, utime 14, stime 15,
	 * rss (pages, as statm's resident) 24.
	 */
	if (read_small(path, buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %*d %*d %*d %*d %*d %*d %*u %*u %lld", &ut, &st,
	    &pages) != 3 || hz <= 0)
		return;
	*cpu_usec = (int64_t)((ut + st) * 1000000ULL /
	    (unsigned long long)hz);
	*memory_bytes = pages * page;
}

/* Process PID's CPU time, resident and peak memory, from /proc. */
static void
proc_usage(pid_t pid, struct node_usage *u)
{
	char path[64], buf[4096], *p;
	long long kib;

	proc_cpu_memory(pid, &u->cpu_usec, &u->memory_bytes);
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (read_small(path, buf, sizeof buf) > 0 &&
	    (p = strstr(buf, "\nVmHWM:")) != NULL &&
	    sscanf(p + 7, "%lld", &kib) == 1)
		u->memory_peak_bytes = kib * 1024;
	u->tasks = u->cpu_usec >= 0 ? 1 : -1;
}

/* Add B's known values to A's (for a supervisor without cgroups). */
static void
usage_add(struct node_usage *a, const struct node_usage *b)
{
	int64_t *x[] = { &a->cpu_usec, &a->memory_bytes,
	    &a->memory_peak_bytes, &a->tasks };
	const int64_t y[] = { b->cpu_usec, b->memory_bytes,
	    b->memory_peak_bytes, b->tasks };

	for (size_t i = 0; i < sizeof y / sizeof y[0]; i++)
		if (y[i] >= 0)
			*x[i] = (*x[i] < 0 ? 0 : *x[i]) + y[i];
}

/* N's usage without the percentage. */
static void
usage_raw(const struct node *n, int64_t now, struct node_usage *u)
{
	struct node_info ni;

	if (cgroup_enabled()) {
		struct cgroup_usage cu;
		char *dir = cgroup_dir(n->path, NULL);

		/* Only while it exists: the node runs (or stops). */
		if (cgroup_usage(dir, n->spec->kind == NODE_WORKER, &cu) == 0) {
			u->cpu_usec = cu.cpu_usec;
			u->memory_bytes = cu.memory_bytes;
			u->memory_peak_bytes = cu.memory_peak_bytes;
			u->tasks = cu.tasks;
			u->cgroup = xstrdup(cgroup_relative(dir));
		}
		free(dir);
		return;
	}
	tree_node_info(n, now, &ni);
	if (n->spec->kind == NODE_WORKER) {
		if (ni.pid > 0)
			proc_usage(ni.pid, u);
		return;
	}
	for (size_t i = 0; i < n->nchildren; i++) {
		struct node_usage c = { -1, -1, -1, -1, -1, NULL };
		usage_raw(n->children[i], now, &c);
		usage_add(u, &c);
	}
}

void
usage_cpu_memory(const struct node *n, int64_t *cpu_usec,
    int64_t *memory_bytes)
{
	*cpu_usec = *memory_bytes = -1;
	if (cgroup_enabled()) {
		char *dir = cgroup_dir(n->path, NULL);

		(void)cgroup_cpu_memory(dir, cpu_usec, memory_bytes);
		free(dir);
		return;
	}
	if (n->spec->kind == NODE_WORKER && n->pid > 0)
		proc_cpu_memory(n->pid, cpu_usec, memory_bytes);
}

void
usage_read(const struct node *n, int64_t now, struct node_usage *u)
{
	struct usage_samples *s = supervise_samples(n);
	const struct usage_sample *from = NULL;
	struct usage_sample start;
	struct node_info ni;

	*u = (struct node_usage){ -1, -1, -1, -1, -1, NULL };
	usage_raw(n, now, u);
	if (u->cpu_usec < 0) {
		s->prev.t_ms = s->last.t_ms = 0;
		return;
	}
	/* A new start (less CPU than before) forgets the old readings. */
	if (s->last.t_ms != 0 && u->cpu_usec < s->last.cpu_usec)
		s->prev.t_ms = s->last.t_ms = 0;
	if (s->last.t_ms != 0 && now - s->last.t_ms >= SAMPLE_MIN_MS) {
		s->prev = s->last;
		s->last.t_ms = 0;
	}
	if (s->prev.t_ms != 0)
		from = &s->prev;
	else {
		/* Since it started: its CPU time counts from 0 there. */
		tree_node_info(n, now, &ni);
		if (node_up(n) && ni.since > 0) {
			start.t_ms = ni.since;
			start.cpu_usec = 0;
			from = &start;
		}
	}
	if (from != NULL && now - from->t_ms > 0)
		u->cpu_permille = (u->cpu_usec - from->cpu_usec) / (now -
		    from->t_ms);
	if (s->last.t_ms == 0) {
		s->last.t_ms = now;
		s->last.cpu_usec = u->cpu_usec;
	}
}
