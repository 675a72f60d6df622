/*
 * fuzz_proto.c: libFuzzer harness for the control protocol parser
 * (lib/proto.c), the code arbord runs on every byte a client sends and
 * arborctl on every byte arbord replies. The input is tried as a request
 * line (proto_parse_request) and, line by line, as reply records
 * (proto_split, then proto_parse_event on "event" records). Parsed
 * requests and events are formatted again and must parse back to the
 * same thing, and any set of fields taken from the input must survive
 * proto_record then proto_split unchanged; a difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Stop the run: a round trip that should hold did not. */
static void
fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_proto: round trip broken: %s\n", what);
	abort();
}

/* Parse DATA as a request; a parsed one must format and parse back. */
static void
fuzz_request(const char *data, size_t len)
{
	struct proto_request req, again;
	const char *words[PROTO_MAX_WORDS];
	char *err, *line;

	if (proto_parse_request(data, len, &req, &err) == -1) {
		if (err == NULL)
			fuzz_fail("refused request without a message");
		free(err);
		return;
	}
	if (err != NULL || req.nwords < 1 || req.nwords > PROTO_MAX_WORDS)
		fuzz_fail("accepted request");
	for (int i = 0; i < req.nwords; i++)
		words[i] = req.words[i];
	if ((line = proto_format_request(words, req.nwords)) == NULL)
		fuzz_fail("cannot format a parsed request");
	if (strlen(line) != len + 1 || memcmp(line, data, len) != 0)
		fuzz_fail("formatted request differs");
	if (proto_parse_request(line, len, &again, &err) == -1)
		fuzz_fail("formatted request refused");
	if (again.nwords != req.nwords)
		fuzz_fail("request word count");
	for (int i = 0; i < req.nwords; i++)
		if (strcmp(again.words[i], req.words[i]) != 0)
			fuzz_fail("request word");
	free(line);
}

/* An event parsed from a record must make the same record again. */
static void
fuzz_event(char **fields, int n)
{
	struct event ev, again;
	struct buf b = { 0 };
	char *f[PROTO_MAX_FIELDS];
	int m;

	if (proto_parse_event(fields, n, &ev) == -1)
		return;
	proto_event_record(&b, &ev);
	if (b.len == 0 || b.s[b.len - 1] != '\n')
		fuzz_fail("event record without its newline");
	b.s[b.len - 1] = '\0';
	m = proto_split(b.s, f, PROTO_MAX_FIELDS);
	if (proto_parse_event(f, m, &again) == -1)
		fuzz_fail("event record refused");
	if (again.ts_ms != ev.ts_ms || again.type != ev.type ||
	    again.kind != ev.kind || again.pid != ev.pid ||
	    again.has_exit != ev.has_exit || again.exit != ev.exit ||
	    again.signal != ev.signal || strcmp(again.path, ev.path) != 0 ||
	    (again.error == NULL) != (ev.error == NULL) ||
	    (ev.error != NULL && strcmp(again.error, ev.error) != 0))
		fuzz_fail("event differs");
	event_free(&again);
	event_free(&ev);
	free(b.s);
}

/* Split each line of DATA as a reply record. */
static void
fuzz_records(const char *data, size_t len)
{
	char *copy = malloc(len + 1), *line, *next;
	char *fields[PROTO_MAX_FIELDS];
	int n;

	if (copy == NULL)
		return;
	memcpy(copy, data, len);
	copy[len] = '\0';
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n = proto_split(line, fields, PROTO_MAX_FIELDS);
		if (n < 1 || n > PROTO_MAX_FIELDS)
			fuzz_fail("field count");
		if (strcmp(fields[0], "event") == 0)
			fuzz_event(fields, n);
	}
	free(copy);
}

/*
 * Take up to PROTO_MAX_FIELDS NUL-separated strings from DATA as fields:
 * proto_record then proto_split must give them back unchanged.
 */
static void
fuzz_roundtrip(const char *data, size_t len)
{
	char *copy = malloc(len + 1), *p, *end;
	const char *in[PROTO_MAX_FIELDS];
	char *out[PROTO_MAX_FIELDS];
	struct buf b = { 0 };
	size_t n = 0;
	int m;

	if (copy == NULL)
		return;
	memcpy(copy, data, len);
	copy[len] = '\0';
	end = copy + len;
	for (p = copy; p <= end && n < PROTO_MAX_FIELDS; p += strlen(p) + 1)
		in[n++] = p;
	proto_record(&b, in, n);
	if (b.len == 0 || b.s[b.len - 1] != '\n' ||
	    memchr(b.s, '\n', b.len - 1) != NULL ||
	    memchr(b.s, '\r', b.len) != NULL)
		fuzz_fail("record is not one line");
	b.s[b.len - 1] = '\0';
	m = proto_split(b.s, out, PROTO_MAX_FIELDS);
	if ((size_t)m != n)
		fuzz_fail("record field count");
	for (size_t i = 0; i < n; i++)
		if (strcmp(in[i], out[i]) != 0)
			fuzz_fail("record field");
	free(b.s);
	free(copy);
}

/* libFuzzer's entry point: one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *s = (const char *)data;
	size_t n;

	/* A request is one line: what arbord reads before the LF. */
	n = memchr(s, '\n', len) != NULL ?
	    (size_t)((const char *)memchr(s, '\n', len) - s) : len;
	fuzz_request(s, n);
	fuzz_records(s, len);
	fuzz_roundtrip(s, len);
	return 0;
}
