/*
 * cron-api: the FastCGI application.  The master takes the listening
 * socket (fd 0 or --listen), forks the worker pool (pool.c) and drains it
 * on SIGTERM; each worker keeps one database connection.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "conf.h"
#include "db.h"
#include "jwt.h"
#include "keyring.h"
#include "log.h"
#include "password.h"

static struct cron_conf	conf;
static struct api_ctx	ctx;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: cron-api [-dnv] [-f file] [--listen path|host:port] "
	    "[--workers n] [--routes] [--permissions]\n");
	exit(2);
}

/*
 * Settings the table cannot judge alone: the JWT key length, and scrypt
 * cost at least the OWASP minimum (N=2^17, r=8, p=1, or an equivalent
 * N*r*p).  Returns 0, or -1 with the reason in err.
 */
static int
check_secrets(const struct cron_conf *c, char *err, size_t errlen)
{
	struct cron_scrypt	sp;
	unsigned long long	cost;

	if (strlen(c->jwt_secret) < CRON_JWT_KEY_MIN) {
		snprintf(err, errlen, "jwt_secret must be at least %d "
		    "characters (e.g. openssl rand -hex 32)", CRON_JWT_KEY_MIN);
		return -1;
	}
	sp.log2_n = c->password_scrypt_log2n;
	sp.r = c->password_scrypt_r;
	sp.p = c->password_scrypt_p;
	if (!cron_scrypt_valid(&sp)) {
		snprintf(err, errlen, "password_scrypt_* is not a usable scrypt "
		    "setting (memory 128*r*N at most 1 GiB, log2n < 16*r)");
		return -1;
	}
	cost = (1ULL << c->password_scrypt_log2n) *
	    (unsigned long long)c->password_scrypt_r *
	    (unsigned long long)c->password_scrypt_p;
	if (cost < (1ULL << 17) * 8) {
		snprintf(err, errlen, "password_scrypt_* below the OWASP "
		    "minimum (N*r*p must be at least 2^17*8*1)");
		return -1;
	}
	return 0;
}

static void
worker_init(void *arg)
{
	struct api_ctx	*c = arg;

	c->db = db_new(c->conf, 0);
	(void)db_connect(c->db);	/* failure is retried per request */
}

static void
worker_fini(void *arg)
{
	struct api_ctx	*c = arg;

	db_free(c->db);
	c->db = NULL;
	cron_keyring_free(c->keyring);
	c->keyring = NULL;
	conf_free(&conf);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "listen",	required_argument,	NULL, 'l' },
		{ "workers",	required_argument,	NULL, 'w' },
		{ "routes",	no_argument,		NULL, 'r' },
		{ "permissions", no_argument,		NULL, 'P' },
		{ NULL,		0,			NULL, 0 }
	};
	struct api_pool	 pool;
	const char	*file = NULL, *listen = NULL;
	char		 err[512];
	int		 ch, checkonly = 0, verbose = LOG_LEVEL_INFO;
	int		 workers = 0, rc;

	while ((ch = getopt_long(argc, argv, "df:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
		case 'v':
			verbose = LOG_LEVEL_DEBUG;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'w':
			if ((workers = atoi(optarg)) < 1 || workers > 256)
				usage();
			break;
		case 'r':
		case 'P':
			api_routes_print(ch == 'P');
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("cron-api", verbose);
	if (conf_load(&conf, conf_path(file), err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (check_secrets(&conf, err, sizeof(err)) == -1)
		fatalx("%s: %s", conf_path(file), err);
	if ((ctx.keyring = cron_keyring_load(conf.keyring_file, err,
	    sizeof(err))) == NULL)
		fatalx("keyring: %s (make one with: cron-admin keys generate)",
		    err);
	if (checkonly) {
		fprintf(stderr, "configuration OK\n");
		cron_keyring_free(ctx.keyring);
		conf_free(&conf);
		return 0;
	}
	memset(&pool, 0, sizeof(pool));
	if ((pool.listen_fd = api_listen(listen, conf.api_backlog)) == -1)
		fatalx("no listening socket");
	ctx.conf = &conf;
	pool.workers = workers > 0 ? workers : conf.api_workers;
	pool.max_requests = conf.api_max_requests;
	pool.drain_seconds = conf.api_drain_seconds;
	pool.worker_init = worker_init;
	pool.worker_fini = worker_fini;
	pool.handle = api_handle;
	pool.arg = &ctx;
	rc = api_pool_run(&pool);
	if (listen != NULL && strchr(listen, '/') != NULL)
		(void)unlink(listen);
	cron_keyring_free(ctx.keyring);
	conf_free(&conf);
	return rc;
}
