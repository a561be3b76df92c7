/*
 * Request and response helpers, and the one error writer: every error the
 * API gives goes through api_error() and the table below, which maps an
 * enum api_err to its HTTP status and SPEC §2 code.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "conf.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "xmalloc.h"

#define API_HEADERS_MAX	4096

static const struct {
	int		 status;
	const char	*code;
	const char	*message;
} api_errors[API_E__MAX] = {
	[API_E_INVALID_JSON] = { 400, "invalid_json",
	    "request body is not valid JSON" },
	[API_E_UNAUTHORIZED] = { 401, "unauthorized",
	    "missing or invalid credentials" },
	[API_E_INVALID_CREDENTIALS] = { 401, "invalid_credentials",
	    "wrong email or password" },
	[API_E_TOKEN_ORPHANED] = { 401, "token_orphaned",
	    "the API token's creator no longer exists" },
	[API_E_TOKEN_CREATOR_REMOVED] = { 401, "token_creator_removed",
	    "the API token's creator is no longer a member of this workspace" },
	[API_E_EMAIL_NOT_VERIFIED] = { 403, "email_not_verified",
	    "verify your email address first" },
	[API_E_INSUFFICIENT_ROLE] = { 403, "insufficient_role",
	    "this action requires a higher role" },
	[API_E_WORKSPACE_RESTRICTED] = { 403, "workspace_restricted",
	    "this workspace is restricted" },
	[API_E_ACCOUNT_RESTRICTED] = { 403, "account_restricted",
	    "this account is restricted" },
	[API_E_PLAN_LIMIT_EXCEEDED] = { 403, "plan_limit_exceeded",
	    "this would exceed a limit of the workspace's plan" },
	[API_E_NOT_FOUND] = { 404, "not_found", "not found" },
	[API_E_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed",
	    "method not allowed on this resource" },
	[API_E_CONFLICT] = { 409, "conflict", "conflict" },
	[API_E_PAYLOAD_TOO_LARGE] = { 413, "payload_too_large",
	    "request body is too large" },
	[API_E_UNSUPPORTED_MEDIA_TYPE] = { 415, "unsupported_media_type",
	    "request body must be application/json" },
	[API_E_VALIDATION] = { 422, "validation_error",
	    "the request is not valid" },
	[API_E_RATE_LIMITED] = { 429, "rate_limited", "too many requests" },
	[API_E_INTERNAL] = { 500, "internal_error", "internal error" },
	[API_E_UNAVAILABLE] = { 503, "service_unavailable",
	    "the service is temporarily unavailable" },
};

static const char *const api_methods[API_METHOD__MAX] = {
	[API_GET] = "GET",
	[API_POST] = "POST",
	[API_PUT] = "PUT",
	[API_PATCH] = "PATCH",
	[API_DELETE] = "DELETE",
};

const char *
api_method_name(enum api_method m)
{
	return m < API_METHOD__MAX ? api_methods[m] : "?";
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Returns FastCGI parameter name of the request (borrowed), or NULL. */
const char *
api_param(const struct api_req *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgx->envp);
}

/* Accepts a client's X-Request-Id of 1..128 of [A-Za-z0-9._:-]. */
static int
request_id_ok(const char *s)
{
	size_t	n;

	if (s == NULL || (n = strlen(s)) == 0 || n > API_REQUEST_ID_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._:-", *s) == NULL)
			return 0;
	return 1;
}

static enum api_method
parse_method(const char *m)
{
	int	i;

	if (m != NULL && strcmp(m, "HEAD") == 0)
		return API_GET;	/* nginx drops the body */
	for (i = 0; m != NULL && i < API_METHOD__MAX; i++)
		if (strcmp(m, api_methods[i]) == 0)
			return (enum api_method)i;
	return API_METHOD__MAX;
}

static void
api_req_init(struct api_req *req, FCGX_Request *fcgx, struct api_ctx *ctx)
{
	const char	*p, *rid;
	char		 id[CRON_ID_LEN + 1];

	memset(req, 0, sizeof(*req));
	req->fcgx = fcgx;
	req->ctx = ctx;
	req->start_us = now_us();
	req->method_str = api_param(req, "REQUEST_METHOD");
	if (req->method_str == NULL)
		req->method_str = "GET";
	req->method = parse_method(req->method_str);
	if ((p = api_param(req, "DOCUMENT_URI")) == NULL &&
	    (p = api_param(req, "SCRIPT_NAME")) == NULL)
		p = "/";
	req->path = xstrndup(p, strcspn(p, "?"));
	req->query = api_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	req->remote_addr = api_param(req, "REMOTE_ADDR");
	rid = api_param(req, "HTTP_X_REQUEST_ID");
	if (!request_id_ok(rid)) {
		cron_id_new(id);
		rid = id;
	}
	snprintf(req->request_id, sizeof(req->request_id), "%s", rid);
}

static void
api_req_free(struct api_req *req)
{
	free(req->path);
	free(req->pathbuf);
	if (req->body != NULL)	/* may hold passwords or secret values */
		xfreezero(req->body, req->body_len + 1);
	free(req->headers);
	json_object_put(req->json);
	memset(req, 0, sizeof(*req));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Copies the percent-decoded value of query parameter name into buf.
 * Returns the value's length, -1 if absent, -2 if too long or malformed
 * (a %00 included).
 */
int
api_query(const struct api_req *req, const char *name, char *buf, size_t sz)
{
	const char	*p = req->query, *amp;
	size_t		 nlen = strlen(name), o;
	int		 h, l;

	for (; *p != '\0'; p = *amp != '\0' ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		if (strncmp(p, name, nlen) != 0 || p[nlen] != '=')
			continue;
		for (p += nlen + 1, o = 0; p < amp; p++) {
			if (o + 1 >= sz)
				return -2;
			if (*p == '+')
				buf[o++] = ' ';
			else if (*p != '%')
				buf[o++] = *p;
			else if (amp - p < 3 || (h = hexval(p[1])) < 0 ||
			    (l = hexval(p[2])) < 0 || (h == 0 && l == 0))
				return -2;
			else {
				buf[o++] = (char)(h << 4 | l);
				p += 2;
			}
		}
		buf[o] = '\0';
		return (int)o;
	}
	return -1;
}

/* Returns 1 if ct is application/json (with optional parameters). */
int
api_json_content_type(const char *ct)
{
	static const char	want[] = "application/json";
	size_t			n = sizeof(want) - 1;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * Reads the request body (bounded by api_max_body) into req->body.
 * Returns -1 (and answers 413 or 400) on failure, 0 otherwise.
 */
int
api_read_body(struct api_req *req)
{
	const char	*cl = api_param(req, "CONTENT_LENGTH");
	long long	 len = 0;
	char		*end;
	int		 n;
	size_t		 got = 0;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		len = strtoll(cl, &end, 10);
		if (*end != '\0' || errno != 0 || len < 0) {
			api_error(req, API_E_INVALID_JSON,
			    "bad Content-Length", NULL);
			return -1;
		}
	}
	if (len > req->ctx->conf->api_max_body) {
		api_error(req, API_E_PAYLOAD_TOO_LARGE, NULL, NULL);
		return -1;
	}
	req->body = xmalloc((size_t)len + 1);
	while (got < (size_t)len) {
		n = FCGX_GetStr(req->body + got, (int)((size_t)len - got),
		    req->fcgx->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;
	if (got != (size_t)len) {
		api_error(req, API_E_INVALID_JSON, "request body truncated",
		    NULL);
		return -1;
	}
	return 0;
}

/* Adds a response header "name: value" (value formatted). */
void
api_header(struct api_req *req, const char *name, const char *fmt, ...)
{
	char	 val[1024];
	va_list	 ap;
	size_t	 add;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	val[strcspn(val, "\r\n")] = '\0';	/* no header injection */
	add = strlen(name) + strlen(val) + 4;
	if (req->headers_len + add > API_HEADERS_MAX) {
		log_warnx("%s: response headers full, dropping %s",
		    req->request_id, name);
		return;
	}
	req->headers = xrealloc(req->headers, req->headers_len + add + 1);
	snprintf(req->headers + req->headers_len, add + 1, "%s: %s\r\n",
	    name, val);
	req->headers_len += add;
}

/* Writes status, headers and len bytes of body with content type ct. */
void
api_respond_raw(struct api_req *req, int status, const char *ct,
    const void *body, size_t len)
{
	FCGX_Stream	*out = req->fcgx->out;
	char		 head[512];
	int		 n;

	req->status = status;
	/* FCGX_FPrintF knows no %zu: format here, write raw */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Request-Id: %s\r\n", status, reason(status), ct, len,
	    req->request_id);
	FCGX_PutStr(head, n, out);
	if (req->headers != NULL)
		FCGX_PutStr(req->headers, (int)req->headers_len, out);
	FCGX_PutS("\r\n", out);
	if (len > 0)
		FCGX_PutStr(body, (int)len, out);
}

/* Answers status with the JSON body (ownership taken; NULL for none). */
void
api_respond(struct api_req *req, int status, struct json_object *body)
{
	const char	*text = "";
	size_t		 len = 0;

	if (body != NULL)
		text = cron_json_text(body, &len);
	api_respond_raw(req, status, "application/json", text, len);
	json_object_put(body);
}

/*
 * The one error writer: answers e's status with the SPEC §2 envelope
 * {"error":{"code","message","details"}}.  message NULL uses the default;
 * details (ownership taken) may be NULL.
 */
void
api_error(struct api_req *req, enum api_err e, const char *message,
    struct json_object *details)
{
	struct json_object	*root, *err;

	if (e >= API_E__MAX)
		e = API_E_INTERNAL;
	if (e == API_E_INTERNAL || e == API_E_UNAVAILABLE)
		message = NULL;	/* never show internals */
	root = json_object_new_object();
	err = json_object_new_object();
	cron_json_add_str(err, "code", api_errors[e].code);
	cron_json_add_str(err, "message",
	    message != NULL ? message : api_errors[e].message);
	json_object_object_add(err, "details",
	    details != NULL ? details : json_object_new_object());
	json_object_object_add(root, "error", err);
	req->errcode = api_errors[e].code;
	if (e == API_E_UNAVAILABLE)
		api_header(req, "Retry-After", "1");
	api_respond(req, api_errors[e].status, root);
}

/* Entry point for each accepted request (the pool's handle callback). */
void
api_handle(FCGX_Request *fcgx, void *arg)
{
	struct api_req	req;

	api_req_init(&req, fcgx, arg);
	api_dispatch(&req);
	if (req.status == 0)
		api_error(&req, API_E_INTERNAL, NULL, NULL);
	log_info("%s %s %s %d%s%s %.1fms", req.request_id, req.method_str,
	    req.path, req.status, req.errcode != NULL ? " " : "",
	    req.errcode != NULL ? req.errcode : "",
	    (double)(now_us() - req.start_us) / 1000.0);
	api_req_free(&req);
}
