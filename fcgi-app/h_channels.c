/*
 * /v1/notification-channels and /v1/jobs/:id/notification-rules (SPEC §8):
 * channels (create, list, get, PATCH, delete, test) and the rules that
 * tie a job's outcomes to them.  Validation, sealing and rendering are
 * channel.c's; the scheduler sends what is queued.  Writes that read
 * before they write (PATCH, test, a new rule) lock the rows they depend
 * on inside one transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

#define RULES_MAX	20	/* per job */

/* One write, run inside db_txn; err/why or fields say how it was refused. */
struct chan_txn {
	struct api_req		*req;
	const char		*wid;
	const char		*id;		/* channel's, or job's */
	int64_t			 now;
	struct db_channel	 c;
	struct db_rule		 r;
	char			 message_id[5 + CRON_ID_LEN + 1];
	enum api_err		 err;
	const char		*why;
	struct json_object	*fields;	/* 422 details.fields */
};

static void
chan_txn_init(struct chan_txn *t, struct api_req *req)
{
	memset(t, 0, sizeof(*t));
	t->req = req;
	t->wid = req->caller.s.workspace_id;
	t->id = req->nparams > 0 ? req->params[0] : NULL;
	t->now = cron_now_ms();
	t->err = API_E__MAX;
}

/* Refuses the transaction's write with err (answered after it). */
static int
refuse(struct chan_txn *t, enum api_err err, const char *why)
{
	t->err = err;
	t->why = why;
	return DB_NOTFOUND;
}

/* Refuses with 422, field: why. */
static int
refuse_field(struct chan_txn *t, const char *field, const char *why)
{
	json_object_put(t->fields);
	t->fields = json_object_new_object();
	cron_json_add_str(t->fields, field, why);
	return DB_NOTFOUND;
}

/*
 * Runs fn in a transaction and answers any refusal: notfound is the 404
 * message, conflict the 409 one for a duplicate.  Returns 0 when done.
 */
static int
run_txn(struct chan_txn *t, int (*fn)(struct db *, void *),
    const char *notfound, const char *conflict)
{
	int	rc;

	rc = db_txn(t->req->ctx->db, fn, t);
	if (t->fields != NULL) {
		api_fields_answer(t->req, t->fields);
		t->fields = NULL;
		return -1;
	}
	if (t->err != API_E__MAX) {
		api_error(t->req, t->err, t->why, NULL);
		return -1;
	}
	if (rc == DB_NOTFOUND)
		api_error(t->req, API_E_NOT_FOUND, notfound, NULL);
	else if (rc == DB_DUPLICATE && conflict != NULL)
		api_error(t->req, API_E_CONFLICT, conflict, NULL);
	else if (rc != DB_OK)
		api_db_error(t->req, rc);
	return rc == DB_OK ? 0 : -1;
}

/* Answers 404 for path parameter i that cannot be an id; returns -1. */
static int
id_param(struct api_req *req, size_t i, const char *notfound)
{
	if (i < req->nparams && cron_id_valid(req->params[i]))
		return 0;
	api_error(req, API_E_NOT_FOUND, notfound, NULL);
	return -1;
}

#define NO_CHANNEL	"no such channel"
#define NO_JOB		"no such job"
#define NO_RULE		"no such notification rule"
#define NAME_TAKEN	"a channel with this name exists in the workspace"

/* POST /v1/notification-channels {name, type, config} -> 201 channel. */
void
h_channels_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 100,
		    channel_name_valid },
		{ "type", API_F_STRING, API_F_REQUIRED, 1, 16,
		    channel_type_valid },
		{ "config", API_F_OBJECT, API_F_REQUIRED, 0, 0, NULL },
	};
	struct json_object	*fields = json_object_new_object(), *cfg;
	struct chan_spec	 spec;
	struct db_channel	 c;
	const char		*type;
	int			 rc;

	memset(&spec, 0, sizeof(spec));
	memset(&c, 0, sizeof(c));
	if (!json_object_is_type(req->json, json_type_object))
		cron_json_add_str(fields, "body", "must be a JSON object");
	else {
		api_check_fields(req->json, NULL, f, 3, fields);
		type = cron_json_str(req->json, "type");
		if (json_object_object_get_ex(req->json, "config", &cfg) &&
		    json_object_is_type(cfg, json_type_object) &&
		    type != NULL && channel_type_valid(type) == NULL)
			(void)channel_config(req->ctx->conf, type, cfg, NULL,
			    0, &spec, fields);
	}
	if (api_fields_answer(req, fields) == -1)
		goto out;
	cron_id_new(c.id);
	snprintf(c.workspace_id, sizeof(c.workspace_id), "%s",
	    req->caller.s.workspace_id);
	snprintf(c.name, sizeof(c.name), "%s", cron_json_str(req->json,
	    "name"));
	snprintf(c.type, sizeof(c.type), "%s", cron_json_str(req->json,
	    "type"));
	snprintf(c.created_by, sizeof(c.created_by), "%s",
	    req->caller.s.user_id);
	c.created_at = c.updated_at = cron_now_ms();
	if (channel_store(req, &spec, &c) == -1) {
		api_error(req, API_E_INTERNAL, NULL, NULL);
		goto out;
	}
	rc = db_channel_insert(req->ctx->db, &c);
	if (rc == DB_DUPLICATE)
		api_error(req, API_E_CONFLICT, NAME_TAKEN, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		log_info("%s channel %s created (%s) in workspace %s%s",
		    req->request_id, c.id, c.type, c.workspace_id,
		    c.has_creds ? ", credentials sealed" : "");
		api_respond(req, 201, channel_json(&c));
	}
out:
	chan_spec_clear(&spec);
	db_channel_clear(&c);
	channel_wipe(req);
}

/* GET /v1/notification-channels?limit=&cursor= : newest first. */
void
h_channels_list(struct api_req *req)
{
	struct json_object	*items;
	struct db_channel	*c;
	char			 cursor[26];
	size_t			 n, i;
	int			 limit, rc;

	if (api_page(req, &limit, cursor) == -1)
		return;
	rc = db_channel_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    limit + 1, &c, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, channel_json(&c[i]));
	api_respond_page(req, items, limit, n > 0 ?
	    c[api_page_last(n, limit)].id : NULL);
	db_channels_free(c, n);
}

/* GET /v1/notification-channels/:id */
void
h_channels_get(struct api_req *req)
{
	struct db_channel	c;
	int			rc;

	if (id_param(req, 0, NO_CHANNEL) == -1)
		return;
	rc = db_channel_get(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], 0, &c);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NO_CHANNEL, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else
		api_respond(req, 200, channel_json(&c));
	db_channel_clear(&c);
}

static int
patch_txn(struct db *db, void *arg)
{
	struct chan_txn		*t = arg;
	struct json_object	*json = t->req->json, *cfg = NULL, *fields;
	struct chan_spec	 spec;
	const char		*type, *name;
	int			 rc;

	db_channel_clear(&t->c);
	if ((rc = db_channel_get(db, t->wid, t->id, 1, &t->c)) != DB_OK)
		return rc;
	fields = json_object_new_object();
	type = cron_json_str(json, "type");
	if (type != NULL && strcmp(type, t->c.type) != 0)
		api_field_bad(fields, NULL, "type", "cannot change; create a "
		    "new channel of the other type");
	if (json_object_object_get_ex(json, "config", &cfg) == 0)
		cfg = NULL;
	if (channel_config(t->req->ctx->conf, t->c.type, cfg, t->c.config,
	    t->c.has_creds, &spec, fields) == -1 ||
	    json_object_object_length(fields) > 0) {
		chan_spec_clear(&spec);
		if (json_object_object_length(fields) == 0) {
			/* a stored type this build does not know */
			json_object_put(fields);
			return DB_ERROR;
		}
		json_object_put(t->fields);
		t->fields = fields;
		return DB_NOTFOUND;
	}
	json_object_put(fields);
	if ((name = cron_json_str(json, "name")) != NULL)
		snprintf(t->c.name, sizeof(t->c.name), "%s", name);
	t->c.updated_at = t->now;
	rc = channel_store(t->req, &spec, &t->c);
	chan_spec_clear(&spec);
	if (rc == -1)
		return refuse(t, API_E_INTERNAL, NULL);
	return db_channel_update(db, &t->c);
}

/*
 * PATCH /v1/notification-channels/:id {name, config} -> 200 channel.
 * Config keys given replace the stored ones (a credential is sealed
 * anew), null unsets an optional one; the type cannot change.
 */
void
h_channels_patch(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, 0, 1, 100, channel_name_valid },
		{ "type", API_F_STRING, 0, 1, 16, channel_type_valid },
		{ "config", API_F_OBJECT, 0, 0, 0, NULL },
	};
	struct chan_txn	t;

	chan_txn_init(&t, req);
	if (id_param(req, 0, NO_CHANNEL) == -1 ||
	    api_validate(req, f, sizeof(f) / sizeof(f[0])) == -1)
		goto out;
	if (run_txn(&t, patch_txn, NO_CHANNEL, NAME_TAKEN) == 0) {
		log_info("%s channel %s updated%s", req->request_id, t.c.id,
		    json_object_object_get_ex(req->json, "config", NULL) ?
		    " (config)" : "");
		api_respond(req, 200, channel_json(&t.c));
	}
out:
	db_channel_clear(&t.c);
	channel_wipe(req);
}

/* DELETE /v1/notification-channels/:id -> 204, with its rules and
 * deliveries. */
void
h_channels_delete(struct api_req *req)
{
	int	rc;

	if (id_param(req, 0, NO_CHANNEL) == -1)
		return;
	rc = db_channel_delete(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0]);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NO_CHANNEL, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		log_info("%s channel %s deleted", req->request_id,
		    req->params[0]);
		api_respond(req, 204, NULL);
	}
}

static int
test_txn(struct db *db, void *arg)
{
	struct chan_txn	*t = arg;
	char		 id[CRON_ID_LEN + 1];
	int		 rc;

	/* the lock orders this against a delete of the channel */
	db_channel_clear(&t->c);
	if ((rc = db_channel_get(db, t->wid, t->id, 1, &t->c)) != DB_OK)
		return rc;
	cron_id_new(id);
	snprintf(t->message_id, sizeof(t->message_id), "msg_%s", id);
	return db_channel_test(db, t->message_id, t->wid, t->id, t->now);
}

/*
 * POST /v1/notification-channels/:id/test -> 202 {"delivery": ...}: a
 * test message queued for the scheduler to send at once.
 */
void
h_channels_test(struct api_req *req)
{
	struct json_object	*o;
	struct db_exec_delivery	 d;
	struct chan_txn		 t;

	if (id_param(req, 0, NO_CHANNEL) == -1)
		return;
	chan_txn_init(&t, req);
	if (run_txn(&t, test_txn, NO_CHANNEL, NULL) == 0) {
		memset(&d, 0, sizeof(d));
		snprintf(d.message_id, sizeof(d.message_id), "%s",
		    t.message_id);
		memcpy(d.channel_id, t.c.id, sizeof(d.channel_id));
		memcpy(d.channel_name, t.c.name, sizeof(d.channel_name));
		memcpy(d.type, t.c.type, sizeof(d.type));
		snprintf(d.event, sizeof(d.event), "test");
		snprintf(d.status, sizeof(d.status), "queued");
		d.response_status = -1;
		d.created_at = t.now;
		d.sent_at = -1;
		log_info("%s test message %s queued for channel %s",
		    req->request_id, t.message_id, t.c.id);
		o = json_object_new_object();
		json_object_object_add(o, "delivery", delivery_json(&d));
		api_respond(req, 202, o);
	}
	db_channel_clear(&t.c);
}

/* --- rules ------------------------------------------------------------ */

static const char *
rule_event_valid(const char *s)
{
	return strcmp(s, "on_success") == 0 || strcmp(s, "on_failure") == 0 ||
	    strcmp(s, "on_completion") == 0 ? NULL :
	    "must be one of on_success, on_failure, on_completion";
}

static int
rule_txn(struct db *db, void *arg)
{
	struct chan_txn	*t = arg;
	struct db_job	 j;
	long long	 n;
	int		 rc;

	/* job, then channel: the locks keep a concurrent delete of either
	 * from failing the insert, and count the job's rules one at a time */
	rc = db_job_get(db, t->wid, t->id, 1, &j);
	db_job_clear(&j);
	if (rc == DB_NOTFOUND)
		return refuse(t, API_E_NOT_FOUND, NO_JOB);
	if (rc != DB_OK)
		return rc;
	db_channel_clear(&t->c);
	rc = db_channel_get(db, t->wid, t->r.channel_id, 1, &t->c);
	if (rc == DB_NOTFOUND)
		return refuse_field(t, "channel_id",
		    "no such channel in this workspace");
	if (rc != DB_OK ||
	    (rc = db_rule_count(db, t->wid, t->id, &n)) != DB_OK)
		return rc;
	if (n >= RULES_MAX)
		return refuse_field(t, "job_id", "has 20 notification rules, "
		    "the most a job may have");
	return db_rule_insert(db, &t->r, t->wid, t->req->caller.s.user_id);
}

/*
 * POST /v1/jobs/:id/notification-rules {channel_id, event} -> 201 rule.
 * The job (404) and the channel (422) must be in the workspace; one rule
 * per job, channel and event (409); at most RULES_MAX per job (422).
 */
void
h_rules_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "channel_id", API_F_STRING, API_F_REQUIRED, 1, 64, valid_id },
		{ "event", API_F_STRING, API_F_REQUIRED, 1, 16,
		    rule_event_valid },
	};
	struct chan_txn	t;

	if (id_param(req, 0, NO_JOB) == -1 || api_validate(req, f, 2) == -1)
		return;
	chan_txn_init(&t, req);
	cron_id_new(t.r.id);
	snprintf(t.r.job_id, sizeof(t.r.job_id), "%s", t.id);
	snprintf(t.r.channel_id, sizeof(t.r.channel_id), "%s",
	    cron_json_str(req->json, "channel_id"));
	snprintf(t.r.event, sizeof(t.r.event), "%s",
	    cron_json_str(req->json, "event"));
	t.r.created_at = t.now;
	if (run_txn(&t, rule_txn, NO_JOB, "the job already has a rule for "
	    "this channel and event") == 0) {
		log_info("%s notification rule %s created (job %s, channel %s, "
		    "%s)", req->request_id, t.r.id, t.r.job_id, t.r.channel_id,
		    t.r.event);
		api_respond(req, 201, rule_json(&t.r));
	}
	db_channel_clear(&t.c);
}

/* GET /v1/jobs/:id/notification-rules: all of them (at most RULES_MAX),
 * newest first, in the list shape. */
void
h_rules_list(struct api_req *req)
{
	struct json_object	*o, *items;
	struct db_rule		*r = NULL;
	struct db_job		 j;
	size_t			 n = 0, i;
	int			 rc;

	if (id_param(req, 0, NO_JOB) == -1)
		return;
	rc = db_job_get(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], 0, &j);
	db_job_clear(&j);
	if (rc == DB_OK)
		rc = db_rule_list(req->ctx->db, req->caller.s.workspace_id,
		    req->params[0], &r, &n);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NO_JOB, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		items = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(items, rule_json(&r[i]));
		o = json_object_new_object();
		json_object_object_add(o, "items", items);
		cron_json_add_str(o, "next_cursor", NULL);
		api_respond(req, 200, o);
	}
	free(r);
}

/* DELETE /v1/jobs/:id/notification-rules/:rule_id -> 204 */
void
h_rules_delete(struct api_req *req)
{
	int	rc;

	if (id_param(req, 0, NO_RULE) == -1 || id_param(req, 1, NO_RULE) == -1)
		return;
	rc = db_rule_delete(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0], req->params[1]);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NO_RULE, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		log_info("%s notification rule %s deleted", req->request_id,
		    req->params[1]);
		api_respond(req, 204, NULL);
	}
}
