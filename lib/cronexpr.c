/*
 * Cron expressions: a parser into bitsets and a next-run search that
 * jumps field by field (month, day, hour, minute) through local civil
 * time, then maps the local minute found to an instant by the DST rules
 * described in cronexpr.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cronexpr.h"
#include "timefmt.h"
#include "tz.h"

#define MIN_MS	(-62135596800000LL)	/* 0001-01-01T00:00:00.000Z */
#define MAX_MS	253402300799999LL	/* 9999-12-31T23:59:59.999Z */
#define NONE	INT64_MIN		/* match_from(): no match */

enum cron_field {
	CRON_F_MINUTE,
	CRON_F_HOUR,
	CRON_F_DOM,
	CRON_F_MONTH,
	CRON_F_DOW,
	CRON_F__MAX
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec", NULL
};
static const char *const dow_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};

static const struct field {
	const char		*name;
	unsigned		 lo, hi;
	const char *const	*names;		/* names[i] is value lo + i */
	const char		*what;		/* for "'x' is not a ..." */
} fields[CRON_F__MAX] = {
	{ "minute", 0, 59, NULL, NULL },
	{ "hour", 0, 23, NULL, NULL },
	{ "day-of-month", 1, 31, NULL, NULL },
	{ "month", 1, 12, month_names, "month name (JAN-DEC)" },
	{ "day-of-week", 0, 7, dow_names, "day name (SUN-SAT)" },
};

static const struct {
	const char	*name;
	const char	*fields;	/* NULL: refused */
} macros[] = {
	{ "@yearly", "0 0 1 1 *" },
	{ "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" },
	{ "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
	{ "@reboot", NULL },
};

static void __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The text an error quotes: one list item. */
struct item {
	const char	*s;
	int		 len;
};

/*
 * Reads a number or (where the field has names) a name at *p, before end,
 * into *v; checks it against the field's range.  Returns 0 or -1 with err.
 */
static int
parse_value(const struct field *f, const struct item *it, const char **p,
    const char *end, unsigned *v, char *err, size_t errlen)
{
	const char	*s = *p;
	unsigned	 i;

	if (s < end && *s >= '0' && *s <= '9') {
		for (*v = 0; s < end && *s >= '0' && *s <= '9'; s++)
			*v = *v > 999 ? 1000 : *v * 10 + (unsigned)(*s - '0');
		if (*v < f->lo || *v > f->hi) {
			seterr(err, errlen, "%s: %.*s is out of range %u-%u",
			    f->name, (int)(s - *p), *p, f->lo, f->hi);
			return -1;
		}
		*p = s;
		return 0;
	}
	while (s < end && is_alpha(*s))
		s++;
	if (s == *p) {
		seterr(err, errlen, "%s: expected a number in \"%.*s\"",
		    f->name, it->len, it->s);
		return -1;
	}
	for (i = 0; f->names != NULL && f->names[i] != NULL; i++)
		if (s - *p == 3 && strncasecmp(*p, f->names[i], 3) == 0) {
			*v = f->lo + i;
			*p = s;
			return 0;
		}
	if (f->names == NULL)
		seterr(err, errlen, "%s: \"%.*s\" is not a number", f->name,
		    (int)(s - *p), *p);
	else
		seterr(err, errlen, "%s: \"%.*s\" is not a %s", f->name,
		    (int)(s - *p), *p, f->what);
	return -1;
}

/* Reads the step after a '/'; returns 0 or -1 with err. */
static int
parse_step(const struct field *f, const struct item *it, const char **p,
    const char *end, unsigned *step, char *err, size_t errlen)
{
	const char	*s = *p;

	if (s >= end || *s < '0' || *s > '9') {
		seterr(err, errlen, "%s: missing step after '/' in \"%.*s\"",
		    f->name, it->len, it->s);
		return -1;
	}
	for (*step = 0; s < end && *s >= '0' && *s <= '9'; s++)
		*step = *step > 999 ? 1000 : *step * 10 + (unsigned)(*s - '0');
	if (*step < 1 || *step > f->hi - f->lo + 1) {
		seterr(err, errlen, "%s: step %.*s is out of range 1-%u",
		    f->name, (int)(s - *p), *p, f->hi - f->lo + 1);
		return -1;
	}
	*p = s;
	return 0;
}

/* Parses one list item (*, N, N-M, each with an optional /S) into *bits. */
static int
parse_item(const struct field *f, const struct item *it, uint64_t *bits,
    char *err, size_t errlen)
{
	const char	*p = it->s, *end = it->s + it->len;
	unsigned	 lo, hi, step = 1, v;

	if (*p == '*') {
		lo = f->lo;
		hi = f->hi;
		p++;
	} else {
		if (parse_value(f, it, &p, end, &lo, err, errlen) == -1)
			return -1;
		hi = p < end && *p == '/' ? f->hi : lo;
		if (p < end && *p == '-') {
			p++;
			if (parse_value(f, it, &p, end, &hi, err, errlen) == -1)
				return -1;
			if (hi < lo) {
				seterr(err, errlen, "%s: range \"%.*s\" is "
				    "reversed", f->name, it->len, it->s);
				return -1;
			}
		}
	}
	if (p < end && *p == '/') {
		p++;
		if (parse_step(f, it, &p, end, &step, err, errlen) == -1)
			return -1;
	}
	if (p < end) {
		if (*p > ' ' && *p < 0x7f)
			seterr(err, errlen, "%s: unexpected '%c' in \"%.*s\"",
			    f->name, *p, it->len, it->s);
		else
			seterr(err, errlen, "%s: unexpected byte 0x%02x in "
			    "\"%.*s\"", f->name, (unsigned char)*p, it->len,
			    it->s);
		return -1;
	}
	for (v = lo; v <= hi; v += step)
		*bits |= UINT64_C(1) << (v % 64);
	return 0;
}

/* Parses a comma-separated field of length len into *bits. */
static int
parse_field(const struct field *f, const char *s, size_t len,
    uint64_t *bits, char *err, size_t errlen)
{
	struct item	 it;
	const char	*end = s + len, *comma;

	*bits = 0;
	for (;;) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		it.s = s;
		it.len = (int)(comma - s);
		if (it.len == 0) {
			seterr(err, errlen, "%s: empty item in list \"%.*s\"",
			    f->name, (int)len, end - len);
			return -1;
		}
		if (parse_item(f, &it, bits, err, errlen) == -1)
			return -1;
		if (comma == end)
			return 0;
		s = comma + 1;
	}
}

/* Splits text into the five fields and parses each into e. */
static int
parse_fields(const char *text, struct cron_expr *e, char *err,
    size_t errlen)
{
	const char	*start[CRON_F__MAX], *p = text;
	size_t		 len[CRON_F__MAX];
	uint64_t	 bits[CRON_F__MAX];
	int		 n = 0, i;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (n < CRON_F__MAX)
			start[n] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (n < CRON_F__MAX)
			len[n] = (size_t)(p - start[n]);
		n++;
	}
	if (n != CRON_F__MAX) {
		seterr(err, errlen, "expected 5 fields (minute hour "
		    "day-of-month month day-of-week), got %d", n);
		return -1;
	}
	for (i = 0; i < CRON_F__MAX; i++)
		if (parse_field(&fields[i], start[i], len[i], &bits[i], err,
		    errlen) == -1)
			return -1;
	memset(e, 0, sizeof(*e));
	e->minute = bits[CRON_F_MINUTE];
	e->hour = (uint32_t)bits[CRON_F_HOUR];
	e->dom = (uint32_t)bits[CRON_F_DOM];
	e->month = (uint16_t)bits[CRON_F_MONTH];
	e->dow = (uint8_t)(bits[CRON_F_DOW] | bits[CRON_F_DOW] >> 7) & 0x7f;
	if (*start[CRON_F_DOM] == '*')
		e->flags |= CRON_EXPR_DOM_STAR;
	if (*start[CRON_F_DOW] == '*')
		e->flags |= CRON_EXPR_DOW_STAR;
	return 0;
}

/* Expands an @macro (text starts with '@') and parses it into e. */
static int
parse_macro(const char *text, struct cron_expr *e, char *err,
    size_t errlen)
{
	const char	*p = text;
	size_t		 n, i;

	while (*p != '\0' && !is_blank(*p))
		p++;
	n = (size_t)(p - text);
	while (is_blank(*p))
		p++;
	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		if (strlen(macros[i].name) != n ||
		    strncasecmp(text, macros[i].name, n) != 0)
			continue;
		if (macros[i].fields == NULL) {
			seterr(err, errlen, "%s is not supported",
			    macros[i].name);
			return -1;
		}
		if (*p != '\0') {
			seterr(err, errlen, "%s takes no fields",
			    macros[i].name);
			return -1;
		}
		return parse_fields(macros[i].fields, e, err, errlen);
	}
	for (n = 1; n < 32 && (is_alpha(text[n]) || (text[n] >= '0' &&
	    text[n] <= '9')); n++)
		;
	seterr(err, errlen, "unknown macro \"%.*s\"", (int)n, text);
	return -1;
}

/* Parses text into *out; returns 0, or -1 with the reason in err. */
int
cron_expr_parse(const char *text, struct cron_expr *out, char *err,
    size_t errlen)
{
	size_t	i;

	if (text == NULL)
		text = "";
	while (is_blank(*text))
		text++;
	if (*text == '\0') {
		seterr(err, errlen, "empty expression");
		return -1;
	}
	if (strlen(text) > CRON_EXPR_MAX) {
		seterr(err, errlen, "expression longer than %d characters",
		    CRON_EXPR_MAX);
		return -1;
	}
	for (i = 0; text[i] != '\0'; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\t') {
			seterr(err, errlen, "control character in expression");
			return -1;
		}
	if (*text == '@')
		return parse_macro(text, out, err, errlen);
	return parse_fields(text, out, err, errlen);
}

/* ---- Evaluation -------------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	return a % b != 0 && (a < 0) != (b < 0) ? q - 1 : q;
}

static unsigned
month_days(int64_t y, unsigned m)
{
	static const unsigned char	dm[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int				leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + (unsigned)leap : dm[m - 1];
}

/* The lowest set bit of mask at or above from, or -1. */
static int
next_bit(uint64_t mask, unsigned from)
{
	if (from >= 64)
		return -1;
	mask &= ~UINT64_C(0) << from;
	return mask != 0 ? __builtin_ctzll(mask) : -1;
}

/* Day d of a month, weekday wd: matches by the Vixie rule (cronexpr.h)? */
static int
day_ok(const struct cron_expr *e, unsigned d, unsigned wd)
{
	int	dm = e->dom >> d & 1, wm = e->dow >> wd & 1;

	if (e->flags & (CRON_EXPR_DOM_STAR | CRON_EXPR_DOW_STAR))
		return dm && wm;
	return dm || wm;
}

/* The first matching day >= d of month m of year y, or 0. */
static unsigned
next_day(const struct cron_expr *e, int64_t y, unsigned m, unsigned d)
{
	unsigned	dim = month_days(y, m), wd;

	if (d > dim)
		return 0;
	/* Both fields must match and no wanted day is in this month. */
	if ((e->flags & (CRON_EXPR_DOM_STAR | CRON_EXPR_DOW_STAR)) &&
	    (e->dom & ((UINT32_C(2) << dim) - 1)) >> d == 0)
		return 0;
	wd = (unsigned)(((cron_days_from_civil(y, m, d) + 4) % 7 + 7) % 7);
	for (; d <= dim; d++, wd = (wd + 1) % 7)
		if (day_ok(e, d, wd))
			return d;
	return 0;
}

/*
 * The first local minute in [local, limit] (local seconds; local on a
 * minute) that e matches, or NONE; never past CRON_EXPR_YEARS years.
 * Each step moves one field to its next allowed value and resets the
 * smaller ones, so a search costs a few steps per month it crosses.
 */
static int64_t
match_from(const struct cron_expr *e, int64_t local, int64_t limit)
{
	int64_t		y, ylimit, days;
	unsigned	mo, d, h, mi;
	int		b;

	days = floor_div(local, 86400);
	cron_civil_from_days(days, &y, &mo, &d);
	h = (unsigned)(local - days * 86400) / 3600;
	mi = (unsigned)(local - days * 86400) / 60 % 60;
	for (ylimit = y + CRON_EXPR_YEARS; y <= ylimit;) {
		if (cron_days_from_civil(y, mo, d) * 86400 > limit)
			return NONE;
		if (!(e->month >> mo & 1)) {
			if ((b = next_bit(e->month, mo + 1)) == -1) {
				y++;
				b = next_bit(e->month, 1);
			}
			mo = (unsigned)b;
			d = 1;
			h = mi = 0;
		} else if ((b = (int)next_day(e, y, mo, d)) == 0) {
			if (++mo > 12) {
				mo = 1;
				y++;
			}
			d = 1;
			h = mi = 0;
		} else if ((unsigned)b != d) {
			d = (unsigned)b;
			h = mi = 0;
		} else if ((b = next_bit(e->hour, h)) == -1) {
			d++;
			h = mi = 0;
		} else if ((unsigned)b != h) {
			h = (unsigned)b;
			mi = 0;
		} else if ((b = next_bit(e->minute, mi)) == -1) {
			h++;
			mi = 0;
		} else {
			local = ((cron_days_from_civil(y, mo, d) * 24 + h) * 60 +
			    (unsigned)b) * 60;
			return local <= limit ? local : NONE;
		}
	}
	return NONE;
}

static int64_t
ceil_minute(int64_t local)
{
	return floor_div(local + 59, 60) * 60;
}

/*
 * The first run at or after instant t0 in zone tz (seconds), or NONE.
 *
 * A local time that exists runs at that instant, and in that order: from
 * t0's own local time (or, when t0 is inside the second pass of a
 * repeated hour, from the end of the repetition: those times ran in the
 * first pass) the first matching existing local time is the earliest of
 * them.  Skipped local times break the order: one run shifted forward by
 * the gap lands among the existing times just after the gap, so
 *  - when t0 is within a gap's length after clocks went forward, skipped
 *    times at or after t0 - gap may still be due; the first is a candidate;
 *  - when the search meets a skipped time, its shifted instant is a
 *    candidate, and so is the first existing time after the gap if it is
 *    sooner.
 * The answer is the earliest candidate.
 */
static int64_t
next_run(const struct cron_expr *e, const struct cron_tz *tz, int64_t t0)
{
	int64_t	at, before, after, local, limit = INT64_MAX, best = NONE;
	int64_t	run[2];
	int	has, i;

	has = cron_tz_transition(tz, t0, &at, &before, &after) == 0;
	if (has && after > before && t0 < at + (after - before) &&
	    (local = match_from(e, ceil_minute(t0 + before),
	    at + after - 1)) != NONE) {
		best = local - before;
		limit = best + after - 1;
	}
	if (has && after < before && t0 < at + (before - after))
		local = at + before;
	else
		local = t0 + cron_tz_offset(tz, t0);
	local = ceil_minute(local);
	for (i = 0; i < 4; i++) {
		if ((local = match_from(e, local, limit)) == NONE)
			return best;
		if (cron_tz_resolve(tz, local, run) > 0)
			return best == NONE || run[0] < best ? run[0] : best;
		if (best == NONE || run[0] < best)
			best = run[0];
		/* An existing time after the gap that runs before best? */
		if (cron_tz_transition(tz, run[0], &at, &before, &after) == -1)
			return best;
		limit = best + after - 1;
		local = ceil_minute(at + after);
	}
	return best;
}

/* Returns the first run strictly after after_ms, or -1 (cronexpr.h). */
int64_t
cron_expr_next(const struct cron_expr *e, const struct cron_tz *tz,
    int64_t after_ms)
{
	int64_t	t0, run;

	if (after_ms < MIN_MS || after_ms > MAX_MS)
		return -1;
	t0 = (floor_div(after_ms, 60000) + 1) * 60;
	if (tz == NULL)
		run = match_from(e, t0, INT64_MAX);
	else
		run = next_run(e, tz, t0);
	if (run == NONE)
		return -1;
	/*
	 * Never reached with the tz database's zones; it would take two
	 * offset changes within a day.  A run in the past would make a
	 * scheduler loop, so clamp rather than trust it.
	 */
	return (run < t0 ? t0 : run) * 1000;
}

/* Writes up to n next runs after after_ms into out; returns how many. */
int
cron_expr_next_n(const struct cron_expr *e, const struct cron_tz *tz,
    int64_t after_ms, int64_t *out, int n)
{
	int	i;

	for (i = 0; i < n; i++) {
		if ((after_ms = cron_expr_next(e, tz, after_ms)) == -1)
			break;
		out[i] = after_ms;
	}
	return i;
}
