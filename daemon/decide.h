/*
 * decide.h: the answer for a policy domain from what is known about it.
 * Pure: no I/O, no clock ("now" is a parameter).
 *
 * Step 8 of a lookup (STYLE.md §2).  Only an enforce policy that applies
 * now becomes "OK secure ..."; testing, none, no policy, an expired
 * policy and a failed fetch without a cached policy are all NOTFOUND, so
 * that Postfix keeps its own TLS level (PF-POL-18, DEC-19).  DANE joins
 * here later (conformance.md §8.1).
 */
#ifndef MTASTS_DECIDE_H
#define MTASTS_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "answer.h"

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

#endif /* MTASTS_DECIDE_H */
