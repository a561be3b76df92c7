/*
 * Logging.  Everything goes to stderr, one line per event, so that journald
 * (or a test harness) captures it.  Bytes that are not printable ASCII are
 * escaped as \xNN so untrusted input cannot forge log lines.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	4096

static const char	*log_ident = "cron";
static int		 log_verbose = LOG_LEVEL_INFO;

void
log_init(const char *ident, int verbose)
{
	log_ident = ident;
	log_verbose = verbose;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* Copies src into dst (size n), escaping anything that is not printable. */
static void
log_escape(char *dst, size_t n, const char *src)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 o = 0;
	unsigned char		 c;

	for (; *src != '\0' && o + 5 < n; src++) {
		c = (unsigned char)*src;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = c;
			continue;
		}
		dst[o++] = '\\';
		if (c == '\\') {
			dst[o++] = '\\';
			continue;
		}
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 0xf];
	}
	dst[o] = '\0';
}

void
vlog(int level, const char *fmt, va_list ap)
{
	char		 raw[LOG_LINE_MAX], esc[LOG_LINE_MAX];
	struct timeval	 tv;
	struct tm	 tm;
	int		 saved = errno;

	if (level > log_verbose)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(esc, sizeof(esc), raw);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%ld]: %s\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000), log_ident,
	    (long)getpid(), esc);
	fflush(stderr);
	errno = saved;
}

/* Logs a warning followed by the text of the current errno. */
void
log_warn(const char *fmt, ...)
{
	char	 buf[LOG_LINE_MAX];
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char	 buf[LOG_LINE_MAX];
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("fatal: %s: %s", buf, strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char	 buf[LOG_LINE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("fatal: %s", buf);
	exit(1);
}
