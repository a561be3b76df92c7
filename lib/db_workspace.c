/* Typed calls for workspaces and memberships. */
#include "config.h"

#include <string.h>

#include "db.h"
#include "xmalloc.h"

int
db_workspace_insert(struct db *db, const char *id, const char *name,
    const char *tz, const char *plan)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(name), dbv_str(tz),
			    dbv_str(plan) };

	return db_exec(db, DB_WORKSPACE_INSERT, v, 4, NULL);
}

int
db_membership_insert(struct db *db, const char *wid, const char *uid,
    const char *role)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(uid), dbv_str(role) };

	return db_exec(db, DB_MEMBERSHIP_INSERT, v, 3, NULL);
}

/*
 * Lists the workspaces of user uid, oldest membership first, into *out
 * (owned array of *n; free() it).
 */
int
db_membership_list_user(struct db *db, const char *uid,
    struct db_membership **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(uid) };
	struct db_res	*res;
	size_t		 i = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_MEMBERSHIP_LIST_USER, v, 1, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		db_res_copy(res, 0, (*out)[i].workspace_id,
		    sizeof((*out)[i].workspace_id));
		db_res_copy(res, 1, (*out)[i].name, sizeof((*out)[i].name));
		db_res_copy(res, 2, (*out)[i].role, sizeof((*out)[i].role));
		i++;
	}
	*n = i;
	db_res_free(res);
	return DB_OK;
}

/* Sets or clears a workspace's restriction; DB_NOTFOUND if no such id. */
int
db_workspace_restrict(struct db *db, const char *id, int on,
    const char *reason)
{
	struct db_val	v[] = { dbv_int(on), dbv_str(reason), dbv_str(id) };

	return db_exec_one(db, DB_WORKSPACE_RESTRICT, v, 3);
}
