/*
 * test_resolver.c: the getdns resolver against a fake authoritative server
 * on 127.0.0.1, in this process and on the same event loop.  No root, no
 * network.
 *
 * The fake answers UDP (truncating anything over 512 bytes) and TCP from
 * the table zone[] below, follows CNAMEs inside its zone like an
 * authoritative server, and can be told to answer with a given rcode, to
 * stay silent, or to slip foreign RRs into an answer.  Like a validating
 * resolver it can set AD (per zone and type), and it puts the zone's SOA
 * into negative answers.  It counts the DO and CD bits of every query it
 * gets, and env_down() checks that each had DO=1 and CD=0.  Every
 * callback is checked to run exactly once and never before the starting
 * call returns; ASan checks cancel and free with queries in flight.
 */
#include "config.h"

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include "tabletest.h"
#include "conf.h"
#include "log.h"
#include "resolver.h"

#define T_A		1
#define T_CNAME		5
#define T_SOA		6
#define T_MX		15
#define T_TXT		16
#define T_AAAA		28
#define T_TLSA		52
#define T_RCODE		0xff01	/* data "RCODE" or "RCODE QTYPE" */
#define T_DROP		0xff02	/* data NULL (all) or "QTYPE" */
#define T_AD		0xff03	/* AD on answers for names at or below the
				 * owner; data NULL (all) or "QTYPE" */
#define T_NOSOA		0xff04	/* no SOA in a negative answer to owner */
#define TTL_DEFAULT	300	/* data "ttl=N ..." sets another */

#define TIMEOUT_MS	300	/* resolver timeout in these tests */
#define WAIT_MS		3000	/* how long a test waits for callbacks */
#define SETTLE_MS	50	/* then this long for stray ones */
#define UDP_MAX		512
#define MSG_MAX		65535
#define BIG_HEAD	"v=STSv1; id=big; x="	/* "@N" TXT data */

/* TLSA association data: 32 bytes each. */
#define TLSA_H1 \
	"8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1"
#define TLSA_H2 \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TLSA_H3 \
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/*
 * A zone row.  extra_for: only slipped into answers for that name.  The
 * data of a real RR may start with "ttl=N " for a TTL other than 300.
 */
struct fake_rec {
	const char	*owner;
	uint16_t	 type;
	const char	*data;
	const char	*extra_for;
};

static const struct fake_rec zone[] = {
	/* TXT */
	{ "_mta-sts.one.test", T_TXT, "v=STSv1; id=20240101;", NULL },
	{ "_mta-sts.split.test", T_TXT, "v=STSv1; |id=split;|", NULL },
	{ "_mta-sts.two.test", T_TXT, "v=STSv1; id=first;", NULL },
	{ "_mta-sts.two.test", T_TXT, "some|other|record", NULL },
	{ "_mta-sts.empty.test", T_TXT, "", NULL },
	{ "_mta-sts.big.test", T_TXT, "@4300", NULL },
	{ "_mta-sts.exact.test", T_TXT, "@4096", NULL },
	{ "_mta-sts.alias.test", T_CNAME, "_mta-sts.Provider.TEST.", NULL },
	{ "_mta-sts.provider.test", T_TXT, "v=STSv1; id=provider;", NULL },
	{ "_mta-sts.alias.test", T_TXT, "v=STSv1; id=at-alias;",
	    "_mta-sts.alias.test" },
	{ "evil.test", T_TXT, "v=STSv1; id=evil;", "_mta-sts.alias.test" },
	{ "_mta-sts.chain.test", T_CNAME, "_mta-sts.alias.test", NULL },
	{ "_mta-sts.dangling.test", T_CNAME, "_mta-sts.gone.test", NULL },
	{ "_mta-sts.stray.test", T_TXT, "v=STSv1; id=stray;",
	    "_mta-sts.nodata.test" },
	{ "_mta-sts.nodata.test", T_A, "192.0.2.1", NULL },
	{ "_mta-sts.plain.test", T_A, "192.0.2.1", NULL },
	{ "_mta-sts.servfail.test", T_RCODE, "2", NULL },
	{ "_mta-sts.refused.test", T_RCODE, "5", NULL },
	{ "_mta-sts.notimp.test", T_RCODE, "4", NULL },
	{ "_mta-sts.silent.test", T_DROP, NULL, NULL },

	/* A and AAAA */
	{ "mta-sts.both.test", T_A, "192.0.2.10", NULL },
	{ "mta-sts.both.test", T_AAAA, "2001:db8::10", NULL },
	{ "mta-sts.v4.test", T_A, "192.0.2.11", NULL },
	{ "mta-sts.v6.test", T_AAAA, "2001:db8::11", NULL },
	{ "mta-sts.alias.test", T_CNAME, "mta-sts.both.test", NULL },
	{ "mta-sts.txtonly.test", T_TXT, "nothing else", NULL },
	{ "mta-sts.servfail.test", T_RCODE, "2", NULL },
	{ "mta-sts.silent.test", T_DROP, NULL, NULL },
	{ "mta-sts.half.test", T_A, "192.0.2.12", NULL },
	{ "mta-sts.half.test", T_DROP, "28", NULL },
	{ "mta-sts.halffail.test", T_RCODE, "2 28", NULL },
	{ "mta-sts.halffail.test", T_TXT, "exists", NULL },
	{ "mta-sts.halfnx.test", T_RCODE, "3 28", NULL },
	{ "mta-sts.halfnx.test", T_A, "192.0.2.13", NULL },
	{ "mta-sts.foreign.test", T_A, "192.0.2.14", NULL },
	{ "other.test", T_A, "198.51.100.66", "mta-sts.foreign.test" },

	/* MX */
	{ "multi.test", T_MX, "20 MX2.Multi.TEST.", NULL },
	{ "multi.test", T_MX, "10 mx1.multi.test", NULL },
	{ "multi.test", T_MX, "30 Backup.Example.NET.", NULL },
	{ "multi.test", T_MX, "10 mx1b.multi.test", NULL },
	{ "nullmx.test", T_MX, "0 .", NULL },
	{ "nomx.test", T_A, "192.0.2.1", NULL },
	{ "mxservfail.test", T_RCODE, "2", NULL },
	{ "mxalias.test", T_CNAME, "Multi.test", NULL },
	{ "dotlabel.test", T_MX, "5 a\\.b.test", NULL },
	{ "mxsilent.test", T_DROP, NULL, NULL },

	/* Negative answers carry the SOA of the closest zone (RFC 2308). */
	{ "", T_SOA, "ttl=86400 a.root. nstld.root. 1 1800 900 604800 86400",
	    NULL },
	{ "test", T_SOA, "ttl=900 ns.test. host.test. 1 3600 600 86400 600",
	    NULL },

	/* DNSSEC: sec.test is "signed", the resolver sets AD on it. */
	{ "sec.test", T_AD, NULL, NULL },
	{ "sec.test", T_SOA, "ttl=30 ns.test. host.test. 1 3600 600 86400 600",
	    NULL },
	{ "sec.test", T_MX, "ttl=600 10 mx1.sec.test.", NULL },
	{ "sec.test", T_MX, "ttl=120 20 MX2.Sec.Test.", NULL },
	{ "mxalias.sec.test", T_CNAME, "ttl=60 sec.test.", NULL },
	{ "bogus.sec.test", T_RCODE, "2", NULL },
	{ "mx1.sec.test", T_A, "192.0.2.20", NULL },
	{ "mx1.sec.test", T_AAAA, "ttl=200 2001:db8::20", NULL },
	{ "alias.sec.test", T_CNAME, "ttl=100 MX1.Sec.TEST.", NULL },
	{ "v4.sec.test", T_A, "192.0.2.21", NULL },
	{ "fail6.sec.test", T_A, "192.0.2.22", NULL },
	{ "fail6.sec.test", T_RCODE, "2 28", NULL },
	{ "_25._tcp.mx1.sec.test", T_TLSA, "3 1 1 " TLSA_H1, NULL },
	{ "_25._tcp.mx1.sec.test", T_TLSA, "ttl=150 2 0 1 " TLSA_H2, NULL },
	{ "_25._tcp.mx1.sec.test", T_TLSA, "ttl=600 1 1 1 " TLSA_H3, NULL },
	{ "_25._tcp.alias.sec.test", T_CNAME, "ttl=100 _25._tcp.mx1.sec.test",
	    NULL },
	{ "_25._tcp.sha512.sec.test", T_TLSA, "3 0 2 " TLSA_H1 TLSA_H2,
	    NULL },
	{ "_25._tcp.full.sec.test", T_TLSA, "3 0 0 3082", NULL },
	{ "_25._tcp.nodata.sec.test", T_TXT, "not a TLSA RR", NULL },
	{ "_25._tcp.nosoa.sec.test", T_NOSOA, NULL, NULL },
	{ "_25._tcp.bogus.sec.test", T_RCODE, "2", NULL },
	{ "_25._tcp.short.sec.test", T_TLSA, "!", NULL },

	/* half.test: only the A answers have AD. */
	{ "mx.half.test", T_AD, "1", NULL },
	{ "mx.half.test", T_A, "192.0.2.23", NULL },
	{ "mx.half.test", T_AAAA, "2001:db8::23", NULL },
	{ "_25._tcp.mx.insec.test", T_TXT, "not a TLSA RR", NULL },
};

/* Rows made at run time (many addresses, many MX, many TLSA). */
#define GEN_MAX		128
static struct fake_rec	 gen[GEN_MAX];
static char		 gen_data[GEN_MAX][96];
static size_t		 ngen;

struct fake_conn {
	struct fake_conn	*next;
	int			 fd;
	struct event		*ev;
	size_t			 len;
	uint8_t			 buf[2 + MSG_MAX];
};

/* A UDP answer held back until fake_release(). */
struct fake_held {
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	size_t			 len;
	uint8_t			 buf[UDP_MAX];
};

#define HELD_MAX	8

static struct {
	int			 udp, tcp;
	uint16_t		 port;
	struct event		*uev, *tev;
	struct fake_conn	*conns;
	unsigned		 queries, tcp_queries, answered;
	unsigned		 flagged, do_set, cd_set; /* DO/CD seen */
	int			 ad_all;	/* AD on every answer */
	int			 hold;		/* hold UDP answers back */
	struct fake_held	 held[HELD_MAX];
	size_t			 nheld;
} fake;

/* Callback results. */
struct got {
	int			 started;	/* the starting call returned */
	int			 calls;
	int			 early;		/* ran before started */
	enum resolver_status	 status;
	size_t			 n;
	char			 txt[4][STS_TXT_MAX + 2];
	size_t			 txtlen[4];
	char			 cname[DOMAIN_MAX + 1];
	struct resolver_sockaddr addrs[RESOLVER_ADDR_MAX];
	struct resolver_mx_host	 mx[RESOLVER_MX_MAX];
	int			 secure;
	uint32_t		 ttl;
	struct {
		uint8_t		 usage, selector, mtype;
		size_t		 len;
		uint8_t		 data[64];
	}			 tlsa[RESOLVER_TLSA_MAX];
	struct resolver		**free_me;	/* resolver_free() in cb */
	struct resolver_query	**cancel_me;	/* resolver_cancel() in cb */
};

static struct event_base	*base;
static struct resolver		*res;
static int			 total_calls;
static int			 deadline_hit;
static struct got		 chain_second;

static const struct fake_rec *rec_at(size_t);
static size_t	 nrecs(void);
static size_t	 name_wire(const char *, uint8_t *);
static void	 qname_text(const uint8_t *, size_t, char *, size_t);
static const char *rec_data(const struct fake_rec *, uint32_t *);
static int	 name_under(const char *, const char *);
static size_t	 hex_bytes(const char *, uint8_t *, size_t);
static size_t	 rdata(const struct fake_rec *, uint8_t *);
static int	 type_matches(const struct fake_rec *, unsigned);
static size_t	 rr_put(const struct fake_rec *, uint8_t *);
static int	 fake_ad(const char *, unsigned);
static void	 fake_flags(const uint8_t *, size_t);
static size_t	 fake_answer(const uint8_t *, size_t, uint8_t *, int);
static void	 fake_udp_cb(evutil_socket_t, short, void *);
static void	 fake_accept_cb(evutil_socket_t, short, void *);
static void	 fake_tcp_cb(evutil_socket_t, short, void *);
static void	 fake_conn_close(struct fake_conn *);
static void	 fake_release(void);
static int	 fake_start(int);
static void	 fake_stop(void);
static void	 env_up(void);
static void	 env_down(void);
static void	 deadline_cb(evutil_socket_t, short, void *);
static void	 run_until(int, int);
static void	 run_for(int);
static void	 note_call(struct got *, enum resolver_status);
static void	 on_txt(const struct resolver_txt *, void *);
static void	 on_addr(const struct resolver_addr *, void *);
static void	 on_mx(const struct resolver_mx *, void *);
static void	 on_tlsa(const struct resolver_tlsa *, void *);
static void	 on_probe(const struct resolver_probe *, void *);
static void	 on_txt_chain(const struct resolver_txt *, void *);
static void	 check_once(const struct got *);
static struct resolver *resolver_at(const char *, uint16_t, unsigned);
static struct resolver *resolver_ups(const char *, unsigned);
static void	 gen_add(const char *, uint16_t);
static void	 test_txt(void **);
static void	 test_addr(void **);
static void	 test_mx(void **);
static void	 test_sec(void **);
static void	 test_flags(void **);
static void	 test_loopback(void **);
static void	 test_loopback_os(void **);
static void	 test_cancel_in_flight(void **);
static void	 test_cancel_at_once(void **);
static void	 test_cancel_answered(void **);
static void	 test_cancel_half_done(void **);
static void	 test_free_in_flight(void **);
static void	 test_free_in_callback(void **);
static void	 test_cancel_in_callback(void **);
static void	 test_query_from_callback(void **);
static void	 test_many_at_once(void **);
static void	 test_never_synchronous(void **);
static void	 test_lost_by_getdns(void **);
static void	 test_ipv6_upstream(void **);
static void	 test_bad_names(void **);
static void	 test_new_errors(void **);
static void	 test_status_str(void **);

/* The fake authoritative server */

static const struct fake_rec *
rec_at(size_t i)
{
	size_t	nz = sizeof(zone) / sizeof(zone[0]);

	return i < nz ? &zone[i] : &gen[i - nz];
}

static size_t
nrecs(void)
{
	return sizeof(zone) / sizeof(zone[0]) + ngen;
}

/* Text to wire; "\." is a dot inside a label; case is kept. */
static size_t
name_wire(const char *text, uint8_t *out)
{
	size_t	o = 1, lab = 0;

	out[0] = 0;
	if (strcmp(text, ".") == 0 || *text == '\0')
		return 1;
	for (; *text != '\0'; text++) {
		if (*text == '\\' && text[1] == '.') {
			out[o++] = *++text;
			out[lab]++;
		} else if (*text == '.') {
			if (text[1] == '\0')
				break;
			lab = o;
			out[o++] = 0;
		} else {
			out[o++] = (uint8_t)*text;
			out[lab]++;
		}
	}
	out[o++] = 0;
	return o;
}

static void
qname_text(const uint8_t *w, size_t len, char *out, size_t outsz)
{
	size_t	i = 0, o = 0, l;

	while (i < len && (l = w[i++]) != 0 && o + l + 2 < outsz) {
		if (o > 0)
			out[o++] = '.';
		while (l-- > 0 && i < len)
			out[o++] = (char)w[i++];
	}
	out[o] = '\0';
}

/* A row's data after any "ttl=N " prefix; *ttl gets the TTL. */
static const char *
rec_data(const struct fake_rec *r, uint32_t *ttl)
{
	const char	*p = r->data;
	unsigned	 t;
	int		 used = 0;

	*ttl = TTL_DEFAULT;
	if (p != NULL && sscanf(p, "ttl=%u %n", &t, &used) == 1 && used > 0) {
		*ttl = t;
		p += used;
	}
	return p;
}

/* Is name at or below apex ("" is the root)? */
static int
name_under(const char *name, const char *apex)
{
	size_t	nl = strlen(name), al = strlen(apex);

	if (al == 0 || strcasecmp(name, apex) == 0)
		return 1;
	return nl > al && name[nl - al - 1] == '.' &&
	    strcasecmp(name + nl - al, apex) == 0;
}

static size_t
hex_bytes(const char *hex, uint8_t *out, size_t outsz)
{
	size_t		n = 0;
	unsigned	b;

	while (n < outsz && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return n;
}

static size_t
rdata(const struct fake_rec *r, uint8_t *out)
{
	const char	*p, *bar, *data;
	char		 host[256], mbox[256];
	size_t		 o = 0, len, want, chunk;
	unsigned	 pref, u, sel, mt, v[5], i;
	uint32_t	 ttl;
	int		 used = 0;

	data = rec_data(r, &ttl);
	switch (r->type) {
	case T_A:
		inet_pton(AF_INET, data, out);
		return 4;
	case T_AAAA:
		inet_pton(AF_INET6, data, out);
		return 16;
	case T_CNAME:
		return name_wire(data, out);
	case T_MX:
		sscanf(data, "%u %255s", &pref, host);
		out[0] = (uint8_t)(pref >> 8);
		out[1] = (uint8_t)pref;
		return 2 + name_wire(host, out + 2);
	case T_SOA:
		sscanf(data, "%255s %255s %u %u %u %u %u", host, mbox, &v[0],
		    &v[1], &v[2], &v[3], &v[4]);
		o = name_wire(host, out);
		o += name_wire(mbox, out + o);
		for (i = 0; i < 5; i++) {
			out[o++] = (uint8_t)(v[i] >> 24);
			out[o++] = (uint8_t)(v[i] >> 16);
			out[o++] = (uint8_t)(v[i] >> 8);
			out[o++] = (uint8_t)v[i];
		}
		return o;
	case T_TLSA:
		if (data[0] == '!') {
			/* Malformed: too short to hold the three fields. */
			out[0] = 3;
			out[1] = 1;
			return 2;
		}
		sscanf(data, "%u %u %u %n", &u, &sel, &mt, &used);
		out[0] = (uint8_t)u;
		out[1] = (uint8_t)sel;
		out[2] = (uint8_t)mt;
		return 3 + hex_bytes(data + used, out + 3, 255);
	case T_TXT:
		if (data[0] == '@') {
			/* "@N": an STSv1 record of N bytes, 255 a string. */
			want = (size_t)atoi(data + 1);
			for (len = 0; len < want; len += chunk) {
				chunk = want - len > 255 ? 255 : want - len;
				out[o++] = (uint8_t)chunk;
				memset(out + o, 'x', chunk);
				if (len == 0)
					memcpy(out + o, BIG_HEAD,
					    sizeof(BIG_HEAD) - 1);
				o += chunk;
			}
			return o;
		}
		p = data;
		do {
			bar = strchr(p, '|');
			len = bar != NULL ? (size_t)(bar - p) : strlen(p);
			out[o++] = (uint8_t)len;
			memcpy(out + o, p, len);
			o += len;
			p = bar + 1;
		} while (bar != NULL);
		return o;
	}
	return 0;
}

static int
type_matches(const struct fake_rec *r, unsigned qtype)
{
	unsigned	rcode, only;

	if (r->type == T_DROP)
		return r->data == NULL || (unsigned)atoi(r->data) == qtype;
	if (r->type == T_RCODE)
		return sscanf(r->data, "%u %u", &rcode, &only) < 2 ||
		    only == qtype;
	return r->type == qtype;
}

/* One RR in wire form at out; returns its length. */
static size_t
rr_put(const struct fake_rec *r, uint8_t *out)
{
	size_t		o, rdl;
	uint32_t	ttl;

	(void)rec_data(r, &ttl);
	o = name_wire(r->owner, out);
	out[o++] = (uint8_t)(r->type >> 8);
	out[o++] = (uint8_t)r->type;
	out[o++] = 0;
	out[o++] = 1;				/* IN */
	out[o++] = (uint8_t)(ttl >> 24);
	out[o++] = (uint8_t)(ttl >> 16);
	out[o++] = (uint8_t)(ttl >> 8);
	out[o++] = (uint8_t)ttl;
	rdl = rdata(r, out + o + 2);
	out[o] = (uint8_t)(rdl >> 8);
	out[o + 1] = (uint8_t)rdl;
	return o + 2 + rdl;
}

/* Would a validating resolver set AD on this answer? */
static int
fake_ad(const char *qname, unsigned qtype)
{
	const struct fake_rec	*r;
	size_t			 i;

	if (fake.ad_all)
		return 1;
	for (i = 0; i < nrecs(); i++) {
		r = rec_at(i);
		if (r->type == T_AD && name_under(qname, r->owner) &&
		    (r->data == NULL || (unsigned)atoi(r->data) == qtype))
			return 1;
	}
	return 0;
}

/* Count the query's DO (in its OPT RR) and CD bits. */
static void
fake_flags(const uint8_t *q, size_t qlen)
{
	size_t	o;

	if (qlen < 12)
		return;
	fake.flagged++;
	if (q[3] & 0x10)
		fake.cd_set++;
	for (o = 12; o < qlen && q[o] != 0; o += q[o] + 1)
		;
	o += 5;				/* root label, QTYPE, QCLASS */
	if ((q[10] << 8 | q[11]) >= 1 && o + 11 <= qlen && q[o] == 0 &&
	    (q[o + 1] << 8 | q[o + 2]) == 41 && (q[o + 7] & 0x80))
		fake.do_set++;
}

/*
 * Build the answer to query q[0..qlen) in out; 0 means no answer.  Like
 * an authoritative server: follow CNAMEs inside the zone, NXDOMAIN when
 * the last name does not exist, the closest zone's SOA in the authority
 * section of a negative answer.  Like a validating resolver: AD where
 * fake_ad() says so, whatever the rcode (a resolver that did that must
 * still not make a SERVFAIL secure).
 */
static size_t
fake_answer(const uint8_t *q, size_t qlen, uint8_t *out, int tcp)
{
	const struct fake_rec	*r, *soa;
	char			 cur[256], next[256], qname[256];
	size_t			 qend, o, i, hops, nrr = 0, nns = 0;
	unsigned		 qtype, rcode = 0, forced;
	uint32_t		 ttl;
	int			 exists, found = 0, cname, nosoa = 0;

	if (qlen < 12 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1)
		return 0;
	for (qend = 12; qend < qlen && q[qend] != 0; qend += q[qend] + 1)
		;
	if (qend + 5 > qlen)
		return 0;
	qname_text(q + 12, qend + 1 - 12, qname, sizeof(qname));
	qtype = (unsigned)(q[qend + 1] << 8 | q[qend + 2]);
	qend += 5;

	memcpy(out, q, 2);
	out[2] = (uint8_t)(0x84 | (q[2] & 0x01));	/* QR AA RD */
	out[3] = 0;
	memset(out + 4, 0, 8);
	out[5] = 1;
	memcpy(out + 12, q + 12, qend - 12);
	o = qend;

	for (i = 0; i < nrecs(); i++) {
		r = rec_at(i);
		if (r->extra_for == NULL && strcasecmp(r->owner, qname) == 0 &&
		    r->type == T_DROP && type_matches(r, qtype))
			return 0;
		if (r->type == T_NOSOA && strcasecmp(r->owner, qname) == 0)
			nosoa = 1;
	}

	snprintf(cur, sizeof(cur), "%s", qname);
	for (hops = 0; hops < 8; hops++) {
		exists = found = cname = 0;
		forced = 0;
		for (i = 0; i < nrecs(); i++) {
			r = rec_at(i);
			if (r->extra_for != NULL || r->type == T_AD ||
			    r->type == T_NOSOA ||
			    strcasecmp(r->owner, cur) != 0)
				continue;
			exists = 1;
			if (r->type == T_RCODE && type_matches(r, qtype)) {
				forced = (unsigned)atoi(r->data);
				break;
			}
			if (r->type == qtype)
				found = 1;
		}
		if (forced) {
			rcode = forced;
			nrr = 0;
			o = qend;
			break;
		}
		for (i = 0; i < nrecs(); i++) {
			r = rec_at(i);
			if (r->extra_for != NULL ||
			    strcasecmp(r->owner, cur) != 0 ||
			    (r->type != qtype && (found ||
			    r->type != T_CNAME)))
				continue;
			o += rr_put(r, out + o);
			nrr++;
			if (r->type == T_CNAME) {
				cname = 1;
				snprintf(next, sizeof(next), "%s",
				    rec_data(r, &ttl));
				if (next[strlen(next) - 1] == '.')
					next[strlen(next) - 1] = '\0';
			}
		}
		if (cname)
			memcpy(cur, next, sizeof(cur));
		if (!exists)
			rcode = 3;
		if (!cname || found)
			break;
	}
	if (rcode == 0 || rcode == 3) {
		for (i = 0; i < nrecs(); i++) {
			r = rec_at(i);
			if (r->extra_for == NULL ||
			    strcasecmp(r->extra_for, qname) != 0)
				continue;
			o += rr_put(r, out + o);
			nrr++;
		}
	}
	/* RFC 2308 §3: the SOA of the zone of the last name. */
	if ((rcode == 3 || (rcode == 0 && !found)) && !nosoa) {
		soa = NULL;
		for (i = 0; i < nrecs(); i++) {
			r = rec_at(i);
			if (r->type == T_SOA && name_under(cur, r->owner) &&
			    (soa == NULL ||
			    strlen(r->owner) > strlen(soa->owner)))
				soa = r;
		}
		if (soa != NULL) {
			o += rr_put(soa, out + o);
			nns++;
		}
	}
	out[3] = (uint8_t)(rcode | (fake_ad(qname, qtype) ? 0x20 : 0));
	out[6] = (uint8_t)(nrr >> 8);
	out[7] = (uint8_t)nrr;
	out[8] = (uint8_t)(nns >> 8);
	out[9] = (uint8_t)nns;
	if (!tcp && o > UDP_MAX) {
		out[2] |= 0x02;				/* TC */
		memset(out + 6, 0, 4);
		o = qend;
	}
	return o;
}

static void
fake_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t		 q[MSG_MAX], a[MSG_MAX + 4096];
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	ssize_t			 n;
	size_t			 alen;

	if ((n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&ss,
	    &sl)) <= 0)
		return;
	fake.queries++;
	fake_flags(q, (size_t)n);
	if ((alen = fake_answer(q, (size_t)n, a, 0)) == 0)
		return;
	fake.answered++;
	if (fake.hold && fake.nheld < HELD_MAX) {
		fake.held[fake.nheld].ss = ss;
		fake.held[fake.nheld].sl = sl;
		fake.held[fake.nheld].len = alen;
		memcpy(fake.held[fake.nheld].buf, a, alen);
		fake.nheld++;
		return;
	}
	(void)sendto(fd, a, alen, 0, (struct sockaddr *)&ss, sl);
}

/* Send every held answer at once: they arrive in one loop iteration. */
static void
fake_release(void)
{
	struct fake_held	*h;
	size_t			 i;

	for (i = 0; i < fake.nheld; i++) {
		h = &fake.held[i];
		(void)sendto(fake.udp, h->buf, h->len, 0,
		    (struct sockaddr *)&h->ss, h->sl);
	}
	fake.nheld = 0;
	fake.hold = 0;
}

static void
fake_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_conn	*c;
	int			 s;

	if ((s = accept(fd, NULL, NULL)) == -1)
		return;
	c = calloc(1, sizeof(*c));
	c->fd = s;
	c->ev = event_new(base, s, EV_READ | EV_PERSIST, fake_tcp_cb, c);
	event_add(c->ev, NULL);
	c->next = fake.conns;
	fake.conns = c;
}

static void
fake_tcp_cb(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t		 a[2 + MSG_MAX + 4096];
	struct fake_conn	*c = arg;
	ssize_t			 n, w;
	size_t			 qlen, alen, off;

	n = read(fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n <= 0) {
		fake_conn_close(c);
		return;
	}
	c->len += (size_t)n;
	while (c->len >= 2) {
		qlen = (size_t)(c->buf[0] << 8 | c->buf[1]);
		if (c->len < 2 + qlen)
			break;
		fake.queries++;
		fake.tcp_queries++;
		fake_flags(c->buf + 2, qlen);
		alen = fake_answer(c->buf + 2, qlen, a + 2, 1);
		if (alen > 0) {
			fake.answered++;
			a[0] = (uint8_t)(alen >> 8);
			a[1] = (uint8_t)alen;
			for (off = 0; off < alen + 2; off += (size_t)w)
				if ((w = write(fd, a + off, alen + 2 - off)) <=
				    0)
					break;
		}
		memmove(c->buf, c->buf + 2 + qlen, c->len - 2 - qlen);
		c->len -= 2 + qlen;
	}
}

static void
fake_conn_close(struct fake_conn *c)
{
	struct fake_conn	**pp;

	for (pp = &fake.conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	event_free(c->ev);
	close(c->fd);
	free(c);
}

/*
 * UDP and TCP on the same ephemeral port of 127.0.0.1 or ::1.  Returns -1
 * if the address cannot be bound at all (no IPv6).
 */
static int
fake_start(int family)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 try, one = 1;

	memset(&fake, 0, sizeof(fake));
	for (try = 0; try < 20; try++) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)family;
		if (family == AF_INET) {
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			sl = sizeof(*sin);
		} else {
			sin6->sin6_addr = in6addr_loopback;
			sl = sizeof(*sin6);
		}
		fake.udp = socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (fake.udp == -1 ||
		    bind(fake.udp, (struct sockaddr *)&ss, sl) == -1) {
			if (fake.udp != -1)
				close(fake.udp);
			return -1;
		}
		assert_int_equal(getsockname(fake.udp,
		    (struct sockaddr *)&ss, &sl), 0);
		fake.tcp = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fake.tcp >= 0);
		setsockopt(fake.tcp, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(fake.tcp, (struct sockaddr *)&ss, sl) == 0 &&
		    listen(fake.tcp, 16) == 0)
			break;
		close(fake.udp);
		close(fake.tcp);
	}
	assert_true(try < 20);
	fake.port = ntohs(family == AF_INET ? sin->sin_port :
	    sin6->sin6_port);
	fake.uev = event_new(base, fake.udp, EV_READ | EV_PERSIST,
	    fake_udp_cb, NULL);
	fake.tev = event_new(base, fake.tcp, EV_READ | EV_PERSIST,
	    fake_accept_cb, NULL);
	event_add(fake.uev, NULL);
	event_add(fake.tev, NULL);
	return 0;
}

static void
fake_stop(void)
{
	while (fake.conns != NULL)
		fake_conn_close(fake.conns);
	event_free(fake.uev);
	event_free(fake.tev);
	close(fake.udp);
	close(fake.tcp);
}

/* Test environment: a loop, the fake, a resolver pointed at it. */

static struct resolver *
resolver_at(const char *ip, uint16_t port, unsigned timeout_ms)
{
	struct conf_addr	 up;
	struct resolver		*r;
	char			*cause = NULL;

	memset(&up, 0, sizeof(up));
	up.family = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(up.family, ip, up.addr), 1);
	up.port = port;
	r = resolver_new(base, &up, 1, timeout_ms, &cause);
	if (r == NULL)
		fail_msg("resolver_new: %s", cause);
	return r;
}

static void
env_up(void)
{
	base = event_base_new();
	assert_non_null(base);
	assert_int_equal(fake_start(AF_INET), 0);
	res = resolver_at("127.0.0.1", fake.port, TIMEOUT_MS);
	total_calls = 0;
}

/* Every query the fake got asked for DNSSEC records and did not say CD. */
static void
env_down(void)
{
	assert_int_equal(fake.do_set, fake.flagged);
	assert_int_equal(fake.cd_set, 0);
	resolver_free(res);
	res = NULL;
	fake_stop();
	event_base_free(base);
	base = NULL;
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	deadline_hit = 1;
}

/* Run until total_calls reaches want or ms pass, then SETTLE_MS more. */
static void
run_until(int want, int ms)
{
	struct event	*t;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	deadline_hit = 0;
	t = evtimer_new(base, deadline_cb, NULL);
	evtimer_add(t, &tv);
	while (total_calls < want && !deadline_hit)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
	run_for(SETTLE_MS);
}

static void
run_for(int ms)
{
	struct event	*t;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	deadline_hit = 0;
	t = evtimer_new(base, deadline_cb, NULL);
	evtimer_add(t, &tv);
	while (!deadline_hit)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
}

static void
note_call(struct got *g, enum resolver_status st)
{
	total_calls++;
	g->calls++;
	if (!g->started)
		g->early = 1;
	g->status = st;
	if (g->cancel_me != NULL && *g->cancel_me != NULL) {
		resolver_cancel(*g->cancel_me);
		*g->cancel_me = NULL;
	}
	if (g->free_me != NULL && *g->free_me != NULL) {
		resolver_free(*g->free_me);
		*g->free_me = NULL;
	}
}

static void
on_txt(const struct resolver_txt *t, void *arg)
{
	struct got	*g = arg;
	size_t		 i;

	g->n = t->n;
	for (i = 0; i < t->n && i < 4; i++) {
		assert_true(t->rrs[i].len <= STS_TXT_MAX + 1);
		memcpy(g->txt[i], t->rrs[i].buf, t->rrs[i].len);
		g->txt[i][t->rrs[i].len] = '\0';
		g->txtlen[i] = t->rrs[i].len;
	}
	snprintf(g->cname, sizeof(g->cname), "%s", t->cname);
	note_call(g, t->status);
}

static void
on_addr(const struct resolver_addr *a, void *arg)
{
	struct got	*g = arg;

	g->n = a->n;
	memcpy(g->addrs, a->addrs, sizeof(g->addrs));
	g->secure = a->secure;
	g->ttl = a->ttl;
	snprintf(g->cname, sizeof(g->cname), "%s", a->cname);
	note_call(g, a->status);
}

static void
on_mx(const struct resolver_mx *m, void *arg)
{
	struct got	*g = arg;

	g->n = m->n;
	memcpy(g->mx, m->mx, sizeof(g->mx));
	g->secure = m->secure;
	g->ttl = m->ttl;
	note_call(g, m->status);
}

static void
on_tlsa(const struct resolver_tlsa *t, void *arg)
{
	struct got	*g = arg;
	size_t		 i;

	assert_true(t->n <= RESOLVER_TLSA_MAX);
	g->n = t->n;
	for (i = 0; i < t->n; i++) {
		g->tlsa[i].usage = t->rrs[i].usage;
		g->tlsa[i].selector = t->rrs[i].selector;
		g->tlsa[i].mtype = t->rrs[i].mtype;
		g->tlsa[i].len = t->rrs[i].len;
		if (t->rrs[i].len > 0)
			assert_non_null(t->rrs[i].data);
		memcpy(g->tlsa[i].data, t->rrs[i].data,
		    t->rrs[i].len < 64 ? t->rrs[i].len : 64);
	}
	g->secure = t->secure;
	g->ttl = t->ttl;
	note_call(g, t->status);
}

static void
on_probe(const struct resolver_probe *p, void *arg)
{
	struct got	*g = arg;

	g->n = p->n;
	g->secure = p->secure;
	note_call(g, p->status);
}

static void
check_once(const struct got *g)
{
	assert_int_equal(g->calls, 1);
	assert_false(g->early);
}

/* TXT */

struct txt_row {
	const char		*label;
	const char		*name;
	enum resolver_status	 status;
	size_t			 n;
	const char		*rr[2];		/* any order */
	size_t			 len0;		/* or just rr 0's length */
	const char		*cname;
};

static const struct txt_row txt_rows[] = {
	{ "STS-REC-1 one TXT RR, one string", "_mta-sts.one.test",
	    RESOLVER_OK, 1, { "v=STSv1; id=20240101;" }, 0, "" },
	{ "STS-REC-2 EDGE-32 strings joined with no separator",
	    "_mta-sts.split.test", RESOLVER_OK, 1,
	    { "v=STSv1; id=split;" }, 0, "" },
	{ "STS-REC-4 every TXT RR is passed on", "_mta-sts.two.test",
	    RESOLVER_OK, 2, { "v=STSv1; id=first;", "someotherrecord" }, 0,
	    "" },
	{ "a TXT RR of one empty string", "_mta-sts.empty.test",
	    RESOLVER_OK, 1, { "" }, 0, "" },
	{ "an RR over STS_TXT_MAX comes cut to STS_TXT_MAX + 1 (over TCP)",
	    "_mta-sts.big.test", RESOLVER_OK, 1, { NULL }, STS_TXT_MAX + 1,
	    "" },
	{ "an RR of exactly STS_TXT_MAX is whole", "_mta-sts.exact.test",
	    RESOLVER_OK, 1, { NULL }, STS_TXT_MAX, "" },
	{ "STS-REC-12 EDGE-10 CNAME followed, RRs at the alias ignored",
	    "_mta-sts.alias.test", RESOLVER_OK, 1,
	    { "v=STSv1; id=provider;" }, 0, "_mta-sts.provider.test" },
	{ "STS-REC-12 a chain of two CNAMEs", "_mta-sts.chain.test",
	    RESOLVER_OK, 1, { "v=STSv1; id=provider;" }, 0,
	    "_mta-sts.provider.test" },
	{ "EDGE-5 the query name's case does not matter",
	    "_MTA-STS.One.Test", RESOLVER_OK, 1,
	    { "v=STSv1; id=20240101;" }, 0, "" },
	{ "STS-REC-13 NXDOMAIN", "_mta-sts.absent.test", RESOLVER_NXDOMAIN,
	    0, { NULL }, 0, "" },
	{ "STS-REC-13 CNAME to a missing name is NXDOMAIN",
	    "_mta-sts.dangling.test", RESOLVER_NXDOMAIN, 0, { NULL }, 0, "" },
	{ "STS-REC-13 NODATA", "_mta-sts.plain.test", RESOLVER_NODATA, 0,
	    { NULL }, 0, "" },
	{ "a TXT RR of another owner makes no answer",
	    "_mta-sts.nodata.test", RESOLVER_NODATA, 0, { NULL }, 0, "" },
	{ "STS-REC-14 SERVFAIL", "_mta-sts.servfail.test",
	    RESOLVER_SERVFAIL, 0, { NULL }, 0, "" },
	{ "STS-REC-14 REFUSED is SERVFAIL", "_mta-sts.refused.test",
	    RESOLVER_SERVFAIL, 0, { NULL }, 0, "" },
	{ "STS-REC-14 NOTIMP is SERVFAIL", "_mta-sts.notimp.test",
	    RESOLVER_SERVFAIL, 0, { NULL }, 0, "" },
	{ "STS-REC-14 no answer at all is TIMEOUT", "_mta-sts.silent.test",
	    RESOLVER_TIMEOUT, 0, { NULL }, 0, "" },
};

static void
test_txt(void **state)
{
	const struct txt_row	*row = *state;
	struct got		 g;
	size_t			 i, j;

	env_up();
	memset(&g, 0, sizeof(g));
	assert_non_null(resolver_txt(res, row->name, on_txt, &g));
	g.started = 1;
	run_until(1, WAIT_MS);
	check_once(&g);
	assert_string_equal(resolver_status_str(g.status),
	    resolver_status_str(row->status));
	assert_int_equal(g.n, row->n);
	if (row->len0 != 0) {
		assert_int_equal(g.txtlen[0], row->len0);
		assert_memory_equal(g.txt[0], BIG_HEAD "xxx",
		    sizeof(BIG_HEAD) + 2);
	}
	for (i = 0; i < row->n && row->rr[i] != NULL; i++) {
		for (j = 0; j < g.n; j++)
			if (strcmp(g.txt[j], row->rr[i]) == 0 &&
			    g.txtlen[j] == strlen(row->rr[i]))
				break;
		if (j == g.n)
			fail_msg("RR \"%s\" missing", row->rr[i]);
	}
	assert_string_equal(g.cname, row->cname);
	env_down();
}

/* A and AAAA */

struct addr_row {
	const char		*label;
	const char		*name;
	enum resolver_status	 status;
	size_t			 n, n6;
	const char		*addr[2];	/* in order */
};

static const struct addr_row addr_rows[] = {
	{ "STS-FETCH-15 A and AAAA, IPv6 first", "mta-sts.both.test",
	    RESOLVER_OK, 2, 1, { "2001:db8::10", "192.0.2.10" } },
	{ "STS-FETCH-15 A only", "mta-sts.v4.test", RESOLVER_OK, 1, 0,
	    { "192.0.2.11" } },
	{ "STS-FETCH-15 EDGE-12 AAAA only", "mta-sts.v6.test", RESOLVER_OK,
	    1, 1, { "2001:db8::11" } },
	{ "EDGE-11 CNAME at the policy host", "mta-sts.alias.test",
	    RESOLVER_OK, 2, 1, { "2001:db8::10", "192.0.2.10" } },
	{ "addresses of another owner are ignored", "mta-sts.foreign.test",
	    RESOLVER_OK, 1, 0, { "192.0.2.14" } },
	{ "RESOLVER_ADDR_MAX kept, both families (over TCP)",
	    "mta-sts.many.test", RESOLVER_OK, RESOLVER_ADDR_MAX,
	    RESOLVER_ADDR_MAX / 2, { "2001:db8::1:0", NULL } },
	{ "IPv4 answers, AAAA times out: OK", "mta-sts.half.test",
	    RESOLVER_OK, 1, 0, { "192.0.2.12" } },
	{ "both NXDOMAIN", "mta-sts.absent.test", RESOLVER_NXDOMAIN, 0, 0,
	    { NULL } },
	{ "both NODATA", "mta-sts.txtonly.test", RESOLVER_NODATA, 0, 0,
	    { NULL } },
	{ "both SERVFAIL", "mta-sts.servfail.test", RESOLVER_SERVFAIL, 0, 0,
	    { NULL } },
	{ "AAAA SERVFAIL, A NODATA: SERVFAIL", "mta-sts.halffail.test",
	    RESOLVER_SERVFAIL, 0, 0, { NULL } },
	{ "AAAA NXDOMAIN, A answers: OK", "mta-sts.halfnx.test",
	    RESOLVER_OK, 1, 0, { "192.0.2.13" } },
	{ "no answer at all: TIMEOUT", "mta-sts.silent.test",
	    RESOLVER_TIMEOUT, 0, 0, { NULL } },
};

static void
test_addr(void **state)
{
	const struct addr_row	*row = *state;
	struct got		 g;
	char			 text[INET6_ADDRSTRLEN];
	size_t			 i, n6 = 0;

	env_up();
	memset(&g, 0, sizeof(g));
	assert_non_null(resolver_addr(res, row->name, on_addr, &g));
	g.started = 1;
	run_until(1, WAIT_MS);
	check_once(&g);
	assert_string_equal(resolver_status_str(g.status),
	    resolver_status_str(row->status));
	assert_int_equal(g.n, row->n);
	for (i = 0; i < g.n; i++) {
		if (g.addrs[i].family == AF_INET6)
			n6++;
		else
			assert_int_equal(g.addrs[i].family, AF_INET);
		/* IPv6 first */
		if (i > 0 && g.addrs[i].family == AF_INET6)
			assert_int_equal(g.addrs[i - 1].family, AF_INET6);
	}
	assert_int_equal(n6, row->n6);
	for (i = 0; i < 2 && row->addr[i] != NULL; i++) {
		inet_ntop(g.addrs[i].family, g.addrs[i].addr, text,
		    sizeof(text));
		assert_string_equal(text, row->addr[i]);
	}
	env_down();
}

/* MX */

struct mx_row {
	const char		*label;
	const char		*name;
	enum resolver_status	 status;
	size_t			 n;
	struct {
		uint16_t	 pref;
		const char	*host;
	}			 mx[4];
};

static const struct mx_row mx_rows[] = {
	{ "EDGE-5 sorted by preference, lowercase, no trailing dot",
	    "multi.test", RESOLVER_OK, 4, {
		{ 10, "mx1.multi.test" }, { 10, "mx1b.multi.test" },
		{ 20, "mx2.multi.test" }, { 30, "backup.example.net" } } },
	{ "EDGE-8 null MX: OK with no host", "nullmx.test", RESOLVER_OK, 0,
	    { { 0, NULL } } },
	{ "CNAME at the domain is followed", "mxalias.test", RESOLVER_OK, 4,
	    { { 10, "mx1.multi.test" } } },
	{ "RESOLVER_MX_MAX most preferred kept (over TCP)", "manymx.test",
	    RESOLVER_OK, RESOLVER_MX_MAX, { { 1, "mx1.manymx.test" },
		{ 2, "mx2.manymx.test" } } },
	{ "a dot inside a label is escaped, never a boundary",
	    "dotlabel.test", RESOLVER_OK, 1, { { 5, "a\\046b.test" } } },
	{ "EDGE-7 no MX: NODATA", "nomx.test", RESOLVER_NODATA, 0,
	    { { 0, NULL } } },
	{ "NXDOMAIN", "absent.test", RESOLVER_NXDOMAIN, 0, { { 0, NULL } } },
	{ "SERVFAIL", "mxservfail.test", RESOLVER_SERVFAIL, 0,
	    { { 0, NULL } } },
	{ "no answer at all: TIMEOUT", "mxsilent.test", RESOLVER_TIMEOUT, 0,
	    { { 0, NULL } } },
};

static void
test_mx(void **state)
{
	const struct mx_row	*row = *state;
	struct got		 g;
	size_t			 i;

	env_up();
	memset(&g, 0, sizeof(g));
	assert_non_null(resolver_mx(res, row->name, on_mx, &g));
	g.started = 1;
	run_until(1, WAIT_MS);
	check_once(&g);
	assert_string_equal(resolver_status_str(g.status),
	    resolver_status_str(row->status));
	assert_int_equal(g.n, row->n);
	for (i = 0; i < 4 && row->mx[i].host != NULL; i++) {
		assert_int_equal(g.mx[i].pref, row->mx[i].pref);
		assert_string_equal(g.mx[i].host, row->mx[i].host);
	}
	for (i = 1; i < g.n; i++)
		assert_true(g.mx[i - 1].pref <= g.mx[i].pref);
	env_down();
}

/* DNSSEC: AD, TTLs, TLSA, probes (conformance §8) */

enum sec_kind {
	SEC_MX,
	SEC_ADDR,
	SEC_TLSA,
	SEC_PROBE
};

struct sec_row {
	const char		*label;
	enum sec_kind		 kind;
	const char		*name;
	uint16_t		 qtype;		/* SEC_PROBE */
	int			 ad_all;	/* the fake sets AD on all */
	enum resolver_status	 status;
	size_t			 n;
	int			 secure;
	uint32_t		 ttl;		/* not for SEC_PROBE */
	const char		*cname;		/* SEC_ADDR */
	const char		*tlsa[3];	/* SEC_TLSA: "U S M HEX" */
};

static const struct sec_row sec_rows[] = {
	/* MX */
	{ .label = "DANE-6 MX with AD: secure, TTL the RRset's smallest",
	    .kind = SEC_MX, .name = "sec.test", .status = RESOLVER_OK, .n = 2,
	    .secure = 1, .ttl = 120 },
	{ .label = "DANE-6 MX without AD: insecure", .kind = SEC_MX,
	    .name = "multi.test", .status = RESOLVER_OK, .n = 4, .secure = 0,
	    .ttl = 300 },
	{ .label = "DANE-6 MX via a CNAME with AD: secure, the CNAME's TTL",
	    .kind = SEC_MX, .name = "mxalias.sec.test", .status = RESOLVER_OK,
	    .n = 2, .secure = 1, .ttl = 60 },
	{ .label = "DANE-3 MX NXDOMAIN with AD: a validated absence, SOA TTL",
	    .kind = SEC_MX, .name = "gone.sec.test",
	    .status = RESOLVER_NXDOMAIN, .secure = 1, .ttl = 30 },
	{ .label = "DANE-3 MX NODATA with AD: a validated absence",
	    .kind = SEC_MX, .name = "mx1.sec.test", .status = RESOLVER_NODATA,
	    .secure = 1, .ttl = 30 },
	{ .label = "DANE-2 DANE-5 MX SERVFAIL (bogus), even with AD: "
	    "SERVFAIL, never secure", .kind = SEC_MX, .name = "bogus.sec.test",
	    .status = RESOLVER_SERVFAIL, .secure = 0, .ttl = 0 },
	{ .label = "negative TTL: min(SOA TTL, SOA MINIMUM)", .kind = SEC_MX,
	    .name = "nomx.test", .status = RESOLVER_NODATA, .secure = 0,
	    .ttl = 600 },

	/* A and AAAA */
	{ .label = "DANE-7 A and AAAA both with AD: secure, smallest TTL",
	    .kind = SEC_ADDR, .name = "mx1.sec.test", .status = RESOLVER_OK,
	    .n = 2, .secure = 1, .ttl = 200, .cname = "" },
	{ .label = "DANE-7 A with AD, AAAA without: not secure",
	    .kind = SEC_ADDR, .name = "mx.half.test", .status = RESOLVER_OK,
	    .n = 2, .secure = 0, .ttl = 300, .cname = "" },
	{ .label = "DANE-7 A with AD, AAAA NODATA with AD: secure, "
	    "the NODATA's TTL counts", .kind = SEC_ADDR, .name = "v4.sec.test",
	    .status = RESOLVER_OK, .n = 1, .secure = 1, .ttl = 30,
	    .cname = "" },
	{ .label = "DANE-7 A with AD, AAAA SERVFAIL: OK but not secure",
	    .kind = SEC_ADDR, .name = "fail6.sec.test", .status = RESOLVER_OK,
	    .n = 1, .secure = 0, .ttl = 300, .cname = "" },
	{ .label = "DANE-7 DANE-8 addresses via a CNAME: the chain's end, "
	    "lowercase", .kind = SEC_ADDR, .name = "Alias.Sec.Test",
	    .status = RESOLVER_OK, .n = 2, .secure = 1, .ttl = 100,
	    .cname = "mx1.sec.test" },
	{ .label = "DANE-7 addresses without AD: insecure, no CNAME",
	    .kind = SEC_ADDR, .name = "mta-sts.both.test",
	    .status = RESOLVER_OK, .n = 2, .secure = 0, .ttl = 300,
	    .cname = "" },
	{ .label = "DANE-3 NXDOMAIN with AD on both", .kind = SEC_ADDR,
	    .name = "gone.sec.test", .status = RESOLVER_NXDOMAIN, .secure = 1,
	    .ttl = 30, .cname = "" },
	{ .label = "DANE-2 both SERVFAIL with AD: not secure",
	    .kind = SEC_ADDR, .name = "bogus.sec.test",
	    .status = RESOLVER_SERVFAIL, .secure = 0, .ttl = 0, .cname = "" },

	/* TLSA */
	{ .label = "DANE-10 TLSA 3 1 1, 2 0 1, 1 1 1: all returned, in order",
	    .kind = SEC_TLSA, .name = "_25._tcp.mx1.sec.test",
	    .status = RESOLVER_OK, .n = 3, .secure = 1, .ttl = 150,
	    .tlsa = { "3 1 1 " TLSA_H1, "2 0 1 " TLSA_H2,
	    "1 1 1 " TLSA_H3 } },
	{ .label = "DANE-8 TLSA via a CNAME: the target's RRs, CNAME TTL",
	    .kind = SEC_TLSA, .name = "_25._tcp.alias.sec.test",
	    .status = RESOLVER_OK, .n = 3, .secure = 1, .ttl = 100,
	    .tlsa = { "3 1 1 " TLSA_H1, "2 0 1 " TLSA_H2,
	    "1 1 1 " TLSA_H3 } },
	{ .label = "DANE-10 TLSA 3 0 2 with 64 bytes", .kind = SEC_TLSA,
	    .name = "_25._tcp.sha512.sec.test", .status = RESOLVER_OK, .n = 1,
	    .secure = 1, .ttl = 300, .tlsa = { "3 0 2 " TLSA_H1 TLSA_H2 } },
	{ .label = "DANE-10 TLSA 3 0 0 with 2 bytes", .kind = SEC_TLSA,
	    .name = "_25._tcp.full.sec.test", .status = RESOLVER_OK, .n = 1,
	    .secure = 1, .ttl = 300, .tlsa = { "3 0 0 3082" } },
	{ .label = "TLSA: RESOLVER_TLSA_MAX kept (over TCP)",
	    .kind = SEC_TLSA, .name = "_25._tcp.many.sec.test",
	    .status = RESOLVER_OK, .n = RESOLVER_TLSA_MAX, .secure = 1,
	    .ttl = 300 },
	{ .label = "DANE-3 TLSA NODATA with AD: a validated absence",
	    .kind = SEC_TLSA, .name = "_25._tcp.nodata.sec.test",
	    .status = RESOLVER_NODATA, .secure = 1, .ttl = 30 },
	{ .label = "DANE-3 TLSA NXDOMAIN with AD: a validated absence",
	    .kind = SEC_TLSA, .name = "_25._tcp.mx2.sec.test",
	    .status = RESOLVER_NXDOMAIN, .secure = 1, .ttl = 30 },
	{ .label = "DANE-3 TLSA NXDOMAIN without an SOA: TTL 0",
	    .kind = SEC_TLSA, .name = "_25._tcp.nosoa.sec.test",
	    .status = RESOLVER_NXDOMAIN, .secure = 1, .ttl = 0 },
	{ .label = "DANE-9 TLSA NODATA without AD: an insecure absence",
	    .kind = SEC_TLSA, .name = "_25._tcp.mx.insec.test",
	    .status = RESOLVER_NODATA, .secure = 0, .ttl = 600 },
	{ .label = "DANE-2 DANE-9 TLSA SERVFAIL (bogus), even with AD: "
	    "SERVFAIL, never NODATA, never secure", .kind = SEC_TLSA,
	    .name = "_25._tcp.bogus.sec.test", .status = RESOLVER_SERVFAIL,
	    .secure = 0, .ttl = 0 },
	{ .label = "DANE-2 a malformed TLSA RR alone: SERVFAIL, not secure",
	    .kind = SEC_TLSA, .name = "_25._tcp.short.sec.test",
	    .status = RESOLVER_SERVFAIL, .secure = 0, .ttl = 0 },

	/* Probes */
	{ .label = "DANE-4 probe . SOA with AD: secure", .kind = SEC_PROBE,
	    .name = ".", .qtype = T_SOA, .ad_all = 1, .status = RESOLVER_OK,
	    .n = 1, .secure = 1 },
	{ .label = "DANE-4 probe . SOA without AD: not secure",
	    .kind = SEC_PROBE, .name = ".", .qtype = T_SOA,
	    .status = RESOLVER_OK, .n = 1, .secure = 0 },
	{ .label = "probe of several RRs counts them", .kind = SEC_PROBE,
	    .name = "sec.test", .qtype = T_MX, .status = RESOLVER_OK, .n = 2,
	    .secure = 1 },
	{ .label = "probe NODATA with AD", .kind = SEC_PROBE, .name = ".",
	    .qtype = T_TLSA, .ad_all = 1, .status = RESOLVER_NODATA,
	    .secure = 1 },
	{ .label = "probe of a CNAME itself is not followed",
	    .kind = SEC_PROBE, .name = "alias.sec.test", .qtype = T_CNAME,
	    .status = RESOLVER_OK, .n = 1, .secure = 1 },
	{ .label = "DANE-2 probe SERVFAIL with AD: not secure",
	    .kind = SEC_PROBE, .name = "bogus.sec.test", .qtype = T_SOA,
	    .status = RESOLVER_SERVFAIL, .secure = 0 },
};

static void
test_sec(void **state)
{
	const struct sec_row	*row = *state;
	struct resolver_query	*q = NULL;
	struct got		 g;
	uint8_t			 want[64];
	unsigned		 u, s, m;
	size_t			 i, len;
	int			 used;

	env_up();
	fake.ad_all = row->ad_all;
	memset(&g, 0, sizeof(g));
	switch (row->kind) {
	case SEC_MX:
		q = resolver_mx(res, row->name, on_mx, &g);
		break;
	case SEC_ADDR:
		q = resolver_addr(res, row->name, on_addr, &g);
		break;
	case SEC_TLSA:
		q = resolver_tlsa(res, row->name, on_tlsa, &g);
		break;
	case SEC_PROBE:
		q = resolver_probe(res, row->name, row->qtype, on_probe, &g);
		break;
	}
	assert_non_null(q);
	g.started = 1;
	run_until(1, WAIT_MS);
	check_once(&g);
	assert_string_equal(resolver_status_str(g.status),
	    resolver_status_str(row->status));
	assert_int_equal(g.n, row->n);
	assert_int_equal(g.secure, row->secure);
	if (row->kind != SEC_PROBE)
		assert_int_equal(g.ttl, row->ttl);
	if (row->kind == SEC_ADDR)
		assert_string_equal(g.cname, row->cname);
	for (i = 0; i < 3 && row->tlsa[i] != NULL; i++) {
		used = 0;
		assert_int_equal(sscanf(row->tlsa[i], "%u %u %u %n", &u, &s,
		    &m, &used), 3);
		len = hex_bytes(row->tlsa[i] + used, want, sizeof(want));
		assert_int_equal(g.tlsa[i].usage, u);
		assert_int_equal(g.tlsa[i].selector, s);
		assert_int_equal(g.tlsa[i].mtype, m);
		assert_int_equal(g.tlsa[i].len, len);
		assert_memory_equal(g.tlsa[i].data, want, len);
	}
	env_down();
}

/*
 * DANE-2: every kind of query carries DO=1 and CD=0 (CD=1 would have a
 * validating resolver hand back bogus data instead of SERVFAIL).  First
 * a hand-made query shows that the fake does see CD and a missing DO.
 */
static void
test_flags(void **state)
{
	static const uint8_t	 cdq[] = {
		0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0,
		0, 0, 6, 0, 1			/* . SOA IN, no OPT */
	};
	struct sockaddr_in	 sin;
	struct got		 g[6];
	int			 s, i;

	env_up();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(fake.port);
	assert_true((s = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(sendto(s, cdq, sizeof(cdq), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), sizeof(cdq));
	run_for(100);
	close(s);
	assert_int_equal(fake.flagged, 1);
	assert_int_equal(fake.cd_set, 1);
	assert_int_equal(fake.do_set, 0);
	fake.flagged = fake.cd_set = fake.do_set = 0;

	memset(g, 0, sizeof(g));
	assert_non_null(resolver_txt(res, "_mta-sts.one.test", on_txt,
	    &g[0]));
	assert_non_null(resolver_addr(res, "mx1.sec.test", on_addr, &g[1]));
	assert_non_null(resolver_mx(res, "sec.test", on_mx, &g[2]));
	assert_non_null(resolver_tlsa(res, "_25._tcp.mx1.sec.test", on_tlsa,
	    &g[3]));
	assert_non_null(resolver_probe(res, ".", T_SOA, on_probe, &g[4]));
	assert_non_null(resolver_mx(res, "manymx.test", on_mx, &g[5]));
	for (i = 0; i < 6; i++)
		g[i].started = 1;
	run_until(6, WAIT_MS);
	for (i = 0; i < 6; i++) {
		check_once(&g[i]);
		assert_int_equal(g[i].status, RESOLVER_OK);
	}
	assert_true(fake.flagged >= 7);		/* 6 + MX over TCP */
	assert_true(fake.tcp_queries >= 1);
	assert_int_equal(fake.do_set, fake.flagged);
	assert_int_equal(fake.cd_set, 0);
	env_down();
}

/* DANE-4: configured upstreams. */

struct loop_row {
	const char	*label;
	const char	*ups;		/* space-separated */
	int		 loopback;
};

static const struct loop_row loop_rows[] = {
	{ "DANE-4 loopback: 127.0.0.1", "127.0.0.1", 1 },
	{ "DANE-4 loopback: all of 127.0.0.0/8", "127.0.0.53 127.255.0.1", 1 },
	{ "DANE-4 loopback: ::1", "::1", 1 },
	{ "DANE-4 loopback: 127.0.0.1 and ::1", "127.0.0.1 ::1", 1 },
	{ "DANE-4 not loopback: 192.0.2.1", "192.0.2.1", 0 },
	{ "DANE-4 not loopback: one of two", "127.0.0.1 192.0.2.1", 0 },
	{ "DANE-4 not loopback: 128.0.0.1", "128.0.0.1", 0 },
	{ "DANE-4 not loopback: ::2", "::2", 0 },
	{ "DANE-4 not loopback: IPv4-mapped 127.0.0.1", "::ffff:127.0.0.1",
	    0 },
};

static struct resolver *
resolver_ups(const char *list, unsigned timeout_ms)
{
	struct conf_addr	 ups[CONF_RESOLVERS_MAX];
	struct resolver		*r;
	char			 buf[256], *tok, *save = NULL, *cause = NULL;
	size_t			 n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	memset(ups, 0, sizeof(ups));
	for (tok = strtok_r(buf, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		assert_true(n < CONF_RESOLVERS_MAX);
		ups[n].family = strchr(tok, ':') != NULL ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(ups[n].family, tok, ups[n].addr),
		    1);
		ups[n].port = 53;
		n++;
	}
	r = resolver_new(base, ups, n, timeout_ms, &cause);
	if (r == NULL)
		fail_msg("resolver_new: %s", cause);
	return r;
}

static void
test_loopback(void **state)
{
	const struct loop_row	*row = *state;
	struct resolver		*r;

	base = event_base_new();
	assert_non_null(base);
	r = resolver_ups(row->ups, TIMEOUT_MS);
	assert_int_equal(resolver_loopback(r), row->loopback);
	resolver_free(r);
	event_base_free(base);
	base = NULL;
}

/*
 * DANE-4 with the upstreams getdns reads from /etc/resolv.conf.  A child
 * in a mount namespace of its own (private, so nothing propagates back)
 * gets the test's file bind-mounted over /etc/resolv.conf; it ends with
 * the namespace.  Needs root; skipped otherwise.
 */

struct os_row {
	const char	*label;
	const char	*resolv_conf;
	int		 loopback;
};

static const struct os_row os_rows[] = {
	{ "DANE-4 resolv.conf: 127.0.0.1", "nameserver 127.0.0.1\n", 1 },
	{ "DANE-4 resolv.conf: 127.0.0.53 and ::1",
	    "# systemd-resolved\nnameserver 127.0.0.53\nnameserver ::1\n", 1 },
	{ "DANE-4 resolv.conf: ::1", "nameserver ::1\n", 1 },
	{ "DANE-4 resolv.conf: 192.0.2.1", "nameserver 192.0.2.1\n", 0 },
	{ "DANE-4 resolv.conf: 127.0.0.1 then 192.0.2.1",
	    "nameserver 127.0.0.1\nnameserver 192.0.2.1\n", 0 },
};

#define OS_SKIP		77	/* child: no namespace or mount (not root) */
#define OS_FAIL		78	/* child: resolver_new failed */

static void
test_loopback_os(void **state)
{
	const struct os_row	*row = *state;
	struct event_base	*b;
	struct resolver		*r;
	char			 path[PATH_MAX], before[512], after[512];
	char			*cause = NULL;
	const char		*tmp;
	pid_t			 pid;
	int			 fd, st, rc;
	FILE			*f;

	if ((f = fopen("/etc/resolv.conf", "r")) == NULL)
		skip();
	memset(before, 0, sizeof(before));
	(void)fread(before, 1, sizeof(before) - 1, f);
	fclose(f);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/test_resolver.XXXXXX", tmp);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, row->resolv_conf,
	    strlen(row->resolv_conf)), strlen(row->resolv_conf));
	close(fd);

	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
		    mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) ==
		    -1)
			_exit(OS_SKIP);
		b = event_base_new();
		if ((r = resolver_new(b, NULL, 0, TIMEOUT_MS, &cause)) ==
		    NULL)
			_exit(OS_FAIL);
		rc = resolver_loopback(r);
		resolver_free(r);
		event_base_free(b);
		_exit(rc);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	unlink(path);

	/* Nothing leaked out of the child's namespace. */
	assert_non_null(f = fopen("/etc/resolv.conf", "r"));
	memset(after, 0, sizeof(after));
	(void)fread(after, 1, sizeof(after) - 1, f);
	fclose(f);
	assert_string_equal(before, after);

	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == OS_SKIP)
		skip();
	assert_int_equal(WEXITSTATUS(st), row->loopback);
}

/* Lifetimes */

static void
test_cancel_in_flight(void **state)
{
	struct resolver_query	*q[3];
	struct got		 g[3];

	env_up();
	memset(g, 0, sizeof(g));
	q[0] = resolver_txt(res, "_mta-sts.silent.test", on_txt, &g[0]);
	q[1] = resolver_addr(res, "mta-sts.silent.test", on_addr, &g[1]);
	q[2] = resolver_mx(res, "mxsilent.test", on_mx, &g[2]);
	assert_non_null(q[0]);
	assert_non_null(q[1]);
	assert_non_null(q[2]);
	run_for(50);
	resolver_cancel(q[0]);
	resolver_cancel(q[1]);
	resolver_cancel(q[2]);
	run_for(TIMEOUT_MS * 2);
	assert_int_equal(total_calls, 0);
	env_down();
}

static void
test_cancel_at_once(void **state)
{
	struct resolver_query	*q;
	struct got		 g;

	env_up();
	memset(&g, 0, sizeof(g));
	q = resolver_txt(res, "_mta-sts.one.test", on_txt, &g);
	assert_non_null(q);
	resolver_cancel(q);
	run_for(200);
	assert_int_equal(total_calls, 0);
	env_down();
}

/*
 * Both answers reach getdns in one loop iteration, so the second query is
 * answered but not yet delivered when the first callback cancels it.
 */
static void
test_cancel_answered(void **state)
{
	struct resolver_query	*q[2];
	struct got		 g[2];

	env_up();
	memset(g, 0, sizeof(g));
	fake.hold = 1;
	q[0] = resolver_txt(res, "_mta-sts.one.test", on_txt, &g[0]);
	q[1] = resolver_txt(res, "_mta-sts.two.test", on_txt, &g[1]);
	assert_non_null(q[0]);
	assert_non_null(q[1]);
	g[0].started = g[1].started = 1;
	/* Whichever comes first cancels the other. */
	g[0].cancel_me = &q[1];
	g[1].cancel_me = &q[0];
	run_for(100);
	assert_int_equal(fake.nheld, 2);
	fake_release();
	run_until(2, 500);
	assert_int_equal(total_calls, 1);
	assert_int_equal(g[0].calls + g[1].calls, 1);
	env_down();
}

/* A answered, AAAA still waiting. */
static void
test_cancel_half_done(void **state)
{
	struct resolver_query	*q;
	struct got		 g;

	env_up();
	memset(&g, 0, sizeof(g));
	q = resolver_addr(res, "mta-sts.half.test", on_addr, &g);
	assert_non_null(q);
	run_for(100);
	assert_true(fake.answered >= 1);
	resolver_cancel(q);
	run_for(TIMEOUT_MS * 2);
	assert_int_equal(total_calls, 0);
	env_down();
}

static void
test_free_in_flight(void **state)
{
	struct got	g[4];

	env_up();
	memset(g, 0, sizeof(g));
	assert_non_null(resolver_txt(res, "_mta-sts.silent.test", on_txt,
	    &g[0]));
	assert_non_null(resolver_addr(res, "mta-sts.half.test", on_addr,
	    &g[1]));
	assert_non_null(resolver_mx(res, "multi.test", on_mx, &g[2]));
	run_until(1, WAIT_MS);
	/* And one only just started. */
	assert_non_null(resolver_txt(res, "_mta-sts.one.test", on_txt,
	    &g[3]));
	assert_int_equal(total_calls, 1);	/* only the MX */
	resolver_free(res);
	res = NULL;
	run_for(TIMEOUT_MS * 2);
	assert_int_equal(total_calls, 1);
	assert_int_equal(g[2].calls, 1);
	env_down();
}

/* The first callback frees the resolver; nobody else is called. */
static void
test_free_in_callback(void **state)
{
	struct got	g[3];
	int		i;

	env_up();
	memset(g, 0, sizeof(g));
	for (i = 0; i < 3; i++)
		g[i].free_me = &res;
	assert_non_null(resolver_txt(res, "_mta-sts.one.test", on_txt,
	    &g[0]));
	assert_non_null(resolver_txt(res, "_mta-sts.two.test", on_txt,
	    &g[1]));
	assert_non_null(resolver_txt(res, "_mta-sts.silent.test", on_txt,
	    &g[2]));
	g[0].started = g[1].started = g[2].started = 1;
	run_until(3, TIMEOUT_MS * 2);
	assert_int_equal(total_calls, 1);
	assert_null(res);
	env_down();
}

/* A callback cancels a sibling that is still in flight. */
static void
test_cancel_in_callback(void **state)
{
	struct resolver_query	*sib;
	struct got		 g[2];

	env_up();
	memset(g, 0, sizeof(g));
	assert_non_null(resolver_txt(res, "_mta-sts.one.test", on_txt,
	    &g[0]));
	sib = resolver_addr(res, "mta-sts.half.test", on_addr, &g[1]);
	assert_non_null(sib);
	g[0].cancel_me = &sib;
	g[0].started = g[1].started = 1;
	run_until(2, TIMEOUT_MS * 2);
	assert_int_equal(total_calls, 1);
	assert_int_equal(g[0].calls, 1);
	env_down();
}

/* The lookup engine starts the next query from a callback. */
static void
on_txt_chain(const struct resolver_txt *t, void *arg)
{
	struct got	*g = arg;

	on_txt(t, g);
	assert_non_null(resolver_addr(res, "mta-sts.both.test", on_addr,
	    &chain_second));
	chain_second.started = 1;
}

static void
test_query_from_callback(void **state)
{
	struct got	g;

	env_up();
	memset(&g, 0, sizeof(g));
	memset(&chain_second, 0, sizeof(chain_second));
	assert_non_null(resolver_txt(res, "_mta-sts.one.test",
	    on_txt_chain, &g));
	g.started = 1;
	run_until(2, WAIT_MS);
	check_once(&g);
	check_once(&chain_second);
	assert_int_equal(chain_second.status, RESOLVER_OK);
	assert_int_equal(chain_second.n, 2);
	env_down();
}

static void
test_many_at_once(void **state)
{
	static const char *const names[] = {
		"_mta-sts.one.test", "_mta-sts.split.test",
		"_mta-sts.absent.test", "_mta-sts.servfail.test",
		"_mta-sts.big.test"
	};
	static struct got	 g[100];
	int			 i;

	env_up();
	memset(g, 0, sizeof(g));
	for (i = 0; i < 100; i++) {
		assert_non_null(resolver_txt(res, names[i % 5], on_txt,
		    &g[i]));
		g[i].started = 1;
	}
	run_until(100, WAIT_MS);
	for (i = 0; i < 100; i++) {
		check_once(&g[i]);
		assert_int_equal(g[i].status, i % 5 == 2 ? RESOLVER_NXDOMAIN :
		    i % 5 == 3 ? RESOLVER_SERVFAIL : RESOLVER_OK);
	}
	env_down();
}

/*
 * getdns can finish a query inside getdns_general() when nothing can be
 * sent (sendto() to the broadcast address fails with EACCES): the callback
 * must still come later, from the loop.
 */
static void
test_never_synchronous(void **state)
{
	struct resolver	*r;
	struct got	 g;

	env_up();
	r = resolver_at("255.255.255.255", 53, TIMEOUT_MS);
	memset(&g, 0, sizeof(g));
	if (resolver_txt(r, "_mta-sts.one.test", on_txt, &g) != NULL) {
		g.started = 1;
		run_until(1, WAIT_MS);
		check_once(&g);
		assert_int_not_equal(g.status, RESOLVER_OK);
	} else
		assert_int_equal(g.calls, 0);
	resolver_free(r);
	env_down();
}

/*
 * Out of descriptors, getdns 1.6.0 accepts a query and then never calls
 * back; the guard timer answers ERROR instead.
 */
static void
test_lost_by_getdns(void **state)
{
	struct rlimit		 old, low;
	struct resolver_query	*q;
	struct got		 g;
	int			 fds[256], n = 0;

	env_up();
	memset(&g, 0, sizeof(g));
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = 128;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (n < 256 && (fds[n] = open("/dev/null", O_RDONLY)) != -1)
		n++;
	q = resolver_txt(res, "_mta-sts.one.test", on_txt, &g);
	while (n > 0)
		close(fds[--n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	g.started = 1;
	if (q != NULL) {
		run_until(1, TIMEOUT_MS + 2000);
		check_once(&g);
		assert_int_not_equal(g.status, RESOLVER_OK);
	}
	run_for(100);
	assert_int_equal(g.calls, q != NULL ? 1 : 0);
	env_down();
}

/* An IPv6 upstream, both transports (the MX answer needs TCP). */
static void
test_ipv6_upstream(void **state)
{
	struct got	g[2];

	base = event_base_new();
	assert_non_null(base);
	if (fake_start(AF_INET6) == -1) {
		event_base_free(base);
		skip();
	}
	res = resolver_at("::1", fake.port, TIMEOUT_MS);
	memset(g, 0, sizeof(g));
	assert_non_null(resolver_txt(res, "_mta-sts.one.test", on_txt,
	    &g[0]));
	assert_non_null(resolver_mx(res, "manymx.test", on_mx, &g[1]));
	g[0].started = g[1].started = 1;
	run_until(2, WAIT_MS);
	check_once(&g[0]);
	check_once(&g[1]);
	assert_int_equal(g[0].status, RESOLVER_OK);
	assert_int_equal(g[1].status, RESOLVER_OK);
	assert_int_equal(g[1].n, RESOLVER_MX_MAX);
	assert_true(fake.tcp_queries >= 1);
	env_down();
}

static void
test_bad_names(void **state)
{
	char			 long_label[100], long_name[400];
	struct got		 g;

	env_up();
	memset(&g, 0, sizeof(g));
	/* A 64-octet label; a 399-octet name. */
	snprintf(long_label, sizeof(long_label), "_mta-sts.%064d.test", 0);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_null(resolver_txt(res, long_label, on_txt, &g));
	assert_null(resolver_mx(res, long_name, on_mx, &g));
	assert_null(resolver_addr(res, long_name, on_addr, &g));
	run_for(100);
	assert_int_equal(total_calls, 0);
	env_down();
}

static void
test_new_errors(void **state)
{
	struct conf_addr	 up;
	char			*cause = NULL;

	base = event_base_new();
	memset(&up, 0, sizeof(up));
	up.family = AF_INET;
	up.port = 53;
	assert_null(resolver_new(base, &up, 1, 0, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	up.family = AF_UNIX;
	assert_null(resolver_new(base, &up, 1, 1000, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "upstreams"));
	free(cause);
	resolver_free(NULL);
	resolver_cancel(NULL);
	event_base_free(base);
	base = NULL;
}

static void
test_status_str(void **state)
{
	assert_string_equal(resolver_status_str(RESOLVER_OK), "ok");
	assert_string_equal(resolver_status_str(RESOLVER_NODATA), "nodata");
	assert_string_equal(resolver_status_str(RESOLVER_NXDOMAIN),
	    "nxdomain");
	assert_string_equal(resolver_status_str(RESOLVER_SERVFAIL),
	    "servfail");
	assert_string_equal(resolver_status_str(RESOLVER_TIMEOUT), "timeout");
	assert_string_equal(resolver_status_str(RESOLVER_ERROR), "error");
}

/* Add a generated row; the caller has written its data to gen_data[ngen]. */
static void
gen_add(const char *owner, uint16_t type)
{
	gen[ngen].owner = owner;
	gen[ngen].type = type;
	gen[ngen].data = gen_data[ngen];
	ngen++;
}

int
main(void)
{
	static struct table_tests	tt;
	unsigned			i;

	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0, "test_resolver");

	for (i = 0; i < 20; i++) {
		snprintf(gen_data[ngen], sizeof(gen_data[0]), "192.0.2.%u",
		    100 + i);
		gen_add("mta-sts.many.test", T_A);
		snprintf(gen_data[ngen], sizeof(gen_data[0]),
		    "2001:db8::1:%x", i);
		gen_add("mta-sts.many.test", T_AAAA);
	}
	for (i = 40; i > 0; i--) {
		snprintf(gen_data[ngen], sizeof(gen_data[0]),
		    "%u mx%u.manymx.test", i, i);
		gen_add("manymx.test", T_MX);
	}
	for (i = 0; i < RESOLVER_TLSA_MAX + 4; i++) {
		snprintf(gen_data[ngen], sizeof(gen_data[0]),
		    "3 1 1 %064x", i);
		gen_add("_25._tcp.many.sec.test", T_TLSA);
	}

	TABLE_ADD(&tt, txt_rows, test_txt);
	TABLE_ADD(&tt, addr_rows, test_addr);
	TABLE_ADD(&tt, mx_rows, test_mx);
	TABLE_ADD(&tt, sec_rows, test_sec);
	table_add_fn(&tt, "DANE-2 every query has DO=1 and CD=0",
	    test_flags);
	TABLE_ADD(&tt, loop_rows, test_loopback);
	TABLE_ADD(&tt, os_rows, test_loopback_os);
	table_add_fn(&tt, "cancel with queries in flight: no callback",
	    test_cancel_in_flight);
	table_add_fn(&tt, "cancel right after start: no callback",
	    test_cancel_at_once);
	table_add_fn(&tt, "cancel when answered but not yet delivered",
	    test_cancel_answered);
	table_add_fn(&tt, "cancel with A answered, AAAA waiting",
	    test_cancel_half_done);
	table_add_fn(&tt, "resolver_free with queries in flight",
	    test_free_in_flight);
	table_add_fn(&tt, "resolver_free inside a callback",
	    test_free_in_callback);
	table_add_fn(&tt, "resolver_cancel of a sibling inside a callback",
	    test_cancel_in_callback);
	table_add_fn(&tt, "a new query from inside a callback",
	    test_query_from_callback);
	table_add_fn(&tt, "100 queries at once, each answered once",
	    test_many_at_once);
	table_add_fn(&tt, "never called back before the call returns",
	    test_never_synchronous);
	table_add_fn(&tt, "a query getdns loses is still answered once",
	    test_lost_by_getdns);
	table_add_fn(&tt, "an IPv6 upstream, UDP and TCP",
	    test_ipv6_upstream);
	table_add_fn(&tt, "bad names are refused at once",
	    test_bad_names);
	table_add_fn(&tt, "resolver_new errors come with a cause",
	    test_new_errors);
	table_add_fn(&tt, "resolver_status_str", test_status_str);
	return table_run("resolver", &tt);
}
