/*
 * json.h: a strict, pull-style JSON reader (RFC 8259) over one bounded
 * buffer.  Pure: no I/O, no allocation, no global state.
 *
 * Built for schema-driven parsers such as dgram.c (TLSRPT datagrams from
 * libtlsrpt): the caller walks the document with json_peek(), the
 * json_object_begin()/json_object_next() and json_array_begin()/
 * json_array_next() iterators and the json_get_*() getters, and skips what
 * it does not know with json_skip_value().  Every byte of the input is
 * checked on the way: structure, string escapes (\uXXXX with surrogate
 * pairs), UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above
 * U+10FFFF), number grammar and nesting depth.  Duplicate keys are the
 * caller's business.  The first error sticks; every later call fails.
 */
#ifndef MTASTS_JSON_H
#define MTASTS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "parse_err.h"

#define JSON_DEPTH_MAX	32	/* open objects and arrays at once */

enum json_type {
	JSON_NONE = 0,		/* error, or nothing left */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

/* parse_err.code after a failure. */
enum json_err {
	JSON_ERR_NONE = 0,
	JSON_ERR_SYNTAX,	/* structure, literal or number grammar */
	JSON_ERR_ENCODING,	/* bad UTF-8, raw control character */
	JSON_ERR_ESCAPE,	/* bad escape or lone surrogate */
	JSON_ERR_DEPTH,		/* nested deeper than JSON_DEPTH_MAX */
	JSON_ERR_TYPE,		/* a getter found another type */
	JSON_ERR_RANGE,		/* not an integer, or out of int64_t */
	JSON_ERR_TOO_LONG,	/* decoded string does not fit dst */
	JSON_ERR_TRAILING,	/* bytes after the top-level value */
	JSON_ERR_TRUNCATED	/* the input ends inside a value */
};

/*
 * Reader state.  Treat as opaque; it lives on the caller's stack and holds
 * no pointers but buf and err.
 */
struct json_reader {
	const char		*buf;
	size_t			 len;
	size_t			 off;
	unsigned		 depth;
	int			 want_value;	/* a value must come next */
	int			 failed;
	struct parse_err	*err;
	unsigned char		 kind[JSON_DEPTH_MAX];	/* '{' or '[' */
	unsigned char		 first[JSON_DEPTH_MAX];	/* no member yet */
};

/*
 * Start reading buf[0..len).  buf need not be NUL-terminated and must stay
 * valid while the reader is used.  err (may be NULL) is cleared now and
 * filled on the first failure: code = enum json_err, line = 0,
 * col = byte offset + 1 of the problem.
 */
void	json_init(struct json_reader *, const char *buf, size_t len,
	    struct parse_err *err);

/*
 * Type of the next value, after skipping whitespace; nothing is consumed.
 * Returns JSON_NONE (and fails the reader) if no value can start here.
 */
enum json_type json_peek(struct json_reader *);

/* Consume '{' or '['.  0, or -1 on error (wrong type, too deep). */
int	json_object_begin(struct json_reader *);
int	json_array_begin(struct json_reader *);

/*
 * Advance inside the innermost open object.  Returns 1 after reading a key
 * and its ':' (the caller must then consume the value with a getter,
 * json_*_begin() or json_skip_value()), 0 after the closing '}', -1 on
 * error.  The key is decoded into key[0..keysz) and NUL-terminated; *keylen
 * is its full decoded length, which is >= keysz when it did not fit (the
 * stored prefix is then not the key).  key may be NULL (keysz 0) to skip.
 */
int	json_object_next(struct json_reader *, char *key, size_t keysz,
	    size_t *keylen);

/*
 * Advance inside the innermost open array.  Returns 1 when another element
 * follows (consume it next), 0 after the closing ']', -1 on error.
 */
int	json_array_next(struct json_reader *);

/*
 * Decode the next value, a string, into dst[0..dstsz), NUL-terminated;
 * *len (may be NULL) is its length in bytes.  The decoded bytes are valid
 * UTF-8 but may contain NUL (from \u0000): check *len if that matters.
 * Fails with JSON_ERR_TOO_LONG when the string needs dstsz bytes or more
 * (no truncation), JSON_ERR_TYPE when the value is not a string.
 */
int	json_get_string(struct json_reader *, char *dst, size_t dstsz,
	    size_t *len);

/*
 * The next value as an integer: a JSON number without fraction or
 * exponent that fits int64_t ("-0" is 0).  JSON_ERR_RANGE otherwise.
 */
int	json_get_int(struct json_reader *, int64_t *);

/* true/false into *v (1/0); null.  0, or -1 on error. */
int	json_get_bool(struct json_reader *, int *v);
int	json_get_null(struct json_reader *);

/*
 * Consume the next value whatever it is, validating all of it.  Iterative:
 * depth is bounded by JSON_DEPTH_MAX, not by the C stack.
 */
int	json_skip_value(struct json_reader *);

/*
 * After the top-level value: only whitespace may follow.  0, or -1 with
 * JSON_ERR_TRAILING (or an earlier error).
 */
int	json_end(struct json_reader *);

/* Byte offset of the next unread byte (after whitespace has been seen). */
size_t	json_offset(const struct json_reader *);

/* 1 if the reader has failed. */
int	json_failed(const struct json_reader *);

/*
 * "an object", "an array", "a string", "a number", "true", "false", "null"
 * or "nothing", for messages.
 */
const char *json_type_str(enum json_type);

#endif /* MTASTS_JSON_H */
