/*
 * keys.h: the key table of the configuration format, inside lib/ (config.c
 * reads with it, spec.c copies, frees and diffs node specs with it). Every
 * key is one row: its name, the sections that take it, its type, its
 * default as written in a file, where its value is stored and what a
 * reload does when it changes. A type knows how to parse, free, copy and
 * compare what it stores, so a new key of an existing type is one row.
 */
#ifndef ARBOR_KEYS_H
#define ARBOR_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* The sections a key may appear in. */
#define KIND_WORKER	0x1
#define KIND_SUPER	0x2
#define KIND_ARBOR	0x4		/* stored in struct config */
#define KIND_INCLUDE	0x8		/* stored in struct include_spec */
#define KIND_NODE	(KIND_WORKER | KIND_SUPER)

/* What a reload does when a node's key changes. */
enum key_reload {
	RELOAD_RESTART,		/* the node restarts with the new value */
	RELOAD_LIVE,		/* applied in place, no restart */
	RELOAD_NONE,		/* not compared ([arbor], [include], instances) */
};

/* What an [include] section holds. */
struct include_spec {
	struct strv		 files;		/* files = PATTERN... */
};

struct keydef;

/* A type of value: parsing and the life of what it stores. */
struct keytype {
	const char	*name;
	/* Values are collected with their continuation lines and parsed
	   once the section is read. */
	int		 multiline;
	/* Parse VALUE of KEY written in a file of directory DIR into OBJ
	   (a node_spec, a config or an include_spec); 0, or -1 and *ERR. */
	int		(*parse)(const struct keydef *, void *obj,
			    const char *key, const char *value,
			    const char *dir, char **err);
	/* The value when the key is not set and has no default. */
	void		(*init)(const struct keydef *, void *obj);
	/* Free what OBJ owns for the key. */
	void		(*free)(const struct keydef *, void *obj);
	/* DST is a shallow copy of SRC: give it its own memory. */
	void		(*copy)(const struct keydef *, void *dst,
			    const void *src);
	bool		(*equal)(const struct keydef *, const void *,
			    const void *);
	/* After the whole section is read (user and group lookups). */
	int		(*finish)(const struct keydef *, void *obj, char **err);
};

/* One key. */
struct keydef {
	const char		*name;		/* "env." matches env.NAME */
	int			 kinds;		/* KIND_* */
	const struct keytype	*type;
	const char		*def;		/* default, NULL: unset */
	size_t			 off;		/* storage in its object */
	size_t			 off2;		/* a second field, if any */
	int			 arg;		/* limit or stream index */
	const char *const	*names;		/* enum: the values */
	long long		 min, max;	/* integers and sizes */
	enum key_reload		 reload;
};

extern const struct keydef	keydefs[];
extern const size_t		nkeydefs;

const struct keydef *key_find(const char *key);
const struct keydef *key_find_diff(const char *name);
const char	*key_diff_name(const struct keydef *, char *, size_t);
void		 key_defaults(void *obj, int kinds);
char		*key_list(int kinds, const struct keytype *);
char		*path_resolve(const char *base, const char *path);

extern const struct keytype	key_type_limit;
extern const struct keytype	key_type_cglimit;

#endif
