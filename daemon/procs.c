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
 *
 * Everything a worker owns (arborctl signal --all): its main process and
 * every descendant, whatever group or session it moved to, and its
 * orphans with theirs, found in one scan of /proc.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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
	struct rec		*next;		/* in its hash bucket */
};

#define REC_BUCKETS	4096

/*
 * The record lives in memory as a hash of process groups, and on disk as
 * a log: "+PGID START PATH" when a group starts, "-PGID" when it goes.
 * Changes are appended once per pass of the event loop; the file is
 * rewritten with only the live groups when it has grown to twice their
 * number, so N starts and N exits cost O(N) writing in all.
 */
static char		*rec_file;
static struct rec	*recs[REC_BUCKETS];
static size_t		 nrecs;		/* live groups */
static size_t		 file_lines;	/* lines in rec_file */
static struct {
	char	*s;
	size_t	 len, cap;
	size_t	 lines;
}			 pending;	/* lines not yet appended */

/* Orphan signals asked for in this pass; sent by procs_flush. */
struct orphan_req {
	char	*path;
	int	 sig;
};
static struct orphan_req *oreqs;
static size_t		 noreqs, oreqs_cap;
static int		(*known_pid)(pid_t);

/* Read /proc/PID/stat: its state letter, parent, group and start time. */
static int
proc_stat_group(pid_t pid, char *state, pid_t *ppid, pid_t *pgid,
    unsigned long long *start)
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
	if (pgid != NULL)
		*pgid = (pid_t)v[1];
	*start = v[18];		/* field 22 of stat(5) */
	return 0;
}

/* Read /proc/PID/stat: its state letter, parent and start time. */
static int
proc_stat(pid_t pid, char *state, pid_t *ppid, unsigned long long *start)
{
	return proc_stat_group(pid, state, ppid, NULL, start);
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

/* Append a formatted line to the pending changes. */
static void __attribute__((format(printf, 1, 2)))
pending_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(pending.s == NULL ? NULL : pending.s + pending.len,
		    pending.cap - pending.len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (pending.len + (size_t)n < pending.cap)
			break;
		pending.cap = (pending.cap + (size_t)n + 1) * 2;
		pending.s = xrealloc(pending.s, pending.cap);
	}
	pending.len += (size_t)n;
	pending.lines++;
}

static struct rec **
rec_bucket(pid_t pgid)
{
	return &recs[(size_t)pgid % REC_BUCKETS];
}

/* Rewrite the record file (atomically) with the live groups only. */
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
	for (size_t b = 0; b < REC_BUCKETS; b++)
		for (struct rec *r = recs[b]; r != NULL; r = r->next)
			fprintf(f, "+%ld %llu %s\n", (long)r->pgid, r->start,
			    r->path);
	if (fclose(f) == EOF || rename(tmp, rec_file) == -1)
		log_warn("%s", rec_file);
	file_lines = nrecs;
	free(tmp);
}

/* Append the pending changes to the record file. */
static void
rec_append(void)
{
	int fd;

	if (rec_file == NULL)
		return;
	if ((fd = open(rec_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", rec_file);
		return;
	}
	write_all(fd, pending.s, pending.len);
	close(fd);
	file_lines += pending.lines;
}

/* Add group PGID to the in-memory record. */
static struct rec *
rec_insert(pid_t pgid, unsigned long long start, const char *path)
{
	struct rec *r = xcalloc(1, sizeof *r), **b = rec_bucket(pgid);

	r->pgid = pgid;
	r->start = start;
	r->path = xstrdup(path);
	r->next = *b;
	*b = r;
	nrecs++;
	return r;
}

/* Remove group PGID from the in-memory record: 1 if it was there. */
static int
rec_delete(pid_t pgid)
{
	for (struct rec **rp = rec_bucket(pgid); *rp != NULL;
	    rp = &(*rp)->next) {
		struct rec *r = *rp;
		if (r->pgid == pgid) {
			*rp = r->next;
			free(r->path);
			free(r);
			nrecs--;
			return 1;
		}
	}
	return 0;
}

/*
 * Read the record a previous arbord left into the (empty) in-memory one:
 * the groups it started and did not see go, then hand them over as a
 * list. Also reads the older format, "PGID START PATH" per line.
 */
static struct rec *
rec_load(FILE *f)
{
	struct rec *live = NULL, *r;
	char line[4096], path[4096];
	unsigned long long start;
	long pgid;

	while (fgets(line, sizeof line, f) != NULL) {
		const char *l = line + (line[0] == '+' || line[0] == '-');

		if (line[0] == '-') {
			if (sscanf(l, "%ld", &pgid) == 1)
				(void)rec_delete((pid_t)pgid);
		} else if (sscanf(l, "%ld %llu %4095s", &pgid, &start,
		    path) == 3 && pgid > 1) {
			(void)rec_delete((pid_t)pgid);	/* reused: the last */
			(void)rec_insert((pid_t)pgid, start, path);
		}
	}
	for (size_t i = 0; i < REC_BUCKETS; i++)
		while ((r = recs[i]) != NULL) {
			recs[i] = r->next;
			r->next = live;
			live = r;
		}
	nrecs = 0;
	return live;
}

/*
 * Start recording next to SOCKET; first terminate what a previous arbord
 * on the same socket recorded and left running. KNOWN tells arbord's own
 * processes from orphans.
 */
void
procs_init(const char *socket, int (*known)(pid_t))
{
	struct rec *stale = NULL, *r, **rp;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	FILE *f;
	int left;

	known_pid = known;
	rec_file = xasprintf("%s.procs", socket);
	if ((f = fopen(rec_file, "re")) != NULL) {
		stale = rec_load(f);
		fclose(f);
	}
	for (rp = &stale; (r = *rp) != NULL;) {
		if (!proc_alive(r->pgid, r->start)) {
			*rp = r->next;
			free(r->path);
			free(r);
			continue;
		}
		log_warnx("terminating process group %ld of %s, left "
		    "running by a previous arbord", (long)r->pgid, r->path);
		(void)kill(-r->pgid, SIGTERM);
		(void)kill(-r->pgid, SIGCONT);
		rp = &r->next;
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
	unsigned long long start;
	pid_t ppid;
	char state;

	if (proc_stat(pgid, &state, &ppid, &start) == -1)
		start = 0;
	(void)rec_insert(pgid, start, path);
	pending_add("+%ld %llu %s\n", (long)pgid, start, path);
}

/* Forget process group PGID. */
void
procs_remove(pid_t pgid)
{
	if (rec_delete(pgid))
		pending_add("-%ld\n", (long)pgid);
}

static void	orphans_signal(void);

/*
 * Once per pass of the event loop, not once per start or exit, so a
 * storm of N exits costs one scan and one write: send the orphan signals
 * asked for, and write what changed in the record (appended, or the
 * whole record rewritten when the file has grown to twice its size).
 */
void
procs_flush(void)
{
	if (noreqs > 0)
		orphans_signal();
	if (pending.lines == 0)
		return;
	if (file_lines + pending.lines > 2 * nrecs + 64)
		rec_save();
	else
		rec_append();
	pending.len = pending.lines = 0;
}

/* See procs.h. */
void
procs_move(const char *socket)
{
	char *old = rec_file;

	rec_file = xasprintf("%s.procs", socket);
	rec_save();		/* the live groups, pending changes included */
	pending.len = pending.lines = 0;
	if (old != NULL)
		(void)unlink(old);
	free(old);
}

/* Clean exit: nothing is left running; remove the record. */
void
procs_close(void)
{
	struct rec *r;

	if (noreqs > 0)		/* the last pass's orphans */
		orphans_signal();
	for (size_t b = 0; b < REC_BUCKETS; b++)
		while ((r = recs[b]) != NULL) {
			recs[b] = r->next;
			free(r->path);
			free(r);
		}
	nrecs = file_lines = 0;
	free(pending.s);
	memset(&pending, 0, sizeof pending);
	free(oreqs);
	oreqs = NULL;
	noreqs = oreqs_cap = 0;
	if (rec_file != NULL)
		(void)unlink(rec_file);
	free(rec_file);
	rec_file = NULL;
}

/*
 * The ARBOR_PATH in process PID's environment, copied to BUF (of SIZE),
 * or NULL if it has none or cannot be read.
 */
static const char *
proc_path(pid_t pid, char *buf, size_t size)
{
	static const char key[] = "ARBOR_PATH=";
	char file[64];
	ssize_t n;
	int fd;

	snprintf(file, sizeof file, "/proc/%ld/environ", (long)pid);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (strncmp(p, key, sizeof key - 1) == 0)
			return p + sizeof key - 1;
	return NULL;
}

/* Signal PID (and its group) for every request naming its worker. */
static void
orphan_signal(pid_t pid)
{
	static char env[65536];
	unsigned long long start;
	const char *path;
	pid_t ppid;
	char state;

	if ((known_pid != NULL && known_pid(pid)) ||
	    proc_stat(pid, &state, &ppid, &start) == -1 ||
	    ppid != getpid() || state == 'Z' ||
	    (path = proc_path(pid, env, sizeof env)) == NULL)
		return;
	for (size_t i = 0; i < noreqs; i++)
		if (strcmp(oreqs[i].path, path) == 0 &&
		    kill(-pid, oreqs[i].sig) == -1)
			(void)kill(pid, oreqs[i].sig);
}

/*
 * Send the requested signals to the orphans of those workers: processes
 * reparented to arbord that are not its own children and carry the
 * worker's ARBOR_PATH. Linux lists a process's children in
 * /proc/PID/task/PID/children; without it every process in /proc is
 * looked at. One scan serves every request of the pass.
 */
static void
orphans_signal(void)
{
	char file[64], *buf = NULL, *p, *end;
	struct dirent *de;
	size_t cap = 0;
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
				orphan_signal((pid_t)pid);
			}
		free(buf);
		fclose(f);
	} else if ((d = opendir("/proc")) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (isdigit((unsigned char)de->d_name[0]))
				orphan_signal((pid_t)strtol(de->d_name, NULL,
				    10));
		closedir(d);
	}
	for (size_t i = 0; i < noreqs; i++)
		free(oreqs[i].path);
	noreqs = 0;
}

/*
 * Ask to send SIG to the orphans of worker PATH. They are signalled by
 * the next procs_flush(), at the end of this pass of the event loop.
 */
void
procs_signal_orphans(const char *path, int sig)
{
	if (noreqs == oreqs_cap) {
		oreqs_cap = oreqs_cap ? oreqs_cap * 2 : 16;
		oreqs = xreallocarray(oreqs, oreqs_cap, sizeof *oreqs);
	}
	oreqs[noreqs].path = xstrdup(path);
	oreqs[noreqs].sig = sig;
	noreqs++;
}

/* A process seen by the scan of /proc for procs_signal_all. */
struct pnode {
	pid_t	 pid;
	pid_t	 ppid;
	int	 mark;		/* 0 unknown, 1 owned, -1 not */
};

/* Order pnodes by pid, for bsearch. */
static int
pnode_cmp(const void *a, const void *b)
{
	pid_t x = ((const struct pnode *)a)->pid;
	pid_t y = ((const struct pnode *)b)->pid;

	return (x > y) - (x < y);
}

/* Is P owned: one of the roots, or below one? Marks what it learns. */
static int
pnode_owned(struct pnode *v, size_t n, struct pnode *p)
{
	struct pnode key, *up;
	int depth = 0, owned;

	/* Iterative: walk up until something is known, then mark the way. */
	for (up = p; up != NULL && up->mark == 0 && depth < 4096; depth++) {
		key.pid = up->ppid;
		up = up->ppid > 0 ? bsearch(&key, v, n, sizeof *v,
		    pnode_cmp) : NULL;
	}
	owned = up != NULL && up->mark == 1;
	for (; p != up && p != NULL && p->mark == 0; ) {
		p->mark = owned ? 1 : -1;
		key.pid = p->ppid;
		p = p->ppid > 0 ? bsearch(&key, v, n, sizeof *v,
		    pnode_cmp) : NULL;
	}
	return owned;
}

/*
 * Send SIG once to every process worker PATH owns: MAIN and all its
 * descendants, its process group, and the orphans carrying its
 * ARBOR_PATH with theirs. Returns how many processes were signalled.
 */
int
procs_signal_all(pid_t main, const char *path, int sig)
{
	static char env[65536];
	struct pnode *v = NULL;
	size_t n = 0, cap = 0;
	unsigned long long start;
	struct dirent *de;
	const char *p;
	pid_t self = getpid(), ppid, pgid;
	char state;
	int count = 0;
	DIR *d;

	if ((d = opendir("/proc")) == NULL) {
		log_warn("signal: /proc");
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		pid_t pid;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (proc_stat_group(pid, &state, &ppid, &pgid, &start) == -1 ||
		    state == 'Z')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n].pid = pid;
		v[n].ppid = ppid;
		v[n].mark = 0;
		/* The roots: the main process, its group, the orphans. */
		if (pid == self || pid == 1)
			v[n].mark = -1;
		else if (pid == main || (main > 0 && pgid == main))
			v[n].mark = 1;
		else if (ppid == self && (known_pid == NULL ||
		    !known_pid(pid)) && (p = proc_path(pid, env,
		    sizeof env)) != NULL && strcmp(p, path) == 0)
			v[n].mark = 1;
		else if (ppid == self)
			v[n].mark = -1;	/* arbord's, not this worker's */
		n++;
	}
	closedir(d);
	/* One by one, so that each hears the signal once. */
	qsort(v, n, sizeof *v, pnode_cmp);
	for (size_t i = 0; i < n; i++)
		if (pnode_owned(v, n, &v[i]) && kill(v[i].pid, sig) == 0)
			count++;
	free(v);
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

/*
 * Re-exec (reexec.c): the new binary records next to SOCKET again without
 * terminating anything: the groups recorded are its own workers, added
 * again by procs_add. The record is rewritten at the next flush.
 */
void
procs_adopt(const char *socket, int (*known)(pid_t))
{
	known_pid = known;
	rec_file = xasprintf("%s.procs", socket);
	file_lines = SIZE_MAX / 4;	/* rewrite it whole at the next flush */
}
