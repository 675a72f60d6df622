/*
 * tree.h: the supervision tree at run time, and the state machine that
 * decides everything about it: start and stop order, restart policies,
 * strategies, the restart intensity and escalation to the parent.
 *
 * The tree is pure. The daemon feeds it what happened (a worker started,
 * exited, a setup script finished, a timer fired) together with the current
 * monotonic time, and drains the actions it wants performed (spawn, signal,
 * arm a timer, run setup or cleanup, emit an event, exit). Nothing here
 * forks, signals, reads a clock or touches the file system, so the unit
 * tests drive it with a fake clock and no processes.
 */
#ifndef ARBOR_TREE_H
#define ARBOR_TREE_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "event.h"

/*
 * What users see of a node's state (status, events, tests): a view of the
 * finer state below.
 */
enum node_status {
	NS_STOPPED,	/* never started, or stopped by arbor */
	NS_STARTING,
	NS_RUNNING,
	NS_STOPPING,
	NS_FAILED,	/* down after a failure, not restarting */
	NS_COMPLETED,	/* done (exit 0, auto_shutdown), not restarted */
	NS_BACKOFF,	/* waiting for restart_delay before a restart */
};

/*
 * A worker's liveness as users see it (health, watchdog): none without
 * either; starting until a check passed or a WATCHDOG=1 came; healthy;
 * unhealthy once it failed (until its next start).
 */
enum health_status {
	HS_NONE,
	HS_STARTING,
	HS_HEALTHY,
	HS_UNHEALTHY,
};

/*
 * A node's state. Both kinds share the ends; the others belong to one
 * kind. The state alone says what the node's one deadline means (in
 * brackets); tree.c's tables say which inputs each state accepts.
 */
enum node_state {
	ST_DOWN,		/* never started, or stopped */
	ST_BACKOFF,		/* [the restart] */
	ST_RUNNING,
	ST_COMPLETED,
	ST_FAILED,
	/* workers */
	ST_SPAWNING,		/* spawn asked, exec not answered [pidfile
				   workers: start_timeout] */
	ST_SPAWN_STOP,		/* ... and asked to stop once it answers */
	ST_AWAITING,		/* started, not ready [start_timeout] */
	ST_STOPPING,		/* stop signal sent [shutdown]; supervisors:
				   children stop right to left */
	ST_KILLING,		/* SIGKILL sent after the shutdown time */
	ST_TIMED_OUT,		/* SIGKILL sent: not ready in start_timeout */
	/*
	 * workers replaced in a rolling restart (tree_roll): the old
	 * process (old_pid) runs beside its successor (pid) for a while
	 */
	ST_ROLL_SPAWNING,	/* the old one serves; the successor's spawn
				   is asked */
	ST_ROLL_SPAWN_STOP,	/* ... and the node is asked to stop once
				   the spawn answers */
	ST_ROLL_AWAITING,	/* the old one serves; the successor is not
				   ready [its start_timeout] */
	ST_ROLL_ABORT,		/* the old one serves; the successor was not
				   ready in time: SIGKILL sent */
	ST_ROLL_DRAINING,	/* the successor took over; the old one got
				   its stop signal [its shutdown] */
	ST_ROLL_KILLING,	/* ... and SIGKILL after its shutdown time */
	/* supervisors */
	ST_SETUP,		/* the setup script runs [setup_timeout] */
	ST_SETUP_KILLED,	/* setup overran and was killed */
	ST_SETUP_CUT,		/* stopped during setup, which was killed */
	ST_STARTING,		/* children start left to right */
	ST_CLEANUP,		/* the cleanup script runs [cleanup_timeout] */
	ST_CLEANUP_KILLED,	/* cleanup overran and was killed */
	ST_COUNT
};

/* Why a supervisor is stopping: what it is once down. */
enum stop_cause {
	CAUSE_STOP,		/* asked: stopped */
	CAUSE_FAIL,		/* gave up while running: failed */
	CAUSE_START_FAIL,	/* gave up while starting: failed to start */
	CAUSE_COMPLETE,		/* auto_shutdown: completed */
};

/* How the tree ended (ACT_EXIT); arbord maps it to its exit status. */
enum tree_exit {
	TREE_EXIT_STOPPED,	/* shut down as asked */
	TREE_EXIT_FAILED,	/* the root gave up */
	TREE_EXIT_COMPLETED,	/* auto_shutdown: code is the job's status */
};

/* A significant child that failed without an exit status of its own. */
#define NODE_NO_EXIT	(-1)

/* The sliding restart window (intensity.c). */
struct intensity {
	int		 max;		/* restarts allowed within period */
	int		 cap;		/* allocated, grows up to max+1 */
	int		 n;
	int		 head;
	int64_t		 period_ms;
	int64_t		*stamps;	/* ring of the last max+1 restarts,
					   NULL until the first */
};

void	intensity_init(struct intensity *, int max, int64_t period_ms);
void	intensity_free(struct intensity *);
/* Record a restart at NOW; true if it makes more than max in the window. */
bool	intensity_add(struct intensity *, int64_t now);
/* New limits for a window, keeping the newest restarts that fit. */
void	intensity_resize(struct intensity *, int max, int64_t period_ms);
/* Restarts recorded within the window ending at NOW. */
int	intensity_count(const struct intensity *, int64_t now);

struct node {
	struct node_spec	*spec;		/* a reference (tree_spec_for) */
	struct node_spec	*next_spec;	/* reloaded, for the next start */
	char			*path;		/* "root/w/1"; the spec's is NULL */
	unsigned long		 id;		/* unique in the tree's life */
	struct node		*parent;
	struct node		**children;
	size_t			 nchildren;
	size_t			 nactive;	/* children with something alive */
	size_t			 nstarting;	/* ... that are starting */
	size_t			 nstop_pending;	/* ... marked to stop */
	size_t			 start_from;	/* no start mark below this */
	size_t			 index;		/* position in parent */

	enum node_state		 state;
	int64_t			 deadline;	/* monotonic ms; see the state */
	pid_t			 pid;		/* workers: while running */
	/*
	 * A worker rolled (ST_ROLL_*, and ST_STOPPING, ST_KILLING when
	 * stopped during the overlap): its old process, the settings it
	 * runs with and when it came up; 0, NULL otherwise.
	 */
	pid_t			 old_pid;
	struct node_spec	*old_spec;
	int64_t			 old_up_since;
	int			 exit_code;	/* last exit: status, 128+sig, or
						   NODE_NO_EXIT */
	int64_t			 since;		/* monotonic ms: status changed */
	unsigned		 restarts;	/* automatic restarts, in total */
	unsigned		 failures;	/* ends counted as failures (its
						   ProcessFailed and
						   ProcessStartFailed events) */
	unsigned		 starts;	/* how many times started */
	unsigned		 downs;		/* ... and went down */
	unsigned		 failed_start;	/* starts when it last failed */
	int64_t			 up_since;	/* when it last became running */
	int64_t			 started;	/* when it was last started (a
						   spawn asked, a setup begun) */
	unsigned		 consecutive;	/* restarts since up for period */
	unsigned		 scarce;	/* starts short of resources, in a row */
	struct intensity	 history;	/* its own restarts, parent's window */
	char			*last_error;	/* why it went down last */

	/* Decided by the parent's strategy, carried out in order. */
	bool			 start_pending;
	bool			 stop_pending;
	bool			 admin_stopped;	/* stopped by an admin: stays down */
	bool			 detached;	/* removed by a reload, stopping */
	bool			 oom_killed;	/* the OOM killer struck in its
						   cgroup since it started */
	bool			 reload_mark;	/* scratch for tree_reload */
	/* Rolling restarts (tree_roll): on the supervisor rolled ... */
	bool			 rolling;
	bool			 roll_changed;	/* only children a reload changed */
	int			 roll_batch;	/* children replaced at once */
	size_t			 roll_next;	/* the next child to replace */
	size_t			 roll_size;	/* children rolled (a pool's
						   surge instances after them) */
	unsigned		 roll_seq;	/* rolls begun */
	char			*roll_error;	/* why the last one stopped */
	bool			 roll_reload;	/* scratch for tree_reload */
	/* ... and on its children: restarted by it, not yet running. */
	bool			 roll_wait;
	unsigned		 roll_starts;	/* its starts when restarted */
	bool			 removing;	/* a pool's instance scaled away
						   (tree_scale): stopping, then
						   released (ACT_FREE) */

	/*
	 * Liveness (workers with health or watchdog), from when the worker
	 * is running until it goes. It has a second timer of its own, the
	 * liveness timer (ACT_LIVE_TIMER), armed for the earliest of three
	 * deadlines: the next health check, the running check's timeout and
	 * the watchdog's; the node's one deadline keeps its meaning.
	 */
	enum health_status	 health;
	unsigned		 health_failures; /* consecutive, counted */
	int64_t			 health_checked; /* last result or ping; 0 */
	char			*health_error;	/* why the last check failed */
	bool			 health_started; /* a check passed: the
						   start period is over */
	bool			 health_running; /* ACT_HEALTH, no result yet */
	int64_t			 health_phase;	/* checks are due at phase +
						   k * health_interval */
	int64_t			 health_due;	/* the next check; 0: none */
	int64_t			 health_timeout_at; /* the running check's */
	int64_t			 watchdog_due;	/* 0: no watchdog running */
	int64_t			 live_deadline;	/* liveness timer; 0: idle */
	char			*unhealthy;	/* stopping as unhealthy: the
						   reason its end is a failure */

	/* What its env_file said at its last start (set by the daemon). */
	struct strv		 file_env;

	/* Supervisors. */
	enum stop_cause		 cause;		/* while stopping */
	struct intensity	 window;
	char			*fail_reason;
	char			*cleanup_error;
	struct strv		 setup_env;	/* KEY=VALUE printed by setup */
	char			*state_dir;	/* $state_dir/<path> */

	void			*udata;		/* the daemon's per-node data */
};

enum action_kind {
	ACT_SPAWN,		/* fork and exec a worker */
	ACT_SPAWN_CANCEL,	/* give up a spawn in flight (a pidfile
				   worker's launcher, its wait): kill what
				   runs of it, report nothing */
	ACT_SIGNAL,		/* send sig to the worker's processes that
				   scope names */
	ACT_CHECK,		/* run the worker's readiness check in ms */
	ACT_TIMER,		/* arm the node's timer for ms, until
				   deadline (replaces) */
	ACT_TIMER_CANCEL,
	ACT_SETUP,		/* fresh state dir, then run setup if any */
	ACT_CLEANUP,		/* run cleanup if any, then remove state dir */
	ACT_KILL_SCRIPT,	/* SIGKILL the running setup/cleanup */
	ACT_EVENT,		/* report ev */
	ACT_EXIT,		/* the root is down: exit with status */
	ACT_FREE,		/* a removed node is down: release it, then
				   call tree_node_release */
	ACT_LIMITS,		/* write the node's cgroup limits (made if
				   missing; unset ones back to the kernel's
				   default): before it starts, and when a
				   reload changed them while it runs */
	ACT_HEALTH,		/* run one health check of the worker now
				   (its health key), report its result with
				   tree_health_done; the tree times it out */
	ACT_HEALTH_CANCEL,	/* abandon the running health check (kill
				   the command, close the connection);
				   report nothing of it */
	ACT_LIVE_TIMER,		/* arm the node's liveness timer for ms,
				   until deadline (replaces) */
	ACT_LIVE_CANCEL,	/* stop the liveness timer */
	ACT_ASIDE,		/* the worker's process becomes its old one
				   (rolling restart): the next ACT_SPAWN
				   starts its successor beside it; the old
				   one's exit is reported with
				   tree_worker_old_exited, and ACT_SIGNAL
				   with `old` reaches it. With cgroups its
				   processes move to a cgroup of their own
				   (PATH@old) first */
	ACT_RESTORE,		/* the successor is gone (failed): the old
				   process is the worker's process again */
};

/*
 * Which of a worker's processes a signal reaches (ACT_SIGNAL; arborctl
 * signal --main, --all). The tree's own signals (stop, kill) are
 * SIGNAL_GROUP.
 */
enum signal_scope {
	SIGNAL_GROUP,	/* its process group, and what it double-forked
			   that was reparented to arbord (the default) */
	SIGNAL_MAIN,	/* its main process only */
	SIGNAL_ALL,	/* every process it owns: the group, every
			   descendant wherever its group or session, and
			   the double-forked ones and theirs */
};

struct action {
	enum action_kind	 kind;
	struct node		*node;
	int			 sig;
	enum signal_scope	 scope;		/* ACT_SIGNAL */
	bool			 old;		/* ACT_SIGNAL: to the old process
						   (ACT_ASIDE), not the main */
	int64_t			 ms;
	int64_t			 deadline;	/* ACT_TIMER: now + ms */
	enum tree_exit		 status;	/* ACT_EXIT */
	int			 code;		/* ACT_EXIT: the job's status,
						   or NODE_NO_EXIT */
	struct event		 ev;		/* ACT_EVENT, owned */
};

struct tree {
	struct node		*root;
	struct node		**nodes;	/* in config order */
	size_t			 nnodes;
	char			*state_root;

	struct action		*q;		/* FIFO of pending actions */
	size_t			 qhead, qlen, qcap;

	unsigned long		 last_id;	/* the last node's id */
	uint64_t		 seed;		/* spreads health checks (set by
						   the daemon; 0 in tests) */
	bool			 shutting_down;
	bool			 restart_root;	/* start the root once stopped */
	bool			 finished;
	size_t			 ndetached;	/* removed, not yet ACT_FREE */
	enum tree_exit		 exit_status;
	int			 exit_code;	/* completed: the job's status */
	char			*exit_reason;
};

/*
 * What daemon/ and cli/ see of a node: a snapshot, so that they need not
 * read struct node. Strings belong to the node (valid until its next
 * input).
 */
struct node_info {
	const char		*path;
	enum node_kind		 kind;
	enum node_status	 status;
	pid_t			 pid;		/* 0: none; a rolled worker's old
						   process until its successor
						   took over, then the new one */
	pid_t			 successor;	/* a rolled worker's successor
						   while not ready yet; 0 */
	pid_t			 draining;	/* ... its old process after the
						   takeover, until gone; 0 */
	int64_t			 since;		/* monotonic ms; 0: never */
	int64_t			 started;	/* monotonic ms: when it was
						   last started; 0: never */
	int			 restarts_period;
	unsigned		 restarts;
	unsigned		 failures;	/* ends counted as failures */
	int64_t			 backoff_left;	/* ms until a restart */
	const char		*last_error;	/* NULL: none */
	const struct strv	*command;	/* a worker's argv; NULL */
	const struct listen_spec *listen; /* a worker's held sockets
						   (listen; a pool's instances
						   share theirs); NULL */
	size_t			 nlisten;
	bool			 pool;		/* a pool (instances = N) */
	int			 instances;	/* a pool's running size (scale
						   may change it); 0 */
	int			 instances_configured; /* ... its N as
						   configured; 0 */
	enum health_status	 health;	/* HS_NONE: no health, watchdog */
	int64_t			 health_checked; /* monotonic ms; 0: never */
	unsigned		 health_failures;
	const char		*health_error;	/* NULL: none */
	/* A supervisor's restart window: its children's restarts within
	   the period (the one that made it give up counted), and max. */
	int			 intensity_restarts;
	int			 intensity_limit;
	int64_t			 intensity_period_ms;
};

/* Admin requests, and how one is doing (tree_admin_outcome). */
enum admin_op { ADMIN_STOP, ADMIN_START, ADMIN_RESTART, ADMIN_SCALE,
    ADMIN_ROLL };
enum admin_outcome { ADMIN_PENDING, ADMIN_DONE, ADMIN_FAILED };

/* What a client waits for after an admin request. */
struct admin_wait {
	enum admin_op		 op;
	unsigned long		 id;		/* the node asked about */
	unsigned		 starts;	/* its starts when asked */
	unsigned		 downs;		/* ... and how often down */
	int			 size;		/* scale: the size asked for */
	int			 from;		/* ... the size before */
};

struct tree	*tree_new(const struct config *, const char *state_root);
void		 tree_free(struct tree *);
struct node	*tree_find(const struct tree *, const char *path);

/* Inputs. NOW is monotonic milliseconds. */
void	tree_start(struct tree *, int64_t now);
void	tree_shutdown(struct tree *, int64_t now);
void	tree_worker_started(struct tree *, struct node *, pid_t, int64_t now);
/* A worker whose readiness is not its exec reported ready. */
void	tree_worker_ready(struct tree *, struct node *, int64_t now);
void	tree_worker_start_failed(struct tree *, struct node *,
	    const char *error, int64_t now);
/*
 * Worker W could not be started for arbord's own lack of resources
 * (descriptors, processes): retried with a backoff, not counted.
 */
void	tree_worker_start_scarce(struct tree *, struct node *,
	    const char *error, int64_t now);
/*
 * Worker W exited with WSTATUS; LASTLINE (or NULL) is the last line of
 * its stderr, read at LINE_AT: part of the failure's reason only if it
 * came shortly before the end (EXIT_REASON_FRESH_MS).
 */
/*
 * The kernel's OOM killer killed a process in worker W's cgroup since it
 * started (memory.events oom_kill grew): told before tree_worker_exited,
 * it makes the failure's reason "killed by the OOM killer (memory_max
 * 64M)" and marks its event oom.
 */
void	tree_worker_oom(struct tree *, struct node *);
void	tree_worker_exited(struct tree *, struct node *, int wstatus,
	    const char *lastline, int64_t line_at, int64_t now);
/* The old process of rolled worker W (ACT_ASIDE) exited with WSTATUS. */
void	tree_worker_old_exited(struct tree *, struct node *, int wstatus,
	    const char *lastline, int64_t line_at, int64_t now);
/* Setup finished: error is NULL on success, env holds its KEY=VALUE lines. */
void	tree_setup_done(struct tree *, struct node *, const char *error,
	    struct strv *env, int64_t now);
void	tree_cleanup_done(struct tree *, struct node *, const char *error,
	    int64_t now);
void	tree_timer_fired(struct tree *, struct node *, int64_t now);
/* A readiness check (ready = check:) ended; OK if it exited 0. */
void	tree_check_done(struct tree *, struct node *, bool ok, int64_t now);
/*
 * A health check (ACT_HEALTH) ended: OK, or failed for REASON ("connect:
 * Connection refused", "exit status 1: LINE").
 */
void	tree_health_done(struct tree *, struct node *, bool ok,
	    const char *reason, int64_t now);
/* The worker sent WATCHDOG=1 (TRIGGER: WATCHDOG=trigger). */
void	tree_watchdog(struct tree *, struct node *, bool trigger, int64_t now);
/* N's liveness timer (ACT_LIVE_TIMER) expired. */
void	tree_live_timer_fired(struct tree *, struct node *, int64_t now);

/*
 * Admin requests (arborctl stop/start/restart). An admin stop is not a
 * failure: nothing restarts the node and nothing is counted; start brings
 * it back; restart is a stop then a start. They return 0, or -1 with *err
 * when the request cannot be carried out now.
 */
int	tree_stop_node(struct tree *, struct node *, int64_t now, char **err);
int	tree_start_node(struct tree *, struct node *, int64_t now, char **err);
int	tree_restart_node(struct tree *, struct node *, int64_t now,
	    char **err);
/*
 * Carry out admin request OP on N and fill W for tree_admin_outcome.
 * Returns 0 (*msg may say "already running": nothing to wait for), or
 * -1 with *msg saying why not.
 */
int	tree_admin(struct tree *, struct node *, enum admin_op,
	    struct admin_wait *, int64_t now, char **msg);
/*
 * Has the request W on the node at PATH finished? DONE or FAILED set
 * *msg (allocated; may be NULL for a plain success).
 */
enum admin_outcome tree_admin_outcome(const struct tree *, const char *path,
	    const struct admin_wait *, char **msg);
/*
 * Admin scale (arborctl scale): pool P runs N instances (1 ..
 * TREE_SCALE_MAX) from now on, until a reload brings it back to its
 * configured size. Instances beyond N (highest numbers first) stop at
 * once, as a pool stops, and leave the tree once down (ACT_FREE); new
 * ones P/k+1 .. P/N start as instances do, if P runs. Returns 0 and
 * fills W for tree_admin_outcome, 1 with *msg when there is nothing to
 * wait for, or -1 with *msg saying why not.
 */
#define TREE_SCALE_MAX	10000
int	tree_scale(struct tree *, struct node *p, int n, struct admin_wait *,
	    int64_t now, char **msg);
/* The number of instances pool P runs now (those scaled away aside). */
int	tree_pool_size(const struct node *p);
/*
 * Admin rolling restart (arborctl restart --rolling): replace the
 * children of supervisor or pool S, BATCH (>= 1) at a time, each batch
 * once the previous one is running again (ready). A worker's successor
 * starts beside its process, which is stopped once the successor is
 * ready (ACT_ASIDE ... tree_worker_old_exited); a supervisor child is
 * restarted whole. A pool first starts BATCH surge instances beyond its
 * size and removes them at the end, so that it never serves with fewer
 * ready instances than it has. A successor that fails to start or to
 * become ready stops the roll (that worker keeps its old process, the
 * rest theirs). Returns 0 and fills W, 1 with *msg when there is
 * nothing to replace, or -1 with *msg.
 */
int	tree_roll(struct tree *, struct node *s, int batch,
	    struct admin_wait *, int64_t now, char **msg);
/*
 * Send SIG to the processes SCOPE names of every worker of N's subtree
 * that has a process; returns how many workers.
 */
int	tree_signal(struct tree *, struct node *, int sig, enum signal_scope);
/* "group", "main", "all" and back; -1 for an unknown name. */
int	signal_scope_parse(const char *, enum signal_scope *);
const char *signal_scope_name(enum signal_scope);
/*
 * Bring the tree to CONF with the least disruption: added nodes start,
 * removed ones stop (and are released through ACT_FREE), nodes whose own
 * settings changed restart (or are updated in place where the change
 * needs no restart), the others keep running. REPORT gets a line per
 * change.
 */
void	tree_reload(struct tree *, const struct config *, int64_t now,
	    struct strv *report);
/* Free a node that ACT_FREE announced, with its subtree. */
void	tree_node_release(struct tree *, struct node *);

/* Outputs. */
bool	tree_next_action(struct tree *, struct action *);
void	action_release(struct action *);

/* The environment of a worker or of a supervisor's scripts. */
void	tree_env(const struct tree *, const struct node *, char *const *base,
	    struct strv *out);
/* Give N what its env_file says at this start (ENV is taken, emptied). */
void	tree_set_file_env(struct node *, struct strv *env);
/* The state directory a node's processes see (its own or its parent's). */
const char *tree_state_dir_of(const struct node *);

/* The snapshot of N at NOW. */
void	tree_node_info(const struct node *, int64_t now, struct node_info *);
/* The status users see of N's state. */
enum node_status node_status(const struct node *);
const char *node_state_name(enum node_status);
/* "starting", "healthy", "unhealthy"; NULL for HS_NONE. */
const char *health_status_name(enum health_status);
/* Does worker spec S watch its liveness (health or watchdog)? */
bool	spec_has_liveness(const struct node_spec *);
/* The offset in [0, health_interval) of N's checks after it is ready. */
int64_t	tree_health_offset(const struct tree *, const struct node *);
/* Does worker N (or its roll's successor) wait for its readiness? */
bool	tree_awaits_ready(const struct node *);
/* Up and staying up: a start asks nothing of it. */
bool	node_up(const struct node *);
/* The tree's invariants, for tests and fuzzing: NULL, or what is wrong. */
char	*tree_check(const struct tree *);
/* Why the root gives up (stopping as failed, or failed), or NULL. */
const char *tree_failing(const struct tree *);
/* A pool (instances = N): a supervisor without state of its own. */
bool	node_is_pool(const struct node *);
/* The path that keys N's held sockets (listen): its pool's, or its own. */
const char *tree_listen_key(const struct node *);
bool	node_active(const struct node *);

/*
 * Re-exec (arborctl reexec, lib/tree_handoff.c): the tree's state handed
 * to the binary arbord execs, times as ages and time left at NOW.
 */
struct handoff_w;
/* Why the tree cannot be handed over now (allocated, naming the node and
   what is not handed off yet), or NULL if it can. */
char	*tree_handoff_refusal(const struct tree *);
/* Write HR_TREE and a HR_NODE per node, in config order. */
void	tree_export(const struct tree *, struct handoff_w *, int64_t now);
/*
 * Give T, new from the configuration handed over, the states in the
 * handoff DATA (LEN bytes), ages and time left taken from BASE (the time
 * of the export: the clock is the same across exec): 0, or -1 with *ERR
 * when the nodes are not those of the tree (T is then to be freed).
 */
int	tree_import(struct tree *, const void *data, size_t len, int64_t base,
	    char **err);
/* Once the loop runs again: the timers of nodes in backoff, of workers
   stopping within their shutdown time and of workers awaiting readiness
   or their pidfile within their start_timeout, for what is left of them at NOW (ACT_TIMER
   actions), and the liveness timers of running workers (ACT_LIVE_TIMER). */
void	tree_handoff_arm(struct tree *, int64_t now);
/* Helpers of tree_import in tree.c: pool P has N instances (new ones
   stopped, extra ones freed); the node list and counts. */
void	tree_handoff_resize(struct tree *, struct node *p, size_t n);
void	tree_handoff_settle(struct tree *);

#endif
