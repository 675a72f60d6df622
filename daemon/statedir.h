/*
 * statedir.h: the per-supervisor state directories: created empty before
 * every (re)start, removed after every stop, never following symlinks.
 */
#ifndef ARBOR_STATEDIR_H
#define ARBOR_STATEDIR_H

struct node_spec;

/*
 * Create PATH (and missing parents) empty, owned and with the mode the
 * supervisor S asks for (state_owner, state_mode); on error *err says why.
 */
int	statedir_fresh(const char *path, const struct node_spec *s,
	    char **err);
/* Remove PATH and everything below it without following symlinks. */
int	statedir_remove(const char *path, char **err);
/* mkdir -p with MODE for the directories it creates. */
int	mkdir_p(const char *path, int mode);

#endif
