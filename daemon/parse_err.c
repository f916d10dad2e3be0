/*
 * parse_err.c: fill struct parse_err.  Pure: no I/O.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse_err.h"

void
parse_err_set(struct parse_err *err, unsigned line, unsigned col, int code,
    const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	err->line = line;
	err->col = col;
	err->code = code;
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
parse_err_clear(struct parse_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}
