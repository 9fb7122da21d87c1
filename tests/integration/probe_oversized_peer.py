#!/usr/bin/python3
"""`tlsmatrix probe` against a TLS server whose certificate list is 3000 certificates long
(tests/faults/fault_server.py oversized-chain[-mtls]): the probe's own OpenSSL client refuses the
handshake (excessive message size, beyond OpenSSL's default 100 KiB certificate-list limit).

That failure is the probe's, not the server's decision, so it says nothing about what the server
lets in. How it proves its point: against such a server, with and without client certificate
authentication, no negative check may pass (the unrelated CA and the missing client certificate
were never turned away by the server), nothing may be blamed on ALPN or on a certificate the
probe never saw, the report must say the handshake was stopped by the probe's own limit, and the
exit code is 2 ("cannot know"), not 0 or 1.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from probe_lib import Checks, certs_gen, check_of, fault_server, run_probe  # noqa: E402

check = Checks()
NEGATIVE = ("client_cert_required", "unrelated_ca_rejected", "client_cert_accepted")


def main():
    with tempfile.TemporaryDirectory(prefix="probe-oversized-") as tmp:
        certs = os.path.join(tmp, "certs")
        certs_gen(certs)
        trust = ["--trust", os.path.join(certs, "ca.pem"), "--server-name", "localhost"]
        client = ["--client-pem", os.path.join(certs, "client.pem"),
                  "--client-key", os.path.join(certs, "client.key")]
        for mode in ("oversized-chain", "oversized-chain-mtls"):
            with fault_server(mode, certs) as s:
                for label, flags in (("no flags", []), ("--trust", trust),
                                     ("--tls-mode 2 with client files", trust + client +
                                      ["--tls-mode", "2"])):
                    what = f"{mode}, {label}"
                    p, r = run_probe(tmp, s.endpoint, *flags)
                    check(p.returncode == 2, f"{what}: exit 2, cannot know (got {p.returncode})")
                    check(r is not None, f"{what}: the JSON report is written")
                    if r is None:
                        continue
                    for cid in NEGATIVE:
                        check(check_of(r, cid).get("status") != "pass",
                              f"{what}: {cid} does not pass on the probe's own failure")
                    inconclusive = [c for c in r["checks"] if c["status"] == "inconclusive"]
                    check(any("excessive message size" in c["detail"] and
                              "certificate list" in c["detail"] for c in inconclusive),
                          f"{what}: an inconclusive check names the oversized certificate list")
                    text = " ".join(c["detail"] + " " + c["hint"] for c in r["checks"])
                    check("ALPN" not in text, f"{what}: nothing blames ALPN")
                    check(check_of(r, "chain").get("status") != "fail",
                          f"{what}: no 'no certificate seen' failure for a chain never read")
                    check(r["passed"] is False and "all checks passed" not in p.stdout,
                          f"{what}: not reported as passed")
                    check("inconclusive" in p.stdout, f"{what}: the terminal says inconclusive")
    return check.finish("probe_oversized_peer")


if __name__ == "__main__":
    sys.exit(main())
