/*
 * Authentication: "Authorization: Bearer X" where X is a session JWT
 * (HS256, from signup/login/switch) or an API token (cron_pat_...).  Either
 * way the caller, their current role in the workspace and both restriction
 * flags come from one query, so removal or demotion takes effect at once.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "conf.h"
#include "crypto.h"
#include "id.h"
#include "jwt.h"
#include "log.h"
#include "timefmt.h"

#define BEARER_MAX	4096
#define JWT_LIFETIME	(7 * 24 * 3600)
#define TOKEN_PREFIX	"cron_pat_"

static const char *const role_names[API_ROLE__MAX] = {
	[API_ROLE_MEMBER] = "member",
	[API_ROLE_ADMIN] = "admin",
	[API_ROLE_OWNER] = "owner",
};

const char *
api_role_name(enum api_role r)
{
	return r < API_ROLE__MAX ? role_names[r] : "none";
}

/* Returns the role named s, or API_ROLE__MAX for anything else. */
enum api_role
api_role_parse(const char *s)
{
	int	i;

	for (i = 0; i < API_ROLE__MAX; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum api_role)i;
	return API_ROLE__MAX;
}

/* Answers a database failure (503 when unreachable, else 500); -1. */
int
api_db_error(struct api_req *req, int rc)
{
	api_error(req, rc == DB_GONE ? API_E_UNAVAILABLE : API_E_INTERNAL,
	    NULL, NULL);
	return -1;
}

/* Returns a new session JWT for user uid in workspace wid (owned). */
char *
api_jwt_issue(const struct api_req *req, const char *uid, const char *wid)
{
	struct cron_jwt		 j;
	const char		*key = req->ctx->conf->jwt_secret;

	memset(&j, 0, sizeof(j));
	snprintf(j.sub, sizeof(j.sub), "%s", uid);
	snprintf(j.wid, sizeof(j.wid), "%s", wid);
	cron_id_new(j.jti);
	j.iat = cron_now_ms() / 1000;
	j.exp = j.iat + JWT_LIFETIME;
	return cron_jwt_encode(&j, (const unsigned char *)key, strlen(key));
}

/* Resolves an API token; returns 0, or -1 after answering 401. */
static int
authn_token(struct api_req *req, const char *tok)
{
	struct api_caller	*c = &req->caller;
	char			 hash[CRON_SHA256_HEXLEN + 1];
	int			 rc;

	cron_sha256_hex(tok, strlen(tok), hash);
	if ((rc = db_auth_token(req->ctx->db, hash, &c->s)) == DB_NOTFOUND) {
		api_error(req, API_E_UNAUTHORIZED, "unknown or revoked token",
		    NULL);
		return -1;
	}
	if (rc != DB_OK)
		return api_db_error(req, rc);
	if (!c->s.found) {
		api_error(req, API_E_TOKEN_ORPHANED, NULL, NULL);
		return -1;
	}
	if (c->s.role[0] == '\0') {
		api_error(req, API_E_TOKEN_CREATOR_REMOVED, NULL, NULL);
		return -1;
	}
	if (c->s.token_touch)	/* a write a minute, not one a request */
		(void)db_token_touch(req->ctx->db, c->s.token_id);
	c->cred = API_CRED_TOKEN;
	return 0;
}

/* Resolves a session JWT; returns 0, or -1 after answering 401. */
static int
authn_jwt(struct api_req *req, const char *tok)
{
	static const char *const why[CRON_JWT_ERR__MAX] = {
		[CRON_JWT_MALFORMED] = "malformed token",
		[CRON_JWT_ALG] = "token algorithm not accepted",
		[CRON_JWT_SIGNATURE] = "bad token signature",
		[CRON_JWT_EXPIRED] = "token expired",
		[CRON_JWT_CLAIMS] = "bad token claims",
	};
	struct api_caller	*c = &req->caller;
	struct cron_jwt		 j;
	const char		*key = req->ctx->conf->jwt_secret;
	enum cron_jwt_err	 e;
	int			 rc;

	e = cron_jwt_verify(tok, (const unsigned char *)key, strlen(key),
	    cron_now_ms() / 1000, &j);
	if (e != CRON_JWT_OK) {
		api_error(req, API_E_UNAUTHORIZED,
		    e < CRON_JWT_ERR__MAX && why[e] ? why[e] : "bad token",
		    NULL);
		return -1;
	}
	rc = db_auth_session(req->ctx->db, j.sub, j.wid, &c->s);
	if (rc == DB_NOTFOUND) {
		api_error(req, API_E_UNAUTHORIZED, "account no longer exists",
		    NULL);
		return -1;
	}
	if (rc != DB_OK)
		return api_db_error(req, rc);
	c->cred = API_CRED_JWT;
	return 0;
}

/*
 * Identifies the caller from the Authorization header.  Returns 0 with
 * req->caller filled, or -1 after answering 401 (or 5xx).
 */
int
api_authenticate(struct api_req *req)
{
	const char	*h = api_param(req, "HTTP_AUTHORIZATION"), *tok;
	int		 rc;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		api_error(req, API_E_UNAUTHORIZED,
		    "an Authorization: Bearer token is required", NULL);
		return -1;
	}
	for (tok = h + 7; *tok == ' '; tok++)
		;
	if (*tok == '\0' || strlen(tok) > BEARER_MAX) {
		api_error(req, API_E_UNAUTHORIZED, "malformed token", NULL);
		return -1;
	}
	if (strncmp(tok, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) == 0)
		rc = authn_token(req, tok);
	else
		rc = authn_jwt(req, tok);
	if (rc == -1)
		return -1;
	req->caller.role = api_role_parse(req->caller.s.role);
	req->caller.member = req->caller.role != API_ROLE__MAX;
	return 0;
}
