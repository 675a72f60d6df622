/*
 * status.c: a status snapshot rebuilt from the "node" records of a
 * status reply, and its JSON document (status.h).
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "status.h"

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

/* Node I. */
const struct status_node *
status_node(const struct status *st, size_t i)
{
	return &st->nodes[i];
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
	struct status_node *sn;

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
		struct status_node *p = &st->nodes[sn->parent];

		if (p->lastchild != SIZE_MAX)
			st->nodes[p->lastchild].last = 0;
		p->lastchild = st->n;
	}
	st->stack[st->depth++] = st->n++;
}
/*
 * Append ",\"KEY\":" and the words of LINE (joined by the daemon with
 * argv_join(); kept whole if it does not split) as a JSON array, or null
 * if there is no LINE.
 */
static void
json_words(struct buf *b, const char *key, const char *line)
{
	struct strv argv = { NULL, 0, 0 };

	buf_add(b, ",", 1);
	buf_quoted(b, key);
	buf_add(b, ":", 1);
	if (line == NULL) {
		buf_add(b, "null", 4);
		return;
	}
	if (argv_split(line, &argv, NULL) == -1)
		strv_push(&argv, xstrdup(line));
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
	const struct status_node *sn = &st->nodes[i];
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
json_health(const struct status_node *sn, struct buf *b)
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

/* Append the JSON object of node I and its subtree. */
static void
json_node(const struct status *st, size_t i, struct buf *b)
{
	const struct status_node *sn = &st->nodes[i];
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
	json_words(b, "command", sn->command);
	/* A worker's held sockets: their addresses, if it has any. */
	if (sn->listen != NULL)
		json_words(b, "listen", sn->listen);
	if (sn->instances > 0)
		buf_printf(b, ",\"pool\":true,\"instances\":%d,"
		    "\"instances_configured\":%d", sn->instances,
		    sn->instances_configured);
	else
		buf_add(b, ",\"pool\":false", 13);
	json_usage(b, "cpu_usec", sn->cpu_usec);
	json_usage(b, "cpu_permille", sn->cpu_permille);
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

/* Append the top node and its subtree as one JSON object to B. */
void
status_json(const struct status *st, struct buf *b)
{
	if (st->n > 0)
		json_node(st, 0, b);
}
