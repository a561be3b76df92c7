/* Typed calls for users, email tokens and request authentication. */
#include "config.h"

#include <string.h>

#include "db.h"
#include "xmalloc.h"

int
db_user_insert(struct db *db, const char *id, const char *email,
    const char *email_norm, const char *name, const char *hash)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(email), dbv_str(email_norm),
			    dbv_str(name), dbv_str(hash) };

	return db_exec(db, DB_USER_INSERT, v, 5, NULL);
}

/* Runs a user query s with one parameter into *u; DB_NOTFOUND if none. */
static int
user_query(struct db *db, enum db_stmt s, const char *key, struct db_user *u)
{
	struct db_val	 v[] = { dbv_str(key) };
	struct db_res	*res;
	int		 rc;

	memset(u, 0, sizeof(*u));
	if ((rc = db_query(db, s, v, 1, &res)) != DB_OK)
		return rc;
	if (!db_res_next(res)) {
		db_res_free(res);
		return DB_NOTFOUND;
	}
	db_res_copy(res, 0, u->id, sizeof(u->id));
	db_res_copy(res, 1, u->name, sizeof(u->name));
	db_res_copy(res, 2, u->email, sizeof(u->email));
	db_res_copy(res, 3, u->trust_level, sizeof(u->trust_level));
	u->restricted = (int)db_res_int(res, 4);
	db_res_copy(res, 5, u->password_hash, sizeof(u->password_hash));
	db_res_free(res);
	return DB_OK;
}

int
db_user_by_email(struct db *db, const char *email_norm, struct db_user *u)
{
	return user_query(db, DB_USER_BY_EMAIL, email_norm, u);
}

int
db_user_get(struct db *db, const char *id, struct db_user *u)
{
	return user_query(db, DB_USER_GET, id, u);
}

int
db_user_set_password(struct db *db, const char *id, const char *hash)
{
	struct db_val	v[] = { dbv_str(hash), dbv_str(id) };

	return db_exec(db, DB_USER_SET_PASSWORD, v, 2, NULL);
}

/* Marks a pending user verified; DB_NOTFOUND if not pending. */
int
db_user_verify(struct db *db, const char *id)
{
	struct db_val	v[] = { dbv_str(id) };

	return db_exec_one(db, DB_USER_VERIFY, v, 1);
}

/* Fills s from a DB_AUTH_* row (the columns the two queries share). */
static void
session_row(struct db_res *res, struct db_session *s)
{
	s->found = !db_res_isnull(res, 0);
	db_res_copy(res, 0, s->user_id, sizeof(s->user_id));
	db_res_copy(res, 1, s->trust_level, sizeof(s->trust_level));
	s->user_restricted = (int)db_res_int(res, 2);
	db_res_copy(res, 3, s->role, sizeof(s->role));
	db_res_copy(res, 4, s->workspace_id, sizeof(s->workspace_id));
	s->ws_restricted = (int)db_res_int(res, 5);
	db_res_copy(res, 6, s->restriction_reason,
	    sizeof(s->restriction_reason));
	db_res_copy(res, 7, s->workspace_name, sizeof(s->workspace_name));
	db_res_copy(res, 8, s->timezone, sizeof(s->timezone));
	db_res_copy(res, 9, s->user_name, sizeof(s->user_name));
	db_res_copy(res, 10, s->user_email, sizeof(s->user_email));
	db_res_copy(res, 11, s->plan, sizeof(s->plan));
}

/*
 * Resolves a session (JWT) caller: user uid in workspace wid.  DB_NOTFOUND
 * if the user does not exist; s->role is "" if not a member.
 */
int
db_auth_session(struct db *db, const char *uid, const char *wid,
    struct db_session *s)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(uid) };
	struct db_res	*res;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = db_query(db, DB_AUTH_SESSION, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		session_row(res, s);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/*
 * Resolves an API token by its SHA-256 hex.  DB_NOTFOUND if no such token
 * (revoked or never issued); s->found is 0 when its creator is deleted.
 */
int
db_auth_token(struct db *db, const char *hash, struct db_session *s)
{
	struct db_val	 v[] = { dbv_str(hash) };
	struct db_res	*res;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = db_query(db, DB_AUTH_TOKEN, v, 1, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		session_row(res, s);
		db_res_copy(res, 12, s->token_id, sizeof(s->token_id));
		s->token_touch = db_res_int(res, 14) != 0;
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

int
db_token_touch(struct db *db, const char *token_id)
{
	struct db_val	v[] = { dbv_str(token_id) };

	return db_exec(db, DB_TOKEN_TOUCH, v, 1, NULL);
}

int
db_email_token_insert(struct db *db, const char *id, const char *uid,
    const char *purpose, const char *hash, int ttl_seconds)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(uid), dbv_str(purpose),
			    dbv_str(hash), dbv_int(ttl_seconds) };

	return db_exec(db, DB_EMAIL_TOKEN_INSERT, v, 5, NULL);
}

/* Finds (and row-locks) a token by hash; DB_NOTFOUND if none. */
int
db_email_token_find(struct db *db, const char *hash, const char *purpose,
    struct db_email_token *t)
{
	struct db_val	 v[] = { dbv_str(hash), dbv_str(purpose) };
	struct db_res	*res;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((rc = db_query(db, DB_EMAIL_TOKEN_FIND, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, t->id, sizeof(t->id));
		db_res_copy(res, 1, t->user_id, sizeof(t->user_id));
		t->expired = (int)db_res_int(res, 2);
		t->used = !db_res_isnull(res, 3);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Marks a token used; DB_NOTFOUND if it already was (a concurrent use). */
int
db_email_token_use(struct db *db, const char *id)
{
	struct db_val	v[] = { dbv_str(id) };

	return db_exec_one(db, DB_EMAIL_TOKEN_USE, v, 1);
}

int
db_token_insert(struct db *db, const char *id, const char *wid,
    const char *name, const char *hash, const char *prefix, const char *by)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(wid), dbv_str(name),
			    dbv_str(hash), dbv_str(prefix), dbv_str(by) };

	return db_exec(db, DB_TOKEN_INSERT, v, 6, NULL);
}

/*
 * Lists at most limit tokens of workspace wid older than cursor (an id;
 * "~" for the first page), newest first, into *out (owned, free()).
 */
int
db_token_list(struct db *db, const char *wid, const char *cursor, int limit,
    struct db_token **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    dbv_int(limit) };
	struct db_res	*res;
	struct db_token	*t;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_TOKEN_LIST, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		t = &(*out)[(*n)++];
		db_res_copy(res, 0, t->id, sizeof(t->id));
		db_res_copy(res, 1, t->name, sizeof(t->name));
		db_res_copy(res, 2, t->prefix, sizeof(t->prefix));
		db_res_copy(res, 3, t->created_by, sizeof(t->created_by));
		t->created_at = db_res_time(res, 4);
		t->last_used_at = db_res_time(res, 5);
	}
	db_res_free(res);
	return DB_OK;
}

/* Deletes token id of workspace wid; DB_NOTFOUND if there is none. */
int
db_token_delete(struct db *db, const char *wid, const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(id) };

	return db_exec_one(db, DB_TOKEN_DELETE, v, 2);
}

/* Verifies the pending user with this (normalised) email (cron-admin). */
int
db_user_verify_email(struct db *db, const char *email_norm)
{
	struct db_val	v[] = { dbv_str(email_norm) };

	return db_exec_one(db, DB_USER_VERIFY_EMAIL, v, 1);
}

/* Sets or clears a user's restriction (reason NULL when clearing). */
int
db_user_restrict(struct db *db, const char *email_norm, int on,
    const char *reason)
{
	struct db_val	v[] = { dbv_int(on), dbv_str(reason),
			    dbv_str(email_norm) };

	return db_exec_one(db, DB_USER_RESTRICT, v, 3);
}

/* Promotes verified users to trusted 48 h after verification; *n promoted. */
int
db_user_promote(struct db *db, unsigned long long *n)
{
	return db_exec(db, DB_USER_PROMOTE, NULL, 0, n);
}
