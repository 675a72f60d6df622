/*
 * prom.c: the pieces of the Prometheus text exposition format (prom.h).
 * The format: https://prometheus.io/docs/instrumenting/exposition_formats/
 * A label value escapes backslash, double quote and line feed; a HELP
 * text backslash and line feed. Everything else is taken as it is (label
 * values are UTF-8, which paths are in practice; any byte but those
 * three is passed through, as the format allows).
 */
#include <stdint.h>
#include <string.h>

#include "prom.h"

/* Append S with backslash, line feed and (if QUOTE) '"' escaped. */
static void
escaped(struct buf *b, const char *s, int quote)
{
	const char *p;
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, quote ? "\\\"\n" : "\\\n");
		if (n > 0)
			buf_add(b, s, n);
		p = s + n;
		if (*p == '\0')
			break;
		buf_add(b, *p == '\n' ? "\\n" : *p == '"' ? "\\\"" : "\\\\", 2);
		s = p + 1;
	}
}

void
prom_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	prom_str(b, "# HELP ");
	prom_str(b, name);
	buf_add(b, " ", 1);
	escaped(b, help, 0);
	prom_str(b, "\n# TYPE ");
	prom_str(b, name);
	buf_add(b, " ", 1);
	prom_str(b, type);
	buf_add(b, "\n", 1);
}

void
prom_label_value(struct buf *b, const char *s)
{
	escaped(b, s, 1);
}

void
prom_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append the decimal digits of U. */
static void
digits_of(struct buf *b, uint64_t u)
{
	char d[24];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	buf_add(b, d + i, sizeof d - i);
}

void
prom_int(struct buf *b, int64_t v)
{
	if (v < 0) {
		buf_add(b, "-", 1);
		digits_of(b, (uint64_t)0 - (uint64_t)v);
	} else
		digits_of(b, (uint64_t)v);
}

void
prom_fixed(struct buf *b, int64_t v, int digits)
{
	uint64_t u, scale = 1, frac;
	char f[10];
	int n;

	if (digits <= 0 || digits > 9) {
		prom_int(b, v);
		return;
	}
	for (int i = 0; i < digits; i++)
		scale *= 10;
	if (v < 0) {
		buf_add(b, "-", 1);
		u = (uint64_t)0 - (uint64_t)v;
	} else
		u = (uint64_t)v;
	digits_of(b, u / scale);
	frac = u % scale;
	if (frac == 0)
		return;
	for (n = digits; n > 0; n--) {
		f[n] = (char)('0' + frac % 10);
		frac /= 10;
	}
	f[0] = '.';
	for (n = digits; f[n] == '0'; n--)
		;
	buf_add(b, f, (size_t)n + 1);
}
