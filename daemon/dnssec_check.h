/*
 * dnssec_check.h: is DNSSEC validation really there?  (DEC-20, DANE-4)
 *
 * mtastsd, like Postfix, trusts its resolver's AD bit.  That is only
 * sound when every resolver is on loopback and validates.  The check asks
 * for the root zone's SOA and wants it answered with AD; it runs at start
 * and every DNSSEC_CHECK_SEC, and reports every change of its verdict.
 * A resolver that does not validate would make every answer insecure, so
 * no DANE answer could ever be given; the check makes that visible, and
 * keeps DANE answers off until validation is seen to work.
 */
#ifndef MTASTS_DNSSEC_CHECK_H
#define MTASTS_DNSSEC_CHECK_H

#define DNSSEC_CHECK_SEC	300

struct event_base;
struct resolver;
struct dnssec_check;

/* ok 1 or 0; why is one readable line, valid during the call. */
typedef void (*dnssec_check_cb)(int ok, const char *why, void *arg);

struct dnssec_check *dnssec_check_new(struct event_base *, struct resolver *,
		    dnssec_check_cb, void *arg);
void		 dnssec_check_free(struct dnssec_check *);

#endif /* MTASTS_DNSSEC_CHECK_H */
