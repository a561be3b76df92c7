/* Typed calls for schema migrations and named advisory locks. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/* Creates the table that records applied migrations, if missing. */
int
db_migration_init(struct db *db)
{
	return db_exec(db, DB_MIGRATION_INIT, NULL, 0, NULL);
}

/*
 * Lists applied migrations in version order into *out (owned array of *n).
 * Returns DB_OK or an error.
 */
int
db_migration_list(struct db *db, struct db_migration **out, size_t *n)
{
	struct db_res	*res;
	size_t		 i = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_MIGRATION_LIST, NULL, 0, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		(*out)[i].version = (int)db_res_int(res, 0);
		snprintf((*out)[i].name, sizeof((*out)[i].name), "%s",
		    db_res_str(res, 1));
		snprintf((*out)[i].checksum, sizeof((*out)[i].checksum), "%s",
		    db_res_str(res, 2));
		i++;
	}
	*n = i;
	db_res_free(res);
	return DB_OK;
}

int
db_migration_insert(struct db *db, int version, const char *name,
    const char *checksum)
{
	struct db_val	v[] = { dbv_int(version), dbv_str(name),
			    dbv_str(checksum) };

	return db_exec(db, DB_MIGRATION_INSERT, v, 3, NULL);
}

/* Takes the named server lock, waiting up to secs; DB_OK if held. */
int
db_lock_get(struct db *db, const char *name, int secs)
{
	struct db_val	 v[] = { dbv_str(name), dbv_int(secs) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_LOCK_GET, v, 2, &res)) != DB_OK)
		return rc;
	rc = db_res_next(res) && db_res_int(res, 0) == 1 ? DB_OK : DB_ERROR;
	db_res_free(res);
	return rc;
}

int
db_lock_release(struct db *db, const char *name)
{
	struct db_val	 v[] = { dbv_str(name) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_LOCK_RELEASE, v, 1, &res)) == DB_OK)
		db_res_free(res);
	return rc;
}
