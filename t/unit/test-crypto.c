/*
 * Unit tests for lib/crypto.c: SHA-256 against the FIPS 180-2 test
 * vectors, hex encoding, constant-time comparison and the RNG.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "tap.h"

static const struct {
	const char	*in;
	const char	*hex;
} sha_cases[] = {
	/* FIPS 180-2, appendix B.1 and B.2; the empty message. */
	{ "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void
test_sha256(void)
{
	static const unsigned char abc[CRON_SHA256_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	unsigned char	 md[CRON_SHA256_LEN];
	char		 hex[CRON_SHA256_HEXLEN + 1];
	char		*million;
	size_t		 i;

	for (i = 0; i < sizeof(sha_cases) / sizeof(sha_cases[0]); i++) {
		memset(hex, 'x', sizeof(hex));
		cron_sha256_hex(sha_cases[i].in, strlen(sha_cases[i].in), hex);
		is_str(hex, sha_cases[i].hex, "sha256_hex(\"%.20s\")",
		    sha_cases[i].in);
	}

	/* FIPS 180-2, appendix B.3: one million 'a'. */
	million = malloc(1000000);
	ok(million != NULL, "malloc 1000000");
	if (million != NULL) {
		memset(million, 'a', 1000000);
		cron_sha256_hex(million, 1000000, hex);
		is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
		    "f1809a48a497200e046d39ccc7112cd0", "sha256_hex(1e6 x 'a')");
		free(million);
	}

	/* The raw digest, and that the length (not a NUL) bounds the input. */
	memset(md, 0, sizeof(md));
	cron_sha256("abc", 3, md);
	ok(memcmp(md, abc, sizeof(md)) == 0, "sha256(\"abc\") raw bytes");
	cron_sha256("abcdef", 3, md);
	ok(memcmp(md, abc, sizeof(md)) == 0, "sha256 reads only len bytes");
	cron_sha256_hex("ab\0c", 4, hex);
	ok(strcmp(hex, sha_cases[1].hex) != 0 && strlen(hex) == 64,
	    "sha256_hex hashes an embedded NUL");
}

static const struct {
	unsigned char	 in[8];
	size_t		 n;
	const char	*want;
} hex_cases[] = {
	{ { 0 }, 0, "" },
	{ { 0x00 }, 1, "00" },
	{ { 0xff }, 1, "ff" },
	{ { 0x0f, 0xf0 }, 2, "0ff0" },
	{ { 0x00, 0x01, 0xab, 0xff }, 4, "0001abff" },
	{ { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef }, 8,
	  "0123456789abcdef" },
	{ { 0xde, 0xad, 0xbe, 0xef }, 3, "deadbe" },
};

static void
test_hex(void)
{
	char	out[2 * 8 + 2];
	size_t	i;

	for (i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		cron_hex(hex_cases[i].in, hex_cases[i].n, out);
		is_str(out, hex_cases[i].want, "hex case %zu", i);
	}
}

static const struct {
	const char	*a;
	const char	*b;
	size_t		 n;
	int		 want;
} eq_cases[] = {
	{ "secret-token", "secret-token", 12, 1 },
	{ "secret-token", "Secret-token", 12, 0 },	/* first byte */
	{ "secret-token", "secret-tokem", 12, 0 },	/* last byte */
	{ "secret-token", "secret-tokem", 11, 1 },	/* only n compared */
	{ "abc", "xyz", 0, 1 },				/* length 0 */
	{ "", "", 0, 1 },
	{ "a\0b", "a\0c", 3, 0 },			/* past a NUL */
	{ "\x80", "\x00", 1, 0 },			/* high bit */
};

static void
test_ct_equal(void)
{
	size_t	i;

	for (i = 0; i < sizeof(eq_cases) / sizeof(eq_cases[0]); i++)
		is_int(cron_ct_equal(eq_cases[i].a, eq_cases[i].b,
		    eq_cases[i].n), eq_cases[i].want, "ct_equal case %zu", i);
}

static void
test_random(void)
{
	unsigned char	a[32], b[32], zero[32], c[4];
	int		differ = 0, i, seen[256];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(zero, 0, sizeof(zero));
	cron_random_bytes(a, sizeof(a));
	cron_random_bytes(b, sizeof(b));
	ok(memcmp(a, b, sizeof(a)) != 0, "two random draws differ");
	ok(memcmp(a, zero, sizeof(a)) != 0, "a random draw is not all zero");

	/* 1024 draws of one byte take many distinct values. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 1024; i++) {
		cron_random_bytes(c, 1);
		seen[c[0]] = 1;
	}
	for (i = 0; i < 256; i++)
		differ += seen[i];
	ok(differ > 200, "1024 random bytes take %d distinct values", differ);

	/* n = 0 writes nothing. */
	memset(c, 0x5a, sizeof(c));
	cron_random_bytes(c, 0);
	ok(c[0] == 0x5a && c[3] == 0x5a, "random_bytes(0) writes nothing");
}

int
main(void)
{
	test_sha256();
	test_hex();
	test_ct_equal();
	test_random();
	return done_testing();
}
