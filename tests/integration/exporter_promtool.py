"""The exporter's pages and the shipped Prometheus files pass Prometheus's own checker.

`promtool check metrics` (format and naming lint) on /probe pages from real endpoints of every
kind -- mode 2, mode 1, plaintext, a closed port, and a mode-2 server whose oversized chain makes
the probe inconclusive (whose page must say so with tlsmatrix_probe_check_inconclusive and carry
no 0/1 for the unsettled check) -- and on /metrics; `promtool check rules` and `promtool test
rules` (tests/prometheus/tlsmatrix-alerts.test.yml) on deploy/prometheus/tlsmatrix-alerts.yml;
`promtool check config` on deploy/prometheus/prometheus.yml."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import (SOURCE_DIR, TLSMATRIX, Checks, LineServer, certs_gen,  # noqa: E402
                       fault_server, serve)

check = Checks()


def promtool(*args, stdin=None):
    p = subprocess.run(["promtool", *args], input=stdin, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, (p.stdout + p.stderr).strip()


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"127.0.0.1:{port}"


def main():
    if subprocess.run(["sh", "-c", "command -v promtool"], capture_output=True).returncode:
        print("FAIL: promtool is not installed (scripts/install-deps.sh installs prometheus)")
        return 1
    deploy = os.path.join(SOURCE_DIR, "deploy", "prometheus")
    rc, out = promtool("check", "rules", os.path.join(deploy, "tlsmatrix-alerts.yml"))
    check(rc == 0, f"promtool check rules: {out}")
    rc, out = promtool("test", "rules",
                       os.path.join(SOURCE_DIR, "tests", "prometheus", "tlsmatrix-alerts.test.yml"))
    check(rc == 0, f"promtool test rules: {out}")
    rc, out = promtool("check", "config", os.path.join(deploy, "prometheus.yml"))
    check(rc == 0, f"promtool check config: {out}")

    tmp = tempfile.mkdtemp(prefix="exporter-promtool-")
    certs = os.path.join(tmp, "tls")
    certs_gen(certs)
    c = lambda n: os.path.join(certs, n)  # noqa: E731
    config = os.path.join(tmp, "exporter.yaml")
    with open(config, "w") as f:
        f.write("""modules:
  mtls:
    tls_mode: 2
    trust: tls/ca.pem
    client_pem: tls/client.pem
    client_key: tls/client.key
    server_name: localhost
  infer: {}
""")
    with serve("--tls-mode", "2", "--server-pem", c("server.pem"), "--server-key",
               c("server.key"), "--ca-pem", c("ca.pem")) as m2, \
            serve("--tls-mode", "1", "--server-pem", c("server.pem"), "--server-key",
                  c("server.key")) as m1, \
            serve("--tls-mode", "0") as m0, \
            fault_server("oversized-chain-mtls", certs) as big, \
            LineServer([TLSMATRIX, "exporter", "--config", config, "--listen",
                        "127.0.0.1:0"]) as exp:
        base = f"http://{exp.endpoint}"
        cases = [("mode 2", m2.endpoint, "mtls"), ("mode 1", m1.endpoint, "infer"),
                 ("plaintext", m0.endpoint, "infer"), ("closed port", closed_port(), "infer"),
                 ("oversized chain", big.endpoint, "mtls")]
        pages = {}
        for name, target, module in cases:
            status, ctype, body = get(f"{base}/probe?target={target}&module={module}")
            pages[name] = body
            check(status == 200 and ctype.startswith("text/plain; version=0.0.4"),
                  f"{name}: 200 in the text format (got {status} {ctype})")
            rc, out = promtool("check", "metrics", stdin=body)
            check(rc == 0, f"{name}: promtool check metrics passes: {out}\n{body}")
        status, _, body = get(f"{base}/metrics")
        rc, out = promtool("check", "metrics", stdin=body)
        check(rc == 0, f"/metrics: promtool check metrics passes: {out}\n{body}")

    def value(page, series):
        m = re.search(r"^" + re.escape(series) + r" (\S+)$", page, re.M)
        return m.group(1) if m else None

    check(value(pages["closed port"], "tlsmatrix_probe_success") == "0",
          "closed port: success 0")
    check(value(pages["closed port"], "tlsmatrix_probe_mtls_enforced") is None,
          "closed port: no claim about mTLS")
    check(value(pages["plaintext"], "tlsmatrix_probe_tls_mode") == "0", "plaintext: mode 0")
    check(value(pages["plaintext"], "tlsmatrix_probe_plaintext_refused") == "0",
          "plaintext: plaintext gets in")
    big = pages["oversized chain"]
    inconclusive = re.findall(r'^tlsmatrix_probe_check_inconclusive\{check="([^"]+)"\} 1$', big,
                              re.M)
    check(inconclusive != [], f"oversized chain: inconclusive checks are named\n{big}")
    check(value(big, "tlsmatrix_probe_success") == "0", "oversized chain: success 0")
    # No made-up 1: the probe's own client stopped every handshake.
    for g in ("tlsmatrix_probe_mtls_enforced", "tlsmatrix_probe_unrelated_ca_refused"):
        check(value(big, g) is None, f"oversized chain: no {g} sample\n{big}")
    return check.finish("exporter_promtool")


if __name__ == "__main__":
    sys.exit(main())
