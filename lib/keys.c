/*
 * keys.c: the key table of the configuration format and a parser per type
 * of value (see keys.h). The table is the one place a key is defined: the
 * loader (config.c) finds, parses and suggests keys with it, spec.c gives
 * node specs their defaults and copies, frees and compares them with it,
 * and the man page test checks arbor.ini.5 against it.
 *
 * A value is stored at an offset in its object: a struct node_spec for
 * worker and supervisor keys, the struct config for [arbor] keys, an
 * include_spec for [include]. Types with composite storage (shutdown,
 * ready, user and group with their ids, umask and nice with their "set"
 * flags, limit.*, stdout and stderr) know the fields next to the one the
 * row names. Parsers leave an error message for the caller, which knows
 * the file and line.
 */
#include <sys/types.h>
#include <sys/resource.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgparse.h"
#include "expand.h"
#include "keys.h"
#include "listenspec.h"

_Static_assert(sizeof(enum restart) == sizeof(int) &&
    sizeof(enum strategy) == sizeof(int) &&
    sizeof(enum auto_shutdown) == sizeof(int) &&
    sizeof(enum reload_mode) == sizeof(int) &&
    sizeof(enum event_format) == sizeof(int), "enums stored as int");

#define FIELD(obj, off, type)	((type *)(void *)((char *)(obj) + (off)))
#define CFIELD(obj, off, type)	\
	((const type *)(const void *)((const char *)(obj) + (off)))

/* How the value of a limit is written. */
enum limit_unit { UNIT_COUNT, UNIT_BYTES, UNIT_SECONDS };

/* The resources and units of the limit.NAME keys, by enum limit. */
static const struct {
	int		 resource;	/* for setrlimit */
	enum limit_unit	 unit;
} limitdefs[LIMIT_COUNT] = {
	[LIMIT_NOFILE] =	{ RLIMIT_NOFILE,	UNIT_COUNT },
	[LIMIT_NPROC] =		{ RLIMIT_NPROC,		UNIT_COUNT },
	[LIMIT_CORE] =		{ RLIMIT_CORE,		UNIT_BYTES },
	[LIMIT_AS] =		{ RLIMIT_AS,		UNIT_BYTES },
	[LIMIT_CPU] =		{ RLIMIT_CPU,		UNIT_SECONDS },
	[LIMIT_FSIZE] =		{ RLIMIT_FSIZE,		UNIT_BYTES },
	[LIMIT_DATA] =		{ RLIMIT_DATA,		UNIT_BYTES },
	[LIMIT_STACK] =		{ RLIMIT_STACK,		UNIT_BYTES },
	[LIMIT_MEMLOCK] =	{ RLIMIT_MEMLOCK,	UNIT_BYTES },
};

static const char *const strategy_names[] = { "one_for_one",
    "one_for_all", "rest_for_one", NULL };
static const char *const restart_names[] = { "permanent", "transient",
    "temporary", NULL };
static const char *const auto_shutdown_names[] = { "never",
    "any_significant", "all_significant", NULL };
static const char *const event_format_names[] = { "text", "json", NULL };
static const char *const reload_mode_names[] = { "restart", "rolling",
    NULL };
static const char *const log_names[] = { "stderr", "syslog", NULL };
/* In the order of enum cgroup_mode. */
static const char *const cgroup_names[] = { "auto", "yes", "no", NULL };

/* The name of a strategy as written in the configuration. */
const char *
strategy_name(enum strategy s)
{
	if ((size_t)s >= 3)
		return "unknown";
	return strategy_names[s];
}

/* The name of a restart policy as written in the configuration. */
const char *
restart_name(enum restart r)
{
	if ((size_t)r >= 3)
		return "unknown";
	return restart_names[r];
}

/* The key table row of limit L. */
static const struct keydef *
limit_row(enum limit l)
{
	for (size_t i = 0; i < nkeydefs; i++)
		if (keydefs[i].type == &key_type_limit &&
		    keydefs[i].arg == (int)l)
			return &keydefs[i];
	return NULL;
}

/* The name of a limit without "limit.": "nofile". */
const char *
limit_name(enum limit l)
{
	const struct keydef *kd;

	if ((size_t)l >= LIMIT_COUNT || (kd = limit_row(l)) == NULL)
		return "unknown";
	return kd->name + 6;
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

/* The short name of a stream in logs: "out", "err" or "check". */
const char *
stream_name(enum stream st)
{
	return st == STREAM_CHECK ? "check" : st == STREAM_ERR ? "err" :
	    "out";
}

/*
 * Join BASE and PATH (an absolute PATH stands alone) and tidy the result
 * lexically: no empty or "." components, no trailing slash. ".." is kept;
 * resolving it would need the file system. BASE is normally absolute.
 */
char *
path_resolve(const char *base, const char *path)
{
	char *joined, *out, *o;
	const char *p, *end;
	size_t len;

	if (*path == '/' || base == NULL)
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

/* Are two optional strings equal? */
static bool
str_equal(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Do two string vectors hold the same strings in the same order? */
static bool
strv_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

/* Reject an empty value; -1 and *ERR if it is. */
static int
value_empty(const char *key, const char *value, char **err)
{
	if (*value != '\0')
		return 0;
	*err = xasprintf("empty value for '%s'", key);
	return -1;
}

/*
 * Generic parts of the types.
 */

/* Compare the int at the row's offset. */
static bool
int_equal(const struct keydef *kd, const void *a, const void *b)
{
	return *CFIELD(a, kd->off, int) == *CFIELD(b, kd->off, int);
}

/* Compare the int64_t at the row's offset. */
static bool
i64_equal(const struct keydef *kd, const void *a, const void *b)
{
	return *CFIELD(a, kd->off, int64_t) == *CFIELD(b, kd->off, int64_t);
}

/* Free the string at the row's offset. */
static void
str_free(const struct keydef *kd, void *obj)
{
	char **s = FIELD(obj, kd->off, char *);

	free(*s);
	*s = NULL;
}

/* Copy the string at the row's offset. */
static void
str_copy(const struct keydef *kd, void *dst, const void *src)
{
	const char *s = *CFIELD(src, kd->off, char *);

	*FIELD(dst, kd->off, char *) = s != NULL ? xstrdup(s) : NULL;
}

/* Compare the strings at the row's offset. */
static bool
str_equal_at(const struct keydef *kd, const void *a, const void *b)
{
	return str_equal(*CFIELD(a, kd->off, char *),
	    *CFIELD(b, kd->off, char *));
}

/* Free the string vector at the row's offset. */
static void
strv_free_at(const struct keydef *kd, void *obj)
{
	strv_free(FIELD(obj, kd->off, struct strv));
}

/* Copy the string vector at the row's offset. */
static void
strv_copy_at(const struct keydef *kd, void *dst, const void *src)
{
	struct strv *d = FIELD(dst, kd->off, struct strv);

	memset(d, 0, sizeof *d);
	strv_copy(d, CFIELD(src, kd->off, struct strv)->v);
}

/* Compare the string vectors at the row's offset. */
static bool
strv_equal_at(const struct keydef *kd, const void *a, const void *b)
{
	return strv_equal(CFIELD(a, kd->off, struct strv),
	    CFIELD(b, kd->off, struct strv));
}

/*
 * The types.
 */

/* A command line split like sh, without expansion: files. */
static int
argv_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct strv *v = FIELD(obj, kd->off, struct strv);
	char *msg;

	(void)dir;
	strv_free(v);
	if (argv_split(value, v, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	return 0;
}

/*
 * A command line split like sh, its variables kept for each start
 * (expand.h): command, setup, cleanup.
 */
static int
command_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct strv *v = FIELD(obj, kd->off, struct strv);
	char *msg;

	(void)dir;
	strv_free(v);
	if (argv_split_vars(value, v, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	return 0;
}

static const struct keytype key_type_command = {
	"command", 1, command_parse, NULL, strv_free_at, strv_copy_at,
	    strv_equal_at, NULL
};

/*
 * env_file = PATH...: split like a command, each relative to the
 * directory of its file; "-PATH" may be missing. Stored absolute, the
 * "-" kept.
 */
static int
envfiles_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct strv *v = FIELD(obj, kd->off, struct strv), words = { 0 };
	const char *p;
	char *msg, *abs;
	int optional;

	for (p = value; isspace((unsigned char)*p); p++)
		;
	if (value_empty(key, p, err) == -1)
		return -1;
	if (argv_split(value, &words, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	for (size_t i = 0; i < words.n; i++) {
		optional = words.v[i][0] == '-';
		if (words.v[i][optional] == '\0') {
			*err = xasprintf("invalid %s '%s' (expected a path, "
			    "or -PATH for a file that may be missing)", key,
			    words.v[i]);
			strv_free(&words);
			return -1;
		}
	}
	strv_free(v);
	for (size_t i = 0; i < words.n; i++) {
		optional = words.v[i][0] == '-';
		abs = path_resolve(dir, words.v[i] + optional);
		strv_push(v, optional ? xasprintf("-%s", abs) : xstrdup(abs));
		free(abs);
	}
	strv_free(&words);
	return 0;
}

static const struct keytype key_type_envfiles = {
	"envfiles", 1, envfiles_parse, NULL, strv_free_at, strv_copy_at,
	    strv_equal_at, NULL
};

/* File name patterns, split like a command: files. */
static int
patterns_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	const char *p;

	for (p = value; isspace((unsigned char)*p); p++)
		;
	if (value_empty(key, p, err) == -1)
		return -1;
	return argv_parse(kd, obj, key, value, dir, err);
}

static const struct keytype key_type_patterns = {
	"patterns", 1, patterns_parse, NULL, strv_free_at, strv_copy_at,
	    strv_equal_at, NULL
};

/* A path relative to the directory of its file: directory, socket. */
static int
path_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	char **s = FIELD(obj, kd->off, char *);

	if (value_empty(key, value, err) == -1)
		return -1;
	free(*s);
	*s = path_resolve(dir, value);
	return 0;
}

static const struct keytype key_type_path = {
	"path", 0, path_parse, NULL, str_free, str_copy, str_equal_at, NULL
};

/* A string kept as written, not empty (pidfile, below). */
static int
string_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	char **s = FIELD(obj, kd->off, char *);

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	free(*s);
	*s = xstrdup(value);
	return 0;
}

/* A string with variables, expanded at each start: pidfile. */
static int
template_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	char *msg;

	if (expand_check(value, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	return string_parse(kd, obj, key, value, dir, err);
}

static const struct keytype key_type_template = {
	"template", 0, template_parse, NULL, str_free, str_copy,
	    str_equal_at, NULL
};

/* env.NAME = value, into a strv of "NAME=value". */
static int
env_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	const char *name = key + 4;

	(void)dir;
	if (!env_name_valid(name, strlen(name))) {
		*err = xasprintf("invalid environment variable name '%s' in "
		    "'%s'", name, key);
		return -1;
	}
	env_set(FIELD(obj, kd->off, struct strv), name, value);
	return 0;
}

static const struct keytype key_type_env = {
	"env", 0, env_parse, NULL, strv_free_at, strv_copy_at,
	    strv_equal_at, NULL
};

/* One of the row's names, stored as its index: restart, strategy. */
static int
enum_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct buf b = { NULL, 0, 0 };
	size_t n;

	(void)dir;
	for (n = 0; kd->names[n] != NULL; n++) {
		if (strcmp(value, kd->names[n]) == 0) {
			*FIELD(obj, kd->off, int) = (int)n;
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 < n ? ", " :
		    " or ", kd->names[i]);
	*err = xasprintf("invalid %s '%s' (expected %s)", key, value, b.s);
	free(b.s);
	return -1;
}

static const struct keytype key_type_enum = {
	"enum", 0, enum_parse, NULL, NULL, NULL, int_equal, NULL
};

/* yes or no (true or false): significant. */
static int
bool_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	int *v = FIELD(obj, kd->off, int);

	(void)dir;
	if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
		*v = 1;
	else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
		*v = 0;
	else {
		*err = xasprintf("invalid %s '%s' (expected yes or no)", key,
		    value);
		return -1;
	}
	return 0;
}

static const struct keytype key_type_bool = {
	"bool", 0, bool_parse, NULL, NULL, NULL, int_equal, NULL
};

/* An integer from the row's min to max: intensity, instances. */
static int
int_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	long long v = 0;
	const char *p;

	(void)dir;
	for (p = value; *p >= '0' && *p <= '9' && v <= kd->max; p++)
		v = v * 10 + (*p - '0');
	if (p == value || *p != '\0' || v < kd->min || v > kd->max) {
		if (kd->max == INT_MAX)
			*err = xasprintf("invalid %s '%s' (expected an "
			    "integer >= %lld)", key, value, kd->min);
		else
			*err = xasprintf("invalid %s '%s' (expected an "
			    "integer from %lld to %lld)", key, value, kd->min,
			    kd->max);
		return -1;
	}
	*FIELD(obj, kd->off, int) = (int)v;
	return 0;
}

static const struct keytype key_type_int = {
	"integer", 0, int_parse, NULL, NULL, NULL, int_equal, NULL
};

/* A duration, 0 allowed: restart_delay. */
static int
duration_parse_key(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	int64_t ms;

	(void)dir;
	if (duration_parse(value, &ms) == -1) {
		*err = xasprintf("invalid %s '%s' (expected a duration such "
		    "as 0, 500ms or 2s)", key, value);
		return -1;
	}
	*FIELD(obj, kd->off, int64_t) = ms;
	return 0;
}

static const struct keytype key_type_duration = {
	"duration", 0, duration_parse_key, NULL, NULL, NULL, i64_equal, NULL
};

/* A duration > 0: period, the timeouts, check_interval. */
static int
posduration_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	int64_t ms;

	(void)dir;
	if (duration_parse(value, &ms) == -1 || ms == 0) {
		*err = xasprintf("invalid %s '%s' (expected a duration > 0 "
		    "such as 5s, 250ms or 1.5m)", key, value);
		return -1;
	}
	*FIELD(obj, kd->off, int64_t) = ms;
	return 0;
}

static const struct keytype key_type_posduration = {
	"duration", 0, posduration_parse, NULL, NULL, NULL, i64_equal, NULL
};

/* shutdown = duration | infinity | brutal_kill (and shutdown_ms). */
static int
shutdown_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	enum shutdown *how = FIELD(obj, kd->off, enum shutdown);
	int64_t *msp = FIELD(obj, kd->off2, int64_t), ms;

	(void)dir;
	if (strcmp(value, "infinity") == 0) {
		*how = SHUTDOWN_INFINITY;
		*msp = 0;
	} else if (strcmp(value, "brutal_kill") == 0) {
		*how = SHUTDOWN_BRUTAL_KILL;
		*msp = 0;
	} else if (duration_parse(value, &ms) == 0) {
		*how = SHUTDOWN_TIMEOUT;
		*msp = ms;
	} else {
		*err = xasprintf("invalid %s '%s' (expected a duration such "
		    "as 5s, infinity or brutal_kill)", key, value);
		return -1;
	}
	return 0;
}

/* Compare how and how long. */
static bool
shutdown_equal(const struct keydef *kd, const void *a, const void *b)
{
	return *CFIELD(a, kd->off, enum shutdown) ==
	    *CFIELD(b, kd->off, enum shutdown) &&
	    *CFIELD(a, kd->off2, int64_t) == *CFIELD(b, kd->off2, int64_t);
}

static const struct keytype key_type_shutdown = {
	"shutdown", 0, shutdown_parse, NULL, NULL, NULL, shutdown_equal, NULL
};

/* A signal name or number: stop_signal. */
static int
signal_parse_key(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	int sig;

	(void)dir;
	if ((sig = signal_parse(value)) == -1) {
		*err = xasprintf("invalid %s '%s' (expected a signal name "
		    "such as TERM or a number)", key, value);
		return -1;
	}
	*FIELD(obj, kd->off, int) = sig;
	return 0;
}

/*
 * success_exit = STATUS|SIGNAL...: exit statuses (0 to 255) and signal
 * names (TERM, SIGHUP) whose end is normal, as exit 0 always is.
 */
static int
exitset_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct exit_set *es = FIELD(obj, kd->off, struct exit_set);
	struct strv words = { 0 };
	char *serr = NULL;
	int rc = 0;

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	if (argv_split(value, &words, &serr) == -1) {
		*err = xasprintf("invalid %s: %s", key, serr);
		free(serr);
		return -1;
	}
	memset(es, 0, sizeof *es);
	for (size_t i = 0; i < words.n && rc == 0; i++) {
		const char *w = words.v[i];
		char *end;
		long v;
		int sig;

		if (isdigit((unsigned char)w[0])) {
			v = strtol(w, &end, 10);
			if (*end == '\0' && v >= 0 && v <= 255) {
				es->codes[v / 64] |= UINT64_C(1) << (v % 64);
				continue;
			}
		} else if ((sig = signal_parse(w)) > 0 && sig < 64) {
			es->signals |= UINT64_C(1) << sig;
			continue;
		}
		*err = xasprintf("invalid %s '%s' (expected exit statuses from "
		    "0 to 255 and signal names such as TERM)", key, w);
		rc = -1;
	}
	strv_free(&words);
	return rc;
}

/* Compare two sets. */
static bool
exitset_equal(const struct keydef *kd, const void *a, const void *b)
{
	return memcmp(CFIELD(a, kd->off, struct exit_set),
	    CFIELD(b, kd->off, struct exit_set), sizeof(struct exit_set)) == 0;
}

static const struct keytype key_type_exitset = {
	"exits", 0, exitset_parse, NULL, NULL, NULL, exitset_equal, NULL
};

static const struct keytype key_type_signal = {
	"signal", 0, signal_parse_key, NULL, NULL, NULL, int_equal, NULL
};

/* user, group: a name (off) and its id (off2), unset: (uid_t)-1. */
static void
owner_init(const struct keydef *kd, void *obj)
{
	_Static_assert(sizeof(uid_t) == sizeof(gid_t), "uid_t and gid_t");
	*FIELD(obj, kd->off2, uid_t) = (uid_t)-1;
}

/* Compare the name and the id. */
static bool
owner_equal(const struct keydef *kd, const void *a, const void *b)
{
	return str_equal_at(kd, a, b) &&
	    *CFIELD(a, kd->off2, uid_t) == *CFIELD(b, kd->off2, uid_t);
}

/* user = NAME: its uid, and its primary group unless group is set. */
static int
user_finish(const struct keydef *kd, void *obj, char **err)
{
	struct node_spec *n = obj;
	struct passwd *pw;

	(void)kd;
	if (n->user == NULL)
		return 0;
	if ((pw = getpwnam(n->user)) == NULL) {
		*err = xasprintf("unknown user '%s'", n->user);
		return -1;
	}
	n->uid = pw->pw_uid;
	n->gid = pw->pw_gid;
	return 0;
}

/* group = NAME: its gid (after user, which it overrides). */
static int
group_finish(const struct keydef *kd, void *obj, char **err)
{
	char *name = *FIELD(obj, kd->off, char *);
	struct group *gr;

	if (name == NULL)
		return 0;
	if ((gr = getgrnam(name)) == NULL) {
		*err = xasprintf("unknown group '%s'", name);
		return -1;
	}
	*FIELD(obj, kd->off2, gid_t) = gr->gr_gid;
	return 0;
}

static const struct keytype key_type_user = {
	"user", 0, string_parse, owner_init, str_free, str_copy, owner_equal,
	    user_finish
};

static const struct keytype key_type_group = {
	"group", 0, string_parse, owner_init, str_free, str_copy, owner_equal,
	    group_finish
};

/* socket_group = NAME: looked up at once, the gid at off2. */
static int
unixgroup_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	char **s = FIELD(obj, kd->off, char *);
	struct group *gr;

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	if ((gr = getgrnam(value)) == NULL) {
		*err = xasprintf("unknown group '%s'", value);
		return -1;
	}
	free(*s);
	*s = xstrdup(value);
	*FIELD(obj, kd->off2, gid_t) = gr->gr_gid;
	return 0;
}

static const struct keytype key_type_unixgroup = {
	"group", 0, unixgroup_parse, NULL, str_free, str_copy, str_equal_at,
	    NULL
};

/* Compare umask values and their "set" flags (off2). */
static bool
umask_equal(const struct keydef *kd, const void *a, const void *b)
{
	int set = *CFIELD(a, kd->off2, int);

	return set == *CFIELD(b, kd->off2, int) && (!set ||
	    *CFIELD(a, kd->off, mode_t) == *CFIELD(b, kd->off, mode_t));
}

/* Compare nice values and their "set" flags (off2). */
static bool
nice_equal(const struct keydef *kd, const void *a, const void *b)
{
	int set = *CFIELD(a, kd->off2, int);

	return set == *CFIELD(b, kd->off2, int) && (!set ||
	    *CFIELD(a, kd->off, int) == *CFIELD(b, kd->off, int));
}

/* state_owner = USER[:GROUP]: kept as written, looked up at the end. */
static int
stateowner_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct owner_spec *o = FIELD(obj, kd->off, struct owner_spec);

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	if (value[0] == ':' || value[strlen(value) - 1] == ':') {
		*err = xasprintf("invalid %s '%s' (expected USER or "
		    "USER:GROUP)", key, value);
		return -1;
	}
	free(o->name);
	o->name = xstrdup(value);
	return 0;
}

/* Not set: nothing changes. */
static void
stateowner_init(const struct keydef *kd, void *obj)
{
	struct owner_spec *o = FIELD(obj, kd->off, struct owner_spec);

	o->name = NULL;
	o->uid = (uid_t)-1;
	o->gid = (gid_t)-1;
}

/* Free the names. */
static void
stateowner_free(const struct keydef *kd, void *obj)
{
	free(FIELD(obj, kd->off, struct owner_spec)->name);
}

/* Give a copy its own names. */
static void
stateowner_copy(const struct keydef *kd, void *dst, const void *src)
{
	const struct owner_spec *s = CFIELD(src, kd->off, struct owner_spec);

	FIELD(dst, kd->off, struct owner_spec)->name = s->name != NULL ?
	    xstrdup(s->name) : NULL;
}

/* Compare names and ids. */
static bool
stateowner_equal(const struct keydef *kd, const void *a, const void *b)
{
	const struct owner_spec *x = CFIELD(a, kd->off, struct owner_spec);
	const struct owner_spec *y = CFIELD(b, kd->off, struct owner_spec);

	return x->uid == y->uid && x->gid == y->gid && ((x->name == NULL &&
	    y->name == NULL) || (x->name != NULL && y->name != NULL &&
	    strcmp(x->name, y->name) == 0));
}

/* The user's uid and its primary group, or the group given. */
static int
stateowner_finish(const struct keydef *kd, void *obj, char **err)
{
	struct owner_spec *o = FIELD(obj, kd->off, struct owner_spec);
	char *user, *colon;
	struct passwd *pw;
	struct group *gr;
	int rc = 0;

	if (o->name == NULL)
		return 0;
	user = xstrdup(o->name);
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		*err = xasprintf("unknown user '%s'", user);
		rc = -1;
	} else {
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
		if (colon != NULL && (gr = getgrnam(colon)) == NULL) {
			*err = xasprintf("unknown group '%s'", colon);
			rc = -1;
		} else if (colon != NULL)
			o->gid = gr->gr_gid;
	}
	free(user);
	return rc;
}

static const struct keytype key_type_stateowner = {
	"owner", 0, stateowner_parse, stateowner_init, stateowner_free,
	    stateowner_copy, stateowner_equal, stateowner_finish
};

/*
 * umask, state_mode = an octal mode, at most the row's max (0: 0777, a
 * umask such as 022 or 0027; 07777 for a file mode such as 2770).
 */
static int
umask_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	unsigned int v = 0, max = kd->max > 0 ? (unsigned int)kd->max : 0777;
	const char *p;

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	for (p = value; *p >= '0' && *p <= '7' &&
	    p - value < (max > 0777 ? 5 : 4); p++)
		v = v * 8 + (unsigned int)(*p - '0');
	if (*p != '\0' || v > max) {
		*err = xasprintf("invalid %s '%s' (expected an octal mode "
		    "such as %s)", key, value, max > 0777 ? "0750 or 2770" :
		    "022 or 0027");
		return -1;
	}
	*FIELD(obj, kd->off, mode_t) = (mode_t)v;
	*FIELD(obj, kd->off2, int) = 1;
	return 0;
}

static const struct keytype key_type_umask = {
	"mode", 0, umask_parse, NULL, NULL, NULL, umask_equal, NULL
};


/* nice = an integer from -20 (most favourable) to 19. */
static int
nice_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	const char *p = value;
	int v = 0, neg = 0;

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9' && v <= 20; p++)
		v = v * 10 + (*p - '0');
	if (neg)
		v = -v;
	if (p == value || !isdigit((unsigned char)p[-1]) || *p != '\0' ||
	    v < -20 || v > 19) {
		*err = xasprintf("invalid %s '%s' (expected an integer from "
		    "-20 to 19)", key, value);
		return -1;
	}
	*FIELD(obj, kd->off, int) = v;
	*FIELD(obj, kd->off2, int) = 1;
	return 0;
}

static const struct keytype key_type_nice = {
	"nice", 0, nice_parse, NULL, NULL, NULL, nice_equal, NULL
};

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
limit_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	static const char *expect[] = {
		[UNIT_COUNT] = "a number",
		[UNIT_BYTES] = "a size such as 512M",
		[UNIT_SECONDS] = "whole seconds such as 60 or 2m",
	};
	enum limit_unit unit = limitdefs[kd->arg].unit;
	struct limit_spec *ls = FIELD(obj, kd->off, struct limit_spec);
	const char *colon;
	rlim_t softv = 0, hardv = 0;
	char *soft;
	int bad;

	(void)dir;
	if (value_empty(key, value, err) == -1)
		return -1;
	if ((colon = strchr(value, ':')) == NULL) {
		bad = limit_value(unit, value, &softv) == -1;
		hardv = softv;
	} else {
		soft = xstrndup(value, (size_t)(colon - value));
		bad = limit_value(unit, soft, &softv) == -1 ||
		    limit_value(unit, colon + 1, &hardv) == -1;
		free(soft);
	}
	if (bad) {
		*err = xasprintf("invalid %s '%s' (expected %s, infinity or "
		    "SOFT:HARD)", key, value, expect[unit]);
		return -1;
	}
	if (hardv != RLIM_INFINITY &&
	    (softv == RLIM_INFINITY || softv > hardv)) {
		*err = xasprintf("invalid %s '%s' (the soft limit is above "
		    "the hard limit)", key, value);
		return -1;
	}
	ls->set = 1;
	ls->soft = softv;
	ls->hard = hardv;
	return 0;
}

/* Are two limit settings the same? */
static bool
limit_equal(const struct keydef *kd, const void *a, const void *b)
{
	const struct limit_spec *x = CFIELD(a, kd->off, struct limit_spec);
	const struct limit_spec *y = CFIELD(b, kd->off, struct limit_spec);

	if (x->set != y->set)
		return false;
	return !x->set || (x->soft == y->soft && x->hard == y->hard);
}

const struct keytype key_type_limit = {
	"limit", 0, limit_parse, NULL, NULL, NULL, limit_equal, NULL
};

/* log_max_size = a size in bytes with K, M or G, at least the row's min. */
static int
size_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	rlim_t v;

	(void)dir;
	if (strcmp(value, "infinity") == 0 || strcmp(value, "unlimited") ==
	    0 || limit_value(UNIT_BYTES, value, &v) == -1 ||
	    v < (rlim_t)kd->min) {
		*err = xasprintf("invalid %s '%s' (expected a size such as "
		    "10M, at least %lldK)", key, value, kd->min / 1024);
		return -1;
	}
	*FIELD(obj, kd->off, uint64_t) = (uint64_t)v;
	return 0;
}

static const struct keytype key_type_size = {
	"size", 0, size_parse, NULL, NULL, NULL, NULL, NULL
};

/* memory_max, cpu_max, ... = a cgroup limit (cglimit.c); unset: -1. */
static int
cglimit_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	(void)key;
	(void)dir;
	return cg_limit_parse((enum cg_limit)kd->arg, value,
	    FIELD(obj, kd->off, int64_t), err);
}

static void
cglimit_init(const struct keydef *kd, void *obj)
{
	*FIELD(obj, kd->off, int64_t) = CGL_UNSET;
}

const struct keytype key_type_cglimit = {
	"cgroup limit", 0, cglimit_parse, cglimit_init, NULL, NULL, i64_equal,
	NULL
};

/* stdout, stderr = log | inherit | null | file:PATH; stderr = stdout. */
static int
stream_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct stream_spec *ss = FIELD(obj, kd->off, struct stream_spec);
	int is_err = kd->arg == STREAM_ERR;
	const char *path;

	(void)dir;
	free(ss->file);
	ss->file = NULL;
	if (strcmp(value, "log") == 0)
		ss->mode = STREAM_LOG;
	else if (strcmp(value, "inherit") == 0)
		ss->mode = STREAM_INHERIT;
	else if (strcmp(value, "null") == 0)
		ss->mode = STREAM_NULL;
	else if (strcmp(value, "stdout") == 0 && is_err)
		ss->mode = STREAM_STDOUT;
	else if (strncmp(value, "file:", 5) == 0) {
		for (path = value + 5; isspace((unsigned char)*path); path++)
			;
		if (*path == '\0') {
			*err = xasprintf("invalid %s '%s' (file: needs a "
			    "path)", key, value);
			return -1;
		}
		/* Resolved against the worker's directory (node_inherit). */
		ss->mode = STREAM_FILE;
		ss->file = xstrdup(path);
	} else {
		*err = xasprintf("invalid %s '%s' (expected log, inherit, "
		    "null%s or file:PATH)", key, value, is_err ? ", stdout" :
		    "");
		return -1;
	}
	return 0;
}

/* Free a stream's file. */
static void
stream_free(const struct keydef *kd, void *obj)
{
	struct stream_spec *ss = FIELD(obj, kd->off, struct stream_spec);

	free(ss->file);
	ss->file = NULL;
}

/* Copy a stream's file. */
static void
stream_copy(const struct keydef *kd, void *dst, const void *src)
{
	const struct stream_spec *s = CFIELD(src, kd->off,
	    struct stream_spec);

	FIELD(dst, kd->off, struct stream_spec)->file = s->file != NULL ?
	    xstrdup(s->file) : NULL;
}

/* Compare mode and file. */
static bool
stream_equal(const struct keydef *kd, const void *a, const void *b)
{
	const struct stream_spec *x = CFIELD(a, kd->off, struct stream_spec);
	const struct stream_spec *y = CFIELD(b, kd->off, struct stream_spec);

	return x->mode == y->mode && str_equal(x->file, y->file);
}

static const struct keytype key_type_stream = {
	"stream", 0, stream_parse, NULL, stream_free, stream_copy,
	    stream_equal, NULL
};

/* ready = exec | fd:N | notify | check:COMMAND | delay:DURATION. */
static int
ready_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct node_spec *n = obj;
	char *end, *msg = NULL;
	long fd;

	(void)kd;
	(void)dir;
	strv_free(&n->ready_check);
	if (strcmp(value, "exec") == 0)
		n->ready = READY_EXEC;
	else if (strcmp(value, "exit") == 0)
		n->ready = READY_EXIT;
	else if (strcmp(value, "notify") == 0)
		n->ready = READY_NOTIFY;
	else if (strncmp(value, "fd:", 3) == 0) {
		fd = strtol(value + 3, &end, 10);
		if (end == value + 3 || *end != '\0' || fd < 3 || fd > 1023) {
			*err = xasprintf("invalid %s '%s' (fd:N needs a "
			    "descriptor from 3 to 1023)", key, value);
			return -1;
		}
		n->ready = READY_FD;
		n->ready_fd = (int)fd;
	} else if (strncmp(value, "check:", 6) == 0) {
		if (argv_split_vars(value + 6, &n->ready_check, &msg) ==
		    -1) {
			*err = xasprintf("invalid %s: %s", key, msg);
			free(msg);
			return -1;
		}
		n->ready = READY_CHECK;
	} else if (strncmp(value, "delay:", 6) == 0) {
		if (duration_parse(value + 6, &n->ready_delay_ms) == -1) {
			*err = xasprintf("invalid %s '%s' (delay: needs a "
			    "duration such as 2s)", key, value);
			return -1;
		}
		n->ready = READY_DELAY;
	} else {
		*err = xasprintf("invalid %s '%s' (expected exec, exit, fd:N, "
		    "notify, check:COMMAND or delay:DURATION)", key, value);
		return -1;
	}
	return 0;
}

/* Free the check command. */
static void
ready_free(const struct keydef *kd, void *obj)
{
	(void)kd;
	strv_free(&((struct node_spec *)obj)->ready_check);
}

/* Copy the check command. */
static void
ready_copy(const struct keydef *kd, void *dst, const void *src)
{
	struct node_spec *d = dst;

	(void)kd;
	memset(&d->ready_check, 0, sizeof d->ready_check);
	strv_copy(&d->ready_check,
	    ((const struct node_spec *)src)->ready_check.v);
}

/* Compare every part of ready. */
static bool
ready_equal(const struct keydef *kd, const void *pa, const void *pb)
{
	const struct node_spec *a = pa, *b = pb;

	(void)kd;
	return a->ready == b->ready && a->ready_fd == b->ready_fd &&
	    a->ready_delay_ms == b->ready_delay_ms &&
	    strv_equal(&a->ready_check, &b->ready_check);
}

static const struct keytype key_type_ready = {
	"ready", 0, ready_parse, NULL, ready_free, ready_copy, ready_equal,
	    NULL
};

/*
 * A tcp: host: an IPv4 or IPv6 address ("[::1]" or "::1") or localhost.
 * Names are refused: a lookup could block arbord's loop.
 */
static bool
health_host_ok(const char *host)
{
	unsigned char a[16];

	return strcmp(host, "localhost") == 0 ||
	    inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* health = check:COMMAND | tcp:HOST:PORT | unix:PATH | none. */
static int
health_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct node_spec *n = obj;
	char *msg = NULL, *host, *colon, *end;
	long port;

	(void)kd;
	(void)dir;
	strv_free(&n->health_check);
	free(n->health_host);
	free(n->health_path);
	n->health_host = n->health_path = NULL;
	n->health_port = 0;
	n->health = HEALTH_NONE;
	if (strcmp(value, "none") == 0)
		return 0;
	if (strncmp(value, "check:", 6) == 0) {
		if (argv_split_vars(value + 6, &n->health_check, &msg) == -1) {
			*err = xasprintf("invalid %s: %s", key, msg);
			free(msg);
			return -1;
		}
		n->health = HEALTH_CHECK;
	} else if (strncmp(value, "tcp:", 4) == 0) {
		colon = strrchr(value + 4, ':');
		port = colon != NULL ? strtol(colon + 1, &end, 10) : 0;
		if (colon == NULL || colon == value + 4 || end == colon + 1 ||
		    *end != '\0' || port < 1 || port > 65535) {
			*err = xasprintf("invalid %s '%s' (tcp: needs HOST:PORT "
			    "with a port from 1 to 65535)", key, value);
			return -1;
		}
		host = xstrndup(value + 4, (size_t)(colon - value - 4));
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host) - 2);
			host[strlen(host) - 2] = '\0';
		}
		if (!health_host_ok(host)) {
			*err = xasprintf("invalid %s '%s' (tcp: HOST must be an "
			    "IP address or localhost: arbord does not look "
			    "names up)", key, value);
			free(host);
			return -1;
		}
		n->health_host = host;
		n->health_port = (int)port;
		n->health = HEALTH_TCP;
	} else if (strncmp(value, "unix:", 5) == 0 && value[5] != '\0') {
		n->health_path = xstrdup(value + 5);
		n->health = HEALTH_UNIX;
	} else {
		*err = xasprintf("invalid %s '%s' (expected check:COMMAND, "
		    "tcp:HOST:PORT, unix:PATH or none)", key, value);
		return -1;
	}
	return 0;
}

/* Free what health holds. */
static void
health_free(const struct keydef *kd, void *obj)
{
	struct node_spec *n = obj;

	(void)kd;
	strv_free(&n->health_check);
	free(n->health_host);
	free(n->health_path);
	n->health_host = n->health_path = NULL;
}

/* Copy what health holds. */
static void
health_copy(const struct keydef *kd, void *dst, const void *src)
{
	struct node_spec *d = dst;
	const struct node_spec *s = src;

	(void)kd;
	memset(&d->health_check, 0, sizeof d->health_check);
	strv_copy(&d->health_check, s->health_check.v);
	d->health_host = s->health_host ? xstrdup(s->health_host) : NULL;
	d->health_path = s->health_path ? xstrdup(s->health_path) : NULL;
}

/* Compare every part of health. */
static bool
health_equal(const struct keydef *kd, const void *pa, const void *pb)
{
	const struct node_spec *a = pa, *b = pb;

	(void)kd;
	return a->health == b->health && a->health_port == b->health_port &&
	    str_equal(a->health_host, b->health_host) &&
	    str_equal(a->health_path, b->health_path) &&
	    strv_equal(&a->health_check, &b->health_check);
}

static const struct keytype key_type_health = {
	"health", 0, health_parse, NULL, health_free, health_copy,
	    health_equal, NULL
};

/*
 * listen = ADDRESS...: split like a command (a path may be quoted), each
 * address parsed by listenspec.c; at most LISTEN_MAX, none twice.
 */
static int
listen_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct node_spec *n = obj;
	struct strv words = { 0 };
	struct listen_spec *ls;
	char *msg = NULL;
	size_t k = 0;

	(void)kd;
	(void)dir;
	if (argv_split(value, &words, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	if (words.n == 0 || words.n > LISTEN_MAX) {
		*err = xasprintf("invalid %s (expected from 1 to %d addresses "
		    "such as tcp:0.0.0.0:8080 or unix:/run/app.sock)", key,
		    LISTEN_MAX);
		strv_free(&words);
		return -1;
	}
	ls = xcalloc(words.n, sizeof *ls);
	for (; k < words.n; k++) {
		if (listen_spec_parse(words.v[k], &ls[k], &msg) == -1) {
			*err = xasprintf("invalid %s '%s' (%s)", key,
			    words.v[k], msg);
			free(msg);
			break;
		}
		for (size_t j = 0; j < k; j++)
			if (strcmp(ls[j].addr, ls[k].addr) == 0) {
				*err = xasprintf("invalid %s: '%s' is listed "
				    "twice", key, ls[k].addr);
				listen_spec_free(&ls[k]);
				goto out;
			}
	}
out:
	if (k < words.n) {
		while (k-- > 0)
			listen_spec_free(&ls[k]);
		free(ls);
		strv_free(&words);
		return -1;
	}
	for (size_t i = 0; i < n->nlisten; i++)
		listen_spec_free(&n->listen[i]);
	free(n->listen);
	n->listen = ls;
	n->nlisten = words.n;
	strv_free(&words);
	return 0;
}

/* Free the sockets. */
static void
listen_free(const struct keydef *kd, void *obj)
{
	struct node_spec *n = obj;

	(void)kd;
	for (size_t i = 0; i < n->nlisten; i++)
		listen_spec_free(&n->listen[i]);
	free(n->listen);
	n->listen = NULL;
	n->nlisten = 0;
}

/* Give a copy its own sockets. */
static void
listen_copy(const struct keydef *kd, void *dst, const void *src)
{
	struct node_spec *d = dst;
	const struct node_spec *s = src;

	(void)kd;
	d->listen = NULL;
	if (s->nlisten == 0)
		return;
	d->listen = xcalloc(s->nlisten, sizeof *d->listen);
	for (size_t i = 0; i < s->nlisten; i++)
		listen_spec_copy(&d->listen[i], &s->listen[i]);
}

/* The same sockets in the same order? */
static bool
listen_equal(const struct keydef *kd, const void *pa, const void *pb)
{
	const struct node_spec *a = pa, *b = pb;

	(void)kd;
	if (a->nlisten != b->nlisten)
		return false;
	for (size_t i = 0; i < a->nlisten; i++)
		if (!listen_spec_equal(&a->listen[i], &b->listen[i]))
			return false;
	return true;
}

/* The sockets take descriptors 3 and up: ready = fd:N must be above. */
static int
listen_finish(const struct keydef *kd, void *obj, char **err)
{
	struct node_spec *n = obj;

	(void)kd;
	if (n->nlisten > 0 && n->ready == READY_FD &&
	    (size_t)n->ready_fd < 3 + n->nlisten) {
		*err = xasprintf("ready = fd:%d is one of the descriptors of "
		    "listen (3 to %zu): use fd:%zu or above", n->ready_fd,
		    2 + n->nlisten, 3 + n->nlisten);
		return -1;
	}
	return 0;
}

static const struct keytype key_type_listen = {
	"listen", 1, listen_parse, NULL, listen_free, listen_copy,
	    listen_equal, listen_finish
};

/*
 * [arbor] http = ADDRESS: HOST:PORT (an IP address, [IPv6], localhost or
 * *) or unix:PATH, read as listen reads tcp:HOST:PORT and unix:PATH.
 */
static int
httpaddr_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct listen_spec **at = FIELD(obj, kd->off, struct listen_spec *);
	struct listen_spec *l;
	char *word, *why = NULL;

	if (value_empty(key, value, err) == -1)
		return -1;
	word = strncmp(value, "unix:", 5) == 0 ? xstrdup(value) :
	    xasprintf("tcp:%s", value);
	l = xcalloc(1, sizeof *l);
	if (listen_spec_parse(word, l, &why) == -1) {
		*err = xasprintf("%s: %s (HOST:PORT, [IPV6]:PORT or "
		    "unix:PATH)", key, strncmp(why, "tcp: ", 5) == 0 ?
		    why + 5 : why);
		free(why);
		free(word);
		free(l);
		return -1;
	}
	free(word);
	/* A relative unix: path is relative to the file's directory. */
	if (l->kind == LISTEN_UNIX && l->path[0] != '/' && l->path[0] != '@') {
		char *abs = path_resolve(dir, l->path);

		free(l->path);
		l->path = abs;
	}
	if (*at != NULL) {
		listen_spec_free(*at);
		free(*at);
	}
	*at = l;
	return 0;
}

static void
httpaddr_free(const struct keydef *kd, void *obj)
{
	struct listen_spec **at = FIELD(obj, kd->off, struct listen_spec *);

	if (*at != NULL) {
		listen_spec_free(*at);
		free(*at);
		*at = NULL;
	}
}

static void
httpaddr_copy(const struct keydef *kd, void *dst, const void *src)
{
	const struct listen_spec *s = *CFIELD(src, kd->off,
	    struct listen_spec *);
	struct listen_spec *d = NULL;

	if (s != NULL) {
		d = xcalloc(1, sizeof *d);
		listen_spec_copy(d, s);
	}
	*FIELD(dst, kd->off, struct listen_spec *) = d;
}

static bool
httpaddr_equal(const struct keydef *kd, const void *pa, const void *pb)
{
	const struct listen_spec *a = *CFIELD(pa, kd->off,
	    struct listen_spec *), *b = *CFIELD(pb, kd->off,
	    struct listen_spec *);

	if (a == NULL || b == NULL)
		return a == b;
	return listen_spec_equal(a, b);
}

static const struct keytype key_type_httpaddr = {
	"address", 0, httpaddr_parse, NULL, httpaddr_free, httpaddr_copy,
	    httpaddr_equal, NULL
};

/* listen_names = NAME...: LISTEN_FDNAMES, one for all or one each. */
static int
listennames_parse(const struct keydef *kd, void *obj, const char *key,
    const char *value, const char *dir, char **err)
{
	struct strv *v = FIELD(obj, kd->off, struct strv), words = { 0 };
	char *msg;

	(void)dir;
	if (argv_split(value, &words, &msg) == -1) {
		*err = xasprintf("invalid %s: %s", key, msg);
		free(msg);
		return -1;
	}
	if (words.n == 0) {
		*err = xasprintf("empty value for '%s'", key);
		return -1;
	}
	for (size_t i = 0; i < words.n; i++)
		if (!listen_name_valid(words.v[i])) {
			*err = xasprintf("invalid %s '%s' (a name is 1 to %d "
			    "printable characters without ':' or spaces)",
			    key, words.v[i], LISTEN_NAME_MAX);
			strv_free(&words);
			return -1;
		}
	strv_free(v);
	*v = words;
	return 0;
}

/* As many names as sockets, or one for all of them. */
static int
listennames_finish(const struct keydef *kd, void *obj, char **err)
{
	struct node_spec *n = obj;

	(void)kd;
	if (n->listen_names.n == 0)
		return 0;
	if (n->nlisten == 0) {
		*err = xstrdup("listen_names without listen");
		return -1;
	}
	if (n->listen_names.n != 1 && n->listen_names.n != n->nlisten) {
		*err = xasprintf("listen_names has %zu names for %zu sockets "
		    "(expected one name for all, or one for each)",
		    n->listen_names.n, n->nlisten);
		return -1;
	}
	return 0;
}

static const struct keytype key_type_listennames = {
	"names", 1, listennames_parse, NULL, strv_free_at, strv_copy_at,
	    strv_equal_at, listennames_finish
};

#define NS(f)		offsetof(struct node_spec, f)
#define CF(f)		offsetof(struct config, f)
/* A cgroup limit: applied in place by a reload. */
#define CGLIMIT(name, l) { name, KIND_NODE, &key_type_cglimit, NULL, \
	NS(cg_limits[l]), 0, l, NULL, 0, 0, RELOAD_LIVE }
#define LIMIT(k, l)	{ k, KIND_WORKER, &key_type_limit, NULL,	\
	NS(limits[l]), 0, l, NULL, 0, 0, RELOAD_RESTART }

/*
 * The keys, in the order "did you mean" prefers them when two are equally
 * close, spec_diff reports them and error messages list them.
 * Columns: name, sections, type, default, storage (and a second field),
 * limit or stream index, enum names, min and max, reload effect.
 */
const struct keydef keydefs[] = {
	{ "command", KIND_WORKER, &key_type_command, NULL, NS(argv), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "directory", KIND_NODE, &key_type_path, NULL, NS(directory), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "env.", KIND_NODE, &key_type_env, NULL, NS(env), 0, 0, NULL, 0, 0,
	    RELOAD_RESTART },
	{ "env_file", KIND_NODE, &key_type_envfiles, NULL, NS(env_file), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "restart", KIND_NODE, &key_type_enum, "permanent", NS(restart), 0,
	    0, restart_names, 0, 0, RELOAD_LIVE },
	{ "shutdown", KIND_WORKER, &key_type_shutdown, "5s", NS(shutdown),
	    NS(shutdown_ms), 0, NULL, 0, 0, RELOAD_LIVE },
	{ "stop_signal", KIND_WORKER, &key_type_signal, "TERM",
	    NS(stop_signal), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "success_exit", KIND_WORKER, &key_type_exitset, NULL,
	    NS(success_exit), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "user", KIND_WORKER, &key_type_user, NULL, NS(user), NS(uid), 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "group", KIND_WORKER, &key_type_group, NULL, NS(group), NS(gid), 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "umask", KIND_WORKER, &key_type_umask, NULL, NS(umask),
	    NS(umask_set), 0, NULL, 0, 0, RELOAD_RESTART },
	{ "nice", KIND_WORKER, &key_type_nice, NULL, NS(nice), NS(nice_set),
	    0, NULL, 0, 0, RELOAD_RESTART },
	CGLIMIT("memory_max", CGL_MEMORY_MAX),
	CGLIMIT("memory_high", CGL_MEMORY_HIGH),
	CGLIMIT("memory_swap_max", CGL_MEMORY_SWAP_MAX),
	CGLIMIT("cpu_max", CGL_CPU_MAX),
	CGLIMIT("cpu_weight", CGL_CPU_WEIGHT),
	CGLIMIT("io_weight", CGL_IO_WEIGHT),
	CGLIMIT("pids_max", CGL_PIDS_MAX),
	LIMIT("limit.nofile", LIMIT_NOFILE),
	LIMIT("limit.nproc", LIMIT_NPROC),
	LIMIT("limit.core", LIMIT_CORE),
	LIMIT("limit.as", LIMIT_AS),
	LIMIT("limit.cpu", LIMIT_CPU),
	LIMIT("limit.fsize", LIMIT_FSIZE),
	LIMIT("limit.data", LIMIT_DATA),
	LIMIT("limit.stack", LIMIT_STACK),
	LIMIT("limit.memlock", LIMIT_MEMLOCK),
	{ "pidfile", KIND_WORKER, &key_type_template, NULL, NS(pidfile), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "stdout", KIND_WORKER, &key_type_stream, "log", NS(streams[0]), 0,
	    STREAM_OUT, NULL, 0, 0, RELOAD_RESTART },
	{ "stderr", KIND_WORKER, &key_type_stream, "log", NS(streams[1]), 0,
	    STREAM_ERR, NULL, 0, 0, RELOAD_RESTART },
	{ "ready", KIND_WORKER, &key_type_ready, "exec", NS(ready), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "start_timeout", KIND_WORKER, &key_type_posduration, "30s",
	    NS(start_timeout_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "check_interval", KIND_WORKER, &key_type_posduration, "1s",
	    NS(check_interval_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "health", KIND_WORKER, &key_type_health, "none", NS(health), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "health_interval", KIND_WORKER, &key_type_posduration, "10s",
	    NS(health_interval_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "health_timeout", KIND_WORKER, &key_type_posduration, "5s",
	    NS(health_timeout_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "health_retries", KIND_WORKER, &key_type_int, "3",
	    NS(health_retries), 0, 0, NULL, 1, 1000000, RELOAD_LIVE },
	{ "health_start_period", KIND_WORKER, &key_type_duration, "0",
	    NS(health_start_period_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "watchdog", KIND_WORKER, &key_type_duration, "0", NS(watchdog_ms),
	    0, 0, NULL, 0, 0, RELOAD_RESTART },
	{ "watchdog_signal", KIND_WORKER, &key_type_signal, "ABRT",
	    NS(watchdog_signal), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "listen", KIND_WORKER, &key_type_listen, NULL, NS(listen), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "listen_names", KIND_WORKER, &key_type_listennames, NULL,
	    NS(listen_names), 0, 0, NULL, 0, 0, RELOAD_RESTART },
	{ "restart_delay", KIND_NODE, &key_type_duration, "0",
	    NS(restart_delay_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "restart_delay_max", KIND_NODE, &key_type_duration, "0",
	    NS(restart_delay_max_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	/* A pool's size changes its children, not the pool. */
	{ "instances", KIND_WORKER, &key_type_int, NULL, NS(instances), 0, 0,
	    NULL, 1, 10000, RELOAD_NONE },
	/* How a reload replaces a pool's changed instances. */
	{ "reload", KIND_WORKER, &key_type_enum, "restart", NS(reload_mode),
	    0, 0, reload_mode_names, 0, 0, RELOAD_LIVE },
	{ "significant", KIND_NODE, &key_type_bool, "no", NS(significant), 0,
	    0, NULL, 0, 0, RELOAD_RESTART },
	{ "auto_shutdown", KIND_SUPER, &key_type_enum, "never",
	    NS(auto_shutdown), 0, 0, auto_shutdown_names, 0, 0,
	    RELOAD_RESTART },
	{ "state_owner", KIND_SUPER, &key_type_stateowner, NULL,
	    NS(state_owner), 0, 0, NULL, 0, 0, RELOAD_RESTART },
	{ "state_mode", KIND_SUPER, &key_type_umask, NULL, NS(state_mode),
	    NS(state_mode_set), 0, NULL, 0, 07777, RELOAD_RESTART },
	{ "strategy", KIND_SUPER, &key_type_enum, "one_for_one",
	    NS(strategy), 0, 0, strategy_names, 0, 0, RELOAD_LIVE },
	{ "intensity", KIND_SUPER, &key_type_int, "1", NS(intensity), 0, 0,
	    NULL, 0, INT_MAX, RELOAD_LIVE },
	{ "period", KIND_SUPER, &key_type_posduration, "5s", NS(period_ms), 0,
	    0, NULL, 0, 0, RELOAD_LIVE },
	{ "setup", KIND_SUPER, &key_type_command, NULL, NS(setup), 0, 0, NULL,
	    0, 0, RELOAD_RESTART },
	{ "cleanup", KIND_SUPER, &key_type_command, NULL, NS(cleanup), 0, 0,
	    NULL, 0, 0, RELOAD_RESTART },
	{ "setup_timeout", KIND_SUPER, &key_type_posduration, "30s",
	    NS(setup_timeout_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "cleanup_timeout", KIND_SUPER, &key_type_posduration, "30s",
	    NS(cleanup_timeout_ms), 0, 0, NULL, 0, 0, RELOAD_LIVE },
	{ "socket", KIND_ARBOR, &key_type_path, NULL, CF(socket), 0, 0, NULL,
	    0, 0, RELOAD_NONE },
	{ "socket_group", KIND_ARBOR, &key_type_unixgroup, NULL,
	    CF(socket_group), CF(socket_gid), 0, NULL, 0, 0, RELOAD_NONE },
	{ "state_dir", KIND_ARBOR, &key_type_path, NULL, CF(state_dir), 0, 0,
	    NULL, 0, 0, RELOAD_NONE },
	{ "event_format", KIND_ARBOR, &key_type_enum, "text",
	    CF(event_format), 0, 0, event_format_names, 0, 0, RELOAD_NONE },
	{ "log", KIND_ARBOR, &key_type_enum, "stderr", CF(log_syslog), 0, 0,
	    log_names, 0, 0, RELOAD_NONE },
	{ "log_dir", KIND_ARBOR, &key_type_path, NULL, CF(log_dir), 0, 0,
	    NULL, 0, 0, RELOAD_NONE },
	{ "log_max_size", KIND_ARBOR, &key_type_size, "10M",
	    CF(log_max_size), 0, 0, NULL, CONF_LOG_MIN_SIZE, 0, RELOAD_NONE },
	{ "log_keep", KIND_ARBOR, &key_type_int, "5", CF(log_keep), 0, 0,
	    NULL, 0, CONF_LOG_MAX_KEEP, RELOAD_NONE },
	{ "max_clients", KIND_ARBOR, &key_type_int, "256", CF(max_clients),
	    0, 0, NULL, 1, 100000, RELOAD_NONE },
	{ "client_timeout", KIND_ARBOR, &key_type_posduration, "10s",
	    CF(client_timeout_ms), 0, 0, NULL, 0, 0, RELOAD_NONE },
	{ "cgroup", KIND_ARBOR, &key_type_enum, "auto", CF(cgroup), 0, 0,
	    cgroup_names, 0, 0, RELOAD_NONE },
	{ "http", KIND_ARBOR, &key_type_httpaddr, NULL, CF(http), 0, 0, NULL,
	    0, 0, RELOAD_NONE },
	{ "http_token_file", KIND_ARBOR, &key_type_path, NULL,
	    CF(http_token_file), 0, 0, NULL, 0, 0, RELOAD_NONE },
	{ "files", KIND_INCLUDE, &key_type_patterns, NULL,
	    offsetof(struct include_spec, files), 0, 0, NULL, 0, 0,
	    RELOAD_NONE },
};

const size_t nkeydefs = sizeof keydefs / sizeof keydefs[0];

/* The row of KEY in any kind of section, or NULL. */
const struct keydef *
key_find(const char *key)
{
	size_t len;

	for (size_t i = 0; i < nkeydefs; i++) {
		len = strlen(keydefs[i].name);
		if (keydefs[i].name[len - 1] == '.') {
			if (strncmp(key, keydefs[i].name, len) == 0)
				return &keydefs[i];
		} else if (strcmp(key, keydefs[i].name) == 0)
			return &keydefs[i];
	}
	return NULL;
}

/* The name spec_diff reports for KD: its name, "env" for "env.". */
const char *
key_diff_name(const struct keydef *kd, char *buf, size_t len)
{
	size_t n = strlen(kd->name);

	if (kd->name[n - 1] != '.')
		return kd->name;
	snprintf(buf, len, "%.*s", (int)(n - 1), kd->name);
	return buf;
}

/* The node key spec_diff reports as NAME, or NULL. */
const struct keydef *
key_find_diff(const char *name)
{
	char buf[64];

	for (size_t i = 0; i < nkeydefs; i++)
		if ((keydefs[i].kinds & KIND_NODE) != 0 &&
		    strcmp(key_diff_name(&keydefs[i], buf, sizeof buf),
		    name) == 0)
			return &keydefs[i];
	return NULL;
}

/* Give OBJ the default of every key of KINDS (or its unset value). */
void
key_defaults(void *obj, int kinds)
{
	const struct keydef *kd;
	char *err = NULL;

	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		if ((kd->kinds & kinds) == 0)
			continue;
		if (kd->def == NULL) {
			if (kd->type->init != NULL)
				kd->type->init(kd, obj);
		} else if (kd->type->parse(kd, obj, kd->name, kd->def, NULL,
		    &err) == -1) {
			/* A bad row: a bug, not a configuration error. */
			fprintf(stderr, "key table: %s\n", err);
			abort();
		}
	}
}

/* "a, b or c": the keys of KINDS (of TYPE unless NULL). Allocated. */
char *
key_list(int kinds, const struct keytype *type)
{
	struct buf b = { NULL, 0, 0 };
	size_t n = 0, k = 0;

	for (size_t i = 0; i < nkeydefs; i++)
		if ((keydefs[i].kinds & kinds) != 0 &&
		    (type == NULL || keydefs[i].type == type))
			n++;
	for (size_t i = 0; i < nkeydefs; i++) {
		if ((keydefs[i].kinds & kinds) == 0 ||
		    (type != NULL && keydefs[i].type != type))
			continue;
		buf_printf(&b, "%s%s", k == 0 ? "" : k + 1 < n ? ", " : " or ",
		    keydefs[i].name);
		k++;
	}
	return b.s != NULL ? b.s : xstrdup("");
}
