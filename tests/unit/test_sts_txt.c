/*
 * test_sts_txt.c: the `_mta-sts` TXT record (sts_txt_is_sts, sts_txt_parse,
 * sts_txt_select, sts_txt_status_str).
 *
 * One cmocka test per table row; labels cite conformance.md (STS-REC-*,
 * DEC-2/3, EDGE-32/33/42).  Links only sts.c and its pure helpers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"

#include "sts.h"

/* A string literal and its exact length (embedded NULs included). */
#define S(x)	(x), (sizeof(x) - 1)

static int	msg_is_safe(const char *);
static void	test_is_sts(void **);
static void	test_parse(void **);
static void	test_select(void **);
static void	test_status_str(void **);
static void	test_txt_max(void **);
static void	test_many_rrs(void **);
static void	test_err_reset(void **);
static void	test_null_args(void **);

/*
 * Error messages reach logs and reports: printable ASCII only, apart from
 * the UTF-8 section sign of "RFC 8461 §3.1".
 */
static int
msg_is_safe(const char *m)
{
	const unsigned char	*u = (const unsigned char *)m;

	for (; *u != '\0'; u++) {
		if (u[0] == 0xc2 && u[1] == 0xa7) {
			u++;
			continue;
		}
		if (*u < 0x20 || *u >= 0x7f)
			return 0;
	}
	return 1;
}

/* sts_txt_is_sts */

struct is_sts_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	int		 want;
};

static const struct is_sts_row is_sts_rows[] = {
	{ "STS-REC-3 v=STSv1; is a candidate", S("v=STSv1; id=1"), 1 },
	{ "STS-REC-3 v=STSv1 alone is a candidate", S("v=STSv1"), 1 },
	{ "STS-REC-3 v=STSv1; with nothing after is a candidate",
	    S("v=STSv1;"), 1 },
	{ "DEC-3 space before the first ';' is a candidate",
	    S("v=STSv1 ; id=1"), 1 },
	{ "DEC-3 tab before the first ';' is a candidate",
	    S("v=STSv1\t;id=1"), 1 },
	{ "DEC-3 space then a field (no ';') is still a candidate",
	    S("v=STSv1 id=1"), 1 },
	{ "STS-REC-3 v=STSv10 is not a candidate", S("v=STSv10; id=1"), 0 },
	{ "STS-REC-3 v=STSv1x is not a candidate", S("v=STSv1x"), 0 },
	{ "STS-REC-3 v=STSv1, (comma) is not a candidate",
	    S("v=STSv1,id=1"), 0 },
	{ "STS-REC-6 EDGE-6 V=STSv1 is not a candidate (case-sensitive)",
	    S("V=STSv1; id=1"), 0 },
	{ "STS-REC-6 EDGE-6 v=stsv1 is not a candidate (case-sensitive)",
	    S("v=stsv1; id=1"), 0 },
	{ "STS-REC-3 leading space is not a candidate",
	    S(" v=STSv1; id=1"), 0 },
	{ "STS-REC-3 SPF record is not a candidate", S("v=spf1 -all"), 0 },
	{ "STS-REC-3 verification token is not a candidate",
	    S("google-site-verification=abc123"), 0 },
	{ "STS-REC-3 empty RR is not a candidate", S(""), 0 },
	{ "STS-REC-3 truncated tag v=STS is not a candidate", S("v=STS"), 0 },
	{ "STS-REC-3 v=STSv1 then NUL is not a candidate",
	    S("v=STSv1\0; id=1"), 0 },
};

static void
test_is_sts(void **state)
{
	const struct is_sts_row	*r = *state;

	assert_int_equal(sts_txt_is_sts(r->in, r->len), r->want);
}

/* sts_txt_parse */

struct parse_row {
	const char		*label;
	const char		*in;
	size_t			 len;
	enum sts_txt_status	 want;
	const char		*id;	/* STS_TXT_OK */
	unsigned		 col;	/* STS_TXT_INVALID */
	const char		*msg;	/* substring of err.msg */
};

static const struct parse_row parse_rows[] = {
	/* Valid records. */
	{ "STS-REC-6/7 RFC example record", S("v=STSv1; id=20160831085700Z;"),
	    STS_TXT_OK, "20160831085700Z", 0, NULL },
	{ "STS-REC-6 no spaces around ';'", S("v=STSv1;id=abc"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-6 no trailing ';'", S("v=STSv1; id=abc"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-6 trailing DELIM with WSP on both sides",
	    S("v=STSv1; id=abc ; \t"), STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-6 several WSP in a DELIM", S("v=STSv1;   \t id=abc"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "DEC-3 space before the first ';' is accepted",
	    S("v=STSv1 ; id=abc"), STS_TXT_OK, "abc", 0, NULL },
	{ "DEC-3 tabs around the first ';' are accepted",
	    S("v=STSv1\t;\tid=abc"), STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-7 one-character id", S("v=STSv1; id=0"),
	    STS_TXT_OK, "0", 0, NULL },
	{ "STS-REC-7 32-character id",
	    S("v=STSv1; id=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), STS_TXT_OK,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 0, NULL },
	{ "STS-REC-11 id keeps its case", S("v=STSv1; id=AbC"),
	    STS_TXT_OK, "AbC", 0, NULL },
	{ "DEC-2 STS-REC-15 first id wins", S("v=STSv1; id=first; id=second"),
	    STS_TXT_OK, "first", 0, NULL },
	{ "STS-REC-6 id after an extension", S("v=STSv1; ext=value; id=abc"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-8/9 unknown extension with every value class ignored",
	    S("v=STSv1; id=abc; foo_bar-1.x=a:b/c<d>e~!\"#$%&'()*+,-./09?@"
	    "[]^`{|}"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-8 32-character extension name",
	    S("v=STSv1; id=abc; a234567890123456789012345678901b=1"),
	    STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-8 extension name starting with a digit",
	    S("v=STSv1; 9ext=1; id=abc"), STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-6 ID=... is an extension, not the id",
	    S("v=STSv1; ID=xyz; id=abc"), STS_TXT_OK, "abc", 0, NULL },
	{ "STS-REC-9 repeated v=STSv1 later is an ignored extension",
	    S("v=STSv1; v=STSv1; id=abc"), STS_TXT_OK, "abc", 0, NULL },
	{ "EDGE-32 STS-REC-2 character-strings joined without separator",
	    S("v=STSv1; id=2019" "0429T010101"), STS_TXT_OK,
	    "20190429T010101", 0, NULL },

	/* Version tag. */
	{ "STS-REC-6 EDGE-6 V=STSv1 is invalid", S("V=STSv1; id=abc"),
	    STS_TXT_INVALID, NULL, 1, "does not start with \"v=STSv1\"" },
	{ "STS-REC-6 v=STSv2 is invalid", S("v=STSv2; id=abc"),
	    STS_TXT_INVALID, NULL, 1, "does not start" },
	{ "STS-REC-6 version must be first", S("id=abc; v=STSv1"),
	    STS_TXT_INVALID, NULL, 1, "does not start" },
	{ "STS-REC-6 empty record is invalid", S(""),
	    STS_TXT_INVALID, NULL, 1, "does not start" },
	{ "STS-REC-6 v=STSv1x is invalid", S("v=STSv1x; id=abc"),
	    STS_TXT_INVALID, NULL, 8, "expected ';' at column 8, found 'x'" },

	/* id required. */
	{ "STS-REC-7 bare v=STSv1 has no id", S("v=STSv1"),
	    STS_TXT_INVALID, NULL, 0, "no id field" },
	{ "STS-REC-7 v=STSv1; has no id", S("v=STSv1;"),
	    STS_TXT_INVALID, NULL, 0, "no id field" },
	{ "STS-REC-7 only an extension: no id", S("v=STSv1; ext=1"),
	    STS_TXT_INVALID, NULL, 0, "no id field" },
	{ "STS-REC-6 ID= (upper case) is not id: no id",
	    S("v=STSv1; ID=abc"), STS_TXT_INVALID, NULL, 0, "no id field" },

	/* id syntax. */
	{ "STS-REC-7 id with hyphen is invalid", S("v=STSv1; id=2024-01-01"),
	    STS_TXT_INVALID, NULL, 17,
	    "id contains '-' at column 17; only letters and digits are "
	    "allowed (RFC 8461 \xc2\xa7" "3.1)" },
	{ "STS-REC-7 id with colon is invalid",
	    S("v=STSv1; id=20240101T00:00Z"), STS_TXT_INVALID, NULL, 24,
	    "id contains ':' at column 24" },
	{ "STS-REC-7 id with underscore is invalid", S("v=STSv1; id=abc_def"),
	    STS_TXT_INVALID, NULL, 16, "id contains '_'" },
	{ "STS-REC-7 id with dot is invalid", S("v=STSv1; id=abc.def"),
	    STS_TXT_INVALID, NULL, 16, "id contains '.'" },
	{ "STS-REC-7 id with plus is invalid", S("v=STSv1; id=abc+def"),
	    STS_TXT_INVALID, NULL, 16, "id contains '+'" },
	{ "STS-REC-7 id with a quote is invalid", S("v=STSv1; id=abc'def"),
	    STS_TXT_INVALID, NULL, 16, "id contains byte 0x27" },
	{ "STS-REC-7 id with space inside is invalid", S("v=STSv1; id=abc def"),
	    STS_TXT_INVALID, NULL, 17, "expected ';' at column 17, found 'd'" },
	{ "STS-REC-7 33-character id is invalid",
	    S("v=STSv1; id=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"), STS_TXT_INVALID,
	    NULL, 13, "33 characters long; at most 32" },
	{ "STS-REC-7 empty id is invalid", S("v=STSv1; id="),
	    STS_TXT_INVALID, NULL, 13, "id at column 10 is empty" },
	{ "STS-REC-7 empty id before ';' is invalid", S("v=STSv1; id=;"),
	    STS_TXT_INVALID, NULL, 13, "is empty" },
	{ "DEC-2 a malformed second id still invalidates the record",
	    S("v=STSv1; id=abc; id=x-y"), STS_TXT_INVALID, NULL, 22,
	    "id contains '-'" },

	/* '=' and delimiters. */
	{ "STS-REC-6 whitespace before '=' is invalid", S("v=STSv1; id =abc"),
	    STS_TXT_INVALID, NULL, 12, "whitespace before '='" },
	{ "STS-REC-6 whitespace after '=' is invalid", S("v=STSv1; id= abc"),
	    STS_TXT_INVALID, NULL, 13, "whitespace after '='" },
	{ "STS-REC-6 whitespace after '=' of an extension is invalid",
	    S("v=STSv1; id=abc; e= 1"), STS_TXT_INVALID, NULL, 20,
	    "whitespace after '='" },
	{ "STS-REC-6 ':' instead of '=' is invalid", S("v=STSv1; id:abc"),
	    STS_TXT_INVALID, NULL, 12, "expected '=' after field name \"id\"" },
	{ "STS-REC-6 DELIM needs ';' (DEC-3 does not allow WSP only)",
	    S("v=STSv1 id=abc"), STS_TXT_INVALID, NULL, 9,
	    "expected ';' at column 9, found 'i'" },
	{ "STS-REC-6 empty field between ';;' is invalid",
	    S("v=STSv1;; id=abc"), STS_TXT_INVALID, NULL, 9,
	    "expected a field name at column 9, found ';'" },
	{ "STS-REC-6 double trailing ';' is invalid", S("v=STSv1; id=abc;;"),
	    STS_TXT_INVALID, NULL, 17, "found ';'" },
	{ "STS-REC-6 trailing WSP without ';' is invalid",
	    S("v=STSv1; id=abc "), STS_TXT_INVALID, NULL, 16,
	    "must follow a ';'" },
	{ "STS-REC-6 field separator ',' is invalid", S("v=STSv1; id=abc,x=1"),
	    STS_TXT_INVALID, NULL, 16, "id contains ','" },

	/* Extensions. */
	{ "STS-REC-8 empty extension value is invalid",
	    S("v=STSv1; id=abc; ext="),
	    STS_TXT_INVALID, NULL, 22, "field \"ext\" at column 18 has an "
	    "empty value" },
	{ "STS-REC-8 empty extension value before ';' is invalid",
	    S("v=STSv1; ext=; id=abc"), STS_TXT_INVALID, NULL, 14,
	    "empty value" },
	{ "STS-REC-8 space inside an extension value is invalid",
	    S("v=STSv1; id=abc; ext=a b"), STS_TXT_INVALID, NULL, 24,
	    "expected ';' at column 24, found 'b'" },
	{ "STS-REC-8 '=' inside an extension value is invalid",
	    S("v=STSv1; id=abc; ext=a=b"), STS_TXT_INVALID, NULL, 23,
	    "value of field \"ext\" contains '=' at column 23" },
	{ "STS-REC-8 extension name starting with '_' is invalid",
	    S("v=STSv1; id=abc; _ext=1"), STS_TXT_INVALID, NULL, 18,
	    "must start with a letter or digit" },
	{ "STS-REC-8 extension name starting with '-' is invalid",
	    S("v=STSv1; -ext=1; id=abc"), STS_TXT_INVALID, NULL, 10,
	    "\"-ext\" at column 10 must start" },
	{ "STS-REC-8 '@' in an extension name is invalid",
	    S("v=STSv1; id=abc; e@t=1"), STS_TXT_INVALID, NULL, 19,
	    "found '@'" },
	{ "STS-REC-8 33-character extension name is invalid",
	    S("v=STSv1; id=abc; a234567890123456789012345678901bc=1"),
	    STS_TXT_INVALID, NULL, 18, "longer than 32 characters" },
	{ "STS-REC-6 field without '=' is invalid", S("v=STSv1; id=abc; ext"),
	    STS_TXT_INVALID, NULL, 21, "field \"ext\" has no '='" },

	/* US-ASCII only. */
	{ "STS-REC-10 EDGE-33 non-ASCII in id is invalid",
	    S("v=STSv1; id=abc\xc3\xa9"), STS_TXT_INVALID, NULL, 16,
	    "non-ASCII byte 0xc3 at column 16" },
	{ "STS-REC-10 EDGE-33 non-ASCII in an extension is invalid",
	    S("v=STSv1; id=abc; e=\xff"), STS_TXT_INVALID, NULL, 20,
	    "non-ASCII byte 0xff" },
	{ "STS-REC-10 control character is invalid",
	    S("v=STSv1; id=abc\x01"), STS_TXT_INVALID, NULL, 16,
	    "control character 0x01 at column 16" },
	{ "STS-REC-10 embedded NUL is invalid", S("v=STSv1; id=abc\0def"),
	    STS_TXT_INVALID, NULL, 16, "control character 0x00" },
	{ "STS-REC-10 DEL is invalid", S("v=STSv1; id=abc\x7f"),
	    STS_TXT_INVALID, NULL, 16, "control character 0x7f" },
	{ "STS-REC-10 trailing CRLF is invalid", S("v=STSv1; id=abc\r\n"),
	    STS_TXT_INVALID, NULL, 16, "control character 0x0d" },
	{ "STS-REC-10 non-ASCII before a bad tag is reported first",
	    S("V=STSv1\x80"), STS_TXT_INVALID, NULL, 8, "non-ASCII" },
};

static void
test_parse(void **state)
{
	const struct parse_row	*r = *state;
	struct sts_txt		 txt;
	struct parse_err	 err;
	enum sts_txt_status	 st;

	memset(&txt, 'X', sizeof(txt));
	memset(&err, 'X', sizeof(err));
	st = sts_txt_parse(r->in, r->len, &txt, &err);
	if (st != r->want)
		print_error("status %s, msg \"%s\"\n", sts_txt_status_str(st),
		    err.msg);
	assert_int_equal(st, r->want);
	if (r->want == STS_TXT_OK) {
		assert_string_equal(txt.id, r->id);
		assert_int_equal(err.code, 0);
		assert_int_equal(err.line, 0);
		assert_int_equal(err.col, 0);
		assert_string_equal(err.msg, "");
		return;
	}
	assert_string_equal(txt.id, "");
	assert_int_equal(err.code, STS_TXT_INVALID);
	assert_int_equal(err.line, 0);
	if (err.col != r->col)
		print_error("col %u, msg \"%s\"\n", err.col, err.msg);
	assert_int_equal(err.col, r->col);
	assert_true(msg_is_safe(err.msg));
	if (r->msg != NULL && strstr(err.msg, r->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, r->msg);
}

/* sts_txt_select */

#define RRS_ROW_MAX	6

struct select_row {
	const char		*label;
	const char		*rr[RRS_ROW_MAX];
	size_t			 n;
	enum sts_txt_status	 want;
	const char		*id;
	const char		*msg;
};

static const struct select_row select_rows[] = {
	{ "STS-REC-4 one STSv1 RR", { "v=STSv1; id=abc" }, 1, STS_TXT_OK,
	    "abc", NULL },
	{ "STS-REC-3 other TXT RRs are ignored",
	    { "v=spf1 -all", "v=STSv1; id=abc", "token=123" }, 3, STS_TXT_OK,
	    "abc", NULL },
	{ "STS-REC-3 v=STSv10 RR is not counted",
	    { "v=STSv10; id=zzz", "v=STSv1; id=abc" }, 2, STS_TXT_OK,
	    "abc", NULL },
	{ "STS-REC-3 empty RR is ignored", { "", "v=STSv1; id=abc" }, 2,
	    STS_TXT_OK, "abc", NULL },
	{ "DEC-3 candidate with WSP before ';' is selected",
	    { "x", "v=STSv1 ; id=abc" }, 2, STS_TXT_OK, "abc", NULL },
	{ "STS-REC-4 no RRs at all", { NULL }, 0, STS_TXT_NONE, NULL,
	    "none of the 0 TXT records" },
	{ "STS-REC-3/4 only non-STS RRs", { "v=spf1 -all", "hello" }, 2,
	    STS_TXT_NONE, NULL, "none of the 2 TXT records starts with" },
	{ "STS-REC-6 EDGE-6 V=STSv1 does not count", { "V=STSv1; id=abc" },
	    1, STS_TXT_NONE, NULL, "none of the 1" },
	{ "STS-REC-4 EDGE-42 two identical STSv1 RRs",
	    { "v=STSv1; id=abc", "v=STSv1; id=abc" }, 2, STS_TXT_MULTIPLE,
	    NULL, "2 TXT records start with \"v=STSv1\"; exactly one" },
	{ "STS-REC-4 two STSv1 RRs with different ids",
	    { "v=STSv1; id=abc", "junk", "v=STSv1; id=def" }, 3,
	    STS_TXT_MULTIPLE, NULL, "2 TXT records" },
	{ "STS-REC-4 a valid and an invalid STSv1 RR",
	    { "v=STSv1; id=abc", "v=STSv1" }, 2, STS_TXT_MULTIPLE, NULL,
	    "2 TXT records" },
	{ "STS-REC-4 three STSv1 RRs",
	    { "v=STSv1; id=a", "v=STSv1; id=b", "v=STSv1; id=c" }, 3,
	    STS_TXT_MULTIPLE, NULL, "3 TXT records" },
	{ "STS-REC-5 the one STSv1 RR is malformed",
	    { "v=spf1 -all", "v=STSv1; id=a-b" }, 2, STS_TXT_INVALID, NULL,
	    "id contains '-'" },
	{ "STS-REC-5 the one STSv1 RR has no id", { "v=STSv1;" }, 1,
	    STS_TXT_INVALID, NULL, "no id field" },
};

static void
test_select(void **state)
{
	const struct select_row	*r = *state;
	struct sts_rdata	 rrs[RRS_ROW_MAX];
	struct sts_txt		 txt;
	struct parse_err	 err;
	enum sts_txt_status	 st;
	size_t			 i;

	for (i = 0; i < r->n; i++) {
		rrs[i].buf = r->rr[i];
		rrs[i].len = strlen(r->rr[i]);
	}
	memset(&txt, 'X', sizeof(txt));
	memset(&err, 'X', sizeof(err));
	st = sts_txt_select(rrs, r->n, &txt, &err);
	assert_int_equal(st, r->want);
	if (r->want == STS_TXT_OK) {
		assert_string_equal(txt.id, r->id);
		assert_int_equal(err.code, 0);
		assert_string_equal(err.msg, "");
		return;
	}
	assert_string_equal(txt.id, "");
	assert_int_equal(err.code, r->want);
	assert_true(msg_is_safe(err.msg));
	if (strstr(err.msg, r->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, r->msg);
}

/* sts_txt_status_str */

struct str_row {
	const char		*label;
	enum sts_txt_status	 st;
	const char		*want;
};

static const struct str_row str_rows[] = {
	{ "status_str ok", STS_TXT_OK, "ok" },
	{ "status_str none", STS_TXT_NONE, "none" },
	{ "status_str multiple", STS_TXT_MULTIPLE, "multiple" },
	{ "status_str invalid", STS_TXT_INVALID, "invalid" },
};

static void
test_status_str(void **state)
{
	const struct str_row	*r = *state;

	assert_string_equal(sts_txt_status_str(r->st), r->want);
}

/* Plain tests. */

/* STS_TXT_MAX: a record of exactly the limit parses, one more does not. */
static void
test_txt_max(void **state)
{
	static char		 buf[STS_TXT_MAX + 1];
	static const char	 head[] = "v=STSv1; id=abc; x=";
	struct sts_txt		 txt;
	struct parse_err	 err;

	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'a', sizeof(buf) - (sizeof(head) - 1));
	assert_int_equal(sts_txt_parse(buf, STS_TXT_MAX, &txt, &err),
	    STS_TXT_OK);
	assert_string_equal(txt.id, "abc");
	assert_int_equal(sts_txt_parse(buf, STS_TXT_MAX + 1, &txt, &err),
	    STS_TXT_INVALID);
	assert_int_equal(err.code, STS_TXT_INVALID);
	assert_int_equal(err.col, 0);
	assert_non_null(strstr(err.msg, "4097 bytes long"));
	assert_string_equal(txt.id, "");
}

/* STS-REC-4: a second STSv1 record is found behind many other RRs. */
static void
test_many_rrs(void **state)
{
	static struct sts_rdata	 rrs[1000];
	struct sts_txt		 txt;
	struct parse_err	 err;
	size_t			 i;

	for (i = 0; i < 1000; i++) {
		rrs[i].buf = "junk";
		rrs[i].len = 4;
	}
	rrs[500].buf = "v=STSv1; id=late";
	rrs[500].len = strlen(rrs[500].buf);
	assert_int_equal(sts_txt_select(rrs, 1000, &txt, &err), STS_TXT_OK);
	assert_string_equal(txt.id, "late");

	rrs[999] = rrs[500];
	assert_int_equal(sts_txt_select(rrs, 1000, &txt, &err),
	    STS_TXT_MULTIPLE);
	assert_non_null(strstr(err.msg, "2 TXT records"));

	rrs[500].buf = rrs[999].buf = "junk";
	rrs[500].len = rrs[999].len = 4;
	assert_int_equal(sts_txt_select(rrs, 1000, &txt, &err), STS_TXT_NONE);
	assert_non_null(strstr(err.msg, "none of the 1000 TXT records"));
}

/* A successful parse resets an err left over from a failure. */
static void
test_err_reset(void **state)
{
	struct sts_txt		txt;
	struct parse_err	err;

	assert_int_equal(sts_txt_parse(S("v=STSv1; id=a-b"), &txt, &err),
	    STS_TXT_INVALID);
	assert_int_equal(err.col, 14);
	assert_int_equal(sts_txt_parse(S("v=STSv1; id=ab"), &txt, &err),
	    STS_TXT_OK);
	assert_int_equal(err.code, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "");
}

/* NULL out / err / buf are tolerated. */
static void
test_null_args(void **state)
{
	struct sts_txt		txt;
	struct sts_rdata	rr = { NULL, 5 };

	assert_int_equal(sts_txt_parse(S("v=STSv1; id=ab"), NULL, NULL),
	    STS_TXT_OK);
	assert_int_equal(sts_txt_parse(S("v=STSv1; id=a-b"), NULL, NULL),
	    STS_TXT_INVALID);
	assert_int_equal(sts_txt_parse(NULL, 0, &txt, NULL), STS_TXT_INVALID);
	assert_int_equal(sts_txt_is_sts(NULL, 7), 0);
	assert_int_equal(sts_txt_select(NULL, 3, &txt, NULL), STS_TXT_NONE);
	assert_int_equal(sts_txt_select(&rr, 1, &txt, NULL), STS_TXT_NONE);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, is_sts_rows, test_is_sts);
	TABLE_ADD(&tt, parse_rows, test_parse);
	TABLE_ADD(&tt, select_rows, test_select);
	TABLE_ADD(&tt, str_rows, test_status_str);
	table_add_fn(&tt, "STS_TXT_MAX record length limit", test_txt_max);
	table_add_fn(&tt, "STS-REC-4 every RR is screened, however many",
	    test_many_rrs);
	table_add_fn(&tt, "parse_err reset on success", test_err_reset);
	table_add_fn(&tt, "NULL arguments tolerated", test_null_args);
	return table_run("sts_txt", &tt);
}
