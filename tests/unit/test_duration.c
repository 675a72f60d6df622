/*
 * test_duration.c: duration_parse and duration_format: every unit,
 * decimals, bare numbers (seconds), rejected inputs, overflow, and the
 * shortest-exact round trip.
 */
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "suites.h"

/* Parse S, which must be valid, and return its milliseconds. */
static int64_t
ms_of(const char *s)
{
	int64_t ms = -1;

	ck_assert_msg(duration_parse(s, &ms) == 0, "'%s' rejected", s);
	return ms;
}

static const struct duration_case {
	const char	*s;
	int64_t		 ms;
} duration_cases[] = {
	/* Every unit, zero and leading zeros. */
	{ "250ms", 250 }, { "5s", 5000 }, { "2m", 120000 },
	{ "1h", 3600000 }, { "0ms", 0 }, { "0s", 0 }, { "0", 0 },
	{ "007s", 7000 },
	/* Decimals of every unit, exact to the millisecond. */
	{ "1.5s", 1500 }, { "0.25", 250 }, { "1.5m", 90000 },
	{ "0.5h", 1800000 }, { "0.001s", 1 }, { "2.0ms", 2 },
	{ "1.500000000000000000000s", 1500 }, { "0.0001h", 360 },
	/* A number without a unit is seconds. */
	{ "5", 5000 }, { "30", 30000 }, { "1.25", 1250 },
};

/* Each good duration parses to its milliseconds. */
START_TEST(test_good)
{
	const struct duration_case *dc = &duration_cases[_i];

	ck_assert_int_eq(ms_of(dc->s), dc->ms);
}
END_TEST

/* Malformed, signed, spaced, inexact and unknown-unit values fail. */
START_TEST(test_bad)
{
	static const char *bad[] = {
		"", "s", "ms", "-1s", "-5", "+5s", " 5s", "5s ", "5 s",
		"5x", "5sec", "5S", "5mss", "1.s", ".5s", "1..5s", "1.5.s",
		"5s5", "0x10", "1e3", "1.0005s", "0.5ms", "0.0001s", "abc",
		"infinity", "1,5s",
	};
	int64_t ms = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(duration_parse(bad[i], &ms) == -1,
		    "'%s' accepted", bad[i]);
	ck_assert_int_eq(ms, 42);
	ck_assert_int_eq(duration_parse(NULL, &ms), -1);
}
END_TEST

/* The largest values fit; one more overflows and fails. */
START_TEST(test_overflow)
{
	int64_t ms;

	ck_assert_int_eq(ms_of("9223372036854775807ms"), INT64_MAX);
	ck_assert_int_eq(duration_parse("9223372036854775808ms", &ms), -1);
	ck_assert_int_eq(duration_parse("99999999999999999999999ms", &ms),
	    -1);
	ck_assert_int_eq(duration_parse("9223372036854775s", &ms), 0);
	ck_assert_int_eq(duration_parse("9223372036854776s", &ms), -1);
	ck_assert_int_eq(duration_parse("2562047788015h", &ms), 0);
	ck_assert_int_eq(duration_parse("2562047788016h", &ms), -1);
	ck_assert_int_eq(duration_parse("9223372036854775.807s", &ms), 0);
	ck_assert_int_eq(ms, INT64_MAX);
	ck_assert_int_eq(duration_parse("9223372036854775.808s", &ms), -1);
}
END_TEST

/* The shortest exact unit is chosen. */
START_TEST(test_format)
{
	char buf[32];

	ck_assert_str_eq(duration_format(250, buf, sizeof buf), "250ms");
	ck_assert_str_eq(duration_format(5000, buf, sizeof buf), "5s");
	ck_assert_str_eq(duration_format(120000, buf, sizeof buf), "2m");
	ck_assert_str_eq(duration_format(3600000, buf, sizeof buf), "1h");
	ck_assert_str_eq(duration_format(1500, buf, sizeof buf), "1500ms");
	ck_assert_str_eq(duration_format(90000, buf, sizeof buf), "90s");
	ck_assert_str_eq(duration_format(5400000, buf, sizeof buf), "90m");
	ck_assert_str_eq(duration_format(0, buf, sizeof buf), "0s");
	ck_assert_ptr_eq(duration_format(1, buf, sizeof buf), buf);
}
END_TEST

/* Formatting then parsing gives the value back. */
START_TEST(test_round_trip)
{
	static const int64_t values[] = {
		0, 1, 999, 1000, 1001, 59000, 60000, 61000, 3599999, 3600000,
		7200000, 86400000, INT64_MAX,
	};
	char buf[32];
	int64_t ms;

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		duration_format(values[i], buf, sizeof buf);
		ck_assert_int_eq(duration_parse(buf, &ms), 0);
		ck_assert_int_eq(ms, values[i]);
	}
}
END_TEST

/* Ages for people: two units at most, rounded down. */
START_TEST(test_age)
{
	static const struct { int64_t ms; const char *want; } cases[] = {
		{ -1, "0s" }, { 0, "0s" }, { 999, "0s" }, { 1000, "1s" },
		{ 14999, "14s" }, { 59999, "59s" }, { 60000, "1m00s" },
		{ 133000, "2m13s" }, { 3599999, "59m59s" },
		{ 3600000, "1h00m" }, { 3720000, "1h02m" },
		{ 86399999, "23h59m" }, { 86400000, "1d00h" },
		{ 273600000 + 999, "3d04h" }, { INT64_MAX, "106751991167d07h" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_str_eq(duration_age(cases[i].ms, buf, sizeof buf),
		    cases[i].want);
	/* A short buffer is cut, never overrun. */
	ck_assert_str_eq(duration_age(133000, buf, 3), "2m");
}
END_TEST

/* The duration suite. */
Suite *
duration_suite(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("duration");

	tcase_add_loop_test(tc, test_good, 0, NELEM(duration_cases));
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_age);
	suite_add_tcase(s, tc);
	return s;
}
