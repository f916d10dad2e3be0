/*
 * test_report.c: TLSRPT aggregation and reports (report.h, gzip.h;
 * RPT-5..12, RPT-17..19, RPT-25).  Days and keys and their order; the
 * entry value's round trips, pinned layout and every kind of damage;
 * the merge rules; the JSON report byte for byte, its escaping and its
 * refusals; the file name; the mail, whose attachment must decode and
 * gunzip back to the report.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "tabletest.h"
#include "gzip.h"
#include "report.h"
#include "rpt.h"
#include "xmalloc.h"

#define DAY		19783		/* 2024-03-01 */
#define DAY_START	1709251200LL
#define DOM		"example.com"
#define REC		"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"
#define ID		"20240301.0123456789abcdef0123456789abcdef@example.net"
#define LABEL63		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" \
			    "0123456789x"
#define DOMAIN253	LABEL63 "." LABEL63 "." LABEL63 "." \
			    "abcdefghijklmnopqrstuvwxyz" \
			    "abcdefghijklmnopqrstuvwxyz012345678"
#define HEADER_LEN	34	/* report.h: fixed part of a value */

static void	sts_policy(struct rpt_policy *);
static void	tlsa_policy(struct rpt_policy *);
static void	none_policy(struct rpt_policy *);
static void	session(struct rpt_session *, size_t);
static void	add_ok(struct report_entry *, const struct rpt_policy *);
static void	expired_row(struct rpt_failure *);
static void	starttls_row(struct rpt_failure *);
static int	key_cmp(const struct report_key *, const struct report_key *);
static void	sha256(const void *, size_t, uint8_t *);
static unsigned char *encode_copy(const struct report_entry *, size_t *);
static void	assert_entries_equal(const struct report_entry *,
		    const struct report_entry *);
static void	build_basic(struct report_entry *, struct report_entry *);
static size_t	b64_decode(const char *, size_t, unsigned char *);
static char	*gunzip(const unsigned char *, size_t, size_t *);

/*
 * Sessions and entries to build from.
 */

static const char *const sts_lines[] = {
	"version: STSv1", "mode: enforce", "mx: mx1.example.com",
	"mx: *.mail.example.com", "max_age: 604800",
};
static const char *const sts_mx[] = {
	"mx1.example.com", "*.mail.example.com",
};

static void
sts_policy(struct rpt_policy *p)
{
	size_t	i;

	memset(p, 0, sizeof(*p));
	p->type = RPT_POLICY_STS;
	p->domain = DOM;
	p->nstrings = 5;
	for (i = 0; i < 5; i++)
		p->strings[i] = sts_lines[i];
	p->nmx = 2;
	p->mx[0] = sts_mx[0];
	p->mx[1] = sts_mx[1];
}

/* DEC-29: DANE reports under the next-hop domain, one string per TLSA. */
static void
tlsa_policy(struct rpt_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->type = RPT_POLICY_TLSA;
	p->domain = DOM;
	p->nstrings = 1;
	p->strings[0] = "3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef";
	p->nmx = 1;
	p->mx[0] = "mx1.example.com";
}

static void
none_policy(struct rpt_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->type = RPT_POLICY_NONE;
	p->domain = DOM;
}

static void
expired_row(struct rpt_failure *f)
{
	memset(f, 0, sizeof(*f));
	f->result = RPT_RESULT_CERT_EXPIRED;
	f->sending_mta_ip = "192.0.2.1";
	f->receiving_mx_hostname = "mx1.example.com";
	f->receiving_ip = "198.51.100.7";
	f->failure_reason_code = "X509_V_ERR_CERT_HAS_EXPIRED";
}

static void
starttls_row(struct rpt_failure *f)
{
	memset(f, 0, sizeof(*f));
	f->result = RPT_RESULT_STARTTLS_NOT_SUPPORTED;
	f->sending_mta_ip = "192.0.2.1";
	f->receiving_mx_hostname = "mx2.mail.example.com";
	f->receiving_ip = "198.51.100.8";
}

/* A session of n STS policies. */
static void
session(struct rpt_session *s, size_t n)
{
	size_t	i;

	memset(s, 0, sizeof(*s));
	s->domain = DOM;
	s->record = REC;
	s->npolicies = n;
	for (i = 0; i < n; i++)
		sts_policy(&s->policies[i]);
}

static void
add_ok(struct report_entry *e, const struct rpt_policy *p)
{
	struct parse_err	err;

	if (report_entry_add(e, DOM, REC, p, &err) != 0)
		fail_msg("report_entry_add: %s", err.msg);
}

/*
 * The basic report: an STS entry with 3 successes and 2 failures (one
 * with two details), and a no-policy-found entry with 1 success.
 */
static void
build_basic(struct report_entry *sts, struct report_entry *none)
{
	struct rpt_policy	p;
	int			i;

	report_entry_init(sts);
	report_entry_init(none);
	sts_policy(&p);
	for (i = 0; i < 3; i++)
		add_ok(sts, &p);
	p.failed = 1;
	p.nfailures = 1;
	expired_row(&p.failures[0]);
	add_ok(sts, &p);
	p.nfailures = 2;
	starttls_row(&p.failures[1]);
	add_ok(sts, &p);
	none_policy(&p);
	add_ok(none, &p);
}

static int
key_cmp(const struct report_key *a, const struct report_key *b)
{
	size_t	n = a->len < b->len ? a->len : b->len;
	int	c;

	if ((c = memcmp(a->buf, b->buf, n)) != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static void
sha256(const void *p, size_t n, uint8_t *md)
{
	unsigned int	len;

	assert_int_equal(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(len, 32);
}

/* An exact-size copy of the encoding, so that ASan sees overreads. */
static unsigned char *
encode_copy(const struct report_entry *e, size_t *len)
{
	unsigned char	*buf, *copy;

	buf = report_entry_encode(e, len);
	copy = xmalloc(*len);
	memcpy(copy, buf, *len);
	xfree(buf);
	return copy;
}

static void
assert_entries_equal(const struct report_entry *a,
    const struct report_entry *b)
{
	unsigned char	*ea, *eb;
	size_t		 la, lb;

	ea = report_entry_encode(a, &la);
	eb = report_entry_encode(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(ea, eb, la);
	xfree(ea);
	xfree(eb);
}

/*
 * Days (RPT-5).
 */

struct day_case {
	const char	*label;
	int64_t		 t;
	int64_t		 day;
	const char	*str;		/* NULL: day out of range */
};

static const struct day_case day_cases[] = {
	{ "RPT-5 day: the epoch", 0, 0, "1970-01-01" },
	{ "RPT-5 day: last second of a day", 86399, 0, "1970-01-01" },
	{ "RPT-5 day: midnight starts the next day", 86400, 1, "1970-01-02" },
	{ "RPT-5 day: leap day 2000", 951782400, 11016, "2000-02-29" },
	{ "RPT-5 day: 2024-03-01", DAY_START + 3600, DAY, "2024-03-01" },
	{ "RPT-5 day: the last day 9999-12-30",
	    (int64_t)REPORT_DAY_MAX * 86400 + 86399, REPORT_DAY_MAX,
	    "9999-12-30" },
	{ "RPT-5 day: 9999-12-31 is out of range",
	    (int64_t)(REPORT_DAY_MAX + 1) * 86400, -1, NULL },
	{ "RPT-5 day: before the epoch", -1, -1, NULL },
	{ "RPT-5 day: INT64_MAX", INT64_MAX, -1, NULL },
};

static void
test_day(void **state)
{
	const struct day_case	*tc = *state;
	char			 buf[11];
	int64_t			 start, end;

	assert_true(report_day(tc->t) == tc->day);
	if (tc->str == NULL) {
		assert_int_equal(report_day_str(tc->day, buf), -1);
		assert_int_equal(report_day_bounds(tc->day, &start, &end), -1);
		return;
	}
	assert_int_equal(report_day_str(tc->day, buf), 0);
	assert_string_equal(buf, tc->str);
	assert_int_equal(report_day_bounds(tc->day, &start, &end), 0);
	assert_true(start == tc->day * 86400 && end == start + 86400);
	assert_true(start <= tc->t && tc->t < end);
}

/*
 * Keys.
 */

/* The layout is a stored format: pin it. */
static void
test_key_layout(void **state)
{
	struct report_entry	 e;
	struct rpt_policy	 p;
	struct report_key	 k;
	uint8_t			 md[32];
	static const uint8_t	 ident[] = {
		1, 1, 0, 'p', 1, 0, 1, 0, 's', 1, 0, 1, 0, 'm'
	};
	static const char	*const s[] = { "s" }, *const m[] = { "m" };

	memset(&p, 0, sizeof(p));
	p.type = RPT_POLICY_STS;
	p.domain = "P";
	p.nstrings = 1;
	p.strings[0] = s[0];
	p.nmx = 1;
	p.mx[0] = m[0];
	report_entry_init(&e);
	assert_int_equal(report_entry_add(&e, "D", "r", &p, NULL), 0);
	assert_int_equal(report_entry_key(&e, DAY, &k), 6 + 1 + 64);
	assert_int_equal(k.len, 71);
	assert_memory_equal(k.buf, "\001\000\000\115\107d\000", 7);
	sha256("r", 1, md);
	assert_memory_equal(k.buf + 7, md, 32);
	sha256(ident, sizeof(ident), md);
	assert_memory_equal(k.buf + 39, md, 32);
	report_entry_clear(&e);
}

/* The longest key: a 253-byte domain, still under LMDB's 511. */
static void
test_key_max(void **state)
{
	struct rpt_session	 s;
	struct report_key	 keys[RPT_POLICIES_MAX];
	size_t			 idx[RPT_POLICIES_MAX], n;
	struct parse_err	 err;

	assert_true(REPORT_KEY_MAX <= 511);
	assert_int_equal(strlen(DOMAIN253), 253);
	session(&s, 1);
	s.domain = DOMAIN253;
	assert_int_equal(report_session_keys(REPORT_DAY_MAX, &s, keys, idx,
	    &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(keys[0].len, REPORT_KEY_MAX);
}

struct order_case {
	const char	*label;
	int64_t		 day_a;
	const char	*dom_a;
	const char	*rec_a;
	int64_t		 day_b;
	const char	*dom_b;
	const char	*rec_b;
};

static const struct order_case order_cases[] = {
	{ "keys: an earlier day sorts first, whatever the domain",
	    DAY, "zz.example", REC, DAY + 1, "a.example", REC },
	{ "keys: day 255 before day 256 (big-endian)",
	    255, "b.example", REC, 256, "a.example", REC },
	{ "keys: day 0 before the last day", 0, DOM, REC, REPORT_DAY_MAX,
	    DOM, REC },
	{ "keys: same day, domains in byte order",
	    DAY, "a.example", REC, DAY, "b.example", REC },
	{ "keys: a domain before its extension (NUL ends it)",
	    DAY, "example.com", REC, DAY, "example.com.au", REC },
	{ "keys: a domain before a longer name sharing its start",
	    DAY, "example.co", REC, DAY, "example.com", REC },
};

/* a < b, and a's report prefixes are not prefixes of b's keys. */
static void
test_key_order(void **state)
{
	const struct order_case	*tc = *state;
	struct rpt_session	 s;
	struct report_key	 ka[RPT_POLICIES_MAX], kb[RPT_POLICIES_MAX];
	struct report_key	 pa;
	size_t			 idx[RPT_POLICIES_MAX], na, nb;

	session(&s, 1);
	s.domain = tc->dom_a;
	s.record = tc->rec_a;
	assert_int_equal(report_session_keys(tc->day_a, &s, ka, idx, &na,
	    NULL), 0);
	s.domain = tc->dom_b;
	s.record = tc->rec_b;
	assert_int_equal(report_session_keys(tc->day_b, &s, kb, idx, &nb,
	    NULL), 0);
	assert_true(key_cmp(&ka[0], &kb[0]) < 0);
	assert_true(report_key_prefix(&pa, tc->day_a, tc->dom_a, NULL) > 0);
	assert_memory_equal(ka[0].buf, pa.buf, pa.len);
	assert_true(kb[0].len < pa.len ||
	    memcmp(kb[0].buf, pa.buf, pa.len) != 0);
}

/* RPT-5: a day's keys are one range; a report's keys share a prefix. */
static void
test_key_ranges(void **state)
{
	static const char	*const doms[] = {
		"a.example", "example.com", "example.com.au", "z.example",
		DOMAIN253,
	};
	static const char	*const recs[] = {
		REC, "v=TLSRPTv1;rua=mailto:other@example.org",
	};
	struct rpt_session	 s;
	struct report_key	 k[RPT_POLICIES_MAX], lo, hi, rp, dp;
	size_t			 idx[RPT_POLICIES_MAX], n, d, r, i;
	int64_t			 day;

	for (day = DAY - 1; day <= DAY + 1; day++)
		for (d = 0; d < sizeof(doms) / sizeof(doms[0]); d++)
			for (r = 0; r < 2; r++) {
				memset(&s, 0, sizeof(s));
				s.domain = doms[d];
				s.record = recs[r];
				s.npolicies = 3;
				sts_policy(&s.policies[0]);
				none_policy(&s.policies[1]);
				tlsa_policy(&s.policies[2]);
				assert_int_equal(report_session_keys(day, &s,
				    k, idx, &n, NULL), 0);
				assert_int_equal(n, 3);
				assert_int_equal(report_key_prefix(&lo, DAY,
				    NULL, NULL), REPORT_KEY_DAY_LEN);
				(void)report_key_prefix(&hi, DAY + 1, NULL,
				    NULL);
				(void)report_key_prefix(&rp, day, doms[d],
				    recs[r]);
				(void)report_key_prefix(&dp, day, doms[d],
				    NULL);
				assert_int_equal(rp.len,
				    REPORT_KEY_REPORT_LEN(strlen(doms[d])));
				for (i = 0; i < n; i++) {
					int in = key_cmp(&lo, &k[i]) <= 0 &&
					    key_cmp(&k[i], &hi) < 0;

					assert_int_equal(in, day == DAY);
					assert_memory_equal(k[i].buf, rp.buf,
					    rp.len);
					assert_memory_equal(k[i].buf, dp.buf,
					    dp.len);
				}
			}
	/* The other record's report prefix differs. */
	(void)report_key_prefix(&rp, DAY, DOM, recs[0]);
	(void)report_key_prefix(&dp, DAY, DOM, recs[1]);
	assert_int_equal(rp.len, dp.len);
	assert_memory_not_equal(rp.buf, dp.buf, rp.len);
	/* Invalid days and domains give no prefix. */
	assert_int_equal(report_key_prefix(&rp, -1, NULL, NULL), 0);
	assert_int_equal(report_key_prefix(&rp, REPORT_DAY_MAX + 1, NULL,
	    NULL), 0);
	assert_int_equal(report_key_prefix(&rp, DAY, "bad..example", NULL), 0);
	assert_int_equal(rp.len, 0);
}

/* RPT-9: domains are case-folded, in keys and entries. */
static void
test_key_case(void **state)
{
	struct rpt_session	 s;
	struct report_key	 a[RPT_POLICIES_MAX], b[RPT_POLICIES_MAX];
	size_t			 idx[RPT_POLICIES_MAX], n;
	struct report_entry	 e;

	session(&s, 1);
	assert_int_equal(report_session_keys(DAY, &s, a, idx, &n, NULL), 0);
	s.domain = "Example.COM";
	s.policies[0].domain = "EXAMPLE.com";
	assert_int_equal(report_session_keys(DAY, &s, b, idx, &n, NULL), 0);
	assert_int_equal(key_cmp(&a[0], &b[0]), 0);
	report_entry_init(&e);
	assert_int_equal(report_entry_add(&e, s.domain, s.record,
	    &s.policies[0], NULL), 0);
	assert_string_equal(e.domain, "example.com");
	assert_string_equal(e.policy_domain, "example.com");
	assert_int_equal(report_entry_key(&e, DAY, &b[0]), a[0].len);
	assert_int_equal(key_cmp(&a[0], &b[0]), 0);
	report_entry_clear(&e);
}

/* What report_session_keys() says about sessions. */
struct skey_case {
	const char	*label;
	void		(*mutate)(struct rpt_session *);
	int		 rc;
	size_t		 n;
	const char	*msg;		/* substring of the error */
};

static void m_none(struct rpt_session *s) { (void)s; }
static void m_two(struct rpt_session *s)
{ s->npolicies = 2; none_policy(&s->policies[1]); }
static void m_dup(struct rpt_session *s) { s->npolicies = 2; }
static void m_dup_case(struct rpt_session *s)
{ s->npolicies = 2; s->policies[1].domain = "EXAMPLE.COM"; }
static void m_three_one_dup(struct rpt_session *s)
{ s->npolicies = 3; none_policy(&s->policies[1]);
  none_policy(&s->policies[2]); s->policies[2].failed = 1; }
static void m_mx_order(struct rpt_session *s)
{ s->npolicies = 2; s->policies[1].mx[0] = sts_mx[1];
  s->policies[1].mx[1] = sts_mx[0]; }
/* libtlsrpt sends no policy-domain for no-policy-found. */
static void m_npf_no_domain(struct rpt_session *s)
{ s->npolicies = 2; none_policy(&s->policies[1]);
  s->policies[1].domain = NULL; }
static void m_npf_empty_domain(struct rpt_session *s)
{ s->npolicies = 2; none_policy(&s->policies[1]);
  s->policies[1].domain = ""; }
static void m_npf_both(struct rpt_session *s)
{ s->npolicies = 3; none_policy(&s->policies[1]);
  none_policy(&s->policies[2]); s->policies[2].domain = NULL; }
static void m_sts_no_domain(struct rpt_session *s)
{ s->policies[0].domain = NULL; }
static void m_no_policies(struct rpt_session *s) { s->npolicies = 0; }
static void m_too_many(struct rpt_session *s)
{ s->npolicies = RPT_POLICIES_MAX + 1; }
static void m_bad_domain(struct rpt_session *s) { s->domain = "-x.example"; }
static void m_trailing_dot(struct rpt_session *s)
{ s->domain = "example.com."; }
static void m_no_domain(struct rpt_session *s) { s->domain = NULL; }
static void m_no_record(struct rpt_session *s) { s->record = NULL; }
static void m_empty_record(struct rpt_session *s) { s->record = ""; }
static void m_pdomain_utf8(struct rpt_session *s)
{ s->npolicies = 2; s->policies[1].domain = "b\xc3\xbc" "cher.example"; }
static void m_type(struct rpt_session *s)
{ s->npolicies = 2; s->policies[1].type = (enum rpt_policy_type)3; }
static void m_string_overlong(struct rpt_session *s)
{ s->policies[0].strings[2] = "mx: \xc0\xaf"; }
static void m_string_surrogate(struct rpt_session *s)
{ s->policies[0].strings[0] = "\xed\xa0\x80"; }
static void m_string_truncated(struct rpt_session *s)
{ s->policies[0].strings[0] = "caf\xc3"; }
static void m_string_null(struct rpt_session *s)
{ s->policies[0].strings[4] = NULL; }
static void m_mx_empty(struct rpt_session *s) { s->policies[0].mx[1] = ""; }
static void m_result(struct rpt_session *s)
{ s->policies[0].nfailures = 1; expired_row(&s->policies[0].failures[0]);
  s->policies[0].failures[0].result = RPT_RESULT_COUNT; }
static void m_failure_utf8(struct rpt_session *s)
{ s->policies[0].nfailures = 1; expired_row(&s->policies[0].failures[0]);
  s->policies[0].failures[0].receiving_mx_helo = "\xff"; }
static void m_nstrings(struct rpt_session *s)
{ s->policies[0].nstrings = RPT_STRINGS_MAX + 1; }
static void m_nfailures(struct rpt_session *s)
{ s->policies[0].nfailures = RPT_FAILURES_MAX + 1; }

static char	long_string[RPT_STRING_MAX + 2];

static void m_string_long(struct rpt_session *s)
{ memset(long_string, 'x', RPT_STRING_MAX + 1);
  s->policies[0].strings[1] = long_string; }
static void m_string_max(struct rpt_session *s)
{ memset(long_string, 'x', RPT_STRING_MAX + 1);
  long_string[RPT_STRING_MAX] = '\0';
  s->policies[0].strings[1] = long_string; }
static void m_utf8_ok(struct rpt_session *s)
{ s->policies[0].strings[0] = "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80"; }

static const struct skey_case skey_cases[] = {
	{ "RPT-10 keys: one policy, one key", m_none, 0, 1, NULL },
	{ "RPT-10 keys: two policies, two keys", m_two, 0, 2, NULL },
	{ "RPT-10 keys: the same policy twice counts once", m_dup, 0, 1,
	    NULL },
	{ "RPT-10 keys: the same policy in another case counts once",
	    m_dup_case, 0, 1, NULL },
	{ "RPT-10 keys: three policies, two distinct", m_three_one_dup, 0, 2,
	    NULL },
	{ "RPT-7 keys: mx-host order is part of the policy", m_mx_order, 0, 2,
	    NULL },
	{ "RPT-8 keys: no-policy-found without policy-domain takes the "
	    "session's", m_npf_no_domain, 0, 2, NULL },
	{ "RPT-8 keys: ... an empty one too", m_npf_empty_domain, 0, 2,
	    NULL },
	{ "RPT-10 keys: ... and is then the same policy as one that names "
	    "it", m_npf_both, 0, 2, NULL },
	{ "RPT-8 keys: an sts policy without policy-domain is refused",
	    m_sts_no_domain, -1, 0, "policy 1: policy-domain is missing" },
	{ "keys: a session without policies", m_no_policies, -1, 0,
	    "0 policies" },
	{ "keys: more than RPT_POLICIES_MAX policies", m_too_many, -1, 0,
	    "9 policies" },
	{ "RPT-9 keys: a domain that is not LDH", m_bad_domain, -1, 0,
	    "session domain is not a valid domain" },
	{ "RPT-9 keys: a trailing dot is not normalized here",
	    m_trailing_dot, -1, 0, "session domain" },
	{ "keys: no domain", m_no_domain, -1, 0, "session domain is missing" },
	{ "keys: no record", m_no_record, -1, 0, "record is missing" },
	{ "keys: an empty record", m_empty_record, -1, 0,
	    "record is empty" },
	{ "RPT-9 keys: a U-label policy-domain", m_pdomain_utf8, -1, 0,
	    "policy 2: policy-domain" },
	{ "RPT-8 keys: policy type 3", m_type, -1, 0,
	    "policy 2: type 3 out of range" },
	{ "keys: an overlong UTF-8 form", m_string_overlong, -1, 0,
	    "policy 1: policy-string 3 is not valid UTF-8" },
	{ "keys: a UTF-16 surrogate", m_string_surrogate, -1, 0,
	    "not valid UTF-8" },
	{ "keys: a cut UTF-8 sequence", m_string_truncated, -1, 0,
	    "not valid UTF-8" },
	{ "keys: a NULL policy-string", m_string_null, -1, 0,
	    "policy-string 5 is missing" },
	{ "keys: an empty mx-host", m_mx_empty, -1, 0,
	    "mx-host 2 is empty" },
	{ "RPT-12 keys: result type out of range", m_result, -1, 0,
	    "failure 1: result 11 out of range" },
	{ "keys: a failure field that is not UTF-8", m_failure_utf8, -1, 0,
	    "failure 1: receiving-mx-helo is not valid UTF-8" },
	{ "keys: too many policy strings", m_nstrings, -1, 0,
	    "over the limits" },
	{ "keys: too many failures", m_nfailures, -1, 0, "over the limits" },
	{ "keys: a string over RPT_STRING_MAX", m_string_long, -1, 0,
	    "longer than 1024 bytes" },
	{ "keys: a string of RPT_STRING_MAX", m_string_max, 0, 1, NULL },
	{ "keys: 2-, 3- and 4-byte UTF-8", m_utf8_ok, 0, 1, NULL },
};

static void
test_session_keys(void **state)
{
	const struct skey_case	*tc = *state;
	struct rpt_session	 s;
	struct report_key	 k[RPT_POLICIES_MAX], one;
	size_t			 idx[RPT_POLICIES_MAX], n = 99, i;
	struct parse_err	 err;
	struct report_entry	 e;

	session(&s, RPT_POLICIES_MAX);
	s.npolicies = 1;
	tc->mutate(&s);
	assert_int_equal(report_session_keys(DAY, &s, k, idx, &n, &err),
	    tc->rc);
	assert_int_equal(n, tc->n);
	if (tc->rc == -1) {
		assert_int_equal(err.code, REPORT_ERR_INPUT);
		if (strstr(err.msg, tc->msg) == NULL)
			fail_msg("message \"%s\" lacks \"%s\"", err.msg,
			    tc->msg);
		return;
	}
	assert_int_equal(err.code, 0);
	/* Each key is the key of the entry its policy makes. */
	for (i = 0; i < n; i++) {
		report_entry_init(&e);
		assert_int_equal(report_entry_add(&e, s.domain, s.record,
		    &s.policies[idx[i]], NULL), 0);
		assert_int_equal(report_entry_key(&e, DAY, &one), k[i].len);
		assert_int_equal(key_cmp(&one, &k[i]), 0);
		report_entry_clear(&e);
		if (i > 0)
			assert_true(idx[i] > idx[i - 1]);
	}
}

struct kparse_case {
	const char	*label;
	const char	*key;	/* NULL: a valid key, then damaged */
	size_t		 len;
	int		 code;
};

static const struct kparse_case kparse_cases[] = {
	{ "key parse: empty", "", 0, REPORT_ERR_TRUNCATED },
	{ "key parse: a domain name (a cache key)", "example.com", 11,
	    REPORT_ERR_MAGIC },
	{ "key parse: no NUL after the domain", "\001\000\000\115\107ab", 7,
	    REPORT_ERR_TRUNCATED },
	{ "key parse: empty domain", "\001\000\000\115\107\000x", 7,
	    REPORT_ERR_FIELD },
	{ "key parse: uppercase domain", "\001\000\000\115\107A\000", 7,
	    REPORT_ERR_FIELD },
	{ "key parse: day out of range", "\001\377\377\377\377a\000", 7,
	    REPORT_ERR_FIELD },
	{ "key parse: hashes missing", "\001\000\000\115\107a\000", 7,
	    REPORT_ERR_TRUNCATED },
};

static void
test_key_parse(void **state)
{
	const struct kparse_case	*tc = *state;
	struct report_key_info		 info;
	struct parse_err		 err;
	unsigned char			*copy;

	copy = xmalloc(tc->len + 1);
	memcpy(copy, tc->key, tc->len);
	assert_int_equal(report_key_parse(copy, tc->len, &info, &err), -1);
	assert_int_equal(err.code, tc->code);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(info.report_len, 0);
	xfree(copy);
}

static void
test_key_parse_ok(void **state)
{
	struct rpt_session	 s;
	struct report_key	 k[RPT_POLICIES_MAX];
	size_t			 idx[RPT_POLICIES_MAX], n;
	struct report_key_info	 info;
	struct parse_err	 err;
	unsigned char		*copy;

	session(&s, 1);
	s.domain = "Mail.Example.COM";
	assert_int_equal(report_session_keys(DAY, &s, k, idx, &n, NULL), 0);
	copy = xmalloc(k[0].len + 1);
	memcpy(copy, k[0].buf, k[0].len);
	assert_int_equal(report_key_parse(copy, k[0].len, &info, &err), 0);
	assert_true(info.day == DAY);
	assert_string_equal(info.domain, "mail.example.com");
	assert_int_equal(info.report_len, REPORT_KEY_REPORT_LEN(16));
	/* One byte more or less is damage. */
	assert_int_equal(report_key_parse(copy, k[0].len - 1, &info, &err),
	    -1);
	assert_int_equal(err.code, REPORT_ERR_TRUNCATED);
	copy[k[0].len] = 0;
	assert_int_equal(report_key_parse(copy, k[0].len + 1, &info, &err),
	    -1);
	assert_int_equal(err.code, REPORT_ERR_FIELD);
	assert_int_equal(report_key_parse(NULL, 0, &info, &err), -1);
	xfree(copy);
}

/*
 * Values: round trips.
 */

static void	rt_basic(struct report_entry *);
static void	rt_none(struct report_entry *);
static void	rt_tlsa_all_fields(struct report_entry *);
static void	rt_empty_strings(struct report_entry *);
static void	rt_utf8(struct report_entry *);
static void	rt_counts_max(struct report_entry *);
static void	rt_max_sizes(struct report_entry *);

static void
rt_basic(struct report_entry *e)
{
	struct report_entry	none;

	build_basic(e, &none);
	report_entry_clear(&none);
}

static void
rt_none(struct report_entry *e)
{
	struct report_entry	sts;

	build_basic(&sts, e);
	report_entry_clear(&sts);
}

/* Every failure field present, absent and empty. */
static void
rt_tlsa_all_fields(struct report_entry *e)
{
	struct rpt_policy	p;

	report_entry_init(e);
	tlsa_policy(&p);
	p.failed = 1;
	p.nfailures = 3;
	expired_row(&p.failures[0]);
	p.failures[0].result = RPT_RESULT_TLSA_INVALID;
	p.failures[0].receiving_mx_helo = "mx1.example.com";
	p.failures[0].additional_information =
	    "https://reports.example.net/tlsrpt/chain/1234";
	p.failures[1].result = RPT_RESULT_DANE_REQUIRED;
	p.failures[2].result = RPT_RESULT_DNSSEC_INVALID;
	p.failures[2].sending_mta_ip = "";
	p.failures[2].failure_reason_code = "";
	add_ok(e, &p);
}

static void
rt_empty_strings(struct report_entry *e)
{
	struct rpt_policy	p;

	report_entry_init(e);
	sts_policy(&p);
	p.strings[1] = "";
	p.strings[3] = "";
	add_ok(e, &p);
}

static void
rt_utf8(struct report_entry *e)
{
	struct rpt_policy	p;

	report_entry_init(e);
	sts_policy(&p);
	p.strings[0] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
	p.failed = 1;
	p.nfailures = 1;
	expired_row(&p.failures[0]);
	p.failures[0].failure_reason_code = "\"quoted\" \\ \n\t\x01\x7f";
	add_ok(e, &p);
}

static void
rt_counts_max(struct report_entry *e)
{
	rt_basic(e);
	e->success = REPORT_COUNT_MAX;
	e->failure = REPORT_COUNT_MAX - 1;
	e->rows_dropped = REPORT_COUNT_MAX;
	e->rows[0].count = REPORT_COUNT_MAX;
}

/* Every list full, every string at its limit. */
static void
rt_max_sizes(struct report_entry *e)
{
	static char		 strs[RPT_STRINGS_MAX][RPT_STRING_MAX + 1];
	static char		 mxs[RPT_MX_MAX][RPT_STRING_MAX + 1];
	static char		 rec[RPT_RECORD_MAX + 1];
	static char		 f[6][RPT_STRING_MAX + 1];
	struct rpt_policy	 p;
	size_t			 i, k;

	memset(&p, 0, sizeof(p));
	p.type = RPT_POLICY_STS;
	p.domain = DOMAIN253;
	for (i = 0; i < RPT_STRINGS_MAX; i++) {
		memset(strs[i], 'a' + (int)(i % 26), RPT_STRING_MAX);
		p.strings[i] = strs[i];
	}
	p.nstrings = RPT_STRINGS_MAX;
	for (i = 0; i < RPT_MX_MAX; i++) {
		memset(mxs[i], 'm', RPT_STRING_MAX);
		mxs[i][0] = (char)('A' + i);
		p.mx[i] = mxs[i];
	}
	p.nmx = RPT_MX_MAX;
	memset(rec, 'r', RPT_RECORD_MAX);
	for (k = 0; k < 6; k++)
		memset(f[k], '0' + (int)k, RPT_STRING_MAX);
	report_entry_init(e);
	if (report_entry_add(e, DOMAIN253, rec, &p, NULL) != 0)
		fail_msg("add failed");
	p.failed = 1;
	p.nfailures = 1;
	p.failures[0].sending_mta_ip = f[0];
	p.failures[0].receiving_mx_hostname = f[1];
	p.failures[0].receiving_mx_helo = f[2];
	p.failures[0].receiving_ip = f[3];
	p.failures[0].additional_information = f[4];
	p.failures[0].failure_reason_code = f[5];
	/* REPORT_ROWS_MAX rows, each with every field at its limit. */
	for (i = 0; i < REPORT_ROWS_MAX; i++) {
		p.failures[0].result = (enum rpt_result)(i % RPT_RESULT_COUNT);
		f[5][0] = (char)('A' + i / RPT_RESULT_COUNT);
		if (report_entry_add(e, DOMAIN253, rec, &p, NULL) != 0)
			fail_msg("add failed");
	}
	assert_int_equal(e->nrows, REPORT_ROWS_MAX);
	assert_true(e->rows_dropped == 0);
}

struct rt_case {
	const char	*label;
	void		(*build)(struct report_entry *);
};

static const struct rt_case rt_cases[] = {
	{ "RPT-7 value round trip: STS with two rows", rt_basic },
	{ "RPT-8 value round trip: no-policy-found, no strings", rt_none },
	{ "RPT-11 value round trip: TLSA, fields present, absent, empty",
	    rt_tlsa_all_fields },
	{ "RPT-8 value round trip: empty policy strings", rt_empty_strings },
	{ "value round trip: UTF-8 and control characters", rt_utf8 },
	{ "value round trip: counts at REPORT_COUNT_MAX", rt_counts_max },
	{ "value round trip: every list full, every string at its limit",
	    rt_max_sizes },
};

static void
test_roundtrip(void **state)
{
	const struct rt_case	*tc = *state;
	struct report_entry	 in, out;
	struct parse_err	 err;
	unsigned char		*buf, *again;
	size_t			 len, len2;

	tc->build(&in);
	buf = encode_copy(&in, &len);
	assert_memory_equal(buf, "TR\001", 3);
	assert_int_equal(report_entry_decode(buf, len, &out, &err), 0);
	assert_int_equal(err.code, 0);
	/* The decoded entry owns its strings: the value may go away. */
	memset(buf, 0xa5, len);
	xfree(buf);
	buf = encode_copy(&in, &len);
	again = report_entry_encode(&out, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	assert_int_equal(out.nrows, in.nrows);
	assert_true(out.success == in.success && out.failure == in.failure);
	xfree(again);
	xfree(buf);
	report_entry_clear(&in);
	report_entry_clear(&out);
}

/* Pinned: report.h's layout, from a tiny entry. */
static const unsigned char	golden[] = {
	'T', 'R', 1, RPT_POLICY_STS,
	2, 0, 0, 0, 0, 0, 0, 0,		/* success */
	1, 0, 0, 0, 0, 0, 0, 0,		/* failure */
	0, 0, 0, 0, 0, 0, 0, 0,		/* rows_dropped */
	1, 0, 1, 0, 1, 0,		/* nstrings, nmx, nrows */
	1, 0, 'd', 1, 0, 'r', 1, 0, 'p',
	1, 0, 's',
	1, 0, 'm',
	RPT_RESULT_CERT_EXPIRED, 0x21, 1, 0, 0, 0, 0, 0, 0, 0,
	2, 0, 'i', 'p', 0, 0,
};

static void
build_golden(struct report_entry *e)
{
	struct rpt_policy	p;

	memset(&p, 0, sizeof(p));
	p.type = RPT_POLICY_STS;
	p.domain = "p";
	p.nstrings = 1;
	p.strings[0] = "s";
	p.nmx = 1;
	p.mx[0] = "m";
	report_entry_init(e);
	assert_int_equal(report_entry_add(e, "d", "r", &p, NULL), 0);
	assert_int_equal(report_entry_add(e, "d", "r", &p, NULL), 0);
	p.failed = 1;
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_CERT_EXPIRED;
	p.failures[0].sending_mta_ip = "ip";
	p.failures[0].failure_reason_code = "";
	assert_int_equal(report_entry_add(e, "d", "r", &p, NULL), 0);
}

static void
test_golden(void **state)
{
	struct report_entry	 e, out;
	unsigned char		*buf;
	size_t			 len;

	build_golden(&e);
	buf = report_entry_encode(&e, &len);
	assert_int_equal(len, sizeof(golden));
	assert_memory_equal(buf, golden, len);
	xfree(buf);
	assert_int_equal(report_entry_decode(golden, sizeof(golden), &out,
	    NULL), 0);
	assert_string_equal(out.rows[0].sending_mta_ip, "ip");
	assert_string_equal(out.rows[0].failure_reason_code, "");
	assert_null(out.rows[0].receiving_ip);
	assert_entries_equal(&e, &out);
	report_entry_clear(&e);
	report_entry_clear(&out);
}

/* Every prefix of a valid value is truncated, and says so. */
static void
test_truncate_everywhere(void **state)
{
	static void		(*const builds[])(struct report_entry *) = {
		rt_basic, rt_none, rt_tlsa_all_fields, rt_utf8,
		build_golden,
	};
	struct report_entry	 in, out, empty;
	struct parse_err	 err;
	unsigned char		*buf, *copy;
	size_t			 len, cut, b;

	report_entry_init(&empty);
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++) {
		builds[b](&in);
		buf = encode_copy(&in, &len);
		for (cut = 0; cut < len; cut++) {
			copy = xmalloc(cut > 0 ? cut : 1);
			memcpy(copy, buf, cut);
			assert_int_equal(report_entry_decode(copy, cut, &out,
			    &err), -1);
			assert_int_equal(err.code, REPORT_ERR_TRUNCATED);
			assert_non_null(strstr(err.msg, "truncated: "));
			assert_memory_equal(&out, &empty, sizeof(out));
			xfree(copy);
		}
		xfree(buf);
		report_entry_clear(&in);
	}
}

/* Any damaged byte is refused, or decodes to an entry with those bytes. */
static void
test_flip_every_byte(void **state)
{
	static const unsigned char	 xors[] = { 0x01, 0x02, 0x20, 0x80,
					    0xff };
	struct report_entry		 in, out, empty;
	struct parse_err		 err;
	unsigned char			*buf, *again;
	size_t				 len, len2, i, x;

	report_entry_init(&empty);
	rt_tlsa_all_fields(&in);
	buf = encode_copy(&in, &len);
	for (i = 0; i < len; i++)
		for (x = 0; x < sizeof(xors); x++) {
			buf[i] ^= xors[x];
			if (report_entry_decode(buf, len, &out, &err) == 0) {
				again = report_entry_encode(&out, &len2);
				assert_int_equal(len, len2);
				assert_memory_equal(buf, again, len);
				xfree(again);
				report_entry_clear(&out);
			} else {
				assert_int_not_equal(err.code, 0);
				assert_true(err.msg[0] != '\0');
				assert_memory_equal(&out, &empty,
				    sizeof(out));
			}
			buf[i] ^= xors[x];
		}
	xfree(buf);
	report_entry_clear(&in);
}

/*
 * Values: damage.
 */
enum mut {
	M_SET,		/* width bytes at off (negative: from the end) */
	M_NEEDLE,	/* width bytes at off from where needle is */
	M_APPEND,	/* one more byte, val */
	M_DUPROW	/* golden's row once more, counted */
};

struct bad_case {
	const char	*label;
	void		(*build)(struct report_entry *);
	enum mut	 kind;
	const char	*needle;
	size_t		 nlen;
	long		 off;
	unsigned	 width;
	uint64_t	 val;
	int		 code;
	const char	*msg;
};

#define N(s)		(s), sizeof(s) - 1
#define NO_NEEDLE	NULL, 0
#define COUNT_OVER	(REPORT_COUNT_MAX + 1)

static const struct bad_case bad_cases[] = {
	{ "value damage: bad first magic byte", build_golden, M_SET,
	    NO_NEEDLE, 0, 1, 'M', REPORT_ERR_MAGIC, "bad magic" },
	{ "value damage: bad second magic byte", build_golden, M_SET,
	    NO_NEEDLE, 1, 1, 'S', REPORT_ERR_MAGIC, "bad magic" },
	{ "value damage: a cache record is not an entry", build_golden, M_SET,
	    NO_NEEDLE, 0, 2, 'M' | 'S' << 8, REPORT_ERR_MAGIC, "magic" },
	{ "value damage: version 0", build_golden, M_SET, NO_NEEDLE, 2, 1, 0,
	    REPORT_ERR_VERSION, "version 0, this build reads version 1" },
	{ "value damage: version 2 (a newer build)", build_golden, M_SET,
	    NO_NEEDLE, 2, 1, 2, REPORT_ERR_VERSION, "version 2" },
	{ "value damage: version 255", build_golden, M_SET, NO_NEEDLE, 2, 1,
	    255, REPORT_ERR_VERSION, "version 255" },
	{ "RPT-8 value damage: policy type 3", build_golden, M_SET,
	    NO_NEEDLE, 3, 1, 3, REPORT_ERR_FIELD, "policy type 3" },
	{ "value damage: success count over 2^53 - 1", build_golden, M_SET,
	    NO_NEEDLE, 4, 8, COUNT_OVER, REPORT_ERR_FIELD,
	    "success count 9007199254740992 out of range" },
	{ "value damage: failure count all ones", build_golden, M_SET,
	    NO_NEEDLE, 12, 8, UINT64_MAX, REPORT_ERR_FIELD,
	    "failure count" },
	{ "value damage: dropped count over 2^53 - 1", build_golden, M_SET,
	    NO_NEEDLE, 20, 8, COUNT_OVER, REPORT_ERR_FIELD, "dropped count" },
	{ "value damage: RPT_STRINGS_MAX + 1 strings", build_golden, M_SET,
	    NO_NEEDLE, 28, 2, RPT_STRINGS_MAX + 1, REPORT_ERR_FIELD,
	    "65 strings" },
	{ "value damage: RPT_MX_MAX + 1 mx", build_golden, M_SET, NO_NEEDLE,
	    30, 2, RPT_MX_MAX + 1, REPORT_ERR_FIELD, "33 mx" },
	{ "value damage: REPORT_ROWS_MAX + 1 rows", build_golden, M_SET,
	    NO_NEEDLE, 32, 2, REPORT_ROWS_MAX + 1, REPORT_ERR_FIELD,
	    "101 rows" },
	{ "value damage: more strings than stored", build_golden, M_SET,
	    NO_NEEDLE, 28, 2, 3, -1, NULL },
	{ "value damage: fewer rows than stored", build_golden, M_SET,
	    NO_NEEDLE, 32, 2, 0, REPORT_ERR_FIELD, "trailing bytes" },
	{ "value damage: empty domain", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN, 2, 0, REPORT_ERR_FIELD,
	    "domain is 0 bytes, 1 to 253 allowed" },
	{ "value damage: domain of 254 bytes", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN, 2, 254, REPORT_ERR_FIELD,
	    "domain is 254 bytes" },
	{ "RPT-9 value damage: uppercase domain", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 2, 1, 'D', REPORT_ERR_FIELD,
	    "domain is not a lowercase domain name" },
	{ "RPT-9 value damage: domain not LDH", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 2, 1, '_', REPORT_ERR_FIELD,
	    "not a lowercase domain" },
	{ "value damage: NUL in the domain", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN + 2, 1, 0, REPORT_ERR_FIELD,
	    "domain is not valid UTF-8 or has a NUL" },
	{ "value damage: empty record", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN + 3, 2, 0, REPORT_ERR_FIELD, "record is 0 bytes" },
	{ "value damage: record over RPT_RECORD_MAX", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 3, 2, RPT_RECORD_MAX + 1,
	    REPORT_ERR_FIELD, "record is 1025 bytes, 1 to 1024" },
	{ "value damage: record longer than the value", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 3, 2, 200, REPORT_ERR_TRUNCATED,
	    "truncated: record needs 200 bytes" },
	{ "RPT-9 value damage: uppercase policy domain", build_golden,
	    M_SET, NO_NEEDLE, HEADER_LEN + 8, 1, 'P', REPORT_ERR_FIELD,
	    "policy domain is not a lowercase" },
	{ "value damage: policy string not UTF-8", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 11, 1, 0xc3, REPORT_ERR_FIELD,
	    "policy string 1 is not valid UTF-8" },
	{ "value damage: policy string of 1025 bytes", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 9, 2, RPT_STRING_MAX + 1,
	    REPORT_ERR_FIELD, "policy string 1 is 1025 bytes" },
	{ "value damage: empty mx host", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN + 12, 2, 0, REPORT_ERR_FIELD, "mx host 1 is 0 bytes" },
	{ "RPT-12 value damage: row result 11", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 15, 1, RPT_RESULT_COUNT, REPORT_ERR_FIELD,
	    "row 1: result 11 out of range" },
	{ "value damage: unknown row flag", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN + 16, 1, 0x61, REPORT_ERR_FIELD,
	    "row 1: unknown flags 0x61" },
	{ "value damage: row flag without its string", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 16, 1, 0x23, -1, NULL },
	{ "value damage: row count 0", build_golden, M_SET, NO_NEEDLE,
	    HEADER_LEN + 17, 8, 0, REPORT_ERR_FIELD,
	    "failed-session-count 0 out of range" },
	{ "value damage: row count over 2^53 - 1", build_golden, M_SET,
	    NO_NEEDLE, HEADER_LEN + 17, 8, COUNT_OVER, REPORT_ERR_FIELD,
	    "failed-session-count" },
	{ "value damage: row string with a NUL", build_golden, M_SET,
	    NO_NEEDLE, -3, 1, 0, REPORT_ERR_FIELD,
	    "row 1 sending-mta-ip is not valid UTF-8 or has a NUL" },
	{ "value damage: trailing byte", build_golden, M_APPEND, NO_NEEDLE,
	    0, 0, 0, REPORT_ERR_FIELD, "1 trailing bytes" },
	{ "RPT-11 value damage: rows out of order by result", rt_basic,
	    M_NEEDLE, N("\000\000\011\000192.0.2.1\024\000mx2"), -8, 1,
	    RPT_RESULT_VALIDATION_FAILURE, REPORT_ERR_FIELD,
	    "row 2 is not after row 1" },
	{ "RPT-11 value damage: rows out of order by a string", rt_basic,
	    M_NEEDLE, N("\000\000\011\000192.0.2.1\024\000mx2"), -8, 1,
	    RPT_RESULT_CERT_EXPIRED, REPORT_ERR_FIELD,
	    "row 2 is not after row 1" },
	{ "RPT-11 value damage: the same row twice", build_golden, M_DUPROW,
	    NO_NEEDLE, 0, 0, 0, REPORT_ERR_FIELD,
	    "row 2 is not after row 1" },
};

static void
test_bad(void **state)
{
	const struct bad_case	*tc = *state;
	struct report_entry	 in, out, empty;
	struct parse_err	 err;
	unsigned char		*buf, *copy;
	size_t			 len, i, at = 0;
	int			 found = 0;

	tc->build(&in);
	buf = encode_copy(&in, &len);
	copy = xmalloc(len + 1);
	memcpy(copy, buf, len);
	switch (tc->kind) {
	case M_SET:
		at = tc->off < 0 ? len - (size_t)-tc->off : (size_t)tc->off;
		break;
	case M_NEEDLE:
		for (i = 0; i + tc->nlen <= len && !found; i++)
			if (memcmp(buf + i, tc->needle, tc->nlen) == 0) {
				found = 1;
				at = i + (size_t)tc->off;
			}
		assert_true(found);
		break;
	case M_APPEND:
		copy[len++] = (unsigned char)tc->val;
		break;
	case M_DUPROW:
		/* golden: the one row runs from byte 49 to the end. */
		xfree(copy);
		copy = xmalloc(2 * len - 49);
		memcpy(copy, buf, len);
		memcpy(copy + len, buf + 49, len - 49);
		copy[32] = 2;
		len = 2 * len - 49;
		break;
	}
	if (tc->kind == M_SET || tc->kind == M_NEEDLE) {
		assert_true(at + tc->width <= len);
		for (i = 0; i < tc->width; i++)
			copy[at + i] = (unsigned char)(tc->val >> (8 * i));
	}
	report_entry_init(&empty);
	assert_int_equal(report_entry_decode(copy, len, &out, &err), -1);
	if (tc->code != -1)
		assert_int_equal(err.code, tc->code);
	else
		assert_int_not_equal(err.code, 0);
	if (tc->msg != NULL && strstr(err.msg, tc->msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, tc->msg);
	assert_memory_equal(&out, &empty, sizeof(out));
	xfree(copy);
	xfree(buf);
	report_entry_clear(&in);
}

static void
test_decode_null(void **state)
{
	struct report_entry	e;
	struct parse_err	err;

	assert_int_equal(report_entry_decode(NULL, 10, &e, &err), -1);
	assert_int_equal(err.code, REPORT_ERR_TRUNCATED);
	assert_null(e.domain);
	report_entry_clear(&e);
	report_entry_clear(NULL);
}

/*
 * Merging (RPT-10, RPT-11).
 */

/* A session with two policies counts once under each. */
static void
test_merge_two_policies(void **state)
{
	struct rpt_session	 s;
	struct report_key	 k[RPT_POLICIES_MAX];
	struct report_entry	 e[2];
	size_t			 idx[RPT_POLICIES_MAX], n, i;

	session(&s, 2);
	none_policy(&s.policies[1]);
	s.policies[0].failed = 1;
	s.policies[0].nfailures = 1;
	expired_row(&s.policies[0].failures[0]);
	assert_int_equal(report_session_keys(DAY, &s, k, idx, &n, NULL), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		report_entry_init(&e[i]);
		assert_int_equal(report_entry_add(&e[i], s.domain, s.record,
		    &s.policies[idx[i]], NULL), 0);
	}
	assert_true(e[0].type == RPT_POLICY_STS && e[0].failure == 1 &&
	    e[0].success == 0 && e[0].nrows == 1);
	assert_true(e[1].type == RPT_POLICY_NONE && e[1].success == 1 &&
	    e[1].failure == 0 && e[1].nrows == 0);
	report_entry_clear(&e[0]);
	report_entry_clear(&e[1]);
}

/* Success iff !failed; rows only from details. */
static void
test_merge_success_failure(void **state)
{
	struct report_entry	e;
	struct rpt_policy	p;

	report_entry_init(&e);
	sts_policy(&p);
	add_ok(&e, &p);
	add_ok(&e, &p);
	p.failed = 1;
	add_ok(&e, &p);		/* failed, no details */
	assert_true(e.success == 2 && e.failure == 1 && e.nrows == 0);
	/* Details on a success are kept; the session stays a success. */
	p.failed = 0;
	p.nfailures = 1;
	starttls_row(&p.failures[0]);
	add_ok(&e, &p);
	assert_true(e.success == 3 && e.failure == 1 && e.nrows == 1);
	assert_true(e.rows[0].count == 1);
	report_entry_clear(&e);
}

/* Identical rows merge; absent differs from empty; order is canonical. */
static void
test_merge_rows(void **state)
{
	struct report_entry	e;
	struct rpt_policy	p;

	report_entry_init(&e);
	sts_policy(&p);
	p.failed = 1;
	p.nfailures = 2;
	expired_row(&p.failures[0]);
	expired_row(&p.failures[1]);	/* the same detail twice */
	add_ok(&e, &p);
	assert_int_equal(e.nrows, 1);
	assert_true(e.rows[0].count == 1);
	add_ok(&e, &p);
	assert_int_equal(e.nrows, 1);
	assert_true(e.rows[0].count == 2);
	/* An empty helo is not an absent one. */
	p.nfailures = 1;
	p.failures[0].receiving_mx_helo = "";
	add_ok(&e, &p);
	assert_int_equal(e.nrows, 2);
	assert_null(e.rows[0].receiving_mx_helo);
	assert_string_equal(e.rows[1].receiving_mx_helo, "");
	/* A lower result type sorts first. */
	starttls_row(&p.failures[0]);
	add_ok(&e, &p);
	assert_int_equal(e.nrows, 3);
	assert_int_equal(e.rows[0].result, RPT_RESULT_STARTTLS_NOT_SUPPORTED);
	assert_true(e.failure == 4);
	report_entry_clear(&e);
}

/* REPORT_ROWS_MAX distinct rows; the rest are counted, not kept. */
static void
test_merge_cap(void **state)
{
	struct report_entry	 e, f;
	struct rpt_policy	 p;
	char			 ip[REPORT_ROWS_MAX + 10][32];
	size_t			 i;

	report_entry_init(&e);
	sts_policy(&p);
	p.failed = 1;
	p.nfailures = 1;
	for (i = 0; i < REPORT_ROWS_MAX + 5; i++) {
		expired_row(&p.failures[0]);
		(void)snprintf(ip[i], sizeof(ip[i]), "192.0.2.%zu", i);
		p.failures[0].sending_mta_ip = ip[i];
		add_ok(&e, &p);
	}
	assert_int_equal(e.nrows, REPORT_ROWS_MAX);
	assert_true(e.rows_dropped == 5);
	assert_true(e.failure == REPORT_ROWS_MAX + 5);
	/* A kept row still counts; a new one goes to rows_dropped. */
	p.failures[0].sending_mta_ip = ip[0];
	add_ok(&e, &p);
	assert_true(e.rows_dropped == 5);
	p.failures[0].sending_mta_ip = "203.0.113.1";
	add_ok(&e, &p);
	assert_true(e.rows_dropped == 6);
	/* Merging counts another entry's dropped rows and its overflow. */
	report_entry_init(&f);
	p.failures[0].sending_mta_ip = "203.0.113.2";
	add_ok(&f, &p);
	add_ok(&f, &p);
	f.rows_dropped = 10;
	assert_int_equal(report_entry_merge(&e, &f, NULL), 0);
	assert_true(e.rows_dropped == 6 + 10 + 2);
	assert_int_equal(e.nrows, REPORT_ROWS_MAX);
	assert_true(e.failure == REPORT_ROWS_MAX + 7 + 2);
	report_entry_clear(&e);
	report_entry_clear(&f);
}

/* Two entries of one policy add up; rows merge by identity. */
static void
test_merge_entries(void **state)
{
	struct report_entry	 a, b, c, sum;
	struct rpt_policy	 p;
	struct parse_err	 err;

	build_basic(&a, &c);
	report_entry_clear(&c);
	report_entry_init(&b);
	sts_policy(&p);
	add_ok(&b, &p);
	p.failed = 1;
	p.nfailures = 2;
	expired_row(&p.failures[0]);
	expired_row(&p.failures[1]);
	p.failures[1].result = RPT_RESULT_VALIDATION_FAILURE;
	add_ok(&b, &p);

	report_entry_init(&sum);
	assert_int_equal(report_entry_merge(&sum, &a, &err), 0);
	assert_entries_equal(&sum, &a);
	assert_int_equal(report_entry_merge(&sum, &b, &err), 0);
	assert_true(sum.success == 4 && sum.failure == 3);
	assert_int_equal(sum.nrows, 3);
	assert_int_equal(sum.rows[0].result, RPT_RESULT_STARTTLS_NOT_SUPPORTED);
	assert_true(sum.rows[0].count == 1);
	assert_int_equal(sum.rows[1].result, RPT_RESULT_CERT_EXPIRED);
	assert_true(sum.rows[1].count == 3);
	assert_int_equal(sum.rows[2].result, RPT_RESULT_VALIDATION_FAILURE);
	assert_true(sum.rows[2].count == 1);
	/* Merge order does not matter. */
	report_entry_clear(&c);
	assert_int_equal(report_entry_merge(&c, &b, &err), 0);
	assert_int_equal(report_entry_merge(&c, &a, &err), 0);
	assert_entries_equal(&sum, &c);
	/* Not into itself. */
	assert_int_equal(report_entry_merge(&c, &c, &err), -1);
	report_entry_clear(&a);
	report_entry_clear(&b);
	report_entry_clear(&c);
	report_entry_clear(&sum);
}

/* Counts stop at REPORT_COUNT_MAX instead of wrapping. */
static void
test_merge_saturate(void **state)
{
	struct report_entry	 a, b;

	rt_basic(&a);
	rt_basic(&b);
	a.success = REPORT_COUNT_MAX - 1;
	a.rows[1].count = REPORT_COUNT_MAX;
	assert_int_equal(report_entry_merge(&a, &b, NULL), 0);
	assert_true(a.success == REPORT_COUNT_MAX);
	assert_true(a.rows[1].count == REPORT_COUNT_MAX);
	assert_true(a.failure == 4);
	report_entry_clear(&a);
	report_entry_clear(&b);
}

/* Another identity, or bad input: refused, the entry untouched. */
struct mismatch_case {
	const char	*label;
	const char	*domain;
	const char	*record;
	void		(*policy)(struct rpt_policy *);
	int		 code;
};

static void p_other_type(struct rpt_policy *p) { p->type = RPT_POLICY_TLSA; }
static void p_other_pdomain(struct rpt_policy *p) { p->domain = "example.org"; }
static void p_other_string(struct rpt_policy *p)
{ p->strings[1] = "mode: testing"; }
static void p_fewer_strings(struct rpt_policy *p) { p->nstrings = 4; }
static void p_other_mx(struct rpt_policy *p) { p->nmx = 1; }
static void p_same(struct rpt_policy *p) { (void)p; }
static void p_bad_utf8(struct rpt_policy *p)
{ p->failed = 1; p->nfailures = 1; expired_row(&p->failures[0]);
  p->failures[0].receiving_ip = "\x80"; }

static const struct mismatch_case mismatch_cases[] = {
	{ "RPT-7 add: another policy type", DOM, REC, p_other_type,
	    REPORT_ERR_MISMATCH },
	{ "RPT-7 add: another policy-domain", DOM, REC, p_other_pdomain,
	    REPORT_ERR_MISMATCH },
	{ "RPT-8 add: another policy-string", DOM, REC, p_other_string,
	    REPORT_ERR_MISMATCH },
	{ "RPT-8 add: fewer policy-strings", DOM, REC, p_fewer_strings,
	    REPORT_ERR_MISMATCH },
	{ "RPT-7 add: other mx-hosts", DOM, REC, p_other_mx,
	    REPORT_ERR_MISMATCH },
	{ "add: another report domain", "example.org", REC, p_same,
	    REPORT_ERR_MISMATCH },
	{ "add: another TLSRPT record", DOM, "v=TLSRPTv1; rua=mailto:x@y.z",
	    p_same, REPORT_ERR_MISMATCH },
	{ "add: invalid UTF-8 in a failure", DOM, REC, p_bad_utf8,
	    REPORT_ERR_INPUT },
	{ "add: an invalid domain", "ex ample.com", REC, p_same,
	    REPORT_ERR_INPUT },
	{ "add: no record", DOM, NULL, p_same, REPORT_ERR_INPUT },
};

static void
test_mismatch(void **state)
{
	const struct mismatch_case	*tc = *state;
	struct report_entry		 e, f;
	struct rpt_policy		 p;
	struct parse_err		 err;
	unsigned char			*before, *after;
	size_t				 lb, la;

	rt_basic(&e);
	before = report_entry_encode(&e, &lb);
	sts_policy(&p);
	tc->policy(&p);
	assert_int_equal(report_entry_add(&e, tc->domain, tc->record, &p,
	    &err), -1);
	assert_int_equal(err.code, tc->code);
	after = report_entry_encode(&e, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, la);
	xfree(after);
	/* The same through merge, when the policy makes an entry at all. */
	report_entry_init(&f);
	if (report_entry_add(&f, tc->domain, tc->record, &p, NULL) == 0) {
		assert_int_equal(report_entry_merge(&e, &f, &err), -1);
		assert_int_equal(err.code, REPORT_ERR_MISMATCH);
		after = report_entry_encode(&e, &la);
		assert_int_equal(la, lb);
		assert_memory_equal(before, after, la);
		xfree(after);
	}
	report_entry_clear(&f);
	xfree(before);
	report_entry_clear(&e);
}

/* Entries built by hand are checked before they are merged or keyed. */
static void
test_hand_built(void **state)
{
	struct report_entry	 e, dst;
	struct report_key	 k;
	struct parse_err	 err;
	struct report_row	 tmp;

	rt_basic(&e);
	report_entry_init(&dst);
	/* Rows out of order. */
	tmp = e.rows[0];
	e.rows[0] = e.rows[1];
	e.rows[1] = tmp;
	assert_int_equal(report_entry_merge(&dst, &e, &err), -1);
	assert_int_equal(err.code, REPORT_ERR_INPUT);
	assert_non_null(strstr(err.msg, "out of order"));
	assert_int_equal(report_entry_key(&e, DAY, &k), 0);
	e.rows[1] = e.rows[0];
	e.rows[0] = tmp;
	assert_true(report_entry_key(&e, DAY, &k) > 0);
	/* A count of zero. */
	e.rows[0].count = 0;
	assert_int_equal(report_entry_merge(&dst, &e, &err), -1);
	e.rows[0].count = 1;
	/* An uppercase domain. */
	e.domain[0] = 'E';
	assert_int_equal(report_entry_merge(&dst, &e, &err), -1);
	e.domain[0] = 'e';
	assert_int_equal(report_entry_merge(&dst, &e, &err), 0);
	/* An empty entry. */
	report_entry_clear(&e);
	assert_int_equal(report_entry_merge(&dst, &e, &err), -1);
	assert_int_equal(report_entry_key(&e, DAY, &k), 0);
	report_entry_clear(&dst);
}

/*
 * The JSON report (RPT-6..12).
 */

static const char basic_json[] =
	"{\"organization-name\":\"Example Org\","
	"\"date-range\":{\"start-datetime\":\"2024-03-01T00:00:00Z\","
	"\"end-datetime\":\"2024-03-02T00:00:00Z\"},"
	"\"contact-info\":\"tlsrpt@example.net\","
	"\"report-id\":\"" ID "\","
	"\"policies\":["
	"{\"policy\":{\"policy-type\":\"sts\","
	"\"policy-string\":[\"version: STSv1\",\"mode: enforce\","
	"\"mx: mx1.example.com\",\"mx: *.mail.example.com\","
	"\"max_age: 604800\"],"
	"\"policy-domain\":\"example.com\","
	"\"mx-host\":[\"mx1.example.com\",\"*.mail.example.com\"]},"
	"\"summary\":{\"total-successful-session-count\":3,"
	"\"total-failure-session-count\":2},"
	"\"failure-details\":["
	"{\"result-type\":\"starttls-not-supported\","
	"\"sending-mta-ip\":\"192.0.2.1\","
	"\"receiving-mx-hostname\":\"mx2.mail.example.com\","
	"\"receiving-ip\":\"198.51.100.8\","
	"\"failed-session-count\":1},"
	"{\"result-type\":\"certificate-expired\","
	"\"sending-mta-ip\":\"192.0.2.1\","
	"\"receiving-mx-hostname\":\"mx1.example.com\","
	"\"receiving-ip\":\"198.51.100.7\","
	"\"failed-session-count\":2,"
	"\"failure-reason-code\":\"X509_V_ERR_CERT_HAS_EXPIRED\"}]},"
	"{\"policy\":{\"policy-type\":\"no-policy-found\","
	"\"policy-string\":[],\"policy-domain\":\"example.com\","
	"\"mx-host\":[]},"
	"\"summary\":{\"total-successful-session-count\":1,"
	"\"total-failure-session-count\":0}}]}";

static void
meta_basic(struct report_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->day = DAY;
	m->domain = DOM;
	m->record = REC;
	m->org = "Example Org";
	m->contact = "tlsrpt@example.net";
	m->report_id = ID;
}

/* RPT-6, RPT-7: fixed input, fixed bytes, in either entry order. */
static void
test_json_basic(void **state)
{
	struct report_entry	 e[2], swapped[2];
	struct report_meta	 m;
	struct report_buf	 out;
	struct parse_err	 err;

	build_basic(&e[0], &e[1]);
	meta_basic(&m);
	report_buf_init(&out);
	assert_int_equal(report_json(&m, e, 2, &out, &err), 0);
	assert_string_equal(out.buf, basic_json);
	assert_int_equal(out.len, strlen(basic_json));
	swapped[0] = e[1];
	swapped[1] = e[0];
	report_buf_free(&out);
	assert_int_equal(report_json(&m, swapped, 2, &out, &err), 0);
	assert_string_equal(out.buf, basic_json);
	/* RPT-6: no field is ever null. */
	assert_null(strstr(out.buf, "null"));
	/* Appends: what was in the buffer stays. */
	report_buf_free(&out);
	report_buf_init(&out);
	assert_int_equal(report_json(&m, e, 2, &out, &err), 0);
	assert_int_equal(report_json(&m, e, 2, &out, &err), 0);
	assert_int_equal(out.len, 2 * strlen(basic_json));
	assert_memory_equal(out.buf + strlen(basic_json), basic_json,
	    strlen(basic_json));
	report_buf_free(&out);
	report_entry_clear(&e[0]);
	report_entry_clear(&e[1]);
}

/* DANE: one TLSA string, every optional field, 9999's last range. */
static void
test_json_tlsa(void **state)
{
	static const char	 want[] =
		"{\"organization-name\":\"Org\","
		"\"date-range\":{\"start-datetime\":\"9999-12-30T00:00:00Z\","
		"\"end-datetime\":\"9999-12-31T00:00:00Z\"},"
		"\"contact-info\":\"c\",\"report-id\":\"a@b\","
		"\"policies\":[{\"policy\":{\"policy-type\":\"tlsa\","
		"\"policy-string\":[\"3 1 1 0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef\"],"
		"\"policy-domain\":\"example.com\","
		"\"mx-host\":[\"mx1.example.com\"]},"
		"\"summary\":{\"total-successful-session-count\":0,"
		"\"total-failure-session-count\":1},"
		"\"failure-details\":["
		"{\"result-type\":\"tlsa-invalid\","
		"\"sending-mta-ip\":\"192.0.2.1\","
		"\"receiving-mx-hostname\":\"mx1.example.com\","
		"\"receiving-mx-helo\":\"mx1.example.com\","
		"\"receiving-ip\":\"198.51.100.7\","
		"\"failed-session-count\":1,"
		"\"additional-information\":"
		"\"https://reports.example.net/tlsrpt/chain/1234\","
		"\"failure-reason-code\":\"X509_V_ERR_CERT_HAS_EXPIRED\"},"
		"{\"result-type\":\"dnssec-invalid\","
		"\"sending-mta-ip\":\"\","
		"\"failed-session-count\":1,"
		"\"failure-reason-code\":\"\"},"
		"{\"result-type\":\"dane-required\","
		"\"failed-session-count\":1}]}]}";
	struct report_entry	 e;
	struct report_meta	 m;
	struct report_buf	 out;
	struct parse_err	 err;

	rt_tlsa_all_fields(&e);
	meta_basic(&m);
	m.day = REPORT_DAY_MAX;
	m.org = "Org";
	m.contact = "c";
	m.report_id = "a@b";
	report_buf_init(&out);
	if (report_json(&m, &e, 1, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(out.buf, want);
	report_buf_free(&out);
	report_entry_clear(&e);
}

/* RFC 8259 §7 escaping; UTF-8 passes through. */
static void
test_json_escape(void **state)
{
	struct report_entry	 e;
	struct report_meta	 m;
	struct report_buf	 out;
	struct rpt_policy	 p;
	const char		*s;

	report_entry_init(&e);
	none_policy(&p);
	p.failed = 1;
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_VALIDATION_FAILURE;
	p.failures[0].failure_reason_code = "q\" b\\ s/ \b\f\n\r\t "
	    "\x01\x1f\x7f caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 "
	    "\xe2\x80\xa8";
	add_ok(&e, &p);
	meta_basic(&m);
	m.org = "Org \"Q\" \xc3\x85";
	report_buf_init(&out);
	assert_int_equal(report_json(&m, &e, 1, &out, NULL), 0);
	assert_non_null(strstr(out.buf, "\"organization-name\":"
	    "\"Org \\\"Q\\\" \xc3\x85\""));
	s = "\"failure-reason-code\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t "
	    "\\u0001\\u001f\x7f caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 "
	    "\xe2\x80\xa8\"";
	if (strstr(out.buf, s) == NULL)
		fail_msg("escaping: %s", out.buf);
	report_buf_free(&out);
	report_entry_clear(&e);
}

/* What report_json() refuses, leaving the buffer as it was. */
struct jbad_case {
	const char	*label;
	void		(*mutate)(struct report_meta *, struct report_entry *,
			    size_t *);
	int		 code;
	const char	*msg;
};

static void j_org_utf8(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->org = "Org \xc3\x28"; }
static void j_contact_ctl_utf8(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->contact = "\xf4\x90\x80\x80"; }
static void j_no_org(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->org = NULL; }
static void j_empty_contact(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->contact = ""; }
static void j_bad_id(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->report_id = "no at sign"; }
static void j_id_brackets(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->report_id = "<" ID ">"; }
static void j_day(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->day = REPORT_DAY_MAX + 1; }
static void j_no_entries(struct report_meta *m, struct report_entry *e,
    size_t *n) { *n = 0; }
static void j_other_domain(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->domain = "example.org"; }
static void j_other_record(struct report_meta *m, struct report_entry *e,
    size_t *n) { m->record = "v=TLSRPTv1; rua=mailto:a@b.c"; }
static void j_duplicate(struct report_meta *m, struct report_entry *e,
    size_t *n) { e[1] = e[0]; }
static void j_entry_utf8(struct report_meta *m, struct report_entry *e,
    size_t *n) { e[0].strings[0][0] = (char)0xff; }
static void j_entry_type(struct report_meta *m, struct report_entry *e,
    size_t *n) { e[1].type = (enum rpt_policy_type)7; }
static void j_entry_result(struct report_meta *m, struct report_entry *e,
    size_t *n) { e[0].rows[0].result = (enum rpt_result)-1; }
static void j_entry_count(struct report_meta *m, struct report_entry *e,
    size_t *n) { e[0].success = REPORT_COUNT_MAX + 1; }

static const struct jbad_case jbad_cases[] = {
	{ "RPT-6 json: organization-name not UTF-8", j_org_utf8,
	    REPORT_ERR_INPUT, "organization-name is not valid UTF-8" },
	{ "RPT-6 json: contact-info past U+10FFFF", j_contact_ctl_utf8,
	    REPORT_ERR_INPUT, "contact-info is not valid UTF-8" },
	{ "RPT-6 json: no organization-name", j_no_org, REPORT_ERR_INPUT,
	    "organization-name is missing" },
	{ "RPT-6 json: empty contact-info", j_empty_contact, REPORT_ERR_INPUT,
	    "contact-info is empty" },
	{ "RPT-6 json: report-id not a msg-id", j_bad_id, REPORT_ERR_INPUT,
	    "report-id" },
	{ "RPT-6 json: report-id with its brackets", j_id_brackets,
	    REPORT_ERR_INPUT, "report-id" },
	{ "RPT-5 json: day out of range", j_day, REPORT_ERR_INPUT,
	    "out of range" },
	{ "RPT-6 json: no policies", j_no_entries, REPORT_ERR_INPUT,
	    "without policies" },
	{ "json: entries of another domain", j_other_domain,
	    REPORT_ERR_MISMATCH, "another report" },
	{ "json: entries of another record", j_other_record,
	    REPORT_ERR_MISMATCH, "another report" },
	{ "RPT-7 json: one policy in two entries", j_duplicate,
	    REPORT_ERR_MISMATCH, "merge them first" },
	{ "json: an entry string not UTF-8", j_entry_utf8, REPORT_ERR_INPUT,
	    "policy-string 1 is not valid UTF-8" },
	{ "RPT-8 json: an entry of type 7", j_entry_type, REPORT_ERR_INPUT,
	    "out of range" },
	{ "RPT-12 json: a row of result -1", j_entry_result, REPORT_ERR_INPUT,
	    "row 1" },
	{ "json: a count over 2^53 - 1", j_entry_count, REPORT_ERR_INPUT,
	    "counts out of range" },
};

static void
test_json_bad(void **state)
{
	const struct jbad_case	*tc = *state;
	struct report_entry	 e[2], keep[2];
	struct report_meta	 m;
	struct report_buf	 out;
	struct parse_err	 err;
	size_t			 n = 2;

	build_basic(&e[0], &e[1]);
	keep[0] = e[0];
	keep[1] = e[1];
	meta_basic(&m);
	tc->mutate(&m, e, &n);
	report_buf_init(&out);
	assert_int_equal(report_json(&m, n > 0 ? e : NULL, n, &out, &err), -1);
	assert_int_equal(err.code, tc->code);
	if (strstr(err.msg, tc->msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, tc->msg);
	assert_int_equal(out.len, 0);
	report_buf_free(&out);
	if (tc->mutate == j_entry_utf8)
		keep[0].strings[0][0] = 'v';
	report_entry_clear(&keep[0]);
	report_entry_clear(&keep[1]);
}

/* RPT-6: a unique id from the nonce, a valid msg-id, pinned. */
static void
test_report_id(void **state)
{
	char			 a[REPORT_ID_MAX], b[REPORT_ID_MAX];
	struct parse_err	 err;
	size_t			 i;

	assert_int_equal(report_id(a, DAY, DOM, REC, "example.net", "n1", 2,
	    &err), 0);
	assert_int_equal(strlen(a), 8 + 1 + 32 + 1 + 11);
	assert_memory_equal(a, "20240301.", 9);
	for (i = 9; i < 41; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_equal(a + 41, "@example.net");
	/* Deterministic, and the nonce changes it. */
	assert_int_equal(report_id(b, DAY, "EXAMPLE.com", REC, "Example.NET",
	    "n1", 2, &err), 0);
	assert_string_equal(a, b);
	assert_int_equal(report_id(b, DAY, DOM, REC, "example.net", "n2", 2,
	    &err), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(report_id(b, DAY + 1, DOM, REC, "example.net", "n1",
	    2, &err), 0);
	assert_string_not_equal(a + 8, b + 8);
	assert_int_equal(report_id(b, DAY, DOM, REC, "example.net", NULL, 0,
	    &err), 0);
	assert_string_not_equal(a, b);
	/* Pinned: the hash input is part of the format. */
	assert_string_equal(a, "20240301.a9f9446c32f9a95217cb80fa46436aa2"
	    "@example.net");
	/* Refusals. */
	assert_int_equal(report_id(b, DAY, DOM, REC, "not a domain", "n", 1,
	    &err), -1);
	assert_int_equal(err.code, REPORT_ERR_INPUT);
	assert_string_equal(b, "");
	assert_int_equal(report_id(b, -1, DOM, REC, "example.net", "n", 1,
	    &err), -1);
	assert_int_equal(report_id(b, DAY, DOM, "", "example.net", "n", 1,
	    &err), -1);
	assert_int_equal(report_id(b, DAY, DOM, REC, "example.net", NULL, 1,
	    &err), -1);
	/* The longest id fits. */
	assert_int_equal(report_id(b, DAY, DOM, REC, DOMAIN253, "n", 1, &err),
	    0);
	assert_int_equal(strlen(b), REPORT_ID_MAX - 1);
}

/*
 * File name (RPT-17).
 */

static void
test_filename(void **state)
{
	char			buf[REPORT_FILENAME_MAX];
	struct parse_err	err;

	assert_int_equal(report_filename(buf, "example.net", DOM, DAY, ID,
	    &err), 0);
	assert_string_equal(buf, "example.net!example.com!1709251200!"
	    "1709337600!20240301.0123456789abcdef0123456789abcdef.json.gz");
	assert_int_equal(report_filename(buf, "Mail.Example.NET", "EXAMPLE.COM",
	    0, "x@example.net", &err), 0);
	assert_string_equal(buf, "mail.example.net!example.com!0!86400!x"
	    ".json.gz");
	/* The longest name fits. */
	assert_int_equal(report_filename(buf, DOMAIN253, DOMAIN253,
	    REPORT_DAY_MAX, "20240301.0123456789abcdef0123456789abcdef@"
	    DOMAIN253, &err), 0);
	assert_true(strlen(buf) < REPORT_FILENAME_MAX);
	/* Refusals: "!" or "/" in the unique part, bad names, bad day. */
	assert_int_equal(report_filename(buf, "example.net", DOM, DAY,
	    "a!b@example.net", &err), -1);
	assert_int_equal(err.code, REPORT_ERR_INPUT);
	assert_string_equal(buf, "");
	assert_int_equal(report_filename(buf, "example.net", DOM, DAY,
	    "a/b@example.net", &err), -1);
	assert_int_equal(report_filename(buf, "example!net", DOM, DAY, ID,
	    &err), -1);
	assert_int_equal(report_filename(buf, "example.net", "", DAY, ID,
	    &err), -1);
	assert_int_equal(report_filename(buf, "example.net", DOM, -1, ID,
	    &err), -1);
}

/*
 * The mail (RPT-19, RPT-25) and gzip (RPT-18).
 */

static const char	mail_want[] =
	"From: TLS reports <tlsrpt-noreply@example.net>\n"
	"To: tlsrpt@example.com\n"
	"Subject: Report Domain: example.com Submitter: example.net "
	"Report-ID:\n"
	" <" ID ">\n"
	"Date: Fri, 01 Mar 2024 06:00:00 +0000\n"
	"Message-ID: <" ID ">\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=\"tlsrpt\";\n"
	"\tboundary=\"=_b0\"\n"
	"TLS-Report-Domain: example.com\n"
	"TLS-Report-Submitter: example.net\n"
	"TLS-Required: No\n"
	"\n"
	"This is a MIME-formatted message.\n"
	"\n"
	"--=_b0\n"
	"Content-Type: text/plain; charset=\"us-ascii\"\n"
	"Content-Transfer-Encoding: 7bit\n"
	"\n"
	"This is an aggregate TLS report (RFC 8460) from example.net\n"
	"for the policy domain example.com, covering 2024-03-01\n"
	"(UTC, 1709251200 to 1709337600).\n"
	"\n"
	"Report-ID: <" ID ">\n"
	"The report is attached as example.net!example.com!1709251200!"
	"1709337600!20240301.0123456789abcdef0123456789abcdef.json.gz.\n"
	"\n"
	"--=_b0\n"
	"Content-Type: application/tlsrpt+gzip\n"
	"Content-Transfer-Encoding: base64\n"
	"Content-Disposition: attachment;\n"
	"\tfilename=\"example.net!example.com!1709251200!1709337600!"
	"20240301.0123456789abcdef0123456789abcdef.json.gz\"\n"
	"\n"
	"aGVsbG8gd29ybGQ=\n"
	"\n"
	"--=_b0--\n";

static void
mail_basic(struct report_mail *m, char *fname)
{
	memset(m, 0, sizeof(*m));
	m->from = "TLS reports <tlsrpt-noreply@example.net>";
	m->to = "mailto:tlsrpt@example.com";
	m->domain = DOM;
	m->submitter = "example.net";
	m->report_id = ID;
	m->day = DAY;
	m->gz = "hello world";
	m->gzlen = 11;
	assert_int_equal(report_filename(fname, "example.net", DOM, DAY, ID,
	    NULL), 0);
	m->filename = fname;
	m->date = DAY_START + 6 * 3600;
	m->boundary = "=_b0";
}

static void
test_mail_basic(void **state)
{
	struct report_mail	m;
	struct report_buf	out;
	struct parse_err	err;
	char			fname[REPORT_FILENAME_MAX];

	mail_basic(&m, fname);
	report_buf_init(&out);
	if (report_mail(&m, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(out.buf, mail_want);
	/* LF line ends only, and no line over 998 characters. */
	assert_null(strchr(out.buf, '\r'));
	report_buf_free(&out);
}

static size_t
b64_decode(const char *s, size_t n, unsigned char *out)
{
	static const char	alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		v = 0;
	size_t			i, bits = 0, len = 0;
	const char		*p;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '=')
			continue;
		p = strchr(alpha, s[i]);
		assert_non_null(p);
		v = v << 6 | (uint32_t)(p - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(v >> bits);
		}
	}
	return len;
}

static char *
gunzip(const unsigned char *p, size_t n, size_t *len)
{
	z_stream	 z;
	char		*out;
	size_t		 cap = 1 << 20;

	out = xmalloc(cap);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap - 1;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.avail_in, 0);
	*len = z.total_out;
	out[*len] = '\0';
	assert_int_equal(inflateEnd(&z), Z_OK);
	return out;
}

/* RPT-18, RPT-19: the attachment decodes and gunzips to the report. */
static void
test_mail_roundtrip(void **state)
{
	struct report_entry	 e[2];
	struct report_meta	 meta;
	struct report_mail	 m;
	struct report_buf	 json, mail;
	char			 fname[REPORT_FILENAME_MAX], id[REPORT_ID_MAX];
	void			*gz;
	size_t			 gzlen, n, jlen;
	const char		*part, *body, *end, *line, *nl;
	unsigned char		*raw;
	char			*back;

	build_basic(&e[0], &e[1]);
	meta_basic(&meta);
	assert_int_equal(report_id(id, DAY, DOM, REC, "example.net", "x", 1,
	    NULL), 0);
	meta.report_id = id;
	report_buf_init(&json);
	assert_int_equal(report_json(&meta, e, 2, &json, NULL), 0);
	assert_int_equal(gzip_compress(json.buf, json.len, &gz, &gzlen), 0);
	mail_basic(&m, fname);
	m.report_id = id;
	assert_int_equal(report_filename(fname, "example.net", DOM, DAY, id,
	    NULL), 0);
	m.gz = gz;
	m.gzlen = gzlen;
	report_buf_init(&mail);
	assert_int_equal(report_mail(&m, &mail, NULL), 0);

	/* Headers, unfolded where they were folded. */
	assert_non_null(strstr(mail.buf, "\nTLS-Report-Domain: example.com\n"));
	assert_non_null(strstr(mail.buf,
	    "\nTLS-Report-Submitter: example.net\n"));
	assert_non_null(strstr(mail.buf, "\nTLS-Required: No\n"));
	assert_non_null(strstr(mail.buf, "\nMIME-Version: 1.0\n"));
	assert_non_null(strstr(mail.buf, "multipart/report; "
	    "report-type=\"tlsrpt\""));

	/* The attachment: base64 lines of 76, then the closing boundary. */
	part = strstr(mail.buf, "Content-Type: application/tlsrpt+gzip\n");
	assert_non_null(part);
	assert_non_null(strstr(part, "Content-Disposition: attachment;\n"
	    "\tfilename=\""));
	body = strstr(part, "\n\n");
	assert_non_null(body);
	body += 2;
	end = strstr(body, "\n--=_b0--\n");
	assert_non_null(end);
	assert_string_equal(end + strlen("\n--=_b0--\n"), "");
	for (line = body; line < end; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl + 1 < end)
			assert_int_equal(nl - line, 76);
		else
			assert_true(nl - line <= 76 && nl - line > 0);
	}
	raw = xmalloc((size_t)(end - body));
	n = b64_decode(body, (size_t)(end - body), raw);
	assert_int_equal(n, gzlen);
	assert_memory_equal(raw, gz, n);
	back = gunzip(raw, n, &jlen);
	assert_int_equal(jlen, json.len);
	assert_string_equal(back, json.buf);
	xfree(back);
	xfree(raw);
	xfree(gz);
	report_buf_free(&mail);
	report_buf_free(&json);
	report_entry_clear(&e[0]);
	report_entry_clear(&e[1]);
}

/* Long names: headers fold at spaces, the Subject unfolds whole. */
static void
test_mail_fold(void **state)
{
	struct report_mail	 m;
	struct report_buf	 out;
	char			 fname[REPORT_FILENAME_MAX];

	mail_basic(&m, fname);
	m.domain = DOMAIN253;
	report_buf_init(&out);
	assert_int_equal(report_mail(&m, &out, NULL), 0);
	/* A word longer than a line stays whole on a line of its own. */
	assert_non_null(strstr(out.buf, "\nSubject: Report Domain:\n "
	    DOMAIN253 "\n Submitter: example.net Report-ID:\n <" ID ">\n"));
	assert_non_null(strstr(out.buf, "\nTLS-Report-Domain: " DOMAIN253
	    "\n"));
	report_buf_free(&out);
}

struct mbad_case {
	const char	*label;
	size_t		 field;		/* which string of struct report_mail */
	const char	*value;
	const char	*msg;
};

enum { MF_FROM, MF_TO, MF_DOMAIN, MF_SUBMITTER, MF_ID, MF_FILENAME,
    MF_BOUNDARY };

static const struct mbad_case mbad_cases[] = {
	{ "RPT-19 mail: From with a newline", MF_FROM,
	    "a@example.net\nBcc: victim@example.org", "from" },
	{ "RPT-19 mail: From without an address", MF_FROM, "nobody", "from" },
	{ "RPT-19 mail: From not ASCII", MF_FROM, "r\xc3\xa9@example.net",
	    "from" },
	{ "RPT-19 mail: To not a mailto: URI", MF_TO, "tlsrpt@example.com",
	    "mailto:" },
	{ "RPT-19 mail: To an https: URI", MF_TO,
	    "https://example.com/tlsrpt", "mailto:" },
	{ "RPT-1 mail: To with two addresses", MF_TO,
	    "mailto:a@example.com%2Cb@example.com", "mailto:" },
	{ "RPT-19 mail: To with a newline", MF_TO,
	    "mailto:a@example.com%0ABcc:b@example.org", "mailto:" },
	{ "RPT-19 mail: To with a NUL", MF_TO, "mailto:a%00@example.com",
	    "mailto:" },
	{ "RPT-19 mail: To with a bad escape", MF_TO,
	    "mailto:a%4@example.com", "mailto:" },
	{ "RPT-19 mail: To with a display name", MF_TO,
	    "mailto:A <a@example.com>", "mailto:" },
	{ "RPT-19 mail: To without a domain", MF_TO, "mailto:a@", "mailto:" },
	{ "RPT-19 mail: TLS-Report-Domain not a domain", MF_DOMAIN,
	    "example.com\nX: y", "domain" },
	{ "RPT-19 mail: TLS-Report-Submitter not a domain", MF_SUBMITTER,
	    "", "submitter" },
	{ "RPT-19 mail: a report-id with a space", MF_ID, "a b@example.net",
	    "report-id" },
	{ "RPT-17 mail: a filename with a quote", MF_FILENAME,
	    "a\"b.json.gz", "filename" },
	{ "RPT-17 mail: a filename not .json.gz", MF_FILENAME, "a.json",
	    "filename" },
	{ "mail: an empty boundary", MF_BOUNDARY, "", "boundary" },
	{ "mail: a boundary with a quote", MF_BOUNDARY, "a\"b", "boundary" },
	{ "mail: a boundary of 71 characters", MF_BOUNDARY,
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "0123456789abcdefghi", "boundary" },
};

static void
test_mail_bad(void **state)
{
	const struct mbad_case	*tc = *state;
	struct report_mail	 m;
	struct report_buf	 out;
	struct parse_err	 err;
	char			 fname[REPORT_FILENAME_MAX];
	const char		**f[] = { &m.from, &m.to, &m.domain,
				    &m.submitter, &m.report_id, &m.filename,
				    &m.boundary };

	mail_basic(&m, fname);
	*f[tc->field] = tc->value;
	report_buf_init(&out);
	assert_int_equal(report_mail(&m, &out, &err), -1);
	assert_int_equal(err.code, REPORT_ERR_INPUT);
	if (strstr(err.msg, tc->msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, tc->msg);
	assert_int_equal(out.len, 0);
	report_buf_free(&out);
}

/* mailto: URIs that are fine: escapes decoded, hfields dropped. */
static void
test_mail_to(void **state)
{
	static const struct {
		const char	*uri;
		const char	*want;
	} cases[] = {
		{ "mailto:tlsrpt@example.com", "To: tlsrpt@example.com\n" },
		{ "MAILTO:tls%2Brpt@example.com", "To: tls+rpt@example.com\n" },
		{ "mailto:r@example.com?subject=hi", "To: r@example.com\n" },
		{ "mailto:first.last@example.com", "To: first.last@"
		    "example.com\n" },
	};
	struct report_mail	m;
	struct report_buf	out;
	char			fname[REPORT_FILENAME_MAX];
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mail_basic(&m, fname);
		m.to = cases[i].uri;
		report_buf_init(&out);
		assert_int_equal(report_mail(&m, &out, NULL), 0);
		assert_non_null(strstr(out.buf, cases[i].want));
		report_buf_free(&out);
	}
	/* Other refusals: no payload, dates out of range. */
	mail_basic(&m, fname);
	m.gzlen = 0;
	report_buf_init(&out);
	assert_int_equal(report_mail(&m, &out, NULL), -1);
	mail_basic(&m, fname);
	m.date = -1;
	assert_int_equal(report_mail(&m, &out, NULL), -1);
	mail_basic(&m, fname);
	m.day = REPORT_DAY_MAX + 1;
	assert_int_equal(report_mail(&m, &out, NULL), -1);
	assert_int_equal(out.len, 0);
	report_buf_free(&out);
}

/* Base64 of every length mod 3, against a known encoding. */
static void
test_mail_base64(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "f", "Zg==\n" }, { "fo", "Zm8=\n" }, { "foo", "Zm9v\n" },
		{ "foob", "Zm9vYg==\n" },
	};
	struct report_mail	 m;
	struct report_buf	 out;
	char			 fname[REPORT_FILENAME_MAX];
	unsigned char		 big[57 * 2], back[57 * 2];
	const char		*p;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mail_basic(&m, fname);
		m.gz = cases[i].in;
		m.gzlen = strlen(cases[i].in);
		report_buf_init(&out);
		assert_int_equal(report_mail(&m, &out, NULL), 0);
		p = strstr(out.buf, "filename=");
		assert_non_null(p);
		p = strstr(p, "\n\n") + 2;
		assert_memory_equal(p, cases[i].want, strlen(cases[i].want));
		report_buf_free(&out);
	}
	/* 114 bytes: exactly two full lines of 76. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 37 + 1);
	mail_basic(&m, fname);
	m.gz = big;
	m.gzlen = sizeof(big);
	report_buf_init(&out);
	assert_int_equal(report_mail(&m, &out, NULL), 0);
	p = strstr(strstr(out.buf, "filename="), "\n\n") + 2;
	assert_int_equal(strchr(p, '\n') - p, 76);
	assert_int_equal(strchr(p + 77, '\n') - (p + 77), 76);
	assert_memory_equal(p + 153, "\n\n--=_b0--\n", 11);
	assert_int_equal(b64_decode(p, 153, back), sizeof(big));
	assert_memory_equal(back, big, sizeof(big));
	report_buf_free(&out);
}

static void
test_gzip(void **state)
{
	static const size_t	 sizes[] = { 0, 1, 100, 65536, 3000000 };
	unsigned char		*in;
	void			*gz, *gz2;
	size_t			 gzlen, gzlen2, len, i, s;
	char			*back;
	uint32_t		 x = 1;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		in = xmalloc(sizes[s] + 1);
		/* Half text, half noise: compressible, not trivially. */
		for (i = 0; i < sizes[s]; i++) {
			x = x * 1103515245 + 12345;
			in[i] = i % 2 ? (unsigned char)(x >> 16) :
			    (unsigned char)('a' + i % 26);
		}
		assert_int_equal(gzip_compress(in, sizes[s], &gz, &gzlen), 0);
		/* RFC 1952: magic, deflate, no flags, mtime 0. */
		assert_true(gzlen >= 18);
		assert_memory_equal(gz, "\037\213\010\000\000\000\000\000", 8);
		/* Equal input, equal bytes. */
		assert_int_equal(gzip_compress(in, sizes[s], &gz2, &gzlen2),
		    0);
		assert_int_equal(gzlen, gzlen2);
		assert_memory_equal(gz, gz2, gzlen);
		if (sizes[s] < (1 << 20) - 1) {
			back = gunzip(gz, gzlen, &len);
			assert_int_equal(len, sizes[s]);
			if (len > 0)
				assert_memory_equal(back, in, len);
			xfree(back);
		}
		xfree(gz);
		xfree(gz2);
		xfree(in);
	}
}

/*
 * Names (RFC 8460 §4.3, §4.4).
 */

struct name_case {
	const char	*label;
	int		 policy;	/* 1: policy type, 0: result */
	int		 v;
	const char	*want;
};

static const struct name_case name_cases[] = {
	{ "RPT-8 policy-type tlsa", 1, RPT_POLICY_TLSA, "tlsa" },
	{ "RPT-8 policy-type sts", 1, RPT_POLICY_STS, "sts" },
	{ "RPT-8 policy-type no-policy-found", 1, RPT_POLICY_NONE,
	    "no-policy-found" },
	{ "policy-type out of range", 1, 3, "unknown" },
	{ "RPT-12 starttls-not-supported", 0,
	    RPT_RESULT_STARTTLS_NOT_SUPPORTED, "starttls-not-supported" },
	{ "RPT-12 certificate-host-mismatch", 0,
	    RPT_RESULT_CERT_HOST_MISMATCH, "certificate-host-mismatch" },
	{ "RPT-12 certificate-not-trusted", 0, RPT_RESULT_CERT_NOT_TRUSTED,
	    "certificate-not-trusted" },
	{ "RPT-12 certificate-expired", 0, RPT_RESULT_CERT_EXPIRED,
	    "certificate-expired" },
	{ "RPT-12 validation-failure", 0, RPT_RESULT_VALIDATION_FAILURE,
	    "validation-failure" },
	{ "RPT-12 sts-policy-fetch-error", 0,
	    RPT_RESULT_STS_POLICY_FETCH_ERROR, "sts-policy-fetch-error" },
	{ "RPT-12 sts-policy-invalid", 0, RPT_RESULT_STS_POLICY_INVALID,
	    "sts-policy-invalid" },
	{ "RPT-12 sts-webpki-invalid", 0, RPT_RESULT_STS_WEBPKI_INVALID,
	    "sts-webpki-invalid" },
	{ "RPT-12 tlsa-invalid", 0, RPT_RESULT_TLSA_INVALID, "tlsa-invalid" },
	{ "RPT-12 dnssec-invalid", 0, RPT_RESULT_DNSSEC_INVALID,
	    "dnssec-invalid" },
	{ "RPT-12 dane-required", 0, RPT_RESULT_DANE_REQUIRED,
	    "dane-required" },
	{ "result out of range", 0, RPT_RESULT_COUNT, "unknown" },
};

static void
test_name(void **state)
{
	const struct name_case	*tc = *state;

	if (tc->policy)
		assert_string_equal(rpt_policy_type_str(
		    (enum rpt_policy_type)tc->v), tc->want);
	else
		assert_string_equal(rpt_result_str((enum rpt_result)tc->v),
		    tc->want);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, day_cases, test_day);
	table_add_fn(&tt, "keys: the layout is pinned", test_key_layout);
	table_add_fn(&tt, "keys: a 253-byte domain stays under 511 bytes",
	    test_key_max);
	TABLE_ADD(&tt, order_cases, test_key_order);
	table_add_fn(&tt, "RPT-5 keys: a day is a range, a report a prefix",
	    test_key_ranges);
	table_add_fn(&tt, "RPT-9 keys: domains are case-folded",
	    test_key_case);
	TABLE_ADD(&tt, skey_cases, test_session_keys);
	TABLE_ADD(&tt, kparse_cases, test_key_parse);
	table_add_fn(&tt, "key parse: a valid key splits, damage is refused",
	    test_key_parse_ok);
	TABLE_ADD(&tt, rt_cases, test_roundtrip);
	table_add_fn(&tt, "value layout: version 1 bytes are pinned",
	    test_golden);
	TABLE_ADD(&tt, bad_cases, test_bad);
	table_add_fn(&tt, "value damage: every truncation is refused",
	    test_truncate_everywhere);
	table_add_fn(&tt, "value damage: every flipped byte is refused or "
	    "round-trips", test_flip_every_byte);
	table_add_fn(&tt, "value damage: NULL decodes to nothing",
	    test_decode_null);
	table_add_fn(&tt, "RPT-10 merge: a session with two policies counts "
	    "under each", test_merge_two_policies);
	table_add_fn(&tt, "RPT-10 merge: success iff not failed",
	    test_merge_success_failure);
	table_add_fn(&tt, "RPT-11 merge: identical failure rows merge",
	    test_merge_rows);
	table_add_fn(&tt, "RPT-11 merge: the row cap counts what does not "
	    "fit", test_merge_cap);
	table_add_fn(&tt, "RPT-10 merge: two entries add up, in any order",
	    test_merge_entries);
	table_add_fn(&tt, "merge: counts saturate at 2^53 - 1",
	    test_merge_saturate);
	TABLE_ADD(&tt, mismatch_cases, test_mismatch);
	table_add_fn(&tt, "merge: hand-built entries are checked",
	    test_hand_built);
	table_add_fn(&tt, "RPT-6 RPT-7 json: the basic report byte for byte",
	    test_json_basic);
	table_add_fn(&tt, "RPT-8 RPT-11 json: TLSA, every optional field",
	    test_json_tlsa);
	table_add_fn(&tt, "RPT-6 json: escaping and UTF-8", test_json_escape);
	TABLE_ADD(&tt, jbad_cases, test_json_bad);
	table_add_fn(&tt, "RPT-6 report-id: a unique, pinned msg-id",
	    test_report_id);
	table_add_fn(&tt, "RPT-17 file name", test_filename);
	table_add_fn(&tt, "RPT-19 RPT-25 mail: headers and parts byte for "
	    "byte", test_mail_basic);
	table_add_fn(&tt, "RPT-18 RPT-19 mail: the attachment gunzips to the "
	    "report", test_mail_roundtrip);
	table_add_fn(&tt, "RPT-19 mail: long headers fold", test_mail_fold);
	TABLE_ADD(&tt, mbad_cases, test_mail_bad);
	table_add_fn(&tt, "RPT-19 mail: mailto: URIs", test_mail_to);
	table_add_fn(&tt, "mail: base64 padding and 76-character lines",
	    test_mail_base64);
	table_add_fn(&tt, "RPT-18 gzip: round trips, deterministic",
	    test_gzip);
	TABLE_ADD(&tt, name_cases, test_name);
	return table_run("report", &tt);
}
