/*
 * notify.h: the systemd readiness protocol (sd_notify) without libsystemd:
 * datagrams of KEY=VALUE lines to the socket named by $NOTIFY_SOCKET.
 */
#ifndef ARBOR_NOTIFY_H
#define ARBOR_NOTIFY_H

#include <sys/types.h>
#include <stdint.h>

#include "util.h"

/* Take $NOTIFY_SOCKET (and remove it from the environment). */
void	notify_init(void);
/* Send one datagram of newline-separated KEY=VALUE assignments. */
void	notify_send(const char *, ...) ARBOR_PRINTF(1, 2);
/* Close the socket. */
void	notify_close(void);
/* Is there a service manager to tell (a $NOTIFY_SOCKET)? */
int	notify_active(void);
/* The interval of arbord's own watchdog (WATCHDOG_USEC), 0 if none. */
int64_t	notify_watchdog_usec(void);
/* WATCHDOG_USEC's value if WATCHDOG_PID is unset or SELF, else 0. */
int64_t	notify_watchdog_env(const char *usec, const char *pid, pid_t self);

/* Re-exec: $NOTIFY_SOCKET and the watchdog's variables back into ENV. */
struct strv;
void	notify_env(struct strv *env);

#endif
