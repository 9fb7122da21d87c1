#!/usr/bin/python3
"""grpc_client: connects the way pymilvus does (Python grpcio = gRPC C-core) and says, per case,
whether the server was accepted and why not.

pymilvus builds grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
and sets grpc.ssl_target_name_override to server_name; this client does the same and makes one
RPC (grpc.health.v1.Health/Check; UNIMPLEMENTED also proves the handshake worked).

C-core's status says "certificate verify failed" without the X509 detail, but its verify
callback logs "Certificate verify failed with code N" to stderr: each case gets its own stderr
file so the code can be tied to the case.

Input on stdin: a JSON array of {"id","address","trust","cert","key","server_name","tls_max",
"plaintext"} (paths or empty; empty trust = gRPC's default roots; plaintext = secure=False). Output: one JSON line per case
{"id","ok","class","message","log"}. Run with /usr/bin/python3 (Debian's python3-grpcio).
"""
import json
import os
import re
import sys
import tempfile

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
import grpc  # noqa: E402

TIMEOUT_S = 5

# OpenSSL X509_V_ERR_* codes in the taxonomy's words.
X509_CLASS = {
    2: "unknown_ca",    # UNABLE_TO_GET_ISSUER_CERT
    7: "server_cert_invalid",   # CERT_SIGNATURE_FAILURE
    9: "server_cert_not_yet_valid",
    10: "server_cert_expired",
    18: "unknown_ca",   # DEPTH_ZERO_SELF_SIGNED_CERT
    19: "unknown_ca",   # SELF_SIGNED_CERT_IN_CHAIN
    20: "unknown_ca",   # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: "unknown_ca",   # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    24: "server_cert_invalid",  # INVALID_CA
    25: "server_cert_invalid",  # PATH_LENGTH_EXCEEDED
    26: "server_cert_invalid",  # INVALID_PURPOSE
    27: "unknown_ca",   # CERT_UNTRUSTED
    66: "server_cert_invalid",  # EE_KEY_TOO_SMALL
    67: "server_cert_invalid",  # CA_KEY_TOO_SMALL
    68: "server_cert_invalid",  # CA_MD_TOO_WEAK
}


def read_optional(path):
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def classify(code, details, log):
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "timeout"
    m = re.search(r"Certificate verify failed with code (\d+)", log)
    if m:
        return X509_CLASS.get(int(m.group(1)), "server_cert_invalid")
    if re.search(r"Peer name .* is not in peer certificate", details + log):
        return "hostname_mismatch"
    if "WRONG_VERSION_NUMBER" in details or "wrong version number" in details:
        return "tls_to_plaintext"
    if re.search(r"Ssl handshake failed: .*(ca md too weak|ee key too small|ca key too small)", details):
        # OpenSSL's own-chain checks (ssl_security_cert_chain): C-core would not send the
        # client's chain to a server that asked for it. A refused server chain reads
        # "certificate verify failed" instead.
        return "client_config_error"
    if "certificate verify failed" in details:
        # C-core does not say which check failed: any server-certificate reason fits.
        return "server_cert_rejected"
    if "Failed to create secure subchannel" in log or "Failed to create channel args" in log:
        # C-core would not use the client's own files (e.g. a key below OpenSSL's level).
        return "client_config_error"
    if "certificate required" in (details + log).lower():
        return "client_cert_missing"
    if "alert unknown ca" in (details + log).lower():
        return "client_cert_unknown_ca"
    if "alert certificate expired" in (details + log).lower():
        return "client_cert_expired"
    if "protocol version" in (details + log).lower():
        return "protocol_mismatch"
    if "connection refused" in details.lower():
        return "connection_failed"
    if "Socket closed" in details or "Endpoint read failed" in details or \
            "Connection reset" in details or "bad certificate" in (details + log).lower() or \
            "alert unexpected message" in (details + log).lower():
        # The last: Go's TLS server refusing a ClientHello it cannot parse (an SNI ending in a dot).
        return "rejected_by_server"
    return "unknown"


def run_case(case):
    result = {"id": case["id"], "ok": False, "class": "unknown", "message": ""}
    creds = None
    try:
        if not case.get("plaintext"):
            creds = grpc.ssl_channel_credentials(
                root_certificates=read_optional(case.get("trust")),
                private_key=read_optional(case.get("key")),
                certificate_chain=read_optional(case.get("cert")))
    except (OSError, ValueError) as e:
        result.update({"class": "client_config_error", "message": str(e)})
        return result
    options = [("grpc.use_local_subchannel_pool", 1)]
    if case.get("server_name"):
        options.append(("grpc.ssl_target_name_override", case["server_name"]))

    log_file = tempfile.TemporaryFile()
    saved = os.dup(2)
    os.dup2(log_file.fileno(), 2)
    try:
        channel = (grpc.insecure_channel(case["address"], options=options) if creds is None
                   else grpc.secure_channel(case["address"], creds, options=options))
        with channel:
            check = channel.unary_unary("/grpc.health.v1.Health/Check")
            try:
                check(b"", timeout=TIMEOUT_S)
                result.update({"ok": True, "class": "ok"})
            except grpc.RpcError as e:
                code, details = e.code(), e.details() or ""
                if code in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND):
                    result.update({"ok": True, "class": "ok"})
                else:
                    result["message"] = f"{code.name}: {details}"
                    result["_code"], result["_details"] = code, details
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    log_file.seek(0)
    log = log_file.read().decode(errors="replace")
    log_file.close()
    if not result["ok"]:
        result["class"] = classify(result.pop("_code", None), result.pop("_details", ""), log)
        result["log"] = " | ".join(line.strip() for line in log.splitlines() if line.strip())[-600:]
    return result


def main():
    cases = json.load(sys.stdin)
    for case in cases:
        print(json.dumps(run_case(case)), flush=True)


if __name__ == "__main__":
    main()
