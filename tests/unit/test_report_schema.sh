#!/bin/bash
# test_report_schema.sh: the JSON reports that report.c writes match
# RFC 8460's report format, as tests/fixtures/tlsrpt-report.schema.json
# states it (JSON Schema draft-07).
#
# tests/tools/report-sample builds sample reports through the real API
# (report_entry_add() and report_json()) and prints one per line; each is
# parsed as strict JSON (no duplicate keys, no NaN/Infinity) and validated
# with python3-jsonschema's Draft7Validator, date-time format checked.
# Then mutants of a valid report (a null, a wrong type, a missing or
# unknown field, a bad enum, count or date) must each be rejected, at the
# place that was broken, so that the test is known to be able to fail.
#
# TAP.  Without python3 and its jsonschema module the test is skipped,
# unless MTASTS_REQUIRE_SYSTEM=1, where that is a failure.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SAMPLE=$top_builddir/tests/tools/report-sample
SCHEMA=$top_srcdir/tests/fixtures/tlsrpt-report.schema.json

skip_all() {
	if [ "${MTASTS_REQUIRE_SYSTEM:-0}" = 1 ]; then
		echo "1..1"
		echo "not ok 1 - cannot run: $*"
		exit 1
	fi
	echo "1..0 # SKIP $*"
	exit 0
}

bail() {
	echo "1..1"
	echo "not ok 1 - $*"
	exit 1
}

command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
python3 -c 'import jsonschema' >/dev/null 2>&1 ||
	skip_all "python3-jsonschema not installed"
[ -r "$SCHEMA" ] || bail "no schema at $SCHEMA"
[ -x "$SAMPLE" ] || bail "no $SAMPLE (make check builds it)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/report_schema.XXXXXX") || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$SAMPLE" >"$tmp/reports" 2>"$tmp/stderr"
rc=$?

python3 - "$SCHEMA" "$tmp/reports" "$rc" "$tmp/stderr" <<'EOF'
import copy
import datetime
import json
import re
import sys

import jsonschema
from jsonschema import Draft7Validator

schema_path, reports_path, rc, stderr_path = sys.argv[1:5]
EXPECTED_REPORTS = 7

n = 0
failed = 0
lines = []


def ok(cond, what, diag=None):
    global n, failed
    n += 1
    if cond:
        lines.append("ok %d - %s" % (n, what))
    else:
        failed += 1
        lines.append("not ok %d - %s" % (n, what))
        for d in (diag or []):
            for l in str(d).splitlines():
                lines.append("#   " + l)


# Format checking: the validator's own checker for draft-07, with a strict
# RFC 3339 date-time check added if this jsonschema has none (its
# date-time checker needs the optional rfc3339-validator module).
fc = getattr(Draft7Validator, "FORMAT_CHECKER", None)
if fc is None:
    fc = jsonschema.draft7_format_checker
if "date-time" not in fc.checkers:
    fc = jsonschema.FormatChecker()
    RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):"
                         r"(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

    @fc.checks("date-time")
    def _date_time(value):
        if not isinstance(value, str):
            return True
        m = RFC3339.match(value)
        if not m:
            return False
        y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
        try:
            datetime.datetime(y, mo, d, h, mi, 59 if s == 60 else s)
        except ValueError:
            return False
        return s <= 60

with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
Draft7Validator.check_schema(schema)
validator = Draft7Validator(schema, format_checker=fc)


def no_dups(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise ValueError("duplicate key %r" % k)
        seen.add(k)
    return dict(pairs)


def no_constants(c):
    raise ValueError("non-JSON constant %s" % c)


def strict_load(text):
    return json.loads(text, object_pairs_hook=no_dups,
                      parse_constant=no_constants)


def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.path))


with open(stderr_path, encoding="utf-8", errors="replace") as f:
    err_text = f.read()
with open(reports_path, "rb") as f:
    raw = f.read()
# Split on LF only: str.splitlines() would also split at U+2028 and
# U+2029, which JSON strings may carry unescaped.
try:
    reports = raw.decode("utf-8").split("\n")
    if reports and reports[-1] == "":
        reports.pop()
except UnicodeDecodeError as e:
    reports = []
    err_text += "\noutput is not UTF-8: %s" % e

ok(rc == "0" and len(reports) == EXPECTED_REPORTS,
   "report-sample exits 0 and prints %d reports" % EXPECTED_REPORTS,
   ["exit %s, %d lines" % (rc, len(reports)), err_text])

docs = []
for i, line in enumerate(reports, 1):
    try:
        doc = strict_load(line)
    except ValueError as e:
        ok(False, "report %d is strict JSON" % i, [e, line])
        continue
    docs.append(doc)
    errs = errors(doc)
    ok(not errs, "report %d (%s) matches the RFC 8460 schema"
       % (i, doc.get("report-id", "?") if isinstance(doc, dict) else "?"),
       ["%s: %s" % ("/".join(str(p) for p in e.path) or "(top)",
                    e.message) for e in errs] + [line])

# The mutants start from the first report: sts, several rows with every
# optional field.
base = docs[0] if docs else None
if base is not None:
    rows = base["policies"][0].get("failure-details", [])
    full = all(k in rows[0] for k in (
        "sending-mta-ip", "receiving-ip", "receiving-mx-hostname",
        "receiving-mx-helo", "additional-information",
        "failure-reason-code")) if rows else False
    ok(full, "report 1 has a failure row with every optional field",
       [json.dumps(rows[:1])])


def setp(d, path, value):
    for p in path[:-1]:
        d = d[p]
    d[path[-1]] = value


def delp(d, path):
    for p in path[:-1]:
        d = d[p]
    del d[path[-1]]


P = ["policies", 0]
R = P + ["failure-details", 0]
# (what, mutate, path the validator must complain at or under)
MUTANTS = [
    ("organization-name null",
     lambda d: setp(d, ["organization-name"], None), ["organization-name"]),
    ("contact-info null",
     lambda d: setp(d, ["contact-info"], None), ["contact-info"]),
    ("report-id null",
     lambda d: setp(d, ["report-id"], None), ["report-id"]),
    ("sending-mta-ip null",
     lambda d: setp(d, R + ["sending-mta-ip"], None),
     R + ["sending-mta-ip"]),
    ("additional-information null",
     lambda d: setp(d, R + ["additional-information"], None),
     R + ["additional-information"]),
    ("failure-details null",
     lambda d: setp(d, P + ["failure-details"], None),
     P + ["failure-details"]),
    ("mx-host a string, not an array",
     lambda d: setp(d, P + ["policy", "mx-host"], "mx.example.com"),
     P + ["policy", "mx-host"]),
    ("policy-string a string, not an array",
     lambda d: setp(d, P + ["policy", "policy-string"], "version: STSv1"),
     P + ["policy", "policy-string"]),
    ("a null in policy-string",
     lambda d: setp(d, P + ["policy", "policy-string", 0], None),
     P + ["policy", "policy-string", 0]),
    ("summary dropped",
     lambda d: delp(d, P + ["summary"]), P),
    ("mx-host dropped",
     lambda d: delp(d, P + ["policy", "mx-host"]), P + ["policy"]),
    ("report-id dropped",
     lambda d: delp(d, ["report-id"]), []),
    ("result-type dropped",
     lambda d: delp(d, R + ["result-type"]), R),
    ("result-type \"bogus\"",
     lambda d: setp(d, R + ["result-type"], "bogus"), R + ["result-type"]),
    ("policy-type \"STS\" (case matters)",
     lambda d: setp(d, P + ["policy", "policy-type"], "STS"),
     P + ["policy", "policy-type"]),
    ("failed-session-count 0",
     lambda d: setp(d, R + ["failed-session-count"], 0),
     R + ["failed-session-count"]),
    ("failed-session-count 1.5",
     lambda d: setp(d, R + ["failed-session-count"], 1.5),
     R + ["failed-session-count"]),
    ("total-failure-session-count -1",
     lambda d: setp(d, P + ["summary", "total-failure-session-count"], -1),
     P + ["summary", "total-failure-session-count"]),
    ("total-successful-session-count \"7\" (a string)",
     lambda d: setp(d, P + ["summary", "total-successful-session-count"],
                    "7"),
     P + ["summary", "total-successful-session-count"]),
    ("an unknown top-level field",
     lambda d: setp(d, ["x-unknown"], 1), []),
    ("an unknown field in a failure row",
     lambda d: setp(d, R + ["receiving-mx-ip"], "192.0.2.1"), R),
    ("policies empty",
     lambda d: setp(d, ["policies"], []), ["policies"]),
    ("start-datetime without Z",
     lambda d: setp(d, ["date-range", "start-datetime"],
                    d["date-range"]["start-datetime"].rstrip("Z")),
     ["date-range", "start-datetime"]),
    ("start-datetime with +00:00, not Z",
     lambda d: setp(d, ["date-range", "start-datetime"],
                    d["date-range"]["start-datetime"].rstrip("Z")
                    + "+00:00"),
     ["date-range", "start-datetime"]),
    ("end-datetime a date only",
     lambda d: setp(d, ["date-range", "end-datetime"],
                    d["date-range"]["end-datetime"][:10]),
     ["date-range", "end-datetime"]),
    ("end-datetime month 13 (format check)",
     lambda d: setp(d, ["date-range", "end-datetime"],
                    "2024-13-05T00:00:00Z"),
     ["date-range", "end-datetime"]),
    ("end-datetime as seconds since the epoch",
     lambda d: setp(d, ["date-range", "end-datetime"], 1728086400),
     ["date-range", "end-datetime"]),
]

if base is not None:
    for what, mutate, where in MUTANTS:
        doc = copy.deepcopy(base)
        mutate(doc)
        errs = errors(doc)
        at = [list(e.absolute_path) for e in errs]
        hit = any(a[:len(where)] == where for a in at)
        ok(errs and hit, "rejected: %s" % what,
           ["errors at: %r" % at if errs else "accepted",
            "expected an error at %r" % where])
else:
    for what, _, _ in MUTANTS:
        ok(False, "rejected: %s" % what, ["no valid report to mutate"])

print("1..%d" % n)
print("\n".join(lines))
print("# %d passed, %d failed" % (n - failed, failed))
sys.exit(1 if failed else 0)
EOF
