#!/usr/bin/python3
"""`bench --layer grpc-server` (a lean OpenSSL + nghttp2 client, one unary Health/Check per
connection) against real gRPC servers: the in-process one in mode 2, and `tlsmatrix serve
--tls-mode 2` as a --target with and without a client certificate. Asserts exit codes and the
counts in the JSON report (counted handshakes each completed a gRPC call; refusals counted by
reason, none counted as done); and that `--layer grpc` still names the client-cost layer."""
import json
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX, Checks  # noqa: E402

check = Checks()


def bench(tmp, name, *args):
    out = os.path.join(tmp, name + ".json")
    p = subprocess.run([TLSMATRIX, "bench", "--concurrency", "2", "--duration", "0.4",
                        "--json", out, *args], capture_output=True, text=True, timeout=60)
    print(f"--- {name}: exit {p.returncode}\n{p.stdout}{p.stderr}", flush=True)
    doc = json.load(open(out)) if os.path.exists(out) else {"results": []}
    return p.returncode, p.stdout + p.stderr, doc


def main():
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-bench-grpc-") as tmp:
        # In-process gRPC server set up as Milvus's proxy, mode 2.
        rc, text, doc = bench(tmp, "inproc", "--layer", "grpc-server", "--modes", "2",
                              "--keys", "ec-p256", "--tls", "1.3")
        check(rc == 0, f"inproc: exit {rc}, want 0")
        rows = doc["results"]
        check(len(rows) == 1 and rows[0]["layer"] == "grpc-server" and rows[0]["mode"] == 2,
              f"inproc: rows {rows}")
        if rows:
            check(rows[0]["handshakes"] > 0 and rows[0]["failed"] == 0, f"inproc: {rows[0]}")
        check("server cost" in text, "inproc: the output does not say it measures the server's cost")

        # The old name is the client-cost layer.
        rc, text, doc = bench(tmp, "alias", "--layer", "grpc", "--modes", "1", "--keys", "ec-p256",
                              "--tls", "1.3")
        check(rc == 0, f"alias: exit {rc}")
        check([r["layer"] for r in doc["results"]] == ["grpc-client"], f"alias: {doc['results']}")
        check("client cost" in text, "alias: the output does not say it measures the client's cost")

        # `tlsmatrix serve --tls-mode 2` as the target.
        ca = os.path.join(tmp, "ca")
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", ca, "--key", "ec-p256"], check=True,
                       capture_output=True)
        serve = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "2", "--server-pem",
                                  f"{ca}/server.pem", "--server-key", f"{ca}/server.key",
                                  "--ca-pem", f"{ca}/ca.pem", "--duration", "40"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            first = serve.stdout.readline()
            check(first.startswith("listening on "), f"serve said {first!r}")
            addr = first.split()[-1]
            # serve prints a line per connection: drain it so it never blocks on a full pipe.
            threading.Thread(target=lambda: serve.stdout.read(), daemon=True).start()
            trust = ["--target", addr, "--trust", f"{ca}/ca.pem", "--server-name", "localhost",
                     "--layer", "grpc-server"]
            rc, text, doc = bench(tmp, "cert", *trust, "--client-pem", f"{ca}/client.pem",
                                  "--client-key", f"{ca}/client.key")
            check(rc == 0, f"cert: exit {rc}, want 0")
            rows = doc["results"]
            check(len(rows) == 1 and rows[0]["mode"] == 2 and rows[0]["handshakes"] > 0
                  and rows[0]["failed"] == 0, f"cert: {rows}")

            rc, text, doc = bench(tmp, "no-cert", *trust)
            check(rc == 1, f"no-cert: exit {rc}, want 1 (every handshake refused)")
            rows = doc["results"]
            check(all(r["handshakes"] == 0 for r in rows), f"no-cert: counted {rows}")
            check("refused" in text, "no-cert: no refusal reason printed")
        finally:
            serve.terminate()
            serve.wait(10)

        # A TLS server that selects h2 and then never speaks HTTP/2 (openssl s_server, no
        # -www): every call ends at --timeout, counted as failed, none as done; the run ends
        # by --duration plus the 1 s grace (a hang guard with slack, not a speed assertion).
        ss = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                               f"{ca}/server.pem", "-key", f"{ca}/server.key", "-alpn", "h2",
                               "-tls1_3", "-num_tickets", "0"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace")
        try:
            port = None
            for _ in range(50):
                line = ss.stdout.readline()
                if line.startswith("ACCEPT"):
                    port = line.strip().rsplit(":", 1)[1]
                    break
            check(port is not None, "s_server did not start")
            threading.Thread(target=ss.stdout.read, daemon=True).start()
            import time
            start = time.monotonic()
            rc, text, doc = bench(tmp, "silent-h2", "--target", f"127.0.0.1:{port}", "--trust",
                                  f"{ca}/ca.pem", "--server-name", "localhost", "--layer",
                                  "grpc-server", "--timeout", "0.5")
            elapsed = time.monotonic() - start
            check(rc == 1, f"silent-h2: exit {rc}, want 1")
            rows = doc["results"]
            check(len(rows) == 1 and rows[0]["handshakes"] == 0, f"silent-h2: {rows}")
            check("gRPC call timed out" in text, "silent-h2: the timeout is not the reason")
            check(elapsed < 0.4 + 1 + 20, f"silent-h2: took {elapsed:.1f} s")
        finally:
            ss.kill()
            ss.wait(10)
    return check.finish("bench_grpc_server")


if __name__ == "__main__":
    sys.exit(main())
