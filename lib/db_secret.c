/*
 * Typed calls for secrets.  Only sealed bytes (nonce || ciphertext || tag)
 * pass through here; sealing and opening are lib/keyring.c's business.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

int
db_secret_insert(struct db *db, const char *id, const char *wid,
    const char *name, const unsigned char *ct, size_t ctlen, int version,
    const char *by)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(wid), dbv_str(name),
			    dbv_blob(ct, ctlen), dbv_int(version), dbv_str(by) };

	return db_exec(db, DB_SECRET_INSERT, v, 6, NULL);
}

/* Copies the sealed bytes of column col into s (owned). */
static void
copy_ct(const struct db_res *res, size_t col, struct db_secret *s)
{
	s->ct = (unsigned char *)db_res_dup(res, col, &s->ctlen);
}

/* Lists metadata (no ciphertext) of wid's secrets older than cursor. */
int
db_secret_list(struct db *db, const char *wid, const char *cursor, int limit,
    struct db_secret **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    dbv_int(limit) };
	struct db_res	*res;
	struct db_secret *s;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_SECRET_LIST, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		s = &(*out)[(*n)++];
		db_res_copy(res, 0, s->id, sizeof(s->id));
		db_res_copy(res, 1, s->name, sizeof(s->name));
		s->key_version = (int)db_res_int(res, 2);
		s->created_at = db_res_time(res, 3);
	}
	db_res_free(res);
	return DB_OK;
}

int
db_secret_delete(struct db *db, const char *wid, const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(id) };

	return db_exec_one(db, DB_SECRET_DELETE, v, 2);
}

/* Fetches wid's secret name with its sealed bytes; DB_NOTFOUND if none. */
int
db_secret_by_name(struct db *db, const char *wid, const char *name,
    struct db_secret *s)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(name) };
	struct db_res	*res;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = db_query(db, DB_SECRET_BY_NAME, v, 2, &res)) != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		db_res_copy(res, 0, s->id, sizeof(s->id));
		snprintf(s->workspace_id, sizeof(s->workspace_id), "%s", wid);
		snprintf(s->name, sizeof(s->name), "%s", name);
		copy_ct(res, 1, s);
		s->key_version = (int)db_res_int(res, 2);
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/*
 * Locks (SKIP LOCKED) and returns up to limit sealed values (statement st:
 * DB_SECRET_STALE or DB_CHANNEL_STALE) with ids after after that are not
 * sealed with version current, for rotation; call inside a transaction.
 * A channel's record holds its sealed credentials and the name "".
 */
static int
stale(struct db *db, enum db_stmt st, int current, const char *after,
    int limit, struct db_secret **out, size_t *n)
{
	struct db_val	 v[] = { dbv_int(current), dbv_str(after),
			    dbv_int(limit) };
	struct db_res	*res;
	struct db_secret *s;
	size_t		 c = 0;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, st, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		s = &(*out)[(*n)++];
		c = 0;
		db_res_copy(res, c++, s->id, sizeof(s->id));
		db_res_copy(res, c++, s->workspace_id, sizeof(s->workspace_id));
		if (st == DB_SECRET_STALE)
			db_res_copy(res, c++, s->name, sizeof(s->name));
		copy_ct(res, c++, s);
		s->key_version = (int)db_res_int(res, c);
	}
	db_res_free(res);
	return DB_OK;
}

/* Secrets not sealed with version current (stale). */
int
db_secret_stale(struct db *db, int current, const char *after, int limit,
    struct db_secret **out, size_t *n)
{
	return stale(db, DB_SECRET_STALE, current, after, limit, out, n);
}

/* Replaces the sealed bytes of secret id if still sealed with old. */
int
db_secret_rewrap(struct db *db, const char *id, const unsigned char *ct,
    size_t ctlen, int version, int old)
{
	struct db_val	v[] = { dbv_blob(ct, ctlen), dbv_int(version),
			    dbv_str(id), dbv_int(old) };

	return db_exec_one(db, DB_SECRET_REWRAP, v, 4);
}

/* Channel credentials not sealed with version current (stale). */
int
db_channel_stale(struct db *db, int current, const char *after, int limit,
    struct db_secret **out, size_t *n)
{
	return stale(db, DB_CHANNEL_STALE, current, after, limit, out, n);
}

/* Replaces the sealed credentials of channel id if still sealed with old. */
int
db_channel_rewrap(struct db *db, const char *id, const unsigned char *ct,
    size_t ctlen, int version, int old)
{
	struct db_val	v[] = { dbv_blob(ct, ctlen), dbv_int(version),
			    dbv_str(id), dbv_int(old) };

	return db_exec_one(db, DB_CHANNEL_REWRAP, v, 4);
}

/* Runs a (key_version, count) query st into version[i]/count[i]. */
static int
versions(struct db *db, enum db_stmt st, int *version, long long *count,
    size_t max, size_t *n)
{
	struct db_res	*res;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, st, NULL, 0, &res)) != DB_OK)
		return rc;
	while (db_res_next(res) && *n < max) {
		version[*n] = (int)db_res_int(res, 0);
		count[(*n)++] = db_res_int(res, 1);
	}
	db_res_free(res);
	return DB_OK;
}

/*
 * Fills version[i]/count[i] with how many sealed values (secrets and
 * channel credentials) each key version seals.
 */
int
db_secret_versions(struct db *db, int *version, long long *count, size_t max,
    size_t *n)
{
	return versions(db, DB_SECRET_VERSIONS, version, count, max, n);
}

/* The same for channel credentials alone. */
int
db_channel_versions(struct db *db, int *version, long long *count,
    size_t max, size_t *n)
{
	return versions(db, DB_CHANNEL_VERSIONS, version, count, max, n);
}

void
db_secrets_free(struct db_secret *s, size_t n)
{
	size_t	i;

	for (i = 0; s != NULL && i < n; i++)
		free(s[i].ct);
	free(s);
}
