#!/usr/bin/python3
"""What a CI job needs from validate and probe, checked with a certificate that expires in 10
days (a warning under the default --warn-days 30):

  - --fail-on-warning turns that warning into exit 1 (validate and probe); without it, exit 0;
  - --junit writes one testcase per check (XML that parses; an error or, with --fail-on-warning,
    a warning is a <failure>; a warning is otherwise visible in <system-out>) and --markdown a
    table of the checks;
  - --markdown appends to an existing file, as GitHub's $GITHUB_STEP_SUMMARY expects: two runs
    and a validate into the same file keep all three summaries and what was there before.
The probed endpoint is `tlsmatrix serve` on 127.0.0.1 with the 10-day set."""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402
check = Checks(verbose=True)


def tlsm(*args):
    r = subprocess.run([TLSMATRIX, *args], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    if r.returncode not in (0, 1):
        print(f"$ tlsmatrix {' '.join(args)}\n{r.stdout}{r.stderr}exit {r.returncode}", flush=True)
    return r


def junit_cases(path):
    """[(name, failure type or None, system-out text)] of every testcase; None if it does not parse."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        print(f"{path}: {e}")
        return None
    out = []
    for case in root.iter("testcase"):
        failure = case.find("failure")
        system_out = case.find("system-out")
        out.append((case.get("name"), failure.get("type") if failure is not None else None,
                    system_out.text if system_out is not None else ""))
    return out


def table_rows(markdown):
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def check_command(name, args, json_checks, warning_ids, tmp):
    """json_checks(doc) -> [(id, status)] of the JSON report; warning_ids: the ids expected to warn."""
    r = tlsm(*args)
    check(r.returncode == 0, f"{name}: a warning alone exits 0 (got {r.returncode})")
    r = tlsm(*args, "--fail-on-warning")
    check(r.returncode == 1, f"{name} --fail-on-warning: the expiry warning exits 1 (got {r.returncode})")
    check("--fail-on-warning" in r.stdout, f"{name} --fail-on-warning: the output says why it failed")

    files = {k: os.path.join(tmp, f"{name}.{k}") for k in ("json", "xml", "md")}
    for strict in (False, True):
        for path in files.values():
            if os.path.exists(path):
                os.remove(path)
        r = tlsm(*args, "--json", files["json"], "--junit", files["xml"], "--markdown", files["md"],
                 *(["--fail-on-warning"] if strict else []))
        label = f"{name}{' --fail-on-warning' if strict else ''}"
        check(r.returncode == (1 if strict else 0), f"{label} with reports: exit {r.returncode}")
        if not os.path.exists(files["json"]):
            check(False, f"{label}: no JSON report")
            continue
        doc = json.load(open(files["json"]))
        checks = json_checks(doc)
        if "exit_code" in doc:  # validate's JSON has it, probe's does not
            check(doc["exit_code"] == r.returncode, f"{label}: JSON exit_code matches")
        cases = junit_cases(files["xml"]) if os.path.exists(files["xml"]) else None
        check(cases is not None, f"{label}: --junit wrote XML that parses")
        if cases is None:
            continue
        check(len(cases) == len(checks), f"{label}: {len(cases)} testcases for {len(checks)} checks")
        warn = ("warning", "warn")
        check(sorted(cid for cid, status in checks if status in warn) == warning_ids,
              f"{label}: the warnings are {warning_ids} (JSON: {checks})")
        warned = [c for c, (cid, status) in zip(cases, checks) if status in warn]
        check(len(warned) == len(warning_ids) and all(c[0] for c in warned),
              f"{label}: a named testcase for each warning")
        for case in warned:
            if strict:
                check(case[1] == "warning", f"{label}: warning {case[0]!r} is a <failure type=warning>")
            else:
                check(case[1] is None and "warning" in case[2],
                      f"{label}: warning {case[0]!r} passes and shows in <system-out>")
        failed = sum(1 for c in cases if c[1])
        check(failed == (len(warning_ids) if strict else 0), f"{label}: {failed} check.failures in JUnit")
        md = open(files["md"]).read() if os.path.exists(files["md"]) else ""
        check(len(table_rows(md)) == len(checks) + 2, f"{label}: --markdown has a table row per check")
        check(md.startswith("## "), f"{label}: --markdown starts with a heading")


def main():
    with tempfile.TemporaryDirectory(prefix="tlsmatrix-ci-") as tmp:
        return checks(tmp)


def checks(tmp):
    tls = os.path.join(tmp, "tls")
    r = tlsm("certs", "gen", "--out", tls, "--days", "10", "--key", "ec-p256")
    check(r.returncode == 0, "certs gen --days 10")
    f = lambda n: os.path.join(tls, n)  # noqa: E731

    validate = ["validate", "--tls-mode", "1", "--server-pem", f("server.pem"), "--server-key",
                f("server.key"), "--trust", f("ca.pem"), "--server-name", "localhost",
                "--warn-days", "30"]
    check_command("validate", validate,
                  lambda doc: [(c["check"], c["severity"]) for c in doc["checks"]],
                  ["timeline.first_break", "validity"], tmp)

    serve = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "1", "--server-pem", f("server.pem"),
                              "--server-key", f("server.key"), "--duration", "60"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        m = re.fullmatch(r"listening on (127\.0\.0\.1:\d+)", serve.stdout.readline().strip())
        check(m is not None, "serve is listening")
        if m:
            probe = ["probe", m.group(1), "--trust", f("ca.pem"), "--server-name", "localhost",
                     "--timeout", "2"]
            check_command("probe", probe,
                          lambda doc: [(c["id"], c["status"]) for c in doc["checks"]],
                          ["leaf_expiry"], tmp)
    finally:
        serve.terminate()
        serve.wait(timeout=30)

    # --markdown appends: what a previous step wrote stays, each command adds its summary.
    summary = os.path.join(tmp, "step_summary.md")
    with open(summary, "w") as out:
        out.write("# earlier step\n\nkeep this line\n")
    scenario = os.path.join(SOURCE_DIR, "scenarios", "valid", "ec-p256.yaml")
    for _ in range(2):
        r = tlsm("run", scenario, "--modes", "1", "--profiles", "grpc-core", "--markdown", summary)
        check(r.returncode == 0, f"run --markdown into an existing file: exit {r.returncode}")
    r = tlsm(*validate, "--markdown", summary)
    check(r.returncode == 0, f"validate --markdown into the same file: exit {r.returncode}")
    text = open(summary).read()
    check(text.startswith("# earlier step\n\nkeep this line\n"), "--markdown kept the earlier content")
    check(len(re.findall(r"^## .*tlsmatrix: 1/1 cells as expected", text, re.M)) == 2,
          "--markdown kept both runs' summaries")
    check(len(re.findall(r"^## .*tlsmatrix validate", text, re.M)) == 1,
          "--markdown appended validate's summary")
    check(not [n for n in os.listdir(tmp) if n.startswith(".")], "no temporaries left")

    print(f"ci_outputs: {len(check.failures)} failed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
