#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cpp) with clang into build-fuzz/ and runs each
# for TIME seconds (default 30). Exits non-zero when a target crashes, leaks or hits a sanitizer
# report; the crashing input is left in build-fuzz/fuzz/artifacts/ (turn it into a regression
# test under tests/fuzz/regressions/). Seeds come from the catalogue, tests/fuzz/seeds/ and the
# regression inputs; each target's corpus grows in build-fuzz/fuzz/corpus/NAME/ across runs.
#   scripts/fuzz.sh [TIME] [TARGET...]     e.g. scripts/fuzz.sh 600 pem_fuzz
# Extra libFuzzer flags: FUZZ_FLAGS="-jobs=1 -runs=..."; build dir: BUILD_DIR (build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
time_s=${1:-30}
shift || true
build_dir=${BUILD_DIR:-build-fuzz}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DTLSMATRIX_FUZZ=ON \
  -DTLSMATRIX_BUILD_TESTS=OFF -DTLSMATRIX_BUILD_BENCH=OFF >/dev/null

targets=("$@")
if (( ${#targets[@]} == 0 )); then
  for f in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
cmake --build "$build_dir" -j 2 --target "${targets[@]}"

# Seeds per target: scenario YAML for the loader, PEM/DER fixtures for the key/cert loaders,
# milvus.yaml samples for validate's reader. Missing folders are simply skipped.
seed_dirs() {
  case "$1" in
    scenario_loader_fuzz) echo scenarios tests/fuzz/seeds/scenario ;;
    pem_fuzz) echo tests/fuzz/seeds/pem ;;
    milvus_yaml_fuzz) echo tests/fuzz/seeds/milvus_yaml ;;
  esac
  echo "tests/fuzz/regressions/$1"
}

out="$build_dir/fuzz"
mkdir -p "$out/artifacts"
status=0
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  seeds=()
  for d in $(seed_dirs "$t"); do [[ -d $d ]] && seeds+=("$d"); done
  dict=()
  [[ -f tests/fuzz/${t%_fuzz}.dict ]] && dict=(-dict="tests/fuzz/${t%_fuzz}.dict")
  echo "fuzz: $t for ${time_s}s (seeds: ${seeds[*]:-none})"
  # New inputs go to the first corpus dir (ours), never into the seed folders in the tree.
  if ! "$out/$t" -max_total_time="$time_s" -max_len="${MAX_LEN:-8192}" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" \
        ${FUZZ_FLAGS:-} "$corpus" "${seeds[@]}" 2>"$out/$t.log"; then
    echo "fuzz: $t FAILED; log: $out/$t.log" >&2
    grep -E "ERROR|SUMMARY|unexpected|Test unit written" "$out/$t.log" | head -20 >&2 || true
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$t.log" | sed "s/^/fuzz: $t /"
done
exit $status
