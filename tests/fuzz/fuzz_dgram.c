/*
 * fuzz_dgram.c: libFuzzer target for libtlsrpt datagrams (dgram.c over
 * json.c).
 *
 * Anything that can write to the socket can send one, so every input
 * must either be refused cleanly (nothing left behind, a code, a safe
 * message) or give a session that keeps every promise of dgram.h and
 * rpt.h: strings NUL-terminated inside the arena, laid end to end, valid
 * UTF-8 within their limits; counts within the rpt.h maxima; enums in
 * range.  A second parse must give the very same session.  Nothing
 * allocates.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "dgram.h"

/* Past DGRAM_MAX, to reach the size check too. */
#define FUZZ_DGRAM_INPUT_MAX	(DGRAM_MAX + 16)

static size_t	check_str(const struct dgram_buf *, const char *, size_t);
static int	utf8_ok(const unsigned char *, size_t);
static void	check_err(const struct parse_err *, int, size_t);
static void	check_failed(const struct dgram_buf *,
		    const struct rpt_session *, const struct parse_err *,
		    size_t);
static size_t	check_policy(const struct dgram_buf *,
		    const struct rpt_policy *);
static void	check_ok(const struct dgram_buf *, const struct rpt_session *,
		    const struct parse_err *, size_t);

static struct dgram_buf		db;
static struct rpt_session	sess, again;

/* RFC 3629, written apart from json.c so that the two can disagree. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, need;
	unsigned	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/*
 * A string of the session: NULL, or inside the used arena, terminated
 * there, at most max bytes of UTF-8.  Returns the arena bytes it takes.
 */
static size_t
check_str(const struct dgram_buf *b, const char *s, size_t max)
{
	size_t	off, n;

	if (s == NULL)
		return 0;
	if (s < b->arena || s >= b->arena + b->used)
		abort();
	off = (size_t)(s - b->arena);
	n = strnlen(s, b->used - off);
	if (n == b->used - off || n > max)
		abort();
	if (!utf8_ok((const unsigned char *)s, n))
		abort();
	return n + 1;
}

/* Messages reach logs: printable ASCII, never empty on failure. */
static void
check_err(const struct parse_err *err, int failed, size_t size)
{
	size_t	n, i;

	n = strnlen(err->msg, sizeof(err->msg));
	if (n == sizeof(err->msg) || err->line != 0)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 ||
		    (unsigned char)err->msg[i] >= 0x7f)
			abort();
	if (!failed) {
		if (err->code != DGRAM_ERR_NONE || n != 0 || err->col != 0)
			abort();
		return;
	}
	if (err->code <= DGRAM_ERR_NONE || err->code >= DGRAM_ERR_COUNT ||
	    n == 0)
		abort();
	if (err->code != DGRAM_ERR_TOO_LARGE && err->col > size + 1)
		abort();
}

/* A refusal leaves nothing half-filled. */
static void
check_failed(const struct dgram_buf *b, const struct rpt_session *s,
    const struct parse_err *err, size_t size)
{
	static const struct rpt_session	zero;

	check_err(err, 1, size);
	if (memcmp(s, &zero, sizeof(zero)) != 0 || b->used != 0 ||
	    b->dpv != 0)
		abort();
	if ((size > DGRAM_MAX) != (err->code == DGRAM_ERR_TOO_LARGE))
		abort();
}

static size_t
check_policy(const struct dgram_buf *b, const struct rpt_policy *p)
{
	const struct rpt_failure	*f;
	size_t				 i, used = 0;

	if ((unsigned)p->type > RPT_POLICY_NONE)
		abort();
	if (p->failed != 0 && p->failed != 1)
		abort();
	if (p->nstrings > RPT_STRINGS_MAX || p->nmx > RPT_MX_MAX ||
	    p->nfailures > RPT_FAILURES_MAX)
		abort();
	used += check_str(b, p->domain, RPT_STRING_MAX);
	for (i = 0; i < RPT_STRINGS_MAX; i++) {
		if ((p->strings[i] != NULL) != (i < p->nstrings))
			abort();
		used += check_str(b, p->strings[i], RPT_STRING_MAX);
	}
	for (i = 0; i < RPT_MX_MAX; i++) {
		if ((p->mx[i] != NULL) != (i < p->nmx))
			abort();
		used += check_str(b, p->mx[i], RPT_STRING_MAX);
	}
	for (i = 0; i < RPT_FAILURES_MAX; i++) {
		f = &p->failures[i];
		if (i >= p->nfailures) {
			if (f->result != 0 || f->sending_mta_ip != NULL ||
			    f->receiving_mx_hostname != NULL ||
			    f->receiving_mx_helo != NULL ||
			    f->receiving_ip != NULL ||
			    f->additional_information != NULL ||
			    f->failure_reason_code != NULL)
				abort();
			continue;
		}
		if ((unsigned)f->result >= RPT_RESULT_COUNT)
			abort();
		used += check_str(b, f->sending_mta_ip, RPT_STRING_MAX);
		used += check_str(b, f->receiving_mx_hostname, RPT_STRING_MAX);
		used += check_str(b, f->receiving_mx_helo, RPT_STRING_MAX);
		used += check_str(b, f->receiving_ip, RPT_STRING_MAX);
		used += check_str(b, f->additional_information,
		    RPT_STRING_MAX);
		used += check_str(b, f->failure_reason_code, RPT_STRING_MAX);
	}
	return used;
}

/* What dgram.h promises about an accepted datagram. */
static void
check_ok(const struct dgram_buf *b, const struct rpt_session *s,
    const struct parse_err *err, size_t size)
{
	static const struct rpt_policy	zero;
	size_t				i, used = 0;

	check_err(err, 0, size);
	if (size == 0 || size > DGRAM_MAX)
		abort();
	/* A decoded string with its NUL is never longer than its JSON. */
	if (b->used > size || b->used > sizeof(b->arena))
		abort();
	if (b->dpv > 1)
		abort();
	if (s->domain == NULL || s->record == NULL)
		abort();
	used += check_str(b, s->domain, RPT_STRING_MAX);
	used += check_str(b, s->record, RPT_RECORD_MAX);
	if (s->npolicies == 0 || s->npolicies > RPT_POLICIES_MAX)
		abort();
	for (i = 0; i < RPT_POLICIES_MAX; i++) {
		if (i < s->npolicies)
			used += check_policy(b, &s->policies[i]);
		else if (memcmp(&s->policies[i], &zero, sizeof(zero)) != 0)
			abort();
	}
	/* Strings are laid end to end: none shared, none overlapping. */
	if (used != b->used)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_err	 err;
	const char		*buf = (const char *)data;
	size_t			 used;
	unsigned		 dpv;

	if (size > FUZZ_DGRAM_INPUT_MAX)
		return 0;
	if (dgram_parse(buf, size, &db, &sess, &err) == -1) {
		check_failed(&db, &sess, &err, size);
		/* Refused without err, just the same. */
		if (dgram_parse(buf, size, &db, &again, NULL) != -1)
			abort();
		return 0;
	}
	check_ok(&db, &sess, &err, size);

	/* The same bytes into the same buffer: the same session. */
	used = db.used;
	dpv = db.dpv;
	if (dgram_parse(buf, size, &db, &again, NULL) != 0 ||
	    memcmp(&sess, &again, sizeof(sess)) != 0 || db.used != used ||
	    db.dpv != dpv)
		abort();
	return 0;
}
