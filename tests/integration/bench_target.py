#!/usr/bin/python3
"""`tlsmatrix bench --target` against real and hostile servers.

How it proves its point: every case runs the real binary against a real server on 127.0.0.1
and asserts the exit code, the counts in the JSON report, and that the run ended within its
bound (a hang guard with generous slack, not a speed assertion):

  * `openssl s_server -Verify 1 -verify_return_error` (TLS 1.3, mode 2): without a client
    certificate every handshake is refused after the client's handshake ended, so nothing may be
    counted and the exit is 1 with the reason (alert 116); with a certificate from the server's
    CA the handshakes count and the one row says what the target negotiated (mode 2, ec-p256,
    TLS 1.3); one from another CA is refused (unknown ca); with -num_tickets 0 the server never
    answers after the handshake, so nothing counts; an untrusted server is not measured.
  * tests/faults/fault_server.py `drip` and `stall-server-hello`: the first handshake never
    finishes; bench ends after --timeout with exit 1.
  * a relay that passes the first connection to s_server and then drips a byte a second: the
    run ends at --duration plus the 1 s grace, with the handshakes in flight cut off.
  * a relay that passes 20 connections and then stops listening (the server died): bench backs
    off, stops with the first and the most common error, and exits 2 (cannot measure).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "faults"))
import fault_server  # noqa: E402  (the hostile behaviours, reused per connection)

GRACE_S = 1.0   # bench's kRunGrace: a handshake in flight when --duration is over gets this long
SLACK_S = 8.0   # start-up, certificates for the ceiling, the crypto bound; a hang guard only
check = Checks()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("the server exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class SServer:
    """openssl s_server on 127.0.0.1 (TLS 1.3); `extra` adds e.g. -Verify 1."""

    def __init__(self, certs, extra=()):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", "-tls1_3", "-quiet",
             "-cert", f"{certs}/server.pem", "-key", f"{certs}/server.key", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.port, self.proc)

    def close(self):
        self.proc.kill()
        self.proc.wait()


class Relay:
    """Passes the first `relayed` connections to 127.0.0.1:upstream; after that, `then` is
    'die' (stop listening: connects are refused) or a fault_server.py mode for each new one."""

    def __init__(self, upstream, relayed, then):
        self.upstream, self.relayed, self.then = upstream, relayed, then
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            n += 1
            if n <= self.relayed:
                threading.Thread(target=self.relay, args=(conn,), daemon=True).start()
            elif self.then == "die":
                conn.close()
                self.sock.close()
                return
            else:
                threading.Thread(target=fault_server.handle, args=(conn, self.then),
                                 daemon=True).start()

    def relay(self, conn):
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
        except OSError:
            conn.close()
            return

        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        t = threading.Thread(target=pump, args=(up, conn), daemon=True)
        t.start()
        pump(conn, up)
        t.join(10)
        conn.close()
        up.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def bench(tmp, name, port, *args, bound):
    """Runs bench --target; returns (exit code, stdout+stderr, JSON or None, seconds)."""
    out = os.path.join(tmp, name + ".json")
    cmd = [TLSMATRIX, "bench", "--target", f"127.0.0.1:{port}", "--concurrency", "2",
           "--json", out, *args]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=bound + 30)
    except subprocess.TimeoutExpired:
        check(False, f"{name}: bench still running {bound + 30:.0f} s later")
        return None, "", None, bound + 30
    elapsed = time.monotonic() - start
    text = p.stdout + p.stderr
    print(f"--- {name}: exit {p.returncode} in {elapsed:.1f} s\n{text}", flush=True)
    check(elapsed < bound, f"{name}: took {elapsed:.1f} s, bound {bound:.1f} s")
    doc = None
    if os.path.exists(out):
        with open(out) as f:
            doc = json.load(f)
    return p.returncode, text, doc, elapsed


def only_row(name, doc):
    rows = doc["results"] if doc else []
    check(len(rows) == 1, f"{name}: want one row (what the target negotiated), got {len(rows)}")
    return rows[0] if rows else {}


def main():
    if not os.path.exists(TLSMATRIX):
        print("bench_target: no binary")
        return 1
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-bench-target-") as tmp:
        ca, other = os.path.join(tmp, "ca"), os.path.join(tmp, "other")
        for d in (ca, other):
            subprocess.run([TLSMATRIX, "certs", "gen", "--out", d, "--key", "ec-p256"], check=True,
                           capture_output=True)
        trust = ["--trust", f"{ca}/ca.pem", "--server-name", "localhost"]
        mine = ["--client-pem", f"{ca}/client.pem", "--client-key", f"{ca}/client.key"]
        theirs = ["--client-pem", f"{other}/client.pem", "--client-key", f"{other}/client.key"]
        d = ["--duration", "1"]
        limit = 1 + GRACE_S + SLACK_S

        # Mode 2 (TLS 1.3): the refusal comes after the client's handshake.
        s = SServer(ca, ["-CAfile", f"{ca}/ca.pem", "-Verify", "1", "-verify_return_error"])
        try:
            rc, text, doc, _ = bench(tmp, "mode2-no-cert", s.port, *trust, *d, bound=limit)
            check(rc == 1, f"mode2-no-cert: exit {rc}, want 1 (every handshake refused)")
            row = only_row("mode2-no-cert", doc)
            check(row.get("handshakes") == 0, f"mode2-no-cert: counted {row.get('handshakes')}")
            check(row.get("failed", 0) > 0, "mode2-no-cert: no refusal counted")
            reasons = [e["reason"] for e in row.get("errors", [])]
            check(any("certificate required" in r for r in reasons),
                  f"mode2-no-cert: reasons {reasons}, want alert 116 certificate required")
            check(row.get("negotiated", {}).get("cert_requested") is True,
                  "mode2-no-cert: the row does not say the target asked for a certificate")
            check("--client-pem" in text, "mode2-no-cert: no hint to pass --client-pem")

            rc, text, doc, _ = bench(tmp, "mode2-cert", s.port, *trust, *mine, *d, bound=limit)
            check(rc == 0, f"mode2-cert: exit {rc}, want 0")
            row = only_row("mode2-cert", doc)
            check(row.get("handshakes", 0) > 0 and row.get("failed") == 0,
                  f"mode2-cert: handshakes {row.get('handshakes')}, failed {row.get('failed')}")
            check((row.get("mode"), row.get("key"), row.get("tls")) == (2, "ec-p256", "1.3"),
                  f"mode2-cert: row says mode {row.get('mode')} {row.get('key')} "
                  f"TLS {row.get('tls')}, the target is mode 2 ec-p256 TLS 1.3")
            check(0 < row.get("fraction_of_ceiling", 0), "mode2-cert: no ceiling")

            rc, text, doc, _ = bench(tmp, "mode2-other-ca", s.port, *trust, *theirs, *d,
                                     bound=limit)
            check(rc == 1, f"mode2-other-ca: exit {rc}, want 1")
            row = only_row("mode2-other-ca", doc)
            check(row.get("handshakes") == 0, "mode2-other-ca: refused handshakes counted")
            reasons = [e["reason"] for e in row.get("errors", [])]
            check(any("unknown ca" in r.lower() for r in reasons),
                  f"mode2-other-ca: reasons {reasons}")
        finally:
            s.close()

        # Mode 2 without session tickets and without HTTP/2: the server never says whether it
        # took the certificate, so nothing may count; the output says why.
        s = SServer(ca, ["-CAfile", f"{ca}/ca.pem", "-Verify", "1", "-verify_return_error",
                         "-num_tickets", "0"])
        try:
            rc, text, doc, _ = bench(tmp, "mode2-silent", s.port, *trust, *mine, *d,
                                     "--timeout", "0.5", bound=limit)
            check(rc == 1, f"mode2-silent: exit {rc}, want 1 (no handshake confirmed)")
            row = only_row("mode2-silent", doc)
            check(row.get("handshakes") == 0, f"mode2-silent: counted {row.get('handshakes')}")
            check("no answer from the server after the handshake" in text,
                  "mode2-silent: the output does not say the server never answered")
        finally:
            s.close()

        # Mode 1: verification as every other command does it; --insecure skips it.
        s = SServer(ca)
        try:
            rc, text, doc, _ = bench(tmp, "untrusted", s.port, "--trust", f"{other}/ca.pem",
                                     "--server-name", "localhost", *d, bound=limit)
            check(rc == 1, f"untrusted: exit {rc}, want 1 (the target does not verify)")
            check("verify" in text, "untrusted: the output does not say verification failed")
            check(not doc or not doc["results"] or doc["results"][0]["handshakes"] == 0,
                  "untrusted: handshakes with an unverified server were counted")
            rc, text, doc, _ = bench(tmp, "insecure", s.port, "--insecure", *d, bound=limit)
            check(rc == 0, f"insecure: exit {rc}, want 0")
            row = only_row("insecure", doc)
            check(row.get("mode") == 1 and row.get("handshakes", 0) > 0, f"insecure: {row}")
            check("not verified" in text, "insecure: the output does not say it did not verify")

            # The server dies after 20 connections: back off, stop, exit 2.
            relay = Relay(s.port, 20, "die")
            rc, text, doc, _ = bench(tmp, "dies", relay.port, "--insecure", "--duration", "2",
                                     bound=2 + GRACE_S + SLACK_S)
            relay.close()
            check(rc == 2, f"dies: exit {rc}, want 2 (the target went away: cannot measure)")
            check("Connection refused" in text, "dies: the error is not named")
            check("most common" in text and "first error" in text,
                  "dies: the first and the most common errors are not both given")
            row = doc["results"][0] if doc and doc["results"] else {}
            check(row.get("failed", 0) < 200,
                  f"dies: {row.get('failed')} failed attempts in 2 s: no back-off")
            check(row.get("target_lost") is True, "dies: the row does not say the target was lost")

            # After a good first connection every handshake trickles: cut at --duration + grace.
            relay = Relay(s.port, 1, "drip")
            rc, text, doc, _ = bench(tmp, "trickle", relay.port, "--insecure", *d, bound=limit)
            relay.close()
            check(rc == 1, f"trickle: exit {rc}, want 1 (nothing completed)")
            row = only_row("trickle", doc)
            check(row.get("handshakes") == 0, f"trickle: counted {row.get('handshakes')}")
            check(row.get("cut_off", 0) >= 1, "trickle: no handshake reported as cut off")
        finally:
            s.close()

        # Servers that never finish the first handshake: bench ends after --timeout.
        for mode in ("drip", "stall-server-hello"):
            f = subprocess.Popen(["/usr/bin/python3", fault_server.__file__, mode],
                                 stdout=subprocess.PIPE, text=True)
            try:
                port = int(f.stdout.readline().split(":")[-1])
                rc, text, doc, _ = bench(tmp, mode, port, "--insecure", *d, "--timeout", "1",
                                         bound=1 + SLACK_S)
                check(rc == 1, f"{mode}: exit {rc}, want 1")
                check("timed out" in text, f"{mode}: the output does not say it timed out")
            finally:
                f.kill()
                f.wait()

        # Options that make no sense with (or without) a target: exit 2, named.
        for args, want in ((["--target", "127.0.0.1:1", "--keys", "rsa2048"], "--keys"),
                           (["--target", "127.0.0.1:1", "--modes", "2"], "--modes"),
                           (["--target", "127.0.0.1:1", "--insecure", "--trust",
                             f"{ca}/ca.pem"], "--insecure"),
                           (["--client-pem", f"{ca}/client.pem", "--client-key",
                             f"{ca}/client.key"], "--target")):
            p = subprocess.run([TLSMATRIX, "bench", *args, "--duration", "0.1"], capture_output=True,
                               text=True, timeout=60)
            check(p.returncode == 2 and want in p.stdout + p.stderr,
                  f"bench {' '.join(args)}: exit {p.returncode}, want 2 naming {want}: "
                  f"{(p.stdout + p.stderr).strip()}")
        # Nobody listens: cannot measure.
        port = free_port()
        p = subprocess.run([TLSMATRIX, "bench", "--target", f"127.0.0.1:{port}", "--insecure",
                            "--duration", "0.5"], capture_output=True, text=True, timeout=60)
        check(p.returncode == 2 and "Connection refused" in p.stdout + p.stderr,
              f"no server: exit {p.returncode}, want 2: {(p.stdout + p.stderr).strip()}")

    print(f"bench_target: {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
