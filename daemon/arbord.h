/*
 * arbord.h: what daemon/main.c needs from the supervision loop.
 */
#ifndef ARBOR_ARBORD_H
#define ARBOR_ARBORD_H

#include <stdint.h>

#include "config.h"

/* Exit statuses of arbord (documented in arbord(8)). */
#define ARBORD_EXIT_OK		0	/* the tree was stopped */
#define ARBORD_EXIT_CONFIG	1	/* bad configuration or start-up */
#define ARBORD_EXIT_USAGE	2	/* bad command line */
#define ARBORD_EXIT_FAILED	3	/* the root supervisor gave up */

struct tree;
struct node;
struct event;
struct nodelog;

/* How arbord runs, from its command line and configuration. */
struct supervise_opts {
	const char		*file;		/* configuration, for reload */
	const char		*state_root;
	const char		*socket;
	enum event_format	 event_format;
	int			 event_format_forced;	/* --event-format */
	int			 init;		/* --init: act as PID 1 */
	/* Handed over to a re-exec (reexec.c): */
	int			 use_syslog;	/* --syslog, -d */
	int			 socket_forced;	/* -s: not [arbor] socket */
	int			 syslog_forced;	/* --syslog, -d: not [arbor] log */
	const char		*pidfile;	/* -p, absolute; NULL */
	/* A re-exec's new binary: the handoff to resume from, else NULL. */
	const void		*handoff;
	size_t			 handoff_len;
};

/* supervise.c: the loop. supervise_run takes CONF and frees it. */
int		 supervise_run(const struct supervise_opts *, struct config *);
struct tree	*supervise_tree(void);
int		 supervise_reload(struct strv *report);
void		 supervise_attach(void);
struct nodelog	*supervise_nodelog(const struct node *);
struct usage_samples *supervise_samples(const struct node *);
const struct strv *supervise_exec_argv(const struct node *);
void		 run_actions(void);
int64_t		 now_ms(void);
int64_t		 wall_ms(void);
/* Wall-clock minus monotonic ms, stable between clock settings. */
int64_t		 wall_offset_ms(void);
/* The offset the old binary had (re-exec). */
void		 wall_offset_keep(int64_t);
/* Re-exec (reexec.c): what only the daemon knows of the tree. */
struct handoff_w;
char		*supervise_handoff_refusal(void);
void		 supervise_export(struct handoff_w *);
void		 supervise_reexec_failed(void);

/* control.c: the control socket. */
int		 control_init(const char *path, const struct config *);
void		 control_configure(const struct config *);
void		 control_event(const struct event *);
void		 control_backlog(void (*)(const struct event *, void *), void *);
void		 control_settled(void);
void		 control_close(int exit_status);
struct handoff_w;
void		 control_export(struct handoff_w *);
void		 control_reexec_notify(void);
int		 control_adopt(int fd, const char *path, const struct config *);
/* The control socket's path now. */
const char	*control_socket(void);
/*
 * reexec --reload: listen on PATH (CONF's socket group) instead, the old
 * socket closed and removed once the new one listens; -1 (logged) and
 * nothing changed if it cannot.
 */
int		 control_move(const char *path, const struct config *);
/* ... and CONF's socket group given to it: 1 if it changed, -1 if not. */
int		 control_regroup(const struct config *);
void		 control_restore_events(const void *data, size_t len);
/* The new binary: the clients whose request was not in yet. */
void		 control_adopt_clients(const void *data, size_t len);

#endif
