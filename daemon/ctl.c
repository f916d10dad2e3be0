/*
 * ctl.c: mtasts-ctl, the operator's tool.
 *
 * Commands come from one table.  "query" asks the daemon exactly as
 * Postfix does (one socketmap request) and prints the raw answer;
 * "refresh" goes through the control socket; list, show, stats, dump and
 * purge read the LMDB cache directly (ctl_cache.c), so they work whether
 * the daemon runs or not.  Exit codes are in ctl.h.
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
#include "domain.h"
#include "conf.h"
#include "control.h"
#include "ctl.h"
#include "log.h"
#include "netstring.h"
#include "xmalloc.h"


#define CTL_TIMEOUT_MS	30000	/* DEC-11: the daemon answers within 30 s */

static int	parse_port(const char *);
static long	ms_left(const struct timespec *);

struct ctl_cmd {
	const char	*name;
	const char	*args;
	int		 minargs, maxargs;
	int		(*fn)(struct ctl *, char **);
	const char	*help;
};

static int	cmd_version(struct ctl *, char **);
static int	cmd_query(struct ctl *, char **);
static int	cmd_refresh(struct ctl *, char **);
static int	ctl_connect(struct ctl *, char **);
static int	read_reply(int, char *, size_t, size_t *, char **);
static void	usage(void) __attribute__((__noreturn__));

static const struct ctl_cmd ctl_cmds[] = {
	{ "list", "", 0, 0, cmd_list,
	    "cached domains: mode, id, expiry, source, last error" },
	{ "show", "DOMAIN", 1, 1, cmd_show,
	    "everything cached for DOMAIN, with the raw policy" },
	{ "stats", "", 0, 0, cmd_stats,
	    "entries by mode, expired, failing, size; daemon counters" },
	{ "dump", "--json", 0, 1, cmd_dump,
	    "every cached record as one JSON object per line" },
	{ "purge", "DOMAIN|--all", 1, 1, cmd_purge,
	    "forget DOMAIN, or everything" },
	{ "refresh", "DOMAIN", 1, 1, cmd_refresh,
	    "have the daemon fetch DOMAIN's policy now" },
	{ "query", "DOMAIN", 1, 1, cmd_query,
	    "ask the daemon as Postfix does and print the answer" },
	{ "report", "list|show DOMAIN [DAY]|send [--now]|outbox", 1, 3,
	    cmd_report, "TLSRPT: pending reports, their JSON, delivery" },
	{ "version", "", 0, 0, cmd_version, "print the version" },
};
#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: mtasts-ctl [-f file] [-d cachedir] "
	    "[-s socket] [-m map] command [args]\ncommands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "  %-8s %-13s %s\n", ctl_cmds[i].name,
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
	const struct conf	*conf;
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
		conf = ctl_conf(ctl);
		for (i = 0; i < conf->nlisten; i++)
			if (conf->listen[i].type == CONF_LISTEN_UNIX)
				break;
		if (i == conf->nlisten) {
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
		free(req);
		close(fd);
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

const struct conf *
ctl_conf(struct ctl *ctl)
{
	struct conf_errors	errs = { 0, NULL };
	size_t			i;

	if (ctl->conf != NULL)
		return ctl->conf;
	ctl->conf = conf_load(ctl->conf_path, !ctl->conf_explicit, &errs);
	if (ctl->conf == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		conf_errors_clear(&errs);
		exit(EXIT_CONFIG);
	}
	return ctl->conf;
}

int
ctl_control(struct ctl *ctl, const char *request, char *buf, size_t size,
    int quiet)
{
	const struct conf	*conf = ctl_conf(ctl);
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	struct timespec		 deadline;
	size_t			 have = 0;
	ssize_t			 n;
	char			 line[CONTROL_LINE_MAX];
	int			 fd, len;

	if (*conf->control_socket == '\0') {
		if (!quiet)
			fprintf(stderr, "mtasts-ctl: control_socket is empty "
			    "in %s\n", conf->file);
		return EXIT_DAEMON;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(conf->control_socket) >= sizeof(sun.sun_path))
		return EXIT_CONFIG;
	memcpy(sun.sun_path, conf->control_socket,
	    strlen(conf->control_socket) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int e = errno;

		if (!quiet)
			fprintf(stderr, "mtasts-ctl: %s: %s%s\n",
			    conf->control_socket, strerror(e),
			    e == ENOENT || e == ECONNREFUSED ?
			    " (is mtastsd running?)" : "");
		if (fd != -1)
			close(fd);
		return e == EACCES ? EXIT_DENIED : EXIT_DAEMON;
	}
	len = snprintf(line, sizeof(line), CONTROL_MAGIC " %s\n", request);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		close(fd);
		return EXIT_USAGE;
	}
	/* A refusal may already be waiting: read even if this fails. */
	(void)write(fd, line, (size_t)len);
	/* A refresh may take a whole lookup_deadline; allow for it. */
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 90;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (have < size - 1) {
		if (poll(&pfd, 1, (int)ms_left(&deadline)) != 1 ||
		    (n = read(fd, buf + have, size - 1 - have)) <= 0)
			break;
		have += (size_t)n;
		if (memchr(buf, '\n', have) != NULL)
			break;
	}
	close(fd);
	buf[have] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (have == 0) {
		if (!quiet)
			fprintf(stderr, "mtasts-ctl: no answer on %s\n",
			    conf->control_socket);
		return EXIT_DAEMON;
	}
	return 0;
}

static int
cmd_refresh(struct ctl *ctl, char **argv)
{
	char	request[DOMAIN_MAX * 4 + 16], reply[CONTROL_LINE_MAX];
	int	rc;

	snprintf(request, sizeof(request), "refresh %s", argv[0]);
	if ((rc = ctl_control(ctl, request, reply, sizeof(reply), 0)) != 0)
		return rc;
	printf("%s\n", reply);
	if (strncmp(reply, "OK ", 3) == 0)
		return 0;
	if (strstr(reply, "permission denied") != NULL)
		return EXIT_DENIED;
	return EXIT_ANSWER;
}

int
main(int argc, char *argv[])
{
	struct ctl	 ctl;
	size_t		 i;
	int		 ch, rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.conf_path = MTASTSD_CONF_FILE;
	ctl.map = ANSWER_MAP_POSTFIX;
	log_init(1, 0, "mtasts-ctl");
	signal(SIGPIPE, SIG_IGN);	/* a daemon going away is an error */
	while ((ch = getopt(argc, argv, "+d:f:m:s:")) != -1) {
		switch (ch) {
		case 'd':
			ctl.cache_dir = optarg;
			break;
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
		if (argc - 1 < ctl_cmds[i].minargs ||
		    argc - 1 > ctl_cmds[i].maxargs)
			usage();
		rc = ctl_cmds[i].fn(&ctl, argv + 1);
		conf_free(ctl.conf);
		return rc;
	}
	fprintf(stderr, "mtasts-ctl: unknown command \"%s\"\n", argv[0]);
	usage();
}
