/*
 * driver.h: the fake world the supervision tests run the tree in. Spec
 * trees are built by hand (conf_*), so the tests do not depend on the INI
 * loader, and a small driver (drv_*) plays the daemon with a fake clock and
 * no processes: it answers each action the way the real world would (a
 * spawn succeeds, setup and cleanup succeed, a worker dies of the signal it
 * is sent, a removed node is released) unless a test configures a node to
 * behave otherwise. A worker whose readiness is not its exec stays
 * starting until the test reports it ready (drv_ready), or until the world
 * does so right after each exec (ready_on_start). Every action is written
 * to a log ("spawn root/a", "event ProcessStarted root/a", "signal root/b
 * 15", "free root/c", "exit 0") and the tests compare it with the sequence
 * the rules demand.
 *
 * The driver is realistic about timing: answers are not fed back while the
 * tree is still emitting actions, only once its queue is empty, one at a
 * time and in the order they were caused, like a daemon that performs the
 * actions and returns to its event loop.
 */
#ifndef ARBOR_TEST_DRIVER_H
#define ARBOR_TEST_DRIVER_H

#include <sys/types.h>

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "tree.h"
#include "util.h"

/* Wait statuses built the way the kernel builds them. */
#define EXITED(code)	(((code) & 0xff) << 8)
#define KILLED(sig)	((sig) & 0x7f)
#define CORE		0x80

#define STATE_ROOT	"/run/arbor"
#define PID0		100	/* the first pid the fake world hands out */

/*
 * How the world behaves for one node, and what of it runs now. A record
 * belongs to one runtime node; one made by drv_fake_new for a path no node
 * has yet (a node a reload will add) is taken by the first node there.
 */
struct fake {
	char		*path;
	const struct node *node;	/* NULL: not taken yet */

	int		 exec_fail;	/* spawns that fail; -1: all */
	int		 setup_fail;	/* setups that fail; -1: all */
	bool		 hold_spawn;	/* the test reports the exec */
	bool		 ready_on_start; /* reports ready after its exec */
	bool		 hold_setup;	/* setup runs until answered, killed */
	bool		 hold_cleanup;
	bool		 ignore_term;	/* only SIGKILL ends the worker */
	const char	*cleanup_error;	/* NULL: cleanup succeeds */
	struct strv	 setup_out;	/* KEY=VALUE lines setup prints */

	pid_t		 pid;		/* the worker's process, 0 if none */
	bool		 dying;		/* its exit is on its way */
	pid_t		 old_pid;	/* a roll's old process (ACT_ASIDE) */
	bool		 old_dying;	/* ... its exit is on its way */
	char		 script;	/* 'S'etup, 'C'leanup or 0 */
	bool		 script_done;	/* its end is on its way */
	bool		 timer;		/* the node's timer is armed */
	bool		 check;		/* a readiness check is asked for */
	int64_t		 timer_ms;
	bool		 health;	/* a health check runs */
	bool		 live;		/* the liveness timer is armed */
	int64_t		 live_deadline;	/* ... until then */
};

enum input_kind {
	IN_STARTED,
	IN_READY,
	IN_START_FAILED,
	IN_EXITED,
	IN_OLD_EXITED,
	IN_SETUP_DONE,
	IN_CLEANUP_DONE,
};

/* Something the world will report once the tree's queue is empty. */
struct input {
	enum input_kind	 kind;
	struct node	*node;
	int		 status;
	char		*error;
};

struct drv {
	struct config	*conf;		/* the last one given to the tree */
	struct tree	*t;
	int64_t		 now;
	pid_t		 nextpid;
	struct fake	**fake;		/* one per node seen, or path */
	size_t		 nfake;

	struct input	*in;		/* FIFO of answers */
	size_t		 nin;

	struct strv	 log;		/* one line per action */
	struct event	*ev;		/* every event, in order */
	size_t		 nev;
	int		 exits;		/* ACT_EXIT seen */
	int		 frees;		/* ACT_FREE seen */
};

/* Configuration builder. */
struct config	*conf_new(void);
struct node_spec *conf_lookup(const struct config *, const char *);
struct node_spec *conf_add(struct config *, enum node_kind, const char *);
struct node_spec *conf_sup(struct config *, const char *, enum strategy);
struct node_spec *conf_worker(struct config *, const char *, enum restart);
/* An admin request (tree_stop_node, ...) that must be accepted; settles. */
typedef int (*admin_fn)(struct tree *, struct node *, int64_t, char **);
void		 drv_admin(struct drv *, admin_fn, const char *path);
struct node_spec *conf_pool(struct config *, const char *, int);
struct node_spec *conf_pool_significant(struct config *, const char *, int,
		    enum restart);
void		 conf_command(struct node_spec *, const char *);
void		 conf_ready(struct node_spec *, enum ready, int64_t);
void		 conf_backoff(struct node_spec *, int64_t, int64_t);
void		 conf_destroy(struct config *);
struct config	*conf_flat(enum strategy, int);
struct config	*conf_nested(void);

/* The driver. */
struct drv	*drv_new(struct config *);
void		 drv_free(struct drv *);
struct node	*drv_node(struct drv *, const char *);
struct fake	*drv_fake(struct drv *, const struct node *);
struct fake	*drv_fake_at(struct drv *, const char *);
struct fake	*drv_fake_new(struct drv *, const char *);
void		 drv_settle(struct drv *);
void		 drv_at(struct drv *, int64_t);
void		 drv_start(struct drv *);
void		 drv_start_clean(struct drv *);
struct drv	*drv_up(struct config *);
void		 drv_log_clear(struct drv *);
void		 drv_shutdown(struct drv *);
void		 drv_reload_only(struct drv *, struct config *,
		    struct strv *);
void		 drv_reload(struct drv *, struct config *, struct strv *);
void		 drv_started(struct drv *, const char *);
void		 drv_started_node(struct drv *, struct node *);
void		 drv_ready(struct drv *, const char *);
void		 drv_ready_node(struct drv *, struct node *);
void		 drv_start_failed(struct drv *, const char *, const char *);
void		 drv_exit(struct drv *, const char *, int, const char *);
void		 drv_exit_node(struct drv *, struct node *, int, const char *);
/* The old process of the rolled worker at PATH exits by itself. */
void		 drv_old_exit(struct drv *, const char *, int);
void		 drv_setup_done(struct drv *, const char *, const char *);
void		 drv_fire(struct drv *, const char *);
void		 drv_check(struct drv *, const char *, bool);
void		 drv_fire_node(struct drv *, struct node *);
/* The running health check of PATH ends: OK, or failed for REASON. */
void		 drv_health(struct drv *, const char *, bool, const char *);
/* The worker at PATH sends WATCHDOG=1 (or WATCHDOG=trigger). */
void		 drv_watchdog(struct drv *, const char *, bool trigger);
/* Move the clock to PATH's liveness deadline and fire its timer. */
void		 drv_live_fire(struct drv *, const char *);
void		 drv_expect_log(struct drv *, int, bool, const char *,
		    const char *const *);
void		 drv_expect_strv(const struct strv *, int, const char *,
		    const char *const *);
int		 drv_window_count(struct drv *, const char *);
const struct event *drv_last_event(struct drv *, enum event_type,
		    const char *);

/* Compare the filtered log with the lines given, then clear it. */
#define EXPECT(d, kinds, ...)						\
	drv_expect_log((d), __LINE__, true, (kinds),			\
	    (const char *const []){ __VA_ARGS__, NULL })
/* The same, keeping the log for another look. */
#define EXPECT_KEEP(d, kinds, ...)					\
	drv_expect_log((d), __LINE__, false, (kinds),			\
	    (const char *const []){ __VA_ARGS__, NULL })
/* Compare a list of lines (a reload report) with the lines given. */
#define EXPECT_LINES(sv, ...)						\
	drv_expect_strv((sv), __LINE__, "report",			\
	    (const char *const []){ __VA_ARGS__, NULL })
/* Assert the state of the node at PATH. */
#define STATE(d, path, st)						\
	ck_assert_str_eq(node_state_name(node_status(drv_node((d), (path)))), \
	    node_state_name(st))

/* Assert that the last event of TYPE about PATH has an error with NEEDLE. */
#define EVENT_ERROR_HAS(d, type, path, needle) do {			\
	const struct event *ev_ = drv_last_event((d), (type), (path));	\
	ck_assert_msg(ev_ != NULL, "no %s event for %s",		\
	    event_type_name(type), (path));				\
	ck_assert_msg(ev_->error != NULL &&				\
	    strstr(ev_->error, (needle)) != NULL,			\
	    "%s error \"%s\" lacks \"%s\"", (path),			\
	    ev_->error ? ev_->error : "(null)", (needle));		\
} while (0)

#endif
