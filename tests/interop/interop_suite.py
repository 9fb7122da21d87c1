#!/usr/bin/python3
"""Interop suite: the client profiles' predictions against the real stacks.

For every catalogue scenario x tlsMode 1 and 2, three real clients (Python grpcio = gRPC C-core
as in pymilvus, Go crypto/tls as under grpc-go, Node tls as under grpc-js) connect to two real
servers: tlsmatrix's own (`tlsmatrix serve` with the scenario's files) and Milvus's proxy
configuration in Go (servers/milvus_go). The clients are configured from the scenario by
pymilvus's rules (docs/milvus-rules.md: server_pem_path = the only root and no client certificate; else
client_pem_path + client_key_path + ca_pem_path = CA + client certificate; else default roots).

The prediction is what `tlsmatrix run --servers harness,milvus --json` computes for the profile
(python -> grpc-core, go -> go, node -> node): its `harness` cells for tlsmatrix's server, its
`milvus` cells (the harness's server deciding by Milvus's rules, docs/milvus-rules.md) for the Go
server. Each cell's expectation from the catalogue (`servers: milvus` for the Go server) must
agree as well. The real verdict is the client's:
pass/fail always, and the reason where the stack's error names it or the server's log for that
very connection does (Go and Node report their local port; the Python client's connection is
the one left over). Any disagreement fails the test and prints both verdicts.

Everything is batched: one `certs scenario` per scenario, one `serve` per scenario x mode, one
Go server process, one client process per stack.
"""
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from real_stacks import (GENERIC, MODES, SERVERS, SOURCE, STACK_PROFILE, agrees,  # noqa: E402
                         build_tools, expectation, harness_predictions, load_scenarios, log,
                         run_real, start_predictions, write_certs)

CATALOGUE = os.path.abspath(os.environ.get("TLSMATRIX_INTEROP_SCENARIOS",
                                           os.path.join(SOURCE, "scenarios")))


def main():
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="tlsmatrix-interop-")
    tools = build_tools()

    scenarios = load_scenarios(CATALOGUE)
    log(f"interop: {len(scenarios)} scenarios from {CATALOGUE}")

    run_json = os.path.join(work, "run.json")
    run_proc = start_predictions(CATALOGUE, run_json)
    # Certificates, once per scenario, shared by both servers and all clients.
    try:
        dirs = write_certs(scenarios, work)
    except RuntimeError as e:
        sys.exit(str(e))
    predictions = harness_predictions(run_proc, run_json)
    log(f"interop: certificates and predictions ready ({time.monotonic() - started:.1f}s)")

    try:
        real_cells, _ = run_real(
            scenarios, dirs, MODES, tools, work,
            progress=lambda m: log(f"interop: {m} ({time.monotonic() - started:.1f}s)"))
    except RuntimeError as e:
        sys.exit(str(e))

    total = reasons = 0
    disagreements, not_comparable = [], []
    per_pair = {}  # (server, client stack) -> [passed, failed]
    for s in scenarios:
        for mode in MODES:
            for server in SERVERS:
                for stack, profile in STACK_PROFILE.items():
                    cell = real_cells[(server, s["name"], mode, stack)]
                    if cell is None:
                        not_comparable.append(f"{s['name']} mode {mode} server={server} {stack}")
                        continue
                    outcome, reason, how, detail = cell
                    real = (outcome, reason, how)
                    predicted, expected = predictions[(s["name"], mode, profile, server)]
                    # The run's expectation is the loader's; the suite's own reading of the YAML
                    # must say the same.
                    yaml_says = expectation(s, "harness" if server == "tlsmatrix" else "milvus",
                                            profile, mode)
                    if yaml_says != expected:
                        disagreements.append(f"{s['name']} mode {mode} server={server} {profile}: "
                                             f"run expects {' '.join(expected)}, the YAML says "
                                             f"{' '.join(yaml_says)}")
                    total += 1
                    reasons += real[1] is not None and real[1] not in GENERIC
                    tally = per_pair.setdefault((server, stack), [0, 0])
                    tally[real[0] == "fail"] += 1
                    for what, want in (("prediction", predicted), ("catalogue", expected)):
                        if not agrees(real, want):
                            disagreements.append(
                                f"{s['name']} mode {mode} server={server} client={stack} "
                                f"({profile}): {what} {' '.join(want)}, real "
                                f"{real[0]} {real[1] or '(reason not named)'} [{real[2]}] {detail}")
                            break

    if not_comparable:
        log(f"interop: {len(not_comparable)} cells not comparable (grpcio cannot be held to a TLS "
            f"version; Go and Node checked them): {', '.join(not_comparable)}")
    for (server, stack), (passed, failed) in sorted(per_pair.items()):
        log(f"interop: server {server:9} client {stack:6}: {passed:3} passed, {failed:3} failed "
            "for real")
    for d in disagreements:
        log("DISAGREE " + d)
    for server in SERVERS:
        cells = sum(1 for (_, _, _, srv) in predictions if srv == server)
        bad = sum(1 for d in disagreements if f"server={server} " in d)
        source = "run --servers milvus" if server == "milvus" else "run (harness server)"
        log(f"interop: server {server}: {cells} predicted cells from {source}, {bad} disagreement(s)")
    log(f"interop: {len(scenarios)} scenarios x {len(MODES)} modes x {len(STACK_PROFILE)} client "
        f"stacks x {len(SERVERS)} server stacks = {total} cells; reason compared in {reasons}; "
        f"{len(disagreements)} disagreement(s); {time.monotonic() - started:.1f}s")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
