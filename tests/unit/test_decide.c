/*
 * test_decide.c: policy state to answer (PF-POL-10/17/18, STS-APP-2/3,
 * STS-CACHE-6, DEC-16, DEC-19), with DANE (the §8.1 table through the
 * record, DANE-16/18, DEC-20..22).
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"
#include "answer.h"
#include "conf.h"
#include "dane.h"
#include "decide.h"
#include "record.h"
#include "sts.h"

#define NOW	1800000000

enum rec_kind { REC_NONE, REC_POLICY };

struct decide_case {
	const char		*label;
	enum rec_kind		 rec;
	enum sts_mode		 mode;		/* cached policy */
	int64_t			 expires;	/* relative to NOW */
	enum sts_mode		 once;		/* STS_MODE_UNSET: none */
	int			 profile;
	size_t			 bufsz;
	enum answer_status	 want;
	const char		*text;		/* prefix of a->text */
};

static const struct decide_case cases[] = {
	{ "nothing known is NOTFOUND", REC_NONE, 0, 0, STS_MODE_UNSET,
	    ANSWER_PROFILE_POSTFIX, 4096, ANSWER_NOTFOUND, "" },
	{ "PF-POL-10 fresh enforce is secure", REC_POLICY, STS_MODE_ENFORCE,
	    100, STS_MODE_UNSET, ANSWER_PROFILE_POSTFIX, 4096, ANSWER_OK,
	    "secure match=mx.example.net:.example.org servername=hostname" },
	{ "PF-POL-13 fresh enforce, TLSRPT profile", REC_POLICY,
	    STS_MODE_ENFORCE, 100, STS_MODE_UNSET, ANSWER_PROFILE_TLSRPT, 4096,
	    ANSWER_OK, "secure match=mx.example.net:.example.org "
	    "servername=hostname policy_type=sts policy_domain=example.com "
	    "mx_host_pattern=mx.example.net mx_host_pattern=*.example.org" },
	{ "STS-CACHE-6 expired at expires is NOTFOUND", REC_POLICY,
	    STS_MODE_ENFORCE, 0, STS_MODE_UNSET, ANSWER_PROFILE_POSTFIX, 4096,
	    ANSWER_NOTFOUND, "" },
	{ "STS-CACHE-6 long expired is NOTFOUND", REC_POLICY,
	    STS_MODE_ENFORCE, -86400, STS_MODE_UNSET, ANSWER_PROFILE_POSTFIX,
	    4096, ANSWER_NOTFOUND, "" },
	{ "STS-APP-2 DEC-19 testing is NOTFOUND", REC_POLICY,
	    STS_MODE_TESTING, 100, STS_MODE_UNSET, ANSWER_PROFILE_POSTFIX,
	    4096, ANSWER_NOTFOUND, "" },
	{ "STS-APP-3 none is NOTFOUND", REC_POLICY, STS_MODE_NONE, 100,
	    STS_MODE_UNSET, ANSWER_PROFILE_TLSRPT, 4096, ANSWER_NOTFOUND, "" },
	{ "DEC-16 a max_age 0 enforce policy answers once", REC_NONE, 0, 0,
	    STS_MODE_ENFORCE, ANSWER_PROFILE_POSTFIX, 4096, ANSWER_OK,
	    "secure match=" },
	{ "DEC-16 the one-time policy wins over the cached one", REC_POLICY,
	    STS_MODE_ENFORCE, 100, STS_MODE_NONE, ANSWER_PROFILE_POSTFIX, 4096,
	    ANSWER_NOTFOUND, "" },
	{ "PF-POL-17 no room even for the plain form is TEMP", REC_POLICY,
	    STS_MODE_ENFORCE, 100, STS_MODE_UNSET, ANSWER_PROFILE_POSTFIX, 20,
	    ANSWER_TEMP, "policy answer too long" },
};

static void
test_decide(void **state)
{
	const struct decide_case *tc = *state;
	static char		*mx[] = { "mx.example.net", "*.example.org" };
	struct record		 rec;
	struct sts_policy	 once;
	struct answer		 a;
	char			 buf[4096];

	record_init(&rec);
	if (tc->rec == REC_POLICY) {
		rec.has_policy = 1;
		rec.policy.mode = tc->mode;
		rec.policy.max_age = 86400;
		rec.policy.nmx = 2;
		rec.policy.mx[0] = mx[0];
		rec.policy.mx[1] = mx[1];
		rec.fetched = NOW - 1000;
		rec.expires = NOW + tc->expires;
	}
	memset(&once, 0, sizeof(once));
	once.mode = tc->once;
	once.nmx = 2;
	once.mx[0] = mx[0];
	once.mx[1] = mx[1];
	assert_int_equal(decide_sts(tc->rec == REC_POLICY ? &rec : NULL,
	    tc->once != STS_MODE_UNSET ? &once : NULL, "example.com", NOW,
	    tc->profile, buf, tc->bufsz, &a), tc->want);
	assert_int_equal(a.status, tc->want);
	assert_true(a.len >= strlen(tc->text));
	assert_memory_equal(a.text, tc->text, strlen(tc->text));
	if (tc->want == ANSWER_NOTFOUND)
		assert_int_equal(a.len, 0);
}

/*
 * decide_answer(): the STS answer, then the DANE part of the record.  The
 * §8.1 rows themselves are tested in test_dane.c; these check that the
 * record's DANE part reaches them, and what the answer looks like.
 */
enum dane_kind {
	DK_NONE = 0,	/* no DANE part */
	DK_ALL,		/* secure MX, both hosts usable */
	DK_PARTIAL,	/* secure MX, one usable, one without TLSA */
	DK_INSECURE,	/* insecure MX */
	DK_MXFAIL,	/* MX lookup failed */
	DK_HOSTFAIL,	/* secure MX, one host failed, none usable */
	DK_NOTLSA,	/* secure MX, no host has TLSA */
	DK_UNUSABLE	/* secure MX, one unusable, one without TLSA */
};

struct answer_case {
	const char		*label;
	enum sts_mode		 mode;		/* STS_MODE_UNSET: none */
	int64_t			 expires;	/* of the policy */
	enum sts_mode		 once;
	enum dane_kind		 dane;
	int64_t			 dane_expires;	/* relative to NOW */
	int			 dane_on;
	enum dane_partial	 partial;
	int			 profile;
	enum answer_status	 want;
	const char		*text;		/* all of a->text */
	int			 why;		/* a DANE reason expected */
};

#define P	ANSWER_PROFILE_POSTFIX
#define T	ANSWER_PROFILE_TLSRPT
#define E	STS_MODE_ENFORCE
#define U	STS_MODE_UNSET
#define PS	DANE_PARTIAL_STS
#define PD	DANE_PARTIAL_DANE_ONLY
#define SECURE	"secure match=mx.example.net:.example.org servername=hostname"

static const struct answer_case answer_cases[] = {
	{ "DEC-20 DANE off: the STS answer, the DANE part ignored", E, 100,
	    U, DK_ALL, 100, 0, PS, P, ANSWER_OK, SECURE, 0 },
	{ "DEC-20 DANE off, nothing cached: NOTFOUND", U, 0, U, DK_NONE, 0,
	    0, PS, P, ANSWER_NOTFOUND, "", 0 },
	{ "DEC-22 DANE on, no DANE part: TEMP", E, 100, U, DK_NONE, 0, 1,
	    PS, P, ANSWER_TEMP, "DANE state of the MX hosts not known", 1 },
	{ "DANE-16 DANE part past its TTL: TEMP", U, 0, U, DK_ALL, 0, 1, PS,
	    P, ANSWER_TEMP, "DANE state of the MX hosts not known", 1 },
	{ "DANE-16 DANE part within its TTL is used", U, 0, U, DK_ALL, 1, 1,
	    PS, P, ANSWER_OK, "dane-only", 1 },
	{ "DANE-1 all usable, STS enforce: dane-only, never secure", E, 100,
	    U, DK_ALL, 100, 1, PS, P, ANSWER_OK, "dane-only", 1 },
	{ "DANE-18 dane-only without TLSRPT attributes", E, 100, U, DK_ALL,
	    100, 1, PS, T, ANSWER_OK, "dane-only", 1 },
	{ "DEC-23 all usable, no STS: dane-only", U, 0, U, DK_ALL, 100, 1, PS,
	    P, ANSWER_OK, "dane-only", 1 },
	{ "DEC-23 all usable, STS testing: dane-only", STS_MODE_TESTING, 100,
	    U, DK_ALL, 100, 1, PS, P, ANSWER_OK, "dane-only", 1 },
	{ "all usable, STS enforce expired: dane-only", E, 0, U, DK_ALL, 100,
	    1, PS, P, ANSWER_OK, "dane-only", 1 },
	{ "DEC-16 one-time enforce policy and all usable: dane-only", U, 0,
	    E, DK_ALL, 100, 1, PS, P, ANSWER_OK, "dane-only", 1 },
	{ "DEC-21 partial, STS enforce, dane_partial=sts: secure", E, 100, U,
	    DK_PARTIAL, 100, 1, PS, P, ANSWER_OK, SECURE, 1 },
	{ "DEC-21 partial, STS enforce, dane_partial=sts, TLSRPT profile", E,
	    100, U, DK_PARTIAL, 100, 1, PS, T, ANSWER_OK, SECURE
	    " policy_type=sts policy_domain=example.com "
	    "mx_host_pattern=mx.example.net mx_host_pattern=*.example.org", 1 },
	{ "DEC-21 partial, STS enforce, dane_partial=dane-only", E, 100, U,
	    DK_PARTIAL, 100, 1, PD, P, ANSWER_OK, "dane-only", 1 },
	{ "DEC-21 partial, one-time enforce, dane_partial=sts: secure", U, 0,
	    E, DK_PARTIAL, 100, 1, PS, P, ANSWER_OK, SECURE, 1 },
	{ "partial, no STS: dane", U, 0, U, DK_PARTIAL, 100, 1, PS, P,
	    ANSWER_OK, "dane", 1 },
	{ "partial, STS none: dane", STS_MODE_NONE, 100, U, DK_PARTIAL, 100,
	    1, PD, T, ANSWER_OK, "dane", 1 },
	{ "DANE-6 insecure MX, STS enforce: the STS answer", E, 100, U,
	    DK_INSECURE, 100, 1, PS, P, ANSWER_OK, SECURE, 1 },
	{ "DANE-6 insecure MX, STS testing: NOTFOUND", STS_MODE_TESTING, 100,
	    U, DK_INSECURE, 100, 1, PS, P, ANSWER_NOTFOUND, "", 1 },
	{ "DANE-5 MX lookup failed, STS enforce: TEMP", E, 100, U, DK_MXFAIL,
	    100, 1, PS, P, ANSWER_TEMP,
	    "DANE state of the MX hosts not known", 1 },
	{ "DEC-22 MX lookup failed, no STS: TEMP", U, 0, U, DK_MXFAIL, 100, 1,
	    PS, P, ANSWER_TEMP, "DANE state of the MX hosts not known", 1 },
	{ "host failed, none usable, STS enforce: TEMP", E, 100, U,
	    DK_HOSTFAIL, 100, 1, PS, P, ANSWER_TEMP,
	    "DANE state of the MX hosts not known", 1 },
	{ "host failed, none usable, no STS: dane", U, 0, U, DK_HOSTFAIL, 100,
	    1, PS, P, ANSWER_OK, "dane", 1 },
	{ "no TLSA anywhere, STS enforce: the STS answer", E, 100, U,
	    DK_NOTLSA, 100, 1, PS, P, ANSWER_OK, SECURE, 1 },
	{ "no TLSA anywhere, no STS: NOTFOUND", U, 0, U, DK_NOTLSA, 100, 1,
	    PS, P, ANSWER_NOTFOUND, "", 1 },
	{ "unusable TLSA, STS enforce: the STS answer", E, 100, U,
	    DK_UNUSABLE, 100, 1, PS, P, ANSWER_OK, SECURE, 1 },
	{ "unusable TLSA, no STS: dane (encrypt)", U, 0, U, DK_UNUSABLE, 100,
	    1, PS, P, ANSWER_OK, "dane", 1 },
};

static void
set_dane(struct record *rec, enum dane_kind k, int64_t expires)
{
	static const char *hosts[] = { "mx1.example.com", "mx2.example.com" };

	if (k == DK_NONE)
		return;
	rec->has_dane = 1;
	rec->dane_checked = NOW - 10;
	rec->dane_expires = NOW + expires;
	rec->dane_mx = k == DK_INSECURE ? DANE_MX_INSECURE :
	    k == DK_MXFAIL ? DANE_MX_FAIL : DANE_MX_SECURE;
	if (k == DK_INSECURE || k == DK_MXFAIL)
		return;
	rec->dane_nhosts = 2;
	rec->dane_host[0] = hosts[0];
	rec->dane_host[1] = hosts[1];
	switch (k) {
	case DK_ALL:
		rec->dane_class[0] = rec->dane_class[1] = DANE_HOST_USABLE;
		break;
	case DK_PARTIAL:
		rec->dane_class[0] = DANE_HOST_USABLE;
		rec->dane_class[1] = DANE_HOST_NONE;
		break;
	case DK_HOSTFAIL:
		rec->dane_class[0] = DANE_HOST_FAIL;
		rec->dane_class[1] = DANE_HOST_NONE;
		break;
	case DK_UNUSABLE:
		rec->dane_class[0] = DANE_HOST_UNUSABLE;
		rec->dane_class[1] = DANE_HOST_NONE;
		break;
	default:
		rec->dane_class[0] = rec->dane_class[1] = DANE_HOST_NONE;
		break;
	}
}

static void
test_answer(void **state)
{
	const struct answer_case *tc = *state;
	static char		*mx[] = { "mx.example.net", "*.example.org" };
	struct record		 rec;
	struct sts_policy	 once;
	struct answer		 a;
	const char		*why = NULL;
	char			 buf[4096];

	record_init(&rec);
	if (tc->mode != STS_MODE_UNSET) {
		rec.has_policy = 1;
		rec.policy.mode = tc->mode;
		rec.policy.max_age = 86400;
		rec.policy.nmx = 2;
		rec.policy.mx[0] = mx[0];
		rec.policy.mx[1] = mx[1];
		rec.fetched = NOW - 1000;
		rec.expires = NOW + tc->expires;
	}
	set_dane(&rec, tc->dane, tc->dane_expires);
	memset(&once, 0, sizeof(once));
	once.mode = tc->once;
	once.nmx = 2;
	once.mx[0] = mx[0];
	once.mx[1] = mx[1];
	assert_int_equal(decide_answer(&rec, tc->once != STS_MODE_UNSET ?
	    &once : NULL, "example.com", NOW, tc->profile, tc->dane_on,
	    tc->partial, buf, sizeof(buf), &a, &why), tc->want);
	assert_int_equal(a.status, tc->want);
	assert_int_equal(a.len, strlen(tc->text));
	assert_memory_equal(a.text, tc->text, a.len);
	/* DANE-18: no STS attribute ever rides on a DANE level. */
	if (a.len >= 4 && memcmp(a.text, "dane", 4) == 0)
		assert_null(strstr(a.text, "policy_"));
	assert_non_null(why);
	if (tc->why)
		assert_true(*why != '\0');
	else
		assert_string_equal(why, "");
}

struct gate_case {
	const char		*label;
	int			 mode;		/* enum conf_dane */
	int			 dnssec_ok, postfix_ok;
	enum decide_gate	 want;
};

static const struct gate_case gate_cases[] = {
	{ "DEC-20 auto, validated, Postfix dnssec: on", CONF_DANE_AUTO, 1, 1,
	    DECIDE_GATE_ON },
	{ "DEC-20 auto, Postfix not dnssec: off", CONF_DANE_AUTO, 1, 0,
	    DECIDE_GATE_OFF_POSTFIX },
	{ "DANE-4 auto, self-test failing: off", CONF_DANE_AUTO, 0, 1,
	    DECIDE_GATE_OFF_DNSSEC },
	{ "DANE-4 auto, neither: the self-test is named", CONF_DANE_AUTO, 0,
	    0, DECIDE_GATE_OFF_DNSSEC },
	{ "DEC-20 yes takes Postfix on trust", CONF_DANE_YES, 1, 0,
	    DECIDE_GATE_ON },
	{ "DANE-4 yes still needs the self-test", CONF_DANE_YES, 0, 1,
	    DECIDE_GATE_OFF_DNSSEC },
	{ "DEC-20 no is off whatever else holds", CONF_DANE_NO, 1, 1,
	    DECIDE_GATE_OFF_CONF },
};

static void
test_gate(void **state)
{
	const struct gate_case *tc = *state;

	assert_int_equal(decide_dane_gate(tc->mode, tc->dnssec_ok,
	    tc->postfix_ok), tc->want);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, cases, test_decide);
	TABLE_ADD(&tt, answer_cases, test_answer);
	TABLE_ADD(&tt, gate_cases, test_gate);
	return table_run("decide", &tt);
}
