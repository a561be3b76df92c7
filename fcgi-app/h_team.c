/*
 * The workspace and its team (SPEC §3.4): settings, members, invites and
 * ownership transfer.  Exactly one owner at all times: the owner's role
 * changes only by transfer, which swaps the two roles in one transaction,
 * and the database refuses a second owner row (sql/0003-team.sql).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "crypto.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define INVITE_TTL	(7 * 24 * 3600)

static const char *
valid_invite_role(const char *s)
{
	return strcmp(s, "admin") == 0 || strcmp(s, "member") == 0 ? NULL :
	    "must be admin or member (ownership moves by transfer)";
}

static struct json_object *
workspace_json(const struct db_workspace *w)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", w->id);
	cron_json_add_str(o, "name", w->name);
	cron_json_add_str(o, "timezone", w->timezone);
	json_object_object_add(o, "restricted",
	    json_object_new_boolean(w->restricted));
	cron_json_add_str(o, "restriction_reason",
	    w->restricted ? w->restriction_reason : NULL);
	cron_json_add_time(o, "created_at", w->created_at);
	return o;
}

static void
respond_workspace(struct api_req *req)
{
	struct db_workspace	w;
	int			rc;

	rc = db_workspace_get(req->ctx->db, req->caller.s.workspace_id, &w);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	api_respond(req, 200, workspace_json(&w));
}

/* GET /v1/workspace */
void
h_workspace_get(struct api_req *req)
{
	respond_workspace(req);
}

/* PATCH /v1/workspace {name?, timezone?} (owner) */
void
h_workspace_patch(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, 0, 1, 100, NULL },
		{ "timezone", API_F_STRING, 0, 1, 64, valid_timezone },
	};
	int	rc;

	if (api_validate(req, f, 2) == -1)
		return;
	rc = db_workspace_update(req->ctx->db, req->caller.s.workspace_id,
	    cron_json_str(req->json, "name"),
	    cron_json_str(req->json, "timezone"));
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	respond_workspace(req);
}

/* GET /v1/workspace/members: {items:[{user{id,name,email}, role, joined_at}]} */
void
h_members_list(struct api_req *req)
{
	struct json_object	*items, *it, *u;
	struct db_member	*m;
	char			 cursor[26];
	size_t			 n, i;
	int			 limit, rc;

	if (api_page(req, &limit, cursor) == -1)
		return;
	rc = db_member_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    limit + 1, &m, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++) {
		it = json_object_new_object();
		u = json_object_new_object();
		cron_json_add_str(u, "id", m[i].user_id);
		cron_json_add_str(u, "name", m[i].name);
		cron_json_add_str(u, "email", m[i].email);
		json_object_object_add(it, "user", u);
		cron_json_add_str(it, "role", m[i].role);
		cron_json_add_time(it, "joined_at", m[i].joined_at);
		json_object_array_add(items, it);
	}
	api_respond_page(req, items, limit, n > 0 ?
	    m[api_page_last(n, limit)].user_id : NULL);
	free(m);
}

/* A change to one membership, made in a transaction. */
struct member_op {
	const char	*wid, *uid, *owner, *role;
	enum { OP_ROLE, OP_REMOVE, OP_TRANSFER } op;
	enum api_err	 err;		/* API_E__MAX: no refusal */
	const char	*why;
	char		 was[8];
};

/* Applies a member_op under row locks; refusals go to m->err. */
static int
member_txn(struct db *db, void *arg)
{
	struct member_op	*m = arg;
	int			 rc;

	m->err = API_E__MAX;
	rc = db_member_role_lock(db, m->wid, m->uid, m->was, sizeof(m->was));
	if (rc == DB_NOTFOUND) {
		m->err = API_E_NOT_FOUND;
		m->why = "no such member";
		return DB_NOTFOUND;
	}
	if (rc != DB_OK)
		return rc;
	if (strcmp(m->was, "owner") == 0) {
		m->err = API_E_CONFLICT;
		m->why = m->op == OP_REMOVE ? "the owner cannot be removed; "
		    "transfer ownership first" : m->op == OP_ROLE ?
		    "the owner's role changes only by transfer" :
		    "you already own this workspace";
		return DB_NOTFOUND;
	}
	if (m->op == OP_REMOVE)
		return db_member_delete(db, m->wid, m->uid);
	if (m->op == OP_ROLE)
		return db_member_set_role(db, m->wid, m->uid, m->role);
	/* transfer: demote first, so one owner row exists at every step */
	if ((rc = db_member_set_role(db, m->wid, m->owner, "admin")) != DB_OK)
		return rc;
	return db_member_set_role(db, m->wid, m->uid, "owner");
}

/* Runs m; answers the refusal or error and returns -1, or returns 0. */
static int
member_change(struct api_req *req, struct member_op *m)
{
	int	rc;

	m->wid = req->caller.s.workspace_id;
	m->owner = req->caller.s.user_id;
	rc = db_txn(req->ctx->db, member_txn, m);
	if (m->err != API_E__MAX) {
		api_error(req, m->err, m->why, NULL);
		return -1;
	}
	if (rc != DB_OK)
		return api_db_error(req, rc);
	return 0;
}

/* PATCH /v1/workspace/members/:user_id {role} (owner) */
void
h_member_patch(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "role", API_F_STRING, API_F_REQUIRED, 1, 16,
		    valid_invite_role },
	};
	struct json_object	*o;
	struct member_op	 m;

	if (api_validate(req, f, 1) == -1)
		return;
	memset(&m, 0, sizeof(m));
	m.op = OP_ROLE;
	m.uid = req->params[0];
	m.role = cron_json_str(req->json, "role");
	if (!cron_id_valid(m.uid)) {
		api_error(req, API_E_NOT_FOUND, "no such member", NULL);
		return;
	}
	if (member_change(req, &m) == -1)
		return;
	log_info("%s member %s of %s: %s -> %s", req->request_id, m.uid,
	    m.wid, m.was, m.role);
	o = json_object_new_object();
	cron_json_add_str(o, "user_id", m.uid);
	cron_json_add_str(o, "role", m.role);
	api_respond(req, 200, o);
}

/* DELETE /v1/workspace/members/:user_id (owner; never the owner) */
void
h_member_delete(struct api_req *req)
{
	struct member_op	m;

	memset(&m, 0, sizeof(m));
	m.op = OP_REMOVE;
	m.uid = req->params[0];
	if (!cron_id_valid(m.uid)) {
		api_error(req, API_E_NOT_FOUND, "no such member", NULL);
		return;
	}
	if (member_change(req, &m) == -1)
		return;
	log_info("%s member %s removed from %s", req->request_id, m.uid, m.wid);
	api_respond(req, 204, NULL);
}

/* POST /v1/workspace/transfer {user_id}: the old owner becomes admin. */
void
h_workspace_transfer(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "user_id", API_F_STRING, API_F_REQUIRED, 25, 25, valid_id },
	};
	struct json_object	*o;
	struct member_op	 m;

	if (api_validate(req, f, 1) == -1)
		return;
	memset(&m, 0, sizeof(m));
	m.op = OP_TRANSFER;
	m.uid = cron_json_str(req->json, "user_id");
	if (member_change(req, &m) == -1)
		return;
	log_info("%s workspace %s transferred from %s to %s", req->request_id,
	    m.wid, m.owner, m.uid);
	o = json_object_new_object();
	cron_json_add_str(o, "workspace_id", m.wid);
	cron_json_add_str(o, "owner_id", m.uid);
	cron_json_add_str(o, "previous_owner_id", m.owner);
	cron_json_add_str(o, "previous_owner_role", "admin");
	api_respond(req, 200, o);
}

static struct json_object *
invite_json(const struct db_invite *i)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", i->id);
	cron_json_add_str(o, "email", i->email);
	cron_json_add_str(o, "role", i->role);
	cron_json_add_str(o, "invited_by", i->invited_by);
	cron_json_add_time(o, "created_at", i->created_at);
	cron_json_add_time(o, "expires_at", i->expires_at);
	return o;
}

struct invite_new {
	const struct api_req	*req;
	struct db_invite	 inv;
	char			 norm[DB_EMAIL_MAX];
	char			 raw[CRON_SECRET_HEXLEN + 1];
	char			 hash[CRON_SHA256_HEXLEN + 1];
	int			 member;
	int			 max;		/* refused: the plan's seats */
};

/*
 * The max_members quota (SPEC §10) of workspace wid with `adding` more
 * seats: 0 when they fit, else the plan's limit.  Locks the workspace.
 */
static int
seats_refused(struct db *db, const struct api_req *req, const char *wid,
    int adding, int *rc)
{
	const struct cron_plan	*p;
	struct db_seats		 s;

	if ((*rc = db_usage_seats(db, wid, &s)) != DB_OK)
		return 0;
	p = cron_plan_of(req->ctx->conf, s.plan);
	if (p->max_members > 0 && s.members + s.invites + adding >
	    p->max_members)
		return p->max_members;
	return 0;
}

/* Replaces any pending invite for the address, then queues the mail. */
static int
invite_txn(struct db *db, void *arg)
{
	struct invite_new	*n = arg;
	const struct db_session	*s = &n->req->caller.s;
	char			 mid[CRON_ID_LEN + 1], *body;
	int			 rc;

	if ((rc = db_invite_delete_pending(db, s->workspace_id, n->norm)) !=
	    DB_OK)
		return rc;
	if ((n->max = seats_refused(db, n->req, s->workspace_id, 1, &rc)) > 0)
		return DB_NOTFOUND;
	if (rc != DB_OK || (rc = db_invite_insert(db, n->inv.id, s->workspace_id,
	    n->inv.email, n->norm, n->inv.role, n->hash, s->user_id,
	    INVITE_TTL)) != DB_OK)
		return rc;
	cron_id_new(mid);
	body = xasprintf("Hello,\n\n%s invited you to the workspace \"%s\" on "
	    "cron-platform as %s.\n\nTo accept, sign in (or sign up with this "
	    "address) and open this link\nwithin 7 days:\n\n"
	    "%s/invite?token=%s\n\n"
	    "(or: POST /v1/invites/accept with {\"token\": \"%s\"})\n",
	    s->user_name, s->workspace_name, n->inv.role,
	    n->req->ctx->conf->public_url, n->raw, n->raw);
	rc = db_mail_insert(db, mid, n->inv.email,
	    "You are invited to a cron-platform workspace", body);
	xfreezero(body, strlen(body));
	return rc;
}

/* POST /v1/workspace/invites {email, role} (owner) */
void
h_invites_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "email", API_F_STRING, API_F_REQUIRED, 3, 254, valid_email },
		{ "role", API_F_STRING, API_F_REQUIRED, 1, 16,
		    valid_invite_role },
	};
	struct invite_new	n;
	struct db_user		u;
	char			role[8];
	int			rc;

	if (api_validate(req, f, 2) == -1)
		return;
	memset(&n, 0, sizeof(n));
	n.req = req;
	snprintf(n.inv.email, sizeof(n.inv.email), "%s",
	    cron_json_str(req->json, "email"));
	snprintf(n.inv.role, sizeof(n.inv.role), "%s",
	    cron_json_str(req->json, "role"));
	api_email_norm(n.inv.email, n.norm);
	if (db_user_by_email(req->ctx->db, n.norm, &u) == DB_OK &&
	    db_member_role_lock(req->ctx->db, req->caller.s.workspace_id, u.id,
	    role, sizeof(role)) == DB_OK) {
		api_error(req, API_E_CONFLICT, "already a member", NULL);
		return;
	}
	cron_id_new(n.inv.id);
	cron_secret_new(n.raw, n.hash);
	rc = db_txn(req->ctx->db, invite_txn, &n);
	explicit_bzero(n.raw, sizeof(n.raw));
	if (n.max > 0) {
		api_error(req, API_E_PLAN_LIMIT_EXCEEDED, "the plan's members "
		    "(and pending invites) are at its limit",
		    api_limit_details("max_members", n.max));
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s invite %s to workspace %s", req->request_id, n.inv.id,
	    req->caller.s.workspace_id);
	snprintf(n.inv.invited_by, sizeof(n.inv.invited_by), "%s",
	    req->caller.s.user_id);
	n.inv.created_at = cron_now_ms();
	n.inv.expires_at = n.inv.created_at + INVITE_TTL * 1000LL;
	api_respond(req, 201, invite_json(&n.inv));
}

/* GET /v1/workspace/invites: pending invites, newest first. */
void
h_invites_list(struct api_req *req)
{
	struct json_object	*items;
	struct db_invite	*inv;
	char			 cursor[26];
	size_t			 n, i;
	int			 limit, rc;

	if (api_page(req, &limit, cursor) == -1)
		return;
	rc = db_invite_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    limit + 1, &inv, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, invite_json(&inv[i]));
	api_respond_page(req, items, limit, n > 0 ?
	    inv[api_page_last(n, limit)].id : NULL);
	free(inv);
}

/* DELETE /v1/workspace/invites/:id (owner) */
void
h_invites_delete(struct api_req *req)
{
	int	rc;

	if (!cron_id_valid(req->params[0])) {
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
		return;
	}
	rc = db_invite_delete(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0]);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else
		api_respond(req, 204, NULL);
}

struct accept {
	const struct api_req	*req;
	char			 hash[CRON_SHA256_HEXLEN + 1];
	struct db_invite	 inv;
	enum api_err		 err;
	const char		*why;
	int			 max;		/* refused: the plan's seats */
};

static int
accept_txn(struct db *db, void *arg)
{
	struct accept		*a = arg;
	const struct db_session	*s = &a->req->caller.s;
	char			 norm[DB_EMAIL_MAX], role[8];
	int			 rc;

	a->err = API_E__MAX;
	rc = db_invite_find(db, a->hash, &a->inv);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return rc;
	api_email_norm(s->user_email, norm);
	if (rc == DB_NOTFOUND || a->inv.expired || a->inv.accepted)
		a->why = "is invalid, already used or expired";
	else if (strcmp(norm, a->inv.email) != 0)
		a->why = "was sent to another email address";
	if (a->why != NULL) {
		a->err = API_E_VALIDATION;
		return DB_NOTFOUND;
	}
	if (db_member_role_lock(db, a->inv.workspace_id, s->user_id, role,
	    sizeof(role)) == DB_OK) {
		a->err = API_E_CONFLICT;
		a->why = "already a member of this workspace";
		return DB_NOTFOUND;
	}
	/* the invite held a seat; over the limit if the plan shrank since */
	if ((a->max = seats_refused(db, a->req, a->inv.workspace_id, 0, &rc)) >
	    0) {
		a->err = API_E_PLAN_LIMIT_EXCEEDED;
		a->why = "the workspace's plan has no free member seat";
		return DB_NOTFOUND;
	}
	if (rc != DB_OK || (rc = db_invite_accept(db, a->inv.id)) != DB_OK)
		return rc;
	return db_membership_insert(db, a->inv.workspace_id, s->user_id,
	    a->inv.role);
}

/* POST /v1/invites/accept {token} (bearer of the invited user) */
void
h_invites_accept(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "token", API_F_STRING, API_F_REQUIRED, 1, 128, NULL },
	};
	struct json_object	*o, *w;
	struct accept		 a;
	const char		*tok;
	int			 rc;

	if (api_validate(req, f, 1) == -1)
		return;
	memset(&a, 0, sizeof(a));
	a.req = req;
	tok = cron_json_str(req->json, "token");
	cron_sha256_hex(tok, strlen(tok), a.hash);
	rc = db_txn(req->ctx->db, accept_txn, &a);
	if (a.err == API_E_VALIDATION) {
		api_invalid(req, "token", a.why);
		return;
	}
	if (a.err != API_E__MAX) {
		api_error(req, a.err, a.why, a.max > 0 ?
		    api_limit_details("max_members", a.max) : NULL);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s user %s joined workspace %s as %s", req->request_id,
	    req->caller.s.user_id, a.inv.workspace_id, a.inv.role);
	o = json_object_new_object();
	w = json_object_new_object();
	cron_json_add_str(w, "id", a.inv.workspace_id);
	cron_json_add_str(w, "name", a.inv.workspace_name);
	json_object_object_add(o, "workspace", w);
	cron_json_add_str(o, "role", a.inv.role);
	api_respond(req, 200, o);
}
