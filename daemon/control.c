/*
 * control.c: the control socket that arborctl talks to (protocol in
 * lib/proto.h and arbor-protocol(7)). One request per connection. Every
 * client is a non-blocking socket with a bounded request buffer and a
 * bounded reply buffer: a client that sends garbage gets an error record,
 * one that stops reading is dropped once its reply outgrows the bound, one
 * that vanishes is forgotten, so no client can block the loop or hurt the
 * tree. Peer credentials decide who may connect: root, arbord's own user,
 * or members of [arbor] socket_group.
 *
 * stop, start and restart answer when the action has completed: such a
 * client waits on a node (by path) and is answered from control_settled()
 * after the tree has carried out its actions, or from control_event() when
 * the node fails. The last events are kept in a ring for `events`.
 * `logs` reads a node's ring of output lines (logs.c) and, following,
 * gets each new line as a "log" record until the node is removed. For a
 * pool it reads its instances' rings merged in the order the lines came,
 * each record naming its instance, and follows every instance, also
 * those a reload adds (control_settled looks for them).
 *
 * Clients must not take what supervision needs: there are at most
 * max_clients of them, one that has not sent its request within
 * client_timeout is hung up on, and a connection is refused while arbord
 * holds so many descriptors that starting workers would be at risk
 * (control_reserve: the descriptors kept back).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "arbord.h"
#include "log.h"
#include "logs.h"
#include "proto.h"
#include "reexec.h"
#include "handoff.h"
#include "snapshot.h"
#include "statedir.h"
#include "tree.h"

#define CONTROL_BACKLOG_EVENTS	1000		/* kept for `events` */
#define CONTROL_MAX_REPLY	(16u << 20)	/* unsent bytes per client */
#define CONTROL_MAX_FOLLOW	(1u << 20)	/* ... for followers */
#define CONTROL_REEXEC_MS	300	/* to tell followers of a re-exec */

enum wait_kind { WAIT_NONE, WAIT_STOP, WAIT_START, WAIT_SHUTDOWN, WAIT_REEXEC };

struct client {
	int		 fd;
	ev_io		 rio;
	ev_io		 wio;
	char		 in[PROTO_MAX_REQUEST];
	size_t		 inlen;
	int		 have_request;
	struct buf	 out;
	size_t		 outoff;
	int		 done;		/* final record queued: close when sent */
	int		 follow;	/* events follow */
	struct logfollower *logf;	/* logs PATH follow */
	char		*log_path;	/* ... the node's path */
	bool		 log_pool;	/* ... a pool: */
	struct logsub	*subs;		/* its instances, followed too */
	unsigned long	 pool_seen;	/* the tree's last node id when its
					   instances were last looked for */
	enum wait_kind	 wait;
	char		*wait_path;
	struct admin_wait wait_for;	/* stop, start: what the tree says */
	ev_timer	 idle;		/* until the request is in */
	struct client	*next;
};

static int		 listen_fd = -1;
static char		*socket_path;
static gid_t		 socket_gid;
static int		 have_socket_group;
static ev_io		 accept_io;
static ev_timer		 accept_pause;
static struct client	*clients;
static size_t		 nclients;
static size_t		 max_clients;		/* [arbor] max_clients */
static int64_t		 idle_ms;		/* [arbor] client_timeout */
static struct event	 backlog[CONTROL_BACKLOG_EVENTS];
static size_t		 backlog_head, backlog_len;

/* A pool's instance that a client follows (logs POOL follow). */
struct logsub {
	struct client		*c;
	struct logfollower	*f;
	char			*path;		/* the instance's */
	unsigned long		 id;		/* ... and its node id */
	struct logsub		*next;
};

static void	client_free(struct client *);
static void	client_parse(struct client *);
static void	client_unfollow(struct client *);
static int	client_over_limit(const struct client *);
static void	client_abandon(struct client *);

/* Queue record FIELDS for C and try to send. */
static void
client_record(struct client *c, const char *const *fields, size_t n)
{
	proto_record(&c->out, fields, n);
}

/* Queue a final ok/error record; the connection closes once it is sent. */
static void
client_final(struct client *c, const char *type, const char *text)
{
	const char *f[2] = { type, text ? text : "" };

	client_record(c, f, text ? 2 : 1);
	c->done = 1;
	c->wait = WAIT_NONE;
	c->follow = 0;
	client_unfollow(c);
}

/* Stop following logs: the node's and its instances'. */
static void
client_unfollow(struct client *c)
{
	struct logsub *s;

	logs_unfollow(c->logf);
	c->logf = NULL;
	while ((s = c->subs) != NULL) {
		c->subs = s->next;
		logs_unfollow(s->f);
		free(s->path);
		free(s);
	}
	free(c->log_path);
	c->log_path = NULL;
	c->log_pool = false;
}

/* Queue a "line" record. */
static void
client_line(struct client *c, const char *text)
{
	const char *f[2] = { "line", text };

	client_record(c, f, 2);
}

/* Send what can be sent now; drop the client on error. */
static void
client_flush(struct client *c)
{
	while (c->outoff < c->out.len) {
		ssize_t n = send(c->fd, c->out.s + c->outoff,
		    c->out.len - c->outoff, MSG_NOSIGNAL);
		if (n > 0) {
			c->outoff += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		client_free(c);		/* gone, or broken */
		return;
	}
	if (c->outoff == c->out.len) {
		c->outoff = c->out.len = 0;
		ev_io_stop(EV_DEFAULT, &c->wio);
		if (c->done)
			client_free(c);
		return;
	}
	if (client_over_limit(c))
		client_abandon(c);
	else
		ev_io_start(EV_DEFAULT, &c->wio);
}

/* Is more of C's reply waiting than it may have? */
static int
client_over_limit(const struct client *c)
{
	size_t limit = c->follow || c->logf != NULL ? CONTROL_MAX_FOLLOW :
	    CONTROL_MAX_REPLY;

	return c->out.len - c->outoff > limit;
}

/*
 * Give up on a client that does not read: drop what it has not taken and
 * hang up. It is freed from its write watcher, which fires at once.
 */
static void
client_abandon(struct client *c)
{
	log_warnx("control: dropping a client that does not read its reply "
	    "(%zu bytes waiting)", c->out.len - c->outoff);
	(void)shutdown(c->fd, SHUT_RDWR);
	c->out.len = c->outoff = 0;
	c->done = 1;
	c->follow = 0;
	client_unfollow(c);
	c->wait = WAIT_NONE;
	ev_io_start(EV_DEFAULT, &c->wio);
}

/* Forget a client and close its connection. */
static void
client_free(struct client *c)
{
	struct client **pp;

	for (pp = &clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ev_io_stop(EV_DEFAULT, &c->rio);
	ev_io_stop(EV_DEFAULT, &c->wio);
	ev_timer_stop(EV_DEFAULT, &c->idle);
	client_unfollow(c);
	reexec_cancel(c);	/* if it waits for one: no answer */
	close(c->fd);
	nclients--;
	free(c->out.s);
	free(c->wait_path);
	free(c);
}

/* A status record for the client C (a snapshot_records callback). */
static void
status_emit(const char *const *f, size_t n, void *c)
{
	client_record(c, f, n);
}

/* The node named by a request argument, or NULL after an error reply. */
static struct node *
request_node(struct client *c, const char *path)
{
	struct node *n = tree_find(supervise_tree(), path);
	char *msg;

	if (n == NULL) {
		msg = xasprintf("no node '%s'", path);
		client_final(c, "error", msg);
		free(msg);
	}
	return n;
}

/* Check the number of arguments; reply with an error if it is wrong. */
static int
request_args(struct client *c, const struct proto_request *r, int min,
    int max)
{
	char *msg;

	if (r->nwords - 1 >= min && r->nwords - 1 <= max)
		return 0;
	if (min == max)
		msg = xasprintf("%s takes %d argument%s", r->words[0], min,
		    min == 1 ? "" : "s");
	else
		msg = xasprintf("%s takes %d to %d arguments", r->words[0],
		    min, max);
	client_final(c, "error", msg);
	free(msg);
	return -1;
}

/*
 * stop, start, restart PATH; restart PATH rolling [BATCH]: act, then wait
 * for the outcome.
 */
static void
request_action(struct client *c, const struct proto_request *r)
{
	struct node *n;
	enum admin_op op;
	char *msg = NULL, *end;
	long batch = 1;
	int rc;

	op = strcmp(r->words[0], "stop") == 0 ? ADMIN_STOP :
	    strcmp(r->words[0], "start") == 0 ? ADMIN_START : ADMIN_RESTART;
	if (request_args(c, r, 1, op == ADMIN_RESTART ? 3 : 1) == -1 ||
	    (n = request_node(c, r->words[1])) == NULL)
		return;
	if (r->nwords > 2 && strcmp(r->words[2], "rolling") != 0) {
		client_final(c, "error", "restart: the word after the path "
		    "can only be 'rolling'");
		return;
	}
	if (r->nwords > 3) {
		batch = strtol(r->words[3], &end, 10);
		if (*end != '\0' || end == r->words[3] || batch < 1 ||
		    batch > TREE_SCALE_MAX) {
			msg = xasprintf("restart: '%s' is not a batch size "
			    "(1 to %d)", r->words[3], TREE_SCALE_MAX);
			client_final(c, "error", msg);
			free(msg);
			return;
		}
	}
	if (r->nwords > 2) {
		rc = tree_roll(supervise_tree(), n, (int)batch, &c->wait_for,
		    now_ms(), &msg);
		supervise_attach();	/* a pool's surge instances */
	} else
		rc = tree_admin(supervise_tree(), n, op, &c->wait_for,
		    now_ms(), &msg);
	if (rc != 0) {
		client_final(c, rc == 1 ? "ok" : "error", msg);
		free(msg);
		return;
	}
	c->wait = op == ADMIN_STOP ? WAIT_STOP : WAIT_START;
	c->wait_path = xstrdup(n->path);
	run_actions();
}

/* scale PATH N: resize a pool, then wait for the outcome. */
static void
request_scale(struct client *c, const struct proto_request *r)
{
	struct node *n;
	char *msg = NULL, *end;
	long size;
	int rc;

	if (request_args(c, r, 2, 2) == -1 ||
	    (n = request_node(c, r->words[1])) == NULL)
		return;
	size = strtol(r->words[2], &end, 10);
	if (*end != '\0' || end == r->words[2] || size < 1 ||
	    size > TREE_SCALE_MAX) {
		msg = xasprintf("scale: '%s' is not a number of instances "
		    "(1 to %d)", r->words[2], TREE_SCALE_MAX);
		client_final(c, "error", msg);
		free(msg);
		return;
	}
	rc = tree_scale(supervise_tree(), n, (int)size, &c->wait_for,
	    now_ms(), &msg);
	supervise_attach();
	if (rc != 0) {
		client_final(c, rc == 1 ? "ok" : "error", msg);
		free(msg);
		run_actions();
		return;
	}
	c->wait = WAIT_START;
	c->wait_path = xstrdup(n->path);
	run_actions();
}

/* reload: re-read the configuration; print what was done. */
static void
request_reload(struct client *c)
{
	struct strv report = { 0 };
	int rc = supervise_reload(&report);

	for (size_t i = 0; i < report.n; i++)
		client_line(c, report.v[i]);
	if (rc == -1)
		client_final(c, "error", supervise_tree()->shutting_down ?
		    "reload refused" :
		    "the configuration has errors; nothing changed");
	else
		client_final(c, "ok", report.n == 0 ? "nothing changed" : NULL);
	strv_free(&report);
}

/* events [follow]: the backlog, then (with follow) live events. */
static void
request_events(struct client *c, const struct proto_request *r)
{
	if (request_args(c, r, 0, 1) == -1)
		return;
	if (r->nwords == 2 && strcmp(r->words[1], "follow") != 0) {
		client_final(c, "error", "events takes no argument but "
		    "'follow'");
		return;
	}
	for (size_t i = 0; i < backlog_len; i++)
		proto_event_record(&c->out, &backlog[(backlog_head + i) %
		    CONTROL_BACKLOG_EVENTS]);
	if (r->nwords == 2) {
		const char *f[1] = { "following" };
		client_record(c, f, 1);
		c->follow = 1;
	} else
		client_final(c, "ok", NULL);
}

/* Queue a "log" record of LINE, a line of node PATH. */
static void
log_record(struct client *c, const struct logline *line, const char *path)
{
	char ts[24];
	const char *f[5];

	snprintf(ts, sizeof ts, "%lld", (long long)line->ts_ms);
	f[0] = "log";
	f[1] = ts;
	f[2] = stream_name(line->stream);
	f[3] = line->text;
	f[4] = path;
	client_record(c, f, 5);
}

/* A record has been queued for a follower: send it, or drop a laggard. */
static void
log_follow_send(struct client *c)
{
	/* Sent from the write watcher; one that lags too far is dropped. */
	if (client_over_limit(c))
		client_abandon(c);
	else
		ev_io_start(EV_DEFAULT, &c->wio);
}

/* logs.c: a new line for a follower, or NULL: its node was removed. */
static void
log_follow_cb(void *arg, const struct logline *line)
{
	struct client *c = arg;

	if (line == NULL) {
		c->logf = NULL;		/* logs.c frees it */
		client_final(c, "ok", "removed by a reload");
	} else
		log_record(c, line, c->log_path);
	log_follow_send(c);
}

/* logs.c: a new line of a pool's instance, or NULL: it was removed. */
static void
log_sub_cb(void *arg, const struct logline *line)
{
	struct logsub *s = arg, **pp;
	struct client *c = s->c;

	if (line != NULL) {
		log_record(c, line, s->path);
		log_follow_send(c);
		return;
	}
	/* The pool shrank: follow the others (logs.c frees s->f). */
	for (pp = &c->subs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s->path);
	free(s);
}

/* Follow the instances of C's pool that it does not follow yet. */
static void
log_follow_instances(struct client *c)
{
	struct tree *t = supervise_tree();
	struct node *pool = tree_find(t, c->log_path);
	struct nodelog *nl;
	struct logsub *s;

	c->pool_seen = t->last_id;
	for (size_t i = 0; pool != NULL && i < pool->nchildren; i++) {
		struct node *x = pool->children[i];
		for (s = c->subs; s != NULL && s->id != x->id; s = s->next)
			;
		if (s != NULL || (nl = supervise_nodelog(x)) == NULL)
			continue;
		s = xcalloc(1, sizeof *s);
		s->c = c;
		s->path = xstrdup(x->path);
		s->id = x->id;
		s->f = logs_follow(nl, log_sub_cb, s);
		s->next = c->subs;
		c->subs = s;
	}
}

/* A line to merge: which node's. */
struct logref {
	const struct logline	*line;
	const char		*path;
};

/* Order logrefs by the order their lines came in. */
static int
logref_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct logref *)a)->line->seq;
	uint64_t y = ((const struct logref *)b)->line->seq;

	return (x > y) - (x < y);
}

/*
 * The last WANT lines kept of N, or of a pool's instances merged in the
 * order they came, as "log" records.
 */
static void
log_backlog(struct client *c, const struct node *n, size_t want)
{
	struct logref *refs = NULL;
	size_t nrefs = 0, first;
	struct nodelog *nl;

	if (!node_is_pool(n)) {
		nl = supervise_nodelog(n);
		nrefs = logs_count(nl);
		first = nrefs > want ? nrefs - want : 0;
		for (size_t j = first; j < nrefs; j++)
			log_record(c, logs_get(nl, j), n->path);
		return;
	}
	for (size_t i = 0; i < n->nchildren; i++)
		nrefs += logs_count(supervise_nodelog(n->children[i]));
	refs = xreallocarray(NULL, nrefs > 0 ? nrefs : 1, sizeof *refs);
	nrefs = 0;
	for (size_t i = 0; i < n->nchildren; i++) {
		nl = supervise_nodelog(n->children[i]);
		for (size_t j = 0; j < logs_count(nl); j++) {
			refs[nrefs].line = logs_get(nl, j);
			refs[nrefs++].path = n->children[i]->path;
		}
	}
	qsort(refs, nrefs, sizeof *refs, logref_cmp);
	first = nrefs > want ? nrefs - want : 0;
	for (size_t j = first; j < nrefs; j++)
		log_record(c, refs[j].line, refs[j].path);
	free(refs);
}

/*
 * logs PATH [N] [follow]: the last N lines kept (all), then new ones; of
 * a pool, its instances' merged.
 */
static void
request_logs(struct client *c, const struct proto_request *r)
{
	struct nodelog *nl;
	struct node *n;
	size_t want = SIZE_MAX;
	unsigned long long v;
	const char *w;
	char *end, *msg;
	int i = 2, follow = 0;

	if (request_args(c, r, 1, 3) == -1 ||
	    (n = request_node(c, r->words[1])) == NULL)
		return;
	if (i < r->nwords && (w = r->words[i])[0] >= '0' && w[0] <= '9') {
		errno = 0;
		v = strtoull(w, &end, 10);
		if (errno != 0 || *end != '\0') {
			msg = xasprintf("invalid line count '%s'", w);
			client_final(c, "error", msg);
			free(msg);
			return;
		}
		want = v > SIZE_MAX ? SIZE_MAX : (size_t)v;
		i++;
	}
	if (i < r->nwords && strcmp(r->words[i], "follow") == 0) {
		follow = 1;
		i++;
	}
	if (i < r->nwords) {
		msg = xasprintf("logs takes PATH [N] [follow], not '%s'",
		    r->words[i]);
		client_final(c, "error", msg);
		free(msg);
		return;
	}
	log_backlog(c, n, want);
	nl = supervise_nodelog(n);
	if (follow && nl != NULL) {
		const char *f[1] = { "following" };
		client_record(c, f, 1);
		c->log_path = xstrdup(n->path);
		c->logf = logs_follow(nl, log_follow_cb, c);
		if ((c->log_pool = node_is_pool(n)))
			log_follow_instances(c);
	} else
		client_final(c, "ok", NULL);
}

/* signal PATH SIG [SCOPE]: to the workers under PATH (scope: group). */
static void
request_signal(struct client *c, const struct proto_request *r)
{
	enum signal_scope scope = SIGNAL_GROUP;
	struct node *n;
	char *msg;
	int sig, count;

	if (request_args(c, r, 2, 3) == -1 ||
	    (n = request_node(c, r->words[1])) == NULL)
		return;
	if ((sig = signal_parse(r->words[2])) == -1)
		msg = xasprintf("unknown signal '%s'", r->words[2]);
	else if (r->nwords == 4 && signal_scope_parse(r->words[3],
	    &scope) == -1)
		msg = xasprintf("unknown signal scope '%s' (group, main or "
		    "all)", r->words[3]);
	else if ((count = tree_signal(supervise_tree(), n, sig, scope)) == 0)
		msg = xasprintf("no running worker under %s", n->path);
	else {
		msg = xasprintf("sent %s to %s%d worker%s", signal_name(sig),
		    scope == SIGNAL_MAIN ? "the main process of " :
		    scope == SIGNAL_ALL ? "every process of " : "", count,
		    count == 1 ? "" : "s");
		client_final(c, "ok", msg);
		free(msg);
		run_actions();
		return;
	}
	client_final(c, "error", msg);
	free(msg);
}

/* A reexec asked by client ARG did not happen: tell it why. */
static void
reexec_done(void *arg, const char *err)
{
	struct client *c = arg;

	client_final(c, "error", err);
	/* Sent from the write watcher: nothing is freed here. */
	ev_io_start(EV_DEFAULT, &c->wio);
}

/*
 * reexec [binary PATH] [reload]: arbord execs PATH (default its own
 * binary) with its state handed over; the new arbord answers. An answer
 * from this one is a refusal or a failure: nothing changed.
 */
static void
request_reexec(struct client *c, const struct proto_request *r)
{
	const char *binary = NULL;
	bool reload = false;
	char *err = NULL;

	for (int i = 1; i < r->nwords; i++) {
		if (strcmp(r->words[i], "reload") == 0 && !reload)
			reload = true;
		else if (strcmp(r->words[i], "binary") == 0 && binary == NULL &&
		    i + 1 < r->nwords && r->words[i + 1][0] == '/')
			binary = r->words[++i];
		else {
			client_final(c, "error", "usage: reexec [binary "
			    "/PATH] [reload]");
			return;
		}
	}
	/* Only the answer goes to this client now: the new arbord's. */
	ev_io_stop(EV_DEFAULT, &c->rio);
	ev_timer_stop(EV_DEFAULT, &c->idle);
	c->wait = WAIT_REEXEC;
	if (reexec_request(binary, reload, c->fd, reexec_done, c, &err) ==
	    -1) {
		log_warnx("reexec refused: %s", err);
		client_final(c, "error", err);
		free(err);
	}
}

/* Carry out one request. */
static void
request(struct client *c, const struct proto_request *r)
{
	const char *cmd = r->words[0];
	struct tree *t = supervise_tree();
	struct node *n;
	char *msg;

	if (strcmp(cmd, "status") == 0) {
		if (request_args(c, r, 0, 1) == -1)
			return;
		n = r->nwords == 2 ? request_node(c, r->words[1]) : t->root;
		if (n != NULL) {
			int64_t now = now_ms();

			snapshot_records(n, now, now + wall_offset_ms(),
			    status_emit, c);
			client_final(c, "ok", NULL);
		}
	} else if (strcmp(cmd, "stop") == 0 || strcmp(cmd, "start") == 0 ||
	    strcmp(cmd, "restart") == 0)
		request_action(c, r);
	else if (strcmp(cmd, "signal") == 0)
		request_signal(c, r);
	else if (strcmp(cmd, "scale") == 0)
		request_scale(c, r);
	else if (strcmp(cmd, "reload") == 0) {
		if (request_args(c, r, 0, 0) == 0)
			request_reload(c);
	} else if (strcmp(cmd, "reexec") == 0)
		request_reexec(c, r); else if (strcmp(cmd, "events") == 0)
		request_events(c, r);
	else if (strcmp(cmd, "logs") == 0)
		request_logs(c, r);
	else if (strcmp(cmd, "shutdown") == 0) {
		if (request_args(c, r, 0, 0) == -1)
			return;
		c->wait = WAIT_SHUTDOWN;
		log_info("shutdown requested: stopping the tree");
		tree_shutdown(t, now_ms());
		run_actions();
	} else if (strcmp(cmd, "ping") == 0) {
		msg = xasprintf("arbord %s pid %ld", ARBOR_VERSION,
		    (long)getpid());
		client_final(c, "ok", msg);
		free(msg);
	} else {
		msg = xasprintf("unknown command '%s'", cmd);
		client_final(c, "error", msg);
		free(msg);
	}
}

/* Has a waiting client's request completed? The tree says. */
static void
client_check_wait(struct client *c)
{
	enum admin_outcome o;
	char *msg;

	if (c->wait != WAIT_STOP && c->wait != WAIT_START)
		return;
	o = tree_admin_outcome(supervise_tree(), c->wait_path, &c->wait_for,
	    &msg);
	if (o != ADMIN_PENDING)
		client_final(c, o == ADMIN_DONE ? "ok" : "error", msg);
	free(msg);
}

/* After the tree carried out its actions: answer finished waits. */
void
control_settled(void)
{
	struct client *c, *next;

	/* Sending happens from the write watcher: nothing is freed here. */
	for (c = clients; c != NULL; c = next) {
		next = c->next;
		client_check_wait(c);
		/* New nodes (a reload): maybe instances of a followed pool. */
		if (c->log_pool && c->pool_seen != supervise_tree()->last_id)
			log_follow_instances(c);
		if (client_over_limit(c))
			client_abandon(c);
		else if (c->out.len > c->outoff)
			ev_io_start(EV_DEFAULT, &c->wio);
	}
}

/* An event happened: keep it and stream it to followers. */
void
control_event(const struct event *ev)
{
	struct event *slot;
	struct client *c;

	if (backlog_len == CONTROL_BACKLOG_EVENTS) {
		slot = &backlog[backlog_head];
		event_free(slot);
		backlog_head = (backlog_head + 1) % CONTROL_BACKLOG_EVENTS;
		backlog_len--;
	}
	slot = &backlog[(backlog_head + backlog_len) % CONTROL_BACKLOG_EVENTS];
	event_copy(slot, ev);
	backlog_len++;

	for (c = clients; c != NULL; c = c->next)
		if (c->follow)
			proto_event_record(&c->out, ev);
	/* Sent from control_settled(), once the actions are carried out. */
}

/* Call FN with each event kept, oldest first (the HTTP /events). */
void
control_backlog(void (*fn)(const struct event *, void *), void *arg)
{
	for (size_t i = 0; i < backlog_len; i++)
		fn(&backlog[(backlog_head + i) % CONTROL_BACKLOG_EVENTS], arg);
}

/* May the peer of FD use the socket? Sets *why if not. */
static int
peer_allowed(int fd, char **why)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	struct passwd *pw;
	gid_t groups[256];
	int ngroups = 256;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		*why = xasprintf("permission denied: cannot identify the "
		    "peer: %s", strerror(errno));
		return 0;
	}
	if (cred.uid == 0 || cred.uid == geteuid())
		return 1;
	if (have_socket_group) {
		if (cred.gid == socket_gid)
			return 1;
		if ((pw = getpwuid(cred.uid)) != NULL &&
		    getgrouplist(pw->pw_name, pw->pw_gid, groups,
		    &ngroups) != -1)
			for (int i = 0; i < ngroups; i++)
				if (groups[i] == socket_gid)
					return 1;
	}
	*why = xasprintf("permission denied: uid %ld may not control this "
	    "arbord (root, uid %ld%s%s may)", (long)cred.uid,
	    (long)geteuid(), have_socket_group ? " and members of group " :
	    "", have_socket_group ? (getgrgid(socket_gid) ?
	    getgrgid(socket_gid)->gr_name : "?") : "");
	return 0;
}

/* libev: the client's request (or EOF) arrived. */
static void
client_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c = w->data;
	ssize_t n;

	(void)loop;
	(void)revents;
	if (c->have_request) {
		/* Only EOF matters now: a follower that left is dropped. */
		char sink[512];
		n = read(c->fd, sink, sizeof sink);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			if (c->follow || c->logf != NULL || c->done)
				client_free(c);
			else
				ev_io_stop(EV_DEFAULT, &c->rio);
		}
		return;
	}
	n = read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == 0 && c->inlen > 0) {
		/* Half-closed after a part of a line: say what is wrong. */
		c->have_request = 1;
		ev_timer_stop(EV_DEFAULT, &c->idle);
		client_final(c, "error", "request without a final newline");
		client_flush(c);
		return;
	}
	if (n <= 0) {
		client_free(c);		/* left before asking anything */
		return;
	}
	c->inlen += (size_t)n;
	client_parse(c);
}

/* What C sent so far: a whole request, carried out; else wait for more. */
static void
client_parse(struct client *c)
{
	struct proto_request r;
	char *nl, *err;

	if ((nl = memchr(c->in, '\n', c->inlen)) == NULL) {
		if (c->inlen == sizeof c->in) {
			c->have_request = 1;
			ev_timer_stop(EV_DEFAULT, &c->idle);
			client_final(c, "error", "request too long (at most "
			    "4096 bytes)");
			client_flush(c);
		}
		return;
	}
	c->have_request = 1;
	ev_timer_stop(EV_DEFAULT, &c->idle);
	if (proto_parse_request(c->in, (size_t)(nl - c->in), &r, &err) == -1) {
		client_final(c, "error", err);
		free(err);
	} else
		request(c, &r);
	/* Only flush and the read callbacks free clients: C is still ours. */
	client_flush(c);
}

/* libev: the client can take more of its reply. */
static void
client_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	client_flush(w->data);
}

/* libev: a client sent no request in time: hang up. */
static void
client_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct client *c = w->data;
	char *msg;

	(void)loop;
	(void)revents;
	c->have_request = 1;
	msg = xasprintf("no request within %lldms", (long long)idle_ms);
	client_final(c, "error", msg);
	free(msg);
	client_flush(c);
}

/*
 * Descriptors kept back for supervision: a client is refused rather than
 * a worker's start failing for want of pipes.
 */
static int
control_reserve(rlim_t limit)
{
	return 16 + (int)(limit / 16);
}

/* Refuse a connection on FD at once, saying WHY; it is not a client. */
static void
refuse(int fd, const char *why)
{
	struct buf b = { 0 };
	const char *f[2] = { "error", why };

	proto_record(&b, f, 2);
	(void)send(fd, b.s, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(b.s);
	close(fd);
}

/* libev: descriptors are available again; accept once more. */
static void
accept_resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_io_start(loop, &accept_io);
}

/* A new client on descriptor FD, its request awaited (not read yet). */
static struct client *
client_new(int fd)
{
	struct client *c = xcalloc(1, sizeof *c);

	c->fd = fd;
	ev_io_init(&c->rio, client_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, client_write_cb, fd, EV_WRITE);
	ev_timer_init(&c->idle, client_idle_cb, (double)idle_ms / 1000., 0.);
	c->rio.data = c->wio.data = c->idle.data = c;
	c->next = clients;
	clients = c;
	nclients++;
	ev_timer_start(EV_DEFAULT, &c->idle);
	return c;
}

/* libev: a client connects. */
static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client *c;
	struct rlimit rl;
	char *why = NULL, *msg;
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: wait rather than spin. */
			log_warn("control: accept");
			ev_io_stop(loop, &accept_io);
			ev_timer_set(&accept_pause, 0.2, 0.);
			ev_timer_start(loop, &accept_pause);
		}
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)fd + (rlim_t)control_reserve(rl.rlim_cur) >= rl.rlim_cur) {
		log_warnx("control: refusing a client: %d descriptors open, "
		    "the rest are kept for supervision", fd);
		refuse(fd, "arbord is short of descriptors; try again later");
		return;
	}
	if (nclients >= max_clients) {
		msg = xasprintf("too many clients (at most %zu)", max_clients);
		refuse(fd, msg);
		free(msg);
		return;
	}
	c = client_new(fd);
	if (!peer_allowed(fd, &why)) {
		c->have_request = 1;
		ev_timer_stop(loop, &c->idle);
		client_final(c, "error", why);
		free(why);
		client_flush(c);
		return;
	}
	ev_io_start(loop, &c->rio);
}

/* Bind PATH, replacing a stale socket but never a live one. */
static int
bind_socket(int fd, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t mask;
	int probe, rc;

	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("control socket %s: exists and is not a "
			    "socket", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sun,
		    sizeof sun) == 0) {
			close(probe);
			log_warnx("control socket %s: another arbord is "
			    "running there; not starting", path);
			return -1;
		}
		if (probe != -1)
			close(probe);
		if (unlink(path) == -1) {
			log_warn("control socket %s: removing stale socket",
			    path);
			return -1;
		}
		log_info("control socket %s: replaced a stale socket", path);
	}
	mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (rc == -1) {
		log_warn("control socket %s: bind", path);
		return -1;
	}
	return 0;
}

/* Listen on PATH; -1 (after saying why) if arbord must not start. */
int
control_init(const char *path, const struct config *conf)
{
	char *dir = xstrdup(path);
	int fd;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		log_warnx("control socket %s: path too long", path);
		free(dir);
		return -1;
	}
	if (mkdir_p(dirname(dir), 0755) == -1) {
		log_warn("control socket directory %s", dir);
		free(dir);
		return -1;
	}
	free(dir);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("control socket");
		return -1;
	}
	if (bind_socket(fd, path) == -1) {
		close(fd);
		return -1;
	}
	have_socket_group = conf->socket_group != NULL;
	socket_gid = conf->socket_gid;
	control_configure(conf);
	if (have_socket_group && (chown(path, (uid_t)-1, socket_gid) == -1 ||
	    chmod(path, 0660) == -1)) {
		log_warn("control socket %s: group %s", path,
		    conf->socket_group);
		unlink(path);
		close(fd);
		return -1;
	}
	if (listen(fd, 128) == -1) {
		log_warn("control socket %s: listen", path);
		unlink(path);
		close(fd);
		return -1;
	}
	listen_fd = fd;
	socket_path = xstrdup(path);
	ev_io_init(&accept_io, accept_cb, fd, EV_READ);
	ev_io_start(EV_DEFAULT, &accept_io);
	ev_timer_init(&accept_pause, accept_resume_cb, 0., 0.);
	return 0;
}

/* See arbord.h. */
const char *
control_socket(void)
{
	return socket_path;
}

/* See arbord.h. */
int
control_move(const char *path, const struct config *conf)
{
	int old_fd = listen_fd;
	char *old_path = socket_path;

	ev_io_stop(EV_DEFAULT, &accept_io);
	ev_timer_stop(EV_DEFAULT, &accept_pause);
	listen_fd = -1;
	socket_path = NULL;
	if (control_init(path, conf) == -1) {
		listen_fd = old_fd;
		socket_path = old_path;
		ev_io_init(&accept_io, accept_cb, old_fd, EV_READ);
		ev_io_start(EV_DEFAULT, &accept_io);
		return -1;
	}
	close(old_fd);
	(void)unlink(old_path);
	free(old_path);
	return 0;
}

/* See arbord.h. */
int
control_regroup(const struct config *conf)
{
	if (conf->socket_group == NULL || (have_socket_group &&
	    socket_gid == conf->socket_gid))
		return 0;
	if (chown(socket_path, (uid_t)-1, conf->socket_gid) == -1 ||
	    chmod(socket_path, 0660) == -1) {
		log_warn("control socket %s: group %s", socket_path,
		    conf->socket_group);
		return -1;
	}
	have_socket_group = true;
	socket_gid = conf->socket_gid;
	return 1;
}

/* Take the limits on clients from CONF (at start and on reload). */
void
control_configure(const struct config *conf)
{
	max_clients = (size_t)conf->max_clients;
	idle_ms = conf->client_timeout_ms;
}

/* arbord exits: answer shutdown requests, drop everyone, remove socket. */
void
control_close(int exit_status)
{
	struct client *c;

	while ((c = clients) != NULL) {
		if (c->wait == WAIT_SHUTDOWN)
			client_final(c, exit_status == 0 ? "ok" : "error",
			    exit_status == 0 ? "stopped" :
			    "the root supervisor gave up");
		else if (c->wait != WAIT_NONE)
			client_final(c, "error", "arbord exited");
		/* One last non-blocking attempt; then it is gone. */
		if (c->out.len > c->outoff)
			(void)send(c->fd, c->out.s + c->outoff,
			    c->out.len - c->outoff, MSG_NOSIGNAL);
		c->done = 0;
		client_free(c);
	}
	for (size_t i = 0; i < backlog_len; i++)
		event_free(&backlog[(backlog_head + i) %
		    CONTROL_BACKLOG_EVENTS]);
	backlog_len = 0;
	if (listen_fd != -1) {
		ev_io_stop(EV_DEFAULT, &accept_io);
		ev_timer_stop(EV_DEFAULT, &accept_pause);
		close(listen_fd);
		listen_fd = -1;
		unlink(socket_path);
		free(socket_path);
		socket_path = NULL;
	}
}

/*
 * Re-exec (reexec.c): the control socket's HR_FD record; its descriptor
 * stays open across the exec, so that clients connecting meanwhile wait
 * in its backlog for the new arbord.
 */
void
control_export(struct handoff_w *w)
{
	if (listen_fd == -1)
		return;
	handoff_begin(w, HR_FD);
	handoff_u32(w, REEXEC_FD_CONTROL);
	handoff_u32(w, (uint32_t)listen_fd);
	handoff_str(w, socket_path);
	handoff_end(w);
	reexec_keep(listen_fd);
	/*
	 * Clients whose request is not in yet (connected, perhaps a part
	 * of it read): the new binary reads it and answers.
	 */
	for (struct client *c = clients; c != NULL; c = c->next) {
		if (c->have_request || c->done || c->wait != WAIT_NONE)
			continue;
		handoff_begin(w, HR_FD);
		handoff_u32(w, REEXEC_FD_CLIENT);
		handoff_u32(w, (uint32_t)c->fd);
		handoff_bytes(w, c->in, c->inlen);
		handoff_end(w);
		reexec_keep(c->fd);
	}
	/* The backlog, for arborctl events after the exec. */
	for (size_t i = 0; i < backlog_len; i++) {
		const struct event *ev = &backlog[(backlog_head + i) %
		    CONTROL_BACKLOG_EVENTS];

		handoff_begin(w, HR_EVENT);
		handoff_i64(w, ev->ts_ms);
		handoff_u32(w, (uint32_t)ev->type);
		handoff_u32(w, (uint32_t)ev->kind);
		handoff_str(w, ev->path);
		handoff_i64(w, (int64_t)ev->pid);
		handoff_i64(w, ev->exit);
		handoff_bool(w, ev->has_exit);
		handoff_i64(w, ev->signal);
		handoff_str(w, ev->error);
		handoff_bool(w, ev->oom);
		handoff_str(w, ev->old_version);
		handoff_str(w, ev->new_version);
		handoff_end(w);
	}
}

/*
 * Just before the exec: tell each follower (events follow, logs PATH
 * follow) with a "reexec" record, after what it has not taken yet, that
 * its connection ends because arbord re-executes; arborctl then connects
 * again and follows on. A bounded wait, CONTROL_REEXEC_MS for them all:
 * one that does not read only misses the marker (and ends as a follower
 * whose daemon left). If the exec fails the connection goes on, the marker harmless.
 */
void
control_reexec_notify(void)
{
	const char *f[1] = { "reexec" };
	int64_t until = now_ms() + CONTROL_REEXEC_MS, left;
	struct client *c;

	for (c = clients; c != NULL; c = c->next) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
		ssize_t n;

		/* A reply on its way is sent first, then it is cut. */
		if (c->outoff == c->out.len && (c->done ||
		    (!c->follow && c->logf == NULL)))
			continue;
		if (!c->done && (c->follow || c->logf != NULL))
			proto_record(&c->out, f, 1);
		while (c->outoff < c->out.len &&
		    (left = until - now_ms()) >= 0 &&
		    poll(&pfd, 1, (int)left) == 1) {
			n = send(c->fd, c->out.s + c->outoff,
			    c->out.len - c->outoff, MSG_NOSIGNAL);
			if (n > 0)
				c->outoff += (size_t)n;
			else if (n == -1 && errno != EINTR && errno != EAGAIN)
				break;
		}
	}
}

/* See arbord.h. */
void
control_adopt_clients(const void *data, size_t len)
{
	struct handoff_r r;
	struct client *c;
	char *err = NULL;
	const void *in;
	size_t inlen;
	int fd;

	if (handoff_r_init(&r, data, len, &err) == -1) {
		free(err);
		return;
	}
	while (handoff_next(&r, &err) == 1) {
		if (r.type != HR_FD || handoff_get_u32(&r) != REEXEC_FD_CLIENT)
			continue;
		fd = (int)handoff_get_u32(&r);
		in = handoff_get_bytes(&r, &inlen);
		if (r.bad || fd < 0 || inlen >= PROTO_MAX_REQUEST ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			continue;
		c = client_new(fd);
		if (inlen > 0)
			memcpy(c->in, in, inlen);
		c->inlen = inlen;
		ev_io_start(EV_DEFAULT, &c->rio);
		/* A whole request may have come in full already. */
		if (inlen > 0)
			client_parse(c);
	}
	free(err);
}

/* The new binary: the backlog of events handed over (HR_EVENT). */
void
control_restore_events(const void *data, size_t len)
{
	struct handoff_r r;
	struct event ev;
	char *err = NULL;
	uint32_t type, kind;

	if (handoff_r_init(&r, data, len, &err) == -1) {
		free(err);
		return;
	}
	while (handoff_next(&r, &err) == 1) {
		if (r.type != HR_EVENT)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.ts_ms = handoff_get_i64(&r);
		type = handoff_get_u32(&r);
		kind = handoff_get_u32(&r);
		ev.path = handoff_get_str(&r);
		ev.pid = (pid_t)handoff_get_i64(&r);
		ev.exit = (int)handoff_get_i64(&r);
		ev.has_exit = handoff_get_bool(&r);
		ev.signal = (int)handoff_get_i64(&r);
		ev.error = handoff_get_str(&r);
		ev.oom = handoff_get_bool(&r);
		ev.old_version = handoff_get_str(&r);
		ev.new_version = handoff_get_str(&r);
		if (!r.bad && type < EV_NTYPES && kind <= NODE_WORKER &&
		    ev.path != NULL) {
			ev.type = (enum event_type)type;
			ev.kind = (enum node_kind)kind;
			control_event(&ev);	/* no client yet: kept only */
		}
		event_free(&ev);
	}
	free(err);
}

/*
 * The new binary listens on the control socket FD, bound at PATH by the
 * old one (control_init's other half): 0, or -1 if FD is not open.
 */
int
control_adopt(int fd, const char *path, const struct config *conf)
{
	if (fd < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		log_warnx("control socket %s: not handed over", path);
		return -1;
	}
	have_socket_group = conf->socket_group != NULL;
	socket_gid = conf->socket_gid;
	control_configure(conf);
	listen_fd = fd;
	socket_path = xstrdup(path);
	ev_io_init(&accept_io, accept_cb, fd, EV_READ);
	ev_io_start(EV_DEFAULT, &accept_io);
	ev_timer_init(&accept_pause, accept_resume_cb, 0., 0.);
	return 0;
}
