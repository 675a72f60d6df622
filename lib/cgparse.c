/*
 * cgparse.c: the text of /proc/self/mountinfo, /proc/self/cgroup and the
 * cgroup v2 interface files, parsed without touching the system (see
 * cgparse.h), so that the unit tests cover every shape the kernel writes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgparse.h"
#include "util.h"

/* The field of a mountinfo line that starts at P, up to a space: undo \NNN. */
static char *
mi_field(const char *p, size_t len)
{
	char *s = xmalloc(len + 1), *q = s;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 3 < len && p[i + 1] >= '0' && p[i + 1] <= '3' &&
		    p[i + 2] >= '0' && p[i + 2] <= '7' &&
		    p[i + 3] >= '0' && p[i + 3] <= '7') {
			*q++ = (char)((p[i + 1] - '0') * 64 +
			    (p[i + 2] - '0') * 8 + (p[i + 3] - '0'));
			i += 3;
		} else
			*q++ = p[i];
	}
	*q = '\0';
	return s;
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] -
 * FSTYPE SOURCE SUPEROPTS". The mount point if FSTYPE is cgroup2.
 */
static char *
mi_line_v2(const char *line, size_t len)
{
	const char *end = line + len, *p = line, *mp = NULL, *sep;
	size_t mplen = 0;
	int field = 0;

	while (p < end) {
		const char *f = p;
		while (p < end && *p != ' ')
			p++;
		if (field == 4) {
			mp = f;
			mplen = (size_t)(p - f);
		}
		field++;
		if (p - f == 1 && *f == '-' && field > 6) {
			/* The separator: the file system type follows. */
			sep = p + 1;
			if (sep > end)
				return NULL;
			if ((size_t)(end - sep) >= 8 &&
			    memcmp(sep, "cgroup2 ", 8) == 0 && mp != NULL)
				return mi_field(mp, mplen);
			return NULL;
		}
		while (p < end && *p == ' ')
			p++;
	}
	return NULL;
}

char *
cg_mountinfo_v2(const char *text)
{
	char *first = NULL;

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *mp = mi_line_v2(p, len);

		if (mp != NULL) {
			if (strcmp(mp, "/sys/fs/cgroup") == 0) {
				free(first);
				return mp;
			}
			if (first == NULL)
				first = mp;
			else
				free(mp);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return first;
}

char *
cg_self_path(const char *text)
{
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		if (len >= 4 && memcmp(p, "0::/", 4) == 0)
			return xstrndup(p + 3, len - 3);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* A decimal number or "max" at P, up to the end of its line. */
static int
cg_number(const char *p, int64_t *v)
{
	char *end;
	long long n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "max", 3) == 0 && (p[3] == '\0' || p[3] == '\n' ||
	    p[3] == ' ')) {
		*v = INT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	n = strtoll(p, &end, 10);
	if (errno != 0 || n < 0 || (*end != '\0' && *end != '\n' &&
	    *end != ' '))
		return -1;
	*v = n;
	return 0;
}

int
cg_keyed(const char *text, const char *key, int64_t *v)
{
	size_t klen = strlen(key);

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
			return cg_number(p + klen + 1, v);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return -1;
}

int
cg_single(const char *text, int64_t *v)
{
	return cg_number(text, v);
}

int
cg_has_controller(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; *p != '\0';) {
		while (*p == ' ' || *p == '\n')
			p++;
		const char *w = p;
		while (*p != '\0' && *p != ' ' && *p != '\n')
			p++;
		if ((size_t)(p - w) == len && memcmp(w, name, len) == 0)
			return 1;
	}
	return 0;
}
