/*
 * prom.h: writing the Prometheus text exposition format, version 0.0.4
 * (GET /metrics): a family's HELP and TYPE lines, escaped label values,
 * integers and fixed-point numbers, appended to a buffer without printf,
 * since a scrape of a large tree writes hundreds of thousands of them.
 */
#ifndef ARBOR_PROM_H
#define ARBOR_PROM_H

#include <stdint.h>

#include "util.h"

/* "# HELP NAME HELP\n# TYPE NAME TYPE\n", HELP escaped. */
void	prom_family(struct buf *, const char *name, const char *type,
	    const char *help);
/* Append S as a label value, without the quotes: \\, \" and \n escaped. */
void	prom_label_value(struct buf *, const char *s);
/* Append the literal string S. */
void	prom_str(struct buf *, const char *s);
/* Append V in decimal. */
void	prom_int(struct buf *, int64_t v);
/*
 * Append V / 10^DIGITS in decimal (DIGITS <= 9), trailing zeros of the
 * fraction dropped: (1500, 3) is "1.5", (2000, 3) "2", (-5, 1) "-0.5".
 */
void	prom_fixed(struct buf *, int64_t v, int digits);

#endif
