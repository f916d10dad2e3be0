/*
 * decide.h: the answer for a policy domain from what is known about it.
 * Pure: no I/O, no clock ("now" is a parameter).
 *
 * Step 8 of a lookup (STYLE.md §2).  Only an enforce policy that applies
 * now becomes "OK secure ..."; testing, none, no policy, an expired
 * policy and a failed fetch without a cached policy are all NOTFOUND, so
 * that Postfix keeps its own TLS level (PF-POL-18, DEC-19).  With DANE on,
 * the DANE part of the record decides first (conformance.md §8.1, via
 * dane_decide()): MTA-STS never overrides DANE (RFC 8461 §2).
 */
#ifndef MTASTS_DECIDE_H
#define MTASTS_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "dane.h"

struct record;
struct sts_policy;

/*
 * Decide for domain (A-label) at now.  The policy that applies is once if
 * not NULL (a max_age 0 policy used for the lookup that fetched it,
 * DEC-16), else rec's if fresh (rec may be NULL).  An enforce policy is
 * formatted for profile into buf[0..bufsz); text that does not fit even
 * in its plain form gives TEMP (PF-POL-17).  Fills a->status, a->text and
 * a->len (pointing into buf or at a constant); the caller sets a->source.
 * Returns a->status.
 */
enum answer_status decide_sts(const struct record *rec,
	    const struct sts_policy *once, const char *domain, int64_t now,
	    enum answer_profile profile, char *buf, size_t bufsz,
	    struct answer *a);

/*
 * The whole answer: decide_sts(), then, when dane_on, the DANE part of rec
 * (dane_decide() with the STS mode; partial per configuration).  A DANE
 * part that is missing or past its TTL counts as an MX lookup failure:
 * TEMP (DEC-22).  DANE answers are "dane-only" or "dane", never with the
 * TLSRPT STS attributes (DANE-18).  *why (may be NULL) gets a static
 * reason when DANE decided, else "".  Returns a->status.
 */
enum answer_status decide_answer(const struct record *rec,
	    const struct sts_policy *once, const char *domain, int64_t now,
	    enum answer_profile profile, int dane_on,
	    enum dane_partial partial, char *buf, size_t bufsz,
	    struct answer *a, const char **why);

/* Whether DANE answers are on (DEC-20), and if not, what stops them. */
enum decide_gate {
	DECIDE_GATE_ON = 0,
	DECIDE_GATE_OFF_CONF,		/* dane = no */
	DECIDE_GATE_OFF_DNSSEC,		/* the self-test fails (DANE-4) */
	DECIDE_GATE_OFF_POSTFIX		/* dane = auto, and Postfix's smtp(8)
					 * does not do DNSSEC (DANE-13) */
};

/*
 * mode is the "dane" option (enum conf_dane); dnssec_ok the DNSSEC
 * self-test's verdict; postfix_ok whether smtp_dns_support_level is
 * dnssec, which "dane = yes" takes on trust.  The self-test counts even
 * then: a resolver whose AD bit cannot be trusted must never decide.
 */
enum decide_gate decide_dane_gate(int mode, int dnssec_ok, int postfix_ok);

#endif /* MTASTS_DECIDE_H */
