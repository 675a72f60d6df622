/*
 * sdnotify.c: sends its argument as one datagram to $NOTIFY_SOCKET (a
 * path, or an abstract name starting with '@'), like systemd-notify, for
 * the integration tests' workers with ready = notify.
 *
 *   sdnotify READY=1
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = getenv("NOTIFY_SOCKET");
	size_t len;
	int fd;

	if (argc != 2 || path == NULL || (len = strlen(path)) == 0 ||
	    len >= sizeof sun.sun_path) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=... sdnotify MESSAGE\n");
		return 2;
	}
	memcpy(sun.sun_path, path, len);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1) {
		perror("sdnotify");
		return 1;
	}
	return 0;
}
