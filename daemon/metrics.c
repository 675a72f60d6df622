/*
 * metrics.c: GET /metrics in the Prometheus text exposition format
 * (version 0.0.4), made from the status snapshot at each scrape, and the
 * event counters it reports.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbord.h"
#include "event.h"
#include "http.h"

/* Events by type since arbord started. */
static uint64_t	events_total[EV_NTYPES];

void
metrics_event(const struct event *ev)
{
	if ((size_t)ev->type < EV_NTYPES)
		events_total[ev->type]++;
}

void
metrics_text(struct buf *out)
{
	buf_printf(out, "# HELP arbor_build_info arbord's version.\n"
	    "# TYPE arbor_build_info gauge\n"
	    "arbor_build_info{version=\"%s\"} 1\n", ARBOR_VERSION);
	buf_printf(out, "# HELP arbor_events_total Events since arbord "
	    "started, by name.\n# TYPE arbor_events_total counter\n");
	for (size_t i = 0; i < EV_NTYPES; i++)
		buf_printf(out, "arbor_events_total{event=\"%s\"} %llu\n",
		    event_type_name((enum event_type)i),
		    (unsigned long long)events_total[i]);
}
