/* cron-admin internal interface, grouped by source file. */
#ifndef CRON_ADMIN_H
#define CRON_ADMIN_H

struct cron_conf;

/* restrict.c */
int	adm_user(const struct cron_conf *, int, char **);
int	adm_workspace(const struct cron_conf *, int, char **);

/* keys.c */
int	adm_keys(const struct cron_conf *, int, char **);

/* migrate.c */
int	adm_migrate(const struct cron_conf *, int, char **);

#endif
