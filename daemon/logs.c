/*
 * logs.c: the output lines of every node. Each line arbord reads from a
 * child (output.c) comes here with its node and stream, and is
 *   - kept in the node's ring, the last LOGS_RING_LINES lines or
 *     LOGS_RING_BYTES bytes of text, whichever is reached first (the
 *     oldest go first), which `arborctl logs` reads;
 *   - handed to the node's followers (`arborctl logs -f`);
 *   - with [arbor] log_dir, appended to DIR/<path, '/' as '.'>.log as
 *     "TIMESTAMP STREAM TEXT", the time in UTC with milliseconds.
 *
 * A log file is never written per line: lines are appended to the file's
 * pending buffer and the buffers are written from an ev_prepare watcher,
 * once per loop iteration, before the loop waits again. Regular files
 * never say EAGAIN, so the bound is on memory: a file with
 * LOGS_MAX_PENDING bytes unwritten (the disk is full or failing, the
 * directory cannot be created) drops new lines and counts them; once
 * there is room again a marker line "[arbord: N lines dropped]" (stream
 * "--") says how many are missing, in their place. A failed open or write
 * is reported once and retried every LOGS_RETRY_SECS; the lines wait.
 *
 * Files are rotated by size at line boundaries: when the next line would
 * take a file past log_max_size, FILE.N-1 becomes FILE.N for the log_keep
 * files kept (the oldest is dropped), ..., FILE becomes FILE.1, and a new
 * FILE is started. A single line longer than log_max_size makes a file of
 * its own.
 *
 * A node's log lives as long as the node and every pipe still reading for
 * it (reference counts), so what a process prints after its node is gone
 * still reaches the file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "arbord.h"
#include "event.h"
#include "log.h"
#include "logs.h"
#include "statedir.h"

#define LOGS_RING_START	16		/* first allocation of a ring */
#define LOGS_KEEP_BUFFER	(64u << 10)	/* pending buffer kept when empty */

struct logfollower {
	struct nodelog		*log;
	logs_follow_fn		 fn;
	void			*arg;
	struct logfollower	*next;
};

struct nodelog {
	char			*path;		/* the node's */
	int			 refs;
	struct logline		*ring;		/* circular */
	size_t			 cap, head, n;
	size_t			 bytes;		/* of text in the ring */
	struct logfollower	*followers;

	/* The log file, with log_dir. */
	char			*file;		/* NULL: no log_dir */
	int			 fd;		/* -1: not open */
	uint64_t		 size;		/* of the open file */
	struct buf		 pending;	/* whole lines, not written */
	int			 midline;	/* the file ends inside a line */
	unsigned long		 dropped;	/* lines that found no room */
	int			 blocked;	/* failed: wait for the retry */
	int			 failing;	/* the failure was reported */

	struct nodelog		*next;		/* every log */
	struct nodelog		**pprev;	/* what points to this one */
};

static struct nodelog	*all;
static char		*log_dir;
static uint64_t		 max_size = CONF_LOG_MAX_SIZE;
static int		 keep = CONF_LOG_KEEP;
static int		 watchers_ready;
static ev_prepare	 flush_w;
static ev_timer		 retry_w;
static struct buf	 scratch;		/* one formatted line */
static uint64_t		 last_seq;		/* of the newest line */

static int	logfile_open(struct nodelog *);

/* DIR/<PATH with '/' as '.'>.log, or NULL without log_dir. */
static char *
logfile_name(const char *path)
{
	char *s, *p;

	if (log_dir == NULL)
		return NULL;
	s = xasprintf("%s/%s.log", log_dir, path);
	for (p = s + strlen(log_dir) + 1; *p != '\0'; p++)
		if (*p == '/')
			*p = '.';
	return s;
}

/* A failed open, write or rotation: say so once, retry later. */
static void
logfile_fail(struct nodelog *nl, const char *what)
{
	if (!nl->failing)
		log_warn("log file %s: %s", nl->file, what);
	nl->failing = 1;
	nl->blocked = 1;
	if (!ev_is_active(&retry_w)) {
		ev_timer_set(&retry_w, LOGS_RETRY_SECS, 0.);
		ev_timer_start(EV_DEFAULT, &retry_w);
	}
}

/* Queue the "lines dropped" marker if there is room for it and LEN more. */
static int
logfile_marker(struct nodelog *nl, size_t len)
{
	struct buf m = { 0 };
	int fits;

	if (nl->dropped == 0)
		return 1;
	buf_ts(&m, wall_ms());
	buf_printf(&m, " -- [arbord: %lu line%s dropped]\n", nl->dropped,
	    nl->dropped == 1 ? "" : "s");
	fits = nl->pending.len + m.len + len <= LOGS_MAX_PENDING;
	if (fits) {
		buf_add(&nl->pending, m.s, m.len);
		nl->dropped = 0;
	}
	free(m.s);
	return fits;
}

/* Close the file. */
static void
logfile_close(struct nodelog *nl)
{
	if (nl->fd != -1)
		close(nl->fd);
	nl->fd = -1;
}

/* Open (or create) the file for appending; 0, or -1 after logfile_fail. */
static int
logfile_open(struct nodelog *nl)
{
	struct stat st;

	if (mkdir_p(log_dir, 0755) == -1) {
		logfile_fail(nl, "creating the directory");
		return -1;
	}
	nl->fd = open(nl->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK, 0644);
	if (nl->fd == -1) {
		logfile_fail(nl, "open");
		return -1;
	}
	nl->size = fstat(nl->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	nl->midline = 0;
	return 0;
}

/* FILE.N-1 to FILE.N, ..., FILE to FILE.1, and a new FILE; 0 or -1. */
static int
logfile_rotate(struct nodelog *nl)
{
	char *from, *to;

	logfile_close(nl);
	if (keep == 0) {
		if (unlink(nl->file) == -1 && errno != ENOENT) {
			logfile_fail(nl, "rotating (unlink)");
			return -1;
		}
		return logfile_open(nl);
	}
	/* Older ones as well as they can be: the newest matters most. */
	for (int i = keep - 1; i >= 1; i--) {
		from = xasprintf("%s.%d", nl->file, i);
		to = xasprintf("%s.%d", nl->file, i + 1);
		if (rename(from, to) == -1 && errno != ENOENT && !nl->failing)
			log_warn("log file %s: rotating to %s", from, to);
		free(from);
		free(to);
	}
	to = xasprintf("%s.1", nl->file);
	if (rename(nl->file, to) == -1 && errno != ENOENT) {
		free(to);
		logfile_fail(nl, "rotating");
		return -1;
	}
	free(to);
	return logfile_open(nl);
}

/* The length of the line starting at P (newline included), at most LEN. */
static size_t
line_len(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);

	return nl != NULL ? (size_t)(nl - p) + 1 : len;
}

/*
 * Write what is pending: whole lines, rotating between them when the
 * next would take the file past log_max_size. Stops at the first error.
 */
static void
logfile_flush(struct nodelog *nl)
{
	size_t off = 0, chunk, next, left;
	const char *p;
	ssize_t n;

	if (nl->file == NULL)
		return;
	if (nl->pending.len == 0)
		(void)logfile_marker(nl, 0);
	if (nl->pending.len == 0 || (nl->fd == -1 && logfile_open(nl) == -1))
		return;
	while (off < nl->pending.len) {
		p = nl->pending.s + off;
		left = nl->pending.len - off;
		chunk = line_len(p, left);
		if (!nl->midline && nl->size > 0 &&
		    nl->size + chunk > max_size) {
			if (logfile_rotate(nl) == -1)
				break;
			continue;
		}
		/* As many more whole lines as fit. */
		while (!nl->midline && chunk < left) {
			next = line_len(p + chunk, left - chunk);
			if (nl->size + chunk + next > max_size)
				break;
			chunk += next;
		}
		n = write(nl->fd, p, chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			logfile_fail(nl, "write");
			break;
		}
		off += (size_t)n;
		nl->size += (uint64_t)n;
		nl->midline = p[n - 1] != '\n';
		if (off == nl->pending.len) {
			off = nl->pending.len = 0;
			if (nl->pending.cap > LOGS_KEEP_BUFFER) {
				/* A burst is over: give its memory back. */
				free(nl->pending.s);
				memset(&nl->pending, 0, sizeof nl->pending);
			}
			if (nl->failing)
				log_info("log file %s: writing again",
				    nl->file);
			nl->failing = 0;
			(void)logfile_marker(nl, 0);
		}
	}
	if (off > 0) {
		memmove(nl->pending.s, nl->pending.s + off,
		    nl->pending.len - off);
		nl->pending.len -= off;
	}
}

/* libev: before the loop waits, write every log file's pending lines. */
static void
flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)revents;
	for (struct nodelog *nl = all; nl != NULL; nl = nl->next)
		if (!nl->blocked)
			logfile_flush(nl);
	ev_prepare_stop(loop, w);
}

/* libev: time to try failed log files again. */
static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	for (struct nodelog *nl = all; nl != NULL; nl = nl->next)
		nl->blocked = 0;
	ev_prepare_start(loop, &flush_w);
}

/* Queue the formatted line S of LEN bytes, or count it as dropped. */
static void
logfile_append(struct nodelog *nl, const char *s, size_t len)
{
	if (logfile_marker(nl, len) &&
	    nl->pending.len + len <= LOGS_MAX_PENDING)
		buf_add(&nl->pending, s, len);
	else
		nl->dropped++;
	if (!nl->blocked)
		ev_prepare_start(EV_DEFAULT, &flush_w);
}

/* Take log_dir, log_max_size and log_keep from CONF; see logs.h. */
void
logs_configure(const struct config *conf)
{
	const char *dir = conf->log_dir;

	if (!watchers_ready) {
		ev_prepare_init(&flush_w, flush_cb);
		ev_timer_init(&retry_w, retry_cb, 0., 0.);
		watchers_ready = 1;
	}
	max_size = conf->log_max_size;
	keep = conf->log_keep;
	if (dir == log_dir || (dir != NULL && log_dir != NULL &&
	    strcmp(dir, log_dir) == 0))
		return;
	/* What was meant for the old files goes there if it can. */
	for (struct nodelog *nl = all; nl != NULL; nl = nl->next)
		logfile_flush(nl);
	free(log_dir);
	log_dir = dir != NULL ? xstrdup(dir) : NULL;
	for (struct nodelog *nl = all; nl != NULL; nl = nl->next) {
		logfile_close(nl);
		free(nl->file);
		nl->file = logfile_name(nl->path);
		nl->blocked = nl->failing = 0;
		if (nl->file == NULL) {
			nl->pending.len = 0;
			nl->dropped = 0;
		} else if (nl->pending.len > 0 || nl->dropped > 0)
			ev_prepare_start(EV_DEFAULT, &flush_w);
	}
}

/* Free NL and everything it holds; followers are not told. */
static void
nodelog_free(struct nodelog *nl)
{
	struct logfollower *f;

	*nl->pprev = nl->next;
	if (nl->next != NULL)
		nl->next->pprev = nl->pprev;
	/* One last attempt: nothing will come back for it. */
	logfile_flush(nl);
	logfile_close(nl);
	while ((f = nl->followers) != NULL) {
		nl->followers = f->next;
		free(f);
	}
	for (size_t i = 0; i < nl->n; i++)
		free(nl->ring[(nl->head + i) % nl->cap].text);
	free(nl->ring);
	free(nl->pending.s);
	free(nl->file);
	free(nl->path);
	free(nl);
}

/* arbord exits: write what is pending, close and free everything. */
void
logs_close(void)
{
	while (all != NULL)
		nodelog_free(all);
	if (watchers_ready) {
		ev_prepare_stop(EV_DEFAULT, &flush_w);
		ev_timer_stop(EV_DEFAULT, &retry_w);
	}
	free(log_dir);
	log_dir = NULL;
	free(scratch.s);
	memset(&scratch, 0, sizeof scratch);
}

/* The log of node PATH, with one reference. */
struct nodelog *
logs_node_new(const char *path)
{
	struct nodelog *nl = xcalloc(1, sizeof *nl);

	nl->path = xstrdup(path);
	nl->refs = 1;
	nl->fd = -1;
	nl->file = logfile_name(path);
	nl->next = all;
	if (all != NULL)
		all->pprev = &nl->next;
	nl->pprev = &all;
	all = nl;
	return nl;
}

/* Another reference. */
void
logs_hold(struct nodelog *nl)
{
	if (nl != NULL)
		nl->refs++;
}

/* Drop a reference; the last one frees. */
void
logs_release(struct nodelog *nl)
{
	if (nl != NULL && --nl->refs == 0)
		nodelog_free(nl);
}

/* The node is gone: end its followers, drop its reference. */
void
logs_node_gone(struct nodelog *nl)
{
	struct logfollower *f;

	if (nl == NULL)
		return;
	while ((f = nl->followers) != NULL) {
		nl->followers = f->next;
		f->fn(f->arg, NULL);
		free(f);
	}
	logs_release(nl);
}

/* Keep LINE in the ring (taking its text), dropping the oldest lines. */
static void
ring_push(struct nodelog *nl, const struct logline *line)
{
	struct logline *r;

	while (nl->n > 0 && (nl->n == LOGS_RING_LINES ||
	    nl->bytes + line->len > LOGS_RING_BYTES)) {
		r = &nl->ring[nl->head];
		nl->bytes -= r->len;
		free(r->text);
		nl->head = (nl->head + 1) % nl->cap;
		nl->n--;
	}
	if (nl->n == nl->cap) {
		size_t cap = nl->cap == 0 ? LOGS_RING_START : nl->cap * 2;
		if (cap > LOGS_RING_LINES)
			cap = LOGS_RING_LINES;
		r = xcalloc(cap, sizeof *r);
		for (size_t i = 0; i < nl->n; i++)
			r[i] = nl->ring[(nl->head + i) % nl->cap];
		free(nl->ring);
		nl->ring = r;
		nl->cap = cap;
		nl->head = 0;
	}
	nl->ring[(nl->head + nl->n) % nl->cap] = *line;
	nl->n++;
	nl->bytes += line->len;
}

/* A line of output: ring, followers, log file. */
void
logs_line(struct nodelog *nl, enum stream st, const char *text, size_t len)
{
	struct logfollower *f, *next;
	struct logline line;

	if (nl == NULL)
		return;
	line.ts_ms = wall_ms();
	line.seq = ++last_seq;
	line.stream = st;
	line.text = xstrndup(text, len);
	line.len = strlen(line.text);	/* up to a NUL byte, if any */
	for (f = nl->followers; f != NULL; f = next) {
		next = f->next;		/* FN may unfollow itself */
		f->fn(f->arg, &line);
	}
	if (nl->file != NULL) {
		scratch.len = 0;
		buf_ts(&scratch, line.ts_ms);
		buf_printf(&scratch, " %s ", stream_name(st));
		buf_add(&scratch, line.text, line.len);
		buf_add(&scratch, "\n", 1);
		logfile_append(nl, scratch.s, scratch.len);
	}
	ring_push(nl, &line);
}

/* The number of lines in the ring. */
size_t
logs_count(const struct nodelog *nl)
{
	return nl != NULL ? nl->n : 0;
}

/* Line I of the ring, 0 the oldest. */
const struct logline *
logs_get(const struct nodelog *nl, size_t i)
{
	if (nl == NULL || i >= nl->n)
		return NULL;
	return &nl->ring[(nl->head + i) % nl->cap];
}

/* Call FN with every new line of NL; see logs.h. */
struct logfollower *
logs_follow(struct nodelog *nl, logs_follow_fn fn, void *arg)
{
	struct logfollower *f = xcalloc(1, sizeof *f);

	f->log = nl;
	f->fn = fn;
	f->arg = arg;
	f->next = nl->followers;
	nl->followers = f;
	return f;
}

/* Stop following. */
void
logs_unfollow(struct logfollower *f)
{
	struct logfollower **pp;

	if (f == NULL)
		return;
	for (pp = &f->log->followers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	free(f);
}

/*
 * Re-exec (supervise.c): a line of NL's ring handed over, put back in the
 * ring only (followers and the log file had it already).
 */
void
logs_restore(struct nodelog *nl, int64_t ts_ms, uint64_t seq, enum stream st,
    const char *text, size_t len)
{
	struct logline line;

	if (nl == NULL)
		return;
	line.ts_ms = ts_ms;
	line.seq = seq;
	line.stream = st;
	line.text = xstrndup(text, len);
	line.len = strlen(line.text);
	if (seq > last_seq)
		last_seq = seq;
	ring_push(nl, &line);
}
