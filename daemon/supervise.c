/*
 * supervise.c: the libev wiring between the pure tree (lib/tree.c) and real
 * processes. It carries out the tree's actions (spawn, signal, timers,
 * setup and cleanup scripts with their state directories, events) and feeds
 * back what happened (exec results, exits reaped by one ev_child watcher for
 * every pid, timer expiries, SIGTERM/SIGINT). It decides nothing about
 * supervision: every rule is in lib/tree.c.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "arbord.h"
#include "log.h"
#include "output.h"
#include "procs.h"
#include "spawn.h"
#include "statedir.h"
#include "tree.h"

extern char **environ;

#define PROC_BUCKETS	1024

enum proc_role { PROC_WORKER, PROC_SETUP, PROC_CLEANUP, PROC_DISCARD };

/* A child process of arbord, found by pid when it is reaped. */
struct proc {
	pid_t		 pid;
	enum proc_role	 role;
	struct node	*node;
	struct output	*out;
	struct output	*err;
	struct strv	 env;		/* setup: KEY=VALUE lines */
	struct proc	*next;		/* hash chain */
};

/* The daemon's data for one node. */
struct nodectx {
	ev_timer	 timer;
	struct proc	*proc;		/* the worker, or a running script */
};

static struct tree	*tree;
static const struct supervise_opts *opts;
static enum event_format event_fmt;
static int		 exit_status = ARBORD_EXIT_OK;
static struct proc	*procs[PROC_BUCKETS];

static void	timer_cb(struct ev_loop *, ev_timer *, int);

/* Monotonic milliseconds, the tree's clock. */
int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall-clock milliseconds since the epoch, for event timestamps. */
int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Register a new child process. */
static struct proc *
proc_add(pid_t pid, enum proc_role role, struct node *n)
{
	struct proc *p = xcalloc(1, sizeof *p);
	size_t b = (size_t)pid % PROC_BUCKETS;

	p->pid = pid;
	p->role = role;
	p->node = n;
	p->next = procs[b];
	procs[b] = p;
	return p;
}

/* Is PID one of arbord's own children? */
static int
proc_known(pid_t pid)
{
	for (struct proc *p = procs[(size_t)pid % PROC_BUCKETS]; p != NULL;
	    p = p->next)
		if (p->pid == pid)
			return 1;
	return 0;
}

/* Unregister and return the process PID, or NULL if it is not ours. */
static struct proc *
proc_take(pid_t pid)
{
	struct proc **pp = &procs[(size_t)pid % PROC_BUCKETS];

	for (; *pp != NULL; pp = &(*pp)->next) {
		struct proc *p = *pp;
		if (p->pid == pid) {
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

/* Free a process record and its pipes. */
static void
proc_free(struct proc *p)
{
	output_close(p->out);
	output_close(p->err);
	strv_free(&p->env);
	free(p);
}

/* The daemon's data of node N. */
static struct nodectx *
ctx(struct node *n)
{
	return n->udata;
}

/*
 * Start ARGV for node N in the environment the tree gives it, with its
 * output on arbord's stdout under PREFIX. Returns the process, or NULL
 * with *err set; a child that failed before exec is kept as a discard.
 */
static struct proc *
start_process(struct node *n, enum proc_role role, char *const *argv,
    const char *prefix, char **err)
{
	const struct node_spec *s = n->spec;
	struct spawn_opts o = { .argv = argv, .dir = s->directory,
	    .uid = (uid_t)-1, .gid = (gid_t)-1 };
	struct strv env = { 0 };
	int outp[2], errp[2];
	struct proc *p;
	pid_t pid;

	*err = NULL;
	if (role == PROC_WORKER && (s->user != NULL || s->group != NULL)) {
		o.user = s->user;
		o.uid = s->user != NULL ? s->uid : (uid_t)-1;
		o.gid = s->gid;
	}
	if (spawn_pipe(outp) == -1) {
		*err = xasprintf("pipe: %s", strerror(errno));
		return NULL;
	}
	if (spawn_pipe(errp) == -1) {
		*err = xasprintf("pipe: %s", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		return NULL;
	}
	tree_env(tree, n, environ, &env);
	o.envp = env.v;
	o.out_fd = outp[1];
	o.err_fd = errp[1];
	pid = spawn(&o, err);
	strv_free(&env);
	close(outp[1]);
	close(errp[1]);
	if (pid == -1) {
		close(outp[0]);
		close(errp[0]);
		return NULL;
	}
	p = proc_add(pid, *err != NULL ? PROC_DISCARD : role, n);
	p->out = output_new(outp[0], prefix,
	    role == PROC_SETUP ? &p->env : NULL);
	p->err = output_new(errp[0], prefix, NULL);
	return *err != NULL ? NULL : p;
}

/* Carry out ACT_SPAWN: start worker N. */
static void
do_spawn(struct node *n)
{
	struct proc *p;
	char *err;

	p = start_process(n, PROC_WORKER, n->spec->argv.v, n->spec->path, &err);
	if (p == NULL) {
		tree_worker_start_failed(tree, n, err, now_ms());
		free(err);
		return;
	}
	ctx(n)->proc = p;
	procs_add(p->pid, n->spec->path);
	tree_worker_started(tree, n, p->pid, now_ms());
}

/* Start supervisor N's setup or cleanup script. */
static char *
run_script(struct node *n, enum proc_role role, const struct strv *argv)
{
	char *prefix = xasprintf("%s:%s", n->spec->path,
	    role == PROC_SETUP ? "setup" : "cleanup");
	struct proc *p;
	char *err;

	p = start_process(n, role, argv->v, prefix, &err);
	free(prefix);
	if (p != NULL)
		ctx(n)->proc = p;
	return err;
}

/* Carry out ACT_SETUP: a fresh state directory, then the setup script. */
static void
do_setup(struct node *n)
{
	char *err = NULL;

	if (statedir_fresh(n->state_dir, &err) == 0 && n->spec->setup.n > 0)
		err = run_script(n, PROC_SETUP, &n->spec->setup);
	else if (err == NULL) {
		tree_setup_done(tree, n, NULL, NULL, now_ms());
		return;
	}
	if (err != NULL)
		tree_setup_done(tree, n, err, NULL, now_ms());
	free(err);
}

/* Cleanup of N ended (ERROR if it failed): remove its state directory. */
static void
cleanup_finished(struct node *n, const char *error)
{
	char *rmerr = NULL, *msg = NULL;

	if (statedir_remove(n->state_dir, &rmerr) == -1)
		msg = error ? xasprintf("%s; %s", error, rmerr) :
		    xstrdup(rmerr);
	tree_cleanup_done(tree, n, msg ? msg : error, now_ms());
	free(msg);
	free(rmerr);
}

/* Carry out ACT_CLEANUP: the cleanup script, then remove the state dir. */
static void
do_cleanup(struct node *n)
{
	char *err;

	if (n->spec->cleanup.n == 0) {
		cleanup_finished(n, NULL);
		return;
	}
	if ((err = run_script(n, PROC_CLEANUP, &n->spec->cleanup)) != NULL) {
		cleanup_finished(n, err);
		free(err);
	}
}

/* Send SIG to process group PID (or the process, if it has none left). */
static void
signal_group(pid_t pid, int sig)
{
	if (pid > 0 && kill(-pid, sig) == -1 && errno == ESRCH)
		(void)kill(pid, sig);
}

/* Write an event to stderr in the configured format. */
static void
do_event(struct event *ev)
{
	char *line;

	ev->ts_ms = wall_ms();
	line = event_format(ev, event_fmt);
	write_all(STDERR_FILENO, line, strlen(line));
	free(line);
	control_event(ev);
}

/* Give every node without daemon data (new ones, after a reload) its own. */
static void
attach_nodes(void)
{
	for (size_t i = 0; i < tree->nnodes; i++) {
		struct nodectx *nc;
		if (tree->nodes[i]->udata != NULL)
			continue;
		nc = xcalloc(1, sizeof *nc);
		ev_timer_init(&nc->timer, timer_cb, 0., 0.);
		nc->timer.data = tree->nodes[i];
		tree->nodes[i]->udata = nc;
	}
}

/* Release the daemon data of N and its subtree (ACT_FREE). */
static void
detach_nodes(struct node *n)
{
	struct nodectx *nc = n->udata;

	for (size_t i = 0; i < n->nchildren; i++)
		detach_nodes(n->children[i]);
	if (nc == NULL)
		return;
	ev_timer_stop(EV_DEFAULT, &nc->timer);
	free(nc);
	n->udata = NULL;
}

/* Carry out one action. */
static void
do_action(struct action *a)
{
	struct nodectx *nc = a->node ? ctx(a->node) : NULL;

	switch (a->kind) {
	case ACT_SPAWN:
		do_spawn(a->node);
		break;
	case ACT_SIGNAL:
		if (nc->proc != NULL)
			signal_group(nc->proc->pid, a->sig);
		/* What the worker double-forked hears the same. */
		(void)procs_signal_orphans(a->node->spec->path, a->sig,
		    proc_known);
		break;
	case ACT_KILL_SCRIPT:
		if (nc->proc != NULL)
			signal_group(nc->proc->pid, SIGKILL);
		break;
	case ACT_TIMER:
		ev_timer_stop(EV_DEFAULT, &nc->timer);
		ev_timer_set(&nc->timer, (double)a->ms / 1000.0, 0.);
		ev_timer_start(EV_DEFAULT, &nc->timer);
		break;
	case ACT_TIMER_CANCEL:
		ev_timer_stop(EV_DEFAULT, &nc->timer);
		break;
	case ACT_SETUP:
		do_setup(a->node);
		break;
	case ACT_CLEANUP:
		do_cleanup(a->node);
		break;
	case ACT_EVENT:
		do_event(&a->ev);
		break;
	case ACT_EXIT:
		exit_status = a->status ? ARBORD_EXIT_FAILED : ARBORD_EXIT_OK;
		ev_break(EV_DEFAULT, EVBREAK_ALL);
		break;
	case ACT_FREE:
		detach_nodes(a->node);
		tree_node_release(tree, a->node);
		break;
	}
}

/* Carry out everything the tree has queued, including what that causes. */
void
run_actions(void)
{
	struct action a;

	while (tree_next_action(tree, &a)) {
		do_action(&a);
		action_release(&a);
	}
	control_settled();
}

/* The running tree (for the control socket). */
struct tree *
supervise_tree(void)
{
	return tree;
}

/*
 * Re-read the configuration file and bring the tree to it. Returns 0, or
 * -1 if the file has errors (then nothing changed). REPORT gets what was
 * done, or the errors.
 */
int
supervise_reload(struct strv *report)
{
	struct errlist errs = { 0 };
	struct config *conf;

	if (tree->shutting_down || tree->finished) {
		strv_push(report, xstrdup("arbord is shutting down"));
		return -1;
	}
	if ((conf = config_load(opts->file, &errs)) == NULL) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			strv_push(report, xstrdup(errs.msgs.v[i]));
		errlist_free(&errs);
		return -1;
	}
	tree_reload(tree, conf, now_ms(), report);
	if (!opts->event_format_forced)
		event_fmt = conf->event_format;
	config_free(conf);
	attach_nodes();
	run_actions();
	return 0;
}

/* libev: a child process was reaped. */
static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct proc *p = proc_take(w->rpid);
	int status = w->rstatus;
	const char *last;
	char *err = NULL;

	(void)loop;
	(void)revents;
	if (p == NULL)
		return;		/* not ours: an orphan we inherited */
	/* Whatever the process left behind in its group goes with it. */
	signal_group(p->pid, SIGKILL);
	output_drain(p->out);
	output_drain(p->err);
	last = output_lastline(p->err);
	if (p->role != PROC_DISCARD)
		ctx(p->node)->proc = NULL;
	if (p->role != PROC_WORKER && p->role != PROC_DISCARD &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		err = exit_reason(status, last);
	switch (p->role) {
	case PROC_WORKER:
		procs_remove(p->pid);
		(void)procs_signal_orphans(p->node->spec->path, SIGKILL,
		    proc_known);
		tree_worker_exited(tree, p->node, status, last, now_ms());
		break;
	case PROC_SETUP:
		tree_setup_done(tree, p->node, err, &p->env, now_ms());
		break;
	case PROC_CLEANUP:
		cleanup_finished(p->node, err);
		break;
	case PROC_DISCARD:
		break;
	}
	free(err);
	proc_free(p);
	run_actions();
}

/* libev: a node's timer expired. */
static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	tree_timer_fired(tree, w->data, now_ms());
	run_actions();
}

/* libev: SIGTERM or SIGINT: stop the tree in order, then exit. */
static void
stop_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	if (!tree->shutting_down)
		log_info("%s: stopping the tree", signal_name(w->signum));
	tree_shutdown(tree, now_ms());
	run_actions();
}

/* libev: SIGHUP: reload the configuration and log the outcome. */
static void
hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct strv report = { 0 };
	int rc;

	(void)loop;
	(void)w;
	(void)revents;
	rc = supervise_reload(&report);
	if (rc == -1)
		log_warnx("SIGHUP: %s has errors; nothing changed", opts->file);
	for (size_t i = 0; i < report.n; i++)
		(rc == -1 ? log_warnx : log_info)("%s%s", rc == -1 ? "" :
		    "reload: ", report.v[i]);
	if (rc == 0 && report.n == 0)
		log_info("reload: nothing changed");
	strv_free(&report);
}

/* Run the tree until it is stopped or fails; returns the exit status. */
int
supervise_run(const struct supervise_opts *o, struct config *conf)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_signal sigterm_w, sigint_w, sighup_w, sigpwr_w;
	ev_child child_w;

	if (loop == NULL)
		fatalx("cannot initialise the event loop");
	opts = o;
	event_fmt = o->event_format;
	signal(SIGPIPE, SIG_IGN);
	if (mkdir_p(o->state_root, 0755) == -1)
		fatal("state directory %s", o->state_root);
	if (control_init(o->socket, conf) == -1)
		return ARBORD_EXIT_CONFIG;
	/* The socket is ours now: what an earlier arbord left goes. */
	procs_init(o->socket);

	tree = tree_new(conf, o->state_root);
	config_free(conf);
	attach_nodes();

	ev_child_init(&child_w, child_cb, 0, 0);
	ev_child_start(loop, &child_w);
	/*
	 * As PID 1 every orphan in the namespace is ours to reap; otherwise
	 * become a subreaper, so what a worker double-forks is still ours.
	 * The ev_child watcher for every pid reaps them all.
	 */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	ev_signal_init(&sigterm_w, stop_cb, SIGTERM);
	ev_signal_start(loop, &sigterm_w);
	/* init(8)'s power-failure signal: stop in order, like SIGTERM. */
	ev_signal_init(&sigpwr_w, stop_cb, SIGPWR);
	if (getpid() == 1 || o->init)
		ev_signal_start(loop, &sigpwr_w);
	ev_signal_init(&sigint_w, stop_cb, SIGINT);
	ev_signal_start(loop, &sigint_w);
	ev_signal_init(&sighup_w, hup_cb, SIGHUP);
	ev_signal_start(loop, &sighup_w);

	tree_start(tree, now_ms());
	run_actions();
	if (!tree->finished)
		ev_run(loop, 0);

	if (exit_status != ARBORD_EXIT_OK)
		log_warnx("the root supervisor gave up: %s",
		    tree->exit_reason ? tree->exit_reason : "unknown reason");
	control_close(exit_status);
	procs_close();
	ev_child_stop(loop, &child_w);
	ev_signal_stop(loop, &sigterm_w);
	ev_signal_stop(loop, &sigpwr_w);
	ev_signal_stop(loop, &sigint_w);
	ev_signal_stop(loop, &sighup_w);
	for (size_t i = 0; i < tree->nnodes; i++) {
		ev_timer_stop(loop, &ctx(tree->nodes[i])->timer);
		free(tree->nodes[i]->udata);
	}
	for (size_t b = 0; b < PROC_BUCKETS; b++) {
		struct proc *p;
		while ((p = procs[b]) != NULL) {
			procs[b] = p->next;
			proc_free(p);
		}
	}
	tree_free(tree);
	tree = NULL;
	ev_loop_destroy(loop);
	return exit_status;
}
