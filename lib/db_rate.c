/* Typed calls for the shared rate-limit counters. */
#include "config.h"

#include "db.h"

/*
 * Counts one hit on bucket in the fixed window starting at window (epoch
 * seconds) and sets *hits to the count so far in that window.
 */
int
db_rate_hit(struct db *db, const char *bucket, long long window,
    long long *hits)
{
	struct db_val	 v[] = { dbv_str(bucket), dbv_int(window) };
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_RATE_HIT, v, 2, &res)) != DB_OK)
		return rc;
	*hits = db_res_next(res) ? db_res_int(res, 0) : 1;
	db_res_free(res);
	return DB_OK;
}

/* Deletes counters of windows that started before before (housekeeping). */
int
db_rate_purge(struct db *db, long long before, unsigned long long *n)
{
	struct db_val	v[] = { dbv_int(before) };

	return db_exec(db, DB_RATE_PURGE, v, 1, n);
}
