/*
 * statedir.c: state directories. Removal works on directory descriptors
 * with O_NOFOLLOW and unlinkat(2), so a symlink planted inside a state
 * directory (or in place of it) is removed as a link and what it points to
 * is never touched.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "statedir.h"
#include "util.h"

/* mkdir -p with MODE for the directories it creates. */
int
mkdir_p(const char *path, int mode)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, (mode_t)mode) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/* Remove NAME in directory DFD, recursively, never following symlinks. */
static int
remove_at(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dfd, name, 0);
		return errno == ENOENT ? 0 : -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_at(dirfd(d), de->d_name) == -1)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

/* Remove PATH and everything below it without following symlinks. */
int
statedir_remove(const char *path, char **err)
{
	char *dcopy = xstrdup(path), *bcopy = xstrdup(path);
	const char *base = basename(bcopy);
	int dfd, rc = -1;

	*err = NULL;
	dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		if (errno == ENOENT)
			rc = 0;
		else
			*err = xasprintf("state directory %s: %s", path,
			    strerror(errno));
	} else {
		rc = remove_at(dfd, base);
		if (rc == -1)
			*err = xasprintf("removing state directory %s: %s",
			    path, strerror(errno));
		close(dfd);
	}
	free(dcopy);
	free(bcopy);
	return rc;
}

/* Create PATH (and missing parents) empty; on error *err says why. */
int
statedir_fresh(const char *path, const struct node_spec *s, char **err)
{
	char *parent = xstrdup(path);

	*err = NULL;
	if (mkdir_p(dirname(parent), 0755) == -1) {
		*err = xasprintf("state directory %s: %s", path,
		    strerror(errno));
		free(parent);
		return -1;
	}
	free(parent);
	if (statedir_remove(path, err) == -1)
		return -1;
	if (mkdir(path, 0755) == -1) {
		*err = xasprintf("state directory %s: %s", path,
		    strerror(errno));
		return -1;
	}
	/* state_owner, state_mode: the subtree's workers may own it. */
	if ((s->state_owner.uid != (uid_t)-1 ||
	    s->state_owner.gid != (gid_t)-1) && chown(path,
	    s->state_owner.uid, s->state_owner.gid) == -1) {
		*err = xasprintf("state directory %s: chown %s: %s", path,
		    s->state_owner.name, strerror(errno));
		return -1;
	}
	if (s->state_mode_set && chmod(path, s->state_mode) == -1) {
		*err = xasprintf("state directory %s: chmod %04o: %s", path,
		    (unsigned)s->state_mode, strerror(errno));
		return -1;
	}
	return 0;
}
