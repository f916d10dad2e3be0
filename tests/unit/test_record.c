/*
 * test_record.c: the cache record encoding (record.h, STS-CACHE-1,
 * STS-CACHE-14, DEC-17) and the failure class tables (failure.h,
 * STS-FETCH-19, RPT-12).  Round trips of varied records, with and without
 * a DANE part; version 1 values written before DANE still decode; and
 * every kind of damage a stored value can have: it must be refused
 * cleanly, never trusted.
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
#define HEADER_LEN	50	/* record.c: fixed part of versions 1, 2 */
#define VERSION_AT	2	/* record.c: offset of the version byte */
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
static void	build_dane_insecure(struct record *);
static void	build_dane_secure_no_hosts(struct record *);
static void	build_dane_enforce(struct record *);
static void	build_dane_mx_fail(struct record *);
static void	build_dane_max(struct record *);
static void	build_dane_everything_max(struct record *);
static void	flip_one(const unsigned char *, size_t, struct record *,
		    struct record_lines *, const struct record *);

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

/* DANE (record.h): no TLSA anywhere, the MX RRset not signed. */
static void
build_dane_insecure(struct record *rec)
{
	build_txt_ok(rec);
	rec->has_dane = 1;
	rec->dane_checked = T0;
	rec->dane_expires = T0 + 3600;
	rec->dane_mx = DANE_MX_INSECURE;
}

/* A signed MX RRset with no host considered (decide: STS). */
static void
build_dane_secure_no_hosts(struct record *rec)
{
	build_negative(rec);
	rec->has_dane = 1;
	rec->dane_checked = T0 - 1;
	rec->dane_expires = T0 + 59;
	rec->dane_mx = DANE_MX_SECURE;
}

static const char	dane_h1[] = "mx1.example.com",
			dane_h2[] = "mx2.mail.example.com";

/* A policy and DANE together: both parts in one value. */
static void
build_dane_enforce(struct record *rec)
{
	build_policy_and_failure(rec);
	rec->has_dane = 1;
	rec->dane_checked = T0 + 2;
	rec->dane_expires = T0 + 302;
	rec->dane_mx = DANE_MX_SECURE;
	rec->dane_nhosts = 2;
	rec->dane_host[0] = dane_h1;
	rec->dane_class[0] = DANE_HOST_USABLE;
	rec->dane_host[1] = dane_h2;
	rec->dane_class[1] = DANE_HOST_UNUSABLE;
}

/* DNS trouble: the MX RRset unknowable, one host's TLSA failed. */
static void
build_dane_mx_fail(struct record *rec)
{
	build_txt_error(rec);
	rec->has_dane = 1;
	rec->dane_checked = T0;
	rec->dane_expires = T0 + 30;
	rec->dane_mx = DANE_MX_FAIL;
	rec->dane_nhosts = 1;
	rec->dane_host[0] = dane_h1;
	rec->dane_class[0] = DANE_HOST_FAIL;
}

/* DANE_HOSTS_MAX hosts of 253 bytes, every class, extreme times. */
static void
build_dane_max(struct record *rec)
{
	static char	host[DANE_HOSTS_MAX][DOMAIN_MAX + 1];
	size_t		i;

	build_fetch_failed(rec);
	rec->has_dane = 1;
	rec->dane_checked = INT64_MIN;
	rec->dane_expires = INT64_MAX;
	rec->dane_mx = DANE_MX_SECURE;
	for (i = 0; i < DANE_HOSTS_MAX; i++) {
		(void)snprintf(host[i], sizeof(host[i]),
		    "%.60s%03zu.%s.%s.%.61s", LABEL63, i, LABEL63, LABEL63,
		    LABEL63);
		assert_int_equal(strlen(host[i]), DOMAIN_MAX);
		rec->dane_host[i] = host[i];
		rec->dane_class[i] = (enum dane_host)(i % (DANE_HOST_FAIL + 1));
	}
	rec->dane_nhosts = DANE_HOSTS_MAX;
}

/* The largest value there is: the biggest policy and DANE part. */
static void
build_dane_everything_max(struct record *rec)
{
	struct record	dane;

	build_max_sizes(rec);
	build_dane_max(&dane);
	rec->has_dane = 1;
	rec->dane_checked = dane.dane_checked;
	rec->dane_expires = dane.dane_expires;
	rec->dane_mx = dane.dane_mx;
	rec->dane_nhosts = dane.dane_nhosts;
	memcpy(rec->dane_host, dane.dane_host, sizeof(rec->dane_host));
	memcpy(rec->dane_class, dane.dane_class, sizeof(rec->dane_class));
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
	assert_int_equal(!!a->has_dane, !!b->has_dane);
	if (a->has_dane) {
		assert_true(a->dane_checked == b->dane_checked);
		assert_true(a->dane_expires == b->dane_expires);
		assert_int_equal(a->dane_mx, b->dane_mx);
		assert_int_equal(a->dane_nhosts, b->dane_nhosts);
		for (i = 0; i < a->dane_nhosts; i++) {
			assert_string_equal(a->dane_host[i], b->dane_host[i]);
			assert_int_equal(a->dane_class[i], b->dane_class[i]);
		}
	}
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
	{ "round trip: DANE insecure MX, 0 hosts", build_dane_insecure },
	{ "round trip: DANE secure MX, 0 hosts, negative entry",
	    build_dane_secure_no_hosts },
	{ "round trip: DANE usable and unusable hosts with a policy",
	    build_dane_enforce },
	{ "round trip: DANE MX fail, host TLSA fail", build_dane_mx_fail },
	{ "round trip: DANE_HOSTS_MAX hosts of 253 bytes, every class",
	    build_dane_max },
	{ "round trip: the largest policy and DANE part together",
	    build_dane_everything_max },
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
	assert_memory_equal(buf, "MS\002", 3);
	assert_int_equal(buf[3] & 0x02, in.has_dane ? 0x02 : 0);

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
	for (i = 0; i < out.dane_nhosts; i++)
		assert_true(points_into(out.dane_host[i], copy, len));
	if (!out.has_dane) {
		assert_int_equal(out.dane_nhosts, 0);
		assert_true(out.dane_checked == 0 && out.dane_expires == 0);
	}

	again = record_encode(&out, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	xfree(again);

	/*
	 * Without a DANE part, the same bytes labelled version 1 are what
	 * an older build wrote: they decode to the same record, which now
	 * encodes as version 2.
	 */
	if (!in.has_dane) {
		copy[VERSION_AT] = 1;
		assert_int_equal(record_decode(copy, len, &out, &lines, &err),
		    0);
		assert_records_equal(&in, &out);
		assert_int_equal(out.has_dane, 0);
		again = record_encode(&out, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, again, len);
		xfree(again);
	}
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
		build_dane_insecure, build_dane_enforce, build_dane_mx_fail,
		build_dane_max,
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
 * back to exactly those bytes (the version byte cannot become 1: no xor
 * below turns 2 into 1).
 */
static void
flip_one(const unsigned char *buf, size_t len, struct record *out,
    struct record_lines *lines, const struct record *empty)
{
	struct parse_err	 err;
	unsigned char		*again;
	size_t			 len2;

	if (record_decode(buf, len, out, lines, &err) == 0) {
		again = record_encode(out, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, again, len);
		xfree(again);
	} else {
		assert_int_not_equal(err.code, 0);
		assert_true(err.msg[0] != '\0');
		assert_memory_equal(out, empty, sizeof(*out));
	}
}

static void
test_flip_every_byte(void **state)
{
	static void		(*const builds[])(struct record *) = {
		build_policy_and_failure, build_dane_enforce,
	};
	static const unsigned char	 xors[] = { 0x01, 0x20, 0x80, 0xff };
	struct record			 in, out, empty;
	struct record_lines		 lines;
	unsigned char			*buf;
	size_t				 len, i, x, b;

	record_init(&empty);
	for (b = 0; b < sizeof(builds) / sizeof(builds[0]); b++) {
		builds[b](&in);
		buf = record_encode(&in, &len);
		for (i = 0; i < len; i++)
			for (x = 0; x < sizeof(xors); x++) {
				buf[i] ^= xors[x];
				flip_one(buf, len, &out, &lines, &empty);
				buf[i] ^= xors[x];
			}
		xfree(buf);
	}
}

/*
 * The layout is a stored format: pin it.  golden_v1 is what the version 1
 * encoder wrote for golden_record(); version 2 writes the same bytes but
 * for the version.
 */
static const unsigned char	golden_v1[] = {
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

/* The DANE section golden_record_dane() adds. */
static const unsigned char	golden_dane[] = {
	0x10, 0x32, 0x54, 0x76, 0, 0, 0, 0,	/* dane_checked */
	0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* expires -2 */
	DANE_MX_SECURE, 2,			/* dane_mx, nhosts */
	DANE_HOST_USABLE, 3, 0, 'm', 'x', '1', 0,
	DANE_HOST_FAIL, 1, 0, 'b', 0,
};

static void	golden_record(struct record *);
static void	golden_record_dane(struct record *);
static unsigned char *golden_bytes(int, int, size_t *);

static void
golden_record(struct record *rec)
{
	record_init(rec);
	rec->txt = RECORD_TXT_OK;
	rec->fail = FAIL_TCP;
	rec->txt_checked = 0x0102030405060708LL;
	rec->negative_until = -1;
	rec->fail_time = 1;
	rec->next_fetch = 300;
	rec->failures = 258;
	strcpy(rec->txt_id, "id");
	strcpy(rec->fail_reason, "x");
}

static void
golden_record_dane(struct record *rec)
{
	golden_record(rec);
	rec->has_dane = 1;
	rec->dane_checked = 0x76543210LL;
	rec->dane_expires = -2;
	rec->dane_mx = DANE_MX_SECURE;
	rec->dane_nhosts = 2;
	rec->dane_host[0] = "mx1";
	rec->dane_class[0] = DANE_HOST_USABLE;
	rec->dane_host[1] = "b";
	rec->dane_class[1] = DANE_HOST_FAIL;
}

/* golden_v1 as version, with the DANE flag and section if dane (xmalloc). */
static unsigned char *
golden_bytes(int version, int dane, size_t *len)
{
	unsigned char	*p;

	*len = sizeof(golden_v1) + (dane ? sizeof(golden_dane) : 0);
	p = xmalloc(*len);
	memcpy(p, golden_v1, sizeof(golden_v1));
	p[VERSION_AT] = (unsigned char)version;
	if (dane) {
		p[3] |= 0x02;
		memcpy(p + sizeof(golden_v1), golden_dane, sizeof(golden_dane));
	}
	return p;
}

static void
test_golden_layout(void **state)
{
	struct record	 rec;
	unsigned char	*buf, *want;
	size_t		 len, wlen;

	golden_record(&rec);
	buf = record_encode(&rec, &len);
	want = golden_bytes(2, 0, &wlen);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, len);
	xfree(want);
	xfree(buf);

	golden_record_dane(&rec);
	buf = record_encode(&rec, &len);
	want = golden_bytes(2, 1, &wlen);
	assert_int_equal(len, wlen);
	assert_memory_equal(buf, want, len);
	xfree(want);
	xfree(buf);
}

/*
 * A version 1 value from an older build decodes to the record it was
 * written for, without DANE; re-encoded, it is the same value as version
 * 2, which decodes to the same fields again.
 */
static void
test_golden_v1(void **state)
{
	struct record		 want, out, again;
	struct record_lines	 lines;
	struct parse_err	 err;
	unsigned char		*v1, *v2, *buf;
	size_t			 len, v2len, blen;

	golden_record(&want);
	v1 = golden_bytes(1, 0, &len);
	assert_int_equal(record_decode(v1, len, &out, &lines, &err), 0);
	assert_int_equal(err.code, RECORD_ERR_NONE);
	assert_records_equal(&want, &out);
	assert_int_equal(out.has_dane, 0);
	assert_int_equal(out.dane_nhosts, 0);

	buf = record_encode(&out, &blen);
	v2 = golden_bytes(2, 0, &v2len);
	assert_int_equal(blen, v2len);
	assert_memory_equal(buf, v2, blen);
	assert_int_equal(record_decode(buf, blen, &again, &lines, &err), 0);
	assert_records_equal(&out, &again);
	xfree(v2);
	xfree(buf);
	xfree(v1);
}

/* Version 1 predates DANE: a value claiming both is damaged. */
static void
test_v1_with_dane(void **state)
{
	struct record		 out, empty;
	struct record_lines	 lines;
	struct parse_err	 err;
	unsigned char		*v1;
	size_t			 len;

	record_init(&empty);
	v1 = golden_bytes(1, 1, &len);
	assert_int_equal(record_decode(v1, len, &out, &lines, &err), -1);
	assert_int_equal(err.code, RECORD_ERR_FIELD);
	assert_string_equal(err.msg, "unknown flags 0x02 in a version 1 "
	    "record");
	assert_memory_equal(&out, &empty, sizeof(out));
	/* The same bytes as version 2 are fine. */
	v1[VERSION_AT] = 2;
	assert_int_equal(record_decode(v1, len, &out, &lines, &err), 0);
	assert_int_equal(out.has_dane, 1);
	assert_int_equal(out.dane_nhosts, 2);
	assert_string_equal(out.dane_host[1], "b");
	xfree(v1);
}

/* record_init() leaves no DANE part behind. */
static void
test_init_clears_dane(void **state)
{
	struct record	rec;
	size_t		i;

	memset(&rec, 0xa5, sizeof(rec));
	record_init(&rec);
	assert_int_equal(rec.has_dane, 0);
	assert_true(rec.dane_checked == 0 && rec.dane_expires == 0);
	assert_int_equal(rec.dane_mx, DANE_MX_FAIL);
	assert_int_equal(rec.dane_nhosts, 0);
	for (i = 0; i < DANE_HOSTS_MAX; i++) {
		assert_null(rec.dane_host[i]);
		assert_int_equal(rec.dane_class[i], DANE_HOST_NONE);
	}
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
	M_DANE,		/* width bytes at off into the DANE part */
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

/* Offsets into the DANE part (record.c). */
#define DANE_CHECKED	0
#define DANE_MX		16
#define DANE_NHOSTS	17
#define DANE_CLASS1	18
#define DANE_NAME1	19	/* its length; the name follows */

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
	{ "damage: version 3 (from a newer build)", build_dane_enforce,
	    M_SET, NO_NEEDLE, 2, 1, 3, RECORD_ERR_VERSION,
	    "record version 3, this build reads versions 1 to 2" },
	{ "damage: version 255", build_empty, M_SET, NO_NEEDLE, 2, 1, 255,
	    RECORD_ERR_VERSION, "version 255" },
	{ "damage: unknown flag", build_enforce, M_SET, NO_NEEDLE, 3, 1, 0x05,
	    RECORD_ERR_FIELD, "unknown flags 0x05 in a version 2 record" },
	{ "damage: top flag bit", build_dane_enforce, M_SET, NO_NEEDLE, 3, 1,
	    0x83, RECORD_ERR_FIELD, "unknown flags 0x83" },
	{ "damage: a DANE value labelled version 1", build_dane_enforce,
	    M_SET, NO_NEEDLE, 2, 1, 1, RECORD_ERR_FIELD,
	    "unknown flags 0x03 in a version 1 record" },
	{ "damage: a DANE value without policy labelled version 1",
	    build_dane_insecure, M_SET, NO_NEEDLE, 2, 1, 1, RECORD_ERR_FIELD,
	    "unknown flags 0x02 in a version 1 record" },
	{ "damage: DANE flag without a DANE part", build_enforce, M_SET,
	    NO_NEEDLE, 3, 1, 0x03, RECORD_ERR_TRUNCATED,
	    "DANE checked needs 8 bytes, 0 left" },
	{ "damage: DANE part without the DANE flag", build_dane_enforce,
	    M_SET, NO_NEEDLE, 3, 1, 0x01, RECORD_ERR_FIELD, "trailing bytes" },
	{ "damage: DANE part read as a policy part", build_dane_insecure,
	    M_SET, NO_NEEDLE, 3, 1, 0x01, -1, NULL },
	{ "damage: DANE mx 3", build_dane_enforce, M_DANE, NO_NEEDLE, DANE_MX,
	    1, DANE_MX_SECURE + 1, RECORD_ERR_FIELD, "DANE mx 3 out of range" },
	{ "damage: DANE mx 255", build_dane_insecure, M_DANE, NO_NEEDLE,
	    DANE_MX, 1, 255, RECORD_ERR_FIELD, "DANE mx 255 out of range" },
	{ "damage: DANE_HOSTS_MAX + 1 hosts", build_dane_max, M_DANE,
	    NO_NEEDLE, DANE_NHOSTS, 1, DANE_HOSTS_MAX + 1, RECORD_ERR_FIELD,
	    "33 DANE hosts, at most 32" },
	{ "damage: 255 DANE hosts", build_dane_insecure, M_DANE, NO_NEEDLE,
	    DANE_NHOSTS, 1, 255, RECORD_ERR_FIELD, "255 DANE hosts" },
	{ "damage: more DANE hosts than stored", build_dane_enforce, M_DANE,
	    NO_NEEDLE, DANE_NHOSTS, 1, 3, RECORD_ERR_TRUNCATED,
	    "truncated: DANE host class 3 needs 1 bytes, 0 left" },
	{ "damage: fewer DANE hosts than stored", build_dane_enforce, M_DANE,
	    NO_NEEDLE, DANE_NHOSTS, 1, 1, RECORD_ERR_FIELD,
	    "trailing bytes" },
	{ "damage: DANE hosts stored with a count of 0", build_dane_enforce,
	    M_DANE, NO_NEEDLE, DANE_NHOSTS, 1, 0, RECORD_ERR_FIELD,
	    "trailing bytes" },
	{ "damage: DANE host class 4", build_dane_enforce, M_DANE, NO_NEEDLE,
	    DANE_CLASS1, 1, DANE_HOST_FAIL + 1, RECORD_ERR_FIELD,
	    "DANE host 1 class 4 out of range" },
	{ "damage: DANE host 2 class 0x80", build_dane_enforce, M_NEEDLE,
	    N("\002\024\000mx2.mail"), 0, 1, 0x80, RECORD_ERR_FIELD,
	    "DANE host 2 class 128 out of range" },
	{ "damage: DANE host name empty", build_dane_mx_fail, M_NEEDLE,
	    N("\017\000mx1.example.com\000"), 0, 3, 0, RECORD_ERR_FIELD,
	    "DANE host 1 is empty" },
	{ "damage: DANE host name of 254 bytes", build_dane_enforce, M_DANE,
	    NO_NEEDLE, DANE_NAME1, 2, DOMAIN_MAX + 1, RECORD_ERR_FIELD,
	    "DANE host 1 is 254 bytes, at most 253 allowed" },
	{ "damage: DANE host name length 0xffff", build_dane_enforce, M_DANE,
	    NO_NEEDLE, DANE_NAME1, 2, 0xffff, RECORD_ERR_FIELD,
	    "DANE host 1 is 65535 bytes" },
	{ "damage: DANE host name longer than the value", build_dane_enforce,
	    M_NEEDLE, N("mx2.mail.example.com"), -2, 2, 200,
	    RECORD_ERR_TRUNCATED, "truncated: DANE host 2 needs 201 bytes" },
	{ "damage: DANE host name without its NUL", build_dane_enforce,
	    M_SET, NO_NEEDLE, -1, 1, 'x', RECORD_ERR_FIELD,
	    "DANE host 2 does not end with a NUL" },
	{ "damage: NUL inside a DANE host name", build_dane_enforce,
	    M_NEEDLE, N("mx2.mail.example.com"), 3, 1, 0, RECORD_ERR_FIELD,
	    "DANE host 2 has a NUL inside" },
	{ "damage: DANE host name one byte short", build_dane_mx_fail,
	    M_DROP, NO_NEEDLE, 1, 0, 0, RECORD_ERR_TRUNCATED,
	    "truncated: DANE host 1 needs 16 bytes, 15 left" },
	{ "damage: DANE checked cut short", build_dane_insecure, M_DROP,
	    NO_NEEDLE, 12, 0, 0, RECORD_ERR_TRUNCATED,
	    "truncated: DANE checked needs 8 bytes, 6 left" },
	{ "damage: trailing byte after a DANE part", build_dane_enforce,
	    M_APPEND, NO_NEEDLE, 0, 0, 0, RECORD_ERR_FIELD,
	    "1 trailing bytes" },
	{ "damage: trailing byte after DANE with 0 hosts",
	    build_dane_insecure, M_APPEND, NO_NEEDLE, 0, 0, 'x',
	    RECORD_ERR_FIELD, "1 trailing bytes" },
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
	case M_DANE:
		/* The DANE part starts where the value without it ends. */
		assert_true(in.has_dane);
		in.has_dane = 0;
		xfree(record_encode(&in, &at));
		in.has_dane = 1;
		at += (size_t)tc->off;
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
	if (tc->kind == M_SET || tc->kind == M_POL || tc->kind == M_DANE ||
	    tc->kind == M_NEEDLE) {
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
	table_add_fn(&tt, "layout: version 2 bytes are pinned, with and "
	    "without DANE", test_golden_layout);
	table_add_fn(&tt, "layout: version 1 bytes still decode, re-encode as "
	    "version 2", test_golden_v1);
	table_add_fn(&tt, "damage: version 1 with the DANE flag",
	    test_v1_with_dane);
	table_add_fn(&tt, "init: the DANE part is cleared",
	    test_init_clears_dane);
	table_add_fn(&tt, "decode: lines need room, NULL buffer is empty",
	    test_no_lines_room);
	TABLE_ADD(&tt, fail_cases, test_fail);
	TABLE_ADD(&tt, str_cases, test_str);
	return table_run("record", &tt);
}
