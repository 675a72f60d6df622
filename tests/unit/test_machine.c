/*
 * test_machine.c: the node state machine's own rules, beyond the traces
 * of test_tree.c and test_lifecycle.c: how a significant job's end sets
 * the tree's exit, the deadline of a daemonizing (pidfile) worker, stale
 * inputs a state does not accept, and the decisions the daemon asks the
 * tree for (admin requests and their outcome, which workers a signal
 * reaches, the status snapshot).
 */
#include <sys/types.h>

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"

/* How a significant job ends, and the exit the tree then decides. */
static const struct job_case {
	const char	*name;
	enum restart	 restart;
	int		 exec_fail;	/* the job cannot start */
	int		 wstatus;	/* else it ends with this */
	int		 code;		/* the tree's exit code */
} job_cases[] = {
	{ "temporary, exit 0", RESTART_TEMPORARY, 0, EXITED(0), 0 },
	{ "temporary, exit 5", RESTART_TEMPORARY, 0, EXITED(5), 5 },
	{ "temporary, SIGKILL", RESTART_TEMPORARY, 0, KILLED(SIGKILL), 137 },
	{ "temporary, cannot start", RESTART_TEMPORARY, 1, 0, NODE_NO_EXIT },
	{ "transient, exit 0", RESTART_TRANSIENT, 0, EXITED(0), 0 },
};

/*
 * root (any_significant) runs db and a significant job: the job's end
 * ends the tree as completed, with the job's status; a job that failed
 * without one (it could not start) leaves NODE_NO_EXIT, never 0.
 */
START_TEST(test_significant_job_exit)
{
	const struct job_case *jc = &job_cases[_i];
	struct config *c = conf_new();
	struct node_spec *job;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->auto_shutdown =
	    AUTO_SHUTDOWN_ANY;
	conf_worker(c, "root/db", RESTART_PERMANENT);
	job = conf_worker(c, "root/job", jc->restart);
	job->significant = 1;
	d = drv_new(c);
	drv_fake_at(d, "root/job")->exec_fail = jc->exec_fail;
	drv_start(d);
	if (!jc->exec_fail)
		drv_exit(d, "root/job", jc->wstatus, NULL);
	ck_assert_msg(d->exits == 1, "%s: the tree did not end", jc->name);
	ck_assert_int_eq(d->t->exit_status, TREE_EXIT_COMPLETED);
	ck_assert_int_eq(d->t->exit_code, jc->code);
	STATE(d, "root", NS_COMPLETED);
	STATE(d, "root/db", NS_STOPPED);
	drv_free(d);
}
END_TEST

/* A significant subtree whose setup fails is a job that failed. */
START_TEST(test_significant_setup_fails)
{
	struct config *c = conf_new();
	struct node_spec *s;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->auto_shutdown =
	    AUTO_SHUTDOWN_ANY;
	s = conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	s->restart = RESTART_TEMPORARY;
	s->significant = 1;
	conf_worker(c, "root/s/w", RESTART_PERMANENT);
	d = drv_new(c);
	drv_fake_at(d, "root/s")->setup_fail = 1;
	drv_start(d);
	ck_assert_int_eq(d->exits, 1);
	ck_assert_int_eq(d->t->exit_status, TREE_EXIT_COMPLETED);
	ck_assert_int_eq(d->t->exit_code, NODE_NO_EXIT);
	ck_assert_ptr_nonnull(d->t->exit_reason);
	ck_assert_msg(strstr(d->t->exit_reason, "root/s failed: setup failed")
	    != NULL, "reason: %s", d->t->exit_reason);
	drv_free(d);
}
END_TEST

/* root with one daemonizing worker d (pidfile, start_timeout 2s). */
static struct drv *
pidfile_tree(void)
{
	struct config *c = conf_new();
	struct node_spec *w;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	w = conf_worker(c, "root/d", RESTART_PERMANENT);
	w->pidfile = xstrdup("/run/d.pid");
	w->start_timeout_ms = 2000;
	d = drv_new(c);
	drv_fake_at(d, "root/d")->hold_spawn = true;
	return d;
}

/*
 * A pidfile worker has started once its pidfile names its daemon; until
 * then its start_timeout runs from the spawn. Adopted in time, the timer
 * is cancelled.
 */
START_TEST(test_pidfile_adopted)
{
	struct drv *d = pidfile_tree();

	drv_start(d);
	EXPECT(d, "*", "setup root", "timer root 30000", "cancel root",
	    "spawn root/d", "timer root/d 2000");
	STATE(d, "root/d", NS_STARTING);
	drv_at(d, 1999);
	drv_started(d, "root/d");
	EXPECT(d, "*", "event ProcessStarted root/d", "cancel root/d",
	    "event ProcessStarted root");
	STATE(d, "root/d", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Not adopted in start_timeout: the spawn is given up (ACT_SPAWN_CANCEL)
 * and it is a failed start, counted as any other.
 */
START_TEST(test_pidfile_late)
{
	struct drv *d = pidfile_tree();

	drv_start(d);
	strv_free(&d->log);
	drv_at(d, 2000);
	drv_fire(d, "root/d");
	EXPECT(d, "spawn-cancel event spawn",
	    "spawn-cancel root/d", "event ProcessStartFailed root/d",
	    "spawn root/d");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/d",
	    "pidfile /run/d.pid not written within 2s");
	ck_assert_uint_eq(drv_node(d, "root/d")->restarts, 1);
	drv_free(d);
}
END_TEST

/*
 * ready = check: the tree asks for each run, check_interval apart, until
 * one passes; a result once the start is over is stale.
 */
START_TEST(test_check_loop)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	struct drv *d;

	conf_ready(conf_lookup(c, "root/a"), READY_CHECK, 30000);
	conf_lookup(c, "root/a")->check_interval_ms = 250;
	d = drv_new(c);
	drv_start(d);
	EXPECT(d, "spawn timer check", "timer root 30000", "spawn root/a",
	    "timer root/a 30000", "check root/a 250");
	drv_check(d, "root/a", false);
	EXPECT(d, "*", "check root/a 250");
	STATE(d, "root/a", NS_STARTING);
	drv_check(d, "root/a", false);
	EXPECT(d, "*", "check root/a 250");
	drv_check(d, "root/a", true);
	EXPECT(d, "*", "cancel root/a", "event ProcessReady root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root/a", NS_RUNNING);
	tree_check_done(d->t, drv_node(d, "root/a"), false, d->now);
	drv_settle(d);
	ck_assert_uint_eq(d->log.n, 0);
	drv_free(d);
}
END_TEST

/*
 * A start that fails for arbord's own lack of descriptors or processes is
 * retried after 100 ms, 200 ms, ... up to 5 s, and never counted: an
 * intensity of 0 does not give up.
 */
START_TEST(test_spawn_scarce)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 0));
	static const int64_t delays[] = { 100, 200, 400, 800, 1600, 3200,
	    5000, 5000 };
	char *want;

	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	strv_free(&d->log);
	for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
		tree_worker_start_scarce(d->t, drv_node(d, "root/b"),
		    "pipe: Too many open files", d->now);
		drv_settle(d);
		want = xasprintf("timer root/b %lld", (long long)delays[i]);
		EXPECT(d, "*", "event ProcessStartFailed root/b", want);
		free(want);
		STATE(d, "root/b", NS_BACKOFF);
		STATE(d, "root/a", NS_RUNNING);		/* no one_for_all */
		d->now += delays[i];
		drv_fire(d, "root/b");
		EXPECT(d, "*", "spawn root/b");
	}
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_started(d, "root/b");
	EXPECT(d, "*", "event ProcessStarted root/b", "spawn root/c",
	    "event ProcessStarted root/c", "event ProcessStarted root");
	ck_assert_uint_eq(drv_node(d, "root/b")->scarce, 0);
	drv_free(d);
}
END_TEST

/*
 * A pool's instances have no order: one waiting out a long backoff does
 * not hold back the restart of another (as it would between ordinary
 * siblings, which start left to right).
 */
START_TEST(test_pool_backoff_no_order)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 100;
	conf_pool(c, "root/p", 3);
	for (int i = 1; i <= 3; i++) {
		char *path = xasprintf("root/p/%d", i);

		conf_backoff(conf_lookup(c, path), 100, 10000);
		free(path);
	}
	d = drv_new(c);
	drv_start(d);
	/* p/1 fails four times in a row: its next restart is 800 ms away. */
	for (int i = 0; i < 4; i++) {
		drv_exit(d, "root/p/1", EXITED(1), NULL);
		d->now += drv_fake_at(d, "root/p/1")->timer_ms;
		if (i < 3)
			drv_fire(d, "root/p/1");
	}
	STATE(d, "root/p/1", NS_BACKOFF);
	ck_assert_int_eq(drv_fake_at(d, "root/p/1")->timer_ms, 800);
	strv_free(&d->log);
	/* p/2 fails once: restarted after its own 100 ms. */
	drv_exit(d, "root/p/2", EXITED(1), NULL);
	EXPECT(d, "timer", "timer root/p/2 100");
	d->now += 100;
	drv_fire(d, "root/p/2");
	EXPECT(d, "spawn", "spawn root/p/2");
	STATE(d, "root/p/2", NS_RUNNING);
	STATE(d, "root/p/1", NS_BACKOFF);
	drv_free(d);
}
END_TEST

/*
 * success_exit: the exit statuses and signals listed are normal ends,
 * as exit 0 is: a transient worker is not restarted, its status is
 * completed; another status still fails.
 */
START_TEST(test_success_exit)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, 5);
	struct node_spec *a = conf_lookup(c, "root/a");
	struct drv *d;

	a->restart = RESTART_TRANSIENT;
	a->success_exit.codes[0] |= UINT64_C(1) << 3;
	a->success_exit.signals |= UINT64_C(1) << SIGTERM;
	d = drv_new(c);
	drv_start(d);
	strv_free(&d->log);
	drv_exit(d, "root/a", EXITED(3), NULL);
	EXPECT(d, "*", "event ProcessCompleted root/a");
	STATE(d, "root/a", NS_COMPLETED);
	drv_admin(d, tree_start_node, "root/a");
	strv_free(&d->log);
	drv_exit(d, "root/a", KILLED(SIGTERM), NULL);
	EXPECT(d, "*", "event ProcessCompleted root/a");
	drv_admin(d, tree_start_node, "root/a");
	strv_free(&d->log);
	drv_exit(d, "root/a", EXITED(4), NULL);
	EXPECT(d, "event spawn", "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a");
	drv_exit(d, "root/a", KILLED(SIGKILL), NULL);
	EXPECT(d, "event", "event ProcessFailed root/a",
	    "event ProcessStarted root/a");
	drv_free(d);
}
END_TEST

/*
 * ready = exit: a one-shot task has started once it exits normally; the
 * next sibling waits for it, and it is completed. A failed exit is a
 * failed start, retried by the usual rules.
 */
START_TEST(test_ready_exit)
{
	struct config *c = conf_new();
	struct node_spec *m;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	m = conf_worker(c, "root/migrate", RESTART_TRANSIENT);
	m->ready = READY_EXIT;
	conf_worker(c, "root/web", RESTART_PERMANENT);
	d = drv_new(c);
	drv_start(d);
	EXPECT(d, "spawn event timer", "timer root 30000", "spawn root/migrate",
	    "event ProcessStarted root/migrate", "timer root/migrate 30000");
	STATE(d, "root/migrate", NS_STARTING);
	STATE(d, "root/web", NS_STOPPED);
	/* It fails: a failed start, retried; web still waits. */
	drv_exit(d, "root/migrate", EXITED(1), "no database");
	EXPECT(d, "event spawn", "event ProcessStartFailed root/migrate",
	    "spawn root/migrate", "event ProcessStarted root/migrate");
	STATE(d, "root/web", NS_STOPPED);
	/* Done: completed, and web starts. */
	drv_exit(d, "root/migrate", EXITED(0), NULL);
	EXPECT(d, "event spawn", "event ProcessCompleted root/migrate",
	    "spawn root/web", "event ProcessStarted root/web",
	    "event ProcessStarted root");
	STATE(d, "root/migrate", NS_COMPLETED);
	STATE(d, "root/web", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* Inputs a state does not accept are stale: nothing happens. */
START_TEST(test_stale_inputs)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct node *a;

	drv_start(d);
	strv_free(&d->log);
	a = drv_node(d, "root/a");
	tree_worker_ready(d->t, a, d->now);		/* exec readiness */
	tree_timer_fired(d->t, a, d->now);		/* no deadline */
	tree_worker_started(d->t, a, 4242, d->now);	/* not spawning */
	tree_worker_start_failed(d->t, a, "late", d->now);
	tree_setup_done(d->t, a, NULL, NULL, d->now);	/* a worker */
	tree_cleanup_done(d->t, drv_node(d, "root"), NULL, d->now);
	drv_settle(d);
	ck_assert_uint_eq(d->log.n, 0);
	STATE(d, "root/a", NS_RUNNING);
	ck_assert_int_eq(a->pid, PID0);
	drv_free(d);
}
END_TEST

/*
 * A signal reaches the workers of the subtree that have a process, with
 * the scope asked for; the scope names are the protocol's.
 */
START_TEST(test_signal_subtree)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/s/x", RESTART_PERMANENT);
	conf_worker(c, "root/s/y", RESTART_PERMANENT);
	d = drv_new(c);
	drv_start(d);
	drv_admin(d, tree_stop_node, "root/s/y");
	/* Workers that live through the signals. */
	drv_fake_at(d, "root/a")->ignore_term = true;
	drv_fake_at(d, "root/s/x")->ignore_term = true;
	strv_free(&d->log);
	ck_assert_int_eq(tree_signal(d->t, drv_node(d, "root/s"), SIGHUP,
	    SIGNAL_GROUP), 1);
	ck_assert_int_eq(tree_signal(d->t, drv_node(d, "root"), SIGUSR1,
	    SIGNAL_GROUP), 2);
	ck_assert_int_eq(tree_signal(d->t, drv_node(d, "root/s/y"), SIGHUP,
	    SIGNAL_GROUP), 0);
	/* The scope asked for travels with the signal to the daemon. */
	ck_assert_int_eq(tree_signal(d->t, drv_node(d, "root/a"), SIGHUP,
	    SIGNAL_MAIN), 1);
	ck_assert_int_eq(tree_signal(d->t, drv_node(d, "root/s"), SIGUSR2,
	    SIGNAL_ALL), 1);
	drv_settle(d);
	EXPECT(d, "*", "signal root/s/x 1", "signal root/a 10",
	    "signal root/s/x 10", "signal root/a 1 main",
	    "signal root/s/x 12 all");
	for (int i = SIGNAL_GROUP; i <= SIGNAL_ALL; i++) {
		enum signal_scope sc = SIGNAL_GROUP;
		ck_assert_int_eq(signal_scope_parse(signal_scope_name(i), &sc),
		    0);
		ck_assert_int_eq(sc, i);
	}
	{
		enum signal_scope sc = SIGNAL_MAIN;
		ck_assert_int_eq(signal_scope_parse("Main", &sc), -1);
		ck_assert_int_eq(signal_scope_parse("", &sc), -1);
		ck_assert_int_eq(sc, SIGNAL_MAIN);
	}
	drv_free(d);
}
END_TEST

/*
 * Admin requests through tree_admin and their outcome: a start of a node
 * that is up asks nothing; a stop is done once the node is down; a start
 * is done once it runs again, and failed when that start failed.
 */
START_TEST(test_admin_outcome)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 5));
	struct admin_wait w;
	char *msg;

	drv_start(d);
	ck_assert_int_eq(tree_admin(d->t, drv_node(d, "root/a"),
	    ADMIN_START, &w, d->now, &msg), 1);
	ck_assert_str_eq(msg, "already running");
	free(msg);

	drv_fake_at(d, "root/b")->ignore_term = true;
	ck_assert_int_eq(tree_admin(d->t, drv_node(d, "root/b"), ADMIN_STOP,
	    &w, d->now, &msg), 0);
	ck_assert_ptr_null(msg);
	drv_settle(d);
	ck_assert_int_eq(tree_admin_outcome(d->t, "root/b", &w, &msg),
	    ADMIN_PENDING);
	drv_fire(d, "root/b");
	ck_assert_int_eq(tree_admin_outcome(d->t, "root/b", &w, &msg),
	    ADMIN_DONE);
	ck_assert_ptr_null(msg);

	drv_fake_at(d, "root/b")->exec_fail = 1;
	ck_assert_int_eq(tree_admin(d->t, drv_node(d, "root/b"), ADMIN_START,
	    &w, d->now, &msg), 0);
	drv_settle(d);
	ck_assert_int_eq(tree_admin_outcome(d->t, "root/b", &w, &msg),
	    ADMIN_FAILED);
	ck_assert_str_eq(msg, "exec: No such file or directory");
	free(msg);

	ck_assert_int_eq(tree_admin(d->t, drv_node(d, "root/c"),
	    ADMIN_RESTART, &w, d->now, &msg), 0);
	drv_settle(d);
	ck_assert_int_eq(tree_admin_outcome(d->t, "root/c", &w, &msg),
	    ADMIN_DONE);
	ck_assert_int_eq(tree_admin_outcome(d->t, "root/nope", &w, &msg),
	    ADMIN_FAILED);
	ck_assert_str_eq(msg, "removed by a reload");
	free(msg);
	drv_free(d);
}
END_TEST

/* The snapshot the daemon and arborctl read. */
START_TEST(test_node_info)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, 5);
	struct node_info ni;
	struct drv *d;

	conf_backoff(conf_lookup(c, "root/a"), 500, 0);
	d = drv_new(c);
	drv_at(d, 100);
	drv_start(d);
	drv_at(d, 200);
	drv_exit(d, "root/a", EXITED(3), "oops");
	drv_at(d, 300);
	tree_node_info(drv_node(d, "root/a"), d->now, &ni);
	ck_assert_str_eq(ni.path, "root/a");
	ck_assert_int_eq(ni.kind, NODE_WORKER);
	ck_assert_int_eq(ni.status, NS_BACKOFF);
	ck_assert_int_eq(ni.pid, 0);
	ck_assert_int_eq(ni.since, 200);
	ck_assert_int_eq(ni.restarts, 1);
	ck_assert_int_eq(ni.restarts_period, 1);
	ck_assert_int_eq(ni.backoff_left, 400);
	ck_assert_str_eq(ni.last_error, "exit status 3: oops");
	tree_node_info(drv_node(d, "root/b"), d->now, &ni);
	ck_assert_int_eq(ni.status, NS_RUNNING);
	ck_assert_int_eq(ni.pid, PID0 + 1);
	ck_assert_int_eq(ni.since, 100);
	ck_assert_ptr_null(ni.last_error);
	drv_free(d);
}
END_TEST

/* The state machine's suite. */
Suite *
machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc;

	tc = tcase_create("significant");
	tcase_add_loop_test(tc, test_significant_job_exit, 0,
	    (int)(sizeof job_cases / sizeof job_cases[0]));
	tcase_add_test(tc, test_significant_setup_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("pidfile");
	tcase_add_test(tc, test_pidfile_adopted);
	tcase_add_test(tc, test_pidfile_late);
	suite_add_tcase(s, tc);

	tc = tcase_create("decisions");
	tcase_add_test(tc, test_check_loop);
	tcase_add_test(tc, test_spawn_scarce);
	tcase_add_test(tc, test_pool_backoff_no_order);
	tcase_add_test(tc, test_success_exit);
	tcase_add_test(tc, test_ready_exit);
	tcase_add_test(tc, test_stale_inputs);
	tcase_add_test(tc, test_signal_subtree);
	tcase_add_test(tc, test_admin_outcome);
	tcase_add_test(tc, test_node_info);
	suite_add_tcase(s, tc);
	return s;
}
