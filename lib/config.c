/*
 * config.c: loads an arbor INI file into the plain spec tree of config.h.
 *
 * inih does the key = value splitting, but it reads through our own line
 * reader (config_reader), because inih on its own cuts section names at 49
 * characters, splits lines longer than its 200 byte buffer into phantom
 * lines (shifting every later line number) and never tells the handler
 * about syntax errors. The reader reads whole physical lines itself, counts
 * them, and before inih sees a line it
 *   - rejects over-long lines and lines that are not blank, a comment, a
 *     section header, "key = value" or a continuation (handing inih an
 *     empty line instead, so the numbering stays exact);
 *   - registers section headers itself, at their line, and hands inih a
 *     short alias "[#N]" that the handler maps back to section N;
 *   - decides whether an indented line continues the previous key, by
 *     inih's rule (any indented non-comment line after a key of the same
 *     section, even one looking like "key = value" or "[section]"), so the
 *     handler can tell a continuation from a duplicate key. Indented lines
 *     after a rejected line are dropped with it.
 *
 * An [include] section's files = PATTERN... names more files to read. Each
 * file is read whole, then the files it includes (each pattern's matches
 * in sorted order, depth first), so their sections come as if appended to
 * it. A file is read at most once: including one again is an error, and a
 * cycle says so; nesting is bounded by CONF_MAX_INCLUDE. [arbor] belongs
 * to the main file only.
 *
 * Every error is collected with its file and line; after every file is
 * read the tree is validated and linked (parents, children in the order of
 * their sections, inherited directory) and either the complete tree or all
 * errors, sorted by file (in reading order) and line, are returned.
 *
 * Values are resolved here, once, so the daemon has nothing left to work
 * out. Relative paths are taken relative to the directory of the file
 * they are written in (include patterns and directory values; socket,
 * state_dir and log_dir, in the main file). A node's directory defaults to
 * its parent supervisor's when both are declared in the same file, and
 * otherwise (the root, the top of a subtree dropped in by an included
 * file) to the directory of its own file; a worker's stdout or stderr
 * file:PATH is relative to its directory. A node's env holds only its own env.NAME
 * entries: the subtree inherits them at run time (tree_env), interleaved
 * with each supervisor's setup output, so they are not merged here. user
 * and group are looked up here: uid and gid are (uid_t)-1 and (gid_t)-1
 * when not to be changed; with only user, gid is the user's primary group;
 * with only group, uid stays (uid_t)-1. umask, nice and limit.* are only
 * parsed; the *_set flags (and limit_spec.set) say whether to apply them.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"

#define KIND_WORKER	0x1
#define KIND_SUPER	0x2
#define KIND_ARBOR	0x4
#define KIND_INCLUDE	0x8
#define KIND_NODE	(KIND_WORKER | KIND_SUPER)

#define SUGGEST_MAX	2	/* edit distance for "did you mean" */

enum section_kind { SECTION_BAD, SECTION_ARBOR, SECTION_INCLUDE,
    SECTION_NODE };

/* A key already set in a section, to find duplicates. */
struct keyline {
	char	*key;
	int	 line;
};

/* One file read: the main file or an included one. */
struct srcfile {
	const char		*name;		/* in errors; owned by conf */
	char			*dir;		/* its absolute directory */
	size_t			 index;		/* in reading order, main 0 */
	struct srcfile		*from;		/* the file including it */
	int			 from_line;
	int			 depth;		/* 0 for the main file */
	int			 identified;	/* dev and ino are known */
	dev_t			 dev;
	ino_t			 ino;
	int			 include_line;	/* line of its [include], or 0 */
	struct section		*include;
};

/* One section header of a file, good or bad, in reading order. */
struct section {
	enum section_kind	 kind;
	struct srcfile		*file;
	int			 line;
	struct node_spec	*spec;		/* SECTION_NODE */
	int			 duplicate;	/* spec is not part of the tree */
	struct keyline		*keys;
	size_t			 nkeys;
	char			*command;	/* raw text, continuations joined */
	char			*setup;
	char			*cleanup;
	char			*files;		/* [include] patterns, raw */
	char			*dir;		/* raw directory value */
};

/* An error message and its place, sorted before being reported. */
struct loader_error {
	const struct srcfile	*file;
	int			 line;
	size_t			 seq;
	char			*msg;
};

/* Everything config_load needs while reading its files. */
struct loader {
	struct config		 *conf;
	struct srcfile		**files;	/* every file, in reading order */
	size_t			  nfiles;
	int			  incomplete;	/* a file could not be read */
	/* The file being read. */
	struct srcfile		 *cur;
	FILE			 *fp;
	char			 *buf;		/* getline buffer */
	size_t			  bufsz;
	int			  lineno;	/* physical line just read */
	int			  read_errno;
	int			  cont;		/* this line continues a key */
	int			  contable;	/* an indented line continues */
	int			  accept_cont;	/* the last key takes them */
	char			 *lastkey;
	struct section		 *lastsec;
	char			  alias[32];	/* "[#N]" handed to inih */
	/* Of all files. */
	struct section		**sections;
	size_t			  nsections;
	int			  arbor_line;	/* line of [arbor], or 0 */
	struct loader_error	 *errors;
	size_t			  nerrors;
};

/* A key that may appear in a section, and what to do with its value. */
struct keydef {
	const char	*name;		/* "env." matches every env.NAME */
	int		 kinds;
	int		 multiline;	/* takes continuation lines */
	int		(*set)(struct loader *, struct section *, const char *,
			    const char *);
};

static int	set_command(struct loader *, struct section *, const char *,
		    const char *);
static int	set_directory(struct loader *, struct section *, const char *,
		    const char *);
static int	set_env(struct loader *, struct section *, const char *,
		    const char *);
static int	set_restart(struct loader *, struct section *, const char *,
		    const char *);
static int	set_shutdown(struct loader *, struct section *, const char *,
		    const char *);
static int	set_stop_signal(struct loader *, struct section *,
		    const char *, const char *);
static int	set_pidfile(struct loader *, struct section *, const char *,
		    const char *);
static int	set_ready(struct loader *, struct section *, const char *,
		    const char *);
static int	set_delay(struct loader *, struct section *, const char *,
		    const char *);
static int	set_pool(struct loader *, struct section *, const char *,
		    const char *);
static int	set_owner(struct loader *, struct section *, const char *,
		    const char *);
static int	set_strategy(struct loader *, struct section *, const char *,
		    const char *);
static int	set_intensity(struct loader *, struct section *, const char *,
		    const char *);
static int	set_positive_duration(struct loader *, struct section *,
		    const char *, const char *);
static int	set_arbor_path(struct loader *, struct section *, const char *,
		    const char *);
static int	set_event_format(struct loader *, struct section *,
		    const char *, const char *);
static int	set_socket_group(struct loader *, struct section *,
		    const char *, const char *);
static int	set_log(struct loader *, struct section *, const char *,
		    const char *);
static int	set_umask(struct loader *, struct section *, const char *,
		    const char *);
static int	set_nice(struct loader *, struct section *, const char *,
		    const char *);
static int	set_limit(struct loader *, struct section *, const char *,
		    const char *);
static int	set_stream(struct loader *, struct section *, const char *,
		    const char *);
static int	set_log_max_size(struct loader *, struct section *,
		    const char *, const char *);
static int	set_log_keep(struct loader *, struct section *, const char *,
		    const char *);

/* In the order "did you mean" prefers them when two are equally close. */
static const struct keydef keydefs[] = {
	{ "command",		KIND_WORKER,	1, set_command },
	{ "directory",		KIND_NODE,	0, set_directory },
	{ "env.",		KIND_NODE,	0, set_env },
	{ "restart",		KIND_NODE,	0, set_restart },
	{ "shutdown",		KIND_WORKER,	0, set_shutdown },
	{ "stop_signal",	KIND_WORKER,	0, set_stop_signal },
	{ "user",		KIND_WORKER,	0, set_owner },
	{ "group",		KIND_WORKER,	0, set_owner },
	{ "pidfile",		KIND_WORKER,	0, set_pidfile },
	{ "umask",		KIND_WORKER,	0, set_umask },
	{ "nice",		KIND_WORKER,	0, set_nice },
	{ "limit.nofile",	KIND_WORKER,	0, set_limit },
	{ "limit.nproc",	KIND_WORKER,	0, set_limit },
	{ "limit.core",		KIND_WORKER,	0, set_limit },
	{ "limit.as",		KIND_WORKER,	0, set_limit },
	{ "limit.cpu",		KIND_WORKER,	0, set_limit },
	{ "limit.fsize",	KIND_WORKER,	0, set_limit },
	{ "limit.data",		KIND_WORKER,	0, set_limit },
	{ "limit.stack",	KIND_WORKER,	0, set_limit },
	{ "limit.memlock",	KIND_WORKER,	0, set_limit },
	{ "stdout",		KIND_WORKER,	0, set_stream },
	{ "stderr",		KIND_WORKER,	0, set_stream },
	{ "strategy",		KIND_SUPER,	0, set_strategy },
	{ "intensity",		KIND_SUPER,	0, set_intensity },
	{ "period",		KIND_SUPER,	0, set_positive_duration },
	{ "setup",		KIND_SUPER,	1, set_command },
	{ "cleanup",		KIND_SUPER,	1, set_command },
	{ "setup_timeout",	KIND_SUPER,	0, set_positive_duration },
	{ "cleanup_timeout",	KIND_SUPER,	0, set_positive_duration },
	{ "ready",		KIND_WORKER,	0, set_ready },
	{ "start_timeout",	KIND_WORKER,	0, set_positive_duration },
	{ "check_interval",	KIND_WORKER,	0, set_positive_duration },
	{ "restart_delay",	KIND_NODE,	0, set_delay },
	{ "restart_delay_max",	KIND_NODE,	0, set_delay },
	{ "instances",		KIND_WORKER,	0, set_pool },
	{ "significant",	KIND_NODE,	0, set_pool },
	{ "auto_shutdown",	KIND_SUPER,	0, set_pool },
	{ "socket",		KIND_ARBOR,	0, set_arbor_path },
	{ "state_dir",		KIND_ARBOR,	0, set_arbor_path },
	{ "event_format",	KIND_ARBOR,	0, set_event_format },
	{ "socket_group",	KIND_ARBOR,	0, set_socket_group },
	{ "log",		KIND_ARBOR,	0, set_log },
	{ "log_dir",		KIND_ARBOR,	0, set_arbor_path },
	{ "log_max_size",	KIND_ARBOR,	0, set_log_max_size },
	{ "log_keep",		KIND_ARBOR,	0, set_log_keep },
	{ "files",		KIND_INCLUDE,	1, set_command },
};

/* How the value of a limit is written. */
enum limit_unit { UNIT_COUNT, UNIT_BYTES, UNIT_SECONDS };

/* The limit.NAME keys, in the order of enum limit. */
static const struct {
	const char	*key;		/* "limit.nofile" */
	int		 resource;	/* for setrlimit */
	enum limit_unit	 unit;
} limitdefs[LIMIT_COUNT] = {
	[LIMIT_NOFILE] =	{ "limit.nofile",	RLIMIT_NOFILE,	UNIT_COUNT },
	[LIMIT_NPROC] =		{ "limit.nproc",	RLIMIT_NPROC,	UNIT_COUNT },
	[LIMIT_CORE] =		{ "limit.core",		RLIMIT_CORE,	UNIT_BYTES },
	[LIMIT_AS] =		{ "limit.as",		RLIMIT_AS,	UNIT_BYTES },
	[LIMIT_CPU] =		{ "limit.cpu",		RLIMIT_CPU,	UNIT_SECONDS },
	[LIMIT_FSIZE] =		{ "limit.fsize",	RLIMIT_FSIZE,	UNIT_BYTES },
	[LIMIT_DATA] =		{ "limit.data",		RLIMIT_DATA,	UNIT_BYTES },
	[LIMIT_STACK] =		{ "limit.stack",	RLIMIT_STACK,	UNIT_BYTES },
	[LIMIT_MEMLOCK] =	{ "limit.memlock",	RLIMIT_MEMLOCK,	UNIT_BYTES },
};

static const char *strategy_names[] = {
	[STRATEGY_ONE_FOR_ONE] = "one_for_one",
	[STRATEGY_ONE_FOR_ALL] = "one_for_all",
	[STRATEGY_REST_FOR_ONE] = "rest_for_one",
};

static const char *restart_names[] = {
	[RESTART_PERMANENT] = "permanent",
	[RESTART_TRANSIENT] = "transient",
	[RESTART_TEMPORARY] = "temporary",
};

static void	loader_error(struct loader *, int, const char *, ...)
		    ARBOR_PRINTF(3, 4);
static void	loader_error_in(struct loader *, const struct srcfile *, int,
		    const char *, ...) ARBOR_PRINTF(4, 5);
static void	loader_read(struct loader *, struct srcfile *, FILE *);

/* The name of a strategy as written in the configuration. */
const char *
strategy_name(enum strategy s)
{
	if ((size_t)s >= sizeof strategy_names / sizeof strategy_names[0])
		return "unknown";
	return strategy_names[s];
}

/* The name of a restart policy as written in the configuration. */
const char *
restart_name(enum restart r)
{
	if ((size_t)r >= sizeof restart_names / sizeof restart_names[0])
		return "unknown";
	return restart_names[r];
}

/* The name of a limit without "limit.": "nofile". */
const char *
limit_name(enum limit l)
{
	if ((size_t)l >= LIMIT_COUNT)
		return "unknown";
	return limitdefs[l].key + 6;
}

/* The RLIMIT_* resource of a limit, for setrlimit. */
int
limit_resource(enum limit l)
{
	if ((size_t)l >= LIMIT_COUNT)
		return -1;
	return limitdefs[l].resource;
}

/* The key of a stream: "stdout" or "stderr". */
const char *
stream_key(enum stream st)
{
	return st == STREAM_ERR ? "stderr" : "stdout";
}

/* The short name of a stream in logs: "out" or "err". */
const char *
stream_name(enum stream st)
{
	return st == STREAM_ERR ? "err" : "out";
}

static void	loader_verror(struct loader *, const struct srcfile *, int,
		    const char *, va_list) ARBOR_PRINTF(4, 0);

/* Record an error at LINE of FILE. */
static void
loader_verror(struct loader *ld, const struct srcfile *file, int line,
    const char *fmt, va_list ap)
{
	struct loader_error *e;

	ld->errors = xreallocarray(ld->errors, ld->nerrors + 1,
	    sizeof *ld->errors);
	e = &ld->errors[ld->nerrors];
	e->file = file;
	e->line = line;
	e->seq = ld->nerrors++;
	e->msg = xvasprintf(fmt, ap);
}

/* Record an error at LINE of the file being read. */
static void
loader_error(struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	loader_verror(ld, ld->cur, line, fmt, ap);
	va_end(ap);
}

/* Record an error at LINE of FILE. */
static void
loader_error_in(struct loader *ld, const struct srcfile *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	loader_verror(ld, file, line, fmt, ap);
	va_end(ap);
}

/* Order errors by file, line, then by the order they were found. */
static int
loader_error_cmp(const void *a, const void *b)
{
	const struct loader_error *x = a, *y = b;

	if (x->file->index != y->file->index)
		return x->file->index < y->file->index ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Where something at LINE of THERE was declared, as seen from HERE:
 * "line 5" in the same file, "FILE:5" in another. Allocated.
 */
static char *
place(const struct srcfile *here, const struct srcfile *there, int line)
{
	if (here == there)
		return xasprintf("line %d", line);
	return xasprintf("%s:%d", there->name, line);
}

/* "worker" or "supervisor". */
static const char *
kind_name(enum node_kind kind)
{
	return kind == NODE_WORKER ? "worker" : "supervisor";
}

/* Levenshtein distance between two short strings. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *prev, *cur, *t, d;

	prev = xcalloc(lb + 1, sizeof *prev);
	cur = xcalloc(lb + 1, sizeof *cur);
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			d = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

/* The closest key of KINDS to KEY, as an allocated string, or NULL. */
static char *
key_suggest(const char *key, int kinds)
{
	const char *dot = strchr(key, '.');
	char *best = NULL, *prefix;
	size_t d, bestd = SUGGEST_MAX + 1;

	for (size_t i = 0; i < sizeof keydefs / sizeof keydefs[0]; i++) {
		if ((keydefs[i].kinds & kinds) == 0)
			continue;
		if (strcmp(keydefs[i].name, "env.") == 0) {
			/* "evn.PATH": compare the part before the dot. */
			if (dot == NULL || dot[1] == '\0')
				continue;
			prefix = xstrndup(key, dot - key);
			d = edit_distance(prefix, "env");
			free(prefix);
			if (d < bestd && d < (size_t)(dot - key)) {
				free(best);
				best = xasprintf("env%s", dot);
				bestd = d;
			}
			continue;
		}
		d = edit_distance(key, keydefs[i].name);
		if (d < bestd && d < strlen(key)) {
			free(best);
			best = xstrdup(keydefs[i].name);
			bestd = d;
		}
	}
	return best;
}

/* The definition of KEY in any kind of section, or NULL. */
static const struct keydef *
keydef_find(const char *key)
{
	for (size_t i = 0; i < sizeof keydefs / sizeof keydefs[0]; i++) {
		if (strcmp(keydefs[i].name, "env.") == 0) {
			if (strncmp(key, "env.", 4) == 0)
				return &keydefs[i];
		} else if (strcmp(key, keydefs[i].name) == 0)
			return &keydefs[i];
	}
	return NULL;
}

/*
 * Join BASE and PATH (an absolute PATH stands alone) and tidy the result
 * lexically: no empty or "." components, no trailing slash. ".." is kept;
 * resolving it would need the file system. BASE is normally absolute.
 */
static char *
path_resolve(const char *base, const char *path)
{
	char *joined, *out, *o;
	const char *p, *end;
	size_t len;

	if (*path == '/')
		joined = xstrdup(path);
	else
		joined = xasprintf("%s/%s", base, path);
	o = out = xmalloc(strlen(joined) + 2);
	for (p = joined; *p != '\0'; p = end) {
		while (*p == '/')
			p++;
		if ((end = strchr(p, '/')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || (len == 1 && *p == '.'))
			continue;
		if (o != out || *joined == '/')
			*o++ = '/';
		memcpy(o, p, len);
		o += len;
	}
	if (o == out)
		*o++ = *joined == '/' ? '/' : '.';
	*o = '\0';
	free(joined);
	return out;
}

/*
 * The absolute directory holding FILE (which was just opened, so realpath
 * normally works), or NULL if even the current directory is unknown.
 */
static char *
config_dir(const char *file)
{
	char *copy = xstrdup(file), *cwd, *dir, *real;

	dir = dirname(copy);
	if ((real = realpath(dir, NULL)) != NULL)
		dir = real;
	else if (*dir == '/')
		dir = path_resolve("/", dir);
	else if ((cwd = getcwd(NULL, 0)) == NULL)
		dir = NULL;
	else {
		dir = path_resolve(cwd, dir);
		free(cwd);
	}
	free(copy);
	return dir;
}

/* Allocate a node with every default of the configuration format. */
static struct node_spec *
spec_new(struct loader *ld, enum node_kind kind, const char *path)
{
	struct node_spec *n = xcalloc(1, sizeof *n);
	const char *slash;

	n->kind = kind;
	n->path = xstrdup(path);
	slash = strrchr(n->path, '/');
	n->name = slash != NULL ? slash + 1 : n->path;
	n->file = ld->cur->name;
	n->line = ld->lineno;
	n->restart = RESTART_PERMANENT;
	n->shutdown = SHUTDOWN_TIMEOUT;
	n->shutdown_ms = 5000;
	n->stop_signal = SIGTERM;
	n->uid = (uid_t)-1;
	n->gid = (gid_t)-1;
	n->strategy = STRATEGY_ONE_FOR_ONE;
	n->intensity = 1;
	n->period_ms = 5000;
	n->setup_timeout_ms = 30000;
	n->cleanup_timeout_ms = 30000;
	n->ready = READY_EXEC;
	n->start_timeout_ms = 30000;
	n->check_interval_ms = 1000;
	return n;
}

/* Drop a reference to N; the last frees everything it owns (not its
   children). Specs of a config have no count and are freed at once. */
void
spec_free(struct node_spec *n)
{
	if (n == NULL)
		return;
	if (n->refs > 1) {
		n->refs--;
		return;
	}
	free(n->path);
	free(n->children);
	free(n->directory);
	strv_free(&n->env);
	strv_free(&n->argv);
	free(n->user);
	free(n->group);
	free(n->pidfile);
	for (int i = 0; i < STREAM_COUNT; i++)
		free(n->streams[i].file);
	strv_free(&n->ready_check);
	strv_free(&n->setup);
	strv_free(&n->cleanup);
	free(n);
}

/* Is every component of PATH a valid node name? Reports the first fault. */
static int
path_valid(struct loader *ld, const char *path)
{
	const char *p = path, *end;
	size_t len;

	if (*path == '\0') {
		loader_error(ld, ld->lineno, "empty node path");
		return 0;
	}
	for (;;) {
		end = strchr(p, '/');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0) {
			loader_error(ld, ld->lineno,
			    "empty node name in path '%s'", path);
			return 0;
		}
		if (len > CONF_MAX_NAME) {
			loader_error(ld, ld->lineno, "node name '%.*s' is too "
			    "long (%zu characters, at most %d)", (int)len, p,
			    len, CONF_MAX_NAME);
			return 0;
		}
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.')) {
			loader_error(ld, ld->lineno,
			    "node name '%.*s' is not allowed", (int)len, p);
			return 0;
		}
		for (size_t i = 0; i < len; i++) {
			if ((p[i] >= 'a' && p[i] <= 'z') ||
			    (p[i] >= 'A' && p[i] <= 'Z') ||
			    (p[i] >= '0' && p[i] <= '9') || p[i] == '.' ||
			    p[i] == '_' || p[i] == '-')
				continue;
			loader_error(ld, ld->lineno, "invalid character '%c' "
			    "in node name '%.*s' (use letters, digits, '.', "
			    "'_' and '-')", p[i], (int)len, p);
			return 0;
		}
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

/* The first good, non-duplicate node section for PATH, or NULL. */
static struct section *
section_find(struct loader *ld, const char *path, size_t len)
{
	struct section *sec;

	for (size_t i = 0; i < ld->nsections; i++) {
		sec = ld->sections[i];
		if (sec->kind == SECTION_NODE && !sec->duplicate &&
		    strlen(sec->spec->path) == len &&
		    strncmp(sec->spec->path, path, len) == 0)
			return sec;
	}
	return NULL;
}

/* Add a section at the current line, bad until proven good. */
static struct section *
section_new(struct loader *ld)
{
	struct section *sec = xcalloc(1, sizeof *sec);

	sec->kind = SECTION_BAD;
	sec->file = ld->cur;
	sec->line = ld->lineno;
	ld->sections = xreallocarray(ld->sections, ld->nsections + 1,
	    sizeof *ld->sections);
	ld->sections[ld->nsections++] = sec;
	return sec;
}

/* Register the section header NAME found at the current line. */
static void
section_open(struct loader *ld, const char *name)
{
	struct section *sec = section_new(ld), *first;
	struct srcfile *f = ld->cur;
	enum node_kind kind;
	const char *path;
	size_t len = strlen(name);
	char *where;

	if (len > CONF_MAX_SECTION) {
		loader_error(ld, ld->lineno, "section name too long "
		    "(%zu characters, at most %d)", len, CONF_MAX_SECTION);
		return;
	}
	if (strcmp(name, "arbor") == 0) {
		if (f->depth > 0) {
			/* Its keys are ignored rather than reported. */
			loader_error(ld, ld->lineno, "section [arbor] is only "
			    "allowed in the main file (%s)",
			    ld->files[0]->name);
			return;
		}
		if (ld->arbor_line != 0) {
			loader_error(ld, ld->lineno, "duplicate section "
			    "[arbor] (first declared at line %d)",
			    ld->arbor_line);
			return;
		}
		ld->arbor_line = ld->lineno;
		sec->kind = SECTION_ARBOR;
		return;
	}
	if (strcmp(name, "include") == 0) {
		if (f->include_line != 0) {
			loader_error(ld, ld->lineno, "duplicate section "
			    "[include] (first declared at line %d)",
			    f->include_line);
			return;
		}
		f->include_line = ld->lineno;
		f->include = sec;
		sec->kind = SECTION_INCLUDE;
		return;
	}
	if (strncmp(name, "supervisor:", 11) == 0) {
		kind = NODE_SUPERVISOR;
		path = name + 11;
	} else if (strncmp(name, "worker:", 7) == 0) {
		kind = NODE_WORKER;
		path = name + 7;
	} else {
		loader_error(ld, ld->lineno, "unknown section '%s' (expected "
		    "[arbor], [include], [supervisor:PATH] or [worker:PATH])",
		    name);
		return;
	}
	if (!path_valid(ld, path))
		return;
	if ((first = section_find(ld, path, strlen(path))) != NULL) {
		where = place(f, first->file, first->line);
		loader_error(ld, ld->lineno, "duplicate node '%s' (first "
		    "declared at %s)", path, where);
		free(where);
		sec->duplicate = 1;
	}
	sec->kind = SECTION_NODE;
	sec->spec = spec_new(ld, kind, path);
}

/* Free a section and whatever it owns. */
static void
section_free(struct section *sec)
{
	for (size_t i = 0; i < sec->nkeys; i++)
		free(sec->keys[i].key);
	free(sec->keys);
	free(sec->command);
	free(sec->setup);
	free(sec->cleanup);
	free(sec->files);
	free(sec->dir);
	if (sec->duplicate)
		spec_free(sec->spec);
	free(sec);
}

/* The line KEY was set at in SEC, or 0. */
static int
section_key_line(const struct section *sec, const char *key)
{
	for (size_t i = 0; i < sec->nkeys; i++)
		if (strcmp(sec->keys[i].key, key) == 0)
			return sec->keys[i].line;
	return 0;
}

/* Remember that KEY was set in SEC at LINE. */
static void
section_key_add(struct section *sec, const char *key, int line)
{
	sec->keys = xreallocarray(sec->keys, sec->nkeys + 1,
	    sizeof *sec->keys);
	sec->keys[sec->nkeys].key = xstrdup(key);
	sec->keys[sec->nkeys].line = line;
	sec->nkeys++;
}

/* The KIND_* bit of a good section. */
static int
section_kindbit(const struct section *sec)
{
	if (sec->kind == SECTION_ARBOR)
		return KIND_ARBOR;
	if (sec->kind == SECTION_INCLUDE)
		return KIND_INCLUDE;
	return sec->spec->kind == NODE_WORKER ? KIND_WORKER : KIND_SUPER;
}

/* Where the raw text of a command-line key is kept. */
static char **
section_command(struct section *sec, const char *key)
{
	if (strcmp(key, "command") == 0)
		return &sec->command;
	if (strcmp(key, "setup") == 0)
		return &sec->setup;
	if (strcmp(key, "files") == 0)
		return &sec->files;
	return &sec->cleanup;
}

/* "[arbor]", "[include]" or "worker 'root/w'", allocated. */
static char *
section_label(const struct section *sec)
{
	if (sec->kind == SECTION_ARBOR)
		return xstrdup("[arbor]");
	if (sec->kind == SECTION_INCLUDE)
		return xstrdup("[include]");
	return xasprintf("%s '%s'", kind_name(sec->spec->kind),
	    sec->spec->path);
}

/*
 * command, setup, cleanup, files: keep the text (continuation lines are
 * joined to it); it is split once complete.
 */
static int
set_command(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	char **raw = section_command(sec, key);

	(void)ld;
	free(*raw);
	*raw = xstrdup(value);
	return 0;
}

/* Reject an empty value; return -1 if it was. */
static int
value_empty(struct loader *ld, const char *key, const char *value)
{
	if (*value != '\0')
		return 0;
	loader_error(ld, ld->lineno, "empty value for '%s'", key);
	return -1;
}

/* directory: kept raw, resolved against the config directory later. */
static int
set_directory(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	if (value_empty(ld, key, value) == -1)
		return -1;
	free(sec->dir);
	sec->dir = xstrdup(value);
	return 0;
}

/* pidfile = PATH: the worker daemonizes and writes its pid there. */
static int
set_pidfile(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	if (value_empty(ld, key, value) == -1)
		return -1;
	free(sec->spec->pidfile);
	sec->spec->pidfile = xstrdup(value);
	return 0;
}

/* env.NAME = value. */
static int
set_env(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	const char *name = key + 4;

	if (!env_name_valid(name, strlen(name))) {
		loader_error(ld, ld->lineno, "invalid environment variable "
		    "name '%s' in '%s'", name, key);
		return -1;
	}
	env_set(&sec->spec->env, name, value);
	return 0;
}

/* restart = permanent | transient | temporary. */
static int
set_restart(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	for (size_t i = 0; i < sizeof restart_names / sizeof restart_names[0];
	    i++) {
		if (strcmp(value, restart_names[i]) == 0) {
			sec->spec->restart = (enum restart)i;
			return 0;
		}
	}
	loader_error(ld, ld->lineno, "invalid %s '%s' (expected permanent, "
	    "transient or temporary)", key, value);
	return -1;
}

/* shutdown = duration | infinity | brutal_kill. */
static int
set_shutdown(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	struct node_spec *n = sec->spec;
	int64_t ms;

	if (strcmp(value, "infinity") == 0) {
		n->shutdown = SHUTDOWN_INFINITY;
		n->shutdown_ms = 0;
	} else if (strcmp(value, "brutal_kill") == 0) {
		n->shutdown = SHUTDOWN_BRUTAL_KILL;
		n->shutdown_ms = 0;
	} else if (duration_parse(value, &ms) == 0) {
		n->shutdown = SHUTDOWN_TIMEOUT;
		n->shutdown_ms = ms;
	} else {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected a "
		    "duration such as 5s, infinity or brutal_kill)", key,
		    value);
		return -1;
	}
	return 0;
}

/* stop_signal = TERM | SIGTERM | 15. */
static int
set_stop_signal(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	int sig;

	if ((sig = signal_parse(value)) == -1) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected a "
		    "signal name such as TERM or a number)", key, value);
		return -1;
	}
	sec->spec->stop_signal = sig;
	return 0;
}

/* user, group: names, looked up once the whole section is known. */
static int
set_owner(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	char **field = strcmp(key, "user") == 0 ? &sec->spec->user :
	    &sec->spec->group;

	if (value_empty(ld, key, value) == -1)
		return -1;
	free(*field);
	*field = xstrdup(value);
	return 0;
}

/* strategy = one_for_one | one_for_all | rest_for_one. */
static int
set_strategy(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	for (size_t i = 0;
	    i < sizeof strategy_names / sizeof strategy_names[0]; i++) {
		if (strcmp(value, strategy_names[i]) == 0) {
			sec->spec->strategy = (enum strategy)i;
			return 0;
		}
	}
	loader_error(ld, ld->lineno, "invalid %s '%s' (expected one_for_one, "
	    "one_for_all or rest_for_one)", key, value);
	return -1;
}

/* intensity = an integer >= 0. */
static int
set_intensity(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	int64_t v = 0;
	const char *p;

	for (p = value; *p >= '0' && *p <= '9' && v <= INT_MAX; p++)
		v = v * 10 + (*p - '0');
	if (p == value || *p != '\0' || v > INT_MAX) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected an "
		    "integer >= 0)", key, value);
		return -1;
	}
	sec->spec->intensity = (int)v;
	return 0;
}

/* period, setup_timeout, cleanup_timeout: a duration > 0. */
static int
set_positive_duration(struct loader *ld, struct section *sec,
    const char *key, const char *value)
{
	struct node_spec *n = sec->spec;
	int64_t ms;

	if (duration_parse(value, &ms) == -1 || ms == 0) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected a "
		    "duration > 0 such as 5s, 250ms or 1.5m)", key, value);
		return -1;
	}
	if (strcmp(key, "period") == 0)
		n->period_ms = ms;
	else if (strcmp(key, "setup_timeout") == 0)
		n->setup_timeout_ms = ms;
	else if (strcmp(key, "start_timeout") == 0)
		n->start_timeout_ms = ms;
	else if (strcmp(key, "check_interval") == 0)
		n->check_interval_ms = ms;
	else
		n->cleanup_timeout_ms = ms;
	return 0;
}

/* restart_delay, restart_delay_max: durations, 0 allowed. */
static int
set_delay(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	int64_t ms;

	if (duration_parse(value, &ms) == -1) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected a "
		    "duration such as 0, 500ms or 2s)", key, value);
		return -1;
	}
	if (strcmp(key, "restart_delay") == 0)
		sec->spec->restart_delay_ms = ms;
	else
		sec->spec->restart_delay_max_ms = ms;
	return 0;
}

/* instances = N, significant = yes|no, auto_shutdown = never|any_...|all_... */
static int
set_pool(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	struct node_spec *n = sec->spec;
	char *end;
	long v;

	if (strcmp(key, "instances") == 0) {
		v = strtol(value, &end, 10);
		if (end == value || *end != '\0' || v < 1 || v > 10000) {
			loader_error(ld, ld->lineno, "invalid instances '%s' "
			    "(expected a number from 1 to 10000)", value);
			return -1;
		}
		n->instances = (int)v;
	} else if (strcmp(key, "significant") == 0) {
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
			n->significant = 1;
		else if (strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0)
			n->significant = 0;
		else {
			loader_error(ld, ld->lineno, "invalid significant "
			    "'%s' (expected yes or no)", value);
			return -1;
		}
	} else if (strcmp(value, "never") == 0)
		n->auto_shutdown = AUTO_SHUTDOWN_NEVER;
	else if (strcmp(value, "any_significant") == 0)
		n->auto_shutdown = AUTO_SHUTDOWN_ANY;
	else if (strcmp(value, "all_significant") == 0)
		n->auto_shutdown = AUTO_SHUTDOWN_ALL;
	else {
		loader_error(ld, ld->lineno, "invalid auto_shutdown '%s' "
		    "(expected never, any_significant or all_significant)",
		    value);
		return -1;
	}
	return 0;
}

/* ready = exec | fd:N | notify | check:COMMAND | delay:DURATION. */
static int
set_ready(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	struct node_spec *n = sec->spec;
	char *end, *err = NULL;
	long fd;

	strv_free(&n->ready_check);
	if (strcmp(value, "exec") == 0)
		n->ready = READY_EXEC;
	else if (strcmp(value, "notify") == 0)
		n->ready = READY_NOTIFY;
	else if (strncmp(value, "fd:", 3) == 0) {
		fd = strtol(value + 3, &end, 10);
		if (end == value + 3 || *end != '\0' || fd < 3 || fd > 1023) {
			loader_error(ld, ld->lineno, "invalid %s '%s' (fd:N "
			    "needs a descriptor from 3 to 1023)", key, value);
			return -1;
		}
		n->ready = READY_FD;
		n->ready_fd = (int)fd;
	} else if (strncmp(value, "check:", 6) == 0) {
		if (argv_split(value + 6, &n->ready_check, &err) == -1) {
			loader_error(ld, ld->lineno, "invalid %s: %s", key,
			    err);
			free(err);
			return -1;
		}
		n->ready = READY_CHECK;
	} else if (strncmp(value, "delay:", 6) == 0) {
		if (duration_parse(value + 6, &n->ready_delay_ms) == -1) {
			loader_error(ld, ld->lineno, "invalid %s '%s' (delay: "
			    "needs a duration such as 2s)", key, value);
			return -1;
		}
		n->ready = READY_DELAY;
	} else {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected exec, "
		    "fd:N, notify, check:COMMAND or delay:DURATION)", key,
		    value);
		return -1;
	}
	return 0;
}

/* socket, state_dir, log_dir: paths, relative to the config directory. */
static int
set_arbor_path(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	char **field = strcmp(key, "socket") == 0 ? &ld->conf->socket :
	    strcmp(key, "log_dir") == 0 ? &ld->conf->log_dir :
	    &ld->conf->state_dir;

	(void)sec;
	if (value_empty(ld, key, value) == -1)
		return -1;
	free(*field);
	*field = path_resolve(ld->conf->dir, value);
	return 0;
}

/* socket_group = NAME: members may use the control socket. */
static int
set_socket_group(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	struct group *gr;

	(void)sec;
	if (value_empty(ld, key, value) == -1)
		return -1;
	if ((gr = getgrnam(value)) == NULL) {
		loader_error(ld, ld->lineno, "unknown group '%s'", value);
		return -1;
	}
	free(ld->conf->socket_group);
	ld->conf->socket_group = xstrdup(value);
	ld->conf->socket_gid = gr->gr_gid;
	return 0;
}

/* event_format = text | json. */
static int
set_event_format(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	(void)sec;
	if (strcmp(value, "text") == 0)
		ld->conf->event_format = EVENT_FORMAT_TEXT;
	else if (strcmp(value, "json") == 0)
		ld->conf->event_format = EVENT_FORMAT_JSON;
	else {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected text "
		    "or json)", key, value);
		return -1;
	}
	return 0;
}

/* umask = an octal mode of up to four digits such as 022 or 0027. */
static int
set_umask(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	unsigned int v = 0;
	const char *p;

	if (value_empty(ld, key, value) == -1)
		return -1;
	for (p = value; *p >= '0' && *p <= '7' && p - value < 4; p++)
		v = v * 8 + (unsigned int)(*p - '0');
	if (*p != '\0' || v > 0777) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected an "
		    "octal mode such as 022 or 0027)", key, value);
		return -1;
	}
	sec->spec->umask = (mode_t)v;
	sec->spec->umask_set = 1;
	return 0;
}

/* nice = an integer from -20 (most favourable) to 19. */
static int
set_nice(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	const char *p = value;
	int v = 0, neg = 0;

	if (value_empty(ld, key, value) == -1)
		return -1;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9' && v <= 20; p++)
		v = v * 10 + (*p - '0');
	if (neg)
		v = -v;
	if (p == value || !isdigit((unsigned char)p[-1]) || *p != '\0' ||
	    v < -20 || v > 19) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected an "
		    "integer from -20 to 19)", key, value);
		return -1;
	}
	sec->spec->nice = v;
	sec->spec->nice_set = 1;
	return 0;
}

/*
 * One side of a limit, S: infinity or unlimited, or a number: a count, a
 * size in bytes with an optional K, M, G or T (powers of 1024), or whole
 * seconds written as a duration. 0 and *V on success, -1 if invalid.
 */
static int
limit_value(enum limit_unit unit, const char *s, rlim_t *v)
{
	const uint64_t max = (uint64_t)RLIM_INFINITY - 1;
	uint64_t n = 0, mult = 1;
	int64_t ms;
	const char *p;

	if (strcmp(s, "infinity") == 0 || strcmp(s, "unlimited") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	if (unit == UNIT_SECONDS) {
		if (duration_parse(s, &ms) == -1 || ms % 1000 != 0 ||
		    (uint64_t)(ms / 1000) > max)
			return -1;
		*v = (rlim_t)(ms / 1000);
		return 0;
	}
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n > (max - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	if (unit == UNIT_BYTES && *p != '\0' && p[1] == '\0') {
		switch (*p++) {
		case 'K': case 'k':
			mult = UINT64_C(1) << 10;
			break;
		case 'M': case 'm':
			mult = UINT64_C(1) << 20;
			break;
		case 'G': case 'g':
			mult = UINT64_C(1) << 30;
			break;
		case 'T': case 't':
			mult = UINT64_C(1) << 40;
			break;
		default:
			return -1;
		}
	}
	if (*p != '\0' || n > max / mult)
		return -1;
	*v = (rlim_t)(n * mult);
	return 0;
}

/* limit.NAME = VALUE | SOFT:HARD; one VALUE sets both limits. */
static int
set_limit(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	static const char *expect[] = {
		[UNIT_COUNT] = "a number",
		[UNIT_BYTES] = "a size such as 512M",
		[UNIT_SECONDS] = "whole seconds such as 60 or 2m",
	};
	struct limit_spec *ls;
	const char *colon;
	rlim_t softv = 0, hardv = 0;
	char *soft;
	size_t l;
	int bad;

	if (value_empty(ld, key, value) == -1)
		return -1;
	for (l = 0; strcmp(limitdefs[l].key, key) != 0; l++)
		;
	if ((colon = strchr(value, ':')) == NULL) {
		bad = limit_value(limitdefs[l].unit, value, &softv) == -1;
		hardv = softv;
	} else {
		soft = xstrndup(value, (size_t)(colon - value));
		bad = limit_value(limitdefs[l].unit, soft, &softv) == -1 ||
		    limit_value(limitdefs[l].unit, colon + 1, &hardv) == -1;
		free(soft);
	}
	if (bad) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected %s, "
		    "infinity or SOFT:HARD)", key, value,
		    expect[limitdefs[l].unit]);
		return -1;
	}
	if (hardv != RLIM_INFINITY &&
	    (softv == RLIM_INFINITY || softv > hardv)) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (the soft limit "
		    "is above the hard limit)", key, value);
		return -1;
	}
	ls = &sec->spec->limits[l];
	ls->set = 1;
	ls->soft = softv;
	ls->hard = hardv;
	return 0;
}

/* log = stderr | syslog: where arbord's messages and events go. */
static int
set_log(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	(void)sec;
	if (strcmp(value, "stderr") == 0)
		ld->conf->log_syslog = 0;
	else if (strcmp(value, "syslog") == 0)
		ld->conf->log_syslog = 1;
	else {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected stderr "
		    "or syslog)", key, value);
		return -1;
	}
	return 0;
}

/* stdout, stderr = log | inherit | null | file:PATH; stderr = stdout. */
static int
set_stream(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	struct stream_spec *ss = &sec->spec->streams[strcmp(key, "stderr") ==
	    0 ? STREAM_ERR : STREAM_OUT];
	const char *path;

	free(ss->file);
	ss->file = NULL;
	if (strcmp(value, "log") == 0)
		ss->mode = STREAM_LOG;
	else if (strcmp(value, "inherit") == 0)
		ss->mode = STREAM_INHERIT;
	else if (strcmp(value, "null") == 0)
		ss->mode = STREAM_NULL;
	else if (strcmp(value, "stdout") == 0 && strcmp(key, "stderr") == 0)
		ss->mode = STREAM_STDOUT;
	else if (strncmp(value, "file:", 5) == 0) {
		for (path = value + 5; isspace((unsigned char)*path); path++)
			;
		if (*path == '\0') {
			loader_error(ld, ld->lineno, "invalid %s '%s' (file: "
			    "needs a path)", key, value);
			return -1;
		}
		/* Resolved against the worker's directory (node_inherit). */
		ss->mode = STREAM_FILE;
		ss->file = xstrdup(path);
	} else {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected log, "
		    "inherit, null%s or file:PATH)", key, value,
		    strcmp(key, "stderr") == 0 ? ", stdout" : "");
		return -1;
	}
	return 0;
}

/* log_max_size = a size in bytes with K, M or G, at least 4K. */
static int
set_log_max_size(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	rlim_t v;

	(void)sec;
	if (strcmp(value, "infinity") == 0 || strcmp(value, "unlimited") ==
	    0 || limit_value(UNIT_BYTES, value, &v) == -1 ||
	    v < CONF_LOG_MIN_SIZE) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected a size "
		    "such as 10M, at least 4K)", key, value);
		return -1;
	}
	ld->conf->log_max_size = (uint64_t)v;
	return 0;
}

/* log_keep = how many rotated files to keep, 0 to 1000. */
static int
set_log_keep(struct loader *ld, struct section *sec, const char *key,
    const char *value)
{
	const char *p;
	int v = 0;

	(void)sec;
	for (p = value; *p >= '0' && *p <= '9' && v <= CONF_LOG_MAX_KEEP; p++)
		v = v * 10 + (*p - '0');
	if (p == value || *p != '\0' || v > CONF_LOG_MAX_KEEP) {
		loader_error(ld, ld->lineno, "invalid %s '%s' (expected an "
		    "integer from 0 to %d)", key, value, CONF_LOG_MAX_KEEP);
		return -1;
	}
	ld->conf->log_keep = v;
	return 0;
}

/* Report KEY, which SEC does not take, as helpfully as possible. */
static void
key_unknown(struct loader *ld, struct section *sec, const char *key)
{
	const struct keydef *kd = keydef_find(key);
	int kinds = section_kindbit(sec);
	char *where, *hint, *list;

	if (sec->kind == SECTION_NODE && kd != NULL) {
		loader_error(ld, ld->lineno, "'%s' is %s key; '%s' is a %s",
		    key, (kd->kinds & KIND_ARBOR) ? "an [arbor]" :
		    (kd->kinds & KIND_INCLUDE) ? "an [include]" :
		    (kd->kinds & KIND_WORKER) ? "a worker" : "a supervisor",
		    sec->spec->path, kind_name(sec->spec->kind));
		return;
	}
	where = section_label(sec);
	if ((hint = key_suggest(key, kinds)) != NULL)
		loader_error(ld, ld->lineno, "unknown key '%s' in %s (did "
		    "you mean '%s'?)", key, where, hint);
	else if (sec->kind == SECTION_ARBOR)
		loader_error(ld, ld->lineno, "unknown key '%s' in %s "
		    "(expected socket, socket_group, state_dir, "
		    "event_format, log, log_dir, log_max_size or log_keep)",
		    key, where);
	else if (sec->kind == SECTION_INCLUDE)
		loader_error(ld, ld->lineno, "unknown key '%s' in %s "
		    "(expected files)", key, where);
	else if ((kinds & KIND_WORKER) && strncmp(key, "limit.", 6) == 0) {
		list = xstrdup(limitdefs[0].key);
		for (size_t i = 1; i < LIMIT_COUNT; i++) {
			hint = xasprintf("%s%s%s", list,
			    i + 1 < LIMIT_COUNT ? ", " : " or ",
			    limitdefs[i].key);
			free(list);
			list = hint;
		}
		hint = NULL;
		loader_error(ld, ld->lineno, "unknown key '%s' in %s "
		    "(expected %s)", key, where, list);
		free(list);
	} else
		loader_error(ld, ld->lineno, "unknown key '%s' in %s", key,
		    where);
	free(hint);
	free(where);
}

/* An indented line continuing the last key: append it with a space. */
static void
key_continue(struct loader *ld, const char *value)
{
	const struct keydef *kd = keydef_find(ld->lastkey);
	char **raw, *s;

	if (kd == NULL || !kd->multiline) {
		loader_error(ld, ld->lineno, "key '%s' does not take "
		    "continuation lines", ld->lastkey);
		ld->accept_cont = 0;
		return;
	}
	raw = section_command(ld->lastsec, ld->lastkey);
	s = xasprintf("%s%s%s", *raw, **raw != '\0' ? " " : "", value);
	free(*raw);
	*raw = s;
}

/* inih's handler: one key = value of section "#N", or a continuation. */
static int
config_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct loader *ld = user;
	const struct keydef *kd;
	struct section *sec;
	char *where;
	int first;

	if (key == NULL || value == NULL)
		return 1;
	if (ld->cont) {
		if (ld->accept_cont)
			key_continue(ld, value);
		return 1;
	}
	ld->accept_cont = 0;
	free(ld->lastkey);
	ld->lastkey = xstrdup(key);
	if (section[0] != '#') {
		loader_error(ld, ld->lineno, "key '%s' is outside any "
		    "section", key);
		return 1;
	}
	sec = ld->sections[strtoul(section + 1, NULL, 10)];
	ld->lastsec = sec;
	if (sec->kind == SECTION_BAD)
		return 1;
	kd = keydef_find(key);
	if (kd == NULL || (kd->kinds & section_kindbit(sec)) == 0) {
		key_unknown(ld, sec, key);
		return 1;
	}
	if ((first = section_key_line(sec, key)) != 0) {
		where = section_label(sec);
		loader_error(ld, ld->lineno, "duplicate key '%s' in %s (first "
		    "set at line %d)", key, where, first);
		free(where);
		return 1;
	}
	section_key_add(sec, key, ld->lineno);
	if (kd->set(ld, sec, key, value) == 0)
		ld->accept_cont = 1;
	return 1;
}

/* inih's scan for CHARS, stopping at an inline " ;" comment. */
static char *
find_chars_or_comment(char *s, const char *chars)
{
	int was_space = 0;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
	    !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/* A section header at P: register it and return the alias for inih. */
static const char *
config_section_line(struct loader *ld, char *p)
{
	char *name = p + 1, *end = strchr(name, ']'), *q;

	ld->contable = 0;
	ld->accept_cont = 0;
	if (end == NULL) {
		/* Its keys are ignored rather than given to the last one. */
		loader_error(ld, ld->lineno, "section header without ']'");
		section_new(ld);
	} else {
		for (q = end + 1; isspace((unsigned char)*q); q++)
			;
		if (*q != '\0' && *q != ';' && *q != '#')
			loader_error(ld, ld->lineno, "unexpected text after "
			    "section header: '%s'", q);
		while (isspace((unsigned char)*name))
			name++;
		while (end > name && isspace((unsigned char)end[-1]))
			end--;
		*end = '\0';
		section_open(ld, name);
	}
	snprintf(ld->alias, sizeof ld->alias, "[#%zu]", ld->nsections - 1);
	return ld->alias;
}

/* Check one physical line and choose what inih gets to see of it. */
static const char *
config_line(struct loader *ld, char *line, size_t len, size_t max)
{
	char *p, *sep;

	for (p = line; isspace((unsigned char)*p); p++)
		;
	if (strlen(line) != len || len > max) {
		if (strlen(line) != len)
			loader_error(ld, ld->lineno,
			    "line contains a NUL byte");
		else
			loader_error(ld, ld->lineno, "line too long (%zu "
			    "characters, at most %zu); split it with indented "
			    "continuation lines", len, max);
		ld->accept_cont = 0;
		if (*p != '[' || (p > line && ld->contable)) {
			/* Lines continuing this one are ignored with it. */
			ld->contable = 1;
			return "";
		}
		/* A broken header: keep its keys out of the last section. */
		section_new(ld);
		ld->contable = 0;
		snprintf(ld->alias, sizeof ld->alias, "[#%zu]",
		    ld->nsections - 1);
		return ld->alias;
	}
	if (*p == '\0' || *p == ';' || *p == '#')
		return "";
	if (p > line && ld->contable) {
		/* inih would call the handler again with the last key. */
		if (!ld->accept_cont)
			return "";
		*find_chars_or_comment(p, NULL) = '\0';
		ld->cont = 1;
		return line;
	}
	if (*p == '[')
		return config_section_line(ld, p);
	sep = find_chars_or_comment(p, "=:");
	if (*sep != '=' && *sep != ':') {
		loader_error(ld, ld->lineno, "syntax error: expected "
		    "'key = value', '[section]' or a comment");
		ld->accept_cont = 0;
		ld->contable = 1;
		return "";
	}
	if (sep == p) {
		loader_error(ld, ld->lineno, "missing key name before '%c'",
		    *sep);
		ld->accept_cont = 0;
		ld->contable = 1;
		return "";
	}
	ld->contable = 1;
	return line;
}

/* inih's reader: hand over the next physical line, checked and mapped. */
static char *
config_reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *out;
	ssize_t n;
	char *line;
	size_t len;

	ld->cont = 0;
	if (num < 2)
		return NULL;
	errno = 0;
	if ((n = getline(&ld->buf, &ld->bufsz, ld->fp)) == -1) {
		if (ferror(ld->fp))
			ld->read_errno = errno != 0 ? errno : EIO;
		return NULL;
	}
	ld->lineno++;
	line = ld->buf;
	len = (size_t)n;
	if (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (ld->lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	out = config_line(ld, line, len, (size_t)num - 1);
	len = strlen(out);
	memmove(str, out, len + 1);
	return str;
}

/* Split a command-line key's text into V, reporting errors at its line. */
static void
finish_command(struct loader *ld, struct section *sec, const char *key,
    const char *raw, struct strv *v)
{
	char *err;

	if (raw == NULL)
		return;
	if (argv_split(raw, v, &err) == -1) {
		loader_error_in(ld, sec->file, section_key_line(sec, key),
		    "invalid %s: %s", key, err);
		free(err);
	}
}

/* Look up user and group names; the user's group unless one is given. */
static void
finish_owner(struct loader *ld, struct section *sec)
{
	struct node_spec *n = sec->spec;
	struct passwd *pw;
	struct group *gr;

	if (n->user != NULL) {
		if ((pw = getpwnam(n->user)) == NULL)
			loader_error_in(ld, sec->file,
			    section_key_line(sec, "user"),
			    "unknown user '%s'", n->user);
		else {
			n->uid = pw->pw_uid;
			n->gid = pw->pw_gid;
		}
	}
	if (n->group != NULL) {
		if ((gr = getgrnam(n->group)) == NULL)
			loader_error_in(ld, sec->file,
			    section_key_line(sec, "group"),
			    "unknown group '%s'", n->group);
		else
			n->gid = gr->gr_gid;
	}
}

/* Complete one node section: commands, owner, explicit directory. */
static void
finish_section(struct loader *ld, struct section *sec)
{
	struct node_spec *n = sec->spec;

	if (n->kind == NODE_WORKER && sec->command == NULL)
		loader_error_in(ld, sec->file, sec->line, "worker '%s' has no "
		    "command", n->path);
	finish_command(ld, sec, "command", sec->command, &n->argv);
	finish_command(ld, sec, "setup", sec->setup, &n->setup);
	finish_command(ld, sec, "cleanup", sec->cleanup, &n->cleanup);
	finish_owner(ld, sec);
	if (sec->dir != NULL)
		n->directory = path_resolve(sec->file->dir, sec->dir);
	if (n->significant && n->restart == RESTART_PERMANENT)
		loader_error_in(ld, sec->file, sec->line, "'%s' is significant "
		    "but permanent (significant children must be transient "
		    "or temporary)", n->path);
}

static void	node_adopt(struct node_spec *, struct node_spec *);

/*
 * Turn worker N with instances = K into a pool: N becomes a one_for_one
 * supervisor with N's parent's intensity and period, and K workers
 * N/1 .. N/K take its command and settings (the tree gives each its
 * ARBOR_INSTANCE, so that their settings stay equal and are shared).
 */
static void
expand_pool(struct config *conf, struct node_spec *n)
{
	struct node_spec *w;

	for (int i = 1; i <= n->instances; i++) {
		w = spec_dup(n);
		free(w->path);
		w->path = xasprintf("%s/%d", n->path, i);
		w->name = strrchr(w->path, '/') + 1;
		w->file = n->file;
		w->line = n->line;
		w->instances = 0;
		node_adopt(n, w);
		conf->nodes = xreallocarray(conf->nodes, conf->nnodes + 1,
		    sizeof *conf->nodes);
		conf->nodes[conf->nnodes++] = w;
	}
	n->kind = NODE_SUPERVISOR;
	n->strategy = STRATEGY_ONE_FOR_ONE;
	n->intensity = n->parent->intensity;
	n->period_ms = n->parent->period_ms;
	n->significant = 0;
	strv_free(&n->argv);
	strv_free(&n->env);	/* the instances have it */
	free(n->pidfile);
	n->pidfile = NULL;
	n->ready = READY_EXEC;
	for (int i = 0; i < STREAM_COUNT; i++) {
		free(n->streams[i].file);
		n->streams[i].file = NULL;
		n->streams[i].mode = STREAM_LOG;
	}
}

/* Append CHILD to its parent's children. */
static void
node_adopt(struct node_spec *parent, struct node_spec *child)
{
	parent->children = xreallocarray(parent->children,
	    parent->nchildren + 1, sizeof *parent->children);
	parent->children[parent->nchildren++] = child;
	child->parent = parent;
}

/* Find the root and every node's parent; link children in order. */
static void
finish_tree(struct loader *ld)
{
	struct config *conf = ld->conf;
	struct section *sec, *psec, *rootsec = NULL;
	struct node_spec *n;
	const char *slash;
	char *where;

	for (size_t i = 0; i < ld->nsections; i++) {
		sec = ld->sections[i];
		if (sec->kind != SECTION_NODE || sec->duplicate)
			continue;
		n = sec->spec;
		if ((slash = strrchr(n->path, '/')) == NULL) {
			if (n->kind == NODE_WORKER)
				loader_error_in(ld, sec->file, n->line,
				    "worker '%s' needs a parent supervisor",
				    n->path);
			else if (rootsec != NULL) {
				where = place(sec->file, rootsec->file,
				    rootsec->line);
				loader_error_in(ld, sec->file, n->line,
				    "second root supervisor '%s' (the root is "
				    "'%s', %s)", n->path, conf->root->path,
				    where);
				free(where);
			} else {
				rootsec = sec;
				conf->root = n;
			}
			continue;
		}
		psec = section_find(ld, n->path, (size_t)(slash - n->path));
		if (psec == NULL)
			loader_error_in(ld, sec->file, n->line, "parent '%.*s' "
			    "of '%s' is not a declared supervisor",
			    (int)(slash - n->path), n->path, n->path);
		else if (psec->spec->kind == NODE_WORKER)
			loader_error_in(ld, sec->file, n->line, "parent '%s' "
			    "of '%s' is a worker, not a supervisor",
			    psec->spec->path, n->path);
		else
			node_adopt(psec->spec, n);
	}
	if (conf->root == NULL)
		loader_error_in(ld, ld->files[0], 1, "no root supervisor");
}

/* The file that declares N. */
static const struct srcfile *
node_file(const struct loader *ld, const struct node_spec *n)
{
	for (size_t i = 0; i < ld->nfiles; i++)
		if (ld->files[i]->name == n->file)
			return ld->files[i];
	return ld->files[0];
}

/*
 * Give N and its subtree their directories: one not set explicitly is the
 * parent's if the parent is declared in the same file, else the directory
 * of the node's own file.
 */
static void
node_inherit(const struct loader *ld, struct node_spec *n)
{
	if (n->directory == NULL) {
		if (n->parent != NULL && n->parent->file == n->file)
			n->directory = xstrdup(n->parent->directory);
		else
			n->directory = xstrdup(node_file(ld, n)->dir);
	}
	for (int i = 0; i < STREAM_COUNT; i++) {
		struct stream_spec *ss = &n->streams[i];
		char *abs;
		if (ss->mode != STREAM_FILE)
			continue;
		abs = path_resolve(n->directory, ss->file);
		free(ss->file);
		ss->file = abs;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		node_inherit(ld, n->children[i]);
}

/*
 * Everything after the last line of the last file: collect the nodes and,
 * if every file was read to its end, validate and link the tree.
 */
static void
config_finish(struct loader *ld)
{
	struct config *conf = ld->conf;
	struct section *sec;
	int check = !ld->incomplete;

	for (size_t i = 0; i < ld->nsections; i++) {
		sec = ld->sections[i];
		if (sec->kind != SECTION_NODE || sec->duplicate)
			continue;
		if (check)
			finish_section(ld, sec);
		conf->nodes = xreallocarray(conf->nodes, conf->nnodes + 1,
		    sizeof *conf->nodes);
		conf->nodes[conf->nnodes++] = sec->spec;
	}
	if (!check)
		return;
	finish_tree(ld);
	if (conf->root != NULL)
		node_inherit(ld, conf->root);
	for (size_t i = 0, n = conf->nnodes; i < n && conf->root != NULL; i++)
		if (conf->nodes[i]->kind == NODE_WORKER &&
		    conf->nodes[i]->instances > 0 && conf->nodes[i]->parent)
			expand_pool(conf, conf->nodes[i]);
}

/*
 * Add NAME to the files read, included by FROM at LINE (FROM is NULL for
 * the main file). Its name is kept by the configuration, for the nodes.
 */
static struct srcfile *
srcfile_new(struct loader *ld, const char *name, struct srcfile *from,
    int line)
{
	struct srcfile *f = xcalloc(1, sizeof *f);

	strv_push(&ld->conf->files, xstrdup(name));
	f->name = ld->conf->files.v[ld->conf->files.n - 1];
	f->index = ld->nfiles;
	f->from = from;
	f->from_line = line;
	f->depth = from != NULL ? from->depth + 1 : 0;
	ld->files = xreallocarray(ld->files, ld->nfiles + 1,
	    sizeof *ld->files);
	ld->files[ld->nfiles++] = f;
	if ((f->dir = config_dir(name)) == NULL) {
		loader_error_in(ld, f, 0, "cannot find the current "
		    "directory: %s", strerror(errno));
		f->dir = xstrdup(".");
	}
	return f;
}

/* Remember which file FP is, to read no file twice. */
static void
srcfile_identify(struct srcfile *f, FILE *fp)
{
	struct stat st;

	if (fstat(fileno(fp), &st) == 0) {
		f->identified = 1;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
	}
}

/* glob's error callback has no argument: where errors go, during glob. */
static struct loader	*glob_ld;
static struct srcfile	*glob_file;
static int		 glob_line;

/* glob could not read a directory: an error unless it does not exist. */
static int
include_glob_error(const char *path, int errnum)
{
	if (errnum != ENOENT && errnum != ENOTDIR)
		loader_error_in(glob_ld, glob_file, glob_line, "cannot read "
		    "directory '%s': %s", path, strerror(errnum));
	return 0;
}

/* Order file names byte by byte, whatever the locale. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The chain of includes from G, which is being read, down to FROM, which
 * includes G again: "a.ini -> b.ini -> a.ini". Allocated.
 */
static char *
include_chain(const struct srcfile *g, const struct srcfile *from)
{
	const struct srcfile *f;
	char *s = xstrdup(g->name), *t;

	for (f = from; f != NULL; f = f->from) {
		t = xasprintf("%s -> %s", f->name, s);
		free(s);
		s = t;
		if (f == g)
			break;
	}
	return s;
}

/* Is G being read, that is FROM or a file that (indirectly) includes it? */
static int
include_active(const struct srcfile *g, const struct srcfile *from)
{
	for (; from != NULL; from = from->from)
		if (from == g)
			return 1;
	return 0;
}

/* Read NAME, matched by the [include] at LINE of FROM. */
static void
include_file(struct loader *ld, struct srcfile *from, int line,
    const char *name)
{
	struct srcfile *f, *g;
	FILE *fp;
	char *s;
	int saved;

	if (from->depth >= CONF_MAX_INCLUDE) {
		loader_error_in(ld, from, line, "cannot include '%s': "
		    "includes nested too deeply (at most %d levels)", name,
		    CONF_MAX_INCLUDE);
		return;
	}
	if ((fp = fopen(name, "r")) == NULL) {
		saved = errno;
		f = srcfile_new(ld, name, from, line);
		loader_error_in(ld, f, 0, "cannot open: %s", strerror(saved));
		ld->incomplete = 1;
		return;
	}
	f = xcalloc(1, sizeof *f);
	srcfile_identify(f, fp);
	for (size_t i = 0; f->identified && i < ld->nfiles; i++) {
		g = ld->files[i];
		if (!g->identified || g->dev != f->dev || g->ino != f->ino)
			continue;
		if (include_active(g, from)) {
			s = include_chain(g, from);
			loader_error_in(ld, from, line, "include cycle: %s", s);
		} else {
			s = place(from, g->from, g->from_line);
			loader_error_in(ld, from, line, "'%s' is already "
			    "included (at %s)", name, s);
		}
		free(s);
		free(f);
		fclose(fp);
		return;
	}
	free(f);
	f = srcfile_new(ld, name, from, line);
	srcfile_identify(f, fp);
	loader_read(ld, f, fp);
}

/*
 * Read the files F's [include] names: files = PATTERN..., split like a
 * command, relative patterns taken from F's directory. Each pattern's
 * matches are read in sorted order; a pattern matching nothing adds
 * nothing, and directories matched by a wildcard are skipped.
 */
static void
include_patterns(struct loader *ld, struct srcfile *f)
{
	struct section *sec = f->include;
	struct strv pats = { NULL, 0, 0 };
	char *err, *copy, *pat;
	const char *base, *p;
	struct stat st;
	glob_t gl;
	int line, rc;

	if (sec == NULL || sec->files == NULL)
		return;
	line = section_key_line(sec, "files");
	for (p = sec->files; isspace((unsigned char)*p); p++)
		;
	if (*p == '\0') {
		loader_error_in(ld, f, line, "empty value for 'files'");
		return;
	}
	if (argv_split(sec->files, &pats, &err) == -1) {
		loader_error_in(ld, f, line, "invalid files: %s", err);
		free(err);
		return;
	}
	copy = xstrdup(f->name);
	base = dirname(copy);
	for (size_t i = 0; i < pats.n; i++) {
		pat = path_resolve(base, pats.v[i]);
		memset(&gl, 0, sizeof gl);
		glob_ld = ld;
		glob_file = f;
		glob_line = line;
		rc = glob(pat, GLOB_NOSORT, include_glob_error, &gl);
		if (rc == GLOB_NOSPACE)
			loader_error_in(ld, f, line, "out of memory");
		else if (rc == 0) {
			qsort(gl.gl_pathv, gl.gl_pathc, sizeof *gl.gl_pathv,
			    name_cmp);
			for (size_t j = 0; j < gl.gl_pathc; j++) {
				if (strpbrk(pats.v[i], "*?[") != NULL &&
				    stat(gl.gl_pathv[j], &st) == 0 &&
				    S_ISDIR(st.st_mode))
					continue;
				include_file(ld, f, line, gl.gl_pathv[j]);
			}
		}
		globfree(&gl);
		free(pat);
	}
	free(copy);
	strv_free(&pats);
}

/* Read F from FP (and close it), then the files it includes. */
static void
loader_read(struct loader *ld, struct srcfile *f, FILE *fp)
{
	ld->cur = f;
	ld->fp = fp;
	ld->lineno = 0;
	ld->read_errno = 0;
	ld->cont = ld->contable = ld->accept_cont = 0;
	free(ld->lastkey);
	ld->lastkey = NULL;
	ld->lastsec = NULL;
	if (ini_parse_stream(config_reader, ld, config_handler, ld) == -2)
		loader_error(ld, 0, "out of memory");
	fclose(fp);
	ld->fp = NULL;
	if (ld->read_errno != 0) {
		loader_error(ld, 0, "cannot read: %s",
		    strerror(ld->read_errno));
		ld->incomplete = 1;
	}
	include_patterns(ld, f);
}

/* Hand the sorted errors to ERRS and free the loader's own memory. */
static void
loader_done(struct loader *ld, struct errlist *errs)
{
	struct loader_error *e;

	if (ld->nerrors > 1)
		qsort(ld->errors, ld->nerrors, sizeof *ld->errors,
		    loader_error_cmp);
	for (size_t i = 0; i < ld->nerrors; i++) {
		e = &ld->errors[i];
		if (errs != NULL)
			errlist_add(errs, e->file->name, e->line, "%s",
			    e->msg);
		free(e->msg);
	}
	free(ld->errors);
	for (size_t i = 0; i < ld->nsections; i++)
		section_free(ld->sections[i]);
	free(ld->sections);
	for (size_t i = 0; i < ld->nfiles; i++) {
		free(ld->files[i]->dir);
		free(ld->files[i]);
	}
	free(ld->files);
	free(ld->lastkey);
	free(ld->buf);
}

/* Load and validate FILE and what it includes; see config.h. */
struct config *
config_load(const char *file, struct errlist *errs)
{
	struct loader ld;
	struct config *conf;
	struct srcfile *top;
	FILE *fp;
	int failed;

	memset(&ld, 0, sizeof ld);
	if ((fp = fopen(file, "r")) == NULL) {
		if (errs != NULL)
			errlist_add(errs, file, 0, "cannot open: %s",
			    strerror(errno));
		return NULL;
	}
	conf = xcalloc(1, sizeof *conf);
	conf->file = xstrdup(file);
	conf->event_format = EVENT_FORMAT_TEXT;
	conf->log_max_size = CONF_LOG_MAX_SIZE;
	conf->log_keep = CONF_LOG_KEEP;
	ld.conf = conf;
	top = srcfile_new(&ld, file, NULL, 0);
	conf->dir = xstrdup(top->dir);
	srcfile_identify(top, fp);
	loader_read(&ld, top, fp);
	config_finish(&ld);

	failed = ld.nerrors != 0;
	loader_done(&ld, errs);
	if (failed) {
		config_free(conf);
		return NULL;
	}
	return conf;
}

/* Free a configuration and every node in it. */
void
config_free(struct config *conf)
{
	if (conf == NULL)
		return;
	for (size_t i = 0; i < conf->nnodes; i++)
		spec_free(conf->nodes[i]);
	free(conf->nodes);
	free(conf->file);
	free(conf->dir);
	strv_free(&conf->files);
	free(conf->socket);
	free(conf->socket_group);
	free(conf->state_dir);
	free(conf->log_dir);
	free(conf);
}

/* The node at PATH ("root/x"), or NULL. */
struct node_spec *
config_find(const struct config *conf, const char *path)
{
	for (size_t i = 0; i < conf->nnodes; i++)
		if (strcmp(conf->nodes[i]->path, path) == 0)
			return conf->nodes[i];
	return NULL;
}

/* A copy of N's own settings, without parent, children or source line. */
struct node_spec *
spec_dup(const struct node_spec *n)
{
	struct node_spec *c = xcalloc(1, sizeof *c);
	const char *slash;

	*c = *n;	/* every scalar, umask, nice and limits too */
	c->refs = 1;
	c->path = xstrdup(n->path);
	slash = strrchr(c->path, '/');
	c->name = slash != NULL ? slash + 1 : c->path;
	c->file = NULL;
	c->line = 0;
	c->parent = NULL;
	c->children = NULL;
	c->nchildren = 0;
	c->directory = n->directory ? xstrdup(n->directory) : NULL;
	c->user = n->user ? xstrdup(n->user) : NULL;
	c->group = n->group ? xstrdup(n->group) : NULL;
	c->pidfile = n->pidfile ? xstrdup(n->pidfile) : NULL;
	for (int i = 0; i < STREAM_COUNT; i++)
		c->streams[i].file = n->streams[i].file ?
		    xstrdup(n->streams[i].file) : NULL;
	memset(&c->ready_check, 0, sizeof c->ready_check);
	strv_copy(&c->ready_check, n->ready_check.v);
	memset(&c->env, 0, sizeof c->env);
	memset(&c->argv, 0, sizeof c->argv);
	memset(&c->setup, 0, sizeof c->setup);
	memset(&c->cleanup, 0, sizeof c->cleanup);
	strv_copy(&c->env, n->env.v);
	strv_copy(&c->argv, n->argv.v);
	strv_copy(&c->setup, n->setup.v);
	strv_copy(&c->cleanup, n->cleanup.v);
	return c;
}

/* Another reference to copy N (from spec_dup). */
struct node_spec *
spec_ref(struct node_spec *n)
{
	n->refs++;
	return n;
}

/* Do two string vectors hold the same strings in the same order? */
static int
strv_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* Are two optional strings equal? */
static int
str_equal(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Are two limit settings the same? */
static int
limit_equal(const struct limit_spec *a, const struct limit_spec *b)
{
	if (a->set != b->set)
		return 0;
	return !a->set || (a->soft == b->soft && a->hard == b->hard);
}

/*
 * Compare the own settings of A and B (not children, not the source
 * line); push the name of every key that differs to CHANGED (may be NULL).
 * Returns the number of differing keys.
 */
int
spec_diff(const struct node_spec *a, const struct node_spec *b,
    struct strv *changed)
{
	int n = 0;

#define DIFF(cond, key) do {					\
		if (cond) {						\
			n++;						\
			if (changed != NULL)				\
				strv_push(changed, xstrdup(key));	\
		}							\
	} while (0)
	DIFF(a->kind != b->kind, "kind");
	DIFF(!strv_equal(&a->argv, &b->argv), "command");
	DIFF(!str_equal(a->directory, b->directory), "directory");
	DIFF(!strv_equal(&a->env, &b->env), "env");
	DIFF(a->restart != b->restart, "restart");
	DIFF(a->shutdown != b->shutdown || a->shutdown_ms != b->shutdown_ms,
	    "shutdown");
	DIFF(a->stop_signal != b->stop_signal, "stop_signal");
	DIFF(!str_equal(a->user, b->user) || a->uid != b->uid, "user");
	DIFF(!str_equal(a->group, b->group) || a->gid != b->gid, "group");
	DIFF(a->umask_set != b->umask_set ||
	    (a->umask_set && a->umask != b->umask), "umask");
	DIFF(a->nice_set != b->nice_set ||
	    (a->nice_set && a->nice != b->nice), "nice");
	for (size_t i = 0; i < LIMIT_COUNT; i++)
		DIFF(!limit_equal(&a->limits[i], &b->limits[i]),
		    limitdefs[i].key);
	DIFF(!str_equal(a->pidfile, b->pidfile), "pidfile");
	for (int i = 0; i < STREAM_COUNT; i++)
		DIFF(a->streams[i].mode != b->streams[i].mode ||
		    !str_equal(a->streams[i].file, b->streams[i].file),
		    stream_key(i));
	DIFF(a->ready != b->ready || a->ready_fd != b->ready_fd ||
	    a->ready_delay_ms != b->ready_delay_ms ||
	    !strv_equal(&a->ready_check, &b->ready_check), "ready");
	DIFF(a->start_timeout_ms != b->start_timeout_ms, "start_timeout");
	DIFF(a->check_interval_ms != b->check_interval_ms, "check_interval");
	DIFF(a->restart_delay_ms != b->restart_delay_ms, "restart_delay");
	DIFF(a->restart_delay_max_ms != b->restart_delay_max_ms,
	    "restart_delay_max");
	DIFF(a->significant != b->significant, "significant");
	DIFF(a->auto_shutdown != b->auto_shutdown, "auto_shutdown");
	/* instances: a pool's size changes its children, not the pool. */
	DIFF(a->strategy != b->strategy, "strategy");
	DIFF(a->intensity != b->intensity, "intensity");
	DIFF(a->period_ms != b->period_ms, "period");
	DIFF(!strv_equal(&a->setup, &b->setup), "setup");
	DIFF(!strv_equal(&a->cleanup, &b->cleanup), "cleanup");
	DIFF(a->setup_timeout_ms != b->setup_timeout_ms, "setup_timeout");
	DIFF(a->cleanup_timeout_ms != b->cleanup_timeout_ms,
	    "cleanup_timeout");
#undef DIFF
	return n;
}
