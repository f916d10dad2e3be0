/*
 * netstring.c: decode and frame netstrings (PF-SM-2).  Pure: no fds.
 */
#include "config.h"

#include <stdio.h>

#include "netstring.h"

enum netstring_status
netstring_decode(const char *buf, size_t len, size_t max,
    const char **payload, size_t *plen, size_t *used, const char **why)
{
	size_t		 i, n = 0;
	const char	*dummy;

	if (why == NULL)
		why = &dummy;
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (i == NETSTRING_DIGITS_MAX) {
			*why = "length has too many digits";
			return NETSTRING_ERROR;
		}
		/* Overflow-checked: max is far below SIZE_MAX / 10. */
		n = n * 10 + (size_t)(buf[i] - '0');
		if (n > max) {
			*why = "frame too long";
			return NETSTRING_ERROR;
		}
	}
	if (i == len)
		return NETSTRING_NEED_MORE;
	if (i == 0 || buf[i] != ':') {
		*why = i == 0 ? "length is not a number" : "missing ':'";
		return NETSTRING_ERROR;
	}
	i++;				/* the ':' */
	if (len - i < n + 1)
		return NETSTRING_NEED_MORE;
	if (buf[i + n] != ',') {
		*why = "missing ','";
		return NETSTRING_ERROR;
	}
	*payload = buf + i;
	*plen = n;
	*used = i + n + 1;
	return NETSTRING_FRAME;
}

size_t
netstring_header(char *hdr, size_t plen)
{
	char	digits[NETSTRING_DIGITS_MAX + 1];
	size_t	n = 0, i;

	do {
		digits[n++] = (char)('0' + plen % 10);
		plen /= 10;
	} while (plen > 0 && n < NETSTRING_DIGITS_MAX);
	for (i = 0; i < n; i++)
		hdr[i] = digits[n - 1 - i];
	hdr[n] = ':';
	return n + 1;
}
