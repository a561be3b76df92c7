/*
 * The permission table (SPEC §3.3): one row per operation, applied by the
 * router before any handler runs.  Columns: public (no credentials),
 * account (about the caller's own account, no workspace role needed),
 * verified (needs a verified email), write (blocked when the workspace is
 * restricted), token_ok (API tokens may do it, with their creator's
 * current role), min_role.
 *
 * A route whose operation has no row here is refused (401): a missing
 * row can never make an endpoint reachable by accident.
 */
#include "config.h"

#include <string.h>

#include "api.h"

static const struct api_perm api_perms[API_OP__MAX] = {
	[API_OP_HEALTH] =		{ .defined = 1, .public = 1 },
	[API_OP_OPENAPI] =		{ .defined = 1, .public = 1 },
	[API_OP_DEBUG] =		{ .defined = 1, .public = 1 },
	[API_OP_AUTH_SIGNUP] =		{ .defined = 1, .public = 1,
					  .limited = 1 },
	[API_OP_AUTH_LOGIN] =		{ .defined = 1, .public = 1,
					  .limited = 1 },
	[API_OP_AUTH_VERIFY] =		{ .defined = 1, .public = 1,
					  .limited = 1 },
	[API_OP_AUTH_RESEND] =		{ .defined = 1, .account = 1 },
	[API_OP_AUTH_SWITCH] =		{ .defined = 1, .account = 1 },
	[API_OP_AUTH_PASSWORD] =	{ .defined = 1, .account = 1 },
	[API_OP_ME_GET] =		{ .defined = 1, .account = 1, .token_ok = 1 },
	[API_OP_WORKSPACES_LIST] =	{ .defined = 1, .account = 1 },
	[API_OP_WORKSPACES_CREATE] =	{ .defined = 1, .account = 1, .verified = 1 },
	/* owner only, never API tokens (SPEC 3.3) */
	[API_OP_TOKENS_LIST] =		{ .defined = 1, .min_role = API_ROLE_OWNER },
	[API_OP_TOKENS_CREATE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_TOKENS_DELETE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_ME_DELETE] =		{ .defined = 1, .account = 1 },
	[API_OP_INVITES_ACCEPT] =	{ .defined = 1, .account = 1,
					  .verified = 1 },
	/* reads: every role and API tokens */
	[API_OP_WORKSPACE_GET] =	{ .defined = 1, .token_ok = 1 },
	[API_OP_BILLING_GET] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_MEMBERS_LIST] =		{ .defined = 1, .token_ok = 1 },
	/* secrets: metadata for all; create/delete admin+, tokens with
	 * their creator's role */
	[API_OP_SECRETS_LIST] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_SECRETS_CREATE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_SECRETS_DELETE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	/* jobs: reads for all; writes admin+, tokens with their creator's
	 * role (SPEC 3.3 "create/update/delete/pause/resume/run jobs") */
	[API_OP_JOBS_LIST] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_JOBS_GET] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_JOBS_PREVIEW] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_JOBS_CREATE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_UPDATE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_DELETE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_PAUSE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_RESUME] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_ACTIVATE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_RUN] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_JOBS_IMPORT] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	/* executions: reads for all; replay admin+, tokens with their
	 * creator's role (SPEC 3.3 "replay executions") */
	[API_OP_JOBS_EXECUTIONS] =	{ .defined = 1, .token_ok = 1 },
	[API_OP_EXECUTIONS_LIST] =	{ .defined = 1, .token_ok = 1 },
	[API_OP_EXECUTIONS_GET] =	{ .defined = 1, .token_ok = 1 },
	[API_OP_EXECUTIONS_REPLAY] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	/* notification channels and rules: reads for all; writes (the
	 * test message too) admin+, tokens with their creator's role (SPEC
	 * 3.3 "manage notification channels and rules") */
	[API_OP_CHANNELS_LIST] =	{ .defined = 1, .token_ok = 1 },
	[API_OP_CHANNELS_GET] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_CHANNELS_CREATE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_CHANNELS_UPDATE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_CHANNELS_DELETE] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_CHANNELS_TEST] =	{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_RULES_LIST] =		{ .defined = 1, .token_ok = 1 },
	[API_OP_RULES_CREATE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	[API_OP_RULES_DELETE] =		{ .defined = 1, .min_role = API_ROLE_ADMIN,
					  .verified = 1, .write = 1, .token_ok = 1 },
	/* team management, settings, transfer: owner only, never tokens */
	[API_OP_WORKSPACE_UPDATE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_BILLING_UPDATE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_MEMBERS_UPDATE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_MEMBERS_DELETE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_INVITES_LIST] =		{ .defined = 1, .min_role = API_ROLE_OWNER },
	[API_OP_INVITES_CREATE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_INVITES_DELETE] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
	[API_OP_WORKSPACE_TRANSFER] =	{ .defined = 1, .min_role = API_ROLE_OWNER,
					  .verified = 1, .write = 1 },
};

const struct api_perm *
api_perm(enum api_op op)
{
	return op < API_OP__MAX ? &api_perms[op] : NULL;
}

/*
 * Checks req against its operation's row, in the order of SPEC §3.3:
 * authenticated (401), account restricted, email verified, role,
 * workspace restricted (403s).  Returns 0 to go on to the handler, or -1
 * after answering the error.
 */
int
api_authorize(struct api_req *req)
{
	const struct api_perm	*p = api_perm(req->route->op);
	const struct api_caller	*c = &req->caller;
	enum api_err		 e;

	if (p == NULL || !p->defined) {
		/* no row: refuse, never fall open */
		api_error(req, API_E_UNAUTHORIZED, NULL, NULL);
		return -1;
	}
	if (p->public)
		return p->limited ? api_rate_public(req) : 0;
	if (api_authenticate(req) == -1 || api_rate_caller(req) == -1)
		return -1;
	if (c->s.user_restricted)
		e = API_E_ACCOUNT_RESTRICTED;
	else if (p->verified &&
	    strcmp(c->s.trust_level, "pending_verification") == 0)
		e = API_E_EMAIL_NOT_VERIFIED;
	else if (c->cred == API_CRED_TOKEN && !p->token_ok)
		e = API_E_INSUFFICIENT_ROLE;
	else if (p->account)
		return 0;
	else if (!c->member) {
		api_error(req, API_E_UNAUTHORIZED,
		    "not a member of this workspace", NULL);
		return -1;
	} else if (c->role < p->min_role)
		e = API_E_INSUFFICIENT_ROLE;
	else if (p->write && c->s.ws_restricted)
		e = API_E_WORKSPACE_RESTRICTED;
	else
		return 0;
	api_error(req, e, NULL, NULL);
	return -1;
}
