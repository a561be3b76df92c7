/*
 * The notification channel resource (SPEC §8): the types and their
 * config keys (one table), validation of a config as a whole (create, and
 * PATCH merged onto what is stored), the split into settings and
 * credentials, sealing, and the JSON of channels, rules and deliveries.
 *
 * Settings are stored as JSON text in notification_channels.config and
 * shown as they are.  Credentials (a webhook's signing secret, a Slack or
 * Discord webhook URL, a Telegram bot token) are stored only sealed with
 * the keyring, as one JSON object bound to "channel:workspace:id", and
 * shown only as "<key>_set".  cron-api never opens them: every type has at
 * most one credential key, so a credential given replaces the sealed
 * object whole, and one not given keeps the stored bytes as they are.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "conf.h"
#include "jsonutil.h"
#include "keyring.h"
#include "log.h"
#include "notify.h"
#include "xmalloc.h"

#define CK_REQUIRED	0x01
#define CK_CRED		0x02	/* a credential: sealed, not shown */
#define CK_FALSE	0x04	/* a boolean that defaults to false */
#define CK_NUMSTR	0x08	/* an integer is kept as its text */

#define MENTION_MAX	200
#define THREAD_ID_MAX	32
#define BOT_TOKEN_MAX	256
#define CONFIG_DEPTH	4

struct chan_key {
	const char	*name;
	unsigned	 flags;
	const char	*(*check)(struct json_object *,
			    const struct cron_conf *);
};

struct chan_type {
	const char		*name;
	const struct chan_key	*keys;
	size_t			 nkeys;
	int			 alias;	/* webhook_url stands for url */
};

static const char *
not_string(struct json_object *v)
{
	if (!json_object_is_type(v, json_type_string))
		return "must be a string";
	return json_object_get_string_len(v) == 0 ? "must not be empty" :
	    NULL;
}

/* A URL the scheduler may call: as job URLs (SPEC §5.1, §9). */
static const char *
ck_url(struct json_object *v, const struct cron_conf *conf)
{
	const char	*why;

	if ((why = not_string(v)) != NULL)
		return why;
	return job_url_why(json_object_get_string(v), conf);
}

/*
 * A Slack or Discord webhook URL: the URL is the credential, so it must
 * travel encrypted; plain http only where private targets are allowed
 * (development and tests, whose local receivers speak http).
 */
static const char *
ck_https_url(struct json_object *v, const struct cron_conf *conf)
{
	const char	*why;

	if ((why = ck_url(v, conf)) != NULL)
		return why;
	if (!conf->allow_private_targets &&
	    strncasecmp(json_object_get_string(v), "https:", 6) != 0)
		return "must use https";
	return NULL;
}

static const char *
ck_whsec(struct json_object *v, const struct cron_conf *conf)
{
	const char	*why;

	(void)conf;
	if ((why = not_string(v)) != NULL)
		return why;
	return cron_webhook_secret_valid(json_object_get_string(v)) ? NULL :
	    "must be whsec_ followed by the standard base64 of 24 to 64 "
	    "random bytes";
}

static const char *
ck_email(struct json_object *v, const struct cron_conf *conf)
{
	const char	*why;

	(void)conf;
	if ((why = not_string(v)) != NULL)
		return why;
	return valid_email(json_object_get_string(v));
}

static const char *
ck_mention(struct json_object *v, const struct cron_conf *conf)
{
	const char	*why, *s;

	(void)conf;
	if ((why = not_string(v)) != NULL)
		return why;
	s = json_object_get_string(v);
	if (api_utf8_chars(s) > MENTION_MAX)
		return "is longer than 200 characters";
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

static const char *
ck_bool(struct json_object *v, const struct cron_conf *conf)
{
	(void)conf;
	return json_object_is_type(v, json_type_boolean) ? NULL :
	    "must be true or false";
}

/* Whether s is n to max ASCII digits, after an optional '-' if sign. */
static int
digits(const char *s, size_t max, int sign)
{
	size_t	n;

	if (sign && *s == '-')
		s++;
	n = strspn(s, "0123456789");
	return n > 0 && n <= max && s[n] == '\0';
}

static const char *
ck_thread_id(struct json_object *v, const struct cron_conf *conf)
{
	(void)conf;
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		return NULL;
	if (json_object_is_type(v, json_type_string) &&
	    digits(json_object_get_string(v), THREAD_ID_MAX, 0))
		return NULL;
	return "must be a thread id: 1 to 32 digits";
}

/* Telegram: ^[0-9]+:[A-Za-z0-9_-]{20,}$ */
static const char *
ck_bot_token(struct json_object *v, const struct cron_conf *conf)
{
	const char	*s, *why;
	size_t		 n, m;

	(void)conf;
	if ((why = not_string(v)) != NULL)
		return why;
	s = json_object_get_string(v);
	n = strspn(s, "0123456789");
	if (strlen(s) <= BOT_TOKEN_MAX && n > 0 && s[n] == ':') {
		m = strspn(s + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_-");
		if (m >= 20 && s[n + 1 + m] == '\0')
			return NULL;
	}
	return "must be a Telegram bot token: digits, ':', then at least 20 "
	    "letters, digits, '_' or '-'";
}

/* An integer chat id (as a number or text) or @channelname. */
static const char *
ck_chat_id(struct json_object *v, const struct cron_conf *conf)
{
	const char	*s;
	size_t		 n;

	(void)conf;
	if (json_object_is_type(v, json_type_int))
		return NULL;
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (digits(s, 20, 1))
			return NULL;
		if (s[0] == '@' && isalpha((unsigned char)s[1])) {
			n = strspn(s + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789_");
			if (n >= 5 && n <= 32 && s[1 + n] == '\0')
				return NULL;
		}
	}
	return "must be an integer chat id or @channelname";
}

static const struct chan_key webhook_keys[] = {
	{ "url",		CK_REQUIRED,		ck_url },
	{ "secret",		CK_CRED,		ck_whsec },
};
static const struct chan_key email_keys[] = {
	{ "email",		CK_REQUIRED,		ck_email },
};
static const struct chan_key slack_keys[] = {
	{ "url",		CK_REQUIRED | CK_CRED,	ck_https_url },
	{ "mention_text",	0,			ck_mention },
	{ "include_output",	CK_FALSE,		ck_bool },
};
static const struct chan_key discord_keys[] = {
	{ "url",		CK_REQUIRED | CK_CRED,	ck_https_url },
	{ "thread_id",		CK_NUMSTR,		ck_thread_id },
};
static const struct chan_key telegram_keys[] = {
	{ "bot_token",	CK_REQUIRED | CK_CRED,	ck_bot_token },
	{ "chat_id",	CK_REQUIRED | CK_NUMSTR, ck_chat_id },
};

#define KEYS(k)	k, sizeof(k) / sizeof(k[0])
static const struct chan_type chan_types[] = {
	{ "webhook",	KEYS(webhook_keys),	0 },
	{ "email",	KEYS(email_keys),	0 },
	{ "slack",	KEYS(slack_keys),	1 },
	{ "discord",	KEYS(discord_keys),	1 },
	{ "telegram",	KEYS(telegram_keys),	0 },
};
#undef KEYS

static const struct chan_type *
type_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(chan_types) / sizeof(chan_types[0]); i++)
		if (name != NULL && strcmp(chan_types[i].name, name) == 0)
			return &chan_types[i];
	return NULL;
}

static const struct chan_key *
key_find(const struct chan_type *t, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nkeys; i++)
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
	return NULL;
}

const char *
channel_type_valid(const char *s)
{
	return type_find(s) != NULL ? NULL :
	    "must be one of webhook, email, slack, discord, telegram";
}

/* Names: 1-100 characters (checked by the field), no control characters. */
const char *
channel_name_valid(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	return NULL;
}

/* Parses settings the API itself stored (never fails in use). */
static struct json_object *
stored_config(const char *text)
{
	struct json_object	*o = NULL;

	if (text == NULL || cron_json_parse(text, strlen(text), CONFIG_DEPTH,
	    &o) != CRON_JSON_OK || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return json_object_new_object();
	}
	return o;
}

/* The value to keep for key k: CK_NUMSTR integers become their text. */
static struct json_object *
normalised(const struct chan_key *k, struct json_object *v)
{
	char	buf[32];

	if ((k->flags & CK_NUMSTR) && json_object_is_type(v, json_type_int)) {
		snprintf(buf, sizeof(buf), "%" PRId64,
		    json_object_get_int64(v));
		return json_object_new_string(buf);
	}
	return json_object_get(v);
}

/* Whether given (may be NULL) has key name, under its alias too. */
static int
given_key(const struct chan_type *t, struct json_object *given,
    const char *name)
{
	if (given == NULL)
		return 0;
	if (json_object_object_get_ex(given, name, NULL))
		return 1;
	return t->alias && strcmp(name, "url") == 0 &&
	    json_object_object_get_ex(given, "webhook_url", NULL);
}

/* Applies one given config member (name as given, value v) to out. */
static void
apply_key(const struct cron_conf *conf, const struct chan_type *t,
    const char *given, struct json_object *v, struct json_object *cfg,
    struct chan_spec *out, int *have_creds, struct json_object *fields)
{
	const struct chan_key	*k;
	const char		*name = given, *why;

	if (t->alias && strcmp(given, "webhook_url") == 0)
		name = "url";
	if ((k = key_find(t, name)) == NULL) {
		api_field_bad(fields, "config", given, "is not a known field");
		return;
	}
	if (v == NULL) {		/* null: back to unset */
		if (k->flags & CK_REQUIRED)
			api_field_bad(fields, "config", given, "is required");
		else if (k->flags & CK_CRED) {
			out->creds_drop = 1;
			*have_creds = 0;
		} else
			json_object_object_del(cfg, name);
		return;
	}
	if ((why = k->check(v, conf)) != NULL) {
		api_field_bad(fields, "config", given, why);
		return;
	}
	if (k->flags & CK_CRED) {
		/* a copy: wiping it must not touch the request, which a
		 * rerun transaction validates again */
		if (out->creds == NULL)
			out->creds = json_object_new_object();
		json_object_object_add(out->creds, name,
		    json_object_new_string_len(json_object_get_string(v),
		    json_object_get_string_len(v)));
		out->creds_drop = 0;
		*have_creds = 1;
	} else
		json_object_object_add(cfg, name, normalised(k, v));
}

/*
 * Validates the config of a channel of type: given (an object; NULL when
 * a PATCH leaves it alone) merged onto the stored settings (JSON text,
 * NULL on create), stored_creds saying whether credentials are stored.
 * Keys given replace stored ones, null unsets an optional key, defaults
 * are filled in, and the result must have every required key.  Problems
 * go to fields as "config.<key>"; returns 0 with out filled (free it with
 * chan_spec_clear), or -1.
 */
int
channel_config(const struct cron_conf *conf, const char *type,
    struct json_object *given, const char *stored, int stored_creds,
    struct chan_spec *out, struct json_object *fields)
{
	const struct chan_type	*t = type_find(type);
	struct json_object	*cfg;
	int			 before, have_creds = stored_creds;
	size_t			 i;

	memset(out, 0, sizeof(*out));
	if (t == NULL)
		return -1;
	before = json_object_object_length(fields);
	cfg = stored_config(stored);
	if (t->alias && given != NULL &&
	    json_object_object_get_ex(given, "url", NULL) &&
	    json_object_object_get_ex(given, "webhook_url", NULL))
		api_field_bad(fields, "config", "webhook_url",
		    "give url or webhook_url, not both");
	if (given != NULL) {
		json_object_object_foreach(given, key, val)
			apply_key(conf, t, key, val, cfg, out, &have_creds,
			    fields);
	}
	for (i = 0; i < t->nkeys; i++) {
		if ((t->keys[i].flags & CK_FALSE) &&
		    !json_object_object_get_ex(cfg, t->keys[i].name, NULL))
			json_object_object_add(cfg, t->keys[i].name,
			    json_object_new_boolean(0));
		/* a key given has had its say (valid, or reported) */
		if (!(t->keys[i].flags & CK_REQUIRED) ||
		    given_key(t, given, t->keys[i].name))
			continue;
		if ((t->keys[i].flags & CK_CRED) ? !have_creds :
		    !json_object_object_get_ex(cfg, t->keys[i].name, NULL))
			api_field_bad(fields, "config", t->keys[i].name,
			    "is required");
	}
	out->config = cfg;
	if (json_object_object_length(fields) != before) {
		chan_spec_clear(out);
		return -1;
	}
	return 0;
}

/* Wipes every string member of o (credentials on their way out). */
static void
wipe_strings(struct json_object *o)
{
	struct json_object	*v;

	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val) {
		(void)key;
		v = val;
		if (json_object_is_type(v, json_type_string))
			explicit_bzero((char *)json_object_get_string(v),
			    (size_t)json_object_get_string_len(v));
	}
}

/* Frees what spec owns; credential values are wiped first. */
void
chan_spec_clear(struct chan_spec *spec)
{
	wipe_strings(spec->creds);
	json_object_put(spec->creds);
	json_object_put(spec->config);
	memset(spec, 0, sizeof(*spec));
}

/*
 * Puts spec into c as it is stored: the settings as JSON text, and the
 * credentials given sealed under the keyring's current key (bound to c's
 * workspace and id), or none when dropped; otherwise c's sealed bytes
 * stay as read.  Returns 0, or -1 (logged) when the keyring cannot seal.
 */
int
channel_store(struct api_req *req, const struct chan_spec *spec,
    struct db_channel *c)
{
	unsigned char	*ct;
	const char	*text;
	char		*aad;
	size_t		 len, ctlen;
	int		 version, rc;

	free(c->config);
	c->config = xstrdup(cron_json_text(spec->config, NULL));
	if (spec->creds != NULL) {
		text = cron_json_text(spec->creds, &len);
		aad = cron_channel_aad(c->workspace_id, c->id);
		rc = cron_seal(req->ctx->keyring, text, len, aad, strlen(aad),
		    &ct, &ctlen, &version);
		explicit_bzero((char *)text, len);
		free(aad);
		if (rc == -1) {
			log_warnx("%s cannot seal channel credentials: "
			    "keyring unusable", req->request_id);
			return -1;
		}
	} else if (spec->creds_drop) {
		ct = NULL;
		ctlen = 0;
		version = 0;
	} else
		goto out;
	if (c->creds != NULL)
		explicit_bzero(c->creds, c->creds_len);
	free(c->creds);
	c->creds = ct;
	c->creds_len = ctlen;
	c->key_version = version;
out:
	c->has_creds = c->creds != NULL;
	return 0;
}

/*
 * Wipes what a channel write carried: the raw body and every string of
 * its parsed config (credentials among them).  Call when done with both.
 */
void
channel_wipe(struct api_req *req)
{
	struct json_object	*cfg;

	if (json_object_object_get_ex(req->json, "config", &cfg))
		wipe_strings(cfg);
	if (req->body != NULL)
		explicit_bzero(req->body, req->body_len);
}

/* The config as shown: settings, and "<key>_set" for credentials. */
static struct json_object *
config_json(const struct db_channel *c)
{
	const struct chan_type	*t = type_find(c->type);
	struct json_object	*o = json_object_new_object(), *cfg, *v;
	char			 name[64];
	size_t			 i;

	if (t == NULL)
		return o;
	cfg = stored_config(c->config);
	for (i = 0; i < t->nkeys; i++) {
		if (t->keys[i].flags & CK_CRED) {
			snprintf(name, sizeof(name), "%s_set",
			    t->keys[i].name);
			json_object_object_add(o, name,
			    json_object_new_boolean(c->has_creds));
		} else if (json_object_object_get_ex(cfg, t->keys[i].name, &v))
			json_object_object_add(o, t->keys[i].name,
			    json_object_get(v));
		else
			json_object_object_add(o, t->keys[i].name,
			    (t->keys[i].flags & CK_FALSE) ?
			    json_object_new_boolean(0) : NULL);
	}
	json_object_put(cfg);
	return o;
}

/* The channel as the API shows it (never a credential). */
struct json_object *
channel_json(const struct db_channel *c)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", c->id);
	cron_json_add_str(o, "name", c->name);
	cron_json_add_str(o, "type", c->type);
	json_object_object_add(o, "config", config_json(c));
	cron_json_add_time(o, "created_at", c->created_at);
	cron_json_add_time(o, "updated_at", c->updated_at);
	return o;
}

struct json_object *
rule_json(const struct db_rule *r)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "id", r->id);
	cron_json_add_str(o, "job_id", r->job_id);
	cron_json_add_str(o, "channel_id", r->channel_id);
	cron_json_add_str(o, "event", r->event);
	cron_json_add_time(o, "created_at", r->created_at);
	return o;
}

/* A delivery of a notification (GET /v1/executions/:id, test). */
struct json_object *
delivery_json(const struct db_exec_delivery *d)
{
	struct json_object	*o = json_object_new_object();

	cron_json_add_str(o, "message_id", d->message_id);
	cron_json_add_str(o, "channel_id", d->channel_id);
	cron_json_add_str(o, "channel_name", d->channel_name);
	cron_json_add_str(o, "type", d->type);
	cron_json_add_str(o, "event", d->event);
	cron_json_add_str(o, "status", d->status);
	cron_json_add_int(o, "attempts", d->attempts);
	json_object_object_add(o, "response_status", d->response_status >= 0 ?
	    json_object_new_int(d->response_status) : NULL);
	cron_json_add_str(o, "error", d->error);
	cron_json_add_time(o, "created_at", d->created_at);
	cron_json_add_time(o, "sent_at", d->sent_at);
	return o;
}
