/*
 * record.h: one cached policy domain, and its versioned binary encoding.
 * Pure: no I/O, no clock.
 *
 * The LMDB value of key <policy domain> is record_encode()'s output.
 * record_decode() never copies: strings in the decoded record point into
 * the encoded buffer (for LMDB, into the read-only map), so the buffer must
 * outlive the record.  Every length is checked before it is read; any
 * malformed or truncated value is refused with a reason, never trusted.
 *
 * Layout (little-endian): "MS", version byte, then version-specific
 * fields.  A decoder understands every version it ever wrote; a value of
 * an unknown version is refused (RECORD_ERR_VERSION) and the caller drops
 * it with a log line.
 */
#ifndef MTASTS_RECORD_H
#define MTASTS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "dane.h"
#include "failure.h"
#include "parse_err.h"
#include "sts.h"

#define RECORD_MAGIC0		'M'
#define RECORD_MAGIC1		'S'
#define RECORD_VERSION		2	/* 1: no DANE part; still read */
#define RECORD_REASON_MAX	200	/* bytes of a stored failure reason */

/* Where the policy in the record came from. */
enum record_origin {
	RECORD_ORIGIN_NONE = 0,
	RECORD_ORIGIN_LOOKUP = 1,	/* fetched because Postfix asked */
	RECORD_ORIGIN_REFRESH = 2,	/* proactive refresh (STS-CACHE-7) */
	RECORD_ORIGIN_OPERATOR = 3	/* mtasts-ctl refresh */
};

/*
 * The result of the last `_mta-sts` TXT lookup for the domain.  Values are
 * stored: append only.
 */
enum record_txt {
	RECORD_TXT_UNKNOWN = 0,		/* never looked up */
	RECORD_TXT_OK = 1,		/* one valid STSv1 record */
	RECORD_TXT_NONE = 2,		/* NXDOMAIN, NODATA, no STSv1 RR */
	RECORD_TXT_INVALID = 3,		/* STS-REC-4/5 */
	RECORD_TXT_ERROR = 4		/* SERVFAIL, timeout */
};

/* Error codes in parse_err.code after record_decode() fails. */
enum record_err {
	RECORD_ERR_NONE = 0,
	RECORD_ERR_TRUNCATED,	/* shorter than its own lengths say */
	RECORD_ERR_MAGIC,	/* not ours at all */
	RECORD_ERR_VERSION,	/* a version this build cannot read */
	RECORD_ERR_FIELD	/* a field out of range, trailing bytes */
};

/*
 * All times are seconds since the epoch (0 = never).  Strings are
 * NUL-terminated; decoded ones point into the encoded buffer.
 */
struct record {
	/* The TXT record. */
	enum record_txt		 txt;		/* last TXT result */
	int64_t			 txt_checked;	/* when it was looked up */
	char			 txt_id[STS_ID_MAX + 1]; /* its id, if OK */

	/* The policy: valid iff has_policy (STS-CACHE-1). */
	int			 has_policy;
	char			 policy_id[STS_ID_MAX + 1]; /* TXT id it was
							 * fetched under */
	int64_t			 fetched;	/* last successful fetch */
	int64_t			 expires;	/* fetched + max_age */
	enum record_origin	 origin;
	struct sts_policy	 policy;	/* mode, max_age, mx, lines */
	const char		*text;		/* the body as fetched */
	size_t			 text_len;

	/* Negative caching: "no policy" holds until this time. */
	int64_t			 negative_until;

	/* Use, for proactive refresh. */
	int64_t			 last_asked;

	/* The last failure, kept until a success. */
	enum fail_class		 fail;
	int64_t			 fail_time;
	char			 fail_id[STS_ID_MAX + 1]; /* TXT id it hit */
	char			 fail_reason[RECORD_REASON_MAX + 1];
	uint32_t		 failures;	/* consecutive */
	int64_t			 next_fetch;	/* backoff (STS-FETCH-10) */

	/*
	 * DANE (RFC 7672): what the MX hosts' DNSSEC and TLSA said when
	 * last looked up; valid iff has_dane, and only until dane_expires
	 * (the smallest TTL of the records used, DANE-16).
	 */
	int			 has_dane;
	int64_t			 dane_checked;
	int64_t			 dane_expires;
	enum dane_mx		 dane_mx;
	size_t			 dane_nhosts;
	const char		*dane_host[DANE_HOSTS_MAX];	/* names */
	enum dane_host		 dane_class[DANE_HOSTS_MAX];
};

/*
 * Room for the decoded lines of one policy: record_decode() points
 * rec->policy.lines at it.  Callers provide one per record they decode.
 */
struct record_lines {
	char	*v[STS_LINES_MAX];
};

/* An empty record (nothing known yet). */
void	record_init(struct record *);

/*
 * Encode rec.  Returns a buffer (xmalloc, caller frees) and its size in
 * *len.  Only fields that matter are written: with has_policy clear, no
 * policy fields; the policy's mx[] and lines[] are taken from rec->policy
 * and its body from text/text_len.
 */
void	*record_encode(const struct record *rec, size_t *len);

/*
 * Decode buf[0..len) into *rec (strings point into buf, lines into
 * *lines).  The policy's mx[] and lines[] are typed char * (struct
 * sts_policy) but point into buf, which may be read-only: never write
 * through them, never sts_policy_clear() a decoded record.  Returns 0, or
 * -1 with err explaining (code = enum record_err) and *rec cleared.
 */
int	record_decode(const void *buf, size_t len, struct record *rec,
	    struct record_lines *lines, struct parse_err *err);

/* "unknown", "ok", "none", "invalid", "error". */
const char *record_txt_str(enum record_txt);

/* "none", "lookup", "refresh", "operator". */
const char *record_origin_str(enum record_origin);

#endif /* MTASTS_RECORD_H */
