/*
 * The job resource (SPEC §5.1): validation of a whole job object, its
 * normalised form (defaults filled in) as stored, and its JSON.  Create,
 * PATCH (after merging) and crontab import all go through job_build(), so
 * a job in the database has always passed the same rules.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "conf.h"
#include "jsonutil.h"
#include "netaddr.h"
#include "timefmt.h"
#include "xmalloc.h"

#define HEADERS_MAX		50
#define HEADER_NAME_MAX		128
#define HEADER_VALUE_MAX	8192
#define BODY_MAX		65536
#define STATUSES_MAX		50

static const char *const job_states[] = {
	"active", "paused", "draft", "completed"
};

static const int default_success[] = { 200, 201, 202, 204 };
static const int default_retry[] = { 429, 500, 502, 503, 504 };

/* Headers the service sets itself, or that would break the framing. */
static const char *const reserved_headers[] = {
	"host", "content-length", "transfer-encoding", "connection",
	"keep-alive", "upgrade", "te", "trailer", "proxy-authorization",
	"proxy-connection", "expect"
};

const char *
job_state_valid(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof(job_states) / sizeof(job_states[0]); i++)
		if (strcmp(s, job_states[i]) == 0)
			return NULL;
	return "must be one of active, paused, draft, completed";
}

const char *
job_kind_valid(const char *s)
{
	return cron_kind_parse(s) == -1 ?
	    "must be one of recurring, cron, scheduled, one_time" : NULL;
}

static const char *
valid_create_state(const char *s)
{
	return strcmp(s, "active") == 0 || strcmp(s, "draft") == 0 ? NULL :
	    "must be active or draft";
}

static const char *
valid_method(const char *s)
{
	static const char *const m[] = { "GET", "POST", "PUT", "PATCH",
	    "DELETE" };
	size_t	i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(s, m[i]) == 0)
			return NULL;
	return "must be one of GET, POST, PUT, PATCH, DELETE";
}

/* Names and descriptions: any text but control characters. */
static const char *
valid_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

static const char *
valid_description(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
		    *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* RFC 9110 token characters (field names). */
static int
tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *
header_name_why(const char *name)
{
	const char	*p;
	size_t		 i;

	if (name[0] == '\0' || strlen(name) > HEADER_NAME_MAX)
		return "is not a valid HTTP header name";
	for (p = name; *p != '\0'; p++)
		if (!tchar((unsigned char)*p))
			return "is not a valid HTTP header name";
	if (strncasecmp(name, "x-cron-service-", 15) == 0)
		return "is set by the service";
	for (i = 0; i < sizeof(reserved_headers) /
	    sizeof(reserved_headers[0]); i++)
		if (strcasecmp(name, reserved_headers[i]) == 0)
			return "is set by the service or the transport";
	return NULL;
}

static const char *
header_value_why(struct json_object *v)
{
	const char	*s;

	if (!json_object_is_type(v, json_type_string))
		return "must be a string";
	s = json_object_get_string(v);
	if (strlen(s) > HEADER_VALUE_MAX)
		return "is longer than 8192 bytes";
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return "must not contain control characters "
			    "(CR, LF, NUL)";
	return NULL;
}

/* Checks request.headers; copies the good ones into out. */
static void
check_headers(struct json_object *h, struct json_object *fields,
    struct json_object *out)
{
	const char	*why;
	int		 n = 0;

	json_object_object_foreach(h, name, val) {
		if (++n > HEADERS_MAX) {
			api_field_bad(fields, NULL, "request.headers",
			    "must have at most 50 headers");
			return;
		}
		if ((why = header_name_why(name)) == NULL &&
		    (why = header_value_why(val)) == NULL) {
			json_object_object_foreach(out, seen, unused) {
				(void)unused;
				if (strcasecmp(seen, name) == 0)
					why = "repeats a header name (names "
					    "are case-insensitive)";
			}
		}
		if (why != NULL)
			api_field_bad(fields, "request.headers", name, why);
		else
			json_object_object_add(out, name, json_object_get(val));
	}
}

/*
 * Checks a list of HTTP status codes (100-599, no repeats, at most 50, at
 * least min).  Returns a fresh array (the given one or the defaults), or
 * NULL after reporting field.
 */
static struct json_object *
status_list(struct json_object *parent, const char *key, const char *field,
    const int *def, size_t ndef, size_t min, struct json_object *fields)
{
	struct json_object	*a, *v, *out;
	size_t			 i, j, n;
	int64_t			 c;

	out = json_object_new_array();
	if (!json_object_object_get_ex(parent, key, &a)) {
		for (i = 0; i < ndef; i++)
			json_object_array_add(out, json_object_new_int(def[i]));
		return out;
	}
	if (!json_object_is_type(a, json_type_array)) {
		api_field_bad(fields, NULL, field, "must be a list of HTTP "
		    "status codes");
		goto bad;
	}
	n = json_object_array_length(a);
	if (n < min || n > STATUSES_MAX) {
		api_field_bad(fields, NULL, field, min > 0 ?
		    "must list 1 to 50 status codes" :
		    "must list at most 50 status codes");
		goto bad;
	}
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_int) ||
		    (c = json_object_get_int64(v)) < 100 || c > 599) {
			api_field_bad(fields, NULL, field, "must hold HTTP "
			    "status codes from 100 to 599");
			goto bad;
		}
		for (j = 0; j < i; j++)
			if (json_object_get_int64(
			    json_object_array_get_idx(a, j)) == c) {
				api_field_bad(fields, NULL, field,
				    "must not repeat a status code");
				goto bad;
			}
		json_object_array_add(out, json_object_new_int((int)c));
	}
	return out;
bad:
	json_object_put(out);
	return NULL;
}

/* Checks a job's URL (SPEC §5.1, §9); NULL when good, else the reason. */
const char *
job_url_why(const char *url, const struct cron_conf *conf)
{
	struct cron_url	 u;
	const char	*why;

	if (cron_url_parse(url, &u, &why) == -1)
		return why;
	if (!conf->allow_private_targets && cron_host_blocked(u.host))
		return "must not point to a loopback, private, link-local or "
		    "other non-public address";
	return NULL;
}

/*
 * Checks o.request; returns its normalised form (defaults filled in) or
 * NULL when it had problems (reported in fields).
 */
static struct json_object *
check_request(struct json_object *o, const struct cron_conf *conf,
    struct json_object *fields)
{
	static const struct api_field f[] = {
		{ "url", API_F_STRING, API_F_REQUIRED, 1, CRON_URL_MAX, NULL },
		{ "method", API_F_STRING, 0, 1, 8, valid_method },
		{ "headers", API_F_OBJECT, 0, 0, 0, NULL },
		{ "body", API_F_ANY, 0, 0, 0, NULL },
		{ "timeout_seconds", API_F_INT, 0, 1, 300, NULL },
		{ "success_statuses", API_F_ANY, 0, 0, 0, NULL },
	};
	struct json_object	*r, *v, *out, *h, *ok;
	int			 before = json_object_object_length(fields);
	size_t			 len;
	const char		*why;

	if (!json_object_object_get_ex(o, "request", &r))
		return NULL;		/* "is required": reported already */
	api_check_fields(r, "request", f, sizeof(f) / sizeof(f[0]), fields);
	out = json_object_new_object();
	if (json_object_object_get_ex(r, "url", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    (why = job_url_why(json_object_get_string(v), conf)) != NULL)
		api_field_bad(fields, "request", "url", why);
	cron_json_add_str(out, "url", cron_json_str(r, "url"));
	cron_json_add_str(out, "method", json_object_object_get_ex(r,
	    "method", &v) ? json_object_get_string(v) : "GET");
	h = json_object_new_object();
	if (json_object_object_get_ex(r, "headers", &v) &&
	    json_object_is_type(v, json_type_object))
		check_headers(v, fields, h);
	json_object_object_add(out, "headers", h);
	if (json_object_object_get_ex(r, "body", &v) && v != NULL) {
		if (json_object_is_type(v, json_type_string))
			len = (size_t)json_object_get_string_len(v);
		else
			(void)cron_json_text(v, &len);
		if (len > BODY_MAX)
			api_field_bad(fields, "request", "body",
			    "is larger than 64 KiB");
		json_object_object_add(out, "body", json_object_get(v));
	}
	cron_json_add_int(out, "timeout_seconds", json_object_object_get_ex(r,
	    "timeout_seconds", &v) ? json_object_get_int64(v) : 30);
	ok = status_list(r, "success_statuses", "request.success_statuses",
	    default_success, sizeof(default_success) / sizeof(int), 1, fields);
	json_object_object_add(out, "success_statuses", ok);
	if (json_object_object_length(fields) != before) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

/* Checks o.retry_policy against the success statuses; normalised or NULL. */
static struct json_object *
check_retry(struct json_object *o, struct json_object *request,
    struct json_object *fields)
{
	static const struct api_field f[] = {
		{ "max_attempts", API_F_INT, 0, 1, 10, NULL },
		{ "retry_on_statuses", API_F_ANY, 0, 0, 0, NULL },
	};
	struct json_object	*r, *v, *out, *retry, *ok = NULL;
	int			 before = json_object_object_length(fields);
	size_t			 i, j;
	char			 why[80];

	out = json_object_new_object();
	if (!json_object_object_get_ex(o, "retry_policy", &r))
		r = out;		/* empty: every default */
	else
		api_check_fields(r, "retry_policy", f, 2, fields);
	cron_json_add_int(out, "max_attempts", json_object_object_get_ex(r,
	    "max_attempts", &v) ? json_object_get_int64(v) : 3);
	retry = status_list(r, "retry_on_statuses",
	    "retry_policy.retry_on_statuses", default_retry,
	    sizeof(default_retry) / sizeof(int), 0, fields);
	if (retry != NULL && request != NULL)
		json_object_object_get_ex(request, "success_statuses", &ok);
	for (i = 0; ok != NULL && i < json_object_array_length(retry); i++)
		for (j = 0; j < json_object_array_length(ok); j++)
			if (json_object_get_int(json_object_array_get_idx(
			    retry, i)) == json_object_get_int(
			    json_object_array_get_idx(ok, j))) {
				snprintf(why, sizeof(why), "must not include "
				    "a success status (%d)", json_object_get_int(
				    json_object_array_get_idx(ok, j)));
				api_field_bad(fields, NULL,
				    "retry_policy.retry_on_statuses", why);
			}
	json_object_object_add(out, "retry_on_statuses", retry);
	if (json_object_object_length(fields) != before) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

/*
 * Checks o.schedule for kind k into s and j's schedule columns.  future:
 * a scheduled run_at must be after now (set when the schedule is given).
 */
static void
check_schedule(struct json_object *o, enum cron_kind k, int64_t now,
    int future, struct cron_sched *s, struct db_job *j,
    struct json_object *fields)
{
	static const struct api_field recurring[] = {
		{ "every_n_minutes", API_F_INT, API_F_REQUIRED, 1,
		    CRON_EVERY_MAX, NULL },
	};
	static const struct api_field cron[] = {
		{ "cron", API_F_STRING, API_F_REQUIRED, 1, CRON_EXPR_MAX, NULL },
		{ "timezone", API_F_STRING, 0, 1, CRON_TZ_NAME_MAX, NULL },
	};
	static const struct api_field scheduled[] = {
		{ "run_at", API_F_STRING, API_F_REQUIRED, 1, 64, NULL },
	};
	struct json_object	*sc;
	int			 before = json_object_object_length(fields);
	const char		*tz, *text;
	char			 err[160];

	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->run_at = -1;
	if (!json_object_object_get_ex(o, "schedule", &sc) || sc == NULL) {
		if (k != CRON_KIND_ONE_TIME)
			api_field_bad(fields, NULL, "schedule", "is required");
		return;
	}
	if (!json_object_is_type(sc, json_type_object)) {
		api_field_bad(fields, NULL, "schedule", "must be an object");
		return;
	}
	switch (k) {
	case CRON_KIND_RECURRING:
		api_check_fields(sc, "schedule", recurring, 1, fields);
		if (json_object_object_length(fields) != before)
			return;
		s->every = j->every_n_minutes =
		    json_object_get_int(json_object_object_get(sc,
		    "every_n_minutes"));
		break;
	case CRON_KIND_CRON:
		api_check_fields(sc, "schedule", cron, 2, fields);
		if (json_object_object_length(fields) != before)
			return;
		text = cron_json_str(sc, "cron");
		if ((tz = cron_json_str(sc, "timezone")) == NULL)
			tz = "UTC";
		if (cron_expr_parse(text, &s->expr, err, sizeof(err)) == -1) {
			api_field_bad(fields, "schedule", "cron", err);
			return;
		}
		if (valid_timezone(tz) != NULL) {
			api_field_bad(fields, "schedule", "timezone",
			    valid_timezone(tz));
			return;
		}
		snprintf(s->tz, sizeof(s->tz), "%s", tz);
		if (cron_sched_first(s, now) == -1) {
			api_field_bad(fields, "schedule", "cron",
			    "never matches a date (such as February 30)");
			return;
		}
		snprintf(j->cron_expr, sizeof(j->cron_expr), "%s", text);
		snprintf(j->timezone, sizeof(j->timezone), "%s", tz);
		break;
	case CRON_KIND_SCHEDULED:
		api_check_fields(sc, "schedule", scheduled, 1, fields);
		if (json_object_object_length(fields) != before)
			return;
		if (cron_time_parse(cron_json_str(sc, "run_at"),
		    &s->run_at) == -1) {
			api_field_bad(fields, "schedule", "run_at", "must be an "
			    "ISO 8601 time with a zone, such as "
			    "2026-12-01T09:00:00.000Z");
			return;
		}
		if (future && s->run_at <= now) {
			api_field_bad(fields, "schedule", "run_at",
			    "must be in the future");
			return;
		}
		j->run_at = s->run_at;
		break;
	case CRON_KIND_ONE_TIME:
		api_check_fields(sc, "schedule", NULL, 0, fields);
		break;
	default:
		break;
	}
}

/*
 * Validates the whole job object o (JOB_CREATE allows "state"; with
 * JOB_FUTURE a scheduled run_at must be after now) into j (name,
 * description, kind, state "active"/"draft", schedule columns, normalised
 * request and retry policy; owned strings: db_job_clear) and s.  Returns
 * NULL, or the problems as a details.fields object (owned).
 */
struct json_object *
job_validate(const struct cron_conf *conf, struct json_object *o, int flags,
    int64_t now, struct db_job *j, struct cron_sched *s)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 200, valid_text },
		{ "description", API_F_STRING, 0, 0, 2000, valid_description },
		{ "kind", API_F_STRING, API_F_REQUIRED, 1, 16, job_kind_valid },
		{ "schedule", API_F_ANY, 0, 0, 0, NULL },
		{ "request", API_F_OBJECT, API_F_REQUIRED, 0, 0, NULL },
		{ "retry_policy", API_F_OBJECT, 0, 0, 0, NULL },
		{ "state", API_F_STRING, 0, 1, 16, valid_create_state },
	};
	struct json_object	*fields, *rq, *rp;
	const char		*kind, *state;
	size_t			 nf = sizeof(f) / sizeof(f[0]);
	int			 k;

	memset(j, 0, sizeof(*j));
	j->run_at = j->next_run_at = j->last_run_at = -1;
	memset(s, 0, sizeof(*s));
	fields = json_object_new_object();
	if (!json_object_is_type(o, json_type_object)) {
		cron_json_add_str(fields, "body", "must be a JSON object");
		return fields;
	}
	api_check_fields(o, NULL, f, (flags & JOB_CREATE) ? nf : nf - 1,
	    fields);
	kind = cron_json_str(o, "kind");
	k = kind != NULL ? cron_kind_parse(kind) : -1;
	if (k != -1)
		check_schedule(o, (enum cron_kind)k, now,
		    (flags & JOB_FUTURE) != 0, s, j, fields);
	rq = NULL;
	if (json_object_is_type(json_object_object_get(o, "request"),
	    json_type_object))
		rq = check_request(o, conf, fields);
	rp = NULL;
	if (!json_object_object_get_ex(o, "retry_policy", &rp) ||
	    json_object_is_type(rp, json_type_object))
		rp = check_retry(o, rq, fields);
	else
		rp = NULL;
	if (json_object_object_length(fields) > 0) {
		json_object_put(rq);
		json_object_put(rp);
		return fields;
	}
	json_object_put(fields);
	snprintf(j->name, sizeof(j->name), "%s", cron_json_str(o, "name"));
	j->description = xstrdup(cron_json_str(o, "description") ?
	    cron_json_str(o, "description") : "");
	snprintf(j->kind, sizeof(j->kind), "%s", kind);
	state = cron_json_str(o, "state");
	snprintf(j->state, sizeof(j->state), "%s", state ? state : "active");
	j->request = xstrdup(cron_json_text(rq, NULL));
	j->retry_policy = xstrdup(cron_json_text(rp, NULL));
	json_object_put(rq);
	json_object_put(rp);
	return NULL;
}

/* job_validate, answering 422 with the problems; returns 0 or -1. */
int
job_build(struct api_req *req, struct json_object *o, int flags,
    int64_t now, struct db_job *j, struct cron_sched *s)
{
	struct json_object	*fields;

	fields = job_validate(req->ctx->conf, o, flags, now, j, s);
	return fields == NULL ? 0 : api_fields_answer(req, fields);
}

/* The schedule object of a stored job. */
static struct json_object *
schedule_json(const struct db_job *j)
{
	struct json_object	*o = json_object_new_object();

	switch (cron_kind_parse(j->kind)) {
	case CRON_KIND_RECURRING:
		cron_json_add_int(o, "every_n_minutes", j->every_n_minutes);
		break;
	case CRON_KIND_CRON:
		cron_json_add_str(o, "cron", j->cron_expr);
		cron_json_add_str(o, "timezone", j->timezone);
		break;
	case CRON_KIND_SCHEDULED:
		cron_json_add_time(o, "run_at", j->run_at);
		break;
	default:
		break;
	}
	return o;
}

/* Parses JSON the API itself stored (normalised; never fails in use). */
static struct json_object *
stored_json(const char *text)
{
	struct json_object	*o = NULL;

	if (cron_json_parse(text, strlen(text), 64, &o) != CRON_JSON_OK)
		return json_object_new_object();
	return o;
}

/* The editable part of a job: the base a PATCH is merged onto. */
struct json_object *
job_spec_json(const struct db_job *j)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "name", j->name);
	cron_json_add_str(o, "description", j->description);
	cron_json_add_str(o, "kind", j->kind);
	json_object_object_add(o, "schedule", schedule_json(j));
	json_object_object_add(o, "request", stored_json(j->request));
	json_object_object_add(o, "retry_policy",
	    stored_json(j->retry_policy));
	return o;
}

/* The job as the API shows it (SPEC §5.1). */
struct json_object *
job_json(const struct db_job *j)
{
	struct json_object	*o = json_object_new_object(), *spec;

	cron_json_add_str(o, "id", j->id);
	spec = job_spec_json(j);
	json_object_object_foreach(spec, key, val)
		json_object_object_add(o, key, json_object_get(val));
	json_object_put(spec);
	cron_json_add_str(o, "state", j->state);
	cron_json_add_time(o, "next_run_at", j->next_run_at);
	cron_json_add_time(o, "last_run_at", j->last_run_at);
	cron_json_add_str(o, "last_status", j->last_status[0] != '\0' ?
	    j->last_status : NULL);
	cron_json_add_time(o, "created_at", j->created_at);
	cron_json_add_time(o, "updated_at", j->updated_at);
	cron_json_add_str(o, "created_by", j->created_by);
	return o;
}

/*
 * Plan limit on how often a job may run (SPEC §10): 0 when s respects
 * plan p's, else the limit in minutes.
 */
int
job_interval_limit(const struct cron_plan *p, const struct cron_sched *s,
    int64_t now)
{
	int64_t	gap;
	int	min = p->min_interval_minutes;

	if (min <= 1 || (gap = cron_sched_min_gap(s, now)) == -1 ||
	    gap >= min * CRON_MINUTE_MS)
		return 0;
	return min;
}

/* Returns 0, or -1 after answering 403 plan_limit_exceeded. */
int
job_check_interval(struct api_req *req, const struct cron_sched *s,
    int64_t now)
{
	struct json_object	*d;
	int			 min;

	if ((min = job_interval_limit(api_plan(req), s, now)) == 0)
		return 0;
	d = api_limit_details("min_interval_minutes", min);
	api_error(req, API_E_PLAN_LIMIT_EXCEEDED, "the plan does not allow "
	    "runs this close together", d);
	return -1;
}

/* The plan the caller's workspace is held to (SPEC §10). */
const struct cron_plan *
api_plan(const struct api_req *req)
{
	return cron_plan_of(req->ctx->conf, req->caller.s.plan);
}

/* details of 403 plan_limit_exceeded: {"limit": name, "value": value} */
struct json_object *
api_limit_details(const char *name, long long value)
{
	struct json_object	*d = json_object_new_object();

	cron_json_add_str(d, "limit", name);
	cron_json_add_int(d, "value", value);
	return d;
}
