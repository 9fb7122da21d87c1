"""The shipped deployment files agree with each other and with the binary, as far as this
machine can check without a cluster (no kubectl): deploy/kubernetes/tlsmatrix-exporter.yaml
parses as a ConfigMap, a Deployment and a Service whose selectors, ports, mounts and arguments
fit together; its exporter.yaml, with certificates placed where the Secret is mounted, passes
`tlsmatrix exporter --check-config`; and deploy/prometheus/prometheus.yml scrapes that Service's
port with modules the ConfigMap defines."""

import os
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import SOURCE_DIR, TLSMATRIX, Checks, certs_gen  # noqa: E402

check = Checks()


def main():
    with open(os.path.join(SOURCE_DIR, "deploy", "kubernetes", "tlsmatrix-exporter.yaml")) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    by_kind = {d["kind"]: d for d in docs}
    check(sorted(by_kind) == ["ConfigMap", "Deployment", "Service"] and len(docs) == 3,
          f"a ConfigMap, a Deployment and a Service (got {[d['kind'] for d in docs]})")
    api = {k: d["apiVersion"] for k, d in by_kind.items()}
    check(api == {"ConfigMap": "v1", "Deployment": "apps/v1", "Service": "v1"},
          f"apiVersions (got {api})")
    for d in docs:
        check(d["metadata"].get("name") and d["metadata"].get("namespace"),
              f"{d['kind']} has a name and a namespace")
    cm, dep, svc = by_kind["ConfigMap"], by_kind["Deployment"], by_kind["Service"]
    namespaces = {d["metadata"]["namespace"] for d in docs}
    check(len(namespaces) == 1, f"one namespace (got {namespaces})")

    spec = dep["spec"]
    pod_labels = spec["template"]["metadata"]["labels"]
    sel = spec["selector"]["matchLabels"]
    check(all(pod_labels.get(k) == v for k, v in sel.items()),
          "the Deployment's selector matches its pods")
    check(all(pod_labels.get(k) == v for k, v in svc["spec"]["selector"].items()),
          "the Service's selector matches the pods")

    pod = spec["template"]["spec"]
    [container] = pod["containers"]
    args = container["args"]
    check(args[0] == "exporter", f"the container runs `tlsmatrix exporter` (args {args})")
    opts = dict(a[2:].split("=", 1) for a in args[1:])
    listen = opts.get("listen", "")
    port = int(listen.rsplit(":", 1)[1]) if ":" in listen else None
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    check(port is not None and ports.get("http") == port,
          f"--listen's port is the container's http port ({listen} vs {ports})")
    [sport] = svc["spec"]["ports"]
    check(sport["targetPort"] in ("http", port), f"the Service targets it (got {sport})")
    for probe in ("readinessProbe", "livenessProbe"):
        check(container[probe]["httpGet"]["path"] == "/metrics", f"{probe} asks /metrics")

    # Mounts: the config file from the ConfigMap, the TLS folder from a Secret.
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    config_path = opts.get("config", "")
    cfg_mount = mounts.get(config_path)
    check(cfg_mount is not None and "configMap" in volumes[cfg_mount["name"]] and
          volumes[cfg_mount["name"]]["configMap"]["name"] == cm["metadata"]["name"] and
          cfg_mount.get("subPath") in cm["data"],
          f"--config {config_path} is the ConfigMap's file")
    secret_dirs = [p for p, m in mounts.items() if "secret" in volumes[m["name"]]]
    check(len(secret_dirs) == 1, f"one Secret mount (got {secret_dirs})")

    # The ConfigMap's config, laid out as the pod sees it, with files where the Secret mounts.
    tmp = tempfile.mkdtemp(prefix="exporter-deploy-")
    root = os.path.join(tmp, "root")
    local_config = root + config_path
    os.makedirs(os.path.dirname(local_config))
    with open(local_config, "w") as f:
        f.write(cm["data"][cfg_mount["subPath"]])
    certs_gen(root + secret_dirs[0])
    p = subprocess.run([TLSMATRIX, "exporter", "--config", local_config, "--check-config"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"the ConfigMap's config passes --check-config ({p.stdout}{p.stderr})")
    modules = set(yaml.safe_load(cm["data"][cfg_mount["subPath"]])["modules"])

    with open(os.path.join(SOURCE_DIR, "deploy", "prometheus", "prometheus.yml")) as f:
        prom = yaml.safe_load(f)
    svc_host = f"{svc['metadata']['name']}.{svc['metadata']['namespace']}.svc:{sport['port']}"
    for job in prom["scrape_configs"]:
        if job.get("metrics_path") == "/probe":
            for m in job["params"]["module"]:
                check(m in modules, f"job {job['job_name']}: module {m} is in the ConfigMap")
            replacement = [r.get("replacement") for r in job["relabel_configs"]
                           if r.get("target_label") == "__address__"]
            check(replacement == [svc_host],
                  f"job {job['job_name']} sends scrapes to the Service ({replacement})")
        else:
            targets = [t for sc in job["static_configs"] for t in sc["targets"]]
            check(targets == [svc_host], f"job {job['job_name']} scrapes the Service ({targets})")
    return check.finish("exporter_deploy")


if __name__ == "__main__":
    sys.exit(main())
