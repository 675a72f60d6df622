/*
 * supervise.c: the libev wiring between the pure tree (lib/tree.c) and real
 * processes. It carries out the tree's actions (spawn, signal, timers,
 * setup and cleanup scripts with their state directories, events) and feeds
 * back what happened (exec results, exits reaped by one ev_child watcher for
 * every pid, timer expiries, SIGTERM/SIGINT). It decides nothing about
 * supervision: every rule is in lib/tree.c.
 */
#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "arbord.h"
#include "detach.h"
#include "expand.h"
#include "handoff.h"
#include "http.h"
#include "listen.h"
#include "listenspec.h"
#include "log.h"
#include "logs.h"
#include "notify.h"
#include "output.h"
#include "probe.h"
#include "reexec.h"
#include "procs.h"
#include "proto.h"
#include "spawn.h"
#include "spawner.h"
#include "statedir.h"
#include "cgparse.h"
#include "cgroup.h"
#include "timer.h"
#include "tree.h"
#include "usage.h"

extern char **environ;

#define PROC_BUCKETS	1024

/*
 * A launcher is a pidfile worker's command, which daemonizes; an old
 * process is a rolled worker's, set aside beside its successor.
 */
enum proc_role { PROC_WORKER, PROC_LAUNCHER, PROC_SETUP, PROC_CLEANUP,
    PROC_CHECK, PROC_HEALTH, PROC_DISCARD, PROC_OLD };

#define PIDFILE_WAIT_MS		100	/* between looks at a pidfile */

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

/*
 * A pidfile worker between its launcher's exit and the adoption; the
 * tree decides how long that may take (start_timeout: ACT_SPAWN_CANCEL).
 */
struct pidwait {
	struct timer	 w;		/* look at the pidfile again */
	struct output	*keep_out;	/* the launcher's, which the daemon */
	struct output	*keep_err;	/* inherited */
};

/* The daemon's data for one node. */
/*
 * With cgroups, a worker's process is gone when its cgroup is empty, not
 * when its main process is: what it left (whatever it did with sessions,
 * process groups or its environment) is killed, and the end of the main
 * process (its status, its last stderr line) waits here until inotify
 * says the cgroup emptied. Both a worker's cgroup and a rolled worker's
 * old one (PATH@old) drain so.
 */
struct drain {
	struct cgroup_watch *watch;	/* NULL: not draining */
	int		 status;
	char		*last;
	int64_t		 last_at;
};

struct nodectx {
	struct timer	 timer;		/* the tree's (ACT_TIMER) */
	struct proc	*proc;		/* the worker, or a running script */
	struct pidwait	*pidwait;	/* NULL unless waiting for a pidfile */
	struct proc	*check;		/* a readiness check that runs */
	/* this start's ready = check: command and pidfile, expanded */
	struct strv	 check_argv;
	char		*pidfile;	/* absolute */
	/* readiness other than exec: a pipe, a timer */
	int		 ready_rfd;
	int		 ready_wfd;
	ev_io		 readyio;
	struct timer	 readytimer;
	/*
	 * The notify socket (ready = notify, watchdog): until ready, or
	 * with a watchdog until the worker is gone.
	 */
	int		 notify_fd;
	ev_io		 notifyio;
	char		*notify_name;	/* "@arbor/PID/N" */
	/* liveness: the tree's second timer, the check that runs */
	struct timer	 livetimer;	/* ACT_LIVE_TIMER */
	struct proc	*health;	/* health = check: running */
	struct probe	*probe;		/* health = tcp:, unix: running */
	struct strv	 health_argv;	/* this start's check:, expanded */
	/* a spawn that failed, reported on the next loop pass */
	ev_timer	 failtimer;
	char		*spawn_err;
	bool		 spawn_scarce;	/* ... for arbord's lack of resources */
	struct nodelog	*log;		/* its output: ring, file, followers */
	/* cgroups (cgroup.c): the worker's, and its end held until empty */
	char		*cgdir;		/* NULL: none (yet) */
	struct drain	 drain;		/* the main process ended, others not */
	struct usage_samples samples;	/* CPU readings for status */
	unsigned	 cg_written;	/* bit L: limit L written to its cgroup
					   (since the cgroup was made) */
	struct strv	 exec_argv;	/* the expanded command last started */
	/*
	 * A rolled worker's old process (ACT_ASIDE) until it is gone: its
	 * cgroup (PATH@old), its end held until that is empty, and its
	 * notify socket, kept unwatched in case it serves again
	 * (ACT_RESTORE). OLD_MAIN: restored after its process ended, while
	 * its cgroup drained: its end is the worker's.
	 */
	struct proc	*old;
	char		*old_cgdir;
	struct drain	 old_drain;
	bool		 old_main;
	int		 old_notify_fd;
	char		*old_notify_name;
	struct node	*node;
	bool		 spawn_queued;
	TAILQ_ENTRY(nodectx) spawn_entry;
};

/*
 * Spawns wait in a queue and at most SPAWN_BATCH start per pass of the
 * loop, for at most SPAWN_BATCH_MS (an ev_check, with an ev_idle so that
 * the loop does not sleep while some wait): however many workers die at
 * once and however slow the machine, signals, clients and timers are
 * served between batches.
 */
#define SPAWN_BATCH	32
#define SPAWN_BATCH_MS	20
static TAILQ_HEAD(, nodectx) spawnq = TAILQ_HEAD_INITIALIZER(spawnq);
static ev_check		 spawn_check;
static ev_idle		 spawn_idle;

static struct tree	*tree;
/* The last start_process failed for arbord's own lack of resources. */
static bool		 start_scarce;
static const struct supervise_opts *opts;
static bool		 syslog_now;	/* log = syslog, or forced */
static bool		 reload_arbor;	/* reexec --reload: [arbor] too */
static enum event_format event_fmt;
static int		 exit_status = ARBORD_EXIT_OK;
static struct proc	*procs[PROC_BUCKETS];
static int		 service_ready;		/* the root has started */
static int		 service_stopping;	/* STOPPING=1 was sent */
static char		*service_status;	/* the last STATUS= sent */
/*
 * arbord holds a pipe or two per worker: its soft descriptor limit goes
 * up to the hard one at start (as systemd does for itself). Processes it
 * starts get the limit arbord was given back, unless limit.nofile says
 * otherwise: programs using select() need descriptors below 1024.
 */
static struct rlimit	 nofile_orig;
static int		 nofile_raised;
/* The texts of the configuration the tree runs, for a re-exec. */
static struct config_text *conf_texts;
static size_t		 conf_ntexts;
/* The last notify socket's number ("@arbor/PID/N"); a re-exec goes on. */
static unsigned		 notify_counter;

static void	timer_cb(struct timer *);
static void	pidwait_cb(struct timer *);
static void	readytimer_cb(struct timer *);
static void	failtimer_cb(struct ev_loop *, ev_timer *, int);
static void	readyfd_cb(struct ev_loop *, ev_io *, int);
static void	signal_group(pid_t, int);
static void	spawn_now(struct node *);
static void	drain_end(struct drain *);
static bool	drain_begin(struct node *, int, const char *, int64_t);
static void	scripts_end(struct node *);
static void	notify_end(struct node *);
static void	notifyio_cb(struct ev_loop *, ev_io *, int);
static void	livetimer_cb(struct timer *);
static void	health_cancel(struct node *);
static int	limits_check(const struct config *, struct errlist *);
static void	texts_take(struct config *);
static void	texts_free(void);
static void	arbor_apply(const struct config *, struct strv *);
static struct node *resume_find(const char *, size_t *);
static int	output_keep(const struct output *);
static struct output *resume_output(struct node *, int64_t, enum stream,
		    bool *);

/* Monotonic milliseconds, the tree's clock. */
int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC in ms (wall_offset_ms): taken once,
 * so that a time shown as a date reads the same to the millisecond every
 * time (status's since), and again only when the wall clock was set (it
 * moved a second or more against the monotonic one). A re-exec hands it
 * over (wall_offset_keep).
 */
static int64_t	wall_offset_;
static bool	wall_offset_set_;

/* Wall-clock milliseconds since the epoch, for event timestamps. */
int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See arbord.h. */
int64_t
wall_offset_ms(void)
{
	int64_t off = wall_ms() - now_ms();

	if (!wall_offset_set_ || off - wall_offset_ >= 1000 ||
	    wall_offset_ - off >= 1000) {
		wall_offset_ = off;
		wall_offset_set_ = true;
	}
	return wall_offset_;
}

/* See arbord.h. */
void
wall_offset_keep(int64_t off)
{
	wall_offset_ = off;
	wall_offset_set_ = true;
	(void)wall_offset_ms();	/* unless the clock was set meanwhile */
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

/* The CPU readings of node N (usage.c). */
struct usage_samples *
supervise_samples(const struct node *n)
{
	return &ctx((struct node *)n)->samples;
}

/* The command worker N last started with, variables expanded; NULL if
   it never started. */
const struct strv *
supervise_exec_argv(const struct node *n)
{
	const struct nodectx *nc = n->udata;

	return nc != NULL && nc->exec_argv.n > 0 ? &nc->exec_argv : NULL;
}

/* The log of node N (for the control socket), NULL if it has none. */
struct nodelog *
supervise_nodelog(const struct node *n)
{
	const struct nodectx *nc = n->udata;

	return nc != NULL ? nc->log : NULL;
}

/*
 * Descriptors for the stdout and stderr of a process of node N: for each
 * stream, CHILD[i] becomes the child's (-1: /dev/null), OWN[i] is arbord's
 * to close after the fork (-1: none) and READ[i] the read end of a pipe to
 * watch (-1: none). A worker's streams go where its stdout and stderr
 * keys say; scripts' always through arbord. Returns 0, or -1 with *err
 * set and nothing left open.
 */
static int
stream_fds(const struct node *n, enum proc_role role, int child[],
    int own[], int rd[], char **err)
{
	const struct stream_spec *ss;
	enum stream_mode mode;
	int p[2], fd;

	for (int i = 0; i < STREAM_COUNT; i++)
		child[i] = own[i] = rd[i] = -1;
	for (int i = 0; i < STREAM_COUNT; i++) {
		ss = &n->spec->streams[i];
		mode = role == PROC_WORKER || role == PROC_LAUNCHER ?
		    ss->mode : STREAM_LOG;
		switch (mode) {
		case STREAM_LOG:
			if (spawn_pipe(p) == -1) {
				start_scarce = errno == EMFILE ||
				    errno == ENFILE;
				*err = xasprintf("pipe: %s", strerror(errno));
				goto fail;
			}
			rd[i] = p[0];
			child[i] = own[i] = p[1];
			break;
		case STREAM_INHERIT:
			child[i] = i == STREAM_OUT ? STDOUT_FILENO :
			    STDERR_FILENO;
			break;
		case STREAM_NULL:
			break;
		case STREAM_STDOUT:	/* one pipe (or file) for both */
			child[i] = child[STREAM_OUT];
			break;
		case STREAM_FILE:
			/* Non-blocking open: a FIFO without reader fails. */
			fd = open(ss->file, O_WRONLY | O_APPEND | O_CREAT |
			    O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
			if (fd == -1 || fcntl(fd, F_SETFL, O_APPEND) ==
			    -1) {
				start_scarce = errno == EMFILE ||
				    errno == ENFILE;
				*err = xasprintf("%s file:%s: %s",
				    stream_key(i), ss->file, strerror(errno));
				if (fd != -1)
					close(fd);
				goto fail;
			}
			child[i] = own[i] = fd;
			break;
		}
	}
	return 0;
fail:
	for (int i = 0; i < STREAM_COUNT; i++) {
		if (own[i] != -1)
			close(own[i]);
		if (rd[i] != -1)
			close(rd[i]);
	}
	return -1;
}

/*
 * The cgroup a process of N in ROLE starts in, made if missing: the
 * worker's own (also its launcher's and readiness check's), or a leaf
 * for a supervisor's scripts. NULL with *err if it cannot be made.
 */
static char *
proc_cgroup(struct node *n, enum proc_role role, char **err)
{
	struct nodectx *nc = ctx(n);
	char *dir;

	if (role == PROC_SETUP || role == PROC_CLEANUP)
		dir = cgroup_dir(n->path, CGROUP_SCRIPTS);
	else {
		if (nc->cgdir == NULL)
			nc->cgdir = cgroup_dir(n->path, NULL);
		dir = xstrdup(nc->cgdir);
	}
	if (cgroup_make(dir, err) == -1) {
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * Worker N's held sockets (listen.c), bound at its first start, into O
 * (descriptors 3, 4 ... in the child) and ENV, as systemd passes them:
 * LISTEN_FDS, LISTEN_PID (written by the child, marked in O->pid_env2)
 * and LISTEN_FDNAMES, by default the name of the node or pool holding
 * them for each. 0, or -1 with *ERR: a bind that failed fails the start.
 */
static int
listen_env(struct node *n, struct strv *env, struct spawn_opts *o,
    char **err)
{
	const struct node_spec *s = n->spec;
	const char *key = tree_listen_key(n), *name, *slash;
	struct buf names = { NULL, 0, 0 };
	const int *fds;
	char count[16];

	if (listen_fds(key, s, &fds, err, &start_scarce) == -1)
		return -1;
	o->listen = fds;
	o->nlisten = (int)s->nlisten;
	slash = strrchr(key, '/');
	for (size_t i = 0; i < s->nlisten; i++) {
		name = s->listen_names.n == 0 ? (slash ? slash + 1 : key) :
		    s->listen_names.v[s->listen_names.n == 1 ? 0 : i];
		buf_printf(&names, "%s%s", i == 0 ? "" : ":", name);
	}
	snprintf(count, sizeof count, "%zu", s->nlisten);
	env_set(env, "LISTEN_FDS", count);
	env_set(env, "LISTEN_PID", SPAWN_PID_ROOM);
	env_set(env, "LISTEN_FDNAMES", names.s);
	free(names.s);
	o->pid_env2 = 1;	/* found by start_process */
	return 0;
}

/*
 * Start ARGV for node N in the environment the tree gives it, with its
 * output on arbord's stdout under PREFIX and in the node's log (or where
 * a worker's stdout and stderr say). ARGV is template words (expand.h),
 * expanded in that environment, if KEY names their key ("command"), and
 * used as it is if KEY is NULL. Returns the process, or NULL with *err
 * set ("command: undefined variable X"); a child that failed before exec
 * is kept as a discard.
 */
static struct proc *
start_process(struct node *n, enum proc_role role, char *const *argv,
    const char *key, const char *prefix, char **err)
{
	const struct node_spec *s = n->spec;
	struct spawn_opts o = { .argv = argv, .dir = s->directory,
	    .uid = (uid_t)-1, .gid = (gid_t)-1 };
	struct spawn_limit limits[LIMIT_COUNT + 1];
	struct strv env = { 0 }, args = { 0 };
	int cfd[STREAM_COUNT], own[STREAM_COUNT], rfd[STREAM_COUNT];
	struct proc *p;
	char *cg = NULL;
	char *msg;
	pid_t pid;

	*err = NULL;
	start_scarce = false;
	if (cgroup_enabled() && (cg = proc_cgroup(n, role, err)) == NULL)
		return NULL;
	o.cgroup = cg;
	/*
	 * Identity, limits, nice and umask are the worker's, and its
	 * readiness check's (which runs as the worker would), not scripts'.
	 */
	int worker = role == PROC_WORKER || role == PROC_LAUNCHER;
	int as_worker = worker || role == PROC_CHECK || role == PROC_HEALTH;
	if (as_worker && (s->user != NULL || s->group != NULL)) {
		o.user = s->user;
		o.uid = s->user != NULL ? s->uid : (uid_t)-1;
		o.gid = s->gid;
	}
	o.limits = limits;
	/* arbord's own raised descriptor limit is not passed on. */
	if (nofile_raised && !(as_worker && s->limits[LIMIT_NOFILE].set)) {
		limits[o.nlimits].resource = RLIMIT_NOFILE;
		limits[o.nlimits].name = limit_name(LIMIT_NOFILE);
		limits[o.nlimits].soft = nofile_orig.rlim_cur;
		limits[o.nlimits].hard = nofile_orig.rlim_max;
		o.nlimits++;
	}
	if (as_worker) {
		for (int l = 0; l < LIMIT_COUNT; l++) {
			if (!s->limits[l].set)
				continue;
			limits[o.nlimits].resource = limit_resource(l);
			limits[o.nlimits].name = limit_name(l);
			limits[o.nlimits].soft = s->limits[l].soft;
			limits[o.nlimits].hard = s->limits[l].hard;
			o.nlimits++;
		}
		o.set_nice = s->nice_set;
		o.nice = s->nice;
		o.set_umask = s->umask_set;
		o.umask = s->umask;
	}
	tree_env(tree, n, environ, &env);
	if (worker && ctx(n)->notify_name != NULL)
		env_set(&env, "NOTIFY_SOCKET", ctx(n)->notify_name);
	if (worker && s->watchdog_ms > 0) {
		/* As systemd: WATCHDOG_PID is the process started, whose
		   pid the child writes in itself (spawn.c). */
		char usec[24];

		snprintf(usec, sizeof usec, "%lld",
		    (long long)s->watchdog_ms * 1000);
		env_set(&env, "WATCHDOG_USEC", usec);
		if (role == PROC_WORKER) {
			env_set(&env, "WATCHDOG_PID", SPAWN_PID_ROOM);
			o.pid_env = 1;	/* found below */
		}
	}
	if (worker && s->nlisten > 0 && listen_env(n, &env, &o, err) == -1) {
		strv_free(&env);
		free(cg);
		return NULL;
	}
	if (key != NULL) {
		if (expand_argv(argv, env.v, &args, &msg) == -1) {
			*err = xasprintf("%s: %s", key, msg);
			free(msg);
			strv_free(&env);
			free(cg);
			return NULL;
		}
		o.argv = args.v;
		/* What status shows: the words it really runs with. */
		if (role == PROC_WORKER || role == PROC_LAUNCHER) {
			strv_free(&ctx(n)->exec_argv);
			strv_copy(&ctx(n)->exec_argv, args.v);
		}
	}
	if (stream_fds(n, role, cfd, own, rfd, err) == -1) {
		strv_free(&args);
		strv_free(&env);
		free(cg);
		return NULL;
	}
	if (worker && ctx(n)->ready_wfd != -1) {
		o.extra_fd = ctx(n)->ready_wfd;
		o.extra_target = s->ready_fd;
	}
	o.envp = env.v;
	/* Where the child writes its pid: after every env_set. */
	for (size_t i = 0; i < env.n; i++) {
		if (o.pid_env > 0 && strncmp(env.v[i], "WATCHDOG_PID=", 13) ==
		    0)
			o.pid_env = (int)i + 1;
		if (o.pid_env2 > 0 && strncmp(env.v[i], "LISTEN_PID=", 11) ==
		    0)
			o.pid_env2 = (int)i + 1;
	}
	o.out_fd = cfd[STREAM_OUT];
	o.err_fd = cfd[STREAM_ERR];
	pid = spawn(&o, err, &start_scarce);
	strv_free(&env);
	free(cg);
	strv_free(&args);
	for (int i = 0; i < STREAM_COUNT; i++)
		if (own[i] != -1)
			close(own[i]);
	if (pid == -1) {
		for (int i = 0; i < STREAM_COUNT; i++)
			if (rfd[i] != -1)
				close(rfd[i]);
		return NULL;
	}
	p = proc_add(pid, *err != NULL ? PROC_DISCARD : role, n);
	/* A check's output is a stream of its own in the worker's log. */
	int check = role == PROC_CHECK || role == PROC_HEALTH;
	if (rfd[STREAM_OUT] != -1)
		p->out = output_new(rfd[STREAM_OUT], prefix,
		    role == PROC_SETUP ? &p->env : NULL, ctx(n)->log,
		    check ? STREAM_CHECK : STREAM_OUT);
	if (rfd[STREAM_ERR] != -1)
		p->err = output_new(rfd[STREAM_ERR], prefix, NULL,
		    ctx(n)->log, check ? STREAM_CHECK : STREAM_ERR);
	return *err != NULL ? NULL : p;
}

/* Tear down what watches worker N's readiness. */
static void
ready_end(struct node *n)
{
	struct nodectx *nc = ctx(n);

	ev_io_stop(EV_DEFAULT, &nc->readyio);
	timer_stop(&nc->readytimer);
	if (nc->ready_rfd != -1)
		close(nc->ready_rfd);
	if (nc->ready_wfd != -1)
		close(nc->ready_wfd);
	nc->ready_rfd = nc->ready_wfd = -1;
	/* A watchdog hears the worker until it is gone (notify_end). */
	if (n->spec->watchdog_ms <= 0)
		notify_end(n);
	if (nc->check != NULL) {
		/* Its answer would be about a start that is over. */
		signal_group(nc->check->pid, SIGKILL);
		nc->check->role = PROC_DISCARD;
		nc->check = NULL;
	}
}

/* Worker N said (or showed) it is ready. */
static void
ready_now(struct node *n)
{
	ready_end(n);
	tree_worker_ready(tree, n, now_ms());
	run_actions();
}

/* libev: the worker wrote on its readiness descriptor (fd:N). */
static void
readyfd_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct node *n = w->data;
	char buf[512];
	ssize_t r;

	(void)loop;
	(void)revents;
	r = read(w->fd, buf, sizeof buf);
	if (r > 0 && memchr(buf, '\n', (size_t)r) != NULL)
		ready_now(n);
	else if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
		ev_io_stop(EV_DEFAULT, w);	/* closed: start_timeout decides */
}

/* Close worker N's notify socket (its end, or ready without watchdog). */
static void
notify_end(struct node *n)
{
	struct nodectx *nc = ctx(n);

	ev_io_stop(EV_DEFAULT, &nc->notifyio);
	if (nc->notify_fd != -1)
		close(nc->notify_fd);
	nc->notify_fd = -1;
	free(nc->notify_name);
	nc->notify_name = NULL;
}

/*
 * libev: datagrams on the worker's notify socket (sd_notify): READY=1,
 * WATCHDOG=1, WATCHDOG=trigger. Read them all, then tell the tree.
 */
static void
notifyio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct node *n = w->data;
	bool ready = false, ping = false, trigger = false;
	char buf[4096], *save;
	ssize_t r;

	(void)loop;
	(void)revents;
	while ((r = recv(w->fd, buf, sizeof buf - 1, 0)) > 0) {
		buf[r] = '\0';
		for (char *line = strtok_r(buf, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			if (strcmp(line, "READY=1") == 0)
				ready = true;
			else if (strcmp(line, "WATCHDOG=1") == 0)
				ping = true;
			else if (strcmp(line, "WATCHDOG=trigger") == 0)
				trigger = true;
		}
	}
	/* The tree knows whether it waits for it (a roll's successor). */
	if (ready && n->spec->ready == READY_NOTIFY && tree_awaits_ready(n))
		ready_now(n);
	if (ping || trigger) {
		tree_watchdog(tree, n, trigger, now_ms());
		run_actions();
	}
}

/* ready = delay:D has passed, or time for the next check. */
static void
readytimer_cb(struct timer *t)
{
	struct node *n = t->data;
	char *prefix, *err = NULL;

	if (n->spec->ready == READY_DELAY) {
		ready_now(n);
		return;
	}
	prefix = xasprintf("%s:check", n->path);
	ctx(n)->check = start_process(n, PROC_CHECK, ctx(n)->check_argv.v,
	    NULL, prefix, &err);
	if (ctx(n)->check == NULL) {
		/* Not runnable: a failed check; the tree says what next. */
		log_warnx("%s: readiness check: %s", n->path, err);
		tree_check_done(tree, n, false, now_ms());
		run_actions();
	}
	free(err);
	free(prefix);
}

/* Before a worker's spawn: its readiness pipe or notify socket. */
static void
ready_prepare(struct node *n)
{
	struct nodectx *nc = ctx(n);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fds[2], fd;
	size_t len;

	if (n->spec->ready == READY_FD && spawn_pipe(fds) == 0) {
		nc->ready_rfd = fds[0];
		nc->ready_wfd = fds[1];
		ev_io_init(&nc->readyio, readyfd_cb, fds[0], EV_READ);
	}
	if (n->spec->ready == READY_NOTIFY || n->spec->watchdog_ms > 0) {
		notify_end(n);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
		nc->notify_name = xasprintf("@arbor/%ld/%u", (long)getpid(),
		    ++notify_counter);
		len = strlen(nc->notify_name);
		memcpy(sun.sun_path, nc->notify_name, len);
		sun.sun_path[0] = '\0';	/* abstract: no file to clean up */
		if (fd == -1 || bind(fd, (struct sockaddr *)&sun,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len)) == -1) {
			log_warn("%s: notify socket", n->path);
			if (fd != -1)
				close(fd);
			free(nc->notify_name);
			nc->notify_name = NULL;
			return;
		}
		nc->notify_fd = fd;
		ev_io_init(&nc->notifyio, notifyio_cb, fd, EV_READ);
		nc->notifyio.data = n;
	}
	nc->readyio.data = n;
}

/* After a worker started: watch for its readiness. */
static void
ready_begin(struct node *n)
{
	struct nodectx *nc = ctx(n);

	if (nc->ready_wfd != -1) {
		close(nc->ready_wfd);	/* the worker has it */
		nc->ready_wfd = -1;
	}
	if (nc->ready_rfd != -1)
		ev_io_start(EV_DEFAULT, &nc->readyio);
	if (nc->notify_fd != -1)
		ev_io_start(EV_DEFAULT, &nc->notifyio);
	if (n->spec->ready == READY_DELAY)
		timer_start(&nc->readytimer, n->spec->ready_delay_ms);
	/* ready = check: the tree asks for each check (ACT_CHECK). */
}

/* The pidfile of worker N's start, absolute (spawn_prepare). */
static char *
pidfile_path(struct node *n)
{
	return xstrdup(ctx(n)->pidfile);
}

/* libev: report a start that failed in do_spawn. */
static void
failtimer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct node *n = w->data;
	char *err = ctx(n)->spawn_err;

	(void)loop;
	(void)revents;
	ctx(n)->spawn_err = NULL;
	if (ctx(n)->spawn_scarce)
		tree_worker_start_scarce(tree, n, err ? err : "start failed",
		    now_ms());
	else
		tree_worker_start_failed(tree, n, err ? err : "start failed",
		    now_ms());
	free(err);
	run_actions();
}

/* Take N out of the spawn queue, if it waits there. */
static void
spawnq_remove(struct nodectx *nc)
{
	if (!nc->spawn_queued)
		return;
	TAILQ_REMOVE(&spawnq, nc, spawn_entry);
	nc->spawn_queued = false;
	if (TAILQ_EMPTY(&spawnq)) {
		ev_check_stop(EV_DEFAULT, &spawn_check);
		ev_idle_stop(EV_DEFAULT, &spawn_idle);
	}
}

/* Carry out ACT_SPAWN: queue worker N for the next batch. */
static void
do_spawn(struct node *n)
{
	struct nodectx *nc = ctx(n);

	if (nc->spawn_queued)
		return;
	if (TAILQ_EMPTY(&spawnq)) {
		ev_check_start(EV_DEFAULT, &spawn_check);
		ev_idle_start(EV_DEFAULT, &spawn_idle);
	}
	TAILQ_INSERT_TAIL(&spawnq, nc, spawn_entry);
	nc->spawn_queued = true;
}

/* libev, after polling: start the next batch of queued workers. */
static void
spawn_check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	int64_t start = now_ms();
	struct nodectx *nc;

	(void)loop;
	(void)w;
	(void)revents;
	/* What a start leads to (the next sibling's) joins the batch. */
	for (int i = 0; i < SPAWN_BATCH &&
	    (nc = TAILQ_FIRST(&spawnq)) != NULL; i++) {
		spawnq_remove(nc);
		spawn_now(nc->node);
		run_actions();
		if (now_ms() - start >= SPAWN_BATCH_MS)
			break;
	}
}

/* libev: only there so that the loop polls without sleeping. */
static void
spawn_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/*
 * Worker N's start failed before it ran (ERR, taken). Reported from the
 * next loop pass, not now: a start that fails at once and is restarted
 * at once must not keep the loop from signals and clients.
 */
static void
spawn_failed(struct node *n, char *err, bool scarce)
{
	free(ctx(n)->spawn_err);
	ctx(n)->spawn_err = err;
	ctx(n)->spawn_scarce = scarce;
	ev_timer_set(&ctx(n)->failtimer, 0., 0.);
	ev_timer_start(EV_DEFAULT, &ctx(n)->failtimer);
}

/*
 * Before worker N's start: read its env_file, then expand its ready =
 * check: command and its pidfile in the environment the start will have
 * (the command itself is expanded by start_process). 0, or -1 with *ERR
 * ("env_file PATH: ...", "ready: undefined variable X").
 */
static int
spawn_prepare(struct node *n, char **err)
{
	const struct node_spec *s = n->spec;
	struct nodectx *nc = ctx(n);
	struct strv env = { 0 };
	char *msg = NULL, *pf;

	*err = NULL;
	strv_free(&nc->check_argv);
	strv_free(&nc->health_argv);
	free(nc->pidfile);
	nc->pidfile = NULL;
	if (envfile_load(s->env_file.v, &env, err) == -1)
		return -1;
	tree_set_file_env(n, &env);
	if (s->ready != READY_CHECK && s->pidfile == NULL &&
	    s->health != HEALTH_CHECK)
		return 0;
	tree_env(tree, n, environ, &env);
	if (s->ready == READY_CHECK && expand_argv(s->ready_check.v, env.v,
	    &nc->check_argv, &msg) == -1)
		*err = xasprintf("ready: %s", msg);
	else if (s->health == HEALTH_CHECK && expand_argv(s->health_check.v,
	    env.v, &nc->health_argv, &msg) == -1)
		*err = xasprintf("health: %s", msg);
	else if (s->pidfile != NULL) {
		if ((pf = expand_value(s->pidfile, env.v, &msg)) == NULL)
			*err = xasprintf("pidfile: %s", msg);
		else {
			nc->pidfile = pf[0] == '/' ? pf :
			    xasprintf("%s/%s", s->directory, pf);
			if (nc->pidfile != pf)
				free(pf);
		}
	}
	free(msg);
	strv_free(&env);
	return *err != NULL ? -1 : 0;
}

/* Start worker N now. */
static void
spawn_now(struct node *n)
{
	enum proc_role role = PROC_WORKER;
	struct proc *p;
	char *err;

	if (spawn_prepare(n, &err) == -1) {
		spawn_failed(n, err, false);
		return;
	}
	if (n->spec->pidfile != NULL) {
		/* What the file says must come from this start. */
		(void)unlink(ctx(n)->pidfile);
		role = PROC_LAUNCHER;
	}
	ready_prepare(n);
	p = start_process(n, role, n->spec->argv.v, "command", n->path, &err);
	if (p == NULL) {
		ready_end(n);
		notify_end(n);
		spawn_failed(n, err, start_scarce);
		return;
	}
	ctx(n)->proc = p;
	procs_add(p->pid, n->path);
	/* A pidfile worker has started once the pidfile names its daemon. */
	if (role == PROC_WORKER) {
		tree_worker_started(tree, n, p->pid, now_ms());
		ready_begin(n);
	}
}

/* Stop waiting for a pidfile: close what was kept and free. */
static void
pidwait_end(struct nodectx *nc)
{
	struct pidwait *pw = nc->pidwait;

	if (pw == NULL)
		return;
	timer_stop(&pw->w);
	output_close(pw->keep_out);
	output_close(pw->keep_err);
	free(pw);
	nc->pidwait = NULL;
}

/* A pidfile worker could not be adopted: its start failed. */
static void
pidfile_failed(struct node *n, const char *why)
{
	pidwait_end(ctx(n));
	ready_end(n);
	notify_end(n);
	procs_signal_orphans(n->path, SIGKILL);
	tree_worker_start_failed(tree, n, why, now_ms());
}

/*
 * Look for the daemon a pidfile worker's launcher left: 1 adopted (the
 * worker has started), 0 not written yet, -1 failed (reported).
 */
static int
pidfile_adopt(struct node *n)
{
	struct nodectx *nc = ctx(n);
	char *pf = pidfile_path(n), buf[32] = "", *end, *why;
	struct proc *p;
	long pid;
	FILE *f;

	if ((f = fopen(pf, "re")) == NULL) {
		free(pf);
		return 0;
	}
	if (fgets(buf, sizeof buf, f) == NULL || buf[0] == '\0') {
		fclose(f);
		free(pf);
		return 0;	/* created, not written yet */
	}
	fclose(f);
	pid = strtol(buf, &end, 10);
	if (pid <= 1 || (*end != '\n' && *end != '\0')) {
		why = xasprintf("pidfile %s: no pid in it", pf);
	} else if (procs_parent((pid_t)pid) != getpid()) {
		why = xasprintf("pidfile %s names pid %ld, which is not a "
		    "running descendant of the worker", pf, pid);
	} else {
		p = proc_add((pid_t)pid, PROC_WORKER, n);
		p->out = nc->pidwait->keep_out;
		p->err = nc->pidwait->keep_err;
		nc->pidwait->keep_out = nc->pidwait->keep_err = NULL;
		pidwait_end(nc);
		nc->proc = p;
		procs_add(p->pid, n->path);
		free(pf);
		tree_worker_started(tree, n, p->pid, now_ms());
		ready_begin(n);
		return 1;
	}
	free(pf);
	pidfile_failed(n, why);
	free(why);
	return -1;
}

/* Look at a pidfile again. */
static void
pidwait_cb(struct timer *t)
{
	struct node *n = t->data;

	/* An adoption or a failure frees the wait, and T with it. */
	(void)pidfile_adopt(n);
	if (ctx(n)->pidwait != NULL)
		timer_start(t, PIDFILE_WAIT_MS);
	run_actions();
}

/* A pidfile worker's launcher exited 0: adopt its daemon (or wait). */
static void
launcher_done(struct node *n, struct proc *launcher)
{
	struct nodectx *nc = ctx(n);
	struct pidwait *pw;

	pidwait_end(nc);
	pw = nc->pidwait = xcalloc(1, sizeof *pw);
	timer_init(&pw->w, pidwait_cb, n);
	/* The daemon inherited the launcher's output: keep reading it. */
	pw->keep_out = launcher->out;
	pw->keep_err = launcher->err;
	launcher->out = launcher->err = NULL;
	if (pidfile_adopt(n) != 0)
		return;
	timer_start(&pw->w, PIDFILE_WAIT_MS);
}

/* Start supervisor N's setup or cleanup script; 0, or -1 with *err. */
static int
run_script(struct node *n, enum proc_role role, const struct strv *argv,
    char **err)
{
	char *prefix = xasprintf("%s:%s", n->path,
	    role == PROC_SETUP ? "setup" : "cleanup");
	struct proc *p;

	p = start_process(n, role, argv->v, role == PROC_SETUP ? "setup" :
	    "cleanup", prefix, err);
	free(prefix);
	if (p == NULL)
		return -1;
	ctx(n)->proc = p;
	return 0;
}

/*
 * Carry out ACT_SETUP: a fresh state directory, the env_file (for the
 * scripts and the subtree), then the setup script.
 */
static void
do_setup(struct node *n)
{
	struct strv env = { 0 };
	char *err = NULL;
	int rc;

	if ((rc = statedir_fresh(n->state_dir, n->spec, &err)) == 0 &&
	    (rc = envfile_load(n->spec->env_file.v, &env, &err)) == 0)
		tree_set_file_env(n, &env);
	if (rc == -1 || (n->spec->setup.n > 0 &&
	    run_script(n, PROC_SETUP, &n->spec->setup, &err) == -1)) {
		tree_setup_done(tree, n, err, NULL, now_ms());
		free(err);
		return;
	}
	/* No script: done now; else its exit says (child_cb). */
	if (n->spec->setup.n == 0)
		tree_setup_done(tree, n, NULL, NULL, now_ms());
}

/* Cleanup of N ended (ERROR if it failed): remove its state directory. */
static void
cleanup_finished(struct node *n, const char *error)
{
	char *rmerr = NULL, *msg = NULL;

	if (statedir_remove(n->state_dir, &rmerr) == -1)
		msg = error ? xasprintf("%s; %s", error, rmerr) :
		    xstrdup(rmerr);
	if (cgroup_enabled()) {
		/* Its children are gone: their cgroups and its own go. */
		char *dir = cgroup_dir(n->path, NULL);
		(void)cgroup_kill(dir);
		(void)cgroup_remove(dir);
		ctx(n)->cg_written = 0;
		free(dir);
	}
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
	if (run_script(n, PROC_CLEANUP, &n->spec->cleanup, &err) == -1) {
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

/*
 * Carry out ACT_SIGNAL: the worker's processes its scope names, of its
 * main process or (a roll's) of its old one, in its own cgroup.
 */
static void
do_signal(const struct action *a)
{
	struct nodectx *nc = ctx(a->node);
	struct proc *p = a->old ? nc->old : nc->proc;
	const char *cgdir = a->old ? nc->old_cgdir : nc->cgdir;
	pid_t pid = p != NULL ? p->pid : 0;

	switch (a->scope) {
	case SIGNAL_MAIN:
		if (pid > 0)
			(void)kill(pid, a->sig);
		break;
	case SIGNAL_ALL:
		/* With cgroups: every process in it, wherever it went. */
		if (cgroup_enabled() && cgdir != NULL)
			cgroup_signal(cgdir, a->sig, 0);
		else
			(void)procs_signal_all(pid, a->node->path, a->sig);
		break;
	case SIGNAL_GROUP:
		signal_group(pid, a->sig);
		/* What the worker double-forked hears the same. */
		if (!a->old)
			procs_signal_orphans(a->node->path, a->sig);
		/* A kill (the shutdown time is over) leaves nothing. */
		if (a->sig == SIGKILL && cgroup_enabled() && cgdir != NULL)
			(void)cgroup_kill(cgdir);
		break;
	}
}

/*
 * Carry out ACT_ASIDE: worker N's process becomes its old one, its
 * successor about to start beside it. Its readiness watch ends; its
 * notify socket is kept, unwatched; with cgroups its processes move to
 * PATH@old, so that the successor starts in an empty cgroup of its own
 * and each one's end is known by its own cgroup emptying.
 */
static void
do_aside(struct node *n)
{
	struct nodectx *nc = ctx(n);
	char *err = NULL;

	nc->old = nc->proc;
	nc->proc = NULL;
	if (nc->old != NULL)
		nc->old->role = PROC_OLD;
	ev_io_stop(EV_DEFAULT, &nc->notifyio);
	nc->old_notify_fd = nc->notify_fd;
	nc->old_notify_name = nc->notify_name;
	nc->notify_fd = -1;
	nc->notify_name = NULL;
	ready_end(n);
	health_cancel(n);
	if (!cgroup_enabled() || nc->cgdir == NULL)
		return;
	nc->old_cgdir = xasprintf("%s%s", nc->cgdir, CGROUP_OLD);
	if (cgroup_make(nc->old_cgdir, &err) == -1 ||
	    cgroup_move(nc->cgdir, nc->old_cgdir) == -1)
		log_warnx("%s: moving the old process to cgroup %s: %s",
		    n->path, cgroup_relative(nc->old_cgdir),
		    err ? err : strerror(errno));
	free(err);
}

/*
 * Carry out ACT_RESTORE: worker N's successor is gone, its old process
 * is its process again (back in its cgroup, its notify socket watched).
 * One whose process ended already, its cgroup still emptying, reports
 * that end as the worker's.
 */
static void
do_restore(struct node *n)
{
	struct nodectx *nc = ctx(n);
	char *err = NULL;

	notify_end(n);
	if (nc->old_notify_fd != -1) {
		nc->notify_fd = nc->old_notify_fd;
		nc->notify_name = nc->old_notify_name;
		nc->old_notify_fd = -1;
		nc->old_notify_name = NULL;
		ev_io_init(&nc->notifyio, notifyio_cb, nc->notify_fd, EV_READ);
		nc->notifyio.data = n;
		ev_io_start(EV_DEFAULT, &nc->notifyio);
	}
	if (nc->old == NULL) {
		nc->old_main = true;
		return;
	}
	nc->proc = nc->old;
	nc->proc->role = PROC_WORKER;
	nc->old = NULL;
	if (nc->old_cgdir == NULL)
		return;
	if (cgroup_make(nc->cgdir, &err) == -1 ||
	    cgroup_move(nc->old_cgdir, nc->cgdir) == -1)
		log_warnx("%s: moving the process back to cgroup %s: %s",
		    n->path, cgroup_relative(nc->cgdir),
		    err ? err : strerror(errno));
	else {
		(void)cgroup_remove(nc->old_cgdir);
		free(nc->old_cgdir);
		nc->old_cgdir = NULL;
	}
	free(err);
}

/* Log an event (stderr or syslog) in the configured format. */
static void
do_event(struct event *ev)
{
	char *line;

	ev->ts_ms = wall_ms();
	line = event_format(ev, event_fmt);
	log_event(line, ev->type == EV_PROCESS_FAILED ||
	    ev->type == EV_PROCESS_START_FAILED);
	free(line);
	control_event(ev);
	http_event(ev);
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
		timer_init(&nc->timer, timer_cb, tree->nodes[i]);
		timer_init(&nc->readytimer, readytimer_cb, tree->nodes[i]);
		ev_timer_init(&nc->failtimer, failtimer_cb, 0., 0.);
		nc->failtimer.data = tree->nodes[i];
		ev_io_init(&nc->readyio, readyfd_cb, -1, EV_READ);
		nc->readyio.data = tree->nodes[i];
		ev_io_init(&nc->notifyio, notifyio_cb, -1, EV_READ);
		nc->notifyio.data = tree->nodes[i];
		timer_init(&nc->livetimer, livetimer_cb, tree->nodes[i]);
		nc->ready_rfd = nc->ready_wfd = nc->notify_fd = -1;
		nc->old_notify_fd = -1;
		nc->log = logs_node_new(tree->nodes[i]->path);
		nc->node = tree->nodes[i];
		tree->nodes[i]->udata = nc;
	}
}

/* Give nodes an admin request added (a scale) their daemon data. */
void
supervise_attach(void)
{
	attach_nodes();
}

/* Release a node's daemon data. */
static void
nodectx_free(struct nodectx *nc)
{
	if (nc == NULL)
		return;
	timer_stop(&nc->timer);
	spawnq_remove(nc);
	pidwait_end(nc);
	timer_stop(&nc->readytimer);
	ev_timer_stop(EV_DEFAULT, &nc->failtimer);
	free(nc->spawn_err);
	ev_io_stop(EV_DEFAULT, &nc->readyio);
	if (nc->ready_rfd != -1)
		close(nc->ready_rfd);
	if (nc->ready_wfd != -1)
		close(nc->ready_wfd);
	ev_io_stop(EV_DEFAULT, &nc->notifyio);
	if (nc->notify_fd != -1)
		close(nc->notify_fd);
	free(nc->notify_name);
	timer_stop(&nc->livetimer);
	if (nc->health != NULL) {
		signal_group(nc->health->pid, SIGKILL);
		nc->health->role = PROC_DISCARD;
	}
	probe_cancel(nc->probe);
	strv_free(&nc->health_argv);
	strv_free(&nc->check_argv);
	strv_free(&nc->exec_argv);
	free(nc->pidfile);
	logs_node_gone(nc->log);
	drain_end(&nc->drain);
	free(nc->cgdir);
	if (nc->old != NULL)
		nc->old->role = PROC_DISCARD;
	drain_end(&nc->old_drain);
	free(nc->old_cgdir);
	if (nc->old_notify_fd != -1)
		close(nc->old_notify_fd);
	free(nc->old_notify_name);
	free(nc);
}

/* Release the daemon data of N and its subtree (ACT_FREE). */
static void
detach_nodes(struct node *n)
{
	struct nodectx *nc = n->udata;

	for (size_t i = 0; i < n->nchildren; i++)
		detach_nodes(n->children[i]);
	nodectx_free(nc);
	n->udata = NULL;
}

/*
 * Carry out ACT_SPAWN_CANCEL: the tree gave up on a spawn in flight (a
 * pidfile worker's launcher, or its wait). Kill what runs of it; nothing
 * of it is reported any more.
 */
static void
spawn_cancel(struct node *n)
{
	struct nodectx *nc = ctx(n);

	spawnq_remove(nc);
	if (nc->proc != NULL && nc->proc->role == PROC_LAUNCHER) {
		signal_group(nc->proc->pid, SIGKILL);
		procs_remove(nc->proc->pid);
		nc->proc->role = PROC_DISCARD;
		nc->proc = NULL;
	}
	pidwait_end(nc);
	ready_end(n);
	notify_end(n);
	procs_signal_orphans(n->path, SIGKILL);
	if (cgroup_enabled() && nc->cgdir != NULL)
		(void)cgroup_kill(nc->cgdir);
}

/*
 * arbord's exit status for how the tree ended: a job's status passes
 * through (auto_shutdown); one that failed without a status of its own
 * (it could not start, its subtree gave up) is a failure.
 */
static int
supervise_exit_status(enum tree_exit how, int code)
{
	switch (how) {
	case TREE_EXIT_STOPPED:
		return ARBORD_EXIT_OK;
	case TREE_EXIT_FAILED:
		return ARBORD_EXIT_FAILED;
	case TREE_EXIT_COMPLETED:
		return code == NODE_NO_EXIT ? ARBORD_EXIT_FAILED : code;
	}
	return ARBORD_EXIT_FAILED;
}

/*
 * Carry out ACT_LIMITS: write N's cgroup limits to its cgroup (made if
 * missing), unset ones back to the kernel's default. Without cgroups
 * there are no limits (the configuration was refused).
 */
static void
apply_limits(struct node *n)
{
	struct nodectx *nc = ctx(n);
	char *dir, *err = NULL, *v;

	if (!cgroup_enabled())
		return;
	dir = cgroup_dir(n->path, NULL);
	if (cgroup_make(dir, &err) == -1) {
		log_warnx("%s: %s", n->path, err);
		free(err);
		free(dir);
		return;
	}
	for (int l = 0; l < CGL_COUNT; l++) {
		int64_t val = n->spec->cg_limits[l];
		/* Set ones; unset ones only if they were set. */
		if (val == CGL_UNSET && !(nc->cg_written & 1u << l))
			continue;
		v = cg_limit_file_value((enum cg_limit)l, val);
		if (cgroup_write(dir, cg_limit_file((enum cg_limit)l), v,
		    &err) == 0) {
			if (val == CGL_UNSET)
				nc->cg_written &= ~(1u << l);
			else
				nc->cg_written |= 1u << l;
		} else {
			/* The others are still worth setting. */
			log_warnx("%s: %s", n->path, err);
			free(err);
			err = NULL;
		}
		free(v);
	}
	free(dir);
}

/* A connect probe of worker ARG ended. */
static void
probe_done(void *arg, bool ok, const char *reason)
{
	struct node *n = arg;

	ctx(n)->probe = NULL;
	tree_health_done(tree, n, ok, reason, now_ms());
}

/*
 * Carry out ACT_HEALTH: run one health check of worker N, whose result
 * reaches the tree from child_cb (check:) or probe_done (tcp:, unix:),
 * or at once if it could not even start.
 */
static void
do_health(struct node *n)
{
	const struct node_spec *s = n->spec;
	struct nodectx *nc = ctx(n);
	char *prefix, *err = NULL, *path;

	if (nc->health != NULL || nc->probe != NULL)
		return;		/* the tree never asks: one runs */
	switch (s->health) {
	case HEALTH_NONE:
		break;
	case HEALTH_CHECK:
		prefix = xasprintf("%s:health", n->path);
		nc->health = start_process(n, PROC_HEALTH, nc->health_argv.v,
		    NULL, prefix, &err);
		free(prefix);
		if (nc->health == NULL) {
			tree_health_done(tree, n, false, err ? err :
			    "could not start", now_ms());
			free(err);
		}
		break;
	case HEALTH_TCP:
		nc->probe = probe_connect(s->health_host, s->health_port, NULL,
		    probe_done, n);
		break;
	case HEALTH_UNIX:
		path = s->health_path[0] == '/' ? xstrdup(s->health_path) :
		    xasprintf("%s/%s", s->directory, s->health_path);
		nc->probe = probe_connect(NULL, 0, path, probe_done, n);
		free(path);
		break;
	}
}

/* Carry out ACT_HEALTH_CANCEL: abandon N's running health check. */
static void
health_cancel(struct node *n)
{
	struct nodectx *nc = ctx(n);

	if (nc->health != NULL) {
		signal_group(nc->health->pid, SIGKILL);
		nc->health->role = PROC_DISCARD;
		nc->health = NULL;
	}
	probe_cancel(nc->probe);
	nc->probe = NULL;
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
		do_signal(a);
		break;
	case ACT_SPAWN_CANCEL:
		spawn_cancel(a->node);
		break;
	case ACT_CHECK:
		timer_start(&nc->readytimer, a->ms);
		break;
	case ACT_KILL_SCRIPT:
		if (nc->proc != NULL)
			signal_group(nc->proc->pid, SIGKILL);
		break;
	case ACT_TIMER:
		timer_start(&nc->timer, a->ms);
		break;
	case ACT_TIMER_CANCEL:
		timer_stop(&nc->timer);
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
		exit_status = supervise_exit_status(a->status, a->code);
		ev_break(EV_DEFAULT, EVBREAK_ALL);
		break;
	case ACT_FREE:
		detach_nodes(a->node);
		tree_node_release(tree, a->node);
		break;
	case ACT_LIMITS:
		apply_limits(a->node);
		break;
	case ACT_HEALTH:
		do_health(a->node);
		break;
	case ACT_HEALTH_CANCEL:
		health_cancel(a->node);
		break;
	case ACT_LIVE_TIMER:
		timer_start(&nc->livetimer, a->ms);
		break;
	case ACT_LIVE_CANCEL:
		timer_stop(&nc->livetimer);
		break;
	case ACT_ASIDE:
		do_aside(a->node);
		break;
	case ACT_RESTORE:
		do_restore(a->node);
		break;
	}
}

/* "running 3 workers" or "running 2 of 3 workers". */
static char *
service_running(void)
{
	size_t up = 0, all = 0;

	for (size_t i = 0; i < tree->nnodes; i++) {
		if (tree->nodes[i]->spec->kind != NODE_WORKER)
			continue;
		all++;
		if (node_status(tree->nodes[i]) == NS_RUNNING)
			up++;
	}
	if (up == all)
		return xasprintf("running %zu worker%s", up, up == 1 ? "" : "s");
	return xasprintf("running %zu of %zu workers", up, all);
}

/*
 * Tell the service manager ($NOTIFY_SOCKET) and a waiting `arbord -d` how
 * the tree is doing: ready once the root has started, stopping once a
 * shutdown began or the root gave up, and the status whenever it changes.
 */
static void
service_report(void)
{
	const char *failing = tree_failing(tree);
	char *status;

	if (service_stopping)
		return;
	if (tree->shutting_down || tree->finished || failing != NULL) {
		service_stopping = 1;
		if (failing != NULL)
			notify_send("STOPPING=1\nSTATUS=root failed: %s",
			    failing);
		else
			notify_send("STOPPING=1\nSTATUS=stopping");
		return;
	}
	if (!service_ready && node_status(tree->root) != NS_RUNNING)
		return;
	if (!notify_active()) {
		/* No STATUS= to keep: no count of workers (O(nodes)). */
		if (!service_ready) {
			service_ready = 1;
			log_started();
			detach_ready();
		}
		return;
	}
	status = service_running();
	if (!service_ready) {
		service_ready = 1;
		log_started();
		notify_send("READY=1\nSTATUS=%s", status);
		detach_ready();
	} else if (strcmp(status, service_status) != 0)
		notify_send("STATUS=%s", status);
	free(service_status);
	service_status = status;
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
	service_report();
}

/* The running tree (for the control socket). */
struct tree *
supervise_tree(void)
{
	return tree;
}

/*
 * Can the cgroup limits of CONF be applied? With cgroups on, the
 * controllers they need are enabled first; a limit that cannot be applied
 * (cgroups off, a controller missing) goes to ERRS as FILE:LINE: message.
 */
static int
limits_check(const struct config *conf, struct errlist *errs)
{
	char *need = cg_limits_controllers(conf);
	int n;

	if (cgroup_enabled() && need != NULL)
		cgroup_enable(need);
	free(need);
	n = cgroup_enabled() ? cg_limits_check(conf, NULL,
	    cgroup_has_controller, cgroup_available(), "arbord's cgroup",
	    errs) : cg_limits_check(conf, cgroup_off_reason(), NULL, NULL,
	    NULL, errs);
	return n > 0 ? -1 : 0;
}

/* listen_sweep: are the sockets held under KEY still those of CONF? */
static bool
listen_keep(const char *key, const struct listen_spec *l, size_t n,
    void *arg)
{
	const struct node_spec *s = config_find(arg, key);

	if (s == NULL || s->nlisten != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!listen_spec_equal(&s->listen[i], &l[i]))
			return false;
	return true;
}

/*
 * Re-read the configuration file and bring the tree to it. Returns 0, or
 * -1 when nothing changed: the file has errors, or arbord is shutting
 * down. REPORT gets what was done, the errors, or why not.
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
	if ((conf = config_load(opts->file, &errs)) == NULL ||
	    limits_check(conf, &errs) == -1) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			strv_push(report, xstrdup(errs.msgs.v[i]));
		errlist_free(&errs);
		config_free(conf);
		return -1;
	}
	if (service_ready) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		notify_send("RELOADING=1\nMONOTONIC_USEC=%lld\n"
		    "STATUS=reloading %s", (long long)ts.tv_sec * 1000000 +
		    ts.tv_nsec / 1000, opts->file);
	}
	tree_reload(tree, conf, now_ms(), report);
	texts_take(conf);
	/* Sockets of nodes gone, or with other addresses, close now. */
	listen_sweep(listen_keep, conf);
	if (!opts->event_format_forced)
		event_fmt = conf->event_format;
	logs_configure(conf);
	control_configure(conf);
	if (reload_arbor)
		arbor_apply(conf, report);
	else
		http_reconfigure(conf, false, report);
	config_free(conf);
	attach_nodes();
	run_actions();
	if (service_ready && !service_stopping && service_status != NULL)
		notify_send("READY=1\nSTATUS=%s", service_status);
	return 0;
}

/*
 * reexec --reload: the [arbor] settings a reload leaves alone take
 * effect too: the control socket (unless -s named it) and its group,
 * log (unless --syslog or -d), the HTTP endpoint and its token. The
 * cgroup and state_dir settings still need a restart: the running
 * tree's cgroups and state directories stay where they are.
 */
static void
arbor_apply(const struct config *conf, struct strv *report)
{
	char *path;
	bool syslog_on = opts->syslog_forced || conf->log_syslog;

	if (!opts->socket_forced) {
		path = conf->socket != NULL ? xstrdup(conf->socket) :
		    proto_default_socket();
		if (strcmp(path, control_socket()) != 0) {
			if (control_move(path, conf) == 0) {
				procs_move(path);
				strv_push(report, xasprintf("socket: now %s",
				    path));
			} else
				strv_push(report, xasprintf("socket %s: not "
				    "opened (see the log); still %s", path,
				    control_socket()));
		}
		free(path);
	}
	switch (control_regroup(conf)) {
	case 1:
		strv_push(report, xasprintf("socket_group: now %s",
		    conf->socket_group));
		break;
	case -1:
		strv_push(report, xasprintf("socket_group %s: not set (see "
		    "the log)", conf->socket_group));
		break;
	}
	if (syslog_on != syslog_now) {
		log_init(syslog_on);
		log_started();
		syslog_now = syslog_on;
		strv_push(report, xasprintf("log: now %s", syslog_on ?
		    "syslog" : "stderr"));
	}
	http_reconfigure(conf, true, report);
}

/* Stop waiting for D's cgroup to empty; what it kept goes. */
static void
drain_end(struct drain *d)
{
	cgroup_unwatch(d->watch);
	d->watch = NULL;
	free(d->last);
	d->last = NULL;
}

/*
 * A process of N ended with STATUS (LAST its last stderr line, at
 * LAST_AT), its cgroup DIR perhaps not empty: kill the rest and wait in
 * D (CB called at each change of DIR's cgroup.events). True if it is
 * still emptying, false if the end can be reported now.
 */
static bool
drain_start(struct drain *d, struct node *n, const char *dir,
    void (*cb)(void *), int status, const char *last, int64_t last_at)
{
	if (cgroup_populated(dir) != 1)
		return false;
	(void)cgroup_kill(dir);
	if ((d->watch = cgroup_watch(dir, cb, n)) == NULL) {
		log_warn("%s: watching cgroup %s", n->path,
		    cgroup_relative(dir));
		return false;
	}
	/* It may have emptied before the watch was there. */
	if (cgroup_populated(dir) != 1) {
		drain_end(d);
		return false;
	}
	d->status = status;
	d->last = last != NULL ? xstrdup(last) : NULL;
	d->last_at = last_at;
	return true;
}

/*
 * Has D's cgroup DIR emptied? Then the end it kept, into *STATUS, *LAST
 * (the caller's to free) and *LAST_AT, and D waits no more.
 */
static bool
drain_done(struct drain *d, const char *dir, int *status, char **last,
    int64_t *last_at)
{
	if (cgroup_populated(dir) == 1)
		return false;
	*status = d->status;
	*last = d->last;
	*last_at = d->last_at;
	d->last = NULL;
	drain_end(d);
	return true;
}

/* inotify: N's cgroup.events changed; is the cgroup empty now? */
static void
drain_cb(void *arg)
{
	struct node *n = arg;
	struct nodectx *nc = ctx(n);
	int64_t last_at;
	char *last;
	int status;

	if (!drain_done(&nc->drain, nc->cgdir, &status, &last, &last_at))
		return;
	(void)cgroup_remove(nc->cgdir);
	nc->cg_written = 0;
	tree_worker_exited(tree, n, status, last, last_at, now_ms());
	free(last);
	run_actions();
}

/*
 * Worker N's main process ended with STATUS (LAST its last stderr line):
 * kill the rest of its cgroup. True if that is still emptying (drain_cb
 * reports the end then), false if the end can be reported now.
 */
static bool
drain_begin(struct node *n, int status, const char *last, int64_t last_at)
{
	struct nodectx *nc = ctx(n);

	if (!cgroup_enabled() || nc->cgdir == NULL)
		return false;
	/* Its cgroup is new at every start: any OOM kill is this run's. */
	if (cgroup_oom_kills(nc->cgdir) > 0)
		tree_worker_oom(tree, n);
	if (drain_start(&nc->drain, n, nc->cgdir, drain_cb, status, last,
	    last_at))
		return true;
	(void)cgroup_remove(nc->cgdir);
	nc->cg_written = 0;
	return false;
}

/*
 * Report the end of worker N's old process: as the old one's, or, if it
 * was restored meanwhile, as the worker's.
 */
static void
old_report(struct node *n, int status, const char *last, int64_t last_at)
{
	struct nodectx *nc = ctx(n);

	if (nc->old_cgdir != NULL) {
		(void)cgroup_remove(nc->old_cgdir);
		free(nc->old_cgdir);
		nc->old_cgdir = NULL;
	}
	if (nc->old_main) {
		nc->old_main = false;
		tree_worker_exited(tree, n, status, last, last_at, now_ms());
	} else
		tree_worker_old_exited(tree, n, status, last, last_at,
		    now_ms());
}

/* inotify: N's old cgroup.events changed; is it empty now? */
static void
old_drain_cb(void *arg)
{
	struct node *n = arg;
	struct nodectx *nc = ctx(n);
	int64_t last_at;
	char *last;
	int status;

	if (!drain_done(&nc->old_drain, nc->old_cgdir, &status, &last,
	    &last_at))
		return;
	old_report(n, status, last, last_at);
	free(last);
	run_actions();
}

/*
 * Worker N's old process ended (the roll's): kill what is left in its
 * cgroup and report its end once that is empty, as drain_begin does.
 */
static void
old_end(struct node *n, int status, const char *last, int64_t last_at)
{
	struct nodectx *nc = ctx(n);

	if (nc->old_notify_fd != -1 && !nc->old_main) {
		close(nc->old_notify_fd);
		nc->old_notify_fd = -1;
		free(nc->old_notify_name);
		nc->old_notify_name = NULL;
	}
	if (cgroup_enabled() && nc->old_cgdir != NULL &&
	    drain_start(&nc->old_drain, n, nc->old_cgdir, old_drain_cb,
	    status, last, last_at))
		return;
	old_report(n, status, last, last_at);
}

/* A setup or cleanup script of supervisor N ended: nothing of it stays. */
static void
scripts_end(struct node *n)
{
	char *dir;

	if (!cgroup_enabled())
		return;
	dir = cgroup_dir(n->path, CGROUP_SCRIPTS);
	if (cgroup_populated(dir) == 1)
		(void)cgroup_kill(dir);
	(void)rmdir(dir);	/* if it is empty already; else at the stop */
	free(dir);
}

/* libev: a child process was reaped. */
static void
child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct proc *p = proc_take(w->rpid);
	int status = w->rstatus;
	const struct output *lo;
	const char *last;
	int64_t now = now_ms(), last_at;
	char *err = NULL;

	(void)loop;
	(void)revents;
	if (p == NULL) {	/* the spawner, a reexec's check, an orphan */
		if (!reexec_reaped(w->rpid, status))
			spawner_reaped(w->rpid, status);
		return;
	}
	/*
	 * Whatever the process left behind in its group goes with it; but
	 * a launcher's daemon may still be in the launcher's group.
	 */
	if (p->role != PROC_LAUNCHER || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		signal_group(p->pid, SIGKILL);
	output_drain(p->out);
	output_drain(p->err);
	/* The reason of a failure: stderr's last line, wherever it went. */
	lo = p->err != NULL ? p->err :
	    p->node->spec->streams[STREAM_ERR].mode == STREAM_STDOUT ?
	    p->out : NULL;
	last = output_lastline(lo);
	last_at = output_lastline_at(lo);
	if (p->role == PROC_OLD)
		ctx(p->node)->old = NULL;
	else if (p->role != PROC_DISCARD && p->role != PROC_CHECK &&
	    p->role != PROC_HEALTH)
		ctx(p->node)->proc = NULL;
	if (p->role != PROC_WORKER && p->role != PROC_DISCARD &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		err = exit_reason(status, last, now - last_at);
	switch (p->role) {
	case PROC_LAUNCHER:
		procs_remove(p->pid);
		if (err != NULL) {
			char *why = xasprintf("daemonizing: %s", err);
			pidfile_failed(p->node, why);
			free(why);
		} else
			launcher_done(p->node, p);
		break;
	case PROC_CHECK:
		ctx(p->node)->check = NULL;
		tree_check_done(tree, p->node, err == NULL, now_ms());
		break;
	case PROC_HEALTH:
		ctx(p->node)->health = NULL;
		tree_health_done(tree, p->node, err == NULL, err, now_ms());
		break;
	case PROC_WORKER:
		ready_end(p->node);
		notify_end(p->node);
		/* Its check would only see it gone (the tree cancels too). */
		health_cancel(p->node);
		procs_remove(p->pid);
		procs_signal_orphans(p->node->path, SIGKILL);
		if (drain_begin(p->node, status, last, last_at))
			break;
		tree_worker_exited(tree, p->node, status, last, last_at,
		    now_ms());
		break;
	case PROC_SETUP:
		scripts_end(p->node);
		tree_setup_done(tree, p->node, err, &p->env, now_ms());
		break;
	case PROC_CLEANUP:
		scripts_end(p->node);
		cleanup_finished(p->node, err);
		break;
	case PROC_OLD:
		procs_remove(p->pid);
		old_end(p->node, status, last, last_at);
		break;
	case PROC_DISCARD:
		break;
	}
	free(err);
	proc_free(p);
	run_actions();
}

/*
 * libev: before the loop waits: signal the orphans of this pass, write
 * what changed in the record.
 */
static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	procs_flush();
}

/* Raise arbord's soft descriptor limit (see nofile_orig). */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &nofile_orig) == -1 ||
	    nofile_orig.rlim_cur >= nofile_orig.rlim_max)
		return;
	rl = nofile_orig;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		nofile_raised = 1;
}

/* libev: the far-future periodic below; it never fires in practice. */
static void
jump_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* A node's liveness timer (ACT_LIVE_TIMER) expired. */
static void
livetimer_cb(struct timer *t)
{
	tree_live_timer_fired(tree, t->data, now_ms());
	run_actions();
}

/* libev: time for arbord's own WATCHDOG=1 to systemd. */
static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	notify_send("WATCHDOG=1");
}

/* A node's timer (ACT_TIMER) expired. */
static void
timer_cb(struct timer *t)
{
	tree_timer_fired(tree, t->data, now_ms());
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
	for (size_t i = 0; i < report.n; i++) {
		if (rc == 0)
			log_info("reload: %s", report.v[i]);
		else
			log_warnx("%s", report.v[i]);
	}
	if (rc == 0 && report.n == 0)
		log_info("reload: nothing changed");
	strv_free(&report);
}

/*
 * Re-exec (arborctl reexec, SIGUSR2; reexec.c runs it). What the daemon
 * hands over besides the tree: the texts of the configuration the tree
 * runs, how arbord runs, and every worker's process with its output
 * pipes; the new binary takes them back before the loop runs again.
 */

/* Keep the texts of CONF, the configuration the tree now runs. */
static void
texts_take(struct config *conf)
{
	texts_free();
	conf_texts = conf->texts;
	conf_ntexts = conf->ntexts;
	conf->texts = NULL;
	conf->ntexts = 0;
}

/* Release the texts kept. */
static void
texts_free(void)
{
	for (size_t i = 0; i < conf_ntexts; i++) {
		free(conf_texts[i].name);
		free(conf_texts[i].data);
	}
	free(conf_texts);
	conf_texts = NULL;
	conf_ntexts = 0;
}

/*
 * Is P a process handed over across a re-exec: a worker's, or a setup or
 * cleanup script (its node's, which the tree has in that state)?
 */
static bool
proc_handed(const struct proc *p)
{
	return p->role == PROC_WORKER || ((p->role == PROC_SETUP ||
	    p->role == PROC_CLEANUP) && ctx(p->node)->proc == p);
}

/*
 * Readiness and liveness across a re-exec (rx-live). What of worker N's
 * readiness or liveness the daemon cannot hand over now, or NULL: its
 * notify socket, fd:N pipe, ready = delay: or check_interval timer and
 * its expanded check commands are handed over (put_proc_live); a check
 * that runs is killed by the new binary and run again at once.
 */
static const char *
live_refusal(const struct node *n, const struct nodectx *nc)
{
	(void)n;
	/* Its write end stays until the pidfile names the worker. */
	if (nc->ready_wfd != -1 && nc->pidwait == NULL)
		return "it is being started";
	if (nc->old_notify_fd != -1)
		return "a rolling restart replaces its process";
	return NULL;
}

/* Is P a check of its node that is handed over (readiness, health)? */
static bool
live_proc(const struct proc *p)
{
	const struct nodectx *nc = ctx(p->node);

	return (p->role == PROC_CHECK && nc->check == p) ||
	    (p->role == PROC_HEALTH && nc->health == p);
}

/* Descriptor FD (-1: none), kept open across the exec. */
static int64_t
live_keep(int fd)
{
	reexec_keep(fd);
	return fd;
}

/*
 * The end of worker N's HR_PROC: its notify socket (descriptor, name),
 * its fd:N pipe, when its ready = delay: or check_interval timer is due
 * (a monotonic time: the clock goes on across exec), the pids of its
 * readiness and health checks running, and this start's check commands.
 */
static void
put_proc_live(struct handoff_w *w, struct node *n)
{
	const struct nodectx *nc = ctx(n);
	bool armed = ev_is_active(&nc->readytimer.w);

	handoff_i64(w, live_keep(nc->notify_fd));
	handoff_str(w, nc->notify_fd != -1 ? nc->notify_name : NULL);
	handoff_i64(w, live_keep(nc->ready_rfd));
	handoff_bool(w, armed);
	handoff_i64(w, armed ? nc->readytimer.due : 0);
	handoff_i64(w, nc->check != NULL ? nc->check->pid : 0);
	handoff_i64(w, nc->health != NULL ? nc->health->pid : 0);
	handoff_u32(w, (uint32_t)nc->check_argv.n);
	for (size_t k = 0; k < nc->check_argv.n; k++)
		handoff_str(w, nc->check_argv.v[k]);
	handoff_u32(w, (uint32_t)nc->health_argv.n);
	for (size_t k = 0; k < nc->health_argv.n; k++)
		handoff_str(w, nc->health_argv.v[k]);
}

/*
 * A descriptor handed over for N (-1: none), if WANTED: it, close-on-exec
 * again; -1 if not wanted (closed). A bad one sets *BAD.
 */
static int
live_fd(const struct node *n, int64_t fd, bool wanted, bool *bad)
{
	if (fd < 0)
		return -1;
	if (fd > INT32_MAX || fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1) {
		*bad = true;
		return -1;
	}
	if (!wanted) {
		log_warnx("%s: a descriptor handed over that its state does "
		    "not use; closed", n->path);
		close((int)fd);
		return -1;
	}
	return (int)fd;
}

/* Kill a check of N that ran at the exec (PID, if arbord's child). */
static void
live_kill(const struct node *n, int64_t pid)
{
	siginfo_t si;

	if (pid <= 0 || pid > INT32_MAX)
		return;
	memset(&si, 0, sizeof si);
	/* Not a child of ours: not ours to kill (its pid came in bytes). */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
		return;
	log_info("%s: a check running at the re-exec (pid %ld) is killed "
	    "and runs again", n->path, (long)pid);
	/* Reaped as a process nobody waits for (child_cb). */
	signal_group((pid_t)pid, SIGKILL);
}

/*
 * The new binary: read back what put_proc_live wrote for worker N (its
 * state imported): watch its notify socket and fd:N pipe again, resume
 * its readiness timer, kill the checks that ran (a readiness check runs
 * again at once; the tree runs the health check again), and keep this
 * start's check commands. Something bad sets *BAD.
 */
static void
get_proc_live(struct handoff_r *r, struct node *n, bool *bad)
{
	struct nodectx *nc = ctx(n);
	const struct node_spec *s = n->spec;
	bool awaiting = n->state == ST_AWAITING, armed;
	int64_t nfd, rfd, due, cpid, hpid;
	char *name, *slash;
	unsigned long k;

	nfd = handoff_get_i64(r);
	name = handoff_get_str(r);
	rfd = handoff_get_i64(r);
	armed = handoff_get_bool(r);
	due = handoff_get_i64(r);
	cpid = handoff_get_i64(r);
	hpid = handoff_get_i64(r);
	strv_free(&nc->check_argv);
	for (uint32_t i = handoff_get_u32(r); i > 0 && !r->bad; i--)
		strv_push(&nc->check_argv, handoff_get_str(r));
	strv_free(&nc->health_argv);
	for (uint32_t i = handoff_get_u32(r); i > 0 && !r->bad; i--)
		strv_push(&nc->health_argv, handoff_get_str(r));
	if (r->bad || (nfd >= 0 && (name == NULL || strncmp(name, "@arbor/",
	    7) != 0))) {
		free(name);
		*bad = true;
		return;
	}
	/*
	 * The worker's NOTIFY_SOCKET names it: the same socket, watched
	 * (the tree says whether it waits for READY=1, as before the exec).
	 */
	nc->notify_fd = live_fd(n, nfd, s->ready == READY_NOTIFY ||
	    s->watchdog_ms > 0, bad);
	if (nc->notify_fd != -1) {
		nc->notify_name = name;
		name = NULL;
		slash = strrchr(nc->notify_name, '/');
		k = strtoul(slash + 1, NULL, 10);
		if (k > notify_counter && k < UINT_MAX)
			notify_counter = (unsigned)k;
		ev_io_set(&nc->notifyio, nc->notify_fd, EV_READ);
		/* A pidfile awaited: watched once it names the worker. */
		if (n->pid > 0)
			ev_io_start(EV_DEFAULT, &nc->notifyio);
	}
	free(name);
	nc->ready_rfd = live_fd(n, rfd, s->ready == READY_FD, bad);
	if (nc->ready_rfd != -1) {
		ev_io_set(&nc->readyio, nc->ready_rfd, EV_READ);
		if (n->pid > 0)
			ev_io_start(EV_DEFAULT, &nc->readyio);
	}
	live_kill(n, cpid);
	live_kill(n, hpid);
	if (!awaiting || (s->ready != READY_DELAY && s->ready != READY_CHECK))
		return;
	/* A check that ran runs again at once; a timer resumes. */
	if (cpid > 0 && s->ready == READY_CHECK)
		timer_start(&nc->readytimer, 0);
	else if (armed) {
		int64_t left = due - now_ms();
		timer_start(&nc->readytimer, left < 0 ? 0 : left >
		    (int64_t)1 << 42 ? (int64_t)1 << 42 : left);
	}
}

/*
 * HR_WAIT: pidfile worker N whose launcher is gone, its pidfile awaited:
 * the launcher's output pipes (its daemon inherited them), the pidfile,
 * the write end of its fd:N pipe (the daemon has it too), then what
 * put_proc_live writes.
 */
static void
put_wait(struct handoff_w *w, struct node *n)
{
	struct nodectx *nc = ctx(n);

	handoff_begin(w, HR_WAIT);
	handoff_str(w, n->path);
	handoff_i64(w, output_keep(nc->pidwait->keep_out));
	handoff_i64(w, output_keep(nc->pidwait->keep_err));
	handoff_str(w, nc->pidfile);
	handoff_i64(w, live_keep(nc->ready_wfd));
	put_proc_live(w, n);
	handoff_end(w);
}

/*
 * The new binary: a pidfile wait (HR_WAIT at R) for a worker the tree
 * has awaiting its pidfile, looked at again at once; 0, or -1 with *ERR.
 */
static int
resume_wait(struct handoff_r *r, size_t *at, char **err)
{
	char *path = handoff_get_str(r), *pf;
	struct node *n = path != NULL ? resume_find(path, at) : NULL;
	int64_t ofd = handoff_get_i64(r), efd = handoff_get_i64(r), wfd;
	struct nodectx *nc;
	struct pidwait *pw;
	bool bad = false;

	pf = handoff_get_str(r);
	wfd = handoff_get_i64(r);
	if (r->bad || n == NULL || n->spec->kind != NODE_WORKER ||
	    n->spec->pidfile == NULL || n->state != ST_SPAWNING ||
	    pf == NULL || pf[0] != '/' || ctx(n)->pidwait != NULL ||
	    ctx(n)->proc != NULL) {
		*err = xasprintf("the pidfile wait of %s is not that of a "
		    "worker of the tree", path != NULL ? path : "(bad)");
		free(path);
		free(pf);
		return -1;
	}
	free(path);
	nc = ctx(n);
	pw = nc->pidwait = xcalloc(1, sizeof *pw);
	timer_init(&pw->w, pidwait_cb, n);
	pw->keep_out = resume_output(n, ofd, STREAM_OUT, &bad);
	pw->keep_err = resume_output(n, efd, STREAM_ERR, &bad);
	free(nc->pidfile);
	nc->pidfile = pf;
	nc->ready_wfd = live_fd(n, wfd, n->spec->ready == READY_FD, &bad);
	if (!bad)
		get_proc_live(r, n, &bad);
	if (bad) {
		*err = xasprintf("%s: its pidfile wait is bad", n->path);
		return -1;
	}
	timer_start(&pw->w, 0);
	return 0;
}

/*
 * The new binary, once it answered: what workers sent on their notify
 * sockets during the exec (READY=1, WATCHDOG=1) is read now, before a
 * deadline that passed meanwhile fires.
 */
static void
resume_notify(void)
{
	for (size_t i = 0; i < tree->nnodes; i++) {
		struct nodectx *nc = ctx(tree->nodes[i]);

		if (nc->notify_fd != -1 && ev_is_active(&nc->notifyio))
			notifyio_cb(EV_DEFAULT, &nc->notifyio, EV_READ);
	}
}

/* Why the daemon's side cannot be handed over now, or NULL. */
char *
supervise_handoff_refusal(void)
{
	const char *why = NULL;
	struct node *n = NULL;

	if (conf_ntexts == 0)
		return xstrdup("the configuration's text is not known");
	for (size_t i = 0; i < tree->nnodes && why == NULL; i++) {
		struct nodectx *nc = ctx(n = tree->nodes[i]);

		if (nc->spawn_queued || nc->spawn_err != NULL)
			why = "it is being started";
		else if (nc->proc != NULL && nc->proc->role == PROC_LAUNCHER)
			why = "its launcher runs (it is daemonizing)";
		else if (nc->drain.watch != NULL)
			why = "its cgroup is still emptying";
		else if (live_refusal(n, nc) != NULL)
			why = live_refusal(n, nc);
		else if (nc->proc != NULL && !proc_handed(nc->proc))
			why = "a process of it runs";
	}
	if (why != NULL)
		return xasprintf("%s: %s (not handed off yet)", n->path, why);
	for (size_t b = 0; b < PROC_BUCKETS; b++)
		for (struct proc *p = procs[b]; p != NULL; p = p->next)
			if (!proc_handed(p) && !live_proc(p))
				return xasprintf("%s: a process of it (pid %ld) "
				    "has not been reaped yet (not handed off "
				    "yet)", p->node->path, (long)p->pid);
	return NULL;
}

/* The read end of output O (-1: none), kept open across the exec. */
static int
output_keep(const struct output *o)
{
	if (o == NULL)
		return -1;
	reexec_keep(o->io.fd);
	return o->io.fd;
}

/*
 * Output O of a script, for HR_SCRIPT: its descriptor, kept open across
 * the exec, what was read of a line not ended yet, the last line.
 */
static void
put_script_output(struct handoff_w *w, const struct output *o)
{
	handoff_i64(w, output_keep(o));
	handoff_bytes(w, o != NULL ? o->buf : NULL, o != NULL ? o->len : 0);
	handoff_str(w, output_lastline(o));
	handoff_i64(w, output_lastline_at(o));
}

/*
 * HR_SCRIPT: supervisor N's setup or cleanup script, if one runs: its
 * process, its pipes, and the KEY=VALUE lines setup printed so far.
 */
static void
put_script(struct handoff_w *w, const struct node *n)
{
	const struct nodectx *nc = n->udata;
	const struct proc *p = nc->proc;

	if (p == NULL || (p->role != PROC_SETUP && p->role != PROC_CLEANUP))
		return;
	handoff_begin(w, HR_SCRIPT);
	handoff_str(w, n->path);
	handoff_u32(w, p->role == PROC_SETUP ? 1 : 2);
	handoff_i64(w, p->pid);
	put_script_output(w, p->out);
	put_script_output(w, p->err);
	handoff_u32(w, (uint32_t)p->env.n);
	for (size_t k = 0; k < p->env.n; k++)
		handoff_str(w, p->env.v[k]);
	handoff_u32(w, nc->cg_written);
	handoff_end(w);
}

/* HR_OPTS, HR_CONFIG per file, HR_PROC per worker's process. */
void
supervise_export(struct handoff_w *w)
{
	handoff_begin(w, HR_OPTS);
	handoff_str(w, opts->file);
	handoff_str(w, opts->state_root);
	handoff_str(w, control_socket() != NULL ? control_socket() :
	    opts->socket);
	handoff_u32(w, (uint32_t)opts->event_format);
	handoff_bool(w, opts->event_format_forced);
	handoff_bool(w, opts->init);
	handoff_bool(w, syslog_now);
	handoff_str(w, opts->pidfile);
	/* The descriptor limit arbord was given, before raising its own. */
	handoff_bool(w, nofile_raised);
	handoff_i64(w, (int64_t)nofile_orig.rlim_cur);
	handoff_i64(w, (int64_t)nofile_orig.rlim_max);
	handoff_bool(w, opts->socket_forced);
	handoff_bool(w, opts->syslog_forced);
	handoff_end(w);
	for (size_t i = 0; i < conf_ntexts; i++) {
		handoff_begin(w, HR_CONFIG);
		handoff_str(w, conf_texts[i].name);
		handoff_bytes(w, conf_texts[i].data, conf_texts[i].len);
		handoff_end(w);
	}
	for (size_t i = 0; i < tree->nnodes; i++) {
		struct node *n = tree->nodes[i];
		struct nodectx *nc = ctx(n);

		if (nc->proc == NULL || nc->proc->role != PROC_WORKER)
			continue;
		handoff_begin(w, HR_PROC);
		handoff_str(w, n->path);
		handoff_i64(w, nc->proc->pid);
		handoff_i64(w, output_keep(nc->proc->out));
		handoff_i64(w, output_keep(nc->proc->err));
		handoff_u32(w, nc->cg_written);
		handoff_u32(w, (uint32_t)nc->exec_argv.n);
		for (size_t k = 0; k < nc->exec_argv.n; k++)
			handoff_str(w, nc->exec_argv.v[k]);
		put_proc_live(w, n);
		handoff_end(w);
	}
	for (size_t i = 0; i < tree->nnodes; i++) {
		put_script(w, tree->nodes[i]);
		if (ctx(tree->nodes[i])->pidwait != NULL)
			put_wait(w, tree->nodes[i]);
	}
	/* The lines of every node's log ring, for arborctl logs. */
	for (size_t i = 0; i < tree->nnodes; i++) {
		const struct nodelog *nl = ctx(tree->nodes[i])->log;
		size_t count = logs_count(nl);

		if (count == 0)
			continue;
		handoff_begin(w, HR_LOGLINE);
		handoff_str(w, tree->nodes[i]->path);
		handoff_u32(w, (uint32_t)count);
		for (size_t k = 0; k < count; k++) {
			const struct logline *l = logs_get(nl, k);
			handoff_i64(w, l->ts_ms);
			handoff_i64(w, (int64_t)l->seq);
			handoff_u32(w, (uint32_t)l->stream);
			handoff_bytes(w, l->text, l->len);
		}
		handoff_end(w);
	}
}

/* The new binary: the lines of a node's log ring (HR_LOGLINE at R). */
static void
resume_loglines(struct handoff_r *r, size_t *at)
{
	char *path = handoff_get_str(r);
	struct node *n = path != NULL ? resume_find(path, at) : NULL;
	uint32_t count = handoff_get_u32(r);
	int64_t ts, seq;
	uint32_t st;
	const void *text;
	size_t len;

	free(path);
	for (uint32_t k = 0; n != NULL && k < count && !r->bad; k++) {
		ts = handoff_get_i64(r);
		seq = handoff_get_i64(r);
		st = handoff_get_u32(r);
		text = handoff_get_bytes(r, &len);
		if (!r->bad && text != NULL && st < STREAM_COUNT + 1)
			logs_restore(ctx(n)->log, ts, (uint64_t)seq,
			    (enum stream)st, text, len);
	}
}

/* The exec did not happen: the spawner again. */
void
supervise_reexec_failed(void)
{
	spawner_start();
}

/*
 * The new binary: the descriptor limit the old one was given (its own,
 * inherited, is raised already): what processes it starts get back.
 */
static void
resume_nofile(const struct supervise_opts *o)
{
	struct handoff_r r;
	char *err = NULL;
	bool raised;
	int64_t cur, max;

	if (handoff_r_init(&r, o->handoff, o->handoff_len, &err) == -1) {
		free(err);
		return;
	}
	while (handoff_next(&r, &err) == 1) {
		if (r.type != HR_OPTS)
			continue;
		for (int i = 0; i < 3; i++)
			free(handoff_get_str(&r));	/* file, dirs */
		(void)handoff_get_u32(&r);
		for (int i = 0; i < 3; i++)
			(void)handoff_get_bool(&r);
		free(handoff_get_str(&r));		/* pidfile */
		raised = handoff_get_bool(&r);
		cur = handoff_get_i64(&r);
		max = handoff_get_i64(&r);
		if (!r.bad && raised) {
			nofile_raised = 1;
			nofile_orig.rlim_cur = (rlim_t)cur;
			nofile_orig.rlim_max = (rlim_t)max;
		}
		break;
	}
	free(err);
}

/* The new binary: take the cgroups over (HR_CGROUP). */
static int
resume_cgroup(const struct supervise_opts *o, char **err)
{
	struct handoff_r r;
	int rc;

	*err = NULL;
	if (handoff_r_init(&r, o->handoff, o->handoff_len, err) == -1)
		return -1;
	while ((rc = handoff_next(&r, err)) == 1)
		if (r.type == HR_CGROUP)
			return cgroup_adopt(&r, err);
	if (*err == NULL)
		*err = xstrdup("the handoff has no cgroup record");
	return -1;
}

/* The new binary: the tree's states (CONF's tree), the sockets held. */
static int
resume_tree(const struct supervise_opts *o, const struct config *conf)
{
	struct handoff_r r;
	int64_t base = 0;
	char *err = NULL;
	int rc;

	if (handoff_r_init(&r, o->handoff, o->handoff_len, &err) == -1)
		goto fail;
	while ((rc = handoff_next(&r, &err)) == 1) {
		if (r.type == HR_META) {
			free(handoff_get_str(&r));	/* old version */
			base = handoff_get_i64(&r);
		} else if (r.type == HR_FD &&
		    handoff_get_u32(&r) == REEXEC_FD_LISTEN &&
		    listen_adopt(&r, conf, &err) == -1)
			goto fail;
	}
	if (rc == -1)
		goto fail;
	if (tree_import(tree, o->handoff, o->handoff_len, base, &err) == -1)
		goto fail;
	return 0;
fail:
	log_warnx("reexec: %s", err != NULL ? err : "bad handoff");
	free(err);
	return -1;
}

/* The node at PATH, looked for from *AT on (the records come in order). */
static struct node *
resume_find(const char *path, size_t *at)
{
	for (size_t k = 0; k < tree->nnodes; k++) {
		size_t i = (*at + k) % tree->nnodes;
		if (strcmp(tree->nodes[i]->path, path) == 0) {
			*at = i + 1;
			return tree->nodes[i];
		}
	}
	return NULL;
}

/* Output of worker N on handed-over descriptor FD (-1: none), or NULL. */
static struct output *
resume_output(struct node *n, int64_t fd, enum stream st, bool *bad)
{
	if (fd < 0)
		return NULL;
	if (fd > INT32_MAX || fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1) {
		*bad = true;
		return NULL;
	}
	return output_new((int)fd, n->path, NULL, ctx(n)->log, st);
}

/*
 * The role of the script supervisor N runs in its state (the tree's):
 * PROC_SETUP, PROC_CLEANUP, or PROC_DISCARD if none.
 */
static enum proc_role
script_role(const struct node *n)
{
	if (n->spec->kind != NODE_SUPERVISOR)
		return PROC_DISCARD;
	switch (n->state) {
	case ST_SETUP:
	case ST_SETUP_KILLED:
	case ST_SETUP_CUT:
		return PROC_SETUP;
	case ST_CLEANUP:
	case ST_CLEANUP_KILLED:
		return PROC_CLEANUP;
	default:
		return PROC_DISCARD;
	}
}

/*
 * A script's output from HR_SCRIPT (put_script_output), into *OP: its
 * descriptor (-1: none) watched again, the line it was in the middle of
 * and its last line as they were. False if a value is bad.
 */
static bool
resume_script_output(struct handoff_r *r, struct node *n, const char *prefix,
    struct strv *capture, enum stream st, struct output **op)
{
	int64_t fd = handoff_get_i64(r), at;
	const void *part;
	size_t len;
	char *last;

	part = handoff_get_bytes(r, &len);
	last = handoff_get_str(r);
	at = handoff_get_i64(r);
	if (r->bad || fd > INT32_MAX || (fd < 0 && (len > 0 || last)) ||
	    len >= OUTPUT_LINE_MAX || at < 0 || (fd >= 0 &&
	    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == -1)) {
		free(last);
		return false;
	}
	if (fd >= 0) {
		*op = output_new((int)fd, prefix, capture, ctx(n)->log, st);
		output_restore(*op, part, len, last, at);
	}
	free(last);
	return true;
}

/*
 * HR_SCRIPT: the setup or cleanup script of a supervisor, which the tree
 * has in that state, becomes its process again; its exit is handled as
 * the script's (child_cb). 0, or -1 with *ERR.
 */
static int
resume_script(struct handoff_r *r, size_t *at, char **err)
{
	char *path = handoff_get_str(r), *prefix, *s;
	struct node *n = path != NULL ? resume_find(path, at) : NULL;
	uint32_t role = handoff_get_u32(r);
	int64_t pid = handoff_get_i64(r);
	enum proc_role want = n != NULL ? script_role(n) : PROC_DISCARD;
	struct proc *p;
	bool ok;

	if (r->bad || n == NULL || want == PROC_DISCARD || role !=
	    (want == PROC_SETUP ? 1u : 2u) || pid <= 1 || pid > INT32_MAX ||
	    ctx(n)->proc != NULL || proc_known((pid_t)pid)) {
		*err = xasprintf("the script of %s (pid %lld) is not one the "
		    "tree runs", path != NULL ? path : "(bad)",
		    (long long)pid);
		free(path);
		return -1;
	}
	free(path);
	p = proc_add((pid_t)pid, want, n);
	ctx(n)->proc = p;
	prefix = xasprintf("%s:%s", n->path, want == PROC_SETUP ? "setup" :
	    "cleanup");
	ok = resume_script_output(r, n, prefix, want == PROC_SETUP ? &p->env :
	    NULL, STREAM_OUT, &p->out);
	ok = ok && resume_script_output(r, n, prefix, NULL, STREAM_ERR,
	    &p->err);
	free(prefix);
	for (uint32_t k = handoff_get_u32(r); ok && k > 0 && !r->bad; k--)
		if ((s = handoff_get_str(r)) != NULL)
			strv_push(&p->env, s);
	ctx(n)->cg_written = handoff_get_u32(r);
	if (!ok || r->bad || (want != PROC_SETUP && p->env.n > 0)) {
		*err = xasprintf("%s: its script's record is bad", n->path);
		return -1;
	}
	return 0;
}

/* The new binary: every worker's process (HR_PROC), as it ran. */
static int
resume_procs(const struct supervise_opts *o)
{
	struct handoff_r r;
	struct node *n;
	struct proc *p;
	size_t at = 0;
	char *err = NULL, *path;
	int64_t pid, ofd, efd;
	bool bad = false;
	int rc;

	if (handoff_r_init(&r, o->handoff, o->handoff_len, &err) == -1)
		goto fail;
	while ((rc = handoff_next(&r, &err)) == 1) {
		if (r.type == HR_LOGLINE)
			resume_loglines(&r, &at);
		if (r.type == HR_SCRIPT && resume_script(&r, &at, &err) == -1)
			goto fail;
		if (r.type == HR_WAIT && resume_wait(&r, &at, &err) == -1)
			goto fail;
		if (r.type != HR_PROC)
			continue;
		path = handoff_get_str(&r);
		pid = handoff_get_i64(&r);
		ofd = handoff_get_i64(&r);
		efd = handoff_get_i64(&r);
		n = path != NULL ? resume_find(path, &at) : NULL;
		/* Running, or being stopped: the tree says it has one. */
		if (r.bad || n == NULL || n->spec->kind != NODE_WORKER ||
		    pid <= 0 || n->pid != pid || ctx(n)->proc != NULL) {
			err = xasprintf("the process of %s (pid %lld) is not "
			    "that of a worker of the tree", path ? path : "(bad)",
			    (long long)pid);
			free(path);
			goto fail;
		}
		free(path);
		p = proc_add((pid_t)pid, PROC_WORKER, n);
		p->out = resume_output(n, ofd, STREAM_OUT, &bad);
		p->err = resume_output(n, efd, STREAM_ERR, &bad);
		ctx(n)->proc = p;
		ctx(n)->cg_written = handoff_get_u32(&r);
		if (cgroup_enabled())
			ctx(n)->cgdir = cgroup_dir(n->path, NULL);
		for (uint32_t k = handoff_get_u32(&r); k > 0 && !r.bad; k--)
			strv_push(&ctx(n)->exec_argv, handoff_get_str(&r));
		if (!r.bad)
			get_proc_live(&r, n, &bad);
		procs_add(p->pid, n->path);
		if (r.bad || bad) {
			err = xasprintf("%s: its record is bad", n->path);
			goto fail;
		}
	}
	if (rc == -1)
		goto fail;
	for (size_t i = 0; i < tree->nnodes; i++) {
		n = tree->nodes[i];
		if (n->spec->kind == NODE_WORKER && n->pid > 0 &&
		    ctx(n)->proc == NULL) {
			err = xasprintf("%s: pid %ld in the tree, but no process "
			    "was handed over", n->path, (long)n->pid);
			goto fail;
		}
		if (script_role(n) != PROC_DISCARD && ctx(n)->proc == NULL) {
			err = xasprintf("%s: its %s script runs in the tree, "
			    "but no process was handed over", n->path,
			    script_role(n) == PROC_SETUP ? "setup" : "cleanup");
			goto fail;
		}
	}
	return 0;
fail:
	log_warnx("reexec: %s", err != NULL ? err : "bad handoff");
	free(err);
	return -1;
}

/*
 * The new binary is in charge: ArborReexec, the answer to whoever asked
 * (after the reload it asked for), and the exits that happened during
 * the exec, reaped now.
 */
static void
resume_finish(const struct supervise_opts *o)
{
	struct strv report = { 0 };
	struct event ev = { .type = EV_ARBOR_REEXEC, .kind = NODE_SUPERVISOR };
	struct buf msg = { NULL, 0, 0 };
	bool reload = false;
	int fd = -1, rc = 0;
	char *old = NULL;

	reexec_resumed(o->handoff, o->handoff_len, &old, &reload, &fd);
	tree_handoff_arm(tree, now_ms());
	control_restore_events(o->handoff, o->handoff_len);
	control_adopt_clients(o->handoff, o->handoff_len);
	metrics_import(o->handoff, o->handoff_len);
	service_ready = node_status(tree->root) == NS_RUNNING;
	if (service_ready)
		log_started();
	log_info("re-executed: arbord %s, was %s; %zu nodes taken over",
	    ARBOR_VERSION, old != NULL ? old : "?", tree->nnodes);
	ev.path = xstrdup(tree->root->path);
	ev.old_version = old;
	ev.new_version = xstrdup(ARBOR_VERSION);
	buf_printf(&msg, "re-executed: arbord %s (was %s), pid %ld",
	    ARBOR_VERSION, old != NULL ? old : "?", (long)getpid());
	do_event(&ev);
	event_free(&ev);
	if (reload) {
		reload_arbor = true;
		rc = supervise_reload(&report);
		reload_arbor = false;
		for (size_t i = 0; i < report.n; i++)
			buf_printf(&msg, "\n%s", report.v[i]);
		if (rc == -1)
			buf_printf(&msg, "\nreload: the configuration has "
			    "errors; nothing changed");
		else if (report.n == 0)
			buf_printf(&msg, "\nreload: nothing changed");
	}
	reexec_reply(fd, rc == 0, msg.s);
	free(msg.s);
	strv_free(&report);
	resume_notify();
	/* Children that ended during the exec: the loop reaps them now. */
	(void)raise(SIGCHLD);
}

/* libev: SIGUSR2: re-execute arbord's own binary (arborctl reexec). */
static void
usr2_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	char *err = NULL;

	(void)loop;
	(void)w;
	(void)revents;
	log_info("SIGUSR2: re-executing arbord");
	if (reexec_request(NULL, false, -1, NULL, NULL, &err) == -1) {
		log_warnx("reexec refused: %s", err);
		free(err);
	}
}

/* Run the tree until it is stopped or fails; returns the exit status. */
int
supervise_run(const struct supervise_opts *o, struct config *conf)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_signal sigterm_w, sigint_w, sighup_w, sigpwr_w, sigusr2_w;
	ev_child child_w;
	ev_prepare prepare_w;
	ev_periodic jump_w;
	ev_timer watchdog_w;
	struct errlist cgerrs = { 0 };
	char *cgerr = NULL;

	if (loop == NULL)
		fatalx("cannot initialise the event loop");
	opts = o;
	syslog_now = o->use_syslog;
	event_fmt = o->event_format;
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (o->handoff != NULL)
		resume_nofile(o);
	notify_init();
	/* arbord uses no sockets systemd passes it; workers get their own. */
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	if (mkdir_p(o->state_root, 0755) == -1)
		fatal("state directory %s", o->state_root);
	if ((o->handoff != NULL ? control_adopt(reexec_find_fd(o->handoff,
	    o->handoff_len, REEXEC_FD_CONTROL, NULL), o->socket, conf) :
	    control_init(o->socket, conf)) == -1) {
		config_free(conf);
		return ARBORD_EXIT_CONFIG;
	}
	if (http_init(conf, o->handoff, o->handoff_len) == -1) {
		/* A re-exec goes on without it: the workers come first. */
		if (o->handoff != NULL)
			log_warnx("reexec: the HTTP endpoint is not served");
		else {
			control_close(ARBORD_EXIT_CONFIG);
			config_free(conf);
			return ARBORD_EXIT_CONFIG;
		}
	}
	notify_send("STATUS=starting");
	/* The socket is ours now: what an earlier arbord left goes. */
	if (o->handoff != NULL)
		procs_adopt(o->socket, proc_known);
	else
		procs_init(o->socket, proc_known);
	if ((o->handoff != NULL ? resume_cgroup(o, &cgerr) :
	    cgroup_init(conf->cgroup, &cgerr)) == -1 ||
	    limits_check(conf, &cgerrs) == -1) {
		if (cgerr != NULL)
			log_warnx("%s", cgerr);
		for (size_t i = 0; i < cgerrs.msgs.n; i++)
			log_warnx("%s", cgerrs.msgs.v[i]);
		/* A re-exec: cleaning up would kill the workers. */
		if (o->handoff != NULL)
			fatalx("reexec: the cgroups cannot be taken over; the "
			    "workers keep running, unsupervised");
		free(cgerr);
		errlist_free(&cgerrs);
		cgroup_close();
		procs_close();
		http_close();
		control_close(ARBORD_EXIT_CONFIG);
		config_free(conf);
		return ARBORD_EXIT_CONFIG;
	}

	logs_configure(conf);
	tree = tree_new(conf, o->state_root);
	/* Health checks spread differently in every run. */
	tree->seed = (uint64_t)wall_ms() ^ (uint64_t)getpid() << 40;
	/* A re-exec that fails here leaves every worker running. */
	if (o->handoff != NULL && resume_tree(o, conf) == -1)
		fatalx("reexec: the handoff cannot be taken over; the workers "
		    "keep running, unsupervised");
	texts_take(conf);
	config_free(conf);
	attach_nodes();
	if (o->handoff != NULL && resume_procs(o) == -1)
		fatalx("reexec: the handoff cannot be taken over; the workers "
		    "keep running, unsupervised");

	ev_child_init(&child_w, child_cb, 0, 0);
	ev_child_start(loop, &child_w);
	ev_check_init(&spawn_check, spawn_check_cb);
	ev_idle_init(&spawn_idle, spawn_idle_cb);
	ev_prepare_init(&prepare_w, prepare_cb);
	ev_prepare_start(loop, &prepare_w);
	/*
	 * No periodic wakeups when idle. With no timer pending, libev still
	 * caps its wait at 59.743 s to notice wall-clock jumps, unless a
	 * periodic watcher made it open a timerfd that reports them (Linux);
	 * then it sleeps up to 1,500,001 s. This periodic is only there for
	 * that (at the year 33658, unreferenced: it keeps no loop alive).
	 */
	ev_periodic_init(&jump_w, jump_cb, 1e12, 0., NULL);
	ev_periodic_start(loop, &jump_w);
	ev_unref(loop);
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
	/* SIGUSR2: re-execute arbord's binary, as arborctl reexec. */
	ev_signal_init(&sigusr2_w, usr2_cb, SIGUSR2);
	ev_signal_start(loop, &sigusr2_w);

	/* systemd's WatchdogSec=: WATCHDOG=1 at half the interval. */
	ev_timer_init(&watchdog_w, watchdog_cb, 0.,
	    (double)notify_watchdog_usec() / 2e6);
	if (notify_watchdog_usec() > 0) {
		ev_timer_again(loop, &watchdog_w);
		ev_unref(loop);
		notify_send("WATCHDOG=1");
	}

	spawner_start();
	log_loop(1);
	if (o->handoff != NULL)
		resume_finish(o);
	else
		tree_start(tree, now_ms());
	run_actions();
	if (!tree->finished)
		ev_run(loop, 0);
	/* Every worker is gone: the sockets close, their files go. */
	listen_close_all();
	spawner_stop();
	cgroup_close();

	if (tree->exit_status == TREE_EXIT_COMPLETED)
		log_info("the root supervisor completed (auto_shutdown): "
		    "exiting with status %d%s%s%s", exit_status,
		    tree->exit_reason ? " (" : "",
		    tree->exit_reason ? tree->exit_reason : "",
		    tree->exit_reason ? ")" : "");
	else if (exit_status != ARBORD_EXIT_OK)
		log_warnx("the root supervisor gave up: %s",
		    tree->exit_reason ? tree->exit_reason : "unknown reason");
	if (!service_stopping)
		notify_send("STOPPING=1\nSTATUS=%s", exit_status ==
		    ARBORD_EXIT_OK ? "stopping" : "root failed");
	notify_close();
	free(service_status);
	service_status = NULL;
	http_close();
	control_close(exit_status);
	procs_close();
	ev_child_stop(loop, &child_w);
	ev_prepare_stop(loop, &prepare_w);
	ev_ref(loop);
	ev_periodic_stop(loop, &jump_w);
	if (notify_watchdog_usec() > 0) {
		ev_ref(loop);
		ev_timer_stop(loop, &watchdog_w);
	}
	ev_signal_stop(loop, &sigterm_w);
	ev_signal_stop(loop, &sigpwr_w);
	ev_signal_stop(loop, &sigint_w);
	ev_signal_stop(loop, &sighup_w);
	ev_signal_stop(loop, &sigusr2_w);
	texts_free();
	for (size_t i = 0; i < tree->nnodes; i++) {
		nodectx_free(tree->nodes[i]->udata);
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
	logs_close();
	log_loop(0);
	log_flush(1000);
	ev_loop_destroy(loop);
	return exit_status;
}
