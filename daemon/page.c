/*
 * page.c: GET /, the status page: one self-contained HTML document with
 * the tree as a table, rendered here from the status snapshot so that it
 * is whole without JavaScript (every node with its state, pid, time up
 * or down, restarts, health, CPU, memory and last error), and kept live
 * by its inline script (daemon/page.js), which follows /events and draws
 * the table body again from /status.json with the same columns. The
 * stylesheet (daemon/page.css) and the script are plain files embedded at
 * build time (build-aux/embed writes daemon/page_assets.h); both carry
 * the response's CSP nonce, so nothing but them runs or styles the page.
 * A view: it reads the snapshot and decides nothing.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arbord.h"
#include "http.h"
#include "snapshot.h"
#include "status.h"
#include "tree.h"

#include "page_assets.h"

#ifndef ARBOR_VERSION
#define ARBOR_VERSION "0.1.0"
#endif

#define DASH	"\342\200\223"		/* an en dash: unknown, none */
/* Append string literal S. */
#define LIT(b, s)	buf_add((b), (s), sizeof (s) - 1)

/* Append S with HTML's special characters escaped. */
static void
html_text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			LIT(b, "&lt;");
			break;
		case '>':
			LIT(b, "&gt;");
			break;
		case '&':
			LIT(b, "&amp;");
			break;
		case '"':
			LIT(b, "&quot;");
			break;
		case '\'':
			LIT(b, "&#39;");
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

/* "5s", "2m13s", "1h02m", "3d04h" (as arborctl status and page.js). */
static void
page_duration(struct buf *b, int64_t ms)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	if (s < 60)
		buf_printf(b, "%" PRId64 "s", s);
	else if (s < 3600)
		buf_printf(b, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
	else if (s < 86400)
		buf_printf(b, "%" PRId64 "h%02" PRId64 "m", s / 3600,
		    s % 3600 / 60);
	else
		buf_printf(b, "%" PRId64 "d%02" PRId64 "h", s / 86400,
		    s % 86400 / 3600);
}

/* "512B", "12.3M", "2.0G". */
static void
page_bytes(struct buf *b, int64_t v)
{
	static const char units[] = "KMGT";
	double x = (double)v;
	int u = -1;

	while (x >= 1024 && u < 3) {
		x /= 1024;
		u++;
	}
	if (u < 0)
		buf_printf(b, "%" PRId64 "B", v);
	else
		buf_printf(b, x < 10 ? "%.1f%c" : "%.0f%c", x, units[u]);
}

/* Is a node in STATE up or on its way (its time counts as "up")? */
static bool
page_up(const char *state)
{
	return strcmp(state, "running") == 0 ||
	    strcmp(state, "starting") == 0 || strcmp(state, "stopping") == 0;
}

/* The tree glyphs before node I's name, as arborctl status draws them. */
static void
page_glyphs(const struct status *st, size_t i, struct buf *b)
{
	const struct status_node *sn = &st->nodes[i];
	struct buf up = { 0 };

	if (sn->depth == 0)
		return;
	/* The ancestors' columns, bottom up, then reversed. */
	for (size_t j = sn->parent; st->nodes[j].depth > 0;
	    j = st->nodes[j].parent)
		buf_add(&up, st->nodes[j].last ? " " : "|", 1);
	for (size_t k = up.len; k-- > 0;)
		buf_printf(b, "%s", up.s[k] == '|' ? "\342\224\202  " :
		    "   ");
	free(up.s);
	buf_printf(b, "%s", sn->last ? "\342\224\224\342\224\200 " :
	    "\342\224\234\342\224\200 ");
}

/* One row: node I of ST, at wall clock NOW (ms). */
static void
page_row(struct buf *b, const struct status *st, size_t i, int64_t now)
{
	const struct status_node *sn = &st->nodes[i];
	const char *slash = strrchr(sn->path, '/');
	size_t dir = slash != NULL ? (size_t)(slash - sn->path) + 1 : 0;
	bool up = page_up(sn->state);
	bool herr = up && sn->health_error != NULL && sn->health_failures > 0;
	char *d;

	/* The node: glyphs (wide screens) or its parent path (phones). */
	LIT(b, "<tr class=\"x-");
	html_text(b, sn->state);
	LIT(b, "\" data-path=\"");
	html_text(b, sn->path);
	LIT(b, "\"><td class=\"n\" title=\"");
	html_text(b, sn->path);
	LIT(b, "\"><span class=\"g\">");
	page_glyphs(st, i, b);
	LIT(b, "</span><span class=\"pp\">");
	d = xstrndup(sn->path, dir);
	html_text(b, d);
	free(d);
	LIT(b, "</span>");
	html_text(b, sn->path + dir);

	/* Kind (a pool: its instances), state. */
	LIT(b, "</td><td class=\"k\">");
	if (sn->instances > 0) {
		buf_printf(b, "pool \303\227%d", sn->instances);
		if (sn->instances_configured > 0 &&
		    sn->instances_configured != sn->instances)
			buf_printf(b, " (configured %d)",
			    sn->instances_configured);
	} else
		html_text(b, sn->kind);
	LIT(b, "</td><td class=\"st\"><span class=\"s s-");
	html_text(b, sn->state);
	LIT(b, "\">");
	html_text(b, sn->state);
	LIT(b, "</span></td>");

	/* Pid; time up or down (page.js keeps it ticking from data-since). */
	if (sn->pid > 0)
		buf_printf(b, "<td class=\"p\" data-l=\"pid\">%ld</td>",
		    sn->pid);
	else
		LIT(b, "<td class=\"p none\" data-l=\"pid\">" DASH "</td>");
	if (sn->since > 0) {
		buf_printf(b, "<td class=\"u\" data-since=\"%" PRId64 "\" "
		    "data-up=\"%d\">%s ", sn->since, up, up ? "up" : "down");
		page_duration(b, now - sn->since);
		LIT(b, "</td>");
	} else
		LIT(b, "<td class=\"u none\">" DASH "</td>");

	/* Restarts: in total, and (if any) in the intensity period. */
	buf_printf(b, "<td class=\"r\" data-l=\"restarts\" data-total=\"%ld\" "
	    "title=\"%ld in the intensity period\">%ld", sn->restarts_total,
	    sn->restarts_period, sn->restarts_total);
	if (sn->restarts_period > 0)
		buf_printf(b, "<span class=\"dim\"> (%ld recent)</span>",
		    sn->restarts_period);
	LIT(b, "</td>");

	/* Health, CPU lately, memory (peak in its title). */
	if (sn->health != NULL) {
		LIT(b, "<td class=\"h\" data-l=\"health\"><span class=\"s h-");
		html_text(b, sn->health);
		LIT(b, "\">");
		html_text(b, sn->health);
		LIT(b, "</span>");
		if (sn->health_checked > 0) {
			LIT(b, " ");
			page_duration(b, now - sn->health_checked);
			LIT(b, " ago");
		}
		LIT(b, "</td>");
	} else
		LIT(b, "<td class=\"h none\" data-l=\"health\">" DASH
		    "</td>");
	if (sn->cpu_permille >= 0)
		buf_printf(b, "<td class=\"c\" data-l=\"cpu\">%" PRId64 ".%"
		    PRId64 "%%</td>", sn->cpu_permille / 10,
		    sn->cpu_permille % 10);
	else
		LIT(b, "<td class=\"c none\" data-l=\"cpu\">" DASH "</td>");
	if (sn->memory_bytes >= 0) {
		LIT(b, "<td class=\"m\" data-l=\"mem\"");
		if (sn->memory_peak_bytes >= 0) {
			LIT(b, " title=\"peak ");
			page_bytes(b, sn->memory_peak_bytes);
			LIT(b, "\"");
		}
		LIT(b, ">");
		page_bytes(b, sn->memory_bytes);
		LIT(b, "</td>");
	} else
		LIT(b, "<td class=\"m none\" data-l=\"mem\">" DASH "</td>");

	/* The last error (dim while the node is up again), or why its
	   health checks fail. */
	buf_printf(b, "<td class=\"e%s\"%s>", up && !herr ? " dim" : "",
	    herr || sn->error[0] != '\0' ? " data-l=\"last error\"" : "");
	if (herr) {
		LIT(b, "health: ");
		html_text(b, sn->health_error);
		buf_printf(b, " (%ld failed in a row)", sn->health_failures);
	} else
		html_text(b, sn->error);
	LIT(b, "</td></tr>\n");
}

/* Append "2026-01-02 03:04:05 UTC" for wall clock MS. */
static void
page_time(struct buf *b, int64_t ms)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char ts[40];

	gmtime_r(&secs, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S UTC", &tm);
	buf_printf(b, "%s", ts);
}

void
page_html(struct buf *out, const char *nonce)
{
	struct status *st = snapshot_status(supervise_tree()->root);
	int64_t now = wall_ms();
	char host[256];

	if (gethostname(host, sizeof host) == -1)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	LIT(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<link rel=\"icon\" href=\"data:,\">\n<title>");
	html_text(out, host);
	buf_printf(out, " \302\267 arbor</title>\n<style nonce=\"%s\">\n%s"
	    "</style>\n</head>\n<body data-now=\"%" PRId64 "\">\n<header>"
	    "<h1>arbor <small>arbord %s</small></h1>\n<span class=\"meta\">",
	    nonce, page_css, now, ARBOR_VERSION);
	html_text(out, host);
	LIT(out, "</span>\n<span class=\"meta\">updated <span id=\"stamp\">");
	page_time(out, now);
	LIT(out, "</span></span>\n<span id=\"live\">static: reload to "
	    "update</span>\n</header>\n<main>\n<table id=\"tree\">\n"
	    "<thead><tr><th>node</th><th>kind</th><th>state</th><th>pid</th>"
	    "<th>up/down</th><th>restarts</th><th>health</th><th>cpu</th>"
	    "<th>memory</th><th>last error</th></tr></thead>\n"
	    "<tbody id=\"nodes\">\n");
	for (size_t i = 0; i < status_count(st); i++)
		page_row(out, st, i, now);
	buf_printf(out, "</tbody>\n</table>\n</main>\n<footer>Also: <a "
	    "href=\"status.json\" data-q>status.json</a> \302\267 <a "
	    "href=\"events\" data-q>events</a> \302\267 <a href=\"metrics\">"
	    "metrics</a></footer>\n"
	    "<script nonce=\"%s\">\n%s</script>\n</body>\n</html>\n", nonce,
	    page_js);
	status_free(st);
}
