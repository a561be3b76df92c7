/*
 * seal: seals and opens values with a keyring file, for tests that need a
 * sealed value the API cannot make (lib/keyring.c does the work).
 *
 * usage: seal KEYRING AAD
 *	seals stdin with the current key, prints "VERSION HEX" (the sealed
 *	bytes in uppercase hex, as MariaDB's HEX() prints them)
 *        seal -d KEYRING AAD VERSION
 *	opens the hex of sealed bytes on stdin (whitespace ignored) with key
 *	VERSION and prints the plaintext; exit 1 if it does not decrypt
 */
#include "config.h"

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyring.h"

#define INPUT_MAX	(4 * CRON_SEAL_MAX)

/* Reads all of stdin into an owned buffer; *n is its length. */
static unsigned char *
read_all(size_t *n)
{
	unsigned char	*buf = malloc(INPUT_MAX + 1);
	size_t		 r;

	if (buf == NULL)
		err(2, "malloc");
	*n = 0;
	while ((r = fread(buf + *n, 1, INPUT_MAX + 1 - *n, stdin)) > 0)
		if ((*n += r) > INPUT_MAX)
			errx(2, "input too long");
	if (ferror(stdin))
		err(2, "stdin");
	return buf;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes hex in place, skipping whitespace; returns the length or -1. */
static long
unhex(unsigned char *p, size_t n)
{
	size_t	i, o = 0;
	int	hi = -1, v;

	for (i = 0; i < n; i++) {
		if (isspace(p[i]))
			continue;
		if ((v = hexval(p[i])) == -1)
			return -1;
		if (hi == -1)
			hi = v;
		else {
			p[o++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi == -1 ? (long)o : -1;
}

int
main(int argc, char **argv)
{
	struct cron_keyring	*kr;
	unsigned char		*in, *out;
	size_t			 n, outlen, i;
	char			 e[512];
	long			 ctlen;
	int			 dec = argc > 1 && strcmp(argv[1], "-d") == 0;
	int			 version;

	if (argc != (dec ? 5 : 3)) {
		fprintf(stderr, "usage: seal KEYRING AAD\n"
		    "       seal -d KEYRING AAD VERSION\n");
		return 2;
	}
	argv += dec;
	if ((kr = cron_keyring_load(argv[1], e, sizeof(e))) == NULL)
		errx(2, "%s", e);
	in = read_all(&n);
	if (!dec) {
		if (cron_seal(kr, in, n, argv[2], strlen(argv[2]), &out,
		    &outlen, &version) != 0)
			errx(2, "cron_seal failed");
		printf("%d ", version);
		for (i = 0; i < outlen; i++)
			printf("%02X", out[i]);
		printf("\n");
	} else {
		version = atoi(argv[3]);
		if ((ctlen = unhex(in, n)) == -1)
			errx(2, "stdin is not hex");
		if (cron_open(kr, version, in, (size_t)ctlen, argv[2],
		    strlen(argv[2]), &out, &outlen) == -1)
			errx(1, "does not decrypt with v%d", version);
		fwrite(out, 1, outlen, stdout);
	}
	free(out);
	free(in);
	cron_keyring_free(kr);
	return 0;
}
