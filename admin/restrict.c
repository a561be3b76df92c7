/*
 * cron-admin user verify|restrict|unrestrict EMAIL [--reason TEXT] and
 * cron-admin workspace restrict|unrestrict ID --reason TEXT (SPEC §3.6):
 * operator actions on accounts and workspaces, effective at the next
 * request since the API resolves both flags on every request.
 */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "db.h"

#define REASON_MAX	500

/*
 * Parses "VERB [--reason TEXT] TARGET" (argv[0] is the verb); returns the
 * reason (NULL if none) or "" on a usage error, and the target in *target.
 */
static const char *
parse_reason(int argc, char **argv, int need, const char **target)
{
	static const struct option longopts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*reason = NULL;
	int		 ch;

	*target = NULL;
	optind = 0;	/* GNU getopt: full reinitialisation */
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'r')
			return "";
		reason = optarg;
	}
	if (optind != argc - 1 || (need && (reason == NULL ||
	    *reason == '\0')) || (reason != NULL && strlen(reason) > REASON_MAX))
		return "";
	*target = argv[optind];
	return reason;
}

/* Reports a db result for what; returns the exit status. */
static int
report(int rc, const char *what, const char *done)
{
	if (rc == DB_OK) {
		printf("%s: %s\n", what, done);
		return 0;
	}
	if (rc == DB_NOTFOUND)
		fprintf(stderr, "cron-admin: %s: not found%s\n", what,
		    strcmp(done, "verified") == 0 ? " or already verified" : "");
	else
		fprintf(stderr, "cron-admin: %s: database error\n", what);
	return 1;
}

/*
 * cron-admin user promote: verified -> trusted 48 h after verification
 * (SPEC §3.1).  cron-scheduler's housekeeping runs the same call.
 */
static int
user_promote(const struct cron_conf *conf)
{
	struct db		*db = db_new(conf, 0);
	unsigned long long	 n = 0;
	int			 rc;

	rc = db_user_promote(db, &n);
	db_free(db);
	if (rc != DB_OK) {
		fprintf(stderr, "cron-admin: user promote: database error\n");
		return 1;
	}
	printf("promoted %llu users to trusted\n", n);
	return 0;
}

/* cron-admin user verify|restrict|unrestrict EMAIL [--reason TEXT] */
int
adm_user(const struct cron_conf *conf, int argc, char **argv)
{
	struct db	*db;
	const char	*verb = argc > 1 ? argv[1] : "", *reason, *email;
	char		 norm[DB_EMAIL_MAX];
	size_t		 i;
	int		 rc;

	if (strcmp(verb, "promote") == 0 && argc == 2)
		return user_promote(conf);

	reason = parse_reason(argc - 1, argv + 1, 0, &email);
	if ((reason != NULL && *reason == '\0') || (strcmp(verb, "verify") &&
	    strcmp(verb, "restrict") && strcmp(verb, "unrestrict"))) {
		fprintf(stderr, "usage: cron-admin user verify|restrict|"
		    "unrestrict EMAIL [--reason TEXT] | promote\n");
		return 2;
	}
	for (i = 0; email[i] != '\0' && i + 1 < sizeof(norm); i++)
		norm[i] = (char)tolower((unsigned char)email[i]);
	norm[i] = '\0';
	db = db_new(conf, 0);
	if (strcmp(verb, "verify") == 0)
		rc = report(db_user_verify_email(db, norm), email, "verified");
	else if (strcmp(verb, "restrict") == 0)
		rc = report(db_user_restrict(db, norm, 1, reason), email,
		    "restricted");
	else
		rc = report(db_user_restrict(db, norm, 0, NULL), email,
		    "unrestricted");
	db_free(db);
	return rc;
}

/* cron-admin workspace restrict ID --reason TEXT | unrestrict ID */
int
adm_workspace(const struct cron_conf *conf, int argc, char **argv)
{
	struct db	*db;
	const char	*verb = argc > 1 ? argv[1] : "", *reason, *id;
	int		 on, rc;

	on = strcmp(verb, "restrict") == 0;
	reason = parse_reason(argc - 1, argv + 1, on, &id);
	if ((reason != NULL && *reason == '\0') ||
	    (!on && strcmp(verb, "unrestrict") != 0)) {
		fprintf(stderr, "usage: cron-admin workspace restrict ID "
		    "--reason TEXT | unrestrict ID\n");
		return 2;
	}
	db = db_new(conf, 0);
	rc = report(db_workspace_restrict(db, id, on, on ? reason : NULL),
	    id, on ? "restricted" :
	    "unrestricted");
	db_free(db);
	return rc;
}
