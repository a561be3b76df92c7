/*
 * Input validation before a handler acts: each endpoint declares its
 * fields (name, type, required, bounds, check) and the body is checked as
 * a whole.  Every bad field is reported in details.fields with a reason,
 * and a field the endpoint does not declare is rejected, so mass
 * assignment is impossible.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "id.h"
#include "jsonutil.h"
#include "timefmt.h"
#include "tz.h"
#include "xmalloc.h"

/* Returns the number of characters (code points) of valid UTF-8 s. */
size_t
api_utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Returns NULL if v is a valid value for f, else the reason. */
static const char *
check_field(const struct api_field *f, struct json_object *v)
{
	const char	*s;
	size_t		 n;
	int64_t		 i;

	switch (f->type) {
	case API_F_STRING:
		if (!json_object_is_type(v, json_type_string))
			return "must be a string";
		s = json_object_get_string(v);
		n = api_utf8_chars(s);
		if ((long long)n < f->min)
			return f->min <= 1 ? "must not be empty" : "is too short";
		if ((long long)n > f->max)
			return "is too long";
		return f->check != NULL ? f->check(s) : NULL;
	case API_F_INT:
		if (!json_object_is_type(v, json_type_int))
			return "must be an integer";
		i = json_object_get_int64(v);
		return i < f->min || i > f->max ? "is out of range" : NULL;
	case API_F_BOOL:
		return json_object_is_type(v, json_type_boolean) ? NULL :
		    "must be true or false";
	case API_F_OBJECT:
		return json_object_is_type(v, json_type_object) ? NULL :
		    "must be an object";
	case API_F_ANY:
		return NULL;
	default:
		return "is not accepted";
	}
}

/*
 * Adds "prefix.name": why to fields (just "name" without a prefix), unless
 * that field already has a reason: the first problem found is reported.
 */
void
api_field_bad(struct json_object *fields, const char *prefix,
    const char *name, const char *why)
{
	char	*key;

	key = prefix != NULL ? xasprintf("%s.%s", prefix, name) :
	    xstrdup(name);
	if (!json_object_object_get_ex(fields, key, NULL))
		cron_json_add_str(fields, key, why);
	free(key);
}

/*
 * Checks the members of object obj against the n declared fields: every
 * member must be declared and valid, every required field present.  Each
 * problem goes to fields as "prefix.name": reason.
 */
void
api_check_fields(struct json_object *obj, const char *prefix,
    const struct api_field *f, size_t n, struct json_object *fields)
{
	const char	*why;
	size_t		 i;

	json_object_object_foreach(obj, key, val) {
		for (i = 0; i < n && strcmp(f[i].name, key) != 0; i++)
			;
		if (i == n)
			api_field_bad(fields, prefix, key, "is not a known field");
		else if ((why = check_field(&f[i], val)) != NULL)
			api_field_bad(fields, prefix, key, why);
	}
	for (i = 0; i < n; i++)
		if ((f[i].flags & API_F_REQUIRED) &&
		    !json_object_object_get_ex(obj, f[i].name, NULL))
			api_field_bad(fields, prefix, f[i].name, "is required");
}

/*
 * Consumes fields: returns 0 when it is empty, else answers 422
 * validation_error with it as details.fields and returns -1.
 */
int
api_fields_answer(struct api_req *req, struct json_object *fields)
{
	struct json_object	*details;

	if (json_object_object_length(fields) == 0) {
		json_object_put(fields);
		return 0;
	}
	details = json_object_new_object();
	json_object_object_add(details, "fields", fields);
	api_error(req, API_E_VALIDATION, NULL, details);
	return -1;
}

/*
 * Checks req->json against the n declared fields.  Returns 0, or -1 after
 * answering 422 validation_error with details.fields.
 */
int
api_validate(struct api_req *req, const struct api_field *f, size_t n)
{
	struct json_object	*fields = json_object_new_object();

	if (!json_object_is_type(req->json, json_type_object))
		cron_json_add_str(fields, "body", "must be a JSON object");
	else
		api_check_fields(req->json, NULL, f, n, fields);
	return api_fields_answer(req, fields);
}

/* Answers 422 naming one field and its reason; returns -1. */
int
api_invalid(struct api_req *req, const char *field, const char *why)
{
	struct json_object	*fields = json_object_new_object();

	cron_json_add_str(fields, field, why);
	return api_fields_answer(req, fields);
}

/*
 * An email address as people type them: local@domain, at most 254 bytes,
 * no spaces or control characters, a dot in the domain.  Deliverability is
 * what the verification mail proves.
 */
const char *
valid_email(const char *s)
{
	const char	*at = strchr(s, '@'), *p;

	if (strlen(s) > 254 || at == NULL || at == s || at - s > 64 ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || s[strlen(s) - 1] == '.')
		return "is not a valid email address";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"(),:;<>[\\]", *p))
			return "is not a valid email address";
	return NULL;
}

/* An IANA time zone name the tz database has (read as jobs use it). */
const char *
valid_timezone(const char *s)
{
	char	err[128];

	return cron_tz_get(s, err, sizeof(err)) != NULL ? NULL :
	    "is not a known IANA time zone";
}

const char *
valid_id(const char *s)
{
	return cron_id_valid(s) ? NULL : "is not a valid id";
}

/*
 * Reads the list parameters ?limit= (1-200, default 50) and ?cursor= (an
 * id from a previous page's next_cursor).  cursor gets "~" for the first
 * page (it sorts after every id).  Returns 0, or -1 after answering 422.
 */
int
api_page(struct api_req *req, int *limit, char cursor[26])
{
	char	buf[32], *end;
	long	l;
	int	n;

	*limit = 50;
	if ((n = api_query(req, "limit", buf, sizeof(buf))) != -1) {
		l = n > 0 ? strtol(buf, &end, 10) : 0;
		if (n <= 0 || *end != '\0' || l < 1 || l > 200)
			return api_invalid(req, "limit",
			    "must be an integer from 1 to 200");
		*limit = (int)l;
	}
	snprintf(cursor, 26, "~");
	if ((n = api_query(req, "cursor", buf, sizeof(buf))) != -1) {
		if (n <= 0 || !cron_id_valid(buf))
			return api_invalid(req, "cursor", "is not a valid cursor");
		memcpy(cursor, buf, CRON_ID_LEN + 1);	/* valid: 25 + NUL */
	}
	return 0;
}

/*
 * Reads query parameter name as an ISO 8601 time with a zone (Z or
 * +hh:mm) into *ms.  Returns 1 when it was given, 0 when absent, -1 when
 * malformed, with the reason added to fields.
 */
int
api_query_time(struct api_req *req, const char *name, int64_t *ms,
    struct json_object *fields)
{
	char	buf[64];
	int	n;

	if ((n = api_query(req, name, buf, sizeof(buf))) == -1)
		return 0;
	/* "T", not the space cron_time_parse also reads (as UTC) */
	if (n > 10 && buf[10] == 'T' && cron_time_parse(buf, ms) == 0)
		return 1;
	api_field_bad(fields, NULL, name, "must be an ISO 8601 time with a "
	    "zone, such as 2026-12-01T09:00:00.000Z");
	return -1;
}

/* Returns the index of the last of n fetched rows that a page shows. */
size_t
api_page_last(size_t n, int limit)
{
	return n > (size_t)limit ? (size_t)limit - 1 : n - 1;
}

/*
 * Answers 200 {"items": items, "next_cursor": ...}; items holds up to
 * limit+1 elements (the extra one only says there is a next page), and
 * last_id(i) gives the id of element i.
 */
void
api_respond_page(struct api_req *req, struct json_object *items, int limit,
    const char *last_id)
{
	struct json_object	*o = json_object_new_object();
	int			 more = (int)json_object_array_length(items) > limit;

	if (more)
		json_object_array_del_idx(items, (size_t)limit, 1);
	json_object_object_add(o, "items", items);
	cron_json_add_str(o, "next_cursor", more ? last_id : NULL);
	api_respond(req, 200, o);
}

/* Lower-cases an email address into out (ASCII letters; DB_EMAIL_MAX). */
void
api_email_norm(const char *in, char *out)
{
	size_t	i;

	for (i = 0; in[i] != '\0' && i + 1 < DB_EMAIL_MAX; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}
