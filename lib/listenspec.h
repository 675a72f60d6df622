/*
 * listenspec.h: the addresses of the key listen (held listening sockets),
 * as written in the configuration, parsed into plain struct listen_spec
 * (config.h). No lookups that could block: a tcp: host is an IP address,
 * localhost or * (any); an owner= is looked up when the file is loaded.
 */
#ifndef ARBOR_LISTENSPEC_H
#define ARBOR_LISTENSPEC_H

#include <stdbool.h>

#include "config.h"

/*
 * Parse one address WORD ("tcp:0.0.0.0:8080,backlog=1024,reuseport",
 * "unix:/run/app.sock,mode=0660,owner=www") into L: 0, or -1 and *ERR
 * ("tcp: needs HOST:PORT ..."), L then holding nothing to free.
 */
int	listen_spec_parse(const char *word, struct listen_spec *l, char **err);
void	listen_spec_free(struct listen_spec *);
void	listen_spec_copy(struct listen_spec *dst, const struct listen_spec *);
bool	listen_spec_equal(const struct listen_spec *,
	    const struct listen_spec *);
/* Is NAME a valid LISTEN_FDNAMES name (systemd's rule: 1 to 255
   printable ASCII characters, no colon)? */
bool	listen_name_valid(const char *name);

#endif
