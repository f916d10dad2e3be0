/*
 * txtrec.c: the TXT record shape shared by MTA-STS and TLSRPT.  Pure.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "txtrec.h"

int
txtrec_is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
txtrec_is_name_char(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* 0x21-0x3A, 0x3C, 0x3E-0x7E: no '=', ';' or space (STS-REC-8). */
static int
is_ext_value_char(unsigned char c)
{
	return (c >= 0x21 && c <= 0x3a) || c == 0x3c ||
	    (c >= 0x3e && c <= 0x7e);
}

const char *
txtrec_charname(char *dst, size_t dstsz, unsigned char c)
{
	if (c == ' ')
		(void)snprintf(dst, dstsz, "a space");
	else if (c == '\t')
		(void)snprintf(dst, dstsz, "a tab");
	else if (c > 0x20 && c < 0x7f && c != '\'')
		(void)snprintf(dst, dstsz, "'%c'", c);
	else
		(void)snprintf(dst, dstsz, "byte 0x%02x", c);
	return dst;
}

void
txtrec_msg_cut(char *buf, size_t sz, int r)
{
	size_t	cut;

	if (r >= 0 && (size_t)r < sz)
		return;
	cut = sz - 4;
	if (cut > 0 && (unsigned char)buf[cut - 1] == 0xc2)
		cut--;
	memcpy(buf + cut, "...", 4);
}

void
txtrec_init(struct txtrec *t, const char *buf, size_t len, int code,
    const char *rfc, struct parse_err *err)
{
	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->len = buf != NULL ? len : 0;
	t->code = code;
	t->rfc = rfc;
	t->err = err;
}

void
txtrec_fail(struct txtrec *t, size_t off, const char *fmt, ...)
{
	char	msg[PARSE_ERR_MSG_MAX];
	va_list	ap;
	int	r;

	if (t->failed)
		return;
	t->failed = 1;
	va_start(ap, fmt);
	r = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	txtrec_msg_cut(msg, sizeof(msg), r);
	parse_err_set(t->err, 0, (unsigned)(off + 1), t->code, "%s", msg);
}

void
txtrec_skip_wsp(struct txtrec *t)
{
	while (t->off < t->len && txtrec_is_wsp((unsigned char)t->buf[t->off]))
		t->off++;
}

int
txtrec_start(struct txtrec *t, size_t max, const char *tag)
{
	size_t		i, taglen = strlen(tag);
	unsigned char	ch;

	if (t->len > max) {
		t->failed = 1;
		parse_err_set(t->err, 0, 0, t->code, "TXT record is %zu bytes "
		    "long; at most %zu are accepted", t->len, max);
		return -1;
	}
	/* STS-REC-10, RFC 8460 §3: WSP is the only control character. */
	for (i = 0; i < t->len; i++) {
		ch = (unsigned char)t->buf[i];
		if (ch >= 0x80) {
			txtrec_fail(t, i, "TXT record contains non-ASCII byte "
			    "0x%02x at column %zu; it must be US-ASCII (%s)",
			    ch, i + 1, t->rfc);
			return -1;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			txtrec_fail(t, i, "TXT record contains control "
			    "character 0x%02x at column %zu (%s)", ch, i + 1,
			    t->rfc);
			return -1;
		}
	}
	if (t->len < taglen || memcmp(t->buf, tag, taglen) != 0) {
		txtrec_fail(t, 0, "TXT record does not start with \"%s\" (%s; "
		    "the tag is case-sensitive)", tag, t->rfc);
		return -1;
	}
	t->off = taglen;
	return 0;
}

int
txtrec_next(struct txtrec *t)
{
	char	cn[TXTREC_CHARNAME_MAX];
	size_t	at = t->off;

	if (t->failed)
		return -1;
	if (t->off == t->len)
		return 0;
	txtrec_skip_wsp(t);
	if (t->off == t->len) {
		txtrec_fail(t, at, "whitespace at the end of the record must "
		    "follow a ';' (%s)", t->rfc);
		return -1;
	}
	if (t->buf[t->off] != ';') {
		txtrec_fail(t, t->off, "expected ';' at column %zu, found %s; "
		    "fields are separated by ';' (%s)", t->off + 1,
		    txtrec_charname(cn, sizeof(cn),
		    (unsigned char)t->buf[t->off]), t->rfc);
		return -1;
	}
	t->off++;
	txtrec_skip_wsp(t);
	return t->off < t->len;		/* else the optional trailing ';' */
}

int
txtrec_name(struct txtrec *t, size_t namemax, const char **namep,
    size_t *nlenp)
{
	char		 cn[TXTREC_CHARNAME_MAX];
	const char	*name = t->buf + t->off;
	size_t		 start = t->off, nlen;

	while (t->off < t->len &&
	    txtrec_is_name_char((unsigned char)t->buf[t->off]))
		t->off++;
	nlen = t->off - start;
	if (nlen == 0) {
		txtrec_fail(t, start, "expected a field name at column %zu, "
		    "found %s (%s)", start + 1, txtrec_charname(cn, sizeof(cn),
		    (unsigned char)t->buf[start]), t->rfc);
		return -1;
	}
	if (nlen > namemax) {
		txtrec_fail(t, start, "field name at column %zu is longer than "
		    "%zu characters (%s)", start + 1, namemax, t->rfc);
		return -1;
	}
	if (!is_alnum((unsigned char)name[0])) {
		txtrec_fail(t, start, "field name \"%.*s\" at column %zu must "
		    "start with a letter or digit (%s)", (int)nlen, name,
		    start + 1, t->rfc);
		return -1;
	}
	if (t->off == t->len || t->buf[t->off] != '=') {
		if (t->off < t->len &&
		    txtrec_is_wsp((unsigned char)t->buf[t->off]))
			txtrec_fail(t, t->off, "whitespace before '=' at "
			    "column %zu is not allowed (%s)", t->off + 1,
			    t->rfc);
		else if (t->off == t->len)
			txtrec_fail(t, t->off, "field \"%.*s\" has no '=' and "
			    "no value (%s)", (int)nlen, name, t->rfc);
		else
			txtrec_fail(t, t->off, "expected '=' after field name "
			    "\"%.*s\" at column %zu, found %s (%s)", (int)nlen,
			    name, t->off + 1, txtrec_charname(cn, sizeof(cn),
			    (unsigned char)t->buf[t->off]), t->rfc);
		return -1;
	}
	t->off++;
	*namep = name;
	*nlenp = nlen;
	return 0;
}

void
txtrec_ext_value(struct txtrec *t, const char *name, size_t nlen,
    size_t start)
{
	char		cn[TXTREC_CHARNAME_MAX];
	size_t		vstart = t->off, vlen;
	unsigned char	ch;

	while (t->off < t->len &&
	    is_ext_value_char((unsigned char)t->buf[t->off]))
		t->off++;
	vlen = t->off - vstart;
	if (t->off < t->len) {
		ch = (unsigned char)t->buf[t->off];
		if (vlen == 0 && txtrec_is_wsp(ch)) {
			txtrec_fail(t, t->off, "whitespace after '=' at column "
			    "%zu is not allowed (%s)", t->off + 1, t->rfc);
			return;
		}
		if (!txtrec_is_wsp(ch) && ch != ';') {
			txtrec_fail(t, t->off, "value of field \"%.*s\" "
			    "contains %s at column %zu (%s)", (int)nlen, name,
			    txtrec_charname(cn, sizeof(cn), ch), t->off + 1,
			    t->rfc);
			return;
		}
	}
	if (vlen == 0)
		txtrec_fail(t, vstart, "field \"%.*s\" at column %zu has an "
		    "empty value (%s)", (int)nlen, name, start + 1, t->rfc);
}
