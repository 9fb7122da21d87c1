#!/usr/bin/python3
"""`tlsmatrix serve` keeps its contract (docs/cli.md): `listening on HOST:PORT` first, then one
line per handshake event with the reason as the server saw it; a clean exit on SIGTERM and after
--duration; bad input = one line and exit 2.

Real handshakes: a gRPC C-core client (Python grpcio, tests/interop/clients/python) connects
without and with a client certificate, so the lines checked are what the server really saw."""
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
CLIENT = os.path.join(SOURCE_DIR, "tests", "interop", "clients", "python", "grpc_client.py")
check = Checks(verbose=True)


class Server:
    def __init__(self, args):
        self.proc = subprocess.Popen([TLSMATRIX, "serve", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.first = self.proc.stdout.readline().strip()
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(l.strip() for l in self.proc.stdout),
                         daemon=True).start()

    def port(self):
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", self.first)
        return int(m.group(1)) if m else None

    def wait_for(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        return None


def connect(port, **files):
    case = dict(id="c", address=f"127.0.0.1:{port}", server_name="localhost", **files)
    out = subprocess.run(["/usr/bin/python3", CLIENT], input=json.dumps([case]),
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out.splitlines()[0])


def main():
    d = tempfile.mkdtemp(prefix="serve-cli-")
    r = subprocess.run([TLSMATRIX, "certs", "gen", "--out", d], capture_output=True, text=True)
    check(r.returncode == 0, f"certs gen: {r.stderr.strip()}")
    f = lambda n: os.path.join(d, n)  # noqa: E731

    # Mode 2: a client without a certificate, then one with it.
    s = Server(["--tls-mode", "2", "--server-pem", f("server.pem"), "--server-key",
                f("server.key"), "--ca-pem", f("ca.pem"), "--duration", "60"])
    port = s.port()
    check(port is not None, f"first line is 'listening on 127.0.0.1:PORT' (got {s.first!r})")
    if port:
        r = connect(port, trust=f("ca.pem"))
        check(not r["ok"], "mode 2 refuses a client without a certificate")
        check(s.wait_for(r"\bfail client_cert_missing\b") is not None,
              "the server says fail client_cert_missing")
        r = connect(port, trust=f("ca.pem"), cert=f("client.pem"), key=f("client.key"))
        check(r["ok"], f"mode 2 accepts the client certificate ({r.get('message')})")
        line = s.wait_for(r"\bpass ok\b.*RPC /grpc\.health\.v1\.Health/Check from 127\.0\.0\.1:\d+")
        check(line is not None, "the server reports the RPC with the client's address")
        s.proc.send_signal(signal.SIGTERM)
        try:
            rc = s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            s.proc.kill()
            rc = None
        check(rc == 0, f"SIGTERM: clean exit 0 (got {rc})")

    # --scenario: the set is generated now and written with --out for the client to use.
    out = os.path.join(d, "scenario-set")
    scenario = os.path.join(SOURCE_DIR, "scenarios", "valid", "rsa.yaml")
    s = Server(["--scenario", scenario, "--tls-mode", "1", "--out", out, "--duration", "60"])
    port = s.port()
    check(port is not None and os.path.exists(os.path.join(out, "ca.pem")),
          f"--scenario --out: listens and writes the set (got {s.first!r})")
    if port:
        r = connect(port, trust=os.path.join(out, "ca.pem"))
        check(r["ok"], f"a client trusting the written ca.pem connects ({r.get('message')})")
        s.proc.terminate()
        s.proc.wait(timeout=10)

    # --tls-max 1.2: a client that offers only TLS 1.3 (Python's ssl, as grpcio has no version
    # knob) is refused at its ClientHello, and the server says why.
    s = Server(["--tls-mode", "1", "--server-pem", f("server.pem"), "--server-key",
                f("server.key"), "--tls-max", "1.2", "--duration", "60"])
    port = s.port()
    check(port is not None, f"--tls-max 1.2: listens (got {s.first!r})")
    if port:
        ctx = ssl.create_default_context(cafile=f("ca.pem"))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.set_alpn_protocols(["h2"])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="localhost"):
                    refused = False
        except (ssl.SSLError, OSError):
            refused = True
        check(refused, "--tls-max 1.2 refuses a TLS 1.3-only client")
        line = s.wait_for(r"\bfail protocol_mismatch\b.*offers only TLS 1\.3")
        check(line is not None, "the server says fail protocol_mismatch: the client offers only TLS 1.3")
        s.proc.terminate()
        s.proc.wait(timeout=10)

    # --duration ends it by itself.
    s = Server(["--tls-mode", "1", "--server-pem", f("server.pem"), "--server-key",
                f("server.key"), "--duration", "0.5"])
    try:
        rc = s.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        s.proc.kill()
        rc = None
    check(s.port() is not None and rc == 0, f"--duration 0.5: listened, then exit 0 (got {rc})")

    # Bad input: one line, exit 2, never a listening line.
    bad = [
        (["--tls-mode", "1"], "needs --server-pem"),
        (["--tls-mode", "1", "--server-pem", f("server.pem"), "--server-key", f("client.key")],
         "would not start"),
        (["--tls-mode", "2", "--server-pem", f("server.pem"), "--server-key", f("server.key")],
         "would not start"),
        (["--tls-mode", "1", "--server-pem", f("nope.pem"), "--server-key", f("server.key")],
         "nope.pem"),
        (["--tls-mode", "1", "--server-pem", f("server.pem"), "--server-key", f("server.key"),
          "--tls-min", "1.3", "--tls-max", "1.2"], "--tls-min is above --tls-max"),
    ]
    for args, words in bad:
        r = subprocess.run([TLSMATRIX, "serve", *args, "--duration", "5"], capture_output=True,
                           text=True, timeout=30)
        err = r.stderr.strip()
        check(r.returncode == 2 and words in err and "listening" not in r.stdout,
              f"serve {' '.join(a if '/' not in a else os.path.basename(a) for a in args)}: "
              f"exit 2 naming '{words}' (got {r.returncode}: {err[:200]!r})")
    print(f"{len(check.failures)} failure(s)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
