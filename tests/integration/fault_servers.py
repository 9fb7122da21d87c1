#!/usr/bin/python3
"""`tlsmatrix probe` against servers that misbehave (tests/faults/fault_server.py): one that
accepts and closes, resets mid-handshake, answers with garbage, stalls after the ClientHello or
after half a ServerHello, drips a ServerHello one byte a second, speaks HTTP/1.1, or speaks
plaintext HTTP/2 to a probe given TLS files.

How it proves its point: for each fault the probe must end by itself, exit 1 (a failed check,
not 2 "bad input" and never a signal), and its JSON report must carry at least one failed check
with a reason from the taxonomy (docs/reasons.md): `timeout` or a named one. The hang bound
is generous (HANG_FACTOR x --timeout plus start-up); it guards against hangs and is not a speed
assertion.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import fault_server  # noqa: E402

from itest import SOURCE_DIR, TLSMATRIX  # noqa: E402
TIMEOUT_S = 2
HANG_FACTOR = 10  # probe makes several connections, each bounded by --timeout
REASONS = {"ok", "plaintext_to_tls", "tls_to_plaintext", "hostname_mismatch", "unknown_ca",
           "server_cert_expired", "server_cert_not_yet_valid", "server_cert_invalid",
           "client_cert_missing", "client_cert_unknown_ca", "client_cert_expired",
           "client_cert_not_yet_valid", "client_cert_invalid", "server_config_error",
           "client_config_error", "protocol_mismatch", "timeout"}
MODES = ["accept-close", "reset", "garbage", "garbage-stall", "stall-hello", "stall-server-hello",
         "drip", "http1", "h2-plain"]


def probe_case(tmp, mode, tls_mode, extra):
    out = os.path.join(tmp, f"{mode}-{tls_mode}.json")
    with fault_server(mode) as server:
        cmd = [TLSMATRIX, "probe", server.endpoint, "--tls-mode", str(tls_mode), "--timeout",
               str(TIMEOUT_S), "--json", out, *extra]
        start = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=HANG_FACTOR * TIMEOUT_S + 10)
        except subprocess.TimeoutExpired:
            return f"{mode} (tls-mode {tls_mode}): probe still running after " \
                   f"{HANG_FACTOR * TIMEOUT_S + 10} s", None
        elapsed = time.monotonic() - start
    problems = []
    if p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}")
    elif p.returncode != 1:
        problems.append(f"exit {p.returncode}, want 1 (a failed check)")
    reasons = []
    if os.path.exists(out):
        with open(out) as f:
            report = json.load(f)
        failed = [c for c in report["checks"] if c["status"] == "fail"]
        reasons = sorted({c.get("reason") for c in failed if c.get("reason")})
        if not failed:
            problems.append("no failed check in the report")
        elif not reasons:
            problems.append("failed checks carry no reason: " +
                            ", ".join(c["id"] for c in failed))
        unknown = [r for r in reasons if r not in REASONS]
        if unknown:
            problems.append(f"reasons outside the taxonomy: {unknown}")
    else:
        problems.append("no JSON report written")
    summary = f"{mode:>18} (tls-mode {tls_mode}): exit {p.returncode} in {elapsed:4.1f} s, " \
              f"reasons {', '.join(reasons) or '-'}"
    if problems:
        return f"{summary}: {'; '.join(problems)}\n    stdout: " + \
            "\n    ".join(p.stdout.splitlines()[:20]) + "\n    stderr: " + p.stderr.strip(), None
    return None, summary


def main():
    failures = []
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-faults-") as tmp:
        certs = os.path.join(tmp, "certs")
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", certs, "--key", "ec-p256"], check=True,
                       capture_output=True)
        mutual = ["--trust", f"{certs}/ca.pem", "--client-pem", f"{certs}/client.pem",
                  "--client-key", f"{certs}/client.key", "--server-name", "localhost"]
        for mode in MODES:
            for tls_mode, extra in ((1, ["--trust", f"{certs}/ca.pem"]), (2, mutual)):
                failure, summary = probe_case(tmp, mode, tls_mode, extra)
                if failure:
                    failures.append(failure)
                    print("FAIL " + failure, flush=True)
                else:
                    print("ok   " + summary, flush=True)
    print(f"fault_servers: {2 * len(MODES)} probes, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
