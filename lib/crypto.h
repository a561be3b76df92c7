/* Cryptographic primitives shared by every program (OpenSSL libcrypto). */
#ifndef CRON_CRYPTO_H
#define CRON_CRYPTO_H

#include <stddef.h>

#define CRON_SHA256_LEN		32
#define CRON_SHA256_HEXLEN	64

void	cron_random_bytes(void *, size_t);
void	cron_sha256(const void *, size_t, unsigned char[CRON_SHA256_LEN]);
void	cron_sha256_hex(const void *, size_t, char[CRON_SHA256_HEXLEN + 1]);
int	cron_ct_equal(const void *, const void *, size_t);
void	cron_hex(const unsigned char *, size_t, char *);

/*
 * Base64: url selects base64url without padding (JWT), else standard
 * base64 with its padding (keyring, scrypt MCF).  Decoding is strict: one
 * accepted encoding per byte string.
 */
int	cron_b64_value(unsigned char, int);
int	cron_b64_decode(const char *, size_t, int, unsigned char *, size_t,
	    size_t *);
void	cron_b64url_encode(const unsigned char *, size_t, char *);

/* A single-use secret for a link (256 bits, hex) and its stored SHA-256. */
#define CRON_SECRET_HEXLEN	64
void	cron_secret_new(char[CRON_SECRET_HEXLEN + 1],
	    char[CRON_SHA256_HEXLEN + 1]);

#endif
