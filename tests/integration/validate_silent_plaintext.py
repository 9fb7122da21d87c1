#!/usr/bin/python3
"""`validate` never passes a deployment that would silently serve plaintext to clients set up
for TLS. Milvus reads the mode only at common.security.tlsMode (absent = 0), so a tlsMode under
`common` or at the top level, or `tls.*` files without a tlsMode, leave the proxy in plaintext;
clients configured for TLS then fail with tls_to_plaintext. validate must exit 1 and name the key
it found and the key Milvus reads.

Real servers show what those configurations do:
- `tlsmatrix serve --tls-mode 0` with the same files is the proxy as Milvus reads the file: a
  real gRPC C-core client (Python grpcio, as pymilvus) with TLS fails with tls_to_plaintext, and
  `openssl s_client` gets no certificate;
- `openssl s_server -Verify` with the same files is what the file meant (mode 2): the same TLS
  client handshake verifies, so the files are fine and only the key's place is wrong.
A clean plaintext configuration (nothing TLS anywhere, or Milvus's own milvus.yaml with its
`tls.*` defaults and an explicit `tlsMode: 0`) still validates with exit 0."""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import SServer  # noqa: E402

from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
CLIENT = os.path.join(SOURCE_DIR, "tests", "interop", "clients", "python", "grpc_client.py")
check = Checks(verbose=True)


def validate(*args, cwd=None):
    r = subprocess.run([TLSMATRIX, "validate", *args], capture_output=True, text=True,
                       timeout=120, cwd=cwd)
    return r.returncode, r.stdout + r.stderr


class Serve:
    """`tlsmatrix serve`, which prints `listening on HOST:PORT` first."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([TLSMATRIX, "serve", *args, "--duration", "60"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.first = self.proc.stdout.readline().strip()
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(l.strip() for l in self.proc.stdout),
                         daemon=True).start()
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", self.first)
        self.port = int(m.group(1)) if m else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def grpc_connect(port, **files):
    case = dict(id="c", address=f"127.0.0.1:{port}", server_name="localhost", **files)
    out = subprocess.run(["/usr/bin/python3", CLIENT], input=json.dumps([case]),
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out.splitlines()[0])


def s_client(port, *args):
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                        "-servername", "localhost", *args],
                       input="", capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    tmp = tempfile.mkdtemp(prefix="validate-plaintext-")
    tls = os.path.join(tmp, "tls")
    r = subprocess.run([TLSMATRIX, "certs", "gen", "--key", "ec-p256", "--out", tls],
                       capture_output=True, text=True)
    check(r.returncode == 0, "certs gen", r.stderr)
    f = lambda n: os.path.join(tls, n)  # noqa: E731
    files = (f"tls:\n  serverPemPath: {f('server.pem')}\n  serverKeyPath: {f('server.key')}\n"
             f"  caPemPath: {f('ca.pem')}\n")
    clients = ["--trust", f("ca.pem"), "--client-pem", f("client.pem"), "--client-key",
               f("client.key"), "--server-name", "localhost"]

    # What the file meant: mode 2 at the key Milvus reads validates clean (the control).
    good = write(os.path.join(tmp, "good.yaml"), files + "common:\n  security:\n    tlsMode: 2\n")
    code, out = validate("--milvus-yaml", good, *clients)
    check(code == 0, "common.security.tlsMode: 2 with these files validates clean", out)

    # 1. tlsMode under `common` (not `common.security`): Milvus reads 0 and serves plaintext.
    under_common = write(os.path.join(tmp, "under-common.yaml"), files + "common:\n  tlsMode: 2\n")
    code, out = validate("--milvus-yaml", under_common, *clients)
    check(code == 1, f"common.tlsMode: 2: exit 1 (got {code})", out)
    check("common.tlsMode" in out and "common.security.tlsMode" in out,
          "common.tlsMode: names the key found and the key Milvus reads", out)
    check(re.search(r"✗ .*fails with tls_to_plaintext", out) is not None,
          "common.tlsMode: the dynamic check's TLS client meets a plaintext server", out)
    check("passed" not in out.splitlines()[-1], "common.tlsMode: not 'passed'", out)
    # Without any client files it is still an error: the file asks for TLS and gets none.
    code, out = validate("--milvus-yaml", under_common)
    check(code == 1 and "common.tlsMode" in out and "common.security.tlsMode" in out,
          f"common.tlsMode, no client flags: exit 1 naming both keys (got {code})", out)

    # 2. `security: {tlsMode: 2}` at the top level.
    top = write(os.path.join(tmp, "top-security.yaml"), files + "security:\n  tlsMode: 2\n")
    code, out = validate("--milvus-yaml", top)
    check(code == 1 and "security.tlsMode" in out and "common.security.tlsMode" in out,
          f"top-level security.tlsMode: exit 1 naming both keys (got {code})", out)

    # 3. tls.* files set and no tlsMode anywhere.
    no_mode = write(os.path.join(tmp, "no-mode.yaml"), files)
    code, out = validate("--milvus-yaml", no_mode)
    check(code == 1 and "tls.serverPemPath" in out and "common.security.tlsMode" in out,
          f"tls.* without tlsMode: exit 1 naming tls.serverPemPath and "
          f"common.security.tlsMode (got {code})", out)

    # 4. The older pages' key: common.security.tlsEnabled: true is not read either.
    enabled = write(os.path.join(tmp, "tls-enabled.yaml"),
                    files + "common:\n  security:\n    tlsEnabled: true\n")
    code, out = validate("--milvus-yaml", enabled)
    check(code == 1 and "tlsEnabled" in out and "common.security.tlsMode" in out,
          f"common.security.tlsEnabled: exit 1 naming it and common.security.tlsMode "
          f"(got {code})", out)

    # 5. Clients given TLS files against a mode-0 server: from milvus.yaml and from flags.
    stock = write(os.path.join(tmp, "stock.yaml"),
                  files + "common:\n  security:\n    authorizationEnabled: false\n    tlsMode: 0\n")
    code, out = validate("--milvus-yaml", stock, *clients)
    check(code == 1 and "tls_to_plaintext" in out and "common.security.tlsMode" in out,
          f"tlsMode 0 with --trust/--client-pem: exit 1, tls_to_plaintext (got {code})", out)
    code, out = validate("--tls-mode", "0", "--trust", f("ca.pem"), "--server-name", "localhost")
    check(code == 1 and "tls_to_plaintext" in out and "--tls-mode 0" in out,
          f"--tls-mode 0 --trust: exit 1, tls_to_plaintext naming --tls-mode (got {code})", out)
    code, out = validate("--tls-mode", "0", "--client-pem", f("client.pem"), "--client-key",
                         f("client.key"))
    check(code == 1 and "tls_to_plaintext" in out,
          f"--tls-mode 0 --client-pem: exit 1, tls_to_plaintext (got {code})", out)

    # A clean mode 0 stays clean: nothing TLS at all, and Milvus's own file (tls.* defaults
    # with an explicit tlsMode: 0), which serves plaintext on purpose.
    plain = write(os.path.join(tmp, "plain.yaml"), "etcd:\n  endpoints: localhost:2379\n")
    code, out = validate("--milvus-yaml", plain)
    check(code == 0 and "common.security.tlsMode" in out,
          f"nothing TLS configured: exit 0, saying where the mode comes from (got {code})", out)
    code, out = validate("--tls-mode", "0")
    check(code == 0, f"--tls-mode 0 alone: exit 0 (got {code})", out)
    code, out = validate("--milvus-yaml", stock)
    check(code == 0, f"stock-like milvus.yaml (tls.* set, tlsMode: 0): exit 0 (got {code})", out)

    # The real servers. As Milvus reads under-common.yaml: tlsMode 0, the same files.
    s = Serve("--tls-mode", "0", "--server-pem", f("server.pem"), "--server-key",
              f("server.key"), "--ca-pem", f("ca.pem"))
    check(s.port is not None, f"serve --tls-mode 0 listens (got {s.first!r})")
    if s.port:
        r = grpc_connect(s.port, trust=f("ca.pem"), cert=f("client.pem"), key=f("client.key"))
        check(not r["ok"] and r["class"] == "tls_to_plaintext",
              f"a TLS gRPC client (C-core, as pymilvus) fails with tls_to_plaintext "
              f"(got {r['class']}: {r.get('message')})")
        r = grpc_connect(s.port, plaintext=True)
        check(r["ok"], f"a plaintext client is served: the proxy really is plaintext "
                       f"({r.get('message')})")
        code, out = s_client(s.port, "-CAfile", f("ca.pem"), "-cert", f("client.pem"),
                             "-key", f("client.key"))
        check(code != 0 and "no peer certificate available" in out and
              "Cipher is (NONE)" in out,
              f"openssl s_client gets no certificate and no cipher from it (exit {code})", out)
        s.stop()

    # What the file meant: mode 2 with the same files, served by openssl s_server.
    srv = SServer(tmp, "mode-2", "-cert", f("server.pem"), "-key", f("server.key"),
                  "-CAfile", f("ca.pem"), "-Verify", "1", "-verify_return_error")
    try:
        code, out = s_client(srv.port, "-CAfile", f("ca.pem"), "-cert", f("client.pem"),
                             "-key", f("client.key"), "-verify_return_error")
        check("Verify return code: 0 (ok)" in out and "CN = localhost" in out and
              "Cipher is (NONE)" not in out,
              "openssl s_server in mode 2 with the same files: the TLS client verifies", out)
    finally:
        srv.stop()

    print(f"{len(check.failures)} failure(s)")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
