/*
 * snapshot.h: the status of the tree, for the control socket and HTTP.
 */
#ifndef ARBOR_SNAPSHOT_H
#define ARBOR_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct node;
struct status;

/* The "node" records of N's subtree, depth first, each passed to EMIT
   (fields, count, ARG); NOW and WALL: the monotonic and wall clocks. */
void	snapshot_records(const struct node *n, int64_t now, int64_t wall,
	    void (*emit)(const char *const *, size_t, void *), void *arg);
/* The same, rebuilt as a struct status (lib/status.h). */
struct status *snapshot_status(const struct node *n);

#endif
