/*
 * failure.h: why a policy could not be had, in classes that mean something
 * to an operator, to the MTA-STS deployment study's categories and to
 * RFC 8460 (TLSRPT result types, STS-FETCH-19).  Pure.
 *
 * The resolver, the fetcher and the policy parser each produce one of
 * these; the cache keeps the last one with a readable reason; mtasts-ctl,
 * the log and the reports show it.
 */
#ifndef MTASTS_FAILURE_H
#define MTASTS_FAILURE_H

/* Stored in cache records: append only, never renumber. */
enum fail_class {
	FAIL_NONE = 0,
	FAIL_TXT_DNS = 1,	/* _mta-sts TXT: SERVFAIL, timeout, bogus */
	FAIL_TXT_INVALID = 2,	/* STS-REC-5: the one STSv1 RR is malformed */
	FAIL_TXT_MULTIPLE = 3,	/* STS-REC-4: two or more STSv1 RRs */
	FAIL_HOST_DNS = 4,	/* mta-sts.D: NXDOMAIN, no address, SERVFAIL */
	FAIL_TCP = 5,		/* connect refused, unreachable, reset */
	FAIL_TLS_HANDSHAKE = 6,	/* alert, protocol version, no common cipher */
	FAIL_TLS_NAME = 7,	/* certificate not valid for mta-sts.D */
	FAIL_TLS_EXPIRED = 8,	/* certificate expired or not yet valid */
	FAIL_TLS_UNTRUSTED = 9,	/* self-signed, unknown issuer, bad chain */
	FAIL_HTTP_STATUS = 10,	/* anything but 200, redirects included */
	FAIL_CONTENT_TYPE = 11,	/* not text/plain (DEC-10) */
	FAIL_SIZE = 12,		/* body over fetch_max_size (STS-FETCH-9) */
	FAIL_TIMEOUT = 13,	/* fetch_timeout passed (STS-FETCH-8) */
	FAIL_SYNTAX = 14,	/* body is not a valid policy (STS-POL-*) */
	FAIL_INTERNAL = 15	/* out of resources here, not remote */
};
#define FAIL_CLASS_MAX	FAIL_INTERNAL

/* "dns", "tcp", "tls-name", ...: short, stable, for logs and scripts. */
const char *fail_class_str(enum fail_class);

/*
 * The RFC 8460 result type (STS-FETCH-19): "sts-webpki-invalid" for the
 * certificate classes, "sts-policy-invalid" for FAIL_SYNTAX,
 * "sts-policy-fetch-error" for the rest; NULL for FAIL_NONE and for TXT
 * problems, which mean "no policy" rather than a failed fetch.
 */
const char *fail_class_tlsrpt(enum fail_class);

/* Does this class come from fetching (HTTPS and its DNS), 1 or 0? */
int	fail_class_is_fetch(enum fail_class);

#endif /* MTASTS_FAILURE_H */
