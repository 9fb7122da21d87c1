#!/usr/bin/python3
"""`tlsmatrix serve` keeps serving when nobody reads its output, and stops on SIGTERM anyway.

How it proves its point: serve runs with stdout (and stderr) connected to pipes that the test
never reads after the `listening on` line. Connections that each make the server print a line
(plaintext bytes to a TLS server, then close) are made until far more than a pipe's 64 KiB of
lines have been produced; then real TLS handshakes (ALPN h2, the server's certificate verified)
must still complete, each within a hang bound, and SIGTERM must end the process, with exit 0,
within 1.5 s whatever stdout does. The drops must be counted on stderr.

The second half closes the read end of stdout instead (the reader went away, as `serve | head`
does): the next line must not kill serve with SIGPIPE; it keeps answering handshakes and exits
0 on SIGTERM.
"""
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX, Checks  # noqa: E402
FILLERS = 1500      # connections that each make one event line: ~100 KiB, past a 64 KiB pipe
HANDSHAKES = 200    # real TLS handshakes that must still succeed with the pipe full
HANG_S = 10         # a hang bound per handshake, not a speed assertion
STOP_S = 1.5        # the SIGTERM contract: serve stops within a second whatever stdout does
check = Checks(verbose=True)


def start(certs):
    p = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "1", "--server-pem",
                          f"{certs}/server.pem", "--server-key", f"{certs}/server.key"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline().decode().strip()
    port = int(first.rsplit(":", 1)[1]) if first.startswith("listening on ") else None
    return p, port, first


def filler(port):
    """A plaintext client to a TLS server: one `fail plaintext_to_tls` line each."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=HANG_S) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            s.settimeout(HANG_S)
            while s.recv(4096):
                pass
        return True
    except OSError:
        return False


def handshake(port, certs):
    ctx = ssl.create_default_context(cafile=f"{certs}/ca.pem")
    ctx.set_alpn_protocols(["h2"])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=HANG_S) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                return s.selected_alpn_protocol() == "h2", ""
    except (OSError, ssl.SSLError) as e:
        return False, str(e)


def stop(p):
    """SIGTERM; seconds until the process was gone, and its exit code (None: had to kill it)."""
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = None
    return time.monotonic() - t0, rc


def handshakes_while(p, port, certs, label):
    done = 0
    t0 = time.monotonic()
    for i in range(HANDSHAKES):
        ok, err = handshake(port, certs)
        if not ok:
            check(False, f"{label}: handshake {i + 1} of {HANDSHAKES} failed ({err or 'no h2'}); "
                         f"serve {'exited ' + str(p.returncode) if p.poll() is not None else 'running'}")
            return
        done += 1
    dt = time.monotonic() - t0
    check(True, f"{label}: {done} TLS handshakes completed ({dt:.2f} s)")


def main():
    tmp = tempfile.mkdtemp(prefix="serve-unread-")
    certs = os.path.join(tmp, "certs")
    subprocess.run([TLSMATRIX, "certs", "gen", "--out", certs, "--key", "ec-p256"], check=True,
                   capture_output=True)

    # 1. stdout and stderr are pipes nobody reads.
    p, port, first = start(certs)
    check(port is not None, f"listening line first (got {first!r})")
    if port:
        fillers_ok = 0
        for _ in range(FILLERS):
            if not filler(port):
                break
            fillers_ok += 1
        check(fillers_ok == FILLERS, f"unread stdout: {fillers_ok} of {FILLERS} plaintext "
                                     "clients got their answer")
        handshakes_while(p, port, certs, "unread stdout")
        took, rc = stop(p)
        err = p.stderr.read().decode(errors="replace")
        check(rc == 0 and took <= STOP_S,
              f"unread stdout: SIGTERM -> exit {rc} after {took:.2f} s (want 0 within {STOP_S} s)")
        check(re.search(r"\d+ event lines were not printed", err) is not None,
              "unread stdout: stderr counts the lines it could not print "
              f"(stderr tail: {err[-300:]!r})")

    # 2. The reader goes away: EPIPE, not SIGPIPE.
    p, port, first = start(certs)
    check(port is not None, f"listening line first (got {first!r})")
    if port:
        p.stdout.close()
        for _ in range(20):
            filler(port)
        time.sleep(0.2)
        check(p.poll() is None, f"closed stdout: serve still running after 20 lines "
                                f"(exit {p.returncode}; -13 is death by SIGPIPE)")
        if p.poll() is None:
            handshakes_while(p, port, certs, "closed stdout")
            took, rc = stop(p)
            check(rc == 0 and took <= STOP_S,
                  f"closed stdout: SIGTERM -> exit {rc} after {took:.2f} s "
                  f"(want 0 within {STOP_S} s)")
            err = p.stderr.read().decode(errors="replace")
            check("stdout" in err, f"closed stdout: stderr says so (stderr tail: {err[-300:]!r})")
        else:
            p.wait()

    print(f"{len(check.failures)} failure(s)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
