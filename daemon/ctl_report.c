/*
 * ctl_report.c: mtasts-ctl report list|show|send|outbox (TLSRPT).
 *
 * list, show and outbox read the cache directly, like list and show;
 * what the daemon counted in the last second may not be committed yet.
 * send asks the daemon, which alone builds and delivers.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "cache.h"
#include "conf.h"
#include "control.h"
#include "ctl.h"
#include "domain.h"
#include "log.h"
#include "outbox.h"
#include "report.h"
#include "xmalloc.h"

struct group {
	uint8_t			 prefix[REPORT_KEY_MAX];
	size_t			 prefix_len;
	struct report_key_info	 info;		/* of the first key */
	struct report_entry	*e;
	size_t			 n, cap;
};

struct walk {
	struct ctl	*ctl;
	const char	*domain;	/* show: only this one */
	int64_t		 day;		/* show: only this day, or -1 */
	int		 show;
	unsigned	 reports;
	unsigned	 bad;
	struct group	 g;
};

static void
group_clear(struct group *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		report_entry_clear(&g->e[i]);
	g->n = 0;
	g->prefix_len = 0;
}

/* The group is complete: print its line or its JSON. */
static void
group_out(struct walk *w)
{
	struct group		*g = &w->g;
	const struct conf	*conf = ctl_conf(w->ctl);
	const struct report_key_info *info = &g->info;
	struct report_meta	 meta;
	struct report_buf	 b;
	struct parse_err	 err;
	char			 day[11], id[REPORT_ID_MAX];
	const char		*sub;
	uint64_t		 ok = 0, bad = 0;
	size_t			 i;

	if (g->n == 0)
		return;
	(void)report_day_str(info->day, day);
	w->reports++;
	if (!w->show) {
		for (i = 0; i < g->n; i++) {
			ok += g->e[i].success;
			bad += g->e[i].failure;
		}
		printf("%s %s policies=%zu success=%" PRIu64 " failure=%"
		    PRIu64 "\n", day, info->domain, g->n, ok, bad);
		group_clear(g);
		return;
	}
	sub = conf_tlsrpt_submitter(conf);
	memset(&meta, 0, sizeof(meta));
	meta.day = info->day;
	meta.domain = g->e[0].domain;
	meta.record = g->e[0].record;
	meta.org = *conf->tlsrpt_organization != '\0' ?
	    conf->tlsrpt_organization : "(tlsrpt_organization unset)";
	meta.contact = *conf->tlsrpt_contact != '\0' ?
	    conf->tlsrpt_contact : "postmaster@invalid";
	meta.report_id = id;
	report_buf_init(&b);
	/* A preview: the daemon draws a random nonce when it builds. */
	if (report_id(id, info->day, meta.domain, meta.record,
	    *sub != '\0' ? sub : "invalid", "preview", 7, &err) == -1 ||
	    report_json(&meta, g->e, g->n, &b, &err) == -1) {
		fprintf(stderr, "mtasts-ctl: %s %s: %s\n", info->domain, day,
		    err.msg);
		w->bad++;
	} else
		printf("%s\n", b.buf);
	report_buf_free(&b);
	group_clear(g);
}

static int
walk_fn(const char *key, size_t klen, const void *val, size_t vlen,
    void *arg)
{
	struct walk		*w = arg;
	struct group		*g = &w->g;
	struct report_key_info	 info;
	struct parse_err	 err;

	if (report_key_parse(key, klen, &info, &err) == -1) {
		w->bad++;
		return 0;
	}
	if (w->domain != NULL && (strcmp(info.domain, w->domain) != 0 ||
	    (w->day >= 0 && info.day != w->day)))
		return 0;
	if (g->n > 0 && (info.report_len != g->prefix_len ||
	    memcmp(key, g->prefix, g->prefix_len) != 0))
		group_out(w);
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->e = xreallocarray(g->e, g->cap, sizeof(*g->e));
	}
	report_entry_init(&g->e[g->n]);
	if (report_entry_decode(val, vlen, &g->e[g->n], &err) == -1) {
		w->bad++;
		return 0;
	}
	if (g->n++ == 0) {
		memcpy(g->prefix, key, info.report_len);
		g->prefix_len = info.report_len;
		g->info = info;
	}
	return 0;
}

static int
parse_day(const char *s, int64_t *day)
{
	struct tm	tm;
	char		*end;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	if ((t = timegm(&tm)) == (time_t)-1 || (*day = report_day(t)) < 0)
		return -1;
	return 0;
}

static int
report_walk(struct ctl *ctl, struct walk *w)
{
	struct cache	*c;
	char		*cause = NULL;
	int		 rc = 0;

	w->ctl = ctl;
	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	if (cache_foreach(c, CACHE_DB_REPORT, walk_fn, w, &cause) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		rc = EXIT_CACHE;
	}
	group_out(w);
	free(w->g.e);
	cache_close(c);
	if (w->bad > 0)
		fprintf(stderr, "mtasts-ctl: %u unreadable entr%s skipped\n",
		    w->bad, w->bad == 1 ? "y" : "ies");
	return rc;
}

static int
outbox_fn(const char *key, size_t klen, const void *val, size_t vlen,
    void *arg)
{
	struct outbox_item	 it;
	struct parse_err	 err;
	unsigned		*n = arg;
	char			 day[11], next[32];
	struct tm		 tm;
	time_t			 t;
	size_t			 i;

	if (outbox_decode(val, vlen, &it, &err) == -1) {
		printf("(unreadable item: %s)\n", err.msg);
		return 0;
	}
	(void)report_day_str(it.day, day);
	t = (time_t)it.next_try;
	gmtime_r(&t, &tm);
	strftime(next, sizeof(next), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (i = 0; i < it.ndests; i++) {
		if (it.done & (UINT32_C(1) << i))
			continue;
		printf("%s %s %s %s%s attempts=%u next=%s last_error=%s\n",
		    it.report_id, it.domain, day,
		    it.dests[i].kind == RUA_MAILTO ? "mailto:" : "",
		    it.dests[i].dest, it.attempts, next,
		    *it.last_error != '\0' ? it.last_error : "-");
		(*n)++;
	}
	return 0;
}

int
cmd_report(struct ctl *ctl, char **argv)
{
	struct walk	 w;
	struct cache	*c;
	char		 domain[DOMAIN_MAX + 1], reply[CONTROL_LINE_MAX];
	char		*cause = NULL;
	const char	*why;
	unsigned	 n = 0;
	int		 rc = 0;

	memset(&w, 0, sizeof(w));
	w.day = -1;
	if (strcmp(argv[0], "list") == 0 && argv[1] == NULL) {
		if ((rc = report_walk(ctl, &w)) == 0 && w.reports == 0)
			printf("no pending reports\n");
		return rc;
	}
	if (strcmp(argv[0], "show") == 0 && argv[1] != NULL &&
	    (argv[2] == NULL || argv[3] == NULL)) {
		if (domain_normalize(argv[1], strlen(argv[1]), domain,
		    &why) == -1) {
			fprintf(stderr, "mtasts-ctl: %s: %s\n", argv[1], why);
			return EXIT_USAGE;
		}
		if (argv[2] != NULL && parse_day(argv[2], &w.day) == -1) {
			fprintf(stderr, "mtasts-ctl: %s: not a day "
			    "(YYYY-MM-DD)\n", argv[2]);
			return EXIT_USAGE;
		}
		w.domain = domain;
		w.show = 1;
		if ((rc = report_walk(ctl, &w)) != 0)
			return rc;
		if (w.reports == 0) {
			fprintf(stderr, "mtasts-ctl: no pending report for "
			    "%s\n", domain);
			return EXIT_NOTFOUND;
		}
		return w.bad > 0 ? EXIT_CACHE : 0;
	}
	if (strcmp(argv[0], "send") == 0 && (argv[1] == NULL ||
	    (strcmp(argv[1], "--now") == 0 && argv[2] == NULL))) {
		rc = ctl_control(ctl, argv[1] != NULL ? "report-send now" :
		    "report-send", reply, sizeof(reply), 0);
		if (rc != 0)
			return rc;
		printf("%s\n", reply);
		return strncmp(reply, "OK ", 3) == 0 ? 0 : EXIT_ANSWER;
	}
	if (strcmp(argv[0], "outbox") == 0 && argv[1] == NULL) {
		if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
			return rc;
		if (cache_foreach(c, CACHE_DB_OUTBOX, outbox_fn, &n,
		    &cause) == -1) {
			fprintf(stderr, "mtasts-ctl: %s\n", cause);
			free(cause);
			rc = EXIT_CACHE;
		} else if (n == 0)
			printf("outbox empty\n");
		cache_close(c);
		return rc;
	}
	fprintf(stderr, "usage: mtasts-ctl report list | show DOMAIN [DAY] "
	    "| send [--now] | outbox\n");
	return EXIT_USAGE;
}
