# Shared by tests/integration/validate_*.sh (sourced; not a test itself).
set -euo pipefail

: "${TLSMATRIX:?set TLSMATRIX to the tlsmatrix binary}"
: "${TLSMATRIX_SOURCE_DIR:?set TLSMATRIX_SOURCE_DIR to the source tree}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# validate WANT_EXIT ARGS...: runs `tlsmatrix validate ARGS`, keeping stdout in $tmp/out and
# stderr in $tmp/err, and fails unless it exits WANT_EXIT.
validate() {
  local want=$1
  shift
  local got=0
  "$TLSMATRIX" validate "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [[ $got != "$want" ]]; then
    cat "$tmp/out" "$tmp/err" >&2
    fail "validate $* exited $got, want $want"
  fi
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
