/*
 * intensity.c: the restart intensity of a supervisor, OTP's MaxR within
 * MaxT. It keeps the times of the last max+1 restarts in a ring; a restart
 * that makes more than max of them fall within the period means give up.
 */
#include <stdlib.h>

#include "tree.h"
#include "util.h"

/*
 * The ring is allocated at the first restart (most nodes never restart),
 * this small, and doubles up to max+1 as restarts come.
 */
#define INTENSITY_CAP0	8

/* Prepare an empty window allowing MAX restarts within PERIOD_MS. */
void
intensity_init(struct intensity *w, int max, int64_t period_ms)
{
	w->max = max < 0 ? 0 : max;
	w->period_ms = period_ms;
	w->cap = 0;
	w->stamps = NULL;
	w->n = 0;
	w->head = 0;
}

/* Append NOW, the oldest falling out once max+1 are kept. */
static void
push(struct intensity *w, int64_t now)
{
	int64_t *r;
	int cap;

	if (w->n == w->cap && w->cap < w->max + 1) {
		if (w->cap == 0)
			cap = w->max + 1 < INTENSITY_CAP0 ? w->max + 1 :
			    INTENSITY_CAP0;
		else
			cap = w->cap > (w->max + 1) / 2 ? w->max + 1 :
			    w->cap * 2;
		r = xcalloc((size_t)cap, sizeof *r);
		for (int i = 0; i < w->n; i++)		/* oldest first */
			r[i] = w->stamps[(w->head + i) % w->cap];
		free(w->stamps);
		w->stamps = r;
		w->cap = cap;
		w->head = w->n;
	}
	w->stamps[w->head] = now;
	w->head = (w->head + 1) % w->cap;
	if (w->n < w->cap)
		w->n++;
}

/* Release the ring. */
void
intensity_free(struct intensity *w)
{
	free(w->stamps);
	w->stamps = NULL;
	w->cap = 0;
	w->n = 0;
	w->head = 0;
}

/* Restarts recorded within [now - period, now], as OTP counts them. */
int
intensity_count(const struct intensity *w, int64_t now)
{
	int size = w->cap, count = 0;

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
	push(w, now);
	return intensity_count(w, now) > w->max;
}

/* New limits for a window, keeping the newest restarts that fit. */
void
intensity_resize(struct intensity *w, int max, int64_t period_ms)
{
	struct intensity nw;
	int size = w->cap;

	intensity_init(&nw, max, period_ms);
	for (int i = w->n; i-- > 0;)		/* oldest first */
		push(&nw, w->stamps[(w->head + size - 1 - i) % size]);
	intensity_free(w);
	*w = nw;
}
