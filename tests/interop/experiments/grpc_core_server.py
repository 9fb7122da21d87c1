#!/usr/bin/python3
"""A gRPC C-core server (Python grpcio) per configuration, the same input and first output line
as servers/milvus_go: a JSON array of {"name","mode","server_pem","server_key","ca_pem"} in the
file given as argv[1]; prints {"ports": {...}, "errors": {...}}; runs until stdin closes.

Used by the experiments as a second server stack next to Milvus's Go one (C-core logs no
per-connection reason, so it prints no handshake events)."""
import json
import os
import sys
from concurrent import futures

os.environ.setdefault("GRPC_VERBOSITY", "NONE")
import grpc  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Health(grpc.GenericRpcHandler):
    def service(self, details):
        if details.method == "/grpc.health.v1.Health/Check":
            return grpc.unary_unary_rpc_method_handler(lambda req, ctx: b"\x08\x01")
        return None


def main():
    configs = json.load(open(sys.argv[1]))
    ports, errors, servers = {}, {}, []
    for c in configs:
        try:
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
            server.add_generic_rpc_handlers((Health(),))
            if c["mode"] in (1, 2):
                pair = (read(c["server_key"]), read(c["server_pem"]))
                if c["mode"] == 2:
                    creds = grpc.ssl_server_credentials([pair], root_certificates=read(c["ca_pem"]),
                                                        require_client_auth=True)
                else:
                    creds = grpc.ssl_server_credentials([pair])
                port = server.add_secure_port("127.0.0.1:0", creds)
            else:
                port = server.add_insecure_port("127.0.0.1:0")
            if port == 0:
                raise RuntimeError("could not bind")
            server.start()
            servers.append(server)
            ports[c["name"]] = port
        except Exception as e:  # noqa: BLE001 - any failure = the server would not start
            errors[c["name"]] = str(e)
    print(json.dumps({"ports": ports, "errors": errors}), flush=True)
    sys.stdin.read()
    for s in servers:
        s.stop(0)


if __name__ == "__main__":
    main()
