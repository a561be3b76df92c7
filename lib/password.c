/*
 * Password hashes: scrypt through libscrypt, stored in libscrypt's MCF
 *   $s1$NNrrpp$salt$hash
 * where NNrrpp is six lowercase hex digits, one byte each of log2(N), r and
 * p (libscrypt_mcf prints ((log2 N << 16) | (r << 8) | p) as %06x), and salt
 * and hash are standard padded base64 (libscrypt writes a 16-byte salt and
 * a 64-byte hash).  We parse the MCF ourselves, strictly, and compare the
 * derived key with cron_ct_equal rather than trust libscrypt_check, which
 * compares base64 text and writes into the string it is given.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libscrypt.h>
#include <openssl/evp.h>

#include "crypto.h"
#include "password.h"
#include "xmalloc.h"

#define MCF_PREFIX	"$s1$"
#define MCF_MAXLEN	160	/* a 32-byte salt and a 64-byte hash fit */
#define SALT_LEN	16	/* what we write */
#define SALT_MIN	1	/* what we accept, as libscrypt_check does */
#define SALT_MAX	32	/* libscrypt_check's own limit */
#define HASH_LEN	64	/* libscrypt_check only accepts 64 */

/* A parsed MCF string. */
struct mcf {
	struct cron_scrypt	params;
	unsigned char		salt[SALT_MAX];
	size_t			saltlen;
	unsigned char		hash[HASH_LEN];
	size_t			hashlen;
};

/*
 * Returns 1 if c is a cost we can hash and verify with: 1 <= r, p <= 255
 * (the MCF gives each one byte), log2_n up to CRON_SCRYPT_MAX_LOG2_N and
 * below 16 r (scrypt's own limit), and 128 r N bytes of memory at most
 * CRON_SCRYPT_MAX_MEM; else 0.
 */
int
cron_scrypt_valid(const struct cron_scrypt *c)
{
	if (c == NULL || c->log2_n < 1 || c->log2_n > CRON_SCRYPT_MAX_LOG2_N ||
	    c->r < 1 || c->r > 255 || c->p < 1 || c->p > 255 ||
	    c->log2_n >= 16 * c->r)
		return 0;
	return ((uint64_t)128 * (uint64_t)c->r << c->log2_n) <=
	    CRON_SCRYPT_MAX_MEM;
}

/* Returns the length of password, or -1 if NULL or too long. */
static long
pw_len(const char *password)
{
	size_t	n;

	if (password == NULL ||
	    (n = strnlen(password, CRON_PASSWORD_MAXLEN + 1)) >
	    CRON_PASSWORD_MAXLEN)
		return -1;
	return (long)n;
}

/* Returns the value of two lowercase hex digits at s, or -1. */
static int
hex2(const char *s)
{
	static const char	digits[] = "0123456789abcdef";
	const char		*hi, *lo;

	if (s[0] == '\0' || s[1] == '\0' ||
	    (hi = strchr(digits, s[0])) == NULL ||
	    (lo = strchr(digits, s[1])) == NULL)
		return -1;
	return (int)(hi - digits) * 16 + (int)(lo - digits);
}

/*
 * Parses s strictly into m; returns 0, or -1 unless s is exactly
 * $s1$NNrrpp$salt$hash with valid costs, a 1 to 32-byte salt and a 32 or
 * 64-byte hash (a 32-byte scrypt output is a prefix of the 64-byte one).
 */
static int
mcf_parse(const char *s, struct mcf *m)
{
	const char	*salt, *hash;

	memset(m, 0, sizeof(*m));
	if (s == NULL || strnlen(s, MCF_MAXLEN + 1) > MCF_MAXLEN ||
	    strncmp(s, MCF_PREFIX, sizeof(MCF_PREFIX) - 1) != 0)
		return -1;
	s += sizeof(MCF_PREFIX) - 1;
	/* In order, so that nothing is read past a short string's NUL. */
	if ((m->params.log2_n = hex2(s)) == -1 ||
	    (m->params.r = hex2(s + 2)) == -1 ||
	    (m->params.p = hex2(s + 4)) == -1 || s[6] != '$' ||
	    !cron_scrypt_valid(&m->params))
		return -1;
	salt = s + 7;
	if ((hash = strchr(salt, '$')) == NULL)
		return -1;
	hash++;
	if (cron_b64_decode(salt, (size_t)(hash - 1 - salt), 0, m->salt,
	    sizeof(m->salt), &m->saltlen) == -1 || m->saltlen < SALT_MIN ||
	    cron_b64_decode(hash, strlen(hash), 0, m->hash, sizeof(m->hash),
	    &m->hashlen) == -1 || (m->hashlen != 32 && m->hashlen != 64))
		return -1;
	return 0;
}

/*
 * Writes the MCF for costs c, salt and hash into mcf (SCRYPT_MCF_LEN
 * bytes); returns 0, or -1.  c must be valid: libscrypt_mcf reports
 * success for an N that is not a power of two, printing "ffff" for log2 N.
 */
static int
mcf_format(const struct cron_scrypt *c, const unsigned char *salt,
    size_t saltlen, const unsigned char *hash, size_t hashlen, char *mcf)
{
	char	salt64[MCF_MAXLEN], hash64[MCF_MAXLEN];
	int	rc;

	EVP_EncodeBlock((unsigned char *)salt64, salt, (int)saltlen);
	EVP_EncodeBlock((unsigned char *)hash64, hash, (int)hashlen);
	rc = libscrypt_mcf((uint32_t)1 << c->log2_n, (uint32_t)c->r,
	    (uint32_t)c->p, salt64, hash64, mcf);
	explicit_bzero(hash64, sizeof(hash64));
	return rc == 1 ? 0 : -1;
}

/*
 * Returns an owned MCF string of password hashed with costs c and a fresh
 * random salt, or NULL if the password is longer than CRON_PASSWORD_MAXLEN,
 * c is not valid, or scrypt fails (out of memory).
 */
char *
cron_password_hash(const char *password, const struct cron_scrypt *c)
{
	unsigned char	 salt[SALT_LEN], dk[HASH_LEN];
	char		 mcf[SCRYPT_MCF_LEN], *ret = NULL;
	long		 n;

	if ((n = pw_len(password)) == -1 || !cron_scrypt_valid(c))
		return NULL;
	cron_random_bytes(salt, sizeof(salt));
	if (libscrypt_scrypt((const uint8_t *)password, (size_t)n, salt,
	    sizeof(salt), (uint64_t)1 << c->log2_n, (uint32_t)c->r,
	    (uint32_t)c->p, dk, sizeof(dk)) == 0 &&
	    mcf_format(c, salt, sizeof(salt), dk, sizeof(dk), mcf) == 0)
		ret = xstrdup(mcf);
	explicit_bzero(dk, sizeof(dk));
	explicit_bzero(mcf, sizeof(mcf));
	return ret;
}

/*
 * Returns 1 if password matches the MCF hash mcf, 0 if not, and -1 if mcf
 * is malformed, the password is NULL or too long, or scrypt fails.  The
 * derived key is compared in constant time.
 */
int
cron_password_verify(const char *password, const char *mcf)
{
	struct mcf	m;
	unsigned char	dk[HASH_LEN];
	long		n;
	int		rc = -1;

	if ((n = pw_len(password)) == -1 || mcf_parse(mcf, &m) == -1)
		return -1;
	if (libscrypt_scrypt((const uint8_t *)password, (size_t)n, m.salt,
	    m.saltlen, (uint64_t)1 << m.params.log2_n, (uint32_t)m.params.r,
	    (uint32_t)m.params.p, dk, m.hashlen) == 0)
		rc = cron_ct_equal(dk, m.hash, m.hashlen);
	explicit_bzero(dk, sizeof(dk));
	explicit_bzero(&m, sizeof(m));
	return rc;
}

/*
 * Returns 1 if mcf was made with costs other than c (so a login should
 * store a new hash), 0 if with c, and -1 if mcf is malformed or c invalid.
 */
int
cron_password_needs_rehash(const char *mcf, const struct cron_scrypt *c)
{
	struct mcf	m;

	if (!cron_scrypt_valid(c) || mcf_parse(mcf, &m) == -1)
		return -1;
	return m.params.log2_n != c->log2_n || m.params.r != c->r ||
	    m.params.p != c->p;
}

/*
 * Spends what cron_password_verify spends on a hash with costs c, so that a
 * login for an unknown email costs what a wrong password costs.  The dummy
 * hash is made once per process (again if c changes) from random bytes,
 * not by running scrypt: its verify does identical work, and the first
 * unknown email does not cost two scrypt runs, itself a timing signal.
 */
void
cron_password_dummy_verify(const struct cron_scrypt *c)
{
	static char			dummy[SCRYPT_MCF_LEN];
	static struct cron_scrypt	made;
	unsigned char			salt[SALT_LEN], hash[HASH_LEN];

	if (!cron_scrypt_valid(c))
		return;
	if (dummy[0] == '\0' || made.log2_n != c->log2_n || made.r != c->r ||
	    made.p != c->p) {
		cron_random_bytes(salt, sizeof(salt));
		cron_random_bytes(hash, sizeof(hash));
		if (mcf_format(c, salt, sizeof(salt), hash, sizeof(hash),
		    dummy) == -1) {
			dummy[0] = '\0';
			return;
		}
		made = *c;
	}
	(void)cron_password_verify("not the password of any account", dummy);
}
