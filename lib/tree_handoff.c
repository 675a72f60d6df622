/*
 * tree_handoff.c: the tree's state across a re-exec of arbord (arborctl
 * reexec). The old binary writes every node's state into the handoff
 * (tree_export); the new one builds the tree from the configuration
 * texts handed over, as the old one had it, and gives each node its
 * state back (tree_import).
 *
 * Times travel as ages and time left at the moment of the export, and
 * come back relative to the importer's NOW: the daemon passes the time of
 * the export itself (CLOCK_MONOTONIC goes on across exec), so a backoff
 * ends when it would have and intensity windows hold the same restarts;
 * the unit tests import later to see that everything moves together;
 * timers are armed for what is left of them when the loop runs again.
 *
 * Settled states are handed over, and a worker being stopped or killed
 * (STOPPING, KILLING, TIMED_OUT): its process is arbord's child still,
 * the new binary reaps its exit; the shutdown timer resumes with the
 * time it had left, and why it is stopped (unhealthy) goes with it.
 *
 * So is a supervisor mid-restart: its setup or cleanup script running
 * (SETUP, SETUP_KILLED, SETUP_CUT, CLEANUP, CLEANUP_KILLED; the daemon
 * hands the script's process over, and the script's timeout resumes
 * with the time it had left), its children starting left to right
 * (STARTING) or stopping right to left (STOPPING). The start and stop
 * marks a strategy sets on siblings (one_for_all, rest_for_one) go with
 * every node, and the counts a supervisor keeps of its children are
 * made again from them (tree_handoff_settle). The importer checks them
 * against the states read (marks_ok, sup_import_check).
 *
 * A worker awaiting readiness (AWAITING), or a pidfile worker whose
 * pidfile is awaited (SPAWNING: its launcher is gone), is handed over
 * with its start_timeout as the time left (tree_handoff_arm arms it
 * again); what it waits on is the daemon's, handed over beside its
 * process (the notify socket, the fd:N pipe, the delay: or
 * check_interval timer, the pidfile wait; a check: running at the exec
 * is killed and run again at once). A running worker's liveness
 * (put_live) goes with it: whether a check passed since its start, the
 * phase of its checks, the next one due and the watchdog's deadline as
 * time left, its health, failures in a row and last error; a health
 * check running at the exec was abandoned with the old binary (killed,
 * its connection closed) and runs again at once (get_live), and
 * tree_handoff_arm arms the liveness timer again.
 *
 * What else is in flight (a spawn not answered yet, a reload's settings
 * waiting for the next start, a rolling restart, a scale down) makes
 * tree_handoff_refusal say which node and why; arbord waits a while for
 * it to be over (daemon/reexec.c), then refuses without touching
 * anything.
 */
#include <stdlib.h>
#include <string.h>

#include "handoff.h"
#include "tree.h"

/* A time (0: never) as an age at NOW (-1: never). */
static int64_t
age_of(int64_t t, int64_t now)
{
	return t == 0 ? -1 : now - t;
}

/* An age (-1: never) back to a time at NOW (0: never). */
static int64_t
time_of(int64_t age, int64_t now)
{
	int64_t t;

	if (age < 0)
		return 0;
	t = now - age;
	return t == 0 ? -1 : t;	/* 0 would read as never */
}

/* The largest age or time left handed over (about 139 years of ms). */
#define AGE_MAX		((int64_t)1 << 42)

/* An age or time left: within +-AGE_MAX (-1: never), else bad. */
static int64_t
get_age(struct handoff_r *r)
{
	int64_t v = handoff_get_i64(r);

	if (v < -AGE_MAX || v > AGE_MAX) {
		r->bad = true;
		return 0;
	}
	return v;
}

/* What is in flight in state ST, not handed off yet; NULL if settled. */
static const char *
state_in_flight(enum node_state st)
{
	switch (st) {
	case ST_DOWN:
	case ST_BACKOFF:
	case ST_RUNNING:
	case ST_COMPLETED:
	case ST_FAILED:
	case ST_COUNT:
		return NULL;
	case ST_SPAWNING:
	case ST_SPAWN_STOP:
		return "it is being started";
	case ST_AWAITING:
		return "it is starting (awaiting readiness)";
	case ST_STOPPING:
		return "it is stopping";
	case ST_KILLING:
	case ST_TIMED_OUT:
		return "it is being killed";
	case ST_SETUP:
	case ST_SETUP_KILLED:
	case ST_SETUP_CUT:
		return "its setup script runs";
	case ST_STARTING:
		return "its children are starting";
	case ST_CLEANUP:
	case ST_CLEANUP_KILLED:
		return "its cleanup script runs";
	case ST_ROLL_SPAWNING:
	case ST_ROLL_SPAWN_STOP:
	case ST_ROLL_AWAITING:
	case ST_ROLL_ABORT:
	case ST_ROLL_DRAINING:
	case ST_ROLL_KILLING:
		return "a rolling restart replaces its process";
	}
	return "its state is unknown";
}

/* Is ST a worker's state of stopping, handed over? */
static bool
worker_stopping(enum node_state st)
{
	return st == ST_STOPPING || st == ST_KILLING || st == ST_TIMED_OUT;
}

/*
 * Is ST a supervisor's state of a restart in flight, handed over: a
 * setup or cleanup script running (the daemon carries the process),
 * children starting left to right or stopping right to left?
 */
static bool
sup_handed(enum node_state st)
{
	switch (st) {
	case ST_SETUP:
	case ST_SETUP_KILLED:
	case ST_SETUP_CUT:
	case ST_STARTING:
	case ST_STOPPING:
	case ST_CLEANUP:
	case ST_CLEANUP_KILLED:
		return true;
	default:
		return false;
	}
}

/*
 * Is ST a worker's state of starting, handed over: awaiting readiness,
 * or (a pidfile worker, spec S) its launcher gone, its pidfile awaited?
 */
static bool
worker_starting(const struct node_spec *s, enum node_state st)
{
	return st == ST_AWAITING || (st == ST_SPAWNING && s->pidfile != NULL);
}

/* What is in flight in state ST of a node of spec S; NULL if handed over. */
static const char *
kind_in_flight(const struct node_spec *s, enum node_state st)
{
	if (s->kind == NODE_WORKER && (worker_stopping(st) ||
	    worker_starting(s, st)))
		return NULL;
	if (s->kind == NODE_SUPERVISOR && sup_handed(st))
		return NULL;
	return state_in_flight(st);
}

/* Has N a deadline in its state, handed over as the time left? */
static bool
has_deadline(const struct node *n)
{
	return n->state == ST_BACKOFF || (n->spec->kind == NODE_WORKER &&
	    n->state == ST_STOPPING && n->spec->shutdown == SHUTDOWN_TIMEOUT) ||
	    (n->spec->kind == NODE_SUPERVISOR && (n->state == ST_SETUP ||
	    n->state == ST_CLEANUP)) ||
	    (n->spec->kind == NODE_WORKER && worker_starting(n->spec,
	    n->state));
}

/*
 * Liveness (rx-live): is the state of N's health checks and watchdog one
 * that is not handed over? They run only while a worker is running (not
 * in a roll, refused anyway): a health check has its phase and either
 * its next check due or one running with its timeout, a watchdog its
 * deadline; every other node has none of them (the phase of a worker's
 * last run stays until its next). The same test refuses an
 * export and an import, so that what one writes the other takes.
 */
static bool
live_inconsistent(const struct node *n, bool started, bool running,
    int64_t phase, int64_t due, int64_t timeout_at, int64_t wd_due)
{
	const struct node_spec *s = n->spec;
	bool live = s->kind == NODE_WORKER && n->state == ST_RUNNING &&
	    n->old_pid == 0;

	(void)started;		/* any: reset at the next start */
	/* The phase stays after a run (any), set again at the next. */
	if (!live || s->health == HEALTH_NONE) {
		if (running || due != 0 || timeout_at != 0 ||
		    (s->health == HEALTH_NONE && phase != 0))
			return true;
	} else if (phase == 0 || (due != 0) == running ||
	    (timeout_at != 0) != running)
		return true;
	if (!live || s->watchdog_ms <= 0)
		return wd_due != 0;
	return wd_due == 0;
}

/* A time (0: none) as the time from NOW to it. */
static void
put_when(struct handoff_w *w, int64_t t, int64_t now)
{
	handoff_bool(w, t != 0);
	handoff_i64(w, t != 0 ? t - now : 0);
}

/* Read back what put_when wrote, as of NOW (0: none). */
static int64_t
get_when(struct handoff_r *r, int64_t now)
{
	bool set = handoff_get_bool(r);
	int64_t v = get_age(r), t;

	if (!set || r->bad)
		return 0;
	t = now + v;
	return t == 0 ? -1 : t;	/* 0 would read as none */
}

/*
 * N's liveness: whether a check has passed since its start, whether one
 * runs, the phase checks keep, the next one due, the running one's
 * timeout and the watchdog's deadline, as time from NOW.
 */
static void
put_live(struct handoff_w *w, const struct node *n, int64_t now)
{
	handoff_bool(w, n->health_started);
	handoff_bool(w, n->health_running);
	put_when(w, n->health_phase, now);
	put_when(w, n->health_due, now);
	put_when(w, n->health_timeout_at, now);
	put_when(w, n->watchdog_due, now);
}

/*
 * Read back what put_live wrote for N (its state imported), as of NOW:
 * 0, or -1 if it is not what N's state can have. A health check that ran
 * at the export was abandoned with the old binary (killed, its
 * connection closed): it runs again at once. The liveness timer is armed
 * again by tree_handoff_arm.
 */
static int
get_live(struct handoff_r *r, struct node *n, int64_t now)
{
	bool started = handoff_get_bool(r), running = handoff_get_bool(r);
	int64_t phase = get_when(r, now), due = get_when(r, now);
	int64_t timeout_at = get_when(r, now), wd_due = get_when(r, now);

	if (r->bad || live_inconsistent(n, started, running, phase, due,
	    timeout_at, wd_due))
		return -1;
	n->health_started = started;
	n->health_phase = phase;
	n->health_due = running ? (now != 0 ? now : -1) : due;
	n->health_running = false;
	n->health_timeout_at = 0;
	n->watchdog_due = wd_due;
	n->live_deadline = 0;
	return 0;
}

/*
 * Why N cannot be handed over now, or NULL: at PASS 0 for what runs of
 * it (a start, a stop, a script), 1 for what is decided and still to be
 * done, 2 for a supervisor whose children are starting: the node in
 * flight itself is named, not the supervisor waiting above it.
 */
static const char *
node_refusal(const struct node *n, int pass)
{
	const char *why = kind_in_flight(n->spec, n->state);
	bool stopping = n->spec->kind == NODE_WORKER &&
	    worker_stopping(n->state);

	switch (pass) {
	case 0:
		if (why != NULL && n->state != ST_STARTING)
			return why;
		if (stopping && (n->old_pid != 0 || n->old_spec != NULL))
			return "a rolling restart replaces its process";
		if (live_inconsistent(n, n->health_started, n->health_running,
		    n->health_phase, n->health_due, n->health_timeout_at,
		    n->watchdog_due))
			return "its health checks or watchdog are in a state "
			    "not handed off";
		return NULL;
	case 1:
		if (n->next_spec != NULL)
			return "a reload's new settings wait for its next "
			    "start";
		if (n->rolling || n->roll_wait)
			return "a rolling restart is under way";
		if (n->removing)
			return "it is being scaled away";
		if (n->detached)
			return "a reload removed it and it is stopping";
		/* Start and stop marks are carried over (sup_marks_ok). */
		return NULL;
	default:
		return why;
	}
}

/* See tree.h. */
char *
tree_handoff_refusal(const struct tree *t)
{
	const char *why;

	if (t->finished)
		return xstrdup("arbord is exiting");
	if (t->shutting_down)
		return xstrdup("arbord is shutting down");
	if (t->ndetached > 0)
		return xstrdup("nodes a reload removed are still stopping");
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < t->nnodes; i++)
			if ((why = node_refusal(t->nodes[i], pass)) != NULL)
				return xasprintf("%s: %s (not handed off yet)",
				    t->nodes[i]->path, why);
	return NULL;
}

/* Write the restarts of window W, oldest first, as ages at NOW. */
static void
put_window(struct handoff_w *w, const struct intensity *win, int64_t now)
{
	handoff_u32(w, (uint32_t)win->n);
	for (int i = win->n - 1; i >= 0; i--)
		handoff_i64(w, now - win->stamps[(win->head + win->cap - 1 -
		    i) % win->cap]);
}

/* Read back what put_window wrote into WIN, as of NOW. */
static void
get_window(struct handoff_r *r, struct intensity *win, int64_t now)
{
	uint32_t n = handoff_get_u32(r);

	intensity_free(win);
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		int64_t age = get_age(r);
		if (!r->bad && age >= 0)
			(void)intensity_add(win, now - age);
	}
}

/* Write a strv. */
static void
put_strv(struct handoff_w *w, const struct strv *v)
{
	handoff_u32(w, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		handoff_str(w, v->v[i]);
}

/* Read a strv into V (emptied first). */
static void
get_strv(struct handoff_r *r, struct strv *v)
{
	uint32_t n = handoff_get_u32(r);
	char *s;

	strv_free(v);
	for (uint32_t i = 0; i < n && !r->bad; i++)
		if ((s = handoff_get_str(r)) != NULL)
			strv_push(v, s);
}

/* Replace *DST with the string read. */
static void
get_str_into(struct handoff_r *r, char **dst)
{
	free(*dst);
	*dst = handoff_get_str(r);
}

/* One node's record. */
static void
put_node(struct handoff_w *w, const struct node *n, int64_t now)
{
	handoff_begin(w, HR_NODE);
	handoff_str(w, n->path);
	handoff_u32(w, (uint32_t)n->spec->kind);
	handoff_u32(w, (uint32_t)n->nchildren);
	handoff_u32(w, (uint32_t)n->state);
	handoff_i64(w, has_deadline(n) ? n->deadline - now : 0);
	handoff_i64(w, (int64_t)n->pid);
	handoff_i64(w, (int64_t)n->exit_code);
	handoff_i64(w, age_of(n->since, now));
	handoff_u32(w, n->restarts);
	handoff_u32(w, n->starts);
	handoff_u32(w, n->downs);
	handoff_u32(w, n->failed_start);
	handoff_i64(w, age_of(n->up_since, now));
	handoff_u32(w, n->consecutive);
	handoff_u32(w, n->scarce);
	put_window(w, &n->history, now);
	handoff_str(w, n->last_error);
	handoff_bool(w, n->admin_stopped);
	handoff_bool(w, n->oom_killed);
	handoff_u32(w, n->roll_seq);
	handoff_str(w, n->roll_error);
	handoff_u32(w, (uint32_t)n->health);
	handoff_u32(w, n->health_failures);
	handoff_i64(w, age_of(n->health_checked, now));
	handoff_str(w, n->health_error);
	put_strv(w, &n->file_env);
	handoff_u32(w, (uint32_t)n->cause);
	put_window(w, &n->window, now);
	handoff_str(w, n->fail_reason);
	handoff_str(w, n->cleanup_error);
	put_strv(w, &n->setup_env);
	handoff_u32(w, n->failures);
	handoff_i64(w, age_of(n->started, now));
	handoff_bool(w, n->start_pending);
	handoff_bool(w, n->stop_pending);
	handoff_str(w, n->unhealthy);
	put_live(w, n, now);
	handoff_end(w);
}

/* See tree.h. */
void
tree_export(const struct tree *t, struct handoff_w *w, int64_t now)
{
	handoff_begin(w, HR_TREE);
	handoff_u32(w, (uint32_t)t->nnodes);
	handoff_i64(w, (int64_t)t->seed);
	handoff_bool(w, t->restart_root);
	handoff_end(w);
	for (size_t i = 0; i < t->nnodes; i++)
		put_node(w, t->nodes[i], now);
}

/* The state of the import: the handoff and where it is. */
struct importer {
	struct handoff_r	 r;
	struct tree		*t;
	int64_t			 now;
	char			*err;
};

/*
 * Are N's start and stop marks (read) ones its supervisor could have set?
 * Only a supervisor sets them, and a start mark only while it starts or
 * runs its children (a stop clears them: s_stopping).
 */
static bool
marks_ok(const struct node *n)
{
	if (!n->start_pending && !n->stop_pending)
		return true;
	if (n->parent == NULL)
		return false;
	return !n->start_pending || n->parent->state == ST_STARTING ||
	    n->parent->state == ST_RUNNING;
}

/* Is ST a supervisor's state of a setup or cleanup script running? */
static bool
sup_scripting(enum node_state st)
{
	return st == ST_SETUP || st == ST_SETUP_KILLED || st == ST_SETUP_CUT ||
	    st == ST_CLEANUP || st == ST_CLEANUP_KILLED;
}

/*
 * Supervisor N and its children, all read: children are up (or going
 * up or down) only while N manages them, never while its setup or
 * cleanup script runs, which a pool has none of.
 */
static int
sup_import_check(struct importer *im, const struct node *n)
{
	bool manages = n->state == ST_STARTING || n->state == ST_RUNNING ||
	    n->state == ST_STOPPING;

	if (n->spec->kind != NODE_SUPERVISOR)
		return 0;
	if (node_is_pool(n) && sup_scripting(n->state)) {
		im->err = xasprintf("%s: a pool in state %u", n->path,
		    (unsigned)n->state);
		return -1;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		if (!manages && node_active(n->children[i])) {
			im->err = xasprintf("%s: active in the handoff while "
			    "%s is in state %u", n->children[i]->path, n->path,
			    (unsigned)n->state);
			return -1;
		}
	return 0;
}

/* The next record of type TYPE (others skipped); false if none. */
static bool
next_of(struct importer *im, enum handoff_type type)
{
	int rc;

	while ((rc = handoff_next(&im->r, &im->err)) == 1)
		if (im->r.type == type)
			return true;
	if (rc == 0 && im->err == NULL)
		im->err = xasprintf("the handoff has fewer nodes than the "
		    "configuration handed over");
	return false;
}

/* Give N and its subtree their states, from the next records. */
static int
import_node(struct importer *im, struct node *n)
{
	struct handoff_r *r = &im->r;
	int64_t now = im->now, v;
	uint32_t kind, nchildren, st;
	bool stopping;
	char *path;

	if (!next_of(im, HR_NODE))
		return -1;
	path = handoff_get_str(r);
	kind = handoff_get_u32(r);
	nchildren = handoff_get_u32(r);
	if (r->bad || path == NULL || strcmp(path, n->path) != 0 ||
	    kind != (uint32_t)n->spec->kind) {
		im->err = xasprintf("the handoff's node %s is not the "
		    "configuration's %s", path != NULL ? path : "(bad)",
		    n->path);
		free(path);
		return -1;
	}
	free(path);
	if (node_is_pool(n) && nchildren >= 1 && nchildren <= TREE_SCALE_MAX)
		tree_handoff_resize(im->t, n, nchildren);
	if (nchildren != n->nchildren) {
		im->err = xasprintf("%s: %u children handed over, %zu in "
		    "the configuration", n->path, nchildren, n->nchildren);
		return -1;
	}
	st = handoff_get_u32(r);
	if (st >= ST_COUNT || kind_in_flight(n->spec,
	    (enum node_state)st) != NULL) {
		im->err = xasprintf("%s: state %u is not one handed over",
		    n->path, st);
		return -1;
	}
	n->state = (enum node_state)st;
	v = get_age(r);
	n->deadline = has_deadline(n) ? now + v : 0;
	v = handoff_get_i64(r);
	n->pid = v > 0 && v <= INT32_MAX ? (pid_t)v : 0;
	v = handoff_get_i64(r);
	n->exit_code = v >= NODE_NO_EXIT && v <= 255 + 128 ? (int)v :
	    NODE_NO_EXIT;
	n->since = time_of(get_age(r), now);
	n->restarts = handoff_get_u32(r);
	n->starts = handoff_get_u32(r);
	n->downs = handoff_get_u32(r);
	n->failed_start = handoff_get_u32(r);
	n->up_since = time_of(get_age(r), now);
	n->consecutive = handoff_get_u32(r);
	n->scarce = handoff_get_u32(r);
	get_window(r, &n->history, now);
	get_str_into(r, &n->last_error);
	n->admin_stopped = handoff_get_bool(r);
	n->oom_killed = handoff_get_bool(r);
	n->roll_seq = handoff_get_u32(r);
	get_str_into(r, &n->roll_error);
	v = handoff_get_u32(r);
	n->health = v <= HS_UNHEALTHY ? (enum health_status)v : HS_NONE;
	n->health_failures = handoff_get_u32(r);
	n->health_checked = time_of(get_age(r), now);
	get_str_into(r, &n->health_error);
	get_strv(r, &n->file_env);
	v = handoff_get_u32(r);
	n->cause = v <= CAUSE_COMPLETE ? (enum stop_cause)v : CAUSE_STOP;
	get_window(r, &n->window, now);
	get_str_into(r, &n->fail_reason);
	get_str_into(r, &n->cleanup_error);
	get_strv(r, &n->setup_env);
	n->failures = handoff_get_u32(r);
	n->started = time_of(get_age(r), now);
	n->start_pending = handoff_get_bool(r);
	n->stop_pending = handoff_get_bool(r);
	get_str_into(r, &n->unhealthy);
	if (!r->bad && get_live(r, n, now) == -1) {
		im->err = xasprintf("%s: its health checks or watchdog are "
		    "not those of state %u", n->path, st);
		return -1;
	}
	if (r->bad) {
		im->err = xasprintf("%s: its record in the handoff is cut "
		    "off", n->path);
		return -1;
	}
	stopping = n->spec->kind == NODE_WORKER && worker_stopping(n->state);
	if ((!stopping && n->unhealthy != NULL) || !marks_ok(n)) {
		im->err = xasprintf("%s: a start or stop is handed over in "
		    "state %u", n->path, st);
		return -1;
	}
	if ((n->spec->kind == NODE_WORKER && (n->pid > 0) != (n->state ==
	    ST_RUNNING || n->state == ST_AWAITING || stopping)) ||
	    (n->spec->kind == NODE_SUPERVISOR && n->pid != 0)) {
		im->err = xasprintf("%s: pid %ld in the handoff, in state %u",
		    n->path, (long)n->pid, st);
		return -1;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		if (import_node(im, n->children[i]) == -1)
			return -1;
	return sup_import_check(im, n);
}

/* See tree.h. */
int
tree_import(struct tree *t, const void *data, size_t len, int64_t base,
    char **err)
{
	struct importer im = { .t = t, .now = base };
	uint32_t nnodes;
	int rc;

	*err = NULL;
	if (handoff_r_init(&im.r, data, len, err) == -1)
		return -1;
	if (!next_of(&im, HR_TREE)) {
		*err = im.err;
		return -1;
	}
	nnodes = handoff_get_u32(&im.r);
	t->seed = (uint64_t)handoff_get_i64(&im.r);
	t->restart_root = handoff_get_bool(&im.r);
	if (im.r.bad) {
		*err = xstrdup("the handoff's tree record is cut off");
		return -1;
	}
	rc = import_node(&im, t->root);
	tree_handoff_settle(t);
	if (rc == 0 && t->nnodes != nnodes)
		im.err = xasprintf("the handoff has %u nodes, the "
		    "configuration handed over %zu", nnodes, t->nnodes);
	if (rc == 0 && im.err == NULL) {
		/* Nothing after the nodes: no more nodes than the tree. */
		while ((rc = handoff_next(&im.r, &im.err)) == 1)
			if (im.r.type == HR_NODE) {
				im.err = xstrdup("the handoff has more nodes "
				    "than the configuration handed over");
				break;
			}
	}
	if (im.err != NULL) {
		*err = im.err;
		return -1;
	}
	return 0;
}
