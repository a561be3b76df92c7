/*
 * Database connection.  One connection per process; statements are
 * prepared lazily from the table in db_sql.c and kept for the life of the
 * connection.  A lost connection (MariaDB restarted, network cut) is
 * dropped with all its statements and re-established on the next call, so
 * a long-lived worker heals without a manual step.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DB_MAX_PARAMS	128
#define DB_TXN_TRIES	6

struct db {
	MYSQL			*conn;
	MYSQL_STMT		*stmt[DB_STMT__MAX];
	const struct cron_conf	*conf;
	int			 multi;		/* allow multi-statement scripts */
	int			 in_txn;
	unsigned		 last_errno;
};

/* db_res.c builds results from an executed statement. */
int	db_res_fetch(MYSQL_STMT *, struct db_res **);

struct db_val
dbv_int(long long i)
{
	return (struct db_val){ .type = DB_T_INT, .i = i };
}

struct db_val
dbv_str(const char *s)
{
	if (s == NULL)
		return dbv_null();
	return (struct db_val){ .type = DB_T_STR, .p = s, .len = strlen(s) };
}

struct db_val
dbv_blob(const void *p, size_t len)
{
	return (struct db_val){ .type = DB_T_BLOB, .p = p, .len = len };
}

struct db_val
dbv_null(void)
{
	return (struct db_val){ .type = DB_T_NULL };
}

/* A DATETIME(3) parameter for ms, formatted into buf (CRON_TIME_LEN+1). */
struct db_val
dbv_time(int64_t ms, char *buf)
{
	cron_time_db(ms, buf);
	return dbv_str(buf);
}

/* Like dbv_time, but -1 (no time) becomes NULL. */
struct db_val
dbv_time_null(int64_t ms, char *buf)
{
	return ms == -1 ? dbv_null() : dbv_time(ms, buf);
}

/*
 * Returns a handle for conf (which must outlive it).  No connection is made
 * yet: the first call connects, so a process can start while the database
 * is down.  multi allows db_script (cron-admin migrations only).
 */
struct db *
db_new(const struct cron_conf *conf, int multi)
{
	struct db	*db;

	db = xcalloc(1, sizeof(*db));
	db->conf = conf;
	db->multi = multi;
	return db;
}

static void
db_disconnect(struct db *db)
{
	size_t	i;

	for (i = 0; i < DB_STMT__MAX; i++) {
		if (db->stmt[i] != NULL)
			mysql_stmt_close(db->stmt[i]);
		db->stmt[i] = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_txn = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

int
db_connected(const struct db *db)
{
	return db->conn != NULL;
}

unsigned
db_last_errno(const struct db *db)
{
	return db->last_errno;
}

/* Maps a server/client error number to enum db_err. */
static int
db_classify(unsigned e)
{
	switch (e) {
	case ER_DUP_ENTRY:
		return DB_DUPLICATE;
	case ER_LOCK_DEADLOCK:
		return DB_DEADLOCK;
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	case ER_NET_READ_ERROR:
	case ER_NET_WRITE_INTERRUPTED:
	case 4031:	/* ER_CLIENT_INTERACTION_TIMEOUT */
		return DB_GONE;
	default:
		return DB_ERROR;
	}
}

/* Records error e with message msg; drops the connection if it is gone. */
static int
db_fail(struct db *db, const char *what, unsigned e, const char *msg)
{
	int	rc;

	db->last_errno = e;
	rc = db_classify(e);
	if (rc == DB_ERROR)
		log_warnx("database: %s: error %u: %s", what, e, msg);
	else if (rc == DB_GONE) {
		log_warnx("database: %s: connection lost (%u: %s)",
		    what, e, msg);
		db_disconnect(db);
	}
	return rc;
}

/* Connects if not connected.  Returns DB_OK or DB_GONE. */
int
db_connect(struct db *db)
{
	const struct cron_conf	*c = db->conf;
	unsigned int		 ct, iot;
	my_bool			 off = 0;
	unsigned long		 flags = CLIENT_FOUND_ROWS;
	const char		*sock;

	if (db->conn != NULL)
		return DB_OK;
	if ((db->conn = mysql_init(NULL)) == NULL)
		fatalx("mysql_init: out of memory");
	ct = (unsigned)c->db_connect_timeout;
	iot = (unsigned)c->db_io_timeout;
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &iot);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &iot);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (db->multi)
		flags |= CLIENT_MULTI_STATEMENTS;
	sock = c->db_socket[0] != '\0' ? c->db_socket : NULL;
	if (mysql_real_connect(db->conn, sock != NULL ? "localhost" :
	    c->db_host, c->db_user, c->db_password, c->db_name,
	    (unsigned)c->db_port, sock, flags) == NULL) {
		db->last_errno = mysql_errno(db->conn);
		log_warnx("database: connect: %s", mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return DB_GONE;
	}
	return DB_OK;
}

/* Returns the prepared statement s, preparing it on first use, or NULL. */
static MYSQL_STMT *
db_prepare(struct db *db, enum db_stmt s, int *rc)
{
	MYSQL_STMT	*st;
	my_bool		 on = 1;
	const char	*sql = db_sql(s);

	if (db->stmt[s] != NULL)
		return db->stmt[s];
	if (sql == NULL)
		fatalx("statement %d has no SQL", (int)s);
	if ((st = mysql_stmt_init(db->conn)) == NULL)
		fatalx("mysql_stmt_init: out of memory");
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		*rc = db_fail(db, "prepare", mysql_stmt_errno(st),
		    mysql_stmt_error(st));
		mysql_stmt_close(st);
		return NULL;
	}
	return db->stmt[s] = st;
}

/* Fills MYSQL_BIND b from n values v. */
static void
db_bind_params(MYSQL_BIND *b, const struct db_val *v, size_t n)
{
	size_t	i;

	memset(b, 0, sizeof(*b) * n);
	for (i = 0; i < n; i++) {
		switch (v[i].type) {
		case DB_T_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case DB_T_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&v[i].i;
			break;
		case DB_T_STR:
		case DB_T_BLOB:
			b[i].buffer_type = v[i].type == DB_T_STR ?
			    MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)v[i].p;
			b[i].buffer_length = v[i].len;
			break;
		}
	}
}

/* Column arrays for array binding (db_bind_rows). */
struct db_cols {
	long long	 *ints;
	const void	**ptrs;
	unsigned long	 *lens;
	char		 *inds;
};

static void
db_cols_free(struct db_cols *c)
{
	free(c->ints);
	free(c->ptrs);
	free(c->lens);
	free(c->inds);
}

/*
 * Array binding (MariaDB bulk execution: one round trip for many rows):
 * column-wise arrays in c from nrows rows of n values each (row-major in
 * v).  A column's type is that of its first non-NULL value; NULLs go by
 * indicator.  Returns -1 when a column mixes numbers and strings.
 */
static int
db_bind_rows(MYSQL_BIND *b, struct db_cols *c, const struct db_val *v,
    size_t n, size_t nrows)
{
	const struct db_val	*x;
	size_t			 i, r, k;
	enum db_type		 t;

	c->ints = xcalloc(n * nrows, sizeof(*c->ints));
	c->ptrs = xcalloc(n * nrows, sizeof(*c->ptrs));
	c->lens = xcalloc(n * nrows, sizeof(*c->lens));
	c->inds = xcalloc(n * nrows, 1);
	memset(b, 0, sizeof(*b) * n);
	for (i = 0; i < n; i++) {
		for (t = DB_T_NULL, r = 0; r < nrows && t == DB_T_NULL; r++)
			t = v[r * n + i].type;
		b[i].buffer_type = t == DB_T_INT ? MYSQL_TYPE_LONGLONG :
		    t == DB_T_BLOB ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
		b[i].buffer = t == DB_T_INT ? (void *)(c->ints + i * nrows) :
		    (void *)(c->ptrs + i * nrows);
		b[i].length = c->lens + i * nrows;
		b[i].u.indicator = c->inds + i * nrows;
		for (r = 0; r < nrows; r++) {
			x = &v[r * n + i];
			k = i * nrows + r;
			if (x->type == DB_T_NULL) {
				c->inds[k] = STMT_INDICATOR_NULL;
				continue;
			}
			if ((x->type == DB_T_INT) != (t == DB_T_INT))
				return -1;
			c->inds[k] = STMT_INDICATOR_NONE;
			c->ints[k] = x->i;
			c->ptrs[k] = x->p;
			c->lens[k] = (unsigned long)x->len;
		}
	}
	return 0;
}

/*
 * Executes statement s once with n params, or, with nrows > 1, once per
 * row of n params in one round trip (v holds nrows * n values).  Returns
 * DB_OK and *out.
 */
static int
db_run(struct db *db, enum db_stmt s, const struct db_val *v, size_t n,
    size_t nrows, MYSQL_STMT **out)
{
	MYSQL_BIND	 b[DB_MAX_PARAMS];
	MYSQL_STMT	*st;
	struct db_cols	 c = { NULL, NULL, NULL, NULL };
	unsigned int	 size;
	int		 rc = DB_ERROR, bad;

	if (db_connect(db) != DB_OK)
		return DB_GONE;
	if ((st = db_prepare(db, s, &rc)) == NULL)
		return rc;
	if (n > DB_MAX_PARAMS || mysql_stmt_param_count(st) != n ||
	    (nrows > 1 && n == 0)) {
		log_warnx("database: statement %d: %zu parameters given, "
		    "%lu expected", (int)s, n, mysql_stmt_param_count(st));
		return DB_ERROR;
	}
	if (nrows <= 1) {
		db_bind_params(b, v, n);
		bad = (n > 0 && mysql_stmt_bind_param(st, b) != 0) ||
		    mysql_stmt_execute(st) != 0;
	} else {
		if (db_bind_rows(b, &c, v, n, nrows) == -1) {
			db_cols_free(&c);
			log_warnx("database: statement %d: a column mixes "
			    "types", (int)s);
			return DB_ERROR;
		}
		size = (unsigned int)nrows;
		mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size);
		bad = mysql_stmt_bind_param(st, b) != 0 ||
		    mysql_stmt_execute(st) != 0;
		size = 0;		/* the statement is shared */
		mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &size);
		db_cols_free(&c);
	}
	if (bad)
		return db_fail(db, "execute", mysql_stmt_errno(st),
		    mysql_stmt_error(st));
	*out = st;
	return DB_OK;
}

/*
 * Runs a statement that returns no rows.  *affected (may be NULL) gets the
 * affected-row count.  A connection lost outside a transaction is retried
 * once on a fresh connection.
 */
int
db_exec(struct db *db, enum db_stmt s, const struct db_val *v, size_t n,
    unsigned long long *affected)
{
	return db_exec_rows(db, s, v, n, 1, affected);
}

/*
 * Runs a statement that returns no rows once per row of n values, nrows
 * rows in v, in one round trip (array binding); *affected (may be NULL)
 * gets the total affected-row count.  Nothing happens for nrows 0.
 */
int
db_exec_rows(struct db *db, enum db_stmt s, const struct db_val *v,
    size_t n, size_t nrows, unsigned long long *affected)
{
	MYSQL_STMT	*st;
	int		 rc = DB_OK, try;

	if (affected != NULL)
		*affected = 0;
	if (nrows == 0)
		return DB_OK;
	for (try = 0; try < 2; try++) {
		if ((rc = db_run(db, s, v, n, nrows, &st)) == DB_OK) {
			if (affected != NULL)
				*affected = mysql_stmt_affected_rows(st);
			return DB_OK;
		}
		if (rc != DB_GONE || db->in_txn)
			break;
	}
	return rc;
}

/* Like db_exec, but DB_NOTFOUND when the statement matched no row. */
int
db_exec_one(struct db *db, enum db_stmt s, const struct db_val *v, size_t n)
{
	unsigned long long	affected = 0;
	int			rc;

	if ((rc = db_exec(db, s, v, n, &affected)) != DB_OK)
		return rc;
	return affected > 0 ? DB_OK : DB_NOTFOUND;
}

/*
 * Runs a statement that returns rows; on DB_OK *res holds all of them
 * (owned by the caller: db_res_free).  Retries a lost connection once
 * outside a transaction.
 */
int
db_query(struct db *db, enum db_stmt s, const struct db_val *v, size_t n,
    struct db_res **res)
{
	MYSQL_STMT	*st;
	int		 rc, try;

	*res = NULL;
	for (try = 0; try < 2; try++) {
		if ((rc = db_run(db, s, v, n, 1, &st)) == DB_OK) {
			if (db_res_fetch(st, res) == 0)
				return DB_OK;
			return db_fail(db, "fetch", mysql_stmt_errno(st),
			    mysql_stmt_error(st));
		}
		if (rc != DB_GONE || db->in_txn)
			break;
	}
	return rc;
}

/* Runs a plain (unprepared) statement with no parameters and no result. */
static int
db_simple(struct db *db, const char *sql)
{
	if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return db_fail(db, sql, mysql_errno(db->conn),
		    mysql_error(db->conn));
	return DB_OK;
}

static void
db_backoff(int attempt)
{
	struct timespec	ts;
	unsigned	r;

	cron_random_bytes(&r, sizeof(r));
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(r % ((2u << attempt) * 1000000u));
	nanosleep(&ts, NULL);
}

/*
 * Runs fn(db, arg) inside one transaction and commits it.  fn returns a
 * db_err (or any negative value to roll back).  A deadlock or Galera
 * certification failure (1213) anywhere in it, commit included, reruns the
 * whole transaction a few times with jittered backoff; this is the only
 * place that retries 1213.  Returns what fn or the commit returned.
 */
int
db_txn(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	int	rc = DB_ERROR, attempt, fngone;

	for (attempt = 0; attempt < DB_TXN_TRIES; attempt++) {
		if (db_connect(db) != DB_OK)
			return DB_GONE;
		if ((rc = db_simple(db, "START TRANSACTION")) != DB_OK) {
			if (rc == DB_GONE && attempt == 0)
				continue;
			return rc;
		}
		db->in_txn = 1;
		rc = fn(db, arg);
		fngone = rc == DB_GONE;
		if (db->conn != NULL && rc == DB_OK)
			rc = db_simple(db, "COMMIT");
		else if (db->conn != NULL)
			(void)db_simple(db, "ROLLBACK");
		db->in_txn = 0;
		if (rc == DB_DEADLOCK) {
			log_debug("database: deadlock, retrying transaction");
			db_backoff(attempt);
			continue;
		}
		if (rc == DB_GONE && fngone && attempt == 0)
			continue;
		break;
	}
	return rc;
}

/*
 * Runs text as a multi-statement script (migrations; the handle must have
 * been made with multi).  Returns DB_OK, or an error with a message in err.
 */
int
db_script(struct db *db, const char *text, size_t len, char *err,
    size_t errlen)
{
	MYSQL_RES	*r;
	int		 st;

	if (!db->multi)
		fatalx("db_script on a handle without multi-statements");
	if (db_connect(db) != DB_OK) {
		snprintf(err, errlen, "cannot connect to the database");
		return DB_GONE;
	}
	st = mysql_real_query(db->conn, text, len);
	while (st == 0) {
		if ((r = mysql_store_result(db->conn)) != NULL)
			mysql_free_result(r);
		if ((st = mysql_next_result(db->conn)) == -1)
			return DB_OK;
	}
	snprintf(err, errlen, "error %u: %s", mysql_errno(db->conn),
	    mysql_error(db->conn));
	return db_fail(db, "script", mysql_errno(db->conn),
	    mysql_error(db->conn));
}

/* Returns DB_OK when the server answers a query, else DB_GONE or DB_ERROR. */
int
db_health(struct db *db)
{
	struct db_res	*res;
	int		 rc;

	if ((rc = db_query(db, DB_PING, NULL, 0, &res)) != DB_OK)
		return rc;
	rc = db_res_rows(res) == 1 ? DB_OK : DB_ERROR;
	db_res_free(res);
	return rc;
}
