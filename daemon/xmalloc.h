/*
 * xmalloc.h: allocators that abort instead of failing.
 *
 * Out of memory is fatal in mtastsd (STYLE.md §6): systemd restarts us and
 * Postfix retries a dead socketmap.  Every function here either returns
 * usable memory or calls fatalx().  xfree(NULL) is a no-op.
 */
#ifndef MTASTS_XMALLOC_H
#define MTASTS_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
void	 xfree(void *);

#endif /* MTASTS_XMALLOC_H */
