#!/bin/bash
# test_world.sh: the test world itself (world.sh): every DNS, DNSSEC, TLS
# and HTTP scenario as a client sees it from inside the namespace (dig,
# curl, openssl s_client), the functions that change the world at run
# time, and a clean shutdown.  WORLD_BULK sets the bulk size (default 1000).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
world_require
require curl
setup world

BULK=${WORLD_BULK:-1000}
if world_up "$BULK"; then
	ok "world up"
else
	not_ok "world up"
	finish
fi

DIG=(dig +time=2 +tries=1 @127.0.0.1)
# short TXT / any type answer, records sorted and joined by |
q() {
	in_ns "${DIG[@]}" +short "$1" "${2:-TXT}" 2>&1 | sort | paste -sd '|'
}
# st [DIG-ARGS]: the rcode (NOERROR, NXDOMAIN, SERVFAIL)
st() {
	in_ns "${DIG[@]}" "$@" 2>&1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
adflag() {
	in_ns "${DIG[@]}" +dnssec "$@" 2>&1 | grep -q 'flags:[a-z ]* ad[ ;]'
}
# get D [CURL-OPTIONS]: GET the policy of D; sets rc, code, ctype, rip
# (the server's address), and leaves the body in $B, the headers in $H.
B=$T_WORK/body
H=$T_WORK/headers
get() {
	local d=$1 out
	shift
	rm -f "$B" "$H"
	out=$(in_ns curl -sS --noproxy '*' --cacert "$WORLD_CA" --max-time 5 \
	    -o "$B" -D "$H" -w '%{http_code}|%{content_type}|%{remote_ip}' \
	    "$@" "https://mta-sts.$d/.well-known/mta-sts.txt" \
	    2>"$T_WORK/curl.err")
	rc=$?
	IFS='|' read -r code ctype rip <<<"$out"
}
hdr() {
	tr -d '\r' <"$H" | grep -i "^$1:" | head -1 | sed 's/^[^:]*: *//'
}
# verify D: openssl's verify code for mta-sts.D (name, chain, dates)
verify() {
	in_ns openssl s_client -connect "mta-sts.$1:443" \
	    -servername "mta-sts.$1" -verify_hostname "mta-sts.$1" \
	    -CAfile "$WORLD_CA" </dev/null 2>&1 |
	    sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' | head -1
}

# ------------------------------------------------------------- DNS
expect_eq "resolv.conf in the namespace points at unbound" \
    "nameserver 127.0.0.1" "$(in_ns cat /etc/resolv.conf)"
check "the trust anchor is a DS for the root" \
    grep -q '^\.[[:space:]].*DS[[:space:]]' "$WORLD_TA"
expect_eq "WORLD_CA is the test CA" "subject=CN = mtastsd test world CA" \
    "$(openssl x509 -in "$WORLD_CA" -noout -subject 2>&1)"
expect_eq "NSD serves the private root" "ns.test." \
    "$(in_ns dig +short +norec @127.0.0.2 . NS)"

sts1='"v=STSv1; id=1"'
for d in enforce testing none wild nxhost closed wrongname expired \
    selfsigned nosan wildcert alert e404 redirect e500 html big chunked \
    gzip slow empty ipv6only email dotmx nomaxage badcase dupmode \
    insecure dyn1 dyn6; do
	expect_eq "TXT _mta-sts.$d.test" "$sts1" "$(q "_mta-sts.$d.test")"
done
expect_eq "TXT txt-noid: no id" '"v=STSv1;"' "$(q _mta-sts.txt-noid.test)"
expect_eq "TXT txt-dashid: id with dashes" '"v=STSv1; id=2024-01-01"' \
    "$(q _mta-sts.txt-dashid.test)"
expect_eq "TXT txt-v2: STSv2" '"v=STSv2; id=1"' "$(q _mta-sts.txt-v2.test)"
expect_eq "TXT txt-two: two STSv1 records" \
    '"v=STSv1; id=1"|"v=STSv1; id=2"' "$(q _mta-sts.txt-two.test)"
expect_eq "TXT txt-junk: SPF beside STSv1" \
    '"v=STSv1; id=junk1"|"v=spf1 -all"' "$(q _mta-sts.txt-junk.test)"
expect_eq "TXT splittxt: three character-strings" \
    '"v=STS" "v1; id=" "split1"' "$(q _mta-sts.splittxt.test)"
expect_eq "TXT cname: CNAME to the provider's record" \
    '"v=STSv1; id=provider1"|_mta-sts.provider.test.' \
    "$(q _mta-sts.cname.test)"
expect_eq "mta-sts.cname: CNAME to the provider's host" \
    '127.0.0.1|mta-sts.provider.test.' "$(q mta-sts.cname.test A)"
expect_eq "mta-sts.enforce A" 127.0.0.1 "$(q mta-sts.enforce.test A)"
expect_eq "mta-sts.enforce AAAA" ::1 "$(q mta-sts.enforce.test AAAA)"
expect_eq "MX enforce: mx1 and *.mx" \
    '10 mx1.enforce.test.|20 a.mx.enforce.test.' "$(q enforce.test MX)"
expect_eq "MX wild" '10 mx1.wild.test.' "$(q wild.test MX)"
expect_eq "mx1.testing A" 127.0.0.1 "$(q mx1.testing.test A)"
expect_eq "nxhost: mta-sts host is NXDOMAIN" NXDOMAIN \
    "$(st mta-sts.nxhost.test A)"
expect_eq "closed: mta-sts A 127.0.0.9" 127.0.0.9 "$(q mta-sts.closed.test A)"
expect_eq "alert: mta-sts A 127.0.0.4" 127.0.0.4 "$(q mta-sts.alert.test A)"
expect_eq "big: mta-sts A 127.0.0.3" 127.0.0.3 "$(q mta-sts.big.test A)"
expect_eq "ipv6only: no A" "NOERROR:" \
    "$(st mta-sts.ipv6only.test A):$(q mta-sts.ipv6only.test A)"
expect_eq "ipv6only: AAAA ::1" ::1 "$(q mta-sts.ipv6only.test AAAA)"
expect_eq "bulk: first domain's TXT" "$sts1" "$(q _mta-sts.d0001.bulk.test)"
last=$(printf 'd%04d' "$BULK")
expect_eq "bulk: $last's TXT and host" "$sts1 127.0.0.1" \
    "$(q "_mta-sts.$last.bulk.test") $(q "mta-sts.$last.bulk.test" A)"
expect_eq "bulk: no domain after $last" NXDOMAIN \
    "$(st "$(printf 'd%04d' $((BULK + 1))).bulk.test" MX)"

# ------------------------------------------------------------- DNSSEC
check "DNSSEC: enforce.test TXT validates (ad)" \
    adflag _mta-sts.enforce.test TXT
check "DNSSEC: test. zone data validates (ad)" \
    adflag _mta-sts.txt-two.test TXT
check "DNSSEC: bulk.test validates (ad)" adflag mta-sts.d0001.bulk.test A
check "DNSSEC: NXDOMAIN is proven (ad)" adflag mta-sts.nxhost.test A
out=$(st +dnssec _mta-sts.insecure.test TXT)
check "DNSSEC: insecure.test answers, without ad" \
    eval '[ "$out" = NOERROR ] && ! adflag _mta-sts.insecure.test TXT'
expect_eq "DNSSEC: bogus.test TXT is SERVFAIL" SERVFAIL \
    "$(st _mta-sts.bogus.test TXT)"
expect_eq "DNSSEC: ... and answers with +cd" NOERROR \
    "$(st +cd _mta-sts.bogus.test TXT)"
check "DNSSEC: bogus.test MX (signature intact) validates" \
    adflag bogus.test MX
expect_eq "DNSSEC: sigexpired.test is SERVFAIL" SERVFAIL \
    "$(st sigexpired.test MX)"

# ------------------------------------------------------------- HTTPS
for d in enforce testing none wild txt-noid txt-dashid txt-v2 txt-two \
    txt-junk splittxt cname provider wildcert email dotmx nomaxage \
    badcase dupmode insecure dyn1 dyn6; do
	get "$d.test"
	expect_eq "https $d.test: 200 text/plain" "0 200 text/plain" \
	    "$rc $code $ctype"
done
get enforce.test
expect_eq "enforce.test policy body" \
    "$(printf 'version: STSv1\nmode: enforce\nmx: mx1.enforce.test\nmx: *.mx.enforce.test\nmax_age: 86400')" \
    "$(cat "$B")"
get cname.test
expect_match "cname.test serves its own policy" "mx: mx1.cname.test" \
    "$(cat "$B")"
get email.test
expect_match "email.test: mx is an address" "^mx: hostmaster@email.test$" \
    "$(cat "$B")"
get dotmx.test
expect_match "dotmx.test: mx with a trailing dot" "^mx: mx1.dotmx.test.$" \
    "$(cat "$B")"
get nomaxage.test
check "nomaxage.test: no max_age" eval '! grep -q max_age "$B"'
get badcase.test
expect_match "badcase.test: Mode: enforce" "^Mode: enforce$" "$(cat "$B")"
get dupmode.test
expect_eq "dupmode.test: testing, then enforce" "mode: testing|mode: enforce" \
    "$(grep '^mode' "$B" | paste -sd '|')"
get none.test
check "none.test: mode none, no mx" \
    eval 'grep -q "^mode: none$" "$B" && ! grep -q ^mx "$B"'
get ipv6only.test
expect_eq "ipv6only.test: 200 over ::1" "0 200 text/plain ::1" \
    "$rc $code $ctype $rip"

get nxhost.test
expect_eq "nxhost.test: curl cannot resolve (6)" 6 "$rc"
get closed.test
expect_eq "closed.test: connection refused (7)" 7 "$rc"
get wrongname.test
expect_eq "wrongname.test: curl rejects the certificate (60)" 60 "$rc"
expect_eq "wrongname.test: verify code 62 (hostname mismatch)" 62 \
    "$(verify wrongname.test)"
get expired.test
expect_eq "expired.test: curl rejects the certificate (60)" 60 "$rc"
expect_eq "expired.test: verify code 10 (certificate has expired)" 10 \
    "$(verify expired.test)"
get selfsigned.test
expect_eq "selfsigned.test: curl rejects the certificate (60)" 60 "$rc"
expect_eq "selfsigned.test: verify code 18 (self-signed)" 18 \
    "$(verify selfsigned.test)"
get cnamebad.test
expect_eq "cnamebad.test: provider's certificate is rejected (60)" 60 "$rc"
expect_eq "cnamebad.test: verify code 62" 62 "$(verify cnamebad.test)"
expect_eq "wildcert.test: *.wildcert.test verifies" 0 \
    "$(verify wildcert.test)"
cert=$(in_ns openssl s_client -connect mta-sts.nosan.test:443 \
    -servername mta-sts.nosan.test </dev/null 2>/dev/null |
    openssl x509 -noout -subject -ext subjectAltName 2>&1 | sort)
expect_eq "nosan.test: CN only, no subjectAltName" \
    "No extensions in certificate|subject=CN = mta-sts.nosan.test" \
    "$(echo "$cert" | paste -sd '|')"
# A client that requires TLS >= 1.2 (as mtastsd does) gets a
# protocol_version alert; OpenSSL 3's default client fails on its own.
get alert.test --tlsv1.2
expect_eq "alert.test: TLS >= 1.2 handshake fails (35)" 35 "$rc"
expect_match "alert.test: the server sends a protocol_version alert" \
    "alert protocol version" "$(cat "$T_WORK/curl.err")"
get alert.test
expect_eq "alert.test: a default curl fails the handshake too (35)" 35 "$rc"
out=$(in_ns openssl s_client -connect 127.0.0.4:443 -servername \
    mta-sts.alert.test -tls1 -cipher DEFAULT@SECLEVEL=0 </dev/null 2>&1)
expect_match "alert.test: the server speaks TLS 1.0" "Protocol *: TLSv1$" \
    "$out"

get e404.test
expect_eq "e404.test: 404" "0 404" "$rc $code"
get redirect.test
expect_eq "redirect.test: 301 (not followed)" "0 301" "$rc $code"
expect_eq "redirect.test: Location" \
    "https://mta-sts.enforce.test/.well-known/mta-sts.txt" "$(hdr Location)"
get e500.test
expect_eq "e500.test: 500" "0 500" "$rc $code"
get html.test
expect_eq "html.test: 200 text/html" "0 200 text/html" "$rc $code $ctype"
get empty.test
expect_eq "empty.test: 200, Content-Length 0, no body" "0 200 0 0" \
    "$rc $code $(hdr Content-Length) $(stat -c %s "$B")"
get big.test
expect_eq "big.test: 200 text/plain" "0 200 text/plain" "$rc $code $ctype"
expect_eq "big.test: no Content-Length, HTTP/1.0, 200000 bytes" \
    ":HTTP/1.0:200000" \
    "$(hdr Content-Length):$(head -1 "$H" | cut -d' ' -f1):$(stat -c %s "$B")"
check "big.test: a valid policy first" \
    eval 'head -2 "$B" | grep -q "^mode: enforce$"'
get chunked.test
expect_eq "chunked.test: 200, chunked, no Content-Length" \
    "0 200 chunked:" "$rc $code $(hdr Transfer-Encoding):$(hdr Content-Length)"
check "chunked.test: the policy arrives whole" \
    grep -q '^max_age: 86400$' "$B"
get gzip.test
expect_eq "gzip.test: 200, Content-Encoding gzip though not asked for" \
    "0 200 gzip" "$rc $code $(hdr Content-Encoding)"
expect_eq "gzip.test: the body is gzip data" "1f8b" \
    "$(head -c 2 "$B" | od -An -tx1 | tr -d ' \n')"
start=$(date +%s%N)
get slow.test --max-time 3
waited=$((($(date +%s%N) - start) / 1000000))
size=$(stat -c %s "$T_WORK/world/www/slow.test/.well-known/mta-sts.txt")
got=$(stat -c %s "$B" 2>/dev/null || echo 0)
expect_eq "slow.test: still trickling after 3 s (curl 28)" "28 200" \
    "$rc $code"
check "slow.test: headers and some body at once, not all ($got < $size)" \
    test "$got" -gt 0 -a "$got" -lt "$size" -a "$waited" -lt 6000

# bulk, across certificate chunks
for i in 1 201 "$BULK"; do
	[ "$i" -le "$BULK" ] || continue
	d=$(printf 'd%04d' "$i").bulk.test
	get "$d"
	expect_eq "https $d: 200 text/plain" "0 200 text/plain" \
	    "$rc $code $ctype"
done
expect_match "bulk policy" "^mx: mx.bulk.test$" "$(cat "$B")"

# ------------------------------------------------------------- changes
world_txt_set _mta-sts.dyn1.test "v=STSv1; id=2"
expect_eq "world_txt_set takes effect at once" '"v=STSv1; id=2"' \
    "$(q _mta-sts.dyn1.test)"
expect_match "... with TTL 1" "^_mta-sts.dyn1.test.[[:space:]]+1[[:space:]]" \
    "$(in_ns "${DIG[@]}" +noall +answer _mta-sts.dyn1.test TXT)"
world_txt_set _mta-sts.dyn1.test "v=STSv1; id=3" "v=STSv1; id=4"
expect_eq "world_txt_set two records" '"v=STSv1; id=3"|"v=STSv1; id=4"' \
    "$(q _mta-sts.dyn1.test)"
world_txt_set _mta-sts.dyn1.test '"v=STSv1; " "id=5"'
expect_eq "world_txt_set split strings" '"v=STSv1; " "id=5"' \
    "$(q _mta-sts.dyn1.test)"
world_txt_del _mta-sts.dyn1.test
expect_eq "world_txt_del: NXDOMAIN at once" NXDOMAIN \
    "$(st _mta-sts.dyn1.test TXT)"
world_txt_set _mta-sts.dyn1.test "v=STSv1; id=6"
expect_eq "world_txt_set after world_txt_del" '"v=STSv1; id=6"' \
    "$(q _mta-sts.dyn1.test)"
world_txt_reset _mta-sts.dyn1.test
expect_eq "world_txt_reset: NSD's data (none for dyn1)" NXDOMAIN \
    "$(st _mta-sts.dyn1.test TXT)"
q _mta-sts.testing.test >/dev/null	# now in unbound's cache
world_txt_set _mta-sts.testing.test "v=STSv1; id=9"
expect_eq "world_txt_set overrides a cached NSD record" '"v=STSv1; id=9"' \
    "$(q _mta-sts.testing.test)"
world_txt_del _mta-sts.testing.test
expect_eq "world_txt_del hides an NSD record" NXDOMAIN \
    "$(st _mta-sts.testing.test TXT)"
world_txt_reset _mta-sts.testing.test
expect_eq "world_txt_reset restores it" "$sts1" "$(q _mta-sts.testing.test)"
check "... still validated" adflag _mta-sts.testing.test TXT

world_policy_set dyn2.test "version: STSv1" "mode: testing" \
    "mx: mx1.dyn2.test" "max_age: 60"
get dyn2.test
expect_eq "world_policy_set takes effect at once" \
    "$(printf 'version: STSv1\nmode: testing\nmx: mx1.dyn2.test\nmax_age: 60')" \
    "$(cat "$B")"
world_policy_set dyn2.test "$(printf 'version: STSv1\nmode: none\nmax_age: 1')"
get dyn2.test
expect_eq "world_policy_set with one multi-line argument" \
    "$(printf 'version: STSv1\nmode: none\nmax_age: 1')" "$(cat "$B")"
world_policy_raw dyn2.test 'version: STSv1\r\nmode: enforce'
get dyn2.test
expect_eq "world_policy_raw: exact bytes (CRLF, no final newline)" \
    "version: STSv1\\r\\nmode: enforce" \
    "$(od -An -c "$B" | tr -d ' \n' | sed 's/:/: /g')"
world_policy_rm dyn2.test
get dyn2.test
expect_eq "world_policy_rm: 404" "0 404" "$rc $code"
world_policy_set gzip.test "version: STSv1" "mode: testing" \
    "mx: mx1.gzip.test" "max_age: 60"
get gzip.test --compressed
expect_match "world_policy_set updates gzip.test's .gz" "^mode: testing$" \
    "$(cat "$B")"
world_policy_set d0002.bulk.test "version: STSv1" "mode: testing" \
    "mx: mx.bulk.test" "max_age: 60"
get d0002.bulk.test
expect_match "world_policy_set on one bulk domain" "^mode: testing$" \
    "$(cat "$B")"
get d0003.bulk.test
expect_match "... the others keep the shared policy" "^mode: enforce$" \
    "$(cat "$B")"

world_host_break dyn3.test
get dyn3.test
expect_eq "world_host_break: 503" "0 503" "$rc $code"
world_host_fix dyn3.test
get dyn3.test
expect_eq "world_host_fix: 200 again" "0 200" "$rc $code"

expect_eq "world_fetch_count: nothing for dyn4 yet" 0 \
    "$(world_fetch_count dyn4.test)"
for i in 1 2 3; do get dyn4.test; done
world_host_break dyn4.test
get dyn4.test
world_host_fix dyn4.test
check "world_fetch_wait sees 4 requests" world_fetch_wait dyn4.test 4 5
expect_eq "world_fetch_count: 4 requests, 3 of them 200, 1 503" "4 3 1" \
    "$(world_fetch_count dyn4.test) $(world_fetch_count dyn4.test 200) $(world_fetch_count dyn4.test 503)"
expect_eq "world_fetch_count: per host (dyn3: 2)" 2 \
    "$(world_fetch_count dyn3.test)"
expect_eq "world_fetch_count: failed TLS is no request" 0 \
    "$(world_fetch_count wrongname.test)"

# ------------------------------------------------------------- cleanup
pids=$(_world_tree "${WORLD_PIDS[@]}")
world_cleanup
left=
for p in $pids; do
	_world_gone "$p" || left="$left $p"
done
expect_eq "world_cleanup: no process of the world is left" "" "$left"
check "world_cleanup: /etc/netns/$T_NS is gone" test ! -e "/etc/netns/$T_NS"
expect_eq "world_cleanup: nothing listens in the namespace" "" \
    "$(in_ns ss -Hlntu 2>&1)"

# A second world right after the first, in the same namespace.
if world_up 10; then
	ok "a second world comes up"
	expect_eq "... and answers" "$sts1 0 200" \
	    "$(q _mta-sts.enforce.test) $(get enforce.test; echo "$rc $code")"
	world_fetch_wait enforce.test 1 2
	expect_eq "... with a fresh access log" 1 \
	    "$(world_fetch_count enforce.test)"
else
	not_ok "a second world comes up"
fi
world_cleanup
check "world_cleanup: /etc/netns/$T_NS is gone again" \
    test ! -e "/etc/netns/$T_NS"

finish
