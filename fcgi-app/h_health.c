/* GET /v1/health: liveness plus a database round trip (no auth). */
#include "config.h"

#include "api.h"
#include "db.h"
#include "jsonutil.h"

void
h_health(struct api_req *req)
{
	struct json_object	*o;
	int			 ok;

	ok = db_health(req->ctx->db) == DB_OK;
	o = json_object_new_object();
	cron_json_add_str(o, "status", ok ? "ok" : "unavailable");
	cron_json_add_str(o, "db", ok ? "ok" : "unreachable");
	cron_json_add_str(o, "version", PACKAGE_VERSION);
	if (!ok)
		api_header(req, "Retry-After", "1");
	api_respond(req, ok ? 200 : 503, o);
}
