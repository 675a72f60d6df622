/*
 * reexec.h: arbord re-executes itself and keeps every worker (arborctl
 * reexec, SIGUSR2). See reexec.c.
 */
#ifndef ARBOR_REEXEC_H
#define ARBOR_REEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct handoff_w;
struct handoff_r;

/* HR_FD records: which descriptor kept across the exec. */
enum reexec_fd {
	REEXEC_FD_CONTROL = 1,	/* the control socket: fd, path */
	REEXEC_FD_REPLY = 2,	/* the client that asked: fd */
	REEXEC_FD_LISTEN = 3,	/* held sockets of a node (listen.c) */
	REEXEC_FD_HTTP = 4,	/* the HTTP endpoint: fd, address, file */
	REEXEC_FD_CLIENT = 5,	/* a control client, its request not in:
				   fd, what was read of it */
};

/* What a re-exec that did not happen tells whoever asked (ARG). */
typedef void reexec_done_fn(void *arg, const char *err);

/*
 * Re-execute BINARY (NULL: the running one) with the state handed over,
 * then reload if RELOAD; the new arbord answers REPLY_FD (-1: nobody
 * asked: SIGUSR2). The loop goes on while it waits for what is in flight
 * and for the new binary's --handoff-check answer. If it does not
 * happen, DONE(ARG, why) is called (nothing changed) and, if it was
 * refused at once (one under way already, no such binary), -1 with *err
 * instead.
 */
int	reexec_request(const char *binary, bool reload, int reply_fd,
	    reexec_done_fn *done, void *arg, char **err);
/* Whoever asked (ARG) is gone: no answer, no reply descriptor. */
void	reexec_cancel(void *arg);
/* child_cb: PID ended with STATUS; true if it was the job's check. */
bool	reexec_reaped(pid_t pid, int status);
/* Keep FD open across the exec (its close-on-exec flag cleared then). */
void	reexec_keep(int fd);
/*
 * arbord --handoff-check [FD]: print the format version read; with FD, a
 * handoff to read as a take-over would, and "error: why" if it could not
 * be taken over (exit 1).
 */
int	reexec_handoff_check(const char *fdarg);
/* arbord --handoff FD: the new binary takes over (main.c). */
int	reexec_main(int fd);
/*
 * For supervise.c once the loop runs again: the descriptor of kind K
 * (and, for the control socket, its path in *PATH) in the handoff, or -1.
 */
int	reexec_find_fd(const void *data, size_t len, enum reexec_fd k,
	    char **path);
/* The handoff's old version and whether to reload (supervise.c). */
void	reexec_resumed(const void *data, size_t len, char **old_version,
	    bool *reload, int *reply_fd);
/* Answer the client that asked (FD, -1: none) with "ok" or "error". */
void	reexec_reply(int fd, bool ok, const char *text);

#endif
