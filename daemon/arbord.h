/*
 * arbord.h: what daemon/main.c needs from the supervision loop.
 */
#ifndef ARBOR_ARBORD_H
#define ARBOR_ARBORD_H

#include "config.h"

/* Exit statuses of arbord (documented in arbord(8)). */
#define ARBORD_EXIT_OK		0	/* the tree was stopped */
#define ARBORD_EXIT_CONFIG	1	/* bad configuration or start-up */
#define ARBORD_EXIT_USAGE	2	/* bad command line */
#define ARBORD_EXIT_FAILED	3	/* the root supervisor gave up */

/* Run CONF's tree until it is stopped or fails; returns the exit status. */
int	supervise_run(const struct config *, const char *state_root,
	    enum event_format);

#endif
