"""`tlsmatrix probe` against real servers started here: openssl s_server in each client-auth
setting, Debian's grpcio as a plaintext / one-way / mutual gRPC server, a listener that accepts
and never answers, a closed port, and bad input.

Each case runs the probe with --json and checks the inferred mode, the exit code and the result
of named checks, so a probe that guesses, or that lets an ask-but-don't-require server pass,
fails here. Ports come from the OS (port 0); certificates from `tlsmatrix certs gen`.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import SServer  # noqa: E402

from itest import TLSMATRIX, Checks  # noqa: E402
TIMEOUT_S = 2  # the probe's --timeout; waits after a handshake are min(timeout, 1 s)

check = Checks()


def run_probe(tmp, endpoint, *flags, timeout=TIMEOUT_S):
    out = os.path.join(tmp, "probe.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [TLSMATRIX, "probe", endpoint, "--timeout", str(timeout), "--json", out, *flags]
    start = time.monotonic()
    # The subprocess timeout is a hang guard only.
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - start
    print(f"$ {' '.join(cmd)}\n{p.stdout}{p.stderr}exit {p.returncode} ({elapsed:.1f} s)\n",
          flush=True)
    report = json.load(open(out)) if os.path.exists(out) else None
    return p, report, elapsed


def status(report, check_id):
    for c in report["checks"]:
        if c["id"] == check_id:
            return c["status"]
    return None


def detail(report, check_id, field="detail"):
    for c in report["checks"]:
        if c["id"] == check_id:
            return c[field]
    return ""


def grpc_server(mode, certs):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    if mode == 0:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        rd = lambda n: open(os.path.join(certs, n), "rb").read()
        creds = grpc.ssl_server_credentials(
            [(rd("server.key"), rd("server.pem"))],
            root_certificates=rd("ca.pem") if mode == 2 else None,
            require_client_auth=(mode == 2))
        port = server.add_secure_port("127.0.0.1:0", creds)
    server.start()
    return server, port


def silent_listener():
    """Accepts TCP connections and never sends a byte."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    held = []

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)

    threading.Thread(target=loop, daemon=True).start()
    return s, s.getsockname()[1]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        certs = os.path.join(tmp, "certs")
        other = os.path.join(tmp, "other")
        for d in (certs, other):
            subprocess.run([TLSMATRIX, "certs", "gen", "--out", d, "--key", "ec-p256"],
                           check=True, capture_output=True)
        ca = os.path.join(certs, "ca.pem")
        client = ["--client-pem", os.path.join(certs, "client.pem"),
                  "--client-key", os.path.join(certs, "client.key")]
        trust = ["--trust", ca, "--server-name", "localhost"]
        srv = ["-cert", os.path.join(certs, "server.pem"), "-key", os.path.join(certs, "server.key")]

        # Mode 0: plaintext gRPC answers the preface with SETTINGS.
        server, port = grpc_server(0, certs)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}")
        check(p.returncode == 0 and r["tls_mode"] == 0, "plaintext gRPC: mode 0, exit 0")
        check(status(r, "plaintext_h2") == "pass", "plaintext gRPC: plaintext_h2 passes")
        check(r["chain"] == [] and r["tls"] is None, "plaintext gRPC: no chain, no TLS")
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", "--tls-mode", "1")
        check(p.returncode == 1 and status(r, "expected_mode") == "fail",
              "plaintext gRPC probed as mode 1: expected_mode fails, exit 1")
        server.stop(None)

        # Mode 1 and 2 with a real gRPC TLS server: ALPN h2, SETTINGS over TLS prove it alive.
        server, port = grpc_server(1, certs)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", *trust)
        check(p.returncode == 0 and r["tls_mode"] == 1, "gRPC one-way TLS: mode 1, exit 0")
        check(r["tls"]["alpn"] == "h2", "gRPC one-way TLS: ALPN h2")
        check("HTTP/2 SETTINGS" in detail(r, "tls_handshake"), "gRPC one-way TLS: SETTINGS seen")
        check(all(status(r, f"chain.{pr}") == "pass" for pr in ("grpc-core", "go", "node")),
              "gRPC one-way TLS: chain verifies under every profile")
        # Trusting another CA: every profile says unknown_ca; a name the cert lacks: mismatch.
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", "--trust", os.path.join(other, "ca.pem"),
                            "--server-name", "localhost")
        check(p.returncode == 1 and all(
            c["reason"] == "unknown_ca" for c in r["checks"] if c["id"].startswith("chain.")),
            "wrong --trust: unknown_ca under every profile, exit 1")
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", "--trust", ca, "--server-name", "milvus.example")
        check(p.returncode == 1 and all(
            c["reason"] == "hostname_mismatch" for c in r["checks"] if c["id"].startswith("chain.")),
            "wrong --server-name: hostname_mismatch, exit 1")
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", *trust, "--tls-mode", "2")
        check(p.returncode == 1 and status(r, "client_cert_required") == "fail",
              "gRPC one-way TLS probed as mode 2: client_cert_required fails")
        server.stop(None)

        server, port = grpc_server(2, certs)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{port}", *trust, *client)
        check(p.returncode == 0 and r["tls_mode"] == 2, "gRPC mutual TLS: mode 2, exit 0")
        for cid in ("rejects_plaintext", "client_cert_required", "unrelated_ca_rejected",
                    "client_cert_accepted"):
            check(status(r, cid) == "pass", f"gRPC mutual TLS: {cid} passes")
        server.stop(None)

        # openssl s_server, one-way.
        s = SServer(tmp, "oneway", *srv)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{s.port}", *trust, "--tls-mode", "1")
        check(p.returncode == 0 and r["tls_mode"] == 1, "s_server one-way: mode 1, exit 0")
        check(not r["asks_for_client_cert"], "s_server one-way: does not ask for a certificate")
        leaf = r["chain"][0] if r["chain"] else {}
        check("CN=localhost" in leaf.get("subject", "") and "DNS:localhost" in leaf.get("sans", [])
              and leaf.get("key_type") == "EC" and leaf.get("days_left", 0) > 0,
              "s_server one-way: the leaf is described (subject, SANs, key, days left)")
        s.stop()

        # -Verify 1 requires a certificate; -verify_return_error makes it verify for real.
        s = SServer(tmp, "mutual", *srv, "-Verify", "1", "-verify_return_error", "-CAfile", ca)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{s.port}", *trust, *client)
        check(p.returncode == 0 and r["tls_mode"] == 2, "s_server -Verify: mode 2, exit 0")
        check("116" in detail(r, "client_cert_required"),
              "s_server -Verify (TLS 1.3): rejection is alert 116 after the handshake")
        check(status(r, "unrelated_ca_rejected") == "pass", "s_server -Verify: unrelated CA turned away")
        s.stop()

        # TLS 1.2: the rejection comes inside the handshake.
        s = SServer(tmp, "mutual12", *srv, "-tls1_2", "-Verify", "1", "-verify_return_error",
                    "-CAfile", ca)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{s.port}", *trust, *client)
        check(p.returncode == 0 and r["tls_mode"] == 2 and r["tls"]["version"] == "TLSv1.2",
              "s_server -Verify -tls1_2: mode 2 over TLS 1.2, exit 0")
        s.stop()

        # -Verify without -verify_return_error requires *a* certificate but accepts any: the
        # unrelated-CA check must catch it.
        s = SServer(tmp, "anycert", *srv, "-Verify", "1", "-CAfile", ca)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{s.port}", *trust, *client)
        check(p.returncode == 1 and r["tls_mode"] == 2 and
              status(r, "unrelated_ca_rejected") == "fail",
              "s_server -Verify without verify_return_error: unrelated CA accepted, exit 1")
        s.stop()

        # -verify 1 only asks: "not safe as mode 2".
        s = SServer(tmp, "asks", *srv, "-verify", "1", "-CAfile", ca)
        p, r, _ = run_probe(tmp, f"127.0.0.1:{s.port}", *trust)
        check(p.returncode == 1 and r["asks_for_client_cert"] and
              status(r, "client_cert_required") == "fail" and
              "not safe as mode 2: accepts unauthenticated clients" in detail(r, "client_cert_required"),
              "s_server -verify (asks only): flagged not safe as mode 2, exit 1")
        check("not safe as mode 2" in p.stdout, "s_server -verify: the terminal says it too")
        s.stop()

        # A port that accepts and never answers: a clear timeout within the timeout.
        lst, port = silent_listener()
        p, r, elapsed = run_probe(tmp, f"127.0.0.1:{port}", timeout=2)
        check(p.returncode == 1 and r["tls_mode"] is None and status(r, "answers") == "fail",
              "silent port: answers fails, mode unknown, exit 1")
        check(any(c["reason"] == "timeout" for c in r["checks"]), "silent port: reason timeout")
        # A hang check, not a speed assertion: 3x the timeout.
        check(elapsed < 3 * 2, f"silent port: probe returned in {elapsed:.1f} s (< 3x timeout)")
        lst.close()

        # Nothing listens: the TCP check fails, exit 1.
        s_ = socket.socket()
        s_.bind(("127.0.0.1", 0))
        closed_port = s_.getsockname()[1]
        s_.close()
        p, r, _ = run_probe(tmp, f"127.0.0.1:{closed_port}")
        check(p.returncode == 1 and status(r, "tcp_connect") == "fail", "closed port: exit 1")

        # A name that does not resolve: the TCP check fails naming it, exit 1. Whether the name
        # server says NXDOMAIN or never answers, the lookup counts against --timeout.
        p, r, elapsed = run_probe(tmp, "nosuch.invalid:443", timeout=2)
        check(p.returncode == 1 and status(r, "tcp_connect") == "fail" and
              "nosuch.invalid" in detail(r, "tcp_connect") and
              "host name" in detail(r, "tcp_connect", "hint"),
              "unresolvable name: tcp_connect fails naming it, the hint points at the name, exit 1")
        # A hang check, not a speed assertion: 3x the timeout.
        check(elapsed < 3 * 2, f"unresolvable name: probe returned in {elapsed:.1f} s (< 3x timeout)")

        # Bad input: exit 2, one line naming the argument or file, no JSON written.
        garbage = os.path.join(tmp, "garbage.pem")
        open(garbage, "w").write("not a certificate\n")
        bad = [
            (["localhost"], "localhost"),
            (["127.0.0.1:70000"], "70000"),
            (["::1:443"], "::1:443"),
            ([f"127.0.0.1:{closed_port}", "--trust", garbage], "garbage.pem"),
            ([f"127.0.0.1:{closed_port}", "--trust", os.path.join(tmp, "missing.pem")], "missing.pem"),
            ([f"127.0.0.1:{closed_port}", "--client-pem", os.path.join(certs, "client.pem")],
             "--client-key"),
            ([f"127.0.0.1:{closed_port}", "--client-pem", os.path.join(certs, "client.pem"),
              "--client-key", os.path.join(certs, "server.key")], "server.key"),
            ([f"127.0.0.1:{closed_port}", "--tls-mode", "3"], "--tls-mode"),
        ]
        for args, named in bad:
            out = os.path.join(tmp, "bad.json")
            p = subprocess.run([TLSMATRIX, "probe", *args, "--json", out], capture_output=True,
                               text=True, timeout=60)
            check(p.returncode == 2 and named in p.stderr and not os.path.exists(out),
                  f"bad input {args}: exit 2 naming {named} (got {p.returncode}: {p.stderr.strip()})")

    print(f"{check.passed} passed, {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
