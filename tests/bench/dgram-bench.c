/*
 * dgram-bench.c: TLSRPT datagram load generator and receiver.
 *
 * Two processes.  The receiver (the child) runs daemon/collector.c on a
 * libevent loop; its callback does what mtastsd does with a datagram:
 * dgram_parse(), report_session_keys() and report_entry_add() into an
 * in-memory table keyed by the report_key bytes.  The sender (the parent)
 * sends datagrams as sys4's libtlsrpt does for Postfix >= 3.10: sendto()
 * with MSG_DONTWAIT on a Unix datagram socket, never waiting; a datagram
 * that finds the receiver's queue full (net.unix.max_dgram_qlen) fails
 * with EAGAIN and is counted as lost, as it is lost in Postfix.
 *
 * The datagrams are the fixtures (tests/fixtures/tlsrpt/ *.json, byte for
 * byte libtlsrpt output) with the recipient domain "d" rewritten to one of
 * N domains ("d<i>.<the fixture's domain>"), drawn at random (fixed seed).
 * The sender paces itself to RATE datagrams/s by the clock (RATE 0: as
 * fast as it can) for SECONDS, round-robin over SOCKS sender sockets (in
 * Postfix each smtp(8) process has its own, hence its own send buffer).
 * Then it sends one end marker that waits for room, so that everything
 * sent before it has been read when the receiver sees it.
 *
 * One line per run: the rate asked, datagrams sent (attempted), lost at
 * the sender, received, parsed and aggregated OK, datagrams/s received
 * (from the first send to the end marker) and the receiver's CPU time
 * (getrusage, from the GO marker, or from ready, to the end marker).
 * Postfix sends no policy-domain for no-policy-found; report_session_keys()
 * wants one, so the callback puts in the recipient domain, as mtastsd's
 * glue has to.  Exit 1 only if the books do not
 * balance (received != sent - lost, or a datagram that parsed before the
 * run failed in it); never on timing.
 *
 * With -B, no sockets and no second process: the callback alone on the
 * same datagrams for SECONDS, the floor under the receiver's CPU time.
 * -P pins the receiver to CPU 0 and the sender to CPU 1.
 *
 * -w: seconds of warm-up at the same rate first (default 0.5), not
 * counted: the table fills and the pages are touched; a GO marker sent
 * with waiting then resets the receiver's counters.
 *
 *   dgram-bench [-B] [-r RATE] [-d SECONDS] [-w WARMUP] [-n DOMAINS]
 *       [-c SOCKS] [-P] [-f FIXTURE_DIR] [-s SOCKET] [-l LABEL]
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <glob.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "collector.h"
#include "dgram.h"
#include "log.h"
#include "report.h"
#include "rpt.h"
#include "xmalloc.h"

#define MAX_SOCKS	64
#define PACE_SLIP_NS	1000000		/* 1 ms behind: skip, no burst */
#define PACE_SLEEP_NS	20000		/* sleep if the next is further */
#define END_MARKER	"\0mtasts-dgram-bench-end"
#define END_LEN		(sizeof(END_MARKER) - 1)
#define GO_MARKER	"\0mtasts-dgram-bench-go"	/* warm-up over */
#define GO_LEN		(sizeof(GO_MARKER) - 1)

struct dgram {
	char	*buf;
	size_t	 len;
};

struct sendres {
	unsigned long long	sent;		/* attempted */
	unsigned long long	lost;		/* EAGAIN */
};

struct slot {
	int			used;
	struct report_key	key;
	struct report_entry	e;
};

/* What the receiver tells the sender at the end, over a pipe. */
struct result {
	unsigned long long	received;	/* datagrams, end marker not
						 * included */
	unsigned long long	ok;		/* parsed and aggregated */
	unsigned long long	parse_err;	/* dgram_parse() failed */
	unsigned long long	key_err;	/* report_session_keys() */
	unsigned long long	add_err;	/* report_entry_add() */
	unsigned long long	oversized;
	unsigned long long	wakeups;
	unsigned long long	burst_max;
	unsigned long long	keys;		/* distinct entries */
	unsigned long long	sessions;	/* counted in the entries */
	double			cpu_s;		/* user + system */
	uint64_t		end_ns;		/* end marker read */
};

static struct dgram	*set;
static size_t		 nset;
static size_t		 set_keys;	/* keys over the whole set: a bound */
static int64_t		 day;
static uint64_t		 rng = 88172645463325252ULL;

static struct slot	*table;
static size_t		 table_mask;
static struct dgram_buf	 dbuf;
static struct rpt_session sess;
static struct result	 res;
static struct event_base *base;
static struct collector	*co;
static struct collector_stats st0;	/* at the GO marker */
static double		 cpu0;

static uint64_t	now_ns(void);
static uint64_t	xorshift(void);
static double	self_cpu(void);
static int	read_qlen(void);
static void	pin(int);
static void	load_set(const char *, unsigned);
static void	add_dgram(const char *, size_t, const char *, size_t);
static void	fill_policy_domain(struct rpt_session *);
static int	check_dgram(const char *, size_t, size_t *);
static void	table_new(void);
static void	callback_only(double, const char *);
static struct slot *table_get(const struct report_key *);
static void	on_dgram(const char *, size_t, void *);
static void	receiver(const char *, int, int, int);
static int	open_sender(void);
static struct sendres send_for(const int *, int,
		    const struct sockaddr_un *, double, uint64_t, uint64_t *);

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

static double
self_cpu(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The qlen new sockets get in this network namespace, or -1. */
static int
read_qlen(void)
{
	FILE	*fp;
	int	 q = -1;

	if ((fp = fopen("/proc/sys/net/unix/max_dgram_qlen", "r")) == NULL)
		return -1;
	if (fscanf(fp, "%d", &q) != 1)
		q = -1;
	fclose(fp);
	return q;
}

static void
pin(int cpu)
{
	cpu_set_t	set_;

	if (sysconf(_SC_NPROCESSORS_ONLN) <= cpu)
		return;
	CPU_ZERO(&set_);
	CPU_SET(cpu, &set_);
	if (sched_setaffinity(0, sizeof(set_), &set_) == -1)
		log_warn("sched_setaffinity %d", cpu);
}

/*
 * Postfix sends no policy-domain for no-policy-found (policy-type 9), and
 * report_session_keys() wants one (RFC 8460 §4.4 has it in every report):
 * the recipient domain stands in, as it must in mtastsd's own glue.
 */
static void
fill_policy_domain(struct rpt_session *s)
{
	size_t	i;

	for (i = 0; i < s->npolicies; i++)
		if (s->policies[i].domain == NULL)
			s->policies[i].domain = s->domain;
}

/*
 * Is buf[0..len) a datagram the receiver will count as OK?  Sets *nkeys
 * to the number of entries it adds to.
 */
static int
check_dgram(const char *buf, size_t len, size_t *nkeys)
{
	struct report_key	keys[RPT_POLICIES_MAX];
	size_t			idx[RPT_POLICIES_MAX];
	struct parse_err	err;

	*nkeys = 0;
	if (dgram_parse(buf, len, &dbuf, &sess, &err) == -1)
		return 0;
	fill_policy_domain(&sess);
	if (report_session_keys(day, &sess, keys, idx, nkeys, &err) == -1)
		return 0;
	return 1;
}

/* One fixture for one domain: "d" rewritten to "d<i>.<old>". */
static void
add_dgram(const char *fix, size_t len, const char *name, size_t i)
{
	static const char	 pat[] = "\"d\": \"";
	const char		*p, *q;
	char			*out;
	size_t			 n, nk;
	int			 pre;

	/* libtlsrpt writes "d" first: {"d": "example.com",... */
	if (len < sizeof(pat) || memcmp(fix + 1, pat, sizeof(pat) - 1) != 0 ||
	    (q = memchr(fix + sizeof(pat), '"', len - sizeof(pat))) == NULL)
		fatalx("%s: does not start with {\"d\": \"", name);
	p = fix + sizeof(pat);
	out = xmalloc(len + 32);
	pre = snprintf(out, 32, "{\"d\": \"d%zu.", i);
	n = (size_t)pre;
	memcpy(out + n, p, len - (size_t)(p - fix));
	n += len - (size_t)(p - fix);
	if (!check_dgram(out, n, &nk)) {
		if (i == 0)
			log_warnx("%s: not accepted, left out", name);
		free(out);
		return;
	}
	set = xreallocarray(set, nset + 1, sizeof(*set));
	set[nset].buf = out;
	set[nset].len = n;
	nset++;
	set_keys += nk;
}

static void
load_set(const char *dir, unsigned ndomains)
{
	char		 pattern[1024], *buf;
	glob_t		 g;
	FILE		*fp;
	size_t		 i, n, len;
	unsigned	 d;

	snprintf(pattern, sizeof(pattern), "%s/*.json", dir);
	if (glob(pattern, 0, NULL, &g) != 0)
		fatalx("no fixtures: %s", pattern);
	buf = xmalloc(DGRAM_MAX + 1);
	for (i = 0; i < g.gl_pathc; i++) {
		if ((fp = fopen(g.gl_pathv[i], "r")) == NULL)
			fatal("%s", g.gl_pathv[i]);
		len = fread(buf, 1, DGRAM_MAX + 1, fp);
		fclose(fp);
		if (len > DGRAM_MAX - 32)
			fatalx("%s: too large", g.gl_pathv[i]);
		for (d = 0; d < ndomains; d++)
			add_dgram(buf, len, g.gl_pathv[i], d);
	}
	free(buf);
	if (nset == 0)
		fatalx("no usable fixtures in %s", dir);
	n = g.gl_pathc;
	globfree(&g);
	fprintf(stderr, "# %zu fixtures x %u domains: %zu datagrams, "
	    "at most %zu keys\n", n, ndomains, nset, set_keys);
}

static void
table_new(void)
{
	size_t	cap;

	for (cap = 64; cap < 2 * set_keys; cap *= 2)
		;
	table = xcalloc(cap, sizeof(*table));
	table_mask = cap - 1;
}

/* -B: the callback alone, in one process, no socket: the floor. */
static void
callback_only(double secs, const char *label)
{
	uint64_t	t0, t;
	double		c0;
	unsigned long long n = 0;
	size_t		k, i;

	table_new();
	c0 = self_cpu();
	t0 = now_ns();
	do {
		for (i = 0; i < 1024; i++) {
			k = (size_t)(xorshift() % nset);
			on_dgram(set[k].buf, set[k].len, NULL);
		}
		n += 1024;
	} while ((t = now_ns() - t0) < (uint64_t)(secs * 1e9));
	printf("%-8s callback-only dgrams=%llu ok=%llu dgrams/s=%.0f "
	    "cpu_us_per_dgram=%.2f keys=%llu\n", label, n, res.ok,
	    (double)n / ((double)t / 1e9), (self_cpu() - c0) * 1e6 /
	    (double)n, res.keys);
}

/* The slot of key: its entry, or a free slot now taken for it. */
static struct slot *
table_get(const struct report_key *k)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i;
	struct slot	*s;

	for (i = 0; i < k->len; i++) {
		h ^= k->buf[i];
		h *= 1099511628211ULL;
	}
	for (i = (size_t)h & table_mask;; i = (i + 1) & table_mask) {
		s = &table[i];
		if (!s->used) {
			s->used = 1;
			s->key.len = k->len;
			memcpy(s->key.buf, k->buf, k->len);
			report_entry_init(&s->e);
			res.keys++;
			return s;
		}
		if (s->key.len == k->len && memcmp(s->key.buf, k->buf,
		    k->len) == 0)
			return s;
	}
}

/* mtastsd's work for one datagram, minus the batched cache write. */
static void
on_dgram(const char *buf, size_t len, void *arg)
{
	struct report_key	keys[RPT_POLICIES_MAX];
	size_t			idx[RPT_POLICIES_MAX], n, i;
	struct parse_err	err;
	struct slot		*s;
	int			bad = 0;

	if (len == GO_LEN && memcmp(buf, GO_MARKER, GO_LEN) == 0) {
		/* Keep the table (and res.keys): it is warm now. */
		res.received = res.ok = res.parse_err = res.key_err = 0;
		res.add_err = 0;
		st0 = *collector_stats(co);
		cpu0 = self_cpu();
		return;
	}
	if (len == END_LEN && memcmp(buf, END_MARKER, END_LEN) == 0) {
		res.end_ns = now_ns();
		event_base_loopbreak(base);
		return;
	}
	res.received++;
	if (dgram_parse(buf, len, &dbuf, &sess, &err) == -1) {
		res.parse_err++;
		return;
	}
	fill_policy_domain(&sess);
	if (report_session_keys(day, &sess, keys, idx, &n, &err) == -1) {
		res.key_err++;
		return;
	}
	for (i = 0; i < n; i++) {
		s = table_get(&keys[i]);
		if (report_entry_add(&s->e, sess.domain, sess.record,
		    &sess.policies[idx[i]], &err) == -1)
			bad = 1;
	}
	if (bad)
		res.add_err++;
	else
		res.ok++;
}

static void
receiver(const char *path, int ready, int out, int dopin)
{
	const struct collector_stats	*st;
	char				*cause;
	size_t				 i;

	if (dopin)
		pin(0);
	table_new();
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((co = collector_new(base, path, 0600, (gid_t)-1, on_dgram, NULL,
	    &cause)) == NULL)
		fatalx("%s", cause);
	cpu0 = self_cpu();
	if (write(ready, "r", 1) != 1)
		fatal("ready pipe");
	close(ready);
	event_base_dispatch(base);
	res.cpu_s = self_cpu() - cpu0;
	st = collector_stats(co);
	res.oversized = st->oversized - st0.oversized;
	res.wakeups = st->wakeups - st0.wakeups;
	res.burst_max = st->burst_max;		/* warm-up included */
	/* The GO and end markers went through the collector too. */
	if (st->datagrams - st0.datagrams != res.received + 1)
		log_warnx("collector counted %llu datagrams, callback %llu",
		    st->datagrams - st0.datagrams, res.received + 1);
	for (i = 0; i <= table_mask; i++)
		if (table[i].used)
			res.sessions += table[i].e.success +
			    table[i].e.failure;
	if (write(out, &res, sizeof(res)) != (ssize_t)sizeof(res))
		fatal("result pipe");
	collector_free(co);
	_exit(0);
}

static int
open_sender(void)
{
	int	fd;

	/* Blocking socket: only the end marker is sent without DONTWAIT. */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	return fd;
}

/*
 * Send for ns nanoseconds at rate datagrams/s (0: flat out), as libtlsrpt
 * does: MSG_DONTWAIT, and EAGAIN means the datagram is gone.  The pace is
 * kept by the clock, sleeping (with a 1 ns timer slack) when the next
 * datagram is more than PACE_SLEEP_NS away and spinning otherwise, so
 * that a slow stream leaves the CPU idle (on a VM, a spinning vCPU takes
 * time from the receiver's) and a fast one stays even.  If the sender
 * itself was held up for more than PACE_SLIP_NS, the
 * datagrams it owes are not sent in one burst but skipped (sent/s then
 * shows less than asked).  *first_loss: nanoseconds from the start to
 * the first loss, if it is still 0.
 */
static struct sendres
send_for(const int *fds, int nsock, const struct sockaddr_un *sun,
    double rate, uint64_t ns, uint64_t *first_loss)
{
	struct sendres		 sr = { 0, 0 };
	unsigned long long	 due;
	uint64_t		 t0 = now_ns(), t, next = 0, gap;
	struct timespec		 ts;
	size_t			 k;
	ssize_t			 w;

	gap = rate > 0 ? (uint64_t)(1e9 / rate) : 0;
	for (;;) {
		if ((t = now_ns() - t0) >= ns)
			break;
		if (rate > 0) {
			if (t + PACE_SLEEP_NS < next) {
				ts.tv_sec = (time_t)((t0 + next) / 1000000000);
				ts.tv_nsec = (long)((t0 + next) % 1000000000);
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
				    &ts, NULL);
				continue;
			}
			if (t < next)
				continue;
			if (t - next > PACE_SLIP_NS)
				next = t;
			next += gap;
			due = sr.sent + 1;
		} else
			due = sr.sent + 64;
		while (sr.sent < due) {
			k = (size_t)(xorshift() % nset);
			w = sendto(fds[sr.sent % (unsigned)nsock], set[k].buf,
			    set[k].len, MSG_DONTWAIT,
			    (const struct sockaddr *)sun, sizeof(*sun));
			sr.sent++;
			if (w != -1)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fatal("sendto");
			sr.lost++;
			if (*first_loss == 0)
				*first_loss = now_ns() - t0;
		}
	}
	return sr;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct result		 r;
	const char		*dir = "tests/fixtures/tlsrpt";
	const char		*label = "dgram";
	char			 path[sizeof(sun.sun_path)] = "", c;
	struct sendres		 sl;
	unsigned long long	 sent, lost;
	double			 rate = 0, secs = 2, warm = 0.5;
	uint64_t		 t0, t, first_loss = 0;
	unsigned		 ndomains = 32;
	size_t			 k, minlen = SIZE_MAX, maxlen = 0;
	pid_t			 pid;
	int			 ch, nsock = 1, dopin = 0, qlen, status;
	int			 only = 0;
	int			 ready[2], out[2], fds[MAX_SOCKS], i, bad = 0;

	log_init(1, 0, "dgram-bench");
	while ((ch = getopt(argc, argv, "Bc:d:f:l:n:Pr:s:w:")) != -1) {
		switch (ch) {
		case 'B': only = 1; break;
		case 'c': nsock = atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'f': dir = optarg; break;
		case 'l': label = optarg; break;
		case 'n': ndomains = (unsigned)atoi(optarg); break;
		case 'P': dopin = 1; break;
		case 'r': rate = atof(optarg); break;
		case 's': snprintf(path, sizeof(path), "%s", optarg); break;
		case 'w': warm = atof(optarg); break;
		default:
			fprintf(stderr, "usage: see the source\n");
			return 2;
		}
	}
	if (nsock < 1 || nsock > MAX_SOCKS || ndomains < 1 || secs <= 0 ||
	    rate < 0 || warm < 0)
		return 2;
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/dgram-bench.%ld.sock",
		    (long)getpid());
	day = report_day((int64_t)time(NULL));
	load_set(dir, ndomains);
	for (k = 0; k < nset; k++) {
		if (set[k].len < minlen)
			minlen = set[k].len;
		if (set[k].len > maxlen)
			maxlen = set[k].len;
	}
	if (only) {
		if (dopin)
			pin(0);
		callback_only(secs, label);
		return 0;
	}
	qlen = read_qlen();

	if (pipe(ready) == -1 || pipe(out) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(ready[0]);
		close(out[0]);
		receiver(path, ready[1], out[1], dopin);
	}
	close(ready[1]);
	close(out[1]);
	if (read(ready[0], &c, 1) != 1)
		fatalx("the receiver did not start");
	close(ready[0]);
	if (dopin)
		pin(1);
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	for (i = 0; i < nsock; i++)
		fds[i] = open_sender();

	/* Warm-up (not counted), the GO marker, then the run. */
	if (warm > 0) {
		send_for(fds, nsock, &sun, rate, (uint64_t)(warm * 1e9),
		    &first_loss);
		if (sendto(fds[0], GO_MARKER, GO_LEN, 0,
		    (struct sockaddr *)&sun, sizeof(sun)) != (ssize_t)GO_LEN)
			fatal("sendto go marker");
	}
	t0 = now_ns();
	first_loss = 0;
	sl = send_for(fds, nsock, &sun, rate, (uint64_t)(secs * 1e9),
	    &first_loss);
	sent = sl.sent;
	lost = sl.lost;
	t = now_ns() - t0;
	if (sendto(fds[0], END_MARKER, END_LEN, 0, (struct sockaddr *)&sun,
	    sizeof(sun)) != (ssize_t)END_LEN)
		fatal("sendto end marker");
	if (read(out[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		fatalx("no result from the receiver");
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		fatalx("the receiver failed");

	printf("%-8s qlen=%d socks=%d rate=%.0f sent=%llu lost=%llu "
	    "lost_pct=%.2f recv=%llu ok=%llu sent/s=%.0f recv/s=%.0f "
	    "rx_cpu_ms=%.0f rx_cpu_us_per_dgram=%.2f rx_cpu_pct=%.0f "
	    "wakeups=%llu burst_max=%llu first_loss_ms=%.1f keys=%llu\n",
	    label, qlen, nsock, rate, sent, lost,
	    sent ? 100.0 * (double)lost / (double)sent : 0.0, r.received,
	    r.ok, (double)sent / ((double)t / 1e9),
	    (double)r.received / ((double)(r.end_ns - t0) / 1e9),
	    r.cpu_s * 1e3,
	    r.received ? r.cpu_s * 1e6 / (double)r.received : 0.0,
	    100.0 * r.cpu_s / ((double)(r.end_ns - t0) / 1e9),
	    r.wakeups, r.burst_max,
	    lost ? (double)first_loss / 1e6 : -1.0, r.keys);
	fprintf(stderr, "# datagrams %zu..%zu bytes, %zu in the set; "
	    "receiver: parse_err=%llu key_err=%llu add_err=%llu "
	    "oversized=%llu sessions=%llu\n", minlen, maxlen, nset,
	    r.parse_err, r.key_err, r.add_err, r.oversized, r.sessions);
	if (r.received != sent - lost) {
		fprintf(stderr, "dgram-bench: %llu sent - %llu lost != %llu "
		    "received\n", sent, lost, r.received);
		bad = 1;
	}
	if (r.ok != r.received || r.sessions < r.ok) {
		fprintf(stderr, "dgram-bench: %llu received, %llu OK\n",
		    r.received, r.ok);
		bad = 1;
	}
	return bad;
}
