#!/usr/bin/python3
"""deploy/bench/tlsmatrix-bench-job.yaml as far as this machine can check it without a cluster
(kubectl's client-side dry run still asks an API server for the kinds): it parses as a
PersistentVolumeClaim and an Indexed Job whose mounts, Secret paths and per-pod output file fit
together; its container's arguments, with the paths mapped to a temporary folder and the target
replaced by `tlsmatrix serve --tls-mode 2`, run as written for two "pods"; and `bench merge` of
their files adds the rates and reads the percentiles from the pooled histograms (the same
nearest rank computed here from the two files' buckets)."""
import json
import math
import os
import subprocess
import sys
import tempfile
import threading

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402

check = Checks()


def percentile(buckets, p):
    n = sum(b["count"] for b in buckets)
    rank = min(max(math.ceil(p / 100 * n), 1), n)
    seen = 0
    for b in sorted(buckets, key=lambda b: b["index"]):
        seen += b["count"]
        if seen >= rank:
            return 2 ** ((b["index"] + 1) / 16)


def main():
    with open(os.path.join(SOURCE_DIR, "deploy", "bench", "tlsmatrix-bench-job.yaml")) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    kinds = {d["kind"]: d for d in docs}
    check(sorted(kinds) == ["Job", "PersistentVolumeClaim"], f"kinds {list(kinds)}")
    job = kinds["Job"]
    check(job["apiVersion"] == "batch/v1", "Job apiVersion")
    spec = job["spec"]
    check(spec.get("completionMode") == "Indexed", "the Job is not Indexed")
    check(spec.get("completions") == spec.get("parallelism"),
          "completions != parallelism: the pods would not all run at once (rates add only then)")
    pod = spec["template"]["spec"]
    check(pod.get("restartPolicy") == "Never", "restartPolicy")
    (c,) = pod["containers"]
    args = c["args"]
    check(args[0] == "bench", f"args {args}")
    out = [a for a in args if a.startswith("--json=")]
    check(len(out) == 1 and "$(JOB_COMPLETION_INDEX)" in out[0], f"--json per pod: {out}")
    envs = {e["name"]: e for e in c.get("env", [])}
    check(envs.get("JOB_COMPLETION_INDEX", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
          == "metadata.annotations['batch.kubernetes.io/job-completion-index']", "JOB_COMPLETION_INDEX env")
    vols = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    check(set(mounts.values()) == set(vols), f"mounts {mounts} vs volumes {list(vols)}")
    claim = vols["results"]["persistentVolumeClaim"]["claimName"]
    check(claim == kinds["PersistentVolumeClaim"]["metadata"]["name"], "the claim is not the PVC")
    check("ReadWriteMany" in kinds["PersistentVolumeClaim"]["spec"]["accessModes"], "PVC not RWX")
    files_in = {a.split("=", 1)[1] for a in args if a.split("=", 1)[0] in
                ("--trust", "--client-pem", "--client-key")}
    tls_mount = [p for p, n in mounts.items() if n == "tls"][0]
    check(all(p.startswith(tls_mount + "/") for p in files_in), f"{files_in} not under {tls_mount}")

    with tempfile.TemporaryDirectory(prefix="tlsmatrix-bench-deploy-") as tmp:
        tls = os.path.join(tmp, "tls")
        subprocess.run([TLSMATRIX, "certs", "gen", "--out", tls, "--key", "ec-p256"], check=True,
                       capture_output=True)
        results = os.path.join(tmp, "results")
        os.mkdir(results)
        serve = subprocess.Popen([TLSMATRIX, "serve", "--tls-mode", "2", "--server-pem",
                                  f"{tls}/server.pem", "--server-key", f"{tls}/server.key",
                                  "--ca-pem", f"{tls}/ca.pem", "--duration", "40"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            addr = serve.stdout.readline().split()[-1]
            threading.Thread(target=serve.stdout.read, daemon=True).start()
            for index in (0, 1):
                run = []
                for a in args:
                    a = a.replace(tls_mount, tls).replace("/results", results)
                    a = a.replace("$(JOB_COMPLETION_INDEX)", str(index))
                    if a.startswith("--target="):
                        a = "--target=" + addr
                    if a.startswith("--server-name="):
                        a = "--server-name=localhost"
                    if a.startswith("--duration="):
                        a = "--duration=0.4"
                    run.append(a)
                p = subprocess.run([TLSMATRIX, *run], capture_output=True, text=True, timeout=60)
                check(p.returncode == 0, f"pod {index}: exit {p.returncode}", p.stdout + p.stderr)
        finally:
            serve.terminate()
            serve.wait(10)
        pods = [os.path.join(results, f"pod-{i}.json") for i in (0, 1)]
        check(all(os.path.exists(p) for p in pods), "the pods' files were not written")
        merged = os.path.join(tmp, "merged.json")
        p = subprocess.run([TLSMATRIX, "bench", "merge", *pods, "--json", merged], capture_output=True,
                           text=True, timeout=30)
        check(p.returncode == 0, f"bench merge: exit {p.returncode}", p.stdout + p.stderr)
        rows = [json.load(open(f))["results"][0] for f in pods]
        (m,) = json.load(open(merged))["results"]
        check(m["runs"] == 2 and m["handshakes"] == sum(r["handshakes"] for r in rows), f"merged {m}")
        check(abs(m["handshakes_per_s"] - sum(r["handshakes_per_s"] for r in rows)) < 1e-6, "rates do not add")
        pooled = [b for r in rows for b in r["latency_histogram"]["buckets"]]
        for q in (50, 90, 99):
            want = percentile(pooled, q)
            check(abs(m[f"p{q}_us"] - want) < 1e-6 * want, f"p{q}: merged {m[f'p{q}_us']}, pooled {want}")
        # The merged file merges again to itself.
        p = subprocess.run([TLSMATRIX, "bench", "merge", merged, os.path.join(tmp, "nope.json")],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 2, f"merge with a missing file: exit {p.returncode}, want 2")
    return check.finish("bench_deploy")


if __name__ == "__main__":
    sys.exit(main())
