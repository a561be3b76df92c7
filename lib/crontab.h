/*
 * Reading a user crontab (crontab(5), Vixie cron and cronie) for the
 * import endpoint, POST /v1/jobs/import (SPEC §5.2): one line at a time,
 * classified as blank, comment, environment setting, entry or error.
 * Nothing here allocates; the time fields are not checked here (the
 * caller gives the schedule to cron_expr_parse(), whose messages name
 * the field and the reason).
 *
 * A line, as cronie reads a user crontab (no user-name field):
 * - "Blanks" are spaces and tabs.  One trailing '\r' (CRLF files) is
 *   removed before anything else.
 * - A line longer than CRONTAB_LINE_MAX bytes (after that) is an error,
 *   whatever it holds, and so is a line holding a NUL byte.
 * - Empty or only blanks: CRONTAB_BLANK.  First non-blank '#':
 *   CRONTAB_COMMENT (a '#' later in a line is not a comment).
 * - First non-blank a digit, '*' or '@': an entry.
 *   - "@macro command": @yearly @annually @monthly @weekly @daily
 *     @midnight @hourly in any case; schedule is the macro as written.
 *     @reboot (any case) and any other @word are errors.
 *   - "f1 f2 f3 f4 f5 command": five blank-separated fields, joined with
 *     single spaces into schedule (at most CRON_EXPR_MAX characters).
 *   - The command is the rest of the line with blanks trimmed at both
 *     ends, as written: '%' (a newline in cron) and '#' are kept.  It must
 *     not be empty.
 * - Otherwise NAME=VALUE: NAME is [A-Za-z_][A-Za-z0-9_]*, at most 64
 *   characters; blanks are allowed around '=' and around VALUE (they are
 *   not part of it).  A VALUE that starts with ' or " ends at the next
 *   same quote, the quotes are removed and only blanks may follow;
 *   otherwise it is the text as written (inner quotes kept).  At most 256
 *   bytes once unquoted; it may be empty (MAILTO="").  CRONTAB_ENV.
 * - Anything else is an error: "hello world", "MAILTO root", a line that
 *   starts with a month name, "=x", "FOO-BAR=1".
 */
#ifndef CRON_CRONTAB_H
#define CRON_CRONTAB_H

#include <stddef.h>

#include "cronexpr.h"

#define CRONTAB_LINE_MAX	4096	/* longer lines are an error */
#define CRONTAB_NAME_MAX	100	/* characters in a derived job name */

enum crontab_kind {
	CRONTAB_BLANK,		/* empty or only blanks */
	CRONTAB_COMMENT,	/* first non-blank character is '#' */
	CRONTAB_ENV,		/* NAME=VALUE (environment setting) */
	CRONTAB_ENTRY,		/* five time fields (or an @macro), a command */
	CRONTAB_ERROR		/* anything else; see error */
};

/* One line, classified; the fields kind does not use are empty. */
struct crontab_line {
	enum crontab_kind kind;
	/* ENTRY: the five fields joined by one space, or the @macro as is */
	char		 schedule[CRON_EXPR_MAX + 1];
	/* ENTRY: borrowed, into the line; blanks trimmed at both ends */
	const char	*command;
	size_t		 command_len;
	char		 env_name[65];	/* ENV */
	char		 env_value[257];/* ENV: unquoted value */
	/* ERROR: the reason, e.g. "unknown macro @often" */
	char		 error[160];
};

/* crontab.c */
int	cron_crontab_line(const char *, size_t, struct crontab_line *);
void	cron_crontab_name(const char *, size_t, char *, size_t);

/*
 * cron_crontab_line(line, len, out): classifies the len bytes at line
 * (one line without its '\n', not necessarily NUL-terminated; line may be
 * NULL when len is 0) into *out, which is cleared first.  Always returns
 * 0.  For CRONTAB_ENTRY, schedule is NUL-terminated and command points
 * into line (command_len bytes, not NUL-terminated, at least 1), so it is
 * valid as long as line is.  For CRONTAB_ERROR, error holds the reason:
 * "line is longer than 4096 characters", "line contains a NUL byte",
 * "expected five time fields and a command", "missing command",
 * "@reboot is not supported: jobs run on a schedule", "unknown macro
 * @word", "time fields are longer than 256 characters", "environment
 * variable name is longer than 64 characters", "environment value is
 * longer than 256 characters", "unterminated quote in environment
 * value", "unexpected text after the quoted environment value", "not a
 * cron entry or environment setting".  Text quoted from the line in a
 * message is cut to 32 characters (then "...") and has control
 * characters and bytes that are not UTF-8 replaced by '?', so the
 * message is printable UTF-8 and always fits.
 *
 * cron_crontab_name(command, len, out, outsz): a job name derived from
 * the len bytes of command: runs of ASCII whitespace and other control
 * characters become one space, trimmed at both ends; bytes that are not
 * UTF-8 become '?'; if the first word holds a '/', it is replaced by its
 * basename ("/usr/local/bin/backup.sh --full" gives "backup.sh --full",
 * "./run.sh" gives "run.sh"; trailing slashes are ignored, "/" stays
 * "/").  No other special case ("cd /srv && make" stays as it is).  A
 * name longer than CRONTAB_NAME_MAX characters (UTF-8 code points) is cut
 * to that many, never inside a character, a space at the cut is dropped
 * and "..." is appended, so a name has at most CRONTAB_NAME_MAX + 3
 * characters.  An empty result gives "crontab job".  out is always
 * NUL-terminated when outsz > 0, cut further (at a character boundary)
 * when outsz is too small: 4 * CRONTAB_NAME_MAX + 4 bytes always suffice.
 */

#endif
