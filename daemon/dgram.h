/*
 * dgram.h: parse one TLSRPT datagram, as Postfix >= 3.10 sends it through
 * sys4's libtlsrpt to a Unix datagram socket, into a struct rpt_session
 * (rpt.h).  Pure: no I/O, no allocation, no clock.
 *
 * What arrives (libtlsrpt 0.5.x libtlsrpt.c and tlsrpt.h; Postfix
 * src/tls/tlsrpt_wrapper.c and src/smtp/smtp_tlsrpt.c; read by sys4's
 * tlsrpt-reporter, tlsrpt_reporter/tlsrpt.py), one JSON object with no
 * trailing newline, "[...]" marking optional parts:
 *
 *   {"d": "<recipient domain>","pr": "<TLSRPT TXT record>"
 *    [,"dpv": "1"]
 *    ,"policies":[{"policy-type":<1 tlsa|2 sts|9 no-policy-found>
 *      [,"policy-domain": "<name>"]
 *      [,"policy-string":["<string>",...]]
 *      [,"mx-host":["<pattern>",...]]
 *      [,"failure-details":[{"c":<result code>
 *         [,"s": "<sending-mta-ip>"][,"n": "<receiving-mx-hostname>"]
 *         [,"h": "<receiving-mx-helo>"][,"r": "<receiving-ip>"]
 *         [,"a": "<additional-information>"]
 *         [,"f": "<failure-reason-code>"]},...]]
 *      ,"t":<number of failure-details entries>,"f":<0 success|1 failure>}
 *    ,...]}
 *
 * - Result codes (tlsrpt.h tlsrpt_failure_t): 201 starttls-not-supported,
 *   202 certificate-host-mismatch, 203 certificate-not-trusted,
 *   204 certificate-expired, 205 validation-failure, 301
 *   sts-policy-fetch-error, 302 sts-policy-invalid, 303 sts-webpki-invalid,
 *   304 tlsa-invalid, 305 dnssec-invalid, 306 dane-required.  (901 is
 *   library-internal; such a datagram is never sent.)
 * - Strings are written with libtlsrpt's tlsrpt_json_escape_values table:
 *   \" \\ \b \t \n \f \r, \u00XX (lower-case hex) for the other bytes
 *   below 0x20 and for 0x7f, every byte >= 0x80 raw (so invalid UTF-8
 *   from a remote EHLO reply passes through; tlsrpt-reporter then drops
 *   the datagram, and so do we).  "/" is not escaped.  String members are
 *   written as "name": "value" (one space), numbers as "name":N.
 * - Absent (NULL) strings are left out; empty arrays are never written.
 *   The policy strings, mx patterns and failure details of a policy are
 *   gathered separately, so they come in that order whatever the call
 *   order was.  Postfix sends one policy per TLS handshake: success with
 *   no failure-details ("t":0,"f":0), or failure with exactly one
 *   ("t":1,"f":1).  For no-policy-found it sends no policy-domain, no
 *   strings and no mx-host; for DANE the policy-domain is the TLSA base
 *   domain and each policy-string is "usage selector mtype HEX"; "h" is
 *   the EHLO reply with lines joined by CRLF; "s" may be "" when Postfix
 *   could not get its own address.
 * - "dpv" (datagram protocol version) came with libtlsrpt 0.5.0;
 *   tlsrpt-reporter accepts it missing and compares it to the string "1".
 *   Its position in the object is not pinned down by any source we have.
 * - The library builds the datagram with open_memstream(), so nothing
 *   caps its size but the socket; libtlsrpt defines (and does not use)
 *   BUFFER_SIZE 65000, which we take as DGRAM_MAX.
 *
 * What we accept: exactly that grammar in strict JSON (json.h), members in
 * any order, whitespace anywhere JSON allows it.  Unknown members are
 * skipped at every level (tlsrpt-reporter ignores them too) but must still
 * be valid JSON.  Known members must have the type above; a known member
 * twice, a missing "d", "pr", "policies", "policy-type", "t", "f" or "c",
 * an unknown policy-type, result code or "f", a "t" that does not count
 * the failure-details, "dpv" other than "1" (or 1), a string holding
 * \u0000, or anything over the rpt.h limits is an error: the datagram is
 * dropped whole, never truncated.  Names are kept as sent; the caller
 * normalizes them.
 */
#ifndef MTASTS_DGRAM_H
#define MTASTS_DGRAM_H

#include <stddef.h>

#include "parse_err.h"
#include "rpt.h"

/*
 * Largest datagram we parse.  The socket reader should receive into
 * DGRAM_MAX + 1 bytes (or use MSG_TRUNC) so that a longer one is seen as
 * such and refused, not parsed cut.
 */
#define DGRAM_MAX	65000

/* parse_err.code after dgram_parse() fails. */
enum dgram_err {
	DGRAM_ERR_NONE = 0,
	DGRAM_ERR_TOO_LARGE,	/* longer than DGRAM_MAX */
	DGRAM_ERR_JSON,		/* not strict JSON: syntax, UTF-8, escapes,
				 * depth, truncation, trailing bytes */
	DGRAM_ERR_SCHEMA,	/* member missing, repeated or of the wrong
				 * type; "t" miscounts; NUL in a string */
	DGRAM_ERR_VERSION,	/* "dpv" other than 1 */
	DGRAM_ERR_CODE,		/* unknown policy-type, result code or "f" */
	DGRAM_ERR_LIMIT		/* over RPT_POLICIES_MAX, RPT_STRINGS_MAX,
				 * RPT_MX_MAX, RPT_FAILURES_MAX,
				 * RPT_STRING_MAX or RPT_RECORD_MAX */
};
#define DGRAM_ERR_COUNT	7

/*
 * Storage for the decoded strings of one datagram.  Every string fits:
 * decoded, with its NUL, a string is never longer than its JSON form.
 * Large (DGRAM_MAX bytes): keep one per reader, not on a small stack.
 */
struct dgram_buf {
	unsigned	dpv;		/* "dpv" of the last datagram; 0 when
					 * absent (libtlsrpt < 0.5.0) */
	size_t		used;		/* bytes of arena in use */
	char		arena[DGRAM_MAX];
};

/*
 * Parse buf[0..len) (no NUL needed) into *out.  The strings of *out point
 * into db->arena and stay valid until db is reused; absent strings are
 * NULL.  Returns 0, or -1 with err (may be NULL) saying what and where
 * (code = enum dgram_err, line = 0, col = byte offset + 1, or 0 when the
 * problem has no one place); then *out is all zero and db->used and
 * db->dpv are 0.  Error messages quote no input bytes.
 */
int	dgram_parse(const char *buf, size_t len, struct dgram_buf *db,
	    struct rpt_session *out, struct parse_err *err);

/*
 * "none", "too-large", "json", "schema", "version", "code", "limit": a
 * short name for counters and logs.
 */
const char *dgram_err_str(enum dgram_err);

#endif /* MTASTS_DGRAM_H */
