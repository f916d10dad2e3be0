/*
 * cache.h: the persistent store, LMDB behind a small API.  No LMDB type
 * leaves cache.c.
 *
 * One environment per process, opened after any fork (never share one
 * across fork()).  Reads see committed data plus this process's queued
 * writes.  Writes are queued and committed together by cache_flush(),
 * which the daemon calls from a short timer, so that many lookups share
 * one short write transaction (and one fsync).  Full maps grow, resized
 * maps and full reader tables are recovered from at once; nothing here
 * sleeps or retries in a loop, so the event loop never blocks.
 *
 * Files in the directory: data.mdb (0640) and lock.mdb (0660: every
 * reader, mtasts-ctl included, must be able to write it).
 */
#ifndef MTASTS_CACHE_H
#define MTASTS_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct cache;

/* The named databases in the environment. */
enum cache_db {
	CACHE_DB_POLICY = 0,	/* policy domain -> record (record.h) */
	CACHE_DB_REPORT,	/* TLSRPT day/domain/policy -> counts (report.h) */
	CACHE_DB_OUTBOX,	/* report-id -> report to deliver (outbox.h) */
	CACHE_DB_COUNT
};

#define CACHE_RDONLY	0x01	/* mtasts-ctl list/show: no writes */

#define CACHE_MAP_INITIAL	(64ULL << 20)	/* grown on demand */
#define CACHE_MAP_MAX		(64ULL << 30)
#define CACHE_PENDING_MAX	1024	/* queued writes that force a flush */

/*
 * Open (creating with RW) the environment in dir, which must exist.
 * Returns the cache, or NULL with *cause (caller frees) saying why, e.g.
 * "no cache yet" (RDONLY and no data.mdb) or permission denied.
 */
struct cache	*cache_open(const char *dir, int flags, char **cause);

/* Commit what is queued (RW), then close.  NULL is a no-op. */
void		 cache_close(struct cache *);

/*
 * Find key[0..klen).  Returns 1 and points *val, *len at the value, 0 if
 * there is none, -1 on an error (logged).  The value stays valid until
 * cache_release() or any call that writes or commits; copy what you keep.
 */
int		 cache_get(struct cache *, enum cache_db, const char *key,
		    size_t klen, const void **val, size_t *len);

/* End the read snapshot of cache_get(); cheap, call after each use. */
void		 cache_release(struct cache *);

/* Queue a write (the value is copied) or a delete of key. */
void		 cache_put(struct cache *, enum cache_db, const char *key,
		    size_t klen, const void *val, size_t len);
void		 cache_del(struct cache *, enum cache_db, const char *key,
		    size_t klen);

/* Writes queued and not yet committed. */
size_t		 cache_pending(const struct cache *);

/*
 * Commit every queued write in one transaction.  Returns 0, or -1 with
 * *cause (caller frees): the writes stay queued for the next try.
 */
int		 cache_flush(struct cache *, char **cause);

/*
 * Call fn for each committed entry of db in key order; fn returns 0 to go
 * on, anything else to stop (returned by cache_foreach).  The key and
 * value are valid only during the call.  -1 on error, *cause set.
 */
int		 cache_foreach(struct cache *, enum cache_db,
		    int (*fn)(const char *key, size_t klen, const void *val,
		    size_t len, void *arg), void *arg, char **cause);

/* The same, from the first key at or after from[0..fromlen). */
int		 cache_foreach_from(struct cache *, enum cache_db,
		    const char *from, size_t fromlen,
		    int (*fn)(const char *key, size_t klen, const void *val,
		    size_t len, void *arg), void *arg, char **cause);

/* Delete every entry of db now (committed).  0, or -1 and *cause. */
int		 cache_clear(struct cache *, enum cache_db, char **cause);

struct cache_info {
	uint64_t	entries[CACHE_DB_COUNT];
	uint64_t	map_size;	/* bytes reserved */
	uint64_t	used;		/* bytes in use (pages * page size) */
	uint64_t	file_size;	/* data.mdb on disk */
	unsigned	readers;	/* reader slots in use */
	unsigned	max_readers;
};

int		 cache_info(struct cache *, struct cache_info *, char **cause);

#endif /* MTASTS_CACHE_H */
