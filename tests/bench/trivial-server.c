/*
 * trivial-server.c: the floor.  A socketmap server on epoll that answers
 * every request with one constant string: accept, read, find the frame's
 * end, write.  It shows what system calls alone cost on this machine;
 * mtastsd's figures are compared with it.
 *
 *   trivial-server SOCKET
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "OK secure match=mx.example.net servername=hostname";

int
main(int argc, char *argv[])
{
	struct sockaddr_un	sun = { .sun_family = AF_UNIX };
	struct epoll_event	ev, evs[256];
	char			buf[16384], reply[128];
	int			lfd, ep, n, i, fd, rlen;
	ssize_t			r;

	if (argc != 2)
		return 2;
	rlen = snprintf(reply, sizeof(reply), "%zu:%s,", sizeof(body) - 1,
	    body);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 128) == -1) {
		perror(argv[1]);
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		n = epoll_wait(ep, evs, 256, -1);
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == lfd) {
				while ((fd = accept4(lfd, NULL, NULL,
				    SOCK_NONBLOCK)) != -1) {
					ev.events = EPOLLIN;
					ev.data.fd = fd;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r <= 0) {
				close(fd);
				continue;
			}
			/* One request in flight: it ends with the read. */
			if (buf[r - 1] == ',' &&
			    write(fd, reply, (size_t)rlen) < 0)
				close(fd);
		}
	}
}
