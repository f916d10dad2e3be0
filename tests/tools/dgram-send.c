/*
 * dgram-send.c: send files as Unix datagrams the way libtlsrpt does, to
 * drive the TLSRPT collector in the system tests and the benchmark.
 *
 *   dgram-send [-n COUNT] [-r RATE] [-w] SOCKET FILE...
 *
 * Each FILE's bytes go out as one datagram (AF_UNIX, SOCK_DGRAM, sendto)
 * to the socket SOCKET; the whole list is sent COUNT times (default 1),
 * in order, at most RATE datagrams per second (default 0: as fast as
 * possible; fractions allowed).  The files are read before the first
 * datagram goes out.  Like libtlsrpt, every sendto() has MSG_DONTWAIT:
 * a datagram that finds the receiver's queue full (EAGAIN, or ENOBUFS)
 * is counted as lost and the next one follows.  With -w the sends block
 * until there is room instead, and nothing is lost.
 *
 * At the end prints "sent N lost N" and exits 0: lost datagrams are a
 * result, not an error.  A send that fails otherwise (no receiver at
 * SOCKET, datagram too large, ...), SIGINT or SIGTERM stop it early: it
 * prints the counts so far and exits 1.  Bad usage or an unreadable FILE
 * exit 2 before anything is sent.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DS_FILE_MAX	(16 * 1024 * 1024)	/* no datagram gets near it */
#define DS_SLACK_NS	1000000		/* catch up at most 1 ms late */

struct ds_file {
	const char	*name;
	char		*buf;
	size_t		 len;
};

/* Absolute schedule: datagram k of a run is due at base + k / rate. */
struct ds_pacer {
	double		 interval_ns;
	uint64_t	 base_ns;
	uint64_t	 k;
};

static volatile sig_atomic_t	 ds_stop;
static unsigned long long	 ds_sent, ds_lost;

static void	 ds_onsignal(int);
static void	 ds_read(struct ds_file *);
static uint64_t	 ds_now(void);
static void	 ds_pace(struct ds_pacer *);
static int	 ds_send(int, const struct sockaddr_un *,
		     const struct ds_file *, int);
static int	 ds_run(const struct sockaddr_un *, const struct ds_file *,
		     int, unsigned long long, double, int);
static int	 ds_report(int);
static void	 usage(void);

static void
ds_onsignal(int sig)
{
	ds_stop = 1;
}

/* Read FILE whole (regular file, pipe or device); exit 2 if it cannot. */
static void
ds_read(struct ds_file *f)
{
	size_t	 cap = 4096;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(f->name, O_RDONLY)) == -1) {
		fprintf(stderr, "dgram-send: %s: %s\n", f->name,
		    strerror(errno));
		exit(2);
	}
	if ((f->buf = malloc(cap)) == NULL) {
		perror("dgram-send");
		exit(2);
	}
	f->len = 0;
	for (;;) {
		if (f->len == cap) {
			if (cap >= DS_FILE_MAX) {
				fprintf(stderr, "dgram-send: %s: larger than "
				    "%d bytes\n", f->name, DS_FILE_MAX);
				exit(2);
			}
			cap *= 2;
			if ((f->buf = realloc(f->buf, cap)) == NULL) {
				perror("dgram-send");
				exit(2);
			}
		}
		n = read(fd, f->buf + f->len, cap - f->len);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "dgram-send: %s: %s\n", f->name,
			    strerror(errno));
			exit(2);
		}
		f->len += (size_t)n;
	}
	close(fd);
}

static uint64_t
ds_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Wait until the next datagram is due.  A sender that fell more than
 * DS_SLACK_NS behind (a blocked send, a slow machine) starts a new
 * schedule instead of bursting to catch up, so that no burst is longer
 * than the slack's worth of datagrams.
 */
static void
ds_pace(struct ds_pacer *p)
{
	struct timespec	 ts;
	uint64_t	 now, due;

	now = ds_now();
	due = p->base_ns + (uint64_t)((double)p->k * p->interval_ns);
	if (p->k == 0 || now > due + DS_SLACK_NS) {
		p->base_ns = now;
		p->k = 1;
		return;
	}
	p->k++;
	if (now >= due)
		return;
	ts.tv_sec = (time_t)(due / 1000000000u);
	ts.tv_nsec = (long)(due % 1000000000u);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR && !ds_stop)
		;
}

/*
 * Send one datagram: 0 when it was sent or lost (counted), -1 with errno
 * on any other error.  An interrupted blocking send counts as neither.
 */
static int
ds_send(int fd, const struct sockaddr_un *sun, const struct ds_file *f,
    int flags)
{
	for (;;) {
		if (sendto(fd, f->buf, f->len, flags,
		    (const struct sockaddr *)sun, sizeof(*sun)) != -1) {
			ds_sent++;
			return 0;
		}
		switch (errno) {
		case EINTR:
			if (ds_stop)
				return 0;
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
		case ENOBUFS:
			ds_lost++;
			return 0;
		default:
			return -1;
		}
	}
}

/*
 * Send the list COUNT times: 0 when done, 1 after a send error (told on
 * stderr) or a signal.
 */
static int
ds_run(const struct sockaddr_un *sun, const struct ds_file *files,
    int nfiles, unsigned long long count, double rate, int flags)
{
	struct ds_pacer		 pacer;
	unsigned long long	 round;
	int			 fd, i, status = 0;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("dgram-send: socket");
		return 1;
	}
	memset(&pacer, 0, sizeof(pacer));
	if (rate > 0)
		pacer.interval_ns = 1e9 / rate;
	for (round = 0; round < count && status == 0; round++) {
		for (i = 0; i < nfiles && status == 0; i++) {
			if (rate > 0)
				ds_pace(&pacer);
			if (!ds_stop &&
			    ds_send(fd, sun, &files[i], flags) == -1) {
				fprintf(stderr, "dgram-send: %s (%s): %s\n",
				    sun->sun_path, files[i].name,
				    strerror(errno));
				status = 1;
			}
			if (ds_stop)
				status = 1;
		}
	}
	close(fd);
	return status;
}

static int
ds_report(int status)
{
	printf("sent %llu lost %llu\n", ds_sent, ds_lost);
	if (fflush(stdout) == EOF && status == 0)
		status = 1;
	return status;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dgram-send [-n COUNT] [-r RATE] [-w] SOCKET FILE...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct sockaddr_un	 sun;
	struct ds_file		*files;
	unsigned long long	 count = 1;
	double			 rate = 0;
	char			*end;
	int			 ch, flags = MSG_DONTWAIT, i, nfiles, status;

	while ((ch = getopt(argc, argv, "n:r:w")) != -1) {
		switch (ch) {
		case 'n':
			errno = 0;
			count = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' ||
			    *end != '\0' || errno != 0)
				usage();
			break;
		case 'r':
			errno = 0;
			rate = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    !isfinite(rate) || rate < 0)
				usage();
			break;
		case 'w':
			flags = 0;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[0]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "dgram-send: %s: path too long\n", argv[0]);
		return 2;
	}
	memcpy(sun.sun_path, argv[0], strlen(argv[0]));

	nfiles = argc - 1;
	if ((files = calloc((size_t)nfiles, sizeof(*files))) == NULL) {
		perror("dgram-send");
		return 2;
	}
	for (i = 0; i < nfiles; i++) {
		files[i].name = argv[i + 1];
		ds_read(&files[i]);
	}

	/* No SA_RESTART: a signal must end a send blocked under -w. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ds_onsignal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	status = ds_run(&sun, files, nfiles, count, rate, flags);
	for (i = 0; i < nfiles; i++)
		free(files[i].buf);
	free(files);
	return ds_report(status);
}
