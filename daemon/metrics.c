/*
 * metrics.c: GET /metrics in the Prometheus text exposition format
 * (version 0.0.4), made from the tree at each scrape, and the event
 * counters it reports. Every family and its labels are in arbord.8,
 * METRICS.
 *
 * A scrape of 10,000 workers must cost arbord well under 100 ms, so the
 * text is written straight from tree_node_info into one buffer (lib/prom.c
 * appends without printf), not through the status records: one pass over
 * the tree fills one array of rows (each node's info, its usage and its
 * labels, escaped once into one shared buffer), then each family is
 * written from the array, its samples together under one HELP and TYPE.
 * The usage of a node is two small reads (cgroup cpu.stat and
 * memory.current, or /proc/PID/stat and statm); without cgroups a
 * supervisor's is the sum of its workers', as in status.
 *
 * The label node is the kind, "worker" or "supervisor" (a pool is a
 * supervisor), as the field "node" of status --json and of events: path
 * names the node.
 */
#include <sys/resource.h>
#include <sys/types.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbord.h"
#include "cgroup.h"
#include "event.h"
#include "handoff.h"
#include "http.h"
#include "prom.h"
#include "tree.h"
#include "usage.h"

/* Events by type since arbord started. */
static uint64_t	events_total[EV_NTYPES];

/* One node of a scrape. */
struct row {
	const struct node	*n;
	struct node_info	 ni;
	size_t			 parent;	/* its index; the root: 0 */
	size_t			 lab;		/* path="..",node=".." in labels */
	size_t			 lab_path;	/* ... the length of path=".." */
	size_t			 lab_len;
	int64_t			 cpu_usec;	/* -1: unknown */
	int64_t			 memory_bytes;	/* -1: unknown */
};

struct scrape {
	struct row	*rows;
	size_t		 n, cap;
	struct buf	 labels;
	size_t		 workers;
	int64_t		 now, wall;
};

/*
 * Beyond this many workers a scrape reads no worker's usage (a read or
 * two each would take most of the time of a scrape of 10,000): the CPU
 * and memory of the tree are then those of its supervisors, each one
 * read of its cgroup (the sum of its subtree); none without cgroups.
 */
#define METRICS_USAGE_WORKERS	1000

void
metrics_event(const struct event *ev)
{
	if ((size_t)ev->type < EV_NTYPES)
		events_total[ev->type]++;
}

/* See http.h: the counts go on across a re-exec. */
void
metrics_export(struct handoff_w *w)
{
	handoff_begin(w, HR_COUNTERS);
	handoff_u32(w, EV_NTYPES);
	for (size_t i = 0; i < EV_NTYPES; i++) {
		handoff_str(w, event_type_name((enum event_type)i));
		handoff_i64(w, (int64_t)events_total[i]);
	}
	handoff_end(w);
}

/* See http.h. */
void
metrics_import(const void *data, size_t len)
{
	struct handoff_r r;
	char *err = NULL, *name;
	uint32_t n;
	int64_t v;

	if (handoff_r_init(&r, data, len, &err) == -1) {
		free(err);
		return;
	}
	while (handoff_next(&r, &err) == 1) {
		if (r.type != HR_COUNTERS)
			continue;
		n = handoff_get_u32(&r);
		for (uint32_t k = 0; k < n && !r.bad; k++) {
			name = handoff_get_str(&r);
			v = handoff_get_i64(&r);
			/* By name: an event this binary has not is dropped. */
			for (size_t i = 0; name != NULL && v > 0 && !r.bad &&
			    i < EV_NTYPES; i++)
				if (strcmp(name, event_type_name((enum
				    event_type)i)) == 0)
					events_total[i] += (uint64_t)v;
			free(name);
		}
		break;
	}
	free(err);
}

/* Add N (a row under PARENT) and its subtree to S, depth first. */
static void
collect(struct scrape *s, const struct node *n, size_t parent)
{
	struct row *r;
	size_t me;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	me = s->n++;
	r = &s->rows[me];
	tree_node_info(n, s->now, &r->ni);
	r->parent = parent;
	r->lab = s->labels.len;
	prom_str(&s->labels, "path=\"");
	prom_label_value(&s->labels, r->ni.path);
	prom_str(&s->labels, "\"");
	r->lab_path = s->labels.len - r->lab;
	prom_str(&s->labels, r->ni.kind == NODE_WORKER ?
	    ",node=\"worker\"" : ",node=\"supervisor\"");
	r->lab_len = s->labels.len - r->lab;
	r->n = n;
	r->cpu_usec = r->memory_bytes = -1;
	if (r->ni.kind == NODE_WORKER)
		s->workers++;
	for (size_t i = 0; i < n->nchildren; i++)
		collect(s, n->children[i], me);
}

/* Read the usage of the nodes worth it (METRICS_USAGE_WORKERS). */
static void
read_usage(struct scrape *s)
{
	bool workers = s->workers <= METRICS_USAGE_WORKERS;

	for (struct row *r = s->rows; r < s->rows + s->n; r++)
		if (r->ni.kind == NODE_WORKER ? workers : cgroup_enabled())
			usage_cpu_memory(r->n, &r->cpu_usec,
			    &r->memory_bytes);
}

/* Without cgroups a supervisor uses what its workers use. */
static void
sum_usage(struct scrape *s)
{
	/* Children come after their parent: add them up from the end. */
	for (size_t i = s->n; i-- > 1;) {
		struct row *c = &s->rows[i], *p = &s->rows[c->parent];

		if (c->cpu_usec >= 0)
			p->cpu_usec = (p->cpu_usec < 0 ? 0 : p->cpu_usec) +
			    c->cpu_usec;
		if (c->memory_bytes >= 0)
			p->memory_bytes = (p->memory_bytes < 0 ? 0 :
			    p->memory_bytes) + c->memory_bytes;
	}
}

/* "NAME{" and row R's labels (PATH_ONLY: path alone). */
static void
sample_start(struct buf *b, const struct scrape *s, const char *name,
    const struct row *r, int path_only)
{
	prom_str(b, name);
	buf_add(b, "{", 1);
	buf_add(b, s->labels.s + r->lab, path_only ? r->lab_path : r->lab_len);
}

/* One sample of row R: NAME{labels} V. */
static void
sample_int(struct buf *b, const struct scrape *s, const char *name,
    const struct row *r, int path_only, int64_t v)
{
	sample_start(b, s, name, r, path_only);
	buf_add(b, "} ", 2);
	prom_int(b, v);
	buf_add(b, "\n", 1);
}

/* The node families. */
static void
node_families(struct buf *b, const struct scrape *s)
{
	static const enum node_status states[] = { NS_STOPPED, NS_STARTING,
	    NS_RUNNING, NS_STOPPING, NS_FAILED, NS_COMPLETED, NS_BACKOFF };
	const struct row *r;

	prom_family(b, "arbor_node_up", "gauge",
	    "1 while the node is running (a worker: started, and ready if it "
	    "has a readiness check), else 0.");
	for (r = s->rows; r < s->rows + s->n; r++)
		sample_int(b, s, "arbor_node_up", r, 0,
		    r->ni.status == NS_RUNNING);
	prom_family(b, "arbor_node_state", "gauge",
	    "1 for the node's state as arborctl status shows it, 0 for the "
	    "others.");
	for (r = s->rows; r < s->rows + s->n; r++)
		for (size_t k = 0; k < sizeof states / sizeof states[0]; k++) {
			sample_start(b, s, "arbor_node_state", r, 0);
			prom_str(b, ",state=\"");
			prom_str(b, node_state_name(states[k]));
			prom_str(b, r->ni.status == states[k] ? "\"} 1\n" :
			    "\"} 0\n");
		}
	prom_family(b, "arbor_node_restarts_total", "counter",
	    "Restarts of the node since arbord started (status: RESTARTS).");
	for (r = s->rows; r < s->rows + s->n; r++)
		sample_int(b, s, "arbor_node_restarts_total", r, 0,
		    r->ni.restarts);
	prom_family(b, "arbor_node_failures_total", "counter",
	    "Ends of the node counted as failures (events ProcessFailed and "
	    "ProcessStartFailed) since arbord started.");
	for (r = s->rows; r < s->rows + s->n; r++)
		sample_int(b, s, "arbor_node_failures_total", r, 0,
		    r->ni.failures);
	prom_family(b, "arbor_node_start_time_seconds", "gauge",
	    "When the node was last started (a worker spawned, a supervisor's "
	    "start begun), in seconds since the epoch; none if never.");
	for (r = s->rows; r < s->rows + s->n; r++) {
		if (r->ni.started <= 0)
			continue;
		sample_start(b, s, "arbor_node_start_time_seconds", r, 0);
		buf_add(b, "} ", 2);
		prom_fixed(b, s->wall - (s->now - r->ni.started), 3);
		buf_add(b, "\n", 1);
	}
	prom_family(b, "arbor_node_cpu_seconds_total", "counter",
	    "CPU time of the node's processes (its cgroup, else a worker's "
	    "main process; a supervisor: its subtree) since it last started.");
	for (r = s->rows; r < s->rows + s->n; r++) {
		if (r->cpu_usec < 0)
			continue;
		sample_start(b, s, "arbor_node_cpu_seconds_total", r, 0);
		buf_add(b, "} ", 2);
		prom_fixed(b, r->cpu_usec, 6);
		buf_add(b, "\n", 1);
	}
	prom_family(b, "arbor_node_memory_bytes", "gauge",
	    "Memory of the node's processes (its cgroup's memory.current, "
	    "else a worker's main process's resident memory).");
	for (r = s->rows; r < s->rows + s->n; r++)
		if (r->memory_bytes >= 0)
			sample_int(b, s, "arbor_node_memory_bytes", r, 0,
			    r->memory_bytes);
	prom_family(b, "arbor_node_healthy", "gauge",
	    "A worker with health or watchdog: 1 healthy, 0 unhealthy (none "
	    "until its first check passes or fails).");
	for (r = s->rows; r < s->rows + s->n; r++)
		if (r->ni.health == HS_HEALTHY || r->ni.health == HS_UNHEALTHY)
			sample_int(b, s, "arbor_node_healthy", r, 1,
			    r->ni.health == HS_HEALTHY);
}

/* The supervisor families: the restart window. */
static void
supervisor_families(struct buf *b, const struct scrape *s)
{
	const struct row *r;

	prom_family(b, "arbor_supervisor_intensity_restarts", "gauge",
	    "Restarts of the supervisor's children within its period now.");
	for (r = s->rows; r < s->rows + s->n; r++)
		if (r->ni.kind == NODE_SUPERVISOR)
			sample_int(b, s, "arbor_supervisor_intensity_restarts",
			    r, 1, r->ni.intensity_restarts);
	prom_family(b, "arbor_supervisor_intensity_limit", "gauge",
	    "Restarts allowed within the period (intensity); one more and "
	    "the supervisor gives up.");
	for (r = s->rows; r < s->rows + s->n; r++)
		if (r->ni.kind == NODE_SUPERVISOR)
			sample_int(b, s, "arbor_supervisor_intensity_limit", r,
			    1, r->ni.intensity_limit);
	prom_family(b, "arbor_supervisor_intensity_period_seconds", "gauge",
	    "The period of the restart window (period).");
	for (r = s->rows; r < s->rows + s->n; r++) {
		if (r->ni.kind != NODE_SUPERVISOR)
			continue;
		sample_start(b, s, "arbor_supervisor_intensity_period_seconds",
		    r, 1);
		buf_add(b, "} ", 2);
		prom_fixed(b, r->ni.intensity_period_ms, 3);
		buf_add(b, "\n", 1);
	}
}

/* One family of a single unlabelled sample, V / 10^DIGITS. */
static void
single(struct buf *b, const char *name, const char *type, const char *help,
    int64_t v, int digits)
{
	prom_family(b, name, type, help);
	prom_str(b, name);
	buf_add(b, " ", 1);
	prom_fixed(b, v, digits);
	buf_add(b, "\n", 1);
}

/* The number of open descriptors, or -1. */
static int64_t
open_fds(void)
{
	struct dirent *de;
	int64_t n = 0;
	DIR *d;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the directory's own */
}

/* The boot time, seconds since the epoch, or -1. */
static int64_t
boot_time(void)
{
	char buf[8192], *p;
	long long v;

	if (read_small("/proc/stat", buf, sizeof buf) <= 0 ||
	    (p = strstr(buf, "\nbtime ")) == NULL ||
	    sscanf(p + 7, "%lld", &v) != 1)
		return -1;
	return v;
}

/*
 * arbord's own process_* families, the names every Prometheus client
 * library uses for its process.
 */
static void
process_families(struct buf *b)
{
	char buf[4096], *p;
	unsigned long long ut, st, start, pages;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;
	int64_t fds, btime;

	if (hz <= 0 || read_small("/proc/self/stat", buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %*d %*d %*d %*d %*d %*d %llu %*u %llu", &ut, &st,
	    &start, &pages) != 4)
		return;
	single(b, "process_cpu_seconds_total", "counter",
	    "Total user and system CPU time spent in seconds.",
	    (int64_t)((ut + st) * 1000000ULL / (unsigned long long)hz), 6);
	single(b, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.", (int64_t)pages * page, 0);
	if ((fds = open_fds()) >= 0)
		single(b, "process_open_fds", "gauge",
		    "Number of open file descriptors.", fds, 0);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		single(b, "process_max_fds", "gauge",
		    "Maximum number of open file descriptors.",
		    rl.rlim_cur == RLIM_INFINITY ? INT64_MAX :
		    (int64_t)rl.rlim_cur, 0);
	if ((btime = boot_time()) >= 0)
		single(b, "process_start_time_seconds", "gauge",
		    "Start time of the process since unix epoch in seconds.",
		    btime * 1000 + (int64_t)(start * 1000ULL /
		    (unsigned long long)hz), 3);
}

void
metrics_text(struct buf *out)
{
	struct scrape s = { .now = now_ms() };
	struct node *root = supervise_tree()->root;

	s.wall = s.now + wall_offset_ms();
	collect(&s, root, 0);
	read_usage(&s);
	if (!cgroup_enabled())
		sum_usage(&s);
	/* About what it takes: no copying while it grows. */
	if (out->cap < s.n * 1024 + 4096) {
		out->cap = s.n * 1024 + 4096;
		out->s = xrealloc(out->s, out->cap);
	}
	prom_family(out, "arbor_build_info", "gauge",
	    "arbord's version; always 1.");
	prom_str(out, "arbor_build_info{version=\"");
	prom_label_value(out, ARBOR_VERSION);
	prom_str(out, "\"} 1\n");
	node_families(out, &s);
	supervisor_families(out, &s);
	prom_family(out, "arbor_events_total", "counter",
	    "Events since arbord started, by name.");
	for (size_t i = 0; i < EV_NTYPES; i++) {
		prom_str(out, "arbor_events_total{event=\"");
		prom_str(out, event_type_name((enum event_type)i));
		prom_str(out, "\"} ");
		prom_int(out, (int64_t)events_total[i]);
		buf_add(out, "\n", 1);
	}
	process_families(out);
	free(s.rows);
	free(s.labels.s);
}
