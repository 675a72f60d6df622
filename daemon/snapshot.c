/*
 * snapshot.c: the status of the tree as "node" records (lib/proto), the
 * one description the control socket's status reply, the HTTP
 * endpoint's /status.json and /metrics are made from.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arbord.h"
#include "snapshot.h"
#include "status.h"
#include "tree.h"
#include "usage.h"

/* The status records of N and its subtree, depth first, to EMIT. */
void
snapshot_records(const struct node *n, int64_t now, int64_t wall,
    void (*emit)(const char *const *, size_t, void *), void *arg)
{
	char pid[16], since[24], rp[16], rt[16], backoff[24], inst[16];
	char use[5][24], hchecked[24], hfail[16], conf_inst[16];
	char succ[16], drain[16], *listen;
	struct strv addrs = { 0 };
	char *command;
	struct node_info ni;
	struct node_usage u;
	const char *f[26];

	tree_node_info(n, now, &ni);
	snprintf(pid, sizeof pid, "%ld", (long)ni.pid);
	/* 0: never changed state (never started). */
	snprintf(since, sizeof since, "%lld", ni.since == 0 ? 0LL :
	    (long long)(wall - (now - ni.since)));
	snprintf(rp, sizeof rp, "%d", ni.restarts_period);
	snprintf(rt, sizeof rt, "%u", ni.restarts);
	snprintf(backoff, sizeof backoff, "%lld", (long long)ni.backoff_left);
	f[0] = "node";
	f[1] = ni.path;
	f[2] = ni.kind == NODE_WORKER ? "worker" : "supervisor";
	f[3] = node_state_name(ni.status);
	f[4] = pid;
	f[5] = since;
	f[6] = rp;
	f[7] = rt;
	f[8] = backoff;
	f[9] = ni.last_error ? ni.last_error : "";
	/* Later additions: a pool's instances, a worker's command line. */
	snprintf(inst, sizeof inst, "%d", ni.pool ? ni.instances : 0);
	/* As last started (variables expanded), else as configured. */
	if (ni.command != NULL && supervise_exec_argv(n) != NULL)
		command = argv_join(supervise_exec_argv(n));
	else
		command = ni.command != NULL ? argv_join(ni.command) :
		    xstrdup("");
	f[10] = inst;
	f[11] = command;
	/* Usage, read now (-1: unknown), and the node's cgroup. */
	usage_read(n, now, &u);
	snprintf(use[0], sizeof use[0], "%lld", (long long)u.cpu_usec);
	snprintf(use[1], sizeof use[1], "%lld", (long long)u.cpu_permille);
	snprintf(use[2], sizeof use[2], "%lld", (long long)u.memory_bytes);
	snprintf(use[3], sizeof use[3], "%lld",
	    (long long)u.memory_peak_bytes);
	snprintf(use[4], sizeof use[4], "%lld", (long long)u.tasks);
	for (int k = 0; k < 5; k++)
		f[12 + k] = use[k];
	f[17] = u.cgroup != NULL ? u.cgroup : "";
	/* Liveness: status, last check (wall ms, 0: none), failures, why. */
	snprintf(hchecked, sizeof hchecked, "%lld", ni.health_checked == 0 ?
	    0LL : (long long)(wall - (now - ni.health_checked)));
	snprintf(hfail, sizeof hfail, "%u", ni.health_failures);
	f[18] = ni.health != HS_NONE ? health_status_name(ni.health) : "";
	f[19] = hchecked;
	f[20] = hfail;
	f[21] = ni.health_error != NULL ? ni.health_error : "";
	/* A pool's size as configured (f[10] is the running one). */
	snprintf(conf_inst, sizeof conf_inst, "%d", ni.pool ?
	    ni.instances_configured : 0);
	f[22] = conf_inst;
	/* A rolled worker's other process: its successor, or the old one
	   draining (0: none). */
	snprintf(succ, sizeof succ, "%ld", (long)ni.successor);
	snprintf(drain, sizeof drain, "%ld", (long)ni.draining);
	f[23] = succ;
	f[24] = drain;
	/* A worker's held sockets, their addresses as one argv line. */
	for (size_t i = 0; i < ni.nlisten; i++)
		strv_push(&addrs, xstrdup(ni.listen[i].addr));
	listen = argv_join(&addrs);
	strv_free(&addrs);
	f[25] = listen;
	emit(f, 26, arg);
	free(listen);
	free(u.cgroup);
	free(command);
	for (size_t i = 0; i < n->nchildren; i++)
		snapshot_records(n->children[i], now, wall, emit, arg);
}

/* A snapshot_records callback that adds to a struct status. */
static void
status_emit(const char *const *f, size_t n, void *st)
{
	status_add((char **)f, (int)n, st);
}

/* The status of N's subtree, rebuilt (status_free it). */
struct status *
snapshot_status(const struct node *n)
{
	struct status *st = status_new();
	int64_t now = now_ms();

	snapshot_records(n, now, now + wall_offset_ms(), status_emit, st);
	return st;
}
