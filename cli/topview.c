/*
 * topview.c: what "arborctl top" shows, apart from the terminal: the
 * order of the rows (the tree, or sorted by CPU, memory, restarts or
 * pid), the text of each cell, the width of each column and each line
 * cut to the width of the screen, and the summary of states above the
 * table. Pure: a status reply and the time in, text out; top.c does the
 * terminal and the daemon, the unit tests (test_top.c) check this part.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "arborctl.h"

static const char *const topview_heads[TOP_NCOLS] = { "PATH", "STATE",
    "PID", "CPU%", "MEM", "RESTARTS", "UPTIME", "HEALTH", "LAST ERROR" };
/* Numbers are right-aligned. */
static const int topview_right[TOP_NCOLS] = { 0, 0, 1, 1, 1, 1, 1, 0, 0 };
static const char *const topview_sorts[TOP_NSORTS] = { "tree", "cpu",
    "memory", "restarts", "pid" };

/* The name of sort order S, as the header says it. */
const char *
topview_sort_name(enum top_sort s)
{
	return (unsigned)s < TOP_NSORTS ? topview_sorts[s] : "?";
}

/* Compare two values, larger first, unknown (-1) last. */
static int
cmp_desc(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

/* Sort nodes by KEY, then in tree order (qsort_r). */
static int
cmp_nodes(const void *pa, const void *pb, void *arg)
{
	const struct status *st = ((void **)arg)[0];
	enum top_sort key = *(enum top_sort *)((void **)arg)[1];
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct status_node *x = status_node(st, a),
	    *y = status_node(st, b);
	int c = 0;

	switch (key) {
	case TOP_SORT_CPU:
		c = cmp_desc(x->cpu_permille, y->cpu_permille);
		break;
	case TOP_SORT_MEMORY:
		c = cmp_desc(x->memory_bytes, y->memory_bytes);
		break;
	case TOP_SORT_RESTARTS:
		c = cmp_desc(x->restarts_total, y->restarts_total);
		break;
	case TOP_SORT_PID:
		/* Smallest first; none (0) last. */
		c = x->pid == y->pid ? 0 : x->pid == 0 ? 1 : y->pid == 0 ?
		    -1 : x->pid < y->pid ? -1 : 1;
		break;
	case TOP_SORT_TREE:
	default:
		break;
	}
	return c != 0 ? c : a < b ? -1 : a > b ? 1 : 0;
}

/* Fill ORDER (status_count() entries) with the nodes in the order KEY. */
void
topview_order(const struct status *st, enum top_sort key, size_t *order)
{
	void *arg[2] = { (void *)(uintptr_t)st, &key };
	size_t n = status_count(st);

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (key != TOP_SORT_TREE && n > 1)
		qsort_r(order, n, sizeof *order, cmp_nodes, arg);
}

/* "12.3": CPU per mille of one CPU as a percentage; "-" if unknown. */
void
topview_percent(struct buf *b, int64_t permille)
{
	if (permille < 0)
		buf_add(b, "-", 1);
	else
		buf_printf(b, "%lld.%lld", (long long)permille / 10,
		    (long long)permille % 10);
}

/* The cells of node I: in tree order with glyphs, else its full path. */
static void
node_cells(const struct status *st, size_t i, int tree, int64_t now_ms,
    int utf8, struct buf *c)
{
	const struct status_node *sn = status_node(st, i);
	char d[32];

	if (tree)
		status_name_column(st, i, utf8, &c[0]);
	else
		status_visible(&c[0], sn->path);
	status_visible(&c[1], sn->state);
	if (sn->pid > 0)
		buf_printf(&c[2], "%ld", sn->pid);
	else
		buf_add(&c[2], "-", 1);
	topview_percent(&c[3], sn->cpu_permille);
	if (sn->memory_bytes >= 0)
		status_bytes(&c[4], sn->memory_bytes);
	else
		buf_add(&c[4], "-", 1);
	buf_printf(&c[5], "%ld", sn->restarts_total);
	if (status_state_up(sn->state) && sn->since > 0) {
		(void)status_duration(now_ms - sn->since, d, sizeof d);
		buf_add(&c[6], d, strlen(d));
	} else
		buf_add(&c[6], "-", 1);
	if (sn->health != NULL)
		status_visible(&c[7], sn->health);
	else
		buf_add(&c[7], "-", 1);
	status_error_column(sn, 1, &c[8]);
}

/* Build the rows of ST in the order KEY, at NOW_MS (wall clock). */
void
topview_build(struct topview *v, const struct status *st, enum top_sort key,
    int64_t now_ms, int utf8)
{
	memset(v, 0, sizeof *v);
	v->n = status_count(st);
	v->order = xreallocarray(NULL, v->n + 1, sizeof *v->order);
	v->cells = xcalloc((v->n + 1) * TOP_NCOLS, sizeof *v->cells);
	topview_order(st, key, v->order);
	for (size_t k = 0; k < TOP_NCOLS; k++) {
		buf_add(&v->cells[k], topview_heads[k],
		    strlen(topview_heads[k]));
		v->w[k] = status_width(topview_heads[k]);
	}
	/* Row 0 is the header, row R + 1 node order[R]. */
	for (size_t r = 0; r < v->n; r++) {
		struct buf *c = &v->cells[(r + 1) * TOP_NCOLS];

		node_cells(st, v->order[r], key == TOP_SORT_TREE, now_ms, utf8,
		    c);
		for (size_t k = 0; k < TOP_NCOLS; k++)
			if (status_width(c[k].s) > v->w[k])
				v->w[k] = status_width(c[k].s);
	}
}

/* Free the rows. */
void
topview_free(struct topview *v)
{
	for (size_t i = 0; i < (v->n + 1) * TOP_NCOLS && v->cells != NULL;
	    i++)
		free(v->cells[i].s);
	free(v->cells);
	free(v->order);
	memset(v, 0, sizeof *v);
}

/*
 * Append to OUT the part of S that fits in the columns left before LIMIT
 * (0: none), whole UTF-8 characters only; *COL counts the columns used.
 */
void
topview_fit(struct buf *out, const char *s, size_t *col, size_t limit)
{
	size_t i = 0;

	while (s[i] != '\0') {
		size_t len = 1;

		while (((unsigned char)s[i + len] & 0xc0) == 0x80)
			len++;
		if (limit > 0 && *col >= limit)
			break;
		buf_add(out, s + i, len);
		(*col)++;
		i += len;
	}
	if (out->s == NULL)
		buf_add(out, "", 0);
}

/* Append N spaces, as many as fit. */
static void
pad(struct buf *out, size_t n, size_t *col, size_t limit)
{
	while (n-- > 0)
		topview_fit(out, " ", col, limit);
}

/*
 * Append row R (0 the header, R the Rth node shown) to OUT, cut at WIDTH
 * columns (0: no limit), without trailing spaces; the STATE cell between
 * COLOUR and a reset when COLOUR is not NULL.
 */
void
topview_line(const struct topview *v, size_t r, size_t width,
    const char *colour, struct buf *out)
{
	const struct buf *c = &v->cells[r * TOP_NCOLS];
	size_t col = 0, start = out->len;

	buf_add(out, "", 0);
	for (size_t k = 0; k < TOP_NCOLS; k++) {
		size_t fill = v->w[k] - status_width(c[k].s);

		if (k > 0)
			pad(out, 2, &col, width);
		if (topview_right[k])
			pad(out, fill, &col, width);
		if (k == 1 && colour != NULL && (width == 0 || col < width)) {
			buf_add(out, colour, strlen(colour));
			topview_fit(out, c[k].s, &col, width);
			buf_add(out, "\033[0m", 4);
		} else
			topview_fit(out, c[k].s, &col, width);
		if (!topview_right[k] && k < TOP_NCOLS - 1)
			pad(out, fill, &col, width);
	}
	while (out->len > start && out->s[out->len - 1] == ' ')
		out->s[--out->len] = '\0';
}

/* "5 nodes: 3 running, 1 backoff, 1 failed": the states of ST. */
void
topview_summary(const struct status *st, struct buf *out)
{
	static const char *const states[] = { "running", "starting",
	    "stopping", "backoff", "failed", "stopped", "completed" };
	size_t n = status_count(st), count, other = n;

	buf_printf(out, "%zu node%s", n, n == 1 ? "" : "s");
	for (size_t k = 0; k < sizeof states / sizeof states[0]; k++) {
		count = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(status_node(st, i)->state, states[k]) == 0)
				count++;
		if (count > 0)
			buf_printf(out, "%s %zu %s", other == n ? ":" : ",",
			    count, states[k]);
		other -= count;
	}
	if (other > 0 && other < n)
		buf_printf(out, ", %zu other", other);
	else if (other > 0)
		buf_printf(out, ": %zu other", other);
}
