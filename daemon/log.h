/*
 * log.h: arbord's own messages (not worker output, not events): warnings
 * and fatal errors to stderr, prefixed with the program name.
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

#endif
