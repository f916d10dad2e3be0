/*
 * lookup.c: key screening, overrides, and the answer log line.
 *
 * This build has no resolution engine yet: a domain without an override
 * answers NOTFOUND ("no MTA-STS policy"), which leaves Postfix on its own
 * smtp_tls_security_level.  The answer's source says so in every log line
 * (source=no-engine), so that nobody mistakes it for a real "no policy".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "answer.h"
#include "conf.h"
#include "domain.h"
#include "log.h"
#include "lookup.h"
#include "xmalloc.h"

struct lookup {
	struct event_base	*base;
	const struct conf	*conf;
	struct lookup_stats	 stats;
};

static void	finish(struct lookup *, const char *, int, const struct answer *,
		    const struct timeval *, lookup_cb, void *);

struct lookup *
lookup_new(struct event_base *base, const struct conf *conf)
{
	struct lookup	*lk;

	lk = xcalloc(1, sizeof(*lk));
	lk->base = base;
	lk->conf = conf;
	return lk;
}

void
lookup_set_conf(struct lookup *lk, const struct conf *conf)
{
	lk->conf = conf;
}

const struct lookup_stats *
lookup_stats(const struct lookup *lk)
{
	return &lk->stats;
}

void
lookup_request(struct lookup *lk, int profile, const char *key,
    size_t keylen, lookup_cb cb, void *arg)
{
	const struct conf_override	*ov;
	struct answer			 a;
	struct timeval			 start;
	char				 domain[DOMAIN_MAX + 1];
	char				 safe[LOG_SAFE_MAX];
	const char			*why;
	enum domain_key			 k;

	event_base_gettimeofday_cached(lk->base, &start);
	lk->stats.requests++;
	memset(&a, 0, sizeof(a));
	a.text = "";

	/* Step 3: screen the key before any work (PF-KEY-4..7). */
	k = domain_from_key(key, keylen, domain, &why);
	if (k != DOMAIN_KEY_OK) {
		a.status = ANSWER_NOTFOUND;
		a.source = ANSWER_SRC_KEY;
		log_safe(domain, sizeof(domain), key, keylen);
		finish(lk, domain, k == DOMAIN_KEY_PARENT ? 0 : 1, &a, &start,
		    cb, arg);
		if (k != DOMAIN_KEY_PARENT)
			log_debug("%s: key \"%s\": %s", __func__,
			    log_safe(safe, sizeof(safe), key, keylen), why);
		return;
	}

	/* The operator's word comes before anything remote. */
	if ((ov = conf_override_find(lk->conf, domain)) != NULL) {
		a.source = ANSWER_SRC_OVERRIDE;
		if (ov->policy == NULL)
			a.status = ANSWER_NOTFOUND;
		else {
			a.status = ANSWER_OK;
			a.text = ov->policy;
			a.len = ov->policy_len;
		}
		finish(lk, domain, 1, &a, &start, cb, arg);
		return;
	}

	a.status = ANSWER_NOTFOUND;
	a.source = ANSWER_SRC_NOENGINE;
	finish(lk, domain, 1, &a, &start, cb, arg);
}

/* Count, log one line, and hand the answer over. */
static void
finish(struct lookup *lk, const char *domain, int info,
    const struct answer *a, const struct timeval *start, lookup_cb cb,
    void *arg)
{
	struct timeval	now;
	long		ms;
	size_t		lvl;

	lk->stats.by_status[a->status]++;
	lk->stats.by_source[a->source]++;
	event_base_gettimeofday_cached(lk->base, &now);
	ms = (now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_usec - start->tv_usec) / 1000;
	/* The level is the first word of an OK answer. */
	for (lvl = 0; lvl < a->len && a->text[lvl] != ' '; lvl++)
		;
	if (info)
		log_info("lookup %s: %s%s%.*s source=%s ms=%ld", domain,
		    answer_status_str(a->status),
		    a->status == ANSWER_OK ? " " : "",
		    a->status == ANSWER_OK ? (int)lvl : 0, a->text,
		    answer_source_str(a->source), ms);
	else
		log_debug("lookup %s: %s source=%s", domain,
		    answer_status_str(a->status),
		    answer_source_str(a->source));
	cb(a, arg);
}

void
lookup_free(struct lookup *lk)
{
	free(lk);
}
