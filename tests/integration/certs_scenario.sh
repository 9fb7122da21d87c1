#!/usr/bin/env bash
# `tlsmatrix certs scenario` writes exactly the set a scenario describes; checked with the
# openssl command line: chain through an intermediate, validity windows, a CN-only leaf without
# SAN, a garbage certificate that does not parse, key modes, and bad input exiting 2.
source "$(dirname "$0")/lib/common.sh"

cat >"$tmp/s.yaml" <<'YAML'
name: certs-scenario-check
summary: "Fixture for tests/integration/certs_scenario.sh."
certs:
  root:
    cn: Test Root
    ca: true
  inter:
    issuer: root
    cn: Test Intermediate
    ca: true
  server:
    issuer: inter
    cn: localhost
    san: [DNS:localhost, IP:127.0.0.1]
  expired:
    issuer: root
    cn: localhost
    not_before: -30d
    not_after: -1d
  future:
    issuer: root
    cn: localhost
    not_before: +1d
    not_after: +30d
  cnonly:
    issuer: root
    cn: localhost
  broken:
    issuer: root
    cn: localhost
    garbage: true
server:
  cert: server
  chain: [inter]
  ca: root
client:
  ca_pem_path: root
  server_name: localhost
expect:
  0: pass
  1: pass
  2: pass
YAML

out=$tmp/out
"$TLSMATRIX" certs scenario "$tmp/s.yaml" --out "$out" >"$tmp/log"
for n in root inter server expired future cnonly broken; do
  grep -q "$n.pem" "$tmp/log" || fail "output does not list $n.pem"
  [[ $(stat -c %a "$out/$n.key") == 600 ]] || fail "$n.key mode $(stat -c %a "$out/$n.key")"
  [[ $(stat -c %a "$out/$n.pem") == 644 ]] || fail "$n.pem mode $(stat -c %a "$out/$n.pem")"
done

openssl verify -CAfile "$out/root.pem" -untrusted "$out/inter.pem" "$out/server.pem" >/dev/null \
  || fail "server does not verify through the intermediate"
if openssl verify -CAfile "$out/root.pem" "$out/server.pem" >/dev/null 2>&1; then
  fail "server verifies without the intermediate"
fi
cmp -s <(openssl x509 -in "$out/server.pem" -noout -pubkey) <(openssl pkey -in "$out/server.key" -pubout) \
  || fail "server.key does not match server.pem"
# openssl verify exits non-zero here by design; keep its verdict text, not its status.
verdict=$(openssl verify -CAfile "$out/root.pem" "$out/expired.pem" 2>&1 || true)
[[ $verdict == *"certificate has expired"* ]] || fail "expired.pem is not expired: $verdict"
verdict=$(openssl verify -CAfile "$out/root.pem" "$out/future.pem" 2>&1 || true)
[[ $verdict == *"not yet valid"* ]] || fail "future.pem is already valid: $verdict"
openssl verify -CAfile "$out/root.pem" "$out/cnonly.pem" >/dev/null || fail "cnonly.pem does not verify"
if [[ $(openssl x509 -in "$out/cnonly.pem" -noout -text) == *"Subject Alternative Name"* ]]; then
  fail "cnonly.pem has a SAN extension"
fi
if openssl x509 -in "$out/broken.pem" -noout 2>/dev/null; then
  fail "broken.pem parses as a certificate"
fi
grep -q "BEGIN CERTIFICATE" "$out/broken.pem" || fail "broken.pem has no PEM armour"

# Bad input: an unknown key is exit 2 with FILE:LINE, and nothing is written.
sed 's/^summary:/sumary:/' "$tmp/s.yaml" >"$tmp/bad.yaml"
set +e
"$TLSMATRIX" certs scenario "$tmp/bad.yaml" --out "$tmp/bad" 2>"$tmp/err"
rc=$?
set -e
[[ $rc == 2 ]] || fail "bad scenario exited $rc, want 2"
grep -q "$tmp/bad.yaml:[0-9]" "$tmp/err" || fail "error does not name FILE:LINE: $(cat "$tmp/err")"
[[ ! -e $tmp/bad ]] || fail "bad scenario wrote files"

echo "certs_scenario: ok"
