/*
 * JSON Web Tokens signed with HMAC-SHA256, the only algorithm we issue and
 * the only one we accept: the header's alg is checked against "HS256", never
 * used to choose a verifier, so "none" or an algorithm swap cannot work.
 * Verification goes from cheap to trusted: shape, header, signature over
 * the bytes received, and only then the claims.  Nothing here logs a token.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"
#include "id.h"
#include "jsonutil.h"
#include "jwt.h"
#include "log.h"
#include "xmalloc.h"

#define JWT_HEADER	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define JWT_JSON_DEPTH	2	/* one object of scalars */
#define B64URL_LEN(n)	(((n) * 4 + 2) / 3)	/* unpadded length */

/* One dot-separated part of a token, borrowed from the token. */
struct jwt_part {
	const char	*s;
	size_t		 n;
};

/* Sets md to HMAC-SHA256(key, the n bytes at data). */
static void
jwt_hmac(const unsigned char *key, size_t keylen, const char *data, size_t n,
    unsigned char md[CRON_SHA256_LEN])
{
	unsigned int	mdlen = CRON_SHA256_LEN;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
	    n, md, &mdlen) == NULL || mdlen != CRON_SHA256_LEN)
		fatalx("HMAC(sha256) failed");
}

/*
 * Returns an owned token "header.payload.signature" for claims c signed with
 * key, or NULL if an id in c is not an id or the key is shorter than
 * CRON_JWT_KEY_MIN bytes.
 */
char *
cron_jwt_encode(const struct cron_jwt *c, const unsigned char *key,
    size_t keylen)
{
	unsigned char	 md[CRON_SHA256_LEN];
	char		 payload[256], *tok;
	size_t		 hlen, plen, n;
	int		 len;

	/* Checked ids need no JSON escaping, so the payload is printed. */
	if (keylen < CRON_JWT_KEY_MIN || !cron_id_valid(c->sub) ||
	    !cron_id_valid(c->wid) || !cron_id_valid(c->jti))
		return NULL;
	len = snprintf(payload, sizeof(payload),
	    "{\"sub\":\"%s\",\"wid\":\"%s\",\"iat\":%" PRId64
	    ",\"exp\":%" PRId64 ",\"jti\":\"%s\"}",
	    c->sub, c->wid, c->iat, c->exp, c->jti);
	if (len < 0 || (size_t)len >= sizeof(payload))
		return NULL;
	hlen = B64URL_LEN(sizeof(JWT_HEADER) - 1);
	plen = B64URL_LEN((size_t)len);
	n = hlen + 1 + plen;
	tok = xmalloc(n + 1 + B64URL_LEN(CRON_SHA256_LEN) + 1);
	cron_b64url_encode((const unsigned char *)JWT_HEADER,
	    sizeof(JWT_HEADER) - 1, tok);
	tok[hlen] = '.';
	cron_b64url_encode((unsigned char *)payload, (size_t)len, tok + hlen + 1);
	jwt_hmac(key, keylen, tok, n, md);
	tok[n] = '.';
	cron_b64url_encode(md, sizeof(md), tok + n + 1);
	return tok;
}

/*
 * Splits token into exactly three non-empty parts of base64url characters
 * (borrowed); returns CRON_JWT_OK or CRON_JWT_MALFORMED.
 */
static enum cron_jwt_err
jwt_split(const char *token, struct jwt_part part[3])
{
	const char	*s, *dot;
	size_t		 len, i, j;

	if (token == NULL ||
	    (len = strnlen(token, CRON_JWT_MAXLEN + 1)) > CRON_JWT_MAXLEN)
		return CRON_JWT_MALFORMED;
	s = token;
	for (i = 0; i < 3; i++) {
		if ((dot = memchr(s, '.', len - (size_t)(s - token))) == NULL)
			dot = token + len;
		else if (i == 2)
			return CRON_JWT_MALFORMED;	/* a fourth part */
		part[i].s = s;
		part[i].n = (size_t)(dot - s);
		if (part[i].n == 0)
			return CRON_JWT_MALFORMED;
		for (j = 0; j < part[i].n; j++)
			if (cron_b64_value((unsigned char)s[j], 1) == -1)
				return CRON_JWT_MALFORMED;
		if (dot == token + len && i < 2)
			return CRON_JWT_MALFORMED;	/* too few parts */
		s = dot + 1;
	}
	return CRON_JWT_OK;
}

/*
 * Decodes part as base64url JSON; returns an owned object (put it), or NULL
 * if it does not decode, parse, or is not an object.
 */
static struct json_object *
jwt_json(const struct jwt_part *part)
{
	unsigned char		 buf[CRON_JWT_MAXLEN];
	struct json_object	*o;
	size_t			 n;

	if (cron_b64_decode(part->s, part->n, 1, buf, sizeof(buf), &n) == -1 ||
	    cron_json_parse((const char *)buf, n, JWT_JSON_DEPTH, &o) !=
	    CRON_JSON_OK)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Returns CRON_JWT_OK if the header pins alg "HS256", has typ "JWT" if any
 * typ, and no crit (we understand no extension), else the cause.
 */
static enum cron_jwt_err
jwt_header(const struct jwt_part *part)
{
	struct json_object	*o, *v;
	const char		*alg;
	enum cron_jwt_err	 rc = CRON_JWT_MALFORMED;

	if ((o = jwt_json(part)) == NULL)
		return CRON_JWT_MALFORMED;
	if (json_object_object_get_ex(o, "crit", NULL))
		goto out;
	if (json_object_object_get_ex(o, "typ", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "JWT") != 0))
		goto out;
	rc = CRON_JWT_ALG;
	if ((alg = cron_json_str(o, "alg")) == NULL ||
	    strcmp(alg, "HS256") != 0)
		goto out;
	rc = CRON_JWT_OK;
out:
	json_object_put(o);
	return rc;
}

/*
 * Returns CRON_JWT_OK if the signature part is HMAC-SHA256 with key over
 * the exact header.payload bytes received, compared in constant time.
 */
static enum cron_jwt_err
jwt_signature(const char *token, const struct jwt_part part[3],
    const unsigned char *key, size_t keylen)
{
	unsigned char	sig[CRON_JWT_MAXLEN], md[CRON_SHA256_LEN];
	size_t		n;

	if (cron_b64_decode(part[2].s, part[2].n, 1, sig, sizeof(sig), &n) == -1)
		return CRON_JWT_MALFORMED;
	if (keylen < CRON_JWT_KEY_MIN || n != CRON_SHA256_LEN)
		return CRON_JWT_SIGNATURE;
	jwt_hmac(key, keylen, token, part[0].n + 1 + part[1].n, md);
	return cron_ct_equal(sig, md, sizeof(md)) ? CRON_JWT_OK :
	    CRON_JWT_SIGNATURE;
}

/* Copies the id member key of o into dst; returns 0, or -1 if not an id. */
static int
jwt_id(struct json_object *o, const char *key, char dst[CRON_ID_LEN + 1])
{
	const char	*s;

	if (!cron_id_valid(s = cron_json_str(o, key)))
		return -1;
	memcpy(dst, s, CRON_ID_LEN + 1);
	return 0;
}

/*
 * Fills c from the (already authenticated) payload part; returns
 * CRON_JWT_OK, or the cause: a missing or mistyped claim, or an iat more
 * than CRON_JWT_LEEWAY seconds after now, is CRON_JWT_CLAIMS.
 */
static enum cron_jwt_err
jwt_claims(const struct jwt_part *part, int64_t now, struct cron_jwt *c)
{
	struct json_object	*o;
	enum cron_jwt_err	 rc = CRON_JWT_CLAIMS;

	if ((o = jwt_json(part)) == NULL)
		return CRON_JWT_MALFORMED;
	if (jwt_id(o, "sub", c->sub) == -1 || jwt_id(o, "wid", c->wid) == -1 ||
	    jwt_id(o, "jti", c->jti) == -1 ||
	    cron_json_int(o, "iat", &c->iat) == -1 ||
	    cron_json_int(o, "exp", &c->exp) == -1)
		goto out;
	if (c->iat > now && (uint64_t)c->iat - (uint64_t)now > CRON_JWT_LEEWAY)
		goto out;
	rc = c->exp > now ? CRON_JWT_OK : CRON_JWT_EXPIRED;
out:
	json_object_put(o);
	return rc;
}

/*
 * Verifies token with key at time now (seconds since the epoch); returns
 * CRON_JWT_OK and fills *out (when out is not NULL), or the first problem
 * found, leaving *out zeroed.  A key shorter than CRON_JWT_KEY_MIN never
 * verifies.
 */
enum cron_jwt_err
cron_jwt_verify(const char *token, const unsigned char *key, size_t keylen,
    int64_t now, struct cron_jwt *out)
{
	struct jwt_part		part[3];
	struct cron_jwt		c;
	enum cron_jwt_err	rc;

	memset(&c, 0, sizeof(c));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if ((rc = jwt_split(token, part)) != CRON_JWT_OK ||
	    (rc = jwt_header(&part[0])) != CRON_JWT_OK ||
	    (rc = jwt_signature(token, part, key, keylen)) != CRON_JWT_OK ||
	    (rc = jwt_claims(&part[1], now, &c)) != CRON_JWT_OK)
		return rc;
	if (out != NULL)
		*out = c;
	return CRON_JWT_OK;
}

/* Returns a static description of e, safe to log (it holds no token bytes). */
const char *
cron_jwt_errstr(enum cron_jwt_err e)
{
	static const char *const s[CRON_JWT_ERR__MAX] = {
		[CRON_JWT_OK] = "ok",
		[CRON_JWT_MALFORMED] = "malformed token",
		[CRON_JWT_ALG] = "token algorithm is not HS256",
		[CRON_JWT_SIGNATURE] = "bad token signature",
		[CRON_JWT_EXPIRED] = "token expired",
		[CRON_JWT_CLAIMS] = "bad token claims",
	};

	return (unsigned)e < CRON_JWT_ERR__MAX ? s[e] : "unknown";
}
