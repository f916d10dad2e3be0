/*
 * fetcher.h: HTTPS GET of https://mta-sts.<domain>/.well-known/mta-sts.txt
 * with libcurl's multi interface on the daemon's libevent loop (socket and
 * timer callbacks, as curl's hiperfifo.c).  No curl type leaves fetcher.c.
 *
 * RFC 8461 §3.3 as STS-FETCH-* says: SNI and Host mta-sts.<domain>, PKIX
 * against ca_file or the system store, names from the SAN only, TLS 1.2 or
 * newer, no redirects, only status 200, Content-Type text/plain, the size
 * cap enforced while the body arrives (not only via Content-Length), no
 * proxy, no HTTP cache, no Accept-Encoding.  Addresses come from our own
 * resolver (every one is tried, IPv6 and IPv4); curl never resolves.
 * Every failure is classified (failure.h) with a readable reason.
 */
#ifndef MTASTS_FETCHER_H
#define MTASTS_FETCHER_H

#include <stddef.h>

#include "failure.h"

struct event_base;
struct fetcher;
struct fetch;
struct resolver_sockaddr;

struct fetcher_conf {
	const char	*ca_file;		/* NULL or "": system store */
	unsigned	 timeout_ms;		/* whole fetch (STS-FETCH-8) */
	unsigned	 connect_timeout_ms;	/* each connect */
	size_t		 max_size;		/* body bytes (STS-FETCH-9) */
	unsigned	 port;			/* 443; other values: tests */
};

/* The outcome; valid only during the callback. */
struct fetch_result {
	enum fail_class	 fail;		/* FAIL_NONE: body holds the policy */
	const char	*reason;	/* readable; "" on success */
	long		 http_status;	/* 0 if no response */
	const char	*body;		/* the body, NUL-terminated */
	size_t		 len;
	const char	*content_type;	/* as sent, or NULL */
	const char	*peer;		/* address that answered, or NULL */
	unsigned	 ms;		/* how long it took */
};

typedef void (*fetcher_cb)(const struct fetch_result *, void *arg);

struct fetcher	*fetcher_new(struct event_base *, const struct fetcher_conf *,
		    char **cause);
void		 fetcher_free(struct fetcher *);

/*
 * Fetch the policy of domain (an A-label, no trailing dot) from the
 * addresses of its policy host, addrs[0..naddrs), naddrs >= 1.  The
 * callback runs exactly once, never before the call returns, unless the
 * fetch is cancelled; the handle is dead after either.
 */
struct fetch	*fetcher_get(struct fetcher *, const char *domain,
		    const struct resolver_sockaddr *addrs, size_t naddrs,
		    fetcher_cb, void *arg);
void		 fetcher_cancel(struct fetch *);

/* Fetches in flight now. */
unsigned	 fetcher_active(const struct fetcher *);

#endif /* MTASTS_FETCHER_H */
