#!/usr/bin/python3
"""Differential campaign: random scenarios, the real stacks, and `tlsmatrix run --json`.

    tests/differential/campaign.py [--seed N] [--count N] [--jobs N] [--batch N] [--out DIR]

Draws --count scenarios from --seed (lib/generate.py), runs each in tlsMode 1 and 2 with the
three real clients of tests/interop/ (Python grpcio, Go, Node) against both real servers
(`tlsmatrix serve` and Milvus's configuration in Go), and compares every cell with what
`tlsmatrix run --json` computes for it: the outcome always, the reason where the real stack names
one. The run is `run --servers harness,milvus`: cells against the Go server are compared with its
`server: milvus` cells. A cell the run did not predict fails the campaign.

Every disagreement is put in a class (server, client stack, predicted verdict, real verdict); the
first examples of each failing class are shrunk (whatever does not change the disagreement is dropped)
and written to --out as a scenario file whose expectations are the real stacks' verdicts, ready
to become a catalogue regression. Classes of reason disagreements that cannot be modelled are
listed in known_reason_classes.json; any other disagreement fails the campaign (exit 1).
With no arguments it runs the bounded campaign CI runs (ctest label `differential`: seed 14,
40 scenarios, about 2 minutes); a long one is run by hand with --count (and --seed).
Exit 0: no outcome disagreement and only documented reason classes; 1: otherwise; 2: the
campaign could not run (a tool failed to build or start).
"""
import argparse
import concurrent.futures
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop", "lib"))
import generate  # noqa: E402
import shrink  # noqa: E402
from real_stacks import (GENERIC, STACK_PROFILE, agrees, build_tools,  # noqa: E402
                         cells_by_server, run_real, start_predictions, write_certs)

MODES = (1, 2)
# The run's name for each server stack (the interop library's names are tlsmatrix and milvus).
RUN_SERVER = {"tlsmatrix": "harness", "milvus": "milvus"}
KNOWN = os.path.join(HERE, "known_reason_classes.json")


def eprint(msg):
    print(msg, file=sys.stderr, flush=True)


def verdict_text(v):
    outcome, reason = v[0], v[1]
    if outcome == "pass":
        return "pass"
    return f"fail {reason or '(unnamed)'}"


class Batch:
    """One batch of scenarios: their files, the run's cells and the real cells."""

    def __init__(self, docs, work, tools):
        self.docs, self.work, self.tools = docs, work, tools

    def run(self, phases=None):
        """(predicted, real); `phases` (a dict) gets each phase's seconds added."""
        t0 = time.monotonic()
        os.makedirs(self.work, exist_ok=True)
        sdir = os.path.join(self.work, "scenarios")
        os.makedirs(sdir, exist_ok=True)
        for d in self.docs:
            d["_file"] = os.path.join(sdir, d["name"] + ".yaml")
            with open(d["_file"], "w") as f:
                f.write(dump(d))
        out = os.path.join(self.work, "run.json")
        # The run and the certificate files are made at the same time (both mostly key
        # generation and handshakes on other processes); the real stacks need the files only.
        proc = start_predictions(sdir, out)
        dirs = write_certs(self.docs, os.path.join(self.work, "certs"), jobs=2)
        t1 = time.monotonic()
        predicted = cells_by_server(proc, out)
        t2 = time.monotonic()
        real, _ = run_real(self.docs, dirs, MODES, self.tools, self.work)
        t3 = time.monotonic()
        if phases is not None:
            for k, v in (("certs", t1 - t0), ("run (after certs)", t2 - t1), ("real stacks", t3 - t2)):
                phases[k] = phases.get(k, 0.0) + v
        return predicted, real


def dump(doc):
    return yaml.safe_dump({k: v for k, v in doc.items() if not k.startswith("_")},
                          sort_keys=False, default_flow_style=None, width=100)


def compare(docs, predicted, real):
    """Yields (doc, mode, server, stack, kind, predicted, real, detail) for every cell;
    kind is agree / outcome / reason / unpredicted."""
    for d in docs:
        for mode in MODES:
            for server in ("tlsmatrix", "milvus"):
                for stack, profile in STACK_PROFILE.items():
                    r = real[(server, d["name"], mode, stack)]
                    cell = predicted.get((RUN_SERVER[server], d["name"], mode, profile))
                    if cell is None:
                        # The run has no such cell: nothing to compare with, which fails the
                        # campaign (a cell is never counted as agreeing by default).
                        yield d, mode, server, stack, "unpredicted", None, r, ""
                        continue
                    want, detail = cell
                    if agrees(r[:3], want):
                        kind = "agree"
                    elif r[0] != want[0]:
                        kind = "outcome"
                    else:
                        kind = "reason"
                    yield d, mode, server, stack, kind, want, r, detail


def class_key(server, stack, kind, want, r):
    return (f"{kind}: server {RUN_SERVER[server]}, client {stack}: predicted "
            f"{verdict_text(want)}, real {verdict_text(r)}")


def load_known():
    with open(KNOWN) as f:
        return {(k["server"], k["stack"], k["predicted"], k["real"]): k for k in json.load(f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=14, help="campaign seed (default 14, CI's)")
    ap.add_argument("--count", type=int, default=40,
                    help="scenarios (default 40, CI's bounded campaign; a long one: 2000)")
    ap.add_argument("--jobs", type=int, default=2, help="batches run at once (default 2)")
    ap.add_argument("--batch", type=int, default=20, help="scenarios per batch (default 20)")
    ap.add_argument("--out", default=None,
                    help="folder for the minimal disagreement scenarios (default: "
                    "$TLSMATRIX_BUILD_DIR/differential/SEED)")
    ap.add_argument("--shrink", type=int, default=2,
                    help="examples shrunk per failing class (default 2; 0: none); documented "
                    "reason classes are not shrunk")
    ap.add_argument("--shrink-rounds", type=int, default=6,
                    help="reduction rounds per example (default 6; each is one batch)")
    ap.add_argument("--json", default=None, help="write the figures and classes as JSON here")
    args = ap.parse_args()
    started = time.monotonic()
    build = os.environ.get("TLSMATRIX_BUILD_DIR", os.path.join(os.path.dirname(os.path.dirname(HERE)), "build"))
    out_dir = args.out or os.path.join(build, "differential", str(args.seed))
    try:
        tools = build_tools()
    except (subprocess.SubprocessError, OSError) as e:
        eprint(f"campaign: cannot build the Go tools: {e}")
        return 2
    known = load_known()

    rng = random.Random(args.seed)
    docs = [generate.scenario(rng, f"d{args.seed}-{i:05d}") for i in range(args.count)]
    work = tempfile.mkdtemp(prefix="tlsmatrix-differential-")
    batches = [docs[i:i + args.batch] for i in range(0, len(docs), args.batch)]
    eprint(f"campaign: seed {args.seed}, {len(docs)} scenarios in {len(batches)} batches of "
           f"up to {args.batch}, {args.jobs} at once")

    tally = {"agree": 0, "outcome": 0, "reason": 0, "unpredicted": 0}
    classes = {}  # key -> {"count", "examples": [(doc, mode, server, stack)]}
    lock = threading.Lock()
    done = [0, 0]
    phases = {}

    def one(i, batch):
        mine = {}
        predicted, real = Batch(batch, os.path.join(work, f"b{i}"), tools).run(mine)
        with lock:
            for k, v in mine.items():
                phases[k] = phases.get(k, 0.0) + v
            for d, mode, server, stack, kind, want, r, detail in compare(batch, predicted, real):
                tally[kind] += 1
                if kind in ("outcome", "reason"):
                    c = classes.setdefault(class_key(server, stack, kind, want, r),
                                           {"count": 0, "examples": [], "kind": kind,
                                            "server": RUN_SERVER[server], "stack": stack,
                                            "predicted": verdict_text(want), "real": verdict_text(r),
                                            "words": [r[3][:200], detail[:200]]})
                    c["count"] += 1
                    if c["count"] == 1:
                        eprint(f"campaign: new class: {class_key(server, stack, kind, want, r)} "
                               f"({d['name']}, mode {mode}): {r[3][:120]}")
                    if len(c["examples"]) < max(args.shrink, 1):
                        c["examples"].append((copy.deepcopy(d), mode, server, stack))
            done[0] += 1
            done[1] += len(batch)
            eprint(f"campaign: batch {done[0]}/{len(batches)}: {done[1]} scenarios, "
                   f"{sum(tally.values())} cells, {tally['outcome']} outcome and "
                   f"{tally['reason']} reason disagreements ({time.monotonic() - started:.0f}s)")
        shutil.rmtree(os.path.join(work, f"b{i}"), ignore_errors=True)

    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for f in [pool.submit(one, i, b) for i, b in enumerate(batches)]:
                f.result()
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        eprint(f"campaign: a batch could not run: {e}")
        return 2
    elapsed_run = time.monotonic() - started

    def documented(c):
        return c["kind"] == "reason" and (c["server"], c["stack"], c["predicted"], c["real"]) in known

    # Shrink and write out the first examples of each class that fails the campaign.
    written = []
    failing_classes = {k: c for k, c in classes.items() if not documented(c)}
    if args.shrink and failing_classes:
        os.makedirs(out_dir, exist_ok=True)
        for key, c in sorted(failing_classes.items()):
            for n, (doc, mode, server, stack) in enumerate(c["examples"][:args.shrink]):
                def still(cands, mode=mode, server=server, stack=stack, key=key):
                    return shrink_eval(cands, mode, server, stack, key, work, tools)
                small = shrink.shrink(doc, still, args.shrink_rounds)
                path = os.path.join(out_dir, f"{slug(key)}-{n + 1}.yaml")
                with open(path, "w") as f:
                    f.write(f"# differential: {key}\n# seed {args.seed}, from scenario {doc['name']}"
                            f" (mode {mode}); expectations are the real stacks' verdicts\n")
                    f.write(dump(regression(small, work, tools)))
                written.append(path)

    cells = sum(tally.values())
    eprint("")
    eprint(f"campaign: {len(docs)} scenarios x {len(MODES)} modes x 3 clients x 2 servers = "
           f"{cells} cells in {elapsed_run:.0f}s (+{time.monotonic() - started - elapsed_run:.0f}s "
           f"shrinking); {tally['agree']} agree, {tally['unpredicted']} unpredicted (no prediction"
           f"), {tally['outcome']} outcome and {tally['reason']} reason disagreements")
    eprint("campaign: time by phase (summed over batches): " +
           ", ".join(f"{k} {v:.0f}s" for k, v in phases.items()))
    failing = 1 if tally["unpredicted"] else 0
    if tally["unpredicted"]:
        eprint(f"  {tally['unpredicted']:5}  FAIL       cells the run did not predict")
    for key, c in sorted(classes.items(), key=lambda kv: -kv[1]["count"]):
        if documented(c):
            tag = "documented"
        else:
            tag = "FAIL"
            failing += 1
        eprint(f"  {c['count']:5}  {tag:10} {key}")
        if tag == "FAIL":
            eprint(f"         real: {c['words'][0]}")
    for p in written:
        eprint(f"  minimal scenario: {p}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "scenarios": len(docs), "cells": cells, "tally": tally,
                       "seconds": round(time.monotonic() - started, 1),
                       "phases": {k: round(v, 1) for k, v in phases.items()},
                       "classes": {k: {kk: vv for kk, vv in c.items() if kk != "examples"}
                                   for k, c in classes.items()}}, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)
    eprint(f"campaign: {'FAILED: ' + str(failing) + ' class(es) not documented' if failing else 'ok'}")
    return 1 if failing else 0


def slug(key):
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:90]


_counter = [0]


def shrink_eval(cands, mode, server, stack, key, work, tools):
    """Which candidates still show the disagreement `key` in the same cell (a list of bools)."""
    _counter[0] += 1
    docs = []
    for i, c in enumerate(cands):
        c = copy.deepcopy(c)
        c["name"] = f"s{_counter[0]}-{i}"
        docs.append(c)
    try:
        predicted, real = Batch(docs, os.path.join(work, f"shrink{_counter[0]}"), tools).run()
    except (RuntimeError, subprocess.SubprocessError, OSError):
        return [False] * len(cands)
    keep = {d["name"]: False for d in docs}
    for d, m, sv, st, kind, want, r, _ in compare(docs, predicted, real):
        if (m, sv, st) == (mode, server, stack) and kind in ("outcome", "reason") and \
                class_key(sv, st, kind, want, r) == key:
            keep[d["name"]] = True
    shutil.rmtree(os.path.join(work, f"shrink{_counter[0]}"), ignore_errors=True)
    return [keep[d["name"]] for d in docs]


def regression(doc, work, tools):
    """The scenario with the real stacks' verdicts as its expectations (harness server)."""
    doc = copy.deepcopy(doc)
    doc["name"] = "differential-" + doc["name"]
    doc["summary"] = "Found by the differential campaign; expectations are the real stacks'."
    _counter[0] += 1
    predicted, real = Batch([doc], os.path.join(work, f"final{_counter[0]}-" + doc["name"]), tools).run()
    expect = {0: "pass"}
    profiles = {}
    for mode in MODES:
        for stack, profile in STACK_PROFILE.items():
            r = real[("tlsmatrix", doc["name"], mode, stack)]
            want = predicted.get(("harness", doc["name"], mode, profile), (("fail", None), ""))[0]
            reason = r[1] if r[1] and r[1] not in GENERIC else want[1]
            text = "pass" if r[0] == "pass" else f"fail {reason}"
            if profile == "grpc-core":
                expect[mode] = text
            elif text != expect[mode]:
                profiles.setdefault(profile, {})[mode] = text
    doc["expect"] = expect
    if profiles:
        doc["profiles"] = profiles
    doc.pop("_file", None)
    return doc


if __name__ == "__main__":
    sys.exit(main())
