/* GET /v1/me, GET and POST /v1/workspaces: the caller's own account. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"

/* GET /v1/me: the user, the current workspace (if a member) and the role. */
void
h_me_get(struct api_req *req)
{
	const struct db_session	*s = &req->caller.s;
	struct json_object	*o, *u, *w = NULL;

	o = json_object_new_object();
	u = json_object_new_object();
	cron_json_add_str(u, "id", s->user_id);
	cron_json_add_str(u, "name", s->user_name);
	cron_json_add_str(u, "email", s->user_email);
	cron_json_add_str(u, "trust_level", s->trust_level);
	json_object_object_add(o, "user", u);
	if (req->caller.member) {
		w = json_object_new_object();
		cron_json_add_str(w, "id", s->workspace_id);
		cron_json_add_str(w, "name", s->workspace_name);
		cron_json_add_str(w, "timezone", s->timezone);
		json_object_object_add(w, "restricted",
		    json_object_new_boolean(s->ws_restricted));
		cron_json_add_str(w, "restriction_reason",
		    s->ws_restricted ? s->restriction_reason : NULL);
	}
	json_object_object_add(o, "workspace", w);
	cron_json_add_str(o, "role", req->caller.member ?
	    api_role_name(req->caller.role) : NULL);
	json_object_object_add(o, "credential", json_object_new_string(
	    req->caller.cred == API_CRED_TOKEN ? "api_token" : "session"));
	api_respond(req, 200, o);
}

/* GET /v1/workspaces: {items:[{workspace{id,name}, role}]} */
void
h_workspaces_list(struct api_req *req)
{
	struct json_object	*o, *a, *it, *w;
	struct db_membership	*m;
	size_t			 n, i;
	int			 rc;

	rc = db_membership_list_user(req->ctx->db, req->caller.s.user_id, &m,
	    &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		it = json_object_new_object();
		w = json_object_new_object();
		cron_json_add_str(w, "id", m[i].workspace_id);
		cron_json_add_str(w, "name", m[i].name);
		json_object_object_add(it, "workspace", w);
		cron_json_add_str(it, "role", m[i].role);
		json_object_array_add(a, it);
	}
	free(m);
	o = json_object_new_object();
	json_object_object_add(o, "items", a);
	api_respond(req, 200, o);
}

struct ws_create {
	const char	*uid, *name, *tz, *plan;
	char		 wid[CRON_ID_LEN + 1];
};

static int
ws_create_txn(struct db *db, void *arg)
{
	struct ws_create	*c = arg;
	int			 rc;

	if ((rc = db_workspace_insert(db, c->wid, c->name, c->tz,
	    c->plan)) != DB_OK)
		return rc;
	return db_membership_insert(db, c->wid, c->uid, "owner");
}

/* POST /v1/workspaces {name, timezone}: a new workspace the caller owns. */
void
h_workspaces_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 100, NULL },
		{ "timezone", API_F_STRING, 0, 1, 64, valid_timezone },
	};
	struct json_object	*o, *w;
	struct ws_create	 c;
	int			 rc;

	if (api_validate(req, f, 2) == -1)
		return;
	c.uid = req->caller.s.user_id;
	c.plan = req->ctx->conf->default_plan;
	c.name = cron_json_str(req->json, "name");
	if ((c.tz = cron_json_str(req->json, "timezone")) == NULL)
		c.tz = "UTC";
	cron_id_new(c.wid);
	if ((rc = db_txn(req->ctx->db, ws_create_txn, &c)) != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s workspace %s created by %s", req->request_id, c.wid, c.uid);
	o = json_object_new_object();
	w = json_object_new_object();
	cron_json_add_str(w, "id", c.wid);
	cron_json_add_str(w, "name", c.name);
	cron_json_add_str(w, "timezone", c.tz);
	json_object_object_add(w, "restricted", json_object_new_boolean(0));
	cron_json_add_str(w, "restriction_reason", NULL);
	json_object_object_add(o, "workspace", w);
	cron_json_add_str(o, "role", "owner");
	api_respond(req, 201, o);
}

struct delete_me {
	const char	*uid;
	long long	 shared;
};

/* Deletes the workspaces the user owns alone, then the user. */
static int
delete_me_txn(struct db *db, void *arg)
{
	struct delete_me	*d = arg;
	int			 rc;

	if ((rc = db_member_owned_shared(db, d->uid, &d->shared)) != DB_OK)
		return rc;
	if (d->shared > 0)
		return DB_NOTFOUND;
	if ((rc = db_workspace_delete_sole(db, d->uid)) != DB_OK)
		return rc;
	return db_user_delete(db, d->uid);
}

/*
 * DELETE /v1/me: deletes the account and the workspaces it owns alone.
 * Refused (409) while it owns a workspace with other members: transfer
 * ownership first.  Its API tokens elsewhere then answer token_orphaned.
 */
void
h_me_delete(struct api_req *req)
{
	struct delete_me	d;
	int			rc;

	d.uid = req->caller.s.user_id;
	d.shared = 0;
	rc = db_txn(req->ctx->db, delete_me_txn, &d);
	if (d.shared > 0) {
		api_error(req, API_E_CONFLICT, "you own a workspace with other "
		    "members; transfer its ownership first", NULL);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s account %s deleted", req->request_id, d.uid);
	api_respond(req, 204, NULL);
}
