#!/usr/bin/python3
"""Reports and generated files are all-or-nothing (io::write_file_atomic: temporary file, rename).

How it proves its point:
  1. No product code writes a file any other way: harness/ and reports/ are searched for
     ofstream, fopen, creat and O_CREAT/O_WRONLY outside harness/io/file_io.cpp.
  2. A run that fails on bad input leaves an existing report untouched and creates none.
  3. Runs killed with SIGKILL at several moments leave each report either absent or complete
     (parseable JSON / XML), never half a file; the same for `certs scenario`'s PEM files.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
HANG_S = 60
check = Checks()
fail = check.fail


# Ways to create or truncate a file that bypass write_file_atomic.
DIRECT_WRITE = re.compile(r"\bofstream\b|\bfopen\s*\(|\bcreat\s*\(|O_CREAT|O_WRONLY|O_RDWR|"
                          r"\bfstream\b|freopen\s*\(")


def check_no_direct_writers():
    allowed = {os.path.join("harness", "io", "file_io.cpp")}
    found = []
    for top in ("harness", "reports"):
        for root, _, files in os.walk(os.path.join(SOURCE_DIR, top)):
            for f in files:
                if not f.endswith((".cpp", ".h")):
                    continue
                path = os.path.join(root, f)
                rel = os.path.relpath(path, SOURCE_DIR)
                if rel in allowed:
                    continue
                with open(path, encoding="utf-8", errors="replace") as src:
                    for n, line in enumerate(src, 1):
                        code = line.split("//", 1)[0]
                        if DIRECT_WRITE.search(code):
                            found.append(f"{rel}:{n}: {line.strip()}")
    for f in found:
        fail(f"writes a file without io::write_file_atomic: {f}")
    print(f"atomic_writes: searched harness/ and reports/ for direct file writes: {len(found)} found")


def complete(path):
    """None when the file is absent or whole; otherwise what is wrong with it."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        data = f.read()
    try:
        if path.endswith(".json"):
            json.loads(data)
        elif path.endswith(".xml"):
            ET.fromstring(data)
        elif path.endswith(".html"):
            if not data.rstrip().endswith(b"</html>"):
                return "HTML does not end with </html>"
        elif path.endswith((".pem", ".key")):
            if not data.rstrip().endswith(b"-----") or data.count(b"-----BEGIN") != data.count(
                    b"-----END"):
                return "PEM cut short"
    except Exception as e:  # noqa: BLE001 - any parse failure means half a file
        return f"does not parse: {e}"
    return None


def leftovers(folder, expected):
    return sorted(set(os.listdir(folder)) - set(expected))


def check_run(tmp):
    reports = {"json": "r.json", "junit": "r.xml", "html": "r.html"}
    # 2. Bad input: the old report stays as it was, the others are not created.
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("name: [unclosed\n")
    out = os.path.join(tmp, "bad-run")
    os.makedirs(out)
    with open(os.path.join(out, "r.json"), "w") as f:
        f.write("old report")
    args = [TLSMATRIX, "run", bad] + [a for k, v in reports.items()
                                   for a in (f"--{k}", os.path.join(out, v))]
    r = subprocess.run(args, capture_output=True, text=True, timeout=HANG_S)
    if r.returncode != 2:
        fail(f"run on bad input: exit {r.returncode}, want 2")
    with open(os.path.join(out, "r.json")) as f:
        if f.read() != "old report":
            fail("run on bad input changed the existing --json report")
    if os.listdir(out) != ["r.json"]:
        fail(f"run on bad input left files: {os.listdir(out)}")

    # 3. Killed at several moments: each report absent or whole, no stray temporaries kept
    # except the hidden .NAME.tmp* a kill during the write itself may leave (never the report).
    for delay in (0.2, 1.0, 3.0):
        out = os.path.join(tmp, f"killed-{delay}")
        os.makedirs(out)
        args = [TLSMATRIX, "run", os.path.join(SOURCE_DIR, "scenarios"), "--jobs", "2"] + [
            a for k, v in reports.items() for a in (f"--{k}", os.path.join(out, v))]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=HANG_S)
        for name in reports.values():
            problem = complete(os.path.join(out, name))
            if problem:
                fail(f"run killed after {delay} s: {name}: {problem}")
        strays = [n for n in leftovers(out, reports.values()) if not n.startswith(".")]
        if strays:
            fail(f"run killed after {delay} s left {strays}")
    # The control: a run that finishes writes every report whole, so `complete` can tell.
    out = os.path.join(tmp, "finished")
    os.makedirs(out)
    args = [TLSMATRIX, "run", os.path.join(SOURCE_DIR, "scenarios", "valid", "ec-p256.yaml"),
            "--modes", "1", "--profiles", "grpc-core"] + [
        a for k, v in reports.items() for a in (f"--{k}", os.path.join(out, v))]
    r = subprocess.run(args, capture_output=True, text=True, timeout=HANG_S)
    if r.returncode != 0:
        fail(f"a small run exited {r.returncode}: {r.stderr.strip()[:300]}")
    for name in reports.values():
        path = os.path.join(out, name)
        if not os.path.exists(path) or complete(path):
            fail(f"a finished run's {name} is missing or incomplete: {complete(path)}")
    if leftovers(out, reports.values()):
        fail(f"a finished run left temporaries: {leftovers(out, reports.values())}")
    print("atomic_writes: run checked (bad input, SIGKILL at 0.2/1/3 s, a finished run)")


def check_certs_scenario(tmp):
    scenario = os.path.join(SOURCE_DIR, "scenarios", "mode2", "client-chain.yaml")
    for delay in (0.05, 0.2, 0.5):
        out = os.path.join(tmp, f"certs-{delay}")
        p = subprocess.Popen([TLSMATRIX, "certs", "scenario", scenario, "--out", out],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=HANG_S)
        if not os.path.isdir(out):
            continue
        for name in os.listdir(out):
            if name.startswith("."):
                continue  # a temporary, never a file anyone reads
            problem = complete(os.path.join(out, name))
            if problem:
                fail(f"certs scenario killed after {delay} s: {name}: {problem}")
    print("atomic_writes: certs scenario checked (SIGKILL at 0.05/0.2/0.5 s)")


def main():
    check_no_direct_writers()
    if not os.access(TLSMATRIX, os.X_OK):
        fail(f"{TLSMATRIX} is not built")
        return 1
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-atomic-") as tmp:
        check_run(tmp)
        check_certs_scenario(tmp)
    print(f"atomic_writes: {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
