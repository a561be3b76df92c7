/*
 * The keyring of versioned master keys and AES-256-GCM sealing (SPEC §4).
 * Key bytes live only in the keyring's array, which is wiped whenever it is
 * moved or freed; no message here ever contains key material or plaintext.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto.h"
#include "keyring.h"
#include "xmalloc.h"

#define KEYRING_LINE_MAX	1024		/* longest line in the file */
#define KEYRING_FILE_MAX	(256 * 1024)	/* largest file accepted */
#define KEYRING_B64LEN		44		/* base64 of 32 bytes, padded */

struct keyring_key {
	int		version;
	unsigned char	key[CRON_KEYRING_KEYLEN];
};

/* keys[0..n) sorted by ascending version; current is 0 when unset. */
struct cron_keyring {
	struct keyring_key	*keys;
	size_t			 n;
	size_t			 cap;
	int			 current;
};

/* Returns a new, empty keyring owned by the caller (cron_keyring_free). */
struct cron_keyring *
cron_keyring_new(void)
{
	return xcalloc(1, sizeof(struct cron_keyring));
}

/* Wipes every key and frees k; accepts NULL. */
void
cron_keyring_free(struct cron_keyring *k)
{
	if (k == NULL)
		return;
	xfreezero(k->keys, k->cap * sizeof(k->keys[0]));
	free(k);
}

/* Returns the index of version in k, or -1. */
static int
keyring_find(const struct cron_keyring *k, int version)
{
	size_t	i;

	for (i = 0; i < k->n; i++)
		if (k->keys[i].version == version)
			return (int)i;
	return -1;
}

/* Returns the borrowed key bytes of version, or NULL if k lacks it. */
static const unsigned char *
keyring_key(const struct cron_keyring *k, int version)
{
	int	i;

	if (version <= 0 || (i = keyring_find(k, version)) == -1)
		return NULL;
	return k->keys[i].key;
}

/*
 * Makes room for one more key.  Not xrealloc: that could leave a copy of
 * the keys in freed memory, so the old array is wiped by hand.  Returns 0,
 * or -1 when k already holds CRON_KEYRING_MAX keys.
 */
static int
keyring_grow(struct cron_keyring *k)
{
	struct keyring_key	*nk;
	size_t			 ncap;

	if (k->n < k->cap)
		return 0;
	if (k->n >= CRON_KEYRING_MAX)
		return -1;
	ncap = k->cap == 0 ? 4 : k->cap * 2;
	if (ncap > CRON_KEYRING_MAX)
		ncap = CRON_KEYRING_MAX;
	nk = xcalloc(ncap, sizeof(nk[0]));
	if (k->n > 0)
		memcpy(nk, k->keys, k->n * sizeof(nk[0]));
	xfreezero(k->keys, k->cap * sizeof(k->keys[0]));
	k->keys = nk;
	k->cap = ncap;
	return 0;
}

/*
 * Inserts a copy of key as version, keeping the array sorted.  Returns 0,
 * or -1 if the version is already present or the keyring is full.
 */
static int
keyring_insert(struct cron_keyring *k, int version,
    const unsigned char key[CRON_KEYRING_KEYLEN])
{
	size_t	i;

	if (keyring_find(k, version) != -1 || keyring_grow(k) == -1)
		return -1;
	for (i = k->n; i > 0 && k->keys[i - 1].version > version; i--)
		k->keys[i] = k->keys[i - 1];
	k->keys[i].version = version;
	memcpy(k->keys[i].key, key, CRON_KEYRING_KEYLEN);
	k->n++;
	return 0;
}

int
cron_keyring_current(const struct cron_keyring *k)
{
	return k->current;
}

/* Returns 1 if k holds a key for version, else 0. */
int
cron_keyring_has(const struct cron_keyring *k, int version)
{
	return keyring_find(k, version) != -1;
}

/*
 * Adds version max+1 with a fresh random key and makes it current.
 * Returns the new version, or -1 when the keyring is full.
 */
int
cron_keyring_add(struct cron_keyring *k)
{
	int	v;

	v = k->n == 0 ? 1 : k->keys[k->n - 1].version + 1;
	if (v > CRON_KEYRING_VERSION_MAX || keyring_grow(k) == -1)
		return -1;
	k->keys[k->n].version = v;
	cron_random_bytes(k->keys[k->n].key, CRON_KEYRING_KEYLEN);
	k->n++;
	k->current = v;
	return v;
}

/* Wipes and drops version; returns 0, or -1 if it is current or absent. */
int
cron_keyring_remove(struct cron_keyring *k, int version)
{
	int	i;

	if (version == k->current || (i = keyring_find(k, version)) == -1)
		return -1;
	memmove(&k->keys[i], &k->keys[i + 1],
	    (k->n - (size_t)i - 1) * sizeof(k->keys[0]));
	k->n--;
	explicit_bzero(&k->keys[k->n], sizeof(k->keys[0]));
	return 0;
}

/* Writes at most max versions, ascending, to out; returns how many. */
int
cron_keyring_versions(const struct cron_keyring *k, int *out, int max)
{
	int	i;

	for (i = 0; i < max && (size_t)i < k->n; i++)
		out[i] = k->keys[i].version;
	return i;
}

/* Returns N for "vN" (1..CRON_KEYRING_VERSION_MAX, no leading 0), or -1. */
static int
keyring_version(const char *s)
{
	long	v = 0;
	size_t	i;

	if (s[0] != 'v' || s[1] < '1' || s[1] > '9' || strlen(s) > 7)
		return -1;
	for (i = 1; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= CRON_KEYRING_VERSION_MAX ? (int)v : -1;
}

/*
 * Splits line in place into exactly two blank-separated words, dropping
 * surrounding blanks and a CR.  Returns the number of words found (0 for
 * a blank or comment line, 3 for "more than two").
 */
static int
keyring_words(char *line, char **w1, char **w2)
{
	static const char	blank[] = " \t\r";
	char			*p = line, *e;

	p += strspn(p, blank);
	for (e = p + strlen(p); e > p && strchr(blank, e[-1]) != NULL; e--)
		;
	*e = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	*w1 = p;
	p += strcspn(p, blank);
	if (*p == '\0')
		return 1;
	*p++ = '\0';
	*w2 = p + strspn(p, blank);
	return (*w2)[strcspn(*w2, blank)] == '\0' ? 2 : 3;
}

/* Decodes b64 as the key of version v into k; 0, or -1 with err set. */
static int
keyring_line_key(struct cron_keyring *k, int v, const char *b64,
    const char *where, char *err, size_t errlen)
{
	unsigned char	buf[KEYRING_LINE_MAX / 4 * 3];
	size_t		len = 0;
	int		rc = -1;

	if (cron_b64_decode(b64, strlen(b64), 0, buf, sizeof(buf), &len) == -1)
		snprintf(err, errlen, "%s: v%d: key is not valid base64",
		    where, v);
	else if (len != CRON_KEYRING_KEYLEN)
		snprintf(err, errlen, "%s: v%d: key is %zu bytes, want %d",
		    where, v, len, CRON_KEYRING_KEYLEN);
	else if (cron_keyring_has(k, v))
		snprintf(err, errlen, "%s: duplicate version v%d", where, v);
	else if (keyring_insert(k, v, buf) == -1)
		snprintf(err, errlen, "%s: more than %d versions", where,
		    CRON_KEYRING_MAX);
	else
		rc = 0;
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/*
 * Parses one line (modified in place) into k.  Returns 0, or -1 with a
 * message naming path and line in err; the line itself is never quoted.
 */
static int
keyring_line(struct cron_keyring *k, char *line, const char *path,
    int lineno, char *err, size_t errlen)
{
	char	 where[512];
	char	*w1 = NULL, *w2 = NULL;
	int	 nw, v;

	snprintf(where, sizeof(where), "%s:%d", path, lineno);
	if ((nw = keyring_words(line, &w1, &w2)) == 0)
		return 0;
	if (nw != 2) {
		snprintf(err, errlen, "%s: expected 'vN <base64 key>' or "
		    "'current vN'", where);
		return -1;
	}
	if (strcmp(w1, "current") == 0) {
		if ((v = keyring_version(w2)) == -1) {
			snprintf(err, errlen, "%s: current: bad version, "
			    "want vN", where);
			return -1;
		}
		if (k->current != 0) {
			snprintf(err, errlen, "%s: duplicate 'current' line",
			    where);
			return -1;
		}
		k->current = v;
		return 0;
	}
	if ((v = keyring_version(w1)) == -1) {
		snprintf(err, errlen, "%s: expected 'vN <base64 key>' or "
		    "'current vN'", where);
		return -1;
	}
	return keyring_line_key(k, v, w2, where, err, errlen);
}

/* Parses the keyring text into k; 0, or -1 with err naming the line. */
static int
keyring_parse(struct cron_keyring *k, const char *path, const char *text,
    char *err, size_t errlen)
{
	char		 line[KEYRING_LINE_MAX];
	const char	*p = text, *nl;
	size_t		 len;
	int		 lineno = 0, rc = 0;

	while (rc == 0 && *p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%s:%d: line too long", path,
			    lineno);
			rc = -1;
			break;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		rc = keyring_line(k, line, path, lineno, err, errlen);
		p += len + (nl != NULL);
	}
	explicit_bzero(line, sizeof(line));
	if (rc == 0 && k->current == 0) {
		snprintf(err, errlen, "%s: no 'current vN' line", path);
		rc = -1;
	} else if (rc == 0 && !cron_keyring_has(k, k->current)) {
		snprintf(err, errlen, "%s: current v%d names no key", path,
		    k->current);
		rc = -1;
	}
	return rc;
}

/*
 * Reads the whole keyring file at path after checking on the open
 * descriptor that it is a regular file of mode 0600 or 0400.  Returns an
 * owned NUL-terminated text (wipe and free it) and its length, or NULL
 * with err set.
 */
static char *
keyring_read(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat	 st;
	char		*text = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(err, errlen, "%s: not a regular file", path);
	else if ((st.st_mode & 07777) != 0600 && (st.st_mode & 07777) != 0400)
		snprintf(err, errlen, "%s: mode %04o, want 0600 or 0400 "
		    "(readable by the service user only)", path,
		    (unsigned int)(st.st_mode & 07777));
	else if (st.st_size > KEYRING_FILE_MAX)
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    KEYRING_FILE_MAX);
	else
		text = xmalloc((size_t)st.st_size + 1);
	while (text != NULL && len < (size_t)st.st_size) {
		r = read(fd, text + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			xfreezero(text, (size_t)st.st_size + 1);
			text = NULL;
		} else if (r == 0)
			break;
		else
			len += (size_t)r;
	}
	close(fd);
	if (text != NULL) {
		text[len] = '\0';
		*lenp = len;
	}
	return text;
}

/*
 * Loads the keyring file at path.  Returns an owned keyring
 * (cron_keyring_free), or NULL with the reason in err.
 */
struct cron_keyring *
cron_keyring_load(const char *path, char *err, size_t errlen)
{
	struct cron_keyring	*k = NULL;
	char			*text;
	size_t			 len = 0;

	if ((text = keyring_read(path, &len, err, errlen)) == NULL)
		return NULL;
	if (strlen(text) != len)
		snprintf(err, errlen, "%s: contains a NUL byte", path);
	else {
		k = cron_keyring_new();
		if (keyring_parse(k, path, text, err, errlen) == -1) {
			cron_keyring_free(k);
			k = NULL;
		}
	}
	xfreezero(text, len + 1);
	return k;
}

/* Returns the owned text of k in the file format (wipe and free it). */
static char *
keyring_format(const struct cron_keyring *k, size_t *lenp)
{
	static const char	 head[] = "# cron-platform master keys: keep "
	    "mode 0600, back it up, never commit it.\n";
	char			*text, *p;
	unsigned char		 b64[KEYRING_B64LEN + 1];
	size_t			 i, size;

	size = sizeof(head) + k->n * (8 + KEYRING_B64LEN + 2) + 32;
	p = text = xmalloc(size);
	p += snprintf(p, size, "%s", head);
	for (i = 0; i < k->n; i++) {
		EVP_EncodeBlock(b64, k->keys[i].key, CRON_KEYRING_KEYLEN);
		p += snprintf(p, size - (size_t)(p - text), "v%d %s\n",
		    k->keys[i].version, (char *)b64);
	}
	explicit_bzero(b64, sizeof(b64));
	p += snprintf(p, size - (size_t)(p - text), "current v%d\n",
	    k->current);
	*lenp = (size_t)(p - text);
	return text;
}

/* Writes all n bytes of buf to fd; returns 0, or -1 with errno set. */
static int
keyring_write_all(int fd, const char *buf, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, buf, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Fsyncs the directory holding path, so a rename into it is durable. */
static int
keyring_sync_dir(const char *path)
{
	char	*dir, *slash;
	int	 fd, rc = -1;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

/*
 * Writes k to path atomically: PATH.tmp created exclusively with mode 0600,
 * fsynced, renamed over path, then the directory fsynced.  Returns 0, or -1
 * with err set (and PATH.tmp removed if this call created it).
 */
int
cron_keyring_save(const struct cron_keyring *k, const char *path, char *err,
    size_t errlen)
{
	char	*tmp = NULL, *text = NULL;
	size_t	 len = 0;
	int	 fd = -1, created = 0, rc = -1;

	if (k->current == 0 || !cron_keyring_has(k, k->current)) {
		snprintf(err, errlen, "%s: keyring has no current key", path);
		return -1;
	}
	tmp = xasprintf("%s.tmp", path);
	if ((fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s%s", tmp, strerror(errno),
		    errno == EEXIST ? " (left by an interrupted save? "
		    "remove it)" : "");
		goto out;
	}
	created = 1;
	text = keyring_format(k, &len);
	if (fchmod(fd, 0600) == -1 || keyring_write_all(fd, text, len) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: rename to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	created = 0;
	if (keyring_sync_dir(path) == -1) {
		snprintf(err, errlen, "%s: fsync of directory: %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (created)
		unlink(tmp);
	free(tmp);
	xfreezero(text, len);
	return rc;
}

/*
 * AES-256-GCM of the ptlen bytes at pt under key and nonce, with aad
 * authenticated: writes nonce || ciphertext || tag (ptlen +
 * CRON_SEAL_OVERHEAD bytes) to out.  Returns 0, or -1.
 */
int
cron_gcm_seal_nonce(const unsigned char key[CRON_KEYRING_KEYLEN],
    const unsigned char nonce[CRON_SEAL_NONCELEN], const void *pt,
    size_t ptlen, const void *aad, size_t aadlen, unsigned char *out)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*ct = out + CRON_SEAL_NONCELEN;
	int		 len, rc = -1;

	if (ptlen > CRON_SEAL_MAX || aadlen > CRON_SEAL_MAX ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
	    CRON_SEAL_NONCELEN, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
		goto out;
	if (aadlen > 0 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (ptlen > 0 && (EVP_EncryptUpdate(ctx, ct, &len, pt,
	    (int)ptlen) != 1 || (size_t)len != ptlen))
		goto out;
	if (EVP_EncryptFinal_ex(ctx, ct + ptlen, &len) != 1 || len != 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRON_SEAL_TAGLEN,
	    ct + ptlen) != 1)
		goto out;
	memmove(out, nonce, CRON_SEAL_NONCELEN);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * Decrypts the ptlen ciphertext bytes of sealed (nonce || ciphertext ||
 * tag) into pt and verifies the tag over them and aad.  Returns 0, or -1
 * (pt then holds unauthenticated bytes that the caller must wipe).
 */
static int
keyring_gcm_open(const unsigned char *key, const unsigned char *sealed,
    size_t ptlen, const void *aad, size_t aadlen, unsigned char *pt)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 tag[CRON_SEAL_TAGLEN];
	int		 len, rc = -1;

	memcpy(tag, sealed + CRON_SEAL_NONCELEN + ptlen, sizeof(tag));
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
	    CRON_SEAL_NONCELEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, sealed) != 1)
		goto out;
	if (aadlen > 0 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aadlen) != 1)
		goto out;
	if (ptlen > 0 && (EVP_DecryptUpdate(ctx, pt, &len,
	    sealed + CRON_SEAL_NONCELEN, (int)ptlen) != 1 ||
	    (size_t)len != ptlen))
		goto out;
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(tag),
	    tag) != 1 || EVP_DecryptFinal_ex(ctx, pt + ptlen, &len) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * Seals ptlen bytes of pt with the current key and a fresh random nonce,
 * binding aad.  Returns 0 with an owned *out (free it) of *outlen bytes and
 * the key's *version, or -1 (no current key, pt or aad over CRON_SEAL_MAX)
 * with *out NULL.
 */
int
cron_seal(const struct cron_keyring *k, const void *pt, size_t ptlen,
    const void *aad, size_t aadlen, unsigned char **out, size_t *outlen,
    int *version)
{
	const unsigned char	*key;
	unsigned char		 nonce[CRON_SEAL_NONCELEN];
	unsigned char		*buf;

	*out = NULL;
	*outlen = 0;
	if (ptlen > CRON_SEAL_MAX || aadlen > CRON_SEAL_MAX ||
	    (key = keyring_key(k, k->current)) == NULL)
		return -1;
	cron_random_bytes(nonce, sizeof(nonce));
	buf = xmalloc(ptlen + CRON_SEAL_OVERHEAD);
	if (cron_gcm_seal_nonce(key, nonce, pt, ptlen, aad, aadlen,
	    buf) == -1) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = ptlen + CRON_SEAL_OVERHEAD;
	*version = k->current;
	return 0;
}

/*
 * Opens ctlen bytes sealed by cron_seal under key version and aad.
 * Returns 0 with an owned, NUL-terminated *pt of *ptlen bytes (wipe it:
 * xfreezero(pt, ptlen + 1)), or -1 with *pt NULL when the version is
 * unknown, ct is too short or too long, or the tag does not verify.
 */
/*
 * The associated data that binds a secret's ciphertext to its workspace
 * and name, "workspace_id:name" (owned): cron-api seals with it, the
 * scheduler and key rotation open with it, so it is formatted here only.
 */
char *
cron_secret_aad(const char *wid, const char *name)
{
	return xasprintf("%s:%s", wid, name);
}

/*
 * The associated data that binds a notification channel's sealed
 * credentials to its workspace and id, "channel:workspace_id:channel_id"
 * (owned); the prefix keeps it apart from every secret's.
 */
char *
cron_channel_aad(const char *wid, const char *id)
{
	return xasprintf("channel:%s:%s", wid, id);
}

int
cron_open(const struct cron_keyring *k, int version, const void *ct,
    size_t ctlen, const void *aad, size_t aadlen, unsigned char **pt,
    size_t *ptlen)
{
	const unsigned char	*key;
	unsigned char		*buf;
	size_t			 n;

	*pt = NULL;
	*ptlen = 0;
	if ((key = keyring_key(k, version)) == NULL ||
	    ctlen < CRON_SEAL_OVERHEAD ||
	    (n = ctlen - CRON_SEAL_OVERHEAD) > CRON_SEAL_MAX ||
	    aadlen > CRON_SEAL_MAX)
		return -1;
	buf = xmalloc(n + 1);
	if (keyring_gcm_open(key, ct, n, aad, aadlen, buf) == -1) {
		xfreezero(buf, n + 1);
		return -1;
	}
	buf[n] = '\0';
	*pt = buf;
	*ptlen = n;
	return 0;
}
