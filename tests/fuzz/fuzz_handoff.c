/*
 * fuzz_handoff.c: libFuzzer harness for the re-exec handoff (lib/handoff.c
 * and lib/tree_handoff.c), the bytes a new arbord reads before anything
 * else. The input is read as a handoff: every record's fields, whatever
 * its type, must be read within its bounds (a field past the end reads
 * as zero and marks the record bad, never reads outside the input). Then
 * it is imported into a tree built from a fixed configuration (a root,
 * workers, a pool, a nested supervisor, loaded from text as a re-exec
 * loads it): the import either refuses with a message or leaves a tree
 * whose invariants hold (tree_check), which exports and imports again.
 * The seed corpus (tests/fuzz/corpus/handoff/) holds handoffs exported
 * from that configuration in a few states (stopping: root/a restarted,
 * within its shutdown time; sup-*: root/s in its setup, its cleanup, or
 * stopping with marks on its siblings; pidwait: root/a restarted, its
 * pidfile awaited; awaiting: root/l restarted, not ready yet;
 * health-running: root/l's health check runs; the others have root/l
 * running, its next check and its watchdog due).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "handoff.h"
#include "tree.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The configuration every input is imported into. */
static const char conf_text[] =
"[supervisor:root]\n"
"intensity = 3\n"
"[worker:root/a]\n"
"command = /bin/sleep 100\n"
"restart_delay = 1s\n"
"pidfile = /run/a.pid\n"
"[worker:root/p]\n"
"command = /bin/sleep 100\n"
"instances = 2\n"
"[supervisor:root/s]\n"
"strategy = one_for_all\n"
"[worker:root/s/x]\n"
"command = /bin/true\n"
"restart = transient\n"
"[worker:root/l]\n"
"command = /bin/sleep 100\n"
"ready = notify\n"
"start_timeout = 30s\n"
"watchdog = 2s\n"
"health = tcp:127.0.0.1:1\n"
"health_interval = 1s\n";

/* Stop the run: something that must hold did not. */
static void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_handoff: %s%s%s\n", what, detail ? ": " : "",
	    detail ? detail : "");
	abort();
}

/* The fixed configuration, loaded from its text. */
static struct config *
fuzz_conf(void)
{
	struct config_text t = { .name = (char *)"/fuzz/arbor.ini",
	    .data = (char *)conf_text, .len = sizeof conf_text - 1 };
	struct errlist errs = { 0 };
	struct config *c;

	c = config_load_texts(t.name, &t, 1, &errs);
	if (c == NULL)
		fuzz_fail("the fixed configuration does not load",
		    errs.msgs.n > 0 ? errs.msgs.v[0] : NULL);
	return c;
}

/* Read every record's fields in every way, within bounds. */
static void
fuzz_records(const uint8_t *data, size_t len)
{
	struct handoff_r r;
	const void *b;
	size_t blen;
	char *err;
	int rc;

	if (handoff_r_init(&r, data, len, &err) == -1) {
		if (err == NULL)
			fuzz_fail("refused without a message", NULL);
		free(err);
		return;
	}
	while ((rc = handoff_next(&r, &err)) == 1) {
		for (int i = 0; i < 64 && !r.bad; i++) {
			switch ((r.type + (unsigned)i) % 5) {
			case 0:
				(void)handoff_get_u32(&r);
				break;
			case 1:
				(void)handoff_get_i64(&r);
				break;
			case 2:
				free(handoff_get_str(&r));
				break;
			case 3:
				b = handoff_get_bytes(&r, &blen);
				if (b != NULL && ((const uint8_t *)b < data ||
				    (const uint8_t *)b + blen > data + len))
					fuzz_fail("bytes outside the input",
					    NULL);
				break;
			default:
				(void)handoff_get_bool(&r);
				break;
			}
		}
	}
	if (rc == -1) {
		if (err == NULL)
			fuzz_fail("a bad record without a message", NULL);
		free(err);
	}
}

/* Export T at NOW and import it into a new tree: it must take. */
static void
fuzz_again(const struct config *c, const struct tree *t, int64_t now)
{
	struct handoff_w w;
	struct tree *t2;
	char *err;

	handoff_w_init(&w);
	tree_export(t, &w, now);
	handoff_finish(&w);
	t2 = tree_new(c, "/run/arbor/state");
	if (tree_import(t2, w.b.s, w.b.len, now, &err) == -1)
		fuzz_fail("an export does not import again", err);
	if ((err = tree_check(t2)) != NULL)
		fuzz_fail("tree_check after the second import", err);
	tree_free(t2);
	handoff_w_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct config *c;
	struct tree *t;
	struct action a;
	char *err;
	int64_t now = 1000000;

	if (c == NULL)
		c = fuzz_conf();
	fuzz_records(data, len);
	t = tree_new(c, "/run/arbor/state");
	if (tree_import(t, data, len, now, &err) == -1) {
		if (err == NULL)
			fuzz_fail("import refused without a message", NULL);
		free(err);
	} else {
		if ((err = tree_check(t)) != NULL)
			fuzz_fail("tree_check after import", err);
		tree_handoff_arm(t, now);
		while (tree_next_action(t, &a)) {
			if (!(a.kind == ACT_TIMER && (a.node->state ==
			    ST_BACKOFF || a.node->state == ST_STOPPING ||
			    a.node->state == ST_AWAITING ||
			    a.node->state == ST_SPAWNING ||
			    a.node->state == ST_SETUP ||
			    a.node->state == ST_CLEANUP)) &&
			    !(a.kind == ACT_LIVE_TIMER && a.node->state ==
			    ST_RUNNING))
				fuzz_fail("an import queued something other "
				    "than a backoff, shutdown, start_timeout, "
				    "setup, cleanup or liveness timer", NULL);
			action_release(&a);
		}
		fuzz_again(c, t, now);
	}
	tree_free(t);
	return 0;
}
