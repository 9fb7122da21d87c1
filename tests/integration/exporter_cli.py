"""`tlsmatrix exporter`'s contract outside Prometheus: a bad config or --listen is one line and
exit 2 before anything listens; --check-config; a clean exit on SIGTERM; GET only; beyond
max_concurrent_probes a 503 at once; and Prometheus's scrape-timeout header cuts a probe's
budget (a stalling target: without the header the probe waits its module's share, with a short
header it gives up sooner)."""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import TLSMATRIX, Checks, LineServer, certs_gen, fault_server  # noqa: E402

check = Checks()


def run(*args):
    p = subprocess.run([TLSMATRIX, "exporter", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def request(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def duration(page):
    m = re.search(r"^tlsmatrix_probe_duration_seconds (\S+)$", page, re.M)
    return float(m.group(1)) if m else None


def main():
    tmp = tempfile.mkdtemp(prefix="exporter-cli-")
    certs_gen(os.path.join(tmp, "tls"))
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("modules:\n  m:\n    trust: tls/missing.pem\n")
    rc, out, err = run("--config", bad, "--listen", "127.0.0.1:0")
    check(rc == 2 and out == "" and err.count("\n") == 1 and
          err.startswith(f"tlsmatrix: {bad}:3:12: modules.m.trust: ") and "no such file" in err,
          f"a config naming a missing file: one line FILE:LINE:COL, exit 2 (got {rc} {err!r})")

    good = os.path.join(tmp, "exporter.yaml")
    with open(good, "w") as f:
        f.write("max_concurrent_probes: 1\nmodules:\n  slow:\n    timeout: 20s\n"
                "  mtls:\n    trust: tls/ca.pem\n    tls_mode: 2\n")
    rc, out, err = run("--config", good, "--check-config")
    check(rc == 0 and "2 modules" in out, f"--check-config: exit 0 (got {rc} {out!r} {err!r})")
    rc, out, err = run("--config", good, "--listen", "localhost:9219")
    check(rc == 2 and "give an IP address" in err, f"--listen NAME: exit 2 (got {rc} {err!r})")

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    rc, out, err = run("--config", good, "--listen", f"127.0.0.1:{taken.getsockname()[1]}")
    taken.close()
    check(rc == 2 and "cannot listen there" in err, f"a port in use: exit 2 (got {rc} {err!r})")

    with fault_server("stall-hello") as stall, \
            LineServer([TLSMATRIX, "exporter", "--config", good, "--listen", "127.0.0.1:0"]) as exp:
        base = f"http://{exp.endpoint}"
        probe = f"{base}/probe?target={stall.endpoint}&module=slow"
        status, body = request(probe, method="POST")
        check(status == 405, f"POST: 405 (got {status} {body!r})")

        # One probe holds the only slot (the stalling target keeps it busy for its share of the
        # 20 s budget); a second one meanwhile is turned away at once.
        first = {}
        t = threading.Thread(target=lambda: first.update(r=request(probe)))
        t.start()
        busy = None
        for _ in range(200):
            status, body = request(f"{base}/metrics")
            if re.search(r"^tlsmatrix_exporter_probes_in_flight 1$", body, re.M):
                busy = request(probe)
                break
            threading.Event().wait(0.01)
        t.join(timeout=60)
        check(busy is not None and busy[0] == 503 and "too many probes in flight" in busy[1],
              f"a second probe beyond max_concurrent_probes: 503 (got {busy})")
        slow = duration(first.get("r", (0, ""))[1])
        check(first.get("r", (0,))[0] == 200 and slow is not None,
              f"the first probe answered (got {first.get('r')})")

        # A 1 s scrape timeout cuts the budget to 0.75 s; the module's own is 20 s (2.5 s per
        # connection against this target). Both bounds are loose: this checks which budget
        # applied, not how fast anything is.
        status, body = request(probe, headers={"X-Prometheus-Scrape-Timeout-Seconds": "1"})
        cut = duration(body)
        check(status == 200 and cut is not None and slow is not None and cut < slow / 2,
              f"the scrape-timeout header cuts the budget ({cut} s vs {slow} s without it)")
        status, body = request(probe, headers={"X-Prometheus-Scrape-Timeout-Seconds": "x"})
        check(status == 400 and "X-Prometheus-Scrape-Timeout-Seconds" in body,
              f"a malformed scrape-timeout header: 400 (got {status} {body!r})")
        status, body = request(f"{base}/metrics")
        check(re.search(r'^tlsmatrix_exporter_rejected_requests_total\{code="503"\} 1$', body,
                        re.M) is not None, f"/metrics counts the 503\n{body}")

        exp.proc.send_signal(signal.SIGTERM)
        try:
            rc = exp.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, f"SIGTERM: exit 0 (got {rc})")
    return check.finish("exporter_cli")


if __name__ == "__main__":
    sys.exit(main())
