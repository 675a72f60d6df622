/*
 * cgroup.h: the cgroup v2 tree that mirrors the supervision tree (see
 * cgroup.c): arbord's own cgroup, a cgroup per node, killing everything
 * in one, knowing when it is empty, and what it uses.
 */
#ifndef ARBOR_CGROUP_H
#define ARBOR_CGROUP_H

#include <sys/types.h>

#include <stdint.h>

#include "config.h"


/*
 * Find the hierarchy and arbord's cgroup, make the cgroup that is this
 * arbord's alone, move arbord to its leaf "@arbord" and clean up what a
 * killed arbord left. Off (mode no, or auto and not possible: logged
 * once, why) is not an error; mode yes and not possible is: -1, *err
 * saying why.
 */
int	cgroup_init(enum cgroup_mode mode, char **err);
/*
 * Enable the controllers of LIST ("memory pids") that arbord's cgroup
 * has, for the tree's cgroups (on the way down as they are made).
 */
void	cgroup_enable(const char *list);
/* The controllers arbord's cgroup has ("cpu io memory pids"). */
const char *cgroup_available(void);
int	cgroup_enabled(void);
/* Why cgroups are off ("cgroup = no", "... is not writable"), or NULL. */
const char *cgroup_off_reason(void);
/* Is controller NAME available to arbord's cgroups? */
int	cgroup_has_controller(const char *name);

/* The leaf of a supervisor's setup and cleanup scripts. */
#define CGROUP_SCRIPTS	"@scripts"

/* The absolute directory of the node at PATH ("root/w/1"), LEAF appended
 * when not NULL ("@scripts"). */
char	*cgroup_dir(const char *path, const char *leaf);
/* DIR relative to the hierarchy's root ("/arbor-12-ab/root/w"). */
const char *cgroup_relative(const char *dir);

/* Create DIR and the missing cgroups above it (below arbord's own). */
int	cgroup_make(const char *dir, char **err);
/* Write VALUE to DIR's FILE ("memory.max"); -1 and *err if it fails. */
int	cgroup_write(const char *dir, const char *file, const char *value,
	    char **err);
/* Kill every process in DIR and below (cgroup.kill, else SIGKILL each). */
int	cgroup_kill(const char *dir);
/*
 * Send SIG to every process in DIR and below, except those of process
 * group SKIP (already signalled as a group); SIGKILL kills the cgroup.
 */
void	cgroup_signal(const char *dir, int sig, pid_t skip);
/*
 * Move the processes of DIR's own cgroup.procs to cgroup TO (a rolled
 * worker's, aside); 0, or -1 if some could not be moved.
 */
int	cgroup_move(const char *from, const char *to);
/* The leaf name of a rolled worker's old process, beside its own: node
   names cannot hold '@'. */
#define CGROUP_OLD	"@old"
/* Does DIR (or a cgroup below) hold a process? 1, 0, -1 (no such). */
int	cgroup_populated(const char *dir);
/* Remove DIR and the cgroups below it (those must be empty). */
int	cgroup_remove(const char *dir);

/* Call CB(ARG) whenever DIR's cgroup.events changes (populated 1 to 0). */
struct cgroup_watch;
struct cgroup_watch *cgroup_watch(const char *dir, void (*cb)(void *),
	    void *arg);
void	cgroup_unwatch(struct cgroup_watch *);

/* What a cgroup (with everything below it) uses; -1: unknown. */
struct cgroup_usage {
	int64_t	cpu_usec;
	int64_t	memory_bytes;
	int64_t	memory_peak_bytes;
	int64_t	tasks;
	int64_t	oom_kills;
};
/*
 * Read it (the files of enabled controllers only: status reads every
 * node); processes without the pids controller are counted for a LEAF
 * only. -1 if DIR is not there.
 */
int	cgroup_usage(const char *dir, int leaf, struct cgroup_usage *);

/*
 * Only CPU time and memory (-1 without the memory controller), for a
 * scrape of every node: two reads. -1 if DIR is not there.
 */
int	cgroup_cpu_memory(const char *dir, int64_t *cpu_usec,
	    int64_t *memory_bytes);

/* How many processes the OOM killer killed in DIR (and below); -1. */
int64_t	cgroup_oom_kills(const char *dir);

/* Remove arbord's cgroups (the tree has stopped; before exit). */
void	cgroup_close(void);

/* Re-exec (reexec.c): hand the cgroups over, and take them over. */
struct handoff_w;
struct handoff_r;
void	cgroup_export(struct handoff_w *);
int	cgroup_adopt(struct handoff_r *, char **err);

#endif
