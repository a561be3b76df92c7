/*
 * A minimal FastCGI responder built from cron-api's own prefork pool and
 * accept loop (fcgi-app/pool.c): it answers every request with a small
 * JSON body and touches no database.  bench/api compares it with
 * GET /v1/health to show what the API itself costs on top of the loop.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"

static void
hello(FCGX_Request *req, void *arg)
{
	static const char	body[] = "{\"status\":\"ok\"}";

	(void)arg;
	FCGX_FPrintF(req->out, "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %d\r\n\r\n%s", (int)sizeof(body) - 1, body);
}

int
main(int argc, char *argv[])
{
	struct api_pool	pool;

	if (argc != 3) {
		fprintf(stderr, "usage: fcgi-hello socket workers\n");
		return 2;
	}
	log_init("fcgi-hello", LOG_LEVEL_INFO);
	memset(&pool, 0, sizeof(pool));
	if ((pool.listen_fd = api_listen(argv[1], 1024)) == -1)
		return 1;
	pool.workers = atoi(argv[2]);
	pool.drain_seconds = 5;
	pool.handle = hello;
	return api_pool_run(&pool);
}
