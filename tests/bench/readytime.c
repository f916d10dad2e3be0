/*
 * readytime.c: how long a daemon takes from exec to serving.
 *
 *   readytime SOCKET COMMAND [ARGS...]
 *
 * Starts COMMAND with NOTIFY_SOCKET pointing at a socket of ours, waits
 * for its sd_notify "READY=1", then connects to SOCKET to confirm that it
 * accepts.  Prints "pid=P ready_ms=R accept_ms=A" and leaves the daemon
 * running (the caller stops it).  Exits 1 if it is not ready in 10 s.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
ms_since(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	struct timespec		 t0;
	char			 name[64], buf[512];
	double			 ready = -1, accept_ms = -1;
	pid_t			 pid;
	ssize_t			 n;
	int			 fd, cfd;

	if (argc < 3) {
		fprintf(stderr, "usage: readytime SOCKET COMMAND [ARGS...]\n");
		return 2;
	}
	/* An abstract socket: nothing to clean up. */
	snprintf(name, sizeof(name), "@mtasts-readytime-%d", (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, name + 1, strlen(name) - 1);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name))) == -1) {
		perror("notify socket");
		return 1;
	}
	setenv("NOTIFY_SOCKET", name, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == 0) {
		close(fd);
		/* Our stdout is a pipe the caller reads to its end. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (ready < 0 && ms_since(&t0) < 10000 &&
	    poll(&pfd, 1, 10000) == 1) {
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "READY=1") != NULL)
			ready = ms_since(&t0);
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1]);
	if ((cfd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1 &&
	    connect(cfd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		accept_ms = ms_since(&t0);
	printf("pid=%d ready_ms=%.1f accept_ms=%.1f\n", (int)pid, ready,
	    accept_ms);
	return ready < 0 || accept_ms < 0;
}
