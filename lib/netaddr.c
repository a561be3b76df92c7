/*
 * Target URLs and the SSRF address policy (netaddr.h has the rules).  The
 * blocked ranges are two small tables of {prefix, length}, one per family,
 * searched in order; an IPv6 entry may say that the address carries an
 * IPv4 address, which is then judged against the IPv4 table.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netaddr.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define STR(x)		#x
#define XSTR(x)		STR(x)

#define WHY_LONG	"must be at most " XSTR(CRON_URL_MAX) " characters"
#define WHY_CHARS	"must not contain spaces, control or non-ASCII " \
			"characters (percent-encode them)"
#define WHY_SCHEME	"must use http or https"
#define WHY_INVALID	"is not a valid URL"
#define WHY_CREDS	"must not contain credentials"
#define WHY_NOHOST	"must have a host"
#define WHY_HOST	"has an invalid host"
#define WHY_V6		"has an invalid IPv6 address"
#define WHY_PORT	"has an invalid port"

#define HOST_MAX	253	/* longest host name, trailing dot included */

/* Blocked IPv4 ranges; net is in host byte order. */
static const struct {
	uint32_t	net;
	int		len;
} v4_blocked[] = {
	{ 0x00000000, 8 },	/* 0.0.0.0/8 "this network" */
	{ 0x0a000000, 8 },	/* 10.0.0.0/8 private */
	{ 0x64400000, 10 },	/* 100.64.0.0/10 CGNAT */
	{ 0x7f000000, 8 },	/* 127.0.0.0/8 loopback */
	{ 0xa9fe0000, 16 },	/* 169.254.0.0/16 link-local */
	{ 0xac100000, 12 },	/* 172.16.0.0/12 private */
	{ 0xc0000000, 24 },	/* 192.0.0.0/24 IETF protocol assignments */
	{ 0xc0000200, 24 },	/* 192.0.2.0/24 TEST-NET-1 */
	{ 0xc0a80000, 16 },	/* 192.168.0.0/16 private */
	{ 0xc6120000, 15 },	/* 198.18.0.0/15 benchmarking */
	{ 0xc6336400, 24 },	/* 198.51.100.0/24 TEST-NET-2 */
	{ 0xcb007100, 24 },	/* 203.0.113.0/24 TEST-NET-3 */
	{ 0xe0000000, 4 },	/* 224.0.0.0/4 multicast */
	{ 0xf0000000, 4 },	/* 240.0.0.0/4 reserved, broadcast */
};

/* What an IPv6 range that matches means. */
enum v6_how {
	V6_BLOCK,	/* blocked */
	V6_LAST32,	/* judge the IPv4 address in bytes 12-15 */
	V6_6TO4		/* judge the IPv4 address in bytes 2-5 */
};

/* IPv6 ranges, first match wins (::/128 and ::1/128 come before ::/96). */
static const struct {
	uint8_t		pfx[16];
	int		len;
	enum v6_how	how;
} v6_ranges[] = {
	/* :: */
	{ { 0 }, 128, V6_BLOCK },
	/* ::1 */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128, V6_BLOCK },
	/* ::ffff:0:0/96 IPv4-mapped */
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, 96, V6_LAST32 },
	/* ::/96 IPv4-compatible */
	{ { 0 }, 96, V6_LAST32 },
	/* 64:ff9b::/96 NAT64 */
	{ { 0x00, 0x64, 0xff, 0x9b }, 96, V6_LAST32 },
	/* 64:ff9b:1::/48 local-use NAT64 */
	{ { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 }, 48, V6_LAST32 },
	/* 100::/64 discard */
	{ { 0x01, 0x00 }, 64, V6_BLOCK },
	/* 2001::/32 Teredo */
	{ { 0x20, 0x01, 0x00, 0x00 }, 32, V6_BLOCK },
	/* 2001:db8::/32 documentation */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, V6_BLOCK },
	/* 2002::/16 6to4 */
	{ { 0x20, 0x02 }, 16, V6_6TO4 },
	/* fc00::/7 unique local */
	{ { 0xfc }, 7, V6_BLOCK },
	/* fe80::/10 link-local */
	{ { 0xfe, 0x80 }, 10, V6_BLOCK },
	/* fec0::/10 site-local (deprecated) */
	{ { 0xfe, 0xc0 }, 10, V6_BLOCK },
	/* ff00::/8 multicast */
	{ { 0xff }, 8, V6_BLOCK },
};

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Returns 1 if the n bytes at a and b are equal, ignoring ASCII case. */
static int
ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (ascii_lower((unsigned char)a[i]) !=
		    ascii_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Returns 1 if c may appear in a host name. */
static int
host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    ascii_digit(c) || c == '-' || c == '.' || c == '_';
}

/* Copies n bytes of s to dst, lower-cased, and terminates it. */
static void
copy_lower(char *dst, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		dst[i] = ascii_lower((unsigned char)s[i]);
	dst[n] = '\0';
}

/* Fails cron_url_parse(): zeroes out, sets *why. */
static int
url_fail(struct cron_url *out, const char **why, const char *reason)
{
	memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = reason;
	return -1;
}

/*
 * Returns 1 if the n bytes at s are a host name: 1-253 name characters
 * with no empty label, except for the one after a trailing dot.
 */
static int
host_name_ok(const char *s, size_t n)
{
	size_t	i, label = 0;

	if (n == 0 || n > HOST_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!host_char((unsigned char)s[i]))
			return 0;
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else
			label++;
	}
	return 1;
}

/* Returns the port in the n bytes at s (1-65535), or -1. */
static int
port_parse(const char *s, size_t n)
{
	size_t	i;
	long	v = 0;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (!ascii_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return -1;
	}
	return v == 0 ? -1 : (int)v;
}

int
cron_url_parse(const char *url, struct cron_url *out, const char **why)
{
	const char	*auth, *end, *host, *hend, *p;
	size_t		 n, i, schemelen, hlen;
	struct in6_addr	 in6;
	int		 port;

	memset(out, 0, sizeof(*out));
	if (url == NULL)
		return url_fail(out, why, WHY_INVALID);
	if ((n = strnlen(url, CRON_URL_MAX + 1)) > CRON_URL_MAX)
		return url_fail(out, why, WHY_LONG);
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] < 0x21 ||
		    (unsigned char)url[i] > 0x7e)
			return url_fail(out, why, WHY_CHARS);
	if (n == 0)
		return url_fail(out, why, WHY_INVALID);

	if (n >= 6 && ascii_caseeq(url, "https:", 6))
		schemelen = 5;
	else if (n >= 5 && ascii_caseeq(url, "http:", 5))
		schemelen = 4;
	else
		return url_fail(out, why, WHY_SCHEME);
	if (strncmp(url + schemelen + 1, "//", 2) != 0)
		return url_fail(out, why, WHY_INVALID);

	auth = url + schemelen + 3;
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', end - auth) != NULL)
		return url_fail(out, why, WHY_CREDS);

	if (auth < end && *auth == '[') {
		host = auth + 1;
		if ((hend = memchr(host, ']', end - host)) == NULL)
			return url_fail(out, why, WHY_V6);
		hlen = hend - host;
		/* inet_pton() also refuses a zone id; say it before copying. */
		if (hlen == 0 || hlen >= sizeof(out->host) ||
		    memchr(host, '%', hlen) != NULL)
			return url_fail(out, why, WHY_V6);
		copy_lower(out->host, host, hlen);
		if (inet_pton(AF_INET6, out->host, &in6) != 1)
			return url_fail(out, why, WHY_V6);
		p = hend + 1;
		if (p < end && *p != ':')
			return url_fail(out, why, WHY_INVALID);
		out->ipv6 = 1;
	} else {
		host = auth;
		if ((hend = memchr(host, ':', end - host)) == NULL)
			hend = end;
		hlen = hend - host;
		if (hlen == 0)
			return url_fail(out, why, WHY_NOHOST);
		if (!host_name_ok(host, hlen))
			return url_fail(out, why, WHY_HOST);
		copy_lower(out->host, host, hlen);
		p = hend;
	}

	if (p < end) {
		/* *p is ':' */
		if ((port = port_parse(p + 1, end - p - 1)) == -1)
			return url_fail(out, why, WHY_PORT);
		out->port = port;
	} else
		out->port = schemelen == 5 ? 443 : 80;
	copy_lower(out->scheme, url, schemelen);
	return 0;
}

/* Returns 1 if the IPv4 address a (host byte order) is blocked. */
static int
v4_addr_blocked(uint32_t a)
{
	size_t	i;
	int	shift;

	for (i = 0; i < NELEM(v4_blocked); i++) {
		shift = 32 - v4_blocked[i].len;
		if ((a >> shift) == (v4_blocked[i].net >> shift))
			return 1;
	}
	return 0;
}

/* Returns the IPv4 address (host byte order) in the 4 bytes at b. */
static uint32_t
v4_from_bytes(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* Returns 1 if the first len bits of a and pfx are equal. */
static int
v6_prefix_match(const uint8_t *a, const uint8_t *pfx, int len)
{
	int	bytes = len / 8, bits = len % 8;
	uint8_t	mask;

	if (memcmp(a, pfx, bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - bits));
	return (a[bytes] & mask) == (pfx[bytes] & mask);
}

/* Returns 1 if the IPv6 address in the 16 bytes at a is blocked. */
static int
v6_addr_blocked(const uint8_t *a)
{
	size_t	i;

	for (i = 0; i < NELEM(v6_ranges); i++) {
		if (!v6_prefix_match(a, v6_ranges[i].pfx, v6_ranges[i].len))
			continue;
		switch (v6_ranges[i].how) {
		case V6_LAST32:
			return v4_addr_blocked(v4_from_bytes(a + 12));
		case V6_6TO4:
			return v4_addr_blocked(v4_from_bytes(a + 2));
		default:
			return 1;
		}
	}
	return 0;
}

int
cron_addr_blocked(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	sa_family_t		family;

	if (sa == NULL || len < (socklen_t)(offsetof(struct sockaddr,
	    sa_family) + sizeof(family)))
		return 1;
	/* Copies, as sa need not be aligned for the larger structures. */
	memcpy(&family, (const char *)sa + offsetof(struct sockaddr,
	    sa_family), sizeof(family));
	switch (family) {
	case AF_INET:
		if (len < (socklen_t)sizeof(sin))
			return 1;
		memcpy(&sin, sa, sizeof(sin));
		return v4_addr_blocked(ntohl(sin.sin_addr.s_addr));
	case AF_INET6:
		if (len < (socklen_t)sizeof(sin6))
			return 1;
		memcpy(&sin6, sa, sizeof(sin6));
		return v6_addr_blocked(sin6.sin6_addr.s6_addr);
	default:
		return 1;
	}
}

int
cron_host_blocked(const char *host)
{
	char			buf[CRON_URL_MAX + 1];
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	size_t			n;
	int			v4;

	if (host == NULL)
		return 1;
	n = strlen(host);
	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 9 && ascii_caseeq(host, "localhost", 9))
		return 1;
	if (n > 10 && ascii_caseeq(host + n - 10, ".localhost", 10))
		return 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	v4 = inet_aton(host, &sin.sin_addr);
	if (!v4 && n < strlen(host) && n < sizeof(buf)) {
		/* "127.0.0.1.": be safe if a resolver drops the dot. */
		memcpy(buf, host, n);
		buf[n] = '\0';
		v4 = inet_aton(buf, &sin.sin_addr);
	}
	if (v4)
		return cron_addr_blocked((struct sockaddr *)&sin, sizeof(sin));

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1)
		return cron_addr_blocked((struct sockaddr *)&sin6,
		    sizeof(sin6));
	return 0;
}
