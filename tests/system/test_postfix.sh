#!/bin/bash
# test_postfix.sh: the Postfix harness (postfix.sh) and the DANE scenarios
# (dane_world.sh), with no mtastsd involved: dig sees each DANE zone as
# described, receivers run on every MX address, and a real Postfix sender
# with smtp_dns_support_level = dnssec and smtp_tls_security_level = dane
# delivers, verified, where TLSA matches and defers where it does not.
# shellcheck disable=SC2317 # functions called indirectly (check)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
. "$top_srcdir/tests/system/postfix.sh"
. "$top_srcdir/tests/system/dane_world.sh"
world_require
pf_require
setup postfix

t0=$(date +%s%N)
ms() {
	echo $((($(date +%s%N) - t0) / 1000000))
}

if dane_world_zones && world_up 10; then
	ok "world up with the DANE zones"
else
	not_ok "world up with the DANE zones"
	finish
fi

DIG=(dig +time=2 +tries=1 @127.0.0.1)
q() {
	in_ns "${DIG[@]}" +short "$1" "${2:-A}" 2>&1 | sort | paste -sd '|'
}
st() {
	in_ns "${DIG[@]}" "$@" 2>&1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
adflag() {
	in_ns "${DIG[@]}" +dnssec "$@" 2>&1 | grep -q 'flags:[a-z ]* ad[ ;]'
}
# secure NAME TYPE: NOERROR with ad
secure() {
	[ "$(st "$1" "$2")" = NOERROR ] && adflag "$1" "$2"
}
insecure() {
	[ "$(st "$1" "$2")" = NOERROR ] && ! adflag "$1" "$2"
}
tlsa() {
	q "$1" TLSA | tr 'A-F' 'a-f' | tr -d ' '
}
usable=311$DANE_SPKI

# ------------------------------------------------------------- DNS
check "dane-all MX validates (ad)" secure dane-all.test MX
expect_eq "dane-all MX: mx1, mx2" \
    '10 mx1.dane-all.test.|20 mx2.dane-all.test.' "$(q dane-all.test MX)"
for h in mx1 mx2; do
	check "dane-all $h TLSA validates (ad)" \
	    secure "_25._tcp.$h.dane-all.test" TLSA
	expect_eq "dane-all $h TLSA is 3 1 1 of the receiver key" "$usable" \
	    "$(tlsa "_25._tcp.$h.dane-all.test")"
	expect_eq "dane-all $h A" "${DANE_ADDR[$h.dane-all.test]}" \
	    "$(q "$h.dane-all.test")"
done
check "dane-partial mx1 TLSA (ad)" secure _25._tcp.mx1.dane-partial.test TLSA
expect_eq "dane-partial mx2: no TLSA (NXDOMAIN)" NXDOMAIN \
    "$(st _25._tcp.mx2.dane-partial.test TLSA)"
check "... validated absence (ad)" adflag _25._tcp.mx2.dane-partial.test TLSA
expect_eq "dane-partial: MTA-STS TXT" '"v=STSv1; id=1"' \
    "$(q _mta-sts.dane-partial.test TXT)"
expect_eq "dane-partial-nosts: no MTA-STS TXT" NXDOMAIN \
    "$(st _mta-sts.dane-partial-nosts.test TXT)"
check "dane-partial-nosts mx1 TLSA (ad)" \
    secure _25._tcp.mx1.dane-partial-nosts.test TLSA
expect_eq "dane-partial-nosts mx2: no TLSA" NXDOMAIN \
    "$(st _25._tcp.mx2.dane-partial-nosts.test TLSA)"
check "dane-bogus MX (signature intact) validates" secure dane-bogus.test MX
check "dane-bogus mx1 A validates" secure mx1.dane-bogus.test A
expect_eq "dane-bogus TLSA: SERVFAIL" SERVFAIL \
    "$(st _25._tcp.mx1.dane-bogus.test TLSA)"
expect_eq "... NOERROR with +cd" NOERROR \
    "$(st +cd _25._tcp.mx1.dane-bogus.test TLSA)"
expect_eq "dane-bogusmx MX: SERVFAIL" SERVFAIL "$(st dane-bogusmx.test MX)"
check "dane-bogusmx TLSA validates" secure _25._tcp.mx1.dane-bogusmx.test TLSA
expect_eq "dane-expired MX, A, TLSA: SERVFAIL" "SERVFAIL SERVFAIL SERVFAIL" \
    "$(st dane-expired.test MX) $(st mx1.dane-expired.test A) $(st _25._tcp.mx1.dane-expired.test TLSA)"
check "dane-insecure MX: answer without ad" insecure dane-insecure.test MX
check "dane-insecure TLSA: answer without ad" \
    insecure _25._tcp.mx1.dane-insecure.test TLSA
expect_eq "dane-insecure: MTA-STS TXT" '"v=STSv1; id=1"' \
    "$(q _mta-sts.dane-insecure.test TXT)"
check "dane-unusable TLSA validates" secure _25._tcp.mx1.dane-unusable.test TLSA
expect_eq "dane-unusable TLSA: PKIX-EE only" "111$DANE_SPKI" \
    "$(tlsa _25._tcp.mx1.dane-unusable.test)"
expect_eq "dane-cname MX" '10 mx.dane-cname.test.' "$(q dane-cname.test MX)"
expect_eq "dane-cname: mx is a CNAME to real" \
    "127.0.1.12|real.dane-cname.test." "$(q mx.dane-cname.test)"
check "... validated (ad)" secure mx.dane-cname.test A
check "dane-cname: TLSA at real (ad)" secure _25._tcp.real.dane-cname.test TLSA
expect_eq "dane-cname: no TLSA at mx" NXDOMAIN \
    "$(st _25._tcp.mx.dane-cname.test TLSA)"
check "dane-mismatch TLSA validates" secure _25._tcp.mx1.dane-mismatch.test TLSA
expect_eq "dane-mismatch TLSA: another key" "311$DANE_WRONG" \
    "$(tlsa _25._tcp.mx1.dane-mismatch.test)"
tl=$(date +%s%N)
expect_eq "dane-lame MX: SERVFAIL" SERVFAIL "$(st dane-lame.test MX)"
tl=$((($(date +%s%N) - tl) / 1000000))
check "... within 1.5 s ($tl ms)" test "$tl" -lt 1500

# ------------------------------------------------------------- receivers
t1=$(ms)
if dane_world_receivers; then
	ok "13 receivers up ($(($(ms) - t1)) ms)"
else
	not_ok "13 receivers up"
	finish
fi
check "policy host serves dane-partial's policy" \
    grep -q "^mx: mx2.dane-partial.test$" \
    "$W/www/dane-partial.test/.well-known/mta-sts.txt"
# the receiver presents the DANE key's certificate, valid for its name
out=$(in_ns openssl s_client -connect 127.0.1.1:25 -starttls smtp \
    -CAfile "$WORLD_CA" -verify_hostname mx1.dane-all.test </dev/null \
    2>/dev/null)
expect_match "receiver mx1.dane-all: PKIX verifies (world CA, name)" \
    "Verify return code: 0 " "$out"
expect_eq "receiver mx1.dane-all: its key matches the TLSA" "$DANE_SPKI" \
    "$(printf '%s\n' "$out" | openssl x509 -pubkey -noout 2>/dev/null |
	openssl pkey -pubin -outform DER 2>/dev/null |
	openssl dgst -sha256 -r | awk '{ print $1 }')"

# ------------------------------------------------------------- delivery
t1=$(ms)
if pf_sender s1 "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = dane" "smtp_tls_CAfile = $WORLD_CA"; then
	ok "sender up ($(($(ms) - t1)) ms)"
else
	not_ok "sender up"
	finish
fi
FROM=postmaster@s1.sender.test

# dane-all: verified delivery to mx1
t1=$(ms)
pf_send s1 "$FROM" user@dane-all.test
line=$(pf_wait_status s1 user@dane-all.test sent)
expect_match "dane-all: sent via mx1 ($(($(ms) - t1)) ms)" \
    "relay=mx1.dane-all.test\[127.0.1.1\]:25,.* status=sent" "$line"
expect_match "dane-all: the sender verified the TLSA match" \
    "Verified TLS connection established to mx1.dane-all.test\[127.0.1.1\]:25" \
    "$(pf_log s1)"
rlog=$(pf_receiver_log mx1.dane-all.test)
expect_match "dane-all: the receiver logged the TLS session" \
    "Anonymous TLS connection established from unknown\[127.0.2.1\]" \
    "$rlog"
expect_match "dane-all: ... and the delivery" \
    "to=<user@dane-all.test>, relay=none, .*status=sent \(mx1.dane-all.test\)" \
    "$rlog"

# dane-all: mx1 down, mx2 takes it, verified
pf_stop mx1.dane-all.test
pf_send s1 "$FROM" user2@dane-all.test
line=$(pf_wait_status s1 user2@dane-all.test sent)
expect_match "dane-all: mx1 stopped, sent via mx2" \
    "relay=mx2.dane-all.test\[127.0.1.2\]:25,.* status=sent" "$line"
expect_match "dane-all: mx2 verified" \
    "Verified TLS connection established to mx2.dane-all.test" "$(pf_log s1)"
pf_start mx1.dane-all.test
check "dane-all: mx1 restarted" \
    eval 'in_ns ss -Hlnt | grep -q " 127.0.1.1:25 "'

# dane-mismatch: no TLSA matches the certificate: deferred
t1=$(ms)
pf_send s1 "$FROM" user@dane-mismatch.test
line=$(pf_wait_status s1 user@dane-mismatch.test deferred)
expect_match "dane-mismatch: deferred ($(($(ms) - t1)) ms)" \
    "relay=mx1.dane-mismatch.test\[127.0.1.13\]:25,.* status=deferred" \
    "$line"
expect_match "dane-mismatch: ... for the certificate" \
    "[Ss]erver certificate not verified" "$line"
expect_match "dane-mismatch: sender logs the failed TLSA verification" \
    "certificate verification failed for mx1.dane-mismatch.test\[127.0.1.13\]:25: .*TLSA" \
    "$(pf_log s1)"
expect_eq "dane-mismatch: nothing delivered at the receiver" "" \
    "$(pf_receiver_log mx1.dane-mismatch.test | grep 'status=sent')"

# dane-cname: TLSA at the CNAME-expanded name, verified
pf_send s1 "$FROM" user@dane-cname.test
line=$(pf_wait_status s1 user@dane-cname.test sent)
expect_match "dane-cname: sent" "relay=.*\[127.0.1.12\]:25,.* status=sent" \
    "$line"
expect_match "dane-cname: verified" \
    "Verified TLS connection established to [a-z.]*dane-cname.test\[127.0.1.12\]" \
    "$(pf_log s1)"

# DNSSEC failures: Postfix defers on its own
pf_send s1 "$FROM" user@dane-bogus.test
expect_match "dane-bogus (TLSA SERVFAIL): deferred" "status=deferred" \
    "$(pf_wait_status s1 user@dane-bogus.test deferred)"
pf_send s1 "$FROM" user@dane-bogusmx.test
expect_match "dane-bogusmx (MX SERVFAIL): deferred" "status=deferred" \
    "$(pf_wait_status s1 user@dane-bogusmx.test deferred)"
pf_send s1 "$FROM" user@dane-lame.test
expect_match "dane-lame (SERVFAIL): deferred" "status=deferred" \
    "$(pf_wait_status s1 user@dane-lame.test deferred)"

# the mismatch, retried after a flush: a new attempt, deferred again
pf_mark s1 user@dane-mismatch.test
pf_flush s1
expect_match "pf_flush: dane-mismatch retried, deferred again" \
    "status=deferred" "$(pf_wait_status s1 user@dane-mismatch.test deferred)"

# pf_conf: the same sender with smtp_tls_security_level = may (reloaded)
# delivers to the mismatching MX: TLS, but no DANE ("Trusted": the chain
# is the world CA's, smtp_tls_CAfile; no name check at "may")
check "pf_conf: security level may, reloaded" \
    pf_conf s1 "smtp_tls_security_level = may"
pf_send s1 "$FROM" user2@dane-mismatch.test
expect_match "pf_conf: dane-mismatch now sent" "status=sent" \
    "$(pf_wait_status s1 user2@dane-mismatch.test sent)"
expect_match "pf_conf: ... over TLS, not verified" \
    "(Trusted|Untrusted|Anonymous) TLS connection established to mx1.dane-mismatch.test" \
    "$(pf_log_new s1 user2@dane-mismatch.test)"

# ------------------------------------------------------------- cleanup
t1=$(ms)
pf_cleanup
left=$(ip netns pids "$T_NS" | xargs -r ps -o comm= -p |
    grep -E 'master|smtpd|qmgr|pickup|postlogd|smtp|tlsmgr')
expect_eq "pf_cleanup: no Postfix process left in the namespace" "" "$left"
echo "# stopped in $(($(ms) - t1)) ms; total $(ms) ms"
finish
