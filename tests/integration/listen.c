/*
 * listen.c: a server that stops answering, for the health check tests.
 * It listens on a TCP port of 127.0.0.1 or a Unix socket, accepts and
 * closes every connection for SECONDS (0: for ever), then closes its
 * listening socket and sleeps on, alive but deaf, like a server that
 * deadlocked. It says "listening" and "closed" on stdout.
 *
 *   listen tcp PORT SECONDS
 *   listen unix PATH SECONDS
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic milliseconds. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct pollfd pfd;
	long long end;
	int fd, c, one = 1;

	if (argc != 4 || (strcmp(argv[1], "tcp") != 0 &&
	    strcmp(argv[1], "unix") != 0)) {
		fprintf(stderr, "usage: listen tcp PORT SECONDS | "
		    "listen unix PATH SECONDS\n");
		return 2;
	}
	if (strcmp(argv[1], "tcp") == 0) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		in.sin_port = htons((unsigned short)atoi(argv[2]));
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&in, sizeof in) == -1) {
			perror("bind");
			return 1;
		}
	} else {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(un.sun_path, sizeof un.sun_path, "%s", argv[2]);
		unlink(argv[2]);
		if (bind(fd, (struct sockaddr *)&un, sizeof un) == -1) {
			perror("bind");
			return 1;
		}
	}
	if (listen(fd, 16) == -1) {
		perror("listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	end = atoi(argv[3]) > 0 ? now_ms() + atoi(argv[3]) * 1000LL : -1;
	for (;;) {
		long long left = end < 0 ? 1000 : end - now_ms();

		if (left <= 0)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) > 0 &&
		    (c = accept(fd, NULL, NULL)) != -1)
			close(c);
	}
	close(fd);
	printf("closed\n");
	fflush(stdout);
	for (;;)
		pause();
}
