#!/bin/bash
# test_tlsrpt_harness.sh: the TLSRPT harness (tlsrpt_world.sh, dgram-send)
# with no mtastsd involved: dig sees each report domain's _smtp._tls
# records as described, each rpt_fetch mode makes the policy fetch fail
# (or work) as it says, the HTTPS report endpoint saves what it is sent
# and answers as told, the fake sendmail saves its runs, the mail and
# JSON readers take a hand-made report apart, and dgram-send counts sent
# and lost datagrams right.
# shellcheck disable=SC2317 # functions called indirectly (check)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
. "$top_srcdir/tests/system/tlsrpt_world.sh"
tlsrpt_require
setup tlsrpt-harness

t0=$(date +%s%N)
ms() {
	echo $((($(date +%s%N) - t0) / 1000000))
}

if tlsrpt_world_zones && world_up 10 && tlsrpt_world_up; then
	ok "world up with the TLSRPT zones ($(ms) ms)"
else
	not_ok "world up with the TLSRPT zones"
	finish
fi

DIG=(dig +time=2 +tries=1 @127.0.0.1)
q() {
	in_ns "${DIG[@]}" +short "$1" "${2:-TXT}" 2>&1 | sort | paste -sd '|'
}
st() {
	in_ns "${DIG[@]}" "$@" 2>&1 | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
adflag() {
	in_ns "${DIG[@]}" +dnssec "$@" 2>&1 | grep -q 'flags:[a-z ]* ad[ ;]'
}
# fails COMMAND...: true if COMMAND fails (its output dropped)
fails() {
	! "$@" >/dev/null 2>&1
}

# ------------------------------------------------------------- DNS
expect_eq "rpt-mail: mailto rua" \
    '"v=TLSRPTv1; rua=mailto:tlsrpt@rpt-mail.test"' \
    "$(q _smtp._tls.rpt-mail.test)"
check "... validates (ad)" adflag _smtp._tls.rpt-mail.test TXT
expect_eq "rpt-https: https rua" \
    '"v=TLSRPTv1; rua=https://reports.rpt-https.test/v1/tlsrpt"' \
    "$(q _smtp._tls.rpt-https.test)"
expect_eq "RPT_HTTPS_URL is that rua" \
    https://reports.rpt-https.test/v1/tlsrpt "$RPT_HTTPS_URL"
expect_eq "rpt-both: both URIs in one record" \
    '"v=TLSRPTv1; rua=mailto:tlsrpt@rpt-both.test,https://reports.rpt-https.test/v1/rpt-both"' \
    "$(q _smtp._tls.rpt-both.test)"
expect_eq "rpt-none: no record (NXDOMAIN)" NXDOMAIN \
    "$(st _smtp._tls.rpt-none.test TXT)"
check "... proven (ad)" adflag _smtp._tls.rpt-none.test TXT
expect_eq "rpt-bad: a record without rua" \
    '"v=TLSRPTv1; ruf=mailto:tlsrpt@rpt-bad.test"' \
    "$(q _smtp._tls.rpt-bad.test)"
expect_eq "rpt-two: two records" \
    '"v=TLSRPTv1; rua=mailto:a@rpt-two.test"|"v=TLSRPTv1; rua=mailto:b@rpt-two.test"' \
    "$(q _smtp._tls.rpt-two.test)"
expect_eq "rpt-split: two character-strings" \
    '"v=TLSRPTv1; rua=mailto:" "tlsrpt@rpt-split.test"' \
    "$(q _smtp._tls.rpt-split.test)"
expect_eq "reports.rpt-https.test A" 127.0.4.1 \
    "$(q reports.rpt-https.test A)"
for d in $RPT_DOMAINS; do
	expect_eq "$d: MTA-STS TXT, MX, mx1 A, policy host" \
	    "\"v=STSv1; id=1\" 10 mx1.$d. ${RPT_MX_ADDR[$d]} 127.0.0.1 ::1" \
	    "$(q "_mta-sts.$d") $(q "$d" MX) $(q "mx1.$d" A) $(q "mta-sts.$d" A) $(q "mta-sts.$d" AAAA)"
done

# ------------------------------------------------------------- policy hosts
# get D [CURL-OPTIONS]: GET D's policy; "rc code", the body in $B.
B=$T_WORK/body
get() {
	local d=$1 code
	shift
	rm -f "$B"
	code=$(in_ns curl -sS --noproxy '*' --cacert "$WORLD_CA" --max-time 5 \
	    -o "$B" -w '%{http_code}' "$@" \
	    "https://mta-sts.$d/.well-known/mta-sts.txt" 2>"$T_WORK/curl.err")
	echo "$? $code"
}
for d in $RPT_DOMAINS; do
	expect_eq "$d: policy fetch works (200)" "0 200" "$(get "$d")"
	check "... an enforce policy for mx1.$d" \
	    grep -qx "mx: mx1.$d" "$B"
done
D=rpt-mail.test
n0=$(world_fetch_count $D 503)
rpt_fetch $D 503
expect_eq "rpt_fetch 503: HTTP 503" "0 503" "$(get $D)"
world_fetch_wait $D 1
expect_eq "... logged by nginx" $((n0 + 1)) "$(world_fetch_count $D 503)"
rpt_fetch $D 404
expect_eq "rpt_fetch 404: HTTP 404" "0 404" "$(get $D)"
rpt_fetch $D invalid
expect_eq "rpt_fetch invalid: HTTP 200" "0 200" "$(get $D)"
expect_eq "... a policy without max_age" \
    "version: STSv1|mode: enforce|mx: mx1.$D" "$(paste -sd '|' "$B")"
rpt_fetch $D refused
expect_eq "rpt_fetch refused: policy host A 127.0.0.9, no AAAA" \
    "127.0.0.9 NOERROR:" \
    "$(q mta-sts.$D A) $(st mta-sts.$D AAAA):$(q mta-sts.$D AAAA)"
expect_eq "... connection refused (curl 7)" "7 000" "$(get $D)"
rpt_fetch $D nxhost
expect_eq "rpt_fetch nxhost: NXDOMAIN" NXDOMAIN "$(st mta-sts.$D A)"
expect_eq "... curl cannot resolve (6)" "6 000" "$(get $D)"
rpt_fetch $D webpki
expect_eq "rpt_fetch webpki: policy host A $RPT_WRONGNAME_ADDR" \
    "$RPT_WRONGNAME_ADDR" "$(q mta-sts.$D A)"
expect_eq "... certificate rejected (curl 60)" "60 000" "$(get $D)"
expect_match "... for its name" "no alternative certificate subject name|does not match" \
    "$(cat "$T_WORK/curl.err")"
expect_eq "... the server works without verification" "0 200" \
    "$(get $D -k)"
rpt_fetch $D expired
expect_eq "rpt_fetch expired: certificate rejected (curl 60)" "60 000" \
    "$(get $D)"
expect_match "... as expired" "expired" "$(cat "$T_WORK/curl.err")"
rpt_fetch $D ok
expect_eq "rpt_fetch ok: back to A 127.0.0.1, AAAA ::1" "127.0.0.1 ::1" \
    "$(q mta-sts.$D A) $(q mta-sts.$D AAAA)"
expect_eq "... fetch works (200)" "0 200" "$(get $D)"
check "... the enforce policy again" grep -qx "max_age: 86400" "$B"
rpt_fetch rpt-https.test 503
expect_eq "rpt_fetch on one domain leaves the others alone" "0 200 0 503" \
    "$(get $D) $(get rpt-https.test)"
rpt_fetch rpt-https.test ok
check "rpt_fetch: an unknown mode fails" fails rpt_fetch $D bogus

# ------------------------------------------------------------- HTTPS receiver
t1=$(ms)
if rpt_https_receiver; then
	ok "HTTPS receiver up ($(($(ms) - t1)) ms)"
else
	not_ok "HTTPS receiver up"
	finish
fi
R=$RPT_HTTPS_DIR
# post FILE [CURL-OPTIONS]: POST FILE to $RPT_HTTPS_URL; prints the status.
post() {
	local f=$1
	shift
	in_ns curl -sS --noproxy '*' --cacert "$WORLD_CA" --max-time 10 \
	    -o /dev/null -w '%{http_code}' --data-binary "@$f" "$@" \
	    "$RPT_HTTPS_URL" 2>>"$T_WORK/curl.err"
}
hdr() {
	sed -n "s/^$2: //p" "$R/$1.headers"
}
GZ=$T_WORK/report.json.gz
printf '{"organization-name":"harness"}\n' | gzip -9n >"$GZ"
CT="Content-Type: application/tlsrpt+gzip"
expect_eq "POST: 200 by default" 200 "$(post "$GZ" -H "$CT")"
check "... body saved byte for byte" cmp -s "$GZ" "$R/1.body"
expect_eq "... Content-Type recorded" application/tlsrpt+gzip \
    "$(hdr 1 Content-Type)"
expect_eq "... request line recorded" "POST /v1/tlsrpt HTTP/1.1" \
    "$(head -1 "$R/1.headers")"
expect_eq "... logged, with the SNI" \
    "1 POST /v1/tlsrpt 200 $(stat -c %s "$GZ") sni=reports.rpt-https.test application/tlsrpt+gzip" \
    "$(cat "$R/requests.log")"
rpt_https_status 500 201
s1=$(post "$GZ" -H "$CT")
s2=$(post "$GZ" -H "$CT")
s3=$(post "$GZ" -H "$CT")
expect_eq "rpt_https_status 500 201: 500, then 201 for good" \
    "500 201 201" "$s1 $s2 $s3"
expect_eq "... logged" "500 201 201" \
    "$(awk 'NR > 1 { printf "%s%s", sep, $4; sep = " " }' "$R/requests.log")"
rpt_https_status 200
head -c 300000 /dev/urandom >"$T_WORK/big.bin"
expect_eq "POST 300 kB, chunked: 200" 200 \
    "$(post "$T_WORK/big.bin" -H "Content-Type: application/tlsrpt+json" \
    -H "Transfer-Encoding: chunked")"
check "... body saved byte for byte" cmp -s "$T_WORK/big.bin" "$R/5.body"
expect_eq "... Content-Type, Transfer-Encoding recorded" \
    "application/tlsrpt+json chunked" \
    "$(hdr 5 Content-Type) $(hdr 5 Transfer-Encoding)"
expect_eq "POST 300 kB, Expect: 100-continue: 200" 200 \
    "$(post "$T_WORK/big.bin" -H "$CT" -H "Expect: 100-continue")"
check "... body saved byte for byte" cmp -s "$T_WORK/big.bin" "$R/6.body"
: >"$T_WORK/empty"
expect_eq "POST with no Content-Type" 200 "$(post "$T_WORK/empty" -H "Content-Type:")"
expect_eq "... logged with '-', empty body" "7 0 -" \
    "$(awk 'NR == 7 { print $1, $5, $7 }' "$R/requests.log")"
expect_eq "GET: 405, logged" "405 8 GET" \
    "$(in_ns curl -sS --noproxy '*' --cacert "$WORLD_CA" -o /dev/null \
    -w '%{http_code}' "$RPT_HTTPS_URL") $(tail -1 "$R/requests.log" |
    awk '{ print $1, $2 }')"
rpt_https_delay 3
expect_eq "rpt_https_delay 3: a 1 s client times out (curl 28)" 28 \
    "$(in_ns curl -sS --noproxy '*' --cacert "$WORLD_CA" --max-time 1 \
    -o /dev/null --data-binary "@$GZ" "$RPT_HTTPS_URL" 2>/dev/null
    echo $?)"
rpt_https_delay 0
check "... the request was saved all the same" rpt_https_wait 9 2
expect_eq "rpt_https_count" 9 "$(rpt_https_count)"
rpt_https_stop
expect_eq "rpt_https_stop: nothing listens on $RPT_HTTPS_ADDR:443" "" \
    "$(in_ns ss -Hlnt src "$RPT_HTTPS_ADDR:443")"
if rpt_https_receiver; then
	post "$GZ" -H "$CT" >/dev/null
	expect_eq "restarted: numbering goes on (10)" "10 POST" \
	    "$(tail -1 "$R/requests.log" | awk '{ print $1, $2 }')"
else
	not_ok "restarted"
fi

# ------------------------------------------------------------- sendmail
M=$T_WORK/mail
SM=$(rpt_fake_sendmail "$M")
expect_eq "rpt_fake_sendmail prints its path" "$M/sendmail" "$SM"
printf 'Subject: one\n\nbody\nno final newline' >"$T_WORK/msg1"
"$SM" -i -f "reporter@sender.test" -- "tls rpt@rpt-mail.test" <"$T_WORK/msg1"
expect_eq "sendmail: exit 0 by default" 0 $?
expect_eq "... argv, one a line" \
    "-i|-f|reporter@sender.test|--|tls rpt@rpt-mail.test" \
    "$(paste -sd '|' "$M/1.argv")"
check "... stdin byte for byte" cmp -s "$T_WORK/msg1" "$M/1.msg"
echo 75 >"$M/exit"
"$SM" -t </dev/null
expect_eq "exit file 75: exit 75" 75 $?
"$SM" -t </dev/null
expect_eq "... a one-line file stays" 75 $?
rpt_sendmail_exit "$M" 1 75 0
rc=
for i in 1 2 3 4; do
	"$SM" </dev/null
	rc="$rc $?"
done
expect_eq "rpt_sendmail_exit 1 75 0: 1, 75, then 0 for good" \
    " 1 75 0 0" "$rc"
expect_eq "... logged" "4 exit 1|5 exit 75|6 exit 0|7 exit 0" \
    "$(sed -n '4,$p' "$M/log" | paste -sd '|')"
expect_eq "... no arguments: an empty argv file" 0 "$(stat -c %s "$M/4.argv")"
# Wait for these eight only: a bare "wait" would wait for the world's
# servers too (started in the background by this shell) and never return.
runs=()
for i in 1 2 3 4 5 6 7 8; do
	printf 'message %s\n' "$i" | "$SM" "rcpt$i" &
	runs+=($!)
done
wait "${runs[@]}"
expect_eq "8 runs at once: 15 runs in all" 15 "$(rpt_sendmail_count "$M")"
bad=0
for n in $(seq 8 15); do
	r=$(cat "$M/$n.argv")
	[ "$(cat "$M/$n.msg")" = "message ${r#rcpt}" ] || bad=$((bad + 1))
done
expect_eq "... each with its own argv and message" 0 "$bad"
check "rpt_sendmail_wait" rpt_sendmail_wait "$M" 15 1
check "... times out" fails rpt_sendmail_wait "$M" 16 1

# ------------------------------------------------------------- readers
J=$T_WORK/report.json
cat >"$J" <<'EOF'
{"organization-name":"Sender Org","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"contact-info":"tlsrpt@sender.test","report-id":"2024-01-01T00:00:00Z_rpt-mail.test","policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mx1.rpt-mail.test","max_age: 86400"],"policy-domain":"rpt-mail.test","mx-host":["mx1.rpt-mail.test"]},"summary":{"total-successful-session-count":5,"total-failure-session-count":3},"failure-details":[{"result-type":"sts-policy-fetch-error","sending-mta-ip":"127.0.2.1","receiving-mx-hostname":"mta-sts.rpt-mail.test","failed-session-count":3}]}]}
EOF
gzip -9nc "$J" >"$J.gz"
MSG=$T_WORK/report.eml
{
	printf 'From: reporter@sender.test\nTo: tlsrpt@rpt-mail.test\n'
	printf 'Subject: Report Domain: rpt-mail.test Submitter: sender.test\n'
	printf ' Report-ID: <2024-01-01T00:00:00Z_rpt-mail.test>\n'
	printf 'TLS-Report-Domain: rpt-mail.test\n'
	printf 'TLS-Report-Submitter: sender.test\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type="tlsrpt";\n'
	printf '\tboundary="=_b1"\n\nThis is a MIME message.\n\n--=_b1\n'
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	printf 'A TLS report for rpt-mail.test.\n\n--=_b1\n'
	printf 'Content-Type: application/tlsrpt+gzip\n'
	printf 'Content-Transfer-Encoding: base64\n'
	printf 'Content-Disposition: attachment;\n'
	printf '\tfilename="sender.test!rpt-mail.test!1704067200!1704153599.json.gz"\n\n'
	base64 -w 76 "$J.gz"
	printf '\n--=_b1--\n'
} >"$MSG"
rpt_mail_part "$MSG" >"$T_WORK/out.json"
expect_eq "rpt_mail_part: exit 0" 0 $?
check "... the JSON byte for byte" cmp -s "$J" "$T_WORK/out.json"
sed 's/\r*$/\r/' "$MSG" >"$MSG.crlf"
rpt_mail_part "$MSG.crlf" >"$T_WORK/out2.json"
check "... from a CRLF message too" cmp -s "$J" "$T_WORK/out2.json"
expect_eq "rpt_mail_parts" \
    "multipart/report report-type=tlsrpt|text/plain|application/tlsrpt+gzip filename=sender.test!rpt-mail.test!1704067200!1704153599.json.gz" \
    "$(rpt_mail_parts "$MSG" | paste -sd '|')"
expect_eq "rpt_mail_header TLS-Report-Domain" rpt-mail.test \
    "$(rpt_mail_header "$MSG" TLS-Report-Domain)"
expect_eq "rpt_mail_header Subject (unfolded)" \
    "Report Domain: rpt-mail.test Submitter: sender.test Report-ID: <2024-01-01T00:00:00Z_rpt-mail.test>" \
    "$(rpt_mail_header "$MSG" Subject)"
sed 's|application/tlsrpt+gzip|application/octet-stream|' "$MSG" >"$MSG.none"
check "rpt_mail_part: no report part: fails" \
    fails rpt_mail_part "$MSG.none"
expect_eq "rpt_json_get: a number" 3 \
    "$(rpt_json_get "$T_WORK/out.json" '["policies"][0]["summary"]["total-failure-session-count"]')"
expect_eq "rpt_json_get: a string, as it is" sts-policy-fetch-error \
    "$(rpt_json_get "$T_WORK/out.json" '["policies"][0]["failure-details"][0]["result-type"]')"
expect_eq "rpt_json_get: an array, as JSON" '["mx1.rpt-mail.test"]' \
    "$(rpt_json_get "$T_WORK/out.json" '["policies"][0]["policy"]["mx-host"]')"
expect_eq "rpt_json_get: an object, keys sorted" \
    '{"total-failure-session-count":3,"total-successful-session-count":5}' \
    "$(rpt_json_get "$T_WORK/out.json" '["policies"][0]["summary"]')"
expect_eq "rpt_json_get -: from stdin" "Sender Org" \
    "$(rpt_json_get - '["organization-name"]' <"$J")"
expect_eq "rpt_json_len: policy-string" 4 \
    "$(rpt_json_len "$J" '["policies"][0]["policy"]["policy-string"]')"
check "rpt_json_get: a missing key fails" \
    fails rpt_json_get "$J" '["nope"]'
printf '{"a":1,"a":2}' >"$T_WORK/dup.json"
check "rpt_json_get: a duplicate member name fails (I-JSON)" \
    fails rpt_json_get "$T_WORK/dup.json" ""

# ------------------------------------------------------------- dgram-send
# A receiver: binds SOCK; with HOLD, reads nothing until the file HOLD
# exists; writes "LENGTH SHA256" per datagram to OUT once 1 s passes
# without one (5 s before the first).
cat >"$T_WORK/dgram-recv.py" <<'EOF'
import hashlib, os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
if len(sys.argv) > 3:
    while not os.path.exists(sys.argv[3]):
        time.sleep(0.02)
s.settimeout(5.0)
with open(sys.argv[2] + '.new', 'w') as out:
    try:
        while True:
            d = s.recv(1 << 20)
            s.settimeout(1.0)
            out.write('%d %s\n' % (len(d), hashlib.sha256(d).hexdigest()))
    except socket.timeout:
        pass
os.rename(sys.argv[2] + '.new', sys.argv[2])
EOF
DG=$T_WORK/dgram
mkdir -p "$DG"
# recv NAME [HOLD]: start a receiver on $DG/NAME.sock, output $DG/NAME.out
recv() {
	# shellcheck disable=SC2217 # the receiver must not read our stdin
	bg python3 "$T_WORK/dgram-recv.py" "$DG/$1.sock" "$DG/$1.out" \
	    ${2:+"$2"} </dev/null
	wait_for "receiver $1" test -S "$DG/$1.sock"
}
# received NAME: wait (up to 20 s) for the receiver to write its output
# (it renames it into place when done), print its lines joined by |.
# Called in $(...), a subshell, which cannot "wait" for the receiver.
received() {
	local i
	for i in $(seq 400); do
		[ -e "$DG/$1.out" ] && break
		sleep 0.05
	done
	paste -sd '|' "$DG/$1.out"
}
# line FILE: what the receiver writes for FILE
line() {
	printf '%s %s' "$(stat -c %s "$1")" "$(sha256sum <"$1" | cut -d' ' -f1)"
}
printf 'abc' >"$DG/a"
head -c 60000 /dev/urandom >"$DG/b"
printf '\0x\0' >"$DG/c"
: >"$DG/e"
exp=
for i in 1 2 3; do
	for f in a b c e; do
		exp="$exp${exp:+|}$(line "$DG/$f")"
	done
done
recv order
# -w: three 60000-byte datagrams in flight can fill the sender's buffer
# (EAGAIN, lost); order and bytes are the point here, not loss.
out=$(in_ns "$DGRAM_SEND" -w -n 3 "$DG/order.sock" "$DG/a" "$DG/b" \
    "$DG/c" "$DG/e")
expect_eq "dgram-send -n 3, 4 files: 12 sent" "sent 12 lost 0" "$out"
expect_eq "... received in order, byte for byte (empty one too)" "$exp" \
    "$(received order)"

recv rate
t1=$(date +%s%N)
out=$(in_ns "$DGRAM_SEND" -r 50 -n 26 "$DG/rate.sock" "$DG/a")
el=$((($(date +%s%N) - t1) / 1000000))
expect_eq "dgram-send -r 50 -n 26: all sent" "sent 26 lost 0" "$out"
check "... in 0.5 s at least ($el ms)" test "$el" -ge 490 -a "$el" -lt 2000
expect_eq "... all received" 26 "$(received rate | tr '|' '\n' | wc -l)"

qlen=$(in_ns sysctl -n net.unix.max_dgram_qlen)
expect_eq "net.unix.max_dgram_qlen in the namespace" 10 "$qlen"
recv full "$DG/full.go"
out=$(in_ns "$DGRAM_SEND" -n 40 "$DG/full.sock" "$DG/a")
read -r _ sent _ lost <<<"$out"
check "nobody reads: lost > 0 ($out)" \
    test "$((sent + lost))" = 40 -a "$lost" -gt 0 -a "$sent" -ge "$qlen"
touch "$DG/full.go"
expect_eq "... the receiver got exactly the $sent sent" "$sent" \
    "$(received full | tr '|' '\n' | wc -l)"

recv block "$DG/block.go"
# Not in_ns: a function put in the background runs in a subshell, and $!
# would be that shell, not dgram-send (ip netns exec execs it).
ip netns exec "$T_NS" "$DGRAM_SEND" -w -n 40 "$DG/block.sock" "$DG/a" \
    >"$DG/block.txt" &
sender=$!
sleep 0.5
check "dgram-send -w: blocks on the full queue" kill -0 "$sender"
touch "$DG/block.go"
wait "$sender"
expect_eq "... then sends the rest: nothing lost" "0 sent 40 lost 0" \
    "$? $(cat "$DG/block.txt")"
expect_eq "... all received" 40 "$(received block | tr '|' '\n' | wc -l)"

recv stop "$DG/stop.go"
ip netns exec "$T_NS" "$DGRAM_SEND" -w -n 40 "$DG/stop.sock" "$DG/a" \
    >"$DG/stop.txt" &
sender=$!
sleep 0.5
kill -TERM "$sender"
wait "$sender"
rc=$?
touch "$DG/stop.go"
read -r _ sent _ lost <"$DG/stop.txt"
expect_eq "SIGTERM while blocked: exit 1, counts so far" "1 0" "$rc $lost"
expect_eq "... sent = what the receiver got" "$sent" \
    "$(received stop | tr '|' '\n' | wc -l)"

out=$(in_ns "$DGRAM_SEND" "$DG/nobody.sock" "$DG/a" 2>"$DG/err")
expect_eq "no receiver: exit 1, nothing sent" "1 sent 0 lost 0" "$? $out"
expect_match "... says why" "nobody.sock.*No such file" "$(cat "$DG/err")"
in_ns "$DGRAM_SEND" "$DG/order.sock" "$DG/missing" >/dev/null 2>&1
expect_eq "a missing file: exit 2" 2 $?
rc=
for a in "-n -1" "-n x" "-r -5" "-r x" "-x"; do
	# shellcheck disable=SC2086 # split on purpose
	in_ns "$DGRAM_SEND" $a "$DG/order.sock" "$DG/a" >/dev/null 2>&1
	rc="$rc $?"
done
"$DGRAM_SEND" "$DG/order.sock" >/dev/null 2>&1
rc="$rc $?"
expect_eq "bad usage: exit 2" " 2 2 2 2 2 2" "$rc"

echo "# total $(ms) ms"
finish
