/*
 * Unit tests for lib/template.c: secret:// substitution against a table of
 * secrets (one name asked for is missing from it).  The lookup stub counts
 * its calls and records the names asked for; every value it returns is a
 * fresh malloc'd buffer that cron_template_expand must wipe and free, which
 * `valgrind -q --error-exitcode=99 --leak-check=full` (make check-valgrind)
 * holds it to.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "template.h"
#include "xmalloc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define STRLEN(s)	(sizeof(s) - 1)

#define N16	"abcdefghijklmnop"
#define N64	N16 "0123456789ABCDEF" N16 "_.-_.-_.-_.-_.-Z"	/* 64 chars */
#define BIGLEN	1000

static char	bigval[BIGLEN + 1];	/* BIGLEN 'x', filled by main */

/* The secrets the stub knows; "nope" and "asecret" are not among them. */
static const struct {
	const char	*name;
	const char	*val;
	size_t		 len;
} secrets[] = {
	{ "a", "AAA", 3 },
	{ "b", "bee", 3 },
	{ "dsecret", "D", 1 },
	{ "A", "upper", 5 },
	{ "my.key-1_x", "dotted", 6 },
	{ "loop", "secret://a", 10 },
	{ "crlf", "x\r\nInjected: 1", 14 },
	{ "bin", "n\0ul", 4 },
	{ "void", "", 0 },
	{ N64, "sixty-four", 10 },
	{ "big", bigval, BIGLEN },
};

/* What the stub saw since stub_reset. */
struct stub {
	int	calls;
	int	badname;	/* names asked for that are empty or too long */
	char	asked[512];	/* the names asked for, comma-separated */
};

static void
stub_reset(struct stub *st)
{
	memset(st, 0, sizeof(*st));
}

/* The lookup: an owned copy of the value, or NULL for an unknown name. */
static char *
stub_lookup(const char *name, size_t *len, void *arg)
{
	struct stub	*st = arg;
	char		*p;
	size_t		 i, n = strlen(name);

	st->calls++;
	if (n == 0 || n > CRON_TEMPLATE_NAMEMAX)
		st->badname++;
	if (st->asked[0] != '\0')
		strncat(st->asked, ",", sizeof(st->asked) - strlen(st->asked) - 1);
	strncat(st->asked, name, sizeof(st->asked) - strlen(st->asked) - 1);
	for (i = 0; i < NELEM(secrets); i++) {
		if (strcmp(secrets[i].name, name) != 0)
			continue;
		p = xmalloc(secrets[i].len + 1);
		memcpy(p, secrets[i].val, secrets[i].len);
		p[secrets[i].len] = '\0';
		*len = secrets[i].len;
		return p;
	}
	return NULL;
}

static const struct {
	const char	*desc;
	const char	*in;
	const char	*want;
	size_t		 wantlen;	/* 0: strlen(want) */
	const char	*asked;		/* names looked up, in order */
} cases[] = {
	/* none, one, many */
	{ "none", "Bearer abc", "Bearer abc", 0, "" },
	{ "one", "Bearer secret://a", "Bearer AAA", 0, "a" },
	{ "many", "secret://a:secret://b;secret://my.key-1_x",
	  "AAA:bee;dotted", 0, "a,b,my.key-1_x" },
	{ "same twice", "secret://a secret://a", "AAA AAA", 0, "a,a" },
	{ "case of the name matters", "secret://A secret://a", "upper AAA", 0,
	  "A,a" },
	/* missing */
	{ "missing", "x secret://nope y", "x secret://nope y", 0, "nope" },
	{ "missing between found", "secret://a secret://nope secret://b",
	  "AAA secret://nope bee", 0, "a,nope,b" },
	/*
	 * Adjacent with no separator: the name is the longest run, so the
	 * first name is "asecret" and what follows, "://b", is no reference.
	 */
	{ "adjacent, no separator, first missing", "secret://asecret://b",
	  "secret://asecret://b", 0, "asecret" },
	{ "adjacent, no separator, first found", "secret://dsecret://b",
	  "D://b", 0, "dsecret" },
	{ "adjacent, '/' between", "secret://a/secret://b", "AAA/bee", 0,
	  "a,b" },
	{ "adjacent, ':' between", "secret://a:secret://b", "AAA:bee", 0,
	  "a,b" },
	/* at start, at end, the whole value */
	{ "at start", "secret://a tail", "AAA tail", 0, "a" },
	{ "at end", "head secret://b", "head bee", 0, "b" },
	{ "whole value", "secret://a", "AAA", 0, "a" },
	{ "name ends at '!'", "secret://a!", "AAA!", 0, "a" },
	{ "trailing '.' is part of the name", "secret://my.key-1_x.",
	  "secret://my.key-1_x.", 0, "my.key-1_x." },
	/* similar prefixes */
	{ "secret:/x", "secret:/a", "secret:/a", 0, "" },
	{ "secret:x", "secret:a", "secret:a", 0, "" },
	{ "secret//x", "secret//a", "secret//a", 0, "" },
	{ "secret:://x", "secret:://a", "secret:://a", 0, "" },
	{ "secrets://x", "secrets://a", "secrets://a", 0, "" },
	{ "Secret://x", "Secret://a", "Secret://a", 0, "" },
	{ "SECRET://x", "SECRET://a", "SECRET://a", 0, "" },
	{ "xsecret://a is a reference", "xsecret://a", "xAAA", 0, "a" },
	{ "secret:/ then secret://", "secret:/secret://a", "secret:/AAA", 0,
	  "a" },
	/* name length */
	{ "name of 64", "<secret://" N64 ">", "<sixty-four>", 0, N64 },
	{ "name of 65 (not truncated)", "secret://" N64 "x",
	  "secret://" N64 "x", 0, "" },
	{ "name of 65 then one", "secret://" N64 "x secret://a",
	  "secret://" N64 "x AAA", 0, "a" },
	/* empty name */
	{ "empty name at end", "secret://", "secret://", 0, "" },
	{ "empty name, space", "secret:// a", "secret:// a", 0, "" },
	{ "empty name then one", "secret:///secret://a", "secret:///AAA", 0,
	  "a" },
	{ "name 'secret' is a name", "secret://secret://a",
	  "secret://secret://a", 0, "secret" },
	/* values inserted verbatim and not scanned again */
	{ "value holds secret://", "secret://loop", "secret://a", 0, "loop" },
	{ "value holds CR LF", "secret://crlf", "x\r\nInjected: 1", 0,
	  "crlf" },
	{ "value holds NUL", "<secret://bin>", "<n\0ul>", 6, "bin" },
	{ "value is empty", "[secret://void]", "[]", 0, "void" },
	/* empty input */
	{ "empty value", "", "", 0, "" },
};

static void
test_cases(void)
{
	struct stub	 st;
	char		*out;
	size_t		 i, outlen, wantlen;

	for (i = 0; i < NELEM(cases); i++) {
		wantlen = cases[i].wantlen ? cases[i].wantlen :
		    strlen(cases[i].want);
		stub_reset(&st);
		outlen = 12345;
		out = cron_template_expand(cases[i].in, stub_lookup, &st,
		    4096, &outlen);
		if (!ok(out != NULL, "%s: expanded", cases[i].desc))
			continue;
		is_int(outlen, wantlen, "%s: length", cases[i].desc);
		ok(outlen == wantlen &&
		    memcmp(out, cases[i].want, wantlen) == 0 &&
		    out[outlen] == '\0', "%s: bytes, NUL-terminated",
		    cases[i].desc);
		if (cases[i].wantlen == 0)
			is_str(out, cases[i].want, "%s: text", cases[i].desc);
		is_str(st.asked, cases[i].asked, "%s: names asked for",
		    cases[i].desc);
		is_int(st.badname, 0, "%s: no empty or long name asked for",
		    cases[i].desc);
		xfreezero(out, outlen + 1);
	}
}

/* Expands in with maxlen; checks the result (want NULL: refused). */
static void
check_max(const char *desc, const char *in, size_t maxlen, const char *want,
    int calls)
{
	struct stub	 st;
	char		*out;
	size_t		 outlen = 12345;

	stub_reset(&st);
	out = cron_template_expand(in, stub_lookup, &st, maxlen, &outlen);
	if (want == NULL) {
		ok(out == NULL, "%s: refused", desc);
		is_int(outlen, 0, "%s: length 0", desc);
	} else {
		is_str(out, want, "%s", desc);
		is_int(outlen, strlen(want), "%s: length", desc);
	}
	is_int(st.calls, calls, "%s: lookups", desc);
	if (out != NULL)
		xfreezero(out, outlen + 1);
}

static void
test_maxlen(void)
{
	check_max("secret fits exactly", "secret://a", 3, "AAA", 1);
	check_max("secret one byte over", "secret://a", 2, NULL, 1);
	check_max("literal fits exactly", "abcdef", 6, "abcdef", 0);
	check_max("literal one byte over", "abcdef", 5, NULL, 0);
	check_max("empty in maxlen 0", "", 0, "", 0);
	check_max("missing literal fits", "secret://nope", 13,
	    "secret://nope", 1);
	check_max("missing literal over", "secret://nope", 12, NULL, 1);
	check_max("over on the second secret", "secret://a secret://b", 5,
	    NULL, 2);
	check_max("over after the last secret", "secret://a tail", 5, NULL,
	    1);
	check_max("maxlen SIZE_MAX", "x secret://a", SIZE_MAX, "x AAA", 1);
}

/* Fifty 1000-byte secrets: the buffer grows well past the input's size. */
static void
test_growth(void)
{
	struct stub	 st;
	char		*in, *want, *out;
	size_t		 i, outlen, wantlen;

	in = xmalloc(50 * 13 + 1);
	want = xmalloc(50 * (BIGLEN + 1) + 1);
	in[0] = want[0] = '\0';
	for (i = 0; i < 50; i++) {
		strcat(in, "secret://big ");
		strcat(want, bigval);
		strcat(want, " ");
	}
	wantlen = strlen(want);

	stub_reset(&st);
	out = cron_template_expand(in, stub_lookup, &st, wantlen, &outlen);
	ok(out != NULL && outlen == wantlen && strcmp(out, want) == 0,
	    "50 x 1000-byte secret");
	is_int(st.calls, 50, "50 x 1000-byte secret: lookups");
	if (out != NULL)
		xfreezero(out, outlen + 1);

	stub_reset(&st);
	out = cron_template_expand(in, stub_lookup, &st, wantlen - 1, &outlen);
	ok(out == NULL, "50 x 1000-byte secret, one byte over: refused");
	is_int(st.calls, 50, "50 x 1000-byte secret, one byte over: lookups");

	free(in);
	free(want);
}

static const struct {
	const char	*desc;
	const char	*in;
	size_t		 max;
	const char	*want;		/* the names, comma-separated */
} name_cases[] = {
	{ "none", "Bearer abc", 8, "" },
	{ "empty value", "", 8, "" },
	{ "duplicates and invalid ones",
	  "secret://b secret://a secret://b xsecret://a secret://nope "
	  "secret:// Secret://c secret:/d secret://" N64 "x secret://" N64,
	  8, "b,a,nope," N64 },
	{ "up to max", "secret://b secret://a secret://b secret://c", 2,
	  "b,a" },
	{ "max 0", "secret://a", 0, "" },
	{ "case of the name matters", "secret://A secret://a", 8, "A,a" },
	{ "adjacent", "secret://asecret://b", 8, "asecret" },
	{ "adjacent, separated", "secret://a/secret://b", 8, "a,b" },
};

static void
test_names(void)
{
	char	*names[8], got[512];
	size_t	 i, j, n;

	for (i = 0; i < NELEM(name_cases); i++) {
		n = cron_template_names(name_cases[i].in, names,
		    name_cases[i].max);
		got[0] = '\0';
		for (j = 0; j < n; j++) {
			if (j > 0)
				strcat(got, ",");
			strcat(got, names[j]);
			free(names[j]);
		}
		ok(n <= name_cases[i].max, "names, %s: within max",
		    name_cases[i].desc);
		is_str(got, name_cases[i].want, "names, %s",
		    name_cases[i].desc);
	}
}

int
main(void)
{
	memset(bigval, 'x', BIGLEN);
	test_cases();
	test_maxlen();
	test_growth();
	test_names();
	return done_testing();
}
