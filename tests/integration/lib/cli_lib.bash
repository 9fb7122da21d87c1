# Shared by the integration tests that run a tlsmatrix binary and check its exit code and output
# (sourced; not a test itself): a private temporary folder $work, removed on exit, and two helpers.
set -euo pipefail

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
work=$(realpath "$work")

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_rc WANT CMD...: runs CMD with stdout in $work/out and stderr in $work/err, and fails,
# showing both, unless it exits WANT.
expect_rc() {
  local want=$1; shift
  set +e; "$@" >"$work/out" 2>"$work/err"; local rc=$?; set -e
  if [[ $rc -ne $want ]]; then
    echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
    fail "exit $rc, want $want: $*"
  fi
}
