/*
 * test_domain.c: socketmap keys to policy domains (PF-KEY-*, EDGE-1/3/5/
 * 37/38, DEC-26) and the LDH check used for mx patterns (STS-POL-9).
 */
#include "config.h"

#include <string.h>

#include "tabletest.h"
#include "domain.h"

struct key_case {
	const char	*label;
	const char	*key;
	enum domain_key	 want;
	const char	*domain;	/* DOMAIN_KEY_OK */
};

static const struct key_case key_cases[] = {
	{ "plain domain", "example.com", DOMAIN_KEY_OK, "example.com" },
	{ "PF-KEY-5 uppercase is folded", "EXAMPLE.Com", DOMAIN_KEY_OK,
	    "example.com" },
	{ "EDGE-3 one trailing dot is dropped", "example.com.", DOMAIN_KEY_OK,
	    "example.com" },
	{ "EDGE-3 two trailing dots are invalid", "example.com..",
	    DOMAIN_KEY_INVALID, NULL },
	{ "PF-KEY-4 parent key", ".example.com", DOMAIN_KEY_PARENT, NULL },
	{ "PF-KEY-4 TLD parent key", ".com", DOMAIN_KEY_PARENT, NULL },
	{ "DEC-26 [host]:port uses host", "[Relay.Example.NET]:587",
	    DOMAIN_KEY_OK, "relay.example.net" },
	{ "DEC-26 [host] uses host", "[relay.example.net]", DOMAIN_KEY_OK,
	    "relay.example.net" },
	{ "DEC-26 host:port uses host", "relay.example.net:submission",
	    DOMAIN_KEY_OK, "relay.example.net" },
	{ "DEC-26 host:25", "mx.example.org:25", DOMAIN_KEY_OK,
	    "mx.example.org" },
	{ "PF-KEY-6 IPv4 literal", "[192.0.2.1]", DOMAIN_KEY_ADDRESS, NULL },
	{ "PF-KEY-6 IPv4 literal with port", "[192.0.2.1]:25",
	    DOMAIN_KEY_ADDRESS, NULL },
	{ "PF-KEY-6 ipv6: literal", "[ipv6:2001:db8::1]", DOMAIN_KEY_ADDRESS,
	    NULL },
	{ "PF-KEY-6 IPv6 literal without tag", "[2001:db8::1]:25",
	    DOMAIN_KEY_ADDRESS, NULL },
	{ "PF-KEY-6 bare IPv4", "192.0.2.1", DOMAIN_KEY_ADDRESS, NULL },
	{ "PF-KEY-6 bare IPv6", "2001:db8::25", DOMAIN_KEY_ADDRESS, NULL },
	{ "PF-KEY-6 all-digit name is not a domain", "192.0.2",
	    DOMAIN_KEY_INVALID, NULL },
	{ "PF-KEY-1 LMTP socket path", "/var/run/lmtp", DOMAIN_KEY_INVALID,
	    NULL },
	{ "EDGE-1 U-label becomes A-label", "b\xc3\xbc" "cher.example",
	    DOMAIN_KEY_OK, "xn--bcher-kva.example" },
	{ "EDGE-1 uppercase U-label", "B\xc3\x9c" "CHER.example",
	    DOMAIN_KEY_OK, "xn--bcher-kva.example" },
	{ "EDGE-3 IDN with two trailing dots is invalid",
	    "b\xc3\xbc" "cher.example..", DOMAIN_KEY_INVALID, NULL },
	{ "EDGE-1 A-label stays", "xn--bcher-kva.example", DOMAIN_KEY_OK,
	    "xn--bcher-kva.example" },
	{ "invalid UTF-8 is invalid", "b\xfc" "cher.example",
	    DOMAIN_KEY_INVALID, NULL },
	{ "empty key", "", DOMAIN_KEY_INVALID, NULL },
	{ "underscore is not LDH", "mail_1.example.com", DOMAIN_KEY_INVALID,
	    NULL },
	{ "space is invalid", "example .com", DOMAIN_KEY_INVALID, NULL },
	{ "empty label", "a..b", DOMAIN_KEY_INVALID, NULL },
	{ "label starting with hyphen", "-a.example", DOMAIN_KEY_INVALID,
	    NULL },
	{ "label ending with hyphen", "a-.example", DOMAIN_KEY_INVALID,
	    NULL },
	{ "unbalanced bracket", "[example.com", DOMAIN_KEY_INVALID, NULL },
	{ "junk after bracket", "[example.com]x", DOMAIN_KEY_INVALID, NULL },
	{ "empty port", "example.com:", DOMAIN_KEY_INVALID, NULL },
	{ "two colons without brackets", "a.example:25:26",
	    DOMAIN_KEY_INVALID, NULL },
	{ "single label is a name", "localhost", DOMAIN_KEY_OK,
	    "localhost" },
	{ "63-octet label", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaa.example", DOMAIN_KEY_OK,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".example" },
	{ "64-octet label", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaa.example", DOMAIN_KEY_INVALID, NULL },
};

static void
test_key(void **state)
{
	const struct key_case	*tc = *state;
	char			 out[DOMAIN_MAX + 1];
	const char		*why = NULL;
	enum domain_key		 k;

	k = domain_from_key(tc->key, strlen(tc->key), out, &why);
	assert_int_equal(k, tc->want);
	assert_non_null(why);
	if (k == DOMAIN_KEY_OK)
		assert_string_equal(out, tc->domain);
}

/* 253 octets pass, 254 do not (with and without a trailing dot). */
static void
test_length(void **state)
{
	char		name[300], out[DOMAIN_MAX + 1];
	const char	*why;
	size_t		i;

	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	assert_int_equal(domain_from_key(name, 253, out, &why),
	    DOMAIN_KEY_OK);
	assert_int_equal(strlen(out), 253);
	name[253] = '.';
	assert_int_equal(domain_from_key(name, 254, out, &why),
	    DOMAIN_KEY_OK);
	name[253] = 'a';
	assert_int_equal(domain_from_key(name, 254, out, &why),
	    DOMAIN_KEY_INVALID);
	for (i = 0; i < sizeof(name); i++)
		name[i] = 'a';
	assert_int_equal(domain_from_key(name, sizeof(name), out, &why),
	    DOMAIN_KEY_INVALID);
}

struct ldh_case {
	const char	*label;
	const char	*name;
	int		 want;
};

static const struct ldh_case ldh_cases[] = {
	{ "STS-POL-9 plain host", "mx1.example.com", 1 },
	{ "STS-POL-9 mixed case is LDH", "MX1.Example.COM", 1 },
	{ "EDGE-40 digits-only labels are LDH", "192.0.2.10", 1 },
	{ "STS-POL-9 trailing dot is not LDH", "mx.example.com.", 0 },
	{ "STS-POL-9 wildcard is not LDH", "*.example.com", 0 },
	{ "EDGE-41 underscore", "mail_1.example.com", 0 },
	{ "EDGE-20 at sign", "hostmaster@example.com", 0 },
	{ "STS-POL-9 port", "mx.example.com:25", 0 },
	{ "empty", "", 0 },
	{ "leading dot", ".example.com", 0 },
	{ "hyphen inside", "mx-1.ex-ample.com", 1 },
};

static void
test_ldh(void **state)
{
	const struct ldh_case	*tc = *state;

	assert_int_equal(domain_valid_ldh(tc->name, strlen(tc->name)),
	    tc->want);
}

/* Keys are (pointer, length): bytes after len are never read. */
static void
test_not_nul_terminated(void **state)
{
	char		key[] = "example.comXYZ";
	char		out[DOMAIN_MAX + 1];
	const char	*why;

	assert_int_equal(domain_from_key(key, 11, out, &why), DOMAIN_KEY_OK);
	assert_string_equal(out, "example.com");
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, key_cases, test_key);
	TABLE_ADD(&tt, ldh_cases, test_ldh);
	table_add_fn(&tt, "PF-KEY-5 length limits 253/63", test_length);
	table_add_fn(&tt, "keys need no NUL", test_not_nul_terminated);
	return table_run("domain", &tt);
}
