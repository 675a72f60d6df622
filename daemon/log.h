/*
 * log.h: arbord's own messages (warnings and fatal errors, prefixed with
 * the program name), and where events and worker output are written:
 * stderr and stdout, or syslog (see log.c).
 */
#ifndef ARBOR_LOG_H
#define ARBOR_LOG_H

#include "util.h"

void	log_info(const char *, ...) ARBOR_PRINTF(1, 2);
void	log_warn(const char *, ...) ARBOR_PRINTF(1, 2);
void	log_warnx(const char *, ...) ARBOR_PRINTF(1, 2);
void	fatal(const char *, ...) ARBOR_PRINTF(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) ARBOR_PRINTF(1, 2) __attribute__((noreturn));
/* Write all of BUF to FD, retrying on EINTR/EAGAIN; errors are dropped. */
void	write_all(int fd, const char *buf, size_t len);

/* Log to syslog (facility daemon) instead of stderr/stdout if SYSLOG. */
void	log_init(int syslog);
/* The tree is up: with syslog, messages stop going to stderr as well. */
void	log_started(void);
/* An event line; FAILURE logs it as a warning. */
void	log_event(const char *line, int failure);
/* A "path | line" line of a child's output, newline included. */
void	log_output(const char *line, size_t len);
/* The loop runs (1) or no longer (0): stdout and stderr watch readers. */
void	log_loop(int running);
/* Before exiting: let readers take what waits, for up to TIMEOUT_MS. */
void	log_flush(int timeout_ms);

#endif
