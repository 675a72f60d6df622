/*
 * listen.h: listening sockets held by arbord for workers (key listen),
 * kept open across their restarts and passed to each start as systemd
 * does (LISTEN_FDS).
 */
#ifndef ARBOR_LISTEN_H
#define ARBOR_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/*
 * The descriptors of the sockets S->listen describes, held under KEY (the
 * path of the worker, or of its pool, whose instances share them): bound
 * and listening from the first call on, the same ones afterwards unless
 * S's addresses changed. 0 and *FDS (S->nlisten descriptors, owned here),
 * or -1 with *ERR ("listen tcp:0.0.0.0:80: Address already in use",
 * nothing held) and *SCARCE set if arbord ran out of descriptors.
 */
int	listen_fds(const char *key, const struct node_spec *s,
	    const int **fds, char **err, bool *scarce);

/*
 * Close the sockets held under every key that KEEP (with ARG) does not
 * keep: after a reload, those of nodes gone or with other addresses.
 * A Unix socket's file is removed.
 */
void	listen_sweep(bool (*keep)(const char *key,
	    const struct listen_spec *, size_t n, void *arg), void *arg);

/* Close every socket held, removing Unix socket files (shutdown). */
void	listen_close_all(void);

/*
 * Bind and listen on L for arbord itself (the HTTP endpoint): 0 with *FD
 * and *FILE (a Unix socket's file, else NULL), or -1 with *ERR. Not held
 * here: the caller closes FD and removes FILE.
 */
int	listen_open(const struct listen_spec *l, int *fd, char **file,
	    char **err);

/* How many descriptors are held. */
size_t	listen_held(void);

/* Re-exec (reexec.c): hand the sockets held over, and hold them again. */
struct handoff_w;
struct handoff_r;
void	listen_export(struct handoff_w *);
int	listen_adopt(struct handoff_r *, const struct config *, char **err);

#endif
