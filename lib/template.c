/*
 * secret:// substitution (template.h has the rules).  The output buffer
 * holds decrypted secrets, so it never goes through realloc(3), which would
 * leave a copy behind in freed memory: it grows by copy and wipe, up to the
 * caller's maximum.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "xmalloc.h"

#define PREFIXLEN	(sizeof(CRON_TEMPLATE_PREFIX) - 1)
#define NAMECHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789_.-"

/* The output being built: len bytes used of cap, never more than max. */
struct tbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

/*
 * Returns the next "secret://" at or after s, or NULL; *runlen gets the
 * length of the name-character run after it (0, or possibly past 64).
 */
static const char *
template_next(const char *s, size_t *runlen)
{
	const char	*p;

	if ((p = strstr(s, CRON_TEMPLATE_PREFIX)) != NULL)
		*runlen = strspn(p + PREFIXLEN, NAMECHARS);
	return p;
}

/* Returns 1 if a run of n name characters is a name that may be looked up. */
static int
template_name_ok(size_t n)
{
	return n >= 1 && n <= CRON_TEMPLATE_NAMEMAX;
}

/*
 * Appends n bytes to b, growing it by copy and wipe; returns 0, or -1 if
 * the result would exceed b->max bytes (b is left as it was).
 */
static int
tbuf_add(struct tbuf *b, const void *data, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (n > b->max - b->len)
		return -1;
	if (n >= b->cap - b->len) {
		ncap = b->cap > (b->max + 1) / 2 ? b->max + 1 : b->cap * 2;
		if (ncap < b->len + n + 1)
			ncap = b->len + n + 1;
		np = xmalloc(ncap);
		memcpy(np, b->p, b->len);
		xfreezero(b->p, b->cap);
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/*
 * Appends what the reference at p (prefix plus a run of n name characters)
 * stands for: the looked-up value, wiped and freed once copied, or the
 * literal text.  Returns 0, or -1 if the result would exceed the maximum.
 */
static int
template_ref(struct tbuf *b, const char *p, size_t n,
    cron_secret_lookup lookup, void *arg)
{
	char	 name[CRON_TEMPLATE_NAMEMAX + 1];
	char	*val = NULL;
	size_t	 vlen = 0;
	int	 rc;

	if (template_name_ok(n)) {
		memcpy(name, p + PREFIXLEN, n);
		name[n] = '\0';
		val = lookup(name, &vlen, arg);
	}
	if (val == NULL)
		return tbuf_add(b, p, PREFIXLEN + n);
	rc = tbuf_add(b, val, vlen);
	xfreezero(val, vlen);
	return rc;
}

/*
 * Returns an owned, NUL-terminated copy of value with every reference
 * replaced as template.h says, its length in *outlen; or NULL (partial
 * output wiped, *outlen 0) if it would exceed maxlen bytes.  The caller
 * wipes the result: xfreezero(p, *outlen + 1).
 */
char *
cron_template_expand(const char *value, cron_secret_lookup lookup, void *arg,
    size_t maxlen, size_t *outlen)
{
	struct tbuf	 b;
	const char	*s, *p;
	size_t		 n;

	*outlen = 0;
	b.len = 0;
	b.max = maxlen > SIZE_MAX / 2 ? SIZE_MAX / 2 : maxlen;	/* cap * 2 fits */
	b.cap = strlen(value) + 1;
	if (b.cap > b.max + 1)
		b.cap = b.max + 1;
	b.p = xmalloc(b.cap);
	b.p[0] = '\0';

	for (s = value; (p = template_next(s, &n)) != NULL;
	    s = p + PREFIXLEN + n) {
		if (tbuf_add(&b, s, p - s) == -1 ||
		    template_ref(&b, p, n, lookup, arg) == -1)
			goto fail;
	}
	if (tbuf_add(&b, s, strlen(s)) == -1)
		goto fail;
	*outlen = b.len;
	return b.p;
fail:
	xfreezero(b.p, b.cap);
	return NULL;
}

/*
 * Fills names[] with owned copies (free(3)) of the distinct names referenced
 * by value that would be looked up, in order of first appearance, at most
 * max of them; returns how many it filled.
 */
size_t
cron_template_names(const char *value, char **names, size_t max)
{
	const char	*s, *p, *name;
	size_t		 n, i, count = 0;

	for (s = value; count < max && (p = template_next(s, &n)) != NULL;
	    s = p + PREFIXLEN + n) {
		if (!template_name_ok(n))
			continue;
		name = p + PREFIXLEN;
		for (i = 0; i < count; i++)
			if (strncmp(names[i], name, n) == 0 &&
			    names[i][n] == '\0')
				break;
		if (i == count)
			names[count++] = xstrndup(name, n);
	}
	return count;
}
