/*
 * Unit tests for lib/keyring.c: AES-256-GCM against the McGrew-Viega GCM
 * specification test cases 13-16 (256-bit keys), round trips, tamper and
 * associated-data detection, the keyring file (parse, modes, atomic save)
 * and rotation.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyring.h"
#include "xmalloc.h"
#include "tap.h"

#define K0	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="	/* 32 x 00 */
#define K15	"/v/pkoZlcxxtao+UZzCDCP7/6ZKGZXMcbWqPlGcwgwg="	/* TC 15 key */
#define K31	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="	/* 31 bytes */
#define K33	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"	/* 33 bytes */

static char	tmpdir[] = "/tmp/test-keyring.XXXXXX";

/* Returns a path under tmpdir in a static buffer. */
static const char *
tpath(const char *name)
{
	static char	buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

/* Writes text to tmpdir/name with mode; returns the path (static). */
static const char *
put(const char *name, const char *text, mode_t mode)
{
	const char	*p = tpath(name);
	FILE		*f;

	unlink(p);
	if ((f = fopen(p, "w")) == NULL) {
		perror(p);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

/* Decodes hex into out; returns the number of bytes. */
static size_t
unhex(const char *hex, unsigned char *out)
{
	size_t		i, n = strlen(hex) / 2;
	unsigned int	b;

	for (i = 0; i < n; i++) {
		sscanf(hex + 2 * i, "%2x", &b);
		out[i] = (unsigned char)b;
	}
	return n;
}

/* McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13-16. */
static const struct {
	const char	*name, *key, *keyb64, *iv, *pt, *aad, *ct, *tag;
} kat[] = {
	{ "TC13 empty", "00", K0, "000000000000000000000000", "", "", "",
	  "530f8afbc74536b9a963b4f1c4cb738b" },
	{ "TC14 one zero block", "00", K0, "000000000000000000000000",
	  "00000000000000000000000000000000", "",
	  "cea7403d4d606b6e074ec5d3baf39d18",
	  "d0d1c8a799996bf0265b98b5d48ab919" },
	{ "TC15 four blocks",
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  K15, "cafebabefacedbaddecaf888",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "TC16 aad, partial block",
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  K15, "cafebabefacedbaddecaf888",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

/* Encrypts through the raw EVP step and decrypts through cron_open. */
static void
test_kat(void)
{
	struct cron_keyring	*k;
	unsigned char		 key[32] = { 0 }, iv[12], pt[64], aad[32];
	unsigned char		 want[12 + 64 + 16], got[12 + 64 + 16];
	unsigned char		*dec;
	char			 text[256], err[256];
	size_t			 i, ptlen, aadlen, wantlen, declen;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		if (strlen(kat[i].key) == 64)
			unhex(kat[i].key, key);
		unhex(kat[i].iv, iv);
		ptlen = unhex(kat[i].pt, pt);
		aadlen = unhex(kat[i].aad, aad);
		memcpy(want, iv, 12);
		wantlen = 12 + unhex(kat[i].ct, want + 12);
		wantlen += unhex(kat[i].tag, want + wantlen);
		memset(got, 0xa5, sizeof(got));
		ok(cron_gcm_seal_nonce(key, iv, pt, ptlen, aad, aadlen,
		    got) == 0 && wantlen == ptlen + CRON_SEAL_OVERHEAD &&
		    memcmp(got, want, wantlen) == 0, "%s: encrypt",
		    kat[i].name);

		snprintf(text, sizeof(text), "v1 %s\ncurrent v1\n",
		    kat[i].keyb64);
		k = cron_keyring_load(put("kat", text, 0600), err,
		    sizeof(err));
		dec = NULL;
		ok(k != NULL && cron_open(k, 1, want, wantlen, aad, aadlen,
		    &dec, &declen) == 0 && declen == ptlen &&
		    memcmp(dec, pt, ptlen) == 0 && dec[ptlen] == '\0',
		    "%s: cron_open with the key from a file", kat[i].name);
		if (dec != NULL)
			xfreezero(dec, declen + 1);
		want[wantlen - 1] ^= 1;
		ok(k != NULL && cron_open(k, 1, want, wantlen, aad, aadlen,
		    &dec, &declen) == -1 && dec == NULL,
		    "%s: last tag bit flipped", kat[i].name);
		cron_keyring_free(k);
	}
}

/* Seal and open n bytes under k with a fixed aad; 1 if all went well. */
static int
roundtrip(const struct cron_keyring *k, size_t n)
{
	static const char	 aad[] = "01HZX3K5Q8W6Y2T7M9B4C1D0EF:DB_PASS";
	unsigned char		*pt, *ct = NULL, *dec = NULL;
	size_t			 i, ctlen = 0, declen = 0;
	int			 v = 0, good;

	pt = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		pt[i] = (unsigned char)(i * 7 + 3);
	good = cron_seal(k, pt, n, aad, sizeof(aad) - 1, &ct, &ctlen,
	    &v) == 0 && ctlen == n + CRON_SEAL_OVERHEAD &&
	    v == cron_keyring_current(k) &&
	    cron_open(k, v, ct, ctlen, aad, sizeof(aad) - 1, &dec,
	    &declen) == 0 && declen == n && memcmp(dec, pt, n) == 0 &&
	    dec[n] == '\0';
	if (n >= 16 && ct != NULL)	/* the plaintext is not in the clear */
		good = good && memmem(ct, ctlen, pt, 16) == NULL;
	free(pt);
	free(ct);
	if (dec != NULL)
		xfreezero(dec, declen + 1);
	return good;
}

static void
test_roundtrip(void)
{
	static const size_t	 sizes[] = { 0, 1, 15, 16, 17, 65536,
	    CRON_SEAL_MAX };
	struct cron_keyring	*k;
	unsigned char		*big, *out = (unsigned char *)"x", *pt;
	size_t			 i, outlen = 1, ptlen = 1;
	int			 v = 0;

	k = cron_keyring_new();
	ok(cron_keyring_add(k) == 1, "add v1 to an empty keyring");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ok(roundtrip(k, sizes[i]), "round trip of %zu bytes", sizes[i]);

	big = xcalloc(1, CRON_SEAL_MAX + CRON_SEAL_OVERHEAD + 1);
	ok(cron_seal(k, big, CRON_SEAL_MAX + 1, NULL, 0, &out, &outlen,
	    &v) == -1 && out == NULL && outlen == 0,
	    "plaintext over 1 MiB refused");
	ok(cron_seal(k, "x", 1, big, CRON_SEAL_MAX + 1, &out, &outlen,
	    &v) == -1 && out == NULL, "aad over 1 MiB refused");
	pt = (unsigned char *)"x";
	ok(cron_open(k, 1, big, CRON_SEAL_MAX + CRON_SEAL_OVERHEAD + 1, NULL,
	    0, &pt, &ptlen) == -1 && pt == NULL && ptlen == 0,
	    "sealed value over 1 MiB refused");
	free(big);
	cron_keyring_free(k);

	k = cron_keyring_new();
	out = (unsigned char *)"x";
	ok(cron_seal(k, "x", 1, NULL, 0, &out, &outlen, &v) == -1 &&
	    out == NULL, "seal with no current key fails");
	cron_keyring_free(k);
	cron_keyring_free(NULL);
	ok(1, "cron_keyring_free(NULL)");
}

/* Flips every bit of every byte in [from, to) of ct; 1 if all opens fail. */
static int
tamper(const struct cron_keyring *k, unsigned char *ct, size_t ctlen,
    size_t from, size_t to, const char *aad)
{
	unsigned char	*pt;
	size_t		 i, ptlen;
	int		 bit, bad = 0;

	for (i = from; i < to; i++)
		for (bit = 0; bit < 8; bit++) {
			ct[i] ^= 1u << bit;
			pt = (unsigned char *)"x";
			ptlen = 1;
			if (cron_open(k, 1, ct, ctlen, aad, strlen(aad), &pt,
			    &ptlen) != -1 || pt != NULL || ptlen != 0) {
				printf("# byte %zu bit %d accepted\n", i, bit);
				bad++;
			}
			ct[i] ^= 1u << bit;
		}
	return bad == 0;
}

static void
test_tamper(void)
{
	static const char	 aad[] = "ws1:API_KEY";
	static const char	 secret[] = "s3cr3t-value-that-must-not-leak!";
	struct cron_keyring	*k;
	unsigned char		*ct, *ct0, *pt;
	size_t			 ctlen, ct0len, n = sizeof(secret) - 1, ptlen;
	int			 v;

	k = cron_keyring_new();
	cron_keyring_add(k);
	cron_seal(k, secret, n, aad, strlen(aad), &ct, &ctlen, &v);
	ok(tamper(k, ct, ctlen, 0, 12, aad), "every bit of the nonce");
	ok(tamper(k, ct, ctlen, 12, 12 + n, aad),
	    "every bit of the ciphertext");
	ok(tamper(k, ct, ctlen, 12 + n, ctlen, aad), "every bit of the tag");
	ok(cron_open(k, 1, ct, ctlen - 1, aad, strlen(aad), &pt,
	    &ptlen) == -1 && pt == NULL, "truncated by one byte");
	ok(cron_open(k, 1, ct, CRON_SEAL_OVERHEAD - 1, aad, strlen(aad), &pt,
	    &ptlen) == -1 && pt == NULL, "shorter than nonce + tag");
	ok(cron_open(k, 1, ct, 0, aad, strlen(aad), &pt, &ptlen) == -1,
	    "empty input");
	ct = xrealloc(ct, ctlen + 1);
	ct[ctlen] = 0;
	ok(cron_open(k, 1, ct, ctlen + 1, aad, strlen(aad), &pt,
	    &ptlen) == -1 && pt == NULL, "one byte appended");
	ok(cron_open(k, 1, ct, ctlen, aad, strlen(aad), &pt, &ptlen) == 0 &&
	    ptlen == n && strcmp((char *)pt, secret) == 0,
	    "the untouched value still opens");
	xfreezero(pt, ptlen + 1);

	cron_seal(k, "", 0, aad, strlen(aad), &ct0, &ct0len, &v);
	ok(tamper(k, ct0, ct0len, 0, ct0len, aad),
	    "every bit of an empty value's nonce and tag");
	free(ct0);
	free(ct);
	cron_keyring_free(k);
}

static void
test_aad(void)
{
	static const char	 aad[] = "01HZWORKSPACEAAAAAAAAAAAAA:TOKEN";
	static const struct {
		const char	*name, *aad;
		size_t		 len;
	} bad[] = {
		{ "other name", "01HZWORKSPACEAAAAAAAAAAAAA:TOKEM", 32 },
		{ "other workspace", "01HZWORKSPACEAAAAAAAAAAAAB:TOKEN", 32 },
		{ "aad prefix", "01HZWORKSPACEAAAAAAAAAAAAA:TOKE", 31 },
		{ "aad extended", "01HZWORKSPACEAAAAAAAAAAAAA:TOKENX", 33 },
		{ "no aad", NULL, 0 },
	};
	struct cron_keyring	*k;
	unsigned char		*ct, *pt;
	size_t			 ctlen, ptlen, i;
	int			 v;

	k = cron_keyring_new();
	cron_keyring_add(k);
	cron_seal(k, "hunter2", 7, aad, strlen(aad), &ct, &ctlen, &v);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pt = (unsigned char *)"x";
		ok(cron_open(k, v, ct, ctlen, bad[i].aad, bad[i].len, &pt,
		    &ptlen) == -1 && pt == NULL, "aad mismatch: %s",
		    bad[i].name);
	}
	free(ct);
	cron_seal(k, "hunter2", 7, NULL, 0, &ct, &ctlen, &v);
	ok(cron_open(k, v, ct, ctlen, aad, strlen(aad), &pt, &ptlen) == -1,
	    "sealed without aad, opened with one");
	ok(cron_open(k, v, ct, ctlen, NULL, 0, &pt, &ptlen) == 0 &&
	    ptlen == 7 && memcmp(pt, "hunter2", 8) == 0,
	    "sealed and opened without aad");
	xfreezero(pt, ptlen + 1);
	free(ct);
	cron_keyring_free(k);
}

static void
test_versions_and_nonce(void)
{
	struct cron_keyring	*k, *other;
	unsigned char		*a, *b, *pt;
	size_t			 alen, blen, ptlen;
	int			 va, vb;

	k = cron_keyring_new();
	other = cron_keyring_new();
	cron_keyring_add(k);
	cron_keyring_add(other);
	cron_seal(k, "same", 4, "ad", 2, &a, &alen, &va);
	cron_seal(k, "same", 4, "ad", 2, &b, &blen, &vb);
	ok(alen == blen && va == vb && memcmp(a, b, 12) != 0 &&
	    memcmp(a + 12, b + 12, alen - 12) != 0,
	    "two seals of one value differ (fresh nonce)");
	ok(cron_open(k, 2, a, alen, "ad", 2, &pt, &ptlen) == -1 &&
	    pt == NULL, "unknown version 2");
	ok(cron_open(k, 0, a, alen, "ad", 2, &pt, &ptlen) == -1,
	    "version 0");
	ok(cron_open(k, -1, a, alen, "ad", 2, &pt, &ptlen) == -1,
	    "version -1");
	ok(cron_open(other, 1, a, alen, "ad", 2, &pt, &ptlen) == -1 &&
	    pt == NULL, "another keyring's v1 (wrong key)");
	free(a);
	free(b);
	cron_keyring_free(k);
	cron_keyring_free(other);
}

static void
test_add_remove(void)
{
	struct cron_keyring	*k;
	int			 vs[8], n, i, full;

	k = cron_keyring_new();
	is_int(cron_keyring_current(k), 0, "new keyring: no current");
	is_int(cron_keyring_versions(k, vs, 8), 0, "new keyring: no versions");
	is_int(cron_keyring_has(k, 1), 0, "new keyring: no v1");
	is_int(cron_keyring_add(k), 1, "add -> v1");
	is_int(cron_keyring_add(k), 2, "add -> v2");
	is_int(cron_keyring_current(k), 2, "current follows add");
	is_int(cron_keyring_remove(k, 2), -1, "current cannot be removed");
	is_int(cron_keyring_remove(k, 5), -1, "absent cannot be removed");
	is_int(cron_keyring_remove(k, 1), 0, "remove v1");
	is_int(cron_keyring_has(k, 1), 0, "v1 gone");
	is_int(cron_keyring_remove(k, 1), -1, "v1 cannot be removed twice");
	is_int(cron_keyring_add(k), 3, "add -> v3 (max + 1)");
	n = cron_keyring_versions(k, vs, 8);
	ok(n == 2 && vs[0] == 2 && vs[1] == 3, "versions 2, 3");
	n = cron_keyring_versions(k, vs, 1);
	ok(n == 1 && vs[0] == 2, "versions bounded by max");
	cron_keyring_free(k);

	k = cron_keyring_new();
	for (i = 0, full = 1; i < CRON_KEYRING_MAX; i++)
		full = full && cron_keyring_add(k) == i + 1;
	ok(full && cron_keyring_add(k) == -1 &&
	    cron_keyring_current(k) == CRON_KEYRING_MAX,
	    "add refused past %d versions", CRON_KEYRING_MAX);
	ok(roundtrip(k, 100), "a full keyring still seals");
	cron_keyring_free(k);
}

static const struct {
	const char	*name, *text, *want1, *want2;
} badfiles[] = {
	{ "empty file", "", "no 'current", ":" },
	{ "missing current", "v1 " K0 "\n", "no 'current", "kr:" },
	{ "current names a missing version", "v1 " K0 "\ncurrent v2\n",
	  "current v2 names no key", "kr:" },
	{ "duplicate version", "v1 " K0 "\nv2 " K15 "\nv1 " K15
	  "\ncurrent v1\n", ":3:", "duplicate version v1" },
	{ "duplicate current", "v1 " K0 "\ncurrent v1\ncurrent v1\n", ":3:",
	  "duplicate 'current'" },
	{ "short key", "v1 " K31 "\ncurrent v1\n", ":1:", "31 bytes, want 32" },
	{ "long key", "v1 " K33 "\ncurrent v1\n", ":1:", "33 bytes, want 32" },
	{ "bad base64 character",
	  "v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*AAAA=\n"
	  "current v1\n", ":1:", "not valid base64" },
	{ "bad base64 length",
	  "v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	  "current v1\n", ":1:", "not valid base64" },
	{ "base64 padding inside",
	  "v1 AAAAAAAAAAAAAAAAAAAA=AAAAAAAAAAAAAAAAAAAAAA=\n"
	  "current v1\n", ":1:", "not valid base64" },
	{ "non-canonical base64",
	  "v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n"
	  "current v1\n", ":1:", "not valid base64" },
	{ "unknown keyword", "# keys\n\nv1 " K0 "\nkey " K0 "\ncurrent v1\n",
	  ":4:", "expected" },
	{ "three words", "v1 " K0 " # trailing\ncurrent v1\n", ":1:",
	  "expected" },
	{ "key missing", "v1\ncurrent v1\n", ":1:", "expected" },
	{ "version 0", "v0 " K0 "\ncurrent v0\n", ":1:", "expected" },
	{ "leading zero", "v01 " K0 "\ncurrent v1\n", ":1:", "expected" },
	{ "version too large", "v1000000 " K0 "\ncurrent v1\n", ":1:",
	  "expected" },
	{ "current without v", "v1 " K0 "\ncurrent 1\n", ":2:",
	  "bad version" },
	{ "current with two words", "v1 " K0 "\ncurrent v1 v2\n", ":2:",
	  "expected" },
};

/* Loads text written with mode; returns the keyring, err filled. */
static struct cron_keyring *
load_text(const char *text, mode_t mode, char *err, size_t errlen)
{
	err[0] = '\0';
	return cron_keyring_load(put("kr", text, mode), err, errlen);
}

static void
test_file_parse(void)
{
	struct cron_keyring	*k;
	char			 err[512];
	int			 vs[4], n;
	size_t			 i;

	for (i = 0; i < sizeof(badfiles) / sizeof(badfiles[0]); i++) {
		k = load_text(badfiles[i].text, 0600, err, sizeof(err));
		if (!ok(k == NULL && strstr(err, badfiles[i].want1) != NULL &&
		    strstr(err, badfiles[i].want2) != NULL &&
		    strstr(err, "AAAAAAAA") == NULL &&
		    strstr(err, "/v/pko") == NULL, "refused: %s",
		    badfiles[i].name))
			printf("#   err: %s\n", err);
		cron_keyring_free(k);
	}

	k = load_text("# cron-platform keys\n\n  # indented comment\n"
	    "current v3\r\n\tv3\t" K15 "  \r\n v1 " K0 "\n", 0600, err,
	    sizeof(err));
	n = k != NULL ? cron_keyring_versions(k, vs, 4) : 0;
	if (!ok(k != NULL && n == 2 && vs[0] == 1 && vs[1] == 3 &&
	    cron_keyring_current(k) == 3 && !cron_keyring_has(k, 2),
	    "comments, blank lines, tabs, CRLF, any order"))
		printf("#   err: %s\n", err);
	cron_keyring_free(k);

	k = load_text("v1 " K0 "\ncurrent v1", 0600, err, sizeof(err));
	ok(k != NULL, "no newline at the end");
	cron_keyring_free(k);

	k = cron_keyring_load(tpath("absent"), err, sizeof(err));
	ok(k == NULL && strstr(err, "absent: No such file") != NULL,
	    "missing file: %s", err);
	k = cron_keyring_load(tmpdir, err, sizeof(err));
	ok(k == NULL && strstr(err, "not a regular file") != NULL,
	    "a directory: %s", err);
}

static void
test_file_modes(void)
{
	static const struct {
		mode_t		 mode;
		const char	*s;
	} refused[] = {
		{ 0644, "mode 0644" }, { 0640, "mode 0640" },
		{ 0604, "mode 0604" }, { 0660, "mode 0660" },
		{ 0700, "mode 0700" }, { 0602, "mode 0602" },
		{ 0601, "mode 0601" }, { 04600, "mode 4600" },
	};
	struct cron_keyring	*k;
	char			 err[512];
	size_t			 i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		k = load_text("v1 " K0 "\ncurrent v1\n", refused[i].mode, err,
		    sizeof(err));
		ok(k == NULL && strstr(err, refused[i].s) != NULL,
		    "refused: %s", err);
		cron_keyring_free(k);
	}
	k = load_text("v1 " K0 "\ncurrent v1\n", 0600, err, sizeof(err));
	ok(k != NULL, "mode 0600 accepted");
	cron_keyring_free(k);
	k = load_text("v1 " K0 "\ncurrent v1\n", 0400, err, sizeof(err));
	ok(k != NULL, "mode 0400 accepted");
	cron_keyring_free(k);
}

/* Reads tmpdir/name into buf; returns its length or -1. */
static ssize_t
slurp(const char *name, char *buf, size_t size)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(tpath(name), O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

static void
test_file_save(void)
{
	struct cron_keyring	*k, *l;
	struct stat		 st;
	mode_t			 old;
	unsigned char		*ct1, *ct3, *pt;
	char			 err[512], text[1024], path[PATH_MAX];
	size_t			 ct1len, ct3len, ptlen;
	int			 v, vs[4], n;

	k = cron_keyring_new();
	snprintf(path, sizeof(path), "%s", tpath("keys"));
	ok(cron_keyring_save(k, path, err, sizeof(err)) == -1 &&
	    strstr(err, "no current key") != NULL &&
	    stat(path, &st) == -1 && stat(tpath("keys.tmp"), &st) == -1,
	    "an empty keyring is not saved");
	cron_keyring_add(k);
	cron_seal(k, "first", 5, "a", 1, &ct1, &ct1len, &v);
	cron_keyring_add(k);
	cron_keyring_add(k);
	cron_keyring_remove(k, 2);
	cron_seal(k, "third", 5, "a", 1, &ct3, &ct3len, &v);

	old = umask(0277);
	if (!ok(cron_keyring_save(k, path, err, sizeof(err)) == 0, "save"))
		printf("#   err: %s\n", err);
	umask(old);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "saved with mode 0600 (umask 0277)");
	ok(stat(tpath("keys.tmp"), &st) == -1 && errno == ENOENT,
	    "no temporary file left");
	slurp("keys", text, sizeof(text));
	ok(text[0] == '#' && strstr(text, "\nv1 ") != NULL &&
	    strstr(text, "\nv2 ") == NULL && strstr(text, "\nv3 ") != NULL &&
	    strstr(text, "\ncurrent v3\n") != NULL, "file lines");

	l = cron_keyring_load(path, err, sizeof(err));
	n = l != NULL ? cron_keyring_versions(l, vs, 4) : 0;
	if (!ok(l != NULL && n == 2 && vs[0] == 1 && vs[1] == 3 &&
	    cron_keyring_current(l) == 3, "load what was saved"))
		printf("#   err: %s\n", err);
	ok(l != NULL &&
	    cron_open(l, 1, ct1, ct1len, "a", 1, &pt, &ptlen) == 0 &&
	    memcmp(pt, "first", 6) == 0, "loaded v1 opens a v1 value");
	xfreezero(pt, ptlen + 1);
	ok(l != NULL &&
	    cron_open(l, 3, ct3, ct3len, "a", 1, &pt, &ptlen) == 0 &&
	    memcmp(pt, "third", 6) == 0, "loaded v3 opens a v3 value");
	xfreezero(pt, ptlen + 1);

	cron_keyring_add(l);
	old = umask(0);
	if (!ok(cron_keyring_save(l, path, err, sizeof(err)) == 0,
	    "save over an existing file"))
		printf("#   err: %s\n", err);
	umask(old);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	    "saved with mode 0600 (umask 0)");
	cron_keyring_free(l);
	l = cron_keyring_load(path, err, sizeof(err));
	ok(l != NULL && cron_keyring_current(l) == 4 &&
	    cron_keyring_has(l, 1) && cron_keyring_has(l, 3),
	    "the replacement is loaded");
	cron_keyring_free(l);

	put("keys.tmp", "stale", 0600);
	ok(cron_keyring_save(k, path, err, sizeof(err)) == -1 &&
	    strstr(err, "keys.tmp: File exists") != NULL,
	    "a stale PATH.tmp stops the save: %s", err);
	ok(stat(tpath("keys.tmp"), &st) == 0 && st.st_size == 5,
	    "the stale file is left alone");
	unlink(tpath("keys.tmp"));
	l = cron_keyring_load(path, err, sizeof(err));
	ok(l != NULL && cron_keyring_current(l) == 4,
	    "the file is unchanged after a failed save");
	cron_keyring_free(l);

	ok(cron_keyring_save(k, tpath("nodir/keys"), err, sizeof(err)) == -1 &&
	    strstr(err, "No such file") != NULL, "no such directory: %s", err);
	unlink(path);
	free(ct1);
	free(ct3);
	cron_keyring_free(k);
}

static void
test_rotation(void)
{
	struct cron_keyring	*k;
	unsigned char		*ct1, *ct2, *pt;
	size_t			 ct1len, ct2len, ptlen;
	int			 v1 = 0, v2 = 0;

	k = cron_keyring_new();
	cron_keyring_add(k);
	ok(cron_seal(k, "value", 5, "ws:N", 4, &ct1, &ct1len, &v1) == 0 &&
	    v1 == 1, "seal under v1");
	is_int(cron_keyring_add(k), 2, "rotate: add v2");
	ok(cron_open(k, 1, ct1, ct1len, "ws:N", 4, &pt, &ptlen) == 0 &&
	    ptlen == 5 && memcmp(pt, "value", 6) == 0,
	    "the v1 value still opens with version 1");
	xfreezero(pt, ptlen + 1);
	ok(cron_open(k, 2, ct1, ct1len, "ws:N", 4, &pt, &ptlen) == -1,
	    "the v1 value does not open as version 2");
	ok(cron_seal(k, "value", 5, "ws:N", 4, &ct2, &ct2len, &v2) == 0 &&
	    v2 == 2, "new seals report version 2");
	ok(cron_open(k, 2, ct2, ct2len, "ws:N", 4, &pt, &ptlen) == 0 &&
	    ptlen == 5, "the v2 value opens");
	xfreezero(pt, ptlen + 1);
	is_int(cron_keyring_remove(k, 1), 0, "prune v1");
	ok(cron_open(k, 1, ct1, ct1len, "ws:N", 4, &pt, &ptlen) == -1 &&
	    pt == NULL, "a value under a removed version no longer opens");
	free(ct1);
	free(ct2);
	cron_keyring_free(k);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_kat();
	test_roundtrip();
	test_tamper();
	test_aad();
	test_versions_and_nonce();
	test_add_remove();
	test_file_parse();
	test_file_modes();
	test_file_save();
	test_rotation();
	unlink(tpath("kat"));
	unlink(tpath("kr"));
	rmdir(tmpdir);
	return done_testing();
}
