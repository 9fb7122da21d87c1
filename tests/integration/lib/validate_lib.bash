# Shared by tests/integration/validate_*.sh (sourced; not a test itself), on top of common.sh.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# validate WANT_EXIT ARGS...: expect_rc WANT_EXIT tlsmatrix validate ARGS.
validate() {
  local want=$1
  shift
  expect_rc "$want" "$TLSMATRIX" validate "$@"
}

# expect_line PATTERN [WHAT]: some output line (stdout or stderr) matches the extended regex.
expect_line() {
  grep -Eq -- "$1" "$tmp/out" "$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; fail "no line matches /$1/ ${2:-}"; }
}

# no_line PATTERN: no output line matches.
no_line() {
  if grep -Eq -- "$1" "$tmp/out" "$tmp/err"; then
    cat "$tmp/out" "$tmp/err" >&2
    fail "a line matches /$1/"
  fi
}

# mutual ARGS...: the usual flags for a set in $dir (a Milvus-layout folder) in mode 2.
mutual_flags() {
  local dir=$1
  echo --tls-mode 2 --server-pem "$dir/server.pem" --server-key "$dir/server.key" \
    --ca-pem "$dir/ca.pem" --trust "$dir/ca.pem" --client-pem "$dir/client.pem" \
    --client-key "$dir/client.key" --server-name localhost
}
