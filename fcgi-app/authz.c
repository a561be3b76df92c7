/*
 * The permission table (SPEC §3.3): one row per operation, applied by the
 * router before any handler runs.  Columns: minimum role, needs a verified
 * email, blocked when the workspace is restricted (writes), allowed for API
 * tokens.  Public operations need no credentials at all.
 *
 * Authentication arrives with the accounts work; until then every
 * operation that is not public is refused with 401, so a route added
 * without its row can never be reachable by accident.
 */
#include "config.h"

#include "api.h"

static const struct api_perm api_perms[API_OP__MAX] = {
	[API_OP_HEALTH] =	{ .public = 1 },
	[API_OP_OPENAPI] =	{ .public = 1 },
	[API_OP_DEBUG] =	{ .public = 1 },
};

const struct api_perm *
api_perm(enum api_op op)
{
	return op < API_OP__MAX ? &api_perms[op] : NULL;
}

/*
 * Checks req against its operation's row.  Returns 0 to go on to the
 * handler, or -1 after answering the error.
 */
int
api_authorize(struct api_req *req)
{
	const struct api_perm	*p = api_perm(req->route->op);

	if (p != NULL && p->public)
		return 0;
	api_error(req, API_E_UNAUTHORIZED, NULL, NULL);
	return -1;
}
