/*
 * benchtool.c: the measuring half of `make bench` (bench/run drives it).
 * Timestamps come from bench/worker, which writes "NS PID" lines (NS is
 * CLOCK_MONOTONIC at its main()) to a FIFO that bench/run keeps open and
 * hands to these subcommands as standard input.
 *
 *   benchtool now                          print CLOCK_MONOTONIC ns
 *   benchtool waitn N TIMEOUT PIDFILE      read N lines; print the last
 *                                          timestamp; write the pids
 *   benchtool respawn N TIMEOUT SETTLE_MS  read the running worker's line,
 *                                          then N times: SIGKILL it, time
 *                                          until its replacement's line
 *   benchtool bare N SETTLE_MS WORKER FIFO baseline of respawn: fork+exec,
 *                                          SIGKILL, waitpid, fork+exec...
 *   benchtool mix N SETTLE_MS WORKER FIFO PID...
 *                                          respawn and bare interleaved:
 *                                          N rounds of one kill each of
 *                                          the bare child (s0) and of
 *                                          each supervised PID (s1...),
 *                                          so all see the same noise
 *   benchtool startn N WORKER FIFO         baseline of scale: N sequential
 *                                          fork+exec+ready (fd 3), then
 *                                          SIGTERM+waitpid all
 *   benchtool storm N TIMEOUT PIDFILE      SIGKILL the N process groups,
 *                                          time until N new lines
 *   benchtool timecmd N CMD...             median wall time of CMD, in ms
 *   benchtool holdfds K CMD...             exec CMD holding K more open
 *                                          descriptors (/dev/null)
 *   benchtool statusload SOCKET CLIENTS SECONDS
 *                                          CLIENTS processes sending
 *                                          "ARBOR/1 status" in a loop;
 *                                          print requests per second
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char rbuf[1 << 16];
static size_t rlen;

/* One "NS PID" line from stdin within timeout_ms; 0 or -1 on timeout. */
static int
read_line(long long *ns, long *pid, int timeout_ms)
{
	long long deadline = now_ns() + (long long)timeout_ms * 1000000LL;
	char *nl;
	ssize_t n;

	while ((nl = memchr(rbuf, '\n', rlen)) == NULL) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		long long left = (deadline - now_ns()) / 1000000LL;

		if (left < 0)
			left = 0;
		if (poll(&p, 1, (int)left) <= 0)
			return -1;
		n = read(0, rbuf + rlen, sizeof rbuf - rlen);
		if (n <= 0)
			return -1;
		rlen += (size_t)n;
	}
	*nl = '\0';
	if (sscanf(rbuf, "%lld %ld", ns, pid) != 2)
		*ns = 0, *pid = 0;
	rlen -= (size_t)(nl + 1 - rbuf);
	memmove(rbuf, nl + 1, rlen);
	return 0;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, long long *v, int n)
{
	int p99 = (int)((n * 99 + 99) / 100) - 1;

	qsort(v, (size_t)n, sizeof *v, cmp_ll);
	printf("%s n=%d median_us=%.1f p99_us=%.1f min_us=%.1f max_us=%.1f\n",
	    what, n, v[n / 2] / 1e3, v[p99] / 1e3, v[0] / 1e3, v[n - 1] / 1e3);
}

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static pid_t
spawn(const char *worker, const char *fifo, int readyfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)worker, (char *)fifo, NULL };

		if (readyfd != -1) {
			dup2(readyfd, 3);
			setenv("BENCH_READY_FD", "3", 1);
		}
		setpgid(0, 0);
		execv(worker, argv);
		_exit(127);
	}
	return pid;
}

int
main(int argc, char **argv)
{
	long long ns, *v;
	long pid;
	int i, n;

	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "waitn") == 0) {
		FILE *pf = fopen(argv[4], "w");
		long long last = 0;

		n = atoi(argv[2]);
		for (i = 0; i < n; i++) {
			if (read_line(&ns, &pid, atoi(argv[3]) * 1000) == -1) {
				fprintf(stderr, "waitn: timeout after %d of %d\n",
				    i, n);
				return 1;
			}
			if (ns > last)
				last = ns;
			if (pf)
				fprintf(pf, "%ld\n", pid);
		}
		if (pf)
			fclose(pf);
		printf("%lld\n", last);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "respawn") == 0) {
		int timeout = atoi(argv[3]) * 1000, settle = atoi(argv[4]);

		n = atoi(argv[2]);
		v = calloc((size_t)n, sizeof *v);
		if (read_line(&ns, &pid, timeout) == -1) {
			fprintf(stderr, "respawn: no worker\n");
			return 1;
		}
		for (i = 0; i < n; i++) {
			long long t0;

			msleep(settle);
			t0 = now_ns();
			kill((pid_t)pid, SIGKILL);
			if (read_line(&ns, &pid, timeout) == -1) {
				fprintf(stderr, "respawn: timeout at %d\n", i);
				return 1;
			}
			v[i] = ns - t0;
		}
		report("respawn", v, n);
		printf("last_pid=%ld\n", pid);
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "bare") == 0) {
		int settle = atoi(argv[3]);
		pid_t child;

		n = atoi(argv[2]);
		v = calloc((size_t)n, sizeof *v);
		child = spawn(argv[4], argv[5], -1);
		read_line(&ns, &pid, 5000);
		for (i = 0; i < n; i++) {
			long long t0;

			msleep(settle);
			t0 = now_ns();
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			child = spawn(argv[4], argv[5], -1);
			if (read_line(&ns, &pid, 5000) == -1)
				return 1;
			v[i] = ns - t0;
		}
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		report("respawn", v, n);
		return 0;
	}
	if (argc >= 7 && strcmp(argv[1], "mix") == 0) {
		int settle = atoi(argv[3]), k = argc - 6;
		long *pids = calloc((size_t)k + 1, sizeof *pids);
		long long **vs = calloc((size_t)k + 1, sizeof *vs);
		char name[16];

		n = atoi(argv[2]);
		for (int j = 0; j <= k; j++) {
			vs[j] = calloc((size_t)n, sizeof **vs);
			if (j > 0 && (pids[j] = atol(argv[5 + j])) <= 0)
				return 2;
		}
		pids[0] = spawn(argv[4], argv[5], -1);
		if (read_line(&ns, &pid, 5000) == -1)
			return 1;
		for (i = 0; i < n; i++)
			for (int j = 0; j <= k; j++) {
				long long t0;

				msleep(settle);
				t0 = now_ns();
				kill((pid_t)pids[j], SIGKILL);
				if (j == 0) {
					waitpid((pid_t)pids[0], NULL, 0);
					pids[0] = spawn(argv[4], argv[5], -1);
				}
				if (read_line(&ns, &pid, 10000) == -1) {
					fprintf(stderr, "mix: timeout at %d/%d\n",
					    i, j);
					return 1;
				}
				if (pid <= 0)
					return 1;
				if (j > 0)
					pids[j] = pid;
				vs[j][i] = ns - t0;
			}
		kill((pid_t)pids[0], SIGKILL);
		waitpid((pid_t)pids[0], NULL, 0);
		for (int j = 0; j <= k; j++) {
			snprintf(name, sizeof name, "s%d", j);
			report(name, vs[j], n);
		}
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "startn") == 0) {
		pid_t *kids;
		long long t0, t1, t2, last = 0;
		int got = 0;
		char c;

		n = atoi(argv[2]);
		kids = calloc((size_t)n, sizeof *kids);
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			int p[2];

			if (pipe2(p, O_CLOEXEC) == -1)
				return 1;
			kids[i] = spawn(argv[3], argv[4], p[1]);
			close(p[1]);
			/* Drain the FIFO meanwhile: when it is full, workers
			 * block before their ready newline. */
			for (;;) {
				struct pollfd pf[2] = {
					{ .fd = p[0], .events = POLLIN },
					{ .fd = 0, .events = POLLIN } };

				if (poll(pf, 2, 10000) <= 0)
					break;
				while (got < n && pf[1].revents &&
				    read_line(&ns, &pid, 0) == 0) {
					got++;
					if (ns > last)
						last = ns;
				}
				if (pf[0].revents)
					break;
			}
			if (read(p[0], &c, 1) != 1)
				fprintf(stderr, "startn: no ready\n");
			close(p[0]);
		}
		t1 = now_ns();
		for (; got < n; got++) {
			if (read_line(&ns, &pid, 10000) == -1)
				return 1;
			if (ns > last)
				last = ns;
		}
		t2 = now_ns();
		for (i = 0; i < n; i++)
			kill(kids[i], SIGTERM);
		for (i = 0; i < n; i++)
			waitpid(kids[i], NULL, 0);
		printf("start_ms=%.2f ready_ms=%.2f stop_ms=%.2f\n",
		    (last - t0) / 1e6, (t1 - t0) / 1e6, (now_ns() - t2) / 1e6);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "storm") == 0) {
		FILE *pf = fopen(argv[4], "r");
		long long t0, last = 0;
		long *pids;

		n = atoi(argv[2]);
		pids = calloc((size_t)n, sizeof *pids);
		for (i = 0; pf && i < n; i++)
			if (fscanf(pf, "%ld", &pids[i]) != 1)
				break;
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (kill(-(pid_t)pids[i], SIGKILL) == -1)
				kill((pid_t)pids[i], SIGKILL);
		for (i = 0; i < n; i++) {
			if (read_line(&ns, &pid, atoi(argv[3]) * 1000) == -1) {
				fprintf(stderr, "storm: timeout after %d\n", i);
				return 1;
			}
			if (ns > last)
				last = ns;
		}
		printf("storm_ms=%.2f\n", (last - t0) / 1e6);
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "holdfds") == 0) {
		struct rlimit rl;

		n = atoi(argv[2]);
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < (rlim_t)n + 100) {
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
			    rl.rlim_max > (rlim_t)n + 100 ?
			    (rlim_t)n + 100 : rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
		for (i = 0; i < n; i++)
			if (open("/dev/null", O_RDONLY) == -1) {
				perror("holdfds: /dev/null");
				return 1;
			}
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc >= 4 && strcmp(argv[1], "timecmd") == 0) {
		n = atoi(argv[2]);
		v = calloc((size_t)n, sizeof *v);
		for (i = 0; i < n; i++) {
			long long t0 = now_ns();
			pid_t c = fork();

			if (c == 0) {
				int dn = open("/dev/null", O_WRONLY);

				dup2(dn, 1);
				execvp(argv[3], argv + 3);
				_exit(127);
			}
			waitpid(c, NULL, 0);
			v[i] = now_ns() - t0;
		}
		qsort(v, (size_t)n, sizeof *v, cmp_ll);
		printf("%.2f\n", v[n / 2] / 1e6);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "statusload") == 0) {
		int clients = atoi(argv[3]), secs = atoi(argv[4]), p[2];
		long total = 0, got;
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", argv[2]);
		if (pipe(p) == -1)
			return 1;
		for (i = 0; i < clients; i++) {
			if (fork() == 0) {
				long long end = now_ns() + secs * 1000000000LL;
				long count = 0, fails = 0;
				char buf[65536];

				while (now_ns() < end) {
					int fd = socket(AF_UNIX, SOCK_STREAM, 0);
					ssize_t r;
					int ok = 0;

					if (connect(fd, (struct sockaddr *)&sun,
					    sizeof sun) == -1 ||
					    write(fd, "ARBOR/1 status\n", 15) != 15) {
						close(fd);
						fails++;
						continue;
					}
					while ((r = read(fd, buf, sizeof buf)) > 0)
						ok = 1;
					close(fd);
					if (ok)
						count++;
					else
						fails++;
				}
				if (write(p[1], &count, sizeof count) < 0)
					_exit(1);
				_exit(fails > 0);
			}
		}
		close(p[1]);
		while (read(p[0], &got, sizeof got) == sizeof got)
			total += got;
		while (wait(NULL) > 0)
			;
		printf("%.0f\n", (double)total / secs);
		return 0;
	}
	fprintf(stderr, "benchtool: bad usage (see the comment in bench/benchtool.c)\n");
	return 2;
}
