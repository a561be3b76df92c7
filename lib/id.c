/*
 * Identifiers: 25 characters of [0-9a-z] starting with 'c' (cuid-like).
 *   c | 9 chars: milliseconds since the epoch, base 36 (sorts until year 5138)
 *     | 4 chars: a per-process counter, so ids made in one millisecond by one
 *                process still sort in creation order; it restarts at a
 *                random value below 36^4 / 2 each new millisecond, so it
 *                cannot wrap inside one (that would take 839809 ids)
 *     | 11 chars: random (about 57 bits), so processes never collide
 * The time prefix makes new rows append to B-tree indexes.
 */
#include "config.h"

#include <string.h>

#include "crypto.h"
#include "id.h"
#include "timefmt.h"

static const char	b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static void
put36(char *dst, int width, uint64_t v)
{
	while (width-- > 0) {
		dst[width] = b36[v % 36];
		v /= 36;
	}
}

/* Writes an id for time ms (since the epoch) into out. */
void
cron_id_at(char out[CRON_ID_LEN + 1], int64_t ms)
{
	static uint32_t	 counter;
	static int64_t	 last_ms = -1;
	unsigned char	 rnd[11];
	int		 i;

	if (ms < 0)
		ms = 0;
	if (ms != last_ms) {
		cron_random_bytes(&counter, sizeof(counter));
		counter %= 36 * 36 * 36 * 36 / 2;
		last_ms = ms;
	}
	cron_random_bytes(rnd, sizeof(rnd));
	out[0] = 'c';
	put36(out + 1, 9, (uint64_t)ms);
	put36(out + 10, 4, counter++ % (36 * 36 * 36 * 36));
	for (i = 0; i < 11; i++)
		out[14 + i] = b36[rnd[i] % 36];
	out[CRON_ID_LEN] = '\0';
}

void
cron_id_new(char out[CRON_ID_LEN + 1])
{
	cron_id_at(out, cron_now_ms());
}

/* Returns 1 if s has the shape of an id, so junk never reaches a query. */
int
cron_id_valid(const char *s)
{
	size_t	i;

	if (s == NULL || strlen(s) != CRON_ID_LEN || s[0] != 'c')
		return 0;
	for (i = 1; i < CRON_ID_LEN; i++)
		if (strchr(b36, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}
