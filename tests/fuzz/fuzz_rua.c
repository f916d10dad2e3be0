/*
 * fuzz_rua.c: libFuzzer target for the TLSRPT policy record (rua.c).
 *
 * The whole input goes through rua_parse() as one RR; then it is split on
 * '\n' into up to 66 RRs, as the resolver would hand them over, each
 * through rua_is_tlsrpt() and rua_parse(), and the set through
 * rua_select().  Whatever is accepted must be safe to hand on: checked
 * against the promises of rua.h, and parsed again from its own output.
 * Nothing allocates.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "rua.h"

#define FUZZ_RUA_INPUT_MAX	(2 * RUA_RECORD_MAX + 64)
#define FUZZ_RUA_RRS		66
#define FUZZ_RUA_PREFIX		"v=TLSRPTv1;rua="
#define FUZZ_RUA_PREFIX_LEN	(sizeof(FUZZ_RUA_PREFIX) - 1)

static void	check_text(const char *, size_t);
static void	check_uri(const struct rua *, const struct rua_uri *);
static void	check_again(const struct rua_uri *);
static void	check(enum rua_status, const struct rua *,
		    const struct parse_err *);

/*
 * NUL-terminated inside sz bytes, printable ASCII apart from whole UTF-8
 * section signs ("RFC 8460 §3"), even where the text was cut.
 */
static void
check_text(const char *s, size_t sz)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, n;

	n = strnlen(s, sz);
	if (n == sz)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if (u[i] == 0xc2 && i + 1 < n && u[i + 1] == 0xa7) {
			i++;
			continue;
		}
		if (u[i] < 0x20 || u[i] >= 0x7f)
			__builtin_trap();
	}
}

/* What rua.h promises about one usable URI. */
static void
check_uri(const struct rua *r, const struct rua_uri *u)
{
	const char	*at;
	size_t		 i, n;
	unsigned char	 c;

	n = strnlen(u->dest, sizeof(u->dest));
	if (n == 0 || n > RUA_URI_MAX)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		c = (unsigned char)u->dest[i];
		if (c <= 0x20 || c >= 0x7f)
			__builtin_trap();
	}
	switch (u->kind) {
	case RUA_MAILTO:
		/* One address, no option, no route, no second address. */
		if (n > RUA_ADDR_MAX || strchr("-/|", u->dest[0]) != NULL)
			__builtin_trap();
		if (strpbrk(u->dest, ",!%\"()<>[]\\:;") != NULL)
			__builtin_trap();
		if ((at = strchr(u->dest, '@')) == NULL ||
		    strchr(at + 1, '@') != NULL || at == u->dest ||
		    at[1] == '\0' || strchr(at + 1, '.') == NULL)
			__builtin_trap();
		break;
	case RUA_HTTPS:
		/* As published: a part of the record, never split. */
		if (n < 9 || strncasecmp(u->dest, "https://", 8) != 0)
			__builtin_trap();
		if (strpbrk(u->dest, ",;!") != NULL)
			__builtin_trap();
		if (strstr(r->record, u->dest) == NULL)
			__builtin_trap();
		break;
	default:
		__builtin_trap();
	}
}

/*
 * Round trip: a record made of the URI alone (the address re-encoded,
 * the https URI as it is) gives the same URI back.
 */
static void
check_again(const struct rua_uri *u)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 buf[RUA_RECORD_MAX];
	struct rua		 again;
	size_t			 n, i;
	unsigned char		 c;

	memcpy(buf, FUZZ_RUA_PREFIX, FUZZ_RUA_PREFIX_LEN);
	n = FUZZ_RUA_PREFIX_LEN;
	if (u->kind == RUA_MAILTO) {
		memcpy(buf + n, "mailto:", 7);
		n += 7;
		for (i = 0; u->dest[i] != '\0'; i++) {
			c = (unsigned char)u->dest[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '@')
				buf[n++] = (char)c;
			else {
				buf[n++] = '%';
				buf[n++] = hex[c >> 4];
				buf[n++] = hex[c & 0xf];
			}
		}
	} else {
		i = strlen(u->dest);
		memcpy(buf + n, u->dest, i);
		n += i;
	}
	if (rua_parse(buf, n, &again, NULL) != RUA_OK ||
	    again.nuris != 1 || again.uris[0].kind != u->kind ||
	    strcmp(again.uris[0].dest, u->dest) != 0)
		__builtin_trap();
}

/* Invariants that hold for every input. */
static void
check(enum rua_status st, const struct rua *r, const struct parse_err *err)
{
	struct rua	again;
	size_t		i, j, n;

	check_text(err->msg, sizeof(err->msg));
	check_text(r->skipped, sizeof(r->skipped));
	if (st != RUA_OK) {
		if (r->nuris != 0 || r->record[0] != '\0' ||
		    r->warnings != 0 || r->nskipped != 0 ||
		    err->code != (int)st || err->msg[0] == '\0')
			__builtin_trap();
		return;
	}
	if (err->code != 0 || err->msg[0] != '\0')
		__builtin_trap();
	if (r->nuris == 0 || r->nuris > RUA_URIS_MAX)
		__builtin_trap();
	if ((r->nskipped != 0) != ((r->warnings & RUA_WARN_SKIPPED) != 0) ||
	    (r->nskipped != 0) != (r->skipped[0] != '\0'))
		__builtin_trap();
	n = strnlen(r->record, sizeof(r->record));
	if (n == sizeof(r->record) || !rua_is_tlsrpt(r->record, n))
		__builtin_trap();
	for (i = 0; i < r->nuris; i++) {
		check_uri(r, &r->uris[i]);
		check_again(&r->uris[i]);
		for (j = 0; j < i; j++)
			if (r->uris[j].kind == r->uris[i].kind &&
			    strcmp(r->uris[j].dest, r->uris[i].dest) == 0)
				__builtin_trap();
	}
	for (; i < RUA_URIS_MAX; i++)
		if (r->uris[i].kind != 0 || r->uris[i].dest[0] != '\0')
			__builtin_trap();
	/* The kept record parses to the very same result. */
	if (rua_parse(r->record, n, &again, NULL) != RUA_OK ||
	    memcmp(&again, r, sizeof(again)) != 0)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*rrs[FUZZ_RUA_RRS];
	size_t			 lens[FUZZ_RUA_RRS];
	struct rua		 r;
	struct parse_err	 err;
	enum rua_status		 st;
	const char		*p = (const char *)data, *nl;
	size_t			 n = 0, left = size;

	if (size > FUZZ_RUA_INPUT_MAX)
		return 0;

	/* The whole input as one RR. */
	st = rua_parse(p, size, &r, &err);
	check(st, &r, &err);
	if (st == RUA_OK && (!rua_is_tlsrpt(p, size) ||
	    memcmp(r.record, p, size) != 0 || r.record[size] != '\0'))
		__builtin_trap();

	while (n < FUZZ_RUA_RRS) {
		nl = memchr(p, '\n', left);
		rrs[n] = p;
		lens[n] = nl != NULL ? (size_t)(nl - p) : left;
		st = rua_parse(rrs[n], lens[n], &r, &err);
		check(st, &r, &err);
		(void)rua_is_tlsrpt(rrs[n], lens[n]);
		n++;
		if (nl == NULL)
			break;
		left -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	st = rua_select(rrs, lens, n, &r, &err);
	check(st, &r, &err);
	return 0;
}
