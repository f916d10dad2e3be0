#!/bin/bash
# engine.sh: resolve 1,000 distinct uncached domains with 64 concurrent
# client connections, against the system tests' real servers (NSD,
# unbound, nginx) in a network namespace; then the same domains cached.
# Not a test (figures go into the README).  Needs root.
#
#   top_srcdir=SRC top_builddir=BUILD tests/bench/engine.sh [N] [CONNS]
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
N=${1:-1000}
C=${2:-64}
require
world_require
setup bench
world_up "$N" >/dev/null || { echo "world did not come up"; exit 1; }

SOCK=$T_WORK/run/mtastsd.sock
CONF=$T_WORK/mtastsd.conf
cat >"$CONF" <<EOF2
listen = unix:$SOCK
user =
socket_group =
cache_dir = $T_WORK/cache
control_socket = $T_WORK/run/control.sock
ca_file = $WORLD_CA
dane = no
EOF2
for i in $(seq "$N"); do world_bulk_domain "$i"; done >"$T_WORK/keys"
bg "$MTASTSD" -F -f "$CONF" 2>"$T_WORK/mtastsd.log"
pid=$T_LASTPID
wait_for "the socket" test -S "$SOCK"
BENCH=$top_builddir/tests/bench/sockmap-bench

echo "# $(uname -srm), $(nproc) CPUs, $(date -u +%Y-%m-%d)"
echo "## $N uncached domains (TXT, A/AAAA, HTTPS fetch, store), $C connections"
in_ns "$BENCH" -s "$SOCK" -c "$C" -o -k "$T_WORK/keys" -p "$pid" -l cold
echo "# daemon: $(in_ns "$MTASTS_CTL" -f "$CONF" stats | sed -n 's/^daemon: *//p')"
echo "# fetches logged by nginx: $(grep -c 'bulk.test 200' "$W/access.log")"
echo "## the same domains, now cached"
for c in 1 16 "$C"; do
	in_ns "$BENCH" -s "$SOCK" -c "$c" -d 5 -k "$T_WORK/keys" -p "$pid" \
	    -l cached
done
kill -TERM "$pid"
wait "$pid"
