/*
 * The /v1/auth/ endpoints: signup, email verification, login, workspace switch and
 * password change (SPEC §3.1, §3.2).  Signup writes the user, workspace,
 * owner membership, verification token and mail in one transaction; the
 * mail itself is sent by cron-scheduler from the outbox.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "crypto.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "password.h"
#include "xmalloc.h"

#define VERIFY_TTL	(24 * 3600)
#define PASSWORD_MIN	10
#define PASSWORD_MAX	256

/* A fresh single-use token and the SHA-256 hex stored for it. */
struct email_token {
	char	raw[CRON_SECRET_HEXLEN + 1];
	char	hash[CRON_SHA256_HEXLEN + 1];
};

static void
scrypt_params(const struct api_req *req, struct cron_scrypt *p)
{
	p->log2_n = req->ctx->conf->password_scrypt_log2n;
	p->r = req->ctx->conf->password_scrypt_r;
	p->p = req->ctx->conf->password_scrypt_p;
}

static struct json_object *
obj_workspace(const char *id, const char *name)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", id);
	cron_json_add_str(o, "name", name);
	return o;
}

/* Queues the verification mail for user (uid, name, email) with token t. */
static int
queue_verify_mail(struct db *db, const struct api_req *req,
    const char *name, const char *email, const struct email_token *t)
{
	char	 id[CRON_ID_LEN + 1], *body;
	int	 rc;

	cron_id_new(id);
	body = xasprintf("Hello %s,\n\n"
	    "please confirm your email address for cron-platform by opening\n"
	    "this link (it works once, within 24 hours):\n\n"
	    "%s/v1/auth/verify-email?token=%s\n\n"
	    "If you did not sign up, ignore this message.\n",
	    name, req->ctx->conf->public_url, t->raw);
	rc = db_mail_insert(db, id, email, "Confirm your email address", body);
	xfreezero(body, strlen(body));
	return rc;
}

struct signup {
	const struct api_req	*req;
	const char		*name, *email, *wsname, *tz, *hash;
	char			 norm[DB_EMAIL_MAX];
	char			 uid[CRON_ID_LEN + 1], wid[CRON_ID_LEN + 1];
	struct email_token	 tok;
};

/* The signup transaction: every row or none. */
static int
signup_txn(struct db *db, void *arg)
{
	struct signup	*s = arg;
	char		 tid[CRON_ID_LEN + 1];
	int		 rc;

	cron_id_new(tid);
	if ((rc = db_user_insert(db, s->uid, s->email, s->norm, s->name,
	    s->hash)) != DB_OK ||
	    (rc = db_workspace_insert(db, s->wid, s->wsname, s->tz,
	    s->req->ctx->conf->default_plan)) != DB_OK ||
	    (rc = db_membership_insert(db, s->wid, s->uid, "owner")) != DB_OK ||
	    (rc = db_email_token_insert(db, tid, s->uid, "verify_email",
	    s->tok.hash, VERIFY_TTL)) != DB_OK)
		return rc;
	return queue_verify_mail(db, s->req, s->name, s->email, &s->tok);
}

/* POST /v1/auth/signup */
void
h_auth_signup(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 100, NULL },
		{ "email", API_F_STRING, API_F_REQUIRED, 3, 254, valid_email },
		{ "password", API_F_STRING, API_F_REQUIRED, PASSWORD_MIN,
		    PASSWORD_MAX, NULL },
		{ "workspace_name", API_F_STRING, API_F_REQUIRED, 1, 100, NULL },
		{ "timezone", API_F_STRING, 0, 1, 64, valid_timezone },
	};
	struct json_object	*o, *u;
	struct cron_scrypt	 sp;
	struct signup		 s;
	char			*hash, *jwt;
	int			 rc;

	if (api_validate(req, f, sizeof(f) / sizeof(f[0])) == -1)
		return;
	memset(&s, 0, sizeof(s));
	s.req = req;
	s.name = cron_json_str(req->json, "name");
	s.email = cron_json_str(req->json, "email");
	s.wsname = cron_json_str(req->json, "workspace_name");
	if ((s.tz = cron_json_str(req->json, "timezone")) == NULL)
		s.tz = "UTC";
	api_email_norm(s.email, s.norm);
	scrypt_params(req, &sp);
	if ((hash = cron_password_hash(cron_json_str(req->json, "password"),
	    &sp)) == NULL) {
		api_error(req, API_E_INTERNAL, NULL, NULL);
		return;
	}
	s.hash = hash;
	cron_id_new(s.uid);
	cron_id_new(s.wid);
	cron_secret_new(s.tok.raw, s.tok.hash);
	rc = db_txn(req->ctx->db, signup_txn, &s);
	free(hash);
	explicit_bzero(&s.tok, sizeof(s.tok));
	if (rc == DB_DUPLICATE) {
		api_error(req, API_E_CONFLICT, "this email is already registered",
		    NULL);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s signup user %s workspace %s", req->request_id, s.uid,
	    s.wid);
	jwt = api_jwt_issue(req, s.uid, s.wid);
	o = json_object_new_object();
	cron_json_add_str(o, "token", jwt);
	json_object_object_add(o, "workspace", obj_workspace(s.wid, s.wsname));
	u = json_object_new_object();
	cron_json_add_str(u, "id", s.uid);
	cron_json_add_str(u, "name", s.name);
	cron_json_add_str(u, "email", s.email);
	cron_json_add_str(u, "trust_level", "pending_verification");
	json_object_object_add(o, "user", u);
	json_object_object_add(o, "email_verification_required",
	    json_object_new_boolean(1));
	api_respond(req, 202, o);
	xfreezero(jwt, strlen(jwt));
}

struct verify {
	char		 hash[CRON_SHA256_HEXLEN + 1];
	char		 uid[CRON_ID_LEN + 1];
	int		 bad;
};

/* Uses the token and verifies its user, atomically: a token works once. */
static int
verify_txn(struct db *db, void *arg)
{
	struct verify		*v = arg;
	struct db_email_token	 t;
	int			 rc;

	v->bad = 0;
	rc = db_email_token_find(db, v->hash, "verify_email", &t);
	if (rc == DB_NOTFOUND || (rc == DB_OK && (t.used || t.expired))) {
		v->bad = 1;
		return DB_NOTFOUND;
	}
	if (rc != DB_OK)
		return rc;
	if ((rc = db_email_token_use(db, t.id)) != DB_OK)
		return rc;
	snprintf(v->uid, sizeof(v->uid), "%s", t.user_id);
	rc = db_user_verify(db, t.user_id);
	return rc == DB_NOTFOUND ? DB_OK : rc;	/* already verified is fine */
}

static void
verify_token(struct api_req *req, const char *token)
{
	struct json_object	*o;
	struct verify		 v;
	int			 rc;

	memset(&v, 0, sizeof(v));
	cron_sha256_hex(token, strlen(token), v.hash);
	rc = db_txn(req->ctx->db, verify_txn, &v);
	if (v.bad) {
		api_invalid(req, "token", "is invalid, already used or expired");
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s email verified for user %s", req->request_id, v.uid);
	o = json_object_new_object();
	json_object_object_add(o, "verified", json_object_new_boolean(1));
	cron_json_add_str(o, "trust_level", "verified");
	api_respond(req, 200, o);
}

/* POST /v1/auth/verify-email {token} */
void
h_auth_verify_post(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "token", API_F_STRING, API_F_REQUIRED, 1, 128, NULL },
	};

	if (api_validate(req, f, 1) == -1)
		return;
	verify_token(req, cron_json_str(req->json, "token"));
}

/* GET /v1/auth/verify-email?token=... (the emailed link) */
void
h_auth_verify_get(struct api_req *req)
{
	char	tok[129];

	if (api_query(req, "token", tok, sizeof(tok)) <= 0) {
		api_invalid(req, "token", "is required");
		return;
	}
	verify_token(req, tok);
	explicit_bzero(tok, sizeof(tok));
}

struct resend {
	const struct api_req	*req;
	const struct db_session	*s;
	struct email_token	 tok;
};

static int
resend_txn(struct db *db, void *arg)
{
	struct resend	*r = arg;
	char		 tid[CRON_ID_LEN + 1];
	int		 rc;

	cron_id_new(tid);
	if ((rc = db_email_token_insert(db, tid, r->s->user_id, "verify_email",
	    r->tok.hash, VERIFY_TTL)) != DB_OK)
		return rc;
	return queue_verify_mail(db, r->req, r->s->user_name,
	    r->s->user_email, &r->tok);
}

/* POST /v1/auth/resend-verification (bearer) */
void
h_auth_resend(struct api_req *req)
{
	struct json_object	*o;
	struct resend		 r;
	int			 rc;

	if (strcmp(req->caller.s.trust_level, "pending_verification") != 0) {
		api_error(req, API_E_CONFLICT, "email is already verified",
		    NULL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.req = req;
	r.s = &req->caller.s;
	cron_secret_new(r.tok.raw, r.tok.hash);
	rc = db_txn(req->ctx->db, resend_txn, &r);
	explicit_bzero(&r.tok, sizeof(r.tok));
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "email_verification_required",
	    json_object_new_boolean(1));
	api_respond(req, 202, o);
}

/* Builds [{workspace{id,name}, role}] for user uid; NULL on db error. */
static struct json_object *
workspace_list(struct api_req *req, const char *uid, struct db_membership **m,
    size_t *n)
{
	struct json_object	*a, *it;
	size_t			 i;
	int			 rc;

	if ((rc = db_membership_list_user(req->ctx->db, uid, m, n)) != DB_OK) {
		api_db_error(req, rc);
		return NULL;
	}
	a = json_object_new_array();
	for (i = 0; i < *n; i++) {
		it = json_object_new_object();
		json_object_object_add(it, "workspace",
		    obj_workspace((*m)[i].workspace_id, (*m)[i].name));
		cron_json_add_str(it, "role", (*m)[i].role);
		json_object_array_add(a, it);
	}
	return a;
}

/* The "no workspace" id a session carries when its user has none. */
static const char nil_workspace[] = "c000000000000000000000000";

static void
login_ok(struct api_req *req, const struct db_user *u)
{
	struct json_object	*o, *a, *uo;
	struct db_membership	*m = NULL;
	size_t			 n = 0;
	char			*jwt;

	if ((a = workspace_list(req, u->id, &m, &n)) == NULL)
		return;
	jwt = api_jwt_issue(req, u->id, n > 0 ? m[0].workspace_id :
	    nil_workspace);
	o = json_object_new_object();
	cron_json_add_str(o, "token", jwt);
	json_object_object_add(o, "workspace", n > 0 ?
	    obj_workspace(m[0].workspace_id, m[0].name) : NULL);
	uo = json_object_new_object();
	cron_json_add_str(uo, "id", u->id);
	cron_json_add_str(uo, "name", u->name);
	cron_json_add_str(uo, "trust_level", u->trust_level);
	json_object_object_add(o, "user", uo);
	json_object_object_add(o, "workspaces", a);
	api_respond(req, 200, o);
	xfreezero(jwt, strlen(jwt));
	free(m);
}

/*
 * POST /v1/auth/login.  An unknown email costs the same scrypt work as a
 * wrong password, so timing does not tell which emails exist.
 */
void
h_auth_login(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "email", API_F_STRING, API_F_REQUIRED, 1, 254, NULL },
		{ "password", API_F_STRING, API_F_REQUIRED, 1, PASSWORD_MAX,
		    NULL },
	};
	struct cron_scrypt	 sp;
	struct db_user		 u;
	const char		*pw;
	char			 norm[DB_EMAIL_MAX], *rehash;
	int			 rc, ok;

	if (api_validate(req, f, 2) == -1)
		return;
	api_email_norm(cron_json_str(req->json, "email"), norm);
	pw = cron_json_str(req->json, "password");
	scrypt_params(req, &sp);
	rc = db_user_by_email(req->ctx->db, norm, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		api_db_error(req, rc);
		return;
	}
	if (rc == DB_NOTFOUND) {
		cron_password_dummy_verify(&sp);
		ok = 0;
	} else
		ok = cron_password_verify(pw, u.password_hash) == 1;
	if (!ok) {
		explicit_bzero(&u, sizeof(u));
		api_error(req, API_E_INVALID_CREDENTIALS, NULL, NULL);
		return;
	}
	if (u.restricted) {
		api_error(req, API_E_ACCOUNT_RESTRICTED, NULL, NULL);
		return;
	}
	if (cron_password_needs_rehash(u.password_hash, &sp) == 1 &&
	    (rehash = cron_password_hash(pw, &sp)) != NULL) {
		if (db_user_set_password(req->ctx->db, u.id, rehash) == DB_OK)
			log_info("%s password hash of user %s upgraded",
			    req->request_id, u.id);
		free(rehash);
	}
	explicit_bzero(u.password_hash, sizeof(u.password_hash));
	login_ok(req, &u);
}

/* POST /v1/auth/switch-workspace {workspace_id} */
void
h_auth_switch(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "workspace_id", API_F_STRING, API_F_REQUIRED, 25, 25,
		    valid_id },
	};
	struct json_object	*o;
	struct db_session	 s;
	const char		*wid;
	char			*jwt;
	int			 rc;

	if (api_validate(req, f, 1) == -1)
		return;
	wid = cron_json_str(req->json, "workspace_id");
	rc = db_auth_session(req->ctx->db, req->caller.s.user_id, wid, &s);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		api_db_error(req, rc);
		return;
	}
	if (rc == DB_NOTFOUND || s.role[0] == '\0') {
		api_error(req, API_E_NOT_FOUND, "no such workspace", NULL);
		return;
	}
	jwt = api_jwt_issue(req, s.user_id, wid);
	o = json_object_new_object();
	cron_json_add_str(o, "token", jwt);
	json_object_object_add(o, "workspace",
	    obj_workspace(wid, s.workspace_name));
	cron_json_add_str(o, "role", s.role);
	api_respond(req, 200, o);
	xfreezero(jwt, strlen(jwt));
}

/* POST /v1/auth/change-password {current_password, new_password} */
void
h_auth_password(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "current_password", API_F_STRING, API_F_REQUIRED, 1,
		    PASSWORD_MAX, NULL },
		{ "new_password", API_F_STRING, API_F_REQUIRED, PASSWORD_MIN,
		    PASSWORD_MAX, NULL },
	};
	struct json_object	*o;
	struct cron_scrypt	 sp;
	struct db_user		 u;
	char			*hash;
	int			 rc;

	if (api_validate(req, f, 2) == -1)
		return;
	if ((rc = db_user_get(req->ctx->db, req->caller.s.user_id, &u)) !=
	    DB_OK) {
		api_db_error(req, rc);
		return;
	}
	if (cron_password_verify(cron_json_str(req->json, "current_password"),
	    u.password_hash) != 1) {
		api_invalid(req, "current_password", "is incorrect");
		return;
	}
	scrypt_params(req, &sp);
	hash = cron_password_hash(cron_json_str(req->json, "new_password"),
	    &sp);
	rc = hash != NULL ? db_user_set_password(req->ctx->db, u.id, hash) :
	    DB_ERROR;
	free(hash);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s password changed for user %s", req->request_id, u.id);
	o = json_object_new_object();
	json_object_object_add(o, "changed", json_object_new_boolean(1));
	api_respond(req, 200, o);
}
