/*
 * Typed calls for notification channels and rules (SPEC §8), made by
 * cron-api.  Every statement is filtered by workspace id.  Credentials
 * pass through here only as sealed bytes; sealing is lib/keyring.c's
 * business, and cron-api never opens them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/* Fills c from the current row of a DB_CHANNEL_COLUMNS result. */
static void
channel_row(const struct db_res *res, struct db_channel *c)
{
	memset(c, 0, sizeof(*c));
	db_res_copy(res, 0, c->id, sizeof(c->id));
	db_res_copy(res, 1, c->workspace_id, sizeof(c->workspace_id));
	db_res_copy(res, 2, c->name, sizeof(c->name));
	db_res_copy(res, 3, c->type, sizeof(c->type));
	if ((c->config = db_res_dup(res, 4, NULL)) == NULL)
		c->config = xstrdup("");
	c->has_creds = db_res_int(res, 5) != 0;
	c->key_version = db_res_isnull(res, 6) ? 0 : (int)db_res_int(res, 6);
	db_res_copy(res, 7, c->created_by, sizeof(c->created_by));
	c->created_at = db_res_time(res, 8);
	c->updated_at = db_res_time(res, 9);
}

/* The sealed credentials of c, or NULL. */
static struct db_val
creds_val(const struct db_channel *c)
{
	return c->creds != NULL ? dbv_blob(c->creds, c->creds_len) :
	    dbv_null();
}

int
db_channel_insert(struct db *db, const struct db_channel *c)
{
	char		t[2][32];
	struct db_val	v[] = { dbv_str(c->id), dbv_str(c->workspace_id),
			    dbv_str(c->name), dbv_str(c->type),
			    dbv_str(c->config), creds_val(c),
			    c->creds != NULL ? dbv_int(c->key_version) :
			    dbv_null(), dbv_str(c->created_by),
			    dbv_time(c->created_at, t[0]),
			    dbv_time(c->updated_at, t[1]) };

	return db_exec(db, DB_CHANNEL_INSERT, v, 10, NULL);
}

/*
 * Fetches channel id of workspace wid into c (db_channel_clear it).  lock
 * takes a row lock (inside a transaction) and reads the sealed
 * credentials too, so a write can keep them.  DB_NOTFOUND when none.
 */
int
db_channel_get(struct db *db, const char *wid, const char *id, int lock,
    struct db_channel *c)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(id) };
	struct db_res	*res;
	const char	*ct;
	int		 rc;

	memset(c, 0, sizeof(*c));
	rc = db_query(db, lock ? DB_CHANNEL_LOCK : DB_CHANNEL_GET, v, 2, &res);
	if (rc != DB_OK)
		return rc;
	rc = DB_NOTFOUND;
	if (db_res_next(res)) {
		channel_row(res, c);
		if (lock && (ct = db_res_str(res, 10)) != NULL) {
			c->creds_len = db_res_len(res, 10);
			c->creds = xmalloc(c->creds_len + 1);
			memcpy(c->creds, ct, c->creds_len);
		}
		rc = DB_OK;
	}
	db_res_free(res);
	return rc;
}

/* Lists wid's channels older than cursor, newest first. */
int
db_channel_list(struct db *db, const char *wid, const char *cursor,
    int limit, struct db_channel **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(cursor),
			    dbv_int(limit) };
	struct db_res	*res;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_CHANNEL_LIST, v, 3, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res))
		channel_row(res, &(*out)[(*n)++]);
	db_res_free(res);
	return DB_OK;
}

/* Writes c's name, config, credentials and updated_at; DB_NOTFOUND if gone. */
int
db_channel_update(struct db *db, const struct db_channel *c)
{
	char		t[32];
	struct db_val	v[] = { dbv_str(c->name), dbv_str(c->config),
			    creds_val(c), c->creds != NULL ?
			    dbv_int(c->key_version) : dbv_null(),
			    dbv_time(c->updated_at, t),
			    dbv_str(c->workspace_id), dbv_str(c->id) };

	return db_exec_one(db, DB_CHANNEL_UPDATE, v, 7);
}

/* Deletes channel id of wid with its rules and deliveries. */
int
db_channel_delete(struct db *db, const char *wid, const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(id) };

	return db_exec_one(db, DB_CHANNEL_DELETE, v, 2);
}

/* Queues a test message (webhook-id message_id) to channel id, due now. */
int
db_channel_test(struct db *db, const char *message_id, const char *wid,
    const char *id, int64_t now)
{
	char		t[2][32];
	struct db_val	v[] = { dbv_str(message_id), dbv_str(wid),
			    dbv_str(id), dbv_time(now, t[0]),
			    dbv_time(now, t[1]) };

	return db_exec(db, DB_NOTIFY_TEST, v, 5, NULL);
}

/* Frees what c owns (not c); the sealed bytes are wiped first. */
void
db_channel_clear(struct db_channel *c)
{
	if (c == NULL)
		return;
	free(c->config);
	if (c->creds != NULL)
		explicit_bzero(c->creds, c->creds_len);
	free(c->creds);
	c->config = NULL;
	c->creds = NULL;
	c->creds_len = 0;
}

void
db_channels_free(struct db_channel *c, size_t n)
{
	size_t	i;

	for (i = 0; c != NULL && i < n; i++)
		db_channel_clear(&c[i]);
	free(c);
}

/* Inserts rule r of workspace wid, made by user by. */
int
db_rule_insert(struct db *db, const struct db_rule *r, const char *wid,
    const char *by)
{
	char		t[32];
	struct db_val	v[] = { dbv_str(r->id), dbv_str(wid),
			    dbv_str(r->job_id), dbv_str(r->channel_id),
			    dbv_str(r->event), dbv_str(by),
			    dbv_time(r->created_at, t) };

	return db_exec(db, DB_RULE_INSERT, v, 7, NULL);
}

/* Counts the rules of job job_id of workspace wid into *count. */
int
db_rule_count(struct db *db, const char *wid, const char *job_id,
    long long *count)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(job_id) };
	struct db_res	*res;
	int		 rc;

	*count = 0;
	if ((rc = db_query(db, DB_RULE_COUNT, v, 2, &res)) != DB_OK)
		return rc;
	if (db_res_next(res))
		*count = db_res_int(res, 0);
	db_res_free(res);
	return DB_OK;
}

/* Lists the rules of job job_id of workspace wid, newest first (free). */
int
db_rule_list(struct db *db, const char *wid, const char *job_id,
    struct db_rule **out, size_t *n)
{
	struct db_val	 v[] = { dbv_str(wid), dbv_str(job_id) };
	struct db_res	*res;
	struct db_rule	*r;
	int		 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, DB_RULE_LIST, v, 2, &res)) != DB_OK)
		return rc;
	*out = xcalloc(db_res_rows(res) + 1, sizeof(**out));
	while (db_res_next(res)) {
		r = &(*out)[(*n)++];
		db_res_copy(res, 0, r->id, sizeof(r->id));
		db_res_copy(res, 1, r->job_id, sizeof(r->job_id));
		db_res_copy(res, 2, r->channel_id, sizeof(r->channel_id));
		db_res_copy(res, 3, r->event, sizeof(r->event));
		r->created_at = db_res_time(res, 4);
	}
	db_res_free(res);
	return DB_OK;
}

/* Deletes rule id of job job_id of wid; DB_NOTFOUND if there is none. */
int
db_rule_delete(struct db *db, const char *wid, const char *job_id,
    const char *id)
{
	struct db_val	v[] = { dbv_str(wid), dbv_str(job_id),
			    dbv_str(id) };

	return db_exec_one(db, DB_RULE_DELETE, v, 3);
}
