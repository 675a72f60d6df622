/*
 * config.h: the configuration as a plain spec tree. config_load() reads an
 * INI file through inih, and the files it includes, validates every section
 * and key, and returns either a complete tree or the full list of
 * "FILE:LINE: message" errors. Loading has no side effects: nothing is
 * created, started or changed. Every key is defined once, in the key
 * table of keys.c (keys.h); config.c reads, spec.c copies, frees and
 * compares node specs by that table.
 */
#ifndef ARBOR_CONFIG_H
#define ARBOR_CONFIG_H

#include <sys/types.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define CONF_DEFAULT_FILE	"/etc/arbor/arbor.ini"
#define CONF_MAX_SECTION	1024	/* characters in a section name */
#define CONF_MAX_NAME		64	/* characters in one node name */
#define CONF_MAX_INCLUDE	16	/* levels of nested [include] */
#define CONF_MAX_FILE		(16u << 20)	/* bytes in one file */

enum node_kind { NODE_SUPERVISOR, NODE_WORKER };
enum strategy { STRATEGY_ONE_FOR_ONE, STRATEGY_ONE_FOR_ALL,
    STRATEGY_REST_FOR_ONE };
enum restart { RESTART_PERMANENT, RESTART_TRANSIENT, RESTART_TEMPORARY };
/* How a reload replaces a pool's changed instances (key reload). */
enum reload_mode { RELOAD_MODE_RESTART, RELOAD_MODE_ROLLING };
enum shutdown { SHUTDOWN_TIMEOUT, SHUTDOWN_BRUTAL_KILL, SHUTDOWN_INFINITY };
enum event_format { EVENT_FORMAT_TEXT, EVENT_FORMAT_JSON };
/* When a worker is ready (started): exec succeeded, a line on fd N,
   READY=1 on $NOTIFY_SOCKET, a check command exits 0, a delay passed. */
enum ready { READY_EXEC, READY_FD, READY_NOTIFY, READY_CHECK, READY_DELAY,
    READY_EXIT };
/* Liveness (health = ...): how a worker's health is checked. */
enum health_kind { HEALTH_NONE, HEALTH_CHECK, HEALTH_TCP, HEALTH_UNIX };
/* OTP 24: when significant children end, their supervisor ends too. */
enum auto_shutdown { AUTO_SHUTDOWN_NEVER, AUTO_SHUTDOWN_ANY,
    AUTO_SHUTDOWN_ALL };

/*
 * A worker's stdout and stderr, and where each goes (keys stdout,
 * stderr): the STREAM_COUNT streams a process has. In a node's log,
 * STREAM_CHECK labels what its checks (ready = check:) print, on either.
 */
enum stream { STREAM_OUT, STREAM_ERR, STREAM_CHECK };
#define STREAM_COUNT	(STREAM_ERR + 1)
enum stream_mode {
	STREAM_LOG,		/* through arbord: prefixed lines, logs */
	STREAM_INHERIT,		/* arbord's own stdout or stderr */
	STREAM_NULL,		/* /dev/null */
	STREAM_FILE,		/* appended to file */
	STREAM_STDOUT,		/* stderr only: the same as stdout */
};

struct stream_spec {
	enum stream_mode	 mode;		/* default log */
	char			*file;		/* STREAM_FILE: absolute */
};

#define CONF_LOG_MAX_SIZE	(10u << 20)	/* log_max_size default */
#define CONF_LOG_MIN_SIZE	4096		/* ... and its minimum */
#define CONF_LOG_KEEP		5		/* log_keep default */
#define CONF_LOG_MAX_KEEP	1000

/* The resource limits a worker may set, as keys limit.nofile and so on. */
enum limit { LIMIT_NOFILE, LIMIT_NPROC, LIMIT_CORE, LIMIT_AS, LIMIT_CPU,
    LIMIT_FSIZE, LIMIT_DATA, LIMIT_STACK, LIMIT_MEMLOCK, LIMIT_COUNT };

/* One limit.NAME value; RLIM_INFINITY stands for infinity. */
struct limit_spec {
	int			 set;		/* 0: keep arbord's own */
	rlim_t			 soft;
	rlim_t			 hard;
};

/*
 * The cgroup limits of a node (keys memory_max ... pids_max, cglimit.c):
 * CGL_UNSET, CGL_MAX ("max"), or bytes, a cpu.max quota in usec per
 * 100 ms, a weight, a number of processes.
 */
enum cg_limit { CGL_MEMORY_MAX, CGL_MEMORY_HIGH, CGL_MEMORY_SWAP_MAX,
    CGL_CPU_MAX, CGL_CPU_WEIGHT, CGL_IO_WEIGHT, CGL_PIDS_MAX, CGL_COUNT };
#define CGL_UNSET	(-1)
#define CGL_MAX		INT64_MAX

/* success_exit = the exit statuses and signals that count as normal. */
struct exit_set {
	uint64_t		 codes[4];	/* bit N: exit status N */
	uint64_t		 signals;	/* bit N: killed by signal N */
};

/* state_owner = USER[:GROUP]: names as written, ids looked up. */
struct owner_spec {
	char			*name;		/* NULL: not set */
	uid_t			 uid;		/* (uid_t)-1: unchanged */
	gid_t			 gid;		/* (gid_t)-1: unchanged */
};

/*
 * listen = ADDRESS...: a listening socket arbord holds for a worker (or
 * its pool) and passes it as systemd does (LISTEN_FDS); lib/listenspec.c
 * parses it, daemon/listen.c binds it.
 */
enum listen_kind { LISTEN_TCP, LISTEN_UNIX };
#define LISTEN_MAX		64	/* sockets per worker */
#define LISTEN_NAME_MAX		255	/* characters in a LISTEN_FDNAMES name */

struct listen_spec {
	char			*word;		/* as written, with options */
	char			*addr;		/* without options, for messages */
	enum listen_kind	 kind;
	int			 family;	/* tcp: AF_INET or AF_INET6 */
	unsigned char		 ip[16];	/* tcp: the address, binary */
	int			 port;		/* tcp: 1..65535 */
	char			*path;		/* unix: as written; "@name" is
						   abstract; relative to the
						   worker's directory */
	int			 backlog;	/* default SOMAXCONN */
	bool			 reuseport;	/* tcp: SO_REUSEPORT */
	bool			 mode_set;	/* unix: mode= (default 0666) */
	mode_t			 mode;
	char			*owner;		/* unix: owner=USER[:GROUP] */
	uid_t			 uid;		/* (uid_t)-1: unchanged */
	gid_t			 gid;
};

struct node_spec {
	enum node_kind		 kind;
	unsigned		 refs;		/* spec_dup/spec_ref copies */
	char			*path;		/* "root/producer-consumer" */
	const char		*name;		/* last component of path */
	const char		*file;		/* file and line of the section */
	int			 line;
	struct node_spec	*parent;
	struct node_spec	**children;	/* in file order */
	size_t			 nchildren;

	/* both kinds */
	enum restart		 restart;	/* default permanent */
	char			*directory;	/* absolute; see config.c */
	struct strv		 env;		/* env.NAME = value, "NAME=value" */
	struct strv		 env_file;	/* absolute; "-PATH": optional */

	/* workers */
	struct strv		 argv;		/* command: template words, see
						   expand.h */
	enum shutdown		 shutdown;	/* default timeout of 5s */
	int64_t			 shutdown_ms;
	int			 stop_signal;	/* default SIGTERM */
	struct exit_set		 success_exit;	/* besides exit 0 */
	char			*user;		/* NULL: don't change */
	char			*group;
	char			*pidfile;	/* daemonizing worker; relative
						   to directory; a template */
	uid_t			 uid;
	gid_t			 gid;		/* valid if user or group set */
	int			 umask_set;	/* 0: keep arbord's umask */
	mode_t			 umask;
	int			 nice_set;	/* 0: keep arbord's nice value */
	int			 nice;		/* -20..19, not relative */
	struct limit_spec	 limits[LIMIT_COUNT];
	struct stream_spec	 streams[STREAM_COUNT];	/* stdout, stderr */

	/* cgroup limits (both kinds; a supervisor's bound its subtree) */
	int64_t			 cg_limits[CGL_COUNT];
	int			 cg_lines[CGL_COUNT];	/* where set */

	/* supervisors */
	enum strategy		 strategy;	/* default one_for_one */
	int			 intensity;	/* default 1 */
	int64_t			 period_ms;	/* default 5s */
	struct strv		 setup;		/* templates, n == 0 if none */
	struct strv		 cleanup;
	int64_t			 setup_timeout_ms;	/* default 30s */
	struct owner_spec	 state_owner;	/* of its state directory */
	int			 state_mode_set;
	mode_t			 state_mode;	/* ... and its mode */
	int64_t			 cleanup_timeout_ms;

	/* readiness (workers) and restart backoff (both kinds) */
	enum ready		 ready;		/* default exec */
	int			 ready_fd;	/* ready = fd:N */
	struct strv		 ready_check;	/* ready = check:COMMAND,
						   templates */
	int64_t			 ready_delay_ms;	/* ready = delay:D */
	int64_t			 start_timeout_ms;	/* default 30s */
	int64_t			 check_interval_ms;	/* default 1s */
	int64_t			 restart_delay_ms;	/* default 0 */
	int64_t			 restart_delay_max_ms;	/* default 0: none */

	/* liveness (workers): health checks and the watchdog */
	enum health_kind	 health;	/* default none */
	struct strv		 health_check;	/* check:COMMAND, templates */
	char			*health_host;	/* tcp: an address, localhost */
	int			 health_port;
	char			*health_path;	/* unix: as written (relative
						   to directory) */
	int64_t			 health_interval_ms;	/* default 10s */
	int64_t			 health_timeout_ms;	/* default 5s */
	int			 health_retries;	/* default 3 */
	int64_t			 health_start_period_ms; /* default 0 */
	int64_t			 watchdog_ms;		/* 0: none */
	int			 watchdog_signal;	/* default SIGABRT */

	/* held listening sockets (workers; a pool's are shared) */
	struct listen_spec	*listen;	/* listen = ADDRESS... */
	size_t			 nlisten;
	struct strv		 listen_names;	/* LISTEN_FDNAMES: one name
						   for all, or one each; none:
						   the node's (pool's) name */

	/* pools and significant children */
	int			 instances;	/* worker: N > 0 makes a pool; on
						   the pool supervisor: its N */
	int			 significant;	/* with restart transient or
						   temporary */
	enum reload_mode	 reload_mode;	/* a pool's: default restart */
	enum auto_shutdown	 auto_shutdown;	/* supervisors */
};

/* [arbor] cgroup = auto | yes | no (daemon/cgroup.c) */
enum cgroup_mode { CGROUP_AUTO, CGROUP_YES, CGROUP_NO };

/*
 * The text of a file the configuration was read from, kept so that a
 * re-exec (arborctl reexec) can hand over exactly what was parsed.
 */
struct config_text {
	char			*name;		/* as opened */
	char			*data;		/* LEN bytes (NUL after) */
	size_t			 len;
	int			 identified;	/* dev, ino are known */
	dev_t			 dev;
	ino_t			 ino;
};

struct config {
	char			*file;		/* as given */
	char			*dir;		/* absolute directory of file */
	struct strv		 files;		/* every file read, main first */
	char			*socket;	/* NULL if not set */
	char			*state_dir;	/* NULL if not set */
	char			*socket_group;	/* NULL if not set */
	gid_t			 socket_gid;
	enum event_format	 event_format;
	int			 log_syslog;	/* log = syslog */
	char			*log_dir;	/* absolute, NULL if not set */
	uint64_t		 log_max_size;	/* bytes, default 10M */
	int			 log_keep;	/* rotated files, default 5 */
	int			 max_clients;	/* control connections at once */
	int64_t			 client_timeout_ms; /* to send a request */
	enum cgroup_mode	 cgroup;	/* [arbor] cgroup */
	struct listen_spec	*http;		/* [arbor] http, NULL: off */
	char			*http_token_file; /* NULL if not set */
	struct node_spec	**nodes;	/* in file order */
	size_t			 nnodes;
	struct node_spec	*root;
	struct config_text	*texts;		/* what was read, in order */
	size_t			 ntexts;
};

/* Load and validate FILE; on error return NULL and fill ERRS. */
struct config	*config_load(const char *file, struct errlist *errs);
/*
 * config_load, and, for arbord -n and arborctl check, look for the
 * program of every command, ready = check:, setup and cleanup (argv[0],
 * unless a variable names it) in the PATH its process will have (the
 * nearest env.PATH, else the caller's), relative to its directory: one
 * not found or not executable is a warning in WARNS, "FILE:LINE: warning:
 * KEY: ...", at the line of the key. Warnings only for a valid file.
 */
struct config	*config_check(const char *file, struct errlist *errs,
		    struct errlist *warns);
/*
 * config_load from texts handed over (arborctl reexec) rather than from
 * the disk: FILE and the files it includes are looked up by name among
 * the N TEXTS (an include pattern matches their names as glob would).
 */
struct config	*config_load_texts(const char *file,
		    const struct config_text *texts, size_t n,
		    struct errlist *errs);
void		 config_free(struct config *);
struct node_spec *config_find(const struct config *, const char *path);

/*
 * Node specs outside a config: copies owned by the run-time tree. A copy
 * is immutable and may be shared: spec_ref takes another reference,
 * spec_free drops one and frees with the last.
 */
struct node_spec *spec_dup(const struct node_spec *);
struct node_spec *spec_ref(struct node_spec *);
void		 spec_free(struct node_spec *);
int		 spec_diff(const struct node_spec *, const struct node_spec *,
		    struct strv *changed);
/* Can a reload apply the changes spec_diff found without a restart? */
bool		 spec_changes_live(const struct strv *changed);
/* Set KIND and every default of the configuration format (spec.c). */
void		 spec_defaults(struct node_spec *, enum node_kind);

const char	*strategy_name(enum strategy);
const char	*restart_name(enum restart);
const char	*limit_name(enum limit);	/* "nofile" */
int		 limit_resource(enum limit);	/* RLIMIT_NOFILE */
const char	*stream_key(enum stream);	/* "stdout", "stderr" */
const char	*stream_name(enum stream);	/* "out", "err", "check" */

/* duration.c: "250ms", "5s", "2m", "1h", "1.5s"; a bare number is seconds. */
int		 duration_parse(const char *, int64_t *ms);
char		*duration_format(int64_t ms, char *buf, size_t len);
/* An age for people, rounded down: "14s", "2m13s", "1h02m", "3d04h". */
char		*duration_age(int64_t ms, char *buf, size_t len);

/* argv.c: split a command line with sh-like quoting, no expansion; or
   into template words that keep its variables (expand.h). */
int		 argv_split(const char *, struct strv *, char **err);
/* ... and back: one line with sh-like quoting where a word needs it. */
char		*argv_join(const struct strv *);
int		 argv_split_vars(const char *, struct strv *, char **err);

/* signame.c: "TERM", "SIGTERM", "15" -> 15; 15 -> "SIGTERM". */
int		 signal_parse(const char *);
const char	*signal_name(int);

#endif
