# postfix.sh: real Postfix instances for the system tests (bash, sourced
# after lib.sh and world.sh, after setup).  Each instance runs inside the
# test's network namespace $T_NS, with everything of its own under
# $T_WORK/postfix/NAME ($d below):
#
#   $d/conf/main.cf, master.cf   config_directory (postfix -c $d/conf);
#                                main.cf is generated from base.cf (this
#                                file's defaults) and extra.cf (the
#                                caller's lines, which win)
#   $d/queue                     queue_directory (pid/master.pid in it)
#   $d/data, $d/mail             data_directory, mail_spool_directory
#   $d/maillog                   the instance's log: maillog_file, written
#                                by postlogd (no syslog needed)
#   $d/start.log                 output of postfix start/abort/reload
#
# Start instances after world_up: "ip netns exec" gives a process the
# namespace's resolv.conf only if /etc/netns/$T_NS/resolv.conf exists
# when it starts, and the master and its children keep what they got.
#
# Nothing under /etc/postfix or /var/spool/postfix is touched: master runs
# from "postfix -c $d/conf start" (as root; Postfix runs its daemons as
# mail_owner postfix), no service is chrooted, and smtp(8) resolves through
# the namespace's /etc/resolv.conf (world.sh: the validating unbound on
# 127.0.0.1).  Each instance's address gets a /32 on lo in the namespace:
# Postfix binds only to addresses an interface has.
#
# Use:
#   . tests/system/lib.sh; . tests/system/world.sh
#   . tests/system/postfix.sh
#   pf_require; world_require; setup NAME; world_up ...
#   pf_receiver mx1.a.test 127.0.1.1 CERT KEY
#   pf_sender s1 "smtp_dns_support_level = dnssec" \
#       "smtp_tls_security_level = dane" "smtp_tls_CAfile = $WORLD_CA"
#   pf_send s1 me@s1.sender.test you@a.test
#   line=$(pf_wait_status s1 you@a.test sent)
#
# Cleanup: starting an instance chains pf_cleanup into the EXIT trap, in
# front of what is there: after setup and world_up that is
# trap "pf_cleanup; world_cleanup; t_cleanup" EXIT (Postfix must stop
# before the namespace goes).  A test that sets its own EXIT trap later
# must call pf_cleanup first in it.  pf_cleanup is idempotent.
#
# Functions (NAME is the instance: a plain name or a host name):
#   pf_require                  skip (lib.sh require) without Postfix
#   pf_receiver NAME IP CERT KEY [MAINCF...]
#                               receiving MX: smtpd on IP:25 offering
#                               STARTTLS with CERT/KEY, accepts mail from
#                               127/8 for any domain and discards it
#   pf_sender NAME [MAINCF...]  sending instance: smtp(8) by MX lookup
#                               (smtp_host_lookup = dns), no smtpd, source
#                               address 127.0.2.N of its own
#   pf_receiver_conf / pf_sender_conf (same arguments)  write, do not start
#   pf_start NAME...            start written or stopped instances, in
#                               parallel (receivers: until they listen)
#   pf_stop NAME                stop an instance (config, queue, log stay)
#   pf_cleanup                  stop every instance
#   pf_conf NAME MAINCF...      change main.cf of an instance, reload it
#   pf_send NAME FROM TO [SUBJECT]  inject one message (sendmail -C)
#   pf_flush NAME               retry the deferred queue now (postqueue -f)
#   pf_wait_status NAME TO STATUS [SECONDS]
#                               wait (default 20 s) for status=STATUS
#                               (sent|deferred|bounced) of the last message
#                               pf_send sent to TO; prints that log line
#                               (on a timeout the latest line for TO, if
#                               any, and returns 1)
#   pf_status NAME TO           the latest status line for TO, no waiting
#   pf_mark NAME TO             older status lines for TO no longer count
#                               (pf_send marks; mark again before pf_flush
#                               to wait for the next attempt)
#   pf_log NAME, pf_receiver_log NAME   the instance's log
#   pf_log_new NAME TO          the log since the mark for TO
#   pf_dir NAME                 the instance's directory
#
# MAINCF are main.cf lines ("name = value"); a later line for a name
# replaces the earlier one.  Log formats (smtp_tls_loglevel = 1 and
# smtpd_tls_loglevel = 1):
#   sender    "QID: to=<TO>, relay=HOST[IP]:25, ..., status=sent (...)",
#             "Verified TLS connection established to HOST[IP]:25: ..."
#             (DANE match, or PKIX chain and name; "Trusted": chain only;
#             "Untrusted" otherwise).  A DANE failure: "server certificate
#             verification failed for HOST[IP]:25: num=65:no matching DANE
#             TLSA records", then "status=deferred (Server certificate not
#             verified)"; a TLSA lookup error: "status=deferred (TLSA
#             lookup error for HOST:25)"
#   receiver  "Anonymous TLS connection established from unknown[IP]: ...",
#             "QID: to=<TO>, relay=none, ..., status=sent (NAME)"
# Every sender is set up so that each delivery attempt in a test is one it
# asked for: a failure does not throttle the destination (failed cohort
# limit 1000) and deferred mail waits for pf_flush (backoff 1 hour).
# smtp(8) runs as user postfix: a socketmap socket it is to use
# (smtp_tls_policy_maps = socketmap:unix:PATH:postfix) must be reachable
# and connectable by that user.

PF_NAMES=()		# running instances
PF_NEXT_SRC=1		# next sender address 127.0.2.N
declare -A PF_MSGID=()	# NAME:TO -> Message-ID of the last pf_send
declare -A PF_MARK=()	# NAME:TO -> log size at the mark
PF_SEQ=0

# pf_require: skip the test (lib.sh require) without Postfix.
pf_require() {
	require postfix postconf postqueue sendmail ss
}

pf_dir() {
	echo "$T_WORK/postfix/$1"
}

pf_log() {
	cat "$(pf_dir "$1")/maillog" 2>/dev/null
}

pf_receiver_log() {
	pf_log "$1"
}

# shellcheck disable=SC2120,SC2064 # $3 is the old trap's command
_pf_trap() {
	local old
	old=$(trap -p EXIT)
	case $old in *pf_cleanup*) return 0 ;; esac
	eval "set -- $old"
	trap "pf_cleanup; ${3:-}" EXIT
}

# _pf_base NAME IP HOSTNAME: the main.cf lines common to every instance.
_pf_base() {
	local d
	d=$(pf_dir "$1")
	cat <<-EOF
	compatibility_level = 3.6
	queue_directory = $d/queue
	data_directory = $d/data
	mail_spool_directory = $d/mail
	mail_owner = postfix
	setgid_group = postdrop
	maillog_file = $d/maillog
	maillog_file_prefixes = $d
	syslog_name = postfix-$1
	myhostname = $3
	mydomain = ${3#*.}
	myorigin = \$myhostname
	mydestination =
	relayhost =
	inet_interfaces = $2
	inet_protocols = ipv4
	mynetworks = 127.0.0.0/8
	alias_maps =
	alias_database =
	local_recipient_maps =
	biff = no
	smtputf8_enable = no
	disable_dns_lookups = no
	smtp_host_lookup = dns
	smtp_bind_address = $2
	smtp_connect_timeout = 5s
	smtp_tls_loglevel = 1
	smtpd_tls_loglevel = 1
	smtpd_peername_lookup = no
	delay_warning_time = 0
	queue_run_delay = 1h
	minimal_backoff_time = 1h
	maximal_backoff_time = 2h
	default_destination_concurrency_failed_cohort_limit = 1000
	default_destination_rate_delay = 0
	EOF
}

# _pf_master ROLE: master.cf; nothing chrooted, smtpd only for receivers.
_pf_master() {
	[ "$1" = receiver ] &&
	    echo "smtp      inet  n       -       n       -       -       smtpd"
	cat <<-'EOF'
	pickup    unix  n       -       n       60      1       pickup
	cleanup   unix  n       -       n       -       0       cleanup
	qmgr      unix  n       -       n       300     1       qmgr
	tlsmgr    unix  -       -       n       1000?   1       tlsmgr
	rewrite   unix  -       -       n       -       -       trivial-rewrite
	bounce    unix  -       -       n       -       0       bounce
	defer     unix  -       -       n       -       0       bounce
	trace     unix  -       -       n       -       0       bounce
	verify    unix  -       -       n       -       1       verify
	flush     unix  n       -       n       1000?   0       flush
	proxymap  unix  -       -       n       -       -       proxymap
	proxywrite unix -       -       n       -       1       proxymap
	smtp      unix  -       -       n       -       -       smtp
	relay     unix  -       -       n       -       -       smtp
	showq     unix  n       -       n       -       -       showq
	error     unix  -       -       n       -       -       error
	retry     unix  -       -       n       -       -       error
	discard   unix  -       -       n       -       -       discard
	anvil     unix  -       -       n       -       1       anvil
	scache    unix  -       -       n       -       1       scache
	postlog   unix-dgram n  -       n       -       1       postlogd
	EOF
}

# _pf_make NAME IP HOSTNAME ROLE [MAINCF...]: write a fresh instance (one
# that runs under NAME is stopped first, its directory removed).
_pf_make() {
	local name=$1 ip=$2 host=$3 role=$4 d
	shift 4
	case $name in
	'' | */* | .*)
		echo "# postfix.sh: bad instance name '$name'"
		return 1
		;;
	esac
	d=$(pf_dir "$name")
	[ -e "$d/queue/pid/master.pid" ] && pf_stop "$name"
	rm -rf "$d"
	mkdir -p "$d/conf" "$d/queue" "$d/data" "$d/mail" &&
	    chown postfix:postfix "$d/data" && chmod 700 "$d/data" ||
	    return 1
	chmod 755 "$T_WORK/postfix" "$d" "$d/conf" "$d/queue"
	echo "$role" >"$d/role"
	echo "$ip" >"$d/ip"
	_pf_base "$name" "$ip" "$host" >"$d/conf/base.cf"
	printf '%s\n' "$@" >"$d/conf/extra.cf"
	_pf_master "$role" >"$d/conf/master.cf"
	_pf_writecf "$d/conf" || return 1
	: >"$d/maillog"
	chown postfix "$d/maillog"
	in_ns ip addr replace "$ip/32" dev lo
}

# _pf_writecf DIR: DIR/main.cf = the "name = value" lines of DIR/base.cf
# and DIR/extra.cf, a later line for a name replacing the earlier one in
# place (no "overriding earlier entry" warnings).  main.cf and master.cf
# then get an mtime in the past: every Postfix program that reads a
# config file modified in the current second waits for it to settle, in
# 0.3 s steps (over a second per start).
_pf_writecf() {
	local dir=$1 l k='' v names=()
	local -A val=()
	while IFS= read -r l; do
		case $l in
		'' | '#'*) continue ;;
		[[:space:]]*)	# continuation line
			[ -n "$k" ] &&
			    val[$k]="${val[$k]} ${l#"${l%%[![:space:]]*}"}"
			continue
			;;
		*=*) ;;
		*)
			echo "# postfix.sh: not a main.cf line: $l"
			return 1
			;;
		esac
		k=${l%%=*}
		k=${k%"${k##*[![:space:]]}"}
		v=${l#*=}
		v=${v#"${v%%[![:space:]]*}"}
		[ -n "${val[$k]+set}" ] || names+=("$k")
		val[$k]=$v
	done < <(cat "$dir/base.cf" "$dir/extra.cf")
	{
		echo "# generated by tests/system/postfix.sh"
		for k in "${names[@]}"; do
			printf '%s = %s\n' "$k" "${val[$k]}"
		done
	} >"$dir/main.cf.new" && mv -f "$dir/main.cf.new" "$dir/main.cf" &&
	    touch -d '-5 seconds' "$dir/main.cf" "$dir/master.cf"
}

# _pf_start1 NAME: postfix start; for a receiver, wait until port 25
# listens.  Prints what went wrong.
_pf_start1() {
	local d ip i
	d=$(pf_dir "$1")
	[ -e "/etc/netns/$T_NS/resolv.conf" ] ||
	    echo "# postfix.sh: $1 starts before world_up: it resolves" \
		"through the host's resolv.conf"
	if ! in_ns postfix -c "$d/conf" start >"$d/start.log" 2>&1; then
		# postfix(1) writes to stderr only when it is a terminal
		command -v script >/dev/null &&
		    in_ns script -qec "postfix -c '$d/conf' check" /dev/null \
		    >>"$d/start.log" 2>&1
		echo "# postfix.sh: $1 did not start"
		sed 's/^/#   /' "$d/start.log" "$d/maillog" | tail -n 20
		return 1
	fi
	[ "$(cat "$d/role")" = receiver ] || return 0
	ip=$(cat "$d/ip")
	for i in $(seq 200); do
		in_ns ss -Hlnt 2>/dev/null | grep -q " $ip:25 " && return 0
		sleep 0.05
	done
	echo "# postfix.sh: $1 does not listen on $ip:25"
	sed 's/^/#   /' "$d/maillog" | tail -n 20
	return 1
}

# pf_start NAME...: start instances written by pf_receiver_conf or
# pf_sender_conf, or stopped by pf_stop, all at once.  Non-zero if one
# did not come up.
pf_start() {
	local n pids=() rc=0 i=0
	_pf_trap
	for n; do
		_pf_start1 "$n" &
		pids+=($!)
	done
	for n; do
		# a failed start may still have left a master behind
		case " ${PF_NAMES[*]} " in
		*" $n "*) ;;
		*) PF_NAMES+=("$n") ;;
		esac
		wait "${pids[$i]}" || rc=1
		i=$((i + 1))
	done
	return $rc
}

# pf_receiver_conf NAME IP CERT KEY [MAINCF...]: pf_receiver, not started.
pf_receiver_conf() {
	local name=$1 ip=$2 cert=$3 key=$4 host
	shift 4
	host=$name
	case $host in *.*) ;; *) host=$name.receiver.test ;; esac
	_pf_make "$name" "$ip" "$host" receiver \
	    "smtpd_tls_security_level = may" \
	    "smtpd_tls_cert_file = $cert" \
	    "smtpd_tls_key_file = $key" \
	    "smtpd_tls_received_header = yes" \
	    "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" \
	    "smtpd_recipient_restrictions =" \
	    "relay_domains =" \
	    "default_transport = discard:$name" \
	    "local_transport = discard:$name" \
	    "$@"
}

# pf_receiver NAME IP CERT KEY [MAINCF...]: a receiving MX on IP:25
# (myhostname NAME if it has a dot), STARTTLS with CERT and KEY offered,
# mail from 127/8 for any domain accepted and discarded.  Logs each TLS
# session ("Anonymous TLS connection established from ...") and each
# delivery ("to=<...>, relay=none, ... status=sent (NAME)").  Returns once
# port 25 listens.
pf_receiver() {
	pf_receiver_conf "$@" && pf_start "$1"
}

# pf_sender_conf NAME [MAINCF...]: pf_sender, not started.
pf_sender_conf() {
	local name=$1 ip
	shift
	ip=127.0.2.$PF_NEXT_SRC
	PF_NEXT_SRC=$((PF_NEXT_SRC + 1))
	_pf_make "$name" "$ip" "$name.sender.test" sender \
	    "default_transport = smtp" "$@"
}

# pf_sender NAME [MAINCF...]: a sending instance (myhostname
# NAME.sender.test): no smtpd; smtp(8) delivers everything by MX lookup,
# from 127.0.2.N.
pf_sender() {
	pf_sender_conf "$@" && pf_start "$1"
}

# pf_conf NAME MAINCF...: change main.cf of an instance (later lines win)
# and, if it runs, reload it: returns once the master has logged the
# reload (its idle children exit, new ones read the new main.cf).
pf_conf() {
	local name=$1 d n i
	shift
	d=$(pf_dir "$name")
	printf '%s\n' "$@" >>"$d/conf/extra.cf"
	_pf_writecf "$d/conf" || return 1
	case " ${PF_NAMES[*]} " in *" $name "*) ;; *) return 0 ;; esac
	n=$(grep -c '/master\[[0-9]*\]: reload -- ' "$d/maillog")
	in_ns postfix -c "$d/conf" reload >>"$d/start.log" 2>&1 || return 1
	for i in $(seq 100); do
		[ "$(grep -c '/master\[[0-9]*\]: reload -- ' "$d/maillog")" -gt \
		    "$n" ] && return 0
		sleep 0.05
	done
	echo "# postfix.sh: $name did not reload"
	return 1
}

# pf_send NAME FROM TO [SUBJECT]: inject one message from FROM to TO with
# a unique Message-ID, which pf_wait_status follows.
pf_send() {
	local name=$1 from=$2 to=$3 subj=${4:-test} d mid
	d=$(pf_dir "$name")
	PF_SEQ=$((PF_SEQ + 1))
	mid="pf$PF_SEQ.$$.$(date +%s%N)@$name.sender.test"
	PF_MSGID[$name:$to]=$mid
	pf_mark "$name" "$to"
	printf '%s\n' "From: <$from>" "To: <$to>" "Subject: $subj" \
	    "Message-ID: <$mid>" "" "test message $PF_SEQ" |
	    in_ns sendmail -C "$d/conf" -i -f "$from" -- "$to" \
	    2>>"$d/send.err"
}

# pf_flush NAME: deliver the deferred queue now (postqueue -f; this also
# forgets destinations that qmgr considers dead).
pf_flush() {
	in_ns postqueue -c "$(pf_dir "$1")/conf" -f
}

# pf_log_new NAME TO: the instance's log since the mark for TO (since
# pf_send to TO, or pf_mark).
pf_log_new() {
	tail -c +"$((${PF_MARK[$1:$2]:-0} + 1))" "$(pf_dir "$1")/maillog"
}

pf_mark() {
	local f
	f=$(pf_dir "$1")/maillog
	PF_MARK[$1:$2]=$(stat -c %s "$f" 2>/dev/null || echo 0)
}

# _pf_qid NAME TO: the queue ID of the last message pf_send sent to TO.
_pf_qid() {
	local mid=${PF_MSGID[$1:$2]:-}
	[ -n "$mid" ] || return 1
	awk -v m="message-id=<$mid>" 'index($0, m) {
		sub(/:$/, "", $6); print $6; exit }' \
	    "$(pf_dir "$1")/maillog" | grep .
}

# _pf_lines NAME TO [STATUS]: the status lines for TO of that message,
# after the mark.  Log lines: "Mon DD HH:MM:SS host prog[pid]: QID: ...".
_pf_lines() {
	local qid
	qid=$(_pf_qid "$1" "$2") || return 1
	pf_log_new "$1" "$2" |
	    awk -v q="$qid:" -v t="to=<$2>," -v s="status=${3:-}" '
	    $6 == q && index($0, t) && index($0, s)'
}

pf_status() {
	_pf_lines "$1" "$2" | tail -n 1
}

pf_wait_status() {
	local name=$1 to=$2 st=$3 secs=${4:-20} i line
	for ((i = 0; i < secs * 20; i++)); do
		line=$(_pf_lines "$name" "$to" "$st" | head -n 1)
		if [ -n "$line" ]; then
			printf '%s\n' "$line"
			return 0
		fi
		sleep 0.05
	done
	pf_status "$name" "$to"
	return 1
}

# _pf_group PGID: true while a process of the group lives (zombies do not
# count: the namespace's init may reap them late).  The master leads its
# own process group.
_pf_group() {
	ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 }
	    END { exit !f }'
}

# pf_stop NAME: stop the instance as postfix stop would (SIGTERM to the
# master, which ends its process group: postfix abort) but polling every
# 50 ms instead of every second; SIGKILL to the group after 5 s.
pf_stop() {
	local d pid i keep=() n
	d=$(pf_dir "$1")
	pid=$(sed 1q "$d/queue/pid/master.pid" 2>/dev/null | tr -dc 0-9)
	if [ -n "$pid" ] && _pf_group "$pid"; then
		in_ns postfix -c "$d/conf" abort >>"$d/start.log" 2>&1 ||
		    kill -TERM "$pid" 2>/dev/null
		for i in $(seq 100); do
			_pf_group "$pid" || break
			sleep 0.05
		done
		_pf_group "$pid" && kill -KILL -- "-$pid" 2>/dev/null
	fi
	for n in "${PF_NAMES[@]}"; do
		[ "$n" = "$1" ] || keep+=("$n")
	done
	PF_NAMES=("${keep[@]}")
	return 0
}

# pf_cleanup: stop every instance, in parallel.  Idempotent.
pf_cleanup() {
	local n pids=()
	for n in "${PF_NAMES[@]}"; do
		pf_stop "$n" &
		pids+=($!)
	done
	for n in "${pids[@]}"; do
		wait "$n"
	done
	PF_NAMES=()
	return 0
}
