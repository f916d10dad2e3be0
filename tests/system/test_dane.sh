#!/bin/bash
# test_dane.sh: DANE takes precedence (RFC 8461 §2, RFC 7672; conformance
# §8, the §8.1 table, DEC-20..23) against real parts: the world's NSD
# serving DNSSEC-signed zones under a private root, a validating unbound
# on 127.0.0.1, nginx for the MTA-STS policies, Postfix's own socketmap
# client (postmap), and a real Postfix smtp(8) delivering to Postfix
# receivers with STARTTLS.  Every answer is checked as Postfix sees it.
# shellcheck disable=SC2317 # functions called indirectly (check)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
. "$top_srcdir/tests/system/postfix.sh"
. "$top_srcdir/tests/system/dane_world.sh"
world_require
pf_require
setup dane

SOCK=$T_WORK/run/mtastsd.sock
CONF=$T_WORK/mtastsd.conf
LOG=$T_WORK/mtastsd.log
CTL=("$MTASTS_CTL" -f "$CONF")
NODNSSEC=$T_WORK/pf		# a Postfix config without DNSSEC lookups

if dane_world_zones && world_up 10; then
	ok "world up with the DANE zones"
else
	not_ok "world up with the DANE zones"
	finish
fi
if dane_world_receivers mx1.dane-all.test mx2.dane-all.test \
    mx1.dane-mismatch.test; then
	ok "Postfix receivers on the MX hosts of dane-all and dane-mismatch"
else
	not_ok "Postfix receivers on the MX hosts of dane-all and dane-mismatch"
	finish
fi
# The sender asks mtastsd; its own level is "may", so any DANE it does
# comes from mtastsd's answer (DANE-13: DNSSEC lookups on).
if pf_sender s1 "smtp_dns_support_level = dnssec" \
    "smtp_tls_security_level = may" "smtp_tls_CAfile = $WORLD_CA" \
    "smtp_tls_policy_maps = socketmap:unix:$SOCK:postfix"; then
	ok "Postfix sender with smtp_tls_policy_maps on mtastsd"
else
	not_ok "Postfix sender with smtp_tls_policy_maps on mtastsd"
	finish
fi
PFCONF=$(pf_dir s1)/conf

# conf [LINE...]: the configuration, with extra lines.
conf() {
	{
		echo "listen = unix:$SOCK"
		echo "user ="
		echo "socket_group = postfix"	# smtp(8) runs as postfix
		echo "cache_dir = $T_WORK/cache"
		echo "control_socket = $T_WORK/run/control.sock"
		echo "ca_file = $WORLD_CA"
		echo "dns_timeout = 3s"
		echo "lookup_deadline = 8s"
		printf '%s\n' "$@"
	} >"$CONF"
}

# start MAIL_CONFIG: the daemon, asking that Postfix config for its
# smtp_dns_support_level (dane = auto).
start_daemon() {
	: >"$LOG"
	rm -rf "$T_WORK/cache"
	bg env MAIL_CONFIG="$1" "$MTASTSD" -F -f "$CONF" 2>>"$LOG"
	MTASTSD_PID=$T_LASTPID
	wait_for "the socket" test -S "$SOCK"
}

stop_daemon() {
	kill -TERM "$MTASTSD_PID"
	wait "$MTASTSD_PID"
}

# expect_log DESC REGEX: the daemon's log matches, within 4 s.
expect_log() {
	local i
	for i in $(seq 80); do
		grep -Eq -- "$2" "$LOG" && break
		sleep 0.05
	done
	expect_match "$1" "$2" "$(cat "$LOG")"
}

# answer DOMAIN [MAP]: what postmap gets, as "rc:output"; a TEMP shows
# as "temp:TEXT" (Postfix's socketmap client warns and fails the lookup).
answer() {
	local out rc
	out=$(pm "$1" "${2:-postfix}"); rc=$?
	if grep -q "temporary error" "$T_WORK/postmap.err"; then
		echo "temp:$(sed -n 's/.*temporary error[: ]*//p' \
		    "$T_WORK/postmap.err" | head -n 1)"
	else
		echo "$rc:$out"
	fi
}

# ctlstat NAME: one of the daemon's counters (mtasts-ctl stats).
ctlstat() {
	in_ns "${CTL[@]}" stats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

TEMP="temp:DANE state of the MX hosts not known"
NOTFOUND="1:"

# --------------------------------------------------- DEC-20: DANE on
conf "dane = auto"
start_daemon "$PFCONF"
expect_log "DEC-20 auto: the self-test and Postfix's dnssec turn DANE on" \
    "DANE answers on: the resolver validates DNSSEC; Postfix has smtp_dns_support_level = dnssec"
expect_match "mtasts-ctl stats shows DANE on, and why" \
    "^dane: +on: the resolver validates DNSSEC" \
    "$(in_ns "${CTL[@]}" stats)"

# ----------------------------------------------------- the §8.1 table
expect_eq "§8.1 secure MX, every host usable TLSA: dane-only" \
    "0:dane-only" "$(answer dane-all.test)"
expect_eq "DANE-18 dane-only without TLSRPT attributes (postfix-tlsrpt)" \
    "0:dane-only" "$(answer dane-all.test postfix-tlsrpt)"
expect_eq "DEC-21 partial TLSA with STS enforce: the STS answer" \
    "0:secure match=mx1.dane-partial.test:mx2.dane-partial.test servername=hostname" \
    "$(answer dane-partial.test)"
expect_eq "§8.1 partial TLSA without STS: dane" \
    "0:dane" "$(answer dane-partial-nosts.test)"
expect_eq "DANE-9 bogus TLSA on the only host, no STS: dane (Postfix skips it)" \
    "0:dane" "$(answer dane-bogus.test)"
expect_eq "DANE-5 expired RRSIGs (MX SERVFAIL): TEMP" \
    "$TEMP" "$(answer dane-expired.test)"
expect_eq "DANE-5 bogus MX: TEMP" "$TEMP" "$(answer dane-bogusmx.test)"
expect_eq "DANE-6 insecure zone with MTA-STS enforce: the STS answer" \
    "0:secure match=mx1.dane-insecure.test servername=hostname" \
    "$(answer dane-insecure.test)"
expect_eq "DANE-10 only PKIX-EE TLSA (unusable), no STS: dane" \
    "0:dane" "$(answer dane-unusable.test)"
expect_eq "DANE-8 CNAMEd MX host, TLSA at the expanded name: dane-only" \
    "0:dane-only" "$(answer dane-cname.test)"
expect_eq "TLSA of another key is still usable TLSA: dane-only" \
    "0:dane-only" "$(answer dane-mismatch.test)"
expect_eq "DANE-2 SERVFAIL from the resolver (lame zone): TEMP" \
    "$TEMP" "$(answer dane-lame.test)"
expect_eq "secure MX without TLSA and STS enforce: the STS answer" \
    "0:secure match=mx1.enforce.test:.mx.enforce.test servername=hostname" \
    "$(answer enforce.test)"
expect_eq "secure MX without TLSA and STS testing: NOTFOUND" \
    "$NOTFOUND" "$(answer testing.test)"
expect_eq "an uncached DANE domain answers from the cache the second time" \
    "0:dane-only" "$(answer dane-all.test)"

# --------------------------------------------- explanations (issue 5.4)
expect_log "each DANE lookup is logged with every host's state" \
    "dane dane-all.test: MX secure; mx1.dane-all.test usable, mx2.dane-all.test usable, for [0-9]+s"
expect_log "each DANE answer is logged with its reason" \
    'lookup dane-all.test: OK dane-only source=[a-z]+ dane="all MX hosts have usable TLSA"'
expect_log "the TEMP answer says why" \
    'lookup dane-bogusmx.test: TEMP source=[a-z]+ dane="MX lookup failed'
expect_log "the partial answer names dane_partial" \
    'lookup dane-partial.test: OK secure .*dane_partial=sts'
# DANE state lasts 1 s here (AAAA NODATA, SOA minimum 1: DANE-16), and
# show gives the answer as of now: ask first, so that it is fresh.
answer dane-all.test >/dev/null
out=$(in_ns "${CTL[@]}" show dane-all.test)
expect_match "mtasts-ctl show: the MX RRset's DNSSEC state" \
    "dane: +MX secure" "$out"
expect_match "mtasts-ctl show: each MX host's TLSA state" \
    "mx host: +mx2.dane-all.test: usable" "$out"
expect_match "mtasts-ctl show: the answer and why" \
    "answer: +OK dane-only" "$out"
expect_match "...because" "because: +all MX hosts have usable TLSA" "$out"
out=$(in_ns "${CTL[@]}" show dane-cname.test)
expect_match "mtasts-ctl show: the CNAMEd host is its MX name" \
    "mx host: +mx.dane-cname.test: usable" "$out"
out=$(in_ns "${CTL[@]}" show dane-bogus.test)
expect_match "mtasts-ctl show: a failed TLSA lookup" \
    "mx host: +mx1.dane-bogus.test: fail" "$out"

# DANE-16: no longer than the smallest TTL of the records used, as NSD
# serves them: the RRsets' TTLs, and for "no AAAA" the negative TTL
# (RFC 2308: the smaller of the SOA's TTL and its minimum field).
minttl=$(for n in "dane-all.test MX" "mx1.dane-all.test A" \
    "mx1.dane-all.test AAAA" "mx2.dane-all.test A" "mx2.dane-all.test AAAA" \
    "_25._tcp.mx1.dane-all.test TLSA" "_25._tcp.mx2.dane-all.test TLSA"; do
	# shellcheck disable=SC2086 # name and type
	in_ns dig +noall +answer +authority @127.0.0.2 $n |
	    awk '$4 == "SOA" { print ($2 < $11 ? $2 : $11); next }
		{ print $2 }'
done | sort -n | head -n 1)
life=$(in_ns "${CTL[@]}" dump --json | grep '"domain":"dane-all.test"' |
    sed -n 's/.*"dane":{[^}]*"checked":\([0-9]*\),"expires":\([0-9]*\).*/\2 \1/p' |
    awk '{ print $1 - $2 }')
check "DANE-16 DANE state kept ${life:-?}s, at most the smallest TTL (${minttl:-?}s)" \
    test -n "$life" -a -n "$minttl" -a "${life:-0}" -gt 0 -a \
    "${life:-0}" -le "${minttl:-0}"

# DANE-19: the MTA-STS policy is still resolved while DANE decides.
conf "dane = auto" "dane_partial = dane-only"
kill -HUP "$MTASTSD_PID"
expect_log "SIGHUP reloads dane_partial" "configuration reloaded"
expect_eq "DEC-21 dane_partial = dane-only: partial TLSA with STS enforce" \
    "0:dane-only" "$(answer dane-partial.test)"
expect_match "DANE-19 ...while the enforce policy stays cached" \
    "policy: +mode enforce" "$(in_ns "${CTL[@]}" show dane-partial.test)"
expect_eq "dane_partial does not touch partial TLSA without STS" \
    "0:dane" "$(answer dane-partial-nosts.test)"

# ------------------------------------ a real delivery (Postfix smtp(8))
pf_send s1 me@s1.sender.test you@dane-all.test
line=$(pf_wait_status s1 you@dane-all.test sent 30)
expect_match "matching TLSA: Postfix delivers, told dane-only by mtastsd" \
    "status=sent" "$line"
expect_match "...over a DANE-verified TLS connection" \
    "Verified TLS connection established to mx[12]\.dane-all\.test" \
    "$(pf_log_new s1 you@dane-all.test)"
pf_send s1 me@s1.sender.test you@dane-mismatch.test
line=$(pf_wait_status s1 you@dane-mismatch.test deferred 30)
expect_match "TLSA mismatch: Postfix defers the mail" "status=deferred" \
    "$line"
expect_match "...because the certificate does not match the TLSA" \
    "[Ss]erver certificate not verified|TLSA|not trusted" "$line"
check "...and the receiver never got it" \
    bash -c "! grep -q 'to=<you@dane-mismatch.test>' \
    '$(pf_dir mx1.dane-mismatch.test)/maillog'"
stop_daemon

# ------------------------------------- DEC-20: what turns DANE off
# Postfix without DNSSEC lookups: auto keeps DANE answers off...
conf "dane = auto"
start_daemon "$NODNSSEC"
expect_log "DEC-20 auto: Postfix without smtp_dns_support_level = dnssec: off" \
    "DANE answers OFF: Postfix has smtp_dns_support_level = \(empty\), not dnssec"
expect_eq "...and dane-all.test gets no DANE answer" "$NOTFOUND" \
    "$(answer dane-all.test)"
# ...until main.cf says dnssec and mtastsd is reloaded.
echo "smtp_dns_support_level = dnssec" >>"$NODNSSEC/main.cf"
kill -HUP "$MTASTSD_PID"
expect_log "DEC-20 the reload asks postconf again: on" "DANE answers on"
expect_eq "...and dane-all.test gets dane-only" "0:dane-only" \
    "$(answer dane-all.test)"
stop_daemon
sed -i '/smtp_dns_support_level/d' "$NODNSSEC/main.cf"

# dane = yes takes Postfix's word for it.
conf "dane = yes"
start_daemon "$NODNSSEC"
expect_log "DEC-20 yes: on without asking Postfix" \
    "DANE answers on: .*not checked \(dane = yes\)"
stop_daemon

# dane = no: never.
conf "dane = no"
start_daemon "$PFCONF"
expect_eq "DEC-20 dane = no: the STS answer for partial TLSA" \
    "0:secure match=mx1.dane-partial.test:mx2.dane-partial.test servername=hostname" \
    "$(answer dane-partial.test)"
expect_eq "DEC-20 dane = no: no DANE answer for dane-all" "$NOTFOUND" \
    "$(answer dane-all.test)"
expect_eq "...and no DANE lookups at all" 0 "$(ctlstat dane_lookups)"
stop_daemon

# The self-test (DANE-4): a resolver that does not validate.  NSD answers
# authoritatively and never sets AD.
conf "dane = yes" "resolvers = 127.0.0.2"
start_daemon "$PFCONF"
expect_log "DANE-4 a non-validating resolver fails the self-test loudly" \
    "dnssec: self-test failed: the resolver does not validate DNSSEC"
expect_log "...and DANE answers go off with a warning" "DANE answers OFF"
expect_match "mtasts-ctl stats shows DANE off, and why" \
    "^dane: +off: the resolver does not validate DNSSEC" \
    "$(in_ns "${CTL[@]}" stats)"
expect_eq "...so dane-all.test never gets dane-only" "$NOTFOUND" \
    "$(answer dane-all.test)"
expect_eq "...and dane-partial.test gets its STS answer" \
    "0:secure match=mx1.dane-partial.test:mx2.dane-partial.test servername=hostname" \
    "$(answer dane-partial.test)"
stop_daemon

# mtastsd -n states what DANE needs (issue 5.4).
conf "dane = auto"
out=$(in_ns env MAIL_CONFIG="$PFCONF" "$MTASTSD" -n -f "$CONF" 2>&1)
expect_match "mtastsd -n: Postfix's DNSSEC setting, when it is there" \
    "dane = auto: Postfix has smtp_dns_support_level = dnssec" "$out"
expect_match "mtastsd -n: the validating resolver it needs" \
    "local validating resolver" "$out"
out=$(in_ns env MAIL_CONFIG="$NODNSSEC" "$MTASTSD" -n -f "$CONF" 2>&1)
expect_match "mtastsd -n: what Postfix must have, when it is not there" \
    "needs smtp_dns_support_level = dnssec" "$out"
conf "dane = auto" "resolvers = 192.0.2.53"
out=$(in_ns env MAIL_CONFIG="$PFCONF" "$MTASTSD" -n -f "$CONF" 2>&1)
expect_match "mtastsd -n: a resolver off loopback cannot be trusted" \
    "not on loopback" "$out"

finish
