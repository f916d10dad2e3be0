/*
 * resolver.c: TXT, A/AAAA, MX, TLSA and probe lookups through getdns in
 * stub mode.
 *
 * Step 6 of a lookup (STYLE.md §2).  Each query is one getdns transaction
 * (two for addresses) on the daemon's event_base.  The getdns callback only
 * copies what we need out of the response into the query; the caller's
 * callback then runs from an event of our own, so it never runs inside
 * getdns (which forbids destroying a context there) and never before
 * resolver_txt() and friends return, even when getdns answers at once.
 * Outcomes come from each reply's rcode (stack-notes §2.3); DNSSEC status
 * is the upstream's AD bit, never getdns's own validation.  Never recurse,
 * never fetch trust anchors.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "conf.h"
#include "getdns_event.h"
#include "log.h"
#include "resolver.h"
#include "xmalloc.h"

#define CHAIN_MAX	16	/* CNAME hops followed inside one answer */
#define WIRE_NAME_MAX	255	/* RFC 1035 §3.1 */
#define RCODE_NXDOMAIN	3
#define GUARD_MS	1000	/* past the timeout: getdns lost the query */
#define TTL_NONE	UINT32_MAX	/* no RR seen yet */
#define TTL_MAX		INT32_MAX	/* RFC 2181 §8: larger means 0 */

/*
 * getdns keeps zero-config DNSSEC state in its "appdata" directory and
 * creates it on first use ($HOME/.getdns by default), even just to read.
 * /dev/null exists and is never a directory: mkdir() stops at EEXIST (so
 * getdns does not fall back to the working directory) and no file below it
 * can be read or written.  getdns 1.6.0 was not seen to go there for our
 * queries (no DNSSEC extensions) at all; this and the empty verify CA and
 * e-mail below make sure it never does.
 */
#define APPDATA_DIR	"/dev/null"

enum rq_kind {
	RQ_TXT,
	RQ_ADDR,
	RQ_MX,
	RQ_TLSA,
	RQ_PROBE
};

/* One getdns transaction of a query. */
struct rq_tx {
	struct resolver_query	*q;
	getdns_transaction_t	 tid;
	uint16_t		 type;
	int			 pending;	/* getdns still owns it */
	enum resolver_status	 status;
	int			 secure;	/* AD, on an answer only */
	uint32_t		 ttl;		/* smallest, or TTL_NONE */
};

struct resolver_query {
	TAILQ_ENTRY(resolver_query)	 entry;
	struct resolver			*r;
	enum rq_kind			 kind;
	union {
		resolver_txt_cb		 txt;
		resolver_addr_cb	 addr;
		resolver_mx_cb		 mx;
		resolver_tlsa_cb	 tlsa;
		resolver_probe_cb	 probe;
	}				 cb;
	void				*arg;
	struct event			*done;		/* callback; guard */
	int				 delivering;
	struct rq_tx			 tx[2];
	size_t				 ntx;
	size_t				 npending;

	union {
		struct resolver_txt	 txt;
		struct resolver_addr	 addr;
		struct resolver_mx	 mx;
		struct resolver_tlsa	 tlsa;
		struct resolver_probe	 probe;
	}				 res;
	struct sts_rdata		*txt_rrs;
	char				*txt_buf;
	uint8_t				*tlsa_buf;
	struct resolver_sockaddr	 got[2][RESOLVER_ADDR_MAX];
	size_t				 ngot[2];
};

struct resolver {
	struct event_base		*base;
	getdns_context			*ctx;
	struct timeval			 guard;
	TAILQ_HEAD(, resolver_query)	 queries;
};

static const char	*gdns_err(getdns_return_t);
static getdns_return_t	 upstreams_set(getdns_context *,
			    const struct conf_addr *, size_t);
static int		 upstreams_present(getdns_context *);
static struct resolver_query *query_start(struct resolver *, enum rq_kind,
			    const char *, const uint16_t *, size_t);
static void		 query_free(struct resolver_query *);
static void		 query_done(evutil_socket_t, short, void *);
static void		 on_getdns(getdns_context *, getdns_callback_type_t,
			    getdns_dict *, void *, getdns_transaction_t);
static enum resolver_status reply_get(getdns_callback_type_t, getdns_dict *,
			    getdns_dict **);
static void		 reply_take(struct rq_tx *, getdns_dict *);
static getdns_list	*answers_at_end(getdns_dict *, struct rq_tx *,
			    getdns_bindata **, int *);
static int		 rr_is(getdns_dict *, uint16_t, const getdns_bindata *);
static void		 ttl_note(struct rq_tx *, getdns_dict *);
static void		 ttl_negative(struct rq_tx *, getdns_dict *);
static uint32_t		 ttl_of(const struct rq_tx *);
static void		 txt_collect(struct rq_tx *, getdns_list *,
			    const getdns_bindata *, int);
static void		 addr_collect(struct rq_tx *, getdns_list *,
			    const getdns_bindata *, int);
static void		 mx_collect(struct rq_tx *, getdns_list *,
			    const getdns_bindata *);
static void		 tlsa_collect(struct rq_tx *, getdns_list *,
			    const getdns_bindata *);
static void		 probe_collect(struct rq_tx *, getdns_list *,
			    const getdns_bindata *);
static void		 addr_merge(struct resolver_query *);
static int		 wire_valid(const getdns_bindata *);
static int		 wire_eq(const getdns_bindata *,
			    const getdns_bindata *);
static int		 wire_text(const getdns_bindata *, char *, size_t);
static int		 addr_is_loopback(const getdns_bindata *);

/* getdns wants these as writable bindata. */
static uint8_t	type_ipv4[] = { 'I', 'P', 'v', '4' };
static uint8_t	type_ipv6[] = { 'I', 'P', 'v', '6' };

static const char *
gdns_err(getdns_return_t rv)
{
	const char	*s;

	s = getdns_get_errorstr_by_id((uint16_t)rv);
	return s != NULL ? s : "unknown getdns error";
}

struct resolver *
resolver_new(struct event_base *base, const struct conf_addr *ups,
    size_t nups, unsigned timeout_ms, char **cause)
{
	struct resolver		*r;
	getdns_context		*ctx = NULL;
	getdns_return_t		 rv;
	const char		*what;
	uint64_t		 guard_ms;

	if (timeout_ms == 0) {
		xasprintf(cause, "DNS timeout must be more than 0 ms");
		return NULL;
	}
	/* set_from_os reads /etc/resolv.conf (and /etc/hosts, unused). */
	if ((rv = getdns_context_create(&ctx, nups == 0)) !=
	    GETDNS_RETURN_GOOD) {
		xasprintf(cause, "getdns context%s: %s",
		    nups == 0 ? " from /etc/resolv.conf" : "",
		    gdns_err(rv));
		return NULL;
	}

	/* First: the default is full recursion from the root servers. */
	what = "stub resolution";
	if ((rv = getdns_context_set_resolution_type(ctx,
	    GETDNS_RESOLUTION_STUB)) != GETDNS_RETURN_GOOD)
		goto fail;
	what = "upstreams";
	if (nups > 0 && (rv = upstreams_set(ctx, ups, nups)) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	if (nups == 0 && !upstreams_present(ctx)) {
		xasprintf(cause, "no nameserver in /etc/resolv.conf");
		getdns_context_destroy(ctx);
		return NULL;
	}
	/* Names are absolute: no resolv.conf search list. */
	what = "append_name";
	if ((rv = getdns_context_set_append_name(ctx,
	    GETDNS_APPEND_NAME_NEVER)) != GETDNS_RETURN_GOOD)
		goto fail;
	/*
	 * DNSSEC: ask for the RRSIGs (DO) so that a validating upstream
	 * validates and tells us with AD, as Postfix does.  We pass no
	 * DNSSEC extension: getdns 1.6 would then validate by itself and
	 * send CD=1, and a validating upstream would hand back bogus data
	 * instead of SERVFAIL.  Without one getdns leaves CD clear (it sets
	 * it only for its own validation or from a "header" dict, which we
	 * never give).  The unit test checks every query's flags.
	 */
	what = "EDNS DO bit";
	if ((rv = getdns_context_set_edns_do_bit(ctx, 1)) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	what = "transport";
	if ((rv = getdns_context_set_dns_transport(ctx,
	    GETDNS_TRANSPORT_UDP_FIRST_AND_FALL_BACK_TO_TCP)) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	/*
	 * Zero-config DNSSEC would fetch the root anchors over HTTP and keep
	 * them in appdata; an empty verify CA or e-mail switches it off.
	 */
	what = "trust anchor verify CA";
	if ((rv = getdns_context_set_trust_anchors_verify_CA(ctx, "")) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	what = "trust anchor verify email";
	if ((rv = getdns_context_set_trust_anchors_verify_email(ctx, "")) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	what = "appdata directory";
	if ((rv = getdns_context_set_appdata_dir(ctx, APPDATA_DIR)) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	what = "timeout";
	if ((rv = getdns_context_set_timeout(ctx, timeout_ms)) !=
	    GETDNS_RETURN_GOOD)
		goto fail;
	what = "event loop";
	if ((rv = getdns_event_attach(ctx, base)) != GETDNS_RETURN_GOOD)
		goto fail;

	r = xcalloc(1, sizeof(*r));
	r->base = base;
	r->ctx = ctx;
	guard_ms = (uint64_t)timeout_ms + GUARD_MS;
	r->guard.tv_sec = (time_t)(guard_ms / 1000);
	r->guard.tv_usec = (suseconds_t)(guard_ms % 1000 * 1000);
	TAILQ_INIT(&r->queries);
	return r;

fail:
	xasprintf(cause, "getdns %s: %s", what, gdns_err(rv));
	getdns_context_destroy(ctx);
	return NULL;
}

static getdns_return_t
upstreams_set(getdns_context *ctx, const struct conf_addr *ups, size_t nups)
{
	getdns_list	*list;
	getdns_dict	*d;
	getdns_bindata	 type, data;
	getdns_return_t	 rv = GETDNS_RETURN_GOOD;
	uint8_t		 addr[16];
	size_t		 i;

	if ((list = getdns_list_create()) == NULL)
		return GETDNS_RETURN_MEMORY_ERROR;
	for (i = 0; i < nups && rv == GETDNS_RETURN_GOOD; i++) {
		memcpy(addr, ups[i].addr, sizeof(addr));
		if (ups[i].family == AF_INET) {
			type.data = type_ipv4;
			type.size = sizeof(type_ipv4);
			data.size = 4;
		} else if (ups[i].family == AF_INET6) {
			type.data = type_ipv6;
			type.size = sizeof(type_ipv6);
			data.size = 16;
		} else {
			rv = GETDNS_RETURN_INVALID_PARAMETER;
			break;
		}
		data.data = addr;
		if ((d = getdns_dict_create()) == NULL) {
			rv = GETDNS_RETURN_MEMORY_ERROR;
			break;
		}
		if ((rv = getdns_dict_set_bindata(d, "address_type", &type)) ==
		    GETDNS_RETURN_GOOD &&
		    (rv = getdns_dict_set_bindata(d, "address_data", &data)) ==
		    GETDNS_RETURN_GOOD &&
		    (rv = getdns_dict_set_int(d, "port",
		    ups[i].port != 0 ? ups[i].port : 53)) == GETDNS_RETURN_GOOD)
			rv = getdns_list_set_dict(list, i, d);	/* copies */
		getdns_dict_destroy(d);
	}
	if (rv == GETDNS_RETURN_GOOD)
		rv = getdns_context_set_upstream_recursive_servers(ctx, list);
	getdns_list_destroy(list);
	return rv;
}

static int
upstreams_present(getdns_context *ctx)
{
	getdns_list	*list = NULL;
	size_t		 n = 0;

	if (getdns_context_get_upstream_recursive_servers(ctx, &list) !=
	    GETDNS_RETURN_GOOD || list == NULL)
		return 0;
	if (getdns_list_get_length(list, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	getdns_list_destroy(list);
	return n > 0;
}

void
resolver_free(struct resolver *r)
{
	struct resolver_query	*q;

	if (r == NULL)
		return;
	while ((q = TAILQ_FIRST(&r->queries)) != NULL)
		resolver_cancel(q);
	getdns_context_destroy(r->ctx);
	xfree(r);
}

struct resolver_query *
resolver_txt(struct resolver *r, const char *name, resolver_txt_cb cb,
    void *arg)
{
	static const uint16_t	 types[] = { GETDNS_RRTYPE_TXT };
	struct resolver_query	*q;

	if ((q = query_start(r, RQ_TXT, name, types, 1)) != NULL) {
		q->cb.txt = cb;
		q->arg = arg;
	}
	return q;
}

/* AAAA first, so that IPv6 addresses come first (STS-FETCH-15). */
struct resolver_query *
resolver_addr(struct resolver *r, const char *name, resolver_addr_cb cb,
    void *arg)
{
	static const uint16_t	 types[] = {
		GETDNS_RRTYPE_AAAA, GETDNS_RRTYPE_A
	};
	struct resolver_query	*q;

	if ((q = query_start(r, RQ_ADDR, name, types, 2)) != NULL) {
		q->cb.addr = cb;
		q->arg = arg;
	}
	return q;
}

struct resolver_query *
resolver_mx(struct resolver *r, const char *name, resolver_mx_cb cb,
    void *arg)
{
	static const uint16_t	 types[] = { GETDNS_RRTYPE_MX };
	struct resolver_query	*q;

	if ((q = query_start(r, RQ_MX, name, types, 1)) != NULL) {
		q->cb.mx = cb;
		q->arg = arg;
	}
	return q;
}

struct resolver_query *
resolver_tlsa(struct resolver *r, const char *name, resolver_tlsa_cb cb,
    void *arg)
{
	static const uint16_t	 types[] = { GETDNS_RRTYPE_TLSA };
	struct resolver_query	*q;

	if ((q = query_start(r, RQ_TLSA, name, types, 1)) != NULL) {
		q->cb.tlsa = cb;
		q->arg = arg;
	}
	return q;
}

struct resolver_query *
resolver_probe(struct resolver *r, const char *name, uint16_t type,
    resolver_probe_cb cb, void *arg)
{
	struct resolver_query	*q;

	if ((q = query_start(r, RQ_PROBE, name, &type, 1)) != NULL) {
		q->cb.probe = cb;
		q->arg = arg;
	}
	return q;
}

/*
 * DANE-4: read the upstreams back from getdns, so that those it took
 * from /etc/resolv.conf count as well as ours.
 */
int
resolver_loopback(const struct resolver *r)
{
	getdns_list	*list = NULL;
	getdns_dict	*d;
	getdns_bindata	*a;
	size_t		 n = 0, i;
	int		 all = 1;

	if (getdns_context_get_upstream_recursive_servers(r->ctx, &list) !=
	    GETDNS_RETURN_GOOD || list == NULL)
		return 0;
	if (getdns_list_get_length(list, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	for (i = 0; i < n && all; i++)
		if (getdns_list_get_dict(list, i, &d) != GETDNS_RETURN_GOOD ||
		    getdns_dict_get_bindata(d, "address_data", &a) !=
		    GETDNS_RETURN_GOOD || !addr_is_loopback(a))
			all = 0;
	getdns_list_destroy(list);
	return n > 0 && all;
}

/* 127.0.0.0/8 or ::1, in network order. */
static int
addr_is_loopback(const getdns_bindata *a)
{
	if (a->size == 4)
		return a->data[0] == 127;
	if (a->size == 16)
		return memcmp(a->data, &in6addr_loopback, 16) == 0;
	return 0;
}

/*
 * Every transaction is marked pending before the first starts: getdns may
 * call back from inside getdns_general(), and the query must not look
 * finished while its second transaction is still to be sent.
 *
 * getdns can also lose a query without a word: when it cannot open a
 * socket (EMFILE), getdns 1.6.0 schedules nothing and never calls back.
 * So the done event doubles as a guard timer, a little after getdns's own
 * timeout, and the callback runs exactly once whatever getdns does.
 */
static struct resolver_query *
query_start(struct resolver *r, enum rq_kind kind, const char *name,
    const uint16_t *types, size_t ntypes)
{
	struct resolver_query	*q;
	getdns_return_t		 rv;
	size_t			 i;

	q = xcalloc(1, sizeof(*q));
	q->r = r;
	q->kind = kind;
	if ((q->done = evtimer_new(r->base, query_done, q)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(q->done, &r->guard);
	q->ntx = q->npending = ntypes;
	for (i = 0; i < ntypes; i++) {
		q->tx[i].q = q;
		q->tx[i].type = types[i];
		q->tx[i].pending = 1;
		q->tx[i].ttl = TTL_NONE;
	}
	for (i = 0; i < ntypes; i++) {
		rv = getdns_general(r->ctx, name, types[i], NULL, &q->tx[i],
		    &q->tx[i].tid, on_getdns);
		if (rv != GETDNS_RETURN_GOOD) {
			log_debug("%s: getdns_general: %s", __func__,
			    gdns_err(rv));
			q->tx[i].pending = 0;
			while (i-- > 0)
				if (q->tx[i].pending)
					getdns_cancel_callback(r->ctx,
					    q->tx[i].tid);
			query_free(q);
			return NULL;
		}
	}
	TAILQ_INSERT_TAIL(&r->queries, q, entry);
	return q;
}

void
resolver_cancel(struct resolver_query *q)
{
	size_t	i;

	/* Inside its own callback: query_done() frees it afterwards. */
	if (q == NULL || q->delivering)
		return;
	/* getdns calls on_getdns() with CANCEL here, which does nothing. */
	for (i = 0; i < q->ntx; i++)
		if (q->tx[i].pending) {
			q->tx[i].pending = 0;
			getdns_cancel_callback(q->r->ctx, q->tx[i].tid);
		}
	TAILQ_REMOVE(&q->r->queries, q, entry);
	query_free(q);
}

static void
query_free(struct resolver_query *q)
{
	event_free(q->done);
	xfree(q->txt_rrs);
	xfree(q->txt_buf);
	xfree(q->tlsa_buf);
	xfree(q);
}

/*
 * getdns's callback: copy the answer into the query, then let our own
 * event run the caller's callback once every transaction is in.
 */
static void
on_getdns(getdns_context *ctx, getdns_callback_type_t cbt,
    getdns_dict *resp, void *userarg, getdns_transaction_t tid)
{
	struct rq_tx		*tx = userarg;
	struct resolver_query	*q;
	getdns_dict		*reply;

	if (cbt == GETDNS_CALLBACK_CANCEL) {
		getdns_dict_destroy(resp);
		return;
	}
	q = tx->q;
	tx->pending = 0;
	tx->status = reply_get(cbt, resp, &reply);
	if (reply != NULL)
		reply_take(tx, reply);
	getdns_dict_destroy(resp);
	if (--q->npending == 0)
		event_active(q->done, EV_TIMEOUT, 1);
}

static void
query_done(evutil_socket_t fd, short what, void *arg)
{
	struct resolver_query	*q = arg;
	size_t			 i;

	if (q->npending > 0) {
		log_warnx("DNS query lost by getdns, given up after %lld ms",
		    (long long)q->r->guard.tv_sec * 1000 +
		    q->r->guard.tv_usec / 1000);
		for (i = 0; i < q->ntx; i++)
			if (q->tx[i].pending) {
				q->tx[i].pending = 0;
				q->tx[i].status = RESOLVER_ERROR;
				getdns_cancel_callback(q->r->ctx, q->tx[i].tid);
			}
		q->npending = 0;
	}
	TAILQ_REMOVE(&q->r->queries, q, entry);
	q->delivering = 1;
	/* The callback may free the resolver: no q->r from here on. */
	switch (q->kind) {
	case RQ_TXT:
		q->res.txt.status = q->tx[0].status;
		q->cb.txt(&q->res.txt, q->arg);
		break;
	case RQ_ADDR:
		addr_merge(q);
		q->cb.addr(&q->res.addr, q->arg);
		break;
	case RQ_MX:
		q->res.mx.status = q->tx[0].status;
		q->res.mx.secure = q->tx[0].secure;
		q->res.mx.ttl = ttl_of(&q->tx[0]);
		q->cb.mx(&q->res.mx, q->arg);
		break;
	case RQ_TLSA:
		q->res.tlsa.status = q->tx[0].status;
		q->res.tlsa.secure = q->tx[0].secure;
		q->res.tlsa.ttl = ttl_of(&q->tx[0]);
		q->cb.tlsa(&q->res.tlsa, q->arg);
		break;
	case RQ_PROBE:
		q->res.probe.status = q->tx[0].status;
		q->res.probe.secure = q->tx[0].secure;
		q->cb.probe(&q->res.probe, q->arg);
		break;
	}
	query_free(q);
}

/*
 * The status of one transaction.  For NOERROR, returns RESOLVER_OK with
 * *replyp set; the collector then decides between OK and NODATA.  For
 * NXDOMAIN *replyp is set too: a validated absence has AD and a TTL.
 */
static enum resolver_status
reply_get(getdns_callback_type_t cbt, getdns_dict *resp, getdns_dict **replyp)
{
	getdns_list	*replies;
	getdns_dict	*reply;
	uint32_t	 rcode, status;
	size_t		 n;

	*replyp = NULL;
	if (cbt == GETDNS_CALLBACK_TIMEOUT)
		return RESOLVER_TIMEOUT;
	if (cbt != GETDNS_CALLBACK_COMPLETE || resp == NULL)
		return RESOLVER_ERROR;
	if (getdns_dict_get_list(resp, "replies_tree", &replies) !=
	    GETDNS_RETURN_GOOD ||
	    getdns_list_get_length(replies, &n) != GETDNS_RETURN_GOOD ||
	    n == 0 ||
	    getdns_list_get_dict(replies, 0, &reply) != GETDNS_RETURN_GOOD) {
		/* No reply at all: remote trouble, never "no such name". */
		if (getdns_dict_get_int(resp, "status", &status) ==
		    GETDNS_RETURN_GOOD &&
		    status == GETDNS_RESPSTATUS_ALL_TIMEOUT)
			return RESOLVER_TIMEOUT;
		return RESOLVER_SERVFAIL;
	}
	if (getdns_dict_get_int(reply, "/header/rcode", &rcode) !=
	    GETDNS_RETURN_GOOD)
		return RESOLVER_SERVFAIL;
	if (rcode != 0 && rcode != RCODE_NXDOMAIN)
		return RESOLVER_SERVFAIL;
	*replyp = reply;
	return rcode == RCODE_NXDOMAIN ? RESOLVER_NXDOMAIN : RESOLVER_OK;
}

/*
 * Copy what the query needs out of a NOERROR or NXDOMAIN reply: the
 * records, AD, the TTL.  AD is kept only with an answer, positive or
 * negative: a SERVFAIL (bogus) is never secure (DANE-2).  RFC 2308 §5: a
 * negative answer lives as long as its SOA says.
 */
static void
reply_take(struct rq_tx *tx, getdns_dict *reply)
{
	struct resolver_query	*q = tx->q;
	getdns_list		*ans;
	getdns_bindata		*end;
	uint32_t		 ad;
	int			 followed;

	ans = answers_at_end(reply, tx, &end, &followed);
	if (ans == NULL) {
		/* Unusable; an NXDOMAIN stays one, as before. */
		if (tx->status == RESOLVER_OK)
			tx->status = RESOLVER_SERVFAIL;
	} else if (tx->status == RESOLVER_OK) {
		switch (q->kind) {
		case RQ_TXT:
			txt_collect(tx, ans, end, followed);
			break;
		case RQ_ADDR:
			addr_collect(tx, ans, end, followed);
			break;
		case RQ_MX:
			mx_collect(tx, ans, end);
			break;
		case RQ_TLSA:
			tlsa_collect(tx, ans, end);
			break;
		case RQ_PROBE:
			probe_collect(tx, ans, end);
			break;
		}
	}
	switch (tx->status) {
	case RESOLVER_OK:
		break;
	case RESOLVER_NODATA:
	case RESOLVER_NXDOMAIN:
		ttl_negative(tx, reply);
		break;
	default:
		tx->ttl = TTL_NONE;
		return;
	}
	tx->secure = getdns_dict_get_int(reply, "/header/ad", &ad) ==
	    GETDNS_RETURN_GOOD && ad == 1;
}

/*
 * The answer section and the name at the end of the CNAME chain that
 * starts at the question name (no chain when CNAME itself is asked).
 * *followed is set if a CNAME was taken, and the TTLs of those taken go
 * into tx.  Returns NULL if the reply is unusable.
 */
static getdns_list *
answers_at_end(getdns_dict *reply, struct rq_tx *tx, getdns_bindata **endp,
    int *followed)
{
	getdns_list	*ans;
	getdns_dict	*rr;
	getdns_bindata	*cur, *target;
	size_t		 n, i, hops;

	*followed = 0;
	if (getdns_dict_get_bindata(reply, "/question/qname", &cur) !=
	    GETDNS_RETURN_GOOD || !wire_valid(cur) ||
	    getdns_dict_get_list(reply, "answer", &ans) !=
	    GETDNS_RETURN_GOOD ||
	    getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		return NULL;
	for (hops = 0; hops < CHAIN_MAX && tx->type != GETDNS_RRTYPE_CNAME;
	    hops++) {
		for (i = 0; i < n; i++) {
			if (getdns_list_get_dict(ans, i, &rr) !=
			    GETDNS_RETURN_GOOD ||
			    !rr_is(rr, GETDNS_RRTYPE_CNAME, cur) ||
			    getdns_dict_get_bindata(rr, "/rdata/cname",
			    &target) != GETDNS_RETURN_GOOD ||
			    !wire_valid(target))
				continue;
			break;
		}
		if (i == n)
			break;
		ttl_note(tx, rr);
		cur = target;
		*followed = 1;
	}
	*endp = cur;
	return ans;
}

/* Is rr of class IN, of this type, and owned by name? */
static int
rr_is(getdns_dict *rr, uint16_t type, const getdns_bindata *name)
{
	getdns_bindata	*owner;
	uint32_t	 t, c;

	return getdns_dict_get_int(rr, "type", &t) == GETDNS_RETURN_GOOD &&
	    t == type &&
	    getdns_dict_get_int(rr, "class", &c) == GETDNS_RETURN_GOOD &&
	    c == GETDNS_RRCLASS_IN &&
	    getdns_dict_get_bindata(rr, "name", &owner) == GETDNS_RETURN_GOOD &&
	    wire_eq(owner, name);
}

/* Keep the smallest TTL of the RRs used. */
static void
ttl_note(struct rq_tx *tx, getdns_dict *rr)
{
	uint32_t	ttl;

	if (getdns_dict_get_int(rr, "ttl", &ttl) != GETDNS_RETURN_GOOD ||
	    ttl > TTL_MAX)
		ttl = 0;
	if (tx->ttl == TTL_NONE || ttl < tx->ttl)
		tx->ttl = ttl;
}

/*
 * RFC 2308 §5: a negative answer's TTL is the smaller of the SOA's own
 * TTL and its MINIMUM field.  Without an SOA it is not to be kept: 0.
 */
static void
ttl_negative(struct rq_tx *tx, getdns_dict *reply)
{
	getdns_list	*auth;
	getdns_dict	*rr;
	uint32_t	 t, c, min, neg = TTL_NONE;
	size_t		 n, i;

	if (getdns_dict_get_list(reply, "authority", &auth) !=
	    GETDNS_RETURN_GOOD ||
	    getdns_list_get_length(auth, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	for (i = 0; i < n; i++) {
		if (getdns_list_get_dict(auth, i, &rr) != GETDNS_RETURN_GOOD ||
		    getdns_dict_get_int(rr, "type", &t) != GETDNS_RETURN_GOOD ||
		    t != GETDNS_RRTYPE_SOA ||
		    getdns_dict_get_int(rr, "class", &c) !=
		    GETDNS_RETURN_GOOD || c != GETDNS_RRCLASS_IN)
			continue;
		if (getdns_dict_get_int(rr, "/rdata/minimum", &min) !=
		    GETDNS_RETURN_GOOD || min > TTL_MAX)
			min = 0;
		if (neg == TTL_NONE || min < neg)
			neg = min;
		ttl_note(tx, rr);
	}
	if (neg == TTL_NONE)
		neg = 0;
	if (tx->ttl == TTL_NONE || neg < tx->ttl)
		tx->ttl = neg;
}

static uint32_t
ttl_of(const struct rq_tx *tx)
{
	return tx->ttl == TTL_NONE ? 0 : tx->ttl;
}

/*
 * STS-REC-2: an RR's character-strings are joined without separator.
 * Each RR keeps at most STS_TXT_MAX + 1 bytes, so that an RR that is too
 * long still looks too long to sts_txt_select().
 */
static void
txt_collect(struct rq_tx *tx, getdns_list *ans, const getdns_bindata *end,
    int followed)
{
	struct resolver_query	*q = tx->q;
	struct resolver_txt	*res = &q->res.txt;
	getdns_list		*strs;
	getdns_dict		*rr;
	getdns_bindata		*s;
	size_t			 n, i, ns, j, len, total = 0, nrr = 0, take;
	char			*p;
	int			 pass;

	if (followed)
		(void)wire_text(end, res->cname, sizeof(res->cname));
	if (getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		n = 0;

	/* Pass 0 sizes the buffers, pass 1 fills them. */
	for (pass = 0; pass < 2; pass++) {
		p = q->txt_buf;
		for (i = 0; i < n; i++) {
			if (getdns_list_get_dict(ans, i, &rr) !=
			    GETDNS_RETURN_GOOD ||
			    !rr_is(rr, GETDNS_RRTYPE_TXT, end) ||
			    getdns_dict_get_list(rr, "/rdata/txt_strings",
			    &strs) != GETDNS_RETURN_GOOD ||
			    getdns_list_get_length(strs, &ns) !=
			    GETDNS_RETURN_GOOD)
				continue;
			len = 0;
			for (j = 0; j < ns && len <= STS_TXT_MAX; j++) {
				if (getdns_list_get_bindata(strs, j, &s) !=
				    GETDNS_RETURN_GOOD)
					continue;
				take = s->size;
				if (take > STS_TXT_MAX + 1 - len)
					take = STS_TXT_MAX + 1 - len;
				if (pass == 1 && take > 0)
					memcpy(p + len, s->data, take);
				len += take;
			}
			if (pass == 0) {
				total += len;
				nrr++;
				continue;
			}
			q->txt_rrs[res->n].buf = p;
			q->txt_rrs[res->n].len = len;
			res->n++;
			p += len;
		}
		if (pass == 0) {
			if (nrr == 0)
				break;
			q->txt_rrs = xcalloc(nrr, sizeof(*q->txt_rrs));
			q->txt_buf = xmalloc(total + 1);
		}
	}
	res->rrs = q->txt_rrs;
	if (res->n == 0)
		tx->status = RESOLVER_NODATA;
}

/*
 * The CNAME chain's end is kept from whichever family saw it first; both
 * come from the same zone data.  A name that cannot be written out is
 * left as "": the caller then only knows the name it asked (DANE-8).
 */
static void
addr_collect(struct rq_tx *tx, getdns_list *ans, const getdns_bindata *end,
    int followed)
{
	struct resolver_query		*q = tx->q;
	struct resolver_addr		*res = &q->res.addr;
	struct resolver_sockaddr	*sa;
	getdns_dict			*rr;
	getdns_bindata			*a;
	size_t				 n, i, want, slot;
	const char			*field;
	int				 family;

	slot = tx == &q->tx[0] ? 0 : 1;
	if (tx->type == GETDNS_RRTYPE_AAAA) {
		field = "/rdata/ipv6_address";
		family = AF_INET6;
		want = 16;
	} else {
		field = "/rdata/ipv4_address";
		family = AF_INET;
		want = 4;
	}
	if (followed && res->cname[0] == '\0' &&
	    wire_text(end, res->cname, sizeof(res->cname)) == -1)
		res->cname[0] = '\0';
	if (getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	for (i = 0; i < n; i++) {
		if (getdns_list_get_dict(ans, i, &rr) != GETDNS_RETURN_GOOD ||
		    !rr_is(rr, tx->type, end) ||
		    getdns_dict_get_bindata(rr, field, &a) !=
		    GETDNS_RETURN_GOOD || a->size != want)
			continue;
		ttl_note(tx, rr);
		if (q->ngot[slot] == RESOLVER_ADDR_MAX)
			continue;
		sa = &q->got[slot][q->ngot[slot]++];
		sa->family = family;
		memcpy(sa->addr, a->data, want);
	}
	if (q->ngot[slot] == 0)
		tx->status = RESOLVER_NODATA;
}

/*
 * IPv6 first, but keep room for up to half the slots of IPv4 so that one
 * family never crowds out the other.  The status is the most meaningful of
 * the two: any address is OK; NXDOMAIN only if both say so; a failure
 * beats NODATA.  Secure only if both families answered (records or a
 * validated absence) with AD; the TTL is the smaller of the two answers'.
 */
static void
addr_merge(struct resolver_query *q)
{
	struct resolver_addr	*res = &q->res.addr;
	enum resolver_status	 s6 = q->tx[0].status, s4 = q->tx[1].status;
	size_t			 n6 = q->ngot[0], n4 = q->ngot[1], i;
	uint32_t		 t6 = q->tx[0].ttl, t4 = q->tx[1].ttl;

	if (n4 > RESOLVER_ADDR_MAX / 2)
		n4 = RESOLVER_ADDR_MAX / 2;
	if (n6 > RESOLVER_ADDR_MAX - n4)
		n6 = RESOLVER_ADDR_MAX - n4;
	n4 = q->ngot[1];
	if (n4 > RESOLVER_ADDR_MAX - n6)
		n4 = RESOLVER_ADDR_MAX - n6;
	for (i = 0; i < n6; i++)
		res->addrs[res->n++] = q->got[0][i];
	for (i = 0; i < n4; i++)
		res->addrs[res->n++] = q->got[1][i];

	if (res->n > 0)
		res->status = RESOLVER_OK;
	else if (s6 == RESOLVER_NXDOMAIN && s4 == RESOLVER_NXDOMAIN)
		res->status = RESOLVER_NXDOMAIN;
	else if (s6 == RESOLVER_SERVFAIL || s4 == RESOLVER_SERVFAIL)
		res->status = RESOLVER_SERVFAIL;
	else if (s6 == RESOLVER_TIMEOUT || s4 == RESOLVER_TIMEOUT)
		res->status = RESOLVER_TIMEOUT;
	else if (s6 == RESOLVER_ERROR || s4 == RESOLVER_ERROR)
		res->status = RESOLVER_ERROR;
	else
		res->status = RESOLVER_NODATA;

	/* tx->secure is only ever set on an answer. */
	res->secure = q->tx[0].secure && q->tx[1].secure;
	res->ttl = ttl_of(&q->tx[0]);
	if (t4 != TTL_NONE && (t6 == TTL_NONE || t4 < t6))
		res->ttl = t4;
}

/*
 * MX hosts sorted by preference (equal ones keep the answer's order);
 * beyond RESOLVER_MX_MAX the least preferred go.  A null MX (RFC 7505,
 * target ".") adds no host but still makes the answer OK.  A target that
 * cannot be written as a host name fits no buffer and is left out; if
 * nothing else is left, the answer is broken and counts as SERVFAIL.
 */
static void
mx_collect(struct rq_tx *tx, getdns_list *ans, const getdns_bindata *end)
{
	struct resolver_mx	*res = &tx->q->res.mx;
	struct resolver_mx_host	 h;
	getdns_dict		*rr;
	getdns_bindata		*x;
	uint32_t		 pref;
	size_t			 n, i, k, nrr = 0, nbad = 0;

	if (getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	for (i = 0; i < n; i++) {
		if (getdns_list_get_dict(ans, i, &rr) != GETDNS_RETURN_GOOD ||
		    !rr_is(rr, GETDNS_RRTYPE_MX, end))
			continue;
		nrr++;
		ttl_note(tx, rr);
		if (getdns_dict_get_int(rr, "/rdata/preference", &pref) !=
		    GETDNS_RETURN_GOOD || pref > UINT16_MAX ||
		    getdns_dict_get_bindata(rr, "/rdata/exchange", &x) !=
		    GETDNS_RETURN_GOOD || !wire_valid(x) ||
		    wire_text(x, h.host, sizeof(h.host)) == -1) {
			nbad++;
			continue;
		}
		if (h.host[0] == '\0')
			continue;		/* null MX */
		h.pref = (uint16_t)pref;
		/* Insertion, stable; when full, drop the worst. */
		if (res->n == RESOLVER_MX_MAX &&
		    res->mx[res->n - 1].pref <= h.pref)
			continue;
		if (res->n < RESOLVER_MX_MAX)
			res->n++;
		for (k = res->n - 1; k > 0 && res->mx[k - 1].pref > h.pref;
		    k--)
			res->mx[k] = res->mx[k - 1];
		res->mx[k] = h;
	}
	if (nrr == 0)
		tx->status = RESOLVER_NODATA;
	else if (res->n == 0 && nbad > 0)
		tx->status = RESOLVER_SERVFAIL;
}

/*
 * RFC 6698 §2.1: usage, selector, matching type and the association
 * data, copied into one buffer the query owns.  Whether a record is
 * usable is dane.c's business (DANE-10); here every well-formed one
 * counts, the first RESOLVER_TLSA_MAX in the answer's order.  If every
 * TLSA RR is malformed the answer is broken: SERVFAIL, never "none".
 */
static void
tlsa_collect(struct rq_tx *tx, getdns_list *ans, const getdns_bindata *end)
{
	struct resolver_query	*q = tx->q;
	struct resolver_tlsa	*res = &q->res.tlsa;
	struct resolver_tlsa_rr	*t;
	getdns_dict		*rr;
	getdns_bindata		*data;
	uint32_t		 u, s, m;
	size_t			 n, i, total = 0, off = 0, nrr = 0;
	int			 pass;

	if (getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	/* Pass 0 sizes the buffer, pass 1 fills it. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (getdns_list_get_dict(ans, i, &rr) !=
			    GETDNS_RETURN_GOOD ||
			    !rr_is(rr, GETDNS_RRTYPE_TLSA, end))
				continue;
			if (pass == 0) {
				nrr++;
				ttl_note(tx, rr);
			}
			if (getdns_dict_get_int(rr,
			    "/rdata/certificate_usage", &u) !=
			    GETDNS_RETURN_GOOD || u > UINT8_MAX ||
			    getdns_dict_get_int(rr, "/rdata/selector", &s) !=
			    GETDNS_RETURN_GOOD || s > UINT8_MAX ||
			    getdns_dict_get_int(rr, "/rdata/matching_type",
			    &m) != GETDNS_RETURN_GOOD || m > UINT8_MAX ||
			    getdns_dict_get_bindata(rr,
			    "/rdata/certificate_association_data", &data) !=
			    GETDNS_RETURN_GOOD)
				continue;
			if (res->n == RESOLVER_TLSA_MAX)
				continue;
			if (pass == 0) {
				total += data->size;
				res->n++;
				continue;
			}
			t = &res->rrs[res->n++];
			t->usage = (uint8_t)u;
			t->selector = (uint8_t)s;
			t->mtype = (uint8_t)m;
			t->len = data->size;
			t->data = q->tlsa_buf + off;
			if (data->size > 0)
				memcpy(q->tlsa_buf + off, data->data,
				    data->size);
			off += data->size;
		}
		if (pass == 0) {
			if (res->n == 0)
				break;
			q->tlsa_buf = xmalloc(total + 1);
			res->n = 0;
		}
	}
	if (nrr == 0)
		tx->status = RESOLVER_NODATA;
	else if (res->n == 0)
		tx->status = RESOLVER_SERVFAIL;
}

/* Any type: how many RRs of it the answer has at the chain's end. */
static void
probe_collect(struct rq_tx *tx, getdns_list *ans, const getdns_bindata *end)
{
	struct resolver_probe	*res = &tx->q->res.probe;
	getdns_dict		*rr;
	size_t			 n, i;

	if (getdns_list_get_length(ans, &n) != GETDNS_RETURN_GOOD)
		n = 0;
	for (i = 0; i < n; i++)
		if (getdns_list_get_dict(ans, i, &rr) == GETDNS_RETURN_GOOD &&
		    rr_is(rr, tx->type, end))
			res->n++;
	if (res->n == 0)
		tx->status = RESOLVER_NODATA;
}

/* A wire-format name, uncompressed, ending at its root label. */
static int
wire_valid(const getdns_bindata *b)
{
	size_t	i = 0;

	if (b == NULL || b->data == NULL || b->size == 0 ||
	    b->size > WIRE_NAME_MAX)
		return 0;
	while (i < b->size) {
		if (b->data[i] == 0)
			return i + 1 == b->size;
		if (b->data[i] > LABEL_MAX)
			return 0;
		i += (size_t)b->data[i] + 1;
	}
	return 0;
}

/*
 * Case-insensitive equality of two valid wire names.  Length octets are
 * at most 63, below 'A', so folding the whole buffer is safe.
 */
static int
wire_eq(const getdns_bindata *a, const getdns_bindata *b)
{
	size_t	i;
	uint8_t	x, y;

	if (a->size != b->size)
		return 0;
	for (i = 0; i < a->size; i++) {
		x = a->data[i];
		y = b->data[i];
		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * A valid wire name as text: lowercase, no trailing dot, "" for the root.
 * Bytes other than letters, digits, '-' and '_' become \DDD (RFC 1035
 * §5.1), so a '.' inside a label can never pass for a label boundary.
 * Returns 0, or -1 if out was too small (it then holds a cut copy).
 */
static int
wire_text(const getdns_bindata *b, char *out, size_t outsz)
{
	size_t	i = 0, o = 0, len, j;
	uint8_t	c;

	while (i < b->size && (len = b->data[i]) != 0) {
		i++;
		if (o > 0) {
			if (o + 1 >= outsz)
				goto cut;
			out[o++] = '.';
		}
		for (j = 0; j < len; j++) {
			c = b->data[i + j];
			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_') {
				if (o + 1 >= outsz)
					goto cut;
				out[o++] = (char)c;
			} else {
				if (o + 4 >= outsz)
					goto cut;
				out[o++] = '\\';
				out[o++] = (char)('0' + c / 100);
				out[o++] = (char)('0' + c / 10 % 10);
				out[o++] = (char)('0' + c % 10);
			}
		}
		i += len;
	}
	out[o] = '\0';
	return 0;
cut:
	out[o] = '\0';
	return -1;
}

const char *
resolver_status_str(enum resolver_status s)
{
	switch (s) {
	case RESOLVER_OK:
		return "ok";
	case RESOLVER_NODATA:
		return "nodata";
	case RESOLVER_NXDOMAIN:
		return "nxdomain";
	case RESOLVER_SERVFAIL:
		return "servfail";
	case RESOLVER_TIMEOUT:
		return "timeout";
	case RESOLVER_ERROR:
		return "error";
	}
	return "unknown";
}
