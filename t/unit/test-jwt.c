/*
 * Unit tests for lib/jwt.c: a vector computed outside this code (openssl
 * dgst and python hmac agree on it), round trips, and every way a token can
 * be tampered with, each mapped to its exact error.  Hostile tokens are
 * built here with OpenSSL's HMAC and EVP base64, not with cron_jwt_encode.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "id.h"
#include "jwt.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define KEY	"cron-platform unit-test key, 32+ bytes"
#define KEY2	"another key of at least thirty-two bytes"
#define SUB	"c0000000000000000000user1"
#define WID	"c000000000000000000works1"
#define JTI	"c000000000000000000token1"
#define IAT	1700000000
#define EXP	1700604800	/* IAT + 7 days */
#define HDR	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* The payload of the vector, with iat and exp spliced in. */
#define PAYLOAD(iat, exp) "{\"sub\":\"" SUB "\",\"wid\":\"" WID "\"," \
	"\"iat\":" iat ",\"exp\":" exp ",\"jti\":\"" JTI "\"}"

/*
 * HS256 over HDR and PAYLOAD("1700000000", "1700604800") with KEY, made by:
 *   b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
 *   H=$(printf '%s' "$HDR" | b64url); P=$(printf '%s' "$PAYLOAD" | b64url)
 *   printf '%s' "$H.$P" | openssl dgst -sha256 -hmac "$KEY" -binary | b64url
 */
static const char vector[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJjMDAwMDAwMDAwMDAwMDAwMDAwMHVzZXIxIiwid2lkIjoiYzAwMDAwMDAw"
    "MDAwMDAwMDAwMHdvcmtzMSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwNjA0ODAw"
    "LCJqdGkiOiJjMDAwMDAwMDAwMDAwMDAwMDAwdG9rZW4xIn0."
    "s1HC50JH3zWcC5E7nqjESQBbVxsQnm8yiPDzvX3seOw";

static const unsigned char	*key = (const unsigned char *)KEY;
static const size_t		 keylen = sizeof(KEY) - 1;

/* Appends n bytes of in to out as unpadded base64url (via EVP base64). */
static void
b64u(const void *in, size_t n, char *out)
{
	char	*p;

	out += strlen(out);
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	for (p = out; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	while (p > out && p[-1] == '=')
		*--p = '\0';
}

/* Returns an owned token of hdr and pay signed with md under k. */
static char *
sign_md(const EVP_MD *md, const char *hdr, const char *pay,
    const unsigned char *k, size_t klen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen;
	char		*t;

	t = calloc(1, 4 * (strlen(hdr) + strlen(pay) + 64) / 3 + 16);
	if (t == NULL)
		abort();
	b64u(hdr, strlen(hdr), t);
	strcat(t, ".");
	b64u(pay, strlen(pay), t);
	HMAC(md, k, (int)klen, (unsigned char *)t, strlen(t), mac, &maclen);
	strcat(t, ".");
	b64u(mac, maclen, t);
	return t;
}

static char *
sign(const char *hdr, const char *pay)
{
	return sign_md(EVP_sha256(), hdr, pay, key, keylen);
}

/* Returns the claims of the vector. */
static struct cron_jwt
vector_claims(void)
{
	struct cron_jwt	c;

	memset(&c, 0, sizeof(c));
	strcpy(c.sub, SUB);
	strcpy(c.wid, WID);
	strcpy(c.jti, JTI);
	c.iat = IAT;
	c.exp = EXP;
	return c;
}

static void
test_vector(void)
{
	struct cron_jwt	 c = vector_claims(), out;
	char		*t;

	t = cron_jwt_encode(&c, key, keylen);
	is_str(t, vector, "encode gives the openssl-computed vector");
	free(t);
	t = sign(HDR, PAYLOAD("1700000000", "1700604800"));
	is_str(t, vector, "the test's own signer gives the vector too");
	free(t);

	memset(&out, 0x55, sizeof(out));
	is_int(cron_jwt_verify(vector, key, keylen, IAT + 1, &out), CRON_JWT_OK,
	    "the vector verifies");
	is_str(out.sub, SUB, "sub");
	is_str(out.wid, WID, "wid");
	is_str(out.jti, JTI, "jti");
	is_int(out.iat, IAT, "iat");
	is_int(out.exp, EXP, "exp");
	is_int(cron_jwt_verify(vector, key, keylen, IAT + 1, NULL), CRON_JWT_OK,
	    "out may be NULL");
}

static void
test_round_trip(void)
{
	struct cron_jwt	 c, out, zero;
	char		*t;

	memset(&c, 0, sizeof(c));
	cron_id_new(c.sub);
	cron_id_new(c.wid);
	cron_id_new(c.jti);
	c.iat = 1800000000;
	c.exp = c.iat + 7 * 86400;
	t = cron_jwt_encode(&c, key, keylen);
	ok(t != NULL && strlen(t) < CRON_JWT_MAXLEN, "encode new ids");
	is_int(cron_jwt_verify(t, key, keylen, c.iat, &out), CRON_JWT_OK,
	    "round trip verifies");
	ok(strcmp(c.sub, out.sub) == 0 && strcmp(c.wid, out.wid) == 0 &&
	    strcmp(c.jti, out.jti) == 0 && c.iat == out.iat &&
	    c.exp == out.exp, "round trip keeps every claim");
	is_int(cron_jwt_verify(t, (const unsigned char *)KEY2,
	    sizeof(KEY2) - 1, c.iat, &out), CRON_JWT_SIGNATURE,
	    "round trip under another key");
	memset(&zero, 0, sizeof(zero));
	ok(memcmp(&out, &zero, sizeof(out)) == 0, "out is zeroed on failure");
	free(t);

	/* Negative and large times are printed as integers, not floats. */
	c.iat = -5;
	c.exp = INT64_MAX;
	t = cron_jwt_encode(&c, key, keylen);
	is_int(cron_jwt_verify(t, key, keylen, 0, &out), CRON_JWT_OK,
	    "extreme iat/exp round trip");
	ok(out.iat == -5 && out.exp == INT64_MAX, "extreme iat/exp kept");
	free(t);
}

static void
test_encode_refuses(void)
{
	struct cron_jwt	c = vector_claims();

	ok(cron_jwt_encode(&c, key, 31) == NULL, "encode: 31-byte key");
	strcpy(c.sub, "C0000000000000000000user1");
	ok(cron_jwt_encode(&c, key, keylen) == NULL, "encode: sub not an id");
	c = vector_claims();
	strcpy(c.wid, "c000000000000000000works\"");
	ok(cron_jwt_encode(&c, key, keylen) == NULL, "encode: quote in wid");
	c = vector_claims();
	c.jti[0] = '\0';
	ok(cron_jwt_encode(&c, key, keylen) == NULL, "encode: empty jti");
}

/* Tokens signed with KEY; only the header or the claims are wrong. */
static const struct {
	const char		*what;
	const char		*hdr;
	const char		*pay;
	enum cron_jwt_err	 want;
} signed_cases[] = {
	{ "the vector's claims", HDR, PAYLOAD("1700000000", "1700604800"),
	  CRON_JWT_OK },
	{ "no typ", "{\"alg\":\"HS256\"}", PAYLOAD("1700000000", "1700604800"),
	  CRON_JWT_OK },
	{ "extra header member", "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_OK },
	{ "alg none", "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg HS512", "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg hs256", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg RS256", "{\"alg\":\"RS256\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg \"HS256 \"", "{\"alg\":\"HS256 \"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "missing alg", "{\"typ\":\"JWT\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg a number", "{\"alg\":256}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg null", "{\"alg\":null}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_ALG },
	{ "alg an array", "{\"alg\":[\"HS256\"]}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "typ JWS", "{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "typ not a string", "{\"alg\":\"HS256\",\"typ\":1}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "crit header", "{\"alg\":\"HS256\",\"crit\":\"exp\"}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "header not an object", "[\"HS256\"]",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "header not JSON", "{alg:HS256}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "header with trailing bytes", HDR "x",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "header nested (depth bound)",
	  "{\"alg\":\"HS256\",\"jwk\":{\"k\":\"x\"}}",
	  PAYLOAD("1700000000", "1700604800"), CRON_JWT_MALFORMED },
	{ "expired by 1 s", HDR, PAYLOAD("1700000000", "1700000009"),
	  CRON_JWT_EXPIRED },
	{ "exp == now", HDR, PAYLOAD("1700000000", "1700000010"),
	  CRON_JWT_EXPIRED },
	{ "exp == now + 1", HDR, PAYLOAD("1700000000", "1700000011"),
	  CRON_JWT_OK },
	{ "iat 2 minutes ahead", HDR, PAYLOAD("1700000130", "1700604800"),
	  CRON_JWT_CLAIMS },
	{ "iat 61 s ahead", HDR, PAYLOAD("1700000071", "1700604800"),
	  CRON_JWT_CLAIMS },
	{ "iat 60 s ahead", HDR, PAYLOAD("1700000070", "1700604800"),
	  CRON_JWT_OK },
	{ "exp as string", HDR, PAYLOAD("1700000000", "\"1700604800\""),
	  CRON_JWT_CLAIMS },
	{ "exp as float", HDR, PAYLOAD("1700000000", "1700604800.0"),
	  CRON_JWT_CLAIMS },
	{ "iat null", HDR, PAYLOAD("null", "1700604800"), CRON_JWT_CLAIMS },
	{ "iat true", HDR, PAYLOAD("true", "1700604800"), CRON_JWT_CLAIMS },
	{ "sub not an id", HDR,
	  "{\"sub\":\"user1\",\"wid\":\"" WID "\",\"iat\":1700000000,"
	  "\"exp\":1700604800,\"jti\":\"" JTI "\"}", CRON_JWT_CLAIMS },
	{ "sub upper case", HDR,
	  "{\"sub\":\"C0000000000000000000USER1\",\"wid\":\"" WID "\","
	  "\"iat\":1700000000,\"exp\":1700604800,\"jti\":\"" JTI "\"}",
	  CRON_JWT_CLAIMS },
	{ "sub a number", HDR,
	  "{\"sub\":1,\"wid\":\"" WID "\",\"iat\":1700000000,"
	  "\"exp\":1700604800,\"jti\":\"" JTI "\"}", CRON_JWT_CLAIMS },
	{ "wid one character long", HDR,
	  "{\"sub\":\"" SUB "\",\"wid\":\"" WID "0\",\"iat\":1700000000,"
	  "\"exp\":1700604800,\"jti\":\"" JTI "\"}", CRON_JWT_CLAIMS },
	{ "missing jti", HDR,
	  "{\"sub\":\"" SUB "\",\"wid\":\"" WID "\",\"iat\":1700000000,"
	  "\"exp\":1700604800}", CRON_JWT_CLAIMS },
	{ "missing wid", HDR,
	  "{\"sub\":\"" SUB "\",\"iat\":1700000000,"
	  "\"exp\":1700604800,\"jti\":\"" JTI "\"}", CRON_JWT_CLAIMS },
	{ "missing exp", HDR,
	  "{\"sub\":\"" SUB "\",\"wid\":\"" WID "\",\"iat\":1700000000,"
	  "\"jti\":\"" JTI "\"}", CRON_JWT_CLAIMS },
	{ "extra claim is ignored", HDR,
	  "{\"sub\":\"" SUB "\",\"wid\":\"" WID "\",\"iat\":1700000000,"
	  "\"exp\":1700604800,\"jti\":\"" JTI "\",\"role\":\"owner\"}",
	  CRON_JWT_OK },
	{ "payload an array", HDR, "[1,2]", CRON_JWT_MALFORMED },
	{ "payload not JSON", HDR, "sub=" SUB, CRON_JWT_MALFORMED },
	{ "payload not UTF-8", HDR, "{\"sub\":\"\xff\"}", CRON_JWT_MALFORMED },
};

static void
test_signed_cases(void)
{
	char	*t;
	size_t	 i;

	for (i = 0; i < NELEM(signed_cases); i++) {
		t = sign(signed_cases[i].hdr, signed_cases[i].pay);
		is_int(cron_jwt_verify(t, key, keylen, IAT + 10, NULL),
		    signed_cases[i].want, "signed: %s", signed_cases[i].what);
		free(t);
	}
}

/* Returns an owned copy of the vector with byte at position i set to c. */
static char *
poke(size_t i, char c)
{
	char	*t = strdup(vector);

	if (t == NULL)
		abort();
	t[i] = c;
	return t;
}

/* Returns an owned "a.b.c" from three strings. */
static char *
join(const char *a, const char *b, const char *c)
{
	size_t	 n = strlen(a) + strlen(b) + strlen(c) + 3;
	char	*t = malloc(n);

	if (t == NULL)
		abort();
	snprintf(t, n, "%s.%s.%s", a, b, c);
	return t;
}

/* Verifies t (freeing it) with KEY at IAT + 10 and checks the result. */
static void
check(char *t, enum cron_jwt_err want, const char *what)
{
	is_int(cron_jwt_verify(t, key, keylen, IAT + 10, NULL), want,
	    "%s", what);
	free(t);
}

static void
test_tampering(void)
{
	const char	*dot1 = strchr(vector, '.');
	const char	*dot2 = strrchr(vector, '.');
	size_t		 h = (size_t)(dot1 - vector);
	size_t		 p = (size_t)(dot2 - vector);
	char		 hdr[64], pay[512], sig[64], *a, *b;
	struct cron_jwt	 c = vector_claims();

	memcpy(hdr, vector, h);
	hdr[h] = '\0';
	memcpy(pay, dot1 + 1, p - h - 1);
	pay[p - h - 1] = '\0';
	strcpy(sig, dot2 + 1);

	/* 'e' -> 'f' turns the leading '{' (0x7b) into 0x7f: not JSON. */
	check(poke(0, 'f'), CRON_JWT_MALFORMED, "flip header char 0");
	/* "ciOiJ" -> "ciOiK": still base64url, the header text changes. */
	check(poke(10, vector[10] == 'J' ? 'K' : 'J'), CRON_JWT_MALFORMED,
	    "flip header char 10");
	check(poke(h + 20, vector[h + 20] == 'A' ? 'B' : 'A'),
	    CRON_JWT_SIGNATURE, "flip payload char 20");
	check(poke(p + 10, vector[p + 10] == 'A' ? 'B' : 'A'),
	    CRON_JWT_SIGNATURE, "flip signature char 10");
	check(poke(p + 1, vector[p + 1] == 'A' ? 'B' : 'A'),
	    CRON_JWT_SIGNATURE, "flip signature char 0");
	/* The last of 43 characters carries 2 unused bits; 'w' -> 'x'. */
	check(poke(strlen(vector) - 1, 'x'), CRON_JWT_MALFORMED,
	    "signature with non-zero unused bits");
	check(join("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9", pay, sig),
	    CRON_JWT_SIGNATURE, "same header, other member order");

	/* Swap payloads between two valid tokens. */
	strcpy(c.sub, "c0000000000000000000user2");
	a = cron_jwt_encode(&c, key, keylen);
	is_int(cron_jwt_verify(a, key, keylen, IAT + 10, NULL), CRON_JWT_OK,
	    "second token verifies");
	b = strchr(a, '.');
	*strrchr(a, '.') = '\0';
	check(join(hdr, b + 1, sig), CRON_JWT_SIGNATURE,
	    "payload of token 2 under signature of token 1");
	free(a);

	/* alg none: {"alg":"none","typ":"JWT"} and {"alg":"none"}. */
	check(join("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0", pay, sig),
	    CRON_JWT_ALG, "alg none, HS256 signature kept");
	a = join("eyJhbGciOiJub25lIn0", pay, "");
	check(a, CRON_JWT_MALFORMED, "alg none, empty signature");
	a = malloc(strlen(pay) + 32);
	sprintf(a, "eyJhbGciOiJub25lIn0.%s", pay);
	check(a, CRON_JWT_MALFORMED, "alg none, two parts");
	check(sign_md(EVP_sha512(), "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	    PAYLOAD("1700000000", "1700604800"), key, keylen), CRON_JWT_ALG,
	    "alg HS512 signed with HMAC-SHA512");
	check(sign_md(EVP_sha512(), HDR, PAYLOAD("1700000000", "1700604800"),
	    key, keylen), CRON_JWT_SIGNATURE,
	    "alg HS256 header, HMAC-SHA512 signature");
	check(sign_md(EVP_sha256(), HDR, PAYLOAD("1700000000", "1700604800"),
	    (const unsigned char *)KEY2, sizeof(KEY2) - 1), CRON_JWT_SIGNATURE,
	    "signed with another key");
	check(sign_md(EVP_sha256(), HDR, PAYLOAD("1700000000", "1700604800"),
	    key, 31), CRON_JWT_SIGNATURE, "signed with a prefix of the key");
}

static const struct {
	const char		*tok;
	enum cron_jwt_err	 want;
} shape_cases[] = {
	{ "", CRON_JWT_MALFORMED },
	{ ".", CRON_JWT_MALFORMED },
	{ "..", CRON_JWT_MALFORMED },
	{ "...", CRON_JWT_MALFORMED },
	{ "a.b", CRON_JWT_MALFORMED },
	{ "abc", CRON_JWT_MALFORMED },
	{ ".eyJ9.abcd", CRON_JWT_MALFORMED },
	{ "eyJ9..abcd", CRON_JWT_MALFORMED },
	{ "eyJ9.eyJ9.", CRON_JWT_MALFORMED },
	{ "eyJ9.eyJ9.abcd.", CRON_JWT_MALFORMED },
};

static void
test_shape(void)
{
	const char	*dot1 = strchr(vector, '.');
	const char	*dot2 = strrchr(vector, '.');
	char		*t;
	size_t		 i, n = strlen(vector);

	for (i = 0; i < NELEM(shape_cases); i++)
		is_int(cron_jwt_verify(shape_cases[i].tok, key, keylen, IAT,
		    NULL), shape_cases[i].want, "shape: \"%s\"",
		    shape_cases[i].tok);
	is_int(cron_jwt_verify(NULL, key, keylen, IAT, NULL),
	    CRON_JWT_MALFORMED, "NULL token");

	t = malloc(2 * n + 8);
	sprintf(t, "%s.%s", vector, dot2 + 1);
	check(t, CRON_JWT_MALFORMED, "a fourth part");
	t = malloc(2 * n + 8);
	sprintf(t, "%s=", vector);
	check(t, CRON_JWT_MALFORMED, "signature padded with '='");
	t = malloc(2 * n + 8);
	sprintf(t, "%.*s=%s", (int)(dot2 - vector), vector, dot2);
	check(t, CRON_JWT_MALFORMED, "payload padded with '='");
	t = malloc(2 * n + 8);
	sprintf(t, "%.*s==%s", (int)(dot1 - vector), vector, dot1);
	check(t, CRON_JWT_MALFORMED, "header padded with '=='");
	check(poke((size_t)(dot2 - vector) + 5, '+'), CRON_JWT_MALFORMED,
	    "'+' (standard base64) in the signature");
	check(poke((size_t)(dot2 - vector) + 5, '/'), CRON_JWT_MALFORMED,
	    "'/' (standard base64) in the signature");
	check(poke(3, ' '), CRON_JWT_MALFORMED, "space in the header");
	check(poke((size_t)(dot1 - vector) + 3, '\n'), CRON_JWT_MALFORMED,
	    "newline in the payload");
	check(poke(5, '\xc3'), CRON_JWT_MALFORMED, "non-ASCII byte");
	check(poke((size_t)(dot2 - vector), '\0'), CRON_JWT_MALFORMED,
	    "NUL in place of the second dot");
	t = malloc(2 * n + 8);
	sprintf(t, "%s\n", vector);
	check(t, CRON_JWT_MALFORMED, "trailing newline");
	t = malloc(2 * n + 8);
	sprintf(t, " %s", vector);
	check(t, CRON_JWT_MALFORMED, "leading space");
}

/* Returns an owned validly signed token whose payload has filler bytes. */
static char *
padded(size_t filler)
{
	char	*pay, *t;

	pay = malloc(filler + 256);
	if (pay == NULL)
		abort();
	snprintf(pay, filler + 256, "{\"sub\":\"%s\",\"wid\":\"%s\","
	    "\"iat\":%d,\"exp\":%d,\"jti\":\"%s\",\"x\":\"%*s\"}",
	    SUB, WID, IAT, EXP, JTI, (int)filler, "");
	t = sign(HDR, pay);
	free(pay);
	return t;
}

static void
test_length(void)
{
	char	*t = NULL;
	size_t	 f;

	/* Find the filler that makes a token of exactly the maximum. */
	for (f = 2800; f < 3100; f++) {
		t = padded(f);
		if (strlen(t) == CRON_JWT_MAXLEN)
			break;
		free(t);
		t = NULL;
	}
	ok(t != NULL, "a token of exactly %d bytes exists", CRON_JWT_MAXLEN);
	if (t == NULL)
		return;
	check(t, CRON_JWT_OK, "token of exactly the maximum length");
	t = padded(f + 1);
	is_int(strlen(t), CRON_JWT_MAXLEN + 1, "one more filler byte");
	check(t, CRON_JWT_MALFORMED, "token one byte over the maximum");
	t = padded(60000);
	check(t, CRON_JWT_MALFORMED, "token of 80 kB");
}

static void
test_keys(void)
{
	is_int(cron_jwt_verify(vector, key, keylen - 1, IAT + 10, NULL),
	    CRON_JWT_SIGNATURE, "key one byte short of the signing key");
	is_int(cron_jwt_verify(vector, (const unsigned char *)KEY2,
	    sizeof(KEY2) - 1, IAT + 10, NULL), CRON_JWT_SIGNATURE, "wrong key");
	is_int(cron_jwt_verify(vector, key, 0, IAT + 10, NULL),
	    CRON_JWT_SIGNATURE, "empty key never verifies");
	is_int(cron_jwt_verify(vector, key, keylen, EXP, NULL),
	    CRON_JWT_EXPIRED, "the vector at exp");
	is_int(cron_jwt_verify(vector, key, keylen, IAT - 61, NULL),
	    CRON_JWT_CLAIMS, "the vector 61 s before iat");
	is_int(cron_jwt_verify(vector, key, keylen, IAT - 60, NULL),
	    CRON_JWT_OK, "the vector 60 s before iat");
}

static void
test_errstr(void)
{
	int	i, j, distinct = 1;

	for (i = 0; i < CRON_JWT_ERR__MAX; i++)
		for (j = 0; j < i; j++)
			if (strcmp(cron_jwt_errstr(i), cron_jwt_errstr(j)) == 0)
				distinct = 0;
	ok(distinct, "every error has its own text");
	is_str(cron_jwt_errstr(CRON_JWT_ERR__MAX), "unknown", "errstr(__MAX)");
}

int
main(void)
{
	test_vector();
	test_round_trip();
	test_encode_refuses();
	test_signed_cases();
	test_tampering();
	test_shape();
	test_length();
	test_keys();
	test_errstr();
	return done_testing();
}
