#!/usr/bin/python3
"""The advice `tlsmatrix probe` prints is right for the files it was given, and every command in
it runs as printed.

How it proves its point, against the harness's own gRPC server (`tlsmatrix serve`):
- --trust with an unrelated self-signed CA: every profile fails with unknown_ca, and no profile
  (Node included) is told to swap a CA-signed certificate for the root: the trust file already is
  a root, just not the server's. The advice names the server certificate's issuer instead.
- --trust with the CA-signed server.pem: grpc-core and go accept it; Node is told to trust the
  self-signed root that issued it.
- a name mismatch without --server-name: the advice carries a probe command with the name the
  certificate covers, printed on a line of its own in the terminal, and that command, run as
  printed, exits 0.
- every `tlsmatrix ...` / `openssl ...` in any detail or fix is a backticked command, and each one
  runs as printed (a usage error, exit 2, fails the test).
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import TLSMATRIX, Checks, check_of, certs_gen, run_probe, serve  # noqa: E402

check = Checks()
PROFILES = ("grpc-core", "go", "node")
# A command line, as opposed to a name such as "tlsmatrix test CA" or "OpenSSL's s_server".
COMMAND = re.compile(r"\b(tlsmatrix (run|certs|validate|probe|serve|bench)|openssl [a-z_0-9]+)\b")
BACKTICKED = re.compile(r"`([^`]*)`")


def printed_commands(report, label):
    """Every backticked command in the report's texts; flags command words outside backticks."""
    found = []
    for c in report["checks"]:
        for field in ("detail", "hint"):
            text = c[field]
            outside = BACKTICKED.sub("", text)
            check(not COMMAND.search(outside),
                  f"{label}: {c['id']} {field} names a command outside backticks: {text!r}")
            found += [(c["id"], cmd) for cmd in BACKTICKED.findall(text) if COMMAND.match(cmd)]
    return found


def run_printed(cmd, cwd):
    argv = shlex.split(cmd)
    if argv[0] == "tlsmatrix":
        argv[0] = TLSMATRIX
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd)
    print(f"$ {cmd}\nexit {p.returncode}\n{p.stdout[-400:]}{p.stderr[-400:]}", flush=True)
    return p


def main():
    with tempfile.TemporaryDirectory(prefix="probe-advice-") as tmp:
        certs, other, named = (os.path.join(tmp, d) for d in ("certs", "other", "named"))
        certs_gen(certs)
        certs_gen(other)
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", named, "--key", "ec-p256",
                        "--cn", "milvus.example", "--san", "DNS:milvus.example"],
                       check=True, capture_output=True)
        ca, other_ca = os.path.join(certs, "ca.pem"), os.path.join(other, "ca.pem")
        commands = []

        with serve("--tls-mode", "1", "--server-pem", os.path.join(certs, "server.pem"),
                   "--server-key", os.path.join(certs, "server.key")) as s:
            p, r = run_probe(tmp, s.endpoint, "--trust", other_ca, "--server-name", "localhost")
            for pr in PROFILES:
                c = check_of(r, f"chain.{pr}")
                check(c.get("reason") == "unknown_ca", f"unrelated root: chain.{pr} is unknown_ca")
                check("CA-signed" not in c.get("hint", ""),
                      f"unrelated root: chain.{pr} is not told to replace a CA-signed "
                      f"certificate (hint {c.get('hint')!r})")
                check("tlsmatrix test CA" in c.get("hint", ""),
                      f"unrelated root: chain.{pr} names the server certificate's issuer")
            commands += printed_commands(r, "unrelated root")

            p, r = run_probe(tmp, s.endpoint, "--trust", os.path.join(certs, "server.pem"),
                             "--server-name", "localhost")
            check(check_of(r, "chain.grpc-core").get("status") == "pass" and
                  check_of(r, "chain.go").get("status") == "pass",
                  "server.pem as trust: grpc-core and go accept it")
            node = check_of(r, "chain.node")
            check(node.get("reason") == "unknown_ca" and "self-signed root" in node.get("hint", "")
                  and "tlsmatrix test CA" in node.get("hint", ""),
                  f"server.pem as trust: Node is told to trust the self-signed root that issued it "
                  f"(hint {node.get('hint')!r})")
            commands += printed_commands(r, "server.pem as trust")

            # Probed as mode 2: the advice says how to make the server require certificates.
            p, r = run_probe(tmp, s.endpoint, "--trust", ca, "--server-name", "localhost",
                             "--tls-mode", "2")
            check(check_of(r, "client_cert_required").get("status") == "fail",
                  "one-way server probed as mode 2: client_cert_required fails")
            commands += printed_commands(r, "one-way probed as mode 2")

        with serve("--tls-mode", "1", "--server-pem", os.path.join(named, "server.pem"),
                   "--server-key", os.path.join(named, "server.key")) as s:
            p, r = run_probe(tmp, s.endpoint, "--trust", os.path.join(named, "ca.pem"))
            mine = printed_commands(r, "name mismatch without --server-name")
            commands += mine
            rerun = [cmd for cid, cmd in mine
                     if cid.startswith("chain.") and "--server-name milvus.example" in cmd]
            check(len(rerun) > 0, "name mismatch without --server-name: the advice carries a probe "
                                  "command with --server-name milvus.example")
            for cmd in set(rerun):
                # In the terminal it is a line of its own, to be copied as it stands.
                check(any(line.strip() == cmd for line in p.stdout.splitlines()),
                      f"the terminal prints `{cmd}` on a line of its own")
            for cmd in set(rerun):
                p = run_printed(cmd, tmp)
                check(p.returncode == 0, f"the suggested `{cmd}` exits 0 (got {p.returncode})")

            with serve("--tls-mode", "2", "--server-pem", os.path.join(certs, "server.pem"),
                       "--server-key", os.path.join(certs, "server.key"),
                       "--ca-pem", ca) as s2:
                # A client certificate from another CA: the server's refusal comes with advice.
                p, r = run_probe(tmp, s2.endpoint, "--trust", ca, "--server-name", "localhost",
                                 "--client-pem", os.path.join(other, "client.pem"),
                                 "--client-key", os.path.join(other, "client.key"))
                check(check_of(r, "client_cert_accepted").get("status") == "fail",
                      "mode 2, client from another CA: client_cert_accepted fails")
                commands += printed_commands(r, "mode 2, client from another CA")

            for cmd, cid in sorted({cmd: cid for cid, cmd in commands}.items()):
                p = run_printed(cmd, tmp)
                check(p.returncode in (0, 1) and "usage" not in p.stderr.lower(),
                      f"{cid}: `{cmd}` runs as printed (exit {p.returncode}: {p.stderr.strip()})")
    return check.finish("probe_advice")


if __name__ == "__main__":
    sys.exit(main())
