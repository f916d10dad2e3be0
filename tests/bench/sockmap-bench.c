/*
 * sockmap-bench.c: socketmap load generator.
 *
 * Opens C persistent connections and keeps exactly one request in flight
 * on each, as Postfix's smtp(8) processes do.  Keys are drawn at random
 * from a file (one per line) or fixed with -K; with -o each key of the
 * file is asked exactly once, in order, and the run ends when all are
 * answered (wall time reported).  Reports lookups/s, p50 and p99 latency,
 * and, given the server's PID, its CPU time per lookup from /proc/PID/stat
 * (utime + stime).
 *
 *   sockmap-bench -s SOCKET [-c CONNS] [-d SECONDS] [-w WARMUP] [-o]
 *       [-m MAP] (-K KEY | -k KEYFILE) [-p PID] [-l LABEL]
 */
#include "config.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "netstring.h"

#define HIST_US		100000		/* 1 us buckets up to 100 ms */
#define HIST_MS		60000		/* then 1 ms buckets up to 60 s */
#define MAX_CONNS	1024

struct bconn {
	int		fd;
	uint64_t	sent_ns;
	char		buf[4096];
	size_t		len;
};

static char		**keys;
static size_t		  nkeys;
static const char	 *map = "postfix";
static uint64_t		  rng = 88172645463325252ULL;
static uint32_t		  hist[HIST_US + HIST_MS + 1];
static uint64_t		  done, errors;
static int		  once;		/* -o: each key once, in order */
static size_t		  next_key;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Process CPU time of pid in seconds (utime + stime), or -1. */
static double
proc_cpu(long pid)
{
	char		 path[64], buf[4096], *p;
	unsigned long	 ut, st;
	FILE		*fp;
	size_t		 n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* Fields after the ")" of comm: state is 3, utime 14, stime 15. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void
send_req(struct bconn *c)
{
	char	 req[SOCKMAP_REQUEST_MAX + 32];
	char	 hdr[NETSTRING_HEADER_MAX];
	size_t	 plen, h;
	const char *key;

	if (once) {
		if (next_key == nkeys) {
			c->sent_ns = 0;		/* idle from now on */
			return;
		}
		key = keys[next_key++];
	} else
		key = keys[nkeys == 1 ? 0 : xorshift() % nkeys];

	plen = (size_t)snprintf(req + 16, sizeof(req) - 17, "%s %s", map, key);
	h = netstring_header(hdr, plen);
	memcpy(req + 16 - h, hdr, h);
	req[16 + plen] = ',';
	c->sent_ns = now_ns();
	if (write(c->fd, req + 16 - h, h + plen + 1) != (ssize_t)(h + plen + 1)) {
		perror("write");
		exit(1);
	}
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror(path);
		exit(1);
	}
	return fd;
}

static void
load_keys(const char *file, const char *key)
{
	char	 line[1024];
	FILE	*fp;
	size_t	 cap = 0;

	if (key != NULL) {
		keys = malloc(sizeof(*keys));
		keys[0] = strdup(key);
		nkeys = 1;
		return;
	}
	if ((fp = fopen(file, "r")) == NULL) {
		perror(file);
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (nkeys == cap) {
			cap = cap ? cap * 2 : 1024;
			keys = realloc(keys, cap * sizeof(*keys));
		}
		keys[nkeys++] = strdup(line);
	}
	fclose(fp);
	if (nkeys == 0) {
		fprintf(stderr, "%s: no keys\n", file);
		exit(1);
	}
}

static void
hist_add(uint64_t us)
{
	if (us < HIST_US)
		hist[us]++;
	else if (us / 1000 < HIST_MS)
		hist[HIST_US + us / 1000]++;
	else
		hist[HIST_US + HIST_MS]++;
}

/* The q-quantile in microseconds (ms resolution above 100 ms). */
static uint64_t
percentile(double q)
{
	uint64_t	want = (uint64_t)((double)done * q), seen = 0;
	size_t		i;

	for (i = 0; i <= HIST_US + HIST_MS; i++) {
		seen += hist[i];
		if (seen > want)
			return i < HIST_US ? i : (i - HIST_US) * 1000;
	}
	return (uint64_t)HIST_MS * 1000;
}

/* Run for ns nanoseconds; count only if measuring. */
static void
run(int ep, struct bconn *conns, uint64_t ns, int measuring)
{
	struct epoll_event	 evs[MAX_CONNS];
	uint64_t		 end = now_ns() + ns, t, us;
	const char		*payload, *why;
	size_t			 plen, used;
	ssize_t			 n;
	int			 i, k;

	while ((t = now_ns()) < end && !(once && measuring && done == nkeys)) {
		k = epoll_wait(ep, evs, MAX_CONNS, 100);
		for (i = 0; i < k; i++) {
			struct bconn *c = evs[i].data.ptr;

			n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
			if (n <= 0) {
				fprintf(stderr, "server closed a connection\n");
				exit(1);
			}
			c->len += (size_t)n;
			if (netstring_decode(c->buf, c->len, sizeof(c->buf),
			    &payload, &plen, &used, &why) != NETSTRING_FRAME)
				continue;
			if (measuring) {
				us = (now_ns() - c->sent_ns) / 1000;
				hist_add(us);
				done++;
				if (plen < 3 || (memcmp(payload, "OK ", 3) &&
				    memcmp(payload, "NOTFOUND ", 9)))
					errors++;
			}
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			send_req(c);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct bconn		*conns;
	struct epoll_event	 ev;
	const char		*sock = NULL, *keyfile = NULL, *key = NULL;
	const char		*label = "server";
	double			 secs = 5, warm = 1, cpu0 = 0, cpu1 = 0;
	uint64_t		 t0, t1;
	long			 pid = 0;
	int			 ch, nconn = 1, ep, i;

	while ((ch = getopt(argc, argv, "c:d:k:K:l:m:op:s:w:")) != -1) {
		switch (ch) {
		case 'c': nconn = atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'k': keyfile = optarg; break;
		case 'K': key = optarg; break;
		case 'l': label = optarg; break;
		case 'm': map = optarg; break;
		case 'o': once = 1; break;
		case 'p': pid = atol(optarg); break;
		case 's': sock = optarg; break;
		case 'w': warm = atof(optarg); break;
		default:
			fprintf(stderr, "usage: see the source\n");
			return 2;
		}
	}
	if (sock == NULL || (keyfile == NULL && key == NULL) || nconn < 1 ||
	    nconn > MAX_CONNS)
		return 2;
	load_keys(keyfile, key);

	conns = calloc((size_t)nconn, sizeof(*conns));
	ep = epoll_create1(0);
	for (i = 0; i < nconn; i++) {
		conns[i].fd = connect_to(sock);
		ev.events = EPOLLIN;
		ev.data.ptr = &conns[i];
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
	}
	t0 = now_ns();
	for (i = 0; i < nconn; i++)
		send_req(&conns[i]);
	/* -o measures everything: no warm-up, no time limit but -d. */
	if (once) {
		warm = 0;
		if (secs < 600)
			secs = 600;
	}
	run(ep, conns, (uint64_t)(warm * 1e9), 0);
	if (pid)
		cpu0 = proc_cpu(pid);
	if (!once)
		t0 = now_ns();
	run(ep, conns, (uint64_t)(secs * 1e9), 1);
	t1 = now_ns();
	if (pid)
		cpu1 = proc_cpu(pid);

	if (once)
		printf("%-10s conns=%-3d lookups=%llu wall_ms=%.0f "
		    "server_cpu_ms=%.0f p50_us=%llu p99_us=%llu errors=%llu\n",
		    label, nconn, (unsigned long long)done,
		    (double)(t1 - t0) / 1e6, pid ? (cpu1 - cpu0) * 1e3 : -1.0,
		    (unsigned long long)percentile(0.50),
		    (unsigned long long)percentile(0.99),
		    (unsigned long long)errors);
	else
		printf("%-10s conns=%-3d lookups/s=%-8.0f p50_us=%-5llu "
		    "p99_us=%-5llu cpu_us_per_lookup=%.2f errors=%llu\n",
		    label, nconn, (double)done / ((double)(t1 - t0) / 1e9),
		    (unsigned long long)percentile(0.50),
		    (unsigned long long)percentile(0.99),
		    pid ? (cpu1 - cpu0) * 1e6 / (double)done : -1.0,
		    (unsigned long long)errors);
	return errors ? 1 : 0;
}
