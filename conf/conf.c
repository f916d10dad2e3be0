/*
 * conf.c: mtastsd.conf text -> struct conf, driven by the option table.
 *
 * conf_options[] names every option with its type, limits, default and help
 * text; parsing, defaults, conf_dump() and the restart check all use it.
 * conf_parse() works on (buf, len), reports every error as "file:line:
 * reason" with input bytes escaped, and keeps going after an error.
 * Pure: no files, no sockets, no DNS, no user database.  conf/load.c reads.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "conf.h"
#include "domain.h"
#include "log.h"
#include "xmalloc.h"

/* Not (yet) in bounds.h: the most "resolvers" entries we keep. */

#define CONF_ERRORS_MAX		100	/* then one "too many errors" */
#define CONF_ESC_SRC		100	/* input bytes quoted in one message */
#define CONF_ESC_MAX		(CONF_ESC_SRC * 4 + 4)
#define CONF_WHY_MAX		(CONF_ESC_MAX + 160)
#define CONF_SUGGEST_MAX	32	/* longest name we suggest against */
#define CONF_SUN_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

#define NOPTIONS	(sizeof(conf_options) / sizeof(conf_options[0]))

static const char *const conf_dane_choices[] = { "auto", "yes", "no", NULL };
/* In the order of enum dane_partial (dane.h). */
static const char *const conf_partial_choices[] = { "sts", "dane-only", NULL };

/*
 * The option table (tmux options-table.c, Postfix CONFIG_*_TABLE).  For
 * LISTEN and ADDRS, min and max bound the number of elements, and offset
 * names the array; its count follows it in struct conf.
 */
const struct conf_option conf_options[] = {
	{ .name = "listen",
	  .type = CONF_T_LISTEN,
	  .min = 1, .max = CONF_LISTEN_MAX,
	  .def = "unix:" MTASTSD_SOCKET_DIR "/mtastsd.sock",
	  .offset = offsetof(struct conf, listen),
	  .flags = CONF_F_RESTART,
	  .help = "socketmap listeners: unix:/path, inet:port, "
	      "inet:host:port or inet:[v6]:port" },
	{ .name = "socket_mode",
	  .type = CONF_T_MODE,
	  .min = 0, .max = 0777,
	  .def = "0660",
	  .offset = offsetof(struct conf, socket_mode),
	  .flags = CONF_F_RESTART,
	  .help = "permissions of UNIX listener sockets, in octal" },
	{ .name = "socket_group",
	  .type = CONF_T_STRING,
	  .def = "postfix",
	  .offset = offsetof(struct conf, socket_group),
	  .flags = CONF_F_RESTART,
	  .help = "group of UNIX listener sockets; empty leaves it unchanged" },
	{ .name = "listen_remote",
	  .type = CONF_T_BOOL,
	  .def = "no",
	  .offset = offsetof(struct conf, listen_remote),
	  .flags = CONF_F_RESTART,
	  .help = "allow inet listeners on non-loopback addresses "
	      "(the socketmap protocol is unauthenticated)" },
	{ .name = "max_connections",
	  .type = CONF_T_UINT,
	  .min = 1, .max = 65536,
	  .def = "1024",
	  .offset = offsetof(struct conf, max_connections),
	  .help = "most client connections open at the same time" },
	{ .name = "idle_timeout",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 3600,
	  .def = "60s",
	  .offset = offsetof(struct conf, idle_timeout),
	  .help = "close a client connection that stays idle this long" },
	{ .name = "user",
	  .type = CONF_T_STRING,
	  .def = MTASTSD_USER,
	  .offset = offsetof(struct conf, user),
	  .flags = CONF_F_RESTART,
	  .help = "run as this user after opening sockets; empty keeps "
	      "the current user" },
	{ .name = "cache_dir",
	  .type = CONF_T_PATH,
	  .def = MTASTSD_CACHE_DIR,
	  .offset = offsetof(struct conf, cache_dir),
	  .flags = CONF_F_RESTART,
	  .help = "directory of the policy cache" },
	{ .name = "control_socket",
	  .type = CONF_T_PATH,
	  .def = MTASTSD_SOCKET_DIR "/control.sock",
	  .offset = offsetof(struct conf, control_socket),
	  .flags = CONF_F_RESTART,
	  .help = "Unix socket for mtasts-ctl refresh (root and the "
	      "daemon's user only); empty disables it" },
	{ .name = "resolvers",
	  .type = CONF_T_ADDRS,
	  .min = 0, .max = CONF_RESOLVERS_MAX,
	  .def = "",
	  .offset = offsetof(struct conf, resolvers),
	  .flags = CONF_F_RESTART,
	  .help = "DNS resolvers as IP or IP@port; empty uses the "
	      "nameservers of /etc/resolv.conf" },
	{ .name = "dns_timeout",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 60,
	  .def = "5s",
	  .offset = offsetof(struct conf, dns_timeout),
	  .flags = CONF_F_RESTART,
	  .help = "give up a DNS query after this long (DEC-11)" },
	{ .name = "ca_file",
	  .type = CONF_T_PATH,
	  .def = "",
	  .offset = offsetof(struct conf, ca_file),
	  .flags = CONF_F_RESTART,
	  .help = "CA bundle for HTTPS policy fetches; empty uses the "
	      "system trust store" },
	{ .name = "dane",
	  .type = CONF_T_ENUM,
	  .def = "auto",
	  .offset = offsetof(struct conf, dane),
	  .choices = conf_dane_choices,
	  .help = "answer with DANE levels: auto (when DNSSEC and Postfix "
	      "are ready for it), yes or no" },
	{ .name = "dane_partial",
	  .type = CONF_T_ENUM,
	  .def = "sts",
	  .offset = offsetof(struct conf, dane_partial),
	  .choices = conf_partial_choices,
	  .help = "when only some MX hosts have usable TLSA and an enforce "
	      "MTA-STS policy applies: sts (answer the policy) or dane-only "
	      "(hosts without TLSA are skipped)" },
	{ .name = "txt_recheck_interval",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 86400,
	  .def = "5m",
	  .offset = offsetof(struct conf, txt_recheck_interval),
	  .help = "check a cached domain's _mta-sts TXT id again on use "
	      "after this long (DEC-15)" },
	{ .name = "negative_cache_ttl",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 86400,
	  .def = "5m",
	  .offset = offsetof(struct conf, negative_cache_ttl),
	  .help = "remember that a domain has no MTA-STS policy this long" },
	{ .name = "lookup_deadline",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 60,
	  .def = "15s",
	  .offset = offsetof(struct conf, lookup_deadline),
	  .help = "answer Postfix within this long; a fetch still running "
	      "goes on in the background (DEC-5, DEC-11)" },
	{ .name = "fetch_timeout",
	  .type = CONF_T_TIME,
	  .min = 1, .max = 300,
	  .def = "20s",
	  .offset = offsetof(struct conf, fetch_timeout),
	  .flags = CONF_F_RESTART,
	  .help = "give up an HTTPS policy fetch after this long "
	      "(STS-FETCH-8)" },
	{ .name = "fetch_max_size",
	  .type = CONF_T_SIZE,
	  .min = 1024, .max = 1024 * 1024,
	  .def = "64k",
	  .offset = offsetof(struct conf, fetch_max_size),
	  .flags = CONF_F_RESTART,
	  .help = "largest policy body accepted (STS-FETCH-9)" },
	{ .name = "max_fetches",
	  .type = CONF_T_UINT,
	  .min = 1, .max = 4096,
	  .def = "64",
	  .offset = offsetof(struct conf, max_fetches),
	  .help = "HTTPS fetches in flight at once; more wait their turn" },
	{ .name = "refresh_rate",
	  .type = CONF_T_UINT,
	  .min = 0, .max = 1000,
	  .def = "10",
	  .offset = offsetof(struct conf, refresh_rate),
	  .help = "proactive refreshes started per second at most; 0 turns "
	      "proactive refresh off (STS-CACHE-7)" },
	{ .name = "tlsrpt",
	  .type = CONF_T_BOOL,
	  .def = "no",
	  .offset = offsetof(struct conf, tlsrpt),
	  .flags = CONF_F_RESTART,
	  .help = "collect TLS outcomes and send RFC 8460 reports to the "
	      "domains that ask for them" },
	{ .name = "tlsrpt_socket",
	  .type = CONF_T_PATH,
	  .def = MTASTSD_SOCKET_DIR "/tlsrpt.sock",
	  .offset = offsetof(struct conf, tlsrpt_socket),
	  .flags = CONF_F_RESTART,
	  .help = "Unix datagram socket for Postfix's TLSRPT events "
	      "(smtp_tlsrpt_socket_name); socket_mode and socket_group "
	      "apply" },
	{ .name = "tlsrpt_organization",
	  .type = CONF_T_STRING,
	  .def = "",
	  .offset = offsetof(struct conf, tlsrpt_organization),
	  .help = "organization-name of the reports; needed with "
	      "tlsrpt = yes" },
	{ .name = "tlsrpt_contact",
	  .type = CONF_T_STRING,
	  .def = "",
	  .offset = offsetof(struct conf, tlsrpt_contact),
	  .help = "contact-info of the reports and sender of report mail, "
	      "a plain address (user@example.net); needed with "
	      "tlsrpt = yes" },
	{ .name = "tlsrpt_submitter",
	  .type = CONF_T_STRING,
	  .def = "",
	  .offset = offsetof(struct conf, tlsrpt_submitter),
	  .help = "submitter domain of the reports (file names, "
	      "TLS-Report-Submitter); empty means the domain of "
	      "tlsrpt_contact" },
	{ .name = "tlsrpt_send_delay",
	  .type = CONF_T_TIME,
	  .min = 0, .max = 86399,
	  .def = "4h",
	  .offset = offsetof(struct conf, tlsrpt_send_delay),
	  .help = "reports go out at a random time within this long after "
	      "their UTC day ends (RPT-5)" },
	{ .name = "tlsrpt_post_local",
	  .type = CONF_T_BOOL,
	  .def = "no",
	  .offset = offsetof(struct conf, tlsrpt_post_local),
	  .flags = CONF_F_RESTART,
	  .help = "POST reports also to https: rua hosts that resolve to "
	      "loopback, private or link-local addresses (closed networks, "
	      "tests)" },
	{ .name = "sendmail_path",
	  .type = CONF_T_PATH,
	  .def = "/usr/sbin/sendmail",
	  .offset = offsetof(struct conf, sendmail_path),
	  .help = "the sendmail program that report mail is handed to" },
};
const size_t conf_noptions = NOPTIONS;

/* The generic LISTEN/ADDRS code finds each count right after its array. */
_Static_assert(offsetof(struct conf, nlisten) ==
    offsetof(struct conf, listen) + sizeof(struct conf_listen *),
    "nlisten must follow listen");
_Static_assert(offsetof(struct conf, nresolvers) ==
    offsetof(struct conf, resolvers) + sizeof(struct conf_addr *),
    "nresolvers must follow resolvers");

struct conf_unit {
	char		 c;
	unsigned long	 mult;
};

/* Postfix conv_time(): no unit means seconds. */
static const struct conf_unit conf_time_units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
	{ 's', 1 }, { '\0', 0 }
};
static const struct conf_unit conf_size_units[] = {
	{ 'm', 1024 * 1024 }, { 'k', 1024 }, { '\0', 0 }
};

/* One collected error; sorted by (line, seq) before it is handed out. */
struct conf_perr {
	unsigned	 line;
	size_t		 seq;
	char		*msg;
};

struct conf_pstate {
	struct conf		*conf;
	char			*file;		/* escaped file name */
	unsigned		 set_line[NOPTIONS];	/* 0 = not set */

	struct conf_perr	*errs;
	size_t			 nerrs, errs_cap;
	size_t			 total;		/* including dropped ones */
	int			 post;		/* checks after the last line */

	size_t			 ovr_cap;
	unsigned		 ovr_full;	/* line of "too many" */

	/* The logical line being assembled. */
	char			*lbuf;
	size_t			 llen, lcap;
	unsigned		 lline;
	int			 lstate;
};

#define LSTATE_NONE	0	/* no logical line yet */
#define LSTATE_OPEN	1	/* lbuf holds one */
#define LSTATE_BAD	2	/* one with a bad physical line: skip it */

static const char *esc(char *, size_t, const char *, size_t);
static int	 is_blank(char);
static void	 trim(const char **, size_t *);
static int	 valid_utf8(const unsigned char *, size_t);
static void	 check_tlsrpt(struct conf_pstate *);
static unsigned	 option_line(const struct conf_pstate *, const char *);
static size_t	 edit_distance(const char *, size_t, const char *, size_t);
static void	 perr(struct conf_pstate *, unsigned, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static int	 perr_cmp(const void *, const void *);
static int	 parse_number(const char *, size_t, unsigned, unsigned long *);
static int	 parse_scaled(const char *, size_t, const struct conf_unit *,
		    unsigned long *);
static void	 fmt_scaled(char *, size_t, unsigned long,
		    const struct conf_unit *);
static int	 parse_port(const char *, size_t, uint16_t *);
static int	 addr_pton(int, const char *, size_t, uint8_t *);
static int	 listen_parse(const char *, size_t, struct conf_listen *,
		    char *, size_t);
static int	 listen_is_loopback(const struct conf_listen *);
static int	 addr_parse(const char *, size_t, struct conf_addr *, char *,
		    size_t);
static void	 listen_clear(struct conf_listen *, size_t);
static void	 addrs_clear(struct conf_addr *, size_t);
static int	 set_list(struct conf *, const struct conf_option *,
		    const char *, size_t, char *, size_t);
static void	 do_override(struct conf_pstate *, unsigned, const char *,
		    size_t, const char *, size_t);
static void	 do_unknown(struct conf_pstate *, unsigned, const char *,
		    size_t);
static void	 do_line(struct conf_pstate *, unsigned, const char *,
		    size_t);
static void	 flush_line(struct conf_pstate *);
static void	 physical_line(struct conf_pstate *, unsigned, const char *,
		    size_t);
static int	 override_cmp(const void *, const void *);
static int	 override_key_cmp(const void *, const void *);
static void	 check_overrides(struct conf_pstate *);
static void	 check_listen(struct conf_pstate *);
static void	 apply_defaults(struct conf_pstate *);

/*
 * Quote untrusted bytes for a message: printable ASCII stays, anything else
 * (control bytes, UTF-8, '\\', '"') becomes \xNN; long input is cut.
 */
static const char *
esc(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0, lim;
	unsigned char		 c;

	lim = len > CONF_ESC_SRC ? CONF_ESC_SRC : len;
	for (i = 0; i < lim; i++) {
		c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if (i < len && o + 3 < dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*s)[*len - 1]))
		(*len)--;
}

/* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1fU;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 2;
			cp = s[i] & 0x0fU;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07U;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3fU);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Optimal string alignment distance: a transposition counts as one edit. */
static size_t
edit_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	d[CONF_SUGGEST_MAX + 1][CONF_SUGGEST_MAX + 1];
	size_t	i, j, cost, v;

	if (alen > CONF_SUGGEST_MAX || blen > CONF_SUGGEST_MAX)
		return SIZE_MAX;
	for (i = 0; i <= alen; i++)
		d[i][0] = i;
	for (j = 0; j <= blen; j++)
		d[0][j] = j;
	for (i = 1; i <= alen; i++) {
		for (j = 1; j <= blen; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[alen][blen];
}

/*
 * Record "file:line: reason" (or "file: reason" for line 0).  Past the cap
 * only the count grows: lines come in order, so nothing dropped could sort
 * before the errors kept.  The checks made after the last line may name any
 * line, so their (few) errors are always kept.
 */
static void
perr(struct conf_pstate *st, unsigned line, const char *fmt, ...)
{
	va_list	 ap;
	char	*reason;

	st->total++;
	if (st->nerrs > CONF_ERRORS_MAX && !st->post)
		return;
	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) == -1)
		fatalx("%s: out of memory", __func__);
	va_end(ap);
	if (st->nerrs == st->errs_cap) {
		st->errs_cap = st->errs_cap == 0 ? 8 : st->errs_cap * 2;
		st->errs = xreallocarray(st->errs, st->errs_cap,
		    sizeof(*st->errs));
	}
	st->errs[st->nerrs].line = line;
	st->errs[st->nerrs].seq = st->nerrs;
	if (line == 0)
		xasprintf(&st->errs[st->nerrs].msg, "%s: %s", st->file, reason);
	else
		xasprintf(&st->errs[st->nerrs].msg, "%s:%u: %s", st->file,
		    line, reason);
	st->nerrs++;
	free(reason);
}

static int
perr_cmp(const void *a, const void *b)
{
	const struct conf_perr	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/*
 * Digits only, in base 10 or 8, overflow-checked (Postfix
 * netstring_get_length).  An overflow saturates to ULONG_MAX, which every
 * range check then refuses.  Returns 0, or -1 on a syntax error.
 */
static int
parse_number(const char *s, size_t len, unsigned base, unsigned long *out)
{
	unsigned long	n = 0, d;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] >= (char)('0' + base))
			return -1;
		d = (unsigned long)(s[i] - '0');
		if (n > (ULONG_MAX - d) / base)
			n = ULONG_MAX;
		else if (n != ULONG_MAX)
			n = n * base + d;
	}
	*out = n;
	return 0;
}

/* A decimal number with an optional one-letter unit from units. */
static int
parse_scaled(const char *s, size_t len, const struct conf_unit *units,
    unsigned long *out)
{
	const struct conf_unit	*u;
	unsigned long		 n, mult = 1;

	if (len > 0 && (s[len - 1] < '0' || s[len - 1] > '9')) {
		for (u = units; u->c != '\0'; u++)
			if (u->c == s[len - 1])
				break;
		if (u->c == '\0')
			return -1;
		mult = u->mult;
		len--;
	}
	if (parse_number(s, len, 10, &n) == -1)
		return -1;
	*out = n > ULONG_MAX / mult ? ULONG_MAX : n * mult;
	return 0;
}

/* The largest unit that divides v exactly: 3600 is "1h", 90 is "90s". */
static void
fmt_scaled(char *buf, size_t sz, unsigned long v, const struct conf_unit *u)
{
	for (; v != 0 && u->c != '\0'; u++) {
		if (v % u->mult == 0) {
			snprintf(buf, sz, "%lu%c", v / u->mult, u->c);
			return;
		}
	}
	snprintf(buf, sz, "%lu", v);
}

static int
parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long	n;

	if (parse_number(s, len, 10, &n) == -1 || n < 1 || n > 65535)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

/* inet_pton() on a counted string: numeric only, never DNS. */
static int
addr_pton(int family, const char *s, size_t len, uint8_t *addr)
{
	char	buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(family, buf, addr) == 1 ? 0 : -1;
}

/* "unix:/path", "inet:PORT", "inet:V4:PORT" or "inet:[V6]:PORT". */
static int
listen_parse(const char *s, size_t len, struct conf_listen *l, char *why,
    size_t whysz)
{
	char		 e[CONF_ESC_MAX];
	const char	*h, *p, *c;
	size_t		 hlen, plen;

	memset(l, 0, sizeof(*l));
	esc(e, sizeof(e), s, len);
	if (len > 5 && memcmp(s, "unix:", 5) == 0) {
		p = s + 5;
		plen = len - 5;
		if (p[0] != '/') {
			snprintf(why, whysz, "\"%s\": the socket path must be "
			    "absolute", e);
			return -1;
		}
		if (plen >= CONF_SUN_PATH_MAX) {
			snprintf(why, whysz, "\"%s\": the socket path is "
			    "longer than %zu bytes", e, CONF_SUN_PATH_MAX - 1);
			return -1;
		}
		l->type = CONF_LISTEN_UNIX;
		l->path = xstrndup(p, plen);
		l->text = xstrndup(s, len);
		return 0;
	}
	if (len <= 5 || memcmp(s, "inet:", 5) != 0) {
		snprintf(why, whysz, "\"%s\": expected unix:/path or "
		    "inet:[host:]port", e);
		return -1;
	}
	h = s + 5;
	hlen = len - 5;
	l->type = CONF_LISTEN_INET;
	if (h[0] == '[') {
		if ((c = memchr(h, ']', hlen)) == NULL ||
		    (size_t)(c - h) + 1 == hlen || c[1] != ':') {
			snprintf(why, whysz, "\"%s\": expected inet:[v6]:port",
			    e);
			return -1;
		}
		p = c + 2;
		plen = hlen - (size_t)(p - h);
		l->family = AF_INET6;
		if (addr_pton(AF_INET6, h + 1, (size_t)(c - h) - 1,
		    l->addr) == -1) {
			snprintf(why, whysz, "\"%s\": not a numeric IPv6 "
			    "address", e);
			return -1;
		}
	} else if ((c = memrchr(h, ':', hlen)) == NULL) {
		/* "inet:PORT" is loopback (PF-SM-14). */
		p = h;
		plen = hlen;
		l->family = AF_INET;
		l->addr[0] = 127;
		l->addr[3] = 1;
	} else {
		p = c + 1;
		plen = hlen - (size_t)(p - h);
		if (memchr(h, ':', (size_t)(c - h)) != NULL) {
			snprintf(why, whysz, "\"%s\": write an IPv6 address "
			    "in brackets, inet:[v6]:port", e);
			return -1;
		}
		l->family = AF_INET;
		if (addr_pton(AF_INET, h, (size_t)(c - h), l->addr) == -1) {
			snprintf(why, whysz, "\"%s\": not a numeric IPv4 "
			    "address (host names are not resolved)", e);
			return -1;
		}
	}
	if (parse_port(p, plen, &l->port) == -1) {
		snprintf(why, whysz, "\"%s\": the port must be a number "
		    "1..65535", e);
		return -1;
	}
	l->text = xstrndup(s, len);
	return 0;
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
static int
listen_is_loopback(const struct conf_listen *l)
{
	static const uint8_t	v6lo[16] = { [15] = 1 };
	static const uint8_t	v4mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (l->type != CONF_LISTEN_INET)
		return 1;
	if (l->family == AF_INET)
		return l->addr[0] == 127;
	return memcmp(l->addr, v6lo, 16) == 0 ||
	    (memcmp(l->addr, v4mapped, 12) == 0 && l->addr[12] == 127);
}

/* "IP" or "IP@PORT", IPv4 or IPv6. */
static int
addr_parse(const char *s, size_t len, struct conf_addr *a, char *why,
    size_t whysz)
{
	char		 e[CONF_ESC_MAX];
	const char	*at;
	size_t		 alen = len;

	memset(a, 0, sizeof(*a));
	esc(e, sizeof(e), s, len);
	a->port = 53;
	if ((at = memchr(s, '@', len)) != NULL) {
		alen = (size_t)(at - s);
		if (parse_port(at + 1, len - alen - 1, &a->port) == -1) {
			snprintf(why, whysz, "\"%s\": the port must be a "
			    "number 1..65535", e);
			return -1;
		}
	}
	a->family = memchr(s, ':', alen) != NULL ? AF_INET6 : AF_INET;
	if (addr_pton(a->family, s, alen, a->addr) == -1) {
		snprintf(why, whysz, "\"%s\": expected a numeric IPv4 or "
		    "IPv6 address, optionally with @port", e);
		return -1;
	}
	a->text = xstrndup(s, len);
	return 0;
}

static void
listen_clear(struct conf_listen *l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(l[i].path);
		free(l[i].text);
	}
	free(l);
}

static void
addrs_clear(struct conf_addr *a, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(a[i].text);
	free(a);
}

/* A LISTEN or ADDRS list: elements separated by commas and/or blanks. */
static int
set_list(struct conf *conf, const struct conf_option *o, const char *v,
    size_t vlen, char *why, size_t whysz)
{
	char		*base = (char *)conf + o->offset;
	size_t		 esz, n = 0, i, j, tlen, oldn;
	void		*arr = NULL, *old;
	const char	*t, *end = v + vlen;
	char		 ea[CONF_ESC_MAX], eb[CONF_ESC_MAX];

	esz = o->type == CONF_T_LISTEN ? sizeof(struct conf_listen) :
	    sizeof(struct conf_addr);
	if (o->max > 0)
		arr = xcalloc(o->max, esz);
	while (v < end) {
		while (v < end && (*v == ',' || is_blank(*v)))
			v++;
		if (v == end)
			break;
		t = v;
		while (v < end && *v != ',' && !is_blank(*v))
			v++;
		tlen = (size_t)(v - t);
		if (n == o->max) {
			snprintf(why, whysz, "more than %lu addresses", o->max);
			goto fail;
		}
		if (o->type == CONF_T_LISTEN) {
			if (listen_parse(t, tlen, (struct conf_listen *)arr + n,
			    why, whysz) == -1)
				goto fail;
		} else if (addr_parse(t, tlen, (struct conf_addr *)arr + n,
		    why, whysz) == -1)
			goto fail;
		n++;
	}
	if (n < o->min) {
		snprintf(why, whysz, "needs at least %lu address%s", o->min,
		    o->min == 1 ? "" : "es");
		goto fail;
	}
	if (o->type == CONF_T_LISTEN) {
		/* Binding one socket twice would only fail at startup. */
		for (i = 0; i < n; i++) {
			for (j = 0; j < i; j++) {
				struct conf_listen	*a, *b;

				a = (struct conf_listen *)arr + i;
				b = (struct conf_listen *)arr + j;
				if (a->type != b->type)
					continue;
				if (a->type == CONF_LISTEN_UNIX) {
					if (strcmp(a->path, b->path) != 0)
						continue;
				} else if (a->family != b->family ||
				    a->port != b->port ||
				    memcmp(a->addr, b->addr, 16) != 0)
					continue;
				snprintf(why, whysz, "\"%s\" repeats \"%s\"",
				    esc(ea, sizeof(ea), a->text,
				    strlen(a->text)),
				    esc(eb, sizeof(eb), b->text,
				    strlen(b->text)));
				goto fail;
			}
		}
	}

	/* Replace the old array; memcpy because its type depends on o. */
	memcpy(&old, base, sizeof(old));
	memcpy(&oldn, base + sizeof(old), sizeof(oldn));
	if (o->type == CONF_T_LISTEN)
		listen_clear(old, oldn);
	else
		addrs_clear(old, oldn);
	if (n == 0) {
		free(arr);
		arr = NULL;
	}
	memcpy(base, &arr, sizeof(arr));
	memcpy(base + sizeof(arr), &n, sizeof(n));
	return 0;

fail:
	/* A failed element has allocated nothing. */
	if (o->type == CONF_T_LISTEN)
		listen_clear(arr, n);
	else
		addrs_clear(arr, n);
	return -1;
}

int
conf_option_set(struct conf *conf, const struct conf_option *o, const char *v,
    size_t vlen, char *why, size_t whysz)
{
	char			 e[CONF_ESC_MAX], lo[32], hi[32];
	char			*base = (char *)conf + o->offset;
	char			**sp;
	unsigned long		 n = 0;
	size_t			 i;
	const char		*what = NULL;
	const struct conf_unit	*units = NULL;

	esc(e, sizeof(e), v, vlen);
	switch (o->type) {
	case CONF_T_PATH:
		if (vlen > 0 && v[0] != '/') {
			snprintf(why, whysz, "\"%s\" is not an absolute path",
			    e);
			return -1;
		}
		/* FALLTHROUGH */
	case CONF_T_STRING:
		sp = (char **)(void *)base;
		free(*sp);
		*sp = xstrndup(v, vlen);
		return 0;
	case CONF_T_UINT:
		if (parse_number(v, vlen, 10, &n) == -1)
			what = "is not a decimal number";
		break;
	case CONF_T_TIME:
		units = conf_time_units;
		if (parse_scaled(v, vlen, units, &n) == -1)
			what = "is not a time (a number with an optional "
			    "unit s, m, h, d or w)";
		break;
	case CONF_T_SIZE:
		units = conf_size_units;
		if (parse_scaled(v, vlen, units, &n) == -1)
			what = "is not a size (a number with an optional "
			    "unit k or m)";
		break;
	case CONF_T_MODE:
		if (parse_number(v, vlen, 8, &n) == -1)
			what = "is not an octal mode";
		break;
	case CONF_T_BOOL:
		if (vlen == 3 && memcmp(v, "yes", 3) == 0)
			*(int *)(void *)base = 1;
		else if (vlen == 2 && memcmp(v, "no", 2) == 0)
			*(int *)(void *)base = 0;
		else {
			snprintf(why, whysz, "\"%s\" is not yes or no", e);
			return -1;
		}
		return 0;
	case CONF_T_ENUM:
		for (i = 0; o->choices[i] != NULL; i++) {
			if (strlen(o->choices[i]) == vlen &&
			    memcmp(o->choices[i], v, vlen) == 0) {
				*(int *)(void *)base = (int)i;
				return 0;
			}
		}
		snprintf(why, whysz, "\"%s\" is not one of", e);
		for (i = 0; o->choices[i] != NULL; i++)
			snprintf(why + strlen(why), whysz - strlen(why),
			    "%s %s", i == 0 ? "" : ",", o->choices[i]);
		return -1;
	case CONF_T_LISTEN:
	case CONF_T_ADDRS:
		return set_list(conf, o, v, vlen, why, whysz);
	}
	if (what != NULL) {
		snprintf(why, whysz, "\"%s\" %s", e, what);
		return -1;
	}
	if (n < o->min || n > o->max) {
		if (units != NULL) {
			fmt_scaled(lo, sizeof(lo), o->min, units);
			fmt_scaled(hi, sizeof(hi), o->max, units);
		} else if (o->type == CONF_T_MODE) {
			snprintf(lo, sizeof(lo), "%#lo", o->min);
			snprintf(hi, sizeof(hi), "%#lo", o->max);
		} else {
			snprintf(lo, sizeof(lo), "%lu", o->min);
			snprintf(hi, sizeof(hi), "%lu", o->max);
		}
		snprintf(why, whysz, "\"%s\" is out of range %s..%s", e, lo,
		    hi);
		return -1;
	}
	*(unsigned *)(void *)base = (unsigned)n;
	return 0;
}

/* "override DOMAIN = POLICY"; dom and pol are trimmed. */
static void
do_override(struct conf_pstate *st, unsigned line, const char *dom,
    size_t dlen, const char *pol, size_t plen)
{
	struct conf		*conf = st->conf;
	struct conf_override	*ov;
	char			 name[DOMAIN_MAX + 1], e[CONF_ESC_MAX];
	const char		*why;

	if (dlen == 0) {
		perr(st, line, "override needs a domain: "
		    "override DOMAIN = POLICY");
		return;
	}
	esc(e, sizeof(e), dom, dlen);
	if (domain_normalize(dom, dlen, name, &why) == -1) {
		perr(st, line, "override \"%s\": %s", e, why);
		return;
	}
	if (plen == 0) {
		perr(st, line, "override %s: empty policy (write \"none\" for "
		    "no policy)", name);
		return;
	}
	if (!(plen == 4 && memcmp(pol, "none", 4) == 0) &&
	    answer_policy_check(pol, plen, &why) == -1) {
		perr(st, line, "override %s: invalid policy \"%s\": %s", name,
		    esc(e, sizeof(e), pol, plen), why);
		return;
	}
	if (conf->noverrides == CONF_OVERRIDES_MAX) {
		if (st->ovr_full == 0) {
			st->ovr_full = line;
			perr(st, line, "more than %d overrides",
			    CONF_OVERRIDES_MAX);
		}
		return;
	}
	if (conf->noverrides == st->ovr_cap) {
		st->ovr_cap = st->ovr_cap == 0 ? 16 : st->ovr_cap * 2;
		conf->overrides = xreallocarray(conf->overrides, st->ovr_cap,
		    sizeof(*conf->overrides));
	}
	ov = &conf->overrides[conf->noverrides++];
	ov->domain = xstrdup(name);
	ov->line = line;
	if (plen == 4 && memcmp(pol, "none", 4) == 0) {
		ov->policy = NULL;
		ov->policy_len = 0;
	} else {
		ov->policy = xstrndup(pol, plen);
		ov->policy_len = plen;
	}
}

/* An unknown name: suggest the closest name within two edits. */
static void
do_unknown(struct conf_pstate *st, unsigned line, const char *key,
    size_t klen)
{
	char		 e[CONF_ESC_MAX];
	const char	*best = NULL;
	size_t		 i, d, bestd = 3, wlen;

	esc(e, sizeof(e), key, klen);
	for (wlen = 0; wlen < klen && !is_blank(key[wlen]); wlen++)
		;
	/* The first word may be a misspelt "override" before its domain. */
	if (edit_distance(key, wlen, "override", 8) <= 2) {
		best = "override";
		bestd = edit_distance(key, wlen, "override", 8);
	}
	for (i = 0; wlen == klen && i < NOPTIONS; i++) {
		d = edit_distance(key, klen, conf_options[i].name,
		    strlen(conf_options[i].name));
		if (d < bestd) {
			bestd = d;
			best = conf_options[i].name;
		}
	}
	if (best != NULL)
		perr(st, line, "unknown option \"%s\"; did you mean \"%s\"?",
		    e, best);
	else
		perr(st, line, "unknown option \"%s\"", e);
}

/* One complete logical line, starting on physical line "line". */
static void
do_line(struct conf_pstate *st, unsigned line, const char *s, size_t len)
{
	const struct conf_option	*o;
	const char			*eq, *key, *val;
	size_t				 klen, vlen, i;
	char				 why[CONF_WHY_MAX];

	if ((eq = memchr(s, '=', len)) == NULL) {
		perr(st, line, "missing '=' (expected \"name = value\")");
		return;
	}
	key = s;
	klen = (size_t)(eq - s);
	val = eq + 1;
	vlen = len - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);
	if (klen == 0) {
		perr(st, line, "missing option name before '='");
		return;
	}
	if (klen >= 8 && memcmp(key, "override", 8) == 0 &&
	    (klen == 8 || is_blank(key[8]))) {
		key += 8;
		klen -= 8;
		trim(&key, &klen);
		do_override(st, line, key, klen, val, vlen);
		return;
	}
	for (i = 0; i < NOPTIONS; i++) {
		o = &conf_options[i];
		if (strlen(o->name) == klen && memcmp(o->name, key, klen) == 0)
			break;
	}
	if (i == NOPTIONS) {
		do_unknown(st, line, key, klen);
		return;
	}
	if (st->set_line[i] != 0) {
		perr(st, line, "duplicate option \"%s\" (first set on line %u)",
		    o->name, st->set_line[i]);
		return;
	}
	st->set_line[i] = line;
	if (conf_option_set(st->conf, o, val, vlen, why, sizeof(why)) == -1)
		perr(st, line, "%s: %s", o->name, why);
}

static void
flush_line(struct conf_pstate *st)
{
	if (st->lstate == LSTATE_OPEN)
		do_line(st, st->lline, st->lbuf, st->llen);
	st->lstate = LSTATE_NONE;
	st->llen = 0;
}

/*
 * One physical line, without its "\n" or "\r\n".  As in Postfix
 * readlline(): comment and blank lines are skipped and do not end a
 * logical line; a line starting with a blank continues it.
 */
static void
physical_line(struct conf_pstate *st, unsigned line, const char *s,
    size_t len)
{
	char		 bad[32];
	size_t		 i, lead, need;
	unsigned char	 c;

	for (lead = 0; lead < len && is_blank(s[lead]); lead++)
		;
	bad[0] = '\0';
	if (len > CONF_LINE_MAX)
		snprintf(bad, sizeof(bad), "line longer than %d bytes",
		    CONF_LINE_MAX);
	else if (memchr(s, '\0', len) != NULL)
		snprintf(bad, sizeof(bad), "NUL byte");
	else {
		for (i = 0; i < len; i++) {
			c = (unsigned char)s[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				snprintf(bad, sizeof(bad),
				    "control character \\x%02x", c);
				break;
			}
		}
		if (i == len && !valid_utf8((const unsigned char *)s, len))
			snprintf(bad, sizeof(bad), "invalid UTF-8");
	}
	if (bad[0] != '\0') {
		perr(st, line, "%s", bad);
		if (lead == len || s[lead] == '#')
			return;
		/* Drop the logical line this one starts or continues. */
		if (lead == 0)
			flush_line(st);
		st->lstate = LSTATE_BAD;
		return;
	}
	if (lead == len || s[lead] == '#')
		return;
	if (lead == 0) {
		flush_line(st);
		if (len > st->lcap) {
			st->lcap = len * 2;
			st->lbuf = xreallocarray(st->lbuf, st->lcap, 1);
		}
		memcpy(st->lbuf, s, len);
		st->llen = len;
		st->lline = line;
		st->lstate = LSTATE_OPEN;
		return;
	}
	switch (st->lstate) {
	case LSTATE_NONE:
		perr(st, line, "continuation line without an option line "
		    "before it");
		st->lstate = LSTATE_BAD;
		return;
	case LSTATE_BAD:
		return;
	}
	/* Join with one space. */
	while (st->llen > 0 && is_blank(st->lbuf[st->llen - 1]))
		st->llen--;
	s += lead;
	len -= lead;
	need = st->llen + 1 + len;
	if (need > st->lcap) {
		st->lcap = need * 2;
		st->lbuf = xreallocarray(st->lbuf, st->lcap, 1);
	}
	st->lbuf[st->llen++] = ' ';
	memcpy(st->lbuf + st->llen, s, len);
	st->llen += len;
}

static int
override_cmp(const void *a, const void *b)
{
	const struct conf_override	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/* Sort for conf_override_find(); the same domain twice is an error. */
static void
check_overrides(struct conf_pstate *st)
{
	struct conf	*conf = st->conf;
	size_t		 i, first = 0;

	if (conf->noverrides == 0)
		return;
	qsort(conf->overrides, conf->noverrides, sizeof(*conf->overrides),
	    override_cmp);
	for (i = 1; i < conf->noverrides; i++) {
		if (strcmp(conf->overrides[i].domain,
		    conf->overrides[first].domain) != 0) {
			first = i;
			continue;
		}
		perr(st, conf->overrides[i].line, "duplicate override for %s "
		    "(first on line %u)", conf->overrides[i].domain,
		    conf->overrides[first].line);
	}
}

/* After everything is read, so that the order of the lines is irrelevant. */
static void
check_listen(struct conf_pstate *st)
{
	struct conf	*conf = st->conf;
	size_t		 i, li;
	char		 e[CONF_ESC_MAX];

	if (conf->listen_remote)
		return;
	for (li = 0; li < NOPTIONS; li++)
		if (conf_options[li].type == CONF_T_LISTEN)
			break;
	for (i = 0; i < conf->nlisten; i++) {
		if (listen_is_loopback(&conf->listen[i]))
			continue;
		/* PF-SM-14: the socketmap has no authentication. */
		perr(st, li < NOPTIONS ? st->set_line[li] : 0,
		    "listen: \"%s\" is not a loopback address and the "
		    "socketmap protocol is unauthenticated; set "
		    "listen_remote = yes to allow it",
		    esc(e, sizeof(e), conf->listen[i].text,
		    strlen(conf->listen[i].text)));
	}
}

/*
 * tlsrpt = yes needs who reports (RPT-6) and a plain address to send
 * from; the submitter is a domain, normally the contact's (RPT-19).
 */
static void
check_tlsrpt(struct conf_pstate *st)
{
	struct conf	*conf = st->conf;
	const char	*at, *why;
	char		 dom[DOMAIN_MAX + 1], e[CONF_ESC_MAX];

	if (*conf->tlsrpt_contact != '\0' &&
	    !conf_valid_address(conf->tlsrpt_contact))
		perr(st, option_line(st, "tlsrpt_contact"), "tlsrpt_contact: "
		    "\"%s\" is not a plain address (user@example.net)",
		    esc(e, sizeof(e), conf->tlsrpt_contact,
		    strlen(conf->tlsrpt_contact)));
	if (*conf->tlsrpt_submitter != '\0' &&
	    domain_normalize(conf->tlsrpt_submitter,
	    strlen(conf->tlsrpt_submitter), dom, &why) == -1)
		perr(st, option_line(st, "tlsrpt_submitter"),
		    "tlsrpt_submitter: \"%s\" is not a domain: %s",
		    esc(e, sizeof(e), conf->tlsrpt_submitter,
		    strlen(conf->tlsrpt_submitter)), why);
	if (!conf->tlsrpt)
		return;
	if (*conf->tlsrpt_organization == '\0')
		perr(st, option_line(st, "tlsrpt"), "tlsrpt = yes needs "
		    "tlsrpt_organization (the reports' organization-name)");
	if (*conf->tlsrpt_contact == '\0')
		perr(st, option_line(st, "tlsrpt"), "tlsrpt = yes needs "
		    "tlsrpt_contact (the reports' contact-info)");
	else if (*conf->tlsrpt_submitter == '\0' &&
	    (at = strrchr(conf->tlsrpt_contact, '@')) != NULL &&
	    domain_normalize(at + 1, strlen(at + 1), dom, &why) == -1)
		perr(st, option_line(st, "tlsrpt_contact"), "tlsrpt_contact: "
		    "its domain is not a domain (%s); set tlsrpt_submitter",
		    why);
}

/* The line that set option name, or 0 (after the last line). */
static unsigned
option_line(const struct conf_pstate *st, const char *name)
{
	const struct conf_option	*o = conf_option_find(name);

	return o == NULL ? 0 : st->set_line[o - conf_options];
}

const char *
conf_tlsrpt_submitter(const struct conf *conf)
{
	const char	*at;

	if (*conf->tlsrpt_submitter != '\0')
		return conf->tlsrpt_submitter;
	at = strrchr(conf->tlsrpt_contact, '@');
	return at != NULL ? at + 1 : "";
}

/*
 * A plain address for contact-info and a sendmail envelope: local@domain,
 * printable ASCII without blanks, quotes, brackets, commas or colons (no
 * "mailto:"), not starting with '-' (it becomes a sendmail argument).
 */
int
conf_valid_address(const char *s)
{
	const char	*at = strrchr(s, '@');
	size_t		 i;

	if (at == NULL || at == s || at[1] == '\0' || *s == '-' ||
	    strlen(s) > 254)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || strchr("\"<>,;:()[]\\",
		    s[i]) != NULL)
			return 0;
	return 1;
}

/* The built-in defaults are config text too; a bad one is a build bug. */
static void
apply_defaults(struct conf_pstate *st)
{
	const struct conf_option	*o;
	size_t				 i;
	char				 why[CONF_WHY_MAX];

	for (i = 0; i < NOPTIONS; i++) {
		o = &conf_options[i];
		if (st->set_line[i] != 0)
			continue;
		if (conf_option_set(st->conf, o, o->def, strlen(o->def), why,
		    sizeof(why)) == -1)
			fatalx("built-in default of %s: %s", o->name, why);
	}
}

int
conf_parse(const char *buf, size_t len, const char *filename,
    struct conf **confp, struct conf_errors *errs)
{
	struct conf_pstate	 st;
	const char		*p, *nl;
	size_t			 off = 0, llen, i, keep;
	unsigned		 line = 0;
	char			*efile;

	if (filename == NULL)
		filename = "(config)";
	memset(&st, 0, sizeof(st));
	st.conf = xcalloc(1, sizeof(*st.conf));
	st.conf->file = xstrdup(filename);
	efile = xmalloc(strlen(filename) * 4 + 1);
	for (p = filename, i = 0; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(efile + i, 5, "\\x%02x", (unsigned char)*p);
			i += 4;
		} else
			efile[i++] = *p;
	}
	efile[i] = '\0';
	st.file = efile;

	while (off < len) {
		p = buf + off;
		if ((nl = memchr(p, '\n', len - off)) != NULL) {
			llen = (size_t)(nl - p);
			off += llen + 1;
		} else {
			llen = len - off;
			off = len;
		}
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		if (line < UINT_MAX)
			line++;
		physical_line(&st, line, p, llen);
	}
	flush_line(&st);
	free(st.lbuf);

	apply_defaults(&st);
	st.post = 1;
	check_listen(&st);
	check_overrides(&st);
	check_tlsrpt(&st);

	if (st.nerrs > 0) {
		qsort(st.errs, st.nerrs, sizeof(*st.errs), perr_cmp);
		keep = st.nerrs > CONF_ERRORS_MAX ? CONF_ERRORS_MAX : st.nerrs;
		if (errs != NULL) {
			errs->msg = xreallocarray(errs->msg, errs->n + keep + 1,
			    sizeof(*errs->msg));
			for (i = 0; i < keep; i++) {
				errs->msg[errs->n++] = st.errs[i].msg;
				st.errs[i].msg = NULL;
			}
			if (st.total > CONF_ERRORS_MAX)
				xasprintf(&errs->msg[errs->n++],
				    "%s: too many errors", st.file);
		}
		for (i = 0; i < st.nerrs; i++)
			free(st.errs[i].msg);
		free(st.errs);
		free(st.file);
		conf_free(st.conf);
		*confp = NULL;
		return -1;
	}
	free(st.file);
	*confp = st.conf;
	return 0;
}

struct conf *
conf_defaults(void)
{
	struct conf	*conf;

	if (conf_parse("", 0, "(defaults)", &conf, NULL) == -1)
		fatalx("%s: the built-in defaults do not parse", __func__);
	return conf;
}

void
conf_free(struct conf *conf)
{
	const struct conf_option	*o;
	size_t				 i;

	if (conf == NULL)
		return;
	for (i = 0; i < NOPTIONS; i++) {
		o = &conf_options[i];
		if (o->type == CONF_T_STRING || o->type == CONF_T_PATH)
			free(*(char **)(void *)((char *)conf + o->offset));
	}
	listen_clear(conf->listen, conf->nlisten);
	addrs_clear(conf->resolvers, conf->nresolvers);
	for (i = 0; i < conf->noverrides; i++) {
		free(conf->overrides[i].domain);
		free(conf->overrides[i].policy);
	}
	free(conf->overrides);
	free(conf->file);
	free(conf);
}

void
conf_errors_clear(struct conf_errors *errs)
{
	size_t	i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

const struct conf_option *
conf_option_find(const char *name)
{
	size_t	i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NOPTIONS; i++)
		if (strcmp(conf_options[i].name, name) == 0)
			return &conf_options[i];
	return NULL;
}

static int
override_key_cmp(const void *key, const void *elem)
{
	const struct conf_override	*ov = elem;

	return strcmp(key, ov->domain);
}

const struct conf_override *
conf_override_find(const struct conf *conf, const char *domain)
{
	if (conf == NULL || domain == NULL || conf->noverrides == 0)
		return NULL;
	return bsearch(domain, conf->overrides, conf->noverrides,
	    sizeof(*conf->overrides), override_key_cmp);
}

char *
conf_option_format(const struct conf *conf, const struct conf_option *o)
{
	const char		*base = (const char *)conf + o->offset;
	const struct conf_listen *l;
	const struct conf_addr	*a;
	char			 num[32], host[INET6_ADDRSTRLEN];
	char			*out = NULL, *prev;
	size_t			 i;
	unsigned		 u;
	int			 v;

	switch (o->type) {
	case CONF_T_STRING:
	case CONF_T_PATH:
		return xstrdup(*(char *const *)(const void *)base);
	case CONF_T_UINT:
		u = *(const unsigned *)(const void *)base;
		snprintf(num, sizeof(num), "%u", u);
		return xstrdup(num);
	case CONF_T_TIME:
	case CONF_T_SIZE:
		u = *(const unsigned *)(const void *)base;
		fmt_scaled(num, sizeof(num), u, o->type == CONF_T_TIME ?
		    conf_time_units : conf_size_units);
		return xstrdup(num);
	case CONF_T_MODE:
		u = *(const unsigned *)(const void *)base;
		snprintf(num, sizeof(num), "%04o", u);
		return xstrdup(num);
	case CONF_T_BOOL:
		v = *(const int *)(const void *)base;
		return xstrdup(v ? "yes" : "no");
	case CONF_T_ENUM:
		v = *(const int *)(const void *)base;
		for (i = 0; o->choices[i] != NULL; i++)
			if ((int)i == v)
				return xstrdup(o->choices[i]);
		return xstrdup("?");
	case CONF_T_LISTEN:
		for (i = 0; i < conf->nlisten; i++) {
			l = &conf->listen[i];
			prev = out;
			if (l->type == CONF_LISTEN_UNIX)
				xasprintf(&out, "%s%sunix:%s", prev ? prev : "",
				    prev ? ", " : "", l->path);
			else {
				inet_ntop(l->family, l->addr, host,
				    sizeof(host));
				xasprintf(&out, "%s%sinet:%s%s%s:%u",
				    prev ? prev : "", prev ? ", " : "",
				    l->family == AF_INET6 ? "[" : "", host,
				    l->family == AF_INET6 ? "]" : "",
				    (unsigned)l->port);
			}
			free(prev);
		}
		return out != NULL ? out : xstrdup("");
	case CONF_T_ADDRS:
		for (i = 0; i < conf->nresolvers; i++) {
			a = &conf->resolvers[i];
			prev = out;
			inet_ntop(a->family, a->addr, host, sizeof(host));
			if (a->port == 53)
				num[0] = '\0';
			else
				snprintf(num, sizeof(num), "@%u",
				    (unsigned)a->port);
			xasprintf(&out, "%s%s%s%s", prev ? prev : "",
			    prev ? ", " : "", host, num);
			free(prev);
		}
		return out != NULL ? out : xstrdup("");
	}
	return xstrdup("");
}

void
conf_restart_diff(const struct conf *a, const struct conf *b, char **out)
{
	const struct conf_option	*o;
	char				*va, *vb, *prev;
	size_t				 i;

	*out = NULL;
	for (i = 0; i < NOPTIONS; i++) {
		o = &conf_options[i];
		if ((o->flags & CONF_F_RESTART) == 0)
			continue;
		va = conf_option_format(a, o);
		vb = conf_option_format(b, o);
		if (strcmp(va, vb) != 0) {
			prev = *out;
			xasprintf(out, "%s%s%s", prev ? prev : "",
			    prev ? ", " : "", o->name);
			free(prev);
		}
		free(va);
		free(vb);
	}
}
