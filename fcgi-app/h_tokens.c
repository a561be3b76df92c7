/*
 * /v1/api-tokens: machine credentials (SPEC §3.5).  A token is cron_pat_
 * and 64 hex digits (256 random bits); only its SHA-256 is stored, and the
 * raw value is shown once, in the create response.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "crypto.h"
#include "id.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

#define TOKEN_RANDOM	32

static struct json_object *
token_json(const char *id, const char *name, const char *prefix,
    const char *by, int64_t created, int64_t used)
{
	struct json_object	*o = json_object_new_object();
	char			 masked[64];

	snprintf(masked, sizeof(masked), "cron_pat_%s\u2022\u2022\u2022\u2022",
	    prefix);
	cron_json_add_str(o, "id", id);
	cron_json_add_str(o, "name", name);
	cron_json_add_str(o, "masked_value", masked);
	cron_json_add_time(o, "created_at", created);
	cron_json_add_time(o, "last_used_at", used);
	cron_json_add_str(o, "created_by", by);
	return o;
}

/* POST /v1/api-tokens {name} -> 201 with the raw token, shown only here. */
void
h_tokens_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 100, NULL },
	};
	struct json_object	*o;
	unsigned char		 rnd[TOKEN_RANDOM];
	char			 raw[10 + TOKEN_RANDOM * 2], prefix[5];
	char			 hash[CRON_SHA256_HEXLEN + 1], id[CRON_ID_LEN + 1];
	const char		*name;
	int			 rc;

	if (api_validate(req, f, 1) == -1)
		return;
	name = cron_json_str(req->json, "name");
	cron_random_bytes(rnd, sizeof(rnd));
	memcpy(raw, "cron_pat_", 9);
	cron_hex(rnd, sizeof(rnd), raw + 9);
	explicit_bzero(rnd, sizeof(rnd));
	snprintf(prefix, sizeof(prefix), "%.4s", raw + 9);
	cron_sha256_hex(raw, strlen(raw), hash);
	cron_id_new(id);
	rc = db_token_insert(req->ctx->db, id, req->caller.s.workspace_id, name,
	    hash, prefix, req->caller.s.user_id);
	if (rc != DB_OK) {
		explicit_bzero(raw, sizeof(raw));
		api_db_error(req, rc);
		return;
	}
	log_info("%s api token %s created in workspace %s", req->request_id,
	    id, req->caller.s.workspace_id);
	o = token_json(id, name, prefix, req->caller.s.user_id,
	    cron_now_ms(), -1);
	cron_json_add_str(o, "token", raw);
	explicit_bzero(raw, sizeof(raw));
	api_respond(req, 201, o);
}

/* GET /v1/api-tokens: metadata only, newest first, cursor paginated. */
void
h_tokens_list(struct api_req *req)
{
	struct json_object	*items;
	struct db_token		*t;
	char			 cursor[26];
	size_t			 n, i;
	int			 limit, rc;

	if (api_page(req, &limit, cursor) == -1)
		return;
	rc = db_token_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    limit + 1, &t, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, token_json(t[i].id, t[i].name,
		    t[i].prefix, t[i].created_by, t[i].created_at,
		    t[i].last_used_at));
	api_respond_page(req, items, limit, n > 0 ?
	    t[api_page_last(n, limit)].id : NULL);
	free(t);
}

/* DELETE /v1/api-tokens/:id: revokes at once (204). */
void
h_tokens_delete(struct api_req *req)
{
	const char	*id = req->params[0];
	int		 rc;

	if (!cron_id_valid(id)) {
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
		return;
	}
	rc = db_token_delete(req->ctx->db, req->caller.s.workspace_id, id);
	if (rc == DB_NOTFOUND) {
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s api token %s revoked", req->request_id, id);
	api_respond(req, 204, NULL);
}
