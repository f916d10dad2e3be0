/*
 * cache-fill.c: fill a cache with synthetic records, for sizing and
 * benchmarks.
 *
 *   cache-fill DIR N [PREFIX]
 *
 * Writes N records under the keys PREFIX%07u.example (PREFIX defaults to
 * "d") through the cache API, committing every FILL_FLUSH_EVERY puts, then
 * prints the elapsed time and cache_info().  DIR is created if missing.
 * Exits 0, or 1 with a message.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "record.h"
#include "rules.h"
#include "sts.h"
#include "log.h"
#include "xmalloc.h"

#define FILL_FLUSH_EVERY	10000
#define FILL_KEY_MAX		256

static void	*make_value(unsigned, size_t *);
static double	 elapsed(const struct timespec *);
static void	 usage(void);

/*
 * The value stored for record i (xmalloc, caller frees), its size in
 * *len: a fresh enforce policy for d<i>.example, as a lookup would store
 * it (fetched now, TXT checked now, asked for now), so that the daemon
 * answers it from the cache without any I/O.
 */
static void *
make_value(unsigned i, size_t *len)
{
	struct record		 rec;
	struct sts_policy	 pol;
	struct parse_err	 err;
	char			 text[256];
	void			*buf;
	int64_t			 now = (int64_t)time(NULL);
	int			 n;

	n = snprintf(text, sizeof(text), "version: STSv1\nmode: enforce\n"
	    "mx: mx1.d%07u.example\nmx: *.mx.d%07u.example\n"
	    "max_age: 604800\n", i, i);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    sts_policy_parse(text, (size_t)n, 0, &pol, &err) == -1)
		fatalx("cache-fill: bad synthetic policy: %s", err.msg);
	record_init(&rec);
	rec.txt = RECORD_TXT_OK;
	rec.txt_checked = now;
	rec.last_asked = now;
	snprintf(rec.txt_id, sizeof(rec.txt_id), "%u", i);
	rules_on_fetch_ok(&rec, &pol, text, (size_t)n, rec.txt_id,
	    RECORD_ORIGIN_LOOKUP, now);
	buf = record_encode(&rec, len);
	sts_policy_clear(&pol);
	return buf;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: cache-fill DIR N [PREFIX]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct cache_info	 ci;
	struct cache		*c;
	struct timespec		 t0;
	const char		*dir, *prefix = "d";
	char			 key[FILL_KEY_MAX], *end, *cause = NULL;
	unsigned long		 n;
	unsigned		 i;
	size_t			 len;
	double			 secs;
	void			*val;
	int			 klen;

	if (argc < 3 || argc > 4)
		usage();
	dir = argv[1];
	errno = 0;
	n = strtoul(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || argv[2][0] == '\0' ||
	    n > UINT_MAX)
		usage();
	if (argc == 4)
		prefix = argv[3];
	log_init(1, 0, "cache-fill");

	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		fprintf(stderr, "cache-fill: mkdir %s: %s\n", dir,
		    strerror(errno));
		return 1;
	}
	if ((c = cache_open(dir, 0, &cause)) == NULL) {
		fprintf(stderr, "cache-fill: %s\n", cause);
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		klen = snprintf(key, sizeof(key), "%s%07u.example", prefix, i);
		if (klen < 0 || (size_t)klen >= sizeof(key)) {
			fprintf(stderr, "cache-fill: prefix too long\n");
			return 1;
		}
		val = make_value(i, &len);
		cache_put(c, CACHE_DB_POLICY, key, (size_t)klen, val, len);
		xfree(val);
		if ((i + 1) % FILL_FLUSH_EVERY == 0 &&
		    cache_flush(c, &cause) == -1) {
			fprintf(stderr, "cache-fill: %s\n", cause);
			return 1;
		}
	}
	if (cache_flush(c, &cause) == -1) {
		fprintf(stderr, "cache-fill: %s\n", cause);
		return 1;
	}
	secs = elapsed(&t0);

	if (cache_info(c, &ci, &cause) == -1) {
		fprintf(stderr, "cache-fill: %s\n", cause);
		return 1;
	}
	printf("records    %lu in %.3f s (%.0f puts/s)\n", n, secs,
	    secs > 0 ? (double)n / secs : 0.0);
	printf("entries    %llu\n",
	    (unsigned long long)ci.entries[CACHE_DB_POLICY]);
	printf("map_size   %llu (%.1f MB)\n", (unsigned long long)ci.map_size,
	    (double)ci.map_size / 1048576);
	printf("used       %llu (%.1f MB)\n", (unsigned long long)ci.used,
	    (double)ci.used / 1048576);
	printf("file_size  %llu (%.1f MB)\n", (unsigned long long)ci.file_size,
	    (double)ci.file_size / 1048576);
	printf("readers    %u of %u\n", ci.readers, ci.max_readers);
	cache_close(c);
	return 0;
}
