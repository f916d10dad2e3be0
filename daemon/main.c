/*
 * main.c: mtastsd, the MTA-STS policy daemon for Postfix.
 *
 * Options, configuration, listeners, privilege drop, signals, systemd
 * notification and the event loop.  Everything that answers a request lives
 * in sockmap.c and lookup.c (with cache, resolver and fetcher under it);
 * this file only wires them together, in the order privileges and fork()
 * demand.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "answer.h"
#include "cache.h"
#include "conf.h"
#include "control.h"
#include "decide.h"
#include "dnssec_check.h"
#include "fetcher.h"
#include "log.h"
#include "lookup.h"
#include "postconf.h"
#include "privdrop.h"
#include "collector.h"
#include "reporter.h"
#include "resolver.h"
#include "sdnotify.h"
#include "sockmap.h"
#include "xmalloc.h"

#define LOG_FLUSH_MS	100	/* buffered log lines wait at most this */
#define DRAIN_MAX_SEC	10	/* SIGTERM waits this long for lookups */
#define FD_RESERVE	64	/* descriptors beyond max_connections */

struct daemon {
	struct event_base	*base;
	struct conf		*conf;
	char			*conf_path;	/* absolute: we chdir("/") */
	int			 conf_explicit;
	struct sockmap		*sm;
	struct control		*control;
	struct cache		*cache;
	struct resolver		*resolver;
	struct fetcher		*fetcher;
	struct lookup		*lookup;
	struct dnssec_check	*dnssec;
	struct collector	*collector;	/* tlsrpt = yes */
	struct reporter		*reporter;

	/* What DEC-20 decides DANE answers from, and what it decided. */
	int			 dnssec_ok;
	char			 dnssec_why[160];
	int			 postfix_ok;
	char			 postfix_why[160];
	int			 dane_on;	/* -1 before the first decision */
	char			 dane_why[LOOKUP_DANE_WHY_MAX];

	struct event		*ev_hup, *ev_term, *ev_int, *ev_flush;
	struct event		*ev_drain;
	int			 draining;
	int			 drain_ticks;
};

static struct daemon	 d;

static void	usage(void) __attribute__((__noreturn__));
static int	check_environment(const struct conf *);
static void	env_problem(const struct conf *, int *, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static void	parent_dir(const char *, uid_t, gid_t, const char *);
static void	open_sockets(void);
static void	open_engine(void);
static void	on_request(struct sockmap_conn *, int, const char *, size_t,
		    void *);
static void	on_answer(const struct answer *, void *);
static void	on_hup(evutil_socket_t, short, void *);
static void	on_datagram(const char *, size_t, void *);
static void	on_term(evutil_socket_t, short, void *);
static void	on_drain(evutil_socket_t, short, void *);
static void	on_flush(evutil_socket_t, short, void *);
static void	arm_flush(void);
static void	print_errors(const struct conf_errors *);
static void	print_dane(const struct conf *);
static void	check_postfix(void);
static void	on_dnssec(int, const char *, void *);
static void	dane_update(void);
static void	raise_fd_limit(struct conf *);

static void
usage(void)
{
	fprintf(stderr, "usage: mtastsd [-FnpvV] [-f file]\n");
	exit(2);
}

static void
print_errors(const struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "%s\n", errs->msg[i]);
}

/*
 * What conf_parse() cannot know: users, groups and files on this machine.
 * Printed like parse errors by "mtastsd -n"; returns how many were found.
 */
static int
check_environment(const struct conf *conf)
{
	uid_t	 uid;
	gid_t	 gid;
	char	*cause = NULL;
	int	 bad = 0;

	if (*conf->user != '\0' &&
	    privdrop_user(conf->user, &uid, &gid, &cause) == -1) {
		env_problem(conf, &bad, "user: %s", cause);
		free(cause);
		cause = NULL;
	}
	if (*conf->socket_group != '\0' &&
	    privdrop_group(conf->socket_group, &gid, &cause) == -1) {
		env_problem(conf, &bad, "socket_group: %s", cause);
		free(cause);
	}
	if (*conf->ca_file != '\0' && access(conf->ca_file, R_OK) == -1)
		env_problem(conf, &bad, "ca_file: %s: %s", conf->ca_file,
		    strerror(errno));
	/* Report mail must have somewhere to go (RFC 8460 section 5.3). */
	if (conf->tlsrpt && access(conf->sendmail_path, X_OK) == -1)
		env_problem(conf, &bad, "sendmail_path: %s: %s",
		    conf->sendmail_path, strerror(errno));
	return bad;
}

static void
env_problem(const struct conf *conf, int *bad, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", conf->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	(*bad)++;
}

/* The directory holding path: made (and given to uid:gid) if missing. */
static void
parent_dir(const char *path, uid_t uid, gid_t gid, const char *what)
{
	char	*dir, *slash, *cause = NULL;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		/* Under systemd, RuntimeDirectory made it already. */
		if (privdrop_dir(dir, 0755, uid, gid, &cause) == -1)
			fatalx("%s %s: %s", what, path, cause);
	}
	free(dir);
}

/*
 * Everything that needs root (if we are root) happens here, before the
 * privilege drop: listeners, the control socket, the cache directory.
 */
static void
open_sockets(void)
{
	const struct conf	*conf = d.conf;
	const struct conf_listen *l;
	uid_t			 uid = (uid_t)-1;
	gid_t			 gid = (gid_t)-1, sgid = (gid_t)-1;
	char			*cause = NULL;
	size_t			 i;

	if (*conf->user != '\0' &&
	    privdrop_user(conf->user, &uid, &gid, &cause) == -1)
		fatalx("%s", cause);
	if (*conf->socket_group != '\0' &&
	    privdrop_group(conf->socket_group, &sgid, &cause) == -1)
		fatalx("socket_group: %s", cause);
	if (getuid() != 0)
		uid = (uid_t)-1;	/* cannot give directories away */

	for (i = 0; i < conf->nlisten; i++) {
		l = &conf->listen[i];
		if (l->type == CONF_LISTEN_UNIX) {
			parent_dir(l->path, uid, gid, "listen");
			if (sockmap_listen_unix(d.sm, l->path,
			    (mode_t)conf->socket_mode, sgid, &cause) == -1)
				fatalx("listen %s: %s", l->text, cause);
		} else if (sockmap_listen_inet(d.sm, l->family, l->addr,
		    l->port, &cause) == -1)
			fatalx("listen %s: %s", l->text, cause);
		log_debug("%s: listening on %s", __func__, l->text);
	}

	/* mtasts-ctl's door: group of the daemon, checked per peer too. */
	if (*conf->control_socket != '\0') {
		parent_dir(conf->control_socket, uid, gid, "control_socket");
		if ((d.control = control_new(d.base, conf->control_socket,
		    uid == (uid_t)-1 ? (gid_t)-1 : gid, &cause)) == NULL)
			fatalx("control_socket: %s", cause);
	}

	/* libtlsrpt's datagrams (RFC 8460), from Postfix's smtp(8). */
	if (conf->tlsrpt) {
		parent_dir(conf->tlsrpt_socket, uid, gid, "tlsrpt_socket");
		if ((d.collector = collector_new(d.base, conf->tlsrpt_socket,
		    (mode_t)conf->socket_mode, sgid, on_datagram, NULL,
		    &cause)) == NULL)
			fatalx("tlsrpt_socket %s: %s", conf->tlsrpt_socket,
			    cause);
	}

	/* The cache belongs to the daemon's user (0750: its group reads). */
	if (privdrop_dir(conf->cache_dir, 0750, uid, gid, &cause) == -1)
		fatalx("cache_dir: %s", cause);
}

/*
 * What must not cross a fork() or run as root: the LMDB environment,
 * getdns and libcurl.
 */
static void
open_engine(void)
{
	const struct conf	*conf = d.conf;
	struct fetcher_conf	 fc;
	char			*cause = NULL;

	if ((d.cache = cache_open(conf->cache_dir, 0, &cause)) == NULL)
		fatalx("cache: %s", cause);
	if ((d.resolver = resolver_new(d.base, conf->resolvers,
	    conf->nresolvers, conf->dns_timeout * 1000, &cause)) == NULL)
		fatalx("resolver: %s", cause);
	memset(&fc, 0, sizeof(fc));
	fc.ca_file = conf->ca_file;
	fc.timeout_ms = conf->fetch_timeout * 1000;
	/* DEC-11: 10 s to connect, but never more than the whole fetch. */
	fc.connect_timeout_ms = conf->fetch_timeout < 10 ?
	    conf->fetch_timeout * 1000 : 10000;
	fc.max_size = conf->fetch_max_size;
	fc.port = 443;
	fc.post_local = conf->tlsrpt_post_local;
	if ((d.fetcher = fetcher_new(d.base, &fc, &cause)) == NULL)
		fatalx("fetcher: %s", cause);
	d.lookup = lookup_new(d.base, conf, d.cache, d.resolver, d.fetcher);
	if (d.control != NULL)
		control_attach(d.control, d.lookup, d.sm);
	if (conf->tlsrpt) {
		d.reporter = reporter_new(d.base, conf, d.cache, d.resolver,
		    d.fetcher);
		lookup_set_reporter(d.lookup, d.reporter);
		if (d.control != NULL)
			control_set_reporter(d.control, d.reporter,
			    collector_stats(d.collector));
	}

	/*
	 * DANE (DEC-20).  Until the first self-test answers, a loopback
	 * resolver is taken at its word: its AD bit is the trust model
	 * (DANE-4), and answering without DANE meanwhile could hand out
	 * "secure" for a DANE domain (DANE-1).
	 */
	d.dane_on = -1;
	d.dnssec_ok = resolver_loopback(d.resolver);
	snprintf(d.dnssec_why, sizeof(d.dnssec_why), "%s", d.dnssec_ok ?
	    "the DNSSEC self-test has not run yet" : "a resolver is not on "
	    "loopback, so its AD bit cannot be trusted");
	check_postfix();
	d.dnssec = dnssec_check_new(d.base, d.resolver, on_dnssec, NULL);
}

/* DANE-13: does Postfix's smtp(8) look up DNSSEC?  Start and reload. */
static void
check_postfix(void)
{
	const char	*why;

	if (d.conf->dane != CONF_DANE_AUTO) {
		d.postfix_ok = 0;
		snprintf(d.postfix_why, sizeof(d.postfix_why), "Postfix's "
		    "smtp_dns_support_level not checked (dane = %s)",
		    d.conf->dane == CONF_DANE_YES ? "yes" : "no");
	} else {
		d.postfix_ok = postconf_dnssec(&why);
		snprintf(d.postfix_why, sizeof(d.postfix_why), "%s", why);
	}
	/* DEC-31: DANE failures are Postfix's to report when it reports. */
	if (d.reporter != NULL && d.conf->dane != CONF_DANE_NO) {
		int postfix_reports = postconf_tlsrpt(&why);

		reporter_set_dane_events(d.reporter, !postfix_reports);
		log_info("tlsrpt: DANE failures are reported by %s (%s)",
		    postfix_reports ? "Postfix" : "mtastsd", why);
	}
	dane_update();
}

/* The self-test's verdict; each change is logged (DANE-4). */
static void
on_dnssec(int ok, const char *why, void *arg)
{
	if (ok != d.dnssec_ok || strcmp(why, d.dnssec_why) != 0) {
		if (ok)
			log_info("dnssec: %s", why);
		else if (d.conf->dane != CONF_DANE_NO)
			log_warnx("dnssec: self-test failed: %s", why);
		else
			log_info("dnssec: self-test failed: %s", why);
	}
	d.dnssec_ok = ok;
	snprintf(d.dnssec_why, sizeof(d.dnssec_why), "%s", why);
	dane_update();
}

/* Decide (DEC-20), tell the lookups, and log every change loudly. */
static void
dane_update(void)
{
	char	why[LOOKUP_DANE_WHY_MAX];
	int	on = 0;

	switch (decide_dane_gate(d.conf->dane, d.dnssec_ok, d.postfix_ok)) {
	case DECIDE_GATE_ON:
		on = 1;
		snprintf(why, sizeof(why), "%s; %s", d.dnssec_why,
		    d.postfix_why);
		break;
	case DECIDE_GATE_OFF_CONF:
		snprintf(why, sizeof(why), "dane = no");
		break;
	case DECIDE_GATE_OFF_DNSSEC:
		snprintf(why, sizeof(why), "%s", d.dnssec_why);
		break;
	case DECIDE_GATE_OFF_POSTFIX:
		snprintf(why, sizeof(why), "%s", d.postfix_why);
		break;
	}
	lookup_set_dane(d.lookup, on, why);
	if (on == d.dane_on && strcmp(why, d.dane_why) == 0)
		return;
	if (on)
		log_info("DANE answers on: %s", why);
	else if (d.conf->dane == CONF_DANE_NO)
		log_info("DANE answers off: %s", why);
	else
		log_warnx("DANE answers OFF: %s; DANE domains get MTA-STS "
		    "answers only", why);
	d.dane_on = on;
	snprintf(d.dane_why, sizeof(d.dane_why), "%s", why);
}

/*
 * mtastsd -n: what DANE answers will need (DEC-20, DANE-4, DANE-13).
 * Only what can be known without the network: the self-test runs in the
 * daemon.
 */
static void
print_dane(const struct conf *conf)
{
	struct event_base	*base;
	struct resolver		*res;
	const char		*why;
	char			*cause = NULL;
	int			 pf;

	if (conf->dane == CONF_DANE_NO) {
		printf("dane = no: answers never use DANE\n");
		return;
	}
	pf = postconf_dnssec(&why);
	printf("dane = %s: %s\n", conf->dane == CONF_DANE_AUTO ? "auto" :
	    "yes", why);
	if (!pf)
		printf("  %s: Postfix needs smtp_dns_support_level = dnssec "
		    "in main.cf,\n  or it defers every dane-only "
		    "destination\n", conf->dane == CONF_DANE_AUTO ?
		    "DANE answers stay off" : "warning");
	if ((base = event_base_new()) != NULL &&
	    (res = resolver_new(base, conf->resolvers, conf->nresolvers,
	    conf->dns_timeout * 1000, &cause)) != NULL) {
		if (!resolver_loopback(res))
			printf("  DANE answers stay off: a resolver is not on "
			    "loopback, so its AD bit cannot be trusted\n");
		resolver_free(res);
	} else if (cause != NULL) {
		printf("  resolvers: %s\n", cause);
		free(cause);
	}
	if (base != NULL)
		event_base_free(base);
	printf("  DANE answers need a local validating resolver, the one "
	    "Postfix uses;\n  mtastsd checks that it validates at start "
	    "and every %d minutes\n", DNSSEC_CHECK_SEC / 60);
}

static void
on_request(struct sockmap_conn *c, int profile, const char *key,
    size_t keylen, void *arg)
{
	lookup_request(d.lookup, profile, key, keylen, on_answer, c);
}

static void
on_answer(const struct answer *a, void *arg)
{
	sockmap_reply(arg, a);
}

/* SIGHUP: parse anew; keep the old configuration if the new one is bad. */
static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct conf_errors	 errs = { 0, NULL };
	struct conf		*nconf;
	char			*restart = NULL;
	size_t			 i;

	sdnotify("RELOADING=1");
	log_info("reloading %s", d.conf_path);
	/* A file that vanished must not silently drop every override. */
	if ((nconf = conf_load(d.conf_path, 0, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			log_warnx("%s", errs.msg[i]);
		log_warnx("reload failed; keeping the running configuration");
		conf_errors_clear(&errs);
		sdnotify("READY=1\nSTATUS=reload failed; old config kept");
		return;
	}
	conf_restart_diff(d.conf, nconf, &restart);
	if (restart != NULL) {
		log_warnx("reload: %s changed; that takes effect only after "
		    "a restart", restart);
		free(restart);
	}
	raise_fd_limit(nconf);
	lookup_set_conf(d.lookup, nconf);
	if (d.reporter != NULL)
		reporter_set_conf(d.reporter, nconf);
	sockmap_set_limits(d.sm, nconf->max_connections, nconf->idle_timeout);
	conf_free(d.conf);
	d.conf = nconf;
	check_postfix();	/* dane, or main.cf, may have changed */
	log_info("configuration reloaded: %zu override(s)", nconf->noverrides);
	sdnotify("READY=1\nSTATUS=serving");
}

static void
on_datagram(const char *buf, size_t len, void *arg)
{
	if (d.reporter != NULL)
		reporter_datagram(d.reporter, buf, len);
}

/* SIGTERM/SIGINT: stop accepting, let lookups in flight answer, exit. */
static void
on_term(evutil_socket_t sig, short what, void *arg)
{
	struct timeval	tv = { 0, 100000 };

	if (d.draining) {
		event_base_loopexit(d.base, NULL);
		return;
	}
	d.draining = 1;
	sdnotify("STOPPING=1");
	log_info("signal %d: shutting down", (int)sig);
	sockmap_stop(d.sm);
	d.ev_drain = event_new(d.base, -1, EV_PERSIST, on_drain, NULL);
	event_add(d.ev_drain, &tv);
	on_drain(-1, 0, NULL);
}

static void
on_drain(evutil_socket_t fd, short what, void *arg)
{
	if (sockmap_pending(d.sm) == 0 ||
	    ++d.drain_ticks > DRAIN_MAX_SEC * 10)
		event_base_loopexit(d.base, NULL);
}

static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
	log_flush();
}

static void
arm_flush(void)
{
	struct timeval	tv = { 0, LOG_FLUSH_MS * 1000 };

	if (!evtimer_pending(d.ev_flush, NULL))
		evtimer_add(d.ev_flush, &tv);
}

/*
 * Each connection is a descriptor: make sure max_connections of them fit,
 * or lower max_connections to what the hard limit allows.
 */
static void
raise_fd_limit(struct conf *conf)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)conf->max_connections + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE %llu",
		    (unsigned long long)rl.rlim_cur);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		log_warnx("max_connections %u lowered to %llu: the open "
		    "files limit is %llu", conf->max_connections,
		    (unsigned long long)(rl.rlim_cur - FD_RESERVE),
		    (unsigned long long)rl.rlim_cur);
		conf->max_connections = rl.rlim_cur > FD_RESERVE ?
		    (unsigned)(rl.rlim_cur - FD_RESERVE) : 1;
	}
}

int
main(int argc, char *argv[])
{
	struct conf_errors	 errs = { 0, NULL };
	uid_t			 uid;
	gid_t			 gid;
	const char		*conf_path;
	char			*cause = NULL;
	int			 ch, foreground = 0, checkonly = 0;
	int			 printconf = 0, verbose = 0;

	conf_path = MTASTSD_CONF_FILE;
	while ((ch = getopt(argc, argv, "f:FnpvV")) != -1) {
		switch (ch) {
		case 'f':
			conf_path = optarg;
			d.conf_explicit = 1;
			break;
		case 'F':
			foreground = 1;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'p':
			printconf = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("mtastsd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init(1, verbose, "mtastsd");
	/* Reloads happen after chdir("/"): remember where the file is. */
	if ((d.conf_path = realpath(conf_path, NULL)) == NULL)
		d.conf_path = xstrdup(conf_path);
	/* With no file at all, the embedded defaults apply. */
	d.conf = conf_load(d.conf_path, !d.conf_explicit, &errs);
	if (d.conf == NULL) {
		print_errors(&errs);
		if (!checkonly)
			fprintf(stderr, "mtastsd: configuration errors; not "
			    "starting\n");
		conf_errors_clear(&errs);
		return 1;
	}
	if (checkonly) {
		if (check_environment(d.conf) > 0)
			return 1;
		printf("%s: configuration OK\n", d.conf->file);
		print_dane(d.conf);
		conf_free(d.conf);
		return 0;
	}
	if (printconf) {
		conf_dump(d.conf, stdout);
		conf_free(d.conf);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit(d.conf);
	if ((d.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d.sm = sockmap_new(d.base, on_request, NULL, d.conf->max_connections,
	    d.conf->idle_timeout);
	open_sockets();

	/* Drop before detaching, so that a failure still shows. */
	if (getuid() == 0) {
		if (*d.conf->user == '\0')
			log_warnx("user is empty: running as root");
		else {
			if (privdrop_user(d.conf->user, &uid, &gid, &cause) ==
			    -1 || privdrop_drop(uid, gid, &cause) == -1)
				fatalx("%s", cause);
			log_debug("running as %s (%u:%u)", d.conf->user,
			    (unsigned)uid, (unsigned)gid);
		}
	}

	if (!foreground) {
		struct cache *probe;

		/*
		 * What is most likely to fail after the fork fails here
		 * first, where the caller still sees it.  The environment
		 * is closed again: it must not cross the fork.
		 */
		if ((probe = cache_open(d.conf->cache_dir, 0, &cause)) == NULL)
			fatalx("cache: %s", cause);
		cache_close(probe);
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, verbose, "mtastsd");
		/* libevent needs a fresh look at its fds after fork. */
		if (event_reinit(d.base) == -1)
			fatalx("event_reinit failed");
	}

	open_engine();
	d.ev_hup = evsignal_new(d.base, SIGHUP, on_hup, NULL);
	d.ev_term = evsignal_new(d.base, SIGTERM, on_term, NULL);
	d.ev_int = evsignal_new(d.base, SIGINT, on_term, NULL);
	d.ev_flush = evtimer_new(d.base, on_flush, NULL);
	if (d.ev_hup == NULL || d.ev_term == NULL || d.ev_int == NULL ||
	    d.ev_flush == NULL)
		fatalx("event_new failed");
	evsignal_add(d.ev_hup, NULL);
	evsignal_add(d.ev_term, NULL);
	evsignal_add(d.ev_int, NULL);
	log_set_flush_hook(arm_flush);

	log_info("mtastsd %s ready: %zu listener(s), %zu override(s), "
	    "config %s", PACKAGE_VERSION, d.conf->nlisten, d.conf->noverrides,
	    d.conf->file);
	sdnotify("READY=1\nSTATUS=serving");

	event_base_dispatch(d.base);

	/* No new dispatch; then answer what is pending; then close. */
	log_set_flush_hook(NULL);
	sockmap_stop(d.sm);
	control_free(d.control);
	collector_free(d.collector);
	dnssec_check_free(d.dnssec);
	lookup_set_reporter(d.lookup, NULL);
	reporter_free(d.reporter);	/* commits what is in memory */
	lookup_free(d.lookup);
	sockmap_free(d.sm);
	fetcher_free(d.fetcher);
	resolver_free(d.resolver);
	cache_close(d.cache);
	event_free(d.ev_hup);
	event_free(d.ev_term);
	event_free(d.ev_int);
	event_free(d.ev_flush);
	if (d.ev_drain != NULL)
		event_free(d.ev_drain);
	event_base_free(d.base);
	conf_free(d.conf);
	free(d.conf_path);
	log_info("mtastsd stopped");
	log_flush();
	return 0;
}
