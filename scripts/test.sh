#!/usr/bin/env bash
# The whole test suite from a fresh machine: install dependencies, build, run every ctest test
# (unit, integration, interop), then build the unit tests again under ASan+UBSan and run them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" --output-junit test-results.xml

# Memory errors in our OpenSSL handling must fail the build: a second tree with sanitizers.
BUILD_DIR=build-asan bash scripts/build.sh -DTLSMATRIX_SANITIZE=ON -DTLSMATRIX_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L unit
