/*
 * test_rules.c: RFC 8461 cache semantics (rules.h): STS-CACHE-*,
 * STS-FETCH-10/18, STS-REC-13/14, STS-OPS-5, DEC-4/5/15/16/18.  One row
 * per case; a record is described by a struct spec and built fresh for
 * each row.  Times are offsets from T; "fresh" means now < expires.
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"
#include "rules.h"

#define T		1700000000LL
#define DAY		86400
#define WEEK		(7 * DAY)

/* What a row says about the record before the call. */
struct spec {
	enum sts_mode	 mode;		/* STS_MODE_UNSET: no policy */
	uint32_t	 max_age;
	int64_t		 fetched;	/* expires = fetched + max_age */
	const char	*policy_id;	/* default "id1" with a policy */
	int64_t		 txt_checked;
	int64_t		 negative_until;
	int64_t		 next_fetch;
	const char	*fail_id;
	uint32_t	 failures;
	int64_t		 last_asked;
	int64_t		 dane_expires;	/* 0: no DANE part */
};

static char	 mx_name[] = "mx.example.com";
static char	 body[] = "version: STSv1\nmode: enforce\n"
		    "mx: mx.example.com\nmax_age: 604800\n";

static void
build(struct record *rec, const struct spec *s)
{
	record_init(rec);
	rec->txt_checked = s->txt_checked;
	rec->negative_until = s->negative_until;
	rec->next_fetch = s->next_fetch;
	rec->failures = s->failures;
	rec->last_asked = s->last_asked;
	if (s->dane_expires != 0) {
		rec->has_dane = 1;
		rec->dane_checked = s->dane_expires - 300;
		rec->dane_expires = s->dane_expires;
		rec->dane_mx = DANE_MX_INSECURE;
	}
	if (s->fail_id != NULL) {
		strcpy(rec->fail_id, s->fail_id);
		rec->fail = FAIL_TCP;
		rec->fail_time = s->next_fetch - 300;
	}
	if (s->mode == STS_MODE_UNSET)
		return;
	rec->has_policy = 1;
	strcpy(rec->policy_id, s->policy_id != NULL ? s->policy_id : "id1");
	rec->fetched = s->fetched;
	rec->expires = s->fetched + s->max_age;
	rec->origin = RECORD_ORIGIN_LOOKUP;
	rec->policy.mode = s->mode;
	rec->policy.max_age = s->max_age;
	if (s->mode != STS_MODE_NONE) {
		rec->policy.nmx = 1;
		rec->policy.mx[0] = mx_name;
	}
	rec->text = body;
	rec->text_len = sizeof(body) - 1;
}

/* A record with a policy; the other fields follow as designators. */
#define POLICY(m, age, fetch, checked, asked, ...) \
			{ .mode = (m), .max_age = (age), .fetched = (fetch), \
			    .txt_checked = (checked), .last_asked = (asked), \
			    __VA_ARGS__ }
#define ENF		STS_MODE_ENFORCE
/* A fresh enforce policy fetched a day ago, TXT checked 10 s ago. */
#define FRESH(...)	POLICY(ENF, WEEK, T - DAY, T - 10, T - 60, __VA_ARGS__)
/* The same policy, expired exactly at T. */
#define EXPIRED(...)	POLICY(ENF, WEEK, T - WEEK, T - 10, 0, __VA_ARGS__)

static struct rules_conf	conf;

/*
 * rules_policy_fresh(), rules_negative_fresh()
 */

struct fresh_case {
	const char	*label;
	struct spec	 rec;
	int64_t		 now;
	int		 policy;
	int		 negative;
	int		 dane;
};

static const struct fresh_case fresh_cases[] = {
	{ "fresh: STS-CACHE-3 policy one second before expires",
	    FRESH(), T + 6 * DAY - 1, 1, 0 },
	{ "fresh: STS-CACHE-6 policy expired exactly at expires",
	    FRESH(), T + 6 * DAY, 0, 0 },
	{ "fresh: STS-CACHE-6 policy long expired", FRESH(), T + 30 * DAY,
	    0, 0 },
	{ "fresh: no policy", { .txt_checked = T }, T, 0, 0 },
	{ "fresh: negative one second before its end",
	    { .negative_until = T + 300 }, T + 299, 0, 1 },
	{ "fresh: negative ends exactly at negative_until",
	    { .negative_until = T + 300 }, T + 300, 0, 0 },
	{ "fresh: STS-CACHE-13 max_age 0 is never fresh",
	    { .mode = STS_MODE_ENFORCE, .max_age = 0, .fetched = T }, T, 0,
	    0 },
	{ "fresh: DANE-16 DANE part one second before its TTL ends",
	    { .dane_expires = T + 60 }, T + 59, 0, 0, 1 },
	{ "fresh: DANE-16 DANE part over when its TTL ends",
	    { .dane_expires = T + 60 }, T + 60, 0, 0, 0 },
	{ "fresh: DANE part and policy are independent",
	    FRESH(.dane_expires = T - 1), T, 1, 0, 0 },
};

static void
test_fresh(void **state)
{
	const struct fresh_case	*tc = *state;
	struct record		 rec;

	build(&rec, &tc->rec);
	assert_int_equal(rules_policy_fresh(&rec, tc->now), tc->policy);
	assert_int_equal(rules_negative_fresh(&rec, tc->now), tc->negative);
	assert_int_equal(rules_dane_fresh(&rec, tc->now), tc->dane);
	assert_int_equal(rules_policy_fresh(NULL, tc->now), 0);
	assert_int_equal(rules_negative_fresh(NULL, tc->now), 0);
	assert_int_equal(rules_dane_fresh(NULL, tc->now), 0);
}

/*
 * rules_on_lookup()
 */

struct lookup_case {
	const char		*label;
	int			 none;		/* no record at all */
	struct spec		 rec;
	int64_t			 now;
	enum rules_lookup	 want;
};

static const struct lookup_case lookup_cases[] = {
	{ "lookup: DEC-5 no record resolves", 1, { 0 }, T, RULES_RESOLVE },
	{ "lookup: DEC-5 empty record resolves", 0, { 0 }, T,
	    RULES_RESOLVE },
	{ "lookup: STS-CACHE-3 fresh policy answers", 0, FRESH(), T,
	    RULES_ANSWER },
	{ "lookup: DEC-15 TXT checked 299 s ago, no re-check", 0,
	    POLICY(ENF, WEEK, T - DAY, T - 299, T), T, RULES_ANSWER },
	{ "lookup: STS-CACHE-10 DEC-15 TXT checked 300 s ago, re-check", 0,
	    POLICY(ENF, WEEK, T - DAY, T - 300, T), T, RULES_ANSWER_RECHECK },
	{ "lookup: STS-CACHE-10 TXT never checked, re-check", 0,
	    POLICY(ENF, WEEK, T - DAY, 0, T), T, RULES_ANSWER_RECHECK },
	{ "lookup: DEC-15 testing policy is re-checked too", 0,
	    POLICY(STS_MODE_TESTING, WEEK, T - DAY, T - 600, T), T,
	    RULES_ANSWER_RECHECK },
	{ "lookup: DEC-15 none policy is re-checked too", 0,
	    POLICY(STS_MODE_NONE, WEEK, T - DAY, T - 600, T), T,
	    RULES_ANSWER_RECHECK },
	{ "lookup: STS-CACHE-3 one second before expiry answers", 0,
	    EXPIRED(), T - 1, RULES_ANSWER },
	{ "lookup: STS-CACHE-6 expired exactly at expires resolves", 0,
	    EXPIRED(), T, RULES_RESOLVE },
	{ "lookup: STS-CACHE-6 expired, old TXT check, resolves", 0,
	    POLICY(ENF, WEEK, T - WEEK, T - DAY, 0), T + 1, RULES_RESOLVE },
	{ "lookup: negative entry answers", 0,
	    { .txt_checked = T - 10, .negative_until = T + 290 }, T,
	    RULES_ANSWER },
	{ "lookup: negative entry over at negative_until resolves", 0,
	    { .txt_checked = T - 300, .negative_until = T }, T,
	    RULES_RESOLVE },
	{ "lookup: expired policy with a fresh negative entry answers", 0,
	    EXPIRED(.negative_until = T + 10), T, RULES_ANSWER },
	{ "lookup: STS-FETCH-10 backoff and recent TXT answer without I/O", 0,
	    { .txt_checked = T - 100, .next_fetch = T + 200,
	    .fail_id = "id2" }, T, RULES_ANSWER },
	{ "lookup: STS-FETCH-10 backoff, expired policy, recent TXT answers",
	    0, POLICY(ENF, WEEK, T - WEEK, T - 5, 0, .next_fetch = T + 100,
	    .fail_id = "id1"), T, RULES_ANSWER },
	{ "lookup: STS-FETCH-10 backoff but TXT check due resolves", 0,
	    { .txt_checked = T - 300, .next_fetch = T + 100,
	    .fail_id = "id2" }, T, RULES_RESOLVE },
	{ "lookup: STS-FETCH-10 backoff over at next_fetch resolves", 0,
	    { .txt_checked = T - 10, .next_fetch = T, .fail_id = "id2" }, T,
	    RULES_RESOLVE },
	{ "lookup: STS-CACHE-3 fresh policy in backoff still answers", 0,
	    FRESH(.next_fetch = T + 100, .fail_id = "id2"), T,
	    RULES_ANSWER },
};

static void
test_lookup(void **state)
{
	const struct lookup_case	*tc = *state;
	struct record			 rec;

	build(&rec, &tc->rec);
	assert_int_equal(rules_on_lookup(tc->none ? NULL : &rec, tc->now,
	    &conf), tc->want);
}

/*
 * rules_on_txt()
 */

struct txt_case {
	const char		*label;
	struct spec		 rec;
	enum record_txt		 txt;
	const char		*id;
	enum fail_class		 fail;
	int			 flags;
	enum rules_next		 want;
	int64_t			 negative_until;	/* after */
	enum fail_class		 want_fail;		/* after */
};

#define OK	RECORD_TXT_OK
#define NONE	RECORD_TXT_NONE
#define INVAL	RECORD_TXT_INVALID
#define ERROR	RECORD_TXT_ERROR
#define REFRESH	RULES_REFRESH
#define FORCE	RULES_FORCE
#define DONE	RULES_DONE
#define FETCH	RULES_FETCH

static const struct txt_case txt_cases[] = {
	{ "txt: STS-CACHE-5 same id, fresh policy: no fetch", FRESH(), OK,
	    "id1", FAIL_NONE, 0, DONE, 0, FAIL_NONE },
	{ "txt: STS-CACHE-4 new id, fresh policy: fetch", FRESH(), OK, "id2",
	    FAIL_NONE, 0, FETCH, 0, FAIL_NONE },
	{ "txt: STS-CACHE-6 same id, expired policy: fetch", EXPIRED(), OK,
	    "id1", FAIL_NONE, 0, FETCH, 0, FAIL_NONE },
	{ "txt: STS-CACHE-4 first contact: fetch", { 0 }, OK, "id1",
	    FAIL_NONE, 0, FETCH, 0, FAIL_NONE },
	{ "txt: STS-FETCH-10 id failed 100 s ago: no fetch",
	    { .next_fetch = T + 200, .fail_id = "id2" }, OK, "id2",
	    FAIL_NONE, 0, DONE, 0, FAIL_TCP },
	{ "txt: STS-FETCH-10 new id within backoff of another: fetch",
	    FRESH(.next_fetch = T + 200, .fail_id = "id2"), OK, "id3",
	    FAIL_NONE, 0, FETCH, 0, FAIL_TCP },
	{ "txt: STS-FETCH-10 backoff over exactly at next_fetch: fetch",
	    { .next_fetch = T, .fail_id = "id2" }, OK, "id2", FAIL_NONE, 0,
	    FETCH, 0, FAIL_TCP },
	{ "txt: STS-FETCH-10 failed id, fresh old policy: no fetch",
	    FRESH(.next_fetch = T + 1, .fail_id = "id2"), OK, "id2",
	    FAIL_NONE, 0, DONE, 0, FAIL_TCP },
	{ "txt: STS-FETCH-10 force ignores the backoff",
	    { .next_fetch = T + 200, .fail_id = "id2" }, OK, "id2",
	    FAIL_NONE, FORCE, FETCH, 0, FAIL_TCP },
	{ "txt: force fetches the same id of a fresh policy", FRESH(), OK,
	    "id1", FAIL_NONE, FORCE, FETCH, 0, FAIL_NONE },
	{ "txt: STS-CACHE-7 refresh fetches the same id", FRESH(), OK, "id1",
	    FAIL_NONE, REFRESH, FETCH, 0, FAIL_NONE },
	{ "txt: STS-FETCH-10 refresh of an id in backoff waits",
	    FRESH(.next_fetch = T + 10, .fail_id = "id1"), OK, "id1",
	    FAIL_NONE, REFRESH, DONE, 0, FAIL_TCP },
	{ "txt: OK ends a negative entry", { .negative_until = T + 100 }, OK,
	    "id1", FAIL_NONE, 0, FETCH, 0, FAIL_NONE },
	{ "txt: STS-REC-13 none keeps a fresh policy", FRESH(), NONE, NULL,
	    FAIL_NONE, 0, DONE, 0, FAIL_NONE },
	{ "txt: STS-REC-13 invalid keeps a fresh policy", FRESH(), INVAL,
	    NULL, FAIL_TXT_INVALID, 0, DONE, 0, FAIL_TXT_INVALID },
	{ "txt: STS-REC-4 multiple records keep a fresh policy", FRESH(),
	    INVAL, NULL, FAIL_TXT_MULTIPLE, 0, DONE, 0, FAIL_TXT_MULTIPLE },
	{ "txt: STS-REC-14 DNS error keeps a fresh policy", FRESH(), ERROR,
	    NULL, FAIL_TXT_DNS, 0, DONE, 0, FAIL_TXT_DNS },
	{ "txt: invalid without a class is txt-invalid", FRESH(), INVAL,
	    NULL, FAIL_NONE, 0, DONE, 0, FAIL_TXT_INVALID },
	{ "txt: error without a class is txt-dns", FRESH(), ERROR, NULL,
	    FAIL_NONE, 0, DONE, 0, FAIL_TXT_DNS },
	{ "txt: none, no policy: negative for negative_ttl", { 0 }, NONE,
	    NULL, FAIL_NONE, 0, DONE, T + 300, FAIL_NONE },
	{ "txt: STS-REC-5 invalid, no policy: negative for negative_ttl",
	    { 0 }, INVAL, NULL, FAIL_TXT_INVALID, 0, DONE, T + 300,
	    FAIL_TXT_INVALID },
	{ "txt: DEC-4 DNS error, no policy: negative for error_ttl", { 0 },
	    ERROR, NULL, FAIL_TXT_DNS, 0, DONE, T + 60, FAIL_TXT_DNS },
	{ "txt: STS-CACHE-6 none, expired policy: negative", EXPIRED(), NONE,
	    NULL, FAIL_NONE, 0, DONE, T + 300, FAIL_NONE },
	{ "txt: DEC-18 refresh with no TXT fetches a fresh policy", FRESH(),
	    NONE, NULL, FAIL_NONE, REFRESH, FETCH, 0, FAIL_NONE },
	{ "txt: DEC-18 refresh with a DNS error fetches a fresh policy",
	    FRESH(), ERROR, NULL, FAIL_TXT_DNS, REFRESH, FETCH, 0,
	    FAIL_TXT_DNS },
	{ "txt: DEC-18 STS-FETCH-10 refresh, invalid TXT, in backoff: wait",
	    FRESH(.next_fetch = T + 5, .fail_id = "id1"), INVAL, NULL,
	    FAIL_TXT_INVALID, REFRESH, DONE, 0, FAIL_TXT_INVALID },
	{ "txt: DEC-18 force, no TXT, in backoff: fetch a fresh policy",
	    FRESH(.next_fetch = T + 5, .fail_id = "id1"), NONE, NULL,
	    FAIL_NONE, FORCE, FETCH, 0, FAIL_TCP },
	{ "txt: DEC-18 refresh never revives an expired policy", EXPIRED(),
	    NONE, NULL, FAIL_NONE, REFRESH, DONE, 0, FAIL_NONE },
	{ "txt: DEC-18 refresh with a DNS error, expired: no negative",
	    EXPIRED(), ERROR, NULL, FAIL_TXT_DNS, REFRESH, DONE, 0,
	    FAIL_TXT_DNS },
	{ "txt: DEC-18 refresh never creates a negative entry", { 0 }, NONE,
	    NULL, FAIL_NONE, REFRESH, DONE, 0, FAIL_NONE },
	{ "txt: DEC-18 refresh with a valid TXT may fetch an expired policy",
	    EXPIRED(), OK, "id1", FAIL_NONE, REFRESH, FETCH, 0, FAIL_NONE },
	{ "txt: DEC-18 refresh with a valid TXT may create an entry", { 0 },
	    OK, "id1", FAIL_NONE, REFRESH, FETCH, 0, FAIL_NONE },
	{ "txt: operator force without TXT and no policy: negative", { 0 },
	    NONE, NULL, FAIL_NONE, FORCE, DONE, T + 300, FAIL_NONE },
};

static void
test_txt(void **state)
{
	const struct txt_case	*tc = *state;
	struct record		 rec, before;
	enum rules_next		 next;

	build(&rec, &tc->rec);
	before = rec;
	next = rules_on_txt(&rec, tc->txt, tc->id, tc->fail,
	    tc->fail != FAIL_NONE ? "a reason" : NULL, T, tc->flags, &conf);
	assert_int_equal(next, tc->want);
	assert_int_equal(rec.txt, tc->txt);
	assert_true(rec.txt_checked == T);
	assert_string_equal(rec.txt_id, tc->txt == OK ? tc->id : "");
	assert_true(rec.negative_until == tc->negative_until);
	assert_int_equal(rec.fail, tc->want_fail);
	if (tc->txt == INVAL || tc->txt == ERROR) {
		assert_true(rec.fail_time == T);
		assert_string_equal(rec.fail_reason,
		    tc->fail != FAIL_NONE ? "a reason" : "");
	}
	/* The policy and the fetch backoff are not the TXT's business. */
	assert_int_equal(rec.has_policy, before.has_policy);
	assert_true(rec.expires == before.expires);
	assert_string_equal(rec.policy_id, before.policy_id);
	assert_string_equal(rec.fail_id, before.fail_id);
	assert_int_equal(rec.failures, before.failures);
	assert_true(rec.next_fetch == before.next_fetch);
}

/*
 * rules_on_fetch_ok()
 */

struct ok_case {
	const char		*label;
	struct spec		 rec;
	enum sts_mode		 mode;
	uint32_t		 max_age;
	const char		*id;
	enum record_origin	 origin;
	int			 want;
	const char		*want_id;
};

static const struct ok_case ok_cases[] = {
	{ "fetch ok: STS-CACHE-4 first policy", { 0 }, STS_MODE_ENFORCE,
	    WEEK, "id1", RECORD_ORIGIN_LOOKUP, 1, "id1" },
	{ "fetch ok: STS-CACHE-4 new id replaces the cached policy", FRESH(),
	    STS_MODE_ENFORCE, DAY, "id2", RECORD_ORIGIN_LOOKUP, 1, "id2" },
	{ "fetch ok: STS-CACHE-8 enforce replaced by testing", FRESH(),
	    STS_MODE_TESTING, WEEK, "id2", RECORD_ORIGIN_LOOKUP, 1, "id2" },
	{ "fetch ok: STS-CACHE-8 STS-OPS-1 enforce replaced by none (§8.3)",
	    FRESH(), STS_MODE_NONE, 3600, "id2", RECORD_ORIGIN_LOOKUP, 1,
	    "id2" },
	{ "fetch ok: STS-CACHE-7 refresh of the same id extends expiry",
	    FRESH(), STS_MODE_ENFORCE, WEEK, "id1", RECORD_ORIGIN_REFRESH, 1,
	    "id1" },
	{ "fetch ok: DEC-18 refresh without TXT keeps the cached id",
	    FRESH(.policy_id = "cached7"), STS_MODE_ENFORCE, WEEK, NULL,
	    RECORD_ORIGIN_REFRESH, 1, "cached7" },
	{ "fetch ok: STS-CACHE-1 success ends the failure state",
	    FRESH(.next_fetch = T + 100, .fail_id = "id2", .failures = 4,
	    .negative_until = T + 50), STS_MODE_ENFORCE, WEEK, "id2",
	    RECORD_ORIGIN_OPERATOR, 1, "id2" },
	{ "fetch ok: DEC-9 max_age at the clamp", { 0 }, STS_MODE_TESTING,
	    STS_MAX_AGE_MAX, "id1", RECORD_ORIGIN_LOOKUP, 1, "id1" },
	{ "fetch ok: STS-CACHE-13 DEC-16 max_age 0 is not kept", { 0 },
	    STS_MODE_ENFORCE, 0, "id1", RECORD_ORIGIN_LOOKUP, 0, "" },
	{ "fetch ok: DEC-16 max_age 0 replaces a fresh policy by nothing",
	    FRESH(.next_fetch = T + 100, .fail_id = "id2", .failures = 1),
	    STS_MODE_ENFORCE, 0, "id2", RECORD_ORIGIN_LOOKUP, 0, "" },
};

static void
test_fetch_ok(void **state)
{
	const struct ok_case	*tc = *state;
	static char		 text[] = "the new body";
	struct record		 rec;
	struct sts_policy	 pol;

	build(&rec, &tc->rec);
	memset(&pol, 0, sizeof(pol));
	pol.mode = tc->mode;
	pol.max_age = tc->max_age;
	if (tc->mode != STS_MODE_NONE) {
		pol.nmx = 1;
		pol.mx[0] = mx_name;
	}
	assert_int_equal(rules_on_fetch_ok(&rec, &pol, text, sizeof(text) - 1,
	    tc->id, tc->origin, T), tc->want);
	assert_int_equal(rec.has_policy, tc->want);
	assert_string_equal(rec.policy_id, tc->want_id);
	assert_int_equal(rec.fail, FAIL_NONE);
	assert_string_equal(rec.fail_id, "");
	assert_int_equal(rec.failures, 0);
	assert_true(rec.next_fetch == 0);
	assert_true(rec.negative_until == 0);
	if (tc->want == 0) {
		assert_int_equal(rec.policy.nmx, 0);
		assert_null(rec.text);
		assert_int_equal(rules_policy_fresh(&rec, T), 0);
		assert_int_equal(rules_on_lookup(&rec, T, &conf),
		    RULES_RESOLVE);
		return;
	}
	assert_int_equal(rec.policy.mode, tc->mode);
	assert_int_equal(rec.policy.max_age, tc->max_age);
	assert_ptr_equal(rec.policy.mx[0], pol.mx[0]);
	assert_ptr_equal(rec.text, text);
	assert_int_equal(rec.text_len, sizeof(text) - 1);
	assert_true(rec.fetched == T);
	assert_true(rec.expires == T + tc->max_age);
	assert_int_equal(rec.origin, tc->origin);
	assert_int_equal(rules_policy_fresh(&rec, T + tc->max_age - 1), 1);
	assert_int_equal(rules_policy_fresh(&rec, T + tc->max_age), 0);
}

/*
 * rules_on_fetch_failed()
 */

struct failed_case {
	const char		*label;
	struct spec		 rec;
	enum fail_class		 fail;
	const char		*reason;
	const char		*id;
	uint32_t		 failures;	/* after */
	const char		*want_reason;
};

static const char	long_reason[] =
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789012345678901234567890123456789";

static const struct failed_case failed_cases[] = {
	{ "fetch failed: STS-CACHE-9 invalid policy keeps the fresh one",
	    FRESH(), FAIL_SYNTAX, "line 2: bad mode", "id2", 1,
	    "line 2: bad mode" },
	{ "fetch failed: STS-CACHE-3 expired policy stays, unused",
	    EXPIRED(), FAIL_TIMEOUT, "20 s", "id1", 1, "20 s" },
	{ "fetch failed: STS-CACHE-2 no policy, failure remembered", { 0 },
	    FAIL_TLS_NAME, "certificate is for www.example.com", "id1", 1,
	    "certificate is for www.example.com" },
	{ "fetch failed: STS-FETCH-10 consecutive failures count",
	    { .next_fetch = T, .fail_id = "id1", .failures = 2 },
	    FAIL_HTTP_STATUS, "HTTP 503", "id1", 3, "HTTP 503" },
	{ "fetch failed: failure count saturates",
	    { .failures = UINT32_MAX }, FAIL_TCP, "refused", "id1",
	    UINT32_MAX, "refused" },
	{ "fetch failed: reason cut to RECORD_REASON_MAX", { 0 }, FAIL_SIZE,
	    long_reason, "id1", 1, long_reason },
	{ "fetch failed: no reason, no id", { 0 }, FAIL_INTERNAL, NULL, NULL,
	    1, "" },
};

static void
test_fetch_failed(void **state)
{
	const struct failed_case	*tc = *state;
	struct record			 rec, before;

	build(&rec, &tc->rec);
	before = rec;
	rules_on_fetch_failed(&rec, tc->fail, tc->reason, tc->id, T, &conf);
	assert_int_equal(rec.fail, tc->fail);
	assert_true(rec.fail_time == T);
	assert_string_equal(rec.fail_id, tc->id != NULL ? tc->id : "");
	assert_int_equal(strlen(rec.fail_reason),
	    strlen(tc->want_reason) > RECORD_REASON_MAX ? RECORD_REASON_MAX :
	    strlen(tc->want_reason));
	assert_memory_equal(rec.fail_reason, tc->want_reason,
	    strlen(rec.fail_reason));
	assert_int_equal(rec.failures, tc->failures);
	assert_true(rec.next_fetch == T + 300);
	/* STS-CACHE-3/9: the cached policy is untouched. */
	assert_int_equal(rec.has_policy, before.has_policy);
	assert_string_equal(rec.policy_id, before.policy_id);
	assert_true(rec.expires == before.expires);
	assert_int_equal(rec.policy.mode, before.policy.mode);
	assert_ptr_equal(rec.text, before.text);
	assert_int_equal(rules_policy_fresh(&rec, T),
	    rules_policy_fresh(&before, T));
	/* STS-FETCH-10: the same id waits, a TXT check later answers. */
	if (tc->id == NULL)
		return;
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_OK, tc->id, FAIL_NONE,
	    NULL, T + 1, 0, &conf), RULES_DONE);
	assert_int_not_equal(rules_on_lookup(&rec, T + 299, &conf),
	    RULES_RESOLVE);
}

/*
 * rules_fetch_alert(), rules_refresh_due(), rules_touch()
 */

struct alert_case {
	const char	*label;
	struct spec	 rec;
	int64_t		 now;
	int		 want;
};

static const struct alert_case alert_cases[] = {
	{ "alert: STS-FETCH-18 fresh enforce policy", FRESH(), T, 1 },
	{ "alert: STS-FETCH-18 fresh testing policy",
	    POLICY(STS_MODE_TESTING, WEEK, T - DAY, T - 10, T), T, 1 },
	{ "alert: STS-OPS-5 fresh none policy: no alert",
	    POLICY(STS_MODE_NONE, WEEK, T - DAY, T - 10, T), T, 0 },
	{ "alert: STS-CACHE-6 expired policy: no alert", EXPIRED(), T, 0 },
	{ "alert: no policy: no alert", { 0 }, T, 0 },
};

static void
test_alert(void **state)
{
	const struct alert_case	*tc = *state;
	struct record		 rec;

	build(&rec, &tc->rec);
	assert_int_equal(rules_fetch_alert(&rec, tc->now), tc->want);
}

/* Fetched at T, asked an hour ago; a day is less than 3/4 of a week. */
#define DUE(...)	POLICY(ENF, WEEK, T, 0, T + DAY - 3600, __VA_ARGS__)

struct refresh_case {
	const char	*label;
	struct spec	 rec;
	int64_t		 now;
	int		 want;
	int64_t		 jitter;
};

static const struct refresh_case refresh_cases[] = {
	{ "refresh: STS-CACHE-7 refresh_max after the fetch", DUE(), T + DAY,
	    1, 0 },
	{ "refresh: STS-CACHE-7 one second before refresh_max", DUE(),
	    T + DAY - 1, 0, 0 },
	{ "refresh: STS-CACHE-7 3/4 max_age when shorter",
	    POLICY(ENF, 4000, T, 0, T), T + 3000, 1, 0 },
	{ "refresh: STS-CACHE-7 one second before 3/4 max_age",
	    POLICY(ENF, 4000, T, 0, T), T + 2999, 0, 0 },
	{ "refresh: STS-CACHE-7 asked refresh_idle - 1 ago",
	    POLICY(ENF, 60 * DAY, T - 30 * DAY, 0, T + DAY - 30 * DAY + 1),
	    T + DAY, 1, 0 },
	{ "refresh: STS-CACHE-7 asked exactly refresh_idle ago: idle",
	    POLICY(ENF, 60 * DAY, T - 30 * DAY, 0, T + DAY - 30 * DAY),
	    T + DAY, 0, 0 },
	{ "refresh: not asked for since the last fetch: no refresh",
	    POLICY(ENF, WEEK, T, 0, T - 1), T + DAY, 0, 0 },
	{ "refresh: asked in the second of the fetch: refreshed",
	    POLICY(ENF, WEEK, T, 0, T), T + DAY, 1, 0 },
	{ "refresh: never asked for", POLICY(ENF, WEEK, T, 0, 0), T + DAY, 0, 0 },
	{ "refresh: STS-FETCH-10 in backoff",
	    DUE(.next_fetch = T + DAY + 1, .fail_id = "id1"), T + DAY, 0, 0 },
	{ "refresh: STS-FETCH-10 backoff over at next_fetch",
	    DUE(.next_fetch = T + DAY, .fail_id = "id1"), T + DAY, 1, 0 },
	{ "refresh: DEC-18 expired policy is not refreshed",
	    POLICY(ENF, DAY, T, 0, T + DAY - 3600), T + DAY, 0, 0 },
	{ "refresh: DEC-18 no policy, nothing to refresh",
	    { .last_asked = T }, T + DAY, 0, 0 },
	{ "refresh: STS-OPS-1 a none policy is refreshed too",
	    POLICY(STS_MODE_NONE, WEEK, T, 0, T + DAY - 3600), T + DAY, 1, 0 },
	{ "refresh: jitter brings the due time forward",
	    DUE(), T + DAY - 3000, 1, 3600 },
	{ "refresh: ...by at most a quarter of the age",
	    POLICY(ENF, 4000, T, 0, T), T + 2249, 0, 3600 },
	{ "refresh: ...which is then due", POLICY(ENF, 4000, T, 0, T),
	    T + 2250, 1, 3600 },
	{ "refresh: jitter never makes a just-fetched policy due",
	    POLICY(ENF, 600, T, 0, T), T + 1, 0, 3599 },
	{ "refresh: jitter does not skip the backoff",
	    DUE(.next_fetch = T + DAY + 10, .fail_id = "id1"), T + DAY, 0,
	    3600 },
	{ "refresh: jitter does not revive an expired policy",
	    POLICY(ENF, DAY, T, 0, T + DAY - 3600), T + DAY, 0, 3600 },
};

static void
test_refresh(void **state)
{
	const struct refresh_case *tc = *state;
	struct record		 rec;

	build(&rec, &tc->rec);
	assert_int_equal(rules_refresh_due(&rec, tc->now, tc->jitter, &conf),
	    tc->want);
}

/* DEC-17: what the cache may drop. */
static const struct alert_case expendable_cases[] = {
	{ "expendable: a fresh policy is kept", FRESH(), T, 0 },
	{ "expendable: a fresh negative entry is kept",
	    { .negative_until = T + 1 }, T, 0 },
	{ "expendable: expired a day ago, nothing since: dropped",
	    POLICY(ENF, DAY, T - 2 * DAY, T - 2 * DAY, T - 2 * DAY),
	    T, 1 },
	{ "expendable: expired an hour ago: kept for mtasts-ctl show",
	    POLICY(ENF, DAY, T - DAY - 3600, T - 2 * DAY, T - 2 * DAY),
	    T, 0 },
	{ "expendable: negative lapsed long ago, not asked since: dropped",
	    { .negative_until = T - DAY, .txt_checked = T - DAY - 300 },
	    T, 1 },
	{ "expendable: negative lapsed, but asked an hour ago: kept",
	    { .negative_until = T - DAY, .last_asked = T - 3600 }, T, 0 },
	{ "expendable: a failure an hour ago is kept",
	    { .next_fetch = T - 3600 + 300, .fail_id = "id1" }, T, 0 },
	{ "expendable: an empty record is dropped", { 0 }, T, 1 },
	{ "expendable: DANE-16 DANE state within its TTL is kept",
	    { .dane_expires = T + 1 }, T, 0 },
	{ "expendable: DANE state past its TTL, nothing else: dropped",
	    { .dane_expires = T - DAY }, T, 1 },
};

static void
test_expendable(void **state)
{
	const struct alert_case	*tc = *state;
	struct record		 rec;

	build(&rec, &tc->rec);
	assert_int_equal(rules_expendable(&rec, tc->now, &conf), tc->want);
}

struct touch_case {
	const char	*label;
	int64_t		 last_asked;
	int64_t		 now;
	int		 want;
};

static const struct touch_case touch_cases[] = {
	{ "touch: never asked before: write", 0, T, 1 },
	{ "touch: 3599 s later: no write", T - 3599, T, 0 },
	{ "touch: exactly touch later: write", T - 3600, T, 1 },
	{ "touch: same second: no write", T, T, 0 },
	{ "touch: clock back an hour: write", T + 3600, T, 1 },
	{ "touch: clock back a minute: no write", T + 60, T, 0 },
	{ "touch: damaged time far in the past", INT64_MIN, T, 1 },
	{ "touch: damaged time far in the future", INT64_MAX, -T, 1 },
};

static void
test_touch(void **state)
{
	const struct touch_case	*tc = *state;
	struct record		 rec;

	record_init(&rec);
	rec.last_asked = tc->last_asked;
	assert_int_equal(rules_touch(&rec, tc->now, &conf), tc->want);
	assert_true(rec.last_asked == tc->now);
}

/*
 * Whole sequences.
 */

/* STS-FETCH-10, STS-CACHE-2: a first contact that fails, then retries. */
static void
test_seq_backoff(void **state)
{
	struct record	 rec;
	int64_t		 now = T;

	record_init(&rec);
	assert_int_equal(rules_on_lookup(&rec, now, &conf), RULES_RESOLVE);
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_OK, "id1", FAIL_NONE,
	    NULL, now, 0, &conf), RULES_FETCH);
	rules_on_fetch_failed(&rec, FAIL_TCP, "refused", "id1", now, &conf);
	/* STS-CACHE-2: no policy, and no I/O for a while. */
	assert_int_equal(rules_policy_fresh(&rec, now + 1), 0);
	assert_int_equal(rules_on_lookup(&rec, now + 1, &conf), RULES_ANSWER);
	assert_int_equal(rules_on_lookup(&rec, now + 299, &conf),
	    RULES_ANSWER);
	/* After the backoff, resolve and fetch again. */
	now += 300;
	assert_int_equal(rules_on_lookup(&rec, now, &conf), RULES_RESOLVE);
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_OK, "id1", FAIL_NONE,
	    NULL, now, 0, &conf), RULES_FETCH);
}

/* DEC-16: a max_age 0 policy is fetched again on every lookup. */
static void
test_seq_max_age_0(void **state)
{
	struct record		rec;
	struct sts_policy	pol;

	record_init(&rec);
	memset(&pol, 0, sizeof(pol));
	pol.mode = STS_MODE_ENFORCE;
	pol.nmx = 1;
	pol.mx[0] = mx_name;
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_OK, "id1", FAIL_NONE,
	    NULL, T, 0, &conf), RULES_FETCH);
	assert_int_equal(rules_on_fetch_ok(&rec, &pol, body, 4, "id1",
	    RECORD_ORIGIN_LOOKUP, T), 0);
	assert_int_equal(rules_on_lookup(&rec, T + 1, &conf), RULES_RESOLVE);
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_OK, "id1", FAIL_NONE,
	    NULL, T + 1, 0, &conf), RULES_FETCH);
}

/* DEC-18: the TXT disappears; refreshes keep the policy alive. */
static void
test_seq_refresh_without_txt(void **state)
{
	static const struct spec	 s = DUE();
	struct record			 rec;
	struct sts_policy		 pol;
	int64_t				 now = T + DAY;

	build(&rec, &s);
	pol = rec.policy;
	assert_int_equal(rules_refresh_due(&rec, now, 0, &conf), 1);
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_NONE, NULL, FAIL_NONE,
	    NULL, now, RULES_REFRESH, &conf), RULES_FETCH);
	assert_int_equal(rules_on_fetch_ok(&rec, &pol, body, sizeof(body) - 1,
	    rec.policy_id, RECORD_ORIGIN_REFRESH, now), 1);
	assert_string_equal(rec.policy_id, "id1");
	assert_true(rec.expires == now + WEEK);
	assert_int_equal(rules_refresh_due(&rec, now + 1, 0, &conf), 0);
	/* A lookup meanwhile still answers from the policy. */
	assert_int_equal(rules_on_txt(&rec, RECORD_TXT_NONE, NULL, FAIL_NONE,
	    NULL, now + 10, 0, &conf), RULES_DONE);
	assert_int_equal(rules_policy_fresh(&rec, now + 10), 1);
	assert_true(rec.negative_until == 0);
}

static void
test_defaults(void **state)
{
	struct rules_conf	c;

	memset(&c, 0xff, sizeof(c));
	rules_conf_defaults(&c);
	assert_true(c.txt_recheck == 300);
	assert_true(c.negative_ttl == 300);
	assert_true(c.error_ttl == 60);
	assert_true(c.backoff == 300);
	assert_true(c.refresh_idle == 30 * DAY);
	assert_true(c.refresh_max == DAY);
	assert_true(c.touch == 3600);
}

int
main(void)
{
	static struct table_tests tt;

	rules_conf_defaults(&conf);
	table_add_fn(&tt, "defaults: DEC-15 STS-FETCH-10 values",
	    test_defaults);
	TABLE_ADD(&tt, fresh_cases, test_fresh);
	TABLE_ADD(&tt, lookup_cases, test_lookup);
	TABLE_ADD(&tt, txt_cases, test_txt);
	TABLE_ADD(&tt, ok_cases, test_fetch_ok);
	TABLE_ADD(&tt, failed_cases, test_fetch_failed);
	TABLE_ADD(&tt, alert_cases, test_alert);
	TABLE_ADD(&tt, refresh_cases, test_refresh);
	TABLE_ADD(&tt, expendable_cases, test_expendable);
	TABLE_ADD(&tt, touch_cases, test_touch);
	table_add_fn(&tt, "sequence: STS-FETCH-10 STS-CACHE-2 first contact "
	    "fails, backs off, retries", test_seq_backoff);
	table_add_fn(&tt, "sequence: DEC-16 max_age 0 is fetched every time",
	    test_seq_max_age_0);
	table_add_fn(&tt, "sequence: DEC-18 STS-CACHE-16 refresh without TXT "
	    "extends the policy", test_seq_refresh_without_txt);
	return table_run("rules", &tt);
}
