/*
 * expand.c: substitutes environment variables into the template words of
 * a command (argv.c's argv_split_vars made them), as systemd does in
 * ExecStart=, and into single values (pidfile). The grammar of a template
 * is in expand.h. Pure: the environment is an argument, nothing else is
 * read, and an undefined variable is an error naming it.
 */
#include <stdlib.h>
#include <string.h>

#include "expand.h"

/* Can C start a name, or continue one? */
static int
name_start(char c)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* The length of the variable name at S (0: none). */
size_t
expand_name_len(const char *s)
{
	size_t len = 0;

	if (!name_start(s[0]))
		return 0;
	while (name_char(s[len]))
		len++;
	return len;
}

/* The value of the LEN bytes of NAME in ENVP, or NULL. */
static const char *
lookup(char *const *envp, const char *name, size_t len)
{
	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

/*
 * The variable reference at S, a '$' that is not "$$": its name in *NAME
 * and *LEN (*LEN 0: a $ before anything else, literal) and the length of
 * the reference in *REFLEN. -1 for a "${" without a name and "}".
 */
static int
reference(const char *s, const char **name, size_t *len, size_t *reflen)
{
	if (s[1] == '{') {
		*name = s + 2;
		*len = expand_name_len(s + 2);
		if (*len == 0 || s[2 + *len] != '}')
			return -1;
		*reflen = *len + 3;
		return 0;
	}
	*name = s + 1;
	*len = expand_name_len(s + 1);
	*reflen = *len + 1;
	return 0;
}

/* The error of an undefined variable. */
static char *
undefined(const char *name, size_t len)
{
	return xasprintf("undefined variable %.*s", (int)len, name);
}

/* Expand TMPL into B (no splitting); 0, or -1 with *ERR. */
static int
expand_into(struct buf *b, const char *tmpl, char *const *envp, char **err)
{
	const char *p = tmpl, *name, *val;
	size_t len, reflen;

	while (*p != '\0') {
		if (*p != '$') {
			len = strcspn(p, "$");
			buf_add(b, p, len);
			p += len;
			continue;
		}
		if (p[1] == '$') {
			buf_add(b, "$", 1);
			p += 2;
			continue;
		}
		if (reference(p, &name, &len, &reflen) == -1) {
			*err = xstrdup("invalid ${...} (expected ${NAME})");
			return -1;
		}
		if (len == 0) {
			buf_add(b, "$", 1);
			p++;
			continue;
		}
		if ((val = lookup(envp, name, len)) == NULL) {
			*err = undefined(name, len);
			return -1;
		}
		buf_add(b, val, strlen(val));
		p += reflen;
	}
	return 0;
}

/* Is the word W just "$NAME" (a variable that splits)? Its name length. */
static size_t
whole_var(const char *w)
{
	size_t len;

	if (w[0] != '$' || (len = expand_name_len(w + 1)) == 0 ||
	    w[1 + len] != '\0')
		return 0;
	return len;
}

/* Push the words of VALUE, split at blanks, onto OUT. */
static void
split_blanks(const char *value, struct strv *out)
{
	const char *p = value;
	size_t len;

	for (;;) {
		p += strspn(p, " \t\n");
		if (*p == '\0')
			return;
		len = strcspn(p, " \t\n");
		strv_push(out, xstrndup(p, len));
		p += len;
	}
}

/* Expand template words into OUT; see expand.h. */
int
expand_argv(char *const *tmpl, char *const *envp, struct strv *out,
    char **err)
{
	struct strv sv = { NULL, 0, 0 };
	struct buf b;
	const char *val;
	size_t len;

	*err = NULL;
	for (; tmpl != NULL && *tmpl != NULL; tmpl++) {
		if ((len = whole_var(*tmpl)) > 0) {
			if ((val = lookup(envp, *tmpl + 1, len)) == NULL) {
				*err = undefined(*tmpl + 1, len);
				break;
			}
			split_blanks(val, &sv);
			continue;
		}
		memset(&b, 0, sizeof b);
		buf_add(&b, "", 0);
		if (expand_into(&b, *tmpl, envp, err) == -1) {
			free(b.s);
			break;
		}
		strv_push(&sv, b.s);
	}
	if (*err == NULL && sv.n == 0)
		*err = xstrdup("empty command");
	if (*err != NULL) {
		strv_free(&sv);
		return -1;
	}
	for (size_t i = 0; i < sv.n; i++)
		strv_push(out, sv.v[i]);
	free(sv.v);
	return 0;
}

/* Expand one template, never split; see expand.h. */
char *
expand_value(const char *tmpl, char *const *envp, char **err)
{
	struct buf b = { NULL, 0, 0 };

	*err = NULL;
	buf_add(&b, "", 0);
	if (expand_into(&b, tmpl, envp, err) == -1) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Is every "${" of TMPL closed by a name and "}"? */
int
expand_check(const char *tmpl, char **err)
{
	const char *name;
	size_t len, reflen;

	for (const char *p = tmpl; (p = strchr(p, '$')) != NULL;) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (reference(p, &name, &len, &reflen) == -1) {
			*err = xstrdup("invalid ${...} (expected ${NAME}, a "
			    "name of letters, digits and _)");
			return -1;
		}
		p += len > 0 ? reflen : 1;
	}
	return 0;
}

/* Does TMPL refer to a variable? */
bool
expand_has_vars(const char *tmpl)
{
	const char *name;
	size_t len, reflen;

	for (const char *p = tmpl; (p = strchr(p, '$')) != NULL;) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (reference(p, &name, &len, &reflen) == -1 || len > 0)
			return true;
		p++;
	}
	return false;
}
