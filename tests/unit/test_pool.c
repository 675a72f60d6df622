/*
 * test_pool.c: unit tests of how a pool (instances = N) stops its
 * instances, driven by the fake world of driver.c. Like OTP's
 * simple_one_for_one, a pool does not stop its children one after the
 * other: every instance gets its stop signal in the same step, each keeps
 * its own shutdown timer (then SIGKILL), and the pool is down when the last
 * instance is. This holds on every path that stops a pool's instances: a
 * shutdown, an admin stop of the pool, a parent's one_for_all restart, an
 * escalation, a reload. Ordinary supervisors keep the ordered stop, right
 * to left, each child after the previous one is gone.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"
#include "util.h"

/* root (STRATEGY, intensity 3): worker a, pool p of N instances, worker z. */
static struct config *
conf_with_pool(enum strategy strategy, int n)
{
	struct config *c = conf_new();

	conf_sup(c, "root", strategy)->intensity = 3;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_pool(c, "root/p", n);
	conf_worker(c, "root/z", RESTART_PERMANENT);
	return c;
}

/* Instances root/p/1 .. root/p/N ignore SIGTERM. */
static void
ignore_term(struct drv *d, int n)
{
	for (int i = 1; i <= n; i++) {
		char *path = xasprintf("root/p/%d", i);

		drv_fake_at(d, path)->ignore_term = true;
		free(path);
	}
}

/* A started tree of conf_with_pool, its log cleared. */
static struct drv *
started(enum strategy strategy, int n)
{
	struct drv *d = drv_new(conf_with_pool(strategy, n));

	drv_start(d);
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/p", NS_RUNNING);
	strv_free(&d->log);
	return d;
}

/*
 * Shutdown: z, then every instance of p in one step (each with its own
 * shutdown timer) before any of them is down, then p's cleanup, then a.
 */
START_TEST(test_pool_shutdown_together)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 4);

	drv_shutdown(d);
	EXPECT(d, "signal timer event cleanup exit",
	    "signal root/z 15", "signal root/z 18", "timer root/z 5000",
	    "event ProcessTerminated root/z",
	    "signal root/p/4 15", "signal root/p/4 18", "timer root/p/4 5000",
	    "signal root/p/3 15", "signal root/p/3 18", "timer root/p/3 5000",
	    "signal root/p/2 15", "signal root/p/2 18", "timer root/p/2 5000",
	    "signal root/p/1 15", "signal root/p/1 18", "timer root/p/1 5000",
	    "event ProcessTerminated root/p/4",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p/1",
	    "event ProcessTerminated root/p",
	    "signal root/a 15", "signal root/a 18", "timer root/a 5000",
	    "event ProcessTerminated root/a",
	    "cleanup root", "timer root 30000",
	    "event ProcessTerminated root", "exit 0");
	for (int i = 1; i <= 4; i++) {
		char *path = xasprintf("root/p/%d", i);

		STATE(d, path, NS_STOPPED);
		ck_assert(!drv_fake_at(d, path)->timer);
		free(path);
	}
	ck_assert_int_eq(drv_window_count(d, "root/p"), 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_free(d);
}
END_TEST

/* The instances go down in any order; the pool waits for the last. */
START_TEST(test_pool_exits_any_order)
{
	static const int order[] = { 2, 4, 1, 3 };
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 4);

	ignore_term(d, 4);
	drv_shutdown(d);
	EXPECT(d, "signal event",
	    "signal root/z 15", "signal root/z 18",
	    "event ProcessTerminated root/z",
	    "signal root/p/4 15", "signal root/p/4 18",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "signal root/p/1 15", "signal root/p/1 18");
	STATE(d, "root/p", NS_STOPPING);
	for (int k = 0; k < 4; k++) {
		char *path = xasprintf("root/p/%d", order[k]);
		char *line = xasprintf("event ProcessTerminated %s", path);

		STATE(d, path, NS_STOPPING);
		drv_exit(d, path, KILLED(SIGTERM), NULL);
		STATE(d, path, NS_STOPPED);
		if (k < 3) {
			EXPECT(d, "signal event cleanup", line);
			STATE(d, "root/p", NS_STOPPING);
			STATE(d, "root/a", NS_RUNNING);
		}
		free(line);
		free(path);
	}
	EXPECT(d, "signal event cleanup exit",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	drv_free(d);
}
END_TEST

/*
 * An instance that ignores its stop signal is killed by its own shutdown
 * timer, while the others are long gone; nothing else waited on it.
 */
START_TEST(test_pool_stubborn_instance)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	const struct event *ev;

	drv_fake_at(d, "root/p/2")->ignore_term = true;
	drv_node(d, "root/z")->spec->shutdown = SHUTDOWN_BRUTAL_KILL;
	drv_shutdown(d);
	EXPECT(d, "signal timer cancel event",
	    "signal root/z 9", "cancel root/z",
	    "event ProcessTerminated root/z",
	    "signal root/p/3 15", "signal root/p/3 18", "timer root/p/3 5000",
	    "signal root/p/2 15", "signal root/p/2 18", "timer root/p/2 5000",
	    "signal root/p/1 15", "signal root/p/1 18", "timer root/p/1 5000",
	    "cancel root/p/3", "event ProcessTerminated root/p/3",
	    "cancel root/p/1", "event ProcessTerminated root/p/1");
	STATE(d, "root/p/1", NS_STOPPED);
	STATE(d, "root/p/3", NS_STOPPED);
	STATE(d, "root/p/2", NS_STOPPING);
	STATE(d, "root/p", NS_STOPPING);
	STATE(d, "root/a", NS_RUNNING);
	ck_assert(drv_fake_at(d, "root/p/2")->timer);
	ck_assert(!drv_fake_at(d, "root/p/1")->timer);
	drv_at(d, 5000);
	drv_fire(d, "root/p/2");
	EXPECT(d, "signal event cleanup exit",
	    "signal root/p/2 9", "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/p/2");
	ck_assert_int_eq(ev->signal, SIGKILL);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/p/1");
	ck_assert_int_eq(ev->signal, SIGTERM);
	drv_free(d);
}
END_TEST

/*
 * An instance that exits by itself (status 3) while the pool stops is
 * stopped like the others, as today: not restarted, not counted; the pool
 * still waits for the rest.
 */
START_TEST(test_pool_instance_exits_while_stopping)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);

	ignore_term(d, 3);
	drv_shutdown(d);
	strv_free(&d->log);
	drv_exit(d, "root/p/1", EXITED(3), NULL);
	EXPECT(d, "spawn signal event", "event ProcessTerminated root/p/1");
	ck_assert_int_eq(drv_last_event(d, EV_PROCESS_TERMINATED,
	    "root/p/1")->exit, 3);
	STATE(d, "root/p", NS_STOPPING);
	ck_assert_int_eq(drv_window_count(d, "root/p"), 0);
	drv_exit(d, "root/p/3", KILLED(SIGTERM), NULL);
	drv_exit(d, "root/p/2", KILLED(SIGTERM), NULL);
	EXPECT(d, "spawn event cleanup",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root");
	ck_assert_uint_eq(drv_node(d, "root/p/1")->restarts, 0);
	drv_free(d);
}
END_TEST

/* Shutdown while an instance's exec is unanswered: it stops once it is. */
START_TEST(test_pool_shutdown_while_starting)
{
	struct drv *d = drv_new(conf_with_pool(STRATEGY_ONE_FOR_ONE, 3));

	drv_fake_at(d, "root/p/3")->hold_spawn = true;
	drv_start(d);
	STATE(d, "root/p", NS_STARTING);
	strv_free(&d->log);
	drv_shutdown(d);
	EXPECT(d, "spawn signal event",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p/1");
	STATE(d, "root/p", NS_STOPPING);
	STATE(d, "root/p/3", NS_STARTING);
	drv_started(d, "root/p/3");
	EXPECT(d, "spawn signal event cleanup exit",
	    "event ProcessStarted root/p/3",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	drv_free(d);
}
END_TEST

/*
 * arborctl stop of the pool stops its instances together and leaves its
 * siblings alone; start brings them back one after the other. Stopping
 * one instance stops only that one.
 */
START_TEST(test_pool_admin_stop)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);

	drv_admin(d, tree_stop_node, "root/p/2");
	EXPECT(d, "spawn signal event",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "event ProcessTerminated root/p/2");
	STATE(d, "root/p", NS_RUNNING);
	STATE(d, "root/p/1", NS_RUNNING);
	STATE(d, "root/p/3", NS_RUNNING);

	drv_admin(d, tree_stop_node, "root/p");
	EXPECT(d, "spawn signal event cleanup",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/1",
	    "event ProcessTerminated root/p");
	STATE(d, "root/p", NS_STOPPED);
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/z", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);

	drv_admin(d, tree_start_node, "root/p");
	EXPECT(d, "spawn signal event",
	    "spawn root/p/1", "event ProcessStarted root/p/1",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "event ProcessStarted root/p");
	STATE(d, "root/p/2", NS_STOPPED);	/* still stopped by an admin */

	drv_admin(d, tree_restart_node, "root/p");
	EXPECT(d, "spawn signal event",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/1",
	    "event ProcessTerminated root/p",
	    "spawn root/p/1", "event ProcessStarted root/p/1",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "event ProcessStarted root/p");
	drv_free(d);
}
END_TEST

/*
 * The parent's one_for_all: z fails, the pool's instances stop together
 * (after z, before a, as the order says), then all start again in order.
 * Only z's failure is counted.
 */
START_TEST(test_pool_parent_one_for_all)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ALL, 3);

	drv_fake_at(d, "root/p/3")->ignore_term = true;
	drv_at(d, 1000);
	drv_exit(d, "root/z", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/z",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p/1");
	STATE(d, "root/p", NS_STOPPING);
	STATE(d, "root/a", NS_RUNNING);
	drv_fire(d, "root/p/3");
	EXPECT(d, "spawn signal event setup cleanup",
	    "signal root/p/3 9", "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/p/1", "event ProcessStarted root/p/1",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "event ProcessStarted root/p",
	    "spawn root/z", "event ProcessStarted root/z");
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	ck_assert_uint_eq(drv_node(d, "root/z")->restarts, 1);
	ck_assert_uint_eq(drv_node(d, "root/p")->restarts, 0);
	ck_assert_uint_eq(drv_node(d, "root/p/1")->restarts, 0);
	drv_free(d);
}
END_TEST

/*
 * An instance's restart is unchanged (one_for_one, counted in the pool's
 * window); past the intensity the pool stops its other instances together
 * and fails to its parent, which restarts it.
 */
START_TEST(test_pool_escalation)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 4);

	drv_at(d, 1000);
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/p/2",
	    "spawn root/p/2", "event ProcessStarted root/p/2");
	ck_assert_int_eq(drv_window_count(d, "root/p"), 1);
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/p/2",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "event ProcessFailed root/p/2",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "event ProcessFailed root/p/2",
	    "signal root/p/4 15", "signal root/p/4 18",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/4",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/1",
	    "event ProcessFailed root/p",
	    "spawn root/p/1", "event ProcessStarted root/p/1",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "spawn root/p/4", "event ProcessStarted root/p/4",
	    "event ProcessStarted root/p");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/p",
	    "restart intensity exceeded");
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	STATE(d, "root/a", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * A reload that changes the instances' command restarts them: they stop
 * together, then start one after the other with the new command.
 */
START_TEST(test_pool_reload_restart)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	struct config *c = conf_with_pool(STRATEGY_ONE_FOR_ONE, 3);
	struct strv report = { 0 };

	for (int i = 1; i <= 3; i++) {
		char *path = xasprintf("root/p/%d", i);

		conf_command(conf_lookup(c, path), "sleep 1");
		free(path);
	}
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "restarted root/p/1 (command)",
	    "restarted root/p/2 (command)",
	    "restarted root/p/3 (command)",
	    "4 nodes unchanged");
	EXPECT(d, "spawn signal event",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p/1",
	    "spawn root/p/1", "event ProcessStarted root/p/1",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "spawn root/p/3", "event ProcessStarted root/p/3");
	ck_assert_str_eq(drv_node(d, "root/p/2")->spec->argv.v[0], "sleep");
	STATE(d, "root/p", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A reload removing the pool stops its instances together, then frees it. */
START_TEST(test_pool_reload_removed)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	struct config *c = conf_new();
	struct strv report = { 0 };

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 3;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_worker(c, "root/z", RESTART_PERMANENT);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "removed root/p", "3 nodes unchanged");
	EXPECT(d, "spawn signal event cleanup free",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/2 15", "signal root/p/2 18",
	    "signal root/p/1 15", "signal root/p/1 18",
	    "event ProcessTerminated root/p/3",
	    "event ProcessTerminated root/p/2",
	    "event ProcessTerminated root/p/1",
	    "event ProcessTerminated root/p",
	    "free root/p");
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/z", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * A significant pool (significant = yes with instances = 2, transient)
 * completes when all its instances have, and then counts as a completed
 * significant child of its parent: with any_significant at the root,
 * the tree ends as completed (ACT_EXIT status 2) and arbord exits with
 * the last instance's code, 0.
 */
START_TEST(test_pool_significant_completes)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->auto_shutdown =
	    AUTO_SHUTDOWN_ANY;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_pool_significant(c, "root/p", 2, RESTART_TRANSIENT);
	d = drv_new(c);
	drv_start(d);
	STATE(d, "root/p", NS_RUNNING);
	strv_free(&d->log);

	drv_exit(d, "root/p/1", EXITED(0), NULL);
	EXPECT(d, "spawn signal event exit",
	    "event ProcessCompleted root/p/1");
	STATE(d, "root/p", NS_RUNNING);
	ck_assert_int_eq(d->exits, 0);

	drv_exit(d, "root/p/2", EXITED(0), NULL);
	EXPECT(d, "spawn event exit",
	    "event ProcessCompleted root/p/2",
	    "event ProcessCompleted root/p",
	    "event ProcessTerminated root/a",
	    "event ProcessCompleted root", "exit 2");
	/* Completed (status 2), with the last instance's code: 0. */
	ck_assert_int_eq(d->t->exit_code, 0);
	drv_free(d);
}
END_TEST

/*
 * The status snapshot marks a pool with its N and gives each worker its
 * command, what arborctl status shows ("pool", "instances", "command").
 */
START_TEST(test_pool_node_info)
{
	struct config *c = conf_with_pool(STRATEGY_ONE_FOR_ONE, 3);
	struct node_info ni;
	struct drv *d;

	conf_command(conf_lookup(c, "root/a"), "server --name 'a b'");
	d = drv_new(c);
	drv_start(d);
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert(ni.pool);
	ck_assert_int_eq(ni.instances, 3);
	ck_assert_ptr_null(ni.command);
	tree_node_info(drv_node(d, "root/p/2"), d->now, &ni);
	ck_assert(!ni.pool);
	ck_assert_int_eq(ni.instances, 0);
	ck_assert_ptr_nonnull(ni.command);
	ck_assert_str_eq(ni.command->v[0], "true");
	tree_node_info(drv_node(d, "root/a"), d->now, &ni);
	ck_assert(!ni.pool);
	ck_assert_uint_eq(ni.command->n, 3);
	ck_assert_str_eq(ni.command->v[2], "a b");
	tree_node_info(drv_node(d, "root"), d->now, &ni);
	ck_assert(!ni.pool);
	ck_assert_int_eq(ni.instances, 0);
	ck_assert_ptr_null(ni.command);
	drv_free(d);
}
END_TEST

/* Scale pool P of D to N: accepted (0), or RC with MSG; settles. */
static void
scale(struct drv *d, const char *p, int n, struct admin_wait *w, int rc)
{
	char *msg = NULL;

	ck_assert_int_eq(tree_scale(d->t, drv_node(d, p), n, w, d->now,
	    &msg), rc);
	ck_assert((msg == NULL) == (rc == 0));
	free(msg);
	drv_settle(d);
}

/* The outcome of scale W of root/p, with its message checked. */
static void
scale_outcome_is(struct drv *d, const struct admin_wait *w,
    enum admin_outcome want, const char *msg_has)
{
	char *msg = NULL;

	ck_assert_int_eq(tree_admin_outcome(d->t, "root/p", w, &msg), want);
	if (msg_has != NULL) {
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(strstr(msg, msg_has) != NULL, "\"%s\" lacks "
		    "\"%s\"", msg, msg_has);
	}
	free(msg);
}

/*
 * Scaling up starts the new instances as a pool starts its instances,
 * one after the other; status tells the running size from the
 * configured one.
 */
START_TEST(test_pool_scale_up)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	struct admin_wait w;
	struct node_info ni;

	scale(d, "root/p", 5, &w, 0);
	EXPECT(d, "spawn signal event free",
	    "spawn root/p/4", "event ProcessStarted root/p/4",
	    "spawn root/p/5", "event ProcessStarted root/p/5");
	scale_outcome_is(d, &w, ADMIN_DONE, "root/p: 5 instances");
	STATE(d, "root/p/5", NS_RUNNING);
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert_int_eq(ni.instances, 5);
	ck_assert_int_eq(ni.instances_configured, 3);
	ck_assert_ptr_null(tree_check(d->t));
	/* The same size again: nothing to do. */
	scale(d, "root/p", 5, &w, 1);
	EXPECT(d, "spawn signal event free", NULL);
	drv_free(d);
}
END_TEST

/*
 * Scaling down stops the highest instances at once, as a pool stops; they
 * leave the tree once down, and the request is done then.
 */
START_TEST(test_pool_scale_down)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 4);
	struct admin_wait w;
	struct node_info ni;
	char *msg = NULL;

	ignore_term(d, 4);
	scale(d, "root/p", 2, &w, 0);
	EXPECT(d, "spawn signal event free",
	    "signal root/p/4 15", "signal root/p/4 18",
	    "signal root/p/3 15", "signal root/p/3 18");
	scale_outcome_is(d, &w, ADMIN_PENDING, NULL);
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert_int_eq(ni.instances, 2);
	/* A scaled away instance cannot be started again. */
	ck_assert_int_eq(tree_start_node(d->t, drv_node(d, "root/p/4"),
	    d->now, &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "scaled away"));
	free(msg);
	/* The lower one down first: it waits for the last to go. */
	drv_fire(d, "root/p/3");
	EXPECT(d, "spawn signal event free",
	    "signal root/p/3 9", "event ProcessTerminated root/p/3");
	scale_outcome_is(d, &w, ADMIN_PENDING, NULL);
	drv_fire(d, "root/p/4");
	EXPECT(d, "spawn signal event free",
	    "signal root/p/4 9", "event ProcessTerminated root/p/4",
	    "free root/p/4", "free root/p/3");
	scale_outcome_is(d, &w, ADMIN_DONE, "root/p: 2 instances");
	ck_assert_ptr_null(tree_find(d->t, "root/p/3"));
	ck_assert_uint_eq(drv_node(d, "root/p")->nchildren, 2);
	STATE(d, "root/p/2", NS_RUNNING);
	ck_assert_ptr_null(tree_check(d->t));
	/* Their end is no failure: nothing restarted, nothing counted. */
	ck_assert_int_eq(drv_window_count(d, "root/p"), 0);
	drv_free(d);
}
END_TEST

/* Scaled back up while going away: those instances stay and restart. */
START_TEST(test_pool_scale_down_up)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	struct admin_wait w;

	ignore_term(d, 3);
	scale(d, "root/p", 1, &w, 0);
	EXPECT(d, "spawn signal event free",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "signal root/p/2 15", "signal root/p/2 18");
	scale(d, "root/p", 4, &w, 0);
	EXPECT(d, "spawn signal event free", NULL);
	drv_fire(d, "root/p/3");
	drv_fire(d, "root/p/2");
	EXPECT(d, "spawn signal event free",
	    "signal root/p/3 9", "event ProcessTerminated root/p/3",
	    "signal root/p/2 9", "event ProcessTerminated root/p/2",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "spawn root/p/4", "event ProcessStarted root/p/4");
	scale_outcome_is(d, &w, ADMIN_DONE, "4 instances");
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/* A reload brings a scaled pool back to its configured size. */
START_TEST(test_pool_scale_reload)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 3);
	struct strv report = { 0 };
	struct admin_wait w;
	struct node_info ni;

	scale(d, "root/p", 5, &w, 0);
	drv_log_clear(d);
	drv_reload(d, conf_with_pool(STRATEGY_ONE_FOR_ONE, 3), &report);
	EXPECT_LINES(&report, "removed root/p/4", "removed root/p/5",
	    "7 nodes unchanged");
	EXPECT(d, "spawn event free",
	    "event ProcessTerminated root/p/4", "free root/p/4",
	    "event ProcessTerminated root/p/5", "free root/p/5");
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert_int_eq(ni.instances, 3);
	/* The request made before the reload is over: the size changed. */
	scale_outcome_is(d, &w, ADMIN_FAILED, "runs 3 instances now");
	strv_free(&report);

	scale(d, "root/p", 1, &w, 0);
	drv_log_clear(d);
	drv_reload(d, conf_with_pool(STRATEGY_ONE_FOR_ONE, 3), &report);
	EXPECT_LINES(&report, "added root/p/2", "added root/p/3",
	    "5 nodes unchanged");
	EXPECT(d, "spawn event free",
	    "spawn root/p/2", "event ProcessStarted root/p/2",
	    "spawn root/p/3", "event ProcessStarted root/p/3");
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert_int_eq(ni.instances, 3);
	ck_assert_int_eq(ni.instances_configured, 3);

	/* A reload that changes the configured size: status follows it. */
	strv_free(&report);
	drv_reload(d, conf_with_pool(STRATEGY_ONE_FOR_ONE, 4), &report);
	tree_node_info(drv_node(d, "root/p"), d->now, &ni);
	ck_assert_int_eq(ni.instances, 4);
	ck_assert_int_eq(ni.instances_configured, 4);
	ck_assert_ptr_null(tree_check(d->t));
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* What scale refuses; a stopped pool is resized, to start so later. */
START_TEST(test_pool_scale_refused)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 2);
	struct admin_wait w;
	char *msg = NULL;

	ck_assert_int_eq(tree_scale(d->t, drv_node(d, "root/a"), 2, &w,
	    d->now, &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "not a pool"));
	free(msg);
	ck_assert_int_eq(tree_scale(d->t, drv_node(d, "root/p"), 0, &w,
	    d->now, &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "1 to 10000"));
	free(msg);
	ck_assert_int_eq(tree_scale(d->t, drv_node(d, "root/p"), 10001, &w,
	    d->now, &msg), -1);
	free(msg);
	drv_admin(d, tree_stop_node, "root/p");
	drv_log_clear(d);
	scale(d, "root/p", 3, &w, 1);
	EXPECT(d, "spawn event free", NULL);
	scale(d, "root/p", 1, &w, 1);
	EXPECT(d, "spawn event free", "free root/p/3", "free root/p/2");
	drv_admin(d, tree_start_node, "root/p");
	EXPECT(d, "spawn", "spawn root/p/1");
	ck_assert_uint_eq(drv_node(d, "root/p")->nchildren, 1);
	drv_free(d);
}
END_TEST

/* An instance added by a scale that cannot start fails the request. */
START_TEST(test_pool_scale_start_fails)
{
	struct drv *d = started(STRATEGY_ONE_FOR_ONE, 1);
	struct admin_wait w;

	drv_fake_new(d, "root/p/2")->exec_fail = -1;
	scale(d, "root/p", 2, &w, 0);
	scale_outcome_is(d, &w, ADMIN_FAILED,
	    "root/p/2: exec: No such file");
	drv_free(d);
}
END_TEST

/*
 * A started tree of conf_with_pool with N instances that report ready
 * after their exec (ready = fd:3), as will SURGE more instances beyond
 * them (a roll's), with RELOAD as the pool's reload key; log cleared.
 */
static struct drv *
started_ready(int n, int surge, enum reload_mode reload)
{
	struct config *c = conf_with_pool(STRATEGY_ONE_FOR_ONE, n);
	struct drv *d;

	conf_lookup(c, "root/p")->reload_mode = reload;
	for (int i = 1; i <= n; i++) {
		char *path = xasprintf("root/p/%d", i);

		conf_ready(conf_lookup(c, path), READY_FD, 10000);
		conf_lookup(c, path)->reload_mode = reload;
		free(path);
	}
	d = drv_new(c);
	for (int i = 1; i <= n + surge; i++) {
		char *path = xasprintf("root/p/%d", i);

		(i <= n ? drv_fake_at(d, path) : drv_fake_new(d,
		    path))->ready_on_start = true;
		free(path);
	}
	drv_start(d);
	STATE(d, "root/p", NS_RUNNING);
	drv_log_clear(d);
	return d;
}

/* Roll S of D by BATCH: accepted (RC 0), or RC with a message; settles. */
static void
roll(struct drv *d, const char *s, int batch, struct admin_wait *w, int rc)
{
	char *msg = NULL;

	ck_assert_int_eq(tree_roll(d->t, drv_node(d, s), batch, w, d->now,
	    &msg), rc);
	ck_assert((msg == NULL) == (rc == 0));
	free(msg);
	drv_settle(d);
}

/* The outcome of request W on PATH, its message checked. */
static void
outcome_is(struct drv *d, const char *path, const struct admin_wait *w,
    enum admin_outcome want, const char *msg_has)
{
	char *msg = NULL;

	ck_assert_int_eq(tree_admin_outcome(d->t, path, w, &msg), want);
	if (msg_has != NULL) {
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(strstr(msg, msg_has) != NULL, "\"%s\" lacks "
		    "\"%s\"", msg, msg_has);
	}
	free(msg);
}

/*
 * A rolling restart of a pool: a surge instance first; once it is ready,
 * each instance in turn gets a successor beside its process, which is
 * stopped once the successor is ready, and is gone before the next
 * instance's turn; then the surge instance goes. The pool never has fewer
 * ready instances than its size.
 */
START_TEST(test_pool_roll)
{
	struct drv *d = started_ready(3, 1, RELOAD_MODE_RESTART);
	struct admin_wait w;
	pid_t old[4];

	for (int i = 1; i <= 3; i++) {
		char *path = xasprintf("root/p/%d", i);

		old[i] = drv_node(d, path)->pid;
		free(path);
	}
	roll(d, "root/p", 1, &w, 0);
	EXPECT(d, "aside restore spawn signal signal-old event free",
	    "spawn root/p/4", "event ProcessStarted root/p/4",
	    "event ProcessReady root/p/4",
	    "aside root/p/1", "spawn root/p/1", "event ProcessStarted root/p/1",
	    "event ProcessReady root/p/1", "event ProcessDraining root/p/1",
	    "signal-old root/p/1 15", "signal-old root/p/1 18",
	    "event ProcessTerminated root/p/1",
	    "aside root/p/2", "spawn root/p/2", "event ProcessStarted root/p/2",
	    "event ProcessReady root/p/2", "event ProcessDraining root/p/2",
	    "signal-old root/p/2 15", "signal-old root/p/2 18",
	    "event ProcessTerminated root/p/2",
	    "aside root/p/3", "spawn root/p/3", "event ProcessStarted root/p/3",
	    "event ProcessReady root/p/3", "event ProcessDraining root/p/3",
	    "signal-old root/p/3 15", "signal-old root/p/3 18",
	    "event ProcessTerminated root/p/3",
	    "signal root/p/4 15", "signal root/p/4 18",
	    "event ProcessTerminated root/p/4", "free root/p/4");
	outcome_is(d, "root/p", &w, ADMIN_DONE, "every child replaced");
	for (int i = 1; i <= 3; i++) {
		char *path = xasprintf("root/p/%d", i);

		ck_assert_int_ne(drv_node(d, path)->pid, old[i]);
		STATE(d, path, NS_RUNNING);
		free(path);
	}
	ck_assert_uint_eq(drv_node(d, "root/p")->nchildren, 3);
	/* Replaced, not failed: nothing counted. */
	ck_assert_int_eq(drv_window_count(d, "root/p"), 0);
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/* --batch 2: two surge instances, then two instances at a time. */
START_TEST(test_pool_roll_batch)
{
	struct drv *d = started_ready(4, 2, RELOAD_MODE_RESTART);
	struct admin_wait w;

	roll(d, "root/p", 2, &w, 0);
	EXPECT(d, "aside spawn signal signal-old free",
	    "spawn root/p/5", "spawn root/p/6",
	    "aside root/p/1", "spawn root/p/1",
	    "aside root/p/2", "spawn root/p/2",
	    "signal-old root/p/1 15", "signal-old root/p/1 18",
	    "signal-old root/p/2 15", "signal-old root/p/2 18",
	    "aside root/p/3", "spawn root/p/3",
	    "aside root/p/4", "spawn root/p/4",
	    "signal-old root/p/3 15", "signal-old root/p/3 18",
	    "signal-old root/p/4 15", "signal-old root/p/4 18",
	    "signal root/p/6 15", "signal root/p/6 18",
	    "signal root/p/5 15", "signal root/p/5 18",
	    "free root/p/6", "free root/p/5");
	outcome_is(d, "root/p", &w, ADMIN_DONE, NULL);
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/*
 * An instance whose successor cannot start ends the roll with its
 * reason: that instance keeps its process, serving, and so do the
 * instances after it; the surge goes; nothing is counted.
 */
START_TEST(test_pool_roll_fails)
{
	struct drv *d = started_ready(3, 1, RELOAD_MODE_RESTART);
	struct admin_wait w;
	pid_t p2 = drv_node(d, "root/p/2")->pid;
	pid_t p3 = drv_node(d, "root/p/3")->pid;

	drv_fake_at(d, "root/p/2")->exec_fail = 1;
	roll(d, "root/p", 1, &w, 0);
	EXPECT(d, "aside restore spawn signal signal-old event free",
	    "spawn root/p/4", "event ProcessStarted root/p/4",
	    "event ProcessReady root/p/4",
	    "aside root/p/1", "spawn root/p/1", "event ProcessStarted root/p/1",
	    "event ProcessReady root/p/1", "event ProcessDraining root/p/1",
	    "signal-old root/p/1 15", "signal-old root/p/1 18",
	    "event ProcessTerminated root/p/1",
	    "aside root/p/2", "spawn root/p/2",
	    "event ProcessStartFailed root/p/2", "restore root/p/2",
	    "signal root/p/4 15", "signal root/p/4 18",
	    "event ProcessTerminated root/p/4", "free root/p/4");
	outcome_is(d, "root/p", &w, ADMIN_FAILED,
	    "root/p/2: exec: No such file or directory");
	ck_assert_int_eq(drv_node(d, "root/p/2")->pid, p2);
	STATE(d, "root/p/2", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root/p"), 0);
	ck_assert_int_eq(drv_node(d, "root/p/3")->pid, p3);
	ck_assert_uint_eq(drv_node(d, "root/p")->nchildren, 3);
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/*
 * The surge instance fails while the roll waits for an old process to
 * drain: once the roll is over the surge goes all the same, and the
 * request completes (fuzz_tree found it pending forever).
 */
START_TEST(test_pool_roll_surge_fails)
{
	struct drv *d = started_ready(1, 1, RELOAD_MODE_RESTART);
	struct admin_wait w;

	drv_fake_at(d, "root/p/1")->ignore_term = true;
	roll(d, "root/p", 1, &w, 0);
	/* The successor took over; the old process ignores its stop. */
	ck_assert_int_eq(drv_node(d, "root/p/1")->state, ST_ROLL_DRAINING);
	STATE(d, "root/p/2", NS_RUNNING);
	outcome_is(d, "root/p", &w, ADMIN_PENDING, NULL);
	/*
	 * The surge dies, and its restart fails once (more would exceed
	 * the pool's intensity: nothing else is in the way of restarts
	 * now that the old instance's stop overlaps its successor).
	 */
	drv_fake_at(d, "root/p/2")->exec_fail = 1;
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	drv_fire(d, "root/p/1");	/* shutdown over: SIGKILL */
	drv_settle(d);
	STATE(d, "root/p/1", NS_RUNNING);
	drv_at(d, d->now + 60000);
	drv_settle(d);
	outcome_is(d, "root/p", &w, ADMIN_DONE, NULL);
	ck_assert_uint_eq(drv_node(d, "root/p")->nchildren, 1);
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/* A new process not ready within its start_timeout ends the roll too. */
START_TEST(test_pool_roll_not_ready)
{
	struct drv *d = started_ready(2, 1, RELOAD_MODE_RESTART);
	struct admin_wait w;
	pid_t p2 = drv_node(d, "root/p/2")->pid;

	pid_t p1 = drv_node(d, "root/p/1")->pid;

	drv_fake_at(d, "root/p/1")->ready_on_start = false;
	roll(d, "root/p", 1, &w, 0);
	outcome_is(d, "root/p", &w, ADMIN_PENDING, NULL);
	/* Its old process serves while the successor is not ready. */
	STATE(d, "root/p/1", NS_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/p/1")->state, ST_ROLL_AWAITING);
	drv_log_clear(d);
	drv_fire(d, "root/p/1");
	EXPECT(d, "aside restore signal signal-old event",
	    "signal root/p/1 9", "event ProcessStartFailed root/p/1",
	    "restore root/p/1",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "event ProcessTerminated root/p/3");
	outcome_is(d, "root/p", &w, ADMIN_FAILED,
	    "root/p/1: not ready within 10s");
	ck_assert_int_eq(drv_node(d, "root/p/1")->pid, p1);
	ck_assert_int_eq(drv_node(d, "root/p/2")->pid, p2);
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/* A supervisor's children roll one after the other, each ready first. */
START_TEST(test_supervisor_roll)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 1));
	struct admin_wait w;

	drv_start(d);
	drv_log_clear(d);
	roll(d, "root", 1, &w, 0);
	EXPECT(d, "aside spawn signal signal-old event",
	    "aside root/a", "spawn root/a", "event ProcessStarted root/a",
	    "event ProcessDraining root/a",
	    "signal-old root/a 15", "signal-old root/a 18",
	    "event ProcessTerminated root/a",
	    "aside root/b", "spawn root/b", "event ProcessStarted root/b",
	    "event ProcessDraining root/b",
	    "signal-old root/b 15", "signal-old root/b 18",
	    "event ProcessTerminated root/b",
	    "aside root/c", "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessDraining root/c",
	    "signal-old root/c 15", "signal-old root/c 18",
	    "event ProcessTerminated root/c");
	outcome_is(d, "root", &w, ADMIN_DONE, "every child replaced");
	drv_free(d);
}
END_TEST

/* What a roll refuses; a stop of the pool ends it. */
START_TEST(test_pool_roll_refused)
{
	struct drv *d = started_ready(2, 0, RELOAD_MODE_RESTART);
	struct admin_wait w, w2;
	char *msg = NULL;

	ck_assert_int_eq(tree_roll(d->t, drv_node(d, "root/a"), 1, &w,
	    d->now, &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "is a worker"));
	free(msg);
	(void)drv_fake_new(d, "root/p/3");	/* the surge: never ready */
	roll(d, "root/p", 1, &w, 0);
	ck_assert_int_eq(tree_roll(d->t, drv_node(d, "root/p"), 1, &w2,
	    d->now, &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "in progress"));
	free(msg);
	ck_assert_int_eq(tree_scale(d->t, drv_node(d, "root/p"), 5, &w2,
	    d->now, &msg), -1);
	free(msg);
	drv_admin(d, tree_stop_node, "root/p");
	outcome_is(d, "root/p", &w, ADMIN_FAILED, "stopped during");
	ck_assert_ptr_null(tree_find(d->t, "root/p/3"));
	ck_assert_ptr_null(tree_check(d->t));
	drv_free(d);
}
END_TEST

/*
 * reload = rolling: instances whose command changed are replaced in a
 * roll, a surge instance with the new command first.
 */
START_TEST(test_pool_reload_rolling)
{
	struct drv *d = started_ready(2, 1, RELOAD_MODE_ROLLING);
	struct config *c = conf_with_pool(STRATEGY_ONE_FOR_ONE, 2);
	struct strv report = { 0 };

	conf_lookup(c, "root/p")->reload_mode = RELOAD_MODE_ROLLING;
	for (int i = 1; i <= 2; i++) {
		char *path = xasprintf("root/p/%d", i);

		conf_ready(conf_lookup(c, path), READY_FD, 10000);
		conf_lookup(c, path)->reload_mode = RELOAD_MODE_ROLLING;
		conf_command(conf_lookup(c, path), "sleep 2");
		free(path);
	}
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "restarted root/p/1 (command), rolling",
	    "restarted root/p/2 (command), rolling",
	    "4 nodes unchanged");
	EXPECT(d, "aside spawn signal signal-old event free",
	    "spawn root/p/3", "event ProcessStarted root/p/3",
	    "event ProcessReady root/p/3",
	    "aside root/p/1", "spawn root/p/1", "event ProcessStarted root/p/1",
	    "event ProcessReady root/p/1", "event ProcessDraining root/p/1",
	    "signal-old root/p/1 15", "signal-old root/p/1 18",
	    "event ProcessTerminated root/p/1",
	    "aside root/p/2", "spawn root/p/2", "event ProcessStarted root/p/2",
	    "event ProcessReady root/p/2", "event ProcessDraining root/p/2",
	    "signal-old root/p/2 15", "signal-old root/p/2 18",
	    "event ProcessTerminated root/p/2",
	    "signal root/p/3 15", "signal root/p/3 18",
	    "event ProcessTerminated root/p/3", "free root/p/3");
	ck_assert_str_eq(drv_node(d, "root/p/2")->spec->argv.v[0], "sleep");
	ck_assert_ptr_null(tree_check(d->t));
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* An ordinary supervisor still stops its children one after the other. */
START_TEST(test_ordinary_supervisor_in_order)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start(d);
	strv_free(&d->log);
	drv_shutdown(d);
	EXPECT(d, "signal event", "signal root/c 15", "signal root/c 18");
	drv_fire(d, "root/c");
	EXPECT(d, "signal event",
	    "signal root/c 9", "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "event ProcessTerminated root");
	drv_free(d);
}
END_TEST

Suite *
pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc;

	tc = tcase_create("stop");
	tcase_add_test(tc, test_pool_shutdown_together);
	tcase_add_test(tc, test_pool_exits_any_order);
	tcase_add_test(tc, test_pool_stubborn_instance);
	tcase_add_test(tc, test_pool_instance_exits_while_stopping);
	tcase_add_test(tc, test_pool_shutdown_while_starting);
	tcase_add_test(tc, test_pool_admin_stop);
	tcase_add_test(tc, test_pool_parent_one_for_all);
	tcase_add_test(tc, test_pool_escalation);
	tcase_add_test(tc, test_pool_reload_restart);
	tcase_add_test(tc, test_pool_reload_removed);
	tcase_add_test(tc, test_ordinary_supervisor_in_order);
	tcase_add_test(tc, test_pool_significant_completes);
	tcase_add_test(tc, test_pool_node_info);
	tcase_add_test(tc, test_pool_scale_up);
	tcase_add_test(tc, test_pool_scale_down);
	tcase_add_test(tc, test_pool_scale_down_up);
	tcase_add_test(tc, test_pool_scale_reload);
	tcase_add_test(tc, test_pool_scale_refused);
	tcase_add_test(tc, test_pool_scale_start_fails);
	tcase_add_test(tc, test_pool_roll);
	tcase_add_test(tc, test_pool_roll_batch);
	tcase_add_test(tc, test_pool_roll_fails);
	tcase_add_test(tc, test_pool_roll_surge_fails);
	tcase_add_test(tc, test_pool_roll_not_ready);
	tcase_add_test(tc, test_supervisor_roll);
	tcase_add_test(tc, test_pool_roll_refused);
	tcase_add_test(tc, test_pool_reload_rolling);
	suite_add_tcase(s, tc);
	return s;
}
