/*
 * cronctl channels and rules: notification channels and the rules that
 * connect jobs to them (SPEC §8, §11).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

/* The config flags of channels create and the config keys they set. */
static const struct {
	const char	*flag;
	const char	*key;
} config_flags[] = {
	{ "url", "url" }, { "secret", "secret" }, { "email", "email" },
	{ "mention-text", "mention_text" }, { "thread-id", "thread_id" },
	{ "bot-token", "bot_token" }, { "chat-id", "chat_id" },
};

const struct ctl_optdef ctl_channel_opts[] = {
	{ "name", 0, "NAME", "the channel's name, unique in the workspace" },
	{ "type", 0, "TYPE", "webhook, email, slack, discord or telegram" },
	{ "url", 0, "URL", "webhook, slack, discord: where to post" },
	{ "secret", 0, "whsec_...", "webhook: sign with this Standard Webhooks secret" },
	{ "email", 0, "ADDRESS", "email: the recipient" },
	{ "mention-text", 0, "TEXT", "slack: text put before the message (e.g. <!here>)" },
	{ "include-output", 0, NULL, "slack: include the response's first bytes" },
	{ "thread-id", 0, "ID", "discord: post into this thread" },
	{ "bot-token", 0, "TOKEN", "telegram: the bot's token" },
	{ "chat-id", 0, "ID", "telegram: the chat to post to" },
	{ "file", 'f', "FILE", "the channel as JSON {name, type, config}; - for stdin" },
	{ NULL, 0, NULL, NULL }
};

const char ctl_channel_help[] =
    "Credentials (the webhook secret, Slack and Discord URLs, the bot token)\n"
    "are stored encrypted and never shown again.\n"
    "\n"
    "examples:\n"
    "  cronctl channels create --name ops --type slack --url https://hooks.slack.com/...\n"
    "  cronctl channels create --name hook --type webhook --url https://example.com/h \\\n"
    "      --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"
    "  cronctl rules add JOB --channel ID --event on_failure\n";

const struct ctl_optdef ctl_rule_opts[] = {
	{ "channel", 0, "ID", "the channel to notify (required)" },
	{ "event", 0, "EVENT", "on_failure (default), on_success or on_completion" },
	{ NULL, 0, NULL, NULL }
};

static const struct ctl_col channel_cols[] = {
	{ "ID", "id", 0 }, { "NAME", "name", 0 }, { "TYPE", "type", 0 },
	{ "CREATED", "created_at", 1 }, { NULL, NULL, 0 }
};

static void
show_channels(struct json_object *o)
{
	ctl_items(o, channel_cols);
}

int
ctl_channels_list(struct ctl *c)
{
	return ctl_list(c, "/v1/notification-channels", show_channels);
}

static void
show_channel(struct json_object *o)
{
	struct json_object	*cfg;
	char			*t, label[64];

	ctl_kv("ID", "%s", ctl_str(o, "id"));
	ctl_kv("Name", "%s", ctl_str(o, "name"));
	ctl_kv("Type", "%s", ctl_str(o, "type"));
	if (json_object_object_get_ex(o, "config", &cfg) &&
	    json_object_is_type(cfg, json_type_object)) {
		json_object_object_foreach(cfg, k, v) {
			snprintf(label, sizeof(label), "  %s", k);
			ctl_kv(label, "%s", v ? json_object_get_string(v) :
			    "-");
		}
	}
	t = ctl_when(ctl_str(o, "created_at"));
	ctl_kv("Created", "%s", t);
	free(t);
}

int
ctl_channels_get(struct ctl *c)
{
	return ctl_show_id(c, "GET", "/v1/notification-channels", NULL, NULL,
	    show_channel);
}

/* The channel from -f FILE and the flags (flags win); NULL with *rc set. */
static struct json_object *
channel_from(struct ctl *c, int *rc)
{
	struct json_object	*ch = NULL, *cfg;
	const char		*file = ctl_opt(c, "file");
	size_t			 i;

	*rc = CTL_EUSAGE;
	if (file != NULL) {
		ch = strcmp(file, "-") == 0 ? json_object_from_fd(0) :
		    json_object_from_file(file);
		if (ch == NULL || !json_object_is_type(ch, json_type_object)) {
			json_object_put(ch);
			ctl_usage(c, "%s is not a readable JSON object", file);
			return NULL;
		}
	} else
		ch = json_object_new_object();
	if (ctl_opt(c, "name") != NULL)
		json_object_object_add(ch, "name",
		    json_object_new_string(ctl_opt(c, "name")));
	if (ctl_opt(c, "type") != NULL)
		json_object_object_add(ch, "type",
		    json_object_new_string(ctl_opt(c, "type")));
	if (!json_object_object_get_ex(ch, "config", &cfg)) {
		cfg = json_object_new_object();
		json_object_object_add(ch, "config", cfg);
	}
	for (i = 0; i < sizeof(config_flags) / sizeof(config_flags[0]); i++)
		if (ctl_opt(c, config_flags[i].flag) != NULL)
			json_object_object_add(cfg, config_flags[i].key,
			    json_object_new_string(ctl_opt(c,
			    config_flags[i].flag)));
	if (ctl_has(c, "include-output"))
		json_object_object_add(cfg, "include_output",
		    json_object_new_boolean(1));
	*rc = CTL_OK;
	return ch;
}

int
ctl_channels_create(struct ctl *c)
{
	struct json_object	*ch;
	int			 rc;

	if (ctl_opt(c, "file") == NULL &&
	    (ctl_opt(c, "name") == NULL || ctl_opt(c, "type") == NULL))
		return ctl_usage(c, "give --name and --type (or -f FILE)");
	if ((ch = channel_from(c, &rc)) == NULL)
		return rc;
	rc = ctl_show(c, "POST", "/v1/notification-channels", ch, show_channel);
	return rc;
}

int
ctl_channels_delete(struct ctl *c)
{
	return ctl_delete(c, "/v1/notification-channels", c->args[0],
	    "Deleted channel");
}

int
ctl_channels_test(struct ctl *c)
{
	struct ctl_resp	 r;
	char		*path;
	int		 rc;

	path = ctl_path("/v1/notification-channels", c->args[0], "/test");
	rc = ctl_call(c, "POST", path, NULL, &r);
	free(path);
	return rc != CTL_OK ? rc : ctl_done(c, &r, "Queued a test message to "
	    "channel %s (message id %s)", c->args[0],
	    ctl_path_str(r.body, "delivery.message_id"));
}

static const struct ctl_col rule_cols[] = {
	{ "ID", "id", 0 }, { "CHANNEL", "channel_id", 0 },
	{ "EVENT", "event", 0 }, { "CREATED", "created_at", 1 },
	{ NULL, NULL, 0 }
};

static void
show_rules(struct json_object *o)
{
	ctl_items(o, rule_cols);
}

int
ctl_rules_list(struct ctl *c)
{
	return ctl_show_id(c, "GET", "/v1/jobs", "/notification-rules", NULL,
	    show_rules);
}

int
ctl_rules_add(struct ctl *c)
{
	struct json_object	*req;
	struct ctl_resp		 r;
	char			*path;
	int			 rc;

	if (ctl_opt(c, "channel") == NULL)
		return ctl_usage(c, "--channel is required");
	req = json_object_new_object();
	json_object_object_add(req, "channel_id",
	    json_object_new_string(ctl_opt(c, "channel")));
	json_object_object_add(req, "event", json_object_new_string(
	    ctl_opt(c, "event") ? ctl_opt(c, "event") : "on_failure"));
	path = ctl_path("/v1/jobs", c->args[0], "/notification-rules");
	rc = ctl_call(c, "POST", path, req, &r);
	json_object_put(req);
	free(path);
	return rc != CTL_OK ? rc : ctl_done(c, &r, "Created rule %s: job %s "
	    "notifies channel %s %s", ctl_str(r.body, "id"), c->args[0],
	    ctl_str(r.body, "channel_id"), ctl_str(r.body, "event"));
}

int
ctl_rules_delete(struct ctl *c)
{
	char	*prefix = ctl_path("/v1/jobs", c->args[0], "/notification-rules");
	int	 rc;

	rc = ctl_delete(c, prefix, c->args[1], "Deleted rule");
	free(prefix);
	return rc;
}
