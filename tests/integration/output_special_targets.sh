#!/usr/bin/env bash
# A report path that is not a plain file is written to, never replaced: a character device, a
# FIFO, /dev/stdout get the report's bytes; a symlink keeps being a symlink and its target gets
# the report (replaced atomically). A write that fails (a full device: ENOSPC) is exit 2 with the
# path and the cause. The test damages nothing real: devices are mknod'ed in a temp folder, and
# /dev/stdout and /dev/full are tried in a private mount namespace whose /dev is a fresh tmpfs
# (skipped, with a note, where unshare or mount is not allowed).
source "$(dirname "$0")/lib/outputs_lib.bash"

is_json() { /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"; }

# A character device that is always full (the kernel's "full", 1:7), made in the temp folder.
if mknod "$tmp/full" c 1 7 2>/dev/null; then
  tlsm 2 "${small[@]}" --json "$tmp/full"
  [[ -c $tmp/full ]] || fail "--json FULL-DEVICE turned the device into $(stat -c %F "$tmp/full")"
  grep -qx "tlsmatrix: $tmp/full: write failed: No space left on device" "$tmp/err" \
    || fail "full device: stderr is '$(cat "$tmp/err")'"
  grep -q "cells" "$tmp/out" || fail "full device: the console report is missing"
  mknod "$tmp/null" c 1 3
  tlsm 0 "${small[@]}" --json "$tmp/null"
  [[ -c $tmp/null ]] || fail "--json NULL-DEVICE turned the device into $(stat -c %F "$tmp/null")"
else
  echo "output_special_targets: skipping the device cases: mknod is not allowed here"
fi

# A FIFO with a reader gets the whole report and stays a FIFO.
mkfifo "$tmp/fifo"
timeout 60 cat "$tmp/fifo" >"$tmp/from-fifo" &  # a hang guard only
background+=($!)
tlsm 0 "${small[@]}" --junit "$tmp/fifo"
[[ -p $tmp/fifo ]] || fail "--junit FIFO turned the FIFO into $(stat -c %F "$tmp/fifo")"
wait "${background[0]}" || true
/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' \
  "$tmp/from-fifo" || fail "the FIFO's reader did not get a whole JUnit file"

# A symlink (relative, from another folder) stays a symlink; its target gets the report.
mkdir "$tmp/links"
echo "old" >"$tmp/real.json"
ln -s ../real.json "$tmp/links/r.json"
tlsm 0 "${small[@]}" --json "$tmp/links/r.json"
[[ -L $tmp/links/r.json && $(readlink "$tmp/links/r.json") == ../real.json ]] \
  || fail "--json SYMLINK replaced the link: $(stat -c %F "$tmp/links/r.json")"
is_json "$tmp/real.json" || fail "the link's target does not hold the JSON report"
[[ $(find "$tmp" -name '.*tmp*' | wc -l) == 0 ]] || fail "temporaries left: $(find "$tmp" -name '.*tmp*')"

# A dangling link is followed: the report is created where it points.
ln -s made-by-run.json "$tmp/dangling.json"
tlsm 0 "${small[@]}" --json "$tmp/dangling.json"
[[ -L $tmp/dangling.json ]] && is_json "$tmp/made-by-run.json" || fail "dangling link not followed"

# A link into a folder that does not exist is refused before any cell runs.
ln -s "$tmp/no-such-folder/r.json" "$tmp/nowhere.json"
tlsm 2 "${small[@]}" --json "$tmp/nowhere.json"
grep -q "^tlsmatrix: $tmp/nowhere.json: .*$tmp/no-such-folder.* does not exist" "$tmp/err" \
  || fail "link into a missing folder: stderr is '$(cat "$tmp/err")'"
[[ ! -s $tmp/out && -L $tmp/nowhere.json ]] || fail "link into a missing folder: a cell ran or the link changed"

# /dev/stdout and /dev/full themselves, in a private /dev so that nothing real is at stake.
private_dev() {  # SNIPPET: runs bash SNIPPET in a mount namespace with a fresh /dev
  unshare -m --propagation private env TLSMATRIX="$TLSMATRIX" tmp="$tmp" bash -c '
    set -e
    mount -t tmpfs -o size=1m,mode=755 tmpfs /dev
    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
    mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9
    ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
    ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
    set +e
    '"$1"'
    { stat -c %F /dev/stdout; stat -c %F /dev/full; } >"$tmp/dev-types"'
}
if unshare -m --propagation private mount -t tmpfs tmpfs "$tmp/links" 2>/dev/null; then
  run_args="${small[*]}"
  private_dev "\"\$TLSMATRIX\" $run_args --json /dev/stdout >\"\$tmp/stdout\" 2>\"\$tmp/err\"; echo \$? >\"\$tmp/rc\""
  [[ $(cat "$tmp/rc") == 0 ]] || fail "--json /dev/stdout exited $(cat "$tmp/rc"): $(cat "$tmp/err")"
  [[ $(head -n 1 "$tmp/dev-types") == "symbolic link" ]] || fail "--json /dev/stdout replaced /dev/stdout"
  # The console report comes first, then the JSON report, whole, on the same stdout.
  /usr/bin/python3 - "$tmp/stdout" <<'PY' || fail "--json /dev/stdout: stdout lacks the table or the JSON"
import json, sys
text = open(sys.argv[1]).read()
start = text.index("\n{") + 1
assert "cells" in text[:start], text[:start]
assert json.loads(text[start:])["tool"] == "tlsmatrix"
PY
  private_dev "\"\$TLSMATRIX\" $run_args --json /dev/full >\"\$tmp/stdout\" 2>\"\$tmp/err\"; echo \$? >\"\$tmp/rc\""
  [[ $(cat "$tmp/rc") == 2 ]] || fail "--json /dev/full exited $(cat "$tmp/rc"), want 2"
  [[ $(tail -n 1 "$tmp/dev-types") == "character special file" ]] || fail "--json /dev/full replaced /dev/full"
  grep -qx "tlsmatrix: /dev/full: write failed: No space left on device" "$tmp/err" \
    || fail "--json /dev/full: stderr is '$(cat "$tmp/err")'"
else
  echo "output_special_targets: skipping /dev/stdout and /dev/full: no private mount namespace here"
fi
echo "output_special_targets: ok"
