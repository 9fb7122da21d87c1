#!/usr/bin/env bash
# `certs gen` and `certs scenario` write a set whole or not at all: on a disk that fills up no
# file of the set appears (the set is made in a temporary folder and renamed into place), and a
# --force over an existing set leaves either the old set or the new one, never a mix. The folder
# holding the keys is 0700 and the keys 0600 whatever the umask, and missing parent folders are
# not made writable for others. The full disk is a small tmpfs in a private mount namespace;
# where mounting is not allowed, that case is skipped with a note.
private_mounts=yes
source "$(dirname "$0")/lib/outputs_lib.bash"

mode() { stat -c %a "$1"; }

# Permissions under umask 000: nothing the command creates is writable by others, the key
# folder is private, the keys too.
(
  umask 000
  "$TLSMATRIX" certs gen --out "$tmp/a/b/tls" --key ec-p256 >/dev/null
  "$TLSMATRIX" certs scenario "$TLSMATRIX_SOURCE_DIR/scenarios/valid/ec-p256.yaml" \
    --out "$tmp/scen" >/dev/null
)
for d in "$tmp/a/b/tls" "$tmp/scen"; do
  [[ $(mode "$d") == 700 ]] || fail "umask 000: $d is $(mode "$d"), want 700"
  for k in "$d"/*.key; do [[ $(mode "$k") == 600 ]] || fail "umask 000: $k is $(mode "$k")"; done
  for p in "$d"/*.pem; do [[ $(mode "$p") == 644 ]] || fail "umask 000: $p is $(mode "$p")"; done
done
for d in "$tmp/a" "$tmp/a/b"; do
  (( (8#$(mode "$d") & 8#022) == 0 )) || fail "umask 000: parent folder $d is $(mode "$d")"
done
[[ $(ls -A "$tmp/a/b") == tls ]] || fail "temporaries left next to the set: $(ls -A "$tmp/a/b")"

# A set given to --force into a folder that also holds other files: those stay.
echo "keep me" >"$tmp/a/b/tls/milvus.yaml"
"$TLSMATRIX" certs gen --out "$tmp/a/b/tls" --key ec-p256 --force >/dev/null
[[ $(cat "$tmp/a/b/tls/milvus.yaml") == "keep me" ]] || fail "--force lost a file that is not part of the set"

mkdir "$tmp/small"
if ! mount_tmpfs "$tmp/small" 16k; then
  echo "certs_set_writes: skipping the full-disk cases: mount is not allowed here"
  echo "certs_set_writes: ok"
  exit 0
fi

# 16 KiB hold four of the six files: no file of the set may appear.
for cmd in "gen" "scenario $TLSMATRIX_SOURCE_DIR/scenarios/valid/rsa.yaml"; do
  got=0
  # shellcheck disable=SC2086
  "$TLSMATRIX" certs $cmd --out "$tmp/small/tls" >"$tmp/out" 2>"$tmp/err" || got=$?
  [[ $got == 2 ]] || fail "certs ${cmd%% *} on a full disk exited $got, want 2"
  grep -q "No space left on device" "$tmp/err" || fail "certs ${cmd%% *}: stderr is '$(cat "$tmp/err")'"
  [[ -z $(ls -A "$tmp/small") ]] || fail "certs ${cmd%% *} on a full disk left: $(ls -A "$tmp/small")"
done

# --force over a whole set on a disk with room for only part of the new one: old or new, never a
# mix (each certificate verifies against ca.pem and its key matches it).
umount "$tmp/small"
mounted=()
mount_tmpfs "$tmp/small" 40k
"$TLSMATRIX" certs gen --out "$tmp/small/tls" >/dev/null
head -c 8k /dev/zero >"$tmp/small/filler" 2>/dev/null || true
before=$(cd "$tmp/small/tls" && sha256sum -- *)
got=0
"$TLSMATRIX" certs gen --out "$tmp/small/tls" --force >"$tmp/out" 2>"$tmp/err" || got=$?
after=$(cd "$tmp/small/tls" && sha256sum -- *)
if [[ $got != 0 ]]; then
  [[ $got == 2 ]] || fail "--force on a nearly full disk exited $got"
  [[ $after == "$before" ]] || fail "--force failed and changed the old set"
else
  [[ $(comm -12 <(echo "$before") <(echo "$after")) == "" ]] || fail "--force left a mix of old and new files"
fi
for f in server client; do
  openssl verify -CAfile "$tmp/small/tls/ca.pem" "$tmp/small/tls/$f.pem" >/dev/null \
    || fail "after --force on a nearly full disk, $f.pem does not verify to ca.pem"
done
[[ $(ls -A "$tmp/small") == $'filler\ntls' ]] || fail "temporaries left: $(ls -A "$tmp/small")"
echo "certs_set_writes: ok"
