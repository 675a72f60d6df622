/*
 * cgroup.c: the supervision tree as a cgroup v2 tree.
 *
 * Layout, below the cgroup that is this arbord's alone (BASE):
 *
 *   BASE/@arbord            arbord and its spawner (a leaf: cgroup v2
 *                           puts no process in a cgroup that delegates
 *                           controllers to its children)
 *   BASE/root               the root supervisor
 *   BASE/root/@scripts      its setup and cleanup scripts
 *   BASE/root/web           a worker (a leaf)
 *   BASE/root/pool/1        a pool instance (a leaf)
 *
 * "@" is not a character of node names, so the leaves of arbord and of the
 * scripts never collide with a node. BASE is arbord's own cgroup when it
 * is alone there (a systemd unit with Delegate=yes); otherwise (started by
 * hand, by a test, in the root cgroup) a new one below it named
 * arbor-PID-RANDOM, removed at exit, so several arbords never collide.
 *
 * Like OpenBSD's daemons, every failure here is reported, never fatal: a
 * cgroup that cannot be made fails one start, not arbord.
 */
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "cgparse.h"
#include "cgroup.h"
#include "handoff.h"
#include "log.h"
#include "util.h"

#define LEAF_ARBORD	"@arbord"
#define STALE_WAIT_MS	2000

static char	*mount_point;	/* /sys/fs/cgroup */
static char	*own;		/* the cgroup arbord was started in */
static char	*base;		/* the cgroup that is this arbord's alone */
static int	 base_created;	/* base is below own: remove it at exit */
static char	*off_reason;	/* why cgroups are off, or NULL */
static char	*enable;	/* "+memory +pids", to subtree_control */
static char	*available;	/* base's cgroup.controllers */

struct cgroup_watch {
	int			 wd;
	void			(*cb)(void *);
	void			*arg;
	struct cgroup_watch	*next;
};

static int			 ino_fd = -1;
static ev_io			 ino_w;
static struct cgroup_watch	*watches;

/* Read a whole /proc file of any size (allocated), or NULL. */
static char *
read_proc(const char *path)
{
	struct buf b = { 0 };
	char chunk[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	if (b.s == NULL)
		b.s = xstrdup("");
	return b.s;
}

/* Write VALUE to DIR/FILE; -1 and errno if it fails. */
static int
write_file(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, saved;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >=
	    sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	do
		n = write(fd, value, len);
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

/* Read DIR/FILE into BUF; -1 if it cannot. */
static ssize_t
read_in(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >=
	    sizeof path)
		return -1;
	return read_small(path, buf, size);
}

int
cgroup_populated(const char *dir)
{
	char buf[256];
	int64_t v;

	if (read_in(dir, "cgroup.events", buf, sizeof buf) == -1 ||
	    cg_keyed(buf, "populated", &v) == -1)
		return -1;
	return v != 0;
}

/* Does DIR's own cgroup.procs (not below) list a process other than us? */
static int
holds_others(const char *dir)
{
	char path[PATH_MAX], *text, *p;
	pid_t self = getpid();
	int others = 0;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((text = read_proc(path)) == NULL)
		return 1;
	for (p = text; *p != '\0';) {
		long pid = strtol(p, &p, 10);
		if (pid > 0 && pid != self)
			others = 1;
		while (*p != '\0' && (*p < '0' || *p > '9'))
			p++;
	}
	free(text);
	return others;
}

/* Send SIG to every process in DIR and below but group SKIP; how many. */
static int
signal_listed(const char *dir, int sig, pid_t skip)
{
	char path[PATH_MAX], *text, *p;
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((text = read_proc(path)) != NULL) {
		for (p = text; *p != '\0';) {
			long pid = strtol(p, &p, 10);
			if (pid > 0 && pid != getpid() && (skip <= 0 ||
			    getpgid((pid_t)pid) != skip) &&
			    kill((pid_t)pid, sig) == 0)
				n++;
			while (*p != '\0' && (*p < '0' || *p > '9'))
				p++;
		}
		free(text);
	}
	if ((d = opendir(dir)) == NULL)
		return n;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		n += signal_listed(path, sig, skip);
	}
	closedir(d);
	return n;
}

int
cgroup_kill(const char *dir)
{
	if (write_file(dir, "cgroup.kill", "1") == 0)
		return 0;
	if (errno != ENOENT && errno != EACCES && errno != EPERM &&
	    errno != EINVAL)
		return -1;
	/* Kernels before 5.14: each one; again, for what forked meanwhile. */
	for (int round = 0; round < 8 && signal_listed(dir, SIGKILL, 0) > 0;
	    round++)
		;
	return 0;
}

int
cgroup_move(const char *from, const char *to)
{
	char path[PATH_MAX], num[24], *text, *p;
	int moved, rc = 0;

	snprintf(path, sizeof path, "%s/cgroup.procs", from);
	/* Again, for what forked meanwhile, as cgroup_kill does. */
	for (int round = 0; round < 8; round++) {
		if ((text = read_proc(path)) == NULL)
			return -1;
		moved = 0;
		for (p = text; *p != '\0';) {
			long pid = strtol(p, &p, 10);
			if (pid > 0 && pid != getpid()) {
				snprintf(num, sizeof num, "%ld", pid);
				if (write_file(to, "cgroup.procs", num) == 0)
					moved++;
				else if (errno != ESRCH)
					rc = -1;
			}
			while (*p != '\0' && (*p < '0' || *p > '9'))
				p++;
		}
		free(text);
		if (moved == 0)
			break;
	}
	return rc;
}

void
cgroup_signal(const char *dir, int sig, pid_t skip)
{
	if (sig == SIGKILL)
		(void)cgroup_kill(dir);
	else
		(void)signal_listed(dir, sig, skip);
}

int
cgroup_remove(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    de->d_name) >= sizeof path || cgroup_remove(path) == -1)
			rc = -1;
	}
	closedir(d);
	if (rmdir(dir) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

/*
 * Wait (at start, before the loop) up to STALE_WAIT_MS for DIR to empty,
 * on its cgroup.events, not by polling it.
 */
static int
wait_empty(const char *dir)
{
	char path[PATH_MAX], evbuf[4096];
	struct pollfd pfd;
	int fd, left = STALE_WAIT_MS, rc;

	snprintf(path, sizeof path, "%s/cgroup.events", dir);
	if ((fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1)
		return -1;
	if (inotify_add_watch(fd, path, IN_MODIFY) == -1) {
		close(fd);
		return -1;
	}
	while ((rc = cgroup_populated(dir)) == 1 && left > 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) > 0)
			while (read(fd, evbuf, sizeof evbuf) > 0)
				;
		left -= 100;
	}
	close(fd);
	return rc == 0 ? 0 : -1;
}

/* Kill and remove DIR, which a killed arbord left behind. */
static void
remove_stale(const char *dir)
{
	int populated = cgroup_populated(dir);

	if (populated == 1) {
		(void)cgroup_kill(dir);
		(void)wait_empty(dir);
	}
	if (cgroup_remove(dir) == 0)
		log_info("removed cgroup %s left by an earlier arbord%s",
		    dir + strlen(mount_point),
		    populated == 1 ? " (its processes killed)" : "");
	else
		log_warn("cannot remove cgroup %s left by an earlier arbord",
		    dir + strlen(mount_point));
}

/* Is the arbord that made BASE/NAME ("arbor-PID-RANDOM") gone? */
static int
sibling_stale(const char *dir, const char *name)
{
	char path[64], comm[64], leaf[PATH_MAX], *cg, *mine;
	const char *rel;
	unsigned long rnd;
	size_t len;
	int pid, stale;

	if (sscanf(name, "arbor-%d-%lx", &pid, &rnd) != 2 || pid <= 0)
		return 0;
	/*
	 * Its arbord (or that arbord's spawner) is in its leaf: alive, even
	 * where PID means nothing, an arbord in another PID namespace (a
	 * container's init beside a host's arbord).
	 */
	if ((size_t)snprintf(leaf, sizeof leaf, "%s/%s", dir, LEAF_ARBORD) <
	    sizeof leaf && cgroup_populated(leaf) == 1)
		return 0;
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	/* Alive: is it an arbord, in that cgroup or about to be? */
	snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
	if ((cg = read_proc(path)) == NULL)
		return 0;
	mine = cg_self_path(cg);
	free(cg);
	/* Its arbord is in it (at DIR/@arbord), or it is somebody else's. */
	rel = cgroup_relative(dir);
	len = strlen(rel);
	stale = mine == NULL || strncmp(mine, rel, len) != 0 ||
	    (mine[len] != '/' && mine[len] != '\0');
	free(mine);
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	if (stale && read_small(path, comm, sizeof comm) > 0 &&
	    strcmp(comm, "arbord\n") == 0)
		stale = 0;
	return stale;
}

/* Remove what an earlier arbord left in OWN (siblings) or in BASE. */
static void
clean_stale(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	const char *in = base_created ? own : base;
	DIR *d;

	if ((d = opendir(in)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", in,
		    de->d_name) >= sizeof path)
			continue;
		if (base_created ? (strncmp(de->d_name, "arbor-", 6) == 0 &&
		    strcmp(path, base) != 0 && sibling_stale(path, de->d_name)) :
		    strcmp(de->d_name, LEAF_ARBORD) != 0)
			remove_stale(path);
	}
	closedir(d);
}

/* Cgroups are off: why, logged once; -1 and *err when they must be on. */
static int
off(enum cgroup_mode mode, char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(off_reason);
	off_reason = xvasprintf(fmt, ap);
	va_end(ap);
	if (mode == CGROUP_YES) {
		*err = xasprintf("cgroup = yes: %s", off_reason);
		return -1;
	}
	if (mode == CGROUP_AUTO)
		log_info("cgroups off (process groups track the workers): %s",
		    off_reason);
	free(base);
	base = NULL;
	return 0;
}

/* "+a +b": the controllers of LIST ("a b", or "a,b") that HAVE lists. */
static char *
controllers_in(const char *list, const char *have)
{
	struct buf want = { 0 };
	char name[64];

	for (const char *p = list; *p != '\0';) {
		size_t len = strcspn(p, ", \n");
		if (len > 0 && len < sizeof name) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (cg_has_controller(have, name))
				buf_printf(&want, "%s+%s", want.len ? " " : "",
				    name);
		}
		p += len;
		p += strspn(p, ", \n");
	}
	return want.s;
}

void
cgroup_enable(const char *list)
{
	char buf[512], *want;

	/* OWN may refuse (it holds processes): then base has what it has. */
	if (base_created && read_in(own, "cgroup.controllers", buf,
	    sizeof buf) != -1 && (want = controllers_in(list, buf)) != NULL) {
		(void)write_file(own, "cgroup.subtree_control", want);
		free(want);
	}
	free(available);
	if (read_in(base, "cgroup.controllers", buf, sizeof buf) == -1)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	available = xstrdup(buf);
	free(enable);
	enable = NULL;
	if ((want = controllers_in(list, available)) == NULL)
		return;
	if (write_file(base, "cgroup.subtree_control", want) == 0)
		enable = want;
	else {
		log_warn("cgroup %s: enabling %s", cgroup_relative(base),
		    want);
		free(want);
	}
}

int
cgroup_init(enum cgroup_mode mode, char **err)
{
	char *text, *self, leaf[PATH_MAX], pid[32];
	unsigned int rnd = 0;

	*err = NULL;
	if (mode == CGROUP_NO)
		return off(mode, err, "cgroup = no");
	if ((text = read_proc("/proc/self/mountinfo")) == NULL)
		return off(mode, err, "cannot read /proc/self/mountinfo: %s",
		    strerror(errno));
	mount_point = cg_mountinfo_v2(text);
	free(text);
	if (mount_point == NULL)
		return off(mode, err, "no cgroup v2 hierarchy is mounted");
	if ((text = read_proc("/proc/self/cgroup")) == NULL)
		return off(mode, err, "cannot read /proc/self/cgroup: %s",
		    strerror(errno));
	self = cg_self_path(text);
	free(text);
	if (self == NULL)
		return off(mode, err, "arbord is in no cgroup v2 "
		    "(/proc/self/cgroup has no 0:: line)");
	own = strcmp(self, "/") == 0 ? xstrdup(mount_point) :
	    xasprintf("%s%s", mount_point, self);
	free(self);
	snprintf(leaf, sizeof leaf, "%s/cgroup.procs", own);
	if (access(own, W_OK) == -1 || access(leaf, W_OK) == -1)
		return off(mode, err, "%s is not writable (%s): delegate it "
		    "to arbord (systemd: Delegate=yes; a container: a "
		    "writable cgroup mount)", own, strerror(errno));
	if (strcmp(own, mount_point) == 0 || holds_others(own)) {
		if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) == -1)
			rnd = (unsigned int)getpid() * 2654435761u ^
			    (unsigned int)time(NULL);
		base = xasprintf("%s/arbor-%ld-%08x", own, (long)getpid(),
		    rnd);
		if (mkdir(base, 0755) == -1)
			return off(mode, err, "mkdir %s: %s", base,
			    strerror(errno));
		base_created = 1;
	} else
		base = xstrdup(own);
	snprintf(leaf, sizeof leaf, "%s/" LEAF_ARBORD, base);
	if (mkdir(leaf, 0755) == -1 && errno != EEXIST) {
		int saved = errno;
		if (base_created)
			(void)rmdir(base);
		return off(mode, err, "mkdir %s: %s", leaf, strerror(saved));
	}
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	if (write_file(leaf, "cgroup.procs", pid) == -1) {
		int saved = errno;
		(void)rmdir(leaf);
		if (base_created)
			(void)rmdir(base);
		return off(mode, err, "moving arbord to %s: %s", leaf,
		    strerror(saved));
	}
	free(off_reason);
	off_reason = NULL;
	clean_stale();
	cgroup_enable("");
	return 0;
}

int
cgroup_enabled(void)
{
	return base != NULL;
}

const char *
cgroup_off_reason(void)
{
	return off_reason;
}

const char *
cgroup_available(void)
{
	return available != NULL ? available : "";
}

int
cgroup_has_controller(const char *name)
{
	return available != NULL && cg_has_controller(available, name);
}

char *
cgroup_dir(const char *path, const char *leaf)
{
	if (base == NULL)
		return NULL;
	return leaf != NULL ? xasprintf("%s/%s/%s", base, path, leaf) :
	    xasprintf("%s/%s", base, path);
}

const char *
cgroup_relative(const char *dir)
{
	size_t len = mount_point != NULL ? strlen(mount_point) : 0;

	if (dir == NULL)
		return NULL;
	if (len > 0 && strncmp(dir, mount_point, len) == 0)
		return dir[len] == '\0' ? "/" : dir + len;
	return dir;
}

int
cgroup_make(const char *dir, char **err)
{
	size_t blen;
	char *p, *path;

	*err = NULL;
	if (base == NULL || strncmp(dir, base, blen = strlen(base)) != 0 ||
	    dir[blen] != '/') {
		*err = xasprintf("cgroup %s: not below arbord's", dir);
		return -1;
	}
	path = xstrdup(dir);
	for (p = path + blen + 1;; p++) {
		int last = (p = strchr(p, '/')) == NULL;
		if (!last)
			*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			*err = xasprintf("mkdir cgroup %s: %s",
			    cgroup_relative(path), strerror(errno));
			free(path);
			return -1;
		}
		/* An inner cgroup hands the controllers down. */
		if (!last && enable != NULL &&
		    write_file(path, "cgroup.subtree_control", enable) == -1) {
			*err = xasprintf("cgroup %s: enabling %s: %s",
			    cgroup_relative(path), enable, strerror(errno));
			free(path);
			return -1;
		}
		if (last)
			break;
		*p = '/';
	}
	free(path);
	return 0;
}

int
cgroup_write(const char *dir, const char *file, const char *value,
    char **err)
{
	if (write_file(dir, file, value) == 0)
		return 0;
	*err = xasprintf("cgroup %s: writing %s to %s: %s",
	    cgroup_relative(dir), value, file, strerror(errno));
	return -1;
}

/* libev: inotify says some cgroup.events changed. */
static void
ino_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	ssize_t n;

	(void)loop;
	(void)w;
	(void)revents;
	while ((n = read(ino_fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ie = (struct inotify_event *)p;
			p += sizeof *ie + ie->len;
			/* The callback may unwatch: look it up each time. */
			for (struct cgroup_watch *cw = watches; cw != NULL;
			    cw = cw->next)
				if (cw->wd == ie->wd) {
					cw->cb(cw->arg);
					break;
				}
		}
	}
}

struct cgroup_watch *
cgroup_watch(const char *dir, void (*cb)(void *), void *arg)
{
	struct cgroup_watch *cw;
	char path[PATH_MAX];
	int wd;

	if (ino_fd == -1) {
		if ((ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1)
			return NULL;
		ev_io_init(&ino_w, ino_cb, ino_fd, EV_READ);
		ev_io_start(EV_DEFAULT, &ino_w);
	}
	snprintf(path, sizeof path, "%s/cgroup.events", dir);
	if ((wd = inotify_add_watch(ino_fd, path, IN_MODIFY)) == -1)
		return NULL;
	cw = xcalloc(1, sizeof *cw);
	cw->wd = wd;
	cw->cb = cb;
	cw->arg = arg;
	cw->next = watches;
	watches = cw;
	return cw;
}

void
cgroup_unwatch(struct cgroup_watch *cw)
{
	struct cgroup_watch **pp;

	if (cw == NULL)
		return;
	for (pp = &watches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cw) {
			*pp = cw->next;
			break;
		}
	(void)inotify_rm_watch(ino_fd, cw->wd);
	free(cw);
}

/* Count the processes in DIR's own cgroup.procs (a leaf's). */
static int64_t
count_tasks(const char *dir)
{
	char path[PATH_MAX], *text;
	int64_t n = 0;

	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	if ((text = read_proc(path)) == NULL)
		return -1;
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			n++;
	free(text);
	return n;
}

/* Is controller NAME enabled for the tree's cgroups? */
static int
enabled(const char *name)
{
	size_t len = strlen(name);

	for (const char *p = enable; p != NULL && (p = strchr(p, '+')) != NULL;
	    p++)
		if (strncmp(p + 1, name, len) == 0 &&
		    (p[1 + len] == ' ' || p[1 + len] == '\0'))
			return 1;
	return 0;
}

int
cgroup_usage(const char *dir, int leaf, struct cgroup_usage *u)
{
	char buf[1024];

	u->cpu_usec = u->memory_bytes = u->memory_peak_bytes = -1;
	u->tasks = u->oom_kills = -1;
	/* cpu.stat is there in every cgroup, whatever is enabled. */
	if (read_in(dir, "cpu.stat", buf, sizeof buf) == -1)
		return -1;
	(void)cg_keyed(buf, "usage_usec", &u->cpu_usec);
	if (enabled("memory")) {
		if (read_in(dir, "memory.current", buf, sizeof buf) != -1)
			(void)cg_single(buf, &u->memory_bytes);
		if (read_in(dir, "memory.peak", buf, sizeof buf) != -1)
			(void)cg_single(buf, &u->memory_peak_bytes);
	}
	if (enabled("pids") && read_in(dir, "pids.current", buf,
	    sizeof buf) != -1)
		(void)cg_single(buf, &u->tasks);
	else if (leaf)
		u->tasks = count_tasks(dir);
	return 0;
}

int
cgroup_cpu_memory(const char *dir, int64_t *cpu_usec, int64_t *memory_bytes)
{
	char buf[1024];

	*cpu_usec = *memory_bytes = -1;
	if (read_in(dir, "cpu.stat", buf, sizeof buf) == -1)
		return -1;
	(void)cg_keyed(buf, "usage_usec", cpu_usec);
	if (enabled("memory") && read_in(dir, "memory.current", buf,
	    sizeof buf) != -1)
		(void)cg_single(buf, memory_bytes);
	return 0;
}

int64_t
cgroup_oom_kills(const char *dir)
{
	char buf[512];
	int64_t v;

	if (read_in(dir, "memory.events", buf, sizeof buf) == -1 ||
	    cg_keyed(buf, "oom_kill", &v) == -1)
		return -1;
	return v;
}

void
cgroup_close(void)
{
	char pid[32], leaf[PATH_MAX];
	struct dirent *de;
	DIR *d;

	while (watches != NULL)
		cgroup_unwatch(watches);
	if (ino_fd != -1) {
		ev_io_stop(EV_DEFAULT, &ino_w);
		close(ino_fd);
		ino_fd = -1;
	}
	if (base != NULL) {
		/* The tree's cgroups; arbord's leaf only if base goes. */
		if ((d = opendir(base)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (de->d_type != DT_DIR ||
				    de->d_name[0] == '.' ||
				    strcmp(de->d_name, LEAF_ARBORD) == 0)
					continue;
				snprintf(leaf, sizeof leaf, "%s/%s", base,
				    de->d_name);
				if (cgroup_populated(leaf) == 1)
					(void)cgroup_kill(leaf);
				(void)wait_empty(leaf);
				if (cgroup_remove(leaf) == -1)
					log_warn("removing cgroup %s",
					    cgroup_relative(leaf));
			}
			closedir(d);
		}
		if (base_created) {
			snprintf(pid, sizeof pid, "%ld", (long)getpid());
			snprintf(leaf, sizeof leaf, "%s/" LEAF_ARBORD, base);
			if (write_file(own, "cgroup.procs", pid) == -1 ||
			    cgroup_remove(base) == -1)
				log_warn("removing cgroup %s",
				    cgroup_relative(base));
		}
	}
	free(mount_point);
	free(own);
	free(base);
	free(off_reason);
	free(enable);
	free(available);
	mount_point = own = base = off_reason = enable = available = NULL;
	base_created = 0;
}

/*
 * Re-exec (reexec.c): what the new binary needs to go on with the same
 * cgroups, an HR_CGROUP record: on or off (and why), arbord's own cgroup
 * and the tree's base, and whether arbord made the base.
 */
void
cgroup_export(struct handoff_w *w)
{
	handoff_begin(w, HR_CGROUP);
	handoff_bool(w, base != NULL);
	handoff_str(w, off_reason);
	handoff_str(w, own);
	handoff_str(w, base);
	handoff_bool(w, base_created);
	handoff_end(w);
}

/*
 * The new binary takes the cgroups over from an HR_CGROUP record (R at
 * its fields): nothing is made, moved or cleaned (what cgroup_init does
 * to what an earlier arbord left would kill the workers). 0, or -1 with
 * *err.
 */
int
cgroup_adopt(struct handoff_r *r, char **err)
{
	bool on = handoff_get_bool(r);
	char *why = handoff_get_str(r), *text;

	*err = NULL;
	own = handoff_get_str(r);
	base = handoff_get_str(r);
	base_created = handoff_get_bool(r);
	if (r->bad || (on && (own == NULL || base == NULL))) {
		*err = xstrdup("the handoff's cgroup record is bad");
		goto fail;
	}
	if (!on) {
		free(own);
		free(base);
		own = base = NULL;
		free(off_reason);
		off_reason = why;
		return 0;
	}
	free(why);
	if ((text = read_proc("/proc/self/mountinfo")) == NULL ||
	    (mount_point = cg_mountinfo_v2(text)) == NULL) {
		free(text);
		*err = xstrdup("no cgroup v2 hierarchy is mounted any more");
		goto fail;
	}
	free(text);
	cgroup_enable("");
	return 0;
fail:
	free(own);
	free(base);
	own = base = NULL;
	return -1;
}
