/*
 * fuzz_argv.c: libFuzzer harness for the small value parsers of the
 * configuration: argv_split (lib/argv.c), which splits every command
 * line, and duration_parse (lib/duration.c); argv_split_vars with
 * expand_argv (lib/expand.c), which keep and then substitute a command's
 * variables; and envfile_parse (lib/envfile.c). The input is a
 * NUL-terminated string given to all (and its bytes to envfile_parse).
 * Split words, quoted again the way sh(1) quotes, must split back to the
 * same words; a parsed duration, formatted again, must parse back to the
 * same number of milliseconds; a command argv_split_vars accepts,
 * argv_split splits into as many words, its templates are well formed and
 * expand with no environment exactly when they name no variable; an
 * environment file yields only valid names. A difference aborts.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "expand.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Stop the run: a round trip that should hold did not. */
static void
fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_argv: round trip broken: %s\n", what);
	abort();
}

/* Append S to B in single quotes, a quote in it as '\''. */
static void
quote(struct buf *b, const char *s)
{
	buf_add(b, "'", 1);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_add(b, "'\\''", 4);
		else
			buf_add(b, s, 1);
	}
	buf_add(b, "'", 1);
}

/* Split S; the words, quoted and split again, must come back the same. */
static void
fuzz_split(const char *s)
{
	struct strv sv = { NULL, 0, 0 }, again = { NULL, 0, 0 };
	struct buf b = { 0 };
	char *err;

	if (argv_split(s, &sv, &err) == -1) {
		if (err == NULL || sv.n != 0)
			fuzz_fail("refused without a message");
		free(err);
		return;
	}
	if (err != NULL || sv.n == 0)
		fuzz_fail("accepted");
	for (size_t i = 0; i < sv.n; i++) {
		if (i > 0)
			buf_add(&b, " ", 1);
		quote(&b, sv.v[i]);
	}
	if (argv_split(b.s, &again, &err) == -1)
		fuzz_fail("quoted words refused");
	if (again.n != sv.n)
		fuzz_fail("word count");
	for (size_t i = 0; i < sv.n; i++)
		if (strcmp(again.v[i], sv.v[i]) != 0)
			fuzz_fail("word");
	strv_free(&again);
	strv_free(&sv);
	free(b.s);
}

/*
 * Split S keeping its variables; expand the templates with no environment
 * and with one that defines a few names.
 */
static void
fuzz_vars(const char *s)
{
	static char *const env[] = { "A=1", "B=x y", "EMPTY=", "_=$A", NULL };
	struct strv tmpl = { NULL, 0, 0 }, plain = { NULL, 0, 0 };
	struct strv out = { NULL, 0, 0 };
	char *err, *v;
	bool vars = false;
	int rc;

	if (argv_split_vars(s, &tmpl, &err) == -1) {
		if (err == NULL || tmpl.n != 0)
			fuzz_fail("vars: refused without a message");
		free(err);
		return;
	}
	if (argv_split(s, &plain, &err) == -1)
		fuzz_fail("vars: accepted what argv_split refuses");
	if (plain.n != tmpl.n)
		fuzz_fail("vars: not as many templates as words");
	strv_free(&plain);
	for (size_t i = 0; i < tmpl.n; i++) {
		if (expand_check(tmpl.v[i], &err) == -1)
			fuzz_fail("vars: a malformed template");
		if (expand_has_vars(tmpl.v[i]))
			vars = true;
		else if ((v = expand_value(tmpl.v[i], NULL, &err)) == NULL)
			fuzz_fail("vars: no variable, yet not expanded");
		else
			free(v);
	}
	rc = expand_argv(tmpl.v, NULL, &out, &err);
	if (rc == 0 && (vars || out.n != tmpl.n || err != NULL))
		fuzz_fail("vars: expanded without an environment");
	if (rc == -1 && (err == NULL || out.n != 0 || (!vars &&
	    strcmp(err, "empty command") != 0)))
		fuzz_fail("vars: refused without a variable");
	free(err);
	strv_free(&out);
	if (expand_argv(tmpl.v, env, &out, &err) == -1) {
		if (err == NULL || out.n != 0)
			fuzz_fail("vars: refused without a message");
		free(err);
	}
	strv_free(&out);
	strv_free(&tmpl);
}

/* Parse LEN bytes at S as an environment file. */
static void
fuzz_envfile(const char *s, size_t len)
{
	struct strv env = { NULL, 0, 0 };
	const char *eq;
	char *err;

	if (envfile_parse("f", s, len, &env, &err) == -1) {
		if (err == NULL || strncmp(err, "f:", 2) != 0)
			fuzz_fail("envfile: refused without a message");
		free(err);
	}
	for (size_t i = 0; i < env.n; i++)
		if ((eq = strchr(env.v[i], '=')) == NULL ||
		    !env_name_valid(env.v[i], (size_t)(eq - env.v[i])))
			fuzz_fail("envfile: an invalid name");
	strv_free(&env);
}

/* Parse S as a duration; formatted again it must parse to the same. */
static void
fuzz_duration(const char *s)
{
	char buf[64];
	int64_t ms, again;

	if (duration_parse(s, &ms) == -1)
		return;
	if (ms < 0)
		fuzz_fail("negative duration");
	duration_format(ms, buf, sizeof buf);
	if (duration_parse(buf, &again) == -1 || again != ms) {
		fprintf(stderr, "fuzz_argv: '%s' is %" PRId64 " ms, "
		    "formatted '%s'\n", s, ms, buf);
		fuzz_fail("duration");
	}
}

/* libFuzzer's entry point: one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	fuzz_split(s);
	fuzz_vars(s);
	fuzz_duration(s);
	fuzz_envfile((const char *)data, len);
	free(s);
	return 0;
}
