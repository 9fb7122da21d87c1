"""Shrinking a disagreeing scenario: drop whatever does not change the disagreement.

Greedy and batched: every one-step reduction of the current scenario is tried at once (one
`still(candidates)` call runs them all as one batch), the first that still shows the
disagreement is kept, and that repeats until no reduction keeps it. A reduction takes a setting
back to its default (key, digest, validity, pathlen, keyUsage, EKU, CN), drops one SAN entry, one
served or sent chain certificate, the server name, or an intermediate (its children are then
signed by its issuer).
"""
import copy

OPTIONAL = [("key",), ("digest",), ("not_before", "not_after"), ("pathlen",), ("key_usage",),
            ("ext_key_usage",), ("cn",), ("san",)]


def references(doc):
    """Every cert name the server and client sections use."""
    s, c = doc.get("server") or {}, doc.get("client") or {}
    names = [s.get("cert"), s.get("key"), s.get("ca"), c.get("server_pem_path"),
             c.get("ca_pem_path"), c.get("client_pem_path"), c.get("client_key_path")]
    names += (s.get("chain") or []) + (c.get("client_chain") or [])
    return {n for n in names if n}


def reductions(doc):
    certs = doc["certs"]
    for name, cert in certs.items():
        for keys in OPTIONAL:
            if any(k in cert for k in keys):
                d = copy.deepcopy(doc)
                for k in keys:
                    d["certs"][name].pop(k, None)
                if keys == ("key",):
                    # Children signed by an Ed25519 key had no digest; rsa2048 takes any.
                    pass
                yield d
        for i in range(len(cert.get("san") or [])):
            if len(cert["san"]) > 1:
                d = copy.deepcopy(doc)
                del d["certs"][name]["san"][i]
                yield d
    # An intermediate (or any unreferenced CA) collapses into its issuer.
    used = references(doc)
    for name, cert in certs.items():
        children = [n for n, c in certs.items() if c.get("issuer") == name]
        if name in used and not children:
            continue
        if name in ("server", "client"):
            continue
        if name in {doc["server"].get("cert"), doc["server"].get("ca"),
                    (doc.get("client") or {}).get("ca_pem_path"),
                    (doc.get("client") or {}).get("server_pem_path")}:
            continue
        parent = cert.get("issuer")
        if children and parent is None:
            continue
        d = copy.deepcopy(doc)
        del d["certs"][name]
        for c in children:
            d["certs"][c]["issuer"] = parent
            if certs.get(parent, {}).get("key") == "ed25519":
                d["certs"][c].pop("digest", None)
        for section, key in (("server", "chain"), ("client", "client_chain")):
            lst = (d.get(section) or {}).get(key)
            if lst and name in lst:
                lst.remove(name)
                if not lst:
                    del d[section][key]
        yield d
    for section, key in (("server", "chain"), ("client", "client_chain")):
        for i in range(len((doc.get(section) or {}).get(key) or [])):
            d = copy.deepcopy(doc)
            del d[section][key][i]
            if not d[section][key]:
                del d[section][key]
            yield d
    for section, key in (("client", "server_name"), ("server", "key")):
        if key in (doc.get(section) or {}):
            d = copy.deepcopy(doc)
            del d[section][key]
            yield d


def fix_digests(doc):
    """An Ed25519 signer takes no digest: drop one a reduction left under it."""
    certs = doc["certs"]
    for name, cert in certs.items():
        signer = certs.get(cert.get("issuer"), cert) if cert.get("issuer") else cert
        if signer.get("key") == "ed25519":
            cert.pop("digest", None)
    return doc


def shrink(doc, still, max_rounds=12):
    current = copy.deepcopy(doc)
    for _ in range(max_rounds):
        cands = [fix_digests(c) for c in reductions(current)]
        if not cands:
            break
        keep = still(cands)
        hit = next((c for c, k in zip(cands, keep) if k), None)
        if hit is None:
            break
        current = hit
    return current
