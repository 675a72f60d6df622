/*
 * spec.c: the life of a node spec outside the loader: its defaults, the
 * shared immutable copies the run-time tree keeps (spec_dup, spec_ref,
 * spec_free), and the comparison a reload makes (spec_diff), with which
 * changes it applies in place (spec_changes_live). Everything walks the
 * key table of keys.c, so a new key needs no code here.
 */
#include <sys/types.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

/* Give N kind KIND and the default of every worker and supervisor key
   (a pool's supervisor starts as a worker, so both sets). */
void
spec_defaults(struct node_spec *n, enum node_kind kind)
{
	n->kind = kind;
	key_defaults(n, KIND_NODE);
}

/* Drop a reference to N; the last frees everything it owns (not its
   children). Specs of a config have no count and are freed at once. */
void
spec_free(struct node_spec *n)
{
	const struct keydef *kd;

	if (n == NULL)
		return;
	if (n->refs > 1) {
		n->refs--;
		return;
	}
	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		if ((kd->kinds & KIND_NODE) != 0 && kd->type->free != NULL)
			kd->type->free(kd, n);
	}
	free(n->path);
	free(n->children);
	free(n);
}

/* A copy of N's own settings, without parent, children or source line. */
struct node_spec *
spec_dup(const struct node_spec *n)
{
	struct node_spec *c = xcalloc(1, sizeof *c);
	const struct keydef *kd;
	const char *slash;

	*c = *n;	/* every scalar */
	c->refs = 1;
	c->path = xstrdup(n->path);
	slash = strrchr(c->path, '/');
	c->name = slash != NULL ? slash + 1 : c->path;
	c->file = NULL;
	c->line = 0;
	c->parent = NULL;
	c->children = NULL;
	c->nchildren = 0;
	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		if ((kd->kinds & KIND_NODE) != 0 && kd->type->copy != NULL)
			kd->type->copy(kd, c, n);
	}
	return c;
}

/* Another reference to copy N (from spec_dup). */
struct node_spec *
spec_ref(struct node_spec *n)
{
	n->refs++;
	return n;
}

/*
 * Compare the own settings of A and B (not children, not the source
 * line); push the name of every key that differs to CHANGED (may be NULL),
 * in the order of the key table, "kind" first. Returns the number of
 * differing keys.
 */
int
spec_diff(const struct node_spec *a, const struct node_spec *b,
    struct strv *changed)
{
	const struct keydef *kd;
	char buf[64];
	int n = 0;

	if (a->kind != b->kind) {
		n++;
		if (changed != NULL)
			strv_push(changed, xstrdup("kind"));
	}
	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		if ((kd->kinds & KIND_NODE) == 0 ||
		    kd->reload == RELOAD_NONE || kd->type->equal(kd, a, b))
			continue;
		n++;
		if (changed != NULL)
			strv_push(changed, xstrdup(key_diff_name(kd, buf,
			    sizeof buf)));
	}
	return n;
}

/* Can a reload apply every change in CHANGED (from spec_diff) in place? */
bool
spec_changes_live(const struct strv *changed)
{
	const struct keydef *kd;

	for (size_t i = 0; i < changed->n; i++)
		if ((kd = key_find_diff(changed->v[i])) == NULL ||
		    kd->reload != RELOAD_LIVE)
			return false;
	return true;
}
