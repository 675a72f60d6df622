/*
 * status.c: renders the "node" records of a status reply. The records
 * arrive in depth-first pre-order; each one's parent is the nearest node
 * before it whose path is a prefix of its own, which is all it takes to
 * rebuild the tree. For people the tree is drawn one node per line with
 * aligned columns under a header (name, kind, state, pid, time up or
 * down, restarts in the period and in total, and why a node is down),
 * and a single worker also gets its command line; for programs it is
 * one JSON object with nested children. status_running() gives the exit
 * status of status and is-running (LSB: 0 running, 3 not).
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "proto.h"
#include "arborctl.h"

#define NCOLS	9	/* name kind state pid time restarts cpu memory
			   error */

struct snode {
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
	struct snode	*nodes;
	size_t		 n, cap;
	size_t		*stack;		/* the path from the top node */
	size_t		 depth;
};

/* A new, empty status. */
struct status *
status_new(void)
{
	return xcalloc(1, sizeof (struct status));
}

/* Free a status and its nodes. */
void
status_free(struct status *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->n; i++) {
		free(st->nodes[i].path);
		free(st->nodes[i].kind);
		free(st->nodes[i].state);
		free(st->nodes[i].error);
		free(st->nodes[i].command);
		free(st->nodes[i].listen);
		free(st->nodes[i].cgroup);
		free(st->nodes[i].health);
		free(st->nodes[i].health_error);
	}
	free(st->nodes);
	free(st->stack);
	free(st);
}

/* The number of nodes. */
size_t
status_count(const struct status *st)
{
	return st->n;
}

/* A decimal field, 0 if it is not one. */
static int64_t
number(const char *s)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return 0;
	return v;
}

/* True if ANCESTOR's path is a proper prefix of PATH at a slash. */
static int
is_under(const char *ancestor, const char *path)
{
	size_t n = strlen(ancestor);

	return strncmp(ancestor, path, n) == 0 && path[n] == '/';
}

/* A usage field: a decimal, or -1 for unknown; -1 if malformed. */
static int64_t
signed_number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < -1)
		return -1;
	return v;
}

/* Add the fields of one "node" record (a reply callback). */
void
status_add(char **f, int n, void *arg)
{
	struct status *st = arg;
	struct snode *sn;

	if (strcmp(f[0], "node") != 0)
		return;
	if (n < 9 || f[1][0] == '\0') {
		warnx("malformed node record skipped");
		return;
	}
	/* Find the parent: the deepest node on the stack above PATH. */
	while (st->depth > 0 &&
	    !is_under(st->nodes[st->stack[st->depth - 1]].path, f[1]))
		st->depth--;
	if (st->depth == 0 && st->n > 0)
		return;		/* not under the top node: ignore it */

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->nodes = xreallocarray(st->nodes, st->cap, sizeof *sn);
		st->stack = xreallocarray(st->stack, st->cap,
		    sizeof *st->stack);
	}
	sn = &st->nodes[st->n];
	memset(sn, 0, sizeof *sn);
	sn->path = xstrdup(f[1]);
	sn->kind = xstrdup(f[2]);
	sn->state = xstrdup(f[3]);
	sn->pid = (long)number(f[4]);
	sn->since = number(f[5]);
	sn->restarts_period = (long)number(f[6]);
	sn->restarts_total = (long)number(f[7]);
	sn->backoff = number(f[8]);
	sn->error = xstrdup(n > 9 ? f[9] : "");
	/* Fields a daemon before them does not send. */
	sn->instances = n > 10 ? (int)number(f[10]) : 0;
	sn->command = n > 11 && f[11][0] != '\0' ? xstrdup(f[11]) : NULL;
	sn->cpu_usec = n > 12 ? signed_number(f[12]) : -1;
	sn->cpu_permille = n > 13 ? signed_number(f[13]) : -1;
	sn->memory_bytes = n > 14 ? signed_number(f[14]) : -1;
	sn->memory_peak_bytes = n > 15 ? signed_number(f[15]) : -1;
	sn->tasks = n > 16 ? signed_number(f[16]) : -1;
	sn->cgroup = n > 17 && f[17][0] != '\0' ? xstrdup(f[17]) : NULL;
	sn->health = n > 18 && f[18][0] != '\0' ? xstrdup(f[18]) : NULL;
	sn->health_checked = n > 19 ? number(f[19]) : 0;
	sn->health_failures = n > 20 ? (long)number(f[20]) : 0;
	sn->health_error = n > 21 && f[21][0] != '\0' ? xstrdup(f[21]) :
	    NULL;
	sn->instances_configured = n > 22 ? (int)number(f[22]) :
	    sn->instances;
	sn->successor = n > 23 ? (long)number(f[23]) : 0;
	sn->draining = n > 24 ? (long)number(f[24]) : 0;
	sn->listen = n > 25 && f[25][0] != '\0' ? xstrdup(f[25]) : NULL;
	sn->depth = (int)st->depth;
	sn->parent = st->depth > 0 ? st->stack[st->depth - 1] : st->n;
	/* Until a later sibling comes, this is its parent's last child. */
	sn->last = 1;
	sn->lastchild = SIZE_MAX;
	if (sn->depth > 0) {
		struct snode *p = &st->nodes[sn->parent];

		if (p->lastchild != SIZE_MAX)
			st->nodes[p->lastchild].last = 0;
		p->lastchild = st->n;
	}
	st->stack[st->depth++] = st->n++;
}

/* "5s", "2m13s", "1h02m", "3d04h" into BUF. */
char *
status_duration(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600,
		    s % 3600 / 60);
	else
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
		    s % 86400 / 3600);
	return buf;
}

/* True if a node in STATE has a process or is on its way up or down. */
static int
state_up(const char *state)
{
	return strcmp(state, "running") == 0 ||
	    strcmp(state, "starting") == 0 || strcmp(state, "stopping") == 0;
}

/* True if a node in STATE is down and its last error worth showing. */
static int
state_down(const char *state)
{
	return strcmp(state, "failed") == 0 ||
	    strcmp(state, "stopped") == 0 ||
	    strcmp(state, "completed") == 0 || strcmp(state, "backoff") == 0;
}

/* Does a node in STATE count as running for status and is-running? */
static int
state_running(const char *state)
{
	return strcmp(state, "running") == 0 ||
	    strcmp(state, "completed") == 0;
}

/* The ANSI colour of a state, or NULL. */
static const char *
state_colour(const char *state)
{
	if (strcmp(state, "running") == 0)
		return "\033[32m";
	if (strcmp(state, "starting") == 0 || strcmp(state, "stopping") == 0 ||
	    strcmp(state, "backoff") == 0)
		return "\033[33m";
	if (strcmp(state, "failed") == 0)
		return "\033[31m";
	if (strcmp(state, "stopped") == 0 || strcmp(state, "completed") == 0)
		return "\033[2m";
	return NULL;
}

/* Append S with control characters made visible, for a terminal. */
static void
buf_visible(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			buf_add(b, "\\n", 2);
		else if (c == '\t')
			buf_add(b, "\\t", 2);
		else if (c == '\r')
			buf_add(b, "\\r", 2);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_add(b, s, 1);
	}
	if (b->s == NULL)
		buf_add(b, "", 0);
}

/* Columns S takes on a terminal: UTF-8 continuation bytes take none. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* The tree glyphs and name of node I. */
static void
name_column(const struct status *st, size_t i, int utf8, struct buf *b)
{
	const struct snode *sn = &st->nodes[i];
	const char *pipe = utf8 ? "\342\224\202  " : "|  ";
	const char *tee = utf8 ? "\342\224\234\342\224\200 " : "|- ";
	const char *elbow = utf8 ? "\342\224\224\342\224\200 " : "`- ";
	const struct snode **up;
	const char *slash;
	size_t j, k;

	if (sn->depth == 0) {
		buf_visible(b, sn->path);
		return;
	}
	/* The ancestors between the top node and this one, bottom up. */
	up = xreallocarray(NULL, (size_t)sn->depth, sizeof *up);
	for (k = 0, j = sn->parent; st->nodes[j].depth > 0;
	    j = st->nodes[j].parent)
		up[k++] = &st->nodes[j];
	while (k-- > 0)
		buf_add(b, up[k]->last ? "   " : pipe,
		    strlen(up[k]->last ? "   " : pipe));
	free(up);
	buf_add(b, sn->last ? elbow : tee, strlen(sn->last ? elbow : tee));
	slash = strrchr(sn->path, '/');
	buf_visible(b, slash != NULL ? slash + 1 : sn->path);
}

/* Bytes as people read them: 512K, 12.3M, 2.0G. */
static void
bytes_text(struct buf *b, int64_t v)
{
	static const char units[] = "KMGT";
	double x = (double)v;
	int u = -1;

	while (x >= 1024 && u < 3) {
		x /= 1024;
		u++;
	}
	if (u < 0)
		buf_printf(b, "%lldB", (long long)v);
	else if (x < 10)
		buf_printf(b, "%.1f%c", x, units[u]);
	else
		buf_printf(b, "%.0f%c", x, units[u]);
}

/* "3.1% 2m05s": CPU lately and its total time; "-" if unknown. */
static void
cpu_column(const struct snode *sn, struct buf *b)
{
	char d[32];

	if (sn->cpu_usec < 0) {
		buf_add(b, "-", 1);
		return;
	}
	if (sn->cpu_permille >= 0)
		buf_printf(b, "%lld.%lld%% ", (long long)sn->cpu_permille / 10,
		    (long long)sn->cpu_permille % 10);
	if (sn->cpu_usec < 1000000)
		buf_printf(b, "%lldms", (long long)sn->cpu_usec / 1000);
	else {
		(void)status_duration(sn->cpu_usec / 1000, d, sizeof d);
		buf_add(b, d, strlen(d));
	}
}

/* "12M/15M": memory now and at its peak; "-" if unknown. */
static void
memory_column(const struct snode *sn, struct buf *b)
{
	if (sn->memory_bytes < 0) {
		buf_add(b, "-", 1);
		return;
	}
	bytes_text(b, sn->memory_bytes);
	if (sn->memory_peak_bytes >= 0) {
		buf_add(b, "/", 1);
		bytes_text(b, sn->memory_peak_bytes);
	}
}

/*
 * "healthy 4s ago", "starting", "unhealthy 1s ago": a worker's liveness
 * and when it was last checked.
 */
static void
health_column(const struct snode *sn, int64_t now_ms, struct buf *b)
{
	char d[32];

	if (sn->health == NULL) {
		buf_add(b, "-", 1);
		return;
	}
	buf_visible(b, sn->health);
	if (sn->health_checked > 0)
		buf_printf(b, " %s ago", status_duration(now_ms -
		    sn->health_checked, d, sizeof d));
}

/*
 * Print the tree for people. A HEALTH column after STATE appears when a
 * worker has a health check or a watchdog; a running worker whose last
 * checks failed shows why under LAST ERROR.
 */
void
status_print_text(const struct status *st, int64_t now_ms, int colour,
    int utf8)
{
	static const char *const head[NCOLS] = { "NODE", "KIND", "STATE",
	    "PID", "UP/DOWN", "RESTARTS", "CPU", "MEMORY", "LAST ERROR" };
	struct buf *cols = xcalloc((st->n + 1) * NCOLS, sizeof *cols);
	struct buf *hcol = xcalloc(st->n + 1, sizeof *hcol);
	size_t w[NCOLS] = { 0 }, hw;
	int health = 0;
	char d[32];

	for (size_t i = 0; i < st->n; i++)
		if (st->nodes[i].health != NULL)
			health = 1;
	buf_add(&hcol[0], "HEALTH", 6);
	hw = 6;
	/* Row 0 is the header, row I + 1 node I. */
	for (size_t k = 0; k < NCOLS; k++) {
		buf_add(&cols[k], head[k], strlen(head[k]));
		w[k] = width(head[k]);
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct snode *sn = &st->nodes[i];
		struct buf *c = &cols[(i + 1) * NCOLS];

		name_column(st, i, utf8, &c[0]);
		buf_visible(&c[1], sn->kind);
		buf_visible(&c[2], sn->state);
		if (sn->pid > 0)
			buf_printf(&c[3], "%ld", sn->pid);
		else
			buf_add(&c[3], "-", 1);
		/* A rolling restart's overlap: the other process. */
		if (sn->successor > 0)
			buf_printf(&c[3], " (next %ld)", sn->successor);
		else if (sn->draining > 0)
			buf_printf(&c[3], " (old %ld)", sn->draining);
		if (sn->since <= 0)
			buf_add(&c[4], "-", 1);
		else
			buf_printf(&c[4], "%s %s",
			    state_up(sn->state) ? "up" : "down",
			    status_duration(now_ms - sn->since, d, sizeof d));
		buf_printf(&c[5], "%ld/%ld", sn->restarts_period,
		    sn->restarts_total);
		cpu_column(sn, &c[6]);
		memory_column(sn, &c[7]);
		buf_add(&c[8], "", 0);
		if (state_down(sn->state))
			buf_visible(&c[8], sn->error);
		if (strcmp(sn->state, "backoff") == 0 && sn->backoff > 0)
			buf_printf(&c[8], "%s(restart in %s)",
			    c[8].len > 0 ? " " : "",
			    status_duration(sn->backoff + 999, d, sizeof d));
		/* A pool scaled away from its configuration says so. */
		if (sn->instances > 0 && sn->instances_configured > 0 &&
		    sn->instances != sn->instances_configured)
			buf_printf(&c[8], "%sscaled to %d (configured %d)",
			    c[8].len > 0 ? " " : "", sn->instances,
			    sn->instances_configured);
		if (state_up(sn->state) && sn->health_error != NULL &&
		    sn->health_failures > 0) {
			buf_printf(&c[8], "health: ");
			buf_visible(&c[8], sn->health_error);
			buf_printf(&c[8], " (%ld failed in a row)",
			    sn->health_failures);
		}
		health_column(sn, now_ms, &hcol[i + 1]);
		if (width(hcol[i + 1].s) > hw)
			hw = width(hcol[i + 1].s);
		for (size_t k = 0; k < NCOLS; k++)
			if (width(c[k].s) > w[k])
				w[k] = width(c[k].s);
	}
	for (size_t i = 0; i <= st->n; i++) {
		struct buf *c = &cols[i * NCOLS];
		const char *sc = colour && i > 0 ? state_colour(c[2].s) : NULL;
		struct buf line = { 0 };

		for (size_t k = 0; k < NCOLS; k++) {
			if (k > 0)
				buf_add(&line, "  ", 2);
			if (k == 2 && sc != NULL)
				buf_printf(&line, "%s%s\033[0m", sc, c[k].s);
			else
				buf_add(&line, c[k].s, c[k].len);
			if (k < NCOLS - 1)
				buf_printf(&line, "%*s",
				    (int)(w[k] - width(c[k].s)), "");
			if (k == 2 && health)
				buf_printf(&line, "  %s%*s", hcol[i].s,
				    (int)(hw - width(hcol[i].s)), "");
		}
		free(hcol[i].s);
		while (line.len > 0 && line.s[line.len - 1] == ' ')
			line.s[--line.len] = '\0';
		printf("%s\n", line.s);
		free(line.s);
		for (size_t k = 0; k < NCOLS; k++)
			free(c[k].s);
	}
	free(cols);
	free(hcol);
}

/* Append a worker's command as a JSON array of its words, else null. */
static void
json_command(const struct snode *sn, struct buf *b)
{
	struct strv argv = { NULL, 0, 0 };

	buf_add(b, ",\"command\":", 11);
	if (sn->command == NULL) {
		buf_add(b, "null", 4);
		return;
	}
	/* The daemon joined it with argv_join(); keep it whole otherwise. */
	if (argv_split(sn->command, &argv, NULL) == -1)
		strv_push(&argv, xstrdup(sn->command));
	buf_add(b, "[", 1);
	for (size_t i = 0; i < argv.n; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		buf_quoted(b, argv.v[i]);
	}
	buf_add(b, "]", 1);
	strv_free(&argv);
}

/*
 * Node I's processes: as the daemon said, or for a supervisor whose
 * cgroup does not count them (no pids controller) its children's sum.
 */
static int64_t
tasks_of(const struct status *st, size_t i)
{
	const struct snode *sn = &st->nodes[i];
	int64_t sum = -1, k;

	if (sn->tasks >= 0 || strcmp(sn->kind, "supervisor") != 0)
		return sn->tasks;
	for (size_t j = i + 1; j < st->n && st->nodes[j].depth > sn->depth;
	    j++)
		if (st->nodes[j].parent == i && (k = tasks_of(st, j)) >= 0)
			sum = (sum < 0 ? 0 : sum) + k;
	return sum;
}

/* Append ,"NAME":V, or null if V is unknown (-1). */
static void
json_usage(struct buf *b, const char *name, int64_t v)
{
	if (v >= 0)
		buf_printf(b, ",\"%s\":%lld", name, (long long)v);
	else
		buf_printf(b, ",\"%s\":null", name);
}

/* Append ,"NAME":"2026-...Z" for wall clock MS, or null if 0. */
static void
json_time(struct buf *b, const char *name, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char ts[32];

	if (ms <= 0) {
		buf_printf(b, ",\"%s\":null", name);
		return;
	}
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, ",\"%s\":\"%s.%03dZ\"", name, ts, (int)(ms % 1000));
}

/* Append health, health_checked, health_failures and health_error. */
static void
json_health(const struct snode *sn, struct buf *b)
{
	buf_add(b, ",\"health\":", 10);
	if (sn->health == NULL) {
		buf_add(b, "null,\"health_checked\":null,\"health_failures\":"
		    "null,\"health_error\":null", 69);
		return;
	}
	buf_quoted(b, sn->health);
	json_time(b, "health_checked", sn->health_checked);
	buf_printf(b, ",\"health_failures\":%ld,\"health_error\":",
	    sn->health_failures);
	if (sn->health_error != NULL)
		buf_quoted(b, sn->health_error);
	else
		buf_add(b, "null", 4);
}

/* Append a worker's held sockets ("listen": addresses), if it has any. */
static void
json_listen(const struct snode *sn, struct buf *b)
{
	struct strv addrs = { 0 };

	if (sn->listen == NULL)
		return;
	if (argv_split(sn->listen, &addrs, NULL) == -1)
		strv_push(&addrs, xstrdup(sn->listen));
	buf_add(b, ",\"listen\":[", 11);
	for (size_t i = 0; i < addrs.n; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		buf_quoted(b, addrs.v[i]);
	}
	buf_add(b, "]", 1);
	strv_free(&addrs);
}

/* Append the JSON object of node I and its subtree. */
static void
json_node(const struct status *st, size_t i, struct buf *b)
{
	const struct snode *sn = &st->nodes[i];
	int first = 1;

	buf_add(b, "{\"path\":", 8);
	buf_quoted(b, sn->path);
	buf_add(b, ",\"node\":", 8);
	buf_quoted(b, sn->kind);
	buf_add(b, ",\"state\":", 9);
	buf_quoted(b, sn->state);
	if (sn->pid > 0)
		buf_printf(b, ",\"pid\":%ld", sn->pid);
	else
		buf_add(b, ",\"pid\":null", 11);
	/* Only during a rolling restart's overlap. */
	if (sn->successor > 0)
		buf_printf(b, ",\"successor_pid\":%ld", sn->successor);
	if (sn->draining > 0)
		buf_printf(b, ",\"draining_pid\":%ld", sn->draining);
	if (sn->since > 0) {
		time_t secs = (time_t)(sn->since / 1000);
		struct tm tm;
		char ts[32];

		gmtime_r(&secs, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		buf_printf(b, ",\"since\":\"%s.%03dZ\"", ts,
		    (int)(sn->since % 1000));
	} else
		buf_add(b, ",\"since\":null", 13);
	buf_printf(b, ",\"restarts\":%ld,\"restarts_period\":%ld",
	    sn->restarts_total, sn->restarts_period);
	buf_add(b, ",\"last_error\":", 14);
	if (sn->error[0] != '\0')
		buf_quoted(b, sn->error);
	else
		buf_add(b, "null", 4);
	json_command(sn, b);
	json_listen(sn, b);
	if (sn->instances > 0)
		buf_printf(b, ",\"pool\":true,\"instances\":%d,"
		    "\"instances_configured\":%d", sn->instances,
		    sn->instances_configured);
	else
		buf_add(b, ",\"pool\":false", 13);
	json_usage(b, "cpu_usec", sn->cpu_usec);
	json_usage(b, "memory_bytes", sn->memory_bytes);
	json_usage(b, "memory_peak_bytes", sn->memory_peak_bytes);
	json_usage(b, "tasks", tasks_of(st, i));
	buf_add(b, ",\"cgroup\":", 10);
	if (sn->cgroup != NULL)
		buf_quoted(b, sn->cgroup);
	else
		buf_add(b, "null", 4);
	json_health(sn, b);
	buf_add(b, ",\"children\":[", 13);
	for (size_t j = i + 1; j < st->n && st->nodes[j].depth > sn->depth;
	    j++) {
		if (st->nodes[j].parent != i)
			continue;
		if (!first)
			buf_add(b, ",", 1);
		first = 0;
		json_node(st, j, b);
	}
	buf_add(b, "]}", 2);
}

/* Print the top node and its subtree as one JSON object on one line. */
void
status_print_json(const struct status *st)
{
	struct buf b = { 0 };

	if (st->n == 0)
		return;
	json_node(st, 0, &b);
	printf("%s\n", b.s);
	free(b.s);
}

/* Print every node's path, one per line. */
void
status_print_paths(const struct status *st)
{
	for (size_t i = 0; i < st->n; i++)
		printf("%s\n", st->nodes[i].path);
}

/*
 * The exit status of status and is-running (LSB): 0 if every node, or
 * with SELF only the top one, is running or completed, else
 * EXIT_NOTRUNNING. A supervisor counts by its own state.
 */
int
status_running(const struct status *st, int self)
{
	for (size_t i = 0; i < st->n && (i == 0 || !self); i++)
		if (!state_running(st->nodes[i].state))
			return EXIT_NOTRUNNING;
	return 0;
}

/* The held sockets of the only node, a worker, joined; NULL if none. */
const char *
status_worker_listen(const struct status *st)
{
	return st->n == 1 ? st->nodes[0].listen : NULL;
}

/* A worker's command line as the daemon sent it, or NULL if none. */
const char *
status_worker_command(const struct status *st)
{
	if (st->n != 1 || strcmp(st->nodes[0].kind, "worker") != 0)
		return NULL;
	return st->nodes[0].command != NULL ? st->nodes[0].command : "";
}

/* Print S with control characters made visible, and a newline. */
void
status_print_visible(const char *s)
{
	struct buf b = { 0 };

	buf_visible(&b, s);
	printf("%s\n", b.s);
	free(b.s);
}
