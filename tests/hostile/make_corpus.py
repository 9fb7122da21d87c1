#!/usr/bin/python3
"""Writes the hostile-input corpus into OUT (a build folder; nothing here is committed).

    /usr/bin/python3 tests/hostile/make_corpus.py OUT

Layout (the test tests/integration/hostile_inputs.py reads it):
  OUT/base/      a valid, freshly generated set: ca, server, client (.pem/.key), server-rsa.pem,
                 plus scenario.yaml and milvus.yaml that use them. Every case swaps one file of
                 this set for a hostile one, so the failure can only come from that file.
  OUT/pem/       hostile certificate/key files (PEM slots)
  OUT/yaml/      hostile YAML (scenario and milvus.yaml slots)
  OUT/der/       each base certificate and key in DER (a slot gets the DER form of its own file)
  OUT/out/       places a report (--json) or a certificate folder (--out) cannot be written to
  OUT/cases.json the case list: name, kind (any|pem|key|der|yaml|milvus), path, expect
                 (bad|accepted|mismatch), expect_by_command (overrides per command)

All keys are throwaway test keys generated on the spot (never committed, never real). Needs
Debian's python3-cryptography, hence /usr/bin/python3. A corpus is kept until this script
changes.
"""
import datetime
import ipaddress
import json
import os
import random
import shutil
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Big enough to be "thousands", small enough to stay under io::kMaxInputBytes (8 MiB) so the
# loaders, not the size limit, must deal with them.
CHAIN_CERTS = 3000
SAN_COUNT = 5000
BIG_FILE_BYTES = 100 * 1024 * 1024

NOW = datetime.datetime.now(datetime.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(subject_cn, key, issuer_cn=None, issuer_key=None, ca=False, sans=None, eku=None):
    builder = (x509.CertificateBuilder()
               .subject_name(name(subject_cn))
               .issuer_name(name(issuer_cn or subject_cn))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW - datetime.timedelta(hours=1))
               .not_valid_after(NOW + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key, password=None, traditional=False):
    enc = (serialization.BestAvailableEncryption(password) if password
           else serialization.NoEncryption())
    fmt = (serialization.PrivateFormat.TraditionalOpenSSL if traditional
           else serialization.PrivateFormat.PKCS8)
    return key.private_bytes(serialization.Encoding.PEM, fmt, enc)


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make_base(d):
    os.makedirs(d, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = make_cert("Hostile Test CA", ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = make_cert("localhost", server_key, "Hostile Test CA", ca_key,
                       sans=[x509.DNSName("localhost"),
                             x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
                       eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = make_cert("hostile-client", client_key, "Hostile Test CA", ca_key,
                       eku=[ExtendedKeyUsageOID.CLIENT_AUTH])
    write(f"{d}/ca.pem", pem(ca))
    write(f"{d}/ca.key", key_pem(ca_key), 0o600)
    write(f"{d}/server.pem", pem(server))
    write(f"{d}/server.key", key_pem(server_key), 0o600)
    write(f"{d}/client.pem", pem(client))
    write(f"{d}/client.key", key_pem(client_key), 0o600)
    # An RSA key for "a key of another type than the certificate" (server.pem is EC).
    write(f"{d}/rsa.key", key_pem(rsa.generate_private_key(65537, 2048)), 0o600)
    write(f"{d}/scenario.yaml", b"""name: hostile-base
summary: A valid scenario the hostile cases are variations of.
certs:
  ca:
    cn: Hostile Test CA
    ca: true
  server:
    issuer: ca
    cn: localhost
    san: [DNS:localhost, IP:127.0.0.1]
server:
  cert: server
  ca: ca
client:
  ca_pem_path: ca
  server_name: localhost
expect:
  0: pass
  1: fail unknown_ca
  2: fail client_cert_missing
""")
    return ca, ca_key, server, server_key


def milvus_yaml(base, mode="2", extra=b""):
    return (b"common:\n  security:\n    tlsMode: " + mode.encode() + b"\n" + extra +
            b"tls:\n  serverPemPath: " + f"{base}/server.pem".encode() +
            b"\n  serverKeyPath: " + f"{base}/server.key".encode() +
            b"\n  caPemPath: " + f"{base}/ca.pem".encode() + b"\n")


def make_corpus(out):
    base = f"{out}/base"
    ca, ca_key, server, server_key = make_base(base)
    write(f"{base}/milvus.yaml", milvus_yaml(base))
    rng = random.Random(8)  # the same garbage every time, so a failure reproduces
    cases = []

    def add(kind, case, data=None, expect="bad", mode=0o644, expect_by_command=None):
        folder = {"pem": "pem", "key": "pem", "any": "pem", "yaml": "yaml", "milvus": "yaml",
                  "der": "der", "out": "out", "outdir": "out", "folder": "folders"}[kind]
        path = f"{out}/{folder}/{case}"
        if data is not None:
            write(path, data, mode)
        cases.append({"name": case, "kind": kind, "path": path, "expect": expect,
                      "expect_by_command": expect_by_command or {}})

    os.makedirs(f"{out}/pem", exist_ok=True)
    os.makedirs(f"{out}/yaml", exist_ok=True)
    server_pem = pem(server)
    server_key_pem = key_pem(server_key)
    b64_lines = server_pem.decode().splitlines()

    # Files that are bad in any slot (certificate, key, YAML).
    add("any", "empty", b"")
    add("any", "garbage.bin", bytes(rng.getrandbits(8) for _ in range(4096)))
    add("any", "nul-bytes", b"\0" * 1024)
    add("any", "directory")
    os.makedirs(f"{out}/pem/directory", exist_ok=True)
    add("any", "fifo")
    os.mkfifo(f"{out}/pem/fifo")
    add("any", "symlink-loop")
    os.symlink("symlink-loop", f"{out}/pem/symlink-loop")
    add("any", "dangling-symlink")
    os.symlink("no-such-target", f"{out}/pem/dangling-symlink")
    add("any", "missing")  # never created
    add("any", "unreadable", b"-----BEGIN CERTIFICATE-----\n", mode=0o000)
    add("any", "huge-100MB")
    with open(f"{out}/pem/huge-100MB", "wb") as f:
        f.truncate(BIG_FILE_BYTES)  # sparse: costs no disk, still 100 MB to stat()

    # Certificates (and the same files in key slots).
    cut = "\n".join(b64_lines[:len(b64_lines) // 2]) + "\n"
    add("pem", "truncated-base64.pem", cut.encode())
    add("pem", "missing-end-line.pem", "\n".join(b64_lines[:-1]).encode() + b"\n")
    add("pem", "cut-mid-line.pem", server_pem[:len(server_pem) // 2 + 7])
    add("pem", "header-around-garbage.pem",
        b"-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n"
        b"-----END CERTIFICATE-----\n")
    add("pem", "header-around-binary.pem",
        b"-----BEGIN CERTIFICATE-----\n" + bytes(rng.getrandbits(8) for _ in range(512)) +
        b"\n-----END CERTIFICATE-----\n")
    add("pem", "mismatched-end.pem", server_pem.replace(b"END CERTIFICATE", b"END PRIVATE KEY"))
    add("pem", "bad-base64-char.pem", server_pem.replace(b"\n", b"\n!", 2))
    add("pem", "key-instead-of-cert.pem", server_key_pem)
    # DER where PEM was expected: der/NAME holds base/NAME in DER, and the test hands each slot
    # the DER form of the very file it replaces (a server key in the client slot would fail for
    # another reason).
    os.makedirs(f"{out}/der", exist_ok=True)
    for f in sorted(os.listdir(base)):
        if f.endswith(".pem"):
            der = x509.load_pem_x509_certificate(open(f"{base}/{f}", "rb").read()).public_bytes(
                serialization.Encoding.DER)
        elif f.endswith(".key"):
            der = serialization.load_pem_private_key(open(f"{base}/{f}", "rb").read(), None) \
                .private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
        else:
            continue
        write(f"{out}/der/{f}", der, 0o600 if f.endswith(".key") else 0o644)
    # serve hands files to gRPC as Milvus hands them to Go, and neither reads DER: serve says so.
    add("der", "der", expect="accepted", expect_by_command={"serve": "bad"})
    add("pem", "der-truncated.der", server.public_bytes(serialization.Encoding.DER)[:300])
    add("pem", "non-utf8.pem", b"\xff\xfe\xc3\x28" * 64 + server_pem)
    add("pem", "utf16.pem", server_pem.decode().encode("utf-16"))

    # A chain of thousands of distinct certificates, each issued by the next.
    key = ec.generate_private_key(ec.SECP256R1())
    parts = []
    # One key for every link: the point is the count, and signing with a fresh key each
    # time would only slow the corpus down.
    for i in range(CHAIN_CERTS):
        parts.append(pem(make_cert(f"link {i}", key, f"link {i + 1}", key, ca=i > 0)))
    write(f"{out}/pem/chain-{CHAIN_CERTS}.pem", b"".join(parts))
    add("pem", f"chain-{CHAIN_CERTS}.pem")

    # A server certificate with thousands of SANs (its own key is server.key's).
    sans = [x509.DNSName(f"host{i}.example.test") for i in range(SAN_COUNT)]
    sans.append(x509.DNSName("localhost"))
    write(f"{out}/pem/sans-{SAN_COUNT}.pem",
          pem(make_cert("localhost", server_key, "Hostile Test CA", ca_key, sans=sans,
                        eku=[ExtendedKeyUsageOID.SERVER_AUTH])))
    add("pem", f"sans-{SAN_COUNT}.pem")

    # Private keys.
    add("key", "cert-instead-of-key.key", server_pem)
    add("key", "encrypted-pkcs8.key", key_pem(server_key, b"hostile-test"))
    add("key", "encrypted-legacy.key", key_pem(server_key, b"hostile-test", traditional=True))
    # validate reports a key that does not fit its certificate as a failed check (exit 1, the
    # file named in the report): finding that is its job. Every other command refuses it (2).
    add("key", "other-type.key", open(f"{base}/rsa.key", "rb").read(),
        expect_by_command={"validate": "mismatch"})
    add("key", "truncated.key", server_key_pem[:len(server_key_pem) // 2])
    # Fake test data: PEM armour around "AAAA", not a key.
    add("key", "key-header-garbage.key",
        b"-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n")

    # YAML (scenario files; milvus.yaml variants are "milvus").
    depth = 10000
    add("yaml", "alias-bomb.yaml",
        b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
        b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
                 f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
                 f" *{chr(97 + i)}, *{chr(97 + i)}]\n".encode() for i in range(9)) +
        b"name: *j\n")
    add("yaml", "deep-flow.yaml", b"name: " + b"[" * depth + b"]" * depth + b"\n")
    add("yaml", "deep-flow-unclosed.yaml", b"name: " + b"[" * depth + b"\n")
    add("yaml", "deep-block.yaml",
        "".join(f"{' ' * i}k{i}:\n" for i in range(2000)).encode())
    add("yaml", "deep-maps.yaml", b"a: " + b"{a: " * depth + b"1" + b"}" * depth + b"\n")
    add("yaml", "duplicate-keys.yaml",
        open(f"{base}/scenario.yaml", "rb").read() + b"name: second-name\n")
    add("yaml", "tabs.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"\n  ", b"\n\t"))
    add("yaml", "wrong-type-mode.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"  0: pass", b"  \"two\": pass"))
    add("yaml", "wrong-type-list.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"san: [DNS:localhost, IP:127.0.0.1]",
                                                            b"san: {DNS: localhost}"))
    # Latin-1 in a free-text field: only a UTF-8 check catches it (and JSON/XML reports need it).
    add("yaml", "non-utf8.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"A valid scenario", b"Caf\xe9 scenario"))
    add("yaml", "unterminated-quote.yaml", b'name: "hostile\nsummary: x\n')
    add("yaml", "binary-tag.yaml", b"name: !!binary aGVsbG8=\n")
    add("yaml", "two-documents.yaml",
        open(f"{base}/scenario.yaml", "rb").read() + b"---\nname: again\n")
    add("yaml", "top-level-list.yaml", b"- name: a\n- name: b\n")
    add("yaml", "long-line.yaml", b"name: " + b"x" * (4 * 1024 * 1024) + b"\n")
    add("yaml", f"scenario-sans-{SAN_COUNT}.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(
            b"san: [DNS:localhost, IP:127.0.0.1]",
            b"san: [" + b", ".join(f"DNS:h{i}.test".encode() for i in range(SAN_COUNT)) + b"]"))
    # Thousands of RSA-4096 certificates, each issuing the next: minutes of key generation and
    # deep issuer recursion unless the loader refuses the count.
    add("yaml", "scenario-certs-3000.yaml",
        b"name: many\nsummary: s\ncerts:\n" +
        b"".join(f"  c{i}:\n    key: rsa4096\n    ca: true\n".encode() +
                 (f"    issuer: c{i - 1}\n".encode() if i else b"") for i in range(3000)) +
        b"server:\n  cert: c2999\nexpect:\n  0: pass\n  1: pass\n  2: pass\n")
    # Values OpenSSL refuses when it builds the certificate (X.509's 64-character CN, dates past
    # 9999): the loader must refuse them first, naming the file, not certificate generation with
    # "internal error".
    add("yaml", "cn-65-characters.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"    cn: localhost\n",
                                                            b"    cn: " + b"a" * 65 + b"\n"))
    add("yaml", "not-after-9000y.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"    cn: localhost\n",
                                                            b"    cn: localhost\n"
                                                            b"    not_after: +9000y\n"))
    add("yaml", "issuer-cycle.yaml",
        open(f"{base}/scenario.yaml", "rb").read().replace(b"    ca: true\n",
                                                            b"    ca: true\n    issuer: server\n"))

    # Scenario folders (for `run DIR`) holding a symlink loop or a broken file among good ones.
    for name, odd in (("loop", None), ("broken", b"name: [unclosed\n")):
        d = f"{out}/folders/with-{name}"
        os.makedirs(d)
        write(f"{d}/good.yaml", open(f"{base}/scenario.yaml", "rb").read())
        if odd is None:
            os.symlink("odd.yaml", f"{d}/odd.yaml")
        else:
            write(f"{d}/odd.yaml", odd)
        cases.append({"name": f"folder-with-{name}", "kind": "folder", "path": d, "expect": "bad",
                      "expect_by_command": {}, "names": [f"{d}/odd.yaml"]})

    # milvus.yaml variants: bad YAML in the file itself, or paths to bad files.
    add("milvus", "milvus-wrong-type-mode.yaml", milvus_yaml(base, '"two"'))
    add("milvus", "milvus-mode-list.yaml", milvus_yaml(base, "[1, 2]"))
    add("milvus", "milvus-mode-out-of-range.yaml", milvus_yaml(base, "99999999999999999999"))
    add("milvus", "milvus-duplicate-keys.yaml",
        milvus_yaml(base) + b"tls:\n  serverPemPath: /etc/passwd\n")
    add("milvus", "milvus-tabs.yaml", milvus_yaml(base).replace(b"\n  ", b"\n\t"))
    add("milvus", "milvus-alias-bomb.yaml",
        b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
        b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
                 f" *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)},"
                 f" *{chr(97 + i)}, *{chr(97 + i)}]\n".encode() for i in range(9)) +
        milvus_yaml(base))
    add("milvus", "milvus-recursive-alias.yaml", b"a: &a\n  b: *a\n" + milvus_yaml(base))
    add("milvus", "milvus-deep.yaml", b"common: " + b"[" * depth + b"]" * depth + b"\n")
    add("milvus", "milvus-non-utf8.yaml", milvus_yaml(base).replace(b"tlsMode", b"tls\xffMode"))
    add("milvus", "milvus-cert-missing.yaml",
        milvus_yaml(base).replace(b"/server.pem", b"/no-such-server.pem"))
    add("milvus", "milvus-cert-garbage.yaml",
        milvus_yaml(base).replace(f"{base}/server.pem".encode(),
                                  f"{out}/pem/garbage.bin".encode()))
    add("milvus", "milvus-key-encrypted.yaml",
        milvus_yaml(base).replace(f"{base}/server.key".encode(),
                                  f"{out}/pem/encrypted-pkcs8.key".encode()))
    add("milvus", "milvus-cert-directory.yaml",
        milvus_yaml(base).replace(f"{base}/server.pem".encode(), f"{out}/pem/directory".encode()))

    # Where a report (--json) or a certificate folder (--out) cannot go.
    os.makedirs(f"{out}/out/a-directory/inside", exist_ok=True)
    write(f"{out}/out/a-file", b"not a folder\n")
    add("out", "no-such-folder/report.json")
    add("out", "a-directory")
    add("out", "a-file/report.json")
    add("outdir", "a-file")
    add("outdir", "a-file/sub")

    with open(f"{out}/cases.json.tmp", "w") as f:
        json.dump({"base": base, "cases": cases}, f, indent=1)
    os.replace(f"{out}/cases.json.tmp", f"{out}/cases.json")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUT")
    out = sys.argv[1]
    done = os.path.join(out, "cases.json")
    # A corpus made by this very script is reused whole: the chain and SAN files are signed by
    # the base set's keys, so parts of two generations must not be mixed.
    if os.path.exists(done) and os.path.getmtime(done) > os.path.getmtime(__file__):
        return
    if os.path.isdir(out) and os.listdir(out) and not os.path.isdir(os.path.join(out, "base")):
        sys.exit(f"make_corpus.py: {out} is not empty and not a corpus; not touching it")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    make_corpus(out)


if __name__ == "__main__":
    main()
