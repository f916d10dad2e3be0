#!/bin/bash
# test_docs.sh: the documentation is in step with the option table.
# Every option that `mtastsd -p` prints must be described in
# mtastsd.conf(5) with its default, and listed in the sample config.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MAN=$top_srcdir/man/mtastsd.conf.5
SAMPLE=$top_srcdir/conf/mtastsd.conf.sample
n=0 fail=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

empty=$(mktemp)
trap 'rm -f "$empty"' EXIT
opts=$("$top_builddir/mtastsd" -p -f "$empty" | grep -E '^[a-z_]+ =( |$)')
[ -n "$opts" ] || { echo "1..1"; echo "not ok 1 - mtastsd -p printed no options"; exit 1; }

while IFS= read -r line; do
	name=${line%% =*}
	def=${line#"$name" =}
	def=${def# }
	# The option's entry: from its .It line to the next .It.
	entry=$(awk -v n="$name" '
	    $0 == ".It Cm " n { on = 1; next }
	    on && /^\.It / { exit }
	    on { print }' "$MAN")
	if [ -z "$entry" ]; then
		not_ok "mtastsd.conf(5) describes $name"
		continue
	fi
	ok "mtastsd.conf(5) describes $name"
	if [ -z "$def" ]; then
		want="Default: empty."
	else
		want=".Ql $def"
	fi
	if printf '%s\n' "$entry" | grep -qF -- "$want"; then
		ok "mtastsd.conf(5) gives $name's default ($def)"
	else
		not_ok "mtastsd.conf(5) gives $name's default ($def)"
	fi
	if grep -qxF -- "#$name = $def" "$SAMPLE" ||
	    { [ -z "$def" ] && grep -qxF -- "#$name =" "$SAMPLE"; }; then
		ok "sample config lists $name = $def"
	else
		not_ok "sample config lists $name = $def"
	fi
done <<<"$opts"

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
