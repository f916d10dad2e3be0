/*
 * nsclient.c: a scriptable socketmap client for the system tests.
 *
 *   nsclient SOCKET STEP...
 *
 * SOCKET is a Unix socket path or inet:HOST:PORT.  Steps run in order on
 * one connection:
 *   q:PAYLOAD   send PAYLOAD as one netstring, read the reply, print it
 *   raw:BYTES   send BYTES as they are (\xNN and \\ escapes)
 *   read        read one reply and print it
 *   eof         wait up to 5 s; print "EOF" if the server closed the
 *               connection, "OPEN" otherwise
 *   drain       read and discard until EOF: print "EOF", or "OPEN" if
 *               the server sends nothing for 5 s
 *   flood:N:P   send P as N frames in one go, reading nothing
 *   sleep:MS    pause
 * Replies print as "REPLY <payload>"; errors as "ERROR <what>" (exit 1).
 *
 *   nsclient -n N SOCKET PAYLOAD
 *
 * opens N connections, sends PAYLOAD as one netstring on each before
 * reading anything, so that the N requests are really simultaneous, then
 * prints each connection's reply.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "netstring.h"

#define NSC_TIMEOUT_MS	5000

static char	 rbuf[2 * SOCKMAP_REPLY_MAX];
static size_t	 rlen;

static int
nsc_connect(const char *target)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	socklen_t		 slen;
	char			 host[64], *colon;
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	if (strncmp(target, "inet:", 5) == 0) {
		snprintf(host, sizeof(host), "%s", target + 5);
		if ((colon = strrchr(host, ':')) == NULL)
			return -1;
		*colon = '\0';
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)atoi(colon + 1));
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		slen = sizeof(*sin);
	} else {
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", target);
		slen = sizeof(*sun);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, slen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Print one reply; 0 on success, -1 on timeout, EOF or garbage. */
static int
read_one(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	const char	*payload, *why;
	size_t		 plen, used;
	ssize_t		 n;

	for (;;) {
		switch (netstring_decode(rbuf, rlen, SOCKMAP_REPLY_MAX,
		    &payload, &plen, &used, &why)) {
		case NETSTRING_FRAME:
			printf("REPLY %.*s\n", (int)plen, payload);
			memmove(rbuf, rbuf + used, rlen - used);
			rlen -= used;
			return 0;
		case NETSTRING_ERROR:
			printf("ERROR malformed reply: %s\n", why);
			return -1;
		case NETSTRING_NEED_MORE:
			break;
		}
		if (poll(&pfd, 1, NSC_TIMEOUT_MS) != 1) {
			printf("ERROR timeout\n");
			return -1;
		}
		if ((n = read(fd, rbuf + rlen, sizeof(rbuf) - rlen)) <= 0) {
			printf("ERROR connection closed\n");
			return -1;
		}
		rlen += (size_t)n;
	}
}

static size_t
unescape(const char *in, char *out)
{
	size_t	o = 0;

	while (*in != '\0') {
		if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = { in[2], in[3], '\0' };

			out[o++] = (char)strtoul(hex, NULL, 16);
			in += 4;
		} else if (in[0] == '\\' && in[1] == '\\') {
			out[o++] = '\\';
			in += 2;
		} else
			out[o++] = *in++;
	}
	return o;
}

/* N simultaneous requests on N connections. */
static int
storm(const char *sock, int n, const char *payload)
{
	char	 hdr[NETSTRING_HEADER_MAX];
	size_t	 plen = strlen(payload), h;
	int	*fds, i, rc = 0;

	if (n < 1 || (fds = calloc((size_t)n, sizeof(*fds))) == NULL)
		return 2;
	for (i = 0; i < n; i++) {
		if ((fds[i] = nsc_connect(sock)) == -1) {
			printf("ERROR connect %s: %s\n", sock, strerror(errno));
			return 1;
		}
	}
	h = netstring_header(hdr, plen);
	for (i = 0; i < n; i++) {
		if (send_all(fds[i], hdr, h) == -1 ||
		    send_all(fds[i], payload, plen) == -1 ||
		    send_all(fds[i], ",", 1) == -1) {
			printf("ERROR write: %s\n", strerror(errno));
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		rlen = 0;
		if (read_one(fds[i]) == -1)
			rc = 1;
		close(fds[i]);
	}
	free(fds);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	char		 hdr[NETSTRING_HEADER_MAX], *buf, junk[256];
	size_t		 n, h;
	int		 fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: nsclient SOCKET STEP...\n");
		return 2;
	}
	/* A server that closes on us is a result to print, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "-n") == 0) {
		if (argc != 5)
			return 2;
		return storm(argv[3], atoi(argv[2]), argv[4]);
	}
	if ((fd = nsc_connect(argv[1])) == -1) {
		printf("ERROR connect %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (strncmp(argv[i], "q:", 2) == 0) {
			n = strlen(argv[i] + 2);
			h = netstring_header(hdr, n);
			if (send_all(fd, hdr, h) == -1 ||
			    send_all(fd, argv[i] + 2, n) == -1 ||
			    send_all(fd, ",", 1) == -1) {
				printf("ERROR write: %s\n", strerror(errno));
				return 1;
			}
			if (read_one(fd) == -1)
				return 1;
		} else if (strncmp(argv[i], "raw:", 4) == 0) {
			buf = malloc(strlen(argv[i]) + 1);
			n = unescape(argv[i] + 4, buf);
			if (send_all(fd, buf, n) == -1) {
				printf("ERROR write: %s\n", strerror(errno));
				return 1;
			}
			free(buf);
		} else if (strcmp(argv[i], "read") == 0) {
			if (read_one(fd) == -1)
				return 1;
		} else if (strcmp(argv[i], "eof") == 0) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, NSC_TIMEOUT_MS) == 1 &&
			    read(fd, junk, sizeof(junk)) <= 0)
				printf("EOF\n");
			else
				printf("OPEN\n");
		} else if (strcmp(argv[i], "drain") == 0) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			for (;;) {
				ssize_t r;

				if (poll(&pfd, 1, NSC_TIMEOUT_MS) != 1) {
					printf("OPEN\n");
					break;
				}
				if ((r = read(fd, junk, sizeof(junk))) <= 0) {
					printf("EOF\n");
					break;
				}
			}
		} else if (strncmp(argv[i], "flood:", 6) == 0) {
			char	*p, *frame;
			long	 count = strtol(argv[i] + 6, &p, 10), k;
			size_t	 flen;

			if (*p != ':' || count < 1) {
				fprintf(stderr, "nsclient: bad %s\n", argv[i]);
				return 2;
			}
			n = strlen(p + 1);
			h = netstring_header(hdr, n);
			flen = h + n + 1;
			frame = malloc(flen * (size_t)count);
			for (k = 0; k < count; k++) {
				memcpy(frame + flen * (size_t)k, hdr, h);
				memcpy(frame + flen * (size_t)k + h, p + 1, n);
				frame[flen * (size_t)k + h + n] = ',';
			}
			if (send_all(fd, frame, flen * (size_t)count) == -1) {
				printf("ERROR write: %s\n", strerror(errno));
				return 1;
			}
			free(frame);
		} else if (strncmp(argv[i], "sleep:", 6) == 0) {
			usleep((useconds_t)atoi(argv[i] + 6) * 1000);
		} else {
			fprintf(stderr, "nsclient: bad step %s\n", argv[i]);
			return 2;
		}
		fflush(stdout);
	}
	close(fd);
	return 0;
}
