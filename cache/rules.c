/*
 * rules.c: RFC 8461 cache semantics (STS-CACHE-*, STS-FETCH-10, DEC-4/5/
 * 15/16/18) as decisions over a record and the time.  Pure: no I/O, no
 * clock; "now" comes from the caller.
 *
 * Times in a record come from disk and may be anything, so every sum and
 * difference of times saturates instead of overflowing.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "rules.h"

#define DAY	86400

static int64_t	add_sat(int64_t, int64_t);
static int64_t	sub_sat(int64_t, int64_t);
static int	reached(int64_t, int64_t, int64_t);
static void	copy_str(char *, size_t, const char *);
static int	backoff_blocks(const struct record *, const char *, int64_t);
static void	set_fail(struct record *, enum fail_class, const char *,
		    int64_t);

void
rules_conf_defaults(struct rules_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->txt_recheck = 300;	/* DEC-15 */
	conf->negative_ttl = 300;
	conf->error_ttl = 60;
	conf->backoff = 300;		/* STS-FETCH-10 */
	conf->refresh_idle = 30 * DAY;
	conf->refresh_max = DAY;	/* STS-CACHE-7: about once a day */
	conf->touch = 3600;
}

static int64_t
add_sat(int64_t a, int64_t b)
{
	int64_t	r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static int64_t
sub_sat(int64_t a, int64_t b)
{
	int64_t	r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* Has interval passed since then, i.e. now >= then + interval? */
static int
reached(int64_t now, int64_t then, int64_t interval)
{
	return now >= add_sat(then, interval);
}

/* Copy s (NULL = "") into dst[size], cut to fit. */
static void
copy_str(char *dst, size_t size, const char *s)
{
	size_t	n;

	if (s == NULL)
		s = "";
	n = strnlen(s, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/*
 * STS-FETCH-10: a fetch under this id failed and its backoff has not
 * passed.  A different id is a new policy and may be fetched at once.
 */
static int
backoff_blocks(const struct record *rec, const char *id, int64_t now)
{
	if (id == NULL)
		id = "";
	return now < rec->next_fetch && strcmp(rec->fail_id, id) == 0;
}

static void
set_fail(struct record *rec, enum fail_class fail, const char *reason,
    int64_t now)
{
	rec->fail = fail;
	rec->fail_time = now;
	copy_str(rec->fail_reason, sizeof(rec->fail_reason), reason);
}

int
rules_policy_fresh(const struct record *rec, int64_t now)
{
	/* STS-CACHE-6: expired from expires on, not one second later. */
	return rec != NULL && rec->has_policy && now < rec->expires;
}

int
rules_negative_fresh(const struct record *rec, int64_t now)
{
	return rec != NULL && now < rec->negative_until;
}

enum rules_lookup
rules_on_lookup(const struct record *rec, int64_t now,
    const struct rules_conf *conf)
{
	if (rec == NULL)
		return RULES_RESOLVE;
	if (rules_policy_fresh(rec, now)) {
		/* STS-CACHE-10, DEC-15: every mode, so a new id is seen. */
		if (reached(now, rec->txt_checked, conf->txt_recheck))
			return RULES_ANSWER_RECHECK;
		return RULES_ANSWER;
	}
	if (rules_negative_fresh(rec, now))
		return RULES_ANSWER;
	if (now < rec->next_fetch &&
	    !reached(now, rec->txt_checked, conf->txt_recheck))
		return RULES_ANSWER;
	return RULES_RESOLVE;
}

enum rules_next
rules_on_txt(struct record *rec, enum record_txt txt, const char *id,
    enum fail_class fail, const char *reason, int64_t now, int flags,
    const struct rules_conf *conf)
{
	int	fresh = rules_policy_fresh(rec, now);
	int	again = (flags & (RULES_REFRESH | RULES_FORCE)) != 0;
	int	force = (flags & RULES_FORCE) != 0;

	rec->txt = txt;
	rec->txt_checked = now;
	if (txt == RECORD_TXT_OK)
		copy_str(rec->txt_id, sizeof(rec->txt_id), id);
	else
		rec->txt_id[0] = '\0';

	if (txt == RECORD_TXT_OK) {
		/* The TXT now says there is a policy: "no policy" is stale. */
		rec->negative_until = 0;
		/* STS-CACHE-5: same id, fresh policy, nothing to fetch. */
		if (fresh && id != NULL && strcmp(id, rec->policy_id) == 0 &&
		    !again)
			return RULES_DONE;
		/* STS-CACHE-4, STS-CACHE-7; STS-FETCH-10 unless forced. */
		if (!force && backoff_blocks(rec, id, now))
			return RULES_DONE;
		return RULES_FETCH;
	}

	/*
	 * NONE, INVALID, ERROR.  The fetch failure fields (fail_id,
	 * failures, next_fetch) stay: they drive STS-FETCH-10.
	 */
	if (txt == RECORD_TXT_INVALID)
		set_fail(rec, fail != FAIL_NONE ? fail : FAIL_TXT_INVALID,
		    reason, now);
	else if (txt != RECORD_TXT_NONE)
		set_fail(rec, fail != FAIL_NONE ? fail : FAIL_TXT_DNS, reason,
		    now);
	if (fresh) {
		/*
		 * STS-REC-13/14, STS-CACHE-3: the policy stays.  DEC-18: a
		 * refresh fetches it anyway, under the cached id.
		 */
		if (again && (force || !backoff_blocks(rec, rec->policy_id,
		    now)))
			return RULES_FETCH;
		return RULES_DONE;
	}
	/* DEC-18: a refresh never creates "no policy" for a domain. */
	if (flags & RULES_REFRESH)
		return RULES_DONE;
	/* DEC-4: a DNS error is "no policy" too, for a shorter time. */
	rec->negative_until = add_sat(now, txt == RECORD_TXT_NONE ||
	    txt == RECORD_TXT_INVALID ? conf->negative_ttl : conf->error_ttl);
	return RULES_DONE;
}

int
rules_on_fetch_ok(struct record *rec, const struct sts_policy *pol,
    const char *text, size_t len, const char *id, enum record_origin origin,
    int64_t now)
{
	/* STS-CACHE-1: a success ends the failure state. */
	rec->fail = FAIL_NONE;
	rec->fail_time = 0;
	rec->fail_id[0] = '\0';
	rec->fail_reason[0] = '\0';
	rec->failures = 0;
	rec->next_fetch = 0;
	rec->negative_until = 0;

	/*
	 * STS-CACHE-13, DEC-16: max_age 0 is for this answer only; the
	 * record keeps no policy, not even an older one.
	 */
	if (pol->max_age == 0) {
		rec->has_policy = 0;
		rec->policy_id[0] = '\0';
		rec->fetched = 0;
		rec->expires = 0;
		rec->origin = RECORD_ORIGIN_NONE;
		memset(&rec->policy, 0, sizeof(rec->policy));
		rec->text = NULL;
		rec->text_len = 0;
		return 0;
	}

	/* STS-CACHE-4/7/8: any valid policy replaces the cached one. */
	if (id != NULL)
		copy_str(rec->policy_id, sizeof(rec->policy_id), id);
	rec->has_policy = 1;
	rec->policy = *pol;
	rec->text = text;
	rec->text_len = len;
	rec->fetched = now;
	rec->expires = add_sat(now, pol->max_age);
	rec->origin = origin;
	return 1;
}

void
rules_on_fetch_failed(struct record *rec, enum fail_class fail,
    const char *reason, const char *id, int64_t now,
    const struct rules_conf *conf)
{
	/* STS-CACHE-3/9: the policy, fresh or not, is left alone. */
	set_fail(rec, fail, reason, now);
	copy_str(rec->fail_id, sizeof(rec->fail_id), id);
	if (rec->failures < UINT32_MAX)
		rec->failures++;
	rec->next_fetch = add_sat(now, conf->backoff);
}

int
rules_fetch_alert(const struct record *rec, int64_t now)
{
	return rules_policy_fresh(rec, now) &&
	    rec->policy.mode != STS_MODE_NONE;
}

int
rules_dane_fresh(const struct record *rec, int64_t now)
{
	return rec != NULL && rec->has_dane && now < rec->dane_expires;
}

int
rules_refresh_due(const struct record *rec, int64_t now, int64_t jitter,
    const struct rules_conf *conf)
{
	int64_t	age;

	if (!rules_policy_fresh(rec, now))
		return 0;
	/* Asked for within refresh_idle: now - last_asked < refresh_idle. */
	if (reached(now, rec->last_asked, conf->refresh_idle))
		return 0;
	/*
	 * ...and since the policy was fetched: a policy in use is refreshed,
	 * one nobody asked for again is not fetched over and over (a short
	 * max_age would otherwise poll for a month).
	 */
	if (rec->last_asked < rec->fetched)
		return 0;
	if (now < rec->next_fetch)
		return 0;
	/* max_age <= 2^32, so 3 * max_age cannot overflow. */
	age = (int64_t)rec->policy.max_age * 3 / 4;
	if (age > conf->refresh_max)
		age = conf->refresh_max;
	/* Spread, but never so early that a fetch is due right after one. */
	if (jitter < 0)
		jitter = 0;
	if (jitter > age / 4)
		jitter = age / 4;
	return reached(now, rec->fetched, age - jitter);
}

int
rules_expendable(const struct record *rec, int64_t now,
    const struct rules_conf *conf)
{
	int64_t	last = rec->last_asked;

	if (rules_policy_fresh(rec, now) || rules_negative_fresh(rec, now) ||
	    rules_dane_fresh(rec, now))
		return 0;
	if (rec->txt_checked > last)
		last = rec->txt_checked;
	if (rec->fail_time > last)
		last = rec->fail_time;
	if (rec->has_policy && rec->expires > last)
		last = rec->expires;
	if (rec->negative_until > last)
		last = rec->negative_until;
	return reached(now, last, conf->refresh_max);
}

int
rules_touch(struct record *rec, int64_t now, const struct rules_conf *conf)
{
	int64_t	moved = sub_sat(now, rec->last_asked);

	rec->last_asked = now;
	if (moved < 0)
		moved = moved == INT64_MIN ? INT64_MAX : -moved;
	return moved >= conf->touch;
}
