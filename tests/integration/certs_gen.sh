#!/usr/bin/env bash
# `tlsmatrix certs gen` checked from the outside with the openssl command line: the chain
# verifies, the dates and SANs are what the flags asked for, keys match certificates, key files
# are private, and a second run refuses to overwrite keys without --force.
source "$(dirname "$0")/lib/common.sh"

check_set() {  # DIR: the six files form a working Milvus-layout set
  local dir=$1
  for f in ca server client; do
    [[ -f $dir/$f.pem && -f $dir/$f.key ]] || fail "$dir: $f.pem/$f.key missing"
    [[ $(stat -c %a "$dir/$f.key") == 600 ]] || fail "$dir/$f.key mode $(stat -c %a "$dir/$f.key")"
    [[ $(stat -c %a "$dir/$f.pem") == 644 ]] || fail "$dir/$f.pem mode $(stat -c %a "$dir/$f.pem")"
    # The public key in the certificate is the public half of the key file.
    cmp -s <(openssl x509 -in "$dir/$f.pem" -noout -pubkey) <(openssl pkey -in "$dir/$f.key" -pubout) \
      || fail "$dir/$f.key does not match $f.pem"
  done
  openssl verify -CAfile "$dir/ca.pem" -purpose sslserver "$dir/server.pem" >/dev/null \
    || fail "$dir/server.pem does not verify as a server certificate"
  openssl verify -CAfile "$dir/ca.pem" -purpose sslclient "$dir/client.pem" >/dev/null \
    || fail "$dir/client.pem does not verify as a client certificate"
  if openssl verify -CAfile "$dir/ca.pem" -purpose sslserver "$dir/client.pem" >/dev/null 2>&1; then
    fail "$dir/client.pem passes as a server certificate (EKU missing?)"
  fi
}

# Defaults: rsa2048, CN localhost, SAN localhost + 127.0.0.1, 825 days.
out=$tmp/default
"$TLSMATRIX" certs gen --out "$out" >"$tmp/gen.log"
grep -q "server.pem" "$tmp/gen.log" || fail "gen did not list server.pem"
grep -q "expires" "$tmp/gen.log" || fail "gen did not print expiry dates"
check_set "$out"
# Whole outputs captured before matching: `cmd | grep -q` can SIGPIPE cmd and, with pipefail, fail.
[[ $(openssl x509 -in "$out/server.pem" -noout -text) == *"Public-Key: (2048 bit)"* ]] || fail "default key is not RSA-2048"
san=$(openssl x509 -in "$out/server.pem" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
[[ $san == "DNS:localhost,IPAddress:127.0.0.1" ]] || fail "default SAN is '$san'"
[[ $(openssl x509 -in "$out/server.pem" -noout -subject) == *"CN = localhost"* ]] || fail "default CN"
# Valid now and for 824 more days, but not for 826.
openssl x509 -in "$out/server.pem" -noout -checkend $((824 * 86400)) >/dev/null || fail "server expires too early"
if openssl x509 -in "$out/server.pem" -noout -checkend $((826 * 86400)) >/dev/null; then
  fail "server valid beyond 825 days"
fi
openssl x509 -in "$out/ca.pem" -noout -checkend $((3000 * 86400)) >/dev/null || fail "CA expires too early"

# A second run without --force must not touch the keys, and names the file.
before=$(sha256sum "$out/server.key")
set +e
"$TLSMATRIX" certs gen --out "$out" 2>"$tmp/err.log"
rc=$?
set -e
[[ $rc == 2 ]] || fail "second run without --force exited $rc, want 2"
grep -q "$out/.*\.key: already exists" "$tmp/err.log" || fail "refusal does not name the file: $(cat "$tmp/err.log")"
[[ $(sha256sum "$out/server.key") == "$before" ]] || fail "server.key changed without --force"
"$TLSMATRIX" certs gen --out "$out" --force >/dev/null || fail "--force run failed"
[[ $(sha256sum "$out/server.key") != "$before" ]] || fail "--force did not rewrite server.key"
check_set "$out"

# Flags: EC key, own CN and SANs (bare name = DNS, bare address = IP), short validity.
out=$tmp/custom
"$TLSMATRIX" certs gen --out "$out" --key ec-p384 --cn milvus.example --days 10 \
  --san 'milvus.example,IP:10.0.0.7,::1,URI:spiffe://td/proxy' >/dev/null
check_set "$out"
[[ $(openssl x509 -in "$out/server.pem" -noout -text) == *"NIST CURVE: P-384"* ]] || fail "--key ec-p384 ignored"
san=$(openssl x509 -in "$out/server.pem" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
[[ $san == "DNS:milvus.example,IPAddress:10.0.0.7,IPAddress:0:0:0:0:0:0:0:1,URI:spiffe://td/proxy" ]] \
  || fail "custom SAN is '$san'"
if openssl x509 -in "$out/server.pem" -noout -checkend $((11 * 86400)) >/dev/null; then
  fail "--days 10 certificate valid for 11 days"
fi
openssl x509 -in "$out/server.pem" -noout -checkend $((9 * 86400)) >/dev/null || fail "--days 10 too short"

# Bad input: exit 2 with one line, nothing written.
too_many_sans="--san $(seq -s, -f 'h%g.test' 1 1001)"  # one over kMaxSubjectAltNames
for args in "--key dsa" "--san IP:nonsense" "--days 0" "$too_many_sans"; do
  set +e
  # shellcheck disable=SC2086
  "$TLSMATRIX" certs gen --out "$tmp/bad" $args >/dev/null 2>&1
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "certs gen ${args:0:40} exited $rc, want 2"
  [[ ! -e $tmp/bad ]] || fail "certs gen ${args:0:40} wrote something"
done

# --cn is checked up front and named as --cn (not "internal error", not a --san problem): empty,
# over X.509's 64 characters, not UTF-8. 64 two-byte characters are 64 characters, and fine.
for cn in "" "$(printf 'a%.0s' {1..65})" $'caf\xe9'; do
  set +e
  "$TLSMATRIX" certs gen --out "$tmp/bad" --cn "$cn" >/dev/null 2>"$tmp/err.log"
  rc=$?
  set -e
  [[ $rc == 2 ]] || fail "certs gen --cn '${cn:0:20}' exited $rc, want 2"
  [[ $(head -n 1 "$tmp/err.log") == --cn:* ]] || fail "certs gen --cn '${cn:0:20}': $(cat "$tmp/err.log")"
  [[ ! -e $tmp/bad ]] || fail "certs gen --cn '${cn:0:20}' wrote something"
done
"$TLSMATRIX" certs gen --out "$tmp/wide-cn" --key ec-p256 --cn "$(printf '\xc3\xa9%.0s' {1..64})" \
  >/dev/null || fail "a CN of 64 two-byte characters was refused"

echo "certs_gen: ok"
