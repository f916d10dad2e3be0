/*
 * gzip.h: memory-to-memory gzip (RFC 1952) over zlib, for TLSRPT reports
 * (RFC 8460 §5.2, RPT-18).  Pure: no I/O.
 *
 * In a file of its own so that only the programs that compress link
 * zlib; report.c takes the compressed bytes and never needs it.
 */
#ifndef MTASTS_GZIP_H
#define MTASTS_GZIP_H

#include <stddef.h>

/*
 * Compress buf[0..len) into one gzip member at the best compression, with
 * no file name and a zero time stamp, so that equal input gives equal
 * bytes.  On success returns 0 and a buffer in *out (xmalloc, the caller
 * frees) of *outlen bytes.  Returns -1 (*out NULL) only if zlib fails,
 * which for a valid call means it could not allocate.
 */
int	gzip_compress(const void *buf, size_t len, void **out, size_t *outlen);

#endif /* MTASTS_GZIP_H */
