/*
 * signame.c: signal names for the configuration (stop_signal) and for
 * messages. Parsing accepts "TERM", "SIGTERM", any letter case, and numbers
 * from 1 to NSIG-1, using glibc's sigabbrev_np() so every name glibc knows
 * (plus the aliases CLD, IOT and IO) is accepted. Printing uses a
 * static table so the returned names need no buffer.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

#define SIGNAME(n)	{ SIG##n, "SIG" #n }

static const struct {
	int		 sig;
	const char	*name;
} signames[] = {
	SIGNAME(HUP), SIGNAME(INT), SIGNAME(QUIT), SIGNAME(ILL),
	SIGNAME(TRAP), SIGNAME(ABRT), SIGNAME(BUS), SIGNAME(FPE),
	SIGNAME(KILL), SIGNAME(USR1), SIGNAME(SEGV), SIGNAME(USR2),
	SIGNAME(PIPE), SIGNAME(ALRM), SIGNAME(TERM), SIGNAME(STKFLT),
	SIGNAME(CHLD), SIGNAME(CONT), SIGNAME(STOP), SIGNAME(TSTP),
	SIGNAME(TTIN), SIGNAME(TTOU), SIGNAME(URG), SIGNAME(XCPU),
	SIGNAME(XFSZ), SIGNAME(VTALRM), SIGNAME(PROF), SIGNAME(WINCH),
	SIGNAME(IO), SIGNAME(PWR), SIGNAME(SYS),
};

/* Parse a signal name or number; return the number or -1. */
int
signal_parse(const char *s)
{
	const char *abbrev;
	char *end;
	long n;

	if (s == NULL || *s == '\0')
		return -1;
	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		if (*end != '\0' || n < 1 || n >= NSIG)
			return -1;
		return (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (*s == '\0')
		return -1;
	for (int sig = 1; sig < NSIG; sig++) {
		abbrev = sigabbrev_np(sig);
		if (abbrev != NULL && strcasecmp(s, abbrev) == 0)
			return sig;
	}
	/* Aliases glibc does not report: it maps each number to one name. */
	if (strcasecmp(s, "IOT") == 0)
		return SIGIOT;
	if (strcasecmp(s, "CLD") == 0)
		return SIGCLD;
	if (strcasecmp(s, "IO") == 0)
		return SIGIO;
	return -1;
}

/* The name of a signal ("SIGTERM"), or "SIG?" if it has none. */
const char *
signal_name(int sig)
{
	for (size_t i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if (signames[i].sig == sig)
			return signames[i].name;
	return "SIG?";
}
