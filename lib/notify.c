/*
 * Notification messages (SPEC §8), one builder per channel type.  Nothing
 * here does I/O: each builder turns a struct cron_notice into the bytes of
 * a request (or a mail) that cron-scheduler then sends.
 *
 * Every string in a notice may be hostile or broken: job names are user
 * input and the output preview is whatever a target answered, bytes that
 * need not be UTF-8.  So all text goes through text_put(), which repairs
 * UTF-8, neutralises control characters, escapes for the target's markup,
 * and cuts to a length budget on a character boundary (never inside a
 * UTF-8 sequence or an escape).  JSON is built only with json-c.
 *
 * Lengths against channel limits are counted in UTF-16 code units with
 * escapes at their full escaped size, which is never less than what Slack,
 * Discord or Telegram count, so a message under our budget is under theirs.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "jsonutil.h"
#include "log.h"
#include "notify.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PRODUCT		"cron-platform"
#define TEST_MESSAGE	"This is a test notification from cron-platform."

#define WHSEC_PREFIX	"whsec_"
#define WHSEC_MIN	24	/* key bytes (Standard Webhooks) */
#define WHSEC_MAX	64
#define WHSEC_B64MAX	(((WHSEC_MAX + 2) / 3) * 4)
#define SIG_B64LEN	44	/* base64 of 32 bytes, padded */
#define SIG_LEN		(3 + SIG_B64LEN)	/* "v1," + base64 */

/*
 * Display budgets (UTF-16 units, escaped) for strings shown to people.
 * Bounding every piece is what keeps each whole message under its
 * channel's limits without measuring it afterwards.
 */
#define NAME_MAX_UNITS		200	/* job and channel names */
#define SHORT_MAX_UNITS		100	/* ids, error class, status, trigger */
#define MENTION_MAX_UNITS	500	/* Slack mention_text */

/* Channel limits. */
#define SLACK_TEXT_MAX		3000	/* a section's text */
#define DISCORD_TITLE_MAX	256

#define DASH		"\xe2\x80\x94"	/* em dash: no value */
#define ELLIPSIS	"\xe2\x80\xa6"	/* one unit */
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */
#define ZWSP		"\xe2\x80\x8b"	/* zero-width space */

#define COLOR_SUCCEEDED	0x2EB67D
#define COLOR_FAILED	0xE01E5A
#define COLOR_TEST	0x3498DB

enum event {
	EV_SUCCEEDED,
	EV_FAILED,
	EV_TEST
};

/*
 * How text_put() renders text.  One markup (the low bits) and, for a
 * multi-line block such as the output preview, TXT_BLOCK.
 */
#define TXT_PLAIN	0	/* no markup */
#define TXT_MRKDWN	1	/* Slack: & < > as entities */
#define TXT_HTML	2	/* & < > " ' as entities */
#define TXT_DISCORD	3	/* markdown punctuation behind a backslash */
#define TXT_MARKUP	0x0f
#define TXT_BLOCK	0x10	/* keep \n and \t; else controls are spaces */
#define TXT_CODE	0x20	/* inside ``` (Slack): break runs of ` */

/* A growing NUL-terminated string. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n) {
		b->cap = b->len + n + 1 < 256 ? 256 : (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("vasprintf");
	buf_add(b, s, (size_t)n);
	free(s);
}

/* Returns the string built (owned), "" when nothing was added. */
static char *
buf_take(struct buf *b)
{
	char	*s = b->s != NULL ? b->s : xstrdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

static const char *
nonnull(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * The replacement for the code point c (len bytes at p, valid UTF-8) under
 * mode, or NULL to keep it.  Control characters (C0, DEL, C1 and the
 * Unicode line and paragraph separators) never pass: in a one-line value
 * they are spaces, so a job name cannot forge a line of a message or a
 * header; in a block they are U+FFFD, except the layout of \n and \t.
 */
static const char *
text_subst(const unsigned char *p, size_t len, int mode)
{
	static const char *const dsc[] = {
		"\\\\", "\\*", "\\_", "\\~", "\\`", "\\|", "\\<", "\\>",
		"\\[", "\\]", "\\(", "\\)", "\\#", "\\-", ""
	};
	unsigned	c = p[0];
	size_t		i;

	if (len == 2 && c == 0xc2 && p[1] < 0xa0)
		return mode & TXT_BLOCK ? REPLACEMENT : " ";	/* C1 */
	if (len == 3 && c == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9))
		return mode & TXT_BLOCK ? "\n" : " ";	/* U+2028, U+2029 */
	if (len != 1)
		return NULL;
	if (c < 0x20 || c == 0x7f) {
		if (!(mode & TXT_BLOCK))
			return " ";
		if (c == '\n' || c == '\t')
			return NULL;
		return c == '\r' ? "" : REPLACEMENT;	/* CRLF is LF */
	}
	switch (mode & TXT_MARKUP) {
	case TXT_MRKDWN:
	case TXT_HTML:
		if (c == '&')
			return "&amp;";
		if (c == '<')
			return "&lt;";
		if (c == '>')
			return "&gt;";
		if ((mode & TXT_MARKUP) == TXT_MRKDWN)
			break;
		if (c == '"')
			return "&quot;";
		if (c == '\'')
			return "&#39;";
		break;
	case TXT_DISCORD:
		/* emphasis, code, spoilers, quotes, headings, lists, links */
		for (i = 0; dsc[i][0] != '\0'; i++)
			if (dsc[i][1] == (char)c)
				return dsc[i];
		break;
	}
	return NULL;
}

/* Length of the UTF-8 sequence led by c (the text is valid UTF-8). */
static size_t
utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* UTF-16 units of the valid UTF-8 in the n bytes at s. */
static size_t
utf16_units(const char *s, size_t n)
{
	size_t	i, u = 0, len;

	for (i = 0; i < n; i += len) {
		len = utf8_len((unsigned char)s[i]);
		u += len == 4 ? 2 : 1;
	}
	return u;
}

/*
 * Renders the n bytes of valid UTF-8 at s under mode into b (NULL: only
 * count), stopping before the first code point whose rendering would take
 * the total past max units.  Returns the units rendered; *all is set to
 * whether everything fit.  Each code point goes out whole, escape and all.
 */
static size_t
text_walk(struct buf *b, const char *s, size_t n, int mode, size_t max,
    int *all)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*r, *out;
	size_t			 i, len, olen, u, units = 0;
	int			 tick = 0;

	*all = 1;
	for (i = 0; i < n; i += len) {
		len = utf8_len(p[i]);
		if ((r = text_subst(p + i, len, mode)) != NULL) {
			out = r;
			olen = strlen(r);
		} else {
			out = s + i;
			olen = len;
		}
		u = utf16_units(out, olen);
		/* ``` would close a Slack code block: split the run. */
		if ((mode & TXT_CODE) && p[i] == '`' && tick)
			u++;
		if (units + u > max) {
			*all = 0;
			break;
		}
		if (b != NULL) {
			if ((mode & TXT_CODE) && p[i] == '`' && tick)
				buf_puts(b, ZWSP);
			buf_add(b, out, olen);
		}
		tick = p[i] == '`';
		units += u;
	}
	return units;
}

/*
 * Appends the n bytes at s (any bytes) to b rendered under mode, in at
 * most max units (max >= 1); a string that does not fit is cut and ends
 * with an ellipsis.  Returns 1 if it was cut, else 0.
 */
static int
text_put_n(struct buf *b, const char *s, size_t n, int mode, size_t max)
{
	char	*u;
	size_t	 ulen;
	int	 all;

	u = cron_utf8_repair(s, n, &ulen);
	text_walk(NULL, u, ulen, mode, max, &all);
	if (all)
		text_walk(b, u, ulen, mode, max, &all);
	else {
		text_walk(b, u, ulen, mode, max - 1, &all);
		buf_puts(b, ELLIPSIS);
	}
	free(u);
	return !all;
}

static int
text_put(struct buf *b, const char *s, int mode, size_t max)
{
	s = nonnull(s);
	return text_put_n(b, s, strlen(s), mode, max);
}

/* Returns s rendered under mode in at most max units (owned). */
static char *
text_dup(const char *s, int mode, size_t max)
{
	struct buf	b = { NULL, 0, 0 };

	text_put(&b, s, mode, max);
	return buf_take(&b);
}

/* A JSON string of s as valid UTF-8 (C string: no NUL inside). */
static struct json_object *
json_text(const char *s)
{
	struct json_object	*o;
	char			*u;
	size_t			 n;

	s = nonnull(s);
	u = cron_utf8_repair(s, strlen(s), &n);
	o = json_object_new_string_len(u, (int)n);
	free(u);
	return o;
}

static void
json_add_text(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_text(s));
}

/* Adds key: s, owned s, consumed. */
static void
json_add_owned(struct json_object *o, const char *key, char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
	free(s);
}

static enum event
notice_event(const struct cron_notice *n)
{
	const char	*t = nonnull(n->type);

	if (strcmp(t, "test") == 0)
		return EV_TEST;
	if (strcmp(t, "execution.failed") == 0)
		return EV_FAILED;
	if (strcmp(t, "execution.succeeded") == 0)
		return EV_SUCCEEDED;
	return strcmp(nonnull(n->status), "failed") == 0 ? EV_FAILED :
	    EV_SUCCEEDED;
}

static const char *
event_type(enum event ev)
{
	return ev == EV_TEST ? "test" : ev == EV_FAILED ?
	    "execution.failed" : "execution.succeeded";
}

static const char *
event_word(enum event ev)
{
	return ev == EV_FAILED ? "failed" : "succeeded";
}

/* The execution's status, or the event's when the notice has none. */
static const char *
notice_status(const struct cron_notice *n, enum event ev)
{
	return n->status != NULL && n->status[0] != '\0' ? n->status :
	    event_word(ev);
}

static int
has_error_class(const struct cron_notice *n)
{
	return n->error_class != NULL && n->error_class[0] != '\0';
}

/*
 * Appends what happened, e.g. "HTTP 500 after 3 attempts", "timeout after
 * 1 attempt", "after 2 attempts"; nothing when nothing is known.  Returns
 * 1 if it appended anything.
 */
static int
put_outcome(struct buf *b, const struct cron_notice *n, int mode)
{
	size_t	start = b->len;

	if (n->status_code >= 0)
		buf_printf(b, "HTTP %d", n->status_code);
	else if (has_error_class(n))
		text_put(b, n->error_class, mode, SHORT_MAX_UNITS);
	if (n->attempts > 0)
		buf_printf(b, "%safter %d attempt%s", b->len > start ? " " : "",
		    n->attempts, n->attempts == 1 ? "" : "s");
	return b->len > start;
}

/* Appends the ISO 8601 time ms, or an em dash for none. */
static void
put_time(struct buf *b, int64_t ms)
{
	char	t[CRON_TIME_LEN + 1];

	if (ms < 0 || cron_time_fmt(ms, t) == -1)
		buf_puts(b, DASH);
	else
		buf_puts(b, t);
}

static void
put_ms(struct buf *b, long long ms)
{
	if (ms < 0)
		buf_puts(b, DASH);
	else
		buf_printf(b, "%lld ms", ms);
}

/* Appends "500 · timeout", "500", "timeout" or an em dash. */
static void
put_result(struct buf *b, const struct cron_notice *n, int mode)
{
	if (n->status_code >= 0)
		buf_printf(b, "%d", n->status_code);
	if (has_error_class(n)) {
		if (n->status_code >= 0)
			buf_puts(b, " \xc2\xb7 ");
		text_put(b, n->error_class, mode, SHORT_MAX_UNITS);
	}
	if (n->status_code < 0 && !has_error_class(n))
		buf_puts(b, DASH);
}

/*
 * Fills req with url, a JSON body (the object o, consumed) and
 * Content-Type.  Returns 0.
 */
static int
req_json(struct cron_notify_req *req, char *url, struct json_object *o)
{
	const char	*s;
	size_t		 len;

	s = cron_json_text(o, &len);
	req->url = url;
	req->body = xstrndup(s, len);
	req->body_len = len;
	req->headers[req->nheaders++] = xstrdup("Content-Type: application/json");
	json_object_put(o);
	return 0;
}

void
cron_notify_req_free(struct cron_notify_req *req)
{
	int	i;

	if (req == NULL)
		return;
	free(req->url);
	free(req->body);
	for (i = 0; i < req->nheaders && i < CRON_NOTIFY_MAX_HEADERS; i++)
		free(req->headers[i]);
	memset(req, 0, sizeof(*req));
}

/*
 * Standard Webhooks.
 */

/*
 * Decodes secret's key into key[WHSEC_MAX]; returns its length, or -1
 * when secret is not "whsec_" + strict standard base64 of 24..64 bytes.
 */
static int
whsec_key(const char *secret, unsigned char key[WHSEC_MAX])
{
	size_t	n, plen = sizeof(WHSEC_PREFIX) - 1, klen;

	if (secret == NULL || strncmp(secret, WHSEC_PREFIX, plen) != 0)
		return -1;
	secret += plen;
	if ((n = strnlen(secret, WHSEC_B64MAX + 1)) > WHSEC_B64MAX ||
	    cron_b64_decode(secret, n, 0, key, WHSEC_MAX, &klen) == -1 ||
	    klen < WHSEC_MIN) {
		explicit_bzero(key, WHSEC_MAX);
		return -1;
	}
	return (int)klen;
}

int
cron_webhook_secret_valid(const char *secret)
{
	unsigned char	key[WHSEC_MAX];
	int		len;

	len = whsec_key(secret, key);
	explicit_bzero(key, sizeof(key));
	return len != -1;
}

int
cron_webhook_sign(const char *secret, const char *id, long long ts,
    const char *body, size_t len, char *out, size_t outlen)
{
	unsigned char	 key[WHSEC_MAX], md[CRON_SHA256_LEN];
	unsigned int	 mdlen = sizeof(md);
	char		*msg;
	int		 klen, hlen;
	size_t		 n;

	if (outlen < SIG_LEN + 1 || id == NULL ||
	    (klen = whsec_key(secret, key)) == -1)
		return -1;
	/* The signed content is "id.timestamp.body", body as sent. */
	hlen = snprintf(NULL, 0, "%s.%lld.", id, ts);
	if (hlen < 0)
		fatalx("snprintf");
	n = (size_t)hlen + len;
	msg = xmalloc(n + 1);
	snprintf(msg, (size_t)hlen + 1, "%s.%lld.", id, ts);
	if (len > 0)
		memcpy(msg + hlen, body, len);
	if (HMAC(EVP_sha256(), key, klen, (unsigned char *)msg, n, md,
	    &mdlen) == NULL || mdlen != CRON_SHA256_LEN)
		fatalx("HMAC(sha256) failed");
	explicit_bzero(key, sizeof(key));
	free(msg);
	memcpy(out, "v1,", 3);
	if (EVP_EncodeBlock((unsigned char *)out + 3, md, sizeof(md)) !=
	    SIG_B64LEN)
		fatalx("EVP_EncodeBlock");
	return 0;
}

/* A header-safe webhook-id: printable ASCII, no spaces, bounded. */
static int
message_id_valid(const char *id)
{
	size_t	i;

	if (id == NULL || id[0] == '\0')
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (i >= 256 || id[i] <= 0x20 || id[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * Webhook.
 */

static struct json_object *
webhook_payload(const struct cron_notice *n, enum event ev)
{
	struct json_object	*o, *data, *job, *ex, *ch;

	o = json_object_new_object();
	cron_json_add_str(o, "type", event_type(ev));
	cron_json_add_time(o, "timestamp", n->timestamp);
	data = json_object_new_object();
	json_object_object_add(o, "data", data);
	if (ev == EV_TEST) {
		ch = json_object_new_object();
		json_add_text(ch, "name", n->channel_name);
		json_object_object_add(data, "channel", ch);
		cron_json_add_str(data, "message", TEST_MESSAGE);
		return o;
	}
	job = json_object_new_object();
	json_object_object_add(job, "id",
	    n->job_id != NULL ? json_text(n->job_id) : NULL);
	json_add_text(job, "name", n->job_name);
	json_object_object_add(data, "job", job);

	ex = json_object_new_object();
	json_add_text(ex, "id", n->execution_id);
	json_add_text(ex, "status", notice_status(n, ev));
	json_object_object_add(ex, "trigger",
	    n->trigger != NULL ? json_text(n->trigger) : NULL);
	cron_json_add_time(ex, "scheduled_for", n->scheduled_for);
	cron_json_add_time(ex, "finished_at", n->finished_at);
	cron_json_add_int(ex, "attempts", n->attempts);
	json_object_object_add(ex, "statusCode", n->status_code >= 0 ?
	    json_object_new_int(n->status_code) : NULL);
	json_object_object_add(ex, "latencyMs", n->latency_ms >= 0 ?
	    json_object_new_int(n->latency_ms) : NULL);
	json_object_object_add(ex, "duration_ms", n->duration_ms >= 0 ?
	    json_object_new_int64(n->duration_ms) : NULL);
	json_object_object_add(ex, "errorClass", has_error_class(n) ?
	    json_text(n->error_class) : NULL);
	json_object_object_add(data, "execution", ex);
	return o;
}

int
cron_notify_webhook(const struct cron_notice *n, const char *url,
    const char *secret, struct cron_notify_req *req)
{
	char		sig[SIG_LEN + 1];
	long long	ts;

	memset(req, 0, sizeof(*req));
	if (url == NULL || !message_id_valid(n->message_id) ||
	    (secret != NULL && !cron_webhook_secret_valid(secret)))
		return -1;
	req_json(req, xstrdup(url), webhook_payload(n, notice_event(n)));
	/* Seconds, floored, of the same instant as the payload's timestamp. */
	ts = n->timestamp >= 0 ? n->timestamp / 1000 :
	    -((-n->timestamp + 999) / 1000);
	/* id and timestamp always: receivers de-duplicate on the id */
	req->headers[req->nheaders++] = xasprintf("webhook-id: %s",
	    n->message_id);
	req->headers[req->nheaders++] = xasprintf("webhook-timestamp: %lld",
	    ts);
	if (secret == NULL)
		return 0;
	if (cron_webhook_sign(secret, n->message_id, ts, req->body,
	    req->body_len, sig, sizeof(sig)) == -1) {
		cron_notify_req_free(req);
		return -1;
	}
	req->headers[req->nheaders++] = xasprintf("webhook-signature: %s",
	    sig);
	return 0;
}

/*
 * Slack: mrkdwn, where &, < and > are the only characters to escape (they
 * make links and mentions); the mention text is the user's own mrkdwn, for
 * exactly that purpose, so only its control characters are neutralised.
 */

static struct json_object *
slack_mrkdwn(char *text)
{
	struct json_object	*o;

	o = json_object_new_object();
	cron_json_add_str(o, "type", "mrkdwn");
	json_add_owned(o, "text", text);
	return o;
}

static struct json_object *
slack_section(char *text)
{
	struct json_object	*o;

	o = json_object_new_object();
	cron_json_add_str(o, "type", "section");
	json_object_object_add(o, "text", slack_mrkdwn(text));
	return o;
}

/* Appends a field "*title*\nvalue" (value owned, consumed). */
static void
slack_field(struct json_object *fields, const char *title, char *value)
{
	json_object_array_add(fields, slack_mrkdwn(xasprintf("*%s*\n%s",
	    title, value)));
	free(value);
}

static void
slack_mention(struct buf *b, const char *mention)
{
	if (mention == NULL || mention[0] == '\0')
		return;
	text_put(b, mention, TXT_PLAIN, MENTION_MAX_UNITS);
	buf_puts(b, " ");
}

/* The output preview section: a code block within SLACK_TEXT_MAX. */
static struct json_object *
slack_output(const struct cron_notice *n)
{
	static const char	head[] = "*Output*\n```\n", tail[] = "\n```",
				cut[] = "\n_(truncated)_";
	struct buf		b = { NULL, 0, 0 };
	size_t			max;

	if (n->output_len == 0) {
		buf_puts(&b, "*Output*\n_(empty)_");
		return slack_section(buf_take(&b));
	}
	max = SLACK_TEXT_MAX - (sizeof(head) - 1) - (sizeof(tail) - 1) -
	    (sizeof(cut) - 1);
	buf_puts(&b, head);
	if (text_put_n(&b, n->output, n->output_len,
	    TXT_MRKDWN | TXT_BLOCK | TXT_CODE, max)) {
		buf_puts(&b, tail);
		buf_puts(&b, cut);
	} else
		buf_puts(&b, tail);
	return slack_section(buf_take(&b));
}

static struct json_object *
slack_fields(const struct cron_notice *n, enum event ev)
{
	struct json_object	*o, *fields;
	struct buf		 b = { NULL, 0, 0 };

	fields = json_object_new_array();
	slack_field(fields, "Job",
	    text_dup(n->job_name, TXT_MRKDWN, NAME_MAX_UNITS));
	slack_field(fields, "Status",
	    text_dup(notice_status(n, ev), TXT_MRKDWN, SHORT_MAX_UNITS));
	put_time(&b, n->scheduled_for);
	slack_field(fields, "Scheduled for", buf_take(&b));
	put_time(&b, n->finished_at);
	slack_field(fields, "Finished at", buf_take(&b));
	slack_field(fields, "Attempts", xasprintf("%d", n->attempts));
	put_result(&b, n, TXT_MRKDWN);
	slack_field(fields, "HTTP status / error", buf_take(&b));
	put_ms(&b, n->latency_ms);
	slack_field(fields, "Latency", buf_take(&b));

	o = json_object_new_object();
	cron_json_add_str(o, "type", "section");
	json_object_object_add(o, "fields", fields);
	return o;
}

static struct json_object *
slack_context(const struct cron_notice *n)
{
	struct json_object	*o, *el;
	struct buf		 b = { NULL, 0, 0 };

	buf_puts(&b, "Execution ");
	text_put(&b, n->execution_id, TXT_MRKDWN, SHORT_MAX_UNITS);
	if (n->trigger != NULL) {
		buf_puts(&b, " \xc2\xb7 trigger ");
		text_put(&b, n->trigger, TXT_MRKDWN, SHORT_MAX_UNITS);
	}
	buf_puts(&b, " \xc2\xb7 " PRODUCT);
	el = json_object_new_array();
	json_object_array_add(el, slack_mrkdwn(buf_take(&b)));
	o = json_object_new_object();
	cron_json_add_str(o, "type", "context");
	json_object_object_add(o, "elements", el);
	return o;
}

int
cron_notify_slack(const struct cron_notice *n, const char *url,
    const char *mention_text, int include_output,
    struct cron_notify_req *req)
{
	struct json_object	*o, *blocks;
	struct buf		 b = { NULL, 0, 0 }, line = { NULL, 0, 0 };
	enum event		 ev = notice_event(n);

	memset(req, 0, sizeof(*req));
	if (url == NULL)
		return -1;
	o = json_object_new_object();
	blocks = json_object_new_array();
	if (ev == EV_TEST) {
		slack_mention(&b, mention_text);
		buf_puts(&b, TEST_MESSAGE);
		json_add_owned(o, "text", buf_take(&b));
		buf_puts(&b, ":bell: " TEST_MESSAGE "\nChannel: *");
		text_put(&b, n->channel_name, TXT_MRKDWN, NAME_MAX_UNITS);
		buf_puts(&b, "*");
		json_object_array_add(blocks, slack_section(buf_take(&b)));
		json_object_object_add(o, "blocks", blocks);
		return req_json(req, xstrdup(url), o);
	}

	/* "Job *NAME* failed (HTTP 500 after 3 attempts)" */
	buf_puts(&line, "Job *");
	text_put(&line, n->job_name, TXT_MRKDWN, NAME_MAX_UNITS);
	buf_printf(&line, "* %s", event_word(ev));
	buf_puts(&b, " (");
	if (put_outcome(&b, n, TXT_MRKDWN)) {
		buf_puts(&b, ")");
		buf_add(&line, b.s, b.len);
	}
	free(buf_take(&b));

	slack_mention(&b, mention_text);
	buf_add(&b, line.s, line.len);
	json_add_owned(o, "text", buf_take(&b));

	slack_mention(&b, mention_text);
	buf_puts(&b, ev == EV_FAILED ? ":x: " : ":white_check_mark: ");
	buf_add(&b, line.s, line.len);
	json_object_array_add(blocks, slack_section(buf_take(&b)));
	free(buf_take(&line));

	json_object_array_add(blocks, slack_fields(n, ev));
	if (include_output && n->output != NULL)
		json_object_array_add(blocks, slack_output(n));
	json_object_array_add(blocks, slack_context(n));
	json_object_object_add(o, "blocks", blocks);
	return req_json(req, xstrdup(url), o);
}

/*
 * Discord: one embed.  Embeds never ping, and allowed_mentions says so
 * again; markdown in user text is escaped with backslashes so that a job
 * name cannot make a masked link.
 */

/* Appends c as %XX unless it is unreserved (RFC 3986). */
static void
put_pct(struct buf *b, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			buf_add(b, (const char *)p, 1);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* Returns url with name=value added to its query, before any fragment. */
static char *
url_add_query(const char *url, const char *name, const char *value)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*frag;
	size_t		 n;

	n = (frag = strchr(url, '#')) != NULL ? (size_t)(frag - url) :
	    strlen(url);
	buf_add(&b, url, n);
	if (memchr(url, '?', n) == NULL)
		buf_puts(&b, "?");
	else if (n > 0 && url[n - 1] != '?' && url[n - 1] != '&')
		buf_puts(&b, "&");
	buf_puts(&b, name);
	buf_puts(&b, "=");
	put_pct(&b, value);
	if (frag != NULL)
		buf_puts(&b, frag);
	return buf_take(&b);
}

/* Adds an inline field (value owned, consumed). */
static void
discord_field(struct json_object *fields, const char *name, char *value)
{
	struct json_object	*f;

	f = json_object_new_object();
	cron_json_add_str(f, "name", name);
	json_add_owned(f, "value", value);
	json_object_object_add(f, "inline", json_object_new_boolean(1));
	json_object_array_add(fields, f);
}

static struct json_object *
discord_embed(const struct cron_notice *n, enum event ev)
{
	struct json_object	*e, *fields, *footer;
	struct buf		 b = { NULL, 0, 0 };
	size_t			 room;

	e = json_object_new_object();
	fields = json_object_new_array();
	if (ev == EV_TEST) {
		cron_json_add_str(e, "title", "Test notification");
		cron_json_add_str(e, "description", TEST_MESSAGE);
		cron_json_add_int(e, "color", COLOR_TEST);
		discord_field(fields, "Channel",
		    text_dup(n->channel_name, TXT_DISCORD, NAME_MAX_UNITS));
	} else {
		room = DISCORD_TITLE_MAX - strlen("Job  succeeded");
		buf_puts(&b, "Job ");
		text_put(&b, n->job_name, TXT_DISCORD,
		    room < NAME_MAX_UNITS ? room : NAME_MAX_UNITS);
		buf_printf(&b, " %s", event_word(ev));
		json_add_owned(e, "title", buf_take(&b));
		if (put_outcome(&b, n, TXT_DISCORD))
			json_add_owned(e, "description", buf_take(&b));
		cron_json_add_int(e, "color", ev == EV_FAILED ? COLOR_FAILED :
		    COLOR_SUCCEEDED);
		/* Discord refuses an empty field value: a dash stands in. */
		discord_field(fields, "Status",
		    text_dup(notice_status(n, ev), TXT_DISCORD,
		    SHORT_MAX_UNITS));
		discord_field(fields, "Trigger", n->trigger != NULL ?
		    text_dup(n->trigger, TXT_DISCORD, SHORT_MAX_UNITS) :
		    xstrdup(DASH));
		put_time(&b, n->scheduled_for);
		discord_field(fields, "Scheduled for", buf_take(&b));
		put_time(&b, n->finished_at);
		discord_field(fields, "Finished at", buf_take(&b));
		discord_field(fields, "Attempts", xasprintf("%d", n->attempts));
		put_result(&b, n, TXT_DISCORD);
		discord_field(fields, "HTTP status / error", buf_take(&b));
		put_ms(&b, n->latency_ms);
		discord_field(fields, "Latency", buf_take(&b));
		put_ms(&b, n->duration_ms);
		discord_field(fields, "Duration", buf_take(&b));
		discord_field(fields, "Execution", n->execution_id != NULL ?
		    text_dup(n->execution_id, TXT_DISCORD, SHORT_MAX_UNITS) :
		    xstrdup(DASH));
	}
	json_object_object_add(e, "fields", fields);
	cron_json_add_time(e, "timestamp", n->timestamp);
	footer = json_object_new_object();
	cron_json_add_str(footer, "text", PRODUCT);
	json_object_object_add(e, "footer", footer);
	return e;
}

int
cron_notify_discord(const struct cron_notice *n, const char *url,
    const char *thread_id, struct cron_notify_req *req)
{
	struct json_object	*o, *embeds, *am;

	memset(req, 0, sizeof(*req));
	if (url == NULL)
		return -1;
	o = json_object_new_object();
	embeds = json_object_new_array();
	json_object_array_add(embeds, discord_embed(n, notice_event(n)));
	json_object_object_add(o, "embeds", embeds);
	am = json_object_new_object();
	json_object_object_add(am, "parse", json_object_new_array());
	json_object_object_add(o, "allowed_mentions", am);
	return req_json(req, thread_id != NULL ?
	    url_add_query(url, "thread_id", thread_id) : xstrdup(url), o);
}

/*
 * Telegram: parse_mode HTML, of which we use <b> and <code>; user text is
 * HTML-escaped.  Every piece is bounded, so the whole stays far below the
 * 4096 characters Telegram takes.
 */

/* A bot token as BotFather issues them: digits, ':', [A-Za-z0-9_-]. */
static int
telegram_token_valid(const char *t)
{
	size_t	i;

	if (t == NULL || t[0] == '\0' || strchr(t, ':') == NULL)
		return 0;
	for (i = 0; t[i] != '\0'; i++)
		if (i >= 128 || !((t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == ':' ||
		    t[i] == '_' || t[i] == '-'))
			return 0;
	return 1;
}

/* Appends "\n<b>label:</b> " and value (owned, consumed). */
static void
telegram_line(struct buf *b, const char *label, char *value)
{
	buf_printf(b, "\n<b>%s:</b> %s", label, value);
	free(value);
}

static char *
telegram_text(const struct cron_notice *n, enum event ev)
{
	struct buf	 b = { NULL, 0, 0 }, v = { NULL, 0, 0 };

	if (ev == EV_TEST) {
		buf_puts(&b, "\xf0\x9f\x94\x94 <b>Test notification</b>\n"
		    TEST_MESSAGE "\n<b>Channel:</b> ");
		text_put(&b, n->channel_name, TXT_HTML, NAME_MAX_UNITS);
		return buf_take(&b);
	}
	buf_puts(&b, ev == EV_FAILED ? "\xe2\x9d\x8c" : "\xe2\x9c\x85");
	buf_puts(&b, " <b>Job ");
	text_put(&b, n->job_name, TXT_HTML, NAME_MAX_UNITS);
	buf_printf(&b, " %s</b>", event_word(ev));
	buf_puts(&v, "\n");
	if (put_outcome(&v, n, TXT_HTML))
		buf_add(&b, v.s, v.len);
	free(buf_take(&v));
	buf_puts(&b, "\n");
	telegram_line(&b, "Status",
	    text_dup(notice_status(n, ev), TXT_HTML, SHORT_MAX_UNITS));
	if (n->trigger != NULL)
		telegram_line(&b, "Trigger",
		    text_dup(n->trigger, TXT_HTML, SHORT_MAX_UNITS));
	put_time(&v, n->scheduled_for);
	telegram_line(&b, "Scheduled for", buf_take(&v));
	put_time(&v, n->finished_at);
	telegram_line(&b, "Finished at", buf_take(&v));
	telegram_line(&b, "Attempts", xasprintf("%d", n->attempts));
	put_result(&v, n, TXT_HTML);
	telegram_line(&b, "HTTP status / error", buf_take(&v));
	put_ms(&v, n->latency_ms);
	telegram_line(&b, "Latency", buf_take(&v));
	buf_puts(&v, "<code>");
	text_put(&v, n->execution_id, TXT_HTML, SHORT_MAX_UNITS);
	buf_puts(&v, "</code>");
	telegram_line(&b, "Execution", buf_take(&v));
	return buf_take(&b);
}

int
cron_notify_telegram(const struct cron_notice *n, const char *api_base,
    const char *bot_token, const char *chat_id,
    struct cron_notify_req *req)
{
	struct json_object	*o;

	memset(req, 0, sizeof(*req));
	/* The token goes into the URL's path: nothing that could leave it. */
	if (api_base == NULL || !telegram_token_valid(bot_token) ||
	    chat_id == NULL || chat_id[0] == '\0')
		return -1;
	o = json_object_new_object();
	json_add_text(o, "chat_id", chat_id);
	json_add_owned(o, "text", telegram_text(n, notice_event(n)));
	cron_json_add_str(o, "parse_mode", "HTML");
	json_object_object_add(o, "disable_web_page_preview",
	    json_object_new_boolean(1));
	return req_json(req, xasprintf("%s/bot%s/sendMessage", api_base,
	    bot_token), o);
}

/*
 * Email.  The subject is one line whatever the job name holds (the mailer
 * still has to encode non-ASCII per RFC 2047); the HTML is a single inline-
 * styled table with no external resource, every user string escaped.
 */

#define HTML_TH	"<th style=\"text-align:left;vertical-align:top;" \
		"padding:4px 16px 4px 0;color:#616061;font-weight:normal\">"
#define HTML_TD	"<td style=\"padding:4px 0;font-family:Menlo,Consolas," \
		"monospace\">"

/* One row: a label, its plain value and its HTML value (owned, consumed). */
static void
email_row(struct buf *text, struct buf *html, const char *label,
    char *plain, char *markup)
{
	buf_printf(text, "%-15s %s\n", label, plain);
	buf_printf(html, "<tr>" HTML_TH "%s</th>" HTML_TD "%s</td></tr>\n",
	    label, markup);
	free(plain);
	free(markup);
}

/* A row whose value (owned, consumed) needs no escaping. */
static void
email_row1(struct buf *text, struct buf *html, const char *label, char *v)
{
	email_row(text, html, label, xstrdup(v), v);
}

/* A row whose value is the user string s, rendered for each. */
static void
email_str_row(struct buf *text, struct buf *html, const char *label,
    const char *s, size_t max)
{
	email_row(text, html, label,
	    s != NULL ? text_dup(s, TXT_PLAIN, max) : xstrdup(DASH),
	    s != NULL ? text_dup(s, TXT_HTML, max) : xstrdup(DASH));
}

void
cron_notify_email(const struct cron_notice *n, char **subject, char **text,
    char **html)
{
	struct buf	 s = { NULL, 0, 0 }, t = { NULL, 0, 0 },
			 h = { NULL, 0, 0 }, v = { NULL, 0, 0 };
	enum event	 ev = notice_event(n);
	char		*heading, *outcome_t, *outcome_h;

	if (ev == EV_TEST) {
		buf_puts(&s, "[" PRODUCT "] Test notification for channel ");
		text_put(&s, n->channel_name, TXT_PLAIN, NAME_MAX_UNITS);
	} else {
		buf_puts(&s, "[" PRODUCT "] Job ");
		text_put(&s, n->job_name, TXT_PLAIN, NAME_MAX_UNITS);
		buf_printf(&s, " %s", event_word(ev));
	}
	*subject = buf_take(&s);

	buf_puts(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>");
	text_put(&h, *subject, TXT_HTML, 2 * NAME_MAX_UNITS);
	buf_puts(&h, "</title></head>\n<body style=\"margin:0;padding:16px;"
	    "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
	    "font-size:14px;color:#1d1c1d;background:#ffffff\">\n");

	if (ev == EV_TEST) {
		buf_puts(&t, TEST_MESSAGE "\n\nChannel: ");
		text_put(&t, n->channel_name, TXT_PLAIN, NAME_MAX_UNITS);
		buf_puts(&t, "\n");
		buf_printf(&h, "<h2 style=\"margin:0 0 12px;font-size:18px;"
		    "color:#%06X\">Test notification</h2>\n<p style=\""
		    "margin:0 0 12px\">" TEST_MESSAGE "</p>\n<p style=\""
		    "margin:0 0 12px\">Channel: <b>", COLOR_TEST);
		text_put(&h, n->channel_name, TXT_HTML, NAME_MAX_UNITS);
		buf_puts(&h, "</b></p>\n");
		goto footer;
	}

	/* "Job NAME failed (HTTP 500 after 3 attempts)." */
	buf_puts(&v, "Job ");
	text_put(&v, n->job_name, TXT_PLAIN, NAME_MAX_UNITS);
	buf_printf(&v, " %s", event_word(ev));
	heading = buf_take(&v);
	put_outcome(&v, n, TXT_PLAIN);
	outcome_t = buf_take(&v);
	put_outcome(&v, n, TXT_HTML);
	outcome_h = buf_take(&v);
	buf_printf(&t, "%s%s%s%s.\n\n", heading, outcome_t[0] ? " (" : "",
	    outcome_t, outcome_t[0] ? ")" : "");
	free(heading);

	buf_printf(&h, "<h2 style=\"margin:0 0 12px;font-size:18px;"
	    "color:#%06X\">Job ", ev == EV_FAILED ? COLOR_FAILED :
	    COLOR_SUCCEEDED);
	text_put(&h, n->job_name, TXT_HTML, NAME_MAX_UNITS);
	buf_printf(&h, " %s</h2>\n", event_word(ev));
	if (outcome_h[0] != '\0')
		buf_printf(&h, "<p style=\"margin:0 0 12px\">%s</p>\n",
		    outcome_h);
	free(outcome_t);
	free(outcome_h);

	buf_puts(&h, "<table role=\"presentation\" style=\""
	    "border-collapse:collapse;font-size:14px\">\n");
	email_str_row(&t, &h, "Job", n->job_name, NAME_MAX_UNITS);
	email_str_row(&t, &h, "Job ID", n->job_id, SHORT_MAX_UNITS);
	email_str_row(&t, &h, "Execution ID", n->execution_id,
	    SHORT_MAX_UNITS);
	email_str_row(&t, &h, "Status", notice_status(n, ev),
	    SHORT_MAX_UNITS);
	email_str_row(&t, &h, "Trigger", n->trigger, SHORT_MAX_UNITS);
	put_time(&v, n->scheduled_for);
	email_row1(&t, &h, "Scheduled for", buf_take(&v));
	put_time(&v, n->finished_at);
	email_row1(&t, &h, "Finished at", buf_take(&v));
	put_ms(&v, n->duration_ms);
	email_row1(&t, &h, "Duration", buf_take(&v));
	email_row1(&t, &h, "Attempts", xasprintf("%d", n->attempts));
	email_row1(&t, &h, "HTTP status", n->status_code >= 0 ?
	    xasprintf("%d", n->status_code) : xstrdup(DASH));
	email_str_row(&t, &h, "Error class", has_error_class(n) ?
	    n->error_class : NULL, SHORT_MAX_UNITS);
	put_ms(&v, n->latency_ms);
	email_row1(&t, &h, "Latency", buf_take(&v));
	buf_puts(&h, "</table>\n");

footer:
	buf_puts(&t, "\n-- \nSent by " PRODUCT ".\n");
	buf_puts(&h, "<p style=\"margin:16px 0 0;font-size:12px;"
	    "color:#616061\">Sent by " PRODUCT ".</p>\n</body></html>\n");
	*text = buf_take(&t);
	*html = buf_take(&h);
}
