/*
 * resolver.h: asynchronous DNS for the lookup engine: getdns in stub mode
 * on the daemon's libevent loop, through our own adapter on getdns's
 * public event-loop API (Debian 12's libgetdns_ex_event exports nothing;
 * stack-notes §2.1).  No getdns type leaves resolver.c: results are plain
 * structs, valid only during the callback.
 *
 * Outcomes are told apart by the reply's rcode, never by getdns's status
 * alone (stack-notes §2.3: SERVFAIL and bogus answers can come back as
 * "no name").
 *
 * DNSSEC (for DANE, dane.h): every query carries the DO bit, and "secure"
 * means the resolver set AD on the answer.  Like Postfix, mtastsd trusts
 * AD only from a resolver on loopback (DANE-4): resolver_loopback() says
 * whether every upstream is one.  A validating resolver answers a bogus
 * RRset with SERVFAIL, which is never mistaken for "no record".
 */
#ifndef MTASTS_RESOLVER_H
#define MTASTS_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "sts.h"

struct event_base;
struct conf_addr;
struct resolver;
struct resolver_query;

enum resolver_status {
	RESOLVER_OK = 0,	/* NOERROR with answers of the type asked */
	RESOLVER_NODATA,	/* NOERROR, the name exists, no such type */
	RESOLVER_NXDOMAIN,	/* rcode 3 */
	RESOLVER_SERVFAIL,	/* rcode 2, REFUSED, or another error rcode */
	RESOLVER_TIMEOUT,	/* no answer from any upstream in time */
	RESOLVER_ERROR		/* a local failure (memory, getdns) */
};

#define RESOLVER_ADDR_MAX	16	/* addresses kept per name */
#define RESOLVER_MX_MAX		32	/* MX hosts kept per domain */
#define RESOLVER_TLSA_MAX	16	/* TLSA records kept per name */

/* TXT: every RR's character-strings joined (STS-REC-2). */
struct resolver_txt {
	enum resolver_status	 status;
	size_t			 n;
	const struct sts_rdata	*rrs;	/* n joined RRs */
	char			 cname[DOMAIN_MAX + 1]; /* the name the TXT
						 * came from, if a CNAME was
						 * followed (STS-REC-12) */
};

struct resolver_sockaddr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* network order */
};

/* A and AAAA of one name, both asked (STS-FETCH-15). */
struct resolver_addr {
	enum resolver_status		 status;
	size_t				 n;
	struct resolver_sockaddr	 addrs[RESOLVER_ADDR_MAX];
	int				 secure;	/* AD on both answers */
	uint32_t			 ttl;		/* smallest TTL seen */
	char				 cname[DOMAIN_MAX + 1]; /* the end
						 * of a CNAME chain, if any */
};

struct resolver_mx_host {
	uint16_t	pref;
	char		host[DOMAIN_MAX + 1];	/* lowercase, no trailing dot */
};

struct resolver_mx {
	enum resolver_status		 status;
	size_t				 n;
	struct resolver_mx_host		 mx[RESOLVER_MX_MAX];
	int				 secure;	/* AD on the answer */
	uint32_t			 ttl;		/* smallest TTL seen */
};

/* One TLSA RR (RFC 6698); data valid only during the callback. */
struct resolver_tlsa_rr {
	uint8_t		 usage, selector, mtype;
	size_t		 len;
	const uint8_t	*data;
};

struct resolver_tlsa {
	enum resolver_status		 status;
	size_t				 n;
	struct resolver_tlsa_rr		 rrs[RESOLVER_TLSA_MAX];
	int				 secure;	/* AD on the answer,
						 * NXDOMAIN and NODATA too */
	uint32_t			 ttl;		/* smallest TTL seen */
};

/* Any RRset, for the DNSSEC self-test: did it come back, with AD? */
struct resolver_probe {
	enum resolver_status		 status;
	size_t				 n;
	int				 secure;
};

typedef void (*resolver_txt_cb)(const struct resolver_txt *, void *arg);
typedef void (*resolver_addr_cb)(const struct resolver_addr *, void *arg);
typedef void (*resolver_mx_cb)(const struct resolver_mx *, void *arg);
typedef void (*resolver_tlsa_cb)(const struct resolver_tlsa *, void *arg);
typedef void (*resolver_probe_cb)(const struct resolver_probe *, void *arg);

/*
 * A stub resolver on base.  Upstreams are ups[0..nups) (port 53 unless
 * given) or, with nups 0, the nameservers of /etc/resolv.conf.  Each query
 * is given up after timeout_ms.  The zero-config trust anchor fetch and
 * full recursion are never used.  Returns NULL with *cause on failure.
 */
struct resolver	*resolver_new(struct event_base *, const struct conf_addr *ups,
		    size_t nups, unsigned timeout_ms, char **cause);
void		 resolver_free(struct resolver *);

/*
 * Start a query.  The callback runs exactly once, never before the call
 * returns, unless the query is cancelled; the handle is dead after the
 * callback or resolver_cancel().  Returns NULL only if the query could not
 * be started at all (the callback will not run).
 */
struct resolver_query *resolver_txt(struct resolver *, const char *name,
		    resolver_txt_cb, void *arg);
struct resolver_query *resolver_addr(struct resolver *, const char *name,
		    resolver_addr_cb, void *arg);
struct resolver_query *resolver_mx(struct resolver *, const char *name,
		    resolver_mx_cb, void *arg);
struct resolver_query *resolver_tlsa(struct resolver *, const char *name,
		    resolver_tlsa_cb, void *arg);
struct resolver_query *resolver_probe(struct resolver *, const char *name,
		    uint16_t type, resolver_probe_cb, void *arg);

/*
 * Is every upstream on loopback (127.0.0.0/8, ::1), so that its AD bit
 * can be trusted (DANE-4)?  1 or 0.
 */
int		 resolver_loopback(const struct resolver *);
void		 resolver_cancel(struct resolver_query *);

/* "ok", "nodata", "nxdomain", "servfail", "timeout", "error". */
const char	*resolver_status_str(enum resolver_status);

#endif /* MTASTS_RESOLVER_H */
