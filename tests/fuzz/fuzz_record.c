/*
 * fuzz_record.c: libFuzzer target for the cache record decoder.
 *
 * Decodes arbitrary bytes as an LMDB value.  A refusal must leave the
 * record empty with a readable reason; a value that decodes must encode
 * back to exactly the same bytes and decode again to the same record.
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
	const char	*end = (const char *)data + size;
	size_t		 i;

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
		return;
	}
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

	buf = record_encode(&rec, &len);
	if (len != size || memcmp(buf, copy, size) != 0)
		__builtin_trap();
	if (record_decode(buf, len, &rec2, &lines2, &err) != 0)
		__builtin_trap();
	check_record(&rec2, buf, len);
	if (rec2.has_policy != rec.has_policy ||
	    rec2.text_len != rec.text_len ||
	    rec2.policy.nmx != rec.policy.nmx ||
	    rec2.policy.nlines != rec.policy.nlines ||
	    rec2.expires != rec.expires ||
	    strcmp(rec2.fail_reason, rec.fail_reason) != 0)
		__builtin_trap();
	xfree(buf);
	xfree(copy);
	return 0;
}
