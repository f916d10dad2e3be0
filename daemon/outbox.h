/*
 * outbox.h: one built TLSRPT report waiting to be delivered, as stored in
 * the cache's "outbox" database under its report-id.  Pure: no I/O, no
 * clock.  The reporter (reporter.c) writes and retries items; mtasts-ctl
 * reads them for `report outbox`.
 *
 * Retry rule (RPT-20, DEC-30): a failed delivery is retried after
 * outbox_backoff(attempts), until OUTBOX_LIFETIME after the report was
 * built; then the item is dropped with a warning.
 */
#ifndef MTASTS_OUTBOX_H
#define MTASTS_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "parse_err.h"
#include "report.h"
#include "rua.h"

#define OUTBOX_LIFETIME		86400	/* retried for a day, then dropped */
#define OUTBOX_BACKOFF_MIN	300
#define OUTBOX_BACKOFF_MAX	7200
#define OUTBOX_ERROR_MAX	255
#define OUTBOX_GZ_MAX		(16U << 20)

struct outbox_dest {
	enum rua_kind	kind;
	char		dest[RUA_URI_MAX + 1];	/* address, or https URI */
};

struct outbox_item {
	char			 report_id[REPORT_ID_MAX];
	char			 domain[DOMAIN_MAX + 1];
	char			 filename[REPORT_FILENAME_MAX];
	int64_t			 day;
	int64_t			 created;	/* when the report was built */
	int64_t			 next_try;
	uint32_t		 attempts;	/* failed deliveries so far */
	uint32_t		 done;		/* bit i: dests[i] took it */
	size_t			 ndests;
	struct outbox_dest	 dests[RUA_URIS_MAX];
	char			 last_error[OUTBOX_ERROR_MAX + 1];
	const void		*gz;		/* the gzipped report */
	size_t			 gzlen;
};

/*
 * Encode it (every string NUL-free and within its array).  Returns a
 * buffer (xmalloc, caller frees) and its length in *len.
 */
void	*outbox_encode(const struct outbox_item *, size_t *len);

/*
 * Decode buf[0..len) into *it; it->gz points into buf.  Returns 0, or -1
 * with err (code 1) and *it cleared.
 */
int	 outbox_decode(const void *buf, size_t len, struct outbox_item *it,
	    struct parse_err *err);

/* Seconds to wait after the n-th failure (n >= 1): 5 min doubling, 2 h. */
int64_t	 outbox_backoff(uint32_t n);

/* Every destination has taken it. */
int	 outbox_finished(const struct outbox_item *);

#endif /* MTASTS_OUTBOX_H */
