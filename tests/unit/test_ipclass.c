/*
 * test_ipclass.c: which addresses a TLSRPT report may be POSTed to
 * (ipclass.h; rua.h: names that resolve to local addresses are refused).
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <string.h>

#include "tabletest.h"
#include "ipclass.h"

struct ip_case {
	const char	*label;
	const char	*addr;
	int		 public;
};

static const struct ip_case ip_cases[] = {
	{ "v4 public 1.1.1.1", "1.1.1.1", 1 },
	{ "v4 public 8.8.8.8", "8.8.8.8", 1 },
	{ "v4 public 100.63.255.255 (just below RFC 6598)", "100.63.255.255", 1 },
	{ "v4 public 172.32.0.1 (just above RFC 1918)", "172.32.0.1", 1 },
	{ "v4 public 223.255.255.255", "223.255.255.255", 1 },
	{ "v4 0.0.0.0 refused", "0.0.0.0", 0 },
	{ "v4 10.1.2.3 refused (RFC 1918)", "10.1.2.3", 0 },
	{ "v4 100.64.0.1 refused (RFC 6598)", "100.64.0.1", 0 },
	{ "v4 100.127.255.255 refused (RFC 6598)", "100.127.255.255", 0 },
	{ "v4 127.0.0.1 refused (loopback)", "127.0.0.1", 0 },
	{ "v4 127.0.4.1 refused (loopback)", "127.0.4.1", 0 },
	{ "v4 169.254.169.254 refused (link-local, metadata)",
	    "169.254.169.254", 0 },
	{ "v4 172.16.0.1 refused (RFC 1918)", "172.16.0.1", 0 },
	{ "v4 172.31.255.255 refused (RFC 1918)", "172.31.255.255", 0 },
	{ "v4 192.168.1.1 refused (RFC 1918)", "192.168.1.1", 0 },
	{ "v4 192.0.2.1 refused (TEST-NET-1)", "192.0.2.1", 0 },
	{ "v4 198.18.0.1 refused (benchmarking)", "198.18.0.1", 0 },
	{ "v4 198.51.100.7 refused (TEST-NET-2)", "198.51.100.7", 0 },
	{ "v4 203.0.113.9 refused (TEST-NET-3)", "203.0.113.9", 0 },
	{ "v4 224.0.0.1 refused (multicast)", "224.0.0.1", 0 },
	{ "v4 255.255.255.255 refused (broadcast)", "255.255.255.255", 0 },
	{ "v6 public 2001:4860:4860::8888", "2001:4860:4860::8888", 1 },
	{ "v6 public 2a00:1450::1", "2a00:1450::1", 1 },
	{ "v6 :: refused", "::", 0 },
	{ "v6 ::1 refused (loopback)", "::1", 0 },
	{ "v6 ::127.0.0.1 refused (IPv4-compatible)", "::127.0.0.1", 0 },
	{ "v6 ::ffff:127.0.0.1 refused (mapped loopback)",
	    "::ffff:127.0.0.1", 0 },
	{ "v6 ::ffff:10.0.0.1 refused (mapped RFC 1918)", "::ffff:10.0.0.1",
	    0 },
	{ "v6 ::ffff:8.8.8.8 public (mapped public)", "::ffff:8.8.8.8", 1 },
	{ "v6 fd00::1 refused (unique local)", "fd00::1", 0 },
	{ "v6 fc00::1 refused (unique local)", "fc00::1", 0 },
	{ "v6 fe80::1 refused (link-local)", "fe80::1", 0 },
	{ "v6 febf::1 refused (link-local)", "febf::1", 0 },
	{ "v6 fec0::1 refused (site-local)", "fec0::1", 0 },
	{ "v6 ff02::1 refused (multicast)", "ff02::1", 0 },
	{ "v6 2001:db8::1 refused (documentation)", "2001:db8::1", 0 },
	{ "v6 100::1 refused (discard-only)", "100::1", 0 },
};

static void
test_ip(void **state)
{
	const struct ip_case	*c = *state;
	uint8_t			 buf[16];
	int			 family = strchr(c->addr, ':') ? AF_INET6 :
				    AF_INET;

	assert_int_equal(inet_pton(family, c->addr, buf), 1);
	assert_int_equal(ipclass_public(family, buf), c->public);
}

static void
test_family(void **state)
{
	uint8_t	buf[16] = { 8, 8, 8, 8 };

	assert_int_equal(ipclass_public(AF_UNIX, buf), 0);
}

int
main(void)
{
	static struct table_tests tt;

	TABLE_ADD(&tt, ip_cases, test_ip);
	table_add_fn(&tt, "another family is never public", test_family);
	return table_run("ipclass", &tt);
}
