"""`tlsmatrix run` under a low descriptor limit (ulimit -n) never turns the shortage into a
certificate verdict: with --jobs 64 and RLIMIT_NOFILE at 64, 32, 20 and 16, every run either
matches every cell (exit 0; --jobs lowered to fit, said in one line) or exits 2 naming the limit,
with the cells it could not judge marked harness_error in the JSON and a JUnit <error>. Never
exit 1, never a cell whose reason is another failure than what the scenario expects. At 8 not
even one cell fits (stdio, gRPC's own four, a cell's three sockets): that run must exit 2.

Before the fix, `ulimit -n 64` with --jobs 64 on the catalogue gave 487 of 531 cells mismatched
as server_config_error ("gRPC could not start a server"), timeout and unclassified: exit 1."""
import json
import os
import resource
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX  # noqa: E402
# Families whose cells fail for every kind of reason (the server's, the client's, plaintext vs
# TLS, chains), so that a shortage has every verdict to hide behind; 15 scenarios, 135 cells.
FAMILIES = ["mode2", "trust"]

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def limited(n):
    def preexec():
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))
    return preexec


def run(limit, work, want=(0, 2)):
    out_json = os.path.join(work, f"run{limit}.json")
    out_xml = os.path.join(work, f"run{limit}.xml")
    # --timeout 30 is a hang guard only: no cell here expects `timeout`.
    cmd = [TLSMATRIX, "run", *[os.path.join(SOURCE_DIR, "scenarios", f) for f in FAMILIES], "--jobs", "64",
           "--timeout", "30", "--json", out_json, "--junit", out_xml]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, preexec_fn=limited(limit))
    print(f"ulimit -n {limit}: exit {p.returncode}; {p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ''}")
    for line in p.stderr.strip().splitlines():
        print(f"  stderr: {line}")
    check(p.returncode in want, f"ulimit -n {limit}: exit {p.returncode}, want {' or '.join(map(str, want))}")
    if not os.path.exists(out_json):
        check(False, f"ulimit -n {limit}: no JSON report")
        return
    with open(out_json) as f:
        doc = json.load(f)
    cells = doc["cells"]
    no_verdict = [c for c in cells if c["actual"]["reason"] == "harness_error"]
    wrong = [c for c in cells if not c["match"] and c["actual"]["reason"] != "harness_error"]
    for c in wrong[:5]:
        check(False, f"ulimit -n {limit}: {c['scenario']} mode {c['mode']} {c['profile']}: expected "
                     f"{c['expected']}, got {c['actual']}")
    check(doc["summary"].get("harness_errors") == len(no_verdict), f"ulimit -n {limit}: summary {doc['summary']}")
    errors = list(ET.parse(out_xml).getroot().iter("error"))
    check(len(errors) == len(no_verdict), f"ulimit -n {limit}: {len(errors)} JUnit <error>, "
                                          f"{len(no_verdict)} harness errors")
    if p.returncode == 0:
        check(not no_verdict and not wrong, f"ulimit -n {limit}: exit 0 with cells that did not match")
    elif p.returncode == 2:
        check(bool(no_verdict), f"ulimit -n {limit}: exit 2 without a harness_error cell")
        check(f"harness error: out of file descriptors (ulimit -n {limit})" in p.stderr,
              f"ulimit -n {limit}: stderr does not name the limit: {p.stderr.strip()[-300:]}")
    if " at a time, not 64: ulimit -n " not in p.stderr:
        check(False, f"ulimit -n {limit}: no note that --jobs was lowered: {p.stderr.strip()[-300:]}")


with tempfile.TemporaryDirectory() as work:
    for limit in (64, 32, 20, 16):
        run(limit, work)
    run(8, work, want=(2,))

for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
