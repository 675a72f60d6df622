/*
 * client.c: arborctl's side of one control connection. It connects to the
 * daemon's Unix socket, writes a single request line, then reads records
 * until "ok" or "error" (or, for a stream such as "events follow", until
 * the daemon closes the connection). "line" records are printed as they
 * come; everything else goes to the command's handler.
 *
 * A connection that cannot be made is reported to the caller, which may
 * look elsewhere (arborctl.c); one that ends before the reply does means
 * there is no working daemon at that socket: exit status 4. One the
 * socket's permissions refuse, or that the daemon refuses for who we are,
 * reached a daemon that denies access: exit status 5.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "arborctl.h"

#define CLIENT_MAX_RECORD	(1024 * 1024)	/* bytes in one record */

/* Flush stdout; a write error there is a failure of the command. */
void
client_flush(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	if (errno != EPIPE)
		warn("stdout");
	exit(EXIT_REQUEST);
}

/* Connect to SOCKET; see arborctl.h. */
int
client_connect(const char *socket_path, char **why)
{
	struct sockaddr_un sun;
	int fd, r;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof sun.sun_path) {
		*why = xstrdup(strerror(ENAMETOOLONG));
		return -1;
	}
	strcpy(sun.sun_path, socket_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(EXIT_NODAEMON, "socket");
	r = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	/* Interrupted: the connection goes on, wait for it to finish. */
	while (r == -1 && (errno == EINTR || errno == EALREADY)) {
		r = connect(fd, (struct sockaddr *)&sun, sizeof sun);
		if (r == -1 && errno == EISCONN)
			r = 0;
	}
	if (r == -1 && (errno == EACCES || errno == EPERM))
		errx(EXIT_DENIED, "access denied to the daemon at %s: %s (its "
		    "socket's permissions; see [arbor] socket_group)",
		    socket_path, strerror(errno));
	if (r == -1) {
		*why = xstrdup(strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all of S; 0, or -1 with errno set. */
static int
write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Print a "line" record's text. */
static void
print_line(struct reply *r, char **fields, int n)
{
	FILE *f = r->lines != NULL ? r->lines : stdout;

	fprintf(f, "%s\n", n > 1 ? fields[1] : "");
	if (f == stdout)
		client_flush();
	else
		fflush(f);
}

/*
 * Handle one record; returns 1 once the reply is complete, with *status
 * set, else 0.
 */
static int
handle_record(struct reply *r, char *line, int *status)
{
	char *fields[PROTO_MAX_FIELDS];
	int n;

	n = proto_split(line, fields, PROTO_MAX_FIELDS);
	if (strcmp(fields[0], "ok") == 0) {
		free(r->ok_text);
		r->ok_text = xstrdup(n > 1 ? fields[1] : "");
		*status = 0;
		return 1;
	}
	if (strcmp(fields[0], "error") == 0) {
		const char *text = n > 1 && fields[1][0] != '\0' ? fields[1] :
		    "request failed";

		if (r->keep_error) {
			free(r->error_text);
			r->error_text = xstrdup(text);
		} else {
			client_flush();
			warnx("%s", text);
		}
		/* arbord refused us for who we are (arbor-protocol(7)). */
		*status = n > 1 && strncmp(fields[1], "permission denied",
		    17) == 0 ? EXIT_DENIED : EXIT_REQUEST;
		return 1;
	}
	if (strcmp(fields[0], "line") == 0)
		print_line(r, fields, n);
	else {
		if (strcmp(fields[0], "following") == 0)
			r->following = 1;
		/* Only as the last record: if the exec failed, more come. */
		r->reexec = strcmp(fields[0], "reexec") == 0;
		if (r->record != NULL)
			r->record(fields, n, r->arg);
	}
	return 0;
}

/* Write the request WORDS to FD; 0, or -1 with errno set. */
int
client_send(int fd, const char *const *words, int nwords)
{
	char *req;
	int rc;

	if ((req = proto_format_request(words, nwords)) == NULL)
		errx(EXIT_USAGE, "invalid request word");
	rc = write_all(fd, req, strlen(req));
	free(req);
	return rc;
}

/* Handle the complete records at the start of IN; see arborctl.h. */
int
client_records(struct reply *r, struct buf *in, int *status)
{
	size_t off = 0;
	char *nl;
	int done = 0;

	while (!done && in->len > off &&
	    (nl = memchr(in->s + off, '\n', in->len - off)) != NULL) {
		*nl = '\0';
		done = handle_record(r, in->s + off, status);
		off = (size_t)(nl - in->s) + 1;
	}
	if (off > 0) {
		memmove(in->s, in->s + off, in->len - off);
		in->len -= off;
		in->s[in->len] = '\0';
	}
	if (!done && in->len > CLIENT_MAX_RECORD)
		return -1;
	return done;
}

/* Send one request and read its reply; see arborctl.h. */
int
client_request(int fd, const char *socket_path, const char *const *words,
    int nwords, struct reply *r)
{
	struct buf in = { 0 };
	int status = 0, write_errno = 0, done;

	/*
	 * If the write fails the daemon may still have said why before
	 * closing (a refused peer gets an error record): read it.
	 */
	if (client_send(fd, words, nwords) == -1)
		write_errno = errno;
	for (;;) {
		char chunk[8192];
		ssize_t got;

		if ((done = client_records(r, &in, &status)) == 1) {
			close(fd);
			free(in.s);
			return status;
		}
		if (done == -1)
			errx(EXIT_REQUEST, "reply from %s: record longer than "
			    "%d bytes", socket_path, CLIENT_MAX_RECORD);
		got = read(fd, chunk, sizeof chunk);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1 && errno != ECONNRESET)
			err(EXIT_NODAEMON, "read from %s", socket_path);
		if (got <= 0)
			break;
		buf_add(&in, chunk, (size_t)got);
	}
	close(fd);
	free(in.s);
	if (r->stream && r->following)
		return 0;
	if (write_errno != 0)
		errx(EXIT_NODAEMON, "write to %s: %s", socket_path,
		    strerror(write_errno));
	errx(EXIT_NODAEMON, "connection to %s closed before the reply was "
	    "complete", socket_path);
}
