/*
 * ctl.c: mtasts-ctl, the operator's tool.
 *
 * Commands come from one table.  "query" asks the daemon exactly as
 * Postfix does (one socketmap request) and prints the raw answer.
 *
 * Exit codes: 0 success (query: OK), 1 query answered NOTFOUND,
 * 2 query answered TEMP, TIMEOUT or PERM, 3 the daemon cannot be reached
 * or broke the protocol, 64 usage error, 78 configuration error.
 */
#include "config.h"

#include <sys/types.h>
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
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "bounds.h"
#include "conf.h"
#include "log.h"
#include "netstring.h"
#include "xmalloc.h"

#define EXIT_NOTFOUND	1
#define EXIT_ANSWER	2
#define EXIT_DAEMON	3
#define EXIT_USAGE	64
#define EXIT_CONFIG	78

#define CTL_TIMEOUT_MS	30000	/* DEC-11: the daemon answers within 30 s */

static int	parse_port(const char *);
static long	ms_left(const struct timespec *);

struct ctl {
	const char	*conf_path;
	int		 conf_explicit;
	const char	*socket;	/* -s, or from the config */
	const char	*map;
};

struct ctl_cmd {
	const char	*name;
	const char	*args;
	int		 nargs;
	int		(*fn)(struct ctl *, char **);
	const char	*help;
};

static int	cmd_version(struct ctl *, char **);
static int	cmd_query(struct ctl *, char **);
static int	ctl_connect(struct ctl *, char **);
static int	read_reply(int, char *, size_t, size_t *, char **);
static void	usage(void) __attribute__((__noreturn__));

static const struct ctl_cmd ctl_cmds[] = {
	{ "version", "", 0, cmd_version, "print the version" },
	{ "query", "DOMAIN", 1, cmd_query,
	    "ask the daemon as Postfix does and print the answer" },
};
#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: mtasts-ctl [-f file] [-s socket] [-m map] "
	    "command [args]\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "  %-8s %-8s %s\n", ctl_cmds[i].name,
		    ctl_cmds[i].args, ctl_cmds[i].help);
	exit(EXIT_USAGE);
}

static int
cmd_version(struct ctl *ctl, char **argv)
{
	printf("mtasts-ctl %s\n", PACKAGE_VERSION);
	return 0;
}

/*
 * The socket: -s "unix:/path", "/path" or "inet:HOST:PORT"; otherwise the
 * first Unix listener of the configuration.  Returns a connected fd or -1.
 */
static int
ctl_connect(struct ctl *ctl, char **cause)
{
	struct conf_errors	 errs = { 0, NULL };
	struct conf		*conf = NULL;
	struct sockaddr_storage	 ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 slen;
	char			 host[INET6_ADDRSTRLEN + 2], *colon;
	const char		*target = ctl->socket, *hp;
	size_t			 i;
	int			 fd, port;

	if (target == NULL) {
		conf = conf_load(ctl->conf_path, !ctl->conf_explicit, &errs);
		if (conf == NULL) {
			for (i = 0; i < errs.n; i++)
				fprintf(stderr, "%s\n", errs.msg[i]);
			conf_errors_clear(&errs);
			exit(EXIT_CONFIG);
		}
		for (i = 0; i < conf->nlisten; i++)
			if (conf->listen[i].type == CONF_LISTEN_UNIX)
				break;
		if (i == conf->nlisten) {
			conf_free(conf);
			xasprintf(cause, "no unix listener configured; use -s");
			return -1;
		}
		target = conf->listen[i].path;
	}

	memset(&ss, 0, sizeof(ss));
	if (strncmp(target, "inet:", 5) == 0) {
		hp = target + 5;
		if ((colon = strrchr(hp, ':')) == NULL ||
		    (size_t)(colon - hp) >= sizeof(host)) {
			xasprintf(cause, "%s: expected inet:HOST:PORT", target);
			return -1;
		}
		memcpy(host, hp, (size_t)(colon - hp));
		host[colon - hp] = '\0';
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			memmove(host, host + 1, strlen(host));
			host[strlen(host) - 1] = '\0';
		}
		if ((port = parse_port(colon + 1)) == -1) {
			xasprintf(cause, "%s: bad port", target);
			return -1;
		}
		if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)port);
			slen = sizeof(*sin);
		} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)port);
			slen = sizeof(*sin6);
		} else {
			xasprintf(cause, "%s: not a numeric address", target);
			return -1;
		}
	} else {
		if (strncmp(target, "unix:", 5) == 0)
			target += 5;
		if (strlen(target) >= sizeof(sun->sun_path)) {
			xasprintf(cause, "%s: path too long", target);
			return -1;
		}
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, target, strlen(target) + 1);
		slen = sizeof(*sun);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&ss, slen) == -1) {
		xasprintf(cause, "%s: %s%s", target, strerror(errno),
		    errno == ENOENT || errno == ECONNREFUSED ?
		    " (is mtastsd running?)" : "");
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	conf_free(conf);
	return fd;
}

static int
parse_port(const char *s)
{
	char	*end;
	long	 p;

	errno = 0;
	p = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || p < 1 || p > 65535)
		return -1;
	return (int)p;
}

/* Milliseconds until deadline, at least 0. */
static long
ms_left(const struct timespec *deadline)
{
	struct timespec	now;
	long		ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/*
 * Read one netstring reply into buf within CTL_TIMEOUT_MS in all; returns
 * 0, or -1 and *cause.
 */
static int
read_reply(int fd, char *buf, size_t bufsz, size_t *len, char **cause)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	struct timespec	 deadline;
	const char	*payload, *why = "";
	size_t		 have = 0, plen, used;
	ssize_t		 n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CTL_TIMEOUT_MS / 1000;

	for (;;) {
		switch (netstring_decode(buf, have, SOCKMAP_REPLY_MAX,
		    &payload, &plen, &used, &why)) {
		case NETSTRING_FRAME:
			memmove(buf, payload, plen);
			*len = plen;
			return 0;
		case NETSTRING_ERROR:
			xasprintf(cause, "malformed reply: %s", why);
			return -1;
		case NETSTRING_NEED_MORE:
			break;
		}
		if (have == bufsz) {
			xasprintf(cause, "reply too long");
			return -1;
		}
		if (poll(&pfd, 1, (int)ms_left(&deadline)) != 1) {
			xasprintf(cause, "no answer within %d s",
			    CTL_TIMEOUT_MS / 1000);
			return -1;
		}
		if ((n = read(fd, buf + have, bufsz - have)) <= 0) {
			xasprintf(cause, "connection closed%s%s",
			    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return -1;
		}
		have += (size_t)n;
	}
}

static int
cmd_query(struct ctl *ctl, char **argv)
{
	char		 hdr[NETSTRING_HEADER_MAX], *cause = NULL;
	static char	 reply[NETSTRING_HEADER_MAX + SOCKMAP_REPLY_MAX + 1];
	char		*req;
	size_t		 rlen, hlen, len;
	int		 fd, n;

	if ((fd = ctl_connect(ctl, &cause)) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		return EXIT_DAEMON;
	}
	rlen = (size_t)xasprintf(&req, "%s %s", ctl->map, argv[0]);
	if (rlen > SOCKMAP_REQUEST_MAX) {
		fprintf(stderr, "mtasts-ctl: key too long\n");
		return EXIT_USAGE;
	}
	hlen = netstring_header(hdr, rlen);
	if (write(fd, hdr, hlen) != (ssize_t)hlen ||
	    write(fd, req, rlen) != (ssize_t)rlen || write(fd, ",", 1) != 1) {
		fprintf(stderr, "mtasts-ctl: write: %s\n", strerror(errno));
		return EXIT_DAEMON;
	}
	free(req);
	if (read_reply(fd, reply, sizeof(reply), &len, &cause) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		close(fd);
		return EXIT_DAEMON;
	}
	close(fd);
	n = (int)len;
	printf("%.*s\n", n, reply);
	if (len >= 3 && memcmp(reply, "OK ", 3) == 0)
		return 0;
	if (len >= 9 && memcmp(reply, "NOTFOUND ", 9) == 0)
		return EXIT_NOTFOUND;
	return EXIT_ANSWER;
}

int
main(int argc, char *argv[])
{
	struct ctl	 ctl;
	size_t		 i;
	int		 ch;

	memset(&ctl, 0, sizeof(ctl));
	ctl.conf_path = MTASTSD_CONF_FILE;
	ctl.map = ANSWER_MAP_POSTFIX;
	log_init(1, 0, "mtasts-ctl");
	signal(SIGPIPE, SIG_IGN);	/* a daemon going away is an error */
	while ((ch = getopt(argc, argv, "f:m:s:")) != -1) {
		switch (ch) {
		case 'f':
			ctl.conf_path = optarg;
			ctl.conf_explicit = 1;
			break;
		case 'm':
			ctl.map = optarg;
			break;
		case 's':
			ctl.socket = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], ctl_cmds[i].name) != 0)
			continue;
		if (argc - 1 != ctl_cmds[i].nargs)
			usage();
		return ctl_cmds[i].fn(&ctl, argv + 1);
	}
	fprintf(stderr, "mtasts-ctl: unknown command \"%s\"\n", argv[0]);
	usage();
}
