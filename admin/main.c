/*
 * cron-admin: the operator's tool.  One subcommand per concern; each reads
 * the shared configuration and talks to the database directly.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "conf.h"
#include "log.h"

static const struct {
	const char	*name;
	int		(*fn)(const struct cron_conf *, int, char **);
	const char	*help;
} commands[] = {
	{ "migrate", adm_migrate, "migrate [--dir DIR] [--check]   apply pending sql/ migrations" },
	{ "keys", adm_keys, "keys generate | rotate [--resume] | prune | status" },
	{ "user", adm_user, "user verify|restrict|unrestrict EMAIL [--reason TEXT] | promote" },
	{ "workspace", adm_workspace, "workspace restrict ID --reason TEXT | unrestrict ID" },
	{ "plan", adm_plan, "plan list | set WORKSPACE_ID PLAN" },
	{ "status", adm_status, "status [--json]   health of the database, queue and schedulers" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void __attribute__((noreturn))
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: cron-admin [-v] [-f file] command [args]\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, "  %s\n", commands[i].help);
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct cron_conf	 conf;
	const char		*file = NULL;
	char			 err[512];
	size_t			 i;
	int			 ch, rc, verbose = LOG_LEVEL_INFO;

	while ((ch = getopt(argc, argv, "+df:v")) != -1) {
		switch (ch) {
		case 'd':
		case 'v':
			verbose = LOG_LEVEL_DEBUG;
			break;
		case 'f':
			file = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	log_init("cron-admin", verbose);
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == NCOMMANDS)
		usage();
	if (conf_load(&conf, conf_path(file), err, sizeof(err)) == -1) {
		fprintf(stderr, "cron-admin: %s\n", err);
		return 1;
	}
	optind = 1;
	rc = commands[i].fn(&conf, argc, argv);
	conf_free(&conf);
	return rc;
}
