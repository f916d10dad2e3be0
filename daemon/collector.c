/*
 * collector.c: read TLSRPT datagrams off a Unix datagram socket.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "log.h"
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

static int	bind_dgram(const char *, mode_t, gid_t, char **);
static void	readable(evutil_socket_t, short, void *);

struct collector *
collector_new(struct event_base *base, const char *path, mode_t mode,
    gid_t gid, collector_cb cb, void *arg, char **cause)
{
	struct collector	*co;
	int			 fd;

	if ((fd = bind_dgram(path, mode, gid, cause)) == -1)
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

/* Like sockmap_listen_unix(): a live server's socket is not taken. */
static int
bind_dgram(const char *path, mode_t mode, gid_t gid, char **cause)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 omask;
	int			 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: socket path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		xasprintf(cause, "%s: another collector is bound there", path);
		return -1;
	}
	saved = errno;
	close(fd);
	/*
	 * Only a refused connect means nobody is there: EPROTOTYPE is a live
	 * stream socket (the socketmap's, say), not ours to take.
	 */
	if (saved != ECONNREFUSED && saved != ENOENT) {
		xasprintf(cause, "%s: in use (%s)", path, strerror(saved));
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			xasprintf(cause, "%s: exists and is not a socket",
			    path);
			return -1;
		}
		if (unlink(path) == -1) {
			xasprintf(cause, "unlink %s: %s", path,
			    strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	/* Born 0600, widened only after chown: no window for others. */
	omask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		umask(omask);
		close(fd);
		xasprintf(cause, "bind %s: %s", path, strerror(saved));
		return -1;
	}
	umask(omask);
	if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1) ||
	    chmod(path, mode) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		xasprintf(cause, "%s: %s", path, strerror(saved));
		return -1;
	}
	return fd;
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
