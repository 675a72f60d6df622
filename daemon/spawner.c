/*
 * spawner.c: a small process that starts workers on arbord's behalf.
 *
 * Starting a process copies the starter's descriptor table, and exec then
 * closes every descriptor the child inherited: in arbord, which holds a
 * pipe or two per running worker, both are O(workers) per start, so
 * starting N workers was O(N^2) (10,000 workers took twice as long as
 * 10,000 bare fork+exec). The spawner is arbord's binary exec'd afresh
 * at start-up ("arbord: spawner" in ps): a few descriptors, a tiny
 * heap. Once arbord holds many descriptors (spawn.c draws the line;
 * below it a start from arbord costs less than the hop here), arbord
 * sends it each start over a socketpair (the settings as a
 * flat message, the worker's stdout/stderr/readiness descriptors with
 * SCM_RIGHTS); it clones itself with CLONE_PARENT, so the worker is
 * arbord's child as before (arbord reaps it, signals it, sees its exit),
 * waits until the worker exec'd or failed, and answers with the pid and
 * how far the child got. Like OpenBSD's privilege-separated daemons, the
 * parent keeps the state and the helper does one narrow thing.
 *
 * The spawner dies with arbord (PR_SET_PDEATHSIG, and EOF on the
 * socket). If it cannot be started, or dies, or a start does not fit in
 * a message, arbord starts the process itself (spawn_here) as before.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "log.h"
#include "spawner.h"
#include "util.h"

#define SPAWNER_FD	3		/* the spawner's end, after exec */
#define SPAWNER_MAX	(128 * 1024)	/* largest request */
#define SPAWNER_LIMITS	32		/* resource limits per request */
/* Descriptors per request: stdout, stderr, readiness, listen (253 is
   the kernel's most in one SCM_RIGHTS message). */
#define SPAWNER_FDS	(3 + SPAWN_LISTEN_MAX)

enum { FD_OUT = 1, FD_ERR = 2, FD_EXTRA = 4, ERR_IS_OUT = 8 };

/* A request: this header, NLIMITS limits, then NUL-terminated strings. */
struct wire_req {
	int32_t		nargv, nenv;
	int32_t		has_dir, has_user;
	int64_t		uid, gid;	/* -1: keep */
	int32_t		nlimits;
	int32_t		set_nice, nice, set_umask;
	uint32_t	umask;
	int32_t		extra_target;
	int32_t		fds;		/* FD_* and ERR_IS_OUT */
	int32_t		has_cgroup;
	int32_t		pid_env;	/* spawn_opts' */
	int32_t		pid_env2;
	int32_t		nlisten;	/* descriptors after the others */
};

struct wire_limit {
	int64_t		resource;
	uint64_t	soft, hard;
};

/* The spawner's first message: whether it speaks this arbord's language. */
struct wire_hello {
	uint32_t	magic;
	uint32_t	req_size, rep_size;
	char		version[32];
};

#define SPAWNER_MAGIC	0x61726273u	/* "arbs" */

#ifndef ARBOR_VERSION
#define ARBOR_VERSION "0.1.0"
#endif

struct wire_rep {
	int32_t		pid;
	int32_t		stage, errnum, which;
};

/*
 * How long arbord waits for the spawner to take a request and answer it
 * before it gives up on it (a stopped or stuck spawner): the loop is
 * held that long once, then arbord starts processes itself.
 */
#define SPAWNER_TIMEOUT_MS	500

static int	sock = -1;		/* arbord's end */
static pid_t	spawner_pid = -1;

static void	spawner_lost(const char *);

/* This build's hello. */
static void
hello_fill(struct wire_hello *h)
{
	memset(h, 0, sizeof *h);
	h->magic = SPAWNER_MAGIC;
	h->req_size = sizeof(struct wire_req);
	h->rep_size = sizeof(struct wire_rep);
	snprintf(h->version, sizeof h->version, "%s", ARBOR_VERSION);
}

/*
 * Start the spawner; on any failure arbord simply spawns by itself. The
 * binary is found by the name /proc/self/exe links to (under Valgrind
 * that is arbord, not the tool); if that file is no longer this arbord
 * (replaced by an upgrade), the hello tells.
 */
void
spawner_start(void)
{
	struct timeval tv = { 30, 0 };
	struct wire_hello want, got;
	char exe[4096];
	ssize_t n;
	int sv[2];
	pid_t pid;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return;
	exe[n] = '\0';
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("spawner: socketpair");
		return;
	}
	if ((pid = fork()) == -1) {
		log_warn("spawner: fork");
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		char *argv[] = { (char *)SPAWNER_TITLE, NULL };
		sigset_t none;
		extern char **environ;

		if (sv[1] == SPAWNER_FD ? fcntl(sv[1], F_SETFD, 0) == -1 :
		    dup2(sv[1], SPAWNER_FD) == -1)
			_exit(127);
		(void)syscall(SYS_close_range, SPAWNER_FD + 1, ~0U, 0);
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		execve(exe, argv, environ);
		_exit(127);
	}
	close(sv[1]);
	/* A spawner that hangs is given up on, not waited for forever. */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	sock = sv[0];
	spawner_pid = pid;
	hello_fill(&want);
	while ((n = recv(sock, &got, sizeof got, 0)) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof got || memcmp(&got, &want, sizeof got) != 0) {
		spawner_lost(n == -1 ? strerror(errno) : n == 0 ?
		    "could not start" : "is another version of arbord");
		return;
	}
	/* From now on a request is answered at once, or never. */
	tv.tv_sec = SPAWNER_TIMEOUT_MS / 1000;
	tv.tv_usec = (SPAWNER_TIMEOUT_MS % 1000) * 1000;
	(void)setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	(void)setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Stop the spawner: it exits on EOF. */
void
spawner_stop(void)
{
	if (sock != -1)
		close(sock);
	sock = -1;
	/* Reap it unless the event loop's child watcher already did. */
	if (spawner_pid > 0)
		while (waitpid(spawner_pid, NULL, 0) == -1 && errno == EINTR)
			;
	spawner_pid = -1;
}

/* The spawner is gone or broken: from now on arbord spawns itself. */
static void
spawner_lost(const char *what)
{
	log_warnx("spawner: %s; starting processes in arbord itself", what);
	if (spawner_pid > 0)
		(void)kill(spawner_pid, SIGKILL);
	spawner_stop();
}

/* See spawner.h. */
void
spawner_reaped(pid_t pid, int status)
{
	if (pid != spawner_pid || pid <= 0)
		return;
	spawner_pid = -1;
	spawner_lost(WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
	    "exited");
}

/* Append string S (with its NUL) to the request in BUF; -1: no room. */
static int
put_str(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*len + n > SPAWNER_MAX)
		return -1;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

/* See spawner.h. */
pid_t
spawner_spawn(const struct spawn_opts *o, struct spawn_failure *f)
{
	static char buf[SPAWNER_MAX];
	struct wire_req *rq = (struct wire_req *)(void *)buf;
	struct wire_limit *wl;
	struct wire_rep rep;
	union {
		char		buf[CMSG_SPACE(SPAWNER_FDS * sizeof(int))];
		struct cmsghdr	align;
	} cm;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	int fds[SPAWNER_FDS], nfds = 0;
	size_t len;
	ssize_t n;

	if (sock == -1 || o->nlimits > SPAWNER_LIMITS ||
	    o->nlisten > SPAWN_LISTEN_MAX)
		return -2;
	memset(rq, 0, sizeof *rq);
	len = sizeof *rq + o->nlimits * sizeof *wl;
	wl = (struct wire_limit *)(void *)(buf + sizeof *rq);
	for (size_t i = 0; i < o->nlimits; i++) {
		wl[i].resource = o->limits[i].resource;
		wl[i].soft = o->limits[i].soft;
		wl[i].hard = o->limits[i].hard;
	}
	rq->nlimits = (int32_t)o->nlimits;
	for (char *const *a = o->argv; *a != NULL; a++, rq->nargv++)
		if (put_str(buf, &len, *a) == -1)
			return -2;
	for (char *const *e = o->envp; *e != NULL; e++, rq->nenv++)
		if (put_str(buf, &len, *e) == -1)
			return -2;
	if ((rq->has_dir = o->dir != NULL) && put_str(buf, &len, o->dir) == -1)
		return -2;
	if ((rq->has_user = o->user != NULL) &&
	    put_str(buf, &len, o->user) == -1)
		return -2;
	if ((rq->has_cgroup = o->cgroup != NULL) &&
	    put_str(buf, &len, o->cgroup) == -1)
		return -2;
	rq->uid = o->uid == (uid_t)-1 ? -1 : (int64_t)o->uid;
	rq->gid = o->gid == (gid_t)-1 ? -1 : (int64_t)o->gid;
	rq->set_nice = o->set_nice;
	rq->nice = o->nice;
	rq->set_umask = o->set_umask;
	rq->umask = o->umask;
	rq->extra_target = o->extra_target;
	rq->pid_env = o->pid_env;
	rq->pid_env2 = o->pid_env2;
	if (o->out_fd != -1) {
		rq->fds |= FD_OUT;
		fds[nfds++] = o->out_fd;
	}
	if (o->err_fd != -1 && o->err_fd == o->out_fd)
		rq->fds |= ERR_IS_OUT;
	else if (o->err_fd != -1) {
		rq->fds |= FD_ERR;
		fds[nfds++] = o->err_fd;
	}
	if (o->extra_target > 0 && o->extra_fd != -1) {
		rq->fds |= FD_EXTRA;
		fds[nfds++] = o->extra_fd;
	}
	for (int i = 0; i < o->nlisten; i++)
		fds[nfds++] = o->listen[i];
	rq->nlisten = o->nlisten;

	memset(&msg, 0, sizeof msg);
	iov.iov_base = buf;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cm, 0, sizeof cm);
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	while ((n = sendmsg(sock, &msg, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (n == -1) {
		if (errno == EMSGSIZE)
			return -2;
		spawner_lost(errno == EAGAIN ? "did not take a request within "
		    "500ms" : strerror(errno));
		return -2;
	}
	while ((n = recv(sock, &rep, sizeof rep, 0)) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof rep) {
		/*
		 * Stopped or stuck (SIGSTOP, swapped out): it is killed and
		 * arbord starts processes itself. One stopped while it read
		 * the request has started nothing; one stopped between the
		 * start and its answer leaves a process that is reaped as an
		 * orphan when it ends.
		 */
		spawner_lost(n == -1 && errno == EAGAIN ? "did not answer "
		    "within 500ms" : n == -1 ? strerror(errno) : "no answer");
		return -2;
	}
	f->stage = rep.stage;
	f->errnum = rep.errnum;
	f->which = rep.which;
	return rep.pid;
}

/* In the spawner: the string at *P within END, moved past; NULL: bad. */
static const char *
get_str(const char **p, const char *end)
{
	const char *s = *p, *nul = memchr(s, '\0', (size_t)(end - s));

	if (nul == NULL)
		return NULL;
	*p = nul + 1;
	return s;
}

/* In the spawner: take one request apart and start it; -1: malformed. */
static int
serve(const char *buf, size_t len, int *fds, int nfds, struct wire_rep *rep)
{
	const struct wire_req *rq = (const void *)buf;
	const struct wire_limit *wl;
	struct spawn_limit limits[SPAWNER_LIMITS];
	struct spawn_opts o;
	struct spawn_failure f;
	const char *p, *end = buf + len;
	char **argv = NULL, **envp = NULL;
	int want = 0, k = 0, rc = -1;

	if (len < sizeof *rq || rq->nlimits < 0 ||
	    rq->nlimits > SPAWNER_LIMITS || rq->nargv < 1 || rq->nenv < 0 ||
	    len < sizeof *rq + (size_t)rq->nlimits * sizeof *wl ||
	    (size_t)rq->nargv + (size_t)rq->nenv > len)
		return -1;
	want = !!(rq->fds & FD_OUT) + !!(rq->fds & FD_ERR) +
	    !!(rq->fds & FD_EXTRA);
	if (rq->nlisten < 0 || rq->nlisten > SPAWN_LISTEN_MAX ||
	    want + rq->nlisten != nfds)
		return -1;
	memset(&o, 0, sizeof o);
	wl = (const void *)(buf + sizeof *rq);
	for (int i = 0; i < rq->nlimits; i++) {
		limits[i].resource = (int)wl[i].resource;
		limits[i].name = "";
		limits[i].soft = wl[i].soft;
		limits[i].hard = wl[i].hard;
	}
	p = buf + sizeof *rq + (size_t)rq->nlimits * sizeof *wl;
	argv = xcalloc((size_t)rq->nargv + 1, sizeof *argv);
	envp = xcalloc((size_t)rq->nenv + 1, sizeof *envp);
	for (int i = 0; i < rq->nargv; i++)
		if ((argv[i] = (char *)get_str(&p, end)) == NULL)
			goto out;
	for (int i = 0; i < rq->nenv; i++)
		if ((envp[i] = (char *)get_str(&p, end)) == NULL)
			goto out;
	if (rq->has_dir && (o.dir = get_str(&p, end)) == NULL)
		goto out;
	if (rq->has_user && (o.user = get_str(&p, end)) == NULL)
		goto out;
	if (rq->has_cgroup && (o.cgroup = get_str(&p, end)) == NULL)
		goto out;
	o.argv = argv;
	o.envp = envp;
	o.uid = rq->uid == -1 ? (uid_t)-1 : (uid_t)rq->uid;
	o.gid = rq->gid == -1 ? (gid_t)-1 : (gid_t)rq->gid;
	o.limits = limits;
	o.nlimits = (size_t)rq->nlimits;
	o.set_nice = rq->set_nice;
	o.nice = rq->nice;
	o.set_umask = rq->set_umask;
	o.umask = (mode_t)rq->umask;
	o.out_fd = o.err_fd = o.extra_fd = -1;
	if (rq->fds & FD_OUT)
		o.out_fd = fds[k++];
	if (rq->fds & FD_ERR)
		o.err_fd = fds[k++];
	if (rq->fds & ERR_IS_OUT)
		o.err_fd = o.out_fd;
	if (rq->fds & FD_EXTRA)
		o.extra_fd = fds[k++];
	o.extra_target = rq->extra_target;
	o.listen = fds + k;
	o.nlisten = rq->nlisten;
	if (rq->pid_env < 0 || rq->pid_env > rq->nenv ||
	    rq->pid_env2 < 0 || rq->pid_env2 > rq->nenv)
		goto out;
	o.pid_env = rq->pid_env;
	o.pid_env2 = rq->pid_env2;
	rep->pid = spawn_here(&o, true, &f);
	rep->stage = f.stage;
	rep->errnum = f.errnum;
	rep->which = f.which;
	rc = 0;
out:
	free(argv);
	free(envp);
	return rc;
}

/* See spawner.h. */
void
spawner_main(int fd)
{
	static char buf[SPAWNER_MAX];
	union {
		char		buf[CMSG_SPACE(SPAWNER_FDS * sizeof(int))];
		struct cmsghdr	align;
	} cm;
	static const int quiet[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGPWR, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2 };
	struct wire_hello hello;
	struct wire_rep rep;
	struct cmsghdr *c;
	struct msghdr msg;
	struct iovec iov;
	int fds[SPAWNER_FDS], nfds, null;
	ssize_t n;

	/*
	 * Only arbord may end it: by closing the socket, or by dying (if it
	 * died before this line, the first read below sees EOF).
	 */
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		(void)signal(quiet[i], SIG_IGN);
	(void)signal(SIGPIPE, SIG_IGN);
	hello_fill(&hello);
	if (send(fd, &hello, sizeof hello, MSG_NOSIGNAL) == -1)
		_exit(0);
	/* 0, 1 and 2 exist, so no received descriptor lands there. */
	while ((null = open("/dev/null", O_RDWR)) != -1 && null <= 2)
		;
	if (null > 2)
		close(null);
	for (;;) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = buf;
		iov.iov_len = sizeof buf;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof cm.buf;
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		nfds = 0;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL;
		    c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_RIGHTS) {
				size_t k = (c->cmsg_len - CMSG_LEN(0)) /
				    sizeof(int);
				for (size_t i = 0; i < k; i++) {
					int extra;

					if (nfds < SPAWNER_FDS) {
						memcpy(&fds[nfds++],
						    CMSG_DATA(c) + i *
						    sizeof(int), sizeof(int));
						continue;
					}
					memcpy(&extra, CMSG_DATA(c) + i *
					    sizeof(int), sizeof(int));
					close(extra);
				}
			}
		memset(&rep, 0, sizeof rep);
		if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		    serve(buf, (size_t)n, fds, nfds, &rep) == -1) {
			rep.pid = -1;
			rep.stage = STAGE_FORK;
			rep.errnum = EINVAL;
		}
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (send(fd, &rep, sizeof rep, MSG_NOSIGNAL) == -1)
			_exit(0);
	}
}
