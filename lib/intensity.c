/*
 * intensity.c: the restart intensity of a supervisor, OTP's MaxR within
 * MaxT. It keeps the times of the last max+1 restarts in a ring; a restart
 * that makes more than max of them fall within the period means give up.
 */
#include <stdlib.h>

#include "tree.h"
#include "util.h"

/* Prepare an empty window allowing MAX restarts within PERIOD_MS. */
void
intensity_init(struct intensity *w, int max, int64_t period_ms)
{
	w->max = max < 0 ? 0 : max;
	w->period_ms = period_ms;
	w->stamps = xcalloc((size_t)w->max + 1, sizeof *w->stamps);
	w->n = 0;
	w->head = 0;
}

/* Release the ring. */
void
intensity_free(struct intensity *w)
{
	free(w->stamps);
	w->stamps = NULL;
	w->n = 0;
}

/* Restarts recorded within [now - period, now], as OTP counts them. */
int
intensity_count(const struct intensity *w, int64_t now)
{
	int size = w->max + 1, count = 0;

	for (int i = 0; i < w->n; i++) {
		int64_t t = w->stamps[(w->head + size - 1 - i) % size];
		if (now - t <= w->period_ms)
			count++;
	}
	return count;
}

/* Record a restart at NOW; true if more than max now fall in the window. */
bool
intensity_add(struct intensity *w, int64_t now)
{
	int size = w->max + 1;

	w->stamps[w->head] = now;
	w->head = (w->head + 1) % size;
	if (w->n < size)
		w->n++;
	return intensity_count(w, now) > w->max;
}

/* New limits for a window, keeping the newest restarts that fit. */
void
intensity_resize(struct intensity *w, int max, int64_t period_ms)
{
	struct intensity nw;
	int size = w->max + 1;

	intensity_init(&nw, max, period_ms);
	for (int i = w->n; i-- > 0;) {		/* oldest first */
		nw.stamps[nw.head] = w->stamps[(w->head + size - 1 - i) % size];
		nw.head = (nw.head + 1) % (nw.max + 1);
		if (nw.n < nw.max + 1)
			nw.n++;
	}
	intensity_free(w);
	*w = nw;
}
