#!/bin/bash
# scale.sh: cached lookups from a cache of 1,000,000 domains against one of
# 1,000 (not a test; figures go into the README).
#
#   tests/bench/scale.sh BUILDDIR [N] [SECONDS] [ROUNDS]
#
# For each size: fill the cache (tests/tools/cache-fill: fresh enforce
# policies, as lookups store them), start mtastsd on it and time how long
# it takes to be ready (sd_notify READY=1, tests/bench/readytime), warm
# the pages up, then run random keys at 1 and 16 connections (best of
# ROUNDS) and read the daemon's RssAnon.  Server on CPU 0, client on 1.
set -eu
B=$(cd "${1:?usage: scale.sh BUILDDIR [N] [SECONDS] [ROUNDS]}" && pwd)
N=${2:-1000000}
S=${3:-5}
R=${4:-3}
W=$(mktemp -d /tmp/mtasts-scale.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
PIN0="taskset -c 0"
PIN1="taskset -c 1"
command -v taskset >/dev/null || { PIN0=; PIN1=; }

best() { sort -t= -k3 -n -r | head -1; }

echo "# $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%d), best of $R rounds of ${S}s"
for size in 1000 "$N"; do
	d=$W/c$size
	"$B/tests/tools/cache-fill" "$d" "$size" >"$W/fill.$size"
	echo "## $size domains: $(head -1 "$W/fill.$size");" \
	    "data.mdb $(awk '/^file_size/ { print $2 }' "$W/fill.$size") bytes"
	awk -v n="$size" 'BEGIN { for (i = 0; i < n; i++)
	    printf "d%07u.example\n", i }' >"$W/keys.$size"
	cat >"$W/m$size.conf" <<-EOF2
	listen = unix:$W/m$size.sock
	user =
	socket_group =
	cache_dir = $d
	control_socket =
	resolvers = 127.0.0.1
	refresh_rate = 0
	dane = no
	EOF2
	out=$($PIN0 "$B/tests/bench/readytime" "$W/m$size.sock" \
	    "$B/mtastsd" -F -f "$W/m$size.conf" 2>"$W/m$size.log")
	pid=$(echo "$out" | sed 's/pid=\([0-9]*\).*/\1/')
	PIDS+=("$pid")
	echo "# start: $out"
	# Touch the pages once so that every round runs warm.
	$PIN1 "$B/tests/bench/sockmap-bench" -s "$W/m$size.sock" -c 16 \
	    -d 4 -w 0 -k "$W/keys.$size" -l warmup >/dev/null
	for c in 1 16; do
		for r in $(seq "$R"); do
			$PIN1 "$B/tests/bench/sockmap-bench" \
			    -s "$W/m$size.sock" -c "$c" -d "$S" \
			    -k "$W/keys.$size" -p "$pid" -l "$size"
		done | best
	done
	echo "# RssAnon: $(awk '/^RssAnon/ { print $2, $3 }' /proc/$pid/status)," \
	    "RssFile: $(awk '/^RssFile/ { print $2, $3 }' /proc/$pid/status)"
	kill "$pid"
done
