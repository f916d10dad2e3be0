/*
 * collector.c: read TLSRPT datagrams off a Unix datagram socket.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "log.h"
#include "unixsock.h"
#include "xmalloc.h"

struct collector {
	struct event		*ev;
	int			 fd;
	char			*path;
	collector_cb		 cb;
	void			*arg;
	struct collector_stats	 stats;
	char			 buf[COLLECTOR_DGRAM_MAX + 1];
};

static void	readable(evutil_socket_t, short, void *);

struct collector *
collector_new(struct event_base *base, const char *path, mode_t mode,
    gid_t gid, collector_cb cb, void *arg, char **cause)
{
	struct collector	*co;
	int			 fd;

	if ((fd = unixsock_bind(path, SOCK_DGRAM, mode, gid, 0, cause)) ==
	    -1)
		return NULL;
	co = xcalloc(1, sizeof(*co));
	co->fd = fd;
	co->path = xstrdup(path);
	co->cb = cb;
	co->arg = arg;
	if ((co->ev = event_new(base, fd, EV_READ | EV_PERSIST, readable,
	    co)) == NULL)
		fatalx("%s: event_new failed", __func__);
	event_add(co->ev, NULL);
	return co;
}

/*
 * Drain: every datagram that is queued now, so that the queue has room
 * for the next burst.  MSG_TRUNC gives a datagram's real length, so an
 * oversized one is counted and dropped rather than parsed cut short.
 */
static void
readable(evutil_socket_t fd, short what, void *arg)
{
	struct collector	*co = arg;
	unsigned long long	 n = 0;
	ssize_t			 r;

	co->stats.wakeups++;
	while (n < COLLECTOR_BURST_MAX) {
		r = recv(fd, co->buf, COLLECTOR_DGRAM_MAX, MSG_TRUNC);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				co->stats.errors++;
				log_warn("tlsrpt: recv %s", co->path);
			}
			break;
		}
		n++;
		if ((size_t)r > COLLECTOR_DGRAM_MAX) {
			if (co->stats.oversized++ % 1000 == 0)
				log_warnx("tlsrpt: datagram of %zd bytes "
				    "dropped: over %d (%llu so far)", r,
				    COLLECTOR_DGRAM_MAX, co->stats.oversized);
			continue;
		}
		co->buf[r] = '\0';
		co->stats.datagrams++;
		co->cb(co->buf, (size_t)r, co->arg);
	}
	if (n > co->stats.burst_max)
		co->stats.burst_max = n;
}

const struct collector_stats *
collector_stats(const struct collector *co)
{
	return &co->stats;
}

void
collector_free(struct collector *co)
{
	if (co == NULL)
		return;
	event_free(co->ev);
	close(co->fd);
	(void)unlink(co->path);
	free(co->path);
	free(co);
}
