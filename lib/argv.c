/*
 * argv.c: splits a command line from the configuration into an argument
 * vector the way sh(1) would split it, but with no shell involved and no
 * expansion of any kind ($, `, ~ and * are ordinary characters). Blanks
 * separate words; '...' is literal; inside "..." a backslash escapes only
 * \ " $ ` and newline; outside quotes a backslash escapes any character;
 * adjacent quoted and unquoted parts join into one word; "" is an empty
 * word. As in sh, a backslash-newline pair outside single quotes is removed.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* A word being built, growing as needed. */
struct word {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 open;		/* a word has started, even if empty */
};

/* Append one character to the word being built. */
static void
word_add(struct word *w, char c)
{
	if (w->len + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->s = xrealloc(w->s, w->cap);
	}
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
	w->open = 1;
}

/* Move a finished word, if any, onto the vector. */
static void
word_end(struct word *w, struct strv *sv)
{
	if (!w->open)
		return;
	strv_push(sv, xstrndup(w->s ? w->s : "", w->len));
	w->len = 0;
	w->open = 0;
}

/* Set *err to a copy of MSG if the caller wants it; return -1. */
static int
argv_error(char **err, const char *msg)
{
	if (err != NULL)
		*err = xstrdup(msg);
	return -1;
}

/*
 * Split S into words appended to OUT. On error return -1, leave OUT as it
 * was and set *ERR to an allocated message.
 */
int
argv_split(const char *s, struct strv *out, char **err)
{
	struct strv sv = { NULL, 0, 0 };
	struct word w = { NULL, 0, 0, 0 };
	const char *msg = NULL;

	if (err != NULL)
		*err = NULL;
	while (*s != '\0' && msg == NULL) {
		switch (*s) {
		case ' ':
		case '\t':
		case '\n':
			word_end(&w, &sv);
			s++;
			break;
		case '\'':
			w.open = 1;
			for (s++; *s != '\0' && *s != '\''; s++)
				word_add(&w, *s);
			if (*s == '\0')
				msg = "unterminated single quote";
			else
				s++;
			break;
		case '"':
			w.open = 1;
			for (s++; *s != '\0' && *s != '"'; s++) {
				if (*s == '\\' && s[1] == '\n')
					s++;
				else if (*s == '\\' && s[1] != '\0' &&
				    strchr("\\\"$`", s[1]) != NULL)
					word_add(&w, *++s);
				else
					word_add(&w, *s);
			}
			if (*s == '\0')
				msg = "unterminated double quote";
			else
				s++;
			break;
		case '\\':
			if (s[1] == '\0')
				msg = "trailing backslash";
			else if (s[1] == '\n')
				s += 2;
			else {
				word_add(&w, s[1]);
				s += 2;
			}
			break;
		default:
			word_add(&w, *s++);
			break;
		}
	}
	word_end(&w, &sv);
	free(w.s);
	if (msg == NULL && sv.n == 0)
		msg = "empty command";
	if (msg != NULL) {
		strv_free(&sv);
		return argv_error(err, msg);
	}
	for (size_t i = 0; i < sv.n; i++)
		strv_push(out, sv.v[i]);
	free(sv.v);
	return 0;
}

/* True if C needs no quoting in a word for sh(1) or argv_split. */
static int
argv_plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_@%+=:,./-", c) != NULL;
}

/*
 * Join SV into one line that argv_split, and sh(1), split back into the
 * same words: a word of plain characters as it is, any other in single
 * quotes (a quote in it as '\''). Allocated.
 */
char *
argv_join(const struct strv *sv)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < sv->n; i++) {
		const char *w = sv->v[i], *p;

		if (i > 0)
			buf_add(&b, " ", 1);
		for (p = w; *p != '\0' && argv_plain(*p); p++)
			;
		if (*w != '\0' && *p == '\0') {
			buf_add(&b, w, strlen(w));
			continue;
		}
		buf_add(&b, "'", 1);
		for (p = w; *p != '\0'; p++)
			if (*p == '\'')
				buf_add(&b, "'\\''", 4);
			else
				buf_add(&b, p, 1);
		buf_add(&b, "'", 1);
	}
	if (b.s == NULL)
		buf_add(&b, "", 0);
	return b.s;
}
