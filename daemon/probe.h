/*
 * probe.h: health checks that connect (health = tcp:, unix:), from the
 * event loop, without a process.
 */
#ifndef ARBOR_PROBE_H
#define ARBOR_PROBE_H

#include <stdbool.h>

struct probe;

/* The result of a probe: OK, or failed for REASON ("connect: ..."). */
typedef void	probe_cb(void *arg, bool ok, const char *reason);

/*
 * Connect to HOST (an address, or localhost) and PORT, or with HOST NULL
 * to the Unix socket PATH. CB gets the result once: from the loop, and
 * then the probe is returned; or at once (refused, no such socket), and
 * then NULL is returned. Nothing times out here: the caller cancels.
 */
struct probe	*probe_connect(const char *host, int port, const char *path,
		    probe_cb *cb, void *arg);
/* Give up a probe that runs: CB is not called. */
void		 probe_cancel(struct probe *);

#endif
