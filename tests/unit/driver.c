/*
 * driver.c: the fake world of the supervision tests (see driver.h): a
 * configuration builder and a driver that performs the tree's actions the
 * way arbord would, with a fake clock and no processes, logging each one.
 *
 * Per-node records are kept by runtime node, not by position, because a
 * reload changes the tree under the driver: new nodes appear, removed ones
 * live on outside the tree until ACT_FREE releases them, and a removed node
 * and a new one of another kind may share a path while both are alive.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "tree.h"
#include "util.h"

/*
 * Configuration builder.
 */

/* An empty hand-built configuration. */
struct config *
conf_new(void)
{
	struct config *c = xcalloc(1, sizeof *c);

	c->file = xstrdup("test.ini");
	c->dir = xstrdup("/tmp");
	return c;
}

/* The spec at PATH in C, or NULL. */
struct node_spec *
conf_lookup(const struct config *c, const char *path)
{
	for (size_t i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i]->path, path) == 0)
			return c->nodes[i];
	return NULL;
}

/* Add a node at PATH with every default; its parent must already exist. */
struct node_spec *
conf_add(struct config *c, enum node_kind kind, const char *path)
{
	struct node_spec *s = xcalloc(1, sizeof *s), *p;
	const char *slash = strrchr(path, '/');

	spec_defaults(s, kind);
	s->path = xstrdup(path);
	s->name = s->path + (slash != NULL ? slash - path + 1 : 0);
	s->file = "test.ini";
	s->line = (int)c->nnodes + 1;
	if (kind == NODE_WORKER)
		strv_push(&s->argv, xstrdup("true"));
	if (slash == NULL) {
		ck_assert_ptr_null(c->root);
		c->root = s;
	} else {
		char *ppath = xstrndup(path, (size_t)(slash - path));

		p = conf_lookup(c, ppath);
		ck_assert_msg(p != NULL, "no parent for %s", path);
		ck_assert_int_eq(p->kind, NODE_SUPERVISOR);
		free(ppath);
		s->parent = p;
		p->children = xreallocarray(p->children, p->nchildren + 1,
		    sizeof *p->children);
		p->children[p->nchildren++] = s;
	}
	c->nodes = xreallocarray(c->nodes, c->nnodes + 1, sizeof *c->nodes);
	c->nodes[c->nnodes++] = s;
	return s;
}

/* Add a supervisor with STRATEGY. */
struct node_spec *
conf_sup(struct config *c, const char *path, enum strategy strategy)
{
	struct node_spec *s = conf_add(c, NODE_SUPERVISOR, path);

	s->strategy = strategy;
	return s;
}

/* Add a worker with restart policy RESTART. */
struct node_spec *
conf_worker(struct config *c, const char *path, enum restart restart)
{
	struct node_spec *s = conf_add(c, NODE_WORKER, path);

	s->restart = restart;
	return s;
}

/*
 * Add a pool at PATH as the loader expands "instances = N": a one_for_one
 * supervisor with its parent's intensity and period, and N permanent
 * workers PATH/1 .. PATH/N.
 */
struct node_spec *
conf_pool(struct config *c, const char *path, int n)
{
	struct node_spec *s = conf_sup(c, path, STRATEGY_ONE_FOR_ONE);

	s->instances = n;
	s->intensity = s->parent->intensity;
	s->period_ms = s->parent->period_ms;
	for (int i = 1; i <= n; i++) {
		char *w = xasprintf("%s/%d", path, i);

		conf_worker(c, w, RESTART_PERMANENT);
		free(w);
	}
	return s;
}

/*
 * Add a significant pool as the loader expands "significant = yes" with
 * "instances = N": conf_pool's, significant with RESTART and auto_shutdown
 * all_significant, its instances significant with RESTART.
 */
struct node_spec *
conf_pool_significant(struct config *c, const char *path, int n,
    enum restart restart)
{
	struct node_spec *s = conf_pool(c, path, n);

	s->restart = restart;
	s->significant = 1;
	s->auto_shutdown = AUTO_SHUTDOWN_ALL;
	for (size_t i = 0; i < s->nchildren; i++) {
		s->children[i]->restart = restart;
		s->children[i]->significant = 1;
	}
	return s;
}

/* Replace the command of worker S by the words of LINE. */
void
conf_command(struct node_spec *s, const char *line)
{
	char *err = NULL;

	strv_free(&s->argv);
	ck_assert_msg(argv_split(line, &s->argv, &err) == 0, "%s: %s", line,
	    err != NULL ? err : "?");
}

/* Make worker S ready by READY (not exec) within START_TIMEOUT_MS. */
void
conf_ready(struct node_spec *s, enum ready ready, int64_t start_timeout_ms)
{
	ck_assert_int_eq(s->kind, NODE_WORKER);
	s->ready = ready;
	s->start_timeout_ms = start_timeout_ms;
	strv_free(&s->ready_check);
	s->ready_fd = ready == READY_FD ? 3 : 0;
	s->ready_delay_ms = ready == READY_DELAY ? 1000 : 0;
	if (ready == READY_CHECK)
		strv_push(&s->ready_check, xstrdup("true"));
}

/* Give S a restart backoff of BASE_MS doubling up to MAX_MS (0: none). */
void
conf_backoff(struct node_spec *s, int64_t base_ms, int64_t max_ms)
{
	s->restart_delay_ms = base_ms;
	s->restart_delay_max_ms = max_ms;
}

/* Free a hand-built configuration. */
void
conf_destroy(struct config *c)
{
	for (size_t i = 0; i < c->nnodes; i++)
		spec_free(c->nodes[i]);
	free(c->nodes);
	free(c->file);
	free(c->dir);
	free(c);
}

/* root (STRATEGY, INTENSITY in 5s) with permanent workers a, b and c. */
struct config *
conf_flat(enum strategy strategy, int intensity)
{
	struct config *c = conf_new();

	conf_sup(c, "root", strategy)->intensity = intensity;
	conf_worker(c, "root/a", RESTART_PERMANENT);
	conf_worker(c, "root/b", RESTART_PERMANENT);
	conf_worker(c, "root/c", RESTART_PERMANENT);
	return c;
}

/* root: s (x, y), w; both supervisors allow 1 restart in 5s. */
struct config *
conf_nested(void)
{
	struct config *c = conf_new();

	conf_sup(c, "root", STRATEGY_ONE_FOR_ONE);
	conf_sup(c, "root/s", STRATEGY_ONE_FOR_ONE);
	conf_worker(c, "root/s/x", RESTART_PERMANENT);
	conf_worker(c, "root/s/y", RESTART_PERMANENT);
	conf_worker(c, "root/w", RESTART_PERMANENT);
	return c;
}

/*
 * The fake world.
 */

/* A driver and a stopped tree for C, which the driver owns. */
struct drv *
drv_new(struct config *c)
{
	struct drv *d = xcalloc(1, sizeof *d);

	d->conf = c;
	d->t = tree_new(c, STATE_ROOT);
	d->nextpid = PID0;
	ck_assert_uint_eq(d->t->nnodes, c->nnodes);
	return d;
}

/* Forget fake record I. */
static void
fake_drop(struct drv *d, size_t i)
{
	struct fake *f = d->fake[i];

	strv_free(&f->setup_out);
	free(f->path);
	free(f);
	d->nfake--;
	memmove(d->fake + i, d->fake + i + 1, (d->nfake - i) * sizeof *d->fake);
}

/* Free the driver, its tree and its configuration. */
void
drv_free(struct drv *d)
{
	tree_free(d->t);
	conf_destroy(d->conf);
	for (size_t i = 0; i < d->nin; i++)
		free(d->in[i].error);
	free(d->in);
	for (size_t i = 0; i < d->nev; i++)
		event_free(&d->ev[i]);
	free(d->ev);
	while (d->nfake > 0)
		fake_drop(d, d->nfake - 1);
	free(d->fake);
	strv_free(&d->log);
	free(d);
}

/* The runtime node at PATH; the test fails if there is none. */
struct node *
drv_node(struct drv *d, const char *path)
{
	struct node *n = tree_find(d->t, path);

	ck_assert_msg(n != NULL, "no node %s", path);
	return n;
}

/* A new fake record for PATH, owned by N (may be NULL). */
static struct fake *
fake_new(struct drv *d, const char *path, const struct node *n)
{
	struct fake *f = xcalloc(1, sizeof *f);

	f->path = xstrdup(path);
	f->node = n;
	d->fake = xreallocarray(d->fake, d->nfake + 1, sizeof *d->fake);
	d->fake[d->nfake++] = f;
	return f;
}

/* The fake world's record of node N, made on first use. */
struct fake *
drv_fake(struct drv *d, const struct node *n)
{
	size_t i;

	for (i = 0; i < d->nfake; i++)
		if (d->fake[i]->node == n)
			return d->fake[i];
	/* A record the test made for a node still to come. */
	for (i = 0; i < d->nfake; i++)
		if (d->fake[i]->node == NULL &&
		    strcmp(d->fake[i]->path, n->path) == 0) {
			d->fake[i]->node = n;
			return d->fake[i];
		}
	return fake_new(d, n->path, n);
}

/* The fake world's record of the node at PATH; the test fails if none. */
struct fake *
drv_fake_at(struct drv *d, const char *path)
{
	return drv_fake(d, drv_node(d, path));
}

/* A record for the node a reload will add at PATH, taken when it comes. */
struct fake *
drv_fake_new(struct drv *d, const char *path)
{
	ck_assert_msg(tree_find(d->t, path) == NULL, "%s exists", path);
	for (size_t i = 0; i < d->nfake; i++)
		ck_assert_msg(d->fake[i]->node != NULL ||
		    strcmp(d->fake[i]->path, path) != 0,
		    "a record for %s is waiting already", path);
	return fake_new(d, path, NULL);
}

/* Queue an answer from the world. */
static void
drv_queue(struct drv *d, enum input_kind kind, struct node *n, int status,
    const char *error)
{
	d->in = xreallocarray(d->in, d->nin + 1, sizeof *d->in);
	d->in[d->nin].kind = kind;
	d->in[d->nin].node = n;
	d->in[d->nin].status = status;
	d->in[d->nin].error = error != NULL ? xstrdup(error) : NULL;
	d->nin++;
}

/*
 * Forget the records of N and its subtree, which the tree is about to
 * free; nothing of them may still run or have an answer on its way.
 */
static void
drv_forget(struct drv *d, const struct node *n)
{
	const char *path = n->path;

	for (size_t i = 0; i < n->nchildren; i++)
		drv_forget(d, n->children[i]);
	ck_assert_msg(!node_active(n), "free of %s while %s", path,
	    node_state_name(node_status(n)));
	for (size_t i = 0; i < d->nin; i++)
		ck_assert_msg(d->in[i].node != n,
		    "free of %s with an answer on its way", path);
	for (size_t i = 0; i < d->nfake; i++) {
		struct fake *f = d->fake[i];

		if (f->node != n)
			continue;
		ck_assert_msg(f->pid == 0 && f->old_pid == 0,
		    "free of %s, pid %d/%d runs", path, (int)f->pid,
		    (int)f->old_pid);
		ck_assert_msg(f->script == 0, "free of %s while %c runs",
		    path, f->script);
		fake_drop(d, i);
		break;
	}
}

/* Perform ACT_FREE: check N is out of the tree, then release it. */
static void
drv_release(struct drv *d, struct node *n)
{
	const char *path = n->path;

	strv_pushf(&d->log, "free %s", path);
	d->frees++;
	ck_assert_msg(n->detached, "free of %s, not removed", path);
	for (size_t i = 0; i < d->t->nnodes; i++)
		ck_assert_msg(d->t->nodes[i] != n, "free of %s, in the tree",
		    path);
	drv_forget(d, n);
	tree_node_release(d->t, n);
}

/* Perform one action the way the daemon would, and log it. */
static void
drv_act(struct drv *d, const struct action *a)
{
	const char *path = a->node->path;
	struct fake *f;

	ck_assert_msg(d->exits == 0, "action %d on %s after ACT_EXIT",
	    a->kind, path);
	if (a->kind == ACT_FREE) {
		drv_release(d, a->node);
		return;
	}
	f = drv_fake(d, a->node);
	switch (a->kind) {
	case ACT_SPAWN:
		strv_pushf(&d->log, "spawn %s", path);
		ck_assert_int_eq(a->node->spec->kind, NODE_WORKER);
		ck_assert_msg(f->pid == 0, "spawn of running %s", path);
		ck_assert_msg(!a->node->detached, "spawn of removed %s", path);
		if (f->hold_spawn)
			break;
		if (f->exec_fail != 0) {
			if (f->exec_fail > 0)
				f->exec_fail--;
			drv_queue(d, IN_START_FAILED, a->node, 0,
			    "exec: No such file or directory");
		} else
			drv_queue(d, IN_STARTED, a->node, 0, NULL);
		break;
	case ACT_SIGNAL:
		if (a->old) {
			strv_pushf(&d->log, "signal-old %s %d", path, a->sig);
			ck_assert_int_eq(a->scope, SIGNAL_GROUP);
			ck_assert_msg(f->old_pid != 0, "signal %d to the old "
			    "process of %s: none", a->sig, path);
			if (f->old_dying || a->sig == SIGCONT)
				break;
			if (a->sig == SIGKILL || !f->ignore_term) {
				f->old_dying = true;
				drv_queue(d, IN_OLD_EXITED, a->node,
				    KILLED(a->sig), NULL);
			}
			break;
		}
		if (a->scope == SIGNAL_GROUP)
			strv_pushf(&d->log, "signal %s %d", path, a->sig);
		else
			strv_pushf(&d->log, "signal %s %d %s", path, a->sig,
			    signal_scope_name(a->scope));
		ck_assert_msg(f->pid != 0, "signal %d to %s, not running",
		    a->sig, path);
		if (f->dying || a->sig == SIGCONT)
			break;
		if (a->sig == SIGKILL || !f->ignore_term) {
			f->dying = true;
			drv_queue(d, IN_EXITED, a->node, KILLED(a->sig), NULL);
		}
		break;
	case ACT_TIMER:
		strv_pushf(&d->log, "timer %s %lld", path, (long long)a->ms);
		f->timer = true;
		f->timer_ms = a->ms;
		break;
	case ACT_CHECK:
		strv_pushf(&d->log, "check %s %lld", path, (long long)a->ms);
		ck_assert_int_eq(a->node->spec->ready, READY_CHECK);
		f->check = true;
		break;
	case ACT_SPAWN_CANCEL:
		strv_pushf(&d->log, "spawn-cancel %s", path);
		f->pid = 0;
		break;
	case ACT_TIMER_CANCEL:
		strv_pushf(&d->log, "cancel %s", path);
		f->timer = false;
		break;
	case ACT_SETUP:
		strv_pushf(&d->log, "setup %s", path);
		ck_assert_int_eq(a->node->spec->kind, NODE_SUPERVISOR);
		ck_assert_msg(f->script == 0, "setup of %s while %c runs",
		    path, f->script);
		ck_assert_msg(!a->node->detached, "setup of removed %s", path);
		f->script = 'S';
		f->script_done = false;
		if (f->hold_setup)
			break;
		f->script_done = true;
		if (f->setup_fail != 0) {
			if (f->setup_fail > 0)
				f->setup_fail--;
			drv_queue(d, IN_SETUP_DONE, a->node, 0,
			    "exit status 1");
		} else
			drv_queue(d, IN_SETUP_DONE, a->node, 0, NULL);
		break;
	case ACT_CLEANUP:
		strv_pushf(&d->log, "cleanup %s", path);
		ck_assert_int_eq(a->node->spec->kind, NODE_SUPERVISOR);
		ck_assert_msg(f->script == 0, "cleanup of %s while %c runs",
		    path, f->script);
		f->script = 'C';
		f->script_done = false;
		if (f->hold_cleanup)
			break;
		f->script_done = true;
		drv_queue(d, IN_CLEANUP_DONE, a->node, 0, f->cleanup_error);
		break;
	case ACT_KILL_SCRIPT:
		strv_pushf(&d->log, "kill-script %s", path);
		ck_assert_msg(f->script != 0, "kill-script: %s runs none",
		    path);
		if (f->script_done)
			break;
		f->script_done = true;
		drv_queue(d, f->script == 'S' ? IN_SETUP_DONE :
		    IN_CLEANUP_DONE, a->node, 0, "killed by SIGKILL");
		break;
	case ACT_EVENT:
		strv_pushf(&d->log, "event %s %s", event_type_name(a->ev.type),
		    a->ev.path);
		ck_assert_str_eq(a->ev.path, path);
		ck_assert_int_eq(a->ev.kind, a->node->spec->kind);
		d->ev = xreallocarray(d->ev, d->nev + 1, sizeof *d->ev);
		event_copy(&d->ev[d->nev++], &a->ev);
		break;
	case ACT_EXIT:
		strv_pushf(&d->log, "exit %d", a->status);
		d->exits++;
		break;
	case ACT_LIMITS:
		strv_pushf(&d->log, "limits %s", path);
		ck_assert_msg(!a->node->detached, "limits of removed %s", path);
		break;
	case ACT_HEALTH:
		strv_pushf(&d->log, "health %s %lld", path, (long long)a->ms);
		ck_assert_msg(f->pid != 0, "health check of %s, not running",
		    path);
		ck_assert_msg(!f->health, "health check of %s while one runs",
		    path);
		ck_assert_int_ne(a->node->spec->health, HEALTH_NONE);
		f->health = true;
		break;
	case ACT_HEALTH_CANCEL:
		strv_pushf(&d->log, "health-cancel %s", path);
		ck_assert_msg(f->health, "health-cancel of %s: none runs",
		    path);
		f->health = false;
		break;
	case ACT_LIVE_TIMER:
		strv_pushf(&d->log, "live %s %lld", path, (long long)a->ms);
		ck_assert_int_eq(a->deadline, d->now + a->ms);
		f->live = true;
		f->live_deadline = a->deadline;
		break;
	case ACT_LIVE_CANCEL:
		strv_pushf(&d->log, "live-cancel %s", path);
		f->live = false;
		break;
	case ACT_ASIDE:
		strv_pushf(&d->log, "aside %s", path);
		ck_assert_int_eq(a->node->spec->kind, NODE_WORKER);
		ck_assert_msg(f->pid != 0 && f->old_pid == 0,
		    "aside of %s: pids %d/%d", path, (int)f->pid,
		    (int)f->old_pid);
		f->old_pid = f->pid;
		f->old_dying = f->dying;
		f->pid = 0;
		f->dying = false;
		break;
	case ACT_RESTORE:
		strv_pushf(&d->log, "restore %s", path);
		ck_assert_msg(f->pid == 0 && f->old_pid != 0 && !f->old_dying,
		    "restore of %s: pids %d/%d", path, (int)f->pid,
		    (int)f->old_pid);
		f->pid = f->old_pid;
		f->old_pid = 0;
		break;
	default:
		ck_abort_msg("unknown action %d", a->kind);
	}
}

/* Feed the oldest queued answer to the tree. */
static void
drv_deliver(struct drv *d)
{
	struct input in = d->in[0];
	struct fake *f = drv_fake(d, in.node);
	struct strv env = { 0 };

	d->nin--;
	memmove(d->in, d->in + 1, d->nin * sizeof *d->in);
	switch (in.kind) {
	case IN_STARTED:
		f->pid = d->nextpid++;
		tree_worker_started(d->t, in.node, f->pid, d->now);
		if (f->ready_on_start && in.node->spec->ready != READY_EXEC)
			drv_queue(d, IN_READY, in.node, 0, NULL);
		break;
	case IN_READY:
		/* Like arbord: a process gone is no longer watched. */
		if (f->pid != 0 && !f->dying)
			tree_worker_ready(d->t, in.node, d->now);
		break;
	case IN_START_FAILED:
		tree_worker_start_failed(d->t, in.node, in.error, d->now);
		break;
	case IN_EXITED:
		f->pid = 0;
		f->dying = false;
		tree_worker_exited(d->t, in.node, in.status, NULL, 0, d->now);
		break;
	case IN_OLD_EXITED:
		f->old_pid = 0;
		f->old_dying = false;
		tree_worker_old_exited(d->t, in.node, in.status, NULL, 0,
		    d->now);
		break;
	case IN_SETUP_DONE:
		f->script = 0;
		strv_copy(&env, f->setup_out.v);
		tree_setup_done(d->t, in.node, in.error, &env, d->now);
		strv_free(&env);
		break;
	case IN_CLEANUP_DONE:
		f->script = 0;
		tree_cleanup_done(d->t, in.node, in.error, d->now);
		break;
	}
	free(in.error);
}

/* Perform every action and feed every answer until nothing is left. */
void
drv_settle(struct drv *d)
{
	struct action a;

	for (int i = 0; i < 10000; i++) {
		if (tree_next_action(d->t, &a)) {
			drv_act(d, &a);
			action_release(&a);
		} else if (d->nin > 0)
			drv_deliver(d);
		else {
			char *err = tree_check(d->t);

			ck_assert_msg(err == NULL, "tree_check: %s", err);
			return;
		}
	}
	ck_abort_msg("the tree does not settle");
}

/* Set the fake clock. */
void
drv_at(struct drv *d, int64_t now)
{
	d->now = now;
}

/* Start the tree and let it settle. */
void
drv_start(struct drv *d)
{
	tree_start(d->t, d->now);
	drv_settle(d);
}

/* Start the tree, let it settle and forget the start's actions. */
void
drv_start_clean(struct drv *d)
{
	drv_start(d);
	drv_log_clear(d);
}

/* A driver for C whose tree has started, with an empty log. */
struct drv *
drv_up(struct config *c)
{
	struct drv *d = drv_new(c);

	drv_start_clean(d);
	return d;
}

/* Forget the actions logged so far. */
void
drv_log_clear(struct drv *d)
{
	strv_free(&d->log);
}

/* Ask the tree to shut down and let it settle. */
void
drv_shutdown(struct drv *d)
{
	tree_shutdown(d->t, d->now);
	drv_settle(d);
}

/*
 * Reload the tree with C (the driver owns it from now on, the old one is
 * freed: the tree keeps copies) and put its report in REPORT; the actions
 * wait for drv_settle.
 */
void
drv_reload_only(struct drv *d, struct config *c, struct strv *report)
{
	size_t surge = 0;

	tree_reload(d->t, c, d->now, report);
	conf_destroy(d->conf);
	d->conf = c;
	/* One node per spec, and the surge instances of rolls it began. */
	for (size_t i = 0; i < d->t->nnodes; i++)
		if (d->t->nodes[i]->rolling && node_is_pool(d->t->nodes[i]))
			surge += d->t->nodes[i]->nchildren -
			    d->t->nodes[i]->roll_size;
	ck_assert_uint_eq(d->t->nnodes, c->nnodes + surge);
}

/* Reload the tree with C as drv_reload_only does, then settle. */
void
drv_reload(struct drv *d, struct config *c, struct strv *report)
{
	drv_reload_only(d, c, report);
	drv_settle(d);
}

/* The held exec of N succeeded. */
void
drv_started_node(struct drv *d, struct node *n)
{
	struct fake *f = drv_fake(d, n);

	ck_assert_int_eq(f->pid, 0);
	f->pid = d->nextpid++;
	tree_worker_started(d->t, n, f->pid, d->now);
	if (f->ready_on_start && n->spec->ready != READY_EXEC)
		drv_queue(d, IN_READY, n, 0, NULL);
	drv_settle(d);
}

/* The held exec of PATH succeeded. */
void
drv_started(struct drv *d, const char *path)
{
	drv_started_node(d, drv_node(d, path));
}

/* The started worker N reports that it is ready. */
void
drv_ready_node(struct drv *d, struct node *n)
{
	struct fake *f = drv_fake(d, n);

	ck_assert_msg(f->pid != 0 && !f->dying, "%s is not running",
	    n->path);
	tree_worker_ready(d->t, n, d->now);
	drv_settle(d);
}

/* The started worker at PATH reports that it is ready. */
void
drv_ready(struct drv *d, const char *path)
{
	drv_ready_node(d, drv_node(d, path));
}

/* The held exec of PATH failed. */
void
drv_start_failed(struct drv *d, const char *path, const char *error)
{
	ck_assert_int_eq(drv_fake_at(d, path)->pid, 0);
	tree_worker_start_failed(d->t, drv_node(d, path), error, d->now);
	drv_settle(d);
}

/* The worker N exits by itself with WSTATUS. */
void
drv_exit_node(struct drv *d, struct node *n, int wstatus,
    const char *lastline)
{
	struct fake *f = drv_fake(d, n);

	ck_assert_msg(f->pid != 0 && !f->dying, "%s is not running",
	    n->path);
	f->pid = 0;
	tree_worker_exited(d->t, n, wstatus, lastline, d->now, d->now);
	drv_settle(d);
}

/* The old process of the rolled worker at PATH exits by itself. */
void
drv_old_exit(struct drv *d, const char *path, int wstatus)
{
	struct fake *f = drv_fake_at(d, path);

	ck_assert_msg(f->old_pid != 0 && !f->old_dying,
	    "%s has no old process", path);
	f->old_pid = 0;
	tree_worker_old_exited(d->t, drv_node(d, path), wstatus, NULL,
	    d->now, d->now);
	drv_settle(d);
}

/* The worker at PATH exits by itself with WSTATUS. */
void
drv_exit(struct drv *d, const char *path, int wstatus, const char *lastline)
{
	drv_exit_node(d, drv_node(d, path), wstatus, lastline);
}

/* The held setup of PATH ended, with ERROR or successfully. */
void
drv_setup_done(struct drv *d, const char *path, const char *error)
{
	struct fake *f = drv_fake_at(d, path);
	struct strv env = { 0 };

	ck_assert_int_eq(f->script, 'S');
	ck_assert(!f->script_done);
	f->script = 0;
	strv_copy(&env, f->setup_out.v);
	tree_setup_done(d->t, drv_node(d, path), error, &env, d->now);
	strv_free(&env);
	drv_settle(d);
}

/* The readiness check of PATH, which the tree asked for, ends. */
void
drv_check(struct drv *d, const char *path, bool ok)
{
	struct fake *f = drv_fake_at(d, path);

	ck_assert_msg(f->check, "no check asked for %s", path);
	f->check = false;
	tree_check_done(d->t, drv_node(d, path), ok, d->now);
	drv_settle(d);
}

/* The armed timer of N expires. */
void
drv_fire_node(struct drv *d, struct node *n)
{
	struct fake *f = drv_fake(d, n);

	ck_assert_msg(f->timer, "no timer armed for %s", n->path);
	f->timer = false;
	tree_timer_fired(d->t, n, d->now);
	drv_settle(d);
}

/* The running health check of PATH ends: OK, or failed for REASON. */
void
drv_health(struct drv *d, const char *path, bool ok, const char *reason)
{
	struct fake *f = drv_fake_at(d, path);

	ck_assert_msg(f->health, "no health check runs for %s", path);
	f->health = false;
	tree_health_done(d->t, drv_node(d, path), ok, reason, d->now);
	drv_settle(d);
}

/* The worker at PATH sends WATCHDOG=1, or WATCHDOG=trigger. */
void
drv_watchdog(struct drv *d, const char *path, bool trigger)
{
	tree_watchdog(d->t, drv_node(d, path), trigger, d->now);
	drv_settle(d);
}

/* Move the clock to PATH's liveness deadline and fire its timer. */
void
drv_live_fire(struct drv *d, const char *path)
{
	struct fake *f = drv_fake_at(d, path);

	ck_assert_msg(f->live, "no liveness timer armed for %s", path);
	f->live = false;
	if (f->live_deadline > d->now)
		d->now = f->live_deadline;
	tree_live_timer_fired(d->t, drv_node(d, path), d->now);
	drv_settle(d);
}

/* The armed timer of PATH expires. */
void
drv_fire(struct drv *d, const char *path)
{
	drv_fire_node(d, drv_node(d, path));
}

/* Does the first word of LINE appear among the words of KINDS ("*": all)? */
static bool
kind_match(const char *kinds, const char *line)
{
	size_t len = strcspn(line, " ");
	const char *k = kinds;

	if (strcmp(kinds, "*") == 0)
		return true;
	while (*k != '\0') {
		size_t klen = strcspn(k, " ");

		if (klen == len && strncmp(k, line, len) == 0)
			return true;
		k += klen;
		k += strspn(k, " ");
	}
	return false;
}

/* Append the lines of V, indented, to S (owned, replaced). */
static char *
dump(char *s, char *const *v)
{
	for (; v != NULL && *v != NULL; v++) {
		char *ns = xasprintf("%s    %s\n", s, *v);

		free(s);
		s = ns;
	}
	return s;
}

/* Fail (at LINE, about WHAT) unless GOT holds the lines of WANT. */
static void
expect_lines(const struct strv *got, int line, const char *what,
    const char *const *want, const struct strv *whole)
{
	size_t i;

	for (i = 0; want[i] != NULL && i < got->n; i++)
		if (strcmp(want[i], got->v[i]) != 0)
			break;
	if (want[i] != NULL || i != got->n) {
		char *msg = xasprintf("line %d: %s differs at %zu\n"
		    "  expected:\n", line, what, i);

		msg = dump(msg, (char *const *)want);
		msg = dump(xasprintf("%s  got:\n", msg), got->v);
		if (whole != NULL)
			msg = dump(xasprintf("%s  whole log:\n", msg),
			    whole->v);
		ck_abort_msg("%s", msg);
	}
}

/*
 * Compare the log lines whose first word is one of KINDS with WANT
 * (NULL-terminated); with CLEAR, forget the whole log afterwards.
 */
void
drv_expect_log(struct drv *d, int line, bool clear, const char *kinds,
    const char *const *want)
{
	struct strv got = { 0 };
	char *what = xasprintf("log of [%s]", kinds);

	for (size_t i = 0; i < d->log.n; i++)
		if (kind_match(kinds, d->log.v[i]))
			strv_push(&got, xstrdup(d->log.v[i]));
	expect_lines(&got, line, what, want, &d->log);
	free(what);
	strv_free(&got);
	if (clear)
		strv_free(&d->log);
}

/* Compare the lines of SV with WANT (NULL-terminated). */
void
drv_expect_strv(const struct strv *sv, int line, const char *what,
    const char *const *want)
{
	expect_lines(sv, line, what, want, NULL);
}

/* Restarts in the window of the supervisor at PATH, now. */
int
drv_window_count(struct drv *d, const char *path)
{
	return intensity_count(&drv_node(d, path)->window, d->now);
}

/* The last event of TYPE about PATH, or NULL. */
const struct event *
drv_last_event(struct drv *d, enum event_type type, const char *path)
{
	for (size_t i = d->nev; i-- > 0;)
		if (d->ev[i].type == type && strcmp(d->ev[i].path, path) == 0)
			return &d->ev[i];
	return NULL;
}

/* Make an admin request that must be accepted, and let the tree settle. */
void
drv_admin(struct drv *d, admin_fn fn, const char *path)
{
	char *err = NULL;
	int rc = fn(d->t, drv_node(d, path), d->now, &err);

	ck_assert_msg(rc == 0, "request on %s refused: %s", path,
	    err != NULL ? err : "(no error)");
	ck_assert_ptr_null(err);
	drv_settle(d);
}
