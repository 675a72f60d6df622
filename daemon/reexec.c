/*
 * reexec.c: arbord re-executes itself and keeps every worker (arborctl
 * reexec [--binary PATH] [--reload], SIGUSR2), as systemd does with
 * daemon-reexec: the same pid execs the new binary, which stays the
 * parent of every worker and takes the state over.
 *
 * The old binary first makes sure it can, as a job beside the loop (one
 * at a time): the tree and the daemon have nothing in flight that is not
 * handed off yet (tree_handoff_refusal, supervise_handoff_refusal say
 * which node and why; waited for, at most REEXEC_SETTLE_MS), and the new
 * binary answers `--handoff-check` with the format version this one
 * writes (a child the loop watches, killed after HANDOFF_CHECK_MS).
 * Then, in one go, it writes the handoff (lib/handoff.c)
 * into a memfd: how it runs, the texts of the configuration (the new
 * binary parses exactly what the old one did, not the files as they are
 * now), every node's state, every worker's process and output pipes,
 * the cgroups, the control socket and the sockets held, and the client
 * that asked, which the new binary answers. Those descriptors are kept
 * open across the exec (their close-on-exec flag cleared just before it);
 * everything else closes. If execve fails, the flags are set again, the
 * spawner restarted, and the client told why: nothing else changed.
 *
 * The new binary (arbord --handoff FD, main.c) reads the handoff, loads
 * the configuration from its texts and runs the loop as before, taking
 * over instead of starting (supervise.c: resume_*): exits that happened
 * during the exec are reaped and handled once the loop runs.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "arbord.h"
#include "cgroup.h"
#include "config.h"
#include "detach.h"
#include "handoff.h"
#include "http.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "proto.h"
#include "reexec.h"
#include "spawner.h"
#include "tree.h"

#ifndef ARBOR_VERSION
#define ARBOR_VERSION "0.1.0"
#endif

#define HANDOFF_CHECK_MS	5000	/* for the new binary's answer */
#define REEXEC_SETTLE_MS	10000	/* for what is in flight to end */

extern char **environ;

static char	*read_handoff(int, size_t *, char **);

/* Descriptors to keep open across the exec. */
static int	*keep;
static size_t	 nkeep, keepcap;

/* See reexec.h. */
void
reexec_keep(int fd)
{
	if (fd < 0)
		return;
	if (nkeep == keepcap) {
		keepcap = keepcap ? keepcap * 2 : 64;
		keep = xreallocarray(keep, keepcap, sizeof *keep);
	}
	keep[nkeep++] = fd;
}

/* Set or clear the close-on-exec flag of every descriptor kept. */
static void
keep_cloexec(bool on)
{
	for (size_t i = 0; i < nkeep; i++)
		(void)fcntl(keep[i], F_SETFD, on ? FD_CLOEXEC : 0);
}

/*
 * A handoff's configuration texts (HR_CONFIG at R) into *TEXTS (grown,
 * *N of them).
 */
static void
texts_add(struct handoff_r *r, struct config_text **texts, size_t *n)
{
	const void *p;
	size_t plen;

	*texts = xreallocarray(*texts, *n + 1, sizeof **texts);
	memset(&(*texts)[*n], 0, sizeof **texts);
	(*texts)[*n].name = handoff_get_str(r);
	p = handoff_get_bytes(r, &plen);
	(*texts)[*n].data = xmalloc(plen + 1);
	if (p != NULL)
		memcpy((*texts)[*n].data, p, plen);
	(*texts)[*n].data[plen] = '\0';
	(*texts)[*n].len = plen;
	(*n)++;
}

/* Free N TEXTS. */
static void
texts_release(struct config_text *texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(texts[i].name);
		free(texts[i].data);
	}
	free(texts);
}

/*
 * Would this binary take the state in handoff FD over? NULL if so, or
 * why not: its configuration texts load, its tree imports.
 */
static char *
check_handoff(int fd)
{
	struct config_text *texts = NULL;
	struct errlist errs = { 0 };
	struct handoff_r r;
	struct config *conf = NULL;
	struct tree *t = NULL;
	size_t len = 0, ntexts = 0;
	char *data, *err = NULL, *file = NULL, *state_root = NULL;
	int64_t base = 0;

	if ((data = read_handoff(fd, &len, &err)) == NULL ||
	    handoff_r_init(&r, data, len, &err) == -1)
		goto out;
	while (handoff_next(&r, &err) == 1) {
		if (r.type == HR_META) {
			free(handoff_get_str(&r));
			base = handoff_get_i64(&r);
		} else if (r.type == HR_OPTS && file == NULL) {
			file = handoff_get_str(&r);
			state_root = handoff_get_str(&r);
		} else if (r.type == HR_CONFIG)
			texts_add(&r, &texts, &ntexts);
	}
	if (err != NULL)
		goto out;
	if (file == NULL || state_root == NULL || r.bad) {
		err = xstrdup("no options in the handoff");
		goto out;
	}
	if ((conf = config_load_texts(file, texts, ntexts, &errs)) == NULL) {
		err = xasprintf("the configuration does not load here: %s",
		    errs.msgs.n > 0 ? errs.msgs.v[0] : "?");
		goto out;
	}
	t = tree_new(conf, state_root);
	if (tree_import(t, data, len, base, &err) == -1 && err == NULL)
		err = xstrdup("the tree does not import");
out:
	if (t != NULL)
		tree_free(t);
	config_free(conf);
	errlist_free(&errs);
	texts_release(texts, ntexts);
	free(file);
	free(state_root);
	free(data);
	return err;
}

/*
 * arbord --handoff-check [FD]: the handoff format this binary reads; with
 * FD, a handoff of the state as it is, read as a take-over would (nothing
 * taken): "error: why" on a second line and exit 1 if it could not.
 */
int
reexec_handoff_check(const char *fdarg)
{
	char *end, *why = NULL;
	long fd;

	printf("%d\n", HANDOFF_VERSION);
	if (fdarg != NULL) {
		fd = strtol(fdarg, &end, 10);
		if (*end != '\0' || end == fdarg || fd < 0 || fd > INT_MAX)
			why = xasprintf("bad descriptor %s", fdarg);
		else
			why = check_handoff((int)fd);
	}
	if (why != NULL) {
		/* One line: the old binary says it. */
		why[strcspn(why, "\n")] = '\0';
		printf("error: %s\n", why);
		free(why);
		(void)fflush(stdout);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/*
 * A re-exec asked (arborctl reexec, SIGUSR2) runs as a job of the loop,
 * which goes on meanwhile: it waits for the tree to have nothing in
 * flight that is not handed off (at most REEXEC_SETTLE_MS: a spawn being
 * answered, a rolling restart's overlap), then runs BINARY
 * --handoff-check as a child the loop watches (at most HANDOFF_CHECK_MS;
 * child_cb reaps it, reexec_reaped), looks again, and execs. One job at
 * a time; a job that cannot go on calls its done function with why.
 */
/*
 * SETTLE: waiting for what is in flight; CHECK: the check runs; CHECKED:
 * it passed, the tree must be settled still (the loop ran meanwhile).
 */
enum job_phase { JOB_NONE, JOB_SETTLE, JOB_CHECK, JOB_CHECKED };

static struct {
	enum job_phase	 phase;
	char		*binary;
	bool		 reload;
	int		 reply_fd;
	reexec_done_fn	*done;
	void		*arg;
	int64_t		 settle_until;
	ev_check	 settle;	/* each loop pass while settling */
	ev_timer	 timer;		/* the settle or check deadline */
	/* the --handoff-check child: its stdout, its end */
	pid_t		 pid;
	int		 rfd;
	ev_io		 io;
	char		 out[1024];
	size_t		 len;
	bool		 eof;
	bool		 reaped;
	int		 status;
} job = { .rfd = -1, .reply_fd = -1, .pid = -1 };

/* A check child given up on (killed): reaped quietly. */
static pid_t	stray = -1;

static void	job_try(void);
static void	exec_now(const char *, bool, int, char **);
static int	handoff_write(const char *, bool, int, size_t *, char **);
static const char *own_binary(char *, size_t, char **);

/* The job ends without an exec: tell whoever asked why. */
static void
job_fail(char *err)
{
	reexec_done_fn *done = job.done;
	void *arg = job.arg;

	log_warnx("reexec refused: %s", err);
	ev_check_stop(EV_DEFAULT, &job.settle);
	ev_timer_stop(EV_DEFAULT, &job.timer);
	ev_io_stop(EV_DEFAULT, &job.io);
	if (job.rfd != -1)
		close(job.rfd);
	if (job.pid > 0 && !job.reaped) {
		(void)kill(job.pid, SIGKILL);
		stray = job.pid;
	}
	free(job.binary);
	memset(&job, 0, sizeof job);
	job.rfd = job.reply_fd = job.pid = -1;
	if (done != NULL)
		done(arg, err);
	free(err);
}

/* Why the tree cannot be handed over now (allocated), or NULL. */
static char *
refusal(void)
{
	char *why;

	if ((why = tree_handoff_refusal(supervise_tree())) == NULL)
		why = supervise_handoff_refusal();
	return why;
}

/* The check child answered and ended: judge its answer, go on. */
static void
check_done(void)
{
	int status = job.status;
	long version;
	char *end;

	ev_timer_stop(EV_DEFAULT, &job.timer);
	ev_io_stop(EV_DEFAULT, &job.io);
	close(job.rfd);
	job.rfd = -1;
	job.pid = -1;
	job.out[job.len] = '\0';
	/* "VERSION\nerror: why": it read the state and cannot take it. */
	if ((end = strstr(job.out, "\nerror: ")) != NULL) {
		end[strcspn(end + 1, "\n") + 1] = '\0';
		job_fail(xasprintf("%s cannot take this arbord over: %s",
		    job.binary, end + 8));
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		job_fail(xasprintf("%s --handoff-check failed (%s %d): not an "
		    "arbord that can take over", job.binary,
		    WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) :
		    WTERMSIG(status)));
		return;
	}
	version = strtol(job.out, &end, 10);
	if (end == job.out || (*end != '\n' && *end != '\0')) {
		job_fail(xasprintf("%s --handoff-check answered no version",
		    job.binary));
		return;
	}
	if (version != HANDOFF_VERSION) {
		job_fail(xasprintf("%s reads handoff format version %ld, this "
		    "arbord writes version %d", job.binary, version,
		    HANDOFF_VERSION));
		return;
	}
	/* The loop ran meanwhile: is the tree still settled? */
	job.phase = JOB_CHECKED;
	job_try();
}

/* Read what the check child writes; its end of file. */
static void
check_read(void)
{
	ssize_t n;

	while (job.len < sizeof job.out - 1) {
		n = read(job.rfd, job.out + job.len,
		    sizeof job.out - 1 - job.len);
		if (n > 0) {
			job.len += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			job.eof = true;
		return;		/* EAGAIN: more later */
	}
	job.eof = true;		/* enough: the rest is not an answer */
}

/* libev: the check child's stdout is readable. */
static void
check_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	check_read();
	if (job.eof)
		ev_io_stop(EV_DEFAULT, &job.io);
}

/* libev: the settle or check deadline. */
static void
job_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (job.phase == JOB_CHECK)
		job_fail(xasprintf("%s --handoff-check did not answer within "
		    "%d ms", job.binary, HANDOFF_CHECK_MS));
	else
		job_try();
}

/* libev: a loop pass while settling: is the tree settled now? */
static void
settle_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	job_try();
}

/* See reexec.h. */
bool
reexec_reaped(pid_t pid, int status)
{
	if (pid == stray) {
		stray = -1;
		return true;
	}
	if (job.phase != JOB_CHECK || pid != job.pid || job.reaped)
		return false;
	job.reaped = true;
	job.status = status;
	/* What it wrote before it ended is in the pipe. */
	check_read();
	check_done();
	return true;
}

/* Start BINARY --handoff-check, watched by the loop; -1 with *err. */
static int
check_start(char **err)
{
	char fdarg[16];
	int p[2], memfd;
	size_t len;
	pid_t pid;

	if (access(job.binary, X_OK) == -1) {
		*err = xasprintf("%s: %s", job.binary, strerror(errno));
		return -1;
	}
	/* The state as it is now: the new binary reads it, takes nothing. */
	if ((memfd = handoff_write(job.binary, job.reload, -1, &len,
	    err)) == -1)
		return -1;
	snprintf(fdarg, sizeof fdarg, "%d", memfd);
	if (pipe2(p, O_CLOEXEC) == -1) {
		*err = xasprintf("pipe: %s", strerror(errno));
		close(memfd);
		return -1;
	}
	if ((pid = fork()) == -1) {
		*err = xasprintf("fork: %s", strerror(errno));
		close(memfd);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { job.binary, (char *)"--handoff-check", fdarg,
		    NULL };
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(p[1], STDOUT_FILENO) == -1 || null == -1 ||
		    dup2(null, STDIN_FILENO) == -1 ||
		    dup2(null, STDERR_FILENO) == -1)
			_exit(127);
		execv(job.binary, argv);
		_exit(127);
	}
	close(p[1]);
	close(memfd);
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	job.phase = JOB_CHECK;
	job.pid = pid;
	job.rfd = p[0];
	job.len = 0;
	job.eof = job.reaped = false;
	ev_io_init(&job.io, check_io_cb, p[0], EV_READ);
	ev_io_start(EV_DEFAULT, &job.io);
	ev_timer_stop(EV_DEFAULT, &job.timer);
	ev_timer_set(&job.timer, HANDOFF_CHECK_MS / 1000.0, 0.);
	ev_timer_start(EV_DEFAULT, &job.timer);
	return 0;
}

/*
 * Settling: if the tree is settled, the check (first time) or the exec
 * (once the check passed); else wait, until the settle deadline.
 */
static void
job_try(void)
{
	const struct tree *t = supervise_tree();
	char *why, *err = NULL;
	int64_t now = now_ms();

	if (t->finished || t->shutting_down) {
		job_fail(xstrdup("arbord is shutting down"));
		return;
	}
	if ((why = refusal()) != NULL) {
		if (now < job.settle_until) {
			if (!ev_is_active(&job.settle))
				log_info("reexec: waiting for %s, at most %d s",
				    why, (int)((job.settle_until - now + 999) /
				    1000));
			free(why);
			if (!ev_is_active(&job.settle)) {
				ev_check_start(EV_DEFAULT, &job.settle);
				ev_timer_stop(EV_DEFAULT, &job.timer);
				ev_timer_set(&job.timer, (double)(job.settle_until -
				    now) / 1000.0, 0.);
				ev_timer_start(EV_DEFAULT, &job.timer);
			}
			return;
		}
		job_fail(xasprintf("%s; waited %d s for it", why,
		    REEXEC_SETTLE_MS / 1000));
		free(why);
		return;
	}
	ev_check_stop(EV_DEFAULT, &job.settle);
	ev_timer_stop(EV_DEFAULT, &job.timer);
	if (job.phase != JOB_CHECKED) {
		if (check_start(&err) == -1)
			job_fail(err);
		return;
	}
	exec_now(job.binary, job.reload, job.reply_fd, &err);
	job_fail(err);
}

/* See reexec.h. */
int
reexec_request(const char *binary, bool reload, int reply_fd,
    reexec_done_fn *done, void *arg, char **err)
{
	char exe[PATH_MAX];
	const struct tree *t = supervise_tree();

	*err = NULL;
	if (job.phase != JOB_NONE) {
		*err = xstrdup("a reexec is under way already");
		return -1;
	}
	if (t->finished || t->shutting_down) {
		*err = xstrdup("arbord is shutting down");
		return -1;
	}
	if (binary == NULL && (binary = own_binary(exe, sizeof exe, err)) ==
	    NULL)
		return -1;
	if (access(binary, X_OK) == -1) {
		*err = xasprintf("%s: %s", binary, strerror(errno));
		return -1;
	}
	job.phase = JOB_SETTLE;
	job.binary = xstrdup(binary);
	job.reload = reload;
	job.reply_fd = reply_fd;
	job.done = done;
	job.arg = arg;
	job.settle_until = now_ms() + REEXEC_SETTLE_MS;
	ev_check_init(&job.settle, settle_cb);
	ev_timer_init(&job.timer, job_timer_cb, 0., 0.);
	job_try();
	return 0;
}

/* See reexec.h. */
void
reexec_cancel(void *arg)
{
	if (job.phase != JOB_NONE && job.arg == arg) {
		job.done = NULL;
		job.arg = NULL;
		job.reply_fd = -1;
	}
}

/* The binary running now (PATH_MAX buffer EXE), or NULL with *err. */
static const char *
own_binary(char *exe, size_t size, char **err)
{
	ssize_t n;
	size_t len;

	if ((n = readlink("/proc/self/exe", exe, size - 1)) <= 0) {
		*err = xasprintf("/proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	exe[n] = '\0';
	/* Replaced on disk (make install): the new file by that name. */
	len = strlen(exe);
	if (len > 10 && strcmp(exe + len - 10, " (deleted)") == 0)
		exe[len - 10] = '\0';
	return exe;
}

/*
 * The whole state, written as a handoff into a memory file (its
 * descriptor, at offset 0, or -1 with *ERR; *LEN its size): for BINARY,
 * to reload then if RELOAD, answering REPLY_FD (-1: none). The
 * descriptors it names are those reexec_keep was given.
 */
static int
handoff_write(const char *binary, bool reload, int reply_fd, size_t *len,
    char **err)
{
	struct handoff_w w;
	int memfd;
	int64_t at;
	size_t off;
	ssize_t n;

	nkeep = 0;
	handoff_w_init(&w);
	handoff_begin(&w, HR_META);
	handoff_str(&w, ARBOR_VERSION);
	/* One time for all: what the new binary measures ages from. */
	at = now_ms();
	handoff_i64(&w, at);
	handoff_bool(&w, reload);
	handoff_str(&w, binary);
	handoff_i64(&w, wall_offset_ms());
	handoff_end(&w);
	supervise_export(&w);
	tree_export(supervise_tree(), &w, at);
	cgroup_export(&w);
	control_export(&w);
	listen_export(&w);
	http_export(&w);
	metrics_export(&w);
	if (reply_fd != -1) {
		handoff_begin(&w, HR_FD);
		handoff_u32(&w, REEXEC_FD_REPLY);
		handoff_u32(&w, (uint32_t)reply_fd);
		handoff_end(&w);
		reexec_keep(reply_fd);
	}
	handoff_finish(&w);
	/* What the new binary would refuse to read is never exec'd. */
	if (w.b.len > HANDOFF_MAX) {
		*err = xasprintf("the handoff would be %zu bytes, more than "
		    "the %u a new arbord reads", w.b.len, HANDOFF_MAX);
		handoff_w_free(&w);
		return -1;
	}
	if ((memfd = memfd_create("arbord-handoff", 0)) == -1) {
		*err = xasprintf("memfd_create: %s", strerror(errno));
		handoff_w_free(&w);
		return -1;
	}
	for (off = 0; off < w.b.len; off += (size_t)n)
		if ((n = write(memfd, w.b.s + off, w.b.len - off)) <= 0) {
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			*err = xasprintf("writing the handoff: %s",
			    n == 0 ? "short write" : strerror(errno));
			close(memfd);
			handoff_w_free(&w);
			return -1;
		}
	handoff_w_free(&w);
	(void)lseek(memfd, 0, SEEK_SET);
	*len = off;
	return memfd;
}

/*
 * Write the handoff and exec BINARY with it, the tree settled and BINARY
 * checked. Returns only if the exec could not happen: *err says why, and
 * nothing changed.
 */
static void
exec_now(const char *binary, bool reload, int reply_fd, char **err)
{
	struct strv env = { 0 };
	char fdarg[16];
	int memfd, saved;
	size_t off;

	*err = NULL;
	if ((memfd = handoff_write(binary, reload, reply_fd, &off, err)) ==
	    -1)
		return;
	snprintf(fdarg, sizeof fdarg, "%d", memfd);

	strv_copy(&env, environ);
	notify_env(&env);
	log_info("re-executing %s (handoff of %zu bytes)", binary, off);
	log_flush(1000);
	control_reexec_notify();
	spawner_stop();
	keep_cloexec(false);
	{
		char *argv[] = { (char *)"arbord", (char *)"--handoff", fdarg,
		    NULL };

		execve(binary, argv, env.v);
	}
	saved = errno;
	keep_cloexec(true);
	close(memfd);
	strv_free(&env);
	supervise_reexec_failed();
	*err = xasprintf("exec %s: %s", binary, strerror(saved));
}

/* See reexec.h. */
int
reexec_find_fd(const void *data, size_t len, enum reexec_fd k, char **path)
{
	struct handoff_r r;
	char *err = NULL;
	int fd = -1;

	if (path != NULL)
		*path = NULL;
	if (handoff_r_init(&r, data, len, &err) == -1) {
		free(err);
		return -1;
	}
	while (handoff_next(&r, &err) == 1)
		if (r.type == HR_FD && handoff_get_u32(&r) == (uint32_t)k) {
			fd = (int)handoff_get_u32(&r);
			if (path != NULL && k == REEXEC_FD_CONTROL)
				*path = handoff_get_str(&r);
			break;
		}
	free(err);
	return r.bad ? -1 : fd;
}

/* See reexec.h. */
void
reexec_resumed(const void *data, size_t len, char **old_version,
    bool *reload, int *reply_fd)
{
	struct handoff_r r;
	char *err = NULL;
	int64_t off;

	*old_version = NULL;
	*reload = false;
	*reply_fd = reexec_find_fd(data, len, REEXEC_FD_REPLY, NULL);
	if (handoff_r_init(&r, data, len, &err) == -1) {
		free(err);
		return;
	}
	while (handoff_next(&r, &err) == 1)
		if (r.type == HR_META) {
			*old_version = handoff_get_str(&r);
			(void)handoff_get_i64(&r);
			*reload = handoff_get_bool(&r);
			free(handoff_get_str(&r));
			off = handoff_get_i64(&r);
			if (!r.bad)
				wall_offset_keep(off);
			break;
		}
	free(err);
}

/* See reexec.h. */
void
reexec_reply(int fd, bool ok, const char *text)
{
	struct buf b = { NULL, 0, 0 };
	const char *f[2] = { ok ? "ok" : "error", text };
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return;
	proto_record(&b, f, text != NULL ? 2 : 1);
	/* A short answer to a client that waits for it: a bounded wait. */
	while (off < b.len && poll(&pfd, 1, 1000) == 1) {
		n = send(fd, b.s + off, b.len - off, MSG_NOSIGNAL);
		if (n <= 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (n > 0)
			off += (size_t)n;
	}
	free(b.s);
	close(fd);
}

/* Read the handoff in memfd FD whole (allocated), or NULL with *err. */
static char *
read_handoff(int fd, size_t *len, char **err)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	char *data;

	if (fstat(fd, &st) == -1 || st.st_size <= 0 ||
	    (uint64_t)st.st_size > HANDOFF_MAX) {
		*err = xasprintf("handoff descriptor %d: %s", fd,
		    errno != 0 ? strerror(errno) : "bad size");
		return NULL;
	}
	data = xmalloc((size_t)st.st_size);
	while (off < (size_t)st.st_size) {
		n = pread(fd, data + off, (size_t)st.st_size - off,
		    (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*err = xasprintf("reading the handoff: %s", n == 0 ?
			    "short" : strerror(errno));
			free(data);
			return NULL;
		}
		off += (size_t)n;
	}
	*len = off;
	return data;
}

/* See reexec.h: arbord --handoff FD. */
int
reexec_main(int fd)
{
	struct supervise_opts o = { 0 };
	struct config_text *texts = NULL;
	struct errlist errs = { 0 };
	struct handoff_r r;
	struct config *conf;
	size_t len = 0, ntexts = 0;
	char *data, *err = NULL, *file = NULL, *state_root = NULL;
	char *socket = NULL, *pidfile = NULL;
	int rc, status;

	if ((data = read_handoff(fd, &len, &err)) == NULL ||
	    handoff_r_init(&r, data, len, &err) == -1)
		fatalx("reexec: %s; the workers keep running, unsupervised",
		    err);
	close(fd);
	while ((rc = handoff_next(&r, &err)) == 1) {
		if (r.type == HR_OPTS) {
			file = handoff_get_str(&r);
			state_root = handoff_get_str(&r);
			socket = handoff_get_str(&r);
			o.event_format = handoff_get_u32(&r) ==
			    EVENT_FORMAT_JSON ? EVENT_FORMAT_JSON :
			    EVENT_FORMAT_TEXT;
			o.event_format_forced = handoff_get_bool(&r);
			o.init = handoff_get_bool(&r);
			o.use_syslog = handoff_get_bool(&r);
			pidfile = handoff_get_str(&r);
			/* The descriptor limit: resume_nofile's. */
			(void)handoff_get_bool(&r);
			(void)handoff_get_i64(&r);
			(void)handoff_get_i64(&r);
			o.socket_forced = handoff_get_bool(&r);
			o.syslog_forced = handoff_get_bool(&r);
		} else if (r.type == HR_CONFIG)
			texts_add(&r, &texts, &ntexts);
		if (r.bad)
			fatalx("reexec: a bad record in the handoff; the "
			    "workers keep running, unsupervised");
	}
	if (rc == -1 || file == NULL || state_root == NULL || socket == NULL)
		fatalx("reexec: %s; the workers keep running, unsupervised",
		    err != NULL ? err : "no options in the handoff");
	log_init(o.use_syslog);
	conf = config_load_texts(file, texts, ntexts, &errs);
	texts_release(texts, ntexts);
	if (conf == NULL) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			log_warnx("%s", errs.msgs.v[i]);
		errlist_free(&errs);
		fatalx("reexec: the configuration handed over does not load; "
		    "the workers keep running, unsupervised");
	}
	if (!o.event_format_forced)
		o.event_format = conf->event_format;
	o.file = file;
	o.state_root = state_root;
	o.socket = socket;
	o.pidfile = pidfile;
	o.handoff = data;
	o.handoff_len = len;
	if (pidfile != NULL)
		(void)detach_pidfile(pidfile);
	status = supervise_run(&o, conf);
	detach_pidfile_remove();
	log_flush(1000);
	free(file);
	free(state_root);
	free(socket);
	free(pidfile);
	free(data);
	return status;
}
