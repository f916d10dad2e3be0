/*
 * test_record.c: the cache record encoding (record.h, STS-CACHE-1,
 * STS-CACHE-14, DEC-17) and the failure class tables (failure.h,
 * STS-FETCH-19, RPT-12).  Round trips of varied records, and every kind of
 * damage a stored value can have: it must be refused cleanly, never
 * trusted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"
#include "failure.h"
#include "record.h"
#include "sts.h"
#include "xmalloc.h"

#define T0		1700000000LL
#define HEADER_LEN	50	/* record.c: fixed part of version 1 */
#define LABEL63		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" \
			    "0123456789x"

/*
 * Builders: each fills a record from static storage that outlives the
 * test.
 */

static char	 mx1[] = "mx1.example.com", mx2[] = "*.mail.example.com";
static char	*mx_two[] = { mx1, mx2 };
static char	 l1[] = "version: STSv1", l2[] = "mode: enforce",
		 l3[] = "mx: mx1.example.com", l4[] = "mx: *.mail.example.com",
		 l5[] = "max_age: 604800";
static char	*lines_small[] = { l1, l2, l3, l4, l5 };
static const char text_small[] = "version: STSv1\r\nmode: enforce\r\n"
		    "mx: mx1.example.com\r\nmx: *.mail.example.com\r\n"
		    "max_age: 604800\r\n";

static void	build_empty(struct record *);
static void	build_txt_ok(struct record *);
static void	build_negative(struct record *);
static void	build_txt_error(struct record *);
static void	build_fetch_failed(struct record *);
static void	build_enforce(struct record *);
static void	build_testing(struct record *);
static void	build_none(struct record *);
static void	build_policy_and_failure(struct record *);
static void	build_extreme_ints(struct record *);
static void	build_max_strings(struct record *);
static void	build_max_sizes(struct record *);
static void	build_text_nul(struct record *);
static void	build_empty_text(struct record *);
static void	build_parsed(struct record *);

static void
build_empty(struct record *rec)
{
	record_init(rec);
}

static void
build_txt_ok(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_OK;
	rec->txt_checked = T0;
	strcpy(rec->txt_id, "20240101T1");
	rec->last_asked = T0 - 5;
}

static void
build_negative(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_NONE;
	rec->txt_checked = T0;
	rec->negative_until = T0 + 300;
	rec->last_asked = T0;
}

static void
build_txt_error(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_ERROR;
	rec->txt_checked = T0;
	rec->negative_until = T0 + 60;
	rec->fail = FAIL_TXT_DNS;
	rec->fail_time = T0;
	strcpy(rec->fail_reason, "SERVFAIL for _mta-sts.example.com");
}

static void
build_fetch_failed(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_OK;
	rec->txt_checked = T0;
	strcpy(rec->txt_id, "abc123");
	rec->fail = FAIL_TLS_UNTRUSTED;
	rec->fail_time = T0 + 1;
	strcpy(rec->fail_id, "abc123");
	strcpy(rec->fail_reason, "self-signed certificate in chain");
	rec->failures = 3;
	rec->next_fetch = T0 + 301;
}

static void
build_enforce(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_OK;
	rec->txt_checked = T0;
	strcpy(rec->txt_id, "abc123");
	rec->has_policy = 1;
	strcpy(rec->policy_id, "abc123");
	rec->fetched = T0;
	rec->expires = T0 + 604800;
	rec->origin = RECORD_ORIGIN_LOOKUP;
	rec->policy.mode = STS_MODE_ENFORCE;
	rec->policy.max_age = 604800;
	rec->policy.nmx = 2;
	rec->policy.mx[0] = mx_two[0];
	rec->policy.mx[1] = mx_two[1];
	rec->policy.nlines = 5;
	rec->policy.lines = lines_small;
	rec->text = text_small;
	rec->text_len = sizeof(text_small) - 1;
	rec->last_asked = T0 + 10;
}

static void
build_testing(struct record *rec)
{
	build_enforce(rec);
	rec->policy.mode = STS_MODE_TESTING;
	rec->policy.nmx = 1;
	rec->origin = RECORD_ORIGIN_REFRESH;
	rec->policy.warnings = STS_WARN_MX_DOT | STS_WARN_BLANK_LINE;
}

static void
build_none(struct record *rec)
{
	static char	 n1[] = "version: STSv1", n2[] = "mode: none",
			 n3[] = "max_age: 86400";
	static char	*lines[] = { n1, n2, n3 };
	static const char text[] = "version: STSv1\nmode: none\n"
			    "max_age: 86400\n";

	record_init(rec);
	rec->txt = RECORD_TXT_OK;
	rec->txt_checked = T0;
	strcpy(rec->txt_id, "removal2");
	rec->has_policy = 1;
	strcpy(rec->policy_id, "removal2");
	rec->fetched = T0;
	rec->expires = T0 + 86400;
	rec->origin = RECORD_ORIGIN_OPERATOR;
	rec->policy.mode = STS_MODE_NONE;
	rec->policy.max_age = 86400;
	rec->policy.nlines = 3;
	rec->policy.lines = lines;
	rec->text = text;
	rec->text_len = sizeof(text) - 1;
}

static void
build_policy_and_failure(struct record *rec)
{
	build_enforce(rec);
	rec->txt = RECORD_TXT_OK;
	strcpy(rec->txt_id, "newid2");
	rec->fail = FAIL_SYNTAX;
	rec->fail_time = T0 + 7;
	strcpy(rec->fail_id, "newid2");
	strcpy(rec->fail_reason, "line 3: mode \"enforcing\" is not a mode");
	rec->failures = 1;
	rec->next_fetch = T0 + 307;
}

static void
build_extreme_ints(struct record *rec)
{
	build_enforce(rec);
	rec->txt_checked = INT64_MIN;
	rec->negative_until = INT64_MAX;
	rec->last_asked = -1;
	rec->fail_time = 0x0102030405060708LL;
	rec->next_fetch = INT64_MIN + 1;
	rec->failures = UINT32_MAX;
	rec->fetched = INT64_MAX;
	rec->expires = INT64_MIN;
	rec->fail = FAIL_INTERNAL;
	rec->policy.max_age = STS_MAX_AGE_MAX;
	rec->policy.warnings = 0xffffffffU;
}

static void
build_max_strings(struct record *rec)
{
	build_enforce(rec);
	strcpy(rec->txt_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
	strcpy(rec->policy_id, "0123456789abcdefghijklmnopqrstuv");
	strcpy(rec->fail_id, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9");
	memset(rec->fail_reason, 'r', RECORD_REASON_MAX);
	rec->fail_reason[RECORD_REASON_MAX] = '\0';
	rec->fail = FAIL_TIMEOUT;
}

/* STS_MX_MAX patterns of 253 bytes, STS_LINES_MAX lines, 64 KiB body. */
static void
build_max_sizes(struct record *rec)
{
	static char	 mx[STS_MX_MAX][DOMAIN_MAX + 1];
	static char	 line[STS_LINES_MAX][65];
	static char	*lines[STS_LINES_MAX];
	static char	 text[STS_POLICY_MAX];
	size_t		 i;

	build_enforce(rec);
	for (i = 0; i < STS_MX_MAX; i++) {
		/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 bytes. */
		(void)snprintf(mx[i], sizeof(mx[i]), "%.60s%03zu.%s.%s.%.61s",
		    LABEL63, i, LABEL63, LABEL63, LABEL63);
		assert_int_equal(strlen(mx[i]), DOMAIN_MAX);
		rec->policy.mx[i] = mx[i];
	}
	rec->policy.nmx = STS_MX_MAX;
	for (i = 0; i < STS_LINES_MAX; i++) {
		(void)snprintf(line[i], sizeof(line[i]), "ext%04zu: %.55s", i,
		    LABEL63);
		lines[i] = line[i];
	}
	rec->policy.nlines = STS_LINES_MAX;
	rec->policy.lines = lines;
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)(i * 7);
	rec->text = text;
	rec->text_len = sizeof(text);
}

static void
build_text_nul(struct record *rec)
{
	static const char text[] = "version: STSv1\n\0mode: none\n\0";

	build_none(rec);
	rec->text = text;
	rec->text_len = sizeof(text);	/* the final NUL is part of it */
}

static void
build_empty_text(struct record *rec)
{
	build_none(rec);
	rec->policy.nlines = 0;
	rec->policy.lines = NULL;
	rec->text = NULL;
	rec->text_len = 0;
	rec->policy_id[0] = '\0';
	rec->origin = RECORD_ORIGIN_NONE;
}

/* A policy as sts_policy_parse() leaves it. */
static struct sts_policy	parsed;

static void
build_parsed(struct record *rec)
{
	static const char	 body[] = "\xef\xbb\xbfversion: STSv1\n"
				    "mode: testing\n\nmx: MX.Example.NET.\n"
				    "mx: *.example.net\nmx: mx.example.net\n"
				    "max_age: 9999999999\nfoo: bar baz\n";
	struct parse_err	 err;

	sts_policy_clear(&parsed);
	assert_int_equal(sts_policy_parse(body, sizeof(body) - 1, 0, &parsed,
	    &err), 0);
	record_init(rec);
	rec->has_policy = 1;
	rec->policy = parsed;
	rec->text = body;
	rec->text_len = sizeof(body) - 1;
	strcpy(rec->policy_id, "p1");
	rec->fetched = T0;
	rec->expires = T0 + parsed.max_age;
	rec->origin = RECORD_ORIGIN_LOOKUP;
}

/* Field by field, strings by content. */
static void
assert_records_equal(const struct record *a, const struct record *b)
{
	size_t	i;

	assert_int_equal(a->txt, b->txt);
	assert_true(a->txt_checked == b->txt_checked);
	assert_string_equal(a->txt_id, b->txt_id);
	assert_int_equal(!!a->has_policy, !!b->has_policy);
	assert_true(a->negative_until == b->negative_until);
	assert_true(a->last_asked == b->last_asked);
	assert_int_equal(a->fail, b->fail);
	assert_true(a->fail_time == b->fail_time);
	assert_string_equal(a->fail_id, b->fail_id);
	assert_string_equal(a->fail_reason, b->fail_reason);
	assert_int_equal(a->failures, b->failures);
	assert_true(a->next_fetch == b->next_fetch);
	if (!a->has_policy)
		return;
	assert_string_equal(a->policy_id, b->policy_id);
	assert_true(a->fetched == b->fetched);
	assert_true(a->expires == b->expires);
	assert_int_equal(a->origin, b->origin);
	assert_int_equal(a->policy.mode, b->policy.mode);
	assert_int_equal(a->policy.max_age, b->policy.max_age);
	assert_int_equal(a->policy.warnings, b->policy.warnings);
	assert_int_equal(a->policy.nmx, b->policy.nmx);
	for (i = 0; i < a->policy.nmx; i++)
		assert_string_equal(a->policy.mx[i], b->policy.mx[i]);
	assert_int_equal(a->policy.nlines, b->policy.nlines);
	for (i = 0; i < a->policy.nlines; i++)
		assert_string_equal(a->policy.lines[i], b->policy.lines[i]);
	assert_int_equal(a->text_len, b->text_len);
	if (a->text_len > 0)
		assert_memory_equal(a->text, b->text, a->text_len);
}

static int
points_into(const void *p, const void *buf, size_t len)
{
	const char	*c = p, *b = buf;

	return c >= b && c < b + len;
}

struct rt_case {
	const char	*label;
	void		(*build)(struct record *);
};

static const struct rt_case rt_cases[] = {
	{ "round trip: nothing known yet", build_empty },
	{ "round trip: TXT ok, no policy yet", build_txt_ok },
	{ "round trip: negative entry (no TXT)", build_negative },
	{ "round trip: DEC-4 TXT DNS error, short negative", build_txt_error },
	{ "round trip: STS-CACHE-1 failed fetch, no policy",
	    build_fetch_failed },
	{ "round trip: STS-CACHE-1 enforce policy", build_enforce },
	{ "round trip: testing policy with warnings", build_testing },
	{ "round trip: STS-POL-19 mode none, no mx", build_none },
	{ "round trip: STS-CACHE-9 policy kept with a failure",
	    build_policy_and_failure },
	{ "round trip: extreme times and counters", build_extreme_ints },
	{ "round trip: ids of 32 and a 200-byte reason", build_max_strings },
	{ "round trip: STS_MX_MAX mx, STS_LINES_MAX lines, 64 KiB text",
	    build_max_sizes },
	{ "round trip: body with NUL bytes inside", build_text_nul },
	{ "round trip: empty body, no lines, no id", build_empty_text },
	{ "round trip: a policy from sts_policy_parse()", build_parsed },
};

static void
test_roundtrip(void **state)
{
	const struct rt_case	*tc = *state;
	struct record		 in, out;
	struct record_lines	 lines;
	struct parse_err	 err;
	unsigned char		*buf, *copy, *again;
	size_t			 len, len2, i;

	tc->build(&in);
	buf = record_encode(&in, &len);
	assert_true(len >= HEADER_LEN + 9);
	assert_memory_equal(buf, "MS\001", 3);

	/* An exact-size copy, so that ASan sees any read past the end. */
	copy = xmalloc(len);
	memcpy(copy, buf, len);
	assert_int_equal(record_decode(copy, len, &out, &lines, &err), 0);
	assert_int_equal(err.code, RECORD_ERR_NONE);
	assert_records_equal(&in, &out);
	for (i = 0; i < out.policy.nmx; i++)
		assert_true(points_into(out.policy.mx[i], copy, len));
	for (i = 0; i < out.policy.nlines; i++)
		assert_true(points_into(out.policy.lines[i], copy, len));
	if (out.has_policy) {
		assert_ptr_equal(out.policy.lines, lines.v);
		assert_true(points_into(out.text, copy, len));
		assert_int_equal(out.text[out.text_len], '\0');
	}

	again = record_encode(&out, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	xfree(again);
	xfree(copy);
	xfree(buf);
	sts_policy_clear(&parsed);
}

/* Every prefix of a valid value is truncated, and says so cleanly. */
static void
test_truncate_everywhere(void **state)
{
	static void		(*const builds[])(struct record *) = {
		build_empty, build_fetch_failed, build_enforce, build_none,
		build_policy_and_failure, build_text_nul, build_empty_text,
	};
	struct record		 in, out, empty;
	struct record_lines	 lines;
	struct parse_err	 err;
	unsigned char		*buf, *copy;
	size_t			 len, cut, b;

	record_init(&empty);
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++) {
		builds[b](&in);
		buf = record_encode(&in, &len);
		for (cut = 0; cut < len; cut++) {
			copy = xmalloc(cut > 0 ? cut : 1);
			memcpy(copy, buf, cut);
			assert_int_equal(record_decode(copy, cut, &out, &lines,
			    &err), -1);
			assert_int_equal(err.code, RECORD_ERR_TRUNCATED);
			assert_non_null(strstr(err.msg, "truncated: "));
			assert_memory_equal(&out, &empty, sizeof(out));
			xfree(copy);
		}
		xfree(buf);
	}
}

/*
 * Any one damaged byte is refused or decodes to a record that encodes
 * back to exactly those bytes.
 */
static void
test_flip_every_byte(void **state)
{
	static const unsigned char	 xors[] = { 0x01, 0x20, 0x80, 0xff };
	struct record			 in, out, empty;
	struct record_lines		 lines;
	struct parse_err		 err;
	unsigned char			*buf, *again;
	size_t				 len, len2, i, x;

	record_init(&empty);
	build_policy_and_failure(&in);
	buf = record_encode(&in, &len);
	for (i = 0; i < len; i++)
		for (x = 0; x < sizeof(xors); x++) {
			buf[i] ^= xors[x];
			if (record_decode(buf, len, &out, &lines, &err) == 0) {
				again = record_encode(&out, &len2);
				assert_int_equal(len, len2);
				assert_memory_equal(buf, again, len);
				xfree(again);
			} else {
				assert_int_not_equal(err.code, 0);
				assert_true(err.msg[0] != '\0');
				assert_memory_equal(&out, &empty,
				    sizeof(out));
			}
			buf[i] ^= xors[x];
		}
	xfree(buf);
}

/* The layout is a stored format: pin it. */
static void
test_golden_layout(void **state)
{
	static const unsigned char	want[] = {
		'M', 'S', 1, 0,			/* magic, version, flags */
		RECORD_TXT_OK, FAIL_TCP,
		8, 7, 6, 5, 4, 3, 2, 1,		/* txt_checked */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* -1 */
		0, 0, 0, 0, 0, 0, 0, 0,		/* last_asked */
		1, 0, 0, 0, 0, 0, 0, 0,		/* fail_time */
		0x2c, 0x01, 0, 0, 0, 0, 0, 0,	/* next_fetch 300 */
		2, 1, 0, 0,			/* failures 258 */
		2, 0, 'i', 'd', 0,		/* txt_id */
		0, 0, 0,			/* fail_id */
		1, 0, 'x', 0,			/* fail_reason */
	};
	struct record	 rec;
	unsigned char	*buf;
	size_t		 len;

	record_init(&rec);
	rec.txt = RECORD_TXT_OK;
	rec.fail = FAIL_TCP;
	rec.txt_checked = 0x0102030405060708LL;
	rec.negative_until = -1;
	rec.fail_time = 1;
	rec.next_fetch = 300;
	rec.failures = 258;
	strcpy(rec.txt_id, "id");
	strcpy(rec.fail_reason, "x");
	buf = record_encode(&rec, &len);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	xfree(buf);
}

/* Without room for lines, a policy with lines cannot be decoded. */
static void
test_no_lines_room(void **state)
{
	struct record		 in, out;
	struct parse_err	 err;
	unsigned char		*buf;
	size_t			 len;

	build_enforce(&in);
	buf = record_encode(&in, &len);
	assert_int_equal(record_decode(buf, len, &out, NULL, &err), -1);
	assert_int_equal(err.code, RECORD_ERR_FIELD);
	xfree(buf);
	build_empty_text(&in);
	buf = record_encode(&in, &len);
	assert_int_equal(record_decode(buf, len, &out, NULL, NULL), 0);
	assert_int_equal(record_decode(NULL, 0, &out, NULL, &err), -1);
	assert_int_equal(err.code, RECORD_ERR_TRUNCATED);
	xfree(buf);
}

/*
 * Damage: a mutation of a valid value and what decode must say.
 */
enum mut {
	M_SET,		/* width bytes at off (negative: from the end) */
	M_POL,		/* width bytes at off into the policy part */
	M_NEEDLE,	/* width bytes at off from where needle is */
	M_KEEP,		/* keep only the first off bytes */
	M_DROP,		/* drop off bytes from the end */
	M_APPEND	/* one more byte, val */
};

struct bad_case {
	const char	*label;
	void		(*build)(struct record *);
	enum mut	 kind;
	const char	*needle;	/* may hold NULs */
	size_t		 nlen;
	long		 off;
	unsigned	 width;
	uint64_t	 val;
	int		 code;		/* -1: any error */
	const char	*msg;		/* substring, or NULL */
};

#define N(s)		(s), sizeof(s) - 1
#define NO_NEEDLE	NULL, 0

/* Offsets into the policy part (record.c). */
#define POL_ORIGIN	0
#define POL_MODE	1
#define POL_MAX_AGE	18
#define POL_NMX		26
#define POL_NLINES	28
#define POL_ID		30

static const struct bad_case bad_cases[] = {
	{ "damage: empty value", build_empty, M_KEEP, NO_NEEDLE, 0, 0, 0,
	    RECORD_ERR_TRUNCATED, "header needs 3 bytes, 0 left" },
	{ "damage: bad first magic byte", build_enforce, M_SET, NO_NEEDLE, 0,
	    1, 'm', RECORD_ERR_MAGIC, "magic" },
	{ "damage: bad second magic byte", build_enforce, M_SET, NO_NEEDLE, 1,
	    1, 's', RECORD_ERR_MAGIC, "magic" },
	{ "damage: bad magic in a 1-byte value", build_empty, M_SET,
	    NO_NEEDLE, 0, 1, 0, RECORD_ERR_MAGIC, "magic" },
	{ "damage: only the first magic byte", build_empty, M_KEEP, NO_NEEDLE,
	    1, 0, 0, RECORD_ERR_TRUNCATED, "header" },
	{ "damage: version 0", build_enforce, M_SET, NO_NEEDLE, 2, 1, 0,
	    RECORD_ERR_VERSION, "version 0" },
	{ "damage: version 2 (from a newer build)", build_enforce, M_SET,
	    NO_NEEDLE, 2, 1, 2, RECORD_ERR_VERSION, "version 2" },
	{ "damage: version 255", build_empty, M_SET, NO_NEEDLE, 2, 1, 255,
	    RECORD_ERR_VERSION, "version 255" },
	{ "damage: unknown flag", build_enforce, M_SET, NO_NEEDLE, 3, 1, 0x03,
	    RECORD_ERR_FIELD, "unknown flags 0x03" },
	{ "damage: policy flag without a policy part", build_empty, M_SET,
	    NO_NEEDLE, 3, 1, 0x01, RECORD_ERR_TRUNCATED,
	    "origin needs 1 bytes, 0 left" },
	{ "damage: policy part without the policy flag", build_enforce, M_SET,
	    NO_NEEDLE, 3, 1, 0x00, RECORD_ERR_FIELD, "trailing bytes" },
	{ "damage: txt result 5", build_enforce, M_SET, NO_NEEDLE, 4, 1, 5,
	    RECORD_ERR_FIELD, "txt result 5" },
	{ "damage: failure class 16", build_fetch_failed, M_SET, NO_NEEDLE, 5,
	    1, FAIL_CLASS_MAX + 1, RECORD_ERR_FIELD, "failure class 16" },
	{ "damage: origin 4", build_enforce, M_POL, NO_NEEDLE, POL_ORIGIN, 1,
	    4, RECORD_ERR_FIELD, "origin 4" },
	{ "damage: mode unset", build_enforce, M_POL, NO_NEEDLE, POL_MODE, 1,
	    STS_MODE_UNSET, RECORD_ERR_FIELD, "mode 0" },
	{ "damage: mode 4", build_enforce, M_POL, NO_NEEDLE, POL_MODE, 1, 4,
	    RECORD_ERR_FIELD, "mode 4" },
	{ "damage: DEC-9 max_age over the clamp", build_enforce, M_POL,
	    NO_NEEDLE, POL_MAX_AGE, 4, STS_MAX_AGE_MAX + 1, RECORD_ERR_FIELD,
	    "max_age 31557601" },
	{ "damage: STS_MX_MAX + 1 mx patterns", build_enforce, M_POL,
	    NO_NEEDLE, POL_NMX, 2, STS_MX_MAX + 1, RECORD_ERR_FIELD,
	    "101 mx patterns" },
	{ "damage: STS-POL-9 enforce without mx", build_enforce, M_POL,
	    NO_NEEDLE, POL_NMX, 2, 0, RECORD_ERR_FIELD,
	    "enforce without mx" },
	{ "damage: more mx than stored", build_enforce, M_POL, NO_NEEDLE,
	    POL_NMX, 2, 3, -1, NULL },
	{ "damage: STS_LINES_MAX + 1 lines", build_enforce, M_POL, NO_NEEDLE,
	    POL_NLINES, 2, STS_LINES_MAX + 1, RECORD_ERR_FIELD,
	    "1001 policy lines" },
	{ "damage: more lines than stored", build_enforce, M_POL, NO_NEEDLE,
	    POL_NLINES, 2, 6, -1, NULL },
	{ "damage: STS-REC-7 txt id with '-'", build_enforce, M_NEEDLE,
	    N("abc123"), 3, 1, '-', RECORD_ERR_FIELD,
	    "txt id has a character that is not a letter or digit" },
	{ "damage: STS-REC-7 failure id with '.'", build_fetch_failed,
	    M_NEEDLE, N("\006\000abc123"), 12, 1, '.', RECORD_ERR_FIELD,
	    "failure id has a character" },
	{ "damage: STS-REC-7 policy id with '_'", build_none, M_POL,
	    NO_NEEDLE, POL_ID + 2, 1, '_', RECORD_ERR_FIELD, "policy id has" },
	{ "damage: STS-REC-7 txt id of 33 bytes", build_enforce, M_SET,
	    NO_NEEDLE, HEADER_LEN, 2, STS_ID_MAX + 1, RECORD_ERR_FIELD,
	    "txt id is 33 bytes, at most 32" },
	{ "damage: id length 0xffff", build_empty, M_SET, NO_NEEDLE,
	    HEADER_LEN, 2, 0xffff, RECORD_ERR_FIELD, "at most 32" },
	{ "damage: reason of 201 bytes", build_txt_error, M_SET, NO_NEEDLE,
	    HEADER_LEN + 6, 2, RECORD_REASON_MAX + 1, RECORD_ERR_FIELD,
	    "failure reason is 201 bytes, at most 200" },
	{ "damage: reason longer than the value", build_txt_error, M_SET,
	    NO_NEEDLE, HEADER_LEN + 6, 2, 150, RECORD_ERR_TRUNCATED,
	    "failure reason needs 151 bytes" },
	{ "damage: NUL inside the reason", build_txt_error, M_NEEDLE,
	    N("SERVFAIL"), 4, 1, 0, RECORD_ERR_FIELD, "reason has a NUL" },
	{ "damage: txt id without its NUL", build_enforce, M_NEEDLE,
	    N("abc123"), 6, 1, 'x', RECORD_ERR_FIELD,
	    "txt id does not end with a NUL" },
	{ "damage: mx pattern without its NUL", build_enforce, M_NEEDLE,
	    N("mx1.example.com"), 15, 1, 'x', RECORD_ERR_FIELD,
	    "mx pattern 1 does not end with a NUL" },
	{ "damage: NUL inside an mx pattern", build_enforce, M_NEEDLE,
	    N("*.mail.example.com"), 3, 1, 0, RECORD_ERR_FIELD,
	    "mx pattern 2 has a NUL inside" },
	{ "damage: STS-POL-9 mx pattern not a host name", build_enforce,
	    M_NEEDLE, N("mx1.example.com"), 3, 1, ' ', RECORD_ERR_FIELD,
	    "mx pattern 1 is not a valid pattern" },
	{ "damage: mx pattern of 254 bytes", build_enforce, M_NEEDLE,
	    N("mx1.example.com"), -2, 2, DOMAIN_MAX + 1, RECORD_ERR_FIELD,
	    "mx pattern 1 is 254 bytes" },
	{ "damage: mx pattern longer than the value", build_enforce,
	    M_NEEDLE, N("*.mail.example.com"), -2, 2, 250, -1, NULL },
	{ "damage: NUL inside a policy line", build_enforce, M_NEEDLE,
	    N("mode: enforce\0"), 4, 1, 0, RECORD_ERR_FIELD,
	    "policy line 2 has a NUL inside" },
	{ "damage: policy line without its NUL", build_enforce, M_NEEDLE,
	    N("max_age: 604800\0"), 15, 1, '!', RECORD_ERR_FIELD,
	    "policy line 5 does not end" },
	{ "damage: line length 0xffffffff", build_enforce, M_NEEDLE,
	    N("version: STSv1\0"), -4, 4, 0xffffffffU, RECORD_ERR_FIELD,
	    "policy line 1 is 4294967295 bytes" },
	{ "damage: line longer than the value", build_enforce, M_NEEDLE,
	    N("max_age: 604800\0"), -4, 4, 60000, RECORD_ERR_TRUNCATED,
	    "truncated: policy line 5 needs 60001 bytes" },
	{ "damage: body over STS_POLICY_MAX", build_enforce, M_NEEDLE,
	    N("version: STSv1\r\n"), -4, 4, STS_POLICY_MAX + 1,
	    RECORD_ERR_FIELD, "policy text is 65537 bytes" },
	{ "damage: body without its NUL", build_enforce, M_SET, NO_NEEDLE, -1,
	    1, '\n', RECORD_ERR_FIELD, "policy text does not end with a NUL" },
	{ "damage: body one byte short", build_enforce, M_DROP, NO_NEEDLE, 1,
	    0, 0, RECORD_ERR_TRUNCATED, "truncated: policy text needs" },
	{ "damage: trailing byte after a policy", build_enforce, M_APPEND,
	    NO_NEEDLE, 0, 0, 0, RECORD_ERR_FIELD, "1 trailing bytes" },
	{ "damage: trailing byte after an empty record", build_empty,
	    M_APPEND, NO_NEEDLE, 0, 0, 'M', RECORD_ERR_FIELD, "trailing" },
	{ "damage: header cut short", build_enforce, M_KEEP, NO_NEEDLE, 10, 0,
	    0, RECORD_ERR_TRUNCATED, "header needs 50 bytes, 10 left" },
};

static void
test_bad(void **state)
{
	const struct bad_case	*tc = *state;
	struct record		 in, out, empty;
	struct record_lines	 lines;
	struct parse_err	 err;
	unsigned char		*buf, *copy;
	size_t			 len, i, at = 0;
	int			 found = 0;

	tc->build(&in);
	buf = record_encode(&in, &len);
	/* Exact size, so that ASan sees any read past the end. */
	copy = xmalloc(len);
	memcpy(copy, buf, len);
	switch (tc->kind) {
	case M_SET:
		at = tc->off < 0 ? len - (size_t)-tc->off : (size_t)tc->off;
		break;
	case M_POL:
		at = HEADER_LEN + 9 + strlen(in.txt_id) + strlen(in.fail_id) +
		    strlen(in.fail_reason) + (size_t)tc->off;
		break;
	case M_NEEDLE:
		for (i = 0; i + tc->nlen <= len && !found; i++)
			if (memcmp(buf + i, tc->needle, tc->nlen) == 0) {
				found = 1;
				at = i + (size_t)tc->off;
			}
		assert_true(found);
		break;
	case M_KEEP:
		len = (size_t)tc->off;
		break;
	case M_DROP:
		len -= (size_t)tc->off;
		break;
	case M_APPEND:
		xfree(copy);
		copy = xmalloc(len + 1);
		memcpy(copy, buf, len);
		copy[len++] = (unsigned char)tc->val;
		break;
	}
	if (tc->kind == M_SET || tc->kind == M_POL || tc->kind == M_NEEDLE) {
		assert_true(at + tc->width <= len);
		for (i = 0; i < tc->width; i++)
			copy[at + i] = (unsigned char)(tc->val >> (8 * i));
	}
	if (tc->kind == M_KEEP || tc->kind == M_DROP) {
		/* Shrink to the exact size. */
		memcpy(buf, copy, len);
		xfree(copy);
		copy = xmalloc(len > 0 ? len : 1);
		memcpy(copy, buf, len);
	}
	record_init(&empty);
	assert_int_equal(record_decode(copy, len, &out, &lines, &err), -1);
	if (tc->code != -1)
		assert_int_equal(err.code, tc->code);
	else
		assert_int_not_equal(err.code, 0);
	if (tc->msg != NULL && strstr(err.msg, tc->msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, tc->msg);
	assert_memory_equal(&out, &empty, sizeof(out));
	xfree(copy);
	xfree(buf);
}

/*
 * String tables.
 */

struct fail_case {
	const char	*label;
	int		 fc;
	const char	*str;
	const char	*tlsrpt;
	int		 is_fetch;
};

#define WEBPKI	"sts-webpki-invalid"
#define INVALID	"sts-policy-invalid"
#define FETCH	"sts-policy-fetch-error"

static const struct fail_case fail_cases[] = {
	{ "fail none", FAIL_NONE, "none", NULL, 0 },
	{ "fail STS-REC-14 txt-dns: no policy, not a fetch error",
	    FAIL_TXT_DNS, "txt-dns", NULL, 0 },
	{ "fail STS-REC-5 txt-invalid", FAIL_TXT_INVALID, "txt-invalid", NULL,
	    0 },
	{ "fail STS-REC-4 txt-multiple", FAIL_TXT_MULTIPLE, "txt-multiple",
	    NULL, 0 },
	{ "fail STS-FETCH-19 host-dns", FAIL_HOST_DNS, "host-dns", FETCH, 1 },
	{ "fail STS-FETCH-19 tcp", FAIL_TCP, "tcp", FETCH, 1 },
	{ "fail STS-FETCH-19 tls-handshake", FAIL_TLS_HANDSHAKE,
	    "tls-handshake", FETCH, 1 },
	{ "fail STS-FETCH-19 tls-name is webpki", FAIL_TLS_NAME, "tls-name",
	    WEBPKI, 1 },
	{ "fail STS-FETCH-19 tls-expired is webpki", FAIL_TLS_EXPIRED,
	    "tls-expired", WEBPKI, 1 },
	{ "fail STS-FETCH-19 tls-untrusted is webpki", FAIL_TLS_UNTRUSTED,
	    "tls-untrusted", WEBPKI, 1 },
	{ "fail STS-FETCH-19 http-status", FAIL_HTTP_STATUS, "http-status",
	    FETCH, 1 },
	{ "fail DEC-10 content-type", FAIL_CONTENT_TYPE, "content-type",
	    FETCH, 1 },
	{ "fail STS-FETCH-9 size", FAIL_SIZE, "size", FETCH, 1 },
	{ "fail STS-FETCH-8 timeout", FAIL_TIMEOUT, "timeout", FETCH, 1 },
	{ "fail RPT-12 syntax is sts-policy-invalid", FAIL_SYNTAX, "syntax",
	    INVALID, 1 },
	{ "fail internal", FAIL_INTERNAL, "internal", FETCH, 1 },
	{ "fail out of range", FAIL_CLASS_MAX + 1, "unknown", NULL, 0 },
	{ "fail negative", -1, "unknown", NULL, 0 },
};

static void
test_fail(void **state)
{
	const struct fail_case	*tc = *state;
	const char		*s;

	assert_string_equal(fail_class_str((enum fail_class)tc->fc), tc->str);
	s = fail_class_tlsrpt((enum fail_class)tc->fc);
	if (tc->tlsrpt == NULL)
		assert_null(s);
	else
		assert_string_equal(s, tc->tlsrpt);
	assert_int_equal(fail_class_is_fetch((enum fail_class)tc->fc),
	    tc->is_fetch);
}

struct str_case {
	const char	*label;
	int		 origin;	/* 0: txt table, 1: origin table */
	int		 v;
	const char	*want;
};

static const struct str_case str_cases[] = {
	{ "txt unknown", 0, RECORD_TXT_UNKNOWN, "unknown" },
	{ "txt ok", 0, RECORD_TXT_OK, "ok" },
	{ "txt none", 0, RECORD_TXT_NONE, "none" },
	{ "txt invalid", 0, RECORD_TXT_INVALID, "invalid" },
	{ "txt error", 0, RECORD_TXT_ERROR, "error" },
	{ "txt out of range", 0, 99, "unknown" },
	{ "origin none", 1, RECORD_ORIGIN_NONE, "none" },
	{ "origin lookup", 1, RECORD_ORIGIN_LOOKUP, "lookup" },
	{ "origin STS-CACHE-7 refresh", 1, RECORD_ORIGIN_REFRESH, "refresh" },
	{ "origin operator", 1, RECORD_ORIGIN_OPERATOR, "operator" },
	{ "origin out of range", 1, 4, "unknown" },
};

static void
test_str(void **state)
{
	const struct str_case	*tc = *state;

	if (tc->origin)
		assert_string_equal(record_origin_str(
		    (enum record_origin)tc->v), tc->want);
	else
		assert_string_equal(record_txt_str((enum record_txt)tc->v),
		    tc->want);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, rt_cases, test_roundtrip);
	TABLE_ADD(&tt, bad_cases, test_bad);
	table_add_fn(&tt, "damage: every truncation is refused cleanly",
	    test_truncate_everywhere);
	table_add_fn(&tt, "damage: every flipped byte is refused or "
	    "round-trips", test_flip_every_byte);
	table_add_fn(&tt, "layout: version 1 bytes are pinned",
	    test_golden_layout);
	table_add_fn(&tt, "decode: lines need room, NULL buffer is empty",
	    test_no_lines_room);
	TABLE_ADD(&tt, fail_cases, test_fail);
	TABLE_ADD(&tt, str_cases, test_str);
	return table_run("record", &tt);
}
