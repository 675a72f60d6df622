/*
 * fuzz_config.c: libFuzzer harness for the configuration loader
 * (config_load in lib/config.c), which reads whatever file an admin or a
 * reload hands arbord. The input, up to its first NUL byte, is written to
 * main.ini in a private directory (under $TMPDIR) and loaded; what follows
 * the NUL, if anything, becomes part.ini beside it, for an [include] to
 * find. Each node of a loaded configuration must be found by its path,
 * and a copy of it (as reload takes) must not differ from it. The
 * configuration and the errors are freed each time, so the leak checker
 * sees every allocation the loader forgets.
 *
 * [include] patterns are globbed, and a glob or a literal path could reach
 * anywhere (/dev/zero, /proc/self/fd/0); this file replaces glob() with
 * one that only looks inside the private directory, so includes of
 * anything else simply find nothing. With ARBOR_FUZZ_VERBOSE set in the
 * environment, the errors of each input are printed, to see what a
 * reproducer does.
 */
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

typedef int (*glob_fn)(const char *, int, int (*)(const char *, int),
    glob_t *);

static char	*fuzz_dir;	/* the private directory, with its '/' */
static char	*fuzz_main;	/* main.ini in it */
static char	*fuzz_part;	/* part.ini in it */

/* Remove the private directory and its files. */
static void
fuzz_cleanup(void)
{
	if (fuzz_dir == NULL)
		return;
	unlink(fuzz_main);
	unlink(fuzz_part);
	fuzz_dir[strlen(fuzz_dir) - 1] = '\0';
	rmdir(fuzz_dir);
}

/*
 * glob(3), confined: patterns outside the private directory match
 * nothing. The loader resolves ".." before it globs, so a prefix check is
 * enough; the directory holds no links.
 */
int
glob(const char *pat, int flags, int (*errfn)(const char *, int),
    glob_t *gl)
{
	static glob_fn real;

	if (fuzz_dir == NULL || strncmp(pat, fuzz_dir, strlen(fuzz_dir)) != 0 ||
	    strstr(pat, "/..") != NULL)
		return GLOB_NOMATCH;
	if (real == NULL && (real = (glob_fn)dlsym(RTLD_NEXT, "glob")) == NULL)
		abort();
	return real(pat, flags, errfn, gl);
}

/* Make the private directory once, before the first input. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	(void)argc;
	(void)argv;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	dir = xasprintf("%s/arbor-fuzz-config.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
	fuzz_dir = xasprintf("%s/", dir);
	fuzz_main = xasprintf("%smain.ini", fuzz_dir);
	fuzz_part = xasprintf("%spart.ini", fuzz_dir);
	free(dir);
	atexit(fuzz_cleanup);
	return 0;
}

/* Write LEN bytes of DATA to PATH, replacing it. */
static void
fuzz_write(const char *path, const uint8_t *data, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		perror(path);
		abort();
	}
	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			perror(path);
			abort();
		}
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

/* Every node is found by its path, and its copy equals it. */
static void
fuzz_nodes(const struct config *conf)
{
	struct strv changed = { NULL, 0, 0 };
	struct node_spec *n, *copy;

	for (size_t i = 0; i < conf->nnodes; i++) {
		n = conf->nodes[i];
		if (config_find(conf, n->path) != n) {
			fprintf(stderr, "fuzz_config: %s not found\n",
			    n->path);
			abort();
		}
		copy = spec_dup(n);
		if (spec_diff(n, copy, &changed) != 0) {
			fprintf(stderr, "fuzz_config: copy of %s differs "
			    "in %s\n", n->path, changed.v[0]);
			abort();
		}
		spec_free(copy);
	}
	strv_free(&changed);
}

/* libFuzzer's entry point: one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct errlist errs = { { NULL, 0, 0 } };
	const uint8_t *nul = memchr(data, '\0', len);
	struct config *conf;
	size_t n = nul != NULL ? (size_t)(nul - data) : len;

	fuzz_write(fuzz_main, data, n);
	if (nul != NULL)
		fuzz_write(fuzz_part, nul + 1, len - n - 1);
	else
		unlink(fuzz_part);
	conf = config_load(fuzz_main, &errs);
	if (conf == NULL && errs.msgs.n == 0) {
		fprintf(stderr, "fuzz_config: refused without an error\n");
		abort();
	}
	if (conf != NULL && errs.msgs.n != 0) {
		fprintf(stderr, "fuzz_config: loaded with errors\n");
		abort();
	}
	if (conf != NULL)
		fuzz_nodes(conf);
	if (getenv("ARBOR_FUZZ_VERBOSE") != NULL)
		for (size_t i = 0; i < errs.msgs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs.v[i]);
	config_free(conf);
	errlist_free(&errs);
	return 0;
}
