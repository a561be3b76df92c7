/*
 * The database layer: one connection with reconnect, the table of prepared
 * statements indexed by enum db_stmt, and typed db_<entity>_<verb> calls.
 */
#ifndef CRON_DB_H
#define CRON_DB_H

#include <stddef.h>
#include <stdint.h>

struct cron_conf;

/* Every SQL statement the programs run; the text is in db_sql.c. */
enum db_stmt {
	DB_PING,
	DB_MIGRATION_INIT,
	DB_MIGRATION_LIST,
	DB_MIGRATION_INSERT,
	DB_LOCK_GET,
	DB_LOCK_RELEASE,
	DB_STMT__MAX
};

/* Outcome of a database call, for callers that branch on the cause. */
enum db_err {
	DB_OK = 0,
	DB_ERROR = -1,		/* anything else: logged, caller answers 500 */
	DB_GONE = -2,		/* server unreachable or connection lost */
	DB_DUPLICATE = -3,	/* unique key violated (1062) */
	DB_DEADLOCK = -4,	/* deadlock or Galera certification failure (1213) */
	DB_NOTFOUND = -5	/* no such row (typed functions only) */
};

enum db_type {
	DB_T_NULL,
	DB_T_INT,
	DB_T_STR,
	DB_T_BLOB
};

/* A statement parameter; strings and blobs are borrowed for the call. */
struct db_val {
	enum db_type	 type;
	long long	 i;
	const void	*p;
	size_t		 len;
};

struct db_val	 dbv_int(long long);
struct db_val	 dbv_str(const char *);
struct db_val	 dbv_blob(const void *, size_t);
struct db_val	 dbv_null(void);
struct db_val	 dbv_time(int64_t, char *);

struct db;
struct db_res;

/* db.c */
struct db	*db_new(const struct cron_conf *, int);
void		 db_free(struct db *);
int		 db_connect(struct db *);
int		 db_connected(const struct db *);
int		 db_exec(struct db *, enum db_stmt, const struct db_val *,
		    size_t, unsigned long long *);
int		 db_query(struct db *, enum db_stmt, const struct db_val *,
		    size_t, struct db_res **);
int		 db_script(struct db *, const char *, size_t, char *, size_t);
int		 db_txn(struct db *, int (*)(struct db *, void *), void *);
int		 db_health(struct db *);
unsigned	 db_last_errno(const struct db *);

/* db_res.c */
size_t		 db_res_rows(const struct db_res *);
int		 db_res_next(struct db_res *);
int		 db_res_isnull(const struct db_res *, size_t);
const char	*db_res_str(const struct db_res *, size_t);
size_t		 db_res_len(const struct db_res *, size_t);
long long	 db_res_int(const struct db_res *, size_t);
int64_t		 db_res_time(const struct db_res *, size_t);
void		 db_res_free(struct db_res *);

/* db_sql.c */
const char	*db_sql(enum db_stmt);

/* db_migration.c */
struct db_migration {
	int	 version;
	char	 name[256];
	char	 checksum[65];
};
int		 db_migration_init(struct db *);
int		 db_migration_list(struct db *, struct db_migration **, size_t *);
int		 db_migration_insert(struct db *, int, const char *, const char *);
int		 db_lock_get(struct db *, const char *, int);
int		 db_lock_release(struct db *, const char *);

#endif
