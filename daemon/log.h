/*
 * log.h: logging with OpenSMTPD's names and Unbound-style verbosity.
 *
 * In the foreground (-F, and under systemd) lines go to stderr, which the
 * journal reads; otherwise to syslog.  Info and debug lines on stderr are
 * buffered and written in batches, so that the one-line-per-lookup log costs
 * no system call on the hot path; warnings and worse flush at once, keeping
 * order.  Remote bytes must pass through log_safe() before they are logged.
 */
#ifndef MTASTS_LOG_H
#define MTASTS_LOG_H

#include <stddef.h>

#define LOG_SAFE_MAX	256	/* a log_safe() buffer large enough for %.100s */

/*
 * to_stderr: 1 for stderr, 0 for syslog(3) as ident.  verbose: 0 = info,
 * 1 = debug, 2 = more debug.
 */
void	log_init(int to_stderr, int verbose, const char *ident);
void	log_setverbose(int);
int	log_getverbose(void);

/*
 * Buffered stderr lines need a flush within a short time.  The event loop
 * registers arm(), which log.c calls when the buffer goes from empty to
 * non-empty; arm() must make log_flush() run soon (a one-shot timer).
 * Without a hook every line is written at once.
 */
void	log_set_flush_hook(void (*arm)(void));
void	log_flush(void);

void	log_warn(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

/*
 * Copy src[0..len) into dst (dstsz bytes, NUL-terminated) for logging:
 * printable ASCII stays, everything else becomes \xNN, and the result is cut
 * at 100 source bytes with "..." appended.  Returns dst.
 */
const char *log_safe(char *dst, size_t dstsz, const char *src, size_t len);

#endif /* MTASTS_LOG_H */
