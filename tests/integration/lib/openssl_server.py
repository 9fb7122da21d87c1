"""openssl s_server for integration tests (imported, not a test itself)."""
import os
import socket
import subprocess
import time


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
