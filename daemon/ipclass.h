/*
 * ipclass.h: is an address one that a remote party may send us to?
 * TLSRPT rua https: URIs come from DNS, so a published name could point
 * our report POSTs at this host or its private network (rua.h).  Pure.
 */
#ifndef MTASTS_IPCLASS_H
#define MTASTS_IPCLASS_H

/*
 * 1 if addr (AF_INET: 4 bytes, AF_INET6: 16, network order) is a public
 * unicast address; 0 for loopback, unspecified, private (RFC 1918, RFC
 * 4193), shared (RFC 6598), link- and site-local, documentation,
 * benchmarking, multicast, reserved, and IPv4-mapped forms of those; 0
 * for any other family.
 */
int	ipclass_public(int family, const void *addr);

#endif /* MTASTS_IPCLASS_H */
