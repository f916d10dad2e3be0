/*
 * reporter.c: TLS reporting (RFC 8460) on the loop.  The pure parts live
 * in dgram.c (datagrams), report.c (entries, JSON, mail), rua.c (TLSRPT
 * records) and outbox.c (queued reports); this file keeps the state, the
 * timers and the I/O: cache, resolver, sendmail and HTTPS.
 *
 * Hot path (a datagram): parse into a buffer kept for the purpose, hash
 * the policy keys, add into an in-memory entry.  The cache is written
 * once a second at most, in one transaction (REPORTER_FLUSH_MS).
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "cache.h"
#include "conf.h"
#include "dane_lookup.h"
#include "dgram.h"
#include "fnv.h"
#include "fetcher.h"
#include "gzip.h"
#include "log.h"
#include "outbox.h"
#include "record.h"
#include "report.h"
#include "reporter.h"
#include "resolver.h"
#include "rua.h"
#include "sendmail.h"
#include "xmalloc.h"

#define PEND_BUCKETS	1024
#define RUAC_BUCKETS	256
#define RUAC_MAX	10000	/* remembered _smtp._tls answers */
#define DROP_LOG_EVERY	1000	/* a warning for the first and every n-th */

/* One aggregate entry in memory, not yet in the cache. */
struct pend {
	struct pend		*next;		/* hash chain */
	struct pend		*all;		/* every pend, for the flush */
	uint32_t		 hash;
	struct report_key	 key;
	struct report_entry	 e;
};

/* An own event waiting for the domain's _smtp._tls answer. */
struct own_event {
	enum rpt_result	 result;
	enum rpt_policy_type type;
	char		*policy_domain;	/* NULL: the domain */
	char		*mx_hostname;	/* receiving-mx-hostname, or NULL */
	int		 has_policy;
	size_t		 nlines;
	char		**lines;
	size_t		 nmx;
	char		**mx;
	char		*code;		/* failure-reason-code */
	int64_t		 when;
};

enum ruac_state { RUAC_PENDING, RUAC_OK, RUAC_NONE };

/* What _smtp._tls.<domain> said (RPT-1, RPT-2). */
struct ruac {
	struct ruac		*next;
	char			 domain[DOMAIN_MAX + 1];
	enum ruac_state		 state;
	char			*record;	/* RUAC_OK */
	int64_t			 expires;
	struct resolver_query	*q;
	struct reporter		*rp;
	size_t			 nwaiting;
	struct own_event	 waiting[REPORTER_WAITING_MAX];
};

/* A delivery in flight. */
struct delivery {
	struct delivery		*next;
	struct reporter		*rp;
	char			 report_id[REPORT_ID_MAX];
	size_t			 idx;
	struct sendmail		*sm;
	struct fetch		*fetch;
};

struct reporter {
	struct event_base	*base;
	const struct conf	*conf;
	struct cache		*cache;
	struct resolver		*resolver;
	struct fetcher		*fetcher;
	struct event		*ev_flush;
	struct event		*ev_tick;
	struct dgram_buf	*db;
	struct pend		*pend[PEND_BUCKETS];
	struct pend		*pend_all;
	struct ruac		*ruac[RUAC_BUCKETS];
	size_t			 nruac;
	struct delivery		*deliveries;
	unsigned		 ndeliveries;
	int			 deferred;	/* 1: more due, 2: forced */
	int			 more;		/* a build pass was cut short:
					 * 1, or 2 forced, 3 forced + today */
	struct event		*ev_deliver;	/* a slot came free */
	int64_t			 offset;
	int64_t			 jitter;	/* 0..tlsrpt_send_delay */
	unsigned		 jitter_of;	/* the delay it was drawn for */
	int			 dane_events;	/* DEC-31: Postfix does not */
	struct reporter_stats	 stats;
};

static void	flush_cb(evutil_socket_t, short, void *);
static void	tick_cb(evutil_socket_t, short, void *);
static void	deliver_cb(evutil_socket_t, short, void *);
static void	pend_flush(struct reporter *);
static void	record_session(struct reporter *, const struct rpt_session *,
		    int64_t);
static unsigned	build_due(struct reporter *, int64_t, int, int);
static unsigned	deliver_due(struct reporter *, int64_t, int);
static void	own_record(struct reporter *, const char *, const char *,
		    const struct own_event *);
static void	own_event_clear(struct own_event *);
static void	own_event_add(struct reporter *, const char *,
		    struct own_event *, int64_t);
static void	ruac_txt_cb(const struct resolver_txt *, void *);

int64_t
reporter_clock_offset(void)
{
	const char	*s = getenv("MTASTSD_CLOCK_OFFSET");
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < -3153600000LL ||
	    v > 3153600000LL)
		fatalx("MTASTSD_CLOCK_OFFSET: not a number of seconds");
	return v;
}

static int64_t
now_sec(struct reporter *rp)
{
	struct timeval	tv;

	event_base_gettimeofday_cached(rp->base, &tv);
	return (int64_t)tv.tv_sec + rp->offset;
}

static void
random_bytes(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) != (ssize_t)len)
		fatal("getrandom");
}

/*
 * RFC 8460 section 4.1: not everyone at midnight.  Each day's reports are
 * built a random time within tlsrpt_send_delay after it ends.
 */
static void
jitter_draw(struct reporter *rp)
{
	uint32_t	r;

	random_bytes(&r, sizeof(r));
	rp->jitter_of = rp->conf->tlsrpt_send_delay;
	rp->jitter = (int64_t)(r % ((uint64_t)rp->jitter_of + 1));
}

struct reporter *
reporter_new(struct event_base *base, const struct conf *conf,
    struct cache *cache, struct resolver *resolver, struct fetcher *fetcher)
{
	struct reporter	*rp = xcalloc(1, sizeof(*rp));
	struct timeval	 tv = { 1, 0 };

	rp->base = base;
	rp->conf = conf;
	rp->cache = cache;
	rp->resolver = resolver;
	rp->fetcher = fetcher;
	rp->offset = reporter_clock_offset();
	rp->db = xcalloc(1, sizeof(*rp->db));
	jitter_draw(rp);
	rp->ev_flush = evtimer_new(base, flush_cb, rp);
	rp->ev_tick = evtimer_new(base, tick_cb, rp);
	rp->ev_deliver = evtimer_new(base, deliver_cb, rp);
	if (rp->ev_flush == NULL || rp->ev_tick == NULL ||
	    rp->ev_deliver == NULL)
		fatalx("%s: event_new failed", __func__);
	/* Right after start: a day may have ended while we were down. */
	evtimer_add(rp->ev_tick, &tv);
	if (rp->offset != 0)
		log_warnx("tlsrpt: MTASTSD_CLOCK_OFFSET moves the reporting "
		    "clock by %" PRId64 " s (tests only)", rp->offset);
	return rp;
}

void
reporter_set_conf(struct reporter *rp, const struct conf *conf)
{
	rp->conf = conf;
	if (rp->jitter_of != conf->tlsrpt_send_delay)
		jitter_draw(rp);
}

const struct reporter_stats *
reporter_stats(const struct reporter *rp)
{
	return &rp->stats;
}

void
reporter_free(struct reporter *rp)
{
	struct delivery	*dl, *dnext;
	struct ruac	*rc, *rnext;
	size_t		 i, j;
	char		*cause = NULL;

	if (rp == NULL)
		return;
	pend_flush(rp);
	if (cache_flush(rp->cache, &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
	}
	for (dl = rp->deliveries; dl != NULL; dl = dnext) {
		dnext = dl->next;
		sendmail_cancel(dl->sm);
		fetcher_cancel(dl->fetch);
		free(dl);
	}
	for (i = 0; i < RUAC_BUCKETS; i++)
		for (rc = rp->ruac[i]; rc != NULL; rc = rnext) {
			rnext = rc->next;
			resolver_cancel(rc->q);
			if (rc->nwaiting > 0)
				log_info("tlsrpt: %s: %zu own event(s) still "
				    "waiting for its TLSRPT record not counted",
				    rc->domain, rc->nwaiting);
			for (j = 0; j < rc->nwaiting; j++) {
				own_event_clear(&rc->waiting[j]);
				rp->stats.own_skipped++;
			}
			free(rc->record);
			free(rc);
		}
	event_free(rp->ev_flush);
	event_free(rp->ev_tick);
	event_free(rp->ev_deliver);
	free(rp->db);
	free(rp);
}

/* ---------------------------------------------------------- sessions */

void
reporter_datagram(struct reporter *rp, const char *buf, size_t len)
{
	struct rpt_session	s;
	struct parse_err	err;

	if (dgram_parse(buf, len, rp->db, &s, &err) == -1) {
		if (rp->stats.dropped++ % DROP_LOG_EVERY == 0)
			log_warnx("tlsrpt: datagram of %zu bytes dropped "
			    "(%s): %s (%llu dropped so far)", len,
			    dgram_err_str(err.code), err.msg,
			    rp->stats.dropped);
		return;
	}
	rp->stats.datagrams++;
	record_session(rp, &s, now_sec(rp));
}

static struct pend *
pend_get(struct reporter *rp, const struct report_key *key)
{
	struct pend	*p;
	uint32_t	 h = fnv1a(FNV1A_INIT, key->buf, key->len);

	for (p = rp->pend[h % PEND_BUCKETS]; p != NULL; p = p->next)
		if (p->hash == h && p->key.len == key->len &&
		    memcmp(p->key.buf, key->buf, key->len) == 0)
			return p;
	p = xcalloc(1, sizeof(*p));
	p->hash = h;
	p->key = *key;
	report_entry_init(&p->e);
	p->next = rp->pend[h % PEND_BUCKETS];
	rp->pend[h % PEND_BUCKETS] = p;
	p->all = rp->pend_all;
	rp->pend_all = p;
	rp->stats.pending++;
	return p;
}

static void
record_session(struct reporter *rp, const struct rpt_session *s, int64_t now)
{
	struct report_key	 keys[RPT_POLICIES_MAX];
	size_t			 idx[RPT_POLICIES_MAX], n, i;
	struct parse_err	 err;
	struct pend		*p;
	struct timeval		 tv = { 0, REPORTER_FLUSH_MS * 1000 };
	int64_t			 day = report_day(now);

	if (report_session_keys(day, s, keys, idx, &n, &err) == -1) {
		if (rp->stats.refused++ % DROP_LOG_EVERY == 0)
			log_warnx("tlsrpt: session for %.253s dropped: %s "
			    "(%llu so far)", s->domain != NULL ? s->domain :
			    "?", err.msg, rp->stats.refused);
		return;
	}
	for (i = 0; i < n; i++) {
		p = pend_get(rp, &keys[i]);
		if (report_entry_add(&p->e, s->domain, s->record,
		    &s->policies[idx[i]], &err) == -1)
			log_warnx("tlsrpt: session not counted: %s", err.msg);
	}
	rp->stats.sessions++;
	/*
	 * Never write here: a caller (lookup.c) may hold pointers into the
	 * cache.  A full table is flushed as soon as the loop comes back.
	 */
	if (rp->stats.pending >= REPORTER_PENDING_MAX) {
		tv.tv_usec = 0;
		evtimer_del(rp->ev_flush);
		evtimer_add(rp->ev_flush, &tv);
	} else if (!evtimer_pending(rp->ev_flush, NULL))
		evtimer_add(rp->ev_flush, &tv);
}

/* Add every in-memory entry into the cache, one transaction. */
static void
pend_flush(struct reporter *rp)
{
	struct pend		*p, *next;
	struct report_entry	 stored;
	struct parse_err	 err;
	const void		*val;
	size_t			 len, vlen;
	void			*enc;
	char			*cause = NULL;
	int			 found;

	for (p = rp->pend_all; p != NULL; p = next) {
		next = p->all;
		report_entry_init(&stored);
		found = cache_get(rp->cache, CACHE_DB_REPORT,
		    (const char *)p->key.buf, p->key.len, &val, &vlen);
		if (found == 1 && report_entry_decode(val, vlen, &stored,
		    &err) == -1) {
			log_warnx("tlsrpt: a stored entry is unreadable (%s); "
			    "replaced", err.msg);
			report_entry_clear(&stored);
		}
		cache_release(rp->cache);
		if (report_entry_merge(&stored, &p->e, &err) == -1) {
			log_warnx("tlsrpt: entry not merged: %s", err.msg);
			report_entry_clear(&stored);
			report_entry_clear(&p->e);
			free(p);
			continue;
		}
		if (stored.domain != NULL) {
			enc = report_entry_encode(&stored, &len);
			cache_put(rp->cache, CACHE_DB_REPORT,
			    (const char *)p->key.buf, p->key.len, enc, len);
			free(enc);
		}
		report_entry_clear(&stored);
		report_entry_clear(&p->e);
		free(p);
	}
	rp->pend_all = NULL;
	memset(rp->pend, 0, sizeof(rp->pend));
	rp->stats.pending = 0;
	rp->stats.flushes++;
	if (cache_flush(rp->cache, &cause) == -1) {
		log_warnx("tlsrpt: %s (kept for the next try)", cause);
		free(cause);
	}
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	pend_flush(arg);
}

/* -------------------------------------------------------- own events */

static void
own_event_clear(struct own_event *ev)
{
	size_t	i;

	for (i = 0; i < ev->nlines; i++)
		free(ev->lines[i]);
	for (i = 0; i < ev->nmx; i++)
		free(ev->mx[i]);
	free(ev->lines);
	free(ev->mx);
	free(ev->code);
	free(ev->policy_domain);
	free(ev->mx_hostname);
	memset(ev, 0, sizeof(*ev));
}

static int
result_of(const char *name, enum rpt_result *out)
{
	int	i;

	for (i = 0; i < RPT_RESULT_COUNT; i++)
		if (strcmp(rpt_result_str((enum rpt_result)i), name) == 0) {
			*out = (enum rpt_result)i;
			return 0;
		}
	return -1;
}

static struct ruac *
ruac_find(struct reporter *rp, const char *domain, int64_t now)
{
	struct ruac	*rc, **pp;
	uint32_t	 h = fnv1a(FNV1A_INIT, domain, strlen(domain)) %
			    RUAC_BUCKETS;
	size_t		 i;

	for (pp = &rp->ruac[h]; (rc = *pp) != NULL; pp = &rc->next)
		if (strcmp(rc->domain, domain) == 0)
			break;
	if (rc != NULL && rc->state != RUAC_PENDING && rc->expires <= now) {
		*pp = rc->next;
		free(rc->record);
		free(rc);
		rp->nruac--;
		rc = NULL;
	}
	if (rc != NULL)
		return rc;
	/* Bounded: when full, forget every answer that is not in flight. */
	if (rp->nruac >= RUAC_MAX)
		for (i = 0; i < RUAC_BUCKETS; i++)
			for (pp = &rp->ruac[i]; (rc = *pp) != NULL;) {
				if (rc->state == RUAC_PENDING) {
					pp = &rc->next;
					continue;
				}
				*pp = rc->next;
				free(rc->record);
				free(rc);
				rp->nruac--;
			}
	rc = xcalloc(1, sizeof(*rc));
	snprintf(rc->domain, sizeof(rc->domain), "%s", domain);
	rc->rp = rp;
	rc->state = RUAC_PENDING;
	rc->next = rp->ruac[h];
	rp->ruac[h] = rc;
	rp->nruac++;
	return rc;
}

void
reporter_fetch_failed(struct reporter *rp, const char *domain,
    enum fail_class fail, const char *reason, const struct record *rec)
{
	struct own_event	 ev;
	const char		*rt = fail_class_tlsrpt(fail);
	int64_t			 now = now_sec(rp);
	size_t			 i;

	(void)reason;	/* logged by lookup.c; the report keeps the class */
	memset(&ev, 0, sizeof(ev));
	if (rt == NULL || result_of(rt, &ev.result) == -1)
		return;
	/* Our own trouble is nobody's report; mode none asks for none. */
	if (fail == FAIL_INTERNAL || (rec != NULL && rec->has_policy &&
	    rec->policy.mode == STS_MODE_NONE))
		return;
	ev.when = now;
	ev.code = xstrdup(fail_class_str(fail));
	/* RPT-15: under the cached policy, if there is one. */
	if (rec != NULL && rec->has_policy) {
		ev.has_policy = 1;
		ev.nlines = rec->policy.nlines < RPT_STRINGS_MAX ?
		    rec->policy.nlines : RPT_STRINGS_MAX;
		ev.lines = xcalloc(ev.nlines + 1, sizeof(char *));
		for (i = 0; i < ev.nlines; i++)
			ev.lines[i] = xstrdup(rec->policy.lines[i]);
		ev.nmx = rec->policy.nmx < RPT_MX_MAX ? rec->policy.nmx :
		    RPT_MX_MAX;
		ev.mx = xcalloc(ev.nmx + 1, sizeof(char *));
		for (i = 0; i < ev.nmx; i++)
			ev.mx[i] = xstrdup(rec->policy.mx[i]);
	}
	ev.type = ev.has_policy ? RPT_POLICY_STS : RPT_POLICY_NONE;
	xasprintf(&ev.mx_hostname, "mta-sts.%s", domain);
	own_event_add(rp, domain, &ev, now);
}

/* Count ev for domain once its TLSRPT record is known; ev is taken over. */
static void
own_event_add(struct reporter *rp, const char *domain, struct own_event *ev,
    int64_t now)
{
	struct ruac	*rc;
	char		 name[DOMAIN_MAX + 16];

	rc = ruac_find(rp, domain, now);
	switch (rc->state) {
	case RUAC_OK:
		own_record(rp, domain, rc->record, ev);
		own_event_clear(ev);
		return;
	case RUAC_NONE:
		rp->stats.own_skipped++;
		own_event_clear(ev);
		return;
	case RUAC_PENDING:
		break;
	}
	if (rc->nwaiting == REPORTER_WAITING_MAX) {
		log_warnx("tlsrpt: %s: too many events waiting for its TLSRPT "
		    "record; one not counted", domain);
		own_event_clear(ev);
		return;
	}
	rc->waiting[rc->nwaiting++] = *ev;
	memset(ev, 0, sizeof(*ev));
	if (rc->q != NULL)
		return;
	snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
	if ((rc->q = resolver_txt(rp->resolver, name, ruac_txt_cb, rc)) ==
	    NULL) {
		struct resolver_txt	r;

		memset(&r, 0, sizeof(r));
		r.status = RESOLVER_ERROR;
		ruac_txt_cb(&r, rc);
	}
}

static void
ruac_txt_cb(const struct resolver_txt *r, void *arg)
{
	struct ruac		*rc = arg;
	struct reporter		*rp = rc->rp;
	struct rua		*rua;
	struct parse_err	 err;
	const char		*rrs[64];
	size_t			 lens[64], n = 0, i;
	enum rua_status		 st = RUA_NONE;
	int64_t			 now = now_sec(rp);

	rc->q = NULL;
	rua = xcalloc(1, sizeof(*rua));
	if (r->status == RESOLVER_OK) {
		for (i = 0; i < r->n && n < 64; i++, n++) {
			rrs[n] = r->rrs[i].buf;
			lens[n] = r->rrs[i].len;
		}
		st = rua_select(rrs, lens, n, rua, &err);
		if (st == RUA_OK) {
			rc->state = RUAC_OK;
			rc->record = xstrdup(rua->record);
		} else {
			rc->state = RUAC_NONE;
			if (st != RUA_NONE)
				log_info("tlsrpt: %s: no TLSRPT (%s): %s",
				    rc->domain, rua_status_str(st), err.msg);
		}
		rc->expires = now + REPORTER_RUA_TTL;
	} else if (r->status == RESOLVER_NXDOMAIN ||
	    r->status == RESOLVER_NODATA) {
		rc->state = RUAC_NONE;
		rc->expires = now + REPORTER_RUA_TTL;
	} else {
		rc->state = RUAC_NONE;
		rc->expires = now + REPORTER_RUA_FAIL_TTL;
		log_info("tlsrpt: _smtp._tls.%s: %s; its own events are not "
		    "counted for %d s", rc->domain,
		    resolver_status_str(r->status), REPORTER_RUA_FAIL_TTL);
	}
	free(rua);
	for (i = 0; i < rc->nwaiting; i++) {
		if (rc->state == RUAC_OK)
			own_record(rp, rc->domain, rc->record,
			    &rc->waiting[i]);
		else
			rp->stats.own_skipped++;
		own_event_clear(&rc->waiting[i]);
	}
	rc->nwaiting = 0;
}

void
reporter_set_dane_events(struct reporter *rp, int on)
{
	rp->dane_events = on;
}

static void
dane_event(struct reporter *rp, const char *domain, enum rpt_result result,
    const char *policy_domain, const char *host, const char *code,
    int64_t now)
{
	struct own_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.result = result;
	ev.type = RPT_POLICY_TLSA;
	ev.policy_domain = xstrdup(policy_domain);
	ev.mx_hostname = host != NULL ? xstrdup(host) : NULL;
	ev.code = xstrdup(code);
	ev.when = now;
	own_event_add(rp, domain, &ev, now);
}

/*
 * What a DANE lookup found wrong (RFC 8460 section 4.3.2.1): a bogus MX
 * or TLSA answer is dnssec-invalid, a secure TLSA RRset with no usable
 * record is tlsa-invalid.  Timeouts are not reported (RPT-14).
 */
void
reporter_dane_result(struct reporter *rp, const char *domain,
    const struct dane_result *r)
{
	int64_t	now = now_sec(rp);
	size_t	i;

	if (!rp->dane_events)
		return;
	if (r->mx == DANE_MX_FAIL) {
		if (r->mx_servfail)
			dane_event(rp, domain, RPT_RESULT_DNSSEC_INVALID,
			    domain, NULL, "mx-servfail", now);
		return;
	}
	for (i = 0; i < r->nhosts; i++) {
		const char *base = r->tlsa_base[i][0] != '\0' ?
		    r->tlsa_base[i] : r->host[i];

		if (r->cls[i] == DANE_HOST_UNUSABLE)
			dane_event(rp, domain, RPT_RESULT_TLSA_INVALID, base,
			    r->host[i], "tlsa-unusable", now);
		else if (r->cls[i] == DANE_HOST_FAIL && r->tlsa_servfail[i])
			dane_event(rp, domain, RPT_RESULT_DNSSEC_INVALID, base,
			    r->host[i], "tlsa-servfail", now);
	}
}

/*
 * One failed session (RPT-15: a fetch failure has receiving-mx-hostname
 * mta-sts.<PD>).
 */
static void
own_record(struct reporter *rp, const char *domain, const char *record,
    const struct own_event *ev)
{
	struct rpt_session	 s;
	struct rpt_policy	*pol;
	size_t			 i;

	memset(&s, 0, sizeof(s));
	s.domain = domain;
	s.record = record;
	s.npolicies = 1;
	pol = &s.policies[0];
	pol->type = ev->type;
	pol->domain = ev->policy_domain != NULL ? ev->policy_domain : domain;
	for (i = 0; i < ev->nlines; i++)
		pol->strings[i] = ev->lines[i];
	pol->nstrings = ev->nlines;
	for (i = 0; i < ev->nmx; i++)
		pol->mx[i] = ev->mx[i];
	pol->nmx = ev->nmx;
	pol->failed = 1;
	pol->nfailures = 1;
	pol->failures[0].result = ev->result;
	pol->failures[0].receiving_mx_hostname = ev->mx_hostname;
	pol->failures[0].failure_reason_code = ev->code;
	rp->stats.own_events++;
	log_debug("tlsrpt: %s: own event %s", domain,
	    rpt_result_str(ev->result));
	record_session(rp, &s, ev->when);
}

/* ------------------------------------------------------------ reports */

struct kv {
	void	*key;
	size_t	 klen;
	void	*val;
	size_t	 vlen;
};

struct kvs {
	struct kv	*v;
	size_t		 n, cap;
	int64_t		 day_limit;	/* collect keys of days <= this */
	int64_t		 max;		/* stop after this many */
	int		 cut;		/* stopped at max */
	int		 outbox;	/* only items due (or to drop) */
	int		 force;
	int64_t		 now;
};

static void
kvs_free(struct kvs *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++) {
		free(k->v[i].key);
		free(k->v[i].val);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int
collect_fn(const char *key, size_t klen, const void *val, size_t vlen,
    void *arg)
{
	struct kvs		*k = arg;
	struct report_key_info	 info;
	struct parse_err	 err;

	if (k->day_limit >= 0) {
		if (report_key_parse(key, klen, &info, &err) == 0 &&
		    info.day > k->day_limit)
			return 1;	/* sorted by day: the rest is later */
	}
	if (k->outbox) {
		struct outbox_item	it;

		/* Unreadable or expired ones are collected to be dropped. */
		if (outbox_decode(val, vlen, &it, &err) == 0 &&
		    k->now - it.created <= OUTBOX_LIFETIME &&
		    !k->force && it.next_try > k->now)
			return 0;
	}
	if ((int64_t)k->n >= k->max) {
		k->cut = 1;
		return 1;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->v = xreallocarray(k->v, k->cap, sizeof(*k->v));
	}
	k->v[k->n].key = xmalloc(klen);
	memcpy(k->v[k->n].key, key, klen);
	k->v[k->n].klen = klen;
	k->v[k->n].val = xmalloc(vlen ? vlen : 1);
	memcpy(k->v[k->n].val, val, vlen);
	k->v[k->n].vlen = vlen;
	k->n++;
	return 0;
}

/* One report from entries v[0..n) (one day, domain and record). */
static int
build_one(struct reporter *rp, struct kv *v, size_t n, int64_t now)
{
	const struct conf	*conf = rp->conf;
	struct report_entry	*e;
	struct report_key_info	 info;
	struct report_meta	 meta;
	struct report_buf	 json;
	struct outbox_item	 it;
	struct parse_err	 err;
	struct rua		*rua;
	uint8_t			 nonce[16];
	void			*gz = NULL, *enc;
	size_t			 gzlen, i, ne = 0, len;
	uint64_t		 ok = 0, bad = 0;
	char			 day[11];
	const char		*sub = conf_tlsrpt_submitter(conf);
	int			 rv = -1;

	if (report_key_parse(v[0].key, v[0].klen, &info, &err) == -1)
		return -1;
	e = xcalloc(n, sizeof(*e));
	for (i = 0; i < n; i++) {
		report_entry_init(&e[ne]);
		if (report_entry_decode(v[i].val, v[i].vlen, &e[ne],
		    &err) == -1) {
			log_warnx("tlsrpt: %s: a stored entry is unreadable "
			    "(%s); left out", info.domain, err.msg);
			continue;
		}
		ok += e[ne].success;
		bad += e[ne].failure;
		ne++;
	}
	report_buf_init(&json);
	rua = xcalloc(1, sizeof(*rua));
	(void)report_day_str(info.day, day);
	if (ne == 0)
		goto out;
	random_bytes(nonce, sizeof(nonce));
	memset(&it, 0, sizeof(it));
	memset(&meta, 0, sizeof(meta));
	meta.day = info.day;
	meta.domain = e[0].domain;
	meta.record = e[0].record;
	meta.org = conf->tlsrpt_organization;
	meta.contact = conf->tlsrpt_contact;
	meta.report_id = it.report_id;
	if (report_id(it.report_id, info.day, e[0].domain, e[0].record, sub,
	    nonce, sizeof(nonce), &err) == -1 ||
	    report_json(&meta, e, ne, &json, &err) == -1 ||
	    report_filename(it.filename, sub, e[0].domain, info.day,
	    it.report_id, &err) == -1) {
		log_warnx("tlsrpt: report for %s, %s not built: %s",
		    info.domain, day, err.msg);
		goto out;
	}
	if (rua_parse(e[0].record, strlen(e[0].record), rua, &err) !=
	    RUA_OK) {
		log_warnx("tlsrpt: report for %s, %s dropped: its TLSRPT "
		    "record has no usable rua: %s", info.domain, day,
		    err.msg);
		goto out;
	}
	if (gzip_compress(json.buf, json.len, &gz, &gzlen) == -1) {
		log_warnx("tlsrpt: report for %s, %s: gzip failed",
		    info.domain, day);
		goto out;
	}
	if (gzlen > OUTBOX_GZ_MAX) {
		log_warnx("tlsrpt: report for %s, %s dropped: %zu bytes "
		    "gzipped, over %u", info.domain, day, gzlen,
		    OUTBOX_GZ_MAX);
		goto out;
	}
	snprintf(it.domain, sizeof(it.domain), "%s", e[0].domain);
	it.day = info.day;
	it.created = now;
	it.next_try = now;
	it.ndests = rua->nuris;
	for (i = 0; i < rua->nuris; i++) {
		it.dests[i].kind = rua->uris[i].kind;
		memcpy(it.dests[i].dest, rua->uris[i].dest,
		    sizeof(it.dests[i].dest));
	}
	it.gz = gz;
	it.gzlen = gzlen;
	enc = outbox_encode(&it, &len);
	cache_put(rp->cache, CACHE_DB_OUTBOX, it.report_id,
	    strlen(it.report_id), enc, len);
	free(enc);
	rp->stats.reports_built++;
	log_info("tlsrpt: report %s for %s, %s: %zu polic%s, %" PRIu64
	    " successful, %" PRIu64 " failed session(s); %zu destination(s)",
	    it.report_id, info.domain, day, ne, ne == 1 ? "y" : "ies", ok,
	    bad, it.ndests);
	rv = 0;
out:
	/* Built or not, these entries are done: nothing retries them. */
	for (i = 0; i < n; i++)
		cache_del(rp->cache, CACHE_DB_REPORT, v[i].key, v[i].klen);
	for (i = 0; i < ne; i++)
		report_entry_clear(&e[i]);
	free(e);
	free(gz);
	free(rua);
	report_buf_free(&json);
	return rv;
}

/*
 * Build the reports of every day that is due: over for tlsrpt_send_delay
 * seconds (force: over at all; today: the current day too).
 */
static unsigned
build_due(struct reporter *rp, int64_t now, int force, int today)
{
	struct kvs		 k;
	struct report_key_info	 a, b;
	struct parse_err	 err;
	int64_t			 limit, delay;
	size_t			 i, j, last;
	unsigned		 built = 0;
	char			*cause = NULL;

	/*
	 * The last day whose end + delay has passed.  At least
	 * REPORTER_SETTLE_SEC: an own event of 23:59:59 may still be
	 * waiting for its domain's TLSRPT record.
	 */
	delay = rp->jitter > REPORTER_SETTLE_SEC ? rp->jitter :
	    REPORTER_SETTLE_SEC;
	limit = report_day(now - (force ? 0 : delay)) - 1;
	if (today)
		limit = report_day(now);
	if (limit < 0)
		return 0;
	pend_flush(rp);
	if (cache_pending(rp->cache) > 0) {
		/* The counts are not all committed: build nothing yet. */
		log_warnx("tlsrpt: reports wait until the cache commits");
		return 0;
	}
	memset(&k, 0, sizeof(k));
	k.day_limit = limit;
	k.max = REPORTER_BUILD_MAX;
	if (cache_foreach(rp->cache, CACHE_DB_REPORT, collect_fn, &k,
	    &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
		kvs_free(&k);
		return 0;
	}
	/*
	 * Cut short: the last report's entries may go on past the cut, so
	 * it waits for the next pass, which comes soon (rp->more).
	 */
	last = k.n;
	if (k.cut) {
		rp->more = today ? 3 : force ? 2 : 1;
		while (last > 1 && report_key_parse(k.v[last - 1].key,
		    k.v[last - 1].klen, &a, &err) == 0 &&
		    report_key_parse(k.v[last - 2].key, k.v[last - 2].klen,
		    &b, &err) == 0 && a.report_len == b.report_len &&
		    memcmp(k.v[last - 1].key, k.v[last - 2].key,
		    a.report_len) == 0)
			last--;
		if (last > 1)
			last--;		/* drop the whole last group */
		else
			last = k.n;	/* one huge report: build it */
	}
	for (i = 0; i < last; i = j) {
		if (report_key_parse(k.v[i].key, k.v[i].klen, &a, &err) ==
		    -1) {
			log_warnx("tlsrpt: a stored key is unreadable (%s); "
			    "deleted", err.msg);
			cache_del(rp->cache, CACHE_DB_REPORT, k.v[i].key,
			    k.v[i].klen);
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < last; j++)
			if (report_key_parse(k.v[j].key, k.v[j].klen, &b,
			    &err) == -1 || b.report_len != a.report_len ||
			    memcmp(k.v[j].key, k.v[i].key, a.report_len) != 0)
				break;
		if (build_one(rp, &k.v[i], j - i, now) == 0)
			built++;
	}
	kvs_free(&k);
	if (cache_flush(rp->cache, &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
	}
	if (built > 0 && !force)
		jitter_draw(rp);	/* a new draw for the next day */
	return built;
}

/* --------------------------------------------------------- delivery */

static struct delivery *
delivery_find(struct reporter *rp, const char *id, size_t idx)
{
	struct delivery	*dl;

	for (dl = rp->deliveries; dl != NULL; dl = dl->next)
		if (dl->idx == idx && strcmp(dl->report_id, id) == 0)
			return dl;
	return NULL;
}

static void
delivery_unlink(struct delivery *dl)
{
	struct delivery	**pp;

	for (pp = &dl->rp->deliveries; *pp != NULL; pp = &(*pp)->next)
		if (*pp == dl) {
			*pp = dl->next;
			break;
		}
}

/* A delivery ended: record it in the outbox item. */
static void
delivery_done(struct delivery *dl, int ok, const char *reason)
{
	struct reporter		*rp = dl->rp;
	struct outbox_item	 it;
	struct parse_err	 err;
	const void		*val;
	size_t			 vlen, len;
	void			*enc, *copy = NULL;
	char			 safe[LOG_SAFE_MAX], *cause = NULL;
	int64_t			 now = now_sec(rp);

	delivery_unlink(dl);
	rp->ndeliveries--;
	/* A slot is free: the deliveries that did not fit go on. */
	if (rp->deferred && !evtimer_pending(rp->ev_deliver, NULL)) {
		struct timeval	tv = { 0, 0 };

		evtimer_add(rp->ev_deliver, &tv);
	}
	if (ok)
		rp->stats.deliveries_ok++;
	else
		rp->stats.deliveries_failed++;
	if (cache_get(rp->cache, CACHE_DB_OUTBOX, dl->report_id,
	    strlen(dl->report_id), &val, &vlen) != 1) {
		cache_release(rp->cache);
		free(dl);
		return;
	}
	copy = xmalloc(vlen);
	memcpy(copy, val, vlen);
	cache_release(rp->cache);
	if (outbox_decode(copy, vlen, &it, &err) == -1 ||
	    dl->idx >= it.ndests) {
		free(copy);
		free(dl);
		return;
	}
	log_safe(safe, sizeof(safe), reason, strlen(reason));
	if (ok) {
		it.done |= UINT32_C(1) << dl->idx;
		log_info("tlsrpt: report %s delivered to %s%s", it.report_id,
		    it.dests[dl->idx].kind == RUA_MAILTO ? "mailto:" : "",
		    it.dests[dl->idx].dest);
	} else {
		it.attempts++;
		it.next_try = now + outbox_backoff(it.attempts);
		snprintf(it.last_error, sizeof(it.last_error), "%s", safe);
		log_warnx("tlsrpt: report %s to %s%s failed: %s; next try in "
		    "%" PRId64 " s", it.report_id, it.dests[dl->idx].kind ==
		    RUA_MAILTO ? "mailto:" : "", it.dests[dl->idx].dest, safe,
		    it.next_try - now);
	}
	if (outbox_finished(&it))
		cache_del(rp->cache, CACHE_DB_OUTBOX, it.report_id,
		    strlen(it.report_id));
	else {
		enc = outbox_encode(&it, &len);
		cache_put(rp->cache, CACHE_DB_OUTBOX, it.report_id,
		    strlen(it.report_id), enc, len);
		free(enc);
	}
	free(copy);
	free(dl);
	if (cache_flush(rp->cache, &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
	}
}

static void
sendmail_done(const struct sendmail_result *r, void *arg)
{
	struct delivery	*dl = arg;

	dl->sm = NULL;
	delivery_done(dl, r->ok, r->reason);
}

static void
post_done(const struct fetch_result *r, void *arg)
{
	struct delivery	*dl = arg;

	dl->fetch = NULL;
	delivery_done(dl, r->fail == FAIL_NONE, r->reason);
}

static int
delivery_start(struct reporter *rp, const struct outbox_item *it,
    size_t idx, int64_t now)
{
	const struct conf	*conf = rp->conf;
	const struct outbox_dest *d = &it->dests[idx];
	struct delivery		*dl;
	struct report_mail	 m;
	struct report_buf	 msg;
	struct parse_err	 err;
	uint8_t			 rnd[12];
	char			 to[RUA_URI_MAX + 8], boundary[64];
	size_t			 i;

	dl = xcalloc(1, sizeof(*dl));
	dl->rp = rp;
	dl->idx = idx;
	snprintf(dl->report_id, sizeof(dl->report_id), "%s", it->report_id);
	dl->next = rp->deliveries;
	rp->deliveries = dl;
	rp->ndeliveries++;
	if (d->kind == RUA_HTTPS) {
		dl->fetch = fetcher_post(rp->fetcher, d->dest, it->gz,
		    it->gzlen, "application/tlsrpt+gzip", post_done, dl);
		if (dl->fetch == NULL) {
			delivery_done(dl, 0, "could not start the POST");
			return -1;
		}
		return 0;
	}
	random_bytes(rnd, sizeof(rnd));
	snprintf(boundary, sizeof(boundary), "tlsrpt-");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(boundary + 7 + 2 * i, 3, "%02x", rnd[i]);
	snprintf(to, sizeof(to), "mailto:%s", d->dest);
	memset(&m, 0, sizeof(m));
	m.from = conf->tlsrpt_contact;
	m.to = to;
	m.domain = it->domain;
	m.submitter = conf_tlsrpt_submitter(conf);
	m.report_id = it->report_id;
	m.day = it->day;
	m.gz = it->gz;
	m.gzlen = it->gzlen;
	m.filename = it->filename;
	m.date = now;
	m.boundary = boundary;
	report_buf_init(&msg);
	if (report_mail(&m, &msg, &err) == -1) {
		report_buf_free(&msg);
		delivery_done(dl, 0, err.msg);
		return -1;
	}
	dl->sm = sendmail_send(rp->base, conf->sendmail_path,
	    conf->tlsrpt_contact, d->dest, msg.buf, msg.len, 0,
	    sendmail_done, dl);
	report_buf_free(&msg);
	return 0;
}

/* Start every delivery that is due (force: every one not yet done). */
static unsigned
deliver_due(struct reporter *rp, int64_t now, int force)
{
	struct kvs		 k;
	struct outbox_item	 it;
	struct parse_err	 err;
	size_t			 i, j;
	unsigned		 started = 0;
	char			*cause = NULL;

	memset(&k, 0, sizeof(k));
	k.day_limit = -1;
	k.max = 10000;
	k.outbox = 1;
	k.force = force;
	k.now = now;
	rp->deferred = 0;
	if (cache_foreach(rp->cache, CACHE_DB_OUTBOX, collect_fn, &k,
	    &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
		kvs_free(&k);
		return 0;
	}
	for (i = 0; i < k.n; i++) {
		if (outbox_decode(k.v[i].val, k.v[i].vlen, &it, &err) == -1) {
			log_warnx("tlsrpt: an outbox item is unreadable; "
			    "deleted");
			cache_del(rp->cache, CACHE_DB_OUTBOX, k.v[i].key,
			    k.v[i].klen);
			continue;
		}
		if (now - it.created > OUTBOX_LIFETIME) {
			/* RPT-3: one destination that took it is a success. */
			if (it.done != 0)
				log_info("tlsrpt: report %s for %s: delivered "
				    "to some destinations; the others given "
				    "up: %s", it.report_id, it.domain,
				    it.last_error);
			else {
				log_warnx("tlsrpt: report %s for %s given up "
				    "after %u failed deliveries: %s",
				    it.report_id, it.domain, it.attempts,
				    it.last_error);
				rp->stats.expired++;
			}
			cache_del(rp->cache, CACHE_DB_OUTBOX, k.v[i].key,
			    k.v[i].klen);
			continue;
		}
		if (!force && it.next_try > now)
			continue;
		for (j = 0; j < it.ndests; j++) {
			if ((it.done & (UINT32_C(1) << j)) ||
			    delivery_find(rp, it.report_id, j) != NULL)
				continue;
			/* A few at a time: each is a process or a socket. */
			if (rp->ndeliveries >= REPORTER_DELIVERIES_MAX) {
				rp->deferred = force ? 2 : 1;
				break;
			}
			if (delivery_start(rp, &it, j, now) == 0)
				started++;
		}
	}
	kvs_free(&k);
	if (cache_flush(rp->cache, &cause) == -1) {
		log_warnx("tlsrpt: %s", cause);
		free(cause);
	}
	return started;
}

static void
deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reporter	*rp = arg;

	if (rp->deferred)
		(void)deliver_due(rp, now_sec(rp), rp->deferred == 2);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reporter	*rp = arg;
	struct timeval	 tv = { REPORTER_TICK_SEC, 0 };
	int64_t		 now = now_sec(rp);
	int		 more = rp->more;

	/* A pass that was cut short goes on as it was asked for. */
	rp->more = 0;
	(void)build_due(rp, now, more >= 2, more == 3);
	(void)deliver_due(rp, now, 0);
	if (rp->more)
		tv.tv_sec = 1;	/* more to build: soon, not at once */
	evtimer_add(rp->ev_tick, &tv);
}

int
reporter_send(struct reporter *rp, int today, unsigned *built,
    unsigned *started, char *why, size_t whysize)
{
	int64_t	now = now_sec(rp);

	rp->more = 0;
	*built = build_due(rp, now, 1, today);
	*started = deliver_due(rp, now, 1);
	if (rp->more) {
		struct timeval	tv = { 1, 0 };

		evtimer_del(rp->ev_tick);
		evtimer_add(rp->ev_tick, &tv);
	}
	snprintf(why, whysize, "built %u report(s), %u delivery(ies) started",
	    *built, *started);
	return 0;
}
