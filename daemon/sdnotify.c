/*
 * sdnotify.c: the sd_notify(3) protocol in a few lines.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sdnotify.h"

void
sdnotify(const char *fmt, ...)
{
	struct sockaddr_un	 sun;
	const char		*path;
	char			 msg[512];
	va_list			 ap;
	socklen_t		 slen;
	size_t			 plen;
	int			 fd, n;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    plen >= sizeof(sun.sun_path)) {
		log_debug("%s: unusable NOTIFY_SOCKET", __func__);
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract namespace */
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    slen) == -1)
		log_debug("%s: sendto: %s", __func__, strerror(errno));
	close(fd);
}
