#!/bin/bash
# test_tlsrpt_dane.sh: the DANE failures mtastsd's own lookups find go into
# TLS reports (RFC 8460 §4.3.2.1; DEC-31), against the world's signed
# zones: a bogus TLSA RRset is dnssec-invalid, a bogus MX RRset too, a
# secure TLSA RRset with no usable record is tlsa-invalid, and a domain
# whose DANE is fine, or that publishes no TLSRPT record, gets nothing.
# Postfix here (< 3.10) has no smtp_tlsrpt_enable, so mtastsd reports.
# shellcheck disable=SC2317 # functions called indirectly (check)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
. "$top_srcdir/tests/system/postfix.sh"
. "$top_srcdir/tests/system/dane_world.sh"
world_require
require python3
setup tlsrpt-dane

SOCK=$T_WORK/run/mtastsd.sock
CONF=$T_WORK/mtastsd.conf
LOG=$T_WORK/mtastsd.log
CTL=("$MTASTS_CTL" -f "$CONF")

rua() {
	echo "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@$1\""
}

if dane_world_zones &&
    world_rr dane-bogus.test "$(rua dane-bogus.test)" &&
    world_rr dane-bogusmx.test "$(rua dane-bogusmx.test)" &&
    world_rr dane-unusable.test "$(rua dane-unusable.test)" &&
    world_rr dane-all.test "$(rua dane-all.test)" &&
    world_up 10; then
	ok "world up with the DANE zones and their _smtp._tls records"
else
	not_ok "world up with the DANE zones and their _smtp._tls records"
	finish
fi

cat >"$CONF" <<EOF
listen = unix:$SOCK
user =
socket_group =
cache_dir = $T_WORK/cache
control_socket = $T_WORK/run/control.sock
ca_file = $WORLD_CA
dns_timeout = 3s
lookup_deadline = 8s
dane = yes
tlsrpt = yes
tlsrpt_socket = $T_WORK/run/tlsrpt.sock
tlsrpt_organization = Test Sender
tlsrpt_contact = reports@sender.test
sendmail_path = /bin/true
EOF
if in_ns env MAIL_CONFIG="$T_WORK/pf" "$MTASTSD" -n -f "$CONF" \
    >"$T_WORK/n.out" 2>&1; then
	ok "mtastsd -n accepts the configuration"
else
	not_ok "mtastsd -n accepts the configuration"
	sed 's/^/#   /' "$T_WORK/n.out"
fi

# The sender's Postfix config: main.cf only (lib.sh's setup).
bg env MAIL_CONFIG="$T_WORK/pf" "$MTASTSD" -F -v -f "$CONF" 2>>"$LOG"
wait_for "the socket" test -S "$SOCK"

# expect_log DESC REGEX: the daemon's log matches, within 4 s.
expect_log() {
	local i
	for i in $(seq 80); do
		grep -Eq -- "$2" "$LOG" && break
		sleep 0.05
	done
	expect_match "$1" "$2" "$(cat "$LOG")"
}

expect_log "DEC-31: Postfix does not report, so mtastsd counts DANE failures" \
    "tlsrpt: DANE failures are reported by mtastsd \(Postfix has smtp_tlsrpt_enable = \(unknown"
expect_log "the DNSSEC self-test turns DANE on" "DANE answers on"

for d in dane-bogus.test dane-bogusmx.test dane-unusable.test \
    dane-all.test dane-expired.test; do
	pm "$d" postfix >/dev/null
done
expect_log "the DANE lookup of dane-unusable.test ran" \
    "dane dane-unusable.test: MX"

# report_wait N: until mtasts-ctl report list has N lines (10 s at most:
# own events wait for the _smtp._tls answer, then the 1 s flush).
report_wait() {
	local i
	for i in $(seq 100); do
		[ "$(in_ns "${CTL[@]}" report list | grep -c ' policies=')" \
		    -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
check "three domains with DANE failures are pending" report_wait 3
LIST=$(in_ns "${CTL[@]}" report list)
echo "$LIST" | sed 's/^/# /'

# field DOMAIN EXPR: a Python expression over the report r of DOMAIN.
field() {
	in_ns "${CTL[@]}" report show "$1" | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
p = r["policies"][0]
f = p.get("failure-details", [{}])[0]
print(eval(sys.argv[1]))' "$2" 2>&1
}

expect_eq "bogus TLSA: one policy, of type tlsa" "1 tlsa" \
    "$(field dane-bogus.test 'len(r["policies"]), p["policy"]["policy-type"]' | tr -d "(),'")"
expect_eq "bogus TLSA: policy-domain is the TLSA base name" \
    "mx1.dane-bogus.test" \
    "$(field dane-bogus.test 'p["policy"]["policy-domain"]')"
expect_eq "bogus TLSA: dnssec-invalid at mx1, one failed session" \
    "dnssec-invalid mx1.dane-bogus.test 1 0 1" \
    "$(field dane-bogus.test '" ".join(map(str, [f["result-type"], f["receiving-mx-hostname"], f["failed-session-count"], p["summary"]["total-successful-session-count"], p["summary"]["total-failure-session-count"]]))')"
expect_eq "bogus MX: dnssec-invalid for the domain, no MX host named" \
    "dnssec-invalid dane-bogusmx.test tlsa False" \
    "$(field dane-bogusmx.test '" ".join(map(str, [f["result-type"], p["policy"]["policy-domain"], p["policy"]["policy-type"], "receiving-mx-hostname" in f]))')"
expect_eq "unusable TLSA (PKIX-EE only): tlsa-invalid at mx1" \
    "tlsa-invalid mx1.dane-unusable.test mx1.dane-unusable.test" \
    "$(field dane-unusable.test '" ".join([f["result-type"], p["policy"]["policy-domain"], f["receiving-mx-hostname"]])')"
expect_eq "the report names the contact and the day" \
    "reports@sender.test True" \
    "$(field dane-unusable.test '" ".join(map(str, [r["contact-info"], r["date-range"]["start-datetime"].endswith("T00:00:00Z")]))')"
check "usable DANE (dane-all.test) is not reported" \
    bash -c "! echo \"\$1\" | grep -q ' dane-all.test '" _ "$LIST"
check "no TLSRPT record (dane-expired.test): nothing recorded" \
    bash -c "! echo \"\$1\" | grep -q ' dane-expired.test '" _ "$LIST"
expect_match "stats count three own events" "tlsrpt_own_events=3 " \
    "$(in_ns "${CTL[@]}" stats)"

finish
