/*
 * proto.h: the control protocol between arbord and arborctl, version 1,
 * documented in arbor-protocol(7). One request per connection:
 *
 *   request  = "ARBOR/1" SP command *(SP word) LF	(at most 4096 bytes)
 *   word     = 1*255 printable ASCII characters other than space
 *
 * The reply is a sequence of records, one per line, fields separated by
 * TAB; in every field backslash, TAB, LF and CR are escaped as \\ \t \n \r.
 * The first field names the record:
 *
 *   node	PATH KIND STATE PID SINCE_MS RESTARTS_PERIOD RESTARTS_TOTAL
 *		BACKOFF_MS LAST_ERROR INSTANCES COMMAND
 *		(status, depth-first pre-order)
 *   event	TS_MS TYPE KIND PATH PID EXIT SIGNAL ERROR
 *		(EXIT is -1 when none, SIGNAL 0 when none; TYPE as in events)
 *   log	TS_MS STREAM TEXT PATH		(logs: one output line; STREAM
 *						 "out", "err" or "check", TEXT
 *						 without its newline, PATH
 *						 the node's: a pool's
 *						 instance)
 *   line	TEXT				(a message for people)
 *   following					(events, logs: the backlog is
 *						 done, live records follow)
 *   ok		[TEXT]				(last record: success)
 *   error	TEXT				(last record: failure)
 *
 * KIND is "worker" or "supervisor"; STATE one of starting, running,
 * stopping, stopped, completed, failed, backoff; PID 0 when none;
 * SINCE_MS is wall-clock milliseconds since the epoch; LAST_ERROR may be
 * empty; INSTANCES is a pool's N, 0 for any other node; COMMAND a
 * worker's argv as one line that argv_split() reads back (argv_join()),
 * empty for a supervisor. Unknown trailing fields must be ignored by readers, so records
 * can grow without a new version.
 */
#ifndef ARBOR_PROTO_H
#define ARBOR_PROTO_H

#include <stddef.h>

#include "event.h"
#include "util.h"

#define PROTO_VERSION		"ARBOR/1"
#define PROTO_MAX_REQUEST	4096	/* bytes, newline included */
#define PROTO_MAX_WORDS		8	/* command and arguments */
#define PROTO_MAX_WORD		255
#define PROTO_MAX_FIELDS	32	/* a reader ignores any beyond */

/* A parsed request: words[0] is the command. */
struct proto_request {
	char	*words[PROTO_MAX_WORDS];
	int	 nwords;
	char	 buf[PROTO_MAX_REQUEST];
};

/*
 * Parse one request line (without its LF). Returns 0, or -1 with *err
 * set to a message for the client (unsupported version, bad word...),
 * allocated: the caller frees it. The words point into the request.
 */
int	 proto_parse_request(const char *line, size_t len,
	    struct proto_request *, char **err);
/* "ARBOR/1 cmd args...\n"; NULL if a word is invalid. */
char	*proto_format_request(const char *const *words, int nwords);

/* Append one record of N fields to B, escaped, with its LF. */
void	 proto_record(struct buf *b, const char *const *fields, size_t n);
/*
 * Split LINE (without its LF) into at most max fields in place,
 * unescaping them. Returns the number of fields.
 */
int	 proto_split(char *line, char **fields, int max);

/*
 * The socket when neither -s nor [arbor] socket says: /run/arbor/arbor.sock
 * for root, else $XDG_RUNTIME_DIR/arbor/arbor.sock, else
 * /tmp/arbor-UID/arbor.sock.
 */
char	*proto_default_socket(void);

/*
 * An event as an "event" record, and back from the split fields of one
 * (fields[0] is "event"): 0 with copies of path and error that
 * event_free() releases, or -1 if malformed.
 */
void	 proto_event_record(struct buf *, const struct event *);
int	 proto_parse_event(char *const *fields, int n, struct event *);

#endif
