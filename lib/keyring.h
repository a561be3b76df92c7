/*
 * The keyring: versioned 256-bit master keys kept in a file outside the
 * database, and AES-256-GCM sealing of secret values with them (SPEC §4).
 *
 * File format: text, one entry per line, blank lines and "#" comments
 * ignored:
 *	v1 <standard base64 of 32 bytes>
 *	v2 <...>
 *	current v2
 * The file must be mode 0600 or 0400.
 *
 * A sealed value is nonce (12 random bytes) || ciphertext || tag (16 bytes);
 * the associated data binds it to its owner (workspace id + secret name).
 */
#ifndef CRON_KEYRING_H
#define CRON_KEYRING_H

#include <stddef.h>

#define CRON_KEYRING_KEYLEN	32		/* AES-256 */
#define CRON_KEYRING_MAX	1024		/* versions held at once */
#define CRON_KEYRING_VERSION_MAX 999999		/* highest version number */
#define CRON_SEAL_NONCELEN	12		/* GCM 96-bit nonce */
#define CRON_SEAL_TAGLEN	16		/* GCM 128-bit tag */
#define CRON_SEAL_OVERHEAD	(CRON_SEAL_NONCELEN + CRON_SEAL_TAGLEN)
#define CRON_SEAL_MAX		(1024 * 1024)	/* longest plaintext or aad */

struct cron_keyring;

struct cron_keyring *cron_keyring_load(const char *, char *, size_t);
struct cron_keyring *cron_keyring_new(void);
void	cron_keyring_free(struct cron_keyring *);
int	cron_keyring_current(const struct cron_keyring *);
int	cron_keyring_has(const struct cron_keyring *, int);
int	cron_keyring_add(struct cron_keyring *);
int	cron_keyring_remove(struct cron_keyring *, int);
int	cron_keyring_versions(const struct cron_keyring *, int *, int);
int	cron_keyring_save(const struct cron_keyring *, const char *, char *,
	    size_t);

char	*cron_secret_aad(const char *, const char *);
char	*cron_channel_aad(const char *, const char *);
int	cron_seal(const struct cron_keyring *, const void *, size_t,
	    const void *, size_t, unsigned char **, size_t *, int *);
int	cron_open(const struct cron_keyring *, int, const void *, size_t,
	    const void *, size_t, unsigned char **, size_t *);

/*
 * The raw AES-256-GCM step under cron_seal with a caller-chosen nonce.
 * Exposed only for the known-answer tests (t/unit/test-keyring.c): a
 * nonce must never repeat under one key, so everything else uses cron_seal.
 */
int	cron_gcm_seal_nonce(const unsigned char[CRON_KEYRING_KEYLEN],
	    const unsigned char[CRON_SEAL_NONCELEN], const void *, size_t,
	    const void *, size_t, unsigned char *);

#endif
