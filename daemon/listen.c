/*
 * listen.c: listening sockets held by arbord (key listen), as systemd's
 * socket units and s6's fd holder hold them. A worker's sockets are
 * created, bound and listening when it first starts, by arbord (so a
 * port below 1024 works for a worker that runs as an unprivileged user),
 * and then held here, keyed by the path of the worker or of its pool, not
 * by anything a start or a supervisor's restart tears down: connections
 * that arrive while the worker is down wait in the backlog instead of
 * being refused, and the instances of a pool share one set, the kernel
 * spreading connections over them. A set is closed when a reload removes
 * its node or changes its addresses (listen_sweep), or at shutdown, and a
 * Unix socket's file is removed then if it is still the one bound here.
 *
 * Descriptors are close-on-exec in arbord; spawn.c moves them to 3, 4 ...
 * in the child, where they are not. They stay in blocking mode as bound,
 * like systemd's: what a worker sets on them (O_NONBLOCK) is set on the
 * socket, for the next start too.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handoff.h"
#include "listen.h"
#include "reexec.h"
#include "listenspec.h"
#include "util.h"

/* One socket held: its descriptor and, for a Unix file, what to remove. */
struct lsock {
	int		 fd;
	char		*file;		/* the socket file bound, or NULL */
	dev_t		 dev;		/* ... and its identity then */
	ino_t		 ino;
};

/* The sockets of one worker or pool. */
struct lset {
	char		*key;		/* the node's or pool's path */
	struct listen_spec *specs;	/* the addresses, as bound */
	size_t		 n;
	struct lsock	*socks;
	int		*fds;		/* socks[i].fd, for listen_fds */
	struct lset	*next;
};

static struct lset	*sets;
static size_t		 nheld;

/* Close socket L, removing its file if it is still the one bound. */
static void
lsock_close(struct lsock *l)
{
	struct stat st;

	if (l->fd != -1) {
		close(l->fd);
		nheld--;
	}
	if (l->file != NULL && lstat(l->file, &st) == 0 &&
	    S_ISSOCK(st.st_mode) && st.st_dev == l->dev &&
	    st.st_ino == l->ino)
		(void)unlink(l->file);
	free(l->file);
	l->fd = -1;
	l->file = NULL;
}

/* Close and free set S (unlinked by the caller). */
static void
lset_free(struct lset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		lsock_close(&s->socks[i]);
		listen_spec_free(&s->specs[i]);
	}
	free(s->specs);
	free(s->socks);
	free(s->fds);
	free(s->key);
	free(s);
}

/*
 * A socket file PATH left by an earlier run, which nothing listens on any
 * more: removed, so that bind can make it again. 0, or -1 with errno
 * (EADDRINUSE: something answers there, or it is not a socket).
 */
static int
unix_stale(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = EADDRINUSE;
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, len);
	close(fd);
	if (rc == -1 && errno == ECONNREFUSED)
		return unlink(path);
	errno = EADDRINUSE;
	return -1;
}

/*
 * Make, bind and listen on L for a worker in directory DIR into *OUT: 0,
 * or -1 with *ERR ("listen ADDR: why") and *SCARCE.
 */
static int
lsock_open(const struct listen_spec *l, const char *dir, struct lsock *out,
    char **err, bool *scarce)
{
	union {
		struct sockaddr		sa;
		struct sockaddr_in	in;
		struct sockaddr_in6	in6;
		struct sockaddr_un	un;
	} a;
	socklen_t len;
	const char *what = "socket";
	char *file = NULL;
	struct stat st;
	int fd = -1, one = 1, family;

	memset(&a, 0, sizeof a);
	memset(out, 0, sizeof *out);
	out->fd = -1;
	if (l->kind == LISTEN_TCP) {
		family = l->family;
		if (family == AF_INET) {
			a.in.sin_family = AF_INET;
			a.in.sin_port = htons((uint16_t)l->port);
			memcpy(&a.in.sin_addr, l->ip, 4);
			len = sizeof a.in;
		} else {
			a.in6.sin6_family = AF_INET6;
			a.in6.sin6_port = htons((uint16_t)l->port);
			memcpy(&a.in6.sin6_addr, l->ip, 16);
			len = sizeof a.in6;
		}
	} else {
		family = AF_UNIX;
		a.un.sun_family = AF_UNIX;
		if (l->path[0] == '@') {
			/* Abstract: a NUL, then the name; no file. */
			memcpy(a.un.sun_path + 1, l->path + 1,
			    strlen(l->path + 1));
			len = (socklen_t)(offsetof(struct sockaddr_un,
			    sun_path) + strlen(l->path));
		} else {
			file = l->path[0] == '/' || dir == NULL ?
			    xstrdup(l->path) : xasprintf("%s/%s", dir,
			    l->path);
			if (strlen(file) >= sizeof a.un.sun_path) {
				errno = ENAMETOOLONG;
				what = "bind";
				goto fail;
			}
			memcpy(a.un.sun_path, file, strlen(file));
			len = sizeof a.un;
			what = "bind";
			if (unix_stale(file, &a.un, len) == -1)
				goto fail;
		}
	}
	what = "socket";
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	what = "setsockopt";
	if (family != AF_UNIX && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof one) == -1)
		goto fail;
	if (l->reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof one) == -1)
		goto fail;
	what = NULL;
	if (bind(fd, &a.sa, len) == -1)
		goto fail;
	if (file != NULL) {
		what = "chmod";
		if (chmod(file, l->mode_set ? l->mode : 0666) == -1)
			goto fail_file;
		what = "chown";
		if (l->owner != NULL && chown(file, l->uid, l->gid) == -1)
			goto fail_file;
		what = "stat";
		if (lstat(file, &st) == -1)
			goto fail_file;
		out->dev = st.st_dev;
		out->ino = st.st_ino;
	}
	what = "listen";
	if (listen(fd, l->backlog) == -1)
		goto fail_file;
	out->fd = fd;
	out->file = file;
	nheld++;
	return 0;
fail_file:
	(void)unlink(file);
fail:
	*scarce = errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
	    errno == ENOMEM;
	*err = what != NULL ? xasprintf("listen %s: %s: %s", l->addr, what,
	    strerror(errno)) : xasprintf("listen %s: %s", l->addr,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	free(file);
	return -1;
}

/*
 * One socket for another part of arbord (the HTTP endpoint): bound and
 * listening, not held under any key. 0 with *FD and *FILE (a Unix
 * socket's file, or NULL), or -1 with *ERR.
 */
int
listen_open(const struct listen_spec *l, int *fd, char **file, char **err)
{
	struct lsock s;
	bool scarce;

	if (lsock_open(l, NULL, &s, err, &scarce) == -1)
		return -1;
	nheld--;
	*fd = s.fd;
	*file = s.file;
	return 0;
}

/* The set held under KEY, its link in *PREV; NULL if none. */
static struct lset *
lset_find(const char *key, struct lset ***prev)
{
	struct lset **pp;

	for (pp = &sets; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->key, key) == 0) {
			if (prev != NULL)
				*prev = pp;
			return *pp;
		}
	return NULL;
}

/* Do the addresses of S match those of set L? */
static bool
lset_matches(const struct lset *l, const struct node_spec *s)
{
	if (l->n != s->nlisten)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (!listen_spec_equal(&l->specs[i], &s->listen[i]))
			return false;
	return true;
}

/* See listen.h. */
int
listen_fds(const char *key, const struct node_spec *s, const int **fds,
    char **err, bool *scarce)
{
	struct lset *l, **prev;

	*err = NULL;
	*scarce = false;
	if ((l = lset_find(key, &prev)) != NULL) {
		if (lset_matches(l, s)) {
			*fds = l->fds;
			return 0;
		}
		/* Other addresses (a reload not swept yet): bind anew. */
		*prev = l->next;
		lset_free(l);
	}
	l = xcalloc(1, sizeof *l);
	l->key = xstrdup(key);
	l->specs = xcalloc(s->nlisten, sizeof *l->specs);
	l->socks = xcalloc(s->nlisten, sizeof *l->socks);
	l->fds = xcalloc(s->nlisten, sizeof *l->fds);
	for (size_t i = 0; i < s->nlisten; i++) {
		if (lsock_open(&s->listen[i], s->directory, &l->socks[i], err,
		    scarce) == -1) {
			lset_free(l);
			return -1;
		}
		listen_spec_copy(&l->specs[i], &s->listen[i]);
		l->fds[i] = l->socks[i].fd;
		l->n++;
	}
	l->next = sets;
	sets = l;
	*fds = l->fds;
	return 0;
}

/* See listen.h. */
void
listen_sweep(bool (*keep)(const char *, const struct listen_spec *, size_t,
    void *), void *arg)
{
	struct lset **pp = &sets, *l;

	while ((l = *pp) != NULL) {
		if (keep(l->key, l->specs, l->n, arg)) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		lset_free(l);
	}
}

/* See listen.h. */
void
listen_close_all(void)
{
	struct lset *l;

	while ((l = sets) != NULL) {
		sets = l->next;
		lset_free(l);
	}
}

/* See listen.h. */
size_t
listen_held(void)
{
	return nheld;
}

/*
 * Re-exec (reexec.c): an HR_FD record per set of sockets held: the key,
 * and each socket's descriptor (kept open across the exec) and file.
 */
void
listen_export(struct handoff_w *w)
{
	for (struct lset *l = sets; l != NULL; l = l->next) {
		handoff_begin(w, HR_FD);
		handoff_u32(w, REEXEC_FD_LISTEN);
		handoff_str(w, l->key);
		handoff_u32(w, (uint32_t)l->n);
		for (size_t i = 0; i < l->n; i++) {
			handoff_u32(w, (uint32_t)l->socks[i].fd);
			handoff_str(w, l->socks[i].file);
			handoff_i64(w, (int64_t)l->socks[i].dev);
			handoff_i64(w, (int64_t)l->socks[i].ino);
			reexec_keep(l->socks[i].fd);
		}
		handoff_end(w);
	}
}

/*
 * The new binary holds again the sockets of an HR_FD record (R after its
 * kind), for the addresses of S (the node or pool of its key): 0, or -1
 * with *err (the sockets are the configuration's no more).
 */
int
listen_adopt(struct handoff_r *r, const struct config *conf, char **err)
{
	char *key = handoff_get_str(r);
	uint32_t n = handoff_get_u32(r);
	const struct node_spec *s;
	struct lset *l;
	int fd;

	*err = NULL;
	if (key == NULL || r->bad || (s = config_find(conf, key)) == NULL ||
	    s->nlisten != n) {
		*err = xasprintf("held sockets of %s: not those of the "
		    "configuration", key != NULL ? key : "(bad)");
		free(key);
		return -1;
	}
	l = xcalloc(1, sizeof *l);
	l->key = key;
	l->specs = xcalloc(n, sizeof *l->specs);
	l->socks = xcalloc(n, sizeof *l->socks);
	l->fds = xcalloc(n, sizeof *l->fds);
	for (uint32_t i = 0; i < n; i++) {
		fd = (int)handoff_get_u32(r);
		l->socks[i].file = handoff_get_str(r);
		l->socks[i].dev = (dev_t)handoff_get_i64(r);
		l->socks[i].ino = (ino_t)handoff_get_i64(r);
		if (r->bad || fcntl(fd, F_GETFD) == -1) {
			free(l->socks[i].file);
			lset_free(l);
			*err = xasprintf("held sockets of %s: descriptor %d "
			    "not handed over", s->path, fd);
			return -1;
		}
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		l->socks[i].fd = l->fds[i] = fd;
		listen_spec_copy(&l->specs[i], &s->listen[i]);
		l->n++;
		nheld++;
	}
	l->next = sets;
	sets = l;
	return 0;
}
