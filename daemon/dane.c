/*
 * dane.c: DANE for SMTP (RFC 7672) as pure decisions: TLSA usability,
 * one MX host's DNS results, and the §8.1 table that combines the MX
 * RRset, its hosts and the MTA-STS mode into one answer class.
 * Sits under lookup.c (§2 step 6-8); decide.c turns the class into text.
 * Pure: no I/O, no clock, no allocation.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "dane.h"

/* RFC 6698 §2.1, RFC 7672 §3.1.3 (DANE-10). */
#define TLSA_USAGE_DANE_TA	2
#define TLSA_USAGE_DANE_EE	3
#define TLSA_SELECTOR_CERT	0
#define TLSA_SELECTOR_SPKI	1
#define TLSA_MTYPE_FULL		0
#define TLSA_MTYPE_SHA256	1
#define TLSA_MTYPE_SHA512	2
#define TLSA_SHA256_LEN		32
#define TLSA_SHA512_LEN		64

int
dane_tlsa_usable(uint8_t usage, uint8_t selector, uint8_t mtype, size_t len)
{
	/* DANE-10: PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP. */
	if (usage != TLSA_USAGE_DANE_TA && usage != TLSA_USAGE_DANE_EE)
		return 0;
	if (selector != TLSA_SELECTOR_CERT && selector != TLSA_SELECTOR_SPKI)
		return 0;
	switch (mtype) {
	case TLSA_MTYPE_FULL:
		return len > 0;
	case TLSA_MTYPE_SHA256:
		return len == TLSA_SHA256_LEN;
	case TLSA_MTYPE_SHA512:
		return len == TLSA_SHA512_LEN;
	default:
		return 0;
	}
}

enum dane_host
dane_host_classify(const struct dane_host_input *in)
{
	/*
	 * RFC 7672 §2.2.2 (DANE-7): addresses first.  An address lookup
	 * error means the host must not be used (§2.1.2), like a TLSA error;
	 * no addresses means the host is unreachable and DANE is moot;
	 * insecure addresses mean no DANE for this host.  Values outside
	 * the enums are a bug upstream and are taken as failures, the
	 * answer that can never downgrade.
	 */
	switch (in->addr) {
	case DANE_DNS_OK:
		break;
	case DANE_DNS_NONE:
		return DANE_HOST_NONE;
	default:
		return DANE_HOST_FAIL;
	}
	if (!in->addr_secure)
		return DANE_HOST_NONE;

	/* DANE-9: only a secure TLSA RRset counts; absence is an answer. */
	switch (in->tlsa) {
	case DANE_DNS_OK:
		break;
	case DANE_DNS_NONE:
		return DANE_HOST_NONE;
	default:
		return DANE_HOST_FAIL;
	}
	if (!in->tlsa_secure)
		return DANE_HOST_NONE;
	return in->tlsa_usable > 0 ? DANE_HOST_USABLE : DANE_HOST_UNUSABLE;
}

enum dane_decision
dane_decide(enum dane_mx mx, const enum dane_host *hosts, size_t nhosts,
    int sts_enforce, enum dane_partial partial, const char **why)
{
	const char		*reason;
	enum dane_decision	 d;
	size_t			 i, nusable = 0, nunusable = 0, nnone = 0;
	size_t			 nfail = 0;

	if (mx == DANE_MX_INSECURE) {
		/* DANE-6: DANE does not authenticate this destination. */
		reason = "MX RRset insecure: DANE does not apply";
		d = DANE_DECIDE_STS;
		goto done;
	}
	if (mx != DANE_MX_SECURE) {
		/* DANE-5, DEC-22: unknowable, even without STS enforce. */
		reason = "MX lookup failed: DANE state unknowable";
		d = DANE_DECIDE_TEMP;
		goto done;
	}

	for (i = 0; i < nhosts; i++) {
		switch (hosts[i]) {
		case DANE_HOST_USABLE:
			nusable++;
			break;
		case DANE_HOST_UNUSABLE:
			nunusable++;
			break;
		case DANE_HOST_NONE:
			nnone++;
			break;
		default:
			/* Out of range: a bug; fail, never downgrade. */
			nfail++;
			break;
		}
	}

	if (nhosts == 0) {
		reason = "secure MX RRset with no hosts: DANE does not apply";
		d = DANE_DECIDE_STS;
	} else if (nusable == nhosts) {
		/* DEC-23: dane-only also without STS enforce. */
		reason = "all MX hosts have usable TLSA";
		d = DANE_DECIDE_DANE_ONLY;
	} else if (nfail > 0 && nusable == 0) {
		/*
		 * The failing host may have usable TLSA: an STS answer
		 * could override DANE (DANE-1).  Without enforce, Postfix's
		 * dane skips the failing host itself (DANE-14).
		 */
		if (sts_enforce) {
			reason = "TLSA lookup failed for an MX host with "
			    "secure addresses and no host has usable TLSA";
			d = DANE_DECIDE_TEMP;
		} else {
			reason = "TLSA lookup failed for an MX host, none "
			    "usable, no STS enforce: dane skips it";
			d = DANE_DECIDE_DANE;
		}
	} else if (nfail > 0) {
		if (sts_enforce) {
			reason = "TLSA lookup failed for an MX host, others "
			    "usable, STS enforce: dane-only";
			d = DANE_DECIDE_DANE_ONLY;
		} else {
			reason = "TLSA lookup failed for an MX host, others "
			    "usable: dane";
			d = DANE_DECIDE_DANE;
		}
	} else if (nusable > 0 && nnone == 0) {
		/*
		 * Usable and unusable TLSA only.  Every host published TLSA,
		 * so the domain runs DANE everywhere.  With STS enforce,
		 * dane-only is the one level that breaks neither rule: the
		 * STS answer would skip DANE on the usable hosts (DANE-1),
		 * dane would let the unusable ones through with
		 * unauthenticated "encrypt" (DANE-14, STS-APP-1).  dane-only
		 * authenticates every delivery and skips only hosts whose
		 * TLSA Postfix cannot use (DANE-15), as in the fail+usable
		 * row.  dane_partial is about hosts with no TLSA at all, so
		 * it does not apply here.
		 */
		if (sts_enforce) {
			reason = "MX hosts have usable or unusable TLSA, STS "
			    "enforce: dane-only";
			d = DANE_DECIDE_DANE_ONLY;
		} else {
			reason = "MX hosts have usable or unusable TLSA: dane";
			d = DANE_DECIDE_DANE;
		}
	} else if (nusable > 0) {
		/* DEC-21: with enforce, dane lets no-TLSA hosts fall to may. */
		if (!sts_enforce) {
			reason = "some MX hosts have usable TLSA: dane";
			d = DANE_DECIDE_DANE;
		} else if (partial == DANE_PARTIAL_DANE_ONLY) {
			reason = "some MX hosts have usable TLSA, STS enforce, "
			    "dane_partial=dane-only: hosts without TLSA "
			    "skipped";
			d = DANE_DECIDE_DANE_ONLY;
		} else {
			reason = "some MX hosts have usable TLSA, STS enforce, "
			    "dane_partial=sts: STS answer";
			d = DANE_DECIDE_STS;
		}
	} else if (nunusable > 0) {
		/* STS is stronger than the "encrypt" unusable TLSA gives. */
		if (sts_enforce) {
			reason = "no MX host has usable TLSA, STS enforce: "
			    "STS answer";
			d = DANE_DECIDE_STS;
		} else {
			reason = "unusable TLSA on an MX host, no STS "
			    "enforce: dane requires encryption";
			d = DANE_DECIDE_DANE;
		}
	} else {
		reason = "no MX host has TLSA: DANE does not apply";
		d = DANE_DECIDE_STS;
	}

done:
	if (why != NULL)
		*why = reason;
	return d;
}

const char *
dane_host_str(enum dane_host h)
{
	switch (h) {
	case DANE_HOST_NONE:
		return "none";
	case DANE_HOST_USABLE:
		return "usable";
	case DANE_HOST_UNUSABLE:
		return "unusable";
	case DANE_HOST_FAIL:
		return "fail";
	}
	return "unknown";
}

const char *
dane_mx_str(enum dane_mx mx)
{
	switch (mx) {
	case DANE_MX_FAIL:
		return "fail";
	case DANE_MX_INSECURE:
		return "insecure";
	case DANE_MX_SECURE:
		return "secure";
	}
	return "unknown";
}

const char *
dane_decision_str(enum dane_decision d)
{
	switch (d) {
	case DANE_DECIDE_STS:
		return "sts";
	case DANE_DECIDE_DANE_ONLY:
		return "dane-only";
	case DANE_DECIDE_DANE:
		return "dane";
	case DANE_DECIDE_TEMP:
		return "temp";
	}
	return "unknown";
}
