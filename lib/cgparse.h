/*
 * cgparse.h: reading what the kernel says about cgroup v2 (pure text in,
 * values out; daemon/cgroup.c does the files).
 */
#ifndef ARBOR_CGPARSE_H
#define ARBOR_CGPARSE_H

#include <stdint.h>

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

#endif
