/*
 * test_tree.c: unit tests of the supervision state machine (lib/tree.c and
 * the restart window in lib/intensity.c). Spec trees are built by hand, so
 * these tests do not depend on the INI loader, and the tree is driven with
 * a fake clock and no processes by the driver in driver.c, which plays the
 * daemon and logs every action ("spawn root/a", "event ProcessStarted
 * root/a", "signal root/b 15", "exit 0"); the tests compare the log with
 * the sequence the rules demand.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"
#include "util.h"

/*
 * Start order.
 */

/* Setup, then each child left to right, then the supervisor's event. */
START_TEST(test_start_flat)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	const struct event *ev;

	drv_start(d);
	EXPECT(d, "*",
	    "setup root", "timer root 30000", "cancel root",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/c", NS_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/a")->pid, PID0);
	ck_assert_int_eq(drv_node(d, "root/c")->pid, PID0 + 2);
	ev = drv_last_event(d, EV_PROCESS_STARTED, "root/b");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->pid, PID0 + 1);
	ck_assert(!ev->has_exit && ev->signal == 0 && ev->error == NULL);
	ev = drv_last_event(d, EV_PROCESS_STARTED, "root");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->pid, 0);
	ck_assert_int_eq(ev->kind, NODE_SUPERVISOR);
	ck_assert(!d->t->finished);
	drv_free(d);
}
END_TEST

/* A child is spawned only once the one before it has started. */
START_TEST(test_start_waits_for_each)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	EXPECT(d, "spawn event", "spawn root/a");
	STATE(d, "root", NS_STARTING);
	STATE(d, "root/a", NS_STARTING);
	STATE(d, "root/b", NS_STOPPED);
	drv_started(d, "root/a");
	EXPECT(d, "spawn event", "event ProcessStarted root/a",
	    "spawn root/b");
	STATE(d, "root", NS_STARTING);
	drv_started(d, "root/b");
	EXPECT(d, "spawn event", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* A nested supervisor runs its setup and its children before w starts. */
START_TEST(test_start_nested)
{
	struct drv *d = drv_new(conf_nested());

	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_start(d);
	EXPECT(d, "setup spawn event", "setup root", "setup root/s");
	STATE(d, "root/s", NS_STARTING);
	ck_assert_int_eq(drv_node(d, "root/s")->state, ST_SETUP);
	ck_assert(drv_fake_at(d, "root/s")->timer);
	ck_assert_int_eq(drv_fake_at(d, "root/s")->timer_ms, 30000);
	drv_setup_done(d, "root/s", NULL);
	EXPECT(d, "setup spawn event cancel",
	    "cancel root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s",
	    "spawn root/w", "event ProcessStarted root/w",
	    "event ProcessStarted root");
	ck_assert(!drv_fake_at(d, "root/s")->timer);
	STATE(d, "root/s", NS_RUNNING);
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Stop order.
 */

/* Shutdown stops children right to left, one at a time, then cleanup. */
START_TEST(test_stop_order)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	const struct event *ev;

	drv_at(d, 1000);
	drv_shutdown(d);
	EXPECT(d, "*",
	    "signal root/c 15", "signal root/c 18", "timer root/c 5000",
	    "cancel root/c", "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18", "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root", "exit 0");
	STATE(d, "root", NS_STOPPED);
	STATE(d, "root/a", NS_STOPPED);
	STATE(d, "root/c", NS_STOPPED);
	ck_assert(d->t->finished);
	ck_assert_int_eq(d->t->exit_status, 0);
	ck_assert_int_eq(drv_node(d, "root/c")->pid, 0);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/c");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->pid, PID0 + 2);
	ck_assert_int_eq(ev->signal, SIGTERM);
	ck_assert(!ev->has_exit);
	ck_assert_ptr_null(ev->error);
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root");
	ck_assert_ptr_nonnull(ev);
	ck_assert_ptr_null(ev->error);
	/* Nothing after the exit, and a second shutdown changes nothing. */
	tree_shutdown(d->t, d->now);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	drv_free(d);
}
END_TEST

/* The next child is not signalled until the last one is down. */
START_TEST(test_stop_timeout_kill)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	const struct event *ev;

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start_clean(d);
	drv_shutdown(d);
	EXPECT(d, "*", "signal root/c 15", "signal root/c 18",
	    "timer root/c 5000");
	STATE(d, "root/c", NS_STOPPING);
	STATE(d, "root/b", NS_RUNNING);
	STATE(d, "root", NS_STOPPING);
	drv_at(d, 5000);
	drv_fire(d, "root/c");
	EXPECT(d, "signal event exit",
	    "signal root/c 9", "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "event ProcessTerminated root", "exit 0");
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root/c");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->signal, SIGKILL);
	drv_free(d);
}
END_TEST

/* A nested supervisor stops its own children and cleans up first. */
START_TEST(test_stop_nested)
{
	struct drv *d = drv_up(conf_nested());

	drv_shutdown(d);
	EXPECT_KEEP(d, "signal",
	    "signal root/w 15", "signal root/w 18",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "signal root/s/x 15", "signal root/s/x 18");
	EXPECT(d, "spawn setup cleanup event exit",
	    "event ProcessTerminated root/w",
	    "event ProcessTerminated root/s/y",
	    "event ProcessTerminated root/s/x",
	    "cleanup root/s", "event ProcessTerminated root/s",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	STATE(d, "root/s", NS_STOPPED);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* brutal_kill: SIGKILL at once, no SIGCONT and no timer. */
START_TEST(test_stop_brutal_kill)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/a", RESTART_PERMANENT)->shutdown =
	    SHUTDOWN_BRUTAL_KILL;
	d = drv_up(c);
	drv_shutdown(d);
	EXPECT(d, "signal timer event exit",
	    "signal root/a 9", "event ProcessTerminated root/a",
	    "timer root 30000", "event ProcessTerminated root", "exit 0");
	drv_free(d);
}
END_TEST

/* infinity: the stop signal and SIGCONT, and no timer ever. */
START_TEST(test_stop_infinity)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/a", RESTART_PERMANENT)->shutdown =
	    SHUTDOWN_INFINITY;
	d = drv_new(c);
	drv_fake_at(d, "root/a")->ignore_term = true;
	drv_start_clean(d);
	drv_shutdown(d);
	EXPECT(d, "*", "signal root/a 15", "signal root/a 18");
	ck_assert(!drv_fake_at(d, "root/a")->timer);
	STATE(d, "root/a", NS_STOPPING);
	ck_assert(!d->t->finished);
	drv_at(d, 1000000);
	drv_exit(d, "root/a", EXITED(0), NULL);
	EXPECT(d, "event exit", "event ProcessTerminated root/a",
	    "event ProcessTerminated root", "exit 0");
	drv_free(d);
}
END_TEST

/* stop_signal is sent first; SIGKILL as stop_signal gets no SIGCONT. */
START_TEST(test_stop_signal_setting)
{
	struct config *c = conf_new();
	struct node_spec *s;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	s = conf_worker(c, "root/a", RESTART_PERMANENT);
	s->stop_signal = SIGKILL;
	s = conf_worker(c, "root/b", RESTART_PERMANENT);
	s->stop_signal = SIGHUP;
	s->shutdown_ms = 2500;
	d = drv_up(c);
	drv_shutdown(d);
	EXPECT(d, "signal timer",
	    "signal root/b 1", "signal root/b 18", "timer root/b 2500",
	    "signal root/a 9", "timer root/a 5000", "timer root 30000");
	drv_free(d);
}
END_TEST

/*
 * Strategies.
 */

/*
 * one_for_one: only the failed child is restarted; one_for_all: the others
 * stop right to left, then all start in order. Either way only the
 * failure is counted, and only the failed child restarts.
 */
static const struct strategy_case {
	enum strategy	 strategy;
	const char	*log[16];	/* after b failed */
	pid_t		 pids[3];	/* of a, b and c then */
} strategy_cases[] = {
	{ STRATEGY_ONE_FOR_ONE, {
	    "event ProcessFailed root/b",
	    "spawn root/b", "event ProcessStarted root/b", NULL },
	    { PID0, PID0 + 3, PID0 + 2 } },
	{ STRATEGY_ONE_FOR_ALL, {
	    "event ProcessFailed root/b",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c", NULL },
	    { PID0 + 3, PID0 + 4, PID0 + 5 } },
};

/* A failed child under one_for_one or one_for_all. */
START_TEST(test_strategy)
{
	const struct strategy_case *sc = &strategy_cases[_i];
	struct drv *d = drv_up(conf_flat(sc->strategy, 3));

	drv_at(d, 1000);
	drv_exit(d, "root/b", EXITED(1), NULL);
	drv_expect_log(d, __LINE__, true,
	    "spawn signal setup cleanup event exit", sc->log);
	ck_assert_int_eq(drv_node(d, "root/a")->pid, sc->pids[0]);
	ck_assert_int_eq(drv_node(d, "root/b")->pid, sc->pids[1]);
	ck_assert_int_eq(drv_node(d, "root/c")->pid, sc->pids[2]);
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/c", NS_RUNNING);
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 1);
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 0);
	ck_assert_uint_eq(drv_node(d, "root/c")->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	drv_free(d);
}
END_TEST

/* rest_for_one: the later children stop right to left, then restart. */
START_TEST(test_strategy_rest_for_one)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_REST_FOR_ONE, 5));

	drv_at(d, 1000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/a",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c");
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/b",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c");
	ck_assert_int_eq(drv_node(d, "root/a")->pid, PID0 + 3);
	drv_exit(d, "root/c", EXITED(1), NULL);
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/c",
	    "spawn root/c", "event ProcessStarted root/c");
	ck_assert_int_eq(drv_window_count(d, "root"), 3);
	drv_free(d);
}
END_TEST

/*
 * OTP: a temporary sibling is stopped by one_for_all, and by rest_for_one
 * when it comes later, and never restarted.
 */
static const struct temporary_case {
	enum strategy	 strategy;
	const char	*failed;
	const char	*log[16];
} temporary_cases[] = {
	{ STRATEGY_ONE_FOR_ALL, "root/c", {
	    "event ProcessFailed root/c",
	    "signal root/t 15", "signal root/t 18",
	    "event ProcessTerminated root/t",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/c", "event ProcessStarted root/c", NULL } },
	{ STRATEGY_REST_FOR_ONE, "root/a", {
	    "event ProcessFailed root/a",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "signal root/t 15", "signal root/t 18",
	    "event ProcessTerminated root/t",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/c", "event ProcessStarted root/c", NULL } },
};

/* A temporary sibling of a failed child: stopped, not restarted. */
START_TEST(test_temporary_sibling)
{
	const struct temporary_case *tc = &temporary_cases[_i];
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", tc->strategy);
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_worker(c, "root/t", RESTART_TEMPORARY);
	conf_worker(c, "root/c", RESTART_PERMANENT);
	d = drv_up(c);
	drv_exit(d, tc->failed, EXITED(1), NULL);
	drv_expect_log(d, __LINE__, true, "spawn signal event", tc->log);
	STATE(d, "root/t", NS_STOPPED);
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Restart policies.
 */

static const struct policy_case {
	enum restart	 restart;
	int		 wstatus;
	const char	*lastline;
	bool		 restarted;
	enum event_type	 type;
	enum node_status after;		/* when not restarted */
	const char	*error;		/* of the event, NULL if none */
} policy_cases[] = {
	{ RESTART_PERMANENT, EXITED(0), NULL, true,
	    EV_PROCESS_COMPLETED, NS_COMPLETED, NULL },
	{ RESTART_PERMANENT, EXITED(1), "boom", true,
	    EV_PROCESS_FAILED, NS_FAILED, "exit status 1: boom" },
	{ RESTART_PERMANENT, KILLED(SIGKILL), NULL, true,
	    EV_PROCESS_FAILED, NS_FAILED, "killed by SIGKILL" },
	{ RESTART_TRANSIENT, EXITED(0), NULL, false,
	    EV_PROCESS_COMPLETED, NS_COMPLETED, NULL },
	{ RESTART_TRANSIENT, EXITED(3), NULL, true,
	    EV_PROCESS_FAILED, NS_FAILED, "exit status 3" },
	{ RESTART_TRANSIENT, KILLED(SIGSEGV) | CORE, "", true,
	    EV_PROCESS_FAILED, NS_FAILED, "killed by SIGSEGV (core dumped)" },
	{ RESTART_TEMPORARY, EXITED(0), NULL, false,
	    EV_PROCESS_COMPLETED, NS_COMPLETED, NULL },
	{ RESTART_TEMPORARY, EXITED(1), "bad", false,
	    EV_PROCESS_FAILED, NS_FAILED, "exit status 1: bad" },
	{ RESTART_TEMPORARY, KILLED(SIGTERM), NULL, false,
	    EV_PROCESS_FAILED, NS_FAILED, "killed by SIGTERM" },
};

/* Each policy restarts (and counts) exactly the exits it should. */
START_TEST(test_policy)
{
	const struct policy_case *pc = &policy_cases[_i];
	struct config *c = conf_new();
	const struct event *ev;
	struct drv *d;
	struct node *a;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 3;
	conf_worker(c, "root/a", pc->restart);
	conf_worker(c, "root/b", RESTART_PERMANENT);
	d = drv_new(c);
	a = drv_node(d, "root/a");
	drv_start_clean(d);
	drv_at(d, 700);
	drv_exit(d, "root/a", pc->wstatus, pc->lastline);
	ev = drv_last_event(d, pc->type, "root/a");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->pid, PID0);
	if (WIFEXITED(pc->wstatus)) {
		ck_assert(ev->has_exit);
		ck_assert_int_eq(ev->exit, WEXITSTATUS(pc->wstatus));
		ck_assert_int_eq(ev->signal, 0);
	} else {
		ck_assert(!ev->has_exit);
		ck_assert_int_eq(ev->signal, WTERMSIG(pc->wstatus));
	}
	if (pc->error == NULL)
		ck_assert_ptr_null(ev->error);
	else {
		ck_assert_str_eq(ev->error, pc->error);
		ck_assert_str_eq(a->last_error, pc->error);
	}
	if (pc->restarted) {
		EXPECT(d, "spawn event",
		    pc->type == EV_PROCESS_FAILED ?
		    "event ProcessFailed root/a" :
		    "event ProcessCompleted root/a",
		    "spawn root/a", "event ProcessStarted root/a");
		STATE(d, "root/a", NS_RUNNING);
		ck_assert_uint_eq(a->restarts, 1);
		ck_assert_int_eq(drv_window_count(d, "root"), 1);
	} else {
		EXPECT(d, "spawn event",
		    pc->type == EV_PROCESS_FAILED ?
		    "event ProcessFailed root/a" :
		    "event ProcessCompleted root/a");
		STATE(d, "root/a", pc->after);
		ck_assert_uint_eq(a->restarts, 0);
		ck_assert_int_eq(drv_window_count(d, "root"), 0);
	}
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/b", NS_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/b")->pid, PID0 + 1);
	drv_free(d);
}
END_TEST

/*
 * Intensity.
 */

/* The window on its own: at most max restarts within [now-period, now]. */
START_TEST(test_intensity_window)
{
	struct intensity w;

	intensity_init(&w, 1, 5000);
	ck_assert_int_eq(intensity_count(&w, 0), 0);
	ck_assert(!intensity_add(&w, 0));
	ck_assert(intensity_add(&w, 4999));
	ck_assert_int_eq(intensity_count(&w, 4999), 2);
	ck_assert_int_eq(intensity_count(&w, 5000), 2);
	ck_assert_int_eq(intensity_count(&w, 5001), 1);
	ck_assert_int_eq(intensity_count(&w, 9999), 1);
	ck_assert_int_eq(intensity_count(&w, 10000), 0);
	intensity_free(&w);

	intensity_init(&w, 1, 5000);
	ck_assert(!intensity_add(&w, 0));
	/* As in OTP, a restart exactly one period ago still counts. */
	ck_assert(intensity_add(&w, 5000));
	ck_assert(!intensity_add(&w, 10001));
	intensity_free(&w);

	intensity_init(&w, 3, 1000);
	for (int i = 0; i < 3; i++)
		ck_assert(!intensity_add(&w, 100 * i));
	ck_assert(intensity_add(&w, 300));
	ck_assert_int_eq(intensity_count(&w, 300), 4);
	/* The oldest expire first; a fifth stamp replaces the first. */
	ck_assert_int_eq(intensity_count(&w, 1150), 2);
	ck_assert(intensity_add(&w, 400));
	ck_assert_int_eq(intensity_count(&w, 400), 4);
	ck_assert_int_eq(intensity_count(&w, 1250), 2);
	intensity_free(&w);

	intensity_init(&w, 0, 5000);
	ck_assert(intensity_add(&w, 0));
	intensity_free(&w);

	/* A large intensity: the ring grows as restarts come, counts stay. */
	intensity_init(&w, 2000, 1000000);
	ck_assert_int_le(w.cap, 8);
	for (int i = 0; i < 2000; i++)
		ck_assert(!intensity_add(&w, i));
	ck_assert_int_eq(w.cap, 2001);
	ck_assert_int_eq(intensity_count(&w, 1999), 2000);
	ck_assert(intensity_add(&w, 2000));
	ck_assert_int_eq(intensity_count(&w, 1000000), 2001);
	ck_assert_int_eq(intensity_count(&w, 1000010), 2001 - 10);
	ck_assert(intensity_add(&w, 2001));	/* the oldest falls out */
	ck_assert_int_eq(intensity_count(&w, 1000001), 2001);
	/* Shrunk, the newest stay; grown again, nothing is lost. */
	intensity_resize(&w, 4, 1000000);
	ck_assert_int_eq(intensity_count(&w, 1000000), 5);
	ck_assert_int_eq(intensity_count(&w, 1001999), 3);
	intensity_resize(&w, 1000, 1000000);
	ck_assert_int_eq(intensity_count(&w, 1000000), 5);
	for (int i = 0; i < 20; i++)
		ck_assert(!intensity_add(&w, 2002 + i));
	ck_assert_int_eq(intensity_count(&w, 1000000), 25);
	intensity_free(&w);
}
END_TEST

/* intensity 1 in 5s: failures 6s apart both restart. */
START_TEST(test_intensity_expires)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_at(d, 0);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 6000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal cleanup event exit",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root", NS_RUNNING);
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 2);
	ck_assert(!d->t->finished);
	drv_free(d);
}
END_TEST

/* intensity 1 in 5s: a second failure 1s later makes the root give up. */
START_TEST(test_intensity_exceeded)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_at(d, 0);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 1000);
	drv_exit(d, "root/a", EXITED(2), "disk full");
	EXPECT(d, "spawn signal cleanup event exit",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "event ProcessFailed root/a",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "cleanup root", "event ProcessFailed root", "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "intensity");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "root/a");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "exit status 2: "
	    "disk full");
	STATE(d, "root", NS_FAILED);
	STATE(d, "root/a", NS_FAILED);
	STATE(d, "root/b", NS_STOPPED);
	ck_assert(d->t->finished);
	ck_assert_int_eq(d->t->exit_status, 1);
	ck_assert_ptr_nonnull(d->t->exit_reason);
	ck_assert_ptr_nonnull(strstr(d->t->exit_reason, "intensity"));
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 1);
	drv_free(d);
}
END_TEST

/*
 * The intensity error counts what status shows: the restarts of the
 * supervisor's children within its period (their restarts_period), each
 * child's share named (four at most), the refused restart left out.
 */
START_TEST(test_intensity_counts_as_status)
{
	struct config *c = conf_new();
	const struct event *ev;
	struct node_info ni;
	struct drv *d;
	char path[16];
	int sum = 0;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 7;
	for (int i = 1; i <= 6; i++) {
		snprintf(path, sizeof path, "root/w%d", i);
		conf_worker(c, path, RESTART_PERMANENT);
	}
	d = drv_up(c);
	drv_at(d, 0);
	drv_exit(d, "root/w5", EXITED(1), NULL);
	for (int i = 1; i <= 6; i++) {
		snprintf(path, sizeof path, "root/w%d", i);
		drv_at(d, 100 * i);
		drv_exit(d, path, EXITED(1), NULL);
	}
	for (int i = 1; i <= 6; i++) {
		snprintf(path, sizeof path, "root/w%d", i);
		tree_node_info(drv_node(d, path), d->now, &ni);
		sum += ni.restarts_period;
	}
	ck_assert_int_eq(sum, 7);
	drv_at(d, 1000);
	drv_exit(d, "root/w2", EXITED(3), "gone");
	ev = drv_last_event(d, EV_PROCESS_FAILED, "root");
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev->error, "restart intensity "
	    "exceeded (7 restarts of its children within 5s already: 1 of "
	    "root/w1, 1 of root/w2, 1 of root/w3, 1 of root/w4 and 2 more "
	    "children; intensity 7); last failure: root/w2: exit status 3: "
	    "gone");
	drv_free(d);
}
END_TEST

/*
 * What the metrics read (tree_node_info): failures are the ends reported
 * as ProcessFailed or ProcessStartFailed (a clean exit, a stop are not);
 * a supervisor's window counts its children's restarts within its period
 * against its intensity, and forgets them after it; started is the
 * last start.
 */
START_TEST(test_failures_and_window_info)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 4));
	struct node_info ni;

	tree_node_info(drv_node(d, "root"), d->now, &ni);
	ck_assert_int_eq(ni.intensity_restarts, 0);
	ck_assert_int_eq(ni.intensity_limit, 4);
	ck_assert_int_eq(ni.intensity_period_ms, 5000);
	/* A start that fails counts. */
	ck_assert_int_eq(ni.started, 0);
	drv_fake_at(d, "root/b")->exec_fail = 1;
	drv_at(d, 50);
	drv_start(d);
	drv_log_clear(d);
	tree_node_info(drv_node(d, "root/b"), d->now, &ni);
	ck_assert_uint_eq(ni.failures, 1);
	ck_assert_int_eq(ni.intensity_limit, 0);
	drv_at(d, 100);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 200);
	drv_exit(d, "root/a", KILLED(SIGKILL), NULL);
	/* A clean exit (restarted: permanent) is not a failure. */
	drv_at(d, 300);
	drv_exit(d, "root/c", EXITED(0), NULL);
	EXPECT(d, "event",
	    "event ProcessFailed root/a", "event ProcessStarted root/a",
	    "event ProcessFailed root/a", "event ProcessStarted root/a",
	    "event ProcessCompleted root/c", "event ProcessStarted root/c");
	tree_node_info(drv_node(d, "root/a"), d->now, &ni);
	ck_assert_uint_eq(ni.failures, 2);
	ck_assert_uint_eq(ni.restarts, 2);
	ck_assert_int_eq(ni.started, 200);
	tree_node_info(drv_node(d, "root/c"), d->now, &ni);
	ck_assert_uint_eq(ni.failures, 0);
	ck_assert_uint_eq(ni.restarts, 1);
	tree_node_info(drv_node(d, "root"), d->now, &ni);
	ck_assert_int_eq(ni.intensity_restarts, 4);
	ck_assert_uint_eq(ni.failures, 0);
	ck_assert_int_eq(ni.started, 50);
	/* Out of the period: forgotten by the window, kept by the counter. */
	drv_at(d, 5150);
	tree_node_info(drv_node(d, "root"), d->now, &ni);
	ck_assert_int_eq(ni.intensity_restarts, 2);
	drv_at(d, 5400);
	tree_node_info(drv_node(d, "root"), d->now, &ni);
	ck_assert_int_eq(ni.intensity_restarts, 0);
	tree_node_info(drv_node(d, "root/a"), d->now, &ni);
	ck_assert_uint_eq(ni.failures, 2);
	drv_free(d);
}
END_TEST

/*
 * A last stderr line written long before the end is shown with its
 * age, not as if it were the reason.
 */
START_TEST(test_exit_reason_age)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 3));

	drv_at(d, 20000);
	drv_fake_at(d, "root/a")->pid = 0;
	tree_worker_exited(d->t, drv_node(d, "root/a"), KILLED(SIGKILL),
	    "Hangup", 6000, d->now);
	drv_settle(d);
	ck_assert_str_eq(drv_node(d, "root/a")->last_error, "killed by "
	    "SIGKILL; last stderr line 14s earlier: Hangup");
	drv_at(d, 30000);
	drv_fake_at(d, "root/b")->pid = 0;
	tree_worker_exited(d->t, drv_node(d, "root/b"), KILLED(SIGKILL),
	    "Hangup", 28000, d->now);
	drv_settle(d);
	ck_assert_str_eq(drv_node(d, "root/b")->last_error, "killed by "
	    "SIGKILL: Hangup");
	drv_free(d);
}
END_TEST

/* The window slides: the oldest restart expiring makes room for one more. */
START_TEST(test_intensity_sliding)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 2));

	drv_at(d, 0);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_at(d, 3000);
	drv_exit(d, "root/b", EXITED(1), NULL);
	drv_at(d, 6000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn cleanup exit", "spawn root/a", "spawn root/b",
	    "spawn root/a");
	STATE(d, "root", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 2);
	drv_at(d, 7000);
	drv_exit(d, "root/c", EXITED(1), NULL);
	EXPECT(d, "spawn cleanup event exit",
	    "event ProcessFailed root/c",
	    "event ProcessTerminated root/b",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessFailed root", "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "root/c");
	drv_free(d);
}
END_TEST

/* intensity 0: the first restart is already too many. */
START_TEST(test_intensity_zero)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 0));

	drv_exit(d, "root/b", EXITED(0), NULL);
	EXPECT(d, "spawn cleanup event exit",
	    "event ProcessCompleted root/b",
	    "event ProcessTerminated root/c",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessFailed root", "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "root/b: exited");
	drv_free(d);
}
END_TEST

/* A crashing grandchild fails its supervisor, then the root. */
START_TEST(test_escalation)
{
	struct drv *d = drv_new(conf_nested());
	struct node *s;
	pid_t wpid;

	drv_start(d);
	s = drv_node(d, "root/s");
	wpid = drv_node(d, "root/w")->pid;
	drv_log_clear(d);

	drv_at(d, 0);
	drv_exit(d, "root/s/x", EXITED(1), "boom");
	EXPECT(d, "setup spawn signal cleanup event exit",
	    "event ProcessFailed root/s/x",
	    "spawn root/s/x", "event ProcessStarted root/s/x");

	/* s gives up: h stops, s cleans up, fails, and root restarts it. */
	drv_at(d, 100);
	drv_exit(d, "root/s/x", EXITED(1), "boom");
	EXPECT(d, "setup spawn signal cleanup event exit",
	    "event ProcessFailed root/s/x",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "event ProcessTerminated root/s/y",
	    "cleanup root/s", "event ProcessFailed root/s",
	    "setup root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/s", "intensity");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/s", "root/s/x");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/s", "boom");
	ck_assert_ptr_null(drv_last_event(d, EV_PROCESS_START_FAILED,
	    "root/s"));
	STATE(d, "root/s", NS_RUNNING);
	ck_assert_uint_eq(s->restarts, 1);
	/* The restarted supervisor is a new one with a fresh window. */
	ck_assert_int_eq(drv_window_count(d, "root/s"), 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	ck_assert_int_eq(drv_node(d, "root/w")->pid, wpid);

	/* Again within root's period: root gives up and arbord exits 1. */
	drv_at(d, 200);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	drv_at(d, 300);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	EXPECT(d, "setup spawn signal cleanup event exit",
	    "event ProcessFailed root/s/x",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "event ProcessFailed root/s/x",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "event ProcessTerminated root/s/y",
	    "cleanup root/s", "event ProcessFailed root/s",
	    "signal root/w 15", "signal root/w 18",
	    "event ProcessTerminated root/w",
	    "cleanup root", "event ProcessFailed root", "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "intensity");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root", "root/s");
	STATE(d, "root", NS_FAILED);
	STATE(d, "root/s", NS_FAILED);
	ck_assert_int_eq(d->t->exit_status, 1);
	drv_free(d);
}
END_TEST

/*
 * Setup and cleanup.
 */

/* root: a, s (x). */
static struct config *
conf_setup(int root_intensity)
{
	struct config *c = conf_new();

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = root_intensity;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/s/x", RESTART_PERMANENT);
	return c;
}

/* A failed setup: cleanup still runs, StartFailed, parent restarts. */
START_TEST(test_setup_failure)
{
	struct drv *d;

	d = drv_new(conf_setup(3));
	drv_fake_at(d, "root/s")->setup_fail = 1;
	drv_start(d);
	EXPECT(d, "setup spawn cleanup event exit",
	    "setup root", "spawn root/a", "event ProcessStarted root/a",
	    "setup root/s", "cleanup root/s",
	    "event ProcessStartFailed root/s",
	    "setup root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "event ProcessStarted root/s", "event ProcessStarted root");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/s",
	    "setup failed: exit status 1");
	ck_assert_uint_eq(drv_node(d, "root/s")->restarts, 1);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	drv_free(d);
}
END_TEST

/* The cleanup error of a failing supervisor is added to its reason. */
START_TEST(test_setup_failure_cleanup_error)
{
	struct drv *d = drv_new(conf_setup(0));
	const struct event *ev;

	drv_fake_at(d, "root/s")->setup_fail = -1;
	drv_fake_at(d, "root/s")->cleanup_error = "exit status 2";
	drv_start(d);
	ev = drv_last_event(d, EV_PROCESS_START_FAILED, "root/s");
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev->error,
	    "setup failed: exit status 1; cleanup failed: exit status 2");
	ck_assert_str_eq(drv_node(d, "root/s")->last_error, ev->error);
	/* root (intensity 0) gave up while it was still starting. */
	EXPECT(d, "exit", "exit 1");
	STATE(d, "root", NS_FAILED);
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root", "root/s");
	drv_free(d);
}
END_TEST

/* The root's own setup fails: cleanup, StartFailed, exit 1. */
START_TEST(test_setup_failure_root)
{
	struct drv *d = drv_new(conf_setup(3));

	drv_fake_at(d, "root")->setup_fail = 1;
	drv_start(d);
	EXPECT(d, "setup spawn cleanup event exit",
	    "setup root", "cleanup root", "event ProcessStartFailed root",
	    "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root", "setup failed");
	ck_assert_int_eq(d->t->exit_status, 1);
	STATE(d, "root", NS_FAILED);
	STATE(d, "root/a", NS_STOPPED);
	drv_free(d);
}
END_TEST

/* A setup that outlives its timeout is killed and counts as failed. */
START_TEST(test_setup_timeout)
{
	struct drv *d = drv_new(conf_setup(3));

	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_start_clean(d);
	ck_assert(drv_fake_at(d, "root/s")->timer);
	drv_at(d, 30000);
	drv_fire(d, "root/s");
	EXPECT(d, "*",
	    "kill-script root/s", "cancel root/s",
	    "cleanup root/s", "timer root/s 30000", "cancel root/s",
	    "event ProcessStartFailed root/s",
	    "setup root/s", "timer root/s 30000");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/s", "timed out");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/s", "setup");
	ck_assert_uint_eq(drv_node(d, "root/s")->restarts, 1);
	drv_setup_done(d, "root/s", NULL);
	EXPECT(d, "spawn event",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "event ProcessStarted root/s", "event ProcessStarted root");
	drv_free(d);
}
END_TEST

/* A cleanup that fails or times out is reported, the stop goes on. */
START_TEST(test_cleanup_failure_and_timeout)
{
	struct drv *d = drv_new(conf_setup(3));

	drv_fake_at(d, "root/s")->hold_cleanup = true;
	drv_fake_at(d, "root")->cleanup_error = "exit status 4";
	drv_start_clean(d);
	drv_shutdown(d);
	EXPECT(d, "cleanup kill-script event exit",
	    "event ProcessTerminated root/s/x", "cleanup root/s");
	drv_fire(d, "root/s");
	EXPECT(d, "cleanup kill-script event exit",
	    "kill-script root/s", "event ProcessTerminated root/s",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	EVENT_ERROR_HAS(d, EV_PROCESS_TERMINATED, "root/s",
	    "cleanup timed out");
	EVENT_ERROR_HAS(d, EV_PROCESS_TERMINATED, "root",
	    "cleanup failed: exit status 4");
	STATE(d, "root/s", NS_STOPPED);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/*
 * Exec failures.
 */

/* A worker that cannot be executed is reported, restarted and counted. */
START_TEST(test_exec_failure)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 3));

	drv_fake_at(d, "root/b")->exec_fail = 1;
	drv_start(d);
	EXPECT(d, "spawn event",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStartFailed root/b",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/b",
	    "exec: No such file or directory");
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 1);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	drv_free(d);
}
END_TEST

/* A worker that never execs exhausts the intensity of a starting root. */
START_TEST(test_exec_failure_forever)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/b")->exec_fail = -1;
	drv_start(d);
	EXPECT(d, "spawn signal cleanup event exit",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStartFailed root/b",
	    "spawn root/b", "event ProcessStartFailed root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessStartFailed root", "exit 1");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root", "root/b");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root", "exec:");
	STATE(d, "root/b", NS_FAILED);
	STATE(d, "root/c", NS_STOPPED);
	drv_free(d);
}
END_TEST

/*
 * Shutdown at awkward moments.
 */

/* Shutdown while the root's setup runs: kill it, clean up, exit 0. */
START_TEST(test_shutdown_during_setup)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root")->hold_setup = true;
	drv_start(d);
	EXPECT(d, "*", "setup root", "timer root 30000");
	drv_shutdown(d);
	EXPECT(d, "*",
	    "cancel root", "kill-script root",
	    "cancel root",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root", "exit 0");
	STATE(d, "root", NS_STOPPED);
	STATE(d, "root/a", NS_STOPPED);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* Shutdown right after the setup timed out: a plain stop, no failure. */
START_TEST(test_shutdown_after_setup_timeout)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	const struct event *ev;

	drv_fake_at(d, "root")->hold_setup = true;
	drv_start_clean(d);
	drv_at(d, 30000);
	tree_timer_fired(d->t, drv_node(d, "root"), d->now);
	tree_shutdown(d->t, d->now);
	drv_settle(d);
	EXPECT(d, "kill-script cleanup event exit",
	    "kill-script root", "kill-script root",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	ev = drv_last_event(d, EV_PROCESS_TERMINATED, "root");
	ck_assert_ptr_nonnull(ev);
	/* The setup's time-out must not be taken for the cleanup's. */
	ck_assert_ptr_null(ev->error);
	ck_assert_ptr_null(drv_node(d, "root")->last_error);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* Shutdown while a nested setup runs: it is killed and cleaned up first. */
START_TEST(test_shutdown_during_nested_setup)
{
	struct drv *d = drv_new(conf_setup(1));

	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_start_clean(d);
	drv_shutdown(d);
	EXPECT(d, "spawn signal setup kill-script cleanup event exit",
	    "kill-script root/s", "cleanup root/s",
	    "event ProcessTerminated root/s",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	ck_assert_ptr_null(drv_last_event(d, EV_PROCESS_START_FAILED,
	    "root/s"));
	STATE(d, "root/s/x", NS_STOPPED);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* Shutdown while a worker starts: its stop waits until it has started. */
START_TEST(test_shutdown_while_starting)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_worker(c, "root/b", RESTART_PERMANENT);
	d = drv_new(c);
	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	EXPECT(d, "spawn event", "spawn root/a",
	    "event ProcessStarted root/a", "spawn root/b");
	drv_shutdown(d);
	EXPECT(d, "*", NULL);
	STATE(d, "root/b", NS_STARTING);
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root", NS_STOPPING);
	drv_started(d, "root/b");
	EXPECT(d, "spawn signal cleanup event exit",
	    "event ProcessStarted root/b",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	ck_assert_ptr_null(drv_last_event(d, EV_PROCESS_STARTED, "root"));
	drv_free(d);
}
END_TEST

/* Shutdown while a worker starts and then fails to: no restart. */
START_TEST(test_shutdown_while_starting_exec_fails)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start(d);
	drv_shutdown(d);
	drv_log_clear(d);
	drv_start_failed(d, "root/b", "exec: Permission denied");
	EXPECT(d, "spawn signal cleanup event exit",
	    "event ProcessStartFailed root/b",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 0);
	drv_free(d);
}
END_TEST

/* A child that dies while its parent is stopping is not restarted. */
START_TEST(test_exit_while_stopping)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start(d);
	drv_shutdown(d);
	drv_log_clear(d);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal event", "event ProcessFailed root/a");
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_fire(d, "root/c");
	EXPECT(d, "spawn signal cleanup event exit",
	    "signal root/c 9", "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	STATE(d, "root/a", NS_FAILED);
	drv_free(d);
}
END_TEST

/*
 * Failures during a restart.
 */

/* A sibling that dies while one_for_all stops it is not counted again. */
START_TEST(test_one_for_all_exit_not_counted_twice)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 1));

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start_clean(d);
	drv_at(d, 0);
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn signal event", "event ProcessFailed root/b",
	    "signal root/c 15", "signal root/c 18");
	drv_at(d, 10);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal cleanup event exit",
	    "event ProcessFailed root/a");
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	STATE(d, "root", NS_RUNNING);
	drv_fire(d, "root/c");
	EXPECT(d, "spawn signal cleanup event exit",
	    "signal root/c 9", "event ProcessTerminated root/c",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c");
	STATE(d, "root", NS_RUNNING);
	ck_assert_uint_eq(drv_node(d, "root/a")->restarts, 0);
	ck_assert_uint_eq(drv_node(d, "root/b")->restarts, 1);
	ck_assert(!d->t->finished);
	drv_free(d);
}
END_TEST

/* one_for_all while a sibling is still starting: it is stopped once up. */
START_TEST(test_one_for_all_while_starting)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 3));

	drv_fake_at(d, "root/c")->hold_spawn = true;
	drv_start_clean(d);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal event", "event ProcessFailed root/a");
	drv_fake_at(d, "root/c")->hold_spawn = false;
	drv_started(d, "root/c");
	EXPECT(d, "spawn signal event",
	    "event ProcessStarted root/c",
	    "signal root/c 15", "signal root/c 18",
	    "event ProcessTerminated root/c",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* one_for_all in the root restarts a nested supervisor with its setup. */
START_TEST(test_one_for_all_restarts_subtree)
{
	struct config *c = conf_nested();
	struct drv *d;

	c->root->strategy = STRATEGY_ONE_FOR_ALL;
	d = drv_up(c);
	drv_exit(d, "root/w", EXITED(1), NULL);
	EXPECT(d, "setup spawn cleanup event",
	    "event ProcessFailed root/w",
	    "event ProcessTerminated root/s/y",
	    "event ProcessTerminated root/s/x",
	    "cleanup root/s", "event ProcessTerminated root/s",
	    "setup root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s",
	    "spawn root/w", "event ProcessStarted root/w");
	ck_assert_uint_eq(drv_node(d, "root/s")->restarts, 0);
	drv_free(d);
}
END_TEST

/* A restart waits until the child that is starting has started. */
START_TEST(test_restart_waits_for_starting)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 3));

	drv_fake_at(d, "root/c")->hold_spawn = true;
	drv_start_clean(d);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn signal event", "event ProcessFailed root/a");
	STATE(d, "root/a", NS_FAILED);
	drv_started(d, "root/c");
	EXPECT(d, "spawn signal event",
	    "event ProcessStarted root/c",
	    "spawn root/a", "event ProcessStarted root/a",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* Shutdown in the middle of a one_for_all restart: no second signal. */
START_TEST(test_shutdown_during_one_for_all)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ALL, 3));

	drv_fake_at(d, "root/c")->ignore_term = true;
	drv_start_clean(d);
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn signal event", "event ProcessFailed root/b",
	    "signal root/c 15", "signal root/c 18");
	drv_shutdown(d);
	EXPECT(d, "*", NULL);
	drv_fire(d, "root/c");
	EXPECT(d, "spawn signal cleanup event exit",
	    "signal root/c 9", "event ProcessTerminated root/c",
	    "signal root/a 15", "signal root/a 18",
	    "event ProcessTerminated root/a",
	    "cleanup root", "event ProcessTerminated root", "exit 0");
	STATE(d, "root/b", NS_FAILED);
	drv_free(d);
}
END_TEST

/*
 * A temporary child whose first start is still pending when a sibling's
 * failure triggers one_for_all still starts once: a pending first start is
 * no restart (regression test for mark_restart).
 */
START_TEST(test_one_for_all_temporary_never_started)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ALL)->intensity = 3;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_worker(c, "root/b", RESTART_PERMANENT);
	conf_worker(c, "root/t", RESTART_TEMPORARY);
	d = drv_new(c);
	drv_fake_at(d, "root/b")->hold_spawn = true;
	drv_start_clean(d);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_fake_at(d, "root/b")->hold_spawn = false;
	drv_started(d, "root/b");
	EXPECT(d, "spawn signal event",
	    "event ProcessFailed root/a",
	    "event ProcessStarted root/b",
	    "signal root/b 15", "signal root/b 18",
	    "event ProcessTerminated root/b",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/t", "event ProcessStarted root/t",
	    "event ProcessStarted root");
	STATE(d, "root/t", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Environment.
 */

/* Base env, ancestors root first, the worker's env.*, then ARBOR_*. */
START_TEST(test_env_order)
{
	struct config *c = conf_new();
	char *base[] = { "PATH=/bin", "FOO=base", "ARBOR_PATH=stale", NULL };
	const char *want_w[] = { "PATH=/bin", "FOO=w", "ARBOR_PATH=root/s/w",
	    "A=1", "SETUP=s", "B=2", "C=3", "D=4",
	    "ARBOR_STATE_DIR=" STATE_ROOT "/root/s", NULL };
	const char *want_s[] = { "PATH=/bin", "FOO=s", "ARBOR_PATH=root/s",
	    "A=1", "SETUP=s", "B=2", "C=3",
	    "ARBOR_STATE_DIR=" STATE_ROOT "/root/s", NULL };
	const char *want_v[] = { "PATH=/bin", "FOO=setup",
	    "ARBOR_PATH=root/v", "A=1", "SETUP=root",
	    "ARBOR_STATE_DIR=" STATE_ROOT "/root", NULL };
	struct node_spec *s;
	struct strv out = { 0 };
	struct drv *d;
	size_t i;

	s = conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	strv_push(&s->env, xstrdup("FOO=root"));
	strv_push(&s->env, xstrdup("A=1"));
	s = conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	strv_push(&s->env, xstrdup("FOO=s"));
	strv_push(&s->env, xstrdup("B=2"));
	s = conf_worker(c, "root/s/w", RESTART_PERMANENT);
	strv_push(&s->env, xstrdup("FOO=w"));
	strv_push(&s->env, xstrdup("D=4"));
	conf_worker(c, "root/v", RESTART_PERMANENT);
	d = drv_new(c);
	strv_push(&drv_fake_at(d, "root")->setup_out, xstrdup("SETUP=root"));
	strv_push(&drv_fake_at(d, "root")->setup_out, xstrdup("FOO=setup"));
	strv_push(&drv_fake_at(d, "root/s")->setup_out, xstrdup("C=3"));
	strv_push(&drv_fake_at(d, "root/s")->setup_out, xstrdup("SETUP=s"));
	drv_start(d);
	STATE(d, "root", NS_RUNNING);

	tree_env(d->t, drv_node(d, "root/s/w"), base, &out);
	for (i = 0; want_w[i] != NULL && i < out.n; i++)
		ck_assert_str_eq(out.v[i], want_w[i]);
	ck_assert_uint_eq(out.n, i);
	ck_assert_ptr_null(want_w[i]);
	ck_assert_ptr_null(out.v[out.n]);
	strv_free(&out);

	tree_env(d->t, drv_node(d, "root/s"), base, &out);
	for (i = 0; want_s[i] != NULL && i < out.n; i++)
		ck_assert_str_eq(out.v[i], want_s[i]);
	ck_assert_uint_eq(out.n, i);
	ck_assert_ptr_null(want_s[i]);
	strv_free(&out);

	tree_env(d->t, drv_node(d, "root/v"), base, &out);
	for (i = 0; want_v[i] != NULL && i < out.n; i++)
		ck_assert_str_eq(out.v[i], want_v[i]);
	ck_assert_uint_eq(out.n, i);
	ck_assert_ptr_null(want_v[i]);
	strv_free(&out);

	ck_assert_str_eq(tree_state_dir_of(drv_node(d, "root")),
	    STATE_ROOT "/root");
	ck_assert_str_eq(tree_state_dir_of(drv_node(d, "root/s/w")),
	    STATE_ROOT "/root/s");
	ck_assert_str_eq(tree_state_dir_of(drv_node(d, "root/v")),
	    STATE_ROOT "/root");
	/* The base environment is copied, never changed. */
	ck_assert_str_eq(base[1], "FOO=base");
	drv_free(d);
}
END_TEST

/*
 * env_file values (the daemon reads them, tree_set_file_env keeps them):
 * each supervisor's below its env.* and its setup output, the worker's
 * below its env.*, ARBOR_* above all; a restarted supervisor forgets its
 * own until the daemon reads them again.
 */
START_TEST(test_env_file_order)
{
	struct config *c = conf_new();
	char *base[] = { "F=base", "ARBOR_PATH=stale", NULL };
	struct strv out = { 0 }, fe = { 0 };
	struct node_spec *sp;
	struct drv *d;

	sp = conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	strv_push(&sp->env, xstrdup("E=root-env"));
	sp = conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	sp = conf_worker(c, "root/s/w", RESTART_PERMANENT);
	strv_push(&sp->env, xstrdup("WE=w-env"));
	d = drv_new(c);
	strv_push(&drv_fake_at(d, "root/s")->setup_out, xstrdup("S=setup"));
	drv_start(d);
	STATE(d, "root", NS_RUNNING);

	env_set(&fe, "F", "root-file");
	env_set(&fe, "E", "root-file");		/* env.E wins */
	env_set(&fe, "S", "root-file");
	tree_set_file_env(drv_node(d, "root"), &fe);
	ck_assert_uint_eq(fe.n, 0);
	env_set(&fe, "S", "s-file");		/* its setup's S wins */
	env_set(&fe, "G", "s-file");
	tree_set_file_env(drv_node(d, "root/s"), &fe);
	env_set(&fe, "G", "w-file");
	env_set(&fe, "WE", "w-file");		/* env.WE wins */
	env_set(&fe, "ARBOR_PATH", "w-file");	/* ARBOR_* win */
	tree_set_file_env(drv_node(d, "root/s/w"), &fe);

	tree_env(d->t, drv_node(d, "root/s/w"), base, &out);
	ck_assert_str_eq(env_get(&out, "F"), "root-file");
	ck_assert_str_eq(env_get(&out, "E"), "root-env");
	ck_assert_str_eq(env_get(&out, "S"), "setup");
	ck_assert_str_eq(env_get(&out, "G"), "w-file");
	ck_assert_str_eq(env_get(&out, "WE"), "w-env");
	ck_assert_str_eq(env_get(&out, "ARBOR_PATH"), "root/s/w");
	strv_free(&out);
	/* The supervisor's scripts: its own file, not its worker's. */
	tree_env(d->t, drv_node(d, "root/s"), base, &out);
	ck_assert_str_eq(env_get(&out, "G"), "s-file");
	ck_assert_ptr_null(env_get(&out, "WE"));
	strv_free(&out);

	/* root/s restarts: what its file said is gone until read again. */
	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_exit(d, "root/s/w", EXITED(1), NULL);
	drv_exit(d, "root/s/w", EXITED(1), NULL);
	ck_assert_int_eq(drv_node(d, "root/s")->state, ST_SETUP);
	tree_env(d->t, drv_node(d, "root/s"), base, &out);
	ck_assert_ptr_null(env_get(&out, "G"));
	ck_assert_str_eq(env_get(&out, "F"), "root-file");
	strv_free(&out);
	drv_free(d);
}
END_TEST

/* A restarted supervisor's processes see only the new setup's output. */
START_TEST(test_env_setup_output_replaced)
{
	struct drv *d = drv_new(conf_nested());
	struct strv out = { 0 };
	char *base[] = { NULL };

	strv_push(&drv_fake_at(d, "root/s")->setup_out, xstrdup("OLD=1"));
	drv_start(d);
	tree_env(d->t, drv_node(d, "root/s/x"), base, &out);
	ck_assert_str_eq(env_get(&out, "OLD"), "1");
	strv_free(&out);

	strv_free(&drv_fake_at(d, "root/s")->setup_out);
	strv_push(&drv_fake_at(d, "root/s")->setup_out, xstrdup("NEW=2"));
	drv_fake_at(d, "root/s")->hold_setup = true;
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	ck_assert_uint_eq(drv_node(d, "root/s")->restarts, 1);
	/* The new setup script itself sees nothing of the old one's. */
	ck_assert_int_eq(drv_node(d, "root/s")->state, ST_SETUP);
	tree_env(d->t, drv_node(d, "root/s"), base, &out);
	ck_assert_ptr_null(env_get(&out, "OLD"));
	ck_assert_ptr_null(env_get(&out, "NEW"));
	strv_free(&out);
	drv_setup_done(d, "root/s", NULL);
	STATE(d, "root/s", NS_RUNNING);
	tree_env(d->t, drv_node(d, "root/s/x"), base, &out);
	ck_assert_ptr_null(env_get(&out, "OLD"));
	ck_assert_str_eq(env_get(&out, "NEW"), "2");
	ck_assert_str_eq(env_get(&out, "ARBOR_PATH"), "root/s/x");
	strv_free(&out);
	drv_free(d);
}
END_TEST

/*
 * Small pieces.
 */

/* State names, node_active and tree_find. */
START_TEST(test_names_and_lookup)
{
	struct drv *d = drv_new(conf_nested());
	struct node n = { 0 };

	ck_assert_str_eq(node_state_name(NS_STOPPED), "stopped");
	ck_assert_str_eq(node_state_name(NS_STARTING), "starting");
	ck_assert_str_eq(node_state_name(NS_RUNNING), "running");
	ck_assert_str_eq(node_state_name(NS_STOPPING), "stopping");
	ck_assert_str_eq(node_state_name(NS_FAILED), "failed");
	ck_assert_str_eq(node_state_name(NS_COMPLETED), "completed");
	n.state = ST_DOWN;
	ck_assert(!node_active(&n));
	n.state = ST_SPAWNING;
	ck_assert(node_active(&n));
	n.state = ST_RUNNING;
	ck_assert(node_active(&n));
	n.state = ST_STOPPING;
	ck_assert(node_active(&n));
	n.state = ST_FAILED;
	ck_assert(!node_active(&n));
	n.state = ST_COMPLETED;
	ck_assert(!node_active(&n));

	ck_assert_ptr_eq(d->t->root, drv_node(d, "root"));
	ck_assert_ptr_eq(drv_node(d, "root/s/y")->parent,
	    drv_node(d, "root/s"));
	ck_assert_uint_eq(drv_node(d, "root/s/y")->index, 1);
	ck_assert_uint_eq(drv_node(d, "root/w")->index, 1);
	ck_assert_ptr_null(tree_find(d->t, "root/nope"));
	ck_assert_ptr_null(tree_find(d->t, "root/s/"));
	/* Nodes own copies of their specs, in config order. */
	for (size_t i = 0; i < d->t->nnodes; i++) {
		ck_assert_ptr_ne(d->t->nodes[i]->spec, d->conf->nodes[i]);
		ck_assert_str_eq(d->t->nodes[i]->path,
		    d->conf->nodes[i]->path);
	}
	drv_free(d);
}
END_TEST

/* Shutdown of a tree that never started exits 0 at once. */
START_TEST(test_shutdown_before_start)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 1));

	drv_shutdown(d);
	EXPECT(d, "*", "exit 0");
	ck_assert(d->t->finished);
	drv_free(d);
}
END_TEST

/* The supervision state machine. */
Suite *
tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc;

	tc = tcase_create("start");
	tcase_add_test(tc, test_start_flat);
	tcase_add_test(tc, test_start_waits_for_each);
	tcase_add_test(tc, test_start_nested);
	suite_add_tcase(s, tc);

	tc = tcase_create("stop");
	tcase_add_test(tc, test_stop_order);
	tcase_add_test(tc, test_stop_timeout_kill);
	tcase_add_test(tc, test_stop_nested);
	tcase_add_test(tc, test_stop_brutal_kill);
	tcase_add_test(tc, test_stop_infinity);
	tcase_add_test(tc, test_stop_signal_setting);
	suite_add_tcase(s, tc);

	tc = tcase_create("strategy");
	tcase_add_loop_test(tc, test_strategy, 0, NELEM(strategy_cases));
	tcase_add_test(tc, test_strategy_rest_for_one);
	tcase_add_loop_test(tc, test_temporary_sibling, 0,
	    NELEM(temporary_cases));
	tcase_add_test(tc, test_one_for_all_exit_not_counted_twice);
	tcase_add_test(tc, test_one_for_all_while_starting);
	tcase_add_test(tc, test_one_for_all_restarts_subtree);
	tcase_add_test(tc, test_restart_waits_for_starting);
	tcase_add_test(tc, test_one_for_all_temporary_never_started);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_policy, 0, NELEM(policy_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("intensity");
	tcase_add_test(tc, test_intensity_window);
	tcase_add_test(tc, test_intensity_expires);
	tcase_add_test(tc, test_intensity_exceeded);
	tcase_add_test(tc, test_intensity_sliding);
	tcase_add_test(tc, test_intensity_counts_as_status);
	tcase_add_test(tc, test_failures_and_window_info);
	tcase_add_test(tc, test_exit_reason_age);
	tcase_add_test(tc, test_intensity_zero);
	tcase_add_test(tc, test_escalation);
	suite_add_tcase(s, tc);

	tc = tcase_create("scripts");
	tcase_add_test(tc, test_setup_failure);
	tcase_add_test(tc, test_setup_failure_cleanup_error);
	tcase_add_test(tc, test_setup_failure_root);
	tcase_add_test(tc, test_setup_timeout);
	tcase_add_test(tc, test_cleanup_failure_and_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("exec");
	tcase_add_test(tc, test_exec_failure);
	tcase_add_test(tc, test_exec_failure_forever);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_test(tc, test_shutdown_before_start);
	tcase_add_test(tc, test_shutdown_during_setup);
	tcase_add_test(tc, test_shutdown_after_setup_timeout);
	tcase_add_test(tc, test_shutdown_during_nested_setup);
	tcase_add_test(tc, test_shutdown_while_starting);
	tcase_add_test(tc, test_shutdown_while_starting_exec_fails);
	tcase_add_test(tc, test_exit_while_stopping);
	tcase_add_test(tc, test_shutdown_during_one_for_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("env");
	tcase_add_test(tc, test_env_order);
	tcase_add_test(tc, test_env_setup_output_replaced);
	tcase_add_test(tc, test_env_file_order);
	tcase_add_test(tc, test_names_and_lookup);
	suite_add_tcase(s, tc);

	return s;
}
