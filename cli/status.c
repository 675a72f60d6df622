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
#include "status.h"

#define NCOLS	9	/* name kind state pid time restarts cpu memory
			   error */


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
int
status_state_up(const char *state)
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
const char *
status_state_colour(const char *state)
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
void
status_visible(struct buf *b, const char *s)
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
size_t
status_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* The tree glyphs and name of node I. */
void
status_name_column(const struct status *st, size_t i, int utf8, struct buf *b)
{
	const struct status_node *sn = &st->nodes[i];
	const char *pipe = utf8 ? "\342\224\202  " : "|  ";
	const char *tee = utf8 ? "\342\224\234\342\224\200 " : "|- ";
	const char *elbow = utf8 ? "\342\224\224\342\224\200 " : "`- ";
	const struct status_node **up;
	const char *slash;
	size_t j, k;

	if (sn->depth == 0) {
		status_visible(b, sn->path);
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
	status_visible(b, slash != NULL ? slash + 1 : sn->path);
}

/* Bytes as people read them: 512K, 12.3M, 2.0G. */
void
status_bytes(struct buf *b, int64_t v)
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
cpu_column(const struct status_node *sn, struct buf *b)
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
memory_column(const struct status_node *sn, struct buf *b)
{
	if (sn->memory_bytes < 0) {
		buf_add(b, "-", 1);
		return;
	}
	status_bytes(b, sn->memory_bytes);
	if (sn->memory_peak_bytes >= 0) {
		buf_add(b, "/", 1);
		status_bytes(b, sn->memory_peak_bytes);
	}
}

/*
 * "healthy 4s ago", "starting", "unhealthy 1s ago": a worker's liveness
 * and when it was last checked.
 */
static void
health_column(const struct status_node *sn, int64_t now_ms, struct buf *b)
{
	char d[32];

	if (sn->health == NULL) {
		buf_add(b, "-", 1);
		return;
	}
	status_visible(b, sn->health);
	if (sn->health_checked > 0)
		buf_printf(b, " %s ago", status_duration(now_ms -
		    sn->health_checked, d, sizeof d));
}

/*
 * Why node SN is down (ALWAYS: its last error also while it is up), when
 * it restarts from backoff, a pool scaled away from its configuration,
 * and a running worker's failing health checks; "" if nothing.
 */
void
status_error_column(const struct status_node *sn, int always, struct buf *b)
{
	char d[32];

	buf_add(b, "", 0);
	if (always || state_down(sn->state))
		status_visible(b, sn->error);
	if (strcmp(sn->state, "backoff") == 0 && sn->backoff > 0)
		buf_printf(b, "%s(restart in %s)", b->len > 0 ? " " : "",
		    status_duration(sn->backoff + 999, d, sizeof d));
	/* A pool scaled away from its configuration says so. */
	if (sn->instances > 0 && sn->instances_configured > 0 &&
	    sn->instances != sn->instances_configured)
		buf_printf(b, "%sscaled to %d (configured %d)",
		    b->len > 0 ? " " : "", sn->instances,
		    sn->instances_configured);
	if (status_state_up(sn->state) && sn->health_error != NULL &&
	    sn->health_failures > 0) {
		buf_printf(b, "%shealth: ", b->len > 0 ? " " : "");
		status_visible(b, sn->health_error);
		buf_printf(b, " (%ld failed in a row)", sn->health_failures);
	}
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
		w[k] = status_width(head[k]);
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct status_node *sn = &st->nodes[i];
		struct buf *c = &cols[(i + 1) * NCOLS];

		status_name_column(st, i, utf8, &c[0]);
		status_visible(&c[1], sn->kind);
		status_visible(&c[2], sn->state);
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
			    status_state_up(sn->state) ? "up" : "down",
			    status_duration(now_ms - sn->since, d, sizeof d));
		buf_printf(&c[5], "%ld/%ld", sn->restarts_period,
		    sn->restarts_total);
		cpu_column(sn, &c[6]);
		memory_column(sn, &c[7]);
		status_error_column(sn, 0, &c[8]);
		health_column(sn, now_ms, &hcol[i + 1]);
		if (status_width(hcol[i + 1].s) > hw)
			hw = status_width(hcol[i + 1].s);
		for (size_t k = 0; k < NCOLS; k++)
			if (status_width(c[k].s) > w[k])
				w[k] = status_width(c[k].s);
	}
	for (size_t i = 0; i <= st->n; i++) {
		struct buf *c = &cols[i * NCOLS];
		const char *sc = colour && i > 0 ? status_state_colour(c[2].s) : NULL;
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
				    (int)(w[k] - status_width(c[k].s)), "");
			if (k == 2 && health)
				buf_printf(&line, "  %s%*s", hcol[i].s,
				    (int)(hw - status_width(hcol[i].s)), "");
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


/* Print the top node and its subtree as one JSON object on one line. */
void
status_print_json(const struct status *st)
{
	struct buf b = { 0 };

	if (st->n == 0)
		return;
	status_json(st, &b);
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

	status_visible(&b, s);
	printf("%s\n", b.s);
	free(b.s);
}
