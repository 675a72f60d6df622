/*
 * util.h: allocation helpers, growable string vectors and error lists shared
 * by every module. Allocation failure is fatal (a supervisor that cannot
 * allocate a few bytes cannot supervise anything), so callers never check.
 */
#ifndef ARBOR_UTIL_H
#define ARBOR_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define ARBOR_PRINTF(a, b) __attribute__((format(printf, a, b)))

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) ARBOR_PRINTF(1, 2);
char *xvasprintf(const char *, va_list) ARBOR_PRINTF(1, 0);

/* A NULL-terminated vector of owned strings (argv, envp, messages). */
struct strv {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

void	 strv_push(struct strv *, char *);
void	 strv_pushf(struct strv *, const char *, ...) ARBOR_PRINTF(2, 3);
void	 strv_copy(struct strv *, char *const *);
void	 strv_free(struct strv *);

/* Environment handling on a strv of "KEY=VALUE" strings. */
void	 env_set(struct strv *, const char *, const char *);
const char *env_get(const struct strv *, const char *);
int	 env_name_valid(const char *, size_t);

/*
 * Read the small file PATH (/proc, cgroup interface files) into BUF of
 * SIZE, NUL-terminated, cut at SIZE - 1 bytes: its length, or -1.
 */
long	 read_small(const char *path, char *buf, size_t size);

/* Error list: every message is "FILE:LINE: message". */
struct errlist {
	struct strv msgs;
};

void	 errlist_add(struct errlist *, const char *, int, const char *, ...)
	    ARBOR_PRINTF(4, 5);
void	 errlist_free(struct errlist *);

/* A growable string; s is NUL-terminated (or NULL while empty). */
struct buf {
	char	*s;
	size_t	 len, cap;
};

void	 buf_add(struct buf *, const char *, size_t);
/* S with control bytes and invalid UTF-8 as \xNN (allocated). */
char	*str_escape(const char *);
void	 buf_printf(struct buf *, const char *, ...) ARBOR_PRINTF(2, 3);
/* Append S as a quoted, escaped JSON string. */
void	 buf_quoted(struct buf *, const char *);

#endif
