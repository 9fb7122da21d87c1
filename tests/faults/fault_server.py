#!/usr/bin/python3
"""A misbehaving TCP server on 127.0.0.1 for fault tests: it speaks just enough TLS to get a
client into the handshake, then fails in one chosen way.

    /usr/bin/python3 tests/faults/fault_server.py MODE [CERT_DIR]
                                                    (prints "listening on 127.0.0.1:PORT")

Modes (every connection, each on its own thread, until the process is killed):
  accept-close        accept, then close at once (before reading anything)
  reset               read the ClientHello, then reset the connection (RST, SO_LINGER 0)
  garbage             read the ClientHello, answer with random bytes, then close
  garbage-stall       read the ClientHello, answer with random bytes, then keep silent
  stall-hello         read the ClientHello, then keep silent (the connection stays open)
  stall-server-hello  read the ClientHello, send the start of a ServerHello record (header says
                      more is coming), then keep silent
  drip                read the ClientHello, then send a plausible ServerHello one byte per second
                      (a client with a per-read timeout but no overall deadline waits forever)
  http1               read the request, answer "HTTP/1.1 400 Bad Request" and close
  h2-plain            a plaintext HTTP/2 server that is not gRPC: answer whatever comes first
                      with an HTTP/2 SETTINGS frame, then keep reading
  oversized-chain     TLS with CERT_DIR/server.pem and server.key (`tlsmatrix certs gen`), the
                      certificate followed by 2999 copies of CERT_DIR/ca.pem: a Certificate
                      message of about 1.3 MB, beyond OpenSSL's default 100 KiB client limit
  oversized-chain-mtls  the same, requiring a client certificate issued by CERT_DIR/ca.pem
"""
import os
import random
import socket
import ssl
import struct
import sys
import threading
import time

MODES = ("accept-close", "reset", "garbage", "garbage-stall", "stall-hello",
         "stall-server-hello", "drip", "http1", "h2-plain")
TLS_MODES = ("oversized-chain", "oversized-chain-mtls")
OVERSIZED_COPIES = 2999  # with the leaf, a 3000-certificate chain
HOLD_S = 600  # how long a stalling connection is held; the test kills us long before


def read_some(conn, timeout=5.0):
    """Whatever the client sends first (a ClientHello, an HTTP/2 preface); empty on timeout."""
    conn.settimeout(timeout)
    try:
        return conn.recv(65536)
    except OSError:
        return b""


def server_hello_bytes():
    """A TLS 1.2 record carrying a ServerHello: a client reads it as the real start."""
    body = (b"\x03\x03" + os.urandom(32) + b"\x00" + b"\xc0\x2f" + b"\x00")  # no session id
    handshake = b"\x02" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x03" + struct.pack(">H", len(handshake)) + handshake


def hold(conn):
    conn.settimeout(None)
    deadline = time.monotonic() + HOLD_S
    try:
        while time.monotonic() < deadline:
            # Keep reading so the client's writes never block; EOF means it gave up.
            if not conn.recv(65536):
                return
    except OSError:
        return


def handle(conn, mode):
    with conn:
        if mode == "accept-close":
            return
        read_some(conn)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if mode in ("garbage", "garbage-stall"):
            conn.sendall(random.Random(8).randbytes(4096))
            if mode == "garbage-stall":
                hold(conn)
            return
        if mode == "stall-hello":
            hold(conn)
            return
        if mode == "stall-server-hello":
            hello = server_hello_bytes()
            # The record header promises len(hello) bytes; only half of them ever come.
            conn.sendall(hello[: len(hello) // 2])
            hold(conn)
            return
        if mode == "drip":
            conn.settimeout(None)
            try:
                for b in server_hello_bytes() * 100:
                    conn.sendall(bytes([b]))
                    time.sleep(1)
            except OSError:
                return
            return
        if mode == "http1":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        if mode == "h2-plain":
            # An empty SETTINGS frame on stream 0: the start of any HTTP/2 server's preface.
            conn.sendall(b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            hold(conn)
            return


def oversized_context(cert_dir, require_client_cert):
    """A TLS server context whose certificate list no default OpenSSL client accepts."""
    chain = os.path.join(cert_dir, "oversized-chain.pem")
    with open(os.path.join(cert_dir, "server.pem")) as f:
        leaf = f.read()
    with open(os.path.join(cert_dir, "ca.pem")) as f:
        ca = f.read()
    with open(chain, "w") as f:
        f.write(leaf + ca * OVERSIZED_COPIES)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, os.path.join(cert_dir, "server.key"))
    ctx.set_alpn_protocols(["h2"])
    if require_client_cert:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(os.path.join(cert_dir, "ca.pem"))
    return ctx


def handle_tls(conn, ctx):
    """A TLS server that would serve a client that got through (none does)."""
    with conn:
        conn.settimeout(10)
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(65536)
        except (OSError, ssl.SSLError):
            return


def main():
    usage = "usage: fault_server.py " + "|".join(MODES) + " | " + "|".join(TLS_MODES) + " CERT_DIR"
    if len(sys.argv) == 3 and sys.argv[1] in TLS_MODES:
        mode = sys.argv[1]
        ctx = oversized_context(sys.argv[2], mode.endswith("-mtls"))
    elif len(sys.argv) == 2 and sys.argv[1] in MODES:
        mode, ctx = sys.argv[1], None
    else:
        sys.exit(usage)
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(64)
    print(f"listening on 127.0.0.1:{lst.getsockname()[1]}", flush=True)
    while True:
        conn, _ = lst.accept()
        if ctx is not None:
            threading.Thread(target=handle_tls, args=(conn, ctx), daemon=True).start()
        else:
            threading.Thread(target=handle, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
