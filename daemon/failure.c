/*
 * failure.c: names of the failure classes for logs, mtasts-ctl and TLSRPT
 * (STS-FETCH-19, RPT-12).  Pure: string tables only, no I/O.
 *
 * The cache stores the numbers (failure.h); these names are what people
 * and reports see, so they are stable.
 */
#include "config.h"

#include <stddef.h>

#include "failure.h"

#define TLSRPT_WEBPKI	"sts-webpki-invalid"
#define TLSRPT_POLICY	"sts-policy-invalid"
#define TLSRPT_FETCH	"sts-policy-fetch-error"

static const struct {
	const char	*name;
	const char	*tlsrpt;	/* NULL: not a fetch failure */
} fail_classes[] = {
	[FAIL_NONE] = { "none", NULL },
	[FAIL_TXT_DNS] = { "txt-dns", NULL },
	[FAIL_TXT_INVALID] = { "txt-invalid", NULL },
	[FAIL_TXT_MULTIPLE] = { "txt-multiple", NULL },
	[FAIL_HOST_DNS] = { "host-dns", TLSRPT_FETCH },
	[FAIL_TCP] = { "tcp", TLSRPT_FETCH },
	[FAIL_TLS_HANDSHAKE] = { "tls-handshake", TLSRPT_FETCH },
	/* RFC 8460 §4.3.2.2: PKIX problems of the policy host. */
	[FAIL_TLS_NAME] = { "tls-name", TLSRPT_WEBPKI },
	[FAIL_TLS_EXPIRED] = { "tls-expired", TLSRPT_WEBPKI },
	[FAIL_TLS_UNTRUSTED] = { "tls-untrusted", TLSRPT_WEBPKI },
	[FAIL_HTTP_STATUS] = { "http-status", TLSRPT_FETCH },
	[FAIL_CONTENT_TYPE] = { "content-type", TLSRPT_FETCH },
	[FAIL_SIZE] = { "size", TLSRPT_FETCH },
	[FAIL_TIMEOUT] = { "timeout", TLSRPT_FETCH },
	[FAIL_SYNTAX] = { "syntax", TLSRPT_POLICY },
	[FAIL_INTERNAL] = { "internal", TLSRPT_FETCH }
};

const char *
fail_class_str(enum fail_class fc)
{
	if ((unsigned)fc > FAIL_CLASS_MAX)
		return "unknown";
	return fail_classes[fc].name;
}

const char *
fail_class_tlsrpt(enum fail_class fc)
{
	if ((unsigned)fc > FAIL_CLASS_MAX)
		return NULL;
	return fail_classes[fc].tlsrpt;
}

int
fail_class_is_fetch(enum fail_class fc)
{
	return fail_class_tlsrpt(fc) != NULL;
}
