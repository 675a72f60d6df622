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
 *     after a rejected line are dropped with it;
 *   - notes whether an inline " ;" comment cut the value, so that the
 *     value's error can say so ("sh -c 'a ; b'" is an unterminated quote).
 *
 * What a key is, which sections take it, how its value is parsed and
 * where it is stored come from the key table (keys.c); this file finds a
 * key's row, parses its value with the row's type (keys taking
 * continuation lines once their section is complete) and reports errors
 * at their file and line. Rules between keys and nodes live here:
 * a worker needs a command, a significant child is transient or
 * temporary under a supervisor whose auto_shutdown is not never, pools.
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
 * file:PATH is relative to its directory. A node's env holds only its own
 * env.NAME entries: the subtree inherits them at run time (tree_env),
 * interleaved with each supervisor's setup output, so they are not merged
 * here; its env_file paths are made absolute here and the files are read
 * at each start (envfile.c). Commands keep their variables as template
 * words (expand.h), expanded at each start. user and group are looked up
 * here: uid and gid are (uid_t)-1 and (gid_t)-1 when not to be changed;
 * with only user, gid is the user's primary group; with only group, uid
 * stays (uid_t)-1. umask, nice and limit.* are only parsed; the *_set
 * flags (and limit_spec.set) say whether to apply them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "cgparse.h"
#include "config.h"
#include "expand.h"
#include "keys.h"

#define SUGGEST_MAX	2	/* edit distance for "did you mean" */

enum section_kind { SECTION_BAD, SECTION_ARBOR, SECTION_INCLUDE,
    SECTION_NODE };

/* A key set in a section: to find duplicates, and the text of a key
   taking continuation lines, parsed once the section is complete. */
struct keyline {
	char			*key;
	int			 line;
	const struct keydef	*kd;
	char			*raw;		/* multiline: joined text */
	int			 cut;		/* a " ;" comment cut a line */
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
	struct include_spec	 inc;		/* SECTION_INCLUDE */
	int			 broken;	/* a line of it was refused */
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
	const char		 *text;		/* its text (config_text) */
	size_t			  textlen, textpos;
	char			 *buf;		/* line buffer */
	size_t			  bufsz;
	int			  lineno;	/* physical line just read */
	size_t			  bytes;	/* read of this file so far */
	int			  read_errno;
	int			  cont;		/* this line continues a key */
	int			  contable;	/* an indented line continues */
	int			  accept_cont;	/* the last key takes them */
	int			  cut;		/* " ;" cut this line's value */
	char			 *lastkey;
	struct section		 *lastsec;
	char			  alias[32];	/* "[#N]" handed to inih */
	/* Of all files. */
	struct section		**sections;
	size_t			  nsections;
	int			  arbor_line;	/* line of [arbor], or 0 */
	struct loader_error	 *errors;
	size_t			  nerrors;
	int			  lint;		/* look for the programs */
	struct loader_error	 *warnings;
	size_t			  nwarnings;
	/* config_load_texts: the files are these texts, not the disk's. */
	const struct config_text *replay;
	size_t			  nreplay;
};

static void	loader_error(struct loader *, int, const char *, ...)
		    ARBOR_PRINTF(3, 4);
static void	loader_error_in(struct loader *, const struct srcfile *, int,
		    const char *, ...) ARBOR_PRINTF(4, 5);
static void	loader_read(struct loader *, struct srcfile *, size_t);

static void	loader_verror(struct loader *, const struct srcfile *, int,
		    const char *, va_list) ARBOR_PRINTF(4, 0);

/* Record an error at LINE of FILE. */
static void
loader_verror(struct loader *ld, const struct srcfile *file, int line,
    const char *fmt, va_list ap)
{
	struct loader_error *e;
	char *raw;

	ld->errors = xreallocarray(ld->errors, ld->nerrors + 1,
	    sizeof *ld->errors);
	e = &ld->errors[ld->nerrors];
	e->file = file;
	e->line = line;
	e->seq = ld->nerrors++;
	raw = xvasprintf(fmt, ap);
	/* What the file said is shown, not sent to the terminal as is. */
	e->msg = str_escape(raw);
	free(raw);
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

	for (size_t i = 0; i < nkeydefs; i++) {
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

	spec_defaults(n, kind);
	n->path = xstrdup(path);
	slash = strrchr(n->path, '/');
	n->name = slash != NULL ? slash + 1 : n->path;
	n->file = ld->cur->name;
	n->line = ld->lineno;
	return n;
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
	for (size_t i = 0; i < sec->nkeys; i++) {
		free(sec->keys[i].key);
		free(sec->keys[i].raw);
	}
	free(sec->keys);
	strv_free(&sec->inc.files);
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

/* Remember that KEY (of row KD) was set in SEC at LINE. */
static struct keyline *
section_key_add(struct section *sec, const char *key,
    const struct keydef *kd, int line)
{
	struct keyline *k;

	sec->keys = xreallocarray(sec->keys, sec->nkeys + 1,
	    sizeof *sec->keys);
	k = &sec->keys[sec->nkeys++];
	memset(k, 0, sizeof *k);
	k->key = xstrdup(key);
	k->kd = kd;
	k->line = line;
	return k;
}

/* The object SEC's keys are stored in. */
static void *
section_object(struct loader *ld, struct section *sec)
{
	if (sec->kind == SECTION_ARBOR)
		return ld->conf;
	if (sec->kind == SECTION_INCLUDE)
		return &sec->inc;
	return sec->spec;
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

/* Report KEY, which SEC does not take, as helpfully as possible. */
static void
key_unknown(struct loader *ld, struct section *sec, const char *key)
{
	const struct keydef *kd = key_find(key);
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
	else if (sec->kind == SECTION_ARBOR ||
	    sec->kind == SECTION_INCLUDE ||
	    ((kinds & KIND_WORKER) && strncmp(key, "limit.", 6) == 0)) {
		list = key_list(kinds, sec->kind == SECTION_NODE ?
		    &key_type_limit : NULL);
		loader_error(ld, ld->lineno, "unknown key '%s' in %s "
		    "(expected %s)", key, where, list);
		free(list);
	} else
		loader_error(ld, ld->lineno, "unknown key '%s' in %s", key,
		    where);
	free(hint);
	free(where);
}

#define CUT_NOTE	"note: \" ;\" starts a comment; write \";\" without " \
	"the space before it"

/*
 * Report ERR (a value's error, freed) at LINE of FILE, with a note when
 * a " ;" comment cut the value: the error may come from the cut.
 */
static void
key_error(struct loader *ld, const struct srcfile *file, int line,
    char *err, int cut)
{
	loader_error_in(ld, file, line, "%s%s%s", err, cut ? "; " : "",
	    cut ? CUT_NOTE : "");
	free(err);
}

/* An indented line continuing the last key: append it with a space. */
static void
key_continue(struct loader *ld, const char *value)
{
	const struct keydef *kd = key_find(ld->lastkey);
	struct keyline *k;
	char *s;

	if (kd == NULL || !kd->type->multiline) {
		loader_error(ld, ld->lineno, "key '%s' does not take "
		    "continuation lines", ld->lastkey);
		ld->accept_cont = 0;
		return;
	}
	k = &ld->lastsec->keys[ld->lastsec->nkeys - 1];
	s = xasprintf("%s%s%s", k->raw, *k->raw != '\0' ? " " : "", value);
	free(k->raw);
	k->raw = s;
	k->cut |= ld->cut;
}

/* inih's handler: one key = value of section "#N", or a continuation. */
static int
config_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct loader *ld = user;
	const struct keydef *kd;
	struct section *sec;
	struct keyline *k;
	char *where, *err;
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
	kd = key_find(key);
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
	k = section_key_add(sec, key, kd, ld->lineno);
	k->cut = ld->cut;
	if (kd->type->multiline) {
		/* Parsed with its continuation lines (finish_section). */
		k->raw = xstrdup(value);
		ld->accept_cont = 1;
	} else if (kd->type->parse(kd, section_object(ld, sec), key, value,
	    ld->cur->dir, &err) == -1)
		key_error(ld, ld->cur, ld->lineno, err, ld->cut);
	else {
		if (kd->type == &key_type_cglimit)
			((struct node_spec *)section_object(ld, sec))->
			    cg_lines[kd->arg] = ld->lineno;
		ld->accept_cont = 1;
	}
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
	bool header;

	for (p = line; isspace((unsigned char)*p); p++)
		;
	/*
	 * A header reaches inih as a short alias: only its name is bounded.
	 * (An indented '[' after a key is a continuation, not a header.)
	 */
	header = *p == '[' && !(p > line && ld->contable);
	if (strlen(line) != len || (len > max && !header)) {
		if (strlen(line) != len)
			loader_error(ld, ld->lineno,
			    "line contains a NUL byte");
		else
			loader_error(ld, ld->lineno, "line too long (%zu "
			    "characters, at most %zu); split it with indented "
			    "continuation lines", len, max);
		ld->accept_cont = 0;
		/* Its section's other errors would only be echoes of this. */
		if (ld->nsections > 0 &&
		    ld->sections[ld->nsections - 1]->file == ld->cur)
			ld->sections[ld->nsections - 1]->broken = 1;
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
		sep = find_chars_or_comment(p, NULL);
		ld->cut = *sep == ';';
		*sep = '\0';
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
	/* inih cuts the value at " ;" too: remember it for errors. */
	ld->cut = *find_chars_or_comment(sep + 1, NULL) == ';';
	ld->contable = 1;
	return line;
}

/* The next line of the file's text into ld->buf (with its newline), its
   length; -1 at the end. */
static ssize_t
text_getline(struct loader *ld)
{
	const char *p = ld->text + ld->textpos, *nl;
	size_t left = ld->textlen - ld->textpos, n;

	if (left == 0)
		return -1;
	nl = memchr(p, '\n', left);
	n = nl != NULL ? (size_t)(nl - p) + 1 : left;
	if (ld->bufsz < n + 1) {
		ld->bufsz = n + 1;
		ld->buf = xrealloc(ld->buf, ld->bufsz);
	}
	memcpy(ld->buf, p, n);
	ld->buf[n] = '\0';
	ld->textpos += n;
	return (ssize_t)n;
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
	ld->cut = 0;
	if (num < 2)
		return NULL;
	if ((n = text_getline(ld)) == -1)
		return NULL;
	ld->lineno++;
	/* It grew while being read: stop at the bound. */
	if ((ld->bytes += (size_t)n) > CONF_MAX_FILE) {
		loader_error(ld, ld->lineno, "file too large (more than %u "
		    "bytes)", CONF_MAX_FILE);
		ld->incomplete = 1;
		return NULL;
	}
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

/*
 * Complete the keys of SEC, stored in OBJ: parse the keys that take
 * continuation lines, now whole, and run each type's finishing step (the
 * user and group lookups), in the order of the key table.
 */
static void
finish_keys(struct loader *ld, struct section *sec, void *obj)
{
	const struct keydef *kd;
	struct keyline *k;
	char *err;
	int kinds = section_kindbit(sec);

	for (size_t i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		if (k->raw != NULL && k->kd->type->parse(k->kd, obj, k->key,
		    k->raw, sec->file->dir, &err) == -1)
			key_error(ld, sec->file, k->line, err, k->cut);
	}
	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		if ((kd->kinds & kinds) != 0 && kd->type->finish != NULL &&
		    kd->type->finish(kd, obj, &err) == -1)
			key_error(ld, sec->file, section_key_line(sec,
			    kd->name), err, 0);
	}
}

/* Complete one node section: its keys, and the rules between keys. */
static void
finish_section(struct loader *ld, struct section *sec)
{
	struct node_spec *n = sec->spec;

	if (n->kind == NODE_WORKER && section_key_line(sec, "command") == 0 &&
	    !sec->broken)
		loader_error_in(ld, sec->file, sec->line, "worker '%s' has no "
		    "command", n->path);
	finish_keys(ld, sec, n);
	if (n->significant && n->restart == RESTART_PERMANENT)
		loader_error_in(ld, sec->file, sec->line, "'%s' is significant "
		    "but permanent (significant children must be transient "
		    "or temporary)", n->path);
}

static void	node_adopt(struct node_spec *, struct node_spec *);
static const struct srcfile *node_file(const struct loader *,
		    const struct node_spec *);

/*
 * Turn worker N with instances = K into a pool: N becomes a one_for_one
 * supervisor with N's parent's intensity and period, and K workers
 * N/1 .. N/K take its command and settings (the tree gives each its
 * ARBOR_INSTANCE, so that their settings stay equal and are shared).
 * A significant pool completes when all its instances have: it stays
 * significant with auto_shutdown = all_significant, and its instances
 * are significant with N's restart policy.
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
	n->auto_shutdown = n->significant ? AUTO_SHUTDOWN_ALL :
	    AUTO_SHUTDOWN_NEVER;
	strv_free(&n->argv);
	strv_free(&n->env);	/* the instances have it */
	/* Each instance has the limits, not the pool as a whole. */
	for (int l = 0; l < CGL_COUNT; l++)
		n->cg_limits[l] = CGL_UNSET;
	strv_free(&n->env_file);
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

/*
 * OTP refuses a significant child under a supervisor that never shuts
 * down automatically: its completion would mean nothing. Checked on the
 * linked tree, before pools are expanded.
 */
static void
finish_significant(struct loader *ld)
{
	struct section *sec;
	struct node_spec *n;
	char *where;

	for (size_t i = 0; i < ld->nsections; i++) {
		sec = ld->sections[i];
		if (sec->kind != SECTION_NODE || sec->duplicate)
			continue;
		n = sec->spec;
		if (!n->significant || n->parent == NULL ||
		    n->parent->auto_shutdown != AUTO_SHUTDOWN_NEVER)
			continue;
		where = place(sec->file, node_file(ld, n->parent),
		    n->parent->line);
		loader_error_in(ld, sec->file, n->line, "'%s' is significant "
		    "but its supervisor '%s' (%s) has auto_shutdown = never "
		    "(set auto_shutdown = any_significant or all_significant "
		    "there, or significant = no here)", n->path,
		    n->parent->path, where);
		free(where);
	}
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
 * Why program PROG cannot run as DIR's process would look it up, with
 * PATH (NULL: unset), as execvpe does: NULL if it can, else an allocated
 * reason. PATH_SET: PATH is an env.PATH of the configuration.
 */
static char *
program_problem(const char *prog, const char *dir, const char *path,
    bool path_set)
{
	const char *p, *end;
	char *full, *d, *noexec = NULL, *why;
	struct stat st;
	size_t len;

	if (strchr(prog, '/') != NULL) {
		full = path_resolve(dir, prog);
		why = NULL;
		if (stat(full, &st) == -1)
			why = xasprintf("program '%s' not found (%s: %s)", prog,
			    full, strerror(errno));
		else if (!S_ISREG(st.st_mode) || access(full, X_OK) == -1)
			why = xasprintf("program '%s' is not executable (%s)",
			    prog, full);
		free(full);
		return why;
	}
	if (path == NULL)
		path = "/bin:/usr/bin";		/* execvpe's, without PATH */
	for (p = path; ; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		/* An empty entry is the working directory. */
		d = xstrndup(p, len);
		full = path_resolve(dir, len == 0 ? "." : d);
		free(d);
		d = path_resolve(full, prog);
		free(full);
		if (stat(d, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(d, X_OK) == 0) {
				free(d);
				free(noexec);
				return NULL;
			}
			if (noexec == NULL) {
				noexec = d;
				d = NULL;
			}
		}
		free(d);
		if (*end == '\0')
			break;
	}
	if (noexec != NULL) {
		why = xasprintf("program '%s' found in PATH is not executable "
		    "(%s)", prog, noexec);
		free(noexec);
		return why;
	}
	if (path_set)
		return xasprintf("program '%s' not found in env.PATH (%s)",
		    prog, path);
	return xasprintf("program '%s' not found in PATH", prog);
}

/* Record a warning at LINE of FILE. */
static void
loader_warning(struct loader *ld, const struct srcfile *file, int line,
    const char *msg)
{
	struct loader_error *e;

	ld->warnings = xreallocarray(ld->warnings, ld->nwarnings + 1,
	    sizeof *ld->warnings);
	e = &ld->warnings[ld->nwarnings];
	e->file = file;
	e->line = line;
	e->seq = ld->nwarnings++;
	e->msg = str_escape(msg);
}

/* The env.PATH node N's processes get, or NULL. */
static const char *
node_path_env(const struct node_spec *n)
{
	const char *v;

	for (; n != NULL; n = n->parent)
		if ((v = env_get(&n->env, "PATH")) != NULL)
			return v;
	return NULL;
}

/*
 * Warn if the program of KEY (command, ready = check:, setup, cleanup) in
 * SEC is not there to run. A program named by a variable is not known.
 */
static void
lint_command(struct loader *ld, const struct section *sec, const char *key,
    const struct strv *argv)
{
	const struct node_spec *n = sec->spec;
	const char *path = node_path_env(n);
	char *prog, *why, *err = NULL, *msg;

	if (argv->n == 0 || expand_has_vars(argv->v[0]))
		return;
	if ((prog = expand_value(argv->v[0], NULL, &err)) == NULL) {
		free(err);
		return;
	}
	if ((why = program_problem(prog, n->directory, path != NULL ? path :
	    getenv("PATH"), path != NULL)) != NULL) {
		msg = xasprintf("warning: %s: %s", key, why);
		loader_warning(ld, sec->file, section_key_line(sec, key), msg);
		free(msg);
		free(why);
	}
	free(prog);
}

/* config_check: warn about every program that is not there to run. */
static void
lint_programs(struct loader *ld)
{
	const struct section *sec;
	const struct node_spec *n;

	for (size_t i = 0; i < ld->nsections; i++) {
		sec = ld->sections[i];
		if (sec->kind != SECTION_NODE || sec->duplicate)
			continue;
		n = sec->spec;
		if (n->kind == NODE_WORKER) {
			lint_command(ld, sec, "command", &n->argv);
			if (n->ready == READY_CHECK)
				lint_command(ld, sec, "ready", &n->ready_check);
			if (n->health == HEALTH_CHECK)
				lint_command(ld, sec, "health",
				    &n->health_check);
		} else {
			lint_command(ld, sec, "setup", &n->setup);
			lint_command(ld, sec, "cleanup", &n->cleanup);
		}
	}
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
	finish_significant(ld);
	if (conf->root != NULL)
		node_inherit(ld, conf->root);
	if (ld->lint && ld->nerrors == 0)
		lint_programs(ld);
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

/* Remember which file text T is, to read no file twice. */
static void
srcfile_identify(struct srcfile *f, const struct config_text *t)
{
	if (t->identified) {
		f->identified = 1;
		f->dev = t->dev;
		f->ino = t->ino;
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

/* Keep the text of a file read (allocated DATA, LEN bytes) in CONF. */
static struct config_text *
text_keep(struct config *conf, const char *name, char *data, size_t len)
{
	struct config_text *t;

	conf->texts = xreallocarray(conf->texts, conf->ntexts + 1,
	    sizeof *conf->texts);
	t = &conf->texts[conf->ntexts++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->data = data;
	t->len = len;
	return t;
}

/* The handed-off text of NAME (config_load_texts), or NULL. */
static const struct config_text *
replay_find(const struct loader *ld, const char *name)
{
	for (size_t i = 0; i < ld->nreplay; i++)
		if (strcmp(ld->replay[i].name, name) == 0)
			return &ld->replay[i];
	return NULL;
}

/*
 * Read configuration file NAME whole, kept in the configuration (which
 * a re-exec hands over): a regular file of at most CONF_MAX_FILE bytes.
 * It is opened without blocking (a FIFO without a writer, a device) and
 * refused if it is anything else. Under config_load_texts the text is
 * the one handed over. Its index in conf->texts, or -1 with *ERR.
 */
static ssize_t
config_open(struct loader *ld, const char *name, char **err)
{
	const struct config_text *r;
	struct config_text *t;
	struct stat st;
	size_t len = 0, cap;
	ssize_t n;
	char *data;
	int fd;

	if (ld->replay != NULL) {
		if ((r = replay_find(ld, name)) == NULL) {
			*err = xstrdup("cannot open: not in the configuration "
			    "handed over");
			return -1;
		}
		data = xmalloc(r->len + 1);
		memcpy(data, r->data, r->len);
		data[r->len] = '\0';
		(void)text_keep(ld->conf, name, data, r->len);
		return (ssize_t)ld->conf->ntexts - 1;
	}
	if ((fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		*err = xasprintf("cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*err = xasprintf("cannot open: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("not a regular file (a %s): refused",
		    S_ISDIR(st.st_mode) ? "directory" : S_ISFIFO(st.st_mode) ?
		    "FIFO" : S_ISCHR(st.st_mode) ? "character device" :
		    S_ISBLK(st.st_mode) ? "block device" : S_ISSOCK(st.st_mode) ?
		    "socket" : "special file");
		close(fd);
		return -1;
	}
	if (st.st_size > CONF_MAX_FILE) {
		*err = xasprintf("file too large (%lld bytes, at most %u)",
		    (long long)st.st_size, CONF_MAX_FILE);
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_SETFL, 0) == -1) {
		*err = xasprintf("cannot open: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* At most one byte past the bound: the reader says it grew. */
	cap = (size_t)st.st_size + 1;
	data = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			if (cap > CONF_MAX_FILE)
				break;
			cap = cap * 2 > (size_t)CONF_MAX_FILE + 1 ?
			    (size_t)CONF_MAX_FILE + 1 : cap * 2;
			data = xrealloc(data, cap + 1);
		}
		n = read(fd, data + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*err = xasprintf("cannot read: %s", strerror(errno));
			free(data);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	data[len] = '\0';
	close(fd);
	t = text_keep(ld->conf, name, data, len);
	t->identified = 1;
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return (ssize_t)ld->conf->ntexts - 1;
}

/*
 * glob over the handed-off texts (config_load_texts): the names PAT
 * matches into GL (freed by globfree), GLOB_NOMATCH if none.
 */
static int
replay_glob(const struct loader *ld, const char *pat, glob_t *gl)
{
	size_t n = 0;

	gl->gl_pathv = xcalloc(ld->nreplay + 1, sizeof *gl->gl_pathv);
	for (size_t i = 0; i < ld->nreplay; i++)
		if (fnmatch(pat, ld->replay[i].name, FNM_PATHNAME |
		    FNM_PERIOD) == 0)
			gl->gl_pathv[n++] = xstrdup(ld->replay[i].name);
	gl->gl_pathc = n;
	gl->gl_offs = 0;
	return n == 0 ? GLOB_NOMATCH : 0;
}

/* Read NAME, matched by the [include] at LINE of FROM. */
static void
include_file(struct loader *ld, struct srcfile *from, int line,
    const char *name)
{
	struct srcfile *f, *g;
	ssize_t ti;
	char *s, *err;

	if (from->depth >= CONF_MAX_INCLUDE) {
		loader_error_in(ld, from, line, "cannot include '%s': "
		    "includes nested too deeply (at most %d levels)", name,
		    CONF_MAX_INCLUDE);
		return;
	}
	if ((ti = config_open(ld, name, &err)) == -1) {
		f = srcfile_new(ld, name, from, line);
		loader_error_in(ld, f, 0, "%s", err);
		free(err);
		ld->incomplete = 1;
		return;
	}
	f = xcalloc(1, sizeof *f);
	srcfile_identify(f, &ld->conf->texts[ti]);
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
		return;
	}
	free(f);
	f = srcfile_new(ld, name, from, line);
	srcfile_identify(f, &ld->conf->texts[ti]);
	loader_read(ld, f, (size_t)ti);
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
	const struct strv *pats;
	char *copy, *pat;
	const char *base;
	struct stat st;
	size_t nerrors = ld->nerrors;
	glob_t gl;
	int line, rc;

	if (sec == NULL || (line = section_key_line(sec, "files")) == 0)
		return;
	finish_keys(ld, sec, &sec->inc);
	if (ld->nerrors != nerrors)
		return;
	pats = &sec->inc.files;
	copy = xstrdup(f->name);
	base = dirname(copy);
	for (size_t i = 0; i < pats->n; i++) {
		pat = path_resolve(base, pats->v[i]);
		memset(&gl, 0, sizeof gl);
		glob_ld = ld;
		glob_file = f;
		glob_line = line;
		rc = ld->replay != NULL ? replay_glob(ld, pat, &gl) :
		    glob(pat, GLOB_NOSORT, include_glob_error, &gl);
		if (rc == GLOB_NOSPACE)
			loader_error_in(ld, f, line, "out of memory");
		else if (rc == 0) {
			qsort(gl.gl_pathv, gl.gl_pathc, sizeof *gl.gl_pathv,
			    name_cmp);
			for (size_t j = 0; j < gl.gl_pathc; j++) {
				if (strpbrk(pats->v[i], "*?[") != NULL &&
				    stat(gl.gl_pathv[j], &st) == 0 &&
				    S_ISDIR(st.st_mode))
					continue;
				include_file(ld, f, line, gl.gl_pathv[j]);
			}
		}
		if (ld->replay != NULL) {
			for (size_t j = 0; j < gl.gl_pathc; j++)
				free(gl.gl_pathv[j]);
			free(gl.gl_pathv);
		} else
			globfree(&gl);
		free(pat);
	}
	free(copy);
}

/* Read F, whose text is conf->texts[TI], then the files it includes. */
static void
loader_read(struct loader *ld, struct srcfile *f, size_t ti)
{
	ld->cur = f;
	ld->text = ld->conf->texts[ti].data;
	ld->textlen = ld->conf->texts[ti].len;
	ld->textpos = 0;
	ld->lineno = 0;
	ld->bytes = 0;
	ld->read_errno = 0;
	ld->cont = ld->contable = ld->accept_cont = 0;
	free(ld->lastkey);
	ld->lastkey = NULL;
	ld->lastsec = NULL;
	if (ini_parse_stream(config_reader, ld, config_handler, ld) == -2)
		loader_error(ld, 0, "out of memory");
	ld->text = NULL;
	if (ld->read_errno != 0) {
		loader_error(ld, 0, "cannot read: %s",
		    strerror(ld->read_errno));
		ld->incomplete = 1;
	}
	include_patterns(ld, f);
}

/* Hand the sorted messages of LIST to ERRS (if not NULL) and free them. */
static void
loader_list_done(struct loader_error *list, size_t n, struct errlist *errs)
{
	struct loader_error *e;

	if (n > 1)
		qsort(list, n, sizeof *list, loader_error_cmp);
	for (size_t i = 0; i < n; i++) {
		e = &list[i];
		if (errs != NULL)
			errlist_add(errs, e->file->name, e->line, "%s",
			    e->msg);
		free(e->msg);
	}
	free(list);
}

/*
 * Hand the sorted errors to ERRS, the warnings to WARNS (if the
 * configuration is valid), and free the loader's own memory.
 */
static void
loader_done(struct loader *ld, struct errlist *errs, struct errlist *warns)
{
	loader_list_done(ld->errors, ld->nerrors, errs);
	loader_list_done(ld->warnings, ld->nwarnings, ld->nerrors == 0 ?
	    warns : NULL);
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

/*
 * Load FILE, with warnings if WARNS is not NULL; from the NREPLAY texts of
 * REPLAY instead of the disk if REPLAY is not NULL.
 */
static struct config *
load(const char *file, struct errlist *errs, struct errlist *warns,
    const struct config_text *replay, size_t nreplay)
{
	struct loader ld;
	struct config *conf;
	struct srcfile *top;
	ssize_t ti;
	char *err;
	int failed;

	memset(&ld, 0, sizeof ld);
	ld.lint = warns != NULL;
	ld.replay = replay;
	ld.nreplay = nreplay;
	conf = xcalloc(1, sizeof *conf);
	ld.conf = conf;
	if ((ti = config_open(&ld, file, &err)) == -1) {
		if (errs != NULL)
			errlist_add(errs, file, 0, "%s", err);
		free(err);
		free(conf);
		return NULL;
	}
	conf->file = xstrdup(file);
	key_defaults(conf, KIND_ARBOR);
	top = srcfile_new(&ld, file, NULL, 0);
	conf->dir = xstrdup(top->dir);
	srcfile_identify(top, &conf->texts[ti]);
	loader_read(&ld, top, (size_t)ti);
	config_finish(&ld);

	failed = ld.nerrors != 0;
	loader_done(&ld, errs, warns);
	/* Limits that nothing could apply are errors, not silent no-ops. */
	if (!failed && conf->cgroup == CGROUP_NO) {
		struct errlist none = { 0 };
		failed = cg_limits_check(conf, "cgroup = no in [arbor]", NULL,
		    NULL, NULL, errs != NULL ? errs : &none) > 0;
		errlist_free(&none);
	}
	if (failed) {
		config_free(conf);
		return NULL;
	}
	return conf;
}

/* Load and validate FILE and what it includes; see config.h. */
struct config *
config_load(const char *file, struct errlist *errs)
{
	return load(file, errs, NULL, NULL, 0);
}

/* config_load from texts handed over; see config.h. */
struct config *
config_load_texts(const char *file, const struct config_text *texts,
    size_t n, struct errlist *errs)
{
	return load(file, errs, NULL, texts, n);
}

/* config_load, and look for the programs; see config.h. */
struct config *
config_check(const char *file, struct errlist *errs, struct errlist *warns)
{
	struct config *conf = load(file, errs, warns, NULL, 0);
	struct errlist none = { 0 };

	/* Limits this host's cgroups cannot apply, as arbord would refuse. */
	if (conf != NULL && cg_limits_check_host(conf, errs != NULL ? errs :
	    &none) > 0) {
		config_free(conf);
		conf = NULL;
	}
	errlist_free(&none);
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
	for (size_t i = 0; i < conf->ntexts; i++) {
		free(conf->texts[i].name);
		free(conf->texts[i].data);
	}
	free(conf->texts);
	for (size_t i = 0; i < nkeydefs; i++)
		if ((keydefs[i].kinds & KIND_ARBOR) != 0 &&
		    keydefs[i].type->free != NULL)
			keydefs[i].type->free(&keydefs[i], conf);
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
