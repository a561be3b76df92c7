/*
 * Unit tests for lib/netaddr.c: URL validation (good and bad URLs with the
 * reason given and what was parsed), the edges of every blocked address
 * range in both families (first and last address blocked, the neighbours
 * outside allowed), IPv6 forms that carry an IPv4 address, the IPv4
 * spellings the resolver accepts, and "localhost".
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"
#include "tap.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define R_LONG		"must be at most 2048 characters"
#define R_CHARS		"must not contain spaces, control or non-ASCII " \
			"characters (percent-encode them)"
#define R_SCHEME	"must use http or https"
#define R_INVALID	"is not a valid URL"
#define R_CREDS		"must not contain credentials"
#define R_NOHOST	"must have a host"
#define R_HOST		"has an invalid host"
#define R_V6		"has an invalid IPv6 address"
#define R_PORT		"has an invalid port"

/* URLs accepted, with what they parse to. */
static const struct {
	const char	*url;
	const char	*scheme;
	const char	*host;
	int		 port;
	int		 ipv6;
} good_urls[] = {
	{ "http://example.com", "http", "example.com", 80, 0 },
	{ "https://example.com/", "https", "example.com", 443, 0 },
	{ "HTTP://Example.COM/Path?Q=1#F", "http", "example.com", 80, 0 },
	{ "HtTpS://EXAMPLE.com:8443/x", "https", "example.com", 8443, 0 },
	{ "https://example.com:443", "https", "example.com", 443, 0 },
	{ "https://example.com:80/", "https", "example.com", 80, 0 },
	{ "http://example.com:1/", "http", "example.com", 1, 0 },
	{ "http://example.com:65535", "http", "example.com", 65535, 0 },
	{ "http://example.com:0080/", "http", "example.com", 80, 0 },
	{ "http://a", "http", "a", 80, 0 },
	{ "http://example.com./", "http", "example.com.", 80, 0 },
	{ "http://my_host-1.Example.com", "http", "my_host-1.example.com",
	  80, 0 },
	{ "http://example.com?x=@y", "http", "example.com", 80, 0 },
	{ "http://example.com#@evil.com", "http", "example.com", 80, 0 },
	{ "http://example.com/@evil.com", "http", "example.com", 80, 0 },
	{ "http://example.com:8080?q", "http", "example.com", 8080, 0 },
	{ "http://example.com:8080#f", "http", "example.com", 8080, 0 },
	{ "http://example.com/%20%zz\\[]{}|^`\"<>", "http", "example.com",
	  80, 0 },
	{ "http://127.0.0.1:8080/", "http", "127.0.0.1", 8080, 0 },
	{ "http://0x7F.1/", "http", "0x7f.1", 80, 0 },
	{ "http://[::1]/", "http", "::1", 80, 1 },
	{ "https://[2606:4700::1111]:8443/dns-query", "https",
	  "2606:4700::1111", 8443, 1 },
	{ "http://[FE80::1]", "http", "fe80::1", 80, 1 },
	{ "http://[::FFFF:127.0.0.1]:80", "http", "::ffff:127.0.0.1", 80, 1 },
	{ "http://[1:2:3:4:5:6:7:8]?x", "http", "1:2:3:4:5:6:7:8", 80, 1 },
};

/* URLs refused, with the reason. */
static const struct {
	const char	*url;
	const char	*why;
} bad_urls[] = {
	{ "", R_INVALID },
	{ "ftp://example.com/", R_SCHEME },
	{ "file:///etc/passwd", R_SCHEME },
	{ "gopher://127.0.0.1:6379/_x", R_SCHEME },
	{ "example.com", R_SCHEME },
	{ "example.com:80", R_SCHEME },
	{ "//example.com", R_SCHEME },
	{ "httpx://example.com", R_SCHEME },
	{ "http:/example.com", R_INVALID },
	{ "http:example.com", R_INVALID },
	{ "https:", R_INVALID },
	{ "http:\\\\example.com", R_INVALID },
	{ "http://", R_NOHOST },
	{ "http:///path", R_NOHOST },
	{ "http://:80/", R_NOHOST },
	{ "http://?q", R_NOHOST },
	{ "http://#f", R_NOHOST },
	{ "http://::1/", R_NOHOST },
	{ "http://user@example.com", R_CREDS },
	{ "https://user:pass@example.com/", R_CREDS },
	{ "http://@example.com", R_CREDS },
	{ "http://example.com@127.0.0.1", R_CREDS },
	{ "http://evil.com\\@127.0.0.1/", R_CREDS },
	{ "http://[::1]@example.com", R_CREDS },
	{ "http://exa mple.com", R_CHARS },
	{ " http://example.com", R_CHARS },
	{ "http://example.com/a b", R_CHARS },
	{ "http://example.com/\t", R_CHARS },
	{ "http://example.com/\r\nX-Injected: 1", R_CHARS },
	{ "http://exa\x7fmple.com", R_CHARS },
	{ "http://ex\xc3\xa4mple.com/", R_CHARS },
	{ "http://example.com/\x01", R_CHARS },
	{ "http://example.com:", R_PORT },
	{ "http://example.com:/", R_PORT },
	{ "http://example.com:0", R_PORT },
	{ "http://example.com:00", R_PORT },
	{ "http://example.com:65536", R_PORT },
	{ "http://example.com:99999999999999999999999", R_PORT },
	{ "http://example.com:8o", R_PORT },
	{ "http://example.com:-1", R_PORT },
	{ "http://example.com:+80", R_PORT },
	{ "http://example.com:80:80", R_PORT },
	{ "http://example.com:0x50", R_PORT },
	{ "http://fe80::1/", R_PORT },
	{ "http://[::1]:", R_PORT },
	{ "http://[::1]:65536/", R_PORT },
	{ "http://exa*mple.com", R_HOST },
	{ "http://.example.com", R_HOST },
	{ "http://example..com", R_HOST },
	{ "http://.", R_HOST },
	{ "http://example.com..", R_HOST },
	{ "http://a[b]", R_HOST },
	{ "http://127.0.0.1\\.evil.com/", R_HOST },
	{ "http://exa%6dple.com/", R_HOST },
	{ "http://[::1", R_V6 },
	{ "http://[::1/]", R_V6 },
	{ "http://[]/", R_V6 },
	{ "http://[::g]/", R_V6 },
	{ "http://[127.0.0.1]/", R_V6 },
	{ "http://[fe80::1%25eth0]/", R_V6 },
	{ "http://[fe80::1%eth0]/", R_V6 },
	{ "http://[1:2:3:4:5:6:7:8:9]/", R_V6 },
	{ "http://[::ffff:0x7f.1]/", R_V6 },
	{ "http://[example.com]/", R_V6 },
	{ "http://[::1]x/", R_INVALID },
	{ "http://[::1]]/", R_INVALID },
	{ "http://[::1][::2]/", R_INVALID },
};

/*
 * Addresses in presentation form (inet_pton), blocked or not.  Each is
 * checked as a sockaddr and as a host literal.
 */
static const struct {
	const char	*addr;
	int		 blocked;
} addrs[] = {
	/* 0.0.0.0/8 */
	{ "0.0.0.0", 1 },
	{ "0.255.255.255", 1 },
	{ "1.0.0.0", 0 },
	/* 10.0.0.0/8 */
	{ "9.255.255.255", 0 },
	{ "10.0.0.0", 1 },
	{ "10.255.255.255", 1 },
	{ "11.0.0.0", 0 },
	/* 100.64.0.0/10 */
	{ "100.63.255.255", 0 },
	{ "100.64.0.0", 1 },
	{ "100.127.255.255", 1 },
	{ "100.128.0.0", 0 },
	/* 127.0.0.0/8 */
	{ "126.255.255.255", 0 },
	{ "127.0.0.0", 1 },
	{ "127.0.0.1", 1 },
	{ "127.255.255.255", 1 },
	{ "128.0.0.0", 0 },
	/* 169.254.0.0/16 */
	{ "169.253.255.255", 0 },
	{ "169.254.0.0", 1 },
	{ "169.254.169.254", 1 },
	{ "169.254.255.255", 1 },
	{ "169.255.0.0", 0 },
	/* 172.16.0.0/12 */
	{ "172.15.255.255", 0 },
	{ "172.16.0.0", 1 },
	{ "172.31.255.255", 1 },
	{ "172.32.0.0", 0 },
	/* 192.0.0.0/24 */
	{ "191.255.255.255", 0 },
	{ "192.0.0.0", 1 },
	{ "192.0.0.255", 1 },
	{ "192.0.1.0", 0 },
	/* 192.0.2.0/24 */
	{ "192.0.1.255", 0 },
	{ "192.0.2.0", 1 },
	{ "192.0.2.255", 1 },
	{ "192.0.3.0", 0 },
	/* 192.168.0.0/16 */
	{ "192.167.255.255", 0 },
	{ "192.168.0.0", 1 },
	{ "192.168.1.1", 1 },
	{ "192.168.255.255", 1 },
	{ "192.169.0.0", 0 },
	/* 198.18.0.0/15 */
	{ "198.17.255.255", 0 },
	{ "198.18.0.0", 1 },
	{ "198.19.255.255", 1 },
	{ "198.20.0.0", 0 },
	/* 198.51.100.0/24 */
	{ "198.51.99.255", 0 },
	{ "198.51.100.0", 1 },
	{ "198.51.100.255", 1 },
	{ "198.51.101.0", 0 },
	/* 203.0.113.0/24 */
	{ "203.0.112.255", 0 },
	{ "203.0.113.0", 1 },
	{ "203.0.113.255", 1 },
	{ "203.0.114.0", 0 },
	/* 224.0.0.0/4, 240.0.0.0/4 */
	{ "223.255.255.255", 0 },
	{ "224.0.0.0", 1 },
	{ "239.255.255.255", 1 },
	{ "240.0.0.0", 1 },
	{ "255.255.255.255", 1 },
	/* public IPv4 */
	{ "8.8.8.8", 0 },
	{ "1.1.1.1", 0 },
	{ "9.9.9.9", 0 },
	{ "93.184.216.34", 0 },

	/* ::, ::1 and ::/96 IPv4-compatible */
	{ "::", 1 },
	{ "::1", 1 },
	{ "::2", 1 },
	{ "::127.0.0.1", 1 },
	{ "::10.1.2.3", 1 },
	{ "::8.8.8.8", 0 },
	{ "::1.0.0.0", 0 },
	{ "::255.255.255.255", 1 },
	/* ::ffff:0:0/96 IPv4-mapped */
	{ "::ffff:0.0.0.0", 1 },
	{ "::ffff:127.0.0.1", 1 },
	{ "::ffff:7f00:1", 1 },
	{ "::ffff:10.0.0.1", 1 },
	{ "::ffff:100.64.0.1", 1 },
	{ "::ffff:169.254.169.254", 1 },
	{ "::ffff:172.16.0.1", 1 },
	{ "::ffff:192.168.0.1", 1 },
	{ "::ffff:224.0.0.1", 1 },
	{ "::ffff:255.255.255.255", 1 },
	{ "::ffff:8.8.8.8", 0 },
	{ "::ffff:1.1.1.1", 0 },
	{ "::ffff:100.128.0.0", 0 },
	/* 64:ff9b::/96 NAT64 */
	{ "64:ff9b::127.0.0.1", 1 },
	{ "64:ff9b::a00:1", 1 },
	{ "64:ff9b::169.254.169.254", 1 },
	{ "64:ff9b::8.8.8.8", 0 },
	{ "64:ff9b::101:101", 0 },
	{ "64:ff9b::1:7f00:1", 0 },		/* outside the /96 */
	/* 64:ff9b:1::/48 local-use NAT64 */
	{ "64:ff9b:1::127.0.0.1", 1 },
	{ "64:ff9b:1:ffff:ffff:ffff:a00:1", 1 },
	{ "64:ff9b:1::8.8.8.8", 0 },
	{ "64:ff9b:2::7f00:1", 0 },		/* outside the /48 */
	{ "64:ff9b:0:ffff::7f00:1", 0 },	/* outside both */
	/* 2002::/16 6to4 */
	{ "2002::", 1 },			/* 0.0.0.0 */
	{ "2002:7f00:1::", 1 },			/* 127.0.0.1 */
	{ "2002:a00:1::1", 1 },			/* 10.0.0.1 */
	{ "2002:c0a8:101:1::1", 1 },		/* 192.168.1.1 */
	{ "2002:a9fe:a9fe::", 1 },		/* 169.254.169.254 */
	{ "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2002:808:808::1", 0 },		/* 8.8.8.8 */
	{ "2002:101:101:ffff::", 0 },		/* 1.1.1.1 */
	{ "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "2003::", 0 },
	/* 100::/64 discard */
	{ "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "100::", 1 },
	{ "100::ffff:ffff:ffff:ffff", 1 },
	{ "100:0:0:1::", 0 },
	/* 2001::/32 Teredo */
	{ "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "2001::", 1 },
	{ "2001:0:4136:e378:8000:63bf:3fff:fdd2", 1 },
	{ "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:1::", 0 },
	/* 2001:db8::/32 documentation */
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "2001:db8::", 1 },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db9::", 0 },
	/* fc00::/7 ULA */
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "fc00::", 1 },
	{ "fd12:3456:789a::1", 1 },
	{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "fe00::", 0 },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	/* fe80::/10 link-local, fec0::/10 site-local, ff00::/8 */
	{ "fe80::", 1 },
	{ "fe80::1", 1 },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "fec0::", 1 },
	{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "ff00::", 1 },
	{ "ff02::1", 1 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	/* public IPv6 */
	{ "2606:4700::1111", 0 },
	{ "2001:4860:4860::8888", 0 },
	{ "2a00:1450:4001:80b::200e", 0 },
	{ "2000::", 0 },
	{ "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
};

/* Host strings as cron_url_parse() leaves them, blocked or not. */
static const struct {
	const char	*host;
	int		 blocked;
} hosts[] = {
	/* IPv4 as inet_aton(3) reads it */
	{ "2130706433", 1 },			/* 127.0.0.1 */
	{ "0177.0.0.1", 1 },
	{ "0x7f.0.0.1", 1 },
	{ "0x7F.0.0.1", 1 },
	{ "0x7f000001", 1 },
	{ "017700000001", 1 },
	{ "127.1", 1 },
	{ "127.0.1", 1 },
	{ "0x7f.1", 1 },
	{ "0", 1 },				/* 0.0.0.0 */
	{ "0x0", 1 },
	{ "10.1", 1 },				/* 10.0.0.1 */
	{ "012.0.0.1", 1 },			/* 10.0.0.1 */
	{ "169.254.43518", 1 },			/* 169.254.169.254 */
	{ "0xa9.0xfe.0xa9.0xfe", 1 },
	{ "2852039166", 1 },			/* 169.254.169.254 */
	{ "3232235521", 1 },			/* 192.168.0.1 */
	{ "4294967295", 1 },			/* 255.255.255.255 */
	{ "127.0.0.1.", 1 },
	{ "0x7f.1.", 1 },
	{ "134744072", 0 },			/* 8.8.8.8 */
	{ "010.010.010.010", 0 },		/* 8.8.8.8 */
	{ "0x08.0x08.0x08.0x08", 0 },
	{ "1.1", 0 },				/* 1.0.0.1 */
	{ "16843009", 0 },			/* 1.1.1.1 */
	/* not literals: names, left to the connect-time check */
	{ "4294967296", 0 },
	{ "127.0.0.1.1", 0 },
	{ "127.0.0.1abc", 0 },
	{ "08.0.0.1", 0 },
	{ "1e100.net", 0 },
	{ "example.com", 0 },
	{ "", 0 },
	/* localhost */
	{ "localhost", 1 },
	{ "localhost.", 1 },
	{ "LOCALHOST.", 1 },
	{ "LocalHost", 1 },
	{ "a.localhost", 1 },
	{ "a.b.LOCALHOST.", 1 },
	{ "localhost.example.com", 0 },
	{ "notlocalhost", 0 },
	{ "localhostx", 0 },
	{ "xlocalhost.", 0 },
	/* IPv6 literals as inet_pton(3) reads them */
	{ "::FFFF:7F00:1", 1 },
	{ "0:0:0:0:0:0:0:1", 1 },
	{ "0000:0000:0000:0000:0000:0000:0000:0001", 1 },
	{ "FE80::1", 1 },
	{ "::ffff:8.8.8.8", 0 },
	{ "[::1]", 0 },				/* brackets: not a literal */
};

static void
test_good_urls(void)
{
	struct cron_url	 u;
	const char	*why;
	char		 got[512], want[512];
	size_t		 i;
	int		 rc;

	for (i = 0; i < NELEM(good_urls); i++) {
		why = "unset";
		rc = cron_url_parse(good_urls[i].url, &u, &why);
		is_int(rc, 0, "good url %s", good_urls[i].url);
		if (rc != 0)
			printf("#   why: %s\n", why);
		snprintf(got, sizeof(got), "%s|%s|%d|%d", u.scheme, u.host,
		    u.port, u.ipv6);
		snprintf(want, sizeof(want), "%s|%s|%d|%d",
		    good_urls[i].scheme, good_urls[i].host, good_urls[i].port,
		    good_urls[i].ipv6);
		is_str(got, want, "good url %s: parsed", good_urls[i].url);
	}
}

/* Returns s with bytes outside 0x20-0x7e as \xNN, for a test line. */
static const char *
visible(const char *s)
{
	static char	buf[512];
	size_t		n = 0;

	for (; *s != '\0' && n + 5 < sizeof(buf); s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			n += snprintf(buf + n, sizeof(buf) - n, "\\x%02x",
			    (unsigned char)*s);
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

static void
test_bad_urls(void)
{
	struct cron_url	 u;
	const char	*why;
	size_t		 i;
	int		 rc;

	for (i = 0; i < NELEM(bad_urls); i++) {
		why = NULL;
		memset(&u, 'x', sizeof(u));
		rc = cron_url_parse(bad_urls[i].url, &u, &why);
		if (rc != -1)
			printf("#   parsed as %s|%s|%d\n", u.scheme, u.host,
			    u.port);
		is_str(rc == -1 ? why : "(accepted)", bad_urls[i].why,
		    "bad url %s", visible(bad_urls[i].url));
	}

	/* out is zeroed on failure; why may be NULL */
	memset(&u, 'x', sizeof(u));
	rc = cron_url_parse("ftp://example.com", &u, NULL);
	ok(rc == -1 && u.scheme[0] == '\0' && u.host[0] == '\0' &&
	    u.port == 0 && u.ipv6 == 0, "failure with NULL why: out zeroed");
	why = NULL;
	is_int(cron_url_parse(NULL, &u, &why), -1, "NULL url");
	is_str(why, R_INVALID, "NULL url: why");
}

/* "http://" + a host of hostlen characters (labels of 50) + "/" + path. */
static char *
make_url(size_t hostlen, int trailingdot, size_t total)
{
	char	*s, *p;
	size_t	 i, need;

	need = 7 + hostlen + 1 + 1 + (total > 0 ? total : 0) + 1;
	if ((s = malloc(need)) == NULL)
		abort();
	memcpy(s, "http://", 7);
	p = s + 7;
	for (i = 0; i < hostlen; i++)
		*p++ = (i % 51 == 50) ? '.' : 'a';
	if (trailingdot)
		p[-1] = '.';
	*p++ = '/';
	while ((size_t)(p - s) < total)
		*p++ = 'p';
	*p = '\0';
	return s;
}

static void
test_lengths(void)
{
	struct cron_url	 u;
	const char	*why;
	char		*s;

	s = make_url(253, 0, 0);
	is_int(cron_url_parse(s, &u, &why), 0, "253-character host");
	is_int(strlen(u.host), 253, "253-character host: kept whole");
	free(s);
	s = make_url(253, 1, 0);
	is_int(cron_url_parse(s, &u, &why), 0,
	    "253-character host with the trailing dot");
	free(s);
	s = make_url(254, 0, 0);
	why = NULL;
	cron_url_parse(s, &u, &why);
	is_str(why, R_HOST, "254-character host");
	free(s);
	s = make_url(254, 1, 0);
	why = NULL;
	cron_url_parse(s, &u, &why);
	is_str(why, R_HOST, "254-character host with the trailing dot");
	free(s);

	s = make_url(11, 0, CRON_URL_MAX);
	is_int(strlen(s), CRON_URL_MAX, "url of CRON_URL_MAX: length");
	is_int(cron_url_parse(s, &u, &why), 0, "url of CRON_URL_MAX bytes");
	free(s);
	s = make_url(11, 0, CRON_URL_MAX + 1);
	why = NULL;
	cron_url_parse(s, &u, &why);
	is_str(why, R_LONG, "url of CRON_URL_MAX + 1 bytes");
	s[20] = ' ';
	why = NULL;
	cron_url_parse(s, &u, &why);
	is_str(why, R_LONG, "too long and with a space: length first");
	free(s);
}

/* Fills ss from the text address a; returns its length, or 0. */
static socklen_t
make_sockaddr(const char *a, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strchr(a, ':') == NULL) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(443);
		if (inet_pton(AF_INET, a, &sin->sin_addr) != 1)
			return 0;
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(80);
	if (inet_pton(AF_INET6, a, &sin6->sin6_addr) != 1)
		return 0;
	return sizeof(*sin6);
}

static void
test_addrs(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	size_t			 i;

	for (i = 0; i < NELEM(addrs); i++) {
		len = make_sockaddr(addrs[i].addr, &ss);
		if (len == 0) {
			ok(0, "inet_pton %s", addrs[i].addr);
			continue;
		}
		is_int(cron_addr_blocked((struct sockaddr *)&ss, len),
		    addrs[i].blocked, "addr %s %s", addrs[i].addr,
		    addrs[i].blocked ? "blocked" : "allowed");
		is_int(cron_host_blocked(addrs[i].addr), addrs[i].blocked,
		    "host %s %s", addrs[i].addr,
		    addrs[i].blocked ? "blocked" : "allowed");
	}
}

static void
test_addr_misc(void)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un	 sun;
	unsigned char		 raw[sizeof(struct sockaddr_in6) + 1];
	socklen_t		 len;

	is_int(cron_addr_blocked(NULL, sizeof(ss)), 1, "NULL sockaddr");

	len = make_sockaddr("8.8.8.8", &ss);
	is_int(cron_addr_blocked((struct sockaddr *)&ss, len), 0,
	    "8.8.8.8, full length");
	is_int(cron_addr_blocked((struct sockaddr *)&ss, len - 1), 1,
	    "8.8.8.8, short length");
	is_int(cron_addr_blocked((struct sockaddr *)&ss, 0), 1,
	    "8.8.8.8, length 0");
	is_int(cron_addr_blocked((struct sockaddr *)&ss, sizeof(ss)), 0,
	    "8.8.8.8, sockaddr_storage length");

	len = make_sockaddr("2606:4700::1111", &ss);
	is_int(cron_addr_blocked((struct sockaddr *)&ss, len), 0,
	    "2606:4700::1111, full length");
	is_int(cron_addr_blocked((struct sockaddr *)&ss, len - 1), 1,
	    "2606:4700::1111, short length");
	is_int(cron_addr_blocked((struct sockaddr *)&ss,
	    sizeof(struct sockaddr_in)), 1,
	    "2606:4700::1111, sockaddr_in length");

	len = make_sockaddr("fe80::1", &ss);
	sin6->sin6_scope_id = 2;
	sin6->sin6_flowinfo = htonl(12345);
	is_int(cron_addr_blocked((struct sockaddr *)&ss, len), 1,
	    "fe80::1 with a scope id");

	/* unaligned copy of a sockaddr_in6 */
	len = make_sockaddr("::ffff:10.0.0.1", &ss);
	memcpy(raw + 1, &ss, len);
	is_int(cron_addr_blocked((struct sockaddr *)(void *)(raw + 1), len),
	    1, "::ffff:10.0.0.1, unaligned");
	len = make_sockaddr("::ffff:8.8.4.4", &ss);
	memcpy(raw + 1, &ss, len);
	is_int(cron_addr_blocked((struct sockaddr *)(void *)(raw + 1), len),
	    0, "::ffff:8.8.4.4, unaligned");

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/x");
	is_int(cron_addr_blocked((struct sockaddr *)&sun, sizeof(sun)), 1,
	    "AF_UNIX");
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNSPEC;
	is_int(cron_addr_blocked((struct sockaddr *)&ss, sizeof(ss)), 1,
	    "AF_UNSPEC");
}

static void
test_hosts(void)
{
	size_t	i;

	for (i = 0; i < NELEM(hosts); i++)
		is_int(cron_host_blocked(hosts[i].host), hosts[i].blocked,
		    "host '%s' %s", hosts[i].host,
		    hosts[i].blocked ? "blocked" : "allowed");
	is_int(cron_host_blocked(NULL), 1, "NULL host blocked");
}

/* The two checks together, as the API does at job create/update. */
static const struct {
	const char	*url;
	int		 blocked;
} url_hosts[] = {
	{ "http://127.0.0.1/", 1 },
	{ "http://0x7F.1:8080/", 1 },
	{ "http://2130706433/", 1 },
	{ "http://169.254.169.254/latest/meta-data/", 1 },
	{ "http://[::ffff:a9fe:a9fe]/", 1 },
	{ "http://[::1]:80/", 1 },
	{ "http://LOCALHOST./", 1 },
	{ "http://api.localhost/", 1 },
	{ "https://example.com/", 0 },
	{ "https://8.8.8.8/", 0 },
	{ "https://[2606:4700::1111]/", 0 },
};

static void
test_url_hosts(void)
{
	struct cron_url	 u;
	const char	*why;
	size_t		 i;

	for (i = 0; i < NELEM(url_hosts); i++) {
		if (cron_url_parse(url_hosts[i].url, &u, &why) != 0) {
			ok(0, "url %s: parse: %s", url_hosts[i].url, why);
			continue;
		}
		is_int(cron_host_blocked(u.host), url_hosts[i].blocked,
		    "url %s %s", url_hosts[i].url,
		    url_hosts[i].blocked ? "blocked" : "allowed");
	}
}

int
main(void)
{
	test_good_urls();
	test_bad_urls();
	test_lengths();
	test_addrs();
	test_addr_misc();
	test_hosts();
	test_url_hosts();
	return done_testing();
}
