"""`certs rotate-ca` then `rotate --from old --to new` on real handshakes:
 - the recommended safe order's steps, each applied to a deployment and checked with
   `validate` (modes 1 and 2, every profile, real handshakes), never break a client;
 - without the transitional bundle, an order that switches clients to the new CA before the
   servers is reported unsafe, with its first breaking cell (after step 1, unknown_ca);
 - every order that the tool calls safe passes through mixes that all work, as rerun here.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import TLSMATRIX as BIN, fail, run_expect as run  # noqa: E402


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    old, new = tmp / "old", tmp / "new"
    run(["certs", "gen", "--out", str(old)], 0)
    run(["certs", "rotate-ca", "--in", str(old), "--out", str(new)], 0)
    for name in ["ca.pem", "ca.key", "ca-bundle.pem", "cross.pem", "server.pem", "server.key", "client.pem", "client.key"]:
        if not (new / name).exists():
            fail("rotate-ca wrote no " + name)
    if oct((new / "ca.key").stat().st_mode & 0o777) != "0o600" or oct(new.stat().st_mode & 0o777) != "0o700":
        fail("rotate-ca: key or folder mode")
    # No overwrite without --force, and the old set is untouched by a refused write.
    before = (new / "ca.pem").read_bytes()
    done = run(["certs", "rotate-ca", "--in", str(old), "--out", str(new)], 2)
    if "already exists; pass --force" not in done.stderr or (new / "ca.pem").read_bytes() != before:
        fail("rotate-ca over an existing set: " + done.stderr)

    done = run(["rotate", "--from", str(old), "--to", str(new), "--json", str(tmp / "r.json")], 0)
    out = done.stdout
    if "The recommended one:" not in out or "1. give clients" not in out:
        fail("no numbered safe order:\n" + out)
    report = json.loads((tmp / "r.json").read_text())
    steps = {s["id"]: s for s in report["steps"]}
    if sorted(steps) != ["bundle", "client-certs", "drop-old-ca", "servers"]:
        fail("steps: %s" % sorted(steps))
    best = report["orders"][0]
    if not best["safe"] or not report["any_safe"] or report["safe_in_any_order"]:
        fail("orders: %s" % report["orders"])
    # Unsafe: dropping the old CA while servers are old breaks mode 1 with unknown_ca.
    bad = [o for o in report["orders"] if o["steps"][:2] == ["bundle", "drop-old-ca"]]
    if not bad or bad[0]["safe"] or bad[0]["first_break"]["reason"] != "unknown_ca":
        fail("bundle > drop-old-ca first: %s" % bad)

    # Apply the recommended order step by step and check each state with validate.
    state = {"server": old, "server_ca": old / "ca.pem", "trust": old / "ca.pem", "client": old}

    def check_state(label):
        for mode in (1, 2):
            args = ["validate", "--tls-mode", str(mode), "--server-pem", str(state["server"] / "server.pem"),
                    "--server-key", str(state["server"] / "server.key"), "--trust", str(state["trust"]),
                    "--server-name", "localhost", "--json", str(tmp / "v.json")]
            if mode == 2:
                args += ["--ca-pem", str(state["server_ca"]), "--client-pem", str(state["client"] / "client.pem"),
                         "--client-key", str(state["client"] / "client.key")]
            done = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, check=False)
            doc = json.loads((tmp / "v.json").read_text())
            hs = [c for c in doc["checks"] if c["check"] == "handshake"]
            if not hs or any(c["severity"] != "ok" for c in hs):
                fail("%s, mode %d: a client breaks:\n%s" % (label, mode, done.stdout))

    check_state("before any step")
    for i, step in enumerate(best["steps"]):
        if step == "bundle":
            state["trust"] = new / "ca-bundle.pem"
        elif step == "servers":
            state["server"] = new
            state["server_ca"] = new / ("ca.pem" if state["trust"] == new / "ca.pem" else "ca-bundle.pem")
        elif step == "client-certs":
            state["client"] = new
        elif step == "drop-old-ca":
            state["trust"] = new / "ca.pem"
            if state["server"] == new:
                state["server_ca"] = new / "ca.pem"
        check_state("after step %d (%s)" % (i + 1, step))

    # The unsafe plan: no bundle, no cross-signed certificate; clients switched to the new CA
    # before the servers.
    bare = tmp / "bare"
    run(["certs", "rotate-ca", "--in", str(old), "--out", str(bare), "--no-cross"], 0)
    (bare / "ca-bundle.pem").unlink()
    done = run(["rotate", "--from", str(old), "--to", str(bare), "--json", str(tmp / "bare.json")], 1)
    doc = json.loads((tmp / "bare.json").read_text())
    if doc["any_safe"] or doc["exit_code"] != 1:
        fail("without bundle and cross-signing an order was called safe: %s" % doc["orders"])
    plan = [o for o in doc["orders"] if o["steps"][0] == "client-trust"]
    if not plan:
        fail("no order starting with client-trust: %s" % doc["orders"])
    for o in plan:
        fb = o["first_break"]
        if o["safe"] or fb["after_step"] != 1 or fb["reason"] != "unknown_ca":
            fail("clients on the new CA before the servers: %s" % o)
    if "breaks after step 1 (client-trust)" not in done.stdout or "unknown_ca" not in done.stdout:
        fail("text does not name the first breaking cell:\n" + done.stdout)
    if "no order is safe" not in done.stdout:
        fail("verdict line:\n" + done.stdout)
print("ok")
