/*
 * timer.c: a deadline timer, which never fires before its time. Every
 * configured time arbord waits for (a shutdown's SIGKILL, start_timeout,
 * ready = delay:, check_interval, restart_delay, script timeouts, the
 * pidfile wait) is one of these.
 *
 * libev counts a timer from its loop time, which it reads once per loop
 * iteration: a timer started after a long callback (a big state directory
 * removed, a slow start) would count from before that, and fire early by
 * as much. So a timer reads the clock when it is started, and keeps its
 * deadline on arbord's monotonic clock (now_ms): if libev calls it back
 * before the deadline (rounding between the two clocks), it waits for the
 * rest instead of firing.
 */
#include <ev.h>

#include "arbord.h"
#include "timer.h"

/* libev: the timer expired; fire it if its deadline has come. */
static void
timer_expired(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct timer *t = w->data;
	int64_t left = t->due - now_ms();

	(void)revents;
	if (left > 0) {
		ev_timer_set(w, (double)left / 1000., 0.);
		ev_timer_start(loop, w);
		return;
	}
	t->cb(t);
}

/* Set up timer T, which calls CB; DATA is the caller's. */
void
timer_init(struct timer *t, timer_cb_t *cb, void *data)
{
	ev_timer_init(&t->w, timer_expired, 0., 0.);
	t->w.data = t;
	t->due = 0;
	t->cb = cb;
	t->data = data;
}

/* (Re)start T to fire MS milliseconds from now, the clock's now. */
void
timer_start(struct timer *t, int64_t ms)
{
	ev_timer_stop(EV_DEFAULT, &t->w);
	ev_now_update(EV_DEFAULT);
	t->due = now_ms() + ms;
	ev_timer_set(&t->w, (double)ms / 1000., 0.);
	ev_timer_start(EV_DEFAULT, &t->w);
}

/* Stop T, if it runs. */
void
timer_stop(struct timer *t)
{
	ev_timer_stop(EV_DEFAULT, &t->w);
}
