/*
 * test_answer.c: the answer grammar (PF-POL-*, PF-SM-13, DEC-25, DEC-27).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"
#include "answer.h"
#include "bounds.h"
#include "sts.h"

struct profile_case {
	const char	*label;
	const char	*name;
	int		 want;
};

static const struct profile_case profile_cases[] = {
	{ "DEC-27 postfix is the plain profile", "postfix",
	    ANSWER_PROFILE_POSTFIX },
	{ "DEC-27 postfix-tlsrpt adds TLSRPT", "postfix-tlsrpt",
	    ANSWER_PROFILE_TLSRPT },
	{ "DEC-25 unknown name", "mtasts", -1 },
	{ "DEC-25 names are case-sensitive", "Postfix", -1 },
	{ "DEC-25 prefix is not enough", "postfix-tls", -1 },
	{ "DEC-25 empty name", "", -1 },
};

static void
test_profile(void **state)
{
	const struct profile_case *tc = *state;

	assert_int_equal(answer_profile(tc->name, strlen(tc->name)),
	    tc->want);
}

/* Policies built by hand: struct sts_policy is a public value type. */
struct format_case {
	const char	*label;
	const char	*mx[4];
	const char	*lines[6];
	int		 profile;
	const char	*want;
};

static const struct format_case format_cases[] = {
	{ "PF-POL-10 one mx", { "mx.example.com" },
	    { "version: STSv1", "mode: enforce", "mx: mx.example.com",
	    "max_age: 86400" }, ANSWER_PROFILE_POSTFIX,
	    "secure match=mx.example.com servername=hostname" },
	{ "PF-POL-10 *.x becomes .x in match=",
	    { "mx1.example.com", "*.example.net" },
	    { "version: STSv1" }, ANSWER_PROFILE_POSTFIX,
	    "secure match=mx1.example.com:.example.net servername=hostname" },
	{ "PF-POL-13 TLSRPT attributes, *.x kept in mx_host_pattern",
	    { "mx1.example.com", "*.example.net" },
	    { "version: STSv1", "mode: enforce", "mx: mx1.example.com",
	    "mx: *.example.net", "max_age: 86400" }, ANSWER_PROFILE_TLSRPT,
	    "secure match=mx1.example.com:.example.net servername=hostname "
	    "policy_type=sts policy_domain=example.com "
	    "mx_host_pattern=mx1.example.com mx_host_pattern=*.example.net "
	    "{ policy_string = version: STSv1 } "
	    "{ policy_string = mode: enforce } "
	    "{ policy_string = mx: mx1.example.com } "
	    "{ policy_string = mx: *.example.net } "
	    "{ policy_string = max_age: 86400 }" },
	{ "PF-POL-16 unsafe policy lines are left out",
	    { "mx.example.com" },
	    { "version: STSv1", "x-note: {braces}", "x-utf8: caf\xc3\xa9",
	    "mode: enforce" }, ANSWER_PROFILE_TLSRPT,
	    "secure match=mx.example.com servername=hostname "
	    "policy_type=sts policy_domain=example.com "
	    "mx_host_pattern=mx.example.com "
	    "{ policy_string = version: STSv1 } "
	    "{ policy_string = mode: enforce }" },
};

static void
fill_policy(struct sts_policy *pol, const char *const *mx,
    const char *const *lines)
{
	static char	*mxbuf[STS_MX_MAX];
	static char	*linebuf[8];
	size_t		 i;

	memset(pol, 0, sizeof(*pol));
	pol->mode = STS_MODE_ENFORCE;
	pol->max_age = 86400;
	for (i = 0; i < 4 && mx[i] != NULL; i++)
		pol->mx[i] = mxbuf[i] = (char *)(uintptr_t)mx[i];
	pol->nmx = i;
	for (i = 0; i < 6 && lines[i] != NULL; i++)
		linebuf[i] = (char *)(uintptr_t)lines[i];
	pol->lines = linebuf;
	pol->nlines = i;
}

static void
test_format(void **state)
{
	const struct format_case	*tc = *state;
	struct sts_policy		 pol;
	char				 buf[4096];
	size_t				 n;

	fill_policy(&pol, tc->mx, tc->lines);
	n = answer_format_sts(&pol, "example.com", tc->profile, buf,
	    sizeof(buf));
	assert_string_equal(buf, tc->want);
	assert_int_equal(n, strlen(tc->want));
}

/* PF-POL-17: too long drops policy strings, then all TLSRPT attributes. */
static void
test_format_bounds(void **state)
{
	static const char *const mx[] = { "mx.example.com", NULL };
	static const char *const lines[] = { "version: STSv1",
	    "mode: enforce", "mx: mx.example.com", "max_age: 86400", NULL };
	struct sts_policy	 pol;
	char			 buf[4096];
	const char		*plain =
	    "secure match=mx.example.com servername=hostname";
	const char		*noline = "secure match=mx.example.com "
	    "servername=hostname policy_type=sts policy_domain=example.com "
	    "mx_host_pattern=mx.example.com";
	size_t			 n;

	fill_policy(&pol, mx, lines);
	/* Room for the form without policy strings only. */
	n = answer_format_sts(&pol, "example.com", ANSWER_PROFILE_TLSRPT, buf,
	    strlen(noline) + 1);
	assert_string_equal(buf, noline);
	assert_int_equal(n, strlen(noline));
	/* Room for the plain form only. */
	n = answer_format_sts(&pol, "example.com", ANSWER_PROFILE_TLSRPT, buf,
	    strlen(plain) + 1);
	assert_string_equal(buf, plain);
	/* Not even that: 0, the caller answers TEMP. */
	n = answer_format_sts(&pol, "example.com", ANSWER_PROFILE_POSTFIX,
	    buf, strlen(plain));
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	/* No mx at all is not an enforceable answer. */
	pol.nmx = 0;
	assert_int_equal(answer_format_sts(&pol, "example.com",
	    ANSWER_PROFILE_POSTFIX, buf, sizeof(buf)), 0);
}

/*
 * PF-POL-17 / PF-SM-6: a policy whose TLSRPT form is over the reply cap
 * loses its policy strings, however large the caller's buffer.
 */
static void
test_format_reply_cap(void **state)
{
	static char	 names[STS_MX_MAX][DOMAIN_MAX + 1];
	static char	 text[STS_LINES_MAX][256];
	static char	*lines[STS_LINES_MAX];
	static char	 big[SOCKMAP_REPLY_MAX * 3];
	struct sts_policy pol;
	size_t		 i, n;

	memset(&pol, 0, sizeof(pol));
	pol.mode = STS_MODE_ENFORCE;
	for (i = 0; i < STS_MX_MAX; i++) {
		memset(names[i], 'a', 200);
		snprintf(names[i] + 200, sizeof(names[i]) - 200,
		    ".m%03zu.example", i);
		pol.mx[i] = names[i];
	}
	pol.nmx = STS_MX_MAX;
	for (i = 0; i < STS_LINES_MAX; i++) {
		snprintf(text[i], sizeof(text[i]), "x-pad%zu: %0200d", i, 0);
		lines[i] = text[i];
	}
	pol.lines = lines;
	pol.nlines = STS_LINES_MAX;
	n = answer_format_sts(&pol, "example.com", ANSWER_PROFILE_TLSRPT, big,
	    sizeof(big));
	assert_true(n > 0);
	assert_true(n <= SOCKMAP_REPLY_MAX - 3);
	assert_int_equal(strlen(big), n);
	assert_non_null(strstr(big, "mx_host_pattern="));
	assert_null(strstr(big, "policy_string"));
}

struct check_case {
	const char	*label;
	const char	*policy;
	int		 want;
	const char	*why;	/* substring when want == -1 */
};

static const struct check_case check_cases[] = {
	{ "PF-POL-2 secure with match", "secure match=mx.example.net", 0,
	    NULL },
	{ "PF-POL-2 secure with match and servername",
	    "secure match=.example.net:mx.example.net servername=hostname", 0,
	    NULL },
	{ "PF-POL-2 may", "may", 0, NULL },
	{ "PF-POL-2 encrypt with protocols",
	    "encrypt protocols=>=TLSv1.2", 0, NULL },
	{ "PF-POL-2 dane-only", "dane-only", 0, NULL },
	{ "PF-POL-1 commas separate attributes",
	    "verify,match=hostname,servername=hostname", 0, NULL },
	{ "PF-POL-1 tabs separate attributes",
	    "secure\tmatch=mx.example.net\tservername=nexthop", 0, NULL },
	{ "PF-POL-3 match is repeatable",
	    "secure match=a.example match=b.example", 0, NULL },
	{ "PF-POL-7 servername may be a host name",
	    "secure match=a.example servername=mx.example.net", 0, NULL },
	{ "connection_reuse=yes", "may connection_reuse=yes", 0, NULL },
	{ "fingerprint with match", "fingerprint match=3D:95:34:51", 0,
	    NULL },
	{ "tafile at secure", "secure tafile=/etc/postfix/ta.pem", 0, NULL },
	{ "level none is refused", "none", -1, "none" },
	{ "PF-POL-2 unknown level", "strict", -1, "level" },
	{ "empty policy", "   ", -1, "empty" },
	{ "PF-POL-3 match at may", "may match=x.example", -1, "match" },
	{ "PF-POL-3 match at dane", "dane match=x.example", -1, "match" },
	{ "PF-POL-3 empty match", "secure match=", -1, "empty" },
	{ "fingerprint without match", "fingerprint", -1, "fingerprint" },
	{ "tafile needs verify or secure", "encrypt tafile=/etc/ta.pem", -1,
	    "tafile" },
	{ "PF-POL-1 servername twice", "secure servername=a servername=b",
	    -1, "twice" },
	{ "PF-POL-7 servername must be a host name",
	    "secure servername=bad_name!", -1, "servername" },
	{ "PF-POL-7 servername cannot be an address literal",
	    "secure servername=[192.0.2.1]", -1, "servername" },
	{ "connection_reuse needs yes or no", "may connection_reuse=maybe",
	    -1, "yes or no" },
	{ "enable_rpk needs yes or no", "secure enable_rpk=perhaps", -1,
	    "yes or no" },
	{ "PF-POL-1 unknown attribute", "secure frobnicate=yes", -1,
	    "unknown attribute" },
	{ "PF-POL-1 attribute without =", "secure match", -1, "name=value" },
	{ "PF-POL-1 attribute without name", "secure =x", -1,
	    "name=value" },
	{ "PF-POL-12 policy_type is ours", "secure policy_type=sts", -1,
	    "mtastsd" },
	{ "PF-POL-12 mx_host_pattern is ours",
	    "secure mx_host_pattern=*.example.net", -1, "mtastsd" },
	{ "control characters refused", "secure match=a\x01", -1,
	    "control" },
	{ "non-ASCII refused", "secure match=caf\xc3\xa9.example", -1,
	    "non-ASCII" },
	{ "brace form needs Postfix 3.10", "secure { match = a.example }",
	    -1, "3.10" },
};

static void
test_check(void **state)
{
	const struct check_case	*tc = *state;
	const char		*why = NULL;

	assert_int_equal(answer_policy_check(tc->policy, strlen(tc->policy),
	    &why), tc->want);
	assert_non_null(why);
	if (tc->want == -1)
		assert_non_null(strstr(why, tc->why));
}

struct word_case {
	const char		*label;
	enum answer_status	 status;
	const char		*want;
};

static const struct word_case word_cases[] = {
	{ "PF-SM-4 OK", ANSWER_OK, "OK" },
	{ "PF-SM-4 NOTFOUND", ANSWER_NOTFOUND, "NOTFOUND" },
	{ "PF-SM-4 TEMP", ANSWER_TEMP, "TEMP" },
	{ "PF-SM-4 PERM", ANSWER_PERM, "PERM" },
};

static void
test_word(void **state)
{
	const struct word_case	*tc = *state;

	assert_string_equal(answer_status_str(tc->status), tc->want);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, profile_cases, test_profile);
	TABLE_ADD(&tt, format_cases, test_format);
	TABLE_ADD(&tt, check_cases, test_check);
	TABLE_ADD(&tt, word_cases, test_word);
	table_add_fn(&tt, "PF-POL-17 fallback forms", test_format_bounds);
	table_add_fn(&tt, "PF-SM-6 answers stay under the reply cap",
	    test_format_reply_cap);
	return table_run("answer", &tt);
}
