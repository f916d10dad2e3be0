/*
 * fuzz_record.c: libFuzzer target for the cache record decoder.
 *
 * Decodes arbitrary bytes as an LMDB value.  A refusal must leave the
 * record empty with a readable reason.  A value that decodes must decode
 * again, once encoded, to the same fields; and since the encoder writes
 * version 2 only, the encoding is the same bytes for a version 2 value,
 * and the same bytes but for the version byte for a version 1 value
 * (version 2 adds only an optional section).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "record.h"
#include "xmalloc.h"

/* The largest valid value is about 4 MB; 1 MB covers realistic ones. */
#define FUZZ_RECORD_INPUT_MAX	(1024 * 1024)

static void	check_err(const struct parse_err *);
static void	check_record(const struct record *, const uint8_t *, size_t);
static void	check_policy(const struct record *, const uint8_t *, size_t);
static int	str_equal(const char *, const char *);
static int	same_fields(const struct record *, const struct record *);

static void
check_err(const struct parse_err *err)
{
	size_t	i, n;

	n = strnlen(err->msg, sizeof(err->msg));
	if (n == 0 || n == sizeof(err->msg) || err->code == RECORD_ERR_NONE ||
	    err->code > RECORD_ERR_FIELD)
		__builtin_trap();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 || err->msg[i] == 0x7f)
			__builtin_trap();
}

/* Invariants of a decoded record; strings point into data. */
static void
check_record(const struct record *rec, const uint8_t *data, size_t size)
{
	const char	*end = (const char *)data + size, *h;
	size_t		 i, n;

	if (strlen(rec->txt_id) > STS_ID_MAX ||
	    strlen(rec->fail_id) > STS_ID_MAX ||
	    strlen(rec->fail_reason) > RECORD_REASON_MAX ||
	    (unsigned)rec->txt > RECORD_TXT_ERROR ||
	    (unsigned)rec->fail > FAIL_CLASS_MAX)
		__builtin_trap();
	if (!rec->has_policy) {
		if (rec->policy.nmx != 0 || rec->policy.nlines != 0 ||
		    rec->text != NULL)
			__builtin_trap();
	} else
		check_policy(rec, data, size);
	if (!rec->has_dane) {
		if (rec->dane_checked != 0 || rec->dane_expires != 0 ||
		    rec->dane_mx != DANE_MX_FAIL || rec->dane_nhosts != 0)
			__builtin_trap();
		return;
	}
	if ((unsigned)rec->dane_mx > DANE_MX_SECURE ||
	    rec->dane_nhosts > DANE_HOSTS_MAX)
		__builtin_trap();
	for (i = 0; i < rec->dane_nhosts; i++) {
		h = rec->dane_host[i];
		if (h == NULL || h < (const char *)data || h >= end)
			__builtin_trap();
		n = strnlen(h, (size_t)(end - h));
		if (n == 0 || n > DOMAIN_MAX || h + n >= end ||
		    (unsigned)rec->dane_class[i] > DANE_HOST_FAIL)
			__builtin_trap();
	}
	for (; i < DANE_HOSTS_MAX; i++)
		if (rec->dane_host[i] != NULL ||
		    rec->dane_class[i] != DANE_HOST_NONE)
			__builtin_trap();
}

/* The policy part of a decoded record. */
static void
check_policy(const struct record *rec, const uint8_t *data, size_t size)
{
	const char	*end = (const char *)data + size;
	size_t		 i;

	if (rec->policy.mode == STS_MODE_UNSET ||
	    rec->policy.nmx > STS_MX_MAX ||
	    rec->policy.nlines > STS_LINES_MAX ||
	    rec->policy.max_age > STS_MAX_AGE_MAX ||
	    rec->text_len > STS_POLICY_MAX ||
	    rec->text < (const char *)data ||
	    rec->text + rec->text_len >= end ||
	    rec->text[rec->text_len] != '\0')
		__builtin_trap();
	for (i = 0; i < rec->policy.nmx; i++)
		if (!sts_valid_mx_pattern(rec->policy.mx[i],
		    strlen(rec->policy.mx[i])))
			__builtin_trap();
	for (i = 0; i < rec->policy.nlines; i++)
		if (rec->policy.lines[i] < (const char *)data ||
		    rec->policy.lines[i] + strlen(rec->policy.lines[i]) >=
		    end)
			__builtin_trap();
}

static int
str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Every field, strings by content. */
static int
same_fields(const struct record *a, const struct record *b)
{
	const struct sts_policy	*pa = &a->policy, *pb = &b->policy;
	size_t			 i;

	if (a->txt != b->txt || a->txt_checked != b->txt_checked ||
	    !str_equal(a->txt_id, b->txt_id) ||
	    a->negative_until != b->negative_until ||
	    a->last_asked != b->last_asked || a->fail != b->fail ||
	    a->fail_time != b->fail_time ||
	    !str_equal(a->fail_id, b->fail_id) ||
	    !str_equal(a->fail_reason, b->fail_reason) ||
	    a->failures != b->failures || a->next_fetch != b->next_fetch)
		return 0;
	if (a->has_policy != b->has_policy ||
	    !str_equal(a->policy_id, b->policy_id) ||
	    a->fetched != b->fetched || a->expires != b->expires ||
	    a->origin != b->origin || pa->mode != pb->mode ||
	    pa->max_age != pb->max_age || pa->warnings != pb->warnings ||
	    pa->nmx != pb->nmx || pa->nlines != pb->nlines ||
	    a->text_len != b->text_len ||
	    (a->text_len > 0 && memcmp(a->text, b->text, a->text_len) != 0))
		return 0;
	for (i = 0; i < pa->nmx; i++)
		if (!str_equal(pa->mx[i], pb->mx[i]))
			return 0;
	for (i = 0; i < pa->nlines; i++)
		if (!str_equal(pa->lines[i], pb->lines[i]))
			return 0;
	if (a->has_dane != b->has_dane ||
	    a->dane_checked != b->dane_checked ||
	    a->dane_expires != b->dane_expires ||
	    a->dane_mx != b->dane_mx || a->dane_nhosts != b->dane_nhosts)
		return 0;
	for (i = 0; i < a->dane_nhosts; i++)
		if (a->dane_class[i] != b->dane_class[i] ||
		    !str_equal(a->dane_host[i], b->dane_host[i]))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record_lines	 lines, lines2;
	struct record			 rec, rec2, empty;
	struct parse_err		 err;
	uint8_t				*copy, *buf;
	size_t				 len;

	if (size > FUZZ_RECORD_INPUT_MAX)
		return 0;
	/* An exact-size copy: libFuzzer's buffer may have slack. */
	copy = xmalloc(size > 0 ? size : 1);
	if (size > 0)
		memcpy(copy, data, size);

	record_init(&empty);
	if (record_decode(copy, size, &rec, &lines, &err) == -1) {
		check_err(&err);
		if (memcmp(&rec, &empty, sizeof(rec)) != 0)
			__builtin_trap();
		xfree(copy);
		return 0;
	}
	if (err.code != RECORD_ERR_NONE)
		__builtin_trap();
	check_record(&rec, copy, size);

	/* Decoded, so size >= 3 and copy[2] is 1 or 2. */
	if (copy[2] == 1 && rec.has_dane)
		__builtin_trap();
	buf = record_encode(&rec, &len);
	if (len != size || buf[2] != RECORD_VERSION ||
	    memcmp(buf, copy, 2) != 0 || memcmp(buf + 3, copy + 3,
	    size - 3) != 0)
		__builtin_trap();
	if (record_decode(buf, len, &rec2, &lines2, &err) != 0)
		__builtin_trap();
	check_record(&rec2, buf, len);
	if (!same_fields(&rec, &rec2))
		__builtin_trap();
	xfree(buf);
	xfree(copy);
	return 0;
}
