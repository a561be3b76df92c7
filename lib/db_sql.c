/*
 * The statement table: every SQL statement any program runs, indexed by
 * enum db_stmt (openradtool, sqlbox).  Nothing else in the tree holds SQL
 * except the migrations in sql/.  Times are DATETIME(3) in UTC.
 */
#include "config.h"

#include "db.h"

static const char *const db_sql_table[DB_STMT__MAX] = {
	[DB_PING] =
	    "SELECT 1",
	[DB_MIGRATION_INIT] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INT NOT NULL PRIMARY KEY,"
	    " name VARCHAR(255) NOT NULL,"
	    " checksum CHAR(64) CHARACTER SET ascii NOT NULL,"
	    " applied_at DATETIME(3) NOT NULL"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	[DB_MIGRATION_LIST] =
	    "SELECT version, name, checksum FROM schema_migrations "
	    "ORDER BY version",
	[DB_MIGRATION_INSERT] =
	    "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
	    "VALUES (?, ?, ?, UTC_TIMESTAMP(3))",
	[DB_LOCK_GET] =
	    "SELECT GET_LOCK(?, ?)",
	[DB_LOCK_RELEASE] =
	    "SELECT RELEASE_LOCK(?)",
};

const char *
db_sql(enum db_stmt s)
{
	return s < DB_STMT__MAX ? db_sql_table[s] : NULL;
}
