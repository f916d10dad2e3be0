/*
 * test_fetcher.c: the HTTPS fetcher against real servers on 127.0.0.1
 * (and ::1) high ports: nginx with virtual hosts chosen by SNI, openssl
 * s_server for raw responses nginx will not send, and listeners in this
 * process that reset, close, stall or never accept.  A private CA and the
 * certificates are made with the openssl CLI in a temporary directory at
 * start-up; the servers this test started are killed by PID and the
 * directory removed at the end.  Skipped (exit 77) without nginx or
 * openssl.  Each row checks the failure class, the HTTP status and a
 * reason substring; ASan checks that cancelling and freeing leak nothing.
 *
 * The report POST (RFC 8460 §5.4) goes to an nginx front that proxies to
 * a plain-HTTP back end in the same nginx, so that the front reads the
 * request body and can log it: the rows read back the method,
 * Content-Type, Expect and the body bytes from that log.  Its URLs name
 * localhost, 127.0.0.1 or [::1], which curl resolves by itself.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/mount.h>
#include <sys/prctl.h>
#include <net/if.h>
#include <sched.h>
#endif
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "tabletest.h"
#include "failure.h"
#include "fetcher.h"
#include "log.h"
#include "resolver.h"

#define BIG_SIZE	200000	/* over the default max_size of 65536 */
#define SLOW_SIZE	60000	/* at 2 kB/s: half a minute */
#define WAIT_MS		15000	/* no row may take longer */
#define MAX_PROCS	16

/* Where a row's fetch goes. */
enum srv {
	SRV_MAIN,		/* nginx, every virtual host, by SNI */
	SRV_TLS11,		/* nginx, TLS 1.1 only */
	SRV_TLS12,		/* nginx, TLS 1.2 only */
	SRV_V6,			/* nginx on [::1] only */
	SRV_POST,		/* nginx, report POSTs, proxied to SRV_BACK */
	SRV_POST6,		/* the same on [::1] */
	SRV_POSTWRONG,		/* the same with a certificate for another name */
	SRV_BACK,		/* nginx, plain HTTP: the statuses */
	SRV_NOCL,		/* s_server -WWW: no Content-Length, big */
	SRV_TRUNC,		/* s_server -HTTP: raw responses */
	SRV_CHUNKED,
	SRV_CTL,
	SRV_TEGZIP,
	SRV_WEIRD,
	SRV_CLOSED,		/* nothing listens */
	SRV_RST,		/* in this process: accept, then RST */
	SRV_FIN,		/* accept, then close */
	SRV_SILENT,		/* accept, never speak */
	SRV_BLACKHOLE,		/* full backlog: SYNs go unanswered */
	SRV_N
};

enum addrs {
	ADDRS_V4 = 0,		/* 127.0.0.1 */
	ADDRS_V6,		/* ::1 */
	ADDRS_V6_DEAD_FIRST,	/* ::1 (nothing there), 127.0.0.1 */
	ADDRS_V4_DEAD_FIRST,	/* 127.0.0.2 (nothing there), 127.0.0.1 */
	ADDRS_ALL_DEAD,		/* ::1, 127.0.0.2, both refused */
	ADDRS_NONE		/* naddrs 0 */
};

enum ca {
	CA_OURS = 0,		/* the private CA that signed the servers */
	CA_OTHER,		/* another private CA */
	CA_SYSTEM,		/* no ca_file */
	CA_MISSING		/* a file that does not exist */
};

struct row {
	const char	*label;
	const char	*domain;
	enum srv	 srv;
	enum addrs	 addrs;
	enum ca		 ca;
	unsigned	 timeout_ms;	/* 0: 5000 */
	unsigned	 connect_ms;	/* 0: 2000 */
	size_t		 max_size;	/* 0: 65536 */
	enum fail_class	 fail;
	long		 status;
	const char	*reason;	/* substring */
	const char	*body;		/* substring, on success */
};

/* nginx virtual hosts on SRV_MAIN: mta-sts.<name>.test. */
struct vhost {
	const char	*name;
	const char	*cert;		/* NULL: the good certificate */
	const char	*conf;		/* inside server { } */
};

/* openssl s_server instances; resp is the whole raw response. */
struct raw {
	enum srv	 srv;
	const char	*name;
	const char	*mode;		/* -HTTP or -WWW */
	const char	*resp;		/* NULL: BIG_SIZE bytes of body */
};

struct got {
	int		 n;
	enum fail_class	 fail;
	long		 status;
	char		 reason[1024];
	char		 body[512];
	size_t		 len;
	int		 nul;		/* body[len] was NUL */
	char		 ctype[128];
	char		 peer[64];
	unsigned	 ms;
};

/* A server in this process, for one row. */
struct local {
	int		 lfd;
	int		 cfd[8];
	struct event	*cev[8];
	int		 ncfd;
	enum srv	 kind;
	struct event	*ev;
};

static const struct vhost vhosts[] = {
	{ "ok", NULL,
	    "location = /.well-known/mta-sts.txt {"
	    " if ($host != mta-sts.ok.test) { return 421; }"
	    " if ($ssl_server_name != mta-sts.ok.test) { return 421; }"
	    " try_files /policy.txt =404; }"
	    " location / { return 404; }" },
	{ "echo", NULL,
	    "location / { return 200 \"sni=$ssl_server_name"
	    " ua=$http_user_agent ae=$http_accept_encoding"
	    " ims=$http_if_modified_since inm=$http_if_none_match"
	    " proto=$server_protocol uri=$request_uri"
	    " host=$http_host\\n\"; }" },
	{ "charset", NULL, "location / { default_type"
	    " \"text/plain; charset=utf-8\"; try_files /policy.txt =404; }" },
	{ "ascii", NULL, "location / { default_type"
	    " \"text/plain;charset=\\\"US-ASCII\\\"\";"
	    " try_files /policy.txt =404; }" },
	{ "upper", NULL, "location / { default_type"
	    " \"TEXT/Plain ; format=flowed\"; try_files /policy.txt =404; }" },
	{ "latin1", NULL, "location / { default_type"
	    " \"text/plain; charset=iso-8859-1\";"
	    " try_files /policy.txt =404; }" },
	{ "html", NULL, "location / { default_type text/html;"
	    " try_files /policy.txt =404; }" },
	{ "octet", NULL, "location / { default_type application/octet-stream;"
	    " try_files /policy.txt =404; }" },
	{ "plainx", NULL, "location / { default_type text/plainx;"
	    " try_files /policy.txt =404; }" },
	{ "badctype", NULL, "location / { default_type"
	    " \"text/plain; charset\"; try_files /policy.txt =404; }" },
	{ "noctype", NULL, "location / { types { } default_type \"\";"
	    " try_files /policy.txt =404; }" },
	{ "s404", NULL, "location / { return 404; }" },
	{ "s410", NULL, "location / { return 410; }" },
	{ "s429", NULL, "location / { return 429; }" },
	{ "s500", NULL, "location / { return 500; }" },
	{ "s204", NULL, "location / { return 204; }" },
	{ "s206", NULL, "location / { return 206 \"version: STSv1\\n\"; }" },
	{ "s301", NULL, "location / { return 301 https://elsewhere.test/x; }" },
	{ "s302", NULL, "location / { return 302"
	    " https://mta-sts.s302.test/.well-known/mta-sts.txt; }" },
	{ "empty", NULL, "location / { try_files /empty.txt =404; }" },
	{ "big", NULL, "location / { try_files /big.txt =404; }" },
	{ "slow", NULL, "location / { limit_rate 2k;"
	    " try_files /slow.txt =404; }" },
	{ "gzip", NULL, "location / { add_header Content-Encoding gzip;"
	    " try_files /policy.txt =404; }" },
	{ "identity", NULL, "location / { add_header Content-Encoding identity;"
	    " try_files /policy.txt =404; }" },
	{ "wrongname", "wrongname",
	    "location / { try_files /policy.txt =404; }" },
	{ "cnonly", "cnonly", "location / { try_files /policy.txt =404; }" },
	{ "wild", "wild", "location / { try_files /policy.txt =404; }" },
	{ "pwild", "pwild", "location / { try_files /policy.txt =404; }" },
	{ "expired", "expired", "location / { try_files /policy.txt =404; }" },
	{ "notyet", "notyet", "location / { try_files /policy.txt =404; }" },
	{ "selfsigned", "selfsigned",
	    "location / { try_files /policy.txt =404; }" },
	{ "unknownca", "unknownca",
	    "location / { try_files /policy.txt =404; }" },
};

static const struct raw raws[] = {
	{ SRV_NOCL, "nocl", "-WWW", NULL },
	{ SRV_TRUNC, "trunc", "-HTTP",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 1000\r\n\r\nversion: STSv1\n" },
	{ SRV_CHUNKED, "chunked", "-HTTP",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "f\r\nversion: STSv1\n\r\ne\r\nmode: testing\n\r\n"
	    "14\r\nmx: mx.chunked.test\n\r\nf\r\nmax_age: 86400\n\r\n"
	    "0\r\n\r\n" },
	{ SRV_CTL, "ctl", "-HTTP",
	    "HTTP/1.1 302 Found\r\nLocation: https://x.test/\x01\x1b[31mred\r\n"
	    "Content-Length: 0\r\n\r\n" },
	{ SRV_TEGZIP, "tegzip", "-HTTP",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n" },
	{ SRV_WEIRD, "weird", "-HTTP", "garbage\r\n\r\n" },
};

/* Names on the good certificate besides the vhosts with their own. */
static const char *const extra_names[] = {
	"tls11", "tls12", "v6", "closed", "rst", "fin", "silent", "blackhole",
};

#define UA	"mtastsd/" PACKAGE_VERSION

static const struct row rows[] = {
	{ .label = "STS-FETCH-1 200 text/plain from mta-sts.<domain>",
	    .domain = "ok.test", .fail = FAIL_NONE, .status = 200,
	    .body = "version: STSv1\nmode: enforce\n" },
	{ .label = "STS-FETCH-4 SNI and Host are mta-sts.<domain>, HTTP/1.1, "
	    "our User-Agent; STS-FETCH-16 no Accept-Encoding; STS-FETCH-7 no "
	    "conditional request",
	    .domain = "echo.test", .fail = FAIL_NONE, .status = 200,
	    .body = "sni=mta-sts.echo.test ua=" UA " ae= ims= inm= "
	    "proto=HTTP/1.1 uri=/.well-known/mta-sts.txt "
	    "host=mta-sts.echo.test:" },
	{ .label = "STS-POL-16 charset=utf-8 is fine",
	    .domain = "charset.test", .fail = FAIL_NONE, .status = 200,
	    .body = "version: STSv1" },
	{ .label = "STS-POL-16 charset=\"US-ASCII\", quoted, any case",
	    .domain = "ascii.test", .fail = FAIL_NONE, .status = 200,
	    .body = "version: STSv1" },
	{ .label = "STS-POL-16 TEXT/Plain in any case, other parameters "
	    "ignored", .domain = "upper.test", .fail = FAIL_NONE,
	    .status = 200, .body = "version: STSv1" },
	{ .label = "DEC-10 charset=iso-8859-1 is refused",
	    .domain = "latin1.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "charset is not utf-8 or us-ascii" },
	{ .label = "EDGE-30 DEC-10 text/html is refused",
	    .domain = "html.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "Content-Type \"text/html\": not text/plain" },
	{ .label = "EDGE-30 DEC-10 application/octet-stream is refused",
	    .domain = "octet.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "application/octet-stream" },
	{ .label = "DEC-10 text/plainx is not text/plain",
	    .domain = "plainx.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "not text/plain" },
	{ .label = "DEC-10 a malformed media type parameter is refused",
	    .domain = "badctype.test", .fail = FAIL_CONTENT_TYPE,
	    .status = 200, .reason = "malformed" },
	{ .label = "EDGE-30 DEC-10 no Content-Type is refused",
	    .domain = "noctype.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "no Content-Type" },
	{ .label = "EDGE-14 STS-FETCH-5 404", .domain = "s404.test",
	    .fail = FAIL_HTTP_STATUS, .status = 404,
	    .reason = "HTTP status 404" },
	{ .label = "EDGE-14 STS-FETCH-5 410", .domain = "s410.test",
	    .fail = FAIL_HTTP_STATUS, .status = 410,
	    .reason = "HTTP status 410" },
	{ .label = "EDGE-15 STS-FETCH-5 429", .domain = "s429.test",
	    .fail = FAIL_HTTP_STATUS, .status = 429,
	    .reason = "HTTP status 429" },
	{ .label = "EDGE-15 STS-FETCH-5 500", .domain = "s500.test",
	    .fail = FAIL_HTTP_STATUS, .status = 500,
	    .reason = "HTTP status 500" },
	{ .label = "STS-FETCH-5 204 is not 200", .domain = "s204.test",
	    .fail = FAIL_HTTP_STATUS, .status = 204,
	    .reason = "HTTP status 204" },
	{ .label = "STS-FETCH-5 206 is not 200", .domain = "s206.test",
	    .fail = FAIL_HTTP_STATUS, .status = 206,
	    .reason = "HTTP status 206" },
	{ .label = "EDGE-13 STS-FETCH-6 301 is not followed; Location shown",
	    .domain = "s301.test", .fail = FAIL_HTTP_STATUS, .status = 301,
	    .reason = "redirect to \"https://elsewhere.test/x\" not followed" },
	{ .label = "STS-FETCH-6 302 to the same host is not followed either",
	    .domain = "s302.test", .fail = FAIL_HTTP_STATUS, .status = 302,
	    .reason = "https://mta-sts.s302.test/.well-known/mta-sts.txt" },
	{ .label = "control bytes from the server are escaped in the reason",
	    .domain = "ctl.test", .srv = SRV_CTL, .fail = FAIL_HTTP_STATUS,
	    .status = 302, .reason = "https://x.test/\\x01\\x1b[31mred" },
	{ .label = "STS-FETCH-17 an empty 200 body comes back, len 0",
	    .domain = "empty.test", .fail = FAIL_NONE, .status = 200,
	    .body = "" },
	{ .label = "STS-FETCH-9 EDGE-17 Content-Length over max_size",
	    .domain = "big.test", .fail = FAIL_SIZE, .status = 200,
	    .reason = "body over 65536 bytes" },
	{ .label = "STS-FETCH-9 EDGE-17 no Content-Length (read until close),"
	    " over max_size: capped in the write callback",
	    .domain = "nocl.test", .srv = SRV_NOCL, .fail = FAIL_SIZE,
	    .status = 200,
	    .reason = "body over 65536 bytes, transfer aborted" },
	{ .label = "STS-FETCH-16 EDGE-16 a chunked body is de-chunked",
	    .domain = "chunked.test", .srv = SRV_CHUNKED, .fail = FAIL_NONE,
	    .status = 200,
	    .body = "version: STSv1\nmode: testing\nmx: mx.chunked.test\n"
	    "max_age: 86400\n" },
	{ .label = "STS-FETCH-9 EDGE-16 the cap counts de-chunked bytes",
	    .domain = "chunked.test", .srv = SRV_CHUNKED, .max_size = 40,
	    .fail = FAIL_SIZE, .status = 200, .reason = "body over 40 bytes" },
	{ .label = "STS-FETCH-9 a body of exactly max_size is fine",
	    .domain = "chunked.test", .srv = SRV_CHUNKED, .max_size = 64,
	    .fail = FAIL_NONE, .status = 200, .body = "max_age: 86400\n" },
	{ .label = "EDGE-45 STS-FETCH-16 a body shorter than Content-Length",
	    .domain = "trunc.test", .srv = SRV_TRUNC, .fail = FAIL_TCP,
	    .status = 200, .reason = "truncated" },
	{ .label = "EDGE-18 STS-FETCH-8 a slow body runs into the timeout",
	    .domain = "slow.test", .timeout_ms = 700, .fail = FAIL_TIMEOUT,
	    .status = 200, .reason = "timed out after 700 ms" },
	{ .label = "EDGE-31 DEC-14 Content-Encoding gzip, not asked for",
	    .domain = "gzip.test", .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "Content-Encoding \"gzip\" was not asked for" },
	{ .label = "DEC-14 Content-Encoding identity is no coding",
	    .domain = "identity.test", .fail = FAIL_NONE, .status = 200,
	    .body = "version: STSv1" },
	{ .label = "DEC-14 Transfer-Encoding gzip, not asked for",
	    .domain = "tegzip.test", .srv = SRV_TEGZIP,
	    .fail = FAIL_CONTENT_TYPE, .status = 200,
	    .reason = "Transfer-Encoding \"gzip, chunked\"" },
	{ .label = "a response that is not HTTP",
	    .domain = "weird.test", .srv = SRV_WEIRD, .fail = FAIL_HTTP_STATUS,
	    .status = 0, .reason = "bad HTTP response" },
	{ .label = "STS-FETCH-1 EDGE-11 STS-FETCH-14 a certificate for "
	    "another name", .domain = "wrongname.test",
	    .fail = FAIL_TLS_NAME, .status = 0,
	    .reason = "certificate not valid for mta-sts.wrongname.test" },
	{ .label = "STS-FETCH-2 EDGE-35 CN only, no SAN: the CN is not used",
	    .domain = "cnonly.test", .fail = FAIL_TLS_NAME, .status = 0,
	    .reason = "hostname mismatch" },
	{ .label = "STS-FETCH-3 *.wild.test covers mta-sts.wild.test",
	    .domain = "wild.test", .fail = FAIL_NONE, .status = 200,
	    .body = "version: STSv1" },
	{ .label = "STS-FETCH-3 mta*.pwild.test does not",
	    .domain = "pwild.test", .fail = FAIL_TLS_NAME, .status = 0,
	    .reason = "certificate not valid for mta-sts.pwild.test" },
	{ .label = "STS-FETCH-1 an expired certificate",
	    .domain = "expired.test", .fail = FAIL_TLS_EXPIRED, .status = 0,
	    .reason = "certificate has expired" },
	{ .label = "STS-FETCH-1 a certificate not yet valid",
	    .domain = "notyet.test", .fail = FAIL_TLS_EXPIRED, .status = 0,
	    .reason = "certificate is not yet valid" },
	{ .label = "STS-FETCH-1 a self-signed certificate",
	    .domain = "selfsigned.test", .fail = FAIL_TLS_UNTRUSTED,
	    .status = 0, .reason = "X509 error 18" },
	{ .label = "STS-FETCH-1 a certificate from an unknown CA",
	    .domain = "unknownca.test", .fail = FAIL_TLS_UNTRUSTED,
	    .status = 0, .reason = "X509 error 20" },
	{ .label = "STS-FETCH-1 ca_file is the whole trust: another CA fails",
	    .domain = "ok.test", .ca = CA_OTHER, .fail = FAIL_TLS_UNTRUSTED,
	    .status = 0, .reason = "unable to get local issuer" },
	{ .label = "STS-FETCH-1 the system store does not know our CA",
	    .domain = "ok.test", .ca = CA_SYSTEM, .fail = FAIL_TLS_UNTRUSTED,
	    .status = 0, .reason = "X509 error 20" },
	{ .label = "a missing ca_file is a local failure",
	    .domain = "ok.test", .ca = CA_MISSING, .fail = FAIL_INTERNAL,
	    .status = 0, .reason = "local error" },
	{ .label = "STS-FETCH-13 EDGE-34 DEC-13 a TLS 1.1-only server: "
	    "protocol_version alert", .domain = "tls11.test", .srv = SRV_TLS11,
	    .fail = FAIL_TLS_HANDSHAKE, .status = 0,
	    .reason = "alert protocol version" },
	{ .label = "STS-FETCH-13 a TLS 1.2-only server is fine",
	    .domain = "tls12.test", .srv = SRV_TLS12, .fail = FAIL_NONE,
	    .status = 200, .body = "version: STSv1" },
	{ .label = "a connection reset in the TLS handshake is TCP",
	    .domain = "rst.test", .srv = SRV_RST, .fail = FAIL_TCP,
	    .status = 0, .reason = "connection reset in TLS handshake" },
	{ .label = "EDGE-36 a close without alert in the handshake",
	    .domain = "fin.test", .srv = SRV_FIN, .fail = FAIL_TLS_HANDSHAKE,
	    .status = 0, .reason = "TLS handshake failed" },
	{ .label = "STS-FETCH-8 a TLS handshake that stalls runs into the "
	    "timeout", .domain = "silent.test", .srv = SRV_SILENT,
	    .timeout_ms = 500, .fail = FAIL_TIMEOUT, .status = 0,
	    .reason = "timed out after 500 ms" },
	{ .label = "a closed port: connect refused",
	    .domain = "closed.test", .srv = SRV_CLOSED, .fail = FAIL_TCP,
	    .status = 0, .reason = "connect failed (Connection refused)" },
	{ .label = "unanswered SYNs: connect timeout is TCP",
	    .domain = "blackhole.test", .srv = SRV_BLACKHOLE,
	    .connect_ms = 300, .fail = FAIL_TCP, .status = 0,
	    .reason = "connect timed out" },
	{ .label = "STS-FETCH-15 ::1 first (nothing there), then 127.0.0.1",
	    .domain = "ok.test", .addrs = ADDRS_V6_DEAD_FIRST,
	    .fail = FAIL_NONE, .status = 200, .body = "version: STSv1" },
	{ .label = "STS-FETCH-15 127.0.0.2 refused, then 127.0.0.1",
	    .domain = "ok.test", .addrs = ADDRS_V4_DEAD_FIRST,
	    .fail = FAIL_NONE, .status = 200, .body = "version: STSv1" },
	{ .label = "STS-FETCH-15 every address refused",
	    .domain = "ok.test", .addrs = ADDRS_ALL_DEAD, .fail = FAIL_TCP,
	    .status = 0, .reason = "connect failed" },
	{ .label = "EDGE-12 an IPv6-only policy host",
	    .domain = "v6.test", .srv = SRV_V6, .addrs = ADDRS_V6,
	    .fail = FAIL_NONE, .status = 200, .body = "version: STSv1" },
	{ .label = "a domain that cannot be in a URL is a local failure",
	    .domain = "bad/domain.test", .fail = FAIL_INTERNAL, .status = 0,
	    .reason = "invalid policy domain" },
	{ .label = "no address is a local failure",
	    .domain = "ok.test", .addrs = ADDRS_NONE, .fail = FAIL_INTERNAL,
	    .status = 0, .reason = "no address" },
};

/* A report POST. */
struct post_row {
	const char	*label;
	enum srv	 srv;		/* SRV_MAIN means SRV_POST */
	const char	*host;		/* NULL: localhost */
	const char	*path;		/* the back end's status */
	const char	*url;		/* used as is, if set */
	const char	*ctype;		/* NULL: application/tlsrpt+gzip */
	size_t		 size;		/* body bytes; 0: POST_SIZE */
	int		 empty;		/* an empty body */
	enum ca		 ca;
	unsigned	 timeout_ms;	/* 0: 5000 */
	enum fail_class	 fail;
	long		 status;
	const char	*reason;	/* substring */
	const char	*body;		/* the reply, exactly, on success */
	size_t		 len;		/* its length, if body is NULL */
	int		 logged;	/* nginx must have read the request */
	int		 strict;	/* post_local = 0 */
};

#define POST_SIZE	3000	/* over curl's 1 kB Expect threshold */
#define GZIP_TYPE	"application/tlsrpt+gzip"

static const struct post_row post_rows[] = {
	{ .label = "rua.h: with post_local off, a host on loopback is never "
	    "connected to", .path = "/200", .strict = 1, .fail = FAIL_TCP,
	    .reason = "not a public address" },
	{ .label = "RPT-21 POST: 201 is success; nginx got the Content-Type "
	    "and the body as sent, no Expect: 100-continue",
	    .path = "/201", .fail = FAIL_NONE, .status = 201, .body = "",
	    .logged = 1 },
	{ .label = "RPT-21 POST: 200 is success, its reply comes back",
	    .path = "/200", .fail = FAIL_NONE, .status = 200,
	    .body = "accepted\n", .logged = 1 },
	{ .label = "POST: 204 is success too", .path = "/204",
	    .fail = FAIL_NONE, .status = 204, .body = "", .logged = 1 },
	{ .label = "RPT-21 POST: application/tlsrpt+json is sent as given",
	    .path = "/200", .ctype = "application/tlsrpt+json",
	    .fail = FAIL_NONE, .status = 200, .body = "accepted\n",
	    .logged = 1 },
	{ .label = "POST: an empty body", .path = "/201", .empty = 1,
	    .fail = FAIL_NONE, .status = 201, .body = "", .logged = 1 },
	{ .label = "POST: a 300 kB body arrives whole", .path = "/200",
	    .size = 300000, .fail = FAIL_NONE, .status = 200,
	    .body = "accepted\n", .logged = 1 },
	{ .label = "POST: a reply over 4 KiB: its first 4096 bytes, the rest "
	    "unread, still success", .path = "/big", .fail = FAIL_NONE,
	    .status = 200, .len = 4096, .logged = 1 },
	{ .label = "RPT-21 POST: 500 is a failure with the status",
	    .path = "/500", .fail = FAIL_HTTP_STATUS, .status = 500,
	    .reason = "HTTP status 500", .logged = 1 },
	{ .label = "POST: 404 is a failure", .path = "/nothing",
	    .fail = FAIL_HTTP_STATUS, .status = 404,
	    .reason = "HTTP status 404" },
	{ .label = "POST: a 302 is not followed",
	    .path = "/302", .fail = FAIL_HTTP_STATUS, .status = 302,
	    .reason = "HTTP status 302, redirect to "
	    "\"https://elsewhere.test/report\" not followed" },
	{ .label = "POST: a 2xx whose reply does not end in time is a timeout",
	    .path = "/slow", .timeout_ms = 700, .fail = FAIL_TIMEOUT,
	    .status = 200, .reason = "timed out after 700 ms" },
	{ .label = "POST: a server that never answers: timeout",
	    .srv = SRV_SILENT, .host = "127.0.0.1", .path = "/",
	    .timeout_ms = 500, .fail = FAIL_TIMEOUT, .status = 0,
	    .reason = "timed out after 500 ms" },
	{ .label = "POST: an IPv4 literal URL", .host = "127.0.0.1",
	    .path = "/201", .fail = FAIL_NONE, .status = 201, .body = "",
	    .logged = 1 },
	{ .label = "POST: an IPv6 literal URL", .srv = SRV_POST6,
	    .host = "[::1]", .path = "/201", .fail = FAIL_NONE,
	    .status = 201, .body = "", .logged = 1 },
	{ .label = "POST: a certificate for another name",
	    .srv = SRV_POSTWRONG, .path = "/201", .fail = FAIL_TLS_NAME,
	    .status = 0, .reason = "certificate not valid for localhost" },
	{ .label = "POST: an IP literal that is not in the certificate",
	    .srv = SRV_POSTWRONG, .host = "127.0.0.1", .path = "/201",
	    .fail = FAIL_TLS_NAME, .status = 0,
	    .reason = "certificate not valid for 127.0.0.1" },
	{ .label = "POST: the certificate is verified against ca_file",
	    .path = "/201", .ca = CA_OTHER, .fail = FAIL_TLS_UNTRUSTED,
	    .status = 0, .reason = "unable to get local issuer" },
	{ .label = "POST: TLS 1.2 or newer", .srv = SRV_TLS11,
	    .host = "127.0.0.1", .path = "/",
	    .fail = FAIL_TLS_HANDSHAKE, .status = 0,
	    .reason = "alert protocol version" },
	{ .label = "POST: a closed port", .srv = SRV_CLOSED,
	    .host = "127.0.0.1", .path = "/", .fail = FAIL_TCP, .status = 0,
	    .reason = "connect failed (Connection refused)" },
	{ .label = "POST: an http: URL is refused",
	    .url = "http://127.0.0.1/x", .fail = FAIL_INTERNAL, .status = 0,
	    .reason = "not a printable https URL" },
	{ .label = "POST: a URL with a space is refused",
	    .url = "https://localhost/a b", .fail = FAIL_INTERNAL,
	    .status = 0, .reason = "not a printable https URL" },
	{ .label = "POST: a URL with a control byte is refused",
	    .url = "https://localhost/a\r\nb", .fail = FAIL_INTERNAL,
	    .status = 0, .reason = "not a printable https URL" },
	{ .label = "POST: a URL curl cannot parse",
	    .url = "https://localhost:99999/", .fail = FAIL_INTERNAL,
	    .status = 0, .reason = "bad URL" },
	{ .label = "POST: a Content-Type with CR LF is refused",
	    .path = "/201", .ctype = "application/x\r\nX-Evil: 1",
	    .fail = FAIL_INTERNAL, .status = 0,
	    .reason = "invalid Content-Type" },
};

static char		 dir[64];	/* /tmp/test_fetcher.XXXXXX */
static unsigned		 port[SRV_N];
static pid_t		 pids[MAX_PROCS];
static int		 npids;
static int		 have_v6;
static struct event_base *base;

static void	on_fetch(const struct fetch_result *, void *);

/* Ask the kernel for a free port (a race we accept in tests). */
static unsigned
free_port(int family)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl = sizeof(ss);
	unsigned		 p;
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sl = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*sin);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return 0;
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		close(fd);
		return 0;
	}
	p = ntohs(family == AF_INET6 ? sin6->sin6_port : sin->sin_port);
	close(fd);
	return p;
}

static int
try_connect(int family, unsigned p)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 fd, rc;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons((uint16_t)p);
		sl = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons((uint16_t)p);
		sl = sizeof(*sin);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&ss, sl);
	close(fd);
	return rc;
}

static int
wait_port(int family, unsigned p)
{
	struct timespec	ts = { 0, 20 * 1000 * 1000 };
	int		i;

	for (i = 0; i < 250; i++) {
		if (try_connect(family, p) == 0)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int
find_prog(const char *name, char *out, size_t outsz)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin",
	    "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin" };
	size_t	i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(out, outsz, "%s/%s", dirs[i], name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* Start args in cwd with output to log; remember the PID. */
static int
spawn(const char *cwd, const char *log, const char *const args[])
{
	char	*argv[16];
	pid_t	 pid;
	int	 fd, i;

	if (npids >= MAX_PROCS)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
#ifdef __linux__
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		if (chdir(cwd) == -1)
			_exit(127);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		for (i = 0; i < 15 && args[i] != NULL; i++)
			argv[i] = strdup(args[i]);
		argv[i] = NULL;
		execv(argv[0], argv);
		_exit(127);
	}
	pids[npids++] = pid;
	return 0;
}

static int
write_file(const char *path, const char *data, size_t len)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, fp) != len) {
		fclose(fp);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static int
write_fill(const char *path, int c, size_t len)
{
	char	*p;
	int	 rc;

	if ((p = malloc(len)) == NULL)
		return -1;
	memset(p, c, len);
	rc = write_file(path, p, len);
	free(p);
	return rc;
}

/* The PKI: private CAs and the certificates, by the openssl CLI. */
static const char pki_sh[] =
"set -e\n"
"cd \"$1\"\n"
"k() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"
" -out \"$1.key\" 2>/dev/null; }\n"
"ca() {\n"
"	k $1\n"
"	openssl req -x509 -new -key $1.key -subj \"/CN=$1\" -days 30 \\\n"
"	    -addext basicConstraints=critical,CA:TRUE \\\n"
"	    -addext keyUsage=critical,keyCertSign,cRLSign -out $1.crt\n"
"}\n"
"# leaf NAME CA SUBJECT SAN [STARTDATE ENDDATE]\n"
"leaf() {\n"
"	k $1\n"
"	openssl req -new -key $1.key -subj \"$3\" -out $1.csr\n"
"	{ echo basicConstraints=CA:FALSE; echo extendedKeyUsage=serverAuth\n"
"	  if [ -n \"$4\" ]; then echo \"subjectAltName=$4\"; fi; } > $1.ext\n"
"	if [ -n \"$5\" ]; then\n"
"		mkdir -p db.$1; : > db.$1/index; echo 01 > db.$1/serial\n"
"		printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=db.%s/index\\n"
"serial=db.%s/serial\\nnew_certs_dir=db.%s\\ndefault_md=sha256\\n"
"policy=p\\nunique_subject=no\\n[p]\\ncommonName=supplied\\n' $1 $1 $1 \\\n"
"		    > db.$1/ca.cnf\n"
"		openssl ca -batch -notext -config db.$1/ca.cnf \\\n"
"		    -cert $2.crt \\\n"
"		    -keyfile $2.key -in $1.csr -out $1.crt -extfile $1.ext \\\n"
"		    -startdate $5 -enddate $6 2>/dev/null\n"
"	else\n"
"		openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key \\\n"
"		    -CAcreateserial -days 30 -extfile $1.ext -out $1.crt"
" 2>/dev/null\n"
"	fi\n"
"}\n"
"ca ca\n"
"ca otherca\n"
"leaf good ca /CN=good \"$2\"\n"
"leaf wrongname ca /CN=mta-sts.wrongname.test DNS:provider.example.net\n"
"leaf post ca /CN=post DNS:localhost,IP:127.0.0.1,IP:::1\n"
"leaf expired ca /CN=x DNS:mta-sts.expired.test"
" 20200101000000Z 20200201000000Z\n"
"leaf notyet ca /CN=x DNS:mta-sts.notyet.test"
" 20900101000000Z 20900201000000Z\n"
"leaf unknownca otherca /CN=x DNS:mta-sts.unknownca.test\n"
"leaf cnonly ca /CN=mta-sts.cnonly.test ''\n"
"leaf wild ca /CN=x 'DNS:*.wild.test'\n"
"leaf pwild ca /CN=x 'DNS:mta*.pwild.test'\n"
"k selfsigned\n"
"openssl req -x509 -new -key selfsigned.key"
" -subj /CN=mta-sts.selfsigned.test -days 30"
" -addext subjectAltName=DNS:mta-sts.selfsigned.test -out selfsigned.crt\n";

static int
make_pki(void)
{
	char	 path[256], *cmd, *san;
	size_t	 i, sz = 8192;
	int	 rc;

	san = calloc(1, sz);
	cmd = calloc(1, sz + 512);
	if (san == NULL || cmd == NULL)
		return -1;
	for (i = 0; i < sizeof(vhosts) / sizeof(vhosts[0]); i++)
		if (vhosts[i].cert == NULL)
			snprintf(san + strlen(san), sz - strlen(san),
			    "%sDNS:mta-sts.%s.test", san[0] ? "," : "",
			    vhosts[i].name);
	for (i = 0; i < sizeof(raws) / sizeof(raws[0]); i++)
		snprintf(san + strlen(san), sz - strlen(san),
		    ",DNS:mta-sts.%s.test", raws[i].name);
	for (i = 0; i < sizeof(extra_names) / sizeof(extra_names[0]); i++)
		snprintf(san + strlen(san), sz - strlen(san),
		    ",DNS:mta-sts.%s.test", extra_names[i]);
	snprintf(path, sizeof(path), "%s/pki.sh", dir);
	if (write_file(path, pki_sh, sizeof(pki_sh) - 1) == -1)
		return -1;
	snprintf(cmd, sz + 512, "sh %s %s '%s' >%s/pki.log 2>&1",
	    path, dir, san, dir);
	rc = system(cmd);
	free(cmd);
	free(san);
	return rc == 0 ? 0 : -1;
}

/* The inside of a report POST server { } with certificate cert. */
static const char *
post_front(const char *cert)
{
	static char	buf[1024];

	snprintf(buf, sizeof(buf), "ssl_certificate %s/%s.crt; "
	    "ssl_certificate_key %s/%s.key; "
	    "access_log %s/post.log post; "
	    "client_max_body_size 4m; client_body_buffer_size 4m; "
	    "location = /big { proxy_method GET; "
	    "proxy_pass http://127.0.0.1:%u/big.txt; } "
	    "location = /slow { proxy_method GET; limit_rate 2k; "
	    "proxy_pass http://127.0.0.1:%u/slow.txt; } "
	    "location / { proxy_pass http://127.0.0.1:%u; }",
	    dir, cert, dir, cert, dir, port[SRV_BACK], port[SRV_BACK],
	    port[SRV_BACK]);
	return buf;
}

static int
make_nginx_conf(void)
{
	char	 path[256];
	FILE	*fp;
	size_t	 i;

	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fprintf(fp,
	    "daemon off;\nmaster_process off;\nworker_processes 1;\n"
	    "pid %s/nginx.pid;\nerror_log stderr warn;\n"
	    "events { worker_connections 64; }\n"
	    "http {\n"
	    "\taccess_log off;\n"
	    "\tclient_body_temp_path %s/tmp_body;\n"
	    "\tproxy_temp_path %s/tmp_proxy;\n"
	    "\tfastcgi_temp_path %s/tmp_fastcgi;\n"
	    "\tuwsgi_temp_path %s/tmp_uwsgi;\n"
	    "\tscgi_temp_path %s/tmp_scgi;\n"
	    "\troot %s/www;\n"
	    "\tdefault_type text/plain;\n"
	    "\tssl_certificate %s/good.crt;\n"
	    "\tssl_certificate_key %s/good.key;\n",
	    dir, dir, dir, dir, dir, dir, dir, dir, dir);
	for (i = 0; i < sizeof(vhosts) / sizeof(vhosts[0]); i++) {
		fprintf(fp, "\tserver { listen 127.0.0.1:%u ssl%s; "
		    "server_name mta-sts.%s.test;", port[SRV_MAIN],
		    i == 0 ? " default_server" : "", vhosts[i].name);
		if (vhosts[i].cert != NULL)
			fprintf(fp, " ssl_certificate %s/%s.crt;"
			    " ssl_certificate_key %s/%s.key;", dir,
			    vhosts[i].cert, dir, vhosts[i].cert);
		fprintf(fp, " %s }\n", vhosts[i].conf);
	}
	/*
	 * TLS 1.1 needs SECLEVEL=0 in OpenSSL 3; our client offers 1.2 and
	 * up, so this server answers with a protocol_version alert.
	 */
	fprintf(fp, "\tserver { listen 127.0.0.1:%u ssl; "
	    "ssl_protocols TLSv1.1; ssl_ciphers DEFAULT@SECLEVEL=0; "
	    "location / { try_files /policy.txt =404; } }\n",
	    port[SRV_TLS11]);
	fprintf(fp, "\tserver { listen 127.0.0.1:%u ssl; "
	    "ssl_protocols TLSv1.2; "
	    "location / { try_files /policy.txt =404; } }\n",
	    port[SRV_TLS12]);
	if (have_v6)
		fprintf(fp, "\tserver { listen [::1]:%u ssl; "
		    "location / { try_files /policy.txt =404; } }\n",
		    port[SRV_V6]);

	/*
	 * Report POSTs: nginx fills $request_body only when it reads the
	 * body, which proxy_pass does; a big buffer keeps it in memory.  The
	 * back end answers with the status the path names; /big and /slow
	 * serve files, fetched with GET since static files refuse POST.
	 */
	fprintf(fp, "\tlog_format post '$request_uri|$request_method|"
	    "$content_type|$content_length|$http_expect|$request_body';\n");
	fprintf(fp, "\tserver { listen 127.0.0.1:%u ssl;", port[SRV_POST]);
	if (have_v6)
		fprintf(fp, " listen [::1]:%u ssl;", port[SRV_POST6]);
	fprintf(fp, " %s }\n", post_front("post"));
	fprintf(fp, "\tserver { listen 127.0.0.1:%u ssl; %s }\n",
	    port[SRV_POSTWRONG], post_front("wrongname"));
	fprintf(fp, "\tserver { listen 127.0.0.1:%u; "
	    "location = /200 { return 200 \"accepted\\n\"; } "
	    "location = /201 { return 201; } "
	    "location = /204 { return 204; } "
	    "location = /500 { return 500; } "
	    "location = /302 { return 302 https://elsewhere.test/report; } "
	    "location / { return 404; } "
	    "location = /big.txt { } location = /slow.txt { } }\n",
	    port[SRV_BACK]);
	fprintf(fp, "}\n");
	return fclose(fp) == 0 ? 0 : -1;
}

static int
start_servers(void)
{
	static const char policy[] = "version: STSv1\nmode: enforce\n"
	    "mx: mx.ok.test\nmax_age: 86400\n";
	char	 nginx[128], openssl[128];
	char	 p[256], cwd[128], log[256];
	char	 accept[64], cert[256], key[256];
	size_t	 i;

	if (find_prog("nginx", nginx, sizeof(nginx)) == -1 ||
	    find_prog("openssl", openssl, sizeof(openssl)) == -1)
		return -1;

	snprintf(p, sizeof(p), "%s/www", dir);
	if (mkdir(p, 0755) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/www/policy.txt", dir);
	if (write_file(p, policy, sizeof(policy) - 1) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/www/empty.txt", dir);
	if (write_file(p, "", 0) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/www/big.txt", dir);
	if (write_fill(p, 'a', BIG_SIZE) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/www/slow.txt", dir);
	if (write_fill(p, 'b', SLOW_SIZE) == -1)
		return -1;
	if (make_nginx_conf() == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/nginx.conf", dir);
	snprintf(log, sizeof(log), "%s/nginx.log", dir);
	{
		const char *const argv[] = { nginx, "-p", dir, "-c", p,
		    "-e", "stderr", NULL };

		if (spawn(dir, log, argv) == -1)
			return -1;
	}

	snprintf(cert, sizeof(cert), "%s/good.crt", dir);
	snprintf(key, sizeof(key), "%s/good.key", dir);
	for (i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		snprintf(cwd, sizeof(cwd), "%s/raw.%s", dir, raws[i].name);
		snprintf(p, sizeof(p), "%s/.well-known", cwd);
		if (mkdir(cwd, 0755) == -1 || mkdir(p, 0755) == -1)
			return -1;
		snprintf(p, sizeof(p), "%s/.well-known/mta-sts.txt", cwd);
		if (raws[i].resp != NULL) {
			if (write_file(p, raws[i].resp,
			    strlen(raws[i].resp)) == -1)
				return -1;
		} else if (write_fill(p, 'c', BIG_SIZE) == -1)
			return -1;
		snprintf(accept, sizeof(accept), "127.0.0.1:%u",
		    port[raws[i].srv]);
		snprintf(log, sizeof(log), "%s/s_server.%s.log", dir,
		    raws[i].name);
		{
			const char *const argv[] = { openssl, "s_server",
			    "-quiet", raws[i].mode, "-accept", accept,
			    "-cert", cert, "-key", key, NULL };

			if (spawn(cwd, log, argv) == -1)
				return -1;
		}
	}

	if (wait_port(AF_INET, port[SRV_MAIN]) == -1 ||
	    wait_port(AF_INET, port[SRV_TLS11]) == -1 ||
	    wait_port(AF_INET, port[SRV_TLS12]) == -1 ||
	    (have_v6 && wait_port(AF_INET6, port[SRV_V6]) == -1) ||
	    wait_port(AF_INET, port[SRV_POST]) == -1 ||
	    (have_v6 && wait_port(AF_INET6, port[SRV_POST6]) == -1) ||
	    wait_port(AF_INET, port[SRV_POSTWRONG]) == -1 ||
	    wait_port(AF_INET, port[SRV_BACK]) == -1)
		return -1;
	for (i = 0; i < sizeof(raws) / sizeof(raws[0]); i++)
		if (wait_port(AF_INET, port[raws[i].srv]) == -1)
			return -1;
	return 0;
}

static void
show_logs(void)
{
	char	cmd[256];

	snprintf(cmd, sizeof(cmd), "cat %s/*.log >&2", dir);
	(void)system(cmd);
}

static int
group_teardown(void **state)
{
	char	cmd[256];
	int	i, st;

	for (i = 0; i < npids; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < npids; i++)
		(void)waitpid(pids[i], &st, 0);
	npids = 0;
	if (strncmp(dir, "/tmp/test_fetcher.", 18) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)system(cmd);
	}
	return 0;
}

static int
group_setup(void **state)
{
	int	i;

	snprintf(dir, sizeof(dir), "/tmp/test_fetcher.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* nginx may read as another user: nothing here is secret. */
	chmod(dir, 0755);
	have_v6 = free_port(AF_INET6) != 0;
	for (i = 0; i < SRV_N; i++) {
		if (i == SRV_V6 || i == SRV_POST6)
			port[i] = have_v6 ? free_port(AF_INET6) : 0;
		else if (i < SRV_RST)
			port[i] = free_port(AF_INET);
	}
	if (make_pki() == -1 || start_servers() == -1) {
		fprintf(stderr, "# setup failed in %s\n", dir);
		show_logs();
		group_teardown(state);
		return -1;
	}
	return 0;
}

/* In-process servers: RST or FIN once the ClientHello is in. */
static void
local_read(evutil_socket_t fd, short what, void *arg)
{
	struct local	*l = arg;
	struct linger	 lg = { 1, 0 };
	char		 buf[4096];
	int		 i;

	/* Linux resets a close with unread data: read it for a FIN. */
	if (l->kind == SRV_RST)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	else
		(void)read(fd, buf, sizeof(buf));
	for (i = 0; i < l->ncfd; i++)
		if (l->cfd[i] == fd) {
			event_free(l->cev[i]);
			l->cev[i] = NULL;
			close(fd);
			l->cfd[i] = -1;
		}
}

static void
local_accept(evutil_socket_t fd, short what, void *arg)
{
	struct local	*l = arg;
	int		 c;

	if ((c = accept(fd, NULL, NULL)) == -1)
		return;
	if (l->ncfd >= (int)(sizeof(l->cfd) / sizeof(l->cfd[0]))) {
		close(c);
		return;
	}
	l->cfd[l->ncfd] = c;
	if (l->kind != SRV_SILENT) {
		l->cev[l->ncfd] = event_new(base, c, EV_READ, local_read, l);
		event_add(l->cev[l->ncfd], NULL);
	}
	l->ncfd++;
}

static void
local_start(struct local *l, enum srv kind)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	int			i, c;

	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l->lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(getsockname(l->lfd, (struct sockaddr *)&sin, &sl),
	    0);
	port[kind] = ntohs(sin.sin_port);
	if (kind == SRV_BLACKHOLE) {
		/* Fill the accept queue; later SYNs are dropped. */
		assert_int_equal(listen(l->lfd, 0), 0);
		for (i = 0; i < 3; i++) {
			c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			(void)connect(c, (struct sockaddr *)&sin, sizeof(sin));
			l->cfd[l->ncfd++] = c;
		}
		return;
	}
	assert_int_equal(listen(l->lfd, 16), 0);
	l->ev = event_new(base, l->lfd, EV_READ | EV_PERSIST, local_accept, l);
	event_add(l->ev, NULL);
}

static void
local_stop(struct local *l)
{
	int	i;

	if (l->ev != NULL)
		event_free(l->ev);
	for (i = 0; i < l->ncfd; i++) {
		if (l->cev[i] != NULL)
			event_free(l->cev[i]);
		if (l->cfd[i] != -1)
			close(l->cfd[i]);
	}
	if (l->lfd > 0)
		close(l->lfd);
	memset(l, 0, sizeof(*l));
}

static void
set_addr(struct resolver_sockaddr *a, int family, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	assert_int_equal(inet_pton(family, s, a->addr), 1);
}

static size_t
make_addrs(enum addrs which, struct resolver_sockaddr *a)
{
	switch (which) {
	case ADDRS_V4:
		set_addr(&a[0], AF_INET, "127.0.0.1");
		return 1;
	case ADDRS_V6:
		set_addr(&a[0], AF_INET6, "::1");
		return 1;
	case ADDRS_V6_DEAD_FIRST:
		set_addr(&a[0], AF_INET6, "::1");
		set_addr(&a[1], AF_INET, "127.0.0.1");
		return 2;
	case ADDRS_V4_DEAD_FIRST:
		set_addr(&a[0], AF_INET, "127.0.0.2");
		set_addr(&a[1], AF_INET, "127.0.0.1");
		return 2;
	case ADDRS_ALL_DEAD:
		set_addr(&a[0], AF_INET6, "::1");
		set_addr(&a[1], AF_INET, "127.0.0.2");
		return 2;
	case ADDRS_NONE:
		set_addr(&a[0], AF_INET, "127.0.0.1");
		return 0;
	}
	return 0;
}

static void
on_fetch(const struct fetch_result *r, void *arg)
{
	struct got	*g = arg;

	g->n++;
	g->fail = r->fail;
	g->status = r->http_status;
	snprintf(g->reason, sizeof(g->reason), "%s", r->reason);
	snprintf(g->body, sizeof(g->body), "%.*s", (int)r->len, r->body);
	g->len = r->len;
	g->nul = r->body != NULL && r->body[r->len] == '\0';
	snprintf(g->ctype, sizeof(g->ctype), "%s",
	    r->content_type != NULL ? r->content_type : "(none)");
	snprintf(g->peer, sizeof(g->peer), "%s",
	    r->peer != NULL ? r->peer : "(none)");
	g->ms = r->ms;
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Run the loop until *n reaches want or ms pass. */
static void
run_until(const int *n, int want, int ms)
{
	struct event	*t;
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };
	int		 expired = 0;

	t = evtimer_new(base, deadline_cb, &expired);
	evtimer_add(t, &tv);
	while (!expired && (n == NULL || *n < want))
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
}

/* The test servers are on loopback: POSTs must be allowed there. */
static int	post_local = 1;

static struct fetcher *
new_fetcher(enum srv srv, unsigned timeout_ms, unsigned connect_ms,
    size_t max_size, const char *ca_file)
{
	struct fetcher_conf	 conf;
	struct fetcher		*fr;
	char			*cause = NULL;

	memset(&conf, 0, sizeof(conf));
	conf.ca_file = ca_file;
	conf.timeout_ms = timeout_ms != 0 ? timeout_ms : 5000;
	conf.connect_timeout_ms = connect_ms != 0 ? connect_ms : 2000;
	conf.max_size = max_size != 0 ? max_size : 65536;
	conf.port = port[srv];
	conf.post_local = post_local;
	fr = fetcher_new(base, &conf, &cause);
	if (fr == NULL)
		fail_msg("fetcher_new: %s", cause);
	return fr;
}

static int
setup(void **state)
{
	base = event_base_new();
	return base == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	event_base_free(base);
	base = NULL;
	return 0;
}

static void
test_row(void **state)
{
	const struct row		*r = *state;
	struct resolver_sockaddr	 a[4];
	struct fetcher			*fr;
	struct local			 l;
	struct got			 g;
	char				 ca[256];
	const char			*ca_file = ca;
	size_t				 n, i;

	if ((r->srv == SRV_V6 || r->addrs == ADDRS_V6) && !have_v6)
		skip();
	memset(&l, 0, sizeof(l));
	if (r->srv >= SRV_RST)
		local_start(&l, r->srv);
	switch (r->ca) {
	case CA_OURS:
		snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
		break;
	case CA_OTHER:
		snprintf(ca, sizeof(ca), "%s/otherca.crt", dir);
		break;
	case CA_SYSTEM:
		ca_file = NULL;
		break;
	case CA_MISSING:
		snprintf(ca, sizeof(ca), "%s/nonexistent.crt", dir);
		break;
	}
	fr = new_fetcher(r->srv, r->timeout_ms, r->connect_ms, r->max_size,
	    ca_file);
	memset(&g, 0, sizeof(g));
	n = make_addrs(r->addrs, a);
	assert_non_null(fetcher_get(fr, r->domain, a, n, on_fetch, &g));
	assert_int_equal(g.n, 0);		/* never synchronous */
	assert_int_equal(fetcher_active(fr), 1);
	run_until(&g.n, 1, WAIT_MS);
	print_message("# %s %ld %s | ctype %s peer %s %u ms len %zu\n",
	    fail_class_str(g.fail), g.status, g.reason, g.ctype, g.peer, g.ms,
	    g.len);
	assert_int_equal(g.n, 1);
	assert_int_equal(fetcher_active(fr), 0);
	assert_string_equal(fail_class_str(g.fail), fail_class_str(r->fail));
	assert_int_equal(g.status, r->status);
	assert_true(g.nul);
	for (i = 0; g.reason[i] != '\0'; i++)
		assert_true(g.reason[i] >= 0x20 && g.reason[i] < 0x7f);
	if (r->reason != NULL && strstr(g.reason, r->reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", g.reason, r->reason);
	if (r->fail == FAIL_NONE) {
		assert_string_equal(g.reason, "");
		assert_non_null(strstr(g.body, r->body));
		if (r->body[0] == '\0')
			assert_int_equal(g.len, 0);
		assert_string_not_equal(g.peer, "(none)");
	} else
		assert_int_equal(g.len, 0);
	/* More loop time: no second callback. */
	run_until(NULL, 0, 20);
	assert_int_equal(g.n, 1);
	fetcher_free(fr);
	local_stop(&l);
}

/* What a callback does to other fetches, for the re-entrancy tests. */
struct reenter {
	struct fetcher	*fr;
	struct fetch	*other;
	struct got	 g;
	struct got	 g2;
	int		 action;	/* 0 cancel, 1 free, 2 get */
};

static void
reenter_cb(const struct fetch_result *r, void *arg)
{
	struct reenter			*re = arg;
	struct resolver_sockaddr	 a;

	on_fetch(r, &re->g);
	switch (re->action) {
	case 0:
		fetcher_cancel(re->other);
		break;
	case 1:
		fetcher_free(re->fr);
		break;
	case 2:
		set_addr(&a, AF_INET, "127.0.0.1");
		re->other = fetcher_get(re->fr, "ok.test", &a, 1, on_fetch,
		    &re->g2);
		break;
	}
}

static const char *
our_ca(void)
{
	static char	ca[256];

	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	return ca;
}

static void
test_never_sync(void **state)
{
	struct resolver_sockaddr	 a;
	struct fetcher			*fr;
	struct got			 g1, g2;

	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	memset(&g1, 0, sizeof(g1));
	memset(&g2, 0, sizeof(g2));
	set_addr(&a, AF_INET, "127.0.0.1");
	assert_non_null(fetcher_get(fr, "ok.test", &a, 1, on_fetch, &g1));
	assert_non_null(fetcher_get(fr, "..", &a, 1, on_fetch, &g2));
	assert_int_equal(g1.n + g2.n, 0);
	assert_int_equal(fetcher_active(fr), 2);
	run_until(&g2.n, 1, WAIT_MS);
	assert_int_equal(g2.fail, FAIL_INTERNAL);
	run_until(&g1.n, 1, WAIT_MS);
	assert_int_equal(g1.n, 1);
	assert_int_equal(g2.n, 1);
	assert_int_equal(g1.fail, FAIL_NONE);
	assert_int_equal(fetcher_active(fr), 0);
	fetcher_free(fr);
}

static void
test_cancel_midway(void **state)
{
	struct resolver_sockaddr	 a;
	struct fetcher			*fr;
	struct fetch			*f;
	struct got			 g;

	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	f = fetcher_get(fr, "slow.test", &a, 1, on_fetch, &g);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	assert_int_equal(fetcher_active(fr), 1);
	fetcher_cancel(f);
	assert_int_equal(fetcher_active(fr), 0);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	fetcher_free(fr);
}

static void
test_cancel_at_once(void **state)
{
	struct resolver_sockaddr	 a;
	struct fetcher			*fr;
	struct got			 g;

	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	fetcher_cancel(fetcher_get(fr, "ok.test", &a, 1, on_fetch, &g));
	fetcher_cancel(fetcher_get(fr, "bad domain", &a, 1, on_fetch, &g));
	fetcher_cancel(NULL);
	assert_int_equal(fetcher_active(fr), 0);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	fetcher_free(fr);
	fetcher_free(NULL);
}

static void
test_free_in_flight(void **state)
{
	struct resolver_sockaddr	 a;
	struct fetcher			*fr;
	struct got			 g;

	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	/* Freed before the loop ever ran. */
	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	(void)fetcher_get(fr, "ok.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(fr, "bad domain", &a, 1, on_fetch, &g);
	fetcher_free(fr);
	/* Freed with transfers half done. */
	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	(void)fetcher_get(fr, "slow.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(fr, "slow.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(fr, "slow.test", &a, 1, on_fetch, &g);
	run_until(&g.n, 1, 100);
	assert_int_equal(g.n, 0);
	(void)fetcher_get(fr, "bad domain", &a, 1, on_fetch, &g);
	assert_int_equal(fetcher_active(fr), 4);
	fetcher_free(fr);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
}

static void
test_cancel_from_callback(void **state)
{
	struct resolver_sockaddr	 a;
	struct reenter			 re;
	struct got			 g;

	memset(&re, 0, sizeof(re));
	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	re.fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	re.action = 0;
	re.other = fetcher_get(re.fr, "slow.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(re.fr, "ok.test", &a, 1, reenter_cb, &re);
	run_until(&re.g.n, 1, WAIT_MS);
	assert_int_equal(re.g.n, 1);
	assert_int_equal(re.g.fail, FAIL_NONE);
	assert_int_equal(fetcher_active(re.fr), 0);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	fetcher_free(re.fr);
}

static void
test_free_from_callback(void **state)
{
	struct resolver_sockaddr	 a;
	struct reenter			 re;
	struct got			 g;

	memset(&re, 0, sizeof(re));
	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	re.fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	re.action = 1;
	(void)fetcher_get(re.fr, "slow.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(re.fr, "slow.test", &a, 1, on_fetch, &g);
	(void)fetcher_get(re.fr, "ok.test", &a, 1, reenter_cb, &re);
	run_until(&re.g.n, 1, WAIT_MS);
	assert_int_equal(re.g.n, 1);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
}

static void
test_free_from_local_failure(void **state)
{
	struct resolver_sockaddr	 a;
	struct reenter			 re;
	struct got			 g;

	memset(&re, 0, sizeof(re));
	memset(&g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	re.fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	re.action = 1;
	(void)fetcher_get(re.fr, "bad domain", &a, 1, reenter_cb, &re);
	(void)fetcher_get(re.fr, "ok.test", &a, 1, on_fetch, &g);
	run_until(&re.g.n, 1, WAIT_MS);
	assert_int_equal(re.g.n, 1);
	assert_int_equal(re.g.fail, FAIL_INTERNAL);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
}

static void
test_get_from_callback(void **state)
{
	struct resolver_sockaddr	 a;
	struct reenter			 re;

	memset(&re, 0, sizeof(re));
	set_addr(&a, AF_INET, "127.0.0.1");
	re.fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	re.action = 2;
	(void)fetcher_get(re.fr, "ok.test", &a, 1, reenter_cb, &re);
	run_until(&re.g.n, 1, WAIT_MS);
	assert_int_equal(re.g.n, 1);
	assert_non_null(re.other);
	assert_int_equal(re.g2.n, 0);
	assert_int_equal(fetcher_active(re.fr), 1);
	run_until(&re.g2.n, 1, WAIT_MS);
	assert_int_equal(re.g2.n, 1);
	assert_int_equal(re.g2.fail, FAIL_NONE);
	fetcher_free(re.fr);
}

static void
test_concurrent(void **state)
{
	struct resolver_sockaddr	 a[2];
	struct fetcher			*fr;
	struct got			 g[8];
	int				 i, done;

	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	memset(g, 0, sizeof(g));
	set_addr(&a[0], AF_INET, "127.0.0.1");
	set_addr(&a[1], AF_INET, "127.0.0.1");
	for (i = 0; i < 8; i++)
		(void)fetcher_get(fr, i % 2 ? "ok.test" : "charset.test", a,
		    (size_t)(i % 2) + 1, on_fetch, &g[i]);
	assert_int_equal(fetcher_active(fr), 8);
	for (done = 0; done < 8; ) {
		run_until(NULL, 0, 10);
		for (done = 0, i = 0; i < 8; i++)
			done += g[i].n;
		if (fetcher_active(fr) == 0)
			break;
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(g[i].n, 1);
		assert_int_equal(g[i].fail, FAIL_NONE);
		assert_non_null(strstr(g[i].body, "mx: mx.ok.test"));
	}
	fetcher_free(fr);
}

/* A report body: every byte value, starting like gzip. */
static unsigned char *
post_body(size_t n)
{
	unsigned char	*b;
	size_t		 i;

	b = malloc(n + 1);
	assert_non_null(b);
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 7 + i / 251);
	if (n >= 2) {
		b[0] = 0x1f;
		b[1] = 0x8b;
	}
	return b;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* nginx logs bytes outside 0x20..0x7e, '"' and '\\' as \xHH. */
static size_t
unescape(const char *s, unsigned char *out)
{
	size_t	n = 0;
	int	hi, lo;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == 'x' && (hi = hexval(s[2])) != -1 &&
		    (lo = hexval(s[3])) != -1) {
			out[n++] = (unsigned char)(hi * 16 + lo);
			s += 4;
		} else
			out[n++] = (unsigned char)*s++;
	}
	return n;
}

/* The access log line of uri, once nginx has written it; free it. */
static char *
post_log_line(const char *uri)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	char		 path[256], *line = NULL;
	size_t		 cap = 0, ulen = strlen(uri);
	ssize_t		 n;
	FILE		*fp;
	int		 i;

	snprintf(path, sizeof(path), "%s/post.log", dir);
	for (i = 0; i < 100; i++) {
		if ((fp = fopen(path, "r")) != NULL) {
			while ((n = getline(&line, &cap, fp)) != -1) {
				if ((size_t)n > ulen && strncmp(line, uri,
				    ulen) == 0 && line[ulen] == '|') {
					fclose(fp);
					line[strcspn(line, "\n")] = '\0';
					return line;
				}
			}
			fclose(fp);
		}
		nanosleep(&ts, NULL);
	}
	free(line);
	return NULL;
}

/* What nginx got: method, Content-Type, length, no Expect, the bytes. */
static void
check_post_log(const char *uri, const char *ctype,
    const unsigned char *body, size_t len)
{
	char		*line, *f[6], *p;
	unsigned char	*got;
	char		 clen[32];
	size_t		 n;
	int		 i;

	if ((line = post_log_line(uri)) == NULL)
		fail_msg("no log line for %s", uri);
	p = line;
	for (i = 0; i < 5; i++) {
		f[i] = p;
		if ((p = strchr(p, '|')) == NULL)
			fail_msg("short log line");
		*p++ = '\0';
	}
	f[5] = p;
	assert_string_equal(f[1], "POST");
	assert_string_equal(f[2], ctype);
	snprintf(clen, sizeof(clen), "%zu", len);
	assert_string_equal(f[3], clen);
	assert_string_equal(f[4], "-");
	got = malloc(strlen(f[5]) + 1);
	assert_non_null(got);
	n = strcmp(f[5], "-") == 0 ? 0 : unescape(f[5], got);
	assert_int_equal(n, len);
	assert_memory_equal(got, body, len);
	free(got);
	free(line);
}

static void
test_post_row(void **state)
{
	const struct post_row	*r = *state;
	enum srv		 srv = r->srv == SRV_MAIN ? SRV_POST : r->srv;
	struct fetcher		*fr;
	struct local		 l;
	struct got		 g;
	unsigned char		*body;
	const char		*ctype = r->ctype != NULL ? r->ctype : GZIP_TYPE;
	const char		*ca_file = NULL;
	char			 url[512], uri[256];
	size_t			 size, i;

	if (srv == SRV_POST6 && !have_v6)
		skip();
	memset(&l, 0, sizeof(l));
	if (srv >= SRV_RST)
		local_start(&l, srv);
	if (r->ca == CA_OTHER) {
		static char	other[256];

		snprintf(other, sizeof(other), "%s/otherca.crt", dir);
		ca_file = other;
	} else
		ca_file = our_ca();
	snprintf(uri, sizeof(uri), "%s?row=%d", r->path != NULL ? r->path :
	    "/", (int)(r - post_rows));
	if (r->url != NULL)
		snprintf(url, sizeof(url), "%s", r->url);
	else
		snprintf(url, sizeof(url), "https://%s:%u%s",
		    r->host != NULL ? r->host : "localhost", port[srv], uri);
	size = r->empty ? 0 : r->size != 0 ? r->size : POST_SIZE;
	body = post_body(size);

	post_local = !r->strict;
	fr = new_fetcher(srv, r->timeout_ms, 0, 0, ca_file);
	post_local = 1;
	memset(&g, 0, sizeof(g));
	assert_non_null(fetcher_post(fr, url, r->empty ? NULL : body, size,
	    ctype, on_fetch, &g));
	/* The body was copied; scribble over ours. */
	memset(body + (size > 2 ? 2 : size), 'X', size > 2 ? size - 2 : 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(fetcher_active(fr), 1);
	run_until(&g.n, 1, WAIT_MS);
	print_message("# %s %ld %s | ctype %s peer %s %u ms len %zu\n",
	    fail_class_str(g.fail), g.status, g.reason, g.ctype, g.peer, g.ms,
	    g.len);
	assert_int_equal(g.n, 1);
	assert_int_equal(fetcher_active(fr), 0);
	assert_string_equal(fail_class_str(g.fail), fail_class_str(r->fail));
	assert_int_equal(g.status, r->status);
	assert_true(g.nul);
	for (i = 0; g.reason[i] != '\0'; i++)
		assert_true(g.reason[i] >= 0x20 && g.reason[i] < 0x7f);
	if (r->reason != NULL && strstr(g.reason, r->reason) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", g.reason, r->reason);
	if (r->fail == FAIL_NONE) {
		assert_string_equal(g.reason, "");
		assert_string_not_equal(g.peer, "(none)");
		if (r->body != NULL) {
			assert_string_equal(g.body, r->body);
			assert_int_equal(g.len, strlen(r->body));
		} else {
			assert_int_equal(g.len, r->len);
			assert_int_equal(g.body[0], 'a');
		}
	} else
		assert_int_equal(g.len, 0);
	if (r->logged) {
		free(body);
		body = post_body(size);
		check_post_log(uri, ctype, body, size);
	}
	free(body);
	run_until(NULL, 0, 20);
	assert_int_equal(g.n, 1);
	fetcher_free(fr);
	local_stop(&l);
}

static void
post_url(char *url, size_t sz, const char *path)
{
	snprintf(url, sz, "https://localhost:%u%s", port[SRV_POST], path);
}

static void
test_post_cancel(void **state)
{
	struct fetcher	*fr;
	struct fetch	*f;
	struct got	 g;
	char		 url[256];

	fr = new_fetcher(SRV_POST, 0, 0, 0, our_ca());
	memset(&g, 0, sizeof(g));
	post_url(url, sizeof(url), "/slow");
	f = fetcher_post(fr, url, "x", 1, GZIP_TYPE, on_fetch, &g);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	assert_int_equal(fetcher_active(fr), 1);
	fetcher_cancel(f);
	assert_int_equal(fetcher_active(fr), 0);
	/* At once, and a POST refused up front. */
	post_url(url, sizeof(url), "/201");
	fetcher_cancel(fetcher_post(fr, url, "x", 1, GZIP_TYPE, on_fetch, &g));
	fetcher_cancel(fetcher_post(fr, "http://x/", "x", 1, GZIP_TYPE,
	    on_fetch, &g));
	assert_int_equal(fetcher_active(fr), 0);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
	fetcher_free(fr);
}

static void
test_post_free_in_flight(void **state)
{
	struct fetcher	*fr;
	struct got	 g;
	char		 url[256];

	memset(&g, 0, sizeof(g));
	fr = new_fetcher(SRV_POST, 0, 0, 0, our_ca());
	post_url(url, sizeof(url), "/slow");
	(void)fetcher_post(fr, url, "x", 1, GZIP_TYPE, on_fetch, &g);
	(void)fetcher_post(fr, url, "x", 1, GZIP_TYPE, on_fetch, &g);
	run_until(&g.n, 1, 100);
	(void)fetcher_post(fr, "http://x/", "x", 1, GZIP_TYPE, on_fetch, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(fetcher_active(fr), 3);
	fetcher_free(fr);
	run_until(&g.n, 1, 300);
	assert_int_equal(g.n, 0);
}

/* GETs and POSTs share the multi handle and the loop glue. */
static void
test_post_and_get(void **state)
{
	struct resolver_sockaddr	 a;
	struct fetcher			*fr;
	struct got			 g[8];
	char				 url[256];
	int				 i;

	fr = new_fetcher(SRV_MAIN, 0, 0, 0, our_ca());
	memset(g, 0, sizeof(g));
	set_addr(&a, AF_INET, "127.0.0.1");
	for (i = 0; i < 8; i++) {
		if (i % 2) {
			post_url(url, sizeof(url), i % 4 == 1 ? "/200" : "/500");
			(void)fetcher_post(fr, url, "report", 6, GZIP_TYPE,
			    on_fetch, &g[i]);
		} else
			(void)fetcher_get(fr, "ok.test", &a, 1, on_fetch,
			    &g[i]);
	}
	assert_int_equal(fetcher_active(fr), 8);
	while (fetcher_active(fr) > 0)
		run_until(NULL, 0, 10);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g[i].n, 1);
		if (i % 2 == 0) {
			assert_int_equal(g[i].fail, FAIL_NONE);
			assert_non_null(strstr(g[i].body, "mx: mx.ok.test"));
		} else if (i % 4 == 1) {
			assert_int_equal(g[i].fail, FAIL_NONE);
			assert_string_equal(g[i].body, "accepted\n");
		} else {
			assert_int_equal(g[i].fail, FAIL_HTTP_STATUS);
			assert_int_equal(g[i].status, 500);
		}
	}
	fetcher_free(fr);
}

#ifdef __linux__
/*
 * A network namespace with only lo, and a resolv.conf whose server takes
 * the queries and never answers: getaddrinfo() hangs for seconds.
 */
static int	dns_sock = -1;	/* takes the queries, never answers */

static int
slow_dns_world(void)
{
	static const char	resolv[] = "nameserver 127.0.0.1\n"
				    "options timeout:5 attempts:1\n";
	struct sockaddr_in	sin;
	struct ifreq		ifr;
	char			path[256];
	int			fd;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		return -1;
	close(fd);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((dns_sock = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(dns_sock, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	if (write_file(path, resolv, sizeof(resolv) - 1) == -1 ||
	    mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) == -1)
		return -1;
	return 0;
}

struct ticker {
	struct timespec	 last;
	long		 max_ms;
};

static long
ms_since(const struct timespec *t)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ticker	*t = arg;
	long		 gap = ms_since(&t->last);

	if (gap > t->max_ms)
		t->max_ms = gap;
	clock_gettime(CLOCK_MONOTONIC, &t->last);
}

/* The child: exit 0 if the loop never stalled, else a code per check. */
static void
slow_dns_child(void)
{
	struct timeval	 tv = { 0, 10 * 1000 };
	struct timespec	 t0;
	struct ticker	 t;
	struct event	*ev;
	struct fetcher	*fr;
	struct fetch	*f;
	struct got	 g;
	long		 ms, ms2;

	if (slow_dns_world() == -1)
		_exit(77);
	base = event_base_new();
	fr = new_fetcher(SRV_POST, 300, 0, 0, our_ca());
	memset(&t, 0, sizeof(t));
	clock_gettime(CLOCK_MONOTONIC, &t.last);
	ev = event_new(base, -1, EV_PERSIST, tick_cb, &t);
	event_add(ev, &tv);

	memset(&g, 0, sizeof(g));
	(void)fetcher_post(fr, "https://report.slow.test/x", "x", 1,
	    GZIP_TYPE, on_fetch, &g);
	run_until(&g.n, 1, 3000);
	run_until(NULL, 0, 50);		/* a stall shows at the next tick */
	fprintf(stderr, "# slow DNS: %s %s, %u ms, longest stall %ld ms\n",
	    fail_class_str(g.fail), g.reason, g.ms, t.max_ms);
	if (g.n != 1)
		_exit(1);
	if (g.fail != FAIL_HOST_DNS)
		_exit(2);
	if (g.ms > 1500 || t.max_ms > 200)
		_exit(3);

	f = fetcher_post(fr, "https://report.slow.test/y", "x", 1, GZIP_TYPE,
	    on_fetch, &g);
	run_until(NULL, 0, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fetcher_cancel(f);
	ms = ms_since(&t0);
	(void)fetcher_post(fr, "https://report.slow.test/z", "x", 1,
	    GZIP_TYPE, on_fetch, &g);
	run_until(NULL, 0, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fetcher_free(fr);
	ms2 = ms_since(&t0);
	fprintf(stderr, "# slow DNS: cancel took %ld ms, free %ld ms\n", ms,
	    ms2);
	if (ms > 100 || ms2 > 100 || g.n != 1)
		_exit(4);

	/* No server at all: the lookup fails at once. */
	close(dns_sock);
	fr = new_fetcher(SRV_POST, 3000, 0, 0, our_ca());
	memset(&g, 0, sizeof(g));
	(void)fetcher_post(fr, "https://report.slow.test/x", "x", 1,
	    GZIP_TYPE, on_fetch, &g);
	run_until(&g.n, 1, 5000);
	fprintf(stderr, "# no DNS: %s %s, %u ms\n", fail_class_str(g.fail),
	    g.reason, g.ms);
	if (g.n != 1 || g.fail != FAIL_HOST_DNS ||
	    strstr(g.reason, "cannot resolve report.slow.test") == NULL)
		_exit(5);
	fetcher_free(fr);
	event_free(ev);
	_exit(0);
}
#endif

/*
 * curl resolves a report host itself, in a thread: a lookup that hangs
 * must neither stall the loop nor make a timeout or cancel wait for it.
 */
static void
test_post_slow_dns(void **state)
{
#ifdef __linux__
	pid_t	pid;
	int	st;

	if (geteuid() != 0)
		skip();
	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0)
		slow_dns_child();
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
#else
	skip();
#endif
}

int
main(void)
{
	static struct table_tests	 tt;
	char				 prog[128];
	size_t				 i;
	int				 rc;

	if (find_prog("nginx", prog, sizeof(prog)) == -1 ||
	    find_prog("openssl", prog, sizeof(prog)) == -1) {
		printf("1..0 # SKIP nginx or openssl not installed\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init(1, 0, "test_fetcher");

	TABLE_ADD(&tt, rows, test_row);
	TABLE_ADD(&tt, post_rows, test_post_row);
#define FN(name, fn) table_add_fn(&tt, name, fn)
	FN("the callback never runs inside fetcher_get", test_never_sync);
	FN("cancel half way: no callback, nothing left", test_cancel_midway);
	FN("cancel right after fetcher_get", test_cancel_at_once);
	FN("fetcher_free with fetches in flight: no callbacks",
	    test_free_in_flight);
	FN("a callback cancels another fetch", test_cancel_from_callback);
	FN("a callback frees the fetcher", test_free_from_callback);
	FN("a local-failure callback frees the fetcher",
	    test_free_from_local_failure);
	FN("a callback starts a new fetch", test_get_from_callback);
	FN("STS-FETCH-15 eight fetches at once", test_concurrent);
	FN("POST: cancel half way, at once, and refused: no callback",
	    test_post_cancel);
	FN("POST: fetcher_free with POSTs in flight: no callbacks",
	    test_post_free_in_flight);
	FN("POSTs and GETs at once on one fetcher", test_post_and_get);
	FN("POST: a name lookup that hangs stalls neither the loop nor a "
	    "timeout or cancel", test_post_slow_dns);
#undef FN
	/* A fresh event base for every test. */
	for (i = 0; i < tt.n; i++) {
		tt.t[i].setup_func = setup;
		tt.t[i].teardown_func = teardown;
	}
	rc = _cmocka_run_group_tests("fetcher", tt.t, tt.n, group_setup,
	    group_teardown);
	log_flush();
	return rc;
}
