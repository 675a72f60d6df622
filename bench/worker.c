/*
 * worker.c: the benchmark's supervised program. The first thing main()
 * does is read CLOCK_MONOTONIC; it writes "NS PID\n" (one atomic write) to
 * the FIFO named by $BENCH_FIFO, else argv[1], else ./bench.fifo (so that
 * runit's and s6's ./run can be a symlink to it), signals readiness on
 * descriptor $BENCH_READY_FD if set (a newline, as s6's notification-fd),
 * and then sleeps until a signal kills it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	const char *fifo, *rfd;
	char line[64];
	int fd, n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fifo = getenv("BENCH_FIFO");
	if (fifo == NULL)
		fifo = argc > 1 ? argv[1] : "bench.fifo";
	n = snprintf(line, sizeof line, "%lld %ld\n",
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, (long)getpid());
	/* s6-supervise passes the service's name as argv[1]: not a FIFO. */
	if ((fd = open(fifo, O_WRONLY | O_CLOEXEC)) == -1 ||
	    write(fd, line, 0) == -1) {
		if (fd != -1)
			close(fd);
		fd = open("bench.fifo", O_WRONLY | O_CLOEXEC);
	}
	if (fd != -1) {
		if (write(fd, line, (size_t)n) != n)
			return 1;
		close(fd);
	}
	if ((rfd = getenv("BENCH_READY_FD")) != NULL) {
		fd = atoi(rfd);
		if (write(fd, "\n", 1) == 1)
			close(fd);
	}
	for (;;)
		pause();
}
