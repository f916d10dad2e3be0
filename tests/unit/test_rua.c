/*
 * test_rua.c: the TLSRPT policy record (rua_is_tlsrpt, rua_parse,
 * rua_select, rua_status_str, rua_kind_str).
 *
 * One cmocka test per table row; labels cite conformance.md (RPT-1 grammar,
 * RPT-2 selection, RPT-3 several URIs, RPT-27 only the domain's own rua)
 * and the decisions documented in rua.h.  Links only rua.c and its pure
 * helpers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tabletest.h"

#include "rua.h"

/* A string literal and its exact length (embedded NULs included). */
#define S(x)	(x), (sizeof(x) - 1)

#define V	"v=TLSRPTv1;"
#define MA	"mailto:a@example.com"
#define URIS_BUF	(RUA_URIS_MAX * (RUA_URI_MAX + 3))

static int	msg_is_safe(const char *);
static void	uris_str(char *, size_t, const struct rua *);
static void	test_is_tlsrpt(void **);
static void	test_parse(void **);
static void	test_select(void **);
static void	test_status_str(void **);
static void	test_kind_str(void **);
static void	test_record_max(void **);
static size_t	uri_record(char *, size_t, const char *);
static void	test_uri_max(void **);
static void	test_addr_max(void **);
static void	test_long_msg(void **);
static void	test_many_rrs(void **);
static void	test_err_reset(void **);
static void	test_null_args(void **);

/*
 * Error messages reach logs and reports: printable ASCII only, apart from
 * the UTF-8 section sign of "RFC 8460 §3".
 */
static int
msg_is_safe(const char *m)
{
	const unsigned char	*u = (const unsigned char *)m;

	for (; *u != '\0'; u++) {
		if (u[0] == 0xc2 && u[1] == 0xa7) {
			u++;
			continue;
		}
		if (*u < 0x20 || *u >= 0x7f)
			return 0;
	}
	return 1;
}

/* The URIs of a record as "m:<address> h:<url> ...". */
static void
uris_str(char *buf, size_t sz, const struct rua *r)
{
	size_t	i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nuris && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s:%s",
		    i > 0 ? " " : "", r->uris[i].kind == RUA_MAILTO ? "m" :
		    r->uris[i].kind == RUA_HTTPS ? "h" : "?", r->uris[i].dest);
}

/* rua_is_tlsrpt */

struct is_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	int		 want;
};

static const struct is_row is_rows[] = {
	{ "RPT-2 v=TLSRPTv1; is a candidate", S(V "rua=" MA), 1 },
	{ "RPT-2 v=TLSRPTv1; with nothing after is a candidate", S(V), 1 },
	{ "RPT-2 ABNF: space before the first ';' is a candidate",
	    S("v=TLSRPTv1 ;rua=" MA), 1 },
	{ "RPT-2 ABNF: tabs and spaces before the first ';'",
	    S("v=TLSRPTv1 \t ;"), 1 },
	{ "RPT-2 v=TLSRPTv1 alone is not a candidate", S("v=TLSRPTv1"), 0 },
	{ "RPT-2 v=TLSRPTv1 then WSP only is not a candidate",
	    S("v=TLSRPTv1  "), 0 },
	{ "RPT-2 v=TLSRPTv1 then WSP and a field is not a candidate",
	    S("v=TLSRPTv1 rua=" MA), 0 },
	{ "RPT-2 v=TLSRPTv10; is not a candidate", S("v=TLSRPTv10;"), 0 },
	{ "RPT-2 v=TLSRPTv1, (comma) is not a candidate",
	    S("v=TLSRPTv1,rua=" MA), 0 },
	{ "RPT-2 V=TLSRPTv1; is not a candidate (case-sensitive)",
	    S("V=TLSRPTv1;rua=" MA), 0 },
	{ "RPT-2 v=tlsrptv1; is not a candidate (case-sensitive)",
	    S("v=tlsrptv1;rua=" MA), 0 },
	{ "RPT-2 leading space is not a candidate", S(" " V "rua=" MA), 0 },
	{ "RPT-2 an STSv1 record is not a candidate", S("v=STSv1; id=1"), 0 },
	{ "RPT-2 an SPF record is not a candidate", S("v=spf1 -all"), 0 },
	{ "RPT-2 empty RR is not a candidate", S(""), 0 },
	{ "RPT-2 truncated tag is not a candidate", S("v=TLSRPT"), 0 },
	{ "RPT-2 v=TLSRPTv1 then NUL is not a candidate",
	    S("v=TLSRPTv1\0;rua=" MA), 0 },
};

static void
test_is_tlsrpt(void **state)
{
	const struct is_row	*r = *state;

	assert_int_equal(rua_is_tlsrpt(r->in, r->len), r->want);
}

/* rua_parse */

struct parse_row {
	const char	*label;
	const char	*in;
	size_t		 len;
	enum rua_status	 want;
	const char	*uris;	/* RUA_OK: as uris_str() */
	unsigned	 warn;	/* RUA_OK: exactly these RUA_WARN_* */
	unsigned	 col;	/* RUA_INVALID: err.col */
	const char	*msg;	/* substring of out.skipped (OK) or err.msg */
};

#define W_SKIP	RUA_WARN_SKIPPED
#define W_CAP	RUA_WARN_CAPPED
#define W_DUPU	RUA_WARN_DUP_URI
#define W_DUPR	RUA_WARN_DUP_RUA
#define W_HF	RUA_WARN_HFIELDS

static const struct parse_row parse_rows[] = {
	/* RFC 8460 §3.1 examples and whitespace. */
	{ "RPT-1 RFC 8460 example: mailto",
	    S("v=TLSRPTv1;rua=mailto:reports@example.com"), RUA_OK,
	    "m:reports@example.com", 0, 0, NULL },
	{ "RPT-1 RFC 8460 example: https",
	    S("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"),
	    RUA_OK, "h:https://reporting.example.com/v1/tlsrpt", 0, 0, NULL },
	{ "RPT-1 trailing ';'", S(V "rua=" MA ";"), RUA_OK,
	    "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 trailing field-delim with WSP on both sides",
	    S(V " rua=" MA " ; \t"), RUA_OK, "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 several WSP after ';'", S(V "  \t rua=" MA), RUA_OK,
	    "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 RPT-2 ABNF: space before the first ';'",
	    S("v=TLSRPTv1 ; rua=" MA), RUA_OK, "m:a@example.com", 0, 0,
	    NULL },
	{ "RPT-1 RPT-2 ABNF: tabs around the first ';'",
	    S("v=TLSRPTv1\t;\trua=" MA), RUA_OK, "m:a@example.com", 0, 0,
	    NULL },
	{ "RPT-2 character-strings joined without separator",
	    S("v=TLSRPTv1;rua=mailto:rep" "orts@example.com"), RUA_OK,
	    "m:reports@example.com", 0, 0, NULL },

	/* RPT-3: several URIs. */
	{ "RPT-3 mailto and https", S(V "rua=" MA ",https://r.example.net/x"),
	    RUA_OK, "m:a@example.com h:https://r.example.net/x", 0, 0, NULL },
	{ "RPT-1 WSP around ','",
	    S(V "rua=" MA " , \thttps://r.example.net/x\t,mailto:b@example.org"),
	    RUA_OK, "m:a@example.com h:https://r.example.net/x "
	    "m:b@example.org", 0, 0, NULL },
	{ "RPT-3 exactly RUA_URIS_MAX URIs are kept",
	    S(V "rua=mailto:1@example.com,mailto:2@example.com,"
	    "mailto:3@example.com,mailto:4@example.com,mailto:5@example.com,"
	    "mailto:6@example.com,mailto:7@example.com,mailto:8@example.com"),
	    RUA_OK, "m:1@example.com m:2@example.com m:3@example.com "
	    "m:4@example.com m:5@example.com m:6@example.com m:7@example.com "
	    "m:8@example.com", 0, 0, NULL },
	{ "RPT-3 URIs beyond RUA_URIS_MAX are ignored (RFC 7489 §6.2)",
	    S(V "rua=mailto:1@example.com,mailto:2@example.com,"
	    "mailto:3@example.com,mailto:4@example.com,mailto:5@example.com,"
	    "mailto:6@example.com,mailto:7@example.com,mailto:8@example.com,"
	    "https://9.example.com/,mailto:10@example.com"),
	    RUA_OK, "m:1@example.com m:2@example.com m:3@example.com "
	    "m:4@example.com m:5@example.com m:6@example.com m:7@example.com "
	    "m:8@example.com", W_CAP, 0, NULL },
	{ "RPT-3 URIs beyond the cap are still checked",
	    S(V "rua=mailto:1@example.com,mailto:2@example.com,"
	    "mailto:3@example.com,mailto:4@example.com,mailto:5@example.com,"
	    "mailto:6@example.com,mailto:7@example.com,mailto:8@example.com,"
	    "mailto:9@example.com!1m"),
	    RUA_INVALID, NULL, 0, 204, "URI at column 184 contains '!' at "
	    "column 204; it must be written %21" },
	{ "RPT-3 an exact duplicate is dropped",
	    S(V "rua=" MA ",https://r.example.net/," MA), RUA_OK,
	    "m:a@example.com h:https://r.example.net/", W_DUPU, 0, NULL },
	{ "RPT-3 duplicates compare decoded addresses",
	    S(V "rua=mailto:a%2Bb@example.com,mailto:a+b@example.com"),
	    RUA_OK, "m:a+b@example.com", W_DUPU, 0, NULL },
	{ "RPT-3 duplicates do not count towards the cap",
	    S(V "rua=mailto:1@example.com,mailto:1@example.com,"
	    "mailto:2@example.com,mailto:3@example.com,mailto:4@example.com,"
	    "mailto:5@example.com,mailto:6@example.com,mailto:7@example.com,"
	    "mailto:8@example.com"),
	    RUA_OK, "m:1@example.com m:2@example.com m:3@example.com "
	    "m:4@example.com m:5@example.com m:6@example.com m:7@example.com "
	    "m:8@example.com", W_DUPU, 0, NULL },

	/* Schemes. */
	{ "RPT-1 MAILTO: scheme is case-insensitive (RFC 3986 §3.1)",
	    S(V "rua=MAILTO:a@example.com"), RUA_OK, "m:a@example.com", 0, 0,
	    NULL },
	{ "RPT-1 HTTPS: scheme is case-insensitive and kept as given",
	    S(V "rua=HTTPS://r.example.net/"), RUA_OK,
	    "h:HTTPS://r.example.net/", 0, 0, NULL },
	{ "RPT-1 http: is not supported: no usable URI",
	    S(V "rua=http://r.example.net/x"), RUA_INVALID, NULL, 0, 16,
	    "no usable URI; rua URI 1 at column 16 not used: scheme \"http\" "
	    "is not supported" },
	{ "RPT-1 ftp: is not supported: no usable URI",
	    S(V "rua=ftp://r.example.net/x"), RUA_INVALID, NULL, 0, 16,
	    "scheme \"ftp\" is not supported, only mailto and https" },
	{ "RPT-1 an unsupported scheme is skipped (RFC 7489 §6.3)",
	    S(V "rua=http://r.example.net/x," MA), RUA_OK, "m:a@example.com",
	    W_SKIP, 0, "rua URI 1 at column 16 not used: scheme \"http\"" },
	{ "RPT-1 the first skipped URI is the one explained",
	    S(V "rua=" MA ",ftp://x.example/,tel:+1-555"), RUA_OK,
	    "m:a@example.com", W_SKIP, 0, "rua URI 2 at column 37 not used: "
	    "scheme \"ftp\"" },
	{ "RPT-1 a URI without a scheme is invalid",
	    S(V "rua=reports@example.com"), RUA_INVALID, NULL, 0, 16,
	    "does not start with a scheme" },
	{ "RPT-1 a scheme must start with a letter",
	    S(V "rua=1http://r.example.net/"), RUA_INVALID, NULL, 0, 16,
	    "does not start with a scheme" },
	{ "RPT-1 an empty scheme is invalid", S(V "rua=:a@example.com"),
	    RUA_INVALID, NULL, 0, 16, "does not start with a scheme" },

	/* mailto (RFC 6068). */
	{ "RPT-1 mailto: percent-encoded '+' is decoded",
	    S(V "rua=mailto:tls%2Brpt@example.com"), RUA_OK,
	    "m:tls+rpt@example.com", 0, 0, NULL },
	{ "RPT-1 mailto: lower-case hex is decoded",
	    S(V "rua=mailto:tls%2brpt%40example.com"), RUA_OK,
	    "m:tls+rpt@example.com", 0, 0, NULL },
	{ "RPT-1 mailto: encoded atext ('=', '#', '&', '?', '/') is decoded",
	    S(V "rua=mailto:a%3Db%23c%26d%3Fe%2Ff@example.com"), RUA_OK,
	    "m:a=b#c&d?e/f@example.com", 0, 0, NULL },
	{ "RPT-1 mailto: raw atext and dots",
	    S(V "rua=mailto:first.last_x-y+z*$'~@mail.example.co.uk"),
	    RUA_OK, "m:first.last_x-y+z*$'~@mail.example.co.uk", 0, 0, NULL },
	{ "RPT-1 mailto: an A-label domain",
	    S(V "rua=mailto:a@xn--bcher-kva.example"), RUA_OK,
	    "m:a@xn--bcher-kva.example", 0, 0, NULL },
	{ "RPT-1 mailto: ?subject= is ignored, the address kept",
	    S(V "rua=mailto:a@example.com?subject=TLS%20report"), RUA_OK,
	    "m:a@example.com", W_HF, 0, NULL },
	{ "RPT-27 mailto: ?cc= adds no recipient",
	    S(V "rua=mailto:a@example.com?cc=b@example.net&bcc=c@example.org"),
	    RUA_OK, "m:a@example.com", W_HF, 0, NULL },
	{ "RPT-27 mailto: ?to= alone gives no address",
	    S(V "rua=mailto:?to=a@example.com"), RUA_INVALID, NULL, 0, 16,
	    "it has no address before '?'" },
	{ "RPT-1 mailto: empty", S(V "rua=mailto:"), RUA_INVALID, NULL, 0, 16,
	    "it has no address" },
	{ "RPT-1 mailto without '@'", S(V "rua=mailto:reports.example.com"),
	    RUA_INVALID, NULL, 0, 16, "its address has no '@'" },
	{ "RPT-1 mailto with two '@'", S(V "rua=mailto:a@b@example.com"),
	    RUA_INVALID, NULL, 0, 16, "more than one '@'" },
	{ "RPT-1 mailto with an empty local part", S(V "rua=mailto:@example.com"),
	    RUA_INVALID, NULL, 0, 16, "local part is 0 bytes long" },
	{ "RPT-1 mailto with an empty domain", S(V "rua=mailto:a@"),
	    RUA_INVALID, NULL, 0, 16, "its domain \"\" is not a DNS name" },
	{ "RPT-1 mailto: leading '.' in the local part",
	    S(V "rua=mailto:.a@example.com"), RUA_INVALID, NULL, 0, 16,
	    "leading, trailing or double '.'" },
	{ "RPT-1 mailto: trailing '.' in the local part",
	    S(V "rua=mailto:a.@example.com"), RUA_INVALID, NULL, 0, 16,
	    "leading, trailing or double '.'" },
	{ "RPT-1 mailto: '..' in the local part",
	    S(V "rua=mailto:a..b@example.com"), RUA_INVALID, NULL, 0, 16,
	    "leading, trailing or double '.'" },
	{ "RPT-1 mailto: raw '&' must be encoded (RFC 6068 §2)",
	    S(V "rua=mailto:a&b@example.com"), RUA_INVALID, NULL, 0, 16,
	    "'&' must be percent-encoded in a mailto address" },
	{ "RPT-1 mailto: raw '=' must be encoded (RFC 6068 §2)",
	    S(V "rua=mailto:a=b@example.com"), RUA_INVALID, NULL, 0, 16,
	    "'=' must be percent-encoded" },
	{ "RPT-1 mailto: raw '#' must be encoded (RFC 6068 §2)",
	    S(V "rua=mailto:a@example.com#x"), RUA_INVALID, NULL, 0, 16,
	    "'#' must be percent-encoded" },
	{ "RPT-1 mailto: raw '/' must be encoded (RFC 6068 §2)",
	    S(V "rua=mailto:a/b@example.com"), RUA_INVALID, NULL, 0, 16,
	    "'/' must be percent-encoded" },
	{ "RPT-1 mailto: one-label domain is not used",
	    S(V "rua=mailto:root@localhost"), RUA_INVALID, NULL, 0, 16,
	    "its domain \"localhost\" is not a DNS name of two or more labels" },
	{ "RPT-1 mailto: IPv4 domain is not used",
	    S(V "rua=mailto:a@192.0.2.1"), RUA_INVALID, NULL, 0, 16,
	    "its domain \"192.0.2.1\"" },
	{ "RPT-1 mailto: all-digit last label is not used",
	    S(V "rua=mailto:a@example.123"), RUA_INVALID, NULL, 0, 16,
	    "its domain" },
	{ "RPT-1 mailto: domain with a trailing dot is not used",
	    S(V "rua=mailto:a@example.com."), RUA_INVALID, NULL, 0, 16,
	    "its domain" },
	{ "RPT-1 mailto: domain label starting with '-' is not used",
	    S(V "rua=mailto:a@-x.example.com"), RUA_INVALID, NULL, 0, 16,
	    "its domain" },
	{ "RPT-1 mailto: domain with '_' is not used",
	    S(V "rua=mailto:a@x_y.example.com"), RUA_INVALID, NULL, 0, 16,
	    "its domain" },
	{ "RPT-1 mailto: domain literal is not used",
	    S(V "rua=mailto:a@%5B192.0.2.1%5D"), RUA_INVALID, NULL, 0, 16,
	    "contains '['" },

	/* sendmail safety (rua.h). */
	{ "sendmail: leading '-' (an option)", S(V "rua=mailto:-bi@example.com"),
	    RUA_INVALID, NULL, 0, 16, "its address starts with '-', which "
	    "sendmail would read as an option" },
	{ "sendmail: encoded leading '-' (an option)",
	    S(V "rua=mailto:%2DoQ@example.com"), RUA_INVALID, NULL, 0, 16,
	    "its address starts with '-'" },
	{ "sendmail: '-' inside the local part is fine",
	    S(V "rua=mailto:tls-rpt-@example.com"), RUA_OK,
	    "m:tls-rpt-@example.com", 0, 0, NULL },
	{ "sendmail: encoded leading '|' (a pipe)",
	    S(V "rua=mailto:%7C%2Fbin%2Fsh@example.com"), RUA_INVALID, NULL, 0,
	    16, "starts with '|', which local delivery would read as a "
	    "command" },
	{ "sendmail: encoded leading '/' (a file)",
	    S(V "rua=mailto:%2Ftmp%2Fx@example.com"), RUA_INVALID, NULL, 0,
	    16, "starts with '/', which local delivery would read as a "
	    "file" },
	{ "sendmail RPT-27: encoded ',' would be a second address",
	    S(V "rua=mailto:a@example.com%2Cb@example.net"), RUA_INVALID, NULL,
	    0, 16, "contains ',', which would start a second address" },
	{ "sendmail RPT-27: encoded ',' in the local part",
	    S(V "rua=mailto:a%2cb@example.com"), RUA_INVALID, NULL, 0, 16,
	    "which would start a second address" },
	{ "sendmail: encoded space", S(V "rua=mailto:a%20b@example.com"),
	    RUA_INVALID, NULL, 0, 16, "decodes to a control character or "
	    "space (0x20)" },
	{ "sendmail: encoded tab", S(V "rua=mailto:a%09b@example.com"),
	    RUA_INVALID, NULL, 0, 16, "(0x09)" },
	{ "sendmail: encoded CR LF (header injection)",
	    S(V "rua=mailto:a%0D%0ABcc:x@example.com"), RUA_INVALID, NULL, 0,
	    16, "(0x0d)" },
	{ "sendmail: encoded NUL", S(V "rua=mailto:a%00@example.com"),
	    RUA_INVALID, NULL, 0, 16, "(0x00)" },
	{ "sendmail: encoded DEL", S(V "rua=mailto:a%7F@example.com"),
	    RUA_INVALID, NULL, 0, 16, "(0x7f)" },
	{ "sendmail: encoded non-ASCII (no SMTPUTF8)",
	    S(V "rua=mailto:r%C3%A9@example.com"), RUA_INVALID, NULL, 0, 16,
	    "decodes to non-ASCII byte 0xc3" },
	{ "sendmail RPT-27: encoded '%' (percent-hack route)",
	    S(V "rua=mailto:a%25evil.example@example.com"), RUA_INVALID, NULL,
	    0, 16, "contains '%', a route to another address" },
	{ "sendmail RPT-27: encoded '!' (UUCP route)",
	    S(V "rua=mailto:evil.example%21a@example.com"), RUA_INVALID, NULL,
	    0, 16, "contains '!', a route to another address" },
	{ "sendmail: encoded '\"' (quoted string)",
	    S(V "rua=mailto:%22ab%22@example.com"), RUA_INVALID, NULL, 0, 16,
	    "contains '\"'; quoted strings" },
	{ "sendmail: encoded '<' '>' (angle addresses)",
	    S(V "rua=mailto:a%3Cb%3E@example.com"), RUA_INVALID, NULL, 0, 16,
	    "contains '<'" },
	{ "sendmail: encoded '(' (comment)",
	    S(V "rua=mailto:a(x)@example.com"), RUA_INVALID, NULL, 0, 16,
	    "contains '('" },
	{ "sendmail: ':' (group or route)",
	    S(V "rua=mailto:g:a@example.com"), RUA_INVALID, NULL, 0, 16,
	    "contains ':'" },
	{ "sendmail: encoded ';' (group end)",
	    S(V "rua=mailto:a%3B@example.com"), RUA_INVALID, NULL, 0, 16,
	    "contains ';'" },
	{ "sendmail: encoded '\\'", S(V "rua=mailto:a%5Cb@example.com"),
	    RUA_INVALID, NULL, 0, 16, "contains '\\'" },
	{ "sendmail: an unsafe URI is skipped when another is usable",
	    S(V "rua=mailto:-x@example.com," MA), RUA_OK, "m:a@example.com",
	    W_SKIP, 0, "rua URI 1 at column 16 not used: its address starts "
	    "with '-'" },

	/* https (RFC 3986). */
	{ "RPT-1 https: percent-encoded ',' '!' ';' kept as given",
	    S(V "rua=https://r.example.net/a%2Cb%21c%3Bd"), RUA_OK,
	    "h:https://r.example.net/a%2Cb%21c%3Bd", 0, 0, NULL },
	{ "RPT-1 https: userinfo, port, query and fragment kept",
	    S(V "rua=https://u:p@r.example.net:8443/p?q=1&r=2#f"), RUA_OK,
	    "h:https://u:p@r.example.net:8443/p?q=1&r=2#f", 0, 0, NULL },
	{ "RPT-1 https: host only", S(V "rua=https://r.example.net"), RUA_OK,
	    "h:https://r.example.net", 0, 0, NULL },
	{ "RPT-1 https: query right after the host",
	    S(V "rua=https://r.example.net?x=1"), RUA_OK,
	    "h:https://r.example.net?x=1", 0, 0, NULL },
	{ "RPT-1 https: port 65535", S(V "rua=https://r.example.net:65535/"),
	    RUA_OK, "h:https://r.example.net:65535/", 0, 0, NULL },
	{ "RPT-1 https: no \"//\"", S(V "rua=https:r.example.net/x"),
	    RUA_INVALID, NULL, 0, 16, "it has no \"//\" and host" },
	{ "RPT-1 https: empty authority", S(V "rua=https://"),
	    RUA_INVALID, NULL, 0, 16, "its host \"\" is not a DNS name" },
	{ "RPT-1 https: empty host before a path",
	    S(V "rua=https:///x"), RUA_INVALID, NULL, 0, 16,
	    "its host \"\" is not a DNS name" },
	{ "RPT-1 https: one-label host is not used",
	    S(V "rua=https://localhost/x"), RUA_INVALID, NULL, 0, 16,
	    "its host \"localhost\" is not a DNS name of two or more labels" },
	{ "RPT-1 https: IPv4 host is not used",
	    S(V "rua=https://192.0.2.1/x"), RUA_INVALID, NULL, 0, 16,
	    "its host \"192.0.2.1\"" },
	{ "RPT-1 https: IPv6 literal is not used",
	    S(V "rua=https://[2001:db8::1]/x"), RUA_INVALID, NULL, 0, 16,
	    "its host is an IP literal" },
	{ "RPT-1 https: percent-encoded host is not used",
	    S(V "rua=https://r%2Eexample.net/"), RUA_INVALID, NULL, 0, 16,
	    "its host \"r%2Eexample.net\"" },
	{ "RPT-1 https: host with a trailing dot is not used",
	    S(V "rua=https://r.example.net./"), RUA_INVALID, NULL, 0, 16,
	    "its host" },
	{ "RPT-1 https: two '@' in the authority",
	    S(V "rua=https://a@b@r.example.net/"), RUA_INVALID, NULL, 0, 16,
	    "more than one '@'" },
	{ "RPT-1 https: '@' in the path is fine",
	    S(V "rua=https://r.example.net/a@b"), RUA_OK,
	    "h:https://r.example.net/a@b", 0, 0, NULL },
	{ "RPT-1 https: port 0", S(V "rua=https://r.example.net:0/"),
	    RUA_INVALID, NULL, 0, 16, "its port is not a number" },
	{ "RPT-1 https: port 65536", S(V "rua=https://r.example.net:65536/"),
	    RUA_INVALID, NULL, 0, 16, "its port" },
	{ "RPT-1 https: port of six digits",
	    S(V "rua=https://r.example.net:000443/"), RUA_INVALID, NULL, 0, 16,
	    "its port" },
	{ "RPT-1 https: empty port", S(V "rua=https://r.example.net:/"),
	    RUA_INVALID, NULL, 0, 16, "its port" },
	{ "RPT-1 https: non-numeric port",
	    S(V "rua=https://r.example.net:https/"), RUA_INVALID, NULL, 0, 16,
	    "its port" },

	/* ',' '!' ';' inside URIs (RPT-1). */
	{ "RPT-1 raw ',' splits: the rest is not a URI",
	    S(V "rua=https://r.example.net/a,b"), RUA_INVALID, NULL, 0, 40,
	    "rua URI at column 40 does not start with a scheme" },
	{ "RPT-1 raw ',' splits: two usable URIs",
	    S(V "rua=https://r.example.net/a,https://r.example.net/b"), RUA_OK,
	    "h:https://r.example.net/a h:https://r.example.net/b", 0, 0,
	    NULL },
	{ "RPT-1 raw ';' ends the field: the rest is not a field",
	    S(V "rua=https://r.example.net/a;b"), RUA_INVALID, NULL, 0, 41,
	    "field \"b\" has no '='" },
	{ "RPT-1 raw ';' ends the field: the rest is an extension",
	    S(V "rua=https://r.example.net/?a;b=c"), RUA_OK,
	    "h:https://r.example.net/?a", 0, 0, NULL },
	{ "RPT-1 raw '!' is invalid (DMARC size suffix)",
	    S(V "rua=" MA "!10m"), RUA_INVALID, NULL, 0, 36,
	    "rua URI at column 16 contains '!' at column 36; it must be "
	    "written %21 (RFC 8460 \xc2\xa7" "3)" },
	{ "RPT-1 raw '!' in an https path is invalid",
	    S(V "rua=https://r.example.net/!"), RUA_INVALID, NULL, 0, 38,
	    "contains '!'" },

	/* Characters RFC 3986 does not allow in a URI. */
	{ "RPT-1 '|' in a URI", S(V "rua=mailto:a|b@example.com"),
	    RUA_INVALID, NULL, 0, 24, "contains '|' at column 24, which is "
	    "not allowed in a URI (RFC 3986 \xc2\xa7" "2)" },
	{ "RPT-1 '\"' in a URI", S(V "rua=mailto:\"a\"@example.com"),
	    RUA_INVALID, NULL, 0, 23, "contains '\"'" },
	{ "RPT-1 '<' in a URI", S(V "rua=<" MA ">"), RUA_INVALID, NULL, 0,
	    16, "contains '<'" },
	{ "RPT-1 '\\' in a URI", S(V "rua=https://r.example.net\\x"),
	    RUA_INVALID, NULL, 0, 37, "contains '\\'" },
	{ "RPT-1 '{' in a URI", S(V "rua=https://r.example.net/{x}"),
	    RUA_INVALID, NULL, 0, 38, "contains '{'" },
	{ "RPT-1 '^' in a URI", S(V "rua=https://r.example.net/^"),
	    RUA_INVALID, NULL, 0, 38, "contains '^'" },
	{ "RPT-1 '`' in a URI", S(V "rua=https://r.example.net/`"),
	    RUA_INVALID, NULL, 0, 38, "contains '`'" },
	{ "RPT-1 '%' without hex digits", S(V "rua=mailto:a%ZZ@example.com"),
	    RUA_INVALID, NULL, 0, 24, "'%' at column 24 that is not followed "
	    "by two hex digits" },
	{ "RPT-1 '%' with one hex digit at the end",
	    S(V "rua=https://r.example.net/%4"), RUA_INVALID, NULL, 0, 38,
	    "not followed by two hex digits" },
	{ "RPT-1 '%' at the end", S(V "rua=https://r.example.net/%"),
	    RUA_INVALID, NULL, 0, 38, "not followed by two hex digits" },
	{ "RPT-1 '%' before ','", S(V "rua=https://r.example.net/%," MA),
	    RUA_INVALID, NULL, 0, 38, "not followed by two hex digits" },

	/* rua present, empty, repeated. */
	{ "RPT-1 bare v=TLSRPTv1 has no rua", S("v=TLSRPTv1"), RUA_INVALID,
	    NULL, 0, 0, "TXT record has no rua field" },
	{ "RPT-1 v=TLSRPTv1; has no rua", S(V), RUA_INVALID, NULL, 0, 0,
	    "no rua field" },
	{ "RPT-1 only an extension: no rua", S(V "ext=1"), RUA_INVALID, NULL,
	    0, 0, "no rua field" },
	{ "RPT-1 RUA= (upper case) is an extension: no rua",
	    S(V "RUA=" MA), RUA_INVALID, NULL, 0, 0, "no rua field" },
	{ "RPT-1 empty rua", S(V "rua="), RUA_INVALID, NULL, 0, 16,
	    "rua at column 12 has no URI; one or more are required" },
	{ "RPT-1 empty rua before ';'", S(V "rua=; ext=1"), RUA_INVALID,
	    NULL, 0, 16, "has no URI" },
	{ "RPT-1 empty URI before ','", S(V "rua=," MA), RUA_INVALID, NULL, 0,
	    16, "empty URI before ',' at column 16" },
	{ "RPT-1 empty URI between ','", S(V "rua=" MA ",," MA), RUA_INVALID,
	    NULL, 0, 37, "empty URI before ',' at column 37" },
	{ "RPT-1 trailing ','", S(V "rua=" MA ","), RUA_INVALID, NULL, 0, 37,
	    "empty URI after ','" },
	{ "RPT-1 trailing ',' and WSP before ';'", S(V "rua=" MA ", ;"),
	    RUA_INVALID, NULL, 0, 38, "empty URI after ','" },
	{ "RPT-1 URIs separated by WSP only", S(V "rua=" MA " " MA),
	    RUA_INVALID, NULL, 0, 37, "expected ',' or ';' at column 37, "
	    "found 'm'" },
	{ "RPT-1 whitespace after '=' of rua", S(V "rua= " MA), RUA_INVALID,
	    NULL, 0, 16, "whitespace after '='" },
	{ "RPT-1 whitespace before '=' of rua", S(V "rua =" MA), RUA_INVALID,
	    NULL, 0, 15, "whitespace before '='" },
	{ "RPT-1 first rua wins (as DEC-2)",
	    S(V "rua=" MA "; rua=mailto:b@example.com"), RUA_OK,
	    "m:a@example.com", W_DUPR, 0, NULL },
	{ "RPT-1 a malformed second rua still invalidates",
	    S(V "rua=" MA "; rua=mailto:b@example.com!1"), RUA_INVALID, NULL,
	    0, 62, "URI at column 42 contains '!'" },
	{ "RPT-1 an unusable second rua does not matter",
	    S(V "rua=" MA "; rua=http://x.example/"), RUA_OK,
	    "m:a@example.com", W_DUPR, 0, NULL },
	{ "RPT-1 a second rua does not rescue an unusable first",
	    S(V "rua=http://x.example/; rua=" MA), RUA_INVALID, NULL, 0, 16,
	    "no usable URI" },

	/* Extensions (RPT-1, STS-REC-8 grammar). */
	{ "RPT-1 unknown extension before rua is ignored",
	    S(V "ext=foo; rua=" MA), RUA_OK, "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 unknown extension with every value class is ignored",
	    S(V "rua=" MA "; foo_bar-1.x=a:b/c<d>e~!\"#$%&'()*+,-./09?@[]^`{|}"),
	    RUA_OK, "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 32-character extension name",
	    S(V "a234567890123456789012345678901b=1; rua=" MA), RUA_OK,
	    "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 extension name starting with a digit",
	    S(V "9ext=1;rua=" MA), RUA_OK, "m:a@example.com", 0, 0, NULL },
	{ "RPT-1 repeated v=TLSRPTv1 later is an ignored extension",
	    S(V "v=TLSRPTv1; rua=" MA), RUA_OK, "m:a@example.com", 0, 0,
	    NULL },
	{ "RPT-1 empty extension value is invalid", S(V "rua=" MA "; ext="),
	    RUA_INVALID, NULL, 0, 42, "field \"ext\" at column 38 has an "
	    "empty value" },
	{ "RPT-1 space inside an extension value is invalid",
	    S(V "ext=a b; rua=" MA), RUA_INVALID, NULL, 0, 18,
	    "expected ';' at column 18, found 'b'" },
	{ "RPT-1 '=' inside an extension value is invalid",
	    S(V "ext=a=b; rua=" MA), RUA_INVALID, NULL, 0, 17,
	    "value of field \"ext\" contains '=' at column 17" },
	{ "RPT-1 whitespace after '=' of an extension is invalid",
	    S(V "ext= 1; rua=" MA), RUA_INVALID, NULL, 0, 16,
	    "whitespace after '='" },
	{ "RPT-1 extension name starting with '_' is invalid",
	    S(V "_ext=1; rua=" MA), RUA_INVALID, NULL, 0, 12,
	    "must start with a letter or digit" },
	{ "RPT-1 '@' in an extension name is invalid",
	    S(V "e@t=1; rua=" MA), RUA_INVALID, NULL, 0, 13, "found '@'" },
	{ "RPT-1 33-character extension name is invalid",
	    S(V "a234567890123456789012345678901bc=1; rua=" MA), RUA_INVALID,
	    NULL, 0, 12, "longer than 32 characters" },
	{ "RPT-1 field without '=' is invalid", S(V "rua=" MA "; ext"),
	    RUA_INVALID, NULL, 0, 41, "field \"ext\" has no '='" },

	/* Version and delimiters. */
	{ "RPT-1 V=TLSRPTv1 is invalid", S("V=TLSRPTv1;rua=" MA), RUA_INVALID,
	    NULL, 0, 1, "does not start with \"v=TLSRPTv1\"" },
	{ "RPT-1 v=TLSRPTv2 is invalid", S("v=TLSRPTv2;rua=" MA), RUA_INVALID,
	    NULL, 0, 1, "does not start" },
	{ "RPT-1 version must be first", S("rua=" MA "; v=TLSRPTv1"),
	    RUA_INVALID, NULL, 0, 1, "does not start" },
	{ "RPT-1 empty record is invalid", S(""), RUA_INVALID, NULL, 0, 1,
	    "does not start" },
	{ "RPT-1 v=TLSRPTv10 is invalid", S("v=TLSRPTv10;rua=" MA),
	    RUA_INVALID, NULL, 0, 11, "expected ';' at column 11, found '0'" },
	{ "RPT-1 field-delim needs ';'", S("v=TLSRPTv1 rua=" MA), RUA_INVALID,
	    NULL, 0, 12, "expected ';' at column 12, found 'r'" },
	{ "RPT-1 ',' after the version is invalid", S("v=TLSRPTv1,rua=" MA),
	    RUA_INVALID, NULL, 0, 11, "found ','" },
	{ "RPT-1 empty field between ';;' is invalid", S(V ";rua=" MA),
	    RUA_INVALID, NULL, 0, 12, "expected a field name at column 12, "
	    "found ';'" },
	{ "RPT-1 double trailing ';' is invalid", S(V "rua=" MA ";;"),
	    RUA_INVALID, NULL, 0, 37, "found ';'" },
	{ "RPT-1 trailing WSP without ';' is invalid", S(V "rua=" MA " "),
	    RUA_INVALID, NULL, 0, 36, "must follow a ';'" },

	/* US-ASCII only. */
	{ "RPT-1 non-ASCII in a URI is invalid",
	    S(V "rua=mailto:r\xc3\xa9@example.com"), RUA_INVALID, NULL, 0, 24,
	    "non-ASCII byte 0xc3 at column 24" },
	{ "RPT-1 non-ASCII in an extension is invalid",
	    S(V "rua=" MA "; e=\xff"), RUA_INVALID, NULL, 0, 40,
	    "non-ASCII byte 0xff" },
	{ "RPT-1 control character is invalid", S(V "rua=" MA "\x01"),
	    RUA_INVALID, NULL, 0, 36, "control character 0x01 at column 36" },
	{ "RPT-1 embedded NUL is invalid", S(V "rua=" MA "\0x"),
	    RUA_INVALID, NULL, 0, 36, "control character 0x00" },
	{ "RPT-1 DEL is invalid", S(V "rua=" MA "\x7f"), RUA_INVALID, NULL,
	    0, 36, "control character 0x7f" },
	{ "RPT-1 trailing CRLF is invalid", S(V "rua=" MA "\r\n"),
	    RUA_INVALID, NULL, 0, 36, "control character 0x0d" },
	{ "RPT-1 LF inside a URI is invalid",
	    S(V "rua=mailto:a\n@example.com"), RUA_INVALID, NULL, 0, 24,
	    "control character 0x0a" },
	{ "RPT-1 non-ASCII before a bad tag is reported first",
	    S("V=TLSRPTv1\x80"), RUA_INVALID, NULL, 0, 11, "non-ASCII" },
};

static void
test_parse(void **state)
{
	const struct parse_row	*r = *state;
	static char		 got[URIS_BUF];
	struct rua		 rua;
	struct parse_err	 err;
	enum rua_status		 st;
	size_t			 i;

	memset(&rua, 'X', sizeof(rua));
	memset(&err, 'X', sizeof(err));
	st = rua_parse(r->in, r->len, &rua, &err);
	if (st != r->want)
		print_error("status %s, msg \"%s\"\n", rua_status_str(st),
		    err.msg);
	assert_int_equal(st, r->want);
	assert_true(msg_is_safe(err.msg));
	if (r->want == RUA_OK) {
		uris_str(got, sizeof(got), &rua);
		assert_string_equal(got, r->uris);
		assert_int_equal(rua.warnings, r->warn);
		assert_int_equal(strlen(rua.record), r->len);
		assert_memory_equal(rua.record, r->in, r->len);
		assert_int_equal(err.code, 0);
		assert_int_equal(err.col, 0);
		assert_string_equal(err.msg, "");
		assert_true(msg_is_safe(rua.skipped));
		if (r->warn & RUA_WARN_SKIPPED) {
			assert_true(rua.nskipped > 0);
			if (strstr(rua.skipped, r->msg) == NULL)
				fail_msg("skipped \"%s\" lacks \"%s\"",
				    rua.skipped, r->msg);
		} else {
			assert_int_equal(rua.nskipped, 0);
			assert_string_equal(rua.skipped, "");
		}
		for (i = rua.nuris; i < RUA_URIS_MAX; i++) {
			assert_int_equal(rua.uris[i].kind, 0);
			assert_string_equal(rua.uris[i].dest, "");
		}
		return;
	}
	/* Nothing usable is left behind on failure. */
	assert_int_equal(rua.nuris, 0);
	assert_string_equal(rua.record, "");
	assert_int_equal(rua.warnings, 0);
	assert_int_equal(err.code, RUA_INVALID);
	assert_int_equal(err.line, 0);
	if (err.col != r->col)
		print_error("col %u, msg \"%s\"\n", err.col, err.msg);
	assert_int_equal(err.col, r->col);
	if (r->msg != NULL && strstr(err.msg, r->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, r->msg);
}

/* rua_select */

#define RRS_ROW_MAX	6

struct select_row {
	const char	*label;
	const char	*rr[RRS_ROW_MAX];
	size_t		 n;
	enum rua_status	 want;
	const char	*uris;
	const char	*msg;
};

static const struct select_row select_rows[] = {
	{ "RPT-2 one TLSRPTv1 RR", { V "rua=" MA }, 1, RUA_OK,
	    "m:a@example.com", NULL },
	{ "RPT-2 other TXT RRs are dropped",
	    { "v=spf1 -all", V "rua=" MA, "google-site-verification=x" }, 3,
	    RUA_OK, "m:a@example.com", NULL },
	{ "RPT-2 an STSv1 RR beside it is dropped",
	    { "v=STSv1; id=20160831085700Z", V "rua=" MA }, 2, RUA_OK,
	    "m:a@example.com", NULL },
	{ "RPT-2 empty RR is dropped", { "", V "rua=" MA }, 2, RUA_OK,
	    "m:a@example.com", NULL },
	{ "RPT-2 ABNF: WSP before ';' makes a candidate",
	    { "x", "v=TLSRPTv1 ; rua=" MA }, 2, RUA_OK, "m:a@example.com",
	    NULL },
	{ "RPT-2 bare v=TLSRPTv1 is dropped, not counted",
	    { "v=TLSRPTv1", V "rua=" MA }, 2, RUA_OK, "m:a@example.com",
	    NULL },
	{ "RPT-2 v=TLSRPTv10; is dropped", { "v=TLSRPTv10;rua=" MA,
	    V "rua=mailto:b@example.com" }, 2, RUA_OK, "m:b@example.com",
	    NULL },
	{ "RPT-2 no RRs at all", { NULL }, 0, RUA_NONE, NULL,
	    "none of the 0 TXT records" },
	{ "RPT-2 only other RRs", { "v=spf1 -all", "hello" }, 2, RUA_NONE,
	    NULL, "none of the 2 TXT records starts with \"v=TLSRPTv1;\"" },
	{ "RPT-2 V=TLSRPTv1; does not count", { "V=TLSRPTv1;rua=" MA }, 1,
	    RUA_NONE, NULL, "none of the 1" },
	{ "RPT-2 v=TLSRPTv1 then a field without ';' does not count",
	    { "v=TLSRPTv1 rua=" MA }, 1, RUA_NONE, NULL, "none of the 1" },
	{ "RPT-2 bare v=TLSRPTv1 does not count", { "v=TLSRPTv1" }, 1,
	    RUA_NONE, NULL, "none of the 1" },
	{ "RPT-2 two identical RRs", { V "rua=" MA, V "rua=" MA }, 2,
	    RUA_MULTIPLE, NULL, "2 TXT records start with \"v=TLSRPTv1;\"; "
	    "exactly one is required" },
	{ "RPT-2 two different RRs",
	    { V "rua=" MA, "junk", V "rua=https://r.example.net/" }, 3,
	    RUA_MULTIPLE, NULL, "2 TXT records" },
	{ "RPT-2 a valid and an invalid RR",
	    { V "rua=" MA, V "rua=" }, 2, RUA_MULTIPLE, NULL,
	    "2 TXT records" },
	{ "RPT-2 three RRs", { V "rua=" MA, V "rua=" MA, V "rua=" MA }, 3,
	    RUA_MULTIPLE, NULL, "3 TXT records" },
	{ "RPT-1 the one RR is malformed",
	    { "v=spf1 -all", V "rua=" MA "!1" }, 2, RUA_INVALID, NULL,
	    "contains '!'" },
	{ "RPT-1 the one RR has no rua", { V "ext=1" }, 1, RUA_INVALID, NULL,
	    "no rua field" },
	{ "RPT-1 the one RR has no usable URI",
	    { V "rua=http://r.example.net/" }, 1, RUA_INVALID, NULL,
	    "no usable URI" },
};

static void
test_select(void **state)
{
	const struct select_row	*r = *state;
	static char		 got[URIS_BUF];
	size_t			 lens[RRS_ROW_MAX], i;
	struct rua		 rua;
	struct parse_err	 err;
	enum rua_status		 st;

	for (i = 0; i < r->n; i++)
		lens[i] = strlen(r->rr[i]);
	memset(&rua, 'X', sizeof(rua));
	memset(&err, 'X', sizeof(err));
	st = rua_select(r->rr, lens, r->n, &rua, &err);
	if (st != r->want)
		print_error("status %s, msg \"%s\"\n", rua_status_str(st),
		    err.msg);
	assert_int_equal(st, r->want);
	if (r->want == RUA_OK) {
		uris_str(got, sizeof(got), &rua);
		assert_string_equal(got, r->uris);
		assert_int_equal(err.code, 0);
		assert_string_equal(err.msg, "");
		return;
	}
	assert_int_equal(rua.nuris, 0);
	assert_string_equal(rua.record, "");
	assert_int_equal(err.code, r->want);
	assert_true(msg_is_safe(err.msg));
	if (strstr(err.msg, r->msg) == NULL)
		fail_msg("msg \"%s\" lacks \"%s\"", err.msg, r->msg);
}

/* rua_status_str, rua_kind_str */

struct str_row {
	const char	*label;
	int		 v;
	const char	*want;
};

static const struct str_row status_rows[] = {
	{ "status_str ok", RUA_OK, "ok" },
	{ "status_str none", RUA_NONE, "none" },
	{ "status_str multiple", RUA_MULTIPLE, "multiple" },
	{ "status_str invalid", RUA_INVALID, "invalid" },
};

static const struct str_row kind_rows[] = {
	{ "kind_str mailto", RUA_MAILTO, "mailto" },
	{ "kind_str https", RUA_HTTPS, "https" },
};

static void
test_status_str(void **state)
{
	const struct str_row	*r = *state;

	assert_string_equal(rua_status_str((enum rua_status)r->v), r->want);
}

static void
test_kind_str(void **state)
{
	const struct str_row	*r = *state;

	assert_string_equal(rua_kind_str((enum rua_kind)r->v), r->want);
}

/* Plain tests. */

/* RUA_RECORD_MAX: a record of exactly the limit parses, one more not. */
static void
test_record_max(void **state)
{
	static char		 buf[RUA_RECORD_MAX + 1];
	static const char	 head[] = V "rua=" MA "; x=";
	struct rua		 rua;
	struct parse_err	 err;

	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, 'a', sizeof(buf) - (sizeof(head) - 1));
	assert_int_equal(rua_parse(buf, RUA_RECORD_MAX, &rua, &err), RUA_OK);
	assert_int_equal(strlen(rua.record), RUA_RECORD_MAX);
	assert_string_equal(rua.uris[0].dest, "a@example.com");
	assert_int_equal(rua_parse(buf, RUA_RECORD_MAX + 1, &rua, &err),
	    RUA_INVALID);
	assert_int_equal(err.code, RUA_INVALID);
	assert_int_equal(err.col, 0);
	assert_non_null(strstr(err.msg, "1025 bytes long"));
	assert_int_equal(rua.nuris, 0);
}

/*
 * Build V "rua=" + an https URI of exactly ulen bytes + tail into buf;
 * returns the record length.
 */
static size_t
uri_record(char *buf, size_t ulen, const char *tail)
{
	static const char	head[] = V "rua=https://r.example.net/";
	size_t			pre = sizeof(V "rua=") - 1, n;

	n = sizeof(head) - 1;
	memcpy(buf, head, n);
	memset(buf + n, 'p', pre + ulen - n);
	n = pre + ulen;
	memcpy(buf + n, tail, strlen(tail));
	return n + strlen(tail);
}

/* RUA_URI_MAX: a URI of exactly the limit is used, one more is skipped. */
static void
test_uri_max(void **state)
{
	static char		buf[RUA_RECORD_MAX];
	struct rua		rua;
	struct parse_err	err;
	size_t			pre = sizeof(V "rua=") - 1, n;

	n = uri_record(buf, RUA_URI_MAX, "," MA);
	assert_int_equal(rua_parse(buf, n, &rua, &err), RUA_OK);
	assert_int_equal(rua.nuris, 2);
	assert_int_equal(rua.uris[0].kind, RUA_HTTPS);
	assert_int_equal(strlen(rua.uris[0].dest), RUA_URI_MAX);
	assert_memory_equal(rua.uris[0].dest, buf + pre, RUA_URI_MAX);
	assert_string_equal(rua.uris[1].dest, "a@example.com");
	assert_int_equal(rua.warnings, 0);

	n = uri_record(buf, RUA_URI_MAX + 1, "," MA);
	assert_int_equal(rua_parse(buf, n, &rua, &err), RUA_OK);
	assert_int_equal(rua.nuris, 1);
	assert_string_equal(rua.uris[0].dest, "a@example.com");
	assert_int_equal(rua.warnings, RUA_WARN_SKIPPED);
	assert_non_null(strstr(rua.skipped, "513 bytes long; at most 512"));

	n = uri_record(buf, RUA_URI_MAX + 1, "");
	assert_int_equal(rua_parse(buf, n, &rua, &err), RUA_INVALID);
	assert_non_null(strstr(err.msg, "no usable URI"));
	assert_int_equal(err.col, pre + 1);
}

/* RUA_ADDR_MAX and RUA_LOCAL_MAX on the decoded mailto address. */
static void
test_addr_max(void **state)
{
	static char		 buf[RUA_RECORD_MAX];
	static char		 addr[RUA_ADDR_MAX + 2];
	static const char	 head[] = V "rua=mailto:";
	struct rua		 rua;
	struct parse_err	 err;
	size_t			 n, i;

	/* 64-byte local part: fine; 65: not. */
	n = sizeof(head) - 1;
	memcpy(buf, head, n);
	memset(buf + n, 'l', RUA_LOCAL_MAX);
	memcpy(buf + n + RUA_LOCAL_MAX, "@example.com", 12);
	assert_int_equal(rua_parse(buf, n + RUA_LOCAL_MAX + 12, &rua, &err),
	    RUA_OK);
	assert_int_equal(strlen(rua.uris[0].dest), RUA_LOCAL_MAX + 12);
	memset(buf + n, 'l', RUA_LOCAL_MAX + 1);
	memcpy(buf + n + RUA_LOCAL_MAX + 1, "@example.com", 12);
	assert_int_equal(rua_parse(buf, n + RUA_LOCAL_MAX + 13, &rua, &err),
	    RUA_INVALID);
	assert_non_null(strstr(err.msg, "local part is 65 bytes long"));

	/* A 254-byte address: fine; 255: not.  Labels of 63 and less. */
	memset(addr, 'l', 10);
	addr[10] = '@';
	for (i = 11; i < RUA_ADDR_MAX; i++)
		addr[i] = (i - 11) % 62 == 61 ? '.' : 'd';
	addr[RUA_ADDR_MAX - 4] = '.';
	memcpy(addr + RUA_ADDR_MAX - 3, "com", 3);
	memcpy(buf + n, addr, RUA_ADDR_MAX);
	assert_int_equal(rua_parse(buf, n + RUA_ADDR_MAX, &rua, &err),
	    RUA_OK);
	assert_int_equal(strlen(rua.uris[0].dest), RUA_ADDR_MAX);
	/* The same with one local byte written as %6C: still 254. */
	memmove(buf + n + 3, buf + n + 1, RUA_ADDR_MAX - 1);
	memcpy(buf + n, "%6C", 3);
	assert_int_equal(rua_parse(buf, n + RUA_ADDR_MAX + 2, &rua, &err),
	    RUA_OK);
	assert_memory_equal(rua.uris[0].dest, addr, RUA_ADDR_MAX);
	/* One more local byte. */
	memmove(buf + n + 1, buf + n, RUA_ADDR_MAX + 2);
	buf[n] = 'l';
	assert_int_equal(rua_parse(buf, n + RUA_ADDR_MAX + 3, &rua, &err),
	    RUA_INVALID);
	assert_non_null(strstr(err.msg, "its address is 255 bytes long"));
}

/* A message too long for parse_err is cut with "...", still safe. */
static void
test_long_msg(void **state)
{
	static char		 buf[RUA_RECORD_MAX];
	static const char	 tail[] = "; rua=mailto:a@";
	struct rua		 rua;
	struct parse_err	 err;
	size_t			 n, len;

	memcpy(buf, V "x=", sizeof(V "x=") - 1);
	n = sizeof(V "x=") - 1;
	memset(buf + n, 'a', 900);
	n += 900;
	memcpy(buf + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	memset(buf + n, 'd', 63);	/* one label: not usable */
	n += 63;
	assert_int_equal(rua_parse(buf, n, &rua, &err), RUA_INVALID);
	len = strlen(err.msg);
	assert_int_equal(len, PARSE_ERR_MSG_MAX - 1);
	assert_string_equal(err.msg + len - 3, "...");
	assert_true(msg_is_safe(err.msg));
	assert_non_null(strstr(err.msg, "no usable URI; rua URI 1 at column "
	    "920 not used: its domain \"ddd"));
}

/* RPT-2: a second candidate is found behind many other RRs. */
static void
test_many_rrs(void **state)
{
	static const char	*rrs[1000];
	static size_t		 lens[1000];
	struct rua		 rua;
	struct parse_err	 err;
	size_t			 i;

	for (i = 0; i < 1000; i++) {
		rrs[i] = "junk";
		lens[i] = 4;
	}
	rrs[500] = V "rua=mailto:late@example.com";
	lens[500] = strlen(rrs[500]);
	assert_int_equal(rua_select(rrs, lens, 1000, &rua, &err), RUA_OK);
	assert_string_equal(rua.uris[0].dest, "late@example.com");
	assert_string_equal(rua.record, rrs[500]);

	rrs[999] = rrs[500];
	lens[999] = lens[500];
	assert_int_equal(rua_select(rrs, lens, 1000, &rua, &err),
	    RUA_MULTIPLE);
	assert_non_null(strstr(err.msg, "2 TXT records"));

	rrs[500] = rrs[999] = "junk";
	lens[500] = lens[999] = 4;
	assert_int_equal(rua_select(rrs, lens, 1000, &rua, &err), RUA_NONE);
	assert_non_null(strstr(err.msg, "none of the 1000 TXT records"));
}

/* A successful parse resets an err and a struct left from a failure. */
static void
test_err_reset(void **state)
{
	struct rua		rua;
	struct parse_err	err;

	assert_int_equal(rua_parse(S(V "rua=http://x.example/," MA), &rua,
	    &err), RUA_OK);
	assert_int_equal(rua.warnings, RUA_WARN_SKIPPED);
	assert_int_equal(rua_parse(S(V "rua=" MA "!"), &rua, &err),
	    RUA_INVALID);
	assert_int_equal(err.col, 36);
	assert_int_equal(rua.warnings, 0);
	assert_string_equal(rua.skipped, "");
	assert_int_equal(rua_parse(S(V "rua=" MA), &rua, &err), RUA_OK);
	assert_int_equal(err.code, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(rua.nskipped, 0);
}

/* NULL out / err / buf / arrays are tolerated. */
static void
test_null_args(void **state)
{
	struct rua		 rua;
	const char		*rr = NULL;
	const char		*ok = V "rua=" MA;
	size_t			 len = 5, oklen = strlen(ok);

	assert_int_equal(rua_parse(S(V "rua=" MA), NULL, NULL), RUA_OK);
	assert_int_equal(rua_parse(S(V "rua=" MA "!"), NULL, NULL),
	    RUA_INVALID);
	assert_int_equal(rua_parse(S(V "rua=ftp://x.example/"), NULL, NULL),
	    RUA_INVALID);
	assert_int_equal(rua_parse(NULL, 7, &rua, NULL), RUA_INVALID);
	assert_int_equal(rua_is_tlsrpt(NULL, 11), 0);
	assert_int_equal(rua_select(NULL, &len, 3, &rua, NULL), RUA_NONE);
	assert_int_equal(rua_select(&ok, NULL, 1, &rua, NULL), RUA_NONE);
	assert_int_equal(rua_select(&rr, &len, 1, &rua, NULL), RUA_NONE);
	assert_int_equal(rua_select(&ok, &oklen, 1, NULL, NULL), RUA_OK);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, is_rows, test_is_tlsrpt);
	TABLE_ADD(&tt, parse_rows, test_parse);
	TABLE_ADD(&tt, select_rows, test_select);
	TABLE_ADD(&tt, status_rows, test_status_str);
	TABLE_ADD(&tt, kind_rows, test_kind_str);
	table_add_fn(&tt, "RUA_RECORD_MAX record length limit",
	    test_record_max);
	table_add_fn(&tt, "RUA_URI_MAX URI length limit", test_uri_max);
	table_add_fn(&tt, "RUA_ADDR_MAX / RUA_LOCAL_MAX address limits",
	    test_addr_max);
	table_add_fn(&tt, "long messages are cut safely", test_long_msg);
	table_add_fn(&tt, "RPT-2 every RR is screened, however many",
	    test_many_rrs);
	table_add_fn(&tt, "parse_err and struct reset", test_err_reset);
	table_add_fn(&tt, "NULL arguments tolerated", test_null_args);
	return table_run("rua", &tt);
}
