/* cron-admin internal interface, grouped by source file. */
#ifndef CRON_ADMIN_H
#define CRON_ADMIN_H

struct cron_conf;

/* migrate.c */
int	adm_migrate(const struct cron_conf *, int, char **);

#endif
