/*
 * arborctl.h: the parts of arborctl shared between its files: exit
 * statuses, the connection to the daemon (arborctl.c), the client side of
 * a request (client.c), the rendering of a status reply for people and
 * programs (status.c), and the live view of "top" (top.c, its pure part
 * topview.c).
 */
#ifndef ARBORCTL_H
#define ARBORCTL_H

#include <stdint.h>
#include <stdio.h>

#include "status.h"

#include "util.h"

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
	int	  reexec;	/* ... then "reexec": arbord re-executes */
	char	 *ok_text;	/* the text of "ok", "" if none */
	int	  keep_error;	/* keep "error" in error_text, not print it */
	char	 *error_text;	/* with keep_error: the text of "error" */
};

/*
 * The daemon's connection (arborctl.c): a descriptor connected to it, as
 * -s, -c, $ARBOR_SOCKET or the defaults say, or exit with EXIT_NODAEMON
 * naming every place looked at; the socket that answered; one request
 * there and its exit status (0, or that of client_request()).
 */
int		 daemon_connect(void);
const char	*daemon_socket(void);
int		 daemon_request(const char *const *words, int nwords,
		    struct reply *);

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
/* Write the request WORDS to FD: 0, or -1 with errno set. */
int	 client_send(int fd, const char *const *words, int nwords);
/*
 * Hand the complete records at the start of IN to R and remove them: 1
 * once the reply is complete ("ok" or "error", *STATUS set as by
 * client_request()), 0 if more is to come, -1 if IN holds an incomplete
 * record longer than any the daemon sends.
 */
int	 client_records(struct reply *r, struct buf *in, int *status);
/* Flush stdout; exit with EXIT_REQUEST if it cannot be written. */
void	 client_flush(void);

/* The nodes of a status reply (lib/status.h), rendered. */

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
/* Bytes as people read them: 512B, 12.3M, 2.0G. */
void		 status_bytes(struct buf *, int64_t);
/* Append S with control characters made visible, for a terminal. */
void		 status_visible(struct buf *, const char *s);
/* Columns S takes on a terminal: UTF-8 continuation bytes take none. */
size_t		 status_width(const char *s);
/* Append the tree glyphs and name of node I. */
void		 status_name_column(const struct status *, size_t i, int utf8,
		    struct buf *);
/* The ANSI colour of a node in STATE, or NULL. */
const char	*status_state_colour(const char *state);
/* True if a node in STATE has a process or is on its way up or down. */
int		 status_state_up(const char *state);
/* Append the LAST ERROR of node SN (ALWAYS: also while it is up). */
void		 status_error_column(const struct status_node *, int always,
		    struct buf *);

/* top (top.c): the live view of the tree under PATH (NULL: all). */
struct top_options {
	const char	*path;
	int64_t		 delay_ms;	/* between refreshes */
	long		 iterations;	/* refreshes before exiting, 0: no end */
};
int		 top_run(const struct top_options *);

/* The rows of top (topview.c). */
#define TOP_NCOLS	9	/* path state pid cpu% mem restarts uptime
				   health last-error */
enum top_sort {
	TOP_SORT_TREE, TOP_SORT_CPU, TOP_SORT_MEMORY, TOP_SORT_RESTARTS,
	TOP_SORT_PID
};
#define TOP_NSORTS	5

struct topview {
	size_t		 n;		/* nodes */
	size_t		*order;		/* the node shown in each row */
	struct buf	*cells;		/* (n + 1) * TOP_NCOLS, row 0 the
					   header */
	size_t		 w[TOP_NCOLS];	/* column widths */
};

const char	*topview_sort_name(enum top_sort);
/* Fill ORDER (status_count() entries) with the nodes in the order KEY. */
void		 topview_order(const struct status *, enum top_sort,
		    size_t *order);
/* "12.3" for 123 per mille, "-" if unknown (-1). */
void		 topview_percent(struct buf *, int64_t permille);
/* Build the rows of a status in the order KEY, at NOW_MS (wall clock). */
void		 topview_build(struct topview *, const struct status *,
		    enum top_sort, int64_t now_ms, int utf8);
void		 topview_free(struct topview *);
/* Append what of S fits before column LIMIT (0: all); *COL counts. */
void		 topview_fit(struct buf *, const char *s, size_t *col,
		    size_t limit);
/*
 * Append row R (0 the header) cut at WIDTH columns (0: no limit), the
 * STATE cell in COLOUR unless NULL.
 */
void		 topview_line(const struct topview *, size_t r, size_t width,
		    const char *colour, struct buf *);
/* "5 nodes: 3 running, 1 backoff, 1 failed". */
void		 topview_summary(const struct status *, struct buf *);

#endif
