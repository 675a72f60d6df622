/*
 * handoff.c: the record format by which arbord hands its state across an
 * exec of itself (arborctl reexec, SIGUSR2), written by the old binary
 * into a memfd and read by the new one.
 *
 * Like the spawner's hello, it begins with what both sides must agree on:
 * a magic, the format version (HANDOFF_VERSION) and the header's size. A
 * different version is refused with a message saying both; the running
 * arbord asks the new binary for the version it reads (--handoff-check)
 * before it execs it, so a refusal never happens after the exec in
 * practice, but a reader never trusts that. Then come typed records, each
 * a type and a length (32 bits, little-endian) and that many bytes;
 * fields inside are little-endian integers and length-prefixed strings.
 * The reader checks every length against what is left: of the data for a
 * record, of the record for a field. A field that would run past its
 * record reads as zero and marks the handoff bad; a record of a type it
 * does not know is skipped, so that a later format can add records
 * without a new version. The last record is HR_END: without it the data
 * was cut off, and is refused.
 *
 * Pure: no descriptors, no clock. Which records there are, and what they
 * mean, is up to the writers (lib/tree.c's tree_export, daemon/reexec.c).
 */
#include <stdlib.h>
#include <string.h>

#include "handoff.h"

#define STR_NULL	0xffffffffu

/* Start an empty handoff, its header written. */
void
handoff_w_init(struct handoff_w *w)
{
	memset(w, 0, sizeof *w);
	buf_add(&w->b, HANDOFF_MAGIC, HANDOFF_MAGIC_LEN);
	handoff_u32(w, HANDOFF_VERSION);
	handoff_u32(w, HANDOFF_HEADER);
}

/* Release a handoff's buffer. */
void
handoff_w_free(struct handoff_w *w)
{
	free(w->b.s);
	memset(w, 0, sizeof *w);
}

/* Store V at P, little-endian. */
static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Append a 32-bit field. */
void
handoff_u32(struct handoff_w *w, uint32_t v)
{
	unsigned char b[4];

	put32(b, v);
	buf_add(&w->b, (const char *)b, sizeof b);
}

/* Append a 64-bit field. */
void
handoff_i64(struct handoff_w *w, int64_t v)
{
	uint64_t u = (uint64_t)v;

	handoff_u32(w, (uint32_t)u);
	handoff_u32(w, (uint32_t)(u >> 32));
}

/* Append a boolean. */
void
handoff_bool(struct handoff_w *w, bool v)
{
	handoff_u32(w, v ? 1 : 0);
}

/* Append LEN bytes, length first. */
void
handoff_bytes(struct handoff_w *w, const void *p, size_t len)
{
	handoff_u32(w, (uint32_t)len);
	if (len > 0)
		buf_add(&w->b, p, len);
}

/* Append a string, or NULL. */
void
handoff_str(struct handoff_w *w, const char *s)
{
	if (s == NULL)
		handoff_u32(w, STR_NULL);
	else
		handoff_bytes(w, s, strlen(s));
}

/* Begin a record of TYPE; its length is filled in by handoff_end. */
void
handoff_begin(struct handoff_w *w, enum handoff_type type)
{
	handoff_end(w);
	handoff_u32(w, (uint32_t)type);
	w->rec = w->b.len;
	handoff_u32(w, 0);
	w->open = true;
}

/* End the open record: write its length. */
void
handoff_end(struct handoff_w *w)
{
	if (!w->open)
		return;
	put32((unsigned char *)w->b.s + w->rec,
	    (uint32_t)(w->b.len - w->rec - 4));
	w->open = false;
}

/* The last record. */
void
handoff_finish(struct handoff_w *w)
{
	handoff_begin(w, HR_END);
	handoff_end(w);
}

/* The 32-bit value at P, little-endian. */
static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Check the header; see handoff.h. */
int
handoff_r_init(struct handoff_r *r, const void *data, size_t len, char **err)
{
	uint32_t version, hsize;

	memset(r, 0, sizeof *r);
	*err = NULL;
	if (len < HANDOFF_HEADER || memcmp(data, HANDOFF_MAGIC,
	    HANDOFF_MAGIC_LEN) != 0) {
		*err = xstrdup("not an arbord handoff (no magic)");
		return -1;
	}
	r->p = data;
	r->len = len;
	version = get32(r->p + 8);
	hsize = get32(r->p + 12);
	if (version != HANDOFF_VERSION) {
		*err = xasprintf("handoff format version %u, this arbord "
		    "reads version %d", version, HANDOFF_VERSION);
		return -1;
	}
	if (hsize < HANDOFF_HEADER || hsize > len) {
		*err = xasprintf("handoff header size %u is wrong", hsize);
		return -1;
	}
	r->off = hsize;
	return 0;
}

/* Move to the next record; see handoff.h. */
int
handoff_next(struct handoff_r *r, char **err)
{
	uint32_t type, rlen;

	*err = NULL;
	if (r->ended)
		return 0;
	if (r->len - r->off < 8) {
		*err = xstrdup("handoff cut off (no end record)");
		return -1;
	}
	type = get32(r->p + r->off);
	rlen = get32(r->p + r->off + 4);
	if (rlen > r->len - r->off - 8) {
		*err = xasprintf("handoff record of type %u: length %u runs "
		    "past the end", type, rlen);
		return -1;
	}
	r->type = (enum handoff_type)type;
	r->rec = r->p + r->off + 8;
	r->rlen = rlen;
	r->roff = 0;
	r->bad = false;
	r->off += 8 + (size_t)rlen;
	if (type == HR_END) {
		r->ended = true;
		return 0;
	}
	return 1;
}

/* Take N bytes of the current record, or NULL (marked bad). */
static const unsigned char *
take(struct handoff_r *r, size_t n)
{
	const unsigned char *p;

	if (r->bad || n > r->rlen - r->roff) {
		r->bad = true;
		return NULL;
	}
	p = r->rec + r->roff;
	r->roff += n;
	return p;
}

/* A 32-bit field. */
uint32_t
handoff_get_u32(struct handoff_r *r)
{
	const unsigned char *p = take(r, 4);

	return p != NULL ? get32(p) : 0;
}

/* A 64-bit field. */
int64_t
handoff_get_i64(struct handoff_r *r)
{
	uint64_t lo = handoff_get_u32(r), hi = handoff_get_u32(r);

	return (int64_t)(lo | hi << 32);
}

/* A boolean field (anything but 0 or 1 is bad). */
bool
handoff_get_bool(struct handoff_r *r)
{
	uint32_t v = handoff_get_u32(r);

	if (v > 1)
		r->bad = true;
	return v == 1;
}

/* A byte field. */
const void *
handoff_get_bytes(struct handoff_r *r, size_t *len)
{
	uint32_t n = handoff_get_u32(r);
	const unsigned char *p;

	*len = 0;
	if (r->bad || n == STR_NULL)
		return NULL;
	if ((p = take(r, n)) == NULL)
		return NULL;
	*len = n;
	return p;
}

/* A string field (NUL inside is bad). */
char *
handoff_get_str(struct handoff_r *r)
{
	const unsigned char *p;
	uint32_t n;
	char *s;

	n = handoff_get_u32(r);
	if (r->bad || n == STR_NULL)
		return NULL;
	if ((p = take(r, n)) == NULL)
		return NULL;
	if (memchr(p, '\0', n) != NULL) {
		r->bad = true;
		return NULL;
	}
	s = xmalloc((size_t)n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}
