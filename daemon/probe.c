/*
 * probe.c: health checks by connection (health = tcp:HOST:PORT and
 * unix:PATH): a non-blocking connect whose end an ev_io watches, so that
 * no process is started and the loop never waits. A connection accepted
 * is healthy and closed at once; anything else is a failure whose reason
 * is the connect's error ("connect: Connection refused"). There is no
 * timer here: the tree times checks out (health_timeout) and the daemon
 * cancels the probe. Host names are not looked up (the configuration
 * only takes addresses and localhost): a lookup could block the loop.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "probe.h"
#include "util.h"

struct probe {
	int		 fd;
	ev_io		 io;
	probe_cb	*cb;
	void		*arg;
};

/* Tell CB how a connect ended: ERR 0, or an errno value. */
static void
probe_report(probe_cb *cb, void *arg, const char *what, int err)
{
	char *why;

	if (err == 0) {
		cb(arg, true, NULL);
		return;
	}
	why = xasprintf("%s: %s", what, strerror(err));
	cb(arg, false, why);
	free(why);
}

/* Close and free P. */
static void
probe_free(struct probe *p)
{
	ev_io_stop(EV_DEFAULT, &p->io);
	close(p->fd);
	free(p);
}

/* libev: the connect in progress ended. */
static void
probe_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe *p = w->data;
	probe_cb *cb = p->cb;
	void *arg = p->arg;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)loop;
	(void)revents;
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	probe_free(p);
	probe_report(cb, arg, "connect", err);
}

/* Fill SA for HOST:PORT or PATH; its length, or 0 if it cannot be. */
static socklen_t
probe_addr(const char *host, int port, const char *path,
    struct sockaddr_storage *sa)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)sa;
	struct sockaddr_un *un = (struct sockaddr_un *)(void *)sa;

	memset(sa, 0, sizeof *sa);
	if (host == NULL) {
		if (strlen(path) >= sizeof un->sun_path)
			return 0;
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, path, strlen(path));
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    strlen(path) + 1);
	}
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		return sizeof *in4;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return sizeof *in6;
	}
	return 0;
}

/* Start a probe; see probe.h. */
struct probe *
probe_connect(const char *host, int port, const char *path, probe_cb *cb,
    void *arg)
{
	struct sockaddr_storage sa;
	socklen_t len = probe_addr(host, port, path, &sa);
	struct probe *p;
	int fd;

	if (len == 0) {
		probe_report(cb, arg, "connect", host == NULL ? ENAMETOOLONG :
		    EAFNOSUPPORT);
		return NULL;
	}
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		probe_report(cb, arg, "socket", errno);
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sa, len) == 0) {
		close(fd);
		probe_report(cb, arg, "connect", 0);
		return NULL;
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		int err = errno;

		close(fd);
		probe_report(cb, arg, "connect", err);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->fd = fd;
	p->cb = cb;
	p->arg = arg;
	ev_io_init(&p->io, probe_io_cb, fd, EV_WRITE);
	p->io.data = p;
	ev_io_start(EV_DEFAULT, &p->io);
	return p;
}

/* Give up a probe that runs. */
void
probe_cancel(struct probe *p)
{
	if (p != NULL)
		probe_free(p);
}
