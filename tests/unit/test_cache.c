/*
 * test_cache.c: the LMDB wrapper against real environments in temporary
 * directories under /tmp (removed at the end).  A second process (a
 * second opener, a writer that grows the map, readers filling the reader
 * table) is a fork()ed child that opens its own environment and reports
 * through its exit code and a pipe; cmocka runs only in the parent.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>	/* only to inspect environments from a child */

#include "tabletest.h"
#include "cache.h"
#include "log.h"
#include "xmalloc.h"

#define MAP_SMALL	"65536"		/* MTASTS_CACHE_MAP_INITIAL */
#define MAP_SMALL_N	65536ULL
#define NOBODY		65534

typedef int (*child_fn)(const char *, void *, char *, size_t);

static char	 root[] = "/tmp/test_cache.XXXXXX";
static unsigned	 ndirs;

/* In a child: on failure say where, and exit 1. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		snprintf(msg, msgsz, "line %d: %s", __LINE__, #cond);	\
		return 1;						\
	}								\
} while (0)

/* A fresh, empty directory for one test (freed by the caller). */
static char *
new_dir(void)
{
	char	*dir;

	xasprintf(&dir, "%s/%u", root, ndirs++);
	assert_int_equal(mkdir(dir, 0755), 0);
	return dir;
}

static struct cache *
open_ok(const char *dir, int flags)
{
	struct cache	*c;
	char		*cause = NULL;

	c = cache_open(dir, flags, &cause);
	if (c == NULL)
		fail_msg("cache_open %s: %s", dir, cause);
	return c;
}

static void
flush_ok(struct cache *c)
{
	char	*cause = NULL;

	if (cache_flush(c, &cause) != 0)
		fail_msg("cache_flush: %s", cause);
}

static void
put_s(struct cache *c, const char *k, const char *v)
{
	cache_put(c, CACHE_DB_POLICY, k, strlen(k), v, strlen(v));
}

/* cache_get into a string: 1 with out set, 0, or -1. */
static int
get_s(struct cache *c, const char *k, char *out, size_t outsz)
{
	const void	*v;
	size_t		 len;
	int		 rc;

	rc = cache_get(c, CACHE_DB_POLICY, k, strlen(k), &v, &len);
	if (rc == 1) {
		if (len >= outsz)
			len = outsz - 1;
		memcpy(out, v, len);
		out[len] = '\0';
	}
	return rc;
}

/* Synthetic values: vsize bytes that depend on i. */
static void
make_val(unsigned i, unsigned char *buf, size_t vsize)
{
	size_t	j;

	for (j = 0; j < vsize; j++)
		buf[j] = (unsigned char)(i * 31 + j);
}

static void
put_n(struct cache *c, unsigned from, unsigned to, size_t vsize,
    unsigned flush_every)
{
	unsigned char	 buf[2048];
	char		 key[32];
	unsigned	 i;

	assert_true(vsize <= sizeof(buf));
	for (i = from; i < to; i++) {
		snprintf(key, sizeof(key), "k%07u", i);
		make_val(i, buf, vsize);
		cache_put(c, CACHE_DB_POLICY, key, strlen(key), buf, vsize);
		if (flush_every != 0 && (i + 1) % flush_every == 0)
			flush_ok(c);
	}
}

/* How many of keys [from, to) hold the right value. */
static unsigned
count_good(struct cache *c, unsigned from, unsigned to, size_t vsize)
{
	unsigned char	 buf[2048];
	const void	*v;
	char		 key[32];
	size_t		 len;
	unsigned	 i, good = 0;

	for (i = from; i < to; i++) {
		snprintf(key, sizeof(key), "k%07u", i);
		make_val(i, buf, vsize);
		if (cache_get(c, CACHE_DB_POLICY, key, strlen(key), &v,
		    &len) == 1 && len == vsize && memcmp(v, buf, vsize) == 0)
			good++;
	}
	cache_release(c);
	return good;
}

static void
info_ok(struct cache *c, struct cache_info *ci)
{
	char	*cause = NULL;

	if (cache_info(c, ci, &cause) != 0)
		fail_msg("cache_info: %s", cause);
}

static size_t
read_all(int fd, char *buf, size_t size)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < size) {
		n = read(fd, buf + off, size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	return off;
}

/*
 * Run fn(dir, arg, msg, msgsz) in a child; returns its exit code (-1 if
 * it died) with the message it left in msg.
 */
static int
in_child(child_fn fn, const char *dir, void *arg, char *msg, size_t msgsz)
{
	char	 buf[512];
	int	 p[2], status, rc;
	pid_t	 pid;
	size_t	 n;

	assert_int_equal(pipe(p), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		close(p[0]);
		buf[0] = '\0';
		rc = fn(dir, arg, buf, sizeof(buf));
		if (write(p[1], buf, strlen(buf)) == -1)
			rc = 2;
		_exit(rc);
	}
	close(p[1]);
	n = read_all(p[0], msg, msgsz - 1);
	msg[n] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static mode_t
mode_of(const char *dir, const char *file)
{
	struct stat	 st;
	char		*path;

	xasprintf(&path, "%s/%s", dir, file);
	assert_int_equal(stat(path, &st), 0);
	xfree(path);
	return st.st_mode & 07777;
}

/*
 * Read-your-writes and persistence, as scripts of steps against one
 * cache in a fresh directory.
 */
enum step_op {
	S_END = 0,
	S_PUT,		/* key val */
	S_DEL,		/* key */
	S_FLUSH,
	S_GET,		/* key, expect val */
	S_MISS,		/* key, expect nothing */
	S_PENDING,	/* expect n queued */
	S_RELEASE,
	S_REOPEN	/* cache_close (flushes), cache_open */
};

struct step {
	enum step_op	 op;
	const char	*key;
	const char	*val;
	size_t		 n;
};

struct rw_case {
	const char	*label;
	struct step	 steps[16];
};

#define K10	"abcdefghij"
#define K50	K10 K10 K10 K10 K10
#define K253	K50 K50 K50 K50 K50 "xyz"

static const struct rw_case rw_cases[] = {
	{ "nothing is there in a new cache", {
	    { S_MISS, "a", NULL, 0 }, { S_PENDING, NULL, NULL, 0 } } },
	{ "a queued put is read back before the flush", {
	    { S_PUT, "a", "1", 0 }, { S_PENDING, NULL, NULL, 1 },
	    { S_GET, "a", "1", 0 }, { S_MISS, "b", NULL, 0 } } },
	{ "a committed put is read back after the flush", {
	    { S_PUT, "a", "1", 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_PENDING, NULL, NULL, 0 }, { S_GET, "a", "1", 0 },
	    { S_RELEASE, NULL, NULL, 0 }, { S_GET, "a", "1", 0 } } },
	{ "a queued delete hides the committed value", {
	    { S_PUT, "a", "1", 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_GET, "a", "1", 0 }, { S_DEL, "a", NULL, 0 },
	    { S_MISS, "a", NULL, 0 }, { S_PENDING, NULL, NULL, 1 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_MISS, "a", NULL, 0 },
	    { S_REOPEN, NULL, NULL, 0 }, { S_MISS, "a", NULL, 0 } } },
	{ "a later put replaces an earlier queued one", {
	    { S_PUT, "a", "1", 0 }, { S_PUT, "a", "22", 0 },
	    { S_PENDING, NULL, NULL, 1 }, { S_GET, "a", "22", 0 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_GET, "a", "22", 0 } } },
	{ "a put after a queued delete wins", {
	    { S_PUT, "a", "1", 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_DEL, "a", NULL, 0 }, { S_PUT, "a", "3", 0 },
	    { S_PENDING, NULL, NULL, 1 }, { S_GET, "a", "3", 0 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_GET, "a", "3", 0 } } },
	{ "a delete after a queued put wins", {
	    { S_PUT, "a", "1", 0 }, { S_DEL, "a", NULL, 0 },
	    { S_MISS, "a", NULL, 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_MISS, "a", NULL, 0 } } },
	{ "deleting a missing key commits", {
	    { S_DEL, "zz", NULL, 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_PENDING, NULL, NULL, 0 }, { S_MISS, "zz", NULL, 0 } } },
	{ "a queued put overrides an open snapshot", {
	    { S_PUT, "a", "1", 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_GET, "a", "1", 0 }, { S_PUT, "a", "2", 0 },
	    { S_GET, "a", "2", 0 } } },
	{ "keys that are prefixes of each other", {
	    { S_PUT, "ab", "1", 0 }, { S_PUT, "abc", "2", 0 },
	    { S_GET, "ab", "1", 0 }, { S_GET, "abc", "2", 0 },
	    { S_MISS, "a", NULL, 0 }, { S_FLUSH, NULL, NULL, 0 },
	    { S_GET, "ab", "1", 0 }, { S_GET, "abc", "2", 0 },
	    { S_MISS, "abcd", NULL, 0 } } },
	{ "an empty value", {
	    { S_PUT, "a", "", 0 }, { S_GET, "a", "", 0 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_GET, "a", "", 0 } } },
	{ "a 253-byte key", {
	    { S_PUT, K253, "long", 0 }, { S_GET, K253, "long", 0 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_GET, K253, "long", 0 } } },
	{ "committed data persists across close and reopen", {
	    { S_PUT, "a", "1", 0 }, { S_PUT, "b", "2", 0 },
	    { S_FLUSH, NULL, NULL, 0 }, { S_REOPEN, NULL, NULL, 0 },
	    { S_GET, "a", "1", 0 }, { S_GET, "b", "2", 0 } } },
	{ "close commits what is queued", {
	    { S_PUT, "a", "1", 0 }, { S_DEL, "b", NULL, 0 },
	    { S_REOPEN, NULL, NULL, 0 }, { S_PENDING, NULL, NULL, 0 },
	    { S_GET, "a", "1", 0 }, { S_MISS, "b", NULL, 0 } } },
};

static void
test_rw(void **state)
{
	const struct rw_case	*tc = *state;
	const struct step	*s;
	struct cache		*c;
	char			*dir, out[64];

	dir = new_dir();
	c = open_ok(dir, 0);
	for (s = tc->steps; s->op != S_END; s++) {
		switch (s->op) {
		case S_PUT:
			put_s(c, s->key, s->val);
			break;
		case S_DEL:
			cache_del(c, CACHE_DB_POLICY, s->key, strlen(s->key));
			break;
		case S_FLUSH:
			flush_ok(c);
			break;
		case S_GET:
			assert_int_equal(get_s(c, s->key, out, sizeof(out)), 1);
			assert_string_equal(out, s->val);
			break;
		case S_MISS:
			assert_int_equal(get_s(c, s->key, out, sizeof(out)), 0);
			break;
		case S_PENDING:
			assert_int_equal(cache_pending(c), s->n);
			break;
		case S_RELEASE:
			cache_release(c);
			break;
		case S_REOPEN:
			cache_close(c);
			c = open_ok(dir, 0);
			break;
		case S_END:
			break;
		}
	}
	cache_close(c);
	xfree(dir);
}

static void
test_open_new(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	char			*dir, *path;

	dir = new_dir();
	c = open_ok(dir, 0);
	xasprintf(&path, "%s/data.mdb", dir);
	assert_int_equal(access(path, F_OK), 0);
	xfree(path);
	xasprintf(&path, "%s/lock.mdb", dir);
	assert_int_equal(access(path, F_OK), 0);
	xfree(path);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 0);
	assert_int_equal(ci.map_size, CACHE_MAP_INITIAL);
	assert_int_equal(cache_pending(c), 0);
	cache_close(c);
	cache_close(NULL);
	xfree(dir);
}

struct open_fail_case {
	const char	*label;
	const char	*sub;		/* under a fresh directory */
	int		 flags;
	int		 make_file;	/* sub is a regular file */
	const char	*want;		/* in the cause */
};

static const struct open_fail_case open_fail_cases[] = {
	{ "missing directory", "nonexistent", 0, 0,
	    "No such file or directory" },
	{ "missing directory, read-only: no cache yet", "nonexistent",
	    CACHE_RDONLY, 0, "no cache yet in " },
	{ "not a directory", "file", 0, 1, "Not a directory" },
	{ "read-only and no cache yet", "", CACHE_RDONLY, 0,
	    "no cache yet in " },
};

static void
test_open_fail(void **state)
{
	const struct open_fail_case	*tc = *state;
	struct cache			*c;
	char				*dir, *path, *cause = NULL;
	FILE				*f;

	dir = new_dir();
	xasprintf(&path, "%s/%s", dir, tc->sub);
	if (tc->make_file) {
		assert_non_null(f = fopen(path, "w"));
		fclose(f);
	}
	c = cache_open(path, tc->flags, &cause);
	assert_null(c);
	assert_non_null(cause);
	if (strstr(cause, tc->want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, tc->want);
	xfree(cause);
	xfree(path);
	xfree(dir);
}

/* As nobody (when root), or with lock.mdb unwritable: a reader fails. */
static int
child_rdonly_eacces(const char *dir, void *arg, char *msg, size_t msgsz)
{
	struct cache	*c;
	char		*cause = NULL;

	if (geteuid() == 0) {
		CHECK(setgroups(0, NULL) == 0);
		CHECK(setgid(NOBODY) == 0);
		CHECK(setuid(NOBODY) == 0);
	}
	c = cache_open(dir, CACHE_RDONLY, &cause);
	CHECK(c == NULL);
	snprintf(msg, msgsz, "%s", cause);
	return 0;
}

static void
test_rdonly_eacces(void **state)
{
	struct cache	*c;
	char		*dir, *path, msg[512];

	dir = new_dir();
	c = open_ok(dir, 0);
	put_s(c, "a", "1");
	cache_close(c);
	assert_int_equal(chmod(root, 0711), 0);
	xasprintf(&path, "%s/data.mdb", dir);
	assert_int_equal(chmod(path, 0644), 0);
	xfree(path);
	if (geteuid() != 0) {
		xasprintf(&path, "%s/lock.mdb", dir);
		assert_int_equal(chmod(path, 0440), 0);
		xfree(path);
	}
	assert_int_equal(in_child(child_rdonly_eacces, dir, NULL, msg,
	    sizeof(msg)), 0);
	assert_non_null(strstr(msg, "Permission denied"));
	assert_non_null(strstr(msg, "lock.mdb"));
	assert_int_equal(chmod(root, 0700), 0);
	xfree(dir);
}

/* An environment without our named database, written by plain LMDB. */
static int
child_bare_env(const char *dir, void *arg, char *msg, size_t msgsz)
{
	MDB_env	*env;
	MDB_txn	*txn;
	MDB_dbi	 dbi;
	MDB_val	 k = { 1, (void *)(uintptr_t)"x" }, v = k;

	CHECK(mdb_env_create(&env) == 0);
	CHECK(mdb_env_open(env, dir, 0, 0640) == 0);
	CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
	CHECK(mdb_dbi_open(txn, NULL, 0, &dbi) == 0);
	CHECK(mdb_put(txn, dbi, &k, &v, 0) == 0);
	CHECK(mdb_txn_commit(txn) == 0);
	mdb_env_close(env);
	return 0;
}

static int
count_cb(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	(*(unsigned *)arg)++;
	return 0;
}

static void
test_rdonly_no_db(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	char			*dir, msg[512], out[8], *cause = NULL;
	unsigned		 n = 0;

	dir = new_dir();
	assert_int_equal(in_child(child_bare_env, dir, NULL, msg,
	    sizeof(msg)), 0);
	c = open_ok(dir, CACHE_RDONLY);
	assert_int_equal(get_s(c, "x", out, sizeof(out)), 0);
	assert_int_equal(cache_foreach(c, CACHE_DB_POLICY, count_cb, &n,
	    &cause), 0);
	assert_int_equal(n, 0);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 0);
	cache_close(c);
	xfree(dir);
}

/* A reader in another process sees what was flushed, nothing queued. */
static int
child_reader(const char *dir, void *arg, char *msg, size_t msgsz)
{
	struct cache_info	 ci;
	struct cache		*c;
	char			 out[64], *cause = NULL;
	unsigned		 n = 0;

	c = cache_open(dir, CACHE_RDONLY, &cause);
	CHECK(c != NULL);
	CHECK(get_s(c, "a", out, sizeof(out)) == 1 && strcmp(out, "1") == 0);
	CHECK(get_s(c, "b", out, sizeof(out)) == 1 && strcmp(out, "2") == 0);
	CHECK(get_s(c, "queued", out, sizeof(out)) == 0);
	cache_release(c);
	CHECK(cache_foreach(c, CACHE_DB_POLICY, count_cb, &n, &cause) == 0);
	CHECK(n == 2);
	CHECK(cache_info(c, &ci, &cause) == 0);
	CHECK(ci.entries[CACHE_DB_POLICY] == 2);
	put_s(c, "c", "3");
	CHECK(cache_pending(c) == 0);
	CHECK(cache_flush(c, &cause) == 0);
	CHECK(cache_clear(c, CACHE_DB_POLICY, &cause) == -1);
	CHECK(strstr(cause, "read-only") != NULL);
	cache_close(c);
	return 0;
}

static void
test_second_reader(void **state)
{
	struct cache	*c;
	char		*dir, msg[512], out[8];

	dir = new_dir();
	c = open_ok(dir, 0);
	put_s(c, "a", "1");
	put_s(c, "b", "2");
	flush_ok(c);
	put_s(c, "queued", "x");
	assert_int_equal(get_s(c, "a", out, sizeof(out)), 1);
	if (in_child(child_reader, dir, NULL, msg, sizeof(msg)) != 0)
		fail_msg("child: %s", msg);
	assert_int_equal(get_s(c, "a", out, sizeof(out)), 1);
	cache_close(c);
	xfree(dir);
}

/* The last transaction id, from a plain LMDB reader in a child. */
static int
child_txnid(const char *dir, void *arg, char *msg, size_t msgsz)
{
	MDB_env		*env;
	MDB_envinfo	 info;

	CHECK(mdb_env_create(&env) == 0);
	CHECK(mdb_env_set_maxdbs(env, 8) == 0);
	CHECK(mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0640) == 0);
	CHECK(mdb_env_info(env, &info) == 0);
	snprintf(msg, msgsz, "%llu", (unsigned long long)info.me_last_txnid);
	mdb_env_close(env);
	return 0;
}

static unsigned long long
txnid(const char *dir)
{
	char	msg[512];

	if (in_child(child_txnid, dir, NULL, msg, sizeof(msg)) != 0)
		fail_msg("child: %s", msg);
	return strtoull(msg, NULL, 10);
}

static void
test_flush_one_txn(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	unsigned long long	 before;
	char			*dir;

	dir = new_dir();
	c = open_ok(dir, 0);
	before = txnid(dir);
	put_n(c, 0, 1000, 100, 0);
	assert_int_equal(cache_pending(c), 1000);
	assert_int_equal(count_good(c, 0, 1000, 100), 1000);
	assert_int_equal(txnid(dir), before);
	flush_ok(c);
	assert_int_equal(txnid(dir), before + 1);
	assert_int_equal(cache_pending(c), 0);
	assert_int_equal(count_good(c, 0, 1000, 100), 1000);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 1000);
	/* Nothing queued: no transaction at all. */
	flush_ok(c);
	assert_int_equal(txnid(dir), before + 1);
	cache_close(c);
	xfree(dir);
}

struct grow_case {
	const char	*label;
	unsigned	 n;
	size_t		 vsize;
	unsigned	 flush_every;	/* 0: one flush at the end */
};

static const struct grow_case grow_cases[] = {
	{ "map grows under many small flushes", 3000, 1000, 50 },
	{ "map grows under one big batch", 3000, 1000, 0 },
	{ "map grows for big values", 200, 2000, 7 },
};

static void
test_grow(void **state)
{
	const struct grow_case	*tc = *state;
	struct cache_info	 ci;
	struct cache		*c;
	char			*dir;

	dir = new_dir();
	assert_int_equal(setenv("MTASTS_CACHE_MAP_INITIAL", MAP_SMALL, 1), 0);
	c = open_ok(dir, 0);
	info_ok(c, &ci);
	assert_int_equal(ci.map_size, MAP_SMALL_N);
	put_n(c, 0, tc->n, tc->vsize, tc->flush_every);
	flush_ok(c);
	assert_int_equal(cache_pending(c), 0);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], tc->n);
	if (tc->n * tc->vsize > 1000000)
		assert_true(ci.map_size >= MAP_SMALL_N << 5);
	else
		assert_true(ci.map_size >= MAP_SMALL_N << 2);
	assert_true(ci.used <= ci.map_size);
	assert_int_equal(count_good(c, 0, tc->n, tc->vsize), tc->n);
	cache_close(c);

	/* Reopened, the environment keeps its grown map. */
	c = open_ok(dir, 0);
	info_ok(c, &ci);
	assert_true(ci.map_size > MAP_SMALL_N);
	assert_int_equal(count_good(c, 0, tc->n, tc->vsize), tc->n);
	cache_close(c);
	unsetenv("MTASTS_CACHE_MAP_INITIAL");
	xfree(dir);
}

/* Another writer grows the map well past the parent's. */
static int
child_grower(const char *dir, void *arg, char *msg, size_t msgsz)
{
	struct cache	*c;
	char		*cause = NULL;
	unsigned char	 buf[1000];
	char		 key[32];
	unsigned	 i;

	c = cache_open(dir, 0, &cause);
	CHECK(c != NULL);
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "k%07u", i);
		make_val(i, buf, sizeof(buf));
		cache_put(c, CACHE_DB_POLICY, key, strlen(key), buf,
		    sizeof(buf));
		if (i % 100 == 99)
			CHECK(cache_flush(c, &cause) == 0);
	}
	cache_close(c);
	return 0;
}

static void
test_map_resized(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	char			*dir, msg[512], out[16];

	dir = new_dir();
	assert_int_equal(setenv("MTASTS_CACHE_MAP_INITIAL", MAP_SMALL, 1), 0);
	c = open_ok(dir, 0);
	put_s(c, "p", "parent");
	flush_ok(c);
	assert_int_equal(get_s(c, "p", out, sizeof(out)), 1);
	cache_release(c);
	info_ok(c, &ci);
	assert_int_equal(ci.map_size, MAP_SMALL_N);

	if (in_child(child_grower, dir, NULL, msg, sizeof(msg)) != 0)
		fail_msg("child: %s", msg);

	/* The next snapshot meets MDB_MAP_RESIZED and adopts the map. */
	assert_int_equal(get_s(c, "p", out, sizeof(out)), 1);
	assert_string_equal(out, "parent");
	assert_int_equal(count_good(c, 0, 2000, 1000), 2000);
	info_ok(c, &ci);
	assert_true(ci.map_size >= 2000 * 1000);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 2001);

	/* And the parent still writes. */
	put_s(c, "p2", "again");
	flush_ok(c);
	assert_int_equal(get_s(c, "p2", out, sizeof(out)), 1);
	assert_string_equal(out, "again");
	cache_close(c);
	unsetenv("MTASTS_CACHE_MAP_INITIAL");
	xfree(dir);
}

/*
 * Readers that hold a slot until their "go" pipe closes; then they exit
 * without releasing it, leaving a stale slot.
 */
struct holder {
	int	ready;		/* write end */
	int	go;		/* read end */
	int	go_w;		/* write end, closed in the child */
};

static int
child_holder(const char *dir, void *arg, char *msg, size_t msgsz)
{
	struct holder	*h = arg;
	struct cache	*c;
	char		 out[8], *cause = NULL, b = 'r';

	close(h->go_w);
	c = cache_open(dir, CACHE_RDONLY, &cause);
	CHECK(c != NULL);
	CHECK(get_s(c, "x", out, sizeof(out)) == 1);
	CHECK(write(h->ready, &b, 1) == 1);
	if (read(h->go, &b, 1) == -1)
		_exit(1);
	_exit(0);
}

static void
test_readers_full(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	struct holder		 h;
	pid_t			*pids;
	char			*dir, msg[512], out[8], b;
	int			 ready[2], go[2], status;
	unsigned		 i, n;

	dir = new_dir();
	c = open_ok(dir, 0);
	put_s(c, "x", "1");
	flush_ok(c);
	info_ok(c, &ci);
	n = ci.max_readers;
	assert_true(n > 0 && n < 1000);
	/* Our snapshot kept a slot; only closing gives it back. */
	cache_close(c);
	c = open_ok(dir, 0);

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	h.ready = ready[1];
	h.go = go[0];
	h.go_w = go[1];
	pids = xcalloc(n, sizeof(*pids));
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		assert_true(pids[i] != -1);
		if (pids[i] == 0) {
			msg[0] = '\0';
			child_holder(dir, &h, msg, sizeof(msg));
			fprintf(stderr, "holder: %s\n", msg);
			b = 'f';
			if (write(h.ready, &b, 1) == -1)
				_exit(2);
			_exit(1);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (i = 0; i < n; i++) {
		assert_int_equal(read(ready[0], &b, 1), 1);
		assert_int_equal(b, 'r');
	}

	/* Every slot is held by a live process: this read fails. */
	assert_int_equal(get_s(c, "x", out, sizeof(out)), -1);

	/* The holders die without releasing: their slots are reclaimed. */
	close(go[1]);
	for (i = 0; i < n; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(ready[0]);
	assert_int_equal(get_s(c, "x", out, sizeof(out)), 1);
	assert_string_equal(out, "1");
	cache_release(c);
	info_ok(c, &ci);
	assert_int_equal(ci.readers, 1);
	xfree(pids);
	cache_close(c);
	xfree(dir);
}

struct foreach_case {
	const char	*label;
	unsigned	 stop_at;	/* 0: never */
	int		 want_ret;
	unsigned	 want_n;
};

static const struct foreach_case foreach_cases[] = {
	{ "foreach visits committed entries in key order", 0, 0, 5 },
	{ "foreach stops when fn returns non-zero", 2, 7, 2 },
	{ "foreach stops at the first entry", 1, 1, 1 },
};

struct collect {
	unsigned	 n, stop_at;
	int		 ret;
	char		 keys[8][16];
	char		 vals[8][16];
};

static int
collect_cb(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	struct collect	*co = arg;

	if (co->n < 8 && klen < 16 && len < 16) {
		memcpy(co->keys[co->n], key, klen);
		co->keys[co->n][klen] = '\0';
		memcpy(co->vals[co->n], val, len);
		co->vals[co->n][len] = '\0';
	}
	co->n++;
	return co->n == co->stop_at ? co->ret : 0;
}

static void
test_foreach(void **state)
{
	const struct foreach_case	*tc = *state;
	static const char *const	 sorted[] = {
		"alpha", "bravo", "charlie", "delta", "echo"
	};
	struct collect			 co;
	struct cache			*c;
	char				*dir, *cause = NULL;
	unsigned			 i;

	dir = new_dir();
	c = open_ok(dir, 0);
	put_s(c, "delta", "4");
	put_s(c, "alpha", "1");
	put_s(c, "echo", "5");
	put_s(c, "charlie", "3");
	put_s(c, "bravo", "2");
	flush_ok(c);
	put_s(c, "aaa", "queued");		/* not committed: not seen */
	cache_del(c, CACHE_DB_POLICY, "bravo", 5);	/* still seen */

	memset(&co, 0, sizeof(co));
	co.stop_at = tc->stop_at;
	co.ret = tc->want_ret;
	assert_int_equal(cache_foreach(c, CACHE_DB_POLICY, collect_cb, &co,
	    &cause), tc->want_ret);
	assert_int_equal(co.n, tc->want_n);
	for (i = 0; i < co.n; i++) {
		assert_string_equal(co.keys[i], sorted[i]);
		assert_int_equal(co.vals[i][0], '1' + (int)i);
	}
	cache_close(c);
	xfree(dir);
}

struct nested {
	struct cache	*c;
	int		 flush_rc, get_rc;
};

static int
nested_cb(const char *key, size_t klen, const void *val, size_t len,
    void *arg)
{
	struct nested	*ne = arg;
	char		*cause = NULL, out[8];

	cache_put(ne->c, CACHE_DB_POLICY, "new", 3, "n", 1);
	ne->flush_rc = cache_flush(ne->c, &cause);
	xfree(cause);
	cache_release(ne->c);		/* a no-op while iterating */
	ne->get_rc = get_s(ne->c, "b", out, sizeof(out));
	return 0;
}

/* Writes from inside the callback queue; a commit waits. */
static void
test_foreach_nested(void **state)
{
	struct nested	 ne;
	struct cache	*c;
	char		*dir, *cause = NULL, out[8];

	dir = new_dir();
	c = open_ok(dir, 0);
	put_s(c, "a", "1");
	put_s(c, "b", "2");
	flush_ok(c);
	ne.c = c;
	assert_int_equal(cache_foreach(c, CACHE_DB_POLICY, nested_cb, &ne,
	    &cause), 0);
	assert_int_equal(ne.flush_rc, -1);
	assert_int_equal(ne.get_rc, 1);
	assert_int_equal(cache_pending(c), 1);
	flush_ok(c);
	assert_int_equal(get_s(c, "new", out, sizeof(out)), 1);
	cache_close(c);
	xfree(dir);
}

static void
test_clear(void **state)
{
	struct cache_info	 ci;
	struct cache		*c;
	char			*dir, *cause = NULL, out[8];

	dir = new_dir();
	c = open_ok(dir, 0);
	put_n(c, 0, 10, 10, 0);
	flush_ok(c);
	put_s(c, "queued", "q");
	assert_int_equal(count_good(c, 0, 10, 10), 10);
	assert_int_equal(cache_clear(c, CACHE_DB_POLICY, &cause), 0);
	assert_int_equal(cache_pending(c), 0);
	assert_int_equal(count_good(c, 0, 10, 10), 0);
	assert_int_equal(get_s(c, "queued", out, sizeof(out)), 0);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 0);
	put_s(c, "after", "1");
	flush_ok(c);
	cache_close(c);

	c = open_ok(dir, 0);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 1);
	assert_int_equal(get_s(c, "after", out, sizeof(out)), 1);
	assert_int_equal(count_good(c, 0, 10, 10), 0);
	cache_close(c);
	xfree(dir);
}

static void
test_info(void **state)
{
	struct cache_info	 ci, ci2;
	struct cache		*c;
	char			*dir, out[8];
	long			 psize = sysconf(_SC_PAGESIZE);

	dir = new_dir();
	c = open_ok(dir, 0);
	info_ok(c, &ci);
	assert_int_equal(ci.entries[CACHE_DB_POLICY], 0);
	assert_int_equal(ci.map_size, CACHE_MAP_INITIAL);
	assert_true(ci.used >= 2 * (uint64_t)psize);
	assert_true(ci.used < 16 * (uint64_t)psize);
	assert_true(ci.file_size >= ci.used);
	assert_int_equal(ci.readers, 0);
	assert_true(ci.max_readers >= 100);

	put_n(c, 0, 500, 300, 0);
	flush_ok(c);
	assert_int_equal(get_s(c, "k0000001", out, sizeof(out)), 1);
	info_ok(c, &ci2);
	assert_int_equal(ci2.entries[CACHE_DB_POLICY], 500);
	assert_true(ci2.used > 500 * 300);
	assert_true(ci2.used <= ci2.map_size);
	assert_true(ci2.file_size >= ci2.used);
	assert_true(ci2.file_size < ci2.used + 16 * (uint64_t)psize);
	assert_int_equal(ci2.readers, 1);	/* our snapshot's slot */
	assert_int_equal(ci2.max_readers, ci.max_readers);
	cache_release(c);
	cache_close(c);
	xfree(dir);
}

struct perm_case {
	const char	*label;
	mode_t		 umask;
};

static const struct perm_case perm_cases[] = {
	{ "modes with umask 022", 022 },
	{ "modes with umask 027", 027 },
};

static void
test_perms(void **state)
{
	const struct perm_case	*tc = *state;
	struct cache		*c;
	char			*dir, *path;
	mode_t			 old;

	dir = new_dir();
	old = umask(tc->umask);
	c = open_ok(dir, 0);
	umask(old);
	assert_int_equal(mode_of(dir, "data.mdb"), 0640);
	assert_int_equal(mode_of(dir, "lock.mdb"), 0660);
	cache_close(c);

	/* A reader leaves the modes alone; a writer repairs lock.mdb. */
	xasprintf(&path, "%s/lock.mdb", dir);
	assert_int_equal(chmod(path, 0600), 0);
	c = open_ok(dir, CACHE_RDONLY);
	cache_close(c);
	assert_int_equal(mode_of(dir, "lock.mdb"), 0600);
	old = umask(tc->umask);
	c = open_ok(dir, 0);
	umask(old);
	cache_close(c);
	assert_int_equal(mode_of(dir, "lock.mdb"), 0660);
	assert_int_equal(mode_of(dir, "data.mdb"), 0640);
	xfree(path);
	xfree(dir);
}

/*
 * A commit that fails (here: the data file may not grow past RLIMIT_FSIZE;
 * LMDB reports the short write as EIO) keeps the queue, reads still see
 * it, and the next flush commits it.
 */
static int
child_efbig(const char *dir, void *arg, char *msg, size_t msgsz)
{
	struct rlimit	 rl, small;
	struct cache	*c;
	struct stat	 st;
	char		*cause = NULL, *path, out[8];
	unsigned char	 buf[1000], want[1000];
	const void	*v;
	size_t		 len;

	signal(SIGXFSZ, SIG_IGN);
	c = cache_open(dir, 0, &cause);
	CHECK(c != NULL);
	CHECK(getrlimit(RLIMIT_FSIZE, &rl) == 0);
	xasprintf(&path, "%s/data.mdb", dir);
	CHECK(stat(path, &st) == 0);
	small = rl;
	small.rlim_cur = (rlim_t)st.st_size + 8192;
	CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);

	put_n(c, 0, 500, sizeof(buf), 0);
	CHECK(cache_flush(c, &cause) == -1);
	CHECK(cause != NULL && strstr(cause, ": commit: ") != NULL);
	snprintf(msg, msgsz, "%s", cause);
	xfree(cause);
	cause = NULL;
	CHECK(cache_pending(c) == 500);
	make_val(42, want, sizeof(want));
	CHECK(cache_get(c, CACHE_DB_POLICY, "k0000042", 8, &v, &len) == 1);
	CHECK(len == sizeof(want) && memcmp(v, want, len) == 0);

	CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
	CHECK(cache_flush(c, &cause) == 0);
	CHECK(cache_pending(c) == 0);
	CHECK(count_good(c, 0, 500, sizeof(buf)) == 500);
	CHECK(get_s(c, "k0000499", out, sizeof(out)) == 1);
	cache_close(c);
	return 0;
}

static void
test_flush_error(void **state)
{
	char	*dir, msg[512];

	dir = new_dir();
	if (in_child(child_efbig, dir, NULL, msg, sizeof(msg)) != 0)
		fail_msg("child: %s", msg);
	/* The cause names the directory and LMDB's reason. */
	assert_non_null(strstr(msg, dir));
	assert_true(strstr(msg, "Input/output error") != NULL ||
	    strstr(msg, "File too large") != NULL);
	xfree(dir);
}

static void
test_bad_keys(void **state)
{
	struct cache	*c;
	char		*dir, big[600];
	const void	*v;
	size_t		 len;

	dir = new_dir();
	c = open_ok(dir, 0);
	memset(big, 'a', sizeof(big));
	cache_put(c, CACHE_DB_POLICY, big, sizeof(big), "v", 1);
	cache_del(c, CACHE_DB_POLICY, big, sizeof(big));
	cache_put(c, CACHE_DB_POLICY, big, 0, "v", 1);
	assert_int_equal(cache_pending(c), 0);
	assert_int_equal(cache_get(c, CACHE_DB_POLICY, big, 0, &v, &len), -1);
	assert_int_equal(cache_get(c, CACHE_DB_POLICY, big, sizeof(big), &v,
	    &len), -1);
	/* 511 bytes is LMDB's limit, and ours. */
	cache_put(c, CACHE_DB_POLICY, big, 511, "v", 1);
	flush_ok(c);
	assert_int_equal(cache_get(c, CACHE_DB_POLICY, big, 511, &v, &len), 1);
	cache_close(c);
	xfree(dir);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int
main(void)
{
	static struct table_tests	tt;
	int				rc;

	log_init(1, 0, "test_cache");
	unsetenv("MTASTS_CACHE_MAP_INITIAL");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	table_add_fn(&tt, "open creates the environment", test_open_new);
	TABLE_ADD(&tt, open_fail_cases, test_open_fail);
	table_add_fn(&tt, "read-only without write access to lock.mdb",
	    test_rdonly_eacces);
	table_add_fn(&tt, "read-only on an environment without the database",
	    test_rdonly_no_db);
	TABLE_ADD(&tt, rw_cases, test_rw);
	table_add_fn(&tt, "1000 puts commit in one transaction",
	    test_flush_one_txn);
	table_add_fn(&tt, "a failed commit keeps the queue", test_flush_error);
	TABLE_ADD(&tt, grow_cases, test_grow);
	table_add_fn(&tt, "a read-only process sees flushed data",
	    test_second_reader);
	table_add_fn(&tt, "a map grown by another process is adopted",
	    test_map_resized);
	table_add_fn(&tt, "a full reader table fails, stale slots are "
	    "reclaimed", test_readers_full);
	TABLE_ADD(&tt, foreach_cases, test_foreach);
	table_add_fn(&tt, "foreach callbacks may queue but not commit",
	    test_foreach_nested);
	table_add_fn(&tt, "clear empties the database and the queue",
	    test_clear);
	table_add_fn(&tt, "info fields", test_info);
	TABLE_ADD(&tt, perm_cases, test_perms);
	table_add_fn(&tt, "bad key lengths are refused", test_bad_keys);
	rc = table_run("cache", &tt);
	chmod(root, 0700);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
