/*
 * bench/cron-next: what computing the next run of a cron job costs.
 *
 * A mix of 20 expressions (every minute to once a year, with steps,
 * lists, ranges, names, the Vixie day rule and DST-sensitive times) in 6
 * zones (UTC, no DST, DST in both hemispheres, Lord Howe's 30-minute DST,
 * Kathmandu's +05:45).  For each zone, each expression and each of 1024
 * pseudo-random start instants spread over 2026-2027 (so every DST change
 * of those years is crossed), cron_expr_next_n() computes the next 8 runs:
 * one search from a cold start plus 7 chained ones, as the scheduler and
 * the preview endpoint do.  Repeated until each zone has run for the
 * duration / 6; prints calls/s and ns per call for each zone and overall,
 * and the parse rate.  Every run is checked (strictly increasing, after
 * the start, on a whole minute); any failure prints FAILED and exits 1,
 * so a broken engine cannot produce a pretty number.
 *
 *	bench/cron-next [-d SECONDS] [-v]
 *
 * bench/cron runs it, then measures POST /v1/jobs through nginx.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cronexpr.h"
#include "timefmt.h"
#include "tz.h"

#define NSTARTS	1024
#define NRUNS	8

static const char *const exprs[] = {
	"* * * * *",
	"*/5 * * * *",
	"*/15 * * * *",
	"0 * * * *",
	"0 */6 * * *",
	"15,45 8-18 * * *",
	"0 9-17 * * 1-5",
	"30 9 * * 1-5",
	"0 22 * * MON-FRI",
	"0 0 * * *",
	"0 2 * * *",
	"30 2 * * *",
	"30 1 * * *",
	"5 4 * * sun",
	"0 0 1,15 * *",
	"0 0 1 * *",
	"0 0 13 * 5",
	"0 12 1 1 *",
	"0 0 29 2 *",
	"@hourly",
};

static const char *const zones[] = {
	"UTC",
	"America/New_York",
	"Europe/London",
	"Australia/Lord_Howe",
	"Asia/Tokyo",
	"Asia/Kathmandu",
};

#define NEXPRS	(sizeof(exprs) / sizeof(exprs[0]))
#define NZONES	(sizeof(zones) / sizeof(zones[0]))

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* v rounded, with thousands separated by commas (a static buffer of 4). */
static const char *
commas(double v)
{
	static char	buf[4][32];
	static int	k;
	char		tmp[32];
	int		i, j, n;

	k = (k + 1) % 4;
	n = snprintf(tmp, sizeof(tmp), "%.0f", v);
	for (i = 0, j = 0; i < n; i++) {
		if (i > 0 && tmp[i - 1] != '-' && (n - i) % 3 == 0)
			buf[k][j++] = ',';
		buf[k][j++] = tmp[i];
	}
	buf[k][j] = '\0';
	return buf[k];
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench/cron-next [-d SECONDS] [-v]\n");
	exit(2);
}

/* One pass over every expression and start in zone tz; returns calls. */
static long
pass(const struct cron_expr *ex, const struct cron_tz *tz,
    const int64_t *starts, int *bad)
{
	int64_t	runs[NRUNS], prev;
	long	calls = 0;
	size_t	i, j;
	int	k, n;

	for (i = 0; i < NEXPRS; i++)
		for (j = 0; j < NSTARTS; j++) {
			n = cron_expr_next_n(&ex[i], tz, starts[j], runs, NRUNS);
			calls += n < NRUNS ? n + 1 : n;
			if (n != NRUNS)
				(*bad)++;
			for (k = 0, prev = starts[j]; k < n; prev = runs[k++])
				if (runs[k] <= prev || runs[k] % 60000 != 0)
					(*bad)++;
		}
	return calls;
}

/* Calls per second of cron_expr_parse() over the mix, for ~0.2 s. */
static double
parse_rate(void)
{
	struct cron_expr	e;
	double			t0, t;
	long			n = 0;
	size_t			i;

	t0 = now();
	do {
		for (i = 0; i < NEXPRS; i++, n++)
			if (cron_expr_parse(exprs[i], &e, NULL, 0) == -1)
				return 0;
	} while ((t = now() - t0) < 0.2);
	return (double)n / t;
}

int
main(int argc, char *argv[])
{
	struct cron_expr	 ex[NEXPRS];
	const struct cron_tz	*tz[NZONES];
	int64_t			 starts[NSTARTS], base, span;
	double			 duration = 3, t0, t, total_t = 0;
	long			 calls, total = 0;
	uint64_t		 x = 0x9e3779b97f4a7c15ULL;
	char			 err[256];
	size_t			 i;
	int			 c, bad = 0, verbose = 0;

	while ((c = getopt(argc, argv, "d:v")) != -1)
		switch (c) {
		case 'd':
			if ((duration = atof(optarg)) <= 0)
				usage();
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	for (i = 0; i < NEXPRS; i++)
		if (cron_expr_parse(exprs[i], &ex[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "bench/cron-next: \"%s\": %s\n", exprs[i],
			    err);
			return 1;
		}
	for (i = 0; i < NZONES; i++)
		if ((tz[i] = cron_tz_get(zones[i], err, sizeof(err))) == NULL) {
			fprintf(stderr, "bench/cron-next: %s: %s\n", zones[i], err);
			return 1;
		}
	cron_time_parse("2026-01-01T00:00:00.000Z", &base);
	cron_time_parse("2028-01-01T00:00:00.000Z", &span);
	span -= base;
	for (i = 0; i < NSTARTS; i++) {		/* xorshift64: reproducible */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		starts[i] = base + (int64_t)(x % (uint64_t)span);
	}

	printf("bench/cron-next: next run times, %zu expressions x %zu zones, "
	    "%d starts in 2026-2027,\n  %d runs from each (1 cold + %d "
	    "chained), %.1f s per zone\n\n", NEXPRS, NZONES, NSTARTS, NRUNS,
	    NRUNS - 1, duration / NZONES);
	printf("  %-22s %12s %8s %14s %9s\n", "zone", "calls", "seconds",
	    "calls/s", "ns/call");
	for (i = 0; i < NZONES; i++) {
		calls = 0;
		t0 = now();
		do
			calls += pass(ex, tz[i], starts, &bad);
		while ((t = now() - t0) < duration / NZONES);
		total += calls;
		total_t += t;
		printf("  %-22s %12s %8.2f %14s %9.0f\n", zones[i],
		    commas((double)calls), t, commas((double)calls / t),
		    t * 1e9 / (double)calls);
	}
	printf("  %-22s %12s %8.2f %14s %9.0f\n", "all", commas((double)total),
	    total_t, commas((double)total / total_t),
	    total_t * 1e9 / (double)total);
	printf("\n  next-run computations per second: %s\n",
	    commas((double)total / total_t));
	printf("  cron_expr_parse() per second:      %s\n",
	    commas(parse_rate()));
	if (verbose)
		printf("  (pid %ld, one thread, zones from the cache)\n",
		    (long)getpid());
	cron_tz_cache_clear();
	if (bad != 0) {
		printf("\nFAILED: %d bad runs (not strictly increasing, not on "
		    "a minute, or missing)\n", bad);
		return 1;
	}
	return 0;
}
