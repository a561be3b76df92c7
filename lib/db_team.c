/* Typed calls for workspace settings, members and invites. */
#include "config.h"

#include <string.h>

#include "db.h"
#include "xmalloc.h"

int
db_workspace_get(struct db *db, const char *id, struct db_workspace *w)
{
	struct db_val	 v[] = { dbv_str(id) };
	struct db_res	*res;
	int		 rc;

	memset(w, 0, sizeof(*w));
	if ((rc = db_query(db, DB_WORKSPACE_GET, v, 1, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, w->id, sizeof(w->id));
		db_res_copy(res, 1, w->name, sizeof(w->name));
		db_res_copy(res, 2, w->timezone, sizeof(w->timezone));
		w->restricted = (int)db_res_int(res, 3);
		db_res_copy(res, 4, w->restriction_reason,
		    sizeof(w->restriction_reason));
		w->created_at = db_res_time(res, 5);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Updates name and/or timezone (NULL keeps the current value). */
int
db_workspace_update(struct db *db, const char *id, const char *name,
    const char *tz)
{
	struct db_val	v[] = { dbv_str(name), dbv_str(tz), dbv_str(id) };

	return db_exec(db, DB_WORKSPACE_UPDATE, v, 3, NULL);
}

int
db_workspace_delete_sole(struct db *db, const char *uid)
{
	struct db_val	v[] = { dbv_str(uid) };

	return db_exec(db, DB_WORKSPACE_DELETE_SOLE, v, 1, NULL);
}

/* Lists members of wid with user id below cursor, into *out (free()). */
int
db_member_list(struct db *db, const char *wid, const char *cursor, int limit,
    struct db_member **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    dbv_int(limit) };
	struct db_res	*res;
	struct db_member *m;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_MEMBER_LIST, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		m = &(*out)[(*n)++];
		db_res_copy(res, 0, m->user_id, sizeof(m->user_id));
		db_res_copy(res, 1, m->name, sizeof(m->name));
		db_res_copy(res, 2, m->email, sizeof(m->email));
		db_res_copy(res, 3, m->role, sizeof(m->role));
		m->joined_at = db_res_time(res, 4);
	}
	db_res_free(res);
	return DB_OK;
}

/* Row-locks a membership and copies its role; DB_NOTFOUND if none. */
int
db_member_role_lock(struct db *db, const char *wid, const char *uid,
    char *role, size_t sz)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(uid) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_MEMBER_ROLE_LOCK, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, role, sz);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

int
db_member_set_role(struct db *db, const char *wid, const char *uid,
    const char *role)
{
	struct db_val	v[] = { dbv_str(role), dbv_str(wid), dbv_str(uid) };

	return db_exec_one(db, DB_MEMBER_SET_ROLE, v, 3);
}

int
db_member_delete(struct db *db, const char *wid, const char *uid)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(uid) };

	return db_exec_one(db, DB_MEMBER_DELETE, v, 2);
}

/* Counts the workspaces uid owns that have other members. */
int
db_member_owned_shared(struct db *db, const char *uid, long long *count)
{
	struct db_val	 v[] = { dbv_str(uid) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_MEMBER_OWNED_SHARED, v, 1, &res)) != DB_OK)
		return rc;
	*count = db_res_next(res) ? db_res_int(res, 0) : 0;
	db_res_free(res);
	return DB_OK;
}

int
db_invite_insert(struct db *db, const char *id, const char *wid,
    const char *email, const char *norm, const char *role, const char *hash,
    const char *by, int ttl)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(wid), dbv_str(email),
			    dbv_str(norm), dbv_str(role), dbv_str(hash),
			    dbv_str(by), dbv_int(ttl) };

	return db_exec(db, DB_INVITE_INSERT, v, 8, NULL);
}

int
db_invite_delete_pending(struct db *db, const char *wid, const char *norm)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(norm) };

	return db_exec(db, DB_INVITE_DELETE_PENDING, v, 2, NULL);
}

/* Lists pending invites of wid older than cursor into *out (free()). */
int
db_invite_list(struct db *db, const char *wid, const char *cursor, int limit,
    struct db_invite **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    dbv_int(limit) };
	struct db_res	*res;
	struct db_invite *i;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_INVITE_LIST, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		i = &(*out)[(*n)++];
		db_res_copy(res, 0, i->id, sizeof(i->id));
		db_res_copy(res, 1, i->email, sizeof(i->email));
		db_res_copy(res, 2, i->role, sizeof(i->role));
		db_res_copy(res, 3, i->invited_by, sizeof(i->invited_by));
		i->created_at = db_res_time(res, 4);
		i->expires_at = db_res_time(res, 5);
	}
	db_res_free(res);
	return DB_OK;
}

int
db_invite_delete(struct db *db, const char *wid, const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(id) };

	return db_exec_one(db, DB_INVITE_DELETE, v, 2);
}

/* Finds and row-locks an invite by token hash; DB_NOTFOUND if none. */
int
db_invite_find(struct db *db, const char *hash, struct db_invite *i)
{
	struct db_val	 v[] = { dbv_str(hash) };
	struct db_res	*res;
	int		 rc;

	memset(i, 0, sizeof(*i));
	if ((rc = db_query(db, DB_INVITE_FIND, v, 1, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, i->id, sizeof(i->id));
		db_res_copy(res, 1, i->workspace_id, sizeof(i->workspace_id));
		db_res_copy(res, 2, i->email, sizeof(i->email));
		db_res_copy(res, 3, i->role, sizeof(i->role));
		i->expired = (int)db_res_int(res, 4);
		i->accepted = !db_res_isnull(res, 5);
		db_res_copy(res, 6, i->workspace_name,
		    sizeof(i->workspace_name));
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

int
db_invite_accept(struct db *db, const char *id)
{
	struct db_val	v[] = { dbv_str(id) };

	return db_exec_one(db, DB_INVITE_ACCEPT, v, 1);
}

int
db_user_delete(struct db *db, const char *id)
{
	struct db_val	v[] = { dbv_str(id) };

	return db_exec_one(db, DB_USER_DELETE, v, 1);
}
