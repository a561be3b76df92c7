/* json-c helpers: bounded parsing and typed getters. */
#ifndef CRON_JSONUTIL_H
#define CRON_JSONUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

enum cron_json_err {
	CRON_JSON_OK = 0,
	CRON_JSON_SYNTAX,	/* not JSON, or trailing garbage */
	CRON_JSON_DEPTH,	/* nested deeper than the bound */
	CRON_JSON_UTF8,		/* a byte sequence that is not UTF-8 */
	CRON_JSON_ERR__MAX
};

int		 cron_utf8_valid(const char *, size_t);
char		*cron_utf8_repair(const char *, size_t, size_t *);
enum cron_json_err cron_json_check(const char *, size_t, int);
enum cron_json_err cron_json_parse(const char *, size_t, int,
		    struct json_object **);
const char	*cron_json_errstr(enum cron_json_err);
const char	*cron_json_str(struct json_object *, const char *);
int		 cron_json_int(struct json_object *, const char *, int64_t *);
int		 cron_json_bool(struct json_object *, const char *, int *);
void		 cron_json_add_str(struct json_object *, const char *,
		    const char *);
void		 cron_json_add_int(struct json_object *, const char *, int64_t);
void		 cron_json_add_time(struct json_object *, const char *, int64_t);
const char	*cron_json_text(struct json_object *, size_t *);

#endif
