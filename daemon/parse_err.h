/*
 * parse_err.h: the error record every pure parser fills.
 *
 * Parsers (netstring, sts, conf, record) return an enum and, on failure,
 * describe the first problem here in words a mail operator can act on.  The
 * message never contains raw untrusted bytes: callers of parse_err_set()
 * escape anything remote with log_safe() style helpers first.
 */
#ifndef MTASTS_PARSE_ERR_H
#define MTASTS_PARSE_ERR_H

#include "bounds.h"

struct parse_err {
	unsigned	line;		/* 1-based; 0 when not line-oriented */
	unsigned	col;		/* 1-based; 0 when unknown */
	int		code;		/* the parser's own enum value */
	char		msg[PARSE_ERR_MSG_MAX];
};

/*
 * Fill err (if not NULL) with the given position, code and printf-style
 * message; the message is truncated to fit.  Never fails.
 */
void	parse_err_set(struct parse_err *err, unsigned line, unsigned col,
	    int code, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 5, 6)));

/* Reset err (if not NULL) to "no error". */
void	parse_err_clear(struct parse_err *err);

#endif /* MTASTS_PARSE_ERR_H */
