/*
 * Job and notification target URLs (SPEC §5.1) and the SSRF address policy
 * (SPEC §9): which addresses the scheduler must not connect to.
 *
 * Two checks work together:
 * - at job create/update, cron_url_parse() validates the URL and
 *   cron_host_blocked() refuses a host that is a literal blocked address
 *   (or "localhost"), so the API can answer 422 at once;
 * - at connect time, cron_addr_blocked() judges the address actually
 *   connected to, after DNS resolution (libcurl's
 *   CURLOPT_OPENSOCKETFUNCTION), so a DNS name that resolves, or is
 *   rebound, to a blocked address is still refused.
 *
 * Blocked (not publicly routable):
 *   IPv4  0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16
 *         172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.168.0.0/16
 *         198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4
 *         240.0.0.0/4 (255.255.255.255 included)
 *   IPv6  ::/128 ::1/128 100::/64 2001::/32 (Teredo) 2001:db8::/32
 *         fc00::/7 fe80::/10 fec0::/10 ff00::/8
 *   IPv6 forms that carry an IPv4 address are judged by that address:
 *         ::ffff:0:0/96 (IPv4-mapped), ::/96 (IPv4-compatible),
 *         64:ff9b::/96 and 64:ff9b:1::/48 (NAT64; the last 32 bits),
 *         2002::/16 (6to4; bits 16-47).
 * Everything else is allowed.
 */
#ifndef CRON_NETADDR_H
#define CRON_NETADDR_H

#include <sys/socket.h>

#define CRON_URL_MAX	2048	/* longest accepted URL, in bytes */

struct cron_url {
	char	scheme[6];	/* "http" or "https", lower-case */
	char	host[254];	/* lower-cased; IPv6 without brackets */
	int	port;		/* explicit port, else 80 / 443 */
	int	ipv6;		/* host was a bracketed IPv6 literal */
};

/* netaddr.c */
int	cron_url_parse(const char *, struct cron_url *, const char **);
int	cron_addr_blocked(const struct sockaddr *, socklen_t);
int	cron_host_blocked(const char *);

/*
 * cron_url_parse(url, out, &why): validates an absolute http(s) URL and
 * fills out with its scheme, host and port.  Returns 0, or -1 with *why
 * (if why is not NULL) set to a static reason meant to follow a field
 * name ("url must use http or https"); out is zeroed on failure.  Checked
 * in this order:
 * - at most CRON_URL_MAX bytes: "must be at most 2048 characters";
 * - every byte printable ASCII, 0x21-0x7e: "must not contain spaces,
 *   control or non-ASCII characters (percent-encode them)";
 * - a scheme, http or https in any case: "must use http or https" when
 *   the URL does not start with "http:" or "https:"; a scheme not
 *   followed by "//" (and an empty URL) "is not a valid URL";
 * - the authority, from after "://" to the first '/', '?' or '#' (or the
 *   end): any '@' in it "must not contain credentials"; an empty host
 *   "must have a host";
 * - the host: "[IPv6]" accepted by inet_pton(AF_INET6), without a zone
 *   id, else "has an invalid IPv6 address"; or a name of 1-253 letters,
 *   digits, '-', '.' and '_' with no empty label (one trailing dot is
 *   allowed), else "has an invalid host";  "[v6]" followed by anything
 *   but ':' "is not a valid URL";
 * - an optional ":port" of decimal digits with a value of 1-65535
 *   (leading zeros allowed), else "has an invalid port" (an empty port
 *   too).
 * The host is stored lower-cased and as written (a name's trailing dot is
 * kept, an IPv6 literal is not put in canonical form).  Nothing after the
 * authority (path, query, fragment) is looked at.  No DNS; a host that
 * names a blocked address is accepted: see cron_host_blocked().
 *
 * cron_addr_blocked(sa, len): 1 if the address in sa (AF_INET with len at
 * least sizeof(struct sockaddr_in), or AF_INET6 with len at least
 * sizeof(struct sockaddr_in6)) is blocked by the table above, else 0.
 * Also 1 for a NULL sa, a short len or any other family.  The port, flow
 * info and scope id are ignored.  Pure and fast: no allocation, no lock,
 * no DNS, safe in any thread and in a libcurl callback.
 *
 * cron_host_blocked(host): 1 if host (as in struct cron_url, IPv6 without
 * brackets) is "localhost" or ends in ".localhost" (any case, with or
 * without one trailing dot), or is a literal address that
 * cron_addr_blocked() refuses; else 0, which includes every DNS name
 * (the connect-time check covers those).  IPv4 literals are read as
 * inet_aton(3) (so getaddrinfo(3) and libcurl) read them: "2130706433",
 * "0177.0.0.1", "0x7f.0.0.1" and "127.1" are all 127.0.0.1; one trailing
 * dot is ignored.  IPv6 literals are read by inet_pton(AF_INET6).  A NULL
 * host is blocked.
 */

#endif
