/*
 * record.c: the versioned binary form of one cached policy domain, the
 * LMDB value of steps 5 and 7 of a lookup (STYLE.md §2).  Pure: no I/O,
 * no clock.
 *
 * The bytes come from disk and may be damaged or written by another
 * build, so decoding checks every length before it reads and refuses
 * anything out of range; encoding writes each integer byte by byte, so
 * the form does not depend on the host's endianness or alignment.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "record.h"
#include "xmalloc.h"

/*
 * Version 1, all integers little-endian, times as two's complement:
 *
 *	0	2	"MS"
 *	2	1	version (1)
 *	3	1	flags: REC_F_POLICY; other bits must be 0
 *	4	1	txt
 *	5	1	fail
 *	6	8	txt_checked
 *	14	8	negative_until
 *	22	8	last_asked
 *	30	8	fail_time
 *	38	8	next_fetch
 *	46	4	failures
 *	50	s16	txt_id, fail_id, fail_reason
 *	if REC_F_POLICY:
 *		1 origin, 1 mode, 8 fetched, 8 expires, 4 max_age,
 *		4 warnings, 2 nmx, 2 nlines, s16 policy_id,
 *		nmx x s16 mx pattern, nlines x s32 line, s32 text
 *	end of value: nothing may follow.
 *
 * Version 2 is version 1 (with 2 in the version byte) plus a flag and a
 * section after the policy part:
 *
 *	3	1	flags: REC_F_POLICY, REC_F_DANE; other bits must be 0
 *	...		as in version 1, up to and including the policy part
 *	if REC_F_DANE:
 *		8 dane_checked, 8 dane_expires, 1 dane_mx,
 *		1 nhosts (at most DANE_HOSTS_MAX),
 *		nhosts x (1 host class, s16 host name of 1..253 bytes)
 *	end of value: nothing may follow.
 *
 * s16 and s32 are a u16 or u32 length n, n bytes, then a NUL, so that a
 * decoded string can point into the value.  Only the text may hold a NUL
 * before its end.  The encoder writes version 2 only; the decoder reads
 * both, so values written before DANE stay usable (a version 1 value is a
 * version 2 value without a DANE part).
 */
#define REC_VERSION_MIN	1
#define REC_HEADER_LEN	50
#define REC_F_POLICY	0x01
#define REC_F_DANE	0x02
#define REC_F_V1	REC_F_POLICY
#define REC_F_V2	(REC_F_POLICY | REC_F_DANE)

/* A decoding cursor; the first error sticks (OpenSMTPD unpack_dns.c). */
struct rcur {
	const uint8_t		*buf;
	size_t			 len;
	size_t			 off;
	int			 failed;
	struct parse_err	*err;
};

/* An encoding buffer; p == NULL only counts (the sizing pass). */
struct wbuf {
	uint8_t	*p;
	size_t	 len;
	size_t	 off;
};

static void	 cur_fail(struct rcur *, int, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static int	 cur_need(struct rcur *, size_t, const char *, size_t);
static uint64_t	 get_uint(struct rcur *, size_t, const char *, size_t);
static int64_t	 get_i64(struct rcur *, const char *);
static const uint8_t *get_str(struct rcur *, size_t, size_t, int,
		    const char *, size_t, size_t *);
static const char *field_name(char *, size_t, const char *, size_t);
static void	 get_id(struct rcur *, char *, const char *);
static void	 get_policy(struct rcur *, struct record *,
		    struct record_lines *);
static void	 get_dane(struct rcur *, struct record *);
static int	 valid_id(const uint8_t *, size_t);
static void	 put_uint(struct wbuf *, uint64_t, size_t);
static void	 put_bytes(struct wbuf *, const void *, size_t);
static void	 put_str(struct wbuf *, const char *, size_t, size_t);
static size_t	 field_len(const char *, size_t, const char *);
static void	 encode_policy(const struct record *, struct wbuf *);
static void	 encode_dane(const struct record *, struct wbuf *);
static void	 encode_into(const struct record *, struct wbuf *);

void
record_init(struct record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->txt = RECORD_TXT_UNKNOWN;
	rec->origin = RECORD_ORIGIN_NONE;
	rec->fail = FAIL_NONE;
	rec->policy.mode = STS_MODE_UNSET;
	rec->dane_mx = DANE_MX_FAIL;	/* meaningless while has_dane is 0 */
}

/*
 * Encoding.
 */

static void
put_uint(struct wbuf *w, uint64_t v, size_t n)
{
	size_t	i;

	if (w->p != NULL) {
		if (w->len - w->off < n)
			fatalx("%s: buffer overrun", __func__);
		for (i = 0; i < n; i++)
			w->p[w->off + i] = (uint8_t)(v >> (8 * i));
	}
	if (w->off > SIZE_MAX - n)
		fatalx("%s: record too large", __func__);
	w->off += n;
}

static void
put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (w->p != NULL) {
		if (w->len - w->off < n)
			fatalx("%s: buffer overrun", __func__);
		if (n > 0)
			memcpy(w->p + w->off, src, n);
	}
	if (w->off > SIZE_MAX - n)
		fatalx("%s: record too large", __func__);
	w->off += n;
}

/* A length of lenbytes bytes, the string, its NUL. */
static void
put_str(struct wbuf *w, const char *s, size_t n, size_t lenbytes)
{
	put_uint(w, n, lenbytes);
	put_bytes(w, s, n);
	put_uint(w, 0, 1);
}

/*
 * The length of a string field of the record.  A string that is longer
 * than the format allows is a bug in whoever built the record.
 */
static size_t
field_len(const char *s, size_t max, const char *what)
{
	size_t	n;

	if (s == NULL)
		fatalx("record_encode: %s is NULL", what);
	if ((n = strnlen(s, max + 1)) > max)
		fatalx("record_encode: %s longer than %zu bytes", what, max);
	return n;
}

static void
encode_policy(const struct record *rec, struct wbuf *w)
{
	const struct sts_policy	*pol = &rec->policy;
	size_t			 i, n, sum = 0;

	if (pol->nmx > STS_MX_MAX || pol->nlines > STS_LINES_MAX)
		fatalx("record_encode: %zu mx, %zu lines", pol->nmx,
		    pol->nlines);
	if (pol->nlines > 0 && pol->lines == NULL)
		fatalx("record_encode: lines is NULL");
	if (rec->text_len > STS_POLICY_MAX ||
	    (rec->text == NULL && rec->text_len > 0))
		fatalx("record_encode: bad text (%zu bytes)", rec->text_len);
	put_uint(w, (uint8_t)rec->origin, 1);
	put_uint(w, (uint8_t)pol->mode, 1);
	put_uint(w, (uint64_t)rec->fetched, 8);
	put_uint(w, (uint64_t)rec->expires, 8);
	put_uint(w, pol->max_age, 4);
	put_uint(w, pol->warnings, 4);
	put_uint(w, pol->nmx, 2);
	put_uint(w, pol->nlines, 2);
	put_str(w, rec->policy_id, field_len(rec->policy_id, STS_ID_MAX,
	    "policy_id"), 2);
	for (i = 0; i < pol->nmx; i++)
		put_str(w, pol->mx[i], field_len(pol->mx[i], DOMAIN_MAX,
		    "mx pattern"), 2);
	for (i = 0; i < pol->nlines; i++) {
		n = field_len(pol->lines[i], STS_POLICY_MAX - sum,
		    "policy lines");
		sum += n;
		put_str(w, pol->lines[i], n, 4);
	}
	put_str(w, rec->text, rec->text_len, 4);
}

static void
encode_dane(const struct record *rec, struct wbuf *w)
{
	size_t	i, n;

	if (rec->dane_nhosts > DANE_HOSTS_MAX)
		fatalx("record_encode: %zu DANE hosts", rec->dane_nhosts);
	if ((unsigned)rec->dane_mx > DANE_MX_SECURE)
		fatalx("record_encode: DANE mx %d", (int)rec->dane_mx);
	put_uint(w, (uint64_t)rec->dane_checked, 8);
	put_uint(w, (uint64_t)rec->dane_expires, 8);
	put_uint(w, (uint8_t)rec->dane_mx, 1);
	put_uint(w, rec->dane_nhosts, 1);
	for (i = 0; i < rec->dane_nhosts; i++) {
		if ((unsigned)rec->dane_class[i] > DANE_HOST_FAIL)
			fatalx("record_encode: DANE host %zu class %d", i + 1,
			    (int)rec->dane_class[i]);
		/* The decoder refuses an empty name: never write one. */
		if ((n = field_len(rec->dane_host[i], DOMAIN_MAX,
		    "DANE host")) == 0)
			fatalx("record_encode: DANE host %zu is empty", i + 1);
		put_uint(w, (uint8_t)rec->dane_class[i], 1);
		put_str(w, rec->dane_host[i], n, 2);
	}
}

static void
encode_into(const struct record *rec, struct wbuf *w)
{
	put_uint(w, RECORD_MAGIC0, 1);
	put_uint(w, RECORD_MAGIC1, 1);
	put_uint(w, RECORD_VERSION, 1);
	put_uint(w, (rec->has_policy ? REC_F_POLICY : 0) |
	    (rec->has_dane ? REC_F_DANE : 0), 1);
	put_uint(w, (uint8_t)rec->txt, 1);
	put_uint(w, (uint8_t)rec->fail, 1);
	put_uint(w, (uint64_t)rec->txt_checked, 8);
	put_uint(w, (uint64_t)rec->negative_until, 8);
	put_uint(w, (uint64_t)rec->last_asked, 8);
	put_uint(w, (uint64_t)rec->fail_time, 8);
	put_uint(w, (uint64_t)rec->next_fetch, 8);
	put_uint(w, rec->failures, 4);
	put_str(w, rec->txt_id, field_len(rec->txt_id, STS_ID_MAX, "txt_id"),
	    2);
	put_str(w, rec->fail_id, field_len(rec->fail_id, STS_ID_MAX,
	    "fail_id"), 2);
	put_str(w, rec->fail_reason, field_len(rec->fail_reason,
	    RECORD_REASON_MAX, "fail_reason"), 2);
	if (rec->has_policy)
		encode_policy(rec, w);
	if (rec->has_dane)
		encode_dane(rec, w);
}

void *
record_encode(const struct record *rec, size_t *len)
{
	struct wbuf	w;

	/* Size first, then write: the two passes run the same code. */
	memset(&w, 0, sizeof(w));
	encode_into(rec, &w);
	w.len = w.off;
	w.off = 0;
	w.p = xmalloc(w.len);
	encode_into(rec, &w);
	if (w.off != w.len)
		fatalx("%s: wrote %zu of %zu bytes", __func__, w.off, w.len);
	*len = w.len;
	return w.p;
}

/*
 * Decoding.
 */

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

/* Are n more bytes there?  what and idx (from 1; 0 = none) name them. */
static int
cur_need(struct rcur *c, size_t n, const char *what, size_t idx)
{
	if (c->failed)
		return 0;
	if (c->len - c->off >= n)
		return 1;
	if (idx > 0)
		cur_fail(c, RECORD_ERR_TRUNCATED, "truncated: %s %zu needs "
		    "%zu bytes, %zu left", what, idx, n, c->len - c->off);
	else
		cur_fail(c, RECORD_ERR_TRUNCATED, "truncated: %s needs %zu "
		    "bytes, %zu left", what, n, c->len - c->off);
	return 0;
}

/* An n-byte little-endian unsigned integer; 0 after an error. */
static uint64_t
get_uint(struct rcur *c, size_t n, const char *what, size_t idx)
{
	uint64_t	v = 0;
	size_t		i;

	if (!cur_need(c, n, what, idx))
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)c->buf[c->off + i] << (8 * i);
	c->off += n;
	return v;
}

static int64_t
get_i64(struct rcur *c, const char *what)
{
	uint64_t	u = get_uint(c, 8, what, 0);

	/* Two's complement back to signed without implementation-defined
	 * conversion. */
	if (u <= INT64_MAX)
		return (int64_t)u;
	return -(int64_t)(~u) - 1;
}

/*
 * A string with a lenbytes-byte length of at most max, then its NUL.
 * With nul_ok, NUL bytes before the end are allowed (the body).  Returns
 * a pointer into the buffer and its length in *np, or NULL.
 */
static const uint8_t *
get_str(struct rcur *c, size_t lenbytes, size_t max, int nul_ok,
    const char *what, size_t idx, size_t *np)
{
	const uint8_t	*p, *nul;
	size_t		 start = c->off, n;
	char		 name[64];

	n = (size_t)get_uint(c, lenbytes, what, idx);
	if (c->failed)
		return NULL;
	if (n > max) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "%s is %zu bytes, at most %zu "
		    "allowed", field_name(name, sizeof(name), what, idx), n,
		    max);
		return NULL;
	}
	/* max is far below SIZE_MAX: n + 1 cannot overflow. */
	if (!cur_need(c, n + 1, what, idx))
		return NULL;
	p = c->buf + c->off;
	if (p[n] != '\0') {
		c->off += n;
		cur_fail(c, RECORD_ERR_FIELD, "%s does not end with a NUL",
		    field_name(name, sizeof(name), what, idx));
		return NULL;
	}
	if (!nul_ok && (nul = memchr(p, '\0', n)) != NULL) {
		c->off += (size_t)(nul - p);
		cur_fail(c, RECORD_ERR_FIELD, "%s has a NUL inside",
		    field_name(name, sizeof(name), what, idx));
		return NULL;
	}
	c->off += n + 1;
	*np = n;
	return p;
}

/* "mx pattern 3" for error messages. */
static const char *
field_name(char *buf, size_t size, const char *what, size_t idx)
{
	if (idx > 0)
		(void)snprintf(buf, size, "%s %zu", what, idx);
	else
		(void)snprintf(buf, size, "%s", what);
	return buf;
}

/* STS-REC-7: an id is 1..32 letters and digits; empty means none. */
static int
valid_id(const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z')))
			return 0;
	return 1;
}

static void
get_id(struct rcur *c, char *dst, const char *what)
{
	const uint8_t	*p;
	size_t		 start = c->off, n;

	if ((p = get_str(c, 2, STS_ID_MAX, 0, what, 0, &n)) == NULL)
		return;
	if (!valid_id(p, n)) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "%s has a character that is "
		    "not a letter or digit", what);
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void
get_policy(struct rcur *c, struct record *rec, struct record_lines *lines)
{
	struct sts_policy	*pol = &rec->policy;
	const uint8_t		*p;
	size_t			 i, n, start, nmx, nlines, sum = 0;
	uint64_t		 v;

	start = c->off;
	v = get_uint(c, 1, "origin", 0);
	if (!c->failed && v > RECORD_ORIGIN_OPERATOR) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "origin %u out of range",
		    (unsigned)v);
	}
	rec->origin = (enum record_origin)v;
	start = c->off;
	v = get_uint(c, 1, "mode", 0);
	if (!c->failed && (v < STS_MODE_ENFORCE || v > STS_MODE_NONE)) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "mode %u out of range",
		    (unsigned)v);
	}
	pol->mode = (enum sts_mode)v;
	rec->fetched = get_i64(c, "fetched");
	rec->expires = get_i64(c, "expires");
	start = c->off;
	v = get_uint(c, 4, "max_age", 0);
	/* DEC-9: the parser clamps, so a larger value is damage. */
	if (!c->failed && v > STS_MAX_AGE_MAX) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "max_age %llu over %d",
		    (unsigned long long)v, STS_MAX_AGE_MAX);
	}
	pol->max_age = (uint32_t)v;
	/* Unknown warning bits are only information: kept, not refused. */
	pol->warnings = (unsigned)get_uint(c, 4, "warnings", 0);
	start = c->off;
	nmx = (size_t)get_uint(c, 2, "mx count", 0);
	if (!c->failed && nmx > STS_MX_MAX) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "%zu mx patterns, at most %d",
		    nmx, STS_MX_MAX);
	}
	/* STS-POL-9: only mode none may come without mx patterns. */
	if (!c->failed && nmx == 0 && pol->mode != STS_MODE_NONE) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "mode %s without mx patterns",
		    sts_mode_str(pol->mode));
	}
	start = c->off;
	nlines = (size_t)get_uint(c, 2, "line count", 0);
	if (!c->failed && nlines > STS_LINES_MAX) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "%zu policy lines, at most %d",
		    nlines, STS_LINES_MAX);
	}
	if (!c->failed && nlines > 0 && lines == NULL) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "no room for %zu policy lines",
		    nlines);
	}
	get_id(c, rec->policy_id, "policy id");
	if (c->failed)
		return;

	for (i = 0; i < nmx && !c->failed; i++) {
		start = c->off;
		p = get_str(c, 2, DOMAIN_MAX, 0, "mx pattern", i + 1, &n);
		if (p == NULL)
			break;
		if (!sts_valid_mx_pattern((const char *)p, n)) {
			c->off = start;
			cur_fail(c, RECORD_ERR_FIELD, "mx pattern %zu is not "
			    "a valid pattern", i + 1);
			break;
		}
		/* Read-only to its users (record.h), hence the cast. */
		pol->mx[i] = (char *)(uintptr_t)p;
	}
	pol->nmx = nmx;
	for (i = 0; i < nlines && !c->failed; i++) {
		/* The lines are parts of the body: they share its cap. */
		p = get_str(c, 4, STS_POLICY_MAX - sum, 0, "policy line",
		    i + 1, &n);
		if (p == NULL)
			break;
		sum += n;
		lines->v[i] = (char *)(uintptr_t)p;
	}
	pol->nlines = nlines;
	pol->lines = lines != NULL ? lines->v : NULL;
	p = get_str(c, 4, STS_POLICY_MAX, 1, "policy text", 0, &n);
	if (p != NULL) {
		rec->text = (const char *)p;
		rec->text_len = n;
	}
}

/* The DANE section of version 2; host names point into the value. */
static void
get_dane(struct rcur *c, struct record *rec)
{
	const uint8_t	*p;
	size_t		 i, n, start, nhosts;
	uint64_t	 v;

	rec->dane_checked = get_i64(c, "DANE checked");
	rec->dane_expires = get_i64(c, "DANE expires");
	start = c->off;
	v = get_uint(c, 1, "DANE mx", 0);
	if (!c->failed && v > DANE_MX_SECURE) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "DANE mx %u out of range",
		    (unsigned)v);
	}
	rec->dane_mx = (enum dane_mx)v;
	start = c->off;
	nhosts = (size_t)get_uint(c, 1, "DANE host count", 0);
	if (!c->failed && nhosts > DANE_HOSTS_MAX) {
		c->off = start;
		cur_fail(c, RECORD_ERR_FIELD, "%zu DANE hosts, at most %d",
		    nhosts, DANE_HOSTS_MAX);
	}
	for (i = 0; i < nhosts && !c->failed; i++) {
		start = c->off;
		v = get_uint(c, 1, "DANE host class", i + 1);
		if (!c->failed && v > DANE_HOST_FAIL) {
			c->off = start;
			cur_fail(c, RECORD_ERR_FIELD, "DANE host %zu class %u "
			    "out of range", i + 1, (unsigned)v);
			break;
		}
		rec->dane_class[i] = (enum dane_host)v;
		start = c->off;
		p = get_str(c, 2, DOMAIN_MAX, 0, "DANE host", i + 1, &n);
		if (p == NULL)
			break;
		if (n == 0) {
			c->off = start;
			cur_fail(c, RECORD_ERR_FIELD, "DANE host %zu is empty",
			    i + 1);
			break;
		}
		rec->dane_host[i] = (const char *)p;
	}
	rec->dane_nhosts = nhosts;
}

int
record_decode(const void *buf, size_t len, struct record *rec,
    struct record_lines *lines, struct parse_err *err)
{
	struct rcur	 c;
	const uint8_t	*p;
	size_t		 n, start;
	uint64_t	 v, flags;
	unsigned	 version;

	record_init(rec);
	parse_err_clear(err);
	memset(&c, 0, sizeof(c));
	c.buf = buf;
	c.len = buf != NULL ? len : 0;
	c.err = err;

	/* A value that is not ours at all says so before anything else. */
	if ((c.len >= 1 && c.buf[0] != RECORD_MAGIC0) ||
	    (c.len >= 2 && c.buf[1] != RECORD_MAGIC1))
		cur_fail(&c, RECORD_ERR_MAGIC, "not a policy record (bad "
		    "magic)");
	else if (cur_need(&c, 3, "header", 0) &&
	    (c.buf[2] < REC_VERSION_MIN || c.buf[2] > RECORD_VERSION)) {
		c.off = 2;
		cur_fail(&c, RECORD_ERR_VERSION, "record version %u, this "
		    "build reads versions %d to %d", c.buf[2],
		    REC_VERSION_MIN, RECORD_VERSION);
	}
	if (!cur_need(&c, REC_HEADER_LEN, "header", 0))
		goto fail;
	version = c.buf[2];
	c.off = 3;
	flags = get_uint(&c, 1, "flags", 0);
	/* Version 1 predates DANE: its flag there is damage. */
	if (flags & ~(uint64_t)(version == 1 ? REC_F_V1 : REC_F_V2)) {
		c.off = 3;
		cur_fail(&c, RECORD_ERR_FIELD, "unknown flags 0x%02x in a "
		    "version %u record", (unsigned)flags, version);
	}
	v = get_uint(&c, 1, "txt", 0);
	if (!c.failed && v > RECORD_TXT_ERROR) {
		c.off = 4;
		cur_fail(&c, RECORD_ERR_FIELD, "txt result %u out of range",
		    (unsigned)v);
	}
	rec->txt = (enum record_txt)v;
	v = get_uint(&c, 1, "fail", 0);
	if (!c.failed && v > FAIL_CLASS_MAX) {
		c.off = 5;
		cur_fail(&c, RECORD_ERR_FIELD, "failure class %u out of range",
		    (unsigned)v);
	}
	rec->fail = (enum fail_class)v;
	rec->txt_checked = get_i64(&c, "txt_checked");
	rec->negative_until = get_i64(&c, "negative_until");
	rec->last_asked = get_i64(&c, "last_asked");
	rec->fail_time = get_i64(&c, "fail_time");
	rec->next_fetch = get_i64(&c, "next_fetch");
	rec->failures = (uint32_t)get_uint(&c, 4, "failures", 0);
	get_id(&c, rec->txt_id, "txt id");
	get_id(&c, rec->fail_id, "failure id");
	p = get_str(&c, 2, RECORD_REASON_MAX, 0, "failure reason", 0, &n);
	if (p != NULL) {
		memcpy(rec->fail_reason, p, n);
		rec->fail_reason[n] = '\0';
	}
	if (c.failed)
		goto fail;
	if (flags & REC_F_POLICY) {
		rec->has_policy = 1;
		get_policy(&c, rec, lines);
	}
	if (!c.failed && (flags & REC_F_DANE)) {
		rec->has_dane = 1;
		get_dane(&c, rec);
	}
	if (!c.failed && c.off != c.len) {
		start = c.off;
		cur_fail(&c, RECORD_ERR_FIELD, "%zu trailing bytes",
		    c.len - start);
	}
	if (c.failed)
		goto fail;
	return 0;

fail:
	record_init(rec);
	return -1;
}

const char *
record_txt_str(enum record_txt txt)
{
	switch (txt) {
	case RECORD_TXT_UNKNOWN:
		return "unknown";
	case RECORD_TXT_OK:
		return "ok";
	case RECORD_TXT_NONE:
		return "none";
	case RECORD_TXT_INVALID:
		return "invalid";
	case RECORD_TXT_ERROR:
		return "error";
	}
	return "unknown";
}

const char *
record_origin_str(enum record_origin origin)
{
	switch (origin) {
	case RECORD_ORIGIN_NONE:
		return "none";
	case RECORD_ORIGIN_LOOKUP:
		return "lookup";
	case RECORD_ORIGIN_REFRESH:
		return "refresh";
	case RECORD_ORIGIN_OPERATOR:
		return "operator";
	}
	return "unknown";
}
