/*
 * arborctl.h: the parts of arborctl shared between its files: exit
 * statuses, the client side of a request (client.c) and the rendering of
 * a status reply for people and programs (status.c).
 */
#ifndef ARBORCTL_H
#define ARBORCTL_H

#include <stdint.h>
#include <stdio.h>

/* On the LSB convention for status, as systemctl and supervisorctl. */
#define EXIT_REQUEST	1	/* the request failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_NOTRUNNING	3	/* status, is-running: a node is not running */
#define EXIT_NODAEMON	4	/* no daemon reachable at the socket */
#define EXIT_DENIED	5	/* a daemon is there; access is denied */

/* What the records of a reply are handed to. */
struct reply {
	/* Records other than line, ok and error; NULL ignores them. */
	void	(*record)(char **fields, int n, void *arg);
	void	 *arg;
	FILE	 *lines;	/* where "line" records are printed */
	int	  stream;	/* EOF after "following" ends it normally */
	int	  following;	/* a "following" record has arrived */
	char	 *ok_text;	/* the text of "ok", "" if none */
};

/*
 * Connect to the daemon at SOCKET: the descriptor, or -1 with *WHY set
 * (allocated) when no daemon answers there. Exits with EXIT_DENIED when
 * one is there but the socket's permissions refuse us.
 */
int	 client_connect(const char *socket, char **why);
/*
 * Send one request over FD, connected to SOCKET, read its reply and close
 * FD. Returns 0 on "ok" (or the end of a stream), 1 after printing the
 * text of "error" (EXIT_DENIED if the daemon refused us); exits with
 * EXIT_NODAEMON if the connection ends before the reply does.
 */
int	 client_request(int fd, const char *socket, const char *const *words,
	    int nwords, struct reply *);
/* Flush stdout; exit with EXIT_REQUEST if it cannot be written. */
void	 client_flush(void);

/* The nodes of a status reply, in the order they came. */
struct status;

struct status	*status_new(void);
void		 status_free(struct status *);
/* Add the fields of a "node" record; a malformed one is skipped. */
void		 status_add(char **fields, int n, void *status);
size_t		 status_count(const struct status *);
/* Print the tree for people, the JSON object, or every path. */
void		 status_print_text(const struct status *, int64_t now_ms,
		    int colour, int utf8);
void		 status_print_json(const struct status *);
void		 status_print_paths(const struct status *);
/* 0 if every node (SELF: the top one) is running or completed, else 3. */
int		 status_running(const struct status *, int self);
/* A single worker's command line ("" if not sent), else NULL. */
const char	*status_worker_command(const struct status *);
/* A single worker's held sockets' addresses (argv_join), else NULL. */
const char	*status_worker_listen(const struct status *);
/* Print S with control characters made visible, and a newline. */
void		 status_print_visible(const char *);

/* "5s", "2m13s", "1h02m", "3d04h" into BUF. */
char		*status_duration(int64_t ms, char *buf, size_t len);

#endif
