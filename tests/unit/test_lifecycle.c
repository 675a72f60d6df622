/*
 * test_lifecycle.c: unit tests of a worker's life beyond exec: readiness
 * (ready = fd | notify | check | delay, start_timeout) and restart backoff
 * (restart_delay, restart_delay_max), driven by the fake world of driver.c
 * (fake clock, no processes, every action logged). The rules under test:
 * a worker whose readiness is not its exec is starting, with its pid, until
 * it reports ready (ProcessReady); its younger siblings wait for that, and
 * its supervisor is started only once every child is; a worker not ready
 * within start_timeout is killed and its start failed, counted like any
 * restart; so is an exit before readiness; a stop while it is starting
 * stops it at once and is no failure. A node with a restart_delay waits in
 * state backoff before the n-th consecutive restart, min(BASE * 2^(n-1),
 * MAX), the count starting over once it stayed up for its supervisor's
 * period; the children after it wait with it; start and restart skip the
 * wait, stop and shutdown end it without a start. A reload changes the
 * backoff in place but restarts a worker whose readiness changed.
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

/* The pid of the worker at PATH. */
static pid_t
pid_of(struct drv *d, const char *path)
{
	return drv_node(d, path)->pid;
}

/* Assert that the last event of TYPE about PATH has exactly ERROR. */
static void
event_error_is(struct drv *d, enum event_type type, const char *path,
    const char *error)
{
	const struct event *ev = drv_last_event(d, type, path);

	ck_assert_msg(ev != NULL, "no %s event for %s", event_type_name(type),
	    path);
	ck_assert_ptr_nonnull(ev->error);
	ck_assert_str_eq(ev->error, error);
}

/* No event of TYPE about PATH was reported. */
#define NO_EVENT(d, type, path)						\
	ck_assert_msg(drv_last_event((d), (type), (path)) == NULL,	\
	    "unexpected %s event for %s", event_type_name(type), (path))

/*
 * The timer of the node at PATH, armed by the last ACT_TIMER, expires
 * without the driver's check that it is armed: a timer the daemon has
 * already cancelled cannot fire, so this plays one that fired just before
 * its cancel was carried out, or no timer at all.
 */
static void
stale_fire(struct drv *d, const char *path)
{
	drv_fake_at(d, path)->timer = false;
	tree_timer_fired(d->t, drv_node(d, path), d->now);
	drv_settle(d);
}

/* root (one_for_one, INTENSITY in 5s): a, ready by READY, then b and c. */
static struct config *
conf_ready_first(enum ready ready, int64_t start_timeout_ms, int intensity)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, intensity);

	conf_ready(conf_lookup(c, "root/a"), ready, start_timeout_ms);
	return c;
}

/* conf_flat with a backoff of BASE_MS up to MAX_MS on the worker at PATH. */
static struct config *
conf_flat_backoff(enum strategy strategy, int intensity, const char *path,
    int64_t base_ms, int64_t max_ms)
{
	struct config *c = conf_flat(strategy, intensity);

	conf_backoff(conf_lookup(c, path), base_ms, max_ms);
	return c;
}

/*
 * Readiness and start order.
 */

static const enum ready ready_modes[] = {
	READY_FD, READY_NOTIFY, READY_CHECK, READY_DELAY,
};

/*
 * Each sibling waits for the one before it to be ready, and the
 * supervisor is started only once all of them are: whatever the mode.
 */
START_TEST(test_ready_order)
{
	struct config *c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	const struct event *ev;
	struct drv *d;
	struct node *a;

	conf_ready(conf_lookup(c, "root/a"), ready_modes[_i], 30000);
	conf_ready(conf_lookup(c, "root/b"), READY_NOTIFY, 20000);
	d = drv_new(c);
	a = drv_node(d, "root/a");

	drv_at(d, 1000);
	drv_start(d);
	/* (A check's runs: test_check_loop.) */
	EXPECT(d, "setup timer cancel spawn event",
	    "setup root", "timer root 30000", "cancel root",
	    "spawn root/a", "event ProcessStarted root/a",
	    "timer root/a 30000");
	/* Started with its pid, not ready: starting, and b waits. */
	STATE(d, "root", NS_STARTING);
	STATE(d, "root/a", NS_STARTING);
	STATE(d, "root/b", NS_STOPPED);
	ck_assert_int_eq(a->pid, PID0);
	ck_assert_int_eq(a->up_since, 0);
	ck_assert(drv_fake(d, a)->timer);
	NO_EVENT(d, EV_PROCESS_READY, "root/a");

	drv_at(d, 1500);
	drv_ready(d, "root/a");
	EXPECT(d, "*",
	    "cancel root/a", "event ProcessReady root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "timer root/b 20000");
	STATE(d, "root/a", NS_RUNNING);
	ck_assert_int_eq(a->up_since, 1500);
	ck_assert_int_eq(a->pid, PID0);
	ck_assert(!drv_fake(d, a)->timer);
	ev = drv_last_event(d, EV_PROCESS_READY, "root/a");
	ck_assert_int_eq(ev->pid, PID0);
	ck_assert_int_eq(ev->kind, NODE_WORKER);
	ck_assert(!ev->has_exit && ev->signal == 0 && ev->error == NULL);
	STATE(d, "root", NS_STARTING);
	STATE(d, "root/b", NS_STARTING);
	STATE(d, "root/c", NS_STOPPED);

	drv_at(d, 2000);
	drv_ready(d, "root/b");
	EXPECT(d, "*",
	    "cancel root/b", "event ProcessReady root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	STATE(d, "root/c", NS_RUNNING);
	/* ready = exec: started is ready, no event of its own. */
	NO_EVENT(d, EV_PROCESS_READY, "root/c");
	NO_EVENT(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_free(d);
}
END_TEST

/* root: s (x ready by fd, y), w: s and then w wait for x's readiness. */
START_TEST(test_ready_nested)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	conf_ready(conf_worker(c, "root/s/x", RESTART_PERMANENT), READY_FD,
	    30000);
	conf_worker(c, "root/s/y", RESTART_PERMANENT);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	d = drv_new(c);

	drv_start(d);
	EXPECT(d, "setup spawn event timer",
	    "setup root", "timer root 30000",
	    "setup root/s", "timer root/s 30000",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "timer root/s/x 30000");
	STATE(d, "root/s", NS_STARTING);
	STATE(d, "root/s/y", NS_STOPPED);
	STATE(d, "root/w", NS_STOPPED);

	drv_ready(d, "root/s/x");
	EXPECT(d, "spawn event",
	    "event ProcessReady root/s/x",
	    "spawn root/s/y", "event ProcessStarted root/s/y",
	    "event ProcessStarted root/s",
	    "spawn root/w", "event ProcessStarted root/w",
	    "event ProcessStarted root");
	STATE(d, "root/s", NS_RUNNING);
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* Readiness counts only from a started worker that is not ready yet. */
START_TEST(test_ready_only_when_starting)
{
	struct drv *d = drv_new(conf_ready_first(READY_FD, 30000, 1));
	struct node *a, *c;

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_start(d);
	a = drv_node(d, "root/a");
	c = drv_node(d, "root/c");
	EXPECT(d, "spawn", "spawn root/a");

	/* Before its exec is answered there is no process to be ready. */
	tree_worker_ready(d->t, a, d->now);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	STATE(d, "root/a", NS_STARTING);

	drv_started(d, "root/a");
	EXPECT(d, "*", "event ProcessStarted root/a", "timer root/a 30000");
	drv_ready(d, "root/a");
	STATE(d, "root", NS_RUNNING);
	drv_log_clear(d);

	/* Twice, or for an exec worker or a stopped one: nothing. */
	tree_worker_ready(d->t, a, d->now);
	tree_worker_ready(d->t, c, d->now);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	drv_admin(d, tree_stop_node, "root/a");
	drv_log_clear(d);
	tree_worker_ready(d->t, a, d->now);
	drv_settle(d);
	EXPECT(d, "*", NULL);
	STATE(d, "root/a", NS_STOPPED);
	drv_free(d);
}
END_TEST

/*
 * start_timeout.
 */

/* Not ready in time: SIGKILL, a failed start with the reason, a restart. */
START_TEST(test_start_timeout_restarts)
{
	struct drv *d = drv_new(conf_ready_first(READY_NOTIFY, 300, 1));
	const struct event *ev;
	struct node *a;

	drv_at(d, 1000);
	drv_start(d);
	a = drv_node(d, "root/a");
	ck_assert_int_eq(drv_fake(d, a)->timer_ms, 300);
	drv_log_clear(d);

	drv_at(d, 1300);
	drv_fire(d, "root/a");
	EXPECT(d, "*",
	    "signal root/a 9",
	    "cancel root/a", "event ProcessStartFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "timer root/a 300");
	event_error_is(d, EV_PROCESS_START_FAILED, "root/a",
	    "not ready within 300ms");
	ev = drv_last_event(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_int_eq(ev->pid, PID0);
	ck_assert_int_eq(ev->signal, SIGKILL);
	ck_assert_str_eq(a->last_error, "not ready within 300ms");
	NO_EVENT(d, EV_PROCESS_FAILED, "root/a");
	NO_EVENT(d, EV_PROCESS_TERMINATED, "root/a");
	/* Counted like any restart; the next start is a new one. */
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	ck_assert_uint_eq(a->restarts, 1);
	ck_assert_int_ne(a->state, ST_TIMED_OUT);
	STATE(d, "root/a", NS_STARTING);
	ck_assert_int_eq(a->pid, PID0 + 1);
	STATE(d, "root/b", NS_STOPPED);
	STATE(d, "root", NS_STARTING);

	/* Ready this time: the start goes on. */
	drv_ready(d, "root/a");
	EXPECT(d, "spawn event",
	    "event ProcessReady root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	drv_free(d);
}
END_TEST

/* Timed-out starts count against intensity: the parent fails. */
START_TEST(test_start_timeout_intensity)
{
	struct drv *d = drv_new(conf_ready_first(READY_FD, 300, 1));

	drv_at(d, 1000);
	drv_start(d);
	drv_at(d, 1300);
	drv_fire(d, "root/a");
	STATE(d, "root", NS_STARTING);
	drv_log_clear(d);

	drv_at(d, 1600);
	drv_fire(d, "root/a");
	EXPECT(d, "*",
	    "signal root/a 9",
	    "cancel root/a", "event ProcessStartFailed root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessStartFailed root", "exit 1");
	STATE(d, "root", NS_FAILED);
	STATE(d, "root/a", NS_FAILED);
	STATE(d, "root/b", NS_STOPPED);
	event_error_is(d, EV_PROCESS_START_FAILED, "root",
	    "restart intensity exceeded (1 restart of its children within "
	    "5s already: 1 of root/a; intensity 1); last failure: root/a: "
	    "not ready within 300ms");
	ck_assert_int_eq(d->t->exit_status, 1);
	drv_free(d);
}
END_TEST

/* A readiness report that crosses the kill changes nothing. */
START_TEST(test_ready_after_timeout)
{
	struct drv *d = drv_up(conf_ready_first(READY_FD, 300, 1));
	struct node *a;

	a = drv_node(d, "root/a");

	drv_at(d, 300);
	drv_fake(d, a)->timer = false;
	tree_timer_fired(d->t, a, d->now);
	tree_worker_ready(d->t, a, d->now);
	drv_settle(d);
	EXPECT(d, "*",
	    "signal root/a 9",
	    "cancel root/a", "event ProcessStartFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "timer root/a 300");
	NO_EVENT(d, EV_PROCESS_READY, "root/a");
	STATE(d, "root/a", NS_STARTING);
	STATE(d, "root", NS_STARTING);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	drv_free(d);
}
END_TEST

/*
 * Exit before readiness.
 */

/* A worker gone before it was ready failed to start, with its reason. */
START_TEST(test_exit_while_starting)
{
	struct drv *d = drv_up(conf_ready_first(READY_CHECK, 30000, 1));
	const struct event *ev;
	struct node *a;

	a = drv_node(d, "root/a");

	drv_at(d, 100);
	drv_exit(d, "root/a", EXITED(3), "last line");
	EXPECT(d, "*",
	    "cancel root/a", "event ProcessStartFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "timer root/a 30000", "check root/a 1000");
	event_error_is(d, EV_PROCESS_START_FAILED, "root/a",
	    "exit status 3: last line");
	ev = drv_last_event(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_int_eq(ev->pid, PID0);
	ck_assert(ev->has_exit);
	ck_assert_int_eq(ev->exit, 3);
	ck_assert_str_eq(a->last_error, "exit status 3: last line");
	NO_EVENT(d, EV_PROCESS_FAILED, "root/a");
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	ck_assert_uint_eq(a->restarts, 1);
	STATE(d, "root/b", NS_STOPPED);

	/* Again within the period: too many for intensity 1. */
	drv_at(d, 200);
	drv_exit(d, "root/a", KILLED(SIGSEGV) | CORE, NULL);
	event_error_is(d, EV_PROCESS_START_FAILED, "root/a",
	    "killed by SIGSEGV (core dumped)");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root",
	    "last failure: root/a: killed by SIGSEGV (core dumped)");
	EXPECT(d, "exit", "exit 1");
	drv_free(d);
}
END_TEST

/*
 * Stop while starting.
 */

/* Shutdown stops a worker still starting at once: no start failure. */
START_TEST(test_shutdown_while_starting)
{
	struct drv *d = drv_up(conf_ready_first(READY_FD, 30000, 1));

	drv_at(d, 100);
	drv_shutdown(d);
	EXPECT(d, "*",
	    "cancel root/a", "signal root/a 15", "signal root/a 18",
	    "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root", "exit 0");
	STATE(d, "root/a", NS_STOPPED);
	NO_EVENT(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* An admin stop too; the next sibling then starts, a stays down. */
START_TEST(test_admin_stop_while_starting)
{
	struct drv *d = drv_up(conf_ready_first(READY_NOTIFY, 30000, 1));
	struct node *a;

	a = drv_node(d, "root/a");

	drv_admin(d, tree_stop_node, "root/a");
	EXPECT(d, "*",
	    "cancel root/a", "signal root/a 15", "signal root/a 18",
	    "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root/a", NS_STOPPED);
	ck_assert(a->admin_stopped);
	NO_EVENT(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_uint_eq(a->restarts, 0);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);

	/* Started again, it is starting again: readiness is awaited anew. */
	drv_admin(d, tree_start_node, "root/a");
	EXPECT(d, "*",
	    "spawn root/a", "event ProcessStarted root/a",
	    "timer root/a 30000");
	STATE(d, "root/a", NS_STARTING);
	drv_ready(d, "root/a");
	STATE(d, "root/a", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* A stop before the exec is answered waits for it, then stops at once. */
START_TEST(test_stop_before_exec_answered)
{
	struct drv *d = drv_new(conf_ready_first(READY_FD, 30000, 1));

	drv_fake_at(d, "root/a")->hold_spawn = true;
	drv_start_clean(d);
	drv_admin(d, tree_stop_node, "root/a");
	EXPECT(d, "*", NULL);

	drv_started(d, "root/a");
	EXPECT(d, "*",
	    "event ProcessStarted root/a", "timer root/a 30000",
	    "cancel root/a", "signal root/a 15", "signal root/a 18",
	    "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root/a", NS_STOPPED);
	ck_assert(!drv_fake_at(d, "root/a")->timer);
	NO_EVENT(d, EV_PROCESS_START_FAILED, "root/a");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_free(d);
}
END_TEST

/* A shutdown while a timed-out start is being killed: nothing restarts. */
START_TEST(test_shutdown_after_timeout)
{
	struct drv *d = drv_up(conf_ready_first(READY_FD, 300, 1));
	struct node *a;

	a = drv_node(d, "root/a");
	drv_at(d, 300);
	drv_fake(d, a)->timer = false;
	tree_timer_fired(d->t, a, d->now);
	tree_shutdown(d->t, d->now);
	drv_settle(d);
	EXPECT(d, "*",
	    "signal root/a 9",
	    "cancel root/a", "event ProcessStartFailed root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root", "exit 0");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_uint_eq(a->restarts, 0);
	drv_free(d);
}
END_TEST

/*
 * Restart backoff.
 */

/* Crash the running worker at PATH at NOW; expect a backoff of DELAY. */
static void
crash_backs_off(struct drv *d, const char *path, int64_t now, int64_t delay)
{
	struct node *n = drv_node(d, path);
	char *want = xasprintf("timer %s %lld", path, (long long)delay);
	char *failed = xasprintf("event ProcessFailed %s", path);

	drv_log_clear(d);
	drv_at(d, now);
	drv_exit(d, path, EXITED(1), NULL);
	EXPECT(d, "spawn event timer", failed, want);
	STATE(d, path, NS_BACKOFF);
	ck_assert_int_eq(n->deadline, now + delay);
	ck_assert_int_eq(n->since, now);
	ck_assert(drv_fake(d, n)->timer);
	ck_assert_int_eq(drv_fake(d, n)->timer_ms, delay);
	free(want);
	free(failed);
}

/* The backoff of the worker at PATH ends at NOW: it is spawned. */
static void
backoff_ends(struct drv *d, const char *path, int64_t now)
{
	char *spawn = xasprintf("spawn %s", path);
	char *started = xasprintf("event ProcessStarted %s", path);

	drv_log_clear(d);
	drv_at(d, now);
	drv_fire(d, path);
	EXPECT(d, "*", spawn, started);
	STATE(d, path, NS_RUNNING);
	free(spawn);
	free(started);
}

/*
 * A driver for conf_flat_backoff (STRATEGY, INTENSITY, a backoff of DELAY
 * on the worker at PATH) started at 1000, whose worker at PATH crashed at
 * 1100 and waits DELAY: the log is empty.
 */
static struct drv *
backoff_up(enum strategy strategy, int intensity, const char *path,
    int64_t delay)
{
	struct drv *d = drv_new(conf_flat_backoff(strategy, intensity, path,
	    delay, 0));

	drv_at(d, 1000);
	drv_start(d);
	crash_backs_off(d, path, 1100, delay);
	return d;
}

static const struct backoff_case {
	int64_t		 base_ms;
	int64_t		 max_ms;
	int64_t		 up_ms;		/* from each start to the next crash */
	int64_t		 delays[6];	/* the delays that follow, 0 ends */
} backoff_cases[] = {
	/* 200, 400, 800, then 800 again: doubling up to restart_delay_max. */
	{ 200, 800, 100, { 200, 400, 800, 800 } },
	/* Without restart_delay_max the delay keeps doubling. */
	{ 100, 0, 10, { 100, 200, 400, 800, 1600 } },
	/* A max below the base caps the very first delay. */
	{ 500, 300, 100, { 300, 300 } },
};

/* Consecutive crashes wait longer each time, as far as the maximum. */
START_TEST(test_backoff_delays)
{
	const struct backoff_case *bc = &backoff_cases[_i];
	struct drv *d = drv_new(conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 10,
	    "root/a", bc->base_ms, bc->max_ms));
	int64_t now = 1000;
	pid_t pb, pc;
	size_t i;

	drv_at(d, now);
	drv_start(d);
	pb = pid_of(d, "root/b");
	pc = pid_of(d, "root/c");
	ck_assert_str_eq(node_state_name(NS_BACKOFF), "backoff");
	for (i = 0; bc->delays[i] != 0; i++) {
		crash_backs_off(d, "root/a", now += bc->up_ms, bc->delays[i]);
		/* The restart was counted when the worker went down. */
		ck_assert_int_eq(drv_window_count(d, "root"), (int)i + 1);
		ck_assert_uint_eq(drv_node(d, "root/a")->restarts, i + 1);
		STATE(d, "root", NS_RUNNING);
		backoff_ends(d, "root/a", now += bc->delays[i]);
	}
	ck_assert_uint_eq(drv_node(d, "root/a")->consecutive, i);
	ck_assert_int_eq(pid_of(d, "root/b"), pb);
	ck_assert_int_eq(pid_of(d, "root/c"), pc);
	drv_free(d);
}
END_TEST

/* No restart_delay (the default): restarted at once, never in backoff. */
START_TEST(test_backoff_none)
{
	struct drv *d = drv_new(conf_flat(STRATEGY_ONE_FOR_ONE, 10));

	drv_at(d, 1000);
	drv_start_clean(d);
	drv_exit(d, "root/a", EXITED(1), NULL);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "*",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a",
	    "event ProcessFailed root/a",
	    "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root/a", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * The count starts over once the node stayed up for its supervisor's
 * period (here 3s), and only then.
 */
START_TEST(test_backoff_reset)
{
	struct config *c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 10,
	    "root/a", 200, 0);
	struct drv *d;

	c->root->period_ms = 3000;
	d = drv_new(c);
	drv_at(d, 1000);
	drv_start(d);
	crash_backs_off(d, "root/a", 1100, 200);
	backoff_ends(d, "root/a", 1300);
	crash_backs_off(d, "root/a", 1400, 400);
	backoff_ends(d, "root/a", 1800);
	/* Up for 1ms less than the period: still consecutive. */
	crash_backs_off(d, "root/a", 1800 + 2999, 800);
	backoff_ends(d, "root/a", 5599);
	/* Up for the whole period: the first again. */
	crash_backs_off(d, "root/a", 5599 + 3000, 200);
	ck_assert_uint_eq(drv_node(d, "root/a")->consecutive, 1);
	backoff_ends(d, "root/a", 8799);
	crash_backs_off(d, "root/a", 8800, 400);
	drv_free(d);
}
END_TEST

/* Up means ready: the period is counted from readiness, not from exec. */
START_TEST(test_backoff_reset_from_ready)
{
	struct config *c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 10,
	    "root/a", 200, 0);
	struct drv *d;

	conf_ready(conf_lookup(c, "root/a"), READY_FD, 60000);
	d = drv_new(c);
	drv_at(d, 1000);
	drv_start(d);
	drv_at(d, 1100);
	drv_ready(d, "root/a");
	crash_backs_off(d, "root/a", 1200, 200);

	/* Spawned at 1400, ready at 3400, down at 6500: up 3100ms, not 5100. */
	drv_log_clear(d);
	drv_at(d, 1400);
	drv_fire(d, "root/a");
	EXPECT(d, "spawn event",
	    "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root/a", NS_STARTING);
	drv_at(d, 3400);
	drv_ready(d, "root/a");
	crash_backs_off(d, "root/a", 6500, 400);

	/* Never ready at all is never up: a failed start stays consecutive. */
	drv_log_clear(d);
	drv_at(d, 6900);
	drv_fire(d, "root/a");
	drv_log_clear(d);
	drv_at(d, 6900 + 5000);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "event timer",
	    "event ProcessStartFailed root/a", "timer root/a 800");
	STATE(d, "root/a", NS_BACKOFF);
	drv_free(d);
}
END_TEST

static const admin_fn start_fns[] = { tree_start_node, tree_restart_node };

/* arborctl start (or restart) during a backoff starts the node at once. */
START_TEST(test_backoff_start_skips_wait)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 10, "root/a", 1000);
	struct node *a = drv_node(d, "root/a");

	drv_at(d, 1150);
	drv_admin(d, start_fns[_i], "root/a");
	EXPECT(d, "*",
	    "cancel root/a", "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root/a", NS_RUNNING);
	ck_assert(!drv_fake(d, a)->timer);
	/* An admin start is not counted. */
	ck_assert_uint_eq(a->restarts, 1);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);

	/* A timer that fired before its cancel changes nothing. */
	stale_fire(d, "root/a");
	EXPECT(d, "*", NULL);
	STATE(d, "root/a", NS_RUNNING);

	/* Not up for the period yet: the next delay is the second one. */
	crash_backs_off(d, "root/a", 1200, 2000);
	drv_free(d);
}
END_TEST

/* arborctl stop during a backoff: stopped, no restart, even later. */
START_TEST(test_backoff_stop)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 10, "root/a", 1000);
	struct node *a = drv_node(d, "root/a");

	drv_at(d, 1200);
	drv_admin(d, tree_stop_node, "root/a");
	EXPECT(d, "*", "cancel root/a");
	STATE(d, "root/a", NS_STOPPED);
	ck_assert(a->admin_stopped);
	ck_assert(!drv_fake(d, a)->timer);

	drv_at(d, 2100);
	stale_fire(d, "root/a");
	EXPECT(d, "*", NULL);
	STATE(d, "root/a", NS_STOPPED);
	ck_assert_uint_eq(a->starts, 1);

	/* It is started only when asked. */
	drv_admin(d, tree_start_node, "root/a");
	EXPECT(d, "*", "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root/a", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* Shutdown during a backoff stops cleanly without starting the node. */
START_TEST(test_backoff_shutdown)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 10, "root/b", 1000);

	drv_at(d, 1200);
	drv_shutdown(d);
	EXPECT(d, "*",
	    "cancel root/b",
	    "signal root/c 15", "signal root/c 18", "timer root/c 5000",
	    "cancel root/c", "event ProcessTerminated root/c",
	    "signal root/a 15", "signal root/a 18", "timer root/a 5000",
	    "cancel root/a", "event ProcessTerminated root/a",
	    "cleanup root", "timer root 30000", "cancel root",
	    "event ProcessTerminated root", "exit 0");
	STATE(d, "root/b", NS_STOPPED);
	ck_assert(!drv_fake_at(d, "root/b")->timer);
	ck_assert_uint_eq(drv_node(d, "root/b")->starts, 1);
	ck_assert_int_eq(d->t->exit_status, 0);
	drv_free(d);
}
END_TEST

/* Restarts in backoff count when the node goes down: intensity holds. */
START_TEST(test_backoff_counted_at_failure)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 1, "root/a", 200);

	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	backoff_ends(d, "root/a", 1300);

	drv_log_clear(d);
	drv_at(d, 1400);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "event timer exit",
	    "event ProcessFailed root/a",
	    "timer root/c 5000", "event ProcessTerminated root/c",
	    "timer root/b 5000", "event ProcessTerminated root/b",
	    "timer root 30000", "event ProcessFailed root", "exit 1");
	drv_free(d);
}
END_TEST

/* The supervisor failing ends a child's backoff: no start, no timer. */
START_TEST(test_backoff_parent_fails)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 1, "root/a", 1000);

	drv_at(d, 1200);
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn event cancel exit",
	    "event ProcessFailed root/b",
	    "cancel root/a",
	    "cancel root/c", "event ProcessTerminated root/c",
	    "cancel root", "event ProcessFailed root", "exit 1");
	STATE(d, "root/a", NS_STOPPED);
	ck_assert(!drv_fake_at(d, "root/a")->timer);
	drv_free(d);
}
END_TEST

/*
 * one_for_all: everything stops, the children before the one in backoff
 * start again at once, the ones after it wait for it.
 */
START_TEST(test_backoff_one_for_all)
{
	struct drv *d = drv_new(conf_flat_backoff(STRATEGY_ONE_FOR_ALL, 5,
	    "root/b", 200, 0));

	drv_at(d, 1000);
	drv_start_clean(d);
	drv_at(d, 1100);
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn event timer",
	    "event ProcessFailed root/b", "timer root/b 200",
	    "timer root/c 5000", "event ProcessTerminated root/c",
	    "timer root/a 5000", "event ProcessTerminated root/a",
	    "spawn root/a", "event ProcessStarted root/a");
	STATE(d, "root/a", NS_RUNNING);
	STATE(d, "root/b", NS_BACKOFF);
	STATE(d, "root/c", NS_STOPPED);
	STATE(d, "root", NS_RUNNING);

	drv_at(d, 1300);
	drv_fire(d, "root/b");
	EXPECT(d, "*",
	    "spawn root/b", "event ProcessStarted root/b",
	    "spawn root/c", "event ProcessStarted root/c");
	STATE(d, "root/c", NS_RUNNING);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	drv_free(d);
}
END_TEST

/* rest_for_one: the ones after it stop, and wait for it. */
START_TEST(test_backoff_rest_for_one)
{
	struct drv *d = drv_new(conf_flat_backoff(STRATEGY_REST_FOR_ONE, 5,
	    "root/a", 200, 0));
	pid_t pb;

	drv_at(d, 1000);
	drv_start_clean(d);
	drv_at(d, 1100);
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "spawn event timer",
	    "event ProcessFailed root/a", "timer root/a 200",
	    "timer root/c 5000", "event ProcessTerminated root/c",
	    "timer root/b 5000", "event ProcessTerminated root/b");
	STATE(d, "root/b", NS_STOPPED);

	drv_at(d, 1300);
	drv_fire(d, "root/a");
	EXPECT(d, "spawn",
	    "spawn root/a", "spawn root/b", "spawn root/c");
	pb = pid_of(d, "root/b");
	ck_assert_int_ne(pb, 0);
	drv_free(d);
}
END_TEST

/*
 * Start order holds even in one_for_one: a child restarted while an older
 * sibling is in backoff waits for it.
 */
START_TEST(test_backoff_holds_order)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 5, "root/a", 1000);

	drv_at(d, 1200);
	drv_exit(d, "root/c", EXITED(1), NULL);
	EXPECT(d, "*", "event ProcessFailed root/c");
	STATE(d, "root/c", NS_FAILED);
	ck_assert(drv_node(d, "root/c")->start_pending);

	drv_at(d, 2100);
	drv_fire(d, "root/a");
	EXPECT(d, "spawn", "spawn root/a", "spawn root/c");
	STATE(d, "root/c", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* A supervisor still starting is started only after the backoff. */
START_TEST(test_backoff_while_parent_starting)
{
	struct config *c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 5,
	    "root/a", 200, 0);
	struct drv *d;

	conf_ready(conf_lookup(c, "root/b"), READY_FD, 30000);
	d = drv_new(c);
	drv_at(d, 1000);
	drv_start(d);
	STATE(d, "root/b", NS_STARTING);
	crash_backs_off(d, "root/a", 1100, 200);

	drv_log_clear(d);
	drv_ready(d, "root/b");
	EXPECT(d, "spawn event", "event ProcessReady root/b");
	STATE(d, "root", NS_STARTING);
	STATE(d, "root/c", NS_STOPPED);

	drv_at(d, 1300);
	drv_fire(d, "root/a");
	EXPECT(d, "spawn event",
	    "spawn root/a", "event ProcessStarted root/a",
	    "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* root: s (x; intensity 0, backoff 200 up to 1s), w. */
static struct config *
conf_sup_backoff(void)
{
	struct config *c = conf_new();
	struct node_spec *s;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	s = conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	s->intensity = 0;
	conf_backoff(s, 200, 1000);
	conf_worker(c, "root/s/x", RESTART_PERMANENT);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	return c;
}

/* A supervisor with a restart_delay backs off as a worker does. */
START_TEST(test_backoff_supervisor)
{
	struct drv *d = drv_new(conf_sup_backoff());
	struct node *s;
	pid_t pw;

	drv_at(d, 1000);
	drv_start_clean(d);
	s = drv_node(d, "root/s");
	pw = pid_of(d, "root/w");

	drv_at(d, 1100);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	EXPECT(d, "*",
	    "event ProcessFailed root/s/x",
	    "cleanup root/s", "timer root/s 30000", "cancel root/s",
	    "event ProcessFailed root/s", "timer root/s 200");
	STATE(d, "root/s", NS_BACKOFF);
	ck_assert_int_eq(s->deadline, 1300);
	ck_assert_int_eq(drv_window_count(d, "root"), 1);

	/* The timer ends the backoff, not a setup or cleanup timeout. */
	drv_at(d, 1300);
	drv_fire(d, "root/s");
	EXPECT(d, "*",
	    "setup root/s", "timer root/s 30000", "cancel root/s",
	    "spawn root/s/x", "event ProcessStarted root/s/x",
	    "event ProcessStarted root/s");
	STATE(d, "root/s", NS_RUNNING);

	drv_at(d, 1400);
	drv_exit(d, "root/s/x", EXITED(1), NULL);
	EXPECT(d, "timer", "timer root/s 30000", "timer root/s 400");
	STATE(d, "root/s", NS_BACKOFF);
	ck_assert_int_eq(pid_of(d, "root/w"), pw);

	/* Shutdown: the supervisor in backoff is not set up again. */
	drv_at(d, 1500);
	drv_shutdown(d);
	EXPECT(d, "setup cleanup cancel exit",
	    "cancel root/s", "cancel root/w", "cleanup root", "cancel root",
	    "exit 0");
	STATE(d, "root/s", NS_STOPPED);
	drv_free(d);
}
END_TEST

/* A node in backoff removed by a reload is released, not started. */
START_TEST(test_backoff_removed_by_reload)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 5, "root/a", 1000);
	struct strv report = { 0 };
	struct config *c;

	drv_exit(d, "root/c", EXITED(1), NULL);
	STATE(d, "root/c", NS_FAILED);
	drv_log_clear(d);

	c = conf_new();
	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	conf_worker(c, "root/b", RESTART_PERMANENT);
	conf_worker(c, "root/c", RESTART_PERMANENT);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "removed root/a", "3 nodes unchanged");
	/* c no longer waits for a. */
	EXPECT(d, "spawn free", "free root/a", "spawn root/c");
	STATE(d, "root/c", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/*
 * BUG: an admin stop of a node in backoff does not let the siblings that
 * wait for it go on: tree_stop_node returns as soon as the node is not
 * active, without sup_advance of its parent, so they wait forever (and a
 * starting supervisor is never started).
 */
START_TEST(test_backoff_stop_releases_waiting)
{
	struct drv *d = backoff_up(STRATEGY_ONE_FOR_ONE, 5, "root/a", 1000);

	drv_exit(d, "root/c", EXITED(1), NULL);
	STATE(d, "root/c", NS_FAILED);
	drv_log_clear(d);

	drv_at(d, 1200);
	drv_admin(d, tree_stop_node, "root/a");
	EXPECT(d, "*",
	    "cancel root/a", "spawn root/c", "event ProcessStarted root/c");
	STATE(d, "root/c", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* The same while the supervisor starts: it must become started. */
START_TEST(test_backoff_stop_lets_parent_start)
{
	struct config *c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 5,
	    "root/a", 1000, 0);
	struct drv *d;

	conf_ready(conf_lookup(c, "root/b"), READY_FD, 30000);
	d = drv_new(c);
	drv_at(d, 1000);
	drv_start(d);
	crash_backs_off(d, "root/a", 1100, 1000);
	drv_ready(d, "root/b");
	STATE(d, "root", NS_STARTING);
	drv_log_clear(d);

	drv_admin(d, tree_stop_node, "root/a");
	EXPECT(d, "*",
	    "cancel root/a", "spawn root/c", "event ProcessStarted root/c",
	    "event ProcessStarted root");
	STATE(d, "root", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * Reload.
 */

/* restart_delay and start_timeout change in place, and rule from then on. */
START_TEST(test_reload_backoff_live)
{
	struct config *c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 5,
	    "root/a", 200, 0);
	struct strv report = { 0 };
	struct drv *d;
	pid_t pa, pb;

	conf_ready(conf_lookup(c, "root/b"), READY_FD, 300);
	d = drv_new(c);
	drv_fake_at(d, "root/b")->ready_on_start = true;
	drv_at(d, 1000);
	drv_start(d);
	STATE(d, "root", NS_RUNNING);
	pa = pid_of(d, "root/a");
	pb = pid_of(d, "root/b");
	drv_log_clear(d);

	c = conf_flat_backoff(STRATEGY_ONE_FOR_ONE, 5, "root/a", 1000, 4000);
	conf_ready(conf_lookup(c, "root/b"), READY_FD, 700);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "updated root/a (restart_delay, restart_delay_max) without a "
	    "restart",
	    "updated root/b (start_timeout) without a restart",
	    "2 nodes unchanged");
	EXPECT(d, "*", NULL);
	ck_assert_int_eq(pid_of(d, "root/a"), pa);
	ck_assert_int_eq(pid_of(d, "root/b"), pb);

	crash_backs_off(d, "root/a", 1100, 1000);
	backoff_ends(d, "root/a", 2100);
	crash_backs_off(d, "root/a", 2200, 2000);
	backoff_ends(d, "root/a", 4200);
	crash_backs_off(d, "root/a", 4300, 4000);
	backoff_ends(d, "root/a", 8300);

	drv_fake_at(d, "root/b")->ready_on_start = false;
	drv_log_clear(d);
	drv_at(d, 8400);
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "spawn timer", "spawn root/b", "timer root/b 700");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A changed readiness restarts the worker, which is then awaited. */
START_TEST(test_reload_ready_restarts)
{
	struct drv *d = drv_up(conf_flat(STRATEGY_ONE_FOR_ONE, 1));
	struct strv report = { 0 };
	struct config *c;


	c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	conf_ready(conf_lookup(c, "root/b"), READY_NOTIFY, 30000);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "restarted root/b (ready)",
	    "3 nodes unchanged");
	EXPECT(d, "*",
	    "signal root/b 15", "signal root/b 18", "timer root/b 5000",
	    "cancel root/b", "event ProcessTerminated root/b",
	    "spawn root/b", "event ProcessStarted root/b",
	    "timer root/b 30000");
	STATE(d, "root/b", NS_STARTING);
	ck_assert_int_eq(drv_node(d, "root/b")->spec->ready, READY_NOTIFY);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_ready(d, "root/b");
	EXPECT(d, "event", "event ProcessReady root/b");
	STATE(d, "root/b", NS_RUNNING);

	/* And back to exec: restarted again, running once exec'd. */
	c = conf_flat(STRATEGY_ONE_FOR_ONE, 1);
	strv_free(&report);
	drv_reload(d, c, &report);
	EXPECT_LINES(&report, "restarted root/b (ready)",
	    "3 nodes unchanged");
	EXPECT(d, "spawn timer",
	    "timer root/b 5000", "spawn root/b");
	STATE(d, "root/b", NS_RUNNING);
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* Readiness, start_timeout and restart backoff. */
Suite *
lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc;

	tc = tcase_create("ready");
	tcase_add_loop_test(tc, test_ready_order, 0, NELEM(ready_modes));
	tcase_add_test(tc, test_ready_nested);
	tcase_add_test(tc, test_ready_only_when_starting);
	tcase_add_test(tc, test_start_timeout_restarts);
	tcase_add_test(tc, test_start_timeout_intensity);
	tcase_add_test(tc, test_ready_after_timeout);
	tcase_add_test(tc, test_exit_while_starting);
	tcase_add_test(tc, test_shutdown_while_starting);
	tcase_add_test(tc, test_admin_stop_while_starting);
	tcase_add_test(tc, test_stop_before_exec_answered);
	tcase_add_test(tc, test_shutdown_after_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("backoff");
	tcase_add_loop_test(tc, test_backoff_delays, 0, NELEM(backoff_cases));
	tcase_add_test(tc, test_backoff_none);
	tcase_add_test(tc, test_backoff_reset);
	tcase_add_test(tc, test_backoff_reset_from_ready);
	tcase_add_loop_test(tc, test_backoff_start_skips_wait, 0,
	    NELEM(start_fns));
	tcase_add_test(tc, test_backoff_stop);
	tcase_add_test(tc, test_backoff_shutdown);
	tcase_add_test(tc, test_backoff_counted_at_failure);
	tcase_add_test(tc, test_backoff_parent_fails);
	tcase_add_test(tc, test_backoff_one_for_all);
	tcase_add_test(tc, test_backoff_rest_for_one);
	tcase_add_test(tc, test_backoff_holds_order);
	tcase_add_test(tc, test_backoff_while_parent_starting);
	tcase_add_test(tc, test_backoff_supervisor);
	tcase_add_test(tc, test_backoff_removed_by_reload);
	tcase_add_test(tc, test_backoff_stop_releases_waiting);
	tcase_add_test(tc, test_backoff_stop_lets_parent_start);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_test(tc, test_reload_backoff_live);
	tcase_add_test(tc, test_reload_ready_restarts);
	suite_add_tcase(s, tc);

	return s;
}
