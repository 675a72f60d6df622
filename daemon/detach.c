/*
 * detach.c: arbord as a classic Unix daemon. With -d it forks, the child
 * starts a new session and forks again (so the daemon can never regain a
 * controlling terminal), and the daemon changes to / with stdin on
 * /dev/null. The original process waits on a pipe: the daemon writes one
 * byte when the tree has started (0, the parent exits 0, the control
 * socket is listening by then) or when it gives up before that (its exit
 * status); EOF means it died. Until it is ready the daemon keeps the
 * caller's stdout and stderr, so start-up errors reach whoever ran
 * `arbord -d`; then they become /dev/null.
 *
 * The pidfile (-p) is written after detaching, atomically (a temporary
 * file renamed into place), and removed at exit if it still holds
 * arbord's pid. A pidfile naming a live arbord is not overwritten.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbord.h"
#include "detach.h"
#include "log.h"
#include "statedir.h"

static int	 ready_fd = -1;	/* the daemon's end of the pipe */
static char	*pidfile;	/* written by us, NULL if none */
static pid_t	 pidfile_pid;

/* In the original process: wait for the daemon's verdict and exit. */
static void __attribute__((noreturn))
detach_wait(int fd, pid_t child)
{
	unsigned char status;
	ssize_t n;

	/* The intermediate child exits as soon as it has forked. */
	while (waitpid(child, NULL, 0) == -1 && errno == EINTR)
		;
	do
		n = read(fd, &status, 1);
	while (n == -1 && errno == EINTR);
	if (n == 1)
		_exit(status);
	fputs("arbord: the daemon exited before the tree had started\n",
	    stderr);
	_exit(ARBORD_EXIT_CONFIG);
}

/* Fork twice and start a new session; see detach.h. */
void
detach_start(void)
{
	int p[2], fd;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		detach_wait(p[0], pid);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	ready_fd = p[1];
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null");
	if (dup2(fd, STDIN_FILENO) == -1)
		fatal("dup2");
	close(fd);
}

/* Write STATUS to the waiting parent and close the pipe. */
static void
detach_report(unsigned char status)
{
	ssize_t n;

	do
		n = write(ready_fd, &status, 1);
	while (n == -1 && errno == EINTR);
	close(ready_fd);
	ready_fd = -1;
}

/* The tree is up: let the waiting parent exit 0; stdout, stderr go. */
void
detach_ready(void)
{
	int fd;

	if (ready_fd == -1)
		return;
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(fd, STDOUT_FILENO) == -1 || dup2(fd, STDERR_FILENO) == -1)
		log_warn("/dev/null");
	if (fd != -1)
		close(fd);
	detach_report(0);
}

/* The daemon exits with STATUS before it was ready: pass it on. */
void
detach_failed(int status)
{
	if (ready_fd == -1)
		return;
	/* Stopped before the tree was up is not a success either. */
	detach_report(status != ARBORD_EXIT_OK ? (unsigned char)status :
	    ARBORD_EXIT_CONFIG);
}

/* The pid in pidfile PATH, or 0 if there is none. */
static pid_t
detach_pidfile_read(const char *path)
{
	char buf[32], *end;
	ssize_t n;
	long pid;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || (pid_t)pid != pid)
		return 0;
	return (pid_t)pid;
}

/* Is PID a live arbord (other than this one)? */
static int
pid_is_arbord(pid_t pid)
{
	char *path, comm[64];
	ssize_t n;
	int fd;

	if (pid == getpid() || (kill(pid, 0) == -1 && errno == ESRCH))
		return 0;
	path = xasprintf("/proc/%ld/comm", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return 1;	/* alive and unknown: better safe */
	n = read(fd, comm, sizeof comm - 1);
	close(fd);
	if (n <= 0)
		return 1;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, "arbord") == 0;
}

/* Remove the pidfile at exit(), also after fatal(). */
static void
detach_pidfile_atexit(void)
{
	detach_pidfile_remove();
}

/* Write arbord's pid to PATH, unless it names a live arbord: 0 or -1. */
int
detach_pidfile(const char *path)
{
	char *tmp, *dir, *line;
	pid_t old;
	int fd;

	if ((old = detach_pidfile_read(path)) > 0 && pid_is_arbord(old)) {
		log_warnx("pidfile %s: arbord is already running as pid %ld",
		    path, (long)old);
		return -1;
	}
	dir = xstrdup(path);
	if (mkdir_p(dirname(dir), 0755) == -1) {
		log_warn("pidfile directory %s", dir);
		free(dir);
		return -1;
	}
	free(dir);
	tmp = xasprintf("%s.XXXXXX", path);
	line = xasprintf("%ld\n", (long)getpid());
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		log_warn("pidfile %s", tmp);
		goto fail;
	}
	if (fchmod(fd, 0644) == -1 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		log_warn("pidfile %s", tmp);
		close(fd);
		unlink(tmp);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		log_warn("pidfile %s", path);
		unlink(tmp);
		goto fail;
	}
	if (pidfile == NULL)
		atexit(detach_pidfile_atexit);
	free(pidfile);
	pidfile = xstrdup(path);
	pidfile_pid = getpid();
	free(line);
	free(tmp);
	return 0;
fail:
	free(line);
	free(tmp);
	return -1;
}

/* Remove the pidfile if it still holds arbord's pid. */
void
detach_pidfile_remove(void)
{
	if (pidfile == NULL || getpid() != pidfile_pid)
		return;
	if (detach_pidfile_read(pidfile) == pidfile_pid &&
	    unlink(pidfile) == -1)
		log_warn("pidfile %s", pidfile);
	free(pidfile);
	pidfile = NULL;
}
