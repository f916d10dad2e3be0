# tlsrpt_world.sh: TLSRPT (RFC 8460) scenarios for the test world (bash,
# sourced after lib.sh and world.sh): report domains with their
# _smtp._tls records, MTA-STS policy hosts whose fetch a test can break,
# an HTTPS report endpoint, a fake sendmail, and readers for what they
# received.  dgram-send ($DGRAM_SEND) feeds a collector socket.
#
#   . tests/system/lib.sh; . tests/system/world.sh
#   . tests/system/tlsrpt_world.sh
#   tlsrpt_require; setup NAME
#   tlsrpt_world_zones
#   world_up 10 || ...
#   tlsrpt_world_up || ...
#   rpt_https_receiver || ...
#
# Report domains (zones under test., signed; each is also an MTA-STS
# domain: TXT "v=STSv1; id=1", policy host mta-sts.D on nginx as in
# world.sh, enforce policy "mx: mx1.D", MX 10 mx1.D; nothing listens on
# the MX addresses, which are free for a postfix.sh receiver):
#
#   domain          _smtp._tls TXT                                mx1
#   rpt-mail.test   "v=TLSRPTv1; rua=mailto:tlsrpt@rpt-mail.test" 127.0.4.11
#   rpt-https.test  "v=TLSRPTv1; rua=$RPT_HTTPS_URL"              127.0.4.12
#   rpt-both.test   "v=TLSRPTv1; rua=mailto:tlsrpt@rpt-both.test,
#                   https://reports.rpt-https.test/v1/rpt-both"   127.0.4.13
#                   (one record; no space after the comma)
#   rpt-none.test   none (NXDOMAIN)                               127.0.4.14
#   rpt-bad.test    "v=TLSRPTv1; ruf=mailto:tlsrpt@rpt-bad.test"  127.0.4.15
#                   (no rua=: invalid, RPT-1)
#   rpt-two.test    "v=TLSRPTv1; rua=mailto:a@rpt-two.test" and   127.0.4.16
#                   "v=TLSRPTv1; rua=mailto:b@rpt-two.test"
#                   (two records: no TLSRPT, RPT-2)
#   rpt-split.test  "v=TLSRPTv1; rua=mailto:" "tlsrpt@rpt-split.test" .17
#                   (two character-strings: joined, valid, RPT-2)
#
#   reports.rpt-https.test A 127.0.4.1 ($RPT_HTTPS_ADDR): the report
#   endpoint, rpt_https_receiver.  $RPT_HTTPS_URL is
#   https://reports.rpt-https.test/v1/tlsrpt.
#
# Policy fetches: rpt_fetch D MODE makes the next fetch of D's policy
#   ok        work (the default after tlsrpt_world_up)
#   503       HTTP 503 (world_host_break)          sts-policy-fetch-error
#   404       no policy file (world_policy_rm)     sts-policy-fetch-error
#   refused   mta-sts.D has only A 127.0.0.9, where nothing listens
#                                                  sts-policy-fetch-error
#   nxhost    mta-sts.D is NXDOMAIN                sts-policy-fetch-error
#   invalid   a policy without max_age (HTTP 200)  sts-policy-invalid
#   webpki    mta-sts.D has only A 127.0.4.2, which presents the world's
#             certificate for www.wrongname.test   sts-webpki-invalid
#   expired   ... A 127.0.4.3, the world's expired certificate
#                                                  sts-webpki-invalid
# (the result type RFC 8460 §4.3.2 gives each; STS-FETCH-19).  refused,
# nxhost, webpki and expired change DNS through unbound local-data (TTL
# 1, cache flushed; answers without AD, which mtastsd does not need for
# STS).  Each call first undoes the previous mode.  The nginx modes show
# in world_fetch_count; the others never reach nginx.
#
# Functions:
#   tlsrpt_require              skip (lib.sh require) without the programs
#                               (world's, python3, curl, flock) or
#                               $DGRAM_SEND
#   tlsrpt_world_zones          before world_up (after setup): the zones
#   tlsrpt_world_up             after world_up: the policy files and the
#                               two bad-certificate hosts (openssl
#                               s_server, stopped by world_cleanup)
#   rpt_fetch DOMAIN MODE       see above
#   rpt_https_receiver          after world_up: the report endpoint
#                               (rpt_https_receiver.py, started with bg,
#                               so t_cleanup stops it) on
#                               $RPT_HTTPS_ADDR:443, with a certificate
#                               from the world's CA; it saves request N
#                               as $RPT_HTTPS_DIR/N.body and N.headers
#                               (request line, then the headers as sent)
#                               and logs one line per request to
#                               $RPT_HTTPS_DIR/requests.log: "N METHOD
#                               PATH STATUS BYTES sni=NAME CONTENT-TYPE"
#   rpt_https_stop              stop it (files stay; a new one numbers on)
#   rpt_https_status STATUS...  the next POSTs get these statuses in
#                               order, the last one for good (default 200)
#   rpt_https_delay SECONDS     wait that long before answering (0: no)
#   rpt_https_count             requests logged so far
#   rpt_https_wait N [SECONDS]  wait (default 10 s) for N logged requests
#   rpt_fake_sendmail DIR       write DIR/sendmail, print its path: each
#                               run saves its arguments (one a line; not
#                               argv[0]) and stdin as DIR/N.argv and
#                               DIR/N.msg (N.argv last, when both are
#                               complete), logs "N exit STATUS" to
#                               DIR/log and exits with DIR/exit's status
#                               (default 0; same rules as DIR/status of
#                               the receiver).  DIR is mode 1777, so the
#                               daemon may run it as any user
#   rpt_sendmail_exit DIR STATUS...  the next runs exit with these, the
#                               last one for good
#   rpt_sendmail_count DIR      completed runs
#   rpt_sendmail_wait DIR N [SECONDS]  wait (default 10 s) for N runs
#   rpt_mail_part MSGFILE       the report of a saved mail on stdout: the
#                               one application/tlsrpt+gzip part, decoded
#                               and gunzipped (or application/tlsrpt+json,
#                               decoded); fails unless there is exactly
#                               one such part
#   rpt_mail_header MSGFILE NAME  each NAME header (decoded), one a line
#   rpt_mail_parts MSGFILE      one line per MIME part (walk order):
#                               "TYPE [report-type=R] [filename=F]"
#   rpt_json_get FILE EXPR      the value at EXPR, a Python subscript
#                               chain ('["policies"][0]["summary"]'; ""
#                               for the whole document); FILE - is stdin.
#                               Strings print as they are, anything else
#                               as compact JSON with sorted keys (3,
#                               true, ["a","b"]).  Fails on a missing key
#                               or index, bad JSON, or a duplicate member
#                               name (I-JSON, RFC 8460 §4)
#   rpt_json_len FILE EXPR      the length of the array or object there
#
# Variables: RPT_DOMAINS, RPT_MX_ADDR[domain], RPT_HTTPS_HOST,
# RPT_HTTPS_ADDR, RPT_HTTPS_URL, RPT_HTTPS_DIR, RPT_HTTPS_PID,
# RPT_WRONGNAME_ADDR, RPT_EXPIRED_ADDR, DGRAM_SEND.  Addresses: the
# 127.0.4.0/24 block (world.sh uses 127.0.0.x, dane_world.sh 127.0.1.x,
# postfix.sh senders 127.0.2.x).

# shellcheck disable=SC2154 # top_srcdir, top_builddir, T_WORK: lib.sh
DGRAM_SEND=${DGRAM_SEND:-$top_builddir/tests/tools/dgram-send}
RPT_DOMAINS="rpt-mail.test rpt-https.test rpt-both.test rpt-none.test
	rpt-bad.test rpt-two.test rpt-split.test"
declare -A RPT_MX_ADDR=([rpt-mail.test]=127.0.4.11
	[rpt-https.test]=127.0.4.12 [rpt-both.test]=127.0.4.13
	[rpt-none.test]=127.0.4.14 [rpt-bad.test]=127.0.4.15
	[rpt-two.test]=127.0.4.16 [rpt-split.test]=127.0.4.17)
RPT_HTTPS_HOST=reports.rpt-https.test
RPT_HTTPS_ADDR=127.0.4.1
RPT_HTTPS_URL=https://$RPT_HTTPS_HOST/v1/tlsrpt
RPT_WRONGNAME_ADDR=127.0.4.2
RPT_EXPIRED_ADDR=127.0.4.3
RPT_DIR=
RPT_HTTPS_DIR=
RPT_HTTPS_PID=

tlsrpt_require() {
	world_require
	require python3 curl flock
	python3 -c 'import ssl, http.server, email.policy, gzip' \
	    2>/dev/null || skip_all "needs python3 with ssl"
	[ -x "$DGRAM_SEND" ] || skip_all "needs $DGRAM_SEND (make check builds it)"
}

# tlsrpt_world_zones: the report domains (before world_up; after setup).
tlsrpt_world_zones() {
	local d both
	RPT_DIR=$T_WORK/rpt
	mkdir -p "$RPT_DIR" && chmod 755 "$RPT_DIR" || return 1
	for d in $RPT_DOMAINS; do
		world_zone "$d" signed
		world_rr "$d" "@ MX 10 mx1" "mx1 A ${RPT_MX_ADDR[$d]}" \
		    "%host @" "%txt @"
	done
	world_rr rpt-mail.test \
	    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@rpt-mail.test"'
	world_rr rpt-https.test \
	    "_smtp._tls TXT \"v=TLSRPTv1; rua=$RPT_HTTPS_URL\"" \
	    "${RPT_HTTPS_HOST%%.*} A $RPT_HTTPS_ADDR"
	both="mailto:tlsrpt@rpt-both.test,https://$RPT_HTTPS_HOST/v1/rpt-both"
	world_rr rpt-both.test "_smtp._tls TXT \"v=TLSRPTv1; rua=$both\""
	world_rr rpt-bad.test \
	    '_smtp._tls TXT "v=TLSRPTv1; ruf=mailto:tlsrpt@rpt-bad.test"'
	world_rr rpt-two.test \
	    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:a@rpt-two.test"' \
	    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:b@rpt-two.test"'
	world_rr rpt-split.test \
	    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:" "tlsrpt@rpt-split.test"'
}

# _rpt_policy DOMAIN: DOMAIN's enforce policy file.
_rpt_policy() {
	world_policy_set "$1" "version: STSv1" "mode: enforce" \
	    "mx: mx1.${1%.}" "max_age: 86400"
}

# tlsrpt_world_up: policy files, bad-certificate hosts (after world_up).
tlsrpt_world_up() {
	local d www=$RPT_DIR/badcert wrong expired
	for d in $RPT_DOMAINS; do
		_rpt_policy "$d" || return 1
	done
	# Any name, one valid-looking policy: only the certificate is wrong.
	mkdir -p "$www/.well-known" &&
	printf 'version: STSv1\nmode: enforce\nmx: *.test\nmax_age: 86400\n' \
	    >"$www/.well-known/mta-sts.txt" && chmod -R a+rX "$www" ||
	    return 1
	_world_bg "$RPT_DIR/wrongname.log" env -C "$www" openssl s_server \
	    -quiet -WWW -accept "$RPT_WRONGNAME_ADDR:443" \
	    -cert "$W/pki/wrongname.crt" -key "$W/pki/leaf.key"
	wrong=$T_LASTPID
	_world_bg "$RPT_DIR/expired.log" env -C "$www" openssl s_server \
	    -quiet -WWW -accept "$RPT_EXPIRED_ADDR:443" \
	    -cert "$W/pki/expired.crt" -key "$W/pki/leaf.key"
	expired=$T_LASTPID
	_world_listening "$wrong" "$RPT_WRONGNAME_ADDR:443" ||
	    _world_fail "tlsrpt_world: wrongname host" "$RPT_DIR/wrongname.log" ||
	    return 1
	_world_listening "$expired" "$RPT_EXPIRED_ADDR:443" ||
	    _world_fail "tlsrpt_world: expired host" "$RPT_DIR/expired.log"
}

# _rpt_host_a NAME ADDR: NAME answers only A ADDR (TTL 1; AAAA: no data).
_rpt_host_a() {
	local name=${1%.}.
	_world_uc local_zone "$name" static &&
	printf '%s 1 IN A %s\n' "$name" "$2" | _world_uc local_datas &&
	_world_uc flush_zone "$name"
}

# rpt_fetch DOMAIN MODE: how the next fetch of DOMAIN's policy goes.
rpt_fetch() {
	local d=${1%.}
	world_host_fix "$d"
	world_txt_reset "mta-sts.$d" 2>/dev/null
	_rpt_policy "$d" || return 1
	case $2 in
	ok) ;;
	503) world_host_break "$d" ;;
	404) world_policy_rm "$d" ;;
	refused) _rpt_host_a "mta-sts.$d" 127.0.0.9 ;;
	nxhost) world_txt_del "mta-sts.$d" ;;
	invalid)
		world_policy_set "$d" "version: STSv1" "mode: enforce" \
		    "mx: mx1.$d"
		;;
	webpki) _rpt_host_a "mta-sts.$d" "$RPT_WRONGNAME_ADDR" ;;
	expired) _rpt_host_a "mta-sts.$d" "$RPT_EXPIRED_ADDR" ;;
	*)
		echo "# rpt_fetch: unknown mode $2"
		return 1
		;;
	esac
}

# ------------------------------------------------------------ HTTPS

# rpt_https_receiver: the report endpoint (after world_up).
rpt_https_receiver() {
	RPT_HTTPS_DIR=$T_WORK/rpt-https
	mkdir -p "$RPT_HTTPS_DIR" || return 1
	world_cert rpt-https "$RPT_HTTPS_HOST" "$RPT_HTTPS_HOST" ||
	    _world_fail "rpt_https_receiver: certificate" \
	    "$W/pki/rpt-https.err" || return 1
	# shellcheck disable=SC2217 # the server must not read our stdin
	bg python3 "$top_srcdir/tests/system/rpt_https_receiver.py" \
	    "$RPT_HTTPS_ADDR" 443 "$W/pki/rpt-https.crt" "$W/pki/leaf.key" \
	    "$RPT_HTTPS_DIR" 2>>"$RPT_HTTPS_DIR/receiver.log" </dev/null
	RPT_HTTPS_PID=$T_LASTPID
	_world_listening "$RPT_HTTPS_PID" "$RPT_HTTPS_ADDR:443" ||
	    _world_fail "rpt_https_receiver" "$RPT_HTTPS_DIR/receiver.log"
}

# rpt_https_stop: stop the receiver (and keep t_cleanup off its PID).
rpt_https_stop() {
	local p keep=()
	[ -n "$RPT_HTTPS_PID" ] || return 0
	kill -TERM "$RPT_HTTPS_PID" 2>/dev/null
	wait "$RPT_HTTPS_PID" 2>/dev/null
	for p in "${T_PIDS[@]}"; do
		[ "$p" = "$RPT_HTTPS_PID" ] || keep+=("$p")
	done
	T_PIDS=("${keep[@]}")
	RPT_HTTPS_PID=
}

# _rpt_queue FILE VALUE...: FILE = the VALUEs, one a line (atomically).
_rpt_queue() {
	local f=$1
	shift
	printf '%s\n' "$@" >"$f.new" && chmod 644 "$f.new" && mv -f "$f.new" "$f"
}

rpt_https_status() {
	_rpt_queue "$RPT_HTTPS_DIR/status" "$@"
}

rpt_https_delay() {
	if [ "$1" = 0 ]; then
		rm -f "$RPT_HTTPS_DIR/delay"
	else
		_rpt_queue "$RPT_HTTPS_DIR/delay" "$1"
	fi
}

rpt_https_count() {
	local n=0
	[ -f "$RPT_HTTPS_DIR/requests.log" ] &&
	    n=$(wc -l <"$RPT_HTTPS_DIR/requests.log")
	echo "$n"
}

# _rpt_wait SECONDS N COMMAND...: wait until COMMAND prints >= N.
_rpt_wait() {
	local s=$1 n=$2 i
	shift 2
	for ((i = 0; i < s * 20; i++)); do
		[ "$("$@")" -ge "$n" ] && return 0
		sleep 0.05
	done
	return 1
}

rpt_https_wait() {
	_rpt_wait "${2:-10}" "$1" rpt_https_count
}

# ------------------------------------------------------------ sendmail

# The fake; rpt_fake_sendmail puts its directory in for @DIR@.
_RPT_SENDMAIL=$(cat <<'EOF'
#!/bin/bash
# Fake sendmail (tlsrpt_world.sh, rpt_fake_sendmail): saves its arguments
# and stdin as N.argv and N.msg in its directory, exits with the first
# status in its exit file (default 0).
d='@DIR@'
exec 9>>"$d/.lock" && flock 9 || exit 75
n=1
while [ -e "$d/$n.msg" ]; do
	n=$((n + 1))
done
: >"$d/$n.msg"
st=0
if [ -s "$d/exit" ]; then
	mapfile -t q <"$d/exit"
	st=${q[0]}
	if [ "${#q[@]}" -gt 1 ]; then
		printf '%s\n' "${q[@]:1}" >"$d/exit.new" &&
		    mv -f "$d/exit.new" "$d/exit"
	fi
fi
exec 9>&-
cat >"$d/$n.msg"
{ [ $# -gt 0 ] && printf '%s\n' "$@"; } >"$d/$n.argv.new"
mv -f "$d/$n.argv.new" "$d/$n.argv"
echo "$n exit $st" >>"$d/log"
exit "$st"
EOF
)

# rpt_fake_sendmail DIR: write the fake sendmail, print its path.
rpt_fake_sendmail() {
	local d=$1
	mkdir -p "$d" && chmod 1777 "$d" && : >>"$d/.lock" &&
	    chmod 666 "$d/.lock" || return 1
	printf '%s\n' "${_RPT_SENDMAIL//@DIR@/$d}" >"$d/sendmail" &&
	    chmod 755 "$d/sendmail" && echo "$d/sendmail"
}

rpt_sendmail_exit() {
	local d=$1
	shift
	_rpt_queue "$d/exit" "$@"
}

rpt_sendmail_count() {
	local f n=0
	for f in "$1"/*.argv; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo "$n"
}

rpt_sendmail_wait() {
	_rpt_wait "${3:-10}" "$2" rpt_sendmail_count "$1"
}

# ------------------------------------------------------------ readers

# Python: the mail readers (MODE FILE [NAME]) and the JSON reader.
_RPT_PY_MAIL=$(cat <<'EOF'
import email, email.policy, gzip, sys
mode, path = sys.argv[1:3]
with open(path, 'rb') as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
if mode == 'part':
    types = ('application/tlsrpt+gzip', 'application/tlsrpt+json')
    parts = [p for p in msg.walk() if p.get_content_type() in types]
    if len(parts) != 1:
        sys.exit('rpt_mail_part: %s: %d report parts' % (path, len(parts)))
    data = parts[0].get_payload(decode=True)
    if parts[0].get_content_type() == types[0]:
        data = gzip.decompress(data)
    sys.stdout.buffer.write(data)
elif mode == 'header':
    for v in msg.get_all(sys.argv[3]) or []:
        print(str(v))
else:
    for p in msg.walk():
        out = [p.get_content_type()]
        if p.get_param('report-type') is not None:
            out.append('report-type=%s' % p.get_param('report-type'))
        if p.get_filename() is not None:
            out.append('filename=%s' % p.get_filename())
        print(' '.join(out))
EOF
)

_RPT_PY_JSON=$(cat <<'EOF'
import json, sys
mode, path, expr = sys.argv[1:4]

def pairs(items):
    keys = [k for k, v in items]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError('duplicate member name %r' % k)
    return dict(items)

try:
    if path == '-':
        doc = json.load(sys.stdin, object_pairs_hook=pairs)
    else:
        with open(path, 'rb') as f:
            doc = json.load(f, object_pairs_hook=pairs)
    v = eval('d' + expr, {'__builtins__': {}}, {'d': doc})
    if mode == 'len':
        v = len(v)
except Exception as e:
    sys.exit('rpt_json_%s: %s %s: %s: %s'
             % (mode, path, expr, type(e).__name__, e))
if isinstance(v, str):
    print(v)
else:
    print(json.dumps(v, sort_keys=True, separators=(',', ':')))
EOF
)

rpt_mail_part() {
	python3 -c "$_RPT_PY_MAIL" part "$1"
}

rpt_mail_header() {
	python3 -c "$_RPT_PY_MAIL" header "$1" "$2"
}

rpt_mail_parts() {
	python3 -c "$_RPT_PY_MAIL" parts "$1"
}

rpt_json_get() {
	python3 -c "$_RPT_PY_JSON" get "$1" "$2"
}

rpt_json_len() {
	python3 -c "$_RPT_PY_JSON" len "$1" "$2"
}
