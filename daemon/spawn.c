/*
 * spawn.c: vfork and exec. The child puts itself in a new process group
 * (so a stop signal reaches everything the worker forked), resets the
 * signal mask and dispositions it inherited from the event loop, connects
 * stdin to /dev/null and stdout/stderr to arbord's pipes, changes directory,
 * sets resource limits, nice value and umask (before giving up root, which
 * may raise hard limits and lower the nice value), changes identity, and
 * execs without a shell. A close-on-exec pipe carries a failure back: EOF
 * on it means exec succeeded, so "started" is exact.
 *
 * vfork, not fork: the child borrows arbord's memory until it execs, so
 * no page table is copied and none torn down at exec, and a spawn costs
 * the same whatever arbord's size (fork made starting N workers O(N^2)).
 * The child therefore only makes system calls on its own stack frame and
 * its own descriptor table: all signals are blocked across vfork so no
 * arbord handler can run in it, it resets every disposition before
 * unblocking, and it never returns or touches arbord's globals (the
 * environment goes to execvpe, not to environ). Only a worker with a
 * `user`, whose initgroups may read files and allocate through NSS, is
 * forked.
 *
 * Where it runs: in arbord itself while arbord holds few descriptors,
 * else in the spawner (spawner.c), a small process that clones itself
 * with CLONE_PARENT so the child is arbord's. Starting from arbord copies
 * arbord's descriptor table up to its highest open descriptor and exec
 * then closes them all, a cost that grows with the number of running
 * workers; the spawner's hop costs two process wakeups whatever that
 * number. spawn() picks by the highest descriptor arbord holds (see
 * SPAWN_HERE_BELOW), and arbord also runs it itself when there is no
 * spawner.
 *
 * Its cgroup (cgroup.c): a child that is forked or cloned (the spawner's,
 * a worker with a `user`) is created in it by clone3's CLONE_INTO_CGROUP
 * where the kernel has it (5.7); otherwise, and always after vfork (which
 * clone3 cannot do without a stack of its own), the child writes itself
 * to the cgroup's cgroup.procs first thing, before it can fork: either
 * way nothing the worker starts is ever outside.
 *
 * spawn() departs from the daemon's error convention on purpose: a child
 * that failed before exec (chdir, setuid, exec itself) is still a child,
 * so its pid is returned for reaping together with the error saying why.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/close_range.h>
#include <linux/sched.h>

#include "log.h"
#include "spawn.h"
#include "spawner.h"
#include "util.h"

/*
 * Start in arbord itself while its highest open descriptor is below this,
 * through the spawner from there on. What a start from arbord costs
 * beyond one from the spawner is the kernel's copy of the descriptor
 * table (dup_fd: one step per slot up to the highest open descriptor, a
 * reference taken on each open one) and exec's close of each of them,
 * about 100 ns per descriptor in arbord (10,000 starts, one pipe each:
 * 15.2 s in arbord, 9.9 s through the spawner; 8 ns per descriptor at
 * best, hot in cache). The spawner's hop costs two process wakeups and
 * a round trip on its socket, 0.2-0.25 ms on a quiet machine (1.27x of
 * a 1 ms fork+exec against 1.01x in arbord), more on a loaded one, where
 * starting in arbord stayed faster even at 16,000 descriptors
 * (bench/spawnfds, BENCHMARKS.md). 2,048 descriptors, 0.2 ms, is where
 * the two cost the same on a quiet machine: about 1,000 workers with two
 * pipes each (2,000 with stderr = stdout). Workers with a `user` always
 * go through the spawner when there is one: in arbord they are forked,
 * which copies arbord's page tables, not only its descriptors.
 * ARBOR_SPAWNER_THRESHOLD in arbord's environment replaces the number,
 * for tests and measurements (0: always through the spawner).
 */
#define SPAWN_HERE_BELOW	2048

/* Set once clone3 with CLONE_INTO_CGROUP turned out not to work here. */
static int	no_clone3;

static int	spawn_fd_high = 2;	/* descriptors above are not open */
static int	spawn_threshold = -1;	/* SPAWN_HERE_BELOW, or from env */

/* Note that descriptor FD is open (raise the watermark). */
static void
spawn_saw_fd(int fd)
{
	if (fd > spawn_fd_high)
		spawn_fd_high = fd;
}

/*
 * The highest descriptor arbord holds, or a little above: a watermark
 * raised by every pipe made for a start (a new descriptor is the lowest
 * free one, so anything else arbord opened is below it unless opened
 * while every lower slot was taken) and lowered past closed ones by a
 * bounded probe per start, amortized one fcntl per descriptor ever made:
 * no scan of /proc per start.
 */
static int
spawn_fd_watermark(void)
{
	for (int i = 0; i < 64 && spawn_fd_high > 2 &&
	    fcntl(spawn_fd_high, F_GETFD) == -1; i++)
		spawn_fd_high--;
	return spawn_fd_high;
}

/* Whether to start O through the spawner rather than in arbord. */
static bool
spawn_via_spawner(const struct spawn_opts *o)
{
	const char *e;
	char *end;
	long v;

	if (spawn_threshold == -1) {
		spawn_threshold = SPAWN_HERE_BELOW;
		if ((e = getenv("ARBOR_SPAWNER_THRESHOLD")) != NULL &&
		    *e != '\0') {
			errno = 0;
			v = strtol(e, &end, 10);
			if (errno == 0 && *end == '\0' && v >= 0 &&
			    v <= 1 << 30)
				spawn_threshold = (int)v;
		}
	}
	spawn_saw_fd(o->out_fd);
	spawn_saw_fd(o->err_fd);
	spawn_saw_fd(o->extra_fd);
	for (int i = 0; i < o->nlisten; i++)
		spawn_saw_fd(o->listen[i]);
	return o->user != NULL || spawn_fd_watermark() >= spawn_threshold;
}

/* A pipe whose read end is non-blocking; both ends close-on-exec. */
int
spawn_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	spawn_saw_fd(fds[0]);
	spawn_saw_fd(fds[1]);
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	return 0;
}

/* In the child: report STAGE, WHICH and errno to the parent and exit. */
static void __attribute__((noreturn))
child_fail_which(int fd, int stage, int which)
{
	struct spawn_failure f = { stage, errno, which };

	(void)!write(fd, &f, sizeof f);
	_exit(127);
}

/* In the child: report STAGE and errno to the parent and exit. */
static void __attribute__((noreturn))
child_fail(int fd, int stage)
{
	struct spawn_failure f = { stage, errno, 0 };

	(void)!write(fd, &f, sizeof f);
	_exit(127);
}

/*
 * In the child: mark every descriptor from LOW up close-on-exec (also
 * those arbord inherited from its own parent), keeping the report pipe
 * open until exec.
 */
static void
close_from(int low)
{
	long max;

	if (syscall(SYS_close_range, (unsigned)low, ~0U,
	    CLOSE_RANGE_CLOEXEC) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	for (long fd = low; fd < (max > 0 ? max : 1024); fd++)
		(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

/* In the child: make FD become TARGET (or /dev/null if FD is -1). */
static int
child_fd(int fd, int target, int flags)
{
	if (fd == -1) {
		fd = open("/dev/null", flags | O_CLOEXEC);
		if (fd == -1)
			return -1;
	}
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) == -1 ? -1 : 0;
}

/*
 * In the child: write its own pid into the value of ENTRY ("NAME=" and
 * room), which is its own memory or, after vfork, arbord's copy of the
 * environment, thrown away after the start. No allocation.
 */
static void
child_pid_env(char *entry)
{
	char digits[16], *v = strchr(entry, '=');
	long pid = (long)getpid();
	size_t k = 0;

	if (v == NULL || strlen(v + 1) < sizeof SPAWN_PID_ROOM - 1)
		return;
	v++;
	do
		digits[k++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0 && k < sizeof digits);
	while (k > 0)
		*v++ = digits[--k];
	*v = '\0';
}

/*
 * In the child: the listening sockets to 3, 4 ... and the readiness
 * descriptor to its target (above them: config.c sees to it). Each is
 * first copied above every target, so that none is overwritten before
 * it is moved; the copies are close-on-exec. No allocation.
 */
static void
child_listen(const struct spawn_opts *o, int report)
{
	int high[SPAWN_LISTEN_MAX], extra = -1, base, n = o->nlisten;

	if (n > SPAWN_LISTEN_MAX) {
		errno = EINVAL;
		child_fail(report, STAGE_SETUP);
	}
	base = 3 + n;
	if (o->extra_target >= base)
		base = o->extra_target + 1;
	for (int i = 0; i < n; i++)
		if ((high[i] = fcntl(o->listen[i], F_DUPFD_CLOEXEC, base)) ==
		    -1)
			child_fail(report, STAGE_SETUP);
	if (o->extra_target > 0 && o->extra_fd != -1 &&
	    (extra = fcntl(o->extra_fd, F_DUPFD_CLOEXEC, base)) == -1)
		child_fail(report, STAGE_SETUP);
	for (int i = 0; i < n; i++)
		if (dup2(high[i], 3 + i) == -1)
			child_fail(report, STAGE_SETUP);
	if (o->extra_target > 0 &&
	    child_fd(extra, o->extra_target, O_WRONLY) == -1)
		child_fail(report, STAGE_SETUP);
}

/* In the child: everything between fork and exec. Never returns. */
static void __attribute__((noreturn))
child(const struct spawn_opts *o, int report, const char *procs)
{
	struct rlimit rl;
	sigset_t all;
	int fd;

	/* Into its cgroup, unless clone3 created it there (PROCS NULL). */
	if (procs != NULL) {
		if ((fd = open(procs, O_WRONLY | O_CLOEXEC)) == -1 ||
		    write(fd, "0", 1) != 1)
			child_fail(report, STAGE_CGROUP);
		close(fd);
	}
	if (setpgid(0, 0) == -1)
		child_fail(report, STAGE_SETUP);
	/* Nothing of arbord's but 0, 1 and 2 crosses exec. */
	close_from(3);
	for (int sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) == -1)
		child_fail(report, STAGE_SETUP);
	if (child_fd(-1, STDIN_FILENO, O_RDONLY) == -1 ||
	    child_fd(o->out_fd, STDOUT_FILENO, O_WRONLY) == -1 ||
	    child_fd(o->err_fd, STDERR_FILENO, O_WRONLY) == -1)
		child_fail(report, STAGE_SETUP);
	if (o->nlisten > 0)
		child_listen(o, report);
	else if (o->extra_target > 0 &&
	    child_fd(o->extra_fd, o->extra_target, O_WRONLY) == -1)
		child_fail(report, STAGE_SETUP);
	if (o->dir != NULL && chdir(o->dir) == -1)
		child_fail(report, STAGE_CHDIR);
	for (size_t i = 0; i < o->nlimits; i++) {
		rl.rlim_cur = o->limits[i].soft;
		rl.rlim_max = o->limits[i].hard;
		if (setrlimit(o->limits[i].resource, &rl) == -1)
			child_fail_which(report, STAGE_RLIMIT, (int)i);
	}
	if (o->set_nice && setpriority(PRIO_PROCESS, 0, o->nice) == -1)
		child_fail(report, STAGE_NICE);
	if (o->set_umask)
		(void)umask(o->umask);
	if (o->gid != (gid_t)-1) {
		if (o->user != NULL ? initgroups(o->user, o->gid) == -1 :
		    setgroups(1, &o->gid) == -1)
			child_fail(report, STAGE_GROUPS);
		if (setgid(o->gid) == -1)
			child_fail(report, STAGE_SETGID);
	}
	if (o->uid != (uid_t)-1 && setuid(o->uid) == -1)
		child_fail(report, STAGE_SETUID);
	if (o->pid_env > 0)
		child_pid_env(o->envp[o->pid_env - 1]);
	if (o->pid_env2 > 0)
		child_pid_env(o->envp[o->pid_env2 - 1]);
	execvpe(o->argv[0], o->argv, o->envp);
	child_fail(report, STAGE_EXEC);
}

/* Describe a failure the child reported; see spawn.h. */
char *
spawn_failure_message(const struct spawn_opts *o, const struct spawn_failure *f)
{
	const char *e = strerror(f->errnum);

	switch (f->stage) {
	case STAGE_PIPE:
		return xasprintf("pipe: %s", e);
	case STAGE_FORK:
		return xasprintf("fork: %s", e);
	case STAGE_LOST:
		return xasprintf("exec %s: lost track of the child",
		    o->argv[0]);
	case STAGE_CHDIR:
		return xasprintf("chdir %s: %s", o->dir, e);
	case STAGE_CGROUP:
		return xasprintf("joining cgroup %s: %s", o->cgroup, e);
	case STAGE_RLIMIT:
		if (f->which < 0 || (size_t)f->which >= o->nlimits)
			return xasprintf("setrlimit: %s", e);
		return xasprintf("setrlimit %s: %s", o->limits[f->which].name,
		    e);
	case STAGE_NICE:
		return xasprintf("setpriority %d: %s", o->nice, e);
	case STAGE_GROUPS:
		return xasprintf("setgroups: %s", e);
	case STAGE_SETGID:
		return xasprintf("setgid %ld: %s", (long)o->gid, e);
	case STAGE_SETUID:
		return xasprintf("setuid %ld: %s", (long)o->uid, e);
	case STAGE_EXEC:
		return xasprintf("exec %s: %s", o->argv[0], e);
	default:
		return xasprintf("preparing the process: %s", e);
	}
}

/*
 * A fork-like clone straight into cgroup CGFD: with CLONE_PARENT and
 * CLONE_VFORK in the spawner (AS_SIBLING). -1 with errno if clone3 or
 * CLONE_INTO_CGROUP is not there (ENOSYS, E2BIG, EINVAL) or fails.
 */
static pid_t
clone_into(int cgfd, bool as_sibling)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_INTO_CGROUP | (as_sibling ? CLONE_PARENT |
	    CLONE_VFORK : 0);
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cgfd;
	return (pid_t)syscall(SYS_clone3, &ca, sizeof ca);
}

/*
 * Start the child: vfork unless it must allocate (see the top). In the
 * spawner (AS_SIBLING), a copy of the spawner whose parent is arbord.
 * In a cgroup: cloned into it where that is a fork anyway, else the
 * child joins it through PROCS.
 */
static pid_t
start_child(const struct spawn_opts *o, int report[2], bool as_sibling,
    int cgfd, const char *procs)
{
	pid_t pid = -1;

	if (cgfd != -1 && (as_sibling || o->user != NULL) && !no_clone3) {
		pid = clone_into(cgfd, as_sibling);
		if (pid == 0) {
			close(report[0]);
			child(o, report[1], NULL);
		}
		if (pid != -1)
			return pid;
		if (errno == ENOSYS || errno == E2BIG || errno == EINVAL)
			no_clone3 = 1;
		else
			return -1;
	}
	if (as_sibling)
		pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | CLONE_VFORK |
		    SIGCHLD, NULL, NULL, NULL, 0);
	else if (o->user != NULL)
		pid = fork();
	else
		pid = vfork();
	if (pid == 0) {
		close(report[0]);
		child(o, report[1], procs);
	}
	return pid;
}

/* Start the process O describes, here; see spawn.h. */
pid_t
spawn_here(const struct spawn_opts *o, bool as_sibling,
    struct spawn_failure *f)
{
	sigset_t all, old;
	int report[2], saved, cgfd = -1;
	char procs[PATH_MAX];
	ssize_t n;
	pid_t pid;

	memset(f, 0, sizeof *f);
	if (o->cgroup != NULL) {
		if ((size_t)snprintf(procs, sizeof procs, "%s/cgroup.procs",
		    o->cgroup) >= sizeof procs) {
			f->stage = STAGE_CGROUP;
			f->errnum = ENAMETOOLONG;
			return -1;
		}
		if ((as_sibling || o->user != NULL) && !no_clone3)
			cgfd = open(o->cgroup, O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC);
	}
	if (pipe2(report, O_CLOEXEC) == -1) {
		f->stage = STAGE_PIPE;
		f->errnum = errno;
		if (cgfd != -1)
			close(cgfd);
		return -1;
	}
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	pid = start_child(o, report, as_sibling, cgfd,
	    o->cgroup != NULL ? procs : NULL);
	saved = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (cgfd != -1)
		close(cgfd);
	if (pid == -1) {
		f->stage = STAGE_FORK;
		f->errnum = saved;
		close(report[0]);
		close(report[1]);
		return -1;
	}
	close(report[1]);
	/* Also set the group from here, so a signal can't race the child. */
	if (!as_sibling)
		(void)setpgid(pid, pid);
	do
		n = read(report[0], f, sizeof *f);
	while (n == -1 && errno == EINTR);
	close(report[0]);
	if (n == 0)
		f->stage = STAGE_NONE;
	else if (n != (ssize_t)sizeof *f) {
		f->stage = STAGE_LOST;
		f->errnum = 0;
	}
	return pid;
}

/* Start a process as O says, here or through the spawner (see above). */
pid_t
spawn(const struct spawn_opts *o, char **err, bool *scarce)
{
	struct spawn_failure f;
	pid_t pid;

	*err = NULL;
	if (!spawn_via_spawner(o) || (pid = spawner_spawn(o, &f)) == -2)
		pid = spawn_here(o, false, &f);
	if (f.stage != STAGE_NONE)
		*err = spawn_failure_message(o, &f);
	if (scarce != NULL)
		*scarce = (f.stage == STAGE_PIPE || f.stage == STAGE_FORK) &&
		    (f.errnum == EMFILE || f.errnum == ENFILE ||
		    f.errnum == EAGAIN || f.errnum == ENOMEM);
	return pid;
}
