#!/usr/bin/python3
"""`serve` and `bench` stop cleanly on SIGINT and SIGTERM: the process ends by itself (it handles
the signal rather than being killed by it), no process it started survives it, and its listening
port is free afterwards.

How it proves its point: each command runs in its own session (process group) with a client
connection open (serve) or worker processes busy (bench); after the signal the test waits a
bounded time for the group to be empty and then binds the port itself.
"""
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
EXIT_BOUND_S = 15  # a hang bound, not a speed assertion
check = Checks()
fail = check.fail


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_group_gone(pgid, bound):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return True
        time.sleep(0.1)
    return False


def port_free(port):
    s = socket.socket()
    # SO_REUSEADDR so a TIME_WAIT left by our own client does not count; a listener still does.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        return True
    except OSError:
        return False
    finally:
        s.close()


def check_serve(certs, sig):
    label = f"serve, {signal.Signals(sig).name}"
    p = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "1", "--server-pem", f"{certs}/server.pem",
                          "--server-key", f"{certs}/server.key", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        line = ""
        deadline = time.monotonic() + EXIT_BOUND_S
        while time.monotonic() < deadline and not line.startswith("listening on"):
            line = p.stdout.readline()
            if not line:
                break
        if not line.startswith("listening on"):
            fail(f"{label}: no 'listening on' line (got {line!r})")
            return
        port = int(line.split()[-1].rsplit(":", 1)[1])
        # An open TLS connection during shutdown: it must not keep the server alive.
        ctx = ssl.create_default_context(cafile=f"{certs}/ca.pem")
        conn = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                               server_hostname="localhost")
        p.send_signal(sig)
        try:
            rc = p.wait(timeout=EXIT_BOUND_S)
        except subprocess.TimeoutExpired:
            fail(f"{label}: still running {EXIT_BOUND_S} s after the signal")
            return
        finally:
            conn.close()
        if rc < 0:
            fail(f"{label}: killed by the signal (exit {rc}); it should stop cleanly")
        elif rc not in (0, 128 + sig):
            fail(f"{label}: exit {rc}, want 0 (or {128 + sig})")
        if not wait_group_gone(p.pid, EXIT_BOUND_S):
            fail(f"{label}: processes of its group still running after it exited")
        if not port_free(port):
            fail(f"{label}: port {port} still taken after exit")
        print(f"signal_cleanup: {label}: exit {rc}, port {port} free", flush=True)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def check_bench(tmp, sig):
    label = f"bench, {signal.Signals(sig).name}"
    out = os.path.join(tmp, f"bench-{sig}.json")
    # Long enough that lingering worker processes would still be running when we look.
    p = subprocess.Popen([TLSMATRIX, "bench", "--layer", "tls", "--modes", "1", "--keys", "ec-p256",
                          "--tls", "1.3", "--concurrency", "2", "--processes", "2",
                          "--duration", "30", "--json", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        time.sleep(3)  # workers forked and busy
        if p.poll() is not None:
            fail(f"{label}: ended before the signal (exit {p.returncode}): {p.stderr.read()[:300]}")
            return
        # To the main process only, as `kill PID` or a supervisor does; its workers must follow.
        os.kill(p.pid, sig)
        try:
            rc = p.wait(timeout=EXIT_BOUND_S)
        except subprocess.TimeoutExpired:
            fail(f"{label}: still running {EXIT_BOUND_S} s after the signal")
            return
        if not wait_group_gone(p.pid, EXIT_BOUND_S):
            fail(f"{label}: worker processes still running after the main process exited")
        if os.path.exists(out):
            import json
            try:
                json.load(open(out))
            except ValueError as e:
                fail(f"{label}: half-written --json: {e}")
        print(f"signal_cleanup: {label}: exit {rc}", flush=True)
    finally:
        if group_alive(p.pid):
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()


def main():
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-signals-") as tmp:
        certs = os.path.join(tmp, "certs")
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", certs, "--key", "ec-p256"], check=True,
                       capture_output=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            check_serve(certs, sig)
        for sig in (signal.SIGINT, signal.SIGTERM):
            check_bench(tmp, sig)
    print(f"signal_cleanup: {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
