/*
 * JSON helpers over json-c.  Parsing is strict, depth-bounded and UTF-8
 * checked, so a request body can never make a worker recurse or store bytes
 * that are not text.
 */
#include "config.h"

#include <string.h>

#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

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
	if (memchr(text, '\0', len) != NULL)
		return CRON_JSON_SYNTAX;
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
