/*
 * util.c: allocation helpers that never return NULL, growable strings with
 * JSON quoting, NULL-terminated string
 * vectors used for argv, environments and message lists, and the error list
 * through which the loader reports "FILE:LINE: message".
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Abort on allocation failure; there is nothing sensible left to do. */
static void
oom(void)
{
	fputs("arbor: out of memory\n", stderr);
	abort();
}

/* malloc that never fails. */
void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

/* calloc that never fails. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

/* realloc that never fails. */
void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

/* reallocarray that never fails and checks the multiplication. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return xrealloc(p, n * size);
}

/* strdup that never fails. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* strndup that never fails. */
char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* vasprintf that never fails. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

/* asprintf that never fails. */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Append an owned string, keeping the vector NULL-terminated. */
void
strv_push(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xreallocarray(sv->v, sv->cap, sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

/* Append a formatted string. */
void
strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

/* Append copies of every string of a NULL-terminated array. */
void
strv_copy(struct strv *sv, char *const *v)
{
	for (; v != NULL && *v != NULL; v++)
		strv_push(sv, xstrdup(*v));
}

/* Free every string and the vector itself; leaves it empty. */
void
strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* Is s[0..len) a valid environment variable name? */
int
env_name_valid(const char *s, size_t len)
{
	if (len == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z')))
		return 0;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

/* Index of NAME in an environment vector, or -1. */
static long
env_index(const struct strv *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=')
			return (long)i;
	return -1;
}

/* Set NAME=VALUE, replacing an earlier value of NAME. */
void
env_set(struct strv *env, const char *name, const char *value)
{
	long i = env_index(env, name);
	char *s = xasprintf("%s=%s", name, value);

	if (i < 0)
		strv_push(env, s);
	else {
		free(env->v[i]);
		env->v[i] = s;
	}
}

/* The value of NAME, or NULL. */
const char *
env_get(const struct strv *env, const char *name)
{
	long i = env_index(env, name);

	return i < 0 ? NULL : env->v[i] + strlen(name) + 1;
}

/* Add "FILE:LINE: message". */
void
errlist_add(struct errlist *el, const char *file, int line, const char *fmt,
    ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	strv_pushf(&el->msgs, "%s:%d: %s", file, line, msg);
	free(msg);
}

/* Free every message. */
void
errlist_free(struct errlist *el)
{
	strv_free(&el->msgs);
}

/* Append N bytes. */
void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 128;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append a formatted string. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_add(b, s, strlen(s));
	free(s);
}

/* Append S as a quoted JSON string (also used for quoted text values). */
void
buf_quoted(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':  buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\u%04x", c);
			else
				buf_add(b, (const char *)&c, 1);
		}
	}
	buf_add(b, "\"", 1);
}

/*
 * S as it can be shown: control characters and bytes that are not valid
 * UTF-8 become \xNN, the rest is kept (a configuration's own text in an
 * error message must not drive the terminal). Allocated.
 */
char *
str_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b = { 0 };
	size_t n, i;

	while (*p != '\0') {
		n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 &&
		    *p <= 0xf4 ? 4 : 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		/* Overlong three-byte forms, surrogates, beyond U+10FFFF. */
		if ((n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0))) || (n == 4 &&
		    ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 &&
		    p[1] >= 0x90))))
			n = 0;
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f) &&
		    *p != '\t')) {
			buf_printf(&b, "\\x%02X", *p);
			p++;
			continue;
		}
		buf_add(&b, (const char *)p, n);
		p += n;
	}
	return b.s != NULL ? b.s : xstrdup("");
}

long
read_small(const char *path, char *buf, size_t size)
{
	long total = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - (size_t)total);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}
