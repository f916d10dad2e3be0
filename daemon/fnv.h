/*
 * fnv.h: FNV-1a (32 bits), the hash of the in-memory tables (lookup
 * jobs, the cache's write queue, the reporter's entries).  Not for
 * anything an attacker must not be able to collide at will: every table
 * it indexes is bounded.
 */
#ifndef MTASTS_FNV_H
#define MTASTS_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT	2166136261u

/* Go on hashing buf[0..len) from h (FNV1A_INIT to start). */
static inline uint32_t
fnv1a(uint32_t h, const void *buf, size_t len)
{
	const unsigned char	*p = buf;

	while (len-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

#endif /* MTASTS_FNV_H */
