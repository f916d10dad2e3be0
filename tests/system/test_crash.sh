#!/bin/bash
# test_crash.sh: the cache survives SIGKILL (STS-CACHE-14, DEC-17).
#
# Rounds of: lookups that fetch and store policies run against the daemon;
# mid-way, what is committed is read with mtasts-ctl dump; the daemon is
# killed with SIGKILL; it is started again.  After every kill the cache
# must open, every record must decode, and every record committed before
# the kill must still be there with its policy.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
. "$top_srcdir/tests/system/world.sh"
require postmap
world_require
setup crash
ROUNDS=8
PER_ROUND=40
world_up $((ROUNDS * PER_ROUND)) || { not_ok "the test world comes up"; finish; }

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
dane = no
EOF

start_daemon() {
	bg "$MTASTSD" -F -f "$CONF" 2>>"$LOG"
	MTASTSD_PID=$T_LASTPID
	wait_for "the socket" in_ns "$NSCLIENT" "$SOCK" 'q:postfix x.invalid'
}

# The domains that have a policy in a dump.
with_policy() {
	grep '"policy":{' "$1" | sed 's/^{"domain":"\([^"]*\)".*/\1/' | sort
}

start_daemon
total=0
for r in $(seq "$ROUNDS"); do
	pids=()
	for i in $(seq $(((r - 1) * PER_ROUND + 1)) $((r * PER_ROUND))); do
		in_ns "$NSCLIENT" "$SOCK" \
		    "q:postfix $(world_bulk_domain "$i")" >/dev/null 2>&1 &
		pids+=($!)
	done
	# Kill at a different point of the storm each round.
	sleep "0.$((r * 7 % 10))"
	in_ns "${CTL[@]}" dump --json >"$T_WORK/before.$r"
	kill -KILL "$MTASTSD_PID"
	wait "$MTASTSD_PID" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null

	out=$(in_ns "${CTL[@]}" dump --json 2>&1 >"$T_WORK/after.$r"); rc=$?
	expect_eq "round $r: after SIGKILL the cache opens, all records decode" \
	    "0:" "$rc:$out"
	missing=$(comm -23 <(with_policy "$T_WORK/before.$r") \
	    <(with_policy "$T_WORK/after.$r"))
	n=$(with_policy "$T_WORK/before.$r" | wc -l)
	expect_eq "round $r: all $n committed policies survived" "" "$missing"
	total=$n

	start_daemon
	check "round $r: the daemon starts again over the stale sockets" \
	    kill -0 "$MTASTSD_PID"
done
check "the rounds did commit policies before the kills ($total)" \
    test "$total" -gt $((PER_ROUND * ROUNDS / 2))

# What survived is used: no new fetch for a domain committed before a kill.
d=$(with_policy "$T_WORK/before.1" | head -1)
n=$(world_fetch_count "$d")
expect_eq "a surviving policy answers from the cache" \
    "secure match=mx.bulk.test servername=hostname" "$(pm "$d" postfix)"
expect_eq "...without fetching again" "$n" "$(world_fetch_count "$d")"
kill -TERM "$MTASTSD_PID"
wait "$MTASTSD_PID"
finish
