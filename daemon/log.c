/*
 * log.c: arbord's own messages, in the style of OpenBSD daemons: log_warn
 * appends strerror(errno), log_warnx does not, fatal/fatalx exit(1).
 * Messages are written with one write(2) each so lines never interleave.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Write all of BUF to FD, waiting out a full pipe; errors are dropped. */
void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };
				(void)poll(&p, 1, 1000);
				continue;
			}
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Format and write one message line to stderr. */
static void
vlog(const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;
	char *msg = xvasprintf(fmt, ap);
	char *line = with_errno ?
	    xasprintf("arbord: %s: %s\n", msg, strerror(saved)) :
	    xasprintf("arbord: %s\n", msg);

	write_all(STDERR_FILENO, line, strlen(line));
	free(line);
	free(msg);
	errno = saved;
}

/* An informational message. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

/* A warning with strerror(errno). */
void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 1);
	va_end(ap);
}

/* A warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

/* Report with strerror(errno) and exit 1. */
void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 1);
	va_end(ap);
	exit(1);
}

/* Report and exit 1. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	exit(1);
}
