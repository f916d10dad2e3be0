/*
 * fuzz_report.c: libFuzzer target for aggregate entry values as read back
 * from LMDB (report.c).
 *
 * A value has exactly one form (report.h): whatever report_entry_decode()
 * accepts, report_entry_encode() must write back byte for byte.  A
 * refusal leaves the entry empty with a code and a safe message.  The
 * entry is released either way, so LeakSanitizer sees every copy.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report.h"

/*
 * Above the largest value there can be (every count and string at its
 * limit: about 700 KB) and what replay_main.c reads.
 */
#define FUZZ_REPORT_INPUT_MAX	(1024 * 1024)

static void	check_err(const struct parse_err *, int);
static void	check_empty(const struct report_entry *);

/* Messages reach logs: printable ASCII, never empty on failure. */
static void
check_err(const struct parse_err *err, int failed)
{
	size_t	n, i;

	n = strnlen(err->msg, sizeof(err->msg));
	if (n == sizeof(err->msg))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)err->msg[i] < 0x20 ||
		    (unsigned char)err->msg[i] >= 0x7f)
			abort();
	if (!failed) {
		if (err->code != REPORT_ERR_NONE || n != 0)
			abort();
		return;
	}
	if (err->code <= REPORT_ERR_NONE || err->code > REPORT_ERR_MISMATCH ||
	    n == 0)
		abort();
}

static void
check_empty(const struct report_entry *e)
{
	if (e->domain != NULL || e->record != NULL ||
	    e->policy_domain != NULL || e->nstrings != 0 ||
	    e->strings != NULL || e->nmx != 0 || e->mx != NULL ||
	    e->success != 0 || e->failure != 0 || e->rows_dropped != 0 ||
	    e->nrows != 0 || e->rows != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_entry	 e;
	struct report_key	 key;
	struct parse_err	 err;
	void			*out;
	size_t			 len;

	if (size > FUZZ_REPORT_INPUT_MAX)
		return 0;
	if (report_entry_decode(data, size, &e, &err) == -1) {
		check_err(&err, 1);
		check_empty(&e);
		report_entry_clear(&e);
		return 0;
	}
	check_err(&err, 0);
	if (e.domain == NULL || e.record == NULL)
		abort();

	/* One form: decode then encode is the identity on the bytes. */
	out = report_entry_encode(&e, &len);
	if (len != size || memcmp(out, data, size) != 0)
		abort();
	free(out);

	/* A stored entry can always be keyed again. */
	if (report_entry_key(&e, 0, &key) == 0 || key.len > REPORT_KEY_MAX)
		abort();
	report_entry_clear(&e);
	check_empty(&e);
	return 0;
}
