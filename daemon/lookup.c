/*
 * lookup.c: the per-domain state machine, STYLE.md §2 steps 3-10.
 *
 * key -> screen -> override -> cache (rules_on_lookup) -> answer, or a job
 * of up to two parts that run side by side: STS (TXT (rules_on_txt) ->
 * A/AAAA of mta-sts.D -> fetch -> parse -> rules_on_fetch_ok/failed ->
 * store) and, with DANE on, DANE (dane_lookup -> store).  When every part
 * it was asked for is in, the job answers every waiter from the record.
 * All policy semantics live in cache/rules.c and answers in decide.c; this
 * file only sequences I/O, joins concurrent lookups, keeps deadlines and
 * logs.
 *
 * A record read from the cache points into the cache's memory until
 * cache_release(); answers that outlive it are formatted into buffers the
 * job owns before it is released, and waiters are called only after that,
 * since a waiter's callback may start new lookups.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "answer.h"
#include "bounds.h"
#include "cache.h"
#include "conf.h"
#include "dane.h"
#include "dane_lookup.h"
#include "decide.h"
#include "domain.h"
#include "failure.h"
#include "fetcher.h"
#include "log.h"
#include "fnv.h"
#include "lookup.h"
#include "reporter.h"
#include "record.h"
#include "resolver.h"
#include "rules.h"
#include "sts.h"
#include "xmalloc.h"

#define JOB_BUCKETS	1024	/* hash of jobs in flight by domain */
#define FLUSH_MS	50	/* queued cache writes wait at most this */
#define REFRESH_JITTER	3600	/* refreshes spread over up to an hour */
#define SWEEP_SEC	1	/* the cache walker's pace... */
#define SWEEP_BATCH	2000	/* ...and stride */
#define BUSY_WARN_SEC	10	/* "too many lookups" at most this often */
#define DANE_TTL_MAX	3600	/* DANE state is looked up again after... */
#define DANE_FAIL_TTL	30	/* ...or, when a lookup failed, after */

/* The parts of a job. */
#define JOB_STS		0x1	/* the MTA-STS policy */
#define JOB_DANE	0x2	/* the MX hosts' DNSSEC and TLSA */

enum job_state {
	JOB_TXT = 0,		/* _mta-sts TXT query in flight */
	JOB_ADDR,		/* A/AAAA of mta-sts.D in flight */
	JOB_QUEUED,		/* waiting for a fetch slot (max_fetches) */
	JOB_FETCH		/* HTTPS in flight */
};

struct job;

/* One lookup (or operator refresh) waiting for a job. */
struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct lookup		*lk;
	struct job		*job;
	int			 profile;
	lookup_cb		 cb;
	lookup_refresh_cb	 refresh_cb;	/* operator refresh instead */
	void			*arg;
	struct timeval		 start;
	struct event		*deadline;
};
TAILQ_HEAD(waiters, waiter);

struct job {
	LIST_ENTRY(job)		 hash;
	TAILQ_ENTRY(job)	 queue;		/* JOB_QUEUED */
	struct lookup		*lk;
	char			 domain[DOMAIN_MAX + 1];
	enum job_state		 state;
	int			 flags;		/* RULES_REFRESH, RULES_FORCE */
	int			 late;		/* a waiter's deadline passed */
	int			 refresh_q;	/* queued on refresh_queue */
	int			 has_slot;	/* counts in stats.fetching */
	enum record_origin	 origin;
	char			 id[STS_ID_MAX + 1]; /* to fetch under */
	struct resolver_query	*q;
	struct fetch		*fetch;
	struct resolver_addr	 addrs;		/* for the fetch */
	struct event		*defer;		/* a step that failed to start */
	struct waiters		 waiters;

	int			 want;		/* parts asked for (JOB_*) */
	int			 done;		/* parts finished */
	struct dane_lookup	*dl;
	struct event		*dane_defer;	/* DANE failed to start */

	/* The STS part's outcome, kept until every part is in. */
	enum answer_source	 source;
	char			 detail[64];	/* "fail=tls-name" or "" */
	int			 ok;
	int			 has_once;
	struct sts_policy	 once;		/* a max_age 0 policy */
};
LIST_HEAD(jobs, job);
TAILQ_HEAD(jobq, job);

struct lookup {
	struct event_base	*base;
	const struct conf	*conf;
	struct cache		*cache;
	struct resolver		*res;
	struct fetcher		*fetcher;
	struct reporter		*reporter;	/* NULL: tlsrpt = no */
	struct rules_conf	 rules;
	struct jobs		 jobs[JOB_BUCKETS];
	struct jobq		 fetch_queue;	/* lookups and operators */
	struct jobq		 refresh_queue;	/* proactive refreshes */
	struct event		*flush;
	struct event		*sweep;
	char			 sweep_key[DOMAIN_MAX + 1]; /* where it goes on */
	int64_t			 refresh_sec;	/* token bucket for refreshes */
	unsigned		 refresh_tokens;
	int64_t			 busy_warned;
	int			 closing;	/* lookup_free() runs */
	int			 dane_on;	/* DANE answers (DEC-20) */
	char			 dane_why[LOOKUP_DANE_WHY_MAX];
	struct lookup_stats	 stats;

	/* Scratch for the synchronous path; valid until the next use. */
	struct record		 rec;
	struct record_lines	 lines;
	char			 ans[SOCKMAP_REPLY_MAX];
};

/* What a finished job tells its waiters, formatted once per profile. */
struct outcome {
	enum answer_source	 source;
	char			 detail[64 + DANE_WHY_MAX]; /* for the log */
	struct answer		 a[2];		/* per answer profile */
	char			*text[2];	/* owned copies */
	int			 refresh_ok;
	char			 summary[512];
};

static int64_t	now_sec(struct lookup *);
static unsigned	hash_domain(const char *);
static struct job *job_find(struct lookup *, const char *);
static struct job *job_new(struct lookup *, const char *, int,
		    enum record_origin, int);
static void	job_want(struct job *, int);
static void	job_free(struct job *);
static void	job_sts_start(struct job *);
static void	job_dane_start(struct job *);
static void	job_dane_cb(const struct dane_result *, void *);
static void	job_dane_fail_cb(evutil_socket_t, short, void *);
static void	job_txt_cb(const struct resolver_txt *, void *);
static void	job_txt_fail_cb(evutil_socket_t, short, void *);
static void	job_addr_cb(const struct resolver_addr *, void *);
static void	job_fetch_start(struct job *);
static void	job_fetch_cb(const struct fetch_result *, void *);
static void	job_slot_release(struct job *);
static void	fetch_queue_run(struct lookup *);
static void	job_sts_done(struct job *, struct record *,
		    struct sts_policy *, int, enum answer_source,
		    const char *);
static void	job_final(struct job *);
static void	waiter_add(struct job *, int, lookup_cb, lookup_refresh_cb,
		    void *, const struct timeval *);
static void	waiter_deadline_cb(evutil_socket_t, short, void *);
static void	waiter_free(struct waiter *);
static int	rec_load(struct lookup *, const char *, struct record *);
static void	rec_store(struct lookup *, const char *,
		    const struct record *);
static void	flush_cb(evutil_socket_t, short, void *);
static void	flush_now(struct lookup *);
static void	maybe_refresh(struct lookup *, const char *,
		    const struct record *, int64_t);
static void	sweep_cb(evutil_socket_t, short, void *);
static int	sweep_fn(const char *, size_t, const void *, size_t, void *);
static void	answer_now(struct lookup *, const char *, int,
		    const struct timeval *, const char *, lookup_cb, void *);
static void	finish(struct lookup *, const char *, int,
		    const struct answer *, const struct timeval *,
		    const char *, lookup_cb, void *);
static void	outcome_fill(struct lookup *, struct outcome *, const char *,
		    const struct record *, const struct sts_policy *,
		    enum answer_source, const char *, int64_t);
static void	outcome_clear(struct outcome *);
static void	summarize(char *, size_t, const char *,
		    const struct record *, const struct sts_policy *, int64_t,
		    const char *);
static const char *with_why(char *, size_t, const char *, const char *);

struct lookup *
lookup_new(struct event_base *base, const struct conf *conf,
    struct cache *cache, struct resolver *res, struct fetcher *fetcher)
{
	struct lookup	*lk;
	size_t		 i;

	lk = xcalloc(1, sizeof(*lk));
	lk->base = base;
	lk->cache = cache;
	lk->res = res;
	lk->fetcher = fetcher;
	for (i = 0; i < JOB_BUCKETS; i++)
		LIST_INIT(&lk->jobs[i]);
	TAILQ_INIT(&lk->fetch_queue);
	TAILQ_INIT(&lk->refresh_queue);
	lk->flush = evtimer_new(base, flush_cb, lk);
	lk->sweep = event_new(base, -1, EV_PERSIST, sweep_cb, lk);
	if (lk->flush == NULL || lk->sweep == NULL)
		fatalx("%s: event_new failed", __func__);
	lookup_set_conf(lk, conf);
	{
		struct timeval tv = { SWEEP_SEC, 0 };

		evtimer_add(lk->sweep, &tv);
	}
	return lk;
}

void
lookup_set_conf(struct lookup *lk, const struct conf *conf)
{
	lk->conf = conf;
	rules_conf_defaults(&lk->rules);
	lk->rules.txt_recheck = conf->txt_recheck_interval;
	lk->rules.negative_ttl = conf->negative_cache_ttl;
	if (lk->rules.error_ttl > lk->rules.negative_ttl)
		lk->rules.error_ttl = lk->rules.negative_ttl;
	/* More fetch slots may have opened. */
	fetch_queue_run(lk);
}

const struct lookup_stats *
lookup_stats(const struct lookup *lk)
{
	return &lk->stats;
}

void
lookup_set_reporter(struct lookup *lk, struct reporter *rp)
{
	lk->reporter = rp;
}

void
lookup_set_dane(struct lookup *lk, int on, const char *why)
{
	lk->dane_on = on != 0;
	snprintf(lk->dane_why, sizeof(lk->dane_why), "%s", why);
}

int
lookup_dane(const struct lookup *lk, const char **why)
{
	if (why != NULL)
		*why = lk->dane_why;
	return lk->dane_on;
}

/* Wall-clock seconds, as cached by the event loop: no system call. */
static int64_t
now_sec(struct lookup *lk)
{
	struct timeval	tv;

	event_base_gettimeofday_cached(lk->base, &tv);
	return (int64_t)tv.tv_sec;
}

static unsigned
hash_domain(const char *s)
{
	return fnv1a(FNV1A_INIT, s, strlen(s));
}

/*
 * The cache: read, decode (dropping what does not decode), store.
 */

/* Load domain's record into *rec; 1 if there was one, 0 if not. */
static int
rec_load(struct lookup *lk, const char *domain, struct record *rec)
{
	struct parse_err	 err;
	const void		*val;
	size_t			 len;

	record_init(rec);
	switch (cache_get(lk->cache, CACHE_DB_POLICY, domain, strlen(domain),
	    &val, &len)) {
	case 1:
		break;
	case 0:
		return 0;
	default:
		return 0;	/* logged by the cache; behave as uncached */
	}
	if (record_decode(val, len, rec, &lk->lines, &err) == -1) {
		/* An old or damaged record is dropped, never trusted. */
		log_warnx("cache: dropping the record of %s: %s", domain,
		    err.msg);
		cache_del(lk->cache, CACHE_DB_POLICY, domain, strlen(domain));
		record_init(rec);
		return 0;
	}
	return 1;
}

/* Queue rec for domain; invalidates records read from the cache. */
static void
rec_store(struct lookup *lk, const char *domain, const struct record *rec)
{
	struct timeval	 tv = { 0, FLUSH_MS * 1000 };
	void		*buf;
	size_t		 len;

	buf = record_encode(rec, &len);
	cache_put(lk->cache, CACHE_DB_POLICY, domain, strlen(domain), buf,
	    len);
	free(buf);
	if (cache_pending(lk->cache) >= CACHE_PENDING_MAX)
		flush_now(lk);
	else if (!evtimer_pending(lk->flush, NULL))
		evtimer_add(lk->flush, &tv);
}

static void
flush_now(struct lookup *lk)
{
	char	*cause = NULL;

	evtimer_del(lk->flush);
	if (cache_flush(lk->cache, &cause) == -1) {
		struct timeval tv = { 1, 0 };

		log_warnx("cache: %s; retrying", cause);
		free(cause);
		evtimer_add(lk->flush, &tv);
	}
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	flush_now(arg);
}

/*
 * The request path.
 */

void
lookup_request(struct lookup *lk, int profile, const char *key,
    size_t keylen, lookup_cb cb, void *arg)
{
	const struct conf_override	*ov;
	struct record			*rec = &lk->rec;
	struct answer			 a;
	struct timeval			 start;
	struct job			*job;
	char				 domain[DOMAIN_MAX + 1];
	char				 safe[LOG_SAFE_MAX];
	char				 detail[DANE_WHY_MAX + 16];
	const char			*why;
	enum domain_key			 k;
	enum rules_lookup		 action;
	int64_t				 now;
	int				 have, want;

	event_base_gettimeofday_cached(lk->base, &start);
	now = (int64_t)start.tv_sec;
	lk->stats.requests++;
	memset(&a, 0, sizeof(a));
	a.text = "";

	/* Step 3: screen the key before any work (PF-KEY-4..7). */
	k = domain_from_key(key, keylen, domain, &why);
	if (k != DOMAIN_KEY_OK) {
		a.status = ANSWER_NOTFOUND;
		a.source = ANSWER_SRC_KEY;
		log_safe(safe, sizeof(safe), key, keylen);
		finish(lk, safe, k == DOMAIN_KEY_PARENT ? 0 : 1, &a, &start,
		    why, cb, arg);
		return;
	}

	/* The operator's word comes before anything remote. */
	if ((ov = conf_override_find(lk->conf, domain)) != NULL) {
		a.source = ANSWER_SRC_OVERRIDE;
		if (ov->policy == NULL)
			a.status = ANSWER_NOTFOUND;
		else {
			a.status = ANSWER_OK;
			a.text = ov->policy;
			a.len = ov->policy_len;
		}
		finish(lk, domain, 1, &a, &start, "", cb, arg);
		return;
	}

	/*
	 * Step 5: the fast path, straight from the cache, when it knows
	 * all that the answer needs: the policy, and with DANE on the DANE
	 * state within its TTL (DANE-16).
	 */
	have = rec_load(lk, domain, rec);
	action = rules_on_lookup(have ? rec : NULL, now, &lk->rules);
	want = lk->dane_on && !rules_dane_fresh(rec, now) ? JOB_DANE : 0;
	if (action != RULES_RESOLVE && want == 0) {
		decide_answer(rec, NULL, domain, now, profile, lk->dane_on,
		    lk->conf->dane_partial, lk->ans, sizeof(lk->ans), &a,
		    &why);
		a.source = rules_policy_fresh(rec, now) ? ANSWER_SRC_CACHE :
		    ANSWER_SRC_NEGATIVE;
		maybe_refresh(lk, domain, rec, now);
		if (rules_touch(rec, now, &lk->rules))
			rec_store(lk, domain, rec);
		cache_release(lk->cache);
		finish(lk, domain, 1, &a, &start,
		    with_why(detail, sizeof(detail), "", why), cb, arg);
		/* DEC-15: answered from cache; the TXT check goes on alone. */
		if (action == RULES_ANSWER_RECHECK &&
		    job_find(lk, domain) == NULL)
			(void)job_new(lk, domain, 0, RECORD_ORIGIN_LOOKUP,
			    JOB_STS);
		return;
	}
	cache_release(lk->cache);
	if (action != RULES_ANSWER)
		want |= JOB_STS;

	/*
	 * A job for this domain is running: join it, unless it already
	 * missed a deadline; then DEC-5 applies at once rather than making
	 * every delivery to the domain wait a whole lookup_deadline again.
	 */
	if ((job = job_find(lk, domain)) != NULL) {
		lk->stats.joined++;
		job_want(job, want);
		if (job->late)
			answer_now(lk, domain, profile, &start, "pending", cb,
			    arg);
		else
			waiter_add(job, profile, cb, NULL, arg, &start);
		return;
	}
	if ((job = job_new(lk, domain, 0, RECORD_ORIGIN_LOOKUP, want)) ==
	    NULL) {
		/*
		 * Overloaded: like a lookup that is still pending (DEC-5),
		 * NOTFOUND, so that mail flows; the warning says why.
		 */
		if (now - lk->busy_warned >= BUSY_WARN_SEC) {
			log_warnx("lookup: %u lookups in progress; answering "
			    "NOTFOUND without looking up (source=busy)",
			    lk->stats.jobs);
			lk->busy_warned = now;
		}
		a.status = ANSWER_NOTFOUND;
		a.source = ANSWER_SRC_BUSY;
		finish(lk, domain, 1, &a, &start, "", cb, arg);
		return;
	}
	waiter_add(job, profile, cb, NULL, arg, &start);
}

/* Answer from what the cache says now: DEC-5 at a deadline. */
static void
answer_now(struct lookup *lk, const char *domain, int profile,
    const struct timeval *start, const char *detail, lookup_cb cb,
    void *arg)
{
	struct record	*rec = &lk->rec;
	struct answer	 a;
	char		 buf[DANE_WHY_MAX + 32];
	const char	*why;
	int64_t		 now = now_sec(lk);

	(void)rec_load(lk, domain, rec);
	decide_answer(rec, NULL, domain, now, profile, lk->dane_on,
	    lk->conf->dane_partial, lk->ans, sizeof(lk->ans), &a, &why);
	a.source = rules_policy_fresh(rec, now) ? ANSWER_SRC_CACHE :
	    ANSWER_SRC_DNS;
	cache_release(lk->cache);
	finish(lk, domain, 1, &a, start, with_why(buf, sizeof(buf), detail,
	    why), cb, arg);
}

/*
 * STS-CACHE-7: refresh a cached policy that is due before it expires, so
 * that busy domains never take the slow path; spread over time (a stable
 * per-domain jitter) and rate-limited (refresh_rate per second).
 */
static void
maybe_refresh(struct lookup *lk, const char *domain, const struct record *rec,
    int64_t now)
{
	int64_t	jitter = (int64_t)(hash_domain(domain) % REFRESH_JITTER);

	if (lk->conf->refresh_rate == 0 || job_find(lk, domain) != NULL ||
	    !rules_refresh_due(rec, now, jitter, &lk->rules))
		return;
	if (lk->refresh_sec != now) {
		lk->refresh_sec = now;
		lk->refresh_tokens = lk->conf->refresh_rate;
	}
	if (lk->refresh_tokens == 0)
		return;
	if (job_new(lk, domain, RULES_REFRESH, RECORD_ORIGIN_REFRESH,
	    JOB_STS) != NULL) {
		lk->refresh_tokens--;
		lk->stats.refreshes++;
	}
}

/*
 * The cache walker, once a second, SWEEP_BATCH records further on: drops
 * what is of no more use (DEC-17) and starts refreshes that are due for
 * domains that are asked for, with mail traffic or without (STS-CACHE-7,
 * DEC-18).  One pass over a million domains takes about eight minutes.
 */
struct sweep {
	struct lookup	*lk;
	int64_t		 now;
	unsigned	 seen;
	char		 last[DOMAIN_MAX + 1];
};

static int
sweep_fn(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	struct sweep		*sw = arg;
	struct lookup		*lk = sw->lk;
	struct record		 rec;
	struct parse_err	 err;
	char			 domain[DOMAIN_MAX + 1];

	if (klen > DOMAIN_MAX)
		return 0;
	memcpy(domain, key, klen);
	domain[klen] = '\0';
	if (++sw->seen > SWEEP_BATCH) {
		memcpy(sw->last, domain, klen + 1);
		return 1;		/* go on from here next time */
	}
	if (record_decode(val, len, &rec, &lk->lines, &err) == -1) {
		log_warnx("cache: dropping the record of %s: %s", domain,
		    err.msg);
		cache_del(lk->cache, CACHE_DB_POLICY, domain, klen);
		return 0;
	}
	if (rules_expendable(&rec, sw->now, &lk->rules)) {
		log_debug("%s: dropping %s", __func__, domain);
		cache_del(lk->cache, CACHE_DB_POLICY, domain, klen);
	} else
		maybe_refresh(lk, domain, &rec, sw->now);
	return 0;
}

static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lookup	*lk = arg;
	struct sweep	 sw;
	char		*cause = NULL;
	struct timeval	 tv = { 0, FLUSH_MS * 1000 };

	memset(&sw, 0, sizeof(sw));
	sw.lk = lk;
	sw.now = now_sec(lk);
	if (cache_foreach_from(lk->cache, CACHE_DB_POLICY, lk->sweep_key,
	    strlen(lk->sweep_key), sweep_fn, &sw, &cause) == -1) {
		log_warnx("cache: %s", cause);
		free(cause);
		return;
	}
	/* A pass ended: start again from the first key. */
	memcpy(lk->sweep_key, sw.last, sizeof(lk->sweep_key));
	if (cache_pending(lk->cache) > 0 && !evtimer_pending(lk->flush, NULL))
		evtimer_add(lk->flush, &tv);
}

void
lookup_refresh(struct lookup *lk, const char *domain, lookup_refresh_cb cb,
    void *arg)
{
	struct timeval	 start;
	struct job	*job;
	char		 summary[DOMAIN_MAX + 64];
	int		 want = JOB_STS | (lk->dane_on ? JOB_DANE : 0);

	event_base_gettimeofday_cached(lk->base, &start);
	if ((job = job_find(lk, domain)) == NULL)
		job = job_new(lk, domain, RULES_FORCE, RECORD_ORIGIN_OPERATOR,
		    want);
	else {
		job->flags |= RULES_FORCE;
		job_want(job, want);
	}
	if (job == NULL) {
		snprintf(summary, sizeof(summary), "%s: too many lookups in "
		    "progress", domain);
		cb(0, summary, arg);
		return;
	}
	job->origin = RECORD_ORIGIN_OPERATOR;
	waiter_add(job, ANSWER_PROFILE_POSTFIX, NULL, cb, arg, &start);
}

/* Count, log one line, and hand the answer over. */
static void
finish(struct lookup *lk, const char *domain, int info,
    const struct answer *a, const struct timeval *start, const char *detail,
    lookup_cb cb, void *arg)
{
	struct timeval	now;
	long		ms;
	size_t		lvl;

	lk->stats.by_status[a->status]++;
	lk->stats.by_source[a->source]++;
	event_base_gettimeofday_cached(lk->base, &now);
	ms = (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_usec - start->tv_usec) / 1000;
	/* The level is the first word of an OK answer. */
	for (lvl = 0; lvl < a->len && a->text[lvl] != ' '; lvl++)
		;
	if (info)
		log_info("lookup %s: %s%s%.*s source=%s%s%s ms=%ld", domain,
		    answer_status_str(a->status),
		    a->status == ANSWER_OK ? " " : "",
		    a->status == ANSWER_OK ? (int)lvl : 0, a->text,
		    answer_source_str(a->source), *detail ? " " : "", detail,
		    ms);
	else
		log_debug("lookup %s: %s source=%s", domain,
		    answer_status_str(a->status),
		    answer_source_str(a->source));
	cb(a, arg);
}

/*
 * Jobs.
 */

static struct job *
job_find(struct lookup *lk, const char *domain)
{
	struct job	*job;

	LIST_FOREACH(job, &lk->jobs[hash_domain(domain) % JOB_BUCKETS], hash)
		if (strcmp(job->domain, domain) == 0)
			return job;
	return NULL;
}

/* Start resolving the parts want of domain.  NULL if at capacity. */
static struct job *
job_new(struct lookup *lk, const char *domain, int flags,
    enum record_origin origin, int want)
{
	struct job	*job;

	if (lk->stats.jobs >= LOOKUP_JOBS_MAX) {
		log_warnx("lookup: %u jobs in flight; refusing more",
		    lk->stats.jobs);
		return NULL;
	}
	job = xcalloc(1, sizeof(*job));
	job->lk = lk;
	memcpy(job->domain, domain, strlen(domain) + 1);
	job->flags = flags;
	job->origin = origin;
	TAILQ_INIT(&job->waiters);
	LIST_INSERT_HEAD(&lk->jobs[hash_domain(domain) % JOB_BUCKETS], job,
	    hash);
	lk->stats.jobs++;
	job_want(job, want);
	return job;
}

/* Start the parts in want that the job is not running yet. */
static void
job_want(struct job *job, int want)
{
	want &= ~job->want;
	job->want |= want;
	if (want & JOB_STS)
		job_sts_start(job);
	if (want & JOB_DANE)
		job_dane_start(job);
}

/* Step 6, the TXT query. */
static void
job_sts_start(struct job *job)
{
	struct lookup	*lk = job->lk;
	char		 name[DOMAIN_MAX + 16];

	/* STS-REC-1: _mta-sts.<PD>, CNAMEs followed (STS-REC-12). */
	snprintf(name, sizeof(name), "_mta-sts.%s", job->domain);
	job->state = JOB_TXT;
	lk->stats.txt_queries++;
	if ((job->q = resolver_txt(lk->res, name, job_txt_cb, job)) == NULL) {
		struct timeval tv = { 0, 0 };

		/*
		 * Could not even start: a local DNS failure, reported from
		 * the loop so that the caller can still join the job.
		 */
		job->defer = evtimer_new(lk->base, job_txt_fail_cb, job);
		if (job->defer == NULL)
			fatalx("%s: evtimer_new failed", __func__);
		evtimer_add(job->defer, &tv);
	}
}

/* The DANE part (RFC 7672 §2.2), alongside the STS part (DANE-19). */
static void
job_dane_start(struct job *job)
{
	struct lookup	*lk = job->lk;
	struct timeval	 tv = { 0, 0 };

	lk->stats.dane_lookups++;
	if ((job->dl = dane_lookup_start(lk->res, job->domain, job_dane_cb,
	    job)) != NULL)
		return;
	/* As for the TXT query: a local failure, told from the loop. */
	job->dane_defer = evtimer_new(lk->base, job_dane_fail_cb, job);
	if (job->dane_defer == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(job->dane_defer, &tv);
}

static void
job_dane_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dane_result	*r;

	r = xcalloc(1, sizeof(*r));
	r->mx = DANE_MX_FAIL;
	job_dane_cb(r, arg);
	free(r);
}

/*
 * The DANE part is in: store it in the record (the STS part is left as
 * it is), log what each host gave, and finish if nothing else is out.
 */
static void
job_dane_cb(const struct dane_result *r, void *arg)
{
	struct job	*job = arg;
	struct lookup	*lk = job->lk;
	struct record	 rec;
	char		 hosts[512];
	size_t		 i, len = 0;
	int64_t		 now = now_sec(lk);
	uint32_t	 ttl = r->ttl;
	int		 fail = r->mx == DANE_MX_FAIL, n;

	job->dl = NULL;
	for (i = 0; i < r->nhosts; i++) {
		if (r->cls[i] == DANE_HOST_FAIL)
			fail = 1;
		n = snprintf(hosts + len, sizeof(hosts) - len, "%s%s %s",
		    i ? ", " : "", r->host[i], dane_host_str(r->cls[i]));
		if (n < 0 || (size_t)n >= sizeof(hosts) - len)
			break;
		len += (size_t)n;
	}
	hosts[len] = '\0';
	/* DANE-16: no longer than the smallest TTL; failures briefly. */
	if (fail && (ttl == 0 || ttl > DANE_FAIL_TTL))
		ttl = DANE_FAIL_TTL;
	if (ttl > DANE_TTL_MAX)
		ttl = DANE_TTL_MAX;
	if (ttl == 0)
		ttl = 1;	/* so that the lookup that asked can use it */
	log_info("dane %s: MX %s%s%s, for %us", job->domain,
	    dane_mx_str(r->mx), len ? "; " : "", hosts, ttl);
	if (lk->reporter != NULL)
		reporter_dane_result(lk->reporter, job->domain, r);

	(void)rec_load(lk, job->domain, &rec);
	rec.has_dane = 1;
	rec.dane_checked = now;
	rec.dane_expires = now + ttl;
	rec.dane_mx = r->mx;
	rec.dane_nhosts = r->nhosts;
	for (i = 0; i < r->nhosts; i++) {
		rec.dane_host[i] = r->host[i];
		rec.dane_class[i] = r->cls[i];
	}
	rec_store(lk, job->domain, &rec);
	cache_release(lk->cache);
	job->done |= JOB_DANE;
	if ((job->done & job->want) == job->want)
		job_final(job);
}

static void
job_txt_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct resolver_txt	r;

	memset(&r, 0, sizeof(r));
	r.status = RESOLVER_ERROR;
	job_txt_cb(&r, arg);
}

static void
job_free(struct job *job)
{
	struct lookup	*lk = job->lk;

	if (job->q != NULL)
		resolver_cancel(job->q);
	dane_lookup_cancel(job->dl);
	if (job->dane_defer != NULL)
		event_free(job->dane_defer);
	if (job->has_once)
		sts_policy_clear(&job->once);
	if (job->fetch != NULL)
		fetcher_cancel(job->fetch);
	job_slot_release(job);
	if (job->state == JOB_QUEUED)
		TAILQ_REMOVE(job->refresh_q ? &lk->refresh_queue :
		    &lk->fetch_queue, job, queue);
	if (job->defer != NULL)
		event_free(job->defer);
	LIST_REMOVE(job, hash);
	lk->stats.jobs--;
	free(job);
}

static void
job_txt_cb(const struct resolver_txt *r, void *arg)
{
	struct job		*job = arg;
	struct lookup		*lk = job->lk;
	struct record		 rec;
	struct sts_txt		 txt;
	struct parse_err	 err;
	enum record_txt		 t;
	enum fail_class		 fail = FAIL_NONE;
	const char		*reason = "";
	char			 why[DOMAIN_MAX + 64];
	int64_t			 now = now_sec(lk);

	job->q = NULL;
	switch (r->status) {
	case RESOLVER_OK:
		switch (sts_txt_select(r->rrs, r->n, &txt, &err)) {
		case STS_TXT_OK:
			t = RECORD_TXT_OK;
			break;
		case STS_TXT_NONE:
			t = RECORD_TXT_NONE;
			break;
		case STS_TXT_MULTIPLE:
			t = RECORD_TXT_INVALID;
			fail = FAIL_TXT_MULTIPLE;
			reason = err.msg;
			break;
		case STS_TXT_INVALID:
		default:
			t = RECORD_TXT_INVALID;
			fail = FAIL_TXT_INVALID;
			reason = err.msg;
			break;
		}
		break;
	case RESOLVER_NXDOMAIN:
	case RESOLVER_NODATA:
		t = RECORD_TXT_NONE;
		break;
	default:
		/* STS-REC-14: a DNS failure is "no live policy" for now. */
		t = RECORD_TXT_ERROR;
		fail = FAIL_TXT_DNS;
		snprintf(why, sizeof(why), "_mta-sts.%s TXT: %s", job->domain,
		    resolver_status_str(r->status));
		reason = why;
		break;
	}
	if (t != RECORD_TXT_OK)
		txt.id[0] = '\0';
	if (fail != FAIL_NONE)
		log_info("policy %s: %s: %s", job->domain,
		    fail_class_str(fail), reason);

	(void)rec_load(lk, job->domain, &rec);
	if (t == RECORD_TXT_OK && rec.has_policy &&
	    strcmp(rec.policy_id, txt.id) != 0)
		log_info("policy %s: TXT id changed from %s to %s",
		    job->domain, rec.policy_id, txt.id);
	if (rules_on_txt(&rec, t, txt.id, fail, reason, now, job->flags,
	    &lk->rules) == RULES_DONE) {
		job_sts_done(job, &rec, NULL, fail == FAIL_NONE,
		    rules_policy_fresh(&rec, now) ?
		    ANSWER_SRC_CACHE : t == RECORD_TXT_OK ?
		    ANSWER_SRC_NEGATIVE : ANSWER_SRC_DNS, "");
		return;
	}

	/* Fetch under the TXT's id, or for a refresh without one, under the
	 * cached policy's (DEC-18). */
	memcpy(job->id, t == RECORD_TXT_OK ? txt.id : rec.policy_id,
	    sizeof(job->id));
	rec_store(lk, job->domain, &rec);
	cache_release(lk->cache);

	/* STS-FETCH-14: the address of mta-sts.<PD>, CNAMEs followed. */
	snprintf(why, sizeof(why), "mta-sts.%s", job->domain);
	job->state = JOB_ADDR;
	if ((job->q = resolver_addr(lk->res, why, job_addr_cb, job)) == NULL) {
		struct resolver_addr ra;

		memset(&ra, 0, sizeof(ra));
		ra.status = RESOLVER_ERROR;
		job_addr_cb(&ra, job);
	}
}

static void
job_addr_cb(const struct resolver_addr *r, void *arg)
{
	struct job		*job = arg;
	struct lookup		*lk = job->lk;
	struct fetch_result	 fr;
	char			 reason[DOMAIN_MAX + 64];

	job->q = NULL;
	if (r->status != RESOLVER_OK || r->n == 0) {
		/* A fetch failure like any other (STS-FETCH-17). */
		memset(&fr, 0, sizeof(fr));
		fr.fail = FAIL_HOST_DNS;
		snprintf(reason, sizeof(reason), "mta-sts.%s: %s", job->domain,
		    r->status == RESOLVER_OK ? "no address" :
		    resolver_status_str(r->status));
		fr.reason = reason;
		fr.body = "";
		job->state = JOB_FETCH;
		job_fetch_cb(&fr, job);
		return;
	}
	job->addrs = *r;
	/* Refreshes must not crowd out first contacts (DEC-5). */
	job->state = JOB_QUEUED;
	job->refresh_q = (job->flags & RULES_REFRESH) != 0;
	TAILQ_INSERT_TAIL(job->refresh_q ? &lk->refresh_queue :
	    &lk->fetch_queue, job, queue);
	fetch_queue_run(lk);
}

/*
 * Start queued fetches while slots are free: lookups and operators first,
 * then proactive refreshes, which may use half of max_fetches.
 */
static void
fetch_queue_run(struct lookup *lk)
{
	struct job	*job;
	unsigned	 max = lk->conf->max_fetches;

	while (!lk->closing && lk->stats.fetching < max) {
		if ((job = TAILQ_FIRST(&lk->fetch_queue)) != NULL)
			TAILQ_REMOVE(&lk->fetch_queue, job, queue);
		else if ((job = TAILQ_FIRST(&lk->refresh_queue)) != NULL &&
		    lk->stats.fetching < (max + 1) / 2)
			TAILQ_REMOVE(&lk->refresh_queue, job, queue);
		else
			break;
		job_fetch_start(job);
	}
}

static void
job_fetch_start(struct job *job)
{
	struct lookup		*lk = job->lk;
	struct fetch_result	 fr;

	job->state = JOB_FETCH;
	job->has_slot = 1;
	lk->stats.fetches++;
	if (++lk->stats.fetching > lk->stats.fetching_peak)
		lk->stats.fetching_peak = lk->stats.fetching;
	job->fetch = fetcher_get(lk->fetcher, job->domain, job->addrs.addrs,
	    job->addrs.n, job_fetch_cb, job);
	if (job->fetch == NULL) {
		memset(&fr, 0, sizeof(fr));
		fr.fail = FAIL_INTERNAL;
		fr.reason = "could not start the fetch";
		fr.body = "";
		job_fetch_cb(&fr, job);
	}
}

/* The job's fetch slot is free: start the next queued fetch. */
static void
job_slot_release(struct job *job)
{
	if (!job->has_slot)
		return;
	job->has_slot = 0;
	job->lk->stats.fetching--;
	fetch_queue_run(job->lk);
}

static void
job_fetch_cb(const struct fetch_result *fr, void *arg)
{
	struct job		*job = arg;
	struct lookup		*lk = job->lk;
	struct record		 rec;
	struct sts_policy	 pol;
	struct parse_err	 err;
	enum fail_class		 fail = fr->fail;
	const char		*reason = fr->reason;
	char			 detail[64];
	int64_t			 now = now_sec(lk);
	int			 alert, kept;

	job->fetch = NULL;
	job_slot_release(job);
	memset(&pol, 0, sizeof(pol));
	/* Step 7: only a valid policy counts as fetched (STS-CACHE-9). */
	if (fail == FAIL_NONE &&
	    sts_policy_parse(fr->body, fr->len, 0, &pol, &err) == -1) {
		fail = FAIL_SYNTAX;
		reason = err.msg;
	}

	(void)rec_load(lk, job->domain, &rec);
	if (fail == FAIL_NONE) {
		kept = rules_on_fetch_ok(&rec, &pol, fr->body, fr->len, job->id,
		    job->origin, now);
		log_info("policy %s: fetched id %s: mode %s, max_age %u, %zu "
		    "mx, %u ms%s", job->domain, job->id, sts_mode_str(pol.mode),
		    pol.max_age, pol.nmx, fr->ms, kept ? "" :
		    " (max_age 0: used once, not kept)");
		job_sts_done(job, &rec, kept ? NULL : &pol, 1,
		    ANSWER_SRC_FETCH, "");
		sts_policy_clear(&pol);
		return;
	}

	lk->stats.fetch_failures++;
	alert = rules_fetch_alert(&rec, now);
	rules_on_fetch_failed(&rec, fail, reason, job->id, now, &lk->rules);
	/* RPT-13, RPT-15: only we see these; Postfix never reports them. */
	if (lk->reporter != NULL)
		reporter_fetch_failed(lk->reporter, job->domain, fail, reason,
		    &rec);
	snprintf(detail, sizeof(detail), "fail=%s", fail_class_str(fail));
	/* STS-FETCH-18: a failing refresh of a live policy is news. */
	if (alert)
		log_warnx("policy %s: fetch failed (%s): %s; keeping the "
		    "cached policy (id %s) until it expires", job->domain,
		    fail_class_str(fail), reason, rec.policy_id);
	else
		log_info("policy %s: fetch failed (%s): %s", job->domain,
		    fail_class_str(fail), reason);
	job_sts_done(job, &rec, NULL, 0, rules_policy_fresh(&rec, now) ?
	    ANSWER_SRC_STALE : ANSWER_SRC_FETCH, detail);
}

/*
 * The STS part is over: store rec (it may point into the cache), keep
 * what the waiters are to be told, taking over once (a max_age 0 policy,
 * cleared in the caller), and finish if nothing else is out.
 */
static void
job_sts_done(struct job *job, struct record *rec, struct sts_policy *once,
    int ok, enum answer_source source, const char *detail)
{
	struct lookup	*lk = job->lk;

	rec_store(lk, job->domain, rec);
	cache_release(lk->cache);
	job->source = source;
	job->ok = ok;
	snprintf(job->detail, sizeof(job->detail), "%s", detail);
	if (once != NULL) {
		job->once = *once;
		job->has_once = 1;
		memset(once, 0, sizeof(*once));
	}
	job->done |= JOB_STS;
	if ((job->done & job->want) == job->want)
		job_final(job);
}

/*
 * Every part is in: answer every waiter from the record (and the STS
 * part's outcome), free the job.
 */
static void
job_final(struct job *job)
{
	struct lookup	*lk = job->lk;
	struct record	 rec;
	struct waiters	 waiters;
	struct waiter	*w;
	struct outcome	 oc;
	char		 domain[DOMAIN_MAX + 1];
	int64_t		 now = now_sec(lk);
	enum answer_source source = job->source;

	memcpy(domain, job->domain, sizeof(domain));
	(void)rec_load(lk, domain, &rec);
	/* The STS part was answered from the cache. */
	if (!(job->want & JOB_STS)) {
		source = rules_policy_fresh(&rec, now) ? ANSWER_SRC_CACHE :
		    ANSWER_SRC_NEGATIVE;
		job->ok = 1;
	}
	outcome_fill(lk, &oc, domain, &rec, job->has_once ? &job->once :
	    NULL, source, job->detail, now);
	oc.refresh_ok = job->ok;
	/* Postfix asked: that is what keeps a policy refreshed. */
	TAILQ_FOREACH(w, &job->waiters, entry)
		if (w->cb != NULL) {
			if (rules_touch(&rec, now, &lk->rules))
				rec_store(lk, domain, &rec);
			break;
		}
	cache_release(lk->cache);

	/* Detach first: a waiter's callback may start a new job here. */
	TAILQ_INIT(&waiters);
	TAILQ_CONCAT(&waiters, &job->waiters, entry);
	job_free(job);

	while ((w = TAILQ_FIRST(&waiters)) != NULL) {
		TAILQ_REMOVE(&waiters, w, entry);
		if (w->refresh_cb != NULL) {
			log_info("control: refresh %s", oc.summary);
			w->refresh_cb(oc.refresh_ok, oc.summary, w->arg);
		} else
			finish(lk, domain, 1, &oc.a[w->profile], &w->start,
			    oc.detail, w->cb, w->arg);
		waiter_free(w);
	}
	outcome_clear(&oc);
}

static void
outcome_fill(struct lookup *lk, struct outcome *oc, const char *domain,
    const struct record *rec, const struct sts_policy *once,
    enum answer_source source, const char *detail, int64_t now)
{
	const char	*why = "";
	int		 p;

	memset(oc, 0, sizeof(*oc));
	oc->source = source;
	for (p = 0; p < 2; p++) {
		decide_answer(rec, once, domain, now, p, lk->dane_on,
		    lk->conf->dane_partial, lk->ans, sizeof(lk->ans),
		    &oc->a[p], &why);
		oc->a[p].source = source;
		oc->text[p] = xstrndup(oc->a[p].text, oc->a[p].len);
		oc->a[p].text = oc->text[p];
	}
	with_why(oc->detail, sizeof(oc->detail), detail, why);
	summarize(oc->summary, sizeof(oc->summary), domain, rec, once, now,
	    why);
}

/*
 * The detail for the log line: detail, then the DANE reason (DANE
 * answers are explained on the line that gives them).  Returns buf, or
 * detail when there is nothing to add.
 */
static const char *
with_why(char *buf, size_t size, const char *detail, const char *why)
{
	if (why == NULL || *why == '\0')
		return detail;
	snprintf(buf, size, "%s%sdane=\"%s\"", detail, *detail ? " " : "",
	    why);
	return buf;
}

static void
outcome_clear(struct outcome *oc)
{
	free(oc->text[0]);
	free(oc->text[1]);
}

/* One line for mtasts-ctl refresh. */
static void
summarize(char *buf, size_t size, const char *domain,
    const struct record *rec, const struct sts_policy *once, int64_t now,
    const char *why)
{
	const struct sts_policy	*pol = once;
	int			 n;

	if (pol == NULL && rules_policy_fresh(rec, now))
		pol = &rec->policy;
	if (pol != NULL)
		n = snprintf(buf, size, "%s: policy id %s, mode %s, max_age "
		    "%u, %zu mx", domain, rec->has_policy ? rec->policy_id :
		    rec->txt_id, sts_mode_str(pol->mode), pol->max_age,
		    pol->nmx);
	else
		n = snprintf(buf, size, "%s: no policy (TXT %s)", domain,
		    record_txt_str(rec->txt));
	if (n >= 0 && (size_t)n < size && rec->fail != FAIL_NONE &&
	    rec->fail_time == now) {
		int m = snprintf(buf + n, size - (size_t)n, "; failed: %s: %s",
		    fail_class_str(rec->fail), rec->fail_reason);

		n = m < 0 ? m : n + m;
	}
	if (n >= 0 && (size_t)n < size && *why != '\0')
		snprintf(buf + n, size - (size_t)n, "; DANE: %s", why);
}

/*
 * Waiters and their deadlines (DEC-5, DEC-11).
 */

static void
waiter_add(struct job *job, int profile, lookup_cb cb,
    lookup_refresh_cb refresh_cb, void *arg, const struct timeval *start)
{
	struct waiter	*w;
	struct timeval	 tv = { (time_t)job->lk->conf->lookup_deadline, 0 };

	w = xcalloc(1, sizeof(*w));
	w->lk = job->lk;
	w->job = job;
	w->profile = profile;
	w->cb = cb;
	w->refresh_cb = refresh_cb;
	w->arg = arg;
	w->start = *start;
	if ((w->deadline = evtimer_new(job->lk->base, waiter_deadline_cb,
	    w)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(w->deadline, &tv);
	TAILQ_INSERT_TAIL(&job->waiters, w, entry);
}

static void
waiter_free(struct waiter *w)
{
	event_free(w->deadline);
	free(w);
}

/*
 * The deadline passed: answer from what the cache says now (a cached
 * policy, or NOTFOUND: DEC-5) and leave the job to finish for the next
 * lookup.
 */
static void
waiter_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct waiter	*w = arg;
	struct lookup	*lk = w->lk;
	struct job	*job = w->job;
	char		 summary[DOMAIN_MAX + 64];

	TAILQ_REMOVE(&job->waiters, w, entry);
	lk->stats.deadlines++;
	job->late = 1;
	if (w->refresh_cb != NULL) {
		snprintf(summary, sizeof(summary), "%s: still in progress; "
		    "see mtasts-ctl show", job->domain);
		w->refresh_cb(0, summary, w->arg);
	} else
		answer_now(lk, job->domain, w->profile, &w->start, "deadline",
		    w->cb, w->arg);
	waiter_free(w);
}

void
lookup_free(struct lookup *lk)
{
	struct job	*job;
	struct waiter	*w;
	size_t		 i;

	/* Everyone waiting gets the deadline answer now; nothing starts. */
	lk->closing = 1;
	event_free(lk->sweep);
	for (i = 0; i < JOB_BUCKETS; i++) {
		while ((job = LIST_FIRST(&lk->jobs[i])) != NULL) {
			while ((w = TAILQ_FIRST(&job->waiters)) != NULL)
				waiter_deadline_cb(-1, 0, w);
			job_free(job);
		}
	}
	flush_now(lk);
	event_free(lk->flush);
	free(lk);
}
