/*
 * gzip.c: gzip a buffer in memory with zlib (RFC 1952), for the TLSRPT
 * report (report.h).  Pure: no I/O.
 *
 * zlib counts in uInt, so the input is fed and the output drained in
 * slices that fit; the output buffer grows as needed.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "gzip.h"
#include "log.h"
#include "xmalloc.h"

/* deflateInit2(): 15 window bits plus 16 for a gzip header and trailer. */
#define GZIP_WINDOW_BITS	(15 + 16)
#define GZIP_MEM_LEVEL		8
#define GZIP_SLICE		(1U << 30)

int
gzip_compress(const void *buf, size_t len, void **out, size_t *outlen)
{
	z_stream	 z;
	uint8_t		*dst;
	size_t		 cap, left = len, avail;
	int		 rc, flush;

	*out = NULL;
	*outlen = 0;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED,
	    GZIP_WINDOW_BITS, GZIP_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	/* deflateBound() plus the gzip header and trailer. */
	cap = len <= ULONG_MAX ? (size_t)deflateBound(&z, (uLong)len) + 18 :
	    len;
	dst = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)buf;	/* zlib reads, never writes */
	do {
		if (z.avail_in == 0 && left > 0) {
			z.avail_in = left > GZIP_SLICE ? GZIP_SLICE :
			    (uInt)left;
			left -= z.avail_in;
		}
		if (cap - z.total_out == 0) {
			if (cap > SIZE_MAX / 2)
				fatalx("%s: %zu bytes", __func__, cap);
			dst = xreallocarray(dst, cap, 2);
			cap *= 2;
		}
		avail = cap - z.total_out;
		z.next_out = dst + z.total_out;
		z.avail_out = avail > GZIP_SLICE ? GZIP_SLICE : (uInt)avail;
		/* Z_FINISH once the last slice is in, and from then on. */
		flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
		rc = deflate(&z, flush);
	} while (rc == Z_OK || rc == Z_BUF_ERROR);
	if (rc != Z_STREAM_END) {
		(void)deflateEnd(&z);
		xfree(dst);
		return -1;
	}
	*outlen = z.total_out;
	if (deflateEnd(&z) != Z_OK) {
		xfree(dst);
		*outlen = 0;
		return -1;
	}
	*out = dst;
	return 0;
}
