/*
 * JSON helpers over json-c.  Parsing is strict, depth-bounded and UTF-8
 * checked, so a request body can never make a worker recurse or store bytes
 * that are not text.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

/*
 * Returns 1 if the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing past U+10FFFF), else 0.
 */
int
cron_utf8_valid(const char *str, size_t n)
{
	const unsigned char	*s = (const unsigned char *)str, *e = s + n;
	unsigned		 c, need, min;

	while (s < e) {
		c = *s++;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; min = 0x80; c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; min = 0x800; c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; min = 0x10000; c &= 0x07;
		} else
			return 0;
		if ((size_t)(e - s) < need)
			return 0;
		while (need-- > 0) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (*s++ & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/*
 * Returns the length of the well-formed UTF-8 sequence at s (1-4 bytes of
 * the n available), or 0 when it is ill-formed, with *bad set to the
 * length of its maximal subpart (Unicode 3.9, "U+FFFD substitution of
 * maximal subparts"), which is at least 1.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlongs */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* no overlongs */
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else
		return 0;
	for (i = 1; i <= need; i++, lo = 0x80, hi = 0xbf) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
	}
	return need + 1;
}

/*
 * Returns a NUL-terminated copy of the n bytes at s (owned) in which every
 * ill-formed UTF-8 sequence is replaced by U+FFFD, one for each maximal
 * subpart, as Python's "replace" and the WHATWG decoder do; *outlen gets
 * its length (NUL bytes in s are kept).
 */
char *
cron_utf8_repair(const char *str, size_t n, size_t *outlen)
{
	const unsigned char	*s = (const unsigned char *)str;
	char			*out, *o;
	size_t			 len, bad;

	/* at worst every byte becomes the 3 bytes of U+FFFD */
	o = out = xreallocarray(NULL, n + 1, 3);
	while (n > 0) {
		if ((len = utf8_seq(s, n, &bad)) > 0) {
			memcpy(o, s, len);
			o += len;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			len = bad;
		}
		s += len;
		n -= len;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/*
 * A strict RFC 8259 recognizer run before json-c, which even in strict mode
 * takes NaN, Infinity, "1.", "-01", single quotes and raw control bytes.
 * It is a loop over an explicit stack, so hostile nesting costs one byte
 * per level up to the bound and never recursion.
 */

/* What the recognizer expects next. */
enum jscan_want {
	JSCAN_VALUE,		/* a value */
	JSCAN_MEMBER,		/* a member name and ':' */
	JSCAN_NEXT,		/* ',', a close, or the end after the last value */
	JSCAN_DONE
};

struct jscan {
	const char	*text;
	size_t		 len;
	size_t		 pos;	/* next unread byte */
	char		*stack;	/* the closing byte of each open container */
	int		 open;	/* containers open */
	int		 depth;
	enum jscan_want	 want;
};

/* Skips JSON whitespace; returns the next byte, or -1 at the end. */
static int
jscan_peek(struct jscan *s)
{
	while (s->pos < s->len && (s->text[s->pos] == ' ' ||
	    s->text[s->pos] == '\t' || s->text[s->pos] == '\n' ||
	    s->text[s->pos] == '\r'))
		s->pos++;
	return s->pos < s->len ? (unsigned char)s->text[s->pos] : -1;
}

/* Consumes c if it is the next byte (no whitespace skipped); returns 1 if so. */
static int
jscan_eat(struct jscan *s, char c)
{
	if (s->pos == s->len || s->text[s->pos] != c)
		return 0;
	s->pos++;
	return 1;
}

/* Consumes a run of digits; returns how many. */
static size_t
jscan_digits(struct jscan *s)
{
	size_t	start = s->pos;

	while (s->pos < s->len && s->text[s->pos] >= '0' &&
	    s->text[s->pos] <= '9')
		s->pos++;
	return s->pos - start;
}

/*
 * Consumes -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; returns 0, or -1.
 * What follows is left to the caller, so "01" fails there, not here.
 */
static int
jscan_number(struct jscan *s)
{
	jscan_eat(s, '-');
	if (!jscan_eat(s, '0') && jscan_digits(s) == 0)
		return -1;
	if (jscan_eat(s, '.') && jscan_digits(s) == 0)
		return -1;
	if (jscan_eat(s, 'e') || jscan_eat(s, 'E')) {
		if (!jscan_eat(s, '+'))
			jscan_eat(s, '-');
		if (jscan_digits(s) == 0)
			return -1;
	}
	return 0;
}

/* Consumes lit exactly; returns 0, or -1.  "truex" fails at the caller. */
static int
jscan_literal(struct jscan *s, const char *lit)
{
	size_t	n = strlen(lit);

	if (s->len - s->pos < n || memcmp(s->text + s->pos, lit, n) != 0)
		return -1;
	s->pos += n;
	return 0;
}

/*
 * Consumes the escape after a backslash; returns 0, or -1.  Lone surrogate
 * escapes are valid RFC 8259 grammar, so \uXXXX is checked for form only,
 * except \u0000, refused by policy: every string ends up as a C string
 * (a URL "https://a\u0000.evil" would silently become "https://a").
 */
static int
jscan_escape(struct jscan *s)
{
	int	i;

	if (s->pos == s->len)
		return -1;
	if (memchr("\"\\/bfnrt", s->text[s->pos], 8) != NULL) {
		s->pos++;
		return 0;
	}
	if (!jscan_eat(s, 'u'))
		return -1;
	for (i = 0; i < 4; i++, s->pos++)
		if (s->pos == s->len ||
		    !isxdigit((unsigned char)s->text[s->pos]))
			return -1;
	return memcmp(s->text + s->pos - 4, "0000", 4) == 0 ? -1 : 0;
}

/*
 * Consumes a string, opening quote included; returns 0, or -1.  Bytes of
 * 0x80 and up pass: cron_utf8_valid has judged them already.
 */
static int
jscan_string(struct jscan *s)
{
	unsigned char	c;

	if (!jscan_eat(s, '"'))
		return -1;
	while (s->pos < s->len) {
		c = (unsigned char)s->text[s->pos++];
		if (c == '"')
			return 0;
		if (c < 0x20 || (c == '\\' && jscan_escape(s) == -1))
			return -1;
	}
	return -1;
}

/* Consumes one scalar value; returns 0, or -1. */
static int
jscan_scalar(struct jscan *s, int c)
{
	switch (c) {
	case '"':
		return jscan_string(s);
	case 't':
		return jscan_literal(s, "true");
	case 'f':
		return jscan_literal(s, "false");
	case 'n':
		return jscan_literal(s, "null");
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return jscan_number(s);
	default:
		return -1;
	}
}

/*
 * Starts a value: consumes a whole scalar, or opens a container.  An empty
 * container is closed here, so that no other state accepts a close where
 * a value or member is due, which is what keeps "[1,]" out.
 */
static enum cron_json_err
jscan_value(struct jscan *s)
{
	int	c;

	if ((c = jscan_peek(s)) == -1)
		return CRON_JSON_SYNTAX;
	/* json-c counts every value, scalars too, and checks before the byte. */
	if (s->open >= s->depth)
		return CRON_JSON_DEPTH;
	s->want = JSCAN_NEXT;
	if (c != '[' && c != '{')
		return jscan_scalar(s, c) == 0 ? CRON_JSON_OK : CRON_JSON_SYNTAX;
	s->pos++;
	s->stack[s->open++] = c == '[' ? ']' : '}';
	if (jscan_peek(s) == s->stack[s->open - 1]) {
		s->pos++;
		s->open--;
	} else
		s->want = c == '[' ? JSCAN_VALUE : JSCAN_MEMBER;
	return CRON_JSON_OK;
}

/* Consumes a member name and its ':'. */
static enum cron_json_err
jscan_member(struct jscan *s)
{
	if (jscan_peek(s) != '"' || jscan_string(s) == -1 ||
	    jscan_peek(s) != ':')
		return CRON_JSON_SYNTAX;
	s->pos++;
	s->want = JSCAN_VALUE;
	return CRON_JSON_OK;
}

/* After a value: a comma, the innermost close, or (at top level) the end. */
static enum cron_json_err
jscan_next(struct jscan *s)
{
	int	c = jscan_peek(s);

	if (s->open == 0) {
		s->want = JSCAN_DONE;
		return c == -1 ? CRON_JSON_OK : CRON_JSON_SYNTAX;
	}
	if (c == ',') {
		s->pos++;
		s->want = s->stack[s->open - 1] == '}' ? JSCAN_MEMBER :
		    JSCAN_VALUE;
		return CRON_JSON_OK;
	}
	if (c != s->stack[s->open - 1])
		return CRON_JSON_SYNTAX;
	s->pos++;
	s->open--;
	return CRON_JSON_OK;
}

/*
 * Returns CRON_JSON_OK if the len bytes at text are exactly one RFC 8259
 * value nested at most depth deep as json-c counts it (a value may sit in
 * depth - 1 containers), else the first problem met.  UTF-8 is not
 * checked; that is cron_utf8_valid's job.
 */
enum cron_json_err
cron_json_check(const char *text, size_t len, int depth)
{
	struct jscan		s;
	enum cron_json_err	rc = CRON_JSON_OK;

	memset(&s, 0, sizeof(s));
	s.text = text;
	s.len = len;
	s.depth = depth;
	s.want = JSCAN_VALUE;
	if (depth > 0)
		s.stack = xmalloc((size_t)depth);
	/* Every step consumes a byte or finishes, so this is linear. */
	while (rc == CRON_JSON_OK && s.want != JSCAN_DONE) {
		if (s.want == JSCAN_VALUE)
			rc = jscan_value(&s);
		else if (s.want == JSCAN_MEMBER)
			rc = jscan_member(&s);
		else
			rc = jscan_next(&s);
	}
	free(s.stack);
	return rc;
}

/*
 * Parses len bytes of text as one JSON value nested at most depth deep.
 * On success *out is an owned object (json_object_put it), NULL for the
 * JSON literal null; on error *out is NULL and the cause is returned.
 */
enum cron_json_err
cron_json_parse(const char *text, size_t len, int depth,
    struct json_object **out)
{
	struct json_tokener	*tok;
	enum json_tokener_error	 jerr;
	enum cron_json_err	 rc = CRON_JSON_OK;
	size_t			 end;

	*out = NULL;
	if (!cron_utf8_valid(text, len))
		return CRON_JSON_UTF8;
	/* json-c alone is not strict enough; it only ever sees valid JSON. */
	if ((rc = cron_json_check(text, len, depth)) != CRON_JSON_OK)
		return rc;
	if ((tok = json_tokener_new_ex(depth)) == NULL)
		fatalx("json_tokener_new_ex");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if ((jerr = json_tokener_get_error(tok)) == json_tokener_continue) {
		/* A bare number or literal ends only at the end of input. */
		*out = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	if (jerr == json_tokener_success && end < len)
		rc = CRON_JSON_SYNTAX;	/* trailing bytes after the value */
	else if (jerr == json_tokener_error_depth)
		rc = CRON_JSON_DEPTH;
	else if (jerr == json_tokener_error_parse_utf8_string)
		rc = CRON_JSON_UTF8;
	else if (jerr != json_tokener_success)
		rc = CRON_JSON_SYNTAX;
	json_tokener_free(tok);
	if (rc != CRON_JSON_OK) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

const char *
cron_json_errstr(enum cron_json_err e)
{
	static const char *const s[CRON_JSON_ERR__MAX] = {
		[CRON_JSON_OK] = "ok",
		[CRON_JSON_SYNTAX] = "request body is not valid JSON",
		[CRON_JSON_DEPTH] = "JSON is nested too deeply",
		[CRON_JSON_UTF8] = "request body is not valid UTF-8",
	};

	return e < CRON_JSON_ERR__MAX ? s[e] : "unknown";
}

/* Returns the string member key of o (borrowed), or NULL if absent/not a string. */
const char *
cron_json_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Sets *v to integer member key; returns 0, or -1 if absent or not an integer. */
int
cron_json_int(struct json_object *o, const char *key, int64_t *v)
{
	struct json_object	*m;

	if (!json_object_object_get_ex(o, key, &m) ||
	    !json_object_is_type(m, json_type_int))
		return -1;
	*v = json_object_get_int64(m);
	return 0;
}

int
cron_json_bool(struct json_object *o, const char *key, int *v)
{
	struct json_object	*m;

	if (!json_object_object_get_ex(o, key, &m) ||
	    !json_object_is_type(m, json_type_boolean))
		return -1;
	*v = json_object_get_boolean(m);
	return 0;
}

/* Adds key: s, or key: null when s is NULL. */
void
cron_json_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key,
	    s != NULL ? json_object_new_string(s) : NULL);
}

void
cron_json_add_int(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* Adds key as an ISO 8601 time, or null when ms is negative (unset). */
void
cron_json_add_time(struct json_object *o, const char *key, int64_t ms)
{
	char	buf[CRON_TIME_LEN + 1];

	if (ms < 0 || cron_time_fmt(ms, buf) == -1) {
		json_object_object_add(o, key, NULL);
		return;
	}
	json_object_object_add(o, key, json_object_new_string(buf));
}

/* Returns o serialised compactly (borrowed; lives as long as o). */
const char *
cron_json_text(struct json_object *o, size_t *len)
{
	return json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}
