/*
 * load.c: the I/O half of conf/: read mtastsd.conf and print a config.
 *
 * conf_load() reads at most CONF_FILE_MAX bytes and hands them to the pure
 * conf_parse(); conf_dump() prints the effective configuration from the
 * option table so that it parses back to an equal struct conf.  Nothing
 * here interprets config text: that stays in conf.c, where it is fuzzed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "xmalloc.h"

static void	load_error(struct conf_errors *, const char *, const char *,
		    ...) __attribute__((__format__(__printf__, 3, 4)));
static void	dump_safe(FILE *, const char *);
static void	dump_line(FILE *, const char *, const char *, size_t);

/* Append "path: reason" to errs (if not NULL). */
static void
load_error(struct conf_errors *errs, const char *path, const char *fmt, ...)
{
	va_list	 ap;
	char	*reason;

	if (errs == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) == -1)
		reason = NULL;
	va_end(ap);
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof(*errs->msg));
	xasprintf(&errs->msg[errs->n++], "%s: %s", path,
	    reason != NULL ? reason : "out of memory");
	free(reason);
}

struct conf *
conf_load(const char *path, int missing_ok, struct conf_errors *errs)
{
	struct conf	*conf;
	struct stat	 sb;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT && missing_ok) {
			conf = conf_defaults();
			free(conf->file);
			conf->file = xstrdup(path);
			return conf;
		}
		load_error(errs, path, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		load_error(errs, path, "%s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		load_error(errs, path, "not a regular file");
		close(fd);
		return NULL;
	}
	if (sb.st_size > CONF_FILE_MAX) {
		load_error(errs, path, "larger than %d bytes", CONF_FILE_MAX);
		close(fd);
		return NULL;
	}

	/* One byte more than allowed tells a file that grew meanwhile. */
	buf = xmalloc(CONF_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + len, CONF_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			load_error(errs, path, "%s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONF_FILE_MAX) {
			load_error(errs, path, "larger than %d bytes",
			    CONF_FILE_MAX);
			free(buf);
			close(fd);
			return NULL;
		}
	}
	close(fd);
	if (conf_parse(buf, len, path, &conf, errs) == -1)
		conf = NULL;
	free(buf);
	return conf;
}

/* A comment line must stay one valid line: escape all but ASCII text. */
static void
dump_safe(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fprintf(fp, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
}

/*
 * "lhs = value" on one line if it fits CONF_LINE_MAX, else "lhs =" and the
 * value on continuation lines, cut at single spaces between non-blanks: the
 * parser joins continuations with exactly one space, so the value comes
 * back unchanged.  A parsed value always has such a cut within every
 * CONF_LINE_MAX - 1 bytes (its own continuation joins).
 */
static void
dump_line(FILE *fp, const char *lhs, const char *v, size_t vlen)
{
	size_t	start, cut, i, max = CONF_LINE_MAX - 1;

	if (strlen(lhs) + 3 + vlen <= CONF_LINE_MAX) {
		fprintf(fp, "%s =%s%.*s\n", lhs, vlen > 0 ? " " : "",
		    (int)vlen, v);
		return;
	}
	fprintf(fp, "%s =\n", lhs);
	for (start = 0; start < vlen; start = cut + 1) {
		cut = vlen;
		if (vlen - start > max) {
			for (i = start + 1; i <= start + max && i + 1 < vlen;
			    i++)
				if (v[i] == ' ' && v[i - 1] != ' ' &&
				    v[i - 1] != '\t' && v[i + 1] != ' ' &&
				    v[i + 1] != '\t')
					cut = i;
		}
		fprintf(fp, "\t%.*s\n", (int)(cut - start), v + start);
	}
}

void
conf_dump(const struct conf *conf, FILE *fp)
{
	const struct conf_option	*o;
	const struct conf_override	*ov;
	size_t				 i;
	char				*v, *lhs;

	fprintf(fp, "# mtastsd configuration from ");
	dump_safe(fp, conf->file != NULL ? conf->file : "(unknown)");
	fprintf(fp, "\n");
	for (i = 0; i < conf_noptions; i++) {
		o = &conf_options[i];
		v = conf_option_format(conf, o);
		fprintf(fp, "\n# %s\n", o->help);
		dump_line(fp, o->name, v, strlen(v));
		free(v);
	}
	if (conf->noverrides > 0)
		fprintf(fp, "\n");
	for (i = 0; i < conf->noverrides; i++) {
		ov = &conf->overrides[i];
		xasprintf(&lhs, "override %s", ov->domain);
		if (ov->policy == NULL)
			dump_line(fp, lhs, "none", 4);
		else
			dump_line(fp, lhs, ov->policy, ov->policy_len);
		free(lhs);
	}
}
