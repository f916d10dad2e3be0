#!/bin/sh
# setup-debian.sh: everything mtastsd needs on Debian 12, run as root:
# build tools and libraries, the servers the system tests start (NSD,
# unbound, nginx, Postfix with "No configuration"), and the mtastsd system
# user.  Idempotent: safe to run again.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "setup-debian.sh: run me as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive

BUILD="build-essential autoconf automake pkgconf
	libevent-dev libgetdns-dev libcurl4-openssl-dev libssl-dev
	liblmdb-dev libidn2-dev libcmocka-dev zlib1g-dev"
# Runtime: getdns's default DNSSEC trust anchor, CA certificates.
RUNTIME="dns-root-data ca-certificates"
# Tests: Postfix's own client, real DNS and HTTPS servers, namespaces,
# clang for the libFuzzer targets, python3 for the TLSRPT report
# receiver and the RFC 8460 schema check.
TEST="postfix nsd unbound ldnsutils bind9-dnsutils nginx-light curl
	iproute2 openssl lmdb-utils clang libclang-rt-14-dev
	python3 python3-jsonschema"

# Postfix must not ask questions, nor configure itself.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $BUILD $RUNTIME $TEST

if ! getent passwd mtastsd >/dev/null; then
	useradd --system --no-create-home --home-dir /var/lib/mtastsd \
	    --shell /usr/sbin/nologin --user-group mtastsd
fi
echo "setup-debian.sh: done"
