/*
 * decide.c: policy state -> socketmap answer.  Pure: no I/O.
 */
#include "config.h"

#include <string.h>

#include "answer.h"
#include "conf.h"
#include "dane.h"
#include "decide.h"
#include "record.h"
#include "rules.h"
#include "sts.h"

static const struct sts_policy *applicable(const struct record *,
		    const struct sts_policy *, int64_t);

static const char too_long[] = "policy answer too long for Postfix";

/* The policy that applies: once, else rec's if fresh, else none. */
static const struct sts_policy *
applicable(const struct record *rec, const struct sts_policy *once,
    int64_t now)
{
	if (once != NULL)
		return once;
	if (rec != NULL && rules_policy_fresh(rec, now))
		return &rec->policy;
	return NULL;
}

enum answer_status
decide_sts(const struct record *rec, const struct sts_policy *once,
    const char *domain, int64_t now, enum answer_profile profile, char *buf,
    size_t bufsz, struct answer *a)
{
	const struct sts_policy	*pol = applicable(rec, once, now);
	size_t			 n;

	a->text = "";
	a->len = 0;
	/* STS-APP-2/3: testing and none behave as if there were no policy. */
	if (pol == NULL || pol->mode != STS_MODE_ENFORCE) {
		a->status = ANSWER_NOTFOUND;
		return a->status;
	}
	if ((n = answer_format_sts(pol, domain, profile, buf, bufsz)) == 0) {
		a->status = ANSWER_TEMP;
		a->text = too_long;
		a->len = sizeof(too_long) - 1;
		return a->status;
	}
	a->status = ANSWER_OK;
	a->text = buf;
	a->len = n;
	return a->status;
}

static const char dane_only[] = "dane-only";
static const char dane_opportunistic[] = "dane";
static const char dane_unknown[] =
    "DANE state of the MX hosts not known";

enum answer_status
decide_answer(const struct record *rec, const struct sts_policy *once,
    const char *domain, int64_t now, enum answer_profile profile,
    int dane_on, enum dane_partial partial, char *buf, size_t bufsz,
    struct answer *a, const char **why)
{
	const struct sts_policy	*pol = applicable(rec, once, now);
	const char		*dummy;
	int			 enforce;

	if (why == NULL)
		why = &dummy;
	*why = "";
	decide_sts(rec, once, domain, now, profile, buf, bufsz, a);
	if (!dane_on)
		return a->status;
	/* The STS mode that applies: the table's two columns. */
	enforce = pol != NULL && pol->mode == STS_MODE_ENFORCE;
	if (rec == NULL || !rules_dane_fresh(rec, now)) {
		*why = "no DANE state";
		a->status = ANSWER_TEMP;
		a->text = dane_unknown;
		a->len = sizeof(dane_unknown) - 1;
		return a->status;
	}
	switch (dane_decide(rec->dane_mx, rec->dane_class, rec->dane_nhosts,
	    enforce, partial, why)) {
	case DANE_DECIDE_STS:
		break;
	case DANE_DECIDE_DANE_ONLY:
		a->status = ANSWER_OK;
		a->text = dane_only;
		a->len = sizeof(dane_only) - 1;
		break;
	case DANE_DECIDE_DANE:
		a->status = ANSWER_OK;
		a->text = dane_opportunistic;
		a->len = sizeof(dane_opportunistic) - 1;
		break;
	case DANE_DECIDE_TEMP:
		a->status = ANSWER_TEMP;
		a->text = dane_unknown;
		a->len = sizeof(dane_unknown) - 1;
		break;
	}
	return a->status;
}

enum decide_gate
decide_dane_gate(int mode, int dnssec_ok, int postfix_ok)
{
	if (mode == CONF_DANE_NO)
		return DECIDE_GATE_OFF_CONF;
	if (!dnssec_ok)
		return DECIDE_GATE_OFF_DNSSEC;
	if (mode == CONF_DANE_AUTO && !postfix_ok)
		return DECIDE_GATE_OFF_POSTFIX;
	return DECIDE_GATE_ON;
}
