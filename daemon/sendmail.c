/*
 * sendmail.c: run the local sendmail(1) for one message on the daemon's
 * loop: posix_spawn, the message into a non-blocking pipe (EV_WRITE), the
 * output out of another (EV_READ, bounded), the exit through a pidfd
 * (Linux >= 5.3; Debian 12 has 6.1) and waitpid() on that pid only.  A
 * timer sends SIGTERM, then SIGKILL.  Callbacks run only from events.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "sendmail.h"
#include "xmalloc.h"

#define SENDMAIL_REASON_MAX	512
#define SENDMAIL_CHUNK		65536	/* bytes per write(2) */

extern char **environ;

struct sendmail {
	struct event_base	*base;
	sendmail_cb		 cb;
	void			*arg;
	char			*path;
	pid_t			 pid;		/* -1: none, or reaped */
	int			 pidfd;
	int			 in;		/* the child's stdin, our end */
	int			 out;		/* its stdout and stderr */
	struct event		*ev_in;
	struct event		*ev_out;
	struct event		*ev_exit;
	struct event		*ev_timer;
	struct event		*later;		/* delivers a local failure */
	char			*msg;
	size_t			 len, off;
	int			 in_errno;	/* why writing stopped early */
	char			 output[SENDMAIL_OUTPUT_MAX + 1];
	size_t			 outlen;
	int			 wstatus;
	int			 reaped;
	int			 kills;		/* 1 SIGTERM sent, 2 SIGKILL */
	unsigned		 timeout_ms;
	struct timespec		 start;
	char			 reason[SENDMAIL_REASON_MAX];
};

static int	valid_addr(const char *);
static int	fd_above_stdio(int *);
static int	sendmail_spawn(struct sendmail *, const char *, const char *);
static void	sendmail_fail_later(struct sendmail *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	sendmail_later_cb(evutil_socket_t, short, void *);
static void	sendmail_in_cb(evutil_socket_t, short, void *);
static void	sendmail_out_cb(evutil_socket_t, short, void *);
static void	sendmail_exit_cb(evutil_socket_t, short, void *);
static void	sendmail_timer_cb(evutil_socket_t, short, void *);
static void	sendmail_close_in(struct sendmail *);
static void	sendmail_close_out(struct sendmail *);
static void	sendmail_read(struct sendmail *);
static void	sendmail_kill(struct sendmail *, int);
static void	sendmail_explain(struct sendmail *);
static const char *sysexit_name(int);
static void	sendmail_finish(struct sendmail *);
static void	sendmail_free(struct sendmail *);

struct sendmail *
sendmail_send(struct event_base *base, const char *path, const char *from,
    const char *rcpt, const void *msg, size_t len, unsigned timeout_ms,
    sendmail_cb cb, void *arg)
{
	struct sendmail	*sm;
	struct timeval	 tv;

	sm = xcalloc(1, sizeof(*sm));
	sm->base = base;
	sm->cb = cb;
	sm->arg = arg;
	sm->pid = -1;
	sm->pidfd = sm->in = sm->out = -1;
	sm->timeout_ms = timeout_ms != 0 ? timeout_ms : SENDMAIL_TIMEOUT_MS;
	clock_gettime(CLOCK_MONOTONIC, &sm->start);
	sm->path = xstrdup(path != NULL ? path : "(null)");

	if (path == NULL || path[0] != '/')
		sendmail_fail_later(sm, "sendmail path \"%.100s\" is not "
		    "absolute", sm->path);
	else if (!valid_addr(from))
		sendmail_fail_later(sm, "invalid sender address");
	else if (!valid_addr(rcpt))
		sendmail_fail_later(sm, "invalid recipient address");
	else if (msg == NULL && len > 0)
		sendmail_fail_later(sm, "no message");
	else if (sendmail_spawn(sm, from, rcpt) == -1)
		sendmail_fail_later(sm, "%s", sm->reason);
	if (sm->later != NULL)
		return sm;

	sm->msg = xmalloc(len + 1);
	if (len > 0)
		memcpy(sm->msg, msg, len);
	sm->len = len;
	if ((sm->ev_in = event_new(base, sm->in, EV_WRITE | EV_PERSIST,
	    sendmail_in_cb, sm)) == NULL ||
	    (sm->ev_out = event_new(base, sm->out, EV_READ | EV_PERSIST,
	    sendmail_out_cb, sm)) == NULL ||
	    (sm->ev_exit = event_new(base, sm->pidfd, EV_READ | EV_PERSIST,
	    sendmail_exit_cb, sm)) == NULL ||
	    (sm->ev_timer = evtimer_new(base, sendmail_timer_cb, sm)) == NULL)
		fatalx("%s: event_new failed", __func__);
	/* An empty message is just EOF. */
	if (len == 0)
		sendmail_close_in(sm);
	else
		event_add(sm->ev_in, NULL);
	event_add(sm->ev_out, NULL);
	event_add(sm->ev_exit, NULL);
	tv.tv_sec = sm->timeout_ms / 1000;
	tv.tv_usec = (sm->timeout_ms % 1000) * 1000;
	evtimer_add(sm->ev_timer, &tv);
	log_debug("%s: %s pid %ld, %zu bytes", __func__, sm->path,
	    (long)sm->pid, len);
	return sm;
}

void
sendmail_cancel(struct sendmail *sm)
{
	if (sm == NULL)
		return;
	if (sm->pid != -1 && !sm->reaped) {
		sendmail_kill(sm, SIGKILL);
		while (waitpid(sm->pid, &sm->wstatus, 0) == -1 &&
		    errno == EINTR)
			;
		sm->reaped = 1;
	}
	log_debug("%s: %s pid %ld", __func__, sm->path, (long)sm->pid);
	sendmail_free(sm);
}

/*
 * Defence in depth for argv (the TLSRPT record parser checks too): no
 * option look-alike, no space or control byte.  Bytes >= 0x80 pass, for
 * UTF-8 addresses.
 */
static int
valid_addr(const char *a)
{
	size_t	i, len;

	if (a == NULL || (len = strlen(a)) == 0 || len > SENDMAIL_ADDR_MAX ||
	    a[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)a[i] <= ' ' || a[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * A pipe end that becomes the child's 0, 1 or 2 must not already be one
 * of those: dup2() onto itself would keep FD_CLOEXEC.
 */
static int
fd_above_stdio(int *fd)
{
	int	nfd;

	if (*fd > STDERR_FILENO)
		return 0;
	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) == -1)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
}

/* Start the child; on failure sm->reason says why, nothing is left. */
static int
sendmail_spawn(struct sendmail *sm, const char *from, const char *rcpt)
{
	static char			 opt_i[] = "-i", opt_f[] = "-f",
					 opt_end[] = "--";
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 all, none;
	char				*argv[7];
	int				 inp[2], outp[2], rc, st;

	/* O_CLOEXEC: children spawned in parallel must not share pipes. */
	if (pipe2(inp, O_CLOEXEC) == -1) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "pipe: %s",
		    strerror(errno));
		return -1;
	}
	if (pipe2(outp, O_CLOEXEC) == -1) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "pipe: %s",
		    strerror(errno));
		close(inp[0]);
		close(inp[1]);
		return -1;
	}
	if (fd_above_stdio(&inp[0]) == -1 || fd_above_stdio(&outp[1]) == -1) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "fcntl: %s",
		    strerror(errno));
		rc = -1;
		goto out;
	}

	argv[0] = sm->path;
	argv[1] = opt_i;
	argv[2] = opt_f;
	argv[3] = xstrdup(from);
	argv[4] = opt_end;
	argv[5] = xstrdup(rcpt);
	argv[6] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, inp[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, outp[1], STDERR_FILENO);
#if defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* Nothing of ours but the three pipes, CLOEXEC or not. */
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
	/*
	 * Default dispositions (we ignore SIGPIPE; sendmail should not),
	 * nothing blocked, and a process group of its own to signal.
	 */
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn(&sm->pid, sm->path, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(argv[3]);
	free(argv[5]);
	if (rc != 0) {
		/* glibc reports a failed exec here, and reaps that child. */
		sm->pid = -1;
		(void)snprintf(sm->reason, sizeof(sm->reason), "cannot run "
		    "%.100s: %s", sm->path, strerror(rc));
		rc = -1;
		goto out;
	}

#ifdef SYS_pidfd_open
	sm->pidfd = (int)syscall(SYS_pidfd_open, sm->pid, 0);
#else
	errno = ENOSYS;
#endif
	/* A pidfd is close-on-exec from the start. */
	if (sm->pidfd == -1 || fcntl(inp[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(outp[0], F_SETFL, O_NONBLOCK) == -1) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "%s: %s",
		    sm->pidfd == -1 ? "pidfd_open" : "fcntl", strerror(errno));
		/* Not ours to watch: stop it now; SIGKILL is quick. */
		sendmail_kill(sm, SIGKILL);
		while (waitpid(sm->pid, &st, 0) == -1 && errno == EINTR)
			;
		sm->pid = -1;
		if (sm->pidfd != -1)
			close(sm->pidfd);
		sm->pidfd = -1;
		rc = -1;
		goto out;
	}
	sm->in = inp[1];
	sm->out = outp[0];
	inp[1] = outp[0] = -1;
	rc = 0;

out:
	close(inp[0]);
	close(outp[1]);
	if (inp[1] != -1)
		close(inp[1]);
	if (outp[0] != -1)
		close(outp[0]);
	return rc;
}

/* Deliver a failure without a child from the loop, never at once. */
static void
sendmail_fail_later(struct sendmail *sm, const char *fmt, ...)
{
	struct timeval	 tv = { 0, 0 };
	char		 msg[SENDMAIL_REASON_MAX];
	va_list		 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(sm->reason, sizeof(sm->reason), "%s", msg);
	if ((sm->later = evtimer_new(sm->base, sendmail_later_cb, sm)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(sm->later, &tv);
}

static void
sendmail_later_cb(evutil_socket_t fd, short what, void *arg)
{
	sendmail_finish(arg);
}

static void
sendmail_in_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sendmail	*sm = arg;
	size_t		 n = sm->len - sm->off;
	ssize_t		 w;

	if (n > SENDMAIL_CHUNK)
		n = SENDMAIL_CHUNK;
	if ((w = write(sm->in, sm->msg + sm->off, n)) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* EPIPE: it exited or closed stdin; its status tells. */
		sm->in_errno = errno;
		sendmail_close_in(sm);
		return;
	}
	sm->off += (size_t)w;
	if (sm->off == sm->len)
		sendmail_close_in(sm);
}

static void
sendmail_out_cb(evutil_socket_t fd, short what, void *arg)
{
	sendmail_read(arg);
}

/* Read what is there now; keep the first SENDMAIL_OUTPUT_MAX bytes. */
static void
sendmail_read(struct sendmail *sm)
{
	char	buf[4096];
	ssize_t	n;
	size_t	take;

	while (sm->out != -1) {
		if ((n = read(sm->out, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				sendmail_close_out(sm);
			return;
		}
		if (n == 0) {
			sendmail_close_out(sm);
			return;
		}
		take = SENDMAIL_OUTPUT_MAX - sm->outlen;
		if (take > (size_t)n)
			take = (size_t)n;
		memcpy(sm->output + sm->outlen, buf, take);
		sm->outlen += take;
		sm->output[sm->outlen] = '\0';
	}
}

/*
 * The pidfd is readable: the child has exited.  What it wrote before is
 * in the pipe; a grandchild may hold the pipe open, so do not wait for
 * EOF.
 */
static void
sendmail_exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sendmail	*sm = arg;
	pid_t		 r;

	/*
	 * Timed out: what it started goes too, even if it ignored SIGTERM
	 * and outlived the child.  The zombie still holds the group id.
	 */
	if (sm->kills > 0)
		sendmail_kill(sm, SIGKILL);
	while ((r = waitpid(sm->pid, &sm->wstatus, WNOHANG)) == -1 &&
	    errno == EINTR)
		;
	if (r == 0)
		return;
	if (r == -1) {
		/* Someone else reaped it (waitpid(-1), SIG_IGN for SIGCHLD). */
		log_warn("%s: waitpid %ld", __func__, (long)sm->pid);
		sm->wstatus = -1;
	}
	sm->reaped = 1;
	sendmail_read(sm);
	sendmail_finish(sm);
}

/* Time is up: SIGTERM first, SIGKILL after the grace period. */
static void
sendmail_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sendmail	*sm = arg;
	struct timeval	 tv;

	if (sm->kills == 0) {
		log_debug("%s: %s pid %ld: SIGTERM", __func__, sm->path,
		    (long)sm->pid);
		sendmail_kill(sm, SIGTERM);
		sm->kills = 1;
		tv.tv_sec = SENDMAIL_GRACE_MS / 1000;
		tv.tv_usec = (SENDMAIL_GRACE_MS % 1000) * 1000;
		evtimer_add(sm->ev_timer, &tv);
	} else {
		log_debug("%s: %s pid %ld: SIGKILL", __func__, sm->path,
		    (long)sm->pid);
		sendmail_kill(sm, SIGKILL);
		sm->kills = 2;
	}
}

/*
 * The child's process group (sendmail and what it runs), and the child
 * itself in case it left the group.  Only while it is not reaped: until
 * then its pid, and so the group id, cannot be reused.
 */
static void
sendmail_kill(struct sendmail *sm, int sig)
{
	if (sm->pid == -1 || sm->reaped)
		return;
	(void)kill(-sm->pid, sig);
	(void)kill(sm->pid, sig);
}

static void
sendmail_close_in(struct sendmail *sm)
{
	if (sm->ev_in != NULL)
		event_del(sm->ev_in);
	if (sm->in != -1)
		close(sm->in);
	sm->in = -1;
}

static void
sendmail_close_out(struct sendmail *sm)
{
	if (sm->ev_out != NULL)
		event_del(sm->ev_out);
	if (sm->out != -1)
		close(sm->out);
	sm->out = -1;
}

/* sysexits(3) names, for the statuses sendmail uses. */
static const char *
sysexit_name(int status)
{
	static const char *const names[] = {
		"EX_USAGE", "EX_DATAERR", "EX_NOINPUT", "EX_NOUSER",
		"EX_NOHOST", "EX_UNAVAILABLE", "EX_SOFTWARE", "EX_OSERR",
		"EX_OSFILE", "EX_CANTCREAT", "EX_IOERR", "EX_TEMPFAIL",
		"EX_PROTOCOL", "EX_NOPERM", "EX_CONFIG"
	};

	if (status >= 64 && status <= 78)
		return names[status - 64];
	return NULL;
}

/* The reason for a child that ran; "" if it did its job. */
static void
sendmail_explain(struct sendmail *sm)
{
	char		 esc[LOG_SAFE_MAX], name[32];
	const char	*ex;
	size_t		 n = sm->outlen;
	int		 st = sm->wstatus;

	while (n > 0 && (sm->output[n - 1] == '\n' ||
	    sm->output[n - 1] == '\r' || sm->output[n - 1] == ' '))
		n--;
	(void)log_safe(esc, sizeof(esc), sm->output, n);
	if (st == -1) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "%.100s: exit "
		    "status lost (reaped elsewhere)", sm->path);
	} else if (sm->kills > 0) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "%.100s timed "
		    "out after %u ms, killed with %s", sm->path, sm->timeout_ms,
		    sm->kills == 1 ? "SIGTERM" : "SIGKILL");
	} else if (WIFSIGNALED(st)) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "%.100s killed "
		    "by signal %d (%s)%s%s", sm->path, WTERMSIG(st),
		    strsignal(WTERMSIG(st)), n > 0 ? ": " : "", esc);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		ex = sysexit_name(WEXITSTATUS(st));
		(void)snprintf(name, sizeof(name), " (%s)", ex != NULL ? ex :
		    "");
		(void)snprintf(sm->reason, sizeof(sm->reason), "%.100s exited "
		    "with status %d%s: %s", sm->path, WEXITSTATUS(st),
		    ex != NULL ? name : "", n > 0 ? esc : "no output");
	} else if (sm->off < sm->len) {
		/* Status 0, but part of the message never left us. */
		(void)snprintf(sm->reason, sizeof(sm->reason), "%.100s exited "
		    "with status 0 but took only %zu of %zu bytes (%s)",
		    sm->path, sm->off, sm->len, sm->in_errno != 0 ?
		    strerror(sm->in_errno) : "stdin still open");
	} else if (sm->in_errno != 0) {
		(void)snprintf(sm->reason, sizeof(sm->reason), "writing to "
		    "%.100s: %s", sm->path, strerror(sm->in_errno));
	} else
		sm->reason[0] = '\0';
}

/* The end: explain, call back once, free. */
static void
sendmail_finish(struct sendmail *sm)
{
	struct sendmail_result	 r;
	struct timespec		 now;

	memset(&r, 0, sizeof(r));
	r.status = -1;
	if (sm->reaped) {
		sendmail_explain(sm);
		if (sm->wstatus != -1 && WIFEXITED(sm->wstatus) &&
		    sm->kills == 0)
			r.status = WEXITSTATUS(sm->wstatus);
	}
	r.ok = sm->reaped && sm->reason[0] == '\0';
	r.reason = sm->reason;
	clock_gettime(CLOCK_MONOTONIC, &now);
	r.ms = (unsigned)((now.tv_sec - sm->start.tv_sec) * 1000 +
	    (now.tv_nsec - sm->start.tv_nsec) / 1000000);
	log_debug("%s: %s pid %ld: %s %u ms%s%s", __func__, sm->path,
	    (long)sm->pid, r.ok ? "ok" : "failed", r.ms,
	    r.ok ? "" : ": ", r.reason);
	sendmail_close_in(sm);
	sendmail_close_out(sm);
	sm->cb(&r, sm->arg);
	sendmail_free(sm);
}

/* Events, descriptors, memory; the child is reaped or never was. */
static void
sendmail_free(struct sendmail *sm)
{
	if (sm->later != NULL)
		event_free(sm->later);
	if (sm->ev_in != NULL)
		event_free(sm->ev_in);
	if (sm->ev_out != NULL)
		event_free(sm->ev_out);
	if (sm->ev_exit != NULL)
		event_free(sm->ev_exit);
	if (sm->ev_timer != NULL)
		event_free(sm->ev_timer);
	if (sm->in != -1)
		close(sm->in);
	if (sm->out != -1)
		close(sm->out);
	if (sm->pidfd != -1)
		close(sm->pidfd);
	free(sm->msg);
	free(sm->path);
	free(sm);
}
