#!/usr/bin/env bash
# tlsmatrix bench end to end: a very short run writes JSON with every field of the contract
# (checked with Python's json module, values of the right types and handshakes that happened),
# a self-contained HTML page, and bad values exit 2 naming the value. No timing assertions.
source "$(dirname "$0")/lib/common.sh"
bin=$TLSMATRIX
py=/usr/bin/python3

"$bin" bench --layer tls --modes 1,2 --keys ec-p256 --tls 1.3 --resume --concurrency 2 \
  --duration 0.5 --json "$tmp/b.json" --html "$tmp/b.html" > "$tmp/stdout" \
  || fail "bench exited $? ($(cat "$tmp/stdout"))"
grep -q "of ceil" "$tmp/stdout" || fail "no table on stdout"

$py - "$tmp/b.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
fields = {"layer": str, "mode": int, "key": str, "tls": str, "resume": bool, "concurrency": int,
          "handshakes_per_s": (int, float), "p50_us": (int, float), "p90_us": (int, float),
          "p99_us": (int, float), "cpu_us_per_handshake": (int, float),
          "ceiling_per_s": (int, float), "bound_per_s": (int, float),
          "fraction_of_ceiling": (int, float), "fraction_of_bound": (int, float)}
rows = doc["results"]
assert len(rows) == 4, f"want 4 configurations (2 modes x full/resumed), got {len(rows)}"
seen = set()
for r in rows:
    for name, kind in fields.items():
        assert name in r, f"missing {name} in {r}"
        assert isinstance(r[name], kind) and not (kind is not bool and isinstance(r[name], bool)), \
            f"{name} has type {type(r[name]).__name__}: {r[name]!r}"
    assert r["layer"] == "tls" and r["key"] == "ec-p256" and r["tls"] == "1.3", r
    assert r["concurrency"] == 2, r
    assert r["handshakes"] > 0 and r["failed"] == 0, f"no clean handshakes: {r}"
    assert r["handshakes_per_s"] > 0 and r["ceiling_per_s"] > 0 and r["bound_per_s"] > 0, r
    assert 0 < r["p50_us"] <= r["p90_us"] <= r["p99_us"], r
    if r["resume"]:
        assert r["resumed_handshakes"] == r["handshakes"], f"resumed run did not resume: {r}"
    else:
        assert r["resumed_handshakes"] == 0, f"full run resumed: {r}"
    seen.add((r["mode"], r["resume"]))
assert seen == {(1, False), (1, True), (2, False), (2, True)}, seen
PY

# Workers spread over two forked processes: their results come back merged.
"$bin" bench --modes 1 --keys ec-p256 --tls 1.2 --processes 2 --concurrency 2 --duration 0.3 \
  --json "$tmp/p.json" > /dev/null || fail "bench --processes 2 exited $?"
$py - "$tmp/p.json" <<'PY'
import json, sys
(r,) = json.load(open(sys.argv[1]))["results"]
assert r["processes"] == 2 and r["tls"] == "1.2", r
assert r["handshakes"] > 0 and r["failed"] == 0, r
PY

# The gRPC layer (the runner's Milvus-like server and pymilvus-like client), mode 2.
"$bin" bench --layer grpc-client --modes 2 --keys ec-p256 --tls 1.3 --concurrency 2 --duration 0.3 \
  --json "$tmp/g.json" > /dev/null || fail "bench --layer grpc-client exited $?"
$py - "$tmp/g.json" <<'PY'
import json, sys
(r,) = json.load(open(sys.argv[1]))["results"]
assert r["layer"] == "grpc-client" and r["mode"] == 2, r
assert r["handshakes"] > 0 and r["failed"] == 0, r
PY

grep -q "<svg" "$tmp/b.html" || fail "HTML has no inline SVG"
# The page says everything the terminal said (the table's dashes aside), in the same words.
$py - "$tmp/stdout" "$tmp/b.html" <<'PY'
import sys
from html.parser import HTMLParser
class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
    def handle_starttag(self, tag, attrs=None):
        if tag not in ("b", "i"):
            self.parts.append(" ")
    def handle_endtag(self, tag):
        self.handle_starttag(tag)
    def handle_data(self, data):
        self.parts.append(data)
t = Text()
t.feed(open(sys.argv[2], encoding="utf-8").read())
page = " ".join("".join(t.parts).split())
missing = []
for line in open(sys.argv[1], encoding="utf-8"):
    want = " ".join(line.split())
    if not want or set(want) == {"-"}:
        continue
    if want == "ratios (handshakes/s):":
        want = "Ratios (handshakes/s)"
    if want not in page:
        missing.append(want)
assert not missing, "on the terminal but not in the HTML:\n" + "\n".join(missing)
PY
if grep -Eq "(src|href)=['\"]https?:" "$tmp/b.html"; then fail "HTML loads something from the network"; fi

# Bad values: exit 2 and the message names the value.
check_bad() {
  local want=$1; shift
  set +e
  "$bin" bench "$@" --duration 0.1 > "$tmp/bad.out" 2>&1
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "bench $* exited $rc, want 2"
  grep -q -- "$want" "$tmp/bad.out" || fail "bench $*: message does not name '$want': $(cat "$tmp/bad.out")"
}
check_bad rsa1024 --keys rsa2048,rsa1024
check_bad 3 --modes 1,3
check_bad 1.1 --tls 1.1
check_bad quic --layer quic
check_bad "does not exist" --json "$tmp/missing/r.json"
check_bad "::1:4433" --target ::1:4433
check_bad "localhost:https" --target localhost:https
[ ! -e "$tmp/never.json" ] || fail "unexpected file"
echo "bench_cli: ok"
