/*
 * cronctl executions list, get (with its attempts and notifications) and
 * replay (SPEC §6, §11).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

const struct ctl_optdef ctl_exec_list_opts[] = {
	{ "job", 0, "ID", "only this job's executions" },
	{ "job-name", 0, "NAME", "only executions of jobs with this name" },
	{ "status", 0, "STATUS", "only queued, running, succeeded or failed ones" },
	{ "from", 0, "TIME", "scheduled at or after this ISO 8601 time" },
	{ "to", 0, "TIME", "scheduled before this ISO 8601 time" },
	{ "limit", 0, "N", "at most N executions (1-200, default 50)" },
	{ "cursor", 0, "CURSOR", "the next page, as printed after a full page" },
	{ NULL, 0, NULL, NULL }
};

/* "1.234 s", "87 ms", or NULL; static storage. */
static const char *
duration(struct json_object *o, const char *key)
{
	static char	 buf[32];
	const char	*s = ctl_str(o, key);
	long		 ms;

	if (s == NULL)
		return NULL;
	ms = strtol(s, NULL, 10);
	if (ms < 1000)
		snprintf(buf, sizeof(buf), "%ld ms", ms);
	else
		snprintf(buf, sizeof(buf), "%ld.%03ld s", ms / 1000, ms % 1000);
	return buf;
}

static void
show_executions(struct json_object *o)
{
	const char		*heads[] = { "ID", "JOB", "STATUS", "TRIGGER",
				    "SCHEDULED FOR", "DURATION", "ATTEMPTS", NULL };
	struct json_object	*items, *e;
	struct ctl_table	*t = ctl_table_new(heads);
	char			*when;
	size_t			 i;

	json_object_object_get_ex(o, "items", &items);
	for (i = 0; i < json_object_array_length(items); i++) {
		e = json_object_array_get_idx(items, i);
		when = ctl_when(ctl_str(e, "scheduled_for"));
		ctl_table_row(t, ctl_str(e, "id"), ctl_str(e, "job_name"),
		    ctl_str(e, "status"), ctl_str(e, "trigger"), when,
		    duration(e, "duration_ms"), ctl_str(e, "attempt_count"));
		free(when);
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

int
ctl_exec_list(struct ctl *c)
{
	struct ctl_resp	 r;
	const char	*q[] = { "job_id", ctl_opt(c, "job"), "job_name",
			    ctl_opt(c, "job-name"), "status", ctl_opt(c, "status"),
			    "from", ctl_opt(c, "from"), "to", ctl_opt(c, "to"),
			    "limit", ctl_opt(c, "limit"), "cursor",
			    ctl_opt(c, "cursor"), NULL };
	long		 n;
	int		 rc;

	if ((rc = ctl_opt_int(c, "limit", 1, 200, &n)) != 0)
		return rc;
	if ((rc = ctl_call_q(c, "GET", "/v1/executions", q, &r)) != CTL_OK)
		return rc;
	return ctl_print(c, &r, show_executions);
}

static void
show_attempts(struct json_object *arr)
{
	const char		*heads[] = { "#", "STATUS", "HTTP", "LATENCY",
				    "ERROR", "STARTED", "RESPONSE", NULL };
	struct ctl_table	*t = ctl_table_new(heads);
	struct json_object	*a;
	char			*when;
	size_t			 i;

	for (i = 0; i < json_object_array_length(arr); i++) {
		a = json_object_array_get_idx(arr, i);
		when = ctl_when(ctl_str(a, "started_at"));
		ctl_table_row(t, ctl_str(a, "number"), ctl_str(a, "status"),
		    ctl_str(a, "statusCode"), duration(a, "latencyMs"),
		    ctl_str(a, "errorClass"), when, ctl_str(a, "bodyPreview"));
		free(when);
	}
	printf("\nAttempts\n");
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

static void
show_notifications(struct json_object *arr)
{
	const char		*heads[] = { "CHANNEL", "TYPE", "EVENT", "STATUS",
				    "ATTEMPTS", "HTTP", "ERROR", NULL };
	struct ctl_table	*t;
	struct json_object	*d;
	size_t			 i;

	if (json_object_array_length(arr) == 0)
		return;
	t = ctl_table_new(heads);
	for (i = 0; i < json_object_array_length(arr); i++) {
		d = json_object_array_get_idx(arr, i);
		ctl_table_row(t, ctl_str(d, "channel_name"), ctl_str(d, "type"),
		    ctl_str(d, "event"), ctl_str(d, "status"),
		    ctl_str(d, "attempts"), ctl_str(d, "response_status"),
		    ctl_str(d, "error"));
	}
	printf("\nNotifications\n");
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

static void
show_execution(struct json_object *e)
{
	struct json_object	*arr;
	char			*t;

	ctl_kv("ID", "%s", ctl_str(e, "id"));
	ctl_kv("Job", "%s (%s)", ctl_str(e, "job_name"), ctl_str(e, "job_id"));
	ctl_kv("Status", "%s", ctl_str(e, "status"));
	ctl_kv("Trigger", "%s%s%s", ctl_str(e, "trigger"),
	    ctl_str(e, "replay_of") ? ", replay of " : "",
	    ctl_str(e, "replay_of") ? ctl_str(e, "replay_of") : "");
	t = ctl_when(ctl_str(e, "scheduled_for"));
	ctl_kv("Scheduled for", "%s", t);
	free(t);
	t = ctl_when(ctl_str(e, "started_at"));
	ctl_kv("Started", "%s", t);
	free(t);
	t = ctl_when(ctl_str(e, "finished_at"));
	ctl_kv("Finished", "%s", t);
	free(t);
	ctl_kv("Duration", "%s", duration(e, "duration_ms") ?
	    duration(e, "duration_ms") : "-");
	if (json_object_object_get_ex(e, "attempts", &arr) &&
	    json_object_is_type(arr, json_type_array))
		show_attempts(arr);
	if (json_object_object_get_ex(e, "notifications", &arr) &&
	    json_object_is_type(arr, json_type_array))
		show_notifications(arr);
}

int
ctl_exec_get(struct ctl *c)
{
	return ctl_show_id(c, "GET", "/v1/executions", NULL, NULL,
	    show_execution);
}

int
ctl_exec_replay(struct ctl *c)
{
	struct ctl_resp	 r;
	char		*path = ctl_path("/v1/executions", c->args[0], "/replay");
	int		 rc;

	rc = ctl_call(c, "POST", path, NULL, &r);
	free(path);
	return rc != CTL_OK ? rc : ctl_done(c, &r, "Queued execution %s, a "
	    "replay of %s", ctl_str(r.body, "id"), c->args[0]);
}
