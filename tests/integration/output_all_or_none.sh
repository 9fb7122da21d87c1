#!/usr/bin/env bash
# Report paths are checked before any work starts (a folder nobody can write in costs no run),
# and the reports of one command are written all or none: when one cannot be written, the others
# keep their old content and no temporary is left. `validate` and `probe` the same; and a write
# that fails at the very end (a full disk) still shows validate's report before the error.
# Read-only and full folders are tmpfs mounts in a private mount namespace; where mounting is not
# allowed, those cases are skipped with a note.
private_mounts=yes
source "$(dirname "$0")/lib/outputs_lib.bash"

temporaries() { find "$tmp" -name '.*tmp*' -not -path "$tmp/ro/*"; }

mkdir "$tmp/ok" "$tmp/ro" "$tmp/full"
echo "old report" >"$tmp/ok/r.json"

# The same file for two reports would keep only one of them: refused up front.
tlsm 2 "${small[@]}" --json "$tmp/ok/same" --junit "$tmp/ok/same"
grep -q "^tlsmatrix: $tmp/ok/same: given for both --json and --junit" "$tmp/err" \
  || fail "same file twice: stderr is '$(cat "$tmp/err")'"
[[ ! -s $tmp/out && ! -e $tmp/ok/same ]] || fail "same file twice: a cell ran or the file was written"

"$TLSMATRIX" certs gen --out "$tmp/tls" >/dev/null
server=(--tls-mode 1 --server-pem "$tmp/tls/server.pem" --server-key "$tmp/tls/server.key"
        --trust "$tmp/tls/ca.pem" --server-name localhost)

if ! mount_tmpfs "$tmp/ro" 64k; then
  echo "output_all_or_none: skipping the read-only and full-disk cases: mount is not allowed here"
  echo "output_all_or_none: ok"
  exit 0
fi
mount -o remount,ro "$tmp/ro"
mount_tmpfs "$tmp/full" 64k
head -c 1M /dev/zero >"$tmp/full/filler" 2>/dev/null || true  # fills it: ENOSPC is the point

# run: a read-only folder is found before the first cell; the other reports are not touched.
tlsm 2 "${small[@]}" --json "$tmp/ok/r.json" --junit "$tmp/ok/r.xml" --html "$tmp/ro/r.html"
grep -qx "tlsmatrix: $tmp/ro/r.html: cannot write in folder $tmp/ro: Read-only file system" \
  "$tmp/err" || fail "run, read-only folder: stderr is '$(cat "$tmp/err")'"
[[ ! -s $tmp/out ]] || fail "run, read-only folder: cells ran before the refusal"
[[ $(cat "$tmp/ok/r.json") == "old report" && ! -e $tmp/ok/r.xml ]] \
  || fail "run, read-only folder: other reports were written"

# run: a disk that fills up while writing: the run is reported, no report changes, exit 2.
tlsm 2 "${small[@]}" --json "$tmp/ok/r.json" --junit "$tmp/ok/r.xml" --html "$tmp/full/r.html"
grep -qx "tlsmatrix: $tmp/full/r.html: write failed: No space left on device" "$tmp/err" \
  || fail "run, full disk: stderr is '$(cat "$tmp/err")'"
grep -q "cells" "$tmp/out" || fail "run, full disk: the console report is missing"
[[ $(cat "$tmp/ok/r.json") == "old report" ]] || fail "run, full disk: --json was replaced although --html failed"
[[ ! -e $tmp/ok/r.xml && ! -e $tmp/full/r.html ]] || fail "run, full disk: a report was written"
[[ -z $(temporaries) ]] || fail "run, full disk: temporaries left: $(temporaries)"

# validate: refused before the checks; on a full disk the report is shown, then the error.
tlsm 2 validate "${server[@]}" --json "$tmp/ro/v.json"
grep -qx "tlsmatrix: $tmp/ro/v.json: cannot write in folder $tmp/ro: Read-only file system" \
  "$tmp/err" || fail "validate, read-only folder: stderr is '$(cat "$tmp/err")'"
[[ ! -s $tmp/out ]] || fail "validate, read-only folder: the checks ran"
tlsm 2 validate "${server[@]}" --json "$tmp/full/v.json"
grep -q "0 errors: passed" "$tmp/out" || fail "validate, full disk: the report is hidden"
grep -qx "tlsmatrix: $tmp/full/v.json: write failed: No space left on device" "$tmp/err" \
  || fail "validate, full disk: stderr is '$(cat "$tmp/err")'"
[[ -z $(temporaries) ]] || fail "validate, full disk: temporaries left: $(temporaries)"

# probe: refused before anything is contacted (the port is closed: probing would report on it).
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tlsm 2 probe "127.0.0.1:$port" --timeout 1 --json "$tmp/ro/p.json"
grep -qx "tlsmatrix: $tmp/ro/p.json: cannot write in folder $tmp/ro: Read-only file system" \
  "$tmp/err" || fail "probe, read-only folder: stderr is '$(cat "$tmp/err")'"
[[ ! -s $tmp/out ]] || fail "probe, read-only folder: the endpoint was probed"
echo "output_all_or_none: ok"
