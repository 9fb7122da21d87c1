#!/usr/bin/python3
"""Every connection `tlsmatrix serve` accepts ends with exactly one event line naming the client's
address, including the ones gRPC drops without a word: a TLS client that offers no ALPN `h2`, a
ClientHello cut short, a TCP connect and close with nothing sent.

How it proves its point: each case is one real connection from a known local port; after it
has ended (the server closed it or the test did), the test waits for a line `... from
127.0.0.1:PORT`, then a little longer, and counts the lines carrying that address. The reason
on the line is what the server could know: the ALPN case is checked against a server that really
closed the connection, and the other two must not be given a TLS reason they did not earn.
A client that completes a gRPC call still gets its RPC line and one closing `pass` line.
"""
import json
import os
import re
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
HANG_S = 10  # a hang bound, not a speed assertion
SETTLE_S = 1.0  # after the first line for a connection, how long a second one gets to show up
check = Checks(verbose=True)


class Serve:
    def __init__(self, args):
        self.proc = subprocess.Popen([TLSMATRIX, "serve", *args, "--duration", "120"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.first = self.proc.stdout.readline().strip()
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", self.first)
        self.port = int(m.group(1)) if m else None
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(l.rstrip("\n") for l in self.proc.stdout),
                         daemon=True).start()

    def lines_from(self, local_port):
        """Lines about the client at 127.0.0.1:local_port, once the first has shown up."""
        pattern = re.compile(rf"\bfrom 127\.0\.0\.1:{local_port}$")
        deadline = time.monotonic() + HANG_S
        while time.monotonic() < deadline and not any(pattern.search(l) for l in list(self.lines)):
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        return [l for l in list(self.lines) if pattern.search(l)]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def wait_closed(sock):
    """Read until the server closes; True if it did within the hang bound."""
    sock.settimeout(HANG_S)
    try:
        while sock.recv(4096):
            pass
        return True
    except (ssl.SSLError, ConnectionResetError):
        return True
    except OSError:
        return False


def one_line(serve, local_port, label, want):
    lines = serve.lines_from(local_port)
    check(len(lines) == 1, f"{label}: exactly one line from 127.0.0.1:{local_port} (got {lines})")
    if lines:
        check(re.search(want, lines[0]) is not None, f"{label}: the line says /{want}/ ({lines[0]!r})")


def case_no_alpn(serve, certs):
    ctx = ssl.create_default_context(cafile=f"{certs}/ca.pem")  # no ALPN offered
    raw = socket.create_connection(("127.0.0.1", serve.port), timeout=HANG_S)
    local = raw.getsockname()[1]
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        closed = wait_closed(s)
    check(closed, "no ALPN: the gRPC server closed the connection")
    one_line(serve, local, "no ALPN", r" fail protocol_mismatch: .*ALPN")


def case_truncated_hello(serve):
    hello = client_hello()
    with socket.create_connection(("127.0.0.1", serve.port), timeout=HANG_S) as s:
        local = s.getsockname()[1]
        s.sendall(hello[:40])
    one_line(serve, local, "truncated ClientHello", r" fail unclassified: .*ClientHello")


def case_connect_close(serve):
    with socket.create_connection(("127.0.0.1", serve.port), timeout=HANG_S) as s:
        local = s.getsockname()[1]
    one_line(serve, local, "TCP connect and close", r" fail unclassified: .*before .*anything")


def case_missing_client_cert(serve, certs):
    ctx = ssl.create_default_context(cafile=f"{certs}/ca.pem")
    ctx.set_alpn_protocols(["h2"])
    raw = socket.create_connection(("127.0.0.1", serve.port), timeout=HANG_S)
    local = raw.getsockname()[1]
    try:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            wait_closed(s)
    except (ssl.SSLError, OSError):
        pass
    one_line(serve, local, "mode 2, no client certificate", r" fail client_cert_missing\b")


def case_grpc_call(serve, certs):
    case = dict(id="c", address=f"127.0.0.1:{serve.port}", server_name="localhost",
                trust=f"{certs}/ca.pem")
    out = subprocess.run(["/usr/bin/python3", CLIENT], input=json.dumps([case]),
                         capture_output=True, text=True, timeout=60).stdout
    r = json.loads(out.splitlines()[0])
    check(r["ok"], f"gRPC call: succeeds ({r.get('message')})")
    deadline = time.monotonic() + HANG_S
    rpc = None
    while time.monotonic() < deadline and rpc is None:
        rpc = next((l for l in list(serve.lines) if "RPC /grpc.health.v1.Health/Check" in l), None)
        time.sleep(0.05)
    check(rpc is not None, f"gRPC call: an RPC line ({serve.lines})")
    if rpc:
        local = int(rpc.rsplit(":", 1)[1])
        lines = serve.lines_from(local)
        closing = [l for l in lines if "RPC /" not in l]
        check(len(closing) == 1 and " pass ok: " in closing[0],
              f"gRPC call: one closing pass line for 127.0.0.1:{local} (got {lines})")


def main():
    tmp = tempfile.mkdtemp(prefix="serve-events-")
    certs = os.path.join(tmp, "certs")
    subprocess.run([TLSMATRIX, "certs", "gen", "--out", certs, "--key", "ec-p256"], check=True,
                   capture_output=True)
    serve = Serve(["--tls-mode", "1", "--server-pem", f"{certs}/server.pem", "--server-key",
                   f"{certs}/server.key"])
    check(serve.port is not None, f"mode 1: listening (got {serve.first!r})")
    if serve.port:
        case_no_alpn(serve, certs)
        case_truncated_hello(serve)
        case_connect_close(serve)
        case_grpc_call(serve, certs)
    serve.stop()

    serve = Serve(["--tls-mode", "2", "--server-pem", f"{certs}/server.pem", "--server-key",
                   f"{certs}/server.key", "--ca-pem", f"{certs}/ca.pem"])
    check(serve.port is not None, f"mode 2: listening (got {serve.first!r})")
    if serve.port:
        case_missing_client_cert(serve, certs)
    serve.stop()

    print(f"{len(check.failures)} failure(s)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
