/*
 * Notification deliveries (SPEC §8): the scheduler sends the messages the
 * rules of a finished execution (or a channel's test) queued, through the
 * same libcurl multi handle as the jobs, behind the same connect-time
 * SSRF guard; email goes to the outbox (mail.c sends it).
 *
 * - Leasing: batches in one short transaction (FOR UPDATE SKIP LOCKED),
 *   expired leases taken over, as for executions; at most NOTIFY_INFLIGHT
 *   in flight, so notifications never crowd out jobs.
 * - Each message is built at the last moment (lib/notify.c) from the
 *   channel's current settings; its credentials are opened with the
 *   keyring and wiped once libcurl has copied them.
 * - Outcome: 2xx is sent; 408, 429, 5xx, a timeout or a connection error
 *   is retried after notify_retry_base_seconds x 2^n (capped at 1 h) until
 *   notify_max_attempts; anything else (and a refused address) fails.  A
 *   delivery's fate never touches its execution.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "conf.h"
#include "db.h"
#include "id.h"
#include "jsonutil.h"
#include "keyring.h"
#include "log.h"
#include "notify.h"
#include "sched.h"
#include "timefmt.h"
#include "xmalloc.h"

#define NOTIFY_BATCH		20
#define NOTIFY_INFLIGHT		200
#define NOTIFY_LEASE_MARGIN_MS	60000
#define NOTIFY_BACKOFF_CAP_S	3600
#define NOTIFY_RESPONSE_KEEP	200	/* bytes of a refusal kept */

struct notice {
	struct xfer		 x;		/* first: CURLOPT_PRIVATE */
	struct notice		*prev, *next;
	struct db_delivery	 d;		/* config and cred owned */
	CURL			*easy;
	struct curl_slist	*hdrs;
	struct cron_notify_req	 req;
	char			 resp[NOTIFY_RESPONSE_KEEP + 1];
	size_t			 rlen;
	char			 errbuf[CURL_ERROR_SIZE];
};

/* Ends n: out of the multi handle and the list, credentials wiped. */
static void
notice_free(struct notice *n)
{
	struct sched		*s = n->x.s;
	struct curl_slist	*h;
	int			 i;

	if (n->easy != NULL) {
		curl_multi_remove_handle(s->multi, n->easy);
		curl_easy_cleanup(n->easy);
		if (n->prev != NULL)
			n->prev->next = n->next;
		else
			s->notices = n->next;
		if (n->next != NULL)
			n->next->prev = n->prev;
		s->nnotices--;
	}
	for (h = n->hdrs; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(n->hdrs);
	if (n->req.url != NULL)
		explicit_bzero(n->req.url, strlen(n->req.url));
	for (i = 0; i < n->req.nheaders; i++)
		if (n->req.headers[i] != NULL)
			explicit_bzero(n->req.headers[i],
			    strlen(n->req.headers[i]));
	cron_notify_req_free(&n->req);
	free(n->d.config);
	if (n->d.cred != NULL)
		explicit_bzero(n->d.cred, n->d.credlen);
	free(n->d.cred);
	free(n);
}

/* Records what became of n (status sent/failed, or queued until next). */
static void
notice_record(struct notice *n, const char *status, int64_t next,
    int code, const char *error)
{
	struct sched	*s = n->x.s;
	int64_t		 now = cron_now_ms();
	int		 rc;

	rc = db_notify_done(s->db, n->d.id, s->instance, status,
	    n->d.attempts + 1, next, code, error,
	    strcmp(status, "sent") == 0 ? now : -1);
	if (rc == DB_NOTFOUND)
		log_warnx("notification %llu: lease lost; another scheduler "
		    "has it", n->d.id);
	else if (rc != DB_OK)
		log_warnx("notification %llu: cannot record the outcome "
		    "(database error %d); it is sent again when its lease "
		    "expires", n->d.id, rc);
	log_info("notification %llu (%s %s, channel %s, execution %s) "
	    "attempt %d: %s%s%s", n->d.id, n->d.type, n->d.event,
	    n->d.channel_id, n->d.execution_id[0] ? n->d.execution_id : "-",
	    n->d.attempts + 1, status, error != NULL ? ": " : "",
	    error != NULL ? error : "");
}

/* Retry after base x 2^(attempts made), capped; or fail when spent. */
static void
notice_retry(struct notice *n, int code, const char *error)
{
	const struct cron_conf	*c = n->x.s->conf;
	int64_t			 d = c->notify_retry_base_seconds;
	int			 i;

	if (n->d.attempts + 1 >= c->notify_max_attempts) {
		notice_record(n, "failed", cron_now_ms(), code, error);
		return;
	}
	for (i = 0; i < n->d.attempts && d < NOTIFY_BACKOFF_CAP_S; i++)
		d *= 2;
	if (d > NOTIFY_BACKOFF_CAP_S)
		d = NOTIFY_BACKOFF_CAP_S;
	notice_record(n, "queued", cron_now_ms() + d * 1000, code, error);
}

static size_t
on_body(char *p, size_t size, size_t nm, void *arg)
{
	struct notice	*n = arg;
	size_t		 len = size * nm, keep;

	keep = NOTIFY_RESPONSE_KEEP - n->rlen;
	if (keep > len)
		keep = len;
	memcpy(n->resp + n->rlen, p, keep);
	n->rlen += keep;
	return len;
}

/* The opened credentials of d as a JSON object (owned), or NULL. */
static struct json_object *
notice_creds(struct sched *s, const struct db_delivery *d)
{
	struct json_object	*o = NULL;
	unsigned char		*pt = NULL;
	size_t			 ptlen = 0;
	char			*aad;
	int			 rc;

	if (d->cred == NULL)
		return json_object_new_object();
	aad = cron_channel_aad(d->workspace_id, d->channel_id);
	sched_keyring_fresh(s, d->key_version);
	rc = cron_open(s->keyring, d->key_version, d->cred, d->credlen, aad,
	    strlen(aad), &pt, &ptlen);
	free(aad);
	if (rc == -1)
		return NULL;
	if (cron_json_parse((char *)pt, ptlen, 4, &o) != CRON_JSON_OK)
		o = NULL;
	explicit_bzero(pt, ptlen);
	free(pt);
	return o;
}

/* A config or credential string (a number as its text), or NULL. */
static const char *
str_of(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_string) ||
	    json_object_is_type(v, json_type_int))
		return json_object_get_string(v);
	return NULL;
}

/*
 * Builds n's request (or, for email, queues the mail).  Returns 0 when a
 * transfer is ready, 1 when the delivery is done (email), -1 with *why
 * when it cannot be sent.
 */
static int
notice_build(struct notice *n, struct db_notify_exec *e, const char **why)
{
	struct sched		*s = n->x.s;
	struct cron_notice	 m;
	struct json_object	*cfg = NULL, *cred = NULL, *b;
	char			 id[CRON_ID_LEN + 1], *subj, *text, *html;
	const char		*url;
	int			 rc = -1, out;

	memset(&m, 0, sizeof(m));
	m.message_id = n->d.message_id;
	m.timestamp = cron_now_ms();
	m.channel_name = n->d.channel_name;
	if (n->d.execution_id[0] == '\0')
		m.type = "test";
	else {
		m.type = strcmp(e->status, "succeeded") == 0 ?
		    "execution.succeeded" : "execution.failed";
		m.job_id = e->job_id;
		m.job_name = e->job_name;
		m.execution_id = n->d.execution_id;
		m.status = e->status;
		m.trigger = e->trigger;
		m.scheduled_for = e->scheduled_for;
		m.finished_at = e->finished_at;
		m.duration_ms = e->duration_ms;
		m.attempts = e->attempts;
		m.status_code = e->status_code;
		m.latency_ms = e->latency_ms;
		m.error_class = e->error_class;
		m.output = e->output;
		m.output_len = e->output_len;
	}
	if (n->d.config == NULL || cron_json_parse(n->d.config,
	    strlen(n->d.config), 8, &cfg) != CRON_JSON_OK) {
		*why = "the channel's settings are unreadable";
		goto done;
	}
	if ((cred = notice_creds(s, &n->d)) == NULL) {
		*why = "the channel's credentials cannot be decrypted";
		goto done;
	}
	*why = "the channel's settings are incomplete";
	if (strcmp(n->d.type, "email") == 0) {
		if (str_of(cfg, "email") == NULL)
			goto done;
		cron_notify_email(&m, &subj, &text, &html);
		cron_id_new(id);
		out = db_mail_insert_html(s->db, id, str_of(cfg, "email"),
		    subj, text, html);
		free(subj);
		free(text);
		free(html);
		if (out != DB_OK) {
			*why = "cannot queue the mail";
			goto done;
		}
		rc = 1;
		goto done;
	}
	if (strcmp(n->d.type, "webhook") == 0) {
		if ((url = str_of(cfg, "url")) == NULL)
			goto done;
		out = cron_notify_webhook(&m, url, str_of(cred, "secret"),
		    &n->req);
	} else if (strcmp(n->d.type, "slack") == 0) {
		if ((url = str_of(cred, "url")) == NULL)
			goto done;
		out = cron_notify_slack(&m, url, str_of(cfg, "mention_text"),
		    json_object_object_get_ex(cfg, "include_output", &b) &&
		    json_object_get_boolean(b), &n->req);
	} else if (strcmp(n->d.type, "discord") == 0) {
		if ((url = str_of(cred, "url")) == NULL)
			goto done;
		out = cron_notify_discord(&m, url, str_of(cfg, "thread_id"),
		    &n->req);
	} else if (strcmp(n->d.type, "telegram") == 0) {
		if (str_of(cred, "bot_token") == NULL ||
		    str_of(cfg, "chat_id") == NULL)
			goto done;
		out = cron_notify_telegram(&m, s->conf->telegram_api_url,
		    str_of(cred, "bot_token"), str_of(cfg, "chat_id"),
		    &n->req);
	} else {
		*why = "unknown channel type";
		goto done;
	}
	if (out == -1) {
		*why = "the channel's settings are invalid";
		goto done;
	}
	rc = 0;
done:
	json_object_put(cfg);
	if (cred != NULL) {
		/* json-c keeps the strings: wipe them before the free */
		json_object_object_foreach(cred, k, v) {
			(void)k;
			if (json_object_is_type(v, json_type_string))
				explicit_bzero((char *)json_object_get_string(v),
				    (size_t)json_object_get_string_len(v));
		}
		json_object_put(cred);
	}
	return rc;
}

/* Starts delivery d (which n takes over). */
static void
notice_start(struct sched *s, struct db_delivery *d)
{
	struct notice		*n = xcalloc(1, sizeof(*n));
	struct db_notify_exec	 e;
	struct curl_slist	*h;
	const char		*why = NULL;
	int			 i, rc;

	n->x.kind = XFER_NOTICE;
	n->x.s = s;
	n->d = *d;
	d->config = NULL;
	d->cred = NULL;
	memset(&e, 0, sizeof(e));
	if (n->d.execution_id[0] != '\0' &&
	    (rc = db_notify_exec(s->db, n->d.execution_id, &e)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			notice_record(n, "failed", cron_now_ms(), -1,
			    "the execution is gone");
		/* else: the lease expires and it is tried again */
		notice_free(n);
		return;
	}
	rc = notice_build(n, &e, &why);
	free(e.output);
	if (rc != 0) {
		if (rc == 1)
			notice_record(n, "sent", cron_now_ms(), -1, NULL);
		else
			notice_record(n, "failed", cron_now_ms(), -1, why);
		notice_free(n);
		return;
	}

	n->easy = curl_easy_init();
	curl_easy_setopt(n->easy, CURLOPT_URL, n->req.url);
	curl_easy_setopt(n->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(n->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(n->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(n->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(n->easy, CURLOPT_TIMEOUT_MS,
	    (long)s->conf->notify_timeout_seconds * 1000);
	curl_easy_setopt(n->easy, CURLOPT_OPENSOCKETFUNCTION,
	    sched_open_socket);
	curl_easy_setopt(n->easy, CURLOPT_OPENSOCKETDATA, &n->x);
	curl_easy_setopt(n->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(n->easy, CURLOPT_WRITEDATA, n);
	curl_easy_setopt(n->easy, CURLOPT_PRIVATE, &n->x);
	curl_easy_setopt(n->easy, CURLOPT_ERRORBUFFER, n->errbuf);
	curl_easy_setopt(n->easy, CURLOPT_POSTFIELDSIZE,
	    (long)n->req.body_len);
	curl_easy_setopt(n->easy, CURLOPT_POSTFIELDS, n->req.body);
	for (i = 0; i < n->req.nheaders; i++)
		if ((h = curl_slist_append(n->hdrs, n->req.headers[i])) !=
		    NULL)
			n->hdrs = h;
	if ((h = curl_slist_append(n->hdrs, "User-Agent: cron-platform/"
	    PACKAGE_VERSION)) != NULL)
		n->hdrs = h;
	curl_easy_setopt(n->easy, CURLOPT_HTTPHEADER, n->hdrs);
	n->next = s->notices;
	if (s->notices != NULL)
		s->notices->prev = n;
	s->notices = n;
	s->nnotices++;
	curl_multi_add_handle(s->multi, n->easy);
	log_debug("notification %llu (%s %s) attempt %d started", n->d.id,
	    n->d.type, n->d.event, n->d.attempts + 1);
}

/* A finished transfer of a notification. */
void
sched_notify_done(struct sched *s, struct notice *n, CURLcode cc)
{
	long	 code = 0;
	char	 err[NOTIFY_RESPONSE_KEEP * 3 + 64], *resp;
	size_t	 rlen, i;

	(void)s;
	if (cc != CURLE_OK) {
		if (n->x.blocked)
			notice_record(n, "failed", cron_now_ms(), -1,
			    "blocked_address");
		else
			notice_retry(n, -1, cc == CURLE_OPERATION_TIMEDOUT ?
			    "timeout" : curl_easy_strerror(cc));
		notice_free(n);
		return;
	}
	curl_easy_getinfo(n->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300) {
		notice_record(n, "sent", cron_now_ms(), (int)code, NULL);
		notice_free(n);
		return;
	}
	/* what the receiver said, as one line of text: it is shown in the
	 * API and logged */
	resp = cron_utf8_repair(n->resp, n->rlen, &rlen);
	for (i = 0; i < rlen; i++)
		if ((unsigned char)resp[i] < 0x20 || resp[i] == 0x7f)
			resp[i] = ' ';
	while (rlen > 0 && resp[rlen - 1] == ' ')
		rlen--;
	snprintf(err, sizeof(err), "HTTP %ld%s%.*s", code, rlen ? ": " : "",
	    (int)rlen, resp);
	free(resp);
	if (code == 408 || code == 429 || code >= 500)
		notice_retry(n, (int)code, err);
	else
		notice_record(n, "failed", cron_now_ms(), (int)code, err);
	notice_free(n);
}

struct notify_txn {
	struct sched		*s;
	int			 takeover;
	int			 limit;
	struct db_delivery	*d;
	size_t			 n;
};

static int
notify_txn(struct db *db, void *arg)
{
	struct notify_txn	*t = arg;
	int64_t			 now = cron_now_ms();
	int			 rc;

	db_deliveries_free(t->d, t->n);
	t->d = NULL;
	t->n = 0;
	if ((rc = db_notify_lease(db, t->takeover, now, t->limit, &t->d,
	    &t->n)) != DB_OK)
		return rc;
	return db_notify_start(db, t->d, t->n, t->s->instance, now +
	    t->s->conf->notify_timeout_seconds * 1000LL +
	    NOTIFY_LEASE_MARGIN_MS);
}

/*
 * The notify duty: takes due deliveries (and expired leases) while there
 * is room.  Returns 1 when a full batch was taken, 0 when done, -1 on a
 * database error.
 */
int
sched_notify_run(struct sched *s)
{
	struct notify_txn	t;
	size_t			i;
	int			room, full = 0;

	memset(&t, 0, sizeof(t));
	t.s = s;
	for (t.takeover = 0; t.takeover < 2 && !s->stop; t.takeover++) {
		room = NOTIFY_INFLIGHT - s->nnotices;
		if (room <= 0)
			return 0;
		t.limit = room < NOTIFY_BATCH ? room : NOTIFY_BATCH;
		if (db_txn(s->db, notify_txn, &t) != DB_OK) {
			db_deliveries_free(t.d, t.n);
			return -1;
		}
		if (t.takeover && t.n > 0)
			log_info("took over %zu notifications whose lease "
			    "expired", t.n);
		for (i = 0; i < t.n; i++)
			notice_start(s, &t.d[i]);
		full |= (int)t.n == t.limit;
		db_deliveries_free(t.d, t.n);
		t.d = NULL;
		t.n = 0;
	}
	return full;
}

/* Stopping: notifications still in flight go back to the queue. */
void
sched_notify_release(struct sched *s)
{
	while (s->notices != NULL) {
		notice_record(s->notices, "queued", cron_now_ms(), -1,
		    "interrupted by a scheduler stop");
		notice_free(s->notices);
	}
}
