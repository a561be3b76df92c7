/*
 * cronctl login, logout, whoami and workspaces (SPEC §3.2, §11).  The
 * password is never echoed, stored or left in memory; the token goes to
 * the config file only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

#define PASSWORD_MAX	1024

const struct ctl_optdef ctl_login_opts[] = {
	{ "email", 'e', "EMAIL", "the account's email (prompted for when absent)" },
	{ "password", 'p', "PASSWORD", "the password (visible to ps; prefer the prompt)" },
	{ "password-stdin", 0, NULL, "read the password from the first line of stdin" },
	{ NULL, 0, NULL, NULL }
};

const struct ctl_optdef ctl_ws_create_opts[] = {
	{ "name", 0, "NAME", "the workspace's name (required)" },
	{ "tz", 0, "ZONE", "its time zone (IANA name, default UTC)" },
	{ NULL, 0, NULL, NULL }
};

/* Reads one line from f into buf (without its end of line); 0 or -1. */
static int
read_line(FILE *f, char *buf, size_t size)
{
	size_t	n;

	if (fgets(buf, (int)size, f) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n + 1 == size && !feof(f))
		return -1;		/* longer than the buffer */
	buf[n] = '\0';
	return 0;
}

/* Asks prompt on the terminal and reads the answer, echo off when secret. */
static int
ask(const char *prompt, char *buf, size_t size, int secret)
{
	struct termios	 old, quiet;
	FILE		*tty;
	int		 rc, fd;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	fd = fileno(tty);
	fputs(prompt, tty);
	fflush(tty);
	if (secret && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
		rc = read_line(tty, buf, size);
		tcsetattr(fd, TCSAFLUSH, &old);
	} else
		rc = read_line(tty, buf, size);
	fclose(tty);
	return rc;
}

/* Fills pw from -p, --password-stdin or the terminal; CTL_OK or CTL_EUSAGE. */
static int
get_password(struct ctl *c, char *pw, size_t size)
{
	const char	*p = ctl_opt(c, "password");

	if (p != NULL && ctl_has(c, "password-stdin"))
		return ctl_usage(c, "give -p or --password-stdin, not both");
	if (p != NULL) {
		if (strlen(p) >= size)
			return ctl_usage(c, "the password is too long");
		strcpy(pw, p);
		return CTL_OK;
	}
	if (ctl_has(c, "password-stdin")) {
		if (read_line(stdin, pw, size) != 0)
			return ctl_usage(c, "--password-stdin: no password on "
			    "stdin");
		return CTL_OK;
	}
	if (ask("Password: ", pw, size, 1) != 0)
		return ctl_usage(c, "no password: give -p, --password-stdin, "
		    "or run on a terminal");
	return CTL_OK;
}

/* Saves token (and where it works) in the config file, warning if the environment overrides it. */
static int
save_token(struct ctl *c, const char *token, int with_url)
{
	char	*ca = NULL;

	if (with_url) {
		/* the CA that worked, as an absolute path, or none */
		if (c->cacert != NULL && (ca = realpath(c->cacert, NULL)) ==
		    NULL)
			ca = xstrdup(c->cacert);
		ctl_conf_set(c, "api_url", c->api_url);
		ctl_conf_set(c, "ca_cert", ca);
		free(ca);
	}
	ctl_conf_set(c, "token", token);
	if (ctl_conf_save(c) != 0)
		return CTL_EAPI;
	if (getenv("CRON_TOKEN") != NULL && *getenv("CRON_TOKEN") != '\0')
		ctl_warn("CRON_TOKEN is set and overrides the saved token");
	return CTL_OK;
}

/* POST /v1/auth/login: saves the API URL and token (SPEC §11). */
int
ctl_login(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	const char		*email = ctl_opt(c, "email");
	char			 ebuf[256], pw[PASSWORD_MAX];
	int			 rc;

	if (email == NULL) {
		if (ask("Email: ", ebuf, sizeof(ebuf), 0) != 0)
			return ctl_usage(c, "no email: give -e EMAIL");
		email = ebuf;
	}
	if ((rc = get_password(c, pw, sizeof(pw))) != CTL_OK)
		return rc;
	req = json_object_new_object();
	json_object_object_add(req, "email", json_object_new_string(email));
	json_object_object_add(req, "password", json_object_new_string(pw));
	explicit_bzero(pw, sizeof(pw));
	c->token = NULL;		/* log in afresh */
	rc = ctl_call(c, "POST", "/v1/auth/login", req, &r);
	ctl_json_wipe(req, "password");
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	if ((rc = save_token(c, ctl_str(r.body, "token"), 1)) == CTL_OK) {
		json_object_object_del(r.body, "token");
		if (c->json)
			printf("%s\n", json_object_to_json_string_ext(r.body,
			    JSON_C_TO_STRING_PLAIN));
		else
			printf("Logged in to %s as %s <%s>, workspace %s (%s)\n",
			    c->api_url, ctl_path_str(r.body, "user.name"),
			    email, ctl_path_str(r.body, "workspace.name"),
			    ctl_path_str(r.body, "workspace.id"));
	}
	ctl_resp_free(&r);
	return rc;
}

/* Removes the saved token; no API call (a login token expires by itself). */
int
ctl_logout(struct ctl *c)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(c->conf, "token", &v)) {
		printf("Not logged in\n");
		return CTL_OK;
	}
	ctl_conf_set(c, "token", NULL);
	if (ctl_conf_save(c) != 0)
		return CTL_EAPI;
	printf("Logged out: token removed from %s\n", c->conf_path);
	return CTL_OK;
}

static const char	*me_api;	/* the API URL, for show_me */

static void
show_me(struct json_object *o)
{
	const char	*reason = ctl_path_str(o, "workspace.restriction_reason");

	ctl_kv("API", "%s", me_api);
	ctl_kv("User", "%s <%s> (%s)", ctl_path_str(o, "user.name"),
	    ctl_path_str(o, "user.email"), ctl_path_str(o, "user.id"));
	ctl_kv("Trust level", "%s", ctl_path_str(o, "user.trust_level"));
	ctl_kv("Workspace", "%s (%s)", ctl_path_str(o, "workspace.name"),
	    ctl_path_str(o, "workspace.id"));
	ctl_kv("Time zone", "%s", ctl_path_str(o, "workspace.timezone"));
	if (reason != NULL)
		ctl_kv("Restricted", "%s", reason);
	ctl_kv("Role", "%s", ctl_str(o, "role"));
	ctl_kv("Credential", "%s", ctl_str(o, "credential"));
}

int
ctl_whoami(struct ctl *c)
{
	me_api = c->api_url;
	return ctl_show(c, "GET", "/v1/me", NULL, show_me);
}

/*
 * The workspace a login token is scoped to (its unverified "wid" claim,
 * only to mark the current workspace), or NULL; owned by the caller.
 */
static char *
token_wid(const char *token)
{
	static const char	 b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct json_object	*o;
	const char		*p, *end, *k;
	char			*buf, *wid = NULL;
	unsigned		 acc = 0, bits = 0;
	size_t			 n = 0;

	if (token == NULL || (p = strchr(token, '.')) == NULL ||
	    (end = strchr(++p, '.')) == NULL || end - p > 8192)
		return NULL;
	buf = xmalloc((size_t)(end - p) + 1);
	for (; p < end && (k = strchr(b64, *p)) != NULL && *p; p++) {
		acc = (acc << 6) | (unsigned)(k - b64);
		if ((bits += 6) >= 8)
			buf[n++] = (char)(acc >> (bits -= 8));
	}
	buf[n] = '\0';
	if ((o = json_tokener_parse(buf)) != NULL && ctl_str(o, "wid"))
		wid = xstrdup(ctl_str(o, "wid"));
	json_object_put(o);
	free(buf);
	return wid;
}

static char	*current_wid;

static void
show_workspaces(struct json_object *o)
{
	struct json_object	*items, *it;
	struct ctl_table	*t;
	const char		*heads[] = { "", "ID", "NAME", "ROLE", NULL };
	const char		*id;
	size_t			 i;

	t = ctl_table_new(heads);
	json_object_object_get_ex(o, "items", &items);
	for (i = 0; i < json_object_array_length(items); i++) {
		it = json_object_array_get_idx(items, i);
		id = ctl_path_str(it, "workspace.id");
		ctl_table_row(t, current_wid && id && strcmp(id, current_wid) == 0 ?
		    "*" : " ", id, ctl_path_str(it, "workspace.name"),
		    ctl_str(it, "role"));
	}
	ctl_table_print(t, stdout);
	ctl_table_free(t);
}

int
ctl_ws_list(struct ctl *c)
{
	int	rc;

	current_wid = token_wid(c->token);
	rc = ctl_show(c, "GET", "/v1/workspaces", NULL, show_workspaces);
	free(current_wid);
	return rc;
}

/* POST /v1/auth/switch-workspace: the new token replaces the saved one. */
int
ctl_ws_switch(struct ctl *c)
{
	struct json_object	*req = json_object_new_object();
	struct ctl_resp		 r;
	int			 rc;

	json_object_object_add(req, "workspace_id",
	    json_object_new_string(c->args[0]));
	rc = ctl_call(c, "POST", "/v1/auth/switch-workspace", req, &r);
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	if ((rc = save_token(c, ctl_str(r.body, "token"), 0)) == CTL_OK) {
		json_object_object_del(r.body, "token");
		if (c->json)
			printf("%s\n", json_object_to_json_string_ext(r.body,
			    JSON_C_TO_STRING_PLAIN));
		else
			printf("Switched to workspace %s (%s) as %s\n",
			    ctl_path_str(r.body, "workspace.name"),
			    ctl_path_str(r.body, "workspace.id"),
			    ctl_str(r.body, "role"));
	}
	ctl_resp_free(&r);
	return rc;
}

/* POST /v1/workspaces: a new workspace owned by the caller. */
int
ctl_ws_create(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	int			 rc;

	if (ctl_opt(c, "name") == NULL)
		return ctl_usage(c, "--name is required");
	req = json_object_new_object();
	json_object_object_add(req, "name",
	    json_object_new_string(ctl_opt(c, "name")));
	if (ctl_opt(c, "tz") != NULL)
		json_object_object_add(req, "timezone",
		    json_object_new_string(ctl_opt(c, "tz")));
	rc = ctl_call(c, "POST", "/v1/workspaces", req, &r);
	json_object_put(req);
	if (rc != CTL_OK)
		return rc;
	return ctl_done(c, &r, "Created workspace %s (%s); use it with "
	    "'cronctl workspaces switch %s'", ctl_path_str(r.body,
	    "workspace.name"), ctl_path_str(r.body, "workspace.id"),
	    ctl_path_str(r.body, "workspace.id"));
}
