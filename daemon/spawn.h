/*
 * spawn.h: fork and exec of workers and scripts, in a process group of
 * their own, with a clean signal state, and exec failures reported back.
 */
#ifndef ARBOR_SPAWN_H
#define ARBOR_SPAWN_H

#include <sys/types.h>
#include <sys/resource.h>
#include <stdbool.h>

/* A resource limit to set in the child. */
struct spawn_limit {
	int		 resource;	/* RLIMIT_NOFILE, ... */
	const char	*name;		/* "nofile", for errors */
	rlim_t		 soft;
	rlim_t		 hard;
};

struct spawn_opts {
	char *const	*argv;
	char *const	*envp;
	const char	*dir;		/* working directory, NULL: keep */
	const char	*user;		/* for initgroups, NULL: keep */
	uid_t		 uid;		/* (uid_t)-1: keep */
	gid_t		 gid;		/* (gid_t)-1: keep */
	const struct spawn_limit *limits;	/* set before the identity */
	size_t		 nlimits;
	bool		 set_nice;	/* false: keep the nice value */
	int		 nice;		/* absolute, -20..19 */
	bool		 set_umask;	/* false: keep the umask */
	mode_t		 umask;
	int		 out_fd;	/* becomes stdout, -1: /dev/null */
	int		 err_fd;	/* becomes stderr, -1: /dev/null */
	int		 extra_fd;	/* becomes extra_target (ready = fd:N) */
	int		 extra_target;	/* 0: none */
	const char	*cgroup;	/* the cgroup directory to start in,
					   NULL: arbord's own */
	int		 pid_env;	/* N > 0: envp[N - 1] is "NAME=" and
					   room for SPAWN_PID_ROOM digits,
					   where the child writes its own pid
					   (WATCHDOG_PID) */
	int		 pid_env2;	/* another one (LISTEN_PID) */
	const int	*listen;	/* become 3, 4 ... (LISTEN_FDS) */
	int		 nlisten;	/* at most SPAWN_LISTEN_MAX */
};

/* Descriptors passed as LISTEN_FDS, at most (config.h's LISTEN_MAX). */
#define SPAWN_LISTEN_MAX	64

/* The placeholder of a pid_env value: room for any pid. */
#define SPAWN_PID_ROOM	"0000000000"

/* How far a child got: STAGE_NONE, it exec'd. */
enum spawn_stage { STAGE_NONE, STAGE_SETUP, STAGE_CHDIR, STAGE_RLIMIT,
    STAGE_NICE, STAGE_GROUPS, STAGE_CGROUP, STAGE_SETGID, STAGE_SETUID, STAGE_EXEC,
    STAGE_PIPE, STAGE_FORK, STAGE_LOST };

/* What the child reports when it cannot exec. */
struct spawn_failure {
	int	stage;		/* enum spawn_stage */
	int	errnum;
	int	which;		/* STAGE_RLIMIT: the index of the limit */
};

/*
 * Start a process: in arbord while it holds few descriptors, through the
 * spawner beyond (spawn.c says where the line is). Returns its pid, or -1 if fork failed. If the child
 * could not get as far as exec (chdir, setrlimit, setpriority, setuid,
 * exec itself), *err says why ("exec ./x: No such file or directory",
 * "setrlimit nofile: Operation not permitted") and the pid is still
 * returned: that child exits at once and must be reaped like any other.
 * *SCARCE (if not NULL) says whether a failure was arbord's own lack of
 * resources (descriptors, processes, memory), not the worker's fault.
 */
pid_t	spawn(const struct spawn_opts *, char **err, bool *scarce);

/*
 * Start it in this process: its pid (-1 and F set if fork failed), F
 * saying how far it got. AS_SIBLING (the spawner): the child's parent is
 * this process's parent, arbord.
 */
pid_t	spawn_here(const struct spawn_opts *, bool as_sibling,
	    struct spawn_failure *f);
char	*spawn_failure_message(const struct spawn_opts *,
	    const struct spawn_failure *);

/* A pipe whose read end is non-blocking; both ends close-on-exec. */
int	spawn_pipe(int fds[2]);

#endif
