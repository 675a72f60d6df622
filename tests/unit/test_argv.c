/*
 * test_argv.c: argv_split: blanks, single and double quotes, backslashes,
 * words joined from quoted parts, empty words, no expansion, and every
 * error (the vector must stay untouched and the message set).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "suites.h"

/* Split S, which must succeed, and compare with the NULL-ended words. */
static void
split_is(const char *s, ...)
{
	struct strv sv = { NULL, 0, 0 };
	const char *want;
	char *err = (char *)"unset";
	size_t i = 0;
	va_list ap;

	ck_assert_msg(argv_split(s, &sv, &err) == 0, "[%s] failed: %s", s,
	    err);
	ck_assert_ptr_null(err);
	va_start(ap, s);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < sv.n, "[%s]: only %zu words", s, sv.n);
		ck_assert_msg(strcmp(sv.v[i], want) == 0,
		    "[%s] word %zu: got [%s], want [%s]", s, i, sv.v[i], want);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == sv.n, "[%s]: %zu words, want %zu", s, sv.n, i);
	ck_assert_ptr_null(sv.v[sv.n]);
	strv_free(&sv);
}

/* Split S, which must fail with message MSG and leave the vector empty. */
static void
split_fails(const char *s, const char *msg)
{
	struct strv sv = { NULL, 0, 0 };
	char *err = NULL;

	ck_assert_msg(argv_split(s, &sv, &err) == -1, "[%s] accepted", s);
	ck_assert_ptr_nonnull(err);
	ck_assert_str_eq(err, msg);
	ck_assert_uint_eq(sv.n, 0);
	ck_assert_ptr_null(sv.v);
	free(err);
}

/* Blanks (spaces, tabs, newlines) separate words. */
START_TEST(test_plain)
{
	split_is("./producer --verbose", "./producer", "--verbose", NULL);
	split_is("  a \t b\tc  ", "a", "b", "c", NULL);
	split_is("one", "one", NULL);
	split_is("a\nb", "a", "b", NULL);
}
END_TEST

/* Single quotes keep everything literally. */
START_TEST(test_single_quotes)
{
	split_is("echo 'hello world'", "echo", "hello world", NULL);
	split_is("x '\\n \" $HOME `id` \\'", "x", "\\n \" $HOME `id` \\",
	    NULL);
	split_is("x ''", "x", "", NULL);
}
END_TEST

/* In double quotes a backslash escapes only \ " $ ` and newline. */
START_TEST(test_double_quotes)
{
	split_is("echo \"a b\"", "echo", "a b", NULL);
	split_is("x \"\\\\ \\\" \\$ \\`\"", "x", "\\ \" $ `", NULL);
	/* Other backslashes stay. */
	split_is("x \"\\n\\t\\a\"", "x", "\\n\\t\\a", NULL);
	split_is("x \"it's\"", "x", "it's", NULL);
	split_is("x \"a\\\nb\"", "x", "ab", NULL);
	split_is("x \"\"", "x", "", NULL);
	split_is("\"\" \"\"", "", "", NULL);
}
END_TEST

/* Outside quotes a backslash escapes any character. */
START_TEST(test_backslash)
{
	split_is("a\\ b c", "a b", "c", NULL);
	split_is("\\'x\\'", "'x'", NULL);
	split_is("\\\"x", "\"x", NULL);
	split_is("a\\\\b", "a\\b", NULL);
	split_is("\\$HOME", "$HOME", NULL);
	split_is("a\\\nb", "ab", NULL);
}
END_TEST

/* Adjacent quoted and unquoted parts make one word. */
START_TEST(test_joined)
{
	split_is("'a'\"b\"c", "abc", NULL);
	split_is("--name='x y'", "--name=x y", NULL);
	split_is("a''b", "ab", NULL);
	split_is("''\"\"", "", NULL);
	split_is("pre\"mid dle\"'post '\\ end", "premid dlepost  end", NULL);
}
END_TEST

/* Shell syntax is passed through untouched. */
START_TEST(test_no_expansion)
{
	split_is("echo $HOME ~ * `id` $(id) ; | & > <", "echo", "$HOME", "~",
	    "*", "`id`", "$(id)", ";", "|", "&", ">", "<", NULL);
}
END_TEST

/* Every error, with its message and an untouched vector. */
START_TEST(test_errors)
{
	struct strv sv = { NULL, 0, 0 };

	split_fails("echo 'abc", "unterminated single quote");
	split_fails("echo \"abc", "unterminated double quote");
	split_fails("echo \"abc\\\"", "unterminated double quote");
	split_fails("'", "unterminated single quote");
	split_fails("echo abc\\", "trailing backslash");
	split_fails("\\", "trailing backslash");
	split_fails("", "empty command");
	split_fails("   \t ", "empty command");
	split_fails("\\\n", "empty command");
	/* err may be NULL. */
	ck_assert_int_eq(argv_split("'", &sv, NULL), -1);
	ck_assert_uint_eq(sv.n, 0);
}
END_TEST

/* Words are appended; a failed split adds nothing. */
START_TEST(test_appends)
{
	struct strv sv = { NULL, 0, 0 };
	char *err = NULL;

	strv_push(&sv, xstrdup("first"));
	ck_assert_int_eq(argv_split("a b", &sv, &err), 0);
	ck_assert_uint_eq(sv.n, 3);
	ck_assert_str_eq(sv.v[0], "first");
	ck_assert_str_eq(sv.v[2], "b");
	ck_assert_int_eq(argv_split("a 'b", &sv, &err), -1);
	ck_assert_uint_eq(sv.n, 3);
	free(err);
	strv_free(&sv);
}
END_TEST

/* JOINED is how argv_join writes WORDS, and argv_split reads it back. */
static void
join_is(const char *joined, const char *const *words, size_t n)
{
	struct strv sv = { NULL, 0, 0 }, back = { NULL, 0, 0 };
	char *s, *err = NULL;

	for (size_t i = 0; i < n; i++)
		strv_push(&sv, xstrdup(words[i]));
	s = argv_join(&sv);
	ck_assert_str_eq(s, joined);
	ck_assert_msg(argv_split(s, &back, &err) == 0, "[%s]: %s", s, err);
	ck_assert_uint_eq(back.n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(back.v[i], words[i]);
	free(s);
	strv_free(&sv);
	strv_free(&back);
}

/* argv_join quotes only the words that need it, and reverses argv_split. */
START_TEST(test_join)
{
	const char *plain[] = { "/usr/bin/env", "-u", "X", "a=b,c:d@e%f+g" };
	const char *odd[] = { "sh", "-c", "echo $HOME; it's", "", "a\tb\n",
	    "two\nlines", "\"q\"", "*" };
	const char *nl[] = { "x", "a\nb\tc" };

	join_is("/usr/bin/env -u X a=b,c:d@e%f+g", plain, 4);
	join_is("sh -c 'echo $HOME; it'\\''s' '' 'a\tb\n' 'two\nlines' "
	    "'\"q\"' '*'", odd, 8);
	join_is("x 'a\nb\tc'", nl, 2);
}
END_TEST

/* The argv suite. */
Suite *
argv_suite(void)
{
	Suite *s = suite_create("argv");
	TCase *tc = tcase_create("argv");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_single_quotes);
	tcase_add_test(tc, test_double_quotes);
	tcase_add_test(tc, test_backslash);
	tcase_add_test(tc, test_joined);
	tcase_add_test(tc, test_no_expansion);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_appends);
	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	return s;
}
