/*
 * cronctl secrets, tokens and members: the workspace's things that are
 * not jobs (SPEC §3.4, §3.5, §4, §11).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

#define SECRET_MAX	(64 * 1024)

const struct ctl_optdef ctl_list_opts[] = {
	{ "limit", 0, "N", "at most N (1-200, default 50)" },
	{ "cursor", 0, "CURSOR", "the next page, as printed after a full page" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_secrets_create_opts[] = {
	{ "name", 0, "NAME", "1-64 of A-Z a-z 0-9 _ . - (required)" },
	{ "value", 0, "VALUE", "the value (visible to ps; see --value-stdin)" },
	{ "value-stdin", 0, NULL, "read the value from stdin (all of it, up to 64 KiB)" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_name_opts[] = {
	{ "name", 0, "NAME", "its name (required)" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_invite_opts[] = {
	{ "role", 0, "ROLE", "admin or member (default member)" },
	{ NULL, 0, NULL, NULL }
};

static const struct ctl_col secret_cols[] = {
	{ "ID", "id", 0 }, { "NAME", "name", 0 }, { "KEY", "key_version", 0 },
	{ "CREATED", "created_at", 1 }, { NULL, NULL, 0 }
};

static void
show_secrets(struct json_object *o)
{
	ctl_items(o, secret_cols);
}

int
ctl_secrets_list(struct ctl *c)
{
	return ctl_list(c, "/v1/secrets", show_secrets);
}

/* Reads the value from stdin into a buffer the caller wipes; NULL when too long. */
static char *
value_stdin(size_t *lenp)
{
	char	*buf = xmalloc(SECRET_MAX + 2);
	size_t	 n;

	n = fread(buf, 1, SECRET_MAX + 1, stdin);
	if (n > 0 && buf[n - 1] == '\n')	/* echo / a here-doc add one */
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > SECRET_MAX || ferror(stdin)) {
		xfreezero(buf, SECRET_MAX + 2);
		return NULL;
	}
	buf[n] = '\0';
	*lenp = n;
	return buf;
}

int
ctl_secrets_create(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	const char		*value = ctl_opt(c, "value");
	char			*buf = NULL;
	size_t			 len = 0;
	int			 rc;

	if (ctl_opt(c, "name") == NULL)
		return ctl_usage(c, "--name is required");
	if ((value != NULL) == ctl_has(c, "value-stdin"))
		return ctl_usage(c, "give one of --value and --value-stdin");
	if (value == NULL) {
		if ((buf = value_stdin(&len)) == NULL)
			return ctl_usage(c, "the value is over 64 KiB");
		value = buf;
	} else
		len = strlen(value);
	req = json_object_new_object();
	json_object_object_add(req, "name",
	    json_object_new_string(ctl_opt(c, "name")));
	json_object_object_add(req, "value",
	    json_object_new_string_len(value, (int)len));
	if (buf != NULL)
		xfreezero(buf, SECRET_MAX + 2);
	rc = ctl_call(c, "POST", "/v1/secrets", req, &r);
	ctl_json_wipe(req, "value");
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	return ctl_done(c, &r, "Created secret %s (%s); use it in a header "
	    "as secret://%s", ctl_str(r.body, "name"), ctl_str(r.body, "id"),
	    ctl_str(r.body, "name"));
}

int
ctl_secrets_delete(struct ctl *c)
{
	return ctl_delete(c, "/v1/secrets", c->args[0], "Deleted secret");
}

static const struct ctl_col token_cols[] = {
	{ "ID", "id", 0 }, { "NAME", "name", 0 }, { "TOKEN", "masked_value", 0 },
	{ "CREATED", "created_at", 1 }, { "LAST USED", "last_used_at", 1 },
	{ NULL, NULL, 0 }
};

static void
show_tokens(struct json_object *o)
{
	ctl_items(o, token_cols);
}

int
ctl_tokens_list(struct ctl *c)
{
	return ctl_list(c, "/v1/api-tokens", show_tokens);
}

/* POST /v1/api-tokens: the raw token is shown here, once. */
int
ctl_tokens_create(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	int			 rc;

	if (ctl_opt(c, "name") == NULL)
		return ctl_usage(c, "--name is required");
	req = json_object_new_object();
	json_object_object_add(req, "name",
	    json_object_new_string(ctl_opt(c, "name")));
	rc = ctl_call(c, "POST", "/v1/api-tokens", req, &r);
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	if (!c->json)
		fprintf(stderr, "Created token %s (%s). Copy it now: it is not "
		    "shown again.\n", ctl_str(r.body, "name"),
		    ctl_str(r.body, "id"));
	return ctl_done(c, &r, "%s", ctl_str(r.body, "token"));
}

int
ctl_tokens_revoke(struct ctl *c)
{
	return ctl_delete(c, "/v1/api-tokens", c->args[0], "Revoked token");
}

static const struct ctl_col member_cols[] = {
	{ "USER", "user.id", 0 }, { "NAME", "user.name", 0 },
	{ "EMAIL", "user.email", 0 }, { "ROLE", "role", 0 },
	{ "JOINED", "joined_at", 1 }, { NULL, NULL, 0 }
};

static void
show_members(struct json_object *o)
{
	ctl_items(o, member_cols);
}

int
ctl_members_list(struct ctl *c)
{
	return ctl_list(c, "/v1/workspace/members", show_members);
}

int
ctl_members_invite(struct ctl *c)
{
	struct json_object	*req = json_object_new_object();
	struct ctl_resp		 r;
	char			*when;
	int			 rc;

	json_object_object_add(req, "email", json_object_new_string(c->args[0]));
	json_object_object_add(req, "role", json_object_new_string(
	    ctl_opt(c, "role") ? ctl_opt(c, "role") : "member"));
	rc = ctl_call(c, "POST", "/v1/workspace/invites", req, &r);
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	when = ctl_when(ctl_str(r.body, "expires_at"));
	rc = ctl_done(c, &r, "Invited %s as %s (invite %s, expires %s)",
	    ctl_str(r.body, "email"), ctl_str(r.body, "role"),
	    ctl_str(r.body, "id"), when);
	free(when);
	return rc;
}

int
ctl_members_remove(struct ctl *c)
{
	return ctl_delete(c, "/v1/workspace/members", c->args[0],
	    "Removed member");
}

int
ctl_members_role(struct ctl *c)
{
	struct json_object	*req = json_object_new_object();
	struct ctl_resp		 r;
	char			*path;
	int			 rc;

	json_object_object_add(req, "role", json_object_new_string(c->args[1]));
	path = ctl_path("/v1/workspace/members", c->args[0], NULL);
	rc = ctl_call(c, "PATCH", path, req, &r);
	json_object_put(req);
	free(path);
	if (rc != CTL_OK)
		return rc;
	return ctl_done(c, &r, "%s is now %s", ctl_str(r.body, "user_id"),
	    ctl_str(r.body, "role"));
}
