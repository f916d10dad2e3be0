/*
 * test_netstring.c: the socketmap framing (PF-SM-2, PF-SM-12, DEC-24).
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"
#include "netstring.h"

struct decode_case {
	const char		*label;
	const char		*in;
	size_t			 max;
	enum netstring_status	 want;
	const char		*payload;	/* FRAME */
	size_t			 used;		/* FRAME */
	const char		*why;		/* ERROR: substring */
};

static const struct decode_case decode_cases[] = {
	{ "PF-SM-2 simple request", "19:postfix example.com,", 100,
	    NETSTRING_FRAME, "postfix example.com", 23, NULL },
	{ "PF-SM-2 empty payload", "0:,", 100, NETSTRING_FRAME, "", 3,
	    NULL },
	{ "PF-SM-2 leading zeros accepted", "003:abc,", 100,
	    NETSTRING_FRAME, "abc", 8, NULL },
	{ "PF-SM-10 two frames: first one only", "1:a,1:b,", 100,
	    NETSTRING_FRAME, "a", 4, NULL },
	{ "PF-SM-2 payload may hold ':' and ','", "5:a:b,c,", 100,
	    NETSTRING_FRAME, "a:b,c", 8, NULL },
	{ "length exactly at the cap", "3:abc,", 3, NETSTRING_FRAME, "abc",
	    6, NULL },
	{ "empty input needs more", "", 100, NETSTRING_NEED_MORE, NULL, 0,
	    NULL },
	{ "digits only need more", "12", 100, NETSTRING_NEED_MORE, NULL, 0,
	    NULL },
	{ "partial payload needs more", "5:abc", 100, NETSTRING_NEED_MORE,
	    NULL, 0, NULL },
	{ "payload without comma needs more", "3:abc", 100,
	    NETSTRING_NEED_MORE, NULL, 0, NULL },
	{ "PF-SM-12 non-digit length", "x:abc,", 100, NETSTRING_ERROR, NULL,
	    0, "not a number" },
	{ "PF-SM-12 missing colon", "3;abc,", 100, NETSTRING_ERROR, NULL, 0,
	    "':'" },
	{ "PF-SM-12 missing comma", "3:abcd", 100, NETSTRING_ERROR, NULL, 0,
	    "','" },
	{ "PF-SM-12 negative length", "-1:a,", 100, NETSTRING_ERROR, NULL, 0,
	    "not a number" },
	{ "PF-SM-12 space before length", " 3:abc,", 100, NETSTRING_ERROR,
	    NULL, 0, "not a number" },
	{ "DEC-24 over the cap fails before the body", "10241:", 10240,
	    NETSTRING_ERROR, NULL, 0, "too long" },
	{ "DEC-24 over the cap fails on digits alone", "99999", 10240,
	    NETSTRING_ERROR, NULL, 0, "too long" },
	{ "too many digits even if zero", "00000000000:,", 100,
	    NETSTRING_ERROR, NULL, 0, "digits" },
	{ "huge length does not overflow", "18446744073709551617:", 10240,
	    NETSTRING_ERROR, NULL, 0, "too long" },
};

static void
test_decode(void **state)
{
	const struct decode_case	*tc = *state;
	const char			*payload = NULL, *why = NULL;
	size_t				 plen = 0, used = 0;
	enum netstring_status		 st;

	st = netstring_decode(tc->in, strlen(tc->in), tc->max, &payload,
	    &plen, &used, &why);
	assert_int_equal(st, tc->want);
	if (st == NETSTRING_FRAME) {
		assert_int_equal(plen, strlen(tc->payload));
		assert_memory_equal(payload, tc->payload, plen);
		assert_int_equal(used, tc->used);
		assert_ptr_equal(payload, tc->in + (used - plen - 1));
	}
	if (st == NETSTRING_ERROR) {
		assert_non_null(why);
		assert_non_null(strstr(why, tc->why));
	}
}

/* Byte by byte, a frame is NEED_MORE until its last byte arrives. */
static void
test_incremental(void **state)
{
	const char	*in = "26:postfix-tlsrpt example.com,";
	const char	*payload, *why;
	size_t		 i, plen, used, n = strlen(in);

	for (i = 0; i < n; i++)
		assert_int_equal(netstring_decode(in, i, 100, &payload, &plen,
		    &used, &why), NETSTRING_NEED_MORE);
	assert_int_equal(netstring_decode(in, n, 100, &payload, &plen, &used,
	    &why), NETSTRING_FRAME);
	assert_int_equal(plen, 26);
	assert_int_equal(used, n);
}

struct header_case {
	const char	*label;
	size_t		 len;
	const char	*want;
};

static const struct header_case header_cases[] = {
	{ "header for 0", 0, "0:" },
	{ "header for 9", 9, "9:" },
	{ "header for 10", 10, "10:" },
	{ "PF-SM-6 header for the reply cap", 99000, "99000:" },
	{ "header for 4294967295", 4294967295UL, "4294967295:" },
};

static void
test_header(void **state)
{
	const struct header_case	*tc = *state;
	char				 hdr[NETSTRING_HEADER_MAX];
	size_t				 n;

	n = netstring_header(hdr, tc->len);
	assert_int_equal(n, strlen(tc->want));
	assert_memory_equal(hdr, tc->want, n);
}

/* What the header says, the decoder reads back. */
static void
test_roundtrip(void **state)
{
	char		 buf[64];
	const char	*payload, *why;
	size_t		 n, plen, used;

	n = netstring_header(buf, 11);
	memcpy(buf + n, "NOTFOUND ok", 11);
	buf[n + 11] = ',';
	assert_int_equal(netstring_decode(buf, n + 12, 100, &payload, &plen,
	    &used, &why), NETSTRING_FRAME);
	assert_int_equal(plen, 11);
	assert_int_equal(used, n + 12);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, decode_cases, test_decode);
	TABLE_ADD(&tt, header_cases, test_header);
	table_add_fn(&tt, "PF-SM-2 incremental decode", test_incremental);
	table_add_fn(&tt, "PF-SM-2 header and decoder agree", test_roundtrip);
	return table_run("netstring", &tt);
}
