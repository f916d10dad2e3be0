/*
 * bounds.h: every hard limit of mtastsd in one place.
 *
 * Each limit caps untrusted input *before* it is complete (frames, bodies,
 * records) or bounds what we send back.  Nothing here is configurable at run
 * time unless conf/conf.c says so; the option table uses these as its
 * minimums and maximums.
 */
#ifndef MTASTS_BOUNDS_H
#define MTASTS_BOUNDS_H

/* DNS names (RFC 1035 §2.3.4): 253 octets in text form, 63 per label. */
#define DOMAIN_MAX		253
#define LABEL_MAX		63

/* Socketmap (PF-SM-*, DEC-24). */
#define SOCKMAP_REQUEST_MAX	10240	/* payload bytes of one request */
#define SOCKMAP_REPLY_MAX	99000	/* payload bytes; Postfix refuses > 100000 */
#define NETSTRING_DIGITS_MAX	10	/* length prefix digits we accept */

/* RFC 8461 §3.1 TXT record. */
#define STS_TXT_MAX		4096	/* one joined TXT RR */
#define STS_ID_MAX		32	/* STS-REC-7 */
#define STS_EXT_NAME_MAX	32	/* STS-REC-8, STS-POL-13 */

/* RFC 8461 §3.2 policy file. */
#define STS_POLICY_MAX		65536	/* STS-FETCH-9: bytes of decoded body */
#define STS_MAX_AGE_MAX		31557600 /* DEC-9: larger values are clamped */
#define STS_MAX_AGE_DIGITS	10	/* STS-POL-11 */
#define STS_MX_MAX		100	/* mx lines in one policy */
#define STS_LINES_MAX		1000	/* lines in one policy */

/* The lookup engine. */
#define LOOKUP_JOBS_MAX		10000	/* domains being resolved at once */

/* Configuration. */
#define CONF_FILE_MAX		(1024 * 1024)
#define CONF_LINE_MAX		4096
#define CONF_OVERRIDES_MAX	10000
#define CONF_LISTEN_MAX		16
#define CONF_RESOLVERS_MAX	8

/* Human-readable error strings carried by parsers (struct parse_err). */
#define PARSE_ERR_MSG_MAX	160

#endif /* MTASTS_BOUNDS_H */
