/*
 * control.c: the control socket.  Small and strict: one bounded line in,
 * one line out, peer credentials checked before anything is read.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "bounds.h"
#include "control.h"
#include "domain.h"
#include "log.h"
#include "lookup.h"
#include "collector.h"
#include "reporter.h"
#include "sockmap.h"
#include "unixsock.h"
#include "xmalloc.h"

#define CONTROL_TIMEOUT_SEC	60	/* a client must send its line by then */
#define CONTROL_CLIENTS_MAX	16

struct control_conn {
	TAILQ_ENTRY(control_conn) entry;
	struct control		*ctl;
	int			 fd;
	struct event		*ev;
	char			 buf[CONTROL_LINE_MAX];
	size_t			 len;
	int			 waiting;	/* a refresh is running */
	int			 gone;		/* closed while waiting */
};

struct control {
	struct event_base		*base;
	int				 fd;
	char				*path;
	struct event			*ev;
	struct event			*resume;	/* after EMFILE */
	struct lookup			*lookup;
	struct sockmap			*sm;
	struct reporter			*reporter;	/* tlsrpt = yes */
	const struct collector_stats	*cstats;
	TAILQ_HEAD(, control_conn)	 conns;
	unsigned			 nconns;
};

static void	accept_cb(evutil_socket_t, short, void *);
static void	resume_cb(evutil_socket_t, short, void *);
static void	read_cb(evutil_socket_t, short, void *);
static void	handle(struct control_conn *, char *);
static void	reply(struct control_conn *, const char *, const char *);
static void	refresh_cb(int, const char *, void *);
static void	tlsrpt_stats(struct control_conn *);
static void	conn_close(struct control_conn *);

struct control *
control_new(struct event_base *base, const char *path, gid_t gid,
    char **cause)
{
	struct control		*ctl;
	int			 fd;

	/* 0660: the daemon's group may use mtasts-ctl (peer checked too). */
	if ((fd = unixsock_bind(path, SOCK_STREAM, 0660, gid, 16,
	    cause)) == -1)
		return NULL;
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->base = base;
	ctl->fd = fd;
	ctl->path = xstrdup(path);
	TAILQ_INIT(&ctl->conns);
	ctl->ev = event_new(base, fd, EV_READ | EV_PERSIST, accept_cb, ctl);
	ctl->resume = evtimer_new(base, resume_cb, ctl);
	if (ctl->ev == NULL || ctl->resume == NULL)
		fatalx("%s: event_new failed", __func__);
	event_add(ctl->ev, NULL);
	return ctl;
}

void
control_attach(struct control *ctl, struct lookup *lookup,
    struct sockmap *sm)
{
	ctl->lookup = lookup;
	ctl->sm = sm;
}

void
control_set_reporter(struct control *ctl, struct reporter *rp,
    const struct collector_stats *cs)
{
	ctl->reporter = rp;
	ctl->cstats = cs;
}

static void
accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control		*ctl = arg;
	struct control_conn	*c;
	struct ucred		 cred;
	struct timeval		 tv = { CONTROL_TIMEOUT_SEC, 0 };
	socklen_t		 len = sizeof(cred);
	int			 cfd;

	if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		/* Out of descriptors: the socket stays readable; pause. */
		if (errno == EMFILE || errno == ENFILE) {
			struct timeval pause = { 1, 0 };

			log_warn("control: accept");
			event_del(ctl->ev);
			evtimer_add(ctl->resume, &pause);
		}
		return;
	}
	/* Root and the daemon's own user; nobody else, whatever the mode. */
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (cred.uid != 0 && cred.uid != getuid())) {
		log_warnx("control: refused uid %ld",
		    len == sizeof(cred) ? (long)cred.uid : -1L);
		(void)write(cfd, "ERR permission denied\n", 22);
		close(cfd);
		return;
	}
	if (ctl->nconns >= CONTROL_CLIENTS_MAX) {
		(void)write(cfd, "ERR busy\n", 9);
		close(cfd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	c->fd = cfd;
	c->ev = event_new(ctl->base, cfd, EV_READ | EV_PERSIST, read_cb, c);
	if (c->ev == NULL)
		fatalx("%s: event_new failed", __func__);
	event_add(c->ev, &tv);
	TAILQ_INSERT_TAIL(&ctl->conns, c, entry);
	ctl->nconns++;
}

static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control	*ctl = arg;

	event_add(ctl->ev, NULL);
}

static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct control_conn	*c = arg;
	char			*nl;
	ssize_t			 n;

	if (what & EV_TIMEOUT) {
		conn_close(c);
		return;
	}
	n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_close(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if ((nl = memchr(c->buf, '\n', c->len)) == NULL) {
		if (c->len == sizeof(c->buf) - 1) {
			reply(c, "ERR", "request too long");
			conn_close(c);
		}
		return;
	}
	*nl = '\0';
	event_del(c->ev);
	handle(c, c->buf);
}

static void
handle(struct control_conn *c, char *line)
{
	const struct lookup_stats	*ls;
	const struct sockmap_stats	*ss;
	char				 domain[DOMAIN_MAX + 1], text[512];
	char				*cmd, *arg;
	const char			*why = "";

	if (strncmp(line, CONTROL_MAGIC " ", sizeof(CONTROL_MAGIC)) != 0) {
		reply(c, "ERR", "bad magic or version (want " CONTROL_MAGIC
		    ")");
		conn_close(c);
		return;
	}
	cmd = line + sizeof(CONTROL_MAGIC);
	if ((arg = strchr(cmd, ' ')) != NULL)
		*arg++ = '\0';

	if (strcmp(cmd, "ping") == 0 && arg == NULL) {
		reply(c, "OK", "pong");
	} else if (strcmp(cmd, "stats") == 0 && arg == NULL) {
		ls = lookup_stats(c->ctl->lookup);
		ss = sockmap_stats(c->ctl->sm);
		snprintf(text, sizeof(text), "requests=%llu ok=%llu "
		    "notfound=%llu temp=%llu perm=%llu txt_queries=%llu "
		    "fetches=%llu fetch_failures=%llu joined=%llu "
		    "deadlines=%llu refreshes=%llu jobs=%u fetching=%u "
		    "fetching_peak=%u connections=%u bad_frames=%llu "
		    "dane=%s dane_lookups=%llu",
		    ls->requests, ls->by_status[1], ls->by_status[0],
		    ls->by_status[2], ls->by_status[3], ls->txt_queries,
		    ls->fetches, ls->fetch_failures, ls->joined,
		    ls->deadlines, ls->refreshes, ls->jobs, ls->fetching,
		    ls->fetching_peak, ss->open, ss->bad_frames,
		    lookup_dane(c->ctl->lookup, NULL) ? "on" : "off",
		    ls->dane_lookups);
		reply(c, "OK", text);
	} else if (strcmp(cmd, "tlsrpt-stats") == 0 && arg == NULL) {
		tlsrpt_stats(c);
	} else if (strcmp(cmd, "report-send") == 0 && (arg == NULL ||
	    strcmp(arg, "now") == 0)) {
		unsigned built, started;

		if (c->ctl->reporter == NULL)
			reply(c, "ERR", "tlsrpt = no");
		else {
			log_info("control: report send%s", arg ? " now" : "");
			(void)reporter_send(c->ctl->reporter, arg != NULL,
			    &built, &started, text, sizeof(text));
			reply(c, "OK", text);
		}
	} else if (strcmp(cmd, "dane") == 0 && arg == NULL) {
		/* Why DANE answers are on or off (DEC-20), in one line. */
		int on = lookup_dane(c->ctl->lookup, &why);

		snprintf(text, sizeof(text), "%s: %s", on ? "on" : "off",
		    why);
		reply(c, "OK", text);
	} else if (strcmp(cmd, "refresh") == 0 && arg != NULL) {
		if (domain_normalize(arg, strlen(arg), domain, &why) == -1) {
			reply(c, "ERR", "not a domain");
		} else {
			log_info("control: refresh %s", domain);
			c->waiting = 1;
			lookup_refresh(c->ctl->lookup, domain, refresh_cb, c);
			return;		/* refresh_cb replies and closes */
		}
	} else
		reply(c, "ERR", "unknown command");
	conn_close(c);
}

/* TLSRPT counters, collector and reporter, in one line. */
static void
tlsrpt_stats(struct control_conn *c)
{
	const struct reporter_stats	*rs;
	const struct collector_stats	*cs = c->ctl->cstats;
	char				 text[512];

	if (c->ctl->reporter == NULL) {
		reply(c, "OK", "tlsrpt=off");
		return;
	}
	rs = reporter_stats(c->ctl->reporter);
	/* Datagrams: every one received; dropped: malformed or too big. */
	snprintf(text, sizeof(text), "tlsrpt=on tlsrpt_datagrams=%llu "
	    "tlsrpt_oversized=%llu tlsrpt_burst_max=%llu tlsrpt_dropped=%llu "
	    "tlsrpt_refused=%llu tlsrpt_sessions=%llu tlsrpt_own_events=%llu "
	    "tlsrpt_own_skipped=%llu tlsrpt_pending=%zu "
	    "tlsrpt_reports_built=%llu tlsrpt_deliveries_ok=%llu "
	    "tlsrpt_deliveries_failed=%llu tlsrpt_expired=%llu",
	    cs != NULL ? cs->datagrams + cs->oversized : 0,
	    cs != NULL ? cs->oversized : 0, cs != NULL ? cs->burst_max : 0,
	    rs->dropped + (cs != NULL ? cs->oversized : 0), rs->refused,
	    rs->sessions,
	    rs->own_events, rs->own_skipped, rs->pending, rs->reports_built,
	    rs->deliveries_ok, rs->deliveries_failed, rs->expired);
	reply(c, "OK", text);
}

static void
refresh_cb(int ok, const char *summary, void *arg)
{
	struct control_conn	*c = arg;

	c->waiting = 0;
	if (!c->gone)
		reply(c, ok ? "OK" : "ERR", summary);
	conn_close(c);
}

/* Best effort: the client waits for one short line. */
static void
reply(struct control_conn *c, const char *word, const char *text)
{
	char	line[CONTROL_LINE_MAX + 16];
	int	n;

	n = snprintf(line, sizeof(line), "%s %s\n", word, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	(void)write(c->fd, line, (size_t)n);
}

/* A refresh still running keeps the connection struct until it answers. */
static void
conn_close(struct control_conn *c)
{
	struct control	*ctl = c->ctl;

	if (!c->gone) {
		c->gone = 1;
		event_free(c->ev);
		close(c->fd);
		TAILQ_REMOVE(&ctl->conns, c, entry);
		ctl->nconns--;
	}
	if (!c->waiting)
		free(c);
}

void
control_free(struct control *ctl)
{
	struct control_conn	*c;

	if (ctl == NULL)
		return;
	while ((c = TAILQ_FIRST(&ctl->conns)) != NULL) {
		if (c->waiting)
			reply(c, "ERR", "mtastsd is shutting down");
		conn_close(c);
	}
	event_free(ctl->ev);
	event_free(ctl->resume);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
