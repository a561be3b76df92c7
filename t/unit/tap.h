/*
 * A tiny TAP producer for the C unit tests (t/unit/).  Each test binary
 * prints "1..N" at the end (plan after tests) and exits non-zero when any
 * test failed, so make check (tap-driver.sh) and prove agree.
 */
#ifndef CRON_TAP_H
#define CRON_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int	tap_n, tap_failed;

static int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL && w_ == NULL) ||			\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!ok(same_, __VA_ARGS__))					\
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");					\
} while (0)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
