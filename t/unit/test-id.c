/*
 * Unit tests for lib/id.c: the shape of ids, their validation, and that
 * they sort by time and, within one millisecond, by creation order.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "id.h"
#include "tap.h"

#define NSAME	10000	/* ids made in one millisecond */
#define NWRAP	(36 * 36 * 36 * 36 + NSAME)	/* more than the counter holds */

/* Returns 1 if s is 25 chars of [0-9a-z] starting with 'c', checked by hand. */
static int
shape_ok(const char *s)
{
	size_t	i;

	if (strlen(s) != 25 || s[0] != 'c')
		return 0;
	for (i = 0; i < 25; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}

/* Decodes the 9 base-36 time characters after the 'c'. */
static int64_t
prefix_ms(const char *s)
{
	int64_t	v = 0;
	int	i;

	for (i = 1; i <= 9; i++)
		v = v * 36 + (s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
	return v;
}

/* Copies s into buf with unprintable bytes shown as '?', for test names. */
static const char *
vis(const char *s, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int64_t
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_new(void)
{
	char	id[CRON_ID_LEN + 1], prev[CRON_ID_LEN + 1];
	int64_t	before, after;
	int	i, shape = 1, valid = 1, distinct = 1;

	before = wall_ms();
	cron_id_new(id);
	after = wall_ms();
	is_int(strlen(id), 25, "cron_id_new: 25 characters");
	is_int(id[0], 'c', "cron_id_new: starts with 'c'");
	ok(shape_ok(id), "cron_id_new: only [0-9a-z] (%s)", id);
	ok(cron_id_valid(id), "cron_id_valid accepts a new id");
	ok(prefix_ms(id) >= before && prefix_ms(id) <= after,
	    "cron_id_new: time prefix is now");

	for (i = 0; i < 1000; i++) {
		memcpy(prev, id, sizeof(prev));
		cron_id_new(id);
		shape &= shape_ok(id);
		valid &= cron_id_valid(id);
		distinct &= strcmp(prev, id) != 0;
	}
	ok(shape, "1000 new ids have the right shape");
	ok(valid, "1000 new ids are valid");
	ok(distinct, "1000 new ids differ from their predecessor");
}

static const struct {
	int64_t		 ms;
	const char	*prefix;	/* 'c' and 9 base-36 digits */
} at_cases[] = {
	{ -5, "c000000000" },		/* before the epoch: clamped */
	{ 0, "c000000000" },
	{ 1, "c000000001" },
	{ 35, "c00000000z" },
	{ 36, "c000000010" },
	{ 1296, "c000000100" },
	{ 1773568800000LL, "c0mmrl2kg0" },	/* 2026-03-15T10:00:00Z */
	{ 101559956668415LL, "czzzzzzzzz" },	/* 36^9 - 1, year 5138 */
};

static void
test_at(void)
{
	char	id[CRON_ID_LEN + 1], prev[CRON_ID_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof(at_cases) / sizeof(at_cases[0]); i++) {
		cron_id_at(id, at_cases[i].ms);
		ok(strncmp(id, at_cases[i].prefix, 10) == 0 && shape_ok(id),
		    "cron_id_at(%lld) is %s... (%s)",
		    (long long)at_cases[i].ms, at_cases[i].prefix, id);
	}

	/* Increasing times give increasing ids, whatever the counter. */
	prev[0] = '\0';
	for (i = 1; i < sizeof(at_cases) / sizeof(at_cases[0]); i++) {
		cron_id_at(id, at_cases[i].ms);
		if (i > 1)
			ok(strcmp(prev, id) < 0, "id at %lld sorts after id at "
			    "%lld", (long long)at_cases[i].ms,
			    (long long)at_cases[i - 1].ms);
		memcpy(prev, id, sizeof(prev));
	}
	cron_id_at(prev, 1773568800999LL);
	cron_id_at(id, 1773568801000LL);
	ok(strcmp(prev, id) < 0, "id at the next second sorts after");
	cron_id_at(prev, 1773568801000LL);
	cron_id_at(id, 1773568801001LL);
	ok(strcmp(prev, id) < 0, "id at the next millisecond sorts after");
}

/*
 * n ids made at ms_base + i / per_ms: returns the index of the first id
 * that does not sort strictly after its predecessor, or -1.
 */
static long
first_unordered(long n, long per_ms, int64_t ms_base)
{
	char	a[CRON_ID_LEN + 1], b[CRON_ID_LEN + 1];
	long	i;

	cron_id_at(a, ms_base);
	for (i = 1; i < n; i++) {
		cron_id_at(b, ms_base + i / per_ms);
		if (strcmp(a, b) >= 0 || !shape_ok(b))
			return i;
		memcpy(a, b, sizeof(a));
	}
	return -1;
}

static void
test_same_ms(void)
{
	long	bad;

	bad = first_unordered(NSAME, NSAME, 1773568800000LL);
	is_int(bad, -1, "%d ids in one millisecond strictly increase", NSAME);

	/*
	 * 36^4 + NSAME ids, NSAME per millisecond: the per-process counter
	 * (4 base-36 digits) must not wrap inside a millisecond, wherever
	 * it starts.
	 */
	bad = first_unordered(NWRAP, NSAME, 1773568900000LL);
	is_int(bad, -1, "%d ids, %d per millisecond, strictly increase",
	    NWRAP, NSAME);
}

static const struct {
	const char	*s;
	int		 want;
} valid_cases[] = {
	{ "cjld2cjxh0000qzrmn831i7rn", 1 },
	{ "c000000000000000000000000", 1 },
	{ "czzzzzzzzzzzzzzzzzzzzzzzz", 1 },
	{ "c0123456789abcdefghijklmn", 1 },
	{ "cjld2cjxh0000qzrmn831i7r", 0 },	/* 24 */
	{ "cjld2cjxh0000qzrmn831i7rnx", 0 },	/* 26 */
	{ "c", 0 },
	{ "cjld2cjxh0000QZRMN831i7rn", 0 },	/* uppercase */
	{ "cjld2cjxh0000qzrmn831i7rN", 0 },	/* uppercase, last */
	{ "Cjld2cjxh0000qzrmn831i7rn", 0 },	/* uppercase C */
	{ "ajld2cjxh0000qzrmn831i7rn", 0 },	/* leading non-'c' */
	{ "0jld2cjxh0000qzrmn831i7rn", 0 },
	{ "cjld2cjxh0000-zrmn831i7rn", 0 },	/* punctuation */
	{ "cjld2cjxh0000_zrmn831i7rn", 0 },
	{ "cjld2cjxh0000qzrmn831i7r.", 0 },
	{ "cjld2cjxh0000 qzrmn831i7r", 0 },
	{ "cjld2cjxh0000qzrmn831i7r/", 0 },
	{ "cjld2cjxh0000qzrmn831i7r:", 0 },	/* '9' + 1 */
	{ "cjld2cjxh0000qzrmn831i7r{", 0 },	/* 'z' + 1 */
	{ "cjld2cjxh0000qzrmn831i7r`", 0 },	/* 'a' - 1 */
	{ "cjld2cjxh0000qzrmn831i\xc3\xa9", 0 },	/* UTF-8, 25 bytes */
	{ "cjld2cjxh0000qzrmn831i7r\n", 0 },
	{ "' OR 1=1 -- xxxxxxxxxxxxx", 0 },
	{ "", 0 },
};

static void
test_valid(void)
{
	const char	embedded[] = "cjld2cjxh00\0000qzrmn831i7rn";
	char		buf[64];
	size_t		i;

	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++)
		is_int(cron_id_valid(valid_cases[i].s), valid_cases[i].want,
		    "cron_id_valid(\"%s\")", vis(valid_cases[i].s, buf,
		    sizeof(buf)));
	is_int(cron_id_valid(NULL), 0, "cron_id_valid(NULL)");
	is_int(cron_id_valid(embedded), 0, "cron_id_valid: embedded NUL");
}

int
main(void)
{
	test_new();
	test_at();
	test_same_ms();
	test_valid();
	return done_testing();
}
