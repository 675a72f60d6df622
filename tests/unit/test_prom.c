/*
 * test_prom.c: the Prometheus text format pieces (lib/prom.c): label
 * values escaped as the exposition format says, HELP text, integers and
 * fixed-point numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "suites.h"
#include "util.h"

/* Backslash, double quote and line feed are escaped; nothing else. */
START_TEST(test_label_value)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "root/w", "root/w" },
		{ "", "" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "a\nb", "a\\nb" },
		{ "\"\\\n", "\\\"\\\\\\n" },
		{ "tab\tand é", "tab\tand é" },
		{ "end\\", "end\\\\" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = { 0 };

		prom_str(&b, "x");
		prom_label_value(&b, cases[i].in);
		ck_assert_str_eq(b.s + 1, cases[i].want);
		free(b.s);
	}
}
END_TEST

/* HELP escapes backslash and line feed, not quotes; TYPE follows. */
START_TEST(test_family)
{
	struct buf b = { 0 };

	prom_family(&b, "arbor_x_total", "counter", "Say \"x\"\\y\nz.");
	ck_assert_str_eq(b.s, "# HELP arbor_x_total Say \"x\"\\\\y\\nz.\n"
	    "# TYPE arbor_x_total counter\n");
	free(b.s);
}
END_TEST

/* Integers, and fixed point with the fraction's trailing zeros gone. */
START_TEST(test_numbers)
{
	static const struct { int64_t v; int digits; const char *want; }
	    cases[] = {
		{ 0, 0, "0" }, { 7, 0, "7" }, { -12, 0, "-12" },
		{ INT64_MAX, 0, "9223372036854775807" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ 1500, 3, "1.5" }, { 2000, 3, "2" }, { 1, 6, "0.000001" },
		{ 1234567, 6, "1.234567" }, { -5, 1, "-0.5" },
		{ 1764000000123, 3, "1764000000.123" }, { 0, 6, "0" },
		{ 120, 6, "0.00012" }, { 42, 10, "42" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = { 0 };

		prom_fixed(&b, cases[i].v, cases[i].digits);
		ck_assert_str_eq(b.s, cases[i].want);
		free(b.s);
	}
}
END_TEST

/* The prom suite. */
Suite *
prom_suite(void)
{
	Suite *s = suite_create("prom");
	TCase *tc = tcase_create("prom");

	tcase_add_test(tc, test_label_value);
	tcase_add_test(tc, test_family);
	tcase_add_test(tc, test_numbers);
	suite_add_tcase(s, tc);
	return s;
}
