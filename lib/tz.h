/*
 * Time zones read from the system tz database: TZif version 2 or later
 * files (64-bit transition times) under /usr/share/zoneinfo (or $TZDIR),
 * with the POSIX TZ string of the file's footer for instants after its
 * last transition.  Nothing here reads or changes TZ, calls tzset() or
 * localtime(): a zone is a plain immutable object, so any number of zones
 * can be used side by side in one process.
 *
 * Times are seconds since the epoch; "local" seconds are the local civil
 * time counted as if it were UTC (local = utc + offset).
 *
 * The cache behind cron_tz_get() is per process and not locked: use it
 * from one thread (the project's daemons are single-threaded processes).
 */
#ifndef CRON_TZ_H
#define CRON_TZ_H

#include <stddef.h>
#include <stdint.h>

#define CRON_TZ_NAME_MAX	64	/* longest accepted zone name */
#define CRON_TZ_CACHE_SIZE	64	/* zones kept by cron_tz_get() */
#define CRON_TZ_DIR		"/usr/share/zoneinfo"

struct cron_tz;

/* tz.c */
int			 cron_tz_valid_name(const char *);
struct cron_tz		*cron_tz_load(const char *, char *, size_t);
void			 cron_tz_free(struct cron_tz *);
const struct cron_tz	*cron_tz_get(const char *, char *, size_t);
void			 cron_tz_cache_clear(void);
const char		*cron_tz_name(const struct cron_tz *);
int64_t			 cron_tz_offset(const struct cron_tz *, int64_t);
int			 cron_tz_transition(const struct cron_tz *, int64_t,
			    int64_t *, int64_t *, int64_t *);
int			 cron_tz_resolve(const struct cron_tz *, int64_t,
			    int64_t[2]);

/*
 * cron_tz_valid_name(name): 1 if name is syntactically acceptable: 1 to 64
 * characters of [A-Za-z0-9/_+-], no leading '/', no empty path component
 * (so no "..": '.' is not allowed at all).  It says nothing about whether
 * the zone exists.
 *
 * cron_tz_load(name, err, errlen): reads and parses the zone; returns an
 * owned zone (cron_tz_free() it), or NULL with a message in err for an
 * invalid name, an unknown zone, or a file that is not a usable TZif v2+
 * file (leap-second "right/" zones are refused).  "UTC" and "Etc/UTC" are
 * built in and need no file.
 *
 * cron_tz_get(name, err, errlen): like cron_tz_load() but cached (LRU,
 * CRON_TZ_CACHE_SIZE zones; failures are not cached).  The zone is
 * borrowed: it stays valid until a later cron_tz_get() misses the cache
 * while the cache is full (which may evict it) or cron_tz_cache_clear().
 * Use it at once (get, compute, drop), or cron_tz_load() a zone to keep.
 *
 * cron_tz_offset(tz, t): the UTC offset in seconds (east positive) in
 * effect at instant t.
 *
 * cron_tz_transition(tz, t, &at, &before, &after): the latest change of
 * UTC offset at or before instant t: its instant and the offsets before
 * and from it.  Returns 0, or -1 if the zone never changed offset before t.
 *
 * cron_tz_resolve(tz, local, out): the instants whose local time is
 * `local`.  Returns how many: 1 normally; 2 for a local time repeated when
 * clocks go back (out[0] the first occurrence, out[1] the second); 0 for
 * a local time skipped when clocks go forward, and then out[0] is that
 * time shifted forward by the length of the gap (read with the offset in
 * effect before the gap: 02:30 in a 02:00->03:00 gap gives 03:30 after
 * it).  So out[0] is always the instant SPEC §5.1 runs a job at.
 * Assumes at most one offset change within a day of `local`, which holds
 * for every zone in the database since the 19th century.
 */

#endif
