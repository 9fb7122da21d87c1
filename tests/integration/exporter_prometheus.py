"""`tlsmatrix exporter` scraped by a real Prometheus (Debian's `prometheus`), end to end.

Started here, all on loopback with ports from the OS, and stopped at the end: the harness's
`serve` in mode 2 and mode 1 (certificates from `tlsmatrix certs gen`), `openssl s_server
-verify 1` (asks for a client certificate, does not require one), the exporter, and Prometheus
with a temporary data folder, a 1 s scrape interval and the shipped alert rules
(deploy/prometheus/tlsmatrix-alerts.yml). The test asks Prometheus's HTTP API until the series
appear (bounded wait) and checks their values: mTLS enforced 1 for mode 2 and 0 for the
ask-but-don't-require server, the inferred modes, a chain the profiles reject when the module
trusts another CA, the leaf's time left within a day of the certificate's, and the shipped
TlsmatrixMtlsNotEnforced alert pending for the right target only. Also the HTTP contract: 400
with a one-line reason for bad parameters and an unknown module."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import SOURCE_DIR, TLSMATRIX, Checks, LineServer, SServer, serve  # noqa: E402

WAIT_S = 60  # the whole wait for the series, a hang guard; they come within seconds
check = Checks()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http_get(url, timeout=10):
    """(status, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def not_after_days(pem_file):
    """Days until the certificate's notAfter, read independently with the openssl command."""
    out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", pem_file],
                         capture_output=True, text=True, check=True).stdout.strip()
    end = datetime.strptime(out.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z").replace(
        tzinfo=timezone.utc)
    return (end - datetime.now(timezone.utc)).total_seconds() / 86400


class Prometheus:
    def __init__(self, tmp, config_text):
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(config_text)
        self.log = os.path.join(tmp, "prometheus.log")
        for _ in range(5):
            self.port = free_port()
            with open(self.log, "w") as log:
                self.proc = subprocess.Popen(
                    ["prometheus", f"--config.file={cfg}",
                     f"--storage.tsdb.path={os.path.join(tmp, 'data')}",
                     f"--web.listen-address=127.0.0.1:{self.port}"],
                    stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if http_get(f"http://127.0.0.1:{self.port}/-/ready", timeout=2)[0] == 200:
                        return
                except OSError:
                    pass
                time.sleep(0.2)
            self.stop()  # the port was taken in between: try another
        raise RuntimeError(f"prometheus did not start: {open(self.log).read()[-2000:]}")

    def query(self, promql):
        """{frozenset(labels.items()): value} for an instant query."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": promql}))
        status, body = http_get(url)
        if status != 200:
            raise RuntimeError(f"query {promql}: HTTP {status}: {body}")
        out = {}
        for r in json.loads(body)["data"]["result"]:
            out[frozenset(r["metric"].items())] = float(r["value"][1])
        return out

    def wait_value(self, promql, deadline):
        """The single value of `promql` once Prometheus has it, else None at the deadline."""
        while time.monotonic() < deadline:
            got = self.query(promql)
            if len(got) == 1:
                return next(iter(got.values()))
            if len(got) > 1:
                raise RuntimeError(f"{promql}: {len(got)} series, expected one: {got}")
            time.sleep(0.5)
        return None

    def wait_series(self, promql, count, deadline):
        """The series of `promql` once there are `count` of them, else the last seen."""
        got = {}
        while time.monotonic() < deadline:
            got = self.query(promql)
            if len(got) >= count:
                break
            time.sleep(0.5)
        return got

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def probe_job(name, module, target, exporter):
    return f"""
  - job_name: {name}
    metrics_path: /probe
    params:
      module: [{module}]
    static_configs:
      - targets: ['{target}']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - source_labels: [__param_module]
        target_label: module
      - target_label: __address__
        replacement: {exporter}
"""


def main():
    for tool in ("prometheus", "openssl"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            print(f"FAIL: {tool} is not installed (scripts/install-deps.sh installs it)")
            return 1
    tmp = tempfile.mkdtemp(prefix="exporter-prom-")
    good, other = os.path.join(tmp, "good"), os.path.join(tmp, "other")
    for d in (good, other):
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", d, "--key", "ec-p256"], check=True,
                       capture_output=True)
    g = lambda n: os.path.join(good, n)  # noqa: E731
    with open(os.path.join(tmp, "exporter.yaml"), "w") as f:
        f.write("""modules:
  mtls:
    tls_mode: 2
    trust: good/ca.pem
    client_pem: good/client.pem
    client_key: good/client.key
    server_name: localhost
    timeout: 5s
  mtls_other_ca:
    tls_mode: 2
    trust: other/ca.pem
    client_pem: good/client.pem
    client_key: good/client.key
    server_name: localhost
    timeout: 5s
  one_way:
    tls_mode: 1
    trust: good/ca.pem
    server_name: localhost
    timeout: 5s
""")
    srv = ["-cert", g("server.pem"), "-key", g("server.key")]
    servers = []
    prom = None
    try:
        servers.append(serve("--tls-mode", "2", "--server-pem", g("server.pem"), "--server-key",
                             g("server.key"), "--ca-pem", g("ca.pem")))
        mode2 = servers[-1].endpoint
        servers.append(serve("--tls-mode", "1", "--server-pem", g("server.pem"), "--server-key",
                             g("server.key")))
        mode1 = servers[-1].endpoint
        asks = SServer(tmp, "asks", *srv, "-verify", "1", "-CAfile", g("ca.pem"))
        servers.append(asks)
        asks_ep = f"127.0.0.1:{asks.port}"
        exporter = LineServer([TLSMATRIX, "exporter", "--config",
                               os.path.join(tmp, "exporter.yaml"), "--listen", "127.0.0.1:0"])
        servers.append(exporter)
        exp = exporter.endpoint
        base = f"http://{exp}"

        # The HTTP contract, before Prometheus comes in.
        status, body = http_get(f"{base}/probe?target={mode2}&module=nope")
        check(status == 400 and body.count("\n") == 1 and "unknown module 'nope'" in body,
              f"unknown module: 400 with one line (got {status} {body!r})")
        status, body = http_get(f"{base}/probe?module=mtls")
        check(status == 400 and body.startswith("missing target"),
              f"no target: 400 (got {status} {body!r})")
        status, body = http_get(f"{base}/probe?target={mode2}&module=mtls&trust=/etc/passwd")
        check(status == 400 and "unknown query parameter 'trust'" in body,
              f"an extra parameter: 400 (got {status} {body!r})")
        status, _ = http_get(f"{base}/nothing")
        check(status == 404, f"an unknown path: 404 (got {status})")

        rules = os.path.join(SOURCE_DIR, "deploy", "prometheus", "tlsmatrix-alerts.yml")
        config = f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {rules}
scrape_configs:
""" + "".join([
            probe_job("mode2", "mtls", mode2, exp),
            probe_job("mode2-other-ca", "mtls_other_ca", mode2, exp),
            probe_job("mode1", "one_way", mode1, exp),
            probe_job("asks", "mtls", asks_ep, exp),
        ]) + f"""
  - job_name: tlsmatrix-exporter
    static_configs:
      - targets: ['{exp}']
"""
        prom = Prometheus(tmp, config)
        deadline = time.monotonic() + WAIT_S

        def expect(promql, want, what):
            got = prom.wait_value(promql, deadline)
            check(got == want, f"{what}: {promql} = {want} (got {got})")
            return got

        expect('tlsmatrix_probe_success{job="mode2"}', 1, "mode 2 passes every check")
        expect('tlsmatrix_probe_tls_mode{job="mode2"}', 2, "mode 2 inferred")
        expect('tlsmatrix_probe_mtls_enforced{job="mode2"}', 1, "mode 2 enforces mTLS")
        expect('tlsmatrix_probe_unrelated_ca_refused{job="mode2"}', 1, "mode 2 refuses a stranger")
        expect('tlsmatrix_probe_plaintext_refused{job="mode2"}', 1, "mode 2 refuses plaintext")
        for p in ("grpc-core", "go", "node"):
            expect(f'tlsmatrix_probe_chain_verified{{job="mode2",profile="{p}"}}', 1,
                   f"{p} accepts the good chain")
            expect(f'tlsmatrix_probe_chain_verified{{job="mode2-other-ca",profile="{p}"}}', 0,
                   f"{p} rejects the chain under another CA")
        expect('tlsmatrix_probe_tls_mode{job="mode1"}', 1, "mode 1 inferred")
        expect('tlsmatrix_probe_mtls_enforced{job="mode1"}', 0, "mode 1 does not enforce mTLS")
        expect('tlsmatrix_probe_client_cert_requested{job="asks"}', 1, "s_server -verify asks")
        expect('tlsmatrix_probe_mtls_enforced{job="asks"}', 0,
               "asking without requiring is not enforcing")
        expect('tlsmatrix_probe_success{job="asks"}', 0, "the ask-only server fails the probe")

        left = prom.wait_value('tlsmatrix_probe_cert_time_left_seconds{job="mode2",position="0"}',
                               deadline)
        days = not_after_days(g("server.pem"))
        check(left is not None and abs(left / 86400 - days) < 1,
              f"leaf time left within a day of the certificate's ({days:.2f} d; got "
              f"{None if left is None else left / 86400})")
        version = prom.query('tlsmatrix_probe_tls_version_info{job="mode2"}')
        check([dict(k).get("version") for k in version] == ["TLSv1.3"],
              f"TLS version TLSv1.3 (got {version})")
        hs = prom.wait_value('tlsmatrix_probe_tls_handshake_seconds{job="mode2"}', deadline)
        check(hs is not None and 0 < hs < 5, f"handshake time in (0, 5) s (got {hs})")

        expect('up{job="tlsmatrix-exporter"}', 1, "Prometheus scrapes the exporter's /metrics")
        # The exporter's first scrape may come before any probe: wait for a count of one.
        runs = prom.wait_value(
            'tlsmatrix_exporter_probes_total{job="tlsmatrix-exporter",module="mtls",'
            'result="success"} >= 1', deadline)
        check(runs is not None and runs >= 1, f"the exporter counts successful probes (got {runs})")

        # The shipped rule, evaluated by this Prometheus: pending (it has `for: 5m`) for the
        # ask-only server, and for nothing else.
        alert = prom.wait_value('ALERTS{alertname="TlsmatrixMtlsNotEnforced"}', deadline)
        firing = prom.query('ALERTS{alertname="TlsmatrixMtlsNotEnforced"}')
        check(alert == 1 and [dict(k).get("job") for k in firing] == ["asks"],
              f"TlsmatrixMtlsNotEnforced is raised for job asks only (got {firing})")
        chain_alerts = prom.wait_series('ALERTS{alertname="TlsmatrixChainRejected"}', 3, deadline)
        check(sorted(dict(k).get("job") for k in chain_alerts) == ["mode2-other-ca"] * 3,
              f"TlsmatrixChainRejected for each profile of mode2-other-ca only (got {chain_alerts})")
    finally:
        if prom:
            prom.stop()
        for s in servers:
            (s.stop if hasattr(s, "stop") else s.close)()
    return check.finish("exporter_prometheus")


if __name__ == "__main__":
    sys.exit(main())
