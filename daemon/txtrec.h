/*
 * txtrec.h: the shape that MTA-STS and TLSRPT TXT records share (RFC 8461
 * §3.1, RFC 8460 §3): a version tag, then fields "name=value" separated
 * by ';' with optional WSP, US-ASCII only.  sts.c and rua.c parse their
 * own fields on top of this cursor.  Pure: no I/O.
 *
 * Messages cite the RFC given to txtrec_init() and quote no raw input.
 */
#ifndef MTASTS_TXTREC_H
#define MTASTS_TXTREC_H

#include <stddef.h>

#include "parse_err.h"

#define TXTREC_CHARNAME_MAX	16	/* a txtrec_charname() buffer */

/* Cursor over one TXT RR (its strings joined); the first error sticks. */
struct txtrec {
	const char		*buf;
	size_t			 len;
	size_t			 off;
	int			 failed;
	struct parse_err	*err;
	int			 code;		/* parse_err code on failure */
	const char		*rfc;		/* "RFC 8461 §3.1" */
};

void	txtrec_init(struct txtrec *, const char *buf, size_t len, int code,
	    const char *rfc, struct parse_err *err);

/* Fail at byte off (column off + 1); later failures are ignored. */
void	txtrec_fail(struct txtrec *, size_t off, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 3, 4)));

/*
 * The record as a whole: at most max bytes, US-ASCII with no control
 * character but WSP, starting with tag (case-sensitive).  Leaves off
 * after the tag.  Returns 0, or -1 (failed).
 */
int	txtrec_start(struct txtrec *, size_t max, const char *tag);

/*
 * Step over "*WSP ; *WSP" before the next field.  Returns 1 when a field
 * starts at off, 0 at the end of the record (a trailing ';' allowed), -1
 * on a missing ';' (failed).
 */
int	txtrec_next(struct txtrec *);

/*
 * A field's name (1..namemax of ALPHA / DIGIT / "_" / "-" / ".", starting
 * with a letter or digit) and its '='.  Returns 0 with *name, *nlen and
 * off just after the '=', or -1 (failed).
 */
int	txtrec_name(struct txtrec *, size_t namemax, const char **name,
	    size_t *nlen);

/*
 * An extension's value at off (just after the '=' of the field named
 * name[0..nlen) at column start + 1): 1*(%x21-3A / %x3C / %x3E-7E),
 * ending at WSP, ';' or the end.  Skipped; fails if empty or broken.
 */
void	txtrec_ext_value(struct txtrec *, const char *name, size_t nlen,
	    size_t start);

void	txtrec_skip_wsp(struct txtrec *);
int	txtrec_is_wsp(unsigned char);
/* ALPHA / DIGIT / "_" / "-" / ".": field (and policy key) names. */
int	txtrec_is_name_char(unsigned char);

/* Name one offending byte for a message ("a space", "'x'", "byte 0x01"). */
const char *txtrec_charname(char *, size_t, unsigned char);

/*
 * After snprintf(buf, sz, ...) returned r: if it was cut, end buf with
 * "..." (not inside a two-byte "§").
 */
void	txtrec_msg_cut(char *buf, size_t sz, int r);

#endif /* MTASTS_TXTREC_H */
