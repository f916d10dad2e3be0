/*
 * fuzz_conf.c: conf_parse() on arbitrary bytes.
 *
 * Besides "no crash, no leak", it checks two properties: every error is
 * "fuzz.conf:..." with no raw control byte, and a config that parses dumps
 * (conf_dump) to text that parses back to the same values.  Everything is
 * freed before returning.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"

#define FUZZ_CONF_MAX	65536	/* bytes; CONF_FILE_MAX would only be slow */


static void	check_errors(const struct conf_errors *);
static void	check_same(const struct conf *, const struct conf *);
static void	round_trip(const struct conf *);

static void
check_errors(const struct conf_errors *errs)
{
	size_t		 i;
	const char	*p;

	if (errs->n == 0 || errs->n > 101)
		abort();
	for (i = 0; i < errs->n; i++) {
		if (strncmp(errs->msg[i], "fuzz.conf:", 10) != 0)
			abort();
		for (p = errs->msg[i]; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
}

static void
check_same(const struct conf *a, const struct conf *b)
{
	const struct conf_override	*x, *y;
	char				*va, *vb;
	size_t				 i;

	for (i = 0; i < conf_noptions; i++) {
		va = conf_option_format(a, &conf_options[i]);
		vb = conf_option_format(b, &conf_options[i]);
		if (strcmp(va, vb) != 0)
			abort();
		free(va);
		free(vb);
	}
	if (a->noverrides != b->noverrides)
		abort();
	for (i = 0; i < a->noverrides; i++) {
		x = &a->overrides[i];
		y = &b->overrides[i];
		if (strcmp(x->domain, y->domain) != 0 ||
		    (x->policy == NULL) != (y->policy == NULL) ||
		    x->policy_len != y->policy_len ||
		    (x->policy != NULL &&
		    memcmp(x->policy, y->policy, x->policy_len) != 0))
			abort();
		if (conf_override_find(a, x->domain) != x)
			abort();
	}
}

static void
round_trip(const struct conf *conf)
{
	struct conf		*again;
	struct conf_errors	 errs = { 0, NULL };
	char			*text = NULL, *diff;
	size_t			 len = 0;
	FILE			*fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		abort();
	conf_dump(conf, fp);
	if (fclose(fp) != 0)
		abort();
	if (conf_parse(text, len, "fuzz.conf", &again, &errs) != 0)
		abort();
	check_same(conf, again);
	conf_restart_diff(conf, again, &diff);
	if (diff != NULL)
		abort();
	conf_free(again);
	conf_errors_clear(&errs);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf		*conf, *def;
	struct conf_errors	 errs = { 0, NULL };
	char			*diff;

	if (size > FUZZ_CONF_MAX)
		return 0;
	if (conf_parse((const char *)data, size, "fuzz.conf", &conf,
	    &errs) == 0) {
		if (errs.n != 0)
			abort();
		round_trip(conf);
		def = conf_defaults();
		conf_restart_diff(def, conf, &diff);
		free(diff);
		conf_free(def);
		conf_free(conf);
	} else {
		if (conf != NULL)
			abort();
		check_errors(&errs);
	}
	conf_errors_clear(&errs);
	return 0;
}
