/*
 * getdns_event.h: run a getdns context on a libevent event_base.
 *
 * Our own adapter on getdns's public getdns_eventloop API, because Debian
 * 12's libgetdns_ex_event exports no symbols (stack-notes §2.1).  Only
 * resolver.c uses it; nothing else should see getdns.
 */
#ifndef MTASTS_GETDNS_EVENT_H
#define MTASTS_GETDNS_EVENT_H

#include <getdns/getdns.h>
#include <getdns/getdns_extra.h>

struct event_base;

/*
 * Make ctx schedule its sockets and timers on base.  The context owns the
 * adapter from then on: getdns_context_destroy() (or setting another event
 * loop) frees it.  base must outlive ctx.  Returns GETDNS_RETURN_GOOD or
 * getdns's error code; on error ctx keeps its previous event loop.
 */
getdns_return_t	getdns_event_attach(getdns_context *ctx,
		    struct event_base *base);

#endif /* MTASTS_GETDNS_EVENT_H */
