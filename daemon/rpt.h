/*
 * rpt.h: TLS reporting (RFC 8460) as plain data, shared by the datagram
 * parser (dgram.c), mtastsd's own events (lookup.c), the aggregation and
 * the report writer (report.c).  Pure: no I/O.
 *
 * A session is what libtlsrpt sends for one delivery attempt (one
 * datagram), or one of mtastsd's own policy events: the recipient domain,
 * the TLSRPT record that was in force, and one or more policies, each
 * with its outcome and its failure details.  Strings point into memory
 * the producer owns (the datagram buffer, or the caller's).
 */
#ifndef MTASTS_RPT_H
#define MTASTS_RPT_H

#include <stddef.h>
#include <stdint.h>

#define RPT_POLICIES_MAX	8	/* policies in one session */
#define RPT_STRINGS_MAX		64	/* policy-string entries per policy */
#define RPT_MX_MAX		32	/* mx-host entries per policy */
#define RPT_FAILURES_MAX	32	/* failure details per policy */
#define RPT_STRING_MAX		1024	/* bytes of any one string */
#define RPT_RECORD_MAX		1024	/* bytes of a TLSRPT record */

/* policy-type (RFC 8460 §4.4; libtlsrpt's numbers in comments). */
enum rpt_policy_type {
	RPT_POLICY_TLSA = 0,		/* "tlsa" (1) */
	RPT_POLICY_STS,			/* "sts" (2) */
	RPT_POLICY_NONE			/* "no-policy-found" (9) */
};

/* result-type (RFC 8460 §4.3; libtlsrpt's numbers in comments). */
enum rpt_result {
	RPT_RESULT_STARTTLS_NOT_SUPPORTED = 0,	/* 201 */
	RPT_RESULT_CERT_HOST_MISMATCH,		/* 202 */
	RPT_RESULT_CERT_NOT_TRUSTED,		/* 203 */
	RPT_RESULT_CERT_EXPIRED,		/* 204 */
	RPT_RESULT_VALIDATION_FAILURE,		/* 205 */
	RPT_RESULT_STS_POLICY_FETCH_ERROR,	/* 301 */
	RPT_RESULT_STS_POLICY_INVALID,		/* 302 */
	RPT_RESULT_STS_WEBPKI_INVALID,		/* 303 */
	RPT_RESULT_TLSA_INVALID,		/* 304 */
	RPT_RESULT_DNSSEC_INVALID,		/* 305 */
	RPT_RESULT_DANE_REQUIRED		/* 306 */
};
#define RPT_RESULT_COUNT	11

/*
 * One failure-details entry.  Every string may be NULL (absent); the
 * report never carries null fields, absent ones are left out.
 */
struct rpt_failure {
	enum rpt_result	 result;
	const char	*sending_mta_ip;
	const char	*receiving_mx_hostname;
	const char	*receiving_mx_helo;
	const char	*receiving_ip;
	const char	*additional_information;
	const char	*failure_reason_code;
};

struct rpt_policy {
	enum rpt_policy_type	 type;
	const char		*domain;	/* policy-domain (A-label);
						 * no-policy-found: NULL or
						 * "" means the session's */
	size_t			 nstrings;
	const char		*strings[RPT_STRINGS_MAX];	/* policy-string */
	size_t			 nmx;
	const char		*mx[RPT_MX_MAX];		/* mx-host */
	int			 failed;	/* the session failed under it */
	size_t			 nfailures;
	struct rpt_failure	 failures[RPT_FAILURES_MAX];
};

struct rpt_session {
	const char		*domain;	/* the recipient domain */
	const char		*record;	/* the TLSRPT record in force */
	size_t			 npolicies;
	struct rpt_policy	 policies[RPT_POLICIES_MAX];
};

/* "tlsa", "sts", "no-policy-found"; "starttls-not-supported", ... */
const char	*rpt_policy_type_str(enum rpt_policy_type);
const char	*rpt_result_str(enum rpt_result);

#endif /* MTASTS_RPT_H */
