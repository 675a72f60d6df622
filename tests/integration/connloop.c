/*
 * connloop.c: a client for the held-socket tests and the benchmark. It
 * connects COUNT times, one after the other as fast as it can, to
 * tcp:HOST:PORT or unix:PATH, reads the line the server writes (lsserver
 * writes its pid) and counts what happened, within SECONDS in all (each
 * connection also gives up after SECONDS). On stdout, one line:
 *
 *   ok=N refused=N failed=N pids=K connect_p50_us=N connect_p99_us=N
 *   connect_max_us=N reply_p99_us=N
 *
 * refused: connect said ECONNREFUSED (nothing listened); failed: any other
 * error, a timeout or no line; pids: how many different pids answered.
 * With -p the pids are also printed, one a line, after it. With -f FILE it
 * stops early once FILE exists (the driver's "done"). Exit status 0 if
 * every connection was answered, 1 otherwise.
 *
 *   connloop [-p] [-f FILE] ADDRESS COUNT SECONDS
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic microseconds. */
static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Compare two long longs for qsort. */
static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The Pth percentile of the N sorted values V. */
static long long
pct(const long long *v, size_t n, int p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (n * (size_t)p + 99) / 100;
	return v[i == 0 ? 0 : i - 1];
}

int
main(int argc, char **argv)
{
	union {
		struct sockaddr		sa;
		struct sockaddr_in	in;
		struct sockaddr_un	un;
	} a;
	socklen_t alen;
	long long *conn, *reply, start, t0, t1, deadline;
	long *pids = NULL, pid;
	size_t npids = 0, nconn = 0, nreply = 0;
	long count, ok = 0, refused = 0, failed = 0;
	int opt, showpids = 0, family, fd, rc, seconds;
	const char *stopfile = NULL, *addr;
	char buf[64], *colon;
	struct pollfd pfd;
	struct stat st;
	ssize_t r;

	while ((opt = getopt(argc, argv, "pf:")) != -1) {
		if (opt == 'p')
			showpids = 1;
		else if (opt == 'f')
			stopfile = optarg;
		else
			goto usage;
	}
	if (argc - optind != 3)
		goto usage;
	addr = argv[optind];
	count = atol(argv[optind + 1]);
	seconds = atoi(argv[optind + 2]);
	memset(&a, 0, sizeof a);
	if (strncmp(addr, "tcp:", 4) == 0 &&
	    (colon = strrchr(addr + 4, ':')) != NULL) {
		family = AF_INET;
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons((unsigned short)atoi(colon + 1));
		*colon = '\0';
		if (inet_pton(AF_INET, addr + 4, &a.in.sin_addr) != 1)
			goto usage;
		alen = sizeof a.in;
	} else if (strncmp(addr, "unix:", 5) == 0 &&
	    strlen(addr + 5) < sizeof a.un.sun_path) {
		family = AF_UNIX;
		a.un.sun_family = AF_UNIX;
		strcpy(a.un.sun_path, addr + 5);
		alen = sizeof a.un;
	} else
		goto usage;
	if (count < 1 || seconds < 1)
		goto usage;
	conn = calloc((size_t)count, sizeof *conn);
	reply = calloc((size_t)count, sizeof *reply);
	if (conn == NULL || reply == NULL)
		return 2;
	start = now_us();
	deadline = start + (long long)seconds * 1000000;
	for (long i = 0; i < count && now_us() < deadline; i++) {
		if (stopfile != NULL && i % 16 == 0 && stat(stopfile, &st) == 0)
			break;
		if ((fd = socket(family, SOCK_STREAM, 0)) == -1) {
			failed++;
			continue;
		}
		t0 = now_us();
		rc = connect(fd, &a.sa, alen);
		t1 = now_us();
		if (rc == -1) {
			if (errno == ECONNREFUSED)
				refused++;
			else
				failed++;
			close(fd);
			continue;
		}
		conn[nconn++] = t1 - t0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		r = 0;
		rc = poll(&pfd, 1, (int)((deadline - now_us()) / 1000) + 1);
		if (rc == 1)
			r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r <= 0 || buf[r - 1] != '\n') {
			failed++;
			continue;
		}
		reply[nreply++] = now_us() - t0;
		buf[r] = '\0';
		pid = atol(buf);
		size_t k;
		for (k = 0; k < npids && pids[k] != pid; k++)
			;
		if (k == npids) {
			pids = realloc(pids, (npids + 1) * sizeof *pids);
			if (pids == NULL)
				return 2;
			pids[npids++] = pid;
		}
		ok++;
	}
	qsort(conn, nconn, sizeof *conn, cmp_ll);
	qsort(reply, nreply, sizeof *reply, cmp_ll);
	printf("ok=%ld refused=%ld failed=%ld pids=%zu connect_p50_us=%lld "
	    "connect_p99_us=%lld connect_max_us=%lld reply_p99_us=%lld\n",
	    ok, refused, failed, npids, pct(conn, nconn, 50),
	    pct(conn, nconn, 99), nconn ? conn[nconn - 1] : 0,
	    pct(reply, nreply, 99));
	if (showpids)
		for (size_t k = 0; k < npids; k++)
			printf("%ld\n", pids[k]);
	free(conn);
	free(reply);
	free(pids);
	return refused == 0 && failed == 0 ? 0 : 1;
usage:
	fprintf(stderr, "usage: connloop [-p] [-f FILE] tcp:IP:PORT|unix:PATH "
	    "COUNT SECONDS\n");
	return 2;
}
