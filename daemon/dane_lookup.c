/*
 * dane_lookup.c: MX -> A/AAAA -> TLSA per host, fanned out on the loop.
 *
 * DANE-8: the TLSA base domain is the CNAME-expanded host name when the
 * expansion is secure, then the original name.  A null MX or a domain
 * without MX (validated) has its own name as the one host (RFC 5321 §5.1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dane.h"
#include "dane_lookup.h"
#include "log.h"
#include "resolver.h"
#include "xmalloc.h"

struct dane_lookup;

struct host_job {
	struct dane_lookup	*dl;
	size_t			 i;
	struct resolver_query	*q;
	struct dane_host_input	 in;
	char			 base[DOMAIN_MAX + 1];	/* TLSA at ... */
	int			 tried_original;
	int			 done;
};

struct dane_lookup {
	struct resolver		*res;
	dane_lookup_cb		 cb;
	void			*arg;
	struct resolver_query	*mxq;
	struct dane_result	 r;
	struct host_job		 hosts[DANE_HOSTS_MAX];
	size_t			 pending;
};

static void	mx_cb(const struct resolver_mx *, void *);
static void	addr_cb(const struct resolver_addr *, void *);
static void	tlsa_cb(const struct resolver_tlsa *, void *);
static void	host_done(struct host_job *);
static void	tlsa_start(struct host_job *, const char *);
static void	min_ttl(struct dane_lookup *, uint32_t);
static void	finish(struct dane_lookup *);

struct dane_lookup *
dane_lookup_start(struct resolver *res, const char *domain, dane_lookup_cb cb,
    void *arg)
{
	struct dane_lookup	*dl;

	dl = xcalloc(1, sizeof(*dl));
	dl->res = res;
	dl->cb = cb;
	dl->arg = arg;
	dl->r.ttl = UINT32_MAX;
	snprintf(dl->r.host[0], sizeof(dl->r.host[0]), "%s", domain);
	if ((dl->mxq = resolver_mx(res, domain, mx_cb, dl)) == NULL) {
		free(dl);
		return NULL;
	}
	return dl;
}

static void
min_ttl(struct dane_lookup *dl, uint32_t ttl)
{
	if (ttl < dl->r.ttl)
		dl->r.ttl = ttl;
}

static void
mx_cb(const struct resolver_mx *mx, void *arg)
{
	struct dane_lookup	*dl = arg;
	struct host_job		*h;
	size_t			 i, n = 0;
	char			 own[DOMAIN_MAX + 1];

	dl->mxq = NULL;
	switch (mx->status) {
	case RESOLVER_OK:
	case RESOLVER_NODATA:
		dl->r.mx = mx->secure ? DANE_MX_SECURE : DANE_MX_INSECURE;
		break;
	case RESOLVER_NXDOMAIN:
		/* A validated "no such domain": nothing to deliver to. */
		dl->r.mx = mx->secure ? DANE_MX_SECURE : DANE_MX_INSECURE;
		finish(dl);
		return;
	default:
		dl->r.mx = DANE_MX_FAIL;	/* DANE-5 */
		dl->r.mx_servfail = mx->status == RESOLVER_SERVFAIL;
		finish(dl);
		return;
	}
	min_ttl(dl, mx->ttl);
	if (dl->r.mx != DANE_MX_SECURE) {
		finish(dl);		/* DANE-6: DANE does not apply */
		return;
	}
	memcpy(own, dl->r.host[0], sizeof(own));
	if (mx->status == RESOLVER_NODATA)
		snprintf(dl->r.host[n++], DOMAIN_MAX + 1, "%s", own);
	for (i = 0; i < mx->n && n < DANE_HOSTS_MAX; i++)
		snprintf(dl->r.host[n++], DOMAIN_MAX + 1, "%s", mx->mx[i].host);
	dl->r.nhosts = n;
	if (n == 0) {
		finish(dl);		/* null MX: no mail at all */
		return;
	}
	/*
	 * DANE-7: each host as a non-MX destination, all at once.  The
	 * extra count keeps a host that fails at once from finishing the
	 * lookup while the loop still runs.
	 */
	dl->pending = n + 1;
	for (i = 0; i < n; i++) {
		h = &dl->hosts[i];
		h->dl = dl;
		h->i = i;
		if ((h->q = resolver_addr(dl->res, dl->r.host[i], addr_cb,
		    h)) == NULL) {
			h->in.addr = DANE_DNS_FAIL;
			host_done(h);
		}
	}
	if (--dl->pending == 0)
		finish(dl);
}

static void
addr_cb(const struct resolver_addr *ra, void *arg)
{
	struct host_job		*h = arg;

	h->q = NULL;
	switch (ra->status) {
	case RESOLVER_OK:
		h->in.addr = DANE_DNS_OK;
		break;
	case RESOLVER_NXDOMAIN:
	case RESOLVER_NODATA:
		h->in.addr = DANE_DNS_NONE;
		break;
	default:
		h->in.addr = DANE_DNS_FAIL;
		break;
	}
	h->in.addr_secure = ra->secure;
	min_ttl(h->dl, ra->ttl);
	/* DANE-7: TLSA only behind secure addresses. */
	if (h->in.addr != DANE_DNS_OK || !ra->secure) {
		host_done(h);
		return;
	}
	/* DANE-8: the secure CNAME-expanded name first. */
	tlsa_start(h, ra->cname[0] != '\0' ? ra->cname : h->dl->r.host[h->i]);
	if (ra->cname[0] == '\0')
		h->tried_original = 1;
}

static void
tlsa_start(struct host_job *h, const char *base)
{
	char	name[DOMAIN_MAX + 16];

	snprintf(h->base, sizeof(h->base), "%s", base);
	snprintf(h->dl->r.tlsa_base[h->i], DOMAIN_MAX + 1, "%s", base);
	snprintf(name, sizeof(name), "_25._tcp.%s", base);
	if ((h->q = resolver_tlsa(h->dl->res, name, tlsa_cb, h)) == NULL) {
		h->in.tlsa = DANE_DNS_FAIL;
		host_done(h);
	}
}

static void
tlsa_cb(const struct resolver_tlsa *t, void *arg)
{
	struct host_job		*h = arg;
	size_t			 i;

	h->q = NULL;
	min_ttl(h->dl, t->ttl);
	switch (t->status) {
	case RESOLVER_OK:
		h->in.tlsa = DANE_DNS_OK;
		break;
	case RESOLVER_NXDOMAIN:
	case RESOLVER_NODATA:
		/* DANE-8: then the original name, if not tried yet. */
		if (!h->tried_original && t->secure) {
			h->tried_original = 1;
			tlsa_start(h, h->dl->r.host[h->i]);
			return;
		}
		h->in.tlsa = DANE_DNS_NONE;
		break;
	default:
		h->in.tlsa = DANE_DNS_FAIL;
		h->dl->r.tlsa_servfail[h->i] = t->status == RESOLVER_SERVFAIL;
		break;
	}
	h->in.tlsa_secure = t->secure;
	h->in.tlsa_usable = 0;
	for (i = 0; i < t->n; i++)
		if (dane_tlsa_usable(t->rrs[i].usage, t->rrs[i].selector,
		    t->rrs[i].mtype, t->rrs[i].len))
			h->in.tlsa_usable++;
	host_done(h);
}

static void
host_done(struct host_job *h)
{
	struct dane_lookup	*dl = h->dl;

	h->done = 1;
	dl->r.cls[h->i] = dane_host_classify(&h->in);
	if (--dl->pending == 0)
		finish(dl);
}

static void
finish(struct dane_lookup *dl)
{
	if (dl->r.ttl == UINT32_MAX)
		dl->r.ttl = 0;
	dl->cb(&dl->r, dl->arg);
	free(dl);
}

void
dane_lookup_cancel(struct dane_lookup *dl)
{
	size_t	i;

	if (dl == NULL)
		return;
	if (dl->mxq != NULL)
		resolver_cancel(dl->mxq);
	for (i = 0; i < dl->r.nhosts; i++)
		if (dl->hosts[i].q != NULL)
			resolver_cancel(dl->hosts[i].q);
	free(dl);
}
