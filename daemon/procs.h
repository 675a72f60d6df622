/*
 * procs.h: the record of running process groups (for an arbord started
 * after a killed one) and the orphans of workers (see procs.c).
 */
#ifndef ARBOR_PROCS_H
#define ARBOR_PROCS_H

#include <sys/types.h>

void	procs_init(const char *socket, int (*known)(pid_t));
void	procs_add(pid_t pgid, const char *path);
void	procs_remove(pid_t pgid);
void	procs_flush(void);
void	procs_close(void);
void	procs_signal_orphans(const char *path, int sig);
int	procs_signal_all(pid_t main, const char *path, int sig);
pid_t	procs_parent(pid_t pid);

/* Re-exec: record next to SOCKET again, terminating nothing. */
void	procs_adopt(const char *socket, int (*known)(pid_t));
/* The control socket moved to SOCKET (reexec --reload): the record too. */
void	procs_move(const char *socket);

#endif
