/*
 * fuzz_sts_policy.c: libFuzzer target for the RFC 8461 policy file.
 *
 * Parses the input leniently and with STS_PARSE_STRICT, checks the result's
 * invariants, matches a few MX names against a valid policy, and clears it.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "sts.h"

#define FUZZ_POLICY_INPUT_MAX	(STS_POLICY_MAX + 64)

static const char *const hosts[] = {
	"mail.example.com",
	"MAIL.EXAMPLE.COM.",
	"example.com",
	"a.b.example.com",
	".example.com",
	"",
	"localhost",
};

static void	check(int, const struct sts_policy *, const struct parse_err *);

/* Invariants that hold for every input. */
static void
check(int rc, const struct sts_policy *pol, const struct parse_err *err)
{
	size_t	i, j, n;

	n = strnlen(err->msg, sizeof(err->msg));
	if (n == sizeof(err->msg))
		__builtin_trap();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 ||
		    err->msg[i] == 0x7f)
			__builtin_trap();
	if (rc == -1) {
		if (err->code == 0 || n == 0 || pol->nmx != 0 ||
		    pol->nlines != 0 || pol->lines != NULL ||
		    pol->warnings != 0 ||
		    pol->mode != STS_MODE_UNSET)
			__builtin_trap();
		return;
	}
	if (rc != 0 || err->code != 0 || pol->mode == STS_MODE_UNSET ||
	    pol->max_age > STS_MAX_AGE_MAX || pol->nmx > STS_MX_MAX ||
	    pol->nlines > STS_LINES_MAX ||
	    (pol->nmx == 0 && pol->mode != STS_MODE_NONE))
		__builtin_trap();
	for (i = 0; i < pol->nmx; i++) {
		if (!sts_valid_mx_pattern(pol->mx[i], strlen(pol->mx[i])))
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(pol->mx[i], pol->mx[j]) == 0)
				__builtin_trap();
		/* A literal pattern matches itself. */
		if (pol->mx[i][0] != '*' &&
		    !sts_policy_match(pol, pol->mx[i]))
			__builtin_trap();
	}
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		(void)sts_policy_match(pol, hosts[i]);
	for (i = 0; i < pol->nlines; i++)
		(void)sts_mx_match(pol->lines[i], "mail.example.com");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sts_policy	 pol, strict;
	struct parse_err	 err;
	const char		*buf = (const char *)data;
	int			 rc, rc_strict;

	if (size > FUZZ_POLICY_INPUT_MAX)
		return 0;

	rc = sts_policy_parse(buf, size, 0, &pol, &err);
	check(rc, &pol, &err);

	rc_strict = sts_policy_parse(buf, size, STS_PARSE_STRICT, &strict,
	    &err);
	check(rc_strict, &strict, &err);
	/* Strict accepts a subset, and then takes no leniency. */
	if (rc_strict == 0 && (rc != 0 || pol.mode != strict.mode ||
	    pol.max_age != strict.max_age || pol.nmx != strict.nmx ||
	    (strict.warnings & ~STS_WARN_WEAK_WILDCARD) != 0))
		__builtin_trap();

	sts_policy_clear(&strict);
	sts_policy_clear(&pol);
	sts_policy_clear(&pol);
	return 0;
}
