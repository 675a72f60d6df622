/*
 * log.c: arbord's own messages, in the style of OpenBSD daemons: log_warn
 * appends strerror(errno), log_warnx does not, fatal/fatalx exit(1).
 * Messages are written with one write(2) each so lines never interleave.
 *
 * Everything arbord reports goes through here: its own messages, events
 * (log_event) and the output lines of workers (log_output). By default
 * messages and events go to stderr and output to stdout. With log_init(1)
 * (--syslog, [arbor] log = syslog, -d) all three go to syslog as
 * "arbord[PID]" with facility daemon: failures and warnings as
 * LOG_WARNING, fatal errors as LOG_ERR, the rest as LOG_INFO. Until
 * log_started() says the tree is up, arbord's own messages also go to
 * stderr, so whoever started arbord sees why it could not start.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int	use_syslog;		/* everything to syslog */
static int	also_stderr = 1;	/* messages to stderr too */

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

/* Send everything to syslog from now on if SYSLOG is set. */
void
log_init(int syslog_on)
{
	use_syslog = syslog_on;
	if (use_syslog)
		openlog("arbord", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* The tree is up: with syslog, stop copying messages to stderr. */
void
log_started(void)
{
	also_stderr = !use_syslog;
}

/* Format and write one message line with priority PRIO. */
static void
vlog(int prio, const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;
	char *msg = xvasprintf(fmt, ap);
	char *line;

	if (use_syslog) {
		if (with_errno)
			syslog(prio, "%s: %s", msg, strerror(saved));
		else
			syslog(prio, "%s", msg);
	}
	if (!use_syslog || also_stderr) {
		line = with_errno ?
		    xasprintf("arbord: %s: %s\n", msg, strerror(saved)) :
		    xasprintf("arbord: %s\n", msg);
		write_all(STDERR_FILENO, line, strlen(line));
		free(line);
	}
	free(msg);
	errno = saved;
}

/* An event line (newline included); FAILURE makes it a warning. */
void
log_event(const char *line, int failure)
{
	size_t len = strlen(line);
	const char *sp;

	if (!use_syslog) {
		write_all(STDERR_FILENO, line, len);
		return;
	}
	/* syslog stamps the time itself: drop the text form's timestamp. */
	if (line[0] != '{' && (sp = strchr(line, ' ')) != NULL) {
		len -= (size_t)(sp + 1 - line);
		line = sp + 1;
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	syslog(failure ? LOG_WARNING : LOG_INFO, "%.*s", (int)len, line);
}

/* A line of a worker's output (newline included). */
void
log_output(const char *line, size_t len)
{
	if (!use_syslog) {
		write_all(STDOUT_FILENO, line, len);
		return;
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	syslog(LOG_INFO, "%.*s", (int)len, line);
}

/* An informational message. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

/* A warning with strerror(errno). */
void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 1);
	va_end(ap);
}

/* A warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

/* Report with strerror(errno) and exit 1. */
void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

/* Report and exit 1. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
