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
 *
 * stdout and stderr must never stall the loop (`arbord | less`, a reader
 * that stops): each is a sink with a bounded queue. arbord writes to its
 * own non-blocking open file description of the pipe or terminal
 * (reopened through /proc/self/fd, so that workers that inherit the
 * original one keep a blocking one), or with MSG_DONTWAIT to a socket;
 * what cannot be written now waits in the queue, sent when the reader
 * takes it (an ev_io), and a line that does not fit is dropped and
 * counted; once the queue has drained, the sink says
 * "arbor: N lines dropped". Regular files are written directly.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"

#define SINK_QUEUE_MAX	(64u << 10)	/* bytes waiting per sink */

/* arbord's stdout or stderr, written without blocking (see above). */
struct sink {
	int		 std;		/* STDOUT_FILENO or STDERR_FILENO */
	int		 fd;		/* what is written to; -1: not yet */
	int		 sock;		/* a socket: send(MSG_DONTWAIT) */
	int		 direct;	/* a regular file: write as it is */
	struct buf	 q;		/* waiting to be written */
	size_t		 qoff;
	unsigned long	 dropped;	/* lines dropped since the marker */
	ev_io		 io;
	int		 watching;
};

static int	use_syslog;		/* everything to syslog */
static int	also_stderr = 1;	/* messages to stderr too */
static int	sinks_loop;		/* the loop runs: watch, don't wait */
static struct sink sinks[2] = {
	{ .std = STDOUT_FILENO, .fd = -1 },
	{ .std = STDERR_FILENO, .fd = -1 },
};

/* Choose how to write to S's descriptor without blocking. */
static void
sink_open(struct sink *s)
{
	struct stat st;
	char path[32];
	int fd;

	s->fd = s->std;
	if (fstat(s->std, &st) == -1 || S_ISREG(st.st_mode)) {
		s->direct = 1;
		return;
	}
	if (S_ISSOCK(st.st_mode)) {
		s->sock = 1;
		return;
	}
	/* A pipe, FIFO or terminal: a description of our own. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", s->std);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd != -1)
		s->fd = fd;
	else
		s->direct = 1;	/* no /proc: as before, it may block */
}

/* Write what can be written now; bytes written, or -1 with errno. */
static ssize_t
sink_try(struct sink *s, const char *buf, size_t len)
{
	ssize_t n;

	do {
		if (s->sock)
			n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(s->fd, buf, len);
	} while (n == -1 && errno == EINTR);
	return n;
}

static void	sink_cb(struct ev_loop *, ev_io *, int);

/* Send S's queue as far as the reader takes it; watch for the rest. */
static void
sink_flush(struct sink *s)
{
	char marker[64];
	ssize_t n;

	for (;;) {
		while (s->qoff < s->q.len) {
			n = sink_try(s, s->q.s + s->qoff, s->q.len - s->qoff);
			if (n <= 0) {
				if (n == -1 && errno == EAGAIN)
					goto wait;
				s->q.len = s->qoff = 0;	/* gone: drop */
				break;
			}
			s->qoff += (size_t)n;
		}
		s->q.len = s->qoff = 0;
		if (s->dropped == 0)
			break;
		snprintf(marker, sizeof marker, "arbor: %lu lines dropped\n",
		    s->dropped);
		s->dropped = 0;
		buf_add(&s->q, marker, strlen(marker));
	}
	if (s->watching) {
		ev_io_stop(EV_DEFAULT, &s->io);
		s->watching = 0;
	}
	return;
wait:
	if (sinks_loop && !s->watching) {
		ev_io_init(&s->io, sink_cb, s->fd, EV_WRITE);
		s->io.data = s;
		ev_io_start(EV_DEFAULT, &s->io);
		s->watching = 1;
	}
}

/* libev: the reader took some: send more. */
static void
sink_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	sink_flush(w->data);
}

/* One line (or message) to stdout or stderr, never blocking the loop. */
static void
sink_write(int std, const char *buf, size_t len)
{
	struct sink *s = &sinks[std == STDERR_FILENO];
	ssize_t n = 0;

	if (s->fd == -1)
		sink_open(s);
	if (s->direct) {
		write_all(s->fd, buf, len);
		return;
	}
	if (s->q.len == s->qoff && s->dropped == 0) {
		if ((n = sink_try(s, buf, len)) == (ssize_t)len)
			return;
		if (n == -1 && errno != EAGAIN)
			return;		/* no reader at all: nothing to keep */
		if (n < 0)
			n = 0;
	}
	/* The rest of a line begun goes on; a new one waits if it fits. */
	if (n == 0 && s->q.len - s->qoff + len > SINK_QUEUE_MAX) {
		s->dropped++;
		return;
	}
	if (s->qoff > 0) {
		/* Keep the queue at the front: it stays within its bound. */
		memmove(s->q.s, s->q.s + s->qoff, s->q.len - s->qoff);
		s->q.len -= s->qoff;
		s->qoff = 0;
	}
	buf_add(&s->q, buf + n, len - (size_t)n);
	sink_flush(s);
}

/* The loop runs (or no longer does): sinks watch their readers. */
void
log_loop(int running)
{
	sinks_loop = running;
	for (int i = 0; i < 2; i++) {
		struct sink *s = &sinks[i];
		if (running) {
			if (s->q.len > s->qoff)
				sink_flush(s);
		} else if (s->watching) {
			ev_io_stop(EV_DEFAULT, &s->io);
			s->watching = 0;
		}
	}
}

/*
 * Before exiting: give the readers up to TIMEOUT_MS in all to take what
 * waits; then it is dropped.
 */
void
log_flush(int timeout_ms)
{
	for (int i = 0; i < 2; i++) {
		struct sink *s = &sinks[i];
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };

		while (s->fd != -1 && (s->q.len > s->qoff || s->dropped > 0) &&
		    timeout_ms > 0) {
			sink_flush(s);
			if (s->q.len == s->qoff && s->dropped == 0)
				break;
			if (poll(&p, 1, 100) <= 0)
				timeout_ms -= 100;
		}
		free(s->q.s);
		memset(&s->q, 0, sizeof s->q);
		s->qoff = 0;
		s->dropped = 0;
	}
}

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
		sink_write(STDERR_FILENO, line, strlen(line));
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
		sink_write(STDERR_FILENO, line, len);
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
		sink_write(STDOUT_FILENO, line, len);
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
