/*
 * Query results.  Every row of a result is copied out of the connector's
 * buffers into one owned table of cells, so the statement can run again at
 * once and callers read columns by index without MYSQL_BIND bookkeeping.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "db.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DB_MIN_COLBUF	64

struct db_cell {
	char	*p;
	size_t	 len;
	int	 null;
};

struct db_res {
	size_t		 ncols;
	size_t		 nrows;
	size_t		 cap;
	size_t		 cur;		/* 1-based after db_res_next */
	struct db_cell	*cells;
};

int	db_res_fetch(MYSQL_STMT *, struct db_res **);

/* Appends the current row of st (bound in b) to res. */
static int
db_res_row(struct db_res *res, MYSQL_STMT *st, MYSQL_BIND *b,
    unsigned long *lens, my_bool *nulls)
{
	struct db_cell	*row;
	size_t		 i;

	if (res->nrows == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 8;
		res->cells = xreallocarray(res->cells, res->cap * res->ncols,
		    sizeof(*res->cells));
	}
	row = res->cells + res->nrows * res->ncols;
	for (i = 0; i < res->ncols; i++) {
		row[i].null = nulls[i];
		row[i].len = nulls[i] ? 0 : lens[i];
		row[i].p = xmalloc(row[i].len + 1);
		if (!nulls[i] && lens[i] > b[i].buffer_length) {
			/* truncated: fetch the whole column again */
			MYSQL_BIND	one = b[i];

			one.buffer = row[i].p;
			one.buffer_length = lens[i];
			if (mysql_stmt_fetch_column(st, &one, (unsigned)i, 0))
				return -1;
		} else if (!nulls[i])
			memcpy(row[i].p, b[i].buffer, lens[i]);
		row[i].p[row[i].len] = '\0';
	}
	res->nrows++;
	return 0;
}

/*
 * Reads every row of the executed statement st into a new result.
 * Returns 0 and *out (owned), or -1 (connector error left on st).
 */
int
db_res_fetch(MYSQL_STMT *st, struct db_res **out)
{
	MYSQL_RES	*meta;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*b = NULL;
	unsigned long	*lens = NULL;
	my_bool		*nulls = NULL;
	struct db_res	*res;
	size_t		 i;
	int		 r, rc = -1;

	res = xcalloc(1, sizeof(*res));
	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		*out = res;	/* statement returns no rows */
		return 0;
	}
	res->ncols = mysql_num_fields(meta);
	if (mysql_stmt_store_result(st) != 0)
		goto out;
	f = mysql_fetch_fields(meta);
	b = xcalloc(res->ncols, sizeof(*b));
	lens = xcalloc(res->ncols, sizeof(*lens));
	nulls = xcalloc(res->ncols, sizeof(*nulls));
	for (i = 0; i < res->ncols; i++) {
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer_length = f[i].max_length > DB_MIN_COLBUF ?
		    f[i].max_length : DB_MIN_COLBUF;
		b[i].buffer = xmalloc(b[i].buffer_length);
		b[i].length = &lens[i];
		b[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(st, b) != 0)
		goto out;
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED)
		if (db_res_row(res, st, b, lens, nulls) == -1)
			goto out;
	if (r == 1)
		goto out;
	rc = 0;
out:
	mysql_stmt_free_result(st);
	mysql_free_result(meta);
	for (i = 0; b != NULL && i < res->ncols; i++)
		free(b[i].buffer);
	free(b);
	free(lens);
	free(nulls);
	if (rc == -1) {
		db_res_free(res);
		res = NULL;
	}
	*out = res;
	return rc;
}

size_t
db_res_rows(const struct db_res *res)
{
	return res->nrows;
}

/* Moves to the next row; returns 1 if there is one, 0 at the end. */
int
db_res_next(struct db_res *res)
{
	if (res->cur >= res->nrows)
		return 0;
	res->cur++;
	return 1;
}

static const struct db_cell *
db_res_cell(const struct db_res *res, size_t col)
{
	if (res->cur == 0 || col >= res->ncols)
		return NULL;
	return &res->cells[(res->cur - 1) * res->ncols + col];
}

int
db_res_isnull(const struct db_res *res, size_t col)
{
	const struct db_cell	*c = db_res_cell(res, col);

	return c == NULL || c->null;
}

/* Returns column col of the current row (borrowed), or NULL for SQL NULL. */
const char *
db_res_str(const struct db_res *res, size_t col)
{
	const struct db_cell	*c = db_res_cell(res, col);

	return c == NULL || c->null ? NULL : c->p;
}

size_t
db_res_len(const struct db_res *res, size_t col)
{
	const struct db_cell	*c = db_res_cell(res, col);

	return c == NULL ? 0 : c->len;
}

long long
db_res_int(const struct db_res *res, size_t col)
{
	const char	*s = db_res_str(res, col);

	return s == NULL ? 0 : strtoll(s, NULL, 10);
}

/* Returns a DATETIME column as ms since the epoch, or -1 for NULL. */
int64_t
db_res_time(const struct db_res *res, size_t col)
{
	const char	*s = db_res_str(res, col);
	int64_t		 ms;

	if (s == NULL || cron_time_parse(s, &ms) == -1)
		return -1;
	return ms;
}

/* Copies column col (or "" for NULL) into buf of size sz, truncating. */
void
db_res_copy(const struct db_res *res, size_t col, char *buf, size_t sz)
{
	const char	*s = db_res_str(res, col);

	snprintf(buf, sz, "%s", s != NULL ? s : "");
}

/*
 * Copies column col into an owned, NUL-terminated buffer, NULL for NULL;
 * *len (may be NULL) gets its length in bytes (0 for NULL).
 */
char *
db_res_dup(const struct db_res *res, size_t col, size_t *len)
{
	const char	*s = db_res_str(res, col);
	size_t		 n;
	char		*p;

	if (len != NULL)
		*len = 0;
	if (s == NULL)
		return NULL;
	n = db_res_len(res, col);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	if (len != NULL)
		*len = n;
	return p;
}

void
db_res_free(struct db_res *res)
{
	size_t	i;

	if (res == NULL)
		return;
	for (i = 0; i < res->nrows * res->ncols; i++)
		free(res->cells[i].p);
	free(res->cells);
	free(res);
}
