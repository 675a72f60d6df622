/*
 * tree.c: the supervision state machine. Every rule of supervision lives
 * here: supervisors run setup, start children left to right one at a time,
 * stop them right to left one at a time (a pool's instances all at once)
 * and run cleanup; a child that goes down by itself is restarted by its
 * restart policy and its parent's strategy, each restart counted against
 * the parent's intensity; a parent whose intensity is exceeded stops its
 * subtree and fails to its own parent.
 *
 * A supervisor's work is reconciled by sup_advance(): its children carry
 * start_pending / stop_pending marks set by the strategy, and advance issues
 * the next single step (stop the rightmost marked child, else start the
 * leftmost marked one), so strategies only decide what, never how or when.
 * A pool stops its marked instances in one step, as OTP terminates the
 * children of a simple_one_for_one supervisor: every one gets its stop
 * signal at once, each keeps its own shutdown timer, and the stop is over
 * when the last one is down.
 * Inputs come from the daemon with the current monotonic time; outputs are
 * queued actions. Semantics follow OTP's supervisor.erl; differences are
 * noted where they occur.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tree.h"
#include "util.h"

static void	start_node(struct tree *, struct node *, int64_t);
static void	stop_node(struct tree *, struct node *, int64_t);
static void	sup_advance(struct tree *, struct node *, int64_t);
static void	sup_begin_stop(struct tree *, struct node *, char *, int64_t);
static void	child_stopped(struct tree *, struct node *, int64_t);
static void	backoff(struct tree *, struct node *, int64_t);
static void	backoff_cancel(struct tree *, struct node *, enum node_state,
		    int64_t);
static bool	significant_done(const struct node *);
static void	sup_complete(struct tree *, struct node *, int, int64_t);
static void	child_down(struct tree *, struct node *, bool, const char *,
		    int64_t);

/* Queue an action. */
static void
push(struct tree *t, const struct action *a)
{
	if (t->qlen == t->qcap) {
		size_t ncap = t->qcap ? t->qcap * 2 : 16;
		struct action *nq = xcalloc(ncap, sizeof *nq);
		for (size_t i = 0; i < t->qlen; i++)
			nq[i] = t->q[(t->qhead + i) % t->qcap];
		free(t->q);
		t->q = nq;
		t->qcap = ncap;
		t->qhead = 0;
	}
	t->q[(t->qhead + t->qlen) % t->qcap] = *a;
	t->qlen++;
}

/* Queue an action that concerns only a node, with an optional number. */
static void
push_simple(struct tree *t, enum action_kind kind, struct node *n, int sig,
    int64_t ms)
{
	struct action a = { .kind = kind, .node = n, .sig = sig, .ms = ms };

	push(t, &a);
}

/* Queue an event about N. WSTATUS < 0 means no process ended. */
static void
emit(struct tree *t, struct node *n, enum event_type type, pid_t pid,
    int wstatus, const char *error)
{
	struct action a = { .kind = ACT_EVENT, .node = n };

	a.ev.type = type;
	a.ev.kind = n->spec->kind;
	a.ev.path = xstrdup(n->path);
	a.ev.pid = pid;
	if (wstatus >= 0) {
		if (WIFSIGNALED(wstatus))
			a.ev.signal = WTERMSIG(wstatus);
		else {
			a.ev.has_exit = 1;
			a.ev.exit = WEXITSTATUS(wstatus);
		}
	}
	a.ev.error = error ? xstrdup(error) : NULL;
	push(t, &a);
}

/* Take the next action; false when there is none. */
bool
tree_next_action(struct tree *t, struct action *out)
{
	if (t->qlen == 0)
		return false;
	*out = t->q[t->qhead];
	t->qhead = (t->qhead + 1) % t->qcap;
	t->qlen--;
	return true;
}

/* Free what an action owns. */
void
action_release(struct action *a)
{
	if (a->kind == ACT_EVENT)
		event_free(&a->ev);
}

/* Change state and remember when. */
static void
set_state(struct node *n, enum node_state st, int64_t now)
{
	n->state = st;
	n->since = now;
	if (st == NS_RUNNING)
		n->up_since = now;
}

/* Replace a node's last error. */
static void
set_error(struct node *n, const char *error)
{
	free(n->last_error);
	n->last_error = error ? xstrdup(error) : NULL;
}

/* The printable name of a state (status output, tests). */
const char *
node_state_name(enum node_state st)
{
	switch (st) {
	case NS_STOPPED:	return "stopped";
	case NS_STARTING:	return "starting";
	case NS_RUNNING:	return "running";
	case NS_STOPPING:	return "stopping";
	case NS_FAILED:		return "failed";
	case NS_COMPLETED:	return "completed";
	case NS_BACKOFF:	return "backoff";
	}
	return "unknown";
}

/* Does the node have anything alive (a process, a script, children)? */
bool
node_active(const struct node *n)
{
	return n->state == NS_STARTING || n->state == NS_RUNNING ||
	    n->state == NS_STOPPING;
}

/* Are A and B the same settings (paths aside), so one copy serves both? */
static bool
spec_same(const struct node_spec *a, const struct node_spec *b)
{
	return a != NULL && b != NULL && a->kind == b->kind &&
	    a->instances == b->instances && spec_diff(a, b, NULL) == 0;
}

/*
 * The tree's copy of SPEC for the child INDEX of PARENT. Siblings with
 * the same settings (a pool's instances) share one immutable copy: the
 * previous sibling's is taken when it matches. Tree copies carry no path
 * (the node has its own).
 */
static struct node_spec *
spec_for(const struct node *parent, size_t index, const struct node_spec *spec)
{
	struct node_spec *c;

	if (parent != NULL && index > 0 && index <= parent->nchildren &&
	    parent->children[index - 1] != NULL) {
		const struct node *prev = parent->children[index - 1];
		if (spec_same(prev->next_spec, spec))
			return spec_ref(prev->next_spec);
		if (spec_same(prev->spec, spec))
			return spec_ref(prev->spec);
	}
	c = spec_dup(spec);
	free(c->path);
	c->path = NULL;
	c->name = NULL;
	return c;
}

/* A stopped node for SPEC (copied) under PARENT, without children. */
static struct node *
node_new_one(struct tree *t, const struct node_spec *spec,
    struct node *parent, size_t index)
{
	struct node *n = xcalloc(1, sizeof *n);

	n->spec = spec_for(parent, index, spec);
	n->path = xstrdup(spec->path);
	n->parent = parent;
	n->index = index;
	n->state = NS_STOPPED;
	if (spec->kind == NODE_SUPERVISOR) {
		intensity_init(&n->window, spec->intensity, spec->period_ms);
		n->state_dir = xasprintf("%s/%s", t->state_root, spec->path);
	}
	if (parent != NULL)
		intensity_init(&n->history, parent->spec->intensity,
		    parent->spec->period_ms);
	else
		intensity_init(&n->history, 0, 1);
	return n;
}

/* Room for N children of N (no children, no array). */
static void
children_alloc(struct node *n, size_t count)
{
	n->nchildren = count;
	n->children = count == 0 ? NULL : xcalloc(count, sizeof *n->children);
}

/* Build the runtime node for SPEC and, recursively, its children. */
static struct node *
node_new(struct tree *t, const struct node_spec *spec, struct node *parent,
    size_t index)
{
	struct node *n = node_new_one(t, spec, parent, index);

	children_alloc(n, spec->nchildren);
	for (size_t i = 0; i < spec->nchildren; i++)
		n->children[i] = node_new(t, spec->children[i], n, i);
	return n;
}

/* Count N and its subtree. */
static size_t
count_nodes(const struct node *n)
{
	size_t c = 1;

	for (size_t i = 0; i < n->nchildren; i++)
		c += count_nodes(n->children[i]);
	return c;
}

/* Record N and its subtree in config order (depth first, file order). */
static void
collect(struct tree *t, struct node *n)
{
	t->nodes[t->nnodes++] = n;
	for (size_t i = 0; i < n->nchildren; i++)
		collect(t, n->children[i]);
}

/* Rebuild the list of nodes from the root. */
static void
collect_all(struct tree *t)
{
	free(t->nodes);
	t->nnodes = 0;
	t->nodes = xcalloc(count_nodes(t->root), sizeof *t->nodes);
	collect(t, t->root);
}

/* A stopped tree for CONF, with state directories under STATE_ROOT. */
struct tree *
tree_new(const struct config *conf, const char *state_root)
{
	struct tree *t = xcalloc(1, sizeof *t);

	t->state_root = xstrdup(state_root);
	t->root = node_new(t, conf->root, NULL, 0);
	collect_all(t);
	return t;
}

/* Free a node and its subtree. */
static void
node_free(struct node *n)
{
	for (size_t i = 0; i < n->nchildren; i++)
		node_free(n->children[i]);
	free(n->children);
	free(n->last_error);
	free(n->fail_reason);
	free(n->cleanup_error);
	free(n->state_dir);
	strv_free(&n->setup_env);
	intensity_free(&n->window);
	intensity_free(&n->history);
	spec_free(n->spec);
	spec_free(n->next_spec);
	free(n->path);
	free(n);
}

/* Free the tree and any actions not taken. */
void
tree_free(struct tree *t)
{
	struct action a;

	if (t == NULL)
		return;
	while (tree_next_action(t, &a))
		action_release(&a);
	free(t->q);
	node_free(t->root);
	free(t->nodes);
	free(t->state_root);
	free(t->exit_reason);
	free(t);
}

/* The node at PATH, or NULL. */
struct node *
tree_find(const struct tree *t, const char *path)
{
	for (size_t i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i]->path, path) == 0)
			return t->nodes[i];
	return NULL;
}

/* Does policy P restart a child that went down (normally or not)? */
static bool
should_restart(enum restart p, bool normal)
{
	switch (p) {
	case RESTART_PERMANENT:	return true;
	case RESTART_TRANSIENT:	return !normal;
	case RESTART_TEMPORARY:	return false;
	}
	return false;
}

/* Start N: spawn a worker, or begin a supervisor with its setup. */
static void
start_node(struct tree *t, struct node *n, int64_t now)
{
	n->start_pending = false;
	n->stop_pending = false;
	n->stop_deferred = false;
	n->starts++;
	n->up_since = 0;
	n->completing = false;
	if (n->next_spec != NULL) {
		/* Settings changed by a reload take effect now. */
		spec_free(n->spec);
		n->spec = n->next_spec;
		n->next_spec = NULL;
	}
	set_state(n, NS_STARTING, now);
	if (n->spec->kind == NODE_WORKER) {
		push_simple(t, ACT_SPAWN, n, 0, 0);
		return;
	}
	/* A (re)started supervisor is a new one: fresh state, fresh window. */
	n->failing = n->start_failed = n->script_timed_out = false;
	free(n->fail_reason);
	free(n->cleanup_error);
	n->fail_reason = n->cleanup_error = NULL;
	strv_free(&n->setup_env);
	intensity_free(&n->window);
	intensity_init(&n->window, n->spec->intensity, n->spec->period_ms);
	for (size_t i = 0; i < n->nchildren; i++) {
		intensity_free(&n->children[i]->history);
		intensity_init(&n->children[i]->history, n->spec->intensity,
		    n->spec->period_ms);
	}
	n->phase = PHASE_SETUP;
	push_simple(t, ACT_SETUP, n, 0, 0);
	push_simple(t, ACT_TIMER, n, 0, n->spec->setup_timeout_ms);
}

/* Ask a running worker to stop as its shutdown setting says. */
static void
worker_signal_stop(struct tree *t, struct node *w)
{
	const struct node_spec *s = w->spec;

	if (s->shutdown == SHUTDOWN_BRUTAL_KILL) {
		push_simple(t, ACT_SIGNAL, w, SIGKILL, 0);
		return;
	}
	push_simple(t, ACT_SIGNAL, w, s->stop_signal, 0);
	/* Like s6 and systemd: a stopped process must see the signal. */
	if (s->stop_signal != SIGKILL && s->stop_signal != SIGCONT)
		push_simple(t, ACT_SIGNAL, w, SIGCONT, 0);
	if (s->shutdown == SHUTDOWN_TIMEOUT)
		push_simple(t, ACT_TIMER, w, 0, s->shutdown_ms);
}

/* The parent wants N down; it reports through child_stopped/child_down. */
static void
stop_node(struct tree *t, struct node *n, int64_t now)
{
	if (n->spec->kind == NODE_SUPERVISOR) {
		sup_begin_stop(t, n, NULL, now);
		return;
	}
	switch (n->state) {
	case NS_STARTING:
		if (n->pid == 0) {
			/* Exec not answered yet: stop once it is. */
			n->stop_deferred = true;
			break;
		}
		/* Started, waiting for readiness: stop it now. */
		push_simple(t, ACT_TIMER_CANCEL, n, 0, 0);
		set_state(n, NS_STOPPING, now);
		worker_signal_stop(t, n);
		break;
	case NS_RUNNING:
		set_state(n, NS_STOPPING, now);
		worker_signal_stop(t, n);
		break;
	case NS_BACKOFF:
		backoff_cancel(t, n, NS_STOPPED, now);
		break;
	default:
		break;
	}
}

/*
 * Begin stopping supervisor S and its subtree. With a REASON (owned) the
 * supervisor is failing and will report to its parent as failed.
 */
static void
sup_begin_stop(struct tree *t, struct node *s, char *reason, int64_t now)
{
	if (!node_active(s) || s->state == NS_STOPPING) {
		free(reason);
		return;
	}
	if (reason != NULL) {
		s->failing = true;
		s->start_failed = s->state == NS_STARTING;
		s->fail_reason = reason;
	}
	set_state(s, NS_STOPPING, now);
	for (size_t i = 0; i < s->nchildren; i++) {
		struct node *c = s->children[i];
		c->start_pending = false;
		backoff_cancel(t, c, NS_STOPPED, now);
	}
	if (s->phase == PHASE_SETUP) {
		/* Setup is cut short; tree_setup_done continues the stop. */
		push_simple(t, ACT_TIMER_CANCEL, s, 0, 0);
		push_simple(t, ACT_KILL_SCRIPT, s, 0, 0);
		return;
	}
	sup_advance(t, s, now);
}

/*
 * Stop every active child of pool P at once (with ALL) or every one marked
 * stop_pending, right to left in one step; each worker's shutdown timer
 * runs on its own. True while one of them is still going down.
 */
static bool
pool_stop(struct tree *t, struct node *p, bool all, int64_t now)
{
	bool waiting = false;

	for (size_t i = p->nchildren; i-- > 0;) {
		struct node *c = p->children[i];

		if (!all && !c->stop_pending)
			continue;
		if (node_active(c) && c->state != NS_STOPPING &&
		    !c->stop_deferred)
			stop_node(t, c, now);
		if (node_active(c))
			waiting = true;
		else if (!all)
			c->stop_pending = false;
	}
	return waiting;
}

/*
 * Take supervisor S one step towards what its children's marks and its
 * own state ask for. Only one child is ever starting or stopping at once,
 * except in a pool, whose instances stop together (pool_stop).
 */
static void
sup_advance(struct tree *t, struct node *s, int64_t now)
{
	struct node *c;

	if (s->phase != PHASE_CHILDREN)
		return;
	if (s->state == NS_STOPPING) {
		if (node_is_pool(s) && pool_stop(t, s, true, now))
			return;
		for (size_t i = s->nchildren; i-- > 0;) {
			c = s->children[i];
			if (!node_active(c))
				continue;
			if (c->state != NS_STOPPING && !c->stop_deferred)
				stop_node(t, c, now);
			return;
		}
		s->phase = PHASE_CLEANUP;
		push_simple(t, ACT_CLEANUP, s, 0, 0);
		push_simple(t, ACT_TIMER, s, 0, s->spec->cleanup_timeout_ms);
		return;
	}

	/* Pending stops first, right to left (in a pool, all at once) ... */
	if (node_is_pool(s) && pool_stop(t, s, false, now))
		return;
	for (size_t i = s->nchildren; i-- > 0;) {
		c = s->children[i];
		if (!c->stop_pending)
			continue;
		if (node_active(c)) {
			if (c->state != NS_STOPPING && !c->stop_deferred)
				stop_node(t, c, now);
			return;
		}
		c->stop_pending = false;
	}
	/* ... then pending starts, left to right, each after the last. */
	for (size_t i = 0; i < s->nchildren; i++)
		if (s->children[i]->state == NS_STARTING)
			return;
	for (size_t i = 0; i < s->nchildren; i++) {
		c = s->children[i];
		/* Order holds: what comes after a waiting child waits too. */
		if (c->state == NS_BACKOFF)
			return;
		if (c->start_pending) {
			start_node(t, c, now);
			return;
		}
	}
	if (s->state == NS_STARTING) {
		set_state(s, NS_RUNNING, now);
		emit(t, s, EV_PROCESS_STARTED, 0, -1, NULL);
		if (s->parent != NULL)
			sup_advance(t, s->parent, now);
	}
}

/* Queue ACT_EXIT with the status tree_finish decided. */
static void
push_exit(struct tree *t)
{
	struct action a = { .kind = ACT_EXIT, .node = t->root,
	    .status = t->exit_status, .code = t->exit_code };

	push(t, &a);
}

/*
 * The root is down for good: the daemon exits with STATUS, once the
 * nodes a reload removed are down too.
 */
static void
tree_finish(struct tree *t, int status, const char *reason)
{
	if (t->finished)
		return;
	t->finished = true;
	t->exit_status = status;
	t->exit_reason = reason ? xstrdup(reason) : NULL;
	if (t->ndetached == 0)
		push_exit(t);
}

/* The root stopped without failing: exit, start again, or stay down. */
static void
root_stopped(struct tree *t, int64_t now)
{
	if (t->shutting_down)
		tree_finish(t, 0, NULL);
	else if (t->restart_root) {
		t->restart_root = false;
		start_node(t, t->root, now);
	}
	/* else an admin stopped it: arbord waits for a start. */
}

/* A node removed by a reload is down: let the daemon release it. */
static void
detached_done(struct tree *t, struct node *n)
{
	push_simple(t, ACT_FREE, n, 0, 0);
	if (--t->ndetached == 0 && t->finished)
		push_exit(t);
}

/* Supervisor S finished cleanup: it is down, stopped or failed. */
static void
sup_finished(struct tree *t, struct node *s, int64_t now)
{
	char *msg;

	s->phase = PHASE_NONE;
	strv_free(&s->setup_env);
	if (!s->failing && s->completing) {
		/* auto_shutdown: done, as its significant children are. */
		s->completing = false;
		set_state(s, NS_COMPLETED, now);
		emit(t, s, EV_PROCESS_COMPLETED, 0, (s->exit_code & 0xff) << 8,
		    s->cleanup_error);
		if (s->parent != NULL || s->detached)
			child_down(t, s, true, NULL, now);
		else if (!t->finished) {
			t->exit_code = s->exit_code;
			tree_finish(t, 2, NULL);
		}
		return;
	}
	if (!s->failing) {
		set_state(s, NS_STOPPED, now);
		emit(t, s, EV_PROCESS_TERMINATED, 0, -1, s->cleanup_error);
		if (s->cleanup_error != NULL)
			set_error(s, s->cleanup_error);
		if (s->parent != NULL || s->detached)
			child_stopped(t, s, now);
		else
			root_stopped(t, now);
		return;
	}
	if (s->cleanup_error != NULL)
		msg = xasprintf("%s; %s", s->fail_reason, s->cleanup_error);
	else
		msg = xstrdup(s->fail_reason);
	set_state(s, NS_FAILED, now);
	set_error(s, msg);
	emit(t, s, s->start_failed ? EV_PROCESS_START_FAILED :
	    EV_PROCESS_FAILED, 0, -1, msg);
	if (s->parent != NULL || s->detached)
		child_down(t, s, false, msg, now);
	else
		tree_finish(t, 1, msg);
	free(msg);
}

/* Child C is down because its parent (or an admin) asked. */
static void
child_stopped(struct tree *t, struct node *c, int64_t now)
{
	c->stop_pending = false;
	if (c->detached)
		detached_done(t, c);
	else
		sup_advance(t, c->parent, now);
}

/*
 * Delay C's restart if it has a restart_delay: the n-th consecutive
 * restart waits min(BASE * 2^(n-1), MAX); the count starts over once C
 * stayed up for its supervisor's period.
 */
static void
backoff(struct tree *t, struct node *c, int64_t now)
{
	const struct node_spec *s = c->spec;
	int64_t delay = s->restart_delay_ms;

	if (delay <= 0)
		return;
	/* up_since is 0 when the last start never got as far as running. */
	if (c->up_since > 0 && c->parent != NULL &&
	    now - c->up_since >= c->parent->spec->period_ms)
		c->consecutive = 0;
	c->consecutive++;
	for (unsigned i = 1; i < c->consecutive && i < 40; i++) {
		delay *= 2;
		if (s->restart_delay_max_ms > 0 &&
		    delay >= s->restart_delay_max_ms)
			break;
	}
	if (s->restart_delay_max_ms > 0 && delay > s->restart_delay_max_ms)
		delay = s->restart_delay_max_ms;
	c->start_pending = false;
	c->backoff_until = now + delay;
	set_state(c, NS_BACKOFF, now);
	push_simple(t, ACT_TIMER, c, 0, delay);
}

/*
 * OTP's auto_shutdown: with any_significant, one significant child that
 * ended by itself ends S; with all_significant, all of them must have.
 */
static bool
significant_done(const struct node *s)
{
	if (s->spec->auto_shutdown == AUTO_SHUTDOWN_NEVER)
		return false;
	if (s->spec->auto_shutdown == AUTO_SHUTDOWN_ANY)
		return true;
	for (size_t i = 0; i < s->nchildren; i++) {
		const struct node *x = s->children[i];
		if (x->spec->significant && (node_active(x) ||
		    x->start_pending || x->state == NS_BACKOFF))
			return false;
	}
	return true;
}

/* S stops as completed, its exit code CODE (see significant_done). */
static void
sup_complete(struct tree *t, struct node *s, int code, int64_t now)
{
	s->exit_code = code;
	s->completing = true;
	sup_begin_stop(t, s, NULL, now);
}

/* If N waits in backoff, stop waiting and go to state ST. */
static void
backoff_cancel(struct tree *t, struct node *n, enum node_state st,
    int64_t now)
{
	if (n->state != NS_BACKOFF)
		return;
	push_simple(t, ACT_TIMER_CANCEL, n, 0, 0);
	set_state(n, st, now);
}

/* Mark sibling X for restart as part of a one_for_all/rest_for_one. */
static void
mark_restart(struct node *x)
{
	if (x->admin_stopped)
		return;
	if (node_active(x))
		x->stop_pending = true;
	/*
	 * OTP: temporary children are never restarted, not even here; but a
	 * first start still pending is no restart, so it is kept.
	 */
	if (x->spec->restart != RESTART_TEMPORARY)
		x->start_pending = true;
}

/*
 * Child C went down by itself (exit, failed start, failed subtree).
 * NORMAL is a clean exit; REASON says why it failed. The parent applies
 * the restart policy, its intensity, then its strategy.
 */
static void
child_down(struct tree *t, struct node *c, bool normal, const char *reason,
    int64_t now)
{
	struct node *p = c->parent;
	char period[32];

	if (c->detached) {
		detached_done(t, c);
		return;
	}
	if (p->state == NS_STOPPING || c->stop_pending || c->stop_deferred ||
	    c->admin_stopped) {
		/* It was going down anyway: no restart, nothing counted. */
		c->stop_pending = c->stop_deferred = false;
		sup_advance(t, p, now);
		return;
	}
	if (!should_restart(c->spec->restart, normal)) {
		if (c->spec->significant && significant_done(p))
			sup_complete(t, p, c->exit_code, now);
		else
			sup_advance(t, p, now);
		return;
	}
	if (intensity_add(&p->window, now)) {
		duration_format(p->window.period_ms, period, sizeof period);
		sup_begin_stop(t, p, xasprintf("restart intensity exceeded "
		    "(%d restarts within %s, intensity %d); last failure: "
		    "%s: %s", intensity_count(&p->window, now), period,
		    p->window.max, c->path,
		    reason ? reason : "exited"), now);
		return;
	}
	c->restarts++;
	(void)intensity_add(&c->history, now);
	c->start_pending = true;
	backoff(t, c, now);
	for (size_t i = 0; i < p->nchildren; i++) {
		struct node *x = p->children[i];
		if (x == c)
			continue;
		if (p->spec->strategy == STRATEGY_ONE_FOR_ALL ||
		    (p->spec->strategy == STRATEGY_REST_FOR_ONE &&
		    x->index > c->index))
			mark_restart(x);
	}
	sup_advance(t, p, now);
}

/* Start the whole tree. */
void
tree_start(struct tree *t, int64_t now)
{
	if (t->root->state == NS_STOPPED)
		start_node(t, t->root, now);
}

/* Stop the whole tree in order; the daemon exits when it is down. */
void
tree_shutdown(struct tree *t, int64_t now)
{
	t->shutting_down = true;
	if (node_active(t->root))
		sup_begin_stop(t, t->root, NULL, now);
	else
		tree_finish(t, t->root->state == NS_FAILED ? 1 : 0,
		    t->root->last_error);
}

/* Worker W's exec succeeded as PID. */
void
tree_worker_started(struct tree *t, struct node *w, pid_t pid, int64_t now)
{
	if (w->state != NS_STARTING)
		return;
	w->pid = pid;
	emit(t, w, EV_PROCESS_STARTED, pid, -1, NULL);
	if (w->spec->ready == READY_EXEC)
		set_state(w, NS_RUNNING, now);
	else {
		/* Running, not ready: starting until it says so, or fails. */
		w->start_timed_out = false;
		push_simple(t, ACT_TIMER, w, 0, w->spec->start_timeout_ms);
	}
	if (w->stop_deferred) {
		w->stop_deferred = false;
		stop_node(t, w, now);
	}
	if (w->parent != NULL)		/* NULL: removed by a reload */
		sup_advance(t, w->parent, now);
}

/* Worker W, started, reported that it is ready. */
void
tree_worker_ready(struct tree *t, struct node *w, int64_t now)
{
	if (w->state != NS_STARTING || w->pid == 0)
		return;
	push_simple(t, ACT_TIMER_CANCEL, w, 0, 0);
	set_state(w, NS_RUNNING, now);
	emit(t, w, EV_PROCESS_READY, w->pid, -1, NULL);
	if (w->parent != NULL)
		sup_advance(t, w->parent, now);
}

/* Worker W could not be started (fork, exec, chdir, user...). */
void
tree_worker_start_failed(struct tree *t, struct node *w, const char *error,
    int64_t now)
{
	if (w->state != NS_STARTING)
		return;
	set_state(w, NS_FAILED, now);
	set_error(w, error);
	emit(t, w, EV_PROCESS_START_FAILED, 0, -1, error);
	child_down(t, w, false, error, now);
}

/* Worker W's process exited with WSTATUS; LASTLINE is its last stderr. */
void
tree_worker_exited(struct tree *t, struct node *w, int wstatus,
    const char *lastline, int64_t now)
{
	pid_t pid = w->pid;
	bool normal = WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0;
	char *reason;

	if (w->state != NS_RUNNING && w->state != NS_STOPPING &&
	    !(w->state == NS_STARTING && w->pid > 0))
		return;
	w->pid = 0;
	w->exit_code = WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) :
	    WEXITSTATUS(wstatus);
	if (w->state == NS_STARTING || w->start_timed_out) {
		/* It went before it was ready: a failed start, counted. */
		char d[32];
		push_simple(t, ACT_TIMER_CANCEL, w, 0, 0);
		reason = w->start_timed_out ?
		    xasprintf("not ready within %s", duration_format(
		    w->spec->start_timeout_ms, d, sizeof d)) :
		    exit_reason(wstatus, lastline);
		w->start_timed_out = false;
		set_state(w, NS_FAILED, now);
		set_error(w, reason);
		emit(t, w, EV_PROCESS_START_FAILED, pid, wstatus, reason);
		child_down(t, w, false, reason, now);
		free(reason);
		return;
	}
	if (w->state == NS_STOPPING) {
		push_simple(t, ACT_TIMER_CANCEL, w, 0, 0);
		set_state(w, NS_STOPPED, now);
		emit(t, w, EV_PROCESS_TERMINATED, pid, wstatus, NULL);
		child_stopped(t, w, now);
		return;
	}
	if (normal) {
		set_state(w, NS_COMPLETED, now);
		emit(t, w, EV_PROCESS_COMPLETED, pid, wstatus, NULL);
		child_down(t, w, true, NULL, now);
		return;
	}
	reason = exit_reason(wstatus, lastline);
	set_state(w, NS_FAILED, now);
	set_error(w, reason);
	emit(t, w, EV_PROCESS_FAILED, pid, wstatus, reason);
	child_down(t, w, false, reason, now);
	free(reason);
}

/* Supervisor S's setup finished; ERROR is NULL if it succeeded. */
void
tree_setup_done(struct tree *t, struct node *s, const char *error,
    struct strv *env, int64_t now)
{
	char d[32];

	if (s->phase != PHASE_SETUP)
		return;
	push_simple(t, ACT_TIMER_CANCEL, s, 0, 0);
	s->phase = PHASE_CHILDREN;
	if (s->state == NS_STOPPING) {
		/* Stopped during setup: go straight on to cleanup. */
		s->script_timed_out = false;
		sup_advance(t, s, now);
		return;
	}
	if (s->script_timed_out || error != NULL) {
		char *reason = s->script_timed_out ?
		    xasprintf("setup timed out after %s",
		    duration_format(s->spec->setup_timeout_ms, d, sizeof d)) :
		    xasprintf("setup failed: %s", error);
		s->script_timed_out = false;
		sup_begin_stop(t, s, reason, now);
		return;
	}
	if (env != NULL) {
		strv_free(&s->setup_env);
		s->setup_env = *env;
		memset(env, 0, sizeof *env);
	}
	for (size_t i = 0; i < s->nchildren; i++)
		s->children[i]->start_pending = !s->children[i]->admin_stopped;
	sup_advance(t, s, now);
}

/* Supervisor S's cleanup finished (and its state dir is gone). */
void
tree_cleanup_done(struct tree *t, struct node *s, const char *error,
    int64_t now)
{
	char d[32];

	if (s->phase != PHASE_CLEANUP)
		return;
	push_simple(t, ACT_TIMER_CANCEL, s, 0, 0);
	free(s->cleanup_error);
	s->cleanup_error = NULL;
	if (s->script_timed_out)
		s->cleanup_error = xasprintf("cleanup timed out after %s",
		    duration_format(s->spec->cleanup_timeout_ms, d, sizeof d));
	else if (error != NULL)
		s->cleanup_error = xasprintf("cleanup failed: %s", error);
	s->script_timed_out = false;
	sup_finished(t, s, now);
}

/* N's timer expired: a stop took too long, or a script did. */
void
tree_timer_fired(struct tree *t, struct node *n, int64_t now)
{
	if (n->state == NS_BACKOFF) {
		/* The delay is over: the restart goes ahead. */
		set_state(n, NS_FAILED, now);
		n->start_pending = true;
		if (n->parent != NULL)
			sup_advance(t, n->parent, now);
		return;
	}
	if (n->spec->kind == NODE_WORKER) {
		if (n->state == NS_STOPPING)
			push_simple(t, ACT_SIGNAL, n, SIGKILL, 0);
		else if (n->state == NS_STARTING && n->pid > 0) {
			/* Not ready in time: a failed start. */
			n->start_timed_out = true;
			set_state(n, NS_STOPPING, now);
			push_simple(t, ACT_SIGNAL, n, SIGKILL, 0);
		}
		return;
	}
	if (n->phase == PHASE_SETUP || n->phase == PHASE_CLEANUP) {
		n->script_timed_out = true;
		push_simple(t, ACT_KILL_SCRIPT, n, 0, 0);
	}
}

/* The state directory N's processes see: its own, or its supervisor's. */
const char *
tree_state_dir_of(const struct node *n)
{
	if (n->spec->kind == NODE_WORKER)
		n = n->parent;
	/* A pool shares its supervisor's state. */
	while (node_is_pool(n) && n->parent != NULL)
		n = n->parent;
	return n->state_dir;
}

/* A pool (instances = N): a supervisor without state of its own. */
bool
node_is_pool(const struct node *n)
{
	return n->spec->kind == NODE_SUPERVISOR && n->spec->instances > 0;
}

/* Apply "NAME=value" strings to OUT, later ones winning. */
static void
env_apply(struct strv *out, const struct strv *add)
{
	for (size_t i = 0; i < add->n; i++) {
		const char *eq = strchr(add->v[i], '=');
		char *name;

		if (eq == NULL)
			continue;
		name = xstrndup(add->v[i], (size_t)(eq - add->v[i]));
		env_set(out, name, eq + 1);
		free(name);
	}
}

/* Apply the env.* and setup output of S's ancestors, root first, and S's. */
static void
env_chain(struct strv *out, const struct node *s)
{
	if (s == NULL)
		return;
	env_chain(out, s->parent);
	env_apply(out, &s->spec->env);
	env_apply(out, &s->setup_env);
}

/*
 * The environment of N's processes: BASE (arbord's own), then every
 * ancestor's env.* and setup output from the root down, then the worker's
 * env.*, then ARBOR_PATH and ARBOR_STATE_DIR.
 */
void
tree_env(const struct tree *t, const struct node *n, char *const *base,
    struct strv *out)
{
	(void)t;
	strv_copy(out, base);
	if (n->spec->kind == NODE_SUPERVISOR)
		env_chain(out, n);
	else {
		env_chain(out, n->parent);
		env_apply(out, &n->spec->env);
	}
	if (n->parent != NULL && node_is_pool(n->parent))
		env_set(out, "ARBOR_INSTANCE", n->path +
		    strlen(n->parent->path) + 1);
	env_set(out, "ARBOR_PATH", n->path);
	env_set(out, "ARBOR_STATE_DIR", tree_state_dir_of(n));
}

/* Restarts of N within its supervisor's current window. */
int
node_restarts_in_period(const struct node *n, int64_t now)
{
	return intensity_count(&n->history, now);
}

/* Does N's supervisor currently start and stop its children? */
static bool
parent_manages(const struct node *n, char **err)
{
	const struct node *p = n->parent;

	if (p->state == NS_RUNNING || p->state == NS_STARTING)
		return true;
	*err = xasprintf("cannot start %s: its supervisor %s is %s",
	    n->path, p->path, node_state_name(p->state));
	return false;
}

/* Admin stop: N goes down and stays down; not a failure. */
int
tree_stop_node(struct tree *t, struct node *n, int64_t now, char **err)
{
	*err = NULL;
	n->admin_stopped = true;
	n->start_pending = false;
	set_error(n, "stopped by an admin");
	if (n->state == NS_BACKOFF) {
		backoff_cancel(t, n, NS_STOPPED, now);
		/* The siblings after it no longer wait for it. */
		if (n->parent != NULL)
			sup_advance(t, n->parent, now);
		return 0;
	}
	if (!node_active(n))
		return 0;
	if (n->parent == NULL) {
		t->restart_root = false;
		sup_begin_stop(t, n, NULL, now);
		return 0;
	}
	n->stop_pending = true;
	sup_advance(t, n->parent, now);
	return 0;
}

/* Admin start: bring N back (a no-op if it is up). */
int
tree_start_node(struct tree *t, struct node *n, int64_t now, char **err)
{
	*err = NULL;
	if (n->parent == NULL) {
		n->admin_stopped = false;
		if (n->state == NS_STOPPING)
			t->restart_root = true;
		else if (!node_active(n))
			start_node(t, n, now);
		return 0;
	}
	if (!parent_manages(n, err))
		return -1;
	n->admin_stopped = false;
	backoff_cancel(t, n, NS_FAILED, now);	/* skip the rest of the wait */
	/* Up and staying up; a stop still to come is followed by a start. */
	if (node_active(n) && n->state != NS_STOPPING && !n->stop_pending &&
	    !n->stop_deferred)
		return 0;
	if (n->parent->phase == PHASE_SETUP)
		return 0;	/* the setup's end starts it */
	n->start_pending = true;
	sup_advance(t, n->parent, now);
	return 0;
}

/* Admin restart: stop N (with cleanup for a subtree), then start it. */
int
tree_restart_node(struct tree *t, struct node *n, int64_t now, char **err)
{
	*err = NULL;
	if (n->parent == NULL) {
		n->admin_stopped = false;
		if (!node_active(n))
			start_node(t, n, now);
		else {
			t->restart_root = true;
			sup_begin_stop(t, n, NULL, now);
		}
		return 0;
	}
	if (!parent_manages(n, err))
		return -1;
	n->admin_stopped = false;
	backoff_cancel(t, n, NS_FAILED, now);
	if (n->parent->phase == PHASE_SETUP)
		return 0;
	if (node_active(n))
		n->stop_pending = true;
	n->start_pending = true;
	sup_advance(t, n->parent, now);
	return 0;
}

/* Free a node that ACT_FREE announced, with its subtree. */
void
tree_node_release(struct tree *t, struct node *n)
{
	(void)t;
	node_free(n);
}

/* Compare two nodes by path, for bsearch over the old nodes. */
static int
node_path_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	return strcmp(x->path, y->path);
}

/* Can every changed key take effect without a restart? */
static bool
changes_live(const struct strv *changed)
{
	return spec_changes_live(changed);
}

/* Join a list of words with ", ". */
static char *
join(const struct strv *sv)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < sv->n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", sv->v[i]);
	return b.s ? b.s : xstrdup("");
}

/* What tree_reload works with while it rebuilds the structure. */
struct reload {
	struct node	**old;		/* old nodes sorted by path */
	size_t		  nold;
	struct strv	 *report;
	size_t		  unchanged;
	int64_t		  now;
};

/* The old node at PATH of the same kind, or NULL. */
static struct node *
reload_find(struct reload *r, const struct node_spec *spec)
{
	struct node key_node = { .path = spec->path };
	struct node *key = &key_node, **found;

	found = bsearch(&key, r->old, r->nold, sizeof *r->old, node_path_cmp);
	if (found == NULL || (*found)->spec->kind != spec->kind)
		return NULL;
	return *found;
}

/* Reuse or create the node for SPEC under PARENT, then its children. */
static struct node *
reload_node(struct tree *t, struct reload *r, const struct node_spec *spec,
    struct node *parent, size_t index)
{
	struct node *n = reload_find(r, spec);
	struct strv changed = { 0 };

	if (n == NULL) {
		n = node_new_one(t, spec, parent, index);
		strv_pushf(r->report, "added %s", spec->path);
		n->start_pending = true;	/* if its parent runs */
	} else {
		n->reload_mark = true;
		if (spec_diff(n->spec, spec, &changed) == 0) {
			/* Back to the running settings: drop a pending change. */
			r->unchanged++;
			spec_free(n->next_spec);
			n->next_spec = NULL;
		} else if (changes_live(&changed) || !node_active(n)) {
			char *what = join(&changed);
			strv_pushf(r->report, "updated %s (%s)%s",
			    spec->path, what, node_active(n) ?
			    " without a restart" : "");
			free(what);
			spec_free(n->next_spec);
			n->next_spec = NULL;
			spec_free(n->spec);
			n->spec = spec_for(parent, index, spec);
			if (spec->kind == NODE_SUPERVISOR)
				intensity_resize(&n->window, spec->intensity,
				    spec->period_ms);
		} else {
			char *what = join(&changed);
			strv_pushf(r->report, "restarted %s (%s)",
			    spec->path, what);
			free(what);
			spec_free(n->next_spec);
			n->next_spec = spec_for(parent, index, spec);
			n->stop_pending = true;
			n->start_pending = !n->admin_stopped;
		}
		strv_free(&changed);
		free(n->children);
	}
	n->parent = parent;
	n->index = index;
	children_alloc(n, spec->nchildren);
	for (size_t i = 0; i < spec->nchildren; i++) {
		n->children[i] = reload_node(t, r, spec->children[i], n, i);
		/* Its own restarts, counted as the parent now counts. */
		intensity_resize(&n->children[i]->history, n->spec->intensity,
		    n->spec->period_ms);
	}
	return n;
}

/* Take removed node N out of the tree: stop it, or release it now. */
static void
reload_detach(struct tree *t, struct node *n, int64_t now)
{
	n->detached = true;
	n->parent = NULL;
	t->ndetached++;
	n->start_pending = n->stop_pending = false;
	if (!node_active(n)) {
		detached_done(t, n);
		return;
	}
	if (n->spec->kind == NODE_SUPERVISOR)
		sup_begin_stop(t, n, NULL, now);
	else
		stop_node(t, n, now);
}

/* Apply the marks left by reload_node, top down. */
static void
reload_apply(struct tree *t, struct node *n, int64_t now)
{
	for (size_t i = 0; i < n->nchildren; i++)
		reload_apply(t, n->children[i], now);
	if (n->spec->kind == NODE_SUPERVISOR && n->phase == PHASE_CHILDREN &&
	    (n->state == NS_RUNNING || n->state == NS_STARTING))
		sup_advance(t, n, now);
}

/* Clear marks the structure's state makes meaningless. */
static void
reload_settle(struct node *n)
{
	struct node *p = n->parent;

	for (size_t i = 0; i < n->nchildren; i++)
		reload_settle(n->children[i]);
	if (!node_active(n))
		n->stop_pending = false;
	/*
	 * Only a supervisor managing its children starts them, and not one
	 * about to restart: its new setup comes first.
	 */
	if (p != NULL && (p->stop_pending || !(p->phase == PHASE_CHILDREN &&
	    (p->state == NS_RUNNING || p->state == NS_STARTING))))
		n->start_pending = false;
	if (n->admin_stopped)
		n->start_pending = false;
}

/* Bring the tree to CONF with the least disruption; see tree.h. */
void
tree_reload(struct tree *t, const struct config *conf, int64_t now,
    struct strv *report)
{
	struct reload r = { .report = report, .now = now };
	struct node *old_root = t->root, *root;
	size_t i;

	r.nold = t->nnodes;
	r.old = xcalloc(r.nold, sizeof *r.old);
	memcpy(r.old, t->nodes, r.nold * sizeof *r.old);
	qsort(r.old, r.nold, sizeof *r.old, node_path_cmp);
	for (i = 0; i < r.nold; i++)
		r.old[i]->reload_mark = false;

	root = reload_node(t, &r, conf->root, NULL, 0);

	/* Removed: the top-most unmarked nodes go, with their subtrees. */
	for (i = 0; i < t->nnodes; i++) {
		struct node *n = t->nodes[i];
		if (n->reload_mark ||
		    (n->parent != NULL && !n->parent->reload_mark))
			continue;
		strv_pushf(report, "removed %s", n->path);
		reload_detach(t, n, now);
	}
	t->root = root;
	collect_all(t);
	free(r.old);
	if (r.unchanged > 0)
		strv_pushf(report, "%zu node%s unchanged", r.unchanged,
		    r.unchanged == 1 ? "" : "s");

	/* A new root starts; a changed root restarts as a whole. */
	if (root != old_root)
		start_node(t, root, now);
	else if (root->next_spec != NULL && node_active(root)) {
		t->restart_root = true;
		sup_begin_stop(t, root, NULL, now);
	}
	root->start_pending = root->stop_pending = false;
	reload_settle(root);
	reload_apply(t, root, now);
}
