/*
 * cron-admin migrate: applies sql/NNNN-name.sql files in version order,
 * records each (version, name, SHA-256) in schema_migrations, does nothing
 * when current, and refuses to run at all when a file that was already
 * applied has changed since.  A server-side lock keeps two concurrent
 * migrate runs (two hosts upgrading at once) from interleaving.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "admin.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "xmalloc.h"

#define MIGRATE_LOCK	"cron_platform_migrate"
#define MIGRATE_MAXSZ	(4 * 1024 * 1024)

struct mfile {
	int	 version;
	char	*name;
	char	*text;
	size_t	 len;
	char	 checksum[CRON_SHA256_HEXLEN + 1];
};

static int
mfile_cmp(const void *a, const void *b)
{
	return ((const struct mfile *)a)->version -
	    ((const struct mfile *)b)->version;
}

/* Returns the version of a "NNNN-name.sql" file name, or -1. */
static int
mfile_version(const char *name)
{
	size_t	n = strlen(name);
	int	i;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '-')
		return -1;
	for (i = 0; i < 4; i++)
		if (!isdigit((unsigned char)name[i]))
			return -1;
	return atoi(name);
}

static int
mfile_read(const char *dir, struct mfile *m)
{
	char	*path;
	FILE	*f;
	int	 rc = -1;

	path = xasprintf("%s/%s", dir, m->name);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cron-admin: %s: %s\n", path, strerror(errno));
		goto out;
	}
	m->text = xmalloc(MIGRATE_MAXSZ + 1);
	m->len = fread(m->text, 1, MIGRATE_MAXSZ + 1, f);
	fclose(f);
	if (m->len > MIGRATE_MAXSZ) {
		fprintf(stderr, "cron-admin: %s: too large\n", path);
		goto out;
	}
	m->text[m->len] = '\0';
	cron_sha256_hex(m->text, m->len, m->checksum);
	rc = 0;
out:
	free(path);
	return rc;
}

static void
mfiles_free(struct mfile *m, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].text);
	}
	free(m);
}

/* Reads every migration in dir, sorted by version.  Returns 0 or -1. */
static int
mfiles_load(const char *dir, struct mfile **out, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	struct mfile	*m = NULL;
	size_t		 i, cnt = 0;
	int		 v;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "cron-admin: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if ((v = mfile_version(de->d_name)) < 0)
			continue;
		m = xreallocarray(m, cnt + 1, sizeof(*m));
		memset(&m[cnt], 0, sizeof(*m));
		m[cnt].version = v;
		m[cnt].name = xstrdup(de->d_name);
		cnt++;
	}
	closedir(d);
	qsort(m, cnt, sizeof(*m), mfile_cmp);
	for (i = 0; i < cnt; i++) {
		if (i > 0 && m[i].version == m[i - 1].version) {
			fprintf(stderr, "cron-admin: %s and %s have the same "
			    "version\n", m[i - 1].name, m[i].name);
			mfiles_free(m, cnt);
			return -1;
		}
		if (mfile_read(dir, &m[i]) == -1) {
			mfiles_free(m, cnt);
			return -1;
		}
	}
	*out = m;
	*n = cnt;
	return 0;
}

/*
 * Checks that every applied migration's file is unchanged.  Returns the
 * number of problems found (0 means safe to go on).
 */
static int
verify_applied(const struct db_migration *ap, size_t nap,
    const struct mfile *m, size_t n)
{
	size_t	i, j;
	int	bad = 0;

	for (i = 0; i < nap; i++) {
		for (j = 0; j < n && m[j].version != ap[i].version; j++)
			;
		if (j == n) {
			fprintf(stderr, "cron-admin: warning: applied "
			    "migration %s is missing from the sql directory\n",
			    ap[i].name);
			continue;
		}
		if (!cron_ct_equal(m[j].checksum, ap[i].checksum,
		    CRON_SHA256_HEXLEN)) {
			fprintf(stderr, "cron-admin: %s was changed after it "
			    "was applied (applied sha256 %s, file now %s); "
			    "write a new migration instead\n", m[j].name,
			    ap[i].checksum, m[j].checksum);
			bad++;
		}
	}
	return bad;
}

static int
is_applied(const struct db_migration *ap, size_t nap, int version)
{
	size_t	i;

	for (i = 0; i < nap; i++)
		if (ap[i].version == version)
			return 1;
	return 0;
}

/* Applies the pending files in order.  Returns 0 or 1 (exit status). */
static int
apply_pending(struct db *db, const struct db_migration *ap, size_t nap,
    const struct mfile *m, size_t n, int check)
{
	char	err[1024];
	size_t	i;
	int	applied = 0;

	for (i = 0; i < n; i++) {
		if (is_applied(ap, nap, m[i].version))
			continue;
		if (check) {
			printf("pending %s\n", m[i].name);
			applied++;
			continue;
		}
		if (db_script(db, m[i].text, m[i].len, err, sizeof(err)) !=
		    DB_OK) {
			fprintf(stderr, "cron-admin: %s failed: %s\n",
			    m[i].name, err);
			return 1;
		}
		if (db_migration_insert(db, m[i].version, m[i].name,
		    m[i].checksum) != DB_OK) {
			fprintf(stderr, "cron-admin: %s applied but could not "
			    "be recorded\n", m[i].name);
			return 1;
		}
		printf("applied %s\n", m[i].name);
		applied++;
	}
	if (applied == 0)
		printf("database is up to date (%zu migrations)\n", nap);
	return check && applied > 0 ? 1 : 0;
}

/*
 * cron-admin migrate [--dir DIR] [--check]: --check lists pending
 * migrations and exits 1 if there are any, changing nothing.
 */
int
adm_migrate(const struct cron_conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir",	required_argument,	NULL, 'D' },
		{ "check",	no_argument,		NULL, 'c' },
		{ NULL,		0,			NULL, 0 }
	};
	struct db		*db;
	struct db_migration	*ap = NULL;
	struct mfile		*m = NULL;
	const char		*dir = conf->sql_dir;
	size_t			 n = 0, nap = 0;
	int			 ch, check = 0, rc = 1, locked = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'D')
			dir = optarg;
		else if (ch == 'c')
			check = 1;
		else
			return 2;
	}
	if (mfiles_load(dir, &m, &n) == -1)
		return 1;
	db = db_new(conf, 1);
	if (db_connect(db) != DB_OK) {
		fprintf(stderr, "cron-admin: cannot connect to the database\n");
		goto out;
	}
	if (db_lock_get(db, MIGRATE_LOCK, 60) != DB_OK) {
		fprintf(stderr, "cron-admin: another migrate is running\n");
		goto out;
	}
	locked = 1;
	if (db_migration_init(db) != DB_OK ||
	    db_migration_list(db, &ap, &nap) != DB_OK) {
		fprintf(stderr, "cron-admin: cannot read schema_migrations\n");
		goto out;
	}
	if (verify_applied(ap, nap, m, n) > 0) {
		fprintf(stderr, "cron-admin: refusing to migrate\n");
		goto out;
	}
	rc = apply_pending(db, ap, nap, m, n, check);
out:
	if (locked)
		(void)db_lock_release(db, MIGRATE_LOCK);
	db_free(db);
	free(ap);
	mfiles_free(m, n);
	return rc;
}

/*
 * For cron-admin status: compares dir with schema_migrations and changes
 * nothing (no lock, no table made).  *pending gets the names of the files
 * not applied yet, in order (owned: free each, then the array), *napplied
 * the number applied and *nchanged the number of those whose file changed
 * since (migrate would refuse).  Returns 0, or -1 when the directory or
 * the table cannot be read (reason on stderr).
 */
int
adm_migrate_pending(struct db *db, const char *dir, char ***pending,
    size_t *npending, size_t *napplied, size_t *nchanged)
{
	struct db_migration	*ap = NULL;
	struct mfile		*m = NULL;
	size_t			 i, n = 0, nap = 0;

	*pending = NULL;
	*npending = *napplied = *nchanged = 0;
	if (mfiles_load(dir, &m, &n) == -1)
		return -1;
	/* no schema_migrations table: nothing was ever applied */
	if (db_migration_list(db, &ap, &nap) != DB_OK &&
	    db_last_errno(db) != ER_NO_SUCH_TABLE) {
		mfiles_free(m, n);
		return -1;
	}
	*napplied = nap;
	*nchanged = (size_t)verify_applied(ap, nap, m, n);
	*pending = xcalloc(n + 1, sizeof(**pending));
	for (i = 0; i < n; i++)
		if (!is_applied(ap, nap, m[i].version))
			(*pending)[(*npending)++] = xstrdup(m[i].name);
	free(ap);
	mfiles_free(m, n);
	return 0;
}
