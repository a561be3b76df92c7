/*
 * Unit tests for lib/notify.c: every body is parsed back with json-c (the
 * strict, UTF-8 checking cron_json_parse) and read field by field, the
 * signature is checked against the published Standard Webhooks vector and
 * an independent HMAC, and hostile names and outputs are thrown at each
 * channel to see that they come out escaped, repaired and within limits.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jsonutil.h"
#include "notify.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The Standard Webhooks test vector (checked with openssl dgst). */
#define SW_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_ID		"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_TS		1614265330LL
#define SW_BODY		"{\"test\": 2432232314}"
#define SW_SIG		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

#define TS		1773568800123LL	/* 2026-03-15T10:00:00.123Z */
#define T_TS_ISO		"2026-03-15T10:00:00.123Z"
#define SCHED		1773568800000LL
#define T_SCHED_ISO	"2026-03-15T10:00:00.000Z"
#define FIN		1773568802500LL
#define T_FIN_ISO		"2026-03-15T10:00:02.500Z"

#define HOSTILE		"<script>alert(\"x\")</script> & 'q'\r\nX-Evil: 1 " \
			"[link](http://e.example) *b* <!channel>"

#define TEST_MSG	"This is a test notification from cron-platform."

static struct cron_notice
failed_notice(void)
{
	struct cron_notice	n;

	memset(&n, 0, sizeof(n));
	n.type = "execution.failed";
	n.message_id = "ntf_01HZX4";
	n.timestamp = TS;
	n.job_id = "job_123";
	n.job_name = "nightly backup";
	n.execution_id = "exe_456";
	n.status = "failed";
	n.trigger = "schedule";
	n.scheduled_for = SCHED;
	n.finished_at = FIN;
	n.duration_ms = 2500;
	n.attempts = 3;
	n.status_code = 500;
	n.latency_ms = 321;
	n.error_class = "http_status";
	n.output = "Internal Server Error";
	n.output_len = strlen(n.output);
	return n;
}

static struct cron_notice
succeeded_notice(void)
{
	struct cron_notice	n = failed_notice();

	n.type = "execution.succeeded";
	n.status = "succeeded";
	n.attempts = 1;
	n.status_code = 200;
	n.error_class = "";
	n.output = NULL;
	n.output_len = 0;
	return n;
}

static struct cron_notice
test_notice(void)
{
	struct cron_notice	n;

	memset(&n, 0, sizeof(n));
	n.type = "test";
	n.message_id = "ntf_test";
	n.timestamp = TS;
	n.channel_name = "ops <alerts> & co";
	n.scheduled_for = -1;
	n.finished_at = -1;
	n.duration_ms = -1;
	n.status_code = -1;
	n.latency_ms = -1;
	return n;
}

/* Parses req's body strictly; NULL (and a failed test) if it is not JSON. */
static struct json_object *
parse(const struct cron_notify_req *req, const char *what)
{
	struct json_object	*o = NULL;

	ok(req->body != NULL && strlen(req->body) == req->body_len &&
	    cron_json_parse(req->body, req->body_len, 32, &o) ==
	    CRON_JSON_OK && o != NULL, "%s: body is valid UTF-8 JSON", what);
	return o;
}

/* The member at path "a/b/0/c" (numbers index arrays), or NULL. */
static struct json_object *
jget(struct json_object *o, const char *path)
{
	char	 buf[256], *p, *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = buf; o != NULL && (p = strsep(&s, "/")) != NULL; ) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o,
			    (size_t)strtoul(p, NULL, 10));
		else if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, p, &o))
			return NULL;
	}
	return o;
}

static const char *
jstr(struct json_object *o, const char *path)
{
	struct json_object	*v = jget(o, path);

	return v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static long long
jint(struct json_object *o, const char *path)
{
	struct json_object	*v = jget(o, path);

	return v != NULL && json_object_is_type(v, json_type_int) ?
	    (long long)json_object_get_int64(v) : -999;
}

/* 1 if path is present with the value null. */
static int
jnull(struct json_object *o, const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		 parent[256];
	struct json_object *p, *v;

	snprintf(parent, sizeof(parent), "%.*s",
	    slash != NULL ? (int)(slash - path) : 0, path);
	p = slash != NULL ? jget(o, parent) : o;
	return p != NULL && json_object_object_get_ex(p,
	    slash != NULL ? slash + 1 : path, &v) && v == NULL;
}

static size_t
jlen(struct json_object *o, const char *path)
{
	struct json_object	*v = jget(o, path);

	return v != NULL && json_object_is_type(v, json_type_array) ?
	    json_object_array_length(v) : 0;
}

/* UTF-16 units of the UTF-8 string s (what the channel limits count). */
static size_t
units(const char *s)
{
	size_t	u = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			u += ((unsigned char)*s >= 0xf0) ? 2 : 1;
	return u;
}

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/* 1 if s holds a byte below 0x20 other than those in allowed. */
static int
has_ctl(const char *s, const char *allowed)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && strchr(allowed, *s) == NULL)
			return 1;
	return 0;
}

/* The value of header name in req, or NULL. */
static const char *
header(const struct cron_notify_req *req, const char *name)
{
	size_t	n = strlen(name);
	int	i;

	for (i = 0; i < req->nheaders; i++)
		if (strncasecmp(req->headers[i], name, n) == 0 &&
		    req->headers[i][n] == ':' && req->headers[i][n + 1] == ' ')
			return req->headers[i] + n + 2;
	return NULL;
}

static void
test_sign(void)
{
	char	out[64], big[65];
	size_t	i;
	static const struct {
		const char	*s;
		int		 want;
		const char	*what;
	} secrets[] = {
		{ SW_SECRET, 1, "the Standard Webhooks vector's" },
		{ "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0, "no whsec_ prefix" },
		{ "whsec" "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0, "no '_'" },
		{ "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0, "upper case" },
		{ "whsec_", 0, "empty key" },
		{ "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", 0, "'!' in base64" },
		{ "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", 0, "length not 4n" },
		{ "whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw", 0, "a space" },
		{ "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-_", 0, "base64url" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZg==", 0, "16-byte key" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG0=", 0, "23-byte key" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1u", 1, "24-byte key" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXY=", 1,
		    "32-byte key" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzND"
		    "U2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==", 1, "64-byte key" },
		{ "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzND"
		    "U2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjA=", 0, "65-byte key" },
	};

	is_int(cron_webhook_sign(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), out, sizeof(out)), 0, "sign the vector");
	is_str(out, SW_SIG, "Standard Webhooks test vector signature");
	is_int(cron_webhook_sign(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), out, strlen(SW_SIG) + 1), 0,
	    "a buffer of exactly the signature's size is enough");
	is_int(cron_webhook_sign(SW_SECRET, SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), out, strlen(SW_SIG)), -1,
	    "a buffer one byte short is refused");
	is_int(cron_webhook_sign("whsec_short", SW_ID, SW_TS, SW_BODY,
	    strlen(SW_BODY), out, sizeof(out)), -1, "sign with a bad secret");
	cron_webhook_sign(SW_SECRET, SW_ID, SW_TS + 1, SW_BODY,
	    strlen(SW_BODY), out, sizeof(out));
	ok(strcmp(out, SW_SIG) != 0, "another timestamp, another signature");
	for (i = 0; i < NELEM(secrets); i++)
		is_int(cron_webhook_secret_valid(secrets[i].s), secrets[i].want,
		    "secret: %s", secrets[i].what);
	is_int(cron_webhook_secret_valid(NULL), 0, "secret: NULL");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "whsec_", 6);
	is_int(cron_webhook_secret_valid(big), 0, "secret: 58 chars of A");
}

/* Verifies sig over id.ts.body with the vector's key, by hand. */
static int
check_sig(const char *sig, const char *id, const char *ts, const char *body)
{
	unsigned char	key[64], md[32], b64[64];
	unsigned int	mdlen = sizeof(md);
	char		msg[8192];
	int		klen, n;

	klen = EVP_DecodeBlock(key,
	    (const unsigned char *)"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 32);
	n = snprintf(msg, sizeof(msg), "%s.%s.%s", id, ts, body);
	if (klen != 24 || n < 0 || (size_t)n >= sizeof(msg) ||
	    HMAC(EVP_sha256(), key, klen, (unsigned char *)msg, (size_t)n,
	    md, &mdlen) == NULL)
		return 0;
	EVP_EncodeBlock(b64, md, (int)mdlen);
	return sig != NULL && strncmp(sig, "v1,", 3) == 0 &&
	    strcmp(sig + 3, (char *)b64) == 0;
}

static void
test_webhook(void)
{
	struct cron_notify_req	 req;
	struct cron_notice	 n = failed_notice();
	struct json_object	*o;

	is_int(cron_notify_webhook(&n, "https://hook.example/x", NULL, &req),
	    0, "webhook without a secret");
	is_str(req.url, "https://hook.example/x", "webhook url");
	is_int(req.nheaders, 3, "unsigned: three headers");
	is_str(header(&req, "Content-Type"), "application/json",
	    "unsigned: Content-Type");
	ok(header(&req, "webhook-id") != NULL &&
	    strcmp(header(&req, "webhook-id"), n.message_id) == 0 &&
	    header(&req, "webhook-timestamp") != NULL,
	    "unsigned: webhook-id and webhook-timestamp (for de-duplication)");
	ok(header(&req, "webhook-signature") == NULL,
	    "unsigned: no webhook-signature");
	o = parse(&req, "webhook");
	is_str(jstr(o, "type"), "execution.failed", "type");
	is_str(jstr(o, "timestamp"), T_TS_ISO, "timestamp ISO 8601 ms");
	is_str(jstr(o, "data/job/id"), "job_123", "job.id");
	is_str(jstr(o, "data/job/name"), "nightly backup", "job.name");
	is_str(jstr(o, "data/execution/id"), "exe_456", "execution.id");
	is_str(jstr(o, "data/execution/status"), "failed", "status");
	is_str(jstr(o, "data/execution/trigger"), "schedule", "trigger");
	is_str(jstr(o, "data/execution/scheduled_for"), T_SCHED_ISO,
	    "scheduled_for");
	is_str(jstr(o, "data/execution/finished_at"), T_FIN_ISO, "finished_at");
	is_int(jint(o, "data/execution/attempts"), 3, "attempts");
	is_int(jint(o, "data/execution/statusCode"), 500, "statusCode");
	is_int(jint(o, "data/execution/latencyMs"), 321, "latencyMs");
	is_int(jint(o, "data/execution/duration_ms"), 2500, "duration_ms");
	is_str(jstr(o, "data/execution/errorClass"), "http_status",
	    "errorClass");
	ok(jget(o, "data/execution/output") == NULL &&
	    !has(req.body, "Internal Server Error"),
	    "the output is not in the webhook payload");
	json_object_put(o);
	cron_notify_req_free(&req);
	ok(req.body == NULL && req.url == NULL && req.nheaders == 0,
	    "cron_notify_req_free empties the request");
	cron_notify_req_free(&req);
	ok(1, "cron_notify_req_free twice is harmless");

	/* Absent values are null. */
	n.finished_at = -1;
	n.status_code = -1;
	n.latency_ms = -1;
	n.duration_ms = -1;
	n.error_class = "";
	n.attempts = 1;
	n.error_class = "timeout";
	cron_notify_webhook(&n, "https://hook.example/x", NULL, &req);
	o = parse(&req, "webhook, timeout");
	ok(jnull(o, "data/execution/statusCode"), "statusCode null");
	ok(jnull(o, "data/execution/latencyMs"), "latencyMs null");
	ok(jnull(o, "data/execution/finished_at"), "finished_at null");
	ok(jnull(o, "data/execution/duration_ms"), "duration_ms null");
	is_str(jstr(o, "data/execution/errorClass"), "timeout",
	    "errorClass timeout");
	json_object_put(o);
	cron_notify_req_free(&req);
	n.error_class = "";
	cron_notify_webhook(&n, "https://hook.example/x", NULL, &req);
	o = parse(&req, "webhook, empty errorClass");
	ok(jnull(o, "data/execution/errorClass"), "errorClass \"\" is null");
	json_object_put(o);
	cron_notify_req_free(&req);
	n.error_class = NULL;
	cron_notify_webhook(&n, "https://hook.example/x", NULL, &req);
	o = parse(&req, "webhook, NULL errorClass");
	ok(jnull(o, "data/execution/errorClass"), "errorClass NULL is null");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Succeeded. */
	n = succeeded_notice();
	cron_notify_webhook(&n, "https://hook.example/x", NULL, &req);
	o = parse(&req, "webhook, succeeded");
	is_str(jstr(o, "type"), "execution.succeeded", "type succeeded");
	is_int(jint(o, "data/execution/statusCode"), 200, "statusCode 200");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Signed. */
	n = failed_notice();
	is_int(cron_notify_webhook(&n, "https://hook.example/x", SW_SECRET,
	    &req), 0, "signed webhook");
	is_int(req.nheaders, 4, "signed: four headers");
	is_str(header(&req, "Content-Type"), "application/json",
	    "signed: Content-Type");
	is_str(header(&req, "webhook-id"), "ntf_01HZX4", "webhook-id");
	is_str(header(&req, "webhook-timestamp"), "1773568800",
	    "webhook-timestamp in seconds of the notice's timestamp");
	ok(check_sig(header(&req, "webhook-signature"), "ntf_01HZX4",
	    "1773568800", req.body),
	    "webhook-signature verifies over id.timestamp.body");
	cron_notify_req_free(&req);

	/* Refused. */
	is_int(cron_notify_webhook(&n, "https://hook.example/x",
	    "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &req), -1,
	    "webhook: secret without prefix refused");
	ok(req.body == NULL && req.url == NULL && req.nheaders == 0,
	    "a refused request holds nothing");
	is_int(cron_notify_webhook(&n, "https://hook.example/x",
	    "whsec_****", &req), -1, "webhook: bad base64 refused");
	is_int(cron_notify_webhook(&n, "https://hook.example/x",
	    "whsec_MDEyMzQ1Njc4OWFiY2RlZg==", &req), -1,
	    "webhook: 16-byte key refused");
	n.message_id = "id\r\nX-Evil: 1";
	is_int(cron_notify_webhook(&n, "https://hook.example/x", SW_SECRET,
	    &req), -1, "webhook: a message id that could split headers");
	n.message_id = NULL;
	is_int(cron_notify_webhook(&n, "https://hook.example/x", SW_SECRET,
	    &req), -1, "webhook: signing needs a message id");

	/* Hostile bytes in the name come out as valid JSON. */
	n = failed_notice();
	n.job_name = "bad \xff\xc3(\xed\xa0\x80 \"q\"\n";
	cron_notify_webhook(&n, "https://hook.example/x", NULL, &req);
	o = parse(&req, "webhook, invalid UTF-8 name");
	is_str(jstr(o, "data/job/name"),
	    "bad \xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    " \"q\"\n", "invalid UTF-8 in the name repaired, rest kept");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Test message. */
	n = test_notice();
	cron_notify_webhook(&n, "https://hook.example/x", SW_SECRET, &req);
	o = parse(&req, "webhook test");
	is_str(jstr(o, "type"), "test", "test: type");
	is_str(jstr(o, "timestamp"), T_TS_ISO, "test: timestamp");
	is_str(jstr(o, "data/channel/name"), "ops <alerts> & co",
	    "test: channel.name verbatim (JSON needs no HTML escaping)");
	is_str(jstr(o, "data/message"), TEST_MSG, "test: message");
	ok(jget(o, "data/job") == NULL, "test: no job");
	ok(check_sig(header(&req, "webhook-signature"), "ntf_test",
	    "1773568800", req.body), "test: signed too");
	json_object_put(o);
	cron_notify_req_free(&req);
}

/* The text of the Slack section whose text starts with prefix, or NULL. */
static const char *
slack_section(struct json_object *o, const char *prefix)
{
	char		 path[64];
	const char	*s;
	size_t		 i;

	for (i = 0; i < jlen(o, "blocks"); i++) {
		snprintf(path, sizeof(path), "blocks/%zu/text/text", i);
		if ((s = jstr(o, path)) != NULL &&
		    strncmp(s, prefix, strlen(prefix)) == 0)
			return s;
	}
	return NULL;
}

static size_t
count(const char *s, const char *needle)
{
	size_t	n = 0;

	while (s != NULL && (s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void
test_slack(void)
{
	struct cron_notify_req	 req;
	struct cron_notice	 n = failed_notice();
	struct json_object	*o;
	const char		*s;
	char			*big;
	size_t			 i, nf;
	int			 all_mrkdwn;

	is_int(cron_notify_slack(&n, "https://hooks.slack.com/services/T/B/x",
	    "<!here>", 1, &req), 0, "slack");
	is_str(req.url, "https://hooks.slack.com/services/T/B/x", "slack url");
	is_int(req.nheaders, 1, "slack: one header");
	is_str(header(&req, "Content-Type"), "application/json",
	    "slack: Content-Type");
	o = parse(&req, "slack");
	is_str(jstr(o, "text"),
	    "<!here> Job *nightly backup* failed (HTTP 500 after 3 attempts)",
	    "slack: fallback text, mention first");
	is_str(jstr(o, "blocks/0/type"), "section", "slack: first block");
	ok(has(jstr(o, "blocks/0/text/text"), "<!here>") &&
	    has(jstr(o, "blocks/0/text/text"), "*nightly backup* failed"),
	    "slack: event section");
	is_str(jstr(o, "blocks/1/type"), "section", "slack: fields block");
	nf = jlen(o, "blocks/1/fields");
	is_int(nf, 7, "slack: seven fields");
	all_mrkdwn = 1;
	for (i = 0; i < nf; i++) {
		char	path[64];

		snprintf(path, sizeof(path), "blocks/1/fields/%zu/type", i);
		all_mrkdwn &= jstr(o, path) != NULL &&
		    strcmp(jstr(o, path), "mrkdwn") == 0;
	}
	ok(all_mrkdwn, "slack: fields are mrkdwn");
	is_str(jstr(o, "blocks/1/fields/0/text"), "*Job*\nnightly backup",
	    "slack: Job field");
	is_str(jstr(o, "blocks/1/fields/1/text"), "*Status*\nfailed",
	    "slack: Status field");
	is_str(jstr(o, "blocks/1/fields/2/text"), "*Scheduled for*\n"
	    T_SCHED_ISO, "slack: Scheduled for field");
	is_str(jstr(o, "blocks/1/fields/3/text"), "*Finished at*\n" T_FIN_ISO,
	    "slack: Finished at field");
	is_str(jstr(o, "blocks/1/fields/4/text"), "*Attempts*\n3",
	    "slack: Attempts field");
	ok(has(jstr(o, "blocks/1/fields/5/text"), "500") &&
	    has(jstr(o, "blocks/1/fields/5/text"), "http_status"),
	    "slack: HTTP status / error class field");
	is_str(jstr(o, "blocks/1/fields/6/text"), "*Latency*\n321 ms",
	    "slack: Latency field");
	is_str(slack_section(o, "*Output*"),
	    "*Output*\n```\nInternal Server Error\n```", "slack: output");
	json_object_put(o);
	cron_notify_req_free(&req);

	cron_notify_slack(&n, "https://x", NULL, 0, &req);
	o = parse(&req, "slack without output");
	ok(slack_section(o, "*Output*") == NULL,
	    "slack: include_output 0, no output section");
	is_str(jstr(o, "text"),
	    "Job *nightly backup* failed (HTTP 500 after 3 attempts)",
	    "slack: no mention, text starts with Job");
	json_object_put(o);
	cron_notify_req_free(&req);

	n.output = NULL;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack, output NULL");
	ok(slack_section(o, "*Output*") == NULL,
	    "slack: NULL output, no output section");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Succeeded, with a timeout and no status the other way round. */
	n = succeeded_notice();
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack succeeded");
	is_str(jstr(o, "text"),
	    "Job *nightly backup* succeeded (HTTP 200 after 1 attempt)",
	    "slack: succeeded text");
	json_object_put(o);
	cron_notify_req_free(&req);
	n = failed_notice();
	n.status_code = -1;
	n.latency_ms = -1;
	n.attempts = 2;
	n.error_class = "timeout";
	cron_notify_slack(&n, "https://x", NULL, 0, &req);
	o = parse(&req, "slack timeout");
	is_str(jstr(o, "text"),
	    "Job *nightly backup* failed (timeout after 2 attempts)",
	    "slack: timeout text");
	ok(has(jstr(o, "blocks/1/fields/6/text"), "\xe2\x80\x94"),
	    "slack: absent latency shown as a dash");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* A hostile name is escaped everywhere it shows. */
	n = failed_notice();
	n.job_name = HOSTILE;
	cron_notify_slack(&n, "https://x", NULL, 0, &req);
	o = parse(&req, "slack hostile");
	s = jstr(o, "text");
	ok(has(s, "&lt;script&gt;") && has(s, " &amp; ") &&
	    has(s, "&lt;!channel&gt;"), "slack: & < > escaped in text");
	ok(!has(req.body, "<script>") && !has(req.body, "<!channel>"),
	    "slack: no raw < from the name anywhere");
	ok(!has_ctl(s, ""), "slack: no newline from the name in the text");
	ok(!has(jstr(o, "blocks/1/fields/0/text"), "<"),
	    "slack: Job field escaped");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Output: 100 KiB is cut to Slack's 3000 characters. */
	big = malloc(100 * 1024 + 1);
	memset(big, 'a', 100 * 1024);
	big[100 * 1024] = '\0';
	n = failed_notice();
	n.output = big;
	n.output_len = 100 * 1024;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack 100 KiB output");
	s = slack_section(o, "*Output*");
	ok(s != NULL && units(s) <= 3000 && units(s) > 2900,
	    "slack: 100 KiB output cut to <= 3000 characters (%zu)",
	    s != NULL ? units(s) : 0);
	ok(has(s, "\xe2\x80\xa6\n```\n_(truncated)_"),
	    "slack: cut output ends with an ellipsis and a note");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Escapes count at their full size. */
	memset(big, '&', 100 * 1024);
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack 100 KiB of &");
	s = slack_section(o, "*Output*");
	ok(s != NULL && units(s) <= 3000, "slack: & output within 3000 (%zu)",
	    s != NULL ? units(s) : 0);
	ok(s != NULL && !has(s, "&amp\xe2\x80\xa6") && !has(s, "&am\n"),
	    "slack: no escape cut in half");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Multibyte at the cut: 3-byte and 4-byte sequences, odd offsets. */
	for (i = 0; i + 3 <= 100 * 1024; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);	/* euro */
	n.output_len = i;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack 3-byte output");
	s = slack_section(o, "*Output*");
	ok(s != NULL && units(s) <= 3000 && cron_utf8_valid(s, strlen(s)),
	    "slack: euros cut on a character boundary (%zu)",
	    s != NULL ? units(s) : 0);
	json_object_put(o);
	cron_notify_req_free(&req);
	big[0] = 'x';
	for (i = 1; i + 4 <= 100 * 1024; i += 4)
		memcpy(big + i, "\xf0\x9f\x98\x80", 4);	/* emoji */
	n.output_len = i;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack 4-byte output");
	s = slack_section(o, "*Output*");
	ok(s != NULL && units(s) <= 3000 && cron_utf8_valid(s, strlen(s)) &&
	    has(s, "\xf0\x9f\x98\x80\xe2\x80\xa6"),
	    "slack: emoji cut whole, counted as 2 units (%zu)",
	    s != NULL ? units(s) : 0);
	json_object_put(o);
	cron_notify_req_free(&req);
	free(big);

	/* Invalid UTF-8, NUL, control bytes and ``` in the output. */
	n.output = "ok\xff\xfe\0x\x1b[31m\r\nline2\t```end";
	n.output_len = 26;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack invalid output");
	s = slack_section(o, "*Output*");
	ok(has(s, "ok\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"),
	    "slack: invalid UTF-8 and NUL in output become U+FFFD");
	ok(has(s, "\xef\xbf\xbd[31m\nline2\t"),
	    "slack: ESC replaced, CRLF is LF, tab kept");
	is_int(count(s, "```"), 2, "slack: ``` in the output cannot close "
	    "the code block");
	json_object_put(o);
	cron_notify_req_free(&req);

	n.output = "";
	n.output_len = 0;
	cron_notify_slack(&n, "https://x", NULL, 1, &req);
	o = parse(&req, "slack empty output");
	is_str(slack_section(o, "*Output*"), "*Output*\n_(empty)_",
	    "slack: empty output");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* Test message. */
	n = test_notice();
	cron_notify_slack(&n, "https://x", "<@U123>", 1, &req);
	o = parse(&req, "slack test");
	is_str(jstr(o, "text"), "<@U123> " TEST_MSG, "slack test: text");
	is_int(jlen(o, "blocks"), 1, "slack test: one block");
	is_str(jstr(o, "blocks/0/type"), "section", "slack test: a section");
	ok(has(jstr(o, "blocks/0/text/text"), "*ops &lt;alerts&gt; &amp; co*"),
	    "slack test: channel name escaped");
	json_object_put(o);
	cron_notify_req_free(&req);

	is_int(cron_notify_slack(&n, NULL, NULL, 0, &req), -1,
	    "slack: no url");
}

static void
test_discord(void)
{
	struct cron_notify_req	 req;
	struct cron_notice	 n = failed_notice();
	struct json_object	*o;
	const char		*s;
	char			*big, path[64];
	size_t			 i, nf;
	int			 inl, within;

	is_int(cron_notify_discord(&n, "https://discord.com/api/webhooks/1/t",
	    NULL, &req), 0, "discord");
	is_str(req.url, "https://discord.com/api/webhooks/1/t",
	    "discord: url unchanged without thread");
	is_str(header(&req, "Content-Type"), "application/json",
	    "discord: Content-Type");
	o = parse(&req, "discord");
	is_int(jlen(o, "embeds"), 1, "discord: one embed");
	is_str(jstr(o, "embeds/0/title"), "Job nightly backup failed",
	    "discord: title");
	is_str(jstr(o, "embeds/0/description"), "HTTP 500 after 3 attempts",
	    "discord: description");
	is_int(jint(o, "embeds/0/color"), 0xE01E5A, "discord: red");
	is_str(jstr(o, "embeds/0/timestamp"), T_TS_ISO, "discord: timestamp");
	nf = jlen(o, "embeds/0/fields");
	ok(nf >= 7 && nf <= 25, "discord: %zu fields", nf);
	inl = 1;
	for (i = 0; i < nf; i++) {
		struct json_object *v;

		snprintf(path, sizeof(path), "embeds/0/fields/%zu/inline", i);
		v = jget(o, path);
		inl &= v != NULL && json_object_get_boolean(v);
		snprintf(path, sizeof(path), "embeds/0/fields/%zu/value", i);
		inl &= jstr(o, path) != NULL && jstr(o, path)[0] != '\0';
	}
	ok(inl, "discord: fields inline, values non-empty");
	is_str(jstr(o, "embeds/0/fields/0/name"), "Status",
	    "discord: first field");
	is_str(jstr(o, "embeds/0/fields/0/value"), "failed",
	    "discord: status value");
	is_int(jlen(o, "allowed_mentions/parse"), 0,
	    "discord: allowed_mentions parse []");
	ok(jget(o, "allowed_mentions/parse") != NULL,
	    "discord: allowed_mentions present");
	json_object_put(o);
	cron_notify_req_free(&req);

	n = succeeded_notice();
	cron_notify_discord(&n, "https://d/x", NULL, &req);
	o = parse(&req, "discord succeeded");
	is_int(jint(o, "embeds/0/color"), 0x2EB67D, "discord: green");
	is_str(jstr(o, "embeds/0/title"), "Job nightly backup succeeded",
	    "discord: succeeded title");
	json_object_put(o);
	cron_notify_req_free(&req);

	/* thread_id */
	cron_notify_discord(&n, "https://d/x", "1234567890", &req);
	is_str(req.url, "https://d/x?thread_id=1234567890",
	    "discord: ?thread_id=");
	cron_notify_req_free(&req);
	cron_notify_discord(&n, "https://d/x?wait=true", "42", &req);
	is_str(req.url, "https://d/x?wait=true&thread_id=42",
	    "discord: &thread_id= after a query");
	cron_notify_req_free(&req);
	cron_notify_discord(&n, "https://d/x", "1 2&x=y/#?", &req);
	is_str(req.url, "https://d/x?thread_id=1%202%26x%3Dy%2F%23%3F",
	    "discord: thread_id url-encoded");
	cron_notify_req_free(&req);

	/* Hostile and huge names. */
	n = failed_notice();
	n.job_name = HOSTILE;
	cron_notify_discord(&n, "https://d/x", NULL, &req);
	o = parse(&req, "discord hostile");
	s = jstr(o, "embeds/0/title");
	ok(has(s, "\\[link\\]\\(http") && !has(s, "[link]("),
	    "discord: masked link escaped");
	ok(has(s, "\\*b\\*") && !has_ctl(s, ""),
	    "discord: emphasis escaped, no newline");
	json_object_put(o);
	cron_notify_req_free(&req);

	big = malloc(100 * 1024 + 1);
	for (i = 0; i + 2 <= 100 * 1024; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[i] = '\0';
	n.job_name = big;
	n.error_class = big;
	n.execution_id = big;
	cron_notify_discord(&n, "https://d/x", NULL, &req);
	o = parse(&req, "discord huge");
	s = jstr(o, "embeds/0/title");
	ok(s != NULL && units(s) <= 256, "discord: title <= 256 (%zu)",
	    s != NULL ? units(s) : 0);
	within = 1;
	for (i = 0; i < jlen(o, "embeds/0/fields"); i++) {
		snprintf(path, sizeof(path), "embeds/0/fields/%zu/value", i);
		within &= units(jstr(o, path)) <= 1024;
	}
	ok(within, "discord: every field value <= 1024");
	ok(req.body_len < 6000 * 4, "discord: whole embed small");
	json_object_put(o);
	cron_notify_req_free(&req);
	free(big);

	/* Test message. */
	n = test_notice();
	cron_notify_discord(&n, "https://d/x", NULL, &req);
	o = parse(&req, "discord test");
	is_str(jstr(o, "embeds/0/title"), "Test notification",
	    "discord test: title");
	is_str(jstr(o, "embeds/0/description"), TEST_MSG,
	    "discord test: description");
	is_int(jint(o, "embeds/0/color"), 0x3498DB, "discord test: blue");
	ok(has(jstr(o, "embeds/0/fields/0/value"), "ops \\<alerts\\> & co"),
	    "discord test: channel name");
	json_object_put(o);
	cron_notify_req_free(&req);
}

/* 1 if every tag in the HTML s is one of b, i, code, pre (or closing). */
static int
tags_allowed(const char *s)
{
	static const char *const ok_tags[] = {
		"<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<pre>",
		"</pre>"
	};
	size_t	i;

	for (; (s = strchr(s, '<')) != NULL; s++) {
		for (i = 0; i < NELEM(ok_tags); i++)
			if (strncmp(s, ok_tags[i], strlen(ok_tags[i])) == 0)
				break;
		if (i == NELEM(ok_tags))
			return 0;
	}
	return 1;
}

static void
test_telegram(void)
{
	struct cron_notify_req	 req;
	struct cron_notice	 n = failed_notice();
	struct json_object	*o, *v;
	const char		*s;
	char			*big;

	is_int(cron_notify_telegram(&n, "https://api.telegram.org",
	    "123456:ABC-def_GHI", "-1001234", &req), 0, "telegram");
	is_str(req.url,
	    "https://api.telegram.org/bot123456:ABC-def_GHI/sendMessage",
	    "telegram: url");
	is_str(header(&req, "Content-Type"), "application/json",
	    "telegram: Content-Type");
	o = parse(&req, "telegram");
	is_str(jstr(o, "chat_id"), "-1001234", "telegram: chat_id string");
	is_str(jstr(o, "parse_mode"), "HTML", "telegram: parse_mode");
	v = jget(o, "disable_web_page_preview");
	ok(v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v), "telegram: no web page preview");
	s = jstr(o, "text");
	ok(has(s, "<b>Job nightly backup failed</b>") &&
	    has(s, "HTTP 500 after 3 attempts") && has(s, T_SCHED_ISO) &&
	    has(s, "<code>exe_456</code>"), "telegram: text");
	ok(s != NULL && tags_allowed(s), "telegram: only b/i/code/pre tags");
	json_object_put(o);
	cron_notify_req_free(&req);

	n.job_name = HOSTILE;
	n.error_class = "<i>&\"";
	n.status_code = -1;
	cron_notify_telegram(&n, "https://api.telegram.org", "1:a", "@chan",
	    &req);
	o = parse(&req, "telegram hostile");
	s = jstr(o, "text");
	ok(has(s, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
	    "&#39;q&#39;") && has(s, "&lt;i&gt;&amp;&quot;"),
	    "telegram: &, <, >, quotes escaped");
	ok(s != NULL && tags_allowed(s), "telegram hostile: only allowed tags");
	ok(s != NULL && !has(s, "\r") && has(s, "&#39;q&#39;  X-Evil: 1"),
	    "telegram: CR LF in the name are spaces");
	is_str(jstr(o, "chat_id"), "@chan", "telegram: @channel chat_id");
	json_object_put(o);
	cron_notify_req_free(&req);

	big = malloc(100 * 1024 + 1);
	memset(big, '<', 100 * 1024);
	big[100 * 1024] = '\0';
	n.job_name = big;
	n.error_class = big;
	n.execution_id = big;
	n.trigger = big;
	n.status = big;
	cron_notify_telegram(&n, "https://api.telegram.org", "1:a", "1", &req);
	o = parse(&req, "telegram huge");
	s = jstr(o, "text");
	ok(s != NULL && units(s) < 4096, "telegram: below 4096 (%zu)",
	    s != NULL ? units(s) : 0);
	json_object_put(o);
	cron_notify_req_free(&req);
	free(big);

	is_int(cron_notify_telegram(&n, "https://api.telegram.org",
	    "1:a/../../x", "1", &req), -1, "telegram: token with / refused");
	is_int(cron_notify_telegram(&n, "https://api.telegram.org",
	    "1:a?x#", "1", &req), -1, "telegram: token with ?# refused");
	is_int(cron_notify_telegram(&n, "https://api.telegram.org", "",
	    "1", &req), -1, "telegram: empty token refused");
	is_int(cron_notify_telegram(&n, "https://api.telegram.org", "1:a",
	    NULL, &req), -1, "telegram: no chat_id refused");

	n = test_notice();
	cron_notify_telegram(&n, "https://api.telegram.org", "1:a", "1", &req);
	o = parse(&req, "telegram test");
	s = jstr(o, "text");
	ok(has(s, TEST_MSG) && has(s, "ops &lt;alerts&gt; &amp; co") &&
	    tags_allowed(s), "telegram test: message and escaped channel");
	json_object_put(o);
	cron_notify_req_free(&req);
}

static void
test_email(void)
{
	struct cron_notice	 n = failed_notice();
	char			*subj, *text, *html, *big;
	size_t			 i;

	cron_notify_email(&n, &subj, &text, &html);
	is_str(subj, "[cron-platform] Job nightly backup failed",
	    "email: subject failed");
	ok(has(text, "Job nightly backup failed (HTTP 500 after 3 attempts)")
	    && has(text, T_SCHED_ISO) && has(text, "exe_456") &&
	    has(text, "http_status"), "email: text body");
	ok(has(html, "<table") && has(html, "nightly backup") &&
	    has(html, T_FIN_ISO) && has(html, "style=\""), "email: HTML table");
	ok(!has(html, "src=") && !has(html, "href=") && !has(html, "url(") &&
	    !has(html, "<link") && !has(html, "<script"),
	    "email: no external resources");
	ok(cron_utf8_valid(html, strlen(html)) &&
	    cron_utf8_valid(text, strlen(text)), "email: UTF-8");
	free(subj);
	free(text);
	free(html);

	n = succeeded_notice();
	cron_notify_email(&n, &subj, &text, &html);
	is_str(subj, "[cron-platform] Job nightly backup succeeded",
	    "email: subject succeeded");
	free(subj);
	free(text);
	free(html);

	n = failed_notice();
	n.job_name = HOSTILE "\xc2\x85\xe2\x80\xa8\xff";
	n.error_class = "<b>";
	cron_notify_email(&n, &subj, &text, &html);
	ok(!has_ctl(subj, "") && !has(subj, "\xc2\x85") &&
	    !has(subj, "\xe2\x80\xa8"), "email: no CR, LF, NEL, LS in subject");
	ok(has(subj, "<script>") && has(subj, "\xef\xbf\xbd"),
	    "email: subject is plain text, repaired");
	ok(!has(html, "<script>") && !has(html, "<!channel>") &&
	    !has(html, "<b>&lt;") && has(html, "&lt;script&gt;") &&
	    has(html, "&quot;x&quot;") && has(html, "&#39;q&#39;") &&
	    has(html, "&lt;b&gt;"), "email: HTML escaped");
	ok(!has_ctl(text, "\n"), "email: text has no CR or other controls");
	free(subj);
	free(text);
	free(html);

	big = malloc(100 * 1024 + 1);
	for (i = 0; i + 3 <= 100 * 1024; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);
	big[i] = '\0';
	n.job_name = big;
	cron_notify_email(&n, &subj, &text, &html);
	ok(units(subj) < 300 && cron_utf8_valid(subj, strlen(subj)),
	    "email: huge name, bounded subject (%zu)", units(subj));
	free(subj);
	free(text);
	free(html);
	free(big);

	n = test_notice();
	cron_notify_email(&n, &subj, &text, &html);
	is_str(subj, "[cron-platform] Test notification for channel "
	    "ops <alerts> & co", "email test: subject");
	ok(has(text, TEST_MSG) && has(html, TEST_MSG) &&
	    has(html, "ops &lt;alerts&gt; &amp; co"), "email test: bodies");
	free(subj);
	free(text);
	free(html);
}

int
main(void)
{
	test_sign();
	test_webhook();
	test_slack();
	test_discord();
	test_telegram();
	test_email();
	return done_testing();
}
