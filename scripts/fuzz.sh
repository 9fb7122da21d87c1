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

# Certificates and keys are never committed, so the PEM/DER seeds are made here with the openssl
# command (tests may use it): RSA, EC and Ed25519 keys in PKCS#8 and legacy form, DER copies, an
# encrypted key, a two-certificate chain.
make_pem_seeds() {
  local d=$1
  [[ -f $d/done ]] && return 0
  command -v openssl >/dev/null 2>&1 || return 0
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:1024 -nodes -keyout rsa.key -out rsa.pem -subj /CN=ca -days 2 \
      -addext subjectAltName=DNS:localhost,IP:127.0.0.1
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
    openssl req -new -key ec.key -subj /CN=leaf -out leaf.csr
    openssl x509 -req -in leaf.csr -CA rsa.pem -CAkey rsa.key -set_serial 2 -days 2 -out leaf.pem
    cat leaf.pem rsa.pem > chain.pem
    openssl genpkey -algorithm ED25519 -out ed25519.key
    openssl pkey -in rsa.key -traditional -out rsa-pkcs1.key
    openssl ec -in ec.key -out ec-sec1.key
    openssl x509 -in rsa.pem -outform DER -out rsa.der
    openssl pkey -in ec.key -outform DER -out ec.key.der
    openssl pkcs8 -topk8 -in ec.key -passout pass:x -out ec-encrypted.key
    rm -f leaf.csr
  ) >/dev/null 2>&1 || true
  touch "$d/done"
}

# Seeds per target: scenario YAML for the loader, PEM/DER fixtures for the key/cert loaders,
# milvus.yaml samples for validate's reader. Missing folders are simply skipped.
seed_dirs() {
  case "$1" in
    scenario_loader_fuzz) echo scenarios tests/fuzz/seeds/scenario ;;
    pem_fuzz) echo "$out/seeds/pem" tests/fuzz/seeds/pem ;;
    milvus_yaml_fuzz) echo tests/fuzz/seeds/milvus_yaml ;;
  esac
  echo "tests/fuzz/regressions/$1"
}

# OpenSSL's decoders allocate heavily on every call; ASan's default allocation stacks and 256 MB
# quarantine made the PEM target five times slower (mostly page faults). Errors are still
# caught; to see the allocation stack of a crash, replay its artifact with ASAN_OPTIONS unset:
#   ASAN_OPTIONS= build-fuzz/fuzz/pem_fuzz build-fuzz/fuzz/artifacts/pem_fuzz-crash-...
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0:quarantine_size_mb=16}

out="$build_dir/fuzz"
mkdir -p "$out/artifacts"
make_pem_seeds "$out/seeds/pem"
status=0
for t in "${targets[@]}"; do
  corpus="$out/corpus/$t"
  mkdir -p "$corpus"
  seeds=()
  for d in $(seed_dirs "$t"); do [[ -d $d ]] && seeds+=("$(realpath "$d")"); done
  dict=()
  [[ -f tests/fuzz/${t%_fuzz}.dict ]] && dict=(-dict="$PWD/tests/fuzz/${t%_fuzz}.dict")
  echo "fuzz: $t for ${time_s}s (seeds: ${seeds[*]:-none})"
  # From inside $out, so that -jobs=N's fuzz-N.log files land there and not in the tree; new
  # inputs go to the first corpus folder (ours), never into the seed folders.
  rm -f "$out"/fuzz-*.log
  if ! (cd "$out" && exec "./$t" -max_total_time="$time_s" -max_len="${MAX_LEN:-8192}" \
          -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$t-" \
          "${dict[@]}" ${FUZZ_FLAGS:-} "corpus/$t" "${seeds[@]}") >"$out/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; log: $out/$t.log" >&2
    status=1
  fi
  for job_log in "$out"/fuzz-*.log; do
    [[ -f $job_log ]] && cat "$job_log" >>"$out/$t.log" && rm -f "$job_log"
  done
  if grep -qE "ERROR: |unexpected exception|InputError does not|error queue not drained|deadly signal" \
       "$out/$t.log"; then
    echo "fuzz: $t found a problem; log: $out/$t.log" >&2
    grep -E "ERROR|SUMMARY|unexpected|InputError does not|not drained|Test unit written" "$out/$t.log" \
      | head -20 >&2 || true
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$t.log" | awk "!seen[\$0]++" |
    sed "s/^/fuzz: $t /"
done
exit $status
