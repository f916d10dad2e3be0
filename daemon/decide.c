/*
 * decide.c: policy state -> socketmap answer.  Pure: no I/O.
 */
#include "config.h"

#include <string.h>

#include "answer.h"
#include "decide.h"
#include "record.h"
#include "rules.h"
#include "sts.h"

static const char too_long[] = "policy answer too long for Postfix";

enum answer_status
decide_sts(const struct record *rec, const struct sts_policy *once,
    const char *domain, int64_t now, enum answer_profile profile, char *buf,
    size_t bufsz, struct answer *a)
{
	const struct sts_policy	*pol = once;
	size_t			 n;

	a->text = "";
	a->len = 0;
	if (pol == NULL && rec != NULL && rules_policy_fresh(rec, now))
		pol = &rec->policy;
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
