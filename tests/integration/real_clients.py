#!/usr/bin/python3
"""`run --real-clients`: the installed real client stacks run beside the prediction on every TLS
cell. With the clients installed by `cmake --install` (found beside the installed binary, as the
catalogue is), each stack present on this machine agrees with every cell; a stack missing from
PATH is skipped with a note and counted nowhere; a client that answers wrongly (a planted
always-pass Node client) is a disagreement per cell and exit 1."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from itest import BUILD_DIR, SOURCE_DIR, TLSMATRIX, Checks  # noqa: E402

SOURCE = os.path.abspath(SOURCE_DIR)
BUILD = os.path.abspath(BUILD_DIR)
SCEN = os.path.join(SOURCE, "scenarios")
SCENARIOS = [os.path.join(SCEN, p) for p in ("valid/rsa.yaml", "trust/client-cert-other-ca.yaml",
                                             "broken/rsa1024-server.yaml")]
check = Checks(verbose=True, tail=3000)


def run(binary, *args, env=None, cwd=None):
    e = dict(os.environ, **(env or {}))
    e.pop("TLSMATRIX_CLIENTS", None)
    e.update(env or {})
    return subprocess.run([binary, "run", *SCENARIOS, "--modes", "1,2", "--servers", "harness,milvus",
                           "--real-clients", "--timeout", "30", *args], capture_output=True, text=True,
                          timeout=600, env=e, cwd=cwd)


def report(path):
    return json.load(open(path)) if os.path.exists(path) else {}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "prefix")
        i = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True)
        check(i.returncode == 0, "cmake --install", i.stdout + i.stderr)
        installed = os.path.join(prefix, "bin", "tlsmatrix")

        # 1. From a folder without ./tests: the installed clients, every installed stack agrees.
        js = os.path.join(tmp, "all.json")
        r = run(installed, "--json", js, cwd=tmp)
        rc = report(js).get("real_clients", {})
        stacks = {s["profile"]: s for s in rc.get("stacks", [])}
        present = {"grpc-core": shutil.which("python3") and subprocess.run(
                       ["/usr/bin/python3", "-c", "import grpc"], capture_output=True).returncode == 0,
                   "go": bool(shutil.which("go")), "node": bool(shutil.which("node"))}
        check(rc.get("clients_dir", "").startswith(prefix),
              f"the installed clients are found beside the installed binary ({rc.get('clients_dir')})", r.stdout)
        for profile, here in present.items():
            s = stacks.get(profile, {})
            check(s.get("ran") == bool(here) and (not here or s.get("cells", 0) > 0),
                  f"{profile}: {'ran on ' + str(s.get('cells')) + ' cells' if here else 'skipped (not installed)'}",
                  r.stdout)
        check(r.returncode == 0 and rc.get("disagreements") == [] and "Real clients" in r.stdout,
              f"no disagreement, exit 0 (exit {r.returncode})", r.stdout + r.stderr)

        # 2. go and node not on PATH: skipped, each with a note, nothing counted for them.
        empty = os.path.join(tmp, "empty-path")
        os.mkdir(empty)
        js = os.path.join(tmp, "nopath.json")
        r = run(TLSMATRIX, "--json", js, env={"PATH": empty, "TLSMATRIX_CLIENTS": os.path.join(SOURCE, "tests",
                                                                                                "interop", "clients")})
        stacks = {s["profile"]: s for s in report(js).get("real_clients", {}).get("stacks", [])}
        check(r.returncode == 0 and all(not stacks.get(p, {}).get("ran") and "not on PATH" in stacks[p]["note"] and
                                        stacks[p]["cells"] == 0 for p in ("go", "node")) and
              "go: skipped: go is not on PATH" in r.stdout,
              "go and node missing from PATH: skipped with a note, no cells", r.stdout + r.stderr)

        # 3. A client that says pass to everything disagrees with every failing cell.
        fake = os.path.join(tmp, "fake-clients")
        shutil.copytree(os.path.join(SOURCE, "tests", "interop", "clients"), fake)
        with open(os.path.join(fake, "node", "tls_client.js"), "w") as f:
            f.write("let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{for(const c of JSON.parse(s))"
                    "console.log(JSON.stringify({id:c.id,ok:true,class:'ok',message:'planted'}));});\n")
        if shutil.which("node"):
            js = os.path.join(tmp, "fake.json")
            r = run(TLSMATRIX, "--profiles", "node", "--json", js, env={"TLSMATRIX_CLIENTS": fake})
            rep = report(js)
            failing = sum(1 for c in rep.get("cells", []) if c["mode"] in (1, 2) and
                          c["actual"]["outcome"] == "fail" and c["actual"]["reason"] != "server_config_error")
            dis = rep.get("real_clients", {}).get("disagreements", [])
            check(r.returncode == 1 and failing > 0 and len(dis) == failing and
                  all(d["real"] == "pass" and d["predicted"]["outcome"] == "fail" for d in dis) and
                  "DISAGREE " in r.stdout,
                  f"a planted always-pass client: {len(dis)} disagreements for {failing} failing cells, exit "
                  f"{r.returncode}", r.stdout)
        else:
            print("skip the planted client: node is not installed")

    sys.exit(check.finish("real_clients"))


if __name__ == "__main__":
    main()
