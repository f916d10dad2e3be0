/*
 * test_dgram.c: libtlsrpt datagrams into struct rpt_session (dgram.c).
 *
 * One cmocka test per table row: every file of tests/fixtures/tlsrpt/
 * (built byte for byte as libtlsrpt sends them, see its README) parses to
 * the fields it was made from; variants that strict JSON allows parse too;
 * every kind of damage is refused with its dgram_err code, position and a
 * safe message.  Labels cite conformance.md (RPT-*).  Links only dgram.c,
 * json.c and parse_err.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tabletest.h"

#include "dgram.h"

/* A string literal and its exact length (embedded NULs included). */
#define S(x)	(x), (sizeof(x) - 1)

#define DUMP_MAX	8192
#define PATH_BUF	1024
#define BUILD_MAX	(DGRAM_MAX + 4096)

static int	msg_is_safe(const char *);
static void	dump_str(char *, size_t *, const char *);
static void	dump_session(const struct rpt_session *, unsigned, char *);
static size_t	read_fixture(const char *, char *, size_t);
static void	app(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2)));
static void	app_rep(const char *, size_t);
static int	parse_built(struct parse_err *);
static void	test_fixture(void **);
static void	test_valid(void **);
static void	test_invalid(void **);
static void	test_err_str(void **);
static void	test_prefixes(void **);
static void	test_max_policies(void **);
static void	test_max_strings(void **);
static void	test_max_mx(void **);
static void	test_max_failures(void **);
static void	test_string_limits(void **);
static void	test_decoded_length(void **);
static void	test_dgram_max(void **);
static void	build_arena(size_t, size_t);
static void	test_full_arena(void **);
static void	test_cleared(void **);
static void	test_null_args(void **);

static struct dgram_buf		db;
static struct rpt_session	sess;
static char			built[BUILD_MAX];
static size_t			blen;

/* Messages reach logs: printable ASCII only. */
static int
msg_is_safe(const char *m)
{
	for (; *m != '\0'; m++)
		if ((unsigned char)*m < 0x20 || (unsigned char)*m >= 0x7f)
			return 0;
	return 1;
}

/* Printable ASCII but '\' as is, every other byte as \xNN; NULL "(null)". */
static void
dump_str(char *out, size_t *o, const char *s)
{
	const unsigned char	*u;

	if (s == NULL) {
		*o += (size_t)snprintf(out + *o, DUMP_MAX - *o, "(null)");
		return;
	}
	for (u = (const unsigned char *)s; *u != '\0' && *o < DUMP_MAX - 8;
	    u++) {
		if (*u >= 0x20 && *u < 0x7f && *u != '\\')
			out[(*o)++] = (char)*u;
		else
			*o += (size_t)snprintf(out + *o, DUMP_MAX - *o,
			    "\\x%02x", *u);
	}
	out[*o] = '\0';
}

/* The session as text, one line per policy, string, mx and failure. */
static void
dump_session(const struct rpt_session *s, unsigned dpv, char *out)
{
	static const char *const	types[] = { "tlsa", "sts",
	    "no-policy-found" };
	static const char *const	results[RPT_RESULT_COUNT] = {
		"starttls-not-supported", "certificate-host-mismatch",
		"certificate-not-trusted", "certificate-expired",
		"validation-failure", "sts-policy-fetch-error",
		"sts-policy-invalid", "sts-webpki-invalid", "tlsa-invalid",
		"dnssec-invalid", "dane-required"
	};
	const struct rpt_policy		*p;
	const struct rpt_failure	*f;
	size_t				 o = 0, i, j;

	out[0] = '\0';
	o += (size_t)snprintf(out + o, DUMP_MAX - o, "d=");
	dump_str(out, &o, s->domain);
	o += (size_t)snprintf(out + o, DUMP_MAX - o, " pr=");
	dump_str(out, &o, s->record);
	o += (size_t)snprintf(out + o, DUMP_MAX - o, " dpv=%u\n", dpv);
	for (i = 0; i < s->npolicies; i++) {
		p = &s->policies[i];
		o += (size_t)snprintf(out + o, DUMP_MAX - o, "policy %s domain=",
		    (unsigned)p->type < 3 ? types[p->type] : "?");
		dump_str(out, &o, p->domain);
		o += (size_t)snprintf(out + o, DUMP_MAX - o, " failed=%d\n",
		    p->failed);
		for (j = 0; j < p->nstrings; j++) {
			o += (size_t)snprintf(out + o, DUMP_MAX - o,
			    " string=");
			dump_str(out, &o, p->strings[j]);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, "\n");
		}
		for (j = 0; j < p->nmx; j++) {
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " mx=");
			dump_str(out, &o, p->mx[j]);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, "\n");
		}
		for (j = 0; j < p->nfailures; j++) {
			f = &p->failures[j];
			o += (size_t)snprintf(out + o, DUMP_MAX - o,
			    " failure %s s=", (unsigned)f->result <
			    RPT_RESULT_COUNT ? results[f->result] : "?");
			dump_str(out, &o, f->sending_mta_ip);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " n=");
			dump_str(out, &o, f->receiving_mx_hostname);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " h=");
			dump_str(out, &o, f->receiving_mx_helo);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " r=");
			dump_str(out, &o, f->receiving_ip);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " a=");
			dump_str(out, &o, f->additional_information);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, " f=");
			dump_str(out, &o, f->failure_reason_code);
			o += (size_t)snprintf(out + o, DUMP_MAX - o, "\n");
		}
	}
}

static size_t
read_fixture(const char *name, char *buf, size_t bufsz)
{
	const char	*top;
	char		 path[PATH_BUF];
	FILE		*fp;
	size_t		 n;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	(void)snprintf(path, sizeof(path), "%s/tests/fixtures/tlsrpt/%s", top,
	    name);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, bufsz, fp);
	fclose(fp);
	assert_true(n > 0 && n < bufsz);
	return n;
}

/* Fixtures. */

#define PR_COM	"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"
#define PR_ORG	"v=TLSRPTv1;rua=mailto:tls@example.org," \
		"https://rpt.example.org/v1"
#define PR_NET	"v=TLSRPTv1; rua=mailto:reports@example.net"
#define STS_POLICY \
	" string=version: STSv1\n" \
	" string=mode: enforce\n" \
	" string=mx: mail.example.com\n" \
	" string=mx: *.example.net\n" \
	" string=mx: backupmx.example.com\n" \
	" string=max_age: 604800\n" \
	" mx=mail.example.com\n" \
	" mx=*.example.net\n" \
	" mx=backupmx.example.com\n"
#define EHLO	"250-mail.example.com\\x0d\\x0a250-PIPELINING\\x0d\\x0a" \
		"250-SIZE 52428800\\x0d\\x0a250-STARTTLS\\x0d\\x0a" \
		"250-ENHANCEDSTATUSCODES\\x0d\\x0a250 8BITMIME"
#define TLSA1	"3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514" \
		"B56664C5D3D6"
#define TLSA2	"2 1 1 8D02536C887482BC34FF54E41D2BA659BF85B341A0A20AFADB58" \
		"13DCFBCF286D"
#define NULLS3	" h=(null)"

struct fixture_row {
	const char	*label;
	const char	*file;
	const char	*want;
};

static const struct fixture_row fixture_rows[] = {
	{ "RPT-16 Postfix STS success: one policy, t 0, f 0",
	    "sts-success.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=0\n" STS_POLICY },
	{ "RPT-11 RPT-12 STS certificate-host-mismatch with EHLO reply",
	    "sts-failure-cert-mismatch.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=1\n" STS_POLICY
	    " failure certificate-host-mismatch s=192.0.2.10 "
	    "n=mail.example.com h=" EHLO " r=198.51.100.25 a=(null) "
	    "f=(null)\n" },
	{ "RPT-12 STS sts-webpki-invalid (policy_failure=)",
	    "sts-webpki-invalid.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=1\n" STS_POLICY
	    " failure sts-webpki-invalid s=192.0.2.10 n=mx1.example.net h="
	    EHLO " r=198.51.100.26 a=(null) f=(null)\n" },
	{ "RPT-12 STS sts-policy-fetch-error, IPv6, no EHLO reply",
	    "sts-policy-fetch-error.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=1\n" STS_POLICY
	    " failure sts-policy-fetch-error s=2001:db8::10 "
	    "n=backupmx.example.com h=(null) r=2001:db8:1::25 a=(null) "
	    "f=(null)\n" },
	{ "RPT-11 STS testing certificate-expired with failure-reason-code",
	    "sts-testing-cert-expired.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=1\n"
	    " string=version: STSv1\n string=mode: testing\n"
	    " string=mx: mail.example.com\n string=max_age: 86400\n"
	    " mx=mail.example.com\n"
	    " failure certificate-expired s=192.0.2.10 n=mail.example.com h="
	    EHLO " r=198.51.100.25 a=(null) f=certificate_has_expired\n" },
	{ "RPT-8 DANE success: TLSA RRs as policy strings",
	    "dane-success.json",
	    "d=example.org pr=" PR_ORG " dpv=0\n"
	    "policy tlsa domain=mx1.example.org failed=0\n"
	    " string=" TLSA1 "\n string=" TLSA2 "\n" },
	{ "RPT-12 DANE tlsa-invalid", "dane-tlsa-invalid.json",
	    "d=example.org pr=" PR_ORG " dpv=0\n"
	    "policy tlsa domain=mx1.example.org failed=1\n"
	    " string=" TLSA1 "\n"
	    " failure tlsa-invalid s=192.0.2.10 n=mx1.example.org "
	    "h=250-mx1.example.org\\x0d\\x0a250 STARTTLS r=203.0.113.7 "
	    "a=(null) f=(null)\n" },
	{ "RPT-12 DANE validation-failure with an OpenSSL reason",
	    "dane-validation-failure.json",
	    "d=example.org pr=v=TLSRPTv1;rua=mailto:tls@example.org dpv=0\n"
	    "policy tlsa domain=mx2.example.org failed=1\n"
	    " string=" TLSA2 "\n"
	    " failure validation-failure s=192.0.2.10 n=mx2.example.org "
	    "h=(null) r=203.0.113.8 a=(null) f=self-signed_certificate\n" },
	{ "RPT-12 DANE dane-required", "dane-required.json",
	    "d=example.org pr=v=TLSRPTv1;rua=mailto:tls@example.org dpv=0\n"
	    "policy tlsa domain=mx2.example.org failed=1\n"
	    " string=" TLSA2 "\n"
	    " failure dane-required s=192.0.2.10 n=mx2.example.org h=(null) "
	    "r=203.0.113.8 a=(null) f=(null)\n" },
	{ "RPT-8 no-policy-found success: no domain, strings or mx",
	    "no-policy-found.json",
	    "d=example.net pr=" PR_NET " dpv=0\n"
	    "policy no-policy-found domain=(null) failed=0\n" },
	{ "RPT-12 no-policy-found starttls-not-supported",
	    "no-policy-starttls-not-supported.json",
	    "d=example.net pr=" PR_NET " dpv=0\n"
	    "policy no-policy-found domain=(null) failed=1\n"
	    " failure starttls-not-supported s=192.0.2.10 n=mx.example.net "
	    "h=250-mx.example.net\\x0d\\x0a250 PIPELINING r=198.51.100.99 "
	    "a=(null) f=(null)\n" },
	{ "RPT-11 failure with every optional string absent",
	    "failure-code-only.json",
	    "d=example.net pr=" PR_NET " dpv=0\n"
	    "policy no-policy-found domain=(null) failed=1\n"
	    " failure validation-failure s=(null) n=(null) h=(null) "
	    "r=(null) a=(null) f=(null)\n" },
	{ "RPT-11 empty strings are kept, not made absent",
	    "empty-strings.json",
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=example.com failed=1\n" STS_POLICY
	    " failure certificate-not-trusted s= n=mail.example.com h=(null) "
	    "r=198.51.100.25 a= f=(null)\n" },
	{ "RPT-7 two policies, two failures (libtlsrpt example)",
	    "two-policies.json",
	    "d=company-y.example pr=v=TLSRPTv1; "
	    "rua=mailto:tlsrpt@company-y.example dpv=0\n"
	    "policy sts domain=company-y.example failed=1\n"
	    " string=version: STSv1\n string=mode: testing\n"
	    " string=mx: *.mail.company-y.example\n string=max_age: 86400\n"
	    " mx=*.mail.company-y.example\n mx=*.mail2.company-y.example\n"
	    " failure sts-policy-invalid s=1.2.3.4 n=mailin.example.com "
	    "h=test-ehlo.example.com r=11.22.33.44 "
	    "a=This is additional information f=999 TEST ERROR\n"
	    " failure sts-webpki-invalid s=1.2.3.5 n=mailin.example.com "
	    "h=test-ehlo.example.com r=11.22.33.55 "
	    "a=This is additional information f=999 TEST ERROR\n"
	    "policy tlsa domain=company-y.example failed=0\n"
	    " string=3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8"
	    "513D747D1D085D\n"
	    " string=3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8"
	    "513D747D1D1234\n" },
	{ "RPT-9 libtlsrpt escapes decoded, raw UTF-8 kept",
	    "escapes.json",
	    "d=xn--bcher-kva.example pr=v=TLSRPTv1; "
	    "rua=mailto:tls@xn--bcher-kva.example dpv=0\n"
	    "policy sts domain=xn--bcher-kva.example failed=1\n"
	    " string=version: STSv1\n"
	    " string=quote \" backslash \\x5c slash / tab \\x09 nl \\x0a "
	    "cr \\x0d bs \\x08 ff \\x0c\n"
	    " string=ctl \\x01\\x02\\x0b\\x1b\\x1f del \\x7f end\n"
	    " string=utf8 \\xc3\\xa9 \\xe6\\x97\\xa5\\xe6\\x9c\\xac "
	    "\\xf0\\x9f\\x93\\xa7 \\xef\\xbf\\xbd\n"
	    " mx=*.xn--bcher-kva.example\n"
	    " failure validation-failure s=192.0.2.10 "
	    "n=mx.xn--bcher-kva.example h=250-mx.b\\xc3\\xbccher.example "
	    "says \"hi\"\\x0d\\x0a250 STARTTLS r=198.51.100.1 "
	    "a=https://example.com/a?b=1&c=\"2\" f=reason: \\x5cx41 "
	    "\\x09\n" },
	{ "libtlsrpt >= 0.5.0 \"dpv\": \"1\"", "with-dpv.json",
	    "d=example.com pr=" PR_COM " dpv=1\n"
	    "policy sts domain=example.com failed=0\n" STS_POLICY },
	{ "\"dpv\" with a no-policy-found failure", "with-dpv-failure.json",
	    "d=example.net pr=" PR_NET " dpv=1\n"
	    "policy no-policy-found domain=(null) failed=1\n"
	    " failure starttls-not-supported s=192.0.2.10 n=mx.example.net "
	    "h=(null) r=198.51.100.99 a=(null) f=(null)\n" },
};

static void
test_fixture(void **state)
{
	const struct fixture_row	*row = *state;
	static char			 buf[DGRAM_MAX + 2];
	static char			 dump[DUMP_MAX];
	struct parse_err		 err;
	size_t				 len;

	len = read_fixture(row->file, buf, sizeof(buf));
	memset(&err, 'X', sizeof(err));
	if (dgram_parse(buf, len, &db, &sess, &err) == -1)
		fail_msg("%s refused: code %d col %u: %s", row->file,
		    err.code, err.col, err.msg);
	assert_int_equal(err.code, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "");
	assert_true(db.used <= len);
	dump_session(&sess, db.dpv, dump);
	if (strcmp(dump, row->want) != 0)
		print_error("got:\n%s\nwant:\n%s\n", dump, row->want);
	assert_string_equal(dump, row->want);
}

/* Strict JSON that libtlsrpt would not write but that means the same. */

#define HEAD	"{\"d\": \"example.com\",\"pr\": \"" PR_COM "\","
#define POLICIES(x)	"\"policies\":[" x "]"
#define NPF	"{\"policy-type\":9,\"t\":0,\"f\":0}"
#define NPF_DUMP "d=example.com pr=" PR_COM " dpv=%s\n" \
		"policy no-policy-found domain=(null) failed=0\n"
#define WANT_NPF(dpv)	"d=example.com pr=" PR_COM " dpv=" dpv "\n" \
		"policy no-policy-found domain=(null) failed=0\n"

struct valid_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	const char	*want;
};

static const struct valid_row valid_rows[] = {
	{ "members in another order",
	    S("{\"policies\":[{\"f\":0,\"t\":0,\"policy-type\":9}],"
	    "\"pr\": \"" PR_COM "\",\"d\": \"example.com\"}"), WANT_NPF("0") },
	{ "RFC 8259 whitespace between every token",
	    S(" {\n\t\"d\" : \"example.com\" ,\r\n \"pr\" : \"" PR_COM "\" ,"
	    " \"policies\" : [ { \"policy-type\" : 9 , \"t\" : 0 , \"f\" : 0"
	    " } ] }\n"), WANT_NPF("0") },
	{ "unknown members skipped at every level",
	    S("{\"x\":[1,{\"y\":null},\"\\u00e9\"],\"d\": \"example.com\","
	    "\"pr\": \"" PR_COM "\",\"policies\":[{\"policy-type\":2,"
	    "\"extra\":true,\"failure-details\":[{\"c\":205,\"z\":{},"
	    "\"q\":-1.5e9}],\"t\":1,\"f\":1,\"policy-mode\":\"enforce\"}],"
	    "\"future\":{\"a\":[[],[[]]]}}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=(null) failed=1\n"
	    " failure validation-failure s=(null) n=(null) h=(null) r=(null) "
	    "a=(null) f=(null)\n" },
	{ "a key longer than any known one is unknown",
	    S(HEAD "\"dddddddddddddddddddddddddddddddddddddddddddddd\":1,"
	    POLICIES(NPF) "}"), WANT_NPF("0") },
	{ "escaped key \\u0064 is \"d\"",
	    S("{\"\\u0064\": \"example.com\",\"pr\": \"" PR_COM "\","
	    POLICIES(NPF) "}"), WANT_NPF("0") },
	{ "\"dpv\" first", S("{\"dpv\": \"1\"," "\"d\": \"example.com\","
	    "\"pr\": \"" PR_COM "\"," POLICIES(NPF) "}"), WANT_NPF("1") },
	{ "\"dpv\" last", S(HEAD POLICIES(NPF) ",\"dpv\": \"1\"}"),
	    WANT_NPF("1") },
	{ "\"dpv\" as the integer 1", S(HEAD "\"dpv\":1," POLICIES(NPF) "}"),
	    WANT_NPF("1") },
	{ "empty policy-string, mx-host and failure-details arrays",
	    S(HEAD POLICIES("{\"policy-type\":2,\"policy-string\":[],"
	    "\"mx-host\":[],\"failure-details\":[],\"t\":0,\"f\":0}") "}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=(null) failed=0\n" },
	{ "RPT-10 f 0 with a failure entry is kept as sent",
	    S(HEAD POLICIES("{\"policy-type\":1,\"failure-details\":"
	    "[{\"c\":304}],\"t\":1,\"f\":0}") "}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy tlsa domain=(null) failed=0\n"
	    " failure tlsa-invalid s=(null) n=(null) h=(null) r=(null) "
	    "a=(null) f=(null)\n" },
	{ "RPT-10 f 1 without failure entries is kept as sent",
	    S(HEAD POLICIES("{\"policy-type\":2,\"t\":0,\"f\":1}") "}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=(null) failed=1\n" },
	{ "RPT-9 domains kept as sent (upper case, trailing dot)",
	    S("{\"d\": \"Example.COM.\",\"pr\": \"x\",\"policies\":"
	    "[{\"policy-type\":2,\"policy-domain\": \"EXAMPLE.com.\","
	    "\"mx-host\":[\"MX.Example.com.\"],\"t\":0,\"f\":0}]}"),
	    "d=Example.COM. pr=x dpv=0\n"
	    "policy sts domain=EXAMPLE.com. failed=0\n"
	    " mx=MX.Example.com.\n" },
	{ "every result code 201-205 and 301-306",
	    S(HEAD POLICIES("{\"policy-type\":9,\"failure-details\":["
	    "{\"c\":201},{\"c\":202},{\"c\":203},{\"c\":204},{\"c\":205},"
	    "{\"c\":301},{\"c\":302},{\"c\":303},{\"c\":304},{\"c\":305},"
	    "{\"c\":306}],\"t\":11,\"f\":1}") "}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy no-policy-found domain=(null) failed=1\n"
	    " failure starttls-not-supported" NULLS3 "\n" },
	{ "escaped surrogate pair and \\/ in a string",
	    S(HEAD POLICIES("{\"policy-type\":2,\"policy-string\":"
	    "[\"\\uD83D\\uDCE7 a\\/b\"],\"t\":0,\"f\":0}") "}"),
	    "d=example.com pr=" PR_COM " dpv=0\n"
	    "policy sts domain=(null) failed=0\n"
	    " string=\\xf0\\x9f\\x93\\xa7 a/b\n" },
};

static void
test_valid(void **state)
{
	const struct valid_row	*row = *state;
	static char		 dump[DUMP_MAX];
	struct parse_err	 err;
	const char		*nl;

	if (dgram_parse(row->in, row->len, &db, &sess, &err) == -1)
		fail_msg("refused: code %d col %u: %s", err.code, err.col,
		    err.msg);
	dump_session(&sess, db.dpv, dump);
	/* NULLS3 rows list only the first failure in full. */
	if (strstr(row->want, NULLS3 "\n") != NULL &&
	    strstr(row->want, " s=") == NULL) {
		nl = strstr(dump, " s=");
		assert_non_null(nl);
		assert_int_equal(sess.policies[0].nfailures, 11);
		assert_int_equal(sess.policies[0].failures[10].result,
		    RPT_RESULT_DANE_REQUIRED);
		assert_int_equal(sess.policies[0].failures[5].result,
		    RPT_RESULT_STS_POLICY_FETCH_ERROR);
		return;
	}
	if (strcmp(dump, row->want) != 0)
		print_error("got:\n%s\nwant:\n%s\n", dump, row->want);
	assert_string_equal(dump, row->want);
}

/* Refused datagrams. */

struct invalid_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	enum dgram_err	 code;
	unsigned	 col;		/* 1-based; 0: not checked */
	const char	*msg;		/* substring, or NULL */
};

#define POL(x)		S(HEAD POLICIES(x) "}")
#define FD(x)		POL("{\"policy-type\":9,\"failure-details\":[" x \
			"],\"t\":1,\"f\":1}")
#define HDR_LEN		(sizeof(HEAD) - 1)

static const struct invalid_row invalid_rows[] = {
	/* The whole datagram. */
	{ "empty datagram", S(""), DGRAM_ERR_JSON, 0, "empty datagram" },
	{ "whitespace only", S("  \n"), DGRAM_ERR_JSON, 4, "input ends" },
	{ "RPT-7 a JSON array is not a datagram", S("[]"), DGRAM_ERR_SCHEMA,
	    1, "the datagram must be an object, not an array" },
	{ "RPT-7 a JSON string is not a datagram", S("\"d\""),
	    DGRAM_ERR_SCHEMA, 1, "not a string" },
	{ "UTF-8 BOM", S("\xef\xbb\xbf{}"), DGRAM_ERR_JSON, 1, "byte 0xef" },
	{ "trailing garbage", S(HEAD POLICIES(NPF) "}x"), DGRAM_ERR_JSON,
	    HDR_LEN + 44, "unexpected 'x'" },
	{ "two datagrams in one", S(HEAD POLICIES(NPF) "}" HEAD POLICIES(NPF)
	    "}"), DGRAM_ERR_JSON, HDR_LEN + 44, "after the end" },
	{ "trailing NUL (a C string sent with its terminator)",
	    S(HEAD POLICIES(NPF) "}\0"), DGRAM_ERR_JSON, HDR_LEN + 44,
	    "byte 0x00" },
	{ "NUL between tokens", S("{\0\"d\": \"x\"}"), DGRAM_ERR_JSON, 2,
	    "byte 0x00" },
	{ "single-quoted strings", S("{'d': 'x'}"), DGRAM_ERR_JSON, 2, NULL },
	{ "trailing comma", S(HEAD POLICIES(NPF) ",}"), DGRAM_ERR_JSON,
	    HDR_LEN + 44, "expected a key" },
	{ "deep nesting inside an unknown member",
	    S("{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]}"), DGRAM_ERR_JSON, 37, "deeper than 32" },
	{ "invalid JSON inside an unknown member",
	    S(HEAD "\"x\":[1,]," POLICIES(NPF) "}"), DGRAM_ERR_JSON,
	    HDR_LEN + 8, "expected a value" },

	/* Top-level members. */
	{ "no \"d\"", S("{\"pr\": \"x\"," POLICIES(NPF) "}"),
	    DGRAM_ERR_SCHEMA, 0, "the datagram has no \"d\"" },
	{ "no \"pr\"", S("{\"d\": \"x\"," POLICIES(NPF) "}"),
	    DGRAM_ERR_SCHEMA, 0, "has no \"pr\"" },
	{ "no \"policies\"", S("{\"d\": \"x\",\"pr\": \"y\"}"),
	    DGRAM_ERR_SCHEMA, 0, "has no \"policies\"" },
	{ "RPT-7 empty \"policies\"", S(HEAD POLICIES("") "}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 12, "\"policies\" is empty" },
	{ "RPT-7 \"policies\" as an object", S(HEAD "\"policies\":{}}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 12, "must be an array, not an object" },
	{ "\"d\" as a number", S("{\"d\":1}"), DGRAM_ERR_SCHEMA, 6,
	    "\"d\" (domain) must be a string, not a number" },
	{ "\"d\" as null", S("{\"d\":null}"), DGRAM_ERR_SCHEMA, 6,
	    "not null" },
	{ "\"pr\" as an array", S("{\"pr\":[\"v=TLSRPTv1\"]}"),
	    DGRAM_ERR_SCHEMA, 7, "\"pr\" (TLSRPT record) must be a string" },
	{ "\"d\" twice", S(HEAD "\"d\": \"example.net\"," POLICIES(NPF) "}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 5, "\"d\" appears twice" },
	{ "\"policies\" twice", S(HEAD POLICIES(NPF) "," POLICIES(NPF) "}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 55, "\"policies\" appears twice" },
	{ "\"d\" holding \\u0000", S("{\"d\": \"a\\u0000.example\"}"),
	    DGRAM_ERR_SCHEMA, 7, "contains a NUL character" },

	/* "dpv". */
	{ "\"dpv\" \"2\" is unsupported", S(HEAD "\"dpv\": \"2\"," POLICIES(NPF)
	    "}"), DGRAM_ERR_VERSION, HDR_LEN + 8,
	    "unsupported datagram protocol version" },
	{ "\"dpv\" 2 is unsupported", S(HEAD "\"dpv\":2," POLICIES(NPF) "}"),
	    DGRAM_ERR_VERSION, HDR_LEN + 7, NULL },
	{ "\"dpv\" \"1.0\" is unsupported", S(HEAD "\"dpv\":\"1.0\","
	    POLICIES(NPF) "}"), DGRAM_ERR_VERSION, 0, NULL },
	{ "\"dpv\" \"\" is unsupported", S(HEAD "\"dpv\":\"\"," POLICIES(NPF)
	    "}"), DGRAM_ERR_VERSION, 0, NULL },
	{ "\"dpv\" 0 is unsupported", S(HEAD "\"dpv\":0," POLICIES(NPF) "}"),
	    DGRAM_ERR_VERSION, 0, NULL },
	{ "\"dpv\" 1.0 is unsupported", S(HEAD "\"dpv\":1.0," POLICIES(NPF)
	    "}"), DGRAM_ERR_VERSION, 0, NULL },
	{ "\"dpv\" as a long string", S(HEAD "\"dpv\":\"1111111111111111111\","
	    POLICIES(NPF) "}"), DGRAM_ERR_VERSION, 0, NULL },
	{ "\"dpv\" as true", S(HEAD "\"dpv\":true," POLICIES(NPF) "}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 7, "\"dpv\" must be a string, not true" },
	{ "\"dpv\" twice", S(HEAD "\"dpv\":\"1\",\"dpv\":\"1\"," POLICIES(NPF)
	    "}"), DGRAM_ERR_SCHEMA, 0, "\"dpv\" appears twice" },

	/* Policies (RPT-7, RPT-8, RPT-10). */
	{ "RPT-7 a policy as a number", POL("2"), DGRAM_ERR_SCHEMA,
	    HDR_LEN + 13, "a \"policies\" entry must be an object" },
	{ "RPT-8 no policy-type", POL("{\"t\":0,\"f\":0}"), DGRAM_ERR_SCHEMA,
	    HDR_LEN + 13, "policies[0]: no \"policy-type\"" },
	{ "RPT-10 no \"t\"", POL("{\"policy-type\":9,\"f\":0}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 13, "no \"t\"" },
	{ "RPT-10 no \"f\"", POL("{\"policy-type\":9,\"t\":0}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 13, "no \"f\"" },
	{ "RPT-8 policy-type 0 is unknown", POL("{\"policy-type\":0,\"t\":0,"
	    "\"f\":0}"), DGRAM_ERR_CODE, HDR_LEN + 28, "unknown policy-type 0" },
	{ "RPT-8 policy-type 3 is unknown", POL("{\"policy-type\":3,\"t\":0,"
	    "\"f\":0}"), DGRAM_ERR_CODE, HDR_LEN + 28, "unknown policy-type 3" },
	{ "RPT-8 policy-type 10 is unknown", POL("{\"policy-type\":10}"),
	    DGRAM_ERR_CODE, HDR_LEN + 28, NULL },
	{ "RPT-8 policy-type -1 is unknown", POL("{\"policy-type\":-1}"),
	    DGRAM_ERR_CODE, HDR_LEN + 28, NULL },
	{ "RPT-8 policy-type 2.0 is not an integer", POL("{\"policy-type\":2.0}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 28, "must be an integer" },
	{ "RPT-8 policy-type \"sts\" (the report's form) is refused",
	    POL("{\"policy-type\":\"sts\"}"), DGRAM_ERR_SCHEMA, HDR_LEN + 28,
	    "\"policy-type\" must be a number, not a string" },
	{ "RPT-8 policy-type twice", POL("{\"policy-type\":2,"
	    "\"policy-type\":2}"), DGRAM_ERR_SCHEMA, 0, "appears twice" },
	{ "RPT-10 f 2 is unknown", POL("{\"policy-type\":9,\"t\":0,\"f\":2}"),
	    DGRAM_ERR_CODE, 0, "\"f\" (final result) is 2, not 0 or 1" },
	{ "RPT-10 f -1 is unknown", POL("{\"policy-type\":9,\"t\":0,\"f\":-1}"),
	    DGRAM_ERR_CODE, 0, NULL },
	{ "RPT-10 f 901 (TLSRPT_UNFINISHED_POLICY) is refused",
	    POL("{\"policy-type\":9,\"t\":0,\"f\":901}"), DGRAM_ERR_CODE, 0,
	    NULL },
	{ "RPT-10 f true is refused", POL("{\"policy-type\":9,\"t\":0,"
	    "\"f\":true}"), DGRAM_ERR_SCHEMA, 0, "not true" },
	{ "RPT-10 f \"0\" is refused", POL("{\"policy-type\":9,\"t\":0,"
	    "\"f\":\"0\"}"), DGRAM_ERR_SCHEMA, 0, NULL },
	{ "\"t\" 1 without failure-details", POL("{\"policy-type\":9,\"t\":1,"
	    "\"f\":1}"), DGRAM_ERR_SCHEMA, HDR_LEN + 13,
	    "\"t\" is 1 but \"failure-details\" has 0 entries" },
	{ "\"t\" 0 with one failure entry", POL("{\"policy-type\":9,"
	    "\"failure-details\":[{\"c\":201}],\"t\":0,\"f\":1}"),
	    DGRAM_ERR_SCHEMA, 0, "\"t\" is 0 but" },
	{ "\"t\" -1", POL("{\"policy-type\":9,\"t\":-1,\"f\":0}"),
	    DGRAM_ERR_SCHEMA, 0, "\"t\" is -1" },
	{ "\"t\" 0.0", POL("{\"policy-type\":9,\"t\":0.0,\"f\":0}"),
	    DGRAM_ERR_SCHEMA, 0, "\"t\" (failure count) must be an integer" },
	{ "\"t\" beyond int64", POL("{\"policy-type\":9,"
	    "\"t\":99999999999999999999,\"f\":0}"), DGRAM_ERR_SCHEMA, 0,
	    "in range" },
	{ "RPT-9 policy-domain as a number", POL("{\"policy-domain\":7}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 30, "\"policy-domain\" must be a string" },
	{ "RPT-9 policy-domain as null (libtlsrpt leaves it out)",
	    POL("{\"policy-domain\":null}"), DGRAM_ERR_SCHEMA, HDR_LEN + 30,
	    NULL },
	{ "RPT-8 policy-string as a plain string",
	    POL("{\"policy-string\":\"version: STSv1\"}"), DGRAM_ERR_SCHEMA,
	    HDR_LEN + 30, "\"policy-string\" must be an array" },
	{ "RPT-8 policy-string with a number", POL("{\"policy-string\":"
	    "[\"a\",1]}"), DGRAM_ERR_SCHEMA, HDR_LEN + 35,
	    "\"policy-string\" must be a string, not a number" },
	{ "RPT-8 policy-string with null", POL("{\"policy-string\":[null]}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 31, NULL },
	{ "RPT-8 policy-string twice", POL("{\"policy-string\":[],"
	    "\"policy-string\":[]}"), DGRAM_ERR_SCHEMA, 0, "appears twice" },
	{ "RPT-21 mx-host as a plain string (libtlsrpt writes an array)",
	    POL("{\"mx-host\":\"mx.example.com\"}"), DGRAM_ERR_SCHEMA,
	    HDR_LEN + 24, "\"mx-host\" must be an array" },
	{ "RPT-21 mx-host twice", POL("{\"mx-host\":[],\"mx-host\":[]}"),
	    DGRAM_ERR_SCHEMA, 0, "appears twice" },
	{ "RPT-11 failure-details as an object",
	    POL("{\"failure-details\":{\"c\":201}}"), DGRAM_ERR_SCHEMA,
	    HDR_LEN + 32, "\"failure-details\" must be an array" },
	{ "RPT-11 failure-details twice", POL("{\"failure-details\":[],"
	    "\"failure-details\":[]}"), DGRAM_ERR_SCHEMA, 0, "appears twice" },

	/* Failure details (RPT-11, RPT-12). */
	{ "RPT-11 a failure entry as a string", FD("\"201\""),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 49,
	    "policies[0].failure-details[0]: a failure-details entry must be "
	    "an object" },
	{ "RPT-11 failure entry without \"c\"", FD("{\"n\": \"mx\"}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 49,
	    "policies[0].failure-details[0]: no \"c\" (result code)" },
	{ "RPT-12 result code 200 is unknown", FD("{\"c\":200}"),
	    DGRAM_ERR_CODE, HDR_LEN + 54, "unknown result code 200" },
	{ "RPT-12 result code 206 is unknown", FD("{\"c\":206}"),
	    DGRAM_ERR_CODE, HDR_LEN + 54, NULL },
	{ "RPT-12 result code 300 is unknown", FD("{\"c\":300}"),
	    DGRAM_ERR_CODE, HDR_LEN + 54, NULL },
	{ "RPT-12 result code 307 is unknown", FD("{\"c\":307}"),
	    DGRAM_ERR_CODE, HDR_LEN + 54, NULL },
	{ "RPT-12 result code 901 (library-internal) is refused",
	    FD("{\"c\":901}"), DGRAM_ERR_CODE, HDR_LEN + 54, NULL },
	{ "RPT-12 result code 0 is unknown", FD("{\"c\":0}"), DGRAM_ERR_CODE,
	    HDR_LEN + 54, NULL },
	{ "RPT-12 result code -201 is unknown", FD("{\"c\":-201}"),
	    DGRAM_ERR_CODE, HDR_LEN + 54, "unknown result code -201" },
	{ "RPT-12 result code as a string", FD("{\"c\":\"202\"}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 54,
	    "\"c\" (result code) must be a number" },
	{ "RPT-12 result code as a float", FD("{\"c\":202.0}"),
	    DGRAM_ERR_SCHEMA, HDR_LEN + 54, "must be an integer" },
	{ "RPT-12 \"c\" twice", FD("{\"c\":202,\"c\":202}"), DGRAM_ERR_SCHEMA,
	    0, "\"c\" appears twice" },
	{ "RPT-11 \"s\" as a number", FD("{\"c\":201,\"s\":1}"),
	    DGRAM_ERR_SCHEMA, 0, "\"s\" (sending-mta-ip) must be a string" },
	{ "RPT-11 \"h\" as an array", FD("{\"c\":201,\"h\":[\"x\"]}"),
	    DGRAM_ERR_SCHEMA, 0, "\"h\" (receiving-mx-helo) must be a string" },
	{ "RPT-11 \"a\" as null", FD("{\"c\":201,\"a\":null}"),
	    DGRAM_ERR_SCHEMA, 0, "\"a\" (additional-information)" },
	{ "RPT-11 \"n\" twice", FD("{\"c\":201,\"n\":\"a\",\"n\":\"a\"}"),
	    DGRAM_ERR_SCHEMA, 0, "\"n\" appears twice" },
	{ "RPT-11 \"f\" holding \\u0000",
	    FD("{\"c\":205,\"f\":\"self\\u0000signed\"}"), DGRAM_ERR_SCHEMA, 0,
	    "\"f\" (failure-reason-code) contains a NUL character" },
	{ "RPT-11 failure in the second policy is located",
	    POL(NPF ",{\"policy-type\":9,\"failure-details\":[{},{\"c\":1}],"
	    "\"t\":2,\"f\":1}"), DGRAM_ERR_SCHEMA, 0,
	    "policies[1].failure-details[0]: no \"c\"" },

	/* Bytes inside strings: the EHLO reply comes from the remote MX. */
	{ "raw NUL in \"h\"", FD("{\"c\":201,\"h\":\"250\0x\"}"),
	    DGRAM_ERR_JSON, HDR_LEN + 66, "control character 0x00" },
	{ "raw CR LF in \"h\" (libtlsrpt escapes them)",
	    FD("{\"c\":201,\"h\":\"250-a\r\n250 b\"}"), DGRAM_ERR_JSON,
	    HDR_LEN + 68, "control character 0x0d" },
	{ "RFC 3629 lone continuation byte in \"h\"",
	    FD("{\"c\":201,\"h\":\"\x80\"}"), DGRAM_ERR_JSON, HDR_LEN + 63,
	    "invalid UTF-8 (byte 0x80)" },
	{ "RFC 3629 Latin-1 byte in \"h\" (libtlsrpt sends it raw)",
	    FD("{\"c\":201,\"h\":\"M\xfcller\"}"), DGRAM_ERR_JSON,
	    HDR_LEN + 64, "byte 0xfc" },
	{ "RFC 3629 overlong '/' C0 AF in \"n\"",
	    FD("{\"c\":201,\"n\":\"\xc0\xaf\"}"), DGRAM_ERR_JSON, HDR_LEN + 63,
	    NULL },
	{ "RFC 3629 overlong E0 80 AF in \"n\"",
	    FD("{\"c\":201,\"n\":\"\xe0\x80\xaf\"}"), DGRAM_ERR_JSON,
	    HDR_LEN + 63, NULL },
	{ "RFC 3629 surrogate ED A0 80 in \"a\"",
	    FD("{\"c\":201,\"a\":\"\xed\xa0\x80\"}"), DGRAM_ERR_JSON,
	    HDR_LEN + 63, NULL },
	{ "RFC 3629 beyond U+10FFFF in \"f\"",
	    FD("{\"c\":201,\"f\":\"\xf4\x90\x80\x80\"}"), DGRAM_ERR_JSON,
	    HDR_LEN + 63, NULL },
	{ "RFC 3629 byte FF in \"d\"", S("{\"d\": \"\xff\"}"), DGRAM_ERR_JSON,
	    8, "byte 0xff" },
	{ "RFC 3629 cut sequence in \"pr\"", S("{\"pr\": \"\xe6\x97\"}"),
	    DGRAM_ERR_JSON, 9, NULL },
	{ "invalid UTF-8 in a key", S("{\"\xc3\":1}"), DGRAM_ERR_JSON, 3,
	    NULL },
	{ "bad escape \\x41 in \"n\"", FD("{\"c\":201,\"n\":\"\\x41\"}"),
	    DGRAM_ERR_JSON, HDR_LEN + 63, "invalid escape" },
	{ "lone high surrogate in \"n\"", FD("{\"c\":201,\"n\":\"\\uD800\"}"),
	    DGRAM_ERR_JSON, HDR_LEN + 63, "high surrogate" },
	{ "lone low surrogate in \"n\"", FD("{\"c\":201,\"n\":\"\\uDC00\"}"),
	    DGRAM_ERR_JSON, HDR_LEN + 63, "low surrogate" },
	{ "short \\u escape in \"s\"", FD("{\"c\":201,\"s\":\"\\u12\"}"),
	    DGRAM_ERR_JSON, HDR_LEN + 63, "4 hex digits" },
};

static void
test_invalid(void **state)
{
	const struct invalid_row	*row = *state;
	struct parse_err		 err;

	memset(&sess, 'X', sizeof(sess));
	memset(&err, 'X', sizeof(err));
	db.used = 77;
	db.dpv = 77;
	assert_int_equal(dgram_parse(row->in, row->len, &db, &sess, &err),
	    -1);
	if ((int)row->code != err.code || (row->col != 0 &&
	    row->col != err.col) || (row->msg != NULL &&
	    strstr(err.msg, row->msg) == NULL))
		print_error("code %d (%s) col %u: %s\n", err.code,
		    dgram_err_str((enum dgram_err)err.code), err.col, err.msg);
	assert_int_equal(err.code, row->code);
	assert_int_equal(err.line, 0);
	if (row->col != 0)
		assert_int_equal(err.col, row->col);
	assert_true(err.col <= row->len + 1);
	assert_true(err.msg[0] != '\0');
	assert_true(msg_is_safe(err.msg));
	if (row->msg != NULL && strstr(err.msg, row->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, row->msg);
	/* Nothing half-parsed is left behind. */
	assert_null(sess.domain);
	assert_null(sess.record);
	assert_int_equal(sess.npolicies, 0);
	assert_null(sess.policies[0].strings[0]);
	assert_int_equal(db.used, 0);
	assert_int_equal(db.dpv, 0);
}

struct err_str_row {
	const char	*label;
	enum dgram_err	 e;
	const char	*want;
};

static const struct err_str_row err_str_rows[] = {
	{ "err_str none", DGRAM_ERR_NONE, "none" },
	{ "err_str too-large", DGRAM_ERR_TOO_LARGE, "too-large" },
	{ "err_str json", DGRAM_ERR_JSON, "json" },
	{ "err_str schema", DGRAM_ERR_SCHEMA, "schema" },
	{ "err_str version", DGRAM_ERR_VERSION, "version" },
	{ "err_str code", DGRAM_ERR_CODE, "code" },
	{ "err_str limit", DGRAM_ERR_LIMIT, "limit" },
	{ "err_str out of range", (enum dgram_err)DGRAM_ERR_COUNT, "unknown" },
};

static void
test_err_str(void **state)
{
	const struct err_str_row	*row = *state;

	assert_string_equal(dgram_err_str(row->e), row->want);
}

/*
 * A datagram cut short (a truncated recv, a dying writer) is refused at
 * every length, as JSON damage, and leaves nothing behind.
 */
static void
test_prefixes(void **state)
{
	static char		buf[DGRAM_MAX + 2];
	struct parse_err	err;
	size_t			i, len, n, total = 0;

	for (i = 0; i < sizeof(fixture_rows) / sizeof(fixture_rows[0]); i++) {
		len = read_fixture(fixture_rows[i].file, buf, sizeof(buf));
		for (n = 0; n < len; n++) {
			if (dgram_parse(buf, n, &db, &sess, &err) != -1)
				fail_msg("%s: prefix of %zu bytes accepted",
				    fixture_rows[i].file, n);
			if (err.code != DGRAM_ERR_JSON)
				fail_msg("%s: prefix of %zu bytes: code %d: "
				    "%s", fixture_rows[i].file, n, err.code,
				    err.msg);
			assert_true(msg_is_safe(err.msg));
			assert_int_equal(sess.npolicies, 0);
			assert_null(sess.domain);
			total++;
		}
		assert_int_equal(dgram_parse(buf, len, &db, &sess, &err), 0);
	}
	assert_true(total > 5000);
}

/* Building datagrams for the limit tests. */

static void
app(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(built + blen, sizeof(built) - blen, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(built) - blen);
	blen += (size_t)n;
}

/* n copies of s, without a separator. */
static void
app_rep(const char *s, size_t n)
{
	while (n-- > 0)
		app("%s", s);
}

static int
parse_built(struct parse_err *err)
{
	return dgram_parse(built, blen, &db, &sess, err);
}

/* RPT_POLICIES_MAX policies parse; one more is a limit error. */
static void
test_max_policies(void **state)
{
	struct parse_err	err;
	size_t			n, i;

	for (n = RPT_POLICIES_MAX; n <= RPT_POLICIES_MAX + 1; n++) {
		blen = 0;
		app(HEAD "\"policies\":[");
		for (i = 0; i < n; i++)
			app("%s{\"policy-type\":2,\"policy-domain\": "
			    "\"d%zu.example\",\"t\":0,\"f\":0}", i ? "," : "",
			    i);
		app("]}");
		if (n == RPT_POLICIES_MAX) {
			assert_int_equal(parse_built(&err), 0);
			assert_int_equal(sess.npolicies, RPT_POLICIES_MAX);
			assert_string_equal(sess.policies[n - 1].domain,
			    "d7.example");
		} else {
			assert_int_equal(parse_built(&err), -1);
			assert_int_equal(err.code, DGRAM_ERR_LIMIT);
			assert_non_null(strstr(err.msg, "more than 8 entries "
			    "in \"policies\""));
		}
	}
}

/* RPT_STRINGS_MAX policy strings parse; one more is a limit error. */
static void
test_max_strings(void **state)
{
	struct parse_err	err;
	size_t			n, i;

	for (n = RPT_STRINGS_MAX; n <= RPT_STRINGS_MAX + 1; n++) {
		blen = 0;
		app(HEAD POLICIES("{\"policy-type\":2,\"policy-string\":["));
		blen -= 1;	/* reopen the array: drop POLICIES()' ']' */
		for (i = 0; i < n; i++)
			app("%s\"mx: mx%zu.example.com\"", i ? "," : "", i);
		app("],\"t\":0,\"f\":0}]}");
		if (n == RPT_STRINGS_MAX) {
			assert_int_equal(parse_built(&err), 0);
			assert_int_equal(sess.policies[0].nstrings, n);
			assert_string_equal(sess.policies[0].strings[n - 1],
			    "mx: mx63.example.com");
		} else {
			assert_int_equal(parse_built(&err), -1);
			assert_int_equal(err.code, DGRAM_ERR_LIMIT);
			assert_non_null(strstr(err.msg, "policies[0]: more "
			    "than 64 entries in \"policy-string\""));
		}
	}
}

/* RPT_MX_MAX mx-host patterns parse; one more is a limit error. */
static void
test_max_mx(void **state)
{
	struct parse_err	err;
	size_t			n, i;

	for (n = RPT_MX_MAX; n <= RPT_MX_MAX + 1; n++) {
		blen = 0;
		app(HEAD "\"policies\":[{\"policy-type\":2,\"mx-host\":[");
		for (i = 0; i < n; i++)
			app("%s\"*.mx%zu.example.com\"", i ? "," : "", i);
		app("],\"t\":0,\"f\":0}]}");
		if (n == RPT_MX_MAX) {
			assert_int_equal(parse_built(&err), 0);
			assert_int_equal(sess.policies[0].nmx, n);
			assert_string_equal(sess.policies[0].mx[n - 1],
			    "*.mx31.example.com");
		} else {
			assert_int_equal(parse_built(&err), -1);
			assert_int_equal(err.code, DGRAM_ERR_LIMIT);
			assert_non_null(strstr(err.msg, "\"mx-host\""));
		}
	}
}

/* RPT_FAILURES_MAX failure entries parse; one more is a limit error. */
static void
test_max_failures(void **state)
{
	struct parse_err	err;
	size_t			n, i;

	for (n = RPT_FAILURES_MAX; n <= RPT_FAILURES_MAX + 1; n++) {
		blen = 0;
		app(HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[");
		for (i = 0; i < n; i++)
			app("%s{\"c\":%d,\"n\": \"mx%zu.example\"}",
			    i ? "," : "", i % 2 ? 202 : 305, i);
		app("],\"t\":%zu,\"f\":1}]}", n);
		if (n == RPT_FAILURES_MAX) {
			assert_int_equal(parse_built(&err), 0);
			assert_int_equal(sess.policies[0].nfailures, n);
			assert_int_equal(sess.policies[0].failures[n - 1].result,
			    RPT_RESULT_CERT_HOST_MISMATCH);
			assert_string_equal(sess.policies[0].failures[n - 1].
			    receiving_mx_hostname, "mx31.example");
		} else {
			assert_int_equal(parse_built(&err), -1);
			assert_int_equal(err.code, DGRAM_ERR_LIMIT);
			assert_non_null(strstr(err.msg, "more than 32 entries "
			    "in \"failure-details\""));
		}
	}
}

/*
 * Every string member: RPT_STRING_MAX bytes (RPT_RECORD_MAX for "pr")
 * parse and come back whole; one byte more is a limit error, never a
 * truncation.
 */
static void
test_string_limits(void **state)
{
	static const struct {
		const char	*name;
		const char	*pre;	/* up to the opening quote */
		const char	*post;	/* after the closing quote */
		size_t		 max;
	} members[] = {
		{ "\"d\"", "{\"d\": \"", "\",\"pr\": \"x\"," POLICIES(NPF) "}",
		    RPT_STRING_MAX },
		{ "\"pr\"", "{\"d\": \"x\",\"pr\": \"", "\"," POLICIES(NPF) "}",
		    RPT_RECORD_MAX },
		{ "\"policy-domain\"", HEAD "\"policies\":[{\"policy-type\":2,"
		    "\"policy-domain\": \"", "\",\"t\":0,\"f\":0}]}",
		    RPT_STRING_MAX },
		{ "\"policy-string\"", HEAD "\"policies\":[{\"policy-type\":2,"
		    "\"policy-string\":[\"", "\"],\"t\":0,\"f\":0}]}",
		    RPT_STRING_MAX },
		{ "\"mx-host\"", HEAD "\"policies\":[{\"policy-type\":2,"
		    "\"mx-host\":[\"a\",\"", "\"],\"t\":0,\"f\":0}]}",
		    RPT_STRING_MAX },
		{ "\"s\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"s\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
		{ "\"n\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"n\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
		{ "\"h\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"h\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
		{ "\"r\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"r\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
		{ "\"a\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"a\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
		{ "\"f\"", HEAD "\"policies\":[{\"policy-type\":9,"
		    "\"failure-details\":[{\"c\":201,\"f\": \"",
		    "\"}],\"t\":1,\"f\":1}]}", RPT_STRING_MAX },
	};
	struct parse_err	 err;
	const struct rpt_policy	*p;
	const char		*got;
	size_t			 i, n;
	char			 want[64];

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		for (n = members[i].max; n <= members[i].max + 1; n++) {
			blen = 0;
			app("%s", members[i].pre);
			app_rep("a", n);
			app("%s", members[i].post);
			if (n > members[i].max) {
				assert_int_equal(parse_built(&err), -1);
				assert_int_equal(err.code, DGRAM_ERR_LIMIT);
				(void)snprintf(want, sizeof(want), "longer than "
				    "%zu bytes", members[i].max);
				if (strstr(err.msg, members[i].name) == NULL ||
				    strstr(err.msg, want) == NULL)
					fail_msg("%s: %s", members[i].name,
					    err.msg);
				assert_int_equal(err.col,
				    strlen(members[i].pre));
				continue;
			}
			if (parse_built(&err) == -1)
				fail_msg("%s: %s", members[i].name, err.msg);
			p = &sess.policies[0];
			switch (i) {
			case 0:
				got = sess.domain;
				break;
			case 1:
				got = sess.record;
				break;
			case 2:
				got = p->domain;
				break;
			case 3:
				got = p->strings[0];
				break;
			case 4:
				got = p->mx[1];
				break;
			case 5:
				got = p->failures[0].sending_mta_ip;
				break;
			case 6:
				got = p->failures[0].receiving_mx_hostname;
				break;
			case 7:
				got = p->failures[0].receiving_mx_helo;
				break;
			case 8:
				got = p->failures[0].receiving_ip;
				break;
			case 9:
				got = p->failures[0].additional_information;
				break;
			default:
				got = p->failures[0].failure_reason_code;
				break;
			}
			assert_non_null(got);
			assert_int_equal(strlen(got), n);
			assert_int_equal(strspn(got, "a"), n);
		}
	}
}

/* Limits count decoded bytes: six-byte escapes of one byte each. */
static void
test_decoded_length(void **state)
{
	struct parse_err	err;

	/* 512 x U+00E9 = 1024 bytes decoded, 3072 written. */
	blen = 0;
	app(HEAD "\"policies\":[{\"policy-type\":2,\"policy-string\":[\"");
	app_rep("\\u00e9", RPT_STRING_MAX / 2);
	app("\"],\"t\":0,\"f\":0}]}");
	assert_int_equal(parse_built(&err), 0);
	assert_int_equal(strlen(sess.policies[0].strings[0]), RPT_STRING_MAX);
	assert_memory_equal(sess.policies[0].strings[0], "\xc3\xa9\xc3\xa9", 4);

	/* 1023 x \u0041 + one 2-byte character: 1025 bytes. */
	blen = 0;
	app(HEAD "\"policies\":[{\"policy-type\":2,\"policy-string\":[\"");
	app_rep("\\u0041", RPT_STRING_MAX - 1);
	app("\xc3\xa9\"],\"t\":0,\"f\":0}]}");
	assert_int_equal(parse_built(&err), -1);
	assert_int_equal(err.code, DGRAM_ERR_LIMIT);
}

/* DGRAM_MAX bytes parse; DGRAM_MAX + 1 are refused before any parsing. */
static void
test_dgram_max(void **state)
{
	struct parse_err	err;

	blen = 0;
	app(HEAD POLICIES(NPF) "}");
	/* JSON allows trailing whitespace: pad to the limit. */
	memset(built + blen, ' ', DGRAM_MAX - blen);
	blen = DGRAM_MAX;
	assert_int_equal(parse_built(&err), 0);
	assert_string_equal(sess.domain, "example.com");

	built[blen++] = ' ';
	assert_int_equal(parse_built(&err), -1);
	assert_int_equal(err.code, DGRAM_ERR_TOO_LARGE);
	assert_int_equal(err.col, 0);
	assert_non_null(strstr(err.msg, "datagram of 65001 bytes is longer "
	    "than 65000"));
	assert_int_equal(sess.npolicies, 0);

	/* Garbage that large is refused by its size alone. */
	memset(built, 0xff, 2 * DGRAM_MAX < sizeof(built) ? 2 * DGRAM_MAX :
	    sizeof(built));
	assert_int_equal(dgram_parse(built, sizeof(built), &db, &sess, &err),
	    -1);
	assert_int_equal(err.code, DGRAM_ERR_TOO_LARGE);
}

/*
 * The datagram of test_full_arena(): RPT_POLICIES_MAX policies of
 * RPT_STRINGS_MAX policy strings "PPP-SSS-" followed by pad 'x', and
 * extra more in the very last string.
 */
static void
build_arena(size_t pad, size_t extra)
{
	size_t	i, j, n;

	blen = 0;
	app(HEAD "\"policies\":[");
	for (i = 0; i < RPT_POLICIES_MAX; i++) {
		app("%s{\"policy-type\":2,\"policy-string\":[", i ? "," : "");
		for (j = 0; j < RPT_STRINGS_MAX; j++) {
			app("%s\"%03zu-%03zu-", j ? "," : "", i, j);
			n = pad;
			if (i == RPT_POLICIES_MAX - 1 && j == RPT_STRINGS_MAX - 1)
				n += extra;
			assert_true(blen + n < sizeof(built));
			memset(built + blen, 'x', n);
			blen += n;
			app("\"");
		}
		app("],\"t\":0,\"f\":0}");
	}
	app("]}");
}

/*
 * A datagram of exactly DGRAM_MAX bytes that is nearly all strings: the
 * arena holds them all (a decoded string with its NUL is never longer
 * than its JSON form).  The padding is worked out from the limits, so the
 * datagram stays DGRAM_MAX bytes whatever they are.
 */
static void
test_full_arena(void **state)
{
	struct parse_err	 err;
	const struct rpt_policy	*p;
	size_t			 i, j, len, bare, pad, extra, nstr, want;
	char			 s[64];

	nstr = RPT_POLICIES_MAX * RPT_STRINGS_MAX;
	build_arena(0, 0);
	bare = blen;
	assert_true(bare < DGRAM_MAX);
	pad = (DGRAM_MAX - bare) / nstr;
	extra = (DGRAM_MAX - bare) % nstr;
	assert_true(8 + pad + extra <= RPT_STRING_MAX);
	build_arena(pad, extra);
	assert_int_equal(blen, DGRAM_MAX);
	assert_int_equal(parse_built(&err), 0);
	/* Nearly every byte sent is string content that lands in the arena. */
	assert_true(db.used <= blen);
	assert_true(db.used > DGRAM_MAX - 4000);
	for (i = 0; i < RPT_POLICIES_MAX; i++) {
		p = &sess.policies[i];
		assert_int_equal(p->nstrings, RPT_STRINGS_MAX);
		for (j = 0; j < RPT_STRINGS_MAX; j++) {
			len = (size_t)snprintf(s, sizeof(s), "%03zu-%03zu-", i,
			    j);
			assert_memory_equal(p->strings[j], s, len);
			want = 8 + pad;
			if (i == RPT_POLICIES_MAX - 1 && j == RPT_STRINGS_MAX - 1)
				want += extra;
			assert_int_equal(strlen(p->strings[j]), want);
			assert_int_equal(strspn(p->strings[j] + 8, "x"),
			    want - 8);
		}
	}
}

/*
 * The same dgram_buf serves one datagram after another; a failure
 * clears the session and the buffer state.
 */
static void
test_cleared(void **state)
{
	static char		buf[DGRAM_MAX + 2];
	struct parse_err	err;
	size_t			len;

	len = read_fixture("two-policies.json", buf, sizeof(buf));
	assert_int_equal(dgram_parse(buf, len, &db, &sess, &err), 0);
	assert_int_equal(sess.npolicies, 2);
	len = read_fixture("with-dpv-failure.json", buf, sizeof(buf));
	assert_int_equal(dgram_parse(buf, len, &db, &sess, &err), 0);
	assert_int_equal(sess.npolicies, 1);
	assert_int_equal(db.dpv, 1);
	assert_string_equal(sess.domain, "example.net");
	assert_null(sess.policies[1].domain);
	assert_int_equal(sess.policies[1].nstrings, 0);
	assert_int_equal(sess.policies[0].failures[0].result,
	    RPT_RESULT_STARTTLS_NOT_SUPPORTED);

	/* A refusal late in the datagram leaves nothing half-filled. */
	buf[len - 3] = '2';	/* "f":1 -> "f":2 */
	assert_int_equal(dgram_parse(buf, len, &db, &sess, &err), -1);
	assert_int_equal(err.code, DGRAM_ERR_CODE);
	assert_null(sess.domain);
	assert_int_equal(sess.npolicies, 0);
	assert_int_equal(sess.policies[0].nfailures, 0);
	assert_null(sess.policies[0].failures[0].receiving_mx_hostname);
	assert_int_equal(db.dpv, 0);
	assert_int_equal(db.used, 0);
}

/* NULL input is an empty datagram; err may be NULL. */
static void
test_null_args(void **state)
{
	struct parse_err	err;

	assert_int_equal(dgram_parse(NULL, 10, &db, &sess, &err), -1);
	assert_int_equal(err.code, DGRAM_ERR_JSON);
	assert_int_equal(dgram_parse(S(HEAD POLICIES(NPF) "}"), &db, &sess,
	    NULL), 0);
	assert_int_equal(dgram_parse(S("{"), &db, &sess, NULL), -1);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, fixture_rows, test_fixture);
	TABLE_ADD(&tt, valid_rows, test_valid);
	TABLE_ADD(&tt, invalid_rows, test_invalid);
	TABLE_ADD(&tt, err_str_rows, test_err_str);
	table_add_fn(&tt, "RPT-16 every prefix of every fixture is refused",
	    test_prefixes);
	table_add_fn(&tt, "RPT-7 RPT_POLICIES_MAX and one more",
	    test_max_policies);
	table_add_fn(&tt, "RPT-8 RPT_STRINGS_MAX and one more",
	    test_max_strings);
	table_add_fn(&tt, "RPT-21 RPT_MX_MAX and one more", test_max_mx);
	table_add_fn(&tt, "RPT-11 RPT_FAILURES_MAX and one more",
	    test_max_failures);
	table_add_fn(&tt, "RPT_STRING_MAX/RPT_RECORD_MAX for every string, "
	    "and one more", test_string_limits);
	table_add_fn(&tt, "limits count decoded bytes", test_decoded_length);
	table_add_fn(&tt, "DGRAM_MAX and one more", test_dgram_max);
	table_add_fn(&tt, "a DGRAM_MAX datagram of strings fits the arena",
	    test_full_arena);
	table_add_fn(&tt, "dgram_buf reuse; failures clear everything",
	    test_cleared);
	table_add_fn(&tt, "NULL arguments", test_null_args);
	return table_run("dgram", &tt);
}
