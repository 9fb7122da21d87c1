#!/usr/bin/python3
"""Every command that reads files, over the hostile corpus (tests/hostile/make_corpus.py).

How it proves its point: each case swaps one file of a valid set for a hostile one (empty,
garbage, truncated PEM, encrypted key, FIFO, symlink loop, 100 MB, alias bomb, deep nesting, a
chain of thousands of certificates, ...) and runs the command. A "bad" case must exit 2 with one
line on stderr that names the file; an "accepted" one (DER where PEM was expected) must exit 0 or
1. Every case must end by itself within HANG_S (a hang bound, not a speed assertion) and never
die from a signal or print a sanitizer report. `certs scenario` must also leave its --out folder
empty: nothing half-written. Outputs count too: a --json report or an --out folder that cannot be
written (missing folder, a folder in the way, a file where a folder should be) is bad input.

Run against another build with TLSMATRIX=build-asan/tlsmatrix (the corpus goes next to it).
"""
import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

HANG_S = 20
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import BUILD_DIR, SOURCE_DIR, TLSMATRIX  # noqa: E402
# CLI11 adds this hint after a usage error; it is advice, not a second message.
HINT = "Run with --help for more information."
CRASH_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "terminate called",
               "internal error", "Segmentation fault", "Assertion")


def closed_port():
    """A loopback port with nothing listening (bound, then released), for probe."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slot:
    """One place a command reads a file: argv with the hostile path substituted for FILE."""

    def __init__(self, command, name, kinds, argv, full=True, replaces=None):
        self.command, self.name, self.kinds, self.argv, self.full = command, name, kinds, argv, full
        self.replaces = replaces  # the base file FILE stands in for (its DER form is der/NAME)

    def args(self, path, out_dir):
        return [a.replace("FILE", path).replace("OUTDIR", out_dir) for a in self.argv]


def slots(base, port):
    ca, spem, skey = f"{base}/ca.pem", f"{base}/server.pem", f"{base}/server.key"
    cpem, ckey = f"{base}/client.pem", f"{base}/client.key"
    cert = ("any", "pem", "der")
    key = ("any", "key", "der")
    yaml = ("any", "yaml")
    serve = ["serve", "--tls-mode", "2", "--duration", "1"]
    validate = ["validate", "--tls-mode", "2"]
    validate_client = ["--server-name", "localhost"]
    probe = ["probe", f"127.0.0.1:{port}", "--timeout", "2"]

    def server_files(pem=spem, key_=skey, ca_=ca):
        return ["--server-pem", pem, "--server-key", key_, "--ca-pem", ca_]

    def client_files(pem=cpem, key_=ckey, trust=ca):
        return ["--client-pem", pem, "--client-key", key_, "--trust", trust]

    # full=False slots get a sample of the cases: the loader behind them is the same as the full
    # slot's, and the whole test must stay well under a minute under ASan.
    return [
        Slot("run", "scenario", yaml + ("folder",),
             ["run", "FILE", "--modes", "1", "--profiles", "grpc-core"]),
        Slot("certs scenario", "scenario", yaml, ["certs", "scenario", "FILE", "--out", "OUTDIR"]),
        Slot("serve", "--scenario", yaml,
             ["serve", "--scenario", "FILE", "--tls-mode", "1", "--duration", "1"], full=False),
        Slot("serve", "--server-pem", cert, serve + server_files(pem="FILE"),
             replaces="server.pem"),
        Slot("serve", "--server-key", key, serve + server_files(key_="FILE"),
             replaces="server.key"),
        Slot("serve", "--ca-pem", cert, serve + server_files(ca_="FILE"), full=False,
             replaces="ca.pem"),
        Slot("validate", "--milvus-yaml", ("any", "milvus"), ["validate", "--milvus-yaml", "FILE"]),
        Slot("validate", "--server-pem", cert, validate + server_files(pem="FILE"),
             replaces="server.pem"),
        Slot("validate", "--server-key", key, validate + server_files(key_="FILE"),
             replaces="server.key"),
        Slot("validate", "--ca-pem", cert, validate + server_files(ca_="FILE"), full=False,
             replaces="ca.pem"),
        Slot("validate", "--client-pem", cert,
             validate + server_files() + client_files(pem="FILE") + validate_client, full=False,
             replaces="client.pem"),
        Slot("validate", "--client-key", key,
             validate + server_files() + client_files(key_="FILE") + validate_client, full=False,
             replaces="client.key"),
        Slot("validate", "--trust", cert,
             validate + server_files() + client_files(trust="FILE") + validate_client, full=False,
             replaces="ca.pem"),
        Slot("probe", "--trust", cert, probe + ["--tls-mode", "1", "--trust", "FILE"],
             replaces="ca.pem"),
        Slot("probe", "--client-key", key, probe + ["--tls-mode", "2"] + client_files(key_="FILE"),
             replaces="client.key"),
        Slot("probe", "--client-pem", cert, probe + ["--tls-mode", "2"] + client_files(pem="FILE"),
             full=False, replaces="client.pem"),
        # Outputs: a report or a certificate folder that cannot be written is bad input too.
        Slot("run", "--json", ("out",), ["run", f"{base}/scenario.yaml", "--modes", "1",
                                         "--profiles", "grpc-core", "--json", "FILE"]),
        Slot("certs gen", "--out", ("outdir",), ["certs", "gen", "--out", "FILE"]),
        Slot("certs scenario", "--out", ("outdir",),
             ["certs", "scenario", f"{base}/scenario.yaml", "--out", "FILE"]),
        Slot("validate", "--json", ("out",), validate + server_files() + ["--json", "FILE"]),
        Slot("probe", "--json", ("out",), probe + ["--tls-mode", "1", "--json", "FILE"]),
        Slot("bench", "--json", ("out",), ["bench", "--layer", "tls", "--modes", "1", "--keys",
                                           "ec-p256", "--tls", "1.3", "--duration", "1",
                                           "--json", "FILE"]),
    ]


# The sample a full=False slot runs: one of each way a file can be unusable.
SAMPLE = {"empty", "garbage.bin", "fifo", "symlink-loop", "missing", "huge-100MB",
          "truncated-base64.pem", "encrypted-pkcs8.key", "alias-bomb.yaml", "deep-flow.yaml",
          "chain-3000.pem", "der", "unreadable", "cn-65-characters.yaml"}


def can_read_unreadable(path):
    """Root reads a mode-000 file regardless; the case is meaningless then."""
    try:
        with open(path, "rb"):
            return True
    except PermissionError:
        return False


def check(slot, case, out_root):
    path = case["path"]
    if case["kind"] == "der":
        path = os.path.join(os.path.dirname(path), slot.replaces)
    expect = case["expect_by_command"].get(slot.command, case["expect"])
    out_dir = tempfile.mkdtemp(dir=out_root)
    argv = [TLSMATRIX, *slot.args(path, out_dir)]
    label = f"{slot.command} {slot.name} <- {case['name']}"
    try:
        r = subprocess.run(argv, capture_output=True, timeout=HANG_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"{label}: no answer within {HANG_S} s (hang)"
    err = r.stderr.decode("utf-8", "replace")
    lines = [l for l in err.splitlines() if l.strip() and l.strip() != HINT]
    problems = []
    if r.returncode < 0:
        problems.append(f"killed by signal {-r.returncode}")
    for mark in CRASH_MARKS:
        if mark in err:
            problems.append(f"stderr has '{mark}'")
    if expect == "mismatch":
        # A failed check, reported with the file named (in the report, so on stdout).
        if r.returncode != 1:
            problems.append(f"exit {r.returncode}, want 1 (a failed check)")
        if path not in r.stdout.decode("utf-8", "replace") + err:
            problems.append(f"the output does not name {path}")
    elif expect == "bad":
        if r.returncode != 2:
            problems.append(f"exit {r.returncode}, want 2")
        names = [path] + case.get("names", [])
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, want 1")
        if not any(n in err for n in names):
            problems.append("stderr does not name " + " or ".join(names))
    elif r.returncode not in (0, 1):
        problems.append(f"exit {r.returncode}, want 0 or 1 (the file is acceptable)")
    leftovers = os.listdir(out_dir)
    if expect != "accepted" and leftovers:
        problems.append(f"left files behind in --out: {leftovers}")
    shutil.rmtree(out_dir, ignore_errors=True)
    if problems:
        shown = "\n      ".join(err.splitlines()[:6]) or "(empty)"
        return f"{label}: {'; '.join(problems)}\n    stderr: {shown}"
    return None


def main():
    if not os.access(TLSMATRIX, os.X_OK):
        sys.exit(f"hostile_inputs: {TLSMATRIX} is not built")
    corpus = os.path.join(BUILD_DIR, "hostile-corpus")
    subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "tests/hostile/make_corpus.py"),
                    corpus], check=True)
    with open(os.path.join(corpus, "cases.json")) as f:
        spec = json.load(f)
    cases = spec["cases"]
    for c in cases:
        if c["name"] == "unreadable" and can_read_unreadable(c["path"]):
            print("hostile_inputs: skipping 'unreadable': running as root, which reads mode-000 "
                  "files anyway")
            c["skip"] = True
        # A milvus.yaml that points at a bad file may name that file instead of itself.
        if c["kind"] == "milvus":
            with open(c["path"], "rb") as f:
                text = f.read().decode("utf-8", "replace")
            c["names"] = [p for p in (l.split(": ", 1)[-1].strip() for l in text.splitlines())
                          if p.startswith(corpus)]
    env_asan = os.environ.get("ASAN_OPTIONS")
    if env_asan is None:
        # Only matters for a sanitizer build: make its reports fail loudly and distinctly.
        os.environ["ASAN_OPTIONS"] = "exitcode=86:detect_leaks=1"
    os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")

    jobs = []
    for s in slots(spec["base"], closed_port()):
        for c in cases:
            if c.get("skip") or c["kind"] not in s.kinds:
                continue
            if not s.full and c["name"] not in SAMPLE:
                continue
            jobs.append((s, c))
    out_root = tempfile.mkdtemp(prefix="tlsmatrix-hostile-")
    failures = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for result in pool.map(lambda j: check(j[0], j[1], out_root), jobs):
                if result:
                    failures.append(result)
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
    commands = sorted({s.command for s, _ in jobs})
    print(f"hostile_inputs: {len(jobs)} runs over {len(cases)} corpus files "
          f"({', '.join(commands)}); {len(failures)} failed")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
