/*
 * fuzz_netstring.c: the socketmap request path without sockets: decode
 * frames as the server does, split "name key", pick the profile and screen
 * the key (netstring, answer_profile, domain_from_key).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "answer.h"
#include "bounds.h"
#include "domain.h"
#include "netstring.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data, *payload, *why, *sp;
	char		 domain[DOMAIN_MAX + 1];
	size_t		 off = 0, plen, used;

	if (size > 4 * SOCKMAP_REQUEST_MAX)
		return 0;
	while (off < size) {
		if (netstring_decode(buf + off, size - off,
		    SOCKMAP_REQUEST_MAX, &payload, &plen, &used, &why) !=
		    NETSTRING_FRAME)
			break;
		if (used == 0 || used > size - off || plen > used)
			__builtin_trap();
		off += used;
		if ((sp = memchr(payload, ' ', plen)) == NULL)
			continue;
		(void)answer_profile(payload, (size_t)(sp - payload));
		if (domain_from_key(sp + 1, plen - (size_t)(sp - payload) - 1,
		    domain, &why) == DOMAIN_KEY_OK &&
		    strlen(domain) > DOMAIN_MAX)
			__builtin_trap();
	}
	return 0;
}
