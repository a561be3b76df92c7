/*
 * The route table: {method, pattern, handler, operation, flags}, and the
 * request pipeline that runs before any handler: route lookup (404/405),
 * body size (413), content type (415), JSON syntax (400), then the
 * permission table (authz.c, keyed by the route's operation).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "jsonutil.h"
#include "xmalloc.h"

static const struct api_route api_routes[] = {
	{ API_GET,	"/v1/health",		h_health,	API_OP_HEALTH,	0 },
	{ API_GET,	"/v1/openapi.json",	h_openapi,	API_OP_OPENAPI,	0 },
	{ API_POST,	"/v1/debug/echo",	h_debug_echo,	API_OP_DEBUG,	ROUTE_BODY | ROUTE_DEBUG },
	{ API_POST,	"/v1/auth/signup",	h_auth_signup,	API_OP_AUTH_SIGNUP, ROUTE_BODY },
	{ API_POST,	"/v1/auth/login",	h_auth_login,	API_OP_AUTH_LOGIN, ROUTE_BODY },
	{ API_POST,	"/v1/auth/verify-email", h_auth_verify_post, API_OP_AUTH_VERIFY, ROUTE_BODY },
	{ API_GET,	"/v1/auth/verify-email", h_auth_verify_get, API_OP_AUTH_VERIFY, 0 },
	{ API_POST,	"/v1/auth/resend-verification", h_auth_resend, API_OP_AUTH_RESEND, 0 },
	{ API_POST,	"/v1/auth/switch-workspace", h_auth_switch, API_OP_AUTH_SWITCH, ROUTE_BODY },
	{ API_POST,	"/v1/auth/change-password", h_auth_password, API_OP_AUTH_PASSWORD, ROUTE_BODY },
	{ API_GET,	"/v1/api-tokens",	h_tokens_list,	API_OP_TOKENS_LIST, 0 },
	{ API_POST,	"/v1/api-tokens",	h_tokens_create, API_OP_TOKENS_CREATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/api-tokens/:id",	h_tokens_delete, API_OP_TOKENS_DELETE, 0 },
	{ API_GET,	"/v1/secrets",		h_secrets_list,	API_OP_SECRETS_LIST, 0 },
	{ API_POST,	"/v1/secrets",		h_secrets_create, API_OP_SECRETS_CREATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/secrets/:id",	h_secrets_delete, API_OP_SECRETS_DELETE, 0 },
	{ API_GET,	"/v1/jobs",		h_jobs_list,	API_OP_JOBS_LIST, 0 },
	{ API_POST,	"/v1/jobs",		h_jobs_create,	API_OP_JOBS_CREATE, ROUTE_BODY },
	{ API_POST,	"/v1/jobs/import",	h_jobs_import,	API_OP_JOBS_IMPORT, ROUTE_BODY },
	{ API_GET,	"/v1/jobs/:id",		h_jobs_get,	API_OP_JOBS_GET, 0 },
	{ API_PATCH,	"/v1/jobs/:id",		h_jobs_patch,	API_OP_JOBS_UPDATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/jobs/:id",		h_jobs_delete,	API_OP_JOBS_DELETE, 0 },
	{ API_POST,	"/v1/jobs/:id/pause",	h_jobs_pause,	API_OP_JOBS_PAUSE, 0 },
	{ API_POST,	"/v1/jobs/:id/resume",	h_jobs_resume,	API_OP_JOBS_RESUME, 0 },
	{ API_POST,	"/v1/jobs/:id/activate", h_jobs_activate, API_OP_JOBS_ACTIVATE, 0 },
	{ API_POST,	"/v1/jobs/:id/run-now",	h_jobs_run,	API_OP_JOBS_RUN, 0 },
	{ API_GET,	"/v1/jobs/:id/preview",	h_jobs_preview,	API_OP_JOBS_PREVIEW, 0 },
	{ API_GET,	"/v1/jobs/:id/executions", h_jobs_executions, API_OP_JOBS_EXECUTIONS, 0 },
	{ API_GET,	"/v1/executions",	h_executions_list, API_OP_EXECUTIONS_LIST, 0 },
	{ API_GET,	"/v1/executions/:id",	h_executions_get, API_OP_EXECUTIONS_GET, 0 },
	{ API_POST,	"/v1/executions/:id/replay", h_executions_replay, API_OP_EXECUTIONS_REPLAY, 0 },
	{ API_GET,	"/v1/notification-channels", h_channels_list, API_OP_CHANNELS_LIST, 0 },
	{ API_POST,	"/v1/notification-channels", h_channels_create, API_OP_CHANNELS_CREATE, ROUTE_BODY },
	{ API_GET,	"/v1/notification-channels/:id", h_channels_get, API_OP_CHANNELS_GET, 0 },
	{ API_PATCH,	"/v1/notification-channels/:id", h_channels_patch, API_OP_CHANNELS_UPDATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/notification-channels/:id", h_channels_delete, API_OP_CHANNELS_DELETE, 0 },
	{ API_POST,	"/v1/notification-channels/:id/test", h_channels_test, API_OP_CHANNELS_TEST, 0 },
	{ API_GET,	"/v1/jobs/:id/notification-rules", h_rules_list, API_OP_RULES_LIST, 0 },
	{ API_POST,	"/v1/jobs/:id/notification-rules", h_rules_create, API_OP_RULES_CREATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/jobs/:id/notification-rules/:rule_id", h_rules_delete, API_OP_RULES_DELETE, 0 },
	{ API_GET,	"/v1/me",		h_me_get,	API_OP_ME_GET,	0 },
	{ API_DELETE,	"/v1/me",		h_me_delete,	API_OP_ME_DELETE, 0 },
	{ API_GET,	"/v1/workspace",	h_workspace_get, API_OP_WORKSPACE_GET, 0 },
	{ API_PATCH,	"/v1/workspace",	h_workspace_patch, API_OP_WORKSPACE_UPDATE, ROUTE_BODY },
	{ API_GET,	"/v1/workspace/members", h_members_list, API_OP_MEMBERS_LIST, 0 },
	{ API_PATCH,	"/v1/workspace/members/:user_id", h_member_patch, API_OP_MEMBERS_UPDATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/workspace/members/:user_id", h_member_delete, API_OP_MEMBERS_DELETE, 0 },
	{ API_GET,	"/v1/workspace/invites", h_invites_list, API_OP_INVITES_LIST, 0 },
	{ API_POST,	"/v1/workspace/invites", h_invites_create, API_OP_INVITES_CREATE, ROUTE_BODY },
	{ API_DELETE,	"/v1/workspace/invites/:id", h_invites_delete, API_OP_INVITES_DELETE, 0 },
	{ API_POST,	"/v1/workspace/transfer", h_workspace_transfer, API_OP_WORKSPACE_TRANSFER, ROUTE_BODY },
	{ API_GET,	"/v1/workspace/billing", h_billing_get,	API_OP_BILLING_GET, 0 },
	{ API_PUT,	"/v1/workspace/billing", h_billing_put,	API_OP_BILLING_UPDATE, ROUTE_BODY },
	{ API_POST,	"/v1/invites/accept",	h_invites_accept, API_OP_INVITES_ACCEPT, ROUTE_BODY },
	{ API_GET,	"/v1/workspaces",	h_workspaces_list, API_OP_WORKSPACES_LIST, 0 },
	{ API_POST,	"/v1/workspaces",	h_workspaces_create, API_OP_WORKSPACES_CREATE, ROUTE_BODY },
};

#define API_NROUTES	(sizeof(api_routes) / sizeof(api_routes[0]))

/*
 * Prints the table as "METHOD PATTERN" lines (cron-api --routes), or with
 * perms each route's permission row as well (cron-api --permissions):
 * "METHOD PATTERN public|account|workspace verified write token min_role".
 */
void
api_routes_print(int perms)
{
	const struct api_perm	*p;
	size_t			 i;

	for (i = 0; i < API_NROUTES; i++) {
		printf("%s %s", api_method_name(api_routes[i].method),
		    api_routes[i].pattern);
		p = api_perm(api_routes[i].op);
		if (perms && p != NULL && p->defined)
			printf(" %s %d %d %d %s", p->public ? "public" :
			    p->account ? "account" : "workspace", p->verified,
			    p->write, p->token_ok, api_role_name(p->min_role));
		else if (perms)
			printf(" undefined");
		printf("\n");
	}
}

/*
 * Matches path against pattern without copying: ":name" segments match one
 * non-empty segment, whose offset and length go to off[] and len[].
 * Returns the number of captures, or -1.
 */
static int
match(const char *pattern, const char *path, size_t *off, size_t *len)
{
	const char	*pp = pattern, *b = path;
	size_t		 n = 0, plen, slen;

	for (;;) {
		if (*pp == '\0' && *b == '\0')
			return (int)n;
		if (*pp++ != '/' || *b++ != '/')
			return -1;
		plen = strcspn(pp, "/");
		slen = strcspn(b, "/");
		if (*pp == ':') {
			if (slen == 0 || n == API_MAX_PARAMS)
				return -1;
			off[n] = (size_t)(b - path);
			len[n++] = slen;
		} else if (plen != slen || strncmp(pp, b, slen) != 0)
			return -1;
		pp += plen;
		b += slen;
	}
}

/* Appends method m to the Allow list (GET brings HEAD along). */
static void
allow_add(char *allow, size_t sz, enum api_method m)
{
	size_t	used = strlen(allow);

	if (strstr(allow, api_method_name(m)) != NULL)
		return;
	snprintf(allow + used, sz - used, "%s%s%s", used ? ", " : "",
	    api_method_name(m), m == API_GET ? ", HEAD" : "");
}

/*
 * Finds the route for req and copies its captures into req->pathbuf /
 * req->params.  Returns the route, or NULL with *allow listing the methods
 * the path does support ("" when the path is unknown).
 */
static const struct api_route *
lookup(struct api_req *req, char *allow, size_t allowsz)
{
	size_t	 off[API_MAX_PARAMS], len[API_MAX_PARAMS], i, k;
	int	 n;

	allow[0] = '\0';
	for (i = 0; i < API_NROUTES; i++) {
		if ((api_routes[i].flags & ROUTE_DEBUG) &&
		    !req->ctx->conf->api_debug_routes)
			continue;
		if ((n = match(api_routes[i].pattern, req->path, off, len)) < 0)
			continue;
		if (api_routes[i].method != req->method) {
			allow_add(allow, allowsz, api_routes[i].method);
			continue;
		}
		req->pathbuf = xstrdup(req->path);
		for (k = 0; k < (size_t)n; k++) {
			req->pathbuf[off[k] + len[k]] = '\0';
			req->params[k] = req->pathbuf + off[k];
		}
		req->nparams = (size_t)n;
		return &api_routes[i];
	}
	return NULL;
}

/*
 * Checks and parses the body: a write that carries or expects a body must
 * be application/json, and its JSON must parse within the bounds.
 * Returns 0, or -1 after answering the error.
 */
static int
prepare_body(struct api_req *req)
{
	enum cron_json_err	 jerr;
	int			 write;

	if (api_read_body(req) == -1)
		return -1;
	write = req->method == API_POST || req->method == API_PUT ||
	    req->method == API_PATCH;
	if (!write || (req->body_len == 0 && !(req->route->flags & ROUTE_BODY)))
		return 0;
	if (!api_json_content_type(api_param(req, "CONTENT_TYPE"))) {
		api_error(req, API_E_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
		return -1;
	}
	jerr = cron_json_parse(req->body, req->body_len,
	    req->ctx->conf->api_max_json_depth, &req->json);
	if (jerr != CRON_JSON_OK) {
		api_error(req, API_E_INVALID_JSON, cron_json_errstr(jerr),
		    NULL);
		return -1;
	}
	return 0;
}

/* Runs the pipeline for req and the route's handler; always answers. */
void
api_dispatch(struct api_req *req)
{
	char	allow[128];

	if ((req->route = lookup(req, allow, sizeof(allow))) == NULL) {
		if (allow[0] == '\0') {
			api_error(req, API_E_NOT_FOUND, "no such route", NULL);
			return;
		}
		api_header(req, "Allow", "%s", allow);
		api_error(req, API_E_METHOD_NOT_ALLOWED, NULL, NULL);
		return;
	}
	if (prepare_body(req) == -1 || api_authorize(req) == -1)
		return;
	req->route->handler(req);
}
