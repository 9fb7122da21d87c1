#!/usr/bin/env bash
# A set made by `tlsmatrix certs gen` validates clean (exit 0, no warning, no error) in modes 1
# and 2 for every profile, including the dynamic check's real handshakes; the JSON report says
# the same and parses.
source "$(dirname "$0")/lib/validate_lib.bash"

"$TLSMATRIX" certs gen --out "$tmp/tls" >/dev/null
d=$tmp/tls

validate 0 --tls-mode 1 --server-pem "$d/server.pem" --server-key "$d/server.key" \
  --trust "$d/ca.pem" --server-name localhost --json "$tmp/mode1.json"
expect_line "0 warnings, 0 errors: passed"
expect_line "✓ local server in tlsMode 1.*handshake and one RPC succeeded"
no_line "✗|^  ! "

# shellcheck disable=SC2046
validate 0 $(mutual_flags "$d") --json "$tmp/mode2.json"
expect_line "0 warnings, 0 errors: passed"
expect_line "✓ .*client.pem: verifies to .*ca.pem"
expect_line "✓ local server in tlsMode 2.*presenting .*client.pem: handshake and one RPC succeeded"
no_line "✗|^  ! "

/usr/bin/python3 - "$tmp/mode1.json" "$tmp/mode2.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    doc = json.load(open(path))
    assert doc["tool"] == "tlsmatrix" and doc["command"] == "validate", doc
    assert doc["exit_code"] == 0 and doc["summary"]["errors"] == 0, doc["summary"]
    assert doc["input"]["profiles"] == ["grpc-core", "go", "node"], doc["input"]
    hs = [c for c in doc["checks"] if c["check"] == "handshake"]
    assert len(hs) == 1 and hs[0]["severity"] == "ok" and hs[0]["profiles"] == [], hs
PY

# One profile only.
# shellcheck disable=SC2046
validate 0 $(mutual_flags "$d") --profiles go
expect_line "profiles go$"
echo "ok: certs gen set validates clean in modes 1 and 2"
