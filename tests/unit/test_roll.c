/*
 * test_roll.c: rolling restarts of workers (tree_roll) with an overlap:
 * a rolled worker's successor starts beside its process (ACT_ASIDE), the
 * old process gets its stop signal only once the successor is ready, and
 * the worker runs on with the new one alone once the old one is gone. A
 * successor that fails is killed and forgotten (ACT_RESTORE): the old
 * process serves on and the roll ends with the reason. Exact traces of
 * the fake world (driver.h).
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

/*
 * root (one_for_one) with workers w (ready = notify, start_timeout 10s,
 * shutdown 5s) and x (ready = exec), started; log cleared.
 */
static struct drv *
roll_up(void)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 3;
	conf_ready(conf_worker(c, "root/w", RESTART_PERMANENT), READY_NOTIFY,
	    10000);
	conf_worker(c, "root/x", RESTART_PERMANENT);
	d = drv_new(c);
	drv_fake_at(d, "root/w")->ready_on_start = true;
	drv_start(d);
	STATE(d, "root/w", NS_RUNNING);
	/* From now on the test says when a successor is ready. */
	drv_fake_at(d, "root/w")->ready_on_start = false;
	drv_log_clear(d);
	return d;
}

/* Roll S of D one at a time: accepted; settles. */
static void
roll_begin_ok(struct drv *d, const char *s, struct admin_wait *w)
{
	char *msg = NULL;

	ck_assert_int_eq(tree_roll(d->t, drv_node(d, s), 1, w, d->now, &msg),
	    0);
	ck_assert_ptr_null(msg);
	drv_settle(d);
}

/* The outcome of roll W of PATH, its message holding MSG_HAS. */
static void
roll_outcome_is(struct drv *d, const char *path, const struct admin_wait *w,
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

/* The pid of the last event of TYPE about PATH. */
static pid_t
event_pid(struct drv *d, enum event_type type, const char *path)
{
	const struct event *ev = drv_last_event(d, type, path);

	ck_assert_ptr_nonnull(ev);
	return ev->pid;
}

/*
 * The successor starts beside the old process, which keeps serving (and
 * is what status shows) until the successor is ready; only then does the
 * old one get its stop signal, then SIGKILL after its shutdown time; once
 * it is gone the worker runs on with the new process, and the roll goes
 * on to the next child. Nothing is counted as a restart.
 */
START_TEST(test_roll_overlap)
{
	struct drv *d = roll_up();
	struct admin_wait w;
	struct node_info ni;
	pid_t old = drv_node(d, "root/w")->pid, new;

	drv_fake_at(d, "root/w")->ignore_term = true;
	roll_begin_ok(d, "root", &w);
	EXPECT(d, "*",
	    "aside root/w", "spawn root/w", "event ProcessStarted root/w",
	    "timer root/w 10000");
	new = drv_node(d, "root/w")->pid;
	ck_assert_int_ne(new, old);
	tree_node_info(drv_node(d, "root/w"), d->now, &ni);
	ck_assert_int_eq(ni.status, NS_RUNNING);
	ck_assert_int_eq(ni.pid, old);
	ck_assert_int_eq(ni.successor, new);
	ck_assert_int_eq(ni.draining, 0);
	roll_outcome_is(d, "root", &w, ADMIN_PENDING, NULL);

	drv_ready(d, "root/w");
	EXPECT(d, "*",
	    "cancel root/w", "event ProcessReady root/w",
	    "event ProcessDraining root/w",
	    "signal-old root/w 15", "signal-old root/w 18",
	    "timer root/w 5000");
	ck_assert_int_eq(event_pid(d, EV_PROCESS_READY, "root/w"), new);
	ck_assert_int_eq(event_pid(d, EV_PROCESS_DRAINING, "root/w"), old);
	tree_node_info(drv_node(d, "root/w"), d->now, &ni);
	ck_assert_int_eq(ni.pid, new);
	ck_assert_int_eq(ni.successor, 0);
	ck_assert_int_eq(ni.draining, old);
	roll_outcome_is(d, "root", &w, ADMIN_PENDING, NULL);

	/* The old one ignores its stop signal: SIGKILL once time is up. */
	drv_fire(d, "root/w");
	EXPECT(d, "*",
	    "signal-old root/w 9", "event ProcessTerminated root/w",
	    /* Then the next child. */
	    "aside root/x", "spawn root/x", "event ProcessStarted root/x",
	    "event ProcessDraining root/x",
	    "signal-old root/x 15", "signal-old root/x 18",
	    "timer root/x 5000", "cancel root/x",
	    "event ProcessTerminated root/x");
	ck_assert_int_eq(event_pid(d, EV_PROCESS_TERMINATED, "root/w"), old);
	ck_assert_int_eq(drv_node(d, "root/w")->pid, new);
	ck_assert_int_eq(drv_node(d, "root/w")->state, ST_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/w")->old_pid, 0);
	roll_outcome_is(d, "root", &w, ADMIN_DONE, "every child replaced");
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	ck_assert_uint_eq(drv_node(d, "root/w")->restarts, 0);
	drv_free(d);
}
END_TEST

/*
 * A successor that exits before it is ready: its end is a failed start,
 * the old process is the worker's again and serves on, the roll ends
 * with the reason and the children after it keep their processes.
 */
START_TEST(test_roll_successor_exits)
{
	struct drv *d = roll_up();
	struct admin_wait w;
	pid_t old = drv_node(d, "root/w")->pid;
	pid_t x = drv_node(d, "root/x")->pid;

	roll_begin_ok(d, "root", &w);
	drv_log_clear(d);
	drv_exit(d, "root/w", EXITED(3), "cannot bind");
	EXPECT(d, "*",
	    "cancel root/w", "event ProcessStartFailed root/w",
	    "restore root/w");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/w",
	    "exit status 3: cannot bind");
	roll_outcome_is(d, "root", &w, ADMIN_FAILED,
	    "root/w: exit status 3: cannot bind");
	ck_assert_int_eq(drv_node(d, "root/w")->pid, old);
	ck_assert_int_eq(drv_node(d, "root/w")->state, ST_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/x")->pid, x);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	/* The old process is the worker's: its exit is the worker's. */
	drv_exit(d, "root/w", EXITED(1), NULL);
	EXPECT(d, "event spawn", "event ProcessFailed root/w",
	    "spawn root/w", "event ProcessStarted root/w");
	drv_free(d);
}
END_TEST

/* A successor not ready within its start_timeout is killed first. */
START_TEST(test_roll_successor_not_ready)
{
	struct drv *d = roll_up();
	struct admin_wait w;
	pid_t old = drv_node(d, "root/w")->pid;

	roll_begin_ok(d, "root", &w);
	drv_log_clear(d);
	drv_fire(d, "root/w");
	EXPECT(d, "*",
	    "signal root/w 9", "cancel root/w",
	    "event ProcessStartFailed root/w", "restore root/w");
	roll_outcome_is(d, "root", &w, ADMIN_FAILED,
	    "root/w: not ready within 10s");
	ck_assert_int_eq(drv_node(d, "root/w")->pid, old);
	STATE(d, "root/w", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* A successor that cannot be started at all: the old one serves on. */
START_TEST(test_roll_successor_spawn_fails)
{
	struct drv *d = roll_up();
	struct admin_wait w;
	pid_t old = drv_node(d, "root/w")->pid;

	drv_fake_at(d, "root/w")->exec_fail = 1;
	roll_begin_ok(d, "root", &w);
	EXPECT(d, "*",
	    "aside root/w", "spawn root/w",
	    "event ProcessStartFailed root/w", "restore root/w");
	roll_outcome_is(d, "root", &w, ADMIN_FAILED,
	    "root/w: exec: No such file or directory");
	ck_assert_int_eq(drv_node(d, "root/w")->pid, old);
	drv_free(d);
}
END_TEST

/*
 * The old process dies while its successor is starting: reported, and
 * the worker is just starting (the successor already replaces it, no
 * restart is counted); once the successor is ready the roll goes on.
 */
START_TEST(test_roll_old_dies)
{
	struct drv *d = roll_up();
	struct admin_wait w;
	pid_t new;

	roll_begin_ok(d, "root", &w);
	new = drv_node(d, "root/w")->pid;
	drv_log_clear(d);
	drv_old_exit(d, "root/w", EXITED(2));
	EXPECT(d, "*", "event ProcessFailed root/w");
	STATE(d, "root/w", NS_STARTING);
	ck_assert_int_eq(drv_node(d, "root/w")->state, ST_AWAITING);
	ck_assert_int_eq(drv_node(d, "root/w")->pid, new);
	roll_outcome_is(d, "root", &w, ADMIN_PENDING, NULL);
	drv_ready(d, "root/w");
	EXPECT(d, "event aside",
	    "event ProcessReady root/w",
	    "aside root/x", "event ProcessStarted root/x",
	    "event ProcessDraining root/x", "event ProcessTerminated root/x");
	roll_outcome_is(d, "root", &w, ADMIN_DONE, NULL);
	ck_assert_int_eq(drv_window_count(d, "root"), 0);
	drv_free(d);
}
END_TEST

/*
 * An admin stop during the overlap stops both processes (each with its
 * stop signal); the worker is down once both are gone, and the roll ends.
 */
START_TEST(test_roll_stop_both)
{
	struct drv *d = roll_up();
	struct admin_wait w;

	roll_begin_ok(d, "root", &w);
	drv_log_clear(d);
	drv_fake_at(d, "root/w")->ignore_term = true;
	drv_admin(d, tree_stop_node, "root/w");
	EXPECT(d, "*",
	    "cancel root/w", "signal root/w 15", "signal root/w 18",
	    "signal-old root/w 15", "signal-old root/w 18",
	    "timer root/w 5000");
	STATE(d, "root/w", NS_STOPPING);
	drv_fire(d, "root/w");
	EXPECT(d, "*",
	    "signal root/w 9", "signal-old root/w 9",
	    "event ProcessTerminated root/w", "cancel root/w",
	    "event ProcessTerminated root/w");
	STATE(d, "root/w", NS_STOPPED);
	ck_assert_int_eq(drv_node(d, "root/w")->pid, 0);
	ck_assert_int_eq(drv_node(d, "root/w")->old_pid, 0);
	roll_outcome_is(d, "root", &w, ADMIN_FAILED, "root/w is stopped");
	drv_free(d);
}
END_TEST

/* A stop while the old one drains: the new one stops too, then both go. */
START_TEST(test_roll_stop_draining)
{
	struct drv *d = roll_up();
	struct admin_wait w;

	drv_fake_at(d, "root/w")->ignore_term = true;
	roll_begin_ok(d, "root", &w);
	drv_ready(d, "root/w");
	drv_log_clear(d);
	drv_admin(d, tree_stop_node, "root/w");
	EXPECT(d, "*",
	    "cancel root/w", "signal root/w 15", "signal root/w 18",
	    "timer root/w 5000");
	drv_fire(d, "root/w");
	EXPECT(d, "*",
	    "signal root/w 9", "signal-old root/w 9",
	    "event ProcessTerminated root/w", "cancel root/w",
	    "event ProcessTerminated root/w");
	STATE(d, "root/w", NS_STOPPED);
	drv_free(d);
}
END_TEST

/*
 * The new process dies while the old one drains: the old one is killed,
 * and once it is gone the worker's end is a failure, restarted by its
 * policy.
 */
START_TEST(test_roll_new_dies_draining)
{
	struct drv *d = roll_up();
	struct admin_wait w;

	drv_fake_at(d, "root/w")->ignore_term = true;
	roll_begin_ok(d, "root", &w);
	drv_ready(d, "root/w");
	drv_log_clear(d);
	drv_fake_at(d, "root/w")->ignore_term = false;
	drv_fake_at(d, "root/w")->ready_on_start = true;
	drv_exit(d, "root/w", EXITED(1), "oops");
	EXPECT(d, "*",
	    "cancel root/w", "signal-old root/w 9", "cancel root/w",
	    "event ProcessFailed root/w", "spawn root/w",
	    "event ProcessStarted root/w", "timer root/w 10000",
	    "cancel root/w", "event ProcessReady root/w");
	EVENT_ERROR_HAS(d, EV_PROCESS_FAILED, "root/w",
	    "exit status 1: oops while the old process drained");
	ck_assert_int_eq(drv_window_count(d, "root"), 1);
	STATE(d, "root/w", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * A child that is a supervisor is restarted as a whole (stop, then
 * start), and the roll waits until it runs again.
 */
START_TEST(test_roll_supervisor_child)
{
	struct drv *d = drv_new(conf_nested());
	struct admin_wait w;

	drv_start(d);
	drv_log_clear(d);
	roll_begin_ok(d, "root", &w);
	EXPECT(d, "aside spawn signal signal-old setup cleanup",
	    "signal root/s/y 15", "signal root/s/y 18",
	    "signal root/s/x 15", "signal root/s/x 18", "cleanup root/s",
	    "setup root/s", "spawn root/s/x", "spawn root/s/y",
	    "aside root/w", "spawn root/w",
	    "signal-old root/w 15", "signal-old root/w 18");
	roll_outcome_is(d, "root", &w, ADMIN_DONE, NULL);
	drv_free(d);
}
END_TEST

/* A worker rolled with a pidfile (one file for two daemons): no overlap. */
START_TEST(test_roll_pidfile_no_overlap)
{
	struct config *c = conf_new();
	struct drv *d;
	struct admin_wait w;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	d = drv_new(c);
	drv_start(d);
	drv_log_clear(d);
	/* As a reload would leave it: the next start daemonizes. */
	drv_node(d, "root/w")->spec->pidfile = xstrdup("w.pid");
	roll_begin_ok(d, "root", &w);
	EXPECT(d, "aside spawn signal", "signal root/w 15",
	    "signal root/w 18", "spawn root/w");
	drv_free(d);
}
END_TEST

Suite *
roll_suite(void)
{
	Suite *s = suite_create("roll");
	TCase *tc = tcase_create("overlap");

	tcase_add_test(tc, test_roll_overlap);
	tcase_add_test(tc, test_roll_successor_exits);
	tcase_add_test(tc, test_roll_successor_not_ready);
	tcase_add_test(tc, test_roll_successor_spawn_fails);
	tcase_add_test(tc, test_roll_old_dies);
	tcase_add_test(tc, test_roll_stop_both);
	tcase_add_test(tc, test_roll_stop_draining);
	tcase_add_test(tc, test_roll_new_dies_draining);
	tcase_add_test(tc, test_roll_supervisor_child);
	tcase_add_test(tc, test_roll_pidfile_no_overlap);
	suite_add_tcase(s, tc);
	return s;
}
