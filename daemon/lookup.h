/*
 * lookup.h: answer one socketmap key (STYLE.md §2 steps 3-10).
 *
 * Screens the key (PF-KEY-*), applies operator overrides, and, once the
 * resolution engine exists, runs the per-domain state machine.  The
 * callback runs exactly once per request, possibly before lookup_request()
 * returns.  Each answered lookup is logged on one line.
 */
#ifndef MTASTS_LOOKUP_H
#define MTASTS_LOOKUP_H

#include <stddef.h>

struct answer;
struct conf;
struct event_base;
struct lookup;

typedef void (*lookup_cb)(const struct answer *, void *arg);

/* Counters for mtasts-ctl and the benchmarks. */
struct lookup_stats {
	unsigned long long	requests;
	unsigned long long	by_status[4];	/* enum answer_status */
	unsigned long long	by_source[8];	/* enum answer_source */
};

/* conf must outlive the lookup or be replaced with lookup_set_conf(). */
struct lookup	*lookup_new(struct event_base *, const struct conf *);
void		 lookup_set_conf(struct lookup *, const struct conf *);

/*
 * Answer key[0..keylen) for a map of the given answer profile.  The answer
 * passed to cb lives only during the call.
 */
void		 lookup_request(struct lookup *, int profile, const char *key,
		    size_t keylen, lookup_cb cb, void *arg);

const struct lookup_stats *lookup_stats(const struct lookup *);

/* Answer anything still pending (TEMP) and free. */
void		 lookup_free(struct lookup *);

#endif /* MTASTS_LOOKUP_H */
