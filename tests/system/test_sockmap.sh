#!/bin/bash
# test_sockmap.sh: mtastsd's socketmap server against Postfix's own client
# (postmap -q ... socketmap:...), in a private network namespace.
# Covers PF-SM-*, PF-KEY-*, DEC-24/25/27, overrides, config check and
# reload, limits, and mtasts-ctl query.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/system/lib.sh"
require postmap
getent passwd mtastsd >/dev/null || skip_all "needs user mtastsd (contrib/setup-debian.sh)"
getent group postfix >/dev/null || skip_all "needs group postfix"
setup sockmap

SOCK=$T_WORK/run/mtastsd.sock
PORT=8461
CONF=$T_WORK/mtastsd.conf
LOG=$T_WORK/mtastsd.log

write_conf() {
	cat >"$CONF" <<EOF
# system test configuration
listen = unix:$SOCK, inet:127.0.0.1:$PORT
socket_mode = 0660
socket_group =
user =
cache_dir = $T_WORK/cache
control_socket = $T_WORK/run/control.sock
# No DNS server in this namespace: lookups fail fast and answer NOTFOUND.
resolvers = 127.0.0.1
dns_timeout = 1s
dane = no
idle_timeout = ${IDLE:-60s}
max_connections = ${MAXCONN:-64}
override example.net = secure match=mx.example.net
override optout.example = none
$1
EOF
}

write_conf ""

# mtastsd -n: a good file passes, a bad one names file:line for each error.
out=$("$MTASTSD" -n -f "$CONF" 2>&1)
expect_match "-n accepts the test config" "configuration OK" "$out"
printf 'listen = unix:%s\nidle_timeout = soon\nbogus_option = 1\n' \
    "$SOCK" >"$T_WORK/bad.conf"
out=$("$MTASTSD" -n -f "$T_WORK/bad.conf" 2>&1)
rc=$?
expect_eq "-n exits non-zero on errors" 1 "$rc"
expect_match "-n reports file:line of a bad value" \
    "bad.conf:2: .*idle_timeout" "$out"
expect_match "-n reports file:line of an unknown option" \
    "bad.conf:3: .*bogus_option" "$out"
out=$("$MTASTSD" -p -f "$CONF" 2>&1)
expect_match "-p prints the effective config with overrides" \
    "override example.net = secure match=mx.example.net" "$out"

bg "$MTASTSD" -F -f "$CONF" 2>"$LOG"
MTASTSD_PID=$T_LASTPID
wait_for "the socket" test -S "$SOCK" || { cat "$LOG"; finish; }

expect_eq "socket has socket_mode 0660" 660 "$(stat -c %a "$SOCK")"

# Overrides and keys (PF-KEY-*, DEC-26).
expect_eq "override answers secure" "secure match=mx.example.net" \
    "$(pm example.net postfix)"
expect_eq "PF-KEY-5 uppercase key folds to the override" \
    "secure match=mx.example.net" "$(pm EXAMPLE.NET postfix)"
expect_eq "DEC-26 [host]:port uses the host's override" \
    "secure match=mx.example.net" "$(pm '[example.net]:587' postfix)"
expect_eq "EDGE-3 trailing dot uses the override" \
    "secure match=mx.example.net" "$(pm example.net. postfix)"
expect_eq "DEC-27 postfix-tlsrpt map answers the override too" \
    "secure match=mx.example.net" "$(pm example.net postfix-tlsrpt)"
out=$(pm optout.example postfix); rc=$?
expect_eq "override none answers NOTFOUND (no output, rc 1)" "1:" \
    "$rc:$out"
check "NOTFOUND is not an error for postmap" \
    test ! -s "$T_WORK/postmap.err"
out=$(pm .example.net postfix); rc=$?
expect_eq "PF-KEY-4 parent key answers NOTFOUND" "1:" "$rc:$out"
out=$(pm '[192.0.2.1]:25' postfix); rc=$?
expect_eq "PF-KEY-6 address literal answers NOTFOUND" "1:" "$rc:$out"
out=$(pm unknown.example postfix); rc=$?
expect_eq "STS-REC-14 DEC-4 no DNS at all: NOTFOUND, never an error" \
    "1:" "$rc:$out"

# DEC-25: an unknown map name is a local configuration error: PERM.
pm example.net mtasts >/dev/null
expect_match "DEC-25 unknown map name gets PERM" \
    "unknown map name" "$(cat "$T_WORK/postmap.err")"

# PF-SM-10: several requests on one connection, as smtp(8) sends them.
out=$(printf 'example.net\nunknown.example\nEXAMPLE.net\n' |
    in_ns postmap -c "$T_WORK/pf" -q - "socketmap:unix:$SOCK:postfix" 2>&1)
expect_eq "PF-SM-10 three requests on one connection" \
    "$(printf 'example.net\tsecure match=mx.example.net\nEXAMPLE.net\tsecure match=mx.example.net')" \
    "$out"

# TCP listener.
expect_eq "inet listener answers" "secure match=mx.example.net" \
    "$(pm example.net postfix "inet:127.0.0.1:$PORT")"

# PF-SM-12: a malformed frame closes that connection; others go on.
out=$(in_ns "$NSCLIENT" "$SOCK" 'raw:abc:' eof)
expect_eq "PF-SM-12 malformed frame closes the connection" "EOF" "$out"
expect_eq "a good request on a new connection still works" \
    "secure match=mx.example.net" "$(pm example.net postfix)"
out=$(in_ns "$NSCLIENT" "$SOCK" 'q:postfix example.net' 'raw:3:abcd' eof)
expect_eq "PF-SM-12 bad frame after a good one on the same connection" \
    "$(printf 'REPLY OK secure match=mx.example.net\nEOF')" "$out"
out=$(in_ns "$NSCLIENT" "$SOCK" 'raw:10241:' eof)
expect_eq "DEC-24 oversized frame closes before its body arrives" "EOF" \
    "$out"
big=$(head -c 10300 /dev/zero | tr '\0' a)
out=$(in_ns "$NSCLIENT" "$SOCK" "q:postfix $big" 2>&1)
expect_match "DEC-24 request over 10240 bytes closes the connection" \
    "ERROR (connection closed|write)" "$out"
frames='19:postfix example.net,22:postfix optout.example,'
out=$(in_ns "$NSCLIENT" "$SOCK" "raw:$frames" read read)
expect_eq "PF-SM-10 two requests in one write are answered in order" \
    "$(printf 'REPLY OK secure match=mx.example.net\nREPLY NOTFOUND ')" \
    "$out"
in_ns "$NSCLIENT" "$SOCK" 'raw:19:postfix exam' >/dev/null
expect_eq "EOF in the middle of a request harms nobody" \
    "secure match=mx.example.net" "$(pm example.net postfix)"
out=$(in_ns "$NSCLIENT" "$SOCK" 'q:postfix' 'q:postfix example.net')
expect_eq "PF-SM-3 request without a key gets PERM, connection lives" \
    "$(printf 'REPLY PERM malformed request\nREPLY OK secure match=mx.example.net')" \
    "$out"
out=$(in_ns "$NSCLIENT" "$SOCK" 'q:postfix optout.example')
expect_eq "PF-SM-4 NOTFOUND keeps its trailing space" \
    "REPLY NOTFOUND " "$out"
check "daemon survived all of that" kill -0 "$MTASTSD_PID"

# mtasts-ctl query asks exactly as Postfix does.
out=$(in_ns "$MTASTS_CTL" -s "$SOCK" query example.net); rc=$?
expect_eq "mtasts-ctl query prints the answer, exit 0" \
    "0:OK secure match=mx.example.net" "$rc:$out"
out=$(in_ns "$MTASTS_CTL" -s "$SOCK" query optout.example); rc=$?
expect_eq "mtasts-ctl query NOTFOUND exits 1" "1:NOTFOUND " "$rc:$out"
out=$(in_ns "$MTASTS_CTL" -f "$CONF" -m mtasts query example.net); rc=$?
expect_eq "mtasts-ctl finds the socket in the config; PERM exits 2" \
    "2:PERM unknown map name" "$rc:$out"
out=$(in_ns "$MTASTS_CTL" -s "$T_WORK/nonexistent.sock" query x.example \
    2>&1); rc=$?
expect_match "mtasts-ctl says when the daemon is not running" \
    "^3:.*is mtastsd running" "$rc:$out"

# SIGHUP: a good file applies at once; a bad one keeps the old config.
write_conf "override new.example = secure match=mx.new.example"
kill -HUP "$MTASTSD_PID"
wait_for "reload" grep -q "configuration reloaded" "$LOG"
expect_eq "SIGHUP reload applies a new override" \
    "secure match=mx.new.example" "$(pm new.example postfix)"
echo "override broken.example = secure match=" >>"$CONF"
kill -HUP "$MTASTSD_PID"
wait_for "failed reload" grep -q "reload failed" "$LOG"
expect_match "a bad reload logs file:line" \
    "mtastsd.conf:[0-9]+: .*override" "$(cat "$LOG")"
expect_eq "a bad reload keeps the running config" \
    "secure match=mx.new.example" "$(pm new.example postfix)"

# One info line per answered lookup (parent keys only at debug).
expect_match "lookups are logged with answer and source" \
    "lookup example.net: OK secure source=override ms=[0-9]+" \
    "$(cat "$LOG")"
expect_match "a DNS failure says so in the log" \
    "lookup unknown.example: NOTFOUND source=dns" "$(cat "$LOG")"
expect_match "malformed frames are logged as warnings" \
    "malformed request" "$(cat "$LOG")"

# SIGTERM: clean exit, socket removed.
kill -TERM "$MTASTSD_PID"
wait "$MTASTSD_PID"
rc=$?
expect_eq "SIGTERM exits 0" 0 "$rc"
check "SIGTERM removes the socket" test ! -e "$SOCK"

# Idle timeout and max_connections.
IDLE=1s MAXCONN=1 write_conf ""
bg "$MTASTSD" -F -f "$CONF" 2>"$LOG"
MTASTSD_PID=$T_LASTPID
wait_for "the socket" test -S "$SOCK"
start=$(date +%s%N)
out=$(in_ns "$NSCLIENT" "$SOCK" 'q:postfix example.net' eof)
waited=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "idle connections are closed after idle_timeout" \
    "$(printf 'REPLY OK secure match=mx.example.net\nEOF')" "$out"
check "...but not before idle_timeout (${waited} ms >= 1000)" \
    test "$waited" -ge 1000
out=$(in_ns "$NSCLIENT" "$SOCK" 'raw:19:postfix exa' drain)
expect_eq "a request that never completes is closed after idle_timeout" \
    "EOF" "$out"
expect_match "...with a warning" "request incomplete" "$(cat "$LOG")"
in_ns "$NSCLIENT" "$SOCK" eof >"$T_WORK/holder.out" &
holder=$!
sleep 0.3
start=$(date +%s%N)
out=$(pm example.net postfix)
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$holder"
expect_eq "max_connections: a client waits for a free slot, then is served" \
    "secure match=mx.example.net" "$out"
check "max_connections: it waited for the idle slot (${waited} ms)" \
    test "$waited" -ge 300
expect_match "max_connections reached is logged" "max_connections" \
    "$(cat "$LOG")"

# A client that sends but never reads its replies loses its slot.
in_ns "$NSCLIENT" "$SOCK" 'flood:20000:postfix example.net' drain \
    >/dev/null 2>&1
expect_match "a client that does not read its replies is closed" \
    "does not read its reply" "$(cat "$LOG")"
expect_eq "...and the slot serves the next client" \
    "secure match=mx.example.net" "$(pm example.net postfix)"
kill -TERM "$MTASTSD_PID"
wait "$MTASTSD_PID"

# The open files limit bounds max_connections (no accept() spin).
MAXCONN=1024 write_conf ""
bg bash -c "ulimit -n 100 && exec '$MTASTSD' -F -f '$CONF'" 2>"$LOG"
MTASTSD_PID=$T_LASTPID
wait_for "the socket" test -S "$SOCK"
expect_match "max_connections is lowered to fit the open files limit" \
    "max_connections 1024 lowered to 36" "$(cat "$LOG")"
kill -TERM "$MTASTSD_PID"
wait "$MTASTSD_PID"

# As root with the defaults' user and group, detached (no -F): listeners
# first, then the switch to user mtastsd; the socket carries group postfix.
SOCK=$T_WORK/run2/mtastsd.sock
printf 'listen = unix:%s\ncache_dir = %s\ncontrol_socket = %s\n%s\n' \
    "$SOCK" "$T_WORK/cache2" "$T_WORK/run2/control.sock" \
    'override example.net = secure match=mx.example.net' >"$CONF"
in_ns "$MTASTSD" -f "$CONF"
rc=$?
expect_eq "without -F mtastsd detaches, exit 0" 0 "$rc"
wait_for "the socket" test -S "$SOCK"
pid=$(ip netns pids "$T_NS" | head -1)
T_PIDS+=("$pid")
expect_eq "the detached daemon runs as user mtastsd" mtastsd \
    "$(ps -o user= -p "$pid" | tr -d ' ')"
expect_eq "the socket has group postfix and mode 0660" "postfix 660" \
    "$(stat -c '%G %a' "$SOCK")"
expect_eq "the socket directory belongs to mtastsd" mtastsd \
    "$(stat -c %U "$T_WORK/run2")"
expect_eq "the detached daemon answers" "secure match=mx.example.net" \
    "$(pm example.net postfix)"
kill -TERM "$pid"
wait_for "exit" bash -c "! kill -0 $pid 2>/dev/null"
check "...and, no longer root, still removes its socket at exit" \
    test ! -e "$SOCK"

finish
