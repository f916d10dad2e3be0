/*
 * dnssec_check.c: the DNSSEC self-test on a timer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "dnssec_check.h"
#include "log.h"
#include "resolver.h"
#include "xmalloc.h"

#define RR_SOA	6

struct dnssec_check {
	struct event_base	*base;
	struct resolver		*res;
	dnssec_check_cb		 cb;
	void			*arg;
	struct event		*timer;
	struct resolver_query	*q;
};

static void	run(evutil_socket_t, short, void *);
static void	probe_cb(const struct resolver_probe *, void *);

struct dnssec_check *
dnssec_check_new(struct event_base *base, struct resolver *res,
    dnssec_check_cb cb, void *arg)
{
	struct dnssec_check	*dc;
	struct timeval		 now = { 0, 0 };

	dc = xcalloc(1, sizeof(*dc));
	dc->base = base;
	dc->res = res;
	dc->cb = cb;
	dc->arg = arg;
	if ((dc->timer = evtimer_new(base, run, dc)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(dc->timer, &now);
	return dc;
}

static void
run(evutil_socket_t fd, short what, void *arg)
{
	struct dnssec_check	*dc = arg;
	struct timeval		 tv = { DNSSEC_CHECK_SEC, 0 };

	evtimer_add(dc->timer, &tv);
	if (dc->q != NULL)
		return;		/* the last one is still out */
	/* Postfix trusts AD only from loopback, and so do we (DANE-4). */
	if (!resolver_loopback(dc->res)) {
		dc->cb(0, "a resolver is not on loopback, so its AD bit "
		    "cannot be trusted", dc->arg);
		return;
	}
	if ((dc->q = resolver_probe(dc->res, ".", RR_SOA, probe_cb, dc)) ==
	    NULL)
		dc->cb(0, "the DNSSEC probe could not be sent", dc->arg);
}

static void
probe_cb(const struct resolver_probe *p, void *arg)
{
	struct dnssec_check	*dc = arg;
	char			 why[128];

	dc->q = NULL;
	if (p->status != RESOLVER_OK || p->n == 0)
		snprintf(why, sizeof(why), "the root zone's SOA: %s",
		    resolver_status_str(p->status));
	else if (!p->secure)
		snprintf(why, sizeof(why), "the resolver does not validate "
		    "DNSSEC (no AD bit on the root zone's SOA)");
	else {
		dc->cb(1, "the resolver validates DNSSEC", dc->arg);
		return;
	}
	dc->cb(0, why, dc->arg);
}

void
dnssec_check_free(struct dnssec_check *dc)
{
	if (dc == NULL)
		return;
	if (dc->q != NULL)
		resolver_cancel(dc->q);
	event_free(dc->timer);
	free(dc);
}
