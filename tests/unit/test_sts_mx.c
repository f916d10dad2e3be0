/*
 * test_sts_mx.c: MX patterns (sts_valid_mx_pattern, sts_mx_match,
 * sts_policy_match).
 *
 * One cmocka test per table row; labels cite conformance.md (STS-POL-9/10,
 * STS-MX-2..4/8, EDGE-2/5/39..41, DEC-6/7).
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"

#include "sts.h"

#define S(x)	(x), (sizeof(x) - 1)

static void	test_valid(void **);
static void	test_valid_lengths(void **);
static void	test_match(void **);
static void	test_policy_match(void **);
static void	test_null_args(void **);

/* sts_valid_mx_pattern */

struct valid_row {
	const char	*label;
	const char	*pattern;
	size_t		 len;
	int		 want;
};

static const struct valid_row valid_rows[] = {
	{ "STS-POL-9 plain host name", S("mail.example.com"), 1 },
	{ "STS-POL-9 wildcard *.example.com", S("*.example.com"), 1 },
	{ "STS-POL-9 single label", S("localhost"), 1 },
	{ "STS-POL-20 EDGE-39 *.com is valid", S("*.com"), 1 },
	{ "EDGE-40 IPv4 address is LDH-valid", S("192.0.2.10"), 1 },
	{ "STS-POL-10 A-label", S("xn--bcher-kva.example"), 1 },
	{ "STS-POL-9 hyphen inside a label", S("mx-1.ex-ample.com"), 1 },
	{ "EDGE-5 upper case is syntactically valid", S("MAIL.Example.COM"),
	    1 },
	{ "STS-POL-9 empty", S(""), 0 },
	{ "STS-POL-9 '*' alone", S("*"), 0 },
	{ "STS-POL-9 '*.' alone", S("*."), 0 },
	{ "STS-POL-9 *example.com", S("*example.com"), 0 },
	{ "STS-POL-9 a.*.example.com", S("a.*.example.com"), 0 },
	{ "STS-POL-9 *.*.example.com", S("*.*.example.com"), 0 },
	{ "STS-POL-9 **.example.com", S("**.example.com"), 0 },
	{ "STS-POL-9 trailing '*'", S("example.*"), 0 },
	{ "STS-POL-9 EDGE-20 email address", S("user@example.com"), 0 },
	{ "STS-POL-9 host:port", S("mail.example.com:25"), 0 },
	{ "STS-POL-9 EDGE-41 underscore", S("mail_1.example.com"), 0 },
	{ "STS-POL-9 DEC-6 trailing dot (stored form has none)",
	    S("mail.example.com."), 0 },
	{ "STS-POL-9 leading dot", S(".example.com"), 0 },
	{ "STS-POL-9 empty label", S("a..example.com"), 0 },
	{ "STS-POL-9 label starting with '-'", S("-a.example.com"), 0 },
	{ "STS-POL-9 label ending with '-'", S("a-.example.com"), 0 },
	{ "STS-POL-9 wildcard with bad base", S("*.-a.example"), 0 },
	{ "STS-POL-9 DEC-7 EDGE-2 U-label", S("b\xc3\xbc" "cher.example"), 0 },
	{ "STS-POL-9 space inside", S("mail example.com"), 0 },
	{ "STS-POL-9 trailing space", S("mail.example.com "), 0 },
	{ "STS-POL-9 URL", S("https://mail.example.com/"), 0 },
	{ "STS-POL-9 embedded NUL (length counts)", S("mail\0.example.com"),
	    0 },
	{ "STS-POL-9 only the given length is read", "mail.example.com@x", 16,
	    1 },
};

static void
test_valid(void **state)
{
	const struct valid_row	*r = *state;

	assert_int_equal(sts_valid_mx_pattern(r->pattern, r->len), r->want);
}

/* STS-POL-9: 63-octet labels and 253-octet names (RFC 1035 §2.3.4). */
static void
test_valid_lengths(void **state)
{
	char	buf[DOMAIN_MAX + 8];
	size_t	i;

	memset(buf, 'a', sizeof(buf));
	buf[LABEL_MAX] = '.';
	memcpy(buf + LABEL_MAX + 1, "example", 7);
	assert_int_equal(sts_valid_mx_pattern(buf, LABEL_MAX + 8), 1);
	buf[LABEL_MAX] = 'a';
	buf[LABEL_MAX + 1] = '.';
	assert_int_equal(sts_valid_mx_pattern(buf, LABEL_MAX + 9), 0);

	/* 253 octets: labels of 49 + '.' (5 times) = 250, then "aaa". */
	memset(buf, 'a', sizeof(buf));
	for (i = 49; i < 250; i += 50)
		buf[i] = '.';
	assert_int_equal(sts_valid_mx_pattern(buf, DOMAIN_MAX), 1);
	assert_int_equal(sts_valid_mx_pattern(buf, DOMAIN_MAX + 1), 0);

	/* "*." counts: a matching host is at least as long as the pattern. */
	buf[0] = '*';
	buf[1] = '.';
	assert_int_equal(sts_valid_mx_pattern(buf, DOMAIN_MAX), 1);
	assert_int_equal(sts_valid_mx_pattern(buf, DOMAIN_MAX + 1), 0);
}

/* sts_mx_match */

struct match_row {
	const char	*label;
	const char	*pattern;
	const char	*host;
	int		 want;
};

static const struct match_row match_rows[] = {
	{ "STS-MX-3 identical name", "mail.example.com", "mail.example.com",
	    1 },
	{ "STS-MX-2 EDGE-5 host in upper case", "mail.example.com",
	    "MAIL.Example.COM", 1 },
	{ "STS-MX-2 pattern in upper case", "MAIL.EXAMPLE.COM",
	    "mail.example.com", 1 },
	{ "STS-MX-2 host with one trailing dot", "mail.example.com",
	    "mail.example.com.", 1 },
	{ "STS-MX-2 host with two trailing dots", "mail.example.com",
	    "mail.example.com..", 0 },
	{ "STS-MX-3 subdomain does not match a literal", "example.com",
	    "mail.example.com", 0 },
	{ "STS-MX-3 parent does not match a literal", "mail.example.com",
	    "example.com", 0 },
	{ "STS-MX-3 shorter host", "mail.example.com", "mail.example.co", 0 },
	{ "STS-MX-3 longer host", "mail.example.com", "mail.example.comm", 0 },
	{ "STS-MX-3 prefix difference", "mail.example.com",
	    "xmail.example.com", 0 },
	{ "STS-MX-3 no partial label match", "mail.example.com",
	    "mail.example.com.evil", 0 },
	{ "STS-MX-4 wildcard matches one label", "*.example.com",
	    "mail.example.com", 1 },
	{ "STS-MX-4 wildcard, host upper case with dot", "*.example.com",
	    "MAIL.EXAMPLE.COM.", 1 },
	{ "STS-MX-4 wildcard, pattern upper case", "*.EXAMPLE.com",
	    "mx1.example.COM", 1 },
	{ "STS-MX-4 wildcard does not match the base", "*.example.com",
	    "example.com", 0 },
	{ "STS-MX-4 wildcard does not match two labels", "*.example.com",
	    "a.b.example.com", 0 },
	{ "STS-MX-4 wildcard label must be non-empty", "*.example.com",
	    ".example.com", 0 },
	{ "STS-MX-4 wildcard, other domain", "*.example.com",
	    "mail.example.org", 0 },
	{ "STS-MX-4 wildcard, no dot before the base", "*.example.com",
	    "mailexample.com", 0 },
	{ "STS-MX-4 wildcard, base is a suffix of a label", "*.example.com",
	    "mail.notexample.com", 0 },
	{ "STS-MX-4 wildcard, single-label host", "*.example.com", "mail", 0 },
	{ "STS-MX-4 EDGE-39 *.com matches one label", "*.com", "example.com",
	    1 },
	{ "STS-MX-4 EDGE-39 *.com does not match two labels", "*.com",
	    "mail.example.com", 0 },
	{ "STS-MX-8 implicit MX: *.example.com does not cover example.com",
	    "*.example.com", "example.com", 0 },
	{ "STS-MX-8 implicit MX: literal example.com", "example.com",
	    "example.com.", 1 },
	{ "EDGE-40 IP pattern matches only itself", "192.0.2.10",
	    "192.0.2.10", 1 },
	{ "STS-MX-2 empty host", "mail.example.com", "", 0 },
	{ "STS-MX-2 host '.'", "mail.example.com", ".", 0 },
	{ "STS-MX-2 empty pattern", "", "", 0 },
	{ "STS-MX-4 wildcard against empty host", "*.example.com", "", 0 },
	{ "STS-MX-4 pattern '*.' matches nothing", "*.", "a.", 0 },
};

static void
test_match(void **state)
{
	const struct match_row	*r = *state;

	assert_int_equal(sts_mx_match(r->pattern, r->host), r->want);
}

/* sts_policy_match */

struct policy_match_row {
	const char	*label;
	const char	*policy;
	const char	*host;
	int		 want;
};

#define POL(mx) \
	"version: STSv1\nmode: enforce\nmax_age: 86400\n" mx

static const struct policy_match_row policy_match_rows[] = {
	{ "STS-MX-1 first pattern matches",
	    POL("mx: a.example.com\nmx: b.example.com\n"), "a.example.com", 1 },
	{ "STS-MX-1 second pattern matches",
	    POL("mx: a.example.com\nmx: b.example.com\n"), "B.example.com.",
	    1 },
	{ "STS-MX-1 no pattern matches",
	    POL("mx: a.example.com\nmx: b.example.com\n"), "c.example.com", 0 },
	{ "STS-MX-4 wildcard among literals",
	    POL("mx: a.example.com\nmx: *.mx.example.net\n"),
	    "eu1.mx.example.net", 1 },
	{ "STS-MX-4 wildcard among literals, two labels",
	    POL("mx: a.example.com\nmx: *.mx.example.net\n"),
	    "a.eu1.mx.example.net", 0 },
	{ "DEC-6 EDGE-5 stored pattern lowercased, dot stripped",
	    POL("mx: MAIL.Example.COM.\n"), "mail.example.com", 1 },
	{ "STS-POL-2 mode none without mx matches nothing",
	    "version: STSv1\nmode: none\nmax_age: 86400\n", "mail.example.com",
	    0 },
};

static void
test_policy_match(void **state)
{
	const struct policy_match_row	*r = *state;
	struct sts_policy		 pol;
	struct parse_err		 err;

	assert_int_equal(sts_policy_parse(r->policy, strlen(r->policy), 0,
	    &pol, &err), 0);
	assert_int_equal(sts_policy_match(&pol, r->host), r->want);
	sts_policy_clear(&pol);
}

static void
test_null_args(void **state)
{
	struct sts_policy	pol;

	memset(&pol, 0, sizeof(pol));
	assert_int_equal(sts_mx_match(NULL, "a.example"), 0);
	assert_int_equal(sts_mx_match("a.example", NULL), 0);
	assert_int_equal(sts_valid_mx_pattern(NULL, 3), 0);
	assert_int_equal(sts_policy_match(NULL, "a.example"), 0);
	assert_int_equal(sts_policy_match(&pol, "a.example"), 0);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, valid_rows, test_valid);
	TABLE_ADD(&tt, match_rows, test_match);
	TABLE_ADD(&tt, policy_match_rows, test_policy_match);
	table_add_fn(&tt, "STS-POL-9 label and name length limits",
	    test_valid_lengths);
	table_add_fn(&tt, "NULL arguments tolerated", test_null_args);
	return table_run("sts_mx", &tt);
}
