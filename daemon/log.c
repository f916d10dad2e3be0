/*
 * log.c: stderr or syslog(3) output; buffered info lines on stderr.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOG_BUF_SIZE	16384	/* buffered stderr lines; flushed when full */
#define LOG_LINE_MAX	1024

static int	  log_to_stderr = 1;
static int	  log_journal;	/* stderr is the journal: "<N>" prefixes */
static int	  log_verbose;
static void	(*log_arm)(void);
static char	  log_buf[LOG_BUF_SIZE];
static size_t	  log_len;

static void	vlog(int, int, const char *, va_list);
static int	format_line(char *, size_t, int, const char *, va_list,
		    const char *);
static void	write_all(const char *, size_t);

void
log_init(int to_stderr, int verbose, const char *ident)
{
	log_flush();
	log_to_stderr = to_stderr;
	log_verbose = verbose;
	/* systemd sets JOURNAL_STREAM when stderr goes to the journal. */
	log_journal = to_stderr && getenv("JOURNAL_STREAM") != NULL;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
log_set_flush_hook(void (*arm)(void))
{
	log_flush();
	log_arm = arm;
}

void
log_flush(void)
{
	if (log_len > 0)
		write_all(log_buf, log_len);
	log_len = 0;
}

static void
write_all(const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(STDERR_FILENO, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;		/* nowhere left to complain */
		p += w;
		n -= (size_t)w;
	}
}

/* Format one line; urgent lines (warnings and worse) flush everything. */
static void
vlog(int pri, int urgent, const char *fmt, va_list ap)
{
	char	line[LOG_LINE_MAX];
	int	n;
	int	saved_errno = errno;

	if (!log_to_stderr) {
		vsyslog(pri, fmt, ap);
		errno = saved_errno;
		return;
	}
	n = format_line(line, sizeof(line), pri, fmt, ap, NULL);

	if (log_len + (size_t)n > sizeof(log_buf))
		log_flush();
	memcpy(log_buf + log_len, line, (size_t)n);
	log_len += (size_t)n;
	if (urgent || log_arm == NULL)
		log_flush();
	else if (log_len == (size_t)n)
		log_arm();
	errno = saved_errno;
}

static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	line[LOG_LINE_MAX];
	int	saved_errno = errno, n;

	if (log_to_stderr) {
		n = format_line(line, sizeof(line), pri, fmt, ap,
		    strerror(saved_errno));
		log_flush();
		write_all(line, (size_t)n);
	} else {
		(void)vsnprintf(line, sizeof(line), fmt, ap);
		syslog(pri, "%s: %s", line, strerror(saved_errno));
	}
	errno = saved_errno;
}

/*
 * One stderr line into buf: an optional "<pri>" for the journal, the
 * message cut to fit, an optional ": suffix" (errno text), and always the
 * newline.  Returns its length.
 */
static int
format_line(char *buf, size_t size, int pri, const char *fmt, va_list ap,
    const char *suffix)
{
	size_t	n = 0, slen = suffix != NULL ? strlen(suffix) + 2 : 0;
	int	m;

	if (log_journal)
		n = (size_t)snprintf(buf, size, "<%d>", pri);
	/* Leave room for the suffix and the newline. */
	if (slen + 2 > size - n)
		slen = 0;
	m = vsnprintf(buf + n, size - n - slen - 1, fmt, ap);
	if (m > 0)
		n += (size_t)m < size - n - slen - 1 ? (size_t)m :
		    size - n - slen - 2;
	if (slen > 0) {
		memcpy(buf + n, ": ", 2);
		memcpy(buf + n + 2, suffix, slen - 2);
		n += slen;
	}
	buf[n++] = '\n';
	return (int)n;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, 1, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	log_flush();
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

const char *
log_safe(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i, o = 0, lim = len > 100 ? 100 : len;
	unsigned char c;

	if (dstsz == 0)
		return dst;
	for (i = 0; i < lim; i++) {
		c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstsz)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	if ((i < len) && o + 3 < dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}
