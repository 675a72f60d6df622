/*
 * test_handoff.c: the re-exec handoff (arborctl reexec). The record
 * format (lib/handoff.c): round trips, every size checked, unknown
 * records skipped, another version refused. The tree's state across it
 * (lib/tree_handoff.c), driven with the fake clock: exported at t,
 * imported into a tree new from the same configuration at t + d, where
 * deadlines resume with the time they had left, restart history and
 * intensity windows move with the clock, admin stops and pool sizes stay,
 * and one more failure escalates exactly as it would have.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "handoff.h"
#include "suites.h"

/* The fields of a small handoff read back as written. */
START_TEST(test_format_roundtrip)
{
	struct handoff_w w;
	struct handoff_r r;
	char *err, *s;
	const void *b;
	size_t len;

	handoff_w_init(&w);
	handoff_begin(&w, HR_META);
	handoff_u32(&w, 7);
	handoff_i64(&w, -123456789012345LL);
	handoff_str(&w, "hello");
	handoff_str(&w, NULL);
	handoff_bool(&w, true);
	handoff_bytes(&w, "a\0b", 3);
	handoff_begin(&w, (enum handoff_type)99);	/* unknown: skipped */
	handoff_str(&w, "future");
	handoff_begin(&w, HR_OPTS);
	handoff_u32(&w, 1);
	handoff_finish(&w);

	ck_assert_int_eq(handoff_r_init(&r, w.b.s, w.b.len, &err), 0);
	ck_assert_int_eq(handoff_next(&r, &err), 1);
	ck_assert_int_eq(r.type, HR_META);
	ck_assert_uint_eq(handoff_get_u32(&r), 7);
	ck_assert(handoff_get_i64(&r) == -123456789012345LL);
	s = handoff_get_str(&r);
	ck_assert_str_eq(s, "hello");
	free(s);
	ck_assert_ptr_null(handoff_get_str(&r));
	ck_assert(handoff_get_bool(&r));
	b = handoff_get_bytes(&r, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(b, "a\0b", 3) == 0);
	ck_assert(!r.bad);
	/* Past the record's end: zero, and marked bad. */
	ck_assert_uint_eq(handoff_get_u32(&r), 0);
	ck_assert(r.bad);
	ck_assert_int_eq(handoff_next(&r, &err), 1);
	ck_assert_int_eq(r.type, 99);
	ck_assert_int_eq(handoff_next(&r, &err), 1);
	ck_assert_int_eq(r.type, HR_OPTS);
	ck_assert(!r.bad);
	ck_assert_uint_eq(handoff_get_u32(&r), 1);
	ck_assert_int_eq(handoff_next(&r, &err), 0);
	ck_assert_ptr_null(err);
	handoff_w_free(&w);
}
END_TEST

/* Another version, no magic, cut off, a record too long: refused. */
START_TEST(test_format_refused)
{
	struct handoff_w w;
	struct handoff_r r;
	char *err, *want;

	handoff_w_init(&w);
	handoff_begin(&w, HR_META);
	handoff_str(&w, "x");
	handoff_finish(&w);

	w.b.s[8] = HANDOFF_VERSION + 1;	/* the next version */
	ck_assert_int_eq(handoff_r_init(&r, w.b.s, w.b.len, &err), -1);
	want = xasprintf("handoff format version %d, this arbord reads "
	    "version %d", HANDOFF_VERSION + 1, HANDOFF_VERSION);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	w.b.s[8] = HANDOFF_VERSION;
	ck_assert_int_eq(handoff_r_init(&r, "ARBORXXX", 8, &err), -1);
	free(err);
	/* Cut off before the end record. */
	ck_assert_int_eq(handoff_r_init(&r, w.b.s, w.b.len - 8, &err), 0);
	ck_assert_int_eq(handoff_next(&r, &err), 1);
	ck_assert_int_eq(handoff_next(&r, &err), -1);
	ck_assert_str_eq(err, "handoff cut off (no end record)");
	free(err);
	/* A record longer than what is left. */
	w.b.s[HANDOFF_HEADER + 4] = 100;
	ck_assert_int_eq(handoff_r_init(&r, w.b.s, w.b.len, &err), 0);
	ck_assert_int_eq(handoff_next(&r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "runs past the end"));
	free(err);
	handoff_w_free(&w);
}
END_TEST

/*
 * Re-exec D's tree: exported at d->now, imported LATER ms on into a tree
 * new from the same configuration, which replaces it; the fake world's
 * records follow their nodes.
 */
static void
drv_reexec(struct drv *d, int64_t later)
{
	struct handoff_w w;
	struct tree *t;
	char *err;

	err = tree_handoff_refusal(d->t);
	ck_assert_msg(err == NULL, "refused: %s", err);
	handoff_w_init(&w);
	tree_export(d->t, &w, d->now);
	handoff_finish(&w);
	t = tree_new(d->conf, STATE_ROOT);
	ck_assert_msg(tree_import(t, w.b.s, w.b.len, d->now + later, &err) ==
	    0, "import: %s", err);
	handoff_w_free(&w);
	tree_handoff_arm(t, d->now + later);
	for (size_t i = 0; i < d->nfake; i++)
		if (d->fake[i]->node != NULL) {
			d->fake[i]->node = tree_find(t, d->fake[i]->path);
			d->fake[i]->timer = false;
		}
	tree_free(d->t);
	d->t = t;
	d->now += later;
	drv_settle(d);
}

/*
 * Backoff and intensity carry over: the restart comes with the time it
 * had left, the window holds the same restarts, and one more failure
 * escalates as it would have.
 */
START_TEST(test_tree_backoff_intensity)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, 3);
	struct drv *d;
	pid_t pa, pc;

	c->root->period_ms = 10000;
	conf_backoff(conf_lookup(c, "root/b"), 1000, 0);
	d = drv_up(c);
	drv_at(d, 1000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 2000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 3000);
	drv_exit(d, "root/b", EXITED(1), NULL);
	STATE(d, "root/b", NS_BACKOFF);
	ck_assert_int_eq(drv_window_count(d, "root"), 3);
	pa = drv_node(d, "root/a")->pid;
	pc = drv_node(d, "root/c")->pid;
	drv_log_clear(d);

	drv_at(d, 3400);
	drv_reexec(d, 500);		/* 600 ms were left at 3400 */
	EXPECT(d, "*", "timer root/b 600");
	ck_assert_int_eq(drv_node(d, "root/a")->pid, pa);
	ck_assert_int_eq(drv_node(d, "root/c")->pid, pc);
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 2);
	ck_assert_uint_eq(drv_node(d, "root/a")->starts, 3);
	/* The metrics' failures counter and last start too. */
	ck_assert_uint_eq(drv_node(d, "root/a")->failures, 2);
	ck_assert_int_eq(drv_node(d, "root/a")->started, 2000 + 500);
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/b", NS_BACKOFF);
	ck_assert_int_eq(drv_window_count(d, "root"), 3);
	/* The window moved with the clock (+500): the first restart (1000)
	   counts until 11000 + 500, and no longer. */
	ck_assert_int_eq(intensity_count(&drv_node(d, "root")->window,
	    11500), 3);
	ck_assert_int_eq(intensity_count(&drv_node(d, "root")->window,
	    11501), 2);
	/* One more failure: more than 3 in the period, root gives up. */
	drv_exit(d, "root/c", EXITED(1), NULL);
	ck_assert_ptr_nonnull(tree_failing(d->t));
	drv_free(d);
}
END_TEST

/* An admin-stopped node stays stopped; start brings it back. */
START_TEST(test_tree_admin_stopped)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 3));

	drv_admin(d, tree_stop_node, "root/b");
	STATE(d, "root/b", NS_STOPPED);
	drv_log_clear(d);
	drv_at(d, 100);
	drv_reexec(d, 0);
	EXPECT(d, "*", NULL);
	STATE(d, "root/b", NS_STOPPED);
	ck_assert(drv_node(d, "root/b")->admin_stopped);
	drv_admin(d, tree_start_node, "root/b");
	STATE(d, "root/b", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * A worker being restarted by an admin, still within its shutdown time:
 * handed over stopping, its shutdown timer resumes with the time it had
 * left, SIGKILL then, and its exit, reaped by the new binary, ends the
 * stop the old one began; the start that was asked follows.
 */
START_TEST(test_tree_stopping)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 3));
	pid_t pb;

	drv_fake_at(d, "root/b")->ignore_term = true;
	drv_start_clean(d);
	pb = drv_node(d, "root/b")->pid;
	drv_at(d, 1000);
	drv_admin(d, tree_restart_node, "root/b");
	EXPECT(d, "*", "signal root/b 15", "signal root/b 18",
	    "timer root/b 5000");
	STATE(d, "root/b", NS_STOPPING);
	drv_at(d, 2000);
	drv_reexec(d, 500);		/* 4000 ms were left at 2000 */
	EXPECT(d, "*", "timer root/b 4000");
	STATE(d, "root/b", NS_STOPPING);
	ck_assert_int_eq(drv_node(d, "root/b")->pid, pb);
	ck_assert(drv_node(d, "root/b")->stop_pending);
	ck_assert(drv_node(d, "root/b")->start_pending);
	ck_assert_uint_eq(drv_node(d, "root")->nstop_pending, 1);
	drv_log_clear(d);
	drv_at(d, 6500);
	drv_fire(d, "root/b");
	EXPECT(d, "signal spawn event", "signal root/b 9",
	    "event ProcessTerminated root/b", "spawn root/b",
	    "event ProcessStarted root/b");
	STATE(d, "root/b", NS_RUNNING);
	ck_assert_int_ne(drv_node(d, "root/b")->pid, pb);
	ck_assert_uint_eq(drv_node(d, "root")->nstop_pending, 0);
	drv_free(d);
}
END_TEST

/*
 * An admin stop in progress: stopping after the re-exec, stopped (and
 * staying stopped) once the process ends; its exit during the exec is
 * the one the new binary reaps.
 */
START_TEST(test_tree_stopping_exit)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 3));

	drv_fake_at(d, "root/b")->ignore_term = true;
	drv_start_clean(d);
	drv_admin(d, tree_stop_node, "root/b");
	STATE(d, "root/b", NS_STOPPING);
	drv_log_clear(d);
	drv_at(d, 100);
	drv_reexec(d, 200);
	EXPECT(d, "*", "timer root/b 4900");
	drv_exit(d, "root/b", EXITED(0), NULL);
	EXPECT(d, "*", "cancel root/b", "event ProcessTerminated root/b");
	STATE(d, "root/b", NS_STOPPED);
	ck_assert(drv_node(d, "root/b")->admin_stopped);
	ck_assert(!drv_node(d, "root/b")->stop_pending);
	ck_assert_ptr_null(tree_handoff_refusal(d->t));
	drv_free(d);
}
END_TEST

/* A pool keeps its size from arborctl scale. */
START_TEST(test_tree_pool_size)
{
	struct config *c = conf_new();
	struct admin_wait w;
	struct drv *d;
	char *msg = NULL;
	pid_t p4;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_pool(c, "root/p", 2);
	d = drv_up(c);
	ck_assert_int_eq(tree_scale(d->t, drv_node(d, "root/p"), 4, &w,
	    d->now, &msg), 0);
	free(msg);
	drv_settle(d);
	STATE(d, "root/p/4", NS_RUNNING);
	p4 = drv_node(d, "root/p/4")->pid;
	drv_reexec(d, 0);
	ck_assert_uint_eq(d->t->nnodes, 6);
	ck_assert_int_eq(drv_node(d, "root/p/4")->pid, p4);
	ck_assert_int_eq(tree_pool_size(drv_node(d, "root/p")), 4);
	drv_exit(d, "root/p/4", EXITED(1), NULL);
	STATE(d, "root/p/4", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* What is in flight is refused, naming the node. */
START_TEST(test_tree_refusal)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 3));
	char *why;

	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	why = tree_handoff_refusal(d->t);
	ck_assert_str_eq(why, "root/b: it is being started (not handed off "
	    "yet)");
	free(why);
	drv_started(d, "root/b");
	/* c started at once: everything settled. */
	ck_assert_ptr_null(tree_handoff_refusal(d->t));
	drv_admin(d, tree_restart_node, "root/a");
	ck_assert_ptr_null(tree_handoff_refusal(d->t));
	drv_shutdown(d);
	why = tree_handoff_refusal(d->t);
	ck_assert_str_eq(why, "arbord is exiting");
	free(why);
	drv_free(d);
}
END_TEST

/* Another tree (a node more) does not take the handoff. */
START_TEST(test_tree_mismatch)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 3));
	struct config *other = conf_flat(STRATEGY_ONE_FOR_ONE, 3);
	struct handoff_w w;
	struct tree *t;
	char *err;

	conf_worker(other, "root/d", RESTART_PERMANENT);
	handoff_w_init(&w);
	tree_export(d->t, &w, d->now);
	handoff_finish(&w);
	t = tree_new(other, STATE_ROOT);
	ck_assert_int_eq(tree_import(t, w.b.s, w.b.len, d->now, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "3 children handed over, 4"));
	free(err);
	tree_free(t);
	/* Cut off: refused, not a crash. */
	t = tree_new(d->conf, STATE_ROOT);
	ck_assert_int_eq(tree_import(t, w.b.s, w.b.len - 30, d->now, &err),
	    -1);
	free(err);
	tree_free(t);
	conf_destroy(other);
	handoff_w_free(&w);
	drv_free(d);
}
END_TEST

Suite *
handoff_suite(void)
{
	Suite *s = suite_create("handoff");
	TCase *tf = tcase_create("format");
	TCase *tt = tcase_create("tree");

	tcase_add_test(tf, test_format_roundtrip);
	tcase_add_test(tf, test_format_refused);
	suite_add_tcase(s, tf);
	tcase_add_test(tt, test_tree_backoff_intensity);
	tcase_add_test(tt, test_tree_admin_stopped);
	tcase_add_test(tt, test_tree_stopping);
	tcase_add_test(tt, test_tree_stopping_exit);
	tcase_add_test(tt, test_tree_pool_size);
	tcase_add_test(tt, test_tree_refusal);
	tcase_add_test(tt, test_tree_mismatch);
	suite_add_tcase(s, tt);
	return s;
}
