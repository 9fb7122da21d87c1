#!/usr/bin/env bash
# Every message names the user's own files, never the names the dynamic check uses inside
# (server.pem, server-key.key, trust.pem, client-key.key ...): with flags, the flag and the file
# (`--server-key mykey.pem`); with milvus.yaml, the key and the file. The files here are named
# unlike the Milvus layout, so any internal name in the output is a defect.
source "$(dirname "$0")/lib/validate_lib.bash"

"$TLSMATRIX" certs gen --key ec-p256 --out "$tmp/a" >/dev/null
"$TLSMATRIX" certs gen --key ec-p256 --out "$tmp/b" >/dev/null
u=$tmp/user
mkdir "$u"
cp "$tmp/a/server.pem" "$u/mycert.crt"
cp "$tmp/a/server.key" "$u/mycert-key.pem"
cp "$tmp/a/ca.pem" "$u/myca.crt"
cp "$tmp/a/client.pem" "$u/myclient.crt"
cp "$tmp/a/client.key" "$u/myclient-key.pem"
cp "$tmp/b/server.key" "$u/mykey.pem"      # a key of another certificate
cp "$tmp/b/client.key" "$u/otherclient.pem" # likewise for the client
cp "$tmp/b/ca.pem" "$u/otherca.crt"

# The names the dynamic check's certificate set uses, as they would appear in a message.
internal='\((server|server-key|ca|trust|client|client-key)\.(pem|key)\)'

# Server key from another certificate, from flags: the detail names the flags and files.
validate 1 --tls-mode 1 --server-pem "$u/mycert.crt" --server-key "$u/mykey.pem" \
  --trust "$u/myca.crt" --server-name localhost
no_line "$internal"
expect_line "fails with server_config_error.*--server-key $u/mykey.pem.*--server-pem $u/mycert.crt" \
  "(the dynamic check names the flags and the user's files)"

# The same from milvus.yaml: the yaml keys and the user's files.
printf 'tls:\n  serverPemPath: %s\n  serverKeyPath: %s\n  caPemPath: %s\ncommon:\n  security:\n    tlsMode: 1\n' \
  "$u/mycert.crt" "$u/mykey.pem" "$u/myca.crt" >"$tmp/milvus.yaml"
validate 1 --milvus-yaml "$tmp/milvus.yaml" --trust "$u/myca.crt" --server-name localhost
no_line "$internal"
expect_line "fails with server_config_error.*tls.serverKeyPath \($u/mykey.pem\).*tls.serverPemPath \($u/mycert.crt\)"

# Mode 2, the client key from another certificate: the client's flags and files.
validate 1 --tls-mode 2 --server-pem "$u/mycert.crt" --server-key "$u/mycert-key.pem" \
  --ca-pem "$u/myca.crt" --trust "$u/myca.crt" --client-pem "$u/myclient.crt" \
  --client-key "$u/otherclient.pem" --server-name localhost
no_line "$internal"
expect_line "fails with client_config_error.*--client-key $u/otherclient.pem"

# Clients trusting another CA, and a client certificate the server's CA did not issue.
validate 1 --tls-mode 2 --server-pem "$u/mycert.crt" --server-key "$u/mycert-key.pem" \
  --ca-pem "$u/otherca.crt" --trust "$u/otherca.crt" --client-pem "$u/myclient.crt" \
  --client-key "$u/myclient-key.pem" --server-name localhost
no_line "$internal"
expect_line "fails with unknown_ca"

# The client trusting caPemPath (no --trust): the message says which file, and from where.
sed -i "s#$u/mykey.pem#$u/mycert-key.pem#" "$tmp/milvus.yaml"
validate 0 --milvus-yaml "$tmp/milvus.yaml" --server-name localhost
no_line "$internal"
expect_line "client trusting $u/myca.crt \(tls.caPemPath"
echo "ok: messages name the user's files"
