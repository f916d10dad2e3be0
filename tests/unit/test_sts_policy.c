/*
 * test_sts_policy.c: the RFC 8461 §3.2 policy file (sts_policy_parse,
 * sts_policy_clear, sts_mode_str).
 *
 * One cmocka test per table row; labels cite conformance.md (STS-POL-*,
 * EDGE-19..29/39..41, DEC-6/7/8/9).  Every row checks the exact return,
 * fields, warnings, and on failure the code, line, column and message.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"

#include "sts.h"

/* A string literal and its exact length (embedded NULs included). */
#define IN(x)		.in = (x), .len = sizeof(x) - 1

#define V_VERSION	"version: STSv1\n"
#define V_MODE		"mode: enforce\n"
#define V_MX		"mx: mail.example.com\n"
#define V_AGE		"max_age: 86400\n"
#define VALID		V_VERSION V_MODE V_MX V_AGE
#define RFC_SECT	"(RFC 8461 \xc2\xa7" "3.2)"

static int	msg_is_safe(const char *);
static void	assert_cleared(const struct sts_policy *);
static void	check_mx(const struct sts_policy *, const char *);
static void	check_lines(const struct sts_policy *, const char *);
static void	test_parse(void **);
static void	test_lines(void **);
static void	test_mode_str(void **);
static void	test_body_max(void **);
static void	test_mx_max(void **);
static void	test_lines_max(void **);
static void	test_many_duplicates(void **);
static void	test_clear(void **);
static void	test_err_reset(void **);

/* Printable ASCII only, apart from the section sign of "§3.2". */
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

static void
assert_cleared(const struct sts_policy *p)
{
	assert_int_equal(p->mode, STS_MODE_UNSET);
	assert_int_equal(p->max_age, 0);
	assert_int_equal(p->warnings, 0);
	assert_int_equal(p->nmx, 0);
	assert_int_equal(p->nlines, 0);
	assert_null(p->lines);
	assert_null(p->mx[0]);
}

/* want: the expected mx[] joined by single spaces; "" for none. */
static void
check_mx(const struct sts_policy *p, const char *want)
{
	char	got[4096];
	size_t	i, o = 0;

	got[0] = '\0';
	for (i = 0; i < p->nmx; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    i ? " " : "", p->mx[i]);
	assert_string_equal(got, want);
}

/* want: the expected lines[] joined by '\n'. */
static void
check_lines(const struct sts_policy *p, const char *want)
{
	char	got[4096];
	size_t	i, o = 0;

	got[0] = '\0';
	for (i = 0; i < p->nlines; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    i ? "\n" : "", p->lines[i]);
	assert_string_equal(got, want);
}

struct pol_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	int		 flags;
	int		 rc;
	/* rc == 0 */
	enum sts_mode	 mode;
	uint32_t	 max_age;
	unsigned	 warnings;
	const char	*mx;
	size_t		 nlines;
	/* rc == -1 */
	int		 code;
	unsigned	 line;
	unsigned	 col;
	const char	*msg;
};

#define OK(m, a, w, x, n) \
	.rc = 0, .mode = (m), .max_age = (a), .warnings = (w), .mx = (x), \
	.nlines = (n)
#define ERR(c, l, k, s) \
	.rc = -1, .code = (c), .line = (l), .col = (k), .msg = (s)

static const struct pol_row pol_rows[] = {
	/* Valid policies. */
	{ "STS-POL-2 minimal enforce policy, LF", IN(VALID),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-2 same policy parses under STS_PARSE_STRICT", IN(VALID),
	    .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-4 EDGE-22 CRLF line ends",
	    IN("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
	    "max_age: 86400\r\n"),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-4 EDGE-22 mixed LF and CRLF",
	    IN("version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\n"
	    "max_age: 86400\n"), .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-4 EDGE-22 last line without LF",
	    IN(V_VERSION V_MODE V_MX "max_age: 86400"),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-4 EDGE-22 CRLF, last line without terminator",
	    IN("version: STSv1\r\nmode: testing\r\nmx: a.example\r\n"
	    "max_age: 60"),
	    OK(STS_MODE_TESTING, 60, 0, "a.example", 4) },
	{ "STS-POL-3 fields in any order",
	    IN(V_MX V_AGE V_MODE V_VERSION),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-18 mode testing",
	    IN(V_VERSION "mode: testing\n" V_MX V_AGE),
	    OK(STS_MODE_TESTING, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-2 STS-POL-19 mode none without mx",
	    IN(V_VERSION "mode: none\nmax_age: 86400\n"),
	    OK(STS_MODE_NONE, 86400, 0, "", 3) },
	{ "STS-POL-19 mode none keeps its mx",
	    IN(V_VERSION "mode: none\n" V_MX V_AGE),
	    OK(STS_MODE_NONE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-5 EDGE-24 no space after ':'",
	    IN("version:STSv1\nmode:enforce\nmx:mail.example.com\n"
	    "max_age:86400\n"), .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-5 EDGE-24 tabs and trailing WSP stripped",
	    IN("version:\tSTSv1 \nmode:\tenforce  \nmx:  mail.example.com\t\n"
	    "max_age: 86400 \t\r\n"), .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-6 EDGE-6 'Mode:' is an extension; mode comes later",
	    IN(V_VERSION "Mode: enforce\nmode: testing\n" V_MX V_AGE),
	    OK(STS_MODE_TESTING, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-7 first mode wins (testing, then enforce)",
	    IN(V_VERSION "mode: testing\nmode: enforce\n" V_MX V_AGE),
	    OK(STS_MODE_TESTING, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-7 first max_age wins",
	    IN(V_VERSION V_MODE V_MX "max_age: 600\nmax_age: 86400\n"),
	    OK(STS_MODE_ENFORCE, 600, 0, "mail.example.com", 5) },
	{ "STS-POL-7 a later malformed mode is ignored",
	    IN(V_VERSION V_MODE "mode: Bogus\n" V_MX V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-7 a later version STSv2 is ignored",
	    IN(V_VERSION "version: STSv2\n" V_MODE V_MX V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-7 a later malformed max_age is ignored",
	    IN(V_VERSION V_MODE V_MX V_AGE "max_age: -1\n"),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-8 several mx in file order",
	    IN(V_VERSION V_MODE "mx: b.example.com\nmx: *.a.example.com\n"
	    "mx: c.example.net\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0,
	    "b.example.com *.a.example.com c.example.net", 6) },
	{ "STS-POL-8 EDGE-21 duplicate mx kept once",
	    IN(V_VERSION V_MODE "mx: a.example.com\nmx: b.example.com\n"
	    "mx: a.example.com\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "a.example.com b.example.com", 6) },
	{ "EDGE-5 mx lowercased and deduplicated across case",
	    IN(V_VERSION V_MODE "mx: MAIL.Example.COM\nmx: mail.example.com\n"
	    "mx: *.EXAMPLE.net\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com *.example.net",
	    6) },
	{ "DEC-6 EDGE-4 mx trailing dot stripped with STS_WARN_MX_DOT",
	    IN(V_VERSION V_MODE "mx: mail.example.com.\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_MX_DOT, "mail.example.com",
	    4) },
	{ "DEC-6 mx with and without trailing dot deduplicated",
	    IN(V_VERSION V_MODE V_MX "mx: MAIL.example.com.\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_MX_DOT, "mail.example.com",
	    5) },
	{ "DEC-6 wildcard mx with trailing dot",
	    IN(V_VERSION V_MODE "mx: *.example.com.\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_MX_DOT, "*.example.com", 4) },
	{ "STS-POL-9 wildcard mx *.example.com (no weak warning)",
	    IN(V_VERSION V_MODE "mx: *.example.com\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "*.example.com", 4) },
	{ "STS-POL-20 EDGE-39 *.com sets STS_WARN_WEAK_WILDCARD",
	    IN(V_VERSION V_MODE "mx: *.com\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_WEAK_WILDCARD, "*.com", 4) },
	{ "STS-POL-20 EDGE-39 weak wildcard is not an error when strict",
	    IN(V_VERSION V_MODE "mx: *.COM\n" V_AGE),
	    .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_WEAK_WILDCARD, "*.com", 4) },
	{ "EDGE-39 *.co.uk has two labels: no weak warning",
	    IN(V_VERSION V_MODE "mx: *.co.uk\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "*.co.uk", 4) },
	{ "EDGE-40 IP address as mx is syntactically valid",
	    IN(V_VERSION V_MODE "mx: 192.0.2.10\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "192.0.2.10", 4) },
	{ "STS-POL-10 A-label mx is valid",
	    IN(V_VERSION V_MODE "mx: mx.xn--bcher-kva.example\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mx.xn--bcher-kva.example", 4) },
	{ "STS-POL-9 single-label mx is valid",
	    IN(V_VERSION V_MODE "mx: localhost\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "localhost", 4) },
	{ "STS-POL-11 EDGE-29 max_age 0",
	    IN(V_VERSION V_MODE V_MX "max_age: 0\n"),
	    OK(STS_MODE_ENFORCE, 0, 0, "mail.example.com", 4) },
	{ "STS-POL-11 max_age with leading zeros (10 digits)",
	    IN(V_VERSION V_MODE V_MX "max_age: 0000086400\n"),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 4) },
	{ "STS-POL-11 max_age 31557600 exactly is not clamped",
	    IN(V_VERSION V_MODE V_MX "max_age: 31557600\n"),
	    .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 31557600, 0, "mail.example.com", 4) },
	{ "DEC-9 EDGE-28 max_age 31557601 clamped",
	    IN(V_VERSION V_MODE V_MX "max_age: 31557601\n"),
	    OK(STS_MODE_ENFORCE, 31557600, STS_WARN_MAX_AGE_CLAMP,
	    "mail.example.com", 4) },
	{ "DEC-9 EDGE-28 max_age 9999999999 clamped",
	    IN(V_VERSION V_MODE V_MX "max_age: 9999999999\n"),
	    OK(STS_MODE_ENFORCE, 31557600, STS_WARN_MAX_AGE_CLAMP,
	    "mail.example.com", 4) },
	{ "STS-POL-13 extension fields ignored",
	    IN(V_VERSION "foo: bar baz\n" V_MODE "x-ext.v_1: a;b=c:d\n" V_MX
	    "9ext: 1\n" V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 7) },
	{ "STS-POL-13/17 extension value may be UTF-8",
	    IN(V_VERSION V_MODE V_MX V_AGE "note: b\xc3\xbc" "cher "
	    "\xe2\x82\xac \xf0\x9f\x93\xa7\n"), .flags = STS_PARSE_STRICT,
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 5) },
	{ "STS-POL-13 32-character extension name",
	    IN(VALID "a234567890123456789012345678901b: x\n"),
	    OK(STS_MODE_ENFORCE, 86400, 0, "mail.example.com", 5) },
	{ "DEC-8 EDGE-23 leading BOM stripped with STS_WARN_BOM",
	    IN("\xef\xbb\xbf" VALID),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_BOM, "mail.example.com", 4) },
	{ "DEC-8 EDGE-26 blank line skipped with STS_WARN_BLANK_LINE",
	    IN(V_VERSION V_MODE "\n" V_MX V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_BLANK_LINE,
	    "mail.example.com", 4) },
	{ "DEC-8 EDGE-26 blank CRLF line skipped",
	    IN(V_VERSION V_MODE "\r\n" V_MX V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_BLANK_LINE,
	    "mail.example.com", 4) },
	{ "DEC-8 EDGE-26 trailing empty line skipped",
	    IN(VALID "\n"),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_BLANK_LINE,
	    "mail.example.com", 4) },
	{ "DEC-8 EDGE-26 whitespace-only line counts as blank",
	    IN(V_VERSION " \t\n" V_MODE V_MX V_AGE),
	    OK(STS_MODE_ENFORCE, 86400, STS_WARN_BLANK_LINE,
	    "mail.example.com", 4) },
	{ "DEC-6/8/9 STS-POL-20 all warnings at once",
	    IN("\xef\xbb\xbf" V_VERSION "\n" V_MODE "mx: *.net.\n"
	    "max_age: 99999999\n"),
	    OK(STS_MODE_ENFORCE, 31557600, STS_WARN_BOM | STS_WARN_BLANK_LINE |
	    STS_WARN_MX_DOT | STS_WARN_MAX_AGE_CLAMP | STS_WARN_WEAK_WILDCARD,
	    "*.net", 4) },

	/* Empty bodies (STS-POL-15, EDGE-19). */
	{ "STS-POL-15 EDGE-19 empty body", IN(""),
	    ERR(STS_PERR_EMPTY, 0, 0, "policy is empty") },
	{ "STS-POL-15 whitespace-only body", IN("  \n\r\n\t \n"),
	    ERR(STS_PERR_EMPTY, 0, 0, "policy is empty") },
	{ "STS-POL-15 DEC-8 BOM-only body", IN("\xef\xbb\xbf\n"),
	    ERR(STS_PERR_EMPTY, 0, 0, "policy is empty") },

	/* Encoding (STS-POL-17, EDGE-22). */
	{ "EDGE-22 bare CR as line terminator",
	    IN("version: STSv1\rmode: enforce\r" V_MX V_AGE),
	    ERR(STS_PERR_ENCODING, 1, 15, "line 1: carriage return not "
	    "followed by a line feed at column 15") },
	{ "EDGE-22 bare CR at the end of the body",
	    IN(V_VERSION V_MODE V_MX "max_age: 86400\r"),
	    ERR(STS_PERR_ENCODING, 4, 15, "line 4: carriage return") },
	{ "EDGE-22 CR CR LF leaves one bare CR",
	    IN(V_VERSION "mode: enforce\r\r\n" V_MX V_AGE),
	    ERR(STS_PERR_ENCODING, 2, 14, "line 2: carriage return") },
	{ "EDGE-22 bare CR inside a value",
	    IN(V_VERSION V_MODE "mx: mail\r.example.com\n" V_AGE),
	    ERR(STS_PERR_ENCODING, 3, 9, "carriage return") },
	{ "STS-POL-17 NUL byte",
	    IN(V_VERSION V_MODE "mx: mail.example.com\0\n" V_AGE),
	    ERR(STS_PERR_ENCODING, 3, 21, "line 3: NUL byte at column 21") },
	{ "STS-POL-13 control character in an extension value",
	    IN(VALID "ext: a\x01" "b\n"),
	    ERR(STS_PERR_ENCODING, 5, 7, "control character 0x01 at "
	    "column 7") },
	{ "STS-POL-13 DEL in an extension value",
	    IN(VALID "ext: a\x7f\n"),
	    ERR(STS_PERR_ENCODING, 5, 7, "control character 0x7f") },
	{ "STS-POL-13 escape in an extension value",
	    IN("ext: \x1b[31m\n" VALID),
	    ERR(STS_PERR_ENCODING, 1, 6, "control character 0x1b") },
	{ "STS-POL-17 invalid UTF-8 (bad continuation)",
	    IN(VALID "ext: \xc3\x28\n"),
	    ERR(STS_PERR_ENCODING, 5, 6, "invalid UTF-8 byte 0xc3 at "
	    "column 6") },
	{ "STS-POL-17 invalid UTF-8 (overlong '/')",
	    IN(VALID "ext: \xc0\xaf\n"),
	    ERR(STS_PERR_ENCODING, 5, 6, "invalid UTF-8 byte 0xc0") },
	{ "STS-POL-17 invalid UTF-8 (overlong 3-byte)",
	    IN(VALID "ext: \xe0\x80\xaf\n"),
	    ERR(STS_PERR_ENCODING, 5, 6, "invalid UTF-8 byte 0xe0") },
	{ "STS-POL-17 invalid UTF-8 (surrogate)",
	    IN(VALID "ext: \xed\xa0\x80\n"),
	    ERR(STS_PERR_ENCODING, 5, 6, "invalid UTF-8 byte 0xed") },
	{ "STS-POL-17 invalid UTF-8 (above U+10FFFF)",
	    IN(VALID "ext: \xf4\x90\x80\x80\n"),
	    ERR(STS_PERR_ENCODING, 5, 6, "invalid UTF-8 byte 0xf4") },
	{ "STS-POL-17 invalid UTF-8 (truncated at end of body)",
	    IN(VALID "ext: a\xe2\x82"),
	    ERR(STS_PERR_ENCODING, 5, 7, "invalid UTF-8 byte 0xe2") },
	{ "STS-POL-17 invalid UTF-8 (Latin-1 byte)",
	    IN(V_VERSION "mode: enforc\xe9\n" V_MX V_AGE),
	    ERR(STS_PERR_ENCODING, 2, 13, "invalid UTF-8 byte 0xe9") },
	{ "DEC-8 EDGE-23 BOM rejected under STS_PARSE_STRICT",
	    IN("\xef\xbb\xbf" VALID), .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_ENCODING, 1, 1, "line 1: policy starts with a UTF-8 "
	    "byte order mark") },
	{ "DEC-8 EDGE-23 second BOM is not stripped",
	    IN("\xef\xbb\xbf\xef\xbb\xbf" VALID),
	    ERR(STS_PERR_SYNTAX, 1, 1, "a field name cannot start with byte "
	    "0xef") },

	/* Line syntax (STS-POL-5/14, EDGE-24..27). */
	{ "EDGE-25 leading space on a line",
	    IN(V_VERSION " mode: enforce\n" V_MX V_AGE),
	    ERR(STS_PERR_SYNTAX, 2, 1, "line 2: line starts with whitespace") },
	{ "EDGE-25 leading tab on a line (folding)",
	    IN(V_VERSION V_MODE V_MX "\tmax_age: 86400\n"),
	    ERR(STS_PERR_SYNTAX, 4, 1, "line starts with whitespace") },
	{ "EDGE-24 whitespace before ':'",
	    IN(V_VERSION "mode : enforce\n" V_MX V_AGE),
	    ERR(STS_PERR_SYNTAX, 2, 5, "line 2: whitespace before ':' at "
	    "column 5") },
	{ "STS-POL-14 line without ':'",
	    IN(V_VERSION V_MODE V_MX V_AGE "garbage\n"),
	    ERR(STS_PERR_SYNTAX, 5, 8, "line 5: no ':' after the field "
	    "name") },
	{ "STS-POL-14 key/value with '=' instead of ':'",
	    IN("version=STSv1\n" V_MODE V_MX V_AGE),
	    ERR(STS_PERR_SYNTAX, 1, 8, "'=' at column 8 is not allowed in a "
	    "field name") },
	{ "EDGE-27 comment line",
	    IN("# MTA-STS policy\n" VALID),
	    ERR(STS_PERR_SYNTAX, 1, 1, "comments are not allowed") },
	{ "STS-POL-14 line starting with ':'",
	    IN(VALID ": x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 1, "field name missing before ':'") },
	{ "STS-POL-13 field name starting with '_'",
	    IN(VALID "_ext: x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 1, "field name \"_ext\" must start with a "
	    "letter or digit") },
	{ "STS-POL-13 field name starting with '-'",
	    IN(VALID "-ext: x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 1, "must start with a letter or digit") },
	{ "STS-POL-13 '@' in a field name",
	    IN(VALID "e@t: x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 2, "'@' at column 2 is not allowed") },
	{ "STS-POL-13 non-ASCII field name",
	    IN(VALID "m\xc3\xb6" "de: x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 2, "byte 0xc3 at column 2 is not "
	    "allowed") },
	{ "STS-POL-13 33-character field name",
	    IN(VALID "a234567890123456789012345678901bc: x\n"),
	    ERR(STS_PERR_SYNTAX, 5, 1, "longer than 32 characters") },
	{ "STS-POL-13 extension with an empty value",
	    IN(VALID "ext:\n"),
	    ERR(STS_PERR_SYNTAX, 5, 5, "line 5: field \"ext\" has no value") },
	{ "STS-POL-13 extension with only whitespace as value",
	    IN(VALID "ext: \t \r\n"),
	    ERR(STS_PERR_SYNTAX, 5, 8, "field \"ext\" has no value") },
	{ "STS-POL-7 a later empty mode is not even an extension",
	    IN(V_VERSION V_MODE "mode:\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 3, 6, "field \"mode\" has no value") },
	{ "DEC-8 EDGE-26 blank line rejected under STS_PARSE_STRICT",
	    IN(V_VERSION V_MODE "\n" V_MX V_AGE), .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_SYNTAX, 3, 1, "line 3: blank lines are not "
	    "allowed") },
	{ "DEC-8 trailing blank line rejected under STS_PARSE_STRICT",
	    IN(VALID "\r\n"), .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_SYNTAX, 5, 1, "blank lines") },

	/* Required fields (STS-POL-2, STS-POL-6). */
	{ "STS-POL-2 version missing", IN(V_MODE V_MX V_AGE),
	    ERR(STS_PERR_VERSION, 0, 0, "policy has no version field") },
	{ "STS-POL-2 mode missing", IN(V_VERSION V_MX V_AGE),
	    ERR(STS_PERR_MODE, 0, 0, "policy has no mode field") },
	{ "STS-POL-2 max_age missing", IN(V_VERSION V_MODE V_MX),
	    ERR(STS_PERR_MAX_AGE, 0, 0, "policy has no max_age field") },
	{ "STS-POL-2 mx missing with mode enforce", IN(V_VERSION V_MODE V_AGE),
	    ERR(STS_PERR_MX, 0, 0, "policy has mode enforce but no mx "
	    "field") },
	{ "STS-POL-2 mx missing with mode testing",
	    IN(V_VERSION "mode: testing\n" V_AGE),
	    ERR(STS_PERR_MX, 0, 0, "mode testing but no mx") },
	{ "STS-POL-6 EDGE-6 'Mode:' only: mode missing",
	    IN(V_VERSION "Mode: enforce\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 0, 0, "no mode field") },
	{ "STS-POL-6 'MX:' is an extension: mx missing",
	    IN(V_VERSION V_MODE "MX: mail.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 0, 0, "but no mx field") },
	{ "STS-POL-6 'Version:' is an extension: version missing",
	    IN("Version: STSv1\n" V_MODE V_MX V_AGE),
	    ERR(STS_PERR_VERSION, 0, 0, "no version field") },
	{ "STS-POL-6 version stsv1 (case)",
	    IN("version: stsv1\n" V_MODE V_MX V_AGE),
	    ERR(STS_PERR_VERSION, 1, 10, "line 1: version \"stsv1\" is not "
	    "\"STSv1\"") },
	{ "STS-POL-2 version STSv2",
	    IN(V_MODE "version: STSv2\n" V_MX V_AGE),
	    ERR(STS_PERR_VERSION, 2, 10, "version \"STSv2\"") },
	{ "STS-POL-2 empty version",
	    IN("version:\n" V_MODE V_MX V_AGE),
	    ERR(STS_PERR_VERSION, 1, 9, "field \"version\" has no value") },
	{ "STS-POL-6 EDGE-6 mode Enforce (case)",
	    IN(V_VERSION "mode: Enforce\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 7, "line 2: mode \"Enforce\" is not "
	    "enforce, testing or none " RFC_SECT) },
	{ "STS-POL-6 mode ENFORCE (case)",
	    IN(V_VERSION "mode: ENFORCE\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 7, "mode \"ENFORCE\"") },
	{ "STS-POL-2 unknown mode reject",
	    IN(V_VERSION "mode: reject\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 7, "mode \"reject\"") },
	{ "STS-POL-5 mode with two words",
	    IN(V_VERSION "mode: enforce now\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 7, "mode \"enforce now\"") },
	{ "STS-POL-2 empty mode",
	    IN(V_VERSION "mode:  \n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 8, "field \"mode\" has no value") },
	{ "STS-POL-17 non-ASCII mode is escaped in the message",
	    IN(V_VERSION "mode: enforc\xc3\xa9\n" V_MX V_AGE),
	    ERR(STS_PERR_MODE, 2, 7, "mode \"enforc\\xc3\\xa9\"") },

	/* max_age (STS-POL-11, DEC-9). */
	{ "STS-POL-11 max_age negative",
	    IN(V_VERSION V_MODE V_MX "max_age: -1\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 10, "line 4: max_age \"-1\" is not a "
	    "whole number of seconds") },
	{ "STS-POL-11 max_age with '+'",
	    IN(V_VERSION V_MODE V_MX "max_age: +86400\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 10, "max_age \"+86400\"") },
	{ "STS-POL-11 max_age decimal",
	    IN(V_VERSION V_MODE V_MX "max_age: 86400.0\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 15, "max_age \"86400.0\"") },
	{ "STS-POL-11 max_age exponent",
	    IN(V_VERSION V_MODE V_MX "max_age: 1e5\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 11, "max_age \"1e5\"") },
	{ "STS-POL-11 max_age hex",
	    IN(V_VERSION V_MODE V_MX "max_age: 0x10\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 11, "max_age \"0x10\"") },
	{ "STS-POL-11 max_age with inner space",
	    IN(V_VERSION V_MODE V_MX "max_age: 86 400\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 12, "max_age \"86 400\"") },
	{ "STS-POL-11 max_age with unit",
	    IN(V_VERSION V_MODE V_MX "max_age: 86400s\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 15, "max_age \"86400s\"") },
	{ "STS-POL-11 max_age empty",
	    IN(V_VERSION V_MODE V_MX "max_age:\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 9, "field \"max_age\" has no value") },
	{ "STS-POL-11 EDGE-28 max_age with 11 digits",
	    IN(V_VERSION V_MODE V_MX "max_age: 00000086400\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 10, "max_age has more than 10 digits") },
	{ "STS-POL-11 max_age with 21 digits (no overflow)",
	    IN(V_VERSION V_MODE V_MX "max_age: 999999999999999999999\n"),
	    ERR(STS_PERR_MAX_AGE, 4, 10, "more than 10 digits") },
	{ "DEC-9 max_age over the cap rejected under STS_PARSE_STRICT",
	    IN(V_VERSION V_MODE V_MX "max_age: 31557601\n"),
	    .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_MAX_AGE, 4, 10, "max_age 31557601 exceeds "
	    "31557600") },
	{ "DEC-9 max_age 9999999999 rejected under STS_PARSE_STRICT",
	    IN(V_VERSION V_MODE V_MX "max_age: 9999999999\n"),
	    .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_MAX_AGE, 4, 10, "max_age 9999999999 exceeds") },

	/* mx (STS-POL-9/10, EDGE-2/4/20/41, DEC-6/7). */
	{ "STS-POL-9 EDGE-20 email address as mx",
	    IN(V_VERSION V_MODE "mx: user@example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 9, "line 3: mx \"user@example.com\" is not a "
	    "host name or *.-pattern " RFC_SECT) },
	{ "STS-POL-9 mx with port",
	    IN(V_VERSION V_MODE "mx: mail.example.com:25\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 21, "mx \"mail.example.com:25\"") },
	{ "STS-POL-9 mx '*' alone",
	    IN(V_VERSION V_MODE "mx: *\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"*\" is not") },
	{ "STS-POL-9 mx '*.' alone",
	    IN(V_VERSION V_MODE "mx: *.\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"*.\" is not") },
	{ "STS-POL-9 mx *example.com",
	    IN(V_VERSION V_MODE "mx: *example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"*example.com\"") },
	{ "STS-POL-9 mx a.*.example.com",
	    IN(V_VERSION V_MODE "mx: a.*.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 7, "mx \"a.*.example.com\"") },
	{ "STS-POL-9 mx *.*.example.com",
	    IN(V_VERSION V_MODE "mx: *.*.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 7, "mx \"*.*.example.com\"") },
	{ "STS-POL-9 mx **.example.com",
	    IN(V_VERSION V_MODE "mx: **.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"**.example.com\"") },
	{ "STS-POL-8 comma-separated mx list",
	    IN(V_VERSION V_MODE "mx: a.example.com, b.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 18, "mx \"a.example.com, b.example.com\"") },
	{ "STS-POL-9 mx with a space",
	    IN(V_VERSION V_MODE "mx: mail example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 9, "mx \"mail example.com\"") },
	{ "STS-POL-9 EDGE-41 mx with underscore",
	    IN(V_VERSION V_MODE "mx: mail_1.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 9, "mx \"mail_1.example.com\"") },
	{ "STS-POL-9 mx as URL",
	    IN(V_VERSION V_MODE "mx: https://mail.example.com/\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 10, "mx \"https://mail.example.com/\"") },
	{ "STS-POL-9 mx label starting with '-'",
	    IN(V_VERSION V_MODE "mx: -mail.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"-mail.example.com\"") },
	{ "STS-POL-9 mx label ending with '-'",
	    IN(V_VERSION V_MODE "mx: mail-.example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"mail-.example.com\"") },
	{ "STS-POL-9 mx empty label",
	    IN(V_VERSION V_MODE "mx: mail..example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"mail..example.com\"") },
	{ "STS-POL-9 mx leading dot",
	    IN(V_VERSION V_MODE "mx: .example.com\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \".example.com\"") },
	{ "STS-POL-9 mx '.' alone",
	    IN(V_VERSION V_MODE "mx: .\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \".\"") },
	{ "DEC-6 EDGE-3 mx with two trailing dots",
	    IN(V_VERSION V_MODE "mx: mail.example.com..\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"mail.example.com..\"") },
	{ "STS-POL-9 mx label of 64 characters",
	    IN(V_VERSION V_MODE "mx: a123456789012345678901234567890123456789"
	    "01234567890123456789012b.example\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"a12345678901234567890123456789"
	    "012345678901234567890123456789...\" is not") },
	{ "DEC-7 EDGE-2 STS-POL-10 U-label mx",
	    IN(V_VERSION V_MODE "mx: b\xc3\xbc" "cher.example\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 6, "mx \"b\\xc3\\xbccher.example\" is not "
	    "ASCII; use the A-label (xn--) form") },
	{ "DEC-6 EDGE-4 mx trailing dot rejected under STS_PARSE_STRICT",
	    IN(V_VERSION V_MODE "mx: mail.example.com.\n" V_AGE),
	    .flags = STS_PARSE_STRICT,
	    ERR(STS_PERR_MX, 3, 21, "mx \"mail.example.com.\" ends with a "
	    "dot") },
	{ "STS-POL-9 empty mx",
	    IN(V_VERSION V_MODE "mx:\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 4, "line 3: mx has no value") },
	{ "STS-POL-9 mx with only whitespace",
	    IN(V_VERSION V_MODE "mx: \t\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 6, "mx has no value") },
	{ "STS-POL-9 quote and backslash escaped in the message",
	    IN(V_VERSION V_MODE "mx: a\"b\\c\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 6, "mx \"a\\x22b\\x5cc\"") },
	{ "STS-POL-9 bad mx after good ones reports its own line",
	    IN(V_VERSION V_MODE V_MX "mx: *.example.com\nmx: mx@x\n" V_AGE),
	    ERR(STS_PERR_MX, 5, 7, "line 5: mx \"mx@x\"") },
	{ "STS-POL-9 bad mx in a mode none policy still invalid",
	    IN(V_VERSION "mode: none\nmx: *\n" V_AGE),
	    ERR(STS_PERR_MX, 3, 5, "mx \"*\"") },
	{ "STS-POL-9 first error wins over later ones",
	    IN("mode: Enforce\nmx: *\n"),
	    ERR(STS_PERR_MODE, 1, 7, "line 1: mode") },
};

static void
test_parse(void **state)
{
	const struct pol_row	*r = *state;
	struct sts_policy	 pol;
	struct parse_err	 err;
	int			 rc;

	memset(&pol, 0xa5, sizeof(pol));
	memset(&err, 'X', sizeof(err));
	rc = sts_policy_parse(r->in, r->len, r->flags, &pol, &err);
	if (rc != r->rc)
		print_error("rc %d, line %u col %u code %d: %s\n", rc,
		    err.line, err.col, err.code, err.msg);
	assert_int_equal(rc, r->rc);
	if (rc == 0) {
		assert_int_equal(pol.mode, r->mode);
		assert_int_equal(pol.max_age, r->max_age);
		assert_int_equal(pol.warnings, r->warnings);
		check_mx(&pol, r->mx);
		assert_int_equal(pol.nlines, r->nlines);
		assert_int_equal(err.code, STS_PERR_NONE);
		assert_int_equal(err.line, 0);
		assert_string_equal(err.msg, "");
		sts_policy_clear(&pol);
		assert_cleared(&pol);
		return;
	}
	assert_cleared(&pol);
	if (err.code != r->code || err.line != r->line || err.col != r->col)
		print_error("line %u col %u code %d: %s\n", err.line,
		    err.col, err.code, err.msg);
	assert_int_equal(err.code, r->code);
	assert_int_equal(err.line, r->line);
	assert_int_equal(err.col, r->col);
	assert_true(msg_is_safe(err.msg));
	if (strstr(err.msg, r->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, r->msg);
}

/* lines[]: every non-blank line as declared (PF-POL-13). */

struct lines_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	const char	*lines;		/* joined by '\n' */
};

static const struct lines_row lines_rows[] = {
	{ "STS-POL-4 lines[] without LF terminators", IN(VALID),
	    "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
	    "max_age: 86400" },
	{ "STS-POL-4 lines[] without CRLF terminators",
	    IN("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
	    "max_age: 86400"),
	    "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
	    "max_age: 86400" },
	{ "EDGE-21 lines[] keep duplicates, case, trailing dot and WSP",
	    IN(V_VERSION V_MODE "mx: MAIL.example.com.\nmx:mail.example.com \n"
	    "Mode: x\n" V_AGE),
	    "version: STSv1\nmode: enforce\nmx: MAIL.example.com.\n"
	    "mx:mail.example.com \nMode: x\nmax_age: 86400" },
	{ "DEC-8 lines[] skip BOM and blank lines",
	    IN("\xef\xbb\xbf" V_VERSION "\n" V_MODE "  \r\n" V_MX V_AGE "\n"),
	    "version: STSv1\nmode: enforce\nmx: mail.example.com\n"
	    "max_age: 86400" },
	{ "STS-POL-7 lines[] keep ignored repeated fields",
	    IN(V_VERSION V_MODE "mode: testing\n" V_MX V_AGE
	    "ext: \xc3\xa9t\xc3\xa9"),
	    "version: STSv1\nmode: enforce\nmode: testing\n"
	    "mx: mail.example.com\nmax_age: 86400\next: \xc3\xa9t\xc3\xa9" },
};

static void
test_lines(void **state)
{
	const struct lines_row	*r = *state;
	struct sts_policy	 pol;
	struct parse_err	 err;

	assert_int_equal(sts_policy_parse(r->in, r->len, 0, &pol, &err), 0);
	check_lines(&pol, r->lines);
	sts_policy_clear(&pol);
}

struct mode_row {
	const char	*label;
	enum sts_mode	 mode;
	const char	*want;
};

static const struct mode_row mode_rows[] = {
	{ "sts_mode_str enforce", STS_MODE_ENFORCE, "enforce" },
	{ "sts_mode_str testing", STS_MODE_TESTING, "testing" },
	{ "sts_mode_str none", STS_MODE_NONE, "none" },
	{ "sts_mode_str unset", STS_MODE_UNSET, "unset" },
};

static void
test_mode_str(void **state)
{
	const struct mode_row	*r = *state;

	assert_string_equal(sts_mode_str(r->mode), r->want);
}

/* Append a NUL-terminated string to buf at *off. */
static void	append(char *, size_t *, const char *);

static void
append(char *buf, size_t *off, const char *s)
{
	size_t	n = strlen(s);

	memcpy(buf + *off, s, n);
	*off += n;
}

/* STS_POLICY_MAX: exactly the limit parses; one byte more is too large. */
static void
test_body_max(void **state)
{
	static char		 buf[STS_POLICY_MAX + 1];
	struct sts_policy	 pol;
	struct parse_err	 err;
	size_t			 off = 0;

	append(buf, &off, VALID "ext: ");
	memset(buf + off, 'a', sizeof(buf) - off);
	assert_int_equal(sts_policy_parse(buf, STS_POLICY_MAX, 0, &pol, &err),
	    0);
	assert_int_equal(pol.nlines, 5);
	assert_int_equal(strlen(pol.lines[4]),
	    STS_POLICY_MAX - (sizeof(VALID) - 1));
	sts_policy_clear(&pol);

	assert_int_equal(sts_policy_parse(buf, STS_POLICY_MAX + 1, 0, &pol,
	    &err), -1);
	assert_int_equal(err.code, STS_PERR_TOO_LARGE);
	assert_int_equal(err.line, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "policy is 65537 bytes long; at most "
	    "65536 are accepted");
	assert_cleared(&pol);
}

/* STS_MX_MAX distinct patterns fit; one more is too large. */
static void
test_mx_max(void **state)
{
	static char		 buf[16384];
	char			 line[64];
	struct sts_policy	 pol;
	struct parse_err	 err;
	size_t			 off = 0;
	int			 i;

	append(buf, &off, VALID);
	for (i = 1; i < STS_MX_MAX; i++) {
		(void)snprintf(line, sizeof(line), "mx: mx%d.example.com\n", i);
		append(buf, &off, line);
	}
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), 0);
	assert_int_equal(pol.nmx, STS_MX_MAX);
	assert_string_equal(pol.mx[0], "mail.example.com");
	assert_string_equal(pol.mx[STS_MX_MAX - 1], "mx99.example.com");
	sts_policy_clear(&pol);

	/* A duplicate does not count. */
	append(buf, &off, "mx: MX1.example.com\n");
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), 0);
	assert_int_equal(pol.nmx, STS_MX_MAX);
	sts_policy_clear(&pol);

	append(buf, &off, "mx: one-too-many.example.com\n");
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), -1);
	assert_int_equal(err.code, STS_PERR_TOO_LARGE);
	assert_int_equal(err.line, 4 + STS_MX_MAX + 1);
	assert_int_equal(err.col, 5);
	assert_non_null(strstr(err.msg, "more than 100 distinct mx"));
	assert_cleared(&pol);
}

/* STS_LINES_MAX non-blank lines fit; blank ones do not count. */
static void
test_lines_max(void **state)
{
	static char		 buf[32768];
	struct sts_policy	 pol;
	struct parse_err	 err;
	size_t			 off = 0;
	int			 i;

	append(buf, &off, VALID "\n\n");
	for (i = 4; i < STS_LINES_MAX; i++)
		append(buf, &off, "x: y\n");
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), 0);
	assert_int_equal(pol.nlines, STS_LINES_MAX);
	assert_int_equal(pol.warnings, STS_WARN_BLANK_LINE);
	sts_policy_clear(&pol);

	append(buf, &off, "x: y\n");
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), -1);
	assert_int_equal(err.code, STS_PERR_TOO_LARGE);
	assert_int_equal(err.line, STS_LINES_MAX + 3);
	assert_int_equal(err.col, 1);
	assert_non_null(strstr(err.msg, "more than 1000 lines"));
	assert_cleared(&pol);
}

/* STS-POL-8: many identical mx lines are one pattern, all lines kept. */
static void
test_many_duplicates(void **state)
{
	static char		 buf[16384];
	struct sts_policy	 pol;
	struct parse_err	 err;
	size_t			 off = 0;
	int			 i;

	append(buf, &off, V_VERSION V_MODE V_AGE);
	for (i = 0; i < 500; i++)
		append(buf, &off, i % 2 ? "mx: a.example\n" :
		    "mx: A.example.\n");
	assert_int_equal(sts_policy_parse(buf, off, 0, &pol, &err), 0);
	assert_int_equal(pol.nmx, 1);
	assert_string_equal(pol.mx[0], "a.example");
	assert_int_equal(pol.nlines, 503);
	assert_int_equal(pol.warnings, STS_WARN_MX_DOT);
	sts_policy_clear(&pol);
}

/* sts_policy_clear is safe on a cleared struct and twice in a row. */
static void
test_clear(void **state)
{
	struct sts_policy	pol;
	struct parse_err	err;

	memset(&pol, 0, sizeof(pol));
	sts_policy_clear(&pol);
	assert_cleared(&pol);
	assert_int_equal(sts_policy_parse(VALID, sizeof(VALID) - 1, 0, &pol,
	    &err), 0);
	sts_policy_clear(&pol);
	sts_policy_clear(&pol);
	assert_cleared(&pol);
	sts_policy_clear(NULL);
	/* NULL err and NULL buf are tolerated. */
	assert_int_equal(sts_policy_parse(VALID, sizeof(VALID) - 1, 0, &pol,
	    NULL), 0);
	sts_policy_clear(&pol);
	assert_int_equal(sts_policy_parse("x", 1, 0, &pol, NULL), -1);
	assert_int_equal(sts_policy_parse(NULL, 5, 0, &pol, &err), -1);
	assert_int_equal(err.code, STS_PERR_EMPTY);
}

/* A successful parse resets an err left over from a failure. */
static void
test_err_reset(void **state)
{
	struct sts_policy	pol;
	struct parse_err	err;

	assert_int_equal(sts_policy_parse("mx: *\n", 6, 0, &pol, &err), -1);
	assert_int_equal(err.code, STS_PERR_MX);
	assert_int_equal(sts_policy_parse(VALID, sizeof(VALID) - 1, 0, &pol,
	    &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(err.line, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "");
	sts_policy_clear(&pol);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, pol_rows, test_parse);
	TABLE_ADD(&tt, lines_rows, test_lines);
	TABLE_ADD(&tt, mode_rows, test_mode_str);
	table_add_fn(&tt, "STS-FETCH-9 STS_POLICY_MAX body limit",
	    test_body_max);
	table_add_fn(&tt, "STS-POL-8 STS_MX_MAX distinct mx limit",
	    test_mx_max);
	table_add_fn(&tt, "STS_LINES_MAX line limit", test_lines_max);
	table_add_fn(&tt, "STS-POL-8 EDGE-21 500 duplicate mx lines",
	    test_many_duplicates);
	table_add_fn(&tt, "sts_policy_clear idempotent", test_clear);
	table_add_fn(&tt, "parse_err reset on success", test_err_reset);
	return table_run("sts_policy", &tt);
}
