#!/bin/bash
# collector.sh: TLSRPT datagram intake (not a test; figures go into the
# README).  How many datagrams/s Postfix can send before libtlsrpt's
# non-blocking sends start to fail, with mtastsd's collector, parser and
# in-memory aggregation on the other end (tests/bench/dgram-bench.c).
#
#   tests/bench/collector.sh BUILDDIR [SECONDS] [ROUNDS] [RATE...]
#
# A sweep of target rates (datagrams/s; "max": as fast as the sender can),
# ROUNDS rounds of SECONDS each (after 0.5 s of warm-up), at the system's
# net.unix.max_dgram_qlen and, if we may write it (root, a writable
# /proc/sys), at 512 as well; the old value is put back on exit.  Then,
# per qlen, a bisection for the highest rate that lost nothing in every
# round.  Receiver on CPU 0, sender on CPU 1.  Loss and speed depend on
# the machine and on whatever else runs on it (the load average is
# printed): nothing here passes or fails on timing.  The exit status is
# 1 only if dgram-bench found that its books did not balance.
set -eu
B=$(cd "${1:?usage: collector.sh BUILDDIR [SECONDS] [ROUNDS] [RATE...]}" && pwd)
S=${2:-2}
R=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
RATES=${*:-1000 2000 5000 10000 20000 50000 100000 200000 max}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$B/tests/bench/dgram-bench
FIX=$SRC/tests/fixtures/tlsrpt
QF=/proc/sys/net/unix/max_dgram_qlen
OLDQ=$(cat "$QF")
W=$(mktemp -d /tmp/mtasts-dgram.XXXXXX)
BAD=0
cleanup() {
	if [ "$(cat "$QF")" != "$OLDQ" ]; then
		echo "$OLDQ" >"$QF" 2>/dev/null ||
		    echo "# could not restore $QF to $OLDQ" >&2
	fi
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

QLENS=$OLDQ
if [ "$OLDQ" != 512 ] && [ -w "$QF" ] && (echo "$OLDQ" >"$QF") 2>/dev/null
then
	QLENS="$OLDQ 512"
fi

# run QLEN RATE: ROUNDS lines into $W/QLEN-RATE.
run() {
	local r=$2 i
	[ "$r" = max ] && r=0
	: >"$W/$1-$2"
	for i in $(seq "$R"); do
		"$BENCH" -P -r "$r" -d "$S" -f "$FIX" -s "$W/collector.sock" \
		    -l "q$1" >>"$W/$1-$2" 2>>"$W/stderr" || {
			echo "# dgram-bench: books do not balance, see below" >&2
			BAD=1
		}
	done
}

# lost_all QLEN RATE: the largest loss of the rounds; lost_best: the
# smallest.
lost_all() {
	sed -n 's/.* lost=\([0-9]*\) .*/\1/p' "$W/$1-$2" | sort -n | tail -1
}
lost_best() {
	sed -n 's/.* lost=\([0-9]*\) .*/\1/p' "$W/$1-$2" | sort -n | head -1
}

# row QLEN RATE: one table row from the rounds; "best" is the round that
# lost least (this VM's noise only ever makes things worse), ties broken
# by the most received per second.
row() {
	awk -v rate="$2" '
	{
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			v[kv[1]] = kv[2]
		}
		if (NR == 1 || v["lost"] + 0 < blost ||
		    (v["lost"] + 0 == blost && v["recv/s"] + 0 > brs)) {
			blost = v["lost"] + 0; brs = v["recv/s"] + 0
			bsent = v["sent"]; bsps = v["sent/s"]; brecv = v["recv"]
			bok = v["ok"]; bpct = v["lost_pct"]
			bcpu = v["rx_cpu_us_per_dgram"]; bcp = v["rx_cpu_pct"]
			bburst = v["burst_max"]
		}
		if (NR == 1 || v["lost"] + 0 > wlost)
			wlost = v["lost"] + 0
	}
	END {
		printf "| %7s | %8s | %9s | %8s | %6s%% | %9s | %9s | %8s | %8s | %5s%% | %6s | %10s |\n",
		    rate, bsps, bsent, blost, bpct, brecv, bok, brs, bcpu,
		    bcp, bburst, wlost
	}' "$W/$1-$2"
}

header() {
	echo "|  rate/s |   sent/s |      sent |     lost |   lost% |      recv |        ok |   recv/s | rx us/dg | rx CPU |  burst | worst lost |"
	echo "|---------|----------|-----------|----------|---------|-----------|-----------|----------|----------|--------|--------|------------|"
}

echo "# $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# best of $R rounds of ${S}s (+0.5s warm-up); receiver CPU 0," \
    "sender CPU 1; qlen $QLENS (system default $OLDQ)"
echo "# the callback alone (dgram_parse + report_session_keys +" \
    "report_entry_add), no socket:"
"$BENCH" -B -P -d "$S" -f "$FIX" -l floor 2>>"$W/stderr" | sed 's/^/#   /'
sed -n 1p "$W/stderr" | sed 's/^/#   /'

for q in $QLENS; do
	echo "$q" >"$QF"
	[ "$(cat "$QF")" = "$q" ] || { echo "# could not set qlen $q"; continue; }
	echo
	echo "## net.unix.max_dgram_qlen = $q"
	echo
	header
	lo=0
	hi=
	best=none
	for rate in $RATES; do
		run "$q" "$rate"
		row "$q" "$rate"
		[ "$(lost_best "$q" "$rate")" = 0 ] && best=$rate
		[ "$rate" = max ] && continue
		if [ -z "$hi" ] && [ "$(lost_all "$q" "$rate")" = 0 ]; then
			lo=$rate
		elif [ -z "$hi" ]; then
			hi=$rate
		fi
	done
	# Bisect between the last rate that lost nothing in any round and
	# the first that lost, to within 5% or 500/s.
	if [ -n "$hi" ]; then
		echo "| bisect: |"
		while [ $(( hi - lo )) -gt 500 ] &&
		    [ $(( (hi - lo) * 20 )) -gt "$hi" ]; do
			mid=$(( (lo + hi) / 2 / 500 * 500 ))
			{ [ "$mid" -le "$lo" ] || [ "$mid" -ge "$hi" ]; } && break
			run "$q" "$mid"
			row "$q" "$mid"
			if [ "$(lost_all "$q" "$mid")" = 0 ]; then
				lo=$mid
			else
				hi=$mid
			fi
		done
		echo
		echo "# qlen $q: highest rate with zero loss in all $R rounds:" \
		    "${lo}/s (${hi}/s lost)"
		echo "# qlen $q: highest rate of the sweep with zero loss in" \
		    "its best round: $best"
	else
		echo
		echo "# qlen $q: no loss at any rate asked but max"
	fi
	cat "$W"/"$q"-* >>"$W/all"
done

echo
echo "# raw lines:"
sed 's/^/#   /' "$W/all"
if [ "$BAD" = 1 ]; then
	sed 's/^/# /' "$W/stderr"
	exit 1
fi
