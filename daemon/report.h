/*
 * report.h: the pure core of TLS reporting (RFC 8460): per-day aggregate
 * entries with their LMDB keys and versioned values, the JSON report, its
 * file name and the mail that carries it.  Pure: no I/O, no clock (days
 * and dates are parameters), no randomness (the report-id takes a nonce).
 *
 * Sessions (rpt.h) come in; the I/O edge turns each into one entry per
 * distinct policy, keyed by report_session_keys(), read-modify-written
 * with report_entry_decode(), report_entry_add() and
 * report_entry_encode().  Once a UTC day is over, the edge walks that
 * day's key range, groups adjacent keys by report (REPORT_KEY_REPORT_LEN
 * bytes), and hands each group's entries to report_json(); the gzipped
 * JSON (gzip.h) then goes out by report_mail().  Conformance: RPT-5..12,
 * RPT-17..19, RPT-25 in conformance.md.
 *
 * Domains (the report domain and policy-domain) are A-labels, compared
 * and stored in lowercase.  Every string that can reach a report must be
 * valid UTF-8 without NUL bytes: it is refused on the way in, so that a
 * stored entry can always be written out.
 */
#ifndef MTASTS_REPORT_H
#define MTASTS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "parse_err.h"
#include "rpt.h"

/* Error codes in parse_err.code. */
enum report_err {
	REPORT_ERR_NONE = 0,
	REPORT_ERR_TRUNCATED,	/* a value or key shorter than it says */
	REPORT_ERR_MAGIC,	/* not an entry (or key) at all */
	REPORT_ERR_VERSION,	/* a version this build cannot read */
	REPORT_ERR_FIELD,	/* a stored field out of range, or trailing
				 * bytes */
	REPORT_ERR_INPUT,	/* a caller's input is invalid (bad UTF-8,
				 * bad domain, too long, out of range) */
	REPORT_ERR_MISMATCH	/* a policy or entry of another identity */
};

/*
 * Days.  A report covers one UTC day (RPT-5), named by the number of days
 * since 1970-01-01.  The last day is 9999-12-30, so that the end of its
 * range (the next midnight) still has the four-digit year RFC 3339 wants.
 */
#define REPORT_DAY_SECONDS	86400
#define REPORT_DAY_MAX		2932895		/* 9999-12-30 */

/* The day of t (seconds since the epoch), or -1 outside 0..DAY_MAX. */
int64_t	report_day(int64_t t);

/*
 * The day's first second in *start and the next day's first second in
 * *end (RFC 8460 §4.4 date-range, §5.1 file name).  Returns 0, or -1 if
 * day is out of range.
 */
int	report_day_bounds(int64_t day, int64_t *start, int64_t *end);

/* "YYYY-MM-DD" into buf (11 bytes).  Returns 0, or -1 if out of range. */
int	report_day_str(int64_t day, char buf[11]);

/*
 * Keys.  One aggregate entry per (day, report domain, TLSRPT record,
 * policy identity), where the policy identity is (policy-type,
 * policy-domain, policy-string[], mx-host[]) with the lists in the order
 * given.  Layout (at most REPORT_KEY_MAX = 323 bytes, under LMDB's 511):
 *
 *	0	1	REPORT_KEY_FORMAT (0x01: never the first byte of a
 *			domain name, so keys cannot meet cache keys)
 *	1	4	day, big-endian
 *	5	n	report domain, lowercase, 1..253 bytes
 *	5+n	1	NUL
 *	6+n	32	SHA-256 of the TLSRPT record
 *	38+n	32	SHA-256 of the policy identity
 *
 * Keys sort by day, then domain, then record: the first 5 bytes are the
 * day's range, the first 6 + n + 32 name one report, whose entries are
 * therefore adjacent.  Hashes keep the key short whatever the record and
 * policy strings; the value holds them in full.
 */
#define REPORT_KEY_FORMAT	0x01
#define REPORT_HASH_LEN		32
#define REPORT_KEY_DAY_LEN	5
#define REPORT_KEY_REPORT_LEN(n) (6 + (n) + REPORT_HASH_LEN)
#define REPORT_KEY_MAX		(6 + DOMAIN_MAX + 2 * REPORT_HASH_LEN)

struct report_key {
	size_t	len;
	uint8_t	buf[REPORT_KEY_MAX];
};

/*
 * A prefix of keys: with domain and record NULL, all keys of the day
 * (every key of day d sorts at or after the prefix of d and before the
 * prefix of d + 1); with record NULL, the day's keys of one domain; with
 * both, one report.  Returns the length written to out->buf, or 0 (and
 * out->len 0) if the day or domain is invalid.
 */
size_t	report_key_prefix(struct report_key *out, int64_t day,
	    const char *domain, const char *record);

/* What a key names; see report_key_parse(). */
struct report_key_info {
	int64_t	day;
	char	domain[DOMAIN_MAX + 1];
	size_t	report_len;	/* key bytes naming the report */
};

/*
 * Check key[0..len) and split it.  Returns 0, or -1 with err (code =
 * enum report_err) and *info cleared.
 */
int	report_key_parse(const void *key, size_t len,
	    struct report_key_info *info, struct parse_err *err);

/*
 * The keys a session adds to on day: one per distinct policy of it (a
 * policy listed twice counts once, RPT-10).  keys[i] belongs to
 * s->policies[idx[i]], for i < *n.  The whole session is checked first
 * (domains, lengths, UTF-8, enums): returns 0, or -1 with err
 * (REPORT_ERR_INPUT) and *n = 0, in which case nothing of it may be
 * recorded.
 */
int	report_session_keys(int64_t day, const struct rpt_session *s,
	    struct report_key keys[RPT_POLICIES_MAX],
	    size_t idx[RPT_POLICIES_MAX], size_t *n, struct parse_err *err);

/*
 * Entries.  Counts saturate at REPORT_COUNT_MAX, the largest integer an
 * I-JSON reader keeps exactly (RFC 7493 §2.2).  At most REPORT_ROWS_MAX
 * distinct failure-details rows are kept per entry; failed sessions of a
 * row that does not fit are counted in rows_dropped instead (they still
 * count in the summary).
 */
#define REPORT_COUNT_MAX	((UINT64_C(1) << 53) - 1)
#define REPORT_ROWS_MAX		100

/* One failure-details row; NULL strings are absent from the report. */
struct report_row {
	enum rpt_result	 result;
	char		*sending_mta_ip;
	char		*receiving_mx_hostname;
	char		*receiving_mx_helo;
	char		*receiving_ip;
	char		*additional_information;
	char		*failure_reason_code;
	uint64_t	 count;		/* failed-session-count, >= 1 */
};

/*
 * One aggregate entry.  All strings are owned by the entry (xmalloc) and
 * released by report_entry_clear().  domain == NULL means empty: the first
 * report_entry_add() or report_entry_merge() gives it its identity.  rows
 * are kept sorted by identity (result, then each string, absent first).
 */
struct report_entry {
	char			*domain;	/* report domain, lowercase */
	char			*record;	/* the TLSRPT record */
	enum rpt_policy_type	 type;
	char			*policy_domain;	/* lowercase */
	size_t			 nstrings;
	char			**strings;	/* policy-string */
	size_t			 nmx;
	char			**mx;		/* mx-host */
	uint64_t		 success;	/* sessions that succeeded */
	uint64_t		 failure;	/* sessions that failed */
	uint64_t		 rows_dropped;	/* failures over the row cap */
	size_t			 nrows;
	struct report_row	*rows;
};

/* An empty entry. */
void	report_entry_init(struct report_entry *);

/* Release everything the entry owns and leave it empty; NULL is a no-op. */
void	report_entry_clear(struct report_entry *);

/*
 * Count one session made under pol (a policy of a session for domain with
 * TLSRPT record record) into e: a failure if pol->failed, else a success
 * (RPT-10), and each distinct failure detail of pol once into its row.
 * An empty e takes the identity; otherwise the identity must be e's.
 * Returns 0, or -1 with err (REPORT_ERR_INPUT or REPORT_ERR_MISMATCH) and
 * e unchanged.  Strings are copied.
 */
int	report_entry_add(struct report_entry *e, const char *domain,
	    const char *record, const struct rpt_policy *pol,
	    struct parse_err *err);

/*
 * Add src's counts and rows into dst (the same identity, or dst empty).
 * Rows that do not fit under the cap add to dst->rows_dropped.  Returns
 * 0, or -1 with err (REPORT_ERR_INPUT or REPORT_ERR_MISMATCH) and dst
 * unchanged.
 */
int	report_entry_merge(struct report_entry *dst,
	    const struct report_entry *src, struct parse_err *err);

/*
 * The key of e on day.  Returns the key length, or 0 if e is empty or day
 * out of range.
 */
size_t	report_entry_key(const struct report_entry *e, int64_t day,
	    struct report_key *out);

/*
 * Values.  Layout (little-endian; s = u16 length n, then n bytes of UTF-8
 * without NUL, no terminator):
 *
 *	0	2	"TR"
 *	2	1	version (1)
 *	3	1	policy type (enum rpt_policy_type)
 *	4	8	success
 *	12	8	failure
 *	20	8	rows_dropped		(each count <= REPORT_COUNT_MAX)
 *	28	2	nstrings (<= RPT_STRINGS_MAX)
 *	30	2	nmx (<= RPT_MX_MAX)
 *	32	2	nrows (<= REPORT_ROWS_MAX)
 *	34	s	report domain, s record, s policy domain
 *		nstrings x s, nmx x s
 *		nrows x row: 1 result, 1 flags (bit i: string i of
 *		sending-mta-ip, receiving-mx-hostname, receiving-mx-helo,
 *		receiving-ip, additional-information, failure-reason-code is
 *		present), 8 count (1..REPORT_COUNT_MAX), the present strings
 *	end of value: nothing may follow.
 *
 * Rows must be in strictly increasing order, so that a value has exactly
 * one form: decode followed by encode gives the same bytes.
 */
#define REPORT_MAGIC0		'T'
#define REPORT_MAGIC1		'R'
#define REPORT_VERSION		1

/*
 * Encode e (not empty).  Returns a buffer (xmalloc, caller frees) and its
 * size in *len.  An entry that breaks the limits above is a bug: fatalx.
 */
void	*report_entry_encode(const struct report_entry *e, size_t *len);

/*
 * Decode buf[0..len) into *e (cleared first; strings are copied, so buf
 * may go away).  Returns 0, or -1 with err (code = enum report_err) and
 * *e empty.
 */
int	report_entry_decode(const void *buf, size_t len,
	    struct report_entry *e, struct parse_err *err);

/*
 * Output: a growing, NUL-terminated buffer (xmalloc; out of memory
 * aborts).  Writers append; on failure they leave it as it was.
 */
struct report_buf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

void	report_buf_init(struct report_buf *);
void	report_buf_free(struct report_buf *);

/*
 * report-id (RPT-6): "<YYYYMMDD>.<32 hex digits>@<submitter>", a valid
 * RFC 5322 msg-id without its angle brackets.  The hex digits are the
 * first half of a SHA-256 over day, domain, record, submitter and
 * nonce[0..noncelen): the caller makes it unique with a random nonce,
 * tests pin it with a fixed one.  buf holds REPORT_ID_MAX bytes.
 * Returns 0, or -1 with err (REPORT_ERR_INPUT).
 */
#define REPORT_ID_MAX		(8 + 1 + 32 + 1 + DOMAIN_MAX + 1)

int	report_id(char buf[REPORT_ID_MAX], int64_t day, const char *domain,
	    const char *record, const char *submitter, const void *nonce,
	    size_t noncelen, struct parse_err *err);

/* What a report says about itself (RFC 8460 §4.4). */
struct report_meta {
	int64_t		 day;
	const char	*domain;	/* the report domain */
	const char	*record;	/* its TLSRPT record */
	const char	*org;		/* organization-name */
	const char	*contact;	/* contact-info: tlsrpt@example.net */
	const char	*report_id;	/* from report_id() */
};
#define REPORT_META_MAX		1024	/* bytes of org and contact */

/*
 * Append the RFC 8460 JSON report (compact, no trailing newline) for the
 * n >= 1 entries of one report: each must carry meta's domain and record,
 * and no two the same policy (merge them first).  Policies are written
 * sorted by (policy-domain, policy-type, policy-string, mx-host), rows in
 * entry order, so equal inputs give equal bytes.  policy-string and
 * mx-host are always arrays; failure-details is left out when empty,
 * absent row fields are left out, and no field is ever null.  Strings are
 * escaped as RFC 8259 says; invalid UTF-8 is refused, never emitted.
 * Returns 0, or -1 with err (REPORT_ERR_INPUT or REPORT_ERR_MISMATCH).
 */
int	report_json(const struct report_meta *meta,
	    const struct report_entry *entries, size_t n,
	    struct report_buf *out, struct parse_err *err);

/*
 * RFC 8460 §5.1 (RPT-17): "<submitter>!<domain>!<begin>!<end>!<unique>
 * .json.gz" with begin and end the day's bounds in seconds since the
 * epoch and unique the part of report_id before its "@".  buf holds
 * REPORT_FILENAME_MAX bytes.  Returns 0, or -1 with err.
 */
#define REPORT_FILENAME_MAX	(2 * DOMAIN_MAX + 2 * 20 + 8 + 1 + 32 + 16)

int	report_filename(char buf[REPORT_FILENAME_MAX], const char *submitter,
	    const char *domain, int64_t day, const char *report_id,
	    struct parse_err *err);

/* The mail that carries one report (RFC 8460 §5.3). */
struct report_mail {
	const char	*from;		/* From: an address, maybe with a
					 * display name: printable ASCII */
	const char	*to;		/* a rua URI, "mailto:addr" */
	const char	*domain;	/* TLS-Report-Domain */
	const char	*submitter;	/* TLS-Report-Submitter */
	const char	*report_id;
	int64_t		 day;		/* the day reported, for the text */
	const void	*gz;		/* the gzipped JSON report */
	size_t		 gzlen;
	const char	*filename;	/* from report_filename() */
	int64_t		 date;		/* Date:, seconds since the epoch */
	const char	*boundary;	/* MIME boundary, 1..70 bchars */
};

/*
 * Append a complete RFC 5322 message with LF line ends (for sendmail):
 * the headers of RPT-19 and RPT-25 (TLS-Report-Domain,
 * TLS-Report-Submitter, Subject "Report Domain: <PD> Submitter: <S>
 * Report-ID: <<id>>", TLS-Required: No, Message-ID: <<id>>,
 * MIME-Version, multipart/report; report-type="tlsrpt"), a text/plain
 * part for people and the report as application/tlsrpt+gzip in base64
 * lines of 76 characters, as an attachment named filename.  The
 * recipient is the address of the mailto: URI, percent-decoded, without
 * any ?hfields.  Returns 0, or -1 with err (REPORT_ERR_INPUT) for
 * anything that could not be written safely into a header.
 */
int	report_mail(const struct report_mail *m, struct report_buf *out,
	    struct parse_err *err);

#endif /* MTASTS_REPORT_H */
