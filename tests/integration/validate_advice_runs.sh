#!/usr/bin/env bash
# Every command validate prints as advice runs as printed. For a set of broken deployments, each
# `tlsmatrix ...` or `openssl ...` command in a "fix:" line is run exactly as printed (through
# bash, in a fresh folder, `tlsmatrix` on PATH) and must exit 0; a certificate set it makes must
# then pass the check that advised it.
source "$(dirname "$0")/lib/validate_lib.bash"

bin=$tmp/bin
mkdir "$bin"
ln -s "$TLSMATRIX" "$bin/tlsmatrix"

"$TLSMATRIX" certs gen --key ec-p256 --out "$tmp/set" >/dev/null
"$TLSMATRIX" certs gen --key ec-p256 --out "$tmp/other" >/dev/null
"$TLSMATRIX" certs scenario "$TLSMATRIX_SOURCE_DIR/scenarios/milvus/page-2.4-cn-only.yaml" \
  --out "$tmp/cn-only" >/dev/null
s=$tmp/set
long=a-rather-long-host-name-label.with-several-labels.milvus.example.com  # 68 characters

ran=0
declare -A done_cmds  # a command advised twice runs once (RSA key generation is the slow part)
# advise NAME ARGS...: validate ARGS (must exit 1), then run each advised command.
advise() {
  local name=$1
  shift
  local server_name=localhost args=("$@") i
  for ((i = 0; i < ${#args[@]} - 1; i++)); do
    [[ ${args[i]} == --server-name ]] && server_name=${args[i + 1]}
  done
  validate 1 "$@"
  # A command outside backticks would escape the extraction below.
  if grep -E '^ +fix: ' "$tmp/out" | sed 's/`[^`]*`//g' | grep -Eq '(^|[^-])\b(tlsmatrix|openssl) [a-z-]'; then
    cat "$tmp/out" >&2
    fail "$name: a command in a fix: line is not in backticks"
  fi
  local found=0 cmd
  while IFS= read -r cmd; do
    found=1
    [[ -z ${done_cmds[$cmd]:-} ]] || continue
    done_cmds[$cmd]=1
    local dir
    dir=$(mktemp -d "$tmp/run.XXXX")
    local got=0
    (cd "$dir" && PATH="$bin:$PATH" bash -c "$cmd") >"$dir.log" 2>&1 || got=$?
    [[ $got == 0 ]] || { cat "$dir.log" >&2; fail "$name: advice \`$cmd\` exited $got"; }
    echo "ok: $name: \`$cmd\` runs"
    ran=$((ran + 1))
    # A set it made must pass what was advised: the name, and the key.
    local made
    made=$(find "$dir" -name server.pem | head -1)
    if [[ -n $made ]]; then
      local d=${made%/server.pem}
      "$TLSMATRIX" validate --tls-mode 1 --server-pem "$d/server.pem" --server-key "$d/server.key" \
        --trust "$d/ca.pem" --server-name "$server_name" >"$dir.check" 2>&1 ||
        { cat "$dir.check" >&2; fail "$name: the set \`$cmd\` made does not validate for $server_name"; }
    fi
  done < <(grep -E '^ +fix: ' "$tmp/out" | grep -oE '`(tlsmatrix|openssl) [^`]*`' | tr -d '`')
  [[ $found == 1 ]] || { cat "$tmp/out" >&2; fail "$name: no command advised"; }
}

advise "name not in the certificate" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --trust "$s/ca.pem" --server-name milvus.example.com
advise "IP name not in the certificate" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --trust "$s/ca.pem" --server-name 10.1.2.3
advise "name only in the CN" --tls-mode 1 --server-pem "$tmp/cn-only/server.pem" \
  --server-key "$tmp/cn-only/server.key" --trust "$tmp/cn-only/ca.pem" --server-name localhost \
  --profiles go
advise "name longer than a CN may be" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --trust "$s/ca.pem" --server-name "$long"
# Names a shell would split or take as an option must still reach certs gen whole.
advise "name needing shell quotes" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --trust "$s/ca.pem" --server-name "milvus's host" --profiles go
advise "name starting with a dash" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --trust "$s/ca.pem" --server-name -milvus.example --profiles go
advise "server key of another certificate" --tls-mode 1 --server-pem "$s/server.pem" \
  --server-key "$tmp/other/server.key" --trust "$s/ca.pem" --server-name localhost
advise "client key of another certificate" --tls-mode 2 --server-pem "$s/server.pem" \
  --server-key "$s/server.key" --ca-pem "$s/ca.pem" --trust "$s/ca.pem" \
  --client-pem "$s/client.pem" --client-key "$tmp/other/client.key" --server-name localhost
[[ $ran -ge 7 ]] || fail "only $ran distinct commands ran"
echo "ok: $ran distinct advised commands run as printed"
