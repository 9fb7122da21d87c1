#!/usr/bin/python3
"""Establish how each real stack verifies a peer certificate, by experiment.

Makes certificate sets (python3-cryptography, scratch only), starts two server stacks (Milvus's
Go proxy configuration from servers/milvus_go, and a gRPC C-core server) with one listener per
case, connects the three real clients (Python grpcio = C-core, Go crypto/tls, Node tls) and
prints what each saw. This is how the README's "Client profiles" table was established; rerun it
after a distribution upgrade.

    /usr/bin/python3 tests/interop/experiments/stack_experiments.py [--build DIR] [--json F]

Needs python3-cryptography (Debian) besides the interop suite's packages.
"""
import argparse
import datetime as dt
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.dirname(HERE)

NOW = dt.datetime.utcnow()
DAY = dt.timedelta(days=1)

# name: spec. issuer None = self-signed. sans: "DNS:x" / "IP:x" / "URI:x" / "email:x".
CERTS = {
    "ca": dict(cn="Test CA", ca=True),
    "ca2": dict(cn="Other CA", ca=True),
    "ca_nobc": dict(cn="CA without basicConstraints CA:TRUE", ca=False, bc=True),
    "inter": dict(cn="Intermediate", ca=True, issuer="ca"),
    "server": dict(cn="localhost", sans=["DNS:localhost", "IP:127.0.0.1"], issuer="ca",
                   eku=["server"]),
    "client": dict(cn="client", issuer="ca", eku=["client"]),
    "cn_only": dict(cn="localhost", issuer="ca"),
    "cn_ip_only": dict(cn="127.0.0.1", issuer="ca"),
    "ipsan_cn_localhost": dict(cn="localhost", sans=["IP:127.0.0.1"], issuer="ca"),
    "urisan_cn_localhost": dict(cn="localhost", sans=["URI:spiffe://example.org/milvus"],
                                issuer="ca"),
    "dnsother_cn_localhost": dict(cn="localhost", sans=["DNS:other.example"], issuer="ca"),
    "dns_127": dict(cn="x", sans=["DNS:127.0.0.1"], issuer="ca"),
    "dns_localhost_only": dict(cn="x", sans=["DNS:localhost"], issuer="ca"),
    "wild": dict(cn="x", sans=["DNS:*.example.com"], issuer="ca"),
    "wild_tld": dict(cn="x", sans=["DNS:*.com", "DNS:*.localhost"], issuer="ca"),
    "wild_partial": dict(cn="x", sans=["DNS:f*.example.com"], issuer="ca"),
    "wild_cn": dict(cn="*.example.com", issuer="ca"),
    "eku_client_only": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", eku=["client"]),
    "eku_none": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca"),
    "eku_both": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca",
                     eku=["server", "client"]),
    "rsa1024": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", bits=1024),
    "sha1": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", hash="sha1"),
    "expired": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", nb=-30, na=-1),
    "notyet": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", nb=1, na=30),
    "by_nobc": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca_nobc"),
    "by_inter": dict(cn="localhost", sans=["DNS:localhost"], issuer="inter"),
    "self_leaf": dict(cn="localhost", sans=["DNS:localhost"], ca=False, bc=True),
    "self_leaf_nobc": dict(cn="localhost", sans=["DNS:localhost"], bc=False),
    "other_server": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca2"),
    # client certificates (mode 2)
    "cl_eku_server": dict(cn="client", issuer="ca", eku=["server"]),
    "cl_eku_none": dict(cn="client", issuer="ca"),
    "cl_other_ca": dict(cn="client", issuer="ca2", eku=["client"]),
    "cl_expired": dict(cn="client", issuer="ca", eku=["client"], nb=-30, na=-1),
    "cl_notyet": dict(cn="client", issuer="ca", eku=["client"], nb=1, na=30),
    "cl_rsa1024": dict(cn="client", issuer="ca", eku=["client"], bits=1024),
    "cl_sha1": dict(cn="client", issuer="ca", eku=["client"], hash="sha1"),
    "cl_by_nobc": dict(cn="client", issuer="ca_nobc", eku=["client"]),
    "cl_by_inter": dict(cn="client", issuer="inter", eku=["client"]),
    "cl_self": dict(cn="client", eku=["client"], ca=False, bc=True),
    "ca_noku": dict(cn="CA whose keyUsage lacks keyCertSign", ca=True, ku="digitalSignature"),
    "by_ca_noku": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca_noku"),
    "cl_by_ca_noku": dict(cn="client", issuer="ca_noku", eku=["client"]),
    "ku_certsign": dict(cn="localhost", sans=["DNS:localhost"], issuer="ca", ku="keyCertSign"),
    "cl_ku_certsign": dict(cn="client", issuer="ca", eku=["client"], ku="keyCertSign"),
}


def make_certs(out):
    keys, certs = {}, {}
    for name, spec in CERTS.items():
        key = rsa.generate_private_key(public_exponent=65537, key_size=spec.get("bits", 2048))
        keys[name] = key
        issuer = spec.get("issuer")
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, spec["cn"])])
        b = (x509.CertificateBuilder()
             .subject_name(subject)
             .issuer_name(certs[issuer].subject if issuer else subject)
             .public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(NOW + spec.get("nb", -1) * DAY)
             .not_valid_after(NOW + spec.get("na", 30) * DAY))
        if spec.get("ca") or spec.get("bc", False):
            b = b.add_extension(x509.BasicConstraints(ca=bool(spec.get("ca")), path_length=None),
                                critical=True)
        if spec.get("ku") == "digitalSignature":
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                              False), critical=True)
        elif spec.get("ca") or spec.get("ku") == "keyCertSign":
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True,
                                              bool(spec.get("ca")), False, False), critical=True)
        sans = []
        for s in spec.get("sans", []):
            kind, value = s.split(":", 1)
            sans.append({"DNS": lambda v: x509.DNSName(v),
                         "IP": lambda v: x509.IPAddress(ipaddress.ip_address(v)),
                         "URI": lambda v: x509.UniformResourceIdentifier(v),
                         "email": lambda v: x509.RFC822Name(v)}[kind](value))
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        if spec.get("eku"):
            oids = {"server": ExtendedKeyUsageOID.SERVER_AUTH,
                    "client": ExtendedKeyUsageOID.CLIENT_AUTH}
            b = b.add_extension(x509.ExtendedKeyUsage([oids[e] for e in spec["eku"]]),
                                critical=False)
        algo = hashes.SHA1() if spec.get("hash") == "sha1" else hashes.SHA256()
        certs[name] = b.sign(keys[issuer] if issuer else key, algo)
        with open(os.path.join(out, name + ".pem"), "wb") as f:
            f.write(certs[name].public_bytes(serialization.Encoding.PEM))
        with open(os.path.join(out, name + ".key"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    # chain files: leaf followed by its intermediate
    for leaf in ("by_inter", "cl_by_inter"):
        with open(os.path.join(out, leaf + "_chain.pem"), "wb") as f:
            f.write(certs[leaf].public_bytes(serialization.Encoding.PEM) +
                    certs["inter"].public_bytes(serialization.Encoding.PEM))


# id, what it shows, mode, server (pem, key, ca), client (trust, cert, key, server_name, tls_max)
def case(cid, what, mode, spem, ca="", trust="ca", cert="", key="", name="localhost",
         tls_max="", skey=None):
    return dict(id=cid, what=what, mode=mode, server_pem=spem, server_key=skey or spem.replace(
        "_chain", ""), ca_pem=ca, trust=trust, cert=cert, key=key or cert, server_name=name,
        tls_max=tls_max)


CASES = [
    case("baseline", "SAN DNS:localhost + IP:127.0.0.1, trust CA", 1, "server"),
    case("cn_only", "name only in CN, no SAN", 1, "cn_only"),
    case("cn_only_ip", "CN=127.0.0.1, no SAN, server_name 127.0.0.1", 1, "cn_ip_only",
         name="127.0.0.1"),
    case("ipsan_cn", "CN=localhost + SAN IP:127.0.0.1 only, server_name localhost", 1,
         "ipsan_cn_localhost"),
    case("urisan_cn", "CN=localhost + SAN URI only, server_name localhost", 1,
         "urisan_cn_localhost"),
    case("dnsother_cn", "CN=localhost + SAN DNS:other.example, server_name localhost", 1,
         "dnsother_cn_localhost"),
    case("ip_ipsan", "server_name 127.0.0.1, SAN IP:127.0.0.1", 1, "server", name="127.0.0.1"),
    case("ip_dnssan", "server_name 127.0.0.1, SAN DNS:127.0.0.1 (no IP SAN)", 1, "dns_127",
         name="127.0.0.1"),
    case("ip_no_ipsan", "server_name 127.0.0.1, SAN DNS:localhost only", 1,
         "dns_localhost_only", name="127.0.0.1"),
    case("wild_one", "SAN *.example.com, name a.example.com", 1, "wild", name="a.example.com"),
    case("wild_two", "SAN *.example.com, name a.b.example.com", 1, "wild",
         name="a.b.example.com"),
    case("wild_bare", "SAN *.example.com, name example.com", 1, "wild", name="example.com"),
    case("wild_tld", "SAN *.com, name example.com", 1, "wild_tld", name="example.com"),
    case("wild_localhost", "SAN *.localhost, name milvus.localhost", 1, "wild_tld",
         name="milvus.localhost"),
    case("wild_partial", "SAN f*.example.com, name foo.example.com", 1, "wild_partial",
         name="foo.example.com"),
    case("wild_cn", "CN *.example.com, no SAN, name a.example.com", 1, "wild_cn",
         name="a.example.com"),
    case("partial_leaf", "trust = the CA-signed server.pem itself", 1, "server", trust="server"),
    case("partial_inter", "trust = the intermediate only, server sends leaf+intermediate", 1,
         "by_inter_chain", trust="inter"),
    case("self_leaf", "self-signed leaf (CA:FALSE) as its own trust", 1, "self_leaf",
         trust="self_leaf"),
    case("self_leaf_nobc", "self-signed leaf without basicConstraints as its own trust", 1,
         "self_leaf_nobc", trust="self_leaf_nobc"),
    case("chain_sent", "leaf + intermediate sent, trust root", 1, "by_inter_chain"),
    case("missing_inter", "leaf only sent (intermediate missing), trust root", 1, "by_inter"),
    case("eku_client_only", "server cert EKU clientAuth only", 1, "eku_client_only"),
    case("eku_none", "server cert without EKU", 1, "eku_none"),
    case("rsa1024", "server key RSA-1024", 1, "rsa1024"),
    case("sha1", "server cert signed with SHA-1", 1, "sha1"),
    case("expired", "server cert expired", 1, "expired"),
    case("notyet", "server cert not yet valid", 1, "notyet"),
    case("nobc_issuer", "issuer (the trusted root) is CA:FALSE", 1, "by_nobc", trust="ca_nobc"),
    case("other_ca", "server cert from a CA the client does not trust", 1, "other_server"),
    case("default_roots", "client trusts default roots (no trust file)", 1, "server", trust=""),
    # mode 2: the server judges the client
    case("m2_ok", "mode 2 baseline", 2, "server", ca="ca", cert="client"),
    case("m2_no_cert", "mode 2, client sends no certificate", 2, "server", ca="ca"),
    case("m2_eku_server", "mode 2, client cert EKU serverAuth only", 2, "server", ca="ca",
         cert="cl_eku_server"),
    case("m2_eku_none", "mode 2, client cert without EKU", 2, "server", ca="ca",
         cert="cl_eku_none"),
    case("m2_other_ca", "mode 2, client cert from another CA", 2, "server", ca="ca",
         cert="cl_other_ca"),
    case("m2_expired", "mode 2, client cert expired", 2, "server", ca="ca", cert="cl_expired"),
    case("m2_notyet", "mode 2, client cert not yet valid", 2, "server", ca="ca",
         cert="cl_notyet"),
    case("m2_rsa1024", "mode 2, client key RSA-1024", 2, "server", ca="ca", cert="cl_rsa1024"),
    case("m2_sha1", "mode 2, client cert signed with SHA-1", 2, "server", ca="ca",
         cert="cl_sha1"),
    case("m2_nobc", "mode 2, client cert issuer CA:FALSE (caPemPath = it)", 2, "server",
         ca="ca_nobc", cert="cl_by_nobc"),
    case("m2_chain", "mode 2, client sends leaf+intermediate, caPemPath root", 2, "server",
         ca="ca", cert="cl_by_inter_chain", key="cl_by_inter"),
    case("m2_missing_inter", "mode 2, client sends leaf only, caPemPath root", 2, "server",
         ca="ca", cert="cl_by_inter"),
    case("m2_partial_ca", "mode 2, caPemPath = the intermediate, client sends leaf", 2,
         "server", ca="inter", cert="cl_by_inter"),
    case("m2_self_client", "mode 2, self-signed client cert, caPemPath = it", 2, "server",
         ca="cl_self", cert="cl_self"),
    case("m2_tls12", "mode 2, client limited to TLS 1.2", 2, "server", ca="ca", cert="client",
         tls_max="1.2"),
    case("ca_no_certsign", "issuing CA has keyUsage without keyCertSign", 1, "by_ca_noku",
         trust="ca_noku"),
    case("ku_certsign_only", "server leaf keyUsage = keyCertSign only", 1, "ku_certsign"),
    case("m2_ca_no_certsign", "mode 2, client cert's CA keyUsage lacks keyCertSign", 2,
         "server", ca="ca_noku", cert="cl_by_ca_noku"),
    case("m2_ku_certsign", "mode 2, client leaf keyUsage = keyCertSign only", 2, "server",
         ca="ca", cert="cl_ku_certsign"),
    case("m1_tls12", "mode 1, client limited to TLS 1.2", 1, "server", tls_max="1.2"),
    case("m1_client_cert", "mode 1, client sends a certificate anyway", 1, "server",
         cert="cl_other_ca"),
]


def build_go(src, out, build_dir):
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
               GOCACHE=os.path.join(build_dir, "gocache"), GOFLAGS="")
    subprocess.run(["go", "build", "-o", out, "."], cwd=src, env=env, check=True)


def start(cmd, configs, work, name):
    path = os.path.join(work, name + "_configs.json")
    with open(path, "w") as f:
        json.dump(configs, f)
    proc = subprocess.Popen(cmd + [path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    first = json.loads(proc.stdout.readline())
    return proc, first


def run_client(cmd, cases):
    res = subprocess.run(cmd, input=json.dumps(cases), capture_output=True, text=True,
                         timeout=300)
    if res.returncode != 0:
        sys.exit(f"{cmd[0]}: {res.stderr}")
    return {r["id"]: r for r in map(json.loads, res.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(tempfile.gettempdir(), "tlsmatrix-interop"))
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.build, exist_ok=True)
    go_server = os.path.join(args.build, "milvus_go")
    go_client = os.path.join(args.build, "tls_client_go")
    build_go(os.path.join(INTEROP, "servers", "milvus_go"), go_server, args.build)
    build_go(os.path.join(INTEROP, "clients", "go"), go_client, args.build)

    work = tempfile.mkdtemp(prefix="stack-exp-")
    make_certs(work)
    p = lambda n: os.path.join(work, n + ".pem") if n else ""  # noqa: E731
    k = lambda n: os.path.join(work, n + ".key") if n else ""  # noqa: E731
    configs = [dict(name=c["id"], mode=c["mode"], server_pem=p(c["server_pem"]),
                    server_key=k(c["server_key"]), ca_pem=p(c["ca_pem"])) for c in CASES]
    servers = {
        "milvus-go": start([go_server, "-config"], configs, work, "go"),
        "grpc-core": start(["/usr/bin/python3", os.path.join(HERE, "grpc_core_server.py")],
                           configs, work, "core"),
    }
    clients = {
        "python": ["/usr/bin/python3", os.path.join(INTEROP, "clients", "python",
                                                    "grpc_client.py")],
        "go": [go_client],
        "node": ["node", os.path.join(INTEROP, "clients", "node", "tls_client.js")],
    }
    results = {}
    for sname, (proc, first) in servers.items():
        batch = [dict(id=c["id"], address=f"127.0.0.1:{first['ports'][c['id']]}",
                      trust=p(c["trust"]), cert=p(c["cert"]), key=k(c["key"]),
                      server_name=c["server_name"], tls_max=c["tls_max"])
                 for c in CASES if c["id"] in first["ports"]]
        for cname, cmd in clients.items():
            results[(sname, cname)] = run_client(cmd, batch)
    events, by_remote = {}, {}
    for sname, (proc, first) in servers.items():
        proc.stdin.close()
        for line in proc.stdout:
            ev = json.loads(line)
            if ev.get("event") == "handshake":
                by_remote[ev["remote"]] = ev
                if not ev["ok"]:
                    events.setdefault(ev["name"], set()).add(ev["error"])
        proc.wait(timeout=10)
    # What Milvus's Go server said about each Go / Node connection (Python's port is unknown).
    for (sname, cname), res in results.items():
        for r in res.values():
            ev = by_remote.get(r.get("local"))
            if sname == "milvus-go" and ev:
                r["server_saw"] = ev.get("error", "ok")

    cols = [(s, c) for s in servers for c in clients]
    print(f"{'case':18} " + " ".join(f"{s[:9]}/{c:6}"[:17].ljust(17) for s, c in cols))
    table = []
    for c in CASES:
        row = [results[col].get(c["id"], {"class": "not-started"}) for col in cols]
        print(f"{c['id']:18} " + " ".join(r["class"][:17].ljust(17) for r in row))
        table.append(dict(case=c, results={f"{s}/{cl}": r for (s, cl), r in zip(cols, row)},
                          milvus_go_log=sorted(events.get(c["id"], []))))
    for c in CASES:
        if c["mode"] == 2:
            for cname in ("go", "node"):
                r = results[("milvus-go", cname)].get(c["id"], {})
                print(f"  milvus-go saw {cname:4} {c['id']:18} {r.get('server_saw', '-')[:110]}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(table, f, indent=1)


if __name__ == "__main__":
    main()
