/*
 * /v1/secrets (SPEC §4): values are sealed with AES-256-GCM under the
 * keyring's current key, bound to workspace id and name as associated
 * data, and never returned, logged or kept in memory longer than the
 * request; the API shows only metadata.  Update is delete + create.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "id.h"
#include "jsonutil.h"
#include "keyring.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

#define SECRET_VALUE_MAX	65536

/* A name as secret://NAME can reference it: 1-64 of [A-Za-z0-9_.-]. */
static const char *
valid_secret_name(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("_.-", *s) == NULL)
			return "may only contain letters, digits, '_', '.' "
			    "and '-'";
	return NULL;
}

static const char *
valid_secret_value(const char *s)
{
	return strlen(s) > SECRET_VALUE_MAX ? "is longer than 64 KiB" : NULL;
}

static struct json_object *
secret_json(const char *id, const char *name, int version, int64_t created)
{
	struct json_object	*o = json_object_new_object();
	char			 v[16];

	snprintf(v, sizeof(v), "v%d", version);
	cron_json_add_str(o, "id", id);
	cron_json_add_str(o, "name", name);
	cron_json_add_str(o, "environment", "workspace");
	cron_json_add_time(o, "created_at", created);
	cron_json_add_str(o, "key_version", v);
	return o;
}

/* Wipes the value wherever the request holds it: body and parsed JSON. */
static void
wipe_value(struct api_req *req)
{
	struct json_object	*v;

	if (json_object_object_get_ex(req->json, "value", &v) &&
	    json_object_is_type(v, json_type_string))
		explicit_bzero((char *)json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	if (req->body != NULL)
		explicit_bzero(req->body, req->body_len);
}

/* POST /v1/secrets {name, value} -> 201 metadata (never the value). */
void
h_secrets_create(struct api_req *req)
{
	static const struct api_field f[] = {
		{ "name", API_F_STRING, API_F_REQUIRED, 1, 64,
		    valid_secret_name },
		{ "value", API_F_STRING, API_F_REQUIRED, 1, SECRET_VALUE_MAX,
		    valid_secret_value },
	};
	const char	*wid = req->caller.s.workspace_id, *name, *value;
	unsigned char	*ct = NULL;
	char		 id[CRON_ID_LEN + 1], *aad;
	size_t		 ctlen;
	int		 version, rc;

	if (api_validate(req, f, 2) == -1) {
		wipe_value(req);
		return;
	}
	name = cron_json_str(req->json, "name");
	value = cron_json_str(req->json, "value");
	aad = cron_secret_aad(wid, name);
	rc = cron_seal(req->ctx->keyring, value, strlen(value), aad,
	    strlen(aad), &ct, &ctlen, &version);
	wipe_value(req);
	if (rc == -1) {
		free(aad);
		log_warnx("%s cannot seal a secret: keyring unusable",
		    req->request_id);
		api_error(req, API_E_INTERNAL, NULL, NULL);
		return;
	}
	cron_id_new(id);
	rc = db_secret_insert(req->ctx->db, id, wid, name, ct, ctlen, version,
	    req->caller.s.user_id);
	free(ct);
	free(aad);
	if (rc == DB_DUPLICATE) {
		api_error(req, API_E_CONFLICT, "a secret with this name exists; "
		    "delete it first to replace its value", NULL);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	log_info("%s secret %s created in workspace %s (key v%d)",
	    req->request_id, id, wid, version);
	api_respond(req, 201, secret_json(id, name, version, cron_now_ms()));
}

/* GET /v1/secrets: metadata only, newest first, paginated. */
void
h_secrets_list(struct api_req *req)
{
	struct json_object	*items;
	struct db_secret	*s;
	char			 cursor[26];
	size_t			 n, i;
	int			 limit, rc;

	if (api_page(req, &limit, cursor) == -1)
		return;
	rc = db_secret_list(req->ctx->db, req->caller.s.workspace_id, cursor,
	    limit + 1, &s, &n);
	if (rc != DB_OK) {
		api_db_error(req, rc);
		return;
	}
	items = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(items, secret_json(s[i].id, s[i].name,
		    s[i].key_version, s[i].created_at));
	api_respond_page(req, items, limit, n > 0 ?
	    s[api_page_last(n, limit)].id : NULL);
	db_secrets_free(s, n);
}

/* DELETE /v1/secrets/:id -> 204; another workspace's secret is 404. */
void
h_secrets_delete(struct api_req *req)
{
	int	rc;

	if (!cron_id_valid(req->params[0])) {
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
		return;
	}
	rc = db_secret_delete(req->ctx->db, req->caller.s.workspace_id,
	    req->params[0]);
	if (rc == DB_NOTFOUND)
		api_error(req, API_E_NOT_FOUND, NULL, NULL);
	else if (rc != DB_OK)
		api_db_error(req, rc);
	else {
		log_info("%s secret %s deleted", req->request_id,
		    req->params[0]);
		api_respond(req, 204, NULL);
	}
}
