/*
 * cache.c: the persistent store, LMDB behind cache.h.
 *
 * The daemon's lookups read through one reused read transaction (MDB_NOTLS,
 * reset and renewed, no allocation) after looking at the queue of writes
 * not yet committed; cache_flush() commits the queue in one transaction.
 * LMDB's recoverable conditions are handled here and nowhere else: a full
 * map grows, a map grown by another process is adopted, stale reader slots
 * are reclaimed.  Nothing sleeps, nothing retries without a bound, and no
 * LMDB type leaves this file.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "cache.h"
#include "fnv.h"
#include "log.h"
#include "xmalloc.h"

#define CACHE_MAXDBS		8
#define CACHE_DATA_MODE		0640
#define CACHE_LOCK_MODE		0660
#define CACHE_KEY_MAX		511	/* LMDB's key size limit */
#define CACHE_MAP_MIN		(64ULL << 10)
#define QUEUE_SLOTS_MIN		(2 * CACHE_PENDING_MAX)

/*
 * Test seam: MTASTS_CACHE_MAP_INITIAL=BYTES starts a new environment with
 * a smaller map than CACHE_MAP_INITIAL, so that the unit tests can make it
 * grow without writing 64 MB.  It can only lower the initial size (never
 * below CACHE_MAP_MIN); the map grows as usual, so it is harmless if set
 * by mistake.
 */
#define CACHE_MAP_ENV		"MTASTS_CACHE_MAP_INITIAL"

static const char *const db_names[CACHE_DB_COUNT] = {
	"policy",		/* CACHE_DB_POLICY */
	"report",		/* CACHE_DB_REPORT */
	"outbox"		/* CACHE_DB_OUTBOX */
};

/* One queued write: the value, then the key, in one allocation. */
struct qent {
	char		*buf;
	size_t		 vlen;
	uint32_t	 hash;
	uint16_t	 klen;
	uint8_t		 db;
	uint8_t		 del;
};

struct cache {
	MDB_env		*env;
	MDB_dbi		 dbi[CACHE_DB_COUNT];
	int		 has_db[CACHE_DB_COUNT]; /* RDONLY: may be 0 */
	int		 rdonly;
	char		*dir;
	char		*data_path;
	uint64_t	 map_initial;

	MDB_txn		*rtxn;		/* reset and renewed */
	int		 ractive;	/* rtxn holds a snapshot */
	int		 iterating;	/* inside cache_foreach() */

	/*
	 * The queue: entries in insertion order (committed in that order),
	 * and an open-addressing table of indexes + 1 (0 is empty) with
	 * linear probing, at most half full.  Entries are only ever
	 * replaced, so the table needs no tombstones.
	 */
	struct qent	*q;
	size_t		 qlen, qcap;
	uint32_t	*slots;
	size_t		 nslots;	/* a power of two */
};

static uint64_t	 map_initial(void);
static int	 open_dbs(struct cache *, char **);
static void	 fix_lock_mode(struct cache *);
static int	 recover(struct cache *, int);
static int	 rtxn_try(struct cache *);
static int	 rtxn_begin(struct cache *);
static void	 rtxn_reset(struct cache *);
static int	 grow(struct cache *);
static int	 wtxn_run(struct cache *, int (*)(struct cache *, MDB_txn *,
		    void *), void *, const char *, char **);
static int	 apply_queue(struct cache *, MDB_txn *, void *);
static int	 apply_drop(struct cache *, MDB_txn *, void *);
static uint32_t	 key_hash(enum cache_db, const char *, size_t);
static struct qent *queue_find(const struct cache *, enum cache_db,
		    const char *, size_t, uint32_t, size_t *);
static void	 queue_add(struct cache *, enum cache_db, const char *,
		    size_t, const void *, size_t, int);
static void	 queue_rehash(struct cache *, size_t);
static void	 queue_drop(struct cache *, int);
static int	 count_reader(const char *, void *);
static void	 check_db(enum cache_db);

static uint64_t
map_initial(void)
{
	const char		*s;
	char			*end;
	unsigned long long	 v;

	if ((s = getenv(CACHE_MAP_ENV)) == NULL || *s == '\0')
		return CACHE_MAP_INITIAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < CACHE_MAP_MIN ||
	    v > CACHE_MAP_INITIAL)
		return CACHE_MAP_INITIAL;
	return v;
}

struct cache *
cache_open(const char *dir, int flags, char **cause)
{
	struct cache	*c;
	struct stat	 st;
	MDB_envinfo	 info;
	unsigned	 envflags;
	int		 rc, isnew;

	if (stat(dir, &st) == -1) {
		if (errno == ENOENT && (flags & CACHE_RDONLY))
			xasprintf(cause, "no cache yet in %s (no such "
			    "directory)", dir);
		else
			xasprintf(cause, "cache directory %s: %s", dir,
			    strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		xasprintf(cause, "cache directory %s: %s", dir,
		    strerror(ENOTDIR));
		return NULL;
	}

	c = xcalloc(1, sizeof(*c));
	c->rdonly = (flags & CACHE_RDONLY) != 0;
	c->dir = xstrdup(dir);
	xasprintf(&c->data_path, "%s/data.mdb", dir);
	c->map_initial = map_initial();
	c->nslots = QUEUE_SLOTS_MIN;
	c->slots = xcalloc(c->nslots, sizeof(*c->slots));

	isnew = stat(c->data_path, &st) == -1 || st.st_size == 0;
	if (isnew && c->rdonly) {
		/* Not being allowed to look is not the same as nothing there. */
		if (errno == EACCES)
			xasprintf(cause, "cannot open the cache in %s: %s",
			    dir, strerror(errno));
		else
			xasprintf(cause, "no cache yet in %s", dir);
		goto fail;
	}

	if ((rc = mdb_env_create(&c->env)) != 0) {
		xasprintf(cause, "cache %s: mdb_env_create: %s", dir,
		    mdb_strerror(rc));
		goto fail;
	}
	/* Every opener of named databases must set maxdbs, readers too. */
	if ((rc = mdb_env_set_maxdbs(c->env, CACHE_MAXDBS)) != 0 ||
	    (isnew && (rc = mdb_env_set_mapsize(c->env,
	    (size_t)c->map_initial)) != 0)) {
		xasprintf(cause, "cache %s: %s", dir, mdb_strerror(rc));
		goto fail;
	}
	/*
	 * An existing environment keeps the map size recorded in it (never
	 * less than its data); a new one starts at the initial size.
	 */
	envflags = MDB_NOTLS | (c->rdonly ? MDB_RDONLY : 0);
	if ((rc = mdb_env_open(c->env, dir, envflags, CACHE_DATA_MODE)) != 0) {
		if (rc == EACCES && c->rdonly)
			xasprintf(cause, "cannot open the cache in %s: %s "
			    "(readers need write access to %s/lock.mdb)", dir,
			    mdb_strerror(rc), dir);
		else if (rc == EACCES)
			xasprintf(cause, "cannot open the cache in %s: %s "
			    "(data.mdb, lock.mdb and %s must be writable)",
			    dir, mdb_strerror(rc), dir);
		else
			xasprintf(cause, "cannot open the cache in %s: %s",
			    dir, mdb_strerror(rc));
		goto fail;
	}
	if ((rc = mdb_env_info(c->env, &info)) != 0 ||
	    (info.me_mapsize < c->map_initial &&
	    (rc = mdb_env_set_mapsize(c->env, (size_t)c->map_initial)) != 0)) {
		xasprintf(cause, "cache %s: map size: %s", dir,
		    mdb_strerror(rc));
		goto fail;
	}
	if (!c->rdonly)
		fix_lock_mode(c);
	if (open_dbs(c, cause) == -1)
		goto fail;
	return c;

fail:
	if (c->env != NULL)
		mdb_env_close(c->env);
	xfree(c->slots);
	xfree(c->data_path);
	xfree(c->dir);
	xfree(c);
	return NULL;
}

/*
 * Open the named databases in a transaction of their own: a handle opened
 * in a transaction lives on only if that transaction commits.  A reader
 * whose database was never created treats it as empty.
 */
static int
open_dbs(struct cache *c, char **cause)
{
	MDB_txn		*txn;
	unsigned	 i;
	int		 rc;

	rc = mdb_txn_begin(c->env, NULL, c->rdonly ? MDB_RDONLY : 0, &txn);
	if (rc != 0 && recover(c, rc) == 0)
		rc = mdb_txn_begin(c->env, NULL, c->rdonly ? MDB_RDONLY : 0,
		    &txn);
	if (rc != 0) {
		xasprintf(cause, "cache %s: begin: %s", c->dir,
		    mdb_strerror(rc));
		return -1;
	}
	for (i = 0; i < CACHE_DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, db_names[i], c->rdonly ? 0 : MDB_CREATE,
		    &c->dbi[i]);
		if (rc == MDB_NOTFOUND && c->rdonly)
			continue;
		if (rc != 0) {
			mdb_txn_abort(txn);
			xasprintf(cause, "cache %s: database %s: %s", c->dir,
			    db_names[i], mdb_strerror(rc));
			return -1;
		}
		c->has_db[i] = 1;
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		xasprintf(cause, "cache %s: commit: %s", c->dir,
		    mdb_strerror(rc));
		return -1;
	}
	return 0;
}

/*
 * LMDB creates lock.mdb with the data file's mode; every reader must be
 * able to write it, so widen it to the group.  Someone else's file is
 * left alone (chmod would fail) with a warning.
 */
static void
fix_lock_mode(struct cache *c)
{
	struct stat	 st;
	char		*path;

	xasprintf(&path, "%s/lock.mdb", c->dir);
	if (stat(path, &st) == 0 && (st.st_mode & 07777) != CACHE_LOCK_MODE &&
	    chmod(path, CACHE_LOCK_MODE) == -1)
		log_warn("cache: chmod %s", path);
	xfree(path);
}

void
cache_close(struct cache *c)
{
	char	*cause = NULL;

	if (c == NULL)
		return;
	if (!c->rdonly && cache_flush(c, &cause) == -1) {
		log_warnx("%s; %zu writes lost", cause, c->qlen);
		xfree(cause);
	}
	queue_drop(c, -1);
	if (c->rtxn != NULL)
		mdb_txn_abort(c->rtxn);
	mdb_env_close(c->env);
	xfree(c->q);
	xfree(c->slots);
	xfree(c->data_path);
	xfree(c->dir);
	xfree(c);
}

static void
check_db(enum cache_db db)
{
	if ((unsigned)db >= CACHE_DB_COUNT)
		fatalx("cache: no database %d", (int)db);
}

/*
 * Clear a recoverable condition before the one retry of the failed
 * operation; no transaction of ours may be live.  Returns 0 if the retry
 * may succeed, else an LMDB error.
 */
static int
recover(struct cache *c, int rc)
{
	int	dead = 0;

	switch (rc) {
	case MDB_MAP_RESIZED:
		/* Another process grew the map: adopt its size. */
		return mdb_env_set_mapsize(c->env, 0);
	case MDB_READERS_FULL:
		/* Slots of dead processes are the only thing we can free. */
		if ((rc = mdb_reader_check(c->env, &dead)) != 0)
			return rc;
		if (dead == 0)
			return MDB_READERS_FULL;
		log_info("cache %s: %d stale reader slots cleared", c->dir,
		    dead);
		return 0;
	default:
		return rc;
	}
}

static int
rtxn_try(struct cache *c)
{
	int	rc;

	if (c->rtxn != NULL)
		return mdb_txn_renew(c->rtxn);
	if ((rc = mdb_txn_begin(c->env, NULL, MDB_RDONLY, &c->rtxn)) != 0)
		c->rtxn = NULL;
	return rc;
}

/* Start the read snapshot, unless one is live.  0, or -1 (logged). */
static int
rtxn_begin(struct cache *c)
{
	int	rc;

	if (c->ractive)
		return 0;
	/*
	 * A failed renew leaves the transaction finished but reusable; a
	 * failed begin leaves none.  Either way nothing is live, as
	 * recover() needs.
	 */
	if ((rc = rtxn_try(c)) != 0 && recover(c, rc) == 0)
		rc = rtxn_try(c);
	if (rc != 0) {
		log_warnx("cache %s: read transaction: %s", c->dir,
		    mdb_strerror(rc));
		return -1;
	}
	c->ractive = 1;
	return 0;
}

static void
rtxn_reset(struct cache *c)
{
	if (c->ractive && !c->iterating) {
		mdb_txn_reset(c->rtxn);
		c->ractive = 0;
	}
}

int
cache_get(struct cache *c, enum cache_db db, const char *key, size_t klen,
    const void **val, size_t *len)
{
	struct qent	*e;
	MDB_val		 k, v;
	int		 rc;

	check_db(db);
	if (klen == 0 || klen > CACHE_KEY_MAX) {
		log_warnx("cache: get: key of %zu bytes", klen);
		return -1;
	}
	/* Read your writes: a queued put or delete wins. */
	if (c->qlen > 0 && (e = queue_find(c, db, key, klen,
	    key_hash(db, key, klen), NULL)) != NULL) {
		if (e->del)
			return 0;
		*val = e->buf;
		*len = e->vlen;
		return 1;
	}
	if (!c->has_db[db])
		return 0;
	if (rtxn_begin(c) == -1)
		return -1;
	k.mv_data = (void *)(uintptr_t)key;
	k.mv_size = klen;
	rc = mdb_get(c->rtxn, c->dbi[db], &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0) {
		log_warnx("cache %s: get: %s", c->dir, mdb_strerror(rc));
		rtxn_reset(c);
		return -1;
	}
	*val = v.mv_data;
	*len = v.mv_size;
	return 1;
}

void
cache_release(struct cache *c)
{
	rtxn_reset(c);
}

void
cache_put(struct cache *c, enum cache_db db, const char *key, size_t klen,
    const void *val, size_t len)
{
	check_db(db);
	if (c->rdonly) {
		log_warnx("cache %s: put on a read-only cache ignored", c->dir);
		return;
	}
	if (klen == 0 || klen > CACHE_KEY_MAX) {
		log_warnx("cache: put: key of %zu bytes ignored", klen);
		return;
	}
	queue_add(c, db, key, klen, val, len, 0);
}

void
cache_del(struct cache *c, enum cache_db db, const char *key, size_t klen)
{
	check_db(db);
	if (c->rdonly) {
		log_warnx("cache %s: delete on a read-only cache ignored",
		    c->dir);
		return;
	}
	if (klen == 0 || klen > CACHE_KEY_MAX) {
		log_warnx("cache: delete: key of %zu bytes ignored", klen);
		return;
	}
	queue_add(c, db, key, klen, NULL, 0, 1);
}

size_t
cache_pending(const struct cache *c)
{
	return c->qlen;
}

/*
 * Double the map, up to CACHE_MAP_MAX.  Only with no transaction live:
 * the map moves.  0, or an LMDB error (MDB_MAP_FULL at the maximum).
 */
static int
grow(struct cache *c)
{
	MDB_envinfo	info;
	uint64_t	size;
	int		rc;

	if ((rc = mdb_env_info(c->env, &info)) != 0)
		return rc;
	if (info.me_mapsize >= CACHE_MAP_MAX)
		return MDB_MAP_FULL;
	size = (uint64_t)info.me_mapsize * 2;
	if (size > CACHE_MAP_MAX)
		size = CACHE_MAP_MAX;
	if (size > SIZE_MAX)
		return MDB_MAP_FULL;
	if ((rc = mdb_env_set_mapsize(c->env, (size_t)size)) != 0)
		return rc;
	log_info("cache %s: map grown to %llu kB", c->dir,
	    (unsigned long long)(size >> 10));
	return 0;
}

/*
 * Run apply() in one write transaction and commit.  A full map grows and
 * the whole transaction runs again: that loop ends, since each round
 * doubles the map until CACHE_MAP_MAX.  A map grown elsewhere is adopted
 * once.  0, or -1 with *cause.
 */
static int
wtxn_run(struct cache *c, int (*apply)(struct cache *, MDB_txn *, void *),
    void *arg, const char *what, char **cause)
{
	MDB_txn		*txn;
	MDB_envinfo	 info;
	int		 rc, resized = 0;

	if (c->rdonly) {
		xasprintf(cause, "cache %s: %s: opened read-only", c->dir,
		    what);
		return -1;
	}
	if (c->iterating) {
		xasprintf(cause, "cache %s: %s inside cache_foreach()", c->dir,
		    what);
		return -1;
	}
	/* Our snapshot ends here: the map may move and readers see news. */
	rtxn_reset(c);
	for (;;) {
		rc = mdb_txn_begin(c->env, NULL, 0, &txn);
		if (rc == MDB_MAP_RESIZED && !resized) {
			resized = 1;
			if ((rc = recover(c, rc)) == 0)
				continue;
		}
		if (rc != 0)
			break;
		if ((rc = apply(c, txn, arg)) != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);	/* frees txn */
		if (rc != MDB_MAP_FULL || grow(c) != 0)
			break;
	}
	if (rc == 0)
		return 0;
	if (rc == MDB_MAP_FULL && mdb_env_info(c->env, &info) == 0)
		xasprintf(cause, "cache %s: %s: %s (map at %llu kB, the "
		    "maximum is %llu kB)", c->dir, what, mdb_strerror(rc),
		    (unsigned long long)(info.me_mapsize >> 10),
		    (unsigned long long)(CACHE_MAP_MAX >> 10));
	else
		xasprintf(cause, "cache %s: %s: %s", c->dir, what,
		    mdb_strerror(rc));
	return -1;
}

static int
apply_queue(struct cache *c, MDB_txn *txn, void *arg)
{
	struct qent	*e;
	MDB_val		 k, v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < c->qlen; i++) {
		e = &c->q[i];
		k.mv_data = e->buf + e->vlen;
		k.mv_size = e->klen;
		if (e->del) {
			rc = mdb_del(txn, c->dbi[e->db], &k, NULL);
			if (rc == MDB_NOTFOUND)
				rc = 0;
		} else {
			v.mv_data = e->buf;
			v.mv_size = e->vlen;
			rc = mdb_put(txn, c->dbi[e->db], &k, &v, 0);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
cache_flush(struct cache *c, char **cause)
{
	if (c->qlen == 0)
		return 0;
	if (wtxn_run(c, apply_queue, NULL, "commit", cause) == -1)
		return -1;
	queue_drop(c, -1);
	return 0;
}

int
cache_foreach(struct cache *c, enum cache_db db,
    int (*fn)(const char *key, size_t klen, const void *val, size_t len,
    void *arg), void *arg, char **cause)
{
	return cache_foreach_from(c, db, NULL, 0, fn, arg, cause);
}

int
cache_foreach_from(struct cache *c, enum cache_db db, const char *from,
    size_t fromlen, int (*fn)(const char *key, size_t klen, const void *val,
    size_t len, void *arg), void *arg, char **cause)
{
	MDB_cursor	*cur;
	MDB_val		 k, v;
	MDB_cursor_op	 op = MDB_FIRST;
	int		 rc, ret = 0, started;

	check_db(db);
	if (!c->has_db[db])
		return 0;
	if (c->iterating) {
		xasprintf(cause, "cache %s: nested cache_foreach()", c->dir);
		return -1;
	}
	/* Reuse a live snapshot: values from cache_get() stay valid. */
	started = !c->ractive;
	if (rtxn_begin(c) == -1) {
		xasprintf(cause, "cache %s: no read transaction", c->dir);
		return -1;
	}
	if ((rc = mdb_cursor_open(c->rtxn, c->dbi[db], &cur)) != 0) {
		xasprintf(cause, "cache %s: cursor: %s", c->dir,
		    mdb_strerror(rc));
		if (started)
			rtxn_reset(c);
		return -1;
	}
	c->iterating = 1;
	if (from != NULL && fromlen > 0) {
		/* The first key at or after from. */
		k.mv_data = (void *)(uintptr_t)from;
		k.mv_size = fromlen;
		op = MDB_SET_RANGE;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, op); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if ((ret = fn(k.mv_data, k.mv_size, v.mv_data, v.mv_size,
		    arg)) != 0)
			break;
	}
	c->iterating = 0;
	mdb_cursor_close(cur);
	if (started)
		rtxn_reset(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		xasprintf(cause, "cache %s: cursor: %s", c->dir,
		    mdb_strerror(rc));
		return -1;
	}
	return ret;
}

static int
apply_drop(struct cache *c, MDB_txn *txn, void *arg)
{
	const enum cache_db	*db = arg;

	return mdb_drop(txn, c->dbi[*db], 0);
}

/*
 * Queued writes to db go too: they were issued before the clear, which
 * deletes everything "now".
 */
int
cache_clear(struct cache *c, enum cache_db db, char **cause)
{
	check_db(db);
	if (wtxn_run(c, apply_drop, &db, "clear", cause) == -1)
		return -1;
	queue_drop(c, (int)db);
	return 0;
}

static int
count_reader(const char *msg, void *arg)
{
	unsigned	*n = arg;

	(*n)++;
	return 0;
}

int
cache_info(struct cache *c, struct cache_info *ci, char **cause)
{
	MDB_envinfo	 info;
	MDB_stat	 st;
	struct stat	 sb;
	unsigned	 i, lines = 0;
	int		 rc, started;

	memset(ci, 0, sizeof(*ci));
	if ((rc = mdb_env_info(c->env, &info)) != 0 ||
	    (rc = mdb_env_stat(c->env, &st)) != 0) {
		xasprintf(cause, "cache %s: info: %s", c->dir,
		    mdb_strerror(rc));
		return -1;
	}
	ci->map_size = info.me_mapsize;
	ci->used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	ci->max_readers = info.me_maxreaders;

	/* One line of heading or "no readers", then one per slot in use. */
	if (mdb_reader_list(c->env, count_reader, &lines) >= 0 && lines > 0)
		ci->readers = lines - 1;
	else
		ci->readers = info.me_numreaders;

	if (stat(c->data_path, &sb) == -1) {
		xasprintf(cause, "%s: %s", c->data_path, strerror(errno));
		return -1;
	}
	ci->file_size = (uint64_t)sb.st_size;

	started = !c->ractive;
	if (rtxn_begin(c) == -1) {
		xasprintf(cause, "cache %s: no read transaction", c->dir);
		return -1;
	}
	for (i = 0; i < CACHE_DB_COUNT; i++) {
		if (!c->has_db[i])
			continue;
		if ((rc = mdb_stat(c->rtxn, c->dbi[i], &st)) != 0) {
			xasprintf(cause, "cache %s: stat %s: %s", c->dir,
			    db_names[i], mdb_strerror(rc));
			break;
		}
		ci->entries[i] = st.ms_entries;
	}
	if (started)
		rtxn_reset(c);
	return rc == 0 ? 0 : -1;
}

/* FNV-1a over the key, seeded with the database. */
static uint32_t
key_hash(enum cache_db db, const char *key, size_t klen)
{
	return fnv1a(FNV1A_INIT ^ (uint32_t)db, key, klen);
}

/* The entry for (db, key), or NULL; *slot gets where it is or would go. */
static struct qent *
queue_find(const struct cache *c, enum cache_db db, const char *key,
    size_t klen, uint32_t h, size_t *slot)
{
	struct qent	*e;
	size_t		 mask = c->nslots - 1, i;

	for (i = h & mask; c->slots[i] != 0; i = (i + 1) & mask) {
		e = &c->q[c->slots[i] - 1];
		if (e->hash == h && e->klen == klen && e->db == (uint8_t)db &&
		    memcmp(e->buf + e->vlen, key, klen) == 0) {
			if (slot != NULL)
				*slot = i;
			return e;
		}
	}
	if (slot != NULL)
		*slot = i;
	return NULL;
}

static void
queue_add(struct cache *c, enum cache_db db, const char *key, size_t klen,
    const void *val, size_t len, int del)
{
	struct qent	*e;
	char		*buf;
	uint32_t	 h;
	size_t		 slot;

	if (len > SIZE_MAX - klen)
		fatalx("cache: value of %zu bytes", len);
	buf = xmalloc(len + klen);
	if (len > 0)
		memcpy(buf, val, len);
	memcpy(buf + len, key, klen);

	h = key_hash(db, key, klen);
	if ((e = queue_find(c, db, key, klen, h, &slot)) != NULL) {
		/* The value handed out by cache_get() dies here. */
		xfree(e->buf);
	} else {
		if (c->qlen >= UINT32_MAX - 1)
			fatalx("cache: queue overflow");
		if (c->qlen == c->qcap) {
			c->qcap = c->qcap == 0 ? CACHE_PENDING_MAX :
			    c->qcap * 2;
			c->q = xreallocarray(c->q, c->qcap, sizeof(*c->q));
		}
		if (2 * (c->qlen + 1) > c->nslots) {
			queue_rehash(c, c->nslots * 2);
			queue_find(c, db, key, klen, h, &slot);
		}
		e = &c->q[c->qlen++];
		c->slots[slot] = (uint32_t)c->qlen;
		e->hash = h;
		e->klen = (uint16_t)klen;
		e->db = (uint8_t)db;
	}
	e->buf = buf;
	e->vlen = len;
	e->del = del != 0;
}

static void
queue_rehash(struct cache *c, size_t nslots)
{
	size_t	i, j, mask = nslots - 1;

	xfree(c->slots);
	c->slots = xcalloc(nslots, sizeof(*c->slots));
	c->nslots = nslots;
	for (i = 0; i < c->qlen; i++) {
		for (j = c->q[i].hash & mask; c->slots[j] != 0;
		    j = (j + 1) & mask)
			;
		c->slots[j] = (uint32_t)(i + 1);
	}
}

/* Drop the queued writes of db, or all of them with db -1. */
static void
queue_drop(struct cache *c, int db)
{
	size_t	i, n = 0;

	for (i = 0; i < c->qlen; i++) {
		if (db == -1 || c->q[i].db == db)
			xfree(c->q[i].buf);
		else
			c->q[n++] = c->q[i];
	}
	c->qlen = n;
	/* After a big batch, give the memory back. */
	if (n == 0 && c->qcap > CACHE_PENDING_MAX) {
		xfree(c->q);
		c->q = NULL;
		c->qcap = 0;
	}
	if (n > 0)
		queue_rehash(c, c->nslots);
	else if (c->nslots > QUEUE_SLOTS_MIN)
		queue_rehash(c, QUEUE_SLOTS_MIN);
	else
		memset(c->slots, 0, c->nslots * sizeof(*c->slots));
}
