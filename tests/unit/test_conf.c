/*
 * test_conf.c: conf_parse(), the option table, conf_dump(), conf_load().
 *
 * Most cases are rows: config text in, then either an error (its line and a
 * piece of its text) or the value an option must end up with.  The rest
 * check the struct fields for listen, resolvers and overrides, the error
 * order and cap, the restart diff, the dump round trip and file loading.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tabletest.h"

#include "conf.h"


#define FILE_NAME	"t.conf"
#define NUM_ANY		(-1L)

#define A10	"aaaaaaaaaa"
#define A100	A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define DEF_LISTEN	"unix:" MTASTSD_SOCKET_DIR "/mtastsd.sock"

static int	 parse(const char *, size_t, struct conf **,
		    struct conf_errors *);
static int	 has_error(const struct conf_errors *, unsigned, const char *);
static void	 print_errors(const struct conf_errors *);
static void	 check_no_control(const struct conf_errors *);
static char	*fmt(const struct conf *, const char *);
static long	 num(const struct conf *, const char *);
static void	 confs_equal(const struct conf *, const struct conf *);
static char	*dump_str(const struct conf *);
static char	*repeat_lines(const char *, size_t, size_t *);
static char	*tmp_file(const char *, size_t);

static void	 test_row(void **);
static void	 test_errors(void **);
static void	 test_diff(void **);
static void	 test_dump(void **);
static void	 test_size(void **);

/* ------------------------------------------------------------- helpers */

static int
parse(const char *in, size_t len, struct conf **conf,
    struct conf_errors *errs)
{
	int	rc;

	memset(errs, 0, sizeof(*errs));
	rc = conf_parse(in, len, FILE_NAME, conf, errs);
	if (rc == 0) {
		assert_non_null(*conf);
		assert_int_equal(errs->n, 0);
	} else {
		assert_null(*conf);
		assert_true(errs->n > 0);
	}
	check_no_control(errs);
	return rc;
}

/* Some message is "t.conf:LINE: ...sub..." ("t.conf: " for line 0). */
static int
has_error(const struct conf_errors *errs, unsigned line, const char *sub)
{
	char	prefix[64];
	size_t	i;

	if (line == 0)
		snprintf(prefix, sizeof(prefix), "%s: ", FILE_NAME);
	else
		snprintf(prefix, sizeof(prefix), "%s:%u: ", FILE_NAME, line);
	for (i = 0; i < errs->n; i++)
		if (strncmp(errs->msg[i], prefix, strlen(prefix)) == 0 &&
		    strstr(errs->msg[i], sub) != NULL)
			return 1;
	return 0;
}

static void
print_errors(const struct conf_errors *errs)
{
	size_t	i;

	for (i = 0; i < errs->n; i++)
		print_message("# error: %s\n", errs->msg[i]);
}

/* No message may carry a raw control byte from the input. */
static void
check_no_control(const struct conf_errors *errs)
{
	size_t		 i;
	const char	*p;

	for (i = 0; i < errs->n; i++)
		for (p = errs->msg[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("control byte in \"%s\"",
				    errs->msg[i]);
}

static char *
fmt(const struct conf *conf, const char *name)
{
	const struct conf_option	*o;

	o = conf_option_find(name);
	assert_non_null(o);
	return conf_option_format(conf, o);
}

/* The raw integer field of a numeric, BOOL or ENUM option. */
static long
num(const struct conf *conf, const char *name)
{
	const struct conf_option	*o;
	const char			*p;

	o = conf_option_find(name);
	assert_non_null(o);
	p = (const char *)conf + o->offset;
	switch (o->type) {
	case CONF_T_UINT:
	case CONF_T_TIME:
	case CONF_T_SIZE:
	case CONF_T_MODE:
		return (long)*(const unsigned *)(const void *)p;
	case CONF_T_BOOL:
	case CONF_T_ENUM:
		return *(const int *)(const void *)p;
	default:
		fail_msg("%s is not numeric", name);
	}
	return 0;
}

/* Every option's value and every override are the same. */
static void
confs_equal(const struct conf *a, const struct conf *b)
{
	size_t	 i;
	char	*va, *vb;

	for (i = 0; i < conf_noptions; i++) {
		va = conf_option_format(a, &conf_options[i]);
		vb = conf_option_format(b, &conf_options[i]);
		if (strcmp(va, vb) != 0)
			fail_msg("%s: \"%s\" != \"%s\"", conf_options[i].name,
			    va, vb);
		free(va);
		free(vb);
	}
	assert_int_equal(a->nlisten, b->nlisten);
	assert_int_equal(a->nresolvers, b->nresolvers);
	assert_int_equal(a->noverrides, b->noverrides);
	for (i = 0; i < a->noverrides; i++) {
		assert_string_equal(a->overrides[i].domain,
		    b->overrides[i].domain);
		assert_int_equal(a->overrides[i].policy_len,
		    b->overrides[i].policy_len);
		if (a->overrides[i].policy == NULL)
			assert_null(b->overrides[i].policy);
		else
			assert_memory_equal(a->overrides[i].policy,
			    b->overrides[i].policy, a->overrides[i].policy_len);
	}
}

static char *
dump_str(const struct conf *conf)
{
	char	*s = NULL;
	size_t	 n = 0;
	FILE	*fp;

	fp = open_memstream(&s, &n);
	assert_non_null(fp);
	conf_dump(conf, fp);
	assert_int_equal(fclose(fp), 0);
	return s;
}

/* count copies of line, concatenated. */
static char *
repeat_lines(const char *line, size_t count, size_t *lenp)
{
	size_t	 l = strlen(line), i;
	char	*s;

	s = malloc(l * count + 1);
	assert_non_null(s);
	for (i = 0; i < count; i++)
		memcpy(s + i * l, line, l);
	s[l * count] = '\0';
	*lenp = l * count;
	return s;
}

/* A temp file holding buf[0..len); caller unlinks and frees the name. */
static char *
tmp_file(const char *buf, size_t len)
{
	char	*path;
	int	 fd;

	path = strdup("/tmp/test_conf.XXXXXX");
	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return path;
}

/* ------------------------------------------------------- the big table */

struct row {
	const char	*label;
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	const char	*err;		/* NULL: must parse */
	unsigned	 line;		/* of err */
	const char	*opt;		/* check this option after parsing */
	const char	*want;		/* its formatted value, or NULL */
	long		 num;		/* its raw value, or NUM_ANY */
	size_t		 nerrs;		/* exact error count, 0: any */
};

#define OK(l, i, o, w, n)	{ l, i, 0, NULL, 0, o, w, n, 0 }
#define BAD(l, i, ln, e)	{ l, i, 0, e, ln, NULL, NULL, NUM_ANY, 0 }
#define BAD1(l, i, ln, e)	{ l, i, 0, e, ln, NULL, NULL, NUM_ANY, 1 }
#define BADN(l, i, ln, e)	{ l, i, sizeof(i) - 1, e, ln, NULL, NULL, \
				    NUM_ANY, 1 }

static const struct row rows[] = {
	/* Defaults, each from an empty file. */
	OK("default listen is the unix socket in MTASTSD_SOCKET_DIR", "",
	    "listen", DEF_LISTEN, NUM_ANY),
	OK("default socket_mode is 0660", "", "socket_mode", "0660", 0660),
	OK("default socket_group is postfix", "", "socket_group", "postfix",
	    NUM_ANY),
	OK("default listen_remote is no", "", "listen_remote", "no", 0),
	OK("default max_connections is 1024", "", "max_connections", "1024",
	    1024),
	OK("default idle_timeout is 60 s", "", "idle_timeout", "1m", 60),
	OK("default user is MTASTSD_USER", "", "user", MTASTSD_USER, NUM_ANY),
	OK("default cache_dir is MTASTSD_CACHE_DIR", "", "cache_dir",
	    MTASTSD_CACHE_DIR, NUM_ANY),
	OK("default resolvers is empty (resolv.conf)", "", "resolvers", "",
	    NUM_ANY),
	OK("default ca_file is empty (system store)", "", "ca_file", "",
	    NUM_ANY),
	OK("default dane is auto", "", "dane", "auto", CONF_DANE_AUTO),
	OK("DEC-21 default dane_partial is sts", "", "dane_partial", "sts", 0),
	OK("dane_partial dane-only accepted", "dane_partial = dane-only",
	    "dane_partial", "dane-only", 1),
	BAD1("dane_partial must be sts or dane-only", "dane_partial = yes", 1,
	    "dane_partial"),
	OK("default control_socket is in MTASTSD_SOCKET_DIR", "",
	    "control_socket", MTASTSD_SOCKET_DIR "/control.sock", NUM_ANY),
	OK("DEC-11 default dns_timeout is 5 s", "", "dns_timeout", "5s", 5),
	OK("DEC-15 default txt_recheck_interval is 5 min", "",
	    "txt_recheck_interval", "5m", 300),
	OK("default negative_cache_ttl is 5 min", "", "negative_cache_ttl",
	    "5m", 300),
	OK("DEC-11 default lookup_deadline is 15 s", "", "lookup_deadline",
	    "15s", 15),
	OK("DEC-11 default fetch_timeout is 20 s", "", "fetch_timeout",
	    "20s", 20),
	OK("STS-FETCH-9 default fetch_max_size is 64 KiB", "",
	    "fetch_max_size", "64k", 65536),
	OK("default max_fetches is 64", "", "max_fetches", "64", 64),
	OK("default refresh_rate is 10", "", "refresh_rate", "10", 10),

	/* The engine's times may be as small as 1 s (tests run fast). */
	OK("txt_recheck_interval 1s accepted", "txt_recheck_interval = 1s",
	    "txt_recheck_interval", "1s", 1),
	OK("negative_cache_ttl 1s accepted", "negative_cache_ttl = 1",
	    "negative_cache_ttl", "1s", 1),
	OK("lookup_deadline 1s accepted", "lookup_deadline = 1s",
	    "lookup_deadline", "1s", 1),
	OK("fetch_timeout 1s accepted", "fetch_timeout = 1s", "fetch_timeout",
	    "1s", 1),
	BAD1("DEC-11 lookup_deadline over 1 minute refused",
	    "lookup_deadline = 61s", 1, "lookup_deadline"),
	BAD1("STS-FETCH-9 fetch_max_size over 1 MiB refused",
	    "fetch_max_size = 2m", 1, "fetch_max_size"),
	OK("refresh_rate 0 turns refresh off", "refresh_rate = 0",
	    "refresh_rate", "0", 0),
	OK("control_socket may be empty", "control_socket =",
	    "control_socket", "", NUM_ANY),

	/* TLSRPT (RPT-6, RPT-19). */
	OK("RPT default tlsrpt is no", "", "tlsrpt", "no", 0),
	OK("RPT default tlsrpt_socket", "", "tlsrpt_socket",
	    MTASTSD_SOCKET_DIR "/tlsrpt.sock", NUM_ANY),
	OK("RPT default sendmail_path", "", "sendmail_path",
	    "/usr/sbin/sendmail", NUM_ANY),
	OK("rua.h: POSTs to local addresses are refused by default", "",
	    "tlsrpt_post_local", "no", 0),
	OK("tlsrpt_post_local = yes allows them", "tlsrpt_post_local = yes",
	    "tlsrpt_post_local", "yes", 1),
	OK("RPT-5 default tlsrpt_send_delay is 4h", "", "tlsrpt_send_delay",
	    "4h", 14400),
	OK("RPT-5 tlsrpt_send_delay 0 sends at midnight",
	    "tlsrpt_send_delay = 0", "tlsrpt_send_delay", "0", 0),
	BAD1("RPT-5 tlsrpt_send_delay of a day refused",
	    "tlsrpt_send_delay = 1d", 1, "tlsrpt_send_delay"),
	OK("RPT-6 tlsrpt with organization and contact",
	    "tlsrpt = yes\ntlsrpt_organization = Example Mail\n"
	    "tlsrpt_contact = tlsrpt@example.net", "tlsrpt", "yes", 1),
	BAD1("RPT-6 tlsrpt = yes without tlsrpt_organization refused",
	    "tlsrpt = yes\ntlsrpt_contact = t@example.net", 1,
	    "tlsrpt = yes needs tlsrpt_organization"),
	BAD1("RPT-6 tlsrpt = yes without tlsrpt_contact refused",
	    "tlsrpt = yes\ntlsrpt_organization = X", 1,
	    "tlsrpt = yes needs tlsrpt_contact"),
	BAD1("RPT-6 a mailto: URI is not a plain contact address",
	    "tlsrpt_contact = mailto:t@example.net", 1,
	    "tlsrpt_contact: \"mailto:t@example.net\" is not a plain address"),
	BAD1("a contact with a blank is refused (it is a sendmail argument)",
	    "tlsrpt_contact = t @example.net", 1, "not a plain address"),
	BAD1("a contact starting with '-' is refused (sendmail option)",
	    "tlsrpt_contact = -oi@example.net", 1, "not a plain address"),
	BAD1("a contact without a domain is refused", "tlsrpt_contact = t@",
	    1, "not a plain address"),
	BAD1("RPT-19 tlsrpt_submitter must be a domain",
	    "tlsrpt_submitter = not a domain", 1,
	    "tlsrpt_submitter: \"not a domain\" is not a domain"),
	BAD1("RPT-19 the contact's domain must be a domain without a "
	    "submitter", "tlsrpt = yes\ntlsrpt_organization = X\n"
	    "tlsrpt_contact = t@bad_domain!", 3, "its domain is not a domain"),
	OK("RPT-19 a submitter makes any contact domain usable",
	    "tlsrpt = yes\ntlsrpt_organization = X\n"
	    "tlsrpt_contact = t@localhost\ntlsrpt_submitter = example.net",
	    "tlsrpt_submitter", "example.net", NUM_ANY),

	/* UINT: max_connections 1..65536. */
	OK("UINT min 1 accepted", "max_connections = 1", "max_connections",
	    "1", 1),
	OK("UINT max 65536 accepted", "max_connections = 65536",
	    "max_connections", "65536", 65536),
	OK("UINT leading zeros are decimal", "max_connections = 00012",
	    "max_connections", "12", 12),
	OK("UINT value is trimmed", "max_connections =   42  \t",
	    "max_connections", "42", 42),
	BAD1("UINT 0 below min refused", "max_connections = 0", 1,
	    "max_connections: \"0\" is out of range 1..65536"),
	BAD1("UINT max+1 65537 refused", "max_connections = 65537", 1,
	    "out of range 1..65536"),
	BAD1("UINT 2^64 overflow refused as out of range",
	    "max_connections = 18446744073709551616", 1, "out of range"),
	BAD1("UINT 40 digits overflow refused",
	    "max_connections = 9999999999999999999999999999999999999999", 1,
	    "out of range"),
	BAD1("UINT negative refused", "max_connections = -1", 1,
	    "is not a decimal number"),
	BAD1("UINT plus sign refused", "max_connections = +5", 1,
	    "is not a decimal number"),
	BAD1("UINT hex refused", "max_connections = 0x10", 1,
	    "is not a decimal number"),
	BAD1("UINT with unit refused", "max_connections = 1k", 1,
	    "is not a decimal number"),
	BAD1("UINT inner space refused", "max_connections = 4 2", 1,
	    "is not a decimal number"),
	BAD1("UINT empty refused", "max_connections =", 1,
	    "is not a decimal number"),

	/* TIME: idle_timeout 1s..1h. */
	OK("TIME 5m is 300 s", "idle_timeout = 5m", "idle_timeout", "5m", 300),
	OK("TIME without unit is seconds", "idle_timeout = 90",
	    "idle_timeout", "90s", 90),
	OK("TIME 1s is the min", "idle_timeout = 1s", "idle_timeout", "1s", 1),
	OK("TIME 1h is the max", "idle_timeout = 1h", "idle_timeout", "1h",
	    3600),
	OK("TIME 3600 is the max in seconds", "idle_timeout = 3600",
	    "idle_timeout", "1h", 3600),
	OK("TIME 60m is 1h", "idle_timeout = 60m", "idle_timeout", "1h", 3600),
	BAD1("TIME 3601 is max+1", "idle_timeout = 3601", 1,
	    "idle_timeout: \"3601\" is out of range 1s..1h"),
	BAD1("TIME 61m is above max", "idle_timeout = 61m", 1, "out of range"),
	BAD1("TIME 0 is below min", "idle_timeout = 0", 1, "out of range"),
	BAD1("TIME 0s is below min", "idle_timeout = 0s", 1, "out of range"),
	BAD1("TIME 1d is above max", "idle_timeout = 1d", 1, "out of range"),
	BAD1("TIME 1w is above max", "idle_timeout = 1w", 1, "out of range"),
	BAD1("TIME digits overflow refused",
	    "idle_timeout = 18446744073709551616s", 1, "out of range"),
	BAD1("TIME unit multiplication overflow refused",
	    "idle_timeout = 99999999999999999w", 1, "out of range"),
	BAD1("TIME unknown unit x refused", "idle_timeout = 5x", 1,
	    "is not a time"),
	BAD1("TIME upper-case unit refused", "idle_timeout = 5M", 1,
	    "is not a time"),
	BAD1("TIME unit alone refused", "idle_timeout = m", 1,
	    "is not a time"),
	BAD1("TIME two units refused", "idle_timeout = 5ms", 1,
	    "is not a time"),
	BAD1("TIME space before unit refused", "idle_timeout = 30 s", 1,
	    "is not a time"),
	BAD1("TIME negative refused", "idle_timeout = -5", 1,
	    "is not a time"),

	/* MODE: socket_mode, octal 0..0777. */
	OK("MODE 0660", "socket_mode = 0660", "socket_mode", "0660", 0660),
	OK("MODE leading 0 optional", "socket_mode = 660", "socket_mode",
	    "0660", 0660),
	OK("MODE 0 is the min", "socket_mode = 0", "socket_mode", "0000", 0),
	OK("MODE 0777 is the max", "socket_mode = 0777", "socket_mode",
	    "0777", 0777),
	OK("MODE many leading zeros", "socket_mode = 00000000000000000000660",
	    "socket_mode", "0660", 0660),
	BAD1("MODE 01000 is max+1", "socket_mode = 01000", 1,
	    "socket_mode: \"01000\" is out of range 0..0777"),
	BAD1("MODE digit 8 refused", "socket_mode = 0680", 1,
	    "is not an octal mode"),
	BAD1("MODE symbolic refused", "socket_mode = rw", 1,
	    "is not an octal mode"),
	BAD1("MODE overflow refused", "socket_mode = 7777777777777777777777777",
	    1, "out of range"),
	BAD1("MODE sign refused", "socket_mode = -0660", 1,
	    "is not an octal mode"),

	/* BOOL: listen_remote. */
	OK("BOOL yes", "listen_remote = yes", "listen_remote", "yes", 1),
	OK("BOOL no", "listen_remote = no", "listen_remote", "no", 0),
	BAD1("BOOL YES (case) refused", "listen_remote = YES", 1,
	    "listen_remote: \"YES\" is not yes or no"),
	BAD1("BOOL true refused", "listen_remote = true", 1,
	    "is not yes or no"),
	BAD1("BOOL 1 refused", "listen_remote = 1", 1, "is not yes or no"),
	BAD1("BOOL empty refused", "listen_remote =", 1, "is not yes or no"),

	/* ENUM: dane. */
	OK("ENUM dane auto", "dane = auto", "dane", "auto", CONF_DANE_AUTO),
	OK("ENUM dane yes", "dane = yes", "dane", "yes", CONF_DANE_YES),
	OK("ENUM dane no", "dane = no", "dane", "no", CONF_DANE_NO),
	BAD1("ENUM unknown choice lists the choices", "dane = maybe", 1,
	    "dane: \"maybe\" is not one of auto, yes, no"),
	BAD1("ENUM case matters", "dane = Auto", 1, "is not one of"),

	/* STRING and PATH. */
	OK("STRING empty socket_group leaves the group", "socket_group =",
	    "socket_group", "", NUM_ANY),
	OK("STRING trimmed", "socket_group =  \tmail \t ", "socket_group",
	    "mail", NUM_ANY),
	OK("STRING '#' inside a value is kept (Postfix)",
	    "socket_group = a # b", "socket_group", "a # b", NUM_ANY),
	OK("STRING '=' inside a value is kept", "socket_group = a=b",
	    "socket_group", "a=b", NUM_ANY),
	OK("STRING UTF-8 value kept", "socket_group = gr\xc3\xbcppe",
	    "socket_group", "gr\xc3\xbcppe", NUM_ANY),
	OK("STRING empty user means do not change user", "user =", "user", "",
	    NUM_ANY),
	OK("PATH absolute cache_dir", "cache_dir = /var/cache/mtastsd",
	    "cache_dir", "/var/cache/mtastsd", NUM_ANY),
	OK("PATH empty ca_file", "ca_file =", "ca_file", "", NUM_ANY),
	OK("PATH ca_file set", "ca_file = /etc/ssl/certs/ca-certificates.crt",
	    "ca_file", "/etc/ssl/certs/ca-certificates.crt", NUM_ANY),
	BAD1("PATH relative cache_dir refused", "cache_dir = var/lib", 1,
	    "cache_dir: \"var/lib\" is not an absolute path"),
	BAD1("PATH relative ca_file refused", "ca_file = ca.pem", 1,
	    "ca_file: \"ca.pem\" is not an absolute path"),
	BAD1("DEC-20 dnssec_trust_anchor is gone: AD from loopback is "
	    "trusted", "dnssec_trust_anchor = /usr/share/dns/root.key", 1,
	    "unknown option"),

	/* LISTEN. */
	OK("listen unix path", "listen = unix:/run/x.sock", "listen",
	    "unix:/run/x.sock", NUM_ANY),
	OK("listen inet:PORT means 127.0.0.1", "listen = inet:10025", "listen",
	    "inet:127.0.0.1:10025", NUM_ANY),
	OK("listen inet v4 loopback", "listen = inet:127.0.0.1:25", "listen",
	    "inet:127.0.0.1:25", NUM_ANY),
	OK("listen inet 127.0.0.0/8 is loopback", "listen = inet:127.9.8.7:25",
	    "listen", "inet:127.9.8.7:25", NUM_ANY),
	OK("listen inet [::1]", "listen = inet:[::1]:10025", "listen",
	    "inet:[::1]:10025", NUM_ANY),
	OK("listen inet v4-mapped loopback",
	    "listen = inet:[::ffff:127.0.0.1]:25",
	    "listen", "inet:[::ffff:127.0.0.1]:25", NUM_ANY),
	OK("listen port 65535", "listen = inet:65535", "listen",
	    "inet:127.0.0.1:65535", NUM_ANY),
	OK("listen list with comma and blanks",
	    "listen = unix:/a, inet:10025\tunix:/b", "listen",
	    "unix:/a, inet:127.0.0.1:10025, unix:/b", NUM_ANY),
	OK("listen empty elements skipped", "listen = ,unix:/a,,unix:/b,",
	    "listen", "unix:/a, unix:/b", NUM_ANY),
	OK("listen remote v4 allowed with listen_remote = yes before",
	    "listen_remote = yes\nlisten = inet:192.0.2.1:25", "listen",
	    "inet:192.0.2.1:25", NUM_ANY),
	OK("listen remote v4 allowed with listen_remote = yes after",
	    "listen = inet:192.0.2.1:25\nlisten_remote = yes", "listen",
	    "inet:192.0.2.1:25", NUM_ANY),
	OK("listen remote v6 allowed with listen_remote = yes",
	    "listen = inet:[2001:db8::1]:25\nlisten_remote = yes", "listen",
	    "inet:[2001:db8::1]:25", NUM_ANY),
	OK("listen 16 elements is the max",
	    "listen = inet:1 inet:2 inet:3 inet:4 inet:5 inet:6 inet:7 inet:8 "
	    "inet:9 inet:10 inet:11 inet:12 inet:13 inet:14 inet:15 inet:16",
	    NULL, NULL, NUM_ANY),
	OK("listen unix path of 107 bytes fits sun_path",
	    "listen = unix:/" A100 "aaaaaa", NULL, NULL, NUM_ANY),
	BAD1("listen 17 elements refused",
	    "listen = inet:1 inet:2 inet:3 inet:4 inet:5 inet:6 inet:7 inet:8 "
	    "inet:9 inet:10 inet:11 inet:12 inet:13 inet:14 inet:15 inet:16 "
	    "inet:17", 1, "listen: more than 16 addresses"),
	BAD1("listen unix path of 108 bytes refused",
	    "listen = unix:/" A100 "aaaaaaa", 1, "longer than 107 bytes"),
	BAD1("listen remote v4 refused without listen_remote",
	    "listen = inet:192.0.2.1:25", 1,
	    "\"inet:192.0.2.1:25\" is not a loopback address"),
	BAD1("listen remote refused with listen_remote = no after",
	    "listen = inet:192.0.2.1:25\nlisten_remote = no", 1,
	    "set listen_remote = yes"),
	BAD1("listen remote v6 refused", "\nlisten = inet:[2001:db8::1]:25", 2,
	    "not a loopback address"),
	BAD1("listen 0.0.0.0 is remote", "listen = inet:0.0.0.0:25", 1,
	    "not a loopback address"),
	BAD1("listen [::] is remote", "listen = inet:[::]:25", 1,
	    "not a loopback address"),
	BAD1("listen empty refused", "listen =", 1,
	    "listen: needs at least 1 address"),
	BAD1("listen only commas refused", "listen = , ,", 1,
	    "needs at least 1 address"),
	BAD1("listen unix relative refused", "listen = unix:run/x", 1,
	    "must be absolute"),
	BAD1("listen unix: without path refused", "listen = unix:", 1,
	    "expected unix:/path or inet:[host:]port"),
	BAD1("listen unknown scheme refused", "listen = tcp:25", 1,
	    "expected unix:/path or inet:[host:]port"),
	BAD1("listen host name refused (no DNS)", "listen = inet:localhost:25",
	    1, "not a numeric IPv4 address"),
	BAD1("listen port 0 refused", "listen = inet:0", 1,
	    "port must be a number 1..65535"),
	BAD1("listen port 65536 refused", "listen = inet:65536", 1,
	    "port must be a number"),
	BAD1("listen service name refused", "listen = inet:127.0.0.1:smtp", 1,
	    "port must be a number"),
	BAD1("listen empty port refused", "listen = inet:127.0.0.1:", 1,
	    "port must be a number"),
	BAD1("listen bare v6 refused", "listen = inet:::1:25", 1,
	    "in brackets"),
	BAD1("listen [v6] without port refused", "listen = inet:[::1]", 1,
	    "expected inet:[v6]:port"),
	BAD1("listen [v6]port without colon refused", "listen = inet:[::1]25",
	    1, "expected inet:[v6]:port"),
	BAD1("listen bad v6 refused", "listen = inet:[fe80::1%eth0]:25", 1,
	    "not a numeric IPv6 address"),
	BAD1("listen v4 in brackets refused", "listen = inet:[127.0.0.1]:25",
	    1, "not a numeric IPv6 address"),
	BAD1("listen same unix path twice refused",
	    "listen = unix:/a unix:/a", 1, "\"unix:/a\" repeats \"unix:/a\""),
	BAD1("listen same inet socket twice refused",
	    "listen = inet:25, inet:127.0.0.1:25", 1, "repeats"),

	/* ADDRS: resolvers. */
	OK("resolvers IPv4", "resolvers = 192.0.2.53", "resolvers",
	    "192.0.2.53", NUM_ANY),
	OK("resolvers IPv4@port", "resolvers = 192.0.2.53@5353", "resolvers",
	    "192.0.2.53@5353", NUM_ANY),
	OK("resolvers IPv6", "resolvers = 2001:db8::53", "resolvers",
	    "2001:db8::53", NUM_ANY),
	OK("resolvers IPv6@port", "resolvers = 2001:DB8::53@5353", "resolvers",
	    "2001:db8::53@5353", NUM_ANY),
	OK("resolvers @53 is the default port", "resolvers = 192.0.2.53@53",
	    "resolvers", "192.0.2.53", NUM_ANY),
	OK("resolvers comma and space separated",
	    "resolvers = 192.0.2.1, 192.0.2.2 ::1,192.0.2.3", "resolvers",
	    "192.0.2.1, 192.0.2.2, ::1, 192.0.2.3", NUM_ANY),
	OK("resolvers 8 is the max",
	    "resolvers = ::1 ::2 ::3 ::4 ::5 ::6 ::7 ::8", NULL, NULL, NUM_ANY),
	BAD1("resolvers 9 refused",
	    "resolvers = ::1 ::2 ::3 ::4 ::5 ::6 ::7 ::8 ::9", 1,
	    "resolvers: more than 8 addresses"),
	BAD1("resolvers host name refused", "resolvers = dns.example", 1,
	    "expected a numeric IPv4 or IPv6 address"),
	BAD1("resolvers port 0 refused", "resolvers = 192.0.2.1@0", 1,
	    "port must be a number 1..65535"),
	BAD1("resolvers port 65536 refused", "resolvers = 192.0.2.1@65536", 1,
	    "port must be a number"),
	BAD1("resolvers empty port refused", "resolvers = 192.0.2.1@", 1,
	    "port must be a number"),
	BAD1("resolvers two @ refused", "resolvers = 192.0.2.1@53@53", 1,
	    "port must be a number"),
	BAD1("resolvers bracketed v6 refused", "resolvers = [::1]", 1,
	    "expected a numeric"),
	BAD1("resolvers 256.1.1.1 refused", "resolvers = 256.1.1.1", 1,
	    "expected a numeric"),
	BAD1("resolvers @port alone refused", "resolvers = @53", 1,
	    "expected a numeric"),

	/* Syntax. */
	OK("comment line ignored", "# user = nobody\nuser = x", "user", "x",
	    NUM_ANY),
	OK("indented comment ignored", "  # hi\nuser=x", "user", "x", NUM_ANY),
	OK("blank and whitespace-only lines ignored",
	    "\n\n \t \nuser = x\n\n", "user", "x", NUM_ANY),
	OK("CRLF line endings", "user = x\r\nsocket_group = y\r\n", "user",
	    "x", NUM_ANY),
	OK("CRLF on the last line without LF", "user = x\r", "user", "x",
	    NUM_ANY),
	OK("last line without newline", "user = x", "user", "x", NUM_ANY),
	OK("no blanks around '='", "user=bob", "user", "bob", NUM_ANY),
	OK("continuation joins with one space",
	    "socket_group = a\n   \t b\n c", "socket_group", "a b c",
	    NUM_ANY),
	OK("continuation of a list",
	    "resolvers = 192.0.2.1,\n  192.0.2.2\n", "resolvers",
	    "192.0.2.1, 192.0.2.2", NUM_ANY),
	OK("continuation across a comment line (Postfix readlline)",
	    "socket_group = a\n# c\n  b", "socket_group", "a b", NUM_ANY),
	OK("continuation across a blank line (Postfix readlline)",
	    "socket_group = a\n\n  b", "socket_group", "a b", NUM_ANY),
	OK("'=' on a continuation line", "user\n  = bob", "user", "bob",
	    NUM_ANY),
	OK("value on a continuation line", "user =\n\tbob", "user", "bob",
	    NUM_ANY),
	OK("CRLF continuation", "socket_group = a\r\n  b\r\n", "socket_group",
	    "a b", NUM_ANY),
	OK("line of exactly CONF_LINE_MAX bytes is fine",
	    "socket_group = " A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A10 A10 A10 A10 A10 A10 A10 A10 "a",
	    NULL, NULL, NUM_ANY),
	BAD1("line of CONF_LINE_MAX+1 bytes refused",
	    "socket_group = " A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 A100 A100 A10 A10 A10 A10 A10 A10 A10 A10 "aa", 1,
	    "line longer than 4096 bytes"),
	BAD1("continuation before any line", "  user = x", 1,
	    "continuation line without an option line before it"),
	BAD1("continuation after only comments", "# x\n\n  user = y", 3,
	    "continuation line without"),
	BAD1("missing '='", "user bob", 1, "missing '='"),
	BAD1("missing '=' on line 2", "user = a\nsocket_group", 2,
	    "missing '='"),
	BAD1("missing name", " \n= x", 2, "missing option name"),
	BADN("NUL byte refused", "user = a\0b\nsocket_group = x", 1,
	    "NUL byte"),
	BADN("NUL byte in a comment refused", "# a\0b\n", 1, "NUL byte"),
	BADN("NUL byte alone on a line refused", "user = a\n\0\n  x", 2,
	    "NUL byte"),
	BAD1("invalid UTF-8 byte refused", "user = \xff", 1, "invalid UTF-8"),
	BAD1("overlong UTF-8 refused", "user = \xc0\xaf", 1, "invalid UTF-8"),
	BAD1("UTF-16 surrogate refused", "user = \xed\xa0\x80", 1,
	    "invalid UTF-8"),
	BAD1("code point above U+10FFFF refused", "user = \xf4\x90\x80\x80", 1,
	    "invalid UTF-8"),
	BAD1("truncated UTF-8 refused", "user = \xe2\x82", 1, "invalid UTF-8"),
	BAD1("invalid UTF-8 in a comment refused", "# caf\xe9\nuser = x", 1,
	    "invalid UTF-8"),
	BAD1("control character escaped in the message",
	    "user = a\x1b[31m", 1, "control character \\x1b"),
	BAD1("lone CR inside a line refused", "user = a\rb", 1,
	    "control character \\x0d"),
	BAD1("bad line's continuation dropped silently",
	    "user = \xff\n  more\nsocket_group = x", 1, "invalid UTF-8"),
	BAD1("bad continuation drops the logical line",
	    "user = \n  \xff\nsocket_group = x", 2, "invalid UTF-8"),
	BAD1("unknown option suggests idle_timeout", "idle_timout = 5", 1,
	    "unknown option \"idle_timout\"; did you mean \"idle_timeout\"?"),
	BAD1("unknown option: transposition suggests listen", "lsiten = x", 1,
	    "did you mean \"listen\"?"),
	BAD1("unknown option: case suggests listen", "Listen = x", 1,
	    "did you mean \"listen\"?"),
	BAD1("unknown option: two edits suggests dane", "dan = x", 1,
	    "did you mean \"dane\"?"),
	BAD1("unknown option far from all names: no suggestion", "foo = 1", 1,
	    "unknown option \"foo\""),
	BAD1("unknown keyword suggests override", "overide example.com = none",
	    1, "did you mean \"override\"?"),
	BAD1("overrides suggests override", "overrides = none", 1,
	    "did you mean \"override\"?"),
	BAD1("unknown option name is escaped", "\xc3\xbcser = x", 1,
	    "unknown option \"\\xc3\\xbcser\"; did you mean \"user\"?"),
	BAD1("duplicate option names the first line",
	    "user = a\n# x\nuser = b", 3,
	    "duplicate option \"user\" (first set on line 1)"),
	BAD("duplicate after a bad first value is still a duplicate",
	    "max_connections = 0\nmax_connections = 5", 2,
	    "first set on line 1"),

	/* Overrides. */
	OK("override none", "override example.com = none", NULL, NULL,
	    NUM_ANY),
	OK("override valid policy",
	    "override example.com = secure match=.example.com", NULL, NULL,
	    NUM_ANY),
	OK("override with a tab after the keyword",
	    "override\texample.com = none", NULL, NULL, NUM_ANY),
	BAD1("override invalid policy names the reason",
	    "override example.com = bogus", 1,
	    "override example.com: invalid policy \"bogus\": "),
	BAD1("override None is not none", "override example.com = None", 1,
	    "invalid policy"),
	BAD1("override empty policy refused", "override example.com =", 1,
	    "empty policy"),
	BAD1("override without domain refused", "override = none", 1,
	    "override needs a domain"),
	BAD1("override bad domain names the reason",
	    "override ex ample.com = none", 1,
	    "override \"ex ample.com\": not a valid host name"),
	BAD1("override IP address refused", "override 192.0.2.1 = none", 1,
	    "override \"192.0.2.1\": "),
	BAD1("override duplicate after normalisation names the first line",
	    "override EXAMPLE.com = none\noverride example.com. = none", 2,
	    "duplicate override for example.com (first on line 1)"),
	BAD1("override duplicate U-label vs A-label",
	    "override b\xc3\xbc" "cher.example = none\n\n"
	    "override xn--bcher-kva.example = may", 3,
	    "duplicate override for xn--bcher-kva.example (first on line 1)"),
};

static void
test_row(void **state)
{
	const struct row	*r = *state;
	struct conf		*conf;
	struct conf_errors	 errs;
	size_t			 len;
	char			*v;
	int			 rc;

	len = r->inlen != 0 ? r->inlen : strlen(r->in);
	rc = parse(r->in, len, &conf, &errs);
	if (r->err != NULL) {
		if (rc == 0)
			fail_msg("parsed, expected \"%s\"", r->err);
		if (!has_error(&errs, r->line, r->err)) {
			print_errors(&errs);
			fail_msg("no error \"%s:%u: ...%s...\"", FILE_NAME,
			    r->line, r->err);
		}
		if (r->nerrs != 0 && errs.n != r->nerrs) {
			print_errors(&errs);
			fail_msg("%zu errors, expected %zu", errs.n, r->nerrs);
		}
		conf_errors_clear(&errs);
		return;
	}
	if (rc == -1) {
		print_errors(&errs);
		fail_msg("did not parse");
	}
	if (r->opt != NULL && r->want != NULL) {
		v = fmt(conf, r->opt);
		assert_string_equal(v, r->want);
		free(v);
	}
	if (r->opt != NULL && r->num != NUM_ANY)
		assert_int_equal(num(conf, r->opt), r->num);
	conf_free(conf);
	conf_errors_clear(&errs);
}

/* ---------------------------------------------------- multiple errors */

struct err_row {
	const char	*label;
	const char	*in;
	struct {
		unsigned	 line;
		const char	*sub;
	}		 want[6];	/* in order; sub NULL ends */
};

static const struct err_row err_rows[] = {
	{ "all errors reported, in line order",
	  "listen = inet:192.0.2.9:25\nfoo = 1\nuser = ok\n"
	  "idle_timeout = 2h\nsocket_mode = 9\n",
	  { { 1, "not a loopback" }, { 2, "unknown option \"foo\"" },
	    { 4, "idle_timeout: \"2h\" is out of range" },
	    { 5, "not an octal mode" }, { 0, NULL } } },
	{ "duplicate override sorted into input order",
	  "override a.example = none\nfoo = 1\noverride A.example = none\n"
	  "bar = 2\n",
	  { { 2, "unknown option \"foo\"" },
	    { 3, "duplicate override for a.example (first on line 1)" },
	    { 4, "unknown option \"bar\"" }, { 0, NULL } } },
	{ "line numbers count comments, blanks and continuations",
	  "# c\n\nuser =\n  a\n\n  b\nbogus\n\tx\nmax_connections = 0\n",
	  { { 7, "missing '='" }, { 9, "out of range" }, { 0, NULL } } },
	{ "CRLF does not shift line numbers",
	  "user = a\r\n\r\nfoo = 1\r\n\r\nbar = 2\r\n",
	  { { 3, "\"foo\"" }, { 5, "\"bar\"" }, { 0, NULL } } },
	{ "each bad physical line reported once",
	  "a = \xff\n  \xfe\nuser = \x01\n",
	  { { 1, "invalid UTF-8" }, { 2, "invalid UTF-8" },
	    { 3, "control character \\x01" }, { 0, NULL } } },
	{ "several duplicate overrides all name the first",
	  "override x.example = none\noverride X.example = none\n"
	  "override x.example. = none\n",
	  { { 2, "(first on line 1)" }, { 3, "(first on line 1)" },
	    { 0, NULL } } },
};

static void
test_errors(void **state)
{
	const struct err_row	*r = *state;
	struct conf		*conf;
	struct conf_errors	 errs;
	char			 prefix[64];
	size_t			 i;

	assert_int_equal(parse(r->in, strlen(r->in), &conf, &errs), -1);
	for (i = 0; r->want[i].sub != NULL; i++) {
		if (i >= errs.n) {
			print_errors(&errs);
			fail_msg("only %zu errors", errs.n);
		}
		snprintf(prefix, sizeof(prefix), "%s:%u: ", FILE_NAME,
		    r->want[i].line);
		if (strncmp(errs.msg[i], prefix, strlen(prefix)) != 0 ||
		    strstr(errs.msg[i], r->want[i].sub) == NULL) {
			print_errors(&errs);
			fail_msg("error %zu is not \"%s...%s\"", i, prefix,
			    r->want[i].sub);
		}
	}
	if (errs.n != i) {
		print_errors(&errs);
		fail_msg("%zu errors, expected %zu", errs.n, i);
	}
	conf_errors_clear(&errs);
}

/* ------------------------------------------------------- restart diff */

struct diff_row {
	const char	*label;
	const char	*a, *b;
	const char	*want;		/* NULL: no difference */
};

static const struct diff_row diff_rows[] = {
	{ "restart diff: identical configs", "", "", NULL },
	{ "restart diff: idle_timeout is reloadable", "",
	  "idle_timeout = 5m", NULL },
	{ "restart diff: max_connections is reloadable", "",
	  "max_connections = 5", NULL },
	{ "restart diff: dane and dane_partial are reloadable", "",
	  "dane = no\ndane_partial = dane-only", NULL },
	{ "restart diff: the engine's timers are reloadable", "",
	  "txt_recheck_interval = 1m\nnegative_cache_ttl = 1m\n"
	  "lookup_deadline = 5s\nmax_fetches = 5\nrefresh_rate = 1", NULL },
	{ "restart diff: resolver and fetcher settings need a restart", "",
	  "resolvers = ::1\ndns_timeout = 2s\nca_file = /x\n"
	  "fetch_timeout = 9s\nfetch_max_size = 8k\ncontrol_socket = /c",
	  "control_socket, resolvers, dns_timeout, ca_file, fetch_timeout, "
	  "fetch_max_size" },
	{ "restart diff: overrides are reloadable", "",
	  "override example.com = none", NULL },
	{ "restart diff: user needs a restart", "", "user = other", "user" },
	{ "restart diff: every restart option, in table order", "",
	  "user = u\nlisten = inet:25\nsocket_mode = 0600\n"
	  "socket_group = g\nlisten_remote = yes\ncache_dir = /c",
	  "listen, socket_mode, socket_group, listen_remote, user, cache_dir" },
	{ "restart diff: equal listen spelled differently",
	  "listen = inet:25", "listen = inet:127.0.0.1:25", NULL },
	{ "restart diff: listen order matters",
	  "listen = unix:/a unix:/b", "listen = unix:/b, unix:/a", "listen" },
	{ "restart diff: socket_mode 660 equals 0660",
	  "socket_mode = 660", "", NULL },
};

static void
test_diff(void **state)
{
	const struct diff_row	*r = *state;
	struct conf		*a, *b;
	struct conf_errors	 errs;
	char			 dummy, *out = &dummy;

	assert_int_equal(parse(r->a, strlen(r->a), &a, &errs), 0);
	assert_int_equal(parse(r->b, strlen(r->b), &b, &errs), 0);
	conf_restart_diff(a, b, &out);
	if (r->want == NULL)
		assert_null(out);
	else {
		assert_non_null(out);
		assert_string_equal(out, r->want);
	}
	free(out);
	conf_restart_diff(b, a, &out);
	if (r->want == NULL)
		assert_null(out);
	else
		assert_string_equal(out, r->want);
	free(out);
	conf_free(a);
	conf_free(b);
}

/* --------------------------------------------------- dump round trip */

struct dump_row {
	const char	*label;
	const char	*in;
};

static const struct dump_row dump_rows[] = {
	{ "dump round trip: defaults", "" },
	{ "dump round trip: every option set",
	  "listen = unix:/run/a.sock, inet:[::1]:10025 inet:127.0.0.1:10026\n"
	  "socket_mode = 0600\nsocket_group =\nlisten_remote = yes\n"
	  "max_connections = 65536\nidle_timeout = 90\nuser =\n"
	  "cache_dir = /var/cache/m\n"
	  "resolvers = 192.0.2.53@5353, 2001:db8::1 ::1@53\n"
	  "ca_file = /etc/ca.pem\n"
	  "dane = no\ndane_partial = dane-only\n" },
	{ "dump round trip: remote listeners",
	  "listen_remote = yes\nlisten = inet:[2001:db8::1]:25 "
	  "inet:0.0.0.0:26\n" },
	{ "dump round trip: values with '#', '=', UTF-8 and blanks",
	  "socket_group = a # b = c\nuser = j\xc3\xbcrgen  x\n" },
	{ "dump round trip: overrides, sorted, IDN, none and policies",
	  "override zz.example = none\n"
	  "override B\xc3\xbc" "cher.example = secure match=.example.net\n"
	  "override a.example. = dane-only\n"
	  "override mid.example = encrypt protocols=>=TLSv1.2\n" },
};

static void
test_dump(void **state)
{
	const struct dump_row		*r = *state;
	struct conf			*a, *b;
	struct conf_errors		 errs;
	const char			*p, *last;
	char				*s, *s2, want[64];
	size_t				 i;

	assert_int_equal(parse(r->in, strlen(r->in), &a, &errs), 0);
	s = dump_str(a);
	if (parse(s, strlen(s), &b, &errs) != 0) {
		print_message("# %s", s);
		print_errors(&errs);
		fail_msg("the dump does not parse");
	}
	confs_equal(a, b);

	for (p = s; (last = strchr(p, '\n')) != NULL; p = last + 1)
		assert_true((size_t)(last - p) <= CONF_LINE_MAX);

	/* Every option as "name = ..." or "name =", in table order. */
	last = s;
	for (i = 0; i < conf_noptions; i++) {
		snprintf(want, sizeof(want), "\n%s =", conf_options[i].name);
		p = strstr(s, want);
		if (p == NULL || p < last)
			fail_msg("\"%s\" missing or out of order", want + 1);
		last = p;
	}
	for (i = 0; i < a->noverrides; i++) {
		snprintf(want, sizeof(want), "\noverride %s = ",
		    a->overrides[i].domain);
		p = strstr(s, want);
		if (p == NULL || p < last)
			fail_msg("\"%s\" missing or out of order", want + 1);
		last = p;
	}

	/* A second dump is identical. */
	free(b->file);
	b->file = strdup(a->file);
	assert_non_null(b->file);
	s2 = dump_str(b);
	assert_string_equal(s, s2);
	free(s2);
	free(s);
	conf_free(a);
	conf_free(b);
}

/* ------------------------------------------------------- single tests */

/* SIZE is not used by any option yet: test it through a stand-in. */
struct size_row {
	const char	*label;
	const char	*in;
	long		 want;		/* -1: refused */
	const char	*fmt;
};

static const struct size_row size_rows[] = {
	{ "SIZE plain bytes", "1000", 1000, "1000" },
	{ "SIZE 10k is 10240", "10k", 10240, "10k" },
	{ "SIZE 1m is 1048576", "1m", 1048576, "1m" },
	{ "SIZE 1024 formats as 1k", "1024", 1024, "1k" },
	{ "SIZE 0 is the min", "0", 0, "0" },
	{ "SIZE 1024m is the max", "1024m", 1L << 30, "1024m" },
	{ "SIZE max+1 refused", "1073741825", -1, NULL },
	{ "SIZE 1025m refused", "1025m", -1, NULL },
	{ "SIZE multiplication overflow refused", "99999999999999999m", -1,
	  NULL },
	{ "SIZE digit overflow refused", "99999999999999999999999k", -1,
	  NULL },
	{ "SIZE unit g refused", "5g", -1, NULL },
	{ "SIZE upper-case K refused", "5K", -1, NULL },
	{ "SIZE unit alone refused", "k", -1, NULL },
	{ "SIZE empty refused", "", -1, NULL },
};

static void
test_size(void **state)
{
	const struct size_row	*r = *state;
	struct conf_option	 o;
	struct conf		*conf;
	char			 why[512], *v;
	int			 rc;

	memset(&o, 0, sizeof(o));
	o.name = "test_size";
	o.type = CONF_T_SIZE;
	o.min = 0;
	o.max = 1UL << 30;
	o.offset = offsetof(struct conf, max_connections);
	conf = conf_defaults();
	why[0] = '\0';
	rc = conf_option_set(conf, &o, r->in, strlen(r->in), why, sizeof(why));
	if (r->want == -1) {
		assert_int_equal(rc, -1);
		assert_true(strstr(why, "size") != NULL ||
		    strstr(why, "out of range 0..1024m") != NULL);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(conf->max_connections, r->want);
		v = conf_option_format(conf, &o);
		assert_string_equal(v, r->fmt);
		free(v);
	}
	conf_free(conf);
}

static void
test_table(void **state)
{
	size_t				 i, j;
	const struct conf_option	*o;
	struct conf			*conf;
	char				*v;

	assert_int_equal(conf_noptions, 29);
	conf = conf_defaults();
	for (i = 0; i < conf_noptions; i++) {
		o = &conf_options[i];
		assert_non_null(o->name);
		assert_non_null(o->def);
		assert_non_null(o->help);
		assert_true(strlen(o->help) > 10);
		assert_null(strchr(o->help, '\n'));
		assert_ptr_equal(conf_option_find(o->name), o);
		assert_true(o->min <= o->max || o->type == CONF_T_STRING ||
		    o->type == CONF_T_PATH || o->type == CONF_T_BOOL ||
		    o->type == CONF_T_ENUM);
		if (o->type == CONF_T_ENUM)
			assert_non_null(o->choices);
		for (j = 0; j < i; j++)
			assert_string_not_equal(o->name, conf_options[j].name);
		/* The default text is what the default formats back to. */
		v = conf_option_format(conf, o);
		if (o->type != CONF_T_TIME && o->type != CONF_T_MODE)
			assert_string_equal(v, o->def);
		free(v);
	}
	assert_null(conf_option_find("override"));
	assert_null(conf_option_find("nope"));
	assert_null(conf_option_find(""));
	assert_null(conf_option_find(NULL));
	conf_free(conf);
}

static void
test_defaults(void **state)
{
	struct conf		*d, *p;
	struct conf_errors	 errs = { 0, NULL };

	d = conf_defaults();
	assert_non_null(d);
	assert_string_equal(d->file, "(defaults)");
	assert_int_equal(conf_parse("", 0, "(defaults)", &p, &errs), 0);
	confs_equal(d, p);
	assert_string_equal(d->file, p->file);
	assert_int_equal(d->nlisten, 1);
	assert_int_equal(d->listen[0].type, CONF_LISTEN_UNIX);
	assert_string_equal(d->listen[0].path,
	    MTASTSD_SOCKET_DIR "/mtastsd.sock");
	assert_null(d->resolvers);
	assert_int_equal(d->nresolvers, 0);
	assert_null(d->overrides);
	assert_int_equal(d->noverrides, 0);
	conf_free(d);
	conf_free(p);
	conf_free(NULL);
	conf_errors_clear(NULL);
}

static void
test_listen_fields(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	const char		*in = "listen_remote = yes\nlisten = "
	    "unix:/run/m.sock inet:10025 inet:192.0.2.7:26 "
	    "inet:[2001:db8::5]:27";
	uint8_t			 a6[16];

	assert_int_equal(parse(in, strlen(in), &c, &errs), 0);
	assert_int_equal(c->nlisten, 4);
	assert_int_equal(c->listen[0].type, CONF_LISTEN_UNIX);
	assert_string_equal(c->listen[0].path, "/run/m.sock");
	assert_string_equal(c->listen[0].text, "unix:/run/m.sock");

	assert_int_equal(c->listen[1].type, CONF_LISTEN_INET);
	assert_null(c->listen[1].path);
	assert_int_equal(c->listen[1].family, AF_INET);
	assert_memory_equal(c->listen[1].addr, "\x7f\0\0\x01", 4);
	assert_int_equal(c->listen[1].port, 10025);
	assert_string_equal(c->listen[1].text, "inet:10025");

	assert_int_equal(c->listen[2].family, AF_INET);
	assert_memory_equal(c->listen[2].addr, "\xc0\x00\x02\x07", 4);
	assert_int_equal(c->listen[2].port, 26);

	assert_int_equal(c->listen[3].family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", a6), 1);
	assert_memory_equal(c->listen[3].addr, a6, 16);
	assert_int_equal(c->listen[3].port, 27);
	assert_string_equal(c->listen[3].text, "inet:[2001:db8::5]:27");
	assert_int_equal(c->listen_remote, 1);
	conf_free(c);
}

static void
test_resolver_fields(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	const char		*in = "resolvers = 192.0.2.53, ::1@5353";
	uint8_t			 a6[16];

	assert_int_equal(parse(in, strlen(in), &c, &errs), 0);
	assert_int_equal(c->nresolvers, 2);
	assert_int_equal(c->resolvers[0].family, AF_INET);
	assert_memory_equal(c->resolvers[0].addr, "\xc0\x00\x02\x35", 4);
	assert_int_equal(c->resolvers[0].port, 53);
	assert_string_equal(c->resolvers[0].text, "192.0.2.53");
	assert_int_equal(c->resolvers[1].family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, "::1", a6), 1);
	assert_memory_equal(c->resolvers[1].addr, a6, 16);
	assert_int_equal(c->resolvers[1].port, 5353);
	assert_string_equal(c->resolvers[1].text, "::1@5353");
	conf_free(c);
}

static void
test_override_find(void **state)
{
	struct conf			*c;
	struct conf_errors		 errs;
	const struct conf_override	*ov;
	size_t				 i;
	const char			*in =
	    "override zeta.example = none\n"
	    "override ALPHA.example. = secure match=.alpha.example\n"
	    "override m\xc3\xbcller.example = dane-only\n"
	    "override beta.example = may\n"
	    "override a.example = none\n";

	assert_int_equal(parse(in, strlen(in), &c, &errs), 0);
	assert_int_equal(c->noverrides, 5);
	for (i = 1; i < c->noverrides; i++)
		assert_true(strcmp(c->overrides[i - 1].domain,
		    c->overrides[i].domain) < 0);

	ov = conf_override_find(c, "alpha.example");
	assert_non_null(ov);
	assert_int_equal(ov->line, 2);
	assert_int_equal(ov->policy_len, strlen("secure match=.alpha.example"));
	assert_memory_equal(ov->policy, "secure match=.alpha.example",
	    ov->policy_len);

	ov = conf_override_find(c, "zeta.example");
	assert_non_null(ov);
	assert_null(ov->policy);
	assert_int_equal(ov->policy_len, 0);
	assert_int_equal(ov->line, 1);

	ov = conf_override_find(c, "xn--mller-kva.example");
	assert_non_null(ov);
	assert_int_equal(ov->line, 3);
	assert_non_null(conf_override_find(c, "a.example"));
	assert_non_null(conf_override_find(c, "beta.example"));

	assert_null(conf_override_find(c, "ALPHA.example"));
	assert_null(conf_override_find(c, "b.example"));
	assert_null(conf_override_find(c, "zzz.example"));
	assert_null(conf_override_find(c, ""));
	assert_null(conf_override_find(c, NULL));
	conf_free(c);

	c = conf_defaults();
	assert_null(conf_override_find(c, "a.example"));
	conf_free(c);
}

static void
test_overrides_max(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	char			*in, *p;
	size_t			 i, n = CONF_OVERRIDES_MAX + 2;

	in = malloc(n * 40);
	assert_non_null(in);
	for (p = in, i = 0; i < n; i++)
		p += sprintf(p, "override d%zu.example = none\n", i);
	assert_int_equal(parse(in, (size_t)(p - in), &c, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_true(has_error(&errs, CONF_OVERRIDES_MAX + 1,
	    "more than 10000 overrides"));
	conf_errors_clear(&errs);

	/* Exactly the maximum is fine. */
	p = in;
	for (i = 0; i < CONF_OVERRIDES_MAX; i++)
		p += sprintf(p, "override d%zu.example = none\n", i);
	assert_int_equal(parse(in, (size_t)(p - in), &c, &errs), 0);
	assert_int_equal(c->noverrides, CONF_OVERRIDES_MAX);
	assert_non_null(conf_override_find(c, "d9999.example"));
	assert_non_null(conf_override_find(c, "d0.example"));
	conf_free(c);
	free(in);
}

static void
test_too_many_errors(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	char			*in;
	size_t			 len;

	/* 100 errors are all reported, without the cap message. */
	in = repeat_lines("x\n", 100, &len);
	assert_int_equal(parse(in, len, &c, &errs), -1);
	assert_int_equal(errs.n, 100);
	assert_true(has_error(&errs, 100, "missing '='"));
	conf_errors_clear(&errs);
	free(in);

	/* 101 and more: the first 100, then one "too many errors". */
	in = repeat_lines("x\n", 5000, &len);
	assert_int_equal(parse(in, len, &c, &errs), -1);
	assert_int_equal(errs.n, 101);
	assert_string_equal(errs.msg[0], FILE_NAME ":1: missing '=' "
	    "(expected \"name = value\")");
	assert_true(has_error(&errs, 100, "missing '='"));
	assert_string_equal(errs.msg[100], FILE_NAME ": too many errors");
	conf_errors_clear(&errs);
	free(in);
}

static void
test_listen_remote_late(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	char			*in, *junk;
	size_t			 len;

	/* listen_remote after more than 100 errors still counts. */
	junk = repeat_lines("x\n", 200, &len);
	if (asprintf(&in, "listen = inet:192.0.2.1:25\n%slisten_remote = yes\n",
	    junk) == -1)
		fail();
	assert_int_equal(parse(in, strlen(in), &c, &errs), -1);
	assert_int_equal(errs.n, 101);
	assert_false(has_error(&errs, 1, "loopback"));
	assert_true(has_error(&errs, 2, "missing '='"));
	conf_errors_clear(&errs);
	free(in);

	/* A remote listener on line 1 sorts before 200 later errors. */
	if (asprintf(&in, "listen = inet:192.0.2.1:25\n%s", junk) == -1)
		fail();
	assert_int_equal(parse(in, strlen(in), &c, &errs), -1);
	assert_int_equal(errs.n, 101);
	assert_true(strstr(errs.msg[0], FILE_NAME ":1: listen: ") ==
	    errs.msg[0]);
	assert_true(has_error(&errs, 100, "missing '='"));
	assert_false(has_error(&errs, 101, "missing '='"));
	conf_errors_clear(&errs);
	free(in);

	/* So does a duplicate override found after sorting. */
	if (asprintf(&in, "override a.example = none\n"
	    "override A.example = none\n%s", junk) == -1)
		fail();
	assert_int_equal(parse(in, strlen(in), &c, &errs), -1);
	assert_int_equal(errs.n, 101);
	assert_true(has_error(&errs, 2, "duplicate override"));
	assert_string_equal(errs.msg[100], FILE_NAME ": too many errors");
	conf_errors_clear(&errs);
	free(in);
	free(junk);
}

/* Values longer than a line come back through continuation lines. */
static void
test_dump_long(void **state)
{
	struct conf		*a, *b;
	struct conf_errors	 errs;
	char			*in, *p, *s, *line;
	size_t			 i, j;

	in = malloc(64 * 1024);
	assert_non_null(in);
	p = in + sprintf(in, "socket_group =");
	for (i = 0; i < 3; i++) {
		*p++ = i == 0 ? ' ' : '\t';
		memset(p, 'a' + (int)i, 4000);
		p += 4000;
		p += sprintf(p, " %s\n", i == 1 ? "x  y" : "z");
	}
	p += sprintf(p, "override b\xc3\xbc" "cher.example = secure");
	for (i = 0; i < 20; i++) {
		p += sprintf(p, "\n  match=");
		for (j = 0; j < 40; j++)
			p += sprintf(p, "%sh%zu-%zu.example", j ? ":" : "",
			    i, j);
	}
	*p++ = '\n';
	assert_int_equal(parse(in, (size_t)(p - in), &a, &errs), 0);
	assert_true(strlen(a->socket_group) > 3 * 4000);
	assert_true(a->overrides[0].policy_len > 2 * CONF_LINE_MAX);
	s = dump_str(a);
	for (line = s; (p = strchr(line, '\n')) != NULL; line = p + 1)
		assert_true((size_t)(p - line) <= CONF_LINE_MAX);
	if (parse(s, strlen(s), &b, &errs) != 0) {
		print_errors(&errs);
		fail_msg("the dump does not parse");
	}
	confs_equal(a, b);
	conf_free(a);
	conf_free(b);
	free(s);
	free(in);
}

/* The dump of a config named with odd bytes still parses back. */
static void
test_dump_odd_name(void **state)
{
	struct conf		*a, *b;
	struct conf_errors	 errs = { 0, NULL };
	char			*s;

	assert_int_equal(conf_parse("", 0, "/etc/\xff\n\x1b.conf", &a,
	    &errs), 0);
	s = dump_str(a);
	assert_null(strchr(s, '\x1b'));
	assert_int_equal(parse(s, strlen(s), &b, &errs), 0);
	confs_equal(a, b);
	conf_free(a);
	conf_free(b);
	free(s);
}

static void
test_errors_append(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs = { 0, NULL };

	assert_int_equal(conf_parse("foo = 1", 7, "one", &c, &errs), -1);
	assert_int_equal(conf_parse("usr = 1", 7, "two", &c, &errs), -1);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.msg[0], "one:1: unknown option \"foo\"");
	assert_string_equal(errs.msg[1], "two:1: unknown option \"usr\"; "
	    "did you mean \"user\"?");
	conf_errors_clear(&errs);
	assert_int_equal(errs.n, 0);
	assert_null(errs.msg);

	/* errs may be NULL. */
	assert_int_equal(conf_parse("foo", 3, "x", &c, NULL), -1);
	assert_null(c);
	/* A control byte in the file name is escaped. */
	assert_int_equal(conf_parse("foo", 3, "a\nb", &c, &errs), -1);
	assert_string_equal(errs.msg[0], "a\\x0ab:1: missing '=' "
	    "(expected \"name = value\")");
	conf_errors_clear(&errs);
}

static void
test_long_value_escaped(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs;
	const char		*in = "dane = " A100 A100 "\x7f";

	assert_int_equal(parse(in, strlen(in), &c, &errs), -1);
	assert_true(has_error(&errs, 1, "control character \\x7f"));
	conf_errors_clear(&errs);
	in = "dane = " A100 A100;
	assert_int_equal(parse(in, strlen(in), &c, &errs), -1);
	assert_true(has_error(&errs, 1, "dane: \"" A100 "...\" is not one of"));
	conf_errors_clear(&errs);
}

static void
test_load(void **state)
{
	struct conf		*c;
	struct conf_errors	 errs = { 0, NULL };
	char			*path, *big, want[256];
	size_t			 len;
	const char		*text =
	    "user = fromfile\noverride x.example = none\n";

	path = tmp_file(text, strlen(text));
	c = conf_load(path, 0, &errs);
	assert_non_null(c);
	assert_int_equal(errs.n, 0);
	assert_string_equal(c->file, path);
	assert_string_equal(c->user, "fromfile");
	assert_int_equal(c->noverrides, 1);
	conf_free(c);
	unlink(path);

	/* Missing file: defaults when missing_ok, named after the path. */
	c = conf_load(path, 1, &errs);
	assert_non_null(c);
	assert_int_equal(errs.n, 0);
	assert_string_equal(c->file, path);
	assert_string_equal(c->user, MTASTSD_USER);
	conf_free(c);

	c = conf_load(path, 0, &errs);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(errs.msg[0], want);
	conf_errors_clear(&errs);
	assert_null(conf_load(path, 0, NULL));
	free(path);

	/* Parse errors carry the path. */
	path = tmp_file("user = a\nfoo = b\n", 17);
	assert_null(conf_load(path, 1, &errs));
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "%s:2: unknown option \"foo\"", path);
	assert_string_equal(errs.msg[0], want);
	conf_errors_clear(&errs);
	unlink(path);
	free(path);

	/* Exactly CONF_FILE_MAX bytes of comments is fine; one more is not. */
	big = repeat_lines("#" A100 A100 A100 A100 A100 A100 A100 A100
	    A100 A100 "aaaaaaaaaaaaaaaaaaaaa" "a\n", CONF_FILE_MAX / 1024,
	    &len);
	assert_int_equal(len, CONF_FILE_MAX);
	path = tmp_file(big, len);
	c = conf_load(path, 0, &errs);
	assert_non_null(c);
	conf_free(c);
	unlink(path);
	free(path);
	big[len - 1] = '#';
	big = realloc(big, len + 2);
	assert_non_null(big);
	big[len] = '\n';
	path = tmp_file(big, len + 1);
	assert_null(conf_load(path, 0, &errs));
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", path,
	    CONF_FILE_MAX);
	assert_string_equal(errs.msg[0], want);
	conf_errors_clear(&errs);
	unlink(path);
	free(path);
	free(big);

	/* A directory is not a config file. */
	assert_null(conf_load("/tmp", 0, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msg[0], "/tmp: not a regular file");
	conf_errors_clear(&errs);
}

/* The shipped sample: parses to the defaults; uncommented, still valid. */
static void
test_sample(void **state)
{
	const char		*top;
	char			 path[1024], *buf, *out;
	struct conf		*c, *d, *u;
	struct conf_errors	 errs = { 0, NULL };
	FILE			*fp;
	size_t			 i, n, len;
	char			 want[64];

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	snprintf(path, sizeof(path), "%s/conf/mtastsd.conf.sample", top);
	c = conf_load(path, 0, &errs);
	if (c == NULL) {
		print_errors(&errs);
		fail_msg("%s does not load", path);
	}
	d = conf_defaults();
	confs_equal(c, d);
	conf_free(d);
	conf_free(c);

	fp = fopen(path, "r");
	assert_non_null(fp);
	buf = malloc(CONF_FILE_MAX + 1);
	assert_non_null(buf);
	len = fread(buf, 1, CONF_FILE_MAX, fp);
	fclose(fp);
	out = malloc(len + 1);
	assert_non_null(out);

	/* Every option appears as "#name = ". */
	buf[len] = '\0';
	for (i = 0; i < conf_noptions; i++) {
		snprintf(want, sizeof(want), "\n#%s = ", conf_options[i].name);
		if (strstr(buf, want) == NULL) {
			snprintf(want, sizeof(want), "\n#%s =\n",
			    conf_options[i].name);
			if (strstr(buf, want) == NULL)
				fail_msg("no \"#%s =\" in the sample",
				    conf_options[i].name);
		}
	}
	/* Uncomment "#name = value" lines: the result must parse. */
	for (i = 0, n = 0; i < len; i++) {
		if (buf[i] == '#' && (i == 0 || buf[i - 1] == '\n') &&
		    i + 1 < len && buf[i + 1] >= 'a' && buf[i + 1] <= 'z')
			continue;
		out[n++] = buf[i];
	}
	if (conf_parse(out, n, "uncommented", &u, &errs) != 0) {
		print_errors(&errs);
		fail_msg("the uncommented sample does not parse");
	}
	assert_int_equal(u->noverrides, 2);
	conf_free(u);
	free(out);
	free(buf);
}

/* RPT-17, RPT-19: whose name the reports carry. */
struct sub_row {
	const char	*label;
	const char	*in;
	const char	*want;
};

static const struct sub_row sub_rows[] = {
	{ "RPT-19 submitter: tlsrpt_submitter when set",
	    "tlsrpt_submitter = relay.example\n"
	    "tlsrpt_contact = tlsrpt@example.net", "relay.example" },
	{ "RPT-19 submitter: else the domain of tlsrpt_contact",
	    "tlsrpt_contact = tlsrpt@mail.example.net", "mail.example.net" },
	{ "RPT-19 submitter: empty when neither says", "", "" },
};

static void
test_submitter(void **state)
{
	const struct sub_row	*r = *state;
	struct conf		*c;
	struct conf_errors	 errs = { 0, NULL };

	if (conf_parse(r->in, strlen(r->in), "sub", &c, &errs) != 0) {
		print_errors(&errs);
		fail_msg("does not parse");
	}
	assert_string_equal(conf_tlsrpt_submitter(c), r->want);
	conf_free(c);
}

int
main(void)
{
	static struct table_tests	tt;

	TABLE_ADD(&tt, rows, test_row);
	TABLE_ADD(&tt, err_rows, test_errors);
	TABLE_ADD(&tt, diff_rows, test_diff);
	TABLE_ADD(&tt, dump_rows, test_dump);
	TABLE_ADD(&tt, size_rows, test_size);
	TABLE_ADD(&tt, sub_rows, test_submitter);
	table_add_fn(&tt, "option table is complete and consistent",
	    test_table);
	table_add_fn(&tt, "conf_defaults equals parsing an empty file",
	    test_defaults);
	table_add_fn(&tt, "listen fields: unix, inet:PORT, v4, [v6]",
	    test_listen_fields);
	table_add_fn(&tt, "resolvers fields: port 53 by default",
	    test_resolver_fields);
	table_add_fn(&tt, "overrides sorted; conf_override_find bsearch",
	    test_override_find);
	table_add_fn(&tt, "at most CONF_OVERRIDES_MAX overrides",
	    test_overrides_max);
	table_add_fn(&tt, "100 errors, then one too many errors",
	    test_too_many_errors);
	table_add_fn(&tt, "error cap: late listen_remote, early post checks",
	    test_listen_remote_late);
	table_add_fn(&tt, "dump wraps values longer than CONF_LINE_MAX",
	    test_dump_long);
	table_add_fn(&tt, "dump of a file with odd bytes in its name parses",
	    test_dump_odd_name);
	table_add_fn(&tt, "errors append; NULL errs; file name escaped",
	    test_errors_append);
	table_add_fn(&tt, "long values cut and escaped in messages",
	    test_long_value_escaped);
	table_add_fn(&tt, "conf_load: file, missing, too large, directory",
	    test_load);
	table_add_fn(&tt, "sample config lists every option and parses",
	    test_sample);
	return table_run("conf", &tt);
}
