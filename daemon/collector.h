/*
 * collector.h: the TLSRPT datagram socket.  Postfix >= 3.10 sends one
 * datagram per TLS handshake through sys4's libtlsrpt (dgram.h says what
 * is in it) to the path of its smtp_tlsrpt_socket_name.
 *
 * libtlsrpt sends without waiting, and Linux queues at most
 * net.unix.max_dgram_qlen datagrams (10 by default) on a socket: what
 * does not fit is lost at the sender.  So each readable event drains the
 * socket, and the callback must not block (it aggregates in memory; the
 * cache is written in batches elsewhere).
 */
#ifndef MTASTS_COLLECTOR_H
#define MTASTS_COLLECTOR_H

#include <sys/types.h>

#include <stddef.h>

#define COLLECTOR_DGRAM_MAX	65536	/* libtlsrpt builds them in 65000 */
#define COLLECTOR_BURST_MAX	1024	/* per wakeup: the event is level-
					 * triggered, the rest waits a turn */

struct collector;
struct event_base;

struct collector_stats {
	unsigned long long	 datagrams;	/* handed to the callback */
	unsigned long long	 oversized;	/* over COLLECTOR_DGRAM_MAX */
	unsigned long long	 wakeups;	/* readable events */
	unsigned long long	 burst_max;	/* most datagrams in one */
	unsigned long long	 errors;	/* recv() failures */
};

/* One datagram, valid during the call; buf[len] is a NUL. */
typedef void (*collector_cb)(const char *buf, size_t len, void *arg);

/*
 * Bind a datagram socket at path (replacing a stale socket, refusing a
 * live one), mode and group gid ((gid_t)-1: leave).  NULL with *cause
 * (caller frees) on failure.
 */
struct collector *collector_new(struct event_base *, const char *path,
		    mode_t mode, gid_t gid, collector_cb, void *arg,
		    char **cause);

/* Close and unlink the socket. */
void		 collector_free(struct collector *);

const struct collector_stats *collector_stats(const struct collector *);

#endif /* MTASTS_COLLECTOR_H */
