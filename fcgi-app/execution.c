/*
 * The execution resource (SPEC §6): an execution as cron-api queues it
 * (run-now, one_time, replay) and the one JSON rendering of executions
 * and their attempts, used by every endpoint that answers with one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "timefmt.h"
#include "id.h"
#include "jsonutil.h"

#define HEADERS_DEPTH	3	/* a stored {"name": "value"} object */

/*
 * Fills e as a new execution of job j, queued for now by trigger
 * ("run_now", "one_time" or "replay"; replay_of names the original).
 */
void
exec_queued(struct db_exec *e, const struct db_job *j, const char *trigger,
    int64_t now, const char *replay_of)
{
	memset(e, 0, sizeof(*e));
	cron_id_new(e->id);
	memcpy(e->workspace_id, j->workspace_id, sizeof(e->workspace_id));
	memcpy(e->job_id, j->id, sizeof(e->job_id));
	memcpy(e->job_name, j->name, sizeof(e->job_name));
	snprintf(e->trigger, sizeof(e->trigger), "%s", trigger);
	snprintf(e->status, sizeof(e->status), "queued");
	e->scheduled_for = now;
	e->started_at = e->finished_at = e->duration_ms = -1;
	if (replay_of != NULL)
		snprintf(e->replay_of, sizeof(e->replay_of), "%s", replay_of);
}

/*
 * The stored response headers: a JSON object of strings; anything else
 * (none recorded, or text that is not such an object) shows as {}.
 */
static struct json_object *
headers_json(const char *text)
{
	struct json_object	*o;

	if (text == NULL || cron_json_parse(text, strlen(text), HEADERS_DEPTH,
	    &o) != CRON_JSON_OK)
		return json_object_new_object();
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return json_object_new_object();
	}
	return o;
}

/*
 * The body preview as a JSON string: the stored bytes, with any sequence
 * that is not UTF-8 (a binary body, or a character cut at 64 KiB)
 * replaced by U+FFFD; null when there was no response.
 */
static struct json_object *
body_json(const struct db_attempt *a)
{
	struct json_object	*o;
	char			*s;
	size_t			 len;

	if (a->body == NULL)
		return NULL;
	if (cron_utf8_valid(a->body, a->body_len))
		return json_object_new_string_len(a->body, (int)a->body_len);
	s = cron_utf8_repair(a->body, a->body_len, &len);
	o = json_object_new_string_len(s, (int)len);
	free(s);
	return o;
}

/* One attempt, with the documented camelCase names (SPEC §6). */
static struct json_object *
attempt_json(const struct db_attempt *a)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_int(o, "number", a->number);
	cron_json_add_str(o, "status", a->status);
	json_object_object_add(o, "statusCode", a->status_code >= 0 ?
	    json_object_new_int(a->status_code) : NULL);
	cron_json_add_int(o, "latencyMs", a->latency_ms);
	json_object_object_add(o, "bodyPreview", body_json(a));
	json_object_object_add(o, "responseHeaders", headers_json(a->headers));
	cron_json_add_str(o, "errorClass", a->error_class[0] != '\0' ?
	    a->error_class : NULL);
	cron_json_add_time(o, "started_at", a->started_at);
	return o;
}

/* The members every rendering of e starts with, in the documented order. */
static struct json_object *
exec_head(const struct db_exec *e)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", e->id);
	cron_json_add_str(o, "job_id", e->job_id);
	cron_json_add_str(o, "job_name", e->job_name);
	cron_json_add_str(o, "trigger", e->trigger);
	cron_json_add_str(o, "status", e->status);
	cron_json_add_time(o, "scheduled_for", e->scheduled_for);
	cron_json_add_time(o, "started_at", e->started_at);
	cron_json_add_time(o, "finished_at", e->finished_at);
	json_object_object_add(o, "duration_ms", e->duration_ms >= 0 ?
	    json_object_new_int64(e->duration_ms) : NULL);
	return o;
}

/*
 * The execution as the API shows it (SPEC §6), with its n attempts in
 * order (none while queued: a may then be NULL) and an empty list of
 * notification deliveries (SPEC §8), which exec_notifications() fills.
 */
struct json_object *
exec_json(const struct db_exec *e, const struct db_attempt *a, size_t n)
{
	struct json_object	*o = exec_head(e), *arr;
	size_t			 i;

	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, attempt_json(&a[i]));
	json_object_object_add(o, "attempts", arr);
	cron_json_add_str(o, "replay_of", e->replay_of[0] != '\0' ?
	    e->replay_of : NULL);
	json_object_object_add(o, "notifications", json_object_new_array());
	return o;
}

/* Sets the notifications of o (from exec_json) to the n deliveries d. */
void
exec_notifications(struct json_object *o, const struct db_exec_delivery *d,
    size_t n)
{
	struct json_object	*arr = json_object_new_array();
	size_t			 i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, delivery_json(&d[i]));
	json_object_object_add(o, "notifications", arr);
}

/*
 * An execution in a list: the same members, except that attempt_count
 * (how many attempts were made) stands in for the attempts themselves,
 * which GET /v1/executions/:id shows.
 */
struct json_object *
exec_item_json(const struct db_exec *e)
{
	struct json_object	*o = exec_head(e);

	cron_json_add_int(o, "attempt_count", e->attempt_count);
	cron_json_add_str(o, "replay_of", e->replay_of[0] != '\0' ?
	    e->replay_of : NULL);
	return o;
}

/*
 * Counts e against its workspace's monthly executions (SPEC §10) and
 * inserts it, in the caller's transaction.  Returns DB_OK, a db error, or
 * EXEC_QUOTA (nothing written) when the plan's executions are used up.
 */
int
exec_insert(struct db *db, const struct api_req *req, const struct db_exec *e)
{
	int	rc;

	rc = db_usage_take(db, e->workspace_id, cron_now_ms(), 1,
	    api_plan(req)->max_executions_per_month);
	if (rc == DB_NOTFOUND)
		return EXEC_QUOTA;
	return rc != DB_OK ? rc : db_exec_insert(db, e);
}

/* Answers 403 plan_limit_exceeded for the monthly executions. */
void
exec_quota_error(struct api_req *req)
{
	api_error(req, API_E_PLAN_LIMIT_EXCEEDED, "the plan's executions for "
	    "this month are used up", api_limit_details(
	    "max_executions_per_month",
	    api_plan(req)->max_executions_per_month));
}
