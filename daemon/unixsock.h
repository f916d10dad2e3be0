/*
 * unixsock.h: bind a Unix socket at a path, for the socketmap listeners,
 * the control socket and the TLSRPT collector.
 */
#ifndef MTASTS_UNIXSOCK_H
#define MTASTS_UNIXSOCK_H

#include <sys/types.h>

/*
 * Bind a socket of type (SOCK_STREAM, then listen(backlog); or
 * SOCK_DGRAM) at path, non-blocking and close-on-exec, with mode and
 * group gid ((gid_t)-1: leave it).  A stale socket file (nobody answers
 * there) is replaced; a live socket of either type, or anything that is
 * not a socket, is refused and left alone.  The socket is born 0600 and
 * widened only after the chown.  Returns the descriptor, or -1 with errno
 * set and *cause (caller frees) explaining.
 */
int	unixsock_bind(const char *path, int type, mode_t mode, gid_t gid,
	    int backlog, char **cause);

#endif /* MTASTS_UNIXSOCK_H */
