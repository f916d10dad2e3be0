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
 *
 * The same fetcher also POSTs TLSRPT reports (RFC 8460 §5.4) on the same
 * curl multi handle and loop: see fetcher_post().
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
	int		 post_local;		/* POST to non-public addresses
						 * too (tlsrpt_post_local) */
};

/* Bytes of a POST's response body that come back; the rest is not read. */
#define FETCHER_REPLY_MAX	4096

/*
 * The outcome; valid only during the callback.  For fetcher_post() the
 * fields mean the same, except: success is any 2xx status, and body holds
 * the start of the response body (at most FETCHER_REPLY_MAX bytes, any
 * more was not read; "" if there was none, and always "" on failure).
 */
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

/*
 * POST body[0..len) as is, with "Content-Type: content_type" (e.g.
 * "application/tlsrpt+gzip"), to url, an https: URI from a TLSRPT record
 * (RFC 8460 §3, RPT-21); the body is copied, the caller may free it at
 * once.  Success (FAIL_NONE) iff the answer is 2xx; anything else is a
 * failure with a class (FAIL_TCP, FAIL_TLS_*, FAIL_HTTP_STATUS with the
 * status in the reason, FAIL_TIMEOUT, FAIL_HOST_DNS) and a readable
 * reason.  A URL that is not printable https, or a Content-Type that is
 * not printable ASCII, fails with FAIL_INTERNAL, from the loop.  Unless
 * the conf's post_local is set, an address that is not public unicast
 * (ipclass.h: loopback, private, link-local, ...) is never connected to:
 * a host that resolves only to such addresses fails with FAIL_TCP.
 *
 * Unlike fetcher_get(), curl resolves the host itself, with its threaded
 * resolver (getaddrinfo in a thread, so the system's resolver and
 * /etc/hosts), and a timeout or cancel during the lookup does not wait for
 * that thread.  The rest is as strict as a policy fetch: https only, no
 * redirects (a 3xx fails), the same trust store (ca_file or the system's)
 * and TLS 1.2 or newer, no proxy, timeout_ms for the whole POST and
 * connect_timeout_ms per connect.  RFC 8460 §5.4 allows ignoring
 * certificate errors; we verify anyway, the name (or an IP literal's
 * address) against the SAN only, as for policies.
 *
 * The callback runs exactly once, never before the call returns, unless
 * the POST is cancelled with fetcher_cancel(); fetcher_active() counts it.
 */
struct fetch	*fetcher_post(struct fetcher *, const char *url,
		    const void *body, size_t len, const char *content_type,
		    fetcher_cb, void *arg);

/* Stop a GET or a POST: no callback; f is dead.  NULL is a no-op. */
void		 fetcher_cancel(struct fetch *);

/* Fetches (GETs and POSTs) in flight now. */
unsigned	 fetcher_active(const struct fetcher *);

#endif /* MTASTS_FETCHER_H */
