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

enum node_state {
	NS_STOPPED,	/* never started, or stopped by arbor */
	NS_STARTING,
	NS_RUNNING,
	NS_STOPPING,
	NS_FAILED,	/* down after a failure, not restarting */
	NS_COMPLETED,	/* a worker that exited 0 and is not restarted */
	NS_BACKOFF,	/* waiting for restart_delay before a restart */
};

/* What a supervisor is busy with while STARTING or STOPPING. */
enum sup_phase {
	PHASE_NONE,
	PHASE_SETUP,	/* the setup script runs */
	PHASE_CHILDREN,	/* children start or stop */
	PHASE_CLEANUP,	/* the cleanup script runs */
};

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
	struct node		*parent;
	struct node		**children;
	size_t			 nchildren;
	size_t			 index;		/* position in parent */

	enum node_state		 state;
	enum sup_phase		 phase;
	pid_t			 pid;		/* workers: while running */
	int			 exit_code;	/* last exit: status, or 128+sig */
	int64_t			 since;		/* monotonic ms of last change */
	unsigned		 restarts;	/* automatic restarts, in total */
	unsigned		 starts;	/* how many times started */
	int64_t			 up_since;	/* when it last became running */
	unsigned		 consecutive;	/* restarts since up for period */
	int64_t			 backoff_until;	/* NS_BACKOFF: restart then */
	bool			 start_timed_out; /* not ready in start_timeout */
	bool			 completing;	/* auto_shutdown: stopping as done */
	struct intensity	 history;	/* its own restarts, parent's window */
	char			*last_error;	/* why it went down last */

	/* Decided by the parent's strategy, carried out in order. */
	bool			 start_pending;
	bool			 stop_pending;
	bool			 stop_deferred;	/* stop asked while starting */
	bool			 admin_stopped;	/* stopped by an admin: stays down */
	bool			 detached;	/* removed by a reload, stopping */
	bool			 reload_mark;	/* scratch for tree_reload */

	/* Supervisors. */
	struct intensity	 window;
	bool			 failing;	/* stopping because it failed */
	bool			 start_failed;	/* ... while starting */
	bool			 script_timed_out;
	char			*fail_reason;
	char			*cleanup_error;
	struct strv		 setup_env;	/* KEY=VALUE printed by setup */
	char			*state_dir;	/* $state_dir/<path> */

	void			*udata;		/* the daemon's per-node data */
};

enum action_kind {
	ACT_SPAWN,		/* fork and exec a worker */
	ACT_SIGNAL,		/* send sig to a worker's process group */
	ACT_TIMER,		/* arm the node's timer for ms (replaces) */
	ACT_TIMER_CANCEL,
	ACT_SETUP,		/* fresh state dir, then run setup if any */
	ACT_CLEANUP,		/* run cleanup if any, then remove state dir */
	ACT_KILL_SCRIPT,	/* SIGKILL the running setup/cleanup */
	ACT_EVENT,		/* report ev */
	ACT_EXIT,		/* the root is down: exit with status */
	ACT_FREE,		/* a removed node is down: release it, then
				   call tree_node_release */
};

struct action {
	enum action_kind	 kind;
	struct node		*node;
	int			 sig;
	int64_t			 ms;
	int			 status;	/* ACT_EXIT: 0 stopped, 1 failed,
						   2 completed with code */
	int			 code;		/* ACT_EXIT: the exit code */
	struct event		 ev;		/* ACT_EVENT, owned */
};

struct tree {
	struct node		*root;
	struct node		**nodes;	/* in config order */
	size_t			 nnodes;
	char			*state_root;

	struct action		*q;		/* FIFO of pending actions */
	size_t			 qhead, qlen, qcap;

	bool			 shutting_down;
	bool			 restart_root;	/* start the root once stopped */
	bool			 finished;
	size_t			 ndetached;	/* removed, not yet ACT_FREE */
	int			 exit_status;	/* 0 stopped, 1 root failed,
						   2 root completed */
	int			 exit_code;	/* 2: its significant child's */
	char			*exit_reason;
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
void	tree_worker_exited(struct tree *, struct node *, int wstatus,
	    const char *lastline, int64_t now);
/* Setup finished: error is NULL on success, env holds its KEY=VALUE lines. */
void	tree_setup_done(struct tree *, struct node *, const char *error,
	    struct strv *env, int64_t now);
void	tree_cleanup_done(struct tree *, struct node *, const char *error,
	    int64_t now);
void	tree_timer_fired(struct tree *, struct node *, int64_t now);

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
/* Restarts of N within its supervisor's current window. */
int	node_restarts_in_period(const struct node *, int64_t now);

/* Outputs. */
bool	tree_next_action(struct tree *, struct action *);
void	action_release(struct action *);

/* The environment of a worker or of a supervisor's scripts. */
void	tree_env(const struct tree *, const struct node *, char *const *base,
	    struct strv *out);
/* The state directory a node's processes see (its own or its parent's). */
const char *tree_state_dir_of(const struct node *);

const char *node_state_name(enum node_state);
/* A pool (instances = N): a supervisor without state of its own. */
bool	node_is_pool(const struct node *);
bool	node_active(const struct node *);

#endif
