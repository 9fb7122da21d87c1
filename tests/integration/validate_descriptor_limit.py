#!/usr/bin/python3
"""validate under a tight descriptor limit (ulimit -n) never turns the harness's own shortage into
a finding about the user's files: it either judges them (exit 0 for a sound set) or says it could
not (exit 2, "harness error", naming the limit). Before the fix, `ulimit -n 12` gave exit 1 with
"fails with harness_error" and a grpc-core "timeout" reported as errors against the files."""
import os
import resource
import subprocess
import sys
import tempfile

TLSMATRIX = os.environ.get("TLSMATRIX", "build/tlsmatrix")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as work:
    tls = os.path.join(work, "tls")
    gen = subprocess.run([TLSMATRIX, "certs", "gen", "--out", tls], capture_output=True, text=True,
                         timeout=120)
    check(gen.returncode == 0, "certs gen: exit 0 (%s)" % gen.stderr.strip())
    args = [TLSMATRIX, "validate", "--tls-mode", "2", "--server-pem", f"{tls}/server.pem",
            "--server-key", f"{tls}/server.key", "--ca-pem", f"{tls}/ca.pem", "--trust",
            f"{tls}/ca.pem", "--client-pem", f"{tls}/client.pem", "--client-key",
            f"{tls}/client.key", "--server-name", "localhost"]
    for limit in (64, 16, 13, 12, 11, 10):
        def lower(limit=limit):
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
        r = subprocess.run(args, capture_output=True, text=True, timeout=120, preexec_fn=lower)
        said = (r.stdout + r.stderr).strip().splitlines()
        if r.returncode == 0:
            check("✗" not in r.stdout, f"ulimit -n {limit}: exit 0 and no error line")
        else:
            check(r.returncode == 2, f"ulimit -n {limit}: exit 0 or 2, got {r.returncode}: "
                  + " | ".join(said[-3:]))
            check("harness error" in r.stderr and f"ulimit -n {limit}" in r.stderr,
                  f"ulimit -n {limit}: exit 2 says harness error and names the limit: {r.stderr.strip()}")
            check("fails with" not in r.stdout,
                  f"ulimit -n {limit}: no handshake finding printed against the files")

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
