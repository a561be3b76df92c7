/*
 * The runner (SPEC §7): leases queued executions (and those whose lease
 * expired with their scheduler), runs them through one libcurl multi
 * handle, records every attempt and the outcome.
 *
 * - Leasing: batches of RUN_BATCH in one short transaction, FOR UPDATE
 *   SKIP LOCKED through executions_queue; the lease runs for the request's
 *   timeout plus scheduler_lease_margin_seconds, after which another takes the
 *   execution over and runs the attempt again: delivery is at-least-once
 *   (receivers de-duplicate with X-Cron-Service-Execution-Id and -Attempt).
 * - Requests: built at the last moment from the job's current request;
 *   secret://NAME in header values is replaced (lib/template.c), the
 *   decrypted values wiped as soon as libcurl has copied them and its
 *   copies wiped before they are freed.  Redirects are not followed; no
 *   proxy from the environment; http and https only.  Every connection
 *   goes through sched_open_socket(), which refuses non-public addresses
 *   (lib/netaddr.c) after DNS resolution, unless allow_private_targets.
 * - Outcome: success when the status is a success status; retry on a
 *   retry status, a timeout or a connection error until max_attempts,
 *   after 250 ms x 2^n with full jitter (capped at 5 min; Retry-After on
 *   429/503 honoured up to the cap); a retry goes back to the queue with
 *   run_after set, so it survives a restart.  Anything else fails at once.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "jsonutil.h"
#include "keyring.h"
#include "log.h"
#include "netaddr.h"
#include "sched.h"
#include "template.h"
#include "timefmt.h"
#include "xmalloc.h"

#define RUN_BATCH		50
#define RECORD_BATCH		DB_RECORD_BATCH	/* outcomes recorded in one go */
#define PREVIEW_MAX		65536
#define BACKOFF_BASE_MS		250
#define BACKOFF_CAP_MS		300000
#define STATUS_MAX		50
#define HEADER_EXPANDED_MAX	16384

struct run {
	struct xfer		 x;		/* first: CURLOPT_PRIVATE */
	struct sched		*s;
	struct run		*prev, *next;
	struct db_lease		 l;		/* request/retry_policy owned */
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*body;
	int			 attempt;	/* this one, 1-based */
	int			 max_attempts;
	int			 success[STATUS_MAX], nsuccess;
	int			 retry[STATUS_MAX], nretry;
	int64_t			 started;	/* wall ms of this attempt */
	int64_t			 first;		/* wall ms of the first */
	int64_t			 mono;
	char			*preview;
	size_t			 plen, pcap;
	struct json_object	*rh;		/* selected response headers */
	long			 retry_after;	/* seconds, -1 if none */
	char			 errbuf[CURL_ERROR_SIZE];
};

/* Response headers kept in the attempt record (SPEC §6). */
static const char *const kept_headers[] = {
	"content-type", "content-length", "retry-after", "location",
	"x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid",
	"cf-ray"
};

static void
run_link(struct sched *s, struct run *r)
{
	r->next = s->runs;
	if (s->runs != NULL)
		s->runs->prev = r;
	s->runs = r;
	s->inflight++;
}

/* Takes r out of the multi handle and the list of runs in flight. */
static void
run_detach(struct run *r)
{
	struct sched	*s = r->s;

	if (r->easy == NULL)
		return;
	curl_multi_remove_handle(s->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		s->runs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	s->inflight--;
}

/* Ends r: detached, everything wiped and freed. */
static void
run_free(struct run *r)
{
	struct curl_slist	*h;

	run_detach(r);
	for (h = r->hdrs; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(r->hdrs);
	free(r->body);
	free(r->preview);
	json_object_put(r->rh);
	free(r->l.request);
	free(r->l.retry_policy);
	free(r);
}

/*
 * The SSRF guard, at connect time on the resolved address (SPEC §9), for
 * every transfer (jobs and notifications); arg is its struct xfer.
 */
curl_socket_t
sched_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer	*x = arg;

	(void)purpose;
	if (!x->s->conf->allow_private_targets &&
	    cron_addr_blocked(&a->addr, a->addrlen)) {
		x->blocked = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct run	*r = arg;
	size_t		 len = size * n, keep;

	keep = r->plen < PREVIEW_MAX ? PREVIEW_MAX - r->plen : 0;
	if (keep > len)
		keep = len;
	if (keep > 0) {
		/* grown as the body comes: thousands in flight with small
		 * bodies must not cost 64 KiB each */
		if (r->plen + keep > r->pcap) {
			r->pcap = r->pcap ? r->pcap : 1024;
			while (r->pcap < r->plen + keep)
				r->pcap *= 2;
			if (r->pcap > PREVIEW_MAX)
				r->pcap = PREVIEW_MAX;
			r->preview = xrealloc(r->preview, r->pcap);
		}
		memcpy(r->preview + r->plen, p, keep);
		r->plen += keep;
	}
	return len;			/* the rest is read and dropped */
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct run	*r = arg;
	size_t		 len = size * n, nl, i, vl;
	const char	*v;
	char		 name[32], *val;

	if ((v = memchr(p, ':', len)) == NULL || (nl = (size_t)(v - p)) == 0 ||
	    nl >= sizeof(name))
		return len;
	for (i = 0; i < nl; i++)
		name[i] = (char)tolower((unsigned char)p[i]);
	name[nl] = '\0';
	for (i = 0; i < sizeof(kept_headers) / sizeof(kept_headers[0]); i++)
		if (strcmp(name, kept_headers[i]) == 0)
			break;
	if (i == sizeof(kept_headers) / sizeof(kept_headers[0]))
		return len;
	for (v++; v < p + len && (*v == ' ' || *v == '\t'); v++)
		;
	for (vl = (size_t)(p + len - v); vl > 0 && isspace((unsigned char)
	    v[vl - 1]); vl--)
		;
	if (vl > 1024)
		vl = 1024;
	val = xstrndup(v, vl);
	if (cron_utf8_valid(val, vl))
		cron_json_add_str(r->rh, name, val);
	if (strcmp(name, "retry-after") == 0)
		r->retry_after = strtol(val, NULL, 10);
	free(val);
	return len;
}

/* secret://NAME lookup for lib/template.c: the workspace's secret. */
static char *
lookup_secret(const char *name, size_t *len, void *arg)
{
	struct run		*r = arg;
	struct db_secret	 sec;
	unsigned char		*pt = NULL;
	char			*aad;

	*len = 0;
	if (db_secret_by_name(r->s->db, r->l.workspace_id, name, &sec) !=
	    DB_OK)
		return NULL;
	aad = cron_secret_aad(r->l.workspace_id, name);
	sched_keyring_fresh(r->s, sec.key_version);
	if (cron_open(r->s->keyring, sec.key_version, sec.ct, sec.ctlen, aad,
	    strlen(aad), &pt, len) == -1) {
		log_warnx("execution %s: secret %s cannot be decrypted "
		    "(key v%d); sent literally", r->l.id, sec.id,
		    sec.key_version);
		pt = NULL;
		*len = 0;
	}
	free(aad);
	free(sec.ct);
	return (char *)pt;
}

/* Reads a list of status codes from o[key] into out (or the defaults). */
static int
statuses(struct json_object *o, const char *key, int *out, const int *def,
    int ndef)
{
	struct json_object	*a;
	int			 i, n;

	if (o == NULL || !json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array)) {
		memcpy(out, def, (size_t)ndef * sizeof(int));
		return ndef;
	}
	n = (int)json_object_array_length(a);
	if (n > STATUS_MAX)
		n = STATUS_MAX;
	for (i = 0; i < n; i++)
		out[i] = json_object_get_int(json_object_array_get_idx(a, i));
	return n;
}

static int
has_status(const int *list, int n, long code)
{
	int	i;

	for (i = 0; i < n; i++)
		if (list[i] == code)
			return 1;
	return 0;
}

/* Adds "Name: value" to r->hdrs, wiping the formatted copy. */
static int
add_header(struct run *r, const char *name, const char *value, size_t vlen)
{
	struct curl_slist	*h;
	char			*line;
	size_t			 i, n = strlen(name) + 2 + vlen + 1;

	for (i = 0; i < vlen; i++)
		if (value[i] == '\r' || value[i] == '\n' || value[i] == '\0')
			return -1;	/* a secret must not inject headers */
	line = xmalloc(n);
	snprintf(line, n, "%s: %.*s", name, (int)vlen, value);
	h = curl_slist_append(r->hdrs, line);
	explicit_bzero(line, n);
	free(line);
	if (h == NULL)
		return -1;
	r->hdrs = h;
	return 0;
}

/*
 * Builds the transfer of r's next attempt from the job's request.
 * Returns 0, or -1 (logged) when the stored request is unusable.
 */
static int
run_build(struct run *r)
{
	static const int	 def_ok[] = { 200, 201, 202, 204 };
	static const int	 def_retry[] = { 429, 500, 502, 503, 504 };
	struct json_object	*rq = NULL, *rp = NULL, *h, *b;
	const char		*method, *url, *ct;
	char			 v[64], *x;
	size_t			 xl;
	int			 ctype = 0, rc = -1;
	int64_t			 t;

	if (cron_json_parse(r->l.request, strlen(r->l.request), 64, &rq) !=
	    CRON_JSON_OK || (url = cron_json_str(rq, "url")) == NULL)
		goto out;
	if (r->l.retry_policy != NULL)
		(void)cron_json_parse(r->l.retry_policy,
		    strlen(r->l.retry_policy), 16, &rp);
	r->max_attempts = 3;
	if (rp != NULL && cron_json_int(rp, "max_attempts", &t) == 0)
		r->max_attempts = (int)t;
	r->nsuccess = statuses(rq, "success_statuses", r->success, def_ok, 4);
	r->nretry = statuses(rp, "retry_on_statuses", r->retry, def_retry, 5);
	if ((method = cron_json_str(rq, "method")) == NULL)
		method = "GET";
	if (cron_json_int(rq, "timeout_seconds", &t) == -1)
		t = 30;

	r->easy = curl_easy_init();
	r->rh = json_object_new_object();
	r->retry_after = -1;
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, (long)t * 1000);
	curl_easy_setopt(r->easy, CURLOPT_OPENSOCKETFUNCTION,
	    sched_open_socket);
	curl_easy_setopt(r->easy, CURLOPT_OPENSOCKETDATA, &r->x);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, &r->x);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);

	if (json_object_object_get_ex(rq, "headers", &h) &&
	    json_object_is_type(h, json_type_object)) {
		json_object_object_foreach(h, name, val) {
			if (strcasecmp(name, "content-type") == 0)
				ctype = 1;
			x = cron_template_expand(json_object_get_string(val),
			    lookup_secret, r, HEADER_EXPANDED_MAX, &xl);
			if (x == NULL || add_header(r, name, x, xl) == -1)
				log_warnx("execution %s: header %s dropped "
				    "(too long, or a secret holds CR/LF)",
				    r->l.id, name);
			if (x != NULL) {
				explicit_bzero(x, xl);
				free(x);
			}
		}
	}
	(void)add_header(r, "X-Cron-Service-Job-Id", r->l.job_id,
	    strlen(r->l.job_id));
	(void)add_header(r, "X-Cron-Service-Execution-Id", r->l.id,
	    strlen(r->l.id));
	cron_time_fmt(r->l.scheduled_for, v);
	(void)add_header(r, "X-Cron-Service-Scheduled-For", v, strlen(v));
	snprintf(v, sizeof(v), "%d", r->attempt);
	(void)add_header(r, "X-Cron-Service-Attempt", v, strlen(v));
	(void)add_header(r, "User-Agent", "cron-platform/" PACKAGE_VERSION,
	    strlen("cron-platform/" PACKAGE_VERSION));
	if (json_object_object_get_ex(rq, "body", &b) && b != NULL) {
		if (json_object_is_type(b, json_type_string))
			r->body = xstrdup(json_object_get_string(b));
		else
			r->body = xstrdup(cron_json_text(b, NULL));
		if (!ctype) {
			ct = json_object_is_type(b, json_type_string) ?
			    "text/plain; charset=utf-8" : "application/json";
			(void)add_header(r, "Content-Type", ct, strlen(ct));
		}
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(r->body));
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
	}
	if (strcmp(method, "POST") == 0 && r->body == NULL) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, "");
	}
	if (strcmp(method, "POST") != 0 && (strcmp(method, "GET") != 0 ||
	    r->body != NULL))
		curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	rc = 0;
out:
	json_object_put(rq);
	json_object_put(rp);
	if (rc == -1)
		log_warnx("execution %s: the job's request is unusable",
		    r->l.id);
	return rc;
}

/* Full-jitter backoff before attempt n+1, with Retry-After, capped. */
static int64_t
backoff_ms(const struct run *r, long code)
{
	uint64_t	rnd;
	int64_t		cap = BACKOFF_BASE_MS, d;
	int		i;

	for (i = 0; i < r->attempt && cap < BACKOFF_CAP_MS; i++)
		cap *= 2;
	if (cap > BACKOFF_CAP_MS)
		cap = BACKOFF_CAP_MS;
	cron_random_bytes(&rnd, sizeof(rnd));
	d = (int64_t)(rnd % (uint64_t)(cap + 1));
	if ((code == 429 || code == 503) && r->retry_after > 0)
		d = r->retry_after * 1000 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS :
		    r->retry_after * 1000;
	return d;
}

/* What one attempt came to: the outcome and the run it belongs to. */
struct outcome {
	struct db_outcome	 o;
	struct run		*r;
};

struct record_txn {
	struct sched		*s;
	struct db_outcome	*o;
	size_t			 n;
};

static int
record_txn(struct db *db, void *arg)
{
	struct record_txn	*t = arg;
	unsigned long long	 q = 0;
	int			 rc;

	if ((rc = db_run_record(db, t->s->instance, t->o, t->n, &q)) ==
	    DB_OK && q > 0)
		t->s->due[SCHED_DUTY_NOTIFY] = 0;	/* send them now */
	return rc;
}

static int
by_job(const void *a, const void *b)
{
	return strcmp(((const struct outcome *)a)->o.job_id,
	    ((const struct outcome *)b)->o.job_id);
}

/*
 * Keeps an outcome the database did not take (it is down), to record it
 * when it is back (run_record, before the next lease) rather than let the
 * lease expire and the request be made again.  At most scheduler_max_inflight are kept;
 * past that the oldest is given up to its lease.
 */
static void
unsaved_keep(struct sched *s, struct outcome *o)
{
	size_t	max = (size_t)s->conf->scheduler_max_inflight;

	run_detach(o->r);
	if (s->nunsaved == max && max > 0) {
		log_warnx("execution %s: cannot record the outcome (database "
		    "unreachable); it runs again when its lease expires",
		    s->unsaved[0].o.id);
		run_free(s->unsaved[0].r);
		memmove(&s->unsaved[0], &s->unsaved[1],
		    --s->nunsaved * sizeof(*s->unsaved));
	}
	if (s->nunsaved == s->unsavedcap) {
		s->unsavedcap = s->unsavedcap ? s->unsavedcap * 2 : 64;
		s->unsaved = xreallocarray(s->unsaved, s->unsavedcap,
		    sizeof(*s->unsaved));
	}
	s->unsaved[s->nunsaved++] = *o;
}

/*
 * Records n outcomes in one transaction (sorted by job, so two schedulers
 * update job rows in one order), then ends their runs.  When a lease was
 * lost each is recorded in its own transaction, to learn which.  Those
 * the database cannot take now are kept for later.  Returns how many
 * were kept.
 */
static size_t
outcomes_save(struct sched *s, struct outcome *out, size_t n)
{
	struct db_outcome	*o = xcalloc(n + 1, sizeof(*o));
	struct record_txn	 t;
	size_t			 i, kept = 0;
	int			 rc, brc;

	qsort(out, n, sizeof(*out), by_job);
	for (i = 0; i < n; i++)
		o[i] = out[i].o;
	t.s = s;
	t.o = o;
	t.n = n;
	brc = db_txn(s->db, record_txn, &t);
	for (i = 0; i < n; i++) {
		rc = brc;
		if (brc != DB_OK && brc != DB_GONE && n > 1) {
			t.o = &o[i];
			t.n = 1;
			if ((rc = db_txn(s->db, record_txn, &t)) == DB_GONE)
				brc = DB_GONE;	/* keep the rest as they are */
		}
		if (rc == DB_NOTFOUND)
			log_warnx("execution %s: lease lost; another "
			    "scheduler has it", o[i].id);
		else if (rc != DB_OK && rc != DB_NOTFOUND) {
			if (kept++ == 0)
				log_warnx("cannot record %zu outcome%s "
				    "(database error %d); keeping them to "
				    "record later", n - i, n - i == 1 ? "" :
				    "s", rc);
			unsaved_keep(s, &out[i]);
			continue;
		}
		run_free(out[i].r);
	}
	free(o);
	return kept;
}

/*
 * Records the outcomes kept while the database was down.  Returns 1 when
 * more are left, 0 when none, -1 when the database still fails.
 */
static int
run_record(struct sched *s)
{
	struct outcome	batch[RECORD_BATCH];
	size_t		n;

	if (s->nunsaved == 0)
		return 0;
	n = s->nunsaved < RECORD_BATCH ? s->nunsaved : RECORD_BATCH;
	memcpy(batch, s->unsaved, n * sizeof(*batch));
	memmove(&s->unsaved[0], &s->unsaved[n],
	    (s->nunsaved - n) * sizeof(*s->unsaved));
	s->nunsaved -= n;
	if (outcomes_save(s, batch, n) > 0)
		return -1;
	if (s->nunsaved == 0)
		log_info("recorded every outcome kept while the database was "
		    "unreachable");
	return s->nunsaved > 0;
}

/* The outcome of r's attempt (or of no attempt, a.number 0). */
static void
outcome_init(struct outcome *out, struct run *r, int64_t now)
{
	memset(out, 0, sizeof(*out));
	out->r = r;
	out->o.id = r->l.id;
	out->o.workspace_id = r->l.workspace_id;
	out->o.job_id = r->l.job_id;
	out->o.now = now;
	out->o.attempts = r->l.attempts;
	out->o.duration_ms = now - r->first;
}

/* Sets o final (or a retry), and complete for a job's only run. */
static void
outcome_final(struct outcome *out, const char *final)
{
	struct run	*r = out->r;

	out->o.final = final;
	out->o.complete = final != NULL &&
	    ((strcmp(r->l.kind, "scheduled") == 0 &&
	    strcmp(r->l.trigger, "schedule") == 0) ||
	    (strcmp(r->l.kind, "one_time") == 0 &&
	    strcmp(r->l.trigger, "one_time") == 0));
}

/* Classifies r's finished transfer into out. */
static void
run_done(struct run *r, CURLcode cc, struct outcome *out)
{
	struct db_attempt	*a = &out->o.a;
	long			 code = 0;
	const char		*eclass = "";
	int			 retryable;

	outcome_init(out, r, cron_now_ms());
	out->o.attempts = r->attempt;
	a->number = r->attempt;
	a->started_at = r->started;
	a->latency_ms = (int)(sched_mono_ms() - r->mono);
	a->status_code = -1;
	if (cc == CURLE_OK) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
		a->status_code = (int)code;
		if (has_status(r->success, r->nsuccess, code)) {
			snprintf(a->status, sizeof(a->status), "SUCCESS");
			retryable = 0;
		} else {
			snprintf(a->status, sizeof(a->status), "HTTP_ERROR");
			eclass = "http_status";
			retryable = has_status(r->retry, r->nretry, code);
		}
		a->body = r->preview;
		a->body_len = r->plen;
		a->headers = (char *)cron_json_text(r->rh, NULL);
	} else {
		retryable = 1;
		snprintf(a->status, sizeof(a->status), "CONNECTION_ERROR");
		if (r->x.blocked) {
			eclass = "blocked_address";
			retryable = 0;
		} else if (cc == CURLE_OPERATION_TIMEDOUT) {
			snprintf(a->status, sizeof(a->status), "TIMEOUT");
			eclass = "timeout";
		} else if (cc == CURLE_COULDNT_RESOLVE_HOST)
			eclass = "dns";
		else if (cc == CURLE_COULDNT_CONNECT)
			eclass = "connect";
		else if (cc == CURLE_SSL_CONNECT_ERROR ||
		    cc == CURLE_PEER_FAILED_VERIFICATION ||
		    cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CIPHER ||
		    cc == CURLE_SSL_CACERT_BADFILE)
			eclass = "tls";
		else
			eclass = "connection";
	}
	snprintf(a->error_class, sizeof(a->error_class), "%s", eclass);
	if (retryable && r->attempt < r->max_attempts) {
		out->o.run_after = out->o.now + backoff_ms(r, code);
		outcome_final(out, NULL);
	} else
		outcome_final(out, strcmp(a->status, "SUCCESS") == 0 ?
		    "succeeded" : "failed");
	log_info("execution %s attempt %d: %s %ld%s%s (%d ms)%s", r->l.id,
	    r->attempt, a->status, code, *eclass ? " " : "", eclass,
	    a->latency_ms, out->o.final != NULL ? out->o.final[0] == 's' ?
	    ", succeeded" : ", failed" : ", will retry");
}

/*
 * Starts the next attempt of leased execution l (which r takes over).
 * Returns 0, or -1 when the execution ends at once (its job was deleted,
 * or its request is unusable): then *out holds its outcome.
 */
static int
run_start(struct sched *s, struct db_lease *l, struct outcome *out)
{
	struct run	*r = xcalloc(1, sizeof(*r));

	r->s = s;
	r->x.kind = XFER_RUN;
	r->x.s = s;
	r->l = *l;
	l->request = l->retry_policy = NULL;	/* r owns them now */
	r->attempt = r->l.attempts + 1;
	r->started = cron_now_ms();
	r->first = r->l.started_at != -1 ? r->l.started_at : r->started;
	r->mono = sched_mono_ms();
	if (r->l.request == NULL || run_build(r) == -1) {
		log_info("execution %s: %s; failed", r->l.id,
		    r->l.request == NULL ? "its job was deleted" :
		    "unusable request");
		if (r->easy != NULL) {
			curl_easy_cleanup(r->easy);
			r->easy = NULL;
		}
		outcome_init(out, r, r->started);
		outcome_final(out, "failed");
		return -1;
	}
	run_link(s, r);
	curl_multi_add_handle(s->multi, r->easy);
	log_debug("execution %s attempt %d started (job %s)", r->l.id,
	    r->attempt, r->l.job_id);
	return 0;
}

struct lease_txn {
	struct sched	*s;
	int		 takeover;
	int		 limit;
	struct db_lease	*l;
	size_t		 n;
};

static int
lease_txn(struct db *db, void *arg)
{
	struct lease_txn	*t = arg;
	int64_t			 now = cron_now_ms();
	int			 rc;

	db_leases_free(t->l, t->n);
	t->l = NULL;
	t->n = 0;
	if ((rc = db_run_lease(db, t->takeover, now, t->limit, &t->l,
	    &t->n)) != DB_OK)
		return rc;
	return db_run_start(db, t->l, t->n, t->s->instance, now,
	    t->s->conf->scheduler_lease_margin_seconds * 1000LL);
}

/*
 * The lease duty: takes due executions (and expired leases) while there
 * is room in flight.  Returns 1 when a full batch was taken (more may be
 * waiting), 0 when done, -1 on a database error.
 */
int
sched_run_lease(struct sched *s)
{
	struct lease_txn	t;
	struct outcome		ended[RUN_BATCH];
	size_t			i, k;
	int			room, rc, full = 0;

	/* first what finished while the database was down: recorded before
	 * any lease is taken over, so none of them runs again */
	while (s->nunsaved > 0)
		if ((rc = run_record(s)) == -1)
			return -1;
	memset(&t, 0, sizeof(t));
	t.s = s;
	for (t.takeover = 0; t.takeover < 2 && !s->stop; t.takeover++) {
		room = s->conf->scheduler_max_inflight - s->inflight;
		if (room <= 0)
			return 0;
		t.limit = room < RUN_BATCH ? room : RUN_BATCH;
		if ((rc = db_txn(s->db, lease_txn, &t)) != DB_OK) {
			log_warnx("lease: database error %d; retrying", rc);
			db_leases_free(t.l, t.n);
			return -1;
		}
		if (t.takeover && t.n > 0)
			log_info("took over %zu executions whose lease "
			    "expired", t.n);
		for (i = k = 0; i < t.n; i++)
			if (run_start(s, &t.l[i], &ended[k]) == -1)
				k++;
		if (k > 0)
			outcomes_save(s, ended, k);
		full |= (int)t.n == t.limit;
		db_leases_free(t.l, t.n);
		t.l = NULL;
		t.n = 0;
	}
	return full;
}

/* Drives the transfers and handles the finished ones. */
void
sched_run_perform(struct sched *s)
{
	struct outcome		 done[RECORD_BATCH];
	CURLMsg			*m;
	struct xfer		*x;
	size_t			 n;
	int			 running, left;

	curl_multi_perform(s->multi, &running);
	do {
		n = 0;
		while (n < RECORD_BATCH && (m = curl_multi_info_read(s->multi,
		    &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    &x);
			if (x->kind == XFER_NOTICE) {
				sched_notify_done(s, (struct notice *)x,
				    m->data.result);
				continue;
			}
			run_done((struct run *)x, m->data.result, &done[n++]);
		}
		if (n > 0)
			outcomes_save(s, done, n);
	} while (n == RECORD_BATCH);
}

/*
 * Stopping: records the outcomes kept meanwhile if the database takes
 * them now, and (past the drain bound) hands every execution still in
 * flight back.
 */
void
sched_run_release(struct sched *s)
{
	struct run	*r;
	size_t		 i;

	while (s->nunsaved > 0 && run_record(s) != -1)
		;
	for (i = 0; i < s->nunsaved; i++) {
		log_warnx("execution %s: outcome not recorded; it runs again "
		    "when its lease expires", s->unsaved[i].o.id);
		run_free(s->unsaved[i].r);
	}
	free(s->unsaved);
	s->unsaved = NULL;
	s->nunsaved = s->unsavedcap = 0;

	while ((r = s->runs) != NULL) {
		if (db_run_release(s->db, r->l.id, s->instance) != DB_OK)
			log_warnx("execution %s: cannot hand it back; another "
			    "scheduler takes it when its lease expires",
			    r->l.id);
		else
			log_info("execution %s handed back unfinished",
			    r->l.id);
		run_free(r);
	}
}

/*
 * Retention (SPEC §10): finished executions past their workspace plan's
 * history window, one pass per plan (the default plan's pass also takes
 * workspaces on a plan no longer configured), and test deliveries past
 * the default plan's.  Returns 1 when a pass was full (more to do).
 */
int
sched_run_purge(struct sched *s)
{
	const struct cron_conf	*c = s->conf;
	const struct cron_plan	*p;
	const char		*names[CRON_PLANS_MAX];
	unsigned long long	 n, t = 0;
	size_t			 i, k = 0;
	int64_t			 now = cron_now_ms();
	int			 more = 0;

	names[k++] = cron_plan_of(c, c->default_plan)->name;
	for (i = 0; i < c->nplans; i++)
		if (strcmp(c->plans[i].name, names[0]) != 0)
			names[k++] = c->plans[i].name;
	for (i = 0; i < k; i++) {
		p = cron_plan_of(c, names[i]);
		n = 0;
		if (db_run_purge(s->db, names, k, i, now -
		    (int64_t)p->history_days * 86400000, 10000, &n) != DB_OK)
			return -1;
		if (n > 0)
			log_info("purged %llu executions older than %d days "
			    "(plan %s)", n, p->history_days, p->name);
		more |= n >= 10000;
	}
	if (db_notify_purge(s->db, now - (int64_t)cron_plan_of(c,
	    c->default_plan)->history_days * 86400000, 10000, &t) != DB_OK)
		return -1;
	return more || t >= 10000;
}
