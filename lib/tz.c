/*
 * Time zones from TZif files (RFC 8536, version 2 and later) and the POSIX
 * TZ string in their footer, without TZ, tzset() or localtime().
 *
 * A loaded zone keeps only the transitions that change the UTC offset
 * (abbreviation and isdst changes do not matter to a scheduler), as a
 * sorted array of (instant, offset from then on), the offset before the
 * first of them, and the footer rule for instants after the file's last
 * transition.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timefmt.h"
#include "tz.h"
#include "xmalloc.h"

#define TZ_FILE_MAX	(256 * 1024)	/* largest TZif file we read */
#define TZ_TRANS_MAX	10000		/* most transitions we accept */
#define TZ_OFF_MAX	86399		/* |offset| must stay below a day */
#define TZ_T_LIMIT	(INT64_C(1) << 50)	/* instants are clamped here */
#define TZ_DEFAULT_DST	3600		/* DST offset when the string has none */
#define TZ_DEFAULT_TIME	7200		/* rule time when the string has none */

/* A rule date of a POSIX TZ string: Jn, n or Mm.w.d. */
struct tz_date {
	char	kind;		/* 'J', 'D' (zero-based n) or 'M' */
	int	n;		/* day for J (1-365) and D (0-365) */
	int	m, w, d;	/* month 1-12, week 1-5, weekday 0-6 for M */
	int32_t	time;		/* seconds after local midnight, may be <0 */
};

/* The footer: standard offset, and DST with its start and end dates. */
struct tz_rule {
	int		has_dst;
	int32_t		std_off, dst_off;	/* seconds east of UTC */
	struct tz_date	start, end;
};

struct cron_tz {
	char		 name[CRON_TZ_NAME_MAX + 1];
	size_t		 ntrans;
	int64_t		*trans;		/* instants where the offset changes */
	int32_t		*trans_off;	/* offset from trans[i] on */
	int32_t		 off0;		/* offset before trans[0] */
	int		 has_rule;	/* footer applies after rule_from */
	int64_t		 rule_from;	/* the file's last transition */
	struct tz_rule	 rule;
};

/* One rule event of a year: an instant and the offset from it on. */
struct tz_event {
	int64_t	at;
	int32_t	off;
};

static struct {
	struct cron_tz	*tz;
	uint64_t	 used;
} cache[CRON_TZ_CACHE_SIZE];
static uint64_t	cache_clock;

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

/* Returns 1 if name is 1-64 chars of [A-Za-z0-9/_+-] with no empty part. */
int
cron_tz_valid_name(const char *name)
{
	size_t	i;

	if (name == NULL || name[0] == '\0' || name[0] == '/')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= CRON_TZ_NAME_MAX)
			return 0;
		if ((name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '+' || name[i] == '-')
			continue;
		if (name[i] != '/' || name[i + 1] == '/' || name[i + 1] == '\0')
			return 0;
	}
	return 1;
}

/* ---- POSIX TZ strings (the TZif footer) -------------------------------- */

/* Reads an unsigned decimal of at most 3 digits at *p; -1 if none. */
static int
num(const char **p, int *v)
{
	int	n = 0;

	*v = 0;
	while (**p >= '0' && **p <= '9' && n < 3) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n == 0 || (**p >= '0' && **p <= '9') ? -1 : 0;
}

/* Reads [+-]h[:mm[:ss]] with h <= hmax into *secs; -1 if malformed. */
static int
hms(const char **p, int hmax, int32_t *secs)
{
	int	sign = 1, h, m = 0, s = 0;

	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	if (num(p, &h) == -1 || h > hmax)
		return -1;
	if (**p == ':') {
		(*p)++;
		if (num(p, &m) == -1 || m > 59)
			return -1;
		if (**p == ':') {
			(*p)++;
			if (num(p, &s) == -1 || s > 59)
				return -1;
		}
	}
	*secs = sign * (h * 3600 + m * 60 + s);
	return 0;
}

/* Skips a zone abbreviation (letters, or <...>); -1 if there is none. */
static int
abbr(const char **p)
{
	const char	*s = *p;

	if (*s == '<') {
		while (*++s != '>')
			if (*s == '\0')
				return -1;
		if (s == *p + 1)
			return -1;
		*p = s + 1;
		return 0;
	}
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	if (s == *p)
		return -1;
	*p = s;
	return 0;
}

/* Reads a rule date with an optional /time; -1 if malformed. */
static int
rule_date(const char **p, struct tz_date *dt)
{
	memset(dt, 0, sizeof(*dt));
	dt->time = TZ_DEFAULT_TIME;
	if (**p == 'M') {
		dt->kind = 'M';
		(*p)++;
		if (num(p, &dt->m) == -1 || dt->m < 1 || dt->m > 12 ||
		    *(*p)++ != '.' || num(p, &dt->w) == -1 || dt->w < 1 ||
		    dt->w > 5 || *(*p)++ != '.' || num(p, &dt->d) == -1 ||
		    dt->d > 6)
			return -1;
	} else if (**p == 'J') {
		dt->kind = 'J';
		(*p)++;
		if (num(p, &dt->n) == -1 || dt->n < 1 || dt->n > 365)
			return -1;
	} else {
		dt->kind = 'D';
		if (num(p, &dt->n) == -1 || dt->n > 365)
			return -1;
	}
	if (**p == '/') {
		(*p)++;
		return hms(p, 167, &dt->time);
	}
	return 0;
}

/*
 * Parses a POSIX TZ string such as "EST5EDT,M3.2.0,M11.1.0" into *r.
 * POSIX offsets count west, so they are negated.  Returns 0 or -1.
 */
static int
rule_parse(const char *s, struct tz_rule *r)
{
	int32_t	off;

	memset(r, 0, sizeof(*r));
	if (abbr(&s) == -1 || hms(&s, 24, &off) == -1)
		return -1;
	r->std_off = -off;
	if (*s == '\0')
		return 0;
	if (abbr(&s) == -1)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + TZ_DEFAULT_DST;
	if (*s != ',' && *s != '\0') {
		if (hms(&s, 24, &off) == -1)
			return -1;
		r->dst_off = -off;
	}
	/* zic always writes the rule; without one there is nothing to apply. */
	if (*s++ != ',' || rule_date(&s, &r->start) == -1 || *s++ != ',' ||
	    rule_date(&s, &r->end) == -1 || *s != '\0')
		return -1;
	return 0;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
month_days(int64_t y, unsigned m)
{
	static const unsigned char	dm[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 ? 28 + (unsigned)is_leap(y) : dm[m - 1];
}

/* Returns the day (since the epoch) a rule date falls on in year y. */
static int64_t
rule_day(const struct tz_date *dt, int64_t y)
{
	int64_t	first;
	int	wd, day;

	if (dt->kind == 'J')
		return cron_days_from_civil(y, 1, 1) + dt->n - 1 +
		    (is_leap(y) && dt->n >= 60);
	if (dt->kind == 'D')
		return cron_days_from_civil(y, 1, 1) + dt->n;
	first = cron_days_from_civil(y, (unsigned)dt->m, 1);
	wd = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
	day = 1 + (dt->d - wd + 7) % 7 + 7 * (dt->w - 1);
	while (day > (int)month_days(y, (unsigned)dt->m))
		day -= 7;
	return first + day - 1;
}

/*
 * Fills ev[0..5] with the DST start and end instants of years y-1..y+1 in
 * time order (ties keep year order, so an end and the next year's start
 * at the same instant, as in all-year DST, leave DST in effect).
 */
static void
rule_events(const struct tz_rule *r, int64_t y, struct tz_event ev[6])
{
	struct tz_event	tmp;
	int		i, j;

	for (i = 0; i < 3; i++) {
		ev[2 * i].at = rule_day(&r->start, y - 1 + i) * 86400 +
		    r->start.time - r->std_off;
		ev[2 * i].off = r->dst_off;
		ev[2 * i + 1].at = rule_day(&r->end, y - 1 + i) * 86400 +
		    r->end.time - r->dst_off;
		ev[2 * i + 1].off = r->std_off;
	}
	for (i = 1; i < 6; i++)		/* insertion sort, stable */
		for (j = i; j > 0 && ev[j - 1].at > ev[j].at; j--) {
			tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
}

/* The year (of the standard-time calendar) that instant t falls in. */
static int64_t
rule_year(const struct tz_rule *r, int64_t t)
{
	int64_t		y, secs;
	unsigned	m, d;

	secs = t + r->std_off;
	cron_civil_from_days(secs >= 0 ? secs / 86400 :
	    -((-secs + 86399) / 86400), &y, &m, &d);
	return y;
}

/*
 * Finds the latest rule event at or before t; returns its index in ev or
 * -1 if none (ev filled by rule_events()).
 */
static int
rule_latest(const struct tz_rule *r, int64_t t, struct tz_event ev[6])
{
	int	i;

	rule_events(r, rule_year(r, t), ev);
	for (i = 5; i >= 0; i--)
		if (ev[i].at <= t)
			return i;
	return -1;
}

/* ---- TZif files -------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The six counts of a TZif header. */
struct tzif_hdr {
	uint32_t	isut, isstd, leap, time, type, chars;
};

/* Reads a header at buf[off]; returns 0, or -1 if short or not TZif. */
static int
tzif_hdr(const unsigned char *buf, size_t len, size_t off,
    struct tzif_hdr *h)
{
	if (len < 44 || off > len - 44 || memcmp(buf + off, "TZif", 4) != 0)
		return -1;
	h->isut = be32(buf + off + 20);
	h->isstd = be32(buf + off + 24);
	h->leap = be32(buf + off + 28);
	h->time = be32(buf + off + 32);
	h->type = be32(buf + off + 36);
	h->chars = be32(buf + off + 40);
	if (h->time > TZ_TRANS_MAX || h->type == 0 || h->type > 256 ||
	    h->chars > 65536 || h->leap > 65536 ||
	    (h->isut != 0 && h->isut != h->type) ||
	    (h->isstd != 0 && h->isstd != h->type))
		return -1;
	return 0;
}

/* Size of a data block with t-byte times and l-byte leap records. */
static size_t
tzif_size(const struct tzif_hdr *h, size_t t, size_t l)
{
	return h->time * t + h->time + h->type * 6 + h->chars + h->leap * l +
	    h->isstd + h->isut;
}

/* Appends a transition to tz if it changes the offset. */
static void
add_trans(struct cron_tz *tz, int64_t at, int32_t off)
{
	int32_t	prev;

	prev = tz->ntrans > 0 ? tz->trans_off[tz->ntrans - 1] : tz->off0;
	if (off == prev)
		return;
	tz->trans[tz->ntrans] = at;
	tz->trans_off[tz->ntrans++] = off;
}

/* Reads the time types of a v2+ block at p; -1 if an offset is absurd. */
static int
tzif_types(const unsigned char *p, const struct tzif_hdr *h, int32_t *offs)
{
	uint32_t	i;

	for (i = 0; i < h->type; i++) {
		offs[i] = (int32_t)be32(p + 6 * i);
		if (offs[i] < -TZ_OFF_MAX || offs[i] > TZ_OFF_MAX)
			return -1;
	}
	return 0;
}

/*
 * Parses the footer at p (before end): "\n" TZ-string "\n", where an
 * empty string means no rule.  Returns 0, or -1 with a message in err.
 */
static int
tzif_footer(const unsigned char *p, const unsigned char *end,
    struct cron_tz *tz, char *err, size_t errlen)
{
	char	footer[256];
	size_t	n;

	if (p >= end || *p++ != '\n')
		goto bad;
	for (n = 0; p + n < end && p[n] != '\n'; n++)
		if (n >= sizeof(footer) - 1)
			goto bad;
	if (p + n >= end)
		goto bad;
	memcpy(footer, p, n);
	footer[n] = '\0';
	if (n == 0)
		return 0;
	if (rule_parse(footer, &tz->rule) == -1) {
		seterr(err, errlen, "bad TZ string \"%s\"", footer);
		return -1;
	}
	tz->has_rule = 1;
	return 0;
bad:
	seterr(err, errlen, "not a valid TZif file");
	return -1;
}

/*
 * Parses the v2+ data block and footer of a TZif file into tz.  Returns 0,
 * or -1 with a message in err.
 */
static int
tzif_parse(const unsigned char *buf, size_t len, struct cron_tz *tz,
    char *err, size_t errlen)
{
	struct tzif_hdr		 h;
	const unsigned char	*p;
	int32_t			 offs[256];
	size_t			 off, i;
	int64_t			 t, last = INT64_MIN;

	if (tzif_hdr(buf, len, 0, &h) == -1)
		goto bad;
	if (buf[4] < '2') {
		seterr(err, errlen, "TZif version 1 is not supported");
		return -1;
	}
	off = 44 + tzif_size(&h, 4, 8);
	if (tzif_hdr(buf, len, off, &h) == -1)
		goto bad;
	if (h.leap != 0) {
		seterr(err, errlen, "leap-second zones are not supported");
		return -1;
	}
	if (len - off - 44 < tzif_size(&h, 8, 12))
		goto bad;
	p = buf + off + 44;
	if (tzif_types(p + h.time * 9, &h, offs) == -1)
		goto bad;
	tz->off0 = offs[0];
	tz->trans = xcalloc(h.time + 1, sizeof(*tz->trans));
	tz->trans_off = xcalloc(h.time + 1, sizeof(*tz->trans_off));
	for (i = 0; i < h.time; i++) {
		t = be64(p + 8 * i);
		if (t <= last || p[h.time * 8 + i] >= h.type)
			goto bad;
		add_trans(tz, t, offs[p[h.time * 8 + i]]);
		last = t;
	}
	tz->rule_from = last;
	return tzif_footer(p + tzif_size(&h, 8, 12), buf + len, tz, err,
	    errlen);
bad:
	seterr(err, errlen, "not a valid TZif file");
	return -1;
}

/* Reads the whole regular file at path; NULL with err set on failure. */
static unsigned char *
slurp(const char *path, const char *name, size_t *len, char *err,
    size_t errlen)
{
	struct stat	 st;
	unsigned char	*buf = NULL;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			seterr(err, errlen, "unknown time zone \"%s\"", name);
		else
			seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZ_FILE_MAX) {
		seterr(err, errlen, "unknown time zone \"%s\"", name);
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	*len = got;
out:
	close(fd);
	return buf;
}

/* Returns an owned zone for name, or NULL with a message in err. */
struct cron_tz *
cron_tz_load(const char *name, char *err, size_t errlen)
{
	struct cron_tz	*tz;
	unsigned char	*buf;
	const char	*dir;
	char		 path[4096];
	size_t		 len = 0;

	if (!cron_tz_valid_name(name)) {
		seterr(err, errlen, "invalid time zone name");
		return NULL;
	}
	tz = xcalloc(1, sizeof(*tz));
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	tz->rule_from = INT64_MIN;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
		return tz;
	if ((dir = getenv("TZDIR")) == NULL || dir[0] != '/')
		dir = CRON_TZ_DIR;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		seterr(err, errlen, "time zone directory path too long");
		cron_tz_free(tz);
		return NULL;
	}
	if ((buf = slurp(path, name, &len, err, errlen)) == NULL ||
	    tzif_parse(buf, len, tz, err, errlen) == -1) {
		free(buf);
		cron_tz_free(tz);
		return NULL;
	}
	free(buf);
	return tz;
}

void
cron_tz_free(struct cron_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->trans);
	free(tz->trans_off);
	free(tz);
}

/* Returns a cached zone (borrowed; see tz.h), or NULL with err set. */
const struct cron_tz *
cron_tz_get(const char *name, char *err, size_t errlen)
{
	struct cron_tz	*tz;
	size_t		 i, victim = 0;

	if (!cron_tz_valid_name(name)) {
		seterr(err, errlen, "invalid time zone name");
		return NULL;
	}
	for (i = 0; i < CRON_TZ_CACHE_SIZE; i++) {
		if (cache[i].tz != NULL &&
		    strcmp(cache[i].tz->name, name) == 0) {
			cache[i].used = ++cache_clock;
			return cache[i].tz;
		}
		if (cache[i].used < cache[victim].used)
			victim = i;
	}
	if ((tz = cron_tz_load(name, err, errlen)) == NULL)
		return NULL;
	cron_tz_free(cache[victim].tz);
	cache[victim].tz = tz;
	cache[victim].used = ++cache_clock;
	return tz;
}

/* Frees every cached zone; pointers from cron_tz_get() become invalid. */
void
cron_tz_cache_clear(void)
{
	size_t	i;

	for (i = 0; i < CRON_TZ_CACHE_SIZE; i++) {
		cron_tz_free(cache[i].tz);
		cache[i].tz = NULL;
		cache[i].used = 0;
	}
}

const char *
cron_tz_name(const struct cron_tz *tz)
{
	return tz->name;
}

/* ---- Queries ----------------------------------------------------------- */

static int64_t
clamp(int64_t t)
{
	return t < -TZ_T_LIMIT ? -TZ_T_LIMIT : t > TZ_T_LIMIT ? TZ_T_LIMIT : t;
}

/* Index of the last table transition at or before t, or -1. */
static ssize_t
table_find(const struct cron_tz *tz, int64_t t)
{
	size_t	lo = 0, hi = tz->ntrans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

/* Returns the UTC offset in seconds in effect at instant t. */
int64_t
cron_tz_offset(const struct cron_tz *tz, int64_t t)
{
	struct tz_event	ev[6];
	ssize_t		i;

	t = clamp(t);
	if (tz->has_rule && t > tz->rule_from) {
		if (!tz->rule.has_dst)
			return tz->rule.std_off;
		i = rule_latest(&tz->rule, t, ev);
		return i >= 0 ? ev[i].off : tz->rule.std_off;
	}
	i = table_find(tz, t);
	return i >= 0 ? tz->trans_off[i] : tz->off0;
}

/* The latest instant <= t where the table or the rule may change offset. */
static int
latest_event(const struct cron_tz *tz, int64_t t, int64_t *at)
{
	struct tz_event	ev[6];
	ssize_t		i;
	int		found = 0;

	if ((i = table_find(tz, t)) >= 0) {
		*at = tz->trans[i];
		found = 1;
	}
	if (tz->has_rule && tz->rule.has_dst && t > tz->rule_from &&
	    (i = rule_latest(&tz->rule, t, ev)) >= 0 &&
	    ev[i].at > tz->rule_from && (!found || ev[i].at > *at)) {
		*at = ev[i].at;
		found = 1;
	}
	return found ? 0 : -1;
}

/*
 * Finds the latest offset change at or before t: returns 0 with its
 * instant and the offsets before and from it, or -1 if there is none.
 */
int
cron_tz_transition(const struct cron_tz *tz, int64_t t, int64_t *at,
    int64_t *before, int64_t *after)
{
	int64_t	x, b, a;
	int	tries;

	t = clamp(t);
	for (tries = 0; tries < 8; tries++) {
		if (latest_event(tz, t, &x) == -1)
			return -1;
		b = cron_tz_offset(tz, x - 1);
		a = cron_tz_offset(tz, x);
		if (a != b) {
			*at = x;
			*before = b;
			*after = a;
			return 0;
		}
		t = x - 1;
	}
	return -1;
}

/* Adds candidate instant c for offset o to out[] if its offset is o. */
static void
candidate(const struct cron_tz *tz, int64_t local, int64_t o,
    int64_t c[4], int *n)
{
	int	i;

	if (cron_tz_offset(tz, local - o) != o)
		return;
	for (i = 0; i < *n; i++)
		if (c[i] == local - o)
			return;
	c[(*n)++] = local - o;
}

/*
 * Maps local civil seconds to instants; returns 0 (gap: out[0] is the
 * shifted instant), 1 or 2 (repeated: first and second occurrence).
 */
int
cron_tz_resolve(const struct cron_tz *tz, int64_t local, int64_t out[2])
{
	int64_t	c[4], ob, oa, tmp;
	int	n = 0, i, j;

	local = clamp(local);
	ob = cron_tz_offset(tz, local - 86400);
	oa = cron_tz_offset(tz, local + 86400);
	candidate(tz, local, ob, c, &n);
	candidate(tz, local, oa, c, &n);
	if (n == 0)
		candidate(tz, local, cron_tz_offset(tz, local), c, &n);
	if (n == 0) {
		out[0] = local - ob;
		return 0;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && c[j - 1] > c[j]; j--) {
			tmp = c[j];
			c[j] = c[j - 1];
			c[j - 1] = tmp;
		}
	out[0] = c[0];
	if (n == 1)
		return 1;
	out[1] = c[n - 1];
	return 2;
}
