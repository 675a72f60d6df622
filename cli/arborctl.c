/*
 * arborctl.c: the control client of arbord. It parses the command line
 * (global options with getopt_long, then the command and its own
 * arguments), turns the command into one protocol request (proto.h),
 * sends it over the daemon's socket, and prints the reply for people or,
 * with --json, for programs. "check" needs no daemon: it loads a
 * configuration file the way arbord -n does.
 *
 * Exit status: 0 success, 1 the request failed, 2 usage error, 3 no
 * daemon reachable at the socket, 4 access to the daemon denied (see
 * arborctl(1)).
 */
#include <err.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "proto.h"
#include "arborctl.h"

#ifndef ARBOR_VERSION
#define ARBOR_VERSION	"unknown"
#endif

/* Command options. */
#define OPT_JSON	0x1
#define OPT_FOLLOW	0x2
#define OPT_LINES	0x4	/* -n N, --lines N */
#define OPT_TIMESTAMPS	0x8
#define OPT_MAIN	0x10	/* signal --main */
#define OPT_ALL		0x20	/* signal --all */

#define LOGS_DEFAULT_LINES	"20"

struct cmd {
	const char	*name;
	int		 minargs, maxargs;
	int		 opts;		/* the OPT_* it accepts */
	int		(*fn)(const struct cmd *, char **, int, int);
};

static const char	*socket_path;
static const char	*lines_arg;	/* -n N */

/* How "log" records are printed. */
struct logs_print {
	const char	*path;		/* asked for: other nodes' lines (a
					   pool's instances) are prefixed */
	int		 timestamps;
	struct reply	*reply;
};

/* Print the usage to F. */
static void
usage(FILE *f)
{
	fprintf(f,
"usage: arborctl [-s socket] command [argument ...]\n"
"       arborctl -h | -V\n"
"\n"
"commands:\n"
"  status [path] [--json]  show the tree under path (default the root)\n"
"  start path              start a stopped node or subtree\n"
"  stop path               stop a node or subtree (not counted as a failure)\n"
"  restart path            stop, then start a node or subtree\n"
"  signal [--main|--all] path signal\n"
"                          send a signal to a worker or every worker under\n"
"                          path: to its process group (and what it\n"
"                          double-forked); --main: its main process only;\n"
"                          --all: every process it owns\n"
"  reload                  re-read the configuration and apply the changes\n"
"  events [--json] [-f]    print recent events; -f, --follow: then new ones\n"
"  logs path [-n N] [-f] [-t]\n"
"                          print the last N (default 20, or all) output\n"
"                          lines of a node (of a pool: its instances',\n"
"                          merged, each prefixed 'path | '); -f, --follow:\n"
"                          then new ones; -t, --timestamps: with their\n"
"                          time and stream\n"
"  shutdown                stop the whole tree and make arbord exit\n"
"  check [file]            validate a configuration file (no daemon needed)\n"
"  help                    print this help\n"
"\n"
"options:\n"
"  -s, --socket socket     the daemon's socket (default $ARBOR_SOCKET, or\n"
"                          /run/arbor/arbor.sock as root and\n"
"                          $XDG_RUNTIME_DIR/arbor/arbor.sock otherwise)\n"
"  -h, --help              print this help\n"
"  -V, --version           print the version\n"
"\n"
"exit status: 0 success, 1 the request failed, 2 usage error,\n"
"3 no daemon reachable at the socket, 4 access to the daemon denied\n");
}

/* Report a usage error and exit. */
static void __attribute__((noreturn)) ARBOR_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("arborctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	usage(stderr);
	exit(EXIT_USAGE);
}

/* Wall-clock milliseconds since the epoch. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Check that ARG can be sent as a protocol word, or exit. */
static void
check_word(const char *what, const char *arg)
{
	const char *w[2] = { "x", arg };
	char *s = proto_format_request(w, 2);

	if (s == NULL)
		usage_error("invalid %s '%s' (1 to %d printable characters, "
		    "no spaces)", what, arg, PROTO_MAX_WORD);
	free(s);
}

/* Send WORDS and return the exit status of the reply. */
static int
run(const char *const *words, int nwords, struct reply *r)
{
	int status;

	status = client_request(socket_path, words, nwords, r);
	client_flush();
	return status;
}

/* status [PATH] [--json], and paths. */
static int
cmd_status(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[2] = { "status", nargs > 0 ? args[0] : NULL };
	struct reply r = { 0 };
	struct status *st = status_new();
	int paths = strcmp(c->name, "paths") == 0, status;
	const char *nc = getenv("NO_COLOR");

	if (nargs > 0)
		check_word("path", args[0]);
	r.record = status_add;
	r.arg = st;
	/* Keep stdout for what programs read. */
	r.lines = (opts & OPT_JSON) || paths ? stderr : stdout;
	status = run(words, nargs + 1, &r);
	if (status == 0 && status_count(st) == 0) {
		warnx("no nodes in the reply");
		status = EXIT_REQUEST;
	}
	if (status == 0) {
		if (paths)
			status_print_paths(st);
		else if (opts & OPT_JSON)
			status_print_json(st);
		else
			status_print_text(st, now_ms(), isatty(STDOUT_FILENO) &&
			    (nc == NULL || nc[0] == '\0'),
			    strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	}
	free(r.ok_text);
	status_free(st);
	return status;
}

/* Print the text of "ok", if any. */
static void
print_ok(struct reply *r)
{
	if (r->ok_text != NULL && r->ok_text[0] != '\0')
		printf("%s\n", r->ok_text);
	free(r->ok_text);
	r->ok_text = NULL;
}

/* stop, start, restart PATH; reload; shutdown. */
static int
cmd_simple(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[2] = { c->name, nargs > 0 ? args[0] : NULL };
	struct reply r = { 0 };
	int status;

	(void)opts;
	if (nargs > 0)
		check_word("path", args[0]);
	status = run(words, nargs + 1, &r);
	print_ok(&r);
	return status;
}

/* signal [--main|--all] PATH SIGNAL. */
static int
cmd_signal(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[4];
	struct reply r = { 0 };
	char num[16];
	int sig, status;

	(void)c;
	(void)nargs;
	if ((opts & OPT_MAIN) && (opts & OPT_ALL))
		usage_error("signal: --main and --all exclude each other");
	check_word("path", args[0]);
	if ((sig = signal_parse(args[1])) == -1)
		usage_error("unknown signal '%s'", args[1]);
	words[0] = "signal";
	words[1] = args[0];
	words[2] = signal_name(sig);
	if (strcmp(words[2], "SIG?") == 0) {
		snprintf(num, sizeof num, "%d", sig);
		words[2] = num;
	}
	/* Without a scope, an arbord older than scopes understands it. */
	words[3] = (opts & OPT_MAIN) ? "main" : (opts & OPT_ALL) ? "all" :
	    NULL;
	status = run(words, words[3] != NULL ? 4 : 3, &r);
	print_ok(&r);
	return status;
}

/* Print one "event" record in the chosen form (a reply callback). */
static void
event_record(char **f, int n, void *arg)
{
	const enum event_format *fmt = arg;
	struct event ev;
	char *s;

	if (strcmp(f[0], "event") != 0)
		return;
	if (proto_parse_event(f, n, &ev) == -1) {
		warnx("malformed event record skipped");
		return;
	}
	s = event_format(&ev, *fmt);
	fputs(s, stdout);
	free(s);
	event_free(&ev);
	client_flush();
}

/* events [--json] [-f|--follow]. */
static int
cmd_events(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[2] = { "events", "follow" };
	enum event_format fmt = (opts & OPT_JSON) ? EVENT_FORMAT_JSON :
	    EVENT_FORMAT_TEXT;
	struct reply r = { 0 };
	int status;

	(void)c;
	(void)args;
	(void)nargs;
	r.record = event_record;
	r.arg = &fmt;
	r.lines = (opts & OPT_JSON) ? stderr : stdout;
	r.stream = (opts & OPT_FOLLOW) != 0;
	status = run(words, r.stream ? 2 : 1, &r);
	free(r.ok_text);
	return status;
}

/* Print one "log" record: its text; with -t, its time and stream first. */
static void
log_record(char **f, int n, void *arg)
{
	const struct logs_print *lp = arg;
	struct buf ts = { 0 };
	long long ms;
	char *end;

	if (strcmp(f[0], "following") == 0)
		client_flush();		/* the backlog is complete */
	if (strcmp(f[0], "log") != 0)
		return;
	if (n < 4) {
		warnx("malformed log record skipped");
		return;
	}
	if (lp->timestamps) {
		ms = strtoll(f[1], &end, 10);
		if (end == f[1] || *end != '\0') {
			warnx("malformed log record skipped");
			return;
		}
		buf_ts(&ts, (int64_t)ms);
		printf("%s %s ", ts.s, f[2]);
		free(ts.s);
	}
	/* A pool's instance, named as on arbord's output. */
	if (n >= 5 && f[4][0] != '\0' && strcmp(f[4], lp->path) != 0)
		printf("%s | ", f[4]);
	if (!lp->timestamps && strcmp(f[2], "check") == 0)
		fputs("[check] ", stdout);	/* not the worker's own */
	printf("%s\n", f[3]);
	/* The backlog goes out in one piece, what follows line by line. */
	if (lp->reply->following)
		client_flush();
}

/* logs PATH [-n N|all] [-f|--follow] [-t|--timestamps]. */
static int
cmd_logs(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *lines = lines_arg != NULL ? lines_arg : LOGS_DEFAULT_LINES;
	const char *words[4];
	struct logs_print lp = { 0 };
	struct reply r = { 0 };
	int nwords = 0, status;

	(void)c;
	(void)nargs;
	check_word("path", args[0]);
	if (strcmp(lines, "all") != 0 && (lines[0] == '\0' ||
	    strspn(lines, "0123456789") != strlen(lines) || strlen(lines) > 18))
		usage_error("logs: invalid line count '%s' (a number or all)",
		    lines);
	words[nwords++] = "logs";
	words[nwords++] = args[0];
	if (strcmp(lines, "all") != 0)
		words[nwords++] = lines;
	if (opts & OPT_FOLLOW)
		words[nwords++] = "follow";
	lp.path = args[0];
	lp.timestamps = (opts & OPT_TIMESTAMPS) != 0;
	lp.reply = &r;
	r.record = log_record;
	r.arg = &lp;
	r.stream = (opts & OPT_FOLLOW) != 0;
	status = run(words, nwords, &r);
	/* A follower's node was removed: say so, apart from the output. */
	if (status == 0 && r.ok_text != NULL && r.ok_text[0] != '\0')
		warnx("%s: %s", args[0], r.ok_text);
	free(r.ok_text);
	return status;
}

/* check [FILE]: validate a configuration without a daemon. */
static int
cmd_check(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *file = nargs > 0 ? args[0] : CONF_DEFAULT_FILE;
	struct errlist errs = { 0 };
	struct config *conf;

	(void)c;
	(void)opts;
	if ((conf = config_load(file, &errs)) == NULL) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs.v[i]);
		if (errs.msgs.n == 0)
			warnx("%s: configuration not valid", file);
		errlist_free(&errs);
		return EXIT_REQUEST;
	}
	printf("%s: configuration OK (%zu nodes)\n", file, conf->nnodes);
	config_free(conf);
	errlist_free(&errs);
	client_flush();
	return 0;
}

/* help: the usage, on stdout. */
static int
cmd_help(const struct cmd *c, char **args, int nargs, int opts)
{
	(void)c;
	(void)args;
	(void)nargs;
	(void)opts;
	usage(stdout);
	client_flush();
	return 0;
}

static const struct cmd cmds[] = {
	{ "status",	0, 1, OPT_JSON,			cmd_status },
	{ "start",	1, 1, 0,			cmd_simple },
	{ "stop",	1, 1, 0,			cmd_simple },
	{ "restart",	1, 1, 0,			cmd_simple },
	{ "signal",	2, 2, OPT_MAIN | OPT_ALL,		cmd_signal },
	{ "reload",	0, 0, 0,			cmd_simple },
	{ "events",	0, 0, OPT_JSON | OPT_FOLLOW,	cmd_events },
	{ "logs",	1, 1, OPT_LINES | OPT_FOLLOW | OPT_TIMESTAMPS,
							cmd_logs },
	{ "shutdown",	0, 0, 0,			cmd_simple },
	{ "check",	0, 1, 0,			cmd_check },
	{ "help",	0, 0, 0,			cmd_help },
	{ "paths",	0, 0, 0,			cmd_status },	/* hidden */
};

/*
 * Split a command's arguments into options and operands (in place, in
 * ARGV); returns the number of operands and sets *OPTS.
 */
static int
command_args(const struct cmd *c, char **argv, int argc, int *opts)
{
	int n = 0, dashdash = 0;

	*opts = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int o = 0;

		if (dashdash || a[0] != '-' || a[1] == '\0') {
			argv[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			client_flush();
			exit(0);
		}
		if (strcmp(a, "--json") == 0)
			o = OPT_JSON;
		else if (strcmp(a, "-f") == 0 || strcmp(a, "--follow") == 0)
			o = OPT_FOLLOW;
		else if (strcmp(a, "-t") == 0 ||
		    strcmp(a, "--timestamps") == 0)
			o = OPT_TIMESTAMPS;
		else if (strcmp(a, "--main") == 0)
			o = OPT_MAIN;
		else if (strcmp(a, "--all") == 0)
			o = OPT_ALL;
		else if ((c->opts & OPT_LINES) && (strncmp(a, "-n", 2) == 0 ||
		    strcmp(a, "--lines") == 0 ||
		    strncmp(a, "--lines=", 8) == 0)) {
			/* -n N, -nN, --lines N, --lines=N */
			o = OPT_LINES;
			if (strcmp(a, "-n") == 0 || strcmp(a, "--lines") == 0) {
				if (i + 1 >= argc)
					usage_error("%s: option '%s' needs an "
					    "argument", c->name, a);
				lines_arg = argv[++i];
			} else
				lines_arg = a[1] == 'n' ? a + 2 : a + 8;
		}
		if (o == 0 || (c->opts & o) == 0)
			usage_error("%s: unknown option '%s'", c->name, a);
		*opts |= o;
	}
	if (n < c->minargs)
		usage_error("%s: missing argument", c->name);
	if (n > c->maxargs)
		usage_error("%s: too many arguments", c->name);
	return n;
}

/* Parse the command line and run the command. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket",	required_argument,	NULL, 's' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct cmd *c = NULL;
	char *deflt = NULL;
	int ch, nargs, opts, status;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;

	while ((ch = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (optarg[0] == '\0')
				usage_error("empty socket path");
			socket_path = optarg;
			break;
		case 'h':
			usage(stdout);
			client_flush();
			return 0;
		case 'V':
			printf("arborctl %s (protocol %s)\n", ARBOR_VERSION,
			    PROTO_VERSION);
			client_flush();
			return 0;
		default:
			if (optopt == 's')
				usage_error("option '%s' needs an argument",
				    argv[optind - 1]);
			if (optopt != 0)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage_error("missing command");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			c = &cmds[i];
	if (c == NULL)
		usage_error("unknown command '%s'", argv[0]);
	nargs = command_args(c, argv + 1, argc - 1, &opts);

	if (socket_path == NULL) {
		const char *env = getenv("ARBOR_SOCKET");

		if (env != NULL && env[0] != '\0')
			socket_path = env;
		else
			socket_path = deflt = proto_default_socket();
	}
	status = c->fn(c, argv + 1, nargs, opts);
	free(deflt);
	client_flush();
	return status;
}
