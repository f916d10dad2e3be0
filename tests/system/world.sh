# world.sh: the test world for the system tests (bash, sourced after lib.sh
# and after setup).  Everything runs inside the test's network namespace
# $T_NS and lives under $T_WORK/world ($W):
#
#   DNS    NSD on 127.0.0.2:53, authoritative for a private signed root ".",
#          "test." and child zones (world/zones.txt, signed afresh on every
#          run); unbound on 127.0.0.1:53 validates against the private root
#          and is the namespace's resolver (/etc/netns/$T_NS/resolv.conf).
#   PKI    a private CA ($WORLD_CA) and server certificates, openssl CLI.
#   HTTPS  nginx on 127.0.0.1:443, [::1]:443 and 127.0.0.4:443 (TLS 1.0/1.1
#          only), openssl s_server on 127.0.0.3:443 (big.test, no
#          Content-Length).  Policies: $W/www/<domain>/.well-known/mta-sts.txt
#          (world/policies.txt); requests are logged to $W/access.log.
#
# Use:
#   . tests/system/lib.sh; . tests/system/world.sh
#   world_require; setup NAME
#   world_up [BULK_N] || { not_ok "world up"; finish; }
#
# world_up chains world_cleanup into the EXIT trap that setup installed
# (trap "world_cleanup; t_cleanup" EXIT).  A test that sets its own EXIT
# trap after world_up must call world_cleanup in it; world_cleanup may be
# called any number of times, and world_up may run again after it.
#
# Functions (DOMAIN is the policy domain, e.g. dyn1.test):
#   world_require               skip (lib.sh require) without the programs
#   world_up [BULK_N]           generate and start everything (BULK_N bulk
#                               domains, default 1000); non-zero + logs on
#                               failure.  Exports WORLD_CA, WORLD_TA.
#   world_cleanup               stop the servers, remove /etc/netns/$T_NS
#   world_txt_set NAME DATA...  NAME's TXT records are DATA (TTL 1, unbound
#                               local-data, cache flushed); NAME is the
#                               owner: _mta-sts.dyn1.test
#   world_txt_del NAME          NAME is NXDOMAIN
#   world_txt_reset NAME        NAME answers from NSD again
#   world_policy_set DOMAIN TEXT...  policy file = TEXT lines (LF each)
#   world_policy_raw DOMAIN BYTES    policy file = BYTES (printf %b)
#   world_policy_rm DOMAIN      no policy file (404)
#   world_host_break DOMAIN     mta-sts.DOMAIN answers 503 ...
#   world_host_fix DOMAIN       ... until this
#   world_fetch_count DOMAIN [STATUS]  requests logged for mta-sts.DOMAIN
#   world_fetch_wait DOMAIN N [SECONDS] wait until N requests are logged
#   world_bulk_domain I         d0001.bulk.test for I=1
#   world_zone ZONE MODE        before world_up: one more zone; MODE is
#                               signed | unsigned | expired | bogus[:T,...]
#   world_rr ZONE RR...         before world_up: more records (zone-file
#                               syntax relative to ZONE, or a %macro of
#                               world/zones.txt), e.g. TLSA for DANE
#   world_cert NAME CN [DNSNAME...]  one more certificate from the CA:
#                               $W/pki/NAME.crt, key $W/pki/leaf.key
#
# Dynamic TXT records belong on dyn1..dyn6.test: those zones are unsigned,
# so their local-data answers are INSECURE for a validating client.
# world_txt_set on a name in a signed zone works for dig, but a client that
# validates by itself (getdns with $WORLD_TA) sees it as BOGUS.
#
# Environment: WORLD_SLOW_RATE (bytes/s of slow.test, default 10).
#
# Scenarios: world/zones.txt (DNS), world/policies.txt (policy files),
# world/nginx.conf.in (how each host serves); test_world.sh checks each.

# shellcheck disable=SC2154 # top_srcdir: lib.sh
WORLD_SRC=${top_srcdir}/tests/system/world
WORLD_PROGS="nsd unbound unbound-control nginx openssl ldns-keygen
	ldns-signzone dig ss gzip"
W=
WORLD_CA=
WORLD_TA=
WORLD_PIDS=()
WORLD_LOGS=()
WORLD_XSRC=()
WORLD_RESOLV=
WORLD_BULK_N=0
WORLD_BULK_W=4
WORLD_SLOW_RATE=${WORLD_SLOW_RATE:-10}
# Policy hosts with their own certificate (not in main.crt).
WORLD_OWN_CERT="wrongname.test expired.test selfsigned.test nosan.test
	wildcert.test provider.test cnamebad.test"

# world_require: skip the test (lib.sh require) without the world's programs.
world_require() {
	# shellcheck disable=SC2086
	require $WORLD_PROGS
}

# world_zone ZONE MODE: one more zone (before world_up); its parent gets
# the delegation (and the DS unless MODE is unsigned).
world_zone() {
	WORLD_XSRC+=("zone ${1%.} $2")
}

# world_rr ZONE RR...: more records for ZONE (before world_up).
world_rr() {
	local z=${1%.}
	shift
	WORLD_XSRC+=("zone $z" "$@")
}

# world_cert NAME CN [DNSNAME...]: a server certificate $W/pki/NAME.crt
# signed by the test CA for key $W/pki/leaf.key (one key for all), valid
# 30 days; with no DNSNAME it has no subjectAltName at all.
world_cert() {
	local name=$1 cn=$2 cfg=$W/pki/$1.cnf san='' d
	shift 2
	for d; do
		san="$san${san:+,}DNS:$d"
	done
	_world_certcnf "$cn" "$san" >"$cfg"
	openssl req -new -x509 -config "$cfg" -key "$W/pki/leaf.key" \
	    -CA "$W/pki/ca.crt" -CAkey "$W/pki/ca.key" -days 30 \
	    -out "$W/pki/$name.crt" 2>"$W/pki/$name.err"
}

_world_certcnf() {
	printf '[req]\ndistinguished_name = dn\nx509_extensions = ext\n'
	printf 'prompt = no\n[dn]\nCN = %s\n[ext]\n' "$1"
	printf 'basicConstraints = critical,CA:FALSE\n'
	printf 'keyUsage = critical,digitalSignature\n'
	printf 'extendedKeyUsage = serverAuth\n'
	printf 'subjectKeyIdentifier = hash\n'
	[ -n "$2" ] && printf 'subjectAltName = %s\n' "$2"
	return 0
}

_world_log() {
	echo "# world: $*"
}

# _world_dump: the servers' logs, as TAP comments.
_world_dump() {
	local f
	for f in "${WORLD_LOGS[@]}" "$@"; do
		[ -s "$f" ] || continue
		echo "# ---- $f"
		tail -n 25 "$f" | sed 's/^/#   /'
	done
}

# _world_fail WHAT [LOG...]
_world_fail() {
	_world_log "FAILED: $1"
	shift
	_world_dump "$@"
	return 1
}

# ------------------------------------------------------------------ PKI

_world_pki() {
	local n=$1 p=$W/pki d hosts=() k i names
	(
		cd "$p" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca.key -out ca.crt -days 3650 \
		    -subj "/CN=mtastsd test world CA" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl genpkey -algorithm EC \
		    -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
	) 2>"$p/ca.err" || return 1
	chmod 644 "$p/leaf.key"
	cp "$p/ca.crt" "$WORLD_CA"

	# main.crt: every policy host of the zones (src/hosts) but those
	# with their own certificate.
	while read -r d; do
		case " $WORLD_OWN_CERT " in
		*[[:space:]]"${d#mta-sts.}"[[:space:]]*) continue ;;
		esac
		hosts+=("$d")
	done < <(sort -u "$W/zones/src/hosts")
	world_cert main "mta-sts.enforce.test" "${hosts[@]}" || return 1
	world_cert wrongname www.wrongname.test www.wrongname.test ||
	    return 1
	world_cert nosan mta-sts.nosan.test || return 1
	world_cert wildcert '*.wildcert.test' '*.wildcert.test' || return 1
	world_cert provider mta-sts.provider.test mta-sts.provider.test ||
	    return 1
	# self-signed, same extensions
	_world_certcnf mta-sts.selfsigned.test DNS:mta-sts.selfsigned.test \
	    >"$p/selfsigned.cnf"
	openssl req -new -x509 -config "$p/selfsigned.cnf" -key "$p/leaf.key" \
	    -days 30 -out "$p/selfsigned.crt" 2>"$p/selfsigned.err" ||
	    return 1
	# expired in 2020: openssl ca can set both dates.
	mkdir -p "$p/ca.db"
	: >"$p/ca.db/index.txt"
	echo 1000 >"$p/ca.db/serial"
	cat >"$p/ca.cnf" <<-EOF
	[ca]
	default_ca = world
	[world]
	dir = $p/ca.db
	database = $p/ca.db/index.txt
	new_certs_dir = $p/ca.db
	serial = $p/ca.db/serial
	default_md = sha256
	policy = pol
	unique_subject = no
	[pol]
	commonName = supplied
	[ext]
	basicConstraints = critical,CA:FALSE
	keyUsage = critical,digitalSignature
	extendedKeyUsage = serverAuth
	subjectAltName = DNS:mta-sts.expired.test
	EOF
	openssl req -new -key "$p/leaf.key" -subj /CN=mta-sts.expired.test \
	    -out "$p/expired.csr" 2>"$p/expired.err" &&
	openssl ca -batch -config "$p/ca.cnf" -cert "$p/ca.crt" \
	    -keyfile "$p/ca.key" -in "$p/expired.csr" -out "$p/expired.crt" \
	    -startdate 20200101000000Z -enddate 20200201000000Z \
	    -extensions ext -notext 2>>"$p/expired.err" || return 1

	# bulk: one certificate per 200 policy hosts.
	: >"$W/nginx/bulk.conf"
	for ((k = 0; k * 200 < n; k++)); do
		names=()
		for ((i = k * 200 + 1; i <= n && i <= (k + 1) * 200; i++)); do
			printf -v d 'mta-sts.d%0*d.bulk.test' "$WORLD_BULK_W" "$i"
			names+=("$d")
		done
		world_cert "bulk-$k" "${names[0]}" "${names[@]}" || return 1
		cat >>"$W/nginx/bulk.conf" <<-EOF
		server {
		    listen 127.0.0.1:443 ssl;
		    listen [::1]:443 ssl;
		    server_name ${names[*]};
		    ssl_certificate $p/bulk-$k.crt;
		    if (-f $W/www/_broken/\$dom) { return 503; }
		    location = /.well-known/mta-sts.txt {
		        try_files /\$dom/.well-known/mta-sts.txt /_bulk/mta-sts.txt =404;
		    }
		    location / { return 404; }
		}
		EOF
	done
	return 0
}

# ------------------------------------------------------------------ DNS

# Zone sources: zones.txt, then dyn1..dyn6.test (unsigned; TXT from
# unbound local-data), bulk.test, then world_zone / world_rr additions.
_world_zonesrc() {
	local i
	cat "$WORLD_SRC/zones.txt"
	for i in 1 2 3 4 5 6; do
		# shellcheck disable=SC2016 # $TTL is zone-file syntax
		printf 'zone dyn%s.test unsigned\n$TTL 1\n%%mx @\n%%host @\n' "$i"
	done
	echo "zone bulk.test signed"
	echo "mx A 127.0.0.1"
	awk -v n="$WORLD_BULK_N" -v w="$WORLD_BULK_W" 'BEGIN {
		f = "d%0" w "d"
		for (i = 1; i <= n; i++) {
			d = sprintf(f, i)
			printf "%s MX 10 mx\n", d
			printf "_mta-sts.%s TXT \"v=STSv1; id=1\"\n", d
			printf "mta-sts.%s A 127.0.0.1\n", d
			printf "mta-sts.%s AAAA ::1\n", d
		}
	}'
	[ "${#WORLD_XSRC[@]}" -gt 0 ] && printf '%s\n' "${WORLD_XSRC[@]}"
	return 0
}

# _world_split: zone sources -> src/<file>.body, src/list ("name mode"),
# src/hosts (policy hosts: %host, and mta-sts.* A/AAAA/CNAME owners),
# expanding the % macros.
_world_split() {
	_world_zonesrc | awk -v dir="$W/zones/src" '
	function n(p, d) { return d == "@" ? p : p "." d }
	function fq(p, d) {
		if (d != "@") p = p "." d
		return zone == "." ? p : p "." zone
	}
	function mx(d) {
		print d "\tMX\t10 " n("mx1", d) > file
		print n("mx1", d) "\tA\t127.0.0.1" > file
	}
	function host(d, a1,    i) {
		print fq("mta-sts", d) > (dir "/hosts")
		if (NF < 3 || a1 == "") {
			print n("mta-sts", d) "\tA\t127.0.0.1" > file
			print n("mta-sts", d) "\tAAAA\t::1" > file
			return
		}
		for (i = 3; i <= NF; i++)
			print n("mta-sts", d) "\t" ($i ~ /:/ ? "AAAA" : "A") \
			    "\t" $i > file
	}
	function txt(d, id) {
		if (id == "") id = 1
		print n("_mta-sts", d) "\tTXT\t\"v=STSv1; id=" id "\"" > file
	}
	/^#/ { next }
	$1 == "zone" {
		zone = $2
		file = dir "/" (zone == "." ? "root" : zone) ".body"
		if (!(zone in seen)) {
			if ($3 == "") {
				print "zones: no mode for new zone " zone \
				    > "/dev/stderr"
				bad = 1
			}
			seen[zone] = 1
			print zone, $3 > (dir "/list")
			printf "" > file
		}
		next
	}
	file == "" { next }
	$1 == "%mx" { mx($2); next }
	$1 == "%host" { host($2, $3); next }
	$1 == "%txt" { txt($2, $3); next }
	$1 == "%std" { id = $3; mx($2); NF = 2; host($2); txt($2, id); next }
	# (bulk.test has certificates of its own)
	$1 ~ /^mta-sts\./ && $0 ~ /[ \t](A|AAAA|CNAME)[ \t]/ &&
	    zone != "bulk.test" {
		print ($1 ~ /\.$/ ? substr($1, 1, length($1) - 1) : \
		    $1 "." zone) > (dir "/hosts")
	}
	{ print > file }
	END { close(dir "/hosts"); exit bad }'
}

_world_parent() {
	local p=$1
	while :; do
		case $p in
		*.*) p=${p#*.} ;;
		*) echo .; return ;;
		esac
		[ -n "${_wz_mode[$p]}" ] && { echo "$p"; return; }
	done
}

# _world_sign ZONE: ZONE's zone file (children's NS/DS included), signed
# per its mode into <file>.signed; the KSK's DS into <file>.ds.
_world_sign() {
	local z=$1 mode=${_wz_mode[$1]} f ksk zsk c inc exp types
	f=${z/#./root}
	# shellcheck disable=SC2016 # $ORIGIN, $TTL: zone-file syntax
	{
		if [ "$z" = . ]; then echo '$ORIGIN .'; else echo "\$ORIGIN $z."; fi
		echo '$TTL 60'
		echo "@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 1"
		echo "@ IN NS ns.test."
		cat "src/$f.body"
		echo '$TTL 60'
		for c in ${_wz_kids[$z]}; do
			echo "$c. IN NS ns.test."
			[ "${_wz_mode[$c]}" != unsigned ] && cat "$c.ds"
		done
		[ "$z" = . ] && echo "ns.test. IN A 127.0.0.2"
	} >"$f.zone"
	if [ "$mode" = unsigned ]; then
		cp "$f.zone" "$f.signed"
		return 0
	fi
	ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "${z%.}.") &&
	zsk=$(ldns-keygen -a ECDSAP256SHA256 "${z%.}.") || return 1
	inc=$(date -u -d '-1 hour' +%Y%m%d%H%M%S)
	exp=$(date -u -d '+30 days' +%Y%m%d%H%M%S)
	if [ "$mode" = expired ]; then
		inc=$(date -u -d '-3 days' +%Y%m%d%H%M%S)
		exp=$(date -u -d '-1 day' +%Y%m%d%H%M%S)
	fi
	ldns-signzone -i "$inc" -e "$exp" -o "${z%.}." -f "$f.signed" "$f.zone" \
	    "$ksk" "$zsk" || return 1
	cp "$ksk.ds" "$f.ds"
	[ "$z" = . ] && cp "$ksk.key" root.dnskey
	case $mode in
	bogus | bogus:*)
		types=${mode#bogus}
		types=${types#:}
		# flip one base64 character of each RRSIG over those types
		awk -v t=",${types}," '
		$4 == "RRSIG" && $5 != "DNSKEY" &&
		    (t == ",," || index(t, "," $5 ",")) {
			s = $NF; i = length(s) - 5
			$NF = substr(s, 1, i - 1) \
			    (substr(s, i, 1) == "A" ? "B" : "A") substr(s, i + 1)
		}
		{ print }' "$f.signed" >"$f.bogus" && mv "$f.bogus" "$f.signed"
		;;
	esac
	return 0
}

_world_zones() {
	local z m p d
	declare -gA _wz_mode=() _wz_kids=()
	while read -r z m; do
		_wz_mode[$z]=$m
	done <"$W/zones/src/list"
	for z in "${!_wz_mode[@]}"; do
		[ "$z" = . ] && continue
		p=$(_world_parent "$z")
		_wz_kids[$p]="${_wz_kids[$p]} $z"
	done
	# children first (their DS goes into the parent); same depth in parallel
	(
		cd "$W/zones" || exit 1
		for d in 9 8 7 6 5 4 3 2 1 0; do
			pids=()
			for z in "${!_wz_mode[@]}"; do
				if [ "$z" = . ]; then
					[ "$d" = 0 ] || continue
				else
					dots=${z//[!.]/}
					[ "$((${#dots} + 1))" = "$d" ] || continue
				fi
				_world_sign "$z" >"sign-${z/#./root}.log" 2>&1 &
				pids+=($!)
			done
			for p in "${pids[@]}"; do
				wait "$p" || exit 1
			done
		done
	) || return 1
	cp "$W/zones/root.ds" "$WORLD_TA"
	cp "$W/zones/root.dnskey" "$W/trust-anchor.dnskey"
	{
		sed "s|@W@|$W|g" "$WORLD_SRC/nsd.conf.in"
		for z in "${!_wz_mode[@]}"; do
			printf 'zone:\n    name: "%s"\n    zonefile: "%s.signed"\n' \
			    "$z" "${z/#./root}"
		done
	} >"$W/nsd/nsd.conf"
	# unbound: the dyn TXT records
	{
		for d in 1 2 3 4 5 6; do
			echo "local-zone: \"_mta-sts.dyn$d.test.\" transparent"
			echo "local-data: '_mta-sts.dyn$d.test. 1 IN TXT \"v=STSv1; id=1\"'"
		done
	} >"$W/unbound/local.conf"
	sed "s|@W@|$W|g" "$WORLD_SRC/unbound.conf.in" >"$W/unbound/unbound.conf"
}

# ------------------------------------------------------------------ HTTPS

_world_www() {
	local www=$W/www d i
	# policies.txt -> www/<domain>/.well-known/mta-sts.txt
	sed -n 's/^\[\(.*\)\]$/\1/p' "$WORLD_SRC/policies.txt" |
	    while read -r d; do
		mkdir -p "$www/$d/.well-known"
	    done
	awk -v www="$www" '
	function flush(   i) {
		if (file == "") return
		while (nl > 0 && line[nl] == "") nl--
		printf "" > file
		for (i = 1; i <= nl; i++) print line[i] > file
		close(file)
	}
	/^##/ { next }
	/^\[.*\]$/ {
		flush()
		file = www "/" substr($0, 2, length($0) - 2) \
		    "/.well-known/mta-sts.txt"
		nl = 0
		next
	}
	file != "" { line[++nl] = $0 }
	END { flush() }' "$WORLD_SRC/policies.txt" || return 1
	for i in 1 2 3 4 5 6; do
		mkdir -p "$www/dyn$i.test/.well-known"
		printf 'version: STSv1\nmode: enforce\nmx: mx1.dyn%s.test\nmax_age: 86400\n' \
		    "$i" >"$www/dyn$i.test/.well-known/mta-sts.txt"
	done
	mkdir -p "$www/_bulk" "$www/_broken" "$www/e404.test/.well-known" \
	    "$www/big.test/.well-known"
	printf 'version: STSv1\nmode: enforce\nmx: mx.bulk.test\nmax_age: 86400\n' \
	    >"$www/_bulk/mta-sts.txt"
	# slow.test: padded so that it trickles for about half a minute
	for i in 1 2 3 4 5 6; do
		printf 'pad%s: %s\n' "$i" \
		    "trickle-trickle-trickle-trickle-trickle-trickle-trickle"
	done >>"$www/slow.test/.well-known/mta-sts.txt"
	# big.test: a valid policy, then extension lines up to 200000 bytes
	awk 'BEGIN {
		s = "version: STSv1\nmode: enforce\nmx: mx1.big.test\nmax_age: 86400\n"
		pad = sprintf("%070d", 0); gsub(/0/, "x", pad)
		for (i = 1; length(s) < 200000; i++)
			s = s sprintf("ext%06d: %s\n", i, pad)
		printf "%s", substr(s, 1, 200000 - 1) "\n"
	}' >"$www/big.test/.well-known/mta-sts.txt"
	gzip -9nkf "$www/gzip.test/.well-known/mta-sts.txt"
	chmod -R a+rX "$www"
}

# ------------------------------------------------------------------ run

# shellcheck disable=SC2120,SC2064 # $3 is the old trap's command
_world_trap() {
	local old
	old=$(trap -p EXIT)
	case $old in *world_cleanup*) return 0 ;; esac
	eval "set -- $old"
	trap "world_cleanup; ${3:-}" EXIT
}

# _world_bg LOG CMD...: start a server in the namespace (lib.sh bg).
_world_bg() {
	local log=$1
	shift
	# shellcheck disable=SC2217 # the server must not read the test's stdin
	bg "$@" 2>"$log" </dev/null
	WORLD_PIDS+=("$T_LASTPID")
	WORLD_LOGS+=("$log")
}

# _world_listening PID ADDR:PORT...: wait (10 s) for TCP listeners; fail
# at once if the server died.
_world_listening() {
	local pid=$1 a i out ok
	shift
	for i in $(seq 200); do
		_world_gone "$pid" && return 1
		out=$(in_ns ss -Hlnt 2>/dev/null)
		ok=1
		for a; do
			case $out in *" $a "*) ;; *) ok=0 ;; esac
		done
		[ "$ok" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}

# world_up [BULK_N]: build the world (BULK_N bulk domains, default 1000)
# and start its servers; returns non-zero, with the logs as TAP comments,
# when something does not come up.
world_up() {
	local t0 ms i nsd ub ngx big pki
	t0=$(date +%s%N)
	world_cleanup
	WORLD_BULK_N=${1:-1000}
	W=$T_WORK/world
	WORLD_CA=$W/ca.crt
	WORLD_TA=$W/trust-anchor.ds
	WORLD_LOGS=()
	export WORLD_CA WORLD_TA
	# shellcheck disable=SC2119
	_world_trap
	rm -rf "$W"
	mkdir -p "$W/pki" "$W/zones" "$W/nsd" "$W/unbound" "$W/www" \
	    "$W/nginx/tmp"
	chmod 755 "$W"
	mkdir -p "$W/zones/src"
	_world_split 2>"$W/zones/split.err" ||
	    _world_fail "zones.txt" "$W/zones/split.err" || return 1
	# certificates (they need src/hosts) while the zones are signed
	_world_pki "$WORLD_BULK_N" &
	pki=$!
	_world_zones || _world_fail "zones" "$W"/zones/sign-*.log
	i=$?
	wait "$pki" || _world_fail "certificates" "$W"/pki/*.err || return 1
	[ "$i" = 0 ] || return 1
	_world_www || _world_fail "policies" || return 1
	sed -e "s|@W@|$W|g" -e "s|@SLOW_RATE@|$WORLD_SLOW_RATE|g" \
	    "$WORLD_SRC/nginx.conf.in" >"$W/nginx/nginx.conf"
	: >"$W/access.log"

	# [::1] must exist (a host may create namespaces with IPv6 off).
	in_ns ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/' ||
	    in_ns sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0 ||
	    _world_fail "no IPv6 on lo in the namespace" || return 1

	# Everything in the namespace resolves through unbound.
	mkdir -p "/etc/netns/$T_NS" &&
	echo "nameserver 127.0.0.1" >"/etc/netns/$T_NS/resolv.conf" ||
	    return 1
	WORLD_RESOLV=/etc/netns/$T_NS

	_world_bg "$W/nsd/stderr.log" nsd -d -c "$W/nsd/nsd.conf"
	nsd=$T_LASTPID
	WORLD_LOGS+=("$W/nsd/nsd.log")
	_world_bg "$W/unbound/unbound.log" unbound -d -c "$W/unbound/unbound.conf"
	ub=$T_LASTPID
	_world_bg "$W/nginx/stderr.log" nginx -c "$W/nginx/nginx.conf" \
	    -p "$W/nginx/"
	ngx=$T_LASTPID
	WORLD_LOGS+=("$W/nginx/error.log")
	_world_bg "$W/big.log" env -C "$W/www/big.test" openssl s_server \
	    -quiet -WWW -accept 127.0.0.3:443 -cert "$W/pki/main.crt" \
	    -key "$W/pki/leaf.key"
	big=$T_LASTPID

	_world_listening "$nsd" 127.0.0.2:53 || _world_fail "nsd" || return 1
	_world_listening "$ub" 127.0.0.1:53 ||
	    _world_fail "unbound" || return 1
	_world_listening "$ngx" 127.0.0.1:443 '[::1]:443' 127.0.0.4:443 ||
	    _world_fail "nginx" || return 1
	_world_listening "$big" 127.0.0.3:443 ||
	    _world_fail "openssl s_server" || return 1
	# The chain of trust works end to end (the first query primes unbound).
	for i in $(seq 50); do
		in_ns dig +dnssec +time=1 +tries=1 @127.0.0.1 \
		    _mta-sts.enforce.test TXT 2>&1 |
		    grep -q 'flags:.* ad[ ;]' && break
		[ "$i" = 50 ] && { _world_fail "DNSSEC validation"; return 1; }
		sleep 0.1
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	_world_log "up in $ms ms ($WORLD_BULK_N bulk domains)"
	return 0
}

# _world_gone PID: true once PID has exited (or is a zombie).
_world_gone() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 0
	st=${st##*) }
	st=${st%% *}
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# _world_tree PID...: the PIDs and all their descendants (NSD forks).
_world_tree() {
	ps -eo pid=,ppid= | awk -v roots=" $* " '
	{ kid[$2] = kid[$2] " " $1 }
	END {
		n = split(roots, q, " ")
		for (i = 1; i <= n; i++) {
			p = q[i]; print p
			m = split(kid[p], k, " ")
			for (j = 1; j <= m; j++) q[++n] = k[j]
		}
	}'
}

# world_cleanup: stop the world's servers and their children (TERM, KILL
# after 5 s; NSD may take over a second) and remove /etc/netns/$T_NS.
# Idempotent.
world_cleanup() {
	local p i alive keep=() all
	if [ "${#WORLD_PIDS[@]}" -gt 0 ]; then
		all=$(_world_tree "${WORLD_PIDS[@]}")
		for p in "${WORLD_PIDS[@]}"; do
			kill -TERM "$p" 2>/dev/null
		done
		for i in $(seq 100); do
			alive=0
			for p in $all; do
				_world_gone "$p" || alive=1
			done
			[ "$alive" = 0 ] && break
			sleep 0.05
		done
		for p in $all; do
			_world_gone "$p" || kill -KILL "$p" 2>/dev/null
		done
		for p in "${WORLD_PIDS[@]}"; do
			wait "$p" 2>/dev/null
		done
		# lib.sh's t_cleanup need not signal them again
		for p in "${T_PIDS[@]}"; do
			case " ${WORLD_PIDS[*]} " in
			*" $p "*) ;;
			*) keep+=("$p") ;;
			esac
		done
		T_PIDS=("${keep[@]}")
		WORLD_PIDS=()
	fi
	if [ -n "$WORLD_RESOLV" ]; then
		rm -f "$WORLD_RESOLV/resolv.conf"
		rmdir "$WORLD_RESOLV" 2>/dev/null
		WORLD_RESOLV=
	fi
	return 0
}

# ------------------------------------------------------------------ changes

# world_bulk_domain I: the I-th bulk domain (printf 'd%04d.bulk.test').
world_bulk_domain() {
	printf 'd%04d.bulk.test\n' "$1"
}

_world_uc() {
	unbound-control -c "$W/unbound/unbound.conf" "$@" >/dev/null
}

# world_txt_set NAME DATA...: NAME (the owner, e.g. _mta-sts.dyn1.test)
# answers exactly these TXT records, TTL 1, from unbound local-data; one
# record per DATA.  DATA is one string ("v=STSv1; id=2"), or zone-file
# text when it starts with a quote ('"v=STSv1; " "id=3"').
world_txt_set() {
	local name=${1%.}. d
	shift
	[ $# -gt 0 ] || return 1
	_world_uc local_zone "$name" transparent &&
	_world_uc local_data_remove "$name" || return 1
	for d; do
		case $d in \"*) ;; *) d="\"$d\"" ;; esac
		printf '%s 1 IN TXT %s\n' "$name" "$d"
	done | _world_uc local_datas || return 1
	_world_uc flush_zone "$name"
}

# world_txt_del NAME: NAME (and all below it) answers NXDOMAIN.
world_txt_del() {
	local name=${1%.}.
	_world_uc local_data_remove "$name" &&
	_world_uc local_zone "$name" static &&
	_world_uc flush_zone "$name"
}

# world_txt_reset NAME: drop the override; NAME answers NSD's data again.
world_txt_reset() {
	local name=${1%.}.
	_world_uc local_data_remove "$name"
	_world_uc local_zone_remove "$name"
	_world_uc flush_zone "$name"
}

_world_policy_file() {
	echo "$W/www/${1%.}/.well-known/mta-sts.txt"
}

# world_policy_set DOMAIN TEXT...: the policy file of DOMAIN becomes the
# TEXT arguments, each followed by LF (one argument may hold many lines).
world_policy_set() {
	local f
	f=$(_world_policy_file "$1")
	shift
	mkdir -p "${f%/*}" && chmod a+rx "${f%/*}" "${f%/*/*}" &&
	printf '%s\n' "$@" >"$f.new" && _world_policy_done "$f"
}

# world_policy_raw DOMAIN BYTES: the policy file is exactly BYTES (printf
# %b escapes: "\r\n", no final newline, ...).
world_policy_raw() {
	local f
	f=$(_world_policy_file "$1")
	mkdir -p "${f%/*}" && chmod a+rx "${f%/*}" "${f%/*/*}" &&
	printf '%b' "$2" >"$f.new" && _world_policy_done "$f"
}

_world_policy_done() {
	chmod 644 "$1.new" && mv -f "$1.new" "$1" || return 1
	[ -e "$1.gz" ] && { gzip -9nkf "$1" && chmod 644 "$1.gz"; }
	return 0
}

# world_policy_rm DOMAIN: no policy file (404).
world_policy_rm() {
	local f
	f=$(_world_policy_file "$1")
	rm -f "$f" "$f.gz"
}

# world_host_break DOMAIN / world_host_fix DOMAIN: mta-sts.DOMAIN answers
# 503 for everything / serves again (nginx hosts only).
world_host_break() {
	: >"$W/www/_broken/${1%.}"
}

world_host_fix() {
	rm -f "$W/www/_broken/${1%.}"
}

# world_fetch_count DOMAIN [STATUS]: HTTP requests nginx logged for
# mta-sts.DOMAIN (with that status).  Requests that never got past TLS,
# and big.test (s_server), are not counted.  Right after a fetch, use
# world_fetch_wait first.
world_fetch_count() {
	awk -v h="mta-sts.${1%.}" -v s="${2:-}" \
	    '$1 == h && (s == "" || $2 == s) { n++ } END { print n + 0 }' \
	    "$W/access.log"
}

# world_fetch_wait DOMAIN N [SECONDS]: wait (default 10 s) until at least
# N requests for mta-sts.DOMAIN are logged; nginx logs a request after
# its last byte is sent, so a client may be a moment ahead of the log.
world_fetch_wait() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		[ "$(world_fetch_count "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
