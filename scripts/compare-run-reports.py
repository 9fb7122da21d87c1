#!/usr/bin/python3
"""Compare two or more `tlsmatrix run --json` reports, ignoring what differs between any two runs
of the same binary: when they ran (started, duration_ms) and the version string.

Cells are matched by (scenario, mode, profile). Every other field of every cell, and the run's
own fields, must be equal. Prints one line per difference (the first report is the reference)
and exits 0 when all reports agree, 1 when they differ, 2 when a report cannot be read.

Example (is the catalogue's report reproducible?):
  for i in 1 2 3; do build/tlsmatrix run scenarios --json run$i.json; done
  scripts/compare-run-reports.py run1.json run2.json run3.json
"""
import argparse
import json
import sys

# Fields that say when or with what a run happened, not what it observed.
IGNORED = {"started", "duration_ms", "version"}


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def cell_key(cell):
    return (cell.get("scenario"), cell.get("mode"), cell.get("profile"))


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return strip(json.load(f))
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read a JSON report: {e}", file=sys.stderr)
        sys.exit(2)


def compare(ref_name, ref, other_name, other):
    diffs = []
    ref_cells = {cell_key(c): c for c in ref.get("cells", [])}
    other_cells = {cell_key(c): c for c in other.get("cells", [])}
    for key in sorted(set(ref_cells) | set(other_cells), key=str):
        name = "%s mode %s %s" % key
        a, b = ref_cells.get(key), other_cells.get(key)
        if a is None or b is None:
            diffs.append(f"{name}: only in {ref_name if b is None else other_name}")
            continue
        for field in sorted(set(a) | set(b)):
            if a.get(field) != b.get(field):
                diffs.append(f"{name}: {field}\n  {ref_name}: {json.dumps(a.get(field))}\n"
                             f"  {other_name}: {json.dumps(b.get(field))}")
    rest_a = {k: v for k, v in ref.items() if k != "cells"}
    rest_b = {k: v for k, v in other.items() if k != "cells"}
    for field in sorted(set(rest_a) | set(rest_b)):
        if rest_a.get(field) != rest_b.get(field):
            diffs.append(f"run: {field}\n  {ref_name}: {json.dumps(rest_a.get(field))}\n"
                         f"  {other_name}: {json.dumps(rest_b.get(field))}")
    return diffs


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", nargs="+", metavar="REPORT.json",
                        help="the first is the reference; each other is compared with it")
    args = parser.parse_args()
    if len(args.reports) < 2:
        parser.error("give at least two reports")
    ref = load(args.reports[0])
    total = 0
    for path in args.reports[1:]:
        diffs = compare(args.reports[0], ref, path, load(path))
        for d in diffs:
            print(d)
        total += len(diffs)
    cells = len(ref.get("cells", []))
    if total:
        print(f"{total} difference(s) over {cells} cells in {len(args.reports)} reports")
        return 1
    print(f"identical apart from times: {len(args.reports)} reports, {cells} cells each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
