/*
 * fuzz_argv.c: libFuzzer harness for the small value parsers of the
 * configuration: argv_split (lib/argv.c), which splits every command
 * line, and duration_parse (lib/duration.c). The input is a NUL-terminated
 * string given to both. Split words, quoted again the way sh(1) quotes,
 * must split back to the same words; a parsed duration, formatted again,
 * must parse back to the same number of milliseconds. A difference
 * aborts.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
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
	fuzz_duration(s);
	free(s);
	return 0;
}
