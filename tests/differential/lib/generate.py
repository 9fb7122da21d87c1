"""Random but well-formed scenarios over the scenario schema's whole space (scenarios/README.md).

`scenario(rng, name)` draws one scenario as a dict ready for yaml.safe_dump: a root CA, zero to
two intermediates, sometimes an unrelated CA, a server and a client leaf; every certificate with
its own key type and size, signature digest, validity window, basicConstraints/pathlen,
keyUsage and extendedKeyUsage (CAs included); SANs of every kind and form (trailing dots, case,
wildcards, IPv4-mapped IPv6, an IP written as a DNS name, URIs); the served chain in order, out of
order or incomplete; and one of pymilvus's client configurations. The draw depends only on the
rng, so a seed reproduces a campaign. Expectations are placeholders: the campaign compares
`tlsmatrix run`'s verdicts with the real stacks', not with `expect`.
"""

# Weighted so a campaign stays quick but meets every kind.
# EC and Ed25519 keys cost nothing to make; RSA-2048 ~0.1 s; RSA-4096 seconds.
KEYS = [("ec-p256", 44), ("rsa2048", 20), ("ec-p384", 10), ("ed25519", 10), ("rsa1024", 12),
        ("rsa3072", 3), ("rsa4096", 1)]
DIGESTS = [("sha256", 70), ("sha384", 10), ("sha512", 10), ("sha1", 10)]
KEY_USAGES = ["digitalSignature", "nonRepudiation", "keyEncipherment", "keyAgreement",
              "keyCertSign", "cRLSign"]
EKUS = ["serverAuth", "clientAuth"]
DNS_NAMES = [("localhost", 30), ("localhost.", 6), ("LOCALHOST", 4), ("LocalHost.", 2),
             ("*.localhost", 3), ("milvus.example.com", 6), ("*.example.com", 5),
             ("example.com", 3), ("m*.example.com", 2), ("*", 1), ("other.host", 4),
             ("127.0.0.1", 3), ("xn--bcher-kva.example", 1)]
IPS = [("127.0.0.1", 12), ("::1", 4), ("::ffff:127.0.0.1", 4), ("10.0.0.5", 3)]
URIS = ["spiffe://milvus/proxy", "https://localhost/"]
SERVER_NAMES = [("localhost", 40), (None, 10), ("localhost.", 6), ("LOCALHOST", 4),
                ("milvus.example.com", 6), ("a.example.com", 4), ("example.com", 3),
                ("foo.localhost", 3), ("127.0.0.1", 6), ("::1", 2), ("::ffff:127.0.0.1", 3),
                ("other.host", 3), ("mx.example.com", 2)]
CNS = [("localhost", 25), (None, 15), ("milvus.example.com", 5), ("*.example.com", 3),
       ("127.0.0.1", 3), ("LOCALHOST", 2), ("localhost.", 2), ("some-service", 10)]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, w in weighted:
        x -= w
        if x <= 0:
            return value
    return weighted[-1][0]


def chance(rng, p):
    return rng.random() < p


def validity(rng, cert):
    """Mostly the defaults; sometimes expired, not yet valid, or a short window around now."""
    r = rng.random()
    if r < 0.84:
        return
    if r < 0.91:
        cert["not_before"], cert["not_after"] = f"-{rng.randint(2, 800)}d", f"-{rng.randint(1, 1)}d"
    elif r < 0.96:
        cert["not_before"], cert["not_after"] = f"+{rng.randint(1, 30)}d", f"+{rng.randint(31, 400)}d"
    else:
        cert["not_before"], cert["not_after"] = "-1h", f"+{rng.randint(2, 48)}h"


def usages(rng, cert, is_ca):
    """keyUsage and EKU: mostly the defaults, sometimes any subset (empty = no extension)."""
    if chance(rng, 0.15):
        cert["key_usage"] = sorted(rng.sample(KEY_USAGES, rng.randint(0, 3)),
                                   key=KEY_USAGES.index)
    if chance(rng, 0.25 if not is_ca else 0.12):
        cert["ext_key_usage"] = sorted(rng.sample(EKUS, rng.randint(1, 2)), key=EKUS.index)


def key_and_digest(rng, cert, signer_key):
    key = pick(rng, KEYS)
    if key != "rsa2048":
        cert["key"] = key
    # An Ed25519 signer has no digest to choose.
    if signer_key != "ed25519":
        digest = pick(rng, DIGESTS)
        if digest != "sha256":
            cert["digest"] = digest
    return key


def sans(rng):
    r = rng.random()
    if r < 0.12:
        return None  # no SAN extension: the CN is all there is
    out = []
    for _ in range(rng.randint(1, 3)):
        kind = pick(rng, [("DNS", 60), ("IP", 30), ("URI", 10)])
        value = pick(rng, DNS_NAMES if kind == "DNS" else IPS) if kind != "URI" else rng.choice(URIS)
        if f"{kind}:{value}" not in out:
            out.append(f"{kind}:{value}")
    return out


def leaf(rng, issuer, signer_key, role):
    cert = {}
    if issuer:
        cert["issuer"] = issuer
    cn = pick(rng, CNS) if role == "server" else rng.choice(["milvus-client", None, "localhost"])
    if cn:
        cert["cn"] = cn
    if role == "server":
        s = sans(rng)
        if s:
            cert["san"] = s
    elif chance(rng, 0.2):
        cert["san"] = ["DNS:milvus-client"]
    key = key_and_digest(rng, cert, signer_key)
    if not issuer and key == "ed25519":
        cert.pop("digest", None)
    validity(rng, cert)
    usages(rng, cert, False)
    return cert


def scenario(rng, name):
    certs, keys = {}, {}
    certs["root"] = _last_ca(rng, certs, keys, "root", "Root CA", None)
    chain = []
    parent = "root"
    for i in range(pick(rng, [(0, 60), (1, 30), (2, 10)])):
        iname = f"inter{i + 1}"
        certs[iname] = _last_ca(rng, certs, keys, iname, f"Intermediate {i + 1}", parent)
        chain.append(iname)
        parent = iname
    other = chance(rng, 0.12)
    if other:
        certs["other"] = _last_ca(rng, certs, keys, "other", "Other CA", None)

    server_issuer = pick(rng, [(parent, 90), (None, 6), ("root", 4)])
    certs["server"] = leaf(rng, server_issuer, keys.get(server_issuer), "server")
    client_issuer = pick(rng, [(parent, 55), ("root", 35)] + ([("other", 10)] if other else []))
    certs["client"] = leaf(rng, client_issuer, keys.get(client_issuer), "client")

    # The served chain: in order, reversed, incomplete or with the root too.
    served = list(chain) if server_issuer == parent else []
    r = rng.random()
    if served and r < 0.08:
        served.reverse()
    elif served and r < 0.16:
        served = served[1:] if len(served) > 1 else []
    elif r < 0.2:
        served = served + ["root"]
    server = {"cert": "server"}
    if served:
        server["chain"] = served
    server_ca = pick(rng, [("root", 85), (None, 5), (chain[-1] if chain else "root", 5)]
                     + ([("other", 5)] if other else []))
    if server_ca:
        server["ca"] = server_ca
    if chance(rng, 0.02):
        server["key"] = "client"  # a key that does not match the certificate

    client = {}
    conf = pick(rng, [("ca+client", 70), ("server_pem", 12), ("lone_ca", 5), ("none", 3),
                      ("ca_other", 10)])
    trust_root = "root"
    if conf == "ca_other" and other:
        trust_root = "other"
    elif conf == "ca_other":
        trust_root = chain[-1] if chain else "root"
    if conf in ("ca+client", "ca_other"):
        client["ca_pem_path"] = trust_root
        client["client_pem_path"] = "client"
        if client_issuer not in ("root", "other") and chance(rng, 0.8):
            client_chain = chain[:chain.index(client_issuer) + 1][::-1] if client_issuer in chain else []
            if client_chain:
                client["client_chain"] = client_chain
    elif conf == "server_pem":
        client["server_pem_path"] = rng.choice(["server", "root"])
    elif conf == "lone_ca":
        client["ca_pem_path"] = trust_root
    server_name = pick(rng, SERVER_NAMES)
    if server_name:
        client["server_name"] = server_name

    doc = {"name": name, "summary": "differential campaign scenario (generated)",
           "certs": certs, "server": server}
    if client:
        doc["client"] = client
    doc["expect"] = {0: "pass", 1: "pass", 2: "pass"}
    return doc


def _last_ca(rng, certs, keys, name, cn, issuer):
    """A CA certificate spec (root when issuer is None); records its key type in `keys`."""
    cert = {"cn": cn, "ca": True}
    if issuer:
        cert["issuer"] = issuer
    if chance(rng, 0.03):
        cert["ca"] = False  # an issuer that is not a CA
    elif chance(rng, 0.15):
        cert["pathlen"] = rng.randint(0, 2)
    signer = keys.get(issuer) if issuer else None
    key = key_and_digest(rng, cert, signer)
    if not issuer and key == "ed25519":
        cert.pop("digest", None)
    validity(rng, cert)
    usages(rng, cert, True)
    keys[name] = key
    return cert
