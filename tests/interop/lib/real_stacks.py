"""The real client and server stacks of the interop suite, as a library.

Used by tests/interop/interop_suite.py (the catalogue against the real stacks) and by
tests/differential/campaign.py (random scenarios against them). What is here: building the Go
tools, the scenario's files as pymilvus and Milvus pick them, `tlsmatrix serve` and the Go server
(servers/milvus_go) as servers, the three clients (clients/), and how a real verdict is read from
what the client and the server said (`run_real`).
"""
import concurrent.futures
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import yaml

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/interop
SOURCE = os.path.abspath(os.environ.get("TLSMATRIX_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE))))
BUILD = os.path.abspath(os.environ.get("TLSMATRIX_BUILD_DIR", os.path.join(SOURCE, "build")))
TLSMATRIX = os.path.abspath(os.environ.get("TLSMATRIX", os.path.join(BUILD, "tlsmatrix")))
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

def load_scenarios(folder):
    """Every scenario file under `folder`, sorted by path, each with its `_file`."""
    files = []
    for root, _, names in os.walk(folder):
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


def start_predictions(scenarios_dir, out, extra_args=()):
    """Starts `tlsmatrix run` over the catalogue (it runs while the certificates are written)."""
    # --timeout 30: a hang guard; no catalogue cell expects `timeout`, and under a loaded CI
    # machine the default 5 s per cell was seen to run out.
    return subprocess.Popen([TLSMATRIX, "run", scenarios_dir, "--modes", "1,2", "--profiles",
                             "grpc-core,go,node", "--servers", "harness,milvus", "--timeout", "30",
                             "--json", out, *extra_args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


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


def cells_by_server(proc, out):
    """(server, scenario, mode, profile) -> (actual (outcome, reason), detail); server is the
    run's name (harness, milvus)."""
    _, err = proc.communicate(timeout=600)
    if proc.returncode not in (0, 1) or not os.path.exists(out):
        raise RuntimeError(f"tlsmatrix run failed ({proc.returncode}): {err.strip()[-2000:]}")
    with open(out) as f:
        cells = json.load(f)["cells"]
    return {(c["server"], c["scenario"], c["mode"], c["profile"]):
            ((c["actual"]["outcome"], c["actual"]["reason"]), c["actual"].get("detail", ""))
            for c in cells}


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

    def __init__(self, mode, pem, key, ca, dial="127.0.0.1", versions=None):
        cmd = [TLSMATRIX, "serve", "--tls-mode", str(mode), "--server-pem", pem,
               "--server-key", key, "--duration", "600", "--listen", dial + ":0"]
        for k, v in (versions or {}).items():
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


def build_tools():
    """Builds the Go server and client into $TLSMATRIX_BUILD_DIR/interop/; returns their paths."""
    tools = os.path.join(BUILD, "interop")
    os.makedirs(tools, exist_ok=True)
    go_server, go_client = os.path.join(tools, "milvus_go"), os.path.join(tools, "tls_client_go")
    go_build(os.path.join(HERE, "servers", "milvus_go"), go_server)
    go_build(os.path.join(HERE, "clients", "go"), go_client)
    return go_server, go_client


def write_certs(docs, work, jobs=2):
    """`tlsmatrix certs scenario` for each scenario doc (with `_file`) into work/NAME; returns
    name -> folder. A scenario whose set cannot be written stops the caller (exit 2 semantics)."""
    def gen(doc):
        d = os.path.join(work, doc["name"])
        r = subprocess.run([TLSMATRIX, "certs", "scenario", doc["_file"], "--out", d],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"certs scenario {doc['_file']}: {r.stderr.strip()}")
        return d
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return dict(zip((s["name"] for s in docs), pool.map(gen, docs)))


def client_cases(scenarios, dirs, modes, ports):
    """One client case per server x scenario x mode; `ports[(server, name, mode)]` (None: the
    server did not start). Ids are `SERVER|NAME|MODE`."""
    cases = []
    for s in scenarios:
        trust, cert, key = client_files(s, dirs[s["name"]])
        name = (s.get("client") or {}).get("server_name") or ""
        # secure: false forces a plaintext client (modes 1 and 2 are TLS servers).
        plaintext = (s.get("client") or {}).get("secure") is False
        # The client's TLS versions (client.tls_min / tls_max): Go and Node take them; grpcio has no
        # knob, so its cells of such a scenario are not comparable (counted and said, not judged).
        versions = versions_of(s.get("client") or {})
        for mode in modes:
            for server in SERVERS:
                port = ports.get((server, s["name"], mode))
                cases.append(dict(id=f"{server}|{s['name']}|{mode}", port=port,
                                  address=f"{dial_of(s)}:{port or 1}", trust=trust,
                                  cert=cert, key=key, server_name=name, plaintext=plaintext,
                                  **versions))
    return cases


def run_real(scenarios, dirs, modes, tools, work, extra_cases=None, progress=None):
    """Every scenario x mode x server (SERVERS) x client stack, for real.

    Returns (real, results): real[(server, name, mode, stack)] = (outcome, reason or None, how
    we know, the stack's words), or None where the stack was not asked (grpcio cannot be held to
    a TLS version: the cell is not comparable); results[stack][case id] = the client's raw JSON line.
    `extra_cases(cases)` may add cases (another id, same ports) whose raw results the caller reads.
    """
    go_server, go_client = tools
    log_ = progress or (lambda _m: None)
    serves, go_configs = {}, []
    for s in scenarios:
        pem, key, ca = server_files(s, dirs[s["name"]])
        for mode in modes:
            # Each server listens where the scenario's client dials (client.dial).
            serves[(s["name"], mode)] = Serve(mode, pem, key, ca, dial_of(s),
                                              versions_of(s.get("server") or {}))
            go_configs.append(dict(name=f"{s['name']}|{mode}", mode=mode, server_pem=pem,
                                   server_key=key, ca_pem=ca, listen=dial_of(s) + ":0",
                                   **versions_of(s.get("server") or {})))
    for sv in serves.values():
        sv.wait_listening()
    cfg_path = os.path.join(work, f"milvus_go-{os.getpid()}-{threading.get_ident()}.json")
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
    ports = {}
    for (name, mode), sv in serves.items():
        ports[("tlsmatrix", name, mode)] = sv.port
        ports[("milvus", name, mode)] = go_first["ports"].get(f"{name}|{mode}")
    cases = client_cases(scenarios, dirs, modes, ports)
    if extra_cases:
        cases += extra_cases(cases)
    live = [c for c in cases if c["port"]]
    clients = {
        "python": ["/usr/bin/python3", os.path.join(HERE, "clients", "python", "grpc_client.py")],
        "go": [go_client],
        "node": ["node", os.path.join(HERE, "clients", "node", "tls_client.js")],
    }
    results = {}
    try:
        for stack, cmd in clients.items():
            batch = [c for c in live if stack != "python" or not versions_of(c)]  # grpcio: no knob
            p = subprocess.run(cmd, input=json.dumps(batch), capture_output=True, text=True,
                               timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"{stack} client failed: {p.stderr.strip()[-2000:]}")
            results[stack] = {r["id"]: r for r in map(json.loads, p.stdout.splitlines())}
            for sv in serves.values():
                sv.send_marker()
            deadline = time.monotonic() + 30
            for (name, mode), sv in serves.items():
                plaintext = sum(1 for c in batch if c["plaintext"] and c["port"] == sv.port)
                sv.cut(stack, plaintext, deadline)
            log_(f"{stack} client done")
    finally:
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

    real = {}
    for s in scenarios:
        for mode in modes:
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
                for stack in STACK_PROFILE:
                    if startup_error:
                        real[(server, s["name"], mode, stack)] = (
                            "fail", "server_config_error", "server did not start", startup_error[:160])
                        continue
                    if cid not in results[stack]:
                        # Not asked (grpcio cannot be held to a TLS version): not comparable.
                        real[(server, s["name"], mode, stack)] = None
                        continue
                    r = results[stack][cid]
                    if server == "tlsmatrix":
                        saw = sv.judged(stack)[0]
                    elif r.get("local"):
                        saw = seen.get(r["local"])
                    else:
                        saw = leftover[0] if stack == "python" and len(set(leftover)) == 1 \
                            else None
                    real[(server, s["name"], mode, stack)] = real_verdict(r, saw) + (
                        (r.get("message") or "")[:160],)
    return real, results
