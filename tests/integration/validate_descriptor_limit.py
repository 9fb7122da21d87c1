#!/usr/bin/python3
"""validate under a tight descriptor limit (ulimit -n) never turns the harness's own shortage into
a finding about the user's files: it either judges them (exit 0 for a sound set) or says it could
not (exit 2, "harness error", naming the limit). Before the fix, `ulimit -n 12` gave exit 1 with
"fails with harness_error" and a grpc-core "timeout" reported as errors against the files."""
import os
import re
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX, Checks  # noqa: E402
check = Checks(verbose=True)


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
            # A binary that printed nothing would pass the line above: the verdict must be there.
            check(re.search(r"\b0 errors: passed", r.stdout), f"ulimit -n {limit}: exit 0 says "
                  "'0 errors: passed'", r.stdout)
        else:
            check(r.returncode == 2, f"ulimit -n {limit}: exit 0 or 2, got {r.returncode}: "
                  + " | ".join(said[-3:]))
            check("harness error" in r.stderr and f"ulimit -n {limit}" in r.stderr,
                  f"ulimit -n {limit}: exit 2 says harness error and names the limit: {r.stderr.strip()}")
            check("fails with" not in r.stdout,
                  f"ulimit -n {limit}: no handshake finding printed against the files")

print(f"{len(check.failures)} failed" if check.failures else "all passed")
sys.exit(1 if check.failures else 0)
