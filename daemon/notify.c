/*
 * notify.c: tell a service manager how arbord is doing, the way
 * sd_notify(3) does but without libsystemd. systemd (Type=notify) passes
 * the path of a datagram socket in $NOTIFY_SOCKET; a name starting with
 * '@' is a socket in the abstract namespace. Each message is one datagram
 * of newline-separated assignments: READY=1 when the tree has started,
 * STOPPING=1 when it is being stopped, RELOADING=1 around a reload, and
 * STATUS= for "systemctl status". The variable is removed from the
 * environment, so workers never talk to arbord's service manager.
 * Without the variable every call is a no-op.
 *
 * systemd's watchdog (WatchdogSec=) gives WATCHDOG_USEC, and WATCHDOG_PID
 * naming the process meant: when it names arbord (or is not set), arbord
 * must send WATCHDOG=1 at least that often; supervise.c does it at half
 * the interval from the event loop, so a stuck loop is caught. Both are
 * removed from the environment too: a worker's watchdog is its own.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "util.h"

static int			 notify_fd = -1;
static struct sockaddr_un	 notify_addr;
static socklen_t		 notify_len;
static int			 notify_warned;
static int64_t			 watchdog_usec;
static char			*notify_name;	/* $NOTIFY_SOCKET taken */

/* Take $NOTIFY_SOCKET (and remove it from the environment). */
void
notify_init(void)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct timeval tv = { .tv_sec = 1 };
	size_t len;

	if (name == NULL || *name == '\0' || notify_fd != -1)
		goto out;
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') ||
	    len >= sizeof notify_addr.sun_path) {
		log_warnx("NOTIFY_SOCKET=%s: not a socket path; not notifying",
		    name);
		goto out;
	}
	memset(&notify_addr, 0, sizeof notify_addr);
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, name, len);
	if (name[0] == '@') {
		/* Abstract: a leading NUL; the length says where it ends. */
		notify_addr.sun_path[0] = '\0';
		notify_len = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + len);
	} else
		notify_len = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + len + 1);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (notify_fd == -1) {
		log_warn("NOTIFY_SOCKET: socket");
		goto out;
	}
	free(notify_name);
	notify_name = xstrdup(name);
	/* A stuck service manager may delay arbord a second, not forever. */
	(void)setsockopt(notify_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	watchdog_usec = notify_watchdog_env(getenv("WATCHDOG_USEC"),
	    getenv("WATCHDOG_PID"), getpid());
out:
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/*
 * The watchdog interval USEC (WATCHDOG_USEC) if it is meant for process
 * SELF (WATCHDOG_PID unset or SELF), else 0.
 */
int64_t
notify_watchdog_env(const char *usec, const char *pid, pid_t self)
{
	char *end;
	long long v;

	if (usec == NULL || *usec == '\0')
		return 0;
	errno = 0;
	v = strtoll(usec, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return 0;
	if (pid != NULL && *pid != '\0') {
		long long p = strtoll(pid, &end, 10);
		if (*end != '\0' || p != (long long)self)
			return 0;
	}
	return v;
}

/* The interval of arbord's own watchdog in microseconds, 0 if none. */
int64_t
notify_watchdog_usec(void)
{
	return watchdog_usec;
}

/* Send one datagram of newline-separated KEY=VALUE assignments. */
void
notify_send(const char *fmt, ...)
{
	va_list ap;
	char *msg;
	ssize_t n;

	if (notify_fd == -1)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	do
		n = sendto(notify_fd, msg, strlen(msg), MSG_NOSIGNAL,
		    (struct sockaddr *)&notify_addr, notify_len);
	while (n == -1 && errno == EINTR);
	/* Say so once; the supervision itself goes on regardless. */
	if (n == -1 && !notify_warned) {
		log_warn("NOTIFY_SOCKET: send");
		notify_warned = 1;
	}
	free(msg);
}

/* Close the socket. */
void
notify_close(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
	free(notify_name);
	notify_name = NULL;
}

/* Is there a service manager to tell (a $NOTIFY_SOCKET)? */
int
notify_active(void)
{
	return notify_fd != -1;
}

/*
 * Re-exec (reexec.c): the environment the new binary needs to find the
 * service manager again, as notify_init took it: added to ENV.
 */
void
notify_env(struct strv *env)
{
	char v[32];

	if (notify_fd == -1 || notify_name == NULL)
		return;
	env_set(env, "NOTIFY_SOCKET", notify_name);
	if (watchdog_usec > 0) {
		snprintf(v, sizeof v, "%lld", (long long)watchdog_usec);
		env_set(env, "WATCHDOG_USEC", v);
		snprintf(v, sizeof v, "%ld", (long)getpid());
		env_set(env, "WATCHDOG_PID", v);
	}
}
