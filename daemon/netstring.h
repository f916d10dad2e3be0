/*
 * netstring.h: Postfix socketmap framing (PF-SM-2).  Pure: no fds.
 *
 * The socketmap reader appends bytes to its own buffer and asks
 * netstring_decode() whether a whole frame sits at the start.  A declared
 * length over the caller's cap is an error as soon as the digits say so, so
 * an oversized frame is refused before its body arrives (DEC-24).
 */
#ifndef MTASTS_NETSTRING_H
#define MTASTS_NETSTRING_H

#include <stddef.h>

#include "bounds.h"

enum netstring_status {
	NETSTRING_NEED_MORE = 0,	/* a valid prefix: read more */
	NETSTRING_FRAME,		/* one complete frame */
	NETSTRING_ERROR			/* malformed: close the connection */
};

/* Room for "<digits>:" of any payload we send. */
#define NETSTRING_HEADER_MAX	(NETSTRING_DIGITS_MAX + 2)

/*
 * Look for one netstring at buf[0..len).  Payloads longer than max are an
 * error.  On NETSTRING_FRAME, *payload and *plen describe the payload
 * (pointing into buf) and *used is the whole frame's size.  On
 * NETSTRING_ERROR, *why (if why is not NULL) is a static description.
 * Leading zeros in the length are accepted, as Postfix's reader does.
 */
enum netstring_status netstring_decode(const char *buf, size_t len,
	    size_t max, const char **payload, size_t *plen, size_t *used,
	    const char **why);

/*
 * Write the "<plen>:" header into hdr (NETSTRING_HEADER_MAX bytes) and
 * return its length.  The caller sends header, payload and ",".
 */
size_t	netstring_header(char *hdr, size_t plen);

#endif /* MTASTS_NETSTRING_H */
