/*
 * Small cryptographic helpers over OpenSSL: a CSPRNG that never fails
 * silently, SHA-256, and constant-time comparison.
 */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "log.h"

/* Fills buf with n random bytes; a failing RNG is fatal, never ignored. */
void
cron_random_bytes(void *buf, size_t n)
{
	if (n > 0 && RAND_bytes(buf, (int)n) != 1)
		fatalx("RAND_bytes failed");
}

void
cron_sha256(const void *data, size_t len, unsigned char out[CRON_SHA256_LEN])
{
	unsigned int	olen = CRON_SHA256_LEN;

	if (EVP_Digest(data, len, out, &olen, EVP_sha256(), NULL) != 1)
		fatalx("EVP_Digest(sha256) failed");
}

/* Writes n bytes of in as 2n lowercase hex digits plus NUL into out. */
void
cron_hex(const unsigned char *in, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
cron_sha256_hex(const void *data, size_t len, char out[CRON_SHA256_HEXLEN + 1])
{
	unsigned char	md[CRON_SHA256_LEN];

	cron_sha256(data, len, md);
	cron_hex(md, sizeof(md), out);
}

/* Returns 1 when the n bytes at a and b are equal, in constant time. */
int
cron_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/*
 * Makes a fresh single-use secret (32 random bytes as hex, for a link) in
 * raw and the SHA-256 hex of it, which is all that gets stored, in hash.
 */
void
cron_secret_new(char raw[CRON_SECRET_HEXLEN + 1],
    char hash[CRON_SHA256_HEXLEN + 1])
{
	unsigned char	b[CRON_SECRET_HEXLEN / 2];

	cron_random_bytes(b, sizeof(b));
	cron_hex(b, sizeof(b), raw);
	explicit_bzero(b, sizeof(b));
	cron_sha256_hex(raw, CRON_SECRET_HEXLEN, hash);
}
