/*
 * The mail sender (SPEC §3.1).  Each pass leases a batch of due outbox rows
 * to a fresh claim token in one short transaction, then delivers them one
 * by one: through the SMTP relay in smtp_url (libcurl, one connection per
 * batch), or, with no relay configured, as <mail_dir>/<id>.eml files.
 * A mail with an HTML body goes as multipart/alternative (text, HTML).
 * Delivery is at-least-once: if a scheduler dies mid-batch its leases
 * expire and another instance takes the rows over.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "id.h"
#include "log.h"
#include "sched.h"
#include "xmalloc.h"

#define MAIL_BATCH		20
#define MAIL_MAX_ATTEMPTS	10
#define MAIL_BACKOFF_MAX	3600	/* seconds */
#define MAIL_LEASE_MIN		60	/* seconds */
#define MAIL_LEASE_SLACK_MS	5000	/* left for recording */
#define MAIL_MAX_SIZE		(4 << 20) /* one composed message */
#define MAIL_ERR_MAX		500	/* mail_outbox.last_error */
#define MAIL_LINE_MAX		998	/* RFC 5322 §2.1.1 */
#define ENC_WORD_BYTES		45	/* 60 base64 chars a word */
#define ADDR_MAX		256
#define MIME_B64_CHUNK		57	/* bytes a 76-character base64 line */
#define MIME_BOUNDARY_RANDOM	16	/* random bytes in a boundary */

/* A growable message buffer bounded by MAIL_MAX_SIZE; wiped when freed. */
struct mbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 full;
};

/* The sender as configured: mail_from split into its two parts. */
struct sender {
	char	 name[ADDR_MAX];	/* display name, may be "" */
	char	 addr[ADDR_MAX];	/* addr-spec, the envelope sender */
	char	 domain[ADDR_MAX];	/* for Message-ID */
};

/* Appends n bytes; past MAIL_MAX_SIZE only marks the buffer full. */
static void
mbuf_add(struct mbuf *b, const void *p, size_t n)
{
	size_t	 ncap;
	char	*np;

	if (b->full || n > MAIL_MAX_SIZE - b->len) {
		b->full = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		for (ncap = b->cap ? b->cap : 1024; ncap < b->len + n + 1;)
			ncap *= 2;
		np = xmalloc(ncap);	/* not realloc: wipe the old */
		if (b->len > 0)
			memcpy(np, b->p, b->len);
		xfreezero(b->p, b->cap);
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
mbuf_puts(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatalx("vasprintf: out of memory");
	va_end(ap);
	mbuf_puts(b, s);
	free(s);
}

static void
mbuf_free(struct mbuf *b)
{
	xfreezero(b->p, b->cap);
	memset(b, 0, sizeof(*b));
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * Returns an owned copy of a header value with CR and LF removed and other
 * control bytes made spaces, so no value can start a header of its own.
 */
static char *
hdr_clean(const char *in)
{
	char	*out = xstrdup(in), *o = out;

	for (; *in != '\0'; in++) {
		if (*in == '\r' || *in == '\n')
			continue;
		*o++ = ((unsigned char)*in < 0x20 || *in == 0x7f) ? ' ' : *in;
	}
	*o = '\0';
	return out;
}

/*
 * Appends s as RFC 2047 encoded-words (UTF-8, base64) of at most 75
 * characters each, folded onto continuation lines, never splitting a
 * UTF-8 sequence between two words.
 */
static void
enc_words(struct mbuf *b, const char *s)
{
	unsigned char	 out[4 * ((ENC_WORD_BYTES + 2) / 3) + 1];
	size_t		 len = strlen(s), off = 0, n;

	while (off < len) {
		n = len - off > ENC_WORD_BYTES ? ENC_WORD_BYTES : len - off;
		while (off + n < len && n > 1 &&
		    ((unsigned char)s[off + n] & 0xc0) == 0x80)
			n--;
		EVP_EncodeBlock(out, (const unsigned char *)s + off, (int)n);
		mbuf_printf(b, "%s=?UTF-8?B?%s?=", off > 0 ? "\r\n " : "",
		    (char *)out);
		off += n;
	}
}

/* Appends "name: value\r\n", value cleaned and encoded if not ASCII. */
static void
hdr_text(struct mbuf *b, const char *name, const char *value)
{
	char	*v = hdr_clean(value);

	mbuf_printf(b, "%s: ", name);
	if (is_ascii(v))
		mbuf_puts(b, v);
	else
		enc_words(b, v);
	mbuf_puts(b, "\r\n");
	free(v);
}

/* Appends the Date header for t in the RFC 5322 form, in UTC. */
static void
hdr_date(struct mbuf *b, time_t t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	tm;

	gmtime_r(&t, &tm);
	mbuf_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n",
	    wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Returns 1 if a is usable as an envelope address and in a header: a
 * non-empty local part and domain around an '@', no spaces, controls or
 * angle brackets (so it can never inject an SMTP command).
 */
static int
addr_ok(const char *a)
{
	const char	*at = strrchr(a, '@');
	size_t		 len = strlen(a);

	if (at == NULL || at == a || at[1] == '\0' || len >= ADDR_MAX)
		return 0;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= 0x20 || *a == 0x7f || *a == '<' ||
		    *a == '>')
			return 0;
	return 1;
}

/*
 * Splits the mailbox mb ("Name <user@host>" or "user@host") into s.
 * Returns 0, or -1 if it holds no usable address.
 */
static int
sender_parse(const char *mb, struct sender *s)
{
	const char	*lt = strchr(mb, '<'), *a = mb, *d;
	size_t		 n = strlen(mb), nl, o = 0;

	memset(s, 0, sizeof(*s));
	if (lt != NULL) {
		if (mb[n - 1] != '>')
			return -1;
		a = lt + 1;
		n = (size_t)(mb + n - 1 - a);
		for (nl = (size_t)(lt - mb); nl > 0 && mb[nl - 1] == ' '; nl--)
			;
		snprintf(s->name, sizeof(s->name), "%.*s", (int)nl, mb);
	}
	if (n >= sizeof(s->addr))
		return -1;
	memcpy(s->addr, a, n);
	if (!addr_ok(s->addr))
		return -1;
	for (d = strrchr(s->addr, '@') + 1; *d != '\0'; d++)
		if (isalnum((unsigned char)*d) || *d == '.' || *d == '-')
			s->domain[o++] = *d;
	if (o == 0)
		snprintf(s->domain, sizeof(s->domain), "localhost");
	return 0;
}

/* Appends the From header: the display name encoded if not ASCII. */
static void
hdr_from(struct mbuf *b, const struct sender *s)
{
	char	*name = hdr_clean(s->name);

	if (*name == '\0')
		mbuf_printf(b, "From: %s\r\n", s->addr);
	else if (is_ascii(name))
		mbuf_printf(b, "From: %s <%s>\r\n", name, s->addr);
	else {
		mbuf_puts(b, "From: ");
		enc_words(b, name);
		mbuf_printf(b, " <%s>\r\n", s->addr);
	}
	free(name);
}

/* Returns 1 if some line of s is too long to be sent as 8bit. */
static int
body_needs_qp(const char *s)
{
	size_t	n;

	for (;;) {
		n = strcspn(s, "\r\n");
		if (n > MAIL_LINE_MAX)
			return 1;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

/* Appends one line of n bytes quoted-printable, with soft breaks. */
static void
qp_line(struct mbuf *b, const unsigned char *p, size_t n)
{
	char	 enc[4];
	size_t	 i, w, col = 0;

	for (i = 0; i < n; i++) {
		if ((p[i] >= 33 && p[i] <= 126 && p[i] != '=') ||
		    ((p[i] == ' ' || p[i] == '\t') && i + 1 < n)) {
			enc[0] = (char)p[i];
			w = 1;
		} else {
			snprintf(enc, sizeof(enc), "=%02X", p[i]);
			w = 3;
		}
		if (col + w > 75) {
			mbuf_puts(b, "=\r\n");
			col = 0;
		}
		mbuf_add(b, enc, w);
		col += w;
	}
	mbuf_puts(b, "\r\n");
}

/* Appends the body, each line (LF, CRLF or CR ended) ending in CRLF. */
static void
body_put(struct mbuf *b, const char *s, int qp)
{
	size_t	n;

	while (*s != '\0') {
		n = strcspn(s, "\r\n");
		if (qp)
			qp_line(b, (const unsigned char *)s, n);
		else {
			mbuf_add(b, s, n);
			mbuf_puts(b, "\r\n");
		}
		s += n;
		if (s[0] == '\r' && s[1] == '\n')
			s += 2;
		else if (*s != '\0')
			s++;
	}
}

/*
 * Appends the bytes of src base64-encoded (RFC 2045 §6.8) in lines of 76
 * characters, each ending in CRLF.
 */
static void
b64_put(struct mbuf *b, const struct mbuf *src)
{
	unsigned char	 out[4 * (MIME_B64_CHUNK / 3) + 1];
	size_t		 off, n;

	for (off = 0; off < src->len; off += n) {
		n = src->len - off > MIME_B64_CHUNK ? MIME_B64_CHUNK :
		    src->len - off;
		EVP_EncodeBlock(out, (const unsigned char *)src->p + off,
		    (int)n);
		mbuf_puts(b, (char *)out);
		mbuf_puts(b, "\r\n");
	}
}

/*
 * Appends one text part of a multipart message: its headers and s as
 * UTF-8 with CRLF line ends, quoted-printable, or base64 when more than a
 * third of its bytes are not ASCII (quoted-printable would triple them).
 * Either keeps the part 7-bit and its lines short, whatever s holds.
 */
static void
part_put(struct mbuf *b, const char *type, const char *s)
{
	struct mbuf	 canon;
	const char	*p;
	size_t		 n = 0, high = 0;

	for (p = s; *p != '\0'; p++, n++)
		if ((unsigned char)*p >= 0x80)
			high++;
	mbuf_printf(b, "Content-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", type,
	    high * 3 > n ? "base64" : "quoted-printable");
	if (high * 3 <= n) {
		body_put(b, s, 1);
		return;
	}
	memset(&canon, 0, sizeof(canon));
	body_put(&canon, s, 0);
	if (canon.full)
		b->full = 1;
	else
		b64_put(b, &canon);
	mbuf_free(&canon);
}

/* Returns 1 if the n bytes at p contain the string s. */
static int
has_str(const char *p, size_t n, const char *s)
{
	size_t	sl = strlen(s);

	return p != NULL && memmem(p, n, s, sl) != NULL;
}

/*
 * Appends the multipart/alternative body of m (text, then HTML: the last
 * is the preferred) with its Content-Type header, the boundary random and
 * occurring in neither part.
 */
static void
alternative_put(struct mbuf *b, const struct db_mail *m)
{
	struct mbuf	 text, html;
	unsigned char	 rnd[MIME_BOUNDARY_RANDOM];
	char		 bd[2 * MIME_BOUNDARY_RANDOM + 8];

	memset(&text, 0, sizeof(text));
	memset(&html, 0, sizeof(html));
	part_put(&text, "text/plain", m->body);
	part_put(&html, "text/html", m->html);
	do {	/* "=_" cannot occur in either encoding: once is enough */
		cron_random_bytes(rnd, sizeof(rnd));
		memcpy(bd, "=_", 2);
		cron_hex(rnd, sizeof(rnd), bd + 2);
	} while (has_str(text.p, text.len, bd) ||
	    has_str(html.p, html.len, bd));
	mbuf_printf(b, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n"
	    "This is a multi-part message in MIME format.\r\n", bd);
	mbuf_printf(b, "\r\n--%s\r\n", bd);
	mbuf_add(b, text.p, text.len);
	mbuf_printf(b, "\r\n--%s\r\n", bd);
	mbuf_add(b, html.p, html.len);
	mbuf_printf(b, "\r\n--%s--\r\n", bd);
	if (text.full || html.full)
		b->full = 1;
	mbuf_free(&text);
	mbuf_free(&html);
}

/*
 * Composes the RFC 5322 message for m from sender s into b: text/plain,
 * or multipart/alternative when m has an HTML body.  Returns 0, or -1
 * with the reason in err: a permanent failure, retrying cannot help.
 */
static int
mail_compose(const struct sender *s, const struct db_mail *m,
    struct mbuf *b, char *err, size_t errlen)
{
	int	qp;

	if (!cron_id_valid(m->id)) {
		snprintf(err, errlen, "invalid mail id");
		return -1;
	}
	if (!addr_ok(m->to)) {
		snprintf(err, errlen, "invalid recipient address");
		return -1;
	}
	hdr_from(b, s);
	mbuf_printf(b, "To: %s\r\n", m->to);
	hdr_text(b, "Subject", m->subject);
	hdr_date(b, time(NULL));
	mbuf_printf(b, "Message-ID: <%s@%s>\r\n", m->id, s->domain);
	if (m->html != NULL && *m->html != '\0')
		alternative_put(b, m);
	else {
		qp = body_needs_qp(m->body);
		mbuf_printf(b, "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: %s\r\n\r\n",
		    qp ? "quoted-printable" : "8bit");
		body_put(b, m->body, qp);
	}
	if (b->full) {
		snprintf(err, errlen, "message larger than %d bytes",
		    MAIL_MAX_SIZE);
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Writes b as dir/id.eml atomically: a temporary file in the same
 * directory (a name no *.eml glob matches), fsync, rename, then fsync of
 * the directory.  Returns 0, or -1 with the reason in err.
 */
static int
mail_to_file(const char *dir, const char *id, const struct mbuf *b,
    char *err, size_t errlen)
{
	char	*tmp, *dst;
	int	 fd = -1, dfd, made = 0, rc = -1;

	tmp = xasprintf("%s/.%s.XXXXXX", dir, id);
	dst = xasprintf("%s/%s.eml", dir, id);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "create %s: %s", tmp, strerror(errno));
		goto out;
	}
	made = 1;
	if (write_all(fd, b->p, b->len) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1) {
		snprintf(err, errlen, "write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, dst) == -1) {
		snprintf(err, errlen, "rename to %s: %s", dst, strerror(errno));
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc == -1 && made)
		(void)unlink(tmp);
	free(tmp);
	free(dst);
	return rc;
}

struct upload {
	const struct mbuf	*b;
	size_t			 off;
};

static size_t
upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload	*u = arg;
	size_t		 n = size * nitems;

	if (n > u->b->len - u->off)
		n = u->b->len - u->off;
	memcpy(buf, u->b->p + u->off, n);
	u->off += n;
	return n;
}

/*
 * Copies a curl error into err as printable ASCII (it goes into the
 * database and the log), or only the generic text if it could hold the
 * password.
 */
static void
smtp_error(const struct cron_conf *c, CURLcode rc, const char *detail,
    long code, char *err, size_t errlen)
{
	char	*p;

	if (*detail == '\0' || (*c->smtp_password != '\0' &&
	    strstr(detail, c->smtp_password) != NULL))
		detail = curl_easy_strerror(rc);
	if (code != 0)
		snprintf(err, errlen, "smtp: %s (reply %ld)", detail, code);
	else
		snprintf(err, errlen, "smtp: %s", detail);
	for (p = err; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
}

/* Sets the per-message options of handle h; rcpt and u outlive the call. */
static void
smtp_setopt(CURL *h, const struct cron_conf *c, const char *from,
    struct curl_slist *rcpt, struct upload *u, char *cerr)
{
	long	t = c->smtp_timeout;

	curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->b->len);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t < 10 ? t : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	if (c->smtp_starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (*c->smtp_username != '\0') {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_username);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password);
	}
}

/*
 * Sends b from the envelope sender from to rcpt through the relay, on
 * handle h (its connection is reused across a batch).  Returns 0, or -1
 * with a reason in err that names no credential.
 */
static int
mail_to_smtp(CURL *h, const struct cron_conf *c, const char *from,
    const char *rcpt, const struct mbuf *b, char *err, size_t errlen)
{
	struct curl_slist	*to;
	struct upload		 u = { b, 0 };
	char			 cerr[CURL_ERROR_SIZE], *efrom, *eto;
	long			 code = 0;
	CURLcode		 rc;

	efrom = xasprintf("<%s>", from);
	eto = xasprintf("<%s>", rcpt);
	if ((to = curl_slist_append(NULL, eto)) == NULL)
		fatalx("curl_slist_append: out of memory");
	cerr[0] = '\0';
	curl_easy_reset(h);
	smtp_setopt(h, c, efrom, to, &u, cerr);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(to);
	free(efrom);
	free(eto);
	if (rc == CURLE_OK)
		return 0;
	smtp_error(c, rc, cerr, code, err, errlen);
	return -1;
}

/* The wait before retrying after failed attempt n: base * 2^(n-1), capped. */
static int
mail_backoff(int base, int attempt)
{
	long long	d = base;

	while (--attempt > 0 && d < MAIL_BACKOFF_MAX)
		d *= 2;
	return d > MAIL_BACKOFF_MAX ? MAIL_BACKOFF_MAX : (int)d;
}

/* Records the outcome of one attempt at m (number attempt) and logs it. */
static void
mail_record(struct sched *s, const char *owner, const struct db_mail *m,
    int attempt, int failed, int permanent, const char *err)
{
	int	rc, delay;

	if (!failed) {
		if ((rc = db_mail_sent(s->db, m->id)) == DB_OK)
			log_info("mail %s sent (attempt %d)", m->id, attempt);
		else if (rc == DB_NOTFOUND)
			log_warnx("mail %s sent; another scheduler had "
			    "already finished it", m->id);
		else
			log_warnx("mail %s sent but not recorded; it may be "
			    "sent again", m->id);
		return;
	}
	if (permanent || attempt >= MAIL_MAX_ATTEMPTS) {
		rc = db_mail_fail(s->db, m->id, owner, err);
		log_warnx("mail %s failed for good (attempt %d): %s", m->id,
		    attempt, err);
	} else {
		delay = mail_backoff(s->conf->mail_retry_base_seconds, attempt);
		rc = db_mail_retry(s->db, m->id, owner, err, delay);
		log_warnx("mail %s failed (attempt %d of %d), retrying in %ds: "
		    "%s", m->id, attempt, MAIL_MAX_ATTEMPTS, delay, err);
	}
	if (rc == DB_NOTFOUND)
		log_warnx("mail %s: lease lost before the failure was "
		    "recorded", m->id);
}

/*
 * Delivers one leased mail m and records the outcome under claim token
 * owner.  *h is the batch's curl handle, made on first use.
 */
static void
mail_one(struct sched *s, const char *owner, CURL **h,
    const struct db_mail *m)
{
	const struct cron_conf	*c = s->conf;
	struct sender		 snd;
	struct mbuf		 b;
	char			 err[MAIL_ERR_MAX + 1];
	int			 rc, permanent = 0;

	memset(&b, 0, sizeof(b));
	err[0] = '\0';
	if (sender_parse(c->mail_from, &snd) == -1)
		fatalx("mail_from was checked at load");
	if (mail_compose(&snd, m, &b, err, sizeof(err)) == -1) {
		permanent = 1;
		rc = -1;
	} else if (*c->smtp_url == '\0')
		rc = mail_to_file(c->mail_dir, m->id, &b, err, sizeof(err));
	else {
		if (*h == NULL && (*h = curl_easy_init()) == NULL)
			fatalx("curl_easy_init failed");
		rc = mail_to_smtp(*h, c, snd.addr, m->to, &b, err, sizeof(err));
	}
	mbuf_free(&b);
	mail_record(s, owner, m, m->attempts + 1, rc == -1, permanent, err);
}

/* Seconds a claim leases its rows: room for at least one slow send. */
static int
mail_lease_seconds(const struct cron_conf *c)
{
	return c->smtp_timeout + 30 > MAIL_LEASE_MIN ? c->smtp_timeout + 30 :
	    MAIL_LEASE_MIN;
}

/*
 * The mail duty: claims one batch and delivers it, stopping early (and
 * handing the rest back) on SIGTERM or when the lease could run out during
 * the next send.  Returns 1 when a full batch went out (more may be due),
 * 0 when the queue is drained, -1 when the database failed.
 */
int
sched_mail_run(struct sched *s)
{
	struct db_mail	*m;
	CURL		*h = NULL;
	char		 owner[65];
	size_t		 n, i;
	int64_t		 start = sched_mono_ms(), budget;
	int		 lease = mail_lease_seconds(s->conf);

	if (*s->conf->smtp_url == '\0' && *s->conf->mail_dir == '\0')
		return 0;
	sched_claim_token(s, owner, sizeof(owner));
	if (db_mail_claim(s->db, owner, lease, MAIL_BATCH, &m, &n) != DB_OK)
		return -1;
	if (n > 0)
		log_debug("mail: leased %zu as %s", n, owner);
	budget = (int64_t)lease * 1000 - MAIL_LEASE_SLACK_MS -
	    (int64_t)s->conf->smtp_timeout * 1000;
	for (i = 0; i < n; i++) {
		sched_signals(s, 0);
		if (s->stop || sched_mono_ms() - start > budget)
			break;
		mail_one(s, owner, &h, &m[i]);
	}
	if (i < n && db_mail_release(s->db, owner) == DB_OK)
		log_info("mail: handed back %zu unsent", n - i);
	if (h != NULL)
		curl_easy_cleanup(h);
	db_mail_list_free(m, n);
	return n == MAIL_BATCH && i == n;
}

/* Checks the mail settings; returns 0, or -1 with the reason in err. */
int
sched_mail_check(const struct cron_conf *c, char *err, size_t errlen)
{
	struct sender	snd;

	if (*c->smtp_url != '\0' && strncasecmp(c->smtp_url, "smtp://", 7) &&
	    strncasecmp(c->smtp_url, "smtps://", 8)) {
		snprintf(err, errlen, "smtp_url must start with smtp:// or "
		    "smtps://");
		return -1;
	}
	if (sender_parse(c->mail_from, &snd) == -1) {
		snprintf(err, errlen, "mail_from must be \"Name <user@host>\" "
		    "or user@host");
		return -1;
	}
	return 0;
}

/* Says where mail goes (never the URL: it may hold credentials). */
void
sched_mail_log(const struct cron_conf *c)
{
	int	tls = c->smtp_starttls ||
		    strncasecmp(c->smtp_url, "smtps://", 8) == 0;

	if (*c->smtp_url != '\0') {
		log_info("mail: sending through the SMTP relay (%s, %s)",
		    tls ? "TLS" : "no TLS",
		    *c->smtp_username != '\0' ? "with login" : "no login");
		if (!tls && *c->smtp_username != '\0')
			log_warnx("mail: the SMTP password goes over the "
			    "network in clear; set smtp_starttls or use "
			    "smtps://");
	} else if (*c->mail_dir != '\0')
		log_info("mail: no smtp_url; writing .eml files to %s",
		    c->mail_dir);
	else
		log_warnx("mail: neither smtp_url nor mail_dir is set; mail "
		    "stays queued");
}
