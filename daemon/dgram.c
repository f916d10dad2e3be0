/*
 * dgram.c: a libtlsrpt datagram (the format is in dgram.h) into a struct
 * rpt_session.  Pure: no I/O, no allocation, no clock.
 *
 * Schema on top of json.c: json.c checks the bytes, this file checks the
 * members, their types, codes and the rpt.h limits.  The datagram comes
 * from the local Postfix, but anything that can write to the socket can
 * send one, so it is treated as untrusted input all the same.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dgram.h"
#include "json.h"

#define KEY_MAX		32	/* longer keys are no key we know */
#define CTX_BUF		64	/* "policies[%d].failure-details[%d]: " */
#define DPV_BUF		16

/* Members seen in one object, to refuse repeats and spot missing ones. */
#define SEEN(bit)	(1u << (bit))

enum top_key { TOP_D, TOP_PR, TOP_DPV, TOP_POLICIES };
enum pol_key {
	POL_TYPE, POL_DOMAIN, POL_STRINGS, POL_MX, POL_FAILURES, POL_T, POL_F
};
enum fail_key { FD_C, FD_S, FD_N, FD_H, FD_R, FD_A, FD_F };

struct dg {
	struct json_reader	 r;
	struct parse_err	 jerr;	/* json.c's own error */
	struct parse_err	*err;
	struct dgram_buf	*db;
	int			 ipol;	/* index for messages, or -1 */
	int			 ifail;
};

/* tlsrpt.h tlsrpt_failure_t and rpt.h enum rpt_result, side by side. */
static const struct {
	int		code;
	enum rpt_result	result;
} result_codes[] = {
	{ 201, RPT_RESULT_STARTTLS_NOT_SUPPORTED },
	{ 202, RPT_RESULT_CERT_HOST_MISMATCH },
	{ 203, RPT_RESULT_CERT_NOT_TRUSTED },
	{ 204, RPT_RESULT_CERT_EXPIRED },
	{ 205, RPT_RESULT_VALIDATION_FAILURE },
	{ 301, RPT_RESULT_STS_POLICY_FETCH_ERROR },
	{ 302, RPT_RESULT_STS_POLICY_INVALID },
	{ 303, RPT_RESULT_STS_WEBPKI_INVALID },
	{ 304, RPT_RESULT_TLSA_INVALID },
	{ 305, RPT_RESULT_DNSSEC_INVALID },
	{ 306, RPT_RESULT_DANE_REQUIRED }
};

static void	dg_fail(struct dg *, size_t, int, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static int	dg_json(struct dg *);
static const char *ctx(struct dg *, char *, size_t);
static int	key_is(const char *, size_t, const char *);
static int	seen(struct dg *, unsigned *, unsigned, const char *, size_t);
static int	expect(struct dg *, enum json_type, const char *);
static int	get_str(struct dg *, const char *, size_t, const char **);
static int	get_int(struct dg *, const char *, int64_t *);
static int	get_str_array(struct dg *, const char *, const char **,
		    size_t, size_t *);
static int	get_dpv(struct dg *);
static const char **failure_member(struct rpt_failure *, unsigned);
static int	get_failure(struct dg *, struct rpt_failure *);
static int	get_failures(struct dg *, struct rpt_policy *);
static int	get_policy(struct dg *, struct rpt_policy *);
static int	get_policies(struct dg *, struct rpt_session *);
static int	get_top(struct dg *, struct rpt_session *);

static void
dg_fail(struct dg *d, size_t off, int code, const char *fmt, ...)
{
	char	msg[PARSE_ERR_MSG_MAX], where[CTX_BUF];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parse_err_set(d->err, 0, off == (size_t)-1 ? 0 : (unsigned)(off + 1),
	    code, "%s%s", ctx(d, where, sizeof(where)), msg);
}

/* Hand json.c's error on, in dgram_err terms. */
static int
dg_json(struct dg *d)
{
	char	where[CTX_BUF];
	int	code;

	switch (d->jerr.code) {
	case JSON_ERR_TYPE:
	case JSON_ERR_RANGE:
		code = DGRAM_ERR_SCHEMA;
		break;
	case JSON_ERR_TOO_LONG:
		code = DGRAM_ERR_LIMIT;
		break;
	default:
		code = DGRAM_ERR_JSON;
		break;
	}
	parse_err_set(d->err, 0, d->jerr.col, code, "%s%s",
	    ctx(d, where, sizeof(where)), d->jerr.msg);
	return -1;
}

/* "policies[1].failure-details[0]: ", for messages. */
static const char *
ctx(struct dg *d, char *buf, size_t bufsz)
{
	buf[0] = '\0';
	if (d->ipol >= 0 && d->ifail >= 0)
		(void)snprintf(buf, bufsz, "policies[%d].failure-details[%d]: ",
		    d->ipol, d->ifail);
	else if (d->ipol >= 0)
		(void)snprintf(buf, bufsz, "policies[%d]: ", d->ipol);
	return buf;
}

/* Keys compare by length first: they may hold NUL or be cut. */
static int
key_is(const char *key, size_t keylen, const char *want)
{
	return keylen == strlen(want) && memcmp(key, want, keylen) == 0;
}

/* Mark a member as seen; a second one is an error. */
static int
seen(struct dg *d, unsigned *set, unsigned bit, const char *name,
    size_t off)
{
	if (*set & SEEN(bit)) {
		dg_fail(d, off, DGRAM_ERR_SCHEMA, "\"%s\" appears twice "
		    "(offset %zu)", name, off);
		return -1;
	}
	*set |= SEEN(bit);
	return 0;
}

/* The next value must be of type t. */
static int
expect(struct dg *d, enum json_type t, const char *name)
{
	enum json_type	got;
	size_t		off;

	if ((got = json_peek(&d->r)) == JSON_NONE)
		return dg_json(d);
	if (got == t)
		return 0;
	off = json_offset(&d->r);
	dg_fail(d, off, DGRAM_ERR_SCHEMA, "%s must be %s, not %s (offset %zu)",
	    name, json_type_str(t), json_type_str(got), off);
	return -1;
}

/* A string of at most max bytes, decoded into the arena. */
static int
get_str(struct dg *d, const char *name, size_t max, const char **out)
{
	struct dgram_buf	*db = d->db;
	char			*dst;
	size_t			 cap, n, off;

	if (expect(d, JSON_STRING, name) == -1)
		return -1;
	off = json_offset(&d->r);
	dst = db->arena + db->used;
	cap = sizeof(db->arena) - db->used;
	if (cap > max + 1)
		cap = max + 1;
	if (json_get_string(&d->r, dst, cap, &n) == -1) {
		if (d->jerr.code == JSON_ERR_TOO_LONG && cap == max + 1) {
			dg_fail(d, off, DGRAM_ERR_LIMIT, "%s is longer than "
			    "%zu bytes (offset %zu)", name, max, off);
			return -1;
		}
		return dg_json(d);
	}
	/* libtlsrpt cannot send \u0000; a C string cannot hold it. */
	if (memchr(dst, '\0', n) != NULL) {
		dg_fail(d, off, DGRAM_ERR_SCHEMA, "%s contains a NUL "
		    "character (offset %zu)", name, off);
		return -1;
	}
	db->used += n + 1;
	*out = dst;
	return 0;
}

static int
get_int(struct dg *d, const char *name, int64_t *v)
{
	size_t	off;

	if (expect(d, JSON_NUMBER, name) == -1)
		return -1;
	off = json_offset(&d->r);
	if (json_get_int(&d->r, v) == -1) {
		if (d->jerr.code == JSON_ERR_RANGE) {
			dg_fail(d, off, DGRAM_ERR_SCHEMA, "%s must be an "
			    "integer in range (offset %zu)", name, off);
			return -1;
		}
		return dg_json(d);
	}
	return 0;
}

/* policy-string, mx-host: an array of at most max strings. */
static int
get_str_array(struct dg *d, const char *name, const char **v, size_t max,
    size_t *n)
{
	size_t	off;
	int	rc;

	if (expect(d, JSON_ARRAY, name) == -1)
		return -1;
	if (json_array_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_array_next(&d->r)) == 1) {
		off = json_offset(&d->r);
		if (*n == max) {
			dg_fail(d, off, DGRAM_ERR_LIMIT, "more than %zu "
			    "entries in %s (offset %zu)", max, name, off);
			return -1;
		}
		if (get_str(d, name, RPT_STRING_MAX, &v[*n]) == -1)
			return -1;
		(*n)++;
	}
	return rc == -1 ? dg_json(d) : 0;
}

/*
 * "dpv": tlsrpt-reporter wants the string "1".  The integer 1 is taken as
 * well, as no source we have shows which one libtlsrpt writes.
 */
static int
get_dpv(struct dg *d)
{
	char		v[DPV_BUF];
	size_t		off, n;
	int64_t		i;
	enum json_type	t;

	if ((t = json_peek(&d->r)) == JSON_NONE)
		return dg_json(d);
	off = json_offset(&d->r);
	if (t == JSON_STRING) {
		if (json_get_string(&d->r, v, sizeof(v), &n) == -1) {
			if (d->jerr.code != JSON_ERR_TOO_LONG)
				return dg_json(d);
			n = 0;
			v[0] = '\0';
		}
		if (n == 1 && v[0] == '1') {
			d->db->dpv = 1;
			return 0;
		}
	} else if (t == JSON_NUMBER) {
		if (json_get_int(&d->r, &i) == -1) {
			if (d->jerr.code != JSON_ERR_RANGE)
				return dg_json(d);
			i = 0;
		}
		if (i == 1) {
			d->db->dpv = 1;
			return 0;
		}
	} else {
		dg_fail(d, off, DGRAM_ERR_SCHEMA, "\"dpv\" must be a string, "
		    "not %s (offset %zu)", json_type_str(t), off);
		return -1;
	}
	dg_fail(d, off, DGRAM_ERR_VERSION, "unsupported datagram protocol "
	    "version (\"dpv\" at offset %zu); only 1 is known", off);
	return -1;
}

/* Where the string of failure-details member bit goes. */
static const char **
failure_member(struct rpt_failure *f, unsigned bit)
{
	switch (bit) {
	case FD_S:
		return &f->sending_mta_ip;
	case FD_N:
		return &f->receiving_mx_hostname;
	case FD_H:
		return &f->receiving_mx_helo;
	case FD_R:
		return &f->receiving_ip;
	case FD_A:
		return &f->additional_information;
	default:
		return &f->failure_reason_code;
	}
}

static int
get_failure(struct dg *d, struct rpt_failure *f)
{
	static const struct {
		const char	*key;
		const char	*name;
		unsigned	 bit;
	} strs[] = {
		{ "s", "\"s\" (sending-mta-ip)", FD_S },
		{ "n", "\"n\" (receiving-mx-hostname)", FD_N },
		{ "h", "\"h\" (receiving-mx-helo)", FD_H },
		{ "r", "\"r\" (receiving-ip)", FD_R },
		{ "a", "\"a\" (additional-information)", FD_A },
		{ "f", "\"f\" (failure-reason-code)", FD_F }
	};
	char		 key[KEY_MAX];
	size_t		 keylen, off, start, i;
	unsigned	 set = 0;
	int64_t		 c;
	int		 rc, known;

	if (expect(d, JSON_OBJECT, "a failure-details entry") == -1)
		return -1;
	start = json_offset(&d->r);
	if (json_object_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_object_next(&d->r, key, sizeof(key), &keylen))
	    == 1) {
		off = json_offset(&d->r);
		if (key_is(key, keylen, "c")) {
			if (seen(d, &set, FD_C, "c", off) == -1 ||
			    get_int(d, "\"c\" (result code)", &c) == -1)
				return -1;
			for (i = 0; i < sizeof(result_codes) /
			    sizeof(result_codes[0]); i++)
				if (result_codes[i].code == c)
					break;
			if (i == sizeof(result_codes) /
			    sizeof(result_codes[0])) {
				dg_fail(d, off, DGRAM_ERR_CODE, "unknown "
				    "result code %lld in \"c\" (offset %zu)",
				    (long long)c, off);
				return -1;
			}
			f->result = result_codes[i].result;
			continue;
		}
		known = 0;
		for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
			if (!key_is(key, keylen, strs[i].key))
				continue;
			if (seen(d, &set, strs[i].bit, strs[i].key, off) ==
			    -1 || get_str(d, strs[i].name, RPT_STRING_MAX,
			    failure_member(f, strs[i].bit)) == -1)
				return -1;
			known = 1;
			break;
		}
		if (!known && json_skip_value(&d->r) == -1)
			return dg_json(d);
	}
	if (rc == -1)
		return dg_json(d);
	if (!(set & SEEN(FD_C))) {
		dg_fail(d, start, DGRAM_ERR_SCHEMA, "no \"c\" (result code) "
		    "in the entry at offset %zu", start);
		return -1;
	}
	return 0;
}

static int
get_failures(struct dg *d, struct rpt_policy *p)
{
	size_t	off;
	int	rc;

	if (expect(d, JSON_ARRAY, "\"failure-details\"") == -1)
		return -1;
	if (json_array_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_array_next(&d->r)) == 1) {
		off = json_offset(&d->r);
		if (p->nfailures == RPT_FAILURES_MAX) {
			dg_fail(d, off, DGRAM_ERR_LIMIT, "more than %d "
			    "entries in \"failure-details\" (offset %zu)",
			    RPT_FAILURES_MAX, off);
			return -1;
		}
		d->ifail = (int)p->nfailures;
		if (get_failure(d, &p->failures[p->nfailures]) == -1)
			return -1;
		d->ifail = -1;
		p->nfailures++;
	}
	return rc == -1 ? dg_json(d) : 0;
}

static int
get_policy(struct dg *d, struct rpt_policy *p)
{
	char		 key[KEY_MAX];
	size_t		 keylen, off, start;
	unsigned	 set = 0;
	int64_t		 v, t = 0;
	int		 rc;

	if (expect(d, JSON_OBJECT, "a \"policies\" entry") == -1)
		return -1;
	start = json_offset(&d->r);
	if (json_object_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_object_next(&d->r, key, sizeof(key), &keylen))
	    == 1) {
		off = json_offset(&d->r);
		if (key_is(key, keylen, "policy-type")) {
			if (seen(d, &set, POL_TYPE, "policy-type", off) ==
			    -1 || get_int(d, "\"policy-type\"", &v) == -1)
				return -1;
			/* tlsrpt.h tlsrpt_policy_type_t */
			if (v == 1)
				p->type = RPT_POLICY_TLSA;
			else if (v == 2)
				p->type = RPT_POLICY_STS;
			else if (v == 9)
				p->type = RPT_POLICY_NONE;
			else {
				dg_fail(d, off, DGRAM_ERR_CODE, "unknown "
				    "policy-type %lld (offset %zu)",
				    (long long)v, off);
				return -1;
			}
		} else if (key_is(key, keylen, "policy-domain")) {
			if (seen(d, &set, POL_DOMAIN, "policy-domain", off) ==
			    -1 || get_str(d, "\"policy-domain\"",
			    RPT_STRING_MAX, &p->domain) == -1)
				return -1;
		} else if (key_is(key, keylen, "policy-string")) {
			if (seen(d, &set, POL_STRINGS, "policy-string", off) ==
			    -1 || get_str_array(d, "\"policy-string\"",
			    p->strings, RPT_STRINGS_MAX, &p->nstrings) == -1)
				return -1;
		} else if (key_is(key, keylen, "mx-host")) {
			if (seen(d, &set, POL_MX, "mx-host", off) == -1 ||
			    get_str_array(d, "\"mx-host\"", p->mx, RPT_MX_MAX,
			    &p->nmx) == -1)
				return -1;
		} else if (key_is(key, keylen, "failure-details")) {
			if (seen(d, &set, POL_FAILURES, "failure-details",
			    off) == -1 || get_failures(d, p) == -1)
				return -1;
		} else if (key_is(key, keylen, "t")) {
			if (seen(d, &set, POL_T, "t", off) == -1 ||
			    get_int(d, "\"t\" (failure count)", &t) == -1)
				return -1;
		} else if (key_is(key, keylen, "f")) {
			if (seen(d, &set, POL_F, "f", off) == -1 ||
			    get_int(d, "\"f\" (final result)", &v) == -1)
				return -1;
			/* tlsrpt.h tlsrpt_final_result_t */
			if (v != 0 && v != 1) {
				dg_fail(d, off, DGRAM_ERR_CODE, "\"f\" (final "
				    "result) is %lld, not 0 or 1 (offset %zu)",
				    (long long)v, off);
				return -1;
			}
			p->failed = (int)v;
		} else if (json_skip_value(&d->r) == -1)
			return dg_json(d);
	}
	if (rc == -1)
		return dg_json(d);
	if (!(set & SEEN(POL_TYPE)) || !(set & SEEN(POL_T)) ||
	    !(set & SEEN(POL_F))) {
		dg_fail(d, start, DGRAM_ERR_SCHEMA, "no \"%s\" in the policy "
		    "at offset %zu", !(set & SEEN(POL_TYPE)) ? "policy-type" :
		    !(set & SEEN(POL_T)) ? "t" : "f", start);
		return -1;
	}
	/* libtlsrpt counts the entries it wrote; a mismatch is damage. */
	if (t != (int64_t)p->nfailures) {
		dg_fail(d, start, DGRAM_ERR_SCHEMA, "\"t\" is %lld but "
		    "\"failure-details\" has %zu entries (policy at offset "
		    "%zu)", (long long)t, p->nfailures, start);
		return -1;
	}
	return 0;
}

static int
get_policies(struct dg *d, struct rpt_session *s)
{
	size_t	off, start;
	int	rc;

	if (expect(d, JSON_ARRAY, "\"policies\"") == -1)
		return -1;
	start = json_offset(&d->r);
	if (json_array_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_array_next(&d->r)) == 1) {
		off = json_offset(&d->r);
		if (s->npolicies == RPT_POLICIES_MAX) {
			dg_fail(d, off, DGRAM_ERR_LIMIT, "more than %d "
			    "entries in \"policies\" (offset %zu)",
			    RPT_POLICIES_MAX, off);
			return -1;
		}
		d->ipol = (int)s->npolicies;
		if (get_policy(d, &s->policies[s->npolicies]) == -1)
			return -1;
		d->ipol = -1;
		s->npolicies++;
	}
	if (rc == -1)
		return dg_json(d);
	/* libtlsrpt refuses to send a delivery request without one. */
	if (s->npolicies == 0) {
		dg_fail(d, start, DGRAM_ERR_SCHEMA, "\"policies\" is empty "
		    "(offset %zu)", start);
		return -1;
	}
	return 0;
}

static int
get_top(struct dg *d, struct rpt_session *s)
{
	char		 key[KEY_MAX];
	size_t		 keylen, off;
	unsigned	 set = 0;
	int		 rc;

	if (expect(d, JSON_OBJECT, "the datagram") == -1)
		return -1;
	if (json_object_begin(&d->r) == -1)
		return dg_json(d);
	while ((rc = json_object_next(&d->r, key, sizeof(key), &keylen))
	    == 1) {
		off = json_offset(&d->r);
		if (key_is(key, keylen, "d")) {
			if (seen(d, &set, TOP_D, "d", off) == -1 ||
			    get_str(d, "\"d\" (domain)", RPT_STRING_MAX,
			    &s->domain) == -1)
				return -1;
		} else if (key_is(key, keylen, "pr")) {
			if (seen(d, &set, TOP_PR, "pr", off) == -1 ||
			    get_str(d, "\"pr\" (TLSRPT record)",
			    RPT_RECORD_MAX, &s->record) == -1)
				return -1;
		} else if (key_is(key, keylen, "dpv")) {
			if (seen(d, &set, TOP_DPV, "dpv", off) == -1 ||
			    get_dpv(d) == -1)
				return -1;
		} else if (key_is(key, keylen, "policies")) {
			if (seen(d, &set, TOP_POLICIES, "policies", off) ==
			    -1 || get_policies(d, s) == -1)
				return -1;
		} else if (json_skip_value(&d->r) == -1)
			return dg_json(d);
	}
	if (rc == -1 || json_end(&d->r) == -1)
		return dg_json(d);
	if (!(set & SEEN(TOP_D)) || !(set & SEEN(TOP_PR)) ||
	    !(set & SEEN(TOP_POLICIES))) {
		dg_fail(d, (size_t)-1, DGRAM_ERR_SCHEMA, "the datagram has no "
		    "\"%s\"", !(set & SEEN(TOP_D)) ? "d" :
		    !(set & SEEN(TOP_PR)) ? "pr" : "policies");
		return -1;
	}
	return 0;
}

int
dgram_parse(const char *buf, size_t len, struct dgram_buf *db,
    struct rpt_session *out, struct parse_err *err)
{
	struct dg	d;

	parse_err_clear(err);
	memset(out, 0, sizeof(*out));
	db->used = 0;
	db->dpv = 0;
	memset(&d, 0, sizeof(d));
	d.err = err;
	d.db = db;
	d.ipol = d.ifail = -1;
	if (buf == NULL)
		len = 0;
	if (len > DGRAM_MAX) {
		dg_fail(&d, (size_t)-1, DGRAM_ERR_TOO_LARGE, "datagram of %zu "
		    "bytes is longer than %d", len, DGRAM_MAX);
		return -1;
	}
	if (len == 0) {
		dg_fail(&d, (size_t)-1, DGRAM_ERR_JSON, "empty datagram");
		return -1;
	}
	json_init(&d.r, buf, len, &d.jerr);
	if (get_top(&d, out) == -1) {
		memset(out, 0, sizeof(*out));
		db->used = 0;
		db->dpv = 0;
		return -1;
	}
	return 0;
}

const char *
dgram_err_str(enum dgram_err e)
{
	switch (e) {
	case DGRAM_ERR_NONE:
		return "none";
	case DGRAM_ERR_TOO_LARGE:
		return "too-large";
	case DGRAM_ERR_JSON:
		return "json";
	case DGRAM_ERR_SCHEMA:
		return "schema";
	case DGRAM_ERR_VERSION:
		return "version";
	case DGRAM_ERR_CODE:
		return "code";
	case DGRAM_ERR_LIMIT:
		return "limit";
	}
	return "unknown";
}
