/*
 * tree.c: the supervision state machine. Every rule of supervision lives
 * here: supervisors run setup, start children left to right one at a time,
 * stop them right to left one at a time (a pool's instances all at once)
 * and run cleanup; a child that goes down by itself is restarted by its
 * restart policy and its parent's strategy, each restart counted against
 * the parent's intensity; a parent whose intensity is exceeded stops its
 * subtree and fails to its own parent.
 *
 * A node's life is an explicit state machine, as in s6-supervise: a state
 * (tree.h) and two tables below, one per kind, that name for every state
 * the inputs it accepts (start, stop, spawned, spawn failed, ready, exit,
 * timer, setup done, cleanup done) and the handler that takes each; an
 * input a state does not list is stale and ignored. Each node has one
 * deadline, whose meaning follows from its state (start_timeout while
 * awaiting readiness, the shutdown time while stopping, the restart while
 * in backoff, the script's timeout while setup or cleanup runs). A new
 * feature adds a state, or an input, and its row.
 *
 * Liveness (health checks, the watchdog) runs beside a running worker's
 * state rather than as states of its own: a running worker has a second
 * timer, the liveness timer, for the earliest of its next check, its
 * running check's timeout and its watchdog's deadline. A worker found
 * unhealthy is stopped as an admin stop would (stop_signal, or
 * watchdog_signal for the watchdog, then the shutdown time, then SIGKILL),
 * remembering why in `unhealthy`; its end is then a failure.
 *
 * A supervisor's work is reconciled by sup_advance(): its children carry
 * start_pending / stop_pending marks set by the strategy, and advance issues
 * the next single step (stop the rightmost marked child, else start the
 * leftmost marked one), so strategies only decide what, never how or when.
 * A pool stops its marked instances in one step, as OTP terminates the
 * children of a simple_one_for_one supervisor: every one gets its stop
 * signal at once, each keeps its own shutdown timer, and the stop is over
 * when the last one is down. A pool has no state of its own: no setup, no
 * cleanup, no state directory.
 *
 * A pool's size can change at run time (tree_scale): instances scaled away
 * are marked `removing`, stop as a pool stops and leave the tree once down
 * (pool_trim, ACT_FREE); new ones are appended. A rolling restart
 * (tree_roll, reload = rolling) replaces one batch of children at a time
 * and waits, through each child's roll_wait, until they run (ready) again
 * before the next batch (roll_step, from sup_advance). A worker is
 * replaced with an overlap, as states of its own (ROLL_*, w_roll): its
 * successor starts beside its process, which gets its stop signal only
 * once the successor is ready; a supervisor child gets an ordinary
 * restart (stop, then start). A pool first gets surge instances beyond
 * its size, added as a scale up adds them and scaled away at the end, so
 * that it never has fewer ready instances than its size; a failed start
 * ends the roll, with its reason, before any other child is touched.
 *
 * Inputs come from the daemon with the current monotonic time; outputs are
 * queued actions. Semantics follow OTP's supervisor.erl; differences are
 * noted where they occur (and in arbor.ini(5)).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cgparse.h"
#include "tree.h"
#include "util.h"

/* What can happen to a node: the columns of the state tables. */
enum input_kind {
	I_START,		/* its parent (or arbord) starts it */
	I_STOP,			/* its parent, an admin or a reload stops it */
	I_SPAWNED,		/* the worker's exec succeeded */
	I_SPAWN_FAILED,		/* ... or failed */
	I_SPAWN_SCARCE,		/* ... for arbord's lack of resources */
	I_READY,		/* the worker reported ready */
	I_EXIT,			/* the worker's process exited */
	I_TIMER,		/* the deadline passed */
	I_SETUP_DONE,		/* the setup script ended */
	I_CLEANUP_DONE,		/* the cleanup script ended */
	I_CHECK_DONE,		/* a readiness check ended */
	I_HEALTH,		/* a health check ended */
	I_WATCHDOG,		/* WATCHDOG=1, or WATCHDOG=trigger */
	I_LIVE_TIMER,		/* the liveness timer expired */
	I_ROLL,			/* its supervisor's roll replaces it */
	I_OLD_EXIT,		/* a rolled worker's old process exited */
	I_COUNT
};

/* One input and what comes with it. */
struct input {
	enum input_kind	 kind;
	int64_t		 now;
	pid_t		 pid;		/* I_SPAWNED */
	int		 wstatus;	/* I_EXIT, I_OLD_EXIT */
	const char	*text;		/* I_EXIT, I_OLD_EXIT: last line;
					   errors; I_HEALTH:
					   why it failed */
	int64_t		 line_at;	/* I_EXIT: when the last line came */
	struct strv	*env;		/* I_SETUP_DONE */
	bool		 ok;		/* I_CHECK_DONE, I_HEALTH: it passed;
					   I_WATCHDOG: a ping, not trigger */
	char		*reason;	/* I_STOP: failing (owned) */
};

typedef void	input_fn(struct tree *, struct node *, struct input *);

static input_fn	w_ready;
static bool	exit_normal(const struct node_spec *, int);

static void	dispatch(struct tree *, struct node *, struct input *);
static void	stop_node(struct tree *, struct node *, int64_t);
static void	start_node(struct tree *, struct node *, int64_t);
static void	sup_stop(struct tree *, struct node *, char *, int64_t);
static void	sup_advance(struct tree *, struct node *, int64_t);
static void	sup_finished(struct tree *, struct node *, int64_t);
static void	child_stopped(struct tree *, struct node *, int64_t);
static void	child_down(struct tree *, struct node *, bool, const char *,
		    bool, int64_t);
static void	detached_done(struct tree *, struct node *);
static bool	pool_stop(struct tree *, struct node *, bool, int64_t);
static void	pool_trim(struct tree *, struct node *);
static enum admin_outcome scale_outcome(const struct node *,
		    const struct admin_wait *, char **);
static void	roll_step(struct tree *, struct node *, int64_t);
static enum admin_outcome roll_outcome(const struct node *,
		    const struct admin_wait *, char **);
static void	roll_end(struct tree *, struct node *, char *, int64_t);
static void	pool_scale_down(struct tree *, struct node *, int, int64_t);

/* What users see of each state. */
static const enum node_status status_of[ST_COUNT] = {
	[ST_DOWN] = NS_STOPPED,		[ST_BACKOFF] = NS_BACKOFF,
	[ST_RUNNING] = NS_RUNNING,	[ST_COMPLETED] = NS_COMPLETED,
	[ST_FAILED] = NS_FAILED,	[ST_SPAWNING] = NS_STARTING,
	[ST_SPAWN_STOP] = NS_STARTING,	[ST_AWAITING] = NS_STARTING,
	[ST_STOPPING] = NS_STOPPING,	[ST_KILLING] = NS_STOPPING,
	[ST_TIMED_OUT] = NS_STOPPING,	[ST_SETUP] = NS_STARTING,
	[ST_SETUP_KILLED] = NS_STARTING, [ST_SETUP_CUT] = NS_STOPPING,
	[ST_STARTING] = NS_STARTING,	[ST_CLEANUP] = NS_STOPPING,
	[ST_CLEANUP_KILLED] = NS_STOPPING,
	/* A rolled worker serves throughout: running (until told to stop). */
	[ST_ROLL_SPAWNING] = NS_RUNNING, [ST_ROLL_SPAWN_STOP] = NS_STOPPING,
	[ST_ROLL_AWAITING] = NS_RUNNING, [ST_ROLL_ABORT] = NS_RUNNING,
	[ST_ROLL_DRAINING] = NS_RUNNING, [ST_ROLL_KILLING] = NS_RUNNING,
};

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

/* Queue an action that concerns only a node, with an optional signal. */
static void
push_simple(struct tree *t, enum action_kind kind, struct node *n, int sig)
{
	struct action a = { .kind = kind, .node = n, .sig = sig };

	push(t, &a);
}

/* Set N's deadline MS from NOW and arm its timer for it. */
static void
arm(struct tree *t, struct node *n, int64_t ms, int64_t now)
{
	struct action a = { .kind = ACT_TIMER, .node = n, .ms = ms,
	    .deadline = now + ms };

	n->deadline = now + ms;
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
	a.ev.oom = n->oom_killed && (type == EV_PROCESS_FAILED ||
	    type == EV_PROCESS_START_FAILED);
	/* The tree's word on what a failure is: the end it reports so. */
	if (type == EV_PROCESS_FAILED || type == EV_PROCESS_START_FAILED)
		n->failures++;
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

/* Queue a liveness action about worker N with MS and DEADLINE. */
static void
push_live(struct tree *t, enum action_kind kind, struct node *n, int64_t ms,
    int64_t deadline)
{
	struct action a = { .kind = kind, .node = n, .ms = ms,
	    .deadline = deadline };

	push(t, &a);
}

/* Free what an action owns. */
void
action_release(struct action *a)
{
	if (a->kind == ACT_EVENT)
		event_free(&a->ev);
}

/* The status users see of N. */
enum node_status
node_status(const struct node *n)
{
	return status_of[n->state];
}

/* Does the node have anything alive (a process, a script, children)? */
bool
node_active(const struct node *n)
{
	enum node_status st = node_status(n);

	return st == NS_STARTING || st == NS_RUNNING || st == NS_STOPPING;
}

/* Is N on its way down already (stopping, or told to once spawned)? */
static bool
node_going_down(const struct node *n)
{
	return node_status(n) == NS_STOPPING || n->state == ST_SPAWN_STOP;
}

/* Does worker N (or its roll's successor) wait for its readiness? */
bool
tree_awaits_ready(const struct node *n)
{
	return n->state == ST_AWAITING || n->state == ST_ROLL_AWAITING;
}

/* Up and staying up: a start asks nothing of it. */
bool
node_up(const struct node *n)
{
	return node_active(n) && !node_going_down(n) && !n->stop_pending &&
	    !n->admin_stopped;
}

/* Is supervisor S running its setup (its children wait for its end)? */
static bool
sup_in_setup(const struct node *s)
{
	return s->state == ST_SETUP || s->state == ST_SETUP_KILLED;
}

/* Does supervisor S start and stop its children now? */
static bool
sup_managing(const struct node *s)
{
	return s->state == ST_STARTING || s->state == ST_RUNNING ||
	    s->state == ST_STOPPING;
}

/*
 * Change state. SINCE follows what users see: it changes when the status
 * does. The parent counts its active children.
 */
static void
set_state(struct node *n, enum node_state st, int64_t now)
{
	enum node_status old = node_status(n);
	bool was_active = node_active(n);

	n->state = st;
	if (node_status(n) != old)
		n->since = now;
	if (st == ST_RUNNING)
		n->up_since = now;
	if (was_active && !node_active(n))
		n->downs++;
	if (n->parent != NULL && was_active != node_active(n))
		n->parent->nactive += node_active(n) ? 1 : -1;
	if (n->parent != NULL && (old == NS_STARTING) !=
	    (node_status(n) == NS_STARTING))
		n->parent->nstarting += old == NS_STARTING ? -1 : 1;
}

/*
 * Mark N to be started by its parent, or not. The parent scans for the
 * next start from start_from, the lowest index a mark may be at.
 */
static void
want_start(struct node *n, bool on)
{
	n->start_pending = on;
	if (on && n->parent != NULL && n->index < n->parent->start_from)
		n->parent->start_from = n->index;
}

/* Mark N to be stopped by its parent, or not; the parent counts them. */
static void
want_stop(struct node *n, bool on)
{
	if (n->stop_pending != on && n->parent != NULL)
		n->parent->nstop_pending += on ? 1 : -1;
	n->stop_pending = on;
}

/* Replace a node's last error. */
static void
set_error(struct node *n, const char *error)
{
	free(n->last_error);
	n->last_error = error ? xstrdup(error) : NULL;
}

/* N failed for REASON: remember why, and that this start failed. */
static void
set_failed(struct node *n, const char *reason, int64_t now)
{
	set_state(n, ST_FAILED, now);
	set_error(n, reason);
	n->failed_start = n->starts;
}

/* The printable name of a status (status output, tests). */
const char *
node_state_name(enum node_status st)
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

/* The printable name of a health status, NULL for none. */
const char *
health_status_name(enum health_status hs)
{
	switch (hs) {
	case HS_NONE:		return NULL;
	case HS_STARTING:	return "starting";
	case HS_HEALTHY:	return "healthy";
	case HS_UNHEALTHY:	return "unhealthy";
	}
	return NULL;
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
	n->id = ++t->last_id;
	n->parent = parent;
	n->index = index;
	n->state = ST_DOWN;
	n->exit_code = NODE_NO_EXIT;
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

/* Room for COUNT children of N (no children, no array). */
static void
children_alloc(struct node *n, size_t count)
{
	n->nchildren = count;
	n->children = count == 0 ? NULL : xcalloc(count, sizeof *n->children);
}

/* Count what N keeps count of its children, once they are in place. */
static void
children_count(struct node *n)
{
	n->nactive = n->nstarting = n->nstop_pending = 0;
	n->start_from = 0;
	for (size_t i = 0; i < n->nchildren; i++) {
		const struct node *c = n->children[i];
		n->nactive += node_active(c);
		n->nstarting += node_status(c) == NS_STARTING;
		n->nstop_pending += c->stop_pending;
	}
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
	free(n->health_error);
	free(n->unhealthy);
	free(n->fail_reason);
	free(n->cleanup_error);
	free(n->roll_error);
	free(n->state_dir);
	strv_free(&n->setup_env);
	strv_free(&n->file_env);
	intensity_free(&n->window);
	intensity_free(&n->history);
	spec_free(n->spec);
	spec_free(n->next_spec);
	spec_free(n->old_spec);
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

/* Feed input KIND, with nothing attached, to N. */
static void
input(struct tree *t, struct node *n, enum input_kind kind, int64_t now)
{
	struct input in = { .kind = kind, .now = now };

	dispatch(t, n, &in);
}

/* Start N (an I_START). */
static void
start_node(struct tree *t, struct node *n, int64_t now)
{
	input(t, n, I_START, now);
}

/* The parent wants N down; it reports through child_stopped/child_down. */
static void
stop_node(struct tree *t, struct node *n, int64_t now)
{
	input(t, n, I_STOP, now);
}

/* What every start does: clear the marks, count it, take new settings. */
static void
start_common(struct node *n)
{
	want_start(n, false);
	want_stop(n, false);
	n->starts++;
	n->up_since = 0;
	n->exit_code = NODE_NO_EXIT;
	n->oom_killed = false;
	if (n->next_spec != NULL) {
		/* Settings changed by a reload take effect now. */
		spec_free(n->spec);
		n->spec = n->next_spec;
		n->next_spec = NULL;
	}
	/* Liveness starts over with every start. */
	n->health = n->spec->kind == NODE_WORKER &&
	    spec_has_liveness(n->spec) ? HS_STARTING : HS_NONE;
	n->health_failures = 0;
	n->health_checked = 0;
	n->health_started = false;
	free(n->health_error);
	free(n->unhealthy);
	n->health_error = n->unhealthy = NULL;
}

/* If N waits in backoff, stop waiting and go to state ST. */
static void
backoff_cancel(struct tree *t, struct node *n, enum node_state st,
    int64_t now)
{
	if (n->state != ST_BACKOFF)
		return;
	push_simple(t, ACT_TIMER_CANCEL, n, 0);
	set_state(n, st, now);
}

/*
 * Handlers of both kinds.
 */

/* BACKOFF + stop: the restart is off. */
static void
backoff_stop(struct tree *t, struct node *n, struct input *in)
{
	backoff_cancel(t, n, ST_DOWN, in->now);
}

/* BACKOFF + timer: the delay is over, the restart goes ahead. */
static void
backoff_over(struct tree *t, struct node *n, struct input *in)
{
	set_state(n, ST_FAILED, in->now);
	want_start(n, true);
	if (n->parent != NULL)
		sup_advance(t, n->parent, in->now);
}

/*
 * Workers.
 */

/* The pidfile of worker N, absolute (allocated). */
static char *
worker_pidfile(const struct node *n)
{
	const char *pf = n->spec->pidfile;

	return pf[0] == '/' ? xstrdup(pf) :
	    xasprintf("%s/%s", n->spec->directory, pf);
}

/*
 * Why worker W's process ended (IN, an exit): the OOM killer if it struck
 * in W's cgroup, with the memory_max that bounded it (W's, or the nearest
 * supervisor's); else the exit status and the last stderr line.
 */
static char *
w_exit_why(const struct node *w, const struct input *in)
{
	const struct node *n;
	char *limit, *why;

	if (!w->oom_killed)
		return exit_reason(in->wstatus, in->text, in->now - in->line_at);
	for (n = w; n != NULL; n = n->parent)
		if (n->spec->cg_limits[CGL_MEMORY_MAX] != CGL_UNSET &&
		    n->spec->cg_limits[CGL_MEMORY_MAX] != CGL_MAX)
			break;
	if (n == NULL)
		return xstrdup("killed by the OOM killer");
	limit = cg_limit_text(CGL_MEMORY_MAX,
	    n->spec->cg_limits[CGL_MEMORY_MAX]);
	why = n == w ? xasprintf("killed by the OOM killer (memory_max %s)",
	    limit) : xasprintf("killed by the OOM killer (memory_max %s of "
	    "%s)", limit, n->path);
	free(limit);
	return why;
}

/* Does S set a cgroup limit (memory_max ... pids_max)? */
static bool
has_limits(const struct node_spec *s)
{
	for (int l = 0; l < CGL_COUNT; l++)
		if (s->cg_limits[l] != CGL_UNSET)
			return true;
	return false;
}

/*
 * Liveness: health checks and the watchdog of a running worker.
 */

/* Does worker spec S watch its liveness (health or watchdog)? */
bool
spec_has_liveness(const struct node_spec *s)
{
	return s->health != HEALTH_NONE || s->watchdog_ms > 0;
}

/*
 * The offset of N's checks after it is ready, in [0, health_interval):
 * pseudo-random from its path and the tree's seed, so that many workers
 * do not check in lockstep, and the same at every start of the worker.
 */
int64_t
tree_health_offset(const struct tree *t, const struct node *n)
{
	uint64_t h = UINT64_C(14695981039346656037) ^ t->seed;

	for (const char *p = n->path; *p != '\0'; p++) {
		h ^= (unsigned char)*p;
		h *= UINT64_C(1099511628211);
	}
	h ^= h >> 29;
	return (int64_t)(h % (uint64_t)n->spec->health_interval_ms);
}

/*
 * Arm W's liveness timer for the earliest of its deadlines, or stop it.
 * LAZY (a watchdog ping, which only ever moves a deadline later): a
 * timer that fires earlier is left alone and re-armed when it fires, so
 * that pings cost no timer changes.
 */
static void
live_rearm(struct tree *t, struct node *w, int64_t now, bool lazy)
{
	int64_t due = 0, d[3] = { w->health_due, w->health_timeout_at,
	    w->watchdog_due };

	for (int i = 0; i < 3; i++)
		if (d[i] != 0 && (due == 0 || d[i] < due))
			due = d[i];
	if (due == w->live_deadline)
		return;
	if (due == 0) {
		push_live(t, ACT_LIVE_CANCEL, w, 0, 0);
		w->live_deadline = 0;
		return;
	}
	if (lazy && w->live_deadline != 0 && w->live_deadline < due)
		return;
	/* A deadline already past (a result that came late) fires now. */
	w->live_deadline = due;
	push_live(t, ACT_LIVE_TIMER, w, due > now ? due - now : 0,
	    due > now ? due : now);
}

/* W is running (ready): its checks and its watchdog begin. */
static void
live_begin(struct tree *t, struct node *w, int64_t now)
{
	const struct node_spec *s = w->spec;

	if (!spec_has_liveness(s))
		return;
	if (s->health != HEALTH_NONE) {
		w->health_phase = now + tree_health_offset(t, w);
		w->health_due = w->health_phase;
	}
	if (s->watchdog_ms > 0)
		w->watchdog_due = now + s->watchdog_ms;
	live_rearm(t, w, now, false);
}

/* W stops running: no more checks, no watchdog, no liveness timer. */
static void
live_end(struct tree *t, struct node *w)
{
	if (w->health_running)
		push_simple(t, ACT_HEALTH_CANCEL, w, 0);
	if (w->live_deadline != 0)
		push_live(t, ACT_LIVE_CANCEL, w, 0, 0);
	w->health_running = false;
	w->health_due = w->health_timeout_at = w->watchdog_due = 0;
	w->live_deadline = 0;
}

static void	w_stop_with(struct tree *, struct node *, int, int64_t);

/*
 * Does rolled worker W's old process still serve (its successor not
 * ready yet), so that a stop must reach it too?
 */
static bool
roll_old_serves(const struct node *w)
{
	return w->state == ST_ROLL_SPAWNING ||
	    w->state == ST_ROLL_SPAWN_STOP || w->state == ST_ROLL_AWAITING ||
	    w->state == ST_ROLL_ABORT;
}

/* Send SIG to rolled worker W's old process. */
static void
signal_old(struct tree *t, struct node *w, int sig)
{
	struct action a = { .kind = ACT_SIGNAL, .node = w, .sig = sig,
	    .old = true };

	push(t, &a);
}

/*
 * W is unhealthy for REASON: say so, then stop it as an admin stop would
 * but with SIG first; its end will be a failure (w_exit_stopped). One
 * its supervisor is about to stop anyway (marked, or the supervisor is
 * stopping right to left) keeps its turn in that order.
 */
static void
live_unhealthy(struct tree *t, struct node *w, const char *reason, int sig,
    int64_t now)
{
	live_end(t, w);
	w->health = HS_UNHEALTHY;
	emit(t, w, EV_PROCESS_UNHEALTHY, w->pid, -1, reason);
	if (w->stop_pending || w->admin_stopped || (w->parent != NULL &&
	    node_status(w->parent) == NS_STOPPING))
		return;
	free(w->unhealthy);
	w->unhealthy = xasprintf("unhealthy: %s", reason);
	w_stop_with(t, w, sig, now);
}

/* The first check of W due after NOW: on its phase, every interval. */
static int64_t
health_next(const struct node *w, int64_t now)
{
	int64_t iv = w->spec->health_interval_ms;

	if (now < w->health_phase)
		return w->health_phase;
	return w->health_phase + ((now - w->health_phase) / iv + 1) * iv;
}

/*
 * A check of W ended (OK, or failed for REASON): count it. A failure
 * within health_start_period of W's start counts only once a check has
 * passed; health_retries failures in a row make W unhealthy. True if W
 * is still running.
 */
static bool
health_result(struct tree *t, struct node *w, bool ok, const char *reason,
    int64_t now)
{
	const struct node_spec *s = w->spec;

	w->health_running = false;
	w->health_timeout_at = 0;
	w->health_checked = now;
	free(w->health_error);
	w->health_error = NULL;
	if (ok) {
		w->health_failures = 0;
		w->health_started = true;
		w->health = HS_HEALTHY;
	} else {
		w->health_error = xstrdup(reason ? reason : "failed");
		if (w->health_started ||
		    now - w->up_since >= s->health_start_period_ms)
			w->health_failures++;
		if (w->health_failures >= (unsigned)s->health_retries) {
			live_unhealthy(t, w, w->health_error, s->stop_signal,
			    now);
			return false;
		}
	}
	w->health_due = health_next(w, now);
	return true;
}

/* RUNNING + health: a check ended (not one abandoned: stale). */
static void
w_health(struct tree *t, struct node *w, struct input *in)
{
	if (!w->health_running)
		return;
	if (health_result(t, w, in->ok, in->text, in->now))
		live_rearm(t, w, in->now, false);
}

/* RUNNING + watchdog: WATCHDOG=1 pushes the deadline on; trigger fails. */
static void
w_watchdog(struct tree *t, struct node *w, struct input *in)
{
	if (w->spec->watchdog_ms <= 0)
		return;
	if (!in->ok) {
		live_unhealthy(t, w, "watchdog triggered (WATCHDOG=trigger)",
		    w->spec->watchdog_signal, in->now);
		return;
	}
	w->watchdog_due = in->now + w->spec->watchdog_ms;
	if (w->spec->health == HEALTH_NONE) {
		w->health = HS_HEALTHY;
		w->health_checked = in->now;
	}
	live_rearm(t, w, in->now, true);
}

/*
 * RUNNING + liveness timer: the watchdog missed, or the running check
 * overran its health_timeout (abandoned: a failure), or a check is due
 * (unless one still runs).
 */
static void
w_live_timer(struct tree *t, struct node *w, struct input *in)
{
	const struct node_spec *s = w->spec;
	int64_t now = in->now;
	char d[32], *why;

	w->live_deadline = 0;
	if (w->watchdog_due != 0 && now >= w->watchdog_due) {
		why = xasprintf("watchdog timeout (%s)", duration_format(
		    s->watchdog_ms, d, sizeof d));
		live_unhealthy(t, w, why, s->watchdog_signal, now);
		free(why);
		return;
	}
	if (w->health_running && now >= w->health_timeout_at) {
		push_simple(t, ACT_HEALTH_CANCEL, w, 0);
		why = xasprintf("timed out after %s", duration_format(
		    s->health_timeout_ms, d, sizeof d));
		if (!health_result(t, w, false, why, now)) {
			free(why);
			return;
		}
		free(why);
	}
	if (!w->health_running && w->health_due != 0 && now >= w->health_due) {
		w->health_running = true;
		w->health_due = 0;
		w->health_timeout_at = now + s->health_timeout_ms;
		push_live(t, ACT_HEALTH, w, s->health_timeout_ms,
		    w->health_timeout_at);
	}
	live_rearm(t, w, now, false);
}

/* DOWN, FAILED, COMPLETED + start: spawn. */
static void
w_start(struct tree *t, struct node *n, struct input *in)
{
	start_common(n);
	n->started = in->now;
	set_state(n, ST_SPAWNING, in->now);
	if (has_limits(n->spec))
		push_simple(t, ACT_LIMITS, n, 0);
	push_simple(t, ACT_SPAWN, n, 0);
	/* A daemonizing worker has started once its pidfile names it. */
	if (n->spec->pidfile != NULL)
		arm(t, n, n->spec->start_timeout_ms, in->now);
}

/* Run W's readiness check once its check_interval has passed. */
static void
check_later(struct tree *t, struct node *w)
{
	struct action a = { .kind = ACT_CHECK, .node = w,
	    .ms = w->spec->check_interval_ms };

	push(t, &a);
}

/* SPAWNING + stop: stop once the exec has answered. */
static void
w_stop_later(struct tree *t, struct node *n, struct input *in)
{
	(void)t;
	set_state(n, ST_SPAWN_STOP, in->now);
}

/*
 * Stop a worker with a process as its shutdown setting says, with SIG
 * first (its stop_signal, or the watchdog's).
 */
static void
w_stop_with(struct tree *t, struct node *w, int sig, int64_t now)
{
	const struct node_spec *s = w->spec;
	/*
	 * A rolled worker's old process that still serves stops too, with
	 * its own stop signal (liveness, and its signals, are the new
	 * one's), within the new one's shutdown time.
	 */
	bool old = roll_old_serves(w);
	int osig = old ? w->old_spec->stop_signal : 0;

	if (old) {
		spec_free(w->old_spec);
		w->old_spec = NULL;
	}
	if (w->state == ST_AWAITING || w->state == ST_ROLL_AWAITING ||
	    w->state == ST_ROLL_DRAINING)
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
	live_end(t, w);
	if (s->shutdown == SHUTDOWN_BRUTAL_KILL) {
		set_state(w, ST_KILLING, now);
		push_simple(t, ACT_SIGNAL, w, SIGKILL);
		if (old)
			signal_old(t, w, SIGKILL);
		return;
	}
	set_state(w, ST_STOPPING, now);
	/* Like s6 and systemd: a stopped process must see the signal. */
	push_simple(t, ACT_SIGNAL, w, sig);
	if (sig != SIGKILL && sig != SIGCONT)
		push_simple(t, ACT_SIGNAL, w, SIGCONT);
	if (old) {
		signal_old(t, w, osig);
		if (osig != SIGKILL && osig != SIGCONT)
			signal_old(t, w, SIGCONT);
	}
	if (s->shutdown == SHUTDOWN_TIMEOUT)
		arm(t, w, s->shutdown_ms, now);
}

/* Ask a worker with a process to stop as its shutdown setting says. */
static void
w_stop(struct tree *t, struct node *w, struct input *in)
{
	w_stop_with(t, w, w->spec->stop_signal, in->now);
}

/* SPAWNING, SPAWN_STOP + spawned: running, or awaiting readiness. */
static void
w_spawned(struct tree *t, struct node *w, struct input *in)
{
	bool stop = w->state == ST_SPAWN_STOP;
	bool pidfile = w->spec->pidfile != NULL;

	w->pid = in->pid;
	w->scarce = 0;
	emit(t, w, EV_PROCESS_STARTED, w->pid, -1, NULL);
	if (w->spec->ready == READY_EXEC) {
		if (pidfile)
			push_simple(t, ACT_TIMER_CANCEL, w, 0);
		set_state(w, ST_RUNNING, in->now);
		if (!stop)
			live_begin(t, w, in->now);
	} else {
		/* start_timeout: a pidfile worker's began with its spawn. */
		set_state(w, ST_AWAITING, in->now);
		if (!pidfile)
			arm(t, w, w->spec->start_timeout_ms, in->now);
		if (w->spec->ready == READY_CHECK)
			check_later(t, w);
	}
	if (stop)
		stop_node(t, w, in->now);
	if (w->parent != NULL)		/* NULL: removed by a reload */
		sup_advance(t, w->parent, in->now);
}

/* A start of W failed for REASON (with WSTATUS, or -1): counted. */
static void
w_start_failed(struct tree *t, struct node *w, pid_t pid, const char *reason,
    int wstatus, bool asked, int64_t now)
{
	w->pid = 0;
	set_failed(w, reason, now);
	emit(t, w, EV_PROCESS_START_FAILED, pid, wstatus, reason);
	child_down(t, w, false, reason, asked, now);
}

/* SPAWNING, SPAWN_STOP + spawn failed (fork, exec, chdir, user...). */
static void
w_spawn_failed(struct tree *t, struct node *w, struct input *in)
{
	if (w->spec->pidfile != NULL)
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
	w_start_failed(t, w, 0, in->text, -1, w->state == ST_SPAWN_STOP,
	    in->now);
}

/*
 * SPAWNING + spawn scarce: arbord itself was short of descriptors or
 * processes. Not the worker's fault: it is reported, then retried after
 * a delay that doubles from 100 ms up to 5 s, and neither counted against
 * the intensity nor applied to its siblings by the strategy; a burst of
 * such failures cannot make a supervisor give up in a millisecond.
 */
static void
w_spawn_scarce(struct tree *t, struct node *w, struct input *in)
{
	struct node *p = w->parent;
	int64_t delay = 100;

	if (p == NULL || !sup_managing(p) || p->state == ST_STOPPING ||
	    w->stop_pending || w->admin_stopped) {
		w_spawn_failed(t, w, in);
		return;
	}
	if (w->spec->pidfile != NULL)
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
	set_failed(w, in->text, in->now);
	emit(t, w, EV_PROCESS_START_FAILED, 0, -1, in->text);
	for (unsigned i = 0; i < w->scarce && delay < 5000; i++)
		delay *= 2;
	if (delay > 5000)
		delay = 5000;
	w->scarce++;
	want_start(w, false);
	set_state(w, ST_BACKOFF, in->now);
	arm(t, w, delay, in->now);
	sup_advance(t, p, in->now);
}

/* SPAWNING, SPAWN_STOP + timer: a pidfile never named the daemon. */
static void
w_pidfile_late(struct tree *t, struct node *w, struct input *in)
{
	char d[32], *pf = worker_pidfile(w);
	char *reason = xasprintf("pidfile %s not written within %s", pf,
	    duration_format(w->spec->start_timeout_ms, d, sizeof d));

	push_simple(t, ACT_SPAWN_CANCEL, w, 0);
	w_start_failed(t, w, 0, reason, -1, w->state == ST_SPAWN_STOP,
	    in->now);
	free(reason);
	free(pf);
}

/* AWAITING + check done: ready if it passed, else check again later. */
static void
w_check_done(struct tree *t, struct node *w, struct input *in)
{
	if (in->ok)
		w_ready(t, w, in);
	else
		check_later(t, w);
}

/* AWAITING + ready. */
static void
w_ready(struct tree *t, struct node *w, struct input *in)
{
	push_simple(t, ACT_TIMER_CANCEL, w, 0);
	set_state(w, ST_RUNNING, in->now);
	emit(t, w, EV_PROCESS_READY, w->pid, -1, NULL);
	live_begin(t, w, in->now);
	if (w->parent != NULL)
		sup_advance(t, w->parent, in->now);
}

/* AWAITING + timer: not ready in time, a failed start; kill it. */
static void
w_not_ready(struct tree *t, struct node *w, struct input *in)
{
	set_state(w, ST_TIMED_OUT, in->now);
	push_simple(t, ACT_SIGNAL, w, SIGKILL);
}

/* Record the status of W's exit. */
static void
w_exited(struct node *w, int wstatus)
{
	w->pid = 0;
	w->exit_code = WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) :
	    WEXITSTATUS(wstatus);
}

/* AWAITING, TIMED_OUT + exit: it went before it was ready. */
static void
w_exit_starting(struct tree *t, struct node *w, struct input *in)
{
	pid_t pid = w->pid;
	char d[32], *reason;

	if (w->state == ST_AWAITING && w->spec->ready == READY_EXIT &&
	    exit_normal(w->spec, in->wstatus)) {
		/* A one-shot task done: started and completed at once. */
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
		w_exited(w, in->wstatus);
		set_state(w, ST_COMPLETED, in->now);
		emit(t, w, EV_PROCESS_COMPLETED, pid, in->wstatus, NULL);
		child_down(t, w, true, NULL, false, in->now);
		return;
	}

	push_simple(t, ACT_TIMER_CANCEL, w, 0);
	reason = w->state == ST_TIMED_OUT ?
	    xasprintf("not ready within %s", duration_format(
	    w->spec->start_timeout_ms, d, sizeof d)) :
	    w_exit_why(w, in);
	w_exited(w, in->wstatus);
	w_start_failed(t, w, pid, reason, in->wstatus, false, in->now);
	free(reason);
}

/*
 * STOPPING, KILLING + exit: down as asked; or, stopped as unhealthy (and
 * not asked to stop since), failed.
 */
static void
w_exit_stopped(struct tree *t, struct node *w, struct input *in)
{
	bool old = in->kind == I_OLD_EXIT;
	pid_t pid = old ? w->old_pid : w->pid;
	char *reason;

	/* Stopped during a roll's overlap: down once both are gone. */
	if (old ? w->pid != 0 : w->old_pid != 0) {
		if (old)
			w->old_pid = 0;
		else
			w_exited(w, in->wstatus);
		emit(t, w, EV_PROCESS_TERMINATED, pid, in->wstatus, NULL);
		return;
	}
	if (old) {
		/* The last one: what the node's end is, as it were its. */
		w->old_pid = 0;
		w->pid = pid;
	}
	reason = w->unhealthy;
	w->unhealthy = NULL;
	if (reason != NULL && !w->stop_pending && !w->admin_stopped) {
		w_exited(w, in->wstatus);
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
		set_failed(w, reason, in->now);
		emit(t, w, EV_PROCESS_FAILED, pid, in->wstatus, reason);
		child_down(t, w, false, reason, false, in->now);
		free(reason);
		return;
	}
	free(reason);
	w_exited(w, in->wstatus);
	push_simple(t, ACT_TIMER_CANCEL, w, 0);
	set_state(w, ST_DOWN, in->now);
	emit(t, w, EV_PROCESS_TERMINATED, pid, in->wstatus, NULL);
	child_stopped(t, w, in->now);
}

/* Is WSTATUS a normal end for S: exit 0, or one of its success_exit? */
static bool
exit_normal(const struct node_spec *s, int wstatus)
{
	const struct exit_set *es = &s->success_exit;
	int v;

	if (WIFEXITED(wstatus)) {
		v = WEXITSTATUS(wstatus);
		return v == 0 || (es->codes[v / 64] >> (v % 64) & 1) != 0;
	}
	v = WTERMSIG(wstatus);
	return v > 0 && v < 64 && (es->signals >> v & 1) != 0;
}

/* RUNNING + exit: completed (a normal end) or failed, by itself. */
static void
w_exit_running(struct tree *t, struct node *w, struct input *in)
{
	pid_t pid = w->pid;
	char *reason;

	live_end(t, w);
	w_exited(w, in->wstatus);
	if (exit_normal(w->spec, in->wstatus)) {
		set_state(w, ST_COMPLETED, in->now);
		emit(t, w, EV_PROCESS_COMPLETED, pid, in->wstatus, NULL);
		child_down(t, w, true, NULL, false, in->now);
		return;
	}
	reason = w_exit_why(w, in);
	set_failed(w, reason, in->now);
	emit(t, w, EV_PROCESS_FAILED, pid, in->wstatus, reason);
	child_down(t, w, false, reason, false, in->now);
	free(reason);
}

/* STOPPING + timer: the shutdown time is over. */
static void
w_kill(struct tree *t, struct node *w, struct input *in)
{
	set_state(w, ST_KILLING, in->now);
	if (w->pid != 0)
		push_simple(t, ACT_SIGNAL, w, SIGKILL);
	if (w->old_pid != 0)
		signal_old(t, w, SIGKILL);
}

/*
 * Rolling restarts of a worker (tree_roll): the worker's process is set
 * aside as its old one (ACT_ASIDE) and keeps serving while a successor
 * starts beside it (ROLL_SPAWNING, then ROLL_AWAITING until its ready
 * rule says so). Once the successor is ready it takes over: the old one
 * gets its stop signal and its shutdown time, then SIGKILL (ROLL_DRAINING,
 * ROLL_KILLING), and once it is gone the worker runs on with the new one
 * alone. A successor that fails to start or to become ready (its exit, a
 * spawn failure, its start_timeout: killed first, ROLL_ABORT) is
 * forgotten: the old process is the worker's again (ACT_RESTORE), the
 * settings it runs with too, and the failure is the start's (failed_start,
 * last_error), which ends the roll. An old process that dies while its
 * successor starts leaves a worker that is just starting; a stop during
 * the overlap stops both, and the worker is down once both are gone.
 */

/* RUNNING + roll: set the process aside and start its successor. */
static void
w_roll(struct tree *t, struct node *w, struct input *in)
{
	live_end(t, w);
	w->old_pid = w->pid;
	w->old_up_since = w->up_since;
	w->old_spec = spec_ref(w->spec);
	w->pid = 0;
	push_simple(t, ACT_ASIDE, w, 0);
	start_common(w);
	set_state(w, ST_ROLL_SPAWNING, in->now);
	if (has_limits(w->spec))
		push_simple(t, ACT_LIMITS, w, 0);
	push_simple(t, ACT_SPAWN, w, 0);
}

/*
 * Rolled worker W's successor failed for REASON and is gone: its old
 * process is its process again, with the settings it runs with (those
 * of the successor wait for the next start), and the failed start is
 * recorded for the roll to see.
 */
static void
roll_restore(struct tree *t, struct node *w, const char *reason,
    int64_t now)
{
	w->pid = w->old_pid;
	w->old_pid = 0;
	if (w->old_spec != w->spec) {
		if (w->next_spec == NULL)
			w->next_spec = w->spec;
		else
			spec_free(w->spec);
		w->spec = w->old_spec;
	} else
		spec_free(w->old_spec);
	w->old_spec = NULL;
	push_simple(t, ACT_RESTORE, w, 0);
	set_error(w, reason);
	w->failed_start = w->starts;
	set_state(w, ST_RUNNING, now);
	w->up_since = w->old_up_since;
	w->health = spec_has_liveness(w->spec) ? HS_STARTING : HS_NONE;
	live_begin(t, w, now);
}

/* ... and let its supervisor see it (the roll ends). */
static void
roll_failed(struct tree *t, struct node *w, const char *reason,
    int64_t now)
{
	roll_restore(t, w, reason, now);
	if (w->parent != NULL)
		sup_advance(t, w->parent, now);
}

/*
 * ROLL_AWAITING + ready: the successor takes over; the old process gets
 * its stop signal (as its own settings say) and its shutdown time.
 */
static void
roll_take_over(struct tree *t, struct node *w, int64_t now)
{
	const struct node_spec *os = w->old_spec;

	set_state(w, ST_ROLL_DRAINING, now);
	w->up_since = now;
	live_begin(t, w, now);
	emit(t, w, EV_PROCESS_DRAINING, w->old_pid, -1, NULL);
	if (os->shutdown == SHUTDOWN_BRUTAL_KILL) {
		set_state(w, ST_ROLL_KILLING, now);
		signal_old(t, w, SIGKILL);
	} else {
		signal_old(t, w, os->stop_signal);
		if (os->stop_signal != SIGKILL && os->stop_signal != SIGCONT)
			signal_old(t, w, SIGCONT);
		if (os->shutdown == SHUTDOWN_TIMEOUT)
			arm(t, w, os->shutdown_ms, now);
	}
	spec_free(w->old_spec);
	w->old_spec = NULL;
}

/* ROLL_SPAWNING + spawned: take over at once, or await readiness. */
static void
w_roll_spawned(struct tree *t, struct node *w, struct input *in)
{
	w->pid = in->pid;
	w->scarce = 0;
	emit(t, w, EV_PROCESS_STARTED, w->pid, -1, NULL);
	if (w->spec->ready == READY_EXEC) {
		roll_take_over(t, w, in->now);
		return;
	}
	set_state(w, ST_ROLL_AWAITING, in->now);
	arm(t, w, w->spec->start_timeout_ms, in->now);
	if (w->spec->ready == READY_CHECK)
		check_later(t, w);
}

/* ROLL_SPAWNING + spawn failed: the old process serves on. */
static void
w_roll_spawn_failed(struct tree *t, struct node *w, struct input *in)
{
	emit(t, w, EV_PROCESS_START_FAILED, 0, -1, in->text);
	roll_failed(t, w, in->text, in->now);
}

/* ROLL_SPAWNING + stop: stop both once the spawn answers. */
static void
w_roll_stop_later(struct tree *t, struct node *w, struct input *in)
{
	(void)t;
	set_state(w, ST_ROLL_SPAWN_STOP, in->now);
}

/* ROLL_SPAWN_STOP + spawned: stop both now. */
static void
w_roll_spawned_stop(struct tree *t, struct node *w, struct input *in)
{
	w->pid = in->pid;
	w->scarce = 0;
	emit(t, w, EV_PROCESS_STARTED, w->pid, -1, NULL);
	w_stop(t, w, in);
}

/* ROLL_SPAWN_STOP + spawn failed: the old process alone stops. */
static void
w_roll_spawn_failed_stop(struct tree *t, struct node *w, struct input *in)
{
	emit(t, w, EV_PROCESS_START_FAILED, 0, -1, in->text);
	roll_restore(t, w, in->text, in->now);
	w_stop(t, w, in);
}

/* ROLL_AWAITING + check done: ready if it passed, else check later. */
static void
w_roll_check_done(struct tree *t, struct node *w, struct input *in)
{
	if (!in->ok) {
		check_later(t, w);
		return;
	}
	push_simple(t, ACT_TIMER_CANCEL, w, 0);
	emit(t, w, EV_PROCESS_READY, w->pid, -1, NULL);
	roll_take_over(t, w, in->now);
	if (w->parent != NULL)
		sup_advance(t, w->parent, in->now);
}

/* ROLL_AWAITING + ready. */
static void
w_roll_ready(struct tree *t, struct node *w, struct input *in)
{
	in->ok = true;
	w_roll_check_done(t, w, in);
}

/* ROLL_AWAITING + timer: the successor is not ready in time; kill it. */
static void
w_roll_not_ready(struct tree *t, struct node *w, struct input *in)
{
	set_state(w, ST_ROLL_ABORT, in->now);
	push_simple(t, ACT_SIGNAL, w, SIGKILL);
}

/* ROLL_AWAITING, ROLL_ABORT + exit: the successor went before ready. */
static void
w_roll_exit_starting(struct tree *t, struct node *w, struct input *in)
{
	pid_t pid = w->pid;
	char d[32], *reason;

	push_simple(t, ACT_TIMER_CANCEL, w, 0);
	reason = w->state == ST_ROLL_ABORT ?
	    xasprintf("not ready within %s", duration_format(
	    w->spec->start_timeout_ms, d, sizeof d)) : w_exit_why(w, in);
	w_exited(w, in->wstatus);
	emit(t, w, EV_PROCESS_START_FAILED, pid, in->wstatus, reason);
	roll_failed(t, w, reason, in->now);
	free(reason);
}

/*
 * Rolled worker W's old process exited while it still served (IN): say
 * how, and forget it; the successor goes on starting as state ST.
 */
static void
roll_old_lost(struct tree *t, struct node *w, struct input *in,
    enum node_state st)
{
	pid_t pid = w->old_pid;
	char *reason;

	w->old_pid = 0;
	spec_free(w->old_spec);
	w->old_spec = NULL;
	set_state(w, st, in->now);
	if (exit_normal(w->spec, in->wstatus))
		emit(t, w, EV_PROCESS_COMPLETED, pid, in->wstatus, NULL);
	else {
		reason = exit_reason(in->wstatus, in->text,
		    in->now - in->line_at);
		set_error(w, reason);
		emit(t, w, EV_PROCESS_FAILED, pid, in->wstatus, reason);
		free(reason);
	}
	if (w->parent != NULL)
		sup_advance(t, w->parent, in->now);
}

/* ROLL_SPAWNING + old exit: a plain start now. */
static void
w_roll_old_spawning(struct tree *t, struct node *w, struct input *in)
{
	roll_old_lost(t, w, in, ST_SPAWNING);
}

/* ROLL_SPAWN_STOP + old exit: a plain start, to be stopped. */
static void
w_roll_old_spawn_stop(struct tree *t, struct node *w, struct input *in)
{
	roll_old_lost(t, w, in, ST_SPAWN_STOP);
}

/* ROLL_AWAITING + old exit: a plain start awaiting readiness. */
static void
w_roll_old_awaiting(struct tree *t, struct node *w, struct input *in)
{
	roll_old_lost(t, w, in, ST_AWAITING);
}

/* ROLL_ABORT + old exit: nothing serves; the start failed. */
static void
w_roll_old_abort(struct tree *t, struct node *w, struct input *in)
{
	roll_old_lost(t, w, in, ST_TIMED_OUT);
}

/* ROLL_DRAINING + timer: the old one's shutdown time is over. */
static void
w_roll_kill_old(struct tree *t, struct node *w, struct input *in)
{
	set_state(w, ST_ROLL_KILLING, in->now);
	signal_old(t, w, SIGKILL);
}

/* ROLL_DRAINING, ROLL_KILLING + old exit: the new one runs alone. */
static void
w_roll_drained(struct tree *t, struct node *w, struct input *in)
{
	pid_t pid = w->old_pid;
	int64_t up = w->up_since;

	if (w->state == ST_ROLL_DRAINING)
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
	w->old_pid = 0;
	set_state(w, ST_RUNNING, in->now);
	w->up_since = up;
	emit(t, w, EV_PROCESS_TERMINATED, pid, in->wstatus, NULL);
	if (w->parent != NULL)
		sup_advance(t, w->parent, in->now);
}

/*
 * ROLL_DRAINING, ROLL_KILLING + exit: the new process ended while the
 * old one drained. A failure, whatever its status (a server taking over
 * should not end): the old one is killed, and once it is gone too the
 * worker's end is the failure, as for an unhealthy worker.
 */
static void
w_roll_lost(struct tree *t, struct node *w, struct input *in)
{
	char *why = w_exit_why(w, in);

	live_end(t, w);
	if (w->state == ST_ROLL_DRAINING)
		push_simple(t, ACT_TIMER_CANCEL, w, 0);
	w_exited(w, in->wstatus);
	free(w->unhealthy);
	w->unhealthy = xasprintf("%s while the old process drained", why);
	free(why);
	set_state(w, ST_KILLING, in->now);
	signal_old(t, w, SIGKILL);
}


/* A worker's states and the inputs each accepts. */
static input_fn *const worker_table[ST_COUNT][I_COUNT] = {
	[ST_DOWN] =	  { [I_START] = w_start },
	[ST_FAILED] =	  { [I_START] = w_start },
	[ST_COMPLETED] =  { [I_START] = w_start },
	[ST_BACKOFF] =	  { [I_START] = w_start, [I_STOP] = backoff_stop,
			    [I_TIMER] = backoff_over },
	[ST_SPAWNING] =	  { [I_STOP] = w_stop_later, [I_SPAWNED] = w_spawned,
			    [I_SPAWN_FAILED] = w_spawn_failed,
			    [I_SPAWN_SCARCE] = w_spawn_scarce,
			    [I_TIMER] = w_pidfile_late },
	[ST_SPAWN_STOP] = { [I_SPAWNED] = w_spawned,
			    [I_SPAWN_FAILED] = w_spawn_failed,
			    [I_SPAWN_SCARCE] = w_spawn_failed,
			    [I_TIMER] = w_pidfile_late },
	[ST_AWAITING] =	  { [I_STOP] = w_stop, [I_READY] = w_ready,
			    [I_CHECK_DONE] = w_check_done,
			    [I_EXIT] = w_exit_starting, [I_TIMER] = w_not_ready },
	[ST_RUNNING] =	  { [I_STOP] = w_stop, [I_EXIT] = w_exit_running,
			    [I_HEALTH] = w_health, [I_WATCHDOG] = w_watchdog,
			    [I_LIVE_TIMER] = w_live_timer, [I_ROLL] = w_roll },
	[ST_STOPPING] =	  { [I_EXIT] = w_exit_stopped, [I_TIMER] = w_kill,
			    [I_OLD_EXIT] = w_exit_stopped },
	[ST_KILLING] =	  { [I_EXIT] = w_exit_stopped,
			    [I_OLD_EXIT] = w_exit_stopped },
	[ST_TIMED_OUT] =  { [I_EXIT] = w_exit_starting },
	[ST_ROLL_SPAWNING] = { [I_SPAWNED] = w_roll_spawned,
			    [I_SPAWN_FAILED] = w_roll_spawn_failed,
			    [I_SPAWN_SCARCE] = w_roll_spawn_failed,
			    [I_STOP] = w_roll_stop_later,
			    [I_OLD_EXIT] = w_roll_old_spawning },
	[ST_ROLL_SPAWN_STOP] = { [I_SPAWNED] = w_roll_spawned_stop,
			    [I_SPAWN_FAILED] = w_roll_spawn_failed_stop,
			    [I_SPAWN_SCARCE] = w_roll_spawn_failed_stop,
			    [I_OLD_EXIT] = w_roll_old_spawn_stop },
	[ST_ROLL_AWAITING] = { [I_READY] = w_roll_ready,
			    [I_CHECK_DONE] = w_roll_check_done,
			    [I_TIMER] = w_roll_not_ready,
			    [I_EXIT] = w_roll_exit_starting, [I_STOP] = w_stop,
			    [I_OLD_EXIT] = w_roll_old_awaiting },
	[ST_ROLL_ABORT] = { [I_EXIT] = w_roll_exit_starting, [I_STOP] = w_stop,
			    [I_OLD_EXIT] = w_roll_old_abort },
	[ST_ROLL_DRAINING] = { [I_TIMER] = w_roll_kill_old,
			    [I_OLD_EXIT] = w_roll_drained,
			    [I_EXIT] = w_roll_lost, [I_STOP] = w_stop,
			    [I_HEALTH] = w_health, [I_WATCHDOG] = w_watchdog,
			    [I_LIVE_TIMER] = w_live_timer },
	[ST_ROLL_KILLING] = { [I_OLD_EXIT] = w_roll_drained,
			    [I_EXIT] = w_roll_lost, [I_STOP] = w_stop,
			    [I_HEALTH] = w_health, [I_WATCHDOG] = w_watchdog,
			    [I_LIVE_TIMER] = w_live_timer },
};

/*
 * Supervisors.
 */

/* DOWN, FAILED, COMPLETED + start: fresh state, then setup. */
static void
s_start(struct tree *t, struct node *s, struct input *in)
{
	start_common(s);
	s->started = in->now;
	/* A (re)started supervisor is a new one: fresh state, fresh window. */
	s->cause = CAUSE_STOP;
	free(s->fail_reason);
	free(s->cleanup_error);
	s->fail_reason = s->cleanup_error = NULL;
	strv_free(&s->setup_env);
	strv_free(&s->file_env);
	intensity_free(&s->window);
	intensity_init(&s->window, s->spec->intensity, s->spec->period_ms);
	for (size_t i = 0; i < s->nchildren; i++) {
		intensity_free(&s->children[i]->history);
		intensity_init(&s->children[i]->history, s->spec->intensity,
		    s->spec->period_ms);
	}
	if (node_is_pool(s)) {
		/* No state of its own: its instances start at once. */
		set_state(s, ST_STARTING, in->now);
		for (size_t i = 0; i < s->nchildren; i++)
			want_start(s->children[i],
			    !s->children[i]->admin_stopped &&
			    !s->children[i]->removing);
		sup_advance(t, s, in->now);
		return;
	}
	set_state(s, ST_SETUP, in->now);
	/* Its limits bound the subtree, scripts included: set them first. */
	if (has_limits(s->spec))
		push_simple(t, ACT_LIMITS, s, 0);
	push_simple(t, ACT_SETUP, s, 0);
	arm(t, s, s->spec->setup_timeout_ms, in->now);
}

/* Mark S stopping (failing with REASON, owned, if not NULL). */
static void
s_stopping(struct tree *t, struct node *s, enum node_state st,
    struct input *in)
{
	if (s->rolling)
		roll_end(t, s, xasprintf("%s stopped during the rolling "
		    "restart", s->path), in->now);
	if (in->reason != NULL) {
		s->cause = node_status(s) == NS_STARTING ? CAUSE_START_FAIL :
		    CAUSE_FAIL;
		free(s->fail_reason);
		s->fail_reason = in->reason;
		in->reason = NULL;
	}
	set_state(s, st, in->now);
	for (size_t i = 0; i < s->nchildren; i++) {
		struct node *c = s->children[i];
		want_start(c, false);
		backoff_cancel(t, c, ST_DOWN, in->now);
	}
}

/* SETUP, SETUP_KILLED + stop: cut the setup short, then clean up. */
static void
s_stop_setup(struct tree *t, struct node *s, struct input *in)
{
	s_stopping(t, s, ST_SETUP_CUT, in);
	push_simple(t, ACT_TIMER_CANCEL, s, 0);
	push_simple(t, ACT_KILL_SCRIPT, s, 0);
}

/* STARTING, RUNNING + stop: stop the children right to left. */
static void
s_stop(struct tree *t, struct node *s, struct input *in)
{
	s_stopping(t, s, ST_STOPPING, in);
	if (node_is_pool(s))
		(void)pool_stop(t, s, true, in->now);
	sup_advance(t, s, in->now);
}

/* SETUP + setup done: start the children, or fail. */
static void
s_setup_done(struct tree *t, struct node *s, struct input *in)
{
	push_simple(t, ACT_TIMER_CANCEL, s, 0);
	set_state(s, ST_STARTING, in->now);
	if (in->text != NULL) {
		sup_stop(t, s, xasprintf("setup failed: %s", in->text),
		    in->now);
		return;
	}
	if (in->env != NULL) {
		strv_free(&s->setup_env);
		s->setup_env = *in->env;
		memset(in->env, 0, sizeof *in->env);
	}
	for (size_t i = 0; i < s->nchildren; i++)
		want_start(s->children[i], !s->children[i]->admin_stopped);
	sup_advance(t, s, in->now);
}

/* SETUP_KILLED + setup done: it timed out; fail. */
static void
s_setup_timed_out(struct tree *t, struct node *s, struct input *in)
{
	char d[32];

	push_simple(t, ACT_TIMER_CANCEL, s, 0);
	set_state(s, ST_STARTING, in->now);
	sup_stop(t, s, xasprintf("setup timed out after %s",
	    duration_format(s->spec->setup_timeout_ms, d, sizeof d)), in->now);
}

/* SETUP_CUT + setup done: go straight on to cleanup. */
static void
s_setup_cut_done(struct tree *t, struct node *s, struct input *in)
{
	push_simple(t, ACT_TIMER_CANCEL, s, 0);
	set_state(s, ST_STOPPING, in->now);
	sup_advance(t, s, in->now);
}

/* SETUP + timer: the setup overran; kill it. */
static void
s_setup_late(struct tree *t, struct node *s, struct input *in)
{
	set_state(s, ST_SETUP_KILLED, in->now);
	push_simple(t, ACT_KILL_SCRIPT, s, 0);
}

/* CLEANUP + timer: the cleanup overran; kill it. */
static void
s_cleanup_late(struct tree *t, struct node *s, struct input *in)
{
	set_state(s, ST_CLEANUP_KILLED, in->now);
	push_simple(t, ACT_KILL_SCRIPT, s, 0);
}

/* CLEANUP, CLEANUP_KILLED + cleanup done (its state dir is gone). */
static void
s_cleanup_done(struct tree *t, struct node *s, struct input *in)
{
	char d[32];

	push_simple(t, ACT_TIMER_CANCEL, s, 0);
	free(s->cleanup_error);
	s->cleanup_error = NULL;
	if (s->state == ST_CLEANUP_KILLED)
		s->cleanup_error = xasprintf("cleanup timed out after %s",
		    duration_format(s->spec->cleanup_timeout_ms, d, sizeof d));
	else if (in->text != NULL)
		s->cleanup_error = xasprintf("cleanup failed: %s", in->text);
	sup_finished(t, s, in->now);
}

/* A supervisor's states and the inputs each accepts. */
static input_fn *const sup_table[ST_COUNT][I_COUNT] = {
	[ST_DOWN] =	      { [I_START] = s_start },
	[ST_FAILED] =	      { [I_START] = s_start },
	[ST_COMPLETED] =      { [I_START] = s_start },
	[ST_BACKOFF] =	      { [I_START] = s_start, [I_STOP] = backoff_stop,
				[I_TIMER] = backoff_over },
	[ST_SETUP] =	      { [I_STOP] = s_stop_setup,
				[I_SETUP_DONE] = s_setup_done,
				[I_TIMER] = s_setup_late },
	[ST_SETUP_KILLED] =   { [I_STOP] = s_stop_setup,
				[I_SETUP_DONE] = s_setup_timed_out },
	[ST_SETUP_CUT] =      { [I_SETUP_DONE] = s_setup_cut_done },
	[ST_STARTING] =	      { [I_STOP] = s_stop },
	[ST_RUNNING] =	      { [I_STOP] = s_stop },
	[ST_CLEANUP] =	      { [I_CLEANUP_DONE] = s_cleanup_done,
				[I_TIMER] = s_cleanup_late },
	[ST_CLEANUP_KILLED] = { [I_CLEANUP_DONE] = s_cleanup_done },
};

/* Feed IN to N: its state's handler takes it, or it is stale. */
static void
dispatch(struct tree *t, struct node *n, struct input *in)
{
	input_fn *fn = n->spec->kind == NODE_WORKER ?
	    worker_table[n->state][in->kind] : sup_table[n->state][in->kind];

	if (fn != NULL)
		fn(t, n, in);
	free(in->reason);
	in->reason = NULL;
}

/*
 * Begin stopping supervisor S and its subtree. With a REASON (owned) the
 * supervisor is failing and will report to its parent as failed.
 */
static void
sup_stop(struct tree *t, struct node *s, char *reason, int64_t now)
{
	struct input in = { .kind = I_STOP, .now = now, .reason = reason };

	dispatch(t, s, &in);
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
		if (node_active(c) && !node_going_down(c))
			stop_node(t, c, now);
		if (node_active(c))
			waiting = true;
		else if (!all)
			want_stop(c, false);
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

	if (!sup_managing(s))
		return;
	if (node_is_pool(s))
		pool_trim(t, s);
	if (s->rolling && s->state == ST_RUNNING) {
		roll_step(t, s, now);
		/* Its end removes the surge: those already down go now. */
		if (!s->rolling && node_is_pool(s))
			pool_trim(t, s);
	}
	if (s->state == ST_STOPPING) {
		/*
		 * A pool told every instance at the stop's start (s_stop):
		 * each one down is one less to wait for, in O(1).
		 */
		if (node_is_pool(s)) {
			if (s->nactive == 0)
				sup_finished(t, s, now);	/* no cleanup */
			return;
		}
		for (size_t i = s->nchildren; i-- > 0;) {
			c = s->children[i];
			if (!node_active(c))
				continue;
			if (!node_going_down(c))
				stop_node(t, c, now);
			return;
		}
		set_state(s, ST_CLEANUP, now);
		push_simple(t, ACT_CLEANUP, s, 0);
		arm(t, s, s->spec->cleanup_timeout_ms, now);
		return;
	}

	/* Pending stops first, right to left (in a pool, all at once) ... */
	if (s->nstop_pending > 0 && node_is_pool(s) &&
	    pool_stop(t, s, false, now))
		return;
	for (size_t i = s->nchildren; s->nstop_pending > 0 && i-- > 0;) {
		c = s->children[i];
		if (!c->stop_pending)
			continue;
		if (node_active(c)) {
			if (!node_going_down(c))
				stop_node(t, c, now);
			return;
		}
		want_stop(c, false);
	}
	/*
	 * ... then pending starts, left to right, each after the last: in
	 * O(1) per step, from counts and the lowest index a mark may be at.
	 */
	if (s->nstarting > 0)
		return;
	for (; s->start_from < s->nchildren; s->start_from++) {
		c = s->children[s->start_from];
		/*
		 * Order holds: what comes after a waiting child waits too;
		 * but a pool's instances have no order (simple_one_for_one).
		 */
		if (c->state == ST_BACKOFF && !node_is_pool(s))
			return;
		if (c->start_pending) {
			start_node(t, c, now);
			return;
		}
	}
	if (s->state == ST_STARTING) {
		set_state(s, ST_RUNNING, now);
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
tree_finish(struct tree *t, enum tree_exit status, const char *reason)
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
		tree_finish(t, TREE_EXIT_STOPPED, NULL);
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
	push_simple(t, ACT_FREE, n, 0);
	if (--t->ndetached == 0 && t->finished)
		push_exit(t);
}

/* Supervisor S's children and cleanup are done: it is down. */
static void
sup_finished(struct tree *t, struct node *s, int64_t now)
{
	char *msg;

	strv_free(&s->setup_env);
	strv_free(&s->file_env);
	if (s->cause == CAUSE_COMPLETE) {
		/* auto_shutdown: done, as its significant children are. */
		set_state(s, ST_COMPLETED, now);
		emit(t, s, EV_PROCESS_COMPLETED, 0, s->exit_code >= 0 ?
		    (s->exit_code & 0xff) << 8 : -1, s->cleanup_error ?
		    s->cleanup_error : s->fail_reason);
		if (s->parent != NULL || s->detached)
			child_down(t, s, true, NULL, false, now);
		else if (!t->finished) {
			t->exit_code = s->exit_code;
			tree_finish(t, TREE_EXIT_COMPLETED, s->fail_reason);
		}
		return;
	}
	if (s->cause == CAUSE_STOP) {
		set_state(s, ST_DOWN, now);
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
	set_failed(s, msg, now);
	emit(t, s, s->cause == CAUSE_START_FAIL ? EV_PROCESS_START_FAILED :
	    EV_PROCESS_FAILED, 0, -1, msg);
	if (s->parent != NULL || s->detached)
		child_down(t, s, false, msg, false, now);
	else
		tree_finish(t, TREE_EXIT_FAILED, msg);
	free(msg);
}

/* Child C is down because its parent (or an admin) asked. */
static void
child_stopped(struct tree *t, struct node *c, int64_t now)
{
	want_stop(c, false);
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
	want_start(c, false);
	set_state(c, ST_BACKOFF, now);
	arm(t, c, delay, now);
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
		    x->start_pending || x->state == ST_BACKOFF))
			return false;
	}
	return true;
}

/*
 * S stops as completed because significant child C ended (NORMAL, or
 * failed for REASON): its status is C's, which is NODE_NO_EXIT when C
 * failed without one (it could not start, its subtree gave up).
 */
static void
sup_complete(struct tree *t, struct node *s, const struct node *c,
    bool normal, const char *reason, int64_t now)
{
	s->exit_code = c->exit_code;
	free(s->fail_reason);
	s->fail_reason = normal ? NULL : xasprintf("significant child %s "
	    "failed: %s", c->path, reason ? reason : "exited");
	s->cause = CAUSE_COMPLETE;
	sup_stop(t, s, NULL, now);
}

/* Mark sibling X for restart as part of a one_for_all/rest_for_one. */
static void
mark_restart(struct node *x)
{
	if (x->admin_stopped)
		return;
	if (node_active(x))
		want_stop(x, true);
	/*
	 * OTP: temporary children are never restarted, not even here; but a
	 * first start still pending is no restart, so it is kept.
	 */
	if (x->spec->restart != RESTART_TEMPORARY)
		want_start(x, true);
}

/* Children named in an intensity error, at most. */
#define INTENSITY_NAMED	4

/*
 * Why P gives up: C's failure (REASON) was one restart too many. The
 * restarts counted are those of P's children within its period, the
 * refused one left out; each child's share is named as status shows it
 * (restarts_period), so that the numbers can be checked against it.
 */
static char *
intensity_reason(const struct node *p, const struct node *c,
    const char *reason, int64_t now)
{
	struct buf b = { 0 };
	char period[32];
	int done = intensity_count(&p->window, now) - 1, named = 0, more = 0;

	duration_format(p->window.period_ms, period, sizeof period);
	buf_printf(&b, "restart intensity exceeded (%d restart%s of its "
	    "children within %s already", done, done == 1 ? "" : "s", period);
	for (size_t i = 0; i < p->nchildren; i++) {
		int k = intensity_count(&p->children[i]->history, now);
		if (k == 0)
			continue;
		if (named == INTENSITY_NAMED) {
			more++;
			continue;
		}
		named++;
		buf_printf(&b, "%s%d of %s", named == 1 ? ": " : ", ", k,
		    p->children[i]->path);
	}
	if (more > 0)
		buf_printf(&b, " and %d more child%s", more,
		    more == 1 ? "" : "ren");
	buf_printf(&b, "; intensity %d); last failure: %s: %s", p->window.max,
	    c->path, reason ? reason : "exited");
	return b.s;
}

/*
 * Child C went down by itself (exit, failed start, failed subtree).
 * NORMAL is a clean exit; REASON says why it failed; ASKED that a stop
 * was waiting for it anyway. The parent applies the restart policy, its
 * intensity, then its strategy.
 */
static void
child_down(struct tree *t, struct node *c, bool normal, const char *reason,
    bool asked, int64_t now)
{
	struct node *p = c->parent;

	if (c->detached) {
		detached_done(t, c);
		return;
	}
	if (node_status(p) == NS_STOPPING || c->stop_pending || asked ||
	    c->admin_stopped || c->removing) {
		/* It was going down anyway: no restart, nothing counted. */
		want_stop(c, false);
		sup_advance(t, p, now);
		return;
	}
	if (!should_restart(c->spec->restart, normal)) {
		if (c->spec->significant && significant_done(p))
			sup_complete(t, p, c, normal, reason, now);
		else
			sup_advance(t, p, now);
		return;
	}
	if (intensity_add(&p->window, now)) {
		sup_stop(t, p, intensity_reason(p, c, reason, now), now);
		return;
	}
	c->restarts++;
	(void)intensity_add(&c->history, now);
	want_start(c, true);
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

/*
 * Inputs from the daemon.
 */

/* Start the whole tree. */
void
tree_start(struct tree *t, int64_t now)
{
	if (t->root->state == ST_DOWN)
		start_node(t, t->root, now);
}

/* Stop the whole tree in order; the daemon exits when it is down. */
void
tree_shutdown(struct tree *t, int64_t now)
{
	t->shutting_down = true;
	if (node_active(t->root))
		sup_stop(t, t->root, NULL, now);
	else
		tree_finish(t, t->root->state == ST_FAILED ?
		    TREE_EXIT_FAILED : TREE_EXIT_STOPPED, t->root->last_error);
}

/* Worker W's exec succeeded as PID. */
void
tree_worker_started(struct tree *t, struct node *w, pid_t pid, int64_t now)
{
	struct input in = { .kind = I_SPAWNED, .now = now, .pid = pid };

	dispatch(t, w, &in);
}

/* Worker W, started, reported that it is ready. */
void
tree_worker_ready(struct tree *t, struct node *w, int64_t now)
{
	input(t, w, I_READY, now);
}

/* Worker W could not be started (fork, exec, chdir, user...). */
void
tree_worker_start_failed(struct tree *t, struct node *w, const char *error,
    int64_t now)
{
	struct input in = { .kind = I_SPAWN_FAILED, .now = now,
	    .text = error };

	dispatch(t, w, &in);
}

/* Worker W could not be started for arbord's own lack of resources. */
void
tree_worker_start_scarce(struct tree *t, struct node *w, const char *error,
    int64_t now)
{
	struct input in = { .kind = I_SPAWN_SCARCE, .now = now,
	    .text = error };

	dispatch(t, w, &in);
}

/*
 * Worker W's process exited with WSTATUS; LASTLINE is its last stderr,
 * read at LINE_AT (monotonic ms).
 */
void
tree_worker_oom(struct tree *t, struct node *w)
{
	(void)t;
	w->oom_killed = true;
}

void
tree_worker_exited(struct tree *t, struct node *w, int wstatus,
    const char *lastline, int64_t line_at, int64_t now)
{
	struct input in = { .kind = I_EXIT, .now = now, .wstatus = wstatus,
	    .text = lastline, .line_at = lastline != NULL ? line_at : now };

	dispatch(t, w, &in);
}

/* The old process of rolled worker W exited with WSTATUS. */
void
tree_worker_old_exited(struct tree *t, struct node *w, int wstatus,
    const char *lastline, int64_t line_at, int64_t now)
{
	struct input in = { .kind = I_OLD_EXIT, .now = now,
	    .wstatus = wstatus, .text = lastline,
	    .line_at = lastline != NULL ? line_at : now };

	dispatch(t, w, &in);
}

/* Supervisor S's setup finished; ERROR is NULL if it succeeded. */
void
tree_setup_done(struct tree *t, struct node *s, const char *error,
    struct strv *env, int64_t now)
{
	struct input in = { .kind = I_SETUP_DONE, .now = now, .text = error,
	    .env = env };

	dispatch(t, s, &in);
}

/* Supervisor S's cleanup finished (and its state dir is gone). */
void
tree_cleanup_done(struct tree *t, struct node *s, const char *error,
    int64_t now)
{
	struct input in = { .kind = I_CLEANUP_DONE, .now = now,
	    .text = error };

	dispatch(t, s, &in);
}

/* Worker N's readiness check ended: OK if it passed. */
void
tree_check_done(struct tree *t, struct node *n, bool ok, int64_t now)
{
	struct input in = { .kind = I_CHECK_DONE, .now = now, .ok = ok };

	dispatch(t, n, &in);
}

/* Worker N's health check ended: OK, or failed for REASON. */
void
tree_health_done(struct tree *t, struct node *n, bool ok, const char *reason,
    int64_t now)
{
	struct input in = { .kind = I_HEALTH, .now = now, .ok = ok,
	    .text = reason };

	dispatch(t, n, &in);
}

/* Worker N sent WATCHDOG=1, or WATCHDOG=trigger. */
void
tree_watchdog(struct tree *t, struct node *n, bool trigger, int64_t now)
{
	struct input in = { .kind = I_WATCHDOG, .now = now, .ok = !trigger };

	dispatch(t, n, &in);
}

/* N's liveness timer expired. */
void
tree_live_timer_fired(struct tree *t, struct node *n, int64_t now)
{
	input(t, n, I_LIVE_TIMER, now);
}

/* N's timer expired: its deadline, whatever its state makes of it. */
void
tree_timer_fired(struct tree *t, struct node *n, int64_t now)
{
	input(t, n, I_TIMER, now);
}

/* Why the root is stopping as failed, or NULL if it is not. */
const char *
tree_failing(const struct tree *t)
{
	const struct node *r = t->root;

	if (r->state == ST_FAILED)
		return r->last_error;
	if (node_status(r) == NS_STOPPING &&
	    (r->cause == CAUSE_FAIL || r->cause == CAUSE_START_FAIL))
		return r->fail_reason;
	return NULL;
}

/*
 * Check worker W's processes: a main one in the states that have it, an
 * old one in a roll's overlap (in a stop, at least one of the two).
 */
static char *
check_pids(const struct node *w)
{
	bool main = false, old = false;

	switch (w->state) {
	case ST_AWAITING: case ST_RUNNING: case ST_TIMED_OUT:
		main = true;
		break;
	case ST_STOPPING: case ST_KILLING:
		if (w->pid == 0 && w->old_pid == 0)
			return xasprintf("%s: stopping without a process",
			    w->path);
		return NULL;
	case ST_ROLL_SPAWNING: case ST_ROLL_SPAWN_STOP:
		old = true;
		break;
	case ST_ROLL_AWAITING: case ST_ROLL_ABORT: case ST_ROLL_DRAINING:
	case ST_ROLL_KILLING:
		main = old = true;
		break;
	default:
		break;
	}
	if ((w->pid > 0) != main || (w->old_pid > 0) != old)
		return xasprintf("%s: pids %ld, %ld in state %d", w->path,
		    (long)w->pid, (long)w->old_pid, w->state);
	if ((w->old_spec != NULL) != (roll_old_serves(w)))
		return xasprintf("%s: old settings kept in state %d",
		    w->path, w->state);
	return NULL;
}

/* Check the counts supervisor N keeps of its children; see tree_check. */
static char *
check_counts(const struct node *n)
{
	char *err;
	size_t active = 0, starting = 0, stopmarks = 0, first = n->nchildren;

	for (size_t i = 0; i < n->nchildren; i++) {
		const struct node *c = n->children[i];
		if (c->parent != n || c->index != i)
			return xasprintf("%s: bad parent or index", c->path);
		if (c->removing && (c->start_pending || !node_is_pool(n)))
			return xasprintf("%s: scaled away, yet to start",
			    c->path);
		if (c->roll_wait && !n->rolling)
			return xasprintf("%s: waited for by no roll", c->path);
		if (i > 0 && n->children[i - 1]->removing && !c->removing)
			return xasprintf("%s: kept after one scaled away",
			    c->path);
		active += node_active(c);
		starting += node_status(c) == NS_STARTING;
		stopmarks += c->stop_pending;
		if (first == n->nchildren && (c->start_pending ||
		    (c->state == ST_BACKOFF && !node_is_pool(n))))
			first = i;
		if (c->spec->kind == NODE_WORKER &&
		    (err = check_pids(c)) != NULL)
			return err;
	}
	if (active != n->nactive || starting != n->nstarting ||
	    stopmarks != n->nstop_pending)
		return xasprintf("%s: counts %zu/%zu/%zu, kept %zu/%zu/%zu",
		    n->path, active, starting, stopmarks, n->nactive,
		    n->nstarting, n->nstop_pending);
	if (n->start_from > first)
		return xasprintf("%s: a start mark at %zu below %zu", n->path,
		    first, n->start_from);
	return NULL;
}

/* The tree's invariants, for tests and fuzzing: NULL, or what is wrong. */
char *
tree_check(const struct tree *t)
{
	char *err;

	for (size_t i = 0; i < t->nnodes; i++)
		if ((err = check_counts(t->nodes[i])) != NULL)
			return err;
	return NULL;
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

/*
 * Whose path keys N's held sockets (listen): its pool's, whose instances
 * share one set, or its own.
 */
const char *
tree_listen_key(const struct node *n)
{
	return n->parent != NULL && node_is_pool(n->parent) ?
	    n->parent->path : n->path;
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

/*
 * Apply the env_file, env.* and setup output of S's ancestors, root
 * first, and S's.
 */
static void
env_chain(struct strv *out, const struct node *s)
{
	if (s == NULL)
		return;
	env_chain(out, s->parent);
	env_apply(out, &s->file_env);
	env_apply(out, &s->spec->env);
	env_apply(out, &s->setup_env);
}

/*
 * The environment of N's processes: BASE (arbord's own), then, from the
 * root down, every ancestor's env_file, env.* and setup output, then the
 * worker's env_file and env.*, then ARBOR_INSTANCE, ARBOR_PATH and
 * ARBOR_STATE_DIR. Later values of a name replace earlier ones.
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
		env_apply(out, &n->file_env);
		env_apply(out, &n->spec->env);
	}
	if (n->parent != NULL && node_is_pool(n->parent))
		env_set(out, "ARBOR_INSTANCE", n->path +
		    strlen(n->parent->path) + 1);
	env_set(out, "ARBOR_PATH", n->path);
	env_set(out, "ARBOR_STATE_DIR", tree_state_dir_of(n));
}

/* What N's env_file said at this start; see tree.h. */
void
tree_set_file_env(struct node *n, struct strv *env)
{
	strv_free(&n->file_env);
	n->file_env = *env;
	memset(env, 0, sizeof *env);
}

/* Does N's supervisor currently start and stop its children? */
static bool
parent_manages(const struct node *n, char **err)
{
	const struct node *p = n->parent;
	enum node_status st = node_status(p);

	if (n->removing) {
		*err = xasprintf("cannot start %s: scaled away, it leaves "
		    "the tree", n->path);
		return false;
	}
	if (st == NS_RUNNING || st == NS_STARTING)
		return true;
	*err = xasprintf("cannot start %s: its supervisor %s is %s",
	    n->path, p->path, node_state_name(st));
	return false;
}

/* Admin stop: N goes down and stays down; not a failure. */
int
tree_stop_node(struct tree *t, struct node *n, int64_t now, char **err)
{
	*err = NULL;
	n->admin_stopped = true;
	want_start(n, false);
	set_error(n, "stopped by an admin");
	if (n->state == ST_BACKOFF) {
		stop_node(t, n, now);
		/* The siblings after it no longer wait for it. */
		if (n->parent != NULL)
			sup_advance(t, n->parent, now);
		return 0;
	}
	if (!node_active(n))
		return 0;
	if (n->parent == NULL) {
		t->restart_root = false;
		stop_node(t, n, now);
		return 0;
	}
	want_stop(n, true);
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
		if (node_status(n) == NS_STOPPING)
			t->restart_root = true;
		else if (!node_active(n))
			start_node(t, n, now);
		return 0;
	}
	if (!parent_manages(n, err))
		return -1;
	n->admin_stopped = false;
	backoff_cancel(t, n, ST_FAILED, now);	/* skip the rest of the wait */
	/* Up and staying up; a stop still to come is followed by a start. */
	if (node_up(n))
		return 0;
	if (sup_in_setup(n->parent))
		return 0;	/* the setup's end starts it */
	want_start(n, true);
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
			stop_node(t, n, now);
		}
		return 0;
	}
	if (!parent_manages(n, err))
		return -1;
	n->admin_stopped = false;
	backoff_cancel(t, n, ST_FAILED, now);
	if (sup_in_setup(n->parent))
		return 0;
	if (node_active(n))
		want_stop(n, true);
	want_start(n, true);
	sup_advance(t, n->parent, now);
	return 0;
}

/* Carry out admin request OP on N; see tree.h. */
int
tree_admin(struct tree *t, struct node *n, enum admin_op op,
    struct admin_wait *w, int64_t now, char **msg)
{
	*msg = NULL;
	if (t->shutting_down || t->finished) {
		*msg = xstrdup(t->finished ? "arbord is exiting" :
		    "arbord is shutting down");
		return -1;
	}
	w->op = op;
	w->id = n->id;
	w->starts = n->starts;
	w->downs = n->downs;
	switch (op) {
	case ADMIN_STOP:
		return tree_stop_node(t, n, now, msg);
	case ADMIN_START:
		if (node_up(n)) {
			*msg = xstrdup("already running");
			return 1;
		}
		return tree_start_node(t, n, now, msg);
	case ADMIN_RESTART:
		return tree_restart_node(t, n, now, msg);
	case ADMIN_SCALE:
	case ADMIN_ROLL:
		*msg = xstrdup("use tree_scale or tree_roll");
		return -1;
	}
	return 0;
}

/* Has the request W on the node at PATH finished? See tree.h. */
enum admin_outcome
tree_admin_outcome(const struct tree *t, const char *path,
    const struct admin_wait *w, char **msg)
{
	const struct node *n = tree_find(t, path);

	*msg = NULL;
	/* Another node at its path now: the one asked about is gone. */
	if (n == NULL || n->id != w->id) {
		*msg = xstrdup("removed by a reload");
		return w->op == ADMIN_STOP ? ADMIN_DONE : ADMIN_FAILED;
	}
	if (w->op == ADMIN_SCALE)
		return scale_outcome(n, w, msg);
	if (w->op == ADMIN_ROLL)
		return roll_outcome(n, w, msg);
	/* Down, even if something has started it again since. */
	if (w->op == ADMIN_STOP)
		return node_active(n) && n->downs == w->downs ?
		    ADMIN_PENDING : ADMIN_DONE;
	/* A start since the request failed: the request did. */
	if (n->failed_start > w->starts) {
		*msg = xstrdup(n->last_error ? n->last_error : "failed");
		return ADMIN_FAILED;
	}
	if (n->state == ST_RUNNING && n->starts > w->starts)
		return ADMIN_DONE;
	if (!node_active(n) && !n->start_pending &&
	    !(n->parent != NULL && sup_in_setup(n->parent))) {
		*msg = xasprintf("%s is %s%s%s", n->path,
		    node_state_name(node_status(n)), n->last_error ? ": " : "",
		    n->last_error ? n->last_error : "");
		return ADMIN_FAILED;
	}
	return ADMIN_PENDING;
}

/*
 * Scaling (arborctl scale). A pool's children are its instances P/1 ..
 * P/k; scaling down marks the highest ones `removing`: they stop at once
 * (a pool's stop, pool_stop), are never started again, and leave the tree
 * once down (pool_trim, ACT_FREE), so that they are always the last
 * children. Scaling up brings back removing ones first, then appends new
 * instances that share the last one's settings. The pool's spec keeps
 * the configured size; a reload rebuilds the children from it.
 */

/* The number of instances pool P runs now (those scaled away aside). */
int
tree_pool_size(const struct node *p)
{
	size_t k = p->nchildren;

	while (k > 0 && p->children[k - 1]->removing)
		k--;
	return (int)k;
}

/* Release pool P's last children that were scaled away and are down. */
static void
pool_trim(struct tree *t, struct node *p)
{
	size_t k = p->nchildren;

	while (k > 0 && p->children[k - 1]->removing &&
	    !node_active(p->children[k - 1])) {
		struct node *c = p->children[--k];

		want_start(c, false);
		want_stop(c, false);
		c->parent = NULL;
		c->detached = true;	/* out of the tree, as a reload's */
		push_simple(t, ACT_FREE, c, 0);
	}
	if (k == p->nchildren)
		return;
	p->nchildren = k;
	children_count(p);
	collect_all(t);
}

/* A new instance P/K (K = P's children + 1), stopped, like the last. */
static struct node *
pool_instance_new(struct tree *t, struct node *p)
{
	const struct node *last = p->children[p->nchildren - 1];
	struct node *c = xcalloc(1, sizeof *c);

	c->spec = spec_ref(last->next_spec != NULL ? last->next_spec :
	    last->spec);
	c->path = xasprintf("%s/%zu", p->path, p->nchildren + 1);
	c->id = ++t->last_id;
	c->parent = p;
	c->index = p->nchildren;
	c->state = ST_DOWN;
	c->exit_code = NODE_NO_EXIT;
	intensity_init(&c->history, p->spec->intensity, p->spec->period_ms);
	p->children = xreallocarray(p->children, p->nchildren + 1,
	    sizeof *p->children);
	p->children[p->nchildren++] = c;
	return c;
}

/* Pool P keeps its first N instances: the others stop and go. */
static void
pool_scale_down(struct tree *t, struct node *p, int n, int64_t now)
{
	for (size_t i = p->nchildren; i-- > (size_t)n;) {
		struct node *c = p->children[i];

		if (c->removing)
			continue;
		c->removing = true;
		want_start(c, false);
		backoff_cancel(t, c, ST_DOWN, now);
		if (node_active(c))
			want_stop(c, true);
	}
}

/* Pool P runs N instances: removing ones come back, new ones are added. */
static void
pool_scale_up(struct tree *t, struct node *p, int n)
{
	bool starts = p->state == ST_RUNNING || p->state == ST_STARTING;

	for (size_t i = 0; i < p->nchildren && i < (size_t)n; i++) {
		struct node *c = p->children[i];

		if (!c->removing)
			continue;
		c->removing = false;
		c->failed_start = 0;	/* tree_admin_outcome: this start's */
		want_start(c, starts && !c->admin_stopped);
	}
	while (p->nchildren < (size_t)n)
		want_start(pool_instance_new(t, p), starts);
	collect_all(t);
}

/* Carry out an admin scale of pool P to N instances; see tree.h. */
int
tree_scale(struct tree *t, struct node *p, int n, struct admin_wait *w,
    int64_t now, char **msg)
{
	int size;

	*msg = NULL;
	if (t->shutting_down || t->finished) {
		*msg = xstrdup(t->finished ? "arbord is exiting" :
		    "arbord is shutting down");
		return -1;
	}
	if (!node_is_pool(p)) {
		*msg = xasprintf("%s is not a pool (a worker with instances "
		    "= N)", p->path);
		return -1;
	}
	if (n < 1 || n > TREE_SCALE_MAX) {
		*msg = xasprintf("a pool runs 1 to %d instances",
		    TREE_SCALE_MAX);
		return -1;
	}
	if (node_status(p) == NS_STOPPING) {
		*msg = xasprintf("cannot scale %s: it is stopping", p->path);
		return -1;
	}
	if (p->rolling) {
		*msg = xasprintf("cannot scale %s during its rolling restart",
		    p->path);
		return -1;
	}
	size = tree_pool_size(p);
	w->op = ADMIN_SCALE;
	w->id = p->id;
	w->starts = p->starts;
	w->downs = p->downs;
	w->size = n;
	w->from = size;
	if (n < size)
		pool_scale_down(t, p, n, now);
	else if (n > size || (size_t)n < p->nchildren)
		pool_scale_up(t, p, n);
	if (sup_managing(p))
		sup_advance(t, p, now);
	else
		pool_trim(t, p);
	if (!node_active(p)) {
		*msg = xasprintf("%s: %d instance%s (it is %s: they start "
		    "with it)", p->path, n, n == 1 ? "" : "s",
		    node_state_name(node_status(p)));
		return 1;
	}
	if (n == size && (size_t)n == p->nchildren) {
		*msg = xasprintf("%s: %d instance%s already", p->path, n,
		    n == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

/*
 * Rolling restarts (arborctl restart --rolling, reload = rolling). The
 * supervisor rolled drives it from sup_advance (roll_step): its children
 * replaced by the roll carry roll_wait until they run again (ready); only
 * then is the next batch replaced: a worker with an overlap (I_ROLL, see
 * w_roll), a supervisor (or a worker with a pidfile, or a one-shot) by an
 * ordinary restart (want_stop, want_start: the usual path, so stop and
 * start follow the supervisor's order and each child's own shutdown).
 * A pool first gets `batch` surge
 * instances beyond its size (as a scale up would add), waits for them to
 * be ready, and scales them away at the end: it never has fewer ready
 * instances than its size while one of them is being replaced. A child
 * whose new start fails (or that is stopped, or not ready within its
 * start_timeout) ends the roll with the reason: the children not yet
 * replaced keep their processes; a worker whose successor failed keeps
 * its old one (roll_restore); a supervisor that failed to start again is
 * left to its restart policy like any failed start.
 */

/* S's roll is over: REASON (owned; NULL: done) is what the admin sees. */
static void
roll_end(struct tree *t, struct node *s, char *reason, int64_t now)
{
	s->rolling = false;
	free(s->roll_error);
	s->roll_error = reason;
	for (size_t i = 0; i < s->nchildren; i++)
		s->children[i]->roll_wait = false;
	/* The surge instances go. */
	if (node_is_pool(s) && s->roll_size < s->nchildren)
		pool_scale_down(t, s, (int)s->roll_size, now);
}

/*
 * Can child C be replaced with an overlap, its successor started beside
 * it? A worker can, unless a pidfile names its process (one file for
 * two daemons) or it is a one-shot task (ready = exit).
 */
static bool
roll_overlaps(const struct node *c)
{
	const struct node_spec *s = c->next_spec ? c->next_spec : c->spec;

	return c->spec->kind == NODE_WORKER && s->kind == NODE_WORKER &&
	    c->spec->pidfile == NULL && s->pidfile == NULL &&
	    s->ready != READY_EXIT;
}

/*
 * Replace child C as part of its supervisor's roll: a worker with an
 * overlap (w_roll), else (a supervisor) an ordinary restart, stop then
 * start.
 */
static void
roll_mark(struct tree *t, struct node *c, int64_t now)
{
	c->roll_wait = true;
	c->roll_starts = c->starts;
	if (roll_overlaps(c)) {
		input(t, c, I_ROLL, now);
		return;
	}
	want_stop(c, true);
	want_start(c, true);
}

/*
 * Take S's roll one step: see how the children it restarted do (all
 * running: on; one failed: the roll ends), then mark the next batch, or
 * end when none is left.
 */
static void
roll_step(struct tree *t, struct node *s, int64_t now)
{
	const char *err;
	int marked = 0;
	bool waiting = false;

	for (size_t i = 0; i < s->nchildren; i++) {
		struct node *c = s->children[i];

		if (!c->roll_wait)
			continue;
		err = c->last_error ? c->last_error : "";
		if (c->failed_start > c->roll_starts) {
			roll_end(t, s, xasprintf("%s: %s", c->path, *err ?
			    err : "failed"), now);
			return;
		}
		if (c->state == ST_RUNNING && c->starts > c->roll_starts &&
		    !c->stop_pending && !c->start_pending) {
			c->roll_wait = false;
			continue;
		}
		if (!node_active(c) && !c->start_pending &&
		    c->state != ST_BACKOFF) {
			roll_end(t, s, xasprintf("%s is %s%s%s", c->path,
			    node_state_name(node_status(c)), *err ? ": " : "",
			    err), now);
			return;
		}
		waiting = true;
	}
	if (waiting)
		return;
	while (s->roll_next < s->roll_size && marked < s->roll_batch) {
		struct node *c = s->children[s->roll_next++];

		/* One down starts anew anyway; a reload's: the changed. */
		if (!node_up(c) || c->state != ST_RUNNING ||
		    (s->roll_changed && c->next_spec == NULL))
			continue;
		roll_mark(t, c, now);
		marked++;
	}
	if (marked == 0)
		roll_end(t, s, NULL, now);
}

/* Begin rolling S's children, BATCH at a time (CHANGED: a reload's). */
static void
roll_begin(struct tree *t, struct node *s, int batch, bool changed)
{
	size_t from = s->nchildren;

	s->rolling = true;
	s->roll_changed = changed;
	s->roll_batch = batch;
	s->roll_next = 0;
	s->roll_size = s->nchildren;
	s->roll_seq++;
	free(s->roll_error);
	s->roll_error = NULL;
	if (!node_is_pool(s))
		return;
	/* Surge instances first, as many as the batch (at most the size). */
	pool_scale_up(t, s, (int)(from + ((size_t)batch < from ?
	    (size_t)batch : from)));
	for (size_t i = from; i < s->nchildren; i++) {
		s->children[i]->roll_wait = true;
		s->children[i]->roll_starts = s->children[i]->starts;
	}
}

/* Carry out an admin rolling restart of S; see tree.h. */
int
tree_roll(struct tree *t, struct node *s, int batch, struct admin_wait *w,
    int64_t now, char **msg)
{
	*msg = NULL;
	if (t->shutting_down || t->finished) {
		*msg = xstrdup(t->finished ? "arbord is exiting" :
		    "arbord is shutting down");
		return -1;
	}
	if (s->spec->kind != NODE_SUPERVISOR) {
		*msg = xasprintf("%s is a worker: a rolling restart replaces "
		    "the workers of a pool or the children of a supervisor",
		    s->path);
		return -1;
	}
	if (batch < 1 || batch > TREE_SCALE_MAX) {
		*msg = xasprintf("a batch is 1 to %d children",
		    TREE_SCALE_MAX);
		return -1;
	}
	if (s->state != ST_RUNNING || s->stop_pending) {
		*msg = xasprintf("cannot roll %s: it is %s", s->path,
		    s->stop_pending ? "about to restart" :
		    node_state_name(node_status(s)));
		return -1;
	}
	if (s->rolling) {
		*msg = xasprintf("a rolling restart of %s is in progress",
		    s->path);
		return -1;
	}
	if (node_is_pool(s) && (size_t)tree_pool_size(s) != s->nchildren) {
		*msg = xasprintf("cannot roll %s while it is being scaled "
		    "down", s->path);
		return -1;
	}
	roll_begin(t, s, batch, false);
	w->op = ADMIN_ROLL;
	w->id = s->id;
	w->starts = s->roll_seq;
	w->downs = s->downs;
	w->size = batch;
	w->from = 0;
	sup_advance(t, s, now);
	if (!s->rolling && s->roll_error == NULL) {
		*msg = xasprintf("%s: no running child to replace", s->path);
		return 1;
	}
	return 0;
}

/* Has the roll W of S finished? See tree_admin_outcome. */
static enum admin_outcome
roll_outcome(const struct node *s, const struct admin_wait *w, char **msg)
{
	if (s->roll_seq != w->starts) {
		*msg = xasprintf("another rolling restart of %s began",
		    s->path);
		return ADMIN_FAILED;
	}
	if (s->rolling)
		return ADMIN_PENDING;
	if (s->roll_error != NULL) {
		*msg = xstrdup(s->roll_error);
		return ADMIN_FAILED;
	}
	/* Done once the surge instances are gone too. */
	if (node_is_pool(s) && (size_t)tree_pool_size(s) != s->nchildren)
		return ADMIN_PENDING;
	*msg = xasprintf("%s: every child replaced", s->path);
	return ADMIN_DONE;
}

/* Has the scale W of pool P finished? See tree_admin_outcome. */
static enum admin_outcome
scale_outcome(const struct node *p, const struct admin_wait *w, char **msg)
{
	int size = tree_pool_size(p);

	if (size != w->size) {
		*msg = xasprintf("%s runs %d instance%s now (scaled again, "
		    "or reloaded)", p->path, size, size == 1 ? "" : "s");
		return ADMIN_FAILED;
	}
	if ((size_t)size != p->nchildren)
		return ADMIN_PENDING;	/* some are still going */
	for (int i = w->from; i < size; i++) {
		const struct node *c = p->children[i];

		if (c->failed_start > 0) {
			*msg = xasprintf("%s: %s", c->path, c->last_error ?
			    c->last_error : "failed");
			return ADMIN_FAILED;
		}
		if (c->start_pending || (node_active(c) &&
		    c->state != ST_RUNNING))
			return ADMIN_PENDING;
	}
	*msg = xasprintf("%s: %d instance%s", p->path, size,
	    size == 1 ? "" : "s");
	return ADMIN_DONE;
}

/* Send SIG to the workers of N's subtree that have a process. */
int
tree_signal(struct tree *t, struct node *n, int sig, enum signal_scope scope)
{
	struct action a = { .kind = ACT_SIGNAL, .node = n, .sig = sig,
	    .scope = scope };
	int count = 0;

	if (n->spec->kind == NODE_WORKER) {
		if (n->pid <= 0 && n->old_pid <= 0)
			return 0;
		/* A rolled worker's: the process that serves (the one there
		   is, if only one is). */
		a.old = roll_old_serves(n);
		if (a.old ? n->old_pid <= 0 : n->pid <= 0)
			a.old = !a.old;
		push(t, &a);
		return 1;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		count += tree_signal(t, n->children[i], sig, scope);
	return count;
}

static const char *const scope_names[] = {
	[SIGNAL_GROUP] = "group", [SIGNAL_MAIN] = "main", [SIGNAL_ALL] = "all",
};

/* The scope named NAME into *SCOPE: 0, or -1 if there is none. */
int
signal_scope_parse(const char *name, enum signal_scope *scope)
{
	for (size_t i = 0; i < sizeof scope_names / sizeof scope_names[0];
	    i++)
		if (strcmp(name, scope_names[i]) == 0) {
			*scope = (enum signal_scope)i;
			return 0;
		}
	return -1;
}

/* The name of SCOPE in the protocol. */
const char *
signal_scope_name(enum signal_scope scope)
{
	return scope_names[scope];
}

/* The snapshot of N at NOW. */
void
tree_node_info(const struct node *n, int64_t now, struct node_info *ni)
{
	ni->path = n->path;
	ni->kind = n->spec->kind;
	ni->status = node_status(n);
	ni->pid = n->pid > 0 ? n->pid : 0;
	ni->successor = ni->draining = 0;
	if (roll_old_serves(n)) {
		ni->pid = n->old_pid;
		ni->successor = n->pid;
	} else if (n->pid > 0)
		ni->draining = n->old_pid;
	else
		ni->pid = n->old_pid;	/* stopped: the one left */
	ni->since = n->since;
	ni->started = n->started;
	ni->restarts_period = intensity_count(&n->history, now);
	ni->restarts = n->restarts;
	ni->failures = n->failures;
	ni->backoff_left = n->state == ST_BACKOFF && n->deadline > now ?
	    n->deadline - now : 0;
	ni->last_error = n->last_error;
	ni->command = n->spec->kind == NODE_WORKER ? &n->spec->argv : NULL;
	ni->listen = n->spec->kind == NODE_WORKER ? n->spec->listen : NULL;
	ni->nlisten = n->spec->kind == NODE_WORKER ? n->spec->nlisten : 0;
	ni->pool = node_is_pool(n);
	ni->instances = ni->pool ? tree_pool_size(n) : 0;
	ni->instances_configured = ni->pool ? n->spec->instances : 0;
	ni->health = n->spec->kind == NODE_WORKER &&
	    spec_has_liveness(n->spec) ? (n->health == HS_NONE ?
	    HS_STARTING : n->health) : HS_NONE;
	ni->health_checked = ni->health != HS_NONE ? n->health_checked : 0;
	ni->health_failures = ni->health != HS_NONE ? n->health_failures : 0;
	ni->health_error = ni->health != HS_NONE ? n->health_error : NULL;
	if (n->spec->kind == NODE_SUPERVISOR) {
		ni->intensity_restarts = intensity_count(&n->window, now);
		ni->intensity_limit = n->window.max;
		ni->intensity_period_ms = n->window.period_ms;
	} else {
		ni->intensity_restarts = ni->intensity_limit = 0;
		ni->intensity_period_ms = 0;
	}
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

/* Do A and B set different cgroup limits? */
static bool
limits_changed(const struct node_spec *a, const struct node_spec *b)
{
	for (int l = 0; l < CGL_COUNT; l++)
		if (a->cg_limits[l] != b->cg_limits[l])
			return true;
	return false;
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
	/* A pool and a supervisor with state are not one node changed. */
	if (found == NULL || (*found)->spec->kind != spec->kind ||
	    ((*found)->spec->instances > 0) != (spec->instances > 0))
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
		want_start(n, true);	/* if its parent runs */
	} else {
		n->reload_mark = true;
		if (n->removing) {
			/* Scaled away, configured again: it stays. */
			n->removing = false;
			n->failed_start = 0;
			want_start(n, !n->admin_stopped);
		}
		if (spec_diff(n->spec, spec, &changed) == 0) {
			/* Back to the running settings: drop a pending change. */
			r->unchanged++;
			spec_free(n->next_spec);
			n->next_spec = NULL;
			/* A pool's size is its children's; keep it told. */
			if (n->spec->instances != spec->instances) {
				spec_free(n->spec);
				n->spec = spec_for(parent, index, spec);
			}
		} else if (changes_live(&changed) || !node_active(n)) {
			char *what = join(&changed);
			bool limits = node_active(n) &&
			    limits_changed(n->spec, spec);
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
			/* New limits take effect in place. */
			if (limits)
				push_simple(t, ACT_LIMITS, n, 0);
		} else {
			char *what = join(&changed);
			/* A pool with reload = rolling replaces it in a roll. */
			bool roll = parent != NULL && node_is_pool(parent) &&
			    parent->next_spec == NULL &&
			    parent->spec->reload_mode == RELOAD_MODE_ROLLING &&
			    n->state == ST_RUNNING && node_up(n);
			strv_pushf(r->report, "restarted %s (%s)%s",
			    spec->path, what, roll ? ", rolling" : "");
			free(what);
			spec_free(n->next_spec);
			n->next_spec = spec_for(parent, index, spec);
			if (roll)
				parent->roll_reload = true;
			else {
				want_stop(n, true);
				want_start(n, !n->admin_stopped);
			}
		}
		strv_free(&changed);
		if (n->rolling) {
			/* Its children are rebuilt: the roll cannot go on. */
			n->rolling = false;
			free(n->roll_error);
			n->roll_error = xstrdup("interrupted by a reload");
			for (size_t i = 0; i < n->nchildren; i++)
				n->children[i]->roll_wait = false;
		}
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
	children_count(n);
	return n;
}

/* Take removed node N out of the tree: stop it, or release it now. */
static void
reload_detach(struct tree *t, struct node *n, int64_t now)
{
	n->detached = true;
	n->parent = NULL;
	t->ndetached++;
	want_start(n, false);
	want_stop(n, false);
	if (!node_active(n)) {
		detached_done(t, n);
		return;
	}
	stop_node(t, n, now);
}

/* Apply the marks left by reload_node, top down. */
static void
reload_apply(struct tree *t, struct node *n, int64_t now)
{
	for (size_t i = 0; i < n->nchildren; i++)
		reload_apply(t, n->children[i], now);
	/* Stopping ones too: the child they waited for may be gone. */
	if (n->spec->kind == NODE_SUPERVISOR && sup_managing(n))
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
		want_stop(n, false);
	/*
	 * Only a supervisor managing its children starts them, and not one
	 * about to restart: its new setup comes first.
	 */
	if (p != NULL && (p->stop_pending || !(p->state == ST_RUNNING ||
	    p->state == ST_STARTING)))
		want_start(n, false);
	if (n->admin_stopped)
		want_start(n, false);
}

/*
 * Begin the rolls a reload asked for (reload = rolling): over the changed
 * instances, one at a time. A pool that cannot roll now (stopping, about
 * to restart) restarts them as reload = restart would.
 */
static void
reload_rolls(struct tree *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *p = t->nodes[i];

		if (!p->roll_reload)
			continue;
		p->roll_reload = false;
		if (p->state == ST_RUNNING && !p->stop_pending &&
		    (size_t)tree_pool_size(p) == p->nchildren) {
			roll_begin(t, p, 1, true);
			continue;
		}
		/* About to restart, or stopping: they restart with it. */
		if (!sup_managing(p) || p->state == ST_STOPPING ||
		    p->stop_pending)
			continue;
		for (size_t k = 0; k < p->nchildren; k++) {
			struct node *c = p->children[k];
			if (c->next_spec == NULL || !node_active(c))
				continue;
			want_stop(c, true);
			want_start(c, !c->admin_stopped && !c->removing);
		}
	}
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
	else if (root->next_spec != NULL && node_active(root) &&
	    !root->admin_stopped) {
		t->restart_root = true;
		sup_stop(t, root, NULL, now);
	}
	want_start(root, false);
	want_stop(root, false);
	reload_settle(root);
	reload_rolls(t);
	reload_apply(t, root, now);
}

/*
 * Re-exec (lib/tree_handoff.c). Pool P gets exactly N instances: new
 * ones stopped, like the last; extra ones (never started: the tree is
 * new) freed.
 */
void
tree_handoff_resize(struct tree *t, struct node *p, size_t n)
{
	while (p->nchildren < n && p->nchildren > 0)
		(void)pool_instance_new(t, p);
	while (p->nchildren > n && p->nchildren > 1)
		node_free(p->children[--p->nchildren]);
}

/* Re-exec: the states are in place: the node list, the counts. */
void
tree_handoff_settle(struct tree *t)
{
	collect_all(t);
	for (size_t i = 0; i < t->nnodes; i++)
		children_count(t->nodes[i]);
}

/*
 * Re-exec: the loop runs again: arm the timers of nodes in backoff, of
 * workers stopping within their shutdown time, of workers awaiting
 * readiness or their pidfile within their start_timeout and of
 * supervisors whose setup or cleanup script runs within its timeout
 * (tree_import gave them a deadline), and the liveness timers of running
 * workers (tree_import gave them their next check and their watchdog's
 * deadline).
 */
void
tree_handoff_arm(struct tree *t, int64_t now)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct node *n = t->nodes[i];
		bool worker = n->spec->kind == NODE_WORKER;

		if (worker && n->state == ST_RUNNING &&
		    spec_has_liveness(n->spec))
			live_rearm(t, n, now, false);
		if (n->state == ST_BACKOFF || (n->state == ST_STOPPING &&
		    worker && n->spec->shutdown == SHUTDOWN_TIMEOUT) ||
		    (worker && n->state == ST_AWAITING) || (worker &&
		    n->state == ST_SPAWNING && n->spec->pidfile != NULL) ||
		    (!worker &&
		    (n->state == ST_SETUP || n->state == ST_CLEANUP))) {
			/* One that was due during the exec fires now. */
			int64_t ms = n->deadline > now ? n->deadline - now : 0;
			struct action a = { .kind = ACT_TIMER, .node = n,
			    .ms = ms, .deadline = now + ms };
			push(t, &a);
		}
	}
}
