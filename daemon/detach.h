/*
 * detach.h: arbord as a classic daemon (-d) and its pidfile (-p).
 */
#ifndef ARBOR_DETACH_H
#define ARBOR_DETACH_H

/*
 * Fork twice and start a new session. The original process waits until
 * the daemon calls detach_ready (exit 0) or detach_failed (exit with its
 * status); detach_start returns only in the daemon.
 */
void	detach_start(void);
/* The tree is up: let the waiting parent exit 0; stdout, stderr go. */
void	detach_ready(void);
/* The daemon exits with STATUS before it was ready: pass it on. */
void	detach_failed(int status);

/* Write arbord's pid to PATH, unless it names a live arbord: 0 or -1. */
int	detach_pidfile(const char *path);
/* Remove the pidfile if it still holds arbord's pid. */
void	detach_pidfile_remove(void);

#endif
