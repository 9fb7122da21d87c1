#!/usr/bin/env bash
# Relative paths in milvus.yaml are resolved as Milvus resolves them: against its working
# directory (--workdir, default the current directory), not against the folder holding
# milvus.yaml. The older Milvus page's `configs/cert/server.pem` sits under the Milvus root,
# next to configs/milvus.yaml. A path not found says which base was used and how to change it;
# --root maps only absolute paths.
source "$(dirname "$0")/lib/validate_lib.bash"

m=$tmp/milvus  # the Milvus root: what its process runs in
"$TLSMATRIX" certs gen --key ec-p256 --out "$m/configs/cert" >/dev/null
printf 'tls:\n  serverPemPath: configs/cert/server.pem\n  serverKeyPath: configs/cert/server.key\n  caPemPath: configs/cert/ca.pem\ncommon:\n  security:\n    tlsMode: 1\n' \
  >"$m/configs/milvus.yaml"

# Started from the Milvus root, as Milvus is: found without --workdir.
(cd "$m" && "$TLSMATRIX" validate --milvus-yaml configs/milvus.yaml --trust configs/cert/ca.pem \
  --server-name localhost >"$tmp/out" 2>"$tmp/err") \
  || { cat "$tmp/out" "$tmp/err" >&2; fail "relative paths from the current directory (the Milvus root) not found"; }
expect_line "✓ configs/cert/server.key: is the private key of configs/cert/server.pem"

# From elsewhere, --workdir names Milvus's working directory.
validate 0 --milvus-yaml "$m/configs/milvus.yaml" --workdir "$m" --trust "$m/configs/cert/ca.pem" \
  --server-name localhost
expect_line "✓ $m/configs/cert/server.key: is the private key of $m/configs/cert/server.pem"

# From elsewhere without --workdir: not found, and the message says against what and why.
(cd "$tmp" && "$TLSMATRIX" validate --milvus-yaml milvus/configs/milvus.yaml >"$tmp/out" 2>"$tmp/err") \
  && fail "relative paths were found against the wrong base"
[[ $(wc -l <"$tmp/err") == 1 ]] || fail "not one line: $(cat "$tmp/err")"
expect_line "^tlsmatrix: milvus/configs/milvus.yaml: tls.serverPemPath = configs/cert/server.pem: no file at $tmp/configs/cert/server.pem"
expect_line "relative paths are resolved against --workdir $tmp \(the current directory\), Milvus's working directory"
expect_line "--root maps only absolute paths"
# Not against the folder holding milvus.yaml, which Milvus does not use.
no_line "$m/configs/configs/cert"

# --workdir and --root together: relative paths from --workdir, absolute ones through --root.
printf 'tls:\n  serverPemPath: /milvus/configs/cert/server.pem\n  serverKeyPath: configs/cert/server.key\ncommon:\n  security:\n    tlsMode: 1\n' \
  >"$tmp/mixed.yaml"
validate 0 --milvus-yaml "$tmp/mixed.yaml" --root "$tmp" --workdir "$m" \
  --trust "$m/configs/cert/ca.pem" --server-name localhost
expect_line "✓ $m/configs/cert/server.key: is the private key of $tmp/milvus/configs/cert/server.pem"
validate 2 --milvus-yaml "$tmp/mixed.yaml" --root "$tmp" --workdir "$tmp"
expect_line "serverKeyPath = configs/cert/server.key: no file at $tmp/configs/cert/server.key \(relative paths are resolved against --workdir $tmp, Milvus's working directory"

# Usage: --workdir must exist and belongs to --milvus-yaml.
validate 2 --milvus-yaml "$m/configs/milvus.yaml" --workdir "$tmp/nope"
validate 2 --tls-mode 0 --workdir "$m"
echo "ok: relative milvus.yaml paths resolve against --workdir"
