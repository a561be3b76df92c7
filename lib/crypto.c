/*
 * Small cryptographic helpers over OpenSSL: a CSPRNG that never fails
 * silently, SHA-256, and constant-time comparison.
 */
#include "config.h"

#include <stdint.h>
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

/* Returns the 6-bit value of base64 (url: base64url) character c, or -1. */
int
cron_b64_value(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes the n characters at in into out (at most max bytes) and sets
 * *outlen.  url: unpadded base64url; else standard base64 whose length is
 * a multiple of 4, padding only at the end.  Returns 0, or -1 on any
 * character outside the alphabet, an impossible length, output over max,
 * or unused trailing bits that are not zero, so that every byte string
 * has exactly one accepted encoding.
 */
int
cron_b64_decode(const char *in, size_t n, int url, unsigned char *out,
    size_t max, size_t *outlen)
{
	uint32_t	acc = 0;
	int		bits = 0, v;
	size_t		i, o = 0;

	if (url ? n % 4 == 1 : n == 0 || n % 4 != 0)
		return -1;
	if (!url && in[n - 1] == '=')
		n -= in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n; i++) {
		if ((v = cron_b64_value((unsigned char)in[i], url)) == -1)
			return -1;
		acc = ((acc << 6) | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;
	*outlen = o;
	return 0;
}

/* Writes n bytes of in as unpadded base64url plus NUL into out. */
void
cron_b64url_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t		acc = 0;
	int			bits = 0;
	size_t			i;

	for (i = 0; i < n; i++) {
		acc = ((acc << 8) | in[i]) & 0xffffff;
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			*out++ = alpha[(acc >> bits) & 0x3f];
		}
	}
	if (bits > 0)
		*out++ = alpha[(acc << (6 - bits)) & 0x3f];
	*out = '\0';
}
