#!/usr/bin/env bash
# Installs every Debian 12 package that tlsmatrix's build, tests, interop suite and benchmarks need.
# Idempotent: apt-get skips what is already installed. Runs as root (or through sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libssl-dev openssl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev libcli11-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # tests: XML parsing of reports, interop clients, fuzzing
  python3 python3-grpcio python3-protobuf python3-cryptography
  golang-go golang-google-grpc-dev
  clang libclang-rt-14-dev
  # tests: the run report against its JSON Schema, the man page through groff
  python3-jsonschema groff-base
  # tests: the deployment manifests (tests/integration/exporter_deploy.py)
  python3-yaml
  # exporter: its HTTP server library; a real Prometheus (and promtool) for its tests
  libmicrohttpd-dev prometheus
  # bench --layer grpc-server: the lean client's HTTP/2 framing
  libnghttp2-dev
  # packaging: cpack -G DEB (dpkg-shlibdeps works out the Depends line)
  dpkg-dev
)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node is on the base image; Debian's nodejs stands in where it is not.
command -v node >/dev/null 2>&1 || missing+=(nodejs)

if (( ${#missing[@]} )); then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
