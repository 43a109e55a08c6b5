#!/usr/bin/env python3
"""Before/after for Kite itself: two kite-runner binaries alternating on the same workloads.

    python3 Benchmarks/ab.py OLD_RUNNER NEW_RUNNER RUNS WORKLOAD[,WORKLOAD...]

WORKLOAD is `coremark` or a sightglass program's name (`bz2`, `shootout-fib2`, ...). Prints,
per workload, the median of OLD and NEW (CoreMark: the score; sightglass: the measured
region, bench.start..bench.end, in ms) and NEW / OLD. The full comparison with the peers is
harness.py; this is the quick check of one change (build the old runner in a git worktree).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
SIGHTGLASS = Path(os.environ.get("SIGHTGLASS", SHARED / "sightglass"))
WASMI_BENCHMARKS = Path(os.environ.get("WASMI_BENCHMARKS", SHARED / "wasmi-benchmarks"))


def command(runner, workload, out):
    if workload == "coremark":
        return [runner, "--json", out, "coremark", str(WASMI_BENCHMARKS / "wasm" / "coremark.wasm")], None
    if workload.startswith("shootout-"):
        directory = SIGHTGLASS / "shootout"
        return [runner, "--json", out, "sightglass", str(directory), workload + ".wasm"], directory
    directory = SIGHTGLASS / workload
    if not (directory / "benchmark.wasm").exists():  # splay ships as splay.wasm
        return [runner, "--json", out, "sightglass", str(directory), workload + ".wasm"], directory
    return [runner, "--json", out, "sightglass", str(directory)], directory


def measure(runner, workload):
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "report.json")
        argv, cwd = command(runner, workload, out)
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        report = json.load(open(out))
    return report["score"] if workload == "coremark" else report["measured_ns"] / 1e6


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    old, new, runs, workloads = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
    results = {w: {"old": [], "new": []} for w in workloads}
    for _ in range(runs):
        for workload in workloads:
            for side, runner in (("old", old), ("new", new)):
                results[workload][side].append(measure(runner, workload))
    print("| workload | old | new | new / old |\n| --- | ---: | ---: | ---: |")
    for workload, r in results.items():
        a, b = statistics.median(r["old"]), statistics.median(r["new"])
        print(f"| {workload} | {a:,.1f} | {b:,.1f} | {b / a:.3f} |")


if __name__ == "__main__":
    main()
