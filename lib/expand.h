/*
 * expand.h: environment variables in commands (expand.c) and environment
 * files (envfile.c). A command is split once, when the configuration is
 * loaded, into template words (argv_split_vars); at each start the words
 * are expanded with the environment the process will get, as systemd
 * expands ExecStart=. Pure functions: the environment is an argument.
 */
#ifndef ARBOR_EXPAND_H
#define ARBOR_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * Template words: "$$" is a literal $; "${NAME}" is NAME's value, in a
 * word or a word of its own, never split; "$NAME" is NAME's value too,
 * and when it is the whole word it splits at blanks (space, tab, newline)
 * into zero or more words, quotes in the value being ordinary characters;
 * a $ before anything else stays a $. NAME is letters, digits and _, not
 * starting with a digit. An undefined variable is an error, never an
 * empty string.
 */

/* The length of the variable name at S (0: none). */
size_t	 expand_name_len(const char *s);

/*
 * Expand the template words TMPL (NULL-ended) with ENVP ("NAME=value",
 * NULL-ended, NULL for none) into OUT. On error return -1, leave OUT as
 * it was and set *ERR: "undefined variable NAME", "invalid ${...}" or
 * "empty command" when nothing is left.
 */
int	 expand_argv(char *const *tmpl, char *const *envp, struct strv *out,
	    char **err);

/* Expand one template, never split (pidfile). Allocated, or NULL and
   *ERR. */
char	*expand_value(const char *tmpl, char *const *envp, char **err);

/* Is TMPL well formed (every "${" closed by a name and "}")? 0, or -1
   and *ERR. */
int	 expand_check(const char *tmpl, char **err);

/* Does TMPL refer to any variable? */
bool	 expand_has_vars(const char *tmpl);

/*
 * Environment files (env_file = PATH...): KEY=VALUE lines. Blank lines
 * and lines starting with # or ; are skipped; "export " before KEY is
 * accepted; blanks around KEY, = and VALUE are ignored; a value in '...'
 * is literal, in "..." a backslash escapes \ " $ and ` (others stay); an
 * unquoted value is taken as it is, to the end of the line. No
 * expansion. A value is on one line.
 */
#define ENVFILE_MAX	(1u << 20)	/* bytes in one file */

/*
 * Parse TEXT (LEN bytes) read from NAME into ENV, later values of a name
 * replacing earlier ones. 0, or -1 and *ERR as "NAME:LINE: message"
 * (ENV may then hold the lines before).
 */
int	 envfile_parse(const char *name, const char *text, size_t len,
	    struct strv *env, char **err);

/*
 * Read each file of FILES (absolute; "-PATH" if it may be missing) into
 * ENV, in order. A missing file, one that is not a regular file or is
 * larger than ENVFILE_MAX, or a malformed line is an error: -1 and *ERR
 * ("env_file PATH: reason" or "PATH:LINE: message"), ENV unchanged.
 */
int	 envfile_load(char *const *files, struct strv *env, char **err);

#endif
