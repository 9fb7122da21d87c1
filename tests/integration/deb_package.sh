#!/usr/bin/env bash
# The Debian package. `cpack -G DEB` from the build tree makes tlsmatrix_VERSION_ARCH.deb; its
# Depends line (dpkg-shlibdeps) names the Debian package of every shared library the binary
# needs (checked against ldd + dpkg -S, not against a list written here); its contents are the
# binary, the catalogue, the man page and the docs under /usr and nowhere else. Installing into
# the real system is too heavy for a test, so the package is unpacked with `dpkg -x` into a
# temporary root, and that binary, started outside the checkout, finds the packaged catalogue
# beside itself and runs it.
source "$(dirname "$0")/lib/common.sh"
: "${TLSMATRIX_BUILD_DIR:?build tree}"
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || fail "$tool not found (scripts/install-deps.sh installs dpkg-dev)"
done

cpack -G DEB --config "$TLSMATRIX_BUILD_DIR/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 \
  || { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
debs=("$tmp"/pkg/tlsmatrix_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { ls -l "$tmp/pkg"; fail "want one tlsmatrix_*.deb"; }
deb=${debs[0]}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$TLSMATRIX_BUILD_DIR/CMakeCache.txt")
[[ $(basename "$deb") == "tlsmatrix_${version}_$(dpkg --print-architecture).deb" ]] \
  || fail "file name $(basename "$deb")"
[[ $(dpkg-deb -f "$deb" Package) == tlsmatrix ]] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "Version: $(dpkg-deb -f "$deb" Version)"

# Depends: every library the binary loads comes from a package the .deb depends on.
depends=$(dpkg-deb -f "$deb" Depends)
[[ -n $depends ]] || fail "no Depends line"
echo "Depends: $depends"
dep_names=" $(echo "$depends" | tr ',|' '\n\n' | sed -E 's/^ *([^ (]+).*/\1/' | tr '\n' ' ') "
bin=$TLSMATRIX_BUILD_DIR/tlsmatrix
declare -A loaded  # soname -> the file ldd resolves it to
while read -r soname _ path _; do loaded[$soname]=$path; done < <(ldd "$bin" | grep ' => /')
checked=0
for soname in $(readelf -d "$bin" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p'); do
  path=${loaded[$soname]:-}
  [[ -n $path ]] || fail "ldd does not resolve $soname"
  # Merged /usr: dpkg knows a file by the name its package ships, /lib/... or /usr/lib/....
  owner=""
  for name in "$path" "${path#/usr}" "/usr$path"; do
    owner=$(dpkg -S "$name" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $owner ]] && break
  done
  [[ -n $owner ]] || fail "no package owns $path ($soname)"
  [[ $dep_names == *" $owner "* ]] || fail "$soname comes from $owner, which Depends does not name"
  checked=$((checked + 1))
done
[[ $checked -ge 4 ]] || fail "only $checked direct libraries checked; the ldd parsing is off"
for want in libssl3 libyaml-cpp0.7 libc6; do
  [[ $dep_names == *" $want "* ]] || fail "Depends lacks $want: $depends"
done
echo "ok: Depends covers the $checked libraries the binary links directly"

# Contents: all under /usr, the four kinds of file in their places.
dpkg-deb --contents "$deb" | awk '{print $6}' >"$tmp/contents"
if grep -vE '^\./(usr/)?$|^\./usr/' "$tmp/contents"; then fail "files outside /usr"; fi
grep -q '^\./usr/local' "$tmp/contents" && fail "files under /usr/local"
for f in ./usr/bin/tlsmatrix ./usr/share/tlsmatrix/scenarios/valid/rsa.yaml \
         ./usr/share/man/man1/tlsmatrix.1.gz ./usr/share/doc/tlsmatrix/README.md \
         ./usr/share/doc/tlsmatrix/docs/reasons.md ./usr/share/doc/tlsmatrix/docs/schema/run-report.schema.json; do
  grep -qxF "$f" "$tmp/contents" || fail "$f not in the package"
done
yamls=$(grep -c '^\./usr/share/tlsmatrix/scenarios/.*\.yaml$' "$tmp/contents")
want=$(find "$TLSMATRIX_SOURCE_DIR/scenarios" -name '*.yaml' | wc -l)
[[ $yamls -eq $want ]] || fail "$yamls scenario files packaged, the catalogue has $want"
echo "ok: contents ($(wc -l <"$tmp/contents") entries)"

# Unpacked into a temporary root and run from a folder outside the checkout.
dpkg -x "$deb" "$tmp/root"
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
expect_rc 0 env -u TLSMATRIX_SCENARIOS "$tmp/root/usr/bin/tlsmatrix" run --profiles grpc-core --modes 1 --timeout 30
grep -qF "catalogue: $tmp/root/usr/share/tlsmatrix/scenarios (installed with $tmp/root/usr/bin/tlsmatrix)" "$tmp/out" \
  || { head -5 "$tmp/out"; fail "the packaged binary did not use the packaged catalogue"; }
echo "ok: the unpacked binary runs the packaged catalogue"
