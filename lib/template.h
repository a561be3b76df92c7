/*
 * secret:// substitution in header values (SPEC §4), done by the scheduler
 * at the last moment before an HTTP request.
 *
 * The rules:
 * - A reference is the exact, case-sensitive byte string "secret://"
 *   ("Secret://", "SECRET://", "secret:/" are plain text) followed by NAME,
 *   the longest run of [A-Za-z0-9_.-] after it.  Matching is by substring:
 *   "xsecret://a" holds a reference to "a".  Because NAME is the longest
 *   run, "secret://asecret://b" refers to "asecret" and then to "b".
 * - A NAME of 1-64 characters is looked up.  A NAME of 65 or more
 *   characters (never truncated to 64), an empty NAME ("secret://" followed
 *   by anything else or by the end), and a NAME the lookup does not know
 *   are left as the literal text "secret://NAME"; the lookup is not called
 *   for the first two.  It is called once per reference, so a name used
 *   twice is looked up twice, and each value is wiped and freed as soon as
 *   it is copied.
 * - Looked-up values are inserted verbatim, NUL or any other byte included,
 *   and are not scanned again: a secret whose value is "secret://x" yields
 *   the text "secret://x".
 * - No judgement on the bytes: a value with CR or LF is substituted like any
 *   other, so the caller (the HTTP runner) must refuse a header value that
 *   contains CR or LF after expansion.
 */
#ifndef CRON_TEMPLATE_H
#define CRON_TEMPLATE_H

#include <stddef.h>

#define CRON_TEMPLATE_PREFIX	"secret://"
#define CRON_TEMPLATE_NAMEMAX	64	/* longest NAME, as for a secret (§4) */

/*
 * Looks up secret NAME (NUL-terminated, 1-64 characters); returns an owned
 * decrypted value from malloc(3) of at least *len bytes, or NULL when there
 * is no such secret.  The caller wipes the first *len bytes and frees it.
 */
typedef char *(*cron_secret_lookup)(const char *name, size_t *len, void *arg);

char	*cron_template_expand(const char *, cron_secret_lookup, void *, size_t,
	    size_t *);
size_t	 cron_template_names(const char *, char **, size_t);

#endif
