/*
 * cron-admin keys: the secrets keyring (SPEC §4).
 *   generate          a new keyring file with key v1 (refuses to overwrite)
 *   rotate [--resume] adds a version, makes it current, then re-encrypts
 *                     every stored secret and notification channel's
 *                     credentials to it in batches; --resume only finishes
 *                     an interrupted re-encryption
 *   prune             removes versions no stored value uses any more
 *   status            versions, the current one, values per version
 * The keyring file lives outside the database (keyring_file, 0600); back
 * it up with the database: without it the secrets and channel credentials
 * cannot be decrypted.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin.h"
#include "conf.h"
#include "db.h"
#include "keyring.h"
#include "xmalloc.h"

#define ROTATE_BATCH	100
#define MAX_VERSIONS	256

static int
keys_generate(const struct cron_conf *conf)
{
	struct cron_keyring	*kr;
	struct stat		 st;
	char			 err[512];
	int			 rc = 1;

	if (stat(conf->keyring_file, &st) == 0) {
		fprintf(stderr, "cron-admin: %s exists; refusing to overwrite "
		    "a keyring (its keys decrypt the stored secrets)\n",
		    conf->keyring_file);
		return 1;
	}
	kr = cron_keyring_new();
	cron_keyring_add(kr);
	if (cron_keyring_save(kr, conf->keyring_file, err, sizeof(err)) == -1)
		fprintf(stderr, "cron-admin: %s\n", err);
	else {
		printf("wrote %s with key v1\n", conf->keyring_file);
		rc = 0;
	}
	cron_keyring_free(kr);
	return rc;
}

/* One kind of sealed value that rotation re-encrypts. */
struct sealed_kind {
	const char	*what;		/* in messages: "secret", "channel" */
	int		(*stale)(struct db *, int, const char *, int,
			    struct db_secret **, size_t *);
	int		(*rewrap)(struct db *, const char *,
			    const unsigned char *, size_t, int, int);
	char		*(*aad)(const struct db_secret *);
};

static char *
secret_aad(const struct db_secret *s)
{
	return cron_secret_aad(s->workspace_id, s->name);
}

static char *
channel_aad(const struct db_secret *s)
{
	return cron_channel_aad(s->workspace_id, s->id);
}

static const struct sealed_kind kind_secrets = {
	"secret", db_secret_stale, db_secret_rewrap, secret_aad
};
static const struct sealed_kind kind_channels = {
	"channel", db_channel_stale, db_channel_rewrap, channel_aad
};

struct rewrap {
	const struct cron_keyring	*kr;
	const struct sealed_kind	*kind;
	char				 after[26];
	size_t				 done, failed, seen;
};

/* Re-encrypts one batch to the current key, inside one transaction. */
static int
rewrap_txn(struct db *db, void *arg)
{
	struct rewrap	*r = arg;
	struct db_secret *s;
	unsigned char	*pt, *ct;
	size_t		 n, i, ptlen, ctlen;
	char		*aad;
	int		 cur = cron_keyring_current(r->kr), v, rc;

	if ((rc = r->kind->stale(db, cur, r->after, ROTATE_BATCH, &s, &n)) !=
	    DB_OK)
		return rc;
	r->seen = n;
	for (i = 0; i < n && rc == DB_OK; i++) {
		snprintf(r->after, sizeof(r->after), "%s", s[i].id);
		aad = r->kind->aad(&s[i]);
		if (cron_open(r->kr, s[i].key_version, s[i].ct, s[i].ctlen,
		    aad, strlen(aad), &pt, &ptlen) == -1) {
			fprintf(stderr, "cron-admin: %s %s (key v%d) does "
			    "not decrypt: tampered, or its key is missing; "
			    "left as it is\n", r->kind->what, s[i].id,
			    s[i].key_version);
			r->failed++;
			free(aad);
			continue;
		}
		rc = cron_seal(r->kr, pt, ptlen, aad, strlen(aad), &ct, &ctlen,
		    &v) == 0 ? DB_OK : DB_ERROR;
		xfreezero(pt, ptlen + 1);
		free(aad);
		if (rc == DB_OK) {
			rc = r->kind->rewrap(db, s[i].id, ct, ctlen, v,
			    s[i].key_version);
			free(ct);
			if (rc == DB_NOTFOUND)	/* deleted meanwhile */
				rc = DB_OK;
			else if (rc == DB_OK)
				r->done++;
		}
	}
	db_secrets_free(s, n);
	return rc;
}

/* Re-encrypts every value of r->kind not under the current key. */
static int
rewrap_kind(struct db *db, struct rewrap *r)
{
	int	rc;

	snprintf(r->after, sizeof(r->after), "%s", "");
	do {
		rc = db_txn(db, rewrap_txn, r);
	} while (rc == DB_OK && r->seen == ROTATE_BATCH);
	return rc;
}

/*
 * Re-encrypts every secret, then every channel's credentials, not under
 * the current key.  Exit status.
 */
static int
rewrap_all(const struct cron_conf *conf, const struct cron_keyring *kr)
{
	struct db	*db = db_new(conf, 0);
	struct rewrap	 sec, chan;
	int		 rc;

	memset(&sec, 0, sizeof(sec));
	memset(&chan, 0, sizeof(chan));
	sec.kr = chan.kr = kr;
	sec.kind = &kind_secrets;
	chan.kind = &kind_channels;
	if ((rc = rewrap_kind(db, &sec)) == DB_OK)
		rc = rewrap_kind(db, &chan);
	db_free(db);
	if (rc != DB_OK) {
		fprintf(stderr, "cron-admin: re-encryption stopped (database "
		    "error) after %zu secrets and %zu channel credentials; "
		    "run keys rotate --resume\n", sec.done, chan.done);
		return 1;
	}
	printf("re-encrypted %zu secrets and %zu channel credentials to key "
	    "v%d", sec.done, chan.done, cron_keyring_current(kr));
	if (sec.failed + chan.failed > 0)
		printf(", %zu could not be decrypted", sec.failed +
		    chan.failed);
	printf("\n");
	return sec.failed + chan.failed > 0 ? 1 : 0;
}

static int
keys_rotate(const struct cron_conf *conf, int resume)
{
	struct cron_keyring	*kr;
	char			 err[512];
	int			 rc;

	if ((kr = cron_keyring_load(conf->keyring_file, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "cron-admin: %s\n", err);
		return 1;
	}
	if (!resume) {
		cron_keyring_add(kr);
		if (cron_keyring_save(kr, conf->keyring_file, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "cron-admin: %s\n", err);
			cron_keyring_free(kr);
			return 1;
		}
		printf("key v%d is now current in %s\n",
		    cron_keyring_current(kr), conf->keyring_file);
	}
	rc = rewrap_all(conf, kr);
	cron_keyring_free(kr);
	return rc;
}

/* Sealed values per key version: all of them, and channel credentials. */
struct usage {
	int		 v[MAX_VERSIONS], cv[MAX_VERSIONS];
	long long	 c[MAX_VERSIONS], cc[MAX_VERSIONS];
	int		 n, cn;
};

/* Fills u from the database; returns 0 or -1. */
static int
in_use(const struct cron_conf *conf, struct usage *u)
{
	struct db	*db = db_new(conf, 0);
	size_t		 n = 0, cn = 0;
	int		 rc;

	if ((rc = db_secret_versions(db, u->v, u->c, MAX_VERSIONS, &n)) ==
	    DB_OK)
		rc = db_channel_versions(db, u->cv, u->cc, MAX_VERSIONS, &cn);
	db_free(db);
	if (rc != DB_OK) {
		fprintf(stderr, "cron-admin: cannot read the database\n");
		return -1;
	}
	u->n = (int)n;
	u->cn = (int)cn;
	return 0;
}

static long long
count_of(int version, const int *v, const long long *c, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		if (v[i] == version)
			return c[i];
	return 0;
}

/* Prints "S secrets, C channel credentials" sealed with version. */
static void
print_usage(const struct usage *u, int version)
{
	long long	all = count_of(version, u->v, u->c, u->n);
	long long	chan = count_of(version, u->cv, u->cc, u->cn);

	printf("%lld secrets, %lld channel credentials\n",
	    all - chan > 0 ? all - chan : 0, chan);
}

static int
keys_prune_status(const struct cron_conf *conf, int prune)
{
	struct cron_keyring	*kr;
	struct usage		 u;
	int			 have[MAX_VERSIONS];
	char			 err[512];
	int			 nh, i, cur, removed = 0, rc = 0;

	if ((kr = cron_keyring_load(conf->keyring_file, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "cron-admin: %s\n", err);
		return 1;
	}
	if (in_use(conf, &u) == -1) {
		cron_keyring_free(kr);
		return 1;
	}
	cur = cron_keyring_current(kr);
	nh = cron_keyring_versions(kr, have, MAX_VERSIONS);
	for (i = 0; i < nh; i++) {
		if (!prune) {
			printf("v%d%s ", have[i], have[i] == cur ?
			    " (current)" : "");
			print_usage(&u, have[i]);
		} else if (have[i] == cur)
			continue;
		else if (count_of(have[i], u.v, u.c, u.n) == 0) {
			cron_keyring_remove(kr, have[i]);
			printf("removed v%d\n", have[i]);
			removed++;
		} else {
			printf("kept v%d: still used by ", have[i]);
			print_usage(&u, have[i]);
		}
	}
	for (i = 0; !prune && i < u.n; i++)
		if (!cron_keyring_has(kr, u.v[i])) {
			printf("v%d MISSING from the keyring: ", u.v[i]);
			print_usage(&u, u.v[i]);
		}
	if (prune && removed > 0 &&
	    cron_keyring_save(kr, conf->keyring_file, err, sizeof(err)) == -1) {
		fprintf(stderr, "cron-admin: %s\n", err);
		rc = 1;
	} else if (prune && removed == 0)
		printf("nothing to prune: every old version is still in use\n");
	cron_keyring_free(kr);
	return rc;
}

/* cron-admin keys generate | rotate [--resume] | prune | status */
int
adm_keys(const struct cron_conf *conf, int argc, char **argv)
{
	const char	*verb = argc > 1 ? argv[1] : "";

	if (strcmp(verb, "generate") == 0 && argc == 2)
		return keys_generate(conf);
	if (strcmp(verb, "rotate") == 0 && argc == 2)
		return keys_rotate(conf, 0);
	if (strcmp(verb, "rotate") == 0 && argc == 3 &&
	    strcmp(argv[2], "--resume") == 0)
		return keys_rotate(conf, 1);
	if (strcmp(verb, "prune") == 0 && argc == 2)
		return keys_prune_status(conf, 1);
	if (strcmp(verb, "status") == 0 && argc == 2)
		return keys_prune_status(conf, 0);
	fprintf(stderr, "usage: cron-admin keys generate | rotate [--resume] | "
	    "prune | status\n");
	return 2;
}
