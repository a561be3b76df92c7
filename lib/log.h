/* Logging in the shape of OpenBSD log.c: one line per event on stderr. */
#ifndef CRON_LOG_H
#define CRON_LOG_H

#include <stdarg.h>

void	log_init(const char *ident, int verbose);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	vlog(int, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	fatal(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	fatalx(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

#define LOG_LEVEL_WARN	0
#define LOG_LEVEL_INFO	1
#define LOG_LEVEL_DEBUG	2

#endif
