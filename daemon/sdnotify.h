/*
 * sdnotify.h: tell systemd about our state (Type=notify) without linking
 * libsystemd: one datagram to $NOTIFY_SOCKET, or nothing if it is unset.
 */
#ifndef MTASTS_SDNOTIFY_H
#define MTASTS_SDNOTIFY_H

/* Send e.g. "READY=1\nSTATUS=serving".  Failures are logged at debug. */
void	sdnotify(const char *fmt, ...)
	    __attribute__((__format__(__printf__, 1, 2)));

#endif /* MTASTS_SDNOTIFY_H */
