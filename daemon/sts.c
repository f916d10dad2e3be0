/*
 * sts.c: RFC 8461 TXT record and policy file parsing, MX pattern matching.
 * Pure: no I/O, no clock, no global state.
 *
 * Steps 6-8 of a lookup (STYLE.md §2).  The input comes straight off the
 * network, so every read is bounds-checked against a (pointer, length)
 * cursor and no raw input byte reaches an error message unescaped.  Rules
 * are cited by their conformance.md IDs.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "sts.h"
#include "txtrec.h"
#include "xmalloc.h"

#define STS_VERSION_TAG	"v=STSv1"
#define STS_VERSION_LEN	(sizeof(STS_VERSION_TAG) - 1)
#define UTF8_BOM	"\xef\xbb\xbf"
#define UTF8_BOM_LEN	(sizeof(UTF8_BOM) - 1)
#define SNIPPET_BUF	64	/* escaped input quoted in an error message */
#define LINES_INITIAL	16

/* Cursor over a policy body; the first error sticks. */
struct pol_cur {
	const char		*buf;
	size_t			 len;
	size_t			 off;		/* start of the current line */
	unsigned		 line;		/* 1-based */
	int			 flags;
	int			 failed;
	struct parse_err	*err;
	struct sts_policy	*pol;
	int			 have_version;
	int			 have_mode;
	int			 have_max_age;
	size_t			 lines_alloc;
};

static int	is_alnum(unsigned char);
static unsigned char to_lower(unsigned char);
static int	ascii_caseeq(const char *, const char *, size_t);
static size_t	utf8_seq(const unsigned char *, size_t);
static const char *snippet(char *, size_t, const char *, size_t);
static int	field_is(const char *, size_t, const char *);

static void	txt_field(struct txtrec *, struct sts_txt *, int *);

static void	pol_fail(struct pol_cur *, size_t, int, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static int	pol_encoding(struct pol_cur *, const char *, size_t);
static void	pol_line(struct pol_cur *, const char *, size_t);
static void	pol_keep_line(struct pol_cur *, const char *, size_t);
static void	pol_version(struct pol_cur *, const char *, size_t, size_t);
static void	pol_mode(struct pol_cur *, const char *, size_t, size_t);
static void	pol_max_age(struct pol_cur *, const char *, size_t, size_t);
static void	pol_mx(struct pol_cur *, const char *, size_t, size_t);
static void	pol_finish(struct pol_cur *);

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* STS-REC-8, STS-POL-13: letter/digit, then letter/digit/'_'/'-'/'.'. */
/* ASCII only: host names are compared without the locale (RFC 4343). */
static unsigned char
to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int
ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (to_lower((unsigned char)a[i]) !=
		    to_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 §4: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t		need, i;
	unsigned char	lo = 0x80, hi = 0xbf;

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
	if (n < need + 1)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need + 1;
}

/*
 * Quote untrusted bytes for an error message: printable ASCII other than
 * '\\' and '"' stays, everything else becomes \xNN; cut with "..." so that
 * the message around it still fits PARSE_ERR_MSG_MAX.
 */
static const char *
snippet(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0;
	unsigned char		 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			if (o + 1 + 3 >= dstsz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 + 3 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if (i < len) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

/* Field names are case-sensitive (STS-REC-6, STS-POL-6). */
static int
field_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

/*
 * The TXT record.
 */

/* One `id` or extension field at c->off (STS-REC-6/7/8). */
static void
txt_field(struct txtrec *c, struct sts_txt *out, int *have_id)
{
	char		 cn[TXTREC_CHARNAME_MAX];
	const char	*name;
	size_t		 start = c->off, nlen, vstart, vlen;
	unsigned char	 ch;

	if (txtrec_name(c, STS_EXT_NAME_MAX, &name, &nlen) == -1)
		return;
	vstart = c->off;

	if (field_is(name, nlen, "id")) {
		/*
		 * STS-REC-7: 1-32 letters and digits.  A field named "id"
		 * that breaks this is not read as an extension: the record
		 * is invalid.
		 */
		while (c->off < c->len &&
		    is_alnum((unsigned char)c->buf[c->off]))
			c->off++;
		vlen = c->off - vstart;
		if (c->off < c->len) {
			ch = (unsigned char)c->buf[c->off];
			if (vlen == 0 && txtrec_is_wsp(ch)) {
				txtrec_fail(c, c->off, "whitespace after '=' "
				    "at column %zu is not allowed (RFC 8461 "
				    "§3.1)", c->off + 1);
				return;
			}
			if (!txtrec_is_wsp(ch) && ch != ';') {
				txtrec_fail(c, c->off, "id contains %s at "
				    "column %zu; only letters and digits are "
				    "allowed (RFC 8461 §3.1)",
				    txtrec_charname(cn, sizeof(cn), ch),
				    c->off + 1);
				return;
			}
		}
		if (vlen == 0) {
			txtrec_fail(c, vstart, "id at column %zu is empty (RFC "
			    "8461 §3.1)", start + 1);
			return;
		}
		if (vlen > STS_ID_MAX) {
			txtrec_fail(c, vstart, "id at column %zu is %zu "
			    "characters long; at most %d are allowed (RFC "
			    "8461 §3.1)", start + 1, vlen, STS_ID_MAX);
			return;
		}
		/* DEC-2: the first id wins; later ones only need to parse. */
		if (!*have_id) {
			*have_id = 1;
			if (out != NULL) {
				memcpy(out->id, c->buf + vstart, vlen);
				out->id[vlen] = '\0';
			}
		}
		return;
	}

	/* STS-REC-8/9: a valid unknown extension is skipped. */
	txtrec_ext_value(c, name, nlen, start);
}

int
sts_txt_is_sts(const char *buf, size_t len)
{
	unsigned char	c;

	if (buf == NULL || len < STS_VERSION_LEN ||
	    memcmp(buf, STS_VERSION_TAG, STS_VERSION_LEN) != 0)
		return 0;
	if (len == STS_VERSION_LEN)
		return 1;
	/* DEC-3: "v=STSv1 ;" is a candidate too (RFC 8461 Err 6285). */
	c = (unsigned char)buf[STS_VERSION_LEN];
	return c == ';' || txtrec_is_wsp(c);
}

enum sts_txt_status
sts_txt_parse(const char *buf, size_t len, struct sts_txt *out,
    struct parse_err *err)
{
	struct txtrec	c;
	int		have_id = 0;

	parse_err_clear(err);
	if (out != NULL)
		out->id[0] = '\0';
	/* STS-REC-6, STS-REC-10: "v=STSv1" 1*(DELIM field) [DELIM]. */
	txtrec_init(&c, buf, len, STS_TXT_INVALID, "RFC 8461 §3.1", err);
	if (txtrec_start(&c, STS_TXT_MAX, STS_VERSION_TAG) == 0)
		while (txtrec_next(&c) == 1)
			txt_field(&c, out, &have_id);
	if (!c.failed && !have_id) {
		c.failed = 1;
		parse_err_set(err, 0, 0, STS_TXT_INVALID, "TXT record has no "
		    "id field (RFC 8461 §3.1)");
	}
	if (c.failed) {
		if (out != NULL)
			out->id[0] = '\0';
		return STS_TXT_INVALID;
	}
	return STS_TXT_OK;
}

enum sts_txt_status
sts_txt_select(const struct sts_rdata *rrs, size_t n, struct sts_txt *out,
    struct parse_err *err)
{
	const struct sts_rdata	*cand = NULL;
	size_t			 i, ncand = 0;

	parse_err_clear(err);
	if (out != NULL)
		out->id[0] = '\0';
	if (rrs == NULL)
		n = 0;
	/*
	 * STS-REC-3: other TXT records at this name are not our business.
	 * Every RR is screened (a prefix check), so that a second STSv1
	 * record can never hide behind many others (STS-REC-4).
	 */
	for (i = 0; i < n; i++) {
		if (!sts_txt_is_sts(rrs[i].buf, rrs[i].len))
			continue;
		if (ncand++ == 0)
			cand = &rrs[i];
	}
	if (ncand == 0) {
		parse_err_set(err, 0, 0, STS_TXT_NONE, "none of the %zu TXT "
		    "records starts with \"v=STSv1\" (RFC 8461 §3.1)", n);
		return STS_TXT_NONE;
	}
	if (ncand > 1) {
		/* STS-REC-4: two are ambiguous even when identical. */
		parse_err_set(err, 0, 0, STS_TXT_MULTIPLE, "%zu TXT records "
		    "start with \"v=STSv1\"; exactly one is required (RFC 8461 "
		    "§3.1)", ncand);
		return STS_TXT_MULTIPLE;
	}
	return sts_txt_parse(cand->buf, cand->len, out, err);
}

const char *
sts_txt_status_str(enum sts_txt_status s)
{
	switch (s) {
	case STS_TXT_OK:
		return "ok";
	case STS_TXT_NONE:
		return "none";
	case STS_TXT_MULTIPLE:
		return "multiple";
	case STS_TXT_INVALID:
		break;
	}
	return "invalid";
}

/*
 * The policy file.
 */

static void
pol_fail(struct pol_cur *c, size_t col, int code, const char *fmt, ...)
{
	char	msg[PARSE_ERR_MSG_MAX];
	va_list	ap;

	if (c->failed)
		return;
	c->failed = 1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->line > 0)
		parse_err_set(c->err, c->line, (unsigned)col, code,
		    "line %u: %s", c->line, msg);
	else
		parse_err_set(c->err, 0, (unsigned)col, code, "%s", msg);
}

/*
 * STS-POL-17, EDGE-22: a line is UTF-8 without control characters other
 * than tab; a CR that did not end the line is bare.  Returns 0 or -1.
 */
static int
pol_encoding(struct pol_cur *c, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < n) {
		if (u[i] == '\r') {
			pol_fail(c, i + 1, STS_PERR_ENCODING, "carriage return "
			    "not followed by a line feed at column %zu (RFC "
			    "8461 §3.2)", i + 1);
			return -1;
		}
		if (u[i] == '\0') {
			pol_fail(c, i + 1, STS_PERR_ENCODING, "NUL byte at "
			    "column %zu", i + 1);
			return -1;
		}
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f) {
			pol_fail(c, i + 1, STS_PERR_ENCODING, "control "
			    "character 0x%02x at column %zu (RFC 8461 §3.2)",
			    u[i], i + 1);
			return -1;
		}
		if ((k = utf8_seq(u + i, n - i)) == 0) {
			pol_fail(c, i + 1, STS_PERR_ENCODING, "invalid UTF-8 "
			    "byte 0x%02x at column %zu (RFC 8461 §3.2)", u[i],
			    i + 1);
			return -1;
		}
		i += k;
	}
	return 0;
}

/* Keep the line as declared for TLSRPT policy strings (PF-POL-13). */
static void
pol_keep_line(struct pol_cur *c, const char *s, size_t n)
{
	struct sts_policy	*pol = c->pol;

	if (pol->nlines == c->lines_alloc) {
		c->lines_alloc = c->lines_alloc == 0 ? LINES_INITIAL :
		    c->lines_alloc * 2;
		if (c->lines_alloc > STS_LINES_MAX)
			c->lines_alloc = STS_LINES_MAX;
		pol->lines = xreallocarray(pol->lines, c->lines_alloc,
		    sizeof(*pol->lines));
	}
	pol->lines[pol->nlines++] = xstrndup(s, n);
}

static void
pol_version(struct pol_cur *c, const char *s, size_t v, size_t ve)
{
	char	sn[SNIPPET_BUF];

	if (!field_is(s + v, ve - v, "STSv1")) {
		pol_fail(c, v + 1, STS_PERR_VERSION, "version \"%s\" is not "
		    "\"STSv1\" (RFC 8461 §3.2)",
		    snippet(sn, sizeof(sn), s + v, ve - v));
		return;
	}
	c->have_version = 1;
}

static void
pol_mode(struct pol_cur *c, const char *s, size_t v, size_t ve)
{
	char	sn[SNIPPET_BUF];

	/* STS-POL-6: keywords are case-sensitive. */
	if (field_is(s + v, ve - v, "enforce"))
		c->pol->mode = STS_MODE_ENFORCE;
	else if (field_is(s + v, ve - v, "testing"))
		c->pol->mode = STS_MODE_TESTING;
	else if (field_is(s + v, ve - v, "none"))
		c->pol->mode = STS_MODE_NONE;
	else {
		pol_fail(c, v + 1, STS_PERR_MODE, "mode \"%s\" is not "
		    "enforce, testing or none (RFC 8461 §3.2)",
		    snippet(sn, sizeof(sn), s + v, ve - v));
		return;
	}
	c->have_mode = 1;
}

static void
pol_max_age(struct pol_cur *c, const char *s, size_t v, size_t ve)
{
	char		sn[SNIPPET_BUF];
	uint64_t	n = 0;
	size_t		i;

	/* STS-POL-11: 1*10DIGIT, nothing else. */
	for (i = v; i < ve; i++) {
		if (s[i] < '0' || s[i] > '9') {
			pol_fail(c, i + 1, STS_PERR_MAX_AGE, "max_age \"%s\" "
			    "is not a whole number of seconds (RFC 8461 §3.2)",
			    snippet(sn, sizeof(sn), s + v, ve - v));
			return;
		}
		if (i - v == STS_MAX_AGE_DIGITS) {
			pol_fail(c, v + 1, STS_PERR_MAX_AGE, "max_age has "
			    "more than %d digits (RFC 8461 §3.2)",
			    STS_MAX_AGE_DIGITS);
			return;
		}
		/* At most 10 digits: cannot overflow 64 bits. */
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > STS_MAX_AGE_MAX) {
		/* DEC-9, RFC 8461 Err 7282: clamp to the prose maximum. */
		if (c->flags & STS_PARSE_STRICT) {
			pol_fail(c, v + 1, STS_PERR_MAX_AGE, "max_age %llu "
			    "exceeds %d (RFC 8461 §3.2)",
			    (unsigned long long)n, STS_MAX_AGE_MAX);
			return;
		}
		c->pol->warnings |= STS_WARN_MAX_AGE_CLAMP;
		n = STS_MAX_AGE_MAX;
	}
	c->pol->max_age = (uint32_t)n;
	c->have_max_age = 1;
}

static void
pol_mx(struct pol_cur *c, const char *s, size_t v, size_t ve)
{
	struct sts_policy	*pol = c->pol;
	char			 sn[SNIPPET_BUF];
	char			*p;
	size_t			 plen = ve - v, i, bad = v;
	int			 dot = 0;

	/* DEC-6: one trailing dot is the absolute form of the same name. */
	if (plen > 1 && s[ve - 1] == '.') {
		dot = 1;
		plen--;
	}
	if (!sts_valid_mx_pattern(s + v, plen)) {
		/* Point at the first byte that cannot be in a host name. */
		i = v;
		if (plen >= 2 && s[v] == '*' && s[v + 1] == '.')
			i += 2;
		for (; i < v + plen; i++)
			if (s[i] != '.' && s[i] != '-' &&
			    !is_alnum((unsigned char)s[i])) {
				bad = i;
				break;
			}
		if ((unsigned char)s[bad] >= 0x80)
			pol_fail(c, bad + 1, STS_PERR_MX, "mx \"%s\" is not "
			    "ASCII; use the A-label (xn--) form (RFC 8461 "
			    "§3.2)", snippet(sn, sizeof(sn), s + v, ve - v));
		else
			pol_fail(c, bad + 1, STS_PERR_MX, "mx \"%s\" is not a "
			    "host name or *.-pattern (RFC 8461 §3.2)",
			    snippet(sn, sizeof(sn), s + v, ve - v));
		return;
	}
	if (dot) {
		if (c->flags & STS_PARSE_STRICT) {
			pol_fail(c, ve, STS_PERR_MX, "mx \"%s\" ends with a "
			    "dot (RFC 8461 §3.2)",
			    snippet(sn, sizeof(sn), s + v, ve - v));
			return;
		}
		pol->warnings |= STS_WARN_MX_DOT;
	}

	p = xstrndup(s + v, plen);
	for (i = 0; i < plen; i++)
		p[i] = (char)to_lower((unsigned char)p[i]);
	/* STS-POL-20, EDGE-39: "*.com" is legal but covers a whole TLD. */
	if (p[0] == '*' && strchr(p + 2, '.') == NULL)
		pol->warnings |= STS_WARN_WEAK_WILDCARD;
	/* STS-POL-8, EDGE-21: keep distinct patterns only. */
	for (i = 0; i < pol->nmx; i++)
		if (strcmp(pol->mx[i], p) == 0) {
			xfree(p);
			return;
		}
	if (pol->nmx == STS_MX_MAX) {
		xfree(p);
		pol_fail(c, v + 1, STS_PERR_TOO_LARGE, "more than %d distinct "
		    "mx patterns", STS_MX_MAX);
		return;
	}
	pol->mx[pol->nmx++] = p;
}

/* One line without its terminator (STS-POL-5). */
static void
pol_line(struct pol_cur *c, const char *s, size_t n)
{
	char		 cn[TXTREC_CHARNAME_MAX];
	size_t		 i, v, ve;
	unsigned char	 ch;

	if (pol_encoding(c, s, n) == -1)
		return;
	for (i = 0; i < n && txtrec_is_wsp((unsigned char)s[i]); i++)
		;
	if (i == n) {
		/* DEC-8, EDGE-26: blank lines carry no meaning. */
		if (c->flags & STS_PARSE_STRICT) {
			pol_fail(c, 1, STS_PERR_SYNTAX, "blank lines are not "
			    "allowed (RFC 8461 §3.2)");
			return;
		}
		c->pol->warnings |= STS_WARN_BLANK_LINE;
		return;
	}
	if (c->pol->nlines == STS_LINES_MAX) {
		pol_fail(c, 1, STS_PERR_TOO_LARGE, "policy has more than %d "
		    "lines", STS_LINES_MAX);
		return;
	}
	if (i > 0) {
		pol_fail(c, 1, STS_PERR_SYNTAX, "line starts with whitespace; "
		    "continuation lines are not allowed (RFC 8461 §3.2)");
		return;
	}

	/* field-name ":" (STS-POL-5/13/14). */
	while (i < n && txtrec_is_name_char((unsigned char)s[i]))
		i++;
	if (i == 0) {
		ch = (unsigned char)s[0];
		if (ch == ':')
			pol_fail(c, 1, STS_PERR_SYNTAX, "field name missing "
			    "before ':' (RFC 8461 §3.2)");
		else if (ch == '#')
			pol_fail(c, 1, STS_PERR_SYNTAX, "comments are not "
			    "allowed; a field name cannot start with '#' (RFC "
			    "8461 §3.2)");
		else
			pol_fail(c, 1, STS_PERR_SYNTAX, "a field name cannot "
			    "start with %s (RFC 8461 §3.2)",
			    txtrec_charname(cn, sizeof(cn), ch));
		return;
	}
	if (i == n) {
		pol_fail(c, n + 1, STS_PERR_SYNTAX, "no ':' after the field "
		    "name (RFC 8461 §3.2)");
		return;
	}
	if (s[i] != ':') {
		ch = (unsigned char)s[i];
		if (txtrec_is_wsp(ch))
			pol_fail(c, i + 1, STS_PERR_SYNTAX, "whitespace before "
			    "':' at column %zu is not allowed (RFC 8461 §3.2)",
			    i + 1);
		else
			pol_fail(c, i + 1, STS_PERR_SYNTAX, "%s at column %zu "
			    "is not allowed in a field name (RFC 8461 §3.2)",
			    txtrec_charname(cn, sizeof(cn), ch), i + 1);
		return;
	}
	if (!is_alnum((unsigned char)s[0])) {
		pol_fail(c, 1, STS_PERR_SYNTAX, "field name \"%.*s\" must "
		    "start with a letter or digit (RFC 8461 §3.2)",
		    (int)(i > STS_EXT_NAME_MAX ? STS_EXT_NAME_MAX : i), s);
		return;
	}
	if (i > STS_EXT_NAME_MAX) {
		pol_fail(c, 1, STS_PERR_SYNTAX, "field name is longer than %d "
		    "characters (RFC 8461 §3.2)", STS_EXT_NAME_MAX);
		return;
	}

	/* *WSP value *WSP */
	for (v = i + 1; v < n && txtrec_is_wsp((unsigned char)s[v]); v++)
		;
	for (ve = n; ve > v && txtrec_is_wsp((unsigned char)s[ve - 1]); ve--)
		;

	if (field_is(s, i, "mx")) {
		if (v == ve)
			pol_fail(c, v + 1, STS_PERR_MX, "mx has no value (RFC "
			    "8461 §3.2)");
		else
			pol_mx(c, s, v, ve);
	} else if (v == ve) {
		static const struct {
			const char	*name;
			int		 code;
		} req[] = {
			{ "version", STS_PERR_VERSION },
			{ "mode", STS_PERR_MODE },
			{ "max_age", STS_PERR_MAX_AGE }
		};
		int	code = STS_PERR_SYNTAX;
		size_t	k;

		/* An empty value is neither a known field nor an extension. */
		for (k = 0; k < sizeof(req) / sizeof(req[0]); k++)
			if (field_is(s, i, req[k].name))
				code = req[k].code;
		pol_fail(c, v + 1, code, "field \"%.*s\" has no value (RFC "
		    "8461 §3.2)", (int)i, s);
	} else if (field_is(s, i, "version")) {
		/* STS-POL-7: only the first occurrence counts. */
		if (!c->have_version)
			pol_version(c, s, v, ve);
	} else if (field_is(s, i, "mode")) {
		if (!c->have_mode)
			pol_mode(c, s, v, ve);
	} else if (field_is(s, i, "max_age")) {
		if (!c->have_max_age)
			pol_max_age(c, s, v, ve);
	}
	/* Anything else is an extension: ignored (STS-POL-13). */
	if (!c->failed)
		pol_keep_line(c, s, n);
}

/* STS-POL-2: the required fields. */
static void
pol_finish(struct pol_cur *c)
{
	c->line = 0;
	if (!c->have_version)
		pol_fail(c, 0, STS_PERR_VERSION, "policy has no version field "
		    "(RFC 8461 §3.2)");
	else if (!c->have_mode)
		pol_fail(c, 0, STS_PERR_MODE, "policy has no mode field (RFC "
		    "8461 §3.2; field names are case-sensitive)");
	else if (!c->have_max_age)
		pol_fail(c, 0, STS_PERR_MAX_AGE, "policy has no max_age field "
		    "(RFC 8461 §3.2)");
	else if (c->pol->nmx == 0 && c->pol->mode != STS_MODE_NONE)
		pol_fail(c, 0, STS_PERR_MX, "policy has mode %s but no mx "
		    "field (RFC 8461 §3.2)", sts_mode_str(c->pol->mode));
}

int
sts_policy_parse(const char *buf, size_t len, int flags,
    struct sts_policy *out, struct parse_err *err)
{
	struct pol_cur	 c;
	const char	*nl;
	size_t		 i, end, next;

	memset(out, 0, sizeof(*out));
	parse_err_clear(err);
	memset(&c, 0, sizeof(c));
	if (buf == NULL)
		len = 0;
	c.buf = buf;
	c.len = len;
	c.flags = flags;
	c.err = err;
	c.pol = out;

	if (len > STS_POLICY_MAX) {
		pol_fail(&c, 0, STS_PERR_TOO_LARGE, "policy is %zu bytes long; "
		    "at most %d are accepted", len, STS_POLICY_MAX);
		goto fail;
	}
	/* DEC-8, EDGE-23: one leading byte order mark. */
	if (len >= UTF8_BOM_LEN && memcmp(buf, UTF8_BOM, UTF8_BOM_LEN) == 0) {
		if (flags & STS_PARSE_STRICT) {
			c.line = 1;
			pol_fail(&c, 1, STS_PERR_ENCODING, "policy starts with "
			    "a UTF-8 byte order mark (RFC 8461 §3.2)");
			goto fail;
		}
		out->warnings |= STS_WARN_BOM;
		c.off = UTF8_BOM_LEN;
	}
	/* STS-POL-15, EDGE-19. */
	for (i = c.off; i < len; i++)
		if (!txtrec_is_wsp((unsigned char)buf[i]) && buf[i] != '\r' &&
		    buf[i] != '\n')
			break;
	if (i == len) {
		pol_fail(&c, 0, STS_PERR_EMPTY, "policy is empty (RFC 8461 "
		    "§3.2)");
		goto fail;
	}

	/* STS-POL-4: LF or CRLF, mixed, the last line may lack one. */
	while (!c.failed && c.off < c.len) {
		c.line++;
		nl = memchr(c.buf + c.off, '\n', c.len - c.off);
		end = nl != NULL ? (size_t)(nl - c.buf) : c.len;
		next = nl != NULL ? end + 1 : c.len;
		if (nl != NULL && end > c.off && c.buf[end - 1] == '\r')
			end--;
		pol_line(&c, c.buf + c.off, end - c.off);
		c.off = next;
	}
	if (!c.failed)
		pol_finish(&c);
	if (!c.failed)
		return 0;
fail:
	sts_policy_clear(out);
	return -1;
}

void
sts_policy_clear(struct sts_policy *pol)
{
	size_t	i;

	if (pol == NULL)
		return;
	for (i = 0; i < pol->nmx && i < STS_MX_MAX; i++)
		xfree(pol->mx[i]);
	for (i = 0; i < pol->nlines; i++)
		xfree(pol->lines[i]);
	xfree(pol->lines);
	memset(pol, 0, sizeof(*pol));
}

const char *
sts_mode_str(enum sts_mode m)
{
	switch (m) {
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_NONE:
		return "none";
	case STS_MODE_UNSET:
		break;
	}
	return "unset";
}

/*
 * MX patterns.
 */

int
sts_valid_mx_pattern(const char *pattern, size_t len)
{
	if (pattern == NULL || len == 0 || len > DOMAIN_MAX)
		return 0;
	/* STS-POL-9: an optional "*." and an RFC 5321 Domain. */
	if (len >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		pattern += 2;
		len -= 2;
	}
	return domain_valid_ldh(pattern, len);
}

int
sts_mx_match(const char *pattern, const char *host)
{
	const char	*dot;
	size_t		 plen, hlen;

	if (pattern == NULL || host == NULL)
		return 0;
	plen = strlen(pattern);
	hlen = strlen(host);
	/* STS-MX-2: the MX name may be in absolute form. */
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (plen > 0 && pattern[plen - 1] == '.')
		plen--;
	if (hlen == 0 || plen == 0)
		return 0;
	if (plen > 2 && pattern[0] == '*' && pattern[1] == '.') {
		/* STS-MX-4: "*." stands for exactly one non-empty label. */
		if ((dot = memchr(host, '.', hlen)) == NULL || dot == host)
			return 0;
		return hlen - (size_t)(dot + 1 - host) == plen - 2 &&
		    ascii_caseeq(dot + 1, pattern + 2, plen - 2);
	}
	/* STS-MX-3 */
	return hlen == plen && ascii_caseeq(host, pattern, plen);
}

int
sts_policy_match(const struct sts_policy *pol, const char *host)
{
	size_t	i;

	if (pol == NULL)
		return 0;
	for (i = 0; i < pol->nmx && i < STS_MX_MAX; i++)
		if (sts_mx_match(pol->mx[i], host))
			return 1;
	return 0;
}
