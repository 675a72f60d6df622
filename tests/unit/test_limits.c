/*
 * test_limits.c: the tree's decisions about cgroup limits (ACT_LIMITS),
 * without a kernel: a node that sets a limit has it written before it
 * starts (a supervisor before its setup script, a worker before its
 * spawn), on every start; a node without limits costs no action; a reload
 * that changes limits of a running node writes them in place and
 * restarts nothing, also when a limit goes away (written back to the
 * default); a stopped node gets its new limits when it next starts.
 * The OOM killer's kill is a failure's reason, naming the limit.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "suites.h"
#include "tree.h"
#include "util.h"

#define MIB(n)	(INT64_C(n) << 20)

/* No action of KINDS ("limits spawn") was logged; clears the log. */
static void
no_action(struct drv *d, const char *kinds)
{
	EXPECT(d, kinds, NULL);
}

/* root (memory_max 1G) with a (pids_max 32, memory_max M) and b (none). */
static struct config *
conf_limits(int64_t a_memory)
{
	struct config *c = conf_new();
	struct node_spec *s;

	s = conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	s->intensity = 10;
	s->cg_limits[CGL_MEMORY_MAX] = MIB(1024);
	s = conf_worker(c, "root/a", RESTART_PERMANENT);
	s->cg_limits[CGL_PIDS_MAX] = 32;
	s->cg_limits[CGL_MEMORY_MAX] = a_memory;
	conf_worker(c, "root/b", RESTART_PERMANENT);
	return c;
}

/* Limits go first: the supervisor's before its setup, a worker's before
   its spawn, again on a restart; b, with none, gets no action. */
START_TEST(test_limits_at_start)
{
	struct drv *d = drv_new(conf_limits(MIB(64)));

	drv_start(d);
	EXPECT(d, "limits setup spawn",
	    "limits root", "setup root", "limits root/a", "spawn root/a",
	    "spawn root/b");
	drv_exit(d, "root/a", EXITED(1), NULL);
	EXPECT(d, "limits spawn", "limits root/a", "spawn root/a");
	drv_exit(d, "root/b", EXITED(1), NULL);
	EXPECT(d, "limits spawn", "spawn root/b");
	drv_free(d);
}
END_TEST

/* A reload writes changed limits in place: no stop, no spawn, same pids. */
START_TEST(test_limits_reload_live)
{
	struct drv *d = drv_new(conf_limits(MIB(64)));
	struct strv report = { 0 };
	struct config *c;
	pid_t pa, pb;

	drv_start(d);
	pa = drv_node(d, "root/a")->pid;
	pb = drv_node(d, "root/b")->pid;
	drv_log_clear(d);

	c = conf_limits(MIB(128));
	conf_lookup(c, "root")->cg_limits[CGL_MEMORY_MAX] = CGL_UNSET;
	conf_lookup(c, "root/b")->cg_limits[CGL_CPU_MAX] = 50000;
	drv_reload(d, c, &report);
	EXPECT_LINES(&report,
	    "updated root (memory_max) without a restart",
	    "updated root/a (memory_max) without a restart",
	    "updated root/b (cpu_max) without a restart");
	EXPECT(d, "limits spawn signal setup cleanup",
	    "limits root", "limits root/a", "limits root/b");
	ck_assert_int_eq(drv_node(d, "root")->spec->cg_limits[CGL_MEMORY_MAX],
	    CGL_UNSET);
	ck_assert_int_eq(drv_node(d, "root/a")->spec->cg_limits[CGL_MEMORY_MAX],
	    MIB(128));
	ck_assert_int_eq(drv_node(d, "root/a")->pid, pa);
	ck_assert_int_eq(drv_node(d, "root/b")->pid, pb);
	STATE(d, "root/a", NS_RUNNING);
	strv_free(&report);

	/* The same again: nothing changes, nothing is written. */
	c = conf_limits(MIB(128));
	conf_lookup(c, "root")->cg_limits[CGL_MEMORY_MAX] = CGL_UNSET;
	conf_lookup(c, "root/b")->cg_limits[CGL_CPU_MAX] = 50000;
	drv_reload(d, c, &report);
	no_action(d, "limits spawn signal");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* A stopped node's new limits wait for its next start. */
START_TEST(test_limits_stopped_node)
{
	struct drv *d = drv_new(conf_limits(MIB(64)));
	struct strv report = { 0 };

	drv_start(d);
	drv_admin(d, tree_stop_node, "root/a");
	STATE(d, "root/a", NS_STOPPED);
	drv_log_clear(d);
	drv_reload(d, conf_limits(MIB(256)), &report);
	no_action(d, "limits spawn");
	ck_assert_int_eq(drv_node(d, "root/a")->spec->cg_limits[CGL_MEMORY_MAX],
	    MIB(256));
	drv_admin(d, tree_start_node, "root/a");
	EXPECT(d, "limits spawn", "limits root/a", "spawn root/a");
	strv_free(&report);
	drv_free(d);
}
END_TEST

/* The last event of TYPE about PATH. */
static const struct event *
last(struct drv *d, enum event_type type, const char *path)
{
	const struct event *ev = drv_last_event(d, type, path);

	ck_assert_msg(ev != NULL, "no %s event for %s", event_type_name(type),
	    path);
	return ev;
}

/* The OOM killer's kill is the reason, with the memory_max that bounded
   it (the worker's own, or its nearest supervisor's), and marks the
   event; the next run starts with a clean slate. */
START_TEST(test_limits_oom_reason)
{
	struct drv *d = drv_new(conf_limits(MIB(64)));
	const struct event *ev;
	char *line;

	drv_start(d);
	tree_worker_oom(d->t, drv_node(d, "root/a"));
	drv_exit(d, "root/a", KILLED(SIGKILL), "out of memory?");
	ev = last(d, EV_PROCESS_FAILED, "root/a");
	ck_assert_str_eq(ev->error, "killed by the OOM killer (memory_max 64M)");
	ck_assert_int_eq(ev->oom, 1);
	ck_assert_str_eq(drv_node(d, "root/a")->last_error,
	    "killed by the OOM killer (memory_max 64M)");
	line = event_format(ev, EVENT_FORMAT_JSON);
	ck_assert_msg(strstr(line, ",\"oom\":true}") != NULL, "%s", line);
	free(line);

	/* b has no limit of its own: root's bounded it. */
	tree_worker_oom(d->t, drv_node(d, "root/b"));
	drv_exit(d, "root/b", KILLED(SIGKILL), NULL);
	ck_assert_str_eq(last(d, EV_PROCESS_FAILED, "root/b")->error,
	    "killed by the OOM killer (memory_max 1G of root)");

	/* Restarted, a plain crash is a plain crash again. */
	drv_exit(d, "root/a", EXITED(2), NULL);
	ev = last(d, EV_PROCESS_FAILED, "root/a");
	ck_assert_str_eq(ev->error, "exit status 2");
	ck_assert_int_eq(ev->oom, 0);
	line = event_format(ev, EVENT_FORMAT_JSON);
	ck_assert_ptr_null(strstr(line, "oom"));
	free(line);
	drv_free(d);
}
END_TEST

/* No memory_max anywhere: the OOM killer is named without a limit. */
START_TEST(test_limits_oom_unbounded)
{
	struct config *c = conf_new();
	struct drv *d;

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE)->intensity = 5;
	conf_worker(c, "root/a", RESTART_PERMANENT)->cg_limits[CGL_PIDS_MAX] =
	    10;
	d = drv_new(c);
	drv_start(d);
	tree_worker_oom(d->t, drv_node(d, "root/a"));
	drv_exit(d, "root/a", KILLED(SIGKILL), NULL);
	ck_assert_str_eq(last(d, EV_PROCESS_FAILED, "root/a")->error,
	    "killed by the OOM killer");
	drv_free(d);
}
END_TEST

Suite *
limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("cgroup");

	tcase_add_test(tc, test_limits_at_start);
	tcase_add_test(tc, test_limits_reload_live);
	tcase_add_test(tc, test_limits_stopped_node);
	tcase_add_test(tc, test_limits_oom_reason);
	tcase_add_test(tc, test_limits_oom_unbounded);
	suite_add_tcase(s, tc);
	return s;
}
