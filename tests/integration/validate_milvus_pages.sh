#!/usr/bin/env bash
# The Milvus pages' certificate sets, generated from the scenario catalogue: the older page's
# SAN set is clean; the 2.3/2.4 page's CN-only set is an error for go (with the subjectAltName
# fix) and only a warning for grpc-core and node; the 2.5 page's client certificate (serverAuth
# only) is an error in mode 2.
source "$(dirname "$0")/lib/validate_lib.bash"

pages=$TLSMATRIX_SOURCE_DIR/scenarios/milvus
for page in page-older-san page-2.4-cn-only page-2.5-eku-serverauth; do
  "$TLSMATRIX" certs scenario "$pages/$page.yaml" --out "$tmp/$page" >/dev/null
done

# shellcheck disable=SC2046
validate 0 $(mutual_flags "$tmp/page-older-san")
expect_line "0 warnings, 0 errors: passed"
expect_line "'localhost' is covered by the subjectAltName"

# shellcheck disable=SC2046
validate 1 $(mutual_flags "$tmp/page-2.4-cn-only")
expect_line "✗ \[go\] .*server.pem: 'localhost' appears only in the subject CN"
expect_line "fix: reissue .*server.pem with subjectAltName = DNS:localhost"
expect_line "! \[grpc-core,node\] .*server.pem: 'localhost' appears only in the subject CN"
# The dynamic check agrees: go fails on the name, the others connect.
expect_line "✗ \[go\] local server in tlsMode 2.*fails with hostname_mismatch"
expect_line "✓ \[grpc-core,node\] local server in tlsMode 2.*succeeded"

# Mode 1, as the page tells one-way clients: trust server.pem itself.
d=$tmp/page-2.4-cn-only
validate 1 --tls-mode 1 --server-pem "$d/server.pem" --server-key "$d/server.key" \
  --trust "$d/server.pem" --server-name localhost --profiles go
expect_line "✗ .*server.pem: 'localhost' appears only in the subject CN"

# shellcheck disable=SC2046
validate 1 $(mutual_flags "$tmp/page-2.5-eku-serverauth")
expect_line "✗ .*client.pem: .*extendedKeyUsage serverAuth without clientAuth"
expect_line "fix: reissue .*client.pem with extendedKeyUsage = clientAuth"
echo "ok: the Milvus pages' sets are judged as expected"
