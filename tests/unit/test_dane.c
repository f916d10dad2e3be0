/*
 * test_dane.c: DANE decisions (DANE-1..21): TLSA usability (DANE-10),
 * per-host classification (DANE-7, DANE-9) and every row of the §8.1
 * table for STS enforce and not, with both dane_partial values (DEC-21..23).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"
#include "dane.h"

/* TLSA usability (DANE-10), one row per parameter class. */
struct tlsa_case {
	const char	*label;
	uint8_t		 usage;
	uint8_t		 selector;
	uint8_t		 mtype;
	size_t		 len;
	int		 want;
};

static const struct tlsa_case tlsa_cases[] = {
	{ "DANE-10 DANE-EE SPKI SHA2-256 32 bytes usable", 3, 1, 1, 32, 1 },
	{ "DANE-10 DANE-EE cert SHA2-256 32 bytes usable", 3, 0, 1, 32, 1 },
	{ "DANE-10 DANE-TA cert SHA2-256 32 bytes usable", 2, 0, 1, 32, 1 },
	{ "DANE-10 DANE-TA SPKI SHA2-256 32 bytes usable", 2, 1, 1, 32, 1 },
	{ "DANE-10 DANE-EE SPKI SHA2-512 64 bytes usable", 3, 1, 2, 64, 1 },
	{ "DANE-10 DANE-TA cert SHA2-512 64 bytes usable", 2, 0, 2, 64, 1 },
	{ "DANE-10 DANE-EE SPKI full 1 byte usable", 3, 1, 0, 1, 1 },
	{ "DANE-10 DANE-TA cert full 1500 bytes usable", 2, 0, 0, 1500, 1 },
	{ "DANE-10 full with SIZE_MAX length usable", 3, 0, 0, SIZE_MAX, 1 },
	{ "DANE-10 full with empty data unusable", 3, 1, 0, 0, 0 },
	{ "DANE-10 PKIX-TA(0) unusable for SMTP", 0, 1, 1, 32, 0 },
	{ "DANE-10 PKIX-EE(1) unusable for SMTP", 1, 1, 1, 32, 0 },
	{ "DANE-10 unknown usage 4 unusable", 4, 1, 1, 32, 0 },
	{ "DANE-10 unknown usage 255 unusable", 255, 1, 1, 32, 0 },
	{ "DANE-10 unknown selector 2 unusable", 3, 2, 1, 32, 0 },
	{ "DANE-10 unknown selector 255 unusable", 3, 255, 1, 32, 0 },
	{ "DANE-10 unknown matching type 3 unusable", 3, 1, 3, 32, 0 },
	{ "DANE-10 unknown matching type 255 unusable", 3, 1, 255, 64, 0 },
	{ "DANE-10 SHA2-256 empty unusable", 3, 1, 1, 0, 0 },
	{ "DANE-10 SHA2-256 31 bytes unusable", 3, 1, 1, 31, 0 },
	{ "DANE-10 SHA2-256 33 bytes unusable", 3, 1, 1, 33, 0 },
	{ "DANE-10 SHA2-256 64 bytes unusable", 3, 1, 1, 64, 0 },
	{ "DANE-10 SHA2-512 empty unusable", 3, 1, 2, 0, 0 },
	{ "DANE-10 SHA2-512 32 bytes unusable", 3, 1, 2, 32, 0 },
	{ "DANE-10 SHA2-512 63 bytes unusable", 3, 1, 2, 63, 0 },
	{ "DANE-10 SHA2-512 65 bytes unusable", 3, 1, 2, 65, 0 },
	{ "DANE-10 PKIX-EE with SHA2-512 64 bytes unusable", 1, 0, 2, 64, 0 },
	{ "DANE-10 everything unknown unusable", 4, 2, 3, 33, 0 },
};

static void
test_tlsa(void **state)
{
	const struct tlsa_case *tc = *state;

	assert_int_equal(dane_tlsa_usable(tc->usage, tc->selector, tc->mtype,
	    tc->len), tc->want);
}

/*
 * The full grid usage 0..4 x selector 0..2 x mtype 0..3 x the boundary
 * lengths, one row each.  The oracle is data, not code: which usages and
 * selectors are usable, and which (mtype, length) pairs are.
 */
#define SWEEP_USAGES	5
#define SWEEP_SELECTORS	3
#define SWEEP_MTYPES	4
#define SWEEP_LENS	7
#define SWEEP_ROWS	(SWEEP_USAGES * SWEEP_SELECTORS * SWEEP_MTYPES * \
	SWEEP_LENS)

static const int	sweep_usage_ok[SWEEP_USAGES] = { 0, 0, 1, 1, 0 };
static const int	sweep_selector_ok[SWEEP_SELECTORS] = { 1, 1, 0 };
static const size_t	sweep_lens[SWEEP_LENS] = { 0, 31, 32, 33, 63, 64, 65 };
static const int	sweep_len_ok[SWEEP_MTYPES][SWEEP_LENS] = {
	{ 0, 1, 1, 1, 1, 1, 1 },	/* full: any non-empty */
	{ 0, 0, 1, 0, 0, 0, 0 },	/* SHA2-256: 32 */
	{ 0, 0, 0, 0, 0, 1, 0 },	/* SHA2-512: 64 */
	{ 0, 0, 0, 0, 0, 0, 0 },	/* unknown */
};

static struct tlsa_case	sweep_cases[SWEEP_ROWS];
static char		sweep_labels[SWEEP_ROWS][80];

static void
sweep_build(void)
{
	struct tlsa_case	*tc;
	unsigned		 u, s, m, l;
	size_t			 n = 0;

	for (u = 0; u < SWEEP_USAGES; u++)
	for (s = 0; s < SWEEP_SELECTORS; s++)
	for (m = 0; m < SWEEP_MTYPES; m++)
	for (l = 0; l < SWEEP_LENS; l++) {
		tc = &sweep_cases[n];
		tc->usage = (uint8_t)u;
		tc->selector = (uint8_t)s;
		tc->mtype = (uint8_t)m;
		tc->len = sweep_lens[l];
		tc->want = sweep_usage_ok[u] && sweep_selector_ok[s] &&
		    sweep_len_ok[m][l];
		(void)snprintf(sweep_labels[n], sizeof(sweep_labels[n]),
		    "DANE-10 grid usage=%u selector=%u mtype=%u len=%zu: %s",
		    u, s, m, tc->len, tc->want ? "usable" : "unusable");
		tc->label = sweep_labels[n];
		n++;
	}
}

/* One host (DANE-7, DANE-9). */
#define BAD_DNS	((enum dane_dns)7)

struct classify_case {
	const char		*label;
	struct dane_host_input	 in;
	enum dane_host		 want;
};

#define OK	DANE_DNS_OK
#define NONE	DANE_DNS_NONE
#define FAIL	DANE_DNS_FAIL

static const struct classify_case classify_cases[] = {
	{ "DANE-9 secure addresses, secure TLSA, 1 usable: usable",
	    { OK, 1, OK, 1, 1 }, DANE_HOST_USABLE },
	{ "DANE-9 secure addresses, secure TLSA, 5 usable: usable",
	    { OK, 1, OK, 1, 5 }, DANE_HOST_USABLE },
	{ "DANE-9 secure TLSA with no usable record: unusable",
	    { OK, 1, OK, 1, 0 }, DANE_HOST_UNUSABLE },
	{ "DANE-3 DANE-9 validated TLSA absence: none",
	    { OK, 1, NONE, 1, 0 }, DANE_HOST_NONE },
	{ "DANE-9 insecure TLSA absence: none",
	    { OK, 1, NONE, 0, 0 }, DANE_HOST_NONE },
	{ "DANE-9 TLSA absent but a stray usable count: none",
	    { OK, 1, NONE, 1, 2 }, DANE_HOST_NONE },
	{ "DANE-9 insecure TLSA with usable records: none",
	    { OK, 1, OK, 0, 3 }, DANE_HOST_NONE },
	{ "DANE-9 insecure TLSA, none usable: none",
	    { OK, 1, OK, 0, 0 }, DANE_HOST_NONE },
	{ "DANE-2 DANE-9 TLSA lookup failure, secure addresses: fail",
	    { OK, 1, FAIL, 0, 0 }, DANE_HOST_FAIL },
	{ "DANE-2 DANE-9 TLSA failure flagged secure is still fail",
	    { OK, 1, FAIL, 1, 1 }, DANE_HOST_FAIL },
	{ "DANE-9 unknown TLSA result: fail",
	    { OK, 1, BAD_DNS, 1, 1 }, DANE_HOST_FAIL },
	{ "DANE-7 insecure addresses, secure usable TLSA: none",
	    { OK, 0, OK, 1, 1 }, DANE_HOST_NONE },
	{ "DANE-7 insecure addresses, TLSA failure not looked at: none",
	    { OK, 0, FAIL, 0, 0 }, DANE_HOST_NONE },
	{ "DANE-7 insecure addresses, no TLSA: none",
	    { OK, 0, NONE, 1, 0 }, DANE_HOST_NONE },
	{ "DANE-7 no address records (unreachable): none",
	    { NONE, 1, OK, 1, 1 }, DANE_HOST_NONE },
	{ "DANE-7 no address records, insecure: none",
	    { NONE, 0, FAIL, 0, 0 }, DANE_HOST_NONE },
	{ "DANE-2 DANE-7 address lookup failure: fail",
	    { FAIL, 0, NONE, 0, 0 }, DANE_HOST_FAIL },
	{ "DANE-2 DANE-7 address failure beats a usable TLSA: fail",
	    { FAIL, 1, OK, 1, 1 }, DANE_HOST_FAIL },
	{ "DANE-7 unknown address result: fail",
	    { BAD_DNS, 1, OK, 1, 1 }, DANE_HOST_FAIL },
	{ "DANE-7 any non-zero addr_secure/tlsa_secure is true",
	    { OK, 2, OK, -1, 1 }, DANE_HOST_USABLE },
};

#undef OK
#undef NONE
#undef FAIL

static void
test_classify(void **state)
{
	const struct classify_case *tc = *state;

	assert_int_equal(dane_host_classify(&tc->in), tc->want);
}

/*
 * The §8.1 table.  hosts is one letter per MX host: u usable, x unusable,
 * n none, f fail, ? a value outside the enum.  NULL means no array.
 */
#define EN	1		/* STS enforce */
#define NE	0		/* STS testing, none or absent */
#define PS	DANE_PARTIAL_STS
#define PD	DANE_PARTIAL_DANE_ONLY
#define STS	DANE_DECIDE_STS
#define DO	DANE_DECIDE_DANE_ONLY
#define DN	DANE_DECIDE_DANE
#define TEMP	DANE_DECIDE_TEMP
#define SEC	DANE_MX_SECURE
#define INS	DANE_MX_INSECURE
#define MXF	DANE_MX_FAIL
#define BAD_MX	((enum dane_mx)9)

#define U32	"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"
#define N32	"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
#define X32	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

struct decide_case {
	const char		*label;
	enum dane_mx		 mx;
	const char		*hosts;
	int			 enforce;
	enum dane_partial	 partial;
	enum dane_decision	 want;
	const char		*why;	/* substring of *why */
};

static const struct decide_case decide_cases[] = {
	/* Row 1: MX lookup failed (DANE-5, DEC-22). */
	{ "DANE-5 MX fail, enforce, partial=sts: TEMP",
	    MXF, "", EN, PS, TEMP, "MX lookup failed" },
	{ "DANE-5 MX fail, enforce, partial=dane-only: TEMP",
	    MXF, "", EN, PD, TEMP, "MX lookup failed" },
	{ "DEC-22 MX fail, not enforce, partial=sts: TEMP",
	    MXF, "", NE, PS, TEMP, "MX lookup failed" },
	{ "DEC-22 MX fail, not enforce, partial=dane-only: TEMP",
	    MXF, "", NE, PD, TEMP, "MX lookup failed" },
	{ "DANE-5 MX fail ignores usable hosts: TEMP",
	    MXF, "uu", NE, PS, TEMP, "MX lookup failed" },
	{ "DANE-5 MX fail with no host array: TEMP",
	    MXF, NULL, EN, PS, TEMP, "MX lookup failed" },
	{ "DANE-5 MX value outside the enum: TEMP",
	    BAD_MX, "u", NE, PS, TEMP, "MX lookup failed" },

	/* Row 2: MX insecure, any hosts (DANE-6). */
	{ "DANE-6 MX insecure, enforce, partial=sts: STS",
	    INS, "uu", EN, PS, STS, "MX RRset insecure" },
	{ "DANE-6 MX insecure, enforce, partial=dane-only: STS",
	    INS, "uu", EN, PD, STS, "MX RRset insecure" },
	{ "DANE-6 MX insecure, not enforce, partial=sts: STS (NOTFOUND)",
	    INS, "uu", NE, PS, STS, "MX RRset insecure" },
	{ "DANE-6 MX insecure, not enforce, partial=dane-only: STS",
	    INS, "uu", NE, PD, STS, "MX RRset insecure" },
	{ "DANE-6 MX insecure ignores a failing host: STS",
	    INS, "fx", EN, PS, STS, "MX RRset insecure" },
	{ "DANE-6 MX insecure with no hosts: STS",
	    INS, NULL, NE, PD, STS, "MX RRset insecure" },

	/* Row 3: secure, all usable (DANE-1, DEC-23). */
	{ "DANE-1 secure, all usable, enforce, partial=sts: dane-only",
	    SEC, "uu", EN, PS, DO, "all MX hosts have usable TLSA" },
	{ "DANE-1 secure, all usable, enforce, partial=dane-only: dane-only",
	    SEC, "uu", EN, PD, DO, "all MX hosts have usable TLSA" },
	{ "DEC-23 secure, all usable, not enforce, partial=sts: dane-only",
	    SEC, "uu", NE, PS, DO, "all MX hosts have usable TLSA" },
	{ "DEC-23 secure, all usable, not enforce, partial=dane-only: "
	    "dane-only",
	    SEC, "uu", NE, PD, DO, "all MX hosts have usable TLSA" },
	{ "DANE-1 secure, one usable host: dane-only",
	    SEC, "u", EN, PS, DO, "all MX hosts have usable TLSA" },

	/* Row 4: secure, >= 1 usable, others none (DEC-21). */
	{ "DEC-21 secure, usable+none, enforce, partial=sts: STS",
	    SEC, "un", EN, PS, STS, "dane_partial=sts" },
	{ "DEC-21 secure, usable+none, enforce, partial=dane-only: dane-only",
	    SEC, "un", EN, PD, DO, "dane_partial=dane-only" },
	{ "DANE-14 secure, usable+none, not enforce, partial=sts: dane",
	    SEC, "un", NE, PS, DN, "some MX hosts have usable TLSA" },
	{ "DANE-14 secure, usable+none, not enforce, partial=dane-only: dane",
	    SEC, "un", NE, PD, DN, "some MX hosts have usable TLSA" },
	{ "DEC-21 secure, none+usable order does not matter: STS",
	    SEC, "nu", EN, PS, STS, "dane_partial=sts" },
	{ "DEC-21 secure, usable+none+unusable, enforce, partial=sts: STS",
	    SEC, "unx", EN, PS, STS, "dane_partial=sts" },
	{ "DEC-21 secure, usable+none+unusable, enforce, partial=dane-only: "
	    "dane-only",
	    SEC, "xnu", EN, PD, DO, "dane_partial=dane-only" },
	{ "DANE-14 secure, usable+none+unusable, not enforce: dane",
	    SEC, "unx", NE, PS, DN, "some MX hosts have usable TLSA" },

	/*
	 * Row 4 without no-TLSA hosts: usable+unusable.  Our choice:
	 * dane-only under enforce whatever dane_partial says; STS would
	 * skip DANE on the usable hosts (DANE-1), dane would let the
	 * unusable ones through unauthenticated (DANE-14, STS-APP-1).
	 */
	{ "DANE-1 DANE-15 secure, usable+unusable, enforce, partial=sts: "
	    "dane-only",
	    SEC, "ux", EN, PS, DO, "usable or unusable TLSA, STS enforce" },
	{ "DANE-1 DANE-15 secure, usable+unusable, enforce, "
	    "partial=dane-only: dane-only",
	    SEC, "xu", EN, PD, DO, "usable or unusable TLSA, STS enforce" },
	{ "DANE-14 secure, usable+unusable, not enforce, partial=sts: dane",
	    SEC, "ux", NE, PS, DN, "usable or unusable TLSA: dane" },
	{ "DANE-14 secure, usable+unusable, not enforce, partial=dane-only: "
	    "dane",
	    SEC, "uxx", NE, PD, DN, "usable or unusable TLSA: dane" },

	/* Row 5: secure, >= 1 fail, none usable. */
	{ "DANE-9 secure, fail+none, enforce, partial=sts: TEMP",
	    SEC, "fn", EN, PS, TEMP, "no host has usable TLSA" },
	{ "DANE-9 secure, fail+none, enforce, partial=dane-only: TEMP",
	    SEC, "fn", EN, PD, TEMP, "no host has usable TLSA" },
	{ "DANE-14 secure, fail+none, not enforce, partial=sts: dane",
	    SEC, "fn", NE, PS, DN, "dane skips it" },
	{ "DANE-14 secure, fail+none, not enforce, partial=dane-only: dane",
	    SEC, "fn", NE, PD, DN, "dane skips it" },
	{ "DANE-9 secure, only host fails, enforce: TEMP",
	    SEC, "f", EN, PS, TEMP, "no host has usable TLSA" },
	{ "DANE-9 secure, all hosts fail, not enforce: dane",
	    SEC, "ff", NE, PS, DN, "dane skips it" },
	{ "DANE-9 secure, fail+unusable, enforce: TEMP",
	    SEC, "xf", EN, PD, TEMP, "no host has usable TLSA" },
	{ "DANE-9 secure, fail+unusable+none, not enforce: dane",
	    SEC, "xnf", NE, PS, DN, "dane skips it" },

	/* Row 6: secure, >= 1 fail, others usable. */
	{ "DANE-15 secure, fail+usable, enforce, partial=sts: dane-only",
	    SEC, "fu", EN, PS, DO, "others usable, STS enforce" },
	{ "DANE-15 secure, fail+usable, enforce, partial=dane-only: "
	    "dane-only",
	    SEC, "fu", EN, PD, DO, "others usable, STS enforce" },
	{ "DANE-14 secure, fail+usable, not enforce, partial=sts: dane",
	    SEC, "fu", NE, PS, DN, "others usable: dane" },
	{ "DANE-14 secure, fail+usable, not enforce, partial=dane-only: dane",
	    SEC, "uf", NE, PD, DN, "others usable: dane" },
	{ "DANE-15 secure, fail+usable+none, enforce, partial=sts: dane-only",
	    SEC, "unf", EN, PS, DO, "others usable, STS enforce" },
	{ "DANE-15 secure, fail+usable+unusable, enforce: dane-only",
	    SEC, "xuf", EN, PS, DO, "others usable, STS enforce" },

	/* Row 7: secure, only unusable/none, >= 1 unusable. */
	{ "DANE-14 secure, unusable+none, enforce, partial=sts: STS",
	    SEC, "xn", EN, PS, STS, "no MX host has usable TLSA, STS" },
	{ "DANE-14 secure, unusable+none, enforce, partial=dane-only: STS",
	    SEC, "xn", EN, PD, STS, "no MX host has usable TLSA, STS" },
	{ "DANE-14 secure, unusable+none, not enforce, partial=sts: dane",
	    SEC, "xn", NE, PS, DN, "dane requires encryption" },
	{ "DANE-14 secure, unusable+none, not enforce, partial=dane-only: "
	    "dane",
	    SEC, "nx", NE, PD, DN, "dane requires encryption" },
	{ "DANE-14 secure, only unusable hosts, enforce: STS",
	    SEC, "xx", EN, PS, STS, "no MX host has usable TLSA, STS" },
	{ "DANE-14 secure, one unusable host, not enforce: dane",
	    SEC, "x", NE, PS, DN, "dane requires encryption" },

	/* Row 8: secure, all none or no hosts. */
	{ "DANE-9 secure, all none, enforce, partial=sts: STS",
	    SEC, "nn", EN, PS, STS, "no MX host has TLSA" },
	{ "DANE-9 secure, all none, enforce, partial=dane-only: STS",
	    SEC, "nn", EN, PD, STS, "no MX host has TLSA" },
	{ "DANE-9 secure, all none, not enforce, partial=sts: STS (NOTFOUND)",
	    SEC, "nn", NE, PS, STS, "no MX host has TLSA" },
	{ "DANE-9 secure, all none, not enforce, partial=dane-only: STS",
	    SEC, "nn", NE, PD, STS, "no MX host has TLSA" },
	{ "DANE-17 secure, no hosts, enforce, partial=sts: STS",
	    SEC, "", EN, PS, STS, "with no hosts" },
	{ "DANE-17 secure, no hosts, enforce, partial=dane-only: STS",
	    SEC, "", EN, PD, STS, "with no hosts" },
	{ "DANE-17 secure, no hosts, not enforce, partial=sts: STS",
	    SEC, "", NE, PS, STS, "with no hosts" },
	{ "DANE-17 secure, no hosts, NULL array, partial=dane-only: STS",
	    SEC, NULL, NE, PD, STS, "with no hosts" },

	/* DANE_HOSTS_MAX hosts. */
	{ "DANE-1 secure, DANE_HOSTS_MAX usable, not enforce: dane-only",
	    SEC, U32, NE, PS, DO, "all MX hosts have usable TLSA" },
	{ "DEC-21 secure, DANE_HOSTS_MAX with last none, enforce: STS",
	    SEC, "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuun", EN, PS, STS,
	    "dane_partial=sts" },
	{ "DEC-21 secure, DANE_HOSTS_MAX with last usable, enforce, "
	    "partial=dane-only: dane-only",
	    SEC, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnu", EN, PD, DO,
	    "dane_partial=dane-only" },
	{ "DANE-15 secure, DANE_HOSTS_MAX with last fail, enforce: dane-only",
	    SEC, "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuf", EN, PS, DO,
	    "others usable, STS enforce" },
	{ "DANE-9 secure, DANE_HOSTS_MAX none but last fail, enforce: TEMP",
	    SEC, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnf", EN, PS, TEMP,
	    "no host has usable TLSA" },
	{ "DANE-9 secure, DANE_HOSTS_MAX none, not enforce: STS",
	    SEC, N32, NE, PS, STS, "no MX host has TLSA" },
	{ "DANE-14 secure, DANE_HOSTS_MAX unusable, not enforce: dane",
	    SEC, X32, NE, PS, DN, "dane requires encryption" },

	/* Odd inputs. */
	{ "DANE-9 host value outside the enum counts as fail: TEMP",
	    SEC, "?n", EN, PS, TEMP, "no host has usable TLSA" },
	{ "DANE-9 host value outside the enum beside usable: dane-only",
	    SEC, "u?", EN, PS, DO, "others usable, STS enforce" },
	{ "DEC-21 any non-zero sts_enforce is enforce",
	    SEC, "un", 2, PS, STS, "dane_partial=sts" },
};

#undef EN
#undef NE

static enum dane_host
host_from_letter(char c)
{
	switch (c) {
	case 'u':
		return DANE_HOST_USABLE;
	case 'x':
		return DANE_HOST_UNUSABLE;
	case 'n':
		return DANE_HOST_NONE;
	case 'f':
		return DANE_HOST_FAIL;
	default:
		return (enum dane_host)42;
	}
}

static void
test_decide(void **state)
{
	const struct decide_case *tc = *state;
	enum dane_host		 hosts[DANE_HOSTS_MAX];
	const char		*why = NULL;
	size_t			 i, n = 0;

	if (tc->hosts != NULL) {
		n = strlen(tc->hosts);
		assert_true(n <= DANE_HOSTS_MAX);
		for (i = 0; i < n; i++)
			hosts[i] = host_from_letter(tc->hosts[i]);
	}
	assert_int_equal(dane_decide(tc->mx, tc->hosts != NULL ? hosts : NULL,
	    n, tc->enforce, tc->partial, &why), tc->want);
	assert_non_null(why);
	assert_non_null(strstr(why, tc->why));
	assert_null(strchr(why, '\n'));
	/* It goes into log lines through buffers of this size. */
	assert_true(strlen(why) < DANE_WHY_MAX);
	/* NULL why is allowed and changes nothing. */
	assert_int_equal(dane_decide(tc->mx, tc->hosts != NULL ? hosts : NULL,
	    n, tc->enforce, tc->partial, NULL), tc->want);
}

/* Names for logs and the control socket. */
enum str_kind { STR_HOST, STR_MX, STR_DECISION };

struct str_case {
	const char	*label;
	enum str_kind	 kind;
	int		 value;
	const char	*want;
};

static const struct str_case str_cases[] = {
	{ "host none", STR_HOST, DANE_HOST_NONE, "none" },
	{ "host usable", STR_HOST, DANE_HOST_USABLE, "usable" },
	{ "host unusable", STR_HOST, DANE_HOST_UNUSABLE, "unusable" },
	{ "host fail", STR_HOST, DANE_HOST_FAIL, "fail" },
	{ "host outside the enum", STR_HOST, 42, "unknown" },
	{ "mx fail", STR_MX, DANE_MX_FAIL, "fail" },
	{ "mx insecure", STR_MX, DANE_MX_INSECURE, "insecure" },
	{ "mx secure", STR_MX, DANE_MX_SECURE, "secure" },
	{ "mx outside the enum", STR_MX, 42, "unknown" },
	{ "decision sts", STR_DECISION, DANE_DECIDE_STS, "sts" },
	{ "decision dane-only", STR_DECISION, DANE_DECIDE_DANE_ONLY,
	    "dane-only" },
	{ "decision dane", STR_DECISION, DANE_DECIDE_DANE, "dane" },
	{ "decision temp", STR_DECISION, DANE_DECIDE_TEMP, "temp" },
	{ "decision outside the enum", STR_DECISION, 42, "unknown" },
};

static void
test_str(void **state)
{
	const struct str_case *tc = *state;
	const char		*s = NULL;

	switch (tc->kind) {
	case STR_HOST:
		s = dane_host_str((enum dane_host)tc->value);
		break;
	case STR_MX:
		s = dane_mx_str((enum dane_mx)tc->value);
		break;
	case STR_DECISION:
		s = dane_decision_str((enum dane_decision)tc->value);
		break;
	}
	assert_non_null(s);
	assert_string_equal(s, tc->want);
}

int
main(void)
{
	static struct table_tests tt;

	sweep_build();
	TABLE_ADD(&tt, tlsa_cases, test_tlsa);
	TABLE_ADD(&tt, sweep_cases, test_tlsa);
	TABLE_ADD(&tt, classify_cases, test_classify);
	TABLE_ADD(&tt, decide_cases, test_decide);
	TABLE_ADD(&tt, str_cases, test_str);
	return table_run("dane", &tt);
}
