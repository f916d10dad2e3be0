# lib.sh: shared helpers for the system tests (sourced, bash).
#
# Each test runs inside a network namespace it creates and removes, so that
# nothing can reach the internet and no port collides with the host.  It
# prints TAP ("ok N - what") and ends with "# N passed, N failed".
# Without root or the needed programs a test is skipped, unless
# MTASTS_REQUIRE_SYSTEM=1 (CI), where that is a failure.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MTASTSD=$top_builddir/mtastsd
MTASTS_CTL=$top_builddir/mtasts-ctl
NSCLIENT=$top_builddir/tests/tools/nsclient

T_NUM=0
T_PASS=0
T_FAIL=0
T_PIDS=()
T_NS=
T_WORK=

skip_all() {
	if [ "${MTASTS_REQUIRE_SYSTEM:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - cannot run: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

require() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (network namespace)"
	[ -x "$NSCLIENT" ] || skip_all "needs $NSCLIENT (make check builds it)"
	for c in ip "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
	done
}

ok() {
	T_NUM=$((T_NUM + 1))
	T_PASS=$((T_PASS + 1))
	echo "ok $T_NUM - $*"
}

not_ok() {
	T_NUM=$((T_NUM + 1))
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_NUM - $*"
}

# check "description" command...: ok if the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# expect_eq "description" expected actual
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $2"
		echo "#   got:      $3"
	fi
}

# expect_match "description" regex actual
expect_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected to match: $2"
		echo "#   got: $3" | head -5
	fi
}

t_cleanup() {
	local p
	for p in "${T_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${T_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	[ -n "$T_NS" ] && ip netns del "$T_NS" 2>/dev/null
	if [ -n "$T_WORK" ] && [ "${MTASTS_KEEP:-0}" != 1 ]; then
		rm -rf "$T_WORK"
	fi
}

# setup NAME: a work dir and a fresh namespace with only lo.
setup() {
	T_WORK=$(mktemp -d "${TMPDIR:-/tmp}/mtasts-$1.XXXXXX")
	chmod 755 "$T_WORK"
	T_NS="mtasts-$1-$$"
	trap t_cleanup EXIT
	ip netns add "$T_NS" || skip_all "cannot create a network namespace"
	ip netns exec "$T_NS" ip link set lo up
	mkdir -p "$T_WORK/pf"
	: >"$T_WORK/pf/main.cf"		# postmap -c needs a config dir
}

in_ns() {
	ip netns exec "$T_NS" "$@"
}

# bg CMD...: start CMD in the namespace; its PID is T_LASTPID.
bg() {
	ip netns exec "$T_NS" "$@" &
	T_LASTPID=$!
	T_PIDS+=("$T_LASTPID")
}

# wait_for "what" command...: retry for up to 10 s.
wait_for() {
	local what=$1 i
	shift
	for i in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "# timed out waiting for $what"
	return 1
}

# pm KEY MAP [SOCKET]: Postfix's own client, as smtp(8) would ask.
# Prints postmap's stdout; stderr goes to $T_WORK/postmap.err.
pm() {
	in_ns postmap -c "$T_WORK/pf" -q "$1" \
	    "socketmap:${3:-unix:$SOCK}:$2" 2>"$T_WORK/postmap.err"
}

finish() {
	echo "1..$T_NUM"
	echo "# $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
	exit $?
}
