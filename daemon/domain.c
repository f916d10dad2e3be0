/*
 * domain.c: socketmap key -> policy domain (PF-KEY-1..7).  Pure: no I/O.
 *
 * The common case, an ASCII domain, is handled without allocation; only a
 * key with non-ASCII bytes goes through libidn2.
 */
#include "config.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain.h"

static int	is_address(const char *, size_t);
static int	is_ldh(unsigned char);

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

int
domain_valid_ldh(const char *name, size_t len)
{
	size_t	i, label = 0;

	if (len == 0 || len > DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0 || name[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!is_ldh(c))
			return 0;
		if (label == 0 && c == '-')
			return 0;
		if (++label > LABEL_MAX)
			return 0;
	}
	return label > 0 && name[len - 1] != '-';
}

/* An IPv4 or IPv6 address in text form (no brackets)? */
static int
is_address(const char *s, size_t len)
{
	char		buf[64];
	unsigned char	addr[16];
	size_t		i;

	if (len > 5 && strncasecmp(s, "ipv6:", 5) == 0) {
		s += 5;		/* Postfix's "[ipv6:...]" literal tag */
		len -= 5;
	}
	if (len == 0 || len >= sizeof(buf))
		return 0;
	/* Cheap screen first: most names have a non-hex letter. */
	for (i = 0; i < len; i++)
		if (strchr("0123456789abcdefABCDEF.:", s[i]) == NULL)
			return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, addr) == 1 ||
	    inet_pton(AF_INET6, buf, addr) == 1;
}

int
domain_normalize(const char *name, size_t len, char *out, const char **why)
{
	char		*ace = NULL, *in;
	size_t		 i, last;
	int		 ascii = 1, rc;
	const char	*dummy;

	if (why == NULL)
		why = &dummy;

	if (len > 0 && name[len - 1] == '.')
		len--;			/* one trailing dot: EDGE-3 */
	if (len == 0) {
		*why = "empty name";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)name[i] >= 0x80)
			ascii = 0;
		else if (name[i] == '\0') {
			*why = "NUL in name";
			return -1;
		}
	}
	if (!ascii) {
		/* UTS #46 non-transitional, as Postfix's midna_domain does. */
		if (len > 4 * DOMAIN_MAX) {
			*why = "name too long";
			return -1;
		}
		if ((in = malloc(len + 1)) == NULL) {
			*why = "out of memory";
			return -1;
		}
		memcpy(in, name, len);
		in[len] = '\0';
		rc = idn2_to_ascii_8z(in, &ace,
		    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
		free(in);
		if (rc != IDN2_OK) {
			*why = "invalid internationalized name";
			return -1;
		}
		name = ace;
		len = strlen(ace);
	}
	if (len > DOMAIN_MAX) {
		free(ace);
		*why = "name too long";
		return -1;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 'a' - 'A') : c;
	}
	out[len] = '\0';
	free(ace);

	if (!domain_valid_ldh(out, len)) {
		*why = "not a valid host name";
		return -1;
	}
	/* An all-digit last label is an address, not a name (PF-KEY-6). */
	last = len;
	while (last > 0 && out[last - 1] != '.')
		last--;
	for (i = last; i < len; i++)
		if (out[i] < '0' || out[i] > '9')
			return 0;
	*why = "numeric top-level label";
	return -1;
}

enum domain_key
domain_from_key(const char *key, size_t len, char *out, const char **why)
{
	const char	*host = key, *p;
	size_t		 hlen = len;
	const char	*dummy;

	if (why == NULL)
		why = &dummy;
	if (len == 0) {
		*why = "empty key";
		return DOMAIN_KEY_INVALID;
	}
	if (key[0] == '.') {
		*why = "parent domain";		/* PF-KEY-4, RFC 8461 §3.4 */
		return DOMAIN_KEY_PARENT;
	}
	if (key[0] == '/') {
		*why = "path name";		/* an LMTP socket (PF-KEY-1) */
		return DOMAIN_KEY_INVALID;
	}
	if (key[0] == '[') {
		/* "[host]" or "[host]:port" (DEC-26). */
		if ((p = memchr(key, ']', len)) == NULL) {
			*why = "unbalanced '['";
			return DOMAIN_KEY_INVALID;
		}
		host = key + 1;
		hlen = (size_t)(p - host);
		if (p + 1 != key + len && (p[1] != ':' || p + 2 == key + len)) {
			*why = "junk after ']'";
			return DOMAIN_KEY_INVALID;
		}
		if (is_address(host, hlen)) {
			*why = "address literal";
			return DOMAIN_KEY_ADDRESS;
		}
	} else if ((p = memchr(key, ':', len)) != NULL) {
		/* "host:port"; more than one colon is an IPv6 address. */
		if (is_address(key, len)) {
			*why = "address";
			return DOMAIN_KEY_ADDRESS;
		}
		if (memchr(p + 1, ':', len - (size_t)(p - key) - 1) != NULL ||
		    p + 1 == key + len) {
			*why = "malformed host:port";
			return DOMAIN_KEY_INVALID;
		}
		hlen = (size_t)(p - key);
	}
	if (is_address(host, hlen)) {
		*why = "address";
		return DOMAIN_KEY_ADDRESS;
	}
	if (domain_normalize(host, hlen, out, why) == -1)
		return DOMAIN_KEY_INVALID;
	*why = "ok";
	return DOMAIN_KEY_OK;
}

const char *
domain_key_str(enum domain_key k)
{
	switch (k) {
	case DOMAIN_KEY_OK:
		return "ok";
	case DOMAIN_KEY_PARENT:
		return "parent domain";
	case DOMAIN_KEY_ADDRESS:
		return "address literal";
	case DOMAIN_KEY_INVALID:
		break;
	}
	return "invalid name";
}
