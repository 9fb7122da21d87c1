#!/usr/bin/python3
"""Milvus's server as a server profile (`run --servers`, `validate --servers`, `serve
--server-profile`): every cell names its server, the `milvus` cells are checked against the
scenarios' `servers: milvus` expectations, the console shows both servers' columns, and a run on
the harness's server alone points at the flag instead of hand-written notes. The same RSA-1024
server certificate that the harness's server will not load is served by the milvus profile in
validate and serve."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402

SCEN = os.path.join(SOURCE_DIR, "scenarios")
check = Checks(verbose=True, tail=3000)


def tlsmatrix(*args, timeout=180):
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run([TLSMATRIX, *args], capture_output=True, text=True, timeout=timeout, env=env)


def main():
    differ = [os.path.join(SCEN, p) for p in ("broken/rsa1024-server.yaml", "trust/client-cert-other-ca.yaml",
                                               "mode2/client-keyusage-certsign-only.yaml")]
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "both.json")
        r = tlsmatrix("run", *differ, "--servers", "harness,milvus", "--timeout", "30", "--json", js)
        report = json.load(open(js)) if os.path.exists(js) else {"cells": []}
        cells = report["cells"]
        servers = [c["server"] for c in cells]
        check(r.returncode == 0 and len(cells) == 3 * 2 * 3 * 3 and
              servers.count("harness") == servers.count("milvus") == len(cells) // 2,
              f"run --servers harness,milvus: {len(cells)} cells, half per server, all matched (exit "
              f"{r.returncode})", r.stdout + r.stderr)
        by = {(c["scenario"], c["mode"], c["profile"], c["server"]): c for c in cells}
        got = by.get(("broken-rsa1024-server", 1, "go", "milvus"), {}).get("actual", {})
        check(got.get("outcome") == "pass",
              f"the milvus server serves an RSA-1024 certificate to a Go client ({got})")
        got = by.get(("broken-rsa1024-server", 1, "go", "harness"), {}).get("actual", {})
        check(got.get("reason") == "server_config_error", f"the harness's server will not load it ({got})")
        got = by.get(("trust-client-cert-other-ca", 2, "go", "milvus"), {}).get("actual", {})
        check(got.get("reason") == "client_cert_missing",
              f"milvus names its CAs: a Go client withholds a certificate from another CA ({got})")
        check("m:core" in r.stdout and "m:=with Milvus's server" in r.stdout and
              "servers harness,milvus" in r.stdout,
              "the console grid has the milvus columns, their legend and the servers in the summary", r.stdout)
        check("--servers harness,milvus" not in "\n".join(report.get("notes", [])),
              "with both servers run, no note points at --servers", "\n".join(report.get("notes", [])))

        # A wrong servers: milvus expectation is a mismatch like any other (exit 1).
        wrong = os.path.join(tmp, "wrong.yaml")
        text = open(differ[0]).read().replace("go: {1: pass, 2: pass}", "go: {1: fail unknown_ca, 2: pass}")
        open(wrong, "w").write(text)
        r = tlsmatrix("run", wrong, "--servers", "milvus", "--profiles", "go", "--modes", "1", "--timeout", "30")
        check(r.returncode == 1 and "go @milvus" in r.stdout and "unexpected success" in r.stdout,
              f"a wrong servers: milvus expectation is a mismatch, named 'go @milvus' (exit {r.returncode})",
              r.stdout)

        # The harness's server alone: one note names the scenarios Milvus decides differently.
        js = os.path.join(tmp, "harness.json")
        r = tlsmatrix("run", *differ, "--timeout", "30", "--json", js)
        notes = json.load(open(js)).get("notes", []) if os.path.exists(js) else []
        pointing = [n for n in notes if "--servers harness,milvus" in n]
        check(r.returncode == 0 and len(pointing) == 1 and "broken-rsa1024-server" in pointing[0] and
              all(c["server"] == "harness" for c in json.load(open(js))["cells"]),
              f"harness only: every cell's server is harness, one note points at --servers ({notes})", r.stdout)
        r = tlsmatrix("run", os.path.join(SCEN, "valid", "rsa.yaml"), "--timeout", "30")
        check(r.returncode == 0 and "--servers" not in r.stdout,
              "harness only, a scenario without servers: milvus: no note", r.stdout)

        # validate and serve with an RSA-1024 server certificate.
        weak = os.path.join(tmp, "weak")
        g = tlsmatrix("certs", "gen", "--out", weak, "--key", "rsa1024")
        check(g.returncode == 0, "certs gen --key rsa1024", g.stdout + g.stderr)
        pem, key, ca = (os.path.join(weak, n) for n in ("server.pem", "server.key", "ca.pem"))
        js = os.path.join(tmp, "v.json")
        v = tlsmatrix("validate", "--tls-mode", "1", "--server-pem", pem, "--server-key", key, "--trust", ca,
                      "--server-name", "localhost", "--profiles", "go", "--servers", "harness,milvus",
                      "--json", js)
        vj = json.load(open(js)) if os.path.exists(js) else {}
        shakes = [c for c in vj.get("checks", []) if c["check"] == "handshake"]
        milvus = [c for c in shakes if "milvus server profile" in c["message"]]
        check(v.returncode == 1 and len(shakes) == 2 and len(milvus) == 1 and milvus[0]["severity"] == "ok" and
              vj["input"]["servers"] == ["harness", "milvus"] and vj["notes"] == [],
              "validate --servers harness,milvus: the harness's server refuses the RSA-1024 file, Milvus's "
              f"rules serve it to Go ({[(c['severity'], c['message'][-60:]) for c in shakes]})", v.stdout)
        v = tlsmatrix("validate", "--tls-mode", "1", "--server-pem", pem, "--server-key", key, "--trust", ca,
                      "--server-name", "localhost", "--profiles", "go")
        check(v.returncode == 1 and "--servers harness,milvus" in v.stdout,
              "validate without --servers: a failed handshake points at --servers", v.stdout)

        s = tlsmatrix("serve", "--tls-mode", "1", "--server-pem", pem, "--server-key", key, "--duration", "0.3")
        check(s.returncode == 2 and "--server-profile milvus" in s.stderr,
              f"serve, harness profile: refuses the RSA-1024 file and names --server-profile milvus "
              f"(exit {s.returncode})", s.stderr)
        s = tlsmatrix("serve", "--tls-mode", "1", "--server-pem", pem, "--server-key", key, "--server-profile",
                      "milvus", "--duration", "0.3")
        check(s.returncode == 0 and "listening on" in s.stdout and "note:" not in s.stderr,
              f"serve --server-profile milvus serves it (exit {s.returncode})", s.stdout + s.stderr)

    sys.exit(check.finish("servers_milvus"))


if __name__ == "__main__":
    main()
