/*
 * http.c: the HTTP endpoint ([arbor] http), a read-only view over the
 * status snapshot and the event stream: /healthz and /readyz for probes,
 * /status.json, /events (Server-Sent Events), /metrics (metrics.c) and
 * the status page / (page.c).
 *
 * libmicrohttpd does the HTTP; it runs in arbord's own loop, no thread:
 * started with MHD_USE_EPOLL and no internal polling, its epoll
 * descriptor is watched by an ev_io and its next timeout by an ev_timer,
 * and MHD_run() is called when either fires. Every response is made in
 * the request's callback from the tree as it is then, so nothing else
 * ever touches the tree.
 *
 * Bounded, so that no client can grow arbord or stall the loop: at most
 * HTTP_MAX_CONNECTIONS connections (HTTP_MAX_PER_IP from one address), a
 * request's headers within HTTP_REQUEST_MEMORY (larger: 431), no request
 * body (413), HTTP_TIMEOUT_S of no progress closes a connection. An
 * /events stream queues at most HTTP_STREAM_QUEUE bytes for a client that
 * does not read (and its socket's send buffer is made small,
 * HTTP_STREAM_SNDBUF, as the kernel's memory counts too); past that it is
 * ended. At most HTTP_MAX_STREAMS streams
 * (503 beyond), so that probes always find a connection. Streams with
 * nothing to send are suspended (MHD neither reads nor times them out
 * then) and resumed by the next event, or every HTTP_PING_S by a comment
 * line that also finds the clients that went away. MHD's complaints are
 * logged at most once a minute.
 *
 * With [arbor] http_token_file every path but /healthz and /readyz needs
 * "Authorization: Bearer TOKEN", the file's first line (401 otherwise);
 * the page, /status.json and /events also take it as ?token=TOKEN, since
 * a browser's EventSource cannot send the header.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <microhttpd.h>

#include "arbord.h"
#include "config.h"
#include "event.h"
#include "handoff.h"
#include "http.h"
#include "listen.h"
#include "listenspec.h"
#include "log.h"
#include "reexec.h"
#include "snapshot.h"
#include "status.h"
#include "tree.h"

#define HTTP_MAX_CONNECTIONS	64
#define HTTP_MAX_PER_IP		32
#define HTTP_REQUEST_MEMORY	(32 * 1024)
#define HTTP_TIMEOUT_S		10
#define HTTP_STREAM_QUEUE	(256 * 1024)
#define HTTP_STREAM_SNDBUF	(32 * 1024)
#define HTTP_TOKEN_MAX		4096
#define HTTP_MAX_STREAMS	16
#define HTTP_PING_S		15.
#define HTTP_LOG_EVERY_MS	60000

/* An /events follower. */
struct sse {
	struct MHD_Connection	*conn;
	struct buf		 q;		/* "data: ...\n\n" to send */
	size_t			 off;		/* sent of q */
	bool			 suspended;
	bool			 ended;		/* overflowed, or closing */
	struct sse		*prev, *next;
};

static struct MHD_Daemon	*mhd;
static ev_io			 mhd_io;
static ev_timer			 mhd_timer;
static int			 listen_fd = -1;
static char			*socket_file;	/* unix: the file bound */
static char			*served;	/* the address as written */
static char			*token;		/* NULL: none needed */
static char			*token_path;	/* ... read from this file */
static struct sse		*streams;
static size_t			 nstreams;
static ev_timer			 ping_timer;
static int64_t			 logged_ms;	/* MHD's last complaint */
static unsigned			 unlogged;	/* ... and those since */

static void	drive(void);

/* Log a warning, at most one a minute (the others are counted). */
static void
http_vwarn(const char *fmt, va_list ap)
{
	char *msg;

	if (logged_ms != 0 && now_ms() - logged_ms < HTTP_LOG_EVERY_MS) {
		unlogged++;
		return;
	}
	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	msg[strcspn(msg, "\n")] = '\0';
	if (unlogged > 0)
		log_warnx("http: %s (and %u messages in the last minute)",
		    msg, unlogged);
	else
		log_warnx("http: %s", msg);
	logged_ms = now_ms();
	unlogged = 0;
	free(msg);
}

static void ARBOR_PRINTF(1, 2)
http_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	http_vwarn(fmt, ap);
	va_end(ap);
}

/* MHD's own complaints, to arbord's log. */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	http_vwarn(fmt, ap);
}

/* Queue a response of BODY (taken) with TYPE and CODE, and if CSP is not
   NULL that Content-Security-Policy. */
static enum MHD_Result
reply_csp(struct MHD_Connection *conn, unsigned code, const char *type,
    struct buf *body, const char *csp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (body->s == NULL)
		buf_add(body, "", 0);
	r = MHD_create_response_from_buffer(body->len, body->s,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body->s);
		return MHD_NO;
	}
	body->s = NULL;
	(void)MHD_add_response_header(r, "Content-Type", type);
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (csp != NULL)
		(void)MHD_add_response_header(r, "Content-Security-Policy",
		    csp);
	if (code == MHD_HTTP_UNAUTHORIZED)
		(void)MHD_add_response_header(r, "WWW-Authenticate",
		    "Bearer realm=\"arbor\"");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* Queue a response of BODY (taken) with TYPE and CODE. */
static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned code, const char *type,
    struct buf *body)
{
	return reply_csp(conn, code, type, body, NULL);
}

/* A short text response. */
static enum MHD_Result
reply_text(struct MHD_Connection *conn, unsigned code, const char *text)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s\n", text);
	return reply(conn, code, "text/plain; charset=utf-8", &b);
}

/* GET /healthz: the loop runs, since it answers. */
static enum MHD_Result
get_healthz(struct MHD_Connection *conn)
{
	return reply_text(conn, MHD_HTTP_OK, "ok");
}

/* Is a node in STATE ready, for /readyz? */
static bool
state_ready(const char *state)
{
	return strcmp(state, "running") == 0 ||
	    strcmp(state, "completed") == 0;
}

/*
 * GET /readyz: 200 when the root supervisor runs and every node is
 * running (a worker is running once ready) or completed; else 503 and one
 * line "PATH STATE" per node that is not.
 */
static enum MHD_Result
get_readyz(struct MHD_Connection *conn)
{
	struct status *st = snapshot_status(supervise_tree()->root);
	struct buf b = { 0 };
	size_t n = status_count(st);

	for (size_t i = 0; i < n; i++)
		if (!state_ready(st->nodes[i].state))
			buf_printf(&b, "%s %s\n", st->nodes[i].path,
			    st->nodes[i].state);
	status_free(st);
	if (b.len == 0) {
		buf_add(&b, "ready\n", 6);
		return reply(conn, MHD_HTTP_OK, "text/plain; charset=utf-8",
		    &b);
	}
	return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "text/plain; charset=utf-8", &b);
}

/* GET /status.json: what arborctl status --json prints. */
static enum MHD_Result
get_status(struct MHD_Connection *conn)
{
	struct status *st = snapshot_status(supervise_tree()->root);
	struct buf b = { 0 };

	status_json(st, &b);
	buf_add(&b, "\n", 1);
	status_free(st);
	return reply(conn, MHD_HTTP_OK, "application/json", &b);
}

/* GET /metrics. */
static enum MHD_Result
get_metrics(struct MHD_Connection *conn)
{
	struct buf b = { 0 };

	metrics_text(&b);
	return reply(conn, MHD_HTTP_OK,
	    "text/plain; version=0.0.4; charset=utf-8", &b);
}

/*
 * GET /: the status page. Its one inline stylesheet and script carry a
 * fresh nonce, the only ones the Content-Security-Policy lets in; it may
 * connect to its own origin only (/events, /status.json).
 */
static enum MHD_Result
get_page(struct MHD_Connection *conn)
{
	struct buf b = { 0 }, csp = { 0 };
	unsigned char rnd[16];
	char nonce[sizeof rnd * 2 + 1];
	enum MHD_Result ret;

	arc4random_buf(rnd, sizeof rnd);
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	page_html(&b, nonce);
	buf_printf(&csp, "default-src 'none'; script-src 'nonce-%s'; "
	    "style-src 'nonce-%s'; connect-src 'self'; img-src data:; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	    nonce, nonce);
	ret = reply_csp(conn, MHD_HTTP_OK, "text/html; charset=utf-8", &b,
	    csp.s);
	free(csp.s);
	return ret;
}

/* Append event EV to stream S as one SSE message; end S if it is full. */
static void
stream_push(const struct event *ev, void *arg)
{
	struct sse *s = arg;
	char *line;

	if (s->ended)
		return;
	if (s->q.len - s->off > HTTP_STREAM_QUEUE) {
		s->ended = true;
		http_warn("an /events client fell %d KiB behind: its stream "
		    "ends", HTTP_STREAM_QUEUE / 1024);
		return;
	}
	/* Sent: drop it, so that the queue holds only what is not. */
	if (s->off == s->q.len) {
		s->q.len = 0;
		s->off = 0;
	}
	line = event_format(ev, EVENT_FORMAT_JSON);
	line[strcspn(line, "\n")] = '\0';
	buf_printf(&s->q, "data: %s\n\n", line);
	free(line);
}

/* Wake S if it waits for something to send. */
static void
stream_wake(struct sse *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
		/* MHD takes it up in its next run: make that now. */
		ev_timer_stop(EV_DEFAULT, &mhd_timer);
		ev_timer_set(&mhd_timer, 0., 0.);
		ev_timer_start(EV_DEFAULT, &mhd_timer);
	}
}

/* MHD wants more of stream CLS: what is queued, else wait for it. */
static ssize_t
stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse *s = cls;
	size_t n = s->q.len - s->off;

	(void)pos;
	if (n > 0) {
		if (n > max)
			n = max;
		memcpy(out, s->q.s + s->off, n);
		s->off += n;
		return (ssize_t)n;
	}
	if (s->ended)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	s->suspended = true;
	MHD_suspend_connection(s->conn);
	return 0;
}

/* The response of stream CLS is gone. */
static void
stream_free(void *cls)
{
	struct sse *s = cls;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		streams = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	free(s->q.s);
	free(s);
	if (--nstreams == 0)
		ev_timer_stop(EV_DEFAULT, &ping_timer);
}

/* Every HTTP_PING_S: a comment to every stream (a closed one ends). */
static void
ping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	for (struct sse *s = streams; s != NULL; s = s->next) {
		if (s->ended)
			continue;
		if (s->off == s->q.len) {
			s->q.len = 0;
			s->off = 0;
		}
		buf_add(&s->q, ":\n\n", 3);
		stream_wake(s);
	}
}

/* GET /events: the events kept, then each new one, as they happen. */
static enum MHD_Result
get_events(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info;
	struct MHD_Response *r;
	struct sse *s;
	enum MHD_Result ret;
	int sndbuf = HTTP_STREAM_SNDBUF;

	if (nstreams >= HTTP_MAX_STREAMS)
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "too many /events streams");
	/* The kernel's buffer counts too: keep it small for a stream. */
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info != NULL)
		(void)setsockopt(info->connect_fd, SOL_SOCKET, SO_SNDBUF,
		    &sndbuf, sizeof sndbuf);
	s = xcalloc(1, sizeof *s);
	s->conn = conn;
	buf_add(&s->q, ": arbor events\n\n", 16);
	control_backlog(stream_push, s);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024,
	    stream_read, s, stream_free);
	if (r == NULL) {
		free(s->q.s);
		free(s);
		return MHD_NO;
	}
	s->next = streams;
	if (streams != NULL)
		streams->prev = s;
	streams = s;
	if (nstreams++ == 0)
		ev_timer_again(EV_DEFAULT, &ping_timer);
	(void)MHD_add_response_header(r, "Content-Type", "text/event-stream");
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "X-Accel-Buffering", "no");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* Is H the token? */
static bool
token_is(const char *h)
{
	size_t n = strlen(h), tn = strlen(token);
	unsigned char diff = 0;

	/* The same time whatever matches: no guessing byte by byte. */
	for (size_t i = 0; i < tn; i++)
		diff |= (unsigned char)token[i] ^ (unsigned char)(i < n ?
		    h[i] : 0);
	return diff == 0 && n == tn;
}

/*
 * Does the request carry the token (or is none needed)? In its
 * Authorization header, or where QUERY (the page and what it reads,
 * since EventSource cannot send a header) as ?token=.
 */
static bool
authorised(struct MHD_Connection *conn, bool query)
{
	const char *h;

	if (token == NULL)
		return true;
	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		for (h += 7; *h == ' '; h++)
			;
		if (token_is(h))
			return true;
	}
	h = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
	return query && h != NULL && token_is(h);
}

static const struct route {
	const char	*path;
	bool		 open;		/* no token needed */
	bool		 query;		/* the token may be ?token= */
	enum MHD_Result	(*get)(struct MHD_Connection *);
} routes[] = {
	{ "/healthz",		true,	false,	get_healthz },
	{ "/readyz",		true,	false,	get_readyz },
	{ "/status.json",	false,	true,	get_status },
	{ "/events",		false,	true,	get_events },
	{ "/metrics",		false,	false,	get_metrics },
	{ "/",			false,	true,	get_page },
	{ "/index.html",	false,	true,	get_page },
};

/* Every request: answered at once, from its headers. */
static enum MHD_Result
request_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req)
{
	const char *len;

	(void)cls;
	(void)version;
	(void)upload;
	/* A body is never wanted: refuse it before it is read. */
	len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (*req == NULL && ((len != NULL && strcmp(len, "0") != 0) ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)) {
		*req = conn;
		return reply_text(conn, MHD_HTTP_CONTENT_TOO_LARGE,
		    "no request body is accepted");
	}
	*upload_size = 0;
	*req = conn;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "read-only: GET or HEAD");
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(url, routes[i].path) != 0)
			continue;
		if (!routes[i].open && !authorised(conn, routes[i].query))
			return reply_text(conn, MHD_HTTP_UNAUTHORIZED,
			    "a bearer token is needed");
		return routes[i].get(conn);
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "no such page: try /, "
	    "/metrics, /status.json, /events, /healthz or /readyz");
}

/* Run MHD, then wait for its descriptor or its next timeout. */
static void
drive(void)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (mhd == NULL)
		return;
	(void)MHD_run(mhd);
	ev_timer_stop(EV_DEFAULT, &mhd_timer);
	if (MHD_get_timeout(mhd, &ms) == MHD_YES) {
		ev_timer_set(&mhd_timer, (double)ms / 1e3, 0.);
		ev_timer_start(EV_DEFAULT, &mhd_timer);
	}
}

static void
mhd_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	drive();
}

static void
mhd_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	drive();
}

/* Read the token from PATH: its first line, not empty. */
static int
read_token(const char *path)
{
	char buf[HTTP_TOKEN_MAX + 2];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		log_warn("http_token_file %s", path);
		return -1;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n == -1) {
		log_warn("http_token_file %s", path);
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0' || strlen(buf) > HTTP_TOKEN_MAX) {
		log_warnx("http_token_file %s: %s", path, buf[0] == '\0' ?
		    "the first line (the token) is empty" : "token too long");
		return -1;
	}
	token = xstrdup(buf);
	return 0;
}

/*
 * A re-exec: the socket the old binary served CONF's address on, if it
 * handed one over (HANDOFF, LEN), into listen_fd and socket_file; 0 if
 * it did, -1 if a new one must be bound. One for another address is
 * closed.
 */
static int
adopt(const struct config *conf, const void *handoff, size_t len)
{
	struct handoff_r r;
	char *err = NULL, *word = NULL, *file = NULL;
	int fd = -1;

	if (handoff == NULL || handoff_r_init(&r, handoff, len, &err) == -1) {
		free(err);
		return -1;
	}
	while (handoff_next(&r, &err) == 1)
		if (r.type == HR_FD && handoff_get_u32(&r) == REEXEC_FD_HTTP) {
			fd = (int)handoff_get_u32(&r);
			word = handoff_get_str(&r);
			file = handoff_get_str(&r);
			if (r.bad)
				fd = -1;
			break;
		}
	free(err);
	if (fd < 0 || word == NULL || strcmp(word, conf->http->word) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		if (fd >= 0)
			(void)close(fd);
		free(word);
		free(file);
		return -1;
	}
	free(word);
	listen_fd = fd;
	socket_file = file;
	return 0;
}

int
http_init(const struct config *conf, const void *handoff, size_t len)
{
	const union MHD_DaemonInfo *info;
	char *err = NULL;
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;

	if (conf->http == NULL)
		return 0;
	if (conf->http_token_file != NULL &&
	    read_token(conf->http_token_file) == -1)
		return -1;
	free(token_path);
	token_path = conf->http_token_file != NULL ?
	    xstrdup(conf->http_token_file) : NULL;
	if (adopt(conf, handoff, len) == -1 &&
	    listen_open(conf->http, &listen_fd, &socket_file, &err) == -1) {
		log_warnx("http: %s", err);
		free(err);
		http_close();
		return -1;
	}
	served = xstrdup(conf->http->word);
	(void)fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) |
	    O_NONBLOCK);
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, request_cb, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    conf->http->kind == LISTEN_TCP ? (unsigned)HTTP_MAX_PER_IP : 0u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_REQUEST_MEMORY,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
	    MHD_OPTION_END);
	if (mhd == NULL ||
	    (info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_EPOLL_FD)) ==
	    NULL) {
		log_warnx("http %s: the HTTP server did not start",
		    conf->http->addr);
		http_close();
		return -1;
	}
	ev_io_init(&mhd_io, mhd_io_cb, info->epoll_fd, EV_READ);
	ev_io_start(EV_DEFAULT, &mhd_io);
	ev_init(&mhd_timer, mhd_timer_cb);
	ev_init(&ping_timer, ping_cb);
	ping_timer.repeat = HTTP_PING_S;
	log_info("http: serving on %s", conf->http->addr);
	drive();
	return 0;
}

void
http_event(const struct event *ev)
{
	metrics_event(ev);
	for (struct sse *s = streams; s != NULL; s = s->next) {
		stream_push(ev, s);
		stream_wake(s);
	}
}

void
http_close(void)
{
	if (mhd != NULL) {
		/* MHD stops only with every connection resumed. */
		for (struct sse *s = streams; s != NULL; s = s->next) {
			s->ended = true;
			stream_wake(s);
		}
		ev_io_stop(EV_DEFAULT, &mhd_io);
		ev_timer_stop(EV_DEFAULT, &mhd_timer);
		ev_timer_stop(EV_DEFAULT, &ping_timer);
		MHD_stop_daemon(mhd);
		mhd = NULL;
	}
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
	if (socket_file != NULL)
		(void)unlink(socket_file);
	free(socket_file);
	socket_file = NULL;
	free(served);
	served = NULL;
	free(token);
	token = NULL;
	free(token_path);
	token_path = NULL;
}

/* See http.h. */
void
http_export(struct handoff_w *w)
{
	if (listen_fd == -1 || served == NULL)
		return;
	handoff_begin(w, HR_FD);
	handoff_u32(w, REEXEC_FD_HTTP);
	handoff_u32(w, (uint32_t)listen_fd);
	handoff_str(w, served);
	handoff_str(w, socket_file);
	handoff_end(w);
	reexec_keep(listen_fd);
}

/* Are A and B the same string, or both NULL? */
static bool
same(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* See http.h. */
void
http_reconfigure(const struct config *conf, bool move, struct strv *report)
{
	const char *now = conf->http != NULL ? conf->http->word : NULL;
	char *old;

	if (!same(now, served)) {
		if (!move) {
			strv_push(report, xstrdup("http: a new address takes "
			    "effect with arborctl reexec --reload"));
			return;
		}
		http_close();
		if (conf->http == NULL)
			strv_push(report, xstrdup("http: off"));
		else if (http_init(conf, NULL, 0) == -1)
			strv_push(report, xasprintf("http %s: not served (see "
			    "the log)", conf->http->addr));
		else
			strv_push(report, xasprintf("http: serving on %s",
			    conf->http->addr));
		return;
	}
	if (served == NULL)
		return;
	/* The token file, read again: it may be another, or rewritten. */
	old = token;
	token = NULL;
	if (conf->http_token_file != NULL &&
	    read_token(conf->http_token_file) == -1) {
		token = old;
		strv_push(report, xasprintf("http_token_file %s: not read (see "
		    "the log); the token stays", conf->http_token_file));
		return;
	}
	if (!same(old, token))
		strv_push(report, xstrdup(token == NULL ? "http: no token "
		    "needed now" : "http: a new token"));
	free(old);
	free(token_path);
	token_path = conf->http_token_file != NULL ?
	    xstrdup(conf->http_token_file) : NULL;
}
