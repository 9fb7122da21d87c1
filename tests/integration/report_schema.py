"""The JSON Schema of `tlsmatrix run --json` (docs/schema/run-report.schema.json) cannot drift
from what the binary writes: the whole catalogue's real report, and a run with a planted
mismatch, validate against it; its reason list is the taxonomy in harness/verdict/reason.cpp and
its profile list is `run --help`'s; reports that break it (an unknown field, an unknown reason,
pass with a failure reason) are refused, so this test can fail. What the schema cannot say
(summary counts, match = actual equals expected) is checked here by hand.
"""
import copy
import json
import os
import pathlib
import re
import sys
import tempfile

import jsonschema  # Debian python3-jsonschema (scripts/install-deps.sh)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, fail, run_expect  # noqa: E402
SRC = pathlib.Path(SOURCE_DIR)
SCHEMA_FILE = SRC / "docs" / "schema" / "run-report.schema.json"


def run(args, want_rc):
    return run_expect(args, want_rc, timeout=600, tail=2000)


schema = json.loads(SCHEMA_FILE.read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
if not re.search(r":[0-9]+$", schema["$id"]):
    fail("the schema's $id carries no version: " + schema["$id"])

# The schema's closed lists are the code's.
reason_cpp = (SRC / "harness" / "verdict" / "reason.cpp").read_text()
code_reasons = re.findall(r'\{Reason::(\w+), "(\w+)"\}', reason_cpp)
assert code_reasons and all(a == b for a, b in code_reasons), code_reasons
code_reasons = [name for _, name in code_reasons]
schema_reasons = schema["$defs"]["expectable_reason"]["enum"]
# Never expectable: unclassified (tlsmatrix could not name it) and harness_error (no verdict).
if sorted(schema_reasons + ["unclassified", "harness_error"]) != sorted(code_reasons):
    fail("reasons: schema %s + unclassified, harness_error; code %s" % (schema_reasons, code_reasons))
help_text = run(["run", "--help"], 0).stdout
m = re.search(r"--profiles TEXT:\{([^}]*)\}", help_text)
if not m:
    fail("no profile list in run --help:\n" + help_text)
if sorted(m.group(1).split(",")) != sorted(schema["$defs"]["profile"]["enum"]):
    fail("profiles: schema %s, run --help %s" % (schema["$defs"]["profile"]["enum"], m.group(1)))
m = re.search(r"--servers TEXT:\{([^}]*)\}", help_text)
if not m:
    fail("no server profile list in run --help:\n" + help_text)
if sorted(m.group(1).split(",")) != sorted(schema["$defs"]["server"]["enum"]):
    fail("server profiles: schema %s, run --help %s" % (schema["$defs"]["server"]["enum"], m.group(1)))


def check(report, what):
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    if errors:
        fail("%s does not match the schema:\n%s" % (
            what, "\n".join("  at /%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errors[:10])))
    cells = report["cells"]
    s = report["summary"]
    matched = sum(1 for c in cells if c["match"])
    if (s["cells"], s["matched"], s["mismatched"]) != (len(cells), matched, len(cells) - matched):
        fail("%s: summary %s for %d cells, %d matched" % (what, s, len(cells), matched))
    for c in cells:
        same = c["expected"]["outcome"] == c["actual"]["outcome"] and c["expected"]["reason"] == c["actual"]["reason"]
        if c["match"] != same:
            fail("%s: match=%s for %s" % (what, c["match"], c))


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    # 1. The whole catalogue, every mode, client and server profile. No catalogue cell expects
    #    `timeout`: the 30 s guard keeps a loaded machine from turning a slow cell into a mismatch.
    run(["run", str(SRC / "scenarios"), "--servers", "harness,milvus", "--timeout", "30", "--json",
         str(tmp / "all.json")], 0)
    report = json.loads((tmp / "all.json").read_text())
    check(report, "the catalogue's report")
    reasons_seen = {c["actual"]["reason"] for c in report["cells"]}
    if len(reasons_seen) < 10 or not report["portability"]:
        fail("the catalogue's report is thinner than expected: %s" % sorted(reasons_seen))
    servers_seen = sorted({c["server"] for c in report["cells"]})
    if servers_seen != ["harness", "milvus"]:
        fail("want cells of both server profiles, got %s" % servers_seen)
    print("ok: %d catalogue cells (%d reasons) match the schema" % (len(report["cells"]), len(reasons_seen)))

    # 2. A mismatch (expected fail, actual pass) is as valid a report.
    (tmp / "wrong").mkdir()
    text = (SRC / "scenarios" / "valid" / "rsa.yaml").read_text()
    planted = text.replace("name: valid-rsa\n", "name: valid-rsa-wrong\n").replace("\n  1: pass\n", "\n  1: fail unknown_ca\n")
    if planted == text or "fail unknown_ca" not in planted:
        fail("could not plant the wrong expectation")
    (tmp / "wrong" / "rsa.yaml").write_text(planted)
    run(["run", str(tmp / "wrong"), "--profiles", "grpc-core", "--timeout", "30", "--json", str(tmp / "wrong.json")], 1)
    wrong = json.loads((tmp / "wrong.json").read_text())
    check(wrong, "the mismatch report")
    if wrong["summary"]["mismatched"] != 1:
        fail("want one mismatch: %s" % wrong["summary"])
    print("ok: a report with a mismatch matches the schema")

# 3. The schema refuses what the binary must never write.
cell = report["cells"][0]
bad_reports = {
    "an unknown top-level field": lambda r: r.update(extra=1),
    "an unknown cell field": lambda r: r["cells"][0].update(extra=1),
    "an unknown reason": lambda r: r["cells"][0]["actual"].update(outcome="fail", reason="bogus"),
    "pass with a failure reason": lambda r: r["cells"][0]["actual"].update(outcome="pass", reason="unknown_ca"),
    "fail with reason ok": lambda r: r["cells"][0]["expected"].update(outcome="fail", reason="ok"),
    "unclassified as an expectation": lambda r: r["cells"][0]["expected"].update(outcome="fail", reason="unclassified"),
    "mode 3": lambda r: r["cells"][0].update(mode=3),
    "an unknown server profile": lambda r: r["cells"][0].update(server="envoy"),
    "a cell without a server": lambda r: r["cells"][0].pop("server"),
    "a missing summary": lambda r: r.pop("summary"),
    "a started time that is not UTC": lambda r: r.update(started="2026-01-01T00:00:00+02:00"),
}
for what, spoil in bad_reports.items():
    spoiled = copy.deepcopy(report)
    spoil(spoiled)
    if validator.is_valid(spoiled):
        fail("the schema accepts %s" % what)
print("ok: the schema refuses %d kinds of broken report" % len(bad_reports))
