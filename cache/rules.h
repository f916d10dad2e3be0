/*
 * rules.h: RFC 8461 cache semantics as pure decisions over a record and
 * the time (STS-CACHE-*, STS-FETCH-10, DEC-4/5/15/16/18).  No I/O, no
 * clock: "now" is always a parameter.
 *
 * The lookup engine asks rules_on_lookup() what to do with what the cache
 * holds, feeds every TXT result and fetch outcome through rules_on_txt(),
 * rules_on_fetch_ok() and rules_on_fetch_failed(), which update the
 * record, and stores the record they leave behind.
 */
#ifndef MTASTS_RULES_H
#define MTASTS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "failure.h"
#include "record.h"

struct rules_conf {
	int64_t	txt_recheck;	/* txt_recheck_interval (DEC-15) */
	int64_t	negative_ttl;	/* negative_cache_ttl */
	int64_t	error_ttl;	/* "no policy" after a DNS error, shorter */
	int64_t	backoff;	/* STS-FETCH-10: 300 */
	int64_t	refresh_idle;	/* refresh only what was asked for since */
	int64_t	refresh_max;	/* refresh at least this often (one day) */
	int64_t	touch;		/* store last_asked at most this often */
};

/* The defaults for everything the configuration does not set. */
void	rules_conf_defaults(struct rules_conf *);

/* STS-CACHE-3/6: rec holds a policy that has not expired at now. */
int	rules_policy_fresh(const struct record *rec, int64_t now);

/* The negative entry ("no policy") still holds at now. */
int	rules_negative_fresh(const struct record *rec, int64_t now);

/* The DANE part is known and within its TTL at now (DANE-16). */
int	rules_dane_fresh(const struct record *rec, int64_t now);

enum rules_lookup {
	RULES_ANSWER = 0,	/* answer from the record; no I/O */
	RULES_ANSWER_RECHECK,	/* answer from the record, and re-check the
				 * TXT in the background (DEC-15) */
	RULES_RESOLVE		/* nothing usable: resolve now, answer by
				 * the deadline (DEC-5) */
};

/*
 * What a lookup does with the cached record (NULL if there is none):
 * a fresh policy is answered, with a TXT re-check once txt_recheck has
 * passed (STS-CACHE-10); a fresh negative entry is answered; a domain in
 * fetch backoff whose TXT was checked within txt_recheck is answered
 * (STS-FETCH-10: no storm of TXT queries); anything else resolves.
 */
enum rules_lookup rules_on_lookup(const struct record *rec, int64_t now,
	    const struct rules_conf *);

/* Flags for rules_on_txt(). */
#define RULES_REFRESH	0x01	/* proactive refresh (STS-CACHE-7, DEC-18) */
#define RULES_FORCE	0x02	/* operator: fetch, ignore the backoff */

enum rules_next {
	RULES_DONE = 0,		/* the record says it all: answer from it */
	RULES_FETCH		/* fetch the policy now */
};

/*
 * Record a TXT result (txt; id when RECORD_TXT_OK; fail and reason when
 * INVALID or ERROR) and decide whether to fetch:
 *  - OK, same id as a fresh cached policy: no fetch (STS-CACHE-5), unless
 *    RULES_REFRESH or RULES_FORCE;
 *  - OK, new id, no policy or an expired one: fetch (STS-CACHE-4), unless
 *    a fetch under that id failed within backoff (STS-FETCH-10) and not
 *    RULES_FORCE;
 *  - NONE, INVALID, ERROR: a fresh cached policy stays (STS-REC-13,
 *    STS-REC-14, STS-CACHE-3) and, with RULES_REFRESH or RULES_FORCE, is
 *    fetched again anyway (DEC-18); without one, "no policy" is cached for
 *    negative_ttl (error_ttl after a DNS error) and never created from a
 *    refresh.
 */
enum rules_next rules_on_txt(struct record *rec, enum record_txt txt,
	    const char *id, enum fail_class fail, const char *reason,
	    int64_t now, int flags, const struct rules_conf *);

/*
 * A fetch returned a valid policy (pol, body text[0..len)) under TXT id
 * (or, for a refresh without a TXT, the cached policy's id: DEC-18).  It
 * replaces whatever was cached, whatever its mode (STS-CACHE-4/7/8), and
 * clears the failure state.  pol and text must stay valid until rec is
 * encoded.  Returns 1 if rec now holds the policy, 0 if max_age is 0: the
 * policy is for this answer only and is not kept (DEC-16), and rec holds
 * no policy at all (an older one is replaced by an expired one).
 */
int	rules_on_fetch_ok(struct record *rec, const struct sts_policy *pol,
	    const char *text, size_t len, const char *id,
	    enum record_origin origin, int64_t now);

/*
 * A fetch under TXT id failed.  Any cached policy stays (STS-CACHE-3/9);
 * the failure is remembered with its reason, and the next fetch waits for
 * backoff (STS-FETCH-10).
 */
void	rules_on_fetch_failed(struct record *rec, enum fail_class fail,
	    const char *reason, const char *id, int64_t now,
	    const struct rules_conf *);

/*
 * STS-FETCH-18: should a failed refresh of this record be a warning?  Yes
 * when a fresh policy is cached and its mode is not none (STS-OPS-5).
 */
int	rules_fetch_alert(const struct record *rec, int64_t now);

/*
 * STS-CACHE-7: refresh this record in the background now?  Yes for a fresh
 * policy asked for within refresh_idle and since it was fetched, fetched at
 * least
 * min(3/4 max_age, refresh_max) ago less jitter, and not in backoff.
 * jitter (seconds, >= 0) spreads refreshes of many domains: it brings the
 * due time forward by at most a quarter of that age, and touches nothing
 * else.
 */
int	rules_refresh_due(const struct record *rec, int64_t now,
	    int64_t jitter, const struct rules_conf *);

/*
 * DEC-17: may this record be dropped from the cache?  Yes when it holds
 * no fresh policy and no fresh negative entry, and nothing happened to it
 * (asked, checked, failed, expired) for refresh_max: it would only answer
 * NOTFOUND after a new lookup anyway.
 */
int	rules_expendable(const struct record *rec, int64_t now,
	    const struct rules_conf *);

/*
 * Note a lookup at now; returns 1 if last_asked moved by touch or more,
 * i.e. if the record is worth writing back for that alone.
 */
int	rules_touch(struct record *rec, int64_t now, const struct rules_conf *);

#endif /* MTASTS_RULES_H */
