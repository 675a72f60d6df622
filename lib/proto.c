/*
 * proto.c: the control protocol of proto.h, shared by arbord and arborctl
 * and documented in arbor-protocol(7). It parses and formats the one-line
 * requests, escapes and splits the TAB-separated reply records, converts
 * events to and from "event" records, and knows the default socket path.
 *
 * Requests are checked strictly (a daemon must never act on a request it
 * only half understood); records are read leniently (unknown escapes are
 * kept, unknown trailing fields ignored) so that replies can grow without
 * a new protocol version.
 */
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

#define PROTO_PREFIX		"ARBOR/"

/* Event types in enum order, for parsing by name. */
static const enum event_type event_types[] = {
	EV_PROCESS_STARTED, EV_PROCESS_START_FAILED, EV_PROCESS_FAILED,
	EV_PROCESS_TERMINATED, EV_PROCESS_COMPLETED, EV_PROCESS_READY,
	EV_PROCESS_UNHEALTHY, EV_PROCESS_DRAINING, EV_ARBOR_REEXEC,
};

/* True if C may appear in a request word. */
static int
word_char(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

/* True if S (NUL-terminated) is a valid request word. */
static int
word_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!word_char((unsigned char)s[n]))
			return 0;
	return n >= 1 && n <= PROTO_MAX_WORD;
}

/* Check the version word, the printable bytes the line starts with. */
static int
check_version(const char *line, size_t len, char **err)
{
	size_t vlen = strlen(PROTO_VERSION), n;

	for (n = 0; n < len && word_char((unsigned char)line[n]); n++)
		;
	if (n == vlen && memcmp(line, PROTO_VERSION, vlen) == 0)
		return 0;
	if (n <= PROTO_MAX_WORD)
		*err = xasprintf("unsupported protocol version '%.*s' "
		    "(this arbord speaks %s)", (int)n, line, PROTO_VERSION);
	else
		*err = xasprintf("unsupported protocol version "
		    "(this arbord speaks %s)", PROTO_VERSION);
	return -1;
}

/* Parse one request line (without its LF) into REQ. */
int
proto_parse_request(const char *line, size_t len, struct proto_request *req,
    char **err)
{
	size_t vlen = strlen(PROTO_VERSION), i, start;
	char *p;

	*err = NULL;
	memset(req->words, 0, sizeof req->words);
	req->nwords = 0;
	req->buf[0] = '\0';

	if (len > PROTO_MAX_REQUEST - 1) {
		*err = xasprintf("request too long (%zu bytes, at most %d "
		    "with the newline)", len + 1, PROTO_MAX_REQUEST);
		return -1;
	}
	if (len < strlen(PROTO_PREFIX) ||
	    memcmp(line, PROTO_PREFIX, strlen(PROTO_PREFIX)) != 0) {
		*err = xasprintf("not an arbor request (expected \"%s "
		    "COMMAND [ARGUMENT ...]\")", PROTO_VERSION);
		return -1;
	}
	if (check_version(line, len, err) == -1)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c != ' ' && !word_char(c)) {
			*err = xasprintf("non-printable byte 0x%02x at "
			    "position %zu (words are printable ASCII)", c,
			    i + 1);
			return -1;
		}
	}
	if (len == vlen) {
		*err = xstrdup("missing command");
		return -1;
	}

	/* line[vlen] is the space after the version. */
	memcpy(req->buf, line + vlen + 1, len - vlen - 1);
	req->buf[len - vlen - 1] = '\0';
	p = req->buf;
	start = vlen + 1;
	for (;;) {
		char *sp = strchr(p, ' ');
		size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);

		if (n == 0) {
			*err = xasprintf("empty word at position %zu (words "
			    "are separated by exactly one space)", start + 1);
			goto fail;
		}
		if (n > PROTO_MAX_WORD) {
			*err = xasprintf("word too long at position %zu "
			    "(%zu bytes, at most %d)", start + 1, n,
			    PROTO_MAX_WORD);
			goto fail;
		}
		if (req->nwords == PROTO_MAX_WORDS) {
			*err = xasprintf("too many words (a command and at "
			    "most %d arguments)", PROTO_MAX_WORDS - 1);
			goto fail;
		}
		req->words[req->nwords++] = p;
		if (sp == NULL)
			break;
		*sp = '\0';
		start += n + 1;
		p = sp + 1;
	}
	return 0;
fail:
	memset(req->words, 0, sizeof req->words);
	req->nwords = 0;
	return -1;
}

/* Format "ARBOR/1 WORD...\n"; NULL if a word or their number is invalid. */
char *
proto_format_request(const char *const *words, int nwords)
{
	struct buf b = { 0 };

	if (nwords < 1 || nwords > PROTO_MAX_WORDS)
		return NULL;
	for (int i = 0; i < nwords; i++)
		if (words[i] == NULL || !word_valid(words[i]))
			return NULL;
	buf_add(&b, PROTO_VERSION, strlen(PROTO_VERSION));
	for (int i = 0; i < nwords; i++) {
		buf_add(&b, " ", 1);
		buf_add(&b, words[i], strlen(words[i]));
	}
	buf_add(&b, "\n", 1);
	if (b.len > PROTO_MAX_REQUEST) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Append S to B with backslash, TAB, LF and CR escaped. */
static void
buf_escaped(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *esc;

		switch (*s) {
		case '\\':	esc = "\\\\"; break;
		case '\t':	esc = "\\t"; break;
		case '\n':	esc = "\\n"; break;
		case '\r':	esc = "\\r"; break;
		default:	continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_add(b, esc, 2);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
}

/* Append one record of N fields (NULL is an empty field), with its LF. */
void
proto_record(struct buf *b, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_add(b, "\t", 1);
		buf_escaped(b, fields[i] != NULL ? fields[i] : "");
	}
	buf_add(b, "\n", 1);
}

/* Unescape the NUL-terminated field S in place. */
static void
unescape(char *s)
{
	char *d = s;

	while (*s != '\0') {
		if (s[0] != '\\' || s[1] == '\0') {
			*d++ = *s++;
			continue;
		}
		switch (s[1]) {
		case '\\':	*d++ = '\\'; break;
		case 't':	*d++ = '\t'; break;
		case 'n':	*d++ = '\n'; break;
		case 'r':	*d++ = '\r'; break;
		default:	/* unknown: keep both characters */
			*d++ = s[0];
			*d++ = s[1];
			break;
		}
		s += 2;
	}
	*d = '\0';
}

/*
 * Split LINE at its TABs into at most MAX fields, in place, and unescape
 * them; fields beyond MAX are ignored. Returns the number of fields.
 */
int
proto_split(char *line, char **fields, int max)
{
	int n = 0;

	while (n < max) {
		char *tab = strchr(line, '\t');

		if (tab != NULL)
			*tab = '\0';
		fields[n++] = line;
		if (tab == NULL)
			break;
		line = tab + 1;
	}
	for (int i = 0; i < n; i++)
		unescape(fields[i]);
	return n;
}

/* The default socket path (allocated). */
char *
proto_default_socket(void)
{
	const char *xdg;

	if (geteuid() == 0)
		return xstrdup("/run/arbor/arbor.sock");
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/arbor/arbor.sock", xdg);
	return xasprintf("/tmp/arbor-%ju/arbor.sock", (uintmax_t)geteuid());
}

/* Append EV as an "event" record. */
void
proto_event_record(struct buf *b, const struct event *ev)
{
	char ts[32], pid[32], ex[32], sig[32];
	const char *f[11];
	size_t n = 9;

	snprintf(ts, sizeof ts, "%" PRId64, ev->ts_ms);
	snprintf(pid, sizeof pid, "%ld", (long)ev->pid);
	snprintf(ex, sizeof ex, "%d", ev->has_exit ? ev->exit : -1);
	snprintf(sig, sizeof sig, "%d", ev->signal);
	f[0] = "event";
	f[1] = ts;
	f[2] = event_type_name(ev->type);
	f[3] = ev->kind == NODE_WORKER ? "worker" : "supervisor";
	f[4] = ev->path != NULL ? ev->path : "";
	f[5] = pid;
	f[6] = ex;
	f[7] = sig;
	f[8] = ev->error != NULL ? ev->error : "";
	/* ArborReexec: the versions, after the fields every event has. */
	if (ev->old_version != NULL || ev->new_version != NULL) {
		f[9] = ev->old_version != NULL ? ev->old_version : "";
		f[10] = ev->new_version != NULL ? ev->new_version : "";
		n = 11;
	}
	proto_record(b, f, n);
}

/* Parse a decimal integer within [min, max]; 0, or -1 if it is not one. */
static int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	long long v;
	char *end;

	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parse the fields of an "event" record (FIELDS[0] is "event") into EV,
 * which then owns copies of the path and the error. Returns 0, or -1
 * (leaving EV alone) if the record is malformed.
 */
int
proto_parse_event(char *const *fields, int n, struct event *ev)
{
	int64_t ts, pid, ex, sig;
	enum event_type type;
	enum node_kind kind;
	size_t i;

	if (n < 9 || strcmp(fields[0], "event") != 0)
		return -1;
	if (parse_int(fields[1], INT64_MIN, INT64_MAX, &ts) == -1)
		return -1;
	for (i = 0; i < sizeof event_types / sizeof event_types[0]; i++)
		if (strcmp(fields[2], event_type_name(event_types[i])) == 0)
			break;
	if (i == sizeof event_types / sizeof event_types[0])
		return -1;
	type = event_types[i];
	if (strcmp(fields[3], "worker") == 0)
		kind = NODE_WORKER;
	else if (strcmp(fields[3], "supervisor") == 0)
		kind = NODE_SUPERVISOR;
	else
		return -1;
	if (fields[4][0] == '\0')
		return -1;
	if (parse_int(fields[5], 0, INT_MAX, &pid) == -1 ||
	    parse_int(fields[6], -1, 255, &ex) == -1 ||
	    parse_int(fields[7], 0, NSIG - 1, &sig) == -1)
		return -1;

	memset(ev, 0, sizeof *ev);
	ev->ts_ms = ts;
	ev->type = type;
	ev->kind = kind;
	ev->path = xstrdup(fields[4]);
	ev->pid = (pid_t)pid;
	ev->has_exit = ex != -1;
	ev->exit = ex != -1 ? (int)ex : 0;
	ev->signal = (int)sig;
	ev->error = fields[8][0] != '\0' ? xstrdup(fields[8]) : NULL;
	if (n >= 11) {
		ev->old_version = fields[9][0] != '\0' ? xstrdup(fields[9]) :
		    NULL;
		ev->new_version = fields[10][0] != '\0' ?
		    xstrdup(fields[10]) : NULL;
	}
	return 0;
}
