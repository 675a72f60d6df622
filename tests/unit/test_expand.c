/*
 * test_expand.c: variables in commands and environment files. Tables of
 * cases: a command line split by argv_split_vars and expanded by
 * expand_argv in a fixed environment (whole words that split, ${NAME} in
 * a word, quoting, $$, undefined variables, malformed ${...}); template
 * words given to expand_argv directly; expand_value, expand_check and
 * expand_has_vars; envfile_parse on file texts, good and bad; and
 * envfile_load on real files (order, -PATH, missing, not regular, too
 * large, malformed).
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "expand.h"
#include "suites.h"

#define MAXW	8

/* The environment every expansion case sees. */
static char *const test_env[] = {
	"A=a",
	"AB=ab val",
	"EMPTY=",
	"SP=  x \t y  ",
	"Q='q r'",
	"D=$HOME",
	"X=x",
	"ARBOR_INSTANCE=3",
	NULL
};

/* A command line, and either its words or the error. */
struct cmdcase {
	const char	*cmd;
	const char	*words[MAXW];	/* NULL-ended */
	const char	*err;		/* split or expand error, else NULL */
};

#define BADREF	"invalid ${...} (expected ${NAME}, a name of letters, " \
	"digits and _)"

static const struct cmdcase cmdcases[] = {
	{ "prog $A", { "prog", "a" }, NULL },
	{ "prog ${A}", { "prog", "a" }, NULL },
	/* A bare $NAME that is a whole word splits at blanks. */
	{ "prog $AB", { "prog", "ab", "val" }, NULL },
	{ "prog $SP", { "prog", "x", "y" }, NULL },
	{ "prog $EMPTY end", { "prog", "end" }, NULL },
	{ "$AB", { "ab", "val" }, NULL },
	/* Quotes in a value are ordinary characters. */
	{ "prog $Q", { "prog", "'q", "r'" }, NULL },
	/* ${NAME}, quoted or part of a word never splits. */
	{ "prog ${AB}", { "prog", "ab val" }, NULL },
	{ "prog \"$AB\"", { "prog", "ab val" }, NULL },
	{ "prog ''$AB", { "prog", "ab val" }, NULL },
	{ "prog --x=$AB", { "prog", "--x=ab val" }, NULL },
	{ "prog \"$EMPTY\" end", { "prog", "", "end" }, NULL },
	{ "./web --port-offset \"$ARBOR_INSTANCE\"",
	    { "./web", "--port-offset", "3" }, NULL },
	{ "prog x\"$A\"y", { "prog", "xay" }, NULL },
	{ "prog ${A}${X}", { "prog", "ax" }, NULL },
	{ "prog $A$X", { "prog", "ax" }, NULL },
	{ "prog ${A}_B", { "prog", "a_B" }, NULL },
	/* A value is not expanded again. */
	{ "prog $D", { "prog", "$HOME" }, NULL },
	/* Literal dollars. */
	{ "prog $$A", { "prog", "$A" }, NULL },
	{ "prog \"$$\"", { "prog", "$" }, NULL },
	{ "prog '$A'", { "prog", "$A" }, NULL },
	{ "prog \\$A", { "prog", "$A" }, NULL },
	{ "prog \"\\$A\"", { "prog", "$A" }, NULL },
	{ "prog '${NOPE'", { "prog", "${NOPE" }, NULL },
	{ "awk '{print $NF}'", { "awk", "{print $NF}" }, NULL },
	{ "prog $ $1 a$ $- $@", { "prog", "$", "$1", "a$", "$-", "$@" },
	    NULL },
	{ "sh -c 'echo $$'", { "sh", "-c", "echo $$" }, NULL },
	/* Errors at each start. */
	{ "prog $NOPE", { NULL }, "undefined variable NOPE" },
	{ "prog \"${NOPE}\"", { NULL }, "undefined variable NOPE" },
	{ "prog $A_B", { NULL }, "undefined variable A_B" },
	{ "prog x${A}${NOPE2}", { NULL }, "undefined variable NOPE2" },
	{ "$EMPTY", { NULL }, "empty command" },
	/* Errors when the configuration is loaded. */
	{ "prog ${A", { NULL }, BADREF },
	{ "prog ${}", { NULL }, BADREF },
	{ "prog ${1A}", { NULL }, BADREF },
	{ "prog \"${A B}\"", { NULL }, BADREF },
	{ "prog ${A-default}", { NULL }, BADREF },
};

/* Split and expand one command; compare with its words or error. */
START_TEST(test_command)
{
	const struct cmdcase *c = &cmdcases[_i];
	struct strv tmpl = { 0 }, out = { 0 };
	char *err = NULL;
	size_t n;

	if (argv_split_vars(c->cmd, &tmpl, &err) == -1) {
		ck_assert_msg(c->err != NULL, "[%s]: split failed: %s", c->cmd,
		    err);
		ck_assert_str_eq(err, c->err);
		ck_assert_uint_eq(tmpl.n, 0);
		free(err);
		return;
	}
	if (expand_argv(tmpl.v, test_env, &out, &err) == -1) {
		ck_assert_msg(c->err != NULL, "[%s]: expand failed: %s", c->cmd,
		    err);
		ck_assert_str_eq(err, c->err);
		ck_assert_uint_eq(out.n, 0);
		free(err);
		strv_free(&tmpl);
		return;
	}
	ck_assert_msg(c->err == NULL, "[%s]: no error, want [%s]", c->cmd,
	    c->err);
	ck_assert_ptr_null(err);
	for (n = 0; n < MAXW && c->words[n] != NULL; n++) {
		ck_assert_msg(n < out.n, "[%s]: only %zu words", c->cmd, out.n);
		ck_assert_msg(strcmp(out.v[n], c->words[n]) == 0,
		    "[%s] word %zu: got [%s], want [%s]", c->cmd, n, out.v[n],
		    c->words[n]);
	}
	ck_assert_msg(n == out.n, "[%s]: %zu words, want %zu", c->cmd, out.n,
	    n);
	ck_assert_ptr_null(out.v[out.n]);
	strv_free(&out);
	strv_free(&tmpl);
}
END_TEST

/* The template words argv_split_vars makes. */
static const struct cmdcase tmplcases[] = {
	{ "p $A", { "p", "$A" }, NULL },
	{ "p \"$A\"", { "p", "${A}" }, NULL },
	{ "p x$A", { "p", "x${A}" }, NULL },
	{ "p $A'x'", { "p", "${A}x" }, NULL },
	{ "p ${A}", { "p", "${A}" }, NULL },
	{ "p '$A' \\$ $$ $1", { "p", "$$A", "$$", "$$", "$$1" }, NULL },
	{ "p plain", { "p", "plain" }, NULL },
};

/* argv_split_vars: each command's templates. */
START_TEST(test_templates)
{
	const struct cmdcase *c = &tmplcases[_i];
	struct strv tmpl = { 0 };
	char *err = NULL;
	size_t n;

	ck_assert_int_eq(argv_split_vars(c->cmd, &tmpl, &err), 0);
	for (n = 0; c->words[n] != NULL; n++) {
		ck_assert_uint_lt(n, tmpl.n);
		ck_assert_str_eq(tmpl.v[n], c->words[n]);
	}
	ck_assert_uint_eq(n, tmpl.n);
	strv_free(&tmpl);
	/* argv_split keeps every $ as it is. */
	ck_assert_int_eq(argv_split("p $A ${B} $$", &tmpl, &err), 0);
	ck_assert_str_eq(tmpl.v[1], "$A");
	ck_assert_str_eq(tmpl.v[2], "${B}");
	ck_assert_str_eq(tmpl.v[3], "$$");
	strv_free(&tmpl);
}
END_TEST

/* expand_argv on templates as written: the grammar of expand.h. */
START_TEST(test_expand_argv)
{
	char *t1[] = { "$$A", "${A}", "pre$A", "$AB", "$", NULL };
	char *t2[] = { "${bad", NULL };
	char *t3[] = { "p", "$UNSET", NULL };
	struct strv out = { 0 };
	char *err;

	strv_push(&out, xstrdup("kept"));
	ck_assert_int_eq(expand_argv(t1, test_env, &out, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(out.n, 7);
	ck_assert_str_eq(out.v[0], "kept");
	ck_assert_str_eq(out.v[1], "$A");
	ck_assert_str_eq(out.v[2], "a");
	ck_assert_str_eq(out.v[3], "prea");
	ck_assert_str_eq(out.v[4], "ab");
	ck_assert_str_eq(out.v[5], "val");
	ck_assert_str_eq(out.v[6], "$");
	ck_assert_int_eq(expand_argv(t2, test_env, &out, &err), -1);
	ck_assert_str_eq(err, "invalid ${...} (expected ${NAME})");
	free(err);
	/* An error leaves OUT as it was; no environment at all is fine. */
	ck_assert_int_eq(expand_argv(t3, NULL, &out, &err), -1);
	ck_assert_str_eq(err, "undefined variable UNSET");
	free(err);
	ck_assert_uint_eq(out.n, 7);
	strv_free(&out);
}
END_TEST

/* expand_value (pidfile), expand_check, expand_has_vars. */
START_TEST(test_expand_value)
{
	static const struct {
		const char	*tmpl;
		const char	*want;	/* NULL: error */
		const char	*err;
	} vc[] = {
		{ "/run/app-$ARBOR_INSTANCE.pid", "/run/app-3.pid", NULL },
		{ "/run/${A}x.pid", "/run/ax.pid", NULL },
		{ "run/$AB", "run/ab val", NULL },	/* never split */
		{ "$$A $ $1", "$A $ $1", NULL },
		{ "plain", "plain", NULL },
		{ "$NOPE.pid", NULL, "undefined variable NOPE" },
		{ "${A", NULL, "invalid ${...} (expected ${NAME})" },
	};
	char *v, *err;

	for (size_t i = 0; i < sizeof vc / sizeof vc[0]; i++) {
		v = expand_value(vc[i].tmpl, test_env, &err);
		if (vc[i].want != NULL) {
			ck_assert_msg(v != NULL, "[%s]: %s", vc[i].tmpl, err);
			ck_assert_str_eq(v, vc[i].want);
			free(v);
		} else {
			ck_assert_ptr_null(v);
			ck_assert_str_eq(err, vc[i].err);
			free(err);
		}
	}
	ck_assert_int_eq(expand_check("/run/${A}/$B/$$/$", &err), 0);
	ck_assert_int_eq(expand_check("/run/${A", &err), -1);
	ck_assert_str_eq(err, BADREF);
	free(err);
	ck_assert_int_eq(expand_check("${}", &err), -1);
	free(err);
	ck_assert(expand_has_vars("$A"));
	ck_assert(expand_has_vars("x${A}"));
	ck_assert(expand_has_vars("$$$A"));
	ck_assert(!expand_has_vars("$$A"));
	ck_assert(!expand_has_vars("a$ $1 $$"));
	ck_assert(!expand_has_vars("/usr/bin/prog"));
}
END_TEST

/* An environment file's text and what it sets ("K=V"), or its error. */
struct filecase {
	const char	*text;
	const char	*env[MAXW];
	const char	*err;		/* without "f:" */
};

#define BADNAME	"invalid variable name (letters, digits and _, not starting " \
	"with a digit)"

static const struct filecase filecases[] = {
	{ "A=1\nB=two words\n", { "A=1", "B=two words" }, NULL },
	{ "# comment\n; comment\n\n   \n\tA=1", { "A=1" }, NULL },
	{ "export A=1\nexport\tB=2\n", { "A=1", "B=2" }, NULL },
	{ "exportA=1\n", { "exportA=1" }, NULL },
	{ "  A =  1  \n", { "A=1" }, NULL },
	{ "A='x y # z'\n", { "A=x y # z" }, NULL },
	{ "A='a\\b \"c\" $d'\n", { "A=a\\b \"c\" $d" }, NULL },
	{ "A=\"a \\\"b\\\" \\\\ \\$ \\` \\n\"\n", { "A=a \"b\" \\ $ ` \\n" },
	    NULL },
	{ "A=\"q\"  # a comment\n", { "A=q" }, NULL },
	{ "A=\n", { "A=" }, NULL },
	{ "A=''\n", { "A=" }, NULL },
	{ "A=1\nA=2\n", { "A=2" }, NULL },
	{ "A=x # not a comment\n", { "A=x # not a comment" }, NULL },
	{ "A=it's\n", { "A=it's" }, NULL },
	{ "A=$HOME\n", { "A=$HOME" }, NULL },
	{ "A=1\r\nB=2\r\n", { "A=1", "B=2" }, NULL },
	{ "A=a=b\n", { "A=a=b" }, NULL },
	{ "", { NULL }, NULL },
	{ "A=1\nnoequals\n", { NULL }, "2: expected KEY=VALUE" },
	{ "export\n", { NULL }, "1: expected KEY=VALUE" },
	{ "A B=1\n", { NULL }, "1: expected KEY=VALUE" },
	{ "1A=x\n", { NULL }, "1: " BADNAME },
	{ "A-B=x\n", { NULL }, "1: " BADNAME },
	{ "=x\n", { NULL }, "1: " BADNAME },
	{ "\n\nA='x\n", { NULL }, "3: unterminated single quote" },
	{ "A=\"x\n", { NULL }, "1: unterminated double quote" },
	{ "A=\"x\\\"\n", { NULL }, "1: unterminated double quote" },
	{ "A='x' y\n", { NULL }, "1: text after the closing quote" },
};

/* envfile_parse: each text's variables, or its error. */
START_TEST(test_envfile_parse)
{
	const struct filecase *c = &filecases[_i];
	struct strv env = { 0 };
	char *err = NULL, *want;
	size_t n;

	if (c->err != NULL) {
		ck_assert_msg(envfile_parse("f", c->text, strlen(c->text),
		    &env, &err) == -1, "[%s] accepted", c->text);
		want = xasprintf("f:%s", c->err);
		ck_assert_str_eq(err, want);
		free(want);
		free(err);
		strv_free(&env);
		return;
	}
	ck_assert_msg(envfile_parse("f", c->text, strlen(c->text), &env,
	    &err) == 0, "[%s]: %s", c->text, err);
	ck_assert_ptr_null(err);
	for (n = 0; n < MAXW && c->env[n] != NULL; n++) {
		ck_assert_msg(n < env.n, "[%s]: only %zu", c->text, env.n);
		ck_assert_str_eq(env.v[n], c->env[n]);
	}
	ck_assert_msg(n == env.n, "[%s]: %zu variables, want %zu", c->text,
	    env.n, n);
	strv_free(&env);
}
END_TEST

/* A NUL byte, which no environment can hold. */
START_TEST(test_envfile_nul)
{
	static const char text[] = "A=1\nB=x\0y\n";
	struct strv env = { 0 };
	char *err;

	ck_assert_int_eq(envfile_parse("f", text, sizeof text - 1, &env,
	    &err), -1);
	ck_assert_str_eq(err, "f:2: a NUL byte");
	free(err);
	strv_free(&env);
}
END_TEST

static char	ef_dir[PATH_MAX];

/* Write TEXT to NAME in the test directory; its path (static). */
static const char *
ef_write(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", ef_dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* envfile_load on files: order, optional ones, every error. */
START_TEST(test_envfile_load)
{
	char tmpl[] = "/tmp/arbor-envfile-XXXXXX";
	struct strv env = { 0 }, files = { 0 };
	char *err, *want, *big;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(ef_dir, sizeof ef_dir, "%s", tmpl);
	strv_push(&files, xstrdup(ef_write("a.env", "A=1\nB=1\n")));
	strv_push(&files, xstrdup(ef_write("b.env", "B=2\n")));
	strv_push(&files, xasprintf("-%s/missing.env", tmpl));
	env_set(&env, "X", "0");
	ck_assert_int_eq(envfile_load(files.v, &env, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(env.n, 3);
	ck_assert_str_eq(env_get(&env, "X"), "0");
	ck_assert_str_eq(env_get(&env, "A"), "1");
	ck_assert_str_eq(env_get(&env, "B"), "2");	/* the later file */
	strv_free(&files);

	/* Missing without "-": an error naming it; ENV unchanged. */
	strv_push(&files, xstrdup(ef_write("c.env", "C=3\n")));
	strv_push(&files, xasprintf("%s/missing.env", tmpl));
	ck_assert_int_eq(envfile_load(files.v, &env, &err), -1);
	want = xasprintf("env_file %s/missing.env: No such file or directory",
	    tmpl);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	ck_assert_ptr_null(env_get(&env, "C"));
	ck_assert_uint_eq(env.n, 3);
	strv_free(&files);

	/* A directory, optional or not, is not a file. */
	strv_push(&files, xasprintf("-%s", tmpl));
	ck_assert_int_eq(envfile_load(files.v, &env, &err), -1);
	want = xasprintf("env_file %s: not a regular file", tmpl);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	strv_free(&files);

	/* A malformed line: PATH:LINE: message. */
	strv_push(&files, xstrdup(ef_write("bad.env", "D=4\n# ok\nbad\n")));
	ck_assert_int_eq(envfile_load(files.v, &env, &err), -1);
	want = xasprintf("%s/bad.env:3: expected KEY=VALUE", tmpl);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	ck_assert_ptr_null(env_get(&env, "D"));
	strv_free(&files);

	/* Too large. */
	big = xasprintf("%s/big.env", tmpl);
	ck_assert_ptr_nonnull(fp = fopen(big, "w"));
	for (unsigned i = 0; i <= ENVFILE_MAX / 8; i++)
		fputs("#comment\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	strv_push(&files, big);
	ck_assert_int_eq(envfile_load(files.v, &env, &err), -1);
	ck_assert_msg(strstr(err, "too large") != NULL, "%s", err);
	free(err);
	strv_free(&files);

	/* No files: nothing to do. */
	ck_assert_int_eq(envfile_load(NULL, &env, &err), 0);
	ck_assert_uint_eq(env.n, 3);
	strv_free(&env);
	for (const char *const *f = (const char *const[]){ "a.env", "b.env",
	    "c.env", "bad.env", "big.env", NULL }; *f != NULL; f++) {
		want = xasprintf("%s/%s", tmpl, *f);
		ck_assert_int_eq(unlink(want), 0);
		free(want);
	}
	ck_assert_int_eq(rmdir(tmpl), 0);
}
END_TEST

/* The expand suite: variables and environment files. */
Suite *
expand_suite(void)
{
	Suite *s = suite_create("expand");
	TCase *tc = tcase_create("expand");
	TCase *tf = tcase_create("envfile");

	tcase_add_loop_test(tc, test_command, 0, NELEM(cmdcases));
	tcase_add_loop_test(tc, test_templates, 0, NELEM(tmplcases));
	tcase_add_test(tc, test_expand_argv);
	tcase_add_test(tc, test_expand_value);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(tf, test_envfile_parse, 0, NELEM(filecases));
	tcase_add_test(tf, test_envfile_nul);
	tcase_add_test(tf, test_envfile_load);
	suite_add_tcase(s, tf);
	return s;
}
