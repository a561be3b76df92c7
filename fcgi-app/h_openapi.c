/* GET /v1/openapi.json: the API description, compiled into the binary. */
#include "config.h"

#include "api.h"

void
h_openapi(struct api_req *req)
{
	api_respond_raw(req, 200, "application/json", api_openapi_json,
	    api_openapi_json_len);
}
