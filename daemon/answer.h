/*
 * answer.h: the socketmap answer and Postfix's TLS policy grammar.  Pure.
 *
 * This is the only module that knows how an answer is spelled (STYLE.md §6):
 * the map-name profiles (DEC-27), the STS answer (PF-POL-10/13), the
 * TLSRPT attributes and their bounds (PF-POL-12..17), and the syntax check
 * for operator overrides (PF-POL-1..7).
 */
#ifndef MTASTS_ANSWER_H
#define MTASTS_ANSWER_H

#include <stddef.h>

struct sts_policy;

/* Socketmap status words (PF-SM-4). */
enum answer_status {
	ANSWER_NOTFOUND = 0,
	ANSWER_OK,
	ANSWER_TEMP,
	ANSWER_PERM
};

/* Where an answer came from; logged and shown by mtasts-ctl. */
enum answer_source {
	ANSWER_SRC_KEY = 0,	/* decided from the key alone */
	ANSWER_SRC_OVERRIDE,	/* an "override" line */
	ANSWER_SRC_CACHE,	/* a fresh cached policy */
	ANSWER_SRC_FETCH,	/* fetched for this lookup */
	ANSWER_SRC_STALE,	/* cached policy kept after a failure */
	ANSWER_SRC_NEGATIVE,	/* cached "no policy" */
	ANSWER_SRC_DNS,		/* decided from DNS alone */
	ANSWER_SRC_BUSY		/* too many lookups at once: not looked up */
};

/* Answer grammars, chosen by the socketmap name (DEC-27, PF-SM-13). */
enum answer_profile {
	ANSWER_PROFILE_POSTFIX = 0,	/* Postfix 3.4-3.9: plain */
	ANSWER_PROFILE_TLSRPT		/* Postfix >= 3.10: + TLSRPT attrs */
};

#define ANSWER_MAP_POSTFIX	"postfix"
#define ANSWER_MAP_TLSRPT	"postfix-tlsrpt"

/*
 * One answer.  text is what follows the status word: the policy for OK, a
 * reason for TEMP/PERM, empty for NOTFOUND.  It is not NUL-terminated and
 * is owned by whoever built the answer; it lives until the reply is sent.
 */
struct answer {
	enum answer_status	 status;
	enum answer_source	 source;
	const char		*text;
	size_t			 len;
};

/* The profile for a map name, or -1 if the name is unknown (DEC-25). */
int	answer_profile(const char *name, size_t len);

/* "OK", "NOTFOUND", "TEMP", "PERM". */
const char *answer_status_str(enum answer_status);

/* "key", "override", "cache", "fetch", "stale", "negative", "dns", "busy". */
const char *answer_source_str(enum answer_source);

/*
 * Format the STS answer for an enforce policy of policy_domain (A-label)
 * into buf[0..bufsz) without the "OK " prefix, NUL-terminated:
 *   secure match=<M> servername=hostname                       (POSTFIX)
 *   ... policy_type=sts policy_domain=<PD> mx_host_pattern=<p>...
 *       { policy_string = <line> }...                            (TLSRPT)
 * <M> is the colon-joined distinct patterns with "*." turned into "."
 * (PF-POL-10).  Lines unsafe inside braces are left out (PF-POL-16).  If the
 * result would not fit in min(bufsz - 1, SOCKMAP_REPLY_MAX - 3), policy
 * strings are dropped, then all TLSRPT attributes (PF-POL-17).  Returns the
 * length, or 0 if even the plain form does not fit (answer TEMP then).
 */
size_t	answer_format_sts(const struct sts_policy *pol,
	    const char *policy_domain, enum answer_profile profile, char *buf,
	    size_t bufsz);

/*
 * Check an operator-supplied Postfix TLS policy (an override): a level other
 * than "none" followed by name=value attributes that Postfix accepts for it
 * (PF-POL-1..7); TLSRPT attributes are refused.  Returns 0, or -1 with *why
 * set to a static reason.
 */
int	answer_policy_check(const char *text, size_t len, const char **why);

#endif /* MTASTS_ANSWER_H */
