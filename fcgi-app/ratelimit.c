/*
 * Rate limits (SPEC §3.7): fixed-window counters kept in MariaDB, so they
 * hold across every worker and every host.  Authenticated requests count
 * against their user (session) or token; the public auth endpoints count
 * against the client address, and login also against the email.  Every
 * counted response carries X-RateLimit-Limit/-Remaining/-Reset (epoch
 * seconds) for its tightest bucket; over a limit is 429 with Retry-After.
 * If the counter store fails the request is let through (and logged):
 * availability wins over strictness for a throttle.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "conf.h"
#include "crypto.h"
#include "jsonutil.h"
#include "log.h"
#include "timefmt.h"

struct rl {
	long long	 limit;
	long long	 remaining;
	long long	 reset;
	int		 counted;
	int		 over;
};

/* Counts a hit on bucket against limit (0: no limit); updates r. */
static void
hit(struct api_req *req, struct rl *r, const char *bucket, int limit)
{
	long long	window, hits, now = cron_now_ms() / 1000;
	long long	len = req->ctx->conf->rate_limit_window_seconds;

	if (limit <= 0)
		return;
	window = now - now % len;
	if (db_rate_hit(req->ctx->db, bucket, window, &hits) != DB_OK) {
		log_warnx("%s rate limit store unavailable; not limiting",
		    req->request_id);
		return;
	}
	if (!r->counted || limit - hits < r->remaining) {
		r->limit = limit;
		r->remaining = limit - hits;
		r->reset = window + len;
	}
	r->counted = 1;
	if (hits > limit)
		r->over = 1;
}

/* Adds the headers; answers 429 and returns -1 when over a limit. */
static int
finish(struct api_req *req, const struct rl *r)
{
	long long	now = cron_now_ms() / 1000;

	if (!r->counted)
		return 0;
	api_header(req, "X-RateLimit-Limit", "%lld", r->limit);
	api_header(req, "X-RateLimit-Remaining", "%lld",
	    r->remaining > 0 ? r->remaining : 0);
	api_header(req, "X-RateLimit-Reset", "%lld", r->reset);
	if (!r->over)
		return 0;
	api_header(req, "Retry-After", "%lld",
	    r->reset - now > 0 ? r->reset - now : 1);
	api_error(req, API_E_RATE_LIMITED, NULL, NULL);
	return -1;
}

static int
loopback(const char *a)
{
	return a != NULL && (strncmp(a, "127.", 4) == 0 ||
	    strcmp(a, "::1") == 0 || strncmp(a, "::ffff:127.", 11) == 0);
}

/*
 * Limits a public auth endpoint by client address (unless loopback is
 * exempt) and, for login, by the email given.  Returns 0 or -1 (429).
 */
int
api_rate_public(struct api_req *req)
{
	const struct cron_conf	*c = req->ctx->conf;
	struct rl		 r;
	char			 bucket[190], norm[DB_EMAIL_MAX];
	char			 h[CRON_SHA256_HEXLEN + 1];
	const char		*addr = req->remote_addr, *email;

	memset(&r, 0, sizeof(r));
	if (addr != NULL && !(c->rate_limit_exempt_loopback && loopback(addr))) {
		snprintf(bucket, sizeof(bucket), "ip:%s:%s", req->route->pattern,
		    addr);
		hit(req, &r, bucket, c->rate_limit_ip);
	}
	if (req->route->op == API_OP_AUTH_LOGIN && req->json != NULL &&
	    (email = cron_json_str(req->json, "email")) != NULL) {
		api_email_norm(email, norm);
		cron_sha256_hex(norm, strlen(norm), h);
		snprintf(bucket, sizeof(bucket), "login:%s", h);
		hit(req, &r, bucket, c->rate_limit_login_email);
	}
	return finish(req, &r);
}

/*
 * Limits an authenticated request by its token or user, and resend by
 * user as well.  Returns 0 or -1 (429).
 */
int
api_rate_caller(struct api_req *req)
{
	const struct cron_conf	*c = req->ctx->conf;
	const struct db_session	*s = &req->caller.s;
	struct rl		 r;
	char			 bucket[190];

	memset(&r, 0, sizeof(r));
	if (req->caller.cred == API_CRED_TOKEN)
		snprintf(bucket, sizeof(bucket), "token:%s", s->token_id);
	else
		snprintf(bucket, sizeof(bucket), "user:%s", s->user_id);
	hit(req, &r, bucket, c->rate_limit_user);
	if (req->route->op == API_OP_AUTH_RESEND) {
		snprintf(bucket, sizeof(bucket), "resend:%s", s->user_id);
		hit(req, &r, bucket, c->rate_limit_resend);
	}
	return finish(req, &r);
}
