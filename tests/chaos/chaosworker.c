/*
 * chaosworker.c: the processes of the chaos test (tests/chaos/run), one
 * binary in three roles, each naming the test's directory TAG in its
 * command line so that leftovers are found with pgrep -f TAG.
 *
 *   chaosworker TAG
 *	A worker, as arbord starts it. It execs itself again as
 *	"chaosworker TAG w PATH" (PATH from $ARBOR_PATH, so each node and
 *	pool instance is told apart in ps), forks a child
 *	"chaosworker TAG c PATH" that waits forever, and waits for it: when
 *	the child dies the worker exits with status 3 (a crash), as a
 *	service does whose helper died. SIGTERM ends both (default action;
 *	arbord signals the process group).
 *
 *   chaosworker TAG hold SOCKET N SECONDS
 *	A client crowd: opens N connections to SOCKET without sending
 *	anything, holds them SECONDS, then reports on stdout
 *	"held=A refused=B hungup=C failed=D": connected and kept, refused
 *	by arbord at once (an error record then EOF: too many clients, or
 *	short of descriptors), hung up on while idle, connect() failing.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Sleep MS milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* What a non-blocking read of FD finds: 0 nothing yet, 1 an error record
 * or EOF (refused or hung up), -1 a read error. */
static int
peek_closed(int fd)
{
	char buf[512];
	ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
	return 1;
}

/* The hold role: N idle connections for SECONDS. */
static int
hold(const char *path, int n, double secs)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int *fds = calloc((size_t)n, sizeof *fds);
	int i, held = 0, refused = 0, hungup = 0, failed = 0;

	if (fds == NULL || strlen(path) >= sizeof sun.sun_path)
		return 2;
	strcpy(sun.sun_path, path);
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] == -1 || connect(fds[i], (struct sockaddr *)&sun,
		    sizeof sun) == -1) {
			if (fds[i] != -1)
				close(fds[i]);
			fds[i] = -1;
			failed++;
		}
	}
	/* A refusal comes at once: give arbord a moment to accept. */
	sleep_ms(300);
	for (i = 0; i < n; i++)
		if (fds[i] != -1 && peek_closed(fds[i])) {
			close(fds[i]);
			fds[i] = -1;
			refused++;
		}
	sleep_ms((long)(secs * 1000));
	for (i = 0; i < n; i++) {
		if (fds[i] == -1)
			continue;
		if (peek_closed(fds[i]))
			hungup++;
		else
			held++;
		close(fds[i]);
	}
	printf("held=%d refused=%d hungup=%d failed=%d\n", held, refused,
	    hungup, failed);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path;
	pid_t child;
	int st;

	if (argc == 6 && strcmp(argv[2], "hold") == 0)
		return hold(argv[3], atoi(argv[4]), atof(argv[5]));
	if (argc == 2) {
		/* Name the node in the command line, then start over. */
		if ((path = getenv("ARBOR_PATH")) == NULL)
			path = "?";
		execl("/proc/self/exe", argv[0], argv[1], "w", path,
		    (char *)NULL);
		perror("chaosworker: exec");
		return 1;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: chaosworker TAG | TAG hold SOCKET N "
		    "SECONDS\n");
		return 2;
	}
	if (strcmp(argv[2], "c") == 0) {
		for (;;)
			pause();
	}
	switch ((child = fork())) {
	case -1:
		perror("chaosworker: fork");
		return 1;
	case 0:
		execl("/proc/self/exe", argv[0], argv[1], "c", argv[3],
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(child, &st, 0) == -1 && errno == EINTR)
		;
	return 3;
}
