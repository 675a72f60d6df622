/*
 * rawclient.c: a deliberately naive control socket client for the
 * integration tests. It sends its standard input to the socket as it is
 * (no framing, no checks), then prints whatever the daemon answers until
 * EOF. With -c it closes the connection right after sending, without
 * reading: a client that vanishes mid-reply. With -n it never reads and
 * waits to be killed: a client that stops reading. With -h it shuts down
 * its side for writing once it has sent (a half-close), then reads. With
 * -i it sends nothing at all and reads: an idle client.
 *
 *   rawclient [-c | -n | -h | -i] SOCKET < request
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, close_early = 0, never_read = 0, half_close = 0, idle = 0;
	char buf[65536];
	ssize_t n;

	if (argc > 1 && (strcmp(argv[1], "-c") == 0 ||
	    strcmp(argv[1], "-n") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "-i") == 0)) {
		close_early = argv[1][1] == 'c';
		never_read = argv[1][1] == 'n';
		half_close = argv[1][1] == 'h';
		idle = argv[1][1] == 'i';
		argv++;
		argc--;
	}
	if (argc != 2 || strlen(argv[1]) >= sizeof sun.sun_path) {
		fprintf(stderr, "usage: rawclient [-c | -n | -h | -i] SOCKET < "
		    "request\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	strcpy(sun.sun_path, argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		perror("rawclient: connect");
		return 3;
	}
	/* Send everything; the daemon may hang up early (EPIPE): fine. */
	while (!idle && (n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	if (close_early)
		return close(fd) == 0 ? 0 : 1;
	if (half_close && shutdown(fd, SHUT_WR) == -1) {
		perror("rawclient: shutdown");
		return 1;
	}
	if (never_read)
		for (;;)
			pause();
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	return n == 0 || errno == ECONNRESET ? 0 : 1;
}
