#!/usr/bin/env bash
# `tlsmatrix run` end to end: the whole catalogue matches (exit 0, reports written and parseable);
# a copy of one scenario with a deliberately wrong expectation is a mismatch (exit 1, the cell
# named on the terminal, a <failure> in the JUnit read with a real XML parser); a malformed file
# stops the run (exit 2, FILE:LINE on stderr, no report file); a filter matching nothing is exit 2.
source "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3

# No catalogue cell expects `timeout`, so every run here gets --timeout 30 as a hang guard: on a
# loaded CI machine the default 5 s per cell was seen to run out.
# 1. The catalogue: every cell matches.
expect_rc 0 "$TLSMATRIX" run "$TLSMATRIX_SOURCE_DIR/scenarios" --timeout 30 --junit "$tmp/all.xml" --json "$tmp/all.json"
$PY - "$tmp/all.json" "$tmp/all.xml" <<'PYEOF'
import json, sys, xml.etree.ElementTree as ET
run = json.load(open(sys.argv[1]))
cells = run["cells"]
assert len(cells) >= 90, len(cells)
bad = [c for c in cells if not c["match"]]
assert not bad, bad[:3]
assert run["summary"]["mismatched"] == 0 and run["summary"]["cells"] == len(cells)
assert {c["mode"] for c in cells} == {0, 1, 2}
assert "grpc-core" in {c["profile"] for c in cells}
root = ET.parse(sys.argv[2]).getroot()
cases = root.iter("testcase")
assert sum(1 for _ in cases) == len(cells)
assert not list(root.iter("failure"))
PYEOF
echo "ok: catalogue matches"

# 2. One scenario copied with a wrong expectation: exit 1, the cell named, a JUnit <failure>.
mkdir "$tmp/wrong"
sed -e 's/^name: valid-rsa$/name: valid-rsa-wrong/' -e 's/^  1: pass$/  1: fail unknown_ca/' \
  "$TLSMATRIX_SOURCE_DIR/scenarios/valid/rsa.yaml" >"$tmp/wrong/rsa.yaml"
grep -q '1: fail unknown_ca' "$tmp/wrong/rsa.yaml" || fail "could not plant the wrong expectation"
expect_rc 1 "$TLSMATRIX" run "$tmp/wrong" --profiles grpc-core --timeout 30 --junit "$tmp/wrong.xml"
shown() { echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; }
grep -q 'valid-rsa-wrong' "$tmp/out" || { shown; fail "the mismatching scenario is not named"; }
grep -q 'unexpected success' "$tmp/out" || { shown; fail "no BoGo-style mismatch line"; }
$PY - "$tmp/wrong.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
failed = [tc for tc in root.iter("testcase") if tc.find("failure") is not None]
assert len(failed) == 1, [tc.attrib for tc in failed]
tc = failed[0]
assert tc.get("classname") == "valid-rsa-wrong", tc.attrib
assert tc.get("name", "").startswith("mode 1"), tc.attrib
assert tc.find("failure").get("message"), "failure without message"
PYEOF
echo "ok: wrong expectation is a mismatch"

# 3. A malformed scenario: exit 2, FILE:LINE on stderr, no report written.
mkdir "$tmp/bad"
cp "$TLSMATRIX_SOURCE_DIR/scenarios/valid/rsa.yaml" "$tmp/bad/a.yaml"
sed -e 's/^name: valid-rsa$/name: bad-one/' -e 's/^  2: pass$/  2: fail no_such_reason/' \
  "$TLSMATRIX_SOURCE_DIR/scenarios/valid/rsa.yaml" >"$tmp/bad/b.yaml"
expect_rc 2 "$TLSMATRIX" run "$tmp/bad" --json "$tmp/bad.json" --junit "$tmp/bad.xml" \
  --markdown "$tmp/bad.md" --html "$tmp/bad.html"
grep -Eq 'b\.yaml:[0-9]+' "$tmp/err" || fail "stderr does not name FILE:LINE: $(cat "$tmp/err")"
for f in bad.json bad.xml bad.md bad.html; do [[ ! -e "$tmp/$f" ]] || fail "$f written for a malformed run"; done
echo "ok: malformed file stops the run"

# 4. A filter that matches nothing is bad input.
expect_rc 2 "$TLSMATRIX" run "$TLSMATRIX_SOURCE_DIR/scenarios" --filter 'nomatch-*'
grep -q 'nomatch' "$tmp/err" || fail "the filter is not named"
echo "ok: empty filter"

# 5. Subsets: only the asked modes and profiles run, in a stable order.
expect_rc 0 "$TLSMATRIX" run "$TLSMATRIX_SOURCE_DIR/scenarios" --timeout 30 --filter 'valid-*' --modes 2,1 \
  --profiles node,grpc-core --jobs 3 --json "$tmp/subset.json"
$PY - "$tmp/subset.json" <<'PYEOF'
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
keys = [(c["scenario"], c["mode"], c["profile"]) for c in cells]
assert {k[1] for k in keys} == {1, 2}, keys
assert {k[2] for k in keys} == {"grpc-core", "node"}, keys
assert all(s.startswith("valid-") for s, _, _ in keys), keys
# scenario (load order), then mode, then profile in the profiles' own order
per = {}
for s, m, p in keys:
    per.setdefault(s, []).append((m, p))
for s, order in per.items():
    assert order == [(1, "grpc-core"), (1, "node"), (2, "grpc-core"), (2, "node")], (s, order)
PYEOF
echo "ok: subsets"
