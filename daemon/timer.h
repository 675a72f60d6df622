/*
 * timer.h: deadline timers, which never fire before their time.
 */
#ifndef ARBOR_TIMER_H
#define ARBOR_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

struct timer;
typedef void	timer_cb_t(struct timer *);

/* A timer on the default loop; set it up with timer_init. */
struct timer {
	ev_timer	 w;
	int64_t		 due;		/* now_ms() when it may fire */
	timer_cb_t	*cb;
	void		*data;		/* the caller's */
};

void	timer_init(struct timer *, timer_cb_t *, void *);
void	timer_start(struct timer *, int64_t);
void	timer_stop(struct timer *);

#endif
