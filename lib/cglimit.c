/*
 * cglimit.c: the cgroup limit keys (memory_max, memory_high,
 * memory_swap_max, cpu_max, cpu_weight, io_weight, pids_max): one row per
 * limit says its key, its interface file and its controller; values are
 * parsed from the configuration, written to the file and shown to people
 * here, so the three never disagree.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgparse.h"
#include "config.h"
#include "util.h"

enum cgl_type { CGLT_SIZE, CGLT_CPU, CGLT_WEIGHT, CGLT_COUNT };

static const struct cgl_row {
	const char	*key;
	const char	*file;
	const char	*controller;
	enum cgl_type	 type;
	const char	*unset;		/* written when the key goes away */
} rows[CGL_COUNT] = {
	[CGL_MEMORY_MAX] = { "memory_max", "memory.max", "memory", CGLT_SIZE,
	    "max" },
	[CGL_MEMORY_HIGH] = { "memory_high", "memory.high", "memory",
	    CGLT_SIZE, "max" },
	[CGL_MEMORY_SWAP_MAX] = { "memory_swap_max", "memory.swap.max",
	    "memory", CGLT_SIZE, "max" },
	[CGL_CPU_MAX] = { "cpu_max", "cpu.max", "cpu", CGLT_CPU, "max" },
	[CGL_CPU_WEIGHT] = { "cpu_weight", "cpu.weight", "cpu", CGLT_WEIGHT,
	    "100" },
	[CGL_IO_WEIGHT] = { "io_weight", "io.weight", "io", CGLT_WEIGHT,
	    "default 100" },
	[CGL_PIDS_MAX] = { "pids_max", "pids.max", "pids", CGLT_COUNT,
	    "max" },
};

/* cpu.max's period: a share of one CPU is a quota of this many usec. */
#define CPU_PERIOD_USEC	100000

const char *
cg_limit_key(enum cg_limit l)
{
	return rows[l].key;
}

const char *
cg_limit_file(enum cg_limit l)
{
	return rows[l].file;
}

const char *
cg_limit_controller(enum cg_limit l)
{
	return rows[l].controller;
}

/* A decimal number at *P (advanced), at most MAX; -1 if none or over. */
static int
number(const char **p, uint64_t max, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		if (n > (max - (uint64_t)(**p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(**p - '0');
	}
	if (*p == s)
		return -1;
	*v = n;
	return 0;
}

int
cg_limit_parse(enum cg_limit l, const char *s, int64_t *v, char **err)
{
	const uint64_t max = (uint64_t)INT64_MAX - 1;
	const char *p = s;
	uint64_t n, mult = 1, frac = 0;

	*err = NULL;
	if (strcmp(s, "max") == 0 && rows[l].type != CGLT_WEIGHT) {
		*v = CGL_MAX;
		return 0;
	}
	switch (rows[l].type) {
	case CGLT_SIZE:
		if (number(&p, max, &n) == -1)
			break;
		switch (*p) {
		case '\0':
			break;
		case 'K': case 'k':
			mult = UINT64_C(1) << 10;
			p++;
			break;
		case 'M': case 'm':
			mult = UINT64_C(1) << 20;
			p++;
			break;
		case 'G': case 'g':
			mult = UINT64_C(1) << 30;
			p++;
			break;
		case 'T': case 't':
			mult = UINT64_C(1) << 40;
			p++;
			break;
		}
		if (*p != '\0' || n > max / mult)
			break;
		*v = (int64_t)(n * mult);
		return 0;
	case CGLT_CPU:
		/* N% or N.D% of one CPU, at least 1% (the kernel's 1 ms). */
		if (number(&p, 100000, &n) == -1)
			break;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				break;
			frac = (uint64_t)(*p++ - '0');
		}
		if (*p != '%' || p[1] != '\0' || n * 10 + frac < 10)
			break;
		*v = (int64_t)(n * (CPU_PERIOD_USEC / 100) + frac *
		    (CPU_PERIOD_USEC / 1000));
		return 0;
	case CGLT_WEIGHT:
		if (number(&p, 10000, &n) == -1 || *p != '\0' || n < 1)
			break;
		*v = (int64_t)n;
		return 0;
	case CGLT_COUNT:
		if (number(&p, max, &n) == -1 || *p != '\0')
			break;
		*v = (int64_t)n;
		return 0;
	}
	switch (rows[l].type) {
	case CGLT_SIZE:
		*err = xasprintf("invalid %s '%s' (expected a size such as "
		    "512K, 64M or 2G, or max)", rows[l].key, s);
		break;
	case CGLT_CPU:
		*err = xasprintf("invalid %s '%s' (expected a share of one "
		    "CPU such as 50%% or 200%%, at least 1%%, or max)",
		    rows[l].key, s);
		break;
	case CGLT_WEIGHT:
		*err = xasprintf("invalid %s '%s' (expected 1 to 10000)",
		    rows[l].key, s);
		break;
	case CGLT_COUNT:
		*err = xasprintf("invalid %s '%s' (expected a number of "
		    "processes, or max)", rows[l].key, s);
		break;
	}
	return -1;
}

char *
cg_limit_file_value(enum cg_limit l, int64_t v)
{
	if (v == CGL_UNSET)
		return xstrdup(rows[l].unset);
	if (v == CGL_MAX)
		return rows[l].type == CGLT_CPU ?
		    xasprintf("max %d", CPU_PERIOD_USEC) : xstrdup("max");
	switch (rows[l].type) {
	case CGLT_CPU:
		return xasprintf("%" PRId64 " %d", v, CPU_PERIOD_USEC);
	case CGLT_WEIGHT:
		if (l == CGL_IO_WEIGHT)
			return xasprintf("default %" PRId64, v);
		return xasprintf("%" PRId64, v);
	default:
		return xasprintf("%" PRId64, v);
	}
}

char *
cg_limit_text(enum cg_limit l, int64_t v)
{
	static const char units[] = "KMGT";

	if (v == CGL_UNSET)
		return xstrdup("unset");
	if (v == CGL_MAX)
		return xstrdup("max");
	switch (rows[l].type) {
	case CGLT_SIZE: {
		int u = -1;
		while (u < 3 && v != 0 && v % 1024 == 0) {
			v /= 1024;
			u++;
		}
		return u < 0 ? xasprintf("%" PRId64, v) :
		    xasprintf("%" PRId64 "%c", v, units[u]);
	}
	case CGLT_CPU:
		if (v % (CPU_PERIOD_USEC / 100) == 0)
			return xasprintf("%" PRId64 "%%",
			    v / (CPU_PERIOD_USEC / 100));
		return xasprintf("%" PRId64 ".%" PRId64 "%%",
		    v / (CPU_PERIOD_USEC / 100),
		    v % (CPU_PERIOD_USEC / 100) / (CPU_PERIOD_USEC / 1000));
	default:
		return xasprintf("%" PRId64, v);
	}
}

int
cg_limits_check(const struct config *conf, const char *off_why,
    int (*has)(const char *), const char *avail, const char *whose,
    struct errlist *errs)
{
	int n = 0;

	for (size_t i = 0; i < conf->nnodes; i++) {
		const struct node_spec *s = conf->nodes[i];
		const struct node_spec *prev = i > 0 ? conf->nodes[i - 1] : NULL;
		for (int l = 0; l < CGL_COUNT; l++) {
			if (s->cg_limits[l] == CGL_UNSET)
				continue;
			/* A pool's instances share the line: said once. */
			if (prev != NULL && prev->file == s->file &&
			    prev->cg_limits[l] != CGL_UNSET &&
			    prev->cg_lines[l] == s->cg_lines[l])
				continue;
			if (off_why != NULL)
				errlist_add(errs, s->file, s->cg_lines[l],
				    "%s needs cgroups, which are off: %s",
				    rows[l].key, off_why);
			else if (has != NULL && !has(rows[l].controller))
				errlist_add(errs, s->file, s->cg_lines[l],
				    "%s needs the %s controller, which "
				    "%s does not have (available: %s)",
				    rows[l].key, rows[l].controller, whose,
				    avail != NULL && *avail != '\0' ? avail :
				    "none");
			else
				continue;
			n++;
		}
	}
	return n;
}

char *
cg_limits_controllers(const struct config *conf)
{
	struct buf b = { 0 };
	int need[CGL_COUNT] = { 0 };

	for (size_t i = 0; i < conf->nnodes; i++)
		for (int l = 0; l < CGL_COUNT; l++)
			if (conf->nodes[i]->cg_limits[l] != CGL_UNSET)
				need[l] = 1;
	for (int l = 0; l < CGL_COUNT; l++) {
		int dup = 0;
		if (!need[l])
			continue;
		for (int k = 0; k < l; k++)
			if (need[k] && strcmp(rows[k].controller,
			    rows[l].controller) == 0)
				dup = 1;
		if (!dup)
			buf_printf(&b, "%s%s", b.len ? " " : "",
			    rows[l].controller);
	}
	return b.s;
}

/* The controllers the host's cgroup v2 root has, for HAS below. */
static char host_controllers[512];

static int
host_has(const char *name)
{
	return cg_has_controller(host_controllers, name);
}

int
cg_limits_check_host(const struct config *conf, struct errlist *errs)
{
	char mi[1 << 16], path[4096], *mount, *need;
	const char *why = NULL;
	int n;

	if (conf->cgroup == CGROUP_NO ||
	    (need = cg_limits_controllers(conf)) == NULL)
		return 0;	/* config_load said so; or nothing to check */
	free(need);
	if (read_small("/proc/self/mountinfo", mi, sizeof mi) == -1 ||
	    (mount = cg_mountinfo_v2(mi)) == NULL)
		why = "no cgroup v2 hierarchy is mounted here";
	else {
		snprintf(path, sizeof path, "%s/cgroup.controllers", mount);
		if (read_small(path, host_controllers,
		    sizeof host_controllers) == -1)
			host_controllers[0] = '\0';
		host_controllers[strcspn(host_controllers, "\n")] = '\0';
		free(mount);
	}
	n = why != NULL ? cg_limits_check(conf, why, NULL, NULL, NULL, errs) :
	    cg_limits_check(conf, NULL, host_has, host_controllers,
	    "this host's cgroup v2 hierarchy", errs);
	return n;
}
