/*
 * cronctl's one way to the API: a libcurl easy handle (kept for
 * connection reuse), JSON in and out, and the mapping of every failure to
 * a message on stderr and an exit status (SPEC §11): an API error is 1,
 * a network error (or a proxy with no API behind it) is 3.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

#define RESP_MAX	(32 * 1024 * 1024)	/* a page of 200 executions fits */

static CURL	*easy;

void
ctl_http_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((easy = curl_easy_init()) == NULL) {
		fprintf(stderr, "cronctl: cannot initialise libcurl\n");
		exit(CTL_ENET);
	}
}

void
ctl_http_cleanup(void)
{
	curl_easy_cleanup(easy);
	easy = NULL;
	curl_global_cleanup();
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct ctl_resp	*r = arg;

	n *= size;
	if (r->len + n > RESP_MAX)
		return 0;
	r->raw = xrealloc(r->raw, r->len + n + 1);
	memcpy(r->raw + r->len, p, n);
	r->len += n;
	r->raw[r->len] = '\0';
	return n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct ctl_resp	*r = arg;
	static const char name[] = "retry-after:";

	n *= size;
	if (n > sizeof(name) && strncasecmp(p, name, sizeof(name) - 1) == 0)
		r->retry_after = strtol(p + sizeof(name) - 1, NULL, 10);
	return n;
}

/* "/v1/jobs" + "/" + escaped id + suffix; the caller frees it. */
char *
ctl_path(const char *prefix, const char *id, const char *suffix)
{
	char	*e, *p;

	e = curl_easy_escape(easy, id, 0);
	if (e == NULL)
		abort();
	p = xasprintf("%s/%s%s", prefix, e, suffix ? suffix : "");
	curl_free(e);
	return p;
}

/*
 * Prints the API's error envelope on stderr; returns the exit status: a
 * 502, 503 or 504 means the API is down or unreachable behind its proxy
 * (nginx answers those with the envelope too), a network error.
 */
static int
api_error(struct ctl *c, struct ctl_resp *r)
{
	struct json_object	*err, *det = NULL, *fields;
	const char		*code, *msg;
	int			 down = r->status >= 502 && r->status <= 504;

	if (r->body == NULL ||
	    !json_object_object_get_ex(r->body, "error", &err)) {
		fprintf(stderr, "cronctl: %s answered HTTP %ld without an API "
		    "error%s\n", c->api_url, r->status, down ?
		    " (is cron-api running?)" : "");
		return down ? CTL_ENET : CTL_EAPI;
	}
	if (c->json)
		printf("%s\n", r->raw);
	code = ctl_str(err, "code");
	msg = ctl_str(err, "message");
	fprintf(stderr, "cronctl: %s: %s\n", code ? code : "error",
	    msg ? msg : "");
	if (json_object_object_get_ex(err, "details", &det) &&
	    json_object_object_get_ex(det, "fields", &fields) &&
	    json_object_is_type(fields, json_type_object)) {
		json_object_object_foreach(fields, k, v)
			fprintf(stderr, "  %s: %s\n", k,
			    json_object_get_string(v));
	} else if (det != NULL && json_object_object_length(det) > 0)
		fprintf(stderr, "  %s\n", json_object_to_json_string_ext(det,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (r->retry_after >= 0 && r->status == 429)
		fprintf(stderr, "  retry after %ld s\n", r->retry_after);
	if (r->status == 401 && c->token == NULL)
		fprintf(stderr, "  log in with 'cronctl login' or set "
		    "CRON_TOKEN\n");
	return down ? CTL_ENET : CTL_EAPI;
}

/* Warns once when credentials would cross the network unencrypted. */
static void
plain_warning(struct ctl *c)
{
	static int	 warned;
	const char	*host;

	if (warned || strncmp(c->api_url, "http://", 7) != 0)
		return;
	host = c->api_url + 7;
	if (strncmp(host, "127.", 4) == 0 || strncmp(host, "localhost", 9) ==
	    0 || strncmp(host, "[::1]", 5) == 0)
		return;
	warned = 1;
	ctl_warn("%s is not https: your token or password travels in clear "
	    "text", c->api_url);
}

/* Sets the per-request options; returns the header list to free. */
static struct curl_slist *
setup(struct ctl *c, const char *method, const char *url, const char *body,
    size_t len, struct ctl_resp *r, char *errbuf)
{
	struct curl_slist	*h = NULL;
	char			*auth;

	curl_easy_reset(easy);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "cronctl/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, r);
	if (c->cacert != NULL)
		curl_easy_setopt(easy, CURLOPT_CAINFO, c->cacert);
	if (c->insecure) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	h = curl_slist_append(h, "Accept: application/json");
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	if (c->token != NULL) {
		auth = xasprintf("Authorization: Bearer %s", c->token);
		h = curl_slist_append(h, auth);
		xfreezero(auth, strlen(auth));
	}
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
	return h;
}

/* Wipes and frees a header list (it holds the bearer token). */
static void
slist_wipe(struct curl_slist *h)
{
	struct curl_slist	*p;

	for (p = h; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

/*
 * METHOD path with an optional JSON body.  Returns CTL_OK with *r filled
 * on a 2xx answer (the caller frees it); otherwise reports the failure
 * and returns its exit status, *r already freed.
 */
int
ctl_call(struct ctl *c, const char *method, const char *path,
    struct json_object *body, struct ctl_resp *r)
{
	struct curl_slist	*h;
	const char		*text = NULL;
	char			 errbuf[CURL_ERROR_SIZE] = "", *url;
	size_t			 len = 0;
	int			 cc;

	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	if (body != NULL)
		text = json_object_to_json_string_length(body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
	url = xasprintf("%s%s", c->api_url, path);
	if (c->token != NULL || body != NULL)
		plain_warning(c);
	h = setup(c, method, url, text, len, r, errbuf);
	cc = (int)curl_easy_perform(easy);
	slist_wipe(h);
	if (text != NULL)
		explicit_bzero((char *)text, len);	/* may hold a password */
	free(url);
	if (cc != CURLE_OK) {
		fprintf(stderr, "cronctl: cannot reach %s (from %s): %s\n",
		    c->api_url, c->url_from, errbuf[0] ? errbuf :
		    curl_easy_strerror((CURLcode)cc));
		ctl_resp_free(r);
		return CTL_ENET;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->raw == NULL)
		r->raw = xstrdup("");
	r->body = json_tokener_parse(r->raw);
	if (r->status >= 200 && r->status < 300)
		return CTL_OK;
	cc = api_error(c, r);
	ctl_resp_free(r);
	return cc;
}

/*
 * METHOD path with body (which it frees), and on success the answer
 * printed by show (or as JSON).  Returns the exit status.
 */
int
ctl_show(struct ctl *c, const char *method, const char *path,
    struct json_object *body, void (*show)(struct json_object *))
{
	struct ctl_resp	r;
	int		rc;

	rc = ctl_call(c, method, path, body, &r);
	json_object_put(body);
	return rc == CTL_OK ? ctl_print(c, &r, show) : rc;
}

/*
 * GET path?k=v&... from a NULL-terminated list of key, value pairs (pairs
 * whose value is NULL are left out; values are escaped).
 */
int
ctl_call_q(struct ctl *c, const char *method, const char *path,
    const char *const *kv, struct ctl_resp *r)
{
	char	*p = xstrdup(path), *e, *n;
	int	 rc, first = 1;

	for (; kv != NULL && kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		if ((e = curl_easy_escape(easy, kv[1], 0)) == NULL)
			abort();
		n = xasprintf("%s%c%s=%s", p, first ? '?' : '&', kv[0], e);
		curl_free(e);
		free(p);
		p = n;
		first = 0;
	}
	rc = ctl_call(c, method, p, NULL, r);
	free(p);
	return rc;
}

void
ctl_resp_free(struct ctl_resp *r)
{
	json_object_put(r->body);
	if (r->raw != NULL)
		xfreezero(r->raw, r->len);	/* may hold a token */
	memset(r, 0, sizeof(*r));
}

/* DELETE prefix/id; says "<done> id" (e.g. "Deleted secret c...") on success. */
int
ctl_delete(struct ctl *c, const char *prefix, const char *id, const char *done)
{
	struct ctl_resp	 r;
	char		*path = ctl_path(prefix, id, NULL);
	int		 rc;

	rc = ctl_call(c, "DELETE", path, NULL, &r);
	free(path);
	return rc != CTL_OK ? rc : ctl_done(c, &r, "%s %s", done, id);
}

/* Wipes the string at key in o (a password or secret about to be freed). */
void
ctl_json_wipe(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		explicit_bzero((char *)json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
}

/*
 * METHOD prefix/ID[suffix] for the command's first argument, with body
 * (which it frees); the answer shown by show.  Returns the exit status.
 */
int
ctl_show_id(struct ctl *c, const char *method, const char *prefix,
    const char *suffix, struct json_object *body,
    void (*show)(struct json_object *))
{
	char	*path = ctl_path(prefix, c->args[0], suffix);
	int	 rc;

	rc = ctl_show(c, method, path, body, show);
	free(path);
	return rc;
}

/* GET path?limit=&cursor= from the command's --limit and --cursor, shown by show. */
int
ctl_list(struct ctl *c, const char *path, void (*show)(struct json_object *))
{
	struct ctl_resp	 r;
	const char	*q[] = { "limit", ctl_opt(c, "limit"), "cursor",
			    ctl_opt(c, "cursor"), NULL };
	long		 n;
	int		 rc;

	if ((rc = ctl_opt_int(c, "limit", 1, 200, &n)) != 0 ||
	    (rc = ctl_call_q(c, "GET", path, q, &r)) != CTL_OK)
		return rc;
	return ctl_print(c, &r, show);
}
