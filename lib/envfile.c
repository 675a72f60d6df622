/*
 * envfile.c: environment files (env_file = PATH...), read by arbord at
 * each start of the node that names them: KEY=VALUE lines in the format
 * expand.h describes, close to systemd's EnvironmentFile= and to what sh
 * would accept for simple assignments. A file is bounded (ENVFILE_MAX)
 * and must be a regular file: a FIFO or a device is refused, never waited
 * on. envfile_parse is pure; envfile_load reads the files.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expand.h"

/* Is C a blank inside a line? */
static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parse one line, [P, END), without its newline, into ENV. NULL, or the
 * message of what is wrong with it.
 */
static const char *
parse_line(const char *p, const char *end, struct strv *env)
{
	const char *name, *q;
	size_t len;
	struct buf v = { NULL, 0, 0 };
	char *key;

	if (end > p && end[-1] == '\r')
		end--;
	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#' || *p == ';')
		return NULL;
	if (end - p > 7 && memcmp(p, "export", 6) == 0 && blank(p[6]))
		for (p += 6; p < end && blank(*p); p++)
			;
	name = p;
	while (p < end && *p != '=' && !blank(*p))
		p++;
	len = (size_t)(p - name);
	while (p < end && blank(*p))
		p++;
	if (p == end || *p != '=')
		return "expected KEY=VALUE";
	if (!env_name_valid(name, len))
		return "invalid variable name (letters, digits and _, not "
		    "starting with a digit)";
	for (p++; p < end && blank(*p); p++)
		;
	buf_add(&v, "", 0);
	if (p < end && (*p == '\'' || *p == '"')) {
		char quote = *p++;
		for (; p < end && *p != quote; p++) {
			if (quote == '"' && *p == '\\' && p + 1 < end &&
			    strchr("\\\"$`", p[1]) != NULL)
				p++;
			buf_add(&v, p, 1);
		}
		if (p == end) {
			free(v.s);
			return quote == '"' ? "unterminated double quote" :
			    "unterminated single quote";
		}
		for (p++; p < end && blank(*p); p++)
			;
		if (p < end && *p != '#') {
			free(v.s);
			return "text after the closing quote";
		}
	} else {
		for (q = end; q > p && blank(q[-1]); q--)
			;
		buf_add(&v, p, (size_t)(q - p));
	}
	key = xstrndup(name, len);
	env_set(env, key, v.s);
	free(key);
	free(v.s);
	return NULL;
}

/* Parse the text of an environment file; see expand.h. */
int
envfile_parse(const char *name, const char *text, size_t len,
    struct strv *env, char **err)
{
	const char *p = text, *end = text + len, *nl, *msg;
	int line = 0;

	*err = NULL;
	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
			msg = "a NUL byte";
		else
			msg = parse_line(p, nl, env);
		if (msg != NULL) {
			*err = xasprintf("%s:%d: %s", name, line, msg);
			return -1;
		}
		p = nl < end ? nl + 1 : end;
	}
	return 0;
}

/*
 * Read the file PATH into *TEXT and *LEN. 1, 0 if it does not exist, or
 * -1 with *ERR.
 */
static int
read_file(const char *path, char **text, size_t *len, char **err)
{
	struct stat st;
	size_t cap = 4096;
	ssize_t r;
	int fd;

	*text = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) ==
	    -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*err = xasprintf("env_file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*err = xasprintf("env_file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = xasprintf("env_file %s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_size > ENVFILE_MAX) {
		*err = xasprintf("env_file %s: too large (%lld bytes, at most "
		    "%u)", path, (long long)st.st_size, ENVFILE_MAX);
		close(fd);
		return -1;
	}
	*text = xmalloc(cap);
	for (;;) {
		if (*len == cap) {
			/* It grew since fstat. */
			if (cap > ENVFILE_MAX) {
				*err = xasprintf("env_file %s: too large (at "
				    "most %u bytes)", path, ENVFILE_MAX);
				break;
			}
			cap = cap * 2 > ENVFILE_MAX ? ENVFILE_MAX + 1 :
			    cap * 2;
			*text = xrealloc(*text, cap);
		}
		r = read(fd, *text + *len, cap - *len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			*err = xasprintf("env_file %s: %s", path,
			    strerror(errno));
			break;
		}
		if (r == 0) {
			close(fd);
			return 1;
		}
		*len += (size_t)r;
	}
	close(fd);
	free(*text);
	*text = NULL;
	return -1;
}

/* Read environment files; see expand.h. */
int
envfile_load(char *const *files, struct strv *env, char **err)
{
	struct strv out = { NULL, 0, 0 };
	const char *path;
	char *text;
	size_t len;
	int optional, rc;

	*err = NULL;
	strv_copy(&out, env->v);
	for (; files != NULL && *files != NULL; files++) {
		optional = (*files)[0] == '-';
		path = *files + optional;
		rc = read_file(path, &text, &len, err);
		if (rc == 0 && !optional)
			*err = xasprintf("env_file %s: %s", path,
			    strerror(ENOENT));
		if (rc == 1 && envfile_parse(path, text, len, &out, err) == -1)
			rc = -1;
		free(text);
		if (*err != NULL) {
			strv_free(&out);
			return -1;
		}
	}
	strv_free(env);
	*env = out;
	return 0;
}
