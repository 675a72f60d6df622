/*
 * cgparse.h: reading what the kernel says about cgroup v2 (pure text in,
 * values out; daemon/cgroup.c does the files).
 */
#ifndef ARBOR_CGPARSE_H
#define ARBOR_CGPARSE_H

#include <stdint.h>

#include "config.h"
#include "util.h"

/*
 * The mount point of the cgroup v2 hierarchy in /proc/self/mountinfo's
 * TEXT (octal escapes undone), preferring /sys/fs/cgroup, else the first
 * one (/sys/fs/cgroup/unified on hybrid hosts); NULL if there is none.
 */
char	*cg_mountinfo_v2(const char *text);

/*
 * This process's cgroup v2 path in /proc/self/cgroup's TEXT (the "0::"
 * line: "/" or "/system.slice/arbord.service"); NULL if there is none.
 */
char	*cg_self_path(const char *text);

/*
 * The value of KEY in a flat keyed file (cgroup.events, cpu.stat,
 * memory.events: "KEY VALUE" lines): 0 and *V set, -1 if absent.
 */
int	cg_keyed(const char *text, const char *key, int64_t *v);

/*
 * A single-value file (memory.current, memory.peak, pids.current):
 * 0 and *V set; "max" is INT64_MAX; -1 if it is neither.
 */
int	cg_single(const char *text, int64_t *v);

/*
 * Is TEXT (the content of cgroup.controllers) listing controller NAME?
 */
int	cg_has_controller(const char *text, const char *name);

/*
 * The cgroup limit keys (cglimit.c): enum cg_limit is in config.h.
 */
const char *cg_limit_key(enum cg_limit);	/* "memory_max" */
const char *cg_limit_file(enum cg_limit);	/* "memory.max" */
const char *cg_limit_controller(enum cg_limit);	/* "memory" */
/* Parse the value of the key; 0, or -1 and *err. */
int	cg_limit_parse(enum cg_limit, const char *, int64_t *, char **err);
/* What the file gets ("67108864", "50000 100000", "max" when unset). */
char	*cg_limit_file_value(enum cg_limit, int64_t);
/* As people write it: "64M", "50%", "max". */
char	*cg_limit_text(enum cg_limit, int64_t);
/*
 * Add "FILE:LINE: ..." to ERRS for every limit CONF sets that cannot be
 * applied: OFF_WHY (not NULL) says why cgroups are off; else HAS says
 * whether a controller is there (AVAIL lists those that are, in WHOSE:
 * "arbord's cgroup"). The count.
 */
int	cg_limits_check(const struct config *, const char *off_why,
	    int (*has)(const char *), const char *avail, const char *whose,
	    struct errlist *);
/*
 * cg_limits_check against this host (arbord -n, arborctl check): its
 * cgroup v2 hierarchy and the controllers its root has. arbord's own
 * cgroup may have fewer; arbord checks those when it starts.
 */
int	cg_limits_check_host(const struct config *, struct errlist *);
/* The controllers CONF's limits need ("memory pids"), NULL: none. */
char	*cg_limits_controllers(const struct config *);

#endif
