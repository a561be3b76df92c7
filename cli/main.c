/*
 * cronctl: the end-user command-line client (SPEC §11).  The command table,
 * the command-line parser (options may come before or after a command's
 * words, as in git and kubectl), help, and dispatch.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "xmalloc.h"

static const struct ctl_optdef global_opts[] = {
	{ "api-url", 0, "URL", "API base URL (overrides CRON_API_URL and the config file)" },
	{ "token", 0, "TOKEN", "bearer token (overrides CRON_TOKEN and the config file)" },
	{ "json", 0, NULL, "print the API's JSON unchanged" },
	{ "cacert", 0, "FILE", "trust this CA certificate (or CRON_CA_CERT)" },
	{ "insecure", 'k', NULL, "do not verify the TLS certificate (warns)" },
	{ "help", 'h', NULL, "show help" },
	{ "version", 0, NULL, "print cronctl's version" },
	{ NULL, 0, NULL, NULL }
};

static const char ref_help[] =
    "Times are shown in UTC with a relative hint; --json shows exactly what\n"
    "the API returned.\n";

static const struct ctl_cmd commands[] = {
	{ NULL, "login", ctl_login, 0, "", "log in and save the token in ~/.cronctl/config.json",
	  ctl_login_opts,
	  "Without -p, prompts for the password with echo off (stdin must be a\n"
	  "terminal) or reads it from stdin with --password-stdin.  The password is\n"
	  "never stored; the config file is created with mode 0600.\n" },
	{ NULL, "logout", ctl_logout, 0, "", "forget the saved token", NULL, NULL },
	{ NULL, "whoami", ctl_whoami, 0, "", "show the user, workspace and role", NULL, NULL },
	{ "workspaces", "list", ctl_ws_list, 0, "", "list your workspaces", NULL, NULL },
	{ "workspaces", "switch", ctl_ws_switch, 1, "ID", "use workspace ID from now on", NULL, NULL },
	{ "workspaces", "create", ctl_ws_create, 0, "", "create a workspace you own",
	  ctl_ws_create_opts, NULL },
	{ "jobs", "list", ctl_jobs_list, 0, "", "list jobs, newest first", ctl_jobs_list_opts, NULL },
	{ "jobs", "get", ctl_jobs_get, 1, "ID", "show a job", NULL, ref_help },
	{ "jobs", "create", ctl_jobs_create, 0, "", "create a job from flags or -f FILE",
	  ctl_job_opts, ctl_job_help },
	{ "jobs", "update", ctl_jobs_update, 1, "ID", "change a job (only what is given)",
	  ctl_job_opts, ctl_job_help },
	{ "jobs", "delete", ctl_jobs_delete, 1, "ID", "delete a job (its history is kept)", NULL, NULL },
	{ "jobs", "pause", ctl_jobs_pause, 1, "ID", "pause a job", NULL, NULL },
	{ "jobs", "resume", ctl_jobs_resume, 1, "ID", "resume a paused job (next run from now)", NULL, NULL },
	{ "jobs", "activate", ctl_jobs_activate, 1, "ID", "activate a draft job", NULL, NULL },
	{ "jobs", "run", ctl_jobs_run, 1, "ID", "run a job now (queues an execution)", NULL, NULL },
	{ "jobs", "preview", ctl_jobs_preview, 1, "ID", "show the next run times",
	  ctl_jobs_preview_opts, NULL },
	{ "jobs", "import", ctl_jobs_import, 1, "FILE", "import a crontab (FILE, or - for stdin)",
	  ctl_jobs_import_opts,
	  "Every crontab entry becomes a cron job calling --url, named after its\n"
	  "command.  Comments and VAR=value lines are skipped, CRON_TZ= is honoured,\n"
	  "@reboot and bad lines are reported and not imported; the other lines\n"
	  "are (all of them, or none when they would exceed the plan's job limit).\n"
	  "Exits 1 when any line is an error.  Try --dry-run first.\n" },
	{ "executions", "list", ctl_exec_list, 0, "", "list executions, newest first",
	  ctl_exec_list_opts, NULL },
	{ "executions", "get", ctl_exec_get, 1, "ID", "show an execution with its attempts", NULL, NULL },
	{ "executions", "replay", ctl_exec_replay, 1, "ID", "run a finished execution again", NULL, NULL },
	{ "secrets", "list", ctl_secrets_list, 0, "", "list secrets (names only)", ctl_list_opts, NULL },
	{ "secrets", "create", ctl_secrets_create, 0, "", "store an encrypted secret",
	  ctl_secrets_create_opts,
	  "Use it in a job's header as secret://NAME.  Values are never shown\n"
	  "again; to change one, delete it and create it again.  --value-stdin keeps\n"
	  "the value out of your shell history and the process list.\n" },
	{ "secrets", "delete", ctl_secrets_delete, 1, "ID", "delete a secret", NULL, NULL },
	{ "tokens", "list", ctl_tokens_list, 0, "", "list API tokens", ctl_list_opts, NULL },
	{ "tokens", "create", ctl_tokens_create, 0, "", "create an API token (shown once)",
	  ctl_name_opts,
	  "The token acts with your role in the current workspace.  Use it as\n"
	  "CRON_TOKEN=... for scripts.\n" },
	{ "tokens", "revoke", ctl_tokens_revoke, 1, "ID", "revoke an API token at once", NULL, NULL },
	{ "channels", "list", ctl_channels_list, 0, "", "list notification channels", ctl_list_opts, NULL },
	{ "channels", "get", ctl_channels_get, 1, "ID", "show a notification channel", NULL, NULL },
	{ "channels", "create", ctl_channels_create, 0, "", "create a notification channel",
	  ctl_channel_opts, ctl_channel_help },
	{ "channels", "delete", ctl_channels_delete, 1, "ID", "delete a channel and its rules", NULL, NULL },
	{ "channels", "test", ctl_channels_test, 1, "ID", "queue a test message (sent at once)", NULL, NULL },
	{ "rules", "list", ctl_rules_list, 1, "JOB", "list a job's notification rules", NULL, NULL },
	{ "rules", "add", ctl_rules_add, 1, "JOB", "notify a channel about a job", ctl_rule_opts, NULL },
	{ "rules", "delete", ctl_rules_delete, 2, "JOB RULE", "delete a notification rule", NULL, NULL },
	{ "members", "list", ctl_members_list, 0, "", "list the workspace's members", ctl_list_opts, NULL },
	{ "members", "invite", ctl_members_invite, 1, "EMAIL", "invite someone by email",
	  ctl_invite_opts, NULL },
	{ "members", "remove", ctl_members_remove, 1, "USER", "remove a member", NULL, NULL },
	{ "members", "role", ctl_members_role, 2, "USER ROLE", "change a member's role (admin|member)",
	  NULL, NULL },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* Prints "warning: ..." on stderr. */
void
ctl_warn(const char *fmt, ...)
{
	va_list	ap;

	fputs("cronctl: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The command's full name, "jobs list" or "login"; static storage. */
static const char *
cmd_name(const struct ctl_cmd *c)
{
	static char	buf[64];

	if (c->group == NULL)
		return c->verb;
	snprintf(buf, sizeof(buf), "%s %s", c->group, c->verb);
	return buf;
}

/* Reports a usage error and returns CTL_EUSAGE. */
int
ctl_usage(struct ctl *c, const char *fmt, ...)
{
	va_list	ap;

	fputs("cronctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c != NULL && c->cmd != NULL)
		fprintf(stderr, " (see 'cronctl %s --help')\n", cmd_name(c->cmd));
	else
		fputs(" (see 'cronctl --help')\n", stderr);
	return CTL_EUSAGE;
}

static void
print_opts(FILE *f, const struct ctl_optdef *o)
{
	char	 left[128];

	for (; o != NULL && o->name != NULL; o++) {
		if (o->key)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key,
			    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", left, o->help);
	}
}

static void
help_cmd(const struct ctl_cmd *c)
{
	printf("usage: cronctl %s%s%s [options]\n\n%s.\n", cmd_name(c),
	    c->args[0] ? " " : "", c->args, c->summary);
	if (c->opts != NULL) {
		printf("\noptions:\n");
		print_opts(stdout, c->opts);
	}
	printf("\nglobal options:\n");
	print_opts(stdout, global_opts);
	if (c->more != NULL)
		printf("\n%s", c->more);
}

/* Help for everything, or for one group of commands. */
static void
help_all(const char *group)
{
	const char	*last = "";
	char		 left[128];
	size_t		 i;

	printf("usage: cronctl [global options] COMMAND [ARGS] [options]\n\n"
	    "The command-line client of cron-platform, the hosted HTTP cron service.\n\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		const struct ctl_cmd *c = &commands[i];

		if (group != NULL && (c->group == NULL || strcmp(c->group, group)))
			continue;
		if (c->group != NULL && strcmp(c->group, last) && group == NULL)
			printf("\n");
		last = c->group ? c->group : "";
		snprintf(left, sizeof(left), "%s %s", cmd_name(c), c->args);
		printf("  %-28s %s\n", left, c->summary);
	}
	printf("\nglobal options:\n");
	print_opts(stdout, global_opts);
	printf("\nenvironment:\n"
	    "  CRON_API_URL                 API base URL, e.g. https://cron.example.com\n"
	    "  CRON_TOKEN                   bearer token (an API token or a login token)\n"
	    "  CRON_CA_CERT                 CA certificate file to trust\n"
	    "\nFlags override the environment, which overrides ~/.cronctl/config.json.\n"
	    "Exit status: 0 success, 1 API error, 2 usage error, 3 network error.\n"
	    "'cronctl COMMAND --help' describes a command's options; see cronctl(1).\n");
}

static const struct ctl_optdef *
find_opt(const struct ctl_optdef *o, const char *name, int key)
{
	for (; o != NULL && o->name != NULL; o++)
		if ((name != NULL && strcmp(o->name, name) == 0) ||
		    (name == NULL && key != 0 && o->key == key))
			return o;
	return NULL;
}

static const struct ctl_cmd *
find_cmd(const char *group, const char *verb)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if ((group == NULL) == (commands[i].group == NULL) &&
		    (group == NULL || strcmp(commands[i].group, group) == 0) &&
		    strcmp(commands[i].verb, verb) == 0)
			return &commands[i];
	return NULL;
}

static int
is_group(const char *word)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].group != NULL &&
		    strcmp(commands[i].group, word) == 0)
			return 1;
	return 0;
}

/* Records option o with value v (NULL for a switch). */
static int
add_opt(struct ctl *c, const struct ctl_optdef *o, char *v)
{
	if (c->nopt == CTL_MAX_OPTS)
		return ctl_usage(c, "too many options");
	c->opt[c->nopt].name = o->name;
	c->opt[c->nopt].val = v;
	c->nopt++;
	return 0;
}

/*
 * Parses one option at argv[*i] (long or short; its value attached with
 * "=" or as the next word) against the global options and, once the
 * command is known, the command's.  Returns 0 or CTL_EUSAGE.
 */
static int
parse_opt(struct ctl *c, int argc, char **argv, int *i)
{
	const struct ctl_optdef	*o;
	char			*arg = argv[*i], *eq = NULL, *v = NULL;
	char			 name[64];
	int			 key = 0;

	if (arg[1] == '-') {
		snprintf(name, sizeof(name), "%s", arg + 2);
		if ((eq = strchr(name, '=')) != NULL)
			*eq = '\0';
	} else
		key = (unsigned char)arg[1];
	o = find_opt(global_opts, key ? NULL : name, key);
	if (o == NULL && c->cmd != NULL)
		o = find_opt(c->cmd->opts, key ? NULL : name, key);
	if (o == NULL)
		return key ? ctl_usage(c, "unknown option -%c", key) :
		    ctl_usage(c, "unknown option --%s", name);
	if (o->arg == NULL) {
		if (eq != NULL || (key && arg[2] != '\0'))
			return ctl_usage(c, "--%s takes no value", o->name);
	} else if (eq != NULL)
		v = arg + 2 + (eq - name) + 1;
	else if (key && arg[2] != '\0')
		v = arg + 2;
	else if (*i + 1 < argc)
		v = argv[++*i];
	else
		return ctl_usage(c, "--%s needs a value (%s)", o->name, o->arg);
	return add_opt(c, o, v);
}

/* Splits argv into options, the command and its arguments. */
static int
parse(struct ctl *c, int argc, char **argv)
{
	char	*group = NULL;
	int	 i, rc, dashdash = 0;

	c->args = xcalloc(argc, sizeof(char *));
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			if ((rc = parse_opt(c, argc, argv, &i)) != 0)
				return rc;
			continue;
		}
		if (c->cmd == NULL && group == NULL && is_group(argv[i])) {
			group = argv[i];
			continue;
		}
		if (c->cmd == NULL && (group != NULL || c->nargs == 0)) {
			c->cmd = find_cmd(group, argv[i]);
			if (c->cmd == NULL)
				return group ? ctl_usage(c, "unknown command "
				    "'%s %s'", group, argv[i]) :
				    ctl_usage(c, "unknown command '%s'", argv[i]);
			continue;
		}
		c->args[c->nargs++] = argv[i];
	}
	if (ctl_has(c, "version")) {
		printf("cronctl %s\n", PACKAGE_VERSION);
		exit(0);
	}
	if (c->cmd == NULL && ctl_has(c, "help")) {
		help_all(group);
		exit(0);
	}
	if (c->cmd == NULL)
		return group ? ctl_usage(c, "'%s' needs a command", group) :
		    ctl_usage(c, "no command given");
	return 0;
}

/* The last value of option name, or NULL when it was not given. */
const char *
ctl_opt(const struct ctl *c, const char *name)
{
	size_t	i;

	for (i = c->nopt; i > 0; i--)
		if (strcmp(c->opt[i - 1].name, name) == 0)
			return c->opt[i - 1].val;
	return NULL;
}

/* Whether option name was given at all. */
int
ctl_has(const struct ctl *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nopt; i++)
		if (strcmp(c->opt[i].name, name) == 0)
			return 1;
	return 0;
}

/* Fills v with up to max values of a repeatable option; returns how many. */
size_t
ctl_opt_all(const struct ctl *c, const char *name, const char **v, size_t max)
{
	size_t	i, n = 0;

	for (i = 0; i < c->nopt && n < max; i++)
		if (strcmp(c->opt[i].name, name) == 0)
			v[n++] = c->opt[i].val;
	return n;
}

/* *out = option name as an integer in [min, max], or dflt when absent. */
int
ctl_opt_int(struct ctl *c, const char *name, long min, long max, long *out)
{
	const char	*s = ctl_opt(c, name);
	char		*end;
	long		 v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < min || v > max)
		return ctl_usage(c, "--%s must be a whole number from %ld to "
		    "%ld", name, min, max);
	*out = v;
	return 0;
}

/*
 * Copies the credentials given on the command line (-p, --token, a secret's
 * --value) and blanks them in argv, so ps(1) does not show them for longer
 * than start-up; with wipe set, wipes and frees the copies instead.
 */
static void
scrub_credentials(struct ctl *c, int wipe)
{
	char	*v;
	size_t	 i;

	for (i = 0; i < c->nopt; i++) {
		if ((strcmp(c->opt[i].name, "password") != 0 &&
		    strcmp(c->opt[i].name, "token") != 0 &&
		    strcmp(c->opt[i].name, "value") != 0) ||
		    (v = c->opt[i].val) == NULL)
			continue;
		if (wipe) {
			xfreezero(v, strlen(v));
			c->opt[i].val = NULL;
			continue;
		}
		c->opt[i].val = xstrdup(v);
		memset(v, 0, strlen(v));
	}
}

int
main(int argc, char *argv[])
{
	struct ctl	 c;
	int		 rc;

	memset(&c, 0, sizeof(c));
	if ((rc = parse(&c, argc, argv)) != 0)
		goto out;
	if (ctl_has(&c, "help")) {
		help_cmd(c.cmd);
		goto out;
	}
	if (c.nargs != c.cmd->nargs) {
		rc = c.nargs < c.cmd->nargs ?
		    ctl_usage(&c, "'%s' needs %s", cmd_name(c.cmd), c.cmd->args) :
		    ctl_usage(&c, "unexpected argument '%s'", c.args[c.cmd->nargs]);
		goto out;
	}
	scrub_credentials(&c, 0);
	ctl_http_init();
	if ((rc = ctl_conf_load(&c)) == 0)
		rc = c.cmd->fn(&c);
	ctl_http_cleanup();
	scrub_credentials(&c, 1);
out:
	json_object_put(c.conf);
	free(c.conf_path);
	free(c.args);
	return rc;
}
