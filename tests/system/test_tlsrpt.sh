#!/bin/bash
# test_tlsrpt.sh: TLS reporting (RFC 8460) end to end, in the test world:
# mtastsd collects libtlsrpt datagrams (tests/fixtures/tlsrpt, rewritten
# for the world's report domains) and its own policy fetch failures,
# survives malformed datagrams, keeps everything across a SIGTERM, and on
# the next (simulated) day builds one report per domain and record and
# delivers it: by the fake sendmail for mailto: and by POST to the HTTPS
# receiver for https:, retrying a failed POST on `mtasts-ctl report send`.
# Everything delivered is parsed back (headers, MIME, gzip, JSON) and
# compared with what was sent.  tlsrpt_world.sh has the world's part.
# shellcheck disable=SC2317 # functions called indirectly (check)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
. "$top_srcdir/tests/system/tlsrpt_world.sh"
require postmap
tlsrpt_require
setup tlsrpt

FIX=$top_srcdir/tests/fixtures/tlsrpt
SOCK=$T_WORK/run/mtastsd.sock
TSOCK=$T_WORK/run/tlsrpt.sock
CONF=$T_WORK/mtastsd.conf
LOG=$T_WORK/mtastsd.log
CTL=("$MTASTS_CTL" -f "$CONF")
MAIL=$T_WORK/mail
DG=$T_WORK/dg
mkdir -p "$DG" "$T_WORK/out"

if tlsrpt_world_zones && world_up 10 && tlsrpt_world_up; then
	ok "world up with the TLSRPT zones"
else
	not_ok "world up with the TLSRPT zones"
	finish
fi
if rpt_https_receiver; then
	ok "HTTPS report receiver up"
else
	not_ok "HTTPS report receiver up"
	finish
fi
SM=$(rpt_fake_sendmail "$MAIL")
check "fake sendmail written" test -x "$SM"

cat >"$CONF" <<EOF
listen = unix:$SOCK
user =
socket_group =
cache_dir = $T_WORK/cache
control_socket = $T_WORK/run/control.sock
ca_file = $WORLD_CA
dns_timeout = 2s
lookup_deadline = 4s
fetch_timeout = 4s
dane = no
tlsrpt = yes
tlsrpt_socket = $TSOCK
tlsrpt_organization = Sender Test Org
tlsrpt_contact = reports@sender.test
tlsrpt_submitter = sender.test
tlsrpt_send_delay = 0
# The world's HTTPS report receiver is on loopback (127.0.4.1).
tlsrpt_post_local = yes
sendmail_path = $SM
EOF

# start_daemon OFFSET: mtastsd with MTASTSD_CLOCK_OFFSET=OFFSET.
start_daemon() {
	OFFSET=$1
	bg env MTASTSD_CLOCK_OFFSET="$1" "$MTASTSD" -F -f "$CONF" 2>>"$LOG"
	MTASTSD_PID=$T_LASTPID
	wait_for "the socketmap socket" test -S "$SOCK" &&
	    wait_for "the TLSRPT socket" test -S "$TSOCK"
}

# stop_daemon: SIGTERM; its exit status in STOP_RC.
stop_daemon() {
	local p keep=()
	kill -TERM "$MTASTSD_PID"
	wait "$MTASTSD_PID"
	STOP_RC=$?
	for p in "${T_PIDS[@]}"; do
		[ "$p" = "$MTASTSD_PID" ] || keep+=("$p")
	done
	T_PIDS=("${keep[@]}")
	rm -f "$SOCK"
}

# ctl ARGS...: mtasts-ctl in the namespace, on the daemon's clock.
ctl() {
	in_ns env MTASTSD_CLOCK_OFFSET="${OFFSET:-0}" "${CTL[@]}" "$@"
}

ctlstat() {
	ctl stats 2>/dev/null | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1
}

# rlist: `mtasts-ctl report list`, sorted.
rlist() {
	ctl report list 2>&1 | sort
}

# wait_out SECONDS EXPECTED COMMAND...: until COMMAND prints EXPECTED;
# prints what it printed last.
wait_out() {
	local s=$1 want=$2 i out
	shift 2
	for ((i = 0; i < s * 10; i++)); do
		out=$("$@")
		[ "$out" = "$want" ] && break
		sleep 0.1
	done
	printf '%s\n' "$out"
}

# ------------------------------------------------------------ readers
# rpt_norm FILE: a report's policies, one line each, sorted, then their
# failure-details rows, so that reports compare as text regardless of
# order (a no-policy-found policy's policy-domain is the recipient
# domain, as the datagram has none):
#   P TYPE DOMAIN strings=S|S.. mx=M|M.. s=SUCCESS f=FAILURE
#   R TYPE DOMAIN RESULT-TYPE mx=RECEIVING-MX-HOSTNAME n=COUNT
NORM_PY=$(cat <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], 'rb'))
out = []
for p in d['policies']:
    pol, s = p['policy'], p['summary']
    t, dom = pol['policy-type'], pol.get('policy-domain', '-')
    out.append('P %s %s strings=%s mx=%s s=%s f=%s' % (t, dom,
        '|'.join(pol.get('policy-string', [])), '|'.join(pol.get('mx-host', [])),
        s['total-successful-session-count'], s['total-failure-session-count']))
    for r in p.get('failure-details', []):
        out.append('R %s %s %s mx=%s n=%s' % (t, dom, r['result-type'],
            r.get('receiving-mx-hostname', '-'), r['failed-session-count']))
print('\n'.join(sorted(out)))
EOF
)
rpt_norm() {
	python3 -c "$NORM_PY" "$1"
}

# nonull FILE: no null anywhere in the JSON document.
nonull() {
	python3 -c '
import json, sys
def walk(v):
    if v is None: sys.exit("null found")
    if isinstance(v, dict): [walk(x) for x in v.values()]
    if isinstance(v, list): [walk(x) for x in v]
walk(json.load(open(sys.argv[1], "rb")))' "$1"
}

# ------------------------------------------------------------ datagrams
# gen OUT FIXTURE DOMAIN [MOD...]: FIXTURE rewritten for DOMAIN as
# libtlsrpt would write it: "d" and "pr" (DOMAIN's real record), an sts
# policy becomes DOMAIN's real policy, a tlsa one mx1.DOMAIN's TLSA
# strings, failure "n"/"r" the MX.  MODs: dpv=X (set "dpv"),
# trunc=N (keep N bytes), badutf8 (raw invalid UTF-8 in "h"), pad=N
# (N spaces of JSON whitespace before the last "}").
GEN_PY=$(cat <<'EOF'
import json, sys
out, fix, dom, rec, mxaddr = sys.argv[1:6]
mods = dict((m.split('=') + [''])[:2] for m in sys.argv[6:])
d = json.loads(open(fix, 'rb').read().decode())
pol_sts = ["version: STSv1", "mode: enforce", "mx: mx1." + dom,
           "max_age: 86400"]
tlsa = ["3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
        "2 1 1 8D02536C887482BC34FF54E41D2BA659BF85B341A0A20AFADB5813DCFBCF286D"]
S = lambda v: json.dumps(v, ensure_ascii=False)
t = '{"d": %s,"pr": %s' % (S(dom), S(rec))
if 'dpv' in mods or 'dpv' in d:
    t += ',"dpv": %s' % S(mods.get('dpv', d.get('dpv')))
pols = []
for p in d['policies']:
    pt = p['policy-type']
    q = '{"policy-type":%d' % pt
    if pt == 2:
        p['policy-domain'], p['policy-string'] = dom, pol_sts
        p['mx-host'] = ['mx1.' + dom]
    elif pt == 1:
        p['policy-domain'], p['policy-string'] = 'mx1.' + dom, tlsa
    if 'policy-domain' in p:
        q += ',"policy-domain": %s' % S(p['policy-domain'])
    for k in ('policy-string', 'mx-host'):
        if p.get(k):
            q += ',"%s":[%s]' % (k, ','.join(S(x) for x in p[k]))
    fds = []
    for f in p.get('failure-details', []):
        if 'n' in f:
            f['n'] = 'mx1.' + dom
        if 'r' in f:
            f['r'] = mxaddr
        if 'badutf8' in mods:
            f['h'] = '250 BAD@@UTF8'
        x = '{"c":%d' % f['c']
        for k in ('s', 'n', 'h', 'r', 'a', 'f'):
            if k in f:
                x += ',"%s": %s' % (k, S(f[k]))
        fds.append(x + '}')
    if fds:
        q += ',"failure-details":[%s]' % ','.join(fds)
    pols.append(q + ',"t":%d,"f":%d}' % (len(fds), p['f']))
t += ',"policies":[' + ','.join(pols) + ']' + ' ' * int(mods.get('pad') or 0) + '}'
b = t.encode()
if 'badutf8' in mods:
    b = b.replace(b'@@', b'\xc3\x28\xff')
if 'trunc' in mods:
    b = b[:int(mods['trunc'])]
open(out, 'wb').write(b)
EOF
)
declare -A REC=(
	[rpt-mail.test]="v=TLSRPTv1; rua=mailto:tlsrpt@rpt-mail.test"
	[rpt-https.test]="v=TLSRPTv1; rua=$RPT_HTTPS_URL"
	[rpt-both.test]="v=TLSRPTv1; rua=mailto:tlsrpt@rpt-both.test,https://$RPT_HTTPS_HOST/v1/rpt-both")
GEN_N=0
GEN_FILES=()
# gen N FIXTURE DOMAIN [MOD...]: N copies of the rewritten datagram,
# appended to GEN_FILES.
gen() {
	local n=$1 fix=$2 dom=$3 f i
	shift 3
	GEN_N=$((GEN_N + 1))
	f=$DG/$GEN_N-${fix%.json}-$dom.dgram
	python3 -c "$GEN_PY" "$f" "$FIX/$fix" "$dom" "${REC[$dom]}" \
	    "${RPT_MX_ADDR[$dom]}" "$@" || return 1
	for ((i = 0; i < n; i++)); do
		GEN_FILES+=("$f")
	done
}

# ------------------------------------------------------------ day one
# Day one is today (UTC): everything below must happen on it, so a run
# that would straddle midnight starts after it instead.
left=$((86400 - $(date -u +%s) % 86400))
if [ "$left" -lt 180 ]; then
	echo "# $left s to UTC midnight: waiting for the next day"
	sleep $((left + 1))
fi
DAY1=$(date -u +%F)
BEGIN=$(date -u -d "$DAY1 00:00:00" +%s)
END=$((BEGIN + 86400))
DAY1C=${DAY1//-/}

if start_daemon 0; then
	ok "mtastsd up with tlsrpt = yes (clock offset 0)"
else
	not_ok "mtastsd up with tlsrpt = yes"
	sed 's/^/# /' "$LOG"
	finish
fi

# rpt-mail.test's policy is fetched and cached (no event: it worked).
M=rpt-mail.test
STS_MAIL="{ policy_string = version: STSv1 } { policy_string = mode: enforce } { policy_string = mx: mx1.$M } { policy_string = max_age: 86400 }"
expect_eq "$M: policy fetched, answer with the TLSRPT attributes" \
    "OK secure match=mx1.$M servername=hostname policy_type=sts policy_domain=$M mx_host_pattern=mx1.$M $STS_MAIL" \
    "$(ctl -m postfix-tlsrpt query $M 2>&1)"
for d in rpt-https.test rpt-both.test; do
	expect_match "$d: policy fetched" "^OK secure match=mx1.$d " \
	    "$(ctl query $d 2>&1)"
done

# The mix (fixtures rewritten).  Expected per domain below.
#   rpt-mail.test: sts 5 x success, 202, 303, 204           s=5 f=3
#   rpt-https.test: sts 2 x success, 202; no-policy 1 x success, 201
#   rpt-both.test: tlsa 2 x success, 205; sts success (dpv), 2 x 202;
#                  no-policy 201 (dpv)
gen 5 sts-success.json $M &&
gen 1 sts-failure-cert-mismatch.json $M &&
gen 1 sts-webpki-invalid.json $M &&
gen 1 sts-testing-cert-expired.json $M &&
gen 2 sts-success.json rpt-https.test &&
gen 1 sts-failure-cert-mismatch.json rpt-https.test &&
gen 1 no-policy-found.json rpt-https.test &&
gen 1 no-policy-starttls-not-supported.json rpt-https.test &&
gen 2 dane-success.json rpt-both.test &&
gen 1 dane-validation-failure.json rpt-both.test &&
gen 1 with-dpv.json rpt-both.test &&
gen 2 sts-failure-cert-mismatch.json rpt-both.test &&
gen 1 with-dpv-failure.json rpt-both.test
check "datagrams generated (20)" test "${#GEN_FILES[@]}" = 20
GOOD=("${GEN_FILES[@]}")
check "... each one valid JSON" python3 -c '
import json, sys
for f in sys.argv[1:]: json.loads(open(f, "rb").read().decode())' "${GOOD[@]}"

# The bad ones, each for rpt-mail.test, so that any that got through
# would change its counts: truncated JSON, invalid UTF-8, over 65536
# bytes (otherwise valid: JSON whitespace), dpv 2.
GEN_FILES=()
gen 1 sts-success.json $M trunc=100 &&
gen 1 sts-failure-cert-mismatch.json $M badutf8 &&
gen 1 sts-success.json $M pad=70000 &&
gen 1 with-dpv.json $M dpv=2
BAD=("${GEN_FILES[@]}")
check "malformed datagrams generated (4; one $(stat -c %s "${BAD[2]}") bytes)" \
    test "${#BAD[@]}" = 4 -a "$(stat -c %s "${BAD[2]}")" -gt 65536
check "... the invalid UTF-8 one does not decode" python3 -c '
import sys
try: open(sys.argv[1], "rb").read().decode()
except UnicodeDecodeError: sys.exit(0)
sys.exit(1)' "${BAD[1]}"
check "... the dpv one says \"dpv\": \"2\"" grep -q '"dpv": "2"' "${BAD[3]}"

expect_eq "20 good datagrams sent, none lost" "sent 20 lost 0" \
    "$(in_ns "$DGRAM_SEND" -w "$TSOCK" "${GOOD[@]}" 2>&1)"
expect_eq "4 malformed datagrams sent, none lost" "sent 4 lost 0" \
    "$(in_ns "$DGRAM_SEND" -w "$TSOCK" "${BAD[@]}" 2>&1)"

expect_eq "mtastsd survives them: still answers queries" \
    "OK secure match=mx1.$M servername=hostname" "$(ctl query $M 2>&1)"
check "... and is still running" kill -0 "$MTASTSD_PID"
expect_eq "stats: tlsrpt_dropped = 4" 4 \
    "$(wait_out 10 4 ctlstat tlsrpt_dropped)"
expect_eq "stats: tlsrpt_sessions = 20" 20 \
    "$(wait_out 10 20 ctlstat tlsrpt_sessions)"
n=$(ctlstat tlsrpt_datagrams)
check "stats: tlsrpt_datagrams counts at least the 20 good ones ($n)" \
    test "${n:-0}" -ge 20
echo "# stats: $(ctl stats 2>&1 | tr ' ' '\n' | grep '^tlsrpt' | paste -sd ' ')"

L_HTTPS="$DAY1 rpt-https.test policies=2 success=3 failure=2"
L_BOTH="$DAY1 rpt-both.test policies=3 success=3 failure=4"
expect_eq "report list: the three domains as sent (committed within 1 s)" \
    "$L_BOTH|$L_HTTPS|$DAY1 $M policies=1 success=5 failure=3" \
    "$(wait_out 10 "$L_BOTH|$L_HTTPS|$DAY1 $M policies=1 success=5 failure=3" \
    eval 'rlist | paste -sd "|"')"

# ------------------------------------------------------------ own events
# Domains without a (valid) TLSRPT record first: nothing may be recorded.
for d in rpt-none.test rpt-bad.test; do
	n0=$(world_fetch_count $d 503)
	rpt_fetch $d 503
	ctl query $d >/dev/null 2>&1
	world_fetch_wait $d $((n0 + 1)) 10
	expect_eq "$d: its policy fetch fails (HTTP 503 logged)" \
	    $((n0 + 1)) "$(world_fetch_count $d 503)"
done
# Then rpt-mail.test, whose policy is cached: one sts-policy-fetch-error.
n0=$(world_fetch_count $M 503)
rpt_fetch $M 503
out=$(ctl refresh $M 2>&1)
rc=$?
expect_eq "refresh $M with HTTP 503: fails (exit 2)" 2 "$rc"
echo "# refresh: $out"
world_fetch_wait $M $((n0 + 1)) 10
expect_eq "... one fetch, answered 503" $((n0 + 1)) \
    "$(world_fetch_count $M 503)"
expect_eq "... the cached policy still answers" \
    "OK secure match=mx1.$M servername=hostname" "$(ctl query $M 2>&1)"
L_MAIL="$DAY1 $M policies=1 success=5 failure=4"
expect_eq "report list: $M's own event counted as one more failure, same policy" \
    "$L_BOTH|$L_HTTPS|$L_MAIL" \
    "$(wait_out 10 "$L_BOTH|$L_HTTPS|$L_MAIL" eval 'rlist | paste -sd "|"')"
n=$(ctlstat tlsrpt_own_events)
check "stats: tlsrpt_own_events >= 1 ($n)" test "${n:-0}" -ge 1
rpt_fetch $M ok

# ------------------------------------------------------------ report show
STRS_MAIL="version: STSv1|mode: enforce|mx: mx1.$M|max_age: 86400"
EXP_MAIL="P sts $M strings=$STRS_MAIL mx=mx1.$M s=5 f=4
R sts $M certificate-expired mx=mx1.$M n=1
R sts $M certificate-host-mismatch mx=mx1.$M n=1
R sts $M sts-policy-fetch-error mx=mta-sts.$M n=1
R sts $M sts-webpki-invalid mx=mx1.$M n=1"
H=rpt-https.test
EXP_HTTPS="P no-policy-found $H strings= mx= s=1 f=1
P sts $H strings=version: STSv1|mode: enforce|mx: mx1.$H|max_age: 86400 mx=mx1.$H s=2 f=1
R no-policy-found $H starttls-not-supported mx=mx1.$H n=1
R sts $H certificate-host-mismatch mx=mx1.$H n=1"
B=rpt-both.test
TLSA="3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6|2 1 1 8D02536C887482BC34FF54E41D2BA659BF85B341A0A20AFADB5813DCFBCF286D"
EXP_BOTH="P no-policy-found $B strings= mx= s=0 f=1
P sts $B strings=version: STSv1|mode: enforce|mx: mx1.$B|max_age: 86400 mx=mx1.$B s=1 f=2
P tlsa mx1.$B strings=$TLSA mx= s=2 f=1
R no-policy-found $B starttls-not-supported mx=mx1.$B n=1
R sts $B certificate-host-mismatch mx=mx1.$B n=2
R tlsa mx1.$B validation-failure mx=mx1.$B n=1"
ctl report show $M >"$T_WORK/out/show-mail.json" 2>"$T_WORK/out/show.err"
expect_eq "report show $M: exit 0, one JSON document" "0 1" \
    "$? $(grep -c '' "$T_WORK/out/show-mail.json")"
expect_eq "... the policies, summaries and failure details as sent" \
    "$EXP_MAIL" "$(rpt_norm "$T_WORK/out/show-mail.json" 2>&1)"
expect_eq "... summary of the one policy" \
    '{"total-failure-session-count":4,"total-successful-session-count":5}' \
    "$(rpt_json_get "$T_WORK/out/show-mail.json" '["policies"][0]["summary"]' 2>&1)"
expect_eq "... date-range is day one" \
    "{\"end-datetime\":\"$(date -u -d @$END +%FT%TZ)\",\"start-datetime\":\"${DAY1}T00:00:00Z\"}" \
    "$(rpt_json_get "$T_WORK/out/show-mail.json" '["date-range"]' 2>&1)"
check "... no null anywhere" nonull "$T_WORK/out/show-mail.json"
ctl report show rpt-none.test >/dev/null 2>&1
expect_eq "report show rpt-none.test: none (exit 1)" 1 "$?"

# ------------------------------------------------------------ SIGTERM
LIST1=$(rlist)
rpt_https_status 503 200
stop_daemon
expect_eq "SIGTERM: mtastsd exits 0" 0 "$STOP_RC"
expect_eq "... report list unchanged with the daemon stopped (nothing lost)" \
    "$LIST1" "$(rlist)"
expect_eq "... nothing delivered on day one" "0 0" \
    "$(rpt_sendmail_count "$MAIL") $(rpt_https_count)"

# ------------------------------------------------------------ day two
# Day two, and at least 2 min after its midnight: a day is built a
# minute after it ends at the earliest; day one left >= 180 s above.
DAY2_OFFSET=$((86400 + 120))
if start_daemon $DAY2_OFFSET; then
	ok "mtastsd restarted with clock offset $DAY2_OFFSET (day two)"
else
	not_ok "mtastsd restarted with clock offset $DAY2_OFFSET"
	sed 's/^/# /' "$LOG" | tail -20
	finish
fi
check "two report mails handed to sendmail (rpt-mail, rpt-both)" \
    rpt_sendmail_wait "$MAIL" 2 30
check "two POSTs to the HTTPS receiver (rpt-https, rpt-both)" \
    rpt_https_wait 2 30
sleep 1		# anything extra would show now; counted below
expect_eq "... exactly two of each" "2 2" \
    "$(rpt_sendmail_count "$MAIL") $(rpt_https_count)"

# mailfor DOMAIN: the saved message whose TLS-Report-Domain is DOMAIN.
mailfor() {
	local f
	for f in "$MAIL"/*.msg; do
		[ "$(rpt_mail_header "$f" TLS-Report-Domain 2>/dev/null)" = "$1" ] &&
		    echo "${f%.msg}" && return 0
	done
	return 1
}

# check_report DESC FILE DOMAIN EXPECTED: a delivered report's JSON.
check_report() {
	local what=$1 f=$2 d=$3 exp=$4
	expect_eq "$what: organization-name" "Sender Test Org" \
	    "$(rpt_json_get "$f" '["organization-name"]' 2>&1)"
	expect_eq "$what: contact-info" reports@sender.test \
	    "$(rpt_json_get "$f" '["contact-info"]' 2>&1)"
	expect_match "$what: report-id DAY.HEX32@sender.test" \
	    "^$DAY1C\.[0-9a-fA-F]{32}@sender\.test$" \
	    "$(rpt_json_get "$f" '["report-id"]' 2>&1)"
	expect_eq "$what: date-range is day one" \
	    "${DAY1}T00:00:00Z $(date -u -d @$END +%FT%TZ)" \
	    "$(rpt_json_get "$f" '["date-range"]["start-datetime"]' 2>&1) $(rpt_json_get "$f" '["date-range"]["end-datetime"]' 2>&1)"
	expect_eq "$what: policies, summaries, failure details as sent" \
	    "$exp" "$(rpt_norm "$f" 2>&1)"
	check "$what: no null anywhere" nonull "$f"
	check "$what: policy-string and mx-host are arrays in every policy" \
	    python3 -c '
import json, sys
for p in json.load(open(sys.argv[1], "rb"))["policies"]:
    for k in ("policy-string", "mx-host"):
        assert isinstance(p["policy"][k], list), k' "$f"
}

# check_mail DOMAIN EXPECTED
check_mail() {
	local d=$1 exp=$2 m id fn dt
	if ! m=$(mailfor "$d"); then
		not_ok "$d: a report mail"
		return
	fi
	ok "$d: a report mail (run ${m##*/})"
	expect_eq "$d mail: sendmail -i -f CONTACT -- ADDR" \
	    "-i|-f|reports@sender.test|--|tlsrpt@$d" "$(paste -sd '|' "$m.argv")"
	expect_eq "$d mail: TLS-Report-Domain, TLS-Report-Submitter" \
	    "$d sender.test" \
	    "$(rpt_mail_header "$m.msg" TLS-Report-Domain) $(rpt_mail_header "$m.msg" TLS-Report-Submitter)"
	expect_eq "$d mail: TLS-Required: No" No \
	    "$(rpt_mail_header "$m.msg" TLS-Required)"
	expect_match "$d mail: From is the contact" "reports@sender\.test" \
	    "$(rpt_mail_header "$m.msg" From)"
	expect_eq "$d mail: To is the rua address" "tlsrpt@$d" \
	    "$(rpt_mail_header "$m.msg" To | grep -o "tlsrpt@$d")"
	rpt_mail_part "$m.msg" >"$T_WORK/out/$d.mail.json" 2>&1
	expect_eq "$d mail: one application/tlsrpt+gzip part, gunzips" 0 $?
	id=$(rpt_json_get "$T_WORK/out/$d.mail.json" '["report-id"]' 2>/dev/null)
	expect_eq "$d mail: Subject per RFC 8460 §5.3" \
	    "Report Domain: $d Submitter: sender.test Report-ID: <$id>" \
	    "$(rpt_mail_header "$m.msg" Subject)"
	expect_eq "$d mail: Message-ID is the report-id" "<$id>" \
	    "$(rpt_mail_header "$m.msg" Message-ID)"
	fn="sender.test!$d!$BEGIN!$END!${id%@*}.json.gz"
	expect_eq "$d mail: multipart/report; report-type=tlsrpt, filename per §5.1" \
	    "multipart/report report-type=tlsrpt|application/tlsrpt+gzip filename=$fn" \
	    "$(rpt_mail_parts "$m.msg" | grep -v '^text/plain' | paste -sd '|')"
	dt=$(date -u -d "$(rpt_mail_header "$m.msg" Date)" +%s 2>/dev/null)
	check "$d mail: Date: on day two (the reporting clock)" \
	    test "${dt:-0}" -ge "$END" -a "${dt:-0}" -lt $((END + 86400))
	check_report "$d mail" "$T_WORK/out/$d.mail.json" "$d" "$exp"
	echo "$id" >"$T_WORK/out/$d.mail.id"
}

check_mail $M "$EXP_MAIL"
check_mail $B "$EXP_BOTH"
expect_eq "no report mail for the other domains" "$B|$M" \
    "$(for f in "$MAIL"/*.msg; do rpt_mail_header "$f" TLS-Report-Domain
    done | sort | paste -sd '|')"

# ------------------------------------------------------------ HTTPS
R=$RPT_HTTPS_DIR
expect_eq "HTTPS: the two POSTs, SNI and Content-Type application/tlsrpt+gzip" \
    "POST /v1/rpt-both sni=$RPT_HTTPS_HOST application/tlsrpt+gzip|POST /v1/tlsrpt sni=$RPT_HTTPS_HOST application/tlsrpt+gzip" \
    "$(awk '{ print $2, $3, $6, $7 }' "$R/requests.log" | sort | paste -sd '|')"
expect_eq "HTTPS: the first answered 503, the second 200" "503 200" \
    "$(awk '{ printf "%s%s", sep, $4; sep = " " }' "$R/requests.log")"
FAILED=$(awk '$4 == 503 { print $3 }' "$R/requests.log")
FAILED_URL=https://$RPT_HTTPS_HOST$FAILED
case $FAILED in
/v1/rpt-both) FAILED_DOM=$B ;;
*) FAILED_DOM=$H ;;
esac
echo "# the 503 went to $FAILED_URL ($FAILED_DOM)"

# outbox after the first round: only the failed POST, with its error.
for i in $(seq 100); do
	ob=$(ctl report outbox 2>&1 | grep -v 'last_error=-$')
	[ -n "$ob" ] && break
	sleep 0.1
done
expect_match "report outbox: the failed POST for $FAILED_DOM with last_error" \
    "^$DAY1C\.[0-9a-fA-F]{32}@sender\.test $FAILED_DOM $DAY1 $FAILED_URL attempts=1 next=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z last_error=.*503" \
    "$ob"
expect_eq "... the only delivery left in the outbox" 1 \
    "$(wait_out 10 1 eval 'ctl report outbox 2>&1 | wc -l')"
echo "# outbox: $(ctl report outbox 2>&1)"

# report send: the retry (the receiver answers 200 now).
rpt_https_status 200
out=$(ctl report send 2>&1)
expect_match "report send: nothing to build, one delivery started" \
    "^OK built 0 report\(s\), 1 delivery\(ies\) started" "$out"
check "... the retry POSTs" rpt_https_wait 3 30
expect_eq "... to $FAILED, answered 200" "POST $FAILED 200" \
    "$(awk 'NR == 3 { print $2, $3, $4 }' "$R/requests.log")"
expect_eq "... the outbox empties" "outbox empty" \
    "$(wait_out 10 "outbox empty" ctl report outbox 2>&1)"

# The bodies: each report's 200 POST.
for d in $H $B; do
	p=/v1/tlsrpt
	[ "$d" = $B ] && p=/v1/rpt-both
	n=$(awk -v p="$p" '$3 == p && $4 == 200 { print $1 }' "$R/requests.log" | tail -1)
	if [ -z "$n" ]; then
		not_ok "$d: a delivered POST"
		continue
	fi
	ok "$d: a delivered POST (request $n)"
	gzip -dc <"$R/$n.body" >"$T_WORK/out/$d.https.json" 2>&1
	expect_eq "$d POST: the body gunzips" 0 $?
	exp=$EXP_HTTPS
	[ "$d" = $B ] && exp=$EXP_BOTH
	check_report "$d POST" "$T_WORK/out/$d.https.json" "$d" "$exp"
done
expect_eq "$B: the mail and the POST carry the same report" \
    "$(cat "$T_WORK/out/$B.mail.json" 2>/dev/null)" \
    "$(cat "$T_WORK/out/$B.https.json" 2>/dev/null)"
ids=$(for f in "$T_WORK"/out/*.mail.json "$T_WORK/out/$H.https.json"; do
	rpt_json_get "$f" '["report-id"]'; done | sort -u | wc -l)
expect_eq "three reports, three distinct report-ids" 3 "$ids"

# ------------------------------------------------------------ afterwards
expect_eq "stats: tlsrpt_reports_built = 3" 3 "$(ctlstat tlsrpt_reports_built)"
expect_eq "stats: tlsrpt_deliveries_ok = 4, tlsrpt_deliveries_failed = 1" \
    "4 1" "$(ctlstat tlsrpt_deliveries_ok) $(ctlstat tlsrpt_deliveries_failed)"
echo "# stats: $(ctl stats 2>&1 | tr ' ' '\n' | grep '^tlsrpt' | paste -sd ' ')"
expect_eq "day two: report list has no rpt-*.test (report mail not counted)" \
    "" "$(rlist | grep 'rpt-.*\.test')"
expect_eq "... it says so" "no pending reports" "$(rlist)"
expect_eq "nothing more delivered" "2 3" \
    "$(rpt_sendmail_count "$MAIL") $(rpt_https_count)"

# ------------------------------------------- SIGKILL, then 24 h of retry
# A day-two session for $H: once committed it survives a SIGKILL; its
# report's POST then fails for good, is retried, and is given up 24 h
# after the report was built (RPT-22).
DAY2=$(date -u -d "$DAY1 + 1 day" +%F)
GEN_FILES=()
gen 1 sts-success.json $H
expect_eq "day two: one datagram for $H" "sent 1 lost 0" \
    "$(in_ns "$DGRAM_SEND" -w "$TSOCK" "${GEN_FILES[@]}" 2>&1)"
L2="$DAY2 $H policies=1 success=1 failure=0"
expect_eq "... committed: report list shows it" "$L2" \
    "$(wait_out 10 "$L2" rlist)"
kill -KILL "$MTASTSD_PID"
wait "$MTASTSD_PID" 2>/dev/null
stop_daemon 2>/dev/null
expect_eq "SIGKILL: the committed count is still there" "$L2" "$(rlist)"

rpt_https_status 503
n0=$(rpt_https_count)
if start_daemon $((2 * 86400 + 120)); then
	ok "mtastsd restarted on day three"
else
	not_ok "mtastsd restarted on day three"
fi
check "... day two's report is built and POSTed" rpt_https_wait $((n0 + 1)) 30
expect_eq "... answered 503" "POST /v1/tlsrpt 503" \
    "$(awk 'END { print $2, $3, $4 }' "$R/requests.log")"
ob=$(wait_out 10 1 eval 'ctl report outbox 2>&1 | grep -c "last_error=.*503"')
expect_eq "... it waits in the outbox with its error" 1 "$ob"
out=$(ctl report send 2>&1)
expect_match "report send retries it at once" \
    "^OK built 0 report\(s\), 1 delivery\(ies\) started" "$out"
check "... and it fails again" rpt_https_wait $((n0 + 2)) 30
expect_match "... attempts=2 in the outbox" "attempts=2 " \
    "$(wait_out 10 "attempts=2 " eval \
    'ctl report outbox 2>&1 | grep -o "attempts=2 "')"
stop_daemon
# 24 h and 2 min after it was built: given up, not sent again.
if start_daemon $((3 * 86400 + 240)); then
	ok "mtastsd restarted 24 h later"
else
	not_ok "mtastsd restarted 24 h later"
fi
expect_eq "... the report is given up: outbox empty" "outbox empty" \
    "$(wait_out 15 "outbox empty" ctl report outbox 2>&1)"
check "... with a warning that says so" \
    grep -q -- "given up after 2 failed deliveries" "$LOG"
expect_eq "... and no further POST" $((n0 + 2)) "$(rpt_https_count)"
expect_eq "stats: tlsrpt_expired = 1" 1 "$(ctlstat tlsrpt_expired)"
stop_daemon
expect_eq "SIGTERM on day two: exit 0" 0 "$STOP_RC"
if grep -Eq 'fatal|assert|AddressSanitizer|runtime error' "$LOG"; then
	not_ok "no fatal errors in the daemon log"
	grep -E 'fatal|assert|AddressSanitizer|runtime error' "$LOG" | sed 's/^/#   /' | head
else
	ok "no fatal errors in the daemon log"
fi
[ "$T_FAIL" -gt 0 ] && sed 's/^/# log: /' "$LOG" | grep -i 'tlsrpt\|report\|collect\|dgram\|sendmail\|outbox\|warn\|error' | tail -40
finish
