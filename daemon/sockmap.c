/*
 * sockmap.c: socketmap listeners and connections on raw fds and libevent.
 *
 * The hot path is one read(2) and one writev(2) per request: no
 * bufferevents, no per-request allocation, and a connection's read event
 * stays registered unless a lookup goes asynchronous.  Input is capped
 * before a frame completes; replies that the socket cannot take at once are
 * copied and sent when it becomes writable.  Connections are freed only
 * when no lookup refers to them (the busy flag is that reference).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <time.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "answer.h"
#include "bounds.h"
#include "log.h"
#include "netstring.h"
#include "sockmap.h"
#include "unixsock.h"
#include "xmalloc.h"

#define CONN_SMALL_BUF	512	/* most requests fit; bigger ones grow */
#define CONN_BIG_BUF	(NETSTRING_HEADER_MAX + SOCKMAP_REQUEST_MAX + 1)
#define ACCEPT_BURST	64	/* connections taken per wakeup */
#define PEER_MAX	64
#define CONN_ONE_WRITE	1024	/* replies this small are copied, then sent */
#define SWEEP_MS	1000	/* idle and stall checks */
#define ACCEPT_PAUSE_MS	1000	/* after running out of descriptors */
#define WARN_PER_SEC	10	/* remote-triggered warnings, then quiet */

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct sockmap		*sm;
	int			 fd;
	struct event		*ev;
	char			*path;		/* unix: unlinked at stop */
	int			 tcp;
};

/*
 * A connection is freed when its last reference goes: one is held while
 * the fd is open, one by a request awaiting its answer, one while
 * conn_process() runs.  Nobody touches a connection after dropping theirs.
 */
struct sockmap_conn {
	TAILQ_ENTRY(sockmap_conn) entry;
	struct sockmap		*sm;
	int			 refs;
	int			 fd;
	struct event		*rev;		/* read */
	struct event		*wev;		/* only while output waits */
	char			*ibuf;		/* small or big */
	size_t			 icap, ilen;
	char			*obuf;		/* unsent reply bytes */
	size_t			 olen, ooff;
	int			 busy;		/* a request awaits its answer */
	int			 closing;	/* fd gone */
	int			 processing;	/* inside conn_process() */
	int			 reading;	/* rev is added */
	int			 warned;	/* unknown map name logged */
	uint64_t		 last_ms;	/* last read, write or answer */
	uint64_t		 frame_ms;	/* since when input is pending */
	char			 peer[PEER_MAX];
	char			 small[CONN_SMALL_BUF];
};

struct sockmap {
	struct event_base		*base;
	sockmap_request_cb		 cb;
	void				*arg;
	TAILQ_HEAD(, listener)		 listeners;
	TAILQ_HEAD(, sockmap_conn)	 conns;
	unsigned			 max_conns;
	uint64_t			 idle_ms;
	struct event			*sweep;
	struct event			*resume;	/* after EMFILE */
	int				 stopped;	/* draining */
	unsigned			 inflight;
	uint64_t			 warn_sec;
	unsigned			 warn_count;
	struct sockmap_stats		 stats;
};

static uint64_t	now_ms(void);
static int	warn_ok(struct sockmap *);
static void	listener_cb(evutil_socket_t, short, void *);
static void	listeners_enable(struct sockmap *, int);
static void	resume_cb(evutil_socket_t, short, void *);
static void	conn_new(struct sockmap *, int, const struct sockaddr *, int);
static void	conn_read_cb(evutil_socket_t, short, void *);
static void	conn_write_cb(evutil_socket_t, short, void *);
static void	conn_process(struct sockmap_conn *);
static void	conn_send(struct sockmap_conn *, const char *, size_t,
		    const char *, size_t);
static void	conn_resume(struct sockmap_conn *);
static void	conn_read_enable(struct sockmap_conn *, int);
static void	conn_close(struct sockmap_conn *);
static void	conn_unref(struct sockmap_conn *);
static void	reply_static(struct sockmap_conn *, enum answer_status,
		    const char *);
static void	sweep_cb(evutil_socket_t, short, void *);

/* Monotonic milliseconds; CLOCK_MONOTONIC_COARSE costs no system call. */
static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Warnings that a client can trigger at will are limited to WARN_PER_SEC
 * a second, so that nobody floods the log through us.
 */
static int
warn_ok(struct sockmap *sm)
{
	uint64_t	sec = now_ms() / 1000;

	if (sec != sm->warn_sec) {
		if (sm->warn_count > WARN_PER_SEC)
			log_warnx("%u similar warnings suppressed",
			    sm->warn_count - WARN_PER_SEC);
		sm->warn_sec = sec;
		sm->warn_count = 0;
	}
	return ++sm->warn_count <= WARN_PER_SEC;
}

struct sockmap *
sockmap_new(struct event_base *base, sockmap_request_cb cb, void *arg,
    unsigned max_connections, unsigned idle_timeout)
{
	struct sockmap	*sm;

	sm = xcalloc(1, sizeof(*sm));
	sm->base = base;
	sm->cb = cb;
	sm->arg = arg;
	TAILQ_INIT(&sm->listeners);
	TAILQ_INIT(&sm->conns);
	sm->sweep = event_new(base, -1, EV_PERSIST, sweep_cb, sm);
	sm->resume = evtimer_new(base, resume_cb, sm);
	if (sm->sweep == NULL || sm->resume == NULL)
		fatalx("%s: event_new failed", __func__);
	sockmap_set_limits(sm, max_connections, idle_timeout);
	return sm;
}

void
sockmap_set_limits(struct sockmap *sm, unsigned max_connections,
    unsigned idle_timeout)
{
	sm->max_conns = max_connections;
	sm->idle_ms = (uint64_t)idle_timeout * 1000;
	if (sm->stats.paused && sm->stats.open < sm->max_conns &&
	    !evtimer_pending(sm->resume, NULL))
		listeners_enable(sm, 1);
}

static struct listener *
listener_add(struct sockmap *sm, int fd, const char *path, int tcp)
{
	struct listener	*l;

	l = xcalloc(1, sizeof(*l));
	l->sm = sm;
	l->fd = fd;
	l->tcp = tcp;
	l->path = path != NULL ? xstrdup(path) : NULL;
	l->ev = event_new(sm->base, fd, EV_READ | EV_PERSIST, listener_cb, l);
	if (l->ev == NULL)
		fatalx("%s: event_new failed", __func__);
	if (!sm->stats.paused)
		event_add(l->ev, NULL);
	TAILQ_INSERT_TAIL(&sm->listeners, l, entry);
	return l;
}

int
sockmap_listen_unix(struct sockmap *sm, const char *path, mode_t mode,
    gid_t gid, char **cause)
{
	int	fd;

	if ((fd = unixsock_bind(path, SOCK_STREAM, mode, gid, SOMAXCONN,
	    cause)) == -1)
		return -1;
	listener_add(sm, fd, path, 0);
	return 0;
}

int
sockmap_listen_inet(struct sockmap *sm, int family, const void *addr,
    unsigned port, char **cause)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 slen;
	char			 text[INET6_ADDRSTRLEN];
	int			 fd, on = 1, saved;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, addr, 4);
		slen = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, addr, 16);
		slen = sizeof(*sin6);
	}
	inet_ntop(family, addr, text, sizeof(text));

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, slen) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		saved = errno;
		close(fd);
		xasprintf(cause, "listen on %s port %u: %s", text, port,
		    strerror(saved));
		errno = saved;
		return -1;
	}
	listener_add(sm, fd, NULL, 1);
	return 0;
}

static void
listeners_enable(struct sockmap *sm, int on)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &sm->listeners, entry) {
		if (on)
			event_add(l->ev, NULL);
		else
			event_del(l->ev);
	}
	sm->stats.paused = !on;
}

/* After running out of descriptors: try accepting again. */
static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmap	*sm = arg;

	if (sm->stats.open < sm->max_conns)
		listeners_enable(sm, 1);
}

static void
listener_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct sockmap		*sm = l->sm;
	struct sockaddr_storage	 ss;
	struct timeval		 tv = { ACCEPT_PAUSE_MS / 1000, 0 };
	socklen_t		 slen;
	int			 cfd, i;

	for (i = 0; i < ACCEPT_BURST; i++) {
		if (sm->stats.open >= sm->max_conns) {
			/* Pause: the backlog holds new clients meanwhile. */
			log_warnx("max_connections (%u) reached; new "
			    "connections wait", sm->max_conns);
			listeners_enable(sm, 0);
			return;
		}
		slen = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &slen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd != -1) {
			conn_new(sm, cfd, (struct sockaddr *)&ss, l->tcp);
			continue;
		}
		switch (errno) {
		case EINTR:
		case ECONNABORTED:
			continue;
		case EAGAIN:
#if EAGAIN != EWOULDBLOCK
		case EWOULDBLOCK:
#endif
			return;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			/*
			 * The listener stays readable: without a pause this
			 * would spin.  Wait for connections to close.
			 */
			log_warn("accept (pausing for %d ms)",
			    ACCEPT_PAUSE_MS);
			listeners_enable(sm, 0);
			evtimer_add(sm->resume, &tv);
			return;
		default:
			log_warn("accept");
			return;
		}
	}
}

static void
conn_new(struct sockmap *sm, int fd, const struct sockaddr *sa, int tcp)
{
	struct sockmap_conn	*c;
	char			 host[INET6_ADDRSTRLEN];
	int			 on = 1;

	c = xmalloc(sizeof(*c));
	memset(c, 0, offsetof(struct sockmap_conn, small));
	c->sm = sm;
	c->refs = 1;			/* the open fd's */
	c->fd = fd;
	c->ibuf = c->small;
	c->icap = sizeof(c->small);
	c->last_ms = now_ms();
	if (tcp) {
		/* Small request/response pairs: never wait for Nagle. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		if (sa->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)sa;

			inet_ntop(AF_INET6, &s6->sin6_addr, host,
			    sizeof(host));
			snprintf(c->peer, sizeof(c->peer), "[%s]:%u", host,
			    ntohs(s6->sin6_port));
		} else {
			const struct sockaddr_in *s4 = (const void *)sa;

			inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
			snprintf(c->peer, sizeof(c->peer), "%s:%u", host,
			    ntohs(s4->sin_port));
		}
	} else
		memcpy(c->peer, "unix", sizeof("unix"));

	c->rev = event_new(sm->base, fd, EV_READ | EV_PERSIST, conn_read_cb,
	    c);
	c->wev = event_new(sm->base, fd, EV_WRITE, conn_write_cb, c);
	if (c->rev == NULL || c->wev == NULL)
		fatalx("%s: event_new failed", __func__);
	conn_read_enable(c, 1);
	TAILQ_INSERT_TAIL(&sm->conns, c, entry);
	if (sm->stats.open++ == 0) {
		struct timeval tv = { SWEEP_MS / 1000, 0 };

		event_add(sm->sweep, &tv);
	}
	sm->stats.connections++;
}

static void
conn_read_enable(struct sockmap_conn *c, int on)
{
	if (on && !c->reading)
		event_add(c->rev, NULL);
	else if (!on && c->reading)
		event_del(c->rev);
	c->reading = on;
}

/*
 * Reading goes on while a request awaits its answer, so that a client
 * that goes away is noticed at once (its lookup can then stop caring);
 * frames read meanwhile wait in the buffer.  Only a full buffer stops it.
 */
static void
conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmap_conn	*c = arg;
	ssize_t			 n;

	if (c->ilen == c->icap) {
		if (c->ibuf != c->small) {
			/* Full only while busy: decode fails on more. */
			conn_read_enable(c, 0);
			return;
		}
		/* A frame larger than the small buffer: go big, once. */
		c->ibuf = xmalloc(CONN_BIG_BUF);
		memcpy(c->ibuf, c->small, c->ilen);
		c->icap = CONN_BIG_BUF;
	}
	n = read(fd, c->ibuf + c->ilen, c->icap - c->ilen);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		log_debug("%s: %s: read: %s", __func__, c->peer,
		    strerror(errno));
		conn_close(c);
		return;
	}
	if (n == 0) {
		if (c->ilen > 0 || c->busy)
			log_debug("%s: %s: EOF with a request pending",
			    __func__, c->peer);
		conn_close(c);
		return;
	}
	c->last_ms = now_ms();
	if (c->ilen == 0)
		c->frame_ms = c->last_ms;
	c->ilen += (size_t)n;
	if (!c->busy && c->olen == 0)
		conn_process(c);
}

/* Decode and dispatch every complete frame, one request at a time. */
static void
conn_process(struct sockmap_conn *c)
{
	struct sockmap	*sm = c->sm;
	const char	*payload, *why = NULL, *sp;
	char		 safe[LOG_SAFE_MAX];
	size_t		 plen, used, off = 0, nlen;
	int		 profile;

	c->refs++;
	c->processing = 1;
	while (!c->busy && !c->closing && c->olen == 0 && !sm->stopped) {
		switch (netstring_decode(c->ibuf + off, c->ilen - off,
		    SOCKMAP_REQUEST_MAX, &payload, &plen, &used, &why)) {
		case NETSTRING_NEED_MORE:
			goto out;
		case NETSTRING_ERROR:
			/* PF-SM-12: nothing sensible can be sent back. */
			if (warn_ok(sm))
				log_warnx("%s: malformed request (%s): "
				    "\"%s\"; closing connection", c->peer, why,
				    log_safe(safe, sizeof(safe), c->ibuf + off,
				    c->ilen - off));
			sm->stats.bad_frames++;
			conn_close(c);
			goto out;
		case NETSTRING_FRAME:
			break;
		}
		off += used;
		sm->stats.requests++;

		/* PF-SM-3: "name key", split at the first space. */
		if ((sp = memchr(payload, ' ', plen)) == NULL) {
			if (warn_ok(sm))
				log_warnx("%s: request without a key: \"%s\"",
				    c->peer, log_safe(safe, sizeof(safe),
				    payload, plen));
			reply_static(c, ANSWER_PERM, "malformed request");
			continue;
		}
		nlen = (size_t)(sp - payload);
		if ((profile = answer_profile(payload, nlen)) == -1) {
			/* DEC-25: a local configuration error. */
			if (!c->warned && warn_ok(sm))
				log_warnx("%s: unknown map name \"%s\" (use "
				    "\"" ANSWER_MAP_POSTFIX "\" or \""
				    ANSWER_MAP_TLSRPT "\")", c->peer,
				    log_safe(safe, sizeof(safe), payload,
				    nlen));
			c->warned = 1;
			reply_static(c, ANSWER_PERM, "unknown map name");
			continue;
		}
		c->busy = 1;
		c->refs++;			/* the request's */
		sm->inflight++;
		sm->cb(c, profile, sp + 1, plen - nlen - 1, sm->arg);
	}
out:
	c->processing = 0;
	if (!c->closing && off > 0) {
		c->ilen -= off;
		memmove(c->ibuf, c->ibuf + off, c->ilen);
		c->frame_ms = c->last_ms;
	}
	conn_unref(c);
}

static void
reply_static(struct sockmap_conn *c, enum answer_status status,
    const char *reason)
{
	struct answer	a;

	a.status = status;
	a.source = ANSWER_SRC_KEY;
	a.text = reason;
	a.len = strlen(reason);
	c->busy = 1;
	c->refs++;
	c->sm->inflight++;
	sockmap_reply(c, &a);
}

void
sockmap_reply(struct sockmap_conn *c, const struct answer *a)
{
	const char	*word;
	char		 status[16];
	size_t		 wlen;

	if (!c->busy)
		fatalx("%s: no request in flight", __func__);
	c->busy = 0;
	c->sm->inflight--;
	if (!c->closing) {
		word = answer_status_str(a->status);
		wlen = strlen(word);
		memcpy(status, word, wlen);
		status[wlen++] = ' ';	/* "NOTFOUND " keeps it (PF-SM-4) */
		if (a->status == ANSWER_NOTFOUND)
			conn_send(c, status, wlen, "", 0);
		else
			conn_send(c, status, wlen, a->text, a->len);
		c->last_ms = now_ms();
		if (!c->closing && !c->processing)
			conn_resume(c);
	}
	conn_unref(c);			/* the request's */
}

/* Send header, status word, text and ","; keep what does not fit. */
static void
conn_send(struct sockmap_conn *c, const char *word, size_t wlen,
    const char *text, size_t tlen)
{
	char		 hdr[NETSTRING_HEADER_MAX], one[CONN_ONE_WRITE];
	struct iovec	 iov[4];
	size_t		 total, done, i, skip;
	ssize_t		 n;

	if (wlen + tlen > SOCKMAP_REPLY_MAX) {
		/* Never send what Postfix would refuse (PF-SM-6). */
		log_warnx("%s: reply of %zu bytes over the limit; sending TEMP",
		    c->peer, wlen + tlen);
		word = "TEMP ";
		wlen = 5;
		text = "reply too long";
		tlen = strlen(text);
	}
	iov[0].iov_base = hdr;
	iov[0].iov_len = netstring_header(hdr, wlen + tlen);
	total = iov[0].iov_len + wlen + tlen + 1;

	/* Usual case: one contiguous write(2), cheaper than writev(2). */
	if (total <= sizeof(one)) {
		memcpy(one, hdr, iov[0].iov_len);
		memcpy(one + iov[0].iov_len, word, wlen);
		memcpy(one + iov[0].iov_len + wlen, text, tlen);
		one[total - 1] = ',';
		do
			n = write(c->fd, one, total);
		while (n == -1 && errno == EINTR);
		if ((size_t)n == total)
			return;
	}
	iov[1].iov_base = (void *)(uintptr_t)word;
	iov[1].iov_len = wlen;
	iov[2].iov_base = (void *)(uintptr_t)text;
	iov[2].iov_len = tlen;
	iov[3].iov_base = (void *)(uintptr_t)",";
	iov[3].iov_len = 1;

	if (total > sizeof(one)) {
		do
			n = writev(c->fd, iov, 4);
		while (n == -1 && errno == EINTR);
	}
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			log_debug("%s: %s: write: %s", __func__, c->peer,
			    strerror(errno));
			conn_close(c);
			return;
		}
		n = 0;
	}
	if ((size_t)n == total)
		return;

	/* The socket is full: copy the rest and wait for EV_WRITE. */
	done = (size_t)n;
	c->obuf = xmalloc(total - done);
	c->olen = 0;
	c->ooff = 0;
	for (i = 0; i < 4; i++) {
		if (done >= iov[i].iov_len) {
			done -= iov[i].iov_len;
			continue;
		}
		skip = done;
		done = 0;
		memcpy(c->obuf + c->olen, (char *)iov[i].iov_base + skip,
		    iov[i].iov_len - skip);
		c->olen += iov[i].iov_len - skip;
	}
	event_add(c->wev, NULL);
}

static void
conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmap_conn	*c = arg;
	ssize_t			 n;

	n = write(fd, c->obuf + c->ooff, c->olen - c->ooff);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			event_add(c->wev, NULL);
			return;
		}
		conn_close(c);
		return;
	}
	c->last_ms = now_ms();
	c->ooff += (size_t)n;
	if (c->ooff < c->olen) {
		event_add(c->wev, NULL);
		return;
	}
	free(c->obuf);
	c->obuf = NULL;
	c->olen = c->ooff = 0;
	conn_resume(c);
}

/* After an answer went out: read again and serve any buffered request. */
static void
conn_resume(struct sockmap_conn *c)
{
	if (c->olen > 0 || c->busy || c->closing)
		return;
	conn_read_enable(c, 1);
	if (c->ilen > 0)
		conn_process(c);
}

static void
conn_close(struct sockmap_conn *c)
{
	struct sockmap	*sm = c->sm;

	if (c->closing)
		return;
	c->closing = 1;
	event_free(c->rev);
	event_free(c->wev);
	c->rev = c->wev = NULL;
	close(c->fd);
	c->fd = -1;
	TAILQ_REMOVE(&sm->conns, c, entry);
	if (--sm->stats.open == 0)
		event_del(sm->sweep);
	if (sm->stats.paused && sm->stats.open < sm->max_conns &&
	    !evtimer_pending(sm->resume, NULL) && !sm->stopped)
		listeners_enable(sm, 1);
	conn_unref(c);			/* the open fd's */
}

static void
conn_unref(struct sockmap_conn *c)
{
	if (--c->refs > 0)
		return;
	if (c->ibuf != c->small)
		free(c->ibuf);
	free(c->obuf);
	free(c);
}

/*
 * Once a second: close connections that are idle, that sit on a partial
 * request, or whose client does not read its reply, for idle_timeout.
 * A timestamp per read costs less than a timer re-armed per request.
 * Connections awaiting an answer are the lookup's business.
 */
static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockmap		*sm = arg;
	struct sockmap_conn	*c, *next;
	uint64_t		 now = now_ms();
	const char		*why;

	for (c = TAILQ_FIRST(&sm->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->busy)
			continue;
		if (c->olen > 0 && now - c->last_ms >= sm->idle_ms)
			why = "client does not read its reply";
		else if (c->ilen > 0 && now - c->frame_ms >= sm->idle_ms)
			why = "request incomplete";
		else if (now - c->last_ms >= sm->idle_ms)
			why = NULL;
		else
			continue;
		if (why != NULL && warn_ok(sm))
			log_warnx("%s: %s after %llu ms; closing", c->peer, why,
			    (unsigned long long)(sm->idle_ms));
		else
			log_debug("%s: %s: idle, closing", __func__, c->peer);
		sm->stats.idle_closed++;
		conn_close(c);
	}
}

int
sockmap_conn_alive(const struct sockmap_conn *c)
{
	return !c->closing;
}

const char *
sockmap_conn_peer(const struct sockmap_conn *c)
{
	return c->peer;
}

unsigned
sockmap_pending(const struct sockmap *sm)
{
	const struct sockmap_conn	*c;
	unsigned			 n = sm->inflight;

	TAILQ_FOREACH(c, &sm->conns, entry)
		if (c->olen > 0)
			n++;
	return n;
}

const struct sockmap_stats *
sockmap_stats(const struct sockmap *sm)
{
	return &sm->stats;
}

/*
 * Drain: close the listeners (new clients are refused at once rather than
 * left in a backlog nobody reads) and dispatch no more requests.
 */
void
sockmap_stop(struct sockmap *sm)
{
	struct listener	*l;

	sm->stopped = 1;
	evtimer_del(sm->resume);
	while ((l = TAILQ_FIRST(&sm->listeners)) != NULL) {
		TAILQ_REMOVE(&sm->listeners, l, entry);
		event_free(l->ev);
		close(l->fd);
		if (l->path != NULL && unlink(l->path) == -1 &&
		    errno != ENOENT)
			log_warn("unlink %s", l->path);
		free(l->path);
		free(l);
	}
}

void
sockmap_free(struct sockmap *sm)
{
	struct sockmap_conn	*c;

	if (sm == NULL)
		return;
	sockmap_stop(sm);
	while ((c = TAILQ_FIRST(&sm->conns)) != NULL)
		conn_close(c);
	/* Requests still held would point at sm: a bug upstream. */
	if (sm->inflight > 0)
		fatalx("%s: %u requests still in flight", __func__,
		    sm->inflight);
	event_free(sm->sweep);
	event_free(sm->resume);
	free(sm);
}
