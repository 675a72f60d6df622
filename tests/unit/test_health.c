/*
 * test_health.c: liveness, as the tree decides it: when health checks run
 * (spread over the interval, never two at once), how their results and
 * timeouts count (health_retries, health_start_period), the watchdog
 * (WATCHDOG=1 pushes its deadline, a miss or WATCHDOG=trigger fails it),
 * and what an unhealthy worker becomes: ProcessUnhealthy, an admin-like
 * stop, then a failure its restart policy and its supervisor's intensity
 * see like any other.
 */
#include <sys/types.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"

#define LIVE	"health health-cancel live live-cancel event signal spawn"

/*
 * root (intensity INTENSITY in 10s) with worker w (RESTART): a health
 * check every second, timed out after 500ms, 3 failures in a row.
 */
static struct drv *
health_tree(enum restart restart, int intensity)
{
	struct config *c = conf_new();
	struct node_spec *r, *w;

	r = conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	r->intensity = intensity;
	r->period_ms = 10000;
	w = conf_worker(c, "root/w", restart);
	w->health = HEALTH_TCP;
	w->health_host = xstrdup("127.0.0.1");
	w->health_port = 8080;
	w->health_interval_ms = 1000;
	w->health_timeout_ms = 500;
	w->health_retries = 3;
	return drv_new(c);
}

/* The first check of root/w, OFF after it started, then it runs. */
static void
first_check(struct drv *d)
{
	struct node *w = drv_node(d, "root/w");
	int64_t off = tree_health_offset(d->t, w);
	char line[64];

	ck_assert(off >= 0 && off < 1000);
	snprintf(line, sizeof line, "live root/w %lld", (long long)off);
	EXPECT(d, "live", line);
	drv_live_fire(d, "root/w");
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500");
}

/* Checks run every interval after the offset; a pass makes it healthy. */
START_TEST(test_health_schedule)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 1);
	struct node *w;
	struct node_info ni;
	int64_t t0;

	drv_start(d);
	w = drv_node(d, "root/w");
	ck_assert_int_eq(w->health, HS_STARTING);
	first_check(d);
	t0 = d->now;
	drv_at(d, t0 + 20);
	drv_health(d, "root/w", true, NULL);
	/* The next one on the phase, not 1s after the result. */
	EXPECT(d, LIVE, "live root/w 980");
	tree_node_info(w, d->now, &ni);
	ck_assert_int_eq(ni.health, HS_HEALTHY);
	ck_assert_int_eq(ni.health_checked, t0 + 20);
	ck_assert_uint_eq(ni.health_failures, 0);
	ck_assert_ptr_null(ni.health_error);
	drv_live_fire(d, "root/w");
	ck_assert_int_eq(d->now, t0 + 1000);
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500");
	drv_free(d);
}
END_TEST

/* A worker without health or watchdog: no liveness action, ever. */
START_TEST(test_health_none)
{
	struct config *c = conf_new();
	struct drv *d;
	struct node_info ni;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	d = drv_new(c);
	drv_start(d);
	drv_exit(d, "root/w", EXITED(1), NULL);
	drv_shutdown(d);
	EXPECT(d, "health health-cancel live live-cancel",
	    NULL);
	tree_node_info(drv_node(d, "root/w"), d->now, &ni);
	ck_assert_int_eq(ni.health, HS_NONE);
	ck_assert_ptr_null(health_status_name(ni.health));
	drv_free(d);
}
END_TEST

/*
 * health_retries failures in a row: ProcessUnhealthy with the last
 * reason, a stop as an admin's (TERM, CONT, the shutdown time), then a
 * failure that restarts it; a pass in between starts the count over.
 */
START_TEST(test_health_unhealthy_restart)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 5);
	struct node *w;
	const struct event *ev;
	char again[64];

	drv_start(d);
	first_check(d);
	drv_health(d, "root/w", false, "connect: Connection refused");
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", true, NULL);
	w = drv_node(d, "root/w");
	ck_assert_uint_eq(w->health_failures, 0);
	drv_log_clear(d);
	for (int i = 0; i < 2; i++) {
		drv_live_fire(d, "root/w");
		drv_health(d, "root/w", false, "connect: Connection refused");
		ck_assert_uint_eq(w->health_failures, (unsigned)i + 1);
		STATE(d, "root/w", NS_RUNNING);
	}
	drv_log_clear(d);
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", false, "connect: Connection refused");
	snprintf(again, sizeof again, "live root/w %lld",
	    (long long)tree_health_offset(d->t, w));
	/* The timer armed for the check's timeout goes with the checks. */
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500",
	    "live-cancel root/w", "event ProcessUnhealthy root/w",
	    "signal root/w 15", "signal root/w 18",
	    "event ProcessFailed root/w", "spawn root/w",
	    "event ProcessStarted root/w", again);
	ev = drv_last_event(d, EV_PROCESS_UNHEALTHY, "root/w");
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev->error, "connect: Connection refused");
	ck_assert_int_eq(ev->pid, PID0);
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/w",
	    "unhealthy: connect: Connection refused");
	ck_assert_uint_eq(w->restarts, 1);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	/* A new start: starting again, nothing counted. */
	ck_assert_int_eq(w->health, HS_STARTING);
	ck_assert_uint_eq(w->health_failures, 0);
	ck_assert_str_eq(w->last_error,
	    "unhealthy: connect: Connection refused");
	drv_free(d);
}
END_TEST

/* Which policies restart an unhealthy worker: all but temporary. */
static const struct policy_case {
	enum restart	 restart;
	enum node_status after;
} policy_cases[] = {
	{ RESTART_PERMANENT, NS_RUNNING },
	{ RESTART_TRANSIENT, NS_RUNNING },	/* a failure, even so */
	{ RESTART_TEMPORARY, NS_FAILED },
};

START_TEST(test_health_policy)
{
	const struct policy_case *pc = &policy_cases[_i];
	struct drv *d = health_tree(pc->restart, 5);

	drv_start(d);
	first_check(d);
	for (int i = 0; i < 3; i++) {
		if (i > 0)
			drv_live_fire(d, "root/w");
		drv_health(d, "root/w", false, "exit status 1: boom");
	}
	STATE(d, "root/w", pc->after);
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/w",
	    "unhealthy: exit status 1: boom");
	drv_free(d);
}
END_TEST

/* A check that overruns health_timeout is abandoned and fails. */
START_TEST(test_health_timeout)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 5);
	struct node *w;

	drv_start(d);
	first_check(d);
	drv_live_fire(d, "root/w");
	EXPECT(d, LIVE, "health-cancel root/w", "live root/w 500");
	w = drv_node(d, "root/w");
	ck_assert_uint_eq(w->health_failures, 1);
	ck_assert_str_eq(w->health_error, "timed out after 500ms");
	ck_assert(!w->health_running);
	drv_free(d);
}
END_TEST

/*
 * A check still running is not started again: with a timeout longer than
 * the interval, the next check waits for the result and goes on the
 * phase after it.
 */
START_TEST(test_health_no_overlap)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 5);
	int64_t t0;

	/* The tree's copy: a timeout of 2.5 intervals. */
	drv_node(d, "root/w")->spec->health_timeout_ms = 2500;
	drv_start(d);
	drv_log_clear(d);
	drv_live_fire(d, "root/w");
	t0 = d->now;
	EXPECT(d, LIVE, "health root/w 2500", "live root/w 2500");
	drv_at(d, t0 + 1700);
	drv_health(d, "root/w", true, NULL);
	EXPECT(d, LIVE, "live root/w 300");
	drv_free(d);
}
END_TEST

/*
 * health_start_period: failures within it after the start do not count,
 * until a check has passed; after it they do.
 */
START_TEST(test_health_start_period)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 5);
	struct node *w;

	/* The tree copied the spec at drv_new: change its copy. */
	drv_node(d, "root/w")->spec->health_start_period_ms = 5000;
	drv_start(d);
	first_check(d);
	w = drv_node(d, "root/w");
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			drv_live_fire(d, "root/w");
		drv_health(d, "root/w", false, "connect: Connection refused");
	}
	ck_assert_uint_eq(w->health_failures, 0);
	ck_assert_str_eq(w->health_error, "connect: Connection refused");
	STATE(d, "root/w", NS_RUNNING);
	/* A pass ends the start period early: failures count from now. */
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", true, NULL);
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", false, "connect: Connection refused");
	ck_assert_uint_eq(w->health_failures, 1);
	drv_free(d);
}
END_TEST

/*
 * Repeated unhealthy restarts are restarts like any: beyond the
 * intensity the supervisor gives up, naming the reason.
 */
START_TEST(test_health_intensity)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 1);

	drv_start(d);
	for (int round = 0; round < 2; round++) {
		drv_log_clear(d);
		for (int i = 0; i < 3; i++) {
			drv_live_fire(d, "root/w");
			drv_health(d, "root/w", false,
			    "connect: Connection refused");
		}
	}
	STATE(d, "root", NS_FAILED);
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root",
	    "restart intensity exceeded");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root",
	    "unhealthy: connect: Connection refused");
	ck_assert_int_eq(d->exits, 1);
	drv_free(d);
}
END_TEST

/* An admin stop of a checked worker ends its checks and its timer. */
START_TEST(test_health_admin_stop)
{
	struct drv *d = health_tree(RESTART_PERMANENT, 1);

	drv_start(d);
	first_check(d);
	drv_admin(d, tree_stop_node, "root/w");
	EXPECT(d, LIVE, "health-cancel root/w", "live-cancel root/w",
	    "signal root/w 15", "signal root/w 18",
	    "event ProcessTerminated root/w");
	STATE(d, "root/w", NS_STOPPED);
	/* A late result is stale. */
	tree_health_done(d->t, drv_node(d, "root/w"), false, "late", d->now);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	drv_free(d);
}
END_TEST

/* root with worker w, watchdog 2s, watchdog_signal ABRT (the default). */
static struct drv *
watchdog_tree(void)
{
	struct config *c = conf_new();
	struct node_spec *w;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	w = conf_worker(c, "root/w", RESTART_PERMANENT);
	w->watchdog_ms = 2000;
	w->watchdog_signal = SIGABRT;
	return drv_new(c);
}

/*
 * WATCHDOG=1 pushes the deadline on without touching the timer, which is
 * re-armed for the rest when it fires; a miss is ProcessUnhealthy
 * "watchdog timeout (2s)", watchdog_signal, the shutdown, a failure.
 */
START_TEST(test_watchdog_miss)
{
	struct drv *d = watchdog_tree();
	struct node_info ni;

	drv_start(d);
	EXPECT(d, "live", "live root/w 2000");
	drv_at(d, 1500);
	drv_watchdog(d, "root/w", false);
	EXPECT(d, LIVE, NULL);
	tree_node_info(drv_node(d, "root/w"), d->now, &ni);
	ck_assert_int_eq(ni.health, HS_HEALTHY);
	ck_assert_int_eq(ni.health_checked, 1500);
	drv_live_fire(d, "root/w");
	EXPECT(d, LIVE, "live root/w 1500");
	drv_live_fire(d, "root/w");
	ck_assert_int_eq(d->now, 3500);
	EXPECT(d, LIVE, "event ProcessUnhealthy root/w", "signal root/w 6",
	    "signal root/w 18", "event ProcessFailed root/w",
	    "spawn root/w", "event ProcessStarted root/w",
	    "live root/w 2000");
	EVENT_ERROR_HAS(d, EV_PROCESS_UNHEALTHY, "root/w",
	    "watchdog timeout (2s)");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/w",
	    "unhealthy: watchdog timeout (2s)");
	ck_assert_uint_eq(drv_node(d, "root/w")->restarts, 1);
	drv_free(d);
}
END_TEST

/* WATCHDOG=trigger fails it at once. */
START_TEST(test_watchdog_trigger)
{
	struct drv *d = watchdog_tree();

	drv_start_clean(d);
	drv_watchdog(d, "root/w", true);
	EXPECT(d, LIVE, "live-cancel root/w",
	    "event ProcessUnhealthy root/w", "signal root/w 6",
	    "signal root/w 18", "event ProcessFailed root/w",
	    "spawn root/w", "event ProcessStarted root/w",
	    "live root/w 2000");
	EVENT_ERROR_HAS(d, EV_PROCESS_UNHEALTHY, "root/w",
	    "watchdog triggered");
	drv_free(d);
}
END_TEST

/* Before it is ready, a worker's pings are stale; its watchdog starts
   when it is ready. */
START_TEST(test_watchdog_from_ready)
{
	struct drv *d = watchdog_tree();

	drv_node(d, "root/w")->spec->ready = READY_NOTIFY;
	drv_start(d);
	EXPECT(d, "live", NULL);
	drv_at(d, 5000);
	drv_watchdog(d, "root/w", false);
	EXPECT(d, "*", NULL);
	drv_ready(d, "root/w");
	EXPECT(d, "live", "live root/w 2000");
	drv_free(d);
}
END_TEST

/* Offsets spread: each in [0, interval), not all alike. */
START_TEST(test_health_offsets)
{
	struct config *c = conf_new();
	struct drv *d;
	int64_t first = -1;
	bool differ = false;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_pool(c, "root/p", 50);
	for (size_t i = 0; i < c->nnodes; i++)
		if (c->nodes[i]->kind == NODE_WORKER)
			c->nodes[i]->health_interval_ms = 10000;
	d = drv_new(c);
	for (size_t i = 0; i < d->t->nnodes; i++) {
		struct node *n = d->t->nodes[i];
		int64_t off;

		if (n->spec->kind != NODE_WORKER)
			continue;
		off = tree_health_offset(d->t, n);
		ck_assert(off >= 0 && off < 10000);
		if (first == -1)
			first = off;
		else if (off != first)
			differ = true;
	}
	ck_assert(differ);
	drv_free(d);
}
END_TEST

Suite *
health_suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("liveness");

	tcase_add_test(tc, test_health_schedule);
	tcase_add_test(tc, test_health_none);
	tcase_add_test(tc, test_health_unhealthy_restart);
	tcase_add_loop_test(tc, test_health_policy, 0, NELEM(policy_cases));
	tcase_add_test(tc, test_health_timeout);
	tcase_add_test(tc, test_health_no_overlap);
	tcase_add_test(tc, test_health_start_period);
	tcase_add_test(tc, test_health_intensity);
	tcase_add_test(tc, test_health_admin_stop);
	tcase_add_test(tc, test_watchdog_miss);
	tcase_add_test(tc, test_watchdog_trigger);
	tcase_add_test(tc, test_watchdog_from_ready);
	tcase_add_test(tc, test_health_offsets);
	suite_add_tcase(s, tc);
	return s;
}
