/* cron-admin internal interface, grouped by source file. */
#ifndef CRON_ADMIN_H
#define CRON_ADMIN_H

#include <stddef.h>

struct cron_conf;
struct db;

/* restrict.c */
int	adm_user(const struct cron_conf *, int, char **);
int	adm_workspace(const struct cron_conf *, int, char **);

/* keys.c */
int	adm_keys(const struct cron_conf *, int, char **);

/* migrate.c */
int	adm_migrate(const struct cron_conf *, int, char **);
int	adm_migrate_pending(struct db *, const char *, char ***, size_t *,
	    size_t *, size_t *);

/* status.c */
int	adm_status(const struct cron_conf *, int, char **);

/* plan.c */
int	adm_plan(const struct cron_conf *, int, char **);

#endif
