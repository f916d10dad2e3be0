/*
 * test_json.c: the strict JSON reader (json.c) that dgram.c builds on.
 *
 * One cmocka test per table row: whole documents walked through the API
 * and printed back in a canonical form, integer and string getters, and
 * every kind of malformed input (RFC 8259 syntax, RFC 3629 UTF-8,
 * escapes and surrogates, depth, truncation, trailing bytes), each with
 * its error code and byte position.  Links only json.c and parse_err.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"

#include "json.h"

/* A string literal and its exact length (embedded NULs included). */
#define S(x)	(x), (sizeof(x) - 1)

#define CANON_MAX	1024
#define KEY_BUF		64
#define STR_BUF		256

static int	msg_is_safe(const char *);
static void	canon_str(char *, size_t *, const char *, size_t);
static int	walk(struct json_reader *, const char *, char *, size_t *);
static int	walk_doc(const char *, size_t, char *, struct parse_err *);
static void	test_valid(void **);
static void	test_invalid(void **);
static void	test_int(void **);
static void	test_string(void **);
static void	test_prefixes(void **);
static void	test_depth(void **);
static void	test_too_long(void **);
static void	test_long_key(void **);
static void	test_misuse(void **);
static void	test_sticky(void **);
static void	test_skip(void **);
static void	test_bool_null(void **);
static void	test_type_str(void **);
static void	test_cut_number(void **);

/* Messages reach logs: printable ASCII only. */
static int
msg_is_safe(const char *m)
{
	for (; *m != '\0'; m++)
		if ((unsigned char)*m < 0x20 || (unsigned char)*m >= 0x7f)
			return 0;
	return 1;
}

/*
 * Canonical string: quoted, '"' and '\' escaped, other bytes < 0x20 or
 * >= 0x7f as \xNN, so that table rows stay ASCII.
 */
static void
canon_str(char *out, size_t *o, const char *s, size_t n)
{
	size_t	i;

	out[(*o)++] = '"';
	for (i = 0; i < n && *o < CANON_MAX - 8; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[(*o)++] = '\\';
			out[(*o)++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f)
			*o += (size_t)snprintf(out + *o, CANON_MAX - *o,
			    "\\x%02x", c);
		else
			out[(*o)++] = (char)c;
	}
	out[(*o)++] = '"';
}

/* Print the next value through the reader's API, recursively. */
static int
walk(struct json_reader *r, const char *in, char *out, size_t *o)
{
	char		buf[STR_BUF];
	size_t		n, start;
	int		rc, first = 1;

	if (*o > CANON_MAX - 16)
		return -1;
	switch (json_peek(r)) {
	case JSON_OBJECT:
		if (json_object_begin(r) == -1)
			return -1;
		out[(*o)++] = '{';
		while ((rc = json_object_next(r, buf, sizeof(buf), &n)) == 1) {
			if (!first)
				out[(*o)++] = ',';
			first = 0;
			canon_str(out, o, buf, n);
			out[(*o)++] = ':';
			if (walk(r, in, out, o) == -1)
				return -1;
		}
		if (rc == -1)
			return -1;
		out[(*o)++] = '}';
		return 0;
	case JSON_ARRAY:
		if (json_array_begin(r) == -1)
			return -1;
		out[(*o)++] = '[';
		while ((rc = json_array_next(r)) == 1) {
			if (!first)
				out[(*o)++] = ',';
			first = 0;
			if (walk(r, in, out, o) == -1)
				return -1;
		}
		if (rc == -1)
			return -1;
		out[(*o)++] = ']';
		return 0;
	case JSON_STRING:
		if (json_get_string(r, buf, sizeof(buf), &n) == -1)
			return -1;
		canon_str(out, o, buf, n);
		return 0;
	case JSON_NUMBER:
		/* Numbers print as written: skip and copy the span. */
		start = json_offset(r);
		if (json_skip_value(r) == -1)
			return -1;
		n = json_offset(r) - start;
		if (n > CANON_MAX - *o - 16)
			return -1;
		memcpy(out + *o, in + start, n);
		*o += n;
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		if (json_get_bool(r, &rc) == -1)
			return -1;
		*o += (size_t)snprintf(out + *o, CANON_MAX - *o, "%s",
		    rc ? "true" : "false");
		return 0;
	case JSON_NULL:
		if (json_get_null(r) == -1)
			return -1;
		memcpy(out + *o, "null", 4);
		*o += 4;
		return 0;
	default:
		return -1;
	}
}

static int
walk_doc(const char *in, size_t len, char *out, struct parse_err *err)
{
	struct json_reader	r;
	size_t			o = 0;

	json_init(&r, in, len, err);
	if (walk(&r, in, out, &o) == -1 || json_end(&r) == -1) {
		out[0] = '\0';
		assert_true(json_failed(&r));
		return -1;
	}
	out[o] = '\0';
	assert_false(json_failed(&r));
	return 0;
}

/* Valid documents. */

struct valid_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	const char	*want;
};

#define D32	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
#define C32	"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"

static const struct valid_row valid_rows[] = {
	{ "empty object", S("{}"), "{}" },
	{ "empty array", S("[]"), "[]" },
	{ "RFC 8259 §2 whitespace of all four kinds anywhere",
	    S(" \t\r\n{ \"a\" :\n1 ,\t\"b\"\r: [ true , false , null ] }\n"),
	    "{\"a\":1,\"b\":[true,false,null]}" },
	{ "RFC 8259 §2 a scalar is a whole document", S("\"x\""), "\"x\"" },
	{ "top-level number", S("42"), "42" },
	{ "top-level true", S("true"), "true" },
	{ "top-level null with whitespace", S(" null "), "null" },
	{ "nested objects and arrays",
	    S("{\"a\":{\"b\":[[],{},[1,[2,{\"c\":[]}]]]}}"),
	    "{\"a\":{\"b\":[[],{},[1,[2,{\"c\":[]}]]]}}" },
	{ "RFC 8259 §6 number forms",
	    S("[0,-0,1,-1,123,1.5,-0.25e+3,1E9,0e0,2e-7,"
	    "9223372036854775807,1e400,123456789012345678901234567890]"),
	    "[0,-0,1,-1,123,1.5,-0.25e+3,1E9,0e0,2e-7,9223372036854775807,"
	    "1e400,123456789012345678901234567890]" },
	{ "RFC 8259 §7 two-character escapes",
	    S("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
	    "[\"\\\"\\\\/\\x08\\x0c\\x0a\\x0d\\x09\"]" },
	{ "RFC 8259 §7 \\u escapes, both hex cases",
	    S("[\"\\u0041\\u00e9\\u20AC\\u00E9\"]"),
	    "[\"A\\xc3\\xa9\\xe2\\x82\\xac\\xc3\\xa9\"]" },
	{ "RFC 8259 §7 surrogate pair (U+1F4E7)",
	    S("[\"\\uD83D\\uDCE7\",\"\\ud83d\\udce7\"]"),
	    "[\"\\xf0\\x9f\\x93\\xa7\",\"\\xf0\\x9f\\x93\\xa7\"]" },
	{ "surrogate pair edges U+10000 and U+10FFFF",
	    S("[\"\\uD800\\uDC00\\uDBFF\\uDFFF\"]"),
	    "[\"\\xf0\\x90\\x80\\x80\\xf4\\x8f\\xbf\\xbf\"]" },
	{ "\\u0000 decodes to a NUL byte", S("[\"a\\u0000b\"]"),
	    "[\"a\\x00b\"]" },
	{ "libtlsrpt \\u00XX escapes (lower-case hex)",
	    S("[\"\\u0001\\u000b\\u001b\\u001f\\u007f\"]"),
	    "[\"\\x01\\x0b\\x1b\\x1f\\x7f\"]" },
	{ "RFC 3629 raw UTF-8 boundaries",
	    S("[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"]"),
	    "[\"\\xc2\\x80\\xdf\\xbf\\xe0\\xa0\\x80\\xed\\x9f\\xbf\\xee\\x80"
	    "\\x80\\xef\\xbf\\xbf\\xf0\\x90\\x80\\x80\\xf4\\x8f\\xbf\\xbf\"]" },
	{ "raw DEL is allowed in a string", S("[\"\x7f\"]"),
	    "[\"\\x7f\"]" },
	{ "escaped key", S("{\"\\u0061b\":1}"), "{\"ab\":1}" },
	{ "empty key and empty string", S("{\"\":\"\"}"), "{\"\":\"\"}" },
	{ "duplicate keys are the caller's business",
	    S("{\"a\":1,\"a\":2}"), "{\"a\":1,\"a\":2}" },
	{ "JSON_DEPTH_MAX nested arrays", S(D32 C32), D32 C32 },
	{ "libtlsrpt spacing: \"name\": \"value\" and \"name\":N",
	    S("{\"d\": \"example.com\",\"policies\":[{\"policy-type\":2,"
	    "\"t\":0,\"f\":0}]}"),
	    "{\"d\":\"example.com\",\"policies\":[{\"policy-type\":2,\"t\":0,"
	    "\"f\":0}]}" },
};

static void
test_valid(void **state)
{
	const struct valid_row	*row = *state;
	struct parse_err	 err;
	char			 out[CANON_MAX];

	memset(&err, 'X', sizeof(err));
	if (walk_doc(row->in, row->len, out, &err) == -1)
		fail_msg("refused: code %d col %u: %s", err.code, err.col,
		    err.msg);
	assert_string_equal(out, row->want);
	assert_int_equal(err.code, JSON_ERR_NONE);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "");
}

/* Invalid documents. */

struct invalid_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	enum json_err	 code;
	unsigned	 col;		/* 1-based; 0: not checked */
	const char	*msg;		/* substring, or NULL */
};

#define D33	D32 "["

static const struct invalid_row invalid_rows[] = {
	/* Structure. */
	{ "empty input", S(""), JSON_ERR_TRUNCATED, 1, "input ends" },
	{ "whitespace only", S(" \n\t"), JSON_ERR_TRUNCATED, 4, NULL },
	{ "unclosed object", S("{"), JSON_ERR_TRUNCATED, 2, "inside an object" },
	{ "unclosed array after a value", S("[1,true"), JSON_ERR_TRUNCATED, 8,
	    "inside an array" },
	{ "object ends after a key", S("{\"a\""), JSON_ERR_TRUNCATED, 5,
	    "after a key" },
	{ "object ends after ':'", S("{\"a\":"), JSON_ERR_TRUNCATED, 6,
	    "value was expected" },
	{ "RFC 8259 §5 trailing comma in an array", S("[1,]"),
	    JSON_ERR_SYNTAX, 4, "expected a value at offset 3, found ']'" },
	{ "RFC 8259 §4 trailing comma in an object", S("{\"a\":1,}"),
	    JSON_ERR_SYNTAX, 8, "expected a key" },
	{ "leading comma in an array", S("[,1]"), JSON_ERR_SYNTAX, 2,
	    "found ','" },
	{ "missing ':'", S("{\"a\" 1}"), JSON_ERR_SYNTAX, 6, "expected ':'" },
	{ "unquoted key", S("{a:1}"), JSON_ERR_SYNTAX, 2,
	    "expected a key at offset 1, found 'a'" },
	{ "single-quoted key", S("{'a':1}"), JSON_ERR_SYNTAX, 2,
	    "found byte 0x27" },
	{ "missing ',' between elements", S("[1 2]"), JSON_ERR_SYNTAX, 4,
	    "expected ',' or ']'" },
	{ "missing ',' between members", S("{\"a\":1 \"b\":2}"),
	    JSON_ERR_SYNTAX, 8, "expected ',' or '}'" },
	{ "':' after an array element", S("[\"a\":1]"), JSON_ERR_SYNTAX, 5,
	    NULL },
	{ "comment", S("/* c */ {}"), JSON_ERR_SYNTAX, 1, "found '/'" },
	{ "UTF-8 BOM before the value", S("\xef\xbb\xbf{}"),
	    JSON_ERR_SYNTAX, 1, "byte 0xef" },
	{ "non-ASCII outside a string", S("[\xc3\xa9]"), JSON_ERR_SYNTAX, 2,
	    "byte 0xc3" },
	{ "NUL byte between tokens", S("[1,\0 2]"), JSON_ERR_SYNTAX, 4,
	    "byte 0x00" },
	{ "form feed is not whitespace", S("\f{}"), JSON_ERR_SYNTAX, 1,
	    "byte 0x0c" },
	{ "trailing garbage", S("{} x"), JSON_ERR_TRAILING, 4,
	    "unexpected 'x'" },
	{ "two documents", S("{}{}"), JSON_ERR_TRAILING, 3, NULL },
	{ "two top-level numbers", S("1 2"), JSON_ERR_TRAILING, 3, NULL },
	{ "trailing NUL", S("{}\0"), JSON_ERR_TRAILING, 3, "byte 0x00" },
	{ "JSON_DEPTH_MAX + 1 nested arrays", S(D33), JSON_ERR_DEPTH, 33,
	    "deeper than 32" },

	/* Literals and numbers (RFC 8259 §3, §6). */
	{ "True is not a literal", S("[True]"), JSON_ERR_SYNTAX, 2, NULL },
	{ "tru is not true", S("[tru]"), JSON_ERR_SYNTAX, 5,
	    "expected \"true\"" },
	{ "nul at the end of input", S("[nul"), JSON_ERR_TRUNCATED, 5, NULL },
	{ "number cut by the end of input", S("[20"), JSON_ERR_TRUNCATED, 4,
	    "input ends in a number" },
	{ "fraction cut by the end of input", S("{\"a\":1.5"),
	    JSON_ERR_TRUNCATED, 9, "input ends in a number" },
	{ "NaN", S("[NaN]"), JSON_ERR_SYNTAX, 2, "found 'N'" },
	{ "Infinity", S("[Infinity]"), JSON_ERR_SYNTAX, 2, NULL },
	{ "-Infinity", S("[-Infinity]"), JSON_ERR_SYNTAX, 3,
	    "invalid number" },
	{ "leading zero", S("[01]"), JSON_ERR_SYNTAX, 2, "leading zero" },
	{ "negative leading zero", S("[-01]"), JSON_ERR_SYNTAX, 3,
	    "leading zero" },
	{ "leading plus", S("[+1]"), JSON_ERR_SYNTAX, 2, "found '+'" },
	{ "leading dot", S("[.5]"), JSON_ERR_SYNTAX, 2, "found '.'" },
	{ "trailing dot", S("[1.]"), JSON_ERR_SYNTAX, 4, "after '.'" },
	{ "empty exponent", S("[1e]"), JSON_ERR_SYNTAX, 4, "exponent" },
	{ "signed empty exponent", S("[1e+]"), JSON_ERR_SYNTAX, 5,
	    "exponent" },
	{ "lone minus", S("[-]"), JSON_ERR_SYNTAX, 3, "invalid number" },
	{ "hex number", S("[0x10]"), JSON_ERR_SYNTAX, 3, "found 'x'" },

	/* Strings: raw bytes (RFC 8259 §7, RFC 3629). */
	{ "unterminated string", S("[\"abc"), JSON_ERR_TRUNCATED, 6,
	    "not terminated" },
	{ "raw control character", S("[\"a\x01\"]"), JSON_ERR_ENCODING, 4,
	    "control character 0x01" },
	{ "raw NUL in a string", S("[\"a\0b\"]"), JSON_ERR_ENCODING, 4,
	    "control character 0x00" },
	{ "raw newline in a string", S("[\"a\nb\"]"), JSON_ERR_ENCODING, 4,
	    "0x0a" },
	{ "raw tab in a string", S("[\"a\tb\"]"), JSON_ERR_ENCODING, 4,
	    "0x09" },
	{ "RFC 3629 lone continuation byte", S("[\"\x80\"]"),
	    JSON_ERR_ENCODING, 3, "invalid UTF-8 (byte 0x80)" },
	{ "RFC 3629 overlong NUL C0 80", S("[\"\xc0\x80\"]"),
	    JSON_ERR_ENCODING, 3, "byte 0xc0" },
	{ "RFC 3629 overlong C1 BF", S("[\"\xc1\xbf\"]"), JSON_ERR_ENCODING,
	    3, NULL },
	{ "RFC 3629 overlong 3-byte E0 80 80", S("[\"\xe0\x80\x80\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 overlong 3-byte E0 9F BF", S("[\"\xe0\x9f\xbf\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 overlong 4-byte F0 80 80 80",
	    S("[\"\xf0\x80\x80\x80\"]"), JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 overlong 4-byte F0 8F BF BF",
	    S("[\"\xf0\x8f\xbf\xbf\"]"), JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 UTF-8 encoded surrogate U+D800", S("[\"\xed\xa0\x80\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 UTF-8 encoded surrogate U+DFFF", S("[\"\xed\xbf\xbf\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 above U+10FFFF (F4 90 80 80)",
	    S("[\"\xf4\x90\x80\x80\"]"), JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 lead byte F5", S("[\"\xf5\x80\x80\x80\"]"),
	    JSON_ERR_ENCODING, 3, "byte 0xf5" },
	{ "RFC 3629 5-byte lead F8", S("[\"\xf8\x88\x80\x80\x80\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 byte FE", S("[\"\xfe\"]"), JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 byte FF", S("[\"\xff\"]"), JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 2-byte sequence cut by '\"'", S("[\"\xc3\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 3-byte sequence cut by '\"'", S("[\"\xe6\x97\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 4-byte sequence cut by '\"'", S("[\"\xf0\x9f\x93\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 continuation then ASCII", S("[\"\xe6x\x97\"]"),
	    JSON_ERR_ENCODING, 3, NULL },
	{ "RFC 3629 sequence cut by the end of input", S("[\"\xe6\x97"),
	    JSON_ERR_TRUNCATED, 3, "input ends in UTF-8" },
	{ "invalid UTF-8 in a key", S("{\"\xff\":1}"), JSON_ERR_ENCODING, 3,
	    NULL },

	/* Escapes and surrogates (RFC 8259 §7). */
	{ "\\x is not an escape", S("[\"\\x41\"]"), JSON_ERR_ESCAPE, 3,
	    "invalid escape \\'x'" },
	{ "\\U is not an escape", S("[\"\\U0041\"]"), JSON_ERR_ESCAPE, 3,
	    NULL },
	{ "\\' is not an escape", S("[\"\\'\"]"), JSON_ERR_ESCAPE, 3,
	    "byte 0x27" },
	{ "escaped NUL byte", S("[\"\\\0\"]"), JSON_ERR_ESCAPE, 3,
	    "byte 0x00" },
	{ "\\u with 2 hex digits", S("[\"\\u12\"]"), JSON_ERR_ESCAPE, 3,
	    "4 hex digits" },
	{ "\\u with a non-hex digit", S("[\"\\u12G4\"]"), JSON_ERR_ESCAPE, 3,
	    NULL },
	{ "\\u cut by the end of input", S("[\"\\u00"), JSON_ERR_TRUNCATED,
	    3, "\\u escape" },
	{ "backslash at the end of input", S("[\"\\"), JSON_ERR_TRUNCATED, 3,
	    "escape" },
	{ "lone high surrogate", S("[\"\\uD800\"]"), JSON_ERR_ESCAPE, 3,
	    "high surrogate without a low one" },
	{ "high surrogate then text", S("[\"\\uD83Dabcdef\"]"),
	    JSON_ERR_ESCAPE, 3, "high surrogate" },
	{ "high surrogate then a BMP escape", S("[\"\\uD800\\u0041\"]"),
	    JSON_ERR_ESCAPE, 3, "high surrogate" },
	{ "two high surrogates", S("[\"\\uD800\\uD800\"]"), JSON_ERR_ESCAPE,
	    3, "high surrogate" },
	{ "lone low surrogate", S("[\"\\uDC00\"]"), JSON_ERR_ESCAPE, 3,
	    "low surrogate without a high one" },
	{ "low then high surrogate", S("[\"\\uDFFF\\uD800\"]"),
	    JSON_ERR_ESCAPE, 3, "low surrogate" },
	{ "surrogate pair cut by the end of input", S("[\"\\uD83D\\uDC"),
	    JSON_ERR_TRUNCATED, 3, "surrogate pair" },
	{ "high surrogate then a cut backslash", S("[\"\\uD83D\\"),
	    JSON_ERR_TRUNCATED, 3, "surrogate pair" },
};

static void
test_invalid(void **state)
{
	const struct invalid_row	*row = *state;
	struct parse_err		 err;
	char				 out[CANON_MAX];

	memset(&err, 'X', sizeof(err));
	assert_int_equal(walk_doc(row->in, row->len, out, &err), -1);
	if ((int)row->code != err.code || (row->col != 0 &&
	    row->col != err.col))
		print_error("code %d col %u: %s\n", err.code, err.col,
		    err.msg);
	assert_int_equal(err.code, row->code);
	assert_int_equal(err.line, 0);
	if (row->col != 0)
		assert_int_equal(err.col, row->col);
	assert_true(err.col >= 1 && err.col <= row->len + 1);
	assert_true(msg_is_safe(err.msg));
	assert_true(err.msg[0] != '\0');
	if (row->msg != NULL && strstr(err.msg, row->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, row->msg);
}

/* json_get_int */

struct int_row {
	const char	*label;
	const char	*in;
	int		 ok;
	int64_t		 want;
	enum json_err	 code;
};

static const struct int_row int_rows[] = {
	{ "int 0", "0", 1, 0, JSON_ERR_NONE },
	{ "int -0 is 0", "-0", 1, 0, JSON_ERR_NONE },
	{ "int 201 (a libtlsrpt result code)", "201", 1, 201, JSON_ERR_NONE },
	{ "int negative", "-42", 1, -42, JSON_ERR_NONE },
	{ "int INT64_MAX", "9223372036854775807", 1, INT64_MAX,
	    JSON_ERR_NONE },
	{ "int INT64_MIN", "-9223372036854775808", 1, INT64_MIN,
	    JSON_ERR_NONE },
	{ "int INT64_MAX + 1 is out of range", "9223372036854775808", 0, 0,
	    JSON_ERR_RANGE },
	{ "int INT64_MIN - 1 is out of range", "-9223372036854775809", 0, 0,
	    JSON_ERR_RANGE },
	{ "int 30 digits is out of range",
	    "123456789012345678901234567890", 0, 0, JSON_ERR_RANGE },
	{ "int 1.0 is not an integer", "1.0", 0, 0, JSON_ERR_RANGE },
	{ "int 1e2 is not an integer", "1e2", 0, 0, JSON_ERR_RANGE },
	{ "int from a string", "\"1\"", 0, 0, JSON_ERR_TYPE },
	{ "int from true", "true", 0, 0, JSON_ERR_TYPE },
	{ "int from an array", "[1]", 0, 0, JSON_ERR_TYPE },
	{ "int with a leading zero", "007", 0, 0, JSON_ERR_SYNTAX },
};

static void
test_int(void **state)
{
	const struct int_row	*row = *state;
	struct json_reader	 r;
	struct parse_err	 err;
	int64_t			 v = 99;
	int			 rc;

	json_init(&r, row->in, strlen(row->in), &err);
	rc = json_get_int(&r, &v);
	if (rc == 0)
		rc = json_end(&r);
	if (row->ok) {
		assert_int_equal(rc, 0);
		assert_true(v == row->want);
		return;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(err.code, row->code);
	assert_int_equal(err.col, 1);
	assert_true(v == 0);
	assert_true(msg_is_safe(err.msg));
}

/* json_get_string: exact decoded bytes. */

struct string_row {
	const char	*label;
	const char	*in;
	size_t		 inlen;
	const char	*want;
	size_t		 wantlen;
};

static const struct string_row string_rows[] = {
	{ "string empty", S("\"\""), S("") },
	{ "string \\u0000 alone", S("\"\\u0000\""), S("\0") },
	{ "string \\u0000 inside", S("\"a\\u0000b\""), S("a\0b") },
	{ "string U+00E9", S("\"\\u00e9\""), S("\xc3\xa9") },
	{ "string U+0800", S("\"\\u0800\""), S("\xe0\xa0\x80") },
	{ "string U+FFFF", S("\"\\uFFFF\""), S("\xef\xbf\xbf") },
	{ "string U+1F600 from a pair", S("\"\\uD83D\\uDE00\""),
	    S("\xf0\x9f\x98\x80") },
	{ "string U+10FFFF from a pair", S("\"\\uDBFF\\uDFFF\""),
	    S("\xf4\x8f\xbf\xbf") },
	{ "string escaped slash", S("\"\\/\""), S("/") },
	{ "string libtlsrpt EHLO reply",
	    S("\"250-mx.example.com\\r\\n250 STARTTLS\""),
	    S("250-mx.example.com\r\n250 STARTTLS") },
	{ "string raw 4-byte UTF-8", S("\"\xf0\x9f\x93\xa7\""),
	    S("\xf0\x9f\x93\xa7") },
};

static void
test_string(void **state)
{
	const struct string_row	*row = *state;
	struct json_reader	 r;
	struct parse_err	 err;
	char			 buf[STR_BUF];
	size_t			 n = 99;

	memset(buf, 'X', sizeof(buf));
	json_init(&r, row->in, row->inlen, &err);
	assert_int_equal(json_get_string(&r, buf, sizeof(buf), &n), 0);
	assert_int_equal(json_end(&r), 0);
	assert_int_equal(n, row->wantlen);
	assert_memory_equal(buf, row->want, n);
	assert_int_equal(buf[n], '\0');
}

/*
 * Every proper prefix of a document that uses every construct is
 * refused as truncated, never accepted and never anything else.
 */
static void
test_prefixes(void **state)
{
	static const char	doc[] =
	    " {\"k\\u00e9y\": [1, -2.5e+3, true, false, null, \"a\\\"b\","
	    " \"\\uD83D\\uDCE7\xc3\xa9\xe6\x97\xa5\xf0\x9f\x93\xa7\","
	    " {\"x\": {}, \"y\": []}], \"z\": \"\\/\"} ";
	struct parse_err	err;
	char			out[CANON_MAX];
	size_t			n;

	for (n = 0; n < sizeof(doc) - 1; n++) {
		if (walk_doc(doc, n, out, &err) == 0) {
			/* Only the trailing whitespace may go. */
			assert_true(n == sizeof(doc) - 2);
			continue;
		}
		if (err.code != JSON_ERR_TRUNCATED)
			fail_msg("prefix %zu: code %d: %s", n, err.code,
			    err.msg);
		assert_true(err.col >= 1 && err.col <= n + 1);
	}
	assert_int_equal(walk_doc(doc, sizeof(doc) - 1, out, &err), 0);
}

/* Depth counts objects and arrays alike, and skipping obeys it too. */
static void
test_depth(void **state)
{
	char			buf[4 * JSON_DEPTH_MAX + 16];
	struct json_reader	r;
	struct parse_err	err;
	size_t			o = 0, i;

	for (i = 0; i < JSON_DEPTH_MAX / 2; i++) {
		memcpy(buf + o, "{\"a\":[", 6);
		o += 6;
	}
	buf[o++] = '[';
	json_init(&r, buf, o, &err);
	assert_int_equal(json_skip_value(&r), -1);
	assert_int_equal(err.code, JSON_ERR_DEPTH);
	assert_int_equal(err.col, o);

	/* One less: the skip reads up to the end and finds it truncated. */
	json_init(&r, buf, o - 1, &err);
	assert_int_equal(json_skip_value(&r), -1);
	assert_int_equal(err.code, JSON_ERR_TRUNCATED);
}

/* No truncation: a string must fit dst with its NUL, or fail. */
static void
test_too_long(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	char			buf[8];
	size_t			n;

	json_init(&r, S("\"abcd\""), &err);
	assert_int_equal(json_get_string(&r, buf, 5, &n), 0);
	assert_string_equal(buf, "abcd");
	assert_int_equal(n, 4);

	json_init(&r, S("\"abcd\""), &err);
	assert_int_equal(json_get_string(&r, buf, 4, &n), -1);
	assert_int_equal(err.code, JSON_ERR_TOO_LONG);
	assert_int_equal(err.col, 1);
	assert_non_null(strstr(err.msg, "longer than 3 bytes"));

	/* A multi-byte character counts in bytes, and is not split. */
	json_init(&r, S("\"\\u00e9\""), &err);
	assert_int_equal(json_get_string(&r, buf, 2, &n), -1);
	assert_int_equal(err.code, JSON_ERR_TOO_LONG);
	json_init(&r, S("\"\\u00e9\""), &err);
	assert_int_equal(json_get_string(&r, buf, 3, &n), 0);
	assert_int_equal(n, 2);

	json_init(&r, S("\"\""), &err);
	assert_int_equal(json_get_string(&r, NULL, 0, &n), -1);
	assert_int_equal(err.code, JSON_ERR_TOO_LONG);
}

/* A key longer than the buffer is reported with its full length. */
static void
test_long_key(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	char			key[4];
	size_t			n;
	int64_t			v;

	json_init(&r, S("{\"abcdefgh\":1,\"ab\":2,\"\\u00e9\\u00e9\":3}"),
	    &err);
	assert_int_equal(json_object_begin(&r), 0);
	assert_int_equal(json_object_next(&r, key, sizeof(key), &n), 1);
	assert_int_equal(n, 8);
	assert_string_equal(key, "abc");
	assert_int_equal(json_get_int(&r, &v), 0);
	assert_int_equal(json_object_next(&r, key, sizeof(key), &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(key, "ab");
	assert_int_equal(json_skip_value(&r), 0);
	/* "éé" is 4 bytes: the second é does not fit, the first stays. */
	assert_int_equal(json_object_next(&r, key, sizeof(key), &n), 1);
	assert_int_equal(n, 4);
	assert_string_equal(key, "\xc3\xa9");
	assert_int_equal(json_skip_value(&r), 0);
	assert_int_equal(json_object_next(&r, NULL, 0, NULL), 0);
	assert_int_equal(json_end(&r), 0);
	assert_int_equal(err.code, 0);
}

/* Calls out of order fail the reader instead of misreading. */
static void
test_misuse(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	int64_t			v;
	char			buf[8];

	/* A second top-level value. */
	json_init(&r, S("1 2"), &err);
	assert_int_equal(json_get_int(&r, &v), 0);
	assert_int_equal(json_get_int(&r, &v), -1);
	assert_int_equal(err.code, JSON_ERR_SYNTAX);
	assert_non_null(strstr(err.msg, "no value expected"));

	/* A member whose value was not read. */
	json_init(&r, S("{\"a\":1,\"b\":2}"), &err);
	assert_int_equal(json_object_begin(&r), 0);
	assert_int_equal(json_object_next(&r, buf, sizeof(buf), NULL), 1);
	assert_int_equal(json_object_next(&r, buf, sizeof(buf), NULL), -1);
	assert_non_null(strstr(err.msg, "misplaced object member"));

	/* A value without json_array_next(). */
	json_init(&r, S("[1,2]"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_get_int(&r, &v), -1);
	assert_int_equal(err.code, JSON_ERR_SYNTAX);

	/* Array iteration inside an object, and the reverse. */
	json_init(&r, S("{}"), &err);
	assert_int_equal(json_object_begin(&r), 0);
	assert_int_equal(json_array_next(&r), -1);
	json_init(&r, S("[]"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_object_next(&r, NULL, 0, NULL), -1);

	/* Iteration with nothing open. */
	json_init(&r, S("[]"), &err);
	assert_int_equal(json_array_next(&r), -1);

	/* json_end() with a container still open. */
	json_init(&r, S("[]"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_end(&r), -1);
	assert_int_equal(err.code, JSON_ERR_TRUNCATED);

	/* json_end() before any value. */
	json_init(&r, S("1"), &err);
	assert_int_equal(json_end(&r), -1);

	/* Type errors from the getters name both types. */
	json_init(&r, S("[1]"), &err);
	assert_int_equal(json_get_string(&r, buf, sizeof(buf), NULL), -1);
	assert_int_equal(err.code, JSON_ERR_TYPE);
	assert_non_null(strstr(err.msg, "expected a string at offset 0, "
	    "found an array"));
	json_init(&r, S("\"x\""), &err);
	assert_int_equal(json_object_begin(&r), -1);
	assert_int_equal(err.code, JSON_ERR_TYPE);
	json_init(&r, S("{}"), &err);
	assert_int_equal(json_array_begin(&r), -1);
	assert_int_equal(err.code, JSON_ERR_TYPE);

	/* A NULL buffer is an empty one; a NULL err is allowed. */
	json_init(&r, NULL, 5, NULL);
	assert_int_equal(json_peek(&r), JSON_NONE);
	assert_true(json_failed(&r));
}

/* The first error sticks: later calls fail and keep the first message. */
static void
test_sticky(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	char			msg[PARSE_ERR_MSG_MAX];
	int64_t			v;
	int			b;

	json_init(&r, S("[x, 1]"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_array_next(&r), 1);
	assert_int_equal(json_peek(&r), JSON_NONE);
	memcpy(msg, err.msg, sizeof(msg));
	assert_int_equal(json_get_int(&r, &v), -1);
	assert_int_equal(json_array_next(&r), -1);
	assert_int_equal(json_object_next(&r, NULL, 0, NULL), -1);
	assert_int_equal(json_skip_value(&r), -1);
	assert_int_equal(json_get_bool(&r, &b), -1);
	assert_int_equal(json_get_null(&r), -1);
	assert_int_equal(json_end(&r), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.col, 2);

	/* json_init() resets err. */
	json_init(&r, S("1"), &err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
}

/* json_skip_value() over each kind of value, then the document goes on. */
static void
test_skip(void **state)
{
	static const char	doc[] =
	    "{\"a\":{\"b\":[1,{\"c\":[[],{}]},\"s\\u00e9\",-1.5e3,true,"
	    "false,null]},\"n\":7,\"s\":\"x\",\"t\":true,\"f\":false,"
	    "\"z\":null,\"e\":[],\"o\":{},\"last\":42}";
	struct json_reader	r;
	struct parse_err	err;
	char			key[16];
	int64_t			v = 0;
	int			rc, nkeys = 0;

	json_init(&r, S(doc), &err);
	assert_int_equal(json_object_begin(&r), 0);
	while ((rc = json_object_next(&r, key, sizeof(key), NULL)) == 1) {
		nkeys++;
		if (strcmp(key, "last") == 0)
			assert_int_equal(json_get_int(&r, &v), 0);
		else
			assert_int_equal(json_skip_value(&r), 0);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(json_end(&r), 0);
	assert_int_equal(nkeys, 9);
	assert_true(v == 42);

	/* Skipping validates what it skips. */
	json_init(&r, S("{\"a\":[1,{\"b\":\"\\uDC00\"}],\"c\":1}"), &err);
	assert_int_equal(json_object_begin(&r), 0);
	assert_int_equal(json_object_next(&r, NULL, 0, NULL), 1);
	assert_int_equal(json_skip_value(&r), -1);
	assert_int_equal(err.code, JSON_ERR_ESCAPE);
	assert_int_equal(err.col, 15);
}

static void
test_bool_null(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	int			b = 5;

	json_init(&r, S("[true,false,null]"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_array_next(&r), 1);
	assert_int_equal(json_get_bool(&r, &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(json_array_next(&r), 1);
	assert_int_equal(json_get_bool(&r, &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(json_array_next(&r), 1);
	assert_int_equal(json_get_bool(&r, &b), -1);
	assert_int_equal(err.code, JSON_ERR_TYPE);

	json_init(&r, S("null"), &err);
	assert_int_equal(json_get_null(&r), 0);
	assert_int_equal(json_end(&r), 0);
	json_init(&r, S("0"), &err);
	assert_int_equal(json_get_null(&r), -1);
	assert_int_equal(err.code, JSON_ERR_TYPE);
}

struct type_row {
	const char	*label;
	enum json_type	 t;
	const char	*want;
};

static const struct type_row type_rows[] = {
	{ "type_str object", JSON_OBJECT, "an object" },
	{ "type_str array", JSON_ARRAY, "an array" },
	{ "type_str string", JSON_STRING, "a string" },
	{ "type_str number", JSON_NUMBER, "a number" },
	{ "type_str true", JSON_TRUE, "true" },
	{ "type_str false", JSON_FALSE, "false" },
	{ "type_str null", JSON_NULL, "null" },
	{ "type_str none", JSON_NONE, "nothing" },
};

static void
test_type_str(void **state)
{
	const struct type_row	*row = *state;

	assert_string_equal(json_type_str(row->t), row->want);
}

/*
 * A getter never hands out a number the end of the input cut: "c":20 from
 * a truncated "c":201 must not read as 20.  At top level the number is the
 * whole document and stands.
 */
static void
test_cut_number(void **state)
{
	struct json_reader	r;
	struct parse_err	err;
	int64_t			v = 99;

	json_init(&r, S("{\"c\":20"), &err);
	assert_int_equal(json_object_begin(&r), 0);
	assert_int_equal(json_object_next(&r, NULL, 0, NULL), 1);
	assert_int_equal(json_get_int(&r, &v), -1);
	assert_int_equal(err.code, JSON_ERR_TRUNCATED);
	assert_int_equal(err.col, 8);
	assert_true(v == 0);

	json_init(&r, S("[-"), &err);
	assert_int_equal(json_array_begin(&r), 0);
	assert_int_equal(json_array_next(&r), 1);
	assert_int_equal(json_get_int(&r, &v), -1);
	assert_int_equal(err.code, JSON_ERR_TRUNCATED);

	json_init(&r, S("20"), &err);
	assert_int_equal(json_get_int(&r, &v), 0);
	assert_int_equal(json_end(&r), 0);
	assert_true(v == 20);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, valid_rows, test_valid);
	TABLE_ADD(&tt, invalid_rows, test_invalid);
	TABLE_ADD(&tt, int_rows, test_int);
	TABLE_ADD(&tt, string_rows, test_string);
	TABLE_ADD(&tt, type_rows, test_type_str);
	table_add_fn(&tt, "every prefix of a document is truncated",
	    test_prefixes);
	table_add_fn(&tt, "JSON_DEPTH_MAX binds json_skip_value too",
	    test_depth);
	table_add_fn(&tt, "strings never truncate: JSON_ERR_TOO_LONG",
	    test_too_long);
	table_add_fn(&tt, "keys longer than the buffer", test_long_key);
	table_add_fn(&tt, "misuse fails the reader", test_misuse);
	table_add_fn(&tt, "the first error sticks", test_sticky);
	table_add_fn(&tt, "json_skip_value over every kind", test_skip);
	table_add_fn(&tt, "true, false, null", test_bool_null);
	table_add_fn(&tt, "a number cut by the end of input is not read",
	    test_cut_number);
	return table_run("json", &tt);
}
