/*
 * fuzz_tree.c: libFuzzer harness for the supervision core (lib/tree.c),
 * driven as the state machine it is. The first bytes of the input build a
 * small configuration by hand (a root supervisor and up to twelve nodes:
 * supervisors, workers and pools, with random strategies, restart
 * policies, intensities, readiness modes, backoffs, significant children
 * and pidfiles); the rest is a sequence of inputs from a fake world with a
 * fake clock: time passing, timers firing, spawns answered, readiness,
 * readiness checks, exits with any status, setup and cleanup scripts
 * ending, admin requests, signals, reloads with a mutated configuration
 * and shutdown. The world carries out every action the tree queues the
 * way arbord would, and after every step the harness checks what must
 * always hold: tree_check(); a spawn only for a starting worker with no
 * process; never two processes for one node but a rolled worker's old
 * process beside its successor (set aside, restored, signalled and
 * reported as the old one), and a worker's pids are the world's; signals only to a live process; setup and cleanup strictly
 * alternate (never for a pool), and a node is freed with nothing of it
 * running; a supervisor's restarts in its window never exceed its
 * intensity unless it is giving up; a supervisor stopping by itself is
 * always waiting for its rightmost active child, tells its children to
 * stop right to left, and a pool stops all its instances at once; the
 * environment of a spawn or setup and each node's snapshot agree with
 * the tree. Every eighth input is a re-exec, if the tree does not
 * refuse it (lib/tree_handoff.c): the tree imported from the handoff,
 * which must take it and export the same, goes on in its place, and all
 * of the above must hold on. At the end the world settles (nothing may be left half-way,
 * no admin request may still wait), then shuts down: ACT_EXIT must come,
 * with no process, spawn or script left behind. A broken invariant aborts
 * with what and where; FUZZ_TREE_TRACE=1 in the environment prints every
 * input, action and node state. The inputs that found its first six bugs
 * (reloads removing what a stopping supervisor waited for, or turning a
 * pool into a supervisor in place, or restarting a root an admin stops;
 * admin requests whose node went down and up again, or was replaced;
 * an admin start once the root gave up) are in the seed corpus.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "handoff.h"
#include "tree.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define G_MAX		13	/* nodes of a generated configuration */
#define MAX_OPS		400	/* inputs taken from one fuzz input */
#define MAX_WAITS	4	/* admin requests followed at once */
#define SETTLE_STEPS	20000	/* world steps allowed to settle */

/* The bytes of the fuzz input, read front to back; zeros once used up. */
struct bytes {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
};

/* One node of the generated configuration, before it is built. */
enum gkind { G_SUP, G_WORKER, G_POOL };
struct gnode {
	bool		 used;
	int		 parent;	/* slot of its parent; -1: root */
	enum gkind	 kind;
	uint8_t		 p[6];		/* its settings, see spec_settings */
};

/* The configuration as slots, mutated by reloads. Slot 0 is the root. */
struct genome {
	struct gnode	 n[G_MAX];
};

/* The fake world's record of one runtime node. */
struct rec {
	struct node	*node;
	char		*path;		/* for messages */
	pid_t		 pid;		/* its process; 0: none */
	pid_t		 old_pid;	/* a roll's old process (ACT_ASIDE) */
	int		 old_sig;	/* a signal it may die of; 0: none */
	bool		 spawn;		/* ACT_SPAWN asked, not answered */
	bool		 check;		/* ACT_CHECK asked, not answered */
	bool		 health;	/* ACT_HEALTH asked, not answered */
	bool		 live;		/* the liveness timer is armed */
	int64_t		 live_deadline;
	bool		 ready_sent;	/* readiness reported for this pid */
	int		 sig;		/* a signal it may die of; 0: none */
	bool		 timer;		/* armed */
	int64_t		 deadline;
	char		 script;	/* 'S' setup, 'C' cleanup, 0: none */
	bool		 script_killed;
	int		 setups;	/* setups without their cleanup yet */
	/* a reload shrank its window: tolerated until its next start */
	int		 excess;
	unsigned	 excess_starts;
	/* before the current step, for the stop order */
	bool		 pre_going;
	struct node	*pre_parent;	/* non-NULL: stopping by itself */
};

/* An admin request whose outcome is followed. */
struct wait {
	char		*path;
	struct admin_wait w;
	const struct node *node;	/* asked of; compared, never read */
	bool		 replaced;	/* a reload put another node there */
};

/* Everything of one run. */
struct world {
	struct tree	*t;
	struct bytes	 in;
	struct genome	 g;
	int64_t		 now;
	pid_t		 nextpid;
	struct rec	**r;
	size_t		 nr;
	int		 exits;
	const char	*step;		/* the input being fed, for messages */
	struct wait	 waits[MAX_WAITS];
	size_t		 nextwait;
};

/* With FUZZ_TREE_TRACE set in the environment: say what happens. */
static bool	trace;

/* Stop the run: an invariant of the tree does not hold. */
static void ARBOR_PRINTF(2, 3)
fuzz_fail(const struct world *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_tree: at %lld ms, after %s: ",
	    (long long)w->now, w->step ? w->step : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The next input byte, or 0 when they are used up. */
static unsigned
take(struct bytes *b)
{
	return b->off < b->len ? b->p[b->off++] : 0;
}

/*
 * Configurations.
 */

/* A duration out of a small table, by index. */
static int64_t
pick_ms(unsigned i, const int64_t *table, size_t n)
{
	return table[i % n];
}

/* A new spec at PATH with the loader's defaults, added to C under PARENT. */
static struct node_spec *
spec_add(struct config *c, enum node_kind kind, const char *path,
    struct node_spec *parent)
{
	struct node_spec *s = xcalloc(1, sizeof *s);
	const char *slash;

	s->kind = kind;
	s->path = xstrdup(path);
	slash = strrchr(s->path, '/');
	s->name = slash != NULL ? slash + 1 : s->path;
	s->file = "fuzz.ini";
	s->line = (int)c->nnodes + 1;
	s->restart = RESTART_PERMANENT;
	s->directory = xstrdup("/srv");
	s->shutdown = SHUTDOWN_TIMEOUT;
	s->shutdown_ms = 5000;
	s->stop_signal = SIGTERM;
	for (int l = 0; l < CGL_COUNT; l++)
		s->cg_limits[l] = CGL_UNSET;
	s->uid = (uid_t)-1;
	s->gid = (gid_t)-1;
	s->strategy = STRATEGY_ONE_FOR_ONE;
	s->intensity = 1;
	s->period_ms = 5000;
	s->setup_timeout_ms = 30000;
	s->cleanup_timeout_ms = 30000;
	s->ready = READY_EXEC;
	s->start_timeout_ms = 30000;
	s->check_interval_ms = 1000;
	s->parent = parent;
	if (parent != NULL) {
		parent->children = xreallocarray(parent->children,
		    parent->nchildren + 1, sizeof *parent->children);
		parent->children[parent->nchildren++] = s;
	} else
		c->root = s;
	c->nodes = xreallocarray(c->nodes, c->nnodes + 1, sizeof *c->nodes);
	c->nodes[c->nnodes++] = s;
	return s;
}

/*
 * Give S the settings the bytes P of its slot say, as a config could;
 * zero bytes give the defaults.
 */
static void
spec_settings(struct node_spec *s, const uint8_t *p, const struct node_spec
    *parent)
{
	static const int64_t period[] = { 5000, 100, 1000, 60000 };
	static const int64_t delay[] = { 0, 0, 100, 1000 };
	static const int64_t delaymax[] = { 0, 500, 4000 };
	static const int64_t timeout[] = { 30000, 3000, 500, 50 };
	static const int64_t small[] = { 1000, 200, 10, 5000 };
	static const int sigs[] = { SIGTERM, SIGINT, SIGKILL, SIGHUP };

	s->restart = (enum restart)(p[0] % 3);
	s->significant = (p[0] >> 4) & 1;
	if (s->restart == RESTART_PERMANENT || parent == NULL ||
	    parent->auto_shutdown == AUTO_SHUTDOWN_NEVER)
		s->significant = 0;
	s->restart_delay_ms = pick_ms(p[3], delay, 4);
	s->restart_delay_max_ms = pick_ms(p[3] >> 2, delaymax, 3);
	/* A limit, so that edits change it in place (ACT_LIMITS). */
	s->cg_limits[CGL_MEMORY_MAX] = (p[3] >> 6) & 1 ? INT64_C(64) << 20 :
	    CGL_UNSET;
	if (s->kind == NODE_SUPERVISOR) {
		s->strategy = (enum strategy)((p[0] >> 2) % 3);
		s->auto_shutdown = (enum auto_shutdown)((p[0] >> 5) % 3);
		s->intensity = (p[1] + 1) % 4;
		s->period_ms = pick_ms(p[1] >> 2, period, 4);
		s->setup_timeout_ms = pick_ms(p[4] >> 2, timeout, 4);
		s->cleanup_timeout_ms = pick_ms(p[4] >> 4, timeout, 4);
		if (p[5] & 1)
			strv_push(&s->setup, xstrdup("/bin/setup"));
		if (p[5] & 2)
			strv_push(&s->cleanup, xstrdup("/bin/cleanup"));
		return;
	}
	strv_push(&s->argv, xstrdup("/bin/w"));
	strv_push(&s->argv, xasprintf("%u", p[5] % 3));
	s->shutdown = (enum shutdown)((p[1] >> 4) % 3);
	s->shutdown_ms = pick_ms(p[4], small, 4);
	s->stop_signal = sigs[(p[1] >> 6) % 4];
	s->ready = (enum ready)(p[2] % 5);
	if (s->ready == READY_FD)
		s->ready_fd = 3;
	if (s->ready == READY_CHECK)
		strv_push(&s->ready_check, xstrdup("/bin/check"));
	if (s->ready == READY_DELAY)
		s->ready_delay_ms = 100;
	if (p[2] & 8)
		s->pidfile = xasprintf("/run/%s.pid", s->name);
	s->start_timeout_ms = pick_ms(p[3] >> 4, timeout, 4);
	s->check_interval_ms = pick_ms(p[4] >> 6, small, 4);
	/* Liveness: a health check, a watchdog, both or neither. */
	if (p[5] & 0x10) {
		s->health = HEALTH_TCP;
		s->health_host = xstrdup("127.0.0.1");
		s->health_port = 80;
		s->health_interval_ms = pick_ms(p[5] >> 5, small, 4);
		s->health_timeout_ms = pick_ms(p[4] >> 2, small, 4);
		s->health_retries = 1 + (p[1] & 3);
		s->health_start_period_ms = (p[5] & 0x80) ? 1000 : 0;
	}
	if (p[5] & 0x08) {
		s->watchdog_ms = pick_ms(p[2] >> 4, small, 4);
		s->watchdog_signal = SIGABRT;
	}
}

/* Build slot I of G (path PATH) under PARENT, then its subtree. */
static void
build_node(struct config *c, const struct genome *g, int i, const char *path,
    struct node_spec *parent)
{
	const struct gnode *gn = &g->n[i];
	struct node_spec *s;

	if (gn->kind == G_SUP) {
		s = spec_add(c, NODE_SUPERVISOR, path, parent);
		spec_settings(s, gn->p, parent);
		for (int j = 1; j < G_MAX; j++) {
			if (!g->n[j].used || g->n[j].parent != i)
				continue;
			char *cp = xasprintf("%s/n%d", path, j);
			build_node(c, g, j, cp, s);
			free(cp);
		}
		return;
	}
	if (gn->kind == G_WORKER) {
		s = spec_add(c, NODE_WORKER, path, parent);
		spec_settings(s, gn->p, parent);
		return;
	}
	/* A pool as the loader expands it (expand_pool). */
	s = spec_add(c, NODE_SUPERVISOR, path, parent);
	s->restart = (enum restart)(gn->p[0] % 3);
	s->restart_delay_ms = gn->p[3] % 4 == 3 ? 1000 : 0;
	s->instances = 1 + (gn->p[2] >> 4) % 4;
	/* reload = rolling on some pools (on the instances too, as loaded). */
	s->reload_mode = (gn->p[2] >> 6) & 1 ? RELOAD_MODE_ROLLING :
	    RELOAD_MODE_RESTART;
	s->intensity = parent->intensity;
	s->period_ms = parent->period_ms;
	for (int k = 1; k <= s->instances; k++) {
		char *wp = xasprintf("%s/%d", path, k);
		struct node_spec *w = spec_add(c, NODE_WORKER, wp, s);
		spec_settings(w, gn->p, parent);
		w->reload_mode = s->reload_mode;
		free(wp);
	}
}

/* The configuration slots G describe. */
static struct config *
build_config(const struct genome *g)
{
	struct config *c = xcalloc(1, sizeof *c);

	c->file = xstrdup("/etc/arbor/fuzz.ini");
	c->dir = xstrdup("/etc/arbor");
	build_node(c, g, 0, "root", NULL);
	return c;
}

/* Free a configuration made by build_config. */
static void
config_destroy(struct config *c)
{
	for (size_t i = 0; i < c->nnodes; i++) {
		struct node_spec *s = c->nodes[i];

		free(s->path);
		free(s->children);
		free(s->directory);
		free(s->pidfile);
		strv_free(&s->argv);
		strv_free(&s->setup);
		strv_free(&s->cleanup);
		strv_free(&s->ready_check);
		free(s->health_host);
		free(s);
	}
	free(c->nodes);
	free(c->file);
	free(c->dir);
	free(c);
}

/* A used supervisor slot (not a pool) chosen by B. */
static int
pick_sup_slot(const struct genome *g, unsigned b)
{
	int sups[G_MAX], n = 0;

	for (int i = 0; i < G_MAX; i++)
		if (g->n[i].used && g->n[i].kind == G_SUP)
			sups[n++] = i;
	return sups[b % (unsigned)n];
}

/* Fill slot I as a new node under a supervisor B picks. */
static void
slot_new(struct genome *g, int i, struct bytes *b)
{
	struct gnode *gn = &g->n[i];

	gn->used = true;
	gn->parent = pick_sup_slot(g, take(b));
	gn->kind = (enum gkind)(take(b) % 3);
	for (size_t k = 0; k < sizeof gn->p; k++)
		gn->p[k] = (uint8_t)take(b);
}

/* Remove every child slot of slot I, recursively. */
static void
slot_drop_children(struct genome *g, int i)
{
	for (int j = 1; j < G_MAX; j++)
		if (g->n[j].used && g->n[j].parent == i) {
			g->n[j].used = false;
			slot_drop_children(g, j);
		}
}

/* The first configuration: a root and up to twelve nodes. */
static void
genome_init(struct genome *g, struct bytes *b)
{
	int count = 1 + (int)(take(b) % G_MAX);

	memset(g, 0, sizeof *g);
	g->n[0].used = true;
	g->n[0].parent = -1;
	g->n[0].kind = G_SUP;
	for (size_t k = 0; k < sizeof g->n[0].p; k++)
		g->n[0].p[k] = (uint8_t)take(b);
	for (int i = 1; i < count; i++)
		slot_new(g, i, b);
}

/* Change G as an edited configuration would: settings, nodes, kinds. */
static void
genome_mutate(struct genome *g, struct bytes *b)
{
	int times = 1 + (int)(take(b) % 3), i;

	while (times-- > 0) {
		unsigned op = take(b) % 5;

		i = (int)(take(b) % G_MAX);
		switch (op) {
		case 0:		/* settings */
			if (g->n[i].used)
				g->n[i].p[take(b) % sizeof g->n[i].p] ^=
				    (uint8_t)take(b);
			break;
		case 1:		/* remove */
			if (i > 0 && g->n[i].used) {
				g->n[i].used = false;
				slot_drop_children(g, i);
			}
			break;
		case 2:		/* add */
			if (i > 0 && !g->n[i].used)
				slot_new(g, i, b);
			break;
		case 3:		/* same path, another kind */
			if (i > 0 && g->n[i].used) {
				g->n[i].kind = (enum gkind)(take(b) % 3);
				if (g->n[i].kind != G_SUP)
					slot_drop_children(g, i);
			}
			break;
		default:	/* no change at all */
			break;
		}
	}
}

/*
 * The fake world.
 */

/* The world's record of node N, made on first use. */
static struct rec *
rec_get(struct world *w, struct node *n)
{
	struct rec *r;

	for (size_t i = 0; i < w->nr; i++)
		if (w->r[i]->node == n)
			return w->r[i];
	r = xcalloc(1, sizeof *r);
	r->node = n;
	r->path = xstrdup(n->path);
	w->r = xreallocarray(w->r, w->nr + 1, sizeof *w->r);
	w->r[w->nr++] = r;
	return r;
}

/* Forget record I. */
static void
rec_drop(struct world *w, size_t i)
{
	free(w->r[i]->path);
	free(w->r[i]);
	w->nr--;
	memmove(w->r + i, w->r + i + 1, (w->nr - i) * sizeof *w->r);
}

/* Is N among the nodes of the tree? */
static bool
in_tree(const struct world *w, const struct node *n)
{
	for (size_t i = 0; i < w->t->nnodes; i++)
		if (w->t->nodes[i] == n)
			return true;
	return false;
}

/* Before ACT_FREE: nothing of N's subtree may run; forget its records. */
static void
world_forget(struct world *w, struct node *n)
{
	for (size_t i = 0; i < n->nchildren; i++)
		world_forget(w, n->children[i]);
	if (node_active(n))
		fuzz_fail(w, "free of %s while %s", n->path,
		    node_state_name(node_status(n)));
	for (size_t i = 0; i < w->nr; i++) {
		struct rec *r = w->r[i];

		if (r->node != n)
			continue;
		if (r->pid != 0 || r->old_pid != 0 || r->spawn ||
		    r->script != 0)
			fuzz_fail(w, "free of %s: pid %d/%d, spawn %d, script "
			    "%c", r->path, (int)r->pid, (int)r->old_pid,
			    r->spawn, r->script ? r->script : '-');
		if (r->setups != 0)
			fuzz_fail(w, "free of %s: setup without cleanup",
			    r->path);
		if (r->health || r->live)
			fuzz_fail(w, "free of %s: health check %d, liveness "
			    "timer %d", r->path, r->health, r->live);
		rec_drop(w, i);
		break;
	}
}

/* Does the tree call a worker in state ST told to stop? */
static bool
worker_told(enum node_state st)
{
	return st == ST_STOPPING || st == ST_KILLING || st == ST_SPAWN_STOP;
}

/* The environment of N's processes names it and a state directory. */
static void
check_env(const struct world *w, const struct node *n)
{
	static char *const base[] = { "PATH=/bin", "ARBOR_PATH=x", NULL };
	struct strv env = { 0 };
	const char *path, *dir;

	tree_env(w->t, n, base, &env);
	path = env_get(&env, "ARBOR_PATH");
	dir = env_get(&env, "ARBOR_STATE_DIR");
	if (path == NULL || strcmp(path, n->path) != 0 || dir == NULL ||
	    strncmp(dir, "/state/", 7) != 0 || env_get(&env, "PATH") == NULL)
		fuzz_fail(w, "environment of %s: ARBOR_PATH %s, "
		    "ARBOR_STATE_DIR %s", n->path, path ? path : "none",
		    dir ? dir : "none");
	strv_free(&env);
}

/* Carry out one action the way arbord would, checking it is sound. */
static void
world_act(struct world *w, const struct action *a)
{
	struct node *n = a->node;
	struct rec *r;

	if (w->exits > 0)
		fuzz_fail(w, "action %d on %s after ACT_EXIT", a->kind,
		    n->path);
	if (a->kind == ACT_FREE) {
		if (!n->detached || in_tree(w, n))
			fuzz_fail(w, "free of %s, which is in the tree",
			    n->path);
		world_forget(w, n);
		tree_node_release(w->t, n);
		return;
	}
	r = rec_get(w, n);
	if (trace)
		fprintf(stderr, "  action %d %s sig %d ms %lld state %d\n",
		    a->kind, n->path, a->sig, (long long)a->ms, n->state);
	switch (a->kind) {
	case ACT_SPAWN:
		if (n->spec->kind != NODE_WORKER)
			fuzz_fail(w, "spawn of supervisor %s", n->path);
		if (r->pid != 0 || r->spawn)
			fuzz_fail(w, "spawn of %s, which has pid %d%s",
			    n->path, (int)r->pid, r->spawn ?
			    " and a spawn in flight" : "");
		if (node_status(n) != NS_STARTING &&
		    n->state != ST_ROLL_SPAWNING)
			fuzz_fail(w, "spawn of %s, which is %s", n->path,
			    node_state_name(node_status(n)));
		if (n->detached)
			fuzz_fail(w, "spawn of removed %s", n->path);
		if (n->parent != NULL && (n->parent->state == ST_STOPPING ||
		    n->parent->state == ST_CLEANUP ||
		    n->parent->state == ST_SETUP_CUT))
			fuzz_fail(w, "spawn of %s, its supervisor stopping",
			    n->path);
		check_env(w, n);
		r->spawn = true;
		r->check = false;
		break;
	case ACT_LIMITS:
		if (n->detached)
			fuzz_fail(w, "limits of removed %s", n->path);
		break;
	case ACT_SPAWN_CANCEL:
		/* The launcher and what it started are killed, unreported. */
		r->spawn = false;
		break;
	case ACT_SIGNAL:
		if (a->old) {
			if (r->old_pid == 0)
				fuzz_fail(w, "signal %d to the old process of "
				    "%s: none", a->sig, n->path);
			if (a->sig != SIGCONT && r->old_sig != SIGKILL)
				r->old_sig = a->sig;
			break;
		}
		if (r->pid == 0)
			fuzz_fail(w, "signal %d to %s, which has no process",
			    a->sig, n->path);
		/* It may die of the last one; SIGKILL it will die of. */
		if (a->sig != SIGCONT && r->sig != SIGKILL)
			r->sig = a->sig;
		break;
	case ACT_CHECK:
		if (n->spec->ready != READY_CHECK || r->pid == 0)
			fuzz_fail(w, "check of %s (ready %d, pid %d)", n->path,
			    n->spec->ready, (int)r->pid);
		r->check = true;
		break;
	case ACT_TIMER:
		if (a->ms < 0 || a->deadline != w->now + a->ms)
			fuzz_fail(w, "timer of %s: %lld ms, deadline %lld",
			    n->path, (long long)a->ms,
			    (long long)a->deadline);
		r->timer = true;
		r->deadline = a->deadline;
		break;
	case ACT_TIMER_CANCEL:
		r->timer = false;
		break;
	case ACT_HEALTH:
		if (n->spec->health == HEALTH_NONE || r->pid == 0 ||
		    (n->state != ST_RUNNING && n->state != ST_ROLL_DRAINING &&
		    n->state != ST_ROLL_KILLING) || r->health)
			fuzz_fail(w, "health check of %s (health %d, pid %d, "
			    "state %d%s)", n->path, n->spec->health,
			    (int)r->pid, n->state, r->health ?
			    ", one runs" : "");
		r->health = true;
		break;
	case ACT_HEALTH_CANCEL:
		if (!r->health)
			fuzz_fail(w, "health-cancel of %s: none runs",
			    n->path);
		r->health = false;
		break;
	case ACT_LIVE_TIMER:
		if (a->ms < 0 || a->deadline != w->now + a->ms ||
		    n->spec->kind != NODE_WORKER || !spec_has_liveness(n->spec))
			fuzz_fail(w, "liveness timer of %s: %lld ms, deadline "
			    "%lld", n->path, (long long)a->ms,
			    (long long)a->deadline);
		r->live = true;
		r->live_deadline = a->deadline;
		break;
	case ACT_LIVE_CANCEL:
		r->live = false;
		break;
	case ACT_ASIDE:
		if (n->spec->kind != NODE_WORKER || r->pid == 0 ||
		    r->old_pid != 0 || r->spawn)
			fuzz_fail(w, "aside of %s: pids %d/%d, spawn %d",
			    n->path, (int)r->pid, (int)r->old_pid, r->spawn);
		r->old_pid = r->pid;
		r->old_sig = r->sig;
		r->pid = 0;
		r->sig = 0;
		r->check = false;
		break;
	case ACT_RESTORE:
		if (r->pid != 0 || r->old_pid == 0 || r->spawn)
			fuzz_fail(w, "restore of %s: pids %d/%d, spawn %d",
			    n->path, (int)r->pid, (int)r->old_pid, r->spawn);
		r->pid = r->old_pid;
		r->sig = r->old_sig;
		r->old_pid = 0;
		r->old_sig = 0;
		r->ready_sent = true;
		break;
	case ACT_SETUP:
		if (n->spec->kind != NODE_SUPERVISOR || node_is_pool(n))
			fuzz_fail(w, "setup of %s, not a supervisor with state",
			    n->path);
		if (r->script != 0 || r->setups != 0)
			fuzz_fail(w, "setup of %s while %s", n->path,
			    r->script ? "a script runs" :
			    "the last setup has had no cleanup");
		if (n->detached)
			fuzz_fail(w, "setup of removed %s", n->path);
		check_env(w, n);
		r->script = 'S';
		r->script_killed = false;
		r->setups++;
		break;
	case ACT_CLEANUP:
		if (n->spec->kind != NODE_SUPERVISOR || node_is_pool(n))
			fuzz_fail(w, "cleanup of %s, not a supervisor with "
			    "state", n->path);
		if (r->script != 0 || r->setups != 1)
			fuzz_fail(w, "cleanup of %s while %s", n->path,
			    r->script ? "a script runs" : "no setup ran");
		r->script = 'C';
		r->script_killed = false;
		r->setups--;
		break;
	case ACT_KILL_SCRIPT:
		if (r->script == 0)
			fuzz_fail(w, "kill-script of %s, which runs none",
			    n->path);
		r->script_killed = true;
		break;
	case ACT_EVENT:
		if (strcmp(a->ev.path, n->path) != 0 ||
		    a->ev.kind != n->spec->kind)
			fuzz_fail(w, "event about %s for %s", a->ev.path,
			    n->path);
		break;
	case ACT_EXIT:
		if (n != w->t->root)
			fuzz_fail(w, "exit for %s", n->path);
		w->exits++;
		break;
	default:
		fuzz_fail(w, "unknown action %d", a->kind);
	}
}

/* Remember what each node of the tree is before the next input. */
static void
world_snapshot(struct world *w)
{
	for (size_t i = 0; i < w->t->nnodes; i++) {
		struct node *n = w->t->nodes[i];
		struct rec *r = rec_get(w, n);
		struct node *p = n->parent;

		r->pre_going = node_status(n) == NS_STOPPING ||
		    n->state == ST_SPAWN_STOP;
		r->pre_parent = p != NULL && p->state == ST_STOPPING &&
		    !node_is_pool(p) ? p : NULL;
	}
}

/* Was child C just told to stop by its supervisor stopping by itself? */
static bool
newly_told(struct world *w, struct node *c)
{
	struct rec *r = rec_get(w, c);

	if (r->pre_going || r->pre_parent != c->parent)
		return false;
	/*
	 * A worker killed by its own failure (unhealthy, or its successor
	 * died while the old process drained) was not told.
	 */
	if (c->spec->kind == NODE_WORKER)
		return worker_told(c->state) && c->unhealthy == NULL;
	return node_status(c) == NS_STOPPING && c->cause == CAUSE_STOP;
}

/* The checks of a supervisor S that is stopping by itself. */
static void
check_stopping(struct world *w, struct node *s)
{
	size_t right = s->nchildren;

	for (size_t i = s->nchildren; i-- > 0;)
		if (node_active(s->children[i])) {
			right = i;
			break;
		}
	if (right == s->nchildren)
		fuzz_fail(w, "%s is stopping with no child left: stalled",
		    s->path);
	if (node_is_pool(s)) {
		/* A pool tells every instance at once. */
		for (size_t i = 0; i < s->nchildren; i++) {
			struct node *c = s->children[i];
			if (node_active(c) && !(node_status(c) == NS_STOPPING ||
			    c->state == ST_SPAWN_STOP))
				fuzz_fail(w, "pool %s stopping, %s is %s",
				    s->path, c->path,
				    node_state_name(node_status(c)));
		}
		return;
	}
	/* Right to left: it waits for its rightmost active child ... */
	{
		struct node *c = s->children[right];
		if (!(node_status(c) == NS_STOPPING ||
		    c->state == ST_SPAWN_STOP))
			fuzz_fail(w, "%s is stopping, its rightmost active "
			    "child %s is %s: stalled", s->path, c->path,
			    node_state_name(node_status(c)));
	}
	/* ... and told no child to stop while one to its right was up. */
	for (size_t i = 0; i < right; i++)
		if (newly_told(w, s->children[i]))
			fuzz_fail(w, "%s stops %s while %s is %s", s->path,
			    s->children[i]->path, s->children[right]->path,
			    node_state_name(node_status(s->children[right])));
}

/* Check the intensity of supervisor S: exceeded only when giving up. */
static void
check_intensity(struct world *w, struct node *s)
{
	int count = intensity_count(&s->window, w->now);
	struct rec *r = rec_get(w, s);

	if (count <= s->window.max || !node_active(s))
		return;
	if (node_status(s) == NS_STOPPING && (s->cause == CAUSE_FAIL ||
	    s->cause == CAUSE_START_FAIL))
		return;
	if (r->excess > 0 && r->excess_starts == s->starts &&
	    count <= r->excess)
		return;		/* a reload lowered it; see world_reload */
	fuzz_fail(w, "%s is %s with %d restarts in its window, intensity %d",
	    s->path, node_state_name(node_status(s)), count, s->window.max);
}

/* Everything that must hold between two inputs. */
static void
world_check(struct world *w)
{
	char *err = tree_check(w->t);

	if (err != NULL) {
		fprintf(stderr, "fuzz_tree: tree_check: %s\n", err);
		free(err);
		fuzz_fail(w, "tree_check failed");
	}
	(void)tree_failing(w->t);
	for (size_t i = 0; i < w->nr; i++) {
		struct rec *r = w->r[i];
		struct node *n = r->node;
		struct node_info ni;
		bool serves;

		tree_node_info(n, w->now, &ni);
		/* Until its successor took over, the old process serves. */
		serves = n->state == ST_ROLL_SPAWNING ||
		    n->state == ST_ROLL_SPAWN_STOP ||
		    n->state == ST_ROLL_AWAITING || n->state == ST_ROLL_ABORT;
		if (n->spec->kind == NODE_WORKER && (n->pid != r->pid ||
		    n->old_pid != r->old_pid || ni.pid != (serves ||
		    r->pid == 0 ? r->old_pid : r->pid) ||
		    ni.successor != (serves ? r->pid : 0) ||
		    ni.draining != (!serves && r->pid != 0 ? r->old_pid :
		    0)))
			fuzz_fail(w, "%s has pids %d/%d, the world %d/%d",
			    r->path, (int)n->pid, (int)n->old_pid, (int)r->pid,
			    (int)r->old_pid);
		if (ni.status != node_status(n) || ni.backoff_left < 0 ||
		    strcmp(ni.path, n->path) != 0)
			fuzz_fail(w, "%s: a wrong snapshot", r->path);
		if (r->spawn && !(n->state == ST_SPAWNING ||
		    n->state == ST_SPAWN_STOP ||
		    n->state == ST_ROLL_SPAWNING ||
		    n->state == ST_ROLL_SPAWN_STOP))
			fuzz_fail(w, "%s is %s with a spawn in flight", r->path,
			    node_state_name(node_status(n)));
		if (n->spec->kind == NODE_SUPERVISOR) {
			if (n->state == ST_STOPPING)
				check_stopping(w, n);
			check_intensity(w, n);
		}
	}
	for (size_t i = 0; i < MAX_WAITS; i++) {
		char *msg;

		if (w->waits[i].path == NULL)
			continue;
		if (tree_admin_outcome(w->t, w->waits[i].path,
		    &w->waits[i].w, &msg) != ADMIN_PENDING) {
			free(w->waits[i].path);
			w->waits[i].path = NULL;
		}
		free(msg);
	}
}

/* Carry out every queued action, then check. */
static void
world_drain(struct world *w)
{
	struct action a;

	if (trace)
		fprintf(stderr, "%lld: %s\n", (long long)w->now, w->step);
	while (tree_next_action(w->t, &a)) {
		world_act(w, &a);
		action_release(&a);
	}
	for (size_t i = 0; trace && i < w->t->nnodes; i++)
		fprintf(stderr, "    %s: state %d%s%s\n", w->t->nodes[i]->path,
		    w->t->nodes[i]->state, w->t->nodes[i]->start_pending ?
		    " start" : "", w->t->nodes[i]->stop_pending ? " stop" : "");
	world_check(w);
	if (w->exits > 0)
		for (size_t i = 0; i < w->nr; i++) {
			struct rec *r = w->r[i];
			if (r->pid != 0 || r->old_pid != 0 || r->spawn ||
			    r->script != 0 || r->setups != 0)
				fuzz_fail(w, "exit with %s left: pid %d, "
				    "spawn %d, script %c, setups %d", r->path,
				    (int)r->pid, r->spawn,
				    r->script ? r->script : '-', r->setups);
		}
}

/* Record I among those for which OK holds, chosen by B; NULL if none. */
static struct rec *
pick(struct world *w, bool (*ok)(const struct rec *), unsigned b)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nr; i++)
		n += ok(w->r[i]);
	if (n == 0)
		return NULL;
	b %= (unsigned)n;
	for (size_t i = 0; i < w->nr; i++)
		if (ok(w->r[i]) && b-- == 0)
			return w->r[i];
	return NULL;
}

/* Predicates for pick(). */
static bool has_timer(const struct rec *r) { return r->timer; }
static bool has_spawn(const struct rec *r) { return r->spawn; }
static bool has_check(const struct rec *r) { return r->check; }
static bool has_health(const struct rec *r) { return r->health; }
static bool has_live(const struct rec *r) { return r->live; }
static bool has_script(const struct rec *r) { return r->script != 0; }
static bool has_pid(const struct rec *r) { return r->pid != 0; }
static bool has_signal(const struct rec *r) { return r->pid != 0 && r->sig; }
static bool has_old(const struct rec *r) { return r->old_pid != 0; }

/* Can R's process report readiness by itself (fd, notify, delay)? */
static bool
can_ready(const struct rec *r)
{
	enum ready rd = r->node->spec->ready;

	return r->pid != 0 && !r->ready_sent &&
	    (rd == READY_FD || rd == READY_NOTIFY || rd == READY_DELAY);
}

/* Feed: R's timer fires, at its deadline or later. */
static void
feed_timer(struct world *w, struct rec *r)
{
	w->step = "timer";
	if (w->now < r->deadline)
		w->now = r->deadline;
	r->timer = false;
	tree_timer_fired(w->t, r->node, w->now);
}

/* Feed: R's spawn answered, started or failed. */
static void
feed_spawn(struct world *w, struct rec *r, bool ok)
{
	r->spawn = false;
	if (!ok) {
		w->step = "spawn failed";
		tree_worker_start_failed(w->t, r->node, "exec: No such file",
		    w->now);
		return;
	}
	w->step = "spawned";
	r->pid = w->nextpid++;
	r->sig = 0;
	r->ready_sent = false;
	tree_worker_started(w->t, r->node, r->pid, w->now);
}

/* Feed: R's process exited with WSTATUS. */
static void
feed_exit(struct world *w, struct rec *r, int wstatus)
{
	w->step = "exit";
	r->pid = 0;
	r->sig = 0;
	r->check = false;	/* arbord kills a check with its worker */
	tree_worker_exited(w->t, r->node, wstatus, "last line",
	    w->now - (wstatus & 0x7f) * 100, w->now);
}

/* Feed: R's old process (a roll's) exited with WSTATUS. */
static void
feed_old_exit(struct world *w, struct rec *r, int wstatus)
{
	w->step = "old exit";
	r->old_pid = 0;
	r->old_sig = 0;
	tree_worker_old_exited(w->t, r->node, wstatus, "last line",
	    w->now - (wstatus & 0x7f) * 100, w->now);
}

/* Feed: R's script ended, successfully or with ERROR. */
static void
feed_script(struct world *w, struct rec *r, const char *error)
{
	char script = r->script;

	r->script = 0;
	if (script == 'S') {
		struct strv env = { 0 };

		w->step = "setup done";
		strv_push(&env, xstrdup("FUZZ=1"));
		tree_setup_done(w->t, r->node, error, &env, w->now);
		strv_free(&env);
	} else {
		w->step = "cleanup done";
		tree_cleanup_done(w->t, r->node, error, w->now);
	}
}

/* Feed: an admin request on a node of the tree. */
static void
feed_admin(struct world *w, unsigned nb, unsigned ob)
{
	struct node *n = w->t->nodes[nb % w->t->nnodes];
	struct admin_wait aw;
	char *msg = NULL;
	int rc;

	w->step = "admin";
	if (ob % 5 == ADMIN_SCALE) {
		/* A pool (else refused) to 1 .. 5 instances. */
		w->step = "scale";
		rc = tree_scale(w->t, n, 1 + (int)(ob >> 3) % 5, &aw, w->now,
		    &msg);
	} else if (ob % 5 == ADMIN_ROLL) {
		/* A supervisor or pool (else refused), 1 .. 3 at a time. */
		w->step = "roll";
		rc = tree_roll(w->t, n, 1 + (int)(ob >> 3) % 3, &aw, w->now,
		    &msg);
	} else
		rc = tree_admin(w->t, n, (enum admin_op)(ob % 5), &aw, w->now,
		    &msg);
	if (trace)
		fprintf(stderr, "  admin %u on %s: %d %s\n", ob % 5, n->path, rc,
		    msg ? msg : "");
	free(msg);
	if (rc != 0)
		return;
	free(w->waits[w->nextwait].path);
	w->waits[w->nextwait].path = xstrdup(n->path);
	w->waits[w->nextwait].w = aw;
	w->waits[w->nextwait].node = n;
	w->waits[w->nextwait].replaced = false;
	w->nextwait = (w->nextwait + 1) % MAX_WAITS;
}

/* Feed: a reload with a mutated configuration. */
static void
feed_reload(struct world *w)
{
	struct strv report = { 0 };
	struct config *c;
	size_t surge = 0;

	w->step = "reload";
	genome_mutate(&w->g, &w->in);
	c = build_config(&w->g);
	tree_reload(w->t, c, w->now, &report);
	for (size_t i = 0; trace && i < report.n; i++)
		fprintf(stderr, "  reload: %s\n", report.v[i]);
	strv_free(&report);
	/* One node per spec, and the surge instances of rolls it began. */
	for (size_t i = 0; i < w->t->nnodes; i++)
		if (w->t->nodes[i]->rolling && node_is_pool(w->t->nodes[i]))
			surge += w->t->nodes[i]->nchildren -
			    w->t->nodes[i]->roll_size;
	if (w->t->nnodes != c->nnodes + surge)
		fuzz_fail(w, "reload: %zu nodes for %zu specs", w->t->nnodes,
		    c->nnodes);
	config_destroy(c);
	for (size_t i = 0; i < MAX_WAITS; i++)
		if (w->waits[i].path != NULL &&
		    tree_find(w->t, w->waits[i].path) != w->waits[i].node)
			w->waits[i].replaced = true;
	/* A lower intensity applies to the next restart, as in OTP. */
	for (size_t i = 0; i < w->t->nnodes; i++) {
		struct node *n = w->t->nodes[i];
		int count;

		if (n->spec->kind != NODE_SUPERVISOR)
			continue;
		count = intensity_count(&n->window, w->now);
		if (count > n->window.max) {
			struct rec *r = rec_get(w, n);
			r->excess = count;
			r->excess_starts = n->starts;
		}
	}
}

/* An exit status from byte B for R, which may die of its signal. */
static int
exit_status(const struct rec *r, unsigned b)
{
	static const int codes[] = { 0, 1, 2, 3, 127 };
	static const int sigs[] = { SIGKILL, SIGSEGV, SIGTERM, SIGABRT };

	if (r->sig != 0 && (b & 1))
		return r->sig;
	b >>= 1;
	if (b & 1)
		return sigs[(b >> 1) % 4];
	return (codes[(b >> 1) % 5] & 0xff) << 8;
}

/* Take one input from the bytes and feed it; false when they are done. */
static bool
world_op(struct world *w)
{
	static const int64_t steps[] = { 0, 1, 10, 50, 100, 500, 1000, 5000,
	    30000, 100000 };
	static const int sigs[] = { SIGHUP, SIGUSR1, SIGTERM, SIGKILL,
	    SIGCONT };
	unsigned op, b;
	struct rec *r;

	if (w->in.off >= w->in.len)
		return false;
	op = take(&w->in) % 16;
	b = take(&w->in);
	w->step = "nothing";	/* an input with nothing to act on */
	switch (op) {
	case 0: case 1:
		w->now += steps[b % 10];
		return true;
	case 2: case 3:
		if ((b & 0x40) && (r = pick(w, has_live, b)) != NULL) {
			w->step = "liveness timer";
			if (w->now < r->live_deadline)
				w->now = r->live_deadline;
			r->live = false;
			tree_live_timer_fired(w->t, r->node, w->now);
		} else if ((r = pick(w, has_timer, b)) != NULL)
			feed_timer(w, r);
		break;
	case 4: case 5:
		if ((r = pick(w, has_spawn, b)) != NULL)
			feed_spawn(w, r, (b & 0x80) == 0 || op == 5);
		break;
	case 6:
		if ((r = pick(w, can_ready, b)) != NULL) {
			w->step = "ready";
			r->ready_sent = true;
			tree_worker_ready(w->t, r->node, w->now);
		}
		break;
	case 7:
		if ((b & 0x40) && (r = pick(w, has_health, b)) != NULL) {
			w->step = "health done";
			r->health = false;
			tree_health_done(w->t, r->node, (b & 0x80) != 0,
			    "connect: Connection refused", w->now);
		} else if ((b & 0x20) && (r = pick(w, has_pid, b)) != NULL) {
			w->step = "watchdog";
			tree_watchdog(w->t, r->node, (b & 0x90) == 0x90,
			    w->now);
		} else if ((r = pick(w, has_check, b)) != NULL) {
			w->step = "check done";
			r->check = false;
			tree_check_done(w->t, r->node, (b & 0x80) != 0, w->now);
		}
		break;
	case 8: case 9:
		/* 9 with bit 6: a roll's old process, if any. */
		if (op == 9 && (b & 0x40) && (r = pick(w, has_old, b)) !=
		    NULL) {
			unsigned sb = take(&w->in);
			feed_old_exit(w, r, r->old_sig != 0 && (sb & 1) ?
			    r->old_sig : exit_status(r, sb & ~1u));
		} else if ((r = pick(w, has_pid, b)) != NULL)
			feed_exit(w, r, exit_status(r, take(&w->in)));
		break;
	case 10:
		if ((r = pick(w, has_script, b)) != NULL)
			feed_script(w, r, r->script_killed ? "killed by "
			    "SIGKILL" : (b & 0x80) ? "exit status 1" : NULL);
		break;
	case 11:
		feed_admin(w, b, take(&w->in));
		break;
	case 12:
		w->step = "signal";
		(void)tree_signal(w->t, w->t->nodes[b % w->t->nnodes],
		    sigs[take(&w->in) % 5], (enum signal_scope)(b >> 5) % 3);
		break;
	case 13:
		feed_reload(w);
		break;
	case 14:
		w->step = "shutdown";
		tree_shutdown(w->t, w->now);
		break;
	default:
		if ((r = pick(w, has_signal, b)) != NULL)
			feed_exit(w, r, r->sig);
		break;
	}
	world_drain(w);
	return true;
}

/*
 * One step of a world left to itself: spawns succeed, scripts and checks
 * end well, signalled processes die, readiness comes, else the earliest
 * timer fires. False when nothing is left to happen.
 */
static bool
world_settle_step(struct world *w)
{
	struct rec *r, *first = NULL;

	for (size_t i = 0; i < w->nr; i++) {
		r = w->r[i];
		if (r->spawn) {
			feed_spawn(w, r, true);
			return true;
		}
		if (r->script != 0) {
			feed_script(w, r, r->script_killed ?
			    "killed by SIGKILL" : NULL);
			return true;
		}
		if (r->check) {
			w->step = "check done";
			r->check = false;
			tree_check_done(w->t, r->node, true, w->now);
			return true;
		}
		/* Checks end well; the liveness timer is periodic: left. */
		if (r->health) {
			w->step = "health done";
			r->health = false;
			tree_health_done(w->t, r->node, true, NULL, w->now);
			return true;
		}
		if (r->pid != 0 && r->sig != 0) {
			feed_exit(w, r, r->sig);
			return true;
		}
		if (r->old_pid != 0 && r->old_sig != 0) {
			feed_old_exit(w, r, r->old_sig);
			return true;
		}
		if (can_ready(r) && tree_awaits_ready(r->node)) {
			w->step = "ready";
			r->ready_sent = true;
			tree_worker_ready(w->t, r->node, w->now);
			return true;
		}
		if (r->timer && (first == NULL || r->deadline < first->deadline))
			first = r;
	}
	if (first == NULL)
		return false;
	feed_timer(w, first);
	return true;
}

/* Let the world run until nothing is left to happen. */
static void
world_settle(struct world *w, const char *what)
{
	for (int i = 0; i < SETTLE_STEPS; i++) {
		world_snapshot(w);
		if (w->exits > 0 || !world_settle_step(w))
			return;
		world_drain(w);
	}
	fuzz_fail(w, "%s: the world does not settle", what);
}

/*
 * After the world settled without shutdown: nothing half-way, and no
 * supervisor that runs leaves a child marked to start or stop, and no
 * admin request waits.
 */
static void
check_settled(struct world *w)
{
	for (size_t i = 0; i < w->t->nnodes; i++) {
		struct node *n = w->t->nodes[i];
		enum node_status st = node_status(n);

		if (st == NS_STARTING || st == NS_STOPPING ||
		    st == NS_BACKOFF)
			fuzz_fail(w, "settled, but %s is %s", n->path,
			    node_state_name(st));
		if (n->parent != NULL && n->parent->state == ST_RUNNING &&
		    (n->start_pending || n->stop_pending))
			fuzz_fail(w, "settled, but %s is %s and marked to %s",
			    n->path, node_state_name(st), n->start_pending ?
			    "start" : "stop");
	}
	/* An arborctl waiting for an admin request has its answer. */
	for (size_t i = 0; i < MAX_WAITS; i++) {
		char *msg;

		if (w->waits[i].path == NULL)
			continue;
		if (tree_admin_outcome(w->t, w->waits[i].path,
		    &w->waits[i].w, &msg) == ADMIN_PENDING)
			fuzz_fail(w, "settled, but an admin request on %s is "
			    "pending", w->waits[i].path);
		free(msg);
	}
}

/* Free what the world holds. */
static void
world_free(struct world *w)
{
	tree_free(w->t);
	while (w->nr > 0)
		rec_drop(w, w->nr - 1);
	free(w->r);
	for (size_t i = 0; i < MAX_WAITS; i++)
		free(w->waits[i].path);
}

/*
 * A re-exec now, if the tree does not refuse it, as arbord does one: its
 * export imports into a tree new from the same configuration, whose own
 * export imports again to the same bytes (the first may only start again
 * a health check that was running); that tree goes on in its place, its
 * timers armed again for what was left of them (the world's records
 * follow their nodes), and the admin requests followed are forgotten,
 * as their clients are disconnected by the exec.
 */
static void
world_reexec(struct world *w)
{
	struct handoff_w a, b, d;
	struct config *c;
	struct tree *t, *t2;
	char *err;

	if ((err = tree_handoff_refusal(w->t)) != NULL) {
		free(err);
		return;
	}
	w->step = "reexec";
	handoff_w_init(&a);
	tree_export(w->t, &a, w->now);
	handoff_finish(&a);
	c = build_config(&w->g);
	t = tree_new(c, "/state");
	config_destroy(c);
	if (tree_import(t, a.b.s, a.b.len, w->now, &err) == -1) {
		fprintf(stderr, "fuzz_tree: import: %s\n", err);
		fuzz_fail(w, "a handoff the tree did not refuse is not taken");
	}
	handoff_w_init(&b);
	tree_export(t, &b, w->now);
	handoff_finish(&b);
	/*
	 * What an exec abandons (a health check running: due again at
	 * once) is all it may change: a second one changes nothing.
	 */
	c = build_config(&w->g);
	t2 = tree_new(c, "/state");
	config_destroy(c);
	if (tree_import(t2, b.b.s, b.b.len, w->now, &err) == -1) {
		fprintf(stderr, "fuzz_tree: import: %s\n", err);
		fuzz_fail(w, "a handoff re-exported is not taken");
	}
	handoff_w_init(&d);
	tree_export(t2, &d, w->now);
	handoff_finish(&d);
	if (d.b.len != b.b.len || memcmp(d.b.s, b.b.s, b.b.len) != 0)
		fuzz_fail(w, "a re-exec changed the tree's state");
	tree_free(t2);
	handoff_w_free(&a);
	handoff_w_free(&b);
	handoff_w_free(&d);
	for (size_t i = 0; i < w->nr; i++) {
		struct rec *r = w->r[i];

		if ((r->node = tree_find(t, r->path)) == NULL)
			fuzz_fail(w, "%s is not in the tree re-executed",
			    r->path);
		r->pre_parent = NULL;
		r->timer = false;
		/* A health check running was abandoned; timers armed anew. */
		r->health = false;
		r->live = false;
	}
	for (size_t i = 0; i < MAX_WAITS; i++) {
		free(w->waits[i].path);
		w->waits[i].path = NULL;
	}
	tree_free(w->t);
	w->t = t;
	tree_handoff_arm(t, w->now);
	world_drain(w);
}

/* libFuzzer's entry point: one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct world w;
	struct config *c;

	trace = getenv("FUZZ_TREE_TRACE") != NULL;
	memset(&w, 0, sizeof w);
	w.in.p = data;
	w.in.len = len;
	w.now = 1000;
	w.nextpid = 100;
	genome_init(&w.g, &w.in);
	c = build_config(&w.g);
	w.t = tree_new(c, "/state");
	config_destroy(c);
	w.step = "start";
	tree_start(w.t, w.now);
	world_drain(&w);
	for (int i = 0; i < MAX_OPS && w.exits == 0; i++) {
		/* Not at every step: it costs as much as a few. */
		if (i % 8 == 7)
			world_reexec(&w);
		world_snapshot(&w);
		if (!world_op(&w))
			break;
	}
	if (w.exits == 0 && !w.t->shutting_down) {
		world_settle(&w, "settle");
		if (w.exits == 0)
			check_settled(&w);
	}
	if (w.exits == 0) {
		world_snapshot(&w);
		w.step = "shutdown";
		tree_shutdown(w.t, w.now);
		world_drain(&w);
		world_settle(&w, "shutdown");
		if (w.exits == 0)
			fuzz_fail(&w, "shut down, settled, and no ACT_EXIT");
	}
	world_free(&w);
	return 0;
}
