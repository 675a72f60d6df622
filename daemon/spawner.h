/*
 * spawner.h: the process that starts workers for arbord (see spawner.c).
 */
#ifndef ARBOR_SPAWNER_H
#define ARBOR_SPAWNER_H

#include <sys/types.h>

#include "spawn.h"

/* argv[0] of the spawner; arbord's main() hands over to spawner_main(). */
#define SPAWNER_TITLE	"arbord: spawner"

/* Start the spawner (quietly nothing if it cannot be started). */
void	spawner_start(void);
/* Stop it, if running. */
void	spawner_stop(void);
/*
 * Start O through the spawner: the pid (-1 if fork failed) with F set as
 * spawn_here() does, or -2 if there is no spawner or it cannot take O.
 */
pid_t	spawner_spawn(const struct spawn_opts *o, struct spawn_failure *f);
/* The event loop reaped PID (exit STATUS): if it was the spawner, so be it. */
void	spawner_reaped(pid_t pid, int status);
/* The spawner's life, on the socket FD. Never returns. */
void	spawner_main(int fd) __attribute__((noreturn));

#endif
