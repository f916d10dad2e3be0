/*
 * rua.c: the TLSRPT policy record (RFC 8460 §3): selection, grammar, and
 * the mailto and https URIs of its rua field.  Pure: no I/O, no clock, no
 * global state, no allocation.
 *
 * The reporter calls this before it delivers a day's report.  The input
 * comes straight off the network: every read is bounds-checked against a
 * (pointer, length) cursor, only validated printable ASCII reaches an
 * error message, and what comes out is safe to hand to sendmail (one
 * address) or libcurl (one https URL).  The decisions are in rua.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "rua.h"
#include "txtrec.h"

#define RUA_VERSION_TAG	"v=TLSRPTv1"
#define RUA_VERSION_LEN	(sizeof(RUA_VERSION_TAG) - 1)
#define RUA_EXT_NAME_MAX STS_EXT_NAME_MAX	/* same grammar as STS-REC-8 */
#define REASON_BUF	128
#define PORT_DIGITS	5
#define PORT_MAX	65535

/* Cursor over one TXT RR; the first error sticks. */
struct rua_cur {
	struct txtrec		 t;
	struct rua		*out;		/* never NULL */
	int			 have_rua;
	size_t			 skip_col;	/* 1-based; first skipped URI */
};

static int	is_alpha(unsigned char);
static int	is_digit(unsigned char);
static int	is_alnum(unsigned char);
static int	is_hex(unsigned char);
static int	hex_val(unsigned char);
static int	is_uri_char(unsigned char);
static int	is_addr_special(unsigned char);
static int	ascii_caseeq(const char *, const char *, size_t);
static int	valid_host(const char *, size_t);

static void	cur_field(struct rua_cur *);
static void	cur_rua(struct rua_cur *, int);
static size_t	cur_uri(struct rua_cur *, size_t);
static void	cur_use_uri(struct rua_cur *, size_t, size_t, size_t);

static int	mailto_dest(const char *, size_t, char *, int *, char *,
		    size_t);
static int	mailto_addr(const char *, size_t, char *, size_t);
static int	https_dest(const char *, size_t, char *, size_t);

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(unsigned char c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int
hex_val(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* tlsrpt-ext-name: letter/digit, then letter/digit/'_'/'-'/'.'. */
/*
 * RFC 3986 §2: unreserved / reserved / '%'.  Printable ASCII without
 * '"', '<', '>', '\\', '^', '`', '{', '|', '}' (and space).
 */
static int
is_uri_char(unsigned char c)
{
	if (is_alnum(c))
		return 1;
	return c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL;
}

/*
 * RFC 5322 §3.2.3 specials other than '@' and '.': they only appear in
 * quoted strings, comments, groups, route syntax and domain literals,
 * none of which a report address needs.
 */
static int
is_addr_special(unsigned char c)
{
	return c != '\0' && strchr("\"(),:;<>[\\]", c) != NULL;
}

/* URI schemes are case-insensitive (RFC 3986 §3.1). */
static int
ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t		i;
	unsigned char	x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + ('a' - 'A'));
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + ('a' - 'A'));
		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * A DNS name of two or more LDH labels whose last label is not all
 * digits: no IPv4 address, no one-label name that the local resolver or
 * MTA would complete or deliver locally.
 */
static int
valid_host(const char *h, size_t n)
{
	size_t	i;
	int	digits = 1;

	if (!domain_valid_ldh(h, n))
		return 0;
	for (i = n; i > 0 && h[i - 1] != '.'; i--)
		if (!is_digit((unsigned char)h[i - 1]))
			digits = 0;
	return i > 0 && !digits;
}

/*
 * The record.
 */

/* One rua or extension field at c->t.off (RPT-1, STS-REC-8 names). */
static void
cur_field(struct rua_cur *c)
{
	const char	*name;
	size_t		 start = c->t.off, nlen;

	if (txtrec_name(&c->t, RUA_EXT_NAME_MAX, &name, &nlen) == -1)
		return;
	if (c->t.off < c->t.len &&
	    txtrec_is_wsp((unsigned char)c->t.buf[c->t.off])) {
		txtrec_fail(&c->t, c->t.off, "whitespace after '=' at column "
		    "%zu is not allowed (RFC 8460 §3)", c->t.off + 1);
		return;
	}

	/* The field name is case-sensitive: "RUA=" is an extension. */
	if (nlen == 3 && memcmp(name, "rua", 3) == 0) {
		/* First rua wins, as DEC-2; a later one must still parse. */
		cur_rua(c, !c->have_rua);
		if (c->have_rua)
			c->out->warnings |= RUA_WARN_DUP_RUA;
		c->have_rua = 1;
		return;
	}

	/* RFC 8460 §3: a valid unknown extension is ignored. */
	txtrec_ext_value(&c->t, name, nlen, start);
}

/*
 * tlsrpt-rua = "rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri), at c->t.off
 * just after the '='.  use: this is the first rua field, so its URIs are
 * kept; later ones are only checked.
 */
static void
cur_rua(struct rua_cur *c, int use)
{
	char		cn[TXTREC_CHARNAME_MAX];
	size_t		start, ulen, n = 0, save;
	unsigned char	ch;

	for (;;) {
		start = c->t.off;
		if ((ulen = cur_uri(c, n)) == 0)
			return;
		n++;
		if (use)
			cur_use_uri(c, start, ulen, n);
		save = c->t.off;
		txtrec_skip_wsp(&c->t);
		if (c->t.off == c->t.len) {
			/* The caller reports the trailing WSP. */
			c->t.off = save;
			return;
		}
		ch = (unsigned char)c->t.buf[c->t.off];
		if (ch == ';') {
			c->t.off = save;
			return;
		}
		if (ch != ',') {
			txtrec_fail(&c->t, c->t.off, "expected ',' or ';' at "
			    "column %zu, found %s; URIs in rua are separated "
			    "by ',' (RFC 8460 §3)", c->t.off + 1,
			    txtrec_charname(cn, sizeof(cn), ch));
			return;
		}
		c->t.off++;
		txtrec_skip_wsp(&c->t);
	}
}

/*
 * One tlsrpt-uri at c->t.off, after n others: RFC 3986 characters up to
 * WSP, ',', ';' or the end.  Returns its length and leaves c->t.off after
 * it, or 0 after failing.
 */
static size_t
cur_uri(struct rua_cur *c, size_t n)
{
	char		cn[TXTREC_CHARNAME_MAX];
	size_t		start = c->t.off, i;
	unsigned char	ch;

	while (c->t.off < c->t.len) {
		ch = (unsigned char)c->t.buf[c->t.off];
		if (txtrec_is_wsp(ch) || ch == ',' || ch == ';')
			break;
		if (ch == '!') {
			txtrec_fail(&c->t, c->t.off, "rua URI at column %zu "
			    "contains '!' at column %zu; it must be written "
			    "%%21 (RFC 8460 §3)", start + 1, c->t.off + 1);
			return 0;
		}
		if (!is_uri_char(ch)) {
			txtrec_fail(&c->t, c->t.off, "rua URI at column %zu "
			    "contains %s at column %zu, which is not allowed "
			    "in a URI (RFC 3986 §2)", start + 1,
			    txtrec_charname(cn, sizeof(cn), ch), c->t.off + 1);
			return 0;
		}
		if (ch == '%' && (c->t.len - c->t.off < 3 ||
		    !is_hex((unsigned char)c->t.buf[c->t.off + 1]) ||
		    !is_hex((unsigned char)c->t.buf[c->t.off + 2]))) {
			txtrec_fail(&c->t, c->t.off, "rua URI at column %zu "
			    "has a '%%' at column %zu that is not followed by "
			    "two hex digits (RFC 3986 §2.1)", start + 1,
			    c->t.off + 1);
			return 0;
		}
		c->t.off += ch == '%' ? 3 : 1;
	}
	if (c->t.off == start) {
		if (c->t.off < c->t.len && c->t.buf[c->t.off] == ',')
			txtrec_fail(&c->t, c->t.off, "empty URI before ',' at "
			    "column %zu in rua (RFC 8460 §3)", c->t.off + 1);
		else if (n == 0)
			txtrec_fail(&c->t, start, "rua at column %zu has no "
			    "URI; one or more are required (RFC 8460 §3)",
			    start - 3);
		else
			txtrec_fail(&c->t, start, "empty URI after ',' at "
			    "column %zu in rua (RFC 8460 §3)", start + 1);
		return 0;
	}
	/* RFC 3986 §3.1: scheme = ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") */
	for (i = start; i < c->t.off && c->t.buf[i] != ':'; i++) {
		ch = (unsigned char)c->t.buf[i];
		if (!(is_alpha(ch) || (i > start && (is_digit(ch) ||
		    ch == '+' || ch == '-' || ch == '.'))))
			break;
	}
	if (i == start || i == c->t.off || c->t.buf[i] != ':') {
		txtrec_fail(&c->t, start, "rua URI at column %zu does not "
		    "start with a scheme such as \"mailto:\" or \"https:\" "
		    "(RFC 3986 §3.1)", start + 1);
		return 0;
	}
	return c->t.off - start;
}

/*
 * Keep the n-th URI of the first rua field, c->t.buf[start..start+len), if
 * we can deliver to it (RFC 7489 §6.3 via RFC 8460 §3: other URIs are
 * ignored); note why not otherwise.
 */
static void
cur_use_uri(struct rua_cur *c, size_t start, size_t len, size_t n)
{
	struct rua	*out = c->out;
	const char	*u = c->t.buf + start;
	char		 why[REASON_BUF], dest[RUA_URI_MAX + 1];
	enum rua_kind	 kind = RUA_MAILTO;
	size_t		 i, slen;
	int		 hfields = 0, ok;

	slen = (size_t)((const char *)memchr(u, ':', len) - u);
	if (len > RUA_URI_MAX) {
		(void)snprintf(why, sizeof(why), "it is %zu bytes long; at "
		    "most %d are used", len, RUA_URI_MAX);
		ok = 0;
	} else if (slen == 6 && ascii_caseeq(u, "mailto", 6)) {
		kind = RUA_MAILTO;
		ok = mailto_dest(u + 7, len - 7, dest, &hfields, why,
		    sizeof(why)) == 0;
	} else if (slen == 5 && ascii_caseeq(u, "https", 5)) {
		kind = RUA_HTTPS;
		ok = https_dest(u, len, why, sizeof(why)) == 0;
		if (ok) {
			memcpy(dest, u, len);
			dest[len] = '\0';
		}
	} else {
		/* Printable URI characters only: safe to quote. */
		(void)snprintf(why, sizeof(why), "scheme \"%.*s\" is not "
		    "supported, only mailto and https (RFC 8460 §3)",
		    (int)(slen > 16 ? 16 : slen), u);
		ok = 0;
	}

	if (!ok) {
		if (out->nskipped++ == 0) {
			c->skip_col = start + 1;
			txtrec_msg_cut(out->skipped, sizeof(out->skipped),
			    snprintf(out->skipped, sizeof(out->skipped),
			    "rua URI %zu at column %zu not used: %s", n,
			    start + 1, why));
		}
		out->warnings |= RUA_WARN_SKIPPED;
		return;
	}
	for (i = 0; i < out->nuris; i++) {
		if (out->uris[i].kind == kind &&
		    strcmp(out->uris[i].dest, dest) == 0) {
			out->warnings |= RUA_WARN_DUP_URI;
			return;
		}
	}
	if (out->nuris == RUA_URIS_MAX) {
		out->warnings |= RUA_WARN_CAPPED;
		return;
	}
	if (hfields)
		out->warnings |= RUA_WARN_HFIELDS;
	out->uris[out->nuris].kind = kind;
	memcpy(out->uris[out->nuris].dest, dest, strlen(dest) + 1);
	out->nuris++;
}

/*
 * mailto: s[0..len) is what follows "mailto:", at most RUA_URI_MAX bytes
 * of checked URI characters.  Decode the `to` part into dest (RUA_URI_MAX
 * + 1 bytes); *hfields says whether "?..." followed.  Returns 0, or -1
 * with the reason in why.
 */
static int
mailto_dest(const char *s, size_t len, char *dest, int *hfields,
    char *why, size_t whysz)
{
	const char	*q;
	size_t		 i, tolen, dlen = 0;
	unsigned char	 ch;

	/* RFC 6068 §2: mailtoURI = "mailto:" [ to ] [ hfields ]. */
	if ((q = memchr(s, '?', len)) != NULL) {
		*hfields = 1;
		tolen = (size_t)(q - s);
	} else
		tolen = len;
	if (tolen == 0) {
		(void)snprintf(why, whysz, "it has no address%s", q != NULL ?
		    " before '?' (header fields are not used)" : "");
		return -1;
	}
	for (i = 0; i < tolen; i++) {
		ch = (unsigned char)s[i];
		if (ch == '%') {
			ch = (unsigned char)(hex_val((unsigned char)s[i + 1]) *
			    16 + hex_val((unsigned char)s[i + 2]));
			i += 2;
			if (ch <= 0x20 || ch == 0x7f) {
				(void)snprintf(why, whysz, "its address "
				    "decodes to a control character or space "
				    "(0x%02x)", ch);
				return -1;
			}
			if (ch >= 0x80) {
				(void)snprintf(why, whysz, "its address "
				    "decodes to non-ASCII byte 0x%02x", ch);
				return -1;
			}
		} else if (ch != '\0' && strchr("/#[]&=", ch) != NULL) {
			/* RFC 6068 §2: these must be percent-encoded. */
			(void)snprintf(why, whysz, "'%c' must be percent-"
			    "encoded in a mailto address (RFC 6068 §2)", ch);
			return -1;
		}
		dest[dlen++] = (char)ch;
	}
	dest[dlen] = '\0';
	return mailto_addr(dest, dlen, why, whysz);
}

/*
 * Is the decoded address d[0..len) one plain remote addr-spec that
 * sendmail cannot read as an option, a second address, a route, a file
 * or a command?  Returns 0, or -1 with the reason in why.
 */
static int
mailto_addr(const char *d, size_t len, char *why, size_t whysz)
{
	const char	*at = NULL;
	size_t		 i, llen;
	unsigned char	 ch;

	if (len > RUA_ADDR_MAX) {
		(void)snprintf(why, whysz, "its address is %zu bytes long; at "
		    "most %d are allowed (RFC 5321 §4.5.3.1.3)", len,
		    RUA_ADDR_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		ch = (unsigned char)d[i];
		if (ch == ',') {
			(void)snprintf(why, whysz, "its address contains ',', "
			    "which would start a second address");
			return -1;
		}
		if (ch == '!' || ch == '%') {
			(void)snprintf(why, whysz, "its address contains '%c', "
			    "a route to another address", ch);
			return -1;
		}
		if (is_addr_special(ch)) {
			(void)snprintf(why, whysz, "its address contains '%c'; "
			    "quoted strings, comments and literals are not "
			    "used", ch);
			return -1;
		}
		if (ch == '@') {
			if (at != NULL) {
				(void)snprintf(why, whysz, "its address has "
				    "more than one '@'");
				return -1;
			}
			at = d + i;
		}
	}
	if (at == NULL) {
		(void)snprintf(why, whysz, "its address has no '@'");
		return -1;
	}
	llen = (size_t)(at - d);
	if (llen == 0 || llen > RUA_LOCAL_MAX) {
		(void)snprintf(why, whysz, "its local part is %zu bytes long; "
		    "1 to %d are allowed (RFC 5321 §4.5.3.1.1)", llen,
		    RUA_LOCAL_MAX);
		return -1;
	}
	/* An option to sendmail; a file or a pipe to local(8). */
	if (d[0] == '-') {
		(void)snprintf(why, whysz, "its address starts with '-', "
		    "which sendmail would read as an option");
		return -1;
	}
	if (d[0] == '/' || d[0] == '|') {
		(void)snprintf(why, whysz, "its address starts with '%c', "
		    "which local delivery would read as a %s", d[0],
		    d[0] == '/' ? "file" : "command");
		return -1;
	}
	/* RFC 5322 §3.2.3 dot-atom-text: no empty atom. */
	for (i = 0; i < llen; i++) {
		if (d[i] == '.' && (i == 0 || i == llen - 1 ||
		    d[i + 1] == '.')) {
			(void)snprintf(why, whysz, "its local part has a "
			    "leading, trailing or double '.'");
			return -1;
		}
	}
	if (!valid_host(at + 1, len - llen - 1)) {
		(void)snprintf(why, whysz, "its domain \"%.64s\" is not a DNS "
		    "name of two or more labels", at + 1);
		return -1;
	}
	return 0;
}

/*
 * https: u[0..len) is the whole URI, scheme included, of checked URI
 * characters.  Returns 0 if libcurl may have it as it is, or -1 with the
 * reason in why.
 */
static int
https_dest(const char *u, size_t len, char *why, size_t whysz)
{
	const char	*p, *end, *at, *colon;
	size_t		 i, n;
	unsigned long	 port;

	p = u + 6;		/* after "https:" */
	end = u + len;
	if (end - p < 2 || p[0] != '/' || p[1] != '/') {
		(void)snprintf(why, whysz, "it has no \"//\" and host after "
		    "\"https:\" (RFC 3986 §3.2)");
		return -1;
	}
	p += 2;
	for (n = 0; p + n < end && p[n] != '/' && p[n] != '?' &&
	    p[n] != '#'; n++)
		;
	end = p + n;
	/* RFC 3986 §3.2.1: userinfo has no raw '@'. */
	if ((at = memchr(p, '@', n)) != NULL) {
		if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL) {
			(void)snprintf(why, whysz, "its authority has more "
			    "than one '@'");
			return -1;
		}
		p = at + 1;
	}
	if (p < end && *p == '[') {
		(void)snprintf(why, whysz, "its host is an IP literal");
		return -1;
	}
	if ((colon = memchr(p, ':', (size_t)(end - p))) != NULL) {
		n = (size_t)(end - colon - 1);
		port = 0;
		for (i = 0; i < n && i < PORT_DIGITS + 1; i++) {
			if (!is_digit((unsigned char)colon[1 + i]))
				break;
			port = port * 10 + (unsigned long)(colon[1 + i] - '0');
		}
		if (n == 0 || i != n || n > PORT_DIGITS || port == 0 ||
		    port > PORT_MAX) {
			(void)snprintf(why, whysz, "its port is not a number "
			    "from 1 to %d", PORT_MAX);
			return -1;
		}
		end = colon;
	}
	if (!valid_host(p, (size_t)(end - p))) {
		(void)snprintf(why, whysz, "its host \"%.*s\" is not a DNS "
		    "name of two or more labels", (int)((end - p) > 64 ? 64 :
		    (end - p)), p);
		return -1;
	}
	return 0;
}

int
rua_is_tlsrpt(const char *buf, size_t len)
{
	size_t	i;

	if (buf == NULL || len < RUA_VERSION_LEN ||
	    memcmp(buf, RUA_VERSION_TAG, RUA_VERSION_LEN) != 0)
		return 0;
	/* RPT-2 and the ABNF: tlsrpt-version field-delim. */
	for (i = RUA_VERSION_LEN;
	    i < len && txtrec_is_wsp((unsigned char)buf[i]); i++)
		;
	return i < len && buf[i] == ';';
}

enum rua_status
rua_parse(const char *txt, size_t len, struct rua *out,
    struct parse_err *err)
{
	struct rua	scratch;
	struct rua_cur	c;

	if (out == NULL)
		out = &scratch;
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	parse_err_clear(err);
	if (txt == NULL)
		len = 0;
	/* tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim] */
	txtrec_init(&c.t, txt, len, RUA_INVALID, "RFC 8460 §3", err);
	if (txtrec_start(&c.t, RUA_RECORD_MAX, RUA_VERSION_TAG) == 0)
		while (txtrec_next(&c.t) == 1)
			cur_field(&c);
	if (c.t.failed)
		goto fail;
	if (!c.have_rua) {
		parse_err_set(err, 0, 0, RUA_INVALID, "TXT record has no rua "
		    "field (RFC 8460 §3)");
		goto fail;
	}
	if (out->nuris == 0) {
		char msg[PARSE_ERR_MSG_MAX];

		txtrec_msg_cut(msg, sizeof(msg), snprintf(msg, sizeof(msg),
		    "no usable URI; %s", out->skipped));
		parse_err_set(err, 0, (unsigned)c.skip_col, RUA_INVALID, "%s",
		    msg);
		goto fail;
	}
	memcpy(out->record, txt, len);
	out->record[len] = '\0';
	return RUA_OK;

fail:
	memset(out, 0, sizeof(*out));
	return RUA_INVALID;
}

enum rua_status
rua_select(const char *const *rrs, const size_t *lens, size_t n,
    struct rua *out, struct parse_err *err)
{
	size_t	i, cand = 0, ncand = 0;

	parse_err_clear(err);
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (rrs == NULL || lens == NULL)
		n = 0;
	/*
	 * RPT-2: other TXT records at this name are dropped.  Every RR is
	 * screened, so that a second candidate cannot hide behind many
	 * others.
	 */
	for (i = 0; i < n; i++) {
		if (!rua_is_tlsrpt(rrs[i], lens[i]))
			continue;
		if (ncand++ == 0)
			cand = i;
	}
	if (ncand == 0) {
		parse_err_set(err, 0, 0, RUA_NONE, "none of the %zu TXT "
		    "records starts with \"v=TLSRPTv1;\" (RFC 8460 §3)", n);
		return RUA_NONE;
	}
	if (ncand > 1) {
		parse_err_set(err, 0, 0, RUA_MULTIPLE, "%zu TXT records start "
		    "with \"v=TLSRPTv1;\"; exactly one is required (RFC 8460 "
		    "§3)", ncand);
		return RUA_MULTIPLE;
	}
	return rua_parse(rrs[cand], lens[cand], out, err);
}

const char *
rua_status_str(enum rua_status s)
{
	switch (s) {
	case RUA_OK:
		return "ok";
	case RUA_NONE:
		return "none";
	case RUA_MULTIPLE:
		return "multiple";
	case RUA_INVALID:
		break;
	}
	return "invalid";
}

const char *
rua_kind_str(enum rua_kind k)
{
	return k == RUA_HTTPS ? "https" : "mailto";
}
