/*
 * top.c: "arborctl top [PATH]", a live full-screen view of the tree, as
 * top(1) is of processes. It keeps two connections to the daemon: an
 * "events follow" stream, and at most one control request (stop, start,
 * restart) in flight; between them it asks for the status (one request,
 * answered at once) and redraws. One loop polls the keyboard, both
 * connections and a refresh timer: a refresh comes every -d seconds, and
 * after each event, but not more than ten times a second under a storm.
 *
 * The terminal is driven with termios and ANSI escape sequences, no
 * library: raw input, the alternate screen, the cursor hidden; all put
 * back on exit, also when exit() comes from deep in the client (no
 * daemon left: atexit), or on SIGINT, SIGTERM and SIGHUP. What is written
 * on standard error meanwhile is kept in a temporary file and shown once
 * the screen is back. SIGWINCH lays the screen out again. The signals are
 * blocked but while waiting in ppoll(), so a flag set by their handler is
 * never missed.
 *
 * When standard output is not a terminal, it prints the table once (-n:
 * N times, -d seconds apart) without colours or escapes and exits 0.
 * What to show is topview.c's; this file is the terminal and the daemon.
 */
#include <sys/ioctl.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "arborctl.h"

#define TOP_MIN_INTERVAL_MS	100	/* at most 10 refreshes a second */
#define TOP_NO_DEADLINE		INT64_MAX

static const char top_help_line[] = "q quit  j/k select  c cpu  m memory  "
    "r restarts  p pid  n tree  R restart  x stop  a start  ? help";

static const char *const top_help_text[] = {
	"arborctl top: keys",
	"",
	"  q, Ctrl-C        quit",
	"  j, k, Down, Up   select the next or previous node",
	"  PgDn, PgUp       select a screen further down or up",
	"  g, G, Home, End  select the first or last node",
	"  c                sort by CPU, busiest first",
	"  m                sort by memory, largest first",
	"  r                sort by restarts, most first",
	"  p                sort by pid",
	"  n                the tree, in its order",
	"  R                restart the selected node (asks first)",
	"  x                stop the selected node (asks first)",
	"  a                start the selected node (asks first)",
	"  ?, h             this help; any key goes back",
	"",
	"Columns: PATH STATE PID CPU% (of one CPU, lately) MEM RESTARTS",
	"(in total) UPTIME HEALTH LAST ERROR; '-' where unknown.",
};

/* The view and its connections. */
struct top {
	const struct top_options *opt;
	struct status	*st;		/* the last status, NULL before one */
	struct topview	 view;		/* its rows */
	enum top_sort	 sort;
	char		*selected;	/* the path of the selected node */
	size_t		 sel;		/* its row */
	size_t		 scroll;	/* the first row shown */
	int		 rows, cols;	/* of the terminal */
	int		 colour, utf8;
	int		 help;		/* the help replaces the table */
	char		*message;	/* on the status line, NULL if none */
	const char	*confirm;	/* "stop", "start", "restart" asked */
	char		*confirm_path;
	/* The control request in flight. */
	int		 req_fd;	/* -1 if none */
	struct buf	 req_in;
	struct reply	 req_reply;
	char		*req_what;	/* "restart root/web" */
	/* The event stream. */
	int		 ev_fd;
	struct buf	 ev_in;
	struct reply	 ev_reply;
	int		 ev_new;	/* an event came since the refresh */
	long		 refreshes;
};

/* Set by the signal handler; read in the loop. */
static volatile sig_atomic_t	top_quit_signal, top_resized;

/* The terminal as it was, while the screen is ours. */
static struct {
	int		 active;
	int		 fd;		/* the keyboard, -1 if none */
	struct termios	 saved;
	int		 saved_stderr;	/* -1 unless stderr is captured */
	FILE		*capture;
} top_term = { 0, -1, { 0 }, -1, NULL };

/* Milliseconds on the monotonic clock. */
static int64_t
top_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall-clock milliseconds since the epoch. */
static int64_t
top_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Write all of S to standard output; a failure ends top. */
static void
top_write(const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(EXIT_REQUEST);
		s += n;
		len -= (size_t)n;
	}
}

/* Give the terminal back: its modes, the main screen, the cursor. */
static void
top_leave_screen(void)
{
	static const char leave[] = "\033[0m\033[?25h\033[?1049l";
	char chunk[4096];
	size_t n;

	if (!top_term.active)
		return;
	top_term.active = 0;
	if (top_term.fd != -1)
		(void)tcsetattr(top_term.fd, TCSADRAIN, &top_term.saved);
	while (write(STDOUT_FILENO, leave, sizeof leave - 1) == -1 &&
	    errno == EINTR)
		;
	/* What was said on standard error meanwhile, now readable. */
	if (top_term.saved_stderr != -1) {
		fflush(stderr);
		(void)dup2(top_term.saved_stderr, STDERR_FILENO);
		close(top_term.saved_stderr);
		top_term.saved_stderr = -1;
		rewind(top_term.capture);
		while ((n = fread(chunk, 1, sizeof chunk, top_term.capture)) > 0)
			(void)fwrite(chunk, 1, n, stderr);
		fclose(top_term.capture);
		top_term.capture = NULL;
		fflush(stderr);
	}
}

/* Take the terminal: raw keys, the alternate screen, no cursor. */
static void
top_enter_screen(void)
{
	static const char enter[] = "\033[?1049h\033[?25l\033[H\033[2J";
	struct termios raw;

	top_term.fd = isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
	if (top_term.fd != -1 && tcgetattr(top_term.fd, &top_term.saved) == 0) {
		raw = top_term.saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		(void)tcsetattr(top_term.fd, TCSADRAIN, &raw);
	} else
		top_term.fd = -1;
	fflush(stderr);
	if ((top_term.capture = tmpfile()) != NULL &&
	    (top_term.saved_stderr = dup(STDERR_FILENO)) != -1)
		(void)dup2(fileno(top_term.capture), STDERR_FILENO);
	else if (top_term.capture != NULL) {
		fclose(top_term.capture);
		top_term.capture = NULL;
	}
	top_term.active = 1;
	top_write(enter, sizeof enter - 1);
}

/* SIGINT, SIGTERM, SIGHUP: quit; SIGWINCH: lay out again. */
static void
top_signal(int sig)
{
	if (sig == SIGWINCH)
		top_resized = 1;
	else
		top_quit_signal = 1;
}

/* The terminal's size, 80x24 if it does not say. */
static void
top_size(struct top *t)
{
	struct winsize ws;

	t->rows = 24;
	t->cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		t->rows = ws.ws_row;
		t->cols = ws.ws_col;
	}
}

/* Replace the status line's message. */
static void
top_message(struct top *t, char *msg)
{
	free(t->message);
	t->message = msg;
}

/*
 * Ask for the status of the tree (the subtree of -PATH): 0, or the exit
 * status of the request with *ERROR set (allocated) to why.
 */
static int
top_fetch(struct top *t, struct status **out, char **error)
{
	const char *words[2] = { "status", t->opt->path };
	struct reply r = { 0 };
	struct status *st = status_new();
	int rc;

	*out = NULL;
	*error = NULL;
	r.record = status_add;
	r.arg = st;
	r.lines = stderr;
	r.keep_error = 1;
	rc = daemon_request(words, t->opt->path != NULL ? 2 : 1, &r);
	if (rc == 0 && status_count(st) == 0) {
		rc = EXIT_REQUEST;
		*error = xstrdup("no nodes in the reply");
	} else if (rc != 0)
		*error = r.error_text != NULL ? r.error_text :
		    xstrdup("request failed");
	else
		free(r.error_text);
	free(r.ok_text);
	if (rc != 0)
		status_free(st);
	else
		*out = st;
	return rc;
}

/* Put the selection on the selected path's row, or keep its row. */
static void
top_select(struct top *t)
{
	size_t n = t->view.n;

	if (n == 0)
		return;
	if (t->selected != NULL)
		for (size_t r = 0; r < n; r++)
			if (strcmp(status_node(t->st,
			    t->view.order[r])->path, t->selected) == 0) {
				t->sel = r;
				return;
			}
	if (t->sel >= n)
		t->sel = n - 1;
	free(t->selected);
	t->selected = xstrdup(status_node(t->st, t->view.order[t->sel])->path);
}

/* Move the selection to row R (clamped). */
static void
top_move(struct top *t, long r)
{
	if (t->view.n == 0)
		return;
	if (r < 0)
		r = 0;
	if ((size_t)r >= t->view.n)
		r = (long)t->view.n - 1;
	t->sel = (size_t)r;
	free(t->selected);
	t->selected = xstrdup(status_node(t->st, t->view.order[t->sel])->path);
}

/* Rebuild the rows from the status, in the sort order. */
static void
top_rebuild(struct top *t)
{
	topview_free(&t->view);
	topview_build(&t->view, t->st, t->sort, top_wall(), t->utf8);
	top_select(t);
}

/* Ask for the status again; a failure is said on the status line. */
static void
top_refresh(struct top *t)
{
	struct status *st;
	char *error;

	t->refreshes++;
	t->ev_new = 0;
	if (top_fetch(t, &st, &error) != 0) {
		top_message(t, xasprintf("status: %s", error));
		free(error);
		return;
	}
	status_free(t->st);
	t->st = st;
	top_rebuild(t);
}

/* Append line TEXT of the screen, padded or cut to the width. */
static void
top_screen_line(struct top *t, struct buf *frame, const char *text,
    const char *attr)
{
	size_t col = 0;

	if (attr != NULL)
		buf_add(frame, attr, strlen(attr));
	topview_fit(frame, text, &col, (size_t)t->cols);
	/* An attribute covers the whole line, as a bar. */
	while (attr != NULL && col < (size_t)t->cols)
		topview_fit(frame, " ", &col, (size_t)t->cols);
	if (attr != NULL)
		buf_add(frame, "\033[0m", 4);
	buf_add(frame, "\033[K", 3);
}

/* Draw the whole screen. */
static void
top_draw(struct top *t)
{
	struct buf frame = { 0 }, line = { 0 };
	size_t body;
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	int row = 0;

	/* Title, header, body, status line, help line. */
	body = t->rows > 4 ? (size_t)t->rows - 4 : 0;
	if (t->sel < t->scroll)
		t->scroll = t->sel;
	if (body > 0 && t->sel >= t->scroll + body)
		t->scroll = t->sel - body + 1;
	if (t->scroll + body > t->view.n)
		t->scroll = t->view.n > body ? t->view.n - body : 0;

	buf_add(&frame, "\033[H", 3);
	localtime_r(&now, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	buf_printf(&line, "arbor %s  ", clock);
	if (t->st != NULL)
		topview_summary(t->st, &line);
	buf_printf(&line, "  sort: %s  %s", topview_sort_name(t->sort),
	    daemon_socket() != NULL ? daemon_socket() : "");
	top_screen_line(t, &frame, line.s, NULL);
	row++;
	if (row < t->rows) {
		line.len = 0;
		topview_line(&t->view, 0, 0, NULL, &line);
		buf_add(&frame, "\r\n", 2);
		top_screen_line(t, &frame, line.s, "\033[1m");
		row++;
	}
	for (size_t i = 0; i < body; i++, row++) {
		size_t r = t->scroll + i;
		const char *sc = NULL;

		buf_add(&frame, "\r\n", 2);
		line.len = 0;
		buf_add(&line, "", 0);
		if (t->help) {
			if (i < sizeof top_help_text / sizeof top_help_text[0])
				buf_add(&line, top_help_text[i],
				    strlen(top_help_text[i]));
			top_screen_line(t, &frame, line.s, NULL);
			continue;
		}
		if (r >= t->view.n) {
			buf_add(&frame, "\033[K", 3);
			continue;
		}
		if (t->colour && r != t->sel)
			sc = status_state_colour(status_node(t->st,
			    t->view.order[r])->state);
		topview_line(&t->view, r + 1, (size_t)t->cols, sc, &line);
		top_screen_line(t, &frame, line.s, r == t->sel ? "\033[7m" :
		    NULL);
	}
	if (row < t->rows) {
		buf_add(&frame, "\r\n", 2);
		line.len = 0;
		buf_add(&line, "", 0);
		if (t->confirm != NULL)
			buf_printf(&line, "%s %s? [y/N]", t->confirm,
			    t->confirm_path);
		else if (t->message != NULL)
			buf_add(&line, t->message, strlen(t->message));
		else if (t->req_what != NULL)
			buf_printf(&line, "%s...", t->req_what);
		top_screen_line(t, &frame, line.s, t->confirm != NULL ?
		    "\033[1m" : NULL);
		row++;
	}
	if (row < t->rows) {
		buf_add(&frame, "\r\n", 2);
		top_screen_line(t, &frame, top_help_line, "\033[7m");
	}
	top_write(frame.s, frame.len);
	free(frame.s);
	free(line.s);
}

/* Set a descriptor non-blocking. */
static void
top_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* An event record on the stream: a refresh is due (a reply callback). */
static void
top_event_record(char **f, int n, void *arg)
{
	struct top *t = arg;

	(void)n;
	if (strcmp(f[0], "event") == 0 && t->ev_reply.following)
		t->ev_new = 1;
}

/* Follow the daemon's events. */
static void
top_follow(struct top *t)
{
	const char *words[2] = { "events", "follow" };

	t->ev_fd = daemon_connect();
	memset(&t->ev_reply, 0, sizeof t->ev_reply);
	t->ev_reply.record = top_event_record;
	t->ev_reply.arg = t;
	t->ev_reply.lines = stderr;
	t->ev_reply.keep_error = 1;
	t->ev_reply.stream = 1;
	if (client_send(t->ev_fd, words, 2) == -1)
		errx(EXIT_NODAEMON, "write to %s: %s", daemon_socket(),
		    strerror(errno));
	top_nonblock(t->ev_fd);
}

/*
 * Read what came on FD into IN and hand its records to R: 0 while more
 * is to come, 1 once the reply is complete (*STATUS set), -1 if the
 * connection ended first.
 */
static int
top_read(int fd, struct buf *in, struct reply *r, int *status)
{
	char chunk[8192];
	ssize_t got;
	int done;

	for (;;) {
		got = read(fd, chunk, sizeof chunk);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (got <= 0)
			return -1;
		buf_add(in, chunk, (size_t)got);
		if ((done = client_records(r, in, status)) != 0)
			return done;
	}
}

/* Send the control request WHAT for PATH, its reply read in the loop. */
static void
top_request(struct top *t, const char *what, const char *path)
{
	const char *words[2] = { what, path };

	if (t->req_fd != -1) {
		top_message(t, xasprintf("%s is still going on; wait for it",
		    t->req_what));
		return;
	}
	t->req_fd = daemon_connect();
	memset(&t->req_reply, 0, sizeof t->req_reply);
	t->req_reply.lines = stderr;
	t->req_reply.keep_error = 1;
	t->req_in.len = 0;
	free(t->req_what);
	t->req_what = xasprintf("%s %s", what, path);
	top_message(t, NULL);
	if (client_send(t->req_fd, words, 2) == -1) {
		top_message(t, xasprintf("%s: %s", t->req_what,
		    strerror(errno)));
		close(t->req_fd);
		t->req_fd = -1;
		return;
	}
	top_nonblock(t->req_fd);
}

/* The control request's reply has come, or its connection ended. */
static void
top_request_done(struct top *t, int rc, int status)
{
	struct reply *r = &t->req_reply;

	if (rc == -1)
		top_message(t, xasprintf("%s: the connection closed before the "
		    "reply", t->req_what));
	else if (status != 0)
		top_message(t, xasprintf("%s: %s", t->req_what,
		    r->error_text != NULL ? r->error_text : "failed"));
	else
		top_message(t, xasprintf("%s: %s", t->req_what,
		    r->ok_text != NULL && r->ok_text[0] != '\0' ? r->ok_text :
		    "ok"));
	free(r->ok_text);
	free(r->error_text);
	memset(r, 0, sizeof *r);
	close(t->req_fd);
	t->req_fd = -1;
	free(t->req_what);
	t->req_what = NULL;
}

/* Ask to confirm WHAT (stop, start, restart) of the selected node. */
static void
top_ask(struct top *t, const char *what)
{
	if (t->selected == NULL)
		return;
	t->confirm = what;
	free(t->confirm_path);
	t->confirm_path = xstrdup(t->selected);
}

/* Handle the keys in BUF (LEN bytes, as one read gave them): 1 to quit. */
static int
top_keys(struct top *t, const char *buf, size_t len)
{
	size_t page = t->rows > 5 ? (size_t)t->rows - 5 : 1;

	for (size_t i = 0; i < len; i++) {
		int key = (unsigned char)buf[i];

		/* ESC [ X, ESC O X, ESC [ N ~: arrows, pages, home, end. */
		if (key == 033 && i + 2 < len &&
		    (buf[i + 1] == '[' || buf[i + 1] == 'O')) {
			char c = buf[i + 2];

			i += 2;
			if (c >= '0' && c <= '9' && i + 1 < len &&
			    buf[i + 1] == '~') {
				i++;
				key = c == '5' ? 'P' | 0x100 : c == '6' ?
				    'N' | 0x100 : c == '1' || c == '7' ? 'g' :
				    c == '4' || c == '8' ? 'G' : 0;
			} else
				key = c == 'A' ? 'k' : c == 'B' ? 'j' :
				    c == 'H' ? 'g' : c == 'F' ? 'G' : 0;
			if (key == 0)
				continue;
		}
		if (t->help) {
			t->help = 0;
			continue;
		}
		if (t->confirm != NULL) {
			if (key == 'y' || key == 'Y')
				top_request(t, t->confirm, t->confirm_path);
			else
				top_message(t, xasprintf("%s %s: cancelled",
				    t->confirm, t->confirm_path));
			t->confirm = NULL;
			continue;
		}
		switch (key) {
		case 'q':
		case 3:		/* Ctrl-C */
			return 1;
		case 'j':
			top_move(t, (long)t->sel + 1);
			break;
		case 'k':
			top_move(t, (long)t->sel - 1);
			break;
		case 'N' | 0x100:
			top_move(t, (long)(t->sel + page));
			break;
		case 'P' | 0x100:
			top_move(t, (long)t->sel - (long)page);
			break;
		case 'g':
			top_move(t, 0);
			break;
		case 'G':
			top_move(t, (long)t->view.n - 1);
			break;
		case 'c':
		case 'm':
		case 'r':
		case 'p':
		case 'n':
			t->sort = key == 'c' ? TOP_SORT_CPU : key == 'm' ?
			    TOP_SORT_MEMORY : key == 'r' ? TOP_SORT_RESTARTS :
			    key == 'p' ? TOP_SORT_PID : TOP_SORT_TREE;
			if (t->st != NULL)
				top_rebuild(t);
			break;
		case 'R':
			top_ask(t, "restart");
			break;
		case 'x':
			top_ask(t, "stop");
			break;
		case 'a':
			top_ask(t, "start");
			break;
		case '?':
		case 'h':
			t->help = 1;
			break;
		case 033:
			top_message(t, NULL);
			break;
		case 014:	/* Ctrl-L: draw again */
			top_write("\033[2J", 4);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Print the table once, plain, for a pipe or a file. */
static int
top_plain(struct top *t)
{
	struct buf line = { 0 };
	struct status *st;
	char *error;
	int rc;

	for (long k = 0; k < t->opt->iterations || k == 0; k++) {
		if (k > 0) {
			struct timespec ts = {
				.tv_sec = t->opt->delay_ms / 1000,
				.tv_nsec = t->opt->delay_ms % 1000 * 1000000 };

			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
			printf("\n");
		}
		if ((rc = top_fetch(t, &st, &error)) != 0) {
			client_flush();
			warnx("%s", error);
			free(error);
			return rc;
		}
		topview_build(&t->view, st, TOP_SORT_TREE, top_wall(), t->utf8);
		for (size_t r = 0; r <= t->view.n; r++) {
			line.len = 0;
			topview_line(&t->view, r, 0, NULL, &line);
			printf("%s\n", line.s);
		}
		topview_free(&t->view);
		status_free(st);
		client_flush();
	}
	free(line.s);
	return 0;
}

/* The live view, until q or a signal. */
static int
top_live(struct top *t)
{
	struct sigaction sa;
	sigset_t block, unblocked;
	int64_t next_tick, now, due;
	char *error;
	int status = 0;

	/* The first status before the screen: an error is a plain one. */
	if ((status = top_fetch(t, &t->st, &error)) != 0) {
		warnx("%s", error);
		free(error);
		return status;
	}
	t->refreshes = 1;
	top_follow(t);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = top_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGHUP);
	sigdelset(&unblocked, SIGWINCH);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);

	atexit(top_leave_screen);
	top_enter_screen();
	top_size(t);
	top_rebuild(t);
	top_draw(t);
	next_tick = top_clock() + t->opt->delay_ms;
	int64_t last = top_clock();

	for (;;) {
		struct pollfd pfd[3];
		struct timespec ts;
		int nfd = 0, redraw = 0, rc, st;

		if (top_quit_signal)
			break;
		if (t->opt->iterations > 0 && t->refreshes >= t->opt->iterations)
			break;
		now = top_clock();
		due = next_tick;
		if (t->ev_new && last + TOP_MIN_INTERVAL_MS < due)
			due = last + TOP_MIN_INTERVAL_MS;
		if (now >= due) {
			top_refresh(t);
			last = now;
			next_tick = now + t->opt->delay_ms;
			top_draw(t);
			continue;
		}
		pfd[nfd].fd = t->ev_fd;
		pfd[nfd++].events = POLLIN;
		if (t->req_fd != -1) {
			pfd[nfd].fd = t->req_fd;
			pfd[nfd++].events = POLLIN;
		}
		if (top_term.fd != -1) {
			pfd[nfd].fd = top_term.fd;
			pfd[nfd++].events = POLLIN;
		}
		ts.tv_sec = (due - now) / 1000;
		ts.tv_nsec = (due - now) % 1000 * 1000000;
		if (ppoll(pfd, (nfds_t)nfd, &ts, &unblocked) == -1) {
			if (errno != EINTR)
				err(EXIT_REQUEST, "poll");
			if (top_resized) {
				top_resized = 0;
				top_size(t);
				top_write("\033[2J", 4);
				top_draw(t);
			}
			continue;
		}
		for (int i = 0; i < nfd; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == t->ev_fd) {
				rc = top_read(t->ev_fd, &t->ev_in,
				    &t->ev_reply, &st);
				if (rc != 0) {
					top_leave_screen();
					errx(EXIT_NODAEMON, "%s: the daemon "
					    "closed the connection%s%s",
					    daemon_socket(),
					    t->ev_reply.error_text != NULL ?
					    ": " : "",
					    t->ev_reply.error_text != NULL ?
					    t->ev_reply.error_text : "");
				}
			} else if (pfd[i].fd == t->req_fd) {
				rc = top_read(t->req_fd, &t->req_in,
				    &t->req_reply, &st);
				if (rc != 0) {
					top_request_done(t, rc, st);
					/* Show its outcome in the tree now. */
					t->ev_new = 1;
					last = 0;
					redraw = 1;
				}
			} else {
				char keys[64];
				ssize_t n = read(top_term.fd, keys,
				    sizeof keys);

				if (n == 0)
					top_term.fd = -1;	/* no more keys */
				if (n > 0 && top_keys(t, keys, (size_t)n)) {
					top_quit_signal = 1;
					break;
				}
				redraw = 1;
			}
		}
		if (redraw && !top_quit_signal)
			top_draw(t);
	}
	top_leave_screen();
	return 0;
}

/* top [PATH]: see top.c's head. */
int
top_run(const struct top_options *opt)
{
	const char *nc = getenv("NO_COLOR");
	struct top t;
	int status;

	memset(&t, 0, sizeof t);
	t.opt = opt;
	t.req_fd = -1;
	t.ev_fd = -1;
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t.colour = nc == NULL || nc[0] == '\0';
	if (isatty(STDOUT_FILENO))
		status = top_live(&t);
	else
		status = top_plain(&t);
	topview_free(&t.view);
	status_free(t.st);
	free(t.selected);
	free(t.message);
	free(t.confirm_path);
	free(t.req_what);
	free(t.req_in.s);
	free(t.ev_in.s);
	free(t.ev_reply.ok_text);
	free(t.ev_reply.error_text);
	if (t.ev_fd != -1)
		close(t.ev_fd);
	if (t.req_fd != -1)
		close(t.req_fd);
	return status;
}
