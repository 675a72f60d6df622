/*
 * duration.c: durations as written in the configuration ("250ms", "5s",
 * "2m", "1h", "1.5s", a bare number meaning seconds) and back. Values are
 * kept as int64_t milliseconds. Parsing is exact: a value that is not a
 * whole number of milliseconds ("1.0005s"), a negative value, trailing text
 * or a value that overflows is rejected rather than rounded or clamped.
 * Ages for people (how long ago a line was written) are rounded down to
 * two units at most.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define MS_SECOND	INT64_C(1000)
#define MS_MINUTE	(60 * MS_SECOND)
#define MS_HOUR		(60 * MS_MINUTE)
#define MS_DAY		(24 * MS_HOUR)

/* Most fraction digits kept after trailing zeros are dropped. */
#define FRAC_MAX	12

/* Milliseconds per unit for a unit suffix, or 0 if it is not one. */
static int64_t
duration_unit(const char *s)
{
	if (*s == '\0' || strcmp(s, "s") == 0)
		return MS_SECOND;
	if (strcmp(s, "ms") == 0)
		return 1;
	if (strcmp(s, "m") == 0)
		return MS_MINUTE;
	if (strcmp(s, "h") == 0)
		return MS_HOUR;
	return 0;
}

/* Parse a duration into milliseconds; 0 on success, -1 if invalid. */
int
duration_parse(const char *s, int64_t *ms)
{
	int64_t whole = 0, frac = 0, pow10 = 1, unit, v;
	const char *p = s, *fs, *fe;

	if (s == NULL || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	fs = fe = p;
	if (*p == '.') {
		fs = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == fs)
			return -1;
		/* Trailing zeros change nothing; drop them. */
		for (fe = p; fe > fs && fe[-1] == '0'; fe--)
			;
		if (fe - fs > FRAC_MAX)
			return -1;
		for (const char *q = fs; q < fe; q++) {
			frac = frac * 10 + (*q - '0');
			pow10 *= 10;
		}
	}
	if ((unit = duration_unit(p)) == 0)
		return -1;
	/* frac < 10^12 and unit <= 3.6e6, so the product fits. */
	if ((frac * unit) % pow10 != 0)
		return -1;
	if (whole > INT64_MAX / unit)
		return -1;
	v = whole * unit;
	if (v > INT64_MAX - (frac * unit) / pow10)
		return -1;
	*ms = v + (frac * unit) / pow10;
	return 0;
}

/* Format milliseconds in the shortest exact form ("2m", "1500ms"). */
char *
duration_format(int64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "0s");
	else if (ms % MS_HOUR == 0)
		snprintf(buf, len, "%" PRId64 "h", ms / MS_HOUR);
	else if (ms % MS_MINUTE == 0)
		snprintf(buf, len, "%" PRId64 "m", ms / MS_MINUTE);
	else if (ms % MS_SECOND == 0)
		snprintf(buf, len, "%" PRId64 "s", ms / MS_SECOND);
	else
		snprintf(buf, len, "%" PRId64 "ms", ms);
	return buf;
}

/*
 * An age for people in two units at most, rounded down: "0s", "14s",
 * "2m13s", "1h02m", "3d04h". A negative age is 0s.
 */
char *
duration_age(int64_t ms, char *buf, size_t len)
{
	if (ms < MS_MINUTE)
		snprintf(buf, len, "%" PRId64 "s", ms < 0 ? 0 : ms / MS_SECOND);
	else if (ms < MS_HOUR)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", ms / MS_MINUTE,
		    ms % MS_MINUTE / MS_SECOND);
	else if (ms < MS_DAY)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", ms / MS_HOUR,
		    ms % MS_HOUR / MS_MINUTE);
	else
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", ms / MS_DAY,
		    ms % MS_DAY / MS_HOUR);
	return buf;
}
