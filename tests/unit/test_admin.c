/*
 * test_admin.c: unit tests of the admin requests (tree_stop_node,
 * tree_start_node, tree_restart_node), of tree_reload and of
 * the snapshot's restarts_period, driven by the fake world of driver.c (fake
 * clock, no processes, every action logged). The rules under test: an
 * admin stop is not a failure, so nothing restarts the node (no strategy,
 * no parent restart) and nothing is counted against any intensity; start
 * brings it back; restart is a stop then a start, with cleanup and setup
 * for a supervisor. A reload brings the live tree to the new configuration
 * with the least disruption: added nodes start, removed ones stop (with
 * cleanup) and are released through ACT_FREE, nodes whose own settings
 * changed restart or are updated in place, the others are left alone.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"
#include "util.h"

/* arborctl stop PATH. */
static void
admin_stop(struct drv *d, const char *path)
{
	drv_admin(d, tree_stop_node, path);
}

/* arborctl start PATH. */
static void
admin_start(struct drv *d, const char *path)
{
	drv_admin(d, tree_start_node, path);
}

/* arborctl restart PATH. */
static void
admin_restart(struct drv *d, const char *path)
{
	drv_admin(d, tree_restart_node, path);
}

/* The pid of the worker at PATH. */
static pid_t
pid_of(struct drv *d, const char *path)
{
	return drv_node(d, path)->pid;
}

/* Restarts of the node at PATH within its parent's period, now. */
static int
in_period(struct drv *d, const char *path)
{
	struct node_info ni;

	tree_node_info(drv_node(d, path), d->now, &ni);
	return ni.restarts_period;
}

/* Is C a character of a node path? */
static bool
path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '/';
}

/* Does S name PATH itself, not only a path below it? */
static bool
names(const char *s, const char *path)
{
	size_t len = strlen(path);

	for (const char *p = s; (p = strstr(p, path)) != NULL; p++)
		if ((p == s || !path_char(p[-1])) && !path_char(p[len]))
			return true;
	return false;
}

/* root (STRATEGY, INTENSITY in 5s) with a permanent worker per name. */
static struct config *
conf_names(enum strategy strategy, int intensity, const char *const *names_)
{
	struct config *c = conf_new();

	conf_sup(c, "root", strategy)->intensity = intensity;
	for (; *names_ != NULL; names_++) {
		char *path = xasprintf("root/%s", *names_);

		conf_worker(c, path, RESTART_PERMANENT);
		free(path);
	}
	return c;
}

/* conf_names with the names given as arguments. */
#define CONF_NAMES(strategy, intensity, ...)				\
	conf_names((strategy), (intensity),				\
	    (const char *const []){ __VA_ARGS__, NULL })

/*
 * Admin stop.
 */

/* A stopped worker is terminated, stays down and is not counted. */
START_TEST(test_stop_worker)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	const struct event *ev;
	struct node *b;
	pid_t pa, pc;

	b = drv_node(d, "root/b");
	pa = pid_of(d, "root/a");
	pc = pid_of(d, "root/c");

	drv_at(d, 1000);
	admin_stop(d, "root/b");
	EXPECT(d, "*",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b");
	STATE(d, "root/b", NS_STOPPED);
	ck_assert(b->admin_stopped);
	ck_assert_int_eq(b->pid, 0);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/b");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->signal, SIGTERM);
	ck_assert_ptr_null(ev->error);
	ck_assert_ptr_null(drv_last_event(d, EV_PROCESS_FAILED, "root/b"));
	/* Not a failure: nothing counted anywhere. */
	ck_assert_uint_eq(b->restarts, 0);
	ck_assert_int_eq(in_period(d, "root/b"), 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);

	/* The one restart root allows is still there for a real failure. */
	drv_at(d, 2000);
	drv_exit(d, "root/a", EXITED(1), "boom");
	EXPECT(d, "spawn signal event exit",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/b", NS_STOPPED);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);

	/* Shutdown leaves b alone: it has no process. */
	drv_shutdown(d);
	EXPECT(d, "signal exit",
	    "signal root/c 15", "signal root/c 18",
	    "signal root/a 15", "signal root/a 18", "exit 0");
	drv_free(d);
}
END_TEST

static const enum strategy restarting_strategies[] = {
	STRATEGY_ONE_FOR_ALL, STRATEGY_REST_FOR_ONE,
};

/* A sibling's failure restarts the others, never the stopped one. */
START_TEST(test_stop_kept_by_strategy)
{
	struct drv *d = drv_new(conf_flat(restarting_strategies[_i], 5));

	drv_start(d);
	admin_stop(d, "root/b");
	drv_log_clear(d);

	drv_at(d, 1000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/a",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/c", "event ProcessStarted root/c");
	STATE(d, "root/b", NS_STOPPED);
	STATE(d, "root/c", NS_RUNNING);
	ck_assert_uint_eq(drv_node(d, "root/b")->starts, 1);
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 0);
	drv_free(d);
}
END_TEST

/* Neither an admin restart, an escalation nor a root restart starts it. */
START_TEST(test_stop_kept_by_parent_restart)
{
	struct drv *d = drv_up(conf_nested());
	struct node *s;

	s = drv_node(d, "root/s");

	admin_stop(d, "root/s/x");
	EXPECT(d, "signal event",
	    "signal root/s/x 15", "signal root/s/x 18",
	    "event ProcessTerminated root/s/x");

	/* The supervisor restarted by an admin. */
	admin_restart(d, "root/s");
	EXPECT(d, "setup cleanup spawn",
	    "cleanup root/s", "setup root/s", "spawn root/s/y");
	STATE(d, "root/s/x", NS_STOPPED);
	STATE(d, "root/s", NS_RUNNING);

	/* The supervisor failed (intensity) and restarted by root. */
	drv_at(d, 100);
	drv_exit(d, "root/s/y", EXITED(1), NULL);
	drv_at(d, 200);
	drv_exit(d, "root/s/y", EXITED(1), NULL);
	EXPECT(d, "setup cleanup spawn",
	    "spawn root/s/y",
	    "cleanup root/s", "setup root/s", "spawn root/s/y");
	ck_assert_ptr_nonnull(drv_last_event(d, EV_PROCESS_FAILED,
	    "root/s"));
	ck_assert_uint_eq(s->restarts, 1);
	STATE(d, "root/s", NS_RUNNING);
	STATE(d, "root/s/x", NS_STOPPED);

	/* The whole tree restarted. */
	admin_restart(d, "root");
	EXPECT(d, "setup cleanup spawn exit",
	    "cleanup root/s", "cleanup root",
	    "setup root", "setup root/s", "spawn root/s/y", "spawn root/w");
	STATE(d, "root/s/x", NS_STOPPED);
	ck_assert(drv_node(d, "root/s/x")->admin_stopped);

	/* Only a start brings it back. */
	admin_start(d, "root/s/x");
	EXPECT(d, "spawn event",
	    "spawn root/s/x", "event ProcessStarted root/s/x");
	STATE(d, "root/s/x", NS_RUNNING);
	ck_assert(!drv_node(d, "root/s/x")->admin_stopped);
	drv_free(d);
}
END_TEST

/* A supervisor stops its children right to left, then cleans up. */
START_TEST(test_stop_supervisor)
{
	struct drv *d = drv_up(conf_nested());
	struct node *s;
	pid_t pw;

	s = drv_node(d, "root/s");
	pw = pid_of(d, "root/w");

	admin_stop(d, "root/s");
	EXPECT(d, "*",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "timer root/s/y 5000", "cancel root/s/y",
	    "event ProcessTerminated root/s/y",
	    "signal root/s/x 15", "signal root/s/x 18",
	    "timer root/s/x 5000", "cancel root/s/x",
	    "event ProcessTerminated root/s/x",
	    "cleanup root/s", "timer root/s 30000", "cancel root/s",
	    "event ProcessTerminated root/s");
	STATE(d, "root/s", NS_STOPPED);
	STATE(d, "root/s/x", NS_STOPPED);
	STATE(d, "root/s/y", NS_STOPPED);
	STATE(d, "root", NS_RUNNING);
	ck_assert(s->admin_stopped);
	ck_assert_int_eq(s->state, ST_DOWN);
	ck_assert_uint_eq(s->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_int_eq(pid_of(d, "root/w"), pw);

	/* Start: setup again, then the children left to right. */
	admin_start(d, "root/s");
	EXPECT(d, "*",
	    "setup root/s", "timer root/s 30000", "cancel root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s");
	STATE(d, "root/s", NS_RUNNING);
	ck_assert(!s->admin_stopped);
	ck_assert_uint_eq(s->starts, 2);
	ck_assert_uint_eq(s->restarts, 0);
	ck_assert_int_eq(pid_of(d, "root/w"), pw);
	drv_free(d);
}
END_TEST

/* Restarting a supervisor runs its cleanup, then its setup. */
START_TEST(test_restart_supervisor)
{
	struct drv *d = drv_up(conf_nested());
	struct node *s;
	pid_t pw, px;

	s = drv_node(d, "root/s");
	pw = pid_of(d, "root/w");
	px = pid_of(d, "root/s/x");

	drv_at(d, 1000);
	admin_restart(d, "root/s");
	EXPECT(d, "*",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "timer root/s/y 5000", "cancel root/s/y",
	    "event ProcessTerminated root/s/y",
	    "signal root/s/x 15", "signal root/s/x 18",
	    "timer root/s/x 5000", "cancel root/s/x",
	    "event ProcessTerminated root/s/x",
	    "cleanup root/s", "timer root/s 30000", "cancel root/s",
	    "event ProcessTerminated root/s",
	    "setup root/s", "timer root/s 30000", "cancel root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s");
	STATE(d, "root/s", NS_RUNNING);
	ck_assert_int_ne(pid_of(d, "root/s/x"), px);
	ck_assert_int_eq(pid_of(d, "root/w"), pw);
	ck_assert_uint_eq(s->starts, 2);
	ck_assert_uint_eq(s->restarts, 0);
	ck_assert_int_eq(in_period(d, "root/s"), 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert(!s->admin_stopped);
	drv_free(d);
}
END_TEST

/* Stopping the root stops the tree without exiting; start brings it back. */
START_TEST(test_stop_root)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct node *root;

	drv_start(d);
	root = d->t->root;
	drv_log_clear(d);

	admin_stop(d, "root");
	EXPECT(d, "*",
	    "signal root/c 15", "signal root/c 18", "timer root/c 5000",
	    "cancel root/c", "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18", "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root");
	STATE(d, "root", NS_STOPPED);
	ck_assert(!d->t->finished);
	ck_assert_int_eq(d->exits, 0);
	ck_assert(root->admin_stopped);

	admin_start(d, "root");
	EXPECT(d, "setup spawn event exit",
	    "setup root",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	ck_assert(!root->admin_stopped);
	ck_assert_int_eq(pid_of(d, "root/a"), PID0 + 3);

	drv_shutdown(d);
	EXPECT(d, "cleanup exit", "cleanup root", "exit 0");
	ck_assert(d->t->finished);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* A shutdown of an admin-stopped root exits at once, with 0. */
START_TEST(test_stop_root_then_shutdown)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_start(d);
	admin_stop(d, "root");
	drv_log_clear(d);
	drv_shutdown(d);
	EXPECT(d, "*", "exit 0");
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* Stopping a worker whose exec is not answered yet waits for it. */
START_TEST(test_stop_while_starting)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct node *a;

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_start(d);
	a = drv_node(d, "root/a");
	EXPECT(d, "spawn signal", "spawn root/a");

	admin_stop(d, "root/a");
	EXPECT(d, "*", NULL);
	STATE(d, "root/a", NS_STARTING);

	drv_started(d, "root/a");
	EXPECT(d, "spawn signal event",
	    "event ProcessStarted root/a",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root/a", NS_STOPPED);
	STATE(d, "root", NS_RUNNING);
	ck_assert(a->admin_stopped);
	ck_assert_uint_eq(a->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_free(d);
}
END_TEST

/* A child stopped before its first start is skipped by the start. */
START_TEST(test_stop_before_first_start)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_start(d);
	admin_stop(d, "root/c");
	drv_started(d, "root/a");
	EXPECT(d, "spawn event",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "event ProcessStarted root");
	STATE(d, "root/c", NS_STOPPED);
	ck_assert_uint_eq(drv_node(d, "root/c")->starts, 0);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a start while the node's admin stop is still pending (its
 * siblings stop first, one at a time) is a no-op because the node is
 * still running, and the pending stop then takes it down: the admin's
 * last word was start, yet the node ends stopped (and no longer marked
 * admin_stopped, so the next one_for_all would bring it back).
 */
START_TEST(test_start_cancels_pending_stop)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	char *err = NULL;

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start_clean(d);

	admin_stop(d, "root/c");	/* c takes its time */
	admin_stop(d, "root/a");	/* waits for c */
	ck_assert_int_eq(tree_start_node(d->t, drv_node(d, "root/a"),
	    d->now, &err), 0);
	ck_assert_ptr_null(err);
	drv_settle(d);
	drv_at(d, 5000);
	drv_fire(d, "root/c");
	STATE(d, "root/c", NS_STOPPED);
	STATE(d, "root/a", NS_RUNNING);
	ck_assert(!drv_node(d, "root/a")->admin_stopped);
	drv_free(d);
}
END_TEST

/* Regression test: the same with the stop deferred until the exec answers. */
START_TEST(test_start_cancels_deferred_stop)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_start(d);
	admin_stop(d, "root/a");
	admin_start(d, "root/a");
	drv_fake_at(d, "root/a")->hold_spawn = false;
	drv_started(d, "root/a");
	STATE(d, "root/a", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Admin start and restart.
 */

/* Starting a node that runs does nothing. */
START_TEST(test_start_running)
{
	struct drv *d = drv_up(conf_nested());
	pid_t px = 0;

	px = pid_of(d, "root/s/x");
	admin_start(d, "root/s/x");
	admin_start(d, "root/s");
	admin_start(d, "root");
	EXPECT(d, "*", NULL);
	ck_assert_int_eq(pid_of(d, "root/s/x"), px);
	ck_assert_uint_eq(drv_node(d, "root/s/x")->starts, 1);
	ck_assert_uint_eq(drv_node(d, "root/s")->starts, 1);
	drv_free(d);
}
END_TEST

/* Under a stopped supervisor, start and restart are refused. */
START_TEST(test_start_parent_stopped)
{
	struct drv *d = drv_new(conf_nested());
	struct node *x;
	char *err = NULL;

	drv_start(d);
	admin_stop(d, "root/s");
	x = drv_node(d, "root/s/x");
	drv_log_clear(d);

	ck_assert_int_eq(tree_start_node(d->t, x, d->now, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(names(err, "root/s"), "\"%s\" does not name root/s",
	    err);
	free(err);
	err = NULL;
	ck_assert_int_eq(tree_restart_node(d->t, x, d->now, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(names(err, "root/s"), "\"%s\" does not name root/s",
	    err);
	free(err);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	STATE(d, "root/s/x", NS_STOPPED);
	ck_assert(!x->admin_stopped);

	/* Once its supervisor starts, so does it. */
	admin_start(d, "root/s");
	EXPECT(d, "spawn", "spawn root/s/x", "spawn root/s/y");
	drv_free(d);
}
END_TEST

/* Restarting a worker: terminated, then started again, nothing counted. */
START_TEST(test_restart_worker)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ALL, 1));
	struct node *b;
	pid_t pa, pb, pc;

	b = drv_node(d, "root/b");
	pa = pid_of(d, "root/a");
	pb = pid_of(d, "root/b");
	pc = pid_of(d, "root/c");

	drv_at(d, 1000);
	admin_restart(d, "root/b");
	EXPECT(d, "*",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "spawn root/b", "event ProcessStarted root/b");
	STATE(d, "root/b", NS_RUNNING);
	ck_assert_int_ne(b->pid, 0);
	ck_assert_int_ne(b->pid, pb);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);
	ck_assert_uint_eq(b->starts, 2);
	ck_assert_uint_eq(b->restarts, 0);
	ck_assert_int_eq(in_period(d, "root/b"), 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);

	/* More than the intensity allows: still not a failure. */
	admin_restart(d, "root/b");
	admin_restart(d, "root/b");
	admin_restart(d, "root/a");
	STATE(d, "root", NS_RUNNING);
	ck_assert_uint_eq(b->starts, 4);
	ck_assert_uint_eq(b->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);

	/* An admin-stopped worker is started by a restart. */
	admin_stop(d, "root/b");
	admin_restart(d, "root/b");
	STATE(d, "root/b", NS_RUNNING);
	ck_assert(!b->admin_stopped);
	drv_free(d);
}
END_TEST

/* Restarting the root brings the whole tree back and never exits. */
START_TEST(test_restart_root)
{
	struct drv *d = drv_new(conf_nested());
	struct node *root;

	drv_start(d);
	root = d->t->root;
	drv_log_clear(d);

	admin_restart(d, "root");
	EXPECT(d, "setup cleanup spawn exit",
	    "cleanup root/s", "cleanup root",
	    "setup root", "setup root/s",
	    "spawn root/s/x", "spawn root/s/y", "spawn root/w");
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/s/y", NS_RUNNING);
	STATE(d, "root/w", NS_RUNNING);
	ck_assert(!d->t->finished);
	ck_assert(!d->t->restart_root);
	ck_assert_uint_eq(root->starts, 2);
	ck_assert_uint_eq(root->restarts, 0);

	/* A stopped root is started by a restart. */
	admin_stop(d, "root");
	admin_restart(d, "root");
	EXPECT(d, "setup exit", "setup root", "setup root/s");
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(d->exits, 0);

	drv_shutdown(d);
	EXPECT(d, "exit", "exit 0");
	drv_free(d);
}
END_TEST

/*
 * the snapshot's restarts_period.
 */

/* Only the node's own restarts count, and only within the period. */
START_TEST(test_in_period_own)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 5));

	drv_start(d);
	drv_at(d, 0);
	drv_exit(d, "root/a", EXITED(1), NULL);
	/* b and c were restarted too, by the strategy: not their failure. */
	ck_assert_int_eq(in_period(d, "root/a"), 1);
	ck_assert_int_eq(in_period(d, "root/b"), 0);
	ck_assert_int_eq(in_period(d, "root/c"), 0);
	ck_assert_uint_eq(drv_node(d, "root/b")->starts, 2);

	drv_at(d, 1000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	ck_assert_int_eq(in_period(d, "root/a"), 2);
	drv_at(d, 2000);
	admin_restart(d, "root/a");
	ck_assert_int_eq(in_period(d, "root/a"), 2);

	/* The restart at 0 leaves the 5s window, then the one at 1000. */
	drv_at(d, 5500);
	ck_assert_int_eq(in_period(d, "root/a"), 1);
	drv_at(d, 6001);
	ck_assert_int_eq(in_period(d, "root/a"), 0);
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 2);
	drv_free(d);
}
END_TEST

/* The count starts again when the parent is restarted, however. */
START_TEST(test_in_period_parent_restart)
{
	struct config *c = conf_nested();
	struct drv *d;

	conf_lookup(c, "root/s")->intensity = 2;
	d = drv_new(c);
	drv_start(d);

	drv_at(d, 0);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	drv_at(d, 100);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	ck_assert_int_eq(in_period(d, "root/s/x"), 2);

	/* An admin restart of the parent. */
	admin_restart(d, "root/s");
	ck_assert_int_eq(in_period(d, "root/s/x"), 0);
	ck_assert_int_eq(drv_window_count(d, "root/s"), 0);

	/* The parent failing and restarted by its own parent. */
	drv_at(d, 200);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	ck_assert_int_eq(in_period(d, "root/s/x"), 1);
	drv_at(d, 300);
	drv_exit(d, "root/s/y", EXITED(1), NULL);
	ck_assert_int_eq(in_period(d, "root/s/y"), 1);
	drv_at(d, 400);
	drv_exit(d, "root/s/y", EXITED(1), NULL);
	ck_assert_ptr_nonnull(drv_last_event(d, EV_PROCESS_FAILED,
	    "root/s"));
	STATE(d, "root/s", NS_RUNNING);
	ck_assert_uint_eq(drv_node(d, "root/s")->restarts, 1);
	ck_assert_int_eq(in_period(d, "root/s/x"), 0);
	ck_assert_int_eq(in_period(d, "root/s/y"), 0);
	ck_assert_int_eq(in_period(d, "root/s"), 1);
	/* The totals are not reset. */
	ck_assert_uint_eq(drv_node(d, "root/s/x")->restarts, 3);
	ck_assert_uint_eq(drv_node(d, "root/s/y")->restarts, 1);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a reload that changes a supervisor's intensity or period in
 * place gives the supervisor a new window but leaves its children's
 * histories (the snapshot's restarts_period) with the old intensity and period:
 * the count is capped at the old intensity + 1 and spans the old period,
 * disagreeing with the supervisor's own window.
 */
START_TEST(test_in_period_after_reload)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;

	drv_start(d);
	c = conf_flat(STRATEGY_ONE_FOR_ONE, 3);
	c->root->period_ms = 1000;
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "updated root (intensity, period) without a restart",
	    "3 nodes unchanged");
	drv_at(d, 100);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 200);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 300);
	drv_exit(d, "root/a", EXITED(1), NULL);
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 3);
	ck_assert_int_eq(in_period(d, "root/a"), 3);
	drv_at(d, 1500);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_int_eq(in_period(d, "root/a"), 0);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * Reload.
 */

/* An added worker starts at its place; its siblings are not touched. */
START_TEST(test_reload_add_worker)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 1));
	struct strv report = { 0 };
	struct node *a, *b, *c, *x;
	pid_t pa, pb, pc;

	drv_start(d);
	a = drv_node(d, "root/a");
	b = drv_node(d, "root/b");
	c = drv_node(d, "root/c");
	pa = a->pid, pb = b->pid, pc = c->pid;
	drv_log_clear(d);

	drv_fake_new(d, "root/x")->hold_spawn = true;
	drv_reload(d, CONF_NAMES(STRATEGY_ONE_FOR_ALL, 1, "a", "x", "b", "c"),
	    &report);
	EXPECT_LINES(&report, "added root/x", "4 nodes unchanged");
	EXPECT(d, "*", "spawn root/x");
	STATE(d, "root/x", NS_STARTING);
	drv_started(d, "root/x");
	EXPECT(d, "*", "event ProcessStarted root/x");
	x = drv_node(d, "root/x");
	STATE(d, "root/x", NS_RUNNING);
	ck_assert_ptr_eq(x->parent, d->t->root);
	ck_assert_uint_eq(x->index, 1);
	ck_assert_uint_eq(b->index, 2);
	ck_assert_ptr_eq(d->t->root->children[1], x);
	ck_assert_ptr_eq(d->t->nodes[2], x);
	ck_assert_ptr_eq(drv_node(d, "root/a"), a);
	ck_assert_int_eq(a->pid, pa);
	ck_assert_int_eq(b->pid, pb);
	ck_assert_int_eq(c->pid, pc);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);

	/* It is stopped in its place, between b and a. */
	drv_shutdown(d);
	EXPECT(d, "event exit",
	    "event ProcessTerminated root/c", "event ProcessTerminated root/b",
	    "event ProcessTerminated root/x", "event ProcessTerminated root/a",
	    "event ProcessTerminated root", "exit 0");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A removed worker is stopped, then released; the others keep running. */
START_TEST(test_reload_remove_worker)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ALL, 1));
	struct strv report = { 0 };
	const struct event *ev;
	pid_t pa, pc;

	pa = pid_of(d, "root/a");
	pc = pid_of(d, "root/c");

	drv_reload_only(d, CONF_NAMES(STRATEGY_ONE_FOR_ALL, 1, "a", "c"),
	    &report);
	ck_assert_ptr_null(tree_find(d->t, "root/b"));
	ck_assert_uint_eq(d->t->nnodes, 3);
	ck_assert_uint_eq(d->t->root->nchildren, 2);
	drv_settle(d);
	EXPECT_LINES(&report, "removed root/b", "3 nodes unchanged");
	EXPECT(d, "*",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "free root/b");
	ck_assert_int_eq(d->frees, 1);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/b");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->signal, SIGTERM);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);
	ck_assert_uint_eq(drv_node(d, "root/c")->index, 1);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	STATE(d, "root", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A removed node with nothing running is released at once. */
START_TEST(test_reload_remove_stopped)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };

	drv_start(d);
	admin_stop(d, "root/b");
	drv_log_clear(d);
	drv_reload(d, CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1, "a", "c"), &report);
	EXPECT_LINES(&report, "removed root/b", "3 nodes unchanged");
	EXPECT(d, "*", "free root/b");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A removed subtree: children right to left, cleanup, one release. */
START_TEST(test_reload_remove_supervisor)
{
	struct drv *d = drv_up(conf_nested());
	struct strv report = { 0 };
	struct config *c;
	pid_t pw;

	pw = pid_of(d, "root/w");

	c = conf_new();
	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "removed root/s", "2 nodes unchanged");
	EXPECT(d, "signal cleanup event free",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "event ProcessTerminated root/s/y",
	    "signal root/s/x 15", "signal root/s/x 18",
	    "event ProcessTerminated root/s/x",
	    "cleanup root/s", "event ProcessTerminated root/s",
	    "free root/s");
	ck_assert_int_eq(d->frees, 1);
	ck_assert_ptr_null(tree_find(d->t, "root/s"));
	ck_assert_ptr_null(tree_find(d->t, "root/s/x"));
	ck_assert_int_eq(pid_of(d, "root/w"), pw);
	STATE(d, "root", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A changed command restarts the worker with the new one. */
START_TEST(test_reload_command_changed)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ALL, 1));
	struct strv report = { 0 };
	struct config *c;
	struct node *b;
	pid_t pa, pb, pc;

	b = drv_node(d, "root/b");
	pa = pid_of(d, "root/a");
	pb = pid_of(d, "root/b");
	pc = pid_of(d, "root/c");

	c = conf_flat(STRATEGY_ONE_FOR_ALL, 1);
	conf_command(conf_lookup(c, "root/b"), "sleep 10");
	drv_fake(d, b)->hold_spawn = true;
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "restarted root/b (command)",
	    "3 nodes unchanged");
	EXPECT(d, "*",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "spawn root/b");
	/* The new command is in place when the daemon spawns it. */
	ck_assert_ptr_eq(drv_node(d, "root/b"), b);
	ck_assert_uint_eq(b->spec->argv.n, 2);
	ck_assert_str_eq(b->spec->argv.v[0], "sleep");
	ck_assert_str_eq(b->spec->argv.v[1], "10");
	ck_assert_ptr_null(b->next_spec);
	drv_started(d, "root/b");
	EXPECT(d, "*", "event ProcessStarted root/b");
	ck_assert_int_ne(b->pid, pb);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);
	ck_assert_uint_eq(b->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* root: pool p (instances = 3, command true), worker w. */
static struct config *
conf_pool_cmd(const char *command)
{
	struct config *c = conf_new();
	char path[16];

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_sup(c, "root/p", STRATEGY_ONE_FOR_ONE)->instances = 3;
	for (int i = 1; i <= 3; i++) {
		snprintf(path, sizeof path, "root/p/%d", i);
		conf_command(conf_worker(c, path, RESTART_PERMANENT), command);
	}
	conf_worker(c, "root/w", RESTART_PERMANENT);
	return c;
}

/*
 * A pool's instances share one copy of their settings, also after a reload
 * that changes them; each still has its own path and ARBOR_INSTANCE.
 */
START_TEST(test_pool_instances_share_spec)
{
	struct drv *d = drv_new(conf_pool_cmd("sleep 1"));
	struct node *p1, *p2, *p3;
	struct strv report = { 0 }, env = { 0 };
	char *base[] = { "ARBOR_INSTANCE=stale", NULL };

	drv_start(d);
	p1 = drv_node(d, "root/p/1");
	p2 = drv_node(d, "root/p/2");
	p3 = drv_node(d, "root/p/3");
	ck_assert_ptr_eq(p1->spec, p2->spec);
	ck_assert_ptr_eq(p1->spec, p3->spec);
	ck_assert_ptr_ne(p1->spec, drv_node(d, "root/w")->spec);
	ck_assert_uint_eq(p1->spec->refs, 3);
	ck_assert_ptr_null(p1->spec->path);
	ck_assert_str_eq(p2->path, "root/p/2");
	ck_assert_ptr_eq(tree_find(d->t, "root/p/2"), p2);
	tree_env(d->t, p2, base, &env);
	ck_assert_str_eq(env_get(&env, "ARBOR_INSTANCE"), "2");
	ck_assert_str_eq(env_get(&env, "ARBOR_PATH"), "root/p/2");
	strv_free(&env);
	tree_env(d->t, drv_node(d, "root/w"), base, &env);
	ck_assert_str_eq(env_get(&env, "ARBOR_INSTANCE"), "stale");
	strv_free(&env);

	/* Unchanged: still the one copy. */
	drv_reload(d, conf_pool_cmd("sleep 1"), &report);
	ck_assert_ptr_eq(p1->spec, p3->spec);
	ck_assert_uint_eq(p1->spec->refs, 3);
	strv_free(&report);

	/* A new command: one pending copy, then one running copy. */
	drv_reload(d, conf_pool_cmd("sleep 2"), &report);
	EXPECT_LINES(&report, "restarted root/p/1 (command)",
	    "restarted root/p/2 (command)", "restarted root/p/3 (command)",
	    "3 nodes unchanged");
	ck_assert_ptr_eq(drv_node(d, "root/p/1"), p1);
	ck_assert_ptr_eq(p1->spec, p2->spec);
	ck_assert_ptr_eq(p1->spec, p3->spec);
	ck_assert_str_eq(p1->spec->argv.v[1], "2");
	ck_assert_ptr_null(p1->next_spec);
	ck_assert_uint_eq(p1->spec->refs, 3);
	STATE(d, "root/p/3", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* Changes that need no restart update the node in place. */
START_TEST(test_reload_live_change)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;
	struct node *b, *cn;
	pid_t pa, pb, pc;

	drv_start(d);
	b = drv_node(d, "root/b");
	cn = drv_node(d, "root/c");
	pa = pid_of(d, "root/a");
	pb = b->pid, pc = cn->pid;
	drv_log_clear(d);

	c = conf_flat(STRATEGY_ONE_FOR_ONE, 3);
	conf_lookup(c, "root/b")->restart = RESTART_TRANSIENT;
	conf_lookup(c, "root/c")->shutdown_ms = 1000;
	conf_lookup(c, "root/c")->stop_signal = SIGINT;
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "updated root (intensity) without a restart",
	    "updated root/b (restart) without a restart",
	    "updated root/c (shutdown, stop_signal) without a restart",
	    "1 node unchanged");
	EXPECT(d, "*", NULL);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(b->pid, pb);
	ck_assert_int_eq(cn->pid, pc);
	ck_assert_int_eq(b->spec->restart, RESTART_TRANSIENT);
	ck_assert_int_eq(d->t->root->spec->intensity, 3);

	/* The new settings rule from now on. */
	drv_exit(d, "root/b", EXITED(0), NULL);
	STATE(d, "root/b", NS_COMPLETED);
	drv_at(d, 100);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_exit(d, "root/a", EXITED(1), NULL);
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 3);
	drv_log_clear(d);
	admin_stop(d, "root/c");
	EXPECT(d, "signal timer",
	    "signal root/c 2", "signal root/c 18", "timer root/c 1000");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* The same configuration again: nothing at all happens. */
START_TEST(test_reload_unchanged)
{
	struct drv *d = drv_new(conf_nested());
	struct strv report = { 0 };
	struct node *nodes[5];
	pid_t pids[5];

	drv_start(d);
	for (size_t i = 0; i < 5; i++) {
		nodes[i] = d->t->nodes[i];
		pids[i] = nodes[i]->pid;
	}
	drv_log_clear(d);
	drv_at(d, 1000);
	drv_reload(d, conf_nested(), &report);
	EXPECT_LINES(&report, "5 nodes unchanged");
	EXPECT(d, "*", NULL);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_ptr_eq(d->t->nodes[i], nodes[i]);
		ck_assert_int_eq(nodes[i]->pid, pids[i]);
		ck_assert_int_eq(node_status(nodes[i]), NS_RUNNING);
		ck_assert_uint_eq(nodes[i]->starts, 1);
	}
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A worker that becomes a supervisor: the old one goes, a new one comes. */
START_TEST(test_reload_kind_changed)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	const struct event *ev;
	struct config *c;
	struct node *old;
	pid_t pa, pc;

	old = drv_node(d, "root/b");
	pa = pid_of(d, "root/a");
	pc = pid_of(d, "root/c");

	c = conf_new();
	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_sup(c, "root/b", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/b/k", RESTART_PERMANENT);
	conf_worker(c, "root/c", RESTART_PERMANENT);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "added root/b", "added root/b/k",
	    "removed root/b", "3 nodes unchanged");
	EXPECT_KEEP(d, "free", "free root/b");
	EXPECT_KEEP(d, "signal", "signal root/b 15", "signal root/b 18");
	EXPECT(d, "setup spawn", "setup root/b", "spawn root/b/k");
	ck_assert_int_eq(d->frees, 1);
	ck_assert_ptr_ne(drv_node(d, "root/b"), old);
	ck_assert_int_eq(drv_node(d, "root/b")->spec->kind, NODE_SUPERVISOR);
	STATE(d, "root/b", NS_RUNNING);
	STATE(d, "root/b/k", NS_RUNNING);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/b");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->kind, NODE_WORKER);
	ev = drv_last_event(d, EV_PROCESS_STARTED, "root/b");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->kind, NODE_SUPERVISOR);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* Reordered children keep running; the new order is the stop order. */
START_TEST(test_reload_reorder)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };

	drv_reload(d, CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1, "c", "a", "b"),
	    &report);
	EXPECT_LINES(&report, "4 nodes unchanged");
	EXPECT(d, "*", NULL);
	ck_assert_uint_eq(drv_node(d, "root/c")->index, 0);
	ck_assert_uint_eq(drv_node(d, "root/b")->index, 2);
	drv_shutdown(d);
	EXPECT(d, "event",
	    "event ProcessTerminated root/b", "event ProcessTerminated root/a",
	    "event ProcessTerminated root/c", "event ProcessTerminated root");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* rest_for_one follows the new order too. */
START_TEST(test_reload_reorder_rest_for_one)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_REST_FOR_ONE, 5));
	struct strv report = { 0 };

	drv_start(d);
	drv_reload(d, CONF_NAMES(STRATEGY_REST_FOR_ONE, 5, "c", "a", "b"),
	    &report);
	drv_log_clear(d);
	drv_exit(d, "root/c", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "spawn root/c", "event ProcessStarted root/c",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* root: s (x, y, z), w. */
static struct config *
conf_nested_z(void)
{
	struct config *c = conf_nested();
	struct node_spec *s = conf_lookup(c, "root/s"), *w;

	/* conf_add appends: put z before w in the file order. */
	conf_worker(c, "root/s/z", RESTART_PERMANENT);
	w = c->nodes[c->nnodes - 2];
	c->nodes[c->nnodes - 2] = c->nodes[c->nnodes - 1];
	c->nodes[c->nnodes - 1] = w;
	ck_assert_uint_eq(s->nchildren, 3);
	return c;
}

/* A node added under a stopped supervisor waits for its start. */
START_TEST(test_reload_add_under_stopped)
{
	struct drv *d = drv_new(conf_nested());
	struct strv report = { 0 };

	drv_start(d);
	admin_stop(d, "root/s");
	drv_log_clear(d);
	drv_reload(d, conf_nested_z(), &report);
	EXPECT_LINES(&report, "added root/s/z", "5 nodes unchanged");
	EXPECT(d, "*", NULL);
	STATE(d, "root/s/z", NS_STOPPED);
	ck_assert_uint_eq(drv_node(d, "root/s/z")->starts, 0);

	admin_start(d, "root/s");
	EXPECT(d, "spawn", "spawn root/s/x", "spawn root/s/y",
	    "spawn root/s/z");
	STATE(d, "root/s/z", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A node added while its supervisor's setup runs starts after it. */
START_TEST(test_reload_add_during_setup)
{
	struct drv *d = drv_new(conf_nested());
	struct strv report = { 0 };

	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_start_clean(d);
	drv_reload(d, conf_nested_z(), &report);
	EXPECT_LINES(&report, "added root/s/z", "5 nodes unchanged");
	EXPECT(d, "*", NULL);
	drv_setup_done(d, "root/s", NULL);
	EXPECT(d, "spawn", "spawn root/s/x", "spawn root/s/y",
	    "spawn root/s/z", "spawn root/w");
	STATE(d, "root", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* Every kind of report line at once, in order. */
START_TEST(test_reload_report)
{
	struct drv *d = drv_new(CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1,
	    "a", "b", "c"));
	struct strv report = { 0 };
	struct config *c;

	drv_start(d);
	c = CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1, "a", "c", "n");
	conf_command(conf_lookup(c, "root/a"), "a --new");
	conf_lookup(c, "root/c")->restart = RESTART_TEMPORARY;
	drv_log_clear(d);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "restarted root/a (command)",
	    "updated root/c (restart) without a restart",
	    "added root/n",
	    "removed root/b",
	    "1 node unchanged");
	EXPECT(d, "spawn free",
	    "free root/b", "spawn root/a", "spawn root/n");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A restart-worthy change to a stopped node updates it, starts nothing. */
START_TEST(test_reload_stopped_node_updated)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;

	drv_start(d);
	admin_stop(d, "root/b");
	drv_log_clear(d);
	c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	conf_command(conf_lookup(c, "root/b"), "b2");
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "updated root/b (command)",
	    "3 nodes unchanged");
	EXPECT(d, "*", NULL);
	STATE(d, "root/b", NS_STOPPED);
	ck_assert_str_eq(drv_node(d, "root/b")->spec->argv.v[0], "b2");
	admin_start(d, "root/b");
	EXPECT(d, "spawn", "spawn root/b");
	ck_assert_str_eq(drv_node(d, "root/b")->spec->argv.v[0], "b2");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A changed root restarts as a whole, with its new settings, no exit. */
START_TEST(test_reload_root_changed)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;

	c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	strv_push(&c->root->setup, xstrdup("/bin/prepare"));
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "restarted root (setup)", "3 nodes unchanged");
	EXPECT(d, "setup cleanup spawn exit",
	    "cleanup root", "setup root",
	    "spawn root/a", "spawn root/b", "spawn root/c");
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(d->exits, 0);
	ck_assert_uint_eq(d->t->root->spec->setup.n, 1);
	ck_assert_str_eq(d->t->root->spec->setup.v[0], "/bin/prepare");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a worker removed while its exec is not answered yet has its
 * stop deferred; when the exec is answered, tree_worker_started stops it
 * and then calls sup_advance(t, w->parent) with the parent reload_detach
 * cleared: a NULL dereference.
 */
START_TEST(test_reload_remove_starting)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct node *b;

	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	b = drv_node(d, "root/b");
	STATE(d, "root/b", NS_STARTING);
	drv_reload(d, CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1, "a", "c"), &report);
	drv_log_clear(d);
	drv_started_node(d, b);
	EXPECT(d, "signal free",
	    "signal root/b 15", "signal root/b 18", "free root/b");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a reload that reverts a change whose restart is still under
 * way finds the node "unchanged" (its spec is still the old one) and
 * leaves next_spec alone, so the worker comes back with the command of
 * the intermediate configuration, which is no longer in any file.
 */
START_TEST(test_reload_revert_pending_change)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;

	drv_fake_at(d, "root/b")->ignore_term = true;
	drv_start(d);
	c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	conf_command(conf_lookup(c, "root/b"), "v2");
	drv_reload(d, c, &report);
	STATE(d, "root/b", NS_STOPPING);
	strv_free(&report);
	drv_reload(d, conf_flat(STRATEGY_ONE_FOR_ONE, 1), &report);
	drv_at(d, 5000);
	drv_fire(d, "root/b");
	STATE(d, "root/b", NS_RUNNING);
	ck_assert_str_eq(drv_node(d, "root/b")->spec->argv.v[0], "true");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a shutdown while a removed node is still stopping finishes
 * (ACT_EXIT) as soon as the root is down; arbord then exits and leaves
 * the removed worker running, or a removed subtree without its cleanup.
 */
START_TEST(test_shutdown_waits_for_removed)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct node *b;

	drv_fake_at(d, "root/b")->ignore_term = true;
	drv_start(d);
	b = drv_node(d, "root/b");
	drv_reload(d, CONF_NAMES(STRATEGY_ONE_FOR_ONE, 1, "a", "c"), &report);
	drv_shutdown(d);
	ck_assert_msg(d->exits == 0, "exit while removed root/b runs");
	drv_log_clear(d);
	drv_at(d, 5000);
	drv_fire_node(d, b);
	EXPECT(d, "free exit", "free root/b", "exit 0");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * Regression test (a bug fixed in lib/tree.c): a child added under a supervisor that the same reload
 * restarts is started under the old supervisor (reload_apply advances
 * the child supervisor before its parent stops it), only to be stopped
 * at once and started again after the new setup.
 */
START_TEST(test_reload_add_under_restarted)
{
	struct drv *d = drv_up(conf_nested());
	struct strv report = { 0 };
	struct config *c;

	c = conf_nested_z();
	strv_push(&conf_lookup(c, "root/s")->setup, xstrdup("/bin/prep"));
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "restarted root/s (setup)", "added root/s/z",
	    "4 nodes unchanged");
	EXPECT(d, "setup cleanup spawn",
	    "cleanup root/s", "setup root/s",
	    "spawn root/s/x", "spawn root/s/y", "spawn root/s/z");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* Admin requests, reload and the per-node restart count. */
Suite *
admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc;

	tc = tcase_create("stop");
	tcase_add_test(tc, test_stop_worker);
	tcase_add_loop_test(tc, test_stop_kept_by_strategy, 0,
	    NELEM(restarting_strategies));
	tcase_add_test(tc, test_stop_kept_by_parent_restart);
	tcase_add_test(tc, test_stop_supervisor);
	tcase_add_test(tc, test_stop_root);
	tcase_add_test(tc, test_stop_root_then_shutdown);
	tcase_add_test(tc, test_stop_while_starting);
	tcase_add_test(tc, test_stop_before_first_start);
	tcase_add_test(tc, test_start_cancels_pending_stop);
	tcase_add_test(tc, test_start_cancels_deferred_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("start");
	tcase_add_test(tc, test_start_running);
	tcase_add_test(tc, test_start_parent_stopped);
	tcase_add_test(tc, test_restart_worker);
	tcase_add_test(tc, test_restart_supervisor);
	tcase_add_test(tc, test_restart_root);
	suite_add_tcase(s, tc);

	tc = tcase_create("in_period");
	tcase_add_test(tc, test_in_period_own);
	tcase_add_test(tc, test_in_period_parent_restart);
	tcase_add_test(tc, test_in_period_after_reload);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_test(tc, test_reload_add_worker);
	tcase_add_test(tc, test_reload_remove_worker);
	tcase_add_test(tc, test_reload_remove_stopped);
	tcase_add_test(tc, test_reload_remove_supervisor);
	tcase_add_test(tc, test_reload_command_changed);
	tcase_add_test(tc, test_pool_instances_share_spec);
	tcase_add_test(tc, test_reload_live_change);
	tcase_add_test(tc, test_reload_unchanged);
	tcase_add_test(tc, test_reload_kind_changed);
	tcase_add_test(tc, test_reload_reorder);
	tcase_add_test(tc, test_reload_reorder_rest_for_one);
	tcase_add_test(tc, test_reload_add_under_stopped);
	tcase_add_test(tc, test_reload_add_during_setup);
	tcase_add_test(tc, test_reload_report);
	tcase_add_test(tc, test_reload_stopped_node_updated);
	tcase_add_test(tc, test_reload_root_changed);
	tcase_add_test(tc, test_reload_remove_starting);
	tcase_add_test(tc, test_reload_revert_pending_change);
	tcase_add_test(tc, test_shutdown_waits_for_removed);
	tcase_add_test(tc, test_reload_add_under_restarted);
	suite_add_tcase(s, tc);

	return s;
}
