/*
 * POST /v1/debug/echo: answers {"received": BODY} with the parsed body.
 * A diagnostic for operators checking body limits and proxy settings end
 * to end; the route exists only when api_debug_routes = 1 (off by
 * default), and it reads nothing but the request itself.
 */
#include "config.h"

#include "api.h"

void
h_debug_echo(struct api_req *req)
{
	struct json_object	*o;

	o = json_object_new_object();
	json_object_object_add(o, "received", json_object_get(req->json));
	api_respond(req, 200, o);
}
