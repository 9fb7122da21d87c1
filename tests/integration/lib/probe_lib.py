"""Shared by the probe_*.py integration tests: run `tlsmatrix probe` with --json, read its checks,
and start the servers it is pointed at (`tlsmatrix serve`, tests/faults/fault_server.py).
Not a test itself: ctest globs only tests/integration/*.py."""

import json
import os
import re
import select
import socket
import subprocess
import time

from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: F401 (Checks: for the tests)

FAULT_SERVER = os.path.join(SOURCE_DIR, "tests", "faults", "fault_server.py")
TIMEOUT_S = 2  # the probe's --timeout


def run_probe(tmp, endpoint, *flags, timeout=TIMEOUT_S):
    """(completed process, JSON report or None)."""
    out = os.path.join(tmp, "probe.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [TLSMATRIX, "probe", endpoint, "--timeout", str(timeout), "--json", out, *flags]
    # The subprocess timeout is a hang guard only.
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    print(f"$ {' '.join(cmd)}\n{p.stdout}{p.stderr}exit {p.returncode}\n", flush=True)
    report = None
    if os.path.exists(out):
        with open(out) as f:
            report = json.load(f)
    return p, report


def check_of(report, check_id):
    """The check with that id, or an empty dict."""
    for c in (report or {}).get("checks", []):
        if c["id"] == check_id:
            return c
    return {}


def certs_gen(directory):
    subprocess.run([TLSMATRIX, "certs", "gen", "--out", directory, "--key", "ec-p256"],
                   check=True, capture_output=True)


class LineServer:
    """A server process that prints `listening on HOST:PORT` first; killed on exit."""

    def __init__(self, argv, start_timeout=60):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        # A bound on the wait for the first line, so a server that never starts fails the test.
        ready, _, _ = select.select([self.proc.stdout], [], [], start_timeout)
        line = self.proc.stdout.readline() if ready else ""
        m = re.fullmatch(r"listening on (\S+:\d+)", line.strip())
        if not m:
            self.close()
            raise RuntimeError(f"{argv[:3]} did not start: {line!r}")
        self.endpoint = m.group(1)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def serve(*args):
    """`tlsmatrix serve` (the harness's Milvus-like gRPC server)."""
    return LineServer([TLSMATRIX, "serve", "--duration", "120", *args])


def fault_server(mode, *args):
    return LineServer(["/usr/bin/python3", FAULT_SERVER, mode, *args])


class SServer:
    """openssl s_server on a port the OS picked; stdin stays open (EOF would end each
    connection) and stdout goes to a file, which also tells when it listens."""

    def __init__(self, tmp, name, *args):
        for _ in range(5):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
            s.close()
            self.log = os.path.join(tmp, f"{name}.log")
            with open(self.log, "w") as log:
                self.proc = subprocess.Popen(
                    ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", *args],
                    stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                if "ACCEPT" in open(self.log).read():
                    return
                time.sleep(0.05)
            self.stop()  # the port was taken in between, or s_server failed: try again
        raise RuntimeError(f"s_server {name} did not start: {open(self.log).read()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
