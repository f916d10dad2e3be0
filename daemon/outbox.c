/*
 * outbox.c: the stored form of a report waiting for delivery.  Pure.
 *
 * Layout (little-endian; s = u16 length, then the bytes, no NUL):
 *	"OB", version 1, ndests (1 byte), day, created, next_try (i64),
 *	attempts, done (u32), s report-id, s domain, s file name,
 *	s last error, ndests x (1 kind, s dest), u32 gz length, gz bytes.
 * Nothing may follow.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "outbox.h"
#include "xmalloc.h"

#define OUTBOX_VERSION	1

struct wbuf {
	uint8_t	*p;
	size_t	 len, cap;
};

static void
put(struct wbuf *w, const void *src, size_t n)
{
	if (w->len + n > w->cap) {
		while (w->len + n > w->cap)
			w->cap = w->cap ? w->cap * 2 : 256;
		w->p = xreallocarray(w->p, w->cap, 1);
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
put_u64(struct wbuf *w, uint64_t v)
{
	uint8_t	b[8];
	int	i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, 8);
}

static void
put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t	b[4];
	int	i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, 4);
}

static void
put_str(struct wbuf *w, const char *s, size_t max)
{
	size_t	n = strnlen(s, max);
	uint8_t	b[2] = { (uint8_t)n, (uint8_t)(n >> 8) };

	put(w, b, 2);
	put(w, s, n);
}

void *
outbox_encode(const struct outbox_item *it, size_t *len)
{
	struct wbuf	w = { NULL, 0, 0 };
	uint8_t		hdr[4] = { 'O', 'B', OUTBOX_VERSION, 0 };
	size_t		i;

	hdr[3] = (uint8_t)it->ndests;
	put(&w, hdr, sizeof(hdr));
	put_u64(&w, (uint64_t)it->day);
	put_u64(&w, (uint64_t)it->created);
	put_u64(&w, (uint64_t)it->next_try);
	put_u32(&w, it->attempts);
	put_u32(&w, it->done);
	put_str(&w, it->report_id, sizeof(it->report_id) - 1);
	put_str(&w, it->domain, sizeof(it->domain) - 1);
	put_str(&w, it->filename, sizeof(it->filename) - 1);
	put_str(&w, it->last_error, sizeof(it->last_error) - 1);
	for (i = 0; i < it->ndests && i < RUA_URIS_MAX; i++) {
		hdr[0] = (uint8_t)it->dests[i].kind;
		put(&w, hdr, 1);
		put_str(&w, it->dests[i].dest, sizeof(it->dests[i].dest) - 1);
	}
	put_u32(&w, (uint32_t)it->gzlen);
	if (it->gzlen > 0)
		put(&w, it->gz, it->gzlen);
	*len = w.len;
	return w.p;
}

struct rbuf {
	const uint8_t	*p;
	size_t		 len, off;
	int		 bad;
};

static const uint8_t *
take(struct rbuf *r, size_t n)
{
	const uint8_t	*p;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint64_t
get_u64(struct rbuf *r)
{
	const uint8_t	*b = take(r, 8);
	uint64_t	 v = 0;
	int		 i;

	if (b == NULL)
		return 0;
	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static uint32_t
get_u32(struct rbuf *r)
{
	const uint8_t	*b = take(r, 4);

	if (b == NULL)
		return 0;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

/* A string into out[size]: printable ASCII only, so that logs stay safe. */
static void
get_str(struct rbuf *r, char *out, size_t size, int nonempty)
{
	const uint8_t	*b = take(r, 2), *s;
	size_t		 n, i;

	if (b == NULL)
		return;
	n = (size_t)b[0] | (size_t)b[1] << 8;
	if (n >= size || (nonempty && n == 0) || (s = take(r, n)) == NULL) {
		r->bad = 1;
		return;
	}
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e) {
			r->bad = 1;
			return;
		}
	memcpy(out, s, n);
	out[n] = '\0';
}

int
outbox_decode(const void *buf, size_t len, struct outbox_item *it,
    struct parse_err *err)
{
	struct rbuf	 r = { buf, len, 0, 0 };
	const uint8_t	*h, *k;
	size_t		 i;
	uint32_t	 gzlen;

	memset(it, 0, sizeof(*it));
	if ((h = take(&r, 4)) == NULL || h[0] != 'O' || h[1] != 'B' ||
	    h[2] != OUTBOX_VERSION || h[3] == 0 || h[3] > RUA_URIS_MAX)
		goto bad;
	it->ndests = h[3];
	it->day = (int64_t)get_u64(&r);
	it->created = (int64_t)get_u64(&r);
	it->next_try = (int64_t)get_u64(&r);
	it->attempts = get_u32(&r);
	it->done = get_u32(&r);
	get_str(&r, it->report_id, sizeof(it->report_id), 1);
	get_str(&r, it->domain, sizeof(it->domain), 1);
	get_str(&r, it->filename, sizeof(it->filename), 1);
	get_str(&r, it->last_error, sizeof(it->last_error), 0);
	for (i = 0; i < it->ndests && !r.bad; i++) {
		if ((k = take(&r, 1)) == NULL ||
		    (k[0] != RUA_MAILTO && k[0] != RUA_HTTPS)) {
			r.bad = 1;
			break;
		}
		it->dests[i].kind = k[0];
		get_str(&r, it->dests[i].dest, sizeof(it->dests[i].dest), 1);
	}
	gzlen = get_u32(&r);
	if (r.bad || gzlen == 0 || gzlen > OUTBOX_GZ_MAX ||
	    (it->gz = take(&r, gzlen)) == NULL || r.off != r.len ||
	    it->day < 0 || it->day > REPORT_DAY_MAX ||
	    (it->done >> it->ndests) != 0)
		goto bad;
	it->gzlen = gzlen;
	return 0;
bad:
	memset(it, 0, sizeof(*it));
	parse_err_set(err, 0, (unsigned)r.off + 1, 1,
	    "not a valid outbox item");
	return -1;
}

int64_t
outbox_backoff(uint32_t n)
{
	int64_t	s = OUTBOX_BACKOFF_MIN;

	while (n-- > 1 && s < OUTBOX_BACKOFF_MAX)
		s *= 2;
	return s < OUTBOX_BACKOFF_MAX ? s : OUTBOX_BACKOFF_MAX;
}

int
outbox_finished(const struct outbox_item *it)
{
	uint32_t	all = it->ndests >= 32 ? UINT32_MAX :
			    (UINT32_C(1) << it->ndests) - 1;

	return (it->done & all) == all;
}
