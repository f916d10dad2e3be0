/*
 * domain.h: turn Postfix keys and configured names into policy domains.
 * Pure: no I/O (libidn2 is only called for non-ASCII input).
 *
 * Step 3 of a lookup (STYLE.md §2): screen the key before any work.  Rules
 * PF-KEY-1..7, EDGE-1/3/5/37/38 in conformance.md.
 */
#ifndef MTASTS_DOMAIN_H
#define MTASTS_DOMAIN_H

#include <stddef.h>

#include "bounds.h"

enum domain_key {
	DOMAIN_KEY_OK = 0,	/* out holds the policy domain */
	DOMAIN_KEY_PARENT,	/* ".example.com": no parent policy (PF-KEY-4) */
	DOMAIN_KEY_ADDRESS,	/* IP literal or bare address (PF-KEY-6) */
	DOMAIN_KEY_INVALID	/* path, empty, bad syntax, too long */
};

/*
 * Map a socketmap key to its policy domain.  "[host]:port", "[host]" and
 * "host:port" give host (DEC-26); then domain_normalize().  out must hold
 * DOMAIN_MAX + 1 bytes.  *why (if why is not NULL) gets a static reason for
 * anything but DOMAIN_KEY_OK.
 */
enum domain_key domain_from_key(const char *key, size_t len, char *out,
	    const char **why);

/*
 * Normalise one host name (PF-KEY-5): strip one trailing dot, convert
 * U-labels to A-labels (UTS #46 non-transitional, as Postfix does), fold
 * ASCII case, then require domain_valid_ldh() and a last label that is not
 * all digits (that would be an address).  out must hold DOMAIN_MAX + 1
 * bytes.  Returns 0, or -1 with *why set.
 */
int	domain_normalize(const char *name, size_t len, char *out,
	    const char **why);

/*
 * Is name[0..len) a syntactically valid RFC 5321 Domain: LDH labels of
 * 1..63 octets that neither start nor end with '-', at most 253 octets, no
 * trailing dot?  All-digit labels pass (EDGE-40); case is not checked.
 * Returns 1 or 0.
 */
int	domain_valid_ldh(const char *name, size_t len);

/* "ok", "parent domain", "address literal" or "invalid name". */
const char *domain_key_str(enum domain_key);

#endif /* MTASTS_DOMAIN_H */
