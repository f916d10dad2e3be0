/*
 * rua.h: the TLSRPT policy record, the TXT at `_smtp._tls.<PD>` (RFC 8460
 * §3).  Pure: no I/O, no clock, no global state, no allocation.
 *
 * The reporter (report.c) hands this module the joined TXT RRs it found
 * and gets back where the day's reports for that domain go: mail addresses
 * for sendmail and https URLs for libcurl.  Conformance IDs are in
 * ../shared/design/conformance.md: RPT-1 (grammar), RPT-2 (selection),
 * RPT-3 (several URIs), RPT-27 (only the domain's own rua).  Inputs are
 * (pointer, length) and never need a NUL.
 *
 * Decisions, with their reasons:
 *
 * - Candidates (RPT-2).  RFC 8460 §3 discards records that do not begin
 *   with "v=TLSRPTv1;", while its ABNF puts field-delim = *WSP ";" *WSP
 *   after the version.  We follow the ABNF: "v=TLSRPTv1" *WSP ";" starts a
 *   candidate (as DEC-3 does for STS).  "v=TLSRPTv1" alone, or followed by
 *   anything else, is not one: the prose discards it and the grammar could
 *   never accept it.
 *
 * - Grammar (RPT-1).  The record is US-ASCII; fields as STS-REC-6/8 (case-
 *   sensitive names, no WSP around '=', extension values of %x21-3A / %x3C
 *   / %x3E-7E).  Unknown valid fields are ignored (RFC 8460 §3, "superset
 *   of this specification").  A second "rua=" is checked but ignored: the
 *   first wins, as DEC-2 does for the STS id (RUA_WARN_DUP_RUA).  Inside
 *   "rua=", URIs are separated by *WSP "," *WSP; a raw ';' ends the field
 *   and a raw ',' ends the URI, so neither can be inside one; a raw '!' is
 *   an error (it must be encoded: RFC 8460 §3, DMARC's size suffix is not
 *   part of TLSRPT).  Each URI must be made of RFC 3986 characters with
 *   well-formed %HH escapes and begin with a scheme.  Any of this wrong,
 *   or no rua, or an empty rua or URI: the record is invalid.
 *
 * - Usable URIs.  RFC 8460 §3 takes its URI list from DMARC, where "URIs
 *   not supported by Mail Receivers MUST be ignored" (RFC 7489 §6.3).  So
 *   a URI that is well-formed but that we will not deliver to is skipped,
 *   not fatal: schemes other than mailto and https (RFC 8460 §3 defines
 *   only those two), URIs over RUA_URI_MAX bytes, and the refusals below.
 *   The record is invalid only when no usable URI is left, with the reason
 *   of the first skipped one.  Skipping some is conformant: the reporter
 *   may deliver to any of them (RPT-3).
 *
 * - Count.  RFC 8460 sets no limit; DMARC lets receivers cap the list but
 *   not below two (RFC 7489 §6.2).  We keep the first RUA_URIS_MAX usable
 *   distinct URIs and ignore the rest (RUA_WARN_CAPPED); exact duplicates
 *   are dropped (RUA_WARN_DUP_URI).
 *
 * - mailto (RFC 6068).  The part before '?' must be one addr-spec; it is
 *   percent-decoded, and the decoded address is what sendmail gets.
 *   hfields ("?subject=...", "?cc=...") are ignored (RUA_WARN_HFIELDS):
 *   RFC 8460 §5.3 fixes the report's headers, and extra recipients from
 *   to=/cc=/bcc= would send the report to addresses the `to` part does not
 *   name (RPT-27).  The decoded address must be local-part "@" domain with
 *   a dot-atom local part of at most 64 octets and a domain of at least
 *   two LDH labels whose last one is not all digits; at most RUA_ADDR_MAX
 *   octets in all.  Refused, because sendmail or the local MTA would read
 *   them as something other than one remote address: control characters,
 *   spaces, non-ASCII (no SMTPUTF8 submission), RFC 5322 specials (quoted
 *   strings, comments, groups, a ',' that would start a second address),
 *   '!' and '%' (UUCP and percent-hack routing: an address inside the
 *   address), a leading '-' (a sendmail option), a leading '/' or '|'
 *   (file and pipe deliveries in local(8)), and a one-label or IP-literal
 *   domain (it would be delivered locally, not to the Policy Domain's
 *   reporting address).  Callers still put "--" before the recipient.
 *
 * - https (RFC 3986).  Kept exactly as published, for libcurl.  It needs
 *   "https://", an authority with at most one '@', an optional port of
 *   1..65535, and a host that is a DNS name of at least two LDH labels
 *   whose last one is not all digits: IP literals, one-label names and
 *   percent-encoded hosts are skipped, so that a remote record cannot aim
 *   our POSTs at an address literal or a local name.  Names that resolve
 *   to local addresses must still be refused by the delivery code, which
 *   should also restrict libcurl to https (CURLOPT_PROTOCOLS_STR).
 */
#ifndef MTASTS_RUA_H
#define MTASTS_RUA_H

#include <stddef.h>

#include "bounds.h"
#include "parse_err.h"

#define RUA_RECORD_MAX	1024	/* one joined TXT RR; = rpt.h RPT_RECORD_MAX */
#define RUA_URIS_MAX	8	/* usable URIs kept; the rest are ignored */
#define RUA_URI_MAX	512	/* bytes of one URI as published */
#define RUA_ADDR_MAX	254	/* decoded mailto address (RFC 5321 §4.5.3.1.3) */
#define RUA_LOCAL_MAX	64	/* its local part (RFC 5321 §4.5.3.1.1) */

enum rua_status {
	RUA_OK = 0,		/* exactly one valid TLSRPTv1 record */
	RUA_NONE,		/* no RR is a TLSRPTv1 candidate (RPT-2) */
	RUA_MULTIPLE,		/* two or more candidates (RPT-2) */
	RUA_INVALID		/* the one candidate is malformed or has no
				 * usable rua URI (RPT-1) */
};

enum rua_kind {
	RUA_MAILTO = 1,
	RUA_HTTPS
};

/* What the record said that the caller may want to log. */
#define RUA_WARN_SKIPPED	0x01	/* a URI was not usable; see skipped */
#define RUA_WARN_CAPPED		0x02	/* usable URIs beyond RUA_URIS_MAX */
#define RUA_WARN_DUP_URI	0x04	/* an exact duplicate URI dropped */
#define RUA_WARN_DUP_RUA	0x08	/* a second rua= field ignored */
#define RUA_WARN_HFIELDS	0x10	/* mailto "?..." header fields ignored */

struct rua_uri {
	enum rua_kind	kind;
	/*
	 * NUL-terminated, printable ASCII without spaces.  RUA_MAILTO: the
	 * decoded addr-spec (no "mailto:", no hfields), ready to be one
	 * sendmail recipient.  RUA_HTTPS: the URI exactly as published.
	 */
	char		dest[RUA_URI_MAX + 1];
};

struct rua {
	/* The record as published (WSP included), NUL-terminated: reports
	 * are grouped per record. */
	char		record[RUA_RECORD_MAX + 1];
	size_t		nuris;			/* 1..RUA_URIS_MAX when OK */
	struct rua_uri	uris[RUA_URIS_MAX];	/* in record order */
	unsigned	warnings;		/* RUA_WARN_* */
	size_t		nskipped;		/* URIs not usable */
	char		skipped[PARSE_ERR_MSG_MAX];	/* why the first was
							 * not, or "" */
};

/*
 * Is this TXT RR a TLSRPTv1 candidate, i.e. does it start with
 * "v=TLSRPTv1" *WSP ";" (RPT-2)?  Returns 1 or 0; buf may be NULL.
 */
int	rua_is_tlsrpt(const char *buf, size_t len);

/*
 * Parse one TLSRPT TXT RR (its character-strings already joined, RPT-2)
 * into *out.  Returns RUA_OK, or RUA_INVALID with err filled (code = the
 * status, line 0, col = byte offset + 1 of the problem or 0).  out and err
 * may be NULL; *out is overwritten, and on failure holds no URI and an
 * empty record.  Nothing to free.
 */
enum rua_status rua_parse(const char *txt, size_t len, struct rua *out,
	    struct parse_err *err);

/*
 * Apply RPT-2 to all n TXT RRs found at `_smtp._tls.<PD>` (rrs[i] is
 * lens[i] bytes): drop non-candidates, require exactly one, parse it.
 * RUA_NONE and RUA_MULTIPLE both mean "this domain does not do TLSRPT";
 * RUA_INVALID says so too but points at a broken record.  err explains
 * every status other than RUA_OK.  rrs or lens NULL means no RRs.
 */
enum rua_status rua_select(const char *const *rrs, const size_t *lens,
	    size_t n, struct rua *out, struct parse_err *err);

/* "ok", "none", "multiple" or "invalid". */
const char	*rua_status_str(enum rua_status);

/* "mailto" or "https". */
const char	*rua_kind_str(enum rua_kind);

#endif /* MTASTS_RUA_H */
