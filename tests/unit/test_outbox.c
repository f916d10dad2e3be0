/*
 * test_outbox.c: the stored form of queued TLSRPT reports (outbox.h) and
 * the retry rule (RPT-20, DEC-30).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"
#include "outbox.h"
#include "xmalloc.h"

static const uint8_t gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03 };

static void
sample(struct outbox_item *it, size_t ndests)
{
	size_t	i;

	memset(it, 0, sizeof(*it));
	snprintf(it->report_id, sizeof(it->report_id),
	    "20261129.0123456789abcdef0123456789abcdef@sender.test");
	snprintf(it->domain, sizeof(it->domain), "example.com");
	snprintf(it->filename, sizeof(it->filename),
	    "sender.test!example.com!1764374400!1764460800!x.json.gz");
	it->day = 20421;
	it->created = 1764460800;
	it->next_try = 1764461100;
	it->attempts = 2;
	it->done = ndests > 1 ? 1 : 0;
	it->ndests = ndests;
	for (i = 0; i < ndests; i++) {
		it->dests[i].kind = i % 2 ? RUA_HTTPS : RUA_MAILTO;
		snprintf(it->dests[i].dest, sizeof(it->dests[i].dest),
		    i % 2 ? "https://r.example.com/v1/%zu" :
		    "tlsrpt%zu@example.com", i);
	}
	snprintf(it->last_error, sizeof(it->last_error), "HTTP 503");
	it->gz = gz;
	it->gzlen = sizeof(gz);
}

struct rt_case {
	const char	*label;
	size_t		 ndests;
};

static const struct rt_case rt_cases[] = {
	{ "roundtrip: one mailto destination", 1 },
	{ "roundtrip: two destinations, the first done", 2 },
	{ "roundtrip: RUA_URIS_MAX destinations", RUA_URIS_MAX },
};

static void
test_roundtrip(void **state)
{
	const struct rt_case	*c = *state;
	struct outbox_item	 it, back;
	struct parse_err	 err;
	void			*enc, *enc2;
	size_t			 len, len2, i;

	sample(&it, c->ndests);
	enc = outbox_encode(&it, &len);
	assert_int_equal(outbox_decode(enc, len, &back, &err), 0);
	assert_string_equal(back.report_id, it.report_id);
	assert_string_equal(back.domain, it.domain);
	assert_string_equal(back.filename, it.filename);
	assert_string_equal(back.last_error, it.last_error);
	assert_true(back.day == it.day && back.created == it.created &&
	    back.next_try == it.next_try);
	assert_int_equal(back.attempts, it.attempts);
	assert_int_equal(back.done, it.done);
	assert_int_equal(back.ndests, it.ndests);
	for (i = 0; i < it.ndests; i++) {
		assert_int_equal(back.dests[i].kind, it.dests[i].kind);
		assert_string_equal(back.dests[i].dest, it.dests[i].dest);
	}
	assert_int_equal(back.gzlen, sizeof(gz));
	assert_memory_equal(back.gz, gz, sizeof(gz));
	/* One form: encoding what was decoded gives the same bytes. */
	enc2 = outbox_encode(&back, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(enc2, enc, len);
	free(enc);
	free(enc2);
}

/* Corruptions of a valid value, each of which must be refused. */
enum mut { M_TRUNC, M_TRAIL, M_MAGIC, M_VERSION, M_NDESTS0, M_NDESTS9,
	M_KIND, M_CTRL, M_DONE, M_GZ0 };

struct bad_case {
	const char	*label;
	enum mut	 mut;
	size_t		 arg;
};

static const struct bad_case bad_cases[] = {
	{ "refused: cut after the header", M_TRUNC, 4 },
	{ "refused: cut inside the report-id", M_TRUNC, 50 },
	{ "refused: cut one byte short", M_TRUNC, 1 },
	{ "refused: a trailing byte", M_TRAIL, 0 },
	{ "refused: bad magic", M_MAGIC, 0 },
	{ "refused: an unknown version", M_VERSION, 0 },
	{ "refused: no destination", M_NDESTS0, 0 },
	{ "refused: more than RUA_URIS_MAX destinations", M_NDESTS9, 0 },
	{ "refused: an unknown destination kind", M_KIND, 0 },
	{ "refused: a control character in a string", M_CTRL, 0 },
	{ "refused: a done bit past the destinations", M_DONE, 0 },
	{ "refused: an empty report", M_GZ0, 0 },
};

static void
test_bad(void **state)
{
	const struct bad_case	*c = *state;
	struct outbox_item	 it, back;
	struct parse_err	 err;
	uint8_t			*enc, *p;
	size_t			 len, off;

	sample(&it, 2);
	switch (c->mut) {
	case M_DONE:
		it.done = 4;
		break;
	case M_GZ0:
		it.gzlen = 0;
		break;
	default:
		break;
	}
	enc = outbox_encode(&it, &len);
	/* header 4, 3 x i64, 2 x u32, then u16 length of the report-id */
	off = 4 + 24 + 8;
	switch (c->mut) {
	case M_TRUNC:
		len = c->arg == 1 ? len - 1 : c->arg;
		break;
	case M_TRAIL:
		enc = xreallocarray(enc, len + 1, 1);
		enc[len++] = 0;
		break;
	case M_MAGIC:
		enc[0] = 'X';
		break;
	case M_VERSION:
		enc[2] = 9;
		break;
	case M_NDESTS0:
		enc[3] = 0;
		break;
	case M_NDESTS9:
		enc[3] = RUA_URIS_MAX + 1;
		break;
	case M_KIND:
		/* the first destination's kind byte follows the 4 strings */
		p = enc + off;
		for (int s = 0; s < 4; s++)
			p += 2 + (p[0] | p[1] << 8);
		*p = 7;
		break;
	case M_CTRL:
		enc[off + 2] = '\n';
		break;
	default:
		break;
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(outbox_decode(enc, len, &back, &err), -1);
	assert_int_equal(err.code, 1);
	assert_int_equal(back.ndests, 0);
	assert_null(back.gz);
	free(enc);
}

struct backoff_case {
	const char	*label;
	uint32_t	 n;
	int64_t		 want;
};

static const struct backoff_case backoff_cases[] = {
	{ "backoff: first failure waits 5 min", 1, 300 },
	{ "backoff: second 10 min", 2, 600 },
	{ "backoff: fifth 80 min", 5, 4800 },
	{ "backoff: sixth is capped at 2 h", 6, 7200 },
	{ "backoff: the hundredth is still 2 h", 100, 7200 },
};

static void
test_backoff(void **state)
{
	const struct backoff_case *c = *state;

	assert_int_equal(outbox_backoff(c->n), c->want);
}

struct fin_case {
	const char	*label;
	size_t		 ndests;
	uint32_t	 done;
	int		 want;
};

static const struct fin_case fin_cases[] = {
	{ "finished: one of one", 1, 1, 1 },
	{ "finished: not yet, one of two", 2, 2, 0 },
	{ "finished: two of two", 2, 3, 1 },
	{ "finished: none of eight", 8, 0, 0 },
	{ "finished: all eight", 8, 0xff, 1 },
};

static void
test_finished(void **state)
{
	const struct fin_case	*c = *state;
	struct outbox_item	 it;

	memset(&it, 0, sizeof(it));
	it.ndests = c->ndests;
	it.done = c->done;
	assert_int_equal(outbox_finished(&it), c->want);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, rt_cases, test_roundtrip);
	TABLE_ADD(&tt, bad_cases, test_bad);
	TABLE_ADD(&tt, backoff_cases, test_backoff);
	TABLE_ADD(&tt, fin_cases, test_finished);
	return table_run("outbox", &tt);
}
