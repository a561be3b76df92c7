/* JSON Web Tokens, HS256 only (RFC 7519, JWS compact form of RFC 7515). */
#ifndef CRON_JWT_H
#define CRON_JWT_H

#include <stddef.h>
#include <stdint.h>

#define CRON_JWT_MAXLEN		4096	/* longest token accepted */
#define CRON_JWT_KEY_MIN	32	/* RFC 7518 3.2: key >= hash size */
#define CRON_JWT_LEEWAY		60	/* seconds iat may lie in the future */

/* The claims; ids are CRON_ID_LEN characters plus NUL (id.h). */
struct cron_jwt {
	char	sub[26];	/* user id */
	char	wid[26];	/* workspace id */
	int64_t	iat;		/* issued at, seconds since the epoch */
	int64_t	exp;		/* expires at, seconds since the epoch */
	char	jti[26];	/* token id */
};

enum cron_jwt_err {
	CRON_JWT_OK = 0,
	CRON_JWT_MALFORMED,	/* not three base64url parts, bad header */
	CRON_JWT_ALG,		/* alg missing, not a string, not "HS256" */
	CRON_JWT_SIGNATURE,	/* signature does not match, or short key */
	CRON_JWT_EXPIRED,	/* exp <= now */
	CRON_JWT_CLAIMS,	/* a claim missing, mistyped, or iat ahead */
	CRON_JWT_ERR__MAX
};

char		*cron_jwt_encode(const struct cron_jwt *, const unsigned char *,
		    size_t);
enum cron_jwt_err cron_jwt_verify(const char *, const unsigned char *, size_t,
		    int64_t, struct cron_jwt *);
const char	*cron_jwt_errstr(enum cron_jwt_err);

#endif
