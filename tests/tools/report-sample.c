/*
 * report-sample.c: print sample RFC 8460 JSON reports made by the real
 * report writer, one report per line, for tests/unit/test_report_schema.sh
 * to check against tests/fixtures/tlsrpt-report.schema.json.
 *
 *   report-sample
 *
 * Every report goes through report_entry_add() (sessions aggregated into
 * entries, one entry per policy) and report_json(), with a report-id from
 * report_id() and a fixed nonce, so the output is the same on every run.
 * Each line starts with the report's JSON; nothing else is printed on
 * stdout.  Errors go to stderr and exit 1.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_err.h"
#include "report.h"
#include "rpt.h"

#define DAY	20000		/* 2024-10-04 */
#define MAXENT	RPT_POLICIES_MAX

struct sample {
	const char		*name;
	const char		*domain;
	const char		*record;
	struct report_entry	 e[MAXENT];
	size_t			 n;
};

static void	sample_init(struct sample *, const char *, const char *,
		    const char *);
static void	add(struct sample *, size_t, const struct rpt_policy *,
		    unsigned);
static void	emit(struct sample *);
static void	policy(struct rpt_policy *, enum rpt_policy_type,
		    const char *, int);

static void
sample_init(struct sample *s, const char *name, const char *domain,
    const char *record)
{
	size_t	i;

	s->name = name;
	s->domain = domain;
	s->record = record;
	s->n = 0;
	for (i = 0; i < MAXENT; i++)
		report_entry_init(&s->e[i]);
}

/* Count times sessions made under p into entry i of s. */
static void
add(struct sample *s, size_t i, const struct rpt_policy *p, unsigned times)
{
	struct parse_err	err;
	unsigned		k;

	for (k = 0; k < times; k++)
		if (report_entry_add(&s->e[i], s->domain, s->record, p,
		    &err) != 0) {
			fprintf(stderr, "report-sample: %s: "
			    "report_entry_add: %s\n", s->name, err.msg);
			exit(1);
		}
	if (i + 1 > s->n)
		s->n = i + 1;
}

static void
emit(struct sample *s)
{
	struct report_meta	m;
	struct report_buf	out;
	struct parse_err	err;
	char			id[REPORT_ID_MAX];
	size_t			i;

	if (report_id(id, DAY, s->domain, s->record, "mail.example.net",
	    s->name, strlen(s->name), &err) != 0) {
		fprintf(stderr, "report-sample: %s: report_id: %s\n",
		    s->name, err.msg);
		exit(1);
	}
	memset(&m, 0, sizeof(m));
	m.day = DAY;
	m.domain = s->domain;
	m.record = s->record;
	m.org = "Example Net \xc3\x85sa \"Mail\"";
	m.contact = "tlsrpt@example.net";
	m.report_id = id;
	report_buf_init(&out);
	if (report_json(&m, s->e, s->n, &out, &err) != 0) {
		fprintf(stderr, "report-sample: %s: report_json: %s\n",
		    s->name, err.msg);
		exit(1);
	}
	if (memchr(out.buf, '\n', out.len) != NULL) {
		fprintf(stderr, "report-sample: %s: newline in the report\n",
		    s->name);
		exit(1);
	}
	printf("%s\n", out.buf);
	report_buf_free(&out);
	for (i = 0; i < MAXENT; i++)
		report_entry_clear(&s->e[i]);
}

static void
policy(struct rpt_policy *p, enum rpt_policy_type type, const char *domain,
    int failed)
{
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->domain = domain;
	p->failed = failed;
}

int
main(void)
{
	static struct sample	s;
	struct rpt_policy	p;
	struct rpt_failure	*f;

	/* 1: sts, several result types, every optional row field. */
	sample_init(&s, "sts-all-fields", "example.com",
	    "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
	policy(&p, RPT_POLICY_STS, "example.com", 0);
	p.nstrings = 4;
	p.strings[0] = "version: STSv1";
	p.strings[1] = "mode: enforce";
	p.strings[2] = "mx: *.mail.example.com";
	p.strings[3] = "max_age: 86400";
	p.nmx = 1;
	p.mx[0] = "*.mail.example.com";
	add(&s, 0, &p, 7);
	p.failed = 1;
	p.nfailures = 3;
	f = &p.failures[0];
	f->result = RPT_RESULT_CERT_EXPIRED;
	f->sending_mta_ip = "2001:db8:abcd:12::1";
	f->receiving_mx_hostname = "mx1.mail.example.com";
	f->receiving_mx_helo = "mx1.mail.example.com";
	f->receiving_ip = "203.0.113.56";
	f->additional_information =
	    "https://reports.example.net/tlsrpt/exp/1";
	f->failure_reason_code = "X509_V_ERR_CERT_HAS_EXPIRED";
	f = &p.failures[1];
	f->result = RPT_RESULT_STS_WEBPKI_INVALID;
	f->sending_mta_ip = "198.51.100.62";
	f->receiving_mx_hostname = "mx2.mail.example.com";
	f->receiving_mx_helo = "mx2.mail.example.com";
	f->receiving_ip = "192.0.2.25";
	f->additional_information = "chain";
	f->failure_reason_code = "unable to get local issuer certificate";
	f = &p.failures[2];
	f->result = RPT_RESULT_STARTTLS_NOT_SUPPORTED;
	f->sending_mta_ip = "198.51.100.62";
	f->receiving_mx_hostname = "mx3.mail.example.com";
	f->receiving_mx_helo = "mx3";
	f->receiving_ip = "192.0.2.26";
	f->additional_information = "";
	f->failure_reason_code = "";
	add(&s, 0, &p, 3);
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_STS_POLICY_FETCH_ERROR;
	add(&s, 0, &p, 1);
	p.failures[0].result = RPT_RESULT_STS_POLICY_INVALID;
	add(&s, 0, &p, 1);
	p.failures[0].result = RPT_RESULT_CERT_HOST_MISMATCH;
	add(&s, 0, &p, 1);
	p.failures[0].result = RPT_RESULT_CERT_NOT_TRUSTED;
	add(&s, 0, &p, 1);
	p.failures[0].result = RPT_RESULT_VALIDATION_FAILURE;
	add(&s, 0, &p, 1);
	emit(&s);

	/* 2: tlsa, the DANE result types. */
	sample_init(&s, "tlsa", "dane.example.org",
	    "v=TLSRPTv1;rua=mailto:r@dane.example.org,https://r.example/x");
	policy(&p, RPT_POLICY_TLSA, "dane.example.org", 0);
	p.nstrings = 2;
	p.strings[0] = "3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D";
	p.strings[1] = "3 0 1 12350A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D";
	p.nmx = 2;
	p.mx[0] = "mx1.dane.example.org";
	p.mx[1] = "mx2.dane.example.org";
	add(&s, 0, &p, 2);
	p.failed = 1;
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_TLSA_INVALID;
	p.failures[0].receiving_mx_hostname = "mx1.dane.example.org";
	add(&s, 0, &p, 2);
	p.failures[0].result = RPT_RESULT_DNSSEC_INVALID;
	add(&s, 0, &p, 1);
	p.failures[0].result = RPT_RESULT_DANE_REQUIRED;
	p.failures[0].receiving_mx_hostname = "mx2.dane.example.org";
	add(&s, 0, &p, 1);
	emit(&s);

	/* 3: no-policy-found, successes only, no strings, no mx. */
	sample_init(&s, "no-policy", "plain.example",
	    "v=TLSRPTv1; rua=mailto:tls@plain.example");
	policy(&p, RPT_POLICY_NONE, "plain.example", 0);
	add(&s, 0, &p, 5);
	emit(&s);

	/* 4: several policies in one report. */
	sample_init(&s, "multi", "multi.example",
	    "v=TLSRPTv1; rua=mailto:tls@multi.example");
	policy(&p, RPT_POLICY_STS, "multi.example", 0);
	p.nstrings = 3;
	p.strings[0] = "version: STSv1";
	p.strings[1] = "mode: testing";
	p.strings[2] = "mx: mx.multi.example";
	p.nmx = 1;
	p.mx[0] = "mx.multi.example";
	add(&s, 0, &p, 4);
	policy(&p, RPT_POLICY_TLSA, "multi.example", 1);
	p.nstrings = 1;
	p.strings[0] = "2 1 1 abcdef";
	p.nmx = 1;
	p.mx[0] = "mx.multi.example";
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_TLSA_INVALID;
	p.failures[0].sending_mta_ip = "192.0.2.1";
	add(&s, 1, &p, 2);
	policy(&p, RPT_POLICY_NONE, "multi.example", 1);
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_STARTTLS_NOT_SUPPORTED;
	add(&s, 2, &p, 1);
	emit(&s);

	/* 5: a failure row with no optional fields at all. */
	sample_init(&s, "bare-row", "bare.example",
	    "v=TLSRPTv1; rua=mailto:tls@bare.example");
	policy(&p, RPT_POLICY_STS, "bare.example", 1);
	p.nstrings = 1;
	p.strings[0] = "version: STSv1";
	p.nmx = 1;
	p.mx[0] = "mx.bare.example";
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_VALIDATION_FAILURE;
	add(&s, 0, &p, 3);
	emit(&s);

	/* 6: unicode (and characters JSON escapes) in the free text. */
	sample_init(&s, "unicode", "xn--bcher-kva.example",
	    "v=TLSRPTv1; rua=mailto:tls@xn--bcher-kva.example");
	policy(&p, RPT_POLICY_STS, "xn--bcher-kva.example", 1);
	p.nstrings = 1;
	p.strings[0] = "mx: mx.xn--bcher-kva.example";
	p.nmx = 1;
	p.mx[0] = "mx.xn--bcher-kva.example";
	p.nfailures = 1;
	f = &p.failures[0];
	f->result = RPT_RESULT_CERT_HOST_MISMATCH;
	f->sending_mta_ip = "192.0.2.9";
	f->receiving_mx_hostname = "mx.xn--bcher-kva.example";
	f->receiving_mx_helo = "b\xc3\xbc" "cher.example \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x93\xa7";
	f->receiving_ip = "192.0.2.10";
	f->additional_information = "caf\xc3\xa9 \"quoted\" back\\slash "
	    "tab\there \x01 \xe2\x80\xa8 end";
	f->failure_reason_code = "\xc3\x85\xc3\x84\xc3\x96";
	add(&s, 0, &p, 1);
	emit(&s);

	/* 7: sts with no policy strings and no mx (a failed fetch). */
	sample_init(&s, "sts-empty", "empty.example",
	    "v=TLSRPTv1; rua=mailto:tls@empty.example");
	policy(&p, RPT_POLICY_STS, "empty.example", 1);
	p.nfailures = 1;
	p.failures[0].result = RPT_RESULT_STS_POLICY_FETCH_ERROR;
	p.failures[0].additional_information = "HTTP 404";
	add(&s, 0, &p, 2);
	emit(&s);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("report-sample: stdout");
		return 1;
	}
	return 0;
}
