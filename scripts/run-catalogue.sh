#!/usr/bin/env bash
# The main job from a fresh machine: install dependencies, build, run the built-in scenario
# catalogue in every tlsMode and client profile. Extra arguments go to `tlsmatrix run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/tlsmatrix run scenarios/ "$@"
