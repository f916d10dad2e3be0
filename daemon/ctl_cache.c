/*
 * ctl_cache.c: mtasts-ctl's cache commands: list, show, stats, dump and
 * purge.  They open the LMDB environment themselves (read-only but for
 * purge), so they work while the daemon runs and when it is stopped, and
 * explain every record the way the daemon would.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "bounds.h"
#include "cache.h"
#include "conf.h"
#include "control.h"
#include "ctl.h"
#include "dane.h"
#include "decide.h"
#include "domain.h"
#include "failure.h"
#include "record.h"
#include "rules.h"
#include "sts.h"

struct walk {
	int64_t		 now;
	unsigned long	 n, enforce, testing, none, negative, expired;
	unsigned long	 failing, bad;
};

static const char *when(char *, size_t, int64_t, int64_t);
static void	json_str(const char *, size_t);
static int	list_fn(const char *, size_t, const void *, size_t, void *);
static int	dump_fn(const char *, size_t, const void *, size_t, void *);
static int	stats_fn(const char *, size_t, const void *, size_t, void *);
static void	show_record(const char *, const struct record *, int64_t,
		    int, int);
static int	daemon_dane(struct ctl *, int *);
static void	show_answer(const char *, const struct record *, int64_t, int,
		    int);
static void	print_text(const char *, size_t);

/* The cache, or NULL after saying why; *rc gets the exit code. */
struct cache *
ctl_open_cache(struct ctl *ctl, int flags, int *rc)
{
	struct cache	*c;
	const char	*dir = ctl->cache_dir;
	char		*cause = NULL;

	if (dir == NULL)
		dir = ctl_conf(ctl)->cache_dir;
	if ((c = cache_open(dir, flags, &cause)) == NULL) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		*rc = strstr(cause, "ermission") != NULL ? EXIT_DENIED :
		    EXIT_CACHE;
		free(cause);
	}
	return c;
}

/* "2026-11-29T19:00:00Z (in 3h)", "never". */
static const char *
when(char *buf, size_t size, int64_t t, int64_t now)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	int64_t		d = t > now ? t - now : now - t;
	char		rel[32];
	size_t		n;

	if (t == 0) {
		snprintf(buf, size, "never");
		return buf;
	}
	gmtime_r(&tt, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (d < 120)
		snprintf(rel, sizeof(rel), "%llds", (long long)d);
	else if (d < 7200)
		snprintf(rel, sizeof(rel), "%lldm", (long long)d / 60);
	else if (d < 172800)
		snprintf(rel, sizeof(rel), "%lldh", (long long)d / 3600);
	else
		snprintf(rel, sizeof(rel), "%lldd", (long long)d / 86400);
	snprintf(buf + n, size - n, " (%s%s%s)", t > now ? "in " : "", rel,
	    t > now ? "" : " ago");
	return buf;
}

/* Decode or complain; 0 if the record is usable. */
static int
decode(const char *key, size_t klen, const void *val, size_t len,
    struct record *rec, struct record_lines *lines)
{
	struct parse_err	err;

	if (record_decode(val, len, rec, lines, &err) == -1) {
		fprintf(stderr, "mtasts-ctl: %.*s: undecodable record: %s\n",
		    (int)klen, key, err.msg);
		return -1;
	}
	return 0;
}

/*
 * A remote policy body on the operator's terminal: line breaks and tabs
 * stay, other control characters (C0, DEL, and C1 in UTF-8) become \xNN.
 */
static void
print_text(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			printf("\\xc2\\x%02x", (unsigned char)s[++i]);
		} else if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') ||
		    c == 0x7f)
			printf("\\x%02x", c);
		else if (c != '\r')
			putchar(c);
	}
	if (len > 0 && s[len - 1] != '\n')
		putchar('\n');
}

/*
 * list: one line per domain.
 */

static int
list_fn(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	static struct record_lines	 lines;
	struct walk			*w = arg;
	struct record			 rec;
	const char			*mode, *id, *src;
	char				 exp[64];
	int64_t				 until;

	if (decode(key, klen, val, len, &rec, &lines) == -1) {
		w->bad++;
		return 0;
	}
	if (rec.has_policy) {
		mode = sts_mode_str(rec.policy.mode);
		id = rec.policy_id;
		until = rec.expires;
		src = record_origin_str(rec.origin);
	} else {
		mode = "-";
		id = rec.txt_id[0] != '\0' ? rec.txt_id : "-";
		until = rec.negative_until;
		src = rules_negative_fresh(&rec, w->now) ? "negative" : "-";
	}
	printf("%-40.*s %-8s%s %-20s %-32s %-9s %s\n", (int)klen, key, mode,
	    rec.has_policy && !rules_policy_fresh(&rec, w->now) ? "!" : " ",
	    id, until ? when(exp, sizeof(exp), until, w->now) : "-", src,
	    rec.fail != FAIL_NONE ? fail_class_str(rec.fail) : "-");
	w->n++;
	return 0;
}

int
cmd_list(struct ctl *ctl, char **argv)
{
	struct cache	*c;
	struct walk	 w;
	char		*cause = NULL;
	int		 rc = 0;

	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	memset(&w, 0, sizeof(w));
	w.now = (int64_t)time(NULL);
	printf("%-40s %-9s %-20s %-32s %-9s %s\n", "DOMAIN", "MODE", "ID",
	    "EXPIRES", "SOURCE", "ERROR");
	if (cache_foreach(c, CACHE_DB_POLICY, list_fn, &w, &cause) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		rc = EXIT_CACHE;
	}
	cache_close(c);
	printf("# %lu domain(s)%s\n", w.n, w.bad ? ", some undecodable" : "");
	return rc;
}

/*
 * show: everything about one domain.
 */

/*
 * The answer the daemon gives from this record right now, to Postfix's
 * plain profile, and why (decide.c, the same code the daemon runs).
 */
static void
show_answer(const char *domain, const struct record *rec, int64_t now,
    int dane_on, int dane_partial)
{
	struct answer	 a;
	char		 buf[SOCKMAP_REPLY_MAX];
	const char	*why;

	decide_answer(rec, NULL, domain, now, ANSWER_PROFILE_POSTFIX, dane_on,
	    dane_partial, buf, sizeof(buf), &a, &why);
	printf("answer:          %s%s%.*s\n", answer_status_str(a.status),
	    a.len ? " " : "", (int)a.len, a.text);
	if (*why != '\0')
		printf("  because:       %s\n", why);
	else if (a.status == ANSWER_NOTFOUND)
		printf("  because:       %s\n", rules_policy_fresh(rec, now) ?
		    "the policy's mode is not enforce" : "no policy applies");
	else if (a.status == ANSWER_OK)
		printf("  because:       enforce policy\n");
	if (!dane_on)
		printf("  (DANE answers are off)\n");
}

static void
show_record(const char *domain, const struct record *rec, int64_t now,
    int dane_on, int dane_partial)
{
	char	t[64];
	size_t	i;

	printf("domain:          %s\n", domain);
	printf("txt:             %s", record_txt_str(rec->txt));
	if (rec->txt_id[0] != '\0')
		printf(" (id %s)", rec->txt_id);
	printf(", checked %s\n", when(t, sizeof(t), rec->txt_checked, now));
	if (rec->has_policy) {
		printf("policy:          mode %s, id %s, max_age %u%s\n",
		    sts_mode_str(rec->policy.mode), rec->policy_id,
		    rec->policy.max_age, rules_policy_fresh(rec, now) ? "" :
		    " (EXPIRED: not applied)");
		printf("fetched:         %s by %s\n",
		    when(t, sizeof(t), rec->fetched, now),
		    record_origin_str(rec->origin));
		printf("expires:         %s\n",
		    when(t, sizeof(t), rec->expires, now));
		for (i = 0; i < rec->policy.nmx; i++)
			printf("mx:              %s\n", rec->policy.mx[i]);
	} else
		printf("policy:          none cached\n");
	if (rec->negative_until != 0)
		printf("no policy until: %s%s\n",
		    when(t, sizeof(t), rec->negative_until, now),
		    rules_negative_fresh(rec, now) ? "" : " (lapsed)");
	printf("last asked:      %s\n", when(t, sizeof(t), rec->last_asked,
	    now));
	if (rec->fail != FAIL_NONE) {
		printf("last failure:    %s%s%s%s at %s\n",
		    fail_class_str(rec->fail),
		    fail_class_tlsrpt(rec->fail) ? " (" : "",
		    fail_class_tlsrpt(rec->fail) ? fail_class_tlsrpt(rec->fail) :
		    "", fail_class_tlsrpt(rec->fail) ? ")" : "",
		    when(t, sizeof(t), rec->fail_time, now));
		printf("  reason:        %s\n", rec->fail_reason);
		if (rec->fail_id[0] != '\0')
			printf("  under id:      %s\n", rec->fail_id);
		printf("  in a row:      %u\n", rec->failures);
		if (rec->next_fetch != 0)
			printf("  next fetch:    not before %s\n",
			    when(t, sizeof(t), rec->next_fetch, now));
	} else
		printf("last failure:    none\n");
	if (rec->has_dane) {
		printf("dane:            MX %s, checked %s, ",
		    dane_mx_str(rec->dane_mx),
		    when(t, sizeof(t), rec->dane_checked, now));
		printf("good until %s%s\n",
		    when(t, sizeof(t), rec->dane_expires, now),
		    rules_dane_fresh(rec, now) ? "" : " (lapsed)");
		for (i = 0; i < rec->dane_nhosts; i++)
			printf("  mx host:       %s: %s\n", rec->dane_host[i],
			    dane_host_str(rec->dane_class[i]));
	} else
		printf("dane:            not looked up\n");
	show_answer(domain, rec, now, dane_on, dane_partial);
	if (rec->has_policy) {
		printf("policy text (%zu bytes):\n", rec->text_len);
		print_text(rec->text, rec->text_len);
	}
}

int
cmd_show(struct ctl *ctl, char **argv)
{
	static struct record_lines	 lines;
	struct cache			*c;
	struct record			 rec;
	char				 domain[DOMAIN_MAX + 1];
	const char			*why;
	const void			*val;
	size_t				 len;
	int				 rc = 0, found, dane_on, known;

	if (domain_normalize(argv[0], strlen(argv[0]), domain, &why) == -1) {
		fprintf(stderr, "mtasts-ctl: %s: %s\n", argv[0], why);
		return EXIT_USAGE;
	}
	dane_on = daemon_dane(ctl, &known);
	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	found = cache_get(c, CACHE_DB_POLICY, domain, strlen(domain), &val,
	    &len);
	if (found == 1) {
		if (decode(domain, strlen(domain), val, len, &rec, &lines) ==
		    0) {
			show_record(domain, &rec, (int64_t)time(NULL),
			    dane_on, ctl_conf(ctl)->dane_partial);
			if (!known)
				printf("(the daemon did not say whether DANE "
				    "answers are on; assumed %s)\n", dane_on ?
				    "on" : "off");
		}
		else
			rc = EXIT_CACHE;
	} else {
		fprintf(stderr, "mtasts-ctl: %s is not cached\n", domain);
		rc = found == 0 ? EXIT_NOTFOUND : EXIT_CACHE;
	}
	cache_release(c);
	cache_close(c);
	return rc;
}

/*
 * Are the daemon's DANE answers on?  Asked over the control socket; when
 * it cannot say, *known is 0 and the configuration's "dane" decides.
 */
static int
daemon_dane(struct ctl *ctl, int *known)
{
	char	reply[CONTROL_LINE_MAX];

	*known = ctl_control(ctl, "dane", reply, sizeof(reply), 1) == 0 &&
	    strncmp(reply, "OK ", 3) == 0;
	if (*known)
		return strncmp(reply + 3, "on", 2) == 0;
	return ctl_conf(ctl)->dane != CONF_DANE_NO;
}

/*
 * stats: the cache by the numbers, and the daemon's counters.
 */

static int
stats_fn(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	static struct record_lines	 lines;
	struct walk			*w = arg;
	struct record			 rec;

	w->n++;
	if (decode(key, klen, val, len, &rec, &lines) == -1) {
		w->bad++;
		return 0;
	}
	if (rec.has_policy && !rules_policy_fresh(&rec, w->now))
		w->expired++;
	else if (rec.has_policy && rec.policy.mode == STS_MODE_ENFORCE)
		w->enforce++;
	else if (rec.has_policy && rec.policy.mode == STS_MODE_TESTING)
		w->testing++;
	else if (rec.has_policy)
		w->none++;
	else if (rules_negative_fresh(&rec, w->now))
		w->negative++;
	if (rec.fail != FAIL_NONE)
		w->failing++;
	return 0;
}

int
cmd_stats(struct ctl *ctl, char **argv)
{
	struct cache		*c;
	struct cache_info	 ci;
	struct walk		 w;
	char			 reply[CONTROL_LINE_MAX], *cause = NULL;
	int			 rc = 0;

	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	memset(&w, 0, sizeof(w));
	w.now = (int64_t)time(NULL);
	if (cache_foreach(c, CACHE_DB_POLICY, stats_fn, &w, &cause) == -1 ||
	    cache_info(c, &ci, &cause) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		cache_close(c);
		return EXIT_CACHE;
	}
	cache_close(c);
	printf("entries:      %lu\n", w.n);
	printf("  enforce:    %lu\n", w.enforce);
	printf("  testing:    %lu\n", w.testing);
	printf("  none:       %lu\n", w.none);
	printf("  expired:    %lu\n", w.expired);
	printf("  no policy:  %lu (negative entries still valid)\n",
	    w.negative);
	printf("  failing:    %lu (last attempt failed)\n", w.failing);
	if (w.bad)
		printf("  undecodable: %lu\n", w.bad);
	printf("db size:      %llu bytes used, %llu on disk, map %llu\n",
	    (unsigned long long)ci.used, (unsigned long long)ci.file_size,
	    (unsigned long long)ci.map_size);
	printf("readers:      %u of %u\n", ci.readers, ci.max_readers);
	printf("reports:      %llu pending entr%s, %llu report(s) in the "
	    "outbox\n", (unsigned long long)ci.entries[CACHE_DB_REPORT],
	    ci.entries[CACHE_DB_REPORT] == 1 ? "y" : "ies",
	    (unsigned long long)ci.entries[CACHE_DB_OUTBOX]);
	switch (ctl_control(ctl, "stats", reply, sizeof(reply), 1)) {
	case 0:
		printf("daemon:       %s\n", strncmp(reply, "OK ", 3) == 0 ?
		    reply + 3 : reply);
		/* DEC-20: whether answers use DANE, and why (not). */
		if (ctl_control(ctl, "dane", reply, sizeof(reply), 1) == 0)
			printf("dane:         %s\n", strncmp(reply, "OK ", 3) ==
			    0 ? reply + 3 : reply);
		if (ctl_control(ctl, "tlsrpt-stats", reply, sizeof(reply),
		    1) == 0)
			printf("tlsrpt:       %s\n", strncmp(reply, "OK ", 3) ==
			    0 ? reply + 3 : reply);
		break;
	case EXIT_DENIED:
		printf("daemon:       control socket: permission denied\n");
		break;
	default:
		printf("daemon:       not running (or control socket "
		    "unreachable)\n");
		break;
	}
	return 0;
}

/*
 * dump --json: one object per line, every field, times as epoch seconds.
 */

static void
json_str(const char *s, size_t len)
{
	size_t	i;

	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int
dump_fn(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	static struct record_lines	 lines;
	struct walk			*w = arg;
	struct record			 rec;
	size_t				 i;

	if (decode(key, klen, val, len, &rec, &lines) == -1) {
		w->bad++;
		return 0;
	}
	printf("{\"domain\":");
	json_str(key, klen);
	printf(",\"txt\":\"%s\",\"txt_id\":", record_txt_str(rec.txt));
	json_str(rec.txt_id, strlen(rec.txt_id));
	printf(",\"txt_checked\":%lld", (long long)rec.txt_checked);
	if (rec.has_policy) {
		printf(",\"policy\":{\"id\":");
		json_str(rec.policy_id, strlen(rec.policy_id));
		printf(",\"mode\":\"%s\",\"max_age\":%u,\"mx\":[",
		    sts_mode_str(rec.policy.mode), rec.policy.max_age);
		for (i = 0; i < rec.policy.nmx; i++) {
			if (i > 0)
				putchar(',');
			json_str(rec.policy.mx[i], strlen(rec.policy.mx[i]));
		}
		printf("],\"fetched\":%lld,\"expires\":%lld,\"fresh\":%s,"
		    "\"origin\":\"%s\",\"text\":", (long long)rec.fetched,
		    (long long)rec.expires, rules_policy_fresh(&rec, w->now) ?
		    "true" : "false", record_origin_str(rec.origin));
		json_str(rec.text, rec.text_len);
		putchar('}');
	} else
		printf(",\"policy\":null");
	printf(",\"negative_until\":%lld,\"last_asked\":%lld",
	    (long long)rec.negative_until, (long long)rec.last_asked);
	if (rec.fail != FAIL_NONE) {
		printf(",\"failure\":{\"class\":\"%s\",\"result_type\":",
		    fail_class_str(rec.fail));
		if (fail_class_tlsrpt(rec.fail) != NULL)
			printf("\"%s\"", fail_class_tlsrpt(rec.fail));
		else
			printf("null");
		printf(",\"reason\":");
		json_str(rec.fail_reason, strlen(rec.fail_reason));
		printf(",\"time\":%lld,\"id\":", (long long)rec.fail_time);
		json_str(rec.fail_id, strlen(rec.fail_id));
		printf(",\"count\":%u,\"next_fetch\":%lld}", rec.failures,
		    (long long)rec.next_fetch);
	} else
		printf(",\"failure\":null");
	if (rec.has_dane) {
		printf(",\"dane\":{\"mx\":\"%s\",\"checked\":%lld,"
		    "\"expires\":%lld,\"fresh\":%s,\"hosts\":[",
		    dane_mx_str(rec.dane_mx), (long long)rec.dane_checked,
		    (long long)rec.dane_expires, rules_dane_fresh(&rec,
		    w->now) ? "true" : "false");
		for (i = 0; i < rec.dane_nhosts; i++) {
			printf("%s{\"host\":", i > 0 ? "," : "");
			json_str(rec.dane_host[i], strlen(rec.dane_host[i]));
			printf(",\"tlsa\":\"%s\"}",
			    dane_host_str(rec.dane_class[i]));
		}
		printf("]}");
	} else
		printf(",\"dane\":null");
	printf("}\n");
	w->n++;
	return 0;
}

int
cmd_dump(struct ctl *ctl, char **argv)
{
	struct cache	*c;
	struct walk	 w;
	char		*cause = NULL;
	int		 rc = 0;

	/* JSON is the only format; the flag says so for scripts. */
	if (argv[0] != NULL && strcmp(argv[0], "--json") != 0)
		return EXIT_USAGE;
	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	memset(&w, 0, sizeof(w));
	w.now = (int64_t)time(NULL);
	if (cache_foreach(c, CACHE_DB_POLICY, dump_fn, &w, &cause) == -1) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
		rc = EXIT_CACHE;
	}
	cache_close(c);
	if (w.bad)
		rc = EXIT_CACHE;
	return rc;
}

/*
 * purge DOMAIN | --all: written straight to the cache.  A lookup the
 * daemon is running at that moment may store its result afterwards.
 */
int
cmd_purge(struct ctl *ctl, char **argv)
{
	struct cache	*c;
	char		 domain[DOMAIN_MAX + 1], *cause = NULL;
	const char	*why;
	const void	*val;
	size_t		 len;
	int		 rc = 0, found;

	if (strcmp(argv[0], "--all") != 0 &&
	    domain_normalize(argv[0], strlen(argv[0]), domain, &why) == -1) {
		fprintf(stderr, "mtasts-ctl: %s: %s\n", argv[0], why);
		return EXIT_USAGE;
	}
	/* Never create a cache (as root, for a daemon that runs as another
	 * user): it must exist already. */
	if ((c = ctl_open_cache(ctl, CACHE_RDONLY, &rc)) == NULL)
		return rc;
	cache_close(c);
	if ((c = ctl_open_cache(ctl, 0, &rc)) == NULL)
		return rc;
	if (strcmp(argv[0], "--all") == 0) {
		if (cache_clear(c, CACHE_DB_POLICY, &cause) == -1)
			rc = EXIT_CACHE;
		else
			printf("purged every cached domain\n");
	} else {
		found = cache_get(c, CACHE_DB_POLICY, domain, strlen(domain),
		    &val, &len);
		cache_release(c);
		if (found != 1) {
			fprintf(stderr, "mtasts-ctl: %s is not cached\n",
			    domain);
			rc = EXIT_NOTFOUND;
		} else {
			cache_del(c, CACHE_DB_POLICY, domain, strlen(domain));
			if (cache_flush(c, &cause) == -1)
				rc = EXIT_CACHE;
			else
				printf("purged %s\n", domain);
		}
	}
	if (cause != NULL) {
		fprintf(stderr, "mtasts-ctl: %s\n", cause);
		free(cause);
	}
	cache_close(c);
	return rc;
}
