/*
 * report.c: TLSRPT aggregation and report writing (RFC 8460), the pure
 * core behind step 9 of a lookup and the daily report run (STYLE.md §2).
 * Pure: no I/O, no clock, no randomness; the edge reads and writes LMDB,
 * gzips (gzip.c) and hands the mail to sendmail.
 *
 * Values come from disk and sessions from a datagram socket: both are
 * checked before anything is kept, and whatever is kept is valid UTF-8 of
 * bounded size, so that writing a report from stored entries can only
 * fail on a caller's bug.  Integers are written byte by byte (little-endian
 * in values, big-endian for the day in keys so that keys sort by day).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "domain.h"
#include "log.h"
#include "report.h"
#include "xmalloc.h"

/* The optional strings of a failure-details row, in their stored order. */
#define ROW_FIELDS	6
#define ROW_FLAGS_ALL	0x3f

static const char *const row_names[ROW_FIELDS] = {
	"sending-mta-ip",
	"receiving-mx-hostname",
	"receiving-mx-helo",
	"receiving-ip",
	"additional-information",
	"failure-reason-code",
};

#define VALUE_HEADER_LEN	34
#define HEADER_LINE_MAX		78	/* RFC 5322 §2.1.1 SHOULD */
#define BASE64_LINE		76	/* RFC 2045 §6.8 */
#define BOUNDARY_MAX		70	/* RFC 2046 §5.1.1 */

/* A policy identity, from a session's policy or from an entry. */
struct pview {
	enum rpt_policy_type	 type;
	const char		*domain;	/* lowercase */
	size_t			 nstrings;
	const char *const	*strings;
	size_t			 nmx;
	const char *const	*mx;
};

/* A failure-details row identity; f[i] NULL is absent. */
struct rowv {
	enum rpt_result	 result;
	const char	*f[ROW_FIELDS];
};

/* A decoding cursor; the first error sticks (as in record.c). */
struct rcur {
	const uint8_t		*buf;
	size_t			 len;
	size_t			 off;
	int			 failed;
	struct parse_err	*err;
};

static int	 valid_utf8(const unsigned char *, size_t);
static int	 valid_lower_domain(const char *, size_t);
static int	 check_text(const char *, size_t, int, const char *,
		    struct parse_err *);
static int	 check_domain(const char *, char *, const char *,
		    struct parse_err *);
static int	 check_policy(const struct rpt_policy *, size_t, const char *,
		    char *,
		    struct pview *, struct parse_err *);
static int	 check_entry(const struct report_entry *, struct pview *,
		    struct parse_err *);
static void	 entry_view(const struct report_entry *, struct pview *);
static void	 row_view(const struct report_row *, struct rowv *);
static void	 row_free(struct report_row *);
static void	 failure_view(const struct rpt_failure *, struct rowv *);
static int	 cmp_str(const char *, const char *);
static int	 cmp_list(const char *const *, size_t, const char *const *,
		    size_t);
static int	 cmp_rowv(const struct rowv *, const struct rowv *);
static int	 cmp_pview(const struct pview *, const struct pview *);
static int	 cmp_entry_ptr(const void *, const void *);
static int	 same_identity(const struct report_entry *, const char *,
		    const char *, const struct pview *);
static void	 set_identity(struct report_entry *, const char *,
		    const char *, const struct pview *);
static char	**copy_list(const char *const *, size_t);
static uint64_t	 sat_add(uint64_t, uint64_t);
static void	 row_add(struct report_entry *, const struct rowv *,
		    uint64_t);
static void	 hash_bytes(const void *, size_t, uint8_t *);
static void	 hash_policy(const struct pview *, uint8_t *);
static size_t	 make_key(struct report_key *, int64_t, const char *,
		    const char *, const struct pview *);
static void	 rb_grow(struct report_buf *, size_t);
static void	 rb_add(struct report_buf *, const void *, size_t);
static void	 rb_str(struct report_buf *, const char *);
static void	 rb_printf(struct report_buf *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	 rb_uint(struct report_buf *, uint64_t, size_t);
static void	 rb_s16(struct report_buf *, const char *);
static void	 civil(int64_t, int *, unsigned *, unsigned *);
static void	 cur_fail(struct rcur *, int, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static int	 cur_need(struct rcur *, size_t, const char *);
static uint64_t	 get_uint(struct rcur *, size_t, const char *);
static uint64_t	 get_count(struct rcur *, uint64_t, const char *);
static char	*get_str(struct rcur *, size_t, int, const char *);
static void	 get_row(struct rcur *, struct report_entry *, size_t);
static void	 json_str(struct report_buf *, const char *);
static void	 json_key(struct report_buf *, const char *);
static void	 json_list(struct report_buf *, const char *,
		    char *const *, size_t);
static void	 json_entry(struct report_buf *,
		    const struct report_entry *);
static void	 json_datetime(struct report_buf *, int64_t);
static int	 valid_dot_atom(const char *, size_t);
static int	 check_report_id(const char *, struct parse_err *);
static int	 check_header_text(const char *, size_t, const char *,
		    struct parse_err *);
static int	 mailto_addr(const char *, char *, size_t,
		    struct parse_err *);
static int	 check_boundary(const char *, struct parse_err *);
static int	 check_filename(const char *, struct parse_err *);
static void	 put_header(struct report_buf *, const char *, const char *);
static void	 put_date(struct report_buf *, int64_t);
static void	 put_base64(struct report_buf *, const uint8_t *, size_t);

/*
 * Days.
 */

int64_t
report_day(int64_t t)
{
	if (t < 0 || t / REPORT_DAY_SECONDS > REPORT_DAY_MAX)
		return -1;
	return t / REPORT_DAY_SECONDS;
}

int
report_day_bounds(int64_t day, int64_t *start, int64_t *end)
{
	if (day < 0 || day > REPORT_DAY_MAX)
		return -1;
	*start = day * REPORT_DAY_SECONDS;
	*end = *start + REPORT_DAY_SECONDS;
	return 0;
}

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
static void
civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
	int64_t		z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
report_day_str(int64_t day, char buf[11])
{
	int		y;
	unsigned	m, d;

	if (day < 0 || day > REPORT_DAY_MAX)
		return -1;
	civil(day, &y, &m, &d);
	(void)snprintf(buf, 11, "%04d-%02u-%02u", y, m, d);
	return 0;
}

/*
 * Checks.  Everything that may end up in a report is checked here once,
 * on the way in.
 */

/* RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF. */
static int
valid_utf8(const unsigned char *p, size_t n)
{
	size_t		i = 0, k, len;
	uint32_t	cp, min;

	while (i < n) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			len = 2;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			len = 3;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			len = 4;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* A stored domain: valid LDH and already lowercase. */
static int
valid_lower_domain(const char *s, size_t n)
{
	size_t	i;

	if (!domain_valid_ldh(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return 0;
	return 1;
}

/* A string of at most max bytes of UTF-8; nonempty if required. */
static int
check_text(const char *s, size_t max, int nonempty, const char *what,
    struct parse_err *err)
{
	size_t	n;

	if (s == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is missing",
		    what);
		return -1;
	}
	if ((n = strnlen(s, max + 1)) > max) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is longer than "
		    "%zu bytes", what, max);
		return -1;
	}
	if (nonempty && n == 0) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is empty", what);
		return -1;
	}
	if (!valid_utf8((const unsigned char *)s, n)) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is not valid "
		    "UTF-8", what);
		return -1;
	}
	return 0;
}

/* RPT-9: an A-label domain; out (DOMAIN_MAX + 1) gets it in lowercase. */
static int
check_domain(const char *s, char *out, const char *what,
    struct parse_err *err)
{
	size_t	n, i;

	if (s == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is missing",
		    what);
		return -1;
	}
	n = strnlen(s, DOMAIN_MAX + 1);
	if (!domain_valid_ldh(s, n) || s[n] != '\0') {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is not a valid "
		    "domain name (A-labels, at most %d bytes)", what,
		    DOMAIN_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' :
		    s[i];
	out[n] = '\0';
	return 0;
}

/*
 * Check policy number pno (from 1) of a session for domain; on success
 * fill v, its domain pointing to lower (DOMAIN_MAX + 1 bytes).
 */
static int
check_policy(const struct rpt_policy *pol, size_t pno, const char *domain,
    char *lower, struct pview *v, struct parse_err *err)
{
	const struct rpt_failure	*f;
	struct rowv			 rv;
	const char			*pd = pol->domain;
	char				 what[64];
	size_t				 i, k;

	if ((unsigned)pol->type > RPT_POLICY_NONE) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "policy %zu: type "
		    "%d out of range", pno, (int)pol->type);
		return -1;
	}
	/*
	 * libtlsrpt sends no policy-domain for no-policy-found; the report
	 * needs one: the session's domain, as tlsrpt-reporter does.
	 */
	if (pol->type == RPT_POLICY_NONE && (pd == NULL || *pd == '\0'))
		pd = domain;
	(void)snprintf(what, sizeof(what), "policy %zu: policy-domain", pno);
	if (check_domain(pd, lower, what, err) == -1)
		return -1;
	if (pol->nstrings > RPT_STRINGS_MAX || pol->nmx > RPT_MX_MAX ||
	    pol->nfailures > RPT_FAILURES_MAX) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "policy %zu: %zu "
		    "strings, %zu mx, %zu failures: over the limits", pno,
		    pol->nstrings, pol->nmx, pol->nfailures);
		return -1;
	}
	/*
	 * Hot path (every datagram): the label for the message is made
	 * only once something is wrong.
	 */
	for (i = 0; i < pol->nstrings; i++) {
		if (check_text(pol->strings[i], RPT_STRING_MAX, 0, NULL,
		    NULL) == 0)
			continue;
		(void)snprintf(what, sizeof(what), "policy %zu: "
		    "policy-string %zu", pno, i + 1);
		return check_text(pol->strings[i], RPT_STRING_MAX, 0, what,
		    err);
	}
	for (i = 0; i < pol->nmx; i++) {
		if (check_text(pol->mx[i], RPT_STRING_MAX, 1, NULL, NULL) == 0)
			continue;
		(void)snprintf(what, sizeof(what), "policy %zu: mx-host %zu",
		    pno, i + 1);
		return check_text(pol->mx[i], RPT_STRING_MAX, 1, what, err);
	}
	for (i = 0; i < pol->nfailures; i++) {
		f = &pol->failures[i];
		if ((unsigned)f->result >= RPT_RESULT_COUNT) {
			parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "policy "
			    "%zu: failure %zu: result %d out of range", pno,
			    i + 1, (int)f->result);
			return -1;
		}
		failure_view(f, &rv);
		for (k = 0; k < ROW_FIELDS; k++) {
			if (rv.f[k] == NULL || check_text(rv.f[k],
			    RPT_STRING_MAX, 0, NULL, NULL) == 0)
				continue;
			(void)snprintf(what, sizeof(what), "policy %zu: "
			    "failure %zu: %s", pno, i + 1, row_names[k]);
			return check_text(rv.f[k], RPT_STRING_MAX, 0, what,
			    err);
		}
	}
	v->type = pol->type;
	v->domain = lower;
	v->nstrings = pol->nstrings;
	v->strings = pol->strings;
	v->nmx = pol->nmx;
	v->mx = pol->mx;
	return 0;
}

/*
 * An entry built by decode or add passes; one built by hand may not.  The
 * same rules as report_entry_decode() applies to stored bytes.
 */
static int
check_entry(const struct report_entry *e, struct pview *v,
    struct parse_err *err)
{
	struct rowv	 a, b;
	char		 what[64];
	size_t		 i, k;

	if (e->domain == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "empty entry");
		return -1;
	}
	if (!valid_lower_domain(e->domain, strnlen(e->domain,
	    DOMAIN_MAX + 1)) || e->policy_domain == NULL ||
	    !valid_lower_domain(e->policy_domain, strnlen(e->policy_domain,
	    DOMAIN_MAX + 1))) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "entry domain or "
		    "policy-domain is not a lowercase domain name");
		return -1;
	}
	if (check_text(e->record, RPT_RECORD_MAX, 1, "entry record",
	    err) == -1)
		return -1;
	if ((unsigned)e->type > RPT_POLICY_NONE ||
	    e->nstrings > RPT_STRINGS_MAX || e->nmx > RPT_MX_MAX ||
	    e->nrows > REPORT_ROWS_MAX || e->success > REPORT_COUNT_MAX ||
	    e->failure > REPORT_COUNT_MAX ||
	    e->rows_dropped > REPORT_COUNT_MAX ||
	    (e->nstrings > 0 && e->strings == NULL) ||
	    (e->nmx > 0 && e->mx == NULL) ||
	    (e->nrows > 0 && e->rows == NULL)) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "entry type, sizes "
		    "or counts out of range");
		return -1;
	}
	for (i = 0; i < e->nstrings; i++) {
		(void)snprintf(what, sizeof(what), "entry policy-string %zu",
		    i + 1);
		if (check_text(e->strings[i], RPT_STRING_MAX, 0, what,
		    err) == -1)
			return -1;
	}
	for (i = 0; i < e->nmx; i++) {
		(void)snprintf(what, sizeof(what), "entry mx-host %zu", i + 1);
		if (check_text(e->mx[i], RPT_STRING_MAX, 1, what, err) == -1)
			return -1;
	}
	for (i = 0; i < e->nrows; i++) {
		row_view(&e->rows[i], &a);
		if ((unsigned)a.result >= RPT_RESULT_COUNT ||
		    e->rows[i].count == 0 ||
		    e->rows[i].count > REPORT_COUNT_MAX) {
			parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "entry row "
			    "%zu: result or count out of range", i + 1);
			return -1;
		}
		for (k = 0; k < ROW_FIELDS; k++) {
			if (a.f[k] == NULL)
				continue;
			(void)snprintf(what, sizeof(what), "entry row %zu: %s",
			    i + 1, row_names[k]);
			if (check_text(a.f[k], RPT_STRING_MAX, 0, what,
			    err) == -1)
				return -1;
		}
		if (i > 0) {
			row_view(&e->rows[i - 1], &b);
			if (cmp_rowv(&b, &a) >= 0) {
				parse_err_set(err, 0, 0, REPORT_ERR_INPUT,
				    "entry row %zu out of order", i + 1);
				return -1;
			}
		}
	}
	if (v != NULL)
		entry_view(e, v);
	return 0;
}

/*
 * Identities and their order.
 */

static void
entry_view(const struct report_entry *e, struct pview *v)
{
	v->type = e->type;
	v->domain = e->policy_domain;
	v->nstrings = e->nstrings;
	v->strings = (const char *const *)e->strings;
	v->nmx = e->nmx;
	v->mx = (const char *const *)e->mx;
}

static void
row_view(const struct report_row *r, struct rowv *v)
{
	v->result = r->result;
	v->f[0] = r->sending_mta_ip;
	v->f[1] = r->receiving_mx_hostname;
	v->f[2] = r->receiving_mx_helo;
	v->f[3] = r->receiving_ip;
	v->f[4] = r->additional_information;
	v->f[5] = r->failure_reason_code;
}

static void
failure_view(const struct rpt_failure *f, struct rowv *v)
{
	v->result = f->result;
	v->f[0] = f->sending_mta_ip;
	v->f[1] = f->receiving_mx_hostname;
	v->f[2] = f->receiving_mx_helo;
	v->f[3] = f->receiving_ip;
	v->f[4] = f->additional_information;
	v->f[5] = f->failure_reason_code;
}

/* Absent sorts first; then bytes. */
static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t	i;
	int	c;

	for (i = 0; i < na && i < nb; i++)
		if ((c = strcmp(a[i], b[i])) != 0)
			return c;
	return (na > nb) - (na < nb);
}

static int
cmp_rowv(const struct rowv *a, const struct rowv *b)
{
	size_t	i;
	int	c;

	if (a->result != b->result)
		return a->result < b->result ? -1 : 1;
	for (i = 0; i < ROW_FIELDS; i++)
		if ((c = cmp_str(a->f[i], b->f[i])) != 0)
			return c;
	return 0;
}

/* The report's policy order: domain, type, strings, mx. */
static int
cmp_pview(const struct pview *a, const struct pview *b)
{
	int	c;

	if ((c = strcmp(a->domain, b->domain)) != 0)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = cmp_list(a->strings, a->nstrings, b->strings,
	    b->nstrings)) != 0)
		return c;
	return cmp_list(a->mx, a->nmx, b->mx, b->nmx);
}

static int
cmp_entry_ptr(const void *pa, const void *pb)
{
	const struct report_entry *const *a = pa, *const *b = pb;
	struct pview	va, vb;

	entry_view(*a, &va);
	entry_view(*b, &vb);
	return cmp_pview(&va, &vb);
}

static int
same_identity(const struct report_entry *e, const char *domain,
    const char *record, const struct pview *v)
{
	struct pview	ev;

	entry_view(e, &ev);
	return strcmp(e->domain, domain) == 0 &&
	    strcmp(e->record, record) == 0 && cmp_pview(&ev, v) == 0;
}

static char **
copy_list(const char *const *v, size_t n)
{
	char	**out;
	size_t	  i;

	if (n == 0)
		return NULL;
	out = xreallocarray(NULL, n, sizeof(*out));
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void
set_identity(struct report_entry *e, const char *domain, const char *record,
    const struct pview *v)
{
	e->domain = xstrdup(domain);
	e->record = xstrdup(record);
	e->type = v->type;
	e->policy_domain = xstrdup(v->domain);
	e->nstrings = v->nstrings;
	e->strings = copy_list(v->strings, v->nstrings);
	e->nmx = v->nmx;
	e->mx = copy_list(v->mx, v->nmx);
}

/*
 * Hashes and keys.
 */

static void
hash_bytes(const void *p, size_t n, uint8_t *md)
{
	unsigned int	mdlen = 0;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	/* Fetched once: an implicit fetch per call costs as much as the hash. */
	static EVP_MD	*sha256;

	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256",
	    NULL)) == NULL)
		fatalx("%s: no SHA-256", __func__);
#else
	const EVP_MD	*sha256 = EVP_sha256();
#endif

	if (EVP_Digest(p, n, md, &mdlen, sha256, NULL) != 1 ||
	    mdlen != REPORT_HASH_LEN)
		fatalx("%s: SHA-256 failed", __func__);
}

/* The identity in the value's own form, hashed. */
static void
hash_policy(const struct pview *v, uint8_t *md)
{
	struct report_buf	b;
	size_t			i;

	report_buf_init(&b);
	rb_uint(&b, (uint8_t)v->type, 1);
	rb_s16(&b, v->domain);
	rb_uint(&b, v->nstrings, 2);
	for (i = 0; i < v->nstrings; i++)
		rb_s16(&b, v->strings[i]);
	rb_uint(&b, v->nmx, 2);
	for (i = 0; i < v->nmx; i++)
		rb_s16(&b, v->mx[i]);
	hash_bytes(b.buf, b.len, md);
	report_buf_free(&b);
}

/*
 * The key, or a prefix of it when record or v is NULL; domain is checked
 * and lowercase already.
 */
static size_t
make_key(struct report_key *k, int64_t day, const char *domain,
    const char *record, const struct pview *v)
{
	size_t	n, i;

	memset(k, 0, sizeof(*k));
	if (day < 0 || day > REPORT_DAY_MAX)
		return 0;
	k->buf[0] = REPORT_KEY_FORMAT;
	for (i = 0; i < 4; i++)
		k->buf[1 + i] = (uint8_t)((uint64_t)day >> (8 * (3 - i)));
	k->len = REPORT_KEY_DAY_LEN;
	if (domain == NULL)
		return k->len;
	n = strlen(domain);
	memcpy(k->buf + k->len, domain, n);
	k->len += n;
	k->buf[k->len++] = '\0';
	if (record == NULL)
		return k->len;
	hash_bytes(record, strlen(record), k->buf + k->len);
	k->len += REPORT_HASH_LEN;
	if (v == NULL)
		return k->len;
	hash_policy(v, k->buf + k->len);
	k->len += REPORT_HASH_LEN;
	return k->len;
}

size_t
report_key_prefix(struct report_key *out, int64_t day, const char *domain,
    const char *record)
{
	char	lower[DOMAIN_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (domain != NULL && check_domain(domain, lower, "domain",
	    NULL) == -1)
		return 0;
	if (domain != NULL && record != NULL && check_text(record,
	    RPT_RECORD_MAX, 1, "record", NULL) == -1)
		return 0;
	return make_key(out, day, domain != NULL ? lower : NULL,
	    domain != NULL ? record : NULL, NULL);
}

int
report_key_parse(const void *key, size_t len, struct report_key_info *info,
    struct parse_err *err)
{
	const uint8_t	*p = key;
	const uint8_t	*nul;
	size_t		 n, i;
	int64_t		 day = 0;

	memset(info, 0, sizeof(*info));
	parse_err_clear(err);
	if (p == NULL)
		len = 0;
	if (len >= 1 && p[0] != REPORT_KEY_FORMAT) {
		parse_err_set(err, 0, 1, REPORT_ERR_MAGIC, "not a report key "
		    "(format 0x%02x)", p[0]);
		return -1;
	}
	if (len < REPORT_KEY_DAY_LEN + 2 ||
	    (nul = memchr(p + REPORT_KEY_DAY_LEN, '\0',
	    len - REPORT_KEY_DAY_LEN)) == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_TRUNCATED, "truncated: "
		    "report key of %zu bytes", len);
		return -1;
	}
	for (i = 0; i < 4; i++)
		day = day << 8 | p[1 + i];
	n = (size_t)(nul - (p + REPORT_KEY_DAY_LEN));
	if (day > REPORT_DAY_MAX) {
		parse_err_set(err, 0, 2, REPORT_ERR_FIELD, "day %lld out of "
		    "range", (long long)day);
		return -1;
	}
	if (!valid_lower_domain((const char *)p + REPORT_KEY_DAY_LEN, n)) {
		parse_err_set(err, 0, REPORT_KEY_DAY_LEN + 1, REPORT_ERR_FIELD,
		    "the key's domain is not a lowercase domain name");
		return -1;
	}
	if (len != REPORT_KEY_REPORT_LEN(n) + REPORT_HASH_LEN) {
		parse_err_set(err, 0, 0, len < REPORT_KEY_REPORT_LEN(n) +
		    REPORT_HASH_LEN ? REPORT_ERR_TRUNCATED : REPORT_ERR_FIELD,
		    "report key of %zu bytes, %zu expected", len,
		    REPORT_KEY_REPORT_LEN(n) + REPORT_HASH_LEN);
		return -1;
	}
	info->day = day;
	memcpy(info->domain, p + REPORT_KEY_DAY_LEN, n);
	info->domain[n] = '\0';
	info->report_len = REPORT_KEY_REPORT_LEN(n);
	return 0;
}

int
report_session_keys(int64_t day, const struct rpt_session *s,
    struct report_key keys[RPT_POLICIES_MAX], size_t idx[RPT_POLICIES_MAX],
    size_t *n, struct parse_err *err)
{
	char		domain[DOMAIN_MAX + 1];
	char		lower[RPT_POLICIES_MAX][DOMAIN_MAX + 1];
	struct pview	v[RPT_POLICIES_MAX];
	size_t		i, j;

	*n = 0;
	parse_err_clear(err);
	if (day < 0 || day > REPORT_DAY_MAX) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "day %lld out of "
		    "range", (long long)day);
		return -1;
	}
	if (check_domain(s->domain, domain, "session domain", err) == -1 ||
	    check_text(s->record, RPT_RECORD_MAX, 1, "TLSRPT record",
	    err) == -1)
		return -1;
	if (s->npolicies == 0 || s->npolicies > RPT_POLICIES_MAX) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "session with %zu "
		    "policies (1..%d)", s->npolicies, RPT_POLICIES_MAX);
		return -1;
	}
	/* All policies first: a session is recorded whole or not at all. */
	for (i = 0; i < s->npolicies; i++)
		if (check_policy(&s->policies[i], i + 1, s->domain, lower[i],
		    &v[i], err) == -1)
			return -1;
	for (i = 0; i < s->npolicies; i++) {
		(void)make_key(&keys[*n], day, domain, s->record, &v[i]);
		for (j = 0; j < *n; j++)
			if (keys[j].len == keys[*n].len &&
			    memcmp(keys[j].buf, keys[*n].buf,
			    keys[j].len) == 0)
				break;
		/* RPT-10: the same policy counts once. */
		if (j < *n)
			continue;
		idx[*n] = i;
		(*n)++;
	}
	return 0;
}

size_t
report_entry_key(const struct report_entry *e, int64_t day,
    struct report_key *out)
{
	struct pview	v;

	memset(out, 0, sizeof(*out));
	if (check_entry(e, &v, NULL) == -1)
		return 0;
	return make_key(out, day, e->domain, e->record, &v);
}

/*
 * Entries and merging.
 */

void
report_entry_init(struct report_entry *e)
{
	memset(e, 0, sizeof(*e));
}

static void
row_free(struct report_row *r)
{
	xfree(r->sending_mta_ip);
	xfree(r->receiving_mx_hostname);
	xfree(r->receiving_mx_helo);
	xfree(r->receiving_ip);
	xfree(r->additional_information);
	xfree(r->failure_reason_code);
}

void
report_entry_clear(struct report_entry *e)
{
	size_t	i;

	if (e == NULL)
		return;
	xfree(e->domain);
	xfree(e->record);
	xfree(e->policy_domain);
	for (i = 0; i < e->nstrings && e->strings != NULL; i++)
		xfree(e->strings[i]);
	xfree(e->strings);
	for (i = 0; i < e->nmx && e->mx != NULL; i++)
		xfree(e->mx[i]);
	xfree(e->mx);
	for (i = 0; i < e->nrows && e->rows != NULL; i++)
		row_free(&e->rows[i]);
	xfree(e->rows);
	report_entry_init(e);
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	if (a > REPORT_COUNT_MAX)
		a = REPORT_COUNT_MAX;
	if (b > REPORT_COUNT_MAX)
		b = REPORT_COUNT_MAX;
	return a + b > REPORT_COUNT_MAX ? REPORT_COUNT_MAX : a + b;
}

/* Count n sessions into row v: its own row, or over the cap. */
static void
row_add(struct report_entry *e, const struct rowv *v, uint64_t n)
{
	struct report_row	*r;
	struct rowv		 cur;
	size_t			 lo = 0, hi = e->nrows, mid;
	int			 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		row_view(&e->rows[mid], &cur);
		if ((c = cmp_rowv(&cur, v)) == 0) {
			e->rows[mid].count = sat_add(e->rows[mid].count, n);
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (e->nrows >= REPORT_ROWS_MAX) {
		e->rows_dropped = sat_add(e->rows_dropped, n);
		return;
	}
	e->rows = xreallocarray(e->rows, e->nrows + 1, sizeof(*e->rows));
	memmove(&e->rows[lo + 1], &e->rows[lo],
	    (e->nrows - lo) * sizeof(*e->rows));
	e->nrows++;
	r = &e->rows[lo];
	memset(r, 0, sizeof(*r));
	r->result = v->result;
	r->sending_mta_ip = v->f[0] ? xstrdup(v->f[0]) : NULL;
	r->receiving_mx_hostname = v->f[1] ? xstrdup(v->f[1]) : NULL;
	r->receiving_mx_helo = v->f[2] ? xstrdup(v->f[2]) : NULL;
	r->receiving_ip = v->f[3] ? xstrdup(v->f[3]) : NULL;
	r->additional_information = v->f[4] ? xstrdup(v->f[4]) : NULL;
	r->failure_reason_code = v->f[5] ? xstrdup(v->f[5]) : NULL;
	r->count = n > REPORT_COUNT_MAX ? REPORT_COUNT_MAX : n;
}

int
report_entry_add(struct report_entry *e, const char *domain,
    const char *record, const struct rpt_policy *pol,
    struct parse_err *err)
{
	char		 dom[DOMAIN_MAX + 1], lower[DOMAIN_MAX + 1];
	struct pview	 v;
	struct rowv	 rv, prev;
	size_t		 i, j;

	parse_err_clear(err);
	if (check_domain(domain, dom, "domain", err) == -1 ||
	    check_text(record, RPT_RECORD_MAX, 1, "TLSRPT record",
	    err) == -1 || check_policy(pol, 1, domain, lower, &v, err) == -1)
		return -1;
	if (e->domain == NULL)
		set_identity(e, dom, record, &v);
	else if (!same_identity(e, dom, record, &v)) {
		parse_err_set(err, 0, 0, REPORT_ERR_MISMATCH, "the policy is "
		    "not the entry's");
		return -1;
	}
	/* RPT-10: one session, one count, under each policy it used. */
	if (pol->failed)
		e->failure = sat_add(e->failure, 1);
	else
		e->success = sat_add(e->success, 1);
	for (i = 0; i < pol->nfailures; i++) {
		failure_view(&pol->failures[i], &rv);
		/* The same detail twice is still one session. */
		for (j = 0; j < i; j++) {
			failure_view(&pol->failures[j], &prev);
			if (cmp_rowv(&prev, &rv) == 0)
				break;
		}
		if (j == i)
			row_add(e, &rv, 1);
	}
	return 0;
}

int
report_entry_merge(struct report_entry *dst, const struct report_entry *src,
    struct parse_err *err)
{
	struct pview	v;
	struct rowv	rv;
	size_t		i;

	parse_err_clear(err);
	if (check_entry(src, &v, err) == -1)
		return -1;
	if (dst == src) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "an entry merged "
		    "into itself");
		return -1;
	}
	if (dst->domain == NULL)
		set_identity(dst, src->domain, src->record, &v);
	else if (!same_identity(dst, src->domain, src->record, &v)) {
		parse_err_set(err, 0, 0, REPORT_ERR_MISMATCH, "the entries "
		    "are of different reports or policies");
		return -1;
	}
	dst->success = sat_add(dst->success, src->success);
	dst->failure = sat_add(dst->failure, src->failure);
	dst->rows_dropped = sat_add(dst->rows_dropped, src->rows_dropped);
	for (i = 0; i < src->nrows; i++) {
		row_view(&src->rows[i], &rv);
		row_add(dst, &rv, src->rows[i].count);
	}
	return 0;
}

/*
 * The growing buffer.
 */

void
report_buf_init(struct report_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
report_buf_free(struct report_buf *b)
{
	if (b == NULL)
		return;
	xfree(b->buf);
	report_buf_init(b);
}

static void
rb_grow(struct report_buf *b, size_t n)
{
	size_t	want;

	if (n > SIZE_MAX / 2 - b->len)
		fatalx("%s: %zu + %zu bytes", __func__, b->len, n);
	want = b->len + n + 1;
	if (want <= b->cap)
		return;
	if (want < 256)
		want = 256;
	if (want < b->cap * 2)
		want = b->cap * 2;
	b->buf = xreallocarray(b->buf, want, 1);
	b->cap = want;
}

static void
rb_add(struct report_buf *b, const void *p, size_t n)
{
	rb_grow(b, n);
	if (n > 0)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void
rb_str(struct report_buf *b, const char *s)
{
	rb_add(b, s, strlen(s));
}

static void
rb_printf(struct report_buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("%s: vsnprintf failed", __func__);
	rb_grow(b, (size_t)n);
	va_start(ap, fmt);
	(void)vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* n bytes of v, little-endian. */
static void
rb_uint(struct report_buf *b, uint64_t v, size_t n)
{
	uint8_t	tmp[8];
	size_t	i;

	for (i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	rb_add(b, tmp, n);
}

static void
rb_s16(struct report_buf *b, const char *s)
{
	size_t	n = strlen(s);

	if (n > UINT16_MAX)
		fatalx("%s: %zu bytes", __func__, n);
	rb_uint(b, n, 2);
	rb_add(b, s, n);
}

/*
 * Values.
 */

void *
report_entry_encode(const struct report_entry *e, size_t *len)
{
	struct report_buf	 b;
	struct parse_err	 err;
	struct rowv		 v;
	size_t			 i, k;
	unsigned		 flags;

	if (check_entry(e, NULL, &err) == -1)
		fatalx("%s: %s", __func__, err.msg);
	report_buf_init(&b);
	rb_uint(&b, REPORT_MAGIC0, 1);
	rb_uint(&b, REPORT_MAGIC1, 1);
	rb_uint(&b, REPORT_VERSION, 1);
	rb_uint(&b, (uint8_t)e->type, 1);
	rb_uint(&b, e->success, 8);
	rb_uint(&b, e->failure, 8);
	rb_uint(&b, e->rows_dropped, 8);
	rb_uint(&b, e->nstrings, 2);
	rb_uint(&b, e->nmx, 2);
	rb_uint(&b, e->nrows, 2);
	rb_s16(&b, e->domain);
	rb_s16(&b, e->record);
	rb_s16(&b, e->policy_domain);
	for (i = 0; i < e->nstrings; i++)
		rb_s16(&b, e->strings[i]);
	for (i = 0; i < e->nmx; i++)
		rb_s16(&b, e->mx[i]);
	for (i = 0; i < e->nrows; i++) {
		row_view(&e->rows[i], &v);
		flags = 0;
		for (k = 0; k < ROW_FIELDS; k++)
			if (v.f[k] != NULL)
				flags |= 1U << k;
		rb_uint(&b, (uint8_t)v.result, 1);
		rb_uint(&b, flags, 1);
		rb_uint(&b, e->rows[i].count, 8);
		for (k = 0; k < ROW_FIELDS; k++)
			if (v.f[k] != NULL)
				rb_s16(&b, v.f[k]);
	}
	*len = b.len;
	return b.buf;
}

static void
cur_fail(struct rcur *c, int code, const char *fmt, ...)
{
	va_list	ap;
	char	msg[PARSE_ERR_MSG_MAX];

	if (c->failed)
		return;
	c->failed = 1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parse_err_set(c->err, 0, (unsigned)(c->off + 1), code, "%s", msg);
}

static int
cur_need(struct rcur *c, size_t n, const char *what)
{
	if (c->failed)
		return 0;
	if (c->len - c->off >= n)
		return 1;
	cur_fail(c, REPORT_ERR_TRUNCATED, "truncated: %s needs %zu bytes, "
	    "%zu left", what, n, c->len - c->off);
	return 0;
}

static uint64_t
get_uint(struct rcur *c, size_t n, const char *what)
{
	uint64_t	v = 0;
	size_t		i;

	if (!cur_need(c, n, what))
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)c->buf[c->off + i] << (8 * i);
	c->off += n;
	return v;
}

/* An 8-byte count of at least min and at most REPORT_COUNT_MAX. */
static uint64_t
get_count(struct rcur *c, uint64_t min, const char *what)
{
	size_t		start = c->off;
	uint64_t	v = get_uint(c, 8, what);

	if (!c->failed && (v < min || v > REPORT_COUNT_MAX)) {
		c->off = start;
		cur_fail(c, REPORT_ERR_FIELD, "%s %llu out of range", what,
		    (unsigned long long)v);
		return 0;
	}
	return v;
}

/*
 * A u16 length of at most max, then that many bytes of UTF-8 without
 * NUL; nonempty if required.  Returns a copy (xmalloc) or NULL.
 */
static char *
get_str(struct rcur *c, size_t max, int nonempty, const char *what)
{
	size_t	start = c->off, n;

	n = (size_t)get_uint(c, 2, what);
	if (c->failed)
		return NULL;
	if (n > max || (nonempty && n == 0)) {
		c->off = start;
		cur_fail(c, REPORT_ERR_FIELD, "%s is %zu bytes, %s%zu allowed",
		    what, n, nonempty ? "1 to " : "at most ", max);
		return NULL;
	}
	if (!cur_need(c, n, what))
		return NULL;
	if (!valid_utf8(c->buf + c->off, n)) {
		cur_fail(c, REPORT_ERR_FIELD, "%s is not valid UTF-8 or has "
		    "a NUL", what);
		return NULL;
	}
	c->off += n;
	return xstrndup((const char *)c->buf + c->off - n, n);
}

/* Row i (from 0); rows arrive in their order, so they are appended. */
static void
get_row(struct rcur *c, struct report_entry *e, size_t i)
{
	struct report_row	*r = &e->rows[i];
	struct rowv		 a, b;
	char			*f[ROW_FIELDS], what[64];
	size_t			 start = c->off, k;
	uint64_t		 v, flags;

	v = get_uint(c, 1, "row result");
	if (!c->failed && v >= RPT_RESULT_COUNT) {
		c->off = start;
		cur_fail(c, REPORT_ERR_FIELD, "row %zu: result %u out of "
		    "range", i + 1, (unsigned)v);
	}
	start = c->off;
	flags = get_uint(c, 1, "row flags");
	if (!c->failed && (flags & ~(uint64_t)ROW_FLAGS_ALL)) {
		c->off = start;
		cur_fail(c, REPORT_ERR_FIELD, "row %zu: unknown flags 0x%02x",
		    i + 1, (unsigned)flags);
	}
	r->count = get_count(c, 1, "failed-session-count");
	if (c->failed)
		return;
	memset(f, 0, sizeof(f));
	for (k = 0; k < ROW_FIELDS && !c->failed; k++) {
		if (!(flags & (1U << k)))
			continue;
		(void)snprintf(what, sizeof(what), "row %zu %s", i + 1,
		    row_names[k]);
		f[k] = get_str(c, RPT_STRING_MAX, 0, what);
	}
	/* Kept even after an error, so that clear() frees them. */
	r->result = (enum rpt_result)v;
	r->sending_mta_ip = f[0];
	r->receiving_mx_hostname = f[1];
	r->receiving_mx_helo = f[2];
	r->receiving_ip = f[3];
	r->additional_information = f[4];
	r->failure_reason_code = f[5];
	e->nrows = i + 1;
	if (c->failed || i == 0)
		return;
	/* One form per value: rows strictly in order, no duplicates. */
	row_view(&e->rows[i - 1], &a);
	row_view(r, &b);
	if (cmp_rowv(&a, &b) >= 0) {
		c->off = start - 1;
		cur_fail(c, REPORT_ERR_FIELD, "row %zu is not after row %zu",
		    i + 1, i);
	}
}

int
report_entry_decode(const void *buf, size_t len, struct report_entry *e,
    struct parse_err *err)
{
	struct rcur	 c;
	char		 what[64];
	size_t		 i, start, nstrings, nmx, nrows;
	uint64_t	 v;

	report_entry_init(e);
	parse_err_clear(err);
	memset(&c, 0, sizeof(c));
	c.buf = buf;
	c.len = buf != NULL ? len : 0;
	c.err = err;

	if ((c.len >= 1 && c.buf[0] != REPORT_MAGIC0) ||
	    (c.len >= 2 && c.buf[1] != REPORT_MAGIC1))
		cur_fail(&c, REPORT_ERR_MAGIC, "not a report entry (bad "
		    "magic)");
	else if (cur_need(&c, 3, "header") && c.buf[2] != REPORT_VERSION) {
		c.off = 2;
		cur_fail(&c, REPORT_ERR_VERSION, "report entry version %u, "
		    "this build reads version %d", c.buf[2], REPORT_VERSION);
	}
	if (!cur_need(&c, VALUE_HEADER_LEN, "header"))
		goto fail;
	c.off = 3;
	v = get_uint(&c, 1, "policy type");
	if (v > RPT_POLICY_NONE) {
		c.off = 3;
		cur_fail(&c, REPORT_ERR_FIELD, "policy type %u out of range",
		    (unsigned)v);
	}
	e->type = (enum rpt_policy_type)v;
	e->success = get_count(&c, 0, "success count");
	e->failure = get_count(&c, 0, "failure count");
	e->rows_dropped = get_count(&c, 0, "dropped count");
	start = c.off;
	nstrings = (size_t)get_uint(&c, 2, "string count");
	nmx = (size_t)get_uint(&c, 2, "mx count");
	nrows = (size_t)get_uint(&c, 2, "row count");
	if (!c.failed && (nstrings > RPT_STRINGS_MAX || nmx > RPT_MX_MAX ||
	    nrows > REPORT_ROWS_MAX)) {
		c.off = start;
		cur_fail(&c, REPORT_ERR_FIELD, "%zu strings, %zu mx, %zu rows: "
		    "at most %d, %d, %d", nstrings, nmx, nrows,
		    RPT_STRINGS_MAX, RPT_MX_MAX, REPORT_ROWS_MAX);
	}
	if (c.failed)
		goto fail;

	start = c.off;
	e->domain = get_str(&c, DOMAIN_MAX, 1, "domain");
	if (e->domain != NULL && !valid_lower_domain(e->domain,
	    strlen(e->domain))) {
		c.off = start;
		cur_fail(&c, REPORT_ERR_FIELD, "domain is not a lowercase "
		    "domain name");
	}
	e->record = get_str(&c, RPT_RECORD_MAX, 1, "record");
	start = c.off;
	e->policy_domain = get_str(&c, DOMAIN_MAX, 1, "policy domain");
	if (e->policy_domain != NULL && !valid_lower_domain(e->policy_domain,
	    strlen(e->policy_domain))) {
		c.off = start;
		cur_fail(&c, REPORT_ERR_FIELD, "policy domain is not a "
		    "lowercase domain name");
	}
	if (c.failed)
		goto fail;
	if (nstrings > 0)
		e->strings = xcalloc(nstrings, sizeof(*e->strings));
	e->nstrings = nstrings;
	for (i = 0; i < nstrings && !c.failed; i++) {
		(void)snprintf(what, sizeof(what), "policy string %zu", i + 1);
		e->strings[i] = get_str(&c, RPT_STRING_MAX, 0, what);
	}
	if (nmx > 0)
		e->mx = xcalloc(nmx, sizeof(*e->mx));
	e->nmx = nmx;
	for (i = 0; i < nmx && !c.failed; i++) {
		(void)snprintf(what, sizeof(what), "mx host %zu", i + 1);
		e->mx[i] = get_str(&c, RPT_STRING_MAX, 1, what);
	}
	if (!c.failed && nrows > 0)
		e->rows = xcalloc(nrows, sizeof(*e->rows));
	for (i = 0; i < nrows && !c.failed; i++)
		get_row(&c, e, i);
	if (!c.failed && c.off != c.len)
		cur_fail(&c, REPORT_ERR_FIELD, "%zu trailing bytes",
		    c.len - c.off);
	if (c.failed)
		goto fail;
	return 0;

fail:
	report_entry_clear(e);
	return -1;
}

/*
 * The report.
 */

/* dot-atom-text (RFC 5322 §3.2.3). */
static int
valid_dot_atom(const char *s, size_t n)
{
	static const char	specials[] = "!#$%&'*+-/=?^_`{|}~";
	size_t			i;
	unsigned char		c;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i - 1] == '.')
				return 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') ||
		    (c != '\0' && strchr(specials, c) != NULL)))
			return 0;
	}
	return 1;
}

/* RPT-6: a msg-id without brackets, id-right a domain name. */
static int
check_report_id(const char *id, struct parse_err *err)
{
	const char	*at;
	size_t		 n;

	if (id == NULL || (n = strnlen(id, REPORT_ID_MAX)) == REPORT_ID_MAX ||
	    (at = memchr(id, '@', n)) == NULL ||
	    !valid_dot_atom(id, (size_t)(at - id)) ||
	    !domain_valid_ldh(at + 1, n - (size_t)(at - id) - 1)) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "report-id is not "
		    "of the form left@domain (RFC 5322 msg-id)");
		return -1;
	}
	return 0;
}

int
report_id(char buf[REPORT_ID_MAX], int64_t day, const char *domain,
    const char *record, const char *submitter, const void *nonce,
    size_t noncelen, struct parse_err *err)
{
	struct report_buf	 b;
	char			 dom[DOMAIN_MAX + 1], sub[DOMAIN_MAX + 1];
	uint8_t			 md[REPORT_HASH_LEN];
	int			 y;
	unsigned		 m, d;
	size_t			 i;

	buf[0] = '\0';
	parse_err_clear(err);
	if (day < 0 || day > REPORT_DAY_MAX) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "day %lld out of "
		    "range", (long long)day);
		return -1;
	}
	if (check_domain(domain, dom, "domain", err) == -1 ||
	    check_text(record, RPT_RECORD_MAX, 1, "TLSRPT record",
	    err) == -1 ||
	    check_domain(submitter, sub, "submitter", err) == -1)
		return -1;
	if (nonce == NULL && noncelen > 0) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "nonce is missing");
		return -1;
	}
	report_buf_init(&b);
	rb_uint(&b, (uint64_t)day, 4);
	rb_s16(&b, dom);
	rb_s16(&b, record);
	rb_s16(&b, sub);
	rb_uint(&b, noncelen, 8);
	rb_add(&b, nonce, noncelen);
	hash_bytes(b.buf, b.len, md);
	report_buf_free(&b);

	civil(day, &y, &m, &d);
	(void)snprintf(buf, REPORT_ID_MAX, "%04d%02u%02u.", y, m, d);
	for (i = 0; i < 16; i++)
		(void)snprintf(buf + 9 + 2 * i, 3, "%02x", md[i]);
	(void)snprintf(buf + 41, REPORT_ID_MAX - 41, "@%s", sub);
	return 0;
}

/* RFC 8259 §7; the input is valid UTF-8, passed through as it is. */
static void
json_str(struct report_buf *b, const char *s)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s, *run = p;
	char			 esc[7];

	rb_add(b, "\"", 1);
	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		rb_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"':
			rb_add(b, "\\\"", 2);
			break;
		case '\\':
			rb_add(b, "\\\\", 2);
			break;
		case '\b':
			rb_add(b, "\\b", 2);
			break;
		case '\f':
			rb_add(b, "\\f", 2);
			break;
		case '\n':
			rb_add(b, "\\n", 2);
			break;
		case '\r':
			rb_add(b, "\\r", 2);
			break;
		case '\t':
			rb_add(b, "\\t", 2);
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			rb_add(b, esc, 6);
			break;
		}
	}
	rb_add(b, run, (size_t)(p - run));
	rb_add(b, "\"", 1);
}

static void
json_key(struct report_buf *b, const char *name)
{
	json_str(b, name);
	rb_add(b, ":", 1);
}

/* RPT-8, RPT-21: an array, even when empty. */
static void
json_list(struct report_buf *b, const char *name, char *const *v, size_t n)
{
	size_t	i;

	json_key(b, name);
	rb_add(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			rb_add(b, ",", 1);
		json_str(b, v[i]);
	}
	rb_add(b, "]", 1);
}

/* RFC 3339 in UTC, whole seconds. */
static void
json_datetime(struct report_buf *b, int64_t t)
{
	int		y;
	unsigned	m, d;
	int64_t		s = t % REPORT_DAY_SECONDS;

	civil(t / REPORT_DAY_SECONDS, &y, &m, &d);
	rb_printf(b, "\"%04d-%02u-%02uT%02u:%02u:%02uZ\"", y, m, d,
	    (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* RPT-7, RPT-11: one policies[] element. */
static void
json_entry(struct report_buf *b, const struct report_entry *e)
{
	struct rowv	v;
	size_t		i, k;

	rb_add(b, "{", 1);
	json_key(b, "policy");
	rb_add(b, "{", 1);
	json_key(b, "policy-type");
	json_str(b, rpt_policy_type_str(e->type));
	rb_add(b, ",", 1);
	json_list(b, "policy-string", e->strings, e->nstrings);
	rb_add(b, ",", 1);
	json_key(b, "policy-domain");
	json_str(b, e->policy_domain);
	rb_add(b, ",", 1);
	json_list(b, "mx-host", e->mx, e->nmx);
	rb_add(b, "},", 2);
	json_key(b, "summary");
	rb_printf(b, "{\"total-successful-session-count\":%llu,"
	    "\"total-failure-session-count\":%llu}",
	    (unsigned long long)e->success, (unsigned long long)e->failure);
	if (e->nrows > 0) {
		rb_add(b, ",", 1);
		json_key(b, "failure-details");
		rb_add(b, "[", 1);
	}
	for (i = 0; i < e->nrows; i++) {
		row_view(&e->rows[i], &v);
		rb_add(b, i > 0 ? ",{" : "{", i > 0 ? 2 : 1);
		json_key(b, "result-type");
		json_str(b, rpt_result_str(v.result));
		/* RFC 8460 §4.4 order, the count between the addresses and
		 * the optional extras. */
		for (k = 0; k < ROW_FIELDS; k++) {
			if (k == 4)
				rb_printf(b, ",\"failed-session-count\":%llu",
				    (unsigned long long)e->rows[i].count);
			if (v.f[k] == NULL)
				continue;
			rb_add(b, ",", 1);
			json_key(b, row_names[k]);
			json_str(b, v.f[k]);
		}
		rb_add(b, "}", 1);
	}
	if (e->nrows > 0)
		rb_add(b, "]", 1);
	rb_add(b, "}", 1);
}

int
report_json(const struct report_meta *meta,
    const struct report_entry *entries, size_t n, struct report_buf *out,
    struct parse_err *err)
{
	const struct report_entry	**sorted;
	char				  dom[DOMAIN_MAX + 1], what[32];
	int64_t				  start, end;
	size_t				  i;

	parse_err_clear(err);
	if (report_day_bounds(meta->day, &start, &end) == -1) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "day %lld out of "
		    "range", (long long)meta->day);
		return -1;
	}
	if (check_domain(meta->domain, dom, "domain", err) == -1 ||
	    check_text(meta->record, RPT_RECORD_MAX, 1, "TLSRPT record",
	    err) == -1 ||
	    check_text(meta->org, REPORT_META_MAX, 1, "organization-name",
	    err) == -1 ||
	    check_text(meta->contact, REPORT_META_MAX, 1, "contact-info",
	    err) == -1 ||
	    check_report_id(meta->report_id, err) == -1)
		return -1;
	if (n == 0 || entries == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "a report without "
		    "policies");
		return -1;
	}
	for (i = 0; i < n; i++) {
		(void)snprintf(what, sizeof(what), "entry %zu", i + 1);
		if (check_entry(&entries[i], NULL, err) == -1)
			return -1;
		if (strcmp(entries[i].domain, dom) != 0 ||
		    strcmp(entries[i].record, meta->record) != 0) {
			parse_err_set(err, 0, 0, REPORT_ERR_MISMATCH, "%s "
			    "belongs to another report", what);
			return -1;
		}
	}
	sorted = xreallocarray(NULL, n, sizeof(*sorted));
	for (i = 0; i < n; i++)
		sorted[i] = &entries[i];
	qsort(sorted, n, sizeof(*sorted), cmp_entry_ptr);
	for (i = 1; i < n; i++)
		if (cmp_entry_ptr(&sorted[i - 1], &sorted[i]) == 0) {
			xfree(sorted);
			parse_err_set(err, 0, 0, REPORT_ERR_MISMATCH, "the "
			    "same policy in two entries: merge them first");
			return -1;
		}

	/* RPT-6: the top level, in RFC 8460 §4.4 order. */
	rb_add(out, "{", 1);
	json_key(out, "organization-name");
	json_str(out, meta->org);
	rb_add(out, ",", 1);
	json_key(out, "date-range");
	rb_add(out, "{", 1);
	json_key(out, "start-datetime");
	json_datetime(out, start);
	rb_add(out, ",", 1);
	json_key(out, "end-datetime");
	json_datetime(out, end);
	rb_add(out, "},", 2);
	json_key(out, "contact-info");
	json_str(out, meta->contact);
	rb_add(out, ",", 1);
	json_key(out, "report-id");
	json_str(out, meta->report_id);
	rb_add(out, ",", 1);
	json_key(out, "policies");
	rb_add(out, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			rb_add(out, ",", 1);
		json_entry(out, sorted[i]);
	}
	rb_add(out, "]}", 2);
	xfree(sorted);
	return 0;
}

int
report_filename(char buf[REPORT_FILENAME_MAX], const char *submitter,
    const char *domain, int64_t day, const char *id, struct parse_err *err)
{
	char		 sub[DOMAIN_MAX + 1], dom[DOMAIN_MAX + 1];
	const char	*at;
	int64_t		 start, end;
	size_t		 i;

	buf[0] = '\0';
	parse_err_clear(err);
	if (check_domain(submitter, sub, "submitter", err) == -1 ||
	    check_domain(domain, dom, "domain", err) == -1 ||
	    check_report_id(id, err) == -1)
		return -1;
	if (report_day_bounds(day, &start, &end) == -1) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "day %lld out of "
		    "range", (long long)day);
		return -1;
	}
	/* "!" separates the fields, so the unique part is more restricted. */
	at = strchr(id, '@');
	for (i = 0; id + i < at; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '.' ||
		    id[i] == '-' || id[i] == '_')) {
			parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "report-id "
			    "has characters unfit for a file name");
			return -1;
		}
	(void)snprintf(buf, REPORT_FILENAME_MAX, "%s!%s!%lld!%lld!%.*s.json.gz",
	    sub, dom, (long long)start, (long long)end, (int)(at - id), id);
	return 0;
}

/*
 * The mail.
 */

/* Printable ASCII, not empty, no leading or trailing space. */
static int
check_header_text(const char *s, size_t max, const char *what,
    struct parse_err *err)
{
	size_t	i, n;

	if (s == NULL || (n = strnlen(s, max + 1)) == 0 || n > max ||
	    s[0] == ' ' || s[n - 1] == ' ')
		goto bad;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			goto bad;
	return 0;
bad:
	parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "%s is missing, too long "
	    "or not printable ASCII", what);
	return -1;
}

/*
 * RFC 6068: "mailto:" and one address, percent-decoded; hfields after
 * "?" are dropped.  The address must be local@domain with a dot-atom
 * local part, which keeps it one address in one header line.
 */
static int
mailto_addr(const char *uri, char *out, size_t size, struct parse_err *err)
{
	static const char	hexd[] = "0123456789abcdef";
	const char		*p, *h1, *h2, *at;
	size_t			 n = 0;

	if (uri == NULL || strncasecmp(uri, "mailto:", 7) != 0)
		goto bad;
	for (p = uri + 7; *p != '\0' && *p != '?'; p++) {
		if (n + 1 >= size)
			goto bad;
		if (*p != '%') {
			out[n++] = *p;
			continue;
		}
		if (p[1] == '\0' || p[2] == '\0' ||
		    (h1 = strchr(hexd, p[1] | 0x20)) == NULL ||
		    (h2 = strchr(hexd, p[2] | 0x20)) == NULL)
			goto bad;
		out[n++] = (char)((h1 - hexd) << 4 | (h2 - hexd));
		p += 2;
	}
	out[n] = '\0';
	if (memchr(out, '\0', n) != NULL ||
	    (at = strchr(out, '@')) == NULL ||
	    !valid_dot_atom(out, (size_t)(at - out)) ||
	    !domain_valid_ldh(at + 1, strlen(at + 1)))
		goto bad;
	return 0;
bad:
	parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "to is not a mailto: URI "
	    "of one address");
	return -1;
}

/* RFC 2046 §5.1.1 bcharsnospace: no quoting problems, no folding. */
static int
check_boundary(const char *s, struct parse_err *err)
{
	static const char	other[] = "'()+_,-./:=?";
	size_t			i, n;

	if (s == NULL || (n = strnlen(s, BOUNDARY_MAX + 1)) == 0 ||
	    n > BOUNDARY_MAX)
		goto bad;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr(other, s[i]) != NULL))
			goto bad;
	return 0;
bad:
	parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "boundary is not 1 to %d "
	    "MIME boundary characters", BOUNDARY_MAX);
	return -1;
}

/* RPT-17: what report_filename() makes, safe inside a quoted string. */
static int
check_filename(const char *s, struct parse_err *err)
{
	size_t	i, n;

	if (s == NULL || (n = strnlen(s, REPORT_FILENAME_MAX)) ==
	    REPORT_FILENAME_MAX || n <= 8 ||
	    strcmp(s + n - 8, ".json.gz") != 0)
		goto bad;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '-' || s[i] == '_' || s[i] == '!'))
			goto bad;
	return 0;
bad:
	parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "filename is not a "
	    "report file name ending in .json.gz");
	return -1;
}

/*
 * "Name: value", folded before a space wherever the line would pass 78
 * characters (RFC 5322 §2.2.3); a word longer than that stays whole.
 */
static void
put_header(struct report_buf *b, const char *name, const char *value)
{
	const char	*p = value, *sp;
	size_t		 col, word;

	rb_printf(b, "%s:", name);
	col = strlen(name) + 1;
	while (*p != '\0') {
		sp = strchr(p + 1, ' ');
		word = sp != NULL ? (size_t)(sp - p) : strlen(p);
		if (p == value) {
			rb_add(b, " ", 1);
			col++;
		} else if (col + word > HEADER_LINE_MAX) {
			rb_add(b, "\n", 1);
			col = 0;
		}
		rb_add(b, p, word);
		col += word;
		p += word;
	}
	rb_add(b, "\n", 1);
}

/* RFC 5322 §3.3, in UTC. */
static void
put_date(struct report_buf *b, int64_t t)
{
	static const char	*const wday[] = {
		"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"
	};
	static const char	*const mon[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec"
	};
	int64_t		days = t / REPORT_DAY_SECONDS;
	int64_t		s = t % REPORT_DAY_SECONDS;
	int		y;
	unsigned	m, d;

	civil(days, &y, &m, &d);
	rb_printf(b, "Date: %s, %02u %s %04d %02u:%02u:%02u +0000\n",
	    wday[days % 7], d, mon[m - 1], y, (unsigned)(s / 3600),
	    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* RFC 2045 §6.8, lines of 76 characters. */
static void
put_base64(struct report_buf *b, const uint8_t *p, size_t n)
{
	static const char	alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			q[4];
	size_t			i, col = 0;
	uint32_t		v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = alpha[v >> 18 & 0x3f];
		q[1] = alpha[v >> 12 & 0x3f];
		q[2] = i + 1 < n ? alpha[v >> 6 & 0x3f] : '=';
		q[3] = i + 2 < n ? alpha[v & 0x3f] : '=';
		rb_add(b, q, 4);
		if ((col += 4) == BASE64_LINE) {
			rb_add(b, "\n", 1);
			col = 0;
		}
	}
	if (col > 0)
		rb_add(b, "\n", 1);
}

int
report_mail(const struct report_mail *m, struct report_buf *out,
    struct parse_err *err)
{
	struct report_buf	 h;
	char			 dom[DOMAIN_MAX + 1], sub[DOMAIN_MAX + 1];
	char			 to[REPORT_META_MAX + 1], day[11];
	int64_t			 start, end;

	parse_err_clear(err);
	if (check_header_text(m->from, REPORT_META_MAX, "from", err) == -1)
		return -1;
	if (strchr(m->from, '@') == NULL) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "from has no "
		    "address");
		return -1;
	}
	if (mailto_addr(m->to, to, sizeof(to), err) == -1 ||
	    check_domain(m->domain, dom, "domain", err) == -1 ||
	    check_domain(m->submitter, sub, "submitter", err) == -1 ||
	    check_report_id(m->report_id, err) == -1 ||
	    check_filename(m->filename, err) == -1 ||
	    check_boundary(m->boundary, err) == -1)
		return -1;
	if (report_day_bounds(m->day, &start, &end) == -1 ||
	    report_day(m->date) == -1) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "day or date out of "
		    "range");
		return -1;
	}
	if (m->gz == NULL || m->gzlen == 0) {
		parse_err_set(err, 0, 0, REPORT_ERR_INPUT, "no report to "
		    "attach");
		return -1;
	}
	(void)report_day_str(m->day, day);

	/* RPT-19, RPT-25: the headers. */
	report_buf_init(&h);
	put_header(out, "From", m->from);
	put_header(out, "To", to);
	rb_printf(&h, "Report Domain: %s Submitter: %s Report-ID: <%s>", dom,
	    sub, m->report_id);
	put_header(out, "Subject", h.buf);
	report_buf_free(&h);
	put_date(out, m->date);
	rb_printf(out, "Message-ID: <%s>\n", m->report_id);
	rb_str(out, "MIME-Version: 1.0\n");
	rb_printf(out, "Content-Type: multipart/report; report-type=\"tlsrpt\";"
	    "\n\tboundary=\"%s\"\n", m->boundary);
	put_header(out, "TLS-Report-Domain", dom);
	put_header(out, "TLS-Report-Submitter", sub);
	rb_str(out, "TLS-Required: No\n");
	rb_str(out, "\nThis is a MIME-formatted message.\n");

	/* The part for people. */
	rb_printf(out, "\n--%s\n", m->boundary);
	rb_str(out, "Content-Type: text/plain; charset=\"us-ascii\"\n"
	    "Content-Transfer-Encoding: 7bit\n\n");
	rb_printf(out, "This is an aggregate TLS report (RFC 8460) from %s\n"
	    "for the policy domain %s, covering %s\n"
	    "(UTC, %lld to %lld).\n\n"
	    "Report-ID: <%s>\n"
	    "The report is attached as %s.\n", sub, dom, day,
	    (long long)start, (long long)end, m->report_id, m->filename);

	/* The report. */
	rb_printf(out, "\n--%s\n", m->boundary);
	rb_str(out, "Content-Type: application/tlsrpt+gzip\n"
	    "Content-Transfer-Encoding: base64\n");
	rb_printf(out, "Content-Disposition: attachment;\n"
	    "\tfilename=\"%s\"\n\n", m->filename);
	put_base64(out, m->gz, m->gzlen);
	rb_printf(out, "\n--%s--\n", m->boundary);
	return 0;
}

/*
 * Names (RFC 8460 §4.3, §4.4).
 */

const char *
rpt_policy_type_str(enum rpt_policy_type t)
{
	switch (t) {
	case RPT_POLICY_TLSA:
		return "tlsa";
	case RPT_POLICY_STS:
		return "sts";
	case RPT_POLICY_NONE:
		return "no-policy-found";
	}
	return "unknown";
}

const char *
rpt_result_str(enum rpt_result r)
{
	switch (r) {
	case RPT_RESULT_STARTTLS_NOT_SUPPORTED:
		return "starttls-not-supported";
	case RPT_RESULT_CERT_HOST_MISMATCH:
		return "certificate-host-mismatch";
	case RPT_RESULT_CERT_NOT_TRUSTED:
		return "certificate-not-trusted";
	case RPT_RESULT_CERT_EXPIRED:
		return "certificate-expired";
	case RPT_RESULT_VALIDATION_FAILURE:
		return "validation-failure";
	case RPT_RESULT_STS_POLICY_FETCH_ERROR:
		return "sts-policy-fetch-error";
	case RPT_RESULT_STS_POLICY_INVALID:
		return "sts-policy-invalid";
	case RPT_RESULT_STS_WEBPKI_INVALID:
		return "sts-webpki-invalid";
	case RPT_RESULT_TLSA_INVALID:
		return "tlsa-invalid";
	case RPT_RESULT_DNSSEC_INVALID:
		return "dnssec-invalid";
	case RPT_RESULT_DANE_REQUIRED:
		return "dane-required";
	}
	return "unknown";
}
