/*
 * ipclass.c: public or not (IANA special-purpose registries, RFC 6890).
 * Pure.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ipclass.h"

struct net {
	uint8_t	prefix[16];
	int	bits;
};

/* IPv4 ranges that are not public unicast. */
static const struct net v4[] = {
	{ { 0 }, 8 },				/* "this network" */
	{ { 10 }, 8 },				/* RFC 1918 */
	{ { 100, 64 }, 10 },			/* RFC 6598 shared */
	{ { 127 }, 8 },				/* loopback */
	{ { 169, 254 }, 16 },			/* link-local */
	{ { 172, 16 }, 12 },			/* RFC 1918 */
	{ { 192, 0, 0 }, 24 },			/* IETF protocol */
	{ { 192, 0, 2 }, 24 },			/* TEST-NET-1 */
	{ { 192, 88, 99 }, 24 },		/* 6to4 relay */
	{ { 192, 168 }, 16 },			/* RFC 1918 */
	{ { 198, 18 }, 15 },			/* benchmarking */
	{ { 198, 51, 100 }, 24 },		/* TEST-NET-2 */
	{ { 203, 0, 113 }, 24 },		/* TEST-NET-3 */
	{ { 224 }, 4 },				/* multicast */
	{ { 240 }, 4 },				/* reserved, broadcast */
};

/* IPv6 ranges that are not public unicast (mapped IPv4: see below). */
static const struct net v6[] = {
	{ { 0 }, 96 },				/* ::, ::1, IPv4-compatible */
	{ { 0x01, 0x00 }, 64 },			/* discard-only */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32 },	/* documentation */
	{ { 0xfc }, 7 },			/* unique local */
	{ { 0xfe, 0x80 }, 10 },			/* link-local */
	{ { 0xfe, 0xc0 }, 10 },			/* site-local (old) */
	{ { 0xff }, 8 },			/* multicast */
};

static int
in_net(const uint8_t *a, const struct net *n)
{
	int	full = n->bits / 8, rest = n->bits % 8;
	uint8_t	mask;

	if (memcmp(a, n->prefix, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (n->prefix[full] & mask);
}

static int
v4_public(const uint8_t *a)
{
	size_t	i;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		if (in_net(a, &v4[i]))
			return 0;
	return 1;
}

int
ipclass_public(int family, const void *addr)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xff };
	const uint8_t		*a = addr;
	size_t			 i;

	if (family == AF_INET)
		return v4_public(a);
	if (family != AF_INET6)
		return 0;
	/* ::ffff:a.b.c.d reaches a.b.c.d. */
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return v4_public(a + 12);
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		if (in_net(a, &v6[i]))
			return 0;
	return 1;
}
