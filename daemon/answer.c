/*
 * answer.c: spell answers in Postfix's TLS policy grammar.  Pure: no I/O.
 *
 * The STS answer is built in one pass into the caller's buffer; nothing is
 * allocated.  The override check follows Postfix's own policy parser
 * (smtp_tls_policy.c: tls_policy_lookup_one) and the value checks behind
 * it, so that an override that passes here is one that Postfix accepts.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "answer.h"
#include "bounds.h"
#include "domain.h"
#include "sts.h"

/* A bounded string builder over a caller's buffer. */
struct sbuf {
	char	*buf;
	size_t	 cap;		/* usable bytes, excluding the NUL */
	size_t	 len;
	int	 overflow;
};

static void	sb_add(struct sbuf *, const char *, size_t);
static void	sb_str(struct sbuf *, const char *);
static void	format_plain(struct sbuf *, const struct sts_policy *);
static void	format_tlsrpt(struct sbuf *, const struct sts_policy *,
		    const char *, int);
static int	brace_safe(const char *);

int
answer_profile(const char *name, size_t len)
{
	if (len == sizeof(ANSWER_MAP_POSTFIX) - 1 &&
	    memcmp(name, ANSWER_MAP_POSTFIX, len) == 0)
		return ANSWER_PROFILE_POSTFIX;
	if (len == sizeof(ANSWER_MAP_TLSRPT) - 1 &&
	    memcmp(name, ANSWER_MAP_TLSRPT, len) == 0)
		return ANSWER_PROFILE_TLSRPT;
	return -1;
}

const char *
answer_status_str(enum answer_status s)
{
	switch (s) {
	case ANSWER_OK:
		return "OK";
	case ANSWER_TEMP:
		return "TEMP";
	case ANSWER_PERM:
		return "PERM";
	case ANSWER_NOTFOUND:
		break;
	}
	return "NOTFOUND";
}

const char *
answer_source_str(enum answer_source s)
{
	switch (s) {
	case ANSWER_SRC_KEY:
		return "key";
	case ANSWER_SRC_OVERRIDE:
		return "override";
	case ANSWER_SRC_CACHE:
		return "cache";
	case ANSWER_SRC_FETCH:
		return "fetch";
	case ANSWER_SRC_STALE:
		return "stale";
	case ANSWER_SRC_NEGATIVE:
		return "negative";
	case ANSWER_SRC_DNS:
		return "dns";
	case ANSWER_SRC_BUSY:
		return "busy";
	}
	return "unknown";
}

static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->overflow || n > sb->cap - sb->len) {
		sb->overflow = 1;
		return;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* PF-POL-10: secure match=<M> servername=hostname, "*.x" becomes ".x". */
static void
format_plain(struct sbuf *sb, const struct sts_policy *pol)
{
	size_t	i;

	sb_str(sb, "secure match=");
	for (i = 0; i < pol->nmx; i++) {
		const char *p = pol->mx[i];

		if (i > 0)
			sb_add(sb, ":", 1);
		if (p[0] == '*' && p[1] == '.')
			p++;
		sb_str(sb, p);
	}
	sb_str(sb, " servername=hostname");
}

/*
 * PF-POL-16: a policy line goes inside "{ policy_string = ... }" only if it
 * has no braces, no control characters and nothing outside ASCII.
 */
static int
brace_safe(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f || c == '{' || c == '}')
			return 0;
	}
	return 1;
}

/* PF-POL-12/13: the attributes Postfix >= 3.10 reads for TLSRPT. */
static void
format_tlsrpt(struct sbuf *sb, const struct sts_policy *pol,
    const char *domain, int with_strings)
{
	size_t	i;

	sb_str(sb, " policy_type=sts policy_domain=");
	sb_str(sb, domain);
	for (i = 0; i < pol->nmx; i++) {
		sb_str(sb, " mx_host_pattern=");
		sb_str(sb, pol->mx[i]);
	}
	if (!with_strings)
		return;
	for (i = 0; i < pol->nlines; i++) {
		if (!brace_safe(pol->lines[i]))
			continue;
		sb_str(sb, " { policy_string = ");
		sb_str(sb, pol->lines[i]);
		sb_str(sb, " }");
	}
}

size_t
answer_format_sts(const struct sts_policy *pol, const char *policy_domain,
    enum answer_profile profile, char *buf, size_t bufsz)
{
	struct sbuf	sb;
	int		attempt;

	if (bufsz == 0 || pol->nmx == 0)
		return 0;
	sb.buf = buf;
	sb.cap = bufsz - 1;
	if (sb.cap > SOCKMAP_REPLY_MAX - 3)	/* room for "OK " */
		sb.cap = SOCKMAP_REPLY_MAX - 3;

	/*
	 * PF-POL-17: full form first, then without policy strings, then the
	 * plain form; TEMP (return 0) only if even that does not fit.
	 */
	attempt = profile == ANSWER_PROFILE_TLSRPT ? 0 : 2;
	for (; attempt < 3; attempt++) {
		sb.len = 0;
		sb.overflow = 0;
		format_plain(&sb, pol);
		if (attempt < 2)
			format_tlsrpt(&sb, pol, policy_domain, attempt == 0);
		if (!sb.overflow) {
			buf[sb.len] = '\0';
			return sb.len;
		}
	}
	buf[0] = '\0';
	return 0;
}

/*
 * Override check.  Tokens are separated by blanks and commas, as in
 * Postfix's smtp_tls_policy.c (mystrtok with "\t\n\r ,").  The brace form
 * "{ name = value }" exists only from Postfix 3.10 on, and an override is
 * served to every Postfix version, so it is refused.
 */

#define ATTR_ONCE	0x01	/* may appear once */
#define ATTR_PKIX	0x02	/* only at verify and secure */
#define ATTR_MATCH	0x04	/* only at fingerprint, verify, secure */
#define ATTR_YESNO	0x08	/* value is yes or no */
#define ATTR_HOST	0x10	/* value is a host name or a keyword */

static const struct {
	const char	*name;
	int		 flags;
} policy_attrs[] = {
	{ "ciphers",		ATTR_ONCE },
	{ "protocols",		ATTR_ONCE },
	{ "exclude",		ATTR_ONCE },
	{ "servername",		ATTR_ONCE | ATTR_HOST },
	{ "connection_reuse",	ATTR_ONCE | ATTR_YESNO },
	{ "enable_rpk",		ATTR_ONCE | ATTR_YESNO },	/* >= 3.9 */
	{ "match",		ATTR_MATCH },
	{ "tafile",		ATTR_PKIX },
};

/* In Postfix's order of strength; the ATTR_ checks rely on it. */
static const char *const policy_levels[] = {
	"may", "encrypt", "dane", "dane-only", "fingerprint", "verify",
	"secure"
};
#define LEVEL_FINGERPRINT	4
#define LEVEL_VERIFY		5

#define NATTRS	(sizeof(policy_attrs) / sizeof(policy_attrs[0]))
#define NLEVELS	(sizeof(policy_levels) / sizeof(policy_levels[0]))

static int	is_sep(char);
static int	word_is(const char *, size_t, const char *);
static const char *check_value(int, const char *, size_t);

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

static int
word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/* The value rules of one attribute; NULL if fine, else why not. */
static const char *
check_value(int flags, const char *val, size_t vlen)
{
	if ((flags & ATTR_YESNO) && !word_is(val, vlen, "yes") &&
	    !word_is(val, vlen, "no"))
		return "attribute value must be yes or no";
	/* PF-POL-7: "hostname", "nexthop", or a valid host name. */
	if ((flags & ATTR_HOST) && !word_is(val, vlen, "hostname") &&
	    !word_is(val, vlen, "nexthop") && !domain_valid_ldh(val, vlen))
		return "servername= must be hostname, nexthop or a host name";
	return NULL;
}

int
answer_policy_check(const char *text, size_t len, const char **why)
{
	const char	*tok, *eq;
	size_t		 i, pos, n, level, a, tlen;
	unsigned	 seen = 0;
	int		 match = 0;

	if (len > SOCKMAP_REPLY_MAX - 3) {
		*why = "policy too long";
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			*why = "policy has control or non-ASCII characters";
			return -1;
		}
		if (c == '{' || c == '}') {
			*why = "the { name = value } form needs Postfix 3.10; "
			    "values here cannot contain blanks";
			return -1;
		}
	}
	for (pos = 0; pos < len && is_sep(text[pos]); pos++)
		;
	for (n = pos; n < len && !is_sep(text[n]); n++)
		;
	if (n == pos) {
		*why = "empty policy";
		return -1;
	}
	for (level = 0; level < NLEVELS; level++)
		if (word_is(text + pos, n - pos, policy_levels[level]))
			break;
	if (level == NLEVELS) {
		if (word_is(text + pos, n - pos, "none"))
			*why = "level \"none\" would disable TLS: write "
			    "\"none\" alone for \"no MTA-STS policy\"";
		else
			*why = "unknown TLS security level";
		return -1;
	}

	/* Each attribute: name=value, checked as Postfix checks it. */
	for (pos = n;; pos += tlen) {
		while (pos < len && is_sep(text[pos]))
			pos++;
		if (pos == len)
			break;
		tok = text + pos;
		for (tlen = 0; pos + tlen < len && !is_sep(tok[tlen]); tlen++)
			;
		if ((eq = memchr(tok, '=', tlen)) == NULL || eq == tok) {
			*why = "attribute is not name=value";
			return -1;
		}
		n = (size_t)(eq - tok);
		if (n > 7 && strncasecmp(tok, "policy_", 7) == 0) {
			*why = "policy_* attributes are mtastsd's own";
			return -1;
		}
		if (word_is(tok, n, "mx_host_pattern")) {
			*why = "mx_host_pattern is mtastsd's own";
			return -1;
		}
		for (a = 0; a < NATTRS; a++)
			if (word_is(tok, n, policy_attrs[a].name))
				break;
		if (a == NATTRS) {
			*why = "unknown attribute";
			return -1;
		}
		if (eq + 1 == tok + tlen && strcmp(policy_attrs[a].name,
		    "protocols") != 0) {
			*why = "attribute with an empty value";
			return -1;
		}
		if ((policy_attrs[a].flags & ATTR_ONCE) && (seen & (1u << a))) {
			*why = "attribute given twice";
			return -1;
		}
		seen |= 1u << a;
		if ((*why = check_value(policy_attrs[a].flags, eq + 1,
		    tlen - n - 1)) != NULL)
			return -1;
		/* PF-POL-3: match only with fingerprint, verify, secure. */
		if (policy_attrs[a].flags & ATTR_MATCH) {
			if (level < LEVEL_FINGERPRINT) {
				*why = "match= needs level fingerprint, verify "
				    "or secure";
				return -1;
			}
			match = 1;
		}
		if ((policy_attrs[a].flags & ATTR_PKIX) &&
		    level < LEVEL_VERIFY) {
			*why = "tafile= needs level verify or secure";
			return -1;
		}
	}
	if (level == LEVEL_FINGERPRINT && !match) {
		*why = "level fingerprint needs match= with the fingerprints";
		return -1;
	}
	*why = "ok";
	return 0;
}
