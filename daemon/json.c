/*
 * json.c: strict pull-style JSON reader (RFC 8259) over one bounded buffer.
 * Pure: no I/O, no allocation, no global state.
 *
 * Every read is checked against (buf, len); no input byte reaches an error
 * message unescaped.  Misuse by the caller (reading a value where none is
 * due, forgetting one) fails the reader like bad input does, so a schema
 * bug cannot make it read out of bounds or accept garbage.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

#define CHARNAME_BUF	16

/* How scan_string() treats a destination that is too small. */
#define SCAN_VALUE	0	/* fail with JSON_ERR_TOO_LONG */
#define SCAN_KEY	1	/* keep the prefix, report the full length */

static void	fail(struct json_reader *, size_t, int, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static const char *charname(char *, size_t, unsigned char);
static int	is_ws(unsigned char);
static void	skip_ws(struct json_reader *);
static int	at_end(struct json_reader *, const char *);
static int	take_value(struct json_reader *);
static size_t	utf8_seq(const unsigned char *, size_t, int *);
static int	hex4(const char *, unsigned *);
static size_t	utf8_put(unsigned char *, unsigned);
static int	scan_string(struct json_reader *, char *, size_t, size_t *,
		    int);
static int	scan_number(struct json_reader *, int64_t *);
static int	scan_literal(struct json_reader *, const char *);
static int	container_begin(struct json_reader *, unsigned char);

static void
fail(struct json_reader *r, size_t off, int code, const char *fmt, ...)
{
	char	msg[PARSE_ERR_MSG_MAX];
	va_list	ap;

	if (r->failed)
		return;
	r->failed = 1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parse_err_set(r->err, 0, (unsigned)(off + 1), code, "%s", msg);
}

/* Name one offending byte for an error message. */
static const char *
charname(char *dst, size_t dstsz, unsigned char c)
{
	if (c > 0x20 && c < 0x7f && c != '\'')
		(void)snprintf(dst, dstsz, "'%c'", c);
	else
		(void)snprintf(dst, dstsz, "byte 0x%02x", c);
	return dst;
}

/* RFC 8259 §2: only these four are insignificant whitespace. */
static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_ws(struct json_reader *r)
{
	while (r->off < r->len && is_ws((unsigned char)r->buf[r->off]))
		r->off++;
}

/* Fail with JSON_ERR_TRUNCATED if nothing is left after whitespace. */
static int
at_end(struct json_reader *r, const char *where)
{
	skip_ws(r);
	if (r->off < r->len)
		return 0;
	fail(r, r->off, JSON_ERR_TRUNCATED, "input ends %s", where);
	return 1;
}

/* A value may be read only where the grammar expects one. */
static int
take_value(struct json_reader *r)
{
	if (r->failed)
		return -1;
	if (!r->want_value) {
		fail(r, r->off, JSON_ERR_SYNTAX, "no value expected at offset "
		    "%zu", r->off);
		return -1;
	}
	if (at_end(r, "where a value was expected"))
		return -1;
	return 0;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 §4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.  *cut is
 * set when s[0..n) is a well-formed start that n ends too soon.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, int *cut)
{
	size_t		need, i;
	unsigned char	lo = 0x80, hi = 0xbf;

	*cut = 0;
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n > 1 && (s[1] < lo || s[1] > hi))
		return 0;
	for (i = 2; i <= need && i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	if (n < need + 1) {
		*cut = 1;
		return 0;
	}
	return need + 1;
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned	c, i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		*v = (*v << 4) | c;
	}
	return 0;
}

/* Encode a Unicode scalar value (not a surrogate) as UTF-8. */
static size_t
utf8_put(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The string at r->off (which holds '"').  Decodes into dst when dst is not
 * NULL; *outlen gets the decoded length.  RFC 8259 §7: control characters
 * must be escaped; §8.1: the text is UTF-8.
 */
static int
scan_string(struct json_reader *r, char *dst, size_t dstsz, size_t *outlen,
    int mode)
{
	const unsigned char	*b = (const unsigned char *)r->buf;
	unsigned char		 tmp[4];
	const unsigned char	*piece;
	char			 cn[CHARNAME_BUF];
	size_t			 start = r->off, i = r->off + 1, o = 0;
	size_t			 stored = 0, n;
	unsigned		 cp, lo;
	int			 full = 0, cut;

	for (;;) {
		if (i >= r->len) {
			fail(r, i, JSON_ERR_TRUNCATED, "string at offset %zu "
			    "is not terminated", start);
			return -1;
		}
		piece = b + i;
		if (b[i] == '"') {
			i++;
			break;
		} else if (b[i] == '\\') {
			if (i + 1 >= r->len) {
				fail(r, i, JSON_ERR_TRUNCATED, "input ends in "
				    "an escape at offset %zu", i);
				return -1;
			}
			n = 1;
			switch (b[i + 1]) {
			case '"':
			case '\\':
			case '/':
				tmp[0] = b[i + 1];
				break;
			case 'b':
				tmp[0] = '\b';
				break;
			case 'f':
				tmp[0] = '\f';
				break;
			case 'n':
				tmp[0] = '\n';
				break;
			case 'r':
				tmp[0] = '\r';
				break;
			case 't':
				tmp[0] = '\t';
				break;
			case 'u':
				if (r->len - i < 6) {
					fail(r, i, JSON_ERR_TRUNCATED, "input "
					    "ends in a \\u escape at offset "
					    "%zu", i);
					return -1;
				}
				if (hex4(r->buf + i + 2, &cp) == -1) {
					fail(r, i, JSON_ERR_ESCAPE, "\\u at "
					    "offset %zu is not followed by 4 "
					    "hex digits", i);
					return -1;
				}
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					fail(r, i, JSON_ERR_ESCAPE, "\\u%04x "
					    "at offset %zu is a low surrogate "
					    "without a high one", cp, i);
					return -1;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					/* RFC 8259 §7: a pair as 12 chars. */
					if (r->len - i < 12 &&
					    (r->len - i < 8 ||
					    memcmp(r->buf + i + 6, "\\u", 2)
					    == 0)) {
						fail(r, i, JSON_ERR_TRUNCATED,
						    "input ends in a surrogate "
						    "pair at offset %zu", i);
						return -1;
					}
					if (b[i + 6] != '\\' ||
					    b[i + 7] != 'u' ||
					    hex4(r->buf + i + 8, &lo) == -1 ||
					    lo < 0xdc00 || lo > 0xdfff) {
						fail(r, i, JSON_ERR_ESCAPE,
						    "\\u%04x at offset %zu is "
						    "a high surrogate without "
						    "a low one", cp, i);
						return -1;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 6;
				}
				n = utf8_put(tmp, cp);
				i += 4;
				break;
			default:
				fail(r, i, JSON_ERR_ESCAPE, "invalid escape "
				    "\\%s at offset %zu",
				    charname(cn, sizeof(cn), b[i + 1]), i);
				return -1;
			}
			i += 2;
			piece = tmp;
		} else if (b[i] < 0x20) {
			fail(r, i, JSON_ERR_ENCODING, "control character "
			    "0x%02x at offset %zu must be escaped", b[i], i);
			return -1;
		} else if (b[i] < 0x80) {
			n = 1;
			i++;
		} else {
			if ((n = utf8_seq(b + i, r->len - i, &cut)) == 0) {
				fail(r, i, cut ? JSON_ERR_TRUNCATED :
				    JSON_ERR_ENCODING, "%s UTF-8 (byte 0x%02x) "
				    "at offset %zu", cut ? "input ends in" :
				    "invalid", b[i], i);
				return -1;
			}
			i += n;
		}

		if (dst != NULL && !full) {
			if (stored + n >= dstsz) {
				if (mode == SCAN_VALUE) {
					fail(r, start, JSON_ERR_TOO_LONG,
					    "string at offset %zu is longer "
					    "than %zu bytes", start,
					    dstsz > 0 ? dstsz - 1 : 0);
					return -1;
				}
				full = 1;
			} else {
				memcpy(dst + stored, piece, n);
				stored += n;
			}
		}
		o += n;
	}
	if (dst != NULL && dstsz > 0)
		dst[stored] = '\0';
	if (outlen != NULL)
		*outlen = o;
	r->off = i;
	return 0;
}

/*
 * The number at r->off (RFC 8259 §6).  With v, also its value, which must
 * be an integer in int64_t.
 */
static int
scan_number(struct json_reader *r, int64_t *v)
{
	const char	*b = r->buf;
	size_t		 start = r->off, i = r->off;
	uint64_t	 mag = 0, lim = INT64_MAX;
	int		 neg = 0, integral = 1, overflow = 0;
	unsigned	 d;

	if (b[i] == '-') {
		neg = 1;
		lim = (uint64_t)INT64_MAX + 1;
		i++;
	}
	if (i >= r->len) {
		fail(r, i, JSON_ERR_TRUNCATED, "input ends in a number at "
		    "offset %zu", start);
		return -1;
	}
	if (b[i] < '0' || b[i] > '9') {
		fail(r, i, JSON_ERR_SYNTAX, "invalid number at offset %zu",
		    start);
		return -1;
	}
	if (b[i] == '0' && i + 1 < r->len && b[i + 1] >= '0' &&
	    b[i + 1] <= '9') {
		fail(r, i, JSON_ERR_SYNTAX, "number at offset %zu has a "
		    "leading zero", start);
		return -1;
	}
	for (; i < r->len && b[i] >= '0' && b[i] <= '9'; i++) {
		d = (unsigned)(b[i] - '0');
		if (mag > (lim - d) / 10)
			overflow = 1;
		else
			mag = mag * 10 + d;
	}
	if (i < r->len && b[i] == '.') {
		integral = 0;
		if (++i >= r->len || b[i] < '0' || b[i] > '9') {
			fail(r, i, i >= r->len ? JSON_ERR_TRUNCATED :
			    JSON_ERR_SYNTAX, "number at offset %zu needs a "
			    "digit after '.'", start);
			return -1;
		}
		while (i < r->len && b[i] >= '0' && b[i] <= '9')
			i++;
	}
	if (i < r->len && (b[i] == 'e' || b[i] == 'E')) {
		integral = 0;
		if (++i < r->len && (b[i] == '+' || b[i] == '-'))
			i++;
		if (i >= r->len || b[i] < '0' || b[i] > '9') {
			fail(r, i, i >= r->len ? JSON_ERR_TRUNCATED :
			    JSON_ERR_SYNTAX, "number at offset %zu needs a "
			    "digit in its exponent", start);
			return -1;
		}
		while (i < r->len && b[i] >= '0' && b[i] <= '9')
			i++;
	}
	/*
	 * Inside an object or array the input cannot end with a number: it
	 * was cut, and "20" may have been "201".  Say so before the caller
	 * acts on the value.
	 */
	if (i >= r->len && r->depth > 0) {
		fail(r, i, JSON_ERR_TRUNCATED, "input ends in a number at "
		    "offset %zu", start);
		return -1;
	}
	if (v != NULL) {
		if (!integral) {
			fail(r, start, JSON_ERR_RANGE, "number at offset %zu "
			    "is not an integer", start);
			return -1;
		}
		if (overflow) {
			fail(r, start, JSON_ERR_RANGE, "integer at offset %zu "
			    "is out of range", start);
			return -1;
		}
		/* Negate in unsigned: -(INT64_MAX + 1) has no positive. */
		*v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	}
	r->off = i;
	return 0;
}

static int
scan_literal(struct json_reader *r, const char *lit)
{
	size_t	n = strlen(lit), i;

	for (i = 0; i < n; i++) {
		if (r->off + i >= r->len) {
			fail(r, r->off + i, JSON_ERR_TRUNCATED, "input ends "
			    "in \"%s\" at offset %zu", lit, r->off);
			return -1;
		}
		if (r->buf[r->off + i] != lit[i]) {
			fail(r, r->off + i, JSON_ERR_SYNTAX, "invalid literal "
			    "at offset %zu (expected \"%s\")", r->off, lit);
			return -1;
		}
	}
	r->off += n;
	return 0;
}

static int
container_begin(struct json_reader *r, unsigned char open)
{
	enum json_type	want = open == '{' ? JSON_OBJECT : JSON_ARRAY;
	enum json_type	t;

	if (take_value(r) == -1)
		return -1;
	if ((t = json_peek(r)) != want) {
		if (t != JSON_NONE)
			fail(r, r->off, JSON_ERR_TYPE, "expected %s at "
			    "offset %zu, found %s", json_type_str(want),
			    r->off, json_type_str(t));
		return -1;
	}
	if (r->depth >= JSON_DEPTH_MAX) {
		fail(r, r->off, JSON_ERR_DEPTH, "nesting deeper than %d at "
		    "offset %zu", JSON_DEPTH_MAX, r->off);
		return -1;
	}
	r->kind[r->depth] = open;
	r->first[r->depth] = 1;
	r->depth++;
	r->off++;
	r->want_value = 0;
	return 0;
}

void
json_init(struct json_reader *r, const char *buf, size_t len,
    struct parse_err *err)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = buf != NULL ? len : 0;
	r->err = err;
	r->want_value = 1;
	parse_err_clear(err);
}

enum json_type
json_peek(struct json_reader *r)
{
	char		cn[CHARNAME_BUF];
	unsigned char	c;

	if (r->failed || at_end(r, "where a value was expected"))
		return JSON_NONE;
	c = (unsigned char)r->buf[r->off];
	switch (c) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
		return JSON_STRING;
	case 't':
		return JSON_TRUE;
	case 'f':
		return JSON_FALSE;
	case 'n':
		return JSON_NULL;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return JSON_NUMBER;
		fail(r, r->off, JSON_ERR_SYNTAX, "expected a value at offset "
		    "%zu, found %s", r->off, charname(cn, sizeof(cn), c));
		return JSON_NONE;
	}
}

int
json_object_begin(struct json_reader *r)
{
	return container_begin(r, '{');
}

int
json_array_begin(struct json_reader *r)
{
	return container_begin(r, '[');
}

int
json_object_next(struct json_reader *r, char *key, size_t keysz,
    size_t *keylen)
{
	char		cn[CHARNAME_BUF];
	unsigned	top;
	size_t		dummy;

	if (keylen == NULL)
		keylen = &dummy;
	*keylen = 0;
	if (key != NULL && keysz > 0)
		key[0] = '\0';
	if (r->failed)
		return -1;
	if (r->depth == 0 || r->kind[r->depth - 1] != '{' || r->want_value) {
		fail(r, r->off, JSON_ERR_SYNTAX, "misplaced object member "
		    "at offset %zu", r->off);
		return -1;
	}
	top = r->depth - 1;
	if (at_end(r, "inside an object"))
		return -1;
	if (r->buf[r->off] == '}') {
		r->off++;
		r->depth--;
		return 0;
	}
	if (!r->first[top]) {
		if (r->buf[r->off] != ',') {
			fail(r, r->off, JSON_ERR_SYNTAX, "expected ',' or '}' "
			    "at offset %zu, found %s", r->off, charname(cn,
			    sizeof(cn), (unsigned char)r->buf[r->off]));
			return -1;
		}
		r->off++;
		if (at_end(r, "after ','"))
			return -1;
	}
	if (r->buf[r->off] != '"') {
		fail(r, r->off, JSON_ERR_SYNTAX, "expected a key at offset "
		    "%zu, found %s", r->off, charname(cn, sizeof(cn),
		    (unsigned char)r->buf[r->off]));
		return -1;
	}
	r->first[top] = 0;
	if (scan_string(r, key, key != NULL ? keysz : 0, keylen, SCAN_KEY)
	    == -1)
		return -1;
	if (at_end(r, "after a key"))
		return -1;
	if (r->buf[r->off] != ':') {
		fail(r, r->off, JSON_ERR_SYNTAX, "expected ':' at offset %zu, "
		    "found %s", r->off, charname(cn, sizeof(cn),
		    (unsigned char)r->buf[r->off]));
		return -1;
	}
	r->off++;
	r->want_value = 1;
	return 1;
}

int
json_array_next(struct json_reader *r)
{
	char		cn[CHARNAME_BUF];
	unsigned	top;

	if (r->failed)
		return -1;
	if (r->depth == 0 || r->kind[r->depth - 1] != '[' || r->want_value) {
		fail(r, r->off, JSON_ERR_SYNTAX, "misplaced array element "
		    "at offset %zu", r->off);
		return -1;
	}
	top = r->depth - 1;
	if (at_end(r, "inside an array"))
		return -1;
	if (r->buf[r->off] == ']') {
		r->off++;
		r->depth--;
		return 0;
	}
	if (!r->first[top]) {
		if (r->buf[r->off] != ',') {
			fail(r, r->off, JSON_ERR_SYNTAX, "expected ',' or ']' "
			    "at offset %zu, found %s", r->off, charname(cn,
			    sizeof(cn), (unsigned char)r->buf[r->off]));
			return -1;
		}
		r->off++;
	}
	r->first[top] = 0;
	r->want_value = 1;
	return 1;
}

int
json_get_string(struct json_reader *r, char *dst, size_t dstsz, size_t *len)
{
	enum json_type	t;
	size_t		dummy;

	if (len == NULL)
		len = &dummy;
	*len = 0;
	if (dst != NULL && dstsz > 0)
		dst[0] = '\0';
	if (take_value(r) == -1)
		return -1;
	if ((t = json_peek(r)) != JSON_STRING) {
		if (t != JSON_NONE)
			fail(r, r->off, JSON_ERR_TYPE, "expected a string at "
			    "offset %zu, found %s", r->off, json_type_str(t));
		return -1;
	}
	if (dst == NULL || dstsz == 0) {
		fail(r, r->off, JSON_ERR_TOO_LONG, "no room for the string at "
		    "offset %zu", r->off);
		return -1;
	}
	if (scan_string(r, dst, dstsz, len, SCAN_VALUE) == -1)
		return -1;
	r->want_value = 0;
	return 0;
}

int
json_get_int(struct json_reader *r, int64_t *v)
{
	enum json_type	t;
	int64_t		dummy;

	if (v == NULL)
		v = &dummy;
	*v = 0;
	if (take_value(r) == -1)
		return -1;
	if ((t = json_peek(r)) != JSON_NUMBER) {
		if (t != JSON_NONE)
			fail(r, r->off, JSON_ERR_TYPE, "expected an integer "
			    "at offset %zu, found %s", r->off,
			    json_type_str(t));
		return -1;
	}
	if (scan_number(r, v) == -1)
		return -1;
	r->want_value = 0;
	return 0;
}

int
json_get_bool(struct json_reader *r, int *v)
{
	enum json_type	t;
	int		dummy;

	if (v == NULL)
		v = &dummy;
	*v = 0;
	if (take_value(r) == -1)
		return -1;
	t = json_peek(r);
	if (t != JSON_TRUE && t != JSON_FALSE) {
		if (t != JSON_NONE)
			fail(r, r->off, JSON_ERR_TYPE, "expected true or "
			    "false at offset %zu, found %s", r->off,
			    json_type_str(t));
		return -1;
	}
	if (scan_literal(r, t == JSON_TRUE ? "true" : "false") == -1)
		return -1;
	*v = t == JSON_TRUE;
	r->want_value = 0;
	return 0;
}

int
json_get_null(struct json_reader *r)
{
	enum json_type	t;

	if (take_value(r) == -1)
		return -1;
	if ((t = json_peek(r)) != JSON_NULL) {
		if (t != JSON_NONE)
			fail(r, r->off, JSON_ERR_TYPE, "expected null at "
			    "offset %zu, found %s", r->off, json_type_str(t));
		return -1;
	}
	if (scan_literal(r, "null") == -1)
		return -1;
	r->want_value = 0;
	return 0;
}

int
json_skip_value(struct json_reader *r)
{
	unsigned	base = r->depth;
	int		rc;

	if (take_value(r) == -1)
		return -1;
	do {
		if (r->depth > base) {
			/* Inside a container this call opened: advance. */
			if (r->kind[r->depth - 1] == '{')
				rc = json_object_next(r, NULL, 0, NULL);
			else
				rc = json_array_next(r);
			if (rc == -1)
				return -1;
			if (rc == 0)
				continue;
		}
		switch (json_peek(r)) {
		case JSON_OBJECT:
			rc = json_object_begin(r);
			break;
		case JSON_ARRAY:
			rc = json_array_begin(r);
			break;
		case JSON_STRING:
			rc = scan_string(r, NULL, 0, NULL, SCAN_VALUE);
			break;
		case JSON_NUMBER:
			rc = scan_number(r, NULL);
			break;
		case JSON_TRUE:
			rc = scan_literal(r, "true");
			break;
		case JSON_FALSE:
			rc = scan_literal(r, "false");
			break;
		case JSON_NULL:
			rc = scan_literal(r, "null");
			break;
		default:
			return -1;
		}
		if (rc == -1)
			return -1;
		r->want_value = 0;
	} while (r->depth > base);
	return 0;
}

int
json_end(struct json_reader *r)
{
	char	cn[CHARNAME_BUF];

	if (r->failed)
		return -1;
	if (r->depth > 0 || r->want_value) {
		fail(r, r->off, JSON_ERR_TRUNCATED, "input ends before the "
		    "value is complete, at offset %zu", r->off);
		return -1;
	}
	skip_ws(r);
	if (r->off < r->len) {
		fail(r, r->off, JSON_ERR_TRAILING, "unexpected %s after the "
		    "end of the value, at offset %zu", charname(cn,
		    sizeof(cn), (unsigned char)r->buf[r->off]), r->off);
		return -1;
	}
	return 0;
}

size_t
json_offset(const struct json_reader *r)
{
	return r->off;
}

int
json_failed(const struct json_reader *r)
{
	return r->failed;
}

const char *
json_type_str(enum json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_NUMBER:
		return "a number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	default:
		return "nothing";
	}
}
