"""Two runs of the same scenarios with the same binary write the same JSON report, apart from
when they ran (started, duration_ms) and the version: compared by scripts/compare-run-reports.py.
The scenarios are those whose report differed between identical runs: mode-2 cells that fail on
the server's certificate (whether the server's client-certificate check had run before the
client hung up is a race) and the garbage server.pem (whose ASN.1 error named random bytes).

Before the fix, three runs of these 54 cells gave 30 differences in actual.detail, e.g.
"server: no client certificate reached its check" in one run and "server: client certificate
accepted" in the next, and "header too long" vs "wrong tag" for the garbage PEM: exit 1."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402

SCENARIOS = ["name/cn-differs.yaml", "name/wildcard-too-deep.yaml", "name/wildcard-vs-localhost.yaml",
             "name/no-server-name.yaml", "name/ip-only-in-cn.yaml", "name/wildcard-bare-domain.yaml",
             "trust/missing-intermediate.yaml", "expiry/server-expired.yaml",
             "broken/garbage-server-pem.yaml"]
RUNS = 3

check = Checks()
with tempfile.TemporaryDirectory() as tmp:
    reports = []
    for i in range(RUNS):
        report = os.path.join(tmp, f"run{i}.json")
        r = subprocess.run([TLSMATRIX, "run", "--modes", "1,2", "--json", report] +
                           [os.path.join(SOURCE_DIR, "scenarios", s) for s in SCENARIOS],
                           capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, f"run {i + 1} exits 0 (got {r.returncode})", r.stdout + r.stderr)
        reports.append(report)
    r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "scripts", "compare-run-reports.py")] + reports,
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"{RUNS} reports identical apart from times (compare exit {r.returncode})",
          r.stdout + r.stderr)
    check("identical apart from times: 3 reports, 54 cells each" in r.stdout,
          "the comparison covered every cell", r.stdout)
sys.exit(check.finish("run_report_reproducible"))
