/* Typed calls for the mail outbox (the API inserts, the scheduler sends). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

/* Queues a plain-text mail, due now. */
int
db_mail_insert(struct db *db, const char *id, const char *to,
    const char *subject, const char *body)
{
	return db_mail_insert_html(db, id, to, subject, body, NULL);
}

/*
 * Queues a mail, due now, with the HTML alternative html to its text body
 * (sent as multipart/alternative); html NULL queues plain text only.
 */
int
db_mail_insert_html(struct db *db, const char *id, const char *to,
    const char *subject, const char *body, const char *html)
{
	struct db_val	v[] = { dbv_str(id), dbv_str(to), dbv_str(subject),
			    dbv_str(body), html != NULL ? dbv_str(html) :
			    dbv_null() };

	return db_exec(db, DB_MAIL_INSERT, v, 5, NULL);
}

struct mail_claim {
	const char		*owner;
	int			 lease_seconds;
	int			 limit;
	struct db_res		*res;
};

/* The claim transaction: lease due rows to c->owner, then read them. */
static int
mail_claim_txn(struct db *db, void *arg)
{
	struct mail_claim	*c = arg;
	struct db_val		 v[] = { dbv_str(c->owner),
				    dbv_int(c->lease_seconds),
				    dbv_int(c->limit) };
	int			 rc;

	db_res_free(c->res);
	c->res = NULL;
	if ((rc = db_exec(db, DB_MAIL_LEASE, v, 3, NULL)) != DB_OK)
		return rc;
	return db_query(db, DB_MAIL_LEASED, v, 1, &c->res);
}

/* Returns an owned copy of column col ("" for NULL). */
static char *
col_dup(const struct db_res *res, size_t col)
{
	const char	*s = db_res_str(res, col);

	return xstrdup(s != NULL ? s : "");
}

/*
 * Leases up to limit due rows of the outbox to the claim token owner for
 * lease_seconds, in one short transaction.  Returns DB_OK with *out (owned:
 * db_mail_list_free) and *n, possibly zero rows.
 */
int
db_mail_claim(struct db *db, const char *owner, int lease_seconds, int limit,
    struct db_mail **out, size_t *n)
{
	struct mail_claim	 c = { owner, lease_seconds, limit, NULL };
	struct db_mail		*m;
	size_t			 i = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_txn(db, mail_claim_txn, &c)) != DB_OK) {
		db_res_free(c.res);
		return rc;
	}
	m = xcalloc(db_res_rows(c.res) + 1, sizeof(*m));
	while (db_res_next(c.res)) {
		db_res_copy(c.res, 0, m[i].id, sizeof(m[i].id));
		m[i].to = col_dup(c.res, 1);
		m[i].subject = col_dup(c.res, 2);
		m[i].body = col_dup(c.res, 3);
		m[i].attempts = (int)db_res_int(c.res, 4);
		m[i].html = db_res_isnull(c.res, 5) ? NULL :
		    col_dup(c.res, 5);
		i++;
	}
	db_res_free(c.res);
	*out = m;
	*n = i;
	return DB_OK;
}

/* Frees a list from db_mail_claim, wiping the bodies (one-time links). */
void
db_mail_list_free(struct db_mail *m, size_t n)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(m[i].to);
		free(m[i].subject);
		if (m[i].body != NULL)
			xfreezero(m[i].body, strlen(m[i].body));
		if (m[i].html != NULL)
			xfreezero(m[i].html, strlen(m[i].html));
	}
	free(m);
}

/* Runs an outbox update; DB_NOTFOUND when it matched no row. */
static int
mail_update(struct db *db, enum db_stmt s, const struct db_val *v, size_t nv)
{
	unsigned long long	n = 0;
	int			rc;

	if ((rc = db_exec(db, s, v, nv, &n)) != DB_OK)
		return rc;
	return n == 1 ? DB_OK : DB_NOTFOUND;
}

/*
 * Marks mail id sent and clears its bodies (text and HTML); DB_NOTFOUND if
 * no longer queued.
 */
int
db_mail_sent(struct db *db, const char *id)
{
	struct db_val	v[] = { dbv_str(id) };

	return mail_update(db, DB_MAIL_SENT, v, 1);
}

/*
 * Records a failed attempt of mail id leased to owner and makes it due
 * again in delay seconds; DB_NOTFOUND if the lease was lost.
 */
int
db_mail_retry(struct db *db, const char *id, const char *owner,
    const char *error, int delay)
{
	struct db_val	v[] = { dbv_str(error), dbv_int(delay),
			    dbv_str(id), dbv_str(owner) };

	return mail_update(db, DB_MAIL_RETRY, v, 4);
}

/* Gives up on mail id leased to owner; DB_NOTFOUND if the lease was lost. */
int
db_mail_fail(struct db *db, const char *id, const char *owner,
    const char *error)
{
	struct db_val	v[] = { dbv_str(error), dbv_str(id),
			    dbv_str(owner) };

	return mail_update(db, DB_MAIL_FAIL, v, 3);
}

/* Hands back the rows still queued under claim token owner. */
int
db_mail_release(struct db *db, const char *owner)
{
	struct db_val	v[] = { dbv_str(owner) };

	return db_exec(db, DB_MAIL_RELEASE, v, 1, NULL);
}
