# dane_world.sh: DANE scenarios for the test world (bash, sourced after
# lib.sh, world.sh and postfix.sh).  dane_world_zones adds zones under
# test. BEFORE world_up; dane_world_receivers starts, after world_up, a
# Postfix receiver (postfix.sh) on every MX address.
#
#   . tests/system/lib.sh; . tests/system/world.sh
#   . tests/system/postfix.sh; . tests/system/dane_world.sh
#   setup NAME
#   dane_world_zones
#   world_up 10 || ...
#   dane_world_receivers || ...
#
# Keys and certificates.  TLSA records are signed into the zones during
# world_up, and world_up creates the CA and the world's key (leaf.key)
# afresh, so the DANE key cannot be the world's: dane_world_zones makes
# one key, $DANE_KEY (EC P-256), used by every receiver, and publishes
# "3 1 1 $DANE_SPKI" (SHA-256 of its SubjectPublicKeyInfo).  After
# world_up, dane_world_certs has the world's CA ($WORLD_CA) issue each MX
# host a certificate for that key with the host's names (so PKIX / MTA-STS
# validation works as well): $(dane_cert HOST) = $DANE_DIR/HOST.crt.
#
# Scenarios (mode as in world/zones.txt; MX preference 10 for mx1 or the
# only MX, 20 for mx2; "usable" = 3 1 1 $DANE_SPKI):
#
#   zone                   mode        MX host (address): TLSA          dig
#   dane-all.test          signed      mx1 (127.0.1.1): usable          ad
#                                      mx2 (127.0.1.2): usable          ad
#   dane-partial.test      signed      mx1 (127.0.1.3): usable          ad
#                                      mx2 (127.0.1.4): none (NXDOMAIN, ad)
#                                      + MTA-STS enforce, mx1 and mx2
#   dane-partial-nosts.test signed     mx1 (127.0.1.5): usable; mx2
#                                      (127.0.1.6): none; no MTA-STS
#   dane-bogus.test        bogus:TLSA  mx1 (127.0.1.7): usable, its RRSIG
#                                      broken: MX, A ad; TLSA SERVFAIL
#   dane-expired.test      expired     mx1 (127.0.1.8): usable; every
#                                      RRSIG expired: all SERVFAIL
#   dane-bogusmx.test      bogus:MX    mx1 (127.0.1.9): usable; MX
#                                      SERVFAIL, A and TLSA ad
#   dane-insecure.test     unsigned    mx1 (127.0.1.10): usable, but
#                                      insecure (no ad); + MTA-STS enforce
#   dane-unusable.test     signed      mx1 (127.0.1.11): only "1 1 1
#                                      $DANE_SPKI" (PKIX-EE): ad
#   dane-cname.test        signed      mx.dane-cname.test CNAME
#                                      real.dane-cname.test (127.0.1.12);
#                                      usable TLSA at _25._tcp.real only
#   dane-mismatch.test     signed      mx1 (127.0.1.13): "3 1 1" of
#                                      another key ($DANE_WRONG): ad
#   dane-lame.test         lame: delegated in test. (with a DS) to
#                          ns.test., which is not authoritative for it and
#                          answers with the same referral; no DNSKEY can
#                          be had: everything SERVFAIL within ms (a server
#                          that does not answer at all keeps unbound
#                          retrying for over 10 s).  With +cd: NOERROR,
#                          no data
#
# MTA-STS (dane-partial, dane-insecure): TXT "v=STSv1; id=1" and the policy
# host mta-sts.D on nginx (world.sh); dane_world_policies writes the
# policy files after world_up (dane_world_receivers calls it).
#
# Functions:
#   dane_world_zones            before world_up: key, zones, records
#   dane_world_policies         after world_up: the MTA-STS policy files
#   dane_world_certs            after world_up: the receivers' certificates
#   dane_world_receivers [HOST...]   after world_up: policies, certificates
#                               and a pf_receiver per MX host (all, or the
#                               HOSTs given), started in parallel; the
#                               instance is named after the host
#   dane_cert HOST              the certificate file of HOST
#   DANE_HOSTS                  "host address" of every MX host, one a line
#   DANE_ADDR[host]             the address of a host
#   DANE_DIR, DANE_KEY, DANE_SPKI, DANE_WRONG  see above

DANE_DIR=
DANE_KEY=
DANE_SPKI=
DANE_WRONG=
declare -A DANE_ADDR=()
DANE_HOSTS="mx1.dane-all.test 127.0.1.1
mx2.dane-all.test 127.0.1.2
mx1.dane-partial.test 127.0.1.3
mx2.dane-partial.test 127.0.1.4
mx1.dane-partial-nosts.test 127.0.1.5
mx2.dane-partial-nosts.test 127.0.1.6
mx1.dane-bogus.test 127.0.1.7
mx1.dane-expired.test 127.0.1.8
mx1.dane-bogusmx.test 127.0.1.9
mx1.dane-insecure.test 127.0.1.10
mx1.dane-unusable.test 127.0.1.11
real.dane-cname.test 127.0.1.12
mx1.dane-mismatch.test 127.0.1.13"

# Extra names in a host's certificate (the MX name of a CNAME target).
declare -A DANE_ALTNAMES=([real.dane-cname.test]=mx.dane-cname.test)

while read -r _h _a; do
	DANE_ADDR[$_h]=$_a
done <<<"$DANE_HOSTS"
unset _h _a

# _dane_spki KEYFILE: hex SHA-256 of the key's SubjectPublicKeyInfo.
_dane_spki() {
	openssl pkey -in "$1" -pubout -outform DER 2>/dev/null |
	    openssl dgst -sha256 -r | awk '{ print $1 }'
}

# _dane_a ZONE LABEL: LABEL's A record in ZONE (address from DANE_ADDR).
_dane_a() {
	world_rr "$1" "$2 A ${DANE_ADDR[$2.$1]}"
}

# dane_world_zones: the DANE key and zones (before world_up; after setup).
dane_world_zones() {
	local ok="3 1 1" t wrongkey z
	DANE_DIR=$T_WORK/dane
	DANE_KEY=$DANE_DIR/receiver.key
	wrongkey=$DANE_DIR/wrong.key
	mkdir -p "$DANE_DIR" || return 1
	chmod 755 "$DANE_DIR"
	if ! openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$DANE_KEY" 2>"$DANE_DIR/key.err" ||
	    ! openssl genpkey -algorithm EC \
	    -pkeyopt ec_paramgen_curve:P-256 -out "$wrongkey" \
	    2>>"$DANE_DIR/key.err"; then
		echo "# dane_world: no key"
		sed 's/^/#   /' "$DANE_DIR/key.err"
		return 1
	fi
	chmod 644 "$DANE_KEY"
	DANE_SPKI=$(_dane_spki "$DANE_KEY")
	DANE_WRONG=$(_dane_spki "$wrongkey")
	[ ${#DANE_SPKI} = 64 ] && [ ${#DANE_WRONG} = 64 ] || return 1
	export DANE_DIR DANE_KEY DANE_SPKI DANE_WRONG
	t="$ok $DANE_SPKI"

	# both MX hosts with usable TLSA
	world_zone dane-all.test signed
	world_rr dane-all.test "@ MX 10 mx1" "@ MX 20 mx2"
	_dane_a dane-all.test mx1
	_dane_a dane-all.test mx2
	world_rr dane-all.test "_25._tcp.mx1 TLSA $t" "_25._tcp.mx2 TLSA $t"

	# mx1 usable TLSA, mx2 none; with and without MTA-STS enforce
	for z in dane-partial.test dane-partial-nosts.test; do
		world_zone "$z" signed
		world_rr "$z" "@ MX 10 mx1" "@ MX 20 mx2" \
		    "_25._tcp.mx1 TLSA $t"
		_dane_a "$z" mx1
		_dane_a "$z" mx2
	done
	world_rr dane-partial.test "%host @" "%txt @"

	# DNSSEC failures: the TLSA RRSIGs, every RRSIG (expired), the MX's
	for z in dane-bogus:bogus:TLSA dane-expired:expired \
	    dane-bogusmx:bogus:MX; do
		world_zone "${z%%:*}.test" "${z#*:}"
		z=${z%%:*}.test
		world_rr "$z" "@ MX 10 mx1" "_25._tcp.mx1 TLSA $t"
		_dane_a "$z" mx1
	done

	# unsigned, with TLSA and MTA-STS enforce
	world_zone dane-insecure.test unsigned
	world_rr dane-insecure.test "@ MX 10 mx1" "_25._tcp.mx1 TLSA $t" \
	    "%host @" "%txt @"
	_dane_a dane-insecure.test mx1

	# only PKIX-EE (usage 1): unusable for SMTP (RFC 7672 3.1.3)
	world_zone dane-unusable.test signed
	world_rr dane-unusable.test "@ MX 10 mx1" \
	    "_25._tcp.mx1 TLSA 1 1 1 $DANE_SPKI"
	_dane_a dane-unusable.test mx1

	# the MX host is a CNAME; TLSA at the expanded name
	world_zone dane-cname.test signed
	world_rr dane-cname.test "@ MX 10 mx" "mx CNAME real" \
	    "_25._tcp.real TLSA $t"
	_dane_a dane-cname.test real

	# TLSA of another key
	world_zone dane-mismatch.test signed
	world_rr dane-mismatch.test "@ MX 10 mx1" \
	    "_25._tcp.mx1 TLSA $ok $DANE_WRONG"
	_dane_a dane-mismatch.test mx1

	# lame: a signed delegation (any DS) to ns.test. (NSD), which is
	# not authoritative for it and answers with the same referral
	world_rr test "dane-lame NS ns" "dane-lame DS 4711 13 2 $DANE_WRONG"
	return 0
}

dane_cert() {
	echo "$DANE_DIR/$1.crt"
}

# dane_world_policies: the MTA-STS policy files (after world_up).
dane_world_policies() {
	world_policy_set dane-partial.test "version: STSv1" "mode: enforce" \
	    "mx: mx1.dane-partial.test" "mx: mx2.dane-partial.test" \
	    "max_age: 86400" &&
	world_policy_set dane-insecure.test "version: STSv1" "mode: enforce" \
	    "mx: mx1.dane-insecure.test" "max_age: 86400"
}

# dane_world_certs: a certificate from the world's CA for $DANE_KEY per MX
# host, with the host's names (after world_up: the CA is made there).
dane_world_certs() {
	local h a cfg san d
	while read -r h a; do
		cfg=$DANE_DIR/$h.cnf
		san="DNS:$h"
		for d in ${DANE_ALTNAMES[$h]:-}; do
			san="$san,DNS:$d"
		done
		_world_certcnf "$h" "$san" >"$cfg"
		openssl req -new -x509 -config "$cfg" -key "$DANE_KEY" \
		    -CA "$W/pki/ca.crt" -CAkey "$W/pki/ca.key" -days 30 \
		    -out "$(dane_cert "$h")" 2>"$DANE_DIR/$h.err" || {
			echo "# dane_world: no certificate for $h"
			sed 's/^/#   /' "$DANE_DIR/$h.err"
			return 1
		}
	done <<<"$DANE_HOSTS"
}

# dane_world_receivers [HOST...]: policies, certificates, and one
# pf_receiver per MX host (named after it), started in parallel.
dane_world_receivers() {
	local h a names=()
	dane_world_policies || { echo "# dane_world: policies"; return 1; }
	dane_world_certs || return 1
	if [ $# = 0 ]; then
		readarray -t names < <(awk '{ print $1 }' <<<"$DANE_HOSTS")
		set -- "${names[@]}"
		names=()
	fi
	for h; do
		a=${DANE_ADDR[$h]:-}
		[ -n "$a" ] || { echo "# dane_world: unknown host $h"; return 1; }
		pf_receiver_conf "$h" "$a" "$(dane_cert "$h")" "$DANE_KEY" ||
		    return 1
		names+=("$h")
	done
	pf_start "${names[@]}"
}
