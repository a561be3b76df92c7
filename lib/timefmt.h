/* ISO 8601 UTC time with milliseconds: 2026-03-15T10:00:00.000Z (SPEC §2). */
#ifndef CRON_TIMEFMT_H
#define CRON_TIMEFMT_H

#include <stdint.h>

#define CRON_TIME_LEN	24	/* strlen("2026-03-15T10:00:00.000Z") */

int64_t	cron_now_ms(void);
int64_t	cron_days_from_civil(int64_t, unsigned, unsigned);
void	cron_civil_from_days(int64_t, int64_t *, unsigned *, unsigned *);
int	cron_time_fmt(int64_t, char[CRON_TIME_LEN + 1]);
void	cron_time_db(int64_t, char[CRON_TIME_LEN + 1]);
int	cron_time_parse(const char *, int64_t *);

#endif
