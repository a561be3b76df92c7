/*
 * fcgi-req: a minimal FastCGI client for tests.  Sends one responder
 * request straight to a cron-api socket and prints the raw response
 * (CGI headers and body) on stdout.  -D MS sleeps after the parameters and
 * before the body, so a test can hold a request in flight in a worker.
 *
 * usage: fcgi-req [-m METHOD] [-t TYPE] [-d BODY] [-H NAME:VALUE]...
 *                 [-D MS] PATH SOCKET
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FCGI_BEGIN_REQUEST	1
#define FCGI_END_REQUEST	3
#define FCGI_PARAMS		4
#define FCGI_STDIN		5
#define FCGI_STDOUT		6
#define FCGI_STDERR		7

static unsigned char	params[65536];
static size_t		plen;

static void
writeall(int fd, const void *buf, size_t n)
{
	const unsigned char	*p = buf;
	ssize_t			 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			err(1, "write");
		p += w;
		n -= (size_t)w;
	}
}

static void
record(int fd, int type, const void *data, size_t len)
{
	unsigned char	h[8] = { 1, (unsigned char)type, 0, 1,
			    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	writeall(fd, h, 8);
	if (len > 0)
		writeall(fd, data, len);
}

static void
putlen(size_t n)
{
	if (n < 128) {
		params[plen++] = (unsigned char)n;
		return;
	}
	params[plen++] = (unsigned char)(0x80 | (n >> 24));
	params[plen++] = (unsigned char)(n >> 16);
	params[plen++] = (unsigned char)(n >> 8);
	params[plen++] = (unsigned char)n;
}

static void
param(const char *name, const char *value)
{
	size_t	nl = strlen(name), vl = strlen(value);

	if (plen + nl + vl + 8 > sizeof(params))
		errx(2, "too many parameters");
	putlen(nl);
	putlen(vl);
	memcpy(params + plen, name, nl);
	plen += nl;
	memcpy(params + plen, value, vl);
	plen += vl;
}

/* Adds header "Name: value" as HTTP_NAME. */
static void
header(const char *h)
{
	char		 name[256] = "HTTP_";
	const char	*colon = strchr(h, ':');
	size_t		 i, o = 5;

	if (colon == NULL || (size_t)(colon - h) > sizeof(name) - 6)
		errx(2, "bad header %s", h);
	for (i = 0; h + i < colon; i++)
		name[o++] = h[i] == '-' ? '_' : (char)toupper((unsigned char)h[i]);
	name[o] = '\0';
	for (colon++; *colon == ' '; colon++)
		;
	param(name, colon);
}

static int
readall(int fd, unsigned char *buf, size_t n)
{
	ssize_t	r;

	while (n > 0) {
		if ((r = read(fd, buf, n)) <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	const char		*method = "GET", *type = NULL, *body = "";
	char			 clen[32], *path, *q;
	unsigned char		 h[8], buf[65536 + 256];
	unsigned char		 begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	int			 ch, fd, delay = 0;
	size_t			 len, pad, off, n;

	while ((ch = getopt(argc, argv, "m:t:d:H:D:")) != -1) {
		switch (ch) {
		case 'm': method = optarg; break;
		case 't': type = optarg; break;
		case 'd': body = optarg; break;
		case 'H': header(optarg); break;
		case 'D': delay = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fcgi-req [-m M] [-t T] [-d BODY] "
			    "[-H N:V] [-D MS] PATH SOCKET\n");
			return 2;
		}
	}
	if (argc - optind != 2)
		errx(2, "need PATH and SOCKET");
	path = strdup(argv[optind]);
	if ((q = strchr(path, '?')) != NULL)
		*q++ = '\0';
	param("REQUEST_METHOD", method);
	param("DOCUMENT_URI", path);
	param("REQUEST_URI", argv[optind]);
	param("QUERY_STRING", q != NULL ? q : "");
	param("REMOTE_ADDR", "127.0.0.1");
	param("SERVER_PROTOCOL", "HTTP/1.1");
	snprintf(clen, sizeof(clen), "%zu", strlen(body));
	param("CONTENT_LENGTH", clen);
	if (type != NULL)
		param("CONTENT_TYPE", type);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[optind + 1]) >= sizeof(sun.sun_path))
		errx(2, "socket path too long");
	strcpy(sun.sun_path, argv[optind + 1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(3, "connect %s", argv[optind + 1]);
	record(fd, FCGI_BEGIN_REQUEST, begin, 8);
	for (off = 0; off < plen; off += n) {
		n = plen - off > 65535 ? 65535 : plen - off;
		record(fd, FCGI_PARAMS, params + off, n);
	}
	record(fd, FCGI_PARAMS, NULL, 0);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);
	for (off = 0, len = strlen(body); off < len; off += n) {
		n = len - off > 65535 ? 65535 : len - off;
		record(fd, FCGI_STDIN, body + off, n);
	}
	record(fd, FCGI_STDIN, NULL, 0);

	for (;;) {
		if (readall(fd, h, 8) == -1)
			errx(1, "connection closed before FCGI_END_REQUEST");
		len = (size_t)h[4] << 8 | h[5];
		pad = h[6];
		if (readall(fd, buf, len + pad) == -1)
			errx(1, "short record");
		if (h[1] == FCGI_STDOUT)
			fwrite(buf, 1, len, stdout);
		else if (h[1] == FCGI_STDERR)
			fwrite(buf, 1, len, stderr);
		else if (h[1] == FCGI_END_REQUEST)
			break;
	}
	free(path);
	close(fd);
	return 0;
}
