/*
 * sendmail.h: hand a finished message (a TLSRPT report by mail, RFC 8460
 * §5.3) to the local MTA without blocking the loop.  It runs
 * "path -i -f FROM -- RCPT" with posix_spawn(3), no shell; the message
 * goes down a non-blocking pipe on the child's stdin, its stdout and
 * stderr are kept (bounded) for the failure reason, and its exit is seen
 * through a pidfd on the loop.  The reports themselves are built
 * elsewhere; this module knows nothing about them.
 *
 * Children: each one is reaped with waitpid() on its own pid, never
 * waitpid(-1), so other children of the daemon (postconf) are left alone,
 * and no SIGCHLD handler is needed.  The child runs in its own process
 * group, so that a timeout or a cancel also stops what it started
 * (postdrop).  The caller must ignore SIGPIPE, as main.c does: a child
 * that exits without reading its stdin makes our write fail with EPIPE.
 */
#ifndef MTASTS_SENDMAIL_H
#define MTASTS_SENDMAIL_H

#include <stddef.h>

struct event_base;
struct sendmail;

#define SENDMAIL_OUTPUT_MAX	1024	/* bytes of stdout and stderr kept */
#define SENDMAIL_TIMEOUT_MS	60000	/* when the caller says 0 */
#define SENDMAIL_GRACE_MS	1000	/* after SIGTERM, before SIGKILL */
#define SENDMAIL_ADDR_MAX	512	/* bytes of FROM or RCPT */

/* The outcome; valid only during the callback. */
struct sendmail_result {
	int		 ok;		/* exit status 0, whole message taken */
	int		 status;	/* exit status, or -1 if it did not exit
					   (signal, timeout, never started) */
	const char	*reason;	/* readable, escaped; "" if ok */
	unsigned	 ms;		/* how long it took */
};

typedef void (*sendmail_cb)(const struct sendmail_result *, void *arg);

/*
 * Run path (absolute) as "path -i -f from -- rcpt" with msg[0..len) on
 * its stdin; msg is copied.  Success iff the child takes the whole message
 * and exits with status 0; an exit status such as EX_TEMPFAIL (75) is a
 * failure with the status, and the start of what the child printed, in
 * the reason.  "Takes" means that every write(2) to the pipe succeeded: a
 * child that exits 0 without reading fails (status 0) only if part of
 * the message was still ours, so a message that fit in the pipe buffer
 * (64 KiB on Linux) can count as taken.  After timeout_ms (0:
 * SENDMAIL_TIMEOUT_MS) the child's process group gets SIGTERM, and
 * SIGKILL SENDMAIL_GRACE_MS later; the callback runs once the child is
 * reaped, and a child that timed out has its group sent SIGKILL just
 * before, so that nothing it started outlives it.
 *
 * from and rcpt must not be empty, start with '-', or contain a space or
 * a control character (the TLSRPT record parser refuses them too); such a
 * call, a relative path, or a spawn that fails, fails without a child.
 *
 * The callback runs exactly once, from the loop, never before this call
 * returns, unless sendmail_cancel() comes first; the handle is dead after
 * either.  Returns the handle (never NULL).
 */
struct sendmail	*sendmail_send(struct event_base *, const char *path,
		    const char *from, const char *rcpt, const void *msg,
		    size_t len, unsigned timeout_ms, sendmail_cb, void *arg);

/*
 * Stop: SIGKILL to the child's process group and reap the child (a killed
 * process exits at once), then free; no callback.  NULL is a no-op.
 */
void		 sendmail_cancel(struct sendmail *);

#endif /* MTASTS_SENDMAIL_H */
