/*
 * notifylisten.c: a stand-in for systemd's notification socket (and for
 * syslog's /dev/log) in the integration tests. It binds a datagram Unix
 * socket at PATH (or in the abstract namespace if PATH starts with '@'),
 * prints "# listening on PATH" once it is bound, then prints every
 * datagram it receives as one line, newlines inside it written as "\n",
 * flushing after each, until it is killed. A socket file it created is
 * removed on SIGTERM or SIGINT.
 *
 *   notifylisten PATH > lines
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *path;

/* SIGTERM, SIGINT: remove the socket file and exit. */
static void
done(int sig)
{
	(void)sig;
	if (path[0] != '@')
		unlink(path);
	_exit(0);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	char buf[65536];
	ssize_t n;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof sun.sun_path) {
		fprintf(stderr, "usage: notifylisten PATH | @NAME\n");
		return 2;
	}
	path = argv[1];
	memcpy(sun.sun_path, path, strlen(path));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	signal(SIGTERM, done);
	signal(SIGINT, done);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1) {
		perror("notifylisten: bind");
		return 1;
	}
	printf("# listening on %s\n", path);
	fflush(stdout);
	for (;;) {
		n = recv(fd, buf, sizeof buf, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			perror("notifylisten: recv");
			return 1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				fputs("\\n", stdout);
			else
				putchar(buf[i]);
		}
		putchar('\n');
		fflush(stdout);
	}
}
