#!/usr/bin/env bash
# The module-edge check (cmake/check_module_edges.cmake) that every build runs: the tree passes
# it with the build's own manifest, and it fails, naming file, line and the edge, on trees that
# break the rules: an include of an undeclared module (in a small tree and in a copy of the real
# one), a file outside every module's folder, an include of a folder that is no module, a
# manifest that declares a module that does not exist, and modules that depend on each other.
set -euo pipefail
src=${TLSMATRIX_SOURCE_DIR:?TLSMATRIX_SOURCE_DIR must point at the source tree}
build=${TLSMATRIX_BUILD_DIR:?TLSMATRIX_BUILD_DIR must point at the build tree}
check=$src/cmake/check_module_edges.cmake
manifest=$build/module_edges.txt
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# $1 = tree, $2 = manifest; sets rc and leaves the output in $out/log.
run_check() {
  rc=0
  cmake -DROOT="$1" -DMANIFEST="$2" -P "$check" > "$out/log" 2>&1 || rc=$?
}
expect_line() {
  grep -qxF -- "$1" "$out/log" || fail "want the line '$1'; got: $(cat "$out/log")"
}

[ -f "$manifest" ] || fail "$manifest: the build wrote no manifest"

# 1. The real tree keeps to its declared edges, and they point one way.
run_check "$src" "$manifest"
[ "$rc" -eq 0 ] || fail "the source tree fails its own check: $(cat "$out/log")"

# 2. A small tree: x509 on ossl and io, runner on x509; x509 includes runner.
t=$out/small
mkdir -p "$t/harness/ossl" "$t/harness/io" "$t/harness/x509" "$t/harness/runner"
printf '#pragma once\n' > "$t/harness/ossl/ossl_ptr.h"
printf '#pragma once\n' > "$t/harness/io/utf8.h"
printf '#pragma once\n#include "harness/x509/verify.h"\n' > "$t/harness/runner/runner.h"
printf '#pragma once\n#include "harness/ossl/ossl_ptr.h"\n' > "$t/harness/x509/verify.h"
printf '#include "harness/x509/verify.h"\n\n#include "harness/io/utf8.h"\n' > "$t/harness/x509/foo.cpp"
cat > "$t/manifest.txt" <<'EOF'
ossl|harness/ossl|
io|harness/io|
x509|harness/x509|ossl io
runner|harness/runner|x509
EOF
run_check "$t" "$t/manifest.txt"
[ "$rc" -eq 0 ] || fail "a tree that keeps its edges fails: $(cat "$out/log")"

printf '// a comment: #include "harness/runner/runner.h" is not an include\n' >> "$t/harness/x509/foo.cpp"
printf '#include "harness/runner/runner.h"\n' >> "$t/harness/x509/foo.cpp"
run_check "$t" "$t/manifest.txt"
[ "$rc" -ne 0 ] || fail "x509 including runner passed the check"
expect_line "harness/x509/foo.cpp:5: x509 may not include runner (declared deps: ossl io)"
[ "$(grep -c 'may not include' "$out/log")" -eq 1 ] || fail "want exactly one offence: $(cat "$out/log")"

# 3. ossl declares nothing, so an include of io from it names "none".
printf '#include "harness/io/utf8.h"\n' > "$t/harness/ossl/bad.cpp"
run_check "$t" "$t/manifest.txt"
expect_line "harness/ossl/bad.cpp:1: ossl may not include io (declared deps: none)"
rm "$t/harness/ossl/bad.cpp" "$t/harness/x509/foo.cpp"

# 4. Code in a folder no module owns, an include of such a folder, an undeclared dependency.
mkdir -p "$t/harness/stray"
printf '#pragma once\n' > "$t/harness/stray/s.h"
printf '#include "harness/stray/s.h"\n' > "$t/harness/x509/uses_stray.cpp"
echo 'yaml|harness/yaml|nosuch' >> "$t/manifest.txt"
run_check "$t" "$t/manifest.txt"
[ "$rc" -ne 0 ] || fail "stray code passed the check"
expect_line "harness/stray/s.h: in no module's folder (declare its folder with tlsmatrix_module)"
expect_line "harness/x509/uses_stray.cpp:1: x509 includes harness/stray/s.h, which is in no module"
expect_line "$t/manifest.txt: yaml declares nosuch, which is no module"

# 5. Declared dependencies that go round: named as a cycle.
cat > "$t/cycle.txt" <<'EOF'
ossl|harness/ossl|
io|harness/io|
x509|harness/x509|ossl io runner
runner|harness/runner|x509
EOF
rm -r "$t/harness/stray" "$t/harness/x509/uses_stray.cpp"
run_check "$t" "$t/cycle.txt"
[ "$rc" -ne 0 ] || fail "a dependency cycle passed the check"
expect_line "$t/cycle.txt: modules depend on each other: x509 -> runner -> x509"

# 6. A copy of the real tree, checked with the real manifest, with one back-edge added.
mkdir -p "$out/real"
cp -r "$src/harness" "$src/reports" "$out/real/"
echo '#include "harness/runner/runner.h"' >> "$out/real/harness/verdict/reason.cpp"
lines=$(wc -l < "$out/real/harness/verdict/reason.cpp")
run_check "$out/real" "$manifest"
[ "$rc" -ne 0 ] || fail "verdict including runner passed the check"
grep -qE "^harness/verdict/reason\.cpp:$lines: verdict may not include runner \(declared deps: [a-z0-9_ ]+\)$" "$out/log" \
  || fail "no offence line for verdict -> runner: $(cat "$out/log")"

echo "ok"
