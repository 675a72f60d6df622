/*
 * listenspec.c: one address of the key listen, from its text to a plain
 * struct listen_spec; daemon/listen.c binds what it describes. Addresses:
 *
 *   tcp:HOST:PORT   HOST an IPv4 address, [IPv6], localhost (127.0.0.1),
 *                   * or nothing (0.0.0.0, every IPv4 address); [::] is
 *                   every address, IPv6 and IPv4 as the kernel maps them
 *   unix:PATH       a file (relative to the worker's directory), or
 *                   @NAME in the abstract namespace (no file)
 *
 * with options after commas: backlog=N (both), reuseport (tcp),
 * mode=OCTAL and owner=USER[:GROUP] (a unix file). Host names are
 * refused, as in health = tcp:, so that nothing waits on DNS; an owner is
 * looked up here, when the file is loaded, like user. The messages are
 * the parenthesis of "invalid listen 'WORD' (...)".
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "listenspec.h"

/* Room for a path in a sockaddr_un, with its NUL. */
#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path))

/* HOST of tcp: into L: 0, or -1 if it is not an address arbord takes. */
static int
tcp_host(const char *host, size_t len, struct listen_spec *l)
{
	char buf[INET6_ADDRSTRLEN + 2];

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, host, len);
	buf[len] = '\0';
	memset(l->ip, 0, sizeof l->ip);
	if (len >= 2 && buf[0] == '[' && buf[len - 1] == ']') {
		buf[len - 1] = '\0';
		l->family = AF_INET6;
		return inet_pton(AF_INET6, buf + 1, l->ip) == 1 ? 0 : -1;
	}
	l->family = AF_INET;
	if (len == 0 || strcmp(buf, "*") == 0)
		return 0;
	if (strcmp(buf, "localhost") == 0)
		return inet_pton(AF_INET, "127.0.0.1", l->ip) == 1 ? 0 : -1;
	if (inet_pton(AF_INET, buf, l->ip) == 1)
		return 0;
	l->family = AF_INET6;
	return inet_pton(AF_INET6, buf, l->ip) == 1 ? 0 : -1;
}

/* ADDR ("tcp:H:P", "unix:P", without options) into L; 0 or -1, *ERR. */
static int
parse_addr(const char *addr, struct listen_spec *l, char **err)
{
	const char *rest, *colon;
	char *end;
	long port;

	if (strncmp(addr, "tcp:", 4) == 0) {
		l->kind = LISTEN_TCP;
		rest = addr + 4;
		colon = strrchr(rest, ':');
		if (colon == NULL || colon[1] == '\0') {
			*err = xstrdup("tcp: needs HOST:PORT");
			return -1;
		}
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || colon[1] < '0' || colon[1] > '9' ||
		    port < 1 || port > 65535) {
			*err = xstrdup("tcp: needs a port from 1 to 65535");
			return -1;
		}
		l->port = (int)port;
		if (tcp_host(rest, (size_t)(colon - rest), l) == -1) {
			*err = xstrdup("tcp: HOST must be an IP address, "
			    "[IPv6], localhost or *: arbord does not look "
			    "names up");
			return -1;
		}
		return 0;
	}
	if (strncmp(addr, "unix:", 5) == 0) {
		l->kind = LISTEN_UNIX;
		rest = addr + 5;
		if (*rest == '\0' || (rest[0] == '@' && rest[1] == '\0')) {
			*err = xstrdup("unix: needs a path, or @NAME");
			return -1;
		}
		if (strlen(rest) >= SUN_PATH_MAX) {
			*err = xasprintf("unix: a path has at most %zu "
			    "characters", SUN_PATH_MAX - 1);
			return -1;
		}
		l->path = xstrdup(rest);
		return 0;
	}
	*err = xstrdup("expected tcp:HOST:PORT or unix:PATH, with options "
	    "such as ,backlog=N");
	return -1;
}

/* USER[:GROUP] of owner= into L: 0, or -1 and *ERR. */
static int
parse_owner(const char *v, struct listen_spec *l, char **err)
{
	char *user, *colon;
	struct passwd *pw;
	struct group *gr;
	int rc = 0;

	if (*v == '\0' || *v == ':' || v[strlen(v) - 1] == ':') {
		*err = xstrdup("owner= needs USER or USER:GROUP");
		return -1;
	}
	user = xstrdup(v);
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		*err = xasprintf("unknown user '%s'", user);
		rc = -1;
	} else {
		l->uid = pw->pw_uid;
		l->gid = pw->pw_gid;
		if (colon != NULL && (gr = getgrnam(colon)) == NULL) {
			*err = xasprintf("unknown group '%s'", colon);
			rc = -1;
		} else if (colon != NULL)
			l->gid = gr->gr_gid;
	}
	if (rc == 0) {
		free(l->owner);
		l->owner = xstrdup(v);
	}
	free(user);
	return rc;
}

/* One option OPT (its text up to the next comma) into L; 0 or -1, *ERR. */
static int
parse_option(const char *opt, struct listen_spec *l, char **err)
{
	const char *v = strchr(opt, '=');
	bool file = l->kind == LISTEN_UNIX && l->path[0] != '@';
	unsigned int mode = 0;
	char *end;
	long n;

	if (strcmp(opt, "reuseport") == 0) {
		if (l->kind != LISTEN_TCP) {
			*err = xstrdup("reuseport is for tcp:");
			return -1;
		}
		l->reuseport = true;
		return 0;
	}
	if (v == NULL)
		goto unknown;
	v++;
	if (strncmp(opt, "backlog=", 8) == 0) {
		n = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || n < 1 ||
		    n > 65535) {
			*err = xstrdup("backlog= needs a number from 1 to "
			    "65535");
			return -1;
		}
		l->backlog = (int)n;
		return 0;
	}
	if (strncmp(opt, "mode=", 5) == 0) {
		if (!file) {
			*err = xstrdup("mode= is for a unix: file");
			return -1;
		}
		for (end = (char *)v; *end >= '0' && *end <= '7' &&
		    end - v < 4; end++)
			mode = mode * 8 + (unsigned int)(*end - '0');
		if (end == v || *end != '\0') {
			*err = xstrdup("mode= needs an octal mode such as "
			    "0660");
			return -1;
		}
		l->mode_set = true;
		l->mode = (mode_t)mode;
		return 0;
	}
	if (strncmp(opt, "owner=", 6) == 0) {
		if (!file) {
			*err = xstrdup("owner= is for a unix: file");
			return -1;
		}
		return parse_owner(v, l, err);
	}
unknown:
	*err = xasprintf("unknown option '%s' (expected backlog=N, "
	    "reuseport, mode=MODE or owner=USER[:GROUP])", opt);
	return -1;
}

/* See listenspec.h. */
int
listen_spec_parse(const char *word, struct listen_spec *l, char **err)
{
	const char *comma = strchr(word, ','), *p, *next;
	char *addr, *opt;
	int rc;

	memset(l, 0, sizeof *l);
	l->backlog = SOMAXCONN;
	l->uid = (uid_t)-1;
	l->gid = (gid_t)-1;
	addr = comma != NULL ? xstrndup(word, (size_t)(comma - word)) :
	    xstrdup(word);
	rc = parse_addr(addr, l, err);
	for (p = comma; rc == 0 && p != NULL; p = next) {
		p++;
		next = strchr(p, ',');
		opt = next != NULL ? xstrndup(p, (size_t)(next - p)) :
		    xstrdup(p);
		rc = parse_option(opt, l, err);
		free(opt);
	}
	if (rc == -1) {
		free(addr);
		listen_spec_free(l);
		return -1;
	}
	l->addr = addr;
	l->word = xstrdup(word);
	return 0;
}

/* Free what L owns. */
void
listen_spec_free(struct listen_spec *l)
{
	free(l->word);
	free(l->addr);
	free(l->path);
	free(l->owner);
	l->word = l->addr = l->path = l->owner = NULL;
}

/* DST: a copy of SRC with its own memory. */
void
listen_spec_copy(struct listen_spec *dst, const struct listen_spec *src)
{
	*dst = *src;
	dst->word = src->word ? xstrdup(src->word) : NULL;
	dst->addr = src->addr ? xstrdup(src->addr) : NULL;
	dst->path = src->path ? xstrdup(src->path) : NULL;
	dst->owner = src->owner ? xstrdup(src->owner) : NULL;
}

/* The same socket, bound the same way (the text and the ids looked up)? */
bool
listen_spec_equal(const struct listen_spec *a, const struct listen_spec *b)
{
	return strcmp(a->word, b->word) == 0 && a->uid == b->uid &&
	    a->gid == b->gid;
}

/* See listenspec.h. */
bool
listen_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > LISTEN_NAME_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e || *p == ':')
			return false;
	return true;
}
