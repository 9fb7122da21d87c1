#!/usr/bin/python3
"""Interop suite: the client profiles' predictions against the real stacks.

For every catalogue scenario x tlsMode 1 and 2, three real clients (Python grpcio = gRPC C-core
as in pymilvus, Go crypto/tls as under grpc-go, Node tls as under grpc-js) connect to two real
servers: tlsmatrix's own (`tlsmatrix serve` with the scenario's files) and Milvus's proxy
configuration in Go (servers/milvus_go). The clients are configured from the scenario by
pymilvus's rules (docs/milvus-rules.md: server_pem_path = the only root and no client certificate; else
client_pem_path + client_key_path + ca_pem_path = CA + client certificate; else default roots).

The prediction is what `tlsmatrix run --servers harness,milvus --json` computes for the profile
(python -> grpc-core, go -> go, node -> node): its `harness` cells for tlsmatrix's server, its
`milvus` cells (the harness's server deciding by Milvus's rules, docs/milvus-rules.md) for the Go
server. Each cell's expectation from the catalogue (`servers: milvus` for the Go server) must
agree as well. The real verdict is the client's:
pass/fail always, and the reason where the stack's error names it or the server's log for that
very connection does (Go and Node report their local port; the Python client's connection is
the one left over). Any disagreement fails the test and prints both verdicts.

Everything is batched: one `certs scenario` per scenario, one `serve` per scenario x mode, one
Go server process, one client process per stack.
"""
import concurrent.futures
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get("TLSMATRIX_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE))))
BUILD = os.path.abspath(os.environ.get("TLSMATRIX_BUILD_DIR", os.path.join(SOURCE, "build")))
TLSMATRIX = os.path.abspath(os.environ.get("TLSMATRIX", os.path.join(BUILD, "tlsmatrix")))
CATALOGUE = os.path.abspath(os.environ.get("TLSMATRIX_INTEROP_SCENARIOS",
                                           os.path.join(SOURCE, "scenarios")))
MODES = (1, 2)
STACK_PROFILE = {"python": "grpc-core", "go": "go", "node": "node"}
SERVERS = ("tlsmatrix", "milvus")

# Client classes that say "failed" but not why: the reason is compared only when the server's log
# names it; otherwise pass/fail alone is compared (with the reason family checked).
SERVER_CERT_REASONS = {"unknown_ca", "hostname_mismatch", "server_cert_expired",
                       "server_cert_not_yet_valid", "server_cert_invalid"}
GENERIC = {"server_cert_rejected": SERVER_CERT_REASONS}


def log(msg):
    print(msg, flush=True)


def go_build(src, out):
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOFLAGS="",
               GOCACHE=os.path.join(BUILD, "interop", "gocache"))
    subprocess.run(["go", "build", "-o", out, "."], cwd=src, env=env, check=True, timeout=300)


# ----------------------------------------------------------------------------------------------
# Scenarios and expectations

def load_catalogue():
    files = []
    for root, _, names in os.walk(CATALOGUE):
        files += [os.path.join(root, n) for n in names if n.endswith((".yaml", ".yml"))]
    scenarios = []
    for f in sorted(files):
        with open(f) as fh:
            doc = yaml.safe_load(fh)
        doc["_file"] = f
        scenarios.append(doc)
    return scenarios


def parse_verdict(text):
    words = str(text).split()
    return (words[0], words[1] if len(words) > 1 else "ok")


def expectation(doc, server, profile, mode):
    """servers[S][profile][mode] -> servers[S][mode] -> profiles[profile][mode] -> expect[mode]."""
    srv = (doc.get("servers") or {}).get(server) or {}
    for table in ((srv.get(profile) or {}), srv, ((doc.get("profiles") or {}).get(profile) or {}),
                  doc["expect"]):
        for key in (mode, str(mode)):
            if key in table and not isinstance(table[key], dict):
                return parse_verdict(table[key])
    raise KeyError(f"{doc['_file']}: no expectation for mode {mode}")


def start_predictions(scenarios_dir, out):
    """Starts `tlsmatrix run` over the catalogue (it runs while the certificates are written)."""
    # --timeout 30: a hang guard; no catalogue cell expects `timeout`, and under a loaded CI
    # machine the default 5 s per cell was seen to run out.
    return subprocess.Popen([TLSMATRIX, "run", scenarios_dir, "--modes", "1,2", "--profiles",
                             "grpc-core,go,node", "--servers", "harness,milvus", "--timeout", "30",
                             "--json", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def harness_predictions(proc, out):
    """(scenario, mode, profile, server) -> (actual, expected), each (outcome, reason); server is
    the suite's name for it: tlsmatrix (run's `harness`) or milvus."""
    _, err = proc.communicate(timeout=600)
    if proc.returncode not in (0, 1) or not os.path.exists(out):
        sys.exit(f"tlsmatrix run failed ({proc.returncode}): {err.strip()[-2000:]}")
    with open(out) as f:
        cells = json.load(f)["cells"]
    suite_name = {"harness": "tlsmatrix", "milvus": "milvus"}
    return {(c["scenario"], c["mode"], c["profile"], suite_name[c["server"]]):
            ((c["actual"]["outcome"], c["actual"]["reason"]),
             (c["expected"]["outcome"], c["expected"]["reason"])) for c in cells}


# ----------------------------------------------------------------------------------------------
# Files

def cat_files(out, names, d):
    with open(out, "wb") as f:
        for n in names:
            with open(os.path.join(d, n + ".pem"), "rb") as part:
                f.write(part.read())
    return out


def names(value):
    """A cert name or a list of them (a bundle: one PEM file in that order)."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def server_files(doc, d):
    srv = doc.get("server") or {}
    pem = cat_files(os.path.join(d, "_server_full.pem"), [srv["cert"]] + (srv.get("chain") or []), d)
    key = os.path.join(d, (srv.get("key") or srv["cert"]) + ".key")
    ca = cat_files(os.path.join(d, "_server_ca.pem"), names(srv.get("ca")), d) if srv.get("ca") else ""
    return pem, key, ca


def client_files(doc, d):
    """pymilvus's rules: (trust, cert, key)."""
    c = doc.get("client") or {}
    p = lambda n, out: cat_files(os.path.join(d, out), names(n), d)  # noqa: E731
    if c.get("server_pem_path"):
        return p(c["server_pem_path"], "_client_trust.pem"), "", ""
    # The loader defaults client_key_path to client_pem_path (the cert's own key).
    key = c.get("client_key_path") or c.get("client_pem_path")
    if c.get("client_pem_path") and key and c.get("ca_pem_path"):
        cert = cat_files(os.path.join(d, "_client_full.pem"),
                         [c["client_pem_path"]] + (c.get("client_chain") or []), d)
        return p(c["ca_pem_path"], "_client_trust.pem"), cert, os.path.join(d, key + ".key")
    return "", "", ""


def versions_of(case):
    """The TLS versions a case (or a scenario's server: or client:) holds to, as text."""
    return {k: str(case[k]) for k in ("tls_min", "tls_max") if k in case}


def dial_of(s):
    """The host the scenario's client dials, as the loader defaults it (127.0.0.1)."""
    return (s.get("client") or {}).get("dial") or "127.0.0.1"


# ----------------------------------------------------------------------------------------------
# Servers

class Serve:
    """One `tlsmatrix serve` process. A reader thread collects its lines; the suite runs the client
    stacks one after another, so the lines between two cuts belong to one stack's connection."""
    EVENT = re.compile(r"\b(pass|fail) ([a-z_]+)")
    MARKER = "fail plaintext_to_tls"

    def __init__(self, mode, pem, key, ca, dial, versions):
        cmd = [TLSMATRIX, "serve", "--tls-mode", str(mode), "--server-pem", pem,
               "--server-key", key, "--duration", "600", "--listen", dial + ":0"]
        for k, v in versions.items():
            cmd += ["--" + k.replace("_", "-"), v]
        self.host = dial.strip("[]")
        if ca:
            cmd += ["--ca-pem", ca]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.port, self.error, self.lines, self.cuts = None, "", [], {}
        self.taken, self.marker = 0, None

    def wait_listening(self):
        line = self.proc.stdout.readline()
        m = re.search(r"listening on \S+:(\d+)", line)
        if m:
            self.port = int(m.group(1))
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.proc.wait(timeout=30)
            self.error = (line + self.proc.stderr.read()).strip()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def send_marker(self):
        """A plaintext HTTP/2 preface: this TLS server answers it with one `fail plaintext_to_tls`
        line, printed after the lines of every connection the finished stack made (a fixed sleep
        instead let a late line on a loaded machine slip into the next stack's share)."""
        if self.port is not None:
            self.marker = socket.create_connection((self.host, self.port), timeout=30)
            self.marker.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

    def cut(self, stack, plaintext_lines, deadline):
        """The lines before the marker's are `stack`'s. The stack's own plaintext client (if the
        scenario has one) prints the same line as the marker, so the cut waits for one more."""
        start, want = self.taken, plaintext_lines + 1
        end = None
        while end is None and self.marker is not None:
            seen = [i for i in range(start, len(self.lines)) if self.MARKER in self.lines[i]]
            if len(seen) >= want:
                end = seen[want - 1]
            elif time.monotonic() > deadline:
                log(f"interop: no marker line from port {self.port}; cut at what arrived")
                break
            else:
                time.sleep(0.01)
        if self.marker is not None:
            self.marker.close()
            self.marker = None
        if end is None:
            end = len(self.lines)
            self.cuts[stack] = self.lines[start:end]
            self.taken = end
        else:
            # Identical lines: which of the two is the marker's does not matter.
            self.cuts[stack] = self.lines[start:end]
            self.taken = end + 1

    def judged(self, stack):
        """The first failure reason the server printed for `stack`'s connection, if any."""
        for line in self.cuts.get(stack, []):
            m = self.EVENT.search(line)
            if m and m.group(1) == "fail":
                return m.group(2), line
        return None, ""

    def finish(self):
        if self.port is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def go_server_reason(error):
    """Milvus's Go server's handshake error -> the reason it judged (None: not its judgement)."""
    if "first record does not look like a TLS handshake" in error:
        return "plaintext_to_tls"
    if "client didn't provide a certificate" in error:
        return "client_cert_missing"
    if "offered only unsupported versions" in error:
        return "protocol_mismatch"
    if "failed to verify client certificate" in error:
        if "is after" in error:
            return "client_cert_expired"
        if "is before" in error:
            return "client_cert_not_yet_valid"
        if "unknown authority" in error and "possibly because" not in error:
            return "client_cert_unknown_ca"
        return "client_cert_invalid"
    return None


# ----------------------------------------------------------------------------------------------

def real_verdict(result, server_saw):
    """(outcome, reason or None when nobody named it, how we know)."""
    if result["ok"]:
        return "pass", "ok", "client"
    cls = result["class"]
    if cls == "rejected_by_server" or cls.startswith("client_cert") or cls == "protocol_mismatch":
        if server_saw:
            return "fail", server_saw, "server log"
        if cls != "rejected_by_server":
            return "fail", cls, "alert"
        return "fail", None, "client"
    if cls == "connection_failed":
        return "fail", None, "client"
    return "fail", cls, "client"


def agrees(real, predicted):
    outcome, reason, _ = real
    if outcome != predicted[0]:
        return False
    if reason is None:
        return True
    if reason in GENERIC:
        return predicted[1] in GENERIC[reason]
    return reason == predicted[1]


def main():
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="tlsmatrix-interop-")
    tools = os.path.join(BUILD, "interop")
    os.makedirs(tools, exist_ok=True)
    go_server, go_client = os.path.join(tools, "milvus_go"), os.path.join(tools, "tls_client_go")
    go_build(os.path.join(HERE, "servers", "milvus_go"), go_server)
    go_build(os.path.join(HERE, "clients", "go"), go_client)

    scenarios = load_catalogue()
    log(f"interop: {len(scenarios)} scenarios from {CATALOGUE}")

    run_json = os.path.join(work, "run.json")
    run_proc = start_predictions(CATALOGUE, run_json)
    # Certificates, once per scenario, shared by both servers and all clients.
    def gen(doc):
        d = os.path.join(work, doc["name"])
        r = subprocess.run([TLSMATRIX, "certs", "scenario", doc["_file"], "--out", d],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            sys.exit(f"certs scenario {doc['_file']}: {r.stderr.strip()}")
        return d
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        dirs = dict(zip((s["name"] for s in scenarios), pool.map(gen, scenarios)))
    predictions = harness_predictions(run_proc, run_json)
    log(f"interop: certificates and predictions ready ({time.monotonic() - started:.1f}s)")

    # Servers: one serve per scenario x mode; one Go process with a listener per scenario x mode,
    # each listening where the scenario's client dials (client.dial).
    serves, go_configs = {}, []
    for s in scenarios:
        pem, key, ca = server_files(s, dirs[s["name"]])
        for mode in MODES:
            serves[(s["name"], mode)] = Serve(mode, pem, key, ca, dial_of(s),
                                              versions_of(s.get("server") or {}))
            go_configs.append(dict(name=f"{s['name']}|{mode}", mode=mode, server_pem=pem,
                                   server_key=key, ca_pem=ca, listen=dial_of(s) + ":0",
                                   **versions_of(s.get("server") or {})))
    for sv in serves.values():
        sv.wait_listening()
    cfg_path = os.path.join(work, "milvus_go.json")
    with open(cfg_path, "w") as f:
        json.dump(go_configs, f)
    go_proc = subprocess.Popen([go_server, "-config", cfg_path], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    go_first = json.loads(go_proc.stdout.readline())
    # The Go server logs every handshake on stdout: read it as it comes, or a full pipe (64 KiB,
    # about 300 handshakes) stalls the server's handshakes and every later client times out.
    go_lines = []
    go_reader = threading.Thread(target=lambda: go_lines.extend(go_proc.stdout), daemon=True)
    go_reader.start()

    cases = []
    for s in scenarios:
        trust, cert, key = client_files(s, dirs[s["name"]])
        name = (s.get("client") or {}).get("server_name") or ""
        # secure: false forces a plaintext client (modes 1 and 2 are TLS servers).
        plaintext = (s.get("client") or {}).get("secure") is False
        # The client's TLS versions (client.tls_min / tls_max): Go and Node take them; grpcio has no
        # knob, so its cells of such a scenario are not comparable (counted and said, not judged).
        versions = {k: str(v) for k, v in (s.get("client") or {}).items() if k in ("tls_min", "tls_max")}
        for mode in MODES:
            ports = {"tlsmatrix": serves[(s["name"], mode)].port,
                     "milvus": go_first["ports"].get(f"{s['name']}|{mode}")}
            for server in SERVERS:
                cases.append(dict(id=f"{server}|{s['name']}|{mode}", port=ports[server],
                                  address=f"{dial_of(s)}:{ports[server] or 1}", trust=trust,
                                  cert=cert, key=key, server_name=name, plaintext=plaintext,
                                  **versions))
    live = [c for c in cases if c["port"]]
    clients = {
        "python": ["/usr/bin/python3", os.path.join(HERE, "clients", "python", "grpc_client.py")],
        "go": [go_client],
        "node": ["node", os.path.join(HERE, "clients", "node", "tls_client.js")],
    }
    results = {}
    for stack, cmd in clients.items():
        batch = [c for c in live if stack != "python" or not versions_of(c)]  # grpcio: no knob
        p = subprocess.run(cmd, input=json.dumps(batch), capture_output=True, text=True,
                           timeout=600)
        if p.returncode != 0:
            sys.exit(f"{stack} client failed: {p.stderr.strip()[-2000:]}")
        results[stack] = {r["id"]: r for r in map(json.loads, p.stdout.splitlines())}
        for sv in serves.values():
            sv.send_marker()
        deadline = time.monotonic() + 30
        for (name, mode), sv in serves.items():
            plaintext = sum(1 for c in batch if c["plaintext"] and c["port"] == sv.port)
            sv.cut(stack, plaintext, deadline)
        log(f"interop: {stack} client done ({time.monotonic() - started:.1f}s)")

    # What each server said, by the client's address.
    for sv in serves.values():
        sv.finish()
    go_proc.stdin.close()
    go_reader.join(timeout=30)
    go_seen = {}
    for line in go_lines:
        ev = json.loads(line)
        if ev.get("event") == "handshake":
            go_seen.setdefault(ev["name"], []).append(ev)
    go_proc.wait(timeout=30)

    total = reasons = 0
    disagreements, not_comparable = [], []
    per_pair = {}  # (server, client stack) -> [passed, failed]
    for s in scenarios:
        for mode in MODES:
            for server in SERVERS:
                cid = f"{server}|{s['name']}|{mode}"
                if server == "tlsmatrix":
                    sv = serves[(s["name"], mode)]
                    startup_error = sv.error if sv.port is None else ""
                    seen = {}
                else:
                    startup_error = go_first["errors"].get(f"{s['name']}|{mode}", "")
                    seen = {ev["remote"]: go_server_reason(ev.get("error", ""))
                            for ev in go_seen.get(f"{s['name']}|{mode}", []) if not ev["ok"]}
                known = {r.get("local") for st in ("go", "node")
                         for r in [results[st].get(cid, {})] if r.get("local")}
                leftover = [v for a, v in seen.items() if a not in known and v]
                for stack, profile in STACK_PROFILE.items():
                    if stack == "python" and not startup_error and cid not in results[stack]:
                        not_comparable.append(f"{s['name']} mode {mode} server={server} python")
                        continue
                    if startup_error:
                        real = ("fail", "server_config_error", "server did not start")
                    else:
                        r = results[stack][cid]
                        if server == "tlsmatrix":
                            saw = sv.judged(stack)[0]
                        elif r.get("local"):
                            saw = seen.get(r["local"])
                        else:
                            saw = leftover[0] if stack == "python" and len(set(leftover)) == 1 \
                                else None
                        real = real_verdict(r, saw)
                    predicted, expected = predictions[(s["name"], mode, profile, server)]
                    # The run's expectation is the loader's; the suite's own reading of the YAML
                    # must say the same.
                    yaml_says = expectation(s, "harness" if server == "tlsmatrix" else "milvus",
                                            profile, mode)
                    if yaml_says != expected:
                        disagreements.append(f"{s['name']} mode {mode} server={server} {profile}: "
                                             f"run expects {' '.join(expected)}, the YAML says "
                                             f"{' '.join(yaml_says)}")
                    total += 1
                    reasons += real[1] is not None and real[1] not in GENERIC
                    tally = per_pair.setdefault((server, stack), [0, 0])
                    tally[real[0] == "fail"] += 1
                    for what, want in (("prediction", predicted), ("catalogue", expected)):
                        if not agrees(real, want):
                            detail = (results[stack].get(cid, {}).get("message", "") or
                                      startup_error)[:160]
                            disagreements.append(
                                f"{s['name']} mode {mode} server={server} client={stack} "
                                f"({profile}): {what} {' '.join(want)}, real "
                                f"{real[0]} {real[1] or '(reason not named)'} [{real[2]}] {detail}")
                            break

    if not_comparable:
        log(f"interop: {len(not_comparable)} cells not comparable (grpcio cannot be held to a TLS "
            f"version; Go and Node checked them): {', '.join(not_comparable)}")
    for (server, stack), (passed, failed) in sorted(per_pair.items()):
        log(f"interop: server {server:9} client {stack:6}: {passed:3} passed, {failed:3} failed "
            "for real")
    for d in disagreements:
        log("DISAGREE " + d)
    for server in SERVERS:
        cells = sum(1 for (_, _, _, srv) in predictions if srv == server)
        bad = sum(1 for d in disagreements if f"server={server} " in d)
        source = "run --servers milvus" if server == "milvus" else "run (harness server)"
        log(f"interop: server {server}: {cells} predicted cells from {source}, {bad} disagreement(s)")
    log(f"interop: {len(scenarios)} scenarios x {len(MODES)} modes x {len(STACK_PROFILE)} client "
        f"stacks x {len(SERVERS)} server stacks = {total} cells; reason compared in {reasons}; "
        f"{len(disagreements)} disagreement(s); {time.monotonic() - started:.1f}s")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
