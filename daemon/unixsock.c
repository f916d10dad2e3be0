/*
 * unixsock.c: bind a Unix socket at a path without taking a live one.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unixsock.h"
#include "xmalloc.h"

int
unixsock_bind(const char *path, int type, mode_t mode, gid_t gid,
    int backlog, char **cause)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	mode_t			 omask;
	int			 fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		xasprintf(cause, "%s: socket path too long", path);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);

	/*
	 * Who is there?  Only a refused connect means nobody: EPROTOTYPE is
	 * a live socket of the other type (the socketmap's where the
	 * collector's should be, say), not ours to take.
	 */
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1) {
		xasprintf(cause, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		xasprintf(cause, "%s: in use by a running server", path);
		errno = EADDRINUSE;
		return -1;
	}
	saved = errno;
	close(fd);
	if (saved != ECONNREFUSED && saved != ENOENT) {
		xasprintf(cause, "%s: in use (%s)", path, strerror(saved));
		errno = EADDRINUSE;
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			xasprintf(cause, "%s: exists and is not a socket",
			    path);
			errno = EEXIST;
			return -1;
		}
		if (unlink(path) == -1) {
			saved = errno;
			xasprintf(cause, "unlink %s: %s", path,
			    strerror(saved));
			errno = saved;
			return -1;
		}
	}

	if ((fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		saved = errno;
		xasprintf(cause, "socket: %s", strerror(saved));
		errno = saved;
		return -1;
	}
	/* Born 0600, widened only after chown: no window for others. */
	omask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		saved = errno;
		umask(omask);
		close(fd);
		xasprintf(cause, "bind %s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	umask(omask);
	if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1) ||
	    chmod(path, mode) == -1 ||
	    (type == SOCK_STREAM && listen(fd, backlog) == -1)) {
		saved = errno;
		close(fd);
		(void)unlink(path);	/* ours: we just bound it */
		xasprintf(cause, "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	return fd;
}
