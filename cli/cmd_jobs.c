/*
 * cronctl jobs ...: list, get, create and update (from flags, a JSON
 * file, or both: flags win), delete, pause, resume, activate, run,
 * preview and crontab import (SPEC §5, §11).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

#define FILE_MAX	(16 * 1024 * 1024)
#define HEADERS_MAX	64

const struct ctl_optdef ctl_jobs_list_opts[] = {
	{ "state", 0, "STATE", "only active, paused, draft or completed jobs" },
	{ "kind", 0, "KIND", "only recurring, cron, scheduled or one_time jobs" },
	{ "limit", 0, "N", "at most N jobs (1-200, default 50)" },
	{ "cursor", 0, "CURSOR", "the next page, as printed after a full page" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_job_opts[] = {
	{ "file", 'f', "FILE", "the job as JSON (SPEC's job fields; - for stdin)" },
	{ "name", 0, "NAME", "the job's name" },
	{ "description", 0, "TEXT", "a description" },
	{ "kind", 0, "KIND", "recurring, cron, scheduled or one_time" },
	{ "every", 0, "MINUTES", "recurring: run every MINUTES (1-1440)" },
	{ "cron", 0, "EXPR", "cron: a 5-field expression or @daily etc." },
	{ "tz", 0, "ZONE", "cron: the expression's IANA time zone (default UTC)" },
	{ "run-at", 0, "TIME", "scheduled: when, ISO 8601 (2026-12-01T09:00:00Z)" },
	{ "url", 0, "URL", "the URL to call (http or https)" },
	{ "method", 0, "METHOD", "GET (default), POST, PUT, PATCH or DELETE" },
	{ "header", 'H', "'NAME: VALUE'", "a request header (repeat; secret://NAME allowed)" },
	{ "body", 0, "TEXT", "the request body (JSON objects and arrays are sent as JSON)" },
	{ "timeout", 0, "SECONDS", "the request timeout (1-300, default 30)" },
	{ "max-attempts", 0, "N", "attempts including the first (1-10, default 3)" },
	{ "draft", 0, NULL, "create: as a draft (activate it later)" },
	{ NULL, 0, NULL, NULL }
};

const char ctl_job_help[] =
    "The kind follows from --every, --cron or --run-at; --kind one_time runs\n"
    "the job once, at once.  With -f FILE, flags override the file's fields.\n"
    "An update sends only what is given: --header replaces all headers, a\n"
    "new schedule flag replaces the schedule (and the kind).\n"
    "\n"
    "examples:\n"
    "  cronctl jobs create --name backup --cron '30 2 * * *' --tz Europe/Paris \\\n"
    "      --url https://example.com/backup --method POST \\\n"
    "      -H 'Authorization: Bearer secret://api-key'\n"
    "  cronctl jobs create --name ping --every 5 --url https://example.com/ping\n"
    "  cronctl jobs create -f job.json\n"
    "  cronctl jobs update ID --every 10\n";

const struct ctl_optdef ctl_jobs_preview_opts[] = {
	{ "count", 'n', "N", "how many run times (1-100, default 5)" },
	{ "from", 0, "TIME", "after this ISO 8601 time (default now)" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_jobs_import_opts[] = {
	{ "url", 0, "URL", "the URL every imported job calls (required)" },
	{ "tz", 0, "ZONE", "time zone of lines before any CRON_TZ= (default UTC)" },
	{ "dry-run", 0, NULL, "show what would be created; create nothing" },
	{ NULL, 0, NULL, NULL }
};

/* "every 5m", "30 9 * * 1-5 (Europe/Paris)", "at ...", "once"; static storage. */
static const char *
schedule_text(struct json_object *j)
{
	static char	 buf[256];
	const char	*kind = ctl_str(j, "kind"), *tz;

	buf[0] = '\0';
	if (kind == NULL)
		return NULL;
	if (strcmp(kind, "recurring") == 0)
		snprintf(buf, sizeof(buf), "every %s min",
		    ctl_path_str(j, "schedule.every_n_minutes"));
	else if (strcmp(kind, "cron") == 0) {
		tz = ctl_path_str(j, "schedule.timezone");
		snprintf(buf, sizeof(buf), "%s%s%s%s",
		    ctl_path_str(j, "schedule.cron"),
		    tz && strcmp(tz, "UTC") ? " (" : "",
		    tz && strcmp(tz, "UTC") ? tz : "",
		    tz && strcmp(tz, "UTC") ? ")" : "");
	} else if (strcmp(kind, "scheduled") == 0)
		snprintf(buf, sizeof(buf), "at %s",
		    ctl_path_str(j, "schedule.run_at"));
	else
		snprintf(buf, sizeof(buf), "once");
	return buf;
}

/* "succeeded 3m ago", or NULL before the first run; owned by the caller. */
static char *
last_text(struct json_object *j)
{
	char	*ago, *s;

	if (ctl_str(j, "last_run_at") == NULL)
		return NULL;
	ago = ctl_ago(ctl_str(j, "last_run_at"));
	s = xasprintf("%s %s", ctl_str(j, "last_status") ?
	    ctl_str(j, "last_status") : "ran", ago);
	free(ago);
	return s;
}

static void
show_jobs(struct json_object *o)
{
	const char		*heads[] = { "ID", "NAME", "KIND", "SCHEDULE",
				    "STATE", "NEXT RUN", "LAST RUN", NULL };
	struct json_object	*items, *j;
	struct ctl_table	*t = ctl_table_new(heads);
	char			*next, *last;
	size_t			 i;

	json_object_object_get_ex(o, "items", &items);
	for (i = 0; i < json_object_array_length(items); i++) {
		j = json_object_array_get_idx(items, i);
		next = ctl_when(ctl_str(j, "next_run_at"));
		last = last_text(j);
		ctl_table_row(t, ctl_str(j, "id"), ctl_str(j, "name"),
		    ctl_str(j, "kind"), schedule_text(j), ctl_str(j, "state"),
		    next, last);
		free(next);
		free(last);
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

int
ctl_jobs_list(struct ctl *c)
{
	struct ctl_resp	 r;
	long		 n = 0;
	const char	*q[] = { "state", ctl_opt(c, "state"), "kind",
			    ctl_opt(c, "kind"), "limit", ctl_opt(c, "limit"),
			    "cursor", ctl_opt(c, "cursor"), NULL };
	int		 rc;

	if ((rc = ctl_opt_int(c, "limit", 1, 200, &n)) != 0)
		return rc;
	if ((rc = ctl_call_q(c, "GET", "/v1/jobs", q, &r)) != CTL_OK)
		return rc;
	return ctl_print(c, &r, show_jobs);
}

/* A JSON array of numbers at path in j as "200, 201"; static storage. */
static const char *
joined(struct json_object *j, const char *path)
{
	static char		 buf[512];
	struct json_object	*a = j;
	char			 key[64], *k, *dot;
	size_t			 i, n = 0;

	snprintf(key, sizeof(key), "%s", path);
	for (k = key; a != NULL && k != NULL; k = dot) {
		if ((dot = strchr(k, '.')) != NULL)
			*dot++ = '\0';
		if (!json_object_object_get_ex(a, k, &a))
			a = NULL;
	}
	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(a) && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i ? ", " : "", json_object_get_string(
		    json_object_array_get_idx(a, i)));
	return buf;
}

static void
show_job(struct json_object *j)
{
	struct json_object	*h;
	const char		*s;
	char			*t;

	ctl_kv("ID", "%s", ctl_str(j, "id"));
	ctl_kv("Name", "%s", ctl_str(j, "name"));
	if ((s = ctl_str(j, "description")) != NULL && *s)
		ctl_kv("Description", "%s", s);
	ctl_kv("Kind", "%s", ctl_str(j, "kind"));
	ctl_kv("Schedule", "%s", schedule_text(j));
	ctl_kv("State", "%s", ctl_str(j, "state"));
	ctl_kv("Request", "%s %s", ctl_path_str(j, "request.method"),
	    ctl_path_str(j, "request.url"));
	if (json_object_object_get_ex(j, "request", &h) &&
	    json_object_object_get_ex(h, "headers", &h)) {
		json_object_object_foreach(h, k, v)
			ctl_kv("  Header", "%s: %s", k, json_object_get_string(v));
	}
	if ((s = ctl_path_str(j, "request.body")) != NULL)
		ctl_kv("  Body", "%s", s);
	ctl_kv("Timeout", "%s s", ctl_path_str(j, "request.timeout_seconds"));
	ctl_kv("Success on", "%s", joined(j, "request.success_statuses"));
	ctl_kv("Attempts", "%s", ctl_path_str(j, "retry_policy.max_attempts"));
	ctl_kv("Retry on", "%s, timeouts, connection errors",
	    joined(j, "retry_policy.retry_on_statuses"));
	t = ctl_when(ctl_str(j, "next_run_at"));
	ctl_kv("Next run", "%s", t);
	free(t);
	t = ctl_when(ctl_str(j, "last_run_at"));
	ctl_kv("Last run", "%s%s%s", t, ctl_str(j, "last_status") ? ", " : "",
	    ctl_str(j, "last_status") ? ctl_str(j, "last_status") : "");
	free(t);
	t = ctl_when(ctl_str(j, "created_at"));
	ctl_kv("Created", "%s", t);
	free(t);
	t = ctl_when(ctl_str(j, "updated_at"));
	ctl_kv("Updated", "%s", t);
	free(t);
}

/* A request on one job: METHOD /v1/jobs/ID[suffix], the job shown. */
static int
job_call(struct ctl *c, const char *method, const char *suffix,
    struct json_object *body)
{
	return ctl_show_id(c, method, "/v1/jobs", suffix, body, show_job);
}

int
ctl_jobs_get(struct ctl *c)
{
	return job_call(c, "GET", NULL, NULL);
}

/* Reads a whole file ("-" = stdin) of at most FILE_MAX bytes; NULL with a message. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char	*buf;
	size_t	 n;

	if (f == NULL) {
		fprintf(stderr, "cronctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(FILE_MAX + 1);
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f) || n > FILE_MAX) {
		fprintf(stderr, "cronctl: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : "larger than 16 MiB");
		free(buf);
		buf = NULL;
	} else
		buf[n] = '\0';
	if (f != stdin)
		fclose(f);
	*lenp = n;
	return buf;
}

/* The object at key in o, made when absent. */
static struct json_object *
child(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_object))
		return v;
	v = json_object_new_object();
	json_object_object_add(o, key, v);
	return v;
}

static void
set_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

/* Sets key to option name as a number; CTL_EUSAGE when it is not one. */
static int
set_num(struct ctl *c, struct json_object *o, const char *key,
    const char *name)
{
	long	v;
	int	rc;

	if (ctl_opt(c, name) == NULL)
		return 0;
	if ((rc = ctl_opt_int(c, name, 0, 1000000, &v)) != 0)
		return rc;
	json_object_object_add(o, key, json_object_new_int64(v));
	return 0;
}

/* The schedule flags: kind and schedule; CTL_EUSAGE on a contradiction. */
static int
schedule_flags(struct ctl *c, struct json_object *job)
{
	const char	*kind = ctl_opt(c, "kind"), *implied = NULL;
	int		 n = 0, rc;

	if (ctl_opt(c, "every") != NULL && ++n)
		implied = "recurring";
	if (ctl_opt(c, "cron") != NULL && ++n)
		implied = "cron";
	if (ctl_opt(c, "run-at") != NULL && ++n)
		implied = "scheduled";
	if (n > 1)
		return ctl_usage(c, "give one of --every, --cron and --run-at");
	if (kind != NULL && implied != NULL && strcmp(kind, implied) != 0)
		return ctl_usage(c, "--kind %s contradicts the schedule flag "
		    "(a %s job)", kind, implied);
	if (ctl_opt(c, "tz") != NULL && implied != NULL &&
	    strcmp(implied, "cron") != 0)
		return ctl_usage(c, "--tz goes with --cron");
	if (kind == NULL)
		kind = implied;
	if (kind != NULL) {
		set_str(job, "kind", kind);
		if (implied != NULL)	/* a new schedule replaces the old */
			json_object_object_add(job, "schedule",
			    json_object_new_object());
	}
	if ((rc = set_num(c, child(job, "schedule"), "every_n_minutes",
	    "every")) != 0)
		return rc;
	if (ctl_opt(c, "cron") != NULL)
		set_str(child(job, "schedule"), "cron", ctl_opt(c, "cron"));
	if (ctl_opt(c, "tz") != NULL)
		set_str(child(job, "schedule"), "timezone", ctl_opt(c, "tz"));
	if (ctl_opt(c, "run-at") != NULL)
		set_str(child(job, "schedule"), "run_at", ctl_opt(c, "run-at"));
	if (json_object_object_get_ex(job, "schedule", NULL) &&
	    json_object_object_length(child(job, "schedule")) == 0 &&
	    implied == NULL)
		json_object_object_del(job, "schedule");
	return 0;
}

/* The --header flags, "Name: value" each, as request.headers. */
static int
header_flags(struct ctl *c, struct json_object *job)
{
	const char		*h[HEADERS_MAX + 1], *colon, *v;
	struct json_object	*hdrs;
	char			*name;
	size_t			 n, i;

	if ((n = ctl_opt_all(c, "header", h, HEADERS_MAX + 1)) == 0)
		return 0;
	if (n > HEADERS_MAX)
		return ctl_usage(c, "at most %d --header flags", HEADERS_MAX);
	hdrs = json_object_new_object();
	json_object_object_add(child(job, "request"), "headers", hdrs);
	for (i = 0; i < n; i++) {
		if ((colon = strchr(h[i], ':')) == NULL || colon == h[i])
			return ctl_usage(c, "--header '%s' is not 'Name: "
			    "value'", h[i]);
		name = xstrndup(h[i], (size_t)(colon - h[i]));
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		set_str(hdrs, name, v);
		free(name);
	}
	return 0;
}

/* --body: a JSON object or array is sent as JSON, anything else as text. */
static void
body_flag(struct ctl *c, struct json_object *job)
{
	const char		*b = ctl_opt(c, "body");
	struct json_object	*v;

	if (b == NULL)
		return;
	v = json_tokener_parse(b);
	if (v != NULL && !json_object_is_type(v, json_type_object) &&
	    !json_object_is_type(v, json_type_array)) {
		json_object_put(v);
		v = NULL;
	}
	json_object_object_add(child(job, "request"), "body",
	    v != NULL ? v : json_object_new_string(b));
}

/* The job from -f FILE and the flags (flags win); NULL with *rc set. */
static struct json_object *
job_from(struct ctl *c, int *rc)
{
	struct json_object	*job;
	char			*text, *method, *p;
	size_t			 len;

	*rc = CTL_EUSAGE;
	if (ctl_opt(c, "file") != NULL) {
		if ((text = slurp(ctl_opt(c, "file"), &len)) == NULL)
			return NULL;
		job = json_tokener_parse(text);
		free(text);
		if (job == NULL || !json_object_is_type(job, json_type_object)) {
			json_object_put(job);
			ctl_usage(c, "%s is not a JSON object", ctl_opt(c, "file"));
			return NULL;
		}
	} else
		job = json_object_new_object();
	if (ctl_opt(c, "name") != NULL)
		set_str(job, "name", ctl_opt(c, "name"));
	if (ctl_opt(c, "description") != NULL)
		set_str(job, "description", ctl_opt(c, "description"));
	if (ctl_opt(c, "url") != NULL)
		set_str(child(job, "request"), "url", ctl_opt(c, "url"));
	if (ctl_opt(c, "method") != NULL) {
		method = xstrdup(ctl_opt(c, "method"));
		for (p = method; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		set_str(child(job, "request"), "method", method);
		free(method);
	}
	body_flag(c, job);
	if ((*rc = schedule_flags(c, job)) != 0 ||
	    (*rc = header_flags(c, job)) != 0 ||
	    (*rc = set_num(c, child(job, "request"), "timeout_seconds",
	    "timeout")) != 0 ||
	    (*rc = set_num(c, child(job, "retry_policy"), "max_attempts",
	    "max-attempts")) != 0) {
		json_object_put(job);
		return NULL;
	}
	if (json_object_object_length(child(job, "retry_policy")) == 0)
		json_object_object_del(job, "retry_policy");
	if (json_object_object_length(child(job, "request")) == 0)
		json_object_object_del(job, "request");
	return job;
}

int
ctl_jobs_create(struct ctl *c)
{
	struct json_object	*job;
	int			 rc;

	if (ctl_opt(c, "file") == NULL && ctl_opt(c, "url") == NULL)
		return ctl_usage(c, "give -f FILE or the job's flags "
		    "(at least --url)");
	if ((job = job_from(c, &rc)) == NULL)
		return rc;
	if (ctl_has(c, "draft"))
		set_str(job, "state", "draft");
	return ctl_show(c, "POST", "/v1/jobs", job, show_job);
}

int
ctl_jobs_update(struct ctl *c)
{
	struct json_object	*job;
	int			 rc;

	if (ctl_has(c, "draft"))
		return ctl_usage(c, "--draft is for create");
	if ((job = job_from(c, &rc)) == NULL)
		return rc;
	if (json_object_object_length(job) == 0) {
		json_object_put(job);
		return ctl_usage(c, "nothing to change");
	}
	return job_call(c, "PATCH", NULL, job);
}

int
ctl_jobs_delete(struct ctl *c)
{
	return ctl_delete(c, "/v1/jobs", c->args[0], "Deleted job");
}

int
ctl_jobs_pause(struct ctl *c)
{
	return job_call(c, "POST", "/pause", NULL);
}

int
ctl_jobs_resume(struct ctl *c)
{
	return job_call(c, "POST", "/resume", NULL);
}

int
ctl_jobs_activate(struct ctl *c)
{
	return job_call(c, "POST", "/activate", NULL);
}

int
ctl_jobs_run(struct ctl *c)
{
	struct ctl_resp	 r;
	char		*path = ctl_path("/v1/jobs", c->args[0], "/run-now");
	int		 rc;

	rc = ctl_call(c, "POST", path, NULL, &r);
	free(path);
	return rc != CTL_OK ? rc : ctl_done(c, &r, "Queued execution %s "
	    "(see 'cronctl executions get %s')", ctl_str(r.body, "id"),
	    ctl_str(r.body, "id"));
}

static void
show_preview(struct json_object *o)
{
	struct json_object	*items;
	char			*t;
	size_t			 i;

	json_object_object_get_ex(o, "items", &items);
	for (i = 0; i < json_object_array_length(items); i++) {
		t = ctl_when(json_object_get_string(
		    json_object_array_get_idx(items, i)));
		printf("%s\n", t);
		free(t);
	}
}

int
ctl_jobs_preview(struct ctl *c)
{
	struct ctl_resp	 r;
	char		*path = ctl_path("/v1/jobs", c->args[0], "/preview");
	const char	*q[] = { "count", ctl_opt(c, "count"), "from",
			    ctl_opt(c, "from"), NULL };
	long		 n;
	int		 rc;

	if ((rc = ctl_opt_int(c, "count", 1, 100, &n)) == 0 &&
	    (rc = ctl_call_q(c, "GET", path, q, &r)) == CTL_OK)
		rc = ctl_print(c, &r, show_preview);
	free(path);
	return rc;
}

static int	import_errors;

static void
show_import(struct json_object *o)
{
	const char		*heads[] = { "LINE", "STATUS", "JOB", "DETAIL",
				    NULL };
	struct json_object	*items, *it, *job;
	struct ctl_table	*t = ctl_table_new(heads);
	size_t			 i;

	json_object_object_get_ex(o, "items", &items);
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		if (!json_object_object_get_ex(it, "job", &job))
			job = NULL;
		ctl_table_row(t, ctl_str(it, "line"), ctl_str(it, "status"),
		    job ? ctl_str(job, "id") : NULL, job ?
		    schedule_text(job) : ctl_str(it, "error"));
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

/* Counts the items whose status is "error". */
static int
count_errors(struct json_object *o)
{
	struct json_object	*items;
	const char		*s;
	size_t			 i;
	int			 n = 0;

	if (!json_object_object_get_ex(o, "items", &items))
		return 0;
	for (i = 0; i < json_object_array_length(items); i++) {
		s = ctl_str(json_object_array_get_idx(items, i), "status");
		n += s != NULL && strcmp(s, "error") == 0;
	}
	return n;
}

int
ctl_jobs_import(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	char			*text;
	size_t			 len;
	int			 rc;

	if (ctl_opt(c, "url") == NULL)
		return ctl_usage(c, "--url is required (the URL the jobs call)");
	if ((text = slurp(c->args[0], &len)) == NULL)
		return CTL_EUSAGE;
	req = json_object_new_object();
	json_object_object_add(req, "crontab",
	    json_object_new_string_len(text, (int)len));
	free(text);
	set_str(req, "url", ctl_opt(c, "url"));
	if (ctl_opt(c, "tz") != NULL)
		set_str(req, "timezone", ctl_opt(c, "tz"));
	json_object_object_add(req, "dry_run",
	    json_object_new_boolean(ctl_has(c, "dry-run")));
	rc = ctl_call(c, "POST", "/v1/jobs/import", req, &r);
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	import_errors = count_errors(r.body);
	ctl_print(c, &r, show_import);
	if (import_errors > 0 && !c->json)
		fprintf(stderr, "cronctl: %d line%s not imported\n",
		    import_errors, import_errors == 1 ? "" : "s");
	return import_errors > 0 ? CTL_EAPI : CTL_OK;
}
