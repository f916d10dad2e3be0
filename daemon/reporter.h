/*
 * reporter.h: TLS reporting (RFC 8460) on the loop.  Sessions come from
 * libtlsrpt datagrams (the collector, dgram.h) and from mtastsd's own
 * policy fetch failures (lookup.c); they are aggregated in memory and
 * committed to the cache's "report" database in batches.  After each UTC
 * day (plus tlsrpt_send_delay) one report per domain and TLSRPT record is
 * built (report.h), gzipped, put in the "outbox" database, and delivered
 * to the record's rua URIs by sendmail or HTTPS POST, with retries.
 *
 * Clock: the reporter's time is the loop's plus MTASTSD_CLOCK_OFFSET
 * seconds (tests only), so that a test can end a day.
 */
#ifndef MTASTS_REPORTER_H
#define MTASTS_REPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "failure.h"

struct event_base;
struct cache;
struct conf;
struct fetcher;
struct resolver;
struct record;
struct reporter;

#define REPORTER_PENDING_MAX	4096	/* in-memory entries: flush early */
#define REPORTER_FLUSH_MS	1000	/* entries wait at most this */
#define REPORTER_TICK_SEC	60	/* look for due reports and retries */
#define REPORTER_RUA_TTL	3600	/* a _smtp._tls answer is kept */
#define REPORTER_RUA_FAIL_TTL	300	/* ... or, if DNS failed, this long */
#define REPORTER_WAITING_MAX	16	/* own events per domain in wait */
#define REPORTER_SETTLE_SEC	60	/* a day is built this long after it
					 * ends, at least */
#define REPORTER_BUILD_MAX	20000	/* entries per build pass */
#define REPORTER_DELIVERIES_MAX	8	/* sendmail runs and POSTs at once */

struct reporter_stats {
	unsigned long long	datagrams;	/* parsed and counted */
	unsigned long long	dropped;	/* malformed datagrams */
	unsigned long long	refused;	/* sessions report.c refused */
	unsigned long long	sessions;	/* datagrams + own events */
	unsigned long long	own_events;
	unsigned long long	own_skipped;	/* no valid TLSRPT record */
	unsigned long long	flushes;
	unsigned long long	reports_built;
	unsigned long long	deliveries_ok;
	unsigned long long	deliveries_failed;
	unsigned long long	expired;	/* outbox items given up */
	size_t			pending;	/* entries in memory now */
};

/* The conf must outlive it (or be replaced with reporter_set_conf()). */
struct reporter	*reporter_new(struct event_base *, const struct conf *,
		    struct cache *, struct resolver *, struct fetcher *);
void		 reporter_set_conf(struct reporter *, const struct conf *);

/* Commit what is in memory, stop deliveries in flight; NULL is a no-op. */
void		 reporter_free(struct reporter *);

/* One datagram from the collector (buf[len] is a NUL). */
void		 reporter_datagram(struct reporter *, const char *buf,
		    size_t len);

/*
 * mtastsd's own policy fetch for domain failed with fail (RPT-13,
 * RPT-15): counted only if the domain publishes a valid TLSRPT record,
 * under the policy cached in rec, if any.
 */
void		 reporter_fetch_failed(struct reporter *, const char *domain,
		    enum fail_class fail, const char *reason,
		    const struct record *rec);

/*
 * Build every report whose day is over (ignoring tlsrpt_send_delay; with
 * today also the current day's) and try every delivery now.  Counts in
 * *built and *started.  Returns 0, or -1 with a reason in why.
 */
int		 reporter_send(struct reporter *, int today, unsigned *built,
		    unsigned *started, char *why, size_t whysize);

/*
 * DANE failures found by our own lookups (dnssec-invalid, tlsa-invalid).
 * DEC-31: counted only when Postfix does not report (on = 1), else
 * Postfix's own TLSA lookups report them and we would count twice.
 */
struct dane_result;
void		 reporter_set_dane_events(struct reporter *, int on);
void		 reporter_dane_result(struct reporter *, const char *domain,
		    const struct dane_result *);

const struct reporter_stats *reporter_stats(const struct reporter *);

/* Seconds since the epoch, with MTASTSD_CLOCK_OFFSET (tests) applied. */
int64_t		 reporter_clock_offset(void);

#endif /* MTASTS_REPORTER_H */
