#!/bin/bash
# test_engine.sh: the resolution engine against real servers, in a private
# network namespace: NSD and a validating unbound serve the test zones,
# nginx (and openssl s_server) the policies with a private CA, Postfix's
# postmap asks.  STS-REC-*, STS-FETCH-*, STS-CACHE-*, DEC-4/5/15/16/18.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
require postmap
world_require
setup engine
world_up 120 || { not_ok "the test world comes up"; finish; }

SOCK=$T_WORK/run/mtastsd.sock
CONF=$T_WORK/mtastsd.conf
LOG=$T_WORK/mtastsd.log
CTL=("$MTASTS_CTL" -f "$CONF")

cat >"$CONF" <<EOF
listen = unix:$SOCK
user =
socket_group =
cache_dir = $T_WORK/cache
control_socket = $T_WORK/run/control.sock
ca_file = $WORLD_CA
dns_timeout = 2s
txt_recheck_interval = 1s
negative_cache_ttl = 2s
lookup_deadline = 2s
fetch_timeout = 4s
# MTA-STS alone here; test_dane.sh has DANE.
dane = no
EOF

start_daemon() {
	bg "$MTASTSD" -F -f "$CONF" 2>>"$LOG"
	MTASTSD_PID=$T_LASTPID
	wait_for "the socket" test -S "$SOCK"
}

stop_daemon() {
	kill -TERM "$MTASTSD_PID"
	wait "$MTASTSD_PID"
}

# The daemon commits cache writes in batches (within 50 ms) and writes
# its log in batches (within 100 ms): what it did may show a moment later.

# show DOMAIN: mtasts-ctl show, once the record is committed.
show() {
	local i
	for i in $(seq 40); do
		in_ns "${CTL[@]}" show "$1" 2>/dev/null && return 0
		sleep 0.05
	done
}

# expect_show DESC DOMAIN REGEX: show DOMAIN matches, within 2 s.
expect_show() {
	local i out
	for i in $(seq 40); do
		out=$(in_ns "${CTL[@]}" show "$2" 2>&1)
		printf '%s\n' "$out" | grep -Eq -- "$3" && break
		sleep 0.05
	done
	expect_match "$1" "$3" "$out"
}

# expect_log DESC REGEX: the daemon's log matches, within 2 s.
expect_log() {
	local i
	for i in $(seq 40); do
		grep -Eq -- "$2" "$LOG" && break
		sleep 0.05
	done
	expect_match "$1" "$2" "$(cat "$LOG")"
}

# failclass DOMAIN: the class of the last failure mtasts-ctl shows.
failclass() {
	local i c
	for i in $(seq 40); do
		c=$(in_ns "${CTL[@]}" show "$1" 2>/dev/null |
		    awk '$1 == "last" && $2 == "failure:" { print $3; exit }')
		[ -n "$c" ] && [ "$c" != none ] && break
		sleep 0.05
	done
	echo "$c"
}

# ctlstat NAME: one of the daemon's counters (mtasts-ctl stats).
ctlstat() {
	in_ns "${CTL[@]}" stats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# notfound DESC DOMAIN: NOTFOUND (postmap: no output, rc 1, no warning).
notfound() {
	local out rc
	out=$(pm "$2" postfix); rc=$?
	if [ "$rc:$out" = "1:" ] && ! [ -s "$T_WORK/postmap.err" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got rc $rc: $out $(cat "$T_WORK/postmap.err")"
	fi
}

start_daemon

# --- modes --------------------------------------------------------------
expect_eq "PF-POL-10 enforce answers secure with the mx patterns" \
    "secure match=mx1.enforce.test:.mx.enforce.test servername=hostname" \
    "$(pm enforce.test postfix)"
expect_eq "PF-POL-13 postfix-tlsrpt adds the TLSRPT attributes" \
    "secure match=mx1.enforce.test:.mx.enforce.test servername=hostname policy_type=sts policy_domain=enforce.test mx_host_pattern=mx1.enforce.test mx_host_pattern=*.mx.enforce.test { policy_string = version: STSv1 } { policy_string = mode: enforce } { policy_string = mx: mx1.enforce.test } { policy_string = mx: *.mx.enforce.test } { policy_string = max_age: 86400 }" \
    "$(pm enforce.test postfix-tlsrpt)"
expect_eq "STS-CACHE-5 the cached policy is not fetched again" 1 \
    "$(world_fetch_count enforce.test)"
expect_log "a cached answer says source=cache" \
    "lookup enforce.test: OK secure source=cache"
expect_log "the first answer says source=fetch" \
    "lookup enforce.test: OK secure source=fetch"
notfound "STS-APP-2 testing answers NOTFOUND" testing.test
expect_show "...but its policy is cached as testing" testing.test "mode testing"
notfound "STS-APP-3 none answers NOTFOUND" none.test
expect_eq "STS-MX-4 a wildcard mx becomes .x in match=" \
    "secure match=.wild.test servername=hostname" "$(pm wild.test postfix)"
expect_eq "STS-FETCH-15 an IPv6-only policy host is fetched" \
    "secure match=mx1.ipv6only.test servername=hostname" \
    "$(pm ipv6only.test postfix)"

# --- TXT records (STS-REC-*) --------------------------------------------
notfound "STS-REC-7 a TXT without id is no policy" txt-noid.test
expect_eq "...classified txt-invalid" txt-invalid "$(failclass txt-noid.test)"
notfound "STS-REC-7 an id with '-' is no policy" txt-dashid.test
expect_eq "...classified txt-invalid" txt-invalid \
    "$(failclass txt-dashid.test)"
notfound "STS-REC-3 v=STSv2 is not an STS record" txt-v2.test
expect_show "...the TXT counts as none" txt-v2.test "txt: +none"
notfound "STS-REC-4 two STSv1 records are no policy" txt-two.test
expect_eq "...classified txt-multiple" txt-multiple \
    "$(failclass txt-two.test)"
expect_eq "no policy fetch for any TXT error" "0 0 0 0" \
    "$(for d in txt-noid txt-dashid txt-v2 txt-two; do
	world_fetch_count $d.test; done | xargs)"
expect_eq "STS-REC-3 a non-STS TXT beside a valid one is ignored" \
    "secure match=mx1.txt-junk.test servername=hostname" \
    "$(pm txt-junk.test postfix)"
expect_eq "STS-REC-12 STS-FETCH-14 CNAME delegation works" \
    "secure match=mx1.cname.test servername=hostname" \
    "$(pm cname.test postfix)"
expect_eq "STS-REC-2 a TXT split into strings is joined" \
    "secure match=mx1.splittxt.test servername=hostname" \
    "$(pm splittxt.test postfix)"

# --- fetch failures (STS-FETCH-*): NOTFOUND, never an error -------------
for c in nxhost:host-dns closed:tcp wrongname:tls-name \
    expired:tls-expired selfsigned:tls-untrusted alert:tls-handshake \
    e404:http-status redirect:http-status e500:http-status \
    html:content-type big:size empty:syntax nosan:tls-name \
    cnamebad:tls-name gzip:content-type; do
	d=${c%%:*}.test
	notfound "STS-CACHE-2 $d: a failed fetch without a cache is NOTFOUND" \
	    "$d"
	expect_eq "STS-FETCH-19 $d: failure classified ${c#*:}" "${c#*:}" \
	    "$(failclass "$d")"
done
expect_show "the 404 is explained" e404.test "reason: .*404"
pm e500.test postfix >/dev/null
expect_eq "STS-FETCH-10 a failed fetch is not retried within 5 minutes" 1 \
    "$(world_fetch_count e500.test)"
expect_log "...it is answered from the negative cache meanwhile" \
    "lookup e500.test: NOTFOUND source=negative"

expect_eq "STS-FETCH-16 a chunked body is fine" \
    "secure match=mx1.chunked.test servername=hostname" \
    "$(pm chunked.test postfix)"
expect_eq "STS-FETCH-3 a wildcard certificate covers mta-sts.D" \
    "secure match=mx1.wildcert.test servername=hostname" \
    "$(pm wildcert.test postfix)"
notfound "EDGE-43 a bogus (DNSSEC) TXT is a DNS failure: NOTFOUND" \
    bogus.test
expect_eq "...classified txt-dns" txt-dns "$(failclass bogus.test)"

# --- policy syntax (STS-POL-*) ------------------------------------------
notfound "EDGE-20 an email address as mx invalidates the policy" email.test
expect_eq "...classified syntax" syntax "$(failclass email.test)"
notfound "STS-POL-2 a missing max_age invalidates the policy" \
    nomaxage.test
expect_eq "...classified syntax" syntax "$(failclass nomaxage.test)"
notfound "STS-POL-6 'Mode:' is not mode: the policy is invalid" \
    badcase.test
expect_eq "...classified syntax" syntax "$(failclass badcase.test)"
expect_eq "DEC-6 an mx with a trailing dot is accepted, dot stripped" \
    "secure match=mx1.dotmx.test servername=hostname" \
    "$(pm dotmx.test postfix)"
notfound "STS-POL-7 a duplicate mode: the first (testing) wins" \
    dupmode.test
expect_show "...the cached mode is testing" dupmode.test "mode testing"

# --- DEC-5 the deadline, then the fetch finishes in the background ------
start=$(date +%s%N)
notfound "DEC-5 a slow policy host: NOTFOUND at the deadline" slow.test
waited=$(( ($(date +%s%N) - start) / 1000000 ))
check "...answered by lookup_deadline (${waited} ms < 3000)" \
    test "$waited" -lt 3000
expect_log "...logged as a deadline answer" \
    "lookup slow.test: NOTFOUND source=dns deadline"
wait_for "the slow fetch to time out" bash -c \
    "[ \"\$(ip netns exec $T_NS ${CTL[*]} show slow.test 2>/dev/null |
	awk '\$2 == \"failure:\" { print \$3 }')\" = timeout ]"
expect_eq "...and later fails as timeout in the background" timeout \
    "$(failclass slow.test)"

# --- negative caching ---------------------------------------------------
notfound "DEC-4 a domain without _mta-sts answers NOTFOUND" nosuch.test
notfound "...and again" nosuch.test
expect_log "...the second time from the negative cache" \
    "lookup nosuch.test: NOTFOUND source=negative"

# --- cache behaviour with changes in mid-test ---------------------------
dynpolicy() {	# dynpolicy DOMAIN MODE MAX_AGE MX
	world_policy_set "$1" "version: STSv1" "mode: $2" "mx: $4" \
	    "max_age: $3"
}
for i in 1 2 3 4 5 6; do
	world_txt_set "_mta-sts.dyn$i.test" "v=STSv1; id=1"
	dynpolicy "dyn$i.test" enforce 86400 "mx1.dyn$i.test"
	pm "dyn$i.test" postfix >/dev/null
done

# The host breaks after caching: a refresh fails, the policy stays.
world_host_break dyn1.test
out=$(in_ns "${CTL[@]}" refresh dyn1.test); rc=$?
expect_match "mtasts-ctl refresh reports the failure" \
    "^2:ERR dyn1.test: policy id 1.*failed: http-status" "$rc:$out"
expect_eq "STS-CACHE-3 the cached policy stays after a failed refresh" \
    "secure match=mx1.dyn1.test servername=hostname" \
    "$(pm dyn1.test postfix)"
expect_log "STS-FETCH-18 a failed refresh of a live policy is a warning" \
    "policy dyn1.test: fetch failed \(http-status\).*keeping the cached policy"

# The id changes with a new policy: refetched and replaced.
dynpolicy dyn2.test enforce 86400 mx2.dyn2.test
world_txt_set _mta-sts.dyn2.test "v=STSv1; id=2"
sleep 1.2
pm dyn2.test postfix >/dev/null		# from cache; re-checks the TXT
world_fetch_wait dyn2.test 2
sleep 0.2
expect_eq "STS-CACHE-4 a new id brings the new policy" \
    "secure match=mx2.dyn2.test servername=hostname" \
    "$(pm dyn2.test postfix)"
expect_log "...and the id change is logged" \
    "policy dyn2.test: TXT id changed from 1 to 2"

# The id changes but the fetch fails: the old policy stays.
world_host_break dyn3.test
world_txt_set _mta-sts.dyn3.test "v=STSv1; id=2"
sleep 1.2
pm dyn3.test postfix >/dev/null
world_fetch_wait dyn3.test 2
sleep 0.2
expect_eq "STS-CACHE-9 a new id whose fetch fails keeps the old policy" \
    "secure match=mx1.dyn3.test servername=hostname" \
    "$(pm dyn3.test postfix)"
expect_show "...the failure is remembered under the new id" dyn3.test "under id: +2"

# The TXT record is removed: the cached policy still applies.
world_txt_del _mta-sts.dyn4.test
sleep 1.2
pm dyn4.test postfix >/dev/null
sleep 0.5
expect_eq "STS-REC-13 a vanished TXT does not drop a cached policy" \
    "secure match=mx1.dyn4.test servername=hostname" \
    "$(pm dyn4.test postfix)"

# A short max_age expires, and the refetch fails: no policy any more.
dynpolicy dyn5.test enforce 2 mx1.dyn5.test
in_ns "${CTL[@]}" refresh dyn5.test >/dev/null
world_host_break dyn5.test
sleep 2.5
notfound "STS-CACHE-6 an expired policy whose refetch fails is gone" \
    dyn5.test
expect_show "...mtasts-ctl shows it expired" dyn5.test "EXPIRED"

# The removal procedure (RFC 8461 §8.3): mode none under a new id.
dynpolicy dyn6.test none 1 mx1.dyn6.test
world_txt_set _mta-sts.dyn6.test "v=STSv1; id=2"
sleep 1.2
pm dyn6.test postfix >/dev/null
world_fetch_wait dyn6.test 2
sleep 0.2
notfound "STS-CACHE-8 mode none replaces an enforce policy" dyn6.test
expect_show "...and is what is cached" dyn6.test "mode none"

# max_age 0: used for the lookup that fetched it, never stored.
world_txt_set _mta-sts.dyn4.test "v=STSv1; id=9"
dynpolicy dyn4.test enforce 0 mx0.dyn4.test
n=$(world_fetch_count dyn4.test)
out=$(in_ns "${CTL[@]}" refresh dyn4.test)
expect_match "DEC-16 a max_age 0 policy is used once" "max_age 0" "$out"
expect_show "...and not kept" dyn4.test "policy: +none cached"

# --- coalescing: 100 lookups, one TXT query, one fetch -------------------
# (before anything keeps refreshing in the background, which would count)
d=$(world_bulk_domain 7)
q0=$(ctlstat txt_queries)
in_ns "$NSCLIENT" -n 100 "$SOCK" "postfix $d" >"$T_WORK/co"
expect_eq "100 simultaneous lookups are all answered secure" 100 \
    "$(grep -c "^REPLY OK secure match=mx.bulk.test " "$T_WORK/co")"
world_fetch_wait "$d" 1
sleep 0.3
expect_eq "...with one HTTPS fetch" 1 "$(world_fetch_count "$d")"
expect_eq "...and one TXT query" 1 $(( $(ctlstat txt_queries) - q0 ))

# --- STS-CACHE-7: refreshed before expiry, without any lookup -----------
d=$(world_bulk_domain 11)
world_policy_set "$d" "version: STSv1" "mode: enforce" "mx: mx.bulk.test" \
    "max_age: 8"
pm "$d" postfix >/dev/null
check "STS-CACHE-7 a policy in use is refreshed before it expires" \
    world_fetch_wait "$d" 2 9
expect_log "...by a proactive refresh" "policy $d: fetched id 1"
expect_show "...and shows it was a refresh" "$d" "by refresh"

# --- mtasts-ctl against the live daemon ---------------------------------
out=$(in_ns "${CTL[@]}" list)
expect_match "list shows domain, mode, id and source" \
    "^enforce.test +enforce +1 .* lookup +-" "$out"
expect_match "list shows the last error" "^e404.test +- .* http-status" \
    "$out"
out=$(in_ns "${CTL[@]}" dump --json); rc=$?
expect_eq "dump --json: every record decodes" 0 "$rc"
expect_eq "dump --json: one object per cached domain" \
    "$(in_ns "${CTL[@]}" list | grep -vc '^DOMAIN\|^#')" \
    "$(printf '%s\n' "$out" | grep -c '^{"domain":')"
expect_match "dump --json carries the raw policy and the failure" \
    '"domain":"wrongname.test".*"failure":\{"class":"tls-name","result_type":"sts-webpki-invalid"' \
    "$out"
out=$(in_ns "${CTL[@]}" stats)
expect_match "stats counts enforce entries" "enforce: +[1-9]" "$out"
expect_match "stats shows the daemon's counters" "daemon: +requests=" \
    "$out"
n=$(world_fetch_count enforce.test)
out=$(in_ns "${CTL[@]}" refresh enforce.test); rc=$?
expect_match "refresh fetches now and reports" \
    "^0:OK enforce.test: policy id 1, mode enforce" "$rc:$out"
expect_eq "...one more fetch" $((n + 1)) "$(world_fetch_count enforce.test)"
in_ns "${CTL[@]}" purge testing.test >/dev/null
out=$(in_ns "${CTL[@]}" show testing.test 2>&1); rc=$?
expect_eq "purge forgets a domain (show exits 1)" 1 "$rc"

# Control requests only from root and the daemon's user (SO_PEERCRED).
chmod 666 "$T_WORK/run/control.sock"
out=$(in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$MTASTS_CTL" -f "$CONF" refresh enforce.test 2>&1); rc=$?
expect_match "a control request from another user is refused" \
    "^5:ERR permission denied" "$rc:$out"

# --- restart: the cache persists (STS-CACHE-14, DEC-17) -----------------
n=$(world_fetch_count enforce.test)
stop_daemon
start_daemon
expect_eq "after a restart the policy comes from the cache" \
    "secure match=mx1.enforce.test:.mx.enforce.test servername=hostname" \
    "$(pm enforce.test postfix)"
expect_eq "...without a new fetch" "$n" "$(world_fetch_count enforce.test)"

# --- mtasts-ctl against a stopped daemon --------------------------------
stop_daemon
out=$(in_ns "${CTL[@]}" list); rc=$?
expect_eq "list works with the daemon stopped (exit 0)" 0 "$rc"
expect_match "...and lists the cached domains" "^enforce.test +enforce" \
    "$out"
out=$(in_ns "${CTL[@]}" show enforce.test); rc=$?
expect_match "show works with the daemon stopped" "^0:domain: +enforce" \
    "$rc:$out"
out=$(in_ns "${CTL[@]}" stats); rc=$?
expect_match "stats works with the daemon stopped" \
    "^0:entries: +[1-9]" "$rc:$out"
expect_match "...and says the daemon is not running" \
    "daemon: +not running" "$out"
out=$(in_ns "${CTL[@]}" dump --json); rc=$?
expect_eq "dump --json works with the daemon stopped" 0 "$rc"
expect_match "...and has the records" '^\{"domain":"enforce.test"' "$out"
out=$(in_ns "${CTL[@]}" purge none.test); rc=$?
expect_eq "purge works with the daemon stopped" "0:purged none.test" \
    "$rc:$out"
out=$(in_ns "${CTL[@]}" refresh enforce.test 2>&1); rc=$?
expect_match "refresh says the daemon is not running (exit 3)" \
    "^3:.*is mtastsd running" "$rc:$out"
chmod 700 "$T_WORK/cache"
out=$(in_ns setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$MTASTS_CTL" -f "$CONF" list 2>&1); rc=$?
expect_match "a reader without access gets 'permission denied' (exit 5)" \
    "^5:.*ermission" "$rc:$out"
out=$(in_ns "${CTL[@]}" -d "$T_WORK/nocache" list 2>&1); rc=$?
expect_match "no cache yet is said plainly (exit 4)" "^4:.*no cache yet" \
    "$rc:$out"

finish
