/*
 * argv.c: splits a command line from the configuration into an argument
 * vector the way sh(1) would split it, but with no shell involved. Blanks
 * separate words; '...' is literal; inside "..." a backslash escapes only
 * \ " $ ` and newline; outside quotes a backslash escapes any character;
 * adjacent quoted and unquoted parts join into one word; "" is an empty
 * word. As in sh, a backslash-newline pair outside single quotes is removed.
 * `, ~ and * are ordinary characters.
 *
 * argv_split does no expansion at all ($ is ordinary too: [include]
 * files). argv_split_vars, for commands, keeps the variables for
 * expand.c, which substitutes them at each start: its words are templates
 * where "$$" is a literal $, "${NAME}" a variable inside a word and "$NAME"
 * a whole word that splits at blanks. Unquoted or in double quotes, $NAME
 * and ${NAME} are variables and $$ is a $; a bare $NAME that is a whole
 * word stays "$NAME" (it splits), any other becomes "${NAME}" (it does
 * not); a $ in single quotes, escaped by a backslash or followed by
 * anything else is literal ("$$" in the template). A "${" not closed by
 * a valid name and "}" is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "expand.h"

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

/* Append a literal character: a $ is "$$" in a template (VARS). */
static void
word_lit(struct word *w, char c, int vars)
{
	if (vars && c == '$')
		word_add(w, '$');
	word_add(w, c);
}

/* Append the LEN bytes at S. */
static void
word_addn(struct word *w, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		word_add(w, s[i]);
}

/* Is C a blank that ends a word? */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * An active $ at S (unquoted, or in double quotes if QUOTED): append its
 * template to W and return what follows it, or NULL with *MSG set.
 */
static const char *
word_dollar(struct word *w, const char *s, int quoted, const char **msg)
{
	size_t len;

	if (s[1] == '$') {
		word_addn(w, "$$", 2);
		return s + 2;
	}
	if (s[1] == '{') {
		len = expand_name_len(s + 2);
		if (len == 0 || s[2 + len] != '}') {
			*msg = "invalid ${...} (expected ${NAME}, a name of "
			    "letters, digits and _)";
			return NULL;
		}
		word_addn(w, s, len + 3);
		return s + len + 3;
	}
	if ((len = expand_name_len(s + 1)) == 0) {
		word_addn(w, "$$", 2);	/* a $ before anything else */
		return s + 1;
	}
	if (!quoted && !w->open && (s[1 + len] == '\0' ||
	    is_blank(s[1 + len]))) {
		word_addn(w, s, len + 1);	/* a whole word: it splits */
		return s + 1 + len;
	}
	word_addn(w, "${", 2);
	word_addn(w, s + 1, len);
	word_add(w, '}');
	return s + 1 + len;
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
 * Split S into words appended to OUT, templates if VARS. On error return
 * -1, leave OUT as it was and set *ERR to an allocated message.
 */
static int
split(const char *s, int vars, struct strv *out, char **err)
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
				word_lit(&w, *s, vars);
			if (*s == '\0')
				msg = "unterminated single quote";
			else
				s++;
			break;
		case '"':
			w.open = 1;
			for (s++; *s != '\0' && *s != '"';) {
				if (*s == '\\' && s[1] == '\n')
					s += 2;
				else if (*s == '\\' && s[1] != '\0' &&
				    strchr("\\\"$`", s[1]) != NULL) {
					word_lit(&w, s[1], vars);
					s += 2;
				} else if (*s == '$' && vars) {
					if ((s = word_dollar(&w, s, 1, &msg)) ==
					    NULL)
						goto out;
				} else
					word_lit(&w, *s++, vars);
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
				word_lit(&w, s[1], vars);
				s += 2;
			}
			break;
		case '$':
			if (!vars)
				word_add(&w, *s++);
			else if ((s = word_dollar(&w, s, 0, &msg)) == NULL)
				goto out;
			break;
		default:
			word_add(&w, *s++);
			break;
		}
	}
out:
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

/* Split S with no expansion; see split. */
int
argv_split(const char *s, struct strv *out, char **err)
{
	return split(s, 0, out, err);
}

/* Split S into templates for expand_argv; see split. */
int
argv_split_vars(const char *s, struct strv *out, char **err)
{
	return split(s, 1, out, err);
}
