#!/usr/bin/python3
"""`tlsmatrix probe` with TLS client files (--trust, --client-pem/--client-key) against an
endpoint that serves plaintext: the user expects TLS, and clients configured with those files
would fail (tls_to_plaintext). That is a failed check, exit 1, never "all checks passed".

How it proves its point: three real plaintext servers -- the harness's own gRPC server
(`tlsmatrix serve --tls-mode 0`), Debian's grpcio without TLS, and a bare HTTP/2 server that is not
gRPC (tests/faults/fault_server.py h2-plain) -- each probed with --trust alone, with the client
files alone, and with no TLS files at all (which stays a warning, exit 0, for the gRPC servers).
"""
import os
import sys
import tempfile
from concurrent import futures

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import Checks, check_of, certs_gen, fault_server, run_probe, serve  # noqa: E402

check = Checks()


def expect_tls_failure(tmp, endpoint, label, flags):
    p, r = run_probe(tmp, endpoint, *flags)
    c = check_of(r, "tls_files_unused")
    check(p.returncode == 1, f"{label}: exit 1 (got {p.returncode})")
    check(c.get("status") == "fail" and c.get("reason") == "tls_to_plaintext",
          f"{label}: tls_files_unused fails with reason tls_to_plaintext (got {c})")
    check("serves plaintext" in p.stdout and "tls_to_plaintext" in p.stdout,
          f"{label}: the terminal says the endpoint serves plaintext and clients get tls_to_plaintext")
    check("all checks passed" not in p.stdout, f"{label}: not 'all checks passed'")


def main():
    with tempfile.TemporaryDirectory(prefix="probe-plaintext-") as tmp:
        certs = os.path.join(tmp, "certs")
        certs_gen(certs)
        trust = ["--trust", os.path.join(certs, "ca.pem")]
        client = ["--client-pem", os.path.join(certs, "client.pem"),
                  "--client-key", os.path.join(certs, "client.key")]

        with serve("--tls-mode", "0") as s:
            for label, flags in (("--trust", trust), ("client files", client),
                                 ("--trust and client files", trust + client)):
                expect_tls_failure(tmp, s.endpoint, f"serve --tls-mode 0, {label}", flags)
            p, r = run_probe(tmp, s.endpoint)
            check(p.returncode == 0 and r["tls_mode"] == 0 and
                  check_of(r, "plaintext_exposure").get("status") == "warn",
                  "serve --tls-mode 0, no TLS files: mode 0, a warning, exit 0")

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        try:
            expect_tls_failure(tmp, f"127.0.0.1:{port}", "grpcio plaintext, --trust", trust)
        finally:
            server.stop(None)

        with fault_server("h2-plain") as s:
            expect_tls_failure(tmp, s.endpoint, "plain HTTP/2 server, --trust and client files",
                               trust + client)
    return check.finish("probe_plaintext_tls_files")


if __name__ == "__main__":
    sys.exit(main())
