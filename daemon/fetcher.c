/*
 * fetcher.c: the policy GET (RFC 8461 §3.3) with libcurl's multi socket
 * API on the daemon's libevent loop, as curl's docs/examples/hiperfifo.c
 * (minus its exit()s): curl asks for socket events and one timer, we call
 * curl_multi_socket_action() and then collect finished transfers.  User
 * callbacks run only from there, never from inside a curl callback or
 * fetcher_get().  Every outcome becomes a failure.h class and a reason in
 * which no byte from the server appears unescaped.
 *
 * A second kind of transfer, the TLSRPT POST (RFC 8460 §5.4), shares the
 * multi handle, the socket and timer glue and the classification; only
 * its setup, its status rule (2xx) and its write callback differ.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "bounds.h"
#include "failure.h"
#include "fetcher.h"
#include "ipclass.h"
#include "log.h"
#include "resolver.h"
#include "xmalloc.h"

#define FETCH_HOST_PREFIX	"mta-sts."
#define FETCH_PATH		"/.well-known/mta-sts.txt"
#define FETCH_PORT		443
#define FETCH_TIMEOUT_MS	20000	/* DEC-11, when the conf says 0 */
#define FETCH_CONNECT_MS	10000	/* DEC-11, when the conf says 0 */
#define FETCH_REASON_MAX	512
#define FETCH_BUF_MIN		4096
#define FETCH_CHARSET_MAX	32	/* longer charset values never match */
#define FETCH_SIZE_MAX		(1024 * 1024 * 1024) /* sanity, not policy */
#define FETCH_UA		"mtastsd/" PACKAGE_VERSION
#define FETCH_URL_MAX		2048	/* a report URL, from a TLSRPT record */
#define FETCH_CTYPE_MAX		128

/* A socket curl wants watched; the event follows curl's wishes. */
struct sockev {
	TAILQ_ENTRY(sockev)	 entry;
	struct fetcher		*fr;
	curl_socket_t		 s;
	struct event		*ev;
};

struct fetch {
	TAILQ_ENTRY(fetch)	 entry;
	struct fetcher		*fr;
	fetcher_cb		 cb;
	void			*arg;
	CURL			*easy;		/* NULL for a local failure */
	CURLSH			*share;		/* this fetch's DNS cache */
	struct curl_slist	*resolve;
	struct event		*later;		/* delivers a local failure */
	char			*buf;		/* body, NUL-terminated */
	size_t			 len, cap;
	int			 checked;	/* headers looked at */
	int			 dns_tried;	/* curl wanted to resolve */
	int			 post;		/* fetcher_post() */
	int			 capped;	/* POST reply cut, rest unread */
	char			*req;		/* POST body, our copy */
	size_t			 reqlen;
	struct curl_slist	*headers;	/* POST request headers */
	enum fail_class		 fail;		/* decided before curl ended */
	struct timespec		 start;
	char			 host[DOMAIN_MAX + 1];
	char			 refused[INET6_ADDRSTRLEN]; /* not public */
	char			 errbuf[CURL_ERROR_SIZE];
	char			 reason[FETCH_REASON_MAX];
};

struct fetcher {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	char			*ca_file;	/* NULL: system store */
	long			 timeout_ms;
	long			 connect_ms;
	size_t			 max_size;
	unsigned		 port;
	int			 post_local;	/* POST to local addresses */
	TAILQ_HEAD(, fetch)	 fetches;
	TAILQ_HEAD(, sockev)	 sockevs;
	unsigned		 active;
	int			 busy;		/* inside one of our events */
	int			 dead;		/* fetcher_free() while busy */
};

static struct fetch *fetch_new(struct fetcher *, fetcher_cb, void *);
static int	valid_policy_domain(const char *);
static int	fetch_setup(struct fetch *, const char *,
		    const struct resolver_sockaddr *, size_t);
static int	valid_post_url(const char *);
static int	valid_ctype(const char *);
static int	post_setup(struct fetch *, const char *, const void *, size_t,
		    const char *);
static size_t	post_write(char *, size_t, size_t, void *);
static int	post_check_status(struct fetch *);
static curl_socket_t post_opensocket(void *, curlsocktype,
		    struct curl_sockaddr *);
static void	fetch_bad_status(struct fetch *, long);
static int	host_is_ip(const char *);
static void	fetch_fail_later(struct fetch *, enum fail_class,
		    const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static void	fetch_later_cb(evutil_socket_t, short, void *);
static void	fetch_reason(struct fetch *, enum fail_class, const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static const char *fetch_curlmsg(struct fetch *, CURLcode, char *, size_t);
static size_t	fetch_write(char *, size_t, size_t, void *);
static int	fetch_no_dns(void *, void *, void *);
static CURLcode	fetch_ssl_ctx(CURL *, void *, void *);
static int	fetch_check_headers(struct fetch *);
static int	ctype_check(const char *, char *, size_t);
static int	is_tchar(int);
static const char *skip_ows(const char *);
static int	only_codings(const char *, const char *);
static void	fetch_classify(struct fetch *, CURLcode);
static void	fetch_tls_verify(struct fetch *, const char *);
static void	fetch_finish(struct fetch *, CURLcode);
static void	fetch_destroy(struct fetch *);
static void	fetcher_destroy(struct fetcher *);
static void	fetcher_leave(struct fetcher *);
static void	fetcher_drain(struct fetcher *);
static int	fetcher_sock_cb(CURL *, curl_socket_t, int, void *, void *);
static void	fetcher_sock_ev(evutil_socket_t, short, void *);
static int	fetcher_timer_cb(CURLM *, long, void *);
static void	fetcher_timer_ev(evutil_socket_t, short, void *);
static void	sockev_free(struct sockev *);

struct fetcher *
fetcher_new(struct event_base *base, const struct fetcher_conf *conf,
    char **cause)
{
	const curl_version_info_data	*vi;
	struct fetcher			*fr;

	/*
	 * STS-FETCH-2 needs OpenSSL's X509_VERIFY_PARAM through
	 * CURLOPT_SSL_CTX_FUNCTION: curl's own name check falls back to
	 * the CN when a certificate has no SAN.
	 */
	vi = curl_version_info(CURLVERSION_NOW);
	if (vi->ssl_version == NULL ||
	    strncmp(vi->ssl_version, "OpenSSL/", 8) != 0) {
		xasprintf(cause, "libcurl is built with %s, not OpenSSL",
		    vi->ssl_version != NULL ? vi->ssl_version : "no TLS");
		return NULL;
	}
	if (conf->port > 65535) {
		xasprintf(cause, "fetch port %u out of range", conf->port);
		return NULL;
	}
	if (conf->max_size > FETCH_SIZE_MAX) {
		xasprintf(cause, "fetch max size %zu too large", conf->max_size);
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		xasprintf(cause, "curl_global_init failed");
		return NULL;
	}

	fr = xcalloc(1, sizeof(*fr));
	fr->base = base;
	TAILQ_INIT(&fr->fetches);
	TAILQ_INIT(&fr->sockevs);
	if (conf->ca_file != NULL && conf->ca_file[0] != '\0')
		fr->ca_file = xstrdup(conf->ca_file);
	fr->timeout_ms = conf->timeout_ms != 0 ?
	    (long)conf->timeout_ms : FETCH_TIMEOUT_MS;
	fr->connect_ms = conf->connect_timeout_ms != 0 ?
	    (long)conf->connect_timeout_ms : FETCH_CONNECT_MS;
	fr->max_size = conf->max_size != 0 ? conf->max_size : STS_POLICY_MAX;
	fr->port = conf->port != 0 ? conf->port : FETCH_PORT;
	fr->post_local = conf->post_local;

	if ((fr->timer = evtimer_new(base, fetcher_timer_ev, fr)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	if ((fr->multi = curl_multi_init()) == NULL)
		fatalx("%s: curl_multi_init failed", __func__);
	if (curl_multi_setopt(fr->multi, CURLMOPT_SOCKETFUNCTION,
	    fetcher_sock_cb) != CURLM_OK ||
	    curl_multi_setopt(fr->multi, CURLMOPT_SOCKETDATA, fr) != CURLM_OK ||
	    curl_multi_setopt(fr->multi, CURLMOPT_TIMERFUNCTION,
	    fetcher_timer_cb) != CURLM_OK ||
	    curl_multi_setopt(fr->multi, CURLMOPT_TIMERDATA, fr) != CURLM_OK ||
	    curl_multi_setopt(fr->multi, CURLMOPT_PIPELINING,
	    (long)CURLPIPE_NOTHING) != CURLM_OK) {
		xasprintf(cause, "curl_multi_setopt failed");
		fetcher_destroy(fr);
		return NULL;
	}
	return fr;
}

void
fetcher_free(struct fetcher *fr)
{
	struct fetch	*f;

	if (fr == NULL)
		return;
	while ((f = TAILQ_FIRST(&fr->fetches)) != NULL)
		fetcher_cancel(f);
	/* Called from a fetch callback: the event that runs it frees us. */
	if (fr->busy > 0) {
		fr->dead = 1;
		return;
	}
	fetcher_destroy(fr);
}

static void
fetcher_destroy(struct fetcher *fr)
{
	struct fetch	*f;
	struct sockev	*se;

	while ((f = TAILQ_FIRST(&fr->fetches)) != NULL) {
		TAILQ_REMOVE(&fr->fetches, f, entry);
		fetch_destroy(f);
	}
	if (fr->multi != NULL)
		curl_multi_cleanup(fr->multi);
	/* curl_multi_cleanup() need not report every socket removed. */
	while ((se = TAILQ_FIRST(&fr->sockevs)) != NULL)
		sockev_free(se);
	if (fr->timer != NULL)
		event_free(fr->timer);
	free(fr->ca_file);
	free(fr);
	curl_global_cleanup();
}

unsigned
fetcher_active(const struct fetcher *fr)
{
	return fr->active;
}

struct fetch *
fetcher_get(struct fetcher *fr, const char *domain,
    const struct resolver_sockaddr *addrs, size_t naddrs, fetcher_cb cb,
    void *arg)
{
	struct fetch	*f;

	f = fetch_new(fr, cb, arg);
	if (!valid_policy_domain(domain))
		fetch_fail_later(f, FAIL_INTERNAL, "invalid policy domain");
	else if (naddrs == 0)
		fetch_fail_later(f, FAIL_INTERNAL, "no address to fetch from");
	else if (fetch_setup(f, domain, addrs, naddrs) == -1)
		fetch_fail_later(f, FAIL_INTERNAL, "%s", f->reason);
	return f;
}

struct fetch *
fetcher_post(struct fetcher *fr, const char *url, const void *body,
    size_t len, const char *content_type, fetcher_cb cb, void *arg)
{
	const curl_version_info_data	*vi;
	struct fetch			*f;

	f = fetch_new(fr, cb, arg);
	f->post = 1;
	vi = curl_version_info(CURLVERSION_NOW);
	if (!valid_post_url(url))
		fetch_fail_later(f, FAIL_INTERNAL, "not a printable https URL");
	else if (!valid_ctype(content_type))
		fetch_fail_later(f, FAIL_INTERNAL, "invalid Content-Type");
	else if (body == NULL && len > 0)
		fetch_fail_later(f, FAIL_INTERNAL, "no body");
	else if (!(vi->features & CURL_VERSION_ASYNCHDNS))
		/* A blocking getaddrinfo() would stall the whole daemon. */
		fetch_fail_later(f, FAIL_INTERNAL, "libcurl has no "
		    "asynchronous resolver");
	else if (post_setup(f, url, body, len, content_type) == -1)
		fetch_fail_later(f, FAIL_INTERNAL, "%s", f->reason);
	return f;
}

void
fetcher_cancel(struct fetch *f)
{
	struct fetcher	*fr;

	if (f == NULL)
		return;
	fr = f->fr;
	TAILQ_REMOVE(&fr->fetches, f, entry);
	fr->active--;
	log_debug("%s: %s", __func__, f->host);
	fetch_destroy(f);
}

static struct fetch *
fetch_new(struct fetcher *fr, fetcher_cb cb, void *arg)
{
	struct fetch	*f;

	f = xcalloc(1, sizeof(*f));
	f->fr = fr;
	f->cb = cb;
	f->arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &f->start);
	TAILQ_INSERT_TAIL(&fr->fetches, f, entry);
	fr->active++;
	return f;
}

/*
 * The domain goes into a URL and a CURLOPT_RESOLVE entry, where ':', ','
 * or '/' would change the meaning: letters, digits, '-', '_' and inner
 * dots only.
 */
static int
valid_policy_domain(const char *d)
{
	size_t	i, len;

	if (d == NULL || (len = strlen(d)) == 0 ||
	    len > DOMAIN_MAX - (sizeof(FETCH_HOST_PREFIX) - 1))
		return 0;
	if (d[0] == '.' || d[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (d[i] == '.' && d[i + 1] == '.')
			return 0;
		if (!((d[i] >= 'a' && d[i] <= 'z') ||
		    (d[i] >= 'A' && d[i] <= 'Z') ||
		    (d[i] >= '0' && d[i] <= '9') ||
		    d[i] == '-' || d[i] == '_' || d[i] == '.'))
			return 0;
	}
	return 1;
}

/*
 * Build the easy handle.  On failure f->reason says why and the caller
 * delivers FAIL_INTERNAL later.
 */
static int
fetch_setup(struct fetch *f, const char *domain,
    const struct resolver_sockaddr *addrs, size_t naddrs)
{
	struct fetcher	*fr = f->fr;
	CURL		*e;
	CURLcode	 rc = CURLE_OK;
	CURLMcode	 mrc;
	const char	*what = NULL;
	char		 url[sizeof(FETCH_HOST_PREFIX) + DOMAIN_MAX + 64];
	char		 a[INET6_ADDRSTRLEN];
	char		*res;
	size_t		 i, rlen, off;
	int		 n;

	(void)snprintf(f->host, sizeof(f->host), "%s%s", FETCH_HOST_PREFIX,
	    domain);
	if (fr->port == FETCH_PORT)
		n = snprintf(url, sizeof(url), "https://%s%s", f->host,
		    FETCH_PATH);
	else
		n = snprintf(url, sizeof(url), "https://%s:%u%s", f->host,
		    fr->port, FETCH_PATH);
	if (n < 0 || (size_t)n >= sizeof(url)) {
		fetch_reason(f, FAIL_INTERNAL, "URL too long");
		return -1;
	}

	/*
	 * "HOST:PORT:ADDR[,ADDR]..." (curl >= 7.59), IPv6 in brackets: curl
	 * tries every address, happy-eyeballs style (STS-FETCH-15).
	 */
	rlen = strlen(f->host) + 16 + naddrs * (sizeof(a) + 3);
	res = xmalloc(rlen);
	off = (size_t)snprintf(res, rlen, "%s:%u:", f->host, fr->port);
	for (i = 0; i < naddrs; i++) {
		if ((addrs[i].family != AF_INET &&
		    addrs[i].family != AF_INET6) ||
		    inet_ntop(addrs[i].family, addrs[i].addr, a,
		    sizeof(a)) == NULL) {
			free(res);
			fetch_reason(f, FAIL_INTERNAL,
			    "address %zu: bad address family %d", i,
			    addrs[i].family);
			return -1;
		}
		off += (size_t)snprintf(res + off, rlen - off,
		    addrs[i].family == AF_INET6 ? "%s[%s]" : "%s%s",
		    i > 0 ? "," : "", a);
	}
	f->resolve = curl_slist_append(NULL, res);
	free(res);

	/*
	 * A private DNS cache per fetch: our RESOLVE entry never expires,
	 * goes away with the fetch, and two fetches never see each other's
	 * addresses.
	 */
	if (f->resolve == NULL || (f->share = curl_share_init()) == NULL ||
	    curl_share_setopt(f->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
	    (f->easy = e = curl_easy_init()) == NULL) {
		fetch_reason(f, FAIL_INTERNAL, "curl: out of memory");
		return -1;
	}

#define SETOPT(o, v) do {						\
	if (rc == CURLE_OK && (rc = curl_easy_setopt(e, o, v)) != CURLE_OK) \
		what = #o;						\
} while (0)
	SETOPT(CURLOPT_PRIVATE, f);
	SETOPT(CURLOPT_ERRORBUFFER, f->errbuf);
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_SHARE, f->share);
	SETOPT(CURLOPT_RESOLVE, f->resolve);
	/* Names come only from RESOLVE: refuse any resolution of curl's. */
	SETOPT(CURLOPT_RESOLVER_START_FUNCTION, fetch_no_dns);
	SETOPT(CURLOPT_RESOLVER_START_DATA, f);
	SETOPT(CURLOPT_PROTOCOLS_STR, "https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);		/* STS-FETCH-6 */
	SETOPT(CURLOPT_MAXREDIRS, 0L);
	SETOPT(CURLOPT_PROXY, "");			/* not *_proxy */
	SETOPT(CURLOPT_NOPROXY, "*");
	SETOPT(CURLOPT_HTTPGET, 1L);
	SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_USERAGENT, FETCH_UA);
	SETOPT(CURLOPT_FORBID_REUSE, 1L);
	SETOPT(CURLOPT_FRESH_CONNECT, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, fr->connect_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, fr->timeout_ms);	/* STS-FETCH-8 */
	/* Acts on Content-Length only (curl < 8.4); fetch_write() caps. */
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)fr->max_size);
	SETOPT(CURLOPT_WRITEFUNCTION, fetch_write);
	SETOPT(CURLOPT_WRITEDATA, f);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);		/* STS-FETCH-1 */
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2); /* -13 */
	SETOPT(CURLOPT_SSL_CTX_FUNCTION, fetch_ssl_ctx);	/* -2, -3 */
	SETOPT(CURLOPT_SSL_CTX_DATA, f);
	if (fr->ca_file != NULL) {
		/* The file replaces the system store, CApath included. */
		SETOPT(CURLOPT_CAINFO, fr->ca_file);
		SETOPT(CURLOPT_CAPATH, (char *)NULL);
	}
#undef SETOPT
	if (rc != CURLE_OK) {
		fetch_reason(f, FAIL_INTERNAL, "curl_easy_setopt(%s): %s",
		    what, curl_easy_strerror(rc));
		return -1;
	}
	if ((mrc = curl_multi_add_handle(fr->multi, e)) != CURLM_OK) {
		curl_easy_cleanup(e);
		f->easy = NULL;
		fetch_reason(f, FAIL_INTERNAL, "curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		return -1;
	}
	log_debug("%s: %s via %s", __func__, url, f->resolve->data);
	return 0;
}

/*
 * The TLSRPT record parser has checked the URI already; here it only must
 * not change the meaning of a request line or a header.
 */
static int
valid_post_url(const char *url)
{
	size_t	i, len;

	if (url == NULL || (len = strlen(url)) <= 8 || len > FETCH_URL_MAX ||
	    strncasecmp(url, "https://", 8) != 0)
		return 0;
	for (i = 0; i < len; i++)
		if (url[i] <= ' ' || url[i] >= 0x7f)
			return 0;
	return 1;
}

/* Goes into a header line: printable ASCII, no leading space. */
static int
valid_ctype(const char *ct)
{
	size_t	i, len;

	if (ct == NULL || (len = strlen(ct)) == 0 || len > FETCH_CTYPE_MAX ||
	    ct[0] == ' ')
		return 0;
	for (i = 0; i < len; i++)
		if (ct[i] < ' ' || ct[i] >= 0x7f)
			return 0;
	return 1;
}

static int
host_is_ip(const char *h)
{
	struct in_addr	a;

	return h[0] == '[' || inet_pton(AF_INET, h, &a) == 1;
}

/*
 * The easy handle of a report POST (RFC 8460 §5.4).  On failure f->reason
 * says why and the caller delivers FAIL_INTERNAL later.
 */
static int
post_setup(struct fetch *f, const char *url, const void *body, size_t len,
    const char *ctype)
{
	struct fetcher	*fr = f->fr;
	CURLU		*u;
	CURLUcode	 uc;
	CURL		*e;
	CURLcode	 rc = CURLE_OK;
	CURLMcode	 mrc;
	const char	*what = NULL;
	char		*host = NULL, line[FETCH_CTYPE_MAX + 32];
	int		 n;

	/* The host, for reasons and logs; curl parses the URL the same way. */
	if ((u = curl_url()) == NULL) {
		fetch_reason(f, FAIL_INTERNAL, "curl: out of memory");
		return -1;
	}
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_cleanup(u);
	if (uc != CURLUE_OK) {
		fetch_reason(f, FAIL_INTERNAL, "bad URL: %s",
		    curl_url_strerror(uc));
		return -1;
	}
	n = snprintf(f->host, sizeof(f->host), "%s", host);
	curl_free(host);
	if (n < 0 || (size_t)n >= sizeof(f->host)) {
		fetch_reason(f, FAIL_INTERNAL, "host name too long");
		return -1;
	}

	/* Our own copy: the caller's buffer may go before the POST ends. */
	f->req = xmalloc(len + 1);
	if (len > 0)
		memcpy(f->req, body, len);
	f->reqlen = len;
	(void)snprintf(line, sizeof(line), "Content-Type: %s", ctype);
	if ((f->headers = curl_slist_append(NULL, line)) == NULL ||
	    curl_slist_append(f->headers, "Expect:") == NULL ||
	    (f->easy = e = curl_easy_init()) == NULL) {
		fetch_reason(f, FAIL_INTERNAL, "curl: out of memory");
		return -1;
	}

#define SETOPT(o, v) do {						\
	if (rc == CURLE_OK && (rc = curl_easy_setopt(e, o, v)) != CURLE_OK) \
		what = #o;						\
} while (0)
	SETOPT(CURLOPT_PRIVATE, f);
	SETOPT(CURLOPT_ERRORBUFFER, f->errbuf);
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_MAXREDIRS, 0L);
	SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_NOPROXY, "*");
	SETOPT(CURLOPT_POST, 1L);
	SETOPT(CURLOPT_POSTFIELDS, f->req);
	SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	/* Content-Type as given; "Expect:" sends no 100-continue dance. */
	SETOPT(CURLOPT_HTTPHEADER, f->headers);
	SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_USERAGENT, FETCH_UA);
	SETOPT(CURLOPT_FORBID_REUSE, 1L);
	SETOPT(CURLOPT_FRESH_CONNECT, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, fr->connect_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, fr->timeout_ms);
	/* rua.h: a published name must not aim our POSTs at local hosts. */
	if (!fr->post_local) {
		SETOPT(CURLOPT_OPENSOCKETFUNCTION, post_opensocket);
		SETOPT(CURLOPT_OPENSOCKETDATA, f);
	}
	/*
	 * curl 7.88 joins a resolver thread that is still in getaddrinfo()
	 * when a transfer times out or is removed, which blocks the loop for
	 * as long as the system resolver takes (5 s in test_fetcher); with
	 * QUICK_EXIT it detaches the thread, which then frees itself.  Older
	 * curl cannot do that: refuse rather than block.
	 */
#if LIBCURL_VERSION_NUM >= 0x075700
	SETOPT(CURLOPT_QUICK_EXIT, 1L);
#else
	fetch_reason(f, FAIL_INTERNAL, "libcurl before 7.87 would block");
	return -1;
#endif
	SETOPT(CURLOPT_WRITEFUNCTION, post_write);
	SETOPT(CURLOPT_WRITEDATA, f);
	/* RFC 8460 §5.4 allows ignoring certificate errors; we do not. */
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(CURLOPT_SSL_CTX_FUNCTION, fetch_ssl_ctx);
	SETOPT(CURLOPT_SSL_CTX_DATA, f);
	if (fr->ca_file != NULL) {
		SETOPT(CURLOPT_CAINFO, fr->ca_file);
		SETOPT(CURLOPT_CAPATH, (char *)NULL);
	}
#undef SETOPT
	if (rc != CURLE_OK) {
		fetch_reason(f, FAIL_INTERNAL, "curl_easy_setopt(%s): %s",
		    what, curl_easy_strerror(rc));
		return -1;
	}
	if ((mrc = curl_multi_add_handle(fr->multi, e)) != CURLM_OK) {
		curl_easy_cleanup(e);
		f->easy = NULL;
		fetch_reason(f, FAIL_INTERNAL, "curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		return -1;
	}
	log_debug("%s: POST %zu bytes to %s", __func__, len, f->host);
	return 0;
}

/*
 * The reply to a POST: any 2xx is success; its body is kept up to
 * FETCHER_REPLY_MAX bytes.  Past that, once the whole report is sent,
 * a short return stops the transfer (f->capped turns the write error
 * back into success); before that the bytes are dropped.
 */
static size_t
post_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch	*f = arg;
	size_t		 n = size * nmemb, room;
	curl_off_t	 up = 0;

	if (f->fail != FAIL_NONE)
		return 0;
	if (!f->checked && post_check_status(f) == -1)
		return 0;
	if (f->buf == NULL) {
		f->buf = xmalloc(FETCHER_REPLY_MAX + 1);
		f->cap = FETCHER_REPLY_MAX + 1;
	}
	room = FETCHER_REPLY_MAX - f->len;
	memcpy(f->buf + f->len, ptr, n < room ? n : room);
	f->len += n < room ? n : room;
	f->buf[f->len] = '\0';
	if (n <= room)
		return n;
	f->capped = 1;
	(void)curl_easy_getinfo(f->easy, CURLINFO_SIZE_UPLOAD_T, &up);
	return up >= (curl_off_t)f->reqlen ? 0 : n;
}

/* RFC 8460 §5.4: 2xx is success.  0, or -1 with f->fail set. */
static int
post_check_status(struct fetch *f)
{
	long	status = 0;

	f->checked = 1;
	(void)curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status <= 299)
		return 0;
	fetch_bad_status(f, status);
	return -1;
}

/* Deliver a local failure from the loop, never from fetcher_get(). */
static void
fetch_fail_later(struct fetch *f, enum fail_class cls, const char *fmt, ...)
{
	struct timeval	 tv = { 0, 0 };
	char		 msg[FETCH_REASON_MAX];
	va_list		 ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fetch_reason(f, cls, "%s", msg);
	if (f->easy != NULL) {
		curl_easy_cleanup(f->easy);
		f->easy = NULL;
	}
	if ((f->later = evtimer_new(f->fr->base, fetch_later_cb, f)) == NULL)
		fatalx("%s: evtimer_new failed", __func__);
	evtimer_add(f->later, &tv);
}

static void
fetch_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	struct fetcher	*fr = f->fr;

	fr->busy++;
	fetch_finish(f, CURLE_OK);
	fetcher_leave(fr);
}

static void
fetch_reason(struct fetch *f, enum fail_class cls, const char *fmt, ...)
{
	va_list	ap;

	f->fail = cls;
	va_start(ap, fmt);
	(void)vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* curl's error text, escaped into buf. */
static const char *
fetch_curlmsg(struct fetch *f, CURLcode rc, char *buf, size_t bufsz)
{
	const char	*m = f->errbuf[0] != '\0' ? f->errbuf :
			    curl_easy_strerror(rc);
	size_t		 len = strlen(m);

	while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
		len--;
	return log_safe(buf, bufsz, m, len);
}

/*
 * The body, capped while it arrives (STS-FETCH-9, stack-notes §3.2): a
 * short return aborts the transfer with CURLE_WRITE_ERROR, and f->fail
 * says why.  Non-200 answers and bad headers stop at the first byte.
 */
static size_t
fetch_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct fetch	*f = arg;
	size_t		 n = size * nmemb, ncap;

	if (f->fail != FAIL_NONE)
		return 0;
	if (!f->checked && fetch_check_headers(f) == -1)
		return 0;
	if (n > f->fr->max_size - f->len) {
		fetch_reason(f, FAIL_SIZE, "body over %zu bytes, transfer "
		    "aborted", f->fr->max_size);
		return 0;
	}
	if (f->len + n + 1 > f->cap) {
		ncap = f->cap != 0 ? f->cap : FETCH_BUF_MIN;
		while (ncap < f->len + n + 1)
			ncap *= 2;
		if (ncap > f->fr->max_size + 1)
			ncap = f->fr->max_size + 1;
		f->buf = xreallocarray(f->buf, 1, ncap);
		f->cap = ncap;
	}
	memcpy(f->buf + f->len, ptr, n);
	f->len += n;
	f->buf[f->len] = '\0';
	return n;
}

static int
fetch_no_dns(void *resolver_state, void *reserved, void *arg)
{
	struct fetch	*f = arg;

	f->dns_tried = 1;
	return 1;
}

/*
 * STS-FETCH-2/-3: OpenSSL checks the name during chain verification,
 * against DNS-IDs only (never the subject CN, which curl 7.88 would use
 * for a certificate without SAN) and with '*' only as a whole left-most
 * label.  A mismatch is X509_V_ERR_HOSTNAME_MISMATCH.  curl's own check
 * still runs afterwards and can only be stricter.
 */
static CURLcode
fetch_ssl_ctx(CURL *easy, void *sslctx, void *arg)
{
	struct fetch		*f = arg;
	X509_VERIFY_PARAM	*vp = SSL_CTX_get0_param(sslctx);
	char			 ip[DOMAIN_MAX + 1];
	size_t			 len;

	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	/* A report URL may name an address: match an IP in the SAN. */
	if (f->post && host_is_ip(f->host)) {
		len = strlen(f->host);
		if (f->host[0] == '[' && len >= 2) {
			memcpy(ip, f->host + 1, len - 2);
			ip[len - 2] = '\0';
		} else
			(void)snprintf(ip, sizeof(ip), "%s", f->host);
		/* Zone ids and such: curl's own check still runs. */
		(void)X509_VERIFY_PARAM_set1_ip_asc(vp, ip);
		return CURLE_OK;
	}
	if (X509_VERIFY_PARAM_set1_host(vp, f->host, 0) != 1)
		return CURLE_OUT_OF_MEMORY;
	return CURLE_OK;
}

/*
 * Status, codings and media type, once the headers are in: 0 if the body
 * is worth reading, else -1 with f->fail and f->reason set.
 */
static int
fetch_check_headers(struct fetch *f)
{
	struct curl_header	*h;
	long			 status = 0;
	char			*ct = NULL;
	char			 esc[LOG_SAFE_MAX], why[FETCH_REASON_MAX];
	size_t			 i, n;

	f->checked = 1;
	(void)curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		/* STS-FETCH-5/-6: only 200 counts; redirects are not taken. */
		fetch_bad_status(f, status);
		return -1;
	}

	/*
	 * DEC-14: we send no Accept-Encoding, so any content coding (and
	 * any transfer coding but chunked) means bytes we cannot parse.
	 */
	if (curl_easy_header(f->easy, "Content-Encoding", 0, CURLH_HEADER,
	    -1, &h) == CURLHE_OK) {
		n = h->amount;
		for (i = 0; i < n; i++) {
			if (curl_easy_header(f->easy, "Content-Encoding", i,
			    CURLH_HEADER, -1, &h) != CURLHE_OK ||
			    only_codings(h->value, "identity"))
				continue;
			fetch_reason(f, FAIL_CONTENT_TYPE, "Content-Encoding "
			    "\"%s\" was not asked for", log_safe(esc,
			    sizeof(esc), h->value, strlen(h->value)));
			return -1;
		}
	}
	if (curl_easy_header(f->easy, "Transfer-Encoding", 0, CURLH_HEADER,
	    -1, &h) == CURLHE_OK) {
		n = h->amount;
		for (i = 0; i < n; i++) {
			if (curl_easy_header(f->easy, "Transfer-Encoding", i,
			    CURLH_HEADER, -1, &h) != CURLHE_OK ||
			    only_codings(h->value, "chunked"))
				continue;
			fetch_reason(f, FAIL_CONTENT_TYPE, "Transfer-Encoding "
			    "\"%s\" was not asked for", log_safe(esc,
			    sizeof(esc), h->value, strlen(h->value)));
			return -1;
		}
	}

	/* STS-POL-16, DEC-10. */
	(void)curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (ct == NULL) {
		fetch_reason(f, FAIL_CONTENT_TYPE, "no Content-Type");
		return -1;
	}
	if (ctype_check(ct, why, sizeof(why)) == -1) {
		fetch_reason(f, FAIL_CONTENT_TYPE, "Content-Type \"%s\": %s",
		    log_safe(esc, sizeof(esc), ct, strlen(ct)), why);
		return -1;
	}
	return 0;
}

/* A status that is not success: FAIL_HTTP_STATUS, Location if any. */
static void
fetch_bad_status(struct fetch *f, long status)
{
	struct curl_header	*h;
	char			 esc[LOG_SAFE_MAX];

	if (status >= 300 && status < 400) {
		if (curl_easy_header(f->easy, "Location", 0, CURLH_HEADER, -1,
		    &h) == CURLHE_OK)
			fetch_reason(f, FAIL_HTTP_STATUS, "HTTP status %ld, "
			    "redirect to \"%s\" not followed", status,
			    log_safe(esc, sizeof(esc), h->value,
			    strlen(h->value)));
		else
			fetch_reason(f, FAIL_HTTP_STATUS, "HTTP status %ld, "
			    "redirect not followed", status);
	} else
		fetch_reason(f, FAIL_HTTP_STATUS, "HTTP status %ld", status);
}

static int
is_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Is every comma-separated element of v (RFC 9110 list syntax) equal to
 * the coding want, ignoring case and empty elements?
 */
static int
only_codings(const char *v, const char *want)
{
	size_t		 wlen = strlen(want), n;
	const char	*p = v;

	for (;;) {
		p = skip_ows(p);
		for (n = 0; is_tchar((unsigned char)p[n]); n++)
			;
		if (n > 0 && (n != wlen || strncasecmp(p, want, wlen) != 0))
			return 0;
		p = skip_ows(p + n);
		if (*p == '\0')
			return 1;
		if (*p++ != ',')
			return 0;
	}
}

/*
 * RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS name "=" value ),
 * value a token or a quoted-string.  text/plain in any case; charset, if
 * given, utf-8 or us-ascii; other parameters are ignored (STS-POL-16).
 */
static int
ctype_check(const char *v, char *why, size_t whysz)
{
	const char	*p = skip_ows(v), *name;
	char		 cs[FETCH_CHARSET_MAX + 1];
	size_t		 tlen, slen, nlen, clen;
	int		 quoted;

	for (tlen = 0; is_tchar((unsigned char)p[tlen]); tlen++)
		;
	if (tlen == 0 || p[tlen] != '/')
		goto malformed;
	for (slen = 0; is_tchar((unsigned char)p[tlen + 1 + slen]); slen++)
		;
	if (slen == 0)
		goto malformed;
	if (tlen != 4 || strncasecmp(p, "text", 4) != 0 || slen != 5 ||
	    strncasecmp(p + 5, "plain", 5) != 0) {
		(void)snprintf(why, whysz, "not text/plain");
		return -1;
	}
	p = skip_ows(p + tlen + 1 + slen);
	while (*p != '\0') {
		if (*p++ != ';')
			goto malformed;
		p = skip_ows(p);
		if (*p == '\0' || *p == ';')
			continue;
		name = p;
		for (nlen = 0; is_tchar((unsigned char)p[nlen]); nlen++)
			;
		if (nlen == 0 || p[nlen] != '=')
			goto malformed;
		p += nlen + 1;
		clen = 0;
		quoted = *p == '"';
		if (quoted) {
			for (p++; *p != '"'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '\0')
					goto malformed;
				if (clen < sizeof(cs) - 1)
					cs[clen] = *p;
				clen++;
			}
			p++;
		} else {
			for (; is_tchar((unsigned char)*p); p++) {
				if (clen < sizeof(cs) - 1)
					cs[clen] = *p;
				clen++;
			}
			if (clen == 0)
				goto malformed;
		}
		cs[clen < sizeof(cs) ? clen : sizeof(cs) - 1] = '\0';
		if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 &&
		    (clen >= sizeof(cs) || (strcasecmp(cs, "utf-8") != 0 &&
		    strcasecmp(cs, "us-ascii") != 0))) {
			(void)snprintf(why, whysz, "charset is not utf-8 or "
			    "us-ascii");
			return -1;
		}
		p = skip_ows(p);
	}
	return 0;

malformed:
	(void)snprintf(why, whysz, "malformed");
	return -1;
}

/* Map a curl error to a class, for transfers that got no verdict yet. */
/*
 * curl asks us for each socket of a POST: only public unicast addresses
 * get one.  The refused address is kept for the reason.
 */
static curl_socket_t
post_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch	*f = arg;
	const void	*ip = NULL;

	if (a->family == AF_INET)
		ip = &((struct sockaddr_in *)(void *)&a->addr)->sin_addr;
	else if (a->family == AF_INET6)
		ip = &((struct sockaddr_in6 *)(void *)&a->addr)->sin6_addr;
	if (ip == NULL || !ipclass_public(a->family, ip)) {
		if (ip == NULL || inet_ntop(a->family, ip, f->refused,
		    sizeof(f->refused)) == NULL)
			(void)snprintf(f->refused, sizeof(f->refused),
			    "family %d", a->family);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void
fetch_classify(struct fetch *f, CURLcode rc)
{
	char		 m[LOG_SAFE_MAX], *ip = NULL;
	long		 oserr = 0;
	curl_off_t	 dns = 0;

	(void)fetch_curlmsg(f, rc, m, sizeof(m));
	(void)curl_easy_getinfo(f->easy, CURLINFO_OS_ERRNO, &oserr);
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		/*
		 * No TCP connection in time: the host is unreachable.  curl
		 * records the peer's address once a TCP connect succeeds;
		 * CONNECT_TIME waits for the TLS handshake too.
		 */
		(void)curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
		(void)curl_easy_getinfo(f->easy, CURLINFO_NAMELOOKUP_TIME_T,
		    &dns);
		/* A POST's own name lookup never finished. */
		if (f->post && dns == 0 && (ip == NULL || ip[0] == '\0') &&
		    !host_is_ip(f->host))
			fetch_reason(f, FAIL_HOST_DNS, "name lookup of %s timed "
			    "out: %s", f->host, m);
		else if (ip == NULL || ip[0] == '\0')
			fetch_reason(f, FAIL_TCP, "connect timed out: %s", m);
		else
			fetch_reason(f, FAIL_TIMEOUT, "timed out after %ld "
			    "ms: %s", f->fr->timeout_ms, m);
		break;
	case CURLE_COULDNT_CONNECT:
		if (f->refused[0] != '\0')
			fetch_reason(f, FAIL_TCP, "%s resolves to %s, not a "
			    "public address (tlsrpt_post_local = no)", f->host,
			    f->refused);
		else if (oserr != 0)
			fetch_reason(f, FAIL_TCP, "connect failed (%s): %s",
			    strerror((int)oserr), m);
		else
			fetch_reason(f, FAIL_TCP, "connect failed: %s", m);
		break;
	case CURLE_PARTIAL_FILE:			/* EDGE-45 */
		fetch_reason(f, FAIL_TCP, "truncated: %s", m);
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		fetch_reason(f, FAIL_TCP, "connection failed: %s", m);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		fetch_reason(f, FAIL_SIZE, "body over %zu bytes "
		    "(Content-Length): %s", f->fr->max_size, m);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
		fetch_tls_verify(f, m);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_SHUTDOWN_FAILED:
		/*
		 * A reset in the middle of the handshake is the network,
		 * not TLS; curl keeps the socket's errno.  A close without
		 * an alert (SSL_ERROR_SYSCALL, errno 0) counts as TLS.
		 */
		if (oserr == ECONNRESET || oserr == EPIPE ||
		    oserr == ECONNABORTED)
			fetch_reason(f, FAIL_TCP, "connection reset in TLS "
			    "handshake (%s): %s", strerror((int)oserr), m);
		else
			fetch_reason(f, FAIL_TLS_HANDSHAKE, "TLS handshake "
			    "failed: %s", m);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP_RETURNED_ERROR:
	case CURLE_RANGE_ERROR:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNSUPPORTED_PROTOCOL:
		fetch_reason(f, FAIL_HTTP_STATUS, "bad HTTP response: %s", m);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		if (f->post) {
			fetch_reason(f, FAIL_HOST_DNS, "cannot resolve %s: %s",
			    f->host, m);
			break;
		}
		fetch_reason(f, FAIL_INTERNAL, "%s: %s", f->dns_tried ?
		    "curl tried to resolve the name itself" :
		    "no address", m);
		break;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_FAILED_INIT:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_WRITE_ERROR:
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_INTERFACE_FAILED:
		fetch_reason(f, FAIL_INTERNAL, "local error: %s", m);
		break;
	default:
		fetch_reason(f, FAIL_TCP, "transfer failed (curl %d): %s",
		    (int)rc, m);
		break;
	}
}

/*
 * A rejected certificate, by the X.509 verification result that curl
 * records when OpenSSL fails the chain (the name included, see
 * fetch_ssl_ctx()).  The result means nothing for other errors: OpenSSL
 * reports X509_V_ERR_UNSPECIFIED before any certificate was seen.
 */
static void
fetch_tls_verify(struct fetch *f, const char *m)
{
	long	v = X509_V_OK;

	(void)curl_easy_getinfo(f->easy, CURLINFO_SSL_VERIFYRESULT, &v);
	switch (v) {
	case X509_V_OK:
		/* The chain was fine: curl's own host name check failed. */
		fetch_reason(f, FAIL_TLS_NAME, "certificate not valid for "
		    "%s: %s", f->host, m);
		return;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		fetch_reason(f, FAIL_TLS_NAME, "certificate not valid for "
		    "%s: %s", f->host, m);
		return;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		fetch_reason(f, FAIL_TLS_EXPIRED, "certificate expired or "
		    "not yet valid (X509 error %ld): %s", v, m);
		return;
	default:
		fetch_reason(f, FAIL_TLS_UNTRUSTED, "certificate not trusted "
		    "(X509 error %ld, %s): %s", v,
		    X509_verify_cert_error_string(v), m);
		return;
	}
}

/* The end of a fetch: classify, call back once, free. */
static void
fetch_finish(struct fetch *f, CURLcode rc)
{
	struct fetcher		*fr = f->fr;
	struct fetch_result	 r;
	struct timespec		 now;
	long			 status = 0;
	char			*ct = NULL, *ip = NULL;

	memset(&r, 0, sizeof(r));
	if (f->easy != NULL) {
		(void)curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE,
		    &status);
		(void)curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ct);
		(void)curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
		/*
		 * Our verdicts from fetch_write() stand.  Otherwise, once
		 * headers came, a status other than 200 decides, then the
		 * codings and media type (curl fails on a transfer coding
		 * it was not asked for); then curl's error.
		 */
		if (f->post) {
			if (f->fail == FAIL_NONE && status != 0 && !f->checked)
				(void)post_check_status(f);
			/* post_write() stopped reading on purpose. */
			if (f->capped && rc == CURLE_WRITE_ERROR)
				rc = CURLE_OK;
		} else if (f->fail == FAIL_NONE && status != 0 && !f->checked)
			(void)fetch_check_headers(f);
		if (f->fail == FAIL_NONE && rc != CURLE_OK)
			fetch_classify(f, rc);
	}

	clock_gettime(CLOCK_MONOTONIC, &now);
	r.fail = f->fail;
	r.reason = f->fail != FAIL_NONE ? f->reason : "";
	r.http_status = status;
	r.body = "";
	if (f->fail == FAIL_NONE && f->buf != NULL) {
		r.body = f->buf;
		r.len = f->len;
	}
	r.content_type = ct;
	r.peer = ip != NULL && ip[0] != '\0' ? ip : NULL;
	r.ms = (unsigned)((now.tv_sec - f->start.tv_sec) * 1000 +
	    (now.tv_nsec - f->start.tv_nsec) / 1000000);
	log_debug("%s: %s: %s %ld %zu bytes %u ms%s%s", __func__, f->host,
	    fail_class_str(r.fail), status, r.len, r.ms,
	    r.fail != FAIL_NONE ? ": " : "", r.reason);

	TAILQ_REMOVE(&fr->fetches, f, entry);
	fr->active--;
	f->cb(&r, f->arg);
	fetch_destroy(f);
}

/* Free a fetch that is off the list; no callback. */
static void
fetch_destroy(struct fetch *f)
{
	if (f->later != NULL)
		event_free(f->later);
	if (f->easy != NULL) {
		(void)curl_multi_remove_handle(f->fr->multi, f->easy);
		curl_easy_cleanup(f->easy);
	}
	if (f->share != NULL)
		curl_share_cleanup(f->share);
	curl_slist_free_all(f->resolve);
	curl_slist_free_all(f->headers);
	free(f->req);
	free(f->buf);
	free(f);
}

/* Leaving one of our event callbacks: a fetcher_free() from a callback. */
static void
fetcher_leave(struct fetcher *fr)
{
	if (--fr->busy == 0 && fr->dead)
		fetcher_destroy(fr);
}

/* After every socket_action: hand out what curl has finished. */
static void
fetcher_drain(struct fetcher *fr)
{
	CURLMsg		*msg;
	CURLcode	 rc;
	void		*p;
	int		 left;

	while (!fr->dead &&
	    (msg = curl_multi_info_read(fr->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		p = NULL;
		(void)curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    &p);
		if (p != NULL)
			fetch_finish(p, rc);
	}
}

/* CURLMOPT_SOCKETFUNCTION: watch s as curl asks; never call curl here. */
static int
fetcher_sock_cb(CURL *easy, curl_socket_t s, int what, void *arg,
    void *sockp)
{
	struct fetcher	*fr = arg;
	struct sockev	*se = sockp;
	short		 kind;

	if (what == CURL_POLL_REMOVE) {
		if (se != NULL) {
			(void)curl_multi_assign(fr->multi, s, NULL);
			sockev_free(se);
		}
		return 0;
	}
	kind = EV_PERSIST;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (se == NULL) {
		se = xcalloc(1, sizeof(*se));
		se->fr = fr;
		se->s = s;
		if ((se->ev = event_new(fr->base, s, kind, fetcher_sock_ev,
		    se)) == NULL)
			fatalx("%s: event_new failed", __func__);
		TAILQ_INSERT_TAIL(&fr->sockevs, se, entry);
		(void)curl_multi_assign(fr->multi, s, se);
	} else {
		/* libevent forbids event_assign() on a pending event. */
		event_del(se->ev);
		event_assign(se->ev, fr->base, s, kind, fetcher_sock_ev, se);
	}
	event_add(se->ev, NULL);
	return 0;
}

static void
fetcher_sock_ev(evutil_socket_t fd, short what, void *arg)
{
	struct sockev	*se = arg;
	struct fetcher	*fr = se->fr;
	CURLMcode	 mrc;
	int		 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	fr->busy++;
	/* se may be freed in here (CURL_POLL_REMOVE). */
	mrc = curl_multi_socket_action(fr->multi, fd, action, &running);
	if (mrc != CURLM_OK)
		log_warnx("%s: %s", __func__, curl_multi_strerror(mrc));
	fetcher_drain(fr);
	fetcher_leave(fr);
}

/* CURLMOPT_TIMERFUNCTION: only (re)arm or stop our one timer. */
static int
fetcher_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct fetcher	*fr = arg;
	struct timeval	 tv;

	if (ms < 0) {
		evtimer_del(fr->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(fr->timer, &tv);
	return 0;
}

static void
fetcher_timer_ev(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher	*fr = arg;
	CURLMcode	 mrc;
	int		 running;

	fr->busy++;
	mrc = curl_multi_socket_action(fr->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	if (mrc != CURLM_OK)
		log_warnx("%s: %s", __func__, curl_multi_strerror(mrc));
	fetcher_drain(fr);
	fetcher_leave(fr);
}

static void
sockev_free(struct sockev *se)
{
	TAILQ_REMOVE(&se->fr->sockevs, se, entry);
	event_free(se->ev);
	free(se);
}
