/*
 * lsserver.c: a server for the held-socket tests (key listen). It takes
 * its listening sockets as systemd passes them (LISTEN_FDS descriptors
 * from 3, LISTEN_PID its own pid), accepts on all of them and writes its
 * pid and a newline to each connection, then closes it.
 *
 *   lsserver [-e] [-b PORT] [-p PIDFILE]
 *
 * -e   first print LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES and, for each
 *      descriptor, whether it is a listening socket, close-on-exec or
 *      non-blocking ("fd 3 listening cloexec=0 nonblock=0"), then
 *      "serving", on stdout
 * -b   bind 127.0.0.1:PORT itself (SO_REUSEADDR) instead, as a server
 *      without socket activation does (for the benchmark)
 * -p   once serving, write its pid to PIDFILE (atomically: a rename)
 *
 * It exits 3 if LISTEN_PID is not its pid or LISTEN_FDS is missing.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXFDS	64

/* Bind 127.0.0.1:PORT with SO_REUSEADDR and listen; the descriptor. */
static int
bind_own(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		exit(1);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		perror("bind");
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct pollfd pfd[MAXFDS];
	const char *e, *p;
	char line[32];
	int n = 0, opt, show = 0, port = 0, len, fd, fl, fdfl, acc;
	const char *pidfile = NULL;
	char tmp[4096];
	FILE *f;
	socklen_t olen;

	while ((opt = getopt(argc, argv, "eb:p:")) != -1) {
		switch (opt) {
		case 'e':
			show = 1;
			break;
		case 'b':
			port = atoi(optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: lsserver [-e] [-b PORT] "
			    "[-p PIDFILE]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (port > 0) {
		pfd[0].fd = bind_own(port);
		n = 1;
	} else {
		e = getenv("LISTEN_FDS");
		p = getenv("LISTEN_PID");
		if (show)
			printf("LISTEN_FDS=%s\nLISTEN_PID=%s\nLISTEN_FDNAMES="
			    "%s\nPID=%ld\n", e ? e : "", p ? p : "",
			    getenv("LISTEN_FDNAMES") ?
			    getenv("LISTEN_FDNAMES") : "", (long)getpid());
		if (e == NULL || p == NULL || atol(p) != (long)getpid()) {
			fprintf(stderr, "lsserver: LISTEN_PID %s is not my "
			    "pid %ld\n", p ? p : "(unset)", (long)getpid());
			return 3;
		}
		n = atoi(e);
		if (n < 1 || n > MAXFDS) {
			fprintf(stderr, "lsserver: LISTEN_FDS=%s\n", e);
			return 3;
		}
		for (int i = 0; i < n; i++)
			pfd[i].fd = 3 + i;
	}
	for (int i = 0; i < n; i++) {
		pfd[i].events = POLLIN;
		if (!show)
			continue;
		olen = sizeof acc;
		acc = 0;
		(void)getsockopt(pfd[i].fd, SOL_SOCKET, SO_ACCEPTCONN, &acc,
		    &olen);
		fdfl = fcntl(pfd[i].fd, F_GETFD);
		fl = fcntl(pfd[i].fd, F_GETFL);
		printf("fd %d %s cloexec=%d nonblock=%d\n", pfd[i].fd,
		    acc ? "listening" : "not-listening",
		    fdfl != -1 && (fdfl & FD_CLOEXEC) != 0,
		    fl != -1 && (fl & O_NONBLOCK) != 0);
	}
	if (show)
		printf("serving\n");
	if (pidfile != NULL) {
		snprintf(tmp, sizeof tmp, "%s.%ld", pidfile, (long)getpid());
		if ((f = fopen(tmp, "w")) == NULL) {
			perror(tmp);
			return 1;
		}
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
		if (rename(tmp, pidfile) == -1) {
			perror(pidfile);
			return 1;
		}
	}
	len = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if ((fd = accept(pfd[i].fd, NULL, NULL)) == -1)
				continue;
			(void)!write(fd, line, (size_t)len);
			close(fd);
		}
	}
}
