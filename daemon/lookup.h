/*
 * lookup.h: answer one socketmap key (STYLE.md §2 steps 3-10).
 *
 * Screens the key (PF-KEY-*), applies operator overrides, answers from the
 * cache when it can, and otherwise runs one job per policy domain: TXT ->
 * address of mta-sts.D -> HTTPS fetch -> parse -> store.  Concurrent
 * lookups for a domain join its job (100 queries, one TXT query, one
 * fetch).  Each lookup is answered by lookup_deadline at the latest, from
 * what is known then (DEC-5); the job finishes in the background.  The
 * callback runs exactly once per request, possibly before
 * lookup_request() returns.  Each answer is logged on one line.
 */
#ifndef MTASTS_LOOKUP_H
#define MTASTS_LOOKUP_H

#include <stddef.h>

struct answer;
struct cache;
struct conf;
struct event_base;
struct fetcher;
struct lookup;
struct resolver;

typedef void (*lookup_cb)(const struct answer *, void *arg);

/*
 * The outcome of an operator's refresh: ok is 1 when a policy (or "no
 * policy") was established, 0 on failure; summary is one readable line,
 * valid during the call.
 */
typedef void (*lookup_refresh_cb)(int ok, const char *summary, void *arg);

/* Counters for mtasts-ctl stats and the benchmarks. */
struct lookup_stats {
	unsigned long long	requests;
	unsigned long long	by_status[4];	/* enum answer_status */
	unsigned long long	by_source[8];	/* enum answer_source */
	unsigned long long	txt_queries;
	unsigned long long	fetches;
	unsigned long long	fetch_failures;
	unsigned long long	joined;		/* lookups that joined a job */
	unsigned long long	deadlines;	/* answered at the deadline */
	unsigned long long	refreshes;	/* proactive refresh jobs */
	unsigned long long	dane_lookups;	/* MX/TLSA lookups started */
	unsigned		jobs;		/* in flight now */
	unsigned		fetching;	/* fetches in flight now */
	unsigned		fetching_peak;
};

/*
 * conf must outlive the lookup or be replaced with lookup_set_conf().  The
 * cache, resolver and fetcher belong to the caller and must outlive it.
 */
struct lookup	*lookup_new(struct event_base *, const struct conf *,
		    struct cache *, struct resolver *, struct fetcher *);
void		 lookup_set_conf(struct lookup *, const struct conf *);

/*
 * Whether answers take DANE into account (DEC-20; main.c decides from the
 * configuration, the DNSSEC self-test and Postfix's settings), and why,
 * in one line for mtasts-ctl stats.  Off until set.
 */
#define LOOKUP_DANE_WHY_MAX	360
/* TLSRPT: own fetch failures go to rp (NULL: none). */
struct reporter;
void		 lookup_set_reporter(struct lookup *, struct reporter *);
void		 lookup_set_dane(struct lookup *, int on, const char *why);
int		 lookup_dane(const struct lookup *, const char **why);

/*
 * Answer key[0..keylen) for a map of the given answer profile.  The answer
 * passed to cb lives only during the call.
 */
void		 lookup_request(struct lookup *, int profile, const char *key,
		    size_t keylen, lookup_cb cb, void *arg);

/*
 * mtasts-ctl refresh: look the domain up now, fetch whatever the TXT
 * says, ignoring the fetch backoff, and report.
 */
void		 lookup_refresh(struct lookup *, const char *domain,
		    lookup_refresh_cb, void *arg);

const struct lookup_stats *lookup_stats(const struct lookup *);

/*
 * Answer every waiting lookup from what is known now, cancel all jobs,
 * commit the cache's queued writes, and free.
 */
void		 lookup_free(struct lookup *);

#endif /* MTASTS_LOOKUP_H */
