#!/usr/bin/python3
"""Where the harness's server differs from Milvus's proxy is said only where it touches what ran,
once, after the results: `run` decides from the cells that ran (mode, client profile, the
scenario's files), `validate` from the files validated and the mode, `serve` from the mode and the
files served. A mode-0/1 run or a mode-1 deployment hears nothing about mode 2."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
SCEN = os.path.join(SOURCE_DIR, "scenarios")
check = Checks(verbose=True)

# One phrase from each caveat, as the reports print it.
TLS12 = "TLS 1.2"
WEAK_SERVER = "security level"
CA_NAMES = "names no CAs"
CLIENT_CHECKS = "client's certificate with OpenSSL"
ALL = [TLS12, WEAK_SERVER, CA_NAMES, CLIENT_CHECKS]


def tlsmatrix(*args, timeout=120):
    env = dict(os.environ, COLUMNS="200")  # one note a line: easy to count
    return subprocess.run([TLSMATRIX, *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def run(*args):
    return tlsmatrix("run", *args, "--timeout", "30")


def counts(text):
    return {phrase: text.count(phrase) for phrase in ALL}


def only(text, *wanted):
    """Each wanted caveat exactly once, every other one not at all."""
    got = counts(text)
    return all(got[p] == (1 if p in wanted else 0) for p in ALL), got


def after_results(out):
    """Notes come after the grid and its legend, and before the summary line."""
    lines = out.splitlines()
    notes = [i for i, l in enumerate(lines) if any(p in l for p in ALL)]
    legend = next((i for i, l in enumerate(lines) if l.startswith("Legend:")), None)
    summary = next((i for i, l in enumerate(lines) if " cells: " in l), None)
    return bool(notes) and legend is not None and summary is not None and \
        legend < min(notes) and max(notes) < summary


def scen(path):
    return os.path.join(SCEN, path)


def main():
    # run: modes 0 and 1 over scenarios whose mode-2 cells would touch every caveat.
    p = run(scen("mode2/client-keyusage-certsign-only.yaml"), scen("trust/client-cert-other-ca.yaml"),
            scen("valid/rsa.yaml"), "--modes", "0,1")
    ok, got = only(p.stdout)
    check(p.returncode == 0 and ok, f"run, modes 0,1: no server caveat ({got})", p.stdout)

    # A weak server certificate in mode 1: that caveat, once, after the results; nothing in mode 0.
    p = run(scen("broken/rsa1024-server.yaml"), scen("valid/rsa.yaml"), "--modes", "0,1")
    ok, got = only(p.stdout, WEAK_SERVER)
    check(p.returncode == 0 and ok, f"run, RSA-1024 server in mode 1: the security-level note once ({got})",
          p.stdout)
    check(after_results(p.stdout), "run: the note comes after the grid and legend, before the summary",
          p.stdout)
    p = run(scen("broken/rsa1024-server.yaml"), "--modes", "0")
    ok, got = only(p.stdout)
    check(p.returncode == 0 and ok and "Notes:" not in p.stdout,
          f"run, RSA-1024 server in mode 0 only: no notes ({got})", p.stdout)

    # Mode 2, a client certificate with keyUsage keyCertSign only: the client-check caveat.
    p = run(scen("mode2/client-keyusage-certsign-only.yaml"), "--modes", "2")
    ok, got = only(p.stdout, CLIENT_CHECKS)
    check(p.returncode == 0 and ok, f"run, mode 2 keyUsage-only client cert: client checks note ({got})",
          p.stdout)

    # A client certificate from another CA: Milvus's CA names matter to a Go client only.
    p = run(scen("trust/client-cert-other-ca.yaml"), "--modes", "2", "--profiles", "grpc-core,node")
    ok, got = only(p.stdout)
    check(p.returncode == 0 and ok, f"run, other-CA client cert without go: no note ({got})", p.stdout)
    p = run(scen("trust/client-cert-other-ca.yaml"), "--modes", "2", "--profiles", "go")
    ok, got = only(p.stdout, CA_NAMES)
    check(p.returncode == 0 and ok, f"run, other-CA client cert with go: the CA-names note once ({got})",
          p.stdout)

    with tempfile.TemporaryDirectory() as tmp:
        tls = os.path.join(tmp, "tls")
        g = tlsmatrix("certs", "gen", "--out", tls)
        check(g.returncode == 0, "certs gen", g.stdout + g.stderr)
        f = {n: os.path.join(tls, n) for n in
             ("ca.pem", "server.pem", "server.key", "client.pem", "client.key")}

        # validate: a sound mode-1 and mode-2 deployment hear no caveat (terminal or JSON).
        for mode, extra in (("1", []), ("2", ["--ca-pem", f["ca.pem"], "--client-pem", f["client.pem"],
                                              "--client-key", f["client.key"]])):
            js = os.path.join(tmp, f"v{mode}.json")
            v = tlsmatrix("validate", "--tls-mode", mode, "--server-pem", f["server.pem"],
                          "--server-key", f["server.key"], "--trust", f["ca.pem"],
                          "--server-name", "localhost", "--json", js, *extra)
            notes = json.load(open(js)).get("notes") if os.path.exists(js) else None
            ok, got = only(v.stdout)
            check(v.returncode == 0 and ok and notes == [],
                  f"validate, sound mode-{mode} files: no caveat (stdout {got}, JSON notes {notes})",
                  v.stdout)

        # validate: an RSA-1024 server in mode 1: that caveat once, after the checks, before the
        # summary line.
        weak = os.path.join(tmp, "weak")
        g = tlsmatrix("certs", "gen", "--out", weak, "--key", "rsa1024")
        check(g.returncode == 0, "certs gen --key rsa1024", g.stdout + g.stderr)
        js = os.path.join(tmp, "weak.json")
        v = tlsmatrix("validate", "--tls-mode", "1", "--server-pem", os.path.join(weak, "server.pem"),
                      "--server-key", os.path.join(weak, "server.key"), "--trust",
                      os.path.join(weak, "ca.pem"), "--server-name", "localhost", "--json", js)
        notes = json.load(open(js)).get("notes") if os.path.exists(js) else []
        lines = v.stdout.splitlines()
        # validate's own checks speak of security levels too: count its note lines only.
        note_at = [i for i, l in enumerate(lines) if l.lstrip().startswith("note:")]
        ok, got = only("\n".join(lines[i] for i in note_at), WEAK_SERVER)
        check(v.returncode == 1 and ok and len(notes) == 1 and WEAK_SERVER in notes[0] and
              note_at and note_at[0] >= len(lines) - 2,
              f"validate, RSA-1024 server in mode 1: the security-level note once, last before the "
              f"summary ({got}, JSON {len(notes)})", v.stdout)

        # serve: mode 0 serves plaintext, no files: nothing to say.
        s = tlsmatrix("serve", "--tls-mode", "0", "--duration", "0.3")
        ok, got = only(s.stderr)
        check(s.returncode == 0 and ok and "note:" not in s.stderr,
              f"serve, mode 0: no note ({got})", s.stderr)
        s = tlsmatrix("serve", "--tls-mode", "1", "--server-pem", f["server.pem"], "--server-key",
                      f["server.key"], "--duration", "0.3")
        ok, got = only(s.stderr)
        check(s.returncode == 0 and ok, f"serve, mode 1 sound files: no note ({got})", s.stderr)
        # Mode 2: any client may come, so the client-side caveats apply; the files are sound.
        s = tlsmatrix("serve", "--tls-mode", "2", "--server-pem", f["server.pem"], "--server-key",
                      f["server.key"], "--ca-pem", f["ca.pem"], "--duration", "0.3")
        ok, got = only(s.stderr, TLS12, CA_NAMES, CLIENT_CHECKS)
        check(s.returncode == 0 and ok, f"serve, mode 2: the client-side notes once each ({got})",
              s.stderr)

    if check.failures:
        print(f"{len(check.failures)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
