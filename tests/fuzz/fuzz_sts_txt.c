/*
 * fuzz_sts_txt.c: libFuzzer target for the `_mta-sts` TXT record.
 *
 * The input is split on '\n' into up to 66 RRs, as the
 * resolver would hand them over; each RR goes through sts_txt_is_sts() and
 * sts_txt_parse(), and the set through sts_txt_select().  Nothing allocates.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "sts.h"

#define FUZZ_TXT_INPUT_MAX	(2 * STS_TXT_MAX + 64)
#define FUZZ_TXT_RRS		66

static void	check(enum sts_txt_status, const struct sts_txt *,
		    const struct parse_err *);

/* Invariants that hold for every input. */
static void
check(enum sts_txt_status st, const struct sts_txt *txt,
    const struct parse_err *err)
{
	size_t	i, n;

	n = strnlen(err->msg, sizeof(err->msg));
	if (n == sizeof(err->msg))
		__builtin_trap();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 ||
		    err->msg[i] == 0x7f)
			__builtin_trap();
	n = strnlen(txt->id, sizeof(txt->id));
	if (st == STS_TXT_OK) {
		if (n == 0 || n > STS_ID_MAX || err->code != 0)
			__builtin_trap();
	} else if (n != 0 || err->code != (int)st || err->msg[0] == '\0')
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_rdata	 rrs[FUZZ_TXT_RRS];
	struct sts_txt		 txt;
	struct parse_err	 err;
	enum sts_txt_status	 st;
	const char		*p = (const char *)data, *nl;
	size_t			 n = 0, left = size;

	if (size > FUZZ_TXT_INPUT_MAX)
		return 0;

	/* The whole input as one RR. */
	st = sts_txt_parse(p, size, &txt, &err);
	check(st, &txt, &err);
	if (st == STS_TXT_OK && !sts_txt_is_sts(p, size))
		__builtin_trap();

	while (n < FUZZ_TXT_RRS) {
		nl = memchr(p, '\n', left);
		rrs[n].buf = p;
		rrs[n].len = nl != NULL ? (size_t)(nl - p) : left;
		st = sts_txt_parse(rrs[n].buf, rrs[n].len, &txt, &err);
		check(st, &txt, &err);
		(void)sts_txt_is_sts(rrs[n].buf, rrs[n].len);
		n++;
		if (nl == NULL)
			break;
		left -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	st = sts_txt_select(rrs, n, &txt, &err);
	check(st, &txt, &err);
	return 0;
}
