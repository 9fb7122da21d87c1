#!/usr/bin/env bash
# The compose fixture copied to a temp folder with certificates generated into it:
# `--milvus-yaml milvus.yaml --root DIR` maps /milvus/tls/* onto DIR/tls/* and validates clean;
# without --root the container paths are bad input naming milvus.yaml; a wrong type in
# milvus.yaml is bad input with file:line.
source "$(dirname "$0")/lib/validate_lib.bash"

cp -r "$TLSMATRIX_SOURCE_DIR/fixtures/compose" "$tmp/compose"
c=$tmp/compose
"$TLSMATRIX" certs gen --key ec-p256 --out "$c/tls" >/dev/null

(cd "$c" && "$TLSMATRIX" validate --milvus-yaml milvus.yaml --root . --trust tls/ca.pem \
  --client-pem tls/client.pem --client-key tls/client.key --server-name localhost >"$tmp/out" 2>"$tmp/err") \
  || { cat "$tmp/out" "$tmp/err" >&2; fail "compose folder does not validate clean"; }
expect_line "tlsMode 2 \(from milvus.yaml\)"
expect_line "✓ tls/server.key: is the private key of tls/server.pem"
expect_line "✓ tls/client.pem: verifies to tls/ca.pem \(tls.caPemPath in milvus.yaml\)"
expect_line "0 errors: passed"

# Absolute --root works the same.
validate 0 --milvus-yaml "$c/milvus.yaml" --root "$c" --trust "$c/tls/ca.pem" \
  --client-pem "$c/tls/client.pem" --client-key "$c/tls/client.key" --server-name localhost

# Without --root the container paths do not exist here.
validate 2 --milvus-yaml "$c/milvus.yaml"
expect_line "^tlsmatrix: $c/milvus.yaml: tls.serverPemPath = /milvus/tls/server.pem: no file at /milvus/tls/server.pem .*--root"

# A wrong type: bad input with file:line:col.
sed -i 's/tlsMode: 2/tlsMode: [2]/' "$c/milvus.yaml"
validate 2 --milvus-yaml "$c/milvus.yaml" --root "$c"
expect_line "^tlsmatrix: $c/milvus.yaml:[0-9]+:[0-9]+: common.security.tlsMode must be an integer"

# tlsMode 2 without caPemPath is an error naming milvus.yaml and the key.
printf 'tls:\n  serverPemPath: /milvus/tls/server.pem\n  serverKeyPath: /milvus/tls/server.key\ncommon:\n  security:\n    tlsMode: 2\n' >"$c/milvus.yaml"
validate 1 --milvus-yaml "$c/milvus.yaml" --root "$c" --trust "$c/tls/ca.pem" --server-name localhost
expect_line "✗ $c/milvus.yaml: tlsMode 2 needs .* but tls.caPemPath in $c/milvus.yaml is not set"
echo "ok: compose folder with --root"
