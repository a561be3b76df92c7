/*
 * cron-api internal interface: prototypes grouped by source file
 * (OpenBSD httpd.h style).
 */
#ifndef CRON_API_H
#define CRON_API_H

#include <stddef.h>
#include <stdint.h>

#include <fcgiapp.h>
#include <json-c/json.h>

struct cron_conf;
struct db;

#define API_MAX_PARAMS		4
#define API_REQUEST_ID_MAX	128

enum api_method {
	API_GET,
	API_POST,
	API_PUT,
	API_PATCH,
	API_DELETE,
	API_METHOD__MAX
};

/* Every error the API answers with; the status and code live in http.c. */
enum api_err {
	API_E_INVALID_JSON,
	API_E_UNAUTHORIZED,
	API_E_INVALID_CREDENTIALS,
	API_E_TOKEN_ORPHANED,
	API_E_TOKEN_CREATOR_REMOVED,
	API_E_EMAIL_NOT_VERIFIED,
	API_E_INSUFFICIENT_ROLE,
	API_E_WORKSPACE_RESTRICTED,
	API_E_ACCOUNT_RESTRICTED,
	API_E_PLAN_LIMIT_EXCEEDED,
	API_E_NOT_FOUND,
	API_E_METHOD_NOT_ALLOWED,
	API_E_CONFLICT,
	API_E_PAYLOAD_TOO_LARGE,
	API_E_UNSUPPORTED_MEDIA_TYPE,
	API_E_VALIDATION,
	API_E_RATE_LIMITED,
	API_E_INTERNAL,
	API_E_UNAVAILABLE,
	API_E__MAX
};

/* Operations: the key of the permission table (authz, issue 3). */
enum api_op {
	API_OP_HEALTH,
	API_OP_OPENAPI,
	API_OP_DEBUG,
	API_OP__MAX
};

#define ROUTE_BODY	0x01	/* takes a JSON request body */
#define ROUTE_DEBUG	0x02	/* exists only with api_debug_routes = 1 */

enum api_role {
	API_ROLE_MEMBER,
	API_ROLE_ADMIN,
	API_ROLE_OWNER,
	API_ROLE__MAX
};

/* A row of the permission table (authz.c), indexed by enum api_op. */
struct api_perm {
	unsigned	 public:1;	/* no credentials needed */
	unsigned	 verified:1;	/* needs a verified email */
	unsigned	 write:1;	/* blocked when workspace restricted */
	unsigned	 token_ok:1;	/* API tokens may do it */
	enum api_role	 min_role;
};

struct api_req;

struct api_route {
	enum api_method	 method;
	const char	*pattern;	/* "/v1/jobs/:id" */
	void		(*handler)(struct api_req *);
	enum api_op	 op;
	unsigned	 flags;
};

/* Per-worker state, alive for the life of the worker. */
struct api_ctx {
	const struct cron_conf	*conf;
	struct db		*db;
};

/* One request; everything it owns is freed by api_req_free. */
struct api_req {
	FCGX_Request		*fcgx;
	struct api_ctx		*ctx;
	enum api_method		 method;
	const char		*method_str;
	char			*path;
	const char		*query;
	const char		*remote_addr;
	char			 request_id[API_REQUEST_ID_MAX + 1];
	const struct api_route	*route;
	char			*pathbuf;
	const char		*params[API_MAX_PARAMS];
	size_t			 nparams;
	char			*body;
	size_t			 body_len;
	struct json_object	*json;
	char			*headers;	/* extra response headers */
	size_t			 headers_len;
	int			 status;
	const char		*errcode;
	int64_t			 start_us;
};

/* pool.c */
struct api_pool {
	int	  listen_fd;
	int	  workers;
	int	  max_requests;
	int	  drain_seconds;
	void	(*worker_init)(void *);
	void	(*worker_fini)(void *);
	void	(*handle)(FCGX_Request *, void *);
	void	 *arg;
};
int	 api_listen(const char *, int);
int	 api_pool_run(const struct api_pool *);

/* http.c */
void	 api_handle(FCGX_Request *, void *);
const char *api_param(const struct api_req *, const char *);
int	 api_read_body(struct api_req *);
int	 api_json_content_type(const char *);
void	 api_header(struct api_req *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 api_respond(struct api_req *, int, struct json_object *);
void	 api_respond_raw(struct api_req *, int, const char *, const void *,
	    size_t);
void	 api_error(struct api_req *, enum api_err, const char *,
	    struct json_object *);
const char *api_method_name(enum api_method);

/* route.c */
void	 api_dispatch(struct api_req *);
void	 api_routes_print(void);

/* authz.c */
const struct api_perm *api_perm(enum api_op);
int	 api_authorize(struct api_req *);

/* h_health.c */
void	 h_health(struct api_req *);

/* h_debug.c */
void	 h_debug_echo(struct api_req *);

/* h_openapi.c */
void	 h_openapi(struct api_req *);

/* openapi-data.c (generated from docs/openapi.json) */
extern const unsigned char	api_openapi_json[];
extern const size_t		api_openapi_json_len;

#endif
