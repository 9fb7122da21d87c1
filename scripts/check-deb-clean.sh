#!/usr/bin/env bash
# Installs the .deb into a clean Debian 12 (debootstrap minbase in a temporary folder, as root)
# and runs `tlsmatrix run` with no path from outside any checkout: the installed catalogue must be
# found and every cell match. Not part of CI (it downloads the base system, ~2 min); run it by
# hand after changing the packaging: bash scripts/check-deb-clean.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
work=$(mktemp -d)
root="$work/deb12"
cleanup() {
  for m in proc dev sys; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/deb" >/dev/null
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
cp "$work"/deb/tlsmatrix_*_amd64.deb "$root/root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
for m in proc dev sys; do mount --bind "/$m" "$root/$m"; done
chroot "$root" /bin/bash -c 'apt-get update -q >/dev/null &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/tlsmatrix_*_amd64.deb >/dev/null &&
  cd /tmp && tlsmatrix run'
echo "check-deb-clean: the .deb installs on a clean Debian 12 and runs its catalogue"
