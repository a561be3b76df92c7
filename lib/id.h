/* K-sortable opaque identifiers (SPEC §2). */
#ifndef CRON_ID_H
#define CRON_ID_H

#include <stdint.h>

#define CRON_ID_LEN	25

void	cron_id_new(char[CRON_ID_LEN + 1]);
void	cron_id_at(char[CRON_ID_LEN + 1], int64_t);
int	cron_id_valid(const char *);

#endif
