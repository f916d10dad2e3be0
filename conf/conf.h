/*
 * conf.h: mtastsd.conf, parsed from text into struct conf.
 *
 * conf_parse() is pure and fuzzable (conf/conf.c); conf_load() reads the
 * file and conf_dump() prints the effective configuration (conf/load.c).
 * The option table conf_options[] is the single source of every option's
 * name, type, limits, default and help text: validation, defaults,
 * `mtastsd -p`, the man page check (tests) all come from it.
 *
 * Syntax (Postfix main.cf-like): "name = value" lines; "#" starts a comment
 * line; blank lines are ignored; a line that starts with whitespace continues
 * the previous one.  "override DOMAIN = POLICY" may repeat, once per domain.
 */
#ifndef MTASTS_CONF_H
#define MTASTS_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bounds.h"

#ifndef MTASTSD_CONF_FILE
#define MTASTSD_CONF_FILE	"/etc/mtastsd/mtastsd.conf"
#endif
#ifndef MTASTSD_SOCKET_DIR
#define MTASTSD_SOCKET_DIR	"/run/mtastsd"
#endif
#ifndef MTASTSD_CACHE_DIR
#define MTASTSD_CACHE_DIR	"/var/lib/mtastsd"
#endif
#ifndef MTASTSD_USER
#define MTASTSD_USER		"mtastsd"
#endif

enum conf_dane {
	CONF_DANE_AUTO = 0,
	CONF_DANE_YES,
	CONF_DANE_NO
};

enum conf_listen_type {
	CONF_LISTEN_UNIX = 0,
	CONF_LISTEN_INET
};

/* One "listen" element: "unix:/path" or "inet:[host:]port". */
struct conf_listen {
	enum conf_listen_type	 type;
	char			*path;		/* unix: absolute path */
	int			 family;	/* inet: AF_INET or AF_INET6 */
	uint8_t			 addr[16];	/* inet: network order */
	uint16_t		 port;		/* inet: host order */
	char			*text;		/* as written, for messages */
};

/* One "resolvers" element: "IP" or "IP@PORT" (IPv4 or IPv6). */
struct conf_addr {
	int			 family;	/* AF_INET or AF_INET6 */
	uint8_t			 addr[16];	/* network order */
	uint16_t		 port;		/* host order; 53 if absent */
	char			*text;		/* as written */
};

/*
 * "override DOMAIN = POLICY": answer before any resolution.  POLICY "none"
 * means "no MTA-STS policy" (answer NOTFOUND, Postfix's own default level
 * applies); anything else must pass answer_policy_check() and is answered
 * as "OK POLICY".
 */
struct conf_override {
	char		*domain;	/* normalised A-label (domain_normalize) */
	char		*policy;	/* NULL for "none" */
	size_t		 policy_len;
	unsigned	 line;
};

struct conf {
	char			*file;		/* where it came from */

	struct conf_listen	*listen;
	size_t			 nlisten;
	unsigned		 socket_mode;	/* e.g. 0660 */
	char			*socket_group;	/* "" = leave as created */
	int			 listen_remote;	/* allow non-loopback inet */
	unsigned		 max_connections;
	unsigned		 idle_timeout;	/* seconds */

	char			*user;		/* "" = do not change user */
	char			*cache_dir;

	char			*control_socket;	/* mtasts-ctl's door */

	struct conf_addr	*resolvers;	/* none = /etc/resolv.conf */
	size_t			 nresolvers;
	unsigned		 dns_timeout;	/* seconds, per query */
	char			*ca_file;	/* "" = system trust store */
	int			 dane;		/* enum conf_dane */
	int			 dane_partial;	/* enum dane_partial */

	/* The resolution engine (seconds unless noted). */
	unsigned		 txt_recheck_interval;	/* DEC-15 */
	unsigned		 negative_cache_ttl;
	unsigned		 lookup_deadline;	/* DEC-5, DEC-11 */
	unsigned		 fetch_timeout;		/* STS-FETCH-8 */
	unsigned		 fetch_max_size;	/* bytes, STS-FETCH-9 */
	unsigned		 max_fetches;		/* in flight at once */
	unsigned		 refresh_rate;		/* per second, 0 = off */

	/* TLS reporting (RFC 8460). */
	int			 tlsrpt;		/* collect and report */
	char			*tlsrpt_socket;		/* libtlsrpt's datagrams */
	char			*tlsrpt_organization;	/* organization-name */
	char			*tlsrpt_contact;	/* contact-info, From */
	char			*tlsrpt_submitter;	/* "" = contact's domain */
	unsigned		 tlsrpt_send_delay;	/* seconds, RPT-5 */
	int			 tlsrpt_post_local;	/* POST to local
							 * addresses too */
	char			*sendmail_path;

	struct conf_override	*overrides;	/* sorted by domain */
	size_t			 noverrides;
};

enum conf_type {
	CONF_T_STRING = 0,	/* char *; any text, may be empty */
	CONF_T_PATH,		/* char *; absolute path or empty */
	CONF_T_UINT,		/* unsigned; decimal */
	CONF_T_TIME,		/* unsigned seconds; suffix s/m/h/d/w */
	CONF_T_SIZE,		/* unsigned bytes; suffix k/m (1024) */
	CONF_T_MODE,		/* unsigned; octal 0..0777 */
	CONF_T_ENUM,		/* int index into choices */
	CONF_T_BOOL,		/* int; yes/no */
	CONF_T_LISTEN,		/* listen, nlisten */
	CONF_T_ADDRS		/* resolvers, nresolvers */
};

#define CONF_F_RESTART	0x01	/* a reload cannot change it: restart */

struct conf_option {
	const char		 *name;
	enum conf_type		  type;
	unsigned long		  min, max;	/* UINT/TIME/SIZE/MODE */
	const char		 *def;		/* default, as config text */
	size_t			  offset;	/* into struct conf */
	const char *const	 *choices;	/* ENUM: NULL-terminated */
	int			  flags;	/* CONF_F_* */
	const char		 *help;		/* one line */
};

extern const struct conf_option	conf_options[];
extern const size_t		conf_noptions;

/* Every error found, each "file:line: reason", in input order. */
struct conf_errors {
	size_t	  n;
	char	**msg;
};

/*
 * Parse buf[0..len) (no NUL needed) named filename.  Unset options take
 * their defaults.  Returns 0 and sets *confp, or -1 and appends every error
 * (at most 100, then "too many errors") to errs; *confp is then NULL.
 * Allocation failure aborts.
 */
int	conf_parse(const char *buf, size_t len, const char *filename,
	    struct conf **confp, struct conf_errors *errs);

/* The embedded defaults, as if from an empty file named "(defaults)". */
struct conf *conf_defaults(void);

void	conf_free(struct conf *);
void	conf_errors_clear(struct conf_errors *);

/* The option named name, or NULL. */
const struct conf_option *conf_option_find(const char *name);

/*
 * A plain address (local@domain, printable ASCII, no blanks, quotes,
 * brackets or commas, no leading '-'): for tlsrpt_contact, which becomes
 * a sendmail argument.  1 or 0.
 */
int		 conf_valid_address(const char *);

/*
 * The reports' submitter domain: tlsrpt_submitter, or the domain of
 * tlsrpt_contact, or "" when neither says.
 */
const char	*conf_tlsrpt_submitter(const struct conf *);

/* The override for a normalised domain (binary search), or NULL. */
const struct conf_override *conf_override_find(const struct conf *,
	    const char *domain);

/*
 * The option's effective value as config text, canonical so that equal
 * values compare equal (e.g. "1m" for 60 seconds).  Caller frees.
 */
char	*conf_option_format(const struct conf *, const struct conf_option *);

/*
 * Convert the trimmed value val[0..len) for option o and store it in conf,
 * freeing the old one.  Returns 0, or -1 with the reason (input escaped)
 * in why[0..whysz).
 */
int	 conf_option_set(struct conf *conf, const struct conf_option *o,
	    const char *val, size_t len, char *why, size_t whysz);

/*
 * Names of CONF_F_RESTART options whose values differ between a and b, as a
 * comma-separated list in *out (caller frees), or *out = NULL if none.
 */
void	conf_restart_diff(const struct conf *a, const struct conf *b,
	    char **out);

/*
 * conf/load.c (I/O).
 *
 * Read path (at most CONF_FILE_MAX bytes) and parse it.  A missing file is
 * not an error when missing_ok is set: the embedded defaults are used, with
 * conf->file naming the path.  Returns the conf, or NULL with errs filled
 * (read errors are reported as "path: reason").
 */
struct conf *conf_load(const char *path, int missing_ok,
	    struct conf_errors *errs);

/* Print the effective configuration as a valid config file to fp. */
void	conf_dump(const struct conf *, FILE *fp);

#endif /* MTASTS_CONF_H */
