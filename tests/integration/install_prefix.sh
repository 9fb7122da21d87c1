#!/usr/bin/env bash
# Installed use: `cmake --install` into a temporary prefix puts the binary, the catalogue, the man
# page and the docs where GNUInstallDirs says, and the installed `tlsmatrix run` with no PATH,
# started in a folder that has no ./scenarios, finds the installed catalogue, says which one, and
# runs it. Then the rest of the lookup order (`tlsmatrix run --help`): $TLSMATRIX_SCENARIOS comes
# first and pointing nowhere is exit 2; ./scenarios comes before the installed one; a binary with
# no catalogue anywhere is exit 2 naming the places it tried.
source "$(dirname "$0")/lib/common.sh"
: "${TLSMATRIX_BUILD_DIR:?build tree}"

prefix=$tmp/prefix
cmake --install "$TLSMATRIX_BUILD_DIR" --prefix "$prefix" >"$tmp/install.log" \
  || { cat "$tmp/install.log"; fail "cmake --install failed"; }
for f in bin/tlsmatrix share/tlsmatrix/scenarios/valid/rsa.yaml share/tlsmatrix/scenarios/README.md \
         share/man/man1/tlsmatrix.1.gz share/doc/tlsmatrix/README.md share/doc/tlsmatrix/docs/README.md \
         share/doc/tlsmatrix/docs/cli.md share/doc/tlsmatrix/docs/schema/run-report.schema.json \
         share/tlsmatrix/clients/python/grpc_client.py share/tlsmatrix/clients/go/main.go \
         share/tlsmatrix/clients/node/tls_client.js; do
  [[ -e $prefix/$f ]] || fail "$f not installed under the prefix"
done
[[ -x $prefix/bin/tlsmatrix ]] || fail "bin/tlsmatrix is not executable"
# Exactly the catalogue's files, nothing lost on the way.
want=$(cd "$TLSMATRIX_SOURCE_DIR/scenarios" && find . -type f | sort)
got=$(cd "$prefix/share/tlsmatrix/scenarios" && find . -type f | sort)
[[ $want == "$got" ]] || fail "installed catalogue differs: $(diff <(echo "$want") <(echo "$got"))"
echo "ok: installed layout"

# 1. From a folder outside the checkout, no PATH, no $TLSMATRIX_SCENARIOS: the installed catalogue.
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
installed=$prefix/share/tlsmatrix/scenarios
# The hang guard of run_catalogue.sh: no catalogue cell expects `timeout`.
expect_rc 0 env -u TLSMATRIX_SCENARIOS "$prefix/bin/tlsmatrix" run --profiles grpc-core --modes 1 \
  --timeout 30 --json "$tmp/installed.json"
grep -qF "catalogue: $installed (installed with $prefix/bin/tlsmatrix)" "$tmp/out" \
  || { cat "$tmp/out"; fail "the run does not say it used the installed catalogue"; }
/usr/bin/python3 - "$tmp/installed.json" "$installed" "$TLSMATRIX_SOURCE_DIR/scenarios" <<'PYEOF'
import json, pathlib, sys
run = json.load(open(sys.argv[1]))
installed, source = sys.argv[2], pathlib.Path(sys.argv[3])
cells = run["cells"]
want = len(list(source.rglob("*.yaml")))
assert len(cells) == want, (len(cells), want)        # one cell per scenario: mode 1, one profile
assert all(c["file"].startswith(installed + "/") for c in cells), cells[0]["file"]
assert run["summary"]["mismatched"] == 0, [c for c in cells if not c["match"]][:2]
PYEOF
echo "ok: the installed binary finds the installed catalogue"

# 2. $TLSMATRIX_SCENARIOS wins over everything else, and is named.
mkdir -p "$tmp/mine" "$tmp/withdir/scenarios"
cp "$TLSMATRIX_SOURCE_DIR/scenarios/valid/rsa.yaml" "$tmp/mine/"
expect_rc 0 env TLSMATRIX_SCENARIOS="$tmp/mine" "$prefix/bin/tlsmatrix" run --profiles grpc-core --modes 1 --timeout 30
grep -qF "catalogue: $tmp/mine (from \$TLSMATRIX_SCENARIOS)" "$tmp/out" || { cat "$tmp/out"; fail "env not used or not named"; }
grep -q 'valid-rsa' "$tmp/out" || fail "the env catalogue's scenario did not run"
# ...even over ./scenarios:
cp "$TLSMATRIX_SOURCE_DIR/scenarios/valid/ec-p256.yaml" "$tmp/withdir/scenarios/"
cd "$tmp/withdir"
expect_rc 0 env TLSMATRIX_SCENARIOS="$tmp/mine" "$prefix/bin/tlsmatrix" run --profiles grpc-core --modes 1 --timeout 30
grep -qF "catalogue: $tmp/mine" "$tmp/out" || { cat "$tmp/out"; fail "./scenarios beat \$TLSMATRIX_SCENARIOS"; }
echo "ok: \$TLSMATRIX_SCENARIOS"

# 3. Pointing nowhere is bad input, not a silent fall-back to another catalogue.
expect_rc 2 env TLSMATRIX_SCENARIOS="$tmp/nothing-here" "$prefix/bin/tlsmatrix" run --profiles grpc-core --modes 1
grep -q 'TLSMATRIX_SCENARIOS' "$tmp/err" && grep -qF "$tmp/nothing-here" "$tmp/err" \
  || fail "the bad \$TLSMATRIX_SCENARIOS is not named: $(cat "$tmp/err")"
echo "ok: a \$TLSMATRIX_SCENARIOS that does not exist is exit 2"

# 4. ./scenarios in the current folder beats the installed catalogue.
expect_rc 0 env -u TLSMATRIX_SCENARIOS "$prefix/bin/tlsmatrix" run --profiles grpc-core --modes 1 --timeout 30
grep -qF "catalogue: scenarios (./scenarios in the current folder)" "$tmp/out" || { cat "$tmp/out"; fail "./scenarios not used"; }
grep -q 'valid-ec-p256' "$tmp/out" || fail "./scenarios's scenario did not run"
echo "ok: ./scenarios"

# 5. A binary with no catalogue beside it, none in the current folder and none set: exit 2, and the
#    message names where it looked. (Skipped when the compiled-in prefix really has a catalogue.)
mkdir -p "$tmp/lonely/bin" "$tmp/empty"
cp "$prefix/bin/tlsmatrix" "$tmp/lonely/bin/"
cd "$tmp/empty"
builtin=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$TLSMATRIX_BUILD_DIR/CMakeCache.txt")/share/tlsmatrix/scenarios
if [[ -d $builtin ]]; then
  echo "skip: $builtin exists on this machine, so a lone binary finds it"
else
  expect_rc 2 env -u TLSMATRIX_SCENARIOS "$tmp/lonely/bin/tlsmatrix" run --modes 1
  for place in TLSMATRIX_SCENARIOS ./scenarios "$tmp/lonely/share/tlsmatrix/scenarios" "$builtin"; do
    grep -qF -- "$place" "$tmp/err" || fail "the message does not name $place: $(cat "$tmp/err")"
  done
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "want one line: $(cat "$tmp/err")"
  echo "ok: no catalogue anywhere is exit 2: $(cat "$tmp/err")"
fi
