/*
 * test_decide.c: policy state to answer (PF-POL-10/17/18, STS-APP-2/3,
 * STS-CACHE-6, DEC-16, DEC-19).
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"
#include "answer.h"
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

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, cases, test_decide);
	return table_run("decide", &tt);
}
