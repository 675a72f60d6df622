/*
 * output.c: line-buffered readers for children's stdout and stderr. Each
 * complete line becomes one write(2) of "PREFIX | line" on arbord's stdout,
 * so lines from different children never interleave. Over-long lines are
 * cut into OUTPUT_LINE_MAX pieces. When a child exits, output_close drains
 * what it left in the pipe (a bounded amount) before the exit is handled,
 * so its last words make it into the exit reason. With syslog the lines
 * go there instead (log_output). Every line but a setup script's
 * KEY=VALUE ones is also handed to the node's log (logs.c: the ring for
 * `arborctl logs`, followers, log_dir files).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbord.h"
#include "log.h"
#include "logs.h"
#include "output.h"

/* Handle one complete line of LEN bytes. */
static void
output_line(struct output *o, const char *line, size_t len)
{
	const char *eq;
	char *s;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (o->capture != NULL && (eq = memchr(line, '=', len)) != NULL &&
	    env_name_valid(line, (size_t)(eq - line))) {
		strv_push(o->capture, xstrndup(line, len));
		return;
	}
	if (len > 0) {
		free(o->lastline);
		o->lastline = xstrndup(line, len);
		o->lastline_at = now_ms();
	}
	s = xasprintf("%s | %.*s\n", o->prefix, (int)len, line);
	log_output(s, strlen(s));
	free(s);
	logs_line(o->log, o->stream, line, len);
}

/* Split the buffer into lines; keep a partial last line. */
static void
output_flush(struct output *o, int final)
{
	size_t start = 0;
	char *nl;

	if (o->buf == NULL)
		return;		/* nothing read since the last line */
	while ((nl = memchr(o->buf + start, '\n', o->len - start)) != NULL) {
		output_line(o, o->buf + start, (size_t)(nl - (o->buf + start)));
		start = (size_t)(nl - o->buf) + 1;
	}
	if (start == 0 && (o->len == OUTPUT_LINE_MAX ||
	    (final && o->len > 0))) {
		output_line(o, o->buf, o->len);
		start = o->len;
	} else if (final && start < o->len) {
		output_line(o, o->buf + start, o->len - start);
		start = o->len;
	}
	memmove(o->buf, o->buf + start, o->len - start);
	o->len -= start;
	if (o->len == 0) {
		/* Most workers are quiet: hold no buffer between lines. */
		free(o->buf);
		o->buf = NULL;
	}
}

/* Read once; returns bytes read, 0 at EOF, -1 if nothing now. */
static ssize_t
output_read(struct output *o)
{
	ssize_t n;

	if (o->buf == NULL)
		o->buf = xmalloc(OUTPUT_LINE_MAX);
	do
		n = read(o->io.fd, o->buf + o->len, OUTPUT_LINE_MAX - o->len);
	while (n == -1 && errno == EINTR);
	if (n <= 0 && o->len == 0) {
		free(o->buf);
		o->buf = NULL;
	}
	if (n > 0) {
		o->len += (size_t)n;
		output_flush(o, 0);
	}
	return n;
}

/* libev: the pipe is readable. */
static void
output_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct output *o = w->data;

	(void)revents;
	if (output_read(o) == 0) {
		/* EOF before the exit: stop watching, keep the state. */
		output_flush(o, 1);
		ev_io_stop(loop, w);
	}
}

/* Watch FD (the read end of a pipe); see output.h. */
struct output *
output_new(int fd, const char *prefix, struct strv *capture,
    struct nodelog *log, enum stream stream)
{
	struct output *o = xcalloc(1, sizeof *o);

	o->prefix = xstrdup(prefix);
	o->capture = capture;
	o->log = log;
	o->stream = stream;
	logs_hold(log);
	ev_io_init(&o->io, output_cb, fd, EV_READ);
	o->io.data = o;
	ev_io_start(EV_DEFAULT, &o->io);
	return o;
}

/* The last line seen (NULL if none, or no pipe); valid until output_close. */
const char *
output_lastline(const struct output *o)
{
	return o != NULL ? o->lastline : NULL;
}

/* When the last line was read (monotonic ms; 0 if none). */
int64_t
output_lastline_at(const struct output *o)
{
	return o != NULL ? o->lastline_at : 0;
}

/*
 * Across a re-exec: the LEN bytes of a line not ended yet that the old
 * arbord had read (less than OUTPUT_LINE_MAX), and its last line LAST
 * (or NULL) read at AT.
 */
void
output_restore(struct output *o, const void *part, size_t len,
    const char *last, int64_t at)
{
	if (len > 0 && len < OUTPUT_LINE_MAX && o->buf == NULL) {
		o->buf = xmalloc(OUTPUT_LINE_MAX);
		memcpy(o->buf, part, len);
		o->len = len;
	}
	if (last != NULL) {
		free(o->lastline);
		o->lastline = xstrdup(last);
		o->lastline_at = at;
	}
}

/* Read what the child left in the pipe (bounded) and flush it. */
void
output_drain(struct output *o)
{
	if (o == NULL || !ev_is_active(&o->io))
		return;
	for (int i = 0; i < 64; i++)
		if (output_read(o) <= 0)
			break;
	output_flush(o, 1);
}

/* Stop watching, close and free. */
void
output_close(struct output *o)
{
	if (o == NULL)
		return;
	ev_io_stop(EV_DEFAULT, &o->io);
	close(o->io.fd);
	logs_release(o->log);
	free(o->prefix);
	free(o->lastline);
	free(o->buf);
	free(o);
}
