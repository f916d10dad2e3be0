/*
 * getdns_event.c: getdns's public event-loop interface on libevent.
 *
 * getdns hands us getdns_eventloop_events (a descriptor with read and
 * write callbacks, and/or a timeout) and we map each to one struct event.
 * A getdns callback may clear, and so free, the very event that fired, or
 * destroy the request that owns it: nothing is touched after calling into
 * getdns.  run and run_once exist for getdns_context_run(); the daemon
 * never calls it, and both stop as soon as getdns has nothing scheduled.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>

#include "getdns_event.h"
#include "log.h"
#include "xmalloc.h"

/* Longer timeouts are cut to this; libevent adds them to "now". */
#define GDEV_TIMEOUT_MAX_MS	((uint64_t)INT32_MAX)

struct gdev_loop {
	getdns_eventloop	 loop;		/* first: getdns casts to it */
	struct event_base	*base;
	unsigned		 nevents;	/* scheduled, for run() */
};

static void		gdev_fire(evutil_socket_t, short, void *);
static getdns_return_t	gdev_schedule(getdns_eventloop *, int, uint64_t,
			    getdns_eventloop_event *);
static getdns_return_t	gdev_clear(getdns_eventloop *,
			    getdns_eventloop_event *);
static void		gdev_cleanup(getdns_eventloop *);
static void		gdev_run(getdns_eventloop *);
static void		gdev_run_once(getdns_eventloop *, int);

static getdns_eventloop_vmt gdev_vmt = {
	gdev_cleanup,
	gdev_schedule,
	gdev_clear,
	gdev_run,
	gdev_run_once
};

/*
 * One callback per wakeup: read first.  A persistent event that is also
 * writable fires again at once, and by then getdns may have cleared it.
 */
static void
gdev_fire(evutil_socket_t fd, short what, void *arg)
{
	getdns_eventloop_event	*el = arg;

	if ((what & EV_READ) && el->read_cb != NULL)
		el->read_cb(el->userarg);
	else if ((what & EV_WRITE) && el->write_cb != NULL)
		el->write_cb(el->userarg);
	else if ((what & EV_TIMEOUT) && el->timeout_cb != NULL)
		el->timeout_cb(el->userarg);
	/* el may be gone now. */
}

static getdns_return_t
gdev_schedule(getdns_eventloop *loop, int fd, uint64_t timeout,
    getdns_eventloop_event *el)
{
	struct gdev_loop	*l = (struct gdev_loop *)loop;
	struct event		*ev;
	struct timeval		 tv;
	short			 what = 0;

	if (el == NULL)
		return GETDNS_RETURN_INVALID_PARAMETER;
	if (el->ev != NULL)
		gdev_clear(loop, el);

	if (el->read_cb != NULL)
		what |= EV_READ | EV_PERSIST;
	if (el->write_cb != NULL)
		what |= EV_WRITE | EV_PERSIST;
	if (what == 0)
		fd = -1;
	else if (fd < 0)
		return GETDNS_RETURN_INVALID_PARAMETER;

	if ((ev = event_new(l->base, fd, what, gdev_fire, el)) == NULL)
		return GETDNS_RETURN_MEMORY_ERROR;
	if (timeout > GDEV_TIMEOUT_MAX_MS)
		timeout = GDEV_TIMEOUT_MAX_MS;
	tv.tv_sec = (time_t)(timeout / 1000);
	tv.tv_usec = (suseconds_t)((timeout % 1000) * 1000);
	if (event_add(ev, el->timeout_cb != NULL ? &tv : NULL) == -1) {
		event_free(ev);
		return GETDNS_RETURN_GENERIC_ERROR;
	}
	el->ev = ev;
	l->nevents++;
	return GETDNS_RETURN_GOOD;
}

static getdns_return_t
gdev_clear(getdns_eventloop *loop, getdns_eventloop_event *el)
{
	struct gdev_loop	*l = (struct gdev_loop *)loop;

	if (el == NULL)
		return GETDNS_RETURN_INVALID_PARAMETER;
	if (el->ev != NULL) {
		event_free(el->ev);	/* also deletes it */
		el->ev = NULL;
		l->nevents--;
	}
	return GETDNS_RETURN_GOOD;
}

static void
gdev_cleanup(getdns_eventloop *loop)
{
	struct gdev_loop	*l = (struct gdev_loop *)loop;

	if (l->nevents != 0)
		log_debug("%s: %u getdns events left behind", __func__,
		    l->nevents);
	xfree(l);
}

static void
gdev_run(getdns_eventloop *loop)
{
	struct gdev_loop	*l = (struct gdev_loop *)loop;

	while (l->nevents > 0)
		if (event_base_loop(l->base, EVLOOP_ONCE) == -1)
			break;
}

static void
gdev_run_once(getdns_eventloop *loop, int blocking)
{
	struct gdev_loop	*l = (struct gdev_loop *)loop;

	/* Upstream's libevent.c has this the wrong way round. */
	event_base_loop(l->base,
	    EVLOOP_ONCE | (blocking ? 0 : EVLOOP_NONBLOCK));
}

getdns_return_t
getdns_event_attach(getdns_context *ctx, struct event_base *base)
{
	struct gdev_loop	*l;
	getdns_return_t		 r;

	if (ctx == NULL || base == NULL)
		return GETDNS_RETURN_INVALID_PARAMETER;
	l = xcalloc(1, sizeof(*l));
	l->loop.vmt = &gdev_vmt;
	l->base = base;
	if ((r = getdns_context_set_eventloop(ctx, &l->loop)) !=
	    GETDNS_RETURN_GOOD)
		xfree(l);
	return r;
}
