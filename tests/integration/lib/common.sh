# Sourced first by every integration shell script (not a test itself: ctest globs only
# tests/integration/*.sh): strict mode, the environment ctest sets, a private temporary folder
# $tmp removed on exit (with whatever `at_exit` added, run first), `fail` and `expect_rc`.
set -euo pipefail

: "${TLSMATRIX:?set TLSMATRIX to the tlsmatrix binary}"
: "${TLSMATRIX_SOURCE_DIR:?set TLSMATRIX_SOURCE_DIR to the source tree}"

tmp=$(mktemp -d)
tmp=$(realpath "$tmp")
_at_exit=()
# at_exit CMD: run CMD (a shell string) when the script exits, before $tmp goes; the last added
# runs first. A failing CMD does not stop the rest.
at_exit() { _at_exit=("$1" "${_at_exit[@]}"); }
_exit_handler() {
  local c
  for c in "${_at_exit[@]}"; do eval "$c" || true; done
  rm -rf "$tmp"
}
trap _exit_handler EXIT

# fail MESSAGE: the test fails with "FAIL: MESSAGE" on stderr.
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_rc WANT CMD...: runs CMD (stdin from /dev/null) with stdout in $tmp/out and stderr in
# $tmp/err, and fails, showing both, unless it exits WANT.
expect_rc() {
  local want=$1 rc=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  if [[ $rc -ne $want ]]; then
    echo "--- stdout" >&2; cat "$tmp/out" >&2; echo "--- stderr" >&2; cat "$tmp/err" >&2
    fail "exit $rc, want $want: $*"
  fi
}
