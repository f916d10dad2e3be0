/*
 * dane_lookup.h: the DNS side of DANE for one domain (RFC 7672 §2.2):
 * the MX RRset with its DNSSEC status, then for each host its addresses
 * and, only if those are secure, its TLSA records, all in parallel.  The
 * result classifies the MX RRset and each host for dane_decide().  An I/O
 * module over resolver.h; the meaning is in dane.c.
 */
#ifndef MTASTS_DANE_LOOKUP_H
#define MTASTS_DANE_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "dane.h"

struct resolver;
struct dane_lookup;

struct dane_result {
	enum dane_mx	 mx;
	size_t		 nhosts;
	char		 host[DANE_HOSTS_MAX][DOMAIN_MAX + 1];
	enum dane_host	 cls[DANE_HOSTS_MAX];
	uint32_t	 ttl;		/* smallest TTL of everything used */
	/*
	 * SERVFAIL, which is what a validating resolver answers for bogus
	 * data (as opposed to a timeout): for TLSRPT's dnssec-invalid.
	 */
	int		 mx_servfail;
	uint8_t		 tlsa_servfail[DANE_HOSTS_MAX];
	char		 tlsa_base[DANE_HOSTS_MAX][DOMAIN_MAX + 1]; /* the
					 * name the TLSA was asked under */
};

typedef void (*dane_lookup_cb)(const struct dane_result *, void *arg);

/*
 * Look domain up.  The callback runs exactly once, never before this
 * returns, unless the lookup is cancelled; the handle is dead after
 * either.  NULL if the first query could not even be sent.
 */
struct dane_lookup *dane_lookup_start(struct resolver *, const char *domain,
		    dane_lookup_cb, void *arg);
void		 dane_lookup_cancel(struct dane_lookup *);

#endif /* MTASTS_DANE_LOOKUP_H */
