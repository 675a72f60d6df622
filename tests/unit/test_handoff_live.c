/*
 * test_handoff_live.c: readiness and liveness across a re-exec (arborctl
 * reexec, lib/tree_handoff.c), driven with the fake clock: exported at t,
 * imported at t + d into a tree new from the same configuration. A worker
 * awaiting readiness (or its pidfile) keeps its start_timeout as the time
 * it had left and becomes ready, or is killed, as it would have; a running worker's next
 * health check and watchdog deadline resume with the time left, a check
 * that ran at the exec runs again at once, failures and health carry
 * over.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "handoff.h"
#include "suites.h"

#define LIVE	"health health-cancel live live-cancel event signal spawn"

/*
 * Export T at NOW into a handoff, import it with base BASE into a new
 * tree from CONF: the tree, or NULL with *ERR.
 */
static struct tree *
reimport(const struct tree *t, const struct config *conf, int64_t now,
    int64_t base, char **err)
{
	struct handoff_w w;
	struct tree *t2;

	handoff_w_init(&w);
	tree_export(t, &w, now);
	handoff_finish(&w);
	t2 = tree_new(conf, STATE_ROOT);
	if (tree_import(t2, w.b.s, w.b.len, base, err) == -1) {
		tree_free(t2);
		t2 = NULL;
	}
	handoff_w_free(&w);
	return t2;
}

/*
 * Re-exec D's tree: exported at d->now, imported LATER ms on; the fake
 * world's records follow their nodes. The new binary has no timer armed
 * and no health check running (abandoned with the old one); a readiness
 * check asked for is still asked for (the daemon runs it again).
 */
static void
live_reexec(struct drv *d, int64_t later)
{
	struct tree *t;
	char *err;

	err = tree_handoff_refusal(d->t);
	ck_assert_msg(err == NULL, "refused: %s", err);
	t = reimport(d->t, d->conf, d->now, d->now + later, &err);
	ck_assert_msg(t != NULL, "import: %s", err);
	tree_handoff_arm(t, d->now + later);
	for (size_t i = 0; i < d->nfake; i++)
		if (d->fake[i]->node != NULL) {
			d->fake[i]->node = tree_find(t, d->fake[i]->path);
			d->fake[i]->timer = false;
			d->fake[i]->health = false;
			d->fake[i]->live = false;
		}
	tree_free(d->t);
	d->t = t;
	d->now += later;
	drv_settle(d);
	ck_assert_ptr_null(tree_check(d->t));
}

/*
 * root with worker w, awaiting READY within 5 s; it started, became ready
 * and exited at 1000 (a failure): restarted at once, it awaits readiness
 * again while root runs (a worker awaiting readiness in its supervisor's
 * start is that supervisor's start, not handed off here).
 */
static struct drv *
awaiting_tree(enum ready ready)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	conf_ready(conf_worker(c, "root/w", RESTART_PERMANENT), ready, 5000);
	d = drv_new(c);
	drv_start(d);
	if (ready == READY_CHECK)
		drv_check(d, "root/w", true);
	else
		drv_ready(d, "root/w");
	STATE(d, "root", NS_RUNNING);
	drv_at(d, 1000);
	drv_log_clear(d);
	drv_exit(d, "root/w", EXITED(1), NULL);
	STATE(d, "root/w", NS_STARTING);
	STATE(d, "root", NS_RUNNING);
	return d;
}

/*
 * ready = notify, fd:N, exit, not ready at the exec: handed over
 * awaiting, its start_timeout with the time it had left, its pid the
 * same; ready after the exec (or done), and the timer cancelled.
 */
START_TEST(test_awaiting_ready)
{
	static const enum ready kinds[] = { READY_NOTIFY, READY_FD,
	    READY_EXIT, READY_DELAY };
	struct drv *d = awaiting_tree(kinds[_i]);
	pid_t pw;

	EXPECT(d, "*", "event ProcessFailed root/w", "spawn root/w",
	    "event ProcessStarted root/w", "timer root/w 5000");
	pw = drv_node(d, "root/w")->pid;
	drv_at(d, 2000);
	live_reexec(d, 300);		/* 4000 ms were left at 2000 */
	EXPECT(d, "*", "timer root/w 4000");
	STATE(d, "root/w", NS_STARTING);
	ck_assert_int_eq(drv_node(d, "root/w")->pid, pw);
	ck_assert_int_eq(drv_node(d, "root/w")->deadline, 6300);
	ck_assert_uint_eq(drv_node(d, "root/w")->restarts, 1);
	drv_at(d, 3000);
	if (kinds[_i] == READY_EXIT) {
		drv_exit(d, "root/w", EXITED(0), NULL);
		/* Done; permanent: started again. */
		EXPECT(d, "*", "cancel root/w",
		    "event ProcessCompleted root/w", "spawn root/w",
		    "event ProcessStarted root/w", "timer root/w 5000");
		ck_assert_uint_eq(drv_node(d, "root/w")->restarts, 2);
	} else {
		drv_ready(d, "root/w");
		EXPECT(d, "*", "cancel root/w", "event ProcessReady root/w");
		STATE(d, "root/w", NS_RUNNING);
		ck_assert_int_eq(drv_node(d, "root/w")->pid, pw);
		ck_assert_int_eq(drv_node(d, "root/w")->up_since, 3000);
	}
	drv_free(d);
}
END_TEST

/*
 * Never ready: killed at its original start_timeout (5000 after its
 * start, not after the exec), a failed start "not ready within 5s".
 */
START_TEST(test_awaiting_timeout)
{
	struct drv *d = awaiting_tree(READY_NOTIFY);
	pid_t pw;

	pw = drv_node(d, "root/w")->pid;
	drv_at(d, 5000);
	drv_log_clear(d);
	live_reexec(d, 500);
	EXPECT(d, "*", "timer root/w 1000");
	drv_at(d, 6500);
	drv_fire(d, "root/w");
	ck_assert_int_eq(d->now, 6500);	/* 5000 after the start, moved 500 */
	EXPECT(d, "signal event spawn", "signal root/w 9",
	    "event ProcessStartFailed root/w", "spawn root/w",
	    "event ProcessStarted root/w");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/w",
	    "not ready within 5s");
	ck_assert_int_ne(drv_node(d, "root/w")->pid, pw);
	drv_free(d);
}
END_TEST

/*
 * A start_timeout already over when the loop runs again (the exec took
 * long): the timer is armed for 0 ms, the worker killed at once.
 */
START_TEST(test_awaiting_overdue)
{
	struct drv *d = awaiting_tree(READY_FD);
	struct action a;
	struct tree *t;
	char *err;

	drv_at(d, 5900);
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_msg(t != NULL, "import: %s", err);
	tree_handoff_arm(t, 6200);	/* the loop runs 300 ms later */
	ck_assert(tree_next_action(t, &a));
	ck_assert_int_eq(a.kind, ACT_TIMER);
	ck_assert_int_eq(a.ms, 0);
	ck_assert_int_eq(a.deadline, 6200);	/* due now */
	action_release(&a);
	ck_assert(!tree_next_action(t, &a));
	tree_free(t);
	drv_free(d);
}
END_TEST

/*
 * ready = check: a check asked for at the exec is still asked for (the
 * new binary runs it at once); a failed one is retried after
 * check_interval, a passing one makes the worker ready.
 */
START_TEST(test_awaiting_check)
{
	struct drv *d = awaiting_tree(READY_CHECK);
	int64_t iv = drv_node(d, "root/w")->spec->check_interval_ms;
	char line[64];

	snprintf(line, sizeof line, "check root/w %lld", (long long)iv);
	EXPECT(d, "check timer", "timer root/w 5000", line);
	drv_at(d, 1700);
	live_reexec(d, 100);
	EXPECT(d, "*", "timer root/w 4300");
	STATE(d, "root/w", NS_STARTING);
	drv_check(d, "root/w", false);
	EXPECT(d, "*", line);
	drv_at(d, 1900);
	drv_check(d, "root/w", true);
	EXPECT(d, "*", "cancel root/w", "event ProcessReady root/w");
	STATE(d, "root/w", NS_RUNNING);
	drv_free(d);
}
END_TEST

/*
 * root with pidfile worker w (start_timeout 5 s), up, then exited at
 * 1000: restarted, its launcher gone, its pidfile awaited (the test
 * reports the adoption: hold_spawn).
 */
static struct drv *
pidfile_tree(void)
{
	struct config *c = conf_new();
	struct node_spec *s;
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	s = conf_worker(c, "root/w", RESTART_PERMANENT);
	s->pidfile = xstrdup("/run/w.pid");
	s->start_timeout_ms = 5000;
	d = drv_new(c);
	drv_start(d);
	STATE(d, "root/w", NS_RUNNING);
	drv_fake_at(d, "root/w")->hold_spawn = true;
	drv_at(d, 1000);
	drv_log_clear(d);
	drv_exit(d, "root/w", EXITED(1), NULL);
	EXPECT(d, "*", "event ProcessFailed root/w", "spawn root/w",
	    "timer root/w 5000");
	STATE(d, "root/w", NS_STARTING);
	return d;
}

/* The pidfile awaited: its start_timeout goes on; adopted after it. */
START_TEST(test_pidfile_adopted)
{
	struct drv *d = pidfile_tree();

	drv_at(d, 2000);
	live_reexec(d, 300);
	EXPECT(d, "*", "timer root/w 4000");
	ck_assert_int_eq(drv_node(d, "root/w")->pid, 0);
	drv_started(d, "root/w");
	EXPECT(d, "*", "event ProcessStarted root/w", "cancel root/w");
	STATE(d, "root/w", NS_RUNNING);
	drv_free(d);
}
END_TEST

/* Never written: given up at its original start_timeout. */
START_TEST(test_pidfile_late)
{
	struct drv *d = pidfile_tree();

	drv_at(d, 4000);
	live_reexec(d, 300);
	EXPECT(d, "*", "timer root/w 2000");
	drv_at(d, 6300);
	drv_fire(d, "root/w");
	EXPECT(d, "spawn-cancel event", "spawn-cancel root/w",
	    "event ProcessStartFailed root/w");
	EVENT_ERROR_HAS(d, EV_PROCESS_START_FAILED, "root/w",
	    "pidfile /run/w.pid not written within 5s");
	drv_free(d);
}
END_TEST

/* root with worker w: a health check every second (500 ms timeout, 3
   failures), and a watchdog of WATCHDOG_MS (0: none). */
static struct drv *
live_tree(int64_t watchdog_ms, bool health)
{
	struct config *c = conf_new();
	struct node_spec *w;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	w = conf_worker(c, "root/w", RESTART_PERMANENT);
	if (health) {
		w->health = HEALTH_TCP;
		w->health_host = xstrdup("127.0.0.1");
		w->health_port = 8080;
		w->health_interval_ms = 1000;
		w->health_timeout_ms = 500;
		w->health_retries = 3;
	}
	w->watchdog_ms = watchdog_ms;
	w->watchdog_signal = SIGABRT;
	return drv_new(c);
}

/*
 * A health check running at the exec is abandoned and runs again at once
 * after it; the failure counted before, the health status and the last
 * error stay; the next checks keep their phase.
 */
START_TEST(test_health_running)
{
	struct drv *d = live_tree(0, true);
	struct node *w;
	int64_t off, t0;
	char line[64];

	drv_start_clean(d);
	w = drv_node(d, "root/w");
	off = tree_health_offset(d->t, w);
	t0 = d->now;
	drv_live_fire(d, "root/w");		/* the first check */
	drv_health(d, "root/w", true, NULL);
	drv_live_fire(d, "root/w");		/* the second */
	drv_health(d, "root/w", false, "connect: Connection refused");
	drv_live_fire(d, "root/w");		/* the third runs */
	ck_assert_int_eq(d->now, t0 + off + 2000);
	drv_log_clear(d);
	drv_at(d, d->now + 100);
	live_reexec(d, 50);
	/* Abandoned: due again at once. */
	EXPECT(d, LIVE, "live root/w 0");
	w = drv_node(d, "root/w");
	ck_assert_int_eq(w->health, HS_HEALTHY);
	ck_assert_uint_eq(w->health_failures, 1);
	ck_assert_str_eq(w->health_error, "connect: Connection refused");
	ck_assert(w->health_started);
	drv_live_fire(d, "root/w");
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500");
	drv_health(d, "root/w", false, "connect: Connection refused");
	ck_assert_uint_eq(w->health_failures, 2);
	/*
	 * The next check on the phase it had: t0 + off + 3000, moved as
	 * every time by the 50 ms the import came later.
	 */
	snprintf(line, sizeof line, "live root/w %lld",
	    (long long)(t0 + off + 3050 - d->now));
	EXPECT(d, LIVE, line);
	drv_live_fire(d, "root/w");
	ck_assert_int_eq(d->now, t0 + off + 3050);
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500");
	/* The third failure in a row: unhealthy, as without the exec. */
	drv_health(d, "root/w", false, "connect: Connection refused");
	EXPECT(d, "event", "event ProcessUnhealthy root/w",
	    "event ProcessFailed root/w", "event ProcessStarted root/w");
	drv_free(d);
}
END_TEST

/* Between checks: the next one comes when it would have. */
START_TEST(test_health_between)
{
	struct drv *d = live_tree(0, true);
	int64_t off, t0;
	char line[64];

	drv_start_clean(d);
	off = tree_health_offset(d->t, drv_node(d, "root/w"));
	t0 = d->now;
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", true, NULL);
	drv_log_clear(d);
	drv_at(d, t0 + off + 300);
	live_reexec(d, 200);
	/* Due at t0 + off + 1000, moved by the 200 ms with the rest. */
	snprintf(line, sizeof line, "live root/w %lld", 1000LL - 300);
	EXPECT(d, LIVE, line);
	ck_assert_int_eq(drv_node(d, "root/w")->health, HS_HEALTHY);
	ck_assert_int_eq(drv_node(d, "root/w")->health_checked, t0 + off + 200);
	drv_live_fire(d, "root/w");
	ck_assert_int_eq(d->now, t0 + off + 1000 + 200);
	EXPECT(d, LIVE, "health root/w 500", "live root/w 500");
	drv_free(d);
}
END_TEST

/*
 * The watchdog: its deadline resumes with the time left; a ping after
 * the exec pushes it on; one that stops pinging is killed at its
 * original deadline.
 */
START_TEST(test_watchdog)
{
	struct drv *d = live_tree(2000, false);

	drv_start(d);
	EXPECT(d, "live", "live root/w 2000");
	drv_at(d, 1500);
	drv_watchdog(d, "root/w", false);	/* due at 3500 */
	drv_at(d, 2500);
	live_reexec(d, 100);
	EXPECT(d, LIVE, "live root/w 1000");
	ck_assert_int_eq(drv_node(d, "root/w")->health, HS_HEALTHY);
	drv_at(d, 3000);
	drv_watchdog(d, "root/w", false);	/* due at 5000 */
	EXPECT(d, LIVE, NULL);
	drv_live_fire(d, "root/w");
	EXPECT(d, LIVE, "live root/w 1400");
	drv_live_fire(d, "root/w");
	ck_assert_int_eq(d->now, 5000);
	EXPECT(d, "event signal", "event ProcessUnhealthy root/w",
	    "signal root/w 6", "signal root/w 18",
	    "event ProcessFailed root/w", "event ProcessStarted root/w");
	EVENT_ERROR_HAS(d, EV_PROCESS_UNHEALTHY, "root/w",
	    "watchdog timeout (2s)");
	drv_free(d);
}
END_TEST

/* Health and watchdog together: the earliest deadline arms the timer. */
START_TEST(test_health_watchdog)
{
	struct drv *d = live_tree(300, true);
	int64_t off;
	char line[64];

	drv_start(d);
	off = tree_health_offset(d->t, drv_node(d, "root/w"));
	drv_log_clear(d);
	drv_at(d, 100);
	live_reexec(d, 0);
	snprintf(line, sizeof line, "live root/w %lld",
	    (long long)(off < 300 ? off - 100 : 200));
	EXPECT(d, LIVE, line);
	drv_free(d);
}
END_TEST

/*
 * A health-checked worker that ran and is now stopping, then stopped
 * (its last run's phase stays), or awaiting readiness again: handed
 * over, and its checks begin anew once it runs.
 */
START_TEST(test_live_after_run)
{
	struct drv *d = live_tree(2000, true);
	struct node *w;

	drv_fake_at(d, "root/w")->ignore_term = true;
	drv_start_clean(d);
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", true, NULL);
	drv_admin(d, tree_stop_node, "root/w");
	STATE(d, "root/w", NS_STOPPING);
	w = drv_node(d, "root/w");
	ck_assert_int_ne(w->health_phase, 0);
	drv_log_clear(d);
	live_reexec(d, 100);
	EXPECT(d, LIVE " timer", "timer root/w 5000");
	drv_exit(d, "root/w", KILLED(9), NULL);
	EXPECT(d, "*", "cancel root/w", "event ProcessTerminated root/w");
	STATE(d, "root/w", NS_STOPPED);
	live_reexec(d, 100);
	EXPECT(d, "*", NULL);
	drv_admin(d, tree_start_node, "root/w");
	STATE(d, "root/w", NS_RUNNING);
	ck_assert_int_eq(drv_node(d, "root/w")->health, HS_STARTING);
	drv_free(d);
}
END_TEST

/* The same awaiting readiness: handed over with no liveness running. */
START_TEST(test_live_awaiting)
{
	struct config *c = conf_new();
	struct node_spec *s;
	struct drv *d;
	char line[64];
	int64_t off;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	s = conf_worker(c, "root/w", RESTART_PERMANENT);
	conf_ready(s, READY_NOTIFY, 5000);
	s->watchdog_ms = 2000;
	s->health = HEALTH_TCP;
	s->health_host = xstrdup("127.0.0.1");
	s->health_port = 8080;
	s->health_interval_ms = 1000;
	s->health_timeout_ms = 500;
	s->health_retries = 3;
	d = drv_new(c);
	drv_start(d);
	drv_ready(d, "root/w");
	drv_live_fire(d, "root/w");
	drv_health(d, "root/w", true, NULL);
	drv_exit(d, "root/w", EXITED(1), NULL);
	STATE(d, "root/w", NS_STARTING);
	drv_log_clear(d);
	live_reexec(d, 100);
	EXPECT(d, LIVE " timer", "timer root/w 5000");
	drv_ready(d, "root/w");
	off = tree_health_offset(d->t, drv_node(d, "root/w"));
	snprintf(line, sizeof line, "live root/w %lld",
	    (long long)(off < 2000 ? off : 2000));
	EXPECT(d, "live-cancel live", line);
	drv_free(d);
}
END_TEST

/*
 * Nothing of these is refused any more; a liveness state that cannot
 * be is refused by name on export, and refused on import.
 */
START_TEST(test_live_refusal)
{
	struct drv *d = live_tree(2000, true);
	struct node *w;
	struct tree *t;
	char *why, *err;

	drv_start_clean(d);
	ck_assert_ptr_null(tree_handoff_refusal(d->t));
	w = drv_node(d, "root/w");
	w->watchdog_due = 0;
	why = tree_handoff_refusal(d->t);
	ck_assert_str_eq(why, "root/w: its health checks or watchdog are in "
	    "a state not handed off (not handed off yet)");
	free(why);
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "root/w: its health checks or "
	    "watchdog are not those of state"));
	free(err);
	w->watchdog_due = d->now + 1000;
	w->health_running = true;	/* running, without its timeout */
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_null(t);
	free(err);
	w->health_running = false;
	/* A supervisor with a watchdog deadline. */
	drv_node(d, "root")->watchdog_due = 5;
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_null(t);
	free(err);
	drv_node(d, "root")->watchdog_due = 0;
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_nonnull(t);
	tree_free(t);
	drv_free(d);
}
END_TEST

/* An awaiting worker without a pid, or a running one's liveness on a
   worker awaiting: refused. */
START_TEST(test_awaiting_bad)
{
	struct drv *d = awaiting_tree(READY_NOTIFY);
	struct node *w;
	struct tree *t;
	char *err;

	w = drv_node(d, "root/w");
	w->health_phase = 10;
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_null(t);
	free(err);
	w->health_phase = 0;
	w->pid = 0;
	t = reimport(d->t, d->conf, d->now, d->now, &err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "pid 0"));
	free(err);
	drv_free(d);
}
END_TEST

Suite *
handoff_live_suite(void)
{
	Suite *s = suite_create("handoff_live");
	TCase *tr = tcase_create("ready");
	TCase *tl = tcase_create("live");

	tcase_add_loop_test(tr, test_awaiting_ready, 0, 4);
	tcase_add_test(tr, test_awaiting_timeout);
	tcase_add_test(tr, test_awaiting_overdue);
	tcase_add_test(tr, test_awaiting_check);
	tcase_add_test(tr, test_awaiting_bad);
	tcase_add_test(tr, test_pidfile_adopted);
	tcase_add_test(tr, test_pidfile_late);
	suite_add_tcase(s, tr);
	tcase_add_test(tl, test_health_running);
	tcase_add_test(tl, test_health_between);
	tcase_add_test(tl, test_watchdog);
	tcase_add_test(tl, test_health_watchdog);
	tcase_add_test(tl, test_live_after_run);
	tcase_add_test(tl, test_live_awaiting);
	tcase_add_test(tl, test_live_refusal);
	suite_add_tcase(s, tl);
	return s;
}
