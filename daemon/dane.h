/*
 * dane.h: DANE for SMTP (RFC 7672) as pure decisions: which TLSA records
 * are usable, what a host's DNSSEC and TLSA results mean, and which answer
 * the MX RRset and its hosts call for together with the MTA-STS mode
 * (conformance.md §8, the §8.1 table, DEC-21..23).  No I/O, no clock.
 *
 * Trust model: mtastsd trusts the AD bit of its resolvers, which must be
 * on loopback (DANE-4), exactly as Postfix's own DANE does; so it sees
 * what Postfix sees.  A resolver that does not validate never sets AD,
 * so everything looks insecure and no DANE answer is ever given.
 */
#ifndef MTASTS_DANE_H
#define MTASTS_DANE_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

#define DANE_HOSTS_MAX	32	/* MX hosts considered per domain */
#define DANE_WHY_MAX	128	/* longer than any dane_decide() reason */

/* The MX RRset (DANE-5, DANE-6). */
enum dane_mx {
	DANE_MX_FAIL = 0,	/* SERVFAIL, bogus, timeout: unknowable */
	DANE_MX_INSECURE,	/* no AD: DANE does not apply */
	DANE_MX_SECURE		/* AD on the MX answer (or a validated
				 * absence: the domain is its own host) */
};

/* One MX host (DANE-7, DANE-9, DANE-14/15). */
enum dane_host {
	DANE_HOST_NONE = 0,	/* no TLSA: validated absence, or insecure
				 * addresses or TLSA */
	DANE_HOST_USABLE,	/* secure TLSA with >= 1 usable record */
	DANE_HOST_UNUSABLE,	/* secure TLSA, no usable record */
	DANE_HOST_FAIL		/* address lookup failed, or addresses
				 * secure and TLSA lookup failed */
};

/* Answers of the DNS lookups for one host, as the resolver gave them. */
enum dane_dns {
	DANE_DNS_OK = 0,	/* records */
	DANE_DNS_NONE,		/* NXDOMAIN or NODATA */
	DANE_DNS_FAIL		/* SERVFAIL, bogus, timeout, error */
};

struct dane_host_input {
	enum dane_dns	addr;		/* A and AAAA together */
	int		addr_secure;	/* AD on every address answer */
	enum dane_dns	tlsa;		/* _25._tcp.<host> TLSA */
	int		tlsa_secure;
	unsigned	tlsa_usable;	/* records dane_tlsa_usable() passes */
};

/* How the domain's policy is decided (DEC-21 default: STS). */
enum dane_partial {
	DANE_PARTIAL_STS = 0,	/* some hosts DANE + STS enforce: STS */
	DANE_PARTIAL_DANE_ONLY	/* ...: dane-only (non-DANE hosts skipped) */
};

enum dane_decision {
	DANE_DECIDE_STS = 0,	/* no DANE answer: the STS answer (enforce)
				 * or NOTFOUND (anything else) */
	DANE_DECIDE_DANE_ONLY,	/* OK dane-only */
	DANE_DECIDE_DANE,	/* OK dane */
	DANE_DECIDE_TEMP	/* TEMP: DANE state unknowable, and any other
				 * answer could be a downgrade */
};

/*
 * DANE-10: usage DANE-TA(2) or DANE-EE(3), selector 0 or 1, matching type
 * 0 (any length > 0), 1 (32 bytes) or 2 (64 bytes).  1 or 0.
 */
int	dane_tlsa_usable(uint8_t usage, uint8_t selector, uint8_t mtype,
	    size_t len);

/* Classify one host from its lookups (DANE-7, DANE-9). */
enum dane_host dane_host_classify(const struct dane_host_input *);

/*
 * The §8.1 table: mx and hosts[0..nhosts) of a domain, and whether its
 * effective MTA-STS policy is enforce.  nhosts 0 with a secure MX means
 * no usable host: DANE_DECIDE_STS.  *why gets a static one-line reason
 * for the log ("all 2 MX hosts have usable TLSA").
 */
enum dane_decision dane_decide(enum dane_mx mx, const enum dane_host *hosts,
	    size_t nhosts, int sts_enforce, enum dane_partial partial,
	    const char **why);

/* "none", "usable", "unusable", "fail"; "fail", "insecure", "secure". */
const char *dane_host_str(enum dane_host);
const char *dane_mx_str(enum dane_mx);

/* "sts", "dane-only", "dane", "temp". */
const char *dane_decision_str(enum dane_decision);

#endif /* MTASTS_DANE_H */
