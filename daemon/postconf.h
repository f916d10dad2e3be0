/*
 * postconf.h: ask Postfix how it is configured (DEC-20, DANE-13).
 *
 * DANE answers only work when Postfix's smtp(8) does DNSSEC lookups
 * (smtp_dns_support_level = dnssec): otherwise "dane-only" defers every
 * mail.  "postconf -h" is run at start and on reload (it honours
 * MAIL_CONFIG); it takes a few milliseconds.
 */
#ifndef MTASTS_POSTCONF_H
#define MTASTS_POSTCONF_H

/*
 * 1 if Postfix's smtp_dns_support_level is "dnssec", 0 if not or if
 * postconf cannot say; *why gets one readable line (static storage,
 * valid until the next call).
 */
int	postconf_dnssec(const char **why);

/*
 * 1 if Postfix's smtp_tlsrpt_enable is "yes" (Postfix >= 3.10 reports
 * its own TLS handshakes, DANE's TLSA and DNSSEC failures included), 0
 * otherwise; *why as above.  DEC-31: then mtastsd leaves DANE out.
 */
int	postconf_tlsrpt(const char **why);

#endif /* MTASTS_POSTCONF_H */
