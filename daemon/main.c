/*
 * main.c: arbord's command line. It loads and checks the configuration
 * (-n stops there, like ntpd -n), picks the state directory and the event
 * format, where to log, detaches (-d) and writes the pidfile (-p), and
 * hands the tree to the supervision loop.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arbord.h"
#include "config.h"
#include "detach.h"
#include "log.h"
#include "proto.h"
#include "reexec.h"
#include "spawner.h"

#ifndef ARBOR_VERSION
#define ARBOR_VERSION "0.1.0"
#endif

static const char usage_text[] =
"usage: arbord [-dn] [-c FILE] [-p PIDFILE] [-s SOCKET] [-S DIR] [--init]\n"
"              [--syslog] [--event-format text|json]\n"
"       arbord -h | -V\n"
"\n"
"Run the supervision tree described in FILE: start every supervisor and\n"
"worker in order, restart them by their policies and strategies, and stop\n"
"the tree in order on SIGTERM or SIGINT.\n"
"\n"
"  -c, --config FILE        configuration (default " CONF_DEFAULT_FILE ")\n"
"  -n, --check              check the configuration and exit 0 or 1 (and\n"
"                           warn about programs not found)\n"
"  -d, --daemon             detach once the tree has started (implies\n"
"                           --syslog; start-up errors still go to stderr)\n"
"  -p, --pidfile PATH       write arbord's pid to PATH, removed at exit\n"
"  -s, --socket PATH        control socket (default: [arbor] socket, else\n"
"                           /run/arbor/arbor.sock as root, else\n"
"                           $XDG_RUNTIME_DIR/arbor/arbor.sock)\n"
"      --init               act as a container's init even when not PID 1\n"
"                           (also stop the tree on SIGPWR)\n"
"  -S, --state-dir DIR      state directories under DIR (default:\n"
"                           [arbor] state_dir, else /run/arbor/state as\n"
"                           root, else $XDG_RUNTIME_DIR/arbor/state)\n"
"      --event-format FMT   events on stderr as text or json\n"
"                           (default: [arbor] event_format, else text)\n"
"      --syslog             messages, events and worker output to syslog\n"
"                           (default: [arbor] log, else stderr/stdout)\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n"
"\n"
"Exit status: 0 stopped, 1 configuration or start-up error, 2 usage,\n"
"3 the root supervisor gave up. See arbord(8) and arbor.ini(5).\n";

/* Print usage to stderr and exit with the usage status. */
static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(ARBORD_EXIT_USAGE);
}

/* The state directory when the configuration names none. */
static char *
default_state_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		return xstrdup("/run/arbor/state");
	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/arbor/state", xdg);
	return xasprintf("/tmp/arbor-%ld/state", (long)geteuid());
}

/* PATH made absolute against BASE (or the working directory). */
static char *
absolute(const char *path, const char *base)
{
	char *cwd, *s;

	if (path[0] == '/')
		return xstrdup(path);
	if (base != NULL)
		return xasprintf("%s/%s", base, path);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		fatal("getcwd");
	s = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return s;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config",	  required_argument, NULL, 'c' },
		{ "check",	  no_argument,	     NULL, 'n' },
		{ "daemon",	  no_argument,	     NULL, 'd' },
		{ "pidfile",	  required_argument, NULL, 'p' },
		{ "syslog",	  no_argument,	     NULL, 'L' },
		{ "socket",	  required_argument, NULL, 's' },
		{ "init",	  no_argument,	     NULL, 'I' },
		{ "state-dir",	  required_argument, NULL, 'S' },
		{ "event-format", required_argument, NULL, 'E' },
		{ "help",	  no_argument,	     NULL, 'h' },
		{ "version",	  no_argument,	     NULL, 'V' },
		/* Re-exec (reexec.c): not in the help, internal. */
		{ "handoff-check", no_argument,	     NULL, 'K' },
		{ "handoff",	  required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = CONF_DEFAULT_FILE, *fmtarg = NULL, *statearg = NULL;
	const char *sockarg = NULL;
	const char *pidarg = NULL;
	char *pidfile = NULL, *conffile = NULL;
	struct supervise_opts o = { 0 };
	struct errlist errs = { 0 }, warns = { 0 };
	struct config *conf;
	char *state_root, *socket;
	int ch, check = 0, status, daemonize = 0, use_syslog = 0;

	/* arbord exec'd as its own spawner (spawner.c). */
	if (argc == 1 && strcmp(argv[0], SPAWNER_TITLE) == 0)
		spawner_main(3);
	while ((ch = getopt_long(argc, argv, "c:dnp:s:S:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'd':
			daemonize = 1;
			break;
		case 'p':
			pidarg = optarg;
			break;
		case 'L':
			use_syslog = 1;
			break;
		case 's':
			sockarg = optarg;
			break;
		case 'I':
			o.init = 1;
			break;
		case 'S':
			statearg = optarg;
			break;
		case 'E':
			if (strcmp(optarg, "text") != 0 &&
			    strcmp(optarg, "json") != 0) {
				fprintf(stderr, "arbord: --event-format: '%s' "
				    "is not text or json\n", optarg);
				usage();
			}
			fmtarg = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return ARBORD_EXIT_OK;
		case 'V':
			printf("arbord %s\n", ARBOR_VERSION);
			return ARBORD_EXIT_OK;
		case 'K':
			return reexec_handoff_check(optind < argc ?
			    argv[optind] : NULL);
		case 'H': {
			char *end;
			long fd = strtol(optarg, &end, 10);

			if (*end != '\0' || end == optarg || fd < 0 ||
			    fd > INT_MAX || optind != argc) {
				fprintf(stderr, "arbord: --handoff is arbord's "
				    "own (arborctl reexec)\n");
				usage();
			}
			return reexec_main((int)fd);
		}
		default:
			usage();
		}
	}
	if (optind != argc) {
		fprintf(stderr, "arbord: unexpected argument '%s'\n",
		    argv[optind]);
		usage();
	}

	/* -n also warns about programs that are not there to run. */
	conf = check ? config_check(file, &errs, &warns) :
	    config_load(file, &errs);
	if (conf == NULL) {
		for (size_t i = 0; i < errs.msgs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs.v[i]);
		errlist_free(&errs);
		return ARBORD_EXIT_CONFIG;
	}
	if (check) {
		for (size_t i = 0; i < warns.msgs.n; i++)
			fprintf(stderr, "%s\n", warns.msgs.v[i]);
		errlist_free(&warns);
		printf("%s: configuration OK (%zu nodes)\n", file,
		    conf->nnodes);
		config_free(conf);
		return ARBORD_EXIT_OK;
	}
	/* A detached arbord works in /: reload needs the absolute name. */
	o.file = file;
	if (daemonize)
		o.file = conffile = absolute(file, NULL);
	if (pidarg != NULL)
		pidfile = absolute(pidarg, NULL);
	o.event_format = conf->event_format;
	if (fmtarg != NULL) {
		o.event_format = strcmp(fmtarg, "json") == 0 ?
		    EVENT_FORMAT_JSON : EVENT_FORMAT_TEXT;
		o.event_format_forced = 1;
	}
	if (statearg != NULL)
		state_root = absolute(statearg, NULL);
	else if (conf->state_dir != NULL)
		state_root = absolute(conf->state_dir, conf->dir);
	else
		state_root = default_state_dir();
	if (sockarg != NULL)
		socket = absolute(sockarg, NULL);
	else if (conf->socket != NULL)
		socket = xstrdup(conf->socket);
	else
		socket = proto_default_socket();
	o.state_root = state_root;
	o.socket = socket;
	o.use_syslog = use_syslog || daemonize || conf->log_syslog;
	o.socket_forced = sockarg != NULL;
	o.syslog_forced = use_syslog || daemonize;
	o.pidfile = pidfile;

	/*
	 * Detached, stderr is /dev/null once the tree is up: log to syslog.
	 * Until then start-up messages also reach the caller's stderr, and
	 * the caller waits for the verdict (detach.c).
	 */
	if (daemonize)
		detach_start();
	log_init(use_syslog || daemonize || conf->log_syslog);
	if (pidfile != NULL && detach_pidfile(pidfile) == -1) {
		config_free(conf);
		status = ARBORD_EXIT_CONFIG;
	} else
		status = supervise_run(&o, conf);
	detach_failed(status);
	detach_pidfile_remove();
	log_flush(1000);
	free(pidfile);
	free(conffile);
	free(state_root);
	free(socket);
	return status;
}
