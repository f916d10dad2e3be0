/*
 * sts.h: RFC 8461 (MTA-STS) parsing and matching.  Pure: no I/O, no clock,
 * no global state.
 *
 * Step 6-8 of a lookup (STYLE.md §2) hand the joined `_mta-sts` TXT records
 * and the fetched policy body to this module; it says whether they are valid
 * and why not.  Conformance IDs are in ../shared/design/conformance.md:
 * STS-REC-* (TXT), STS-POL-* (policy file), STS-MX-* (matching), DEC-2/3/6/
 * 7/8/9 (leniencies).  Inputs are (pointer, length) and never need a NUL.
 */
#ifndef MTASTS_STS_H
#define MTASTS_STS_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "parse_err.h"

/*
 * The `_mta-sts` TXT record (RFC 8461 §3.1).
 */

enum sts_txt_status {
	STS_TXT_OK = 0,		/* exactly one valid STSv1 record */
	STS_TXT_NONE,		/* no RR starts with the version tag (STS-REC-3) */
	STS_TXT_MULTIPLE,	/* two or more STSv1 RRs (STS-REC-4) */
	STS_TXT_INVALID		/* the one STSv1 RR is malformed (STS-REC-5) */
};

struct sts_txt {
	char	id[STS_ID_MAX + 1];	/* NUL-terminated, 1..32 alnum */
};

/* One TXT RR whose character-strings are already concatenated (STS-REC-2). */
struct sts_rdata {
	const char	*buf;
	size_t		 len;
};

/*
 * Is this TXT RR an STSv1 candidate, i.e. does it start with "v=STSv1"
 * followed by the end, WSP or ";" (STS-REC-3, DEC-3)?  Returns 1 or 0.
 */
int	sts_txt_is_sts(const char *buf, size_t len);

/*
 * Parse one STSv1 TXT RR against the STS-REC-6 grammar.  Returns STS_TXT_OK
 * and fills out->id, or STS_TXT_INVALID and fills err (code = the status,
 * col = byte offset + 1 of the problem).  First `id` wins (DEC-2); unknown
 * valid extensions are ignored (STS-REC-9).
 */
enum sts_txt_status sts_txt_parse(const char *buf, size_t len,
	    struct sts_txt *out, struct parse_err *err);

/*
 * Apply STS-REC-3/4/5 to all TXT RRs found at `_mta-sts.<PD>`: drop non-STS
 * RRs, require exactly one STSv1 RR, parse it.  err explains every status
 * other than STS_TXT_OK.
 */
enum sts_txt_status sts_txt_select(const struct sts_rdata *rrs, size_t n,
	    struct sts_txt *out, struct parse_err *err);

/* "ok", "none", "multiple" or "invalid". */
const char *sts_txt_status_str(enum sts_txt_status);

/*
 * The policy file (RFC 8461 §3.2).
 */

enum sts_mode {
	STS_MODE_UNSET = 0,
	STS_MODE_ENFORCE,
	STS_MODE_TESTING,
	STS_MODE_NONE
};

/* Error codes in parse_err.code after sts_policy_parse() fails. */
enum sts_policy_err {
	STS_PERR_NONE = 0,
	STS_PERR_EMPTY,		/* STS-POL-15 */
	STS_PERR_TOO_LARGE,	/* body or line/mx count over bounds.h */
	STS_PERR_ENCODING,	/* NUL, bare CR, control char, bad UTF-8 */
	STS_PERR_SYNTAX,	/* line grammar: colon, WSP, field name */
	STS_PERR_VERSION,	/* version missing or not "STSv1" */
	STS_PERR_MODE,		/* mode missing or not a keyword */
	STS_PERR_MAX_AGE,	/* max_age missing or malformed */
	STS_PERR_MX		/* mx malformed, or none with mode != none */
};

/* Leniencies taken (DEC-6/8/9) and weak patterns seen; callers log them. */
#define STS_WARN_BOM		0x01	/* leading UTF-8 BOM stripped (DEC-8) */
#define STS_WARN_BLANK_LINE	0x02	/* blank line(s) skipped (DEC-8) */
#define STS_WARN_MX_DOT		0x04	/* mx trailing dot stripped (DEC-6) */
#define STS_WARN_MAX_AGE_CLAMP	0x08	/* max_age > 31557600 clamped (DEC-9) */
#define STS_WARN_WEAK_WILDCARD	0x10	/* "*.tld"-like mx (STS-POL-20) */

/* Flags for sts_policy_parse(). */
#define STS_PARSE_STRICT	0x01	/* leniencies above become errors (DEC-1) */

struct sts_policy {
	enum sts_mode	  mode;
	uint32_t	  max_age;	/* seconds, clamped (DEC-9) */
	unsigned	  warnings;	/* STS_WARN_* */
	size_t		  nmx;
	char		 *mx[STS_MX_MAX];	/* distinct, lowercase, no
						 * trailing dot, "*." kept,
						 * in file order */
	size_t		  nlines;
	char		**lines;	/* every non-blank line as declared,
					 * terminator removed, for TLSRPT
					 * policy strings (PF-POL-13) */
};

/*
 * Parse a policy body.  *out is overwritten (release an earlier result
 * with sts_policy_clear() first).  On success returns 0 and fills *out,
 * which the caller releases with sts_policy_clear().  On failure returns -1, fills err
 * (code = enum sts_policy_err, line/col of the first problem) and leaves
 * *out cleared.  Rules: STS-POL-2..17, first occurrence wins (STS-POL-7),
 * LF or CRLF (STS-POL-4), DEC-6/8/9 unless STS_PARSE_STRICT.
 * Allocation failure aborts (xmalloc).
 */
int	sts_policy_parse(const char *buf, size_t len, int flags,
	    struct sts_policy *out, struct parse_err *err);

/* Release what sts_policy_parse() allocated; safe on a cleared struct. */
void	sts_policy_clear(struct sts_policy *);

/* "enforce", "testing", "none" or "unset". */
const char *sts_mode_str(enum sts_mode);

/*
 * Is pattern (an mx value as stored in struct sts_policy) syntactically
 * valid per STS-POL-9/10?  Returns 1 or 0.
 */
int	sts_valid_mx_pattern(const char *pattern, size_t len);

/*
 * STS-MX-2..4: does host (any case, one optional trailing dot) match the
 * pattern?  "*.x" matches exactly one non-empty extra left-most label.
 * Returns 1 or 0.
 */
int	sts_mx_match(const char *pattern, const char *host);

/* Does host match any mx pattern of the policy?  Returns 1 or 0. */
int	sts_policy_match(const struct sts_policy *, const char *host);

#endif /* MTASTS_STS_H */
