#!/usr/bin/env bash
# Faults an operator meets: an expired client certificate in mode 2 (error naming the file and
# the date), a server key from another certificate (error naming the key file), garbage in a
# PEM file (exit 2 naming the file), mode 2 without a CA, and DER input (accepted).
source "$(dirname "$0")/lib/validate_lib.bash"

# Expired client certificate (the catalogue's expiry/client-expired set: expired yesterday).
"$TLSMATRIX" certs scenario "$TLSMATRIX_SOURCE_DIR/scenarios/expiry/client-expired.yaml" \
  --out "$tmp/expired" >/dev/null
d=$tmp/expired
expiry=$(date -u -d "$(openssl x509 -in "$d/client.pem" -noout -enddate | cut -d= -f2)" '+%Y-%m-%d %H:%M:%S UTC')
# shellcheck disable=SC2046
validate 1 $(mutual_flags "$d")
expect_line "✗ $d/client.pem: CN=milvus-client expired on $expiry" "(the expiry date)"
expect_line "fails with client_cert_expired"
# In mode 1 the client certificate is never sent: no error.
validate 0 --tls-mode 1 --server-pem "$d/server.pem" --server-key "$d/server.key" \
  --trust "$d/ca.pem" --client-pem "$d/client.pem" --client-key "$d/client.key" --server-name localhost

# A server key from another certificate.
"$TLSMATRIX" certs gen --key ec-p256 --out "$tmp/good" >/dev/null
g=$tmp/good
validate 1 --tls-mode 1 --server-pem "$g/server.pem" --server-key "$g/client.key" \
  --trust "$g/ca.pem" --server-name localhost
expect_line "✗ $g/client.key: is not the private key of $g/server.pem"
expect_line "fails with server_config_error"

# Garbage inside PEM armour: bad input, exit 2, the file named on stderr.
cp "$g/server.pem" "$tmp/garbage.pem"
sed -i '3s/./#/g' "$tmp/garbage.pem"
validate 2 --tls-mode 1 --server-pem "$tmp/garbage.pem" --server-key "$g/server.key" --trust "$g/ca.pem"
grep -q "^tlsmatrix: $tmp/garbage.pem: " "$tmp/err" || { cat "$tmp/err" >&2; fail "garbage: file not named"; }
[[ ! -s $tmp/out ]] || fail "garbage: a report was printed: $(cat "$tmp/out")"
# The catalogue's garbage certificate (random bytes in armour) and a garbage key too.
"$TLSMATRIX" certs scenario "$TLSMATRIX_SOURCE_DIR/scenarios/broken/garbage-server-pem.yaml" \
  --out "$tmp/garbage" >/dev/null
validate 2 --tls-mode 1 --server-pem "$tmp/garbage/server.pem" --server-key "$tmp/garbage/server.key" \
  --json "$tmp/garbage.json"
expect_line "^tlsmatrix: $tmp/garbage/server.pem: "
[[ ! -e $tmp/garbage.json ]] || fail "a JSON report was written for bad input"
printf 'not a key\n' >"$tmp/bad.key"
validate 2 --tls-mode 1 --server-pem "$g/server.pem" --server-key "$tmp/bad.key"
expect_line "^tlsmatrix: $tmp/bad.key: "

# Mode 2 without a CA for client certificates: the proxy would not start.
validate 1 --tls-mode 2 --server-pem "$g/server.pem" --server-key "$g/server.key" --trust "$g/ca.pem" \
  --server-name localhost
expect_line "✗ tlsMode 2 needs the CA that verifies client certificates but --ca-pem is not set"

# DER files are accepted as well as PEM.
openssl x509 -in "$g/server.pem" -outform DER -out "$tmp/server.der"
openssl pkey -in "$g/server.key" -outform DER -out "$tmp/server.key.der"
openssl x509 -in "$g/ca.pem" -outform DER -out "$tmp/ca.der"
validate 0 --tls-mode 1 --server-pem "$tmp/server.der" --server-key "$tmp/server.key.der" \
  --trust "$tmp/ca.der" --server-name localhost

# Expiring soon: a warning with the days left, still exit 0.
validate 0 --tls-mode 1 --server-pem "$g/server.pem" --server-key "$g/server.key" \
  --trust "$g/ca.pem" --server-name localhost --warn-days 1000
expect_line "! $g/server.pem: CN=localhost expires on .* \(82[0-9] days left\)"
echo "ok: faults are reported as specified"
