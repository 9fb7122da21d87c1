#!/usr/bin/python3
"""A misbehaving TCP server on 127.0.0.1 for fault tests: it speaks just enough TLS to get a
client into the handshake, then fails in one chosen way.

    /usr/bin/python3 tests/faults/fault_server.py MODE        (prints "listening on 127.0.0.1:PORT")

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
"""
import os
import random
import socket
import struct
import sys
import threading
import time

MODES = ("accept-close", "reset", "garbage", "garbage-stall", "stall-hello",
         "stall-server-hello", "drip", "http1")
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


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit("usage: fault_server.py " + "|".join(MODES))
    mode = sys.argv[1]
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(64)
    print(f"listening on 127.0.0.1:{lst.getsockname()[1]}", flush=True)
    while True:
        conn, _ = lst.accept()
        threading.Thread(target=handle, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
