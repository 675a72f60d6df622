/*
 * arborctl.c: the control client of arbord. It parses the command line
 * (global options with getopt_long, then the command and its own
 * arguments), turns the command into one protocol request (proto.h),
 * sends it over the daemon's socket, and prints the reply for people or,
 * with --json, for programs. "check" needs no daemon: it loads a
 * configuration file the way arbord -n does.
 *
 * The daemon is found where -s says, or -c FILE's [arbor] socket, or
 * $ARBOR_SOCKET, or at the default socket and, when nothing answers
 * there, at the socket of /etc/arbor/arbor.ini (daemon_connect).
 *
 * Exit status, on the LSB convention for status: 0 success (status,
 * is-running: every node running), 1 the request failed, 2 usage error,
 * 3 a node shown by status or is-running is not running, 4 no daemon
 * reachable, 5 access to the daemon denied (see arborctl(1)).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
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
#include "status.h"

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
#define OPT_ROLLING	0x40	/* restart --rolling */
#define OPT_BATCH	0x80	/* restart --batch K */
#define OPT_DELAY	0x100	/* top -d SECONDS, --delay SECONDS */
#define OPT_ITER	0x200	/* top -n N, --iterations N */
#define OPT_BINARY	0x400	/* reexec --binary PATH */
#define OPT_RELOAD	0x800	/* reexec --reload */

#define LOGS_DEFAULT_LINES	"20"
#define STATUS_LOG_LINES	"10"	/* in the status of one worker */

/* For tests only: the system configuration looked at last. */
#define SYSCONF_ENV		"ARBORCTL_SYSTEM_CONFIG"

struct cmd {
	const char	*name;
	int		 minargs, maxargs;
	int		 opts;		/* the OPT_* it accepts */
	int		(*fn)(const struct cmd *, char **, int, int);
};

static const char	*socket_path;	/* -s */
static const char	*conf_file;	/* -c */
static const char	*lines_arg;	/* -n N */
static const char	*batch_arg;	/* --batch K */
static const char	*delay_arg;	/* top -d SECONDS */
static const char	*iter_arg;	/* top -n N */
static const char	*binary_arg;	/* --binary PATH */
static char		*found_socket;	/* where a daemon answered */

/* How "log" records are printed. */
struct logs_print {
	const char	*path;		/* asked for: other nodes' lines (a
					   pool's instances) are prefixed */
	int		 timestamps;
	int		 visible;	/* control characters made visible */
	int		 blank;		/* an empty line before the first */
	struct reply	*reply;
	struct seen	*seen;		/* following: what was printed */
};

/*
 * What a follower (events -f, logs -f) has printed, so that, following
 * again after arbord re-executed, the backlog sent again prints nothing
 * twice: records older than the newest printed are skipped, and those of
 * its very millisecond that were printed (each once).
 */
struct seen {
	int64_t		 last_ts;	/* the newest record's time */
	struct strv	 at_last;	/* the records of that time printed */
	struct strv	 skip;		/* replaying: those not met again yet */
	int		 replay;	/* the backlog of a new connection */
};

#define REFOLLOW_MS	10000	/* to connect again after a re-exec */

/* Print the usage to F. */
static void
usage(FILE *f)
{
	fprintf(f,
"usage: arborctl [-s socket | -c file] command [argument ...]\n"
"       arborctl -h | -V\n"
"\n"
"commands:\n"
"  status [path] [--json]  show the tree under path (default the root);\n"
"                          a worker with its command and last log lines\n"
"  is-running path         print nothing; exit 0 if the node runs, else 3\n"
"  start path              start a stopped node or subtree\n"
"  stop path               stop a node or subtree (not counted as a failure)\n"
"  restart path            stop, then start a node or subtree\n"
"  restart --rolling [--batch K] path\n"
"                          replace the workers of a pool or the children\n"
"                          of a supervisor K (default 1) at a time: each\n"
"                          worker's successor starts beside it and is\n"
"                          ready before the old process is stopped; a\n"
"                          pool first starts K surge instances; stops at\n"
"                          the first that fails, saying why\n"
"  signal [--main|--all] path signal\n"
"                          send a signal to a worker or every worker under\n"
"                          path: to its process group (and what it\n"
"                          double-forked); --main: its main process only;\n"
"                          --all: every process it owns\n"
"  scale path N            run N instances (1 to 10000) of a pool until\n"
"                          the next reload: stop the highest-numbered\n"
"                          ones, or start new ones\n"

"  reload                  re-read the configuration and apply the changes\n"
"  reexec [--binary PATH] [--reload]\n"
"                          upgrade in place: arbord execs its binary (or\n"
"                          PATH) in its own pid and keeps every worker;\n"
"                          --reload: then reload the configuration\n"
"  events [--json] [-f]    print recent events; -f, --follow: then new ones\n"
"  logs path [-n N] [-f] [-t]\n"
"                          print the last N (default 20, or all) output\n"
"                          lines of a node (of a pool: its instances',\n"
"                          merged, each prefixed 'path | '); -f, --follow:\n"
"                          then new ones; -t, --timestamps: with their\n"
"                          time and stream\n"
"  top [path] [-d seconds] [-n N]\n"
"                          a live view of the tree under path: state,\n"
"                          pid, CPU, memory, restarts, uptime, health,\n"
"                          last error, refreshed every -d seconds (1) and\n"
"                          on every event; keys: q quit, j/k select, c m r\n"
"                          p n sort (cpu memory restarts pid tree), R\n"
"                          restart, x stop, a start, ? help; -n: quit\n"
"                          after N refreshes; not on a terminal, the\n"
"                          table once\n"
"  shutdown                stop the whole tree and make arbord exit\n"
"  check [file]            validate a configuration file (no daemon needed;\n"
"                          default the -c file, else /etc/arbor/arbor.ini)\n"
"  help                    print this help\n"
"\n"
"options:\n"
"  -s, --socket socket     the daemon's socket\n"
"  -c, --config file       the socket named in file's [arbor] section\n"
"  -h, --help              print this help\n"
"  -V, --version           print the version\n"
"\n"
"Without -s or -c: $ARBOR_SOCKET, else /run/arbor/arbor.sock as root and\n"
"$XDG_RUNTIME_DIR/arbor/arbor.sock otherwise, then the socket that\n"
"/etc/arbor/arbor.ini names.\n"
"\n"
"exit status: 0 success, 1 the request failed, 2 usage error,\n"
"3 status or is-running: a node is not running (stopped, failed, backoff,\n"
"starting or stopping), 4 no daemon reachable, 5 access denied\n");
}

/* Report a usage error in one line, with a hint, and exit. */
static void __attribute__((noreturn)) ARBOR_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("arborctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'arborctl help'.\n", stderr);
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

/* The configuration file arborctl falls back on. */
static const char *
sysconf_file(void)
{
	const char *e = getenv(SYSCONF_ENV);

	return e != NULL && e[0] != '\0' ? e : CONF_DEFAULT_FILE;
}

/*
 * Load FILE for its [arbor] socket: 0 with *SOCK set (NULL if FILE sets
 * none), or -1 with ERRS filled.
 */
static int
conf_socket(const char *file, char **sock, struct errlist *errs)
{
	struct config *conf;

	*sock = NULL;
	if ((conf = config_load(file, errs)) == NULL) {
		if (errs->msgs.n == 0)
			strv_pushf(&errs->msgs, "%s: configuration not valid",
			    file);
		return -1;
	}
	if (conf->socket != NULL)
		*sock = xstrdup(conf->socket);
	config_free(conf);
	return 0;
}

/*
 * Connect to the daemon at PATH (FROM says where the path came from, or
 * NULL): the descriptor, or -1 with why not added to MISS.
 */
static int
try_place(const char *path, const char *from, struct buf *miss)
{
	char *why;
	int fd;

	if ((fd = client_connect(path, &why)) != -1) {
		if (found_socket == NULL)
			found_socket = xstrdup(path);
		return fd;
	}
	buf_printf(miss, "%s at %s%s%s%s: %s", miss->len > 0 ?
	    "; nor" : "no daemon", path, from != NULL ? " (" : "",
	    from != NULL ? from : "", from != NULL ? ")" : "", why);
	free(why);
	return -1;
}

/*
 * Connect to the daemon: at -s socket; at -c FILE's socket (the default
 * if FILE sets none); at $ARBOR_SOCKET; else at the default socket and,
 * when none answers there and the system configuration exists, at its
 * socket. Once one has answered, at that one. Exits with EXIT_NODAEMON
 * naming every place looked at when none answers.
 */
int
daemon_connect(void)
{
	struct errlist errs = { 0 };
	struct buf miss = { 0 };
	const char *env = getenv("ARBOR_SOCKET"), *sysconf;
	char *deflt = proto_default_socket(), *sock = NULL, *from;
	struct stat sb;
	int fd = -1;

	if (found_socket != NULL)
		fd = try_place(found_socket, NULL, &miss);
	else if (socket_path != NULL)
		fd = try_place(socket_path, NULL, &miss);
	else if (conf_file != NULL) {
		if (conf_socket(conf_file, &sock, &errs) == -1) {
			for (size_t i = 0; i < errs.msgs.n; i++)
				fprintf(stderr, "%s\n", errs.msgs.v[i]);
			errlist_free(&errs);
			free(deflt);
			errx(EXIT_NODAEMON, "%s: cannot tell the daemon's "
			    "socket", conf_file);
		}
		from = sock != NULL ? xasprintf("from %s", conf_file) :
		    xasprintf("default; %s sets no socket", conf_file);
		fd = try_place(sock != NULL ? sock : deflt, from, &miss);
		free(from);
	} else if (env != NULL && env[0] != '\0')
		fd = try_place(env, "from $ARBOR_SOCKET", &miss);
	else if ((fd = try_place(deflt, "default", &miss)) == -1 &&
	    stat((sysconf = sysconf_file()), &sb) == 0) {
		if (conf_socket(sysconf, &sock, &errs) == -1)
			buf_printf(&miss, "; %s not read: %s%s", sysconf,
			    errs.msgs.v[0], errs.msgs.n > 1 ? " (and more)" :
			    "");
		else if (sock == NULL || strcmp(sock, deflt) == 0)
			buf_printf(&miss, "; %s sets no other socket",
			    sysconf);
		else {
			from = xasprintf("from %s", sysconf);
			fd = try_place(sock, from, &miss);
			free(from);
		}
	}
	if (fd == -1)
		warnx("%s", miss.s);
	free(miss.s);
	free(sock);
	free(deflt);
	errlist_free(&errs);
	if (fd == -1)
		exit(EXIT_NODAEMON);
	return fd;
}

/* The socket where a daemon answered, once one has. */
const char *
daemon_socket(void)
{
	return found_socket;
}

/* Send WORDS and return the exit status of the reply. */
int
daemon_request(const char *const *words, int nwords, struct reply *r)
{
	int status, fd;

	fd = daemon_connect();
	status = client_request(fd, found_socket, words, nwords, r);
	client_flush();
	return status;
}

static void	log_record(char **, int, void *);

/* A single worker's command line and last log lines, below its status. */
static void
worker_detail(const char *path, const char *command, const char *listen)
{
	const char *words[3] = { "logs", path, STATUS_LOG_LINES };
	struct logs_print lp = { 0 };
	struct reply r = { 0 };

	if (command[0] != '\0') {
		printf("\ncommand: ");
		status_print_visible(command);
	}
	if (listen != NULL) {
		printf("\nlisten: ");
		status_print_visible(listen);
	}
	lp.path = path;
	lp.timestamps = 1;
	lp.visible = 1;
	lp.blank = 1;
	lp.reply = &r;
	r.record = log_record;
	r.arg = &lp;
	/* Its status is that of the node; a failure here is said. */
	(void)daemon_request(words, 3, &r);
	free(r.ok_text);
}

/*
 * status [PATH] [--json], is-running PATH and paths. The exit status of
 * status and is-running is 0 if the nodes (is-running: the node itself)
 * are running or completed, else EXIT_NOTRUNNING.
 */
static int
cmd_status(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[2] = { "status", nargs > 0 ? args[0] : NULL };
	struct reply r = { 0 };
	struct status *st = status_new();
	int paths = strcmp(c->name, "paths") == 0, status;
	int quiet = strcmp(c->name, "is-running") == 0;
	const char *nc = getenv("NO_COLOR"), *command;

	if (nargs > 0)
		check_word("path", args[0]);
	r.record = status_add;
	r.arg = st;
	/* Keep stdout for what programs read. */
	r.lines = (opts & OPT_JSON) || paths || quiet ? stderr : stdout;
	status = daemon_request(words, nargs + 1, &r);
	if (status == 0 && status_count(st) == 0) {
		warnx("no nodes in the reply");
		status = EXIT_REQUEST;
	}
	if (status == 0 && paths)
		status_print_paths(st);
	else if (status == 0) {
		if (opts & OPT_JSON)
			status_print_json(st);
		else if (!quiet)
			status_print_text(st, now_ms(), isatty(STDOUT_FILENO) &&
			    (nc == NULL || nc[0] == '\0'),
			    strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
		status = status_running(st, quiet);
		if (!quiet && !(opts & OPT_JSON) && nargs > 0 &&
		    (command = status_worker_command(st)) != NULL)
			worker_detail(args[0], command,
			    status_worker_listen(st));
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

/* stop, start, restart [--rolling [--batch K]] PATH; reload; shutdown. */
static int
cmd_simple(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[4] = { c->name, nargs > 0 ? args[0] : NULL,
	    "rolling", batch_arg };
	struct reply r = { 0 };
	char *end;
	long k;
	int status, n = nargs + 1;

	if (nargs > 0)
		check_word("path", args[0]);
	if ((opts & OPT_BATCH) && !(opts & OPT_ROLLING))
		usage_error("restart: --batch goes with --rolling");
	if (opts & OPT_BATCH) {
		k = strtol(batch_arg, &end, 10);
		if (*end != '\0' || end == batch_arg || k < 1 || k > 10000)
			usage_error("restart: --batch '%s' is not a number of "
			    "children (1 to 10000)", batch_arg);
	}
	if (opts & OPT_ROLLING)
		n = (opts & OPT_BATCH) ? 4 : 3;
	status = daemon_request(words, n, &r);
	print_ok(&r);
	return status;
}

/*
 * reexec [--binary PATH] [--reload]: arbord execs itself (or PATH, made
 * absolute here: arbord's working directory is not ours) and keeps every
 * worker; the new arbord answers.
 */
static int
cmd_reexec(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[4] = { "reexec" };
	struct reply r = { 0 };
	char *path = NULL, *cwd;
	int n = 1, status;

	(void)c;
	(void)args;
	(void)nargs;
	if (opts & OPT_BINARY) {
		if (binary_arg[0] == '\0')
			usage_error("reexec: --binary needs a path");
		if (binary_arg[0] == '/')
			path = xstrdup(binary_arg);
		else {
			if ((cwd = getcwd(NULL, 0)) == NULL)
				err(1, "getcwd");
			path = xasprintf("%s/%s", cwd, binary_arg);
			free(cwd);
		}
		check_word("binary", path);
		words[n++] = "binary";
		words[n++] = path;
	}
	if (opts & OPT_RELOAD)
		words[n++] = "reload";
	status = daemon_request(words, n, &r);
	print_ok(&r);
	free(path);
	return status;
}

/* scale PATH N: a pool's number of instances, 1 to 10000. */
static int
cmd_scale(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *words[3] = { "scale", args[0], args[1] };
	struct reply r = { 0 };
	char *end;
	long n;
	int status;

	(void)c;
	(void)nargs;
	(void)opts;
	check_word("path", args[0]);
	n = strtol(args[1], &end, 10);
	if (*end != '\0' || end == args[1] || n < 1 || n > 10000)
		usage_error("scale: '%s' is not a number of instances (1 to "
		    "10000)", args[1]);
	status = daemon_request(words, 3, &r);
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
	status = daemon_request(words, words[3] != NULL ? 4 : 3, &r);
	print_ok(&r);
	return status;
}

/*
 * Has the record FIELDS (N), of time TS, been printed already (after a
 * re-exec)? If not, it is noted as printed.
 */
static int
seen_before(struct seen *s, int64_t ts, char **f, int n)
{
	struct buf key = { 0 };

	if (s == NULL)
		return 0;
	for (int i = 0; i < n; i++)
		buf_printf(&key, "%s\x1f", f[i]);
	if (s->replay && (ts < s->last_ts || (ts == s->last_ts &&
	    s->skip.n > 0))) {
		if (ts < s->last_ts) {
			free(key.s);
			return 1;
		}
		for (size_t i = 0; i < s->skip.n; i++)
			if (strcmp(s->skip.v[i], key.s) == 0) {
				free(s->skip.v[i]);
				s->skip.v[i] = s->skip.v[--s->skip.n];
				s->skip.v[s->skip.n] = NULL;
				free(key.s);
				return 1;
			}
	}
	if (ts > s->last_ts) {
		strv_free(&s->at_last);
		s->last_ts = ts;
	}
	if (ts == s->last_ts)
		strv_push(&s->at_last, key.s);
	else
		free(key.s);
	return 0;
}

/* A "following" record: the backlog sent again is over. */
static void
seen_following(struct seen *s)
{
	if (s == NULL)
		return;
	s->replay = 0;
	strv_free(&s->skip);
}

/*
 * Connect to the daemon that answered before, again, for up to
 * REFOLLOW_MS (it is re-executing): the descriptor, or exit.
 */
static int
reconnect(void)
{
	int64_t until = now_ms() + REFOLLOW_MS;
	useconds_t pause = 10000;
	char *why = NULL;
	int fd;

	for (;;) {
		free(why);
		if ((fd = client_connect(found_socket, &why)) != -1)
			return fd;
		if (now_ms() >= until)
			break;
		usleep(pause);
		if (pause < 500000)
			pause *= 2;
	}
	warnx("no daemon at %s after it re-executed: %s", found_socket, why);
	free(why);
	exit(EXIT_NODAEMON);
}

/*
 * A follow request, WORDS: its exit status. Each time arbord says it
 * re-executes (a "reexec" record, then the end of the connection), say
 * so on stderr, connect again and follow on, the backlog replayed
 * through SEEN; following again is asking AGAIN (NAGAIN words).
 */
static int
follow_request(const char *const *words, int nwords,
    const char *const *again, int nagain, struct reply *r, struct seen *seen)
{
	int status, fd = daemon_connect();

	for (;;) {
		r->following = r->reexec = 0;
		status = client_request(fd, found_socket, words, nwords, r);
		client_flush();
		if (status != 0 || !r->reexec || !r->stream)
			return status;
		warnx("arbord re-executed; following again");
		fd = reconnect();
		free(r->ok_text);
		r->ok_text = NULL;
		strv_free(&seen->skip);
		strv_copy(&seen->skip, seen->at_last.v);
		seen->replay = 1;
		words = again;
		nwords = nagain;
	}
}

/* How events print: the form, and what was printed. */
struct events_print {
	enum event_format	 fmt;
	struct seen		*seen;
};

/* Print one "event" record in the chosen form (a reply callback). */
static void
event_record(char **f, int n, void *arg)
{
	const struct events_print *ep = arg;
	struct event ev;
	char *s;

	if (strcmp(f[0], "following") == 0)
		seen_following(ep->seen);
	if (strcmp(f[0], "event") != 0)
		return;
	if (proto_parse_event(f, n, &ev) == -1) {
		warnx("malformed event record skipped");
		return;
	}
	if (seen_before(ep->seen, ev.ts_ms, f, n)) {
		event_free(&ev);
		return;
	}
	s = event_format(&ev, ep->fmt);
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
	struct events_print ep = { 0 };
	struct seen seen = { 0 };
	struct reply r = { 0 };
	int status;

	(void)c;
	(void)args;
	(void)nargs;
	ep.fmt = (opts & OPT_JSON) ? EVENT_FORMAT_JSON : EVENT_FORMAT_TEXT;
	r.record = event_record;
	r.arg = &ep;
	r.lines = (opts & OPT_JSON) ? stderr : stdout;
	r.stream = (opts & OPT_FOLLOW) != 0;
	if (r.stream) {
		ep.seen = &seen;
		status = follow_request(words, 2, words, 2, &r, &seen);
	} else
		status = daemon_request(words, 1, &r);
	strv_free(&seen.at_last);
	strv_free(&seen.skip);
	free(r.ok_text);
	return status;
}

/* Print one "log" record: its text; with -t, its time and stream first. */
static void
log_record(char **f, int n, void *arg)
{
	struct logs_print *lp = arg;
	struct buf ts = { 0 };
	long long ms;
	char *end;

	if (strcmp(f[0], "following") == 0) {
		client_flush();		/* the backlog is complete */
		seen_following(lp->seen);
	}
	if (strcmp(f[0], "log") != 0)
		return;
	if (n < 4) {
		warnx("malformed log record skipped");
		return;
	}
	if (lp->seen != NULL &&
	    seen_before(lp->seen, strtoll(f[1], NULL, 10), f, n))
		return;
	if (lp->timestamps) {
		ms = strtoll(f[1], &end, 10);
		if (end == f[1] || *end != '\0') {
			warnx("malformed log record skipped");
			return;
		}
		if (lp->blank)
			printf("\n");
		lp->blank = 0;
		buf_ts(&ts, (int64_t)ms);
		printf("%s %s ", ts.s, f[2]);
		free(ts.s);
	}
	/* A pool's instance, named as on arbord's output. */
	if (n >= 5 && f[4][0] != '\0' && lp->path != NULL &&
	    strcmp(f[4], lp->path) != 0)
		printf("%s | ", f[4]);
	if (!lp->timestamps && strcmp(f[2], "check") == 0)
		fputs("[check] ", stdout);	/* not the worker's own */
	if (lp->visible)
		status_print_visible(f[3]);
	else
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
	struct seen seen = { 0 };
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
	if (r.stream) {
		/* Again: every line kept, lest any be missed. */
		const char *again[3] = { "logs", args[0], "follow" };

		lp.seen = &seen;
		status = follow_request(words, nwords, again, 3, &r, &seen);
	} else
		status = daemon_request(words, nwords, &r);
	strv_free(&seen.at_last);
	strv_free(&seen.skip);
	/* A follower's node was removed: say so, apart from the output. */
	if (status == 0 && r.ok_text != NULL && r.ok_text[0] != '\0')
		warnx("%s: %s", args[0], r.ok_text);
	free(r.ok_text);
	return status;
}

/* top [PATH] [-d SECONDS] [-n N]: the live view (top.c). */
static int
cmd_top(const struct cmd *c, char **args, int nargs, int opts)
{
	struct top_options to = { nargs > 0 ? args[0] : NULL, 1000, 0 };
	char *end;
	double d;
	long n;

	(void)c;
	if (nargs > 0)
		check_word("path", args[0]);
	if (opts & OPT_DELAY) {
		errno = 0;
		d = strtod(delay_arg, &end);
		if (errno != 0 || end == delay_arg || *end != '\0' ||
		    !(d >= 0.1 && d <= 3600))
			usage_error("top: invalid delay '%s' (seconds, 0.1 to "
			    "3600)", delay_arg);
		to.delay_ms = (int64_t)(d * 1000 + 0.5);
	}
	if (opts & OPT_ITER) {
		n = strtol(iter_arg, &end, 10);
		if (*end != '\0' || end == iter_arg || n < 1 || n > 1000000)
			usage_error("top: invalid number of refreshes '%s' (1 "
			    "to 1000000)", iter_arg);
		to.iterations = n;
	}
	return top_run(&to);
}

/* check [FILE]: validate a configuration without a daemon. */
static int
cmd_check(const struct cmd *c, char **args, int nargs, int opts)
{
	const char *file = nargs > 0 ? args[0] : conf_file != NULL ?
	    conf_file : CONF_DEFAULT_FILE;
	struct errlist errs = { 0 }, warns = { 0 };
	struct config *conf;

	(void)c;
	(void)opts;
	if ((conf = config_check(file, &errs, &warns)) == NULL) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs.v[i]);
		if (errs.msgs.n == 0)
			warnx("%s: configuration not valid", file);
		errlist_free(&errs);
		return EXIT_REQUEST;
	}
	/* Warnings (a program not found) leave the status 0. */
	for (size_t i = 0; i < warns.msgs.n; i++)
		fprintf(stderr, "%s\n", warns.msgs.v[i]);
	errlist_free(&warns);
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
	{ "is-running",	1, 1, 0,			cmd_status },
	{ "start",	1, 1, 0,			cmd_simple },
	{ "stop",	1, 1, 0,			cmd_simple },
	{ "restart",	1, 1, OPT_ROLLING | OPT_BATCH,	cmd_simple },
	{ "signal",	2, 2, OPT_MAIN | OPT_ALL,		cmd_signal },
	{ "scale",	2, 2, 0,			cmd_scale },
	{ "reload",	0, 0, 0,			cmd_simple },
	{ "reexec",	0, 0, OPT_BINARY | OPT_RELOAD,	cmd_reexec },
	{ "events",	0, 0, OPT_JSON | OPT_FOLLOW,	cmd_events },
	{ "logs",	1, 1, OPT_LINES | OPT_FOLLOW | OPT_TIMESTAMPS,
							cmd_logs },
	{ "top",	0, 1, OPT_DELAY | OPT_ITER,		cmd_top },
	{ "shutdown",	0, 0, 0,			cmd_simple },
	{ "check",	0, 1, 0,			cmd_check },
	{ "help",	0, 0, 0,			cmd_help },
	{ "paths",	0, 0, 0,			cmd_status },	/* hidden */
};

/*
 * If ARGV[*I] is the option SHORT or LONG (either may be NULL) with a
 * value (-xV, -x V, --long V, --long=V), set *VALUE, step *I past it and
 * return 1; else 0. A missing value is a usage error.
 */
static int
option_value(const struct cmd *c, const char *shrt, const char *lng,
    char **argv, int argc, int *i, const char **value)
{
	const char *a = argv[*i];
	size_t n = lng != NULL ? strlen(lng) : 0;

	if ((shrt != NULL && strcmp(a, shrt) == 0) ||
	    (lng != NULL && strcmp(a, lng) == 0)) {
		if (*i + 1 >= argc)
			usage_error("%s: option '%s' needs an argument",
			    c->name, a);
		*value = argv[++*i];
		return 1;
	}
	if (shrt != NULL && strncmp(a, shrt, 2) == 0) {
		*value = a + 2;
		return 1;
	}
	if (lng != NULL && strncmp(a, lng, n) == 0 && a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	return 0;
}

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
		else if (strcmp(a, "--rolling") == 0)
			o = OPT_ROLLING;
		else if (strcmp(a, "--reload") == 0)
			o = OPT_RELOAD;
		else if ((c->opts & OPT_BINARY) &&
		    option_value(c, NULL, "--binary", argv, argc, &i,
		    &binary_arg))
			o = OPT_BINARY;
		else if ((c->opts & OPT_BATCH) &&
		    option_value(c, NULL, "--batch", argv, argc, &i,
		    &batch_arg))
			o = OPT_BATCH;
		else if ((c->opts & OPT_LINES) &&
		    option_value(c, "-n", "--lines", argv, argc, &i,
		    &lines_arg))
			o = OPT_LINES;
		else if ((c->opts & OPT_DELAY) &&
		    option_value(c, "-d", "--delay", argv, argc, &i,
		    &delay_arg))
			o = OPT_DELAY;
		else if ((c->opts & OPT_ITER) &&
		    option_value(c, "-n", "--iterations", argv, argc, &i,
		    &iter_arg))
			o = OPT_ITER;
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
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct cmd *c = NULL;
	int ch, nargs, opts, status;

	setlocale(LC_CTYPE, "");
	signal(SIGPIPE, SIG_IGN);
	opterr = 0;

	while ((ch = getopt_long(argc, argv, "+s:c:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (optarg[0] == '\0')
				usage_error("empty socket path");
			socket_path = optarg;
			break;
		case 'c':
			if (optarg[0] == '\0')
				usage_error("empty configuration file name");
			conf_file = optarg;
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
			if (optopt == 's' || optopt == 'c')
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
	status = c->fn(c, argv + 1, nargs, opts);
	free(found_socket);
	client_flush();
	return status;
}
