/*
 * test_top.c: the pure part of "arborctl top" (cli/topview.c) and the
 * status formatting it shares with "arborctl status": the order of the
 * rows for each sort key, the cells (percent, bytes, durations, "-"
 * where unknown), the columns lined up, lines cut at the screen's width
 * by characters, the state's colour, and the summary of states.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "../../cli/arborctl.h"
#include "suites.h"

#define NOW	1000000000000LL		/* wall clock ms */

/* Add a node record to ST as the daemon sends it. */
static void
add(struct status *st, const char *path, const char *state, long pid,
    long restarts, const char *error, long permille, long long mem,
    const char *health)
{
	char spid[24], since[24], rt[24], pm[24], mb[24];
	char *f[20];

	snprintf(spid, sizeof spid, "%ld", pid);
	snprintf(since, sizeof since, "%lld", NOW - 65000);	/* 1m05s */
	snprintf(rt, sizeof rt, "%ld", restarts);
	snprintf(pm, sizeof pm, "%ld", permille);
	snprintf(mb, sizeof mb, "%lld", mem);
	f[0] = "node";
	f[1] = (char *)path;
	f[2] = pid > 0 ? "worker" : "supervisor";
	f[3] = (char *)state;
	f[4] = spid;
	f[5] = since;
	f[6] = "0";
	f[7] = rt;
	f[8] = "0";
	f[9] = (char *)error;
	f[10] = "0";
	f[11] = "";
	f[12] = permille >= 0 ? "1000" : "-1";	/* cpu_usec */
	f[13] = pm;
	f[14] = mb;
	f[15] = "-1";
	f[16] = "-1";
	f[17] = "";
	f[18] = (char *)(health != NULL ? health : "");
	f[19] = "0";
	status_add(f, 20, st);
}

/* root, root/web (busy, big), root/db, root/db/main, root/db/side. */
static struct status *
sample(void)
{
	struct status *st = status_new();

	add(st, "root", "running", 0, 0, "", 10, 3 << 20, NULL);
	add(st, "root/web", "running", 300, 4, "killed by SIGKILL", 250,
	    12LL << 20, "healthy");
	add(st, "root/db", "running", 0, 0, "", -1, -1, NULL);
	add(st, "root/db/main", "running", 200, 1, "", 5, 1536, NULL);
	add(st, "root/db/side", "failed", 0, 9, "exit status 3", -1, -1,
	    NULL);
	return st;
}

/* The paths in the order KEY, joined by spaces. */
static char *
order_of(const struct status *st, enum top_sort key)
{
	size_t order[8];
	struct buf b = { 0 };

	topview_order(st, key, order);
	for (size_t i = 0; i < status_count(st); i++)
		buf_printf(&b, "%s%s", i > 0 ? " " : "",
		    status_node(st, order[i])->path);
	return b.s;
}

/* Each key sorts its way; ties and unknowns keep the tree order. */
START_TEST(test_order)
{
	static const struct {
		enum top_sort	 key;
		const char	*want;
	} cases[] = {
		{ TOP_SORT_TREE, "root root/web root/db root/db/main "
		    "root/db/side" },
		/* Busiest first, unknown (-1) last. */
		{ TOP_SORT_CPU, "root/web root root/db/main root/db "
		    "root/db/side" },
		{ TOP_SORT_MEMORY, "root/web root root/db/main root/db "
		    "root/db/side" },
		{ TOP_SORT_RESTARTS, "root/db/side root/web root/db/main "
		    "root root/db" },
		/* Smallest pid first, none last. */
		{ TOP_SORT_PID, "root/db/main root/web root root/db "
		    "root/db/side" },
	};
	struct status *st = sample();

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = order_of(st, cases[i].key);

		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "sort %s: got [%s], want [%s]",
		    topview_sort_name(cases[i].key), got, cases[i].want);
		free(got);
	}
	ck_assert_str_eq(topview_sort_name(TOP_SORT_MEMORY), "memory");
	status_free(st);
}
END_TEST

/* Percent, bytes and durations as the cells show them. */
START_TEST(test_formats)
{
	static const struct {
		int64_t		 v;
		const char	*percent, *bytes;
	} cases[] = {
		{ -1, "-", NULL }, { 0, "0.0", "0B" }, { 5, "0.5", "5B" },
		{ 123, "12.3", "123B" }, { 1000, "100.0", "1000B" },
		{ 1536, "153.6", "1.5K" }, { 12LL << 20, "1258291.2", "12M" },
		{ (int64_t)(2.5 * (1 << 30)), NULL, "2.5G" },
	};
	char d[32];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = { 0 };

		if (cases[i].percent != NULL) {
			topview_percent(&b, cases[i].v);
			ck_assert_str_eq(b.s, cases[i].percent);
			b.len = 0;
		}
		if (cases[i].bytes != NULL) {
			status_bytes(&b, cases[i].v);
			b.s[b.len] = '\0';
			ck_assert_str_eq(b.s, cases[i].bytes);
		}
		free(b.s);
	}
	ck_assert_str_eq(status_duration(5999, d, sizeof d), "5s");
	ck_assert_str_eq(status_duration(133000, d, sizeof d), "2m13s");
	ck_assert_str_eq(status_duration(3720000, d, sizeof d), "1h02m");
	ck_assert_str_eq(status_duration(273600000, d, sizeof d), "3d04h");
	ck_assert_str_eq(status_duration(-5, d, sizeof d), "0s");
}
END_TEST

/* Row R of V as a string, cut at WIDTH, coloured with COLOUR. */
static char *
line_of(const struct topview *v, size_t r, size_t width, const char *colour)
{
	struct buf b = { 0 };

	topview_line(v, r, width, colour, &b);
	return b.s;
}

/* The table: columns lined up, numbers right-aligned, "-" if unknown. */
START_TEST(test_layout)
{
	static const char *const want[] = {
		"PATH        STATE    PID  CPU%   MEM  RESTARTS  UPTIME  "
		    "HEALTH   LAST ERROR",
		"root        running    -   1.0  3.0M         0   1m05s  -",
		"|- web      running  300  25.0   12M         4   1m05s  "
		    "healthy  killed by SIGKILL",
		"`- db       running    -     -     -         0   1m05s  -",
		"   |- main  running  200   0.5  1.5K         1   1m05s  -",
		"   `- side  failed     -     -     -         9       -  -"
		    "        exit status 3",
	};

	struct status *st = sample();
	struct topview v;

	topview_build(&v, st, TOP_SORT_TREE, NOW, 0);
	ck_assert_uint_eq(v.n, 5);
	for (size_t r = 0; r <= v.n; r++) {
		char *got = line_of(&v, r, 0, NULL);

		ck_assert_msg(strcmp(got, want[r]) == 0, "row %zu: [%s]", r,
		    got);
		free(got);
	}
	topview_free(&v);

	/* Sorted, the full paths and no glyphs. */
	topview_build(&v, st, TOP_SORT_CPU, NOW, 1);
	{
		char *got = line_of(&v, 1, 0, NULL);

		ck_assert_msg(strncmp(got, "root/web      running  300  25.0",
		    32) == 0, "sorted row: [%s]", got);
		free(got);
	}
	topview_free(&v);
	status_free(st);
}
END_TEST

/* Lines are cut at the width by characters; the state is coloured. */
START_TEST(test_cut_and_colour)
{
	struct status *st = sample();
	struct topview v;
	char *got;
	size_t col;
	struct buf b = { 0 };

	topview_build(&v, st, TOP_SORT_TREE, NOW, 1);
	/* UTF-8 glyphs are one column each: 20 columns, more bytes. */
	got = line_of(&v, 3, 20, NULL);
	ck_assert_str_eq(got, "\342\224\224\342\224\200 db       running");
	free(got);
	got = line_of(&v, 2, 0, "\033[32m");
	ck_assert_msg(strstr(got, "  \033[32mrunning\033[0m  300") != NULL,
	    "colour: [%s]", got);
	free(got);
	/* Cut inside the state: the colour is reset all the same. */
	got = line_of(&v, 2, 15, "\033[32m");
	ck_assert_str_eq(got, "\342\224\234\342\224\200 web      \033[32mrun"
	    "\033[0m");
	free(got);
	got = line_of(&v, 1, 3, NULL);
	ck_assert_str_eq(got, "roo");
	free(got);
	topview_free(&v);

	col = 0;
	topview_fit(&b, "h\303\251llo", &col, 3);
	ck_assert_str_eq(b.s, "h\303\251l");
	ck_assert_uint_eq(col, 3);
	free(b.s);
	status_free(st);
}
END_TEST

/* The summary counts the states in a fixed order. */
START_TEST(test_summary)
{
	struct status *st = sample();
	struct buf b = { 0 };

	topview_summary(st, &b);
	ck_assert_str_eq(b.s, "5 nodes: 4 running, 1 failed");
	free(b.s);
	status_free(st);
	st = status_new();
	add(st, "root", "stopped", 0, 0, "", -1, -1, NULL);
	b.s = NULL;
	b.len = b.cap = 0;
	topview_summary(st, &b);
	ck_assert_str_eq(b.s, "1 node: 1 stopped");
	free(b.s);
	status_free(st);
}
END_TEST

Suite *
top_suite(void)
{
	Suite *s = suite_create("top");
	TCase *tc = tcase_create("view");

	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_cut_and_colour);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}
