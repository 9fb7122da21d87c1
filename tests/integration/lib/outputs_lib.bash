# Shared by tests/integration/output_*.sh and certs_set_writes.sh (sourced; not a test itself).
# A test that mounts (read-only or full tmpfs folders) sets `private_mounts=yes` before sourcing:
# it then runs in a private mount namespace, so its mounts vanish with it and nothing outside
# sees them. Where that is not allowed, `mount_tmpfs` fails and the test skips those cases.
set -euo pipefail
if [[ ${private_mounts:-} == yes && -z ${TLSMATRIX_PRIVATE_NS:-} ]] &&
  unshare -m --propagation private true 2>/dev/null; then
  TLSMATRIX_PRIVATE_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Background processes (add their pids) are killed and mounts undone at exit, before $tmp goes.
mounted=()
background=()
outputs_cleanup() {
  local m p
  for p in "${background[@]}"; do kill "$p" 2>/dev/null || true; done
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
}
at_exit outputs_cleanup

# One fast cell: what `run` needs to have something to report.
small=(run "$TLSMATRIX_SOURCE_DIR/scenarios/valid/ec-p256.yaml" --modes 1 --profiles grpc-core)

# tlsm WANT ARGS...: expect_rc WANT tlsmatrix ARGS.
tlsm() {
  local want=$1
  shift
  expect_rc "$want" "$TLSMATRIX" "$@"
}

# mount_tmpfs DIR SIZE: a tmpfs of SIZE (e.g. 64k) on DIR, unmounted at exit; fails (status 1)
# where mounting is not allowed. Only in a test that set private_mounts=yes.
mount_tmpfs() {
  [[ -n ${TLSMATRIX_PRIVATE_NS:-} ]] || return 1
  mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null || return 1
  mounted=("$1" "${mounted[@]}")
}
