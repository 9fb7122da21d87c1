"""The cost beside the verdict (validate, rotate), with real generated sets:
 - mode 2 with an RSA-3072 set: the text has the cost line; the JSON's cost[0] has both figures
   measured and positive, handshakes/s per core their inverse, and the ratio their quotient;
 - mode 2 without a client certificate (the handshake fails): the files' figure is not measured,
   with a reason, and there is no ratio (never a made-up figure);
 - --no-cost: no cost line, cost null; a plaintext mode: cost [] and no line;
 - run --cost on two catalogue scenarios: an entry per passing scenario x TLS mode, valid
   against the run report's schema, figures positive and the ratio their quotient;
 - rotate from the RSA-3072 set to an ECDSA P-256 one: the old and the new set's cost per mode,
   each measured, with its own key.
Speed is not asserted.
"""
import json
import jsonschema  # Debian python3-jsonschema (scripts/install-deps.sh)
import os
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX as BIN  # noqa: E402


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run(args, want_rc):
    done = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, check=False)
    if want_rc is not None and done.returncode != want_rc:
        fail("exit %d, want %d: %s\n%s%s" % (done.returncode, want_rc, " ".join(args), done.stdout[-3000:], done.stderr))
    return done


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


with tempfile.TemporaryDirectory() as tmp:
    t = pathlib.Path(tmp)
    d = t / "tls"
    run(["certs", "gen", "--out", str(d), "--key", "rsa3072"], 0)
    server = ["--tls-mode", "2", "--server-pem", str(d / "server.pem"), "--server-key", str(d / "server.key"),
              "--ca-pem", str(d / "ca.pem"), "--trust", str(d / "ca.pem"), "--server-name", "localhost"]
    client = ["--client-pem", str(d / "client.pem"), "--client-key", str(d / "client.key")]

    out = run(["validate", *server, *client, "--json", str(t / "v.json")], 0).stdout
    if "cost: mode 2 with your RSA 3072 set: " not in out or "what P-256 would cost" not in out:
        fail("no cost line:\n" + out)
    cost = json.loads((t / "v.json").read_text())["cost"]
    if len(cost) != 1 or cost[0]["mode"] != 2 or cost[0]["key"] != "RSA 3072":
        fail("cost: %r" % cost)
    c = cost[0]
    for side in ("files", "p256"):
        f = c[side]
        if not f["measured"] or f["not_measured"] is not None:
            fail("%s not measured: %r" % (side, f))
        if not (f["cpu_us_per_handshake"] > 0 and f["handshakes"] > 0):
            fail("%s figures not positive: %r" % (side, f))
        if not close(f["handshakes_per_s_per_core"], 1e6 / f["cpu_us_per_handshake"]):
            fail("%s per-core rate is not the inverse of the CPU: %r" % (side, f))
    if c["ratio"] is None or not close(c["ratio"], c["files"]["cpu_us_per_handshake"] / c["p256"]["cpu_us_per_handshake"]):
        fail("ratio is not files / p256: %r" % c)

    # Mode 2 with no client certificate: the handshake fails, so no figure and no ratio.
    out = run(["validate", *server, "--json", str(t / "n.json")], 1).stdout
    if "cost: mode 2 with your RSA 3072 set: cost not measured (the handshake fails" not in out:
        fail("no 'not measured' line:\n" + out)
    c = json.loads((t / "n.json").read_text())["cost"][0]
    if c["files"]["measured"] or c["files"]["cpu_us_per_handshake"] is not None or c["ratio"] is not None:
        fail("a figure for a set that cannot handshake: %r" % c)
    if not c["files"]["not_measured"]:
        fail("no reason: %r" % c)

    out = run(["validate", *server, *client, "--no-cost", "--json", str(t / "o.json")], 0).stdout
    if "cost:" in out or json.loads((t / "o.json").read_text())["cost"] is not None:
        fail("--no-cost still measured:\n" + out)

    out = run(["validate", "--tls-mode", "0", "--json", str(t / "z.json")], 0).stdout
    if "cost:" in out or json.loads((t / "z.json").read_text())["cost"] != []:
        fail("plaintext mode has a cost:\n" + out)
    e = t / "ec"
    run(["certs", "gen", "--out", str(e), "--key", "ec-p256"], 0)
    out = run(["rotate", "--from", str(d), "--to", str(e), "--modes", "2", "--json", str(t / "r.json")], None).stdout
    if "cost: mode 2 with the old RSA 3072 set: " not in out or "cost: mode 2 with the new EC P-256 set: " not in out:
        fail("rotate has no old and new cost lines:\n" + out)
    cost = json.loads((t / "r.json").read_text())["cost"]
    if [c["key"] for c in cost["from"]] != ["RSA 3072"] or [c["key"] for c in cost["to"]] != ["EC P-256"]:
        fail("rotate cost: %r" % cost)
    for c in cost["from"] + cost["to"]:
        if not c["files"]["measured"] or c["ratio"] is None or c["files"]["cpu_us_per_handshake"] <= 0:
            fail("rotate cost not measured: %r" % c)
    out = run(["run", str(pathlib.Path(SOURCE_DIR) / "scenarios"), "--filter", "name-wildcard-match",
               "--profiles", "grpc-core", "--cost", "--json", str(t / "run.json")], 0).stdout
    if "Handshake cost:" not in out:
        fail("run --cost printed no cost table:\n" + out)
    report = json.loads((t / "run.json").read_text())
    schema = json.loads((pathlib.Path(SOURCE_DIR) / "docs/schema/run-report.schema.json").read_text())
    jsonschema.validate(report, schema)
    passing = sorted((c["scenario"], c["mode"]) for c in report["cells"]
                     if c["mode"] in (1, 2) and c["actual"]["outcome"] == "pass")
    if sorted((e["scenario"], e["cost"]["mode"]) for e in report["cost"]) != passing or not passing:
        fail("run --cost entries %r, passing TLS cells %r" % (report["cost"], passing))
    for e in report["cost"]:
        c = e["cost"]
        if not c["files"]["measured"] or c["files"]["cpu_us_per_handshake"] <= 0:
            fail("run --cost not measured: %r" % e)
        if not close(c["ratio"], c["files"]["cpu_us_per_handshake"] / c["p256"]["cpu_us_per_handshake"]):
            fail("run --cost ratio: %r" % e)
print("ok")
