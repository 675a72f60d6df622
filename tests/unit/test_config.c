/*
 * test_config.c: config_load on small files written from the string
 * literals in each test, so every test shows its input. A good file is
 * checked field by field (defaults too); every kind of error is checked
 * with its exact "FILE:LINE: message", including the cases inih gets wrong
 * on its own (over-long lines and section names, syntax errors). Include
 * tests write small trees of files. Also the signal names of signame.c.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "keys.h"
#include "suites.h"

static char	cfg_dir[PATH_MAX];	/* realpath of the temporary directory */
static char	cfg_path[PATH_MAX];	/* the file, as given to config_load */

/* Write LEN bytes of TEXT to a new temporary arbor.ini, load, remove. */
static struct config *
load_bytes(const char *text, size_t len, struct errlist *errs)
{
	char tmpl[] = "/tmp/arbor-test-XXXXXX";
	struct config *conf;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, cfg_dir));
	snprintf(cfg_path, sizeof cfg_path, "%s/arbor.ini", tmpl);
	ck_assert_ptr_nonnull(fp = fopen(cfg_path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	conf = config_load(cfg_path, errs);
	unlink(cfg_path);
	rmdir(tmpl);
	return conf;
}

/* Write TEXT to a new temporary arbor.ini, load it, and remove it. */
static struct config *
load(const char *text, struct errlist *errs)
{
	return load_bytes(text, strlen(text), errs);
}

/* Load TEXT, which must be valid. */
static struct config *
load_ok(const char *text)
{
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf = load(text, &errs);

	ck_assert_msg(conf != NULL && errs.msgs.n == 0, "unexpected error: %s",
	    errs.msgs.n > 0 ? errs.msgs.v[0] : "(none, but NULL)");
	errlist_free(&errs);
	return conf;
}

/* All the errors, one per line, for failure messages. */
static char *
errors_text(const struct errlist *errs)
{
	char *s = xstrdup(""), *t;

	for (size_t i = 0; i < errs->msgs.n; i++) {
		t = xasprintf("%s\n    %s", s, errs->msgs.v[i]);
		free(s);
		s = t;
	}
	return s;
}

/*
 * Load TEXT, which must fail with exactly the given errors, in order,
 * each written "LINE: message" (the file name is added here).
 */
static void
expect_errors(const char *text, ...)
{
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf = load(text, &errs);
	const char *want;
	char *full, *all = errors_text(&errs);
	size_t i = 0;
	va_list ap;

	ck_assert_msg(conf == NULL, "loaded, but errors were expected");
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL) {
		full = xasprintf("%s:%s", cfg_path, want);
		ck_assert_msg(i < errs.msgs.n, "missing error [%s]; got:%s",
		    full, all);
		ck_assert_msg(strcmp(errs.msgs.v[i], full) == 0,
		    "error %zu: want [%s]; got:%s", i, full, all);
		free(full);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == errs.msgs.n, "%zu errors, want %zu; got:%s",
	    errs.msgs.n, i, all);
	free(all);
	errlist_free(&errs);
}

#define EXPECT_ERRORS(text, ...) \
	expect_errors(text, __VA_ARGS__, (const char *)NULL)

/* Is ARGV exactly the NULL-ended list of words? */
static void
argv_is(const struct strv *argv, ...)
{
	const char *want;
	size_t i = 0;
	va_list ap;

	va_start(ap, argv);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < argv->n, "only %zu words", argv->n);
		ck_assert_str_eq(argv->v[i], want);
		i++;
	}
	va_end(ap);
	ck_assert_uint_eq(argv->n, i);
}

/* A string of N copies of C. */
static char *
repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* The worker at PATH, which must exist. */
static struct node_spec *
must_find(struct config *conf, const char *path)
{
	struct node_spec *n = config_find(conf, path);

	ck_assert_msg(n != NULL, "no node '%s'", path);
	return n;
}

/*
 * Trees of files, for [include]: a temporary directory (its realpath in
 * inc_dir) holding files written by put(); loads give paths inside it.
 */
static char	inc_dir[PATH_MAX];

/* A new, empty temporary directory for put(). */
static void
files_new(void)
{
	char tmpl[] = "/tmp/arbor-inc-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, inc_dir));
}

/* inc_dir/REL, allocated. */
static char *
inc_path(const char *rel)
{
	return xasprintf("%s/%s", inc_dir, rel);
}

/* Write TEXT to REL below inc_dir, creating its directories. */
static void
put(const char *rel, const char *text)
{
	char *path = inc_path(rel), *slash;
	FILE *fp;

	for (slash = strchr(path + strlen(inc_dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		(void)mkdir(path, 0755);
		*slash = '/';
	}
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
	free(path);
}

/* nftw callback: remove one entry. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove inc_dir and everything below it. */
static void
files_remove(void)
{
	ck_assert_int_eq(nftw(inc_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS),
	    0);
}

/* S with every "@/" replaced by inc_dir and a slash; allocated. */
static char *
at_dir(const char *s)
{
	char *out = xstrdup(""), *t;
	const char *at;

	while ((at = strstr(s, "@/")) != NULL) {
		t = xasprintf("%s%.*s%s/", out, (int)(at - s), s, inc_dir);
		free(out);
		out = t;
		s = at + 2;
	}
	t = xasprintf("%s%s", out, s);
	free(out);
	return t;
}

/* Load inc_dir/REL, which must be valid. */
static struct config *
load_file_ok(const char *rel)
{
	struct errlist errs = { { NULL, 0, 0 } };
	char *path = inc_path(rel), *all;
	struct config *conf = config_load(path, &errs);

	all = errors_text(&errs);
	ck_assert_msg(conf != NULL && errs.msgs.n == 0, "unexpected "
	    "errors:%s", all);
	free(all);
	free(path);
	errlist_free(&errs);
	return conf;
}

/*
 * Load FILE (as given: "@/" stands for inc_dir), which must fail with
 * exactly the given errors, in order, each "FILE:LINE: message" with "@/"
 * standing for inc_dir.
 */
static void
expect_file_errors(const char *file, ...)
{
	struct errlist errs = { { NULL, 0, 0 } };
	char *path = at_dir(file), *want, *all;
	struct config *conf = config_load(path, &errs);
	const char *w;
	size_t i = 0;
	va_list ap;

	all = errors_text(&errs);
	ck_assert_msg(conf == NULL, "loaded, but errors were expected");
	va_start(ap, file);
	while ((w = va_arg(ap, const char *)) != NULL) {
		want = at_dir(w);
		ck_assert_msg(i < errs.msgs.n, "missing error [%s]; got:%s",
		    want, all);
		ck_assert_msg(strcmp(errs.msgs.v[i], want) == 0,
		    "error %zu: want [%s]; got:%s", i, want, all);
		free(want);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == errs.msgs.n, "%zu errors, want %zu; got:%s",
	    errs.msgs.n, i, all);
	free(all);
	free(path);
	errlist_free(&errs);
}

#define EXPECT_FILE_ERRORS(file, ...) \
	expect_file_errors(file, __VA_ARGS__, (const char *)NULL)

/* The children of N, by path, must be exactly the NULL-ended list. */
static void
children_are(const struct node_spec *n, ...)
{
	const char *want;
	size_t i = 0;
	va_list ap;

	va_start(ap, n);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(i < n->nchildren, "only %zu children",
		    n->nchildren);
		ck_assert_str_eq(n->children[i]->path, want);
		i++;
	}
	va_end(ap);
	ck_assert_uint_eq(n->nchildren, i);
}

/* A complete file: every field of every node and of [arbor]. */
START_TEST(test_good)
{
	struct config *conf = load_ok(
	    "; arbor test configuration\n"			/* 1 */
	    "[arbor]\n"
	    "socket = /run/arbor/arbor.sock\n"
	    "state_dir = state            ; relative\n"
	    "event_format = json\n"				/* 5 */
	    "\n"
	    "[supervisor:root]\n"
	    "strategy = rest_for_one\n"
	    "intensity = 3\n"
	    "period = 10s\n"					/* 10 */
	    "env.LEVEL = root\n"
	    "env.SHARED = from-root\n"
	    "\n"
	    "[supervisor:root/pc]\n"
	    "setup = ./make-fifo \"a b\"\n"			/* 15 */
	    "cleanup = ./remove-fifo\n"
	    "setup_timeout = 2m\n"
	    "cleanup_timeout = 1500ms\n"
	    "directory = sub/\n"
	    "restart = transient\n"				/* 20 */
	    "env.LEVEL = pc\n"
	    "\n"
	    "[worker:root/pc/producer]\n"
	    "command = ./producer --verbose\n"
	    "restart = temporary\n"				/* 25 */
	    "shutdown = brutal_kill\n"
	    "stop_signal = INT\n"
	    "env.ONLY = producer\n"
	    "env.EMPTY =\n"
	    "\n"						/* 30 */
	    "[worker:root/pc/consumer]\n"
	    "command = ./consumer ; comment\n"
	    "shutdown = infinity\n"
	    "directory = /srv/consumer\n"
	    "stop_signal = 10\n"				/* 35 */
	    "user = root\n"
	    "\n"
	    "[worker:root/plain]\n"
	    "command = /bin/true\n"
	    "shutdown = 250ms\n");				/* 40 */
	struct node_spec *root, *pc, *prod, *cons, *plain;
	char *want;

	ck_assert_str_eq(conf->file, cfg_path);
	ck_assert_str_eq(conf->dir, cfg_dir);
	ck_assert_str_eq(conf->socket, "/run/arbor/arbor.sock");
	want = xasprintf("%s/state", cfg_dir);
	ck_assert_str_eq(conf->state_dir, want);
	free(want);
	ck_assert_int_eq(conf->event_format, EVENT_FORMAT_JSON);
	ck_assert_uint_eq(conf->nnodes, 5);

	root = must_find(conf, "root");
	ck_assert_ptr_eq(conf->root, root);
	ck_assert_ptr_eq(conf->nodes[0], root);
	ck_assert_int_eq(root->kind, NODE_SUPERVISOR);
	ck_assert_str_eq(root->name, "root");
	ck_assert_str_eq(root->file, cfg_path);
	ck_assert_int_eq(root->line, 7);
	ck_assert_ptr_null(root->parent);
	ck_assert_int_eq(root->strategy, STRATEGY_REST_FOR_ONE);
	ck_assert_int_eq(root->intensity, 3);
	ck_assert_int_eq(root->period_ms, 10000);
	ck_assert_str_eq(root->directory, cfg_dir);
	ck_assert_uint_eq(root->setup.n, 0);
	ck_assert_uint_eq(root->cleanup.n, 0);
	ck_assert_str_eq(env_get(&root->env, "LEVEL"), "root");
	ck_assert_uint_eq(root->env.n, 2);

	pc = must_find(conf, "root/pc");
	ck_assert_str_eq(pc->name, "pc");
	ck_assert_int_eq(pc->line, 14);
	ck_assert_ptr_eq(pc->parent, root);
	ck_assert_int_eq(pc->restart, RESTART_TRANSIENT);
	argv_is(&pc->setup, "./make-fifo", "a b", NULL);
	argv_is(&pc->cleanup, "./remove-fifo", NULL);
	ck_assert_int_eq(pc->setup_timeout_ms, 120000);
	ck_assert_int_eq(pc->cleanup_timeout_ms, 1500);
	want = xasprintf("%s/sub", cfg_dir);
	ck_assert_str_eq(pc->directory, want);
	/* Defaults of a supervisor. */
	ck_assert_int_eq(pc->strategy, STRATEGY_ONE_FOR_ONE);
	ck_assert_int_eq(pc->intensity, 1);
	ck_assert_int_eq(pc->period_ms, 5000);
	/* Only a node's own env.*: the tree applies ancestors' at run time. */
	ck_assert_str_eq(env_get(&pc->env, "LEVEL"), "pc");
	ck_assert_ptr_null(env_get(&pc->env, "SHARED"));
	ck_assert_uint_eq(pc->env.n, 1);

	prod = must_find(conf, "root/pc/producer");
	ck_assert_int_eq(prod->kind, NODE_WORKER);
	ck_assert_ptr_eq(prod->parent, pc);
	argv_is(&prod->argv, "./producer", "--verbose", NULL);
	ck_assert_int_eq(prod->restart, RESTART_TEMPORARY);
	ck_assert_int_eq(prod->shutdown, SHUTDOWN_BRUTAL_KILL);
	ck_assert_int_eq(prod->stop_signal, SIGINT);
	ck_assert_str_eq(prod->directory, want);	/* from root/pc */
	free(want);
	ck_assert_str_eq(env_get(&prod->env, "ONLY"), "producer");
	ck_assert_str_eq(env_get(&prod->env, "EMPTY"), "");
	ck_assert_ptr_null(env_get(&prod->env, "LEVEL"));
	ck_assert_uint_eq(prod->env.n, 2);
	ck_assert_ptr_null(prod->user);
	ck_assert_int_eq(prod->uid, (uid_t)-1);
	ck_assert_int_eq(prod->gid, (gid_t)-1);

	cons = must_find(conf, "root/pc/consumer");
	argv_is(&cons->argv, "./consumer", NULL);
	ck_assert_int_eq(cons->shutdown, SHUTDOWN_INFINITY);
	ck_assert_str_eq(cons->directory, "/srv/consumer");
	ck_assert_int_eq(cons->stop_signal, SIGUSR1);
	ck_assert_str_eq(cons->user, "root");
	ck_assert_ptr_null(cons->group);
	ck_assert_int_eq(cons->uid, 0);
	ck_assert_int_eq(cons->gid, 0);
	ck_assert_int_eq(cons->restart, RESTART_PERMANENT);

	/* Defaults of a worker. */
	plain = must_find(conf, "root/plain");
	ck_assert_int_eq(plain->line, 38);
	ck_assert_int_eq(plain->restart, RESTART_PERMANENT);
	ck_assert_int_eq(plain->shutdown, SHUTDOWN_TIMEOUT);
	ck_assert_int_eq(plain->shutdown_ms, 250);
	ck_assert_int_eq(plain->stop_signal, SIGTERM);
	ck_assert_str_eq(plain->directory, cfg_dir);
	ck_assert_uint_eq(plain->env.n, 0);
	ck_assert_uint_eq(plain->nchildren, 0);
	ck_assert_ptr_null(plain->children);

	/* Children and nodes in file order. */
	ck_assert_uint_eq(root->nchildren, 2);
	ck_assert_ptr_eq(root->children[0], pc);
	ck_assert_ptr_eq(root->children[1], plain);
	ck_assert_uint_eq(pc->nchildren, 2);
	ck_assert_ptr_eq(pc->children[0], prod);
	ck_assert_ptr_eq(pc->children[1], cons);
	ck_assert_ptr_eq(conf->nodes[1], pc);
	ck_assert_ptr_eq(conf->nodes[2], prod);
	ck_assert_ptr_eq(conf->nodes[3], cons);
	ck_assert_ptr_eq(conf->nodes[4], plain);

	ck_assert_ptr_null(config_find(conf, "root/nope"));
	ck_assert_ptr_null(config_find(conf, "pc"));
	config_free(conf);
}
END_TEST

/* Every default, on a minimal file. */
START_TEST(test_defaults)
{
	struct config *conf = load_ok(
	    "[supervisor:main]\n"
	    "[worker:main/w]\n"
	    "command = w\n");
	struct node_spec *root = conf->root, *w = must_find(conf, "main/w");

	ck_assert_ptr_null(conf->socket);
	ck_assert_ptr_null(conf->state_dir);
	ck_assert_int_eq(conf->event_format, EVENT_FORMAT_TEXT);
	ck_assert_str_eq(root->path, "main");
	ck_assert_int_eq(root->strategy, STRATEGY_ONE_FOR_ONE);
	ck_assert_int_eq(root->intensity, 1);
	ck_assert_int_eq(root->period_ms, 5000);
	ck_assert_int_eq(root->setup_timeout_ms, 30000);
	ck_assert_int_eq(root->cleanup_timeout_ms, 30000);
	ck_assert_int_eq(root->restart, RESTART_PERMANENT);
	ck_assert_uint_eq(root->setup.n, 0);
	ck_assert_uint_eq(root->cleanup.n, 0);
	ck_assert_uint_eq(root->env.n, 0);
	ck_assert_str_eq(root->directory, cfg_dir);
	ck_assert_int_eq(w->restart, RESTART_PERMANENT);
	ck_assert_int_eq(w->shutdown, SHUTDOWN_TIMEOUT);
	ck_assert_int_eq(w->shutdown_ms, 5000);
	ck_assert_int_eq(w->stop_signal, SIGTERM);
	ck_assert_ptr_null(w->user);
	ck_assert_ptr_null(w->group);
	ck_assert_str_eq(w->directory, cfg_dir);
	ck_assert_uint_eq(w->env.n, 0);
	argv_is(&w->argv, "w", NULL);
	config_free(conf);
}
END_TEST

/* Children and nodes follow file order, parents declared anywhere. */
START_TEST(test_children_order)
{
	/* Children before their parents, interleaved subtrees. */
	struct config *conf = load_ok(
	    "[worker:r/b/x]\n"
	    "command = x\n"
	    "[worker:r/c]\n"
	    "command = c\n"
	    "[supervisor:r/b]\n"
	    "[worker:r/a]\n"
	    "command = a\n"
	    "[worker:r/b/y]\n"
	    "command = y\n"
	    "[supervisor:r]\n");
	struct node_spec *r = conf->root, *b = must_find(conf, "r/b");

	ck_assert_str_eq(r->path, "r");
	ck_assert_int_eq(r->line, 10);
	ck_assert_uint_eq(r->nchildren, 3);
	ck_assert_str_eq(r->children[0]->path, "r/c");
	ck_assert_str_eq(r->children[1]->path, "r/b");
	ck_assert_str_eq(r->children[2]->path, "r/a");
	ck_assert_uint_eq(b->nchildren, 2);
	ck_assert_str_eq(b->children[0]->path, "r/b/x");
	ck_assert_str_eq(b->children[1]->path, "r/b/y");
	ck_assert_ptr_eq(b->children[0]->parent, b);
	ck_assert_uint_eq(conf->nnodes, 6);
	ck_assert_str_eq(conf->nodes[0]->path, "r/b/x");
	ck_assert_str_eq(conf->nodes[5]->path, "r");
	config_free(conf);
}
END_TEST

/* Directories: inherited, absolute, or relative to the file. */
START_TEST(test_directory_inherit)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv/app\n"
	    "[supervisor:r/s]\n"
	    "[worker:r/s/w]\n"
	    "command = w\n"
	    "[worker:r/rel]\n"
	    "command = w\n"
	    "directory = ./data/.//\n"
	    "[worker:r/dot]\n"
	    "command = w\n"
	    "directory = .\n");
	char *want = xasprintf("%s/data", cfg_dir);

	ck_assert_str_eq(conf->root->directory, "/srv/app");
	ck_assert_str_eq(must_find(conf, "r/s")->directory, "/srv/app");
	ck_assert_str_eq(must_find(conf, "r/s/w")->directory, "/srv/app");
	/* Relative to the config file's directory, not the parent's. */
	ck_assert_str_eq(must_find(conf, "r/rel")->directory, want);
	ck_assert_str_eq(must_find(conf, "r/dot")->directory, cfg_dir);
	free(want);
	config_free(conf);
}
END_TEST

/* A relative file name stays as given in errors; dir is absolute. */
START_TEST(test_relative_file)
{
	char cwd[PATH_MAX], tmpl[] = "/tmp/arbor-test-XXXXXX", real[PATH_MAX];
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf;
	FILE *fp;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, real));
	ck_assert_int_eq(chdir(tmpl), 0);
	ck_assert_ptr_nonnull(fp = fopen("a.ini", "w"));
	fputs("[supervisor:r]\n[worker:r/w]\ncommand = w\nbad = 1\n", fp);
	fclose(fp);
	conf = config_load("a.ini", &errs);
	ck_assert_ptr_null(conf);
	ck_assert_uint_eq(errs.msgs.n, 1);
	ck_assert_str_eq(errs.msgs.v[0], "a.ini:4: unknown key 'bad' in "
	    "worker 'r/w'");
	errlist_free(&errs);
	ck_assert_ptr_nonnull(fp = fopen("a.ini", "w"));
	fputs("[supervisor:r]\n[worker:r/w]\ncommand = w\n", fp);
	fclose(fp);
	conf = config_load("./a.ini", &errs);
	ck_assert_ptr_nonnull(conf);
	ck_assert_str_eq(conf->file, "./a.ini");
	ck_assert_str_eq(conf->dir, real);
	ck_assert_str_eq(conf->root->directory, real);
	config_free(conf);
	unlink("a.ini");
	ck_assert_int_eq(chdir(cwd), 0);
	rmdir(tmpl);
}
END_TEST

/* Unopenable and unreadable files are reported at line 0. */
/*
 * Only regular files of bounded size are read: a device, a FIFO matched
 * by an include pattern (never waited on) and a file past CONF_MAX_FILE
 * are refused with their file; what a file says is shown escaped.
 */
START_TEST(test_file_kinds)
{
	char dir[] = "/tmp/arbor-test-XXXXXX", *main_ini, *fifo, *big, *want;
	struct errlist errs = { { NULL, 0, 0 } };
	FILE *fp;

	ck_assert_ptr_null(config_load("/dev/zero", &errs));
	ck_assert_uint_eq(errs.msgs.n, 1);
	ck_assert_str_eq(errs.msgs.v[0], "/dev/zero:0: not a regular file (a "
	    "character device): refused");
	errlist_free(&errs);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	main_ini = xasprintf("%s/arbor.ini", dir);
	fifo = xasprintf("%s/x.conf", dir);
	big = xasprintf("%s/y.conf", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_ptr_nonnull(fp = fopen(big, "w"));
	ck_assert_int_eq(ftruncate(fileno(fp), (off_t)CONF_MAX_FILE + 1), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_nonnull(fp = fopen(main_ini, "w"));
	fputs("[supervisor:r]\n[include]\nfiles = *.conf\n"
	    "[worker:r/w]\ncommand = ./w\nre\033[2Jstart = x\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_null(config_load(main_ini, &errs));
	ck_assert_uint_eq(errs.msgs.n, 3);
	want = xasprintf("%s:6: unknown key 're\\x1B[2Jstart' in worker "
	    "'r/w'", main_ini);
	ck_assert_msg(strncmp(errs.msgs.v[0], want, strlen(want)) == 0,
	    "%s", errs.msgs.v[0]);
	free(want);
	want = xasprintf("%s:0: not a regular file (a FIFO): refused", fifo);
	ck_assert_str_eq(errs.msgs.v[1], want);
	free(want);
	want = xasprintf("%s:0: file too large (%u bytes, at most %u)", big,
	    CONF_MAX_FILE + 1, CONF_MAX_FILE);
	ck_assert_str_eq(errs.msgs.v[2], want);
	free(want);
	errlist_free(&errs);
	unlink(main_ini);
	unlink(fifo);
	unlink(big);
	rmdir(dir);
	free(main_ini);
	free(fifo);
	free(big);
}
END_TEST

/* state_owner = USER[:GROUP] and state_mode on supervisors. */
START_TEST(test_state_owner)
{
	struct config *conf;
	struct node_spec *s;

	conf = load_ok(
	    "[supervisor:r]\n"
	    "state_owner = root:root\n"
	    "state_mode = 2770\n"
	    "[supervisor:r/s]\n");
	s = must_find(conf, "r");
	ck_assert_str_eq(s->state_owner.name, "root:root");
	ck_assert_int_eq(s->state_owner.uid, 0);
	ck_assert_int_eq(s->state_owner.gid, 0);
	ck_assert_int_eq(s->state_mode_set, 1);
	ck_assert_int_eq(s->state_mode, 02770);
	s = must_find(conf, "r/s");
	ck_assert_ptr_null(s->state_owner.name);
	ck_assert_int_eq(s->state_owner.uid, (uid_t)-1);
	ck_assert_int_eq(s->state_mode_set, 0);
	config_free(conf);
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "state_owner = :x\n"
	    "state_mode = 0999\n"
	    "[supervisor:r/s]\n"
	    "state_owner = no-such-user-here\n",
	    "2: invalid state_owner ':x' (expected USER or USER:GROUP)",
	    "3: invalid state_mode '0999' (expected an octal mode such as "
	    "0750 or 2770)",
	    "5: unknown user 'no-such-user-here'");
}
END_TEST

/* success_exit = statuses and signal names. */
/* The cgroup limit keys: values as written, "max", errors, in both
   kinds of sections; with cgroup = no a limit is an error at its line. */
START_TEST(test_cgroup_limits)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "memory_max = 1G\n"
	    "pids_max = max\n"
	    "[worker:r/w]\n"
	    "command = x\n"
	    "memory_max = 64M\n"
	    "memory_high = 48m\n"
	    "memory_swap_max = 0\n"
	    "cpu_max = 12.5%\n"
	    "cpu_weight = 10000\n"
	    "io_weight = 1\n"
	    "pids_max = 32\n");
	const struct node_spec *r = config_find(conf, "r");
	const struct node_spec *w = config_find(conf, "r/w");

	ck_assert_int_eq(r->cg_limits[CGL_MEMORY_MAX], 1 << 30);
	ck_assert_int_eq(r->cg_limits[CGL_PIDS_MAX], CGL_MAX);
	ck_assert_int_eq(r->cg_limits[CGL_CPU_MAX], CGL_UNSET);
	ck_assert_int_eq(r->cg_lines[CGL_MEMORY_MAX], 2);
	ck_assert_int_eq(w->cg_limits[CGL_MEMORY_MAX], 64 << 20);
	ck_assert_int_eq(w->cg_lines[CGL_MEMORY_MAX], 6);
	ck_assert_int_eq(w->cg_limits[CGL_MEMORY_HIGH], 48 << 20);
	ck_assert_int_eq(w->cg_limits[CGL_MEMORY_SWAP_MAX], 0);
	ck_assert_int_eq(w->cg_limits[CGL_CPU_MAX], 12500);
	ck_assert_int_eq(w->cg_limits[CGL_CPU_WEIGHT], 10000);
	ck_assert_int_eq(w->cg_limits[CGL_IO_WEIGHT], 1);
	ck_assert_int_eq(w->cg_limits[CGL_PIDS_MAX], 32);
	config_free(conf);

	expect_errors("[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = x\n"
	    "memory_max = 64X\n"
	    "cpu_max = 50\n"
	    "cpu_max = 0.5%\n"
	    "cpu_weight = 0\n"
	    "io_weight = max\n"
	    "pids_max = -1\n",
	    "4: invalid memory_max '64X' (expected a size such as 512K, 64M "
	    "or 2G, or max)",
	    "5: invalid cpu_max '50' (expected a share of one CPU such as "
	    "50% or 200%, at least 1%, or max)",
	    "6: duplicate key 'cpu_max' in worker 'r/w' (first set at line 5)",
	    "7: invalid cpu_weight '0' (expected 1 to 10000)",
	    "8: invalid io_weight 'max' (expected 1 to 10000)",
	    "9: invalid pids_max '-1' (expected a number of processes, or "
	    "max)", NULL);
	expect_errors("[arbor]\n"
	    "cgroup = no\n"
	    "[supervisor:r]\n"
	    "pids_max = 100\n"
	    "[worker:r/w]\n"
	    "command = x\n"
	    "memory_max = 64M\n",
	    "4: pids_max needs cgroups, which are off: cgroup = no in "
	    "[arbor]",
	    "7: memory_max needs cgroups, which are off: cgroup = no in "
	    "[arbor]", NULL);
	expect_errors("[arbor]\ncgroup = sometimes\n[supervisor:r]\n",
	    "2: invalid cgroup 'sometimes' (expected auto, yes or no)", NULL);
}
END_TEST

START_TEST(test_success_exit_key)
{
	struct config *conf;
	struct node_spec *w;

	conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "success_exit = 0 3 255 TERM SIGHUP\n");
	w = must_find(conf, "r/w");
	ck_assert_uint_eq(w->success_exit.codes[0], (UINT64_C(1) << 0) |
	    (UINT64_C(1) << 3));
	ck_assert_uint_eq(w->success_exit.codes[3], UINT64_C(1) << 63);
	ck_assert_uint_eq(w->success_exit.signals, (UINT64_C(1) << SIGTERM) |
	    (UINT64_C(1) << SIGHUP));
	config_free(conf);
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "success_exit = 3 256\n"
	    "[worker:r/x]\n"
	    "command = ./x\n"
	    "success_exit = NOPE\n",
	    "4: invalid success_exit '256' (expected exit statuses from 0 to "
	    "255 and signal names such as TERM)",
	    "7: invalid success_exit 'NOPE' (expected exit statuses from 0 "
	    "to 255 and signal names such as TERM)");
}
END_TEST

/* health = check: | tcp: | unix: | none, the other liveness keys. */
START_TEST(test_health_keys)
{
	struct config *conf;
	struct node_spec *w;

	conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/c]\n"
	    "command = ./w\n"
	    "health = check:curl -fsS http://127.0.0.1:$PORT/\n"
	    "health_interval = 2s\n"
	    "health_timeout = 250ms\n"
	    "health_retries = 1\n"
	    "health_start_period = 30s\n"
	    "[worker:r/t]\n"
	    "command = ./w\n"
	    "health = tcp:[::1]:8080\n"
	    "watchdog = 30s\n"
	    "watchdog_signal = QUIT\n"
	    "[worker:r/l]\n"
	    "command = ./w\n"
	    "health = tcp:localhost:1\n"
	    "[worker:r/u]\n"
	    "command = ./w\n"
	    "health = unix:run/w.sock\n");
	w = must_find(conf, "r/c");
	ck_assert_int_eq(w->health, HEALTH_CHECK);
	argv_is(&w->health_check, "curl", "-fsS",
	    "http://127.0.0.1:${PORT}/", NULL);
	ck_assert_int_eq(w->health_interval_ms, 2000);
	ck_assert_int_eq(w->health_timeout_ms, 250);
	ck_assert_int_eq(w->health_retries, 1);
	ck_assert_int_eq(w->health_start_period_ms, 30000);
	ck_assert_int_eq(w->watchdog_ms, 0);
	w = must_find(conf, "r/t");
	ck_assert_int_eq(w->health, HEALTH_TCP);
	ck_assert_str_eq(w->health_host, "::1");
	ck_assert_int_eq(w->health_port, 8080);
	ck_assert_int_eq(w->watchdog_ms, 30000);
	ck_assert_int_eq(w->watchdog_signal, SIGQUIT);
	w = must_find(conf, "r/l");
	ck_assert_str_eq(w->health_host, "localhost");
	w = must_find(conf, "r/u");
	ck_assert_int_eq(w->health, HEALTH_UNIX);
	ck_assert_str_eq(w->health_path, "run/w.sock");
	config_free(conf);
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "health = http://x/\n"
	    "health_retries = 0\n"				/* 5 */
	    "health_interval = 0\n"
	    "watchdog = soon\n"
	    "[worker:r/x]\n"
	    "command = ./x\n"
	    "health = tcp:example.com:80\n"			/* 10 */
	    "[worker:r/y]\n"
	    "command = ./x\n"
	    "health = tcp:127.0.0.1:99999\n"
	    "[worker:r/z]\n"
	    "command = ./x\n"					/* 15 */
	    "health = check:'unterminated\n",
	    "4: invalid health 'http://x/' (expected check:COMMAND, "
	    "tcp:HOST:PORT, unix:PATH or none)",
	    "5: invalid health_retries '0' (expected an integer from 1 to "
	    "1000000)",
	    "6: invalid health_interval '0' (expected a duration > 0 such as "
	    "5s, 250ms or 1.5m)",
	    "7: invalid watchdog 'soon' (expected a duration such as 0, 500ms "
	    "or 2s)",
	    "10: invalid health 'tcp:example.com:80' (tcp: HOST must be an IP "
	    "address or localhost: arbord does not look names up)",
	    "13: invalid health 'tcp:127.0.0.1:99999' (tcp: needs HOST:PORT "
	    "with a port from 1 to 65535)",
	    "16: invalid health: unterminated single quote");
}
END_TEST

/* listen and listen_names: stored, copied to a pool's instances, errors. */
START_TEST(test_listen_keys)
{
	struct config *conf;
	struct node_spec *w;

	conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "listen = tcp:0.0.0.0:8080,backlog=1024,reuseport\n"
	    "  unix:/run/app.sock,mode=0660\n"
	    "listen_names = http admin\n"
	    "ready = fd:5\n"
	    "[worker:r/p]\n"
	    "command = ./w\n"
	    "instances = 3\n"
	    "listen = tcp:[::]:80\n");
	w = must_find(conf, "r/w");
	ck_assert_uint_eq(w->nlisten, 2);
	ck_assert_str_eq(w->listen[0].addr, "tcp:0.0.0.0:8080");
	ck_assert_int_eq(w->listen[0].backlog, 1024);
	ck_assert(w->listen[0].reuseport);
	ck_assert_str_eq(w->listen[1].path, "/run/app.sock");
	argv_is(&w->listen_names, "http", "admin", NULL);
	w = must_find(conf, "r/p");
	ck_assert_uint_eq(w->nlisten, 1);
	w = must_find(conf, "r/p/2");
	ck_assert_uint_eq(w->nlisten, 1);
	ck_assert_str_eq(w->listen[0].word, "tcp:[::]:80");
	ck_assert_uint_eq(w->listen_names.n, 0);
	config_free(conf);
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "listen = tcp:example.com:80\n"
	    "[worker:r/x]\n"					/* 5 */
	    "command = ./x\n"
	    "listen = tcp:1.2.3.4:80 tcp:1.2.3.4:80\n"
	    "[worker:r/y]\n"
	    "command = ./x\n"
	    "listen = tcp:1.2.3.4:80 unix:/s\n"		/* 10 */
	    "listen_names = a b c\n"
	    "ready = fd:4\n"
	    "[worker:r/z]\n"
	    "command = ./x\n"
	    "listen_names = a:b\n"				/* 15 */
	    "[worker:r/v]\n"
	    "command = ./x\n"
	    "listen_names = a\n"
	    "[supervisor:r/s]\n"
	    "listen = tcp:1.2.3.4:80\n",			/* 20 */
	    "4: invalid listen 'tcp:example.com:80' (tcp: HOST must be an IP "
	    "address, [IPv6], localhost or *: arbord does not look names up)",
	    "7: invalid listen: 'tcp:1.2.3.4:80' is listed twice",
	    "10: ready = fd:4 is one of the descriptors of listen (3 to 4): "
	    "use fd:5 or above",
	    "11: listen_names has 3 names for 2 sockets (expected one name "
	    "for all, or one for each)",
	    "15: invalid listen_names 'a:b' (a name is 1 to 255 printable "
	    "characters without ':' or spaces)",
	    "18: listen_names without listen",
	    "20: 'listen' is a worker key; 'r/s' is a supervisor");
}
END_TEST

START_TEST(test_missing_file)
{
	struct errlist errs = { { NULL, 0, 0 } };

	ck_assert_ptr_null(config_load("/nonexistent/arbor.ini", &errs));
	ck_assert_uint_eq(errs.msgs.n, 1);
	ck_assert_str_eq(errs.msgs.v[0], "/nonexistent/arbor.ini:0: cannot "
	    "open: No such file or directory");
	errlist_free(&errs);
	ck_assert_ptr_null(config_load("/tmp", &errs));
	ck_assert_uint_eq(errs.msgs.n, 1);
	ck_assert_str_eq(errs.msgs.v[0], "/tmp:0: not a regular file (a "
	    "directory): refused");
	errlist_free(&errs);
}
END_TEST

/* Indented lines continue setup, cleanup and command. */
START_TEST(test_continuation)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "setup = ./prepare\n"
	    "    --one 'two\n"
	    "\t  three'   ; a comment\n"
	    "cleanup =\n"
	    "    ./tidy\n"
	    "; a comment between does not end it\n"
	    "\n"
	    "    --all\n"
	    "[worker:r/w]\n"
	    "command = ./w \\\n"
	    "  --flag\n"
	    "restart = transient\n");
	struct node_spec *w = must_find(conf, "r/w");

	argv_is(&conf->root->setup, "./prepare", "--one", "two three", NULL);
	argv_is(&conf->root->cleanup, "./tidy", "--all", NULL);
	/* The backslash escapes the joining space. */
	argv_is(&w->argv, "./w", " --flag", NULL);
	ck_assert_int_eq(w->restart, RESTART_TRANSIENT);
	config_free(conf);
}
END_TEST

/* Continuations of other keys fail; of failed keys are dropped. */
START_TEST(test_continuation_errors)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "strategy = one_for_all\n"
	    "   rest_for_one\n"
	    "   more\n"
	    "env.X = 1\n"
	    "  2\n"
	    "comand = x\n"
	    "  --ignored\n"
	    "restart = sometimes\n"
	    "  ignored\n",
	    "3: key 'strategy' does not take continuation lines",
	    "6: key 'env.X' does not take continuation lines",
	    "7: unknown key 'comand' in supervisor 'r'",
	    "9: invalid restart 'sometimes' (expected permanent, transient or "
	    "temporary)");
}
END_TEST

/* A continuation is not a duplicate key; a repeated key is. */
START_TEST(test_continuation_not_duplicate)
{
	/*
	 * As in inih and Python's configparser, an indented line after a key
	 * continues it, whatever it looks like; after a header it is a key.
	 */
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "  command = a\n"
	    "  restart = temporary\n"
	    "  [worker:r/x]\n");
	struct node_spec *w = must_find(conf, "r/w");

	argv_is(&w->argv, "a", "restart", "=", "temporary", "[worker:r/x]",
	    NULL);
	ck_assert_int_eq(w->restart, RESTART_PERMANENT);
	ck_assert_uint_eq(conf->nnodes, 2);
	config_free(conf);
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = a\n"
	    "  b\n"
	    "command = c\n"
	    "  d\n",
	    "5: duplicate key 'command' in worker 'r/w' (first set at line 3)");
}
END_TEST

/* Unknown keys, did-you-mean, and keys of the other kind. */
START_TEST(test_unknown_keys)
{
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "sockt = /x\n"
	    "colour = blue\n"
	    "[supervisor:r]\n"
	    "stratgey = one_for_one\n"
	    "command = ./x\n"
	    "user = nobody\n"
	    "socket = /x\n"
	    "evn.PATH = /bin\n"
	    "[worker:r/x]\n"
	    "comand = ./x\n"
	    "Command = ./x\n"
	    "strategy = one_for_all\n"
	    "setup = ./s\n"
	    "flavour = vanilla\n"
	    "state_dir = /x\n"
	    "grp = wheel\n"
	    "command = ./x\n",
	    "2: unknown key 'sockt' in [arbor] (did you mean 'socket'?)",
	    "3: unknown key 'colour' in [arbor] (expected socket, "
	    "socket_group, state_dir, event_format, log, log_dir, "
	    "log_max_size, log_keep, max_clients, client_timeout, cgroup, http or http_token_file)",
	    "5: unknown key 'stratgey' in supervisor 'r' (did you mean "
	    "'strategy'?)",
	    "6: 'command' is a worker key; 'r' is a supervisor",
	    "7: 'user' is a worker key; 'r' is a supervisor",
	    "8: 'socket' is an [arbor] key; 'r' is a supervisor",
	    "9: unknown key 'evn.PATH' in supervisor 'r' (did you mean "
	    "'env.PATH'?)",
	    "11: unknown key 'comand' in worker 'r/x' (did you mean "
	    "'command'?)",
	    "12: unknown key 'Command' in worker 'r/x' (did you mean "
	    "'command'?)",
	    "13: 'strategy' is a supervisor key; 'r/x' is a worker",
	    "14: 'setup' is a supervisor key; 'r/x' is a worker",
	    "15: unknown key 'flavour' in worker 'r/x'",
	    "16: 'state_dir' is an [arbor] key; 'r/x' is a worker",
	    "17: unknown key 'grp' in worker 'r/x' (did you mean 'group'?)");
}
END_TEST

/* Every bad value, at the line of its key. */
START_TEST(test_bad_values)
{
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "event_format = xml\n"
	    "socket =\n"
	    "[supervisor:r]\n"
	    "strategy = one_for_some\n"				/* 5 */
	    "intensity = -1\n"
	    "period = 0\n"
	    "setup_timeout = soon\n"
	    "cleanup_timeout = -5s\n"
	    "restart = always\n"				/* 10 */
	    "env.BAD-NAME = x\n"
	    "env.1X = x\n"
	    "env. = x\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"					/* 15 */
	    "restart = sometimes\n"
	    "shutdown = 5 s\n"
	    "stop_signal = SIGFOO\n"
	    "directory =\n"
	    "user = no-such-user-arbor\n"			/* 20 */
	    "group = no-such-group-arbor\n"
	    "[supervisor:r/s]\n"
	    "intensity = 1.5\n"
	    "period = 5x\n"
	    "[worker:r/s/w]\n"					/* 25 */
	    "command = x\n"
	    "stop_signal = 0\n"
	    "shutdown = forever\n"
	    "group =\n",
	    "2: invalid event_format 'xml' (expected text or json)",
	    "3: empty value for 'socket'",
	    "5: invalid strategy 'one_for_some' (expected one_for_one, "
	    "one_for_all or rest_for_one)",
	    "6: invalid intensity '-1' (expected an integer >= 0)",
	    "7: invalid period '0' (expected a duration > 0 such as 5s, 250ms "
	    "or 1.5m)",
	    "8: invalid setup_timeout 'soon' (expected a duration > 0 such as "
	    "5s, 250ms or 1.5m)",
	    "9: invalid cleanup_timeout '-5s' (expected a duration > 0 such as "
	    "5s, 250ms or 1.5m)",
	    "10: invalid restart 'always' (expected permanent, transient or "
	    "temporary)",
	    "11: invalid environment variable name 'BAD-NAME' in "
	    "'env.BAD-NAME'",
	    "12: invalid environment variable name '1X' in 'env.1X'",
	    "13: invalid environment variable name '' in 'env.'",
	    "16: invalid restart 'sometimes' (expected permanent, transient or "
	    "temporary)",
	    "17: invalid shutdown '5 s' (expected a duration such as 5s, "
	    "infinity or brutal_kill)",
	    "18: invalid stop_signal 'SIGFOO' (expected a signal name such as "
	    "TERM or a number)",
	    "19: empty value for 'directory'",
	    "20: unknown user 'no-such-user-arbor'",
	    "21: unknown group 'no-such-group-arbor'",
	    "23: invalid intensity '1.5' (expected an integer >= 0)",
	    "24: invalid period '5x' (expected a duration > 0 such as 5s, "
	    "250ms or 1.5m)",
	    "27: invalid stop_signal '0' (expected a signal name such as TERM "
	    "or a number)",
	    "28: invalid shutdown 'forever' (expected a duration such as 5s, "
	    "infinity or brutal_kill)",
	    "29: empty value for 'group'");
}
END_TEST

/* Command lines that cannot be split, and a missing command. */
START_TEST(test_bad_commands)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "setup = ./s 'unclosed\n"
	    "cleanup =\n"
	    "[worker:r/a]\n"
	    "command = ./a \"unclosed\n"
	    "[worker:r/b]\n"
	    "command =\n"
	    "[worker:r/c]\n"
	    "command = ./c\n"
	    "  trailing\\\n"
	    "[worker:r/d]\n"
	    "restart = temporary\n",
	    "2: invalid setup: unterminated single quote",
	    "3: invalid cleanup: empty command",
	    "5: invalid command: unterminated double quote",
	    "7: invalid command: empty command",
	    "9: invalid command: trailing backslash",
	    "11: worker 'r/d' has no command");
}
END_TEST

/* user and group resolve to ids; user alone brings its group. */
START_TEST(test_owner)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/u]\n"
	    "command = u\n"
	    "user = root\n"
	    "[worker:r/g]\n"
	    "command = g\n"
	    "group = root\n"
	    "[worker:r/ug]\n"
	    "command = ug\n"
	    "group = daemon\n"
	    "user = root\n");
	struct node_spec *u = must_find(conf, "r/u"), *g = must_find(conf,
	    "r/g"), *ug = must_find(conf, "r/ug");
	struct group *gr = getgrnam("daemon");

	ck_assert_int_eq(u->uid, 0);
	ck_assert_int_eq(u->gid, 0);
	ck_assert_str_eq(u->user, "root");
	ck_assert_ptr_null(u->group);
	ck_assert_int_eq(g->uid, (uid_t)-1);
	ck_assert_int_eq(g->gid, 0);
	ck_assert_ptr_null(g->user);
	ck_assert_str_eq(g->group, "root");
	ck_assert_int_eq(ug->uid, 0);
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(ug->gid, gr->gr_gid);
	config_free(conf);
}
END_TEST

/* Duplicate keys, nodes and [arbor] sections. */
START_TEST(test_duplicates)
{
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "socket = /a\n"
	    "socket = /b\n"
	    "[supervisor:r]\n"
	    "[worker:r/x]\n"					/* 5 */
	    "command = x\n"
	    "command = y\n"
	    "env.A = 1\n"
	    "env.A = 2\n"
	    "[worker:r/x]\n"					/* 10 */
	    "command = z\n"
	    "comand = z\n"
	    "[supervisor:r/x]\n"
	    "[arbor]\n"
	    "socket = /c\n",
	    "3: duplicate key 'socket' in [arbor] (first set at line 2)",
	    "7: duplicate key 'command' in worker 'r/x' (first set at line 6)",
	    "9: duplicate key 'env.A' in worker 'r/x' (first set at line 8)",
	    "10: duplicate node 'r/x' (first declared at line 5)",
	    "12: unknown key 'comand' in worker 'r/x' (did you mean "
	    "'command'?)",
	    "13: duplicate node 'r/x' (first declared at line 5)",
	    "14: duplicate section [arbor] (first declared at line 1)");
}
END_TEST

/* Missing or worker parents, second roots, a worker as root. */
START_TEST(test_tree_errors)
{
	EXPECT_ERRORS(
	    "[supervisor:a]\n"
	    "[worker:a/w]\n"
	    "command = w\n"
	    "[worker:a/w/x]\n"
	    "command = x\n"					/* 5 */
	    "[supervisor:a/missing/y]\n"
	    "[supervisor:b]\n"
	    "[worker:solo]\n"
	    "command = solo\n"
	    "[supervisor:c]\n",					/* 10 */
	    "4: parent 'a/w' of 'a/w/x' is a worker, not a supervisor",
	    "6: parent 'a/missing' of 'a/missing/y' is not a declared "
	    "supervisor",
	    "7: second root supervisor 'b' (the root is 'a', line 1)",
	    "8: worker 'solo' needs a parent supervisor",
	    "10: second root supervisor 'c' (the root is 'a', line 1)");
}
END_TEST

/* A file without a root supervisor. */
START_TEST(test_no_root)
{
	EXPECT_ERRORS("", "1: no root supervisor");
	EXPECT_ERRORS(
	    "; only a comment\n"
	    "[arbor]\n",
	    "1: no root supervisor");
	EXPECT_ERRORS(
	    "[worker:w]\n"
	    "command = w\n",
	    "1: worker 'w' needs a parent supervisor",
	    "1: no root supervisor");
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "[supervisor:a/b]\n",
	    "1: no root supervisor",
	    "2: parent 'a' of 'a/b' is not a declared supervisor");
}
END_TEST

/* Bad section headers and node names. */
START_TEST(test_sections)
{
	char *name = repeat('n', CONF_MAX_NAME + 1);
	char *text = xasprintf(
	    "[supervisor:r]\n"
	    "[worker:r/%s]\n"
	    "command = x\n", name);
	char *want = xasprintf("2: node name '%s' is too long (65 characters, "
	    "at most 64)", name);

	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[service:r/x]\n"
	    "command = ignored\n"
	    "[supervisor]\n"
	    "[worker:r/a b]\n"					/* 5 */
	    "[worker:r/..]\n"
	    "[worker:r/.]\n"
	    "[worker:r//x]\n"
	    "[worker:]\n"
	    "[supervisor:r/\xc3\xa9]\n"				/* 10 */
	    "[worker:r/x\n"
	    "command = ignored\n"
	    "[worker:r/y] junk\n"
	    "command = y\n"
	    "[ worker:r/z ]   ; comment\n"			/* 15 */
	    "command = z\n"
	    "[]\n",
	    "2: unknown section 'service:r/x' (expected [arbor], [include], "
	    "[supervisor:PATH] or [worker:PATH])",
	    "4: unknown section 'supervisor' (expected [arbor], [include], "
	    "[supervisor:PATH] or [worker:PATH])",
	    "5: invalid character ' ' in node name 'a b' (use letters, digits, "
	    "'.', '_' and '-')",
	    "6: node name '..' is not allowed",
	    "7: node name '.' is not allowed",
	    "8: empty node name in path 'r//x'",
	    "9: empty node path",
	    "10: invalid character '\\xC3' in node name '\xc3\xa9' (use "
	    "letters, digits, '.', '_' and '-')",
	    "11: section header without ']'",
	    "13: unexpected text after section header: 'junk'",
	    "17: unknown section '' (expected [arbor], [include], "
	    "[supervisor:PATH] or [worker:PATH])");
	EXPECT_ERRORS(text, want);
	free(name);
	free(text);
	free(want);
}
END_TEST

/* Section names past inih's 49 characters, and past 128. */
START_TEST(test_long_section)
{
	/* Longer than inih's 49: names must survive whole, lines exactly. */
	char *a = repeat('a', 50), *b = repeat('b', 50), *text;
	char *path = xasprintf("root/%s/%s", a, b);
	char *c = repeat('c', 50), *d = repeat('d', CONF_MAX_SECTION - 976);
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf;
	struct node_spec *w;

	text = xasprintf(
	    "[supervisor:root]\n"
	    "[supervisor:root/%s]\n"
	    "[worker:%s]\n"
	    "command = ./w\n"
	    "[worker:root/%s/%sx]\n"
	    "command = ./w2\n", a, path, a, b);
	conf = load(text, &errs);
	ck_assert_uint_eq(errs.msgs.n, 0);
	ck_assert_ptr_nonnull(conf);
	w = must_find(conf, path);
	ck_assert_int_eq(w->line, 3);
	ck_assert_str_eq(w->name, b);
	argv_is(&w->argv, "./w", NULL);
	ck_assert_uint_eq(w->parent->nchildren, 2);
	ck_assert_int_eq(w->parent->children[1]->line, 5);
	argv_is(&w->parent->children[1]->argv, "./w2", NULL);
	config_free(conf);
	free(text);

	/*
	 * Fifteen levels of 63-character names and one of 48: a section
	 * name of 1024 characters; one more fails. Headers are not bound by
	 * the 199 characters of other lines.
	 */
	{
		struct buf sb = { 0 }, deep = { 0 };
		char *n63 = repeat('c', 63), *msg;

		buf_printf(&sb, "[supervisor:root]\n");
		buf_printf(&deep, "root");
		for (int i = 0; i < 15; i++) {
			buf_printf(&deep, "/%s", n63);
			buf_printf(&sb, "[supervisor:%s]\n", deep.s);
		}
		buf_printf(&sb, "[supervisor:%s/%s]\n", deep.s, d);
		buf_printf(&sb, "[supervisor:%s/%sd]\n", deep.s, d);
		buf_printf(&sb, "command = ignored\nbad = 1\n"
		    "[worker:root/w]\ncomand = x\n");
		msg = xasprintf("%zu: section name too long (%d characters, at "
		    "most %d)", (size_t)18, CONF_MAX_SECTION + 1,
		    CONF_MAX_SECTION);
		EXPECT_ERRORS(sb.s, msg,
		    "21: worker 'root/w' has no command",
		    "22: unknown key 'comand' in worker 'root/w' (did you "
		    "mean 'command'?)");
		free(msg);
		free(n63);
		free(sb.s);
		free(deep.s);
	}
	free(c);
	free(d);
	free(path);
	free(a);
	free(b);
}
END_TEST

/* Over-long lines: exact line numbers, no phantom keys. */
START_TEST(test_long_line)
{
	char *x = repeat('x', 300), *text, *err, *err8;
	char *max = repeat('y', 199 - strlen("command = ./w "));
	struct config *conf;

	/* Exactly 199 characters is fine. */
	text = xasprintf(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w %s\n"
	    "restart = temporary\n", max);
	conf = load_ok(text);
	argv_is(&must_find(conf, "r/w")->argv, "./w", max, NULL);
	ck_assert_int_eq(must_find(conf, "r/w")->restart, RESTART_TEMPORARY);
	config_free(conf);
	free(text);

	/*
	 * 200 and more: an error at its own line; no phantom key from the
	 * tail, no shift of later lines, continuations after it ignored.
	 */
	text = xasprintf(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w %sy\n"
	    "  continued\n"
	    "restart = sometimes\n"
	    "env.A = %s=1\n"
	    "restart = temporary\n"
	    "[worker:r/%s]\n"
	    "command = ignored\n"
	    "bogus = 1\n", max, x, x);
	err = xasprintf("3: line too long (200 characters, at most 199); "
	    "split it with indented continuation lines");
	/* A header is not bound by the line length, only by its names. */
	err8 = xasprintf("8: node name '%s' is too long (300 characters, at "
	    "most 64)", x);
	/* The worker's command was on the refused line: no echo of that. */
	EXPECT_ERRORS(text,
	    err,
	    "5: invalid restart 'sometimes' (expected permanent, transient or "
	    "temporary)",
	    "6: line too long (310 characters, at most 199); split it with "
	    "indented continuation lines",
	    "7: duplicate key 'restart' in worker 'r/w' (first set at line 5)",
	    err8);
	free(err8);
	free(err);
	free(text);

	/* An indented '[' line after a key continues it: bound as any line. */
	text = xasprintf(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\n"
	    "  [%s]\n", x);
	err = xasprintf("4: line too long (304 characters, at most 199); "
	    "split it with indented continuation lines");
	EXPECT_ERRORS(text, err);
	free(err);
	free(text);
	free(max);
	free(x);
}
END_TEST

/* A NUL byte rejects its line. */
START_TEST(test_nul_byte)
{
	static const char text[] =
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = ./w\0 junk\n"
	    "  --continued\n"
	    "restart = sometimes\n";
	struct errlist errs = { { NULL, 0, 0 } };
	char *want;

	ck_assert_ptr_null(load_bytes(text, sizeof text - 1, &errs));
	/* The cause only: no "has no command" echo of the refused line. */
	ck_assert_uint_eq(errs.msgs.n, 2);
	want = xasprintf("%s:3: line contains a NUL byte", cfg_path);
	ck_assert_str_eq(errs.msgs.v[0], want);
	free(want);
	want = xasprintf("%s:5: invalid restart 'sometimes' (expected "
	    "permanent, transient or temporary)", cfg_path);
	ck_assert_str_eq(errs.msgs.v[1], want);
	free(want);
	errlist_free(&errs);
}
END_TEST

/* Lines inih would reject silently are reported at their line. */
START_TEST(test_syntax_errors)
{
	EXPECT_ERRORS(
	    "key = outside\n"
	    "[supervisor:r]\n"
	    "  indented = ok\n"
	    "just some words\n"
	    "= value\n"					/* 5 */
	    "strategy ; = one_for_all\n"
	    "  dropped with the line above\n"
	    "[worker:r/w]\n"
	    "command: ./w arg=1\n"
	    "# hash comment\n"
	    "  ; indented comment\n"				/* 10 */
	    "restart = temporary ;comment\n"
	    "\r\n"
	    "shutdown = 1s\r\n"
	    "nonsense\n",
	    "1: key 'key' is outside any section",
	    "3: unknown key 'indented' in supervisor 'r'",
	    "4: syntax error: expected 'key = value', '[section]' or a comment",
	    "5: missing key name before '='",
	    "6: syntax error: expected 'key = value', '[section]' or a comment",
	    "15: syntax error: expected 'key = value', '[section]' or a "
	    "comment");
}
END_TEST

/* name: value, inline comments, CRLF and a BOM are accepted. */
START_TEST(test_syntax_ok)
{
	/* name: value (inih), inline comments, CRLF and a BOM. */
	struct config *conf = load_ok(
	    "\xef\xbb\xbf[supervisor:r]\r\n"
	    "[worker:r/w]\r\n"
	    "command: ./w arg=1 ;comment\r\n"
	    "env.X = a;b ; c\r\n");
	struct node_spec *w = must_find(conf, "r/w");

	ck_assert_int_eq(conf->root->line, 1);
	argv_is(&w->argv, "./w", "arg=1", NULL);
	ck_assert_str_eq(env_get(&w->env, "X"), "a;b");
	config_free(conf);
}
END_TEST

/* An inline comment needs a blank before the semicolon. */
START_TEST(test_restart_semicolon)
{
	/* "temporary;..." is one value; inline comments need a blank. */
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "restart = temporary;x\n",
	    "4: invalid restart 'temporary;x' (expected permanent, transient "
	    "or temporary)");
}
END_TEST

/* Errors of every stage are all reported, sorted by line. */
START_TEST(test_many_errors)
{
	/* Errors of every stage, all reported, sorted by line. */
	EXPECT_ERRORS(
	    "[supervisor:root]\n"
	    "intensity = lots\n"
	    "[worker:root/a]\n"
	    "comand = ./a\n"
	    "[worker:root/b/c]\n"				/* 5 */
	    "command = ./c\n"
	    "[worker:root/a]\n"
	    "command = ./a\n"
	    "oops\n"
	    "[supervisor:other]\n",				/* 10 */
	    "2: invalid intensity 'lots' (expected an integer >= 0)",
	    "3: worker 'root/a' has no command",
	    "4: unknown key 'comand' in worker 'root/a' (did you mean "
	    "'command'?)",
	    "5: parent 'root/b' of 'root/b/c' is not a declared supervisor",
	    "7: duplicate node 'root/a' (first declared at line 3)",
	    "9: syntax error: expected 'key = value', '[section]' or a comment",
	    "10: second root supervisor 'other' (the root is 'root', line 1)");
}
END_TEST

/*
 * [include]: matches sorted, appended after the including file, relative
 * to it; directories skipped, patterns matching nothing ignored; each
 * node's file, line and default directory come from its own file.
 */
START_TEST(test_include)
{
	struct config *conf;
	struct node_spec *n;
	char *want;

	files_new();
	put("main.ini",
	    "[supervisor:root]\n"
	    "directory = /srv/app\n"
	    "[include]\n"
	    "files = conf.d/*.ini nothing/*.ini missing.ini\n"
	    "  extra/one.ini   ; continued\n"			/* 5 */
	    "[worker:root/main]\n"
	    "command = m\n");
	put("conf.d/20-b.ini",
	    "; b\n"
	    "[worker:root/b]\n"
	    "command = b\n");
	put("conf.d/10-a.ini",
	    "[supervisor:root/a]\n"
	    "[worker:root/a/w]\n"
	    "command = ./w\n");
	put("conf.d/README", "not an ini file\n");
	put("conf.d/skip.ini/x", "a directory matching the pattern\n");
	put("extra/one.ini",
	    "[worker:root/one]\n"
	    "command = one\n"
	    "directory = data\n");
	conf = load_file_ok("main.ini");

	children_are(conf->root, "root/main", "root/a", "root/b", "root/one",
	    NULL);
	ck_assert_uint_eq(conf->nnodes, 6);
	ck_assert_str_eq(conf->nodes[0]->path, "root");
	ck_assert_str_eq(conf->nodes[1]->path, "root/main");
	ck_assert_str_eq(conf->nodes[2]->path, "root/a");
	ck_assert_str_eq(conf->nodes[3]->path, "root/a/w");
	ck_assert_str_eq(conf->nodes[4]->path, "root/b");
	ck_assert_str_eq(conf->nodes[5]->path, "root/one");

	/* Every file read, in order, and each node's file and line. */
	ck_assert_uint_eq(conf->files.n, 4);
	want = inc_path("main.ini");
	ck_assert_str_eq(conf->files.v[0], want);
	ck_assert_str_eq(conf->file, want);
	ck_assert_str_eq(conf->root->file, want);
	free(want);
	want = inc_path("conf.d/10-a.ini");
	ck_assert_str_eq(conf->files.v[1], want);
	n = must_find(conf, "root/a/w");
	ck_assert_str_eq(n->file, want);
	ck_assert_int_eq(n->line, 2);
	free(want);
	want = inc_path("conf.d/20-b.ini");
	ck_assert_str_eq(conf->files.v[2], want);
	ck_assert_str_eq(must_find(conf, "root/b")->file, want);
	ck_assert_int_eq(must_find(conf, "root/b")->line, 2);
	free(want);
	want = inc_path("extra/one.ini");
	ck_assert_str_eq(conf->files.v[3], want);
	free(want);
	ck_assert_str_eq(conf->dir, inc_dir);

	/*
	 * Directories: inherited within a file; a node whose parent is in
	 * another file starts from its own file's directory; relative
	 * values are relative to the file they are written in.
	 */
	ck_assert_str_eq(conf->root->directory, "/srv/app");
	ck_assert_str_eq(must_find(conf, "root/main")->directory, "/srv/app");
	want = inc_path("conf.d");
	ck_assert_str_eq(must_find(conf, "root/a")->directory, want);
	ck_assert_str_eq(must_find(conf, "root/a/w")->directory, want);
	ck_assert_str_eq(must_find(conf, "root/b")->directory, want);
	free(want);
	want = inc_path("extra/data");
	ck_assert_str_eq(must_find(conf, "root/one")->directory, want);
	free(want);
	config_free(conf);
	files_remove();
}
END_TEST

/*
 * Nested includes are read depth first, each relative to its own file,
 * wherever [include] appears in it; an absolute pattern and a quoted one.
 */
START_TEST(test_include_nested)
{
	struct config *conf;
	char *text;

	files_new();
	text = at_dir(
	    "[include]\n"
	    "files = d/a.ini \"with space/*.ini\" @/abs/*.ini\n"
	    "[supervisor:root]\n"
	    "[worker:root/main]\n"
	    "command = m\n");
	put("main.ini", text);
	free(text);
	put("d/a.ini",
	    "[worker:root/a]\n"
	    "command = a\n"
	    "[include]\n"
	    "files = sub/*.ini\n");
	put("d/sub/x.ini",
	    "[include]\n"
	    "files = ../../tail.ini\n"
	    "[worker:root/x]\n"
	    "command = x\n");
	put("tail.ini",
	    "[worker:root/tail]\n"
	    "command = t\n");
	put("with space/s.ini",
	    "[worker:root/space]\n"
	    "command = s\n");
	put("abs/z.ini",
	    "[worker:root/abs]\n"
	    "command = z\n");
	conf = load_file_ok("main.ini");
	children_are(conf->root, "root/main", "root/a", "root/x", "root/tail",
	    "root/space", "root/abs", NULL);
	ck_assert_uint_eq(conf->files.n, 6);
	text = inc_path("d/sub/../../tail.ini");
	ck_assert_str_eq(must_find(conf, "root/tail")->file, text);
	free(text);
	/* tail.ini is in inc_dir, whatever its name says. */
	ck_assert_str_eq(must_find(conf, "root/tail")->directory, inc_dir);
	config_free(conf);
	files_remove();
}
END_TEST

/* Included files are named relative to the main file as it was given. */
START_TEST(test_include_relative)
{
	char cwd[PATH_MAX];
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf;
	char *want;

	files_new();
	put("t/main.ini",
	    "[supervisor:root]\n"
	    "[include]\n"
	    "files = conf.d/*.ini\n");
	put("t/conf.d/a.ini",
	    "[worker:root/a]\n"
	    "comand = a\n");
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(inc_dir), 0);
	ck_assert_ptr_null(config_load("t/main.ini", &errs));
	ck_assert_uint_eq(errs.msgs.n, 2);
	ck_assert_str_eq(errs.msgs.v[0], "t/conf.d/a.ini:1: worker 'root/a' "
	    "has no command");
	ck_assert_str_eq(errs.msgs.v[1], "t/conf.d/a.ini:2: unknown key "
	    "'comand' in worker 'root/a' (did you mean 'command'?)");
	errlist_free(&errs);
	put("t/conf.d/a.ini",
	    "[worker:root/a]\n"
	    "command = a\n");
	ck_assert_ptr_nonnull(conf = config_load("t/main.ini", &errs));
	ck_assert_str_eq(must_find(conf, "root/a")->file, "t/conf.d/a.ini");
	want = inc_path("t/conf.d");
	ck_assert_str_eq(must_find(conf, "root/a")->directory, want);
	free(want);
	config_free(conf);
	ck_assert_int_eq(chdir(cwd), 0);
	files_remove();
}
END_TEST

/*
 * Errors in every file, each with its own file and line, all reported:
 * the main file's first, then each included file's in reading order.
 */
START_TEST(test_include_errors)
{
	files_new();
	put("main.ini",
	    "[arbor]\n"
	    "socket = s\n"
	    "[supervisor:root]\n"
	    "[worker:root/x]\n"
	    "command = x\n"					/* 5 */
	    "[include]\n"
	    "files = conf.d/*.ini\n"
	    "bogus = 1\n"
	    "[include]\n"
	    "file = x\n"					/* 10 */
	    "[supervisor:root/s]\n"
	    "files = y\n");
	put("conf.d/a.ini",
	    "[arbor]\n"
	    "socket = ignored\n"
	    "[worker:root/x]\n"
	    "command = again\n"
	    "[worker:root/s/w]\n"				/* 5 */
	    "restart = sometimes\n"
	    "[supervisor:other]\n"
	    "[worker:root/nope/w]\n"
	    "command = w\n");
	put("conf.d/b.ini",
	    "\n"
	    "[worker:root/b]\n"
	    "command = b 'unclosed\n"
	    "umask = 0999\n"
	    "user = no-such-user-arbor\n"			/* 5 */
	    "[include]\n"
	    "files =\n");
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/main.ini:8: unknown key 'bogus' in [include] (expected "
	    "files)",
	    "@/main.ini:9: duplicate section [include] (first declared at "
	    "line 6)",
	    "@/main.ini:12: 'files' is an [include] key; 'root/s' is a "
	    "supervisor",
	    "@/conf.d/a.ini:1: section [arbor] is only allowed in the main "
	    "file (@/main.ini)",
	    "@/conf.d/a.ini:3: duplicate node 'root/x' (first declared at "
	    "@/main.ini:4)",
	    "@/conf.d/a.ini:5: worker 'root/s/w' has no command",
	    "@/conf.d/a.ini:6: invalid restart 'sometimes' (expected "
	    "permanent, transient or temporary)",
	    "@/conf.d/a.ini:7: second root supervisor 'other' (the root is "
	    "'root', @/main.ini:3)",
	    "@/conf.d/a.ini:8: parent 'root/nope' of 'root/nope/w' is not a "
	    "declared supervisor",
	    "@/conf.d/b.ini:3: invalid command: unterminated single quote",
	    "@/conf.d/b.ini:4: invalid umask '0999' (expected an octal mode "
	    "such as 022 or 0027)",
	    "@/conf.d/b.ini:5: unknown user 'no-such-user-arbor'",
	    "@/conf.d/b.ini:7: empty value for 'files'");

	/* The root only in an included file; a bad pattern list. */
	put("main.ini",
	    "[include]\n"
	    "files = conf.d/*.ini 'unclosed\n");
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/main.ini:1: no root supervisor",
	    "@/main.ini:2: invalid files: unterminated single quote");
	put("main.ini",
	    "[include]\n"
	    "fils = conf.d/*.ini\n");
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/main.ini:1: no root supervisor",
	    "@/main.ini:2: unknown key 'fils' in [include] (did you mean "
	    "'files'?)");
	files_remove();
}
END_TEST

/* A file is read once: cycles, repeats and deep nesting are errors. */
START_TEST(test_include_cycle)
{
	char name[32], text[128];

	files_new();
	put("main.ini",
	    "[supervisor:root]\n"
	    "[include]\n"
	    "files = a.ini\n");
	put("a.ini",
	    "[include]\n"
	    "files = b.ini\n");
	put("b.ini",
	    "[worker:root/b]\n"
	    "command = b\n"
	    "[include]\n"
	    "files = ./*.ini\n");
	/* b.ini matches a.ini, b.ini and main.ini. */
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/b.ini:4: include cycle: @/a.ini -> @/b.ini -> @/a.ini",
	    "@/b.ini:4: include cycle: @/b.ini -> @/b.ini",
	    "@/b.ini:4: include cycle: @/main.ini -> @/a.ini -> @/b.ini -> "
	    "@/main.ini");

	/* Included twice, not in a cycle. */
	put("main.ini",
	    "[supervisor:root]\n"
	    "[include]\n"
	    "files = a.ini b.ini\n");
	put("a.ini",
	    "[include]\n"
	    "files = b.ini\n");
	put("b.ini",
	    "[worker:root/b]\n"
	    "command = b\n");
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/main.ini:3: '@/b.ini' is already included (at @/a.ini:2)");

	/* The main file plus CONF_MAX_INCLUDE levels, and one more. */
	for (int i = 0; i <= CONF_MAX_INCLUDE + 1; i++) {
		snprintf(name, sizeof name, "f%d.ini", i);
		snprintf(text, sizeof text, "%s[include]\nfiles = f%d.ini\n",
		    i == 0 ? "[supervisor:root]\n" : "", i + 1);
		put(name, text);
	}
	snprintf(text, sizeof text, "@/f%d.ini:2: cannot include "
	    "'@/f%d.ini': includes nested too deeply (at most %d levels)",
	    CONF_MAX_INCLUDE, CONF_MAX_INCLUDE + 1, CONF_MAX_INCLUDE);
	EXPECT_FILE_ERRORS("@/f0.ini", text);
	files_remove();
}
END_TEST

/* An included file that cannot be read stops validation, like the main. */
START_TEST(test_include_unreadable)
{
	char *target;

	files_new();
	put("main.ini",
	    "[supervisor:root]\n"
	    "[include]\n"
	    "files = conf.d/*.ini\n");
	put("conf.d/a.ini",
	    "[worker:root/a]\n"
	    "comand = a\n");
	/* A dangling symbolic link. */
	target = inc_path("conf.d/b.ini");
	ck_assert_int_eq(symlink("gone", target), 0);
	free(target);
	EXPECT_FILE_ERRORS("@/main.ini",
	    "@/conf.d/a.ini:2: unknown key 'comand' in worker 'root/a' (did "
	    "you mean 'command'?)",
	    "@/conf.d/b.ini:0: cannot open: No such file or directory");
	files_remove();
}
END_TEST

/* umask, nice and limit.*: every form of value, and the defaults. */
START_TEST(test_worker_process)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "[worker:r/a]\n"
	    "command = a\n"
	    "umask = 022\n"
	    "nice = -20\n"
	    "limit.nofile = 1024\n"
	    "limit.nproc = 100:200\n"
	    "limit.core = 0\n"
	    "limit.as = 1G\n"
	    "limit.cpu = 2m\n"
	    "limit.fsize = infinity\n"
	    "limit.data = 512M:unlimited\n"
	    "limit.stack = 8m\n"
	    "limit.memlock = 64K:1t\n"
	    "[worker:r/b]\n"
	    "command = b\n"
	    "umask = 0027\n"
	    "nice = 19\n"
	    "limit.nofile = infinity:infinity\n"
	    "limit.cpu = 90:unlimited\n"
	    "[worker:r/c]\n"
	    "command = c\n"
	    "umask = 0\n"
	    "nice = +5\n"
	    "[worker:r/d]\n"
	    "command = d\n");
	struct node_spec *a = must_find(conf, "r/a"), *b = must_find(conf,
	    "r/b"), *c = must_find(conf, "r/c"), *d = must_find(conf, "r/d");
	const struct limit_spec *l = a->limits;

	ck_assert_int_eq(a->umask_set, 1);
	ck_assert_uint_eq(a->umask, 022);
	ck_assert_int_eq(a->nice_set, 1);
	ck_assert_int_eq(a->nice, -20);
	for (int i = 0; i < LIMIT_COUNT; i++)
		ck_assert_int_eq(l[i].set, 1);
	ck_assert_uint_eq(l[LIMIT_NOFILE].soft, 1024);
	ck_assert_uint_eq(l[LIMIT_NOFILE].hard, 1024);
	ck_assert_uint_eq(l[LIMIT_NPROC].soft, 100);
	ck_assert_uint_eq(l[LIMIT_NPROC].hard, 200);
	ck_assert_uint_eq(l[LIMIT_CORE].soft, 0);
	ck_assert_uint_eq(l[LIMIT_CORE].hard, 0);
	ck_assert_uint_eq(l[LIMIT_AS].soft, (rlim_t)1 << 30);
	ck_assert_uint_eq(l[LIMIT_CPU].soft, 120);
	ck_assert_uint_eq(l[LIMIT_CPU].hard, 120);
	ck_assert_uint_eq(l[LIMIT_FSIZE].soft, RLIM_INFINITY);
	ck_assert_uint_eq(l[LIMIT_FSIZE].hard, RLIM_INFINITY);
	ck_assert_uint_eq(l[LIMIT_DATA].soft, (rlim_t)512 << 20);
	ck_assert_uint_eq(l[LIMIT_DATA].hard, RLIM_INFINITY);
	ck_assert_uint_eq(l[LIMIT_STACK].soft, (rlim_t)8 << 20);
	ck_assert_uint_eq(l[LIMIT_MEMLOCK].soft, (rlim_t)64 << 10);
	ck_assert_uint_eq(l[LIMIT_MEMLOCK].hard, (rlim_t)1 << 40);

	ck_assert_uint_eq(b->umask, 027);
	ck_assert_int_eq(b->nice, 19);
	ck_assert_uint_eq(b->limits[LIMIT_NOFILE].soft, RLIM_INFINITY);
	ck_assert_uint_eq(b->limits[LIMIT_CPU].soft, 90);
	ck_assert_uint_eq(b->limits[LIMIT_CPU].hard, RLIM_INFINITY);
	ck_assert_int_eq(b->limits[LIMIT_CORE].set, 0);
	ck_assert_int_eq(c->umask_set, 1);
	ck_assert_uint_eq(c->umask, 0);
	ck_assert_int_eq(c->nice, 5);

	/* Defaults: nothing is changed. */
	ck_assert_int_eq(d->umask_set, 0);
	ck_assert_int_eq(d->nice_set, 0);
	for (int i = 0; i < LIMIT_COUNT; i++)
		ck_assert_int_eq(d->limits[i].set, 0);

	ck_assert_str_eq(limit_name(LIMIT_NOFILE), "nofile");
	ck_assert_str_eq(limit_name(LIMIT_MEMLOCK), "memlock");
	ck_assert_int_eq(limit_resource(LIMIT_NOFILE), RLIMIT_NOFILE);
	ck_assert_int_eq(limit_resource(LIMIT_AS), RLIMIT_AS);
	ck_assert_int_eq(limit_resource(LIMIT_CPU), RLIMIT_CPU);
	config_free(conf);
}
END_TEST

/* Bad umask, nice and limit values, at their lines. */
START_TEST(test_worker_process_errors)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "umask = 022\n"
	    "limit.nofile = 10\n"
	    "[worker:r/w]\n"
	    "command = w\n"					/* 5 */
	    "umask = 888\n"
	    "nice = 20\n"
	    "limit.nofile = 1K\n"
	    "limit.nproc = 200:100\n"
	    "limit.core = 5X\n"					/* 10 */
	    "limit.cpu = 1.5s\n"
	    "limit.as = 1.5G\n"
	    "limit.rtprio = 1\n"
	    "limit.nofiles = 1\n"
	    "limit.nofile = 2\n"				/* 15 */
	    "[worker:r/x]\n"
	    "command = x\n"
	    "umask = 01777\n"
	    "nice = -21\n"
	    "limit.nofile = -1\n"				/* 20 */
	    "limit.nproc = infinity:5\n"
	    "limit.data = 1:2:3\n"
	    "limit.stack = :5\n"
	    "limit.memlock = 5:\n"
	    "limit.fsize = 18446744073709551615\n"		/* 25 */
	    "limit.cpu = 250ms\n"
	    "[worker:r/y]\n"
	    "command = y\n"
	    "umask = 00022\n"
	    "nice = five\n"					/* 30 */
	    "limit.nofile =\n"
	    "limit.as = 16777216T\n"
	    "[worker:r/z]\n"
	    "command = z\n"
	    "umask =\n"						/* 35 */
	    "nice = -\n"
	    "umask = 0x22\n"
	    "limit.cpu = 1.5\n",
	    "2: 'umask' is a worker key; 'r' is a supervisor",
	    "3: 'limit.nofile' is a worker key; 'r' is a supervisor",
	    "6: invalid umask '888' (expected an octal mode such as 022 or "
	    "0027)",
	    "7: invalid nice '20' (expected an integer from -20 to 19)",
	    "8: invalid limit.nofile '1K' (expected a number, infinity or "
	    "SOFT:HARD)",
	    "9: invalid limit.nproc '200:100' (the soft limit is above the "
	    "hard limit)",
	    "10: invalid limit.core '5X' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "11: invalid limit.cpu '1.5s' (expected whole seconds such as 60 "
	    "or 2m, infinity or SOFT:HARD)",
	    "12: invalid limit.as '1.5G' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "13: unknown key 'limit.rtprio' in worker 'r/w' (expected "
	    "limit.nofile, limit.nproc, limit.core, limit.as, limit.cpu, "
	    "limit.fsize, limit.data, limit.stack or limit.memlock)",
	    "14: unknown key 'limit.nofiles' in worker 'r/w' (did you mean "
	    "'limit.nofile'?)",
	    "15: duplicate key 'limit.nofile' in worker 'r/w' (first set at "
	    "line 8)",
	    "18: invalid umask '01777' (expected an octal mode such as 022 or "
	    "0027)",
	    "19: invalid nice '-21' (expected an integer from -20 to 19)",
	    "20: invalid limit.nofile '-1' (expected a number, infinity or "
	    "SOFT:HARD)",
	    "21: invalid limit.nproc 'infinity:5' (the soft limit is above "
	    "the hard limit)",
	    "22: invalid limit.data '1:2:3' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "23: invalid limit.stack ':5' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "24: invalid limit.memlock '5:' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "25: invalid limit.fsize '18446744073709551615' (expected a size "
	    "such as 512M, infinity or SOFT:HARD)",
	    "26: invalid limit.cpu '250ms' (expected whole seconds such as 60 "
	    "or 2m, infinity or SOFT:HARD)",
	    "29: invalid umask '00022' (expected an octal mode such as 022 or "
	    "0027)",
	    "30: invalid nice 'five' (expected an integer from -20 to 19)",
	    "31: empty value for 'limit.nofile'",
	    "32: invalid limit.as '16777216T' (expected a size such as 512M, "
	    "infinity or SOFT:HARD)",
	    "35: empty value for 'umask'",
	    "36: invalid nice '-' (expected an integer from -20 to 19)",
	    "37: duplicate key 'umask' in worker 'r/z' (first set at line 35)",
	    "38: invalid limit.cpu '1.5' (expected whole seconds such as 60 "
	    "or 2m, infinity or SOFT:HARD)");
}
END_TEST

/* spec_dup keeps umask, nice and limits; spec_diff names each change. */
/* stdout and stderr of workers; log_dir, log_max_size and log_keep. */
START_TEST(test_streams)
{
	struct config *conf = load_ok(
	    "[arbor]\n"
	    "log_dir = logs\n"
	    "log_max_size = 64K\n"
	    "log_keep = 0\n"
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/a]\n"
	    "command = a\n"
	    "stdout = file:out/a.log\n"
	    "stderr = file: /var/log/a.err\n"
	    "[worker:r/b]\n"
	    "command = b\n"
	    "directory = /opt/b\n"
	    "stdout = inherit\n"
	    "stderr = null\n"
	    "[worker:r/c]\n"
	    "command = c\n"
	    "stdout = log\n"
	    "stderr = file:../c.err\n");
	struct node_spec *a = must_find(conf, "r/a"), *b = must_find(conf,
	    "r/b"), *c = must_find(conf, "r/c"), *r = must_find(conf, "r");
	char *want = xasprintf("%s/logs", cfg_dir);

	ck_assert_str_eq(conf->log_dir, want);
	free(want);
	ck_assert_uint_eq(conf->log_max_size, 64 << 10);
	ck_assert_int_eq(conf->log_keep, 0);
	ck_assert_int_eq(a->streams[STREAM_OUT].mode, STREAM_FILE);
	ck_assert_str_eq(a->streams[STREAM_OUT].file, "/srv/out/a.log");
	ck_assert_int_eq(a->streams[STREAM_ERR].mode, STREAM_FILE);
	ck_assert_str_eq(a->streams[STREAM_ERR].file, "/var/log/a.err");
	ck_assert_int_eq(b->streams[STREAM_OUT].mode, STREAM_INHERIT);
	ck_assert_ptr_null(b->streams[STREAM_OUT].file);
	ck_assert_int_eq(b->streams[STREAM_ERR].mode, STREAM_NULL);
	ck_assert_int_eq(c->streams[STREAM_OUT].mode, STREAM_LOG);
	/* ".." is kept: resolving it needs the file system. */
	ck_assert_str_eq(c->streams[STREAM_ERR].file, "/srv/../c.err");
	ck_assert_int_eq(r->streams[STREAM_OUT].mode, STREAM_LOG);
	ck_assert_int_eq(r->streams[STREAM_ERR].mode, STREAM_LOG);
	ck_assert_str_eq(stream_key(STREAM_OUT), "stdout");
	ck_assert_str_eq(stream_key(STREAM_ERR), "stderr");
	ck_assert_str_eq(stream_name(STREAM_OUT), "out");
	ck_assert_str_eq(stream_name(STREAM_ERR), "err");
	config_free(conf);

	/* Defaults. */
	conf = load_ok(
	    "[arbor]\n"
	    "log_max_size = 2G\n"
	    "log_keep = 1000\n"
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = w\n");
	ck_assert_ptr_null(conf->log_dir);
	ck_assert_uint_eq(conf->log_max_size, (uint64_t)2 << 30);
	ck_assert_int_eq(conf->log_keep, 1000);
	a = must_find(conf, "r/w");
	ck_assert_int_eq(a->streams[STREAM_OUT].mode, STREAM_LOG);
	ck_assert_ptr_null(a->streams[STREAM_OUT].file);
	ck_assert_int_eq(a->streams[STREAM_ERR].mode, STREAM_LOG);
	config_free(conf);
	conf = load_ok("[supervisor:r]\n");
	ck_assert_uint_eq(conf->log_max_size, 10 << 20);
	ck_assert_int_eq(conf->log_keep, 5);
	config_free(conf);
}
END_TEST

/* Bad stdout, stderr and log values, each at its line. */
START_TEST(test_streams_errors)
{
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "log_dir =\n"
	    "log_max_size = 1K\n"
	    "log_keep = -1\n"
	    "log_dirs = /x\n"					/* 5 */
	    "[supervisor:r]\n"
	    "stdout = null\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "stdout = file:\n"					/* 10 */
	    "stderr = syslog\n"
	    "stdout = null\n"
	    "[worker:r/x]\n"
	    "command = x\n"
	    "stdout = File:/x\n"				/* 15 */
	    "stderr = file:   \n"
	    "stdot = log\n"
	    "[worker:r/y]\n"
	    "command = y\n"
	    "stdout =\n"					/* 20 */
	    "stderr = LOG\n"
	    "[worker:r/z]\n"
	    "command = z\n"
	    "stdout = stdout\n",
	    "2: empty value for 'log_dir'",
	    "3: invalid log_max_size '1K' (expected a size such as 10M, at "
	    "least 4K)",
	    "4: invalid log_keep '-1' (expected an integer from 0 to 1000)",
	    "5: unknown key 'log_dirs' in [arbor] (did you mean 'log_dir'?)",
	    "7: 'stdout' is a worker key; 'r' is a supervisor",
	    "10: invalid stdout 'file:' (file: needs a path)",
	    "11: invalid stderr 'syslog' (expected log, inherit, null, stdout "
	    "or file:PATH)",
	    "12: duplicate key 'stdout' in worker 'r/w' (first set at line "
	    "10)",
	    "15: invalid stdout 'File:/x' (expected log, inherit, null or "
	    "file:PATH)",
	    "16: invalid stderr 'file:' (file: needs a path)",
	    "17: unknown key 'stdot' in worker 'r/x' (did you mean 'stdout'?)",
	    "20: invalid stdout '' (expected log, inherit, null or file:PATH)",
	    "21: invalid stderr 'LOG' (expected log, inherit, null, stdout or "
	    "file:PATH)",
	    "24: invalid stdout 'stdout' (expected log, inherit, null or "
	    "file:PATH)");
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "log_max_size = infinity\n"
	    "log_keep = 1001\n"
	    "[supervisor:r]\n",
	    "2: invalid log_max_size 'infinity' (expected a size such as 10M, "
	    "at least 4K)",
	    "3: invalid log_keep '1001' (expected an integer from 0 to 1000)");
	EXPECT_ERRORS(
	    "[arbor]\n"
	    "log_max_size = 10X\n"
	    "log_keep = 2.5\n"
	    "[supervisor:r]\n",
	    "2: invalid log_max_size '10X' (expected a size such as 10M, at "
	    "least 4K)",
	    "3: invalid log_keep '2.5' (expected an integer from 0 to 1000)");
}
END_TEST

/* spec_dup copies stream files; spec_diff names stdout and stderr. */
START_TEST(test_spec_diff_streams)
{
	struct config *a = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "stdout = file:w.log\n"
	    "[worker:r/v]\n"
	    "command = v\n"
	    "stdout = file:v.log\n"
	    "stderr = null\n");
	struct config *b = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "stdout = file:other.log\n"
	    "stderr = inherit\n"
	    "[worker:r/v]\n"
	    "command = v\n"
	    "stdout = file:/srv/v.log\n"
	    "stderr = null\n");
	struct node_spec *wa = must_find(a, "r/w"), *wb = must_find(b, "r/w");
	struct node_spec *dup = spec_dup(wa);
	struct strv changed = { NULL, 0, 0 };

	ck_assert_int_eq(spec_diff(wa, dup, NULL), 0);
	ck_assert_ptr_ne(dup->streams[STREAM_OUT].file,
	    wa->streams[STREAM_OUT].file);
	ck_assert_str_eq(dup->streams[STREAM_OUT].file, "/srv/w.log");
	ck_assert_int_eq(spec_diff(wa, wb, &changed), 2);
	ck_assert_str_eq(changed.v[0], "stdout");
	ck_assert_str_eq(changed.v[1], "stderr");
	strv_free(&changed);
	/* The same file, written two ways. */
	ck_assert_int_eq(spec_diff(must_find(a, "r/v"), must_find(b, "r/v"),
	    NULL), 0);
	spec_free(dup);
	config_free(a);
	config_free(b);
}
END_TEST

START_TEST(test_spec_diff_process)
{
	struct config *a = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "umask = 022\n"
	    "nice = 5\n"
	    "limit.nofile = 100\n"
	    "limit.core = 0\n"
	    "limit.cpu = 10\n");
	struct config *b = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "umask = 027\n"
	    "limit.nofile = 100:200\n"
	    "limit.core = 0\n"
	    "limit.stack = 8M\n"
	    "limit.cpu = 10s\n");
	struct node_spec *wa = must_find(a, "r/w"), *wb = must_find(b, "r/w");
	struct node_spec *dup = spec_dup(wa);
	struct strv changed = { NULL, 0, 0 };

	ck_assert_int_eq(spec_diff(wa, dup, NULL), 0);
	ck_assert_uint_eq(dup->umask, 022);
	ck_assert_int_eq(dup->nice, 5);
	ck_assert_uint_eq(dup->limits[LIMIT_NOFILE].hard, 100);
	ck_assert_int_eq(spec_diff(wa, wb, &changed), 4);
	ck_assert_uint_eq(changed.n, 4);
	ck_assert_str_eq(changed.v[0], "umask");
	ck_assert_str_eq(changed.v[1], "nice");
	ck_assert_str_eq(changed.v[2], "limit.nofile");
	ck_assert_str_eq(changed.v[3], "limit.stack");
	strv_free(&changed);
	spec_free(dup);
	config_free(a);
	config_free(b);
}
END_TEST

/* strategy_name and restart_name. */
START_TEST(test_names)
{
	ck_assert_str_eq(strategy_name(STRATEGY_ONE_FOR_ONE), "one_for_one");
	ck_assert_str_eq(strategy_name(STRATEGY_ONE_FOR_ALL), "one_for_all");
	ck_assert_str_eq(strategy_name(STRATEGY_REST_FOR_ONE),
	    "rest_for_one");
	ck_assert_str_eq(restart_name(RESTART_PERMANENT), "permanent");
	ck_assert_str_eq(restart_name(RESTART_TRANSIENT), "transient");
	ck_assert_str_eq(restart_name(RESTART_TEMPORARY), "temporary");
}
END_TEST

/* signal_parse and signal_name. */
START_TEST(test_signals)
{
	ck_assert_int_eq(signal_parse("TERM"), SIGTERM);
	ck_assert_int_eq(signal_parse("SIGTERM"), SIGTERM);
	ck_assert_int_eq(signal_parse("sigterm"), SIGTERM);
	ck_assert_int_eq(signal_parse("Hup"), SIGHUP);
	ck_assert_int_eq(signal_parse("KILL"), SIGKILL);
	ck_assert_int_eq(signal_parse("SIGUSR2"), SIGUSR2);
	ck_assert_int_eq(signal_parse("CLD"), SIGCHLD);
	ck_assert_int_eq(signal_parse("IOT"), SIGABRT);
	ck_assert_int_eq(signal_parse("15"), 15);
	ck_assert_int_eq(signal_parse("1"), 1);
	ck_assert_int_eq(signal_parse("64"), NSIG - 1 == 64 ? 64 : -1);
	ck_assert_int_eq(signal_parse("0"), -1);
	ck_assert_int_eq(signal_parse("-15"), -1);
	ck_assert_int_eq(signal_parse("15x"), -1);
	ck_assert_int_eq(signal_parse("99999999999999999999"), -1);
	ck_assert_int_eq(signal_parse(""), -1);
	ck_assert_int_eq(signal_parse("SIG"), -1);
	ck_assert_int_eq(signal_parse("SIGSIGTERM"), -1);
	ck_assert_int_eq(signal_parse("FOO"), -1);
	ck_assert_int_eq(signal_parse(" TERM"), -1);
	ck_assert_str_eq(signal_name(SIGTERM), "SIGTERM");
	ck_assert_str_eq(signal_name(SIGKILL), "SIGKILL");
	ck_assert_str_eq(signal_name(SIGCHLD), "SIGCHLD");
	ck_assert_str_eq(signal_name(0), "SIG?");
	ck_assert_str_eq(signal_name(NSIG), "SIG?");
	for (int sig = 1; sig < 32; sig++)
		ck_assert_int_eq(signal_parse(signal_name(sig)), sig);
}
END_TEST

/*
 * " ;" starts a comment, also inside quotes (as in supervisord): when
 * that cut a value, its error says so.
 */
START_TEST(test_comment_cut_note)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "setup = sh -c 'a ; b'\n"
	    "[worker:r/w]\n"
	    "command = sh -c\n"
	    "  'echo a ; echo b'\n"				/* 5 */
	    "stop_signal = TERM ; the default\n"
	    "restart = often ; or not\n"
	    "[worker:r/x]\n"
	    "command = sh -c 'a;b' 'c ;d\n",
	    "2: invalid setup: unterminated single quote; note: \" ;\" starts "
	    "a comment; write \";\" without the space before it",
	    "4: invalid command: unterminated single quote; note: \" ;\" "
	    "starts a comment; write \";\" without the space before it",
	    "7: invalid restart 'often' (expected permanent, transient or "
	    "temporary); note: \" ;\" starts a comment; write \";\" without "
	    "the space before it",
	    "9: invalid command: unterminated single quote; note: \" ;\" "
	    "starts a comment; write \";\" without the space before it");
	/* Without a cut, no note. */
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = sh -c 'a;b\n",
	    "3: invalid command: unterminated single quote");
}
END_TEST

/* OTP refuses a significant child of a supervisor with auto_shutdown =
   never; so does arbor, at the child, naming both. */
START_TEST(test_significant_never)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "restart = transient\n"
	    "significant = yes\n"				/* 5 */
	    "[supervisor:r/s]\n"
	    "auto_shutdown = never\n"
	    "restart = temporary\n"
	    "significant = true\n"
	    "[worker:r/s/p]\n"					/* 10 */
	    "command = p\n"
	    "instances = 2\n"
	    "restart = temporary\n"
	    "significant = yes\n",
	    "2: 'r/w' is significant but its supervisor 'r' (line 1) has "
	    "auto_shutdown = never (set auto_shutdown = any_significant or "
	    "all_significant there, or significant = no here)",
	    "6: 'r/s' is significant but its supervisor 'r' (line 1) has "
	    "auto_shutdown = never (set auto_shutdown = any_significant or "
	    "all_significant there, or significant = no here)",
	    "10: 'r/s/p' is significant but its supervisor 'r/s' (line 6) has "
	    "auto_shutdown = never (set auto_shutdown = any_significant or "
	    "all_significant there, or significant = no here)");
}
END_TEST

/*
 * A significant pool completes when all its instances have: the pool
 * supervisor stays significant, with auto_shutdown = all_significant,
 * and its instances are significant with the worker's restart policy.
 */
START_TEST(test_significant_pool)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "auto_shutdown = any_significant\n"
	    "[worker:r/p]\n"
	    "command = job\n"
	    "instances = 2\n"
	    "restart = transient\n"
	    "significant = yes\n"
	    "[worker:r/q]\n"
	    "command = other\n"
	    "instances = 2\n");
	struct node_spec *p = config_find(conf, "r/p");
	struct node_spec *q = config_find(conf, "r/q");

	ck_assert_int_eq(p->kind, NODE_SUPERVISOR);
	ck_assert_int_eq(p->significant, 1);
	ck_assert_int_eq(p->restart, RESTART_TRANSIENT);
	ck_assert_int_eq(p->auto_shutdown, AUTO_SHUTDOWN_ALL);
	ck_assert_uint_eq(p->nchildren, 2);
	for (size_t i = 0; i < p->nchildren; i++) {
		ck_assert_int_eq(p->children[i]->kind, NODE_WORKER);
		ck_assert_int_eq(p->children[i]->significant, 1);
		ck_assert_int_eq(p->children[i]->restart, RESTART_TRANSIENT);
	}
	/* An ordinary pool stays as it was. */
	ck_assert_int_eq(q->significant, 0);
	ck_assert_int_eq(q->auto_shutdown, AUTO_SHUTDOWN_NEVER);
	ck_assert_int_eq(q->children[0]->significant, 0);
	config_free(conf);
}
END_TEST

/* env_file: paths relative to the file, "-" kept, on both kinds. */
START_TEST(test_env_file_key)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "env_file = /etc/r.env\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "env_file = a.env -opt.env 'sub dir/c.env'\n"
	    "  -/abs/d.env ../e.env\n"
	    "[worker:r/p]\n"
	    "command = p\n"
	    "instances = 2\n"
	    "env_file = p.env\n");
	struct node_spec *w = must_find(conf, "r/w");
	struct node_spec *p = must_find(conf, "r/p");
	char *a = xasprintf("%s/a.env", cfg_dir);
	char *opt = xasprintf("-%s/opt.env", cfg_dir);
	char *c = xasprintf("%s/sub dir/c.env", cfg_dir);
	char *e = xasprintf("%s/../e.env", cfg_dir);
	char *pe = xasprintf("%s/p.env", cfg_dir);

	argv_is(&must_find(conf, "r")->env_file, "/etc/r.env", NULL);
	argv_is(&w->env_file, a, opt, c, "-/abs/d.env", e, NULL);
	/* A pool's instances read the files, not the pool. */
	ck_assert_uint_eq(p->env_file.n, 0);
	argv_is(&must_find(conf, "r/p/1")->env_file, pe, NULL);
	argv_is(&must_find(conf, "r/p/2")->env_file, pe, NULL);
	free(a);
	free(opt);
	free(c);
	free(e);
	free(pe);
	config_free(conf);
}
END_TEST

/* Variables stay in command, ready = check:, setup and pidfile. */
START_TEST(test_command_vars)
{
	struct config *conf = load_ok(
	    "[supervisor:r]\n"
	    "setup = ./s $X \"$X\" '$X'\n"
	    "[worker:r/w]\n"
	    "command = w --n=$ARBOR_INSTANCE ${A} $$\n"
	    "ready = check:probe $PORT\n"
	    "pidfile = /run/w-${ARBOR_INSTANCE}.pid\n");
	struct node_spec *w = must_find(conf, "r/w");

	argv_is(&must_find(conf, "r")->setup, "./s", "$X", "${X}", "$$X",
	    NULL);
	argv_is(&w->argv, "w", "--n=${ARBOR_INSTANCE}", "${A}", "$$", NULL);
	argv_is(&w->ready_check, "probe", "$PORT", NULL);
	ck_assert_str_eq(w->pidfile, "/run/w-${ARBOR_INSTANCE}.pid");
	config_free(conf);
}
END_TEST

/* Malformed ${...}, env_file without a path. */
START_TEST(test_vars_errors)
{
	EXPECT_ERRORS(
	    "[supervisor:r]\n"
	    "env_file =\n"
	    "cleanup = ./c ${\n"
	    "[worker:r/w]\n"
	    "command = w ${A\n"
	    "ready = check:probe \"${}\"\n"
	    "pidfile = /run/${1}.pid\n"
	    "env_file = ok.env -\n",
	    "2: empty value for 'env_file'",
	    "3: invalid cleanup: invalid ${...} (expected ${NAME}, a name of "
	    "letters, digits and _)",
	    "5: invalid command: invalid ${...} (expected ${NAME}, a name of "
	    "letters, digits and _)",
	    "6: invalid ready: invalid ${...} (expected ${NAME}, a name of "
	    "letters, digits and _)",
	    "7: invalid pidfile: invalid ${...} (expected ${NAME}, a name of "
	    "letters, digits and _)",
	    "8: invalid env_file '-' (expected a path, or -PATH for a file "
	    "that may be missing)");
}
END_TEST

/* A changed env_file restarts the node, as env.* does. */
START_TEST(test_spec_diff_env_file)
{
	struct config *a = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "env_file = /etc/a.env\n");
	struct config *b = load_ok(
	    "[supervisor:r]\n"
	    "directory = /srv\n"
	    "[worker:r/w]\n"
	    "command = w\n"
	    "env_file = -/etc/a.env\n");
	struct strv changed = { NULL, 0, 0 };

	ck_assert_int_eq(spec_diff(must_find(a, "r/w"), must_find(b, "r/w"),
	    &changed), 1);
	ck_assert_str_eq(changed.v[0], "env_file");
	ck_assert(!spec_changes_live(&changed));
	strv_free(&changed);
	config_free(a);
	config_free(b);
}
END_TEST

/* Write TEXT to DIR/NAME with MODE. */
static void
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp;

	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	free(path);
}

/*
 * config_check: a program not found or not executable in the PATH its
 * process will have is a warning at the key's line; a program named by
 * a variable is not looked for; the configuration stays valid.
 */
START_TEST(test_check_programs)
{
	static const char ini[] =
	    "[supervisor:r]\n"
	    "setup = ./setup-here\n"
	    "cleanup = arbor-test-no-such-program\n"
	    "[worker:r/a]\n"
	    "command = ./nothere --flag\n"
	    "ready = check:$CHECKER x\n"
	    "env.CHECKER = c\n"
	    "[worker:r/b]\n"
	    "env.PATH = bin:/nonexistent\n"
	    "command = tool\n"
	    "ready = check:plain\n"
	    "[worker:r/c]\n"
	    "command = ${PROG}\n"
	    "env.PROG = x\n"
	    "[supervisor:r/s]\n"
	    "env.PATH = /nonexistent\n"
	    "[worker:r/s/d]\n"
	    "command = sh -c true\n"
	    "instances = 2\n"
	    "[worker:r/e]\n"
	    "command = ./dir\n";
	char tmpl[] = "/tmp/arbor-check-XXXXXX", dir[PATH_MAX], *path, *w;
	struct errlist errs = { { NULL, 0, 0 } }, warns = { { NULL, 0, 0 } };
	struct config *conf;
	const char *want[5];
	char *wants[5];

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, dir));
	write_file(tmpl, "arbor.ini", ini, 0644);
	write_file(tmpl, "setup-here", "#!/bin/sh\n", 0755);
	path = xasprintf("%s/bin", tmpl);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	write_file(tmpl, "bin/tool", "#!/bin/sh\n", 0755);
	write_file(tmpl, "bin/plain", "#!/bin/sh\n", 0644);
	path = xasprintf("%s/dir", tmpl);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	path = xasprintf("%s/arbor.ini", tmpl);

	/* config_load does not look. */
	conf = config_load(path, &errs);
	ck_assert_ptr_nonnull(conf);
	config_free(conf);
	conf = config_check(path, &errs, &warns);
	ck_assert_ptr_nonnull(conf);
	ck_assert_uint_eq(errs.msgs.n, 0);
	ck_assert_uint_eq(conf->nnodes, 9);
	config_free(conf);
	want[0] = wants[0] = xasprintf("%s:3: warning: cleanup: program "
	    "'arbor-test-no-such-program' not found in PATH", path);
	want[1] = wants[1] = xasprintf("%s:5: warning: command: program "
	    "'./nothere' not found (%s/nothere: No such file or directory)",
	    path, dir);
	want[2] = wants[2] = xasprintf("%s:11: warning: ready: program "
	    "'plain' found in PATH is not executable (%s/bin/plain)", path,
	    dir);
	want[3] = wants[3] = xasprintf("%s:18: warning: command: program "
	    "'sh' not found in env.PATH (/nonexistent)", path);
	want[4] = wants[4] = xasprintf("%s:21: warning: command: program "
	    "'./dir' is not executable (%s/dir)", path, dir);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_msg(i < warns.msgs.n, "only %zu warnings",
		    warns.msgs.n);
		ck_assert_str_eq(warns.msgs.v[i], want[i]);
		free(wants[i]);
	}
	ck_assert_uint_eq(warns.msgs.n, 5);
	errlist_free(&warns);

	/* An invalid file: errors only. */
	write_file(tmpl, "arbor.ini", "[supervisor:r]\ncleanup = nope-x\n"
	    "bogus = 1\n", 0644);
	ck_assert_ptr_null(config_check(path, &errs, &warns));
	ck_assert_uint_eq(errs.msgs.n, 1);
	ck_assert_uint_eq(warns.msgs.n, 0);
	errlist_free(&errs);

	w = xasprintf("rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(w), 0);
	free(w);
	free(path);
}
END_TEST

/*
 * The keys arbor.ini.5 documents, by section: the words after ".It Cm"
 * up to "No" (".It Cm a , b No = ..."), env.NAME as "env.", and the items
 * of the list under "limit.NAME" as limit.ITEM. KIND_* bits per key.
 */
struct mankey {
	char	*name;
	int	 kinds;
};

/* Add KEY, documented in a section of KIND, to the list. */
static void
mankey_add(struct mankey **keys, size_t *n, const char *key, int kind)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*keys)[i].name, key) == 0) {
			(*keys)[i].kinds |= kind;
			return;
		}
	}
	*keys = xreallocarray(*keys, *n + 1, sizeof **keys);
	(*keys)[*n].name = xstrdup(key);
	(*keys)[*n].kinds = kind;
	(*n)++;
}

/* Read the keys man/arbor.ini.5 documents. */
static struct mankey *
man_keys(const char *file, size_t *n)
{
	struct mankey *keys = NULL;
	char *line = NULL, *tok, *save, *key;
	size_t sz = 0;
	int kind = 0, depth = 0, limits = 0;
	FILE *fp;

	*n = 0;
	fp = fopen(file, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", file);
	while (getline(&line, &sz, fp) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".Sh ", 4) == 0)
			kind = 0;
		else if (strcmp(line, ".Ss The [arbor] section") == 0)
			kind = KIND_ARBOR;
		else if (strcmp(line, ".Ss The [include] section") == 0)
			kind = KIND_INCLUDE;
		else if (strcmp(line, ".Ss Supervisors") == 0)
			kind = KIND_SUPER;
		else if (strcmp(line, ".Ss Workers") == 0)
			kind = KIND_WORKER;
		else if (strncmp(line, ".Ss ", 4) == 0)
			kind = 0;
		else if (strncmp(line, ".Bl ", 4) == 0)
			depth++;
		else if (strcmp(line, ".El") == 0) {
			if (--depth < limits)
				limits = 0;
		}
		if (kind == 0 || strncmp(line, ".It Cm ", 7) != 0)
			continue;
		for (tok = strtok_r(line + 7, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			if (strcmp(tok, "No") == 0 || strcmp(tok, "Ns") == 0)
				break;
			if (strcmp(tok, ",") == 0)
				continue;
			if (strcmp(tok, "limit.\\&") == 0) {
				limits = depth + 1;	/* the list below */
				break;
			}
			if (strcmp(tok, "env.NAME") == 0)
				key = xstrdup("env.");
			else if (limits != 0 && depth == limits)
				key = xasprintf("limit.%s", tok);
			else
				key = xstrdup(tok);
			mankey_add(&keys, n, key, kind);
			free(key);
		}
	}
	free(line);
	fclose(fp);
	return keys;
}

/* arbor.ini.5 documents every key of the table, in every section that
   takes it, and no key the table lacks. */
START_TEST(test_man_keys)
{
	size_t n, found = 0;
	struct mankey *keys = man_keys("../../man/arbor.ini.5", &n);
	const struct keydef *kd;

	for (size_t i = 0; i < nkeydefs; i++) {
		kd = &keydefs[i];
		for (size_t j = 0; j < n; j++)
			if (strcmp(keys[j].name, kd->name) == 0) {
				ck_assert_msg((keys[j].kinds & kd->kinds) ==
				    kd->kinds, "arbor.ini.5 documents '%s' in "
				    "sections %#x, the table has %#x",
				    kd->name, keys[j].kinds, kd->kinds);
				found++;
			}
	}
	for (size_t j = 0; j < n; j++) {
		kd = key_find(keys[j].name);
		ck_assert_msg(kd != NULL && strcmp(kd->name, keys[j].name) ==
		    0, "arbor.ini.5 documents '%s', which is no key",
		    keys[j].name);
		ck_assert_msg((keys[j].kinds & ~kd->kinds) == 0, "arbor.ini.5 "
		    "documents '%s' in sections %#x, the table has %#x",
		    keys[j].name, keys[j].kinds, kd->kinds);
	}
	ck_assert_msg(found == nkeydefs, "arbor.ini.5 documents %zu of the "
	    "%zu keys", found, nkeydefs);
	for (size_t j = 0; j < n; j++)
		free(keys[j].name);
	free(keys);
}
END_TEST

/* Every default in the table parses, and a reload applies in place
   exactly the keys changes_live listed before the table, and
   success_exit (read only when a worker ends) and the cgroup limits
   (written to the cgroup in place). */
START_TEST(test_key_table)
{
	static const char *const live[] = { "restart", "shutdown",
	    "stop_signal", "strategy", "intensity", "period",
	    "setup_timeout", "cleanup_timeout", "start_timeout",
	    "check_interval", "restart_delay", "restart_delay_max",
	    "success_exit", "memory_max", "memory_high", "memory_swap_max",
	    "cpu_max", "cpu_weight", "io_weight", "pids_max",
	    "health_interval", "health_timeout", "health_retries",
	    "health_start_period", "watchdog_signal", "reload" };
	struct node_spec n;
	struct strv sv = { NULL, 0, 0 };
	size_t nlive = 0;

	memset(&n, 0, sizeof n);
	spec_defaults(&n, NODE_WORKER);
	ck_assert_int_eq(n.kind, NODE_WORKER);
	ck_assert_int_eq(n.shutdown_ms, 5000);
	ck_assert_int_eq(n.stop_signal, SIGTERM);
	ck_assert_int_eq(n.uid, (uid_t)-1);
	ck_assert_int_eq(n.gid, (gid_t)-1);
	ck_assert_int_eq(n.check_interval_ms, 1000);
	ck_assert_int_eq(n.health, HEALTH_NONE);
	ck_assert_int_eq(n.health_interval_ms, 10000);
	ck_assert_int_eq(n.health_timeout_ms, 5000);
	ck_assert_int_eq(n.health_retries, 3);
	ck_assert_int_eq(n.health_start_period_ms, 0);
	ck_assert_int_eq(n.watchdog_ms, 0);
	ck_assert_int_eq(n.watchdog_signal, SIGABRT);
	for (size_t i = 0; i < nkeydefs; i++)
		if (keydefs[i].reload == RELOAD_LIVE)
			nlive++;
	ck_assert_uint_eq(nlive, sizeof live / sizeof live[0]);
	for (size_t i = 0; i < nlive; i++) {
		strv_push(&sv, xstrdup(live[i]));
		ck_assert(spec_changes_live(&sv));
	}
	strv_push(&sv, xstrdup("env"));
	ck_assert(!spec_changes_live(&sv));
	strv_free(&sv);
	strv_push(&sv, xstrdup("kind"));
	ck_assert(!spec_changes_live(&sv));
	strv_free(&sv);
	strv_push(&sv, xstrdup("limit.nofile"));
	ck_assert(!spec_changes_live(&sv));
	strv_free(&sv);
}
END_TEST

/* The config suite (with signal names). */
/*
 * The texts a load keeps (arborctl reexec hands them over) load again to
 * the same tree without the files: includes match the names kept, and
 * what changed on the disk since is not seen.
 */
START_TEST(test_load_texts)
{
	struct errlist errs = { { NULL, 0, 0 } };
	struct config *conf, *again;
	char *path;

	files_new();
	put("main.ini", "[arbor]\nsocket = s.sock\n[include]\nfiles = d/*.ini\n"
	    "[supervisor:root]\n[worker:root/a]\ncommand = /bin/true\n");
	put("d/1.ini", "[worker:root/b]\ncommand = /bin/sleep 1\n");
	put("d/2.ini", "[supervisor:root/s]\n[worker:root/s/c]\n"
	    "command = /bin/false\ninstances = 2\n");
	conf = load_file_ok("main.ini");
	ck_assert_uint_eq(conf->ntexts, 3);
	ck_assert_str_eq(conf->texts[0].name, conf->file);
	/* The disk changes: the texts do not. */
	put("d/3.ini", "[worker:root/new]\ncommand = /bin/true\n");
	put("d/1.ini", "garbage\n");
	path = inc_path("main.ini");
	again = config_load_texts(path, conf->texts, conf->ntexts, &errs);
	ck_assert_msg(again != NULL, "%s", errs.msgs.n ? errs.msgs.v[0] : "");
	ck_assert_uint_eq(again->nnodes, conf->nnodes);
	for (size_t i = 0; i < conf->nnodes; i++)
		ck_assert_str_eq(again->nodes[i]->path, conf->nodes[i]->path);
	ck_assert_str_eq(again->socket, conf->socket);
	ck_assert_uint_eq(again->ntexts, 3);
	ck_assert_ptr_null(config_find(again, "root/new"));
	config_free(again);
	/* Texts missing: their includes match nothing (the daemon compares
	   the nodes with those handed over). */
	again = config_load_texts(path, conf->texts, 1, &errs);
	ck_assert_ptr_nonnull(again);
	ck_assert_ptr_null(config_find(again, "root/b"));
	config_free(again);
	/* No main text: an error naming it. */
	ck_assert_ptr_null(config_load_texts(path, conf->texts + 1, 2, &errs));
	ck_assert_uint_eq(errs.msgs.n, 1);
	errlist_free(&errs);
	free(path);
	config_free(conf);
	files_remove();
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");
	TCase *te = tcase_create("errors");
	TCase *tn = tcase_create("names");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_children_order);
	tcase_add_test(tc, test_directory_inherit);
	tcase_add_test(tc, test_relative_file);
	tcase_add_test(tc, test_continuation);
	tcase_add_test(tc, test_owner);
	tcase_add_test(tc, test_syntax_ok);
	tcase_add_test(tc, test_long_section);
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_include_nested);
	tcase_add_test(tc, test_include_relative);
	tcase_add_test(tc, test_worker_process);
	tcase_add_test(tc, test_spec_diff_process);
	tcase_add_test(tc, test_streams);
	tcase_add_test(tc, test_spec_diff_streams);
	tcase_add_test(tc, test_significant_pool);
	tcase_add_test(tc, test_env_file_key);
	tcase_add_test(tc, test_command_vars);
	tcase_add_test(tc, test_spec_diff_env_file);
	tcase_add_test(tc, test_check_programs);
	tcase_add_test(tc, test_man_keys);
	tcase_add_test(tc, test_key_table);
	suite_add_tcase(s, tc);

	tcase_add_test(te, test_missing_file);
	tcase_add_test(te, test_file_kinds);
	tcase_add_test(te, test_state_owner);
	tcase_add_test(te, test_success_exit_key);
	tcase_add_test(te, test_health_keys);
	tcase_add_test(te, test_cgroup_limits);
	tcase_add_test(te, test_continuation_errors);
	tcase_add_test(te, test_continuation_not_duplicate);
	tcase_add_test(te, test_unknown_keys);
	tcase_add_test(te, test_bad_values);
	tcase_add_test(te, test_bad_commands);
	tcase_add_test(te, test_duplicates);
	tcase_add_test(te, test_tree_errors);
	tcase_add_test(te, test_no_root);
	tcase_add_test(te, test_sections);
	tcase_add_test(te, test_long_line);
	tcase_add_test(te, test_nul_byte);
	tcase_add_test(te, test_syntax_errors);
	tcase_add_test(te, test_restart_semicolon);
	tcase_add_test(te, test_many_errors);
	tcase_add_test(tc, test_load_texts);
	tcase_add_test(te, test_include_errors);
	tcase_add_test(te, test_include_cycle);
	tcase_add_test(te, test_include_unreadable);
	tcase_add_test(te, test_worker_process_errors);
	tcase_add_test(te, test_streams_errors);
	tcase_add_test(te, test_comment_cut_note);
	tcase_add_test(te, test_significant_never);
	tcase_add_test(te, test_vars_errors);
	suite_add_tcase(s, te);

	tcase_add_test(tn, test_names);
	tcase_add_test(tn, test_listen_keys);
	tcase_add_test(tn, test_signals);
	suite_add_tcase(s, tn);
	return s;
}
