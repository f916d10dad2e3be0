/*
 * sockmap.h: the Postfix socketmap server (PF-SM-*), on libevent.
 *
 * Steps 1-3 and 10 of a lookup (STYLE.md §2): accept connections on Unix
 * and TCP listeners, read netstrings with a cap that applies before a frame
 * completes, split "name key", pick the answer profile from the map name,
 * hand the key to the request callback, and write the reply.  Many requests
 * travel on one connection, one at a time (PF-SM-10).  A malformed or
 * oversized frame closes that connection only (PF-SM-12).  This module knows
 * nothing about MTA-STS.
 */
#ifndef MTASTS_SOCKMAP_H
#define MTASTS_SOCKMAP_H

#include <sys/types.h>
#include <stddef.h>

struct event_base;
struct answer;
struct sockmap;
struct sockmap_conn;

/*
 * Called once per well-formed request with a known map name.  key is valid
 * only during the call (copy it).  The callee answers with sockmap_reply(),
 * at once or later; until then no further request on that connection is
 * dispatched, and conn stays valid even if the client goes away.
 */
typedef void (*sockmap_request_cb)(struct sockmap_conn *, int profile,
	    const char *key, size_t keylen, void *arg);

/* Counters for mtasts-ctl and the benchmarks. */
struct sockmap_stats {
	unsigned long long	connections;	/* accepted */
	unsigned long long	requests;
	unsigned long long	bad_frames;	/* connections closed for it */
	unsigned long long	idle_closed;
	unsigned		open;		/* connections now */
	int			paused;		/* at max_connections */
};

struct sockmap *sockmap_new(struct event_base *, sockmap_request_cb,
	    void *arg, unsigned max_connections, unsigned idle_timeout);

/*
 * Limits; may change at any time (reload).  idle_timeout (seconds) also
 * bounds how long a partial request or an unread reply may sit.
 */
void	sockmap_set_limits(struct sockmap *, unsigned max_connections,
	    unsigned idle_timeout);

/*
 * Listen on a Unix socket: create its directory if missing, refuse if a
 * live server already answers there, replace a stale socket, then set mode
 * and group (gid -1 = leave).  Returns 0, or -1 with errno set and *cause
 * (caller frees) explaining.
 */
int	sockmap_listen_unix(struct sockmap *, const char *path, mode_t mode,
	    gid_t gid, char **cause);

/* Listen on TCP (address in network order).  Returns 0 or -1, *cause. */
int	sockmap_listen_inet(struct sockmap *, int family, const void *addr,
	    unsigned port, char **cause);

/*
 * Send the answer for the request in flight on conn; exactly once per
 * request.  The answer's text is copied only if the socket cannot take it
 * at once.  Also valid after the client went away (the reply is dropped).
 * conn must not be used after this call.
 */
void	sockmap_reply(struct sockmap_conn *, const struct answer *);

/*
 * 1 while the client of a request in flight is still connected, 0 once it
 * has gone (its answer will be dropped; a lookup may stop caring).
 */
int	sockmap_conn_alive(const struct sockmap_conn *);

/* A short label for log lines: "unix" or "127.0.0.1:1234". */
const char *sockmap_conn_peer(const struct sockmap_conn *);

/*
 * Drain (SIGTERM): close and unlink the listeners, dispatch no new
 * requests; answers to requests in flight are still sent.
 */
void	sockmap_stop(struct sockmap *);

/* Requests awaiting an answer plus replies not yet written. */
unsigned sockmap_pending(const struct sockmap *);

const struct sockmap_stats *sockmap_stats(const struct sockmap *);

/*
 * Stop, close every connection and free.  Every request must have been
 * answered (free the lookup layer first).
 */
void	sockmap_free(struct sockmap *);

#endif /* MTASTS_SOCKMAP_H */
