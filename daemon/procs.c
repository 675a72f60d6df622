/*
 * procs.c: what arbord knows about processes beyond its own children.
 *
 * The record: every worker's process group is written to a file next to
 * the control socket (SOCKET.procs), with the process's start time, so an
 * arbord started after a previous one was killed (kill -9, OOM) finds the
 * groups the old one left running and terminates them instead of running
 * every worker twice.
 *
 * Orphans: arbord is a child subreaper (or PID 1), so a worker's
 * double-forked descendants are reparented to it. They left the worker's
 * process group, so they are found by the ARBOR_PATH every process of a
 * worker inherits, and get the worker's signals too.
 */
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "procs.h"
#include "util.h"

struct rec {
	pid_t			 pgid;
	unsigned long long	 start;		/* /proc start time */
	char			*path;
	struct rec		*next;
};

static char		*rec_file;
static struct rec	*recs;
static int		 rec_dirty;	/* written by procs_flush */

/* Read /proc/PID/stat: its state letter, parent and start time. */
static int
proc_stat(pid_t pid, char *state, pid_t *ppid, unsigned long long *start)
{
	char file[64], buf[1024], *p;
	unsigned long long v[20];
	int fd, i;
	ssize_t n;

	snprintf(file, sizeof file, "/proc/%ld/stat", (long)pid);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name may hold anything; fields follow the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' || p[2] == '\0')
		return -1;
	*state = p[2];
	p += 3;
	for (i = 0; i < 20; i++) {
		char *end;
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	*ppid = (pid_t)v[0];
	*start = v[18];		/* field 22 of stat(5) */
	return 0;
}

/* Is the process PID alive (not gone, not a zombie), started at START? */
static int
proc_alive(pid_t pid, unsigned long long start)
{
	unsigned long long st;
	pid_t ppid;
	char state;

	return proc_stat(pid, &state, &ppid, &st) == 0 && state != 'Z' &&
	    (start == 0 || st == start);
}

/* Rewrite the record file (atomically). */
static void
rec_save(void)
{
	char *tmp;
	FILE *f;

	if (rec_file == NULL)
		return;
	tmp = xasprintf("%s.tmp", rec_file);
	if ((f = fopen(tmp, "we")) == NULL) {
		log_warn("%s", tmp);
		free(tmp);
		return;
	}
	for (struct rec *r = recs; r != NULL; r = r->next)
		fprintf(f, "%ld %llu %s\n", (long)r->pgid, r->start, r->path);
	if (fclose(f) == EOF || rename(tmp, rec_file) == -1)
		log_warn("%s", rec_file);
	free(tmp);
}

/*
 * Start recording next to SOCKET; first terminate what a previous arbord
 * on the same socket recorded and left running.
 */
void
procs_init(const char *socket)
{
	struct rec *stale = NULL, *r;
	char line[4096], path[4096];
	unsigned long long start;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	long pgid;
	FILE *f;
	int left;

	rec_file = xasprintf("%s.procs", socket);
	if ((f = fopen(rec_file, "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			if (sscanf(line, "%ld %llu %4095s", &pgid, &start,
			    path) != 3 || pgid <= 1 ||
			    !proc_alive((pid_t)pgid, start))
				continue;
			r = xcalloc(1, sizeof *r);
			r->pgid = (pid_t)pgid;
			r->start = start;
			r->path = xstrdup(path);
			r->next = stale;
			stale = r;
			log_warnx("terminating process group %ld of %s, left "
			    "running by a previous arbord", pgid, path);
			(void)kill(-r->pgid, SIGTERM);
			(void)kill(-r->pgid, SIGCONT);
		}
		fclose(f);
	}
	/* Give them 5 seconds to go, then SIGKILL. */
	for (int i = 0; i < 100 && stale != NULL; i++) {
		left = 0;
		for (r = stale; r != NULL; r = r->next)
			left += proc_alive(r->pgid, r->start);
		if (left == 0)
			break;
		nanosleep(&ts, NULL);
	}
	while ((r = stale) != NULL) {
		if (proc_alive(r->pgid, r->start))
			(void)kill(-r->pgid, SIGKILL);
		stale = r->next;
		free(r->path);
		free(r);
	}
	rec_save();
}

/* Record worker PATH's process group PGID. */
void
procs_add(pid_t pgid, const char *path)
{
	struct rec *r = xcalloc(1, sizeof *r);
	pid_t ppid;
	char state;

	r->pgid = pgid;
	r->path = xstrdup(path);
	if (proc_stat(pgid, &state, &ppid, &r->start) == -1)
		r->start = 0;
	r->next = recs;
	recs = r;
	rec_dirty = 1;
}

/* Forget process group PGID. */
void
procs_remove(pid_t pgid)
{
	for (struct rec **rp = &recs; *rp != NULL; rp = &(*rp)->next) {
		struct rec *r = *rp;
		if (r->pgid == pgid) {
			*rp = r->next;
			free(r->path);
			free(r);
			rec_dirty = 1;
			return;
		}
	}
}

/*
 * Write the record if it changed: once per pass of the event loop, not
 * once per start or exit, so a storm of N exits costs one write.
 */
void
procs_flush(void)
{
	if (rec_dirty) {
		rec_save();
		rec_dirty = 0;
	}
}

/* Clean exit: nothing is left running; remove the record. */
void
procs_close(void)
{
	struct rec *r;

	while ((r = recs) != NULL) {
		recs = r->next;
		free(r->path);
		free(r);
	}
	if (rec_file != NULL)
		(void)unlink(rec_file);
	free(rec_file);
	rec_file = NULL;
}

/* Does process PID's environment hold ARBOR_PATH=PATH? */
static int
proc_has_path(pid_t pid, const char *path)
{
	char file[64], *want, buf[65536];
	size_t wlen;
	ssize_t n;
	int fd, found = 0;

	snprintf(file, sizeof file, "/proc/%ld/environ", (long)pid);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	want = xasprintf("ARBOR_PATH=%s", path);
	wlen = strlen(want) + 1;	/* with its NUL */
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if ((size_t)(buf + n - p) >= wlen &&
		    memcmp(p, want, wlen) == 0) {
			found = 1;
			break;
		}
	free(want);
	return found;
}

/* Signal PID (and its group) if it is an orphan of worker PATH. */
static int
orphan_signal(pid_t pid, const char *path, int sig, int (*known)(pid_t))
{
	unsigned long long start;
	pid_t ppid;
	char state;

	if (known(pid) || proc_stat(pid, &state, &ppid, &start) == -1 ||
	    ppid != getpid() || state == 'Z' || !proc_has_path(pid, path))
		return 0;
	if (kill(-pid, sig) == -1)
		(void)kill(pid, sig);
	return 1;
}

/*
 * Send SIG to the orphans of worker PATH: processes reparented to arbord
 * that are not its own children (KNOWN says which are) and carry the
 * worker's ARBOR_PATH. Returns how many were signalled. Linux lists a
 * process's children in /proc/PID/task/PID/children; without it every
 * process in /proc is looked at.
 */
int
procs_signal_orphans(const char *path, int sig, int (*known)(pid_t))
{
	char file[64], *buf = NULL, *p, *end;
	struct dirent *de;
	size_t cap = 0;
	int count = 0;
	FILE *f;
	DIR *d;

	snprintf(file, sizeof file, "/proc/%ld/task/%ld/children",
	    (long)getpid(), (long)getpid());
	if ((f = fopen(file, "re")) != NULL) {
		if (getdelim(&buf, &cap, '\0', f) > 0)
			for (p = buf; *p != '\0'; p = end) {
				long pid = strtol(p, &end, 10);
				if (end == p)
					break;
				count += orphan_signal((pid_t)pid, path, sig,
				    known);
			}
		free(buf);
		fclose(f);
		return count;
	}
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]))
			count += orphan_signal((pid_t)strtol(de->d_name, NULL,
			    10), path, sig, known);
	closedir(d);
	return count;
}

/* The parent of live process PID, or -1 if it is gone or a zombie. */
pid_t
procs_parent(pid_t pid)
{
	unsigned long long start;
	pid_t ppid;
	char state;

	if (proc_stat(pid, &state, &ppid, &start) == -1 || state == 'Z')
		return -1;
	return ppid;
}
